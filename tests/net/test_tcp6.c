/*
 * TCP over IPv6 between whole stacks on the simulated link (tcp6_input,
 * tcp_bind6/tcp_connect6, the v6 TIME_WAIT record, listener choice):
 * handshake and data, a megabyte over a lossy link, the close lifecycle,
 * resets, dual-stack and IPV6_V6ONLY listeners, v4-mapped peers,
 * link-local scope, SYN cookies and ICMPv6 errors. Each node has a
 * link-local, a global (fd00::/64) and an IPv4 address (10.0.0.0/24);
 * every test ends with no TCB, record, ring or allocation left.
 */
#include "tests/net/ip6_harness.h"
#include "net/ip.h"
#include "net/portalloc.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "tests/net/tcp_expect.h"

#define G0	"fd00::1"
#define G1	"fd00::2"
#define GHOST6	"fd00::99"	/* on-link, nobody answers ND */
#define V4(i)	(0x0a000000u + (uint32_t)(i) + 1)	/* 10.0.0.(i+1) */
#define PORT	8080

/* --- setting up -------------------------------------------------------- */

static bool sim_live;		/* a failed CHECK skipped done() */

/* Two nodes with link-local, global and IPv4 addresses, DAD done, and
 * the stack's own ICMPv6 error dispatcher back (the harness records
 * errors instead), so that TCP hears of them. */
static void up(uint64_t seed)
{
	if (sim_live)
		sim_free(&sim);
	sim_live = true;
	setup_up(2, seed);
	for (int i = 0; i < 2; i++) {
		struct ip6_addr g = A6(i ? G1 : G0);

		CHECK_EQ(ip6_addr_add(S(i), NIF(i), &g, 64), 0);
		S(i)->ip6.hooks.error = net_ip6_error;
		S(i)->ip6.hooks.arg = S(i);
		net_set_addr(S(i), NIF(i), V4(i), 24, 0, NETIF_ADDR_STATIC);
	}
	run(2100);		/* DAD of the global addresses */
	CHECK(usable(ifa_of(0, G0)));
	CHECK(usable(ifa_of(1, G1)));
}

/* The leak check: no TCB, orphan, record or ring is left on either
 * node, then nothing the stacks allocated (harness teardown()). */
static void done(void)
{
	for (int i = 0; i < sim.nnodes; i++) {
		CHECK_EQ(S(i)->tcp.allocated, 0);
		CHECK_EQ(S(i)->tcp.orphans, 0);
		CHECK_EQ(S(i)->tcp.inuse, 0);
		CHECK_EQ(S(i)->tcp.tw, 0);
		CHECK_EQ(S(i)->tcp.mem, 0);
	}
	sim_live = false;
	teardown();
}

/* Run 1 ms at a time until cond holds or ms pass; cond's last value. */
#define RUN_UNTIL(ms, cond)                                             \
	({                                                              \
		uint64_t end__ = sim.now + (ms);                        \
		bool ok__;                                              \
		while (!(ok__ = (cond)) && sim.now < end__)             \
			run(1);                                         \
		ok__;                                                   \
	})

static struct tcp_sock *sock6(int node)
{
	struct tcp_sock *tp = tcp_sock_create(S(node), NULL);

	CHECK(tp != NULL);
	tp->sk.family = NET_AF_INET6;
	return tp;
}

/* A listener on node's addr:port (IPv6); v6only sets IPV6_V6ONLY and
 * reuse SO_REUSEADDR before the bind. */
static struct tcp_sock *listen6(int node, const struct ip6_addr *addr,
				uint16_t port, int backlog, bool v6only,
				bool reuse)
{
	struct tcp_sock *l = sock6(node);

	CHECK_EQ(net_sock_setopt(S(node), &l->sk, NET_IPV6_V6ONLY, v6only),
		 0);
	CHECK_EQ(net_sock_setopt(S(node), &l->sk, NET_SO_REUSEADDR, reuse),
		 0);
	CHECK_EQ(tcp_bind6(S(node), l, addr, NULL, port), 0);
	CHECK_EQ(tcp_listen(S(node), l, backlog), 0);
	return l;
}

static struct tcp_sock *listen4(int node, uint32_t addr, uint16_t port,
				bool reuse)
{
	struct tcp_sock *l = tcp_sock_create(S(node), NULL);

	CHECK(l != NULL);
	CHECK_EQ(net_sock_setopt(S(node), &l->sk, NET_SO_REUSEADDR, reuse),
		 0);
	CHECK_EQ(tcp_bind(S(node), l, addr, port), 0);
	CHECK_EQ(tcp_listen(S(node), l, 8), 0);
	return l;
}

/* Run until listener l (on node `to`) hands over a connection; the
 * child, or a failed check. */
static struct tcp_sock *accept_one(int to, struct tcp_sock *l)
{
	struct tcp_sock *srv = NULL;
	int err;

	CHECK(RUN_UNTIL(5000, (srv = tcp_accept(S(to), l, NULL, &err))));
	return srv;
}

/* Node 0 connects over IPv6 to dst:l's port (scope for a link-local
 * dst) and node 1's listener l accepts; both ends ESTABLISHED. */
static void connect6_accept(const struct ip6_addr *dst, struct netif *scope,
			    struct tcp_sock *l, struct tcp_sock **cli,
			    struct tcp_sock **srv)
{
	*cli = sock6(0);
	CHECK_EQ(tcp_connect6(S(0), *cli, dst, scope, l->sk.lport),
		 -EINPROGRESS);
	*srv = accept_one(1, l);
	CHECK(RUN_UNTIL(5000, (*cli)->state == TCP_ESTABLISHED));
	CHECK_EQ((*srv)->state, TCP_ESTABLISHED);
}

/* The same over IPv4 to node 1's IPv4 address. */
static void connect4_accept(struct tcp_sock *l, struct tcp_sock **cli,
			    struct tcp_sock **srv)
{
	*cli = tcp_sock_create(S(0), NULL);
	CHECK(*cli != NULL);
	CHECK_EQ(tcp_connect(S(0), *cli, V4(1), l->sk.lport), -EINPROGRESS);
	*srv = accept_one(1, l);
	CHECK(RUN_UNTIL(5000, (*cli)->state == TCP_ESTABLISHED));
	CHECK_EQ((*srv)->state, TCP_ESTABLISHED);
}

/* One message each way between a and b (on nodes 0 and 1). */
static void exchange(struct tcp_sock *a, struct tcp_sock *b)
{
	char buf[32];

	CHECK_EQ(tcp_send(S(0), a, "ping6", 5), 5);
	CHECK_EQ(tcp_send(S(1), b, "pong!6", 6), 6);
	run(50);
	CHECK_EQ(tcp_recv(S(1), b, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "ping6", 5) == 0);
	CHECK_EQ(tcp_recv(S(0), a, buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "pong!6", 6) == 0);
}

/* Close both ends (node 0's first) and let TIME_WAIT run out. */
static void close_both(struct tcp_sock *c, struct tcp_sock *s)
{
	tcp_close(S(0), c);
	tcp_close(S(1), s);
	run(TIME_WAIT_MS + 1000);
}

static struct tcp_addrs addrs6(const struct ip6_addr *l,
			       const struct ip6_addr *r)
{
	return (struct tcp_addrs){ .v6 = true, .laddr6 = *l, .raddr6 = *r };
}

static unsigned refs(int node, unsigned fam, uint16_t port)
{
	return port_refs(tcp_ports(S(node), fam), port);
}

/* TCP segments on the wire (as far as the harness logged), of either
 * family, from node `from` since log index `since`. */
static int tcp_frames(int since, int from, bool v6)
{
	int n = 0;

	for (int i = since; i < nwire; i++) {
		const struct wire_rec *w = &wire_log[i];

		if (w->from != from)
			continue;
		if (v6 && is_ip6(w) && w->f[ETH_HLEN + 6] == IP6_NH_TCP)
			n++;
		if (!v6 && get_be16(w->f + 12) == ETH_P_IP &&
		    w->f[ETH_HLEN + 9] == IPPROTO_TCP_)
			n++;
	}
	return n;
}

/* Hand node a forged TCP segment over IPv6 (through tcp6_input, after
 * bringing its clock to the simulation's). */
static void inject_tcp6(int node, const struct ip6_addr *src, uint16_t sport,
			const struct ip6_addr *dst, uint16_t dport,
			uint32_t seq, uint32_t ack, uint8_t flags)
{
	uint8_t seg[TCP_HLEN] = { 0 };

	put_be16(seg, sport);
	put_be16(seg + 2, dport);
	put_be32(seg + 4, seq);
	put_be32(seg + 8, ack);
	seg[12] = 5 << 4;
	seg[13] = flags;
	put_be16(seg + 14, 65535);
	put_be16(seg + 16, inet_fold(inet_sum(seg, TCP_HLEN,
		inet6_pseudo_sum(src, dst, TCP_HLEN, IP6_NH_TCP))));
	net_poll(S(node), sim.now);
	tcp6_input(S(node), NIF(node), src, dst, seg, TCP_HLEN);
}

