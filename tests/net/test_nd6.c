/*
 * Neighbor Discovery and address configuration over the simulated link
 * (net/nd6.c, net/nd6_router.c, net/ip6_addrconf.c): duplicate address
 * detection, address resolution with its pending queue, NUD, router
 * advertisements and SLAAC, and the validity checks of RFC 4861 7.1.
 * Whole stacks in virtual time (tests/net/sim.c).
 */
#include "tests/net/ip6_harness.h"

/* --- duplicate address detection -------------------------------------------- */

TEST(test_nd6_link_local_dad_completes_then_routers_are_solicited)
{
	setup(2, 11, true);
	struct ip6_addr ll0 = ll_of(0), sn;
	struct ip6_ifaddr *ifa = ip6_ifaddr_find(NIF(0), &ll0);

	CHECK(ifa != NULL);
	CHECK_EQ(ifa->source, IP6_IFA_LINKLOCAL);
	CHECK_EQ(ifa->plen, 64);
	CHECK(ifa->flags & IP6_IFA_TENTATIVE);
	/* Tentative: never a source address. */
	struct ip6_addr src;
	CHECK_EQ(ip6_route_source(S(0), &ip6_addr_allnodes, NIF(0), &src),
		 -EADDRNOTAVAIL);

	/* One NS from :: to the solicited-node group within the random
	 * delay (< 1 s), no link-layer option; usable 1 s later. */
	run(1000);
	CHECK_EQ(count_type(0, 0, ND_NEIGHBOR_SOLICIT), 1);
	const struct wire_rec *ns = last_of_type(0, ND_NEIGHBOR_SOLICIT);
	CHECK(ip6_addr_is_unspecified((const struct ip6_addr *)(ip6_of(ns) + 8)));
	ip6_addr_solicited_node(&sn, &ll0);
	CHECK(memcmp(ip6_of(ns) + 24, sn.b, 16) == 0);
	CHECK_EQ(ip6_of(ns)[7], 255);
	CHECK_EQ(ns->len, ETH_HLEN + IP6_HLEN + 24); /* no option */
	CHECK(memcmp(icmp6_of(ns) + 8, ll0.b, 16) == 0);
	CHECK(ns->f[0] == 0x33 && ns->f[1] == 0x33 && ns->f[2] == 0xff);
	CHECK(ifa->flags & IP6_IFA_TENTATIVE);
	CHECK_EQ(count_type(0, 0, ND_ROUTER_SOLICIT), 0);

	run(1000);
	CHECK(usable(ifa));
	CHECK_EQ(ip6_route_source(S(0), &ip6_addr_allnodes, NIF(0), &src), 0);
	CHECK(ip6_addr_eq(&src, &ll0));
	/* RFC 4861 6.3.7: then a router solicitation from it, with our
	 * MAC, to ff02::2; three, 4 s apart, and no more. */
	CHECK_EQ(count_type(0, 0, ND_ROUTER_SOLICIT), 1);
	const struct wire_rec *rs = last_of_type(0, ND_ROUTER_SOLICIT);
	CHECK(memcmp(ip6_of(rs) + 8, ll0.b, 16) == 0);
	CHECK(memcmp(ip6_of(rs) + 24, ip6_addr_allrouters.b, 16) == 0);
	CHECK_EQ(icmp6_of(rs)[8], 1);			/* SLLA */
	CHECK(memcmp(icmp6_of(rs) + 10, sim.node[0].dev.mac, 6) == 0);
	/* Sent as soon as DAD was over. */
	CHECK_EQ(rs->at, ns->at + 1000);
	run(rs->at + 3999 - sim.now);
	CHECK_EQ(count_type(0, 0, ND_ROUTER_SOLICIT), 1);
	run(1);
	CHECK_EQ(count_type(0, 0, ND_ROUTER_SOLICIT), 2);
	run(60000);
	CHECK_EQ(count_type(0, 0, ND_ROUTER_SOLICIT), 3);
	/* Nothing else was said; nobody learnt or conflicted. */
	CHECK_EQ(count_type(0, 0, ND_NEIGHBOR_SOLICIT), 1);
	CHECK_EQ(count_type(0, -1, ND_NEIGHBOR_ADVERT), 0);
	CHECK_EQ(S(0)->ip6.nd_mib.DadFailed + S(1)->ip6.nd_mib.DadFailed, 0);
	CHECK_EQ(S(0)->ip6.icmp.InErrors + S(1)->ip6.icmp.InErrors, 0);
	teardown();
}

