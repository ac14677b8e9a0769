/*
 * TCP input: RFC 9293 3.10.7 "SEGMENT ARRIVES", with RFC 5961's
 * challenge ACKs, RFC 7323 timestamps (RTT, PAWS), NewReno (RFC 6582)
 * and delayed ACKs as Linux does them.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip.h"
#include "net/ip6.h"
#include "net/netif.h"
#include "net/port.h"
#include "net/portalloc.h"
#include "net/stack.h"
#include "net/tcp.h"
#include "net/tcp_opt.h"
#include "net/tcp_seq.h"
#include "net/udp.h"

/* SEG.LEN of RFC 9293: data plus SYN and FIN. */
static uint32_t seg_len(const struct tcp_seg *g)
{
	return g->len + !!(g->flags & TCP_SYN) + !!(g->flags & TCP_FIN);
}

/* Take the peer's window wnd (scaled) from a segment at seq. */
static void snd_wnd_set(struct tcp_sock *tp, uint32_t wnd, uint32_t seq)
{
	tp->snd_wnd = wnd;
	tp->snd_wl1 = seq;
	if (wnd > tp->max_sndwnd)
		tp->max_sndwnd = wnd;
}

/*
 * May an ACK that is not older than una (SND.UNA before it) update the
 * send window? As Linux's tcp_may_update_window(), not RFC 9293
 * 3.10.7.4's SND.WL1/SND.WL2 test: under that one, a single forged
 * in-window bare ACK with a SEQ ahead of the peer's moves SND.WL1 past
 * everything the peer sends for a while, and none of its real ACKs
 * updates the window again: a tiny forged window stays. Here an ACK of
 * new data always updates it (it is as recent as the data it
 * acknowledges), as does a later SEQ; at the same SEQ, only opening the
 * window or closing it does.
 */
static bool window_may_update(const struct tcp_sock *tp, uint32_t una,
			      const struct tcp_seg *g, uint32_t wnd)
{
	return seq_gt(g->ack, una) || seq_gt(g->seq, tp->snd_wl1) ||
	       (g->seq == tp->snd_wl1 && (wnd > tp->snd_wnd || wnd == 0));
}

/* RFC 9293 3.10.7.1: the reset answering a segment with no connection. */
static void rst_reply(struct net_stack *s, const struct tcp_seg *g)
{
	if (g->flags & TCP_RST)
		return;
	if (g->flags & TCP_ACK)
		tcp_respond_rst(s, g, g->ack, 0, TCP_RST);
	else
		tcp_respond_rst(s, g, 0, g->seq + seg_len(g),
				TCP_RST | TCP_ACK);
}

/* The MSS a peer that sent no MSS option takes (RFC 9293 3.7.1): 536
 * for IPv4, 1220 for IPv6 (its 1280-byte minimum MTU less 60). */
static uint16_t default_mss(const struct tcp_seg *g)
{
	return g->a.v6 ? 1220 : TCP_MSS_DEFAULT;
}

/* What the SYN (or SYN-ACK) offered, against what we offer. */
static void syn_options(struct net_stack *s, struct tcp_sock *tp,
			const struct tcp_seg *g)
{
	uint32_t mss = g->opt.has_mss ? g->opt.mss : default_mss(g);
	uint32_t ours = tcp_local_mss(s, &g->a, g->nif);

	tp->flags &= ~(TF_WS | TF_TS | TF_SACK);
	if (g->opt.has_ws) {
		tp->flags |= TF_WS;
		tp->snd_wscale = g->opt.ws;
	} else {
		tp->snd_wscale = tp->rcv_wscale = 0;
	}
	if (g->opt.has_ts && s->tcp.sysctl.timestamps) {
		tp->flags |= TF_TS;
		tp->ts_recent = g->opt.tsval;
		tp->ts_recent_stamp = (uint32_t)(s->now / 1000);
	}
	if (g->opt.sack_ok)
		tp->flags |= TF_SACK;
	if (mss > ours)
		mss = ours;
	/* The floor first, then room for the timestamp option every
	 * segment carries, as Linux's tcp_mtu_to_mss(): a tiny offer can
	 * neither wrap the subtraction nor make us send all header. */
	if (mss < TCP_MIN_SND_MSS)
		mss = TCP_MIN_SND_MSS;
	if (tp->flags & TF_TS)
		mss -= TCPOLEN_TSTAMP_ALIGNED;
	tp->mss = (uint16_t)mss;
	tp->irs = g->seq;
	tp->rcv_nxt = g->seq + 1;
	/* Nothing offered past RCV.NXT yet. rcv_adv is compared in
	 * sequence space from here on (window_field(), acceptable()): left
	 * at 0 it would lie ahead of about half of all RCV.NXTs, and the
	 * first ACK would offer far more than the ring holds. */
	tp->rcv_adv = tp->rcv_nxt;
	/* A SYN's window is never scaled (RFC 7323 2.2). */
	snd_wnd_set(tp, g->wnd, g->seq);
}

/* Child established: onto the accept queue (RFC 9293 3.10.7.4, SYN-
 * RECEIVED with an acceptable ACK). */
