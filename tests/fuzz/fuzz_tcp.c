/*
 * Fuzz target: TCP segment input (net/tcp_input.c and all it drives)
 * against live connections in every state.
 *
 * Two whole stacks on the simulated wire (tests/net/sim.h): node 0 at
 * 10.0.0.1 connects from port 40000 to a listener on node 1, 10.0.0.2
 * port 8080. The harness opens a real connection and drives one end,
 * the target, into the state byte 0 picks (its low 7 bits mod S_N
 * below); from then on the wire is cut (the target's answers are lost)
 * and the input's segments, forged as coming from the other end, go to
 * the target's 4-tuple, interleaved with time, user calls and polls.
 * Byte 1 is a variant: V_* bits. Byte 0's top bit is one more, V_IPV6
 * (byte 1 has no bit left): the same scenario over IPv6. Both nodes
 * then have IPv6 on and a global address, node 0 fd00::1 and node 1
 * fd00::2 (/64, DAD done before the scenario starts), the listener is
 * bound to [::]:8080 (dual-stack, its port in both families' tables),
 * the client to [::]:40000, both sockets of family NET_AF_INET6, and the
 * forged segments come in IPv6 packets with the IPv6 pseudo-header
 * checksum (op 0x08 below leaves it wrong all the same). Without it
 * everything is IPv4, as it always was: an input's bytes mean what they
 * meant before V_IPV6 existed (byte 0's top bit was unused by every
 * corpus and regression input).
 *
 * Then a sequence of operations, an op byte each; op & 7 is:
 *   0-3, 7  a segment; op bits: 0x08 leave the checksum wrong, 0x10
 *           absolute SEQ (else relative to what the target expects),
 *           0x20 absolute ACK (else relative to what it sent), 0xc0
 *           the peer's port + 0..3 (other connections, or new ones for
 *           a listener). Fields: flags (low 6 bits; 0x40 ACK relative
 *           to SND.MAX instead of SND.UNA, 0x80 add a timestamp option
 *           that passes PAWS), SEQ (u32 or s16), ACK (u32 or s16),
 *           window (u16), then a byte: low 6 bits a count of option
 *           bytes that follow it (SACK block edges among them are
 *           offsets from SND.UNA), top 2 bits how the data length is
 *           given: none, a u8 or a u16 after the options, or one MSS.
 *           The data is a pattern.
 *   4       time: op >> 4 indexes fuzz_steps[]
 *   5       a user call on the target's socket (op 0x08: the peer's),
 *           op >> 4 picks it (see user_call)
 *   6       the wire: op 0x08 set cuts it, clear reconnects it
 * After every operation both stacks are checked (check_stack): the
 * counters of /proc/net/sockstat against the TCBs and records really
 * hashed, the references in both TCP port tables against the TCBs and
 * records that hold them (sk.port_fams, TW_PORT, TW_PORT6), every TCB
 * and record of the scenario's family and between the two nodes'
 * addresses, rings, sequence numbers and the window offered (never past
 * the ring's free space), and that every connection that waits for
 * something has a timer that will fire. The bare ACKs sent
 * must stay within what the operations and the other segments explain
 * (check_traffic): more is two ends ACKing each other's ACKs forever,
 * an ACK storm. At the end every
 * socket is closed and, within the bounded lifetimes of orphans and
 * TIME_WAIT, everything must be gone: no TCB, record, ring, port (of
 * either family) or allocation left.
 */
#include <errno.h>

#include "net/ip6.h"
#include "net/portalloc.h"
#include "net/sock.h"
#include "net/tcp.h"
#include "net/tcp_opt.h"
#include "net/tcp_seq.h"
#include "net/udp.h"
#include "tests/fuzz/fuzz.h"

#define ST(i)		(&sim.node[i].stack)
#define PORT		8080
#define CPORT		40000
#define PEER_ISN	1000000u	/* the forged peer's SYNs */

enum scenario {
	S_LISTEN,
	S_SYN_SENT,
	S_SYN_RECEIVED,
	S_ESTABLISHED,
	S_FIN_WAIT_1,
	S_FIN_WAIT_2,
	S_CLOSE_WAIT,
	S_LAST_ACK,
	S_CLOSING,
	S_TIME_WAIT,		/* a TIME_WAIT record */
	S_ORPHAN_FIN_WAIT_1,
	S_ORPHAN_FIN_WAIT_2,	/* a FIN_WAIT_2 record */
	S_ORPHAN_LAST_ACK,
	S_ORPHAN_CLOSING,
	S_N
};

#define V_CLIENT	0x01	/* the target is the connecting end */
#define V_INFLIGHT	0x02	/* it has data sent, not acknowledged */
#define V_UNREAD	0x04	/* it holds data not read (not orphans) */
#define V_SMALL		0x08	/* 4 KB rings at both ends */
#define V_KEEPALIVE	0x10	/* SO_KEEPALIVE on the target */
#define V_NODELAY	0x20
#define V_BACKLOG1	0x40	/* listener backlog 1: SYN cookies soon */
#define V_NOCOOKIES	0x80	/* net.ipv4.tcp_syncookies = 0 */
#define V_IPV6		0x100	/* byte 0's 0x80: all of it over IPv6 */
#define SC_IPV6		0x80	/* where V_IPV6 is in byte 0 */

#define NHELD		8
#define NPEERPORTS	4

static struct sim sim;
static int T, P;			/* target and peer node */
static uint16_t tport, pport;		/* their ports */
static struct tcp_sock *lsn;		/* node 1's listener, user-held */
static struct tcp_sock *held[2][NHELD];	/* user-held sockets */
static bool cut, cut_from[2];
static uint16_t ip_id;
static bool v6;				/* V_IPV6 */

/* Environment: FUZZ_TCP_VERBOSE=1 prints the state the setup reached
 * and the target's connections after each operation, =2 also every
 * TCP segment on the wire. FUZZ_TCP_STORMS=tolerate cuts the wire on
 * an ACK storm instead of failing (to look for other bugs while one is
 * not fixed). */
static int verbose;
static bool tolerate_storms;

