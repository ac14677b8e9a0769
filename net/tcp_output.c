/*
 * TCP output: segments built from the send ring, SYNs, ACKs, window
 * probes and resets (RFC 9293 3.8, 3.10; Nagle RFC 896 / RFC 1122
 * 4.2.3.4; sender SWS avoidance RFC 1122 4.2.3.4).
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip.h"
#include "net/ip6.h"
#include "net/netif.h"
#include "net/pkt.h"
#include "net/stack.h"
#include "net/tcp.h"
#include "net/tcp_opt.h"
#include "net/tcp_seq.h"

uint32_t tcp_ts_now(struct net_stack *s, const struct tcp_sock *tp)
{
	return (uint32_t)s->now + tp->ts_offset;
}

static void put_header(uint8_t *h, uint16_t sport, uint16_t dport,
		       uint32_t seq, uint32_t ack, size_t optlen,
		       uint8_t flags, uint16_t win)
{
	put_be16(h, sport);
	put_be16(h + 2, dport);
	put_be32(h + 4, seq);
	put_be32(h + 8, ack);
	h[12] = (uint8_t)(((TCP_HLEN + optlen) / 4) << 4);
	h[13] = flags;
	put_be16(h + 14, win);
	put_be16(h + 16, 0);
	put_be16(h + 18, 0);
}

/* Checksum segment p from a->l* to a->r* and hand it to IP, with TTL
 * or hop limit hlim (IP_TTL / IPV6_UNICAST_HOPS; 0: the default). An
 * IPv6 one leaves by oif if set (a link-local pair's scope). */
static int send_pkt(struct net_stack *s, struct pkt *p,
		    const struct tcp_addrs *a, struct netif *oif, uint8_t hlim)
{
	uint8_t *h = pkt_data(p);
	uint32_t pseudo = a->v6 ?
		inet6_pseudo_sum(&a->laddr6, &a->raddr6, (uint32_t)p->len,
				 IP6_NH_TCP) :
		inet_pseudo_sum(a->laddr, a->raddr, IPPROTO_TCP_,
				(uint16_t)p->len);

	put_be16(h + 16, inet_fold(inet_sum(h, p->len, pseudo)));
	s->mib.tcp.OutSegs++;
	if (a->v6)
		return ip6_output(s, p, &a->laddr6, &a->raddr6, IP6_NH_TCP,
				  hlim, oif);
	return ip_output(s, p, a->laddr, a->raddr, IPPROTO_TCP_,
			 hlim ? hlim : IP_DEFAULT_TTL);
}

/* An answer to segment g. A link-local pair's answer leaves by the
 * interface g came in on (Linux's tcp_v6_send_response); any other
 * follows the route. */
static int send_reply(struct net_stack *s, struct pkt *p,
		      const struct tcp_seg *g)
{
	bool scoped = g->a.v6 && (net_addr6_needs_scope(&g->a.laddr6) ||
				  net_addr6_needs_scope(&g->a.raddr6));

	return send_pkt(s, p, &g->a, scoped ? g->nif : NULL, 0);
}

/* Copy len bytes at offset off from SND.UNA out of the send ring. */
static void ring_copy_out(const struct tcp_sock *tp, uint32_t off,
			  uint8_t *dst, uint32_t len)
{
	uint32_t i = (tp->snd_head + off) % tp->snd_size;
	uint32_t first = len < tp->snd_size - i ? len : tp->snd_size - i;

	memcpy(dst, tp->sndbuf + i, first);
	memcpy(dst + first, tp->sndbuf, len - first);
}

/* The data a segment may carry now: the MSS less the SACK blocks our
 * options will hold (tp->mss already leaves room for timestamps), as
 * Linux's tcp_current_mss(), so that no segment outgrows the MTU. */
static uint32_t cur_mss(const struct tcp_sock *tp)
{
	uint32_t blocks = tp->nooo, max = (tp->flags & TF_TS) ? 3 : 4;

	if (!(tp->flags & TF_SACK) || !blocks)
		return tp->mss;
	if (blocks > max)
		blocks = max;
	/* Kind, length and two NOPs, then 8 bytes a block. */
	uint32_t opt = 4 + 8 * blocks;

	/* tp->mss is at least TCP_MIN_SND_MSS less the timestamp option:
	 * 36, more than the 28 octets of three blocks, so this leaves
	 * data room, never wraps and never exceeds tp->mss. */
	return tp->mss - opt;
}

/* The window field: scaled except on SYNs (RFC 7323 2.2). Never shrinks
 * the right edge already advertised (RFC 9293 3.8.6.2.2). */
