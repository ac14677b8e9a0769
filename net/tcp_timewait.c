/*
 * TIME_WAIT records (tcp.h struct tcp_tw), as Linux keeps them
 * (tcp_minisocks.c): a closed connection is reduced to its 4-tuple,
 * sequence numbers and timestamp state, hashed after the established
 * connections and before the listeners, and answered by the rules of
 * tcp_timewait_state_process():
 *
 *  - substate FIN_WAIT_2 (an orphan waiting for the peer's FIN): a bare
 *    ACK is ignored, the FIN moves it to TIME_WAIT; new data or a SYN
 *    draws a reset and ends it (nobody would read the data).
 *  - substate TIME_WAIT: an in-window RST ends it (Linux's default,
 *    tcp_rfc1337 = 0); a retransmitted FIN or any other segment is ACKed
 *    and restarts 2*MSL; a SYN with a higher sequence number or a newer
 *    timestamp opens a new incarnation with an ISN above anything the
 *    old one sent (RFC 9293 3.6.1, RFC 6191).
 *
 * Expiry: records sit on one of two queues in deadline order, so a poll
 * costs only what expires; TIME_WAIT's timeout is a constant and its
 * queue is appended at the tail, FIN_WAIT_2's follows tcp_fin_timeout
 * and is inserted from the tail (a step back only after the knob was
 * lowered).
 */
#include <errno.h>
#include <string.h>

#include "net/port.h"
#include "net/portalloc.h"
#include "net/stack.h"
#include "net/tcp.h"
#include "net/tcp_seq.h"
#include "net/udp.h"

static bool due(uint32_t expires, uint64_t now)
{
	return (int32_t)(expires - (uint32_t)now) <= 0;
}

static struct tcp_twq *queue_of(struct net_stack *s, const struct tcp_tw *tw)
{
	return (tw->flags & TW_FIN_WAIT_2) ? &s->tcp.twq_fw2 : &s->tcp.twq_tw;
}

static void dequeue(struct net_stack *s, struct tcp_tw *tw)
{
	struct tcp_twq *q = queue_of(s, tw);

	if (tw->qprev)
		tw->qprev->qnext = tw->qnext;
	else
		q->head = tw->qnext;
	if (tw->qnext)
		tw->qnext->qprev = tw->qprev;
	else
		q->tail = tw->qprev;
	tw->qnext = tw->qprev = NULL;
}

/* (Re)start tw's timer: timeo_ms from now, in deadline order. */
static void schedule(struct net_stack *s, struct tcp_tw *tw,
		     uint32_t timeo_ms)
{
	struct tcp_twq *q = queue_of(s, tw);
	struct tcp_tw *after = q->tail;

	tw->expires = (uint32_t)(s->now + timeo_ms);
	while (after && (int32_t)(after->expires - tw->expires) > 0)
		after = after->qprev;
	tw->qprev = after;
	tw->qnext = after ? after->qnext : q->head;
	if (tw->qnext)
		tw->qnext->qprev = tw;
	else
		q->tail = tw;
	if (after)
		after->qnext = tw;
	else
		q->head = tw;
}

static const struct tcp_tw6 *tw6_of(const struct tcp_tw *tw)
{
	return (const struct tcp_tw6 *)tw;	/* tw is its first member */
}

void tcp_tw_addrs(const struct tcp_tw *tw, struct tcp_addrs *a)
{
	a->v6 = tw->flags & TW_V6;
	if (a->v6) {
		a->laddr6 = tw6_of(tw)->laddr6;
		a->raddr6 = tw6_of(tw)->raddr6;
	} else {
		*a = tcp_addrs4(tw->laddr, tw->raddr);
	}
}

struct netif *tcp_tw_nif(const struct tcp_tw *tw)
{
	return (tw->flags & TW_V6) ? tw6_of(tw)->nif : NULL;
}

