/*
 * Shared setup of the TCP close-lifecycle simulations (tests/sim/): whole
 * stacks on the simulated Ethernet of tests/net/sim.h, in virtual time.
 *
 * Node i has address 10.0.0.(i+1); node 0 is the client and node 1 the
 * server unless a test says otherwise. Every TCP segment put on the wire
 * is logged (wire_log, with the virtual time it was sent), dropped ones
 * included, so a test can count what was sent: RSTs, retransmitted FINs,
 * keepalive probes. A test drops frames with drop_from[node] (a peer that
 * vanished: ARP and all) or with drop_seg (a predicate on TCP segments).
 *
 * Each test file is a program of its own, so everything here is static
 * (inline where a file may not use it). teardown() is the leak check:
 * no TCB, orphan or ring outlives the test, and every allocation made
 * since setup() is freed once the simulation is.
 */
#ifndef KITE_TEST_SIM_TCP_HARNESS_H
#define KITE_TEST_SIM_TCP_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip.h"
#include "net/netdev.h"
#include "net/portalloc.h"
#include "net/stack.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "tests/net/port_host.h"
#include "tests/net/sim.h"
#include "tests/net/tcp_expect.h"
#include "tests/unit/test.h"

#define NET_10_0_0	0x0a000000u
#define ADDR(i)		(NET_10_0_0 + (uint32_t)(i) + 1)
#define PORT		8080
#define ST(i)		(&sim.node[i].stack)

static struct sim sim;
static bool sim_live;		/* a failed CHECK skipped teardown() */
static long allocs_before;

/* One TCP segment as it left a node. */
struct wire_seg {
	uint64_t at;			/* ms: when it was sent */
	int from;			/* node */
	uint32_t src, dst, seq, ack, len;
	uint16_t sport, dport, wnd;
	uint8_t flags;
};

#define WIRE_LOG_MAX	65536
static struct wire_seg wire_log[WIRE_LOG_MAX];
static unsigned wire_n;		/* entries; logging stops when full */

static bool drop_from[SIM_MAX_NODES];
/* The window field of inject()'s forged segments, unscaled. */
static uint16_t inject_window = 65535;
static bool (*drop_seg)(const struct wire_seg *g);

static inline bool parse_seg(int from, const uint8_t *f, unsigned len,
			     struct wire_seg *g)
{
	if (len < ETH_HLEN + IP_HLEN + TCP_HLEN || get_be16(f + 12) != 0x0800)
		return false;
	const uint8_t *ip = f + ETH_HLEN;
	unsigned ihl = (ip[0] & 0xfu) * 4;
	unsigned tot = get_be16(ip + 2);

	if (ip[9] != IPPROTO_TCP_ || tot > len - ETH_HLEN ||
	    tot < ihl + TCP_HLEN)
		return false;
	const uint8_t *t = ip + ihl;
	unsigned doff = (unsigned)(t[12] >> 4) * 4;

	*g = (struct wire_seg){
		.from = from,
		.src = get_be32(ip + 12),
		.dst = get_be32(ip + 16),
		.sport = get_be16(t),
		.dport = get_be16(t + 2),
		.seq = get_be32(t + 4),
		.ack = get_be32(t + 8),
		.flags = t[13] & 0x3f,
		.wnd = get_be16(t + 14),
		.len = tot - ihl - doff,
	};
	return true;
}

static inline void harness_tap(struct sim *sm, int from, const uint8_t *f,
			       unsigned len)
{
	if (wire_n < WIRE_LOG_MAX && parse_seg(from, f, len, &wire_log[wire_n]))
		wire_log[wire_n++].at = sm->now;
}

static inline bool harness_filter(struct sim *sm, int from, const uint8_t *f,
				  unsigned len)
{
	struct wire_seg g;

	(void)sm;
	if (drop_from[from])
		return true;
	return drop_seg && parse_seg(from, f, len, &g) && drop_seg(&g);
}

/* --- time --------------------------------------------------------------- */

/* Advance virtual time by ms, then bring every stack's clock (s->now) to
 * the simulation's, as the kernel does before each user call: a timer a
 * test's call arms then starts from now, not from the node's last event. */
static inline void run(uint64_t ms)
{
	sim_run(&sim, ms);
	sim_run(&sim, 0);
}

