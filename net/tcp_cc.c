/*
 * TCP retransmission timeout (RFC 6298) and NewReno congestion control
 * (RFC 5681, RFC 6582, RFC 3465, RFC 6928). The contract is in tcp_cc.h.
 */
#include "net/tcp_cc.h"
#include "net/tcp_seq.h"

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static inline uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* cwnd never wraps: an absurd window is still a huge one, not a tiny one. */
static inline uint32_t add_sat(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/* RTO estimation ---------------------------------------------------------- */

void tcp_rtt_init(struct tcp_rtt *r)
{
	r->srtt_us = 0;
	r->rttvar_us = 0;
	r->rto_ms = TCP_TIMEOUT_INIT;
	r->backoff = 0;
	r->have_sample = false;
}

void tcp_rtt_sample(struct tcp_rtt *r, uint32_t rtt_us)
{
	uint64_t var4, rto_us;

	if (!r->have_sample) {
		/* RFC 6298 section 2.2 */
		r->srtt_us = rtt_us;
		r->rttvar_us = rtt_us / 2;
		r->have_sample = true;
	} else {
		/*
		 * RFC 6298 section 2.3, beta = 1/4 then alpha = 1/8. RTTVAR
		 * uses the SRTT from before this sample. 64-bit so that one
		 * rounding per step and no overflow for any 32-bit RTT.
		 */
		uint64_t var = r->rttvar_us, srtt = r->srtt_us;
		uint64_t delta = srtt > rtt_us ? srtt - rtt_us : rtt_us - srtt;

		r->rttvar_us = (uint32_t)((var * 3 + delta) / 4);
		r->srtt_us = (uint32_t)((srtt * 7 + rtt_us) / 8);
	}

	/* RFC 6298 section 2.3: RTO = SRTT + max(G, K*RTTVAR), K = 4. */
	var4 = (uint64_t)r->rttvar_us * 4;
	if (var4 < TCP_CLOCK_GRANULARITY_US)
		var4 = TCP_CLOCK_GRANULARITY_US;
	rto_us = r->srtt_us + var4;

	/*
	 * Round up: a timer that fires early causes a spurious retransmit.
	 * Then clamp: the lower bound is Linux's TCP_RTO_MIN rather than
	 * RFC 6298 2.4's 1 s, the upper bound is 2.5's "at least 60 s".
	 */
	rto_us = (rto_us + 999) / 1000;
	if (rto_us < TCP_RTO_MIN)
		rto_us = TCP_RTO_MIN;
	if (rto_us > TCP_RTO_MAX)
		rto_us = TCP_RTO_MAX;
	r->rto_ms = (uint32_t)rto_us;
}

uint32_t tcp_rtt_rto(const struct tcp_rtt *r)
{
	uint64_t rto = r->rto_ms;

	/*
	 * tcp_rtt_backoff() stops counting at the cap, so the shift stays
	 * small (at most 10 from TCP_RTO_MIN); the test below still keeps
	 * it defined for any value a caller might have stored.
	 */
	if (r->backoff >= 32)
		return TCP_RTO_MAX;
	rto <<= r->backoff;
	return rto > TCP_RTO_MAX ? TCP_RTO_MAX : (uint32_t)rto;
}

void tcp_rtt_backoff(struct tcp_rtt *r)
{
	/* RFC 6298 section 5.5: RTO = RTO * 2, bounded by 2.5's maximum. */
	if (tcp_rtt_rto(r) < TCP_RTO_MAX)
		r->backoff++;
}

void tcp_rtt_reset_backoff(struct tcp_rtt *r)
{
	r->backoff = 0;
}

/* Congestion control ------------------------------------------------------ */

uint32_t tcp_cc_initial_window(uint32_t mss)
{
	/*
	 * RFC 6928 section 2; 14600 bytes is 10 segments of 1460. Linux
	 * takes 10 segments whatever the MSS; the two agree up to an MSS
	 * of 1460 and RFC 6928 is smaller beyond (2 jumbo segments).
	 */
	return min_u32(TCP_INIT_CWND * mss, max_u32(2 * mss, 14600));
}

void tcp_cc_init(struct tcp_cc *cc, uint32_t mss, uint32_t iss)
{
	/* The MSS option is 16 bits (RFC 9293 section 3.7.1). */
	if (mss == 0)
		mss = 1;
	if (mss > 65535)
		mss = 65535;
	cc->mss = mss;
	cc->cwnd = tcp_cc_initial_window(mss);
	cc->ssthresh = TCP_INFINITE_SSTHRESH;
	cc->recover = iss; /* RFC 6582 section 3.2 step 1 */
	cc->in_recovery = false;
	cc->dupacks = 0;
	cc->bytes_acked = 0;
}

/* RFC 5681 section 3.1 equation (4), also used by 3.2 step 2. */
static uint32_t cc_loss_ssthresh(const struct tcp_cc *cc, uint32_t flight)
{
	return max_u32(flight / 2, 2 * cc->mss);
}

static void cc_grow(struct tcp_cc *cc, uint32_t acked)
{
	if (cc->cwnd < cc->ssthresh) {
		/*
		 * Slow start (RFC 5681 section 3.1 equation 2) counting bytes
		 * as RFC 3465 section 2.2 allows, at most L = 2*SMSS per ACK
		 * so that a stretch ACK cannot burst. Stop at ssthresh, where
		 * congestion avoidance takes over, as Linux does.
		 */
		uint32_t inc = min_u32(acked, TCP_ABC_L * cc->mss);

		cc->cwnd = min_u32(add_sat(cc->cwnd, inc), cc->ssthresh);
		return;
	}

	/*
	 * Congestion avoidance with byte counting (RFC 5681 section 3.1,
	 * RFC 3465 section 2.1): one SMSS each time a whole cwnd of bytes
	 * has been acknowledged, i.e. one SMSS per round trip.
	 */
	cc->bytes_acked = add_sat(cc->bytes_acked, acked);
	if (cc->bytes_acked >= cc->cwnd) {
		cc->bytes_acked -= cc->cwnd;
		cc->cwnd = add_sat(cc->cwnd, cc->mss);
	}
}

enum tcp_cc_action tcp_cc_on_ack(struct tcp_cc *cc, uint32_t acked_bytes,
				 uint32_t snd_una_after, uint32_t flight_size)
{
	cc->dupacks = 0;

	if (!cc->in_recovery) {
		/*
		 * Drag recover along behind SND.UNA so it never ends up
		 * 2^31 behind and reads as "ahead" (which would veto the
		 * next fast retransmit in tcp_cc_on_dupack()).
		 */
		if (seq_gt(snd_una_after, cc->recover))
			cc->recover = snd_una_after;
		cc_grow(cc, acked_bytes);
		return TCP_CC_NONE;
	}

	if (seq_geq(snd_una_after, cc->recover)) {
		/*
		 * Full acknowledgment (RFC 6582 section 3.2 step 3, option 1):
		 * deflate to what is really in flight plus one segment, never
		 * above ssthresh, so leaving recovery does not burst.
		 */
		cc->cwnd = min_u32(cc->ssthresh,
				   max_u32(flight_size, cc->mss) + cc->mss);
		cc->in_recovery = false;
		cc->bytes_acked = 0;
		return TCP_CC_NONE;
	}

	/*
	 * Partial acknowledgment (RFC 6582 section 3.2 step 3): the segment
	 * at the new SND.UNA was lost too. Deflate by what left the network,
	 * give back one SMSS for the retransmission about to be sent.
	 */
	cc->cwnd = cc->cwnd > acked_bytes ? cc->cwnd - acked_bytes : 0;
	if (acked_bytes >= cc->mss)
		cc->cwnd = add_sat(cc->cwnd, cc->mss);
	if (cc->cwnd < cc->mss)
		cc->cwnd = cc->mss;
	return TCP_CC_RETRANSMIT;
}

enum tcp_cc_action tcp_cc_on_dupack(struct tcp_cc *cc, uint32_t snd_una,
				    uint32_t snd_max, uint32_t flight_size)
{
	if (cc->in_recovery) {
		/* RFC 5681 section 3.2 step 4: one more segment has left. */
		cc->dupacks = add_sat(cc->dupacks, 1);
		cc->cwnd = add_sat(cc->cwnd, cc->mss);
		return TCP_CC_INFLATE;
	}

	cc->dupacks = add_sat(cc->dupacks, 1);
	if (cc->dupacks != TCP_FASTRETRANS_THRESH)
		return TCP_CC_NONE;

	/*
	 * RFC 6582 section 3.2 step 2: only if this ACK covers recover.
	 * Otherwise the duplicates are for data sent before a timeout that
	 * go-back-N is already resending (section 4: no second reduction).
	 */
	if (seq_lt(snd_una, cc->recover))
		return TCP_CC_NONE;

	/* RFC 5681 section 3.2 steps 2 and 3. */
	cc->ssthresh = cc_loss_ssthresh(cc, flight_size);
	cc->cwnd = add_sat(cc->ssthresh, 3 * cc->mss);
	cc->recover = snd_max;
	cc->in_recovery = true;
	cc->bytes_acked = 0;
	return TCP_CC_FAST_RETRANSMIT;
}

void tcp_cc_on_timeout(struct tcp_cc *cc, uint32_t snd_max,
		       uint32_t flight_size)
{
	/* RFC 5681 section 3.1 equation (4) and the loss window. */
	cc->ssthresh = cc_loss_ssthresh(cc, flight_size);
	cc->cwnd = cc->mss;
	/* RFC 6582 section 3.2 step 4; RFC 3465 2.1 resets the count. */
	cc->recover = snd_max;
	cc->in_recovery = false;
	cc->dupacks = 0;
	cc->bytes_acked = 0;
}

void tcp_cc_after_idle(struct tcp_cc *cc, uint32_t idle_ms, uint32_t rto_ms)
{
	uint32_t iw = tcp_cc_initial_window(cc->mss);
	uint32_t three_quarters;

	/* RFC 5681 section 4.1: "more than one retransmission timeout". */
	if (idle_ms <= rto_ms || cc->cwnd <= iw)
		return;

	three_quarters = cc->cwnd - cc->cwnd / 4;
	cc->ssthresh = max_u32(cc->ssthresh, three_quarters);
	cc->cwnd = iw;
	cc->bytes_acked = 0;
}
