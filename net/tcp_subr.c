/*
 * TCP control blocks: allocation, the lookup hashes (4-tuple, then
 * listeners by port), state changes with their counters, teardown.
 */
#include <errno.h>
#include <string.h>

#include "net/ip6.h"
#include "net/netif.h"
#include "net/port.h"
#include "net/portalloc.h"
#include "net/stack.h"
#include "net/tcp.h"
#include "net/udp.h"

void tcp_init(struct net_stack *s)
{
	struct tcp_state *t = &s->tcp;

	wheel_init(&t->wheel, 0);
	tcp_secret_init(&t->secret);
	t->sysctl = (struct tcp_sysctl){
		.fin_timeout = TCP_FIN_TIMEOUT,
		.max_orphans = TCP_MAX_ORPHANS,
		.max_tw_buckets = TCP_MAX_TW_BUCKETS,
		.orphan_retries = TCP_ORPHAN_RETRIES,
		.tw_reuse = TCP_TW_REUSE,
		.syncookies = TCP_SYNCOOKIES,
		.timestamps = TCP_TIMESTAMPS,
		.keepalive_time = TCP_KEEPALIVE_TIME,
		.keepalive_intvl = TCP_KEEPALIVE_INTVL,
		.keepalive_probes = TCP_KEEPALIVE_PROBES,
		.syn_retries = TCP_SYN_RETRIES,
		.synack_retries = TCP_SYNACK_RETRIES,
		.retries2 = TCP_RETRIES2,
	};
}

/* An IPv6 address folded to a word for the hash: each word of it
 * weighted differently, so that swapping two words changes the bucket. */
static uint32_t fold6(const struct ip6_addr *a)
{
	uint32_t w[4];

	memcpy(w, a->b, sizeof(w));
	return w[0] ^ w[1] * 0x85ebca6bu ^ w[2] * 0xc2b2ae35u ^ w[3];
}

unsigned tcp_ehash(const struct tcp_addrs *a, uint16_t lport,
		   uint16_t rport)
{
	uint32_t l = a->v6 ? fold6(&a->laddr6) : a->laddr;
	uint32_t r = a->v6 ? fold6(&a->raddr6) : a->raddr;
	uint32_t h = l ^ (r * 0x9e3779b1u) ^ ((uint32_t)lport << 16 | rport);

	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h & (TCP_EHASH_SIZE - 1);
}

void tcp_sk_addrs(const struct net_sock *sk, struct tcp_addrs *a)
{
	/* Each union is copied whole: an IPv4 address sits at its start
	 * in both structures. */
	a->v6 = sk->family == NET_AF_INET6;
	a->laddr6 = sk->laddr6;
	a->raddr6 = sk->raddr6;
}

bool tcp_addrs_eq(const struct tcp_addrs *a, const struct tcp_addrs *b)
{
	if (a->v6 != b->v6)
		return false;
	if (!a->v6)
		return a->laddr == b->laddr && a->raddr == b->raddr;
	return ip6_addr_eq(&a->laddr6, &b->laddr6) &&
	       ip6_addr_eq(&a->raddr6, &b->raddr6);
}

/* The interface holding local IPv6 address a, or NULL. */
static struct netif *netif_by_addr6(struct net_stack *s,
				    const struct ip6_addr *a)
{
	for (int i = 0; i < s->nnetifs; i++)
		if (s->netifs[i] && ip6_ifaddr_find(s->netifs[i], a))
			return s->netifs[i];
	return NULL;
}

uint16_t tcp_local_mss(struct net_stack *s, const struct tcp_addrs *a,
		       struct netif *nif)
{
	uint32_t mss;

	if (!a->v6) {
		nif = net_netif_by_addr(s, a->laddr);
		mss = nif ? (uint32_t)nif->mtu - 40 : TCP_MSS_DEFAULT;
	} else {
		if (!nif)
			nif = netif_by_addr6(s, &a->laddr6);
		/* RFC 8200 5: 1280 is every IPv6 link's minimum. */
		mss = (nif ? (uint32_t)nif->mtu : 1280) - 60;
	}
	return (uint16_t)(mss > 65495 ? 65495 : mss);
}

