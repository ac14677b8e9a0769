/*
 * TCP sequence arithmetic (net/tcp_seq.h) and option parsing and layout
 * (net/tcp_opt.c).
 *
 * Every parse goes through a heap copy of exactly the option bytes, so
 * under ASan a read one byte past len is an error, not a silent pass.
 *
 * Sources: tests/net/test_tcp_opt.c net/tcp_opt.c
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/tcp_opt.h"
#include "net/tcp_seq.h"
#include "tests/unit/test.h"

/* Parse len bytes from a buffer of exactly that size. */
static int parse_exact(const uint8_t *bytes, size_t len, bool syn,
		       struct tcp_opts *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	if (!copy)
		abort();
	if (len)
		memcpy(copy, bytes, len);
	ret = tcp_opt_parse(copy, len, syn, out);
	free(copy);
	return ret;
}

#define PARSE(arr, syn, out) parse_exact(arr, sizeof(arr), syn, out)

static bool opts_all_zero(const struct tcp_opts *o)
{
	struct tcp_opts zero;

	memset(&zero, 0, sizeof(zero));
	return memcmp(o, &zero, sizeof(zero)) == 0;
}

/* ---- Sequence space (RFC 9293 3.4) ---- */

TEST(test_seq_compare_across_wrap)
{
	CHECK(seq_lt(0xfffffff0u, 0x10));
	CHECK(!seq_lt(0x10, 0xfffffff0u));
	CHECK(seq_leq(0xfffffff0u, 0x10));
	CHECK(seq_gt(0x10, 0xfffffff0u));
	CHECK(seq_geq(0x10, 0xfffffff0u));
	CHECK(!seq_gt(0xfffffff0u, 0x10));
	CHECK(seq_lt(0xffffffffu, 0));
	CHECK(seq_gt(0, 0xffffffffu));
	CHECK_EQ(seq_diff(0x10, 0xfffffff0u), 0x20);
	CHECK_EQ(seq_diff(0xfffffff0u, 0x10), -0x20);
}

TEST(test_seq_compare_equal_is_leq_and_geq_only)
{
	CHECK(!seq_lt(1234, 1234));
	CHECK(!seq_gt(1234, 1234));
	CHECK(seq_leq(1234, 1234));
	CHECK(seq_geq(1234, 1234));
	CHECK_EQ(seq_diff(0xffffffffu, 0xffffffffu), 0);
}

TEST(test_seq_compare_plain_order_below_half_space)
{
	CHECK(seq_lt(0, 0x7fffffffu));
	CHECK(seq_gt(0x7fffffffu, 0));
	CHECK(seq_lt(0x80000000u, 0xffffffffu));
	CHECK_EQ(seq_diff(0x7fffffffu, 0), 0x7fffffff);
}

/* Documented limit: numbers exactly 2^31 apart are each "before" the other. */
TEST(test_seq_compare_half_space_apart_is_ambiguous)
{
	CHECK(seq_lt(0, 0x80000000u));
	CHECK(seq_lt(0x80000000u, 0));
}

TEST(test_seq_between_holds_across_wrap)
{
	uint32_t lo = 0xfffffffeu, hi = 2;

	CHECK(seq_between(0xfffffffeu, lo, hi));
	CHECK(seq_between(0xffffffffu, lo, hi));
	CHECK(seq_between(0, lo, hi));
	CHECK(seq_between(1, lo, hi));
	CHECK(!seq_between(2, lo, hi));		/* hi is excluded */
	CHECK(!seq_between(0xfffffffdu, lo, hi));
	CHECK(!seq_between(0x80000000u, lo, hi));
}

TEST(test_seq_between_empty_window_accepts_nothing)
{
	CHECK(!seq_between(5, 5, 5));
	CHECK(!seq_between(0, 0xffffffffu, 0xffffffffu));
	CHECK(!seq_between(0xffffffffu, 0xffffffffu, 0xffffffffu));
}

