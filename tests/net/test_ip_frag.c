/*
 * IPv4 reassembly and fragmentation (net/ip_frag.c), through ip_input()
 * and ip_output().
 *
 * Sources: tests/net/test_ip_frag.c net/ip.c net/ip_frag.c net/reasm.c
 *          net/icmp.c net/ratelimit.c net/route.c net/checksum.c net/pkt.c
 * What the rest of net/ provides (ARP, lo, UDP, ping sockets, the port)
 * is faked in tests/net/ip_harness.h.
 */
#include "tests/net/ip_harness.h"

#define MF 0x2000

/* The peer at 10.0.2.99, to reassemble what S fragments. */
static struct net_stack P;
static struct netif peth0;

static void frag_setup(void)
{
	setup();
	stack_setup(&P, &peth0, PEER, GW);
}

static void frag_teardown(void)
{
	teardown_stack(&P);
	teardown();
}

/* The IP payload being fragmented: a UDP datagram of `len` bytes. */
static uint8_t whole[70000];

static void mkwhole(size_t len, unsigned seed)
{
	fill_pattern(whole, len, seed);
	put_be16(whole, 1234);
	put_be16(whole + 2, 7);
	put_be16(whole + 4, (uint16_t)len);
	put_be16(whole + 6, 0);
}

/* Send S the fragment whole[off, off + len) of datagram `id` from src. */
static void feed_from(uint32_t src, uint8_t proto, uint16_t id, size_t off,
		      size_t len, bool more)
{
	static uint8_t b[70000];
	size_t n = mkip(b, src, ME, proto, id,
			(uint16_t)(off / 8 | (more ? MF : 0)), 64, whole + off,
			len);

	ip_input(&S, &eth0, b, n);
}

static void feed(uint16_t id, size_t off, size_t len, bool more)
{
	feed_from(PEER, IPPROTO_UDP_, id, off, len, more);
}

#define CHECK_WHOLE_DELIVERED(len)                                   \
	do {                                                         \
		CHECK_EQ(udp_calls, 1);                              \
		CHECK_EQ(udp_last_len, (len));                       \
		CHECK(memcmp(udp_last, whole, (len)) == 0);          \
	} while (0)

TEST(test_reasm_in_order)
{
	frag_setup();
	mkwhole(3000, 1);
	feed(1, 0, 1480, true);
	feed(1, 1480, 1480, true);
	CHECK_EQ(udp_calls, 0);
	CHECK_EQ(S.ip.reasm_count, 1);
	feed(1, 2960, 40, false);
	CHECK_WHOLE_DELIVERED(3000);
	CHECK_EQ(udp_last_src, PEER);
	CHECK_EQ(S.mib.ip.InReceives, 3);
	CHECK_EQ(S.mib.ip.ReasmReqds, 3);
	CHECK_EQ(S.mib.ip.ReasmOKs, 1);
	CHECK_EQ(S.mib.ip.ReasmFails, 0);
	CHECK_EQ(S.mib.ip.InDelivers, 1);
	CHECK_EQ(S.ip.reasm_count, 0);
	CHECK_EQ(S.ip.reasm_bytes, 0);
	frag_teardown();
}

TEST(test_reasm_out_of_order)
{
	static const int orders[][3] = { { 2, 1, 0 }, { 1, 2, 0 },
					 { 2, 0, 1 }, { 0, 2, 1 } };
	const size_t off[3] = { 0, 1480, 2960 }, len[3] = { 1480, 1480, 40 };

	for (int o = 0; o < 4; o++) {
		frag_setup();
		mkwhole(3000, (unsigned)o);
		for (int i = 0; i < 3; i++) {
			int k = orders[o][i];

			feed(7, off[k], len[k], k != 2);
		}
		CHECK_WHOLE_DELIVERED(3000);
		CHECK_EQ(S.mib.ip.ReasmOKs, 1);
		frag_teardown();
	}
}

