/*
 * TCP retransmission timer estimation and congestion control.
 *
 * Two pure state machines that TCP input, output and timers call: they do
 * no I/O, read no clock and allocate nothing. Time comes in as arguments
 * (RTT samples in microseconds, idle time and RTO in milliseconds), byte
 * counts are in bytes, sequence numbers are compared modulo 2^32.
 *
 * struct tcp_rtt: the retransmission timeout of RFC 6298 with Linux's
 * constants (TCP_RTO_MIN, TCP_RTO_MAX, TCP_TIMEOUT_INIT).
 *
 * struct tcp_cc: NewReno congestion control: slow start and congestion
 * avoidance with byte counting (RFC 5681 section 3.1, RFC 3465 with
 * L = 2*SMSS), fast retransmit and fast recovery (RFC 5681 section 3.2)
 * with NewReno's answer to partial acknowledgments (RFC 6582 section 3.2),
 * the loss window after a timeout and the restart window after idle
 * (RFC 5681 sections 3.1 and 4.1). The initial window is RFC 6928's.
 *
 * What the caller (TCP) owns:
 *  - Karn's rule (RFC 6298 section 3): never pass tcp_rtt_sample() the
 *    RTT of a segment that was retransmitted, because its ACK may answer
 *    either transmission, unless the timestamp option (RFC 7323 section
 *    4) says which one was acknowledged. After a valid sample, call
 *    tcp_rtt_reset_backoff() (RFC 6298 section 5, note after 5.7).
 *  - Deciding what a duplicate ACK is (RFC 5681 section 2: no data, no
 *    window change, ACK == SND.UNA with data outstanding); limited
 *    transmit (RFC 3042) for the first two.
 *  - Sending what the returned action asks for, and on the first partial
 *    ACK of a recovery re-arming the retransmission timer (RFC 6582
 *    section 3.2 step 3, "Impatient" variant).
 *
 * Locking: none; the stack is serialised by its caller. Each structure
 * belongs to one connection.
 */
#ifndef KITE_NET_TCP_CC_H
#define KITE_NET_TCP_CC_H

#include <stdbool.h>
#include <stdint.h>

/* Timer limits in milliseconds, as Linux's include/net/tcp.h names them. */
#define TCP_RTO_MIN		 200U	 /* HZ/5 */
#define TCP_RTO_MAX		 120000U /* 120*HZ */
#define TCP_TIMEOUT_INIT	 1000U	 /* 1*HZ: RFC 6298 section 2.1 */
#define TCP_CLOCK_GRANULARITY_US 1000U	 /* G of RFC 6298: 1 ms clock */

/* Congestion control, Linux's names. */
#define TCP_INIT_CWND	       10U	   /* segments: RFC 6928 */
#define TCP_INFINITE_SSTHRESH  0x7fffffffU /* RFC 5681 3.1: "high" */
#define TCP_FASTRETRANS_THRESH 3U	   /* duplicate ACKs: RFC 5681 3.2 */
#define TCP_ABC_L	       2U	   /* RFC 3465 limit L, in SMSS */

struct tcp_rtt {
	uint32_t srtt_us;   /* smoothed RTT (not scaled, unlike Linux) */
	uint32_t rttvar_us; /* RTT variation */
	uint32_t rto_ms;    /* RTO before backoff, clamped */
	uint8_t backoff;    /* RTO doublings since the last valid sample */
	bool have_sample;   /* false until the first measurement */
};

/* RTO = TCP_TIMEOUT_INIT, no sample, no backoff (RFC 6298 section 2.1). */
void tcp_rtt_init(struct tcp_rtt *r);

/*
 * Feed one RTT measurement (RFC 6298 sections 2.2 and 2.3): the first sets
 * SRTT = R, RTTVAR = R/2; later ones RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|,
 * then SRTT = 7/8 SRTT + 1/8 R. RTO = SRTT + max(G, 4*RTTVAR), rounded up
 * to a millisecond and clamped to [TCP_RTO_MIN, TCP_RTO_MAX] (section
 * 2.4 and 2.5). The backoff is left alone: see tcp_rtt_reset_backoff().
 */
void tcp_rtt_sample(struct tcp_rtt *r, uint32_t rtt_us);

/*
 * The retransmission timer expired: double the RTO (RFC 6298 section 5.5),
 * never beyond TCP_RTO_MAX. backoff stops counting once the RTO reaches
 * the cap, so it is not a retry counter; TCP counts retries itself.
 */
void tcp_rtt_backoff(struct tcp_rtt *r);

/* A new valid sample was taken: forget the doublings. */
void tcp_rtt_reset_backoff(struct tcp_rtt *r);

