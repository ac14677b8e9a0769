/*
 * IPv4 input validation, local delivery and output, and the Internet
 * checksum (net/ip.c, net/checksum.c).
 *
 * Sources: tests/net/test_ip.c net/ip.c net/ip_frag.c net/reasm.c
 *          net/icmp.c net/ratelimit.c net/route.c net/checksum.c net/pkt.c
 * What the rest of net/ provides (ARP, lo, UDP, ping sockets, the port)
 * is faked in tests/net/ip_harness.h.
 */
#include "tests/net/ip_harness.h"

/* --- checksum ---------------------------------------------------------- */

/* The checksum done the slow, obvious way: big-endian 16-bit words. */
static uint16_t naive_checksum(const uint8_t *p, size_t len, uint32_t acc)
{
	uint64_t sum = acc;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

TEST(test_checksum_rfc1071_example)
{
	/* RFC 1071 3: these 8 bytes sum to ddf2. */
	static const uint8_t d[8] = { 0x00, 0x01, 0xf2, 0x03,
				      0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t buf[32];

	CHECK_EQ(inet_fold(inet_sum(d, 8, 0)), (uint16_t)~0xddf2);
	for (int off = 0; off < 8; off++) {
		memcpy(buf + off, d, 8);
		CHECK_EQ(inet_fold(inet_sum(buf + off, 8, 0)),
			 (uint16_t)~0xddf2);
	}
}

TEST(test_checksum_known_ipv4_header)
{
	/* 192.168.0.1 -> 192.168.0.199, UDP, 115 bytes, DF: b861. */
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
			  0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
			  0xc0, 0xa8, 0x00, 0xc7 };

	CHECK_EQ(inet_fold(inet_sum(h, 20, 0)), 0xb861);
	put_be16(h + 10, 0xb861);
	CHECK_EQ(inet_fold(inet_sum(h, 20, 0)), 0);
}

TEST(test_checksum_odd_lengths_and_alignments_match_naive)
{
	static uint8_t buf[4096 + 16];
	static const size_t big[] = { 511, 512, 513, 1499, 1500, 1501,
				      4095, 4096 };
	const uint32_t accs[] = { 0, 1, 0xffff, 0x1234abcd, 0xffffffff };

	srand(7);
	for (int pass = 0; pass < 2; pass++) {
		/* Random data, then all ones (every add carries). */
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = pass ? 0xff : (uint8_t)rand();
		for (size_t off = 0; off < 16; off++) {
			for (size_t a = 0; a < sizeof(accs) / sizeof(accs[0]);
			     a++) {
				for (size_t len = 0; len <= 300; len++)
					CHECK_EQ(inet_fold(inet_sum(buf + off,
								    len,
								    accs[a])),
						 naive_checksum(buf + off, len,
								accs[a]));
				for (size_t i = 0; i < 8; i++)
					CHECK_EQ(inet_fold(inet_sum(buf + off,
								    big[i],
								    accs[a])),
						 naive_checksum(buf + off,
								big[i],
								accs[a]));
			}
		}
	}
}

TEST(test_checksum_chains_over_even_pieces)
{
	uint8_t buf[301];

	fill_pattern(buf, sizeof(buf), 3);
	for (size_t cut = 0; cut <= sizeof(buf); cut += 2) {
		uint32_t acc = inet_sum(buf, cut, 0);

		acc = inet_sum(buf + cut, sizeof(buf) - cut, acc);
		CHECK_EQ(inet_fold(acc), naive_checksum(buf, sizeof(buf), 0));
	}
}

TEST(test_checksum_pseudo_header_sum)
{
	/* RFC 768: source, destination, zero, protocol, UDP length. */
	uint8_t ph[12];

	put_be32(ph, A(192, 168, 0, 1));
	put_be32(ph + 4, A(10, 255, 254, 3));
	ph[8] = 0;
	ph[9] = IPPROTO_UDP_;
	put_be16(ph + 10, 0xfff1);
	CHECK_EQ(inet_fold(inet_pseudo_sum(A(192, 168, 0, 1),
					   A(10, 255, 254, 3), IPPROTO_UDP_,
					   0xfff1)),
		 naive_checksum(ph, 12, 0));
}

/* --- input validation ------------------------------------------------------ */

static const char hello[] = "hello";

/* A valid UDP datagram from src to dst; returns its length. */
static size_t good_udp(uint8_t *b, uint32_t src, uint32_t dst)
{
	uint8_t u[64];
	size_t ulen = mkudp(u, 1234, 7, hello, 5);

	return mkip(b, src, dst, IPPROTO_UDP_, 0x4242, 0, 64, u, ulen);
}

static uint64_t ip_drops(void)
{
	const struct ip_mib *m = &S.mib.ip;

	return m->InHdrErrors + m->InAddrErrors + m->InUnknownProtos +
	       m->InDiscards + m->ReasmFails;
}

/* One datagram came in and was dropped, counted once, in `counter`;
 * nothing was delivered and nothing sent. */
#define CHECK_DROPPED(counter)                                  \
	do {                                                    \
		CHECK_EQ(S.mib.ip.InReceives, 1);               \
		CHECK_EQ(S.mib.ip.counter, 1);                  \
		CHECK_EQ(ip_drops(), 1);                        \
		CHECK_EQ(S.mib.ip.InDelivers, 0);               \
		CHECK_EQ(udp_calls, 0);                         \
		CHECK_EQ(S.mib.icmp.InMsgs, 0);                 \
		CHECK_EQ(nsent, 0);                             \
	} while (0)

#define CHECK_DELIVERED_UDP()                                   \
	do {                                                    \
		CHECK_EQ(ip_drops(), 0);                        \
		CHECK_EQ(S.mib.ip.InDelivers, 1);               \
		CHECK_EQ(udp_calls, 1);                         \
	} while (0)

TEST(test_ip_delivers_valid_udp)
{
	uint8_t b[128];
	size_t len;

	setup();
	len = good_udp(b, PEER, ME);
	ip_input(&S, &eth0, b, len);
	CHECK_DELIVERED_UDP();
	CHECK_EQ(S.mib.ip.InReceives, 1);
	CHECK(udp_last_nif == &eth0);
	CHECK_EQ(udp_last_src, PEER);
	CHECK_EQ(udp_last_dst, ME);
	CHECK_EQ(udp_last_len, 13);
	CHECK(memcmp(udp_last + 8, hello, 5) == 0);
	teardown();
}

TEST(test_ip_drops_packet_shorter_than_header)
{
	uint8_t b[128];
	size_t len;

	for (size_t cut = 0; cut < IP_HLEN; cut++) {
		setup();
		len = good_udp(b, PEER, ME);
		(void)len;
		ip_input(&S, &eth0, b, cut);
		CHECK_DROPPED(InHdrErrors);
		teardown();
	}
}

TEST(test_ip_drops_version_6)
{
	uint8_t b[128];
	size_t len;

	setup();
	len = good_udp(b, PEER, ME);
	b[0] = 0x65;
	ip_fix_checksum(b);
	ip_input(&S, &eth0, b, len);
	CHECK_DROPPED(InHdrErrors);
	teardown();
}

TEST(test_ip_drops_ihl_below_5)
{
	uint8_t b[128];
	size_t len;

	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		setup();
		len = good_udp(b, PEER, ME);
		b[0] = 0x40 | ihl;
		ip_fix_checksum(b);
		ip_input(&S, &eth0, b, len);
		CHECK_DROPPED(InHdrErrors);
		teardown();
	}
}