/* --- handshake and data ------------------------------------------------- */

TEST(test_tcp6_handshake_between_global_addresses_and_data_both_ways)
{
	struct ip6_addr g0 = A6(G0), g1 = A6(G1);
	struct tcp_sock *l, *c, *s;

	up(21);
	int mark = nwire;

	l = listen6(1, &ip6_addr_any, PORT, 8, true, false);
	connect6_accept(&g1, NULL, l, &c, &s);
	CHECK_EQ(S(0)->mib.tcp.ActiveOpens, 1);
	CHECK_EQ(S(1)->mib.tcp.PassiveOpens, 1);
	/* The client: its source chosen by the route, an ephemeral port in
	 * the IPv6 table only. */
	CHECK_EQ(c->sk.family, NET_AF_INET6);
	CHECK(ip6_addr_eq(&c->sk.laddr6, &g0));
	CHECK(ip6_addr_eq(&c->sk.raddr6, &g1));
	CHECK_EQ(c->sk.rport, PORT);
	CHECK(c->sk.bound_nif == NULL);
	CHECK_EQ(c->sk.port_fams, NET_PORT_V6);
	CHECK_EQ(refs(0, NET_PORT_V6, c->sk.lport), 1);
	CHECK_EQ(refs(0, NET_PORT_V4, c->sk.lport), 0);
	/* The child: IPv6, the other end's view of the same 4-tuple. */
	CHECK_EQ(s->sk.family, NET_AF_INET6);
	CHECK(ip6_addr_eq(&s->sk.laddr6, &g1));
	CHECK(ip6_addr_eq(&s->sk.raddr6, &g0));
	CHECK_EQ(s->sk.lport, PORT);
	CHECK_EQ(s->sk.rport, c->sk.lport);
	CHECK_EQ(s->sk.port_fams, NET_PORT_V6);
	struct tcp_addrs a = addrs6(&g1, &g0);
	CHECK(tcp_lookup(S(1), &a, PORT, c->sk.lport) == s);
	/* Options as over IPv4; the MSS is the MTU less 60 and the
	 * timestamp option. */
	unsigned both = TF_WS | TF_TS | TF_SACK;
	CHECK_EQ(c->flags & both, both);
	CHECK_EQ(s->flags & both, both);
	CHECK_EQ(c->mss, NIF(1)->mtu - 60 - 12);
	CHECK_EQ(s->mss, NIF(0)->mtu - 60 - 12);
	exchange(c, s);
	/* It all went over IPv6. */
	CHECK(tcp_frames(mark, 0, true) >= 3);
	CHECK(tcp_frames(mark, 1, true) >= 2);
	CHECK_EQ(tcp_frames(mark, 0, false), 0);
	CHECK_EQ(tcp_frames(mark, 1, false), 0);
	CHECK_EQ(S(1)->mib.tcp.InErrs, 0);
	tcp_close(S(1), l);
	close_both(c, s);
	done();
}

/* --- a megabyte over a lossy link --------------------------------------- */

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + (i >> 9) + 3);
}

TEST(test_tcp6_megabyte_intact_over_lossy_reordering_duplicating_link)
{
	enum { TOTAL = 1024 * 1024 };
	static uint8_t chunk[8192];
	struct ip6_addr g1 = A6(G1);
	struct tcp_sock *l, *c, *s;
	uint32_t sent = 0, got = 0, bad = 0;

	up(22);
	sim.impair.delay_ms = 2;
	sim.impair.loss_pct = 3;
	sim.impair.dup_pct = 2;
	sim.impair.jitter_ms = 4;
	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	connect6_accept(&g1, NULL, l, &c, &s);
	CHECK_EQ(s->sk.family, NET_AF_INET6);
	for (int ms = 0; ms < 600000 && got < TOTAL; ms++) {
		while (sent < TOTAL) {
			uint32_t n = TOTAL - sent < sizeof(chunk) ?
				     TOTAL - sent : sizeof(chunk);
			for (uint32_t i = 0; i < n; i++)
				chunk[i] = pattern(sent + i);
			int r = tcp_send(S(0), c, chunk, n);
			if (r <= 0) {
				CHECK_EQ(r, -EAGAIN);
				break;
			}
			sent += (uint32_t)r;
		}
		if (sent == TOTAL && !(c->flags & TF_FIN_QUEUED))
			CHECK_EQ(tcp_shutdown(S(0), c, NET_SHUT_WR), 0);
		int r;
		while ((r = tcp_recv(S(1), s, chunk, sizeof(chunk))) > 0) {
			for (int i = 0; i < r; i++)
				bad += chunk[i] != pattern(got + (uint32_t)i);
			got += (uint32_t)r;
		}
		run(1);
	}
	CHECK_EQ(got, TOTAL);
	CHECK_EQ(bad, 0);
	CHECK(S(0)->mib.tcp.RetransSegs > 0);
	CHECK(sim.lost > 0 && sim.duplicated > 0);
	/* Segments fit the link: IPv6 never fragmented them. */
	CHECK_EQ(S(0)->ip6.mib.FragCreates, 0);
	CHECK(RUN_UNTIL(5000, tcp_recv(S(1), s, chunk, 1) == 0));  /* EOF */
	sim.impair.loss_pct = 0;
	sim.impair.dup_pct = 0;
	tcp_close(S(1), l);
	tcp_close(S(1), s);
	tcp_close(S(0), c);
	run(3 * TIME_WAIT_MS);
	done();
}

/* --- the close lifecycle ------------------------------------------------ */

TEST(test_tcp6_active_closer_keeps_v6_time_wait_record_until_2msl)
{
	struct ip6_addr g0 = A6(G0), g1 = A6(G1);
	struct tcp_sock *l, *c, *s;
	char b[8];

	up(23);
	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	CHECK_EQ(l->sk.port_fams, NET_PORT_V4 | NET_PORT_V6);
	connect6_accept(&g1, NULL, l, &c, &s);
	uint16_t cport = c->sk.lport;

	/* The child holds the listener's port in the IPv6 table only. */
	CHECK_EQ(refs(1, NET_PORT_V6, PORT), 2);
	CHECK_EQ(refs(1, NET_PORT_V4, PORT), 1);
	tcp_close(S(1), l);
	CHECK_EQ(refs(1, NET_PORT_V4, PORT), 0);
	CHECK_EQ(tcp_shutdown(S(0), c, NET_SHUT_WR), 0);
	CHECK_EQ(c->state, TCP_FIN_WAIT_1);
	run(20);
	CHECK_EQ(c->state, TCP_FIN_WAIT_2);
	CHECK_EQ(s->state, TCP_CLOSE_WAIT);
	CHECK_EQ(tcp_recv(S(1), s, b, sizeof(b)), 0);
	CHECK_EQ(tcp_send(S(1), s, "bye", 3), 3);
	CHECK_EQ(tcp_shutdown(S(1), s, NET_SHUT_WR), 0);
	CHECK_EQ(s->state, TCP_LAST_ACK);
	run(20);
	uint64_t t = sim.now;

	/* Active closer: a v6 record; its TCB is closed. */
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(S(0)->tcp.tw, 1);
	struct tcp_addrs a = addrs6(&g0, &g1);
	struct tcp_tw *tw = tcp_tw_lookup(S(0), &a, cport, PORT);
	CHECK(tw != NULL);
	CHECK(tw->flags & TW_V6);
	CHECK_EQ(tw->flags & TW_FIN_WAIT_2, 0);
	CHECK(tw->flags & TW_PORT6);
	CHECK_EQ(tw->flags & TW_PORT, 0);
	CHECK(tcp_tw_nif(tw) == NULL);
	struct tcp_addrs ta;
	tcp_tw_addrs(tw, &ta);
	CHECK(tcp_addrs_eq(&ta, &a));
	/* The same ports under IPv4 addresses name no record. */
	struct tcp_addrs a4 = tcp_addrs4(V4(0), V4(1));
	CHECK(tcp_tw_lookup(S(0), &a4, cport, PORT) == NULL);
	CHECK_EQ(refs(0, NET_PORT_V6, cport), 1);
	CHECK_EQ(refs(0, NET_PORT_V4, cport), 0);
	/* Passive side: closed, no record. */
	CHECK_EQ(s->state, TCP_CLOSED);
	CHECK_EQ(S(1)->tcp.tw, 0);
	CHECK_EQ(tcp_recv(S(0), c, b, sizeof(b)), 3);
	CHECK_EQ(tcp_recv(S(0), c, b, sizeof(b)), 0);
	tcp_close(S(1), s);
	tcp_close(S(0), c);
	CHECK_EQ(S(0)->tcp.allocated, 0);
	CHECK_EQ(refs(1, NET_PORT_V6, PORT), 0);
	run(t + TIME_WAIT_MS - 100 - sim.now);
	CHECK(tcp_tw_lookup(S(0), &a, cport, PORT) != NULL);
	CHECK_EQ(S(0)->tcp.tw, 1);
	run(200);
	CHECK(tcp_tw_lookup(S(0), &a, cport, PORT) == NULL);
	CHECK_EQ(S(0)->tcp.tw, 0);
	CHECK_EQ(refs(0, NET_PORT_V6, cport), 0);
	CHECK_EQ(S(0)->mib.tcp.EstabResets, 0);
	CHECK_EQ(S(1)->mib.tcp.EstabResets, 0);
	done();
}

