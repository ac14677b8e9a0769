/*
 * IPv6 and ICMPv6 over the simulated link (net/ip6.c, net/ip6_frag.c,
 * net/icmp6.c, net/route6.c, net/ip6_snmp.c): echo both ways, over lo
 * and to a group; fragmentation after a Packet Too Big and reassembly
 * (RFC 5722 overlaps, duplicates, timeout); extension headers and
 * options; errors and their rules (RFC 4443 2.4) and rate limit; source
 * selection; /proc/net/snmp6. Whole stacks in virtual time.
 */
#include "tests/net/ip6_harness.h"

static const struct ip6_addr *peer(void)
{
	static struct ip6_addr p;

	p = A6("fe80::9");
	return &p;
}

/* node 0 is 2001:db8::1/64, node 1 2001:db8::2/64. */
static void setup_global(uint64_t seed)
{
	struct ip6_addr a0 = A6("2001:db8::1"), a1 = A6("2001:db8::2");

	setup_up(2, seed);
	CHECK_EQ(ip6_addr_add(S(0), NIF(0), &a0, 64), 0);
	CHECK_EQ(ip6_addr_add(S(1), NIF(1), &a1, 64), 0);
	run(2100);
	CHECK(usable(ifa_of(0, "2001:db8::1")));
	CHECK(usable(ifa_of(1, "2001:db8::2")));
}

/* --- echo ------------------------------------------------------------------------- */

TEST(test_ip6_stacks_without_ip6_enable_stay_silent)
{
	setup(2, 1, false);
	run(30000);
	CHECK_EQ(nwire, 0);
	/* An IPv6 frame is just an unknown type there. */
	uint8_t m[8] = { ICMP6_ECHO_REQUEST };
	struct ip6_addr ll0 = ll_of(0);
	inject_icmp6(0, peer(), &ll0, 64, m, sizeof(m));
	CHECK_EQ(S(0)->mib.link.EthInUnknownType, 1);
	CHECK_EQ(S(0)->ip6.mib.InReceives, 0);
	/* lo has ::1 all the same, silently. */
	CHECK(ip6_is_local(S(0), &ip6_addr_loopback));
	teardown();
}

TEST(test_ip6_echo_between_link_local_addresses)
{
	setup_up(2, 2);
	struct ip6_addr ll0 = ll_of(0), ll1 = ll_of(1);
	int before = nwire;

	CHECK_EQ(ping(0, &ll1, NIF(0), 7, 56), 0);
	run(5);
	CHECK_EQ(nechoes, 1);
	CHECK_EQ(echoes[0].node, 0);
	CHECK(ip6_addr_eq(&echoes[0].src, &ll1));
	CHECK_EQ(echoes[0].id, 0x4b49);
	CHECK_EQ(echoes[0].seq, 7);
	CHECK_EQ(echoes[0].len, 56);
	CHECK(echoes[0].data_ok);
	CHECK_EQ(echoes[0].hlim, IP6_DEFAULT_HOPLIMIT);
	/* Resolved first: NS, NA, request, reply. */
	CHECK_EQ(nwire - before, 4);
	const struct wire_rec *rep = last_of_type(1, ICMP6_ECHO_REPLY);
	CHECK(memcmp(ip6_of(rep) + 8, ll1.b, 16) == 0);
	CHECK(memcmp(ip6_of(rep) + 24, ll0.b, 16) == 0);
	/* The other way, now that both know each other: no ND. */
	before = nwire;
	CHECK_EQ(ping(1, &ll0, NIF(1), 8, 0), 0);
	run(5);
	CHECK_EQ(nechoes, 2);
	CHECK_EQ(echoes[1].node, 1);
	CHECK_EQ(nwire - before, 2);
	/* The counters, as Linux names them. */
	CHECK_EQ(S(0)->ip6.icmp.out_type[ICMP6_ECHO_REQUEST], 1);
	CHECK_EQ(S(0)->ip6.icmp.in_type[ICMP6_ECHO_REPLY], 1);
	CHECK_EQ(S(1)->ip6.icmp.in_type[ICMP6_ECHO_REQUEST], 1);
	CHECK_EQ(S(1)->ip6.icmp.out_type[ICMP6_ECHO_REPLY], 1);
	CHECK_EQ(S(0)->ip6.mib.InHdrErrors + S(0)->ip6.mib.InAddrErrors, 0);
	teardown();
}