/* Bare ACKs both nodes may send (segments without data, SYN, FIN or
 * RST, lost ones included): what setup and each operation may cause,
 * and one for each other segment sent. More is a storm: two ends
 * ACKing each other's ACKs forever. */
#define ACKS_SETUP	200
#define ACKS_PER_OP	100
static uint64_t ack_budget;
static uint64_t bare_acks, other_segs;

/* What the target last sent to each peer port: the bases of relative
 * SEQ and ACK when there is no TCB or record to read them from. */
static struct {
	bool valid;
	uint32_t ack, end, tsval;
} last_out[NPEERPORTS];

/* --- the wire ------------------------------------------------------------ */

/* Node i's IPv6 address (V_IPV6): fd00::i+1. */
static struct ip6_addr node_addr6(int i)
{
	struct ip6_addr a = { 0 };

	a.b[0] = 0xfd;
	a.b[15] = (uint8_t)(i + 1);
	return a;
}

/* The TCP segment a frame carries over IPv4 or IPv6 (no extension
 * headers: the stack sends none), its length in *len; NULL if none. */
static const uint8_t *frame_tcp(const uint8_t *f, unsigned flen, size_t *len)
{
	const uint8_t *ip = f + ETH_HLEN;

	if (flen >= ETH_HLEN + IP_HLEN + TCP_HLEN &&
	    get_be16(f + 12) == ETH_P_IP) {
		size_t ihl = (size_t)(ip[0] & 15) * 4, tot = get_be16(ip + 2);

		if (ip[9] != IPPROTO_TCP_ || tot > flen - ETH_HLEN ||
		    tot < ihl + TCP_HLEN)
			return NULL;
		*len = tot - ihl;
		return ip + ihl;
	}
	if (flen >= ETH_HLEN + IP6_HLEN + TCP_HLEN &&
	    get_be16(f + 12) == ETH_P_IPV6) {
		size_t plen = get_be16(ip + 4);

		if (ip[6] != IP6_NH_TCP ||
		    plen > flen - ETH_HLEN - IP6_HLEN || plen < TCP_HLEN)
			return NULL;
		*len = plen;
		return ip + IP6_HLEN;
	}
	return NULL;
}

static void print_frame(int from, const uint8_t *f, unsigned flen)
{
	size_t len;
	const uint8_t *t = frame_tcp(f, flen, &len);

	if (!t)
		return;
	fprintf(stderr, "    t=%llu node %d%s %u > %u seq %u ack %u flags %#x "
		"win %u len %d\n", (unsigned long long)sim.now, from,
		cut || cut_from[from] ? " (lost)" : "", get_be16(t),
		get_be16(t + 2), get_be32(t + 4), get_be32(t + 8), t[13],
		get_be16(t + 14), (int)len - (t[12] >> 4) * 4);
}

static bool filter(struct sim *sm, int from, const uint8_t *f, unsigned len)
{
	(void)sm, (void)f, (void)len;
	return cut || cut_from[from];
}

static void tap(struct sim *sm, int from, const uint8_t *f, unsigned flen)
{
	(void)sm;
	if (verbose >= 2)
		print_frame(from, f, flen);
	size_t len;
	const uint8_t *t = frame_tcp(f, flen, &len);

	if (!t)
		return;
	size_t doff = (size_t)(t[12] >> 4) * 4;
	unsigned k = (uint16_t)(get_be16(t + 2) - pport);
	struct tcp_opts o;

	if (doff < TCP_HLEN || doff > len)
		return;
	if (len == doff && !(t[13] & (TCP_SYN | TCP_FIN | TCP_RST)))
		bare_acks++;
	else
		other_segs++;
	if (from != T || get_be16(t) != tport || k >= NPEERPORTS)
		return;
	last_out[k].valid = true;
	last_out[k].ack = get_be32(t + 8);
	last_out[k].end = get_be32(t + 4) + (uint32_t)(len - doff) +
			  !!(t[13] & TCP_SYN) + !!(t[13] & TCP_FIN);
	if (tcp_opt_parse(t + TCP_HLEN, doff - TCP_HLEN, t[13] & TCP_SYN,
			  &o) == 0 && o.has_ts)
		last_out[k].tsval = o.tsval;
}

/* What a time step may cause: every TCB and record probing (keepalive,
 * zero window) and answered, each well under 30 times. */
static uint64_t time_budget(void)
{
	return 30 * (1 + ST(0)->tcp.allocated + ST(1)->tcp.allocated +
		     ST(0)->tcp.tw + ST(1)->tcp.tw);
}

/* More bare ACKs than setup, the operations and the other segments
 * explain: the two ends answer each other's ACKs forever (a storm). */
static void check_traffic(void)
{
	if (bare_acks <= ack_budget + other_segs)
		return;
	if (!tolerate_storms) {
		fprintf(stderr, "fuzz_tcp: %llu bare ACKs by t=%llu ms, more "
			"than the %llu the operations and %llu other segments "
			"explain: an ACK storm (FUZZ_TCP_VERBOSE=2 shows the "
			"wire)\n", (unsigned long long)bare_acks,
			(unsigned long long)sim.now,
			(unsigned long long)ack_budget,
			(unsigned long long)other_segs);
		FUZZ_CHECK(!"ACKs bounded by what the input did");
	}
	cut = true;
	ack_budget = bare_acks - other_segs + ACKS_PER_OP;
}

/* Virtual time, ten seconds at a time so that a storm is caught early. */
static void run(uint64_t ms)
{
	do {
		uint64_t step = ms < 10000 ? ms : 10000;

		sim_run(&sim, step);
		ms -= step;
		check_traffic();
	} while (ms);
}

#define RUN_UNTIL(ms, cond)                                             \
	({                                                              \
		for (unsigned i__ = 0; i__ < (ms) && !(cond); i__++)    \
			run(1);                                         \
		(cond);                                                 \
	})

/* --- sockets the "user" holds ------------------------------------------- */

static void hold(int node, struct tcp_sock *tp)
{
	for (int i = 0; i < NHELD; i++)
		if (!held[node][i]) {
			held[node][i] = tp;
			return;
		}
	tcp_close(ST(node), tp);	/* no room: the user closes it */
}