TEST(test_seq_max_min_across_wrap)
{
	CHECK_EQ(seq_max(0xfffffff0u, 0x10), 0x10);
	CHECK_EQ(seq_max(0x10, 0xfffffff0u), 0x10);
	CHECK_EQ(seq_min(0xfffffff0u, 0x10), 0xfffffff0u);
	CHECK_EQ(seq_min(0x10, 0xfffffff0u), 0xfffffff0u);
	CHECK_EQ(seq_max(7, 7), 7);
}

/* RFC 7323 5.3: PAWS compares the 32-bit timestamp clock modulo 2^32. */
TEST(test_ts_compare_across_wrap_for_paws)
{
	uint32_t ts_recent = 0xffffff00u;

	CHECK(ts_lt(ts_recent, 0x100));		/* newer after the wrap */
	CHECK(ts_gt(0x100, ts_recent));
	CHECK(ts_geq(0x100, ts_recent));
	CHECK(ts_leq(ts_recent, ts_recent));
	CHECK(ts_lt(0xfffffe00u, ts_recent));	/* old: PAWS rejects */
	CHECK(!ts_geq(0xfffffe00u, ts_recent));
}

/* ---- Parsing (RFC 9293 3.2, RFC 7323, RFC 2018) ---- */

/*
 * A Linux SYN as tcpdump shows it: "mss 1460,sackOK,TS val 2833740 ecr 0,
 * nop,wscale 7", laid out per RFC 9293 3.2 / RFC 7323 / RFC 2018 the way
 * tcp_options_write() emits it.
 */
static const uint8_t linux_syn[20] = {
	0x02, 0x04, 0x05, 0xb4,			/* MSS 1460 */
	0x04, 0x02,				/* SACK permitted */
	0x08, 0x0a, 0x00, 0x2b, 0x3d, 0x4c,	/* TS val 2833740 */
	0x00, 0x00, 0x00, 0x00,			/*    ecr 0 */
	0x01,					/* NOP */
	0x03, 0x03, 0x07,			/* window scale 7 */
};

TEST(test_tcp_opt_parse_linux_syn)
{
	struct tcp_opts o;

	CHECK_EQ(PARSE(linux_syn, true, &o), 0);
	CHECK(o.has_mss);
	CHECK_EQ(o.mss, 1460);
	CHECK(o.sack_ok);
	CHECK(o.has_ts);
	CHECK_EQ(o.tsval, 2833740);
	CHECK_EQ(o.tsecr, 0);
	CHECK(o.has_ws);
	CHECK_EQ(o.ws, 7);
	CHECK_EQ(o.nsack, 0);
}

/* "nop,nop,TS val 2833750 ecr 9", then "nop,nop,sack 2 {..}{..}". */
TEST(test_tcp_opt_parse_linux_ack_with_ts_and_sack)
{
	static const uint8_t b[32] = {
		0x01, 0x01, 0x08, 0x0a, 0x00, 0x2b, 0x3d, 0x56,
		0x00, 0x00, 0x00, 0x09,
		0x01, 0x01, 0x05, 0x12,
		0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00,
	};
	struct tcp_opts o;

	CHECK_EQ(PARSE(b, false, &o), 0);
	CHECK(o.has_ts);
	CHECK_EQ(o.tsval, 2833750);
	CHECK_EQ(o.tsecr, 9);
	CHECK_EQ(o.nsack, 2);
	CHECK_EQ(o.sack[0].start, 0xffffff00u);
	CHECK_EQ(o.sack[0].end, 0x100);
	CHECK_EQ(o.sack[1].start, 0x200);
	CHECK_EQ(o.sack[1].end, 0x300);
	CHECK(!o.has_mss && !o.has_ws && !o.sack_ok);
}

TEST(test_tcp_opt_parse_empty_list_has_no_options)
{
	struct tcp_opts o;

	memset(&o, 0xa5, sizeof(o));
	CHECK_EQ(parse_exact(NULL, 0, true, &o), 0);
	CHECK(opts_all_zero(&o));
}

