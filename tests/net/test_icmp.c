/*
 * ICMP (net/icmp.c): echo, errors in and out, RFC 1122 3.2.2's rules
 * and the rate limit; through ip_input() and ip_output().
 *
 * Sources: tests/net/test_icmp.c net/ip.c net/ip_frag.c net/reasm.c
 *          net/icmp.c net/ratelimit.c net/route.c net/checksum.c net/pkt.c
 * What the rest of net/ provides (ARP, lo, UDP, ping sockets, the port)
 * is faked in tests/net/ip_harness.h.
 */
#include "tests/net/ip_harness.h"

/* An ICMP message: type, code, 4 bytes of rest, data. */
static size_t mkicmp(uint8_t *b, uint8_t type, uint8_t code, uint32_t rest,
		     const void *data, size_t len)
{
	b[0] = type;
	b[1] = code;
	put_be16(b + 2, 0);
	put_be32(b + 4, rest);
	if (len)
		memcpy(b + 8, data, len);
	put_be16(b + 2, inet_fold(inet_sum(b, 8 + len, 0)));
	return 8 + len;
}

/* An ICMP message in an IP datagram from src to dst, into S on nif. */
static void icmp_in(struct netif *nif, uint32_t src, uint32_t dst,
		    uint8_t ttl, const uint8_t *icmp, size_t len)
{
	static uint8_t b[70000];
	size_t n = mkip(b, src, dst, IPPROTO_ICMP_, 99, 0, ttl, icmp, len);

	ip_input(&S, nif, b, n);
}

static void echo_in(uint32_t src, uint32_t dst, uint16_t id, uint16_t seq,
		    const uint8_t *data, size_t len)
{
	static uint8_t m[70000];

	icmp_in(&eth0, src, dst, 64, m,
		mkicmp(m, ICMP_ECHO, 0, (uint32_t)id << 16 | seq, data, len));
}

static bool icmp_checksum_ok(const struct sent *p)
{
	size_t hlen = (size_t)(p->ip[0] & 0x0f) * 4;

	return inet_fold(inet_sum(p->ip + hlen, p->len - hlen, 0)) == 0;
}

TEST(test_icmp_echo_reply_mirrors_id_seq_and_payload)
{
	static const size_t lens[] = { 0, 1, 56, 1471 };
	static uint8_t data[1500];

	for (size_t i = 0; i < 4; i++) {
		setup();
		fill_pattern(data, lens[i], (unsigned)i);
		echo_in(PEER, ME, 0xbeef, 7, data, lens[i]);
		CHECK_EQ(S.mib.icmp.InMsgs, 1);
		CHECK_EQ(S.mib.icmp.InEchos, 1);
		CHECK_EQ(nsent, 1);
		const uint8_t *r = sent[0].ip;
		CHECK(sent[0].nif == &eth0);
		CHECK_EQ(sent[0].nexthop, PEER);
		CHECK_EQ(sent[0].len, 20 + 8 + lens[i]);
		CHECK(ip_checksum_ok(r));
		CHECK_EQ(r[8], IP_DEFAULT_TTL);
		CHECK_EQ(r[9], IPPROTO_ICMP_);
		CHECK_EQ(get_be32(r + 12), ME);
		CHECK_EQ(get_be32(r + 16), PEER);
		CHECK_EQ(r[20], ICMP_ECHOREPLY);
		CHECK_EQ(r[21], 0);
		CHECK(icmp_checksum_ok(&sent[0]));
		CHECK_EQ(get_be16(r + 24), 0xbeef);
		CHECK_EQ(get_be16(r + 26), 7);
		CHECK(memcmp(r + 28, data, lens[i]) == 0);
		CHECK_EQ(S.mib.icmp.OutMsgs, 1);
		CHECK_EQ(S.mib.icmp.OutEchoReps, 1);
		CHECK_EQ(S.mib.icmp.InErrors, 0);
		teardown();
	}
}