static void unhold(int node, struct tcp_sock *tp)
{
	for (int i = 0; i < NHELD; i++)
		if (held[node][i] == tp)
			held[node][i] = NULL;
}

static struct tcp_sock *subject(int node)
{
	for (int i = 0; i < NHELD; i++)
		if (held[node][i])
			return held[node][i];
	return NULL;
}

static bool is_held(int node, const struct tcp_sock *tp)
{
	for (int i = 0; i < NHELD; i++)
		if (held[node][i] == tp)
			return true;
	return false;
}

/* Node `node`'s address and the other node's, in the scenario's
 * family: every connection of the scenario is between these two. */
static struct tcp_addrs node_addrs(int node)
{
	if (!v6)
		return tcp_addrs4(FUZZ_ADDR(node), FUZZ_ADDR(1 - node));
	return (struct tcp_addrs){ .v6 = true,
				   .laddr6 = node_addr6(node),
				   .raddr6 = node_addr6(1 - node) };
}

/* The target's connection with peer port index k, or its record. */
static struct tcp_sock *tconn(unsigned k)
{
	struct tcp_addrs a = node_addrs(T);

	return tcp_lookup(ST(T), &a, tport, (uint16_t)(pport + k));
}

static struct tcp_tw *ttw(unsigned k)
{
	struct tcp_addrs a = node_addrs(T);

	return tcp_tw_lookup(ST(T), &a, tport, (uint16_t)(pport + k));
}

/* --- sockets of the scenario's family ------------------------------------- */

static struct tcp_sock *sock_create(int node)
{
	struct tcp_sock *tp = tcp_sock_create(ST(node), NULL);

	if (tp && v6)
		tp->sk.family = NET_AF_INET6;
	return tp;
}

/* Bind to the wildcard address: 0.0.0.0, or [::] (dual-stack). */
static int sock_bind(int node, struct tcp_sock *tp, uint16_t port)
{
	if (!v6)
		return tcp_bind(ST(node), tp, 0, port);
	return tcp_bind6(ST(node), tp, &ip6_addr_any, NULL, port);
}

/* Node 0 connects to node 1's PORT. */
static int sock_connect(struct tcp_sock *tp)
{
	struct ip6_addr dst = node_addr6(1);

	if (!v6)
		return tcp_connect(ST(0), tp, FUZZ_ADDR(1), PORT);
	return tcp_connect6(ST(0), tp, &dst, NULL, PORT);
}

/* --- invariants ----------------------------------------------------------- */

/* The references a node's TCBs and records hold on each TCP port, in
 * the IPv4 and the IPv6 table ([0] NET_PORT_V4, [1] NET_PORT_V6), and
 * the ports that have any: what the tables must say. */
static unsigned port_holds[2][65536];
static uint16_t ports_held[65536];
static unsigned nports;

/* One holder of port in the tables of fams (NET_PORT_*). */
static void count_port(uint16_t port, unsigned fams)
{
	if (!fams)
		return;
	if (!port_holds[0][port] && !port_holds[1][port])
		ports_held[nports++] = port;
	for (unsigned f = 0; f < 2; f++)
		port_holds[f][port] += !!(fams & (NET_PORT_V4 << f));
}

/* Each table against the holders counted: the same references on each
 * port, and no port held by none of them. Then the counts start over. */
static void check_ports(struct net_stack *s)
{
	for (unsigned f = 0; f < 2; f++) {
		struct port_table *pt = tcp_ports(s, NET_PORT_V4 << f);
		unsigned used = 0;

		for (unsigned i = 0; i < nports; i++) {
			uint16_t port = ports_held[i];

			FUZZ_CHECK(port_refs(pt, port) == port_holds[f][port]);
			used += port_holds[f][port] != 0;
		}
		FUZZ_CHECK(pt->in_use == used);
	}
	for (unsigned i = 0; i < nports; i++)
		port_holds[0][ports_held[i]] = port_holds[1][ports_held[i]] = 0;
	nports = 0;
}

static uint64_t first_deadline(const struct tcp_sock *tp)
{
	uint64_t d = UINT64_MAX;

	if (tp->t_rexmt && tp->t_rexmt < d)
		d = tp->t_rexmt;
	if (tp->t_delack && tp->t_delack < d)
		d = tp->t_delack;
	if (tp->t_keep && tp->t_keep < d)
		d = tp->t_keep;
	return d;
}