TEST(test_tcp_opt_parse_four_sack_blocks)
{
	uint8_t b[36] = { 0x01, 0x01, 0x05, 34 };
	struct tcp_opts o;

	for (int i = 0; i < 8; i++)
		put_be32(b + 4 + 4 * i, 1000u * (uint32_t)(i + 1));
	CHECK_EQ(PARSE(b, false, &o), 0);
	CHECK_EQ(o.nsack, 4);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(o.sack[i].start, 1000 * (2 * i + 1));
		CHECK_EQ(o.sack[i].end, 1000 * (2 * i + 2));
	}
}

/* RFC 9293 3.2: EOL ends the list; padding after it is not parsed. */
TEST(test_tcp_opt_parse_ignores_garbage_after_eol)
{
	static const uint8_t b[8] = { 0x02, 0x04, 0x05, 0xb4,
				      0x00, 0xff, 0x00, 0x01 };
	struct tcp_opts o;

	CHECK_EQ(PARSE(b, true, &o), 0);
	CHECK(o.has_mss);
	CHECK_EQ(o.mss, 1460);
	CHECK(!o.has_ts && !o.has_ws);
}

/* RFC 9293 3.2 (MUST-6): an unknown kind with a sane length is skipped. */
TEST(test_tcp_opt_parse_skips_unknown_option)
{
	static const uint8_t b[20] = {
		0x1e, 0x06, 0xde, 0xad, 0xbe, 0xef,	/* kind 30, len 6 */
		0xfe, 0x02,				/* kind 254, len 2 */
		0x08, 0x0a, 0, 0, 0, 5, 0, 0, 0, 6,	/* TS 5 6 */
		0x01, 0x00,
	};
	struct tcp_opts o;

	CHECK_EQ(PARSE(b, false, &o), 0);
	CHECK(o.has_ts);
	CHECK_EQ(o.tsval, 5);
	CHECK_EQ(o.tsecr, 6);
}

/* RFC 7323 2.2, RFC 9293 3.7.1, RFC 2018 2: SYN-only options. */
TEST(test_tcp_opt_parse_ignores_mss_ws_sack_perm_outside_syn)
{
	struct tcp_opts o;

	CHECK_EQ(PARSE(linux_syn, false, &o), 0);
	CHECK(!o.has_mss);
	CHECK_EQ(o.mss, 0);
	CHECK(!o.has_ws);
	CHECK_EQ(o.ws, 0);
	CHECK(!o.sack_ok);
	CHECK(o.has_ts);	/* timestamps count on any segment */
	CHECK_EQ(o.tsval, 2833740);
}

/* RFC 7323 2.3: a shift above 14 MUST be used as 14. */
TEST(test_tcp_opt_parse_clamps_window_scale_above_14)
{
	uint8_t b[4] = { 0x01, 0x03, 0x03, 0 };
	struct tcp_opts o;

	b[3] = 14;
	CHECK_EQ(PARSE(b, true, &o), 0);
	CHECK_EQ(o.ws, 14);
	b[3] = 15;
	CHECK_EQ(PARSE(b, true, &o), 0);
	CHECK(o.has_ws);
	CHECK_EQ(o.ws, 14);
	b[3] = 0xff;
	CHECK_EQ(PARSE(b, true, &o), 0);
	CHECK_EQ(o.ws, 14);
	b[3] = 0;
	CHECK_EQ(PARSE(b, true, &o), 0);
	CHECK(o.has_ws);
	CHECK_EQ(o.ws, 0);
}