TEST(test_ip_drops_ihl_beyond_total_length)
{
	uint8_t b[128];

	/* A 24-byte header in a datagram whose Total Length is 22. */
	setup();
	good_udp(b, PEER, ME);
	b[0] = 0x46;
	memset(b + 20, 1, 4);
	put_be16(b + 2, 22);
	ip_fix_checksum(b);
	ip_input(&S, &eth0, b, 40);
	CHECK_DROPPED(InHdrErrors);
	teardown();
}

TEST(test_ip_drops_ihl_beyond_frame)
{
	uint8_t b[128];

	/* A 60-byte header in a 40-byte frame. */
	setup();
	good_udp(b, PEER, ME);
	b[0] = 0x4f;
	put_be16(b + 2, 40);
	ip_input(&S, &eth0, b, 40);
	CHECK_DROPPED(InHdrErrors);
	teardown();
}

TEST(test_ip_drops_total_length_beyond_frame)
{
	uint8_t b[128];
	size_t len;

	setup();
	len = good_udp(b, PEER, ME);
	put_be16(b + 2, (uint16_t)(len + 1));
	ip_fix_checksum(b);
	ip_input(&S, &eth0, b, len);
	CHECK_DROPPED(InHdrErrors);
	teardown();
}

TEST(test_ip_drops_total_length_below_header)
{
	uint8_t b[128];
	size_t len;

	for (uint16_t tot = 0; tot < IP_HLEN; tot++) {
		setup();
		len = good_udp(b, PEER, ME);
		put_be16(b + 2, tot);
		ip_fix_checksum(b);
		ip_input(&S, &eth0, b, len);
		CHECK_DROPPED(InHdrErrors);
		teardown();
	}
}