TEST(test_icmp_large_echo_is_reassembled_and_reply_fragmented)
{
	static uint8_t m[4000], b[2000];
	static uint8_t data[3000];
	size_t len, n;

	setup();
	fill_pattern(data, sizeof(data), 5);
	len = mkicmp(m, ICMP_ECHO, 0, 0x00010002, data, sizeof(data));
	for (size_t off = 0; off < len; off += 1480) {
		size_t flen = len - off < 1480 ? len - off : 1480;
		bool more = off + flen < len;

		n = mkip(b, PEER, ME, IPPROTO_ICMP_, 77,
			 (uint16_t)(off / 8 | (more ? 0x2000 : 0)), 64,
			 m + off, flen);
		ip_input(&S, &eth0, b, n);
	}
	CHECK_EQ(S.mib.icmp.InEchos, 1);
	CHECK_EQ(nsent, 3);
	CHECK_EQ(S.mib.ip.FragCreates, 3);
	/* the reply's data, in order across the fragments */
	size_t got = 0;
	for (int i = 0; i < nsent; i++) {
		const uint8_t *d = sent[i].ip + 20;
		size_t dl = sent[i].len - 20;

		if (i == 0) {
			CHECK_EQ(d[0], ICMP_ECHOREPLY);
			d += 8;
			dl -= 8;
		}
		CHECK(memcmp(d, data + got, dl) == 0);
		got += dl;
	}
	CHECK_EQ(got, sizeof(data));
	teardown();
}

TEST(test_icmp_echo_on_lo_replies_through_lo)
{
	static const uint32_t addrs[] = { INADDR_LOOPBACK_, ME };
	uint8_t m[64];

	for (int i = 0; i < 2; i++) {
		setup();
		icmp_in(&S.lo, addrs[i], addrs[i], 64, m,
			mkicmp(m, ICMP_ECHO, 0, 0x00050006, "ping", 4));
		CHECK_EQ(nsent, 1);
		CHECK(sent[0].lo);
		CHECK_EQ(get_be32(sent[0].ip + 12), addrs[i]);
		CHECK_EQ(get_be32(sent[0].ip + 16), addrs[i]);
		CHECK_EQ(sent[0].ip[20], ICMP_ECHOREPLY);
		/* which net_poll() loops back: a reply for ping */
		ip_input(&S, &S.lo, sent[0].ip, sent[0].len);
		CHECK_EQ(ping_calls, 1);
		CHECK_EQ(ping_src, addrs[i]);
		CHECK_EQ(ping_id, 5);
		CHECK_EQ(ping_seq, 6);
		CHECK_EQ(ping_len, 4);
		CHECK(memcmp(ping_payload, "ping", 4) == 0);
		teardown();
	}
}

TEST(test_icmp_echo_to_broadcast_is_ignored)
{
	static const uint32_t dsts[] = { INADDR_BROADCAST_, A(10, 0, 2, 255) };

	for (int i = 0; i < 2; i++) {
		setup();
		echo_in(PEER, dsts[i], 1, 1, (const uint8_t *)"x", 1);
		CHECK_EQ(S.mib.icmp.InMsgs, 1);
		CHECK_EQ(S.mib.icmp.InEchos, 1);
		CHECK_EQ(S.mib.icmp.InErrors, 1);
		CHECK_EQ(S.mib.icmp.OutEchoReps, 0);
		CHECK_EQ(nsent, 0);
		teardown();
	}
}

TEST(test_icmp_drops_bad_checksum)
{
	uint8_t m[64];
	size_t len;

	setup();
	len = mkicmp(m, ICMP_ECHO, 0, 0x00010001, "abc", 3);
	m[9] ^= 1;
	icmp_in(&eth0, PEER, ME, 64, m, len);
	CHECK_EQ(S.mib.icmp.InMsgs, 1);
	CHECK_EQ(S.mib.icmp.InCsumErrors, 1);
	CHECK_EQ(S.mib.icmp.InErrors, 1);
	CHECK_EQ(S.mib.icmp.InEchos, 0);
	CHECK_EQ(nsent, 0);
	teardown();
}

TEST(test_icmp_drops_message_shorter_than_header)
{
	uint8_t m[8] = { ICMP_ECHO };

	for (size_t len = 0; len < 8; len++) {
		setup();
		icmp_in(&eth0, PEER, ME, 64, m, len);
		CHECK_EQ(S.mib.icmp.InMsgs, 1);
		CHECK_EQ(S.mib.icmp.InErrors, 1);
		CHECK_EQ(nsent, 0);
		teardown();
	}
}