/* --- setup -------------------------------------------------------------- */

/* n nodes, 2 ms apart, a perfect wire unless the test impairs it. */
static inline void setup_nodes(int n)
{
	if (sim_live)
		sim_free(&sim);
	allocs_before = port_host_allocs;
	sim_init(&sim, n, NET_10_0_0, 7);
	sim_live = true;
	sim.impair.delay_ms = 2;
	sim.filter = harness_filter;
	sim.wire_tap = harness_tap;
	memset(drop_from, 0, sizeof(drop_from));
	drop_seg = NULL;
	inject_window = 65535;
	wire_n = 0;
	run(1);
}

static inline void setup(void)
{
	setup_nodes(2);
}

static inline void teardown(void)
{
	for (int i = 0; i < sim.nnodes; i++) {
		CHECK_EQ(ST(i)->tcp.allocated, 0);
		CHECK_EQ(ST(i)->tcp.orphans, 0);
		CHECK_EQ(ST(i)->tcp.inuse, 0);
		CHECK_EQ(ST(i)->tcp.mem, 0);
	}
	CHECK_EQ(wire_n < WIRE_LOG_MAX, 1);	/* counts were complete */
	sim_free(&sim);
	sim_live = false;
	CHECK_EQ(port_host_allocs, allocs_before);
}

/* Run 1 ms at a time until cond holds or ms pass; cond's last value.
 * cond is evaluated once per step (it may have effects: an accept). */
#define RUN_UNTIL(ms, cond)                                             \
	({                                                              \
		uint64_t end__ = sim.now + (ms);                        \
		bool ok__;                                              \
		while (!(ok__ = (cond)) && sim.now < end__)             \
			run(1);                                         \
		ok__;                                                   \
	})

/* Run to virtual time t (ms). */
static inline void run_to(uint64_t t)
{
	if (t > sim.now)
		run(t - sim.now);
}

/* --- the wire log ------------------------------------------------------- */

/* Segments node `from` sent at log index >= since, with every flag of
 * `set` and none of `clear`. */
static inline unsigned wire_count(unsigned since, int from, uint8_t set,
				  uint8_t clear)
{
	unsigned n = 0;

	for (unsigned i = since; i < wire_n; i++)
		if (wire_log[i].from == from &&
		    (wire_log[i].flags & set) == set &&
		    !(wire_log[i].flags & clear))
			n++;
	return n;
}

/* The first such segment, or NULL. */
static inline const struct wire_seg *wire_find(unsigned since, int from,
					       uint8_t set, uint8_t clear)
{
	for (unsigned i = since; i < wire_n; i++)
		if (wire_log[i].from == from &&
		    (wire_log[i].flags & set) == set &&
		    !(wire_log[i].flags & clear))
			return &wire_log[i];
	return NULL;
}

/* --- connections -------------------------------------------------------- */

/* A listener on node's port; sk_flags (NET_SOCK_F_REUSEADDR) are set
 * before the bind. */
static inline struct tcp_sock *listen_on(int node, uint16_t port,
					 int backlog, uint8_t sk_flags)
{
	struct tcp_sock *l = tcp_sock_create(ST(node), NULL);

	CHECK(l != NULL);
	l->sk.flags |= sk_flags;
	CHECK_EQ(tcp_bind(ST(node), l, 0, port), 0);
	CHECK_EQ(tcp_listen(ST(node), l, backlog), 0);
	return l;
}

/* From node `from`, connect to listener l (on node `to`) and run until l
 * has handed the connection over and both ends are ESTABLISHED. */
static inline void connect_accept(int from, int to, struct tcp_sock *l,
				  struct tcp_sock **cli,
				  struct tcp_sock **srv)
{
	int err = 0;

	*cli = tcp_sock_create(ST(from), NULL);
	CHECK(*cli != NULL);
	CHECK_EQ(tcp_connect(ST(from), *cli, ADDR(to), l->sk.lport),
		 -EINPROGRESS);
	*srv = NULL;
	for (int i = 0; i < 20000 && !*srv; i++) {
		run(1);
		*srv = tcp_accept(ST(to), l, NULL, &err);
	}
	CHECK(*srv != NULL);
	CHECK(RUN_UNTIL(20000, (*cli)->state == TCP_ESTABLISHED));
	CHECK_EQ((*srv)->state, TCP_ESTABLISHED);
}