TEST(test_nd6_duplicate_static_address_detected_by_newcomer_and_defended)
{
	setup_up(2, 12);
	struct ip6_addr a = A6("2001:db8::1");
	int before;

	CHECK_EQ(ip6_addr_add(S(0), NIF(0), &a, 64), 0);
	CHECK_EQ(ip6_addr_add(S(0), NIF(0), &a, 64), -EEXIST);
	run(2100);
	CHECK(usable(ifa_of(0, "2001:db8::1")));

	/* Node 1 wants it too: its DAD NS reaches node 0, which defends
	 * with an NA to all nodes (not solicited, override). */
	before = nwire;
	port_host_log_count = 0;
	CHECK_EQ(ip6_addr_add(S(1), NIF(1), &a, 64), 0);
	run(2100);
	CHECK_EQ(count_type(before, 0, ND_NEIGHBOR_ADVERT), 1);
	const struct wire_rec *na = last_of_type(0, ND_NEIGHBOR_ADVERT);
	CHECK(memcmp(ip6_of(na) + 24, ip6_addr_allnodes.b, 16) == 0);
	CHECK_EQ(icmp6_of(na)[4], 0x20);		/* O, not S, not R */
	CHECK(memcmp(icmp6_of(na) + 8, a.b, 16) == 0);

	struct ip6_ifaddr *dup = ifa_of(1, "2001:db8::1");
	CHECK(dup && (dup->flags & IP6_IFA_DADFAILED));
	CHECK(dup->flags & IP6_IFA_TENTATIVE);	/* never usable */
	CHECK_EQ(S(1)->ip6.nd_mib.DadFailed, 1);
	CHECK(strcmp(port_host_last_log,
		     "IPv6: eth0: IPv6 duplicate address 2001:db8::1 used by "
		     "02:00:00:00:00:01 detected!") == 0);
	CHECK_EQ(port_host_log_count, 1);
	/* The holder keeps it, unharmed. */
	CHECK(usable(ifa_of(0, "2001:db8::1")));
	CHECK_EQ(S(0)->ip6.nd_mib.DadFailed, 0);
	/* Node 1 never uses it: the source for the prefix is its
	 * link-local address, not the duplicate. */
	struct ip6_addr src, peer = A6("2001:db8::5");
	CHECK_EQ(ip6_route_source(S(1), &peer, NULL, &src), 0);
	CHECK(ip6_addr_is_linklocal(&src));
	/* And does not answer for it: node 0 resolving it sees nothing
	 * from node 1 (its NS for its own address goes unanswered). */
	CHECK_EQ(count_type(before, 1, ND_NEIGHBOR_ADVERT), 0);
	teardown();
}

TEST(test_nd6_concurrent_dad_first_prober_keeps_the_address)
{
	setup_up(2, 13);
	struct ip6_addr a = A6("2001:db8::7");

	/* Both start DAD together. The first NS reaches the other while
	 * its address is tentative (RFC 4862 5.4.3): that one gives up
	 * before it probes, and the first keeps the address. */
	CHECK_EQ(ip6_addr_add(S(0), NIF(0), &a, 64), 0);
	CHECK_EQ(ip6_addr_add(S(1), NIF(1), &a, 64), 0);
	struct ip6_ifaddr *i0 = ifa_of(0, "2001:db8::7");
	struct ip6_ifaddr *i1 = ifa_of(1, "2001:db8::7");
	int first = i0->dad_at <= i1->dad_at ? 0 : 1;
	run(2100);
	CHECK(usable(first == 0 ? i0 : i1));
	CHECK((first == 0 ? i1 : i0)->flags & IP6_IFA_DADFAILED);
	CHECK_EQ(S(0)->ip6.nd_mib.DadFailed + S(1)->ip6.nd_mib.DadFailed, 1);
	teardown();
}

TEST(test_nd6_crossing_dad_probes_fail_on_both_sides)
{
	setup_up(2, 14);
	struct ip6_addr a = A6("2001:db8::7");

	/* Their probes cross on a slow link: each sees the other's NS
	 * while tentative, and both give the address up. */
	sim.impair.delay_ms = 10;
	CHECK_EQ(ip6_addr_add(S(0), NIF(0), &a, 64), 0);
	CHECK_EQ(ip6_addr_add(S(1), NIF(1), &a, 64), 0);
	/* Both probe at node 0's moment: node 1's deadline moves, and so
	 * does the poll time its stack and the simulation keep. */
	ifa_of(1, "2001:db8::7")->dad_at = ifa_of(0, "2001:db8::7")->dad_at;
	ip6_timer_arm(S(1), ifa_of(1, "2001:db8::7")->dad_at);
	sim.node[1].next_poll = sim.now;
	run(2100);
	CHECK(ifa_of(0, "2001:db8::7")->flags & IP6_IFA_DADFAILED);
	CHECK(ifa_of(1, "2001:db8::7")->flags & IP6_IFA_DADFAILED);
	CHECK_EQ(S(0)->ip6.nd_mib.DadFailed, 1);
	CHECK_EQ(S(1)->ip6.nd_mib.DadFailed, 1);
	/* Removing it takes its group and route with it. */
	struct ip6_addr sn;
	ip6_addr_solicited_node(&sn, &a);
	CHECK(ip6_mc_joined(NIF(0), &sn));
	CHECK_EQ(ip6_addr_del(S(0), NIF(0), &a), 0);
	CHECK(!ip6_mc_joined(NIF(0), &sn));
	CHECK_EQ(ip6_addr_del(S(0), NIF(0), &a), -EADDRNOTAVAIL);
	struct ip6_addr peer = A6("2001:db8::5");
	CHECK(route6_lookup(&S(0)->ip6.routes, &peer, NULL, NULL, NULL) == NULL);
	teardown();
}