static struct tcp_tw **chain(struct net_stack *s, const struct tcp_tw *tw)
{
	struct tcp_addrs a;

	tcp_tw_addrs(tw, &a);
	return &s->tcp.twhash[tcp_ehash(&a, tw->lport, tw->rport)];
}

/* The port tables tw holds its port in (NET_PORT_*). */
static unsigned tw_port_fams(const struct tcp_tw *tw)
{
	return ((tw->flags & TW_PORT) ? NET_PORT_V4 : 0) |
	       ((tw->flags & TW_PORT6) ? NET_PORT_V6 : 0);
}

void tcp_tw_kill(struct net_stack *s, struct tcp_tw *tw)
{
	for (struct tcp_tw **pp = chain(s, tw); *pp; pp = &(*pp)->hnext) {
		if (*pp == tw) {
			*pp = tw->hnext;
			break;
		}
	}
	dequeue(s, tw);
	tcp_port_put(s, tw_port_fams(tw), tw->lport, PORT_REUSE);
	s->tcp.tw--;
	net_free(tw);
}

void tcp_time_wait(struct net_stack *s, struct tcp_sock *tp, int substate,
		   uint32_t timeo_ms)
{
	bool v6 = tp->sk.family == NET_AF_INET6;
	size_t size = v6 ? sizeof(struct tcp_tw6) : sizeof(struct tcp_tw);
	struct tcp_tw *tw = NULL;

	if (s->tcp.tw < s->tcp.sysctl.max_tw_buckets)
		tw = net_alloc(size);
	if (!tw) {
		/* Linux: "TCP: time wait bucket table overflow". The
		 * connection closes without TIME_WAIT. */
		if (s->mib.tcp.TCPTimeWaitOverflow++ == 0)
			net_log("tcp: time wait bucket table overflow");
		tcp_done(s, tp);
		return;
	}
	memset(tw, 0, size);
	if (v6) {
		struct tcp_tw6 *tw6 = (struct tcp_tw6 *)tw;

		tw->flags |= TW_V6;
		tw6->laddr6 = tp->sk.laddr6;
		tw6->raddr6 = tp->sk.raddr6;
		tw6->nif = tp->sk.bound_nif;
	} else {
		tw->laddr = tp->sk.laddr;
		tw->raddr = tp->sk.raddr;
	}
	tw->lport = tp->sk.lport;
	tw->rport = tp->sk.rport;
	tw->snd_nxt = tp->snd_nxt;
	tw->rcv_nxt = tp->rcv_nxt;
	if (substate == TCP_FIN_WAIT_2)
		tw->flags |= TW_FIN_WAIT_2;
	tw->rcv_wscale = tp->rcv_wscale;
	if (tp->flags & TF_TS) {
		tw->flags |= TW_TS;
		tw->ts_recent = tp->ts_recent;
		tw->ts_recent_stamp = tp->ts_recent_stamp;
	}
	uint32_t wnd = seq_gt(tp->rcv_adv, tp->rcv_nxt) ?
		       tp->rcv_adv - tp->rcv_nxt : 0;
	wnd >>= tp->rcv_wscale;
	tw->rcv_wnd = (uint16_t)(wnd > 65535 ? 65535 : wnd);
	/* The record keeps the port, no longer competing for it: a bind
	 * with SO_REUSEADDR may share it (portalloc.h). */
	if (tp->flags & TF_PORT) {
		for (unsigned fam = NET_PORT_V4; fam <= NET_PORT_V6; fam <<= 1)
			if ((tp->sk.port_fams & fam) &&
			    !(tp->flags & TF_PORT_REUSE))
				port_relax(tcp_ports(s, fam), tp->sk.lport);
		tw->flags |= ((tp->sk.port_fams & NET_PORT_V4) ? TW_PORT : 0) |
			     ((tp->sk.port_fams & NET_PORT_V6) ? TW_PORT6 : 0);
		tp->flags &= ~(TF_PORT | TF_PORT_REUSE);
		tp->sk.port_fams = 0;
	}
	struct tcp_tw **b = chain(s, tw);

	tw->hnext = *b;
	*b = tw;
	schedule(s, tw, timeo_ms);
	s->tcp.tw++;
	tcp_done(s, tp);
}