TEST(test_tcp_opt_parse_duplicate_option_last_wins)
{
	static const uint8_t b[24] = {
		0x02, 0x04, 0x05, 0xb4,
		0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2,
		0x08, 0x0a, 0, 0, 0, 3, 0, 0, 0, 4,
	};
	static const uint8_t m[8] = { 0x02, 0x04, 0x05, 0xb4,
				      0x02, 0x04, 0x02, 0x18 };
	struct tcp_opts o;

	CHECK_EQ(PARSE(b, true, &o), 0);
	CHECK_EQ(o.tsval, 3);
	CHECK_EQ(o.tsecr, 4);
	CHECK_EQ(PARSE(m, true, &o), 0);
	CHECK_EQ(o.mss, 536);
}

/* Every malformed list answers -EINVAL and leaves *out with no options. */
static void check_malformed(const uint8_t *b, size_t len, bool syn)
{
	struct tcp_opts o;

	memset(&o, 0xa5, sizeof(o));
	CHECK_EQ(parse_exact(b, len, syn, &o), -EINVAL);
	CHECK(opts_all_zero(&o));
}

#define CHECK_MALFORMED(arr, syn) check_malformed(arr, sizeof(arr), syn)

TEST(test_tcp_opt_parse_rejects_zero_length)
{
	static const uint8_t unknown[4] = { 0x1e, 0x00, 0x01, 0x01 };
	static const uint8_t mss[4] = { 0x02, 0x00, 0x05, 0xb4 };

	CHECK_MALFORMED(unknown, false);
	CHECK_MALFORMED(mss, true);
}

TEST(test_tcp_opt_parse_rejects_length_one)
{
	static const uint8_t unknown[4] = { 0x1e, 0x01, 0x01, 0x01 };
	static const uint8_t ts[4] = { 0x01, 0x01, 0x08, 0x01 };

	CHECK_MALFORMED(unknown, false);
	CHECK_MALFORMED(ts, false);
}

TEST(test_tcp_opt_parse_rejects_length_past_end)
{
	static const uint8_t unknown[4] = { 0x1e, 0x05, 0x00, 0x00 };
	static const uint8_t ts[10] = { 0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 1,
					0, 0 };
	static const uint8_t big[4] = { 0x01, 0x01, 0x1e, 0xff };

	CHECK_MALFORMED(unknown, false);
	CHECK_MALFORMED(ts, false);
	CHECK_MALFORMED(big, false);
}

/* A kind that needs a length, as the very last byte of the list. */
TEST(test_tcp_opt_parse_rejects_kind_without_length_byte)
{
	static const uint8_t b[4] = { 0x01, 0x01, 0x01, 0x02 };
	static const uint8_t one[1] = { 0x08 };

	CHECK_MALFORMED(b, true);
	CHECK_MALFORMED(one, false);
}

TEST(test_tcp_opt_parse_rejects_truncated_mss)
{
	static const uint8_t cut[3] = { 0x02, 0x04, 0x05 };	/* list ends */
	static const uint8_t short_len[4] = { 0x02, 0x03, 0x05, 0x01 };
	static const uint8_t long_len[6] = { 0x02, 0x06, 0x05, 0xb4, 0, 0 };

	CHECK_MALFORMED(cut, true);
	CHECK_MALFORMED(short_len, true);
	CHECK_MALFORMED(long_len, true);
	/* The size is checked even where the value is ignored. */
	CHECK_MALFORMED(short_len, false);
}

TEST(test_tcp_opt_parse_rejects_window_scale_length_4)
{
	static const uint8_t b[4] = { 0x03, 0x04, 0x07, 0x00 };
	static const uint8_t two[4] = { 0x01, 0x01, 0x03, 0x02 };

	CHECK_MALFORMED(b, true);
	CHECK_MALFORMED(b, false);
	CHECK_MALFORMED(two, true);
}

TEST(test_tcp_opt_parse_rejects_bad_sack_perm_and_ts_lengths)
{
	static const uint8_t sp[4] = { 0x04, 0x03, 0x00, 0x01 };
	static const uint8_t ts[8] = { 0x08, 0x08, 0, 0, 0, 1, 0, 0 };
	static const uint8_t ts11[12] = { 0x08, 0x0b, 0, 0, 0, 1, 0, 0, 0, 2,
					  0, 0x01 };

	CHECK_MALFORMED(sp, true);
	CHECK_MALFORMED(ts, false);
	CHECK_MALFORMED(ts11, false);
}