TEST(test_icmp_echo_reply_goes_to_ping_sockets)
{
	uint8_t m[128], data[40];

	setup();
	fill_pattern(data, sizeof(data), 9);
	icmp_in(&eth0, FAR, ME, 57, m,
		mkicmp(m, ICMP_ECHOREPLY, 0, 0x12345678, data, sizeof(data)));
	CHECK_EQ(S.mib.icmp.InEchoReps, 1);
	CHECK_EQ(ping_calls, 1);
	CHECK_EQ(ping_src, FAR);
	CHECK_EQ(ping_id, 0x1234);
	CHECK_EQ(ping_seq, 0x5678);
	CHECK_EQ(ping_ttl, 57);
	CHECK_EQ(ping_len, sizeof(data));
	CHECK(memcmp(ping_payload, data, sizeof(data)) == 0);
	CHECK_EQ(nsent, 0);
	teardown();
}

/* An error from `from` quoting a UDP datagram ME:40000 -> PEER:53. */
static void error_in(uint32_t from, uint8_t type, uint8_t code,
		     uint16_t frag, size_t quote_len)
{
	uint8_t q[128], u[64], m[256];
	size_t qlen;

	qlen = mkip(q, ME, PEER, IPPROTO_UDP_, 3, frag, 64, u,
		    mkudp(u, 40000, 53, "query", 5));
	icmp_in(&eth0, from, ME, 64, m,
		mkicmp(m, type, code, 0, q,
		       quote_len < qlen ? quote_len : qlen));
}

TEST(test_icmp_errors_reach_the_udp_socket_with_errno)
{
	static const struct {
		uint8_t type, code;
		int err;
	} cases[] = {
		{ ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, -ECONNREFUSED },
		{ ICMP_DEST_UNREACH, 0, -ENETUNREACH },
		{ ICMP_DEST_UNREACH, 1, -EHOSTUNREACH },
		{ ICMP_DEST_UNREACH, 2, -ENOPROTOOPT },
		{ ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, -EMSGSIZE },
		{ ICMP_DEST_UNREACH, 13, -EHOSTUNREACH },
		{ ICMP_TIME_EXCEEDED, 0, -EHOSTUNREACH },
		{ ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, -EHOSTUNREACH },
		{ 12, 0, -EPROTO },	/* parameter problem */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup();
		error_in(GW, cases[i].type, cases[i].code, 0, 1000);
		CHECK_EQ(uerr_calls, 1);
		CHECK_EQ(uerr_src, ME);
		CHECK_EQ(uerr_sport, 40000);
		CHECK_EQ(uerr_dst, PEER);
		CHECK_EQ(uerr_dport, 53);
		CHECK_EQ(uerr_err, cases[i].err);
		CHECK_EQ(S.mib.icmp.InErrors, 0);
		CHECK_EQ(nsent, 0);	/* never an error about an error */
		teardown();
	}
	setup();
	error_in(GW, ICMP_DEST_UNREACH, 3, 0, 1000);
	error_in(GW, ICMP_TIME_EXCEEDED, 0, 0, 1000);
	CHECK_EQ(S.mib.icmp.InDestUnreachs, 1);
	CHECK_EQ(S.mib.icmp.InTimeExcds, 1);
	teardown();
}

TEST(test_icmp_error_quoting_tcp_reaches_tcp_with_its_sequence_number)
{
	uint8_t q[128], t[20] = { 0 }, m[256];
	size_t qlen;

	setup();
	put_be16(t, 40000);
	put_be16(t + 2, 80);
	put_be32(t + 4, 0xdeadbeef);
	t[12] = 5 << 4;
	t[13] = 0x02;	/* SYN */
	qlen = mkip(q, ME, PEER, IPPROTO_TCP_, 3, 0, 64, t, sizeof(t));
	icmp_in(&eth0, GW, ME, 64, m,
		mkicmp(m, ICMP_DEST_UNREACH, 1, 0, q, qlen));
	CHECK_EQ(tcp_icmp_calls, 1);
	CHECK_EQ(tcp_icmp_seq, 0xdeadbeef);
	CHECK_EQ(tcp_icmp_err, -EHOSTUNREACH);
	CHECK_EQ(uerr_calls, 0);
	teardown();
}

TEST(test_icmp_error_with_truncated_quote_is_dropped)
{
	/* the quoted header must be whole, with 8 bytes after it */
	static const size_t lens[] = { 0, 19, 20, 27 };

	for (int i = 0; i < 4; i++) {
		setup();
		error_in(GW, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, lens[i]);
		CHECK_EQ(S.mib.icmp.InDestUnreachs, 1);
		CHECK_EQ(S.mib.icmp.InErrors, 1);
		CHECK_EQ(uerr_calls, 0);
		teardown();
	}
	/* exactly header + 8 is enough */
	setup();
	error_in(GW, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, 28);
	CHECK_EQ(uerr_calls, 1);
	teardown();
}