TEST(test_ip6_echo_to_all_nodes_is_answered_from_a_unicast_address)
{
	setup_up(3, 3);

	CHECK_EQ(ping(0, &ip6_addr_allnodes, NIF(0), 1, 8), 0);
	const struct wire_rec *req = last_of_type(0, ICMP6_ECHO_REQUEST);
	CHECK_EQ(ip6_of(req)[7], 1);		/* multicast hop limit */
	CHECK(req->f[0] == 0x33 && req->f[5] == 0x01);
	run(5);
	/* Both others answer (as Linux), each from its link-local. */
	CHECK_EQ(nechoes, 2);
	CHECK(ip6_addr_is_linklocal(&echoes[0].src));
	CHECK(ip6_addr_is_linklocal(&echoes[1].src));
	CHECK(!ip6_addr_eq(&echoes[0].src, &echoes[1].src));
	/* The request was node 1's only multicast packet: the others'
	 * DAD and router solicitations went to groups it has not joined
	 * and stopped at the Ethernet layer. */
	CHECK_EQ(S(1)->ip6.mib.InMcastPkts, 1);
	teardown();
}

TEST(test_ip6_loopback_echo_to_own_addresses_stays_off_the_wire)
{
	setup_up(1, 4);
	struct ip6_addr ll0 = ll_of(0);
	int before = nwire;

	CHECK_EQ(ping(0, &ip6_addr_loopback, NULL, 1, 100), 0);
	CHECK_EQ(ping(0, &ll0, NULL, 2, 100), 0);
	run(1);
	CHECK_EQ(nechoes, 2);
	CHECK(ip6_addr_is_loopback(&echoes[0].src));
	CHECK(ip6_addr_eq(&echoes[1].src, &ll0));
	CHECK(echoes[0].data_ok && echoes[1].data_ok);
	CHECK_EQ(nwire, before);
	CHECK_EQ(S(0)->lo.stats->tx_packets, 4);
	/* And a big one: lo does not fragment. */
	CHECK_EQ(ping(0, &ip6_addr_loopback, NULL, 3, 60000), 0);
	run(1);
	CHECK_EQ(nechoes, 3);
	CHECK_EQ(echoes[2].len, 60000);
	CHECK(echoes[2].data_ok);
	CHECK_EQ(S(0)->ip6.mib.FragCreates, 0);
	teardown();
}

TEST(test_ip6_no_route_and_no_source_are_reported)
{
	setup_up(1, 5);
	struct ip6_addr far = A6("2001:db8:99::1");

	CHECK_EQ(ping(0, &far, NULL, 1, 8), -ENETUNREACH);
	CHECK_EQ(S(0)->ip6.mib.OutNoRoutes, 1);
	/* A route, but only a link-local address: used, as Linux does
	 * when nothing of a larger scope exists (RFC 6724 rule 2). */
	struct ip6_addr gw = A6("fe80::1");
	route6_add(&S(0)->ip6.routes, &ip6_addr_any, 0, &gw, NIF(0),
		   ROUTE6_METRIC_DEFAULT, ROUTE6_STATIC, NET_NEVER);
	struct ip6_addr src;
	CHECK_EQ(ip6_route_source(S(0), &far, NULL, &src), 0);
	CHECK(ip6_addr_is_linklocal(&src));
	teardown();
}

/* --- source selection ------------------------------------------------------------ */

TEST(test_ip6_source_selection_prefers_scope_then_preferred_then_prefix)
{
	setup_up(1, 6);
	struct ip6_addr a = A6("2001:db8:1::10"), b = A6("2001:db8:2::10");
	struct ip6_addr src, d;

	CHECK_EQ(ip6_addr_add(S(0), NIF(0), &a, 64), 0);
	CHECK_EQ(ip6_addr_add(S(0), NIF(0), &b, 64), 0);
	run(2100);
	/* Link-local destination: the link-local source (rule 2). */
	d = A6("fe80::55");
	CHECK_EQ(ip6_route_source(S(0), &d, NIF(0), &src), 0);
	CHECK(ip6_addr_is_linklocal(&src));
	/* Global: the longest shared prefix (rule 8). */
	d = A6("2001:db8:2::99");
	CHECK_EQ(ip6_route_source(S(0), &d, NULL, &src), 0);
	CHECK(ip6_addr_eq(&src, &b));
	d = A6("2001:db8:1::99");
	CHECK_EQ(ip6_route_source(S(0), &d, NULL, &src), 0);
	CHECK(ip6_addr_eq(&src, &a));
	/* Deprecated loses to preferred (rule 3) before the prefix. */
	ifa_of(0, "2001:db8:1::10")->flags |= IP6_IFA_DEPRECATED;
	CHECK_EQ(ip6_route_source(S(0), &d, NULL, &src), 0);
	CHECK(ip6_addr_eq(&src, &b));
	/* Our own address: itself (rule 1), through lo. */
	CHECK_EQ(ip6_route_source(S(0), &a, NULL, &src), 0);
	CHECK(ip6_addr_eq(&src, &a));
	teardown();
}

/* --- fragmentation and path MTU ---------------------------------------------------- */

/* A Packet Too Big from a router (fe80::9) to node 0, quoting a packet
 * node 0 sent to dst, announcing mtu. */