/* RFC 2018 3: SACK length is 2 + 8n with n = 1..4. */
TEST(test_tcp_opt_parse_rejects_sack_length_not_2_plus_8n)
{
	uint8_t b[44];
	static const uint8_t bad_len[] = { 2, 3, 9, 11, 17, 19, 33, 35, 42 };

	memset(b, 0, sizeof(b));
	for (size_t i = 0; i < sizeof(bad_len); i++) {
		b[0] = 0x05;
		b[1] = bad_len[i];
		/* The list is exactly as long as the option claims. */
		check_malformed(b, bad_len[i], false);
	}
	/* 42 = 2 + 8 * 5: five blocks never fit, even in a long list. */
	b[1] = 42;
	check_malformed(b, sizeof(b), false);
}

/* ---- Building ---- */

/* Build into a heap buffer of exactly room bytes. */
static size_t build_syn_exact(uint8_t *out, size_t room, uint16_t mss,
			      int ws, bool sack_ok, bool ts, uint32_t tsval,
			      uint32_t tsecr)
{
	uint8_t *buf = malloc(room ? room : 1);
	size_t n;

	if (!buf)
		abort();
	n = tcp_opt_build_syn(buf, room, mss, ws, sack_ok, ts, tsval, tsecr);
	memcpy(out, buf, n);
	free(buf);
	return n;
}

static size_t build_exact(uint8_t *out, size_t room, bool ts, uint32_t tsval,
			  uint32_t tsecr, const struct tcp_opts *sack)
{
	uint8_t *buf = malloc(room ? room : 1);
	size_t n;

	if (!buf)
		abort();
	n = tcp_opt_build(buf, room, ts, tsval, tsecr, sack);
	memcpy(out, buf, n);
	free(buf);
	return n;
}

TEST(test_tcp_opt_build_syn_matches_linux_layout)
{
	uint8_t b[40];

	CHECK_EQ(build_syn_exact(b, sizeof(b), 1460, 7, true, true, 2833740,
				 0), sizeof(linux_syn));
	CHECK(memcmp(b, linux_syn, sizeof(linux_syn)) == 0);
}

/* Linux with net.ipv4.tcp_timestamps=0: "mss,nop,nop,sackOK,nop,wscale". */
TEST(test_tcp_opt_build_syn_without_timestamps_matches_linux_layout)
{
	static const uint8_t want[12] = { 0x02, 0x04, 0x05, 0xb4,
					  0x01, 0x01, 0x04, 0x02,
					  0x01, 0x03, 0x03, 0x07 };
	static const uint8_t want_ts[20] = { 0x02, 0x04, 0x05, 0x78,
					     0x01, 0x01, 0x08, 0x0a,
					     0, 0, 0, 1, 0, 0, 0, 2,
					     0x01, 0x03, 0x03, 0x00 };
	static const uint8_t want_mss[4] = { 0x02, 0x04, 0x02, 0x18 };
	uint8_t b[40];

	CHECK_EQ(build_syn_exact(b, 40, 1460, 7, true, false, 0, 0), 12);
	CHECK(memcmp(b, want, sizeof(want)) == 0);
	CHECK_EQ(build_syn_exact(b, 40, 1400, 0, false, true, 1, 2), 20);
	CHECK(memcmp(b, want_ts, sizeof(want_ts)) == 0);
	CHECK_EQ(build_syn_exact(b, 4, 536, -1, false, false, 0, 0), 4);
	CHECK(memcmp(b, want_mss, sizeof(want_mss)) == 0);
}