struct tcp_tw *tcp_tw_lookup(struct net_stack *s, const struct tcp_addrs *a,
			     uint16_t lport, uint16_t rport)
{
	struct tcp_tw *tw = s->tcp.twhash[tcp_ehash(a, lport, rport)];
	struct tcp_addrs ta;

	for (; tw; tw = tw->hnext) {
		if (tw->lport != lport || tw->rport != rport)
			continue;
		tcp_tw_addrs(tw, &ta);
		if (tcp_addrs_eq(&ta, a))
			return tw;
	}
	return NULL;
}

/* Linux's tcp_tw_reuse: 1 always, 2 for loopback traffic only; and only
 * when timestamps let PAWS tell the incarnations apart and a second has
 * passed since the last one was heard from (tcp_twsk_unique()). */
static bool is_loopback(const struct tcp_tw *tw)
{
	struct tcp_addrs a;

	tcp_tw_addrs(tw, &a);
	if (a.v6)
		return ip6_addr_is_loopback(&a.laddr6) &&
		       ip6_addr_is_loopback(&a.raddr6);
	return (a.laddr >> 24) == 127 && (a.raddr >> 24) == 127;
}

/* Linux's tcp_in_window(): does [seq, end) touch the window we
 * advertised last? */
static bool in_window(const struct tcp_tw *tw, uint32_t seq, uint32_t end)
{
	uint32_t left = tw->rcv_nxt;
	uint32_t right = left + ((uint32_t)tw->rcv_wnd << tw->rcv_wscale);

	if (seq == left)
		return true;
	if (seq_gt(end, left) && seq_lt(seq, right))
		return true;
	return seq == right && seq == end;
}

bool tcp_tw_reusable(struct net_stack *s, const struct tcp_tw *tw)
{
	uint32_t mode = s->tcp.sysctl.tw_reuse;

	if ((tw->flags & TW_FIN_WAIT_2) || !(tw->flags & TW_TS))
		return false;
	if (mode == 0 || (mode == 2 && !is_loopback(tw)))
		return false;
	return (uint32_t)(s->now / 1000) - tw->ts_recent_stamp >= 1;
}