/* One TCB's own state; returns the bytes of its rings. */
static size_t check_tcb(int node, const struct tcp_sock *tp)
{
	/* The scenario's family; a port in the tables of its family only
	 * (both for a dual-stack [::]); the two nodes' addresses. */
	FUZZ_CHECK(tp->sk.family == (v6 ? NET_AF_INET6 : NET_AF_INET));
	FUZZ_CHECK(!!(tp->flags & TF_PORT) == !!tp->sk.port_fams);
	FUZZ_CHECK(!(tp->sk.port_fams & ~(NET_PORT_V4 | NET_PORT_V6)));
	if (!v6)
		FUZZ_CHECK(!(tp->sk.port_fams & NET_PORT_V6));
	if (tp->flags & TF_PORT)
		count_port(tp->sk.lport, tp->sk.port_fams);
	if (tp->sk.connected && tp->state != TCP_LISTEN) {
		struct tcp_addrs a, want = node_addrs(node);

		tcp_sk_addrs(&tp->sk, &a);
		FUZZ_CHECK(tcp_addrs_eq(&a, &want));
	}
	if (tp->sndbuf) {
		FUZZ_CHECK(tp->snd_len <= tp->snd_size);
		FUZZ_CHECK(tp->snd_head < tp->snd_size);
		FUZZ_CHECK(tp->rcv_len <= tp->rcv_size);
		FUZZ_CHECK(tp->rcv_head < tp->rcv_size);
	}
	if (tp->state == TCP_CLOSED || tp->state == TCP_LISTEN)
		return tp->sndbuf ? tp->snd_size + tp->rcv_size : 0;
	/* A passive child holds its rings only from the ACK that
	 * completes its handshake (tcp_input.c): half-open, it is sized
	 * (its SYN-ACK offered a window) but holds no buffer. */
	if (tp->state == TCP_SYN_RECEIVED && tp->parent)
		FUZZ_CHECK(!tp->sndbuf && !tp->rcvbuf && tp->rcv_size);
	else
		FUZZ_CHECK(tp->sndbuf && tp->rcvbuf);
	/* The window offered never goes past the ring's free space
	 * (tcp.h): the right edge advertised is at most the last byte the
	 * ring can take. In SYN_SENT nothing has been offered yet. */
	if (tp->state != TCP_SYN_SENT)
		FUZZ_CHECK(seq_leq(tp->rcv_adv, tp->rcv_nxt + tp->rcv_size -
						     tp->rcv_len));
	FUZZ_CHECK(seq_leq(tp->snd_una, tp->snd_nxt));
	FUZZ_CHECK(seq_leq(tp->snd_nxt, tp->snd_max));
	/* No per-segment queue: what is in flight is in the ring, plus a
	 * SYN and a FIN. */
	FUZZ_CHECK(tp->snd_max - tp->snd_una <= tp->snd_len + 2);
	FUZZ_CHECK(tp->nooo <= TCP_OOO_MAX);
	for (int i = 0; i < tp->nooo; i++) {
		const struct tcp_ooo *r = &tp->ooo[i];

		FUZZ_CHECK(seq_lt(r->start, r->end));
		FUZZ_CHECK(seq_gt(r->start, tp->rcv_nxt));
		/* Held in the ring's free space, past the unread bytes. */
		FUZZ_CHECK(r->end - tp->rcv_nxt <= tp->rcv_size - tp->rcv_len);
	}
	/* Liveness: whatever waits has a timer that fires by then. */
	uint64_t d = first_deadline(tp);
	if (d != UINT64_MAX)
		FUZZ_CHECK(wtimer_pending(&tp->timer) &&
			   tp->timer.expires <= d);
	if (tp->flags & TF_ORPHAN)
		FUZZ_CHECK(tp->t_keep != 0);	/* its maximum linger */
	if (tp->snd_una != tp->snd_max)
		FUZZ_CHECK(tp->t_rexmt != 0);	/* retransmission */
	return tp->sndbuf ? tp->snd_size + tp->rcv_size : 0;
}

static void check_tw(int node)
{
	struct net_stack *s = ST(node);
	unsigned hashed = 0, queued = 0;

	for (int i = 0; i < TCP_EHASH_SIZE; i++)
		for (const struct tcp_tw *tw = s->tcp.twhash[i]; tw;
		     tw = tw->hnext) {
			struct tcp_addrs a, want = node_addrs(node);

			/* A struct tcp_tw6 for a v6 connection, between
			 * the two nodes' global addresses (no scope). */
			FUZZ_CHECK(!!(tw->flags & TW_V6) == v6);
			tcp_tw_addrs(tw, &a);
			FUZZ_CHECK(tcp_addrs_eq(&a, &want));
			FUZZ_CHECK(!tcp_tw_nif(tw));
			if (!v6)
				FUZZ_CHECK(!(tw->flags & TW_PORT6));
			count_port(tw->lport,
				   ((tw->flags & TW_PORT) ? NET_PORT_V4 : 0) |
				   ((tw->flags & TW_PORT6) ? NET_PORT_V6 : 0));
			FUZZ_CHECK(tcp_ehash(&a, tw->lport, tw->rport) ==
				   (unsigned)i);
			/* A 4-tuple is a connection or a record, never both. */
			FUZZ_CHECK(!tcp_lookup(s, &a, tw->lport, tw->rport));
			hashed++;
		}
	const struct tcp_twq *qs[2] = { &s->tcp.twq_tw, &s->tcp.twq_fw2 };
	for (int q = 0; q < 2; q++) {
		const struct tcp_tw *prev = NULL;

		for (const struct tcp_tw *tw = qs[q]->head; tw;
		     tw = tw->qnext) {
			FUZZ_CHECK(tw->qprev == prev);
			FUZZ_CHECK(!!(tw->flags & TW_FIN_WAIT_2) == (q == 1));
			/* Soonest first. */
			if (prev)
				FUZZ_CHECK((int32_t)(tw->expires -
						     prev->expires) >= 0);
			prev = tw;
			FUZZ_CHECK(++queued <= hashed);
		}
		FUZZ_CHECK(qs[q]->tail == prev);
	}
	FUZZ_CHECK(hashed == queued);
	FUZZ_CHECK(s->tcp.tw == hashed);
}