TEST(test_tcp_opt_build_syn_clamps_window_scale_to_14)
{
	uint8_t b[8];
	struct tcp_opts o;

	CHECK_EQ(build_syn_exact(b, 8, 1460, 20, false, false, 0, 0), 8);
	CHECK_EQ(b[7], 14);
	CHECK_EQ(parse_exact(b, 8, true, &o), 0);
	CHECK_EQ(o.ws, 14);
}

/* Every combination of options parses back to what was asked for. */
TEST(test_tcp_opt_build_syn_round_trips_every_combination)
{
	static const int wss[] = { -1, 0, 7, 14 };
	uint8_t b[40];
	struct tcp_opts o;

	for (int sack = 0; sack < 2; sack++)
		for (int ts = 0; ts < 2; ts++)
			for (size_t w = 0; w < 4; w++) {
				size_t n = build_syn_exact(b, 40, 1460, wss[w],
							   sack, ts,
							   0xdeadbeefu,
							   0xfeedf00du);
				size_t want = 4 + (ts ? 12 : sack ? 4 : 0) +
					      (wss[w] >= 0 ? 4 : 0);

				CHECK_EQ(n, want);
				CHECK_EQ(n % 4, 0);
				CHECK_EQ(parse_exact(b, n, true, &o), 0);
				CHECK(o.has_mss);
				CHECK_EQ(o.mss, 1460);
				CHECK_EQ(o.sack_ok, sack);
				CHECK_EQ(o.has_ts, ts);
				if (ts) {
					CHECK_EQ(o.tsval, 0xdeadbeefu);
					CHECK_EQ(o.tsecr, 0xfeedf00du);
				}
				CHECK_EQ(o.has_ws, wss[w] >= 0);
				if (wss[w] >= 0)
					CHECK_EQ(o.ws, wss[w]);
				CHECK_EQ(o.nsack, 0);
			}
}

TEST(test_tcp_opt_build_syn_returns_0_when_room_short)
{
	uint8_t b[40];

	CHECK_EQ(build_syn_exact(b, 19, 1460, 7, true, true, 1, 2), 0);
	CHECK_EQ(build_syn_exact(b, 20, 1460, 7, true, true, 1, 2), 20);
	CHECK_EQ(build_syn_exact(b, 11, 1460, 7, true, false, 0, 0), 0);
	CHECK_EQ(build_syn_exact(b, 3, 1460, -1, false, false, 0, 0), 0);
	CHECK_EQ(build_syn_exact(b, 0, 1460, -1, false, false, 0, 0), 0);
}

static void fill_sack(struct tcp_opts *s, unsigned int n)
{
	memset(s, 0, sizeof(*s));
	s->nsack = (uint8_t)n;
	for (unsigned int i = 0; i < n && i < TCP_SACK_MAX; i++) {
		/* Straddle the wrap, so byte order mistakes show. */
		s->sack[i].start = 0xfffff000u + 0x1000u * i;
		s->sack[i].end = s->sack[i].start + 0x800;
	}
}

/* 0..4 blocks, with and without timestamps; at most 3 fit beside TS. */
TEST(test_tcp_opt_build_data_round_trips_0_to_4_sack_blocks)
{
	uint8_t b[40];
	struct tcp_opts s, o;

	for (int ts = 0; ts < 2; ts++)
		for (unsigned int n = 0; n <= 4; n++) {
			unsigned int fit = ts && n > 3 ? 3 : n;
			size_t want = (ts ? 12 : 0) + (fit ? 4 + 8 * fit : 0);
			size_t len;

			fill_sack(&s, n);
			len = build_exact(b, 40, ts, 0x12345678u, 0x9abcdef0u,
					  &s);
			CHECK_EQ(len, want);
			CHECK(len <= TCP_OPT_MAX);
			CHECK_EQ(len % 4, 0);
			CHECK_EQ(parse_exact(b, len, false, &o), 0);
			CHECK_EQ(o.has_ts, ts);
			if (ts) {
				CHECK_EQ(o.tsval, 0x12345678u);
				CHECK_EQ(o.tsecr, 0x9abcdef0u);
			}
			CHECK_EQ(o.nsack, fit);
			for (unsigned int i = 0; i < fit; i++) {
				CHECK_EQ(o.sack[i].start, s.sack[i].start);
				CHECK_EQ(o.sack[i].end, s.sack[i].end);
			}
			CHECK(!o.has_mss && !o.has_ws && !o.sack_ok);
		}
}