bool tcp_tw_input(struct net_stack *s, struct tcp_tw *tw,
		  const struct tcp_seg *g, uint32_t *isn)
{
	uint32_t end = g->seq + g->len + !!(g->flags & TCP_SYN) +
		       !!(g->flags & TCP_FIN);
	bool paws = (tw->flags & TW_TS) && g->opt.has_ts &&
		    !(g->flags & TCP_RST) && ts_lt(g->opt.tsval, tw->ts_recent);

	if (tw->flags & TW_FIN_WAIT_2) {
		/* Out of window: ACK (RFC 9293 3.10.7.4 first). */
		if (paws || !in_window(tw, g->seq, end))
			goto ack;
		if (g->flags & TCP_RST)
			goto kill;
		if ((g->flags & TCP_SYN) && seq_geq(g->seq, tw->rcv_nxt))
			goto reset;
		/* A duplicate ACK. */
		if (!(g->flags & TCP_ACK) || !seq_gt(end, tw->rcv_nxt) ||
		    end == g->seq)
			return false;
		/* New data after our half of the close: nobody reads it. */
		if (!(g->flags & TCP_FIN) || end != tw->rcv_nxt + 1) {
			s->mib.tcp.TCPAbortOnLinger++;
			goto reset;
		}
		/* The FIN: true TIME_WAIT now. */
		dequeue(s, tw);
		tw->flags &= (uint8_t)~TW_FIN_WAIT_2;
		tw->rcv_nxt = end;
		if (g->opt.has_ts && (tw->flags & TW_TS)) {
			tw->ts_recent = g->opt.tsval;
			tw->ts_recent_stamp = (uint32_t)(s->now / 1000);
		}
		schedule(s, tw, TCP_TIMEWAIT_LEN);
		goto ack;
	}

	/* Real TIME_WAIT. An in-window segment can only be a bare ACK or
	 * a reset. */
	if (!paws && g->seq == tw->rcv_nxt &&
	    (g->seq == end || (g->flags & TCP_RST))) {
		if (g->flags & TCP_RST)
			goto kill;
		dequeue(s, tw);
		schedule(s, tw, TCP_TIMEWAIT_LEN);
		if (g->opt.has_ts && (tw->flags & TW_TS)) {
			tw->ts_recent = g->opt.tsval;
			tw->ts_recent_stamp = (uint32_t)(s->now / 1000);
		}
		return false;
	}
	/* A new SYN: reopen if it cannot be an old duplicate. */
	if ((g->flags & (TCP_SYN | TCP_RST | TCP_ACK)) == TCP_SYN && !paws &&
	    (seq_gt(g->seq, tw->rcv_nxt) ||
	     ((tw->flags & TW_TS) && g->opt.has_ts &&
	      ts_lt(tw->ts_recent, g->opt.tsval)))) {
		*isn = tw->snd_nxt + 65535 + 2;
		if (*isn == 0)
			(*isn)++;
		return true;
	}
	if (g->flags & TCP_RST)
		return false;
	/* Anything else, a retransmitted FIN first of all: ACK it and, if
	 * it carries an ACK, wait 2*MSL again. */
	if (paws || (g->flags & TCP_ACK)) {
		dequeue(s, tw);
		schedule(s, tw, TCP_TIMEWAIT_LEN);
	}
ack:
	if (g->flags & TCP_RST)
		return false;
	/* A retransmitted FIN or an old SYN is answered every time; a
	 * stray ACK at a limited rate, so that two ends that each find
	 * the other's ACK unacceptable cannot ping-pong for ever. */
	if ((g->flags & (TCP_FIN | TCP_SYN)) ||
	    tcp_oow_ok(s, &tw->last_oow_ack))
		tcp_tw_send_ack(s, tw);
	else
		s->mib.tcp.TCPACKSkippedTimeWait++;
	return false;
reset:
	tcp_respond_rst(s, g, (g->flags & TCP_ACK) ? g->ack : 0, end,
			(g->flags & TCP_ACK) ? TCP_RST : TCP_RST | TCP_ACK);
kill:
	s->mib.tcp.TWKilled++;
	tcp_tw_kill(s, tw);
	return false;
}

static uint64_t reap(struct net_stack *s, struct tcp_twq *q)
{
	while (q->head && due(q->head->expires, s->now)) {
		s->mib.tcp.TWExpired++;
		tcp_tw_kill(s, q->head);
	}
	if (!q->head)
		return NET_NEVER;
	return s->now + (uint32_t)(q->head->expires - (uint32_t)s->now);
}

uint64_t tcp_tw_poll(struct net_stack *s)
{
	uint64_t a = reap(s, &s->tcp.twq_tw);
	uint64_t b = reap(s, &s->tcp.twq_fw2);

	return a < b ? a : b;
}

void tcp_tw_free_all(struct net_stack *s)
{
	while (s->tcp.twq_tw.head)
		tcp_tw_kill(s, s->tcp.twq_tw.head);
	while (s->tcp.twq_fw2.head)
		tcp_tw_kill(s, s->tcp.twq_fw2.head);
}

/* DESIGN.md's budget for a TIME_WAIT entry. */
_Static_assert(sizeof(struct tcp_tw) <= 64, "TIME_WAIT record over 64 B");
_Static_assert(sizeof(struct tcp_tw6) <= 104, "v6 TIME_WAIT record over 104 B");