TEST(test_ip_drops_bad_checksum)
{
	uint8_t b[128];
	size_t len;

	/* A wrong checksum, and a right checksum over a changed header. */
	for (int i = 0; i < 2; i++) {
		setup();
		len = good_udp(b, PEER, ME);
		if (i == 0)
			b[11] ^= 0x01;
		else
			b[8] ^= 0x80;
		ip_input(&S, &eth0, b, len);
		CHECK_DROPPED(InHdrErrors);
		teardown();
	}
}

TEST(test_ip_accepts_zero_ttl)
{
	uint8_t b[128];
	size_t len;

	/* TTL matters to routers; for the destination 0 is fine. */
	setup();
	len = good_udp(b, PEER, ME);
	b[8] = 0;
	ip_fix_checksum(b);
	ip_input(&S, &eth0, b, len);
	CHECK_DELIVERED_UDP();
	teardown();
}

TEST(test_ip_drops_broadcast_and_multicast_sources)
{
	const uint32_t srcs[] = { INADDR_BROADCAST_, A(10, 0, 2, 255),
				  A(224, 0, 0, 1), A(239, 255, 255, 250) };
	uint8_t b[128];
	size_t len;

	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		setup();
		len = good_udp(b, srcs[i], ME);
		ip_input(&S, &eth0, b, len);
		CHECK_DROPPED(InHdrErrors);
		teardown();
	}
}

TEST(test_ip_drops_loopback_source_on_eth)
{
	uint8_t b[128];
	size_t len;

	setup();
	len = good_udp(b, INADDR_LOOPBACK_, ME);
	ip_input(&S, &eth0, b, len);
	CHECK_DROPPED(InHdrErrors);
	teardown();
}

TEST(test_ip_drops_own_address_as_source_on_eth)
{
	uint8_t b[128];
	size_t len;

	setup();
	len = good_udp(b, ME, ME);
	ip_input(&S, &eth0, b, len);
	CHECK_DROPPED(InHdrErrors);
	teardown();
}

TEST(test_ip_drops_zero_source_unless_to_limited_broadcast)
{
	uint8_t b[128];
	size_t len;

	setup();
	len = good_udp(b, 0, ME);
	ip_input(&S, &eth0, b, len);
	CHECK_DROPPED(InHdrErrors);
	teardown();

	/* A DHCP client without an address yet. */
	setup();
	len = good_udp(b, 0, INADDR_BROADCAST_);
	ip_input(&S, &eth0, b, len);
	CHECK_DELIVERED_UDP();
	teardown();
}

TEST(test_ip_accepts_loopback_source_on_lo)
{
	uint8_t b[128];
	size_t len;

	setup();
	len = good_udp(b, INADDR_LOOPBACK_, INADDR_LOOPBACK_);
	ip_input(&S, &S.lo, b, len);
	CHECK_DELIVERED_UDP();
	CHECK(udp_last_nif == &S.lo);
	teardown();
}

TEST(test_ip_drops_martian_and_foreign_destinations)
{
	const uint32_t dsts[] = {
		INADDR_LOOPBACK_,	/* 127/8 from the wire */
		A(127, 1, 2, 3),
		0,			/* "this host" */
		A(0, 1, 2, 3),
		A(224, 0, 0, 1),	/* multicast: no group joined */
		A(239, 1, 2, 3),
		A(240, 0, 0, 1),	/* class E */
		PEER,			/* another host on the link */
		FAR,
		A(10, 0, 2, 0),		/* our network, not us */
		A(10, 0, 3, 255),	/* someone else's broadcast */
	};
	uint8_t b[128];
	size_t len;

	for (size_t i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		setup();
		len = good_udp(b, PEER, dsts[i]);
		ip_input(&S, &eth0, b, len);
		CHECK_DROPPED(InAddrErrors);
		teardown();
	}
}

TEST(test_ip_accepts_own_address_and_broadcasts)
{
	const uint32_t dsts[] = { ME, A(10, 0, 2, 255), INADDR_BROADCAST_ };
	uint8_t b[128];
	size_t len;

	for (size_t i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		setup();
		len = good_udp(b, PEER, dsts[i]);
		ip_input(&S, &eth0, b, len);
		CHECK_DELIVERED_UDP();
		CHECK_EQ(udp_last_dst, dsts[i]);
		teardown();
	}
}

TEST(test_ip_accepts_address_of_another_interface)
{
	struct netif eth1;
	uint8_t b[128];
	size_t len;

	/* The weak host model (RFC 1122 3.3.4.2), as Linux. */
	setup();
	netif_setup(&eth1, "eth1", 3, A(11, 0, 0, 1), 24);
	S.netifs[S.nnetifs++] = &eth1;
	len = good_udp(b, PEER, A(11, 0, 0, 1));
	ip_input(&S, &eth0, b, len);
	CHECK_DELIVERED_UDP();
	/* but not its subnet broadcast */
	len = good_udp(b, PEER, A(11, 0, 0, 255));
	ip_input(&S, &eth0, b, len);
	CHECK_EQ(S.mib.ip.InAddrErrors, 1);
	CHECK_EQ(udp_calls, 1);
	teardown();
}

