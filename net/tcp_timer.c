/*
 * TCP timers. Each connection has one wheel timer armed for the earliest
 * of its deadlines: retransmission or persist (t_rexmt), delayed ACK
 * (t_delack), and t_keep: keepalive (RFC 1122 4.2.3.6, Linux's
 * tcp_keepalive_*) for a connection with SO_KEEPALIVE, or an orphan's
 * maximum linger (TCP_ORPHAN_LINGER) after which it is removed whatever
 * its state. TIME_WAIT records have queues of their own
 * (tcp_timewait.c). A poll costs what is due, never what is idle
 * (net/timerwheel.h).
 */
#include <errno.h>
#include <stddef.h>

#include "net/port.h"
#include "net/stack.h"
#include "net/tcp.h"
#include "net/tcp_seq.h"

void tcp_timer_update(struct net_stack *s, struct tcp_sock *tp)
{
	uint64_t next = UINT64_MAX;

	if (tp->t_rexmt && tp->t_rexmt < next)
		next = tp->t_rexmt;
	if (tp->t_delack && tp->t_delack < next)
		next = tp->t_delack;
	if (tp->t_keep && tp->t_keep < next)
		next = tp->t_keep;
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
	const struct tcp_sysctl *sc = &s->tcp.sysctl;
	unsigned limit = sc->retries2;
	/* Our SYN not yet acknowledged: SYN_SENT, SYN_RECEIVED, or a
	 * connection closed or shut down in SYN_RECEIVED (FIN_WAIT_1 with
	 * its FIN still queued behind the handshake). The SYN is what goes
	 * again. */
	bool syn_unacked = tp->snd_una == tp->iss;

	if (tp->state == TCP_SYN_SENT)
		limit = sc->syn_retries;
	else if (syn_unacked)
		limit = sc->synack_retries;
	else if (tp->flags & TF_ORPHAN)	/* Linux: 0 means 8 */
		limit = sc->orphan_retries ? sc->orphan_retries : 8;
	bool shut = tp->snd_wnd == 0 && !syn_unacked;

	if (shut && !(tp->flags & TF_ORPHAN) &&
	    s->now - tp->rcv_time <= TCP_RTO_MAX) {
		/* The peer shut its window on what we sent: the resends are
		 * zero-window probes, and a connection whose probes are
		 * answered stays open (RFC 1122 4.2.2.17). As Linux's
		 * tcp_retransmit_timer(), only a peer silent for longer
		 * than TCP_RTO_MAX counts against the limit. The head
		 * goes again, window or not: it is the probe. */
		tcp_rtt_backoff(&tp->rtt);
		s->mib.tcp.TCPTimeouts++;
		tcp_retransmit_head(s, tp);
		return true;
	}
	if (++tp->retries > limit) {
		s->mib.tcp.TCPAbortOnTimeout++;
		tp->sk.so_error = -ETIMEDOUT;
		tcp_done(s, tp);
		return false;
	}
	if (tp->rtt.backoff == 0)
		tcp_cc_on_timeout(&tp->cc, tp->snd_max,
				  tp->snd_max - tp->snd_una);
	tcp_rtt_backoff(&tp->rtt);
	tp->flags &= ~TF_RTT_TIMING;	/* Karn */
	s->mib.tcp.TCPTimeouts++;
	/* The peer may have reneged on its SACKs (RFC 2018 8). */
	tcp_sackb_clear(&tp->sackb);
	tp->sack_rxt = tp->snd_una;
	if (syn_unacked) {
		tcp_send_syn(s, tp);
		return true;
	}
	/* Go back to SND.UNA; cwnd is one segment now. Into a shut window
	 * only the head goes, as the probe (an orphan's, counted). */
	tp->snd_nxt = tp->snd_una;
	tp->cc.dupacks = 0;
	if (shut)
		tcp_retransmit_head(s, tp);
	else
		tcp_output(s, tp);
	if (!tp->t_rexmt && tp->snd_una != tp->snd_max)
		tcp_arm_rexmt(s, tp);
	return true;
}

static const char *const state_name[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
	"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
	"TIME_WAIT",
};

/* An orphan past its maximum linger: removed, whatever its state, with a
 * reset to tell the peer and a warning (at most one line a second). */