static uint16_t window_field(struct tcp_sock *tp, bool syn)
{
	uint32_t wnd = tcp_rcv_window(tp);

	if (syn)
		return wnd > 65535 ? 65535 : (uint16_t)wnd;
	/* Receiver SWS avoidance (RFC 1122 4.2.3.3): do not offer a sliver. */
	if (wnd < tp->rcv_size / 4 && wnd < tp->mss)
		wnd = 0;
	if (seq_lt(tp->rcv_nxt + wnd, tp->rcv_adv))
		wnd = tp->rcv_adv - tp->rcv_nxt;
	wnd >>= tp->rcv_wscale;
	if (wnd > 65535)
		wnd = 65535;
	return (uint16_t)wnd;
}

/* One segment of tp: seq, flags, and len bytes at ring offset off. */
static void xmit(struct net_stack *s, struct tcp_sock *tp, uint32_t seq,
		 uint8_t flags, uint32_t off, uint32_t len)
{
	uint8_t opt[TCP_OPT_MAX];
	size_t optlen = 0;
	bool syn = flags & TCP_SYN;
	struct pkt *p = pkt_alloc(len);
	struct tcp_addrs a;

	if (!p)
		return;
	tcp_sk_addrs(&tp->sk, &a);
	if (syn) {
		bool active = tp->state == TCP_SYN_SENT;

		optlen = tcp_opt_build_syn(opt, sizeof(opt),
			tcp_local_mss(s, &a, tp->sk.bound_nif),
			(active || (tp->flags & TF_WS)) ? tp->rcv_wscale : -1,
			active || (tp->flags & TF_SACK),
			active ? s->tcp.sysctl.timestamps != 0
			       : (tp->flags & TF_TS) != 0,
			tcp_ts_now(s, tp), tp->ts_recent);
	} else {
		struct tcp_opts sack = { .nsack = 0 };

		if (tp->flags & TF_SACK) {
			sack.nsack = tp->nooo;
			for (int i = 0; i < tp->nooo; i++) {
				sack.sack[i].start = tp->ooo[i].start;
				sack.sack[i].end = tp->ooo[i].end;
			}
		}
		optlen = tcp_opt_build(opt, sizeof(opt), tp->flags & TF_TS,
				       tcp_ts_now(s, tp), tp->ts_recent,
				       &sack);
	}
	if (len)
		ring_copy_out(tp, off, pkt_put(p, len), len);
	memcpy(pkt_push(p, optlen), opt, optlen);
	uint16_t win = window_field(tp, syn);
	uint8_t *h = pkt_push(p, TCP_HLEN);

	put_header(h, tp->sk.lport, tp->sk.rport, seq,
		   (flags & TCP_ACK) ? tp->rcv_nxt : 0, optlen, flags, win);
	if (flags & TCP_ACK) {
		uint32_t edge = tp->rcv_nxt + ((uint32_t)win << (syn ? 0 :
						tp->rcv_wscale));

		if (seq_gt(edge, tp->rcv_adv))
			tp->rcv_adv = edge;
		tp->flags &= ~(TF_ACKNOW | TF_DELACK | TF_FULLSEG);
		tp->t_delack = 0;
	}
	if (len)
		tp->snd_time = (uint32_t)s->now;
	if (seq_lt(seq, tp->snd_max) && (len || (flags & (TCP_SYN | TCP_FIN))))
		s->mib.tcp.RetransSegs++;
	send_pkt(s, p, &a, tp->sk.bound_nif, tp->sk.ttl);
}

void tcp_send_syn(struct net_stack *s, struct tcp_sock *tp)
{
	uint8_t flags = TCP_SYN;

	/* A SYN-ACK unless we opened actively and have heard nothing yet
	 * (SYN_RECEIVED, or closed in it before the handshake ended). */
	if (tp->state != TCP_SYN_SENT)
		flags |= TCP_ACK;
	xmit(s, tp, tp->iss, flags, 0, 0);
	tp->snd_nxt = tp->iss + 1;
	if (seq_lt(tp->snd_max, tp->snd_nxt))
		tp->snd_max = tp->snd_nxt;
	tcp_arm_rexmt(s, tp);
}

void tcp_send_ack(struct net_stack *s, struct tcp_sock *tp)
{
	xmit(s, tp, tp->snd_nxt, TCP_ACK, 0, 0);
}

void tcp_send_probe(struct net_stack *s, struct tcp_sock *tp)
{
	/* An old sequence number: the peer answers with its window. */
	xmit(s, tp, tp->snd_una - 1, TCP_ACK, 0, 0);
}

