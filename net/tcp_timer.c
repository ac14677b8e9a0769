/*
 * TCP timers. Each connection has one wheel timer armed for the earliest
 * of its deadlines: retransmission or persist (t_rexmt), delayed ACK
 * (t_delack), TIME_WAIT / orphaned FIN_WAIT_2 (t_2msl). A poll costs
 * what is due, never what is idle (net/timerwheel.h).
 */
#include <errno.h>

#include "net/stack.h"
#include "net/tcp.h"
#include "net/tcp_seq.h"

/* The stack whose wheel is being run (a wtimer knows only its TCB). The
 * caller serialises each stack; tcp_poll() sets it before running. */
static struct net_stack *timer_stack;

void tcp_timer_update(struct net_stack *s, struct tcp_sock *tp)
{
	uint64_t next = UINT64_MAX;

	if (tp->t_rexmt && tp->t_rexmt < next)
		next = tp->t_rexmt;
	if (tp->t_delack && tp->t_delack < next)
		next = tp->t_delack;
	if (tp->t_2msl && tp->t_2msl < next)
		next = tp->t_2msl;
	if (next == UINT64_MAX)
		wheel_del(&s->tcp.wheel, &tp->timer);
	else if (!wtimer_pending(&tp->timer) || tp->timer.expires != next)
		wheel_add(&s->tcp.wheel, &tp->timer, next);
}

void tcp_arm_rexmt(struct net_stack *s, struct tcp_sock *tp)
{
	tp->t_rexmt = s->now + tcp_rtt_rto(&tp->rtt);
	tcp_timer_update(s, tp);
}

/* RFC 6298 5.4-5.6 and RFC 9293 3.8.3: back off, give up after the
 * retry limit. Returns false when tp is gone. */
static bool rexmt_timeout(struct net_stack *s, struct tcp_sock *tp)
{
	unsigned limit = TCP_RETRIES2;

	if (tp->state == TCP_SYN_SENT)
		limit = TCP_SYN_RETRIES;
	else if (tp->state == TCP_SYN_RECEIVED)
		limit = TCP_SYNACK_RETRIES;
	if (++tp->retries > limit) {
		tp->sk.so_error = -ETIMEDOUT;
		tcp_done(s, tp);
		return false;
	}
	if (tp->rtt.backoff == 0)
		tcp_cc_on_timeout(&tp->cc, tp->snd_max,
				  tp->snd_max - tp->snd_una);
	tcp_rtt_backoff(&tp->rtt);
	tp->flags &= ~TF_RTT_TIMING;	/* Karn */
	if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECEIVED) {
		tcp_send_syn(s, tp);
		return true;
	}
	/* Go back to SND.UNA; cwnd is one segment now. */
	tp->snd_nxt = tp->snd_una;
	tp->cc.dupacks = 0;
	tcp_output(s, tp);
	if (!tp->t_rexmt && tp->snd_una != tp->snd_max)
		tcp_arm_rexmt(s, tp);
	return true;
}

void tcp_timer_fn(struct wtimer *t, void *arg)
{
	struct tcp_sock *tp = arg;
	struct net_stack *s = timer_stack;
	uint64_t now = s->now;

	(void)t;
	if (tp->t_2msl && tp->t_2msl <= now) {
		/* TIME_WAIT over (RFC 9293 3.10.8), or an orphan stuck in
		 * FIN_WAIT_2 (Linux's tcp_fin_timeout). */
		tp->t_2msl = 0;
		tcp_done(s, tp);
		return;
	}
	if (tp->t_delack && tp->t_delack <= now) {
		tp->t_delack = 0;
		if (tp->flags & TF_DELACK) {
			tp->flags |= TF_ACKNOW;
			tcp_send_ack(s, tp);
		}
	}
	if (tp->t_rexmt && tp->t_rexmt <= now) {
		tp->t_rexmt = 0;
		if (tp->flags & TF_PERSIST) {
			/* Zero-window probe (RFC 9293 3.8.6.1), backed off
			 * like a retransmission but never giving up. */
			tcp_send_probe(s, tp);
			tcp_rtt_backoff(&tp->rtt);
			tcp_arm_rexmt(s, tp);
		} else if (tp->snd_una != tp->snd_max ||
			   tp->state == TCP_SYN_SENT ||
			   tp->state == TCP_SYN_RECEIVED) {
			if (!rexmt_timeout(s, tp))
				return;
		}
	}
	tcp_timer_update(s, tp);
}

uint64_t tcp_poll(struct net_stack *s)
{
	timer_stack = s;
	return wheel_run(&s->tcp.wheel, s->now);
}