static void child_established(struct net_stack *s, struct tcp_sock *tp)
{
	struct tcp_sock *l = tp->parent;

	s->mib.tcp.PassiveOpens++;
	if (!l)
		return;
	if (tp->flags & TF_SYNQ) {
		tp->flags &= ~TF_SYNQ;
		l->synq--;
	}
	l->qlen++;
	tp->aq_next = NULL;
	if (l->aq_tail)
		l->aq_tail->aq_next = tp;
	else
		l->aq_head = tp;
	l->aq_tail = tp;
	tp->flags |= TF_ACCEPTQ;
	net_sock_notify(s, &l->sk);
}

/* A child of listener l for the connection g is for, hashed, holding a
 * reference on l's port. NULL when memory is short. */
static struct tcp_sock *new_child(struct net_stack *s, struct tcp_sock *l,
				  const struct tcp_seg *g)
{
	struct tcp_sock *tp = tcp_alloc(s);
	unsigned reuse = l->flags & TF_PORT_REUSE;
	unsigned fams = g->a.v6 ? NET_PORT_V6 : NET_PORT_V4;

	if (!tp)
		return NULL;
	tp->sk.rcvbuf = l->sk.rcvbuf;	/* inherited, as on Linux */
	tp->sk.sndbuf = l->sk.sndbuf;
	tp->sk.ttl = l->sk.ttl;
	tp->linger2 = l->linger2;	/* inherited, as Linux's clone */
	tcp_size_buffers(tp);
	if (tcp_port_get(s, fams, l->sk.lport, reuse ? PORT_REUSE : 0)) {
		tcp_free(s, tp);
		return NULL;
	}
	tp->flags |= TF_PORT | reuse |
		     (l->flags & (TF_NODELAY | TF_KEEPALIVE));
	tp->sk.port_fams = (uint8_t)fams;
	tp->sk.bound = true;
	/* The segment's family: a dual-stack listener's IPv4 child speaks
	 * IPv4. A link-local pair is scoped to the interface it came in
	 * on, as Linux sets the child's sk_bound_dev_if. */
	tp->sk.family = g->a.v6 ? NET_AF_INET6 : NET_AF_INET;
	tp->sk.laddr6 = g->a.laddr6;
	tp->sk.raddr6 = g->a.raddr6;
	tp->sk.bound_nif = l->sk.bound_nif;
	if (g->a.v6 && (ip6_addr_is_linklocal(&g->a.laddr6) ||
			ip6_addr_is_linklocal(&g->a.raddr6)))
		tp->sk.bound_nif = g->nif;
	tp->sk.lport = g->dport;
	tp->sk.rport = g->sport;
	tp->parent = l;
	return tp;
}

/* The final ACK of a SYN cookie handshake (RFC 4987 3.6): rebuild the
 * connection from the cookie, or false if it is not one of ours. */
static bool cookie_ack(struct net_stack *s, struct tcp_sock *l,
		       struct tcp_seg *g)
{
	uint16_t mss;

	if (!s->tcp.sysctl.syncookies || !l->synq_overflow ||
	    s->now - l->synq_overflow > SYNCOOKIE_PERIOD_MS * SYNCOOKIE_MAX_AGE)
		return false;	/* no cookie sent recently (Linux too) */
	if ((g->flags & (TCP_SYN | TCP_RST | TCP_ACK)) != TCP_ACK)
		return false;
	if (syncookie_check(&s->tcp.secret, &g->a, g->dport, g->sport,
			    g->seq - 1, g->ack - 1, s->now, &mss)) {
		s->mib.tcp.SyncookiesFailed++;
		return false;
	}
	s->mib.tcp.SyncookiesRecv++;
	if (l->qlen >= l->backlog) {
		s->mib.tcp.ListenOverflows++;
		s->mib.tcp.ListenDrops++;
		return true;	/* the peer retransmits, as for a lost ACK */
	}
	struct tcp_sock *tp = new_child(s, l, g);

	if (tp && tcp_alloc_buffers(s, tp)) {
		tcp_free(s, tp);
		tp = NULL;
	}
	if (!tp) {
		s->mib.tcp.ListenDrops++;
		return true;
	}
	/* Only the MSS survived the cookie: no scaling, SACK, timestamps. */
	tp->snd_wscale = tp->rcv_wscale = 0;
	tp->mss = mss;
	tp->iss = g->ack - 1;
	tcp_init_conn(s, tp);
	tp->irs = g->seq - 1;
	tp->rcv_nxt = g->seq;
	tp->rcv_adv = g->seq + tcp_cookie_window(l);
	tp->snd_una = tp->snd_nxt = tp->snd_max = g->ack;
	snd_wnd_set(tp, g->wnd, g->seq);
	tp->state = TCP_SYN_RECEIVED;
	tcp_set_state(s, tp, TCP_ESTABLISHED);
	tcp_hash(s, tp);
	child_established(s, tp);
	return true;
}

/* RFC 9293 3.10.7.2. isn: the ISN to use when a SYN reopens a TIME_WAIT
 * 4-tuple (0: a fresh one). Returns the child made, if any. */