/* --- address resolution and its queue ---------------------------------------- */

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

static int ns_for(int since, int from, const struct ip6_addr *target,
		  bool multicast)
{
	int n = 0;

	for (int i = since; i < nwire; i++) {
		const struct wire_rec *w = &wire_log[i];

		if (w->from == from && icmp6_type(w) == ND_NEIGHBOR_SOLICIT &&
		    memcmp(icmp6_of(w) + 8, target->b, 16) == 0 &&
		    (w->f[0] == 0x33) == multicast)
			n++;
	}
	return n;
}

TEST(test_nd6_silent_neighbour_queue_bounded_and_does_not_block_others)
{
	setup_global(21);
	struct ip6_addr silent = A6("2001:db8::99"), a1 = A6("2001:db8::2");
	struct ip6_state *st = &S(0)->ip6;
	int before = nwire;
	uint64_t t0 = sim.now;

	/* Ten packets for a host that never answers: it holds at most
	 * ND6_PENDING_PER_NEIGH of the queue, its oldest dropped. */
	for (int i = 0; i < 10; i++)
		CHECK_EQ(ping(0, &silent, NULL, (uint16_t)i, 16), 0);
	CHECK_EQ(st->nd.pending.len, ND6_PENDING_PER_NEIGH);
	CHECK_EQ(st->nd_mib.QueueDrops, 10 - ND6_PENDING_PER_NEIGH);
	struct nd6_entry *e = nd6_lookup(S(0), NIF(0), &silent);
	CHECK(e && e->state == ND6_INCOMPLETE);
	CHECK_EQ(ns_for(before, 0, &silent, true), 1);	/* not ten */

	/* The live neighbour is resolved and answered at once. */
	CHECK_EQ(ping(0, &a1, NULL, 1, 16), 0);
	run(5);
	CHECK_EQ(nechoes, 1);
	CHECK(ip6_addr_eq(&echoes[0].src, &a1));
	CHECK(echoes[0].data_ok);
	CHECK_EQ(nd6_lookup(S(0), NIF(0), &a1)->state, ND6_REACHABLE);
	CHECK_EQ(st->nd.pending.len, ND6_PENDING_PER_NEIGH);

	/* The silent one: three multicast NS a second apart, then
	 * FAILED; its packets dropped, each sender told (address
	 * unreachable, over lo). */
	run(3 * ND6_RETRANS_MS + 100);
	CHECK_EQ(ns_for(before, 0, &silent, true), ND6_MAX_MCAST_SOLICIT);
	CHECK_EQ(e->state, ND6_FAILED);
	CHECK(sim.now - t0 < 3 * ND6_RETRANS_MS + 200);
	CHECK_EQ(st->nd.pending.len, 0);
	CHECK_EQ(st->nd_mib.QueueDrops, 10);
	CHECK_EQ(st->nd_mib.ResolveFailed, 1);
	CHECK_EQ(nerrs, ND6_PENDING_PER_NEIGH);
	CHECK_EQ(errs[0].type, ICMP6_DST_UNREACH);
	CHECK_EQ(errs[0].code, ICMP6_DST_UNREACH_ADDR);
	CHECK_EQ(errs[0].err, -EHOSTUNREACH);
	CHECK_EQ(errs[0].proto, IP6_NH_ICMP6);
	CHECK(ip6_addr_eq(&errs[0].dst, &silent));

	/* New traffic tries again from the start (as Linux). */
	before = nwire;
	CHECK_EQ(ping(0, &silent, NULL, 11, 16), 0);
	CHECK_EQ(e->state, ND6_INCOMPLETE);
	CHECK_EQ(ns_for(before, 0, &silent, true), 1);
	run(5000);
	teardown();
}

TEST(test_nd6_pending_queue_bounded_across_neighbours)
{
	setup_global(22);
	struct ip6_state *st = &S(0)->ip6;
	char text[32];

	/* Five silent neighbours with eight packets each: 40 > 32. */
	for (int n = 0; n < 5; n++) {
		snprintf(text, sizeof(text), "2001:db8::%x", 0x90 + n);
		struct ip6_addr a = A6(text);

		for (int i = 0; i < 8; i++)
			CHECK_EQ(ping(0, &a, NULL, (uint16_t)i, 8), 0);
	}
	CHECK_EQ(st->nd.pending.len, ND6_PENDING_MAX);
	CHECK_EQ(st->nd_mib.QueueDrops, 40 - ND6_PENDING_MAX);
	/* The oldest went: the first neighbour has none left. */
	struct ip6_addr first = A6("2001:db8::90");
	uint32_t idx = (uint32_t)(nd6_lookup(S(0), NIF(0), &first) -
				  st->nd.entry);
	for (struct pkt *p = st->nd.pending.head; p; p = p->next)
		CHECK(p->addr != idx);
	run(5000);
	CHECK_EQ(st->nd.pending.len, 0);
	CHECK_EQ(st->nd_mib.QueueDrops, 40);
	CHECK_EQ(st->nd_mib.ResolveFailed, 5);
	teardown();
}