/* --- a closed port ------------------------------------------------------ */

TEST(test_tcp6_syn_to_closed_port_draws_rst_and_econnrefused)
{
	struct ip6_addr g1 = A6(G1);
	char b[4];

	up(24);
	struct tcp_sock *c = sock6(0);

	CHECK_EQ(tcp_connect6(S(0), c, &g1, NULL, 9), -EINPROGRESS);
	CHECK_EQ(c->state, TCP_SYN_SENT);
	uint16_t cport = c->sk.lport;

	CHECK(RUN_UNTIL(2000, c->state == TCP_CLOSED));
	CHECK_EQ(S(1)->mib.tcp.OutRsts, 1);
	CHECK_EQ(S(0)->mib.tcp.AttemptFails, 1);
	CHECK_EQ(c->sk.so_error, -ECONNREFUSED);
	CHECK(tcp_poll_events(S(0), c) & NET_EV_ERR);
	CHECK_EQ(tcp_recv(S(0), c, b, sizeof(b)), -ECONNREFUSED);
	CHECK_EQ(refs(0, NET_PORT_V6, cport), 0);
	CHECK_EQ(tcp_ports(S(0), NET_PORT_V6)->in_use, 0);
	tcp_close(S(0), c);
	done();
}

/* --- dual stack and IPV6_V6ONLY ----------------------------------------- */

TEST(test_tcp6_dual_stack_listener_accepts_ipv4_and_ipv6)
{
	struct ip6_addr g0 = A6(G0), g1 = A6(G1);
	struct tcp_sock *l, *c4, *s4, *c6, *s6;

	up(25);
	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	CHECK_EQ(l->sk.port_fams, NET_PORT_V4 | NET_PORT_V6);
	CHECK_EQ(refs(1, NET_PORT_V4, PORT), 1);
	CHECK_EQ(refs(1, NET_PORT_V6, PORT), 1);

	/* IPv4: an IPv4 child, in the IPv4 port table. */
	connect4_accept(l, &c4, &s4);
	CHECK_EQ(s4->sk.family, NET_AF_INET);
	CHECK_EQ(s4->sk.laddr, V4(1));
	CHECK_EQ(s4->sk.raddr, V4(0));
	CHECK_EQ(s4->sk.rport, c4->sk.lport);
	CHECK_EQ(s4->sk.port_fams, NET_PORT_V4);
	struct tcp_addrs a4 = tcp_addrs4(V4(1), V4(0));
	CHECK(tcp_lookup(S(1), &a4, PORT, c4->sk.lport) == s4);
	exchange(c4, s4);

	/* IPv6: an IPv6 child. */
	connect6_accept(&g1, NULL, l, &c6, &s6);
	CHECK_EQ(s6->sk.family, NET_AF_INET6);
	CHECK(ip6_addr_eq(&s6->sk.raddr6, &g0));
	CHECK_EQ(s6->sk.port_fams, NET_PORT_V6);
	exchange(c6, s6);
	CHECK_EQ(refs(1, NET_PORT_V4, PORT), 2);
	CHECK_EQ(refs(1, NET_PORT_V6, PORT), 2);
	tcp_close(S(1), l);
	tcp_close(S(0), c4);
	tcp_close(S(1), s4);
	close_both(c6, s6);
	CHECK_EQ(refs(1, NET_PORT_V4, PORT), 0);
	CHECK_EQ(refs(1, NET_PORT_V6, PORT), 0);
	done();
}

TEST(test_tcp6_v6only_listener_answers_ipv4_syn_with_rst)
{
	struct ip6_addr g1 = A6(G1);
	struct tcp_sock *l, *c, *c6, *s6;
	char b[4];

	up(26);
	l = listen6(1, &ip6_addr_any, PORT, 8, true, false);
	CHECK_EQ(l->sk.port_fams, NET_PORT_V6);
	CHECK_EQ(refs(1, NET_PORT_V4, PORT), 0);
	c = tcp_sock_create(S(0), NULL);
	CHECK_EQ(tcp_connect(S(0), c, V4(1), PORT), -EINPROGRESS);
	CHECK(RUN_UNTIL(2000, c->state == TCP_CLOSED));
	CHECK_EQ(S(1)->mib.tcp.OutRsts, 1);
	CHECK_EQ(tcp_recv(S(0), c, b, sizeof(b)), -ECONNREFUSED);
	CHECK_EQ(l->qlen + l->synq, 0);
	tcp_close(S(0), c);
	/* IPv6 is still taken. */
	connect6_accept(&g1, NULL, l, &c6, &s6);
	tcp_close(S(1), l);
	close_both(c6, s6);
	done();
}

TEST(test_tcp6_v6only_listener_coexists_with_ipv4_one_dual_stack_does_not)
{
	struct ip6_addr g1 = A6(G1);
	struct tcp_sock *l4, *l6, *c4, *s4, *c6, *s6;

	up(27);
	/* 0.0.0.0:P and a V6ONLY [::]:P: each in its own family's table. */
	l4 = listen4(1, 0, PORT, false);
	l6 = listen6(1, &ip6_addr_any, PORT, 8, true, false);
	/* A dual-stack [::]:P wants the IPv4 port too: refused, and
	 * nothing of it is left in the IPv6 table. */
	struct tcp_sock *dual = sock6(1);
	CHECK_EQ(tcp_bind6(S(1), dual, &ip6_addr_any, NULL, PORT),
		 -EADDRINUSE);
	CHECK(!dual->sk.bound);
	CHECK_EQ(refs(1, NET_PORT_V4, PORT), 1);
	CHECK_EQ(refs(1, NET_PORT_V6, PORT), 1);
	/* Nor can it listen on that port while l4 holds it, but it can
	 * bind elsewhere. */
	CHECK_EQ(tcp_bind6(S(1), dual, &ip6_addr_any, NULL, PORT + 1), 0);
	CHECK_EQ(dual->sk.port_fams, NET_PORT_V4 | NET_PORT_V6);
	tcp_close(S(1), dual);
	CHECK_EQ(refs(1, NET_PORT_V4, PORT + 1), 0);
	CHECK_EQ(refs(1, NET_PORT_V6, PORT + 1), 0);
	/* Each family's SYN reaches its own listener. */
	connect4_accept(l4, &c4, &s4);
	CHECK_EQ(s4->sk.family, NET_AF_INET);
	CHECK_EQ(l6->qlen, 0);
	connect6_accept(&g1, NULL, l6, &c6, &s6);
	CHECK_EQ(s6->sk.family, NET_AF_INET6);
	CHECK_EQ(l4->qlen, 0);
	tcp_close(S(1), l4);
	tcp_close(S(1), l6);
	tcp_close(S(0), c4);
	tcp_close(S(1), s4);
	close_both(c6, s6);
	done();
}

/* --- listener choice ---------------------------------------------------- */

/* Two listeners on one port may only coexist when both were bound with
 * SO_REUSEADDR before either listened (tcp_usrreq.c take_port()). The
 * one listening last heads the hash chain: a scoring that only took the
 * first match would pick it. */
TEST(test_tcp6_ipv4_segment_prefers_ipv4_wildcard_over_dual_stack_one)
{
	struct tcp_sock *l4, *dual, *c, *s;

	up(28);
	l4 = tcp_sock_create(S(1), NULL);
	dual = sock6(1);
	CHECK_EQ(net_sock_setopt(S(1), &l4->sk, NET_SO_REUSEADDR, 1), 0);
	CHECK_EQ(net_sock_setopt(S(1), &dual->sk, NET_SO_REUSEADDR, 1), 0);
	CHECK_EQ(tcp_bind(S(1), l4, 0, PORT), 0);
	CHECK_EQ(tcp_bind6(S(1), dual, &ip6_addr_any, NULL, PORT), 0);
	CHECK_EQ(tcp_listen(S(1), l4, 8), 0);
	CHECK_EQ(tcp_listen(S(1), dual, 8), 0);
	CHECK(S(1)->tcp.lhash[PORT & (TCP_LHASH_SIZE - 1)] == dual);
	connect4_accept(l4, &c, &s);
	CHECK_EQ(dual->qlen + dual->synq, 0);
	CHECK_EQ(s->sk.family, NET_AF_INET);
	tcp_close(S(1), l4);
	/* With the IPv4 listener gone, the dual-stack one takes IPv4. */
	struct tcp_sock *c2, *s2;
	connect4_accept(dual, &c2, &s2);
	CHECK_EQ(s2->sk.family, NET_AF_INET);
	tcp_close(S(1), dual);
	tcp_close(S(0), c2);
	tcp_close(S(1), s2);
	close_both(c, s);
	done();
}