static struct tcp_sock **bucket(struct net_stack *s, struct tcp_sock *tp)
{
	struct net_sock *sk = &tp->sk;
	struct tcp_addrs a;

	if (tp->state == TCP_LISTEN)
		return &s->tcp.lhash[sk->lport & (TCP_LHASH_SIZE - 1)];
	tcp_sk_addrs(sk, &a);
	return &s->tcp.ehash[tcp_ehash(&a, sk->lport, sk->rport)];
}

void tcp_hash(struct net_stack *s, struct tcp_sock *tp)
{
	struct tcp_sock **b = bucket(s, tp);

	tp->hnext = *b;
	*b = tp;
	tp->sk.connected = true;	/* "hashed" */
	s->tcp.inuse++;
}

void tcp_unhash(struct net_stack *s, struct tcp_sock *tp)
{
	if (!tp->sk.connected)
		return;
	for (struct tcp_sock **pp = bucket(s, tp); *pp; pp = &(*pp)->hnext) {
		if (*pp == tp) {
			*pp = tp->hnext;
			break;
		}
	}
	tp->sk.connected = false;
	s->tcp.inuse--;
}

struct tcp_sock *tcp_lookup(struct net_stack *s, const struct tcp_addrs *a,
			    uint16_t lport, uint16_t rport)
{
	struct tcp_sock *tp = s->tcp.ehash[tcp_ehash(a, lport, rport)];
	struct tcp_addrs ta;

	for (; tp; tp = tp->hnext) {
		if (tp->sk.lport != lport || tp->sk.rport != rport)
			continue;
		tcp_sk_addrs(&tp->sk, &ta);
		if (tcp_addrs_eq(&ta, a))
			return tp;
	}
	return NULL;
}

/* How well listener l fits segment g: -1 not at all; then, as Linux's
 * compute_score(), an exact address above a wildcard, and the
 * segment's own family above a dual-stack [::] taking IPv4. */
static int listen_score(const struct tcp_sock *l, const struct tcp_seg *g)
{
	const struct net_sock *sk = &l->sk;

	if (sk->lport != g->dport ||
	    (sk->bound_nif && sk->bound_nif != g->nif))
		return -1;
	if (sk->family == NET_AF_INET) {
		if (g->a.v6)
			return -1;
		return sk->laddr == g->a.laddr ? 4 : sk->laddr == 0 ? 2 : -1;
	}
	if (!g->a.v6)
		return ip6_addr_is_unspecified(&sk->laddr6) &&
		       !(sk->flags & NET_SOCK_F_V6ONLY) ? 1 : -1;
	if (ip6_addr_eq(&sk->laddr6, &g->a.laddr6))
		return 4;
	return ip6_addr_is_unspecified(&sk->laddr6) ? 2 : -1;
}

struct tcp_sock *tcp_lookup_listener(struct net_stack *s,
				     const struct tcp_seg *g)
{
	struct tcp_sock *best = NULL;
	int best_score = -1;

	for (struct tcp_sock *tp = s->tcp.lhash[g->dport &
						 (TCP_LHASH_SIZE - 1)];
	     tp; tp = tp->hnext) {
		int score = listen_score(tp, g);

		if (score > best_score) {
			best = tp;
			best_score = score;
		}
	}
	return best;
}

struct tcp_sock *tcp_alloc(struct net_stack *s)
{
	struct tcp_sock *tp = net_alloc(sizeof(*tp));

	if (!tp)
		return NULL;
	memset(tp, 0, sizeof(*tp));
	tp->sk.type = NET_SOCK_TCP;
	tp->sk.family = NET_AF_INET;
	tp->state = TCP_CLOSED;
	tp->mss = TCP_MSS_DEFAULT;
	tp->sk.rcvbuf = 2 * TCP_RCVBUF;	/* Linux's tcp_rmem default */
	tp->sk.sndbuf = 2 * TCP_SNDBUF;
	wtimer_init(&tp->timer, tcp_timer_fn, tp);
	tcp_rtt_init(&tp->rtt);
	s->tcp.allocated++;
	return tp;
}