static struct tcp_sock *listen_input(struct net_stack *s, struct tcp_sock *l,
				     struct tcp_seg *g, uint32_t isn)
{
	if (g->flags & TCP_RST)
		return NULL;
	if (g->flags & TCP_ACK) {
		if (!cookie_ack(s, l, g)) {
			rst_reply(s, g);
			return NULL;
		}
		return tcp_lookup(s, &g->a, g->dport, g->sport);
	}
	if (!(g->flags & TCP_SYN))
		return NULL;
	/* Linux's order: a full accept queue drops the SYN; a full SYN
	 * queue answers it with a cookie. */
	if (l->qlen >= l->backlog) {
		s->mib.tcp.ListenOverflows++;
		s->mib.tcp.ListenDrops++;
		return NULL;
	}
	if (l->synq >= l->backlog) {
		if (!s->tcp.sysctl.syncookies) {
			s->mib.tcp.ListenDrops++;
			return NULL;
		}
		uint16_t mss = g->opt.has_mss ? g->opt.mss : default_mss(g);
		uint16_t ours = tcp_local_mss(s, &g->a, g->nif);

		if (mss > ours)
			mss = ours;
		l->synq_overflow = s->now ? s->now : 1;
		tcp_send_cookie_synack(s, g, syncookie_make(&s->tcp.secret,
			&g->a, g->dport, g->sport, g->seq, mss, s->now),
			syncookie_mss(mss), tcp_cookie_window(l));
		s->mib.tcp.SyncookiesSent++;
		return NULL;
	}
	struct tcp_sock *tp = new_child(s, l, g);

	if (!tp) {
		s->mib.tcp.ListenDrops++;
		return NULL;
	}
	l->synq++;
	tp->flags |= TF_SYNQ;
	tp->iss = isn ? isn : tcp_isn(&s->tcp.secret, &g->a, g->dport,
				      g->sport, s->now * 1000);
	tcp_init_conn(s, tp);
	syn_options(s, tp, g);
	tcp_cc_init(&tp->cc, tp->mss, tp->iss);
	tp->state = TCP_SYN_RECEIVED;
	tcp_hash(s, tp);
	tcp_send_syn(s, tp);
	return NULL;
}

static void rtt_sample(struct net_stack *s, struct tcp_sock *tp,
		       const struct tcp_seg *g)
{
	uint32_t ms;

	if ((tp->flags & TF_TS) && g->opt.has_ts && g->opt.tsecr) {
		ms = tcp_ts_now(s, tp) - g->opt.tsecr;
	} else if ((tp->flags & TF_RTT_TIMING) && seq_gt(g->ack, tp->rtt_seq)) {
		ms = (uint32_t)s->now - tp->rtt_time;
		tp->flags &= ~TF_RTT_TIMING;
	} else {
		return;
	}
	if (ms > TCP_RTO_MAX)
		return;
	tcp_rtt_sample(&tp->rtt, ms * 1000 + 1);
	tcp_rtt_reset_backoff(&tp->rtt);
}

/* RFC 9293 3.10.7.3. */
static void synsent_input(struct net_stack *s, struct tcp_sock *tp,
			  const struct tcp_seg *g)
{
	bool ack_ok = false;

	if (g->flags & TCP_ACK) {
		if (seq_leq(g->ack, tp->iss) || seq_gt(g->ack, tp->snd_max)) {
			if (!(g->flags & TCP_RST))
				tcp_respond_rst(s, g, g->ack, 0, TCP_RST);
			return;
		}
		ack_ok = true;
	}
	if (g->flags & TCP_RST) {
		if (ack_ok)
			tcp_reset(s, tp, -ECONNREFUSED);
		return;
	}
	if (!(g->flags & TCP_SYN))
		return;
	syn_options(s, tp, g);
	tcp_cc_init(&tp->cc, tp->mss, tp->iss);
	if (!ack_ok) {
		/* Simultaneous open: SYN_RECEIVED, answer SYN-ACK. */
		tp->state = TCP_SYN_RECEIVED;
		tcp_send_syn(s, tp);
		return;
	}
	if (tp->retries == 0 || (tp->flags & TF_TS))
		rtt_sample(s, tp, g);
	tp->snd_una = g->ack;
	tp->retries = 0;
	tp->t_rexmt = 0;
	tcp_set_state(s, tp, TCP_ESTABLISHED);
	tp->flags |= TF_ACKNOW;
	net_sock_notify(s, &tp->sk);
	tcp_output(s, tp);
}

/* RFC 9293 3.4 / 3.10.7.4 first: is the segment acceptable? */
static bool acceptable(const struct tcp_sock *tp, const struct tcp_seg *g)
{
	uint32_t wnd = tp->rcv_adv - tp->rcv_nxt;
	uint32_t free = tcp_rcv_window(tp);
	uint32_t len = seg_len(g);

	if (seq_lt(tp->rcv_adv, tp->rcv_nxt))
		wnd = 0;
	if (free > wnd)
		wnd = free;
	if (len == 0) {
		/* The right edge too, as Linux's tcp_sequence(): a peer
		 * that filled the window ACKs from exactly there, and
		 * dropping those ACKs can deadlock both ends. */
		return seq_between(g->seq, tp->rcv_nxt, tp->rcv_nxt + wnd + 1);
	}
	if (wnd == 0) {
		/* A bare FIN at RCV.NXT is taken even so, as Linux's
		 * tcp_data_queue() takes it: it needs no buffer, and a
		 * sender that has nothing else to say must be able to end
		 * the stream while the reader is slow. */
		return !g->len && (g->flags & TCP_FIN) &&
		       g->seq == tp->rcv_nxt;
	}
	return seq_between(g->seq, tp->rcv_nxt, tp->rcv_nxt + wnd) ||
	       seq_between(g->seq + len - 1, tp->rcv_nxt, tp->rcv_nxt + wnd);
}