TEST(test_tcp6_exact_v6_address_listener_beats_wildcard)
{
	struct ip6_addr g1 = A6(G1);
	struct tcp_sock *exact, *any, *c, *s, *c2, *s2;

	up(29);
	struct ip6_addr ll1 = ll_of(1);
	any = sock6(1);
	exact = sock6(1);
	CHECK_EQ(net_sock_setopt(S(1), &any->sk, NET_IPV6_V6ONLY, 1), 0);
	CHECK_EQ(net_sock_setopt(S(1), &any->sk, NET_SO_REUSEADDR, 1), 0);
	CHECK_EQ(net_sock_setopt(S(1), &exact->sk, NET_SO_REUSEADDR, 1), 0);
	CHECK_EQ(tcp_bind6(S(1), exact, &g1, NULL, PORT), 0);
	CHECK_EQ(exact->sk.port_fams, NET_PORT_V6);
	CHECK_EQ(tcp_bind6(S(1), any, &ip6_addr_any, NULL, PORT), 0);
	CHECK_EQ(tcp_listen(S(1), exact, 8), 0);
	CHECK_EQ(tcp_listen(S(1), any, 8), 0);
	CHECK(S(1)->tcp.lhash[PORT & (TCP_LHASH_SIZE - 1)] == any);
	/* To the global address: the exact listener. */
	connect6_accept(&g1, NULL, exact, &c, &s);
	CHECK_EQ(any->qlen + any->synq, 0);
	CHECK(ip6_addr_eq(&s->sk.laddr6, &g1));
	/* To the link-local one: only the wildcard matches. */
	connect6_accept(&ll1, NIF(0), any, &c2, &s2);
	CHECK_EQ(exact->qlen + exact->synq, 0);
	CHECK(ip6_addr_eq(&s2->sk.laddr6, &ll1));
	tcp_close(S(1), exact);
	tcp_close(S(1), any);
	tcp_close(S(0), c2);
	tcp_close(S(1), s2);
	close_both(c, s);
	done();
}

/* --- v4-mapped peers ---------------------------------------------------- */

TEST(test_tcp6_connect_to_v4_mapped_address_speaks_ipv4)
{
	struct ip6_addr mapped;
	struct tcp_sock *l4, *c, *s;

	up(30);
	l4 = listen4(1, 0, PORT, false);
	net_addr6_map_v4(&mapped, V4(1));
	int mark = nwire;

	c = sock6(0);
	CHECK_EQ(tcp_connect6(S(0), c, &mapped, NULL, PORT), -EINPROGRESS);
	CHECK_EQ(c->sk.family, NET_AF_INET);
	CHECK_EQ(c->sk.raddr, V4(1));
	CHECK_EQ(c->sk.laddr, V4(0));
	CHECK_EQ(c->sk.port_fams, NET_PORT_V4);
	s = accept_one(1, l4);
	CHECK(RUN_UNTIL(1000, c->state == TCP_ESTABLISHED));
	CHECK_EQ(s->sk.raddr, V4(0));
	CHECK_EQ(s->sk.rport, c->sk.lport);
	exchange(c, s);
	CHECK(tcp_frames(mark, 0, false) >= 3);
	CHECK_EQ(tcp_frames(mark, 0, true), 0);
	tcp_close(S(1), l4);
	close_both(c, s);
	done();
}

TEST(test_tcp6_v4_mapped_connect_refused_with_v6only)
{
	struct ip6_addr mapped;

	up(31);
	net_addr6_map_v4(&mapped, V4(1));
	struct tcp_sock *c = sock6(0);

	CHECK_EQ(net_sock_setopt(S(0), &c->sk, NET_IPV6_V6ONLY, 1), 0);
	CHECK_EQ(tcp_connect6(S(0), c, &mapped, NULL, PORT), -ENETUNREACH);
	CHECK_EQ(c->sk.family, NET_AF_INET6);
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK(!c->sk.bound);
	CHECK_EQ(tcp_ports(S(0), NET_PORT_V4)->in_use, 0);
	CHECK_EQ(tcp_ports(S(0), NET_PORT_V6)->in_use, 0);
	CHECK_EQ(S(0)->mib.tcp.ActiveOpens, 0);
	/* A v4-mapped bind is refused the same way (-EINVAL, Linux). */
	CHECK_EQ(tcp_bind6(S(0), c, &mapped, NULL, 0), -EINVAL);
	tcp_close(S(0), c);
	run(10);
	done();
}

/* --- link-local scope --------------------------------------------------- */

TEST(test_tcp6_link_local_connect_needs_scope_and_binds_to_it)
{
	struct tcp_sock *l, *c, *s;
	char b[4];

	up(32);
	struct ip6_addr ll0 = ll_of(0), ll1 = ll_of(1);

	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	c = sock6(0);
	CHECK_EQ(tcp_connect6(S(0), c, &ll1, NULL, PORT), -EINVAL);
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK(!c->sk.bound);
	CHECK_EQ(tcp_ports(S(0), NET_PORT_V6)->in_use, 0);
	CHECK_EQ(tcp_connect6(S(0), c, &ll1, NIF(0), PORT), -EINPROGRESS);
	CHECK(c->sk.bound_nif == NIF(0));
	CHECK(ip6_addr_eq(&c->sk.laddr6, &ll0));
	s = accept_one(1, l);
	CHECK(RUN_UNTIL(1000, c->state == TCP_ESTABLISHED));
	/* The child is scoped to the interface the SYN came in on. */
	CHECK_EQ(s->sk.family, NET_AF_INET6);
	CHECK(s->sk.bound_nif == NIF(1));
	CHECK(ip6_addr_eq(&s->sk.laddr6, &ll1));
	CHECK(ip6_addr_eq(&s->sk.raddr6, &ll0));
	exchange(c, s);
	/* The active closer's record keeps the scope. */
	uint16_t cport = c->sk.lport;

	tcp_close(S(1), l);
	tcp_close(S(0), c);
	run(20);
	CHECK_EQ(tcp_recv(S(1), s, b, sizeof(b)), 0);
	tcp_close(S(1), s);
	run(20);
	struct tcp_addrs a = addrs6(&ll0, &ll1);
	struct tcp_tw *tw = tcp_tw_lookup(S(0), &a, cport, PORT);
	CHECK(tw != NULL);
	CHECK(tcp_tw_nif(tw) == NIF(0));
	run(TIME_WAIT_MS + 1000);
	done();
}

/* A bind to our own link-local address needs its scope too; with it,
 * the socket is bound to that interface. */
TEST(test_tcp6_link_local_bind_needs_scope)
{
	up(33);
	struct ip6_addr ll0 = ll_of(0);
	struct tcp_sock *tp = sock6(0);

	CHECK_EQ(tcp_bind6(S(0), tp, &ll0, NULL, PORT), -EINVAL);
	CHECK(!tp->sk.bound);
	CHECK_EQ(tcp_bind6(S(0), tp, &ll0, NIF(0), PORT), 0);
	CHECK(tp->sk.bound_nif == NIF(0));
	CHECK_EQ(tp->sk.port_fams, NET_PORT_V6);
	tcp_close(S(0), tp);
	CHECK_EQ(refs(0, NET_PORT_V6, PORT), 0);
	done();
}

/* --- SYN cookies -------------------------------------------------------- */

TEST(test_tcp6_full_syn_queue_answers_with_cookie_whose_ack_connects)
{
	struct ip6_addr g1 = A6(G1), ghost = A6(GHOST6);
	struct tcp_sock *l, *c, *s;

	up(34);
	/* Backlog 1, its SYN queue filled by a half-open connection from
	 * an address nobody answers for. */
	l = listen6(1, &ip6_addr_any, PORT, 1, false, false);
	inject_tcp6(1, &ghost, 40404, &g1, PORT, 1000, 0, TCP_SYN);
	CHECK_EQ(l->synq, 1);
	struct tcp_addrs ga = addrs6(&g1, &ghost);
	struct tcp_sock *half = tcp_lookup(S(1), &ga, PORT, 40404);
	CHECK(half != NULL);
	CHECK_EQ(half->state, TCP_SYN_RECEIVED);
	CHECK_EQ(half->sk.family, NET_AF_INET6);

	c = sock6(0);
	CHECK_EQ(tcp_connect6(S(0), c, &g1, NULL, PORT), -EINPROGRESS);
	CHECK(RUN_UNTIL(200, c->state == TCP_ESTABLISHED));
	int err;
	s = NULL;
	CHECK(RUN_UNTIL(200, (s = tcp_accept(S(1), l, NULL, &err))));
	CHECK_EQ(S(1)->mib.tcp.SyncookiesSent, 1);
	CHECK_EQ(S(1)->mib.tcp.SyncookiesRecv, 1);
	CHECK_EQ(S(1)->mib.tcp.SyncookiesFailed, 0);
	CHECK_EQ(s->sk.family, NET_AF_INET6);
	CHECK(ip6_addr_eq(&s->sk.raddr6, &c->sk.laddr6));
	CHECK_EQ(s->sk.rport, c->sk.lport);
	CHECK_EQ(s->sk.port_fams, NET_PORT_V6);
	/* Only the MSS survived the cookie (RFC 4987 3.6), and it is
	 * IPv6's: 1500 less 60 is in the table. */
	CHECK_EQ(s->flags & (TF_WS | TF_TS | TF_SACK), 0);
	CHECK_EQ(c->flags & (TF_WS | TF_TS | TF_SACK), 0);
	CHECK_EQ(s->mss, 1440);
	CHECK_EQ(c->mss, 1440);
	exchange(c, s);
	tcp_close(S(1), l);
	close_both(c, s);
	done();
}