TEST(test_icmp_error_quoting_later_fragment_is_ignored)
{
	setup();
	error_in(GW, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 185, 1000);
	CHECK_EQ(S.mib.icmp.InDestUnreachs, 1);
	CHECK_EQ(S.mib.icmp.InErrors, 0);
	CHECK_EQ(uerr_calls, 0);
	teardown();
}

TEST(test_icmp_udp_port_unreachable_quotes_the_datagram)
{
	static uint8_t b[1200], u[1100], data[1000];
	size_t ulen, len;

	/* A short datagram, padded by the link: quoted whole, without
	 * the padding. */
	setup();
	udp_no_socket = true;
	ulen = mkudp(u, 1234, 9, "hello", 5);
	len = mkip(b, PEER, ME, IPPROTO_UDP_, 0x1111, 0, 61, u, ulen);
	memset(b + len, 0xee, 46 - len);
	ip_input(&S, &eth0, b, 46);
	CHECK_EQ(udp_calls, 1);
	CHECK_EQ(nsent, 1);
	const uint8_t *r = sent[0].ip;
	CHECK_EQ(sent[0].len, 20 + 8 + len);
	CHECK(ip_checksum_ok(r));
	CHECK_EQ(get_be16(r + 2), 20 + 8 + len);
	CHECK_EQ(r[9], IPPROTO_ICMP_);
	CHECK_EQ(get_be32(r + 12), ME);
	CHECK_EQ(get_be32(r + 16), PEER);
	CHECK_EQ(sent[0].nexthop, PEER);
	CHECK_EQ(r[20], ICMP_DEST_UNREACH);
	CHECK_EQ(r[21], ICMP_PORT_UNREACH);
	CHECK(icmp_checksum_ok(&sent[0]));
	CHECK_EQ(get_be32(r + 24), 0);
	CHECK(memcmp(r + 28, b, len) == 0);
	CHECK_EQ(S.mib.icmp.OutMsgs, 1);
	CHECK_EQ(S.mib.icmp.OutDestUnreachs, 1);
	teardown();

	/* A long one: as much as fits in 576 bytes (RFC 1812 4.3.2.3). */
	setup();
	udp_no_socket = true;
	fill_pattern(data, sizeof(data), 2);
	ulen = mkudp(u, 1234, 9, data, sizeof(data));
	len = mkip(b, PEER, ME, IPPROTO_UDP_, 0x2222, 0, 64, u, ulen);
	ip_input(&S, &eth0, b, len);
	CHECK_EQ(nsent, 1);
	CHECK_EQ(sent[0].len, 576);
	CHECK(memcmp(sent[0].ip + 28, b, 576 - 28) == 0);
	CHECK(icmp_checksum_ok(&sent[0]));
	teardown();
}

/* A datagram to a closed UDP port, from src (through nif). */
static void closed_port_in(struct netif *nif, uint32_t src, uint32_t dst)
{
	uint8_t b[64], u[16];
	size_t len;

	udp_no_socket = true;
	len = mkip(b, src, dst, IPPROTO_UDP_, 1, 0, 64, u,
		   mkudp(u, 1, 2, NULL, 0));
	ip_input(&S, nif, b, len);
}

TEST(test_icmp_errors_are_rate_limited)
{
	setup();
	for (int i = 0; i < ICMP_ERR_BURST + 10; i++)
		closed_port_in(&eth0, PEER, ME);
	CHECK_EQ(nsent, ICMP_ERR_BURST);
	CHECK_EQ(S.mib.icmp.OutErrors, 10);
	/* one token per ICMP_ERR_RATE_MS */
	S.now += ICMP_ERR_RATE_MS - 1;
	closed_port_in(&eth0, PEER, ME);
	CHECK_EQ(nsent, ICMP_ERR_BURST);
	S.now += 1;
	closed_port_in(&eth0, PEER, ME);
	closed_port_in(&eth0, PEER, ME);
	CHECK_EQ(nsent, ICMP_ERR_BURST + 1);
	/* refilled, never past the burst */
	S.now += 1000ull * ICMP_ERR_RATE_MS;
	for (int i = 0; i < ICMP_ERR_BURST + 10; i++)
		closed_port_in(&eth0, PEER, ME);
	CHECK_EQ(nsent, 2 * ICMP_ERR_BURST + 1);
	/* echo replies are not limited */
	echo_in(PEER, ME, 1, 1, NULL, 0);
	CHECK_EQ(nsent, 2 * ICMP_ERR_BURST + 2);
	teardown();
}