void tcp_send_rst_for(struct net_stack *s, struct tcp_sock *tp)
{
	xmit(s, tp, tp->snd_nxt, TCP_RST | TCP_ACK, 0, 0);
	s->mib.tcp.OutRsts++;
}

void tcp_respond_rst(struct net_stack *s, const struct tcp_seg *g,
		     uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct pkt *p = pkt_alloc(0);

	if (!p)
		return;
	put_header(pkt_push(p, TCP_HLEN), g->dport, g->sport, seq, ack, 0,
		   flags, 0);
	s->mib.tcp.OutRsts++;
	send_reply(s, p, g);
}

/* The ACK of a TIME_WAIT record (Linux's tcp_v4_timewait_ack). */
void tcp_tw_send_ack(struct net_stack *s, const struct tcp_tw *tw)
{
	uint8_t opt[TCP_OPT_MAX];
	struct tcp_opts none = { .nsack = 0 };
	struct tcp_addrs a;

	tcp_tw_addrs(tw, &a);
	uint32_t ts_offset = s->tcp.sysctl.timestamps == 2 ? 0 :
			     tcp_ts_offset(&s->tcp.secret, &a);
	size_t optlen = tcp_opt_build(opt, sizeof(opt), tw->flags & TW_TS,
				      (uint32_t)s->now + ts_offset,
				      tw->ts_recent, &none);
	struct pkt *p = pkt_alloc(0);

	if (!p)
		return;
	memcpy(pkt_push(p, optlen), opt, optlen);
	put_header(pkt_push(p, TCP_HLEN), tw->lport, tw->rport, tw->snd_nxt,
		   tw->rcv_nxt, optlen, TCP_ACK, tw->rcv_wnd);
	send_pkt(s, p, &a, tcp_tw_nif(tw), 0);
}

uint16_t tcp_cookie_window(const struct tcp_sock *l)
{
	uint32_t ring = l->sk.rcvbuf / 2;

	return (uint16_t)(ring > 65535 ? 65535 : ring);
}

void tcp_send_cookie_synack(struct net_stack *s, const struct tcp_seg *g,
			    uint32_t cookie, uint16_t mss, uint16_t win)
{
	uint8_t opt[TCP_OPT_MAX];
	size_t optlen = tcp_opt_build_syn(opt, sizeof(opt), mss, -1, false,
					  false, 0, 0);
	struct pkt *p = pkt_alloc(0);

	if (!p)
		return;
	memcpy(pkt_push(p, optlen), opt, optlen);
	put_header(pkt_push(p, TCP_HLEN), g->dport, g->sport, cookie,
		   g->seq + 1, optlen, TCP_SYN | TCP_ACK, win);
	send_reply(s, p, g);
}

static bool fin_pending(const struct tcp_sock *tp)
{
	return tp->flags & TF_FIN_QUEUED;
}

void tcp_retransmit_head(struct net_stack *s, struct tcp_sock *tp)
{
	uint32_t mss = cur_mss(tp);
	uint32_t len = tp->snd_len < mss ? tp->snd_len : mss;
	uint8_t flags = TCP_ACK;

	if (len == tp->snd_len && fin_pending(tp) && (tp->flags & TF_FIN_SENT))
		flags |= TCP_FIN;
	if (!len && !(flags & TCP_FIN))
		return;
	if (len)
		flags |= TCP_PSH;
	xmit(s, tp, tp->snd_una, flags, 0, len);
	tp->flags &= ~TF_RTT_TIMING;	/* Karn */
	tcp_arm_rexmt(s, tp);
}

bool tcp_sack_retransmit(struct net_stack *s, struct tcp_sock *tp)
{
	uint32_t from = seq_max(tp->snd_una, tp->sack_rxt);
	uint32_t start, end;

	if (!(tp->flags & TF_SACK) ||
	    !tcp_sackb_next_hole(&tp->sackb, from, &start, &end))
		return false;
	uint32_t off = start - tp->snd_una;
	uint32_t len = end - start;

	if (off >= tp->snd_len)
		return false;	/* only the FIN is left: the timer's */
	if (len > cur_mss(tp))
		len = cur_mss(tp);
	if (len > tp->snd_len - off)
		len = tp->snd_len - off;
	xmit(s, tp, start, TCP_ACK, off, len);
	tp->sack_rxt = start + len;
	tp->flags &= ~TF_RTT_TIMING;	/* Karn */
	s->mib.tcp.TCPSackRetrans++;
	return true;
}