TEST(test_tcp6_forged_cookie_ack_is_reset_and_counted_failed)
{
	struct ip6_addr g1 = A6(G1), ghost = A6(GHOST6);
	struct tcp_sock *l;

	up(35);
	l = listen6(1, &ip6_addr_any, PORT, 1, false, false);
	inject_tcp6(1, &ghost, 40404, &g1, PORT, 1000, 0, TCP_SYN);
	CHECK_EQ(l->synq, 1);
	/* A second SYN: a cookie is sent (and lost to the ghost). */
	inject_tcp6(1, &ghost, 40405, &g1, PORT, 7000, 0, TCP_SYN);
	CHECK_EQ(S(1)->mib.tcp.SyncookiesSent, 1);
	uint64_t rsts = S(1)->mib.tcp.OutRsts;

	/* An ACK with a guessed cookie. */
	inject_tcp6(1, &ghost, 40405, &g1, PORT, 7001, 0x12345678,
		    TCP_ACK);
	CHECK_EQ(S(1)->mib.tcp.SyncookiesFailed, 1);
	CHECK_EQ(S(1)->mib.tcp.SyncookiesRecv, 0);
	CHECK_EQ(S(1)->mib.tcp.OutRsts, rsts + 1);
	CHECK_EQ(l->qlen, 0);
	/* The ghost's half-open child: its SYN-ACK found no neighbour, and
	 * ND's address unreachable ended it (tcp6_icmp_error). */
	CHECK(RUN_UNTIL(5000, l->synq == 0));
	CHECK_EQ(S(1)->mib.tcp.AttemptFails, 1);
	CHECK_EQ(S(1)->tcp.allocated, 1);	/* the listener */
	tcp_close(S(1), l);
	done();
}

/* --- ICMPv6 errors ------------------------------------------------------ */

TEST(test_tcp6_connect_to_silent_neighbour_fails_with_address_unreachable)
{
	struct ip6_addr ghost = A6(GHOST6);
	char b[4];

	up(36);
	struct tcp_sock *c = sock6(0);

	/* Nobody answers ND for the ghost: after its 3 solicitations the
	 * stack's own ICMPv6 address unreachable ends the attempt. */
	CHECK_EQ(tcp_connect6(S(0), c, &ghost, NULL, PORT), -EINPROGRESS);
	run(1000);
	CHECK_EQ(c->state, TCP_SYN_SENT);
	CHECK(RUN_UNTIL(5000, c->state == TCP_CLOSED));
	CHECK_EQ(S(0)->mib.tcp.AttemptFails, 1);
	CHECK_EQ(tcp_recv(S(0), c, b, sizeof(b)), -EHOSTUNREACH);
	CHECK_EQ(tcp_ports(S(0), NET_PORT_V6)->in_use, 0);
	tcp_close(S(0), c);
	done();
}

/* An ICMPv6 error of type/code (info: its second word) from `from` to
 * node 0, quoting a TCP segment of c's with sequence number seq. */
static void inject_icmp_err(struct tcp_sock *c, const struct ip6_addr *from,
			    uint8_t type, uint8_t code, uint32_t info,
			    uint32_t seq)
{
	uint8_t m[8 + IP6_HLEN + TCP_HLEN] = { 0 };
	uint8_t *q = m + 8, *t = q + IP6_HLEN;

	m[0] = type;
	m[1] = code;
	put_be32(m + 4, info);
	put_be32(q, 0x60000000u);
	put_be16(q + 4, TCP_HLEN);
	q[6] = IP6_NH_TCP;
	q[7] = 64;
	memcpy(q + 8, c->sk.laddr6.b, 16);
	memcpy(q + 24, c->sk.raddr6.b, 16);
	put_be16(t, c->sk.lport);
	put_be16(t + 2, c->sk.rport);
	put_be32(t + 4, seq);
	t[12] = 5 << 4;
	t[13] = TCP_SYN;
	inject_icmp6(0, from, &c->sk.laddr6, 64, m, sizeof(m));
}

static void inject_unreach(struct tcp_sock *c, const struct ip6_addr *from,
			   uint8_t code, uint32_t seq)
{
	inject_icmp_err(c, from, ICMP6_DST_UNREACH, code, 0, seq);
}

TEST(test_tcp6_icmpv6_unreachable_aborts_syn_sent_unless_seq_is_stale)
{
	struct ip6_addr ghost = A6(GHOST6), g1 = A6(G1);
	char b[4];

	up(37);
	struct tcp_sock *c = sock6(0);

	/* The SYN waits for ND; a router (node 1's address) reports the
	 * ghost unreachable, administratively. */
	CHECK_EQ(tcp_connect6(S(0), c, &ghost, NULL, PORT), -EINPROGRESS);
	uint32_t iss = c->iss;

	inject_unreach(c, &g1, 1, iss + 1000);	/* not in flight: forged */
	CHECK_EQ(c->state, TCP_SYN_SENT);
	CHECK_EQ(c->sk.so_error, 0);
	inject_unreach(c, &g1, 1, iss);
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(tcp_recv(S(0), c, b, sizeof(b)), -EACCES);
	CHECK_EQ(tcp_ports(S(0), NET_PORT_V6)->in_use, 0);
	tcp_close(S(0), c);
	run(5000);
	done();
}

TEST(test_tcp6_icmpv6_error_is_soft_for_established_connection)
{
	struct ip6_addr g1 = A6(G1);
	struct tcp_sock *l, *c, *s;

	up(38);
	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	connect6_accept(&g1, NULL, l, &c, &s);
	CHECK_EQ(tcp_send(S(0), c, "x", 1), 1);	/* in flight */
	inject_unreach(c, &g1, 0, c->snd_una);
	CHECK_EQ(c->state, TCP_ESTABLISHED);
	CHECK_EQ(c->sk.so_error, 0);
	run(50);
	char b[4];
	CHECK_EQ(tcp_recv(S(1), s, b, sizeof(b)), 1);	/* it went on */
	exchange(c, s);
	tcp_close(S(1), l);
	close_both(c, s);
	done();
}

/* --- more of the lifecycle ---------------------------------------------- */

TEST(test_tcp6_syn_to_time_wait_tuple_reopens_it_above_old_snd_nxt)
{
	struct ip6_addr g0 = A6(G0), g1 = A6(G1);
	struct tcp_sock *l, *c, *s, *c2, *s2;
	char b[8];

	up(40);
	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	connect6_accept(&g1, NULL, l, &c, &s);
	uint16_t cport = c->sk.lport;

	/* The server closes first: it holds the v6 record. */
	tcp_close(S(1), s);
	CHECK(RUN_UNTIL(100, c->state == TCP_CLOSE_WAIT));
	CHECK_EQ(tcp_recv(S(0), c, b, sizeof(b)), 0);
	tcp_close(S(0), c);
	CHECK(RUN_UNTIL(100, S(0)->tcp.allocated == 0));
	struct tcp_addrs a = addrs6(&g1, &g0);
	struct tcp_tw *tw = tcp_tw_lookup(S(1), &a, PORT, cport);
	CHECK(tw != NULL);
	CHECK(tw->flags & TW_V6);
	CHECK(tw->flags & TW_PORT6);
	uint32_t old_snd_nxt = tw->snd_nxt;

	/* The same 4-tuple again: the SYN ends the record. */
	c2 = sock6(0);
	CHECK_EQ(tcp_bind6(S(0), c2, &g0, NULL, cport), 0);
	CHECK_EQ(tcp_connect6(S(0), c2, &g1, NULL, PORT), -EINPROGRESS);
	s2 = accept_one(1, l);
	CHECK_EQ(S(1)->mib.tcp.TWKilled, 1);
	CHECK_EQ(S(1)->tcp.tw, 0);
	CHECK(tcp_tw_lookup(S(1), &a, PORT, cport) == NULL);
	CHECK(RUN_UNTIL(100, c2->state == TCP_ESTABLISHED));
	CHECK_EQ(s2->sk.family, NET_AF_INET6);
	CHECK_EQ(s2->sk.rport, cport);
	CHECK((int32_t)(s2->iss - old_snd_nxt) > 0);
	CHECK_EQ(c2->irs, s2->iss);
	exchange(c2, s2);
	tcp_close(S(1), l);
	close_both(c2, s2);
	done();
}