TEST(test_icmp_errors_to_ourselves_are_not_rate_limited)
{
	setup();
	for (int i = 0; i < 2 * ICMP_ERR_BURST; i++)
		closed_port_in(&S.lo, INADDR_LOOPBACK_, INADDR_LOOPBACK_);
	CHECK_EQ(nsent, 2 * ICMP_ERR_BURST);
	CHECK(sent[0].lo);
	/* and the error comes back to the socket through lo */
	udp_no_socket = false;
	ip_input(&S, &S.lo, sent[0].ip, sent[0].len);
	CHECK_EQ(uerr_calls, 1);
	CHECK_EQ(uerr_err, -ECONNREFUSED);
	CHECK_EQ(uerr_src, INADDR_LOOPBACK_);
	CHECK_EQ(uerr_dport, 2);
	teardown();
}

TEST(test_icmp_no_error_about_an_icmp_error)
{
	static const uint8_t quiet[] = { ICMP_DEST_UNREACH, 4, 5,
					 ICMP_TIME_EXCEEDED, 12, 200 };
	uint8_t b[128], m[64];
	size_t len;

	setup();
	for (size_t i = 0; i < sizeof(quiet); i++) {
		len = mkip(b, PEER, ME, IPPROTO_ICMP_, 1, 0, 64, m,
			   mkicmp(m, quiet[i], 0, 0, NULL, 0));
		icmp_send_error(&S, b, len, ICMP_DEST_UNREACH,
				ICMP_PORT_UNREACH);
		CHECK_EQ(nsent, 0);
	}
	/* an error about a query is fine */
	len = mkip(b, PEER, ME, IPPROTO_ICMP_, 1, 0, 64, m,
		   mkicmp(m, ICMP_ECHO, 0, 0, NULL, 0));
	icmp_send_error(&S, b, len, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	CHECK_EQ(nsent, 1);
	teardown();
}

TEST(test_icmp_no_error_about_broadcast_multicast_fragment_or_no_source)
{
	static const struct {
		uint32_t src, dst;
		uint16_t frag;
	} quiet[] = {
		{ PEER, INADDR_BROADCAST_, 0 },
		{ PEER, A(10, 0, 2, 255), 0 },
		{ PEER, A(224, 0, 0, 1), 0 },
		{ 0, ME, 0 },
		{ INADDR_BROADCAST_, ME, 0 },
		{ A(10, 0, 2, 255), ME, 0 },
		{ A(224, 1, 1, 1), ME, 0 },
		{ A(240, 0, 0, 1), ME, 0 },
		{ PEER, ME, 185 },		/* not the first fragment */
		{ PEER, ME, 0x2000 | 185 },
	};
	uint8_t b[64], u[16];
	size_t len;

	setup();
	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		len = mkip(b, quiet[i].src, quiet[i].dst, IPPROTO_UDP_, 1,
			   quiet[i].frag, 64, u, mkudp(u, 1, 2, NULL, 0));
		icmp_send_error(&S, b, len, ICMP_DEST_UNREACH,
				ICMP_PORT_UNREACH);
		CHECK_EQ(nsent, 0);
	}
	/* none of them used a token */
	for (int i = 0; i < ICMP_ERR_BURST; i++)
		closed_port_in(&eth0, PEER, ME);
	CHECK_EQ(nsent, ICMP_ERR_BURST);
	CHECK_EQ(S.mib.icmp.OutErrors, 0);
	/* a first fragment is fine */
	len = mkip(b, PEER, ME, IPPROTO_UDP_, 1, 0x2000, 64, u,
		   mkudp(u, 1, 2, NULL, 0));
	S.now += ICMP_ERR_RATE_MS;
	icmp_send_error(&S, b, len, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	CHECK_EQ(nsent, ICMP_ERR_BURST + 1);
	teardown();
}

TEST(test_icmp_send_echo_builds_request)
{
	uint8_t data[10];

	setup();
	fill_pattern(data, sizeof(data), 4);
	CHECK_EQ(icmp_send_echo(&S, 0, FAR, 0x4321, 9, data, sizeof(data),
				0), 0);
	CHECK_EQ(nsent, 1);
	const uint8_t *r = sent[0].ip;
	CHECK_EQ(sent[0].nexthop, GW);
	CHECK_EQ(get_be32(r + 12), ME);
	CHECK_EQ(get_be32(r + 16), FAR);
	CHECK_EQ(r[8], IP_DEFAULT_TTL);
	CHECK_EQ(r[9], IPPROTO_ICMP_);
	CHECK_EQ(r[20], ICMP_ECHO);
	CHECK_EQ(r[21], 0);
	CHECK(icmp_checksum_ok(&sent[0]));
	CHECK_EQ(get_be16(r + 24), 0x4321);
	CHECK_EQ(get_be16(r + 26), 9);
	CHECK(memcmp(r + 28, data, sizeof(data)) == 0);
	CHECK_EQ(S.mib.icmp.OutEchos, 1);
	CHECK_EQ(S.mib.icmp.OutMsgs, 1);
	/* a TTL asked for is used (traceroute-like) */
	CHECK_EQ(icmp_send_echo(&S, 0, FAR, 1, 1, NULL, 0, 3), 0);
	CHECK_EQ(sent[1].ip[8], 3);
	/* no route */
	route_flush(&S.routes, &eth0);
	CHECK_EQ(icmp_send_echo(&S, 0, FAR, 1, 1, NULL, 0, 0), -ENETUNREACH);
	CHECK_EQ(S.mib.icmp.OutEchos, 2);
	CHECK_EQ(S.mib.ip.OutNoRoutes, 1);
	teardown();
}

TEST(test_icmp_other_types_are_counted_and_ignored)
{
	static const uint8_t types[] = { 4, 5, 13, 14, 17, 18, 200 };
	uint8_t m[64];

	setup();
	for (size_t i = 0; i < sizeof(types); i++)
		icmp_in(&eth0, PEER, ME, 64, m,
			mkicmp(m, types[i], 0, 0, NULL, 0));
	CHECK_EQ(S.mib.icmp.InMsgs, sizeof(types));
	CHECK_EQ(S.mib.icmp.InSrcQuenchs, 1);
	CHECK_EQ(S.mib.icmp.InRedirects, 1);
	CHECK_EQ(S.mib.icmp.InTimestamps, 1);
	CHECK_EQ(S.mib.icmp.InTimestampReps, 1);
	CHECK_EQ(S.mib.icmp.InAddrMasks, 1);
	CHECK_EQ(S.mib.icmp.InAddrMaskReps, 1);
	CHECK_EQ(S.mib.icmp.InErrors, 1);	/* type 200 */
	CHECK_EQ(nsent, 0);
	CHECK_EQ(uerr_calls, 0);
	teardown();
}

int main(void)
{
	RUN(test_icmp_echo_reply_mirrors_id_seq_and_payload);
	RUN(test_icmp_large_echo_is_reassembled_and_reply_fragmented);
	RUN(test_icmp_echo_on_lo_replies_through_lo);
	RUN(test_icmp_echo_to_broadcast_is_ignored);
	RUN(test_icmp_drops_bad_checksum);
	RUN(test_icmp_drops_message_shorter_than_header);
	RUN(test_icmp_echo_reply_goes_to_ping_sockets);
	RUN(test_icmp_errors_reach_the_udp_socket_with_errno);
	RUN(test_icmp_error_quoting_tcp_reaches_tcp_with_its_sequence_number);
	RUN(test_icmp_error_with_truncated_quote_is_dropped);
	RUN(test_icmp_error_quoting_later_fragment_is_ignored);
	RUN(test_icmp_udp_port_unreachable_quotes_the_datagram);
	RUN(test_icmp_errors_are_rate_limited);
	RUN(test_icmp_errors_to_ourselves_are_not_rate_limited);
	RUN(test_icmp_no_error_about_an_icmp_error);
	RUN(test_icmp_no_error_about_broadcast_multicast_fragment_or_no_source);
	RUN(test_icmp_send_echo_builds_request);
	RUN(test_icmp_other_types_are_counted_and_ignored);
	TEST_EXIT();
}