/* Node 0 connected to a listener on node 1's PORT (kept in lsn). */
static struct tcp_sock *lsn;
static inline void open_pair(struct tcp_sock **cli, struct tcp_sock **srv)
{
	lsn = listen_on(1, PORT, 8, 0);
	connect_accept(0, 1, lsn, cli, srv);
}

/* node's connection lport <-> peer's rport, or NULL: how a test sees an
 * orphan it can no longer hold a pointer to. */
static inline struct tcp_sock *conn_of(int node, uint16_t lport, int peer,
				       uint16_t rport)
{
	struct tcp_addrs a = tcp_addrs4(ADDR(node), ADDR(peer));

	return tcp_lookup(ST(node), &a, lport, rport);
}

static inline struct tcp_tw *tw_of(int node, uint16_t lport, int peer,
				   uint16_t rport)
{
	struct tcp_addrs a = tcp_addrs4(ADDR(node), ADDR(peer));

	return tcp_tw_lookup(ST(node), &a, lport, rport);
}

/* Send until tp has data queued that it cannot send: the peer never
 * reads, its receive ring is full and it advertises a zero window, and
 * nothing of ours is in flight. */
static inline void fill_peer_window(int node, struct tcp_sock *tp)
{
	static uint8_t junk[8192];
	bool stuck = false;

	for (int ms = 0; ms < 10000 && !stuck; ms++) {
		while (tcp_send(ST(node), tp, junk, sizeof(junk)) > 0)
			;
		run(1);
		stuck = tp->snd_wnd == 0 && tp->snd_len > 0 &&
			tp->snd_una == tp->snd_max;
	}
	CHECK(stuck);
	while (tcp_send(ST(node), tp, junk, sizeof(junk)) > 0)
		;
	run(10);
	CHECK_EQ(tp->snd_wnd, 0);
	CHECK_EQ(tp->snd_len, TCP_SNDBUF);
}

/* Hand node a forged TCP segment from src:sport to its dport, with
 * optlen bytes of options (a multiple of 4), after bringing its clock
 * to the simulation's. */
static inline void inject_opts(int node, uint32_t src, uint16_t sport,
			       uint16_t dport, uint32_t seq, uint32_t ack,
			       uint8_t flags, const void *opts,
			       uint32_t optlen, const void *data,
			       uint32_t len)
{
	uint8_t ip[IP_HLEN] = { 0x45 };
	static uint8_t seg[TCP_HLEN + TCP_OPT_MAX + 1500];
	uint32_t dst = ADDR(node), hlen = TCP_HLEN + optlen;

	CHECK(len <= 1500);
	CHECK(optlen <= TCP_OPT_MAX && optlen % 4 == 0);
	memset(seg, 0, TCP_HLEN);
	put_be32(ip + 12, src);
	put_be32(ip + 16, dst);
	put_be16(seg, sport);
	put_be16(seg + 2, dport);
	put_be32(seg + 4, seq);
	put_be32(seg + 8, ack);
	seg[12] = (uint8_t)(hlen / 4 << 4);
	seg[13] = flags;
	put_be16(seg + 14, inject_window);
	if (optlen)
		memcpy(seg + TCP_HLEN, opts, optlen);
	if (len)
		memcpy(seg + hlen, data, len);
	put_be16(seg + 16, inet_fold(inet_sum(seg, hlen + len,
		inet_pseudo_sum(src, dst, IPPROTO_TCP_,
				(uint16_t)(hlen + len)))));
	net_poll(ST(node), sim.now);
	tcp_input(ST(node), sim.node[node].nif, ip, seg, hlen + len);
}

static inline void inject(int node, uint32_t src, uint16_t sport,
			  uint16_t dport, uint32_t seq, uint32_t ack,
			  uint8_t flags, const void *data, uint32_t len)
{
	inject_opts(node, src, sport, dport, seq, ack, flags, NULL, 0,
		    data, len);
}

static inline struct port_table *tcp_port_table(int node)
{
	return port_table(net_port_alloc(ST(node)), PORT_TCP, PORT_INET);
}

#endif