/* --- neighbour unreachability detection ---------------------------------------- */

static bool drop_from_1;

static bool filter_node1(struct sim *sm, int from, const uint8_t *f,
			 unsigned len)
{
	(void)sm;
	(void)f;
	(void)len;
	return drop_from_1 && from == 1;
}

TEST(test_nd6_nud_stale_delay_probe_then_reachable_or_failed)
{
	setup_up(2, 23);
	struct ip6_addr ll0 = ll_of(0), ll1 = ll_of(1);
	struct nd6_entry *e0, *e1;
	int before;

	CHECK_EQ(ping(0, &ll1, NIF(0), 1, 8), 0);
	run(5);
	CHECK_EQ(nechoes, 1);
	/* Node 0 asked and got a solicited NA: REACHABLE. Node 1 learnt
	 * node 0 from the NS (STALE), then sent to it: DELAY. */
	e0 = nd6_lookup(S(0), NIF(0), &ll1);
	e1 = nd6_lookup(S(1), NIF(1), &ll0);
	CHECK(e0 && e0->state == ND6_REACHABLE);
	CHECK(e1 && e1->state == ND6_DELAY);
	CHECK(memcmp(e0->mac, sim.node[1].dev.mac, 6) == 0);

	/* DELAY_FIRST_PROBE_TIME later node 1 probes, unicast, and node 0
	 * answers: REACHABLE. */
	before = nwire;
	run(ND6_DELAY_MS);
	CHECK_EQ(ns_for(before, 1, &ll0, false), 1);
	CHECK_EQ(e1->state, ND6_REACHABLE);
	CHECK_EQ(e1->probes, 0);

	/* The reachable time (at most 1.5 x 30 s) runs out: STALE. */
	run(ND6_REACHABLE_MS * 3 / 2);
	CHECK_EQ(e0->state, ND6_STALE);
	CHECK_EQ(e1->state, ND6_STALE);

	/* A packet to a STALE neighbour goes at once and starts NUD. */
	CHECK_EQ(ping(0, &ll1, NIF(0), 2, 8), 0);
	CHECK_EQ(e0->state, ND6_DELAY);
	run(5);
	CHECK_EQ(nechoes, 2);

	/* Now node 1 goes silent: DELAY, PROBE (three unicast NS, a
	 * second apart), FAILED. */
	drop_from_1 = true;
	sim.filter = filter_node1;
	before = nwire;
	run(ND6_DELAY_MS);
	CHECK_EQ(e0->state, ND6_PROBE);
	CHECK_EQ(ns_for(before, 0, &ll1, false), 1);
	run(2 * ND6_RETRANS_MS);
	CHECK_EQ(e0->state, ND6_PROBE);
	CHECK_EQ(ns_for(before, 0, &ll1, false), ND6_MAX_UCAST_SOLICIT);
	run(ND6_RETRANS_MS);
	CHECK_EQ(e0->state, ND6_FAILED);
	CHECK_EQ(S(0)->ip6.nd_mib.ResolveFailed, 1);
	CHECK_EQ(ns_for(before, 0, &ll1, true), 0);
	drop_from_1 = false;
	sim.filter = NULL;
	teardown();
}

/* --- router advertisements and SLAAC ------------------------------------------- */

static const struct ip6_addr *router_ll(void)
{
	static struct ip6_addr r;

	r = A6("fe80::1");
	return &r;
}

/* An RA from fe80::1 (MAC peer_mac) to all nodes: router lifetime,
 * an MTU option (0: none), and a prefix option for 2001:db8:1::/64
 * with flags (0xc0: on-link, autonomous) and lifetimes. */
static void inject_ra(uint16_t lifetime, uint32_t mtu, uint8_t pflags,
		      uint32_t valid, uint32_t preferred)
{
	uint8_t m[16 + 8 + 8 + 32] = { 0 };
	size_t len = 16;

	m[0] = ND_ROUTER_ADVERT;
	m[4] = 64;
	put_be16(m + 6, lifetime);
	m[len] = 1;			/* source link-layer address */
	m[len + 1] = 1;
	memcpy(m + len + 2, peer_mac, 6);
	len += 8;
	if (mtu) {
		m[len] = 5;
		m[len + 1] = 1;
		put_be32(m + len + 4, mtu);
		len += 8;
	}
	if (pflags) {
		struct ip6_addr p = A6("2001:db8:1::");

		m[len] = 3;
		m[len + 1] = 4;
		m[len + 2] = 64;
		m[len + 3] = pflags;
		put_be32(m + len + 4, valid);
		put_be32(m + len + 8, preferred);
		memcpy(m + len + 16, p.b, 16);
		len += 32;
	}
	inject_icmp6(0, router_ll(), &ip6_addr_allnodes, 255, m, len);
}