/* The counters against what is there. */
static void check_stack(int node)
{
	struct net_stack *s = ST(node);
	unsigned hashed = 0, orphans = 0, estab = 0, unhashed = 0;
	size_t mem = 0;

	for (int i = 0; i < TCP_LHASH_SIZE; i++)
		for (struct tcp_sock *l = s->tcp.lhash[i]; l; l = l->hnext) {
			unsigned q = 0, synq = 0;
			const struct tcp_sock *last = NULL;

			FUZZ_CHECK(l->state == TCP_LISTEN && l->sk.connected);
			FUZZ_CHECK((l->sk.lport & (TCP_LHASH_SIZE - 1)) ==
				   (unsigned)i);
			for (const struct tcp_sock *c = l->aq_head; c;
			     c = c->aq_next) {
				FUZZ_CHECK(c->parent == l &&
					   (c->flags & TF_ACCEPTQ));
				FUZZ_CHECK(++q <= l->qlen);
				last = c;
			}
			FUZZ_CHECK(q == l->qlen && l->aq_tail == last);
			for (int j = 0; j < TCP_EHASH_SIZE; j++)
				for (const struct tcp_sock *c = s->tcp.ehash[j];
				     c; c = c->hnext)
					synq += c->parent == l &&
						(c->flags & TF_SYNQ);
			FUZZ_CHECK(synq == l->synq && synq <= l->backlog);
			mem += check_tcb(node, l);
			hashed++;
		}
	for (int i = 0; i < TCP_EHASH_SIZE; i++)
		for (struct tcp_sock *tp = s->tcp.ehash[i]; tp;
		     tp = tp->hnext) {
			FUZZ_CHECK(tp->state != TCP_LISTEN &&
				   tp->state != TCP_CLOSED);
			FUZZ_CHECK(tp->sk.connected);
			struct tcp_addrs a;

			tcp_sk_addrs(&tp->sk, &a);
			FUZZ_CHECK(tcp_ehash(&a, tp->sk.lport, tp->sk.rport) ==
				   (unsigned)i);
			/* Owned by exactly one of: a user, the stack (an
			 * orphan), a listener (not yet accepted). */
			FUZZ_CHECK(is_held(node, tp) +
				   !!(tp->flags & TF_ORPHAN) +
				   !!tp->parent == 1);
			if (tp->parent)
				FUZZ_CHECK(tp->parent->state == TCP_LISTEN);
			mem += check_tcb(node, tp);
			orphans += !!(tp->flags & TF_ORPHAN);
			estab += tp->state == TCP_ESTABLISHED ||
				 tp->state == TCP_CLOSE_WAIT;
			hashed++;
		}
	for (int i = 0; i < NHELD; i++) {
		struct tcp_sock *tp = held[node][i];

		if (!tp || tp->sk.connected)
			continue;
		FUZZ_CHECK(tp->state == TCP_CLOSED);
		FUZZ_CHECK(!(tp->flags & TF_ORPHAN) && !tp->parent);
		mem += check_tcb(node, tp);
		unhashed++;
	}
	FUZZ_CHECK(s->tcp.inuse == hashed);
	FUZZ_CHECK(s->tcp.allocated == hashed + unhashed);
	FUZZ_CHECK(s->tcp.orphans == orphans);
	FUZZ_CHECK(s->tcp.estab == estab);
	FUZZ_CHECK(s->tcp.mem == mem);
	check_tw(node);
	check_ports(s);
}

/* --- driving the target into its state ----------------------------------- */

static void set_bufs(int node, struct tcp_sock *tp, uint8_t v)
{
	if (!(v & V_SMALL))
		return;
	net_sock_setopt(ST(node), &tp->sk, NET_SO_RCVBUF, 4096);
	net_sock_setopt(ST(node), &tp->sk, NET_SO_SNDBUF, 4096);
}

static void send_pattern(int node, struct tcp_sock *tp, uint32_t n)
{
	static uint8_t buf[8192];

	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	while (n) {
		int r = tcp_send(ST(node), tp, buf, n < sizeof(buf) ? n :
						    sizeof(buf));
		if (r <= 0)
			return;
		n -= (uint32_t)r;
	}
}

/* V_IPV6: IPv6 on at both nodes, each with its global address usable
 * (DAD done: one solicitation after a random wait of up to a second). */
static bool ip6_up(void)
{
	for (int i = 0; i < 2; i++) {
		struct ip6_addr a = node_addr6(i);

		ST(i)->now = sim.now;
		FUZZ_CHECK(ip6_enable(ST(i), sim.node[i].nif) == 0);
		FUZZ_CHECK(ip6_addr_add(ST(i), sim.node[i].nif, &a, 64) == 0);
	}
	for (int n = 0; n < 40; n++) {
		bool usable = true;

		for (int i = 0; i < 2; i++) {
			struct ip6_addr a = node_addr6(i);
			const struct ip6_ifaddr *ifa =
				ip6_ifaddr_find(sim.node[i].nif, &a);

			usable = usable && ifa &&
				 !(ifa->flags & (IP6_IFA_TENTATIVE |
						 IP6_IFA_DADFAILED));
		}
		if (usable)
			return true;
		run(100);
	}
	return false;
}