static void inject_ptb(const struct ip6_addr *dst, uint32_t mtu)
{
	uint8_t m[8 + IP6_HLEN + 8] = { ICMP6_PACKET_TOO_BIG };
	struct ip6_addr a0 = A6("2001:db8::1");

	put_be32(m + 4, mtu);
	put_be32(m + 8, 0x60000000u);
	put_be16(m + 12, 1400);
	m[14] = IP6_NH_ICMP6;
	m[15] = 64;
	memcpy(m + 16, a0.b, 16);
	memcpy(m + 32, dst->b, 16);
	m[48] = ICMP6_ECHO_REQUEST;
	inject_icmp6(0, peer(), &a0, 64, m, sizeof(m));
}

TEST(test_ip6_fragmented_4000_byte_echo_over_1280_path_after_packet_too_big)
{
	setup_global(7);
	struct ip6_addr a1 = A6("2001:db8::2");
	int before;

	/* Over the 1500-byte link: three fragments each way. */
	CHECK_EQ(ping(0, &a1, NULL, 1, 4000), 0);
	run(5);
	CHECK_EQ(nechoes, 1);
	CHECK_EQ(echoes[0].len, 4000);
	CHECK(echoes[0].data_ok);
	CHECK_EQ(S(0)->ip6.mib.FragOKs, 1);
	CHECK_EQ(S(0)->ip6.mib.FragCreates, 3);
	CHECK_EQ(S(1)->ip6.mib.ReasmOKs, 1);
	CHECK_EQ(S(1)->ip6.mib.ReasmReqds, 3);

	/* A router says the path takes 1280 only; a lower figure is
	 * raised to 1280 (RFC 8201), and the error reaches the upper
	 * layer as EMSGSIZE. */
	inject_ptb(&a1, 1000);
	CHECK_EQ(route6_pmtu_get(&S(0)->ip6.routes, &a1), IP6_MIN_MTU);
	CHECK_EQ(S(0)->ip6.icmp.in_type[ICMP6_PACKET_TOO_BIG], 1);
	CHECK_EQ(nerrs, 1);
	CHECK_EQ(errs[0].err, -EMSGSIZE);
	CHECK_EQ(errs[0].info, 1000);
	CHECK(ip6_addr_eq(&errs[0].dst, &a1));
	CHECK_EQ(errs[0].proto, IP6_NH_ICMP6);

	before = nwire;
	CHECK_EQ(ping(0, &a1, NULL, 2, 4000), 0);
	run(5);
	CHECK_EQ(nechoes, 2);
	CHECK_EQ(echoes[1].len, 4000);
	CHECK(echoes[1].data_ok);
	/* Four fragments of at most 1280 bytes from node 0, each with a
	 * Fragment header, one Identification, offsets in 8-byte units. */
	int frags = 0;
	uint32_t id = 0;
	size_t total = 0;
	for (int i = before; i < nwire; i++) {
		const struct wire_rec *w = &wire_log[i];

		if (w->from != 0)
			continue;
		CHECK(w->len - ETH_HLEN <= IP6_MIN_MTU);
		CHECK_EQ(ip6_of(w)[6], IP6_NH_FRAGMENT);
		CHECK_EQ(ip6_of(w)[IP6_HLEN], IP6_NH_ICMP6);
		uint16_t fo = get_be16(ip6_of(w) + IP6_HLEN + 2);
		CHECK_EQ(fo & 0xfff8, total);
		CHECK_EQ(fo & 1, total + (w->len - ETH_HLEN - 48) < 4008);
		if (frags++ == 0)
			id = get_be32(ip6_of(w) + IP6_HLEN + 4);
		CHECK_EQ(get_be32(ip6_of(w) + IP6_HLEN + 4), id);
		total += w->len - ETH_HLEN - 48;
	}
	CHECK_EQ(frags, 4);
	CHECK_EQ(total, 4008);
	/* The cache forgets after ten minutes (RFC 8201: at least five). */
	run(PMTU6_EXPIRES_MS);
	CHECK_EQ(route6_pmtu_get(&S(0)->ip6.routes, &a1), 0);
	/* A forged PTB about a packet we never sent is ignored. */
	struct ip6_addr other = A6("2001:db8::77");
	uint8_t m[8 + IP6_HLEN + 8] = { ICMP6_PACKET_TOO_BIG };
	put_be32(m + 4, 1280);
	m[8] = 0x60;
	memcpy(m + 16, other.b, 16);
	memcpy(m + 32, a1.b, 16);
	struct ip6_addr a0 = A6("2001:db8::1");
	inject_icmp6(0, peer(), &a0, 64, m, sizeof(m));
	CHECK_EQ(route6_pmtu_get(&S(0)->ip6.routes, &a1), 0);
	teardown();
}

/* --- reassembly ------------------------------------------------------------------- */