TEST(test_ip_lo_accepts_all_of_127_and_own_addresses)
{
	const uint32_t dsts[] = { INADDR_LOOPBACK_, A(127, 9, 8, 7), ME };
	uint8_t b[128];
	size_t len;

	for (size_t i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		setup();
		len = good_udp(b, dsts[i], dsts[i]);
		ip_input(&S, &S.lo, b, len);
		CHECK_DELIVERED_UDP();
		teardown();
	}
	/* lo does not take what is not ours either. */
	setup();
	len = good_udp(b, INADDR_LOOPBACK_, FAR);
	ip_input(&S, &S.lo, b, len);
	CHECK_DROPPED(InAddrErrors);
	teardown();
}

TEST(test_ip_unconfigured_interface_accepts_udp_to_any_unicast)
{
	uint8_t b[128], icmp[8] = { ICMP_ECHO };
	size_t len;

	/* A DHCP offer unicast to the address being offered. */
	reset_fakes();
	stack_setup(&S, &eth0, 0, 0);
	len = good_udp(b, GW, ME);
	ip_input(&S, &eth0, b, len);
	CHECK_DELIVERED_UDP();
	CHECK_EQ(udp_last_dst, ME);
	len = good_udp(b, GW, INADDR_BROADCAST_);
	ip_input(&S, &eth0, b, len);
	CHECK_EQ(udp_calls, 2);
	teardown();

	/* Nothing else: no ping answered for an address we lack. */
	reset_fakes();
	stack_setup(&S, &eth0, 0, 0);
	put_be16(icmp + 2, inet_fold(inet_sum(icmp, 8, 0)));
	len = mkip(b, GW, ME, IPPROTO_ICMP_, 1, 0, 64, icmp, 8);
	ip_input(&S, &eth0, b, len);
	CHECK_DROPPED(InAddrErrors);
	teardown();

	reset_fakes();
	stack_setup(&S, &eth0, 0, 0);
	len = good_udp(b, GW, INADDR_LOOPBACK_);
	ip_input(&S, &eth0, b, len);
	CHECK_DROPPED(InAddrErrors);
	teardown();
}

TEST(test_ip_ignores_trailing_ethernet_padding)
{
	uint8_t b[128];
	size_t len;

	/* 33 bytes of IP in a minimum-size frame: 13 bytes of padding. */
	setup();
	len = good_udp(b, PEER, ME);
	CHECK_EQ(len, 33);
	memset(b + len, 0xaa, 46 - len);
	ip_input(&S, &eth0, b, 46);
	CHECK_DELIVERED_UDP();
	CHECK_EQ(udp_last_len, 13);
	CHECK(memcmp(udp_last + 8, hello, 5) == 0);
	teardown();
}

TEST(test_ip_skips_options)
{
	uint8_t b[128], u[64];
	size_t ulen;

	/* IHL 6: four bytes of options (NOP, NOP, NOP, EOL). */
	setup();
	ulen = mkudp(u, 1234, 7, hello, 5);
	b[0] = 0x46;
	b[1] = 0;
	put_be16(b + 2, (uint16_t)(24 + ulen));
	put_be16(b + 4, 1);
	put_be16(b + 6, 0);
	b[8] = 64;
	b[9] = IPPROTO_UDP_;
	put_be32(b + 12, PEER);
	put_be32(b + 16, ME);
	b[20] = 1;
	b[21] = 1;
	b[22] = 1;
	b[23] = 0;
	memcpy(b + 24, u, ulen);
	ip_fix_checksum(b);
	ip_input(&S, &eth0, b, 24 + ulen);
	CHECK_DELIVERED_UDP();
	CHECK_EQ(udp_last_len, ulen);
	CHECK(memcmp(udp_last, u, ulen) == 0);
	teardown();
}

TEST(test_ip_delivers_tcp_to_tcp_input)
{
	uint8_t b[128], data[20];

	setup();
	tcp_calls = 0;
	fill_pattern(data, sizeof(data), 1);
	size_t len = mkip(b, PEER, ME, IPPROTO_TCP_, 7, 0, 64, data,
			  sizeof(data));
	ip_input(&S, &eth0, b, len);
	CHECK_EQ(tcp_calls, 1);
	CHECK_EQ(tcp_last_len, sizeof(data));
	CHECK_EQ(S.mib.ip.InDelivers, 1);
	CHECK_EQ(S.mib.ip.InUnknownProtos, 0);
	CHECK_EQ(nsent, 0);
	teardown();
}