TEST(test_nd6_router_advertisement_gives_slaac_address_default_route_and_mtu)
{
	setup_up(1, 24);
	struct ip6_addr slaac = A6("2001:db8:1::ff:fe00:1");
	struct ip6_addr far = A6("2001:db8:99::1"), near = A6("2001:db8:1::5");
	const struct route6 *r;
	struct ip6_ifaddr *ifa;
	struct nd6_entry *e;
	int rs;

	rs = count_type(0, 0, ND_ROUTER_SOLICIT);
	CHECK_EQ(rs, 1);
	inject_ra(1800, 1400, 0xc0, 86400, 14400);

	/* Default router, with the router lifetime. */
	r = route6_lookup(&S(0)->ip6.routes, &far, NULL, NULL, NULL);
	CHECK(r && r->plen == 0 && ip6_addr_eq(&r->gw, router_ll()));
	CHECK_EQ(r->proto, ROUTE6_RA);
	CHECK_EQ(r->metric, ROUTE6_METRIC_DEFAULT);
	CHECK_EQ(r->expires, sim.now + 1800 * 1000ull);
	/* The on-link prefix. */
	r = route6_lookup(&S(0)->ip6.routes, &near, NULL, NULL, NULL);
	CHECK(r && r->plen == 64 && ip6_addr_is_unspecified(&r->gw));
	CHECK_EQ(r->expires, sim.now + 86400 * 1000ull);
	/* The router's MAC, as a router. */
	e = nd6_lookup(S(0), NIF(0), router_ll());
	CHECK(e && e->state == ND6_STALE && e->router);
	CHECK(memcmp(e->mac, peer_mac, 6) == 0);
	CHECK_EQ(NIF(0)->ip6.mtu, 1400);
	/* SLAAC: prefix + EUI-64, tentative, then usable. */
	ifa = ip6_ifaddr_find(NIF(0), &slaac);
	CHECK(ifa && ifa->source == IP6_IFA_SLAAC && ifa->plen == 64);
	CHECK(ifa->flags & IP6_IFA_TENTATIVE);
	CHECK_EQ(ifa->valid_until, sim.now + 86400 * 1000ull);
	CHECK_EQ(ifa->preferred_until, sim.now + 14400 * 1000ull);
	run(2100);
	CHECK(usable(ifa));
	/* No more solicitations once a router spoke. */
	run(20000);
	CHECK_EQ(count_type(0, 0, ND_ROUTER_SOLICIT), rs);

	/* Off-link traffic goes to the router's MAC, from the SLAAC
	 * address, and is fragmented to the advertised MTU. */
	int before = nwire;
	CHECK_EQ(ping(0, &far, NULL, 1, 3000), 0);
	CHECK_EQ(nwire - before, 3);
	for (int i = before; i < nwire; i++) {
		CHECK(memcmp(wire_log[i].f, peer_mac, 6) == 0);
		CHECK(memcmp(ip6_of(&wire_log[i]) + 8, slaac.b, 16) == 0);
		CHECK(memcmp(ip6_of(&wire_log[i]) + 24, far.b, 16) == 0);
		CHECK(wire_log[i].len <= ETH_HLEN + 1400);
	}

	/* RFC 4862 5.5.3 (e): a shorter valid lifetime only down to two
	 * hours; a longer one is taken. */
	inject_ra(1800, 0, 0x40, 60, 60);
	CHECK_EQ(ifa->valid_until, sim.now + IP6_TWO_HOURS_MS);
	CHECK_EQ(ifa->preferred_until, sim.now + 60000);
	inject_ra(1800, 0, 0x40, 3 * 3600, 60);
	CHECK_EQ(ifa->valid_until, sim.now + 3 * 3600 * 1000ull);
	/* Preferred lifetime over: deprecated, still there. */
	run(61000);
	CHECK(ifa->flags & IP6_IFA_DEPRECATED);
	/* Router lifetime 0: no longer a default router. */
	inject_ra(0, 0, 0, 0, 0);
	CHECK(route6_lookup(&S(0)->ip6.routes, &far, NULL, NULL, NULL) ==
	      NULL);
	/* The valid lifetime runs out: the address goes, and the
	 * on-link prefix when its own lifetime does. */
	run(3 * 3600 * 1000ull);
	CHECK(ip6_ifaddr_find(NIF(0), &slaac) == NULL);
	run(86400 * 1000ull);
	CHECK(route6_lookup(&S(0)->ip6.routes, &near, NULL, NULL, NULL) ==
	      NULL);
	CHECK_EQ(S(0)->ip6.icmp.InErrors, 0);
	teardown();
}