/* Send node 0 a fragment of an echo request from fe80::9: bytes
 * [off, off + len) of the ICMPv6 message msg (total mlen), id. */
static void inject_frag(const uint8_t *msg, size_t off, size_t len,
			bool more, uint32_t id)
{
	static uint8_t f[ETH_FRAME_MAX];
	uint8_t p[8 + 1400];
	struct ip6_addr ll0 = ll_of(0);

	p[0] = IP6_NH_ICMP6;
	p[1] = 0;
	put_be16(p + 2, (uint16_t)(off | more));
	put_be32(p + 4, id);
	memcpy(p + 8, msg + off, len);
	inject(0, f, frame6(f, 0, peer(), &ll0, IP6_NH_FRAGMENT, 64, p,
			    8 + len));
}

static size_t echo_msg(uint8_t *m, size_t len, uint16_t seq)
{
	struct ip6_addr ll0 = ll_of(0);

	memset(m, 0, 8);
	m[0] = ICMP6_ECHO_REQUEST;
	put_be16(m + 6, seq);
	for (size_t i = 8; i < len; i++)
		m[i] = (uint8_t)i;
	icmp6_csum(m, len, peer(), &ll0);
	return len;
}

TEST(test_ip6_reassembly_in_any_order_and_rfc5722_overlaps)
{
	setup_up(1, 8);
	static uint8_t m[3000];
	struct ip6_mib *mib = &S(0)->ip6.mib;
	int replies;

	/* Out of order, with an exact duplicate: rebuilt, answered. */
	echo_msg(m, 3000, 1);
	inject_frag(m, 2400, 600, false, 1);
	inject_frag(m, 0, 1200, true, 1);
	inject_frag(m, 0, 1200, true, 1);		/* duplicate */
	replies = count_type(0, 0, ICMP6_ECHO_REPLY);
	inject_frag(m, 1200, 1200, true, 1);
	run(5);
	CHECK_EQ(mib->ReasmOKs, 1);
	CHECK_EQ(mib->ReasmReqds, 4);
	CHECK_EQ(mib->InDiscards, 1);
	CHECK_EQ(S(0)->ip6.icmp.in_type[ICMP6_ECHO_REQUEST], 1);
	/* The reply waits for ND of fe80::9 (which never answers). */
	(void)replies;

	/* RFC 5722: an overlap that is not an exact copy drops it all,
	 * and the rest that comes later cannot complete it. */
	echo_msg(m, 3000, 2);
	inject_frag(m, 0, 1200, true, 2);
	inject_frag(m, 1192, 1208, true, 2);		/* overlaps by 8 */
	CHECK_EQ(mib->ReasmFails, 1);
	inject_frag(m, 2400, 600, false, 2);
	CHECK_EQ(mib->ReasmOKs, 1);
	CHECK_EQ(S(0)->ip6.reasm_count, 1);		/* a new one */

	/* Not a multiple of 8 with more to come: Parameter Problem
	 * pointing at the Payload Length. */
	int pp = S(0)->ip6.icmp.out_type[ICMP6_PARAM_PROB];
	inject_frag(m, 0, 1001, true, 3);
	CHECK_EQ(S(0)->ip6.icmp.out_type[ICMP6_PARAM_PROB], pp + 1);
	CHECK_EQ(mib->InHdrErrors, 1);

	/* The incomplete one times out after 60 s: time exceeded (code
	 * 1) only when the first fragment came (it did not here: the
	 * last fragment of id 2 alone is held). */
	int te = S(0)->ip6.icmp.out_type[ICMP6_TIME_EXCEEDED];
	run(IP6_REASM_TIMEOUT_MS);
	CHECK_EQ(S(0)->ip6.reasm_count, 0);
	CHECK_EQ(mib->ReasmTimeout, 1);
	CHECK_EQ(S(0)->ip6.icmp.out_type[ICMP6_TIME_EXCEEDED], te);
	/* With the first fragment: the sender is told. */
	echo_msg(m, 3000, 4);
	inject_frag(m, 0, 1200, true, 4);
	run(IP6_REASM_TIMEOUT_MS);
	CHECK_EQ(mib->ReasmTimeout, 2);
	CHECK_EQ(S(0)->ip6.icmp.out_type[ICMP6_TIME_EXCEEDED], te + 1);
	CHECK_EQ(S(0)->ip6.reasm_bytes, 0);

	/* An "atomic fragment" (offset 0, no more: RFC 6946) is simply
	 * delivered. */
	echo_msg(m, 64, 5);
	inject_frag(m, 0, 64, false, 5);
	CHECK_EQ(S(0)->ip6.icmp.in_type[ICMP6_ECHO_REQUEST], 2);
	teardown();
}