TEST(test_ip_unknown_protocol_gets_protocol_unreachable)
{
	uint8_t b[128], data[20];

	setup();
	fill_pattern(data, sizeof(data), 1);
	size_t len = mkip(b, PEER, ME, 99, 7, 0, 64, data, sizeof(data));
	ip_input(&S, &eth0, b, len);
	CHECK_EQ(S.mib.ip.InUnknownProtos, 1);
	CHECK_EQ(S.mib.ip.InDelivers, 0);
	CHECK_EQ(nsent, 1);
	const uint8_t *r = sent[0].ip;
	CHECK_EQ(r[9], IPPROTO_ICMP_);
	CHECK_EQ(get_be32(r + 12), ME);
	CHECK_EQ(get_be32(r + 16), PEER);
	CHECK_EQ(r[20], ICMP_DEST_UNREACH);
	CHECK_EQ(r[21], 2);	/* protocol unreachable */
	CHECK(memcmp(r + 28, b, len) == 0);
	CHECK_EQ(S.mib.icmp.OutDestUnreachs, 1);
	teardown();
}

TEST(test_ip_unknown_protocol_to_broadcast_gets_no_icmp)
{
	uint8_t b[128], data[8] = { 0 };
	size_t len;

	setup();
	len = mkip(b, PEER, A(10, 0, 2, 255), 99, 7, 0, 64, data, 8);
	ip_input(&S, &eth0, b, len);
	CHECK_EQ(S.mib.ip.InUnknownProtos, 1);
	CHECK_EQ(nsent, 0);
	teardown();
}

/* --- output --------------------------------------------------------------- */

static struct pkt *mkpayload(size_t len, unsigned seed)
{
	struct pkt *p = pkt_alloc(len);

	fill_pattern(pkt_put(p, len), len, seed);
	return p;
}

TEST(test_ip_output_builds_header)
{
	uint8_t expect[100];

	setup();
	fill_pattern(expect, sizeof(expect), 5);
	CHECK_EQ(ip_output(&S, mkpayload(100, 5), 0, FAR, IPPROTO_UDP_, 33),
		 0);
	CHECK_EQ(ip_output(&S, mkpayload(100, 5), 0, FAR, IPPROTO_UDP_, 33),
		 0);
	CHECK_EQ(nsent, 2);
	const uint8_t *h = sent[0].ip;
	CHECK(sent[0].nif == &eth0);
	CHECK(!sent[0].lo);
	CHECK_EQ(sent[0].len, 120);
	CHECK_EQ(h[0], 0x45);
	CHECK_EQ(get_be16(h + 2), 120);
	CHECK_EQ(get_be16(h + 6), 0);	/* DF clear, not a fragment */
	CHECK_EQ(h[8], 33);
	CHECK_EQ(h[9], IPPROTO_UDP_);
	CHECK(ip_checksum_ok(h));
	CHECK_EQ(get_be32(h + 12), ME);
	CHECK_EQ(get_be32(h + 16), FAR);
	CHECK(memcmp(h + 20, expect, 100) == 0);
	/* A new Identification for every datagram. */
	CHECK_EQ(get_be16(sent[1].ip + 4), (uint16_t)(get_be16(h + 4) + 1));
	CHECK_EQ(S.mib.ip.OutRequests, 2);
	teardown();
}

/*
 * RFC 7739 5.1: no global Identification counter. nmap's OS detection
 * calls a host's IDs incremental (TI=I), and the host usable as an
 * idle-scan zombie, when consecutive datagrams' IDs differ by less than
 * 10; to 32 different destinations at once, Kite's must not (a global
 * counter gives 31 such pairs of 31).
 */
TEST(test_ip_identification_is_not_one_counter_for_all_destinations)
{
	int close = 0;

	setup();
	for (uint32_t i = 0; i < 32; i++)
		CHECK_EQ(ip_output(&S, mkpayload(8, 0), 0, FAR + i,
				   IPPROTO_UDP_, 64), 0);
	CHECK_EQ(nsent, 32);
	for (int i = 1; i < 32; i++) {
		uint16_t d = (uint16_t)(get_be16(sent[i].ip + 4) -
					get_be16(sent[i - 1].ip + 4));
		close += d < 10;
	}
	CHECK(close <= 3);
	teardown();
}

/*
 * Datagrams to one destination never repeat an ID while their
 * fragments could still meet (RFC 6864 4.1: Kite never sets DF): in a
 * burst they step by one, and traffic to other destinations in between
 * does not move them. After a pause the counter jumps ahead by a random
 * amount (Linux's __ip_select_ident()), never back.
 */