TEST(test_reasm_many_small_fragments_shuffled)
{
	enum { N = 125, FRAG = 24 };	/* 3000 bytes in 24-byte pieces */
	int order[N];

	frag_setup();
	mkwhole(N * FRAG, 9);
	for (int i = 0; i < N; i++)
		order[i] = i;
	srand(3);
	for (int i = N - 1; i > 0; i--) {
		int j = rand() % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (int i = 0; i < N; i++) {
		CHECK_EQ(udp_calls, 0);
		feed(9, (size_t)order[i] * FRAG, FRAG, order[i] != N - 1);
		CHECK(S.ip.reasm_bytes <= IP_REASM_MAX_BYTES);
	}
	CHECK_WHOLE_DELIVERED(N * FRAG);
	frag_teardown();
}

TEST(test_reasm_exact_duplicates_are_ignored)
{
	frag_setup();
	mkwhole(3000, 2);
	feed(1, 0, 1480, true);
	feed(1, 0, 1480, true);
	feed(1, 1480, 1480, true);
	feed(1, 1480, 1480, true);
	CHECK_EQ(udp_calls, 0);
	CHECK_EQ(S.mib.ip.InDiscards, 2);
	feed(1, 2960, 40, false);
	CHECK_WHOLE_DELIVERED(3000);
	CHECK_EQ(S.mib.ip.ReasmOKs, 1);
	CHECK_EQ(S.mib.ip.ReasmFails, 0);
	/* A copy arriving after the end starts a datagram that never
	 * completes, and is never delivered twice. */
	feed(1, 2960, 40, false);
	CHECK_EQ(udp_calls, 1);
	frag_teardown();
	CHECK_EQ(S.mib.ip.ReasmTimeout, 1);
}

TEST(test_reasm_overlap_discards_whole_datagram)
{
	/* new one straddles the end of one held; covers one held; lies
	 * inside one held; same range with other data */
	static const size_t ov_off[] = { 1000, 0, 8, 0 };
	static const size_t ov_len[] = { 1008, 2960, 16, 1480 };

	for (int c = 0; c < 4; c++) {
		frag_setup();
		mkwhole(3000, 4);
		feed(1, 0, 1480, true);
		if (c == 1)
			feed(1, 1480, 1480, true);
		if (c == 3)
			whole[100] ^= 0xff;	/* conflicting data */
		feed(1, ov_off[c], ov_len[c], true);
		CHECK_EQ(S.mib.ip.ReasmFails, 1);
		CHECK_EQ(S.ip.reasm_count, 0);
		CHECK_EQ(S.ip.reasm_bytes, 0);
		if (c == 3)
			whole[100] ^= 0xff;
		/* the rest cannot complete it any more */
		feed(1, 1480, 1480, true);
		feed(1, 2960, 40, false);
		CHECK_EQ(udp_calls, 0);
		frag_teardown();
	}
}

TEST(test_reasm_overlap_by_one_block_discards_whole_datagram)
{
	/* the smallest overlaps there are: 8 bytes at either edge of a
	 * fragment held */
	for (int c = 0; c < 2; c++) {
		frag_setup();
		mkwhole(3000, 4);
		feed(1, 1480, 1480, true);
		if (c == 0)
			feed(1, 1472, 16, true);
		else
			feed(1, 2952, 48, false);
		CHECK_EQ(S.mib.ip.ReasmFails, 1);
		CHECK_EQ(S.ip.reasm_count, 0);
		frag_teardown();
	}
	/* touching is not overlapping */
	frag_setup();
	mkwhole(3000, 4);
	feed(1, 1480, 1480, true);
	feed(1, 1472, 8, true);
	feed(1, 2960, 40, false);
	CHECK_EQ(S.mib.ip.ReasmFails, 0);
	CHECK_EQ(S.ip.reasm_count, 1);
	frag_teardown();
}

TEST(test_reasm_conflicting_ends_discard_datagram)
{
	/* two different last fragments */
	frag_setup();
	mkwhole(3000, 5);
	feed(1, 2960, 40, false);
	feed(1, 2960, 32, false);
	CHECK_EQ(S.mib.ip.ReasmFails, 1);
	CHECK_EQ(S.ip.reasm_count, 0);
	frag_teardown();

	/* a middle fragment past the end */
	frag_setup();
	mkwhole(3000, 5);
	feed(1, 1480, 40, false);
	feed(1, 1480, 1480, true);
	CHECK_EQ(S.mib.ip.ReasmFails, 1);
	CHECK_EQ(S.ip.reasm_count, 0);
	frag_teardown();

	/* a last fragment before data already held */
	frag_setup();
	mkwhole(3000, 5);
	feed(1, 1480, 1480, true);
	feed(1, 8, 40, false);
	CHECK_EQ(S.mib.ip.ReasmFails, 1);
	CHECK_EQ(S.ip.reasm_count, 0);
	frag_teardown();
}

TEST(test_reasm_rejects_bad_fragment_lengths)
{
	/* RFC 791: all but the last fragment hold multiples of 8 bytes */
	frag_setup();
	mkwhole(3000, 6);
	feed(1, 0, 1480, true);
	feed(1, 1480, 13, true);
	CHECK_EQ(S.mib.ip.ReasmFails, 1);
	CHECK_EQ(S.ip.reasm_count, 0);
	/* and a fragment holds something */
	feed(2, 1480, 0, true);
	CHECK_EQ(S.mib.ip.ReasmFails, 2);
	CHECK_EQ(S.ip.reasm_count, 0);
	CHECK_EQ(udp_calls, 0);
	frag_teardown();
}

TEST(test_reasm_rejects_datagram_over_65535_bytes)
{
	frag_setup();
	mkwhole(65535, 7);
	feed(1, 0, 1480, true);
	/* 20 + 65528 + 16 > 65535: the ping of death */
	feed(1, 65528, 16, false);
	CHECK_EQ(S.mib.ip.ReasmFails, 1);
	CHECK_EQ(S.ip.reasm_count, 0);
	CHECK_EQ(S.ip.reasm_bytes, 0);
	/* alone too */
	feed(2, 65528, 8, true);
	CHECK_EQ(S.mib.ip.ReasmFails, 2);
	CHECK_EQ(S.ip.reasm_count, 0);
	/* ending exactly at 65535 is legal and held */
	feed(3, 65512, 3, false);
	CHECK_EQ(S.mib.ip.ReasmFails, 2);
	CHECK_EQ(S.ip.reasm_count, 1);
	CHECK_EQ(udp_calls, 0);
	frag_teardown();
}

TEST(test_reasm_keys_on_source_destination_id_and_protocol)
{
	frag_setup();
	mkwhole(3000, 8);
	/* same id from two sources, and same id for another protocol */
	feed_from(PEER, IPPROTO_UDP_, 5, 0, 1480, true);
	feed_from(GW, IPPROTO_UDP_, 5, 1480, 1480, true);
	feed_from(PEER, 99, 5, 1480, 1480, true);
	feed_from(GW, IPPROTO_UDP_, 5, 0, 1480, true);
	CHECK_EQ(S.ip.reasm_count, 3);
	feed_from(PEER, IPPROTO_UDP_, 5, 1480, 1480, true);
	feed_from(PEER, IPPROTO_UDP_, 5, 2960, 40, false);
	CHECK_WHOLE_DELIVERED(3000);
	CHECK_EQ(udp_last_src, PEER);
	feed_from(GW, IPPROTO_UDP_, 5, 2960, 40, false);
	CHECK_EQ(udp_calls, 2);
	CHECK_EQ(udp_last_src, GW);
	CHECK_EQ(S.ip.reasm_count, 1);
	frag_teardown();
}

TEST(test_reasm_more_datagrams_than_the_cap_evict_the_oldest)
{
	frag_setup();
	mkwhole(3000, 10);
	for (uint16_t id = 1; id <= IP_REASM_MAX_DATAGRAMS + 1; id++) {
		S.now++;
		feed(id, 0, 1480, true);
		CHECK(S.ip.reasm_count <= IP_REASM_MAX_DATAGRAMS);
	}
	CHECK_EQ(S.ip.reasm_count, IP_REASM_MAX_DATAGRAMS);
	CHECK_EQ(S.mib.ip.ReasmFails, 1);
	/* the newest all complete */
	for (uint16_t id = 2; id <= IP_REASM_MAX_DATAGRAMS + 1; id++) {
		feed(id, 1480, 1480, true);
		feed(id, 2960, 40, false);
	}
	CHECK_EQ(udp_calls, IP_REASM_MAX_DATAGRAMS);
	CHECK_EQ(S.mib.ip.ReasmOKs, IP_REASM_MAX_DATAGRAMS);
	/* the evicted one does not */
	feed(1, 1480, 1480, true);
	feed(1, 2960, 40, false);
	CHECK_EQ(udp_calls, IP_REASM_MAX_DATAGRAMS);
	frag_teardown();
}

TEST(test_reasm_memory_cap_evicts_the_oldest)
{
	frag_setup();
	mkwhole(60000, 11);
	/* 40 KB held for datagram 1 */
	for (size_t off = 0; off < 40 * 1480; off += 1480)
		feed(1, off, 1480, true);
	CHECK_EQ(S.ip.reasm_count, 1);
	size_t held = S.ip.reasm_bytes;
	CHECK(held > 40 * 1480);
	/* datagram 2 needs more than what is left: 1 goes */
	for (size_t off = 0; off < 30 * 1480; off += 1480) {
		feed(2, off, 1480, true);
		CHECK(S.ip.reasm_bytes <= IP_REASM_MAX_BYTES);
	}
	feed(2, 30 * 1480, 100, false);
	CHECK_EQ(S.mib.ip.ReasmFails, 1);
	CHECK_EQ(udp_calls, 1);
	CHECK_EQ(udp_last_len, 30 * 1480 + 100);
	CHECK(memcmp(udp_last, whole, 30 * 1480 + 100) == 0);
	CHECK_EQ(S.ip.reasm_count, 0);
	CHECK_EQ(S.ip.reasm_bytes, 0);
	frag_teardown();
}

TEST(test_reasm_large_datagram_within_the_cap)
{
	/* 60000 bytes in 1480-byte fragments, fragment data plus
	 * bookkeeping under IP_REASM_MAX_BYTES */
	frag_setup();
	mkwhole(60000, 12);
	for (size_t off = 0; off < 60000; off += 1480) {
		size_t n = 60000 - off < 1480 ? 60000 - off : 1480;

		feed(1, off, n, off + n < 60000);
	}
	CHECK_WHOLE_DELIVERED(60000);
	frag_teardown();
}

TEST(test_reasm_timeout_sends_time_exceeded_if_fragment_zero_came)
{
	uint8_t first[28];

	frag_setup();
	mkwhole(3000, 13);
	feed(1, 0, 1480, true);
	feed(1, 2960, 40, false);
	mkip(first, PEER, ME, IPPROTO_UDP_, 1, MF, 64, whole, 8);
	CHECK_EQ(ip_poll(&S), 1000 + IP_REASM_TIMEOUT_MS);
	S.now = 1000 + IP_REASM_TIMEOUT_MS - 1;
	CHECK_EQ(ip_poll(&S), 1000 + IP_REASM_TIMEOUT_MS);
	CHECK_EQ(nsent, 0);
	S.now = 1000 + IP_REASM_TIMEOUT_MS;
	CHECK_EQ(ip_poll(&S), NET_NEVER);
	CHECK_EQ(S.mib.ip.ReasmTimeout, 1);
	CHECK_EQ(S.mib.ip.ReasmFails, 1);
	CHECK_EQ(S.ip.reasm_count, 0);
	CHECK_EQ(S.ip.reasm_bytes, 0);
	CHECK_EQ(nsent, 1);
	const uint8_t *r = sent[0].ip;
	CHECK_EQ(sent[0].len, 20 + 8 + 28);
	CHECK_EQ(get_be32(r + 12), ME);
	CHECK_EQ(get_be32(r + 16), PEER);
	CHECK_EQ(r[9], IPPROTO_ICMP_);
	CHECK_EQ(r[20], ICMP_TIME_EXCEEDED);
	CHECK_EQ(r[21], ICMP_EXC_FRAGTIME);
	CHECK_EQ(inet_fold(inet_sum(r + 20, 8 + 28, 0)), 0);
	/* fragment zero's header (with its own Total Length) and the
	 * first 8 bytes of its data: the UDP header */
	put_be16(first + 2, 20 + 1480);
	ip_fix_checksum(first);
	CHECK(memcmp(r + 28, first, 28) == 0);
	CHECK_EQ(S.mib.icmp.OutTimeExcds, 1);
	frag_teardown();
}

TEST(test_reasm_timeout_without_fragment_zero_sends_nothing)
{
	frag_setup();
	mkwhole(3000, 14);
	feed(1, 1480, 1480, true);
	feed(1, 2960, 40, false);
	S.now += IP_REASM_TIMEOUT_MS;
	CHECK_EQ(ip_poll(&S), NET_NEVER);
	CHECK_EQ(S.mib.ip.ReasmTimeout, 1);
	CHECK_EQ(nsent, 0);
	frag_teardown();
}

TEST(test_reasm_poll_returns_earliest_deadline)
{
	frag_setup();
	mkwhole(3000, 15);
	CHECK_EQ(ip_poll(&S), NET_NEVER);
	feed(1, 1480, 1480, true);
	S.now = 5000;
	feed(2, 1480, 1480, true);
	CHECK_EQ(ip_poll(&S), 1000 + IP_REASM_TIMEOUT_MS);
	S.now = 1000 + IP_REASM_TIMEOUT_MS;
	CHECK_EQ(ip_poll(&S), 5000 + IP_REASM_TIMEOUT_MS);
	CHECK_EQ(S.ip.reasm_count, 1);
	frag_teardown();
}

TEST(test_reasm_late_fragment_does_not_revive_expired_datagram)
{
	frag_setup();
	mkwhole(3000, 16);
	feed(1, 0, 1480, true);
	S.now += IP_REASM_TIMEOUT_MS;	/* no ip_poll() in between */
	feed(1, 1480, 1480, true);
	feed(1, 2960, 40, false);
	CHECK_EQ(udp_calls, 0);
	CHECK_EQ(S.mib.ip.ReasmTimeout, 1);
	CHECK_EQ(nsent, 1);		/* the time exceeded */
	frag_teardown();
}

TEST(test_reasm_fragment_for_another_host_is_not_held)
{
	uint8_t b[2000];
	size_t n;

	frag_setup();
	mkwhole(3000, 17);
	n = mkip(b, GW, PEER, IPPROTO_UDP_, 1, MF, 64, whole, 1480);
	ip_input(&S, &eth0, b, n);
	CHECK_EQ(S.mib.ip.InAddrErrors, 1);
	CHECK_EQ(S.mib.ip.ReasmReqds, 0);
	CHECK_EQ(S.ip.reasm_count, 0);
	frag_teardown();
}

/* --- fragmentation on output ----------------------------------------------- */

static void send_whole(size_t len)
{
	struct pkt *p = pkt_alloc(len);

	memcpy(pkt_put(p, len), whole, len);
	CHECK_EQ(ip_output(&S, p, 0, PEER, IPPROTO_UDP_, 64), 0);
}

/* Check what S sent is well-formed fragments of one datagram. */
static void check_fragments(size_t len, unsigned mtu)
{
	size_t expect_off = 0;
	uint16_t id = get_be16(sent[0].ip + 4);

	for (int i = 0; i < nsent; i++) {
		const uint8_t *h = sent[i].ip;
		uint16_t frag = get_be16(h + 6);
		size_t dlen = sent[i].len - 20;

		CHECK(sent[i].len <= mtu);
		CHECK_EQ(get_be16(h + 2), sent[i].len);
		CHECK(ip_checksum_ok(h));
		CHECK_EQ(get_be16(h + 4), id);
		CHECK_EQ(get_be32(h + 12), ME);
		CHECK_EQ(get_be32(h + 16), PEER);
		CHECK_EQ(sent[i].nexthop, PEER);
		CHECK_EQ((size_t)(frag & 0x1fff) * 8, expect_off);
		CHECK_EQ(!!(frag & MF), i != nsent - 1);
		CHECK(!(frag & 0x4000));
		if (i != nsent - 1)
			CHECK_EQ(dlen % 8, 0);
		CHECK(memcmp(h + 20, whole + expect_off, dlen) == 0);
		expect_off += dlen;
	}
	CHECK_EQ(expect_off, len);
}

TEST(test_frag_output_above_mtu_makes_correct_fragments)
{
	frag_setup();
	mkwhole(4008, 20);
	send_whole(4008);
	CHECK_EQ(nsent, 3);
	CHECK_EQ(sent[0].len, 1500);
	CHECK_EQ(sent[1].len, 1500);
	CHECK_EQ(sent[2].len, 20 + 4008 - 2960);
	CHECK_EQ(get_be16(sent[0].ip + 6), MF | 0);
	CHECK_EQ(get_be16(sent[1].ip + 6), MF | 185);
	CHECK_EQ(get_be16(sent[2].ip + 6), 370);
	check_fragments(4008, 1500);
	CHECK_EQ(S.mib.ip.OutRequests, 1);
	CHECK_EQ(S.mib.ip.FragOKs, 1);
	CHECK_EQ(S.mib.ip.FragCreates, 3);
	CHECK_EQ(S.mib.ip.FragFails, 0);
	frag_teardown();
}

TEST(test_frag_output_reassembles_to_the_original)
{
	/* in order, reversed, and at an odd MTU */
	for (int c = 0; c < 3; c++) {
		frag_setup();
		if (c == 2)
			eth0.mtu = 576;
		mkwhole(5000, 21);
		send_whole(5000);
		check_fragments(5000, eth0.mtu);
		for (int i = 0; i < nsent; i++) {
			int k = c == 1 ? nsent - 1 - i : i;

			CHECK_EQ(udp_calls, 0);
			ip_input(&P, &peth0, sent[k].ip, sent[k].len);
		}
		CHECK_EQ(udp_calls, 1);
		CHECK(udp_last_s == &P);
		CHECK_EQ(udp_last_src, ME);
		CHECK_WHOLE_DELIVERED(5000);
		CHECK_EQ(P.mib.ip.ReasmOKs, 1);
		frag_teardown();
	}
}

TEST(test_frag_output_at_mtu_is_not_fragmented)
{
	frag_setup();
	mkwhole(1481, 22);
	send_whole(1480);
	CHECK_EQ(nsent, 1);
	CHECK_EQ(sent[0].len, 1500);
	CHECK_EQ(get_be16(sent[0].ip + 6), 0);
	CHECK_EQ(S.mib.ip.FragOKs, 0);
	sent_reset();
	send_whole(1481);
	CHECK_EQ(nsent, 2);
	CHECK_EQ(sent[1].len, 21);
	check_fragments(1481, 1500);
	frag_teardown();
}

TEST(test_frag_output_allocation_failure_is_counted)
{
	frag_setup();
	mkwhole(4008, 23);
	struct pkt *p = pkt_alloc(4008);
	memcpy(pkt_put(p, 4008), whole, 4008);
	fake_alloc_fail_in = 2;	/* the third fragment */
	CHECK_EQ(ip_output(&S, p, 0, PEER, IPPROTO_UDP_, 64), -ENOBUFS);
	CHECK_EQ(S.mib.ip.FragFails, 1);
	CHECK_EQ(S.mib.ip.FragOKs, 0);
	CHECK_EQ(S.mib.ip.OutDiscards, 1);
	CHECK_EQ(nsent, 0);
	frag_teardown();
}

TEST(test_frag_output_on_lo_is_not_fragmented)
{
	frag_setup();
	mkwhole(30000, 24);
	struct pkt *p = pkt_alloc(30000);
	memcpy(pkt_put(p, 30000), whole, 30000);
	CHECK_EQ(ip_output(&S, p, 0, INADDR_LOOPBACK_, IPPROTO_UDP_, 64), 0);
	CHECK_EQ(nsent, 1);
	CHECK(sent[0].lo);
	CHECK_EQ(sent[0].len, 30020);
	frag_teardown();
}

int main(void)
{
	RUN(test_reasm_in_order);
	RUN(test_reasm_out_of_order);
	RUN(test_reasm_many_small_fragments_shuffled);
	RUN(test_reasm_exact_duplicates_are_ignored);
	RUN(test_reasm_overlap_discards_whole_datagram);
	RUN(test_reasm_overlap_by_one_block_discards_whole_datagram);
	RUN(test_reasm_conflicting_ends_discard_datagram);
	RUN(test_reasm_rejects_bad_fragment_lengths);
	RUN(test_reasm_rejects_datagram_over_65535_bytes);
	RUN(test_reasm_keys_on_source_destination_id_and_protocol);
	RUN(test_reasm_more_datagrams_than_the_cap_evict_the_oldest);
	RUN(test_reasm_memory_cap_evicts_the_oldest);
	RUN(test_reasm_large_datagram_within_the_cap);
	RUN(test_reasm_timeout_sends_time_exceeded_if_fragment_zero_came);
	RUN(test_reasm_timeout_without_fragment_zero_sends_nothing);
	RUN(test_reasm_poll_returns_earliest_deadline);
	RUN(test_reasm_late_fragment_does_not_revive_expired_datagram);
	RUN(test_reasm_fragment_for_another_host_is_not_held);
	RUN(test_frag_output_above_mtu_makes_correct_fragments);
	RUN(test_frag_output_reassembles_to_the_original);
	RUN(test_frag_output_at_mtu_is_not_fragmented);
	RUN(test_frag_output_allocation_failure_is_counted);
	RUN(test_frag_output_on_lo_is_not_fragmented);
	TEST_EXIT();
}