TEST(test_tcp6_time_wait_record_acks_retransmitted_fin_over_ipv6)
{
	struct ip6_addr g0 = A6(G0), g1 = A6(G1);
	struct tcp_sock *l, *c, *s;
	char b[4];

	up(41);
	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	connect6_accept(&g1, NULL, l, &c, &s);
	tcp_close(S(1), l);
	uint16_t cport = c->sk.lport;

	tcp_close(S(0), c);
	run(20);
	CHECK_EQ(tcp_recv(S(1), s, b, sizeof(b)), 0);
	tcp_close(S(1), s);
	run(20);
	struct tcp_addrs a = addrs6(&g0, &g1);
	struct tcp_tw *tw = tcp_tw_lookup(S(0), &a, cport, PORT);
	CHECK(tw != NULL);
	/* Node 1's FIN again (as if its ACK were lost): the record ACKs
	 * it over IPv6; node 1, with nothing left, resets, and that RST,
	 * at the record's RCV.NXT, ends the record (tcp_rfc1337 = 0). */
	uint64_t out = S(0)->mib.tcp.OutSegs;
	int mark = nwire;

	inject_tcp6(0, &g1, PORT, &g0, cport, tw->rcv_nxt - 1, tw->snd_nxt,
		    TCP_FIN | TCP_ACK);
	CHECK_EQ(S(0)->mib.tcp.OutSegs, out + 1);
	run(10);
	CHECK_EQ(tcp_frames(mark, 0, true), 1);
	CHECK_EQ(tcp_frames(mark, 0, false), 0);
	CHECK_EQ(S(1)->mib.tcp.OutRsts, 1);	/* the ACK reached node 1 */
	CHECK(tcp_tw_lookup(S(0), &a, cport, PORT) == NULL);
	CHECK_EQ(S(0)->mib.tcp.TWKilled, 1);
	CHECK_EQ(refs(0, NET_PORT_V6, cport), 0);
	done();
}

TEST(test_tcp6_orphan_in_fin_wait_2_is_kept_as_v6_record)
{
	struct ip6_addr g0 = A6(G0), g1 = A6(G1);
	struct tcp_sock *l, *c, *s;
	char b[4];

	up(42);
	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	connect6_accept(&g1, NULL, l, &c, &s);
	tcp_close(S(1), l);
	uint16_t cport = c->sk.lport;

	CHECK_EQ(tcp_shutdown(S(0), c, NET_SHUT_WR), 0);
	run(20);
	CHECK_EQ(c->state, TCP_FIN_WAIT_2);
	tcp_close(S(0), c);		/* now an orphan: a record */
	CHECK_EQ(S(0)->tcp.allocated, 0);
	struct tcp_addrs a = addrs6(&g0, &g1);
	struct tcp_tw *tw = tcp_tw_lookup(S(0), &a, cport, PORT);
	CHECK(tw != NULL);
	CHECK(tw->flags & TW_V6);
	CHECK(tw->flags & TW_FIN_WAIT_2);
	/* The peer's FIN moves it to TIME_WAIT. */
	CHECK_EQ(tcp_recv(S(1), s, b, sizeof(b)), 0);
	tcp_close(S(1), s);
	run(20);
	CHECK_EQ(S(1)->tcp.allocated, 0);
	tw = tcp_tw_lookup(S(0), &a, cport, PORT);
	CHECK(tw != NULL);
	CHECK_EQ(tw->flags & TW_FIN_WAIT_2, 0);
	run(TIME_WAIT_MS + 100);
	done();
}

TEST(test_tcp6_close_with_unread_data_resets_peer)
{
	struct ip6_addr g1 = A6(G1);
	struct tcp_sock *l, *c, *s;
	char b[8];

	up(43);
	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	connect6_accept(&g1, NULL, l, &c, &s);
	tcp_close(S(1), l);
	CHECK_EQ(tcp_send(S(1), s, "unread", 6), 6);
	run(20);
	tcp_close(S(0), c);
	CHECK_EQ(S(0)->mib.tcp.OutRsts, 1);
	run(20);
	CHECK_EQ(s->state, TCP_CLOSED);
	CHECK_EQ(tcp_recv(S(1), s, b, sizeof(b)), -ECONNRESET);
	CHECK_EQ(S(1)->mib.tcp.EstabResets, 1);
	tcp_close(S(1), s);
	done();
}

TEST(test_tcp6_link_local_syn_to_closed_port_is_reset_on_its_interface)
{
	char b[4];

	up(44);
	struct ip6_addr ll1 = ll_of(1);
	struct tcp_sock *c = sock6(0);

	CHECK_EQ(tcp_connect6(S(0), c, &ll1, NIF(0), 9), -EINPROGRESS);
	CHECK(RUN_UNTIL(2000, c->state == TCP_CLOSED));
	CHECK_EQ(S(1)->mib.tcp.OutRsts, 1);
	CHECK_EQ(tcp_recv(S(0), c, b, sizeof(b)), -ECONNREFUSED);
	tcp_close(S(0), c);
	done();
}

/* --- loopback ----------------------------------------------------------- */

TEST(test_tcp6_connect_to_unspecified_reaches_ipv6_loopback)
{
	struct tcp_sock *l, *c, *s;
	char b[8];

	up(45);
	l = listen6(0, &ip6_addr_any, PORT, 8, false, false);
	c = sock6(0);
	CHECK_EQ(tcp_connect6(S(0), c, &ip6_addr_any, NULL, PORT),
		 -EINPROGRESS);
	CHECK(ip6_addr_eq(&c->sk.raddr6, &ip6_addr_loopback));
	CHECK(ip6_addr_eq(&c->sk.laddr6, &ip6_addr_loopback));
	s = accept_one(0, l);
	CHECK(RUN_UNTIL(100, c->state == TCP_ESTABLISHED));
	CHECK_EQ(s->sk.family, NET_AF_INET6);
	CHECK(ip6_addr_eq(&s->sk.raddr6, &ip6_addr_loopback));
	CHECK_EQ(tcp_send(S(0), c, "lo6", 3), 3);
	run(10);
	CHECK_EQ(tcp_recv(S(0), s, b, sizeof(b)), 3);
	CHECK(memcmp(b, "lo6", 3) == 0);
	CHECK_EQ(S(0)->mib.tcp.InSegs, S(0)->mib.tcp.OutSegs);
	tcp_close(S(0), l);
	tcp_close(S(0), c);
	tcp_close(S(0), s);
	run(TIME_WAIT_MS + 1000);
	done();
}

/* tcp_tw_reuse = 2 (the default): a loopback pair's record may be
 * taken over by a new connect a second after it was last heard from. */
TEST(test_tcp6_loopback_time_wait_is_reused_by_connect)
{
	struct tcp_sock *l, *c, *s, *c2, *s2;
	char b[4];

	up(46);
	CHECK_EQ(S(0)->tcp.sysctl.tw_reuse, 2);
	l = listen6(0, &ip6_addr_any, PORT, 8, false, false);
	c = sock6(0);
	CHECK_EQ(tcp_connect6(S(0), c, &ip6_addr_loopback, NULL, PORT),
		 -EINPROGRESS);
	s = accept_one(0, l);
	CHECK(RUN_UNTIL(100, c->state == TCP_ESTABLISHED));
	uint16_t cport = c->sk.lport;

	tcp_close(S(0), c);
	run(10);
	CHECK_EQ(tcp_recv(S(0), s, b, sizeof(b)), 0);
	tcp_close(S(0), s);
	run(10);
	struct tcp_addrs a = addrs6(&ip6_addr_loopback, &ip6_addr_loopback);
	CHECK(tcp_tw_lookup(S(0), &a, cport, PORT) != NULL);
	CHECK_EQ(S(0)->tcp.tw, 1);
	run(1500);
	c2 = sock6(0);
	CHECK_EQ(net_sock_setopt(S(0), &c2->sk, NET_SO_REUSEADDR, 1), 0);
	CHECK_EQ(tcp_bind6(S(0), c2, &ip6_addr_loopback, NULL, cport), 0);
	CHECK_EQ(tcp_connect6(S(0), c2, &ip6_addr_loopback, NULL, PORT),
		 -EINPROGRESS);
	CHECK_EQ(S(0)->mib.tcp.TWRecycled, 1);
	CHECK(tcp_tw_lookup(S(0), &a, cport, PORT) == NULL);
	s2 = accept_one(0, l);
	CHECK(RUN_UNTIL(100, c2->state == TCP_ESTABLISHED));
	CHECK_EQ(s2->sk.rport, cport);
	tcp_close(S(0), l);
	tcp_close(S(0), c2);
	tcp_close(S(0), s2);
	run(TIME_WAIT_MS + 1000);
	done();
}