TEST(test_ip_identification_to_one_destination_is_unique_and_private)
{
	uint16_t first, last;

	setup();
	for (int i = 0; i < 100; i++)
		CHECK_EQ(ip_output(&S, mkpayload(8, 0), 0, FAR, IPPROTO_UDP_,
				   64), 0);
	first = get_be16(sent[0].ip + 4);
	for (int i = 1; i < 100; i++)
		CHECK_EQ(get_be16(sent[i].ip + 4), (uint16_t)(first + i));
	last = get_be16(sent[99].ip + 4);
	sent_reset();
	int others = 0;

	for (uint32_t i = 1; i <= 64; i++) {
		/* Another destination, then FAR: FAR's ID steps by one
		 * unless the other hashed to FAR's counter (1 in 256). */
		CHECK_EQ(ip_output(&S, mkpayload(8, 0), 0, FAR + i,
				   IPPROTO_UDP_, 64), 0);
		CHECK_EQ(ip_output(&S, mkpayload(8, 0), 0, FAR, IPPROTO_UDP_,
				   64), 0);
		uint16_t id = get_be16(sent[nsent - 1].ip + 4);

		others += id == (uint16_t)(last + 1);
		last = id;
	}
	CHECK(others >= 60);
	S.now += 1000;
	sent_reset();
	CHECK_EQ(ip_output(&S, mkpayload(8, 0), 0, FAR, IPPROTO_UDP_, 64), 0);
	uint16_t step = (uint16_t)(get_be16(sent[0].ip + 4) - last);

	CHECK(step >= 1 && step <= 1000);
	teardown();
}

TEST(test_ip_output_zero_ttl_means_default)
{
	setup();
	CHECK_EQ(ip_output(&S, mkpayload(8, 0), 0, FAR, IPPROTO_UDP_, 0), 0);
	CHECK_EQ(sent[0].ip[8], IP_DEFAULT_TTL);
	teardown();
}

TEST(test_ip_output_nexthop_is_gateway_or_destination)
{
	setup();
	ip_output(&S, mkpayload(8, 0), 0, FAR, IPPROTO_UDP_, 64);
	ip_output(&S, mkpayload(8, 0), 0, PEER, IPPROTO_UDP_, 64);
	ip_output(&S, mkpayload(8, 0), 0, A(10, 0, 2, 255), IPPROTO_UDP_, 64);
	CHECK_EQ(nsent, 3);
	CHECK_EQ(sent[0].nexthop, GW);
	CHECK_EQ(sent[1].nexthop, PEER);
	CHECK_EQ(sent[2].nexthop, A(10, 0, 2, 255));
	teardown();
}

TEST(test_ip_output_longest_prefix_route_wins)
{
	setup();
	CHECK_EQ(route_add(&S.routes, A(192, 0, 2, 0), 24, A(10, 0, 2, 3),
			   &eth0, 0), 0);
	ip_output(&S, mkpayload(8, 0), 0, FAR, IPPROTO_UDP_, 64);
	ip_output(&S, mkpayload(8, 0), 0, A(192, 0, 3, 1), IPPROTO_UDP_, 64);
	CHECK_EQ(sent[0].nexthop, A(10, 0, 2, 3));
	CHECK_EQ(sent[1].nexthop, GW);
	teardown();
}

TEST(test_ip_output_without_route_is_enetunreach)
{
	setup();
	route_flush(&S.routes, &eth0);
	CHECK_EQ(route_add(&S.routes, ME, 24, 0, &eth0, 0), 0);
	CHECK_EQ(ip_output(&S, mkpayload(8, 0), 0, FAR, IPPROTO_UDP_, 64),
		 -ENETUNREACH);
	CHECK_EQ(S.mib.ip.OutNoRoutes, 1);
	CHECK_EQ(nsent, 0);
	CHECK_EQ(ip_route_source(&S, FAR), 0);
	/* the subnet is still reachable */
	CHECK_EQ(ip_output(&S, mkpayload(8, 0), 0, PEER, IPPROTO_UDP_, 64),
		 0);
	CHECK_EQ(S.mib.ip.OutNoRoutes, 1);
	teardown();
}

TEST(test_ip_output_limited_broadcast_needs_no_route)
{
	/* DHCPDISCOVER: from 0.0.0.0, before any address or route. */
	reset_fakes();
	stack_setup(&S, &eth0, 0, 0);
	CHECK_EQ(ip_output(&S, mkpayload(8, 0), 0, INADDR_BROADCAST_,
			   IPPROTO_UDP_, 64), 0);
	CHECK_EQ(nsent, 1);
	CHECK(sent[0].nif == &eth0);
	CHECK_EQ(sent[0].nexthop, INADDR_BROADCAST_);
	CHECK_EQ(get_be32(sent[0].ip + 12), 0);
	CHECK_EQ(get_be32(sent[0].ip + 16), INADDR_BROADCAST_);
	teardown();
}