TEST(test_tcp_opt_build_data_matches_linux_layout)
{
	static const uint8_t want[24] = {
		0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2,
		0x01, 0x01, 0x05, 0x0a,
		0xff, 0xff, 0xf0, 0x00, 0xff, 0xff, 0xf8, 0x00,
	};
	uint8_t b[40];
	struct tcp_opts s;

	fill_sack(&s, 1);
	CHECK_EQ(build_exact(b, 40, true, 1, 2, &s), sizeof(want));
	CHECK(memcmp(b, want, sizeof(want)) == 0);
}

/* Blocks are fitted to min(room, 40); the first (most recent) is kept. */
TEST(test_tcp_opt_build_data_fits_sack_blocks_to_room)
{
	uint8_t b[64];
	struct tcp_opts s, o;

	fill_sack(&s, 4);
	CHECK_EQ(build_exact(b, 64, false, 0, 0, &s), 36);	/* 4 blocks */
	CHECK_EQ(build_exact(b, 35, false, 0, 0, &s), 28);	/* 3 */
	CHECK_EQ(build_exact(b, 24, false, 0, 0, &s), 20);	/* 2 */
	CHECK_EQ(parse_exact(b, 20, false, &o), 0);
	CHECK_EQ(o.nsack, 2);
	CHECK_EQ(o.sack[0].start, s.sack[0].start);
	CHECK_EQ(o.sack[1].end, s.sack[1].end);
	CHECK_EQ(build_exact(b, 11, false, 0, 0, &s), 0);	/* none fit */
	CHECK_EQ(build_exact(b, 64, true, 0, 0, &s), 40);	/* TS + 3 */
	CHECK_EQ(build_exact(b, 32, true, 0, 0, &s), 32);	/* TS + 2 */
	CHECK_EQ(build_exact(b, 23, true, 0, 0, &s), 12);	/* TS only */
	CHECK_EQ(build_exact(b, 11, true, 0, 0, &s), 0);	/* no room */

	/* A caller's nsack above 4 reads only the 4 blocks there are. */
	s.nsack = 200;
	CHECK_EQ(build_exact(b, 40, false, 0, 0, &s), 36);
}

TEST(test_tcp_opt_build_data_without_options_is_empty)
{
	uint8_t b[40];
	struct tcp_opts s;

	CHECK_EQ(build_exact(b, 40, false, 0, 0, NULL), 0);
	fill_sack(&s, 0);
	CHECK_EQ(build_exact(b, 40, false, 0, 0, &s), 0);
	CHECK_EQ(build_exact(b, 12, true, 7, 8, NULL), 12);
}

/* ---- Random input ---- */

static uint32_t rng_state = 0x2545f491u;