static void orphan_expired(struct net_stack *s, struct tcp_sock *tp)
{
	struct tcp_state *t = &s->tcp;

	s->mib.tcp.TCPOrphanExpired++;
	if (t->orphan_log_at && s->now - t->orphan_log_at < 1000) {
		t->orphan_unlogged++;
	} else {
		net_log("tcp: orphan %u -> %u in %s for %u s, removed "
			"(and %u more)", tp->sk.lport, tp->sk.rport,
			state_name[tp->state], TCP_ORPHAN_LINGER / 1000,
			t->orphan_unlogged);
		t->orphan_log_at = s->now;
		t->orphan_unlogged = 0;
	}
	if (tp->state != TCP_SYN_SENT)
		tcp_send_rst_for(s, tp);
	tcp_done(s, tp);
}

void tcp_keepalive_arm(struct net_stack *s, struct tcp_sock *tp)
{
	if (!(tp->flags & TF_KEEPALIVE) || (tp->flags & TF_ORPHAN))
		return;
	if (tp->state != TCP_ESTABLISHED && tp->state != TCP_CLOSE_WAIT &&
	    tp->state != TCP_FIN_WAIT_2)
		return;
	tp->t_keep = tp->rcv_time + s->tcp.sysctl.keepalive_time * 1000ull;
	tcp_timer_update(s, tp);
}

/* RFC 1122 4.2.3.6 as Linux's tcp_keepalive_timer(): after
 * keepalive_time idle, a probe every keepalive_intvl; keepalive_probes
 * unanswered ones end the connection. Returns false when tp is gone. */
static bool keepalive_timeout(struct net_stack *s, struct tcp_sock *tp)
{
	const struct tcp_sysctl *sc = &s->tcp.sysctl;
	uint64_t idle_deadline = tp->rcv_time + sc->keepalive_time * 1000ull;

	tp->t_keep = 0;
	if (!(tp->flags & TF_KEEPALIVE) ||
	    (tp->state != TCP_ESTABLISHED && tp->state != TCP_CLOSE_WAIT &&
	     tp->state != TCP_FIN_WAIT_2))
		return true;
	if (tp->snd_una != tp->snd_max || tp->snd_len) {
		/* Data in flight: retransmission watches the peer. */
		tp->t_keep = s->now + sc->keepalive_time * 1000ull;
		return true;
	}
	if (s->now < idle_deadline) {
		tp->t_keep = idle_deadline;	/* heard from since */
		return true;
	}
	if (tp->keep_probes >= sc->keepalive_probes) {
		/* Linux's tcp_keepalive_timer(): a reset, in case the peer
		 * can still hear us, then the error. */
		s->mib.tcp.TCPAbortOnTimeout++;
		tcp_send_rst_for(s, tp);
		tp->sk.so_error = -ETIMEDOUT;
		tcp_done(s, tp);
		return false;
	}
	tcp_send_probe(s, tp);
	tp->keep_probes++;
	s->mib.tcp.TCPKeepAlive++;
	tp->t_keep = s->now + sc->keepalive_intvl * 1000ull;
	return true;
}

void tcp_timer_fn(struct timerwheel *w, struct wtimer *t, void *arg)
{
	struct tcp_sock *tp = arg;
	/* The wheel is its stack's: several stacks may share a process. */
	struct net_stack *s = (struct net_stack *)((char *)w -
		offsetof(struct net_stack, tcp.wheel));
	uint64_t now = s->now;

	(void)t;
	if (tp->t_keep && tp->t_keep <= now) {
		if (tp->flags & TF_ORPHAN) {
			orphan_expired(s, tp);
			return;
		}
		if (!keepalive_timeout(s, tp))
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
		if ((tp->flags & TF_PERSIST) && tp->snd_wnd) {
			/* Open, but too small for SWS avoidance: the
			 * override timeout (RFC 1122 4.2.3.4) sends what
			 * fits; from there the retransmission timer runs. */
			tp->flags = (tp->flags & ~TF_PERSIST) | TF_FORCE;
			tcp_output(s, tp);
			tp->flags &= ~TF_FORCE;
		} else if (tp->flags & TF_PERSIST) {
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
	uint64_t next, tw;

	next = wheel_run(&s->tcp.wheel, s->now);
	tw = tcp_tw_poll(s);
	return tw < next ? tw : next;
}