void tcp_output(struct net_stack *s, struct tcp_sock *tp)
{
	if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECEIVED) {
		if (tp->flags & TF_ACKNOW)
			tcp_send_ack(s, tp);
		return;
	}
	if (tp->state < TCP_SYN_SENT || tp->state == TCP_TIME_WAIT) {
		if ((tp->flags & TF_ACKNOW) && tp->state == TCP_TIME_WAIT)
			tcp_send_ack(s, tp);
		return;
	}
	/* Nothing in flight, new data to send and quiet for more than an
	 * RTO: the ACK clock is gone, so cwnd restarts from the initial
	 * window (RFC 5681 4.1; Linux's tcp_cwnd_restart()). */
	if (tp->snd_una == tp->snd_max && tp->snd_len)
		tcp_cc_after_idle(&tp->cc, (uint32_t)s->now - tp->snd_time,
				  tcp_rtt_rto(&tp->rtt));
	uint32_t wnd = tp->snd_wnd < tp->cc.cwnd ? tp->snd_wnd : tp->cc.cwnd;
	uint32_t mss = cur_mss(tp);

	for (;;) {
		uint32_t off = tp->snd_nxt - tp->snd_una;
		uint32_t len = 0;
		uint8_t flags = TCP_ACK;

		if (off > tp->snd_len)
			break;		/* only the FIN is past the data */
		if (off < tp->snd_len) {
			len = tp->snd_len - off;
			if (len > mss)
				len = mss;
			if (off >= wnd)
				len = 0;
			else if (len > wnd - off)
				len = wnd - off;
		}
		bool last = off + len == tp->snd_len;
		bool rexmit = seq_lt(tp->snd_nxt, tp->snd_max);

		if (len && len < mss && !rexmit && !(tp->flags & TF_FORCE)) {
			/* RFC 1122 4.2.3.4, resends and the override
			 * timeout (TF_FORCE) aside. Nagle: a small last
			 * segment waits while data is unacknowledged. SWS
			 * avoidance: a window-limited sliver waits unless it
			 * is half the largest window the peer ever offered
			 * (BSD's max_sndwnd). Against the current window,
			 * a sliver of a tiny one would always pass; against
			 * the largest, a peer whose every window is below
			 * the MSS is still sent to. */
			bool idle = tp->snd_nxt == tp->snd_una;

			if (!last && len < tp->max_sndwnd / 2)
				break;
			if (last && !idle && !(tp->flags & TF_NODELAY) &&
			    !fin_pending(tp))
				break;
		}
		/* The FIN takes a sequence number, so it needs room in the
		 * peer's window like data (Linux's tcp_snd_wnd_test());
		 * into a shut window it goes only as a persist probe. */
		bool fin = fin_pending(tp) && last &&
			   off + len < tp->snd_wnd &&
			   (!(tp->flags & TF_FIN_SENT) ||
			    seq_lt(tp->snd_nxt + len, tp->snd_max));
		if (!len && !fin)
			break;
		if (fin)
			flags |= TCP_FIN;
		if (len && last)
			flags |= TCP_PSH;
		if (tp->snd_nxt == tp->snd_max && len &&
		    !(tp->flags & (TF_RTT_TIMING | TF_TS))) {
			tp->flags |= TF_RTT_TIMING;
			tp->rtt_seq = tp->snd_nxt;
			tp->rtt_time = (uint32_t)s->now;
		}
		xmit(s, tp, tp->snd_nxt, flags, off, len);
		tp->snd_nxt += len + (fin ? 1 : 0);
		if (fin)
			tp->flags |= TF_FIN_SENT;
		if (seq_gt(tp->snd_nxt, tp->snd_max))
			tp->snd_max = tp->snd_nxt;
		if (!tp->t_rexmt || (tp->flags & TF_PERSIST)) {
			tp->flags &= ~TF_PERSIST;
			tcp_arm_rexmt(s, tp);
		}
		if (fin)
			break;
	}
	if (tp->flags & TF_ACKNOW)
		tcp_send_ack(s, tp);
	/* Data or a FIN waiting and nothing in flight: the window is shut
	 * (RFC 9293 3.8.6.1) or too small for SWS avoidance; persist, as
	 * BSD's tcp_setpersist(). No ACK will come to change that
	 * otherwise. */
	bool waiting = tp->snd_len > tp->snd_nxt - tp->snd_una ||
		       (fin_pending(tp) && !(tp->flags & TF_FIN_SENT));
	if (waiting && tp->snd_una == tp->snd_max && !tp->t_rexmt) {
		tp->flags |= TF_PERSIST;
		tcp_arm_rexmt(s, tp);
	}
	tcp_timer_update(s, tp);
}