static bool setup(unsigned sc, unsigned v)
{
	struct tcp_sock *c, *srv = NULL, *tu, *pu;
	bool orphan = sc >= S_ORPHAN_FIN_WAIT_1;
	int err;

	T = (sc == S_SYN_SENT || (sc >= S_ESTABLISHED && (v & V_CLIENT))) ?
	    0 : 1;
	P = 1 - T;
	tport = T == 1 ? PORT : CPORT;
	pport = T == 1 ? CPORT : PORT;
	if (v & V_NOCOOKIES)
		ST(1)->tcp.sysctl.syncookies = 0;

	if (v6 && !ip6_up())
		return false;
	lsn = sock_create(1);
	set_bufs(1, lsn, v);
	if (v & V_KEEPALIVE)
		tcp_set_keepalive(ST(1), lsn, true);
	FUZZ_CHECK(sock_bind(1, lsn, PORT) == 0);
	FUZZ_CHECK(tcp_listen(ST(1), lsn, (v & V_BACKLOG1) ? 1 : 4) == 0);
	/* Both ends know each other's MAC before anything is lost (ARP,
	 * or Neighbor Discovery: the request's NS tells node 1 too). */
	if (v6) {
		struct ip6_addr dst = node_addr6(1);

		icmp6_send_echo(ST(0), &dst, NULL, 1, 1, NULL, 0, 0);
	} else {
		icmp_send_echo(ST(0), 0, FUZZ_ADDR(1), 1, 1, NULL, 0, 0);
	}
	run(10);
	if (sc == S_LISTEN)
		return lsn->state == TCP_LISTEN;

	c = sock_create(0);
	set_bufs(0, c, v);
	FUZZ_CHECK(sock_bind(0, c, CPORT) == 0);
	hold(0, c);
	if (sc == S_SYN_SENT)
		cut = true;
	if (sc == S_SYN_RECEIVED)
		cut_from[1] = true;	/* the SYN-ACK is lost */
	FUZZ_CHECK(sock_connect(c) == -EINPROGRESS);
	if (sc == S_SYN_SENT)
		return c->state == TCP_SYN_SENT;
	if (sc == S_SYN_RECEIVED) {
		bool ok = RUN_UNTIL(50, tconn(0) != NULL);
		cut = true;
		return ok && tconn(0)->state == TCP_SYN_RECEIVED;
	}
	for (int i = 0; i < 100 && !srv; i++) {
		run(1);
		srv = tcp_accept(ST(1), lsn, NULL, &err);
	}
	if (!srv || !RUN_UNTIL(50, c->state == TCP_ESTABLISHED))
		return false;
	hold(1, srv);
	tu = T == 0 ? c : srv;
	pu = T == 0 ? srv : c;
	if (v & V_KEEPALIVE)
		tcp_set_keepalive(ST(T), tu, true);
	if (v & V_NODELAY)
		tcp_set_nodelay(tu, true);
	if ((v & V_UNREAD) && !orphan) {
		send_pattern(P, pu, 1000);
		if (!RUN_UNTIL(100, tu->rcv_len == 1000))
			return false;
	}

	switch (sc) {
	case S_ESTABLISHED:
	case S_FIN_WAIT_1:
	case S_ORPHAN_FIN_WAIT_1:
		cut = true;
		if (v & V_INFLIGHT)
			send_pattern(T, tu, 3000);
		if (sc != S_ESTABLISHED)
			tcp_shutdown(ST(T), tu, NET_SHUT_WR);
		break;
	case S_FIN_WAIT_2:
	case S_TIME_WAIT:
		tcp_shutdown(ST(T), tu, NET_SHUT_WR);
		if (!RUN_UNTIL(100, tu->state == TCP_FIN_WAIT_2))
			return false;
		if (sc == S_TIME_WAIT) {
			tcp_shutdown(ST(P), pu, NET_SHUT_WR);
			if (!RUN_UNTIL(100, ttw(0) != NULL))
				return false;
		}
		cut = true;
		break;
	case S_CLOSE_WAIT:
	case S_LAST_ACK:
	case S_ORPHAN_LAST_ACK:
		tcp_shutdown(ST(P), pu, NET_SHUT_WR);
		if (!RUN_UNTIL(100, tu->state == TCP_CLOSE_WAIT &&
					    pu->state == TCP_FIN_WAIT_2))
			return false;
		cut = true;
		if (v & V_INFLIGHT)
			send_pattern(T, tu, 3000);
		if (sc != S_CLOSE_WAIT)
			tcp_shutdown(ST(T), tu, NET_SHUT_WR);
		break;
	case S_CLOSING:
	case S_ORPHAN_CLOSING:
		cut_from[T] = true;
		if (v & V_INFLIGHT)
			send_pattern(T, tu, 3000);
		tcp_shutdown(ST(T), tu, NET_SHUT_WR);
		tcp_shutdown(ST(P), pu, NET_SHUT_WR);
		if (!RUN_UNTIL(100, tu->state == TCP_CLOSING))
			return false;
		cut = true;
		break;
	case S_ORPHAN_FIN_WAIT_2:
		break;
	}
	if (orphan) {
		unhold(T, tu);
		tcp_close(ST(T), tu);
		if (sc == S_ORPHAN_FIN_WAIT_2) {
			if (!RUN_UNTIL(100, ttw(0) != NULL))
				return false;
			cut = true;
		}
	}

	static const uint8_t want[S_N] = {
		[S_ESTABLISHED] = TCP_ESTABLISHED,
		[S_FIN_WAIT_1] = TCP_FIN_WAIT_1,
		[S_FIN_WAIT_2] = TCP_FIN_WAIT_2,
		[S_CLOSE_WAIT] = TCP_CLOSE_WAIT,
		[S_LAST_ACK] = TCP_LAST_ACK,
		[S_CLOSING] = TCP_CLOSING,
		[S_ORPHAN_FIN_WAIT_1] = TCP_FIN_WAIT_1,
		[S_ORPHAN_LAST_ACK] = TCP_LAST_ACK,
		[S_ORPHAN_CLOSING] = TCP_CLOSING,
	};
	struct tcp_sock *tp = tconn(0);
	struct tcp_tw *tw = ttw(0);

	if (sc == S_TIME_WAIT)
		return !tp && tw && !(tw->flags & TW_FIN_WAIT_2);
	if (sc == S_ORPHAN_FIN_WAIT_2)
		return !tp && tw && (tw->flags & TW_FIN_WAIT_2);
	return tp && tp->state == want[sc] &&
	       !!(tp->flags & TF_ORPHAN) == orphan;
}

/* FUZZ_TCP_VERBOSE=1: what the setup reached, to see every state is. */
static void report(unsigned sc, unsigned v)
{
	static const char *const scn[S_N] = {
		"LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
		"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "LAST_ACK",
		"CLOSING", "TIME_WAIT", "ORPHAN_FIN_WAIT_1",
		"ORPHAN_FIN_WAIT_2", "ORPHAN_LAST_ACK", "ORPHAN_CLOSING",
	};
	struct tcp_sock *tp = sc == S_LISTEN ? lsn : tconn(0);
	struct tcp_tw *tw = ttw(0);

	fprintf(stderr, "fuzz_tcp: %s variant %#04x: node %d port %u: ",
		scn[sc], v, T, tport);
	if (tp)
		fprintf(stderr, "TCB state %u%s snd_una..max %u rcv_len %u\n",
			tp->state, (tp->flags & TF_ORPHAN) ? " orphan" : "",
			tp->snd_max - tp->snd_una, tp->rcv_len);
	else if (tw)
		fprintf(stderr, "%s record\n", (tw->flags & TW_FIN_WAIT_2) ?
			"FIN_WAIT_2" : "TIME_WAIT");
	else
		fprintf(stderr, "nothing\n");
}

/* ... and after each operation, the target's connections. */
static void trace(uint8_t op)
{
	fprintf(stderr, "  op %#04x t=%llu:", op, (unsigned long long)sim.now);
	for (unsigned k = 0; k < NPEERPORTS; k++) {
		struct tcp_sock *tp = tconn(k);
		struct tcp_tw *tw = ttw(k);

		if (tp)
			fprintf(stderr, " [%u] state %u%s wnd %u wl1-rcv_nxt "
				"%d", k, tp->state,
				(tp->flags & TF_ORPHAN) ? " orphan" : "",
				tp->snd_wnd, (int)(tp->snd_wl1 - tp->rcv_nxt));
		else if (tw)
			fprintf(stderr, " [%u] %s record", k,
				(tw->flags & TW_FIN_WAIT_2) ? "FW2" : "TW");
	}
	fprintf(stderr, " allocated %u tw %u\n", ST(T)->tcp.allocated,
		ST(T)->tcp.tw);
}