static uint32_t rng(void)
{
	/* xorshift32: fixed seed, so a failure reproduces. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Bytes that are likely kinds or lengths, so parsing gets past byte 2. */
static uint8_t rng_option_byte(void)
{
	static const uint8_t likely[] = { 0, 1, 2, 3, 4, 5, 8, 10, 18, 26, 34,
					  2, 3, 4, 10, 0x1e, 0xfe };
	uint32_t r = rng();

	if (r & 1)
		return (uint8_t)(r >> 8);
	return likely[(r >> 8) % sizeof(likely)];
}

/*
 * 200000 random lists of 0..40 bytes, each in a buffer of exactly its
 * length: ASan catches any read past len. Every answer keeps the
 * contract: 0 or -EINVAL, nothing half-parsed, SYN-only options only
 * on SYN, shift at most 14, at most 4 blocks.
 */
TEST(test_tcp_opt_parse_random_lists_stay_in_bounds)
{
	unsigned int ok = 0, bad = 0;

	for (int iter = 0; iter < 200000; iter++) {
		size_t len = rng() % (TCP_OPT_MAX + 1);
		bool syn = rng() & 1;
		uint8_t *b = malloc(len ? len : 1);
		struct tcp_opts o;
		int ret;

		if (!b)
			abort();
		for (size_t i = 0; i < len; i++)
			b[i] = rng_option_byte();
		ret = tcp_opt_parse(len ? b : NULL, len, syn, &o);
		free(b);
		if (ret == -EINVAL) {
			CHECK(opts_all_zero(&o));
			bad++;
			continue;
		}
		CHECK_EQ(ret, 0);
		ok++;
		CHECK(o.nsack <= TCP_SACK_MAX);
		CHECK(o.ws <= TCP_MAX_WSCALE);
		if (!syn)
			CHECK(!o.has_mss && !o.has_ws && !o.sack_ok);
	}
	/* Both paths were exercised, not just the first-byte rejections. */
	CHECK(ok > 10000);
	CHECK(bad > 10000);
}

int main(void)
{
	RUN(test_seq_compare_across_wrap);
	RUN(test_seq_compare_equal_is_leq_and_geq_only);
	RUN(test_seq_compare_plain_order_below_half_space);
	RUN(test_seq_compare_half_space_apart_is_ambiguous);
	RUN(test_seq_between_holds_across_wrap);
	RUN(test_seq_between_empty_window_accepts_nothing);
	RUN(test_seq_max_min_across_wrap);
	RUN(test_ts_compare_across_wrap_for_paws);
	RUN(test_tcp_opt_parse_linux_syn);
	RUN(test_tcp_opt_parse_linux_ack_with_ts_and_sack);
	RUN(test_tcp_opt_parse_empty_list_has_no_options);
	RUN(test_tcp_opt_parse_four_sack_blocks);
	RUN(test_tcp_opt_parse_ignores_garbage_after_eol);
	RUN(test_tcp_opt_parse_skips_unknown_option);
	RUN(test_tcp_opt_parse_ignores_mss_ws_sack_perm_outside_syn);
	RUN(test_tcp_opt_parse_clamps_window_scale_above_14);
	RUN(test_tcp_opt_parse_duplicate_option_last_wins);
	RUN(test_tcp_opt_parse_rejects_zero_length);
	RUN(test_tcp_opt_parse_rejects_length_one);
	RUN(test_tcp_opt_parse_rejects_length_past_end);
	RUN(test_tcp_opt_parse_rejects_kind_without_length_byte);
	RUN(test_tcp_opt_parse_rejects_truncated_mss);
	RUN(test_tcp_opt_parse_rejects_window_scale_length_4);
	RUN(test_tcp_opt_parse_rejects_bad_sack_perm_and_ts_lengths);
	RUN(test_tcp_opt_parse_rejects_sack_length_not_2_plus_8n);
	RUN(test_tcp_opt_build_syn_matches_linux_layout);
	RUN(test_tcp_opt_build_syn_without_timestamps_matches_linux_layout);
	RUN(test_tcp_opt_build_syn_clamps_window_scale_to_14);
	RUN(test_tcp_opt_build_syn_round_trips_every_combination);
	RUN(test_tcp_opt_build_syn_returns_0_when_room_short);
	RUN(test_tcp_opt_build_data_round_trips_0_to_4_sack_blocks);
	RUN(test_tcp_opt_build_data_matches_linux_layout);
	RUN(test_tcp_opt_build_data_fits_sack_blocks_to_room);
	RUN(test_tcp_opt_build_data_without_options_is_empty);
	RUN(test_tcp_opt_parse_random_lists_stay_in_bounds);
	TEST_EXIT();
}