TEST(test_ip_output_limited_broadcast_picks_interface)
{
	struct netif eth1;

	setup();
	netif_setup(&eth1, "eth1", 3, A(11, 0, 0, 1), 24);
	S.netifs[S.nnetifs++] = &eth1;
	/* the interface that owns the source */
	ip_output(&S, mkpayload(8, 0), A(11, 0, 0, 1), INADDR_BROADCAST_,
		  IPPROTO_UDP_, 64);
	CHECK(sent[0].nif == &eth1);
	/* else the first one up, and its address */
	ip_output(&S, mkpayload(8, 0), 0, INADDR_BROADCAST_, IPPROTO_UDP_,
		  64);
	CHECK(sent[1].nif == &eth0);
	CHECK_EQ(get_be32(sent[1].ip + 12), ME);
	eth0.flags &= ~NETIF_UP;
	ip_output(&S, mkpayload(8, 0), 0, INADDR_BROADCAST_, IPPROTO_UDP_,
		  64);
	CHECK(sent[2].nif == &eth1);
	/* none up: unreachable */
	eth1.flags &= ~NETIF_UP;
	CHECK_EQ(ip_output(&S, mkpayload(8, 0), 0, INADDR_BROADCAST_,
			   IPPROTO_UDP_, 64), -ENETUNREACH);
	CHECK_EQ(S.mib.ip.OutNoRoutes, 1);
	CHECK_EQ(nsent, 3);
	teardown();
}

TEST(test_ip_output_to_ourselves_goes_through_lo)
{
	const uint32_t dsts[] = { INADDR_LOOPBACK_, A(127, 3, 2, 1), ME };
	const uint32_t srcs[] = { INADDR_LOOPBACK_, INADDR_LOOPBACK_, ME };
	uint8_t u[64];
	size_t ulen;

	for (size_t i = 0; i < 3; i++) {
		setup();
		ulen = mkudp(u, 1000, 2000, hello, 5);
		struct pkt *p = pkt_alloc(ulen);
		memcpy(pkt_put(p, ulen), u, ulen);
		CHECK_EQ(ip_output(&S, p, 0, dsts[i], IPPROTO_UDP_, 64), 0);
		CHECK_EQ(nsent, 1);
		CHECK(sent[0].lo);
		CHECK(sent[0].nif == &S.lo);
		CHECK_EQ(lo_bad_eth_headers, 0);
		CHECK_EQ(get_be32(sent[0].ip + 12), srcs[i]);
		CHECK_EQ(get_be32(sent[0].ip + 16), dsts[i]);
		CHECK_EQ(ip_route_source(&S, dsts[i]), srcs[i]);
		/* what net_poll() does with it: back into ip_input */
		ip_input(&S, &S.lo, sent[0].ip, sent[0].len);
		CHECK_EQ(udp_calls, 1);
		CHECK_EQ(udp_last_len, ulen);
		CHECK(memcmp(udp_last, u, ulen) == 0);
		teardown();
	}
}

TEST(test_ip_output_without_headroom_is_enobufs)
{
	struct pkt *p;

	setup();
	p = pkt_alloc(8);
	pkt_put(p, 8);
	pkt_push(p, PKT_HEADROOM - 10);	/* 10 bytes of headroom left */
	CHECK_EQ(ip_output(&S, p, 0, FAR, IPPROTO_UDP_, 64), -ENOBUFS);
	CHECK_EQ(S.mib.ip.OutDiscards, 1);
	CHECK_EQ(nsent, 0);
	teardown();
}

TEST(test_ip_output_if_ignores_the_routing_table)
{
	/* a DHCP client on a bare interface: no address, no route */
	reset_fakes();
	stack_setup(&S, &eth0, 0, 0);
	CHECK_EQ(ip_output_if(&S, &eth0, mkpayload(8, 0), 0, GW, GW,
			      IPPROTO_UDP_, 0), 0);
	CHECK_EQ(ip_output_if(&S, &eth0, mkpayload(3000, 0), 0,
			      INADDR_BROADCAST_, INADDR_BROADCAST_,
			      IPPROTO_UDP_, 64), 0);
	CHECK_EQ(nsent, 1 + 3);
	CHECK(sent[0].nif == &eth0);
	CHECK_EQ(sent[0].nexthop, GW);
	CHECK_EQ(get_be32(sent[0].ip + 12), 0);
	CHECK_EQ(get_be32(sent[0].ip + 16), GW);
	CHECK_EQ(sent[0].ip[8], IP_DEFAULT_TTL);
	CHECK(ip_checksum_ok(sent[0].ip));
	/* fragmented like anything else */
	CHECK_EQ(sent[3].nexthop, INADDR_BROADCAST_);
	CHECK_EQ(S.mib.ip.FragCreates, 3);
	CHECK_EQ(S.mib.ip.OutRequests, 2);
	CHECK_EQ(S.mib.ip.OutNoRoutes, 0);
	teardown();
}