/* The RTO to arm the retransmission timer with, backoff applied, in ms. */
uint32_t tcp_rtt_rto(const struct tcp_rtt *r);

struct tcp_cc {
	uint32_t cwnd;	      /* congestion window, bytes */
	uint32_t ssthresh;    /* slow start threshold, bytes */
	uint32_t mss;	      /* SMSS, bytes; 1..65535 */
	uint32_t recover;     /* SND.MAX when recovery began (see below) */
	bool in_recovery;     /* in fast recovery */
	uint32_t dupacks;     /* consecutive duplicate ACKs */
	uint32_t bytes_acked; /* congestion avoidance byte counter */
};

/*
 * `recover` holds one more than RFC 6582's variable of that name: the
 * first sequence number *not* sent when loss was detected (SND.MAX, as
 * FreeBSD's snd_recover does), so "acknowledges all of the data up to
 * and including recover" reads ack >= recover.
 */

enum tcp_cc_action {
	TCP_CC_NONE,		/* nothing beyond what cwnd now allows */
	TCP_CC_FAST_RETRANSMIT, /* retransmit the segment at SND.UNA now */
	TCP_CC_INFLATE,		/* cwnd grew by one SMSS: send if allowed */
	TCP_CC_RETRANSMIT,	/* partial ACK: retransmit the next hole,
				 * the segment at the new SND.UNA */
};

/* RFC 6928 section 2: min(10*MSS, max(2*MSS, 14600)) bytes. */
uint32_t tcp_cc_initial_window(uint32_t mss);

/*
 * Start a connection's congestion state: cwnd = initial window, ssthresh
 * "arbitrarily high", recover = iss (RFC 6582 section 3.2 step 1). mss
 * is the effective send MSS, 1..65535 (out-of-range values are clamped).
 */
void tcp_cc_init(struct tcp_cc *cc, uint32_t mss, uint32_t iss);

/*
 * An ACK advanced SND.UNA by acked_bytes to snd_una_after; flight_size is
 * what is still outstanding after it (SND.MAX - snd_una_after).
 * Outside recovery: slow start (cwnd += min(acked, L*SMSS), not beyond
 * ssthresh) or congestion avoidance (one SMSS per cwnd of bytes acked).
 * In recovery (RFC 6582 section 3.2 step 3): a full ACK (snd_una_after >=
 * recover) leaves recovery with cwnd = min(ssthresh, max(flight_size,
 * SMSS) + SMSS) and returns TCP_CC_NONE; a partial ACK deflates cwnd by
 * the bytes acked, adds back one SMSS if at least one SMSS was acked, and
 * returns TCP_CC_RETRANSMIT.
 */
enum tcp_cc_action tcp_cc_on_ack(struct tcp_cc *cc, uint32_t acked_bytes,
				 uint32_t snd_una_after, uint32_t flight_size);

/*
 * A duplicate ACK arrived; snd_una and snd_max are the sender's now,
 * flight_size = snd_max - snd_una. The third one starts fast retransmit
 * (RFC 5681 section 3.2 steps 2 and 3: ssthresh = max(flight/2, 2*SMSS),
 * cwnd = ssthresh + 3*SMSS, recover = snd_max) unless it does not cover
 * recover, i.e. the loss belongs to data already being recovered after a
 * timeout (RFC 6582 section 3.2 step 2, and section 4). Later ones in
 * recovery inflate cwnd by one SMSS (RFC 5681 section 3.2 step 4).
 */
enum tcp_cc_action tcp_cc_on_dupack(struct tcp_cc *cc, uint32_t snd_una,
				    uint32_t snd_max, uint32_t flight_size);

/*
 * The retransmission timer expired (RFC 5681 section 3.1, equation 4):
 * ssthresh = max(flight_size/2, 2*SMSS), cwnd = the loss window (1 SMSS),
 * leave fast recovery, recover = snd_max (RFC 6582 section 3.2 step 4).
 * RFC 5681 holds ssthresh constant when the same segment times out again:
 * call this only for the first expiry (tcp_rtt.backoff == 0 before
 * tcp_rtt_backoff()); later ones have nothing left to change.
 */
void tcp_cc_on_timeout(struct tcp_cc *cc, uint32_t snd_max,
		       uint32_t flight_size);

/*
 * About to send after idle_ms with nothing in flight. If that is more
 * than one RTO, cwnd = min(cwnd, initial window) (RFC 5681 section 4.1),
 * after saving ssthresh = max(ssthresh, 3/4 cwnd) as Linux's
 * tcp_cwnd_restart() does (RFC 2861 section 3), so that the connection
 * slow-starts back towards the window it had.
 */
void tcp_cc_after_idle(struct tcp_cc *cc, uint32_t idle_ms, uint32_t rto_ms);

#endif