/* --- ports and options -------------------------------------------------- */

TEST(test_tcp6_listen_without_bind_takes_ephemeral_port_in_both_tables)
{
	struct tcp_sock *dual, *only;

	up(47);
	dual = sock6(1);
	CHECK_EQ(tcp_listen(S(1), dual, 8), 0);
	uint16_t p = dual->sk.lport;

	CHECK(p >= IP_LOCAL_PORT_RANGE_LO && p <= IP_LOCAL_PORT_RANGE_HI);
	CHECK_EQ(dual->sk.port_fams, NET_PORT_V4 | NET_PORT_V6);
	CHECK_EQ(refs(1, NET_PORT_V4, p), 1);
	CHECK_EQ(refs(1, NET_PORT_V6, p), 1);
	only = sock6(1);
	CHECK_EQ(net_sock_setopt(S(1), &only->sk, NET_IPV6_V6ONLY, 1), 0);
	CHECK_EQ(tcp_listen(S(1), only, 8), 0);
	CHECK_EQ(only->sk.port_fams, NET_PORT_V6);
	CHECK_EQ(refs(1, NET_PORT_V4, only->sk.lport), 0);
	/* V6ONLY is fixed once bound. */
	CHECK_EQ(net_sock_setopt(S(1), &only->sk, NET_IPV6_V6ONLY, 0),
		 -EINVAL);
	tcp_close(S(1), dual);
	tcp_close(S(1), only);
	CHECK_EQ(refs(1, NET_PORT_V4, p), 0);
	CHECK_EQ(refs(1, NET_PORT_V6, p), 0);
	done();
}

TEST(test_tcp6_bind_to_address_not_ours_is_refused)
{
	struct ip6_addr g1 = A6(G1), mcast = A6("ff02::1");

	up(48);
	struct tcp_sock *tp = sock6(0);

	CHECK_EQ(tcp_bind6(S(0), tp, &g1, NULL, PORT), -EADDRNOTAVAIL);
	CHECK_EQ(tcp_bind6(S(0), tp, &mcast, NIF(0), PORT), -EADDRNOTAVAIL);
	CHECK(!tp->sk.bound);
	CHECK_EQ(tcp_ports(S(0), NET_PORT_V6)->in_use, 0);
	/* An IPv4 socket is not an IPv6 one. */
	struct tcp_sock *v4 = tcp_sock_create(S(0), NULL);
	CHECK_EQ(tcp_bind6(S(0), v4, &ip6_addr_any, NULL, PORT), -EINVAL);
	tcp_close(S(0), tp);
	tcp_close(S(0), v4);
	done();
}

TEST(test_tcp6_socket_bound_to_v6_address_cannot_reach_v4_mapped_peer)
{
	struct ip6_addr g0 = A6(G0), mapped;

	up(49);
	net_addr6_map_v4(&mapped, V4(1));
	struct tcp_sock *tp = sock6(0);

	CHECK_EQ(tcp_bind6(S(0), tp, &g0, NULL, 0), 0);
	CHECK_EQ(tcp_connect6(S(0), tp, &mapped, NULL, PORT), -ENETUNREACH);
	CHECK_EQ(tp->sk.family, NET_AF_INET6);
	CHECK_EQ(tp->state, TCP_CLOSED);
	tcp_close(S(0), tp);
	CHECK_EQ(tcp_ports(S(0), NET_PORT_V6)->in_use, 0);
	done();
}

/* IP_TTL (IPV6_UNICAST_HOPS: the same field, sock.h) of a dual-stack
 * listener is inherited by its children and carried by their
 * segments, in the IPv6 hop limit and the IPv4 TTL alike. */
TEST(test_tcp6_ip_ttl_of_dual_stack_listener_is_used_by_both_families)
{
	struct ip6_addr g1 = A6(G1);
	struct tcp_sock *l, *c4, *s4, *c6, *s6;

	up(50);
	l = sock6(1);
	CHECK_EQ(net_sock_setopt(S(1), &l->sk, NET_IP_TTL, 7), 0);
	CHECK_EQ(tcp_bind6(S(1), l, &ip6_addr_any, NULL, PORT), 0);
	CHECK_EQ(tcp_listen(S(1), l, 8), 0);
	int mark = nwire;

	connect6_accept(&g1, NULL, l, &c6, &s6);
	connect4_accept(l, &c4, &s4);
	exchange(c6, s6);
	exchange(c4, s4);
	int n6 = 0, n4 = 0, bad6 = 0, bad4 = 0;

	for (int i = mark; i < nwire; i++) {
		const struct wire_rec *w = &wire_log[i];

		if (w->from != 1)
			continue;
		if (is_ip6(w) && w->f[ETH_HLEN + 6] == IP6_NH_TCP) {
			n6++;
			bad6 += w->f[ETH_HLEN + 7] != 7;
		} else if (get_be16(w->f + 12) == ETH_P_IP &&
			   w->f[ETH_HLEN + 9] == IPPROTO_TCP_) {
			n4++;
			bad4 += w->f[ETH_HLEN + 8] != 7;
		}
	}
	CHECK(n6 >= 2 && n4 >= 2);
	CHECK_EQ(bad6, 0);
	tcp_close(S(1), l);
	tcp_close(S(0), c4);
	tcp_close(S(1), s4);
	close_both(c6, s6);
	CHECK_EQ(bad4, 0);
	done();
}

/* What ss shows for IPv6: family, addresses and a link-local pair's
 * interface, for connections and TIME_WAIT records. */
static struct {
	int n6, n6_tw, n6_scoped, n4;
} rows;

static void count_row(const struct tcp_conn_info *ci, void *arg)
{
	(void)arg;
	if (ci->family == NET_AF_INET) {
		rows.n4++;
		return;
	}
	rows.n6++;
	rows.n6_tw += ci->state == TCP_TIME_WAIT;
	rows.n6_scoped += ci->nif != NULL;
}

TEST(test_tcp6_foreach_shows_v6_connections_and_records)
{
	struct tcp_sock *l, *c, *s;
	char b[4];

	up(51);
	struct ip6_addr ll1 = ll_of(1);

	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	connect6_accept(&ll1, NIF(0), l, &c, &s);
	memset(&rows, 0, sizeof(rows));
	tcp_foreach(S(1), count_row, NULL);
	CHECK_EQ(rows.n6, 2);		/* listener, child */
	CHECK_EQ(rows.n6_scoped, 1);	/* the child */
	CHECK_EQ(rows.n4, 0);
	tcp_close(S(1), l);
	tcp_close(S(0), c);
	run(20);
	CHECK_EQ(tcp_recv(S(1), s, b, sizeof(b)), 0);
	tcp_close(S(1), s);
	run(20);
	memset(&rows, 0, sizeof(rows));
	tcp_foreach(S(0), count_row, NULL);
	CHECK_EQ(rows.n6, 1);
	CHECK_EQ(rows.n6_tw, 1);
	CHECK_EQ(rows.n6_scoped, 1);
	run(TIME_WAIT_MS + 1000);
	done();
}

TEST(test_tcp6_packet_too_big_is_not_fatal_and_data_still_arrives)
{
	enum { N = 20000 };
	static uint8_t out[N], in[N];
	struct ip6_addr g1 = A6(G1);
	struct tcp_sock *l, *c, *s;
	uint32_t got = 0;

	up(52);
	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	connect6_accept(&g1, NULL, l, &c, &s);
	for (uint32_t i = 0; i < N; i++)
		out[i] = pattern(i);
	CHECK_EQ(tcp_send(S(0), c, out, 1), 1);	/* in flight */
	inject_icmp_err(c, &g1, ICMP6_PACKET_TOO_BIG, 0, 1280, c->snd_una);
	CHECK_EQ(c->state, TCP_ESTABLISHED);
	CHECK_EQ(c->sk.so_error, 0);
	CHECK_EQ(tcp_send(S(0), c, out + 1, N - 1), N - 1);
	for (int ms = 0; ms < 5000 && got < N; ms++) {
		int r = tcp_recv(S(1), s, in + got, N - got);

		if (r > 0)
			got += (uint32_t)r;
		run(1);
	}
	CHECK_EQ(got, N);
	CHECK(memcmp(in, out, N) == 0);
	/* Full segments no longer fit: IPv6 fragments them (RFC 8201
	 * allows it), nothing was lost. */
	CHECK(S(0)->ip6.mib.FragCreates > 0);
	CHECK_EQ(S(0)->mib.tcp.RetransSegs, 0);
	tcp_close(S(1), l);
	close_both(c, s);
	done();
}