void tcp_size_buffers(struct tcp_sock *tp)
{
	/* SO_RCVBUF/SO_SNDBUF hold twice what was asked (Linux); the
	 * rings get what was asked, fixed from here on. */
	tp->rcv_size = tp->sk.rcvbuf / 2;
	tp->snd_size = tp->sk.sndbuf / 2;
	/* RFC 7323 2.2: the smallest shift that lets the ring be offered. */
	tp->rcv_wscale = 0;
	while ((tp->rcv_size >> tp->rcv_wscale) > 65535)
		tp->rcv_wscale++;
}

int tcp_alloc_buffers(struct net_stack *s, struct tcp_sock *tp)
{
	if (!tp->rcv_size)
		tcp_size_buffers(tp);
	tp->sndbuf = net_alloc(tp->snd_size);
	tp->rcvbuf = net_alloc(tp->rcv_size);
	if (!tp->sndbuf || !tp->rcvbuf) {
		net_free(tp->sndbuf);
		net_free(tp->rcvbuf);
		tp->sndbuf = tp->rcvbuf = NULL;
		return -ENOMEM;
	}
	s->tcp.mem += tp->snd_size + tp->rcv_size;
	return 0;
}

/* Derived state for a connection whose ISN and MSS are known. */
void tcp_init_conn(struct net_stack *s, struct tcp_sock *tp)
{
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->snd_wnd = tp->max_sndwnd = 0;
	struct tcp_addrs a;

	tcp_sk_addrs(&tp->sk, &a);
	tp->ts_offset = s->tcp.sysctl.timestamps == 2 ? 0 :
			tcp_ts_offset(&s->tcp.secret, &a);
	tcp_cc_init(&tp->cc, tp->mss, tp->iss);
}

bool tcp_oow_ok(struct net_stack *s, uint32_t *last)
{
	uint32_t now = (uint32_t)s->now;

	if (*last && now - *last < TCP_INVALID_RATELIMIT)
		return false;
	*last = now ? now : 1;
	return true;
}

uint32_t tcp_rcv_window(const struct tcp_sock *tp)
{
	/* A half-open child is sized but has no ring yet: it offers the
	 * ring it will have (a listener, or a socket never connected, is
	 * not sized and offers nothing). */
	return tp->rcv_size - tp->rcv_len;
}

void tcp_set_state(struct net_stack *s, struct tcp_sock *tp, int state)
{
	struct tcp_mib *mib = &s->mib.tcp;
	int old = tp->state;
	bool was = old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT;
	bool is = state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT;

	s->tcp.estab += (unsigned)is - (unsigned)was;
	/* Linux's meanings (tcp_set_state): EstabResets counts
	 * ESTABLISHED/CLOSE_WAIT -> CLOSED; AttemptFails is counted where
	 * SYN_SENT/SYN_RECEIVED fail (tcp_reset, timer). */
	if (state == TCP_CLOSED &&
	    (old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT))
		mib->EstabResets++;
	if (state == TCP_CLOSED &&
	    (old == TCP_SYN_SENT || old == TCP_SYN_RECEIVED))
		mib->AttemptFails++;
	tp->state = state;
	if (state == TCP_ESTABLISHED) {
		tp->rcv_time = s->now;
		tcp_keepalive_arm(s, tp);
	}
}

static void leave_events(struct net_stack *s, struct net_sock *sk)
{
	if (!sk->event_queued)
		return;
	for (struct net_sock **pp = &s->events; *pp; pp = &(*pp)->event_next) {
		if (*pp == sk) {
			*pp = sk->event_next;
			break;
		}
	}
	sk->event_queued = false;
}

struct port_table *tcp_ports(struct net_stack *s, unsigned fam)
{
	return port_table(net_port_alloc(s), PORT_TCP,
			  fam == NET_PORT_V6 ? PORT_INET6 : PORT_INET);
}

int tcp_port_get(struct net_stack *s, unsigned fams, uint16_t port,
		 unsigned flags)
{
	if ((fams & NET_PORT_V4) &&
	    port_get(tcp_ports(s, NET_PORT_V4), port, flags))
		return -ENOMEM;
	if ((fams & NET_PORT_V6) &&
	    port_get(tcp_ports(s, NET_PORT_V6), port, flags)) {
		if (fams & NET_PORT_V4)
			port_put(tcp_ports(s, NET_PORT_V4), port, flags);
		return -ENOMEM;
	}
	return 0;
}