TEST(test_nd6_router_advertisement_ignores_what_it_must)
{
	setup_up(1, 25);
	struct ip6_addr far = A6("2001:db8:99::1");

	/* Not from a link-local address: invalid (RFC 4861 6.1.2). */
	uint8_t m[16] = { ND_ROUTER_ADVERT, 0, 0, 0, 64, 0, 0x07, 0x08 };
	struct ip6_addr global = A6("2001:db8::1");
	inject_icmp6(0, &global, &ip6_addr_allnodes, 255, m, sizeof(m));
	CHECK_EQ(S(0)->ip6.icmp.InErrors, 1);
	/* Hop limit not 255: a router elsewhere forwarded it. */
	inject_icmp6(0, router_ll(), &ip6_addr_allnodes, 254, m, sizeof(m));
	CHECK_EQ(S(0)->ip6.icmp.InErrors, 2);
	CHECK(route6_lookup(&S(0)->ip6.routes, &far, NULL, NULL, NULL) ==
	      NULL);
	/* A prefix that is link-local, or not a /64 for SLAAC, or with
	 * preferred > valid: no address. An MTU below 1280: ignored. */
	inject_ra(0, 1000, 0xc0, 100, 200);
	CHECK_EQ(NIF(0)->ip6.mtu, 1500);
	int addrs = 0;
	for (int i = 0; i < IP6_IF_ADDRS; i++)
		addrs += NIF(0)->ip6.addr[i].source != IP6_IFA_NONE;
	CHECK_EQ(addrs, 1);
	CHECK_EQ(S(0)->ip6.icmp.InErrors, 2);
	teardown();
}

/* --- validity checks (RFC 4861 7.1) -------------------------------------------- */