TEST(test_ip6_reassembly_memory_is_bounded)
{
	setup_up(1, 9);
	static uint8_t m[1400];

	/* Twelve first fragments of different packets: at most eight
	 * are kept, the oldest evicted, and memory stays under the cap. */
	echo_msg(m, 1400, 1);
	for (uint32_t id = 1; id <= 12; id++) {
		inject_frag(m, 0, 1200, true, id);
		CHECK(S(0)->ip6.reasm_count <= IP6_REASM_MAX_DATAGRAMS);
		CHECK(S(0)->ip6.reasm_bytes <= IP6_REASM_MAX_BYTES);
	}
	CHECK_EQ(S(0)->ip6.reasm_count, IP6_REASM_MAX_DATAGRAMS);
	CHECK_EQ(S(0)->ip6.mib.ReasmFails, 12 - IP6_REASM_MAX_DATAGRAMS);
	teardown();
}

/* --- malformed packets ------------------------------------------------------------ */

/* A packet from fe80::9 to dst with payload p (len), next header nh. */
static void inject_raw(const struct ip6_addr *dst, uint8_t nh,
		       const uint8_t *p, size_t len)
{
	static uint8_t f[ETH_FRAME_MAX];

	inject(0, f, frame6(f, 0, peer(), dst, nh, 64, p, len));
}

/* The last Parameter Problem node 0 sent: code and pointer. */
static bool last_param_prob(int since, uint8_t *code, uint32_t *ptr)
{
	for (int i = nwire - 1; i >= since; i--) {
		if (wire_log[i].from == 0 &&
		    icmp6_type(&wire_log[i]) == ICMP6_PARAM_PROB) {
			*code = icmp6_of(&wire_log[i])[1];
			*ptr = get_be32(icmp6_of(&wire_log[i]) + 4);
			return true;
		}
	}
	return false;
}

/* An echo request's 8 bytes after an extension header (checksum left
 * wrong: what matters here is whether ICMPv6 saw it). */
static size_t ext_then_echo(uint8_t *p, uint8_t type, const uint8_t *body,
			    size_t blen)
{
	memcpy(p, body, blen);
	p[0] = IP6_NH_ICMP6;
	memset(p + blen, 0, 8);
	p[blen] = type;
	return blen + 8;
}