void tcp_port_put(struct net_stack *s, unsigned fams, uint16_t port,
		  unsigned flags)
{
	for (unsigned fam = NET_PORT_V4; fam <= NET_PORT_V6; fam <<= 1)
		if (fams & fam)
			port_put(tcp_ports(s, fam), port, flags);
}

static void release_port(struct net_stack *s, struct tcp_sock *tp)
{
	if (!(tp->flags & TF_PORT))
		return;
	tcp_port_put(s, tp->sk.port_fams, tp->sk.lport,
		     (tp->flags & TF_PORT_REUSE) ? PORT_REUSE : 0);
	tp->flags &= ~(TF_PORT | TF_PORT_REUSE);
	tp->sk.port_fams = 0;
}

/* Take tp off its listener's accept queue. */
static void unqueue_child(struct tcp_sock *tp)
{
	struct tcp_sock *l = tp->parent;

	if (!l)
		return;
	if (tp->flags & TF_ACCEPTQ) {
		struct tcp_sock *prev = NULL;

		for (struct tcp_sock *c = l->aq_head; c; c = c->aq_next) {
			if (c == tp) {
				if (prev)
					prev->aq_next = c->aq_next;
				else
					l->aq_head = c->aq_next;
				if (l->aq_tail == c)
					l->aq_tail = prev;
				break;
			}
			prev = c;
		}
		tp->flags &= ~TF_ACCEPTQ;
		l->qlen--;
	} else if (tp->flags & TF_SYNQ) {
		tp->flags &= ~TF_SYNQ;
		l->synq--;
	}
	tp->parent = NULL;
}

void tcp_free(struct net_stack *s, struct tcp_sock *tp)
{
	tcp_unhash(s, tp);
	wheel_del(&s->tcp.wheel, &tp->timer);
	release_port(s, tp);
	unqueue_child(tp);
	leave_events(s, &tp->sk);
	if (tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT)
		s->tcp.estab--;
	if (tp->sndbuf)
		s->tcp.mem -= tp->snd_size + tp->rcv_size;
	net_free(tp->sndbuf);
	net_free(tp->rcvbuf);
	if (tp->flags & TF_ORPHAN)
		s->tcp.orphans--;
	s->tcp.allocated--;
	net_free(tp);
}

void tcp_done(struct net_stack *s, struct tcp_sock *tp)
{
	tcp_set_state(s, tp, TCP_CLOSED);
	tcp_unhash(s, tp);
	tp->t_rexmt = tp->t_delack = tp->t_keep = 0;
	wheel_del(&s->tcp.wheel, &tp->timer);
	release_port(s, tp);
	tp->sk.shutdown = NET_SHUT_RD | NET_SHUT_WR;
	/* A child nobody accepted yet, or a detached connection: nobody
	 * will ever call tcp_close() on it. */
	if ((tp->flags & TF_ORPHAN) || tp->parent) {
		tcp_free(s, tp);
		return;
	}
	net_sock_notify(s, &tp->sk);
}

void tcp_reset(struct net_stack *s, struct tcp_sock *tp, int err)
{
	if (tp->state == TCP_SYN_SENT)
		err = -ECONNREFUSED;
	else if (tp->state == TCP_CLOSE_WAIT)
		err = -EPIPE;
	if (tp->state != TCP_TIME_WAIT && tp->state != TCP_CLOSING &&
	    tp->state != TCP_LAST_ACK)
		tp->sk.so_error = err;
	else
		tp->sk.so_error = 0;
	/* Data in the rings is gone with the connection. */
	tp->snd_len = 0;
	tcp_done(s, tp);
}