TEST(test_ip_route_source_uses_prefsrc)
{
	setup();
	CHECK_EQ(ip_route_source(&S, FAR), ME);
	CHECK_EQ(ip_route_source(&S, PEER), ME);
	for (int i = 0; i < ROUTE_MAX; i++)
		if (S.routes.r[i].used && S.routes.r[i].prefix_len == 0)
			S.routes.r[i].prefsrc = A(10, 0, 2, 16);
	CHECK_EQ(ip_route_source(&S, FAR), A(10, 0, 2, 16));
	ip_output(&S, mkpayload(8, 0), 0, FAR, IPPROTO_UDP_, 64);
	CHECK_EQ(get_be32(sent[0].ip + 12), A(10, 0, 2, 16));
	/* an explicit source is kept */
	ip_output(&S, mkpayload(8, 0), ME, FAR, IPPROTO_UDP_, 64);
	CHECK_EQ(get_be32(sent[1].ip + 12), ME);
	teardown();
}

TEST(test_ip_is_local)
{
	setup();
	CHECK(ip_is_local(&S, ME));
	CHECK(ip_is_local(&S, A(10, 0, 2, 255)));
	CHECK(ip_is_local(&S, INADDR_BROADCAST_));
	CHECK(ip_is_local(&S, INADDR_LOOPBACK_));
	CHECK(ip_is_local(&S, A(127, 255, 0, 1)));
	CHECK(!ip_is_local(&S, PEER));
	CHECK(!ip_is_local(&S, FAR));
	CHECK(!ip_is_local(&S, 0));
	CHECK(!ip_is_local(&S, A(224, 0, 0, 1)));
	teardown();
}

int main(void)
{
	RUN(test_checksum_rfc1071_example);
	RUN(test_checksum_known_ipv4_header);
	RUN(test_checksum_odd_lengths_and_alignments_match_naive);
	RUN(test_checksum_chains_over_even_pieces);
	RUN(test_checksum_pseudo_header_sum);
	RUN(test_ip_delivers_valid_udp);
	RUN(test_ip_drops_packet_shorter_than_header);
	RUN(test_ip_drops_version_6);
	RUN(test_ip_drops_ihl_below_5);
	RUN(test_ip_drops_ihl_beyond_total_length);
	RUN(test_ip_drops_ihl_beyond_frame);
	RUN(test_ip_drops_total_length_beyond_frame);
	RUN(test_ip_drops_total_length_below_header);
	RUN(test_ip_drops_bad_checksum);
	RUN(test_ip_accepts_zero_ttl);
	RUN(test_ip_drops_broadcast_and_multicast_sources);
	RUN(test_ip_drops_loopback_source_on_eth);
	RUN(test_ip_drops_own_address_as_source_on_eth);
	RUN(test_ip_drops_zero_source_unless_to_limited_broadcast);
	RUN(test_ip_accepts_loopback_source_on_lo);
	RUN(test_ip_drops_martian_and_foreign_destinations);
	RUN(test_ip_accepts_own_address_and_broadcasts);
	RUN(test_ip_accepts_address_of_another_interface);
	RUN(test_ip_lo_accepts_all_of_127_and_own_addresses);
	RUN(test_ip_unconfigured_interface_accepts_udp_to_any_unicast);
	RUN(test_ip_ignores_trailing_ethernet_padding);
	RUN(test_ip_skips_options);
	RUN(test_ip_delivers_tcp_to_tcp_input);
	RUN(test_ip_unknown_protocol_gets_protocol_unreachable);
	RUN(test_ip_unknown_protocol_to_broadcast_gets_no_icmp);
	RUN(test_ip_output_builds_header);
	RUN(test_ip_identification_is_not_one_counter_for_all_destinations);
	RUN(test_ip_identification_to_one_destination_is_unique_and_private);
	RUN(test_ip_output_zero_ttl_means_default);
	RUN(test_ip_output_nexthop_is_gateway_or_destination);
	RUN(test_ip_output_longest_prefix_route_wins);
	RUN(test_ip_output_without_route_is_enetunreach);
	RUN(test_ip_output_limited_broadcast_needs_no_route);
	RUN(test_ip_output_limited_broadcast_picks_interface);
	RUN(test_ip_output_to_ourselves_goes_through_lo);
	RUN(test_ip_output_without_headroom_is_enobufs);
	RUN(test_ip_output_if_ignores_the_routing_table);
	RUN(test_ip_route_source_uses_prefsrc);
	RUN(test_ip_is_local);
	TEST_EXIT();
}