/* An NS from the peer fe80::9 for target, SLLA unless dad. */
static size_t build_ns(uint8_t *m, const struct ip6_addr *target, bool slla)
{
	memset(m, 0, 32);
	m[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(m + 8, target->b, 16);
	if (!slla)
		return 24;
	m[24] = 1;
	m[25] = 1;
	memcpy(m + 26, peer_mac, 6);
	return 32;
}

TEST(test_nd6_invalid_solicitations_and_advertisements_are_counted_and_ignored)
{
	setup_up(1, 26);
	struct ip6_addr ll0 = ll_of(0), peer = A6("fe80::9"), sn;
	struct icmp6_mib *mib = &S(0)->ip6.icmp;
	uint8_t m[64];
	size_t len;
	int before = nwire;

	ip6_addr_solicited_node(&sn, &ll0);
	/* Hop limit 64: from beyond a router. */
	len = build_ns(m, &ll0, true);
	inject_icmp6(0, &peer, &sn, 64, m, len);
	CHECK_EQ(mib->InErrors, 1);
	/* Code 1. */
	len = build_ns(m, &ll0, true);
	m[1] = 1;
	inject_icmp6(0, &peer, &sn, 255, m, len);
	CHECK_EQ(mib->InErrors, 2);
	/* Target multicast. */
	len = build_ns(m, &ip6_addr_allnodes, true);
	inject_icmp6(0, &peer, &sn, 255, m, len);
	CHECK_EQ(mib->InErrors, 3);
	/* Shorter than 24 bytes. */
	len = build_ns(m, &ll0, false);
	inject_icmp6(0, &peer, &sn, 255, m, 20);
	CHECK_EQ(mib->InErrors, 4);
	/* An option of length 0. */
	len = build_ns(m, &ll0, true);
	m[25] = 0;
	inject_icmp6(0, &peer, &sn, 255, m, len);
	CHECK_EQ(mib->InErrors, 5);
	/* DAD (from ::) with a link-layer option, or not to the
	 * solicited-node group. */
	len = build_ns(m, &ll0, true);
	inject_icmp6(0, &ip6_addr_any, &sn, 255, m, len);
	CHECK_EQ(mib->InErrors, 6);
	len = build_ns(m, &ll0, false);
	inject_icmp6(0, &ip6_addr_any, &ip6_addr_allnodes, 255, m, len);
	CHECK_EQ(mib->InErrors, 7);
	/* An NA to a group with the solicited flag. */
	len = build_ns(m, &peer, false);
	m[0] = ND_NEIGHBOR_ADVERT;
	m[4] = 0x40;
	inject_icmp6(0, &peer, &ip6_addr_allnodes, 255, m, len);
	CHECK_EQ(mib->InErrors, 8);
	/* None of them was answered or learnt from. */
	CHECK_EQ(nwire, before);
	CHECK(nd6_lookup(S(0), NIF(0), &peer) == NULL);

	/* For another address: ignored, not an error. */
	struct ip6_addr other = A6("fe80::77");
	len = build_ns(m, &other, true);
	inject_icmp6(0, &peer, &sn, 255, m, len);
	CHECK_EQ(nwire, before);
	CHECK_EQ(mib->InErrors, 8);
	/* Redirects are counted and ignored. */
	memset(m, 0, 40);
	m[0] = ND_REDIRECT;
	inject_icmp6(0, &peer, &ll0, 255, m, 40);
	CHECK_EQ(S(0)->ip6.nd_mib.RedirectsIgnored, 1);

	/* A valid one is answered: solicited, override, our MAC, and the
	 * asker learnt (STALE, then DELAY: the NA went to it). */
	len = build_ns(m, &ll0, true);
	inject_icmp6(0, &peer, &sn, 255, m, len);
	CHECK_EQ(nwire, before + 1);
	const struct wire_rec *na = &wire_log[before];
	CHECK_EQ(icmp6_type(na), ND_NEIGHBOR_ADVERT);
	CHECK_EQ(icmp6_of(na)[4], 0x60);
	CHECK_EQ(ip6_of(na)[7], 255);
	CHECK(memcmp(ip6_of(na) + 8, ll0.b, 16) == 0);
	CHECK(memcmp(ip6_of(na) + 24, peer.b, 16) == 0);
	CHECK(memcmp(na->f, peer_mac, 6) == 0);
	CHECK_EQ(icmp6_of(na)[24], 2);			/* TLLA */
	CHECK(memcmp(icmp6_of(na) + 26, sim.node[0].dev.mac, 6) == 0);
	CHECK_EQ(nd6_lookup(S(0), NIF(0), &peer)->state, ND6_DELAY);
	CHECK_EQ(mib->InErrors, 8);
	CHECK_EQ(mib->in_type[ND_NEIGHBOR_SOLICIT], 9);
	teardown();
}

TEST(test_nd6_advertisement_override_rules)
{
	setup_up(1, 27);
	struct ip6_addr peer = A6("fe80::9");
	static const uint8_t other_mac[6] = { 0x02, 0, 0, 0, 0, 0x0a };
	uint8_t m[32];
	struct nd6_entry *e;

	/* Resolve the peer: INCOMPLETE, then a solicited NA. */
	CHECK_EQ(ping(0, &peer, NIF(0), 1, 8), 0);
	e = nd6_lookup(S(0), NIF(0), &peer);
	CHECK(e && e->state == ND6_INCOMPLETE);
	memset(m, 0, sizeof(m));
	m[0] = ND_NEIGHBOR_ADVERT;
	m[4] = 0x40 | 0x20;
	memcpy(m + 8, peer.b, 16);
	m[24] = 2;
	m[25] = 1;
	memcpy(m + 26, peer_mac, 6);
	struct ip6_addr ll0 = ll_of(0);
	inject_icmp6(0, &peer, &ll0, 255, m, 32);
	CHECK_EQ(e->state, ND6_REACHABLE);
	CHECK_EQ(S(0)->ip6.nd.pending.len, 0);

	/* Another MAC without override: only doubt (STALE), keep it. */
	m[4] = 0x40;
	memcpy(m + 26, other_mac, 6);
	inject_icmp6(0, &peer, &ll0, 255, m, 32);
	CHECK_EQ(e->state, ND6_STALE);
	CHECK(memcmp(e->mac, peer_mac, 6) == 0);
	/* With override, unsolicited: take it, STALE. */
	m[4] = 0x20;
	inject_icmp6(0, &peer, &ll0, 255, m, 32);
	CHECK_EQ(e->state, ND6_STALE);
	CHECK(memcmp(e->mac, other_mac, 6) == 0);
	/* Router flag: set, then cleared, which drops the router. */
	struct ip6_addr far = A6("2001:db8:99::1");
	route6_add(&S(0)->ip6.routes, &ip6_addr_any, 0, &peer, NIF(0),
		   ROUTE6_METRIC_DEFAULT, ROUTE6_RA, NET_NEVER);
	m[4] = 0x80 | 0x40 | 0x20;
	inject_icmp6(0, &peer, &ll0, 255, m, 32);
	CHECK(e->router);
	CHECK_EQ(e->state, ND6_REACHABLE);
	CHECK(route6_lookup(&S(0)->ip6.routes, &far, NULL, NULL, NULL) != NULL);
	m[4] = 0x40;
	inject_icmp6(0, &peer, &ll0, 255, m, 32);
	CHECK(!e->router);
	CHECK(route6_lookup(&S(0)->ip6.routes, &far, NULL, NULL, NULL) == NULL);
	teardown();
}

TEST(test_nd6_full_cache_evicts_failed_then_incomplete_then_oldest)
{
	setup_global(28);
	struct ip6_state *st = &S(0)->ip6;
	char text[32];
	struct ip6_addr a;

	/* Ten neighbours that never answer: FAILED after 3 s. */
	for (int n = 0; n < 10; n++) {
		snprintf(text, sizeof(text), "2001:db8::1:%x", n);
		a = A6(text);
		CHECK_EQ(ping(0, &a, NULL, 1, 8), 0);
		run(1);
	}
	run(3 * ND6_RETRANS_MS + 100);
	/* Fill the rest of the cache with INCOMPLETE ones. */
	for (int n = 0; n < ND6_TABLE_SIZE - 10; n++) {
		snprintf(text, sizeof(text), "2001:db8::2:%x", n);
		a = A6(text);
		CHECK_EQ(ping(0, &a, NULL, 1, 8), 0);
		run(1);
	}
	int used = 0, failed = 0;
	for (int i = 0; i < ND6_TABLE_SIZE; i++) {
		used += st->nd.entry[i].state != ND6_FREE;
		failed += st->nd.entry[i].state == ND6_FAILED;
	}
	CHECK_EQ(used, ND6_TABLE_SIZE);
	CHECK_EQ(failed, 10);
	/* A new neighbour takes the oldest FAILED entry... */
	a = A6("2001:db8::3:0");
	CHECK_EQ(ping(0, &a, NULL, 1, 8), 0);
	struct ip6_addr first = A6("2001:db8::1:0"), second = A6("2001:db8::1:1");
	CHECK(nd6_lookup(S(0), NIF(0), &first) == NULL);
	CHECK(nd6_lookup(S(0), NIF(0), &second) != NULL);
	uint64_t drops = st->nd_mib.QueueDrops;
	/* ...until none is left; then the oldest INCOMPLETE, whose
	 * waiting packet goes (counted). */
	for (int n = 1; n < 10; n++) {
		snprintf(text, sizeof(text), "2001:db8::3:%x", n);
		a = A6(text);
		CHECK_EQ(ping(0, &a, NULL, 1, 8), 0);
	}
	CHECK_EQ(st->nd_mib.QueueDrops, drops);
	struct ip6_addr inc0 = A6("2001:db8::2:0");
	CHECK(nd6_lookup(S(0), NIF(0), &inc0) != NULL);
	a = A6("2001:db8::3:a");
	CHECK_EQ(ping(0, &a, NULL, 1, 8), 0);
	CHECK(nd6_lookup(S(0), NIF(0), &inc0) == NULL);
	CHECK_EQ(st->nd_mib.QueueDrops, drops + 1);
	run(5000);
	CHECK_EQ(st->nd.pending.len, 0);
	teardown();
}

TEST(test_nd6_tentative_address_is_not_answered_nor_lost_to_a_resolver)
{
	setup_up(1, 29);
	struct ip6_addr a = A6("2001:db8::1"), peer = A6("fe80::9"), sn;
	uint8_t m[32];
	int before;

	CHECK_EQ(ip6_addr_add(S(0), NIF(0), &a, 64), 0);
	ip6_addr_solicited_node(&sn, &a);
	/* Someone resolving the address (an NS from a unicast source)
	 * while it is tentative: no answer, and no conflict either (RFC
	 * 4862 5.4.3). */
	before = nwire;
	memset(m, 0, sizeof(m));
	m[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(m + 8, a.b, 16);
	m[24] = 1;
	m[25] = 1;
	memcpy(m + 26, peer_mac, 6);
	inject_icmp6(0, &peer, &sn, 255, m, 32);
	CHECK_EQ(count_type(before, 0, ND_NEIGHBOR_ADVERT), 0);
	CHECK(ifa_of(0, "2001:db8::1")->flags & IP6_IFA_TENTATIVE);
	CHECK(!(ifa_of(0, "2001:db8::1")->flags & IP6_IFA_DADFAILED));
	run(2100);
	CHECK(usable(ifa_of(0, "2001:db8::1")));
	/* Once valid, it is answered. */
	inject_icmp6(0, &peer, &sn, 255, m, 32);
	CHECK_EQ(count_type(before, 0, ND_NEIGHBOR_ADVERT), 1);
	teardown();
}

int main(void)
{
	RUN(test_nd6_link_local_dad_completes_then_routers_are_solicited);
	RUN(test_nd6_duplicate_static_address_detected_by_newcomer_and_defended);
	RUN(test_nd6_concurrent_dad_first_prober_keeps_the_address);
	RUN(test_nd6_crossing_dad_probes_fail_on_both_sides);
	RUN(test_nd6_silent_neighbour_queue_bounded_and_does_not_block_others);
	RUN(test_nd6_pending_queue_bounded_across_neighbours);
	RUN(test_nd6_nud_stale_delay_probe_then_reachable_or_failed);
	RUN(test_nd6_router_advertisement_gives_slaac_address_default_route_and_mtu);
	RUN(test_nd6_router_advertisement_ignores_what_it_must);
	RUN(test_nd6_invalid_solicitations_and_advertisements_are_counted_and_ignored);
	RUN(test_nd6_advertisement_override_rules);
	RUN(test_nd6_full_cache_evicts_failed_then_incomplete_then_oldest);
	RUN(test_nd6_tentative_address_is_not_answered_nor_lost_to_a_resolver);
	TEST_EXIT();
}