void tcp_stack_free(struct net_stack *s)
{
	for (int i = 0; i < TCP_EHASH_SIZE; i++)
		while (s->tcp.ehash[i]) {
			struct tcp_sock *tp = s->tcp.ehash[i];

			tcp_unhash(s, tp);
			tp->parent = NULL;
			tcp_free(s, tp);
		}
	for (int i = 0; i < TCP_LHASH_SIZE; i++)
		while (s->tcp.lhash[i])
			tcp_free(s, s->tcp.lhash[i]);
	tcp_tw_free_all(s);
}

/* --- what ss and /proc/net/tcp show ------------------------------------ */

/* Milliseconds to tp's earliest deadline; 0 when none is armed, and at
 * least 1 when one is (a deadline already due fires at the next poll). */
static uint64_t next_timer_ms(const struct net_stack *s,
			      const struct tcp_sock *tp)
{
	const uint64_t at[] = { tp->t_rexmt, tp->t_delack, tp->t_keep };
	uint64_t first = 0;

	for (unsigned i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		if (at[i] && (!first || at[i] < first))
			first = at[i];
	if (!first)
		return 0;
	return first > s->now ? first - s->now : 1;
}

static void conn_info(const struct net_stack *s, const struct tcp_sock *tp,
		      struct tcp_conn_info *ci)
{
	const struct net_sock *sk = &tp->sk;

	*ci = (struct tcp_conn_info){
		.state = tp->state,
		.orphan = tp->flags & TF_ORPHAN,
		.family = sk->family,
		.laddr6 = sk->laddr6,
		.raddr6 = sk->raddr6,
		.nif = sk->family == NET_AF_INET6 ? sk->bound_nif : NULL,
		.v6only = sk->flags & NET_SOCK_F_V6ONLY,
		.lport = sk->lport,
		.rport = sk->rport,
		.timer_ms = next_timer_ms(s, tp),
	};
	if (tp->state == TCP_LISTEN) {
		/* As Linux's inet_diag: the accept queue (children that
		 * completed the handshake), and the backlog. */
		for (const struct tcp_sock *c = tp->aq_head; c; c = c->aq_next)
			ci->recvq++;
		ci->sendq = tp->backlog;
	} else {
		ci->recvq = tp->rcv_len;
		ci->sendq = tp->snd_len;
	}
}

void tcp_foreach(struct net_stack *s,
		 void (*fn)(const struct tcp_conn_info *ci, void *arg),
		 void *arg)
{
	struct tcp_conn_info ci;

	/* Listeners first, as Linux's inet_diag dumps them. */
	for (int i = 0; i < TCP_LHASH_SIZE; i++)
		for (const struct tcp_sock *tp = s->tcp.lhash[i]; tp;
		     tp = tp->hnext) {
			conn_info(s, tp, &ci);
			fn(&ci, arg);
		}
	for (int i = 0; i < TCP_EHASH_SIZE; i++)
		for (const struct tcp_sock *tp = s->tcp.ehash[i]; tp;
		     tp = tp->hnext) {
			conn_info(s, tp, &ci);
			fn(&ci, arg);
		}
	for (int i = 0; i < TCP_EHASH_SIZE; i++)
		for (const struct tcp_tw *tw = s->tcp.twhash[i]; tw;
		     tw = tw->hnext) {
			int32_t left = (int32_t)(tw->expires -
						 (uint32_t)s->now);
			struct tcp_addrs a;

			tcp_tw_addrs(tw, &a);
			ci = (struct tcp_conn_info){
				.state = (tw->flags & TW_FIN_WAIT_2) ?
					 TCP_FIN_WAIT_2 : TCP_TIME_WAIT,
				.family = a.v6 ? NET_AF_INET6 : NET_AF_INET,
				.laddr6 = a.laddr6, .raddr6 = a.raddr6,
				.nif = tcp_tw_nif(tw),
				.lport = tw->lport, .rport = tw->rport,
				.timer_ms = left > 0 ? (uint64_t)left : 1,
			};
			fn(&ci, arg);
		}
}

/* The TCB's size today (tools/bench.py reports it): a new field finds
 * room in the padding or replaces one, it does not grow the TCB. 424:
 * 400 for IPv4, plus 24 for addresses that can hold IPv6 (sock.h). */
_Static_assert(sizeof(struct tcp_sock) <= 424, "TCB over 424 B");