TEST(test_ip6_malformed_packets_are_counted_and_answered_as_rfc8200_says)
{
	setup_up(1, 10);
	/* Let node 0 reach fe80::9: its errors must go somewhere. */
	struct ip6_addr ll0 = ll_of(0);
	struct ip6_mib *mib = &S(0)->ip6.mib;
	static uint8_t f[ETH_FRAME_MAX];
	uint8_t p[128];
	size_t len;
	uint8_t code;
	uint32_t ptr;
	int before;

	nd6_learn(S(0), NIF(0), peer(), peer_mac, false);

	/* Version 4 in an IPv6 frame. */
	len = frame6(f, 0, peer(), &ll0, IP6_NH_NONE, 64, p, 0);
	f[ETH_HLEN] = 0x40;
	inject(0, f, len);
	CHECK_EQ(mib->InHdrErrors, 1);
	/* Payload Length past the frame. */
	len = frame6(f, 0, peer(), &ll0, IP6_NH_NONE, 64, p, 8);
	put_be16(f + ETH_HLEN + 4, 9);
	inject(0, f, len);
	CHECK_EQ(mib->InTruncatedPkts, 1);
	/* A multicast source; ::1 from the wire. */
	inject(0, f, frame6(f, 0, &ip6_addr_allnodes, &ll0, IP6_NH_NONE, 64,
			    p, 0));
	inject(0, f, frame6(f, 0, &ip6_addr_loopback, &ll0, IP6_NH_NONE, 64,
			    p, 0));
	CHECK_EQ(mib->InHdrErrors, 3);
	/* Not ours. */
	struct ip6_addr other = A6("fe80::1234");
	inject_raw(&other, IP6_NH_NONE, p, 0);
	CHECK_EQ(mib->InAddrErrors, 1);
	/* No next header: fine, delivered to nobody. */
	inject_raw(&ll0, IP6_NH_NONE, p, 0);
	CHECK_EQ(mib->InDelivers, 1);

	/* An unknown upper layer: Parameter Problem code 1 pointing at
	 * the Next Header field (offset 6). */
	before = nwire;
	memset(p, 0, 16);
	inject_raw(&ll0, 253, p, 16);
	CHECK_EQ(mib->InUnknownProtos, 1);
	CHECK(last_param_prob(before, &code, &ptr));
	CHECK_EQ(code, ICMP6_PARAMPROB_NEXTHEADER);
	CHECK_EQ(ptr, 6);
	const struct wire_rec *w = last_of_type(0, ICMP6_PARAM_PROB);
	CHECK(memcmp(ip6_of(w) + 24, peer()->b, 16) == 0);
	CHECK(memcmp(ip6_of(w) + 8, ll0.b, 16) == 0);
	CHECK_EQ(w->len, ETH_HLEN + IP6_HLEN + 8 + IP6_HLEN + 16);
	/* ...but not when it was sent to a group (RFC 4443 2.4 e.3). */
	before = nwire;
	inject_raw(&ip6_addr_allnodes, 253, p, 16);
	CHECK_EQ(mib->InUnknownProtos, 2);
	CHECK(!last_param_prob(before, &code, &ptr));

	/* Hop-by-hop after a destination options header: unrecognised
	 * Next Header, pointing at the field that names it (40). */
	static const uint8_t pad6[8] = { IP6_NH_HOPOPTS, 0, 1, 4 };
	before = nwire;
	memcpy(p, pad6, 8);
	memcpy(p + 8, pad6, 8);
	p[8] = IP6_NH_NONE;
	inject_raw(&ll0, IP6_NH_DSTOPTS, p, 16);
	CHECK(last_param_prob(before, &code, &ptr));
	CHECK_EQ(code, ICMP6_PARAMPROB_NEXTHEADER);
	CHECK_EQ(ptr, 40);
	CHECK_EQ(mib->InUnknownProtos, 3);

	/* Routing header type 0 with segments left: code 0 at the type
	 * (42); with none left it is skipped. */
	static const uint8_t rh0[8] = { 0, 0, 0, 1 };
	before = nwire;
	len = ext_then_echo(p, ICMP6_ECHO_REQUEST, rh0, 8);
	inject_raw(&ll0, IP6_NH_ROUTING, p, len);
	CHECK(last_param_prob(before, &code, &ptr));
	CHECK_EQ(code, ICMP6_PARAMPROB_HEADER);
	CHECK_EQ(ptr, 42);
	CHECK_EQ(mib->InHdrErrors, 4);
	static const uint8_t rh_done[8] = { 0, 0, 0, 0 };
	uint64_t msgs = S(0)->ip6.icmp.InMsgs;
	len = ext_then_echo(p, ICMP6_ECHO_REQUEST, rh_done, 8);
	inject_raw(&ll0, IP6_NH_ROUTING, p, len);
	CHECK_EQ(S(0)->ip6.icmp.InMsgs, msgs + 1);

	/* Options: unknown 00xxxxxx skipped; 01 dropped silently; 10
	 * Parameter Problem code 2 at the option (even to a group); 11
	 * the same, but not to a group. */
	uint8_t opts[8] = { 0, 0, 0x1e, 4, 0, 0, 0, 0 };
	msgs = S(0)->ip6.icmp.InMsgs;
	len = ext_then_echo(p, ICMP6_ECHO_REQUEST, opts, 8);
	inject_raw(&ll0, IP6_NH_DSTOPTS, p, len);
	CHECK_EQ(S(0)->ip6.icmp.InMsgs, msgs + 1);
	opts[2] = 0x5e;
	before = nwire;
	len = ext_then_echo(p, ICMP6_ECHO_REQUEST, opts, 8);
	inject_raw(&ll0, IP6_NH_DSTOPTS, p, len);
	CHECK_EQ(S(0)->ip6.icmp.InMsgs, msgs + 1);
	CHECK(!last_param_prob(before, &code, &ptr));
	CHECK_EQ(mib->InHdrErrors, 5);
	opts[2] = 0x9e;
	len = ext_then_echo(p, ICMP6_ECHO_REQUEST, opts, 8);
	inject_raw(&ip6_addr_allnodes, IP6_NH_DSTOPTS, p, len);
	CHECK(last_param_prob(before, &code, &ptr));
	CHECK_EQ(code, ICMP6_PARAMPROB_OPTION);
	CHECK_EQ(ptr, 42);
	opts[2] = 0xde;
	before = nwire;
	len = ext_then_echo(p, ICMP6_ECHO_REQUEST, opts, 8);
	inject_raw(&ip6_addr_allnodes, IP6_NH_DSTOPTS, p, len);
	CHECK(!last_param_prob(before, &code, &ptr));
	inject_raw(&ll0, IP6_NH_DSTOPTS, p, len);
	CHECK(last_param_prob(before, &code, &ptr));
	CHECK_EQ(mib->InHdrErrors, 8);
	/* An option running past its header; a header past the packet. */
	opts[2] = 1;
	opts[3] = 9;
	len = ext_then_echo(p, ICMP6_ECHO_REQUEST, opts, 8);
	inject_raw(&ll0, IP6_NH_DSTOPTS, p, len);
	CHECK_EQ(mib->InHdrErrors, 9);
	opts[3] = 4;
	opts[1] = 3;
	len = ext_then_echo(p, ICMP6_ECHO_REQUEST, opts, 8);
	inject_raw(&ll0, IP6_NH_DSTOPTS, p, len);
	CHECK_EQ(mib->InHdrErrors, 10);

	/* Never an error about an ICMPv6 error: an unknown option of
	 * type 10 in front of a destination unreachable. */
	opts[1] = 0;
	opts[2] = 0x9e;
	before = nwire;
	len = ext_then_echo(p, ICMP6_DST_UNREACH, opts, 8);
	inject_raw(&ll0, IP6_NH_DSTOPTS, p, len);
	CHECK(!last_param_prob(before, &code, &ptr));
	CHECK_EQ(mib->InHdrErrors, 11);

	/* A bad ICMPv6 checksum (the echo requests above had them too:
	 * what mattered there was that ICMPv6 saw them). */
	uint64_t csum_errors = S(0)->ip6.icmp.InCsumErrors;
	uint64_t icmp_errors = S(0)->ip6.icmp.InErrors;
	uint8_t echo[8] = { ICMP6_ECHO_REQUEST };
	icmp6_csum(echo, 8, peer(), &ll0);
	echo[7] ^= 1;
	inject_raw(&ll0, IP6_NH_ICMP6, echo, 8);
	CHECK_EQ(S(0)->ip6.icmp.InCsumErrors, csum_errors + 1);
	CHECK_EQ(S(0)->ip6.icmp.InErrors, icmp_errors + 1);
	CHECK_EQ(S(0)->ip6.icmp.in_type[ICMP6_ECHO_REQUEST], 0);
	teardown();
}

