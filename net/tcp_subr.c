/*
 * TCP control blocks: allocation, the lookup hashes (4-tuple, then
 * listeners by port), state changes with their counters, teardown.
 */
#include <errno.h>
#include <string.h>

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
		.fin_timeout = 60,
		.max_orphans = 1024,
		.max_tw_buckets = 4096,
		.orphan_retries = 0,
		.tw_reuse = 2,
		.syncookies = 1,
		.keepalive_time = 7200,
		.keepalive_intvl = 75,
		.keepalive_probes = 9,
		.syn_retries = TCP_SYN_RETRIES,
		.synack_retries = TCP_SYNACK_RETRIES,
		.retries2 = TCP_RETRIES2,
	};
}

unsigned tcp_ehash(uint32_t laddr, uint16_t lport, uint32_t raddr,
		   uint16_t rport)
{
	uint32_t h = laddr ^ (raddr * 0x9e3779b1u) ^
		     ((uint32_t)lport << 16 | rport);

	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h & (TCP_EHASH_SIZE - 1);
}

static struct tcp_sock **bucket(struct net_stack *s, struct tcp_sock *tp)
{
	struct net_sock *sk = &tp->sk;

	if (tp->state == TCP_LISTEN)
		return &s->tcp.lhash[sk->lport & (TCP_LHASH_SIZE - 1)];
	return &s->tcp.ehash[tcp_ehash(sk->laddr, sk->lport, sk->raddr,
				       sk->rport)];
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

struct tcp_sock *tcp_lookup(struct net_stack *s, uint32_t laddr,
			    uint16_t lport, uint32_t raddr, uint16_t rport)
{
	struct tcp_sock *tp = s->tcp.ehash[tcp_ehash(laddr, lport, raddr,
						     rport)];

	for (; tp; tp = tp->hnext)
		if (tp->sk.lport == lport && tp->sk.rport == rport &&
		    tp->sk.laddr == laddr && tp->sk.raddr == raddr)
			return tp;
	return NULL;
}

struct tcp_sock *tcp_lookup_listener(struct net_stack *s, uint32_t laddr,
				     uint16_t lport)
{
	struct tcp_sock *any = NULL;
	struct tcp_sock *tp = s->tcp.lhash[lport & (TCP_LHASH_SIZE - 1)];

	for (; tp; tp = tp->hnext) {
		if (tp->sk.lport != lport)
			continue;
		if (tp->sk.laddr == laddr)
			return tp;	/* the more specific wins */
		if (tp->sk.laddr == 0)
			any = tp;
	}
	return any;
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

int tcp_alloc_buffers(struct net_stack *s, struct tcp_sock *tp)
{
	/* SO_RCVBUF/SO_SNDBUF hold twice what was asked (Linux); the
	 * rings get what was asked, fixed from here on. */
	tp->rcv_size = tp->sk.rcvbuf / 2;
	tp->snd_size = tp->sk.sndbuf / 2;
	tp->sndbuf = net_alloc(tp->snd_size);
	tp->rcvbuf = net_alloc(tp->rcv_size);
	if (!tp->sndbuf || !tp->rcvbuf) {
		net_free(tp->sndbuf);
		net_free(tp->rcvbuf);
		tp->sndbuf = tp->rcvbuf = NULL;
		return -ENOMEM;
	}
	s->tcp.mem += tp->snd_size + tp->rcv_size;
	/* RFC 7323 2.2: the smallest shift that lets the ring be offered. */
	tp->rcv_wscale = 0;
	while ((tp->rcv_size >> tp->rcv_wscale) > 65535)
		tp->rcv_wscale++;
	return 0;
}

/* Derived state for a connection whose ISN and MSS are known. */
void tcp_init_conn(struct net_stack *s, struct tcp_sock *tp)
{
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->snd_wnd = tp->max_sndwnd = 0;
	tp->ts_offset = tcp_ts_offset(&s->tcp.secret, tp->sk.laddr,
				      tp->sk.raddr);
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
	if (!tp->rcvbuf)
		return 0;
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

static void release_port(struct net_stack *s, struct tcp_sock *tp)
{
	if (!(tp->flags & TF_PORT))
		return;
	port_put(port_table(net_port_alloc(s), PORT_TCP, PORT_INET),
		 tp->sk.lport, (tp->flags & TF_PORT_REUSE) ? PORT_REUSE : 0);
	tp->flags &= ~(TF_PORT | TF_PORT_REUSE);
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
		.laddr = sk->laddr,
		.raddr = sk->raddr,
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

			ci = (struct tcp_conn_info){
				.state = (tw->flags & TW_FIN_WAIT_2) ?
					 TCP_FIN_WAIT_2 : TCP_TIME_WAIT,
				.laddr = tw->laddr, .raddr = tw->raddr,
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