/* Place data at ring offset off (bytes past the first unread byte). */
static void ring_put(struct tcp_sock *tp, uint32_t off, const uint8_t *d,
		     uint32_t len)
{
	uint32_t i = (tp->rcv_head + off) % tp->rcv_size;
	uint32_t first = len < tp->rcv_size - i ? len : tp->rcv_size - i;

	memcpy(tp->rcvbuf + i, d, first);
	memcpy(tp->rcvbuf, d + first, len - first);
}

/* Remember [start, end) as held out of order; false when no range is
 * left (the data is then dropped and will be retransmitted). The most
 * recent range goes first: it is the first SACK block (RFC 2018 4). */
static bool ooo_add(struct tcp_sock *tp, uint32_t start, uint32_t end)
{
	for (int i = 0; i < tp->nooo;) {
		struct tcp_ooo *r = &tp->ooo[i];

		if (seq_leq(r->start, end) && seq_geq(r->end, start)) {
			start = seq_min(start, r->start);
			end = seq_max(end, r->end);
			memmove(r, r + 1, (size_t)(tp->nooo - i - 1) *
					  sizeof(*r));
			tp->nooo--;
			continue;
		}
		i++;
	}
	if (tp->nooo == TCP_OOO_MAX)
		return false;
	memmove(&tp->ooo[1], &tp->ooo[0], tp->nooo * sizeof(tp->ooo[0]));
	tp->ooo[0].start = start;
	tp->ooo[0].end = end;
	tp->nooo++;
	return true;
}

/* Ranges now contiguous with RCV.NXT become readable. */
static void ooo_collapse(struct tcp_sock *tp)
{
	bool again = true;

	while (again) {
		again = false;
		for (int i = 0; i < tp->nooo; i++) {
			struct tcp_ooo *r = &tp->ooo[i];

			if (seq_gt(r->start, tp->rcv_nxt))
				continue;
			if (seq_gt(r->end, tp->rcv_nxt)) {
				tp->rcv_len += r->end - tp->rcv_nxt;
				tp->rcv_nxt = r->end;
			}
			memmove(r, r + 1, (size_t)(tp->nooo - i - 1) *
					  sizeof(*r));
			tp->nooo--;
			again = true;
			break;
		}
	}
}

/* RFC 9293 3.10.7.4 seventh: segment text, [seq, seq + len) of it
 * being new. Returns true if all of it was taken in order, so that a
 * FIN after it is in order too. */
static bool data_input(struct net_stack *s, struct tcp_sock *tp,
		       uint32_t seq, const uint8_t *d, uint32_t len)
{
	uint32_t free = tcp_rcv_window(tp);
	uint32_t off = seq - tp->rcv_nxt;
	bool whole = true;

	if (off >= free) {
		tp->flags |= TF_ACKNOW;
		return false;
	}
	if (len > free - off) {
		len = free - off;	/* beyond the window: trimmed */
		whole = false;
	}
	if (off == 0) {
		ring_put(tp, tp->rcv_len, d, len);
		tp->rcv_len += len;
		tp->rcv_nxt += len;
		if (tp->nooo) {
			ooo_collapse(tp);
			tp->flags |= TF_ACKNOW;	/* a hole filled */
		} else if (len >= tp->mss && (tp->flags & TF_FULLSEG)) {
			tp->flags |= TF_ACKNOW;	/* every second full one */
		} else if (!(tp->flags & TF_ACKNOW)) {
			if (len >= tp->mss)
				tp->flags |= TF_FULLSEG;
			tp->flags |= TF_DELACK;
			if (!tp->t_delack)
				tp->t_delack = s->now + TCP_DELACK_MIN;
		}
		net_sock_notify(s, &tp->sk);
		return whole && seq + len == tp->rcv_nxt;
	}
	/* Out of order: keep it in the ring, answer with a duplicate ACK
	 * (RFC 5681 4.2) carrying SACK blocks. */
	if (ooo_add(tp, seq, seq + len))
		ring_put(tp, tp->rcv_len + off, d, len);
	tp->flags |= TF_ACKNOW;
	return false;
}

/* Eighth step. Returns false when tp's connection is over (TIME_WAIT
 * took it; the FIN has been ACKed). */