/* --- what the input does ------------------------------------------------ */

/* SACK blocks of the input are offsets from SND.UNA: made absolute,
 * they can name what the target really has in flight. */
static void sack_relative(uint8_t *o, size_t len, uint32_t una)
{
	size_t i = 0;

	while (i < len && o[i] != TCPOPT_EOL) {
		if (o[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2 || o[i + 1] > len - i)
			return;
		if (o[i] == TCPOPT_SACK)
			for (size_t j = 2; j + 4 <= o[i + 1]; j += 4)
				put_be32(o + i + j, get_be32(o + i + j) + una);
		i += o[i + 1];
	}
}

/* V_IPV6: the Ethernet and IPv6 headers in front of the segment t (len
 * bytes) from the peer to the target, and its checksum over the IPv6
 * pseudo-header (RFC 8200 8.1) if csum, else left 0: wrong. */
static void ip6_segment(uint8_t *frame, uint8_t *t, size_t len, bool csum)
{
	struct ip6_addr src = node_addr6(P), dst = node_addr6(T);
	uint8_t *h = frame + ETH_HLEN;

	if (csum)
		put_be16(t + 16, inet_fold(inet_sum(t, len,
			inet6_pseudo_sum(&src, &dst, (uint32_t)len,
					 IP6_NH_TCP))));
	fuzz_eth_hdr(frame, fuzz_node_mac(&sim, T), fuzz_node_mac(&sim, P),
		     ETH_P_IPV6);
	put_be32(h, 0x60000000u);	/* version 6, no class or flow */
	put_be16(h + 4, (uint16_t)len);
	h[6] = IP6_NH_TCP;
	h[7] = 64;
	memcpy(h + 8, src.b, 16);
	memcpy(h + 24, dst.b, 16);
}

/* A segment from the peer (port pport + k) to the target. */
static void segment(struct fuzz_in *in, uint8_t op)
{
	static uint8_t frame[ETH_FRAME_MAX + 4];
	unsigned k = op >> 6;
	uint8_t flags = fuzz_u8(in);
	uint32_t seq = (op & 0x10) ? fuzz_u32(in) :
				     (uint32_t)(int16_t)fuzz_u16(in);
	uint32_t ack = (op & 0x20) ? fuzz_u32(in) :
				     (uint32_t)(int16_t)fuzz_u16(in);
	uint16_t wnd = fuzz_u16(in);
	uint8_t optb = fuzz_u8(in);
	bool ts = flags & 0x80;
	size_t nopt = optb & 63, got;
	const uint8_t *opt;
	uint32_t dlen;

	if (nopt > TCP_OPT_MAX - (ts ? 12 : 0))
		nopt = TCP_OPT_MAX - (ts ? 12 : 0);
	opt = fuzz_bytes(in, nopt, &got);
	nopt = got;

	/* The bases: the connection, else its record, else what the
	 * target last said on that port. */
	struct tcp_sock *tp = tconn(k);
	struct tcp_tw *tw = tp ? NULL : ttw(k);
	uint32_t rcv = PEER_ISN, una = 0, max = 0, tsval = (uint32_t)sim.now;
	uint32_t tsecr = last_out[k].valid ? last_out[k].tsval : 0;
	uint16_t mss = 536;

	if (tp) {
		rcv = tp->rcv_nxt;
		una = tp->snd_una;
		max = tp->snd_max;
		tsval = tp->ts_recent + 1;
		mss = tp->mss;
	} else if (tw) {
		rcv = tw->rcv_nxt;
		una = max = tw->snd_nxt;
		tsval = tw->ts_recent + 1;
	} else if (last_out[k].valid) {
		rcv = last_out[k].ack;
		una = max = last_out[k].end;
	}
	if (!(op & 0x10))
		seq += rcv;
	if (!(op & 0x20))
		ack += (flags & 0x40) ? max : una;

	switch (optb >> 6) {
	case 0:
		dlen = 0;
		break;
	case 1:
		dlen = fuzz_u8(in);
		break;
	case 2:
		dlen = fuzz_u16(in);
		break;
	default:
		dlen = mss;
		break;
	}

	size_t l3 = v6 ? IP6_HLEN : IP_HLEN;
	uint8_t *t = frame + ETH_HLEN + l3;
	size_t optlen = 0;

	if (ts) {
		t[TCP_HLEN] = TCPOPT_NOP;
		t[TCP_HLEN + 1] = TCPOPT_NOP;
		t[TCP_HLEN + 2] = TCPOPT_TIMESTAMP;
		t[TCP_HLEN + 3] = TCPOLEN_TIMESTAMP;
		put_be32(t + TCP_HLEN + 4, tsval);
		put_be32(t + TCP_HLEN + 8, tsecr);
		optlen = 12;
	}
	memcpy(t + TCP_HLEN + optlen, opt, nopt);
	sack_relative(t + TCP_HLEN + optlen, nopt, una);
	optlen += nopt;
	while (optlen % 4)
		t[TCP_HLEN + optlen++] = TCPOPT_EOL;
	size_t room = ETH_FRAME_MAX - ETH_HLEN - l3 - TCP_HLEN - optlen;
	if (dlen > room)
		dlen = (uint32_t)room;
	for (uint32_t i = 0; i < dlen; i++)
		t[TCP_HLEN + optlen + i] = (uint8_t)('a' + i % 26);

	uint16_t sport = (uint16_t)(pport + k);
	size_t len = TCP_HLEN + optlen + dlen;
	put_be16(t, sport);
	put_be16(t + 2, tport);
	put_be32(t + 4, seq);
	put_be32(t + 8, ack);
	t[12] = (uint8_t)(((TCP_HLEN + optlen) / 4) << 4);
	t[13] = flags & 0x3f;
	put_be16(t + 14, wnd);
	put_be16(t + 16, 0);
	put_be16(t + 18, 0);
	if (v6) {
		ip6_segment(frame, t, len, !(op & 0x08));
	} else {
		if (!(op & 0x08))
			fuzz_l4_csum(t, len, 16, FUZZ_ADDR(P), FUZZ_ADDR(T),
				     IPPROTO_TCP_);
		fuzz_eth_hdr(frame, fuzz_node_mac(&sim, T),
			     fuzz_node_mac(&sim, P), ETH_P_IP);
		fuzz_ip_hdr(frame + ETH_HLEN, FUZZ_ADDR(P), FUZZ_ADDR(T),
			    IPPROTO_TCP_, ip_id++, 0,
			    (uint16_t)(IP_HLEN + len));
	}
	/* An exact-size copy: ASan sees any read past the frame. */
	uint8_t *f = malloc(ETH_HLEN + l3 + len);
	memcpy(f, frame, ETH_HLEN + l3 + len);
	fuzz_deliver(&sim, T, f, ETH_HLEN + l3 + len);
	free(f);
}

/* What a user can do to a node's socket. */
static void user_call(int node, unsigned call)
{
	static uint8_t buf[8192];
	struct tcp_sock *tp = subject(node);
	struct net_stack *s = ST(node);
	int err;

	switch (call) {
	case 8: {	/* accept */
		struct tcp_sock *c = node == 1 && lsn ?
			tcp_accept(s, lsn, NULL, &err) : NULL;
		if (c)
			hold(node, c);
		break;
	}
	case 12:	/* close the listener: its children are reset */
		if (node == 1 && lsn) {
			tcp_close(s, lsn);
			lsn = NULL;
		}
		break;
	case 13: {	/* one more connection, node 0 to node 1 */
		struct tcp_sock *c = sock_create(0);
		if (c) {
			sock_connect(c);
			hold(0, c);
		}
		break;
	}
	}
	if (!tp)
		return;
	switch (call) {
	case 0:
		tcp_recv(s, tp, buf, 100);
		break;
	case 1:
		while (tcp_recv(s, tp, buf, sizeof(buf)) > 0)
			;
		break;
	case 2:
		send_pattern(node, tp, 100);
		break;
	case 3:
		send_pattern(node, tp, 5000);
		break;
	case 4:
		tcp_shutdown(s, tp, NET_SHUT_WR);
		break;
	case 5:
		tcp_shutdown(s, tp, NET_SHUT_RD);
		break;
	case 6:
		unhold(node, tp);
		tcp_close(s, tp);
		break;
	case 7:
		unhold(node, tp);
		tcp_abort(s, tp);
		break;
	case 9:
		tcp_set_keepalive(s, tp, true);
		break;
	case 10:
		tcp_set_keepalive(s, tp, false);
		break;
	case 11:
		tcp_set_nodelay(tp, !(tp->flags & TF_NODELAY));
		break;
	case 14:
		tcp_poll_events(s, tp);
		break;
	case 15:
		tcp_recv(s, tp, buf, 1);
		break;
	}
	run(0);
}

static void check_all(void)
{
	check_stack(0);
	check_stack(1);
	fuzz_take_events(&sim);
}

/* Close everything; orphans and records have bounded lives: after
 * them nothing may be left. */
static void teardown(void)
{
	for (int n = 0; n < 2; n++)
		for (int i = 0; i < NHELD; i++)
			if (held[n][i]) {
				tcp_close(ST(n), held[n][i]);
				held[n][i] = NULL;
			}
	if (lsn)
		tcp_close(ST(1), lsn);
	lsn = NULL;
	check_all();
	ack_budget += ACKS_PER_OP + time_budget();
	run(3 * TCP_ORPHAN_LINGER + 2 * TCP_TIMEWAIT_LEN);
	check_all();
	for (int n = 0; n < 2; n++) {
		struct net_stack *s = ST(n);

		FUZZ_CHECK(s->tcp.allocated == 0 && s->tcp.inuse == 0);
		FUZZ_CHECK(s->tcp.orphans == 0 && s->tcp.tw == 0);
		FUZZ_CHECK(s->tcp.mem == 0 && s->tcp.estab == 0);
		FUZZ_CHECK(tcp_ports(s, NET_PORT_V4)->in_use == 0);
		FUZZ_CHECK(tcp_ports(s, NET_PORT_V6)->in_use == 0);
	}
	fuzz_sim_free(&sim);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v = getenv("FUZZ_TCP_VERBOSE");
	const char *st = getenv("FUZZ_TCP_STORMS");

	(void)argc, (void)argv;
	verbose = v ? atoi(v) : 0;
	tolerate_storms = st && strcmp(st, "tolerate") == 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t b0 = fuzz_u8(&in);
	unsigned sc = (b0 & ~SC_IPV6) % S_N;
	unsigned v = fuzz_u8(&in) | ((b0 & SC_IPV6) ? V_IPV6 : 0);

	fuzz_sim_init(&sim, 2, FUZZ_NET);
	sim.filter = filter;
	sim.wire_tap = tap;
	memset(held, 0, sizeof(held));
	memset(last_out, 0, sizeof(last_out));
	cut = cut_from[0] = cut_from[1] = false;
	ip_id = 0;
	v6 = v & V_IPV6;
	ack_budget = ACKS_SETUP;
	bare_acks = other_segs = 0;
	T = 1;
	pport = CPORT;
	tport = PORT;
	run(1);
	if (!setup(sc, v)) {
		fprintf(stderr, "fuzz_tcp: scenario %u variant %#x not "
			"reached\n", sc, v);
		FUZZ_CHECK(!"scenario reached");
	}
	cut_from[0] = cut_from[1] = false;
	check_all();
	if (verbose)
		report(sc, v);

	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in);

		ack_budget += ACKS_PER_OP;
		switch (op & 7) {
		case 4:
			ack_budget += time_budget();
			run(fuzz_steps[op >> 4]);
			break;
		case 5:
			user_call((op & 0x08) ? P : T, op >> 4);
			break;
		case 6:
			cut = op & 0x08;
			run(0);
			break;
		default:
			segment(&in, op);
			break;
		}
		check_all();
		if (verbose)
			trace(op);
	}
	teardown();
	return 0;
}