TEST(test_ip6_errors_are_rate_limited)
{
	setup_up(1, 11);
	struct ip6_addr ll0 = ll_of(0);
	uint8_t p[16] = { 0 };

	nd6_learn(S(0), NIF(0), peer(), peer_mac, false);
	for (int i = 0; i < 100; i++)
		inject_raw(&ll0, 253, p, sizeof(p));
	CHECK_EQ(S(0)->ip6.mib.InUnknownProtos, 100);
	CHECK_EQ(S(0)->ip6.icmp.out_type[ICMP6_PARAM_PROB], ICMP6_ERR_BURST);
	CHECK_EQ(S(0)->ip6.icmp.OutRateLimitHost, 100 - ICMP6_ERR_BURST);
	/* A token a second comes back. */
	run(ICMP6_ERR_RATE_MS);
	inject_raw(&ll0, 253, p, sizeof(p));
	inject_raw(&ll0, 253, p, sizeof(p));
	CHECK_EQ(S(0)->ip6.icmp.out_type[ICMP6_PARAM_PROB],
		 ICMP6_ERR_BURST + 1);
	teardown();
}

/* --- packets to a tentative address ------------------------------------------------ */

TEST(test_ip6_tentative_address_receives_only_nd)
{
	setup_up(1, 12);
	struct ip6_addr a = A6("2001:db8::1");
	uint8_t echo[8] = { ICMP6_ECHO_REQUEST };

	CHECK_EQ(ip6_addr_add(S(0), NIF(0), &a, 64), 0);
	icmp6_csum(echo, 8, peer(), &a);
	inject_raw(&a, IP6_NH_ICMP6, echo, 8);
	CHECK_EQ(S(0)->ip6.mib.InAddrErrors, 1);
	CHECK_EQ(S(0)->ip6.icmp.InMsgs, 0);
	teardown();
}

/* --- /proc/net/snmp6 ------------------------------------------------------------------ */

TEST(test_ip6_snmp6_prints_linux_format)
{
	setup_up(2, 13);
	struct ip6_addr ll1 = ll_of(1);
	static char buf[8192];
	char small[100];
	size_t n;

	CHECK_EQ(ping(0, &ll1, NIF(0), 1, 8), 0);
	run(5);
	n = ip6_snmp_print(S(0), buf, sizeof(buf));
	CHECK_EQ(n, strlen(buf));
	/* Name padded to 32 columns, a tab, the value. */
	CHECK(strncmp(buf, "Ip6InReceives                   \t", 33) == 0);
	char want[64];
	snprintf(want, sizeof(want), "Ip6InReceives                   \t%llu\n",
		 (unsigned long long)S(0)->ip6.mib.InReceives);
	CHECK(strncmp(buf, want, strlen(want)) == 0);
	CHECK(strstr(buf, "\nIp6InCEPkts                     \t0\n"));
	CHECK(strstr(buf, "\nIcmp6InMsgs                     \t"));
	CHECK(strstr(buf, "\nIcmp6OutRateLimitHost           \t0\n"));
	CHECK(strstr(buf, "\nIcmp6InEchoReplies              \t1\n"));
	CHECK(strstr(buf, "\nIcmp6OutEchos                   \t1\n"));
	CHECK(strstr(buf, "\nIcmp6OutMLDv2Reports            \t0\n"));
	CHECK(strstr(buf, "\nIcmp6InType129                  \t1\n"));
	CHECK(strstr(buf, "\nIcmp6OutType128                 \t1\n"));
	CHECK(strstr(buf, "\nIcmp6OutType135                 \t"));
	CHECK(!strstr(buf, "Icmp6InType1 "));	/* zero: not listed */
	CHECK(strstr(buf, "\nKiteNd6QueueDrops               \t0\n"));
	/* Every line has the same shape. */
	int lines = 0;
	for (char *l = buf; *l; lines++) {
		char *nl = strchr(l, '\n');
		CHECK(nl && nl - l > 33 && l[32] == '\t');
		l = nl + 1;
	}
	CHECK(lines > 60);
	/* A short buffer: snprintf's contract. */
	CHECK_EQ(ip6_snmp_print(S(0), small, sizeof(small)), n);
	CHECK_EQ(strlen(small), sizeof(small) - 1);
	CHECK_EQ(ip6_snmp_print(S(0), NULL, 0), n);
	teardown();
}