/* A client bound to a dual-stack [::]:P holds P in both tables, and so
 * does its TIME_WAIT record, until it expires. */
TEST(test_tcp6_dual_bound_client_record_holds_both_tables_until_expiry)
{
	struct ip6_addr g0 = A6(G0), g1 = A6(G1);
	struct tcp_sock *l, *c, *s;
	char b[4];

	up(53);
	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	c = sock6(0);
	CHECK_EQ(tcp_bind6(S(0), c, &ip6_addr_any, NULL, 5555), 0);
	CHECK_EQ(c->sk.port_fams, NET_PORT_V4 | NET_PORT_V6);
	CHECK_EQ(tcp_connect6(S(0), c, &g1, NULL, PORT), -EINPROGRESS);
	CHECK(ip6_addr_eq(&c->sk.laddr6, &g0));
	s = accept_one(1, l);
	CHECK(RUN_UNTIL(100, c->state == TCP_ESTABLISHED));
	CHECK_EQ(s->sk.rport, 5555);
	/* An IPv4 bind to the port fails while the connection holds it. */
	struct tcp_sock *v4 = tcp_sock_create(S(0), NULL);
	CHECK_EQ(tcp_bind(S(0), v4, 0, 5555), -EADDRINUSE);
	tcp_close(S(0), v4);
	tcp_close(S(1), l);
	tcp_close(S(0), c);
	run(20);
	CHECK_EQ(tcp_recv(S(1), s, b, sizeof(b)), 0);
	tcp_close(S(1), s);
	run(20);
	struct tcp_addrs a = addrs6(&g0, &g1);
	struct tcp_tw *tw = tcp_tw_lookup(S(0), &a, 5555, PORT);
	CHECK(tw != NULL);
	CHECK_EQ(tw->flags & (TW_PORT | TW_PORT6), TW_PORT | TW_PORT6);
	CHECK_EQ(refs(0, NET_PORT_V4, 5555), 1);
	CHECK_EQ(refs(0, NET_PORT_V6, 5555), 1);
	run(TIME_WAIT_MS + 100);
	CHECK_EQ(refs(0, NET_PORT_V4, 5555), 0);
	CHECK_EQ(refs(0, NET_PORT_V6, 5555), 0);
	done();
}

/* A dual-stack listener's SYN queue, full of an IPv6 half-open
 * connection, answers an IPv4 SYN with a cookie: its ACK makes an IPv4
 * child. */
TEST(test_tcp6_dual_stack_listener_cookie_makes_ipv4_child)
{
	struct ip6_addr g1 = A6(G1), ghost = A6(GHOST6);
	struct tcp_sock *l, *c, *s;
	char b[8];

	up(54);
	l = listen6(1, &ip6_addr_any, PORT, 1, false, false);
	inject_tcp6(1, &ghost, 40404, &g1, PORT, 1000, 0, TCP_SYN);
	CHECK_EQ(l->synq, 1);
	c = tcp_sock_create(S(0), NULL);
	CHECK_EQ(tcp_connect(S(0), c, V4(1), PORT), -EINPROGRESS);
	CHECK(RUN_UNTIL(200, c->state == TCP_ESTABLISHED));
	s = accept_one(1, l);
	CHECK_EQ(S(1)->mib.tcp.SyncookiesSent, 1);
	CHECK_EQ(S(1)->mib.tcp.SyncookiesRecv, 1);
	CHECK_EQ(s->sk.family, NET_AF_INET);
	CHECK_EQ(s->sk.raddr, V4(0));
	CHECK_EQ(s->sk.port_fams, NET_PORT_V4);
	CHECK_EQ(s->mss, 1460);		/* IPv4's: 1500 less 40 */
	CHECK_EQ(tcp_send(S(0), c, "v4ck", 4), 4);
	run(20);
	CHECK_EQ(tcp_recv(S(1), s, b, sizeof(b)), 4);
	tcp_close(S(1), l);
	close_both(c, s);
	done();
}

static int synacks_dropped;

/* A sim filter: loses node 1's first SYN-ACK over IPv6. */
static bool drop_first_synack(struct sim *sm, int from, const uint8_t *f,
			      unsigned len)
{
	(void)sm;
	if (synacks_dropped || from != 1 ||
	    len < ETH_HLEN + IP6_HLEN + TCP_HLEN ||
	    get_be16(f + 12) != ETH_P_IPV6 || f[ETH_HLEN + 6] != IP6_NH_TCP)
		return false;
	uint8_t fl = f[ETH_HLEN + IP6_HLEN + 13];

	if ((fl & (TCP_SYN | TCP_ACK)) != (TCP_SYN | TCP_ACK))
		return false;
	synacks_dropped++;
	return true;
}

TEST(test_tcp6_lost_syn_ack_is_retransmitted_by_the_child)
{
	struct ip6_addr g1 = A6(G1);
	struct tcp_sock *l, *c, *s;

	up(55);
	l = listen6(1, &ip6_addr_any, PORT, 8, false, false);
	synacks_dropped = 0;
	sim.filter = drop_first_synack;
	c = sock6(0);
	CHECK_EQ(tcp_connect6(S(0), c, &g1, NULL, PORT), -EINPROGRESS);
	run(500);
	CHECK_EQ(c->state, TCP_SYN_SENT);
	CHECK_EQ(l->synq, 1);
	CHECK(RUN_UNTIL(5000, c->state == TCP_ESTABLISHED));
	CHECK_EQ(synacks_dropped, 1);
	CHECK(S(1)->mib.tcp.RetransSegs >= 1);
	s = accept_one(1, l);
	sim.filter = NULL;
	exchange(c, s);
	tcp_close(S(1), l);
	close_both(c, s);
	done();
}

int main(void)
{
	RUN(test_tcp6_handshake_between_global_addresses_and_data_both_ways);
	RUN(test_tcp6_megabyte_intact_over_lossy_reordering_duplicating_link);
	RUN(test_tcp6_active_closer_keeps_v6_time_wait_record_until_2msl);
	RUN(test_tcp6_syn_to_closed_port_draws_rst_and_econnrefused);
	RUN(test_tcp6_dual_stack_listener_accepts_ipv4_and_ipv6);
	RUN(test_tcp6_v6only_listener_answers_ipv4_syn_with_rst);
	RUN(test_tcp6_v6only_listener_coexists_with_ipv4_one_dual_stack_does_not);
	RUN(test_tcp6_ipv4_segment_prefers_ipv4_wildcard_over_dual_stack_one);
	RUN(test_tcp6_exact_v6_address_listener_beats_wildcard);
	RUN(test_tcp6_connect_to_v4_mapped_address_speaks_ipv4);
	RUN(test_tcp6_v4_mapped_connect_refused_with_v6only);
	RUN(test_tcp6_link_local_connect_needs_scope_and_binds_to_it);
	RUN(test_tcp6_link_local_bind_needs_scope);
	RUN(test_tcp6_full_syn_queue_answers_with_cookie_whose_ack_connects);
	RUN(test_tcp6_forged_cookie_ack_is_reset_and_counted_failed);
	RUN(test_tcp6_connect_to_silent_neighbour_fails_with_address_unreachable);
	RUN(test_tcp6_icmpv6_unreachable_aborts_syn_sent_unless_seq_is_stale);
	RUN(test_tcp6_icmpv6_error_is_soft_for_established_connection);
	RUN(test_tcp6_syn_to_time_wait_tuple_reopens_it_above_old_snd_nxt);
	RUN(test_tcp6_time_wait_record_acks_retransmitted_fin_over_ipv6);
	RUN(test_tcp6_orphan_in_fin_wait_2_is_kept_as_v6_record);
	RUN(test_tcp6_close_with_unread_data_resets_peer);
	RUN(test_tcp6_link_local_syn_to_closed_port_is_reset_on_its_interface);
	RUN(test_tcp6_connect_to_unspecified_reaches_ipv6_loopback);
	RUN(test_tcp6_loopback_time_wait_is_reused_by_connect);
	RUN(test_tcp6_listen_without_bind_takes_ephemeral_port_in_both_tables);
	RUN(test_tcp6_bind_to_address_not_ours_is_refused);
	RUN(test_tcp6_socket_bound_to_v6_address_cannot_reach_v4_mapped_peer);
	RUN(test_tcp6_ip_ttl_of_dual_stack_listener_is_used_by_both_families);
	RUN(test_tcp6_foreach_shows_v6_connections_and_records);
	RUN(test_tcp6_packet_too_big_is_not_fatal_and_data_still_arrives);
	RUN(test_tcp6_dual_bound_client_record_holds_both_tables_until_expiry);
	RUN(test_tcp6_dual_stack_listener_cookie_makes_ipv4_child);
	RUN(test_tcp6_lost_syn_ack_is_retransmitted_by_the_child);
	if (sim_live)
		sim_free(&sim);
	TEST_EXIT();
}