static bool fin_input(struct net_stack *s, struct tcp_sock *tp)
{
	tp->rcv_nxt++;
	/* Nothing follows a FIN: ranges held out of order beyond it were
	 * never real data (Linux's tcp_fin() purges them too), and the
	 * FIN's sequence number may be the start of one. */
	tp->nooo = 0;
	tp->flags |= TF_RCVD_FIN | TF_ACKNOW;
	tp->sk.shutdown |= NET_SHUT_RD;
	net_sock_notify(s, &tp->sk);
	switch (tp->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
		tcp_set_state(s, tp, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT_1:
		/* Our FIN not yet acknowledged: simultaneous close. */
		tcp_set_state(s, tp, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT_2:
		tcp_send_ack(s, tp);
		tcp_time_wait(s, tp, TCP_TIME_WAIT, TCP_TIMEWAIT_LEN);
		return false;
	default:
		break;
	}
	return true;
}

/* Fifth: the ACK field. Returns false when tp is gone or the segment
 * is to be dropped. */
static void challenge_ack(struct net_stack *s, struct tcp_sock *tp);

static bool ack_input(struct net_stack *s, struct tcp_sock *tp,
		      const struct tcp_seg *g)
{
	if (tp->state == TCP_SYN_RECEIVED) {
		if (!seq_gt(g->ack, tp->snd_una) || seq_gt(g->ack, tp->snd_max)) {
			rst_reply(s, g);
			return false;
		}
		if (!tp->rcvbuf && tcp_alloc_buffers(s, tp)) {
			/* No memory for the rings: the ACK is dropped, as
			 * Linux drops it when it cannot make the child; our
			 * SYN-ACK timer or the peer's next segment tries
			 * again. */
			s->mib.tcp.ListenDrops++;
			return false;
		}
		tcp_set_state(s, tp, TCP_ESTABLISHED);
		if (tp->retries == 0 || (tp->flags & TF_TS))
			rtt_sample(s, tp, g);
		tp->snd_una = g->ack;
		snd_wnd_set(tp, g->wnd << tp->snd_wscale, g->seq);
		tp->retries = 0;
		tp->t_rexmt = 0;
		if (tp->parent)
			child_established(s, tp);
		else
			net_sock_notify(s, &tp->sk);
		return true;
	}
	if (seq_gt(g->ack, tp->snd_max)) {
		/* Acks what we never sent (RFC 5961 5.2): a challenge. */
		if (tcp_oow_ok(s, &tp->last_oow_ack))
			challenge_ack(s, tp);
		else
			s->mib.tcp.TCPACKSkippedSeq++;
		return false;
	}
	if (seq_lt(g->ack, tp->snd_una - tp->max_sndwnd)) {
		/* Older than any window the peer can have seen (RFC 5961
		 * 5.2, a MUST in RFC 9293 3.10.7.4): a blind attacker's
		 * guess. Challenged and dropped with its data, as Linux
		 * drops a "too old" ACK. */
		if (tcp_oow_ok(s, &tp->last_oow_ack))
			challenge_ack(s, tp);
		else
			s->mib.tcp.TCPACKSkippedSeq++;
		return false;
	}
	uint32_t wnd = g->wnd << tp->snd_wscale;
	uint32_t una = tp->snd_una;

	bool sacked_new = (tp->flags & TF_SACK) && g->opt.nsack &&
		tcp_sackb_update(&tp->sackb, tp->snd_una, tp->snd_max,
				 g->opt.sack, g->opt.nsack);
	if (seq_gt(g->ack, tp->snd_una)) {
		uint32_t acked = g->ack - tp->snd_una;
		uint32_t data = acked;

		if ((tp->flags & TF_FIN_SENT) && g->ack == tp->snd_max)
			data--;		/* the FIN's sequence number */
		if (data > tp->snd_len)
			data = tp->snd_len;
		tp->snd_head = (tp->snd_head + data) % tp->snd_size;
		tp->snd_len -= data;
		rtt_sample(s, tp, g);
		tp->retries = 0;
		tp->snd_una = g->ack;
		tcp_sackb_prune(&tp->sackb, tp->snd_una);
		if (seq_lt(tp->snd_nxt, tp->snd_una))
			tp->snd_nxt = tp->snd_una;
		/* A partial ACK: NewReno resends the new first segment
		 * (RFC 6582 3.2 step 3); with SACK only what the peer's
		 * blocks show missing goes (RFC 6675), the rest is in
		 * flight as far as anyone knows. */
		if (tcp_cc_on_ack(&tp->cc, acked, g->ack,
				  tp->snd_max - g->ack) == TCP_CC_RETRANSMIT &&
		    !tcp_sack_retransmit(s, tp) && !(tp->flags & TF_SACK))
			tcp_retransmit_head(s, tp);
		tp->cc.dupacks = tp->cc.in_recovery ? tp->cc.dupacks : 0;
		if (tp->snd_una == tp->snd_max) {
			tp->t_rexmt = 0;
			tp->flags &= ~TF_PERSIST;
		} else if (!(tp->flags & TF_PERSIST)) {
			tcp_arm_rexmt(s, tp);
		}
		net_sock_notify(s, &tp->sk);
	} else if (g->ack == tp->snd_una && g->len == 0 &&
		   !(g->flags & (TCP_SYN | TCP_FIN)) &&
		   (wnd == tp->snd_wnd || sacked_new) &&
		   tp->snd_una != tp->snd_max) {
		/* Duplicate ACK (RFC 5681 2); with SACK, any ACK that
		 * reports new data held above a hole (RFC 6675 2). */
		switch (tcp_cc_on_dupack(&tp->cc, tp->snd_una, tp->snd_max,
					 tp->snd_max - tp->snd_una)) {
		case TCP_CC_FAST_RETRANSMIT:
			s->mib.tcp.TCPFastRetrans++;
			if (tp->flags & TF_SACK)
				s->mib.tcp.TCPSackRecovery++;
			tp->sack_rxt = tp->snd_una;
			tcp_retransmit_head(s, tp);
			tp->sack_rxt = tp->snd_una +
				(tp->snd_len < tp->mss ? tp->snd_len : tp->mss);
			break;
		case TCP_CC_INFLATE:
			/* One more segment has left the network: the next
			 * hole goes first, before new data (RFC 6675 5). */
			tcp_sack_retransmit(s, tp);
			break;
		default:
			break;
		}
	}
	/* Send window update; an old ACK (below SND.UNA) updates
	 * nothing (RFC 9293 3.10.7.4). */
	if (seq_geq(g->ack, una) && window_may_update(tp, una, g, wnd)) {
		snd_wnd_set(tp, wnd, g->seq);
		if (wnd && (tp->flags & TF_PERSIST)) {
			tp->flags &= ~TF_PERSIST;
			tp->t_rexmt = 0;
			tcp_rtt_reset_backoff(&tp->rtt);
		}
	}
	bool fin_acked = (tp->flags & TF_FIN_SENT) &&
			 tp->snd_una == tp->snd_max;

	switch (tp->state) {
	case TCP_FIN_WAIT_1:
		if (!fin_acked)
			break;
		tcp_set_state(s, tp, TCP_FIN_WAIT_2);
		if (!(tp->flags & TF_ORPHAN))
			break;	/* the user may wait for the FIN forever */
		/* An orphan (Linux tcp_rcv_state_process): new data is
		 * reset; a FIN goes on to TIME_WAIT below; otherwise only
		 * a FIN_WAIT_2 record waits, for tcp_fin_timeout. */
		if (seq_gt(g->seq + g->len, tp->rcv_nxt) && g->len) {
			s->mib.tcp.TCPAbortOnData++;
			tcp_send_rst_for(s, tp);
			tcp_done(s, tp);
			return false;
		}
		if (g->flags & TCP_FIN)
			break;
		if (tp->linger2 < 0) {
			/* TCP_LINGER2 < 0: no FIN_WAIT_2 at all (Linux
			 * drops it so, without a reset). */
			s->mib.tcp.TCPAbortOnData++;
			tcp_done(s, tp);
			return false;
		}
		tcp_time_wait(s, tp, TCP_FIN_WAIT_2, tcp_fin_wait2_ms(s, tp));
		return false;
	case TCP_CLOSING:
		if (fin_acked) {
			tcp_time_wait(s, tp, TCP_TIME_WAIT, TCP_TIMEWAIT_LEN);
			return false;
		}
		break;
	case TCP_LAST_ACK:
		if (fin_acked) {
			tcp_done(s, tp);
			return false;
		}
		break;
	default:
		break;
	}
	return true;
}

/* RFC 5961 3.2 and 4.2's challenge ACK, at most TCP_CHALLENGE_ACK_LIMIT
 * a second for the whole stack (section 7, Linux's
 * tcp_challenge_ack_limit): a blind attacker cannot make us flood. */
static void challenge_ack(struct net_stack *s, struct tcp_sock *tp)
{
	struct tcp_state *t = &s->tcp;

	if (s->now / 1000 != t->challenge_at) {
		t->challenge_at = s->now / 1000;
		t->challenge_sent = 0;
	}
	if (t->challenge_sent >= TCP_CHALLENGE_ACK_LIMIT) {
		s->mib.tcp.TCPChallengeACKLimit++;
		return;
	}
	t->challenge_sent++;
	s->mib.tcp.TCPChallengeACK++;
	tcp_send_ack(s, tp);
}

/*
 * A pure duplicate ACK overtaken on the way by a later segment, as
 * Linux's tcp_disordered_ack(): its TSval is older than TS.Recent, but
 * it is at RCV.NXT, acknowledges exactly SND.UNA, would not update the
 * window, and is older by no more than one RTO of reordering (in the
 * peer's clock ticks, taken as 1 ms as Linux does, RFC 7323 5.4). All
 * it can do is count as a duplicate ACK, which fast retransmit needs
 * (RFC 5681 3.2); an old duplicate of it could do no more, so PAWS has
 * nothing to protect by dropping it.
 */
static bool disordered_ack(const struct tcp_sock *tp, const struct tcp_seg *g)
{
	uint32_t wnd = g->wnd << tp->snd_wscale;

	return (g->flags & TCP_ACK) && seg_len(g) == 0 &&
	       g->seq == tp->rcv_nxt && g->ack == tp->snd_una &&
	       !window_may_update(tp, tp->snd_una, g, wnd) &&
	       seq_diff(tp->ts_recent, g->opt.tsval) <=
		       (int32_t)tcp_rtt_rto(&tp->rtt);
}

/* TS.Recent taken more than 24 days ago (RFC 7323 5.5): the peer's
 * clock may since have moved more than half its space, so a TSval that
 * compares older says nothing. */
static bool ts_recent_stale(const struct net_stack *s,
			    const struct tcp_sock *tp)
{
	return (uint32_t)(s->now / 1000) - tp->ts_recent_stamp >
	       TCP_PAWS_IDLE_MAX;
}

/* PAWS (RFC 7323 5.3): a segment whose TSval is older than TS.Recent
 * is an old duplicate, dropped; but a reset always goes on to the RST
 * checks (RFC 7323 5.3 R1), a disordered duplicate ACK is taken, and so
 * is anything after 24 days of silence (5.5). */
static bool paws_reject(const struct net_stack *s, const struct tcp_sock *tp,
			const struct tcp_seg *g)
{
	if (!(tp->flags & TF_TS) || !g->opt.has_ts || (g->flags & TCP_RST) ||
	    !ts_lt(g->opt.tsval, tp->ts_recent) || ts_recent_stale(s, tp))
		return false;
	return !disordered_ack(tp, g);
}

/* RFC 9293 3.10.7.4, for SYN-RECEIVED and every synchronised state. */
static void established_input(struct net_stack *s, struct tcp_sock *tp,
			      struct tcp_seg *g)
{
	bool paws = paws_reject(s, tp, g);

	if (paws)
		s->mib.tcp.PAWSEstab++;
	/* The peer's SYN again: our SYN-ACK was lost. It is answered with
	 * the SYN-ACK (Linux's tcp_check_req()), not the bare ACK the
	 * sequence check below would give a segment at IRS. */
	if (tp->state == TCP_SYN_RECEIVED && !paws &&
	    (g->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN &&
	    g->seq == tp->irs) {
		tcp_send_syn(s, tp);
		return;
	}
	/* First: sequence number. */
	if (paws || !acceptable(tp, g)) {
		if (g->flags & TCP_RST)
			return;
		/* Data we already hold: the peer missed our ACK, answer
		 * now. Anything else (a stray ACK, data beyond the
		 * window) is answered at a limited rate. */
		bool dup_data = g->len && seq_leq(g->seq + g->len,
						  tp->rcv_nxt);
		if (!dup_data && !tcp_oow_ok(s, &tp->last_oow_ack)) {
			s->mib.tcp.TCPACKSkippedSeq++;
			return;
		}
		tp->flags |= TF_ACKNOW;
		tcp_output(s, tp);
		return;
	}
	/* Second: RST (RFC 5961 3.2): only exactly at RCV.NXT resets. */
	if (g->flags & TCP_RST) {
		if (g->seq != tp->rcv_nxt) {
			challenge_ack(s, tp);
			return;
		}
		if (tp->state == TCP_SYN_RECEIVED && tp->parent) {
			tcp_done(s, tp);	/* back to LISTEN: forget it */
			return;
		}
		tcp_reset(s, tp, -ECONNRESET);
		return;
	}
	/* Fourth: SYN in a synchronised state (RFC 5961 4.2). */
	if (g->flags & TCP_SYN) {
		challenge_ack(s, tp);
		return;
	}
	/* Fifth: ACK. */
	if (!(g->flags & TCP_ACK))
		return;
	tp->rcv_time = s->now;		/* the peer is alive: keepalive */
	tp->keep_probes = 0;
	/* RFC 7323 4.3: TS.Recent from the segment at the left edge; never
	 * back to an older TSval (a disordered ACK passed PAWS with one). */
	if ((tp->flags & TF_TS) && g->opt.has_ts &&
	    seq_leq(g->seq, tp->rcv_adv) &&
	    seq_leq(g->seq, tp->rcv_nxt) &&
	    (ts_geq(g->opt.tsval, tp->ts_recent) || ts_recent_stale(s, tp))) {
		tp->ts_recent = g->opt.tsval;
		tp->ts_recent_stamp = (uint32_t)(s->now / 1000);
	}
	if (!ack_input(s, tp, g))
		return;

	/* Trim what we already have (retransmitted data). */
	uint32_t seq = g->seq;
	const uint8_t *d = g->data;
	uint32_t len = g->len;
	bool fin = g->flags & TCP_FIN;

	if (seq_lt(seq, tp->rcv_nxt)) {
		uint32_t skip = tp->rcv_nxt - seq;

		if (skip > len) {
			if (fin && skip == len + 1)
				fin = false;	/* FIN already seen */
			skip = len;
		}
		seq += skip;
		d += skip;
		len -= skip;
	}
	if (tp->flags & TF_RCVD_FIN)
		fin = false;
	/* Seventh: text. */
	if (len) {
		switch (tp->state) {
		case TCP_ESTABLISHED:
		case TCP_FIN_WAIT_1:
		case TCP_FIN_WAIT_2:
			if (tp->flags & TF_ORPHAN) {
				/* Nobody will read it: reset (Linux). */
				s->mib.tcp.TCPAbortOnData++;
				tcp_send_rst_for(s, tp);
				tcp_reset(s, tp, -ECONNRESET);
				return;
			}
			fin = data_input(s, tp, seq, d, len) && fin;
			break;
		default:
			fin = false;
			break;
		}
	} else if (fin && seq != tp->rcv_nxt) {
		fin = false;
		tp->flags |= TF_ACKNOW;
	} else if (g->len) {
		tp->flags |= TF_ACKNOW;	/* a pure duplicate: re-ACK */
	}
	/* Eighth: FIN. */
	if (fin && !fin_input(s, tp))
		return;
	tcp_output(s, tp);
}

/* Parse segment tcp/len, whose addresses g->a already holds and whose
 * checksum, with pseudo the pseudo-header's sum, is verified first. 0,
 * or -1 for a malformed segment (counted). */
static int seg_parse(struct net_stack *s, struct tcp_seg *g,
		     const uint8_t *tcp, size_t len, uint32_t pseudo)
{
	struct tcp_mib *mib = &s->mib.tcp;
	size_t doff;

	if (len < TCP_HLEN) {
		mib->InErrs++;
		return -1;
	}
	mib->InSegs++;
	doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < TCP_HLEN || doff > len) {
		mib->InErrs++;
		return -1;
	}
	if (inet_fold(inet_sum(tcp, len, pseudo))) {
		mib->InCsumErrors++;
		mib->InErrs++;
		return -1;
	}
	g->sport = get_be16(tcp);
	g->dport = get_be16(tcp + 2);
	g->seq = get_be32(tcp + 4);
	g->ack = get_be32(tcp + 8);
	g->flags = tcp[13] & 0x3f;
	g->wnd = get_be16(tcp + 14);
	g->data = tcp + doff;
	g->len = (uint32_t)(len - doff);
	if (tcp_opt_parse(tcp + TCP_HLEN, doff - TCP_HLEN,
			  g->flags & TCP_SYN, &g->opt)) {
		mib->InErrs++;
		return -1;
	}
	return 0;
}

/* A valid segment for one of our unicast addresses: to its connection,
 * TIME_WAIT record or listener, in Linux's order; else a reset. */
static void seg_dispatch(struct net_stack *s, struct tcp_seg *g)
{
	struct tcp_sock *tp = tcp_lookup(s, &g->a, g->dport, g->sport);
	uint32_t isn = 0;

	if (!tp) {
		struct tcp_tw *tw = tcp_tw_lookup(s, &g->a, g->dport,
						  g->sport);
		if (tw && !tcp_tw_input(s, tw, g, &isn))
			return;
		struct tcp_sock *l = tcp_lookup_listener(s, g);

		if (tw && !l) {
			tcp_tw_send_ack(s, tw);
			return;
		}
		if (tw) {
			s->mib.tcp.TWKilled++;
			tcp_tw_kill(s, tw);
		}
		if (!l) {
			rst_reply(s, g);
			return;
		}
		tp = listen_input(s, l, g, isn);
		if (!tp)
			return;
		/* A cookie's final ACK made tp: it may carry data. */
	}
	if (tp->state == TCP_SYN_SENT)
		synsent_input(s, tp, g);
	else
		established_input(s, tp, g);
}

void tcp_input(struct net_stack *s, struct netif *nif, const uint8_t *ip,
	       const uint8_t *tcp, size_t len)
{
	struct tcp_seg g;

	g.a = tcp_addrs4(get_be32(ip + 16), get_be32(ip + 12));
	g.nif = nif;
	if (seg_parse(s, &g, tcp, len,
			inet_pseudo_sum(g.a.raddr, g.a.laddr, IPPROTO_TCP_,
					(uint16_t)len)))
		return;
	/* Only unicast to us (RFC 9293 3.9.2.1 / RFC 1122 4.2.3.10). */
	if (net_addr_is_broadcast(s, g.a.laddr) ||
	    net_addr_is_multicast(g.a.laddr))
		return;
	seg_dispatch(s, &g);
}

void tcp6_input(struct net_stack *s, struct netif *nif,
		const struct ip6_addr *src, const struct ip6_addr *dst,
		const uint8_t *tcp, size_t len)
{
	struct tcp_seg g;

	g.a.v6 = true;
	g.a.laddr6 = *dst;
	g.a.raddr6 = *src;
	g.nif = nif;
	if (seg_parse(s, &g, tcp, len, inet6_pseudo_sum(src, dst,
				(uint32_t)len, IP6_NH_TCP)))
		return;
	/* ip6.c delivers only what is addressed to us; a group is not a
	 * TCP peer (RFC 9293 3.9.2.1). */
	if (ip6_addr_is_multicast(dst))
		return;
	seg_dispatch(s, &g);
}

/* The connection an ICMP error quoting our segment at seq is about, if
 * it has that sequence number in flight. */
static struct tcp_sock *icmp_target(struct net_stack *s,
				    const struct tcp_addrs *a, uint16_t lport,
				    uint16_t rport, uint32_t seq)
{
	struct tcp_sock *tp = tcp_lookup(s, a, lport, rport);

	if (!tp || seq_lt(seq, tp->snd_una) || seq_geq(seq, tp->snd_max))
		return NULL;	/* stale or forged */
	return tp;
}

/* A hard error aborts a connection being opened; a synchronised one
 * takes it as soft (RFC 1122 4.2.3.9): retransmission decides. */
static void icmp_abort(struct net_stack *s, struct tcp_sock *tp, int err)
{
	if (tp->state != TCP_SYN_SENT && tp->state != TCP_SYN_RECEIVED)
		return;
	tp->sk.so_error = err;
	tcp_done(s, tp);
}

void tcp_icmp_error(struct net_stack *s, uint32_t src, uint16_t sport,
		    uint32_t dst, uint16_t dport, uint32_t seq, int err)
{
	struct tcp_addrs a = tcp_addrs4(src, dst);
	struct tcp_sock *tp = icmp_target(s, &a, sport, dport, seq);

	/* No PMTU discovery over IPv4: Kite's segments may be fragmented. */
	if (tp && err != -EMSGSIZE)
		icmp_abort(s, tp, err);
}

void tcp6_icmp_error(struct net_stack *s, const struct ip6_addr *src,
		     uint16_t sport, const struct ip6_addr *dst,
		     uint16_t dport, uint32_t seq, int err)
{
	struct tcp_addrs a = { .v6 = true, .laddr6 = *src, .raddr6 = *dst };
	struct tcp_sock *tp = icmp_target(s, &a, sport, dport, seq);

	/* Packet Too Big went to the path MTU cache, and ip6_output()
	 * fragments to it (RFC 8201 allows either); nothing to abort. */
	if (tp && err != -EMSGSIZE)
		icmp_abort(s, tp, err);
}