/* --- Ethernet and the poll ---------------------------------------------------------- */

TEST(test_ip6_ethernet_accepts_only_joined_groups)
{
	setup_up(1, 14);
	struct ip6_addr ll0 = ll_of(0), sn, other = A6("ff02::1:ff00:99");
	static uint8_t f[ETH_FRAME_MAX];
	uint64_t foreign = S(0)->mib.link.EthInForeign;
	size_t len;

	/* ff02::1 and our solicited-node group: in. */
	ip6_addr_solicited_node(&sn, &ll0);
	inject(0, f, frame6(f, 0, peer(), &ip6_addr_allnodes, IP6_NH_NONE, 64,
			    NULL, 0));
	inject(0, f, frame6(f, 0, peer(), &sn, IP6_NH_NONE, 64, NULL, 0));
	CHECK_EQ(S(0)->ip6.mib.InMcastPkts, 2);
	/* Another solicited-node group, ff02::2 (we are no router):
	 * foreign, as a unicast frame for another MAC. */
	inject(0, f, frame6(f, 0, peer(), &other, IP6_NH_NONE, 64, NULL, 0));
	inject(0, f, frame6(f, 0, peer(), &ip6_addr_allrouters, IP6_NH_NONE,
			    64, NULL, 0));
	CHECK_EQ(S(0)->mib.link.EthInForeign, foreign + 2);
	CHECK_EQ(S(0)->ip6.mib.InReceives, 2);
	/* The right MAC with the wrong group inside: the IP layer's. */
	len = frame6(f, 0, peer(), &other, IP6_NH_NONE, 64, NULL, 0);
	memcpy(f, (uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, 6);
	inject(0, f, len);
	CHECK_EQ(S(0)->ip6.mib.InAddrErrors, 1);
	teardown();
}

TEST(test_ip6_poll_deadlines_follow_the_timers_and_idle_means_never)
{
	setup(1, 15, true);
	struct ip6_addr ll0 = ll_of(0);
	struct ip6_ifaddr *ifa = ip6_ifaddr_find(NIF(0), &ll0);

	/* The first deadline is DAD's first step. */
	CHECK_EQ(net_poll(S(0), sim.now), ifa->dad_at);
	run(2100);
	/* DAD done, then three router solicitations: after them, with
	 * no traffic, nothing is due, ever. */
	run(3 * ND6_RTR_SOLICIT_MS);
	CHECK_EQ(count_type(0, 0, ND_ROUTER_SOLICIT), ND6_RTR_SOLICITS);
	CHECK_EQ(net_poll(S(0), sim.now), NET_NEVER);
	/* And an idle poll walks nothing: the armed deadline is kept. */
	CHECK_EQ(S(0)->ip6.next_timer, NET_NEVER);
	teardown();
}

int main(void)
{
	RUN(test_ip6_stacks_without_ip6_enable_stay_silent);
	RUN(test_ip6_echo_between_link_local_addresses);
	RUN(test_ip6_echo_to_all_nodes_is_answered_from_a_unicast_address);
	RUN(test_ip6_loopback_echo_to_own_addresses_stays_off_the_wire);
	RUN(test_ip6_no_route_and_no_source_are_reported);
	RUN(test_ip6_source_selection_prefers_scope_then_preferred_then_prefix);
	RUN(test_ip6_fragmented_4000_byte_echo_over_1280_path_after_packet_too_big);
	RUN(test_ip6_reassembly_in_any_order_and_rfc5722_overlaps);
	RUN(test_ip6_reassembly_memory_is_bounded);
	RUN(test_ip6_malformed_packets_are_counted_and_answered_as_rfc8200_says);
	RUN(test_ip6_errors_are_rate_limited);
	RUN(test_ip6_tentative_address_receives_only_nd);
	RUN(test_ip6_snmp6_prints_linux_format);
	RUN(test_ip6_ethernet_accepts_only_joined_groups);
	RUN(test_ip6_poll_deadlines_follow_the_timers_and_idle_means_never);
	TEST_EXIT();
}
