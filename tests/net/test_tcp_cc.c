/*
 * TCP RTO estimation and NewReno congestion control (net/tcp_cc.c):
 * RFC 6298 worked numbers and clamps, backoff, slow start, congestion
 * avoidance, fast retransmit / fast recovery with partial and full ACKs,
 * timeouts, restart after idle, and sequence numbers across 2^32.
 *
 * Build: gcc ... tests/net/test_tcp_cc.c net/tcp_cc.c
 */
#include <stdint.h>

#include "net/tcp_cc.h"
#include "tests/unit/test.h"

#define MSS 1000U

/* A sender reduced to what congestion control sees: SND.UNA and SND.MAX. */
struct sender {
	struct tcp_cc cc;
	uint32_t una, max;
};

static void sender_init(struct sender *s, uint32_t iss)
{
	tcp_cc_init(&s->cc, MSS, iss);
	s->una = iss;
	s->max = iss;
}

static void sender_send(struct sender *s, uint32_t bytes)
{
	s->max += bytes;
}

static enum tcp_cc_action sender_ack(struct sender *s, uint32_t bytes)
{
	s->una += bytes;
	return tcp_cc_on_ack(&s->cc, bytes, s->una, s->max - s->una);
}

static enum tcp_cc_action sender_dupack(struct sender *s)
{
	return tcp_cc_on_dupack(&s->cc, s->una, s->max, s->max - s->una);
}

/*
 * One round trip: send a full cwnd in MSS segments, then take one ACK per
 * `per_ack` segments. Returns cwnd at the end of the round.
 */
static uint32_t sender_round(struct sender *s, uint32_t per_ack)
{
	uint32_t segs = s->cc.cwnd / MSS;

	sender_send(s, segs * MSS);
	for (uint32_t i = 0; i < segs; i += per_ack)
		CHECK_EQ(sender_ack(s, per_ack * MSS), TCP_CC_NONE);
	return s->cc.cwnd;
}

/* Bring a sender into fast recovery with 20 segments in flight. */
static void sender_enter_recovery(struct sender *s, uint32_t iss)
{
	sender_init(s, iss);
	s->cc.cwnd = 20 * MSS;
	sender_send(s, 20 * MSS);
	CHECK_EQ(sender_dupack(s), TCP_CC_NONE);
	CHECK_EQ(sender_dupack(s), TCP_CC_NONE);
	CHECK_EQ(sender_dupack(s), TCP_CC_FAST_RETRANSMIT);
	CHECK(s->cc.in_recovery);
}

/* RTO: RFC 6298 ----------------------------------------------------------- */

TEST(test_rtt_initial_rto_is_one_second_without_sample)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	CHECK(!r.have_sample);
	CHECK_EQ(r.backoff, 0);
	CHECK_EQ(tcp_rtt_rto(&r), 1000);
	CHECK_EQ(TCP_TIMEOUT_INIT, 1000);
}

TEST(test_rtt_first_sample_100ms_gives_srtt_100_rttvar_50_rto_300)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 100000);
	CHECK(r.have_sample);
	CHECK_EQ(r.srtt_us, 100000);
	CHECK_EQ(r.rttvar_us, 50000);
	CHECK_EQ(tcp_rtt_rto(&r), 300); /* 100 + 4 * 50 */
}

TEST(test_rtt_second_equal_sample_shrinks_rttvar_by_a_quarter)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 100000);
	tcp_rtt_sample(&r, 100000);
	CHECK_EQ(r.srtt_us, 100000);
	CHECK_EQ(r.rttvar_us, 37500);	/* 3/4 * 50 + 1/4 * 0 */
	CHECK_EQ(tcp_rtt_rto(&r), 250); /* 100 + 4 * 37.5 */
}

TEST(test_rtt_rttvar_uses_srtt_from_before_the_sample)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 100000);
	tcp_rtt_sample(&r, 180000);
	/* RTTVAR = 3/4 * 50 + 1/4 * |100 - 180| = 57.5 ms */
	CHECK_EQ(r.rttvar_us, 57500);
	/* SRTT = 7/8 * 100 + 1/8 * 180 = 110 ms */
	CHECK_EQ(r.srtt_us, 110000);
	CHECK_EQ(tcp_rtt_rto(&r), 340); /* 110 + 230 */
}

TEST(test_rtt_steady_100ms_converges_and_rto_clamps_to_200ms)
{
	struct tcp_rtt r;
	uint32_t prev = 0;

	tcp_rtt_init(&r);
	for (int i = 0; i < 64; i++) {
		tcp_rtt_sample(&r, 100000);
		/* The RTO only ever falls while the variation decays. */
		if (i)
			CHECK(tcp_rtt_rto(&r) <= prev);
		prev = tcp_rtt_rto(&r);
	}
	CHECK_EQ(r.srtt_us, 100000);
	CHECK(r.rttvar_us < 100);
	/* 100 ms + max(G, ~0) = 101 ms, below the floor. */
	CHECK_EQ(tcp_rtt_rto(&r), TCP_RTO_MIN);
}

TEST(test_rtt_steady_1s_converges_to_srtt_plus_clock_granularity)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	for (int i = 0; i < 64; i++)
		tcp_rtt_sample(&r, 1000000);
	CHECK_EQ(r.srtt_us, 1000000);
	CHECK_EQ(tcp_rtt_rto(&r), 1001); /* SRTT + G, G = 1 ms */
}

TEST(test_rtt_jittery_rtt_keeps_rto_above_the_mean)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	for (int i = 0; i < 200; i++)
		tcp_rtt_sample(&r, i & 1 ? 150000 : 50000);
	CHECK(r.srtt_us > 90000 && r.srtt_us < 110000);
	CHECK(r.rttvar_us > 40000 && r.rttvar_us < 60000);
	CHECK(tcp_rtt_rto(&r) > 250 && tcp_rtt_rto(&r) < 350);
}

TEST(test_rtt_1ms_lan_rto_clamps_to_rto_min_200ms)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 1000); /* raw RTO 1 + 4 * 0.5 = 3 ms */
	CHECK_EQ(tcp_rtt_rto(&r), 200);
	tcp_rtt_sample(&r, 0); /* a clock too coarse to see it */
	CHECK_EQ(tcp_rtt_rto(&r), 200);
}

TEST(test_rtt_huge_rtt_clamps_to_rto_max_120s_without_overflow)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 100000000); /* 100 s: raw RTO 300 s */
	CHECK_EQ(tcp_rtt_rto(&r), 120000);
	tcp_rtt_sample(&r, UINT32_MAX);
	CHECK_EQ(tcp_rtt_rto(&r), TCP_RTO_MAX);
	CHECK(r.srtt_us > 100000000);
	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, UINT32_MAX);
	CHECK_EQ(tcp_rtt_rto(&r), TCP_RTO_MAX);
}

TEST(test_rtt_rto_rounds_up_to_whole_ms)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 200001); /* 200.001 + 400.0005 ms */
	CHECK_EQ(tcp_rtt_rto(&r), 601);
}

TEST(test_rtt_backoff_doubles_and_caps_at_rto_max)
{
	struct tcp_rtt r;
	static const uint32_t want[] = {
	    600, 1200, 2400, 4800, 9600, 19200, 38400, 76800, 120000,
	};

	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 100000); /* RTO 300 ms */
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		tcp_rtt_backoff(&r);
		CHECK_EQ(tcp_rtt_rto(&r), want[i]);
	}
	for (int i = 0; i < 1000; i++)
		tcp_rtt_backoff(&r);
	CHECK_EQ(tcp_rtt_rto(&r), TCP_RTO_MAX);
	CHECK_EQ(r.backoff, 9);	 /* stops counting at the cap */
	CHECK_EQ(r.rto_ms, 300); /* the estimate itself is untouched */
}

TEST(test_rtt_backoff_before_any_sample_doubles_initial_rto)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	tcp_rtt_backoff(&r);
	CHECK_EQ(tcp_rtt_rto(&r), 2000);
	tcp_rtt_backoff(&r);
	CHECK_EQ(tcp_rtt_rto(&r), 4000);
}

TEST(test_rtt_sample_keeps_backoff_until_reset_then_rto_is_the_estimate)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 100000);
	tcp_rtt_backoff(&r);
	tcp_rtt_backoff(&r);
	tcp_rtt_backoff(&r);
	CHECK_EQ(tcp_rtt_rto(&r), 2400);
	tcp_rtt_sample(&r, 100000);	 /* RTO estimate now 250 ms */
	CHECK_EQ(tcp_rtt_rto(&r), 2000); /* still backed off: 250 << 3 */
	tcp_rtt_reset_backoff(&r);
	CHECK_EQ(r.backoff, 0);
	CHECK_EQ(tcp_rtt_rto(&r), 250);
}

/* Congestion control: RFC 5681, RFC 6582, RFC 3465, RFC 6928 ------------- */

TEST(test_cc_initial_window_is_rfc6928_iw10)
{
	struct tcp_cc cc;

	CHECK_EQ(tcp_cc_initial_window(1460), 14600); /* 10 segments */
	CHECK_EQ(tcp_cc_initial_window(536), 5360);   /* 10 segments */
	CHECK_EQ(tcp_cc_initial_window(1000), 10000);
	CHECK_EQ(tcp_cc_initial_window(8960), 17920); /* 2 jumbo segments */
	CHECK_EQ(tcp_cc_initial_window(4000), 14600); /* 3.65 segments */
	tcp_cc_init(&cc, 1460, 1);
	CHECK_EQ(cc.cwnd, 14600);
	CHECK_EQ(cc.ssthresh, TCP_INFINITE_SSTHRESH);
	CHECK_EQ(cc.mss, 1460);
	CHECK_EQ(cc.recover, 1);
	CHECK(!cc.in_recovery);
	CHECK_EQ(cc.dupacks, 0);
	CHECK_EQ(cc.bytes_acked, 0);
}

TEST(test_cc_slow_start_doubles_cwnd_per_rtt_with_ack_per_segment)
{
	struct sender s;

	sender_init(&s, 1000);
	CHECK_EQ(s.cc.cwnd, 10 * MSS);
	CHECK_EQ(sender_round(&s, 1), 20 * MSS);
	CHECK_EQ(sender_round(&s, 1), 40 * MSS);
	CHECK_EQ(sender_round(&s, 1), 80 * MSS);
	CHECK_EQ(sender_round(&s, 1), 160 * MSS);
}

TEST(test_cc_slow_start_abc_doubles_cwnd_with_delayed_acks)
{
	struct sender s;

	/* RFC 3465: an ACK for two segments counts for two, not one. */
	sender_init(&s, 1000);
	CHECK_EQ(sender_round(&s, 2), 20 * MSS);
	CHECK_EQ(sender_round(&s, 2), 40 * MSS);
}

TEST(test_cc_slow_start_stretch_ack_grows_at_most_two_mss)
{
	struct sender s;

	sender_init(&s, 1000);
	sender_send(&s, 10 * MSS);
	sender_ack(&s, 10 * MSS);
	CHECK_EQ(s.cc.cwnd, 12 * MSS); /* L = 2*SMSS */
}

TEST(test_cc_slow_start_stops_at_ssthresh)
{
	struct sender s;

	sender_init(&s, 1000);
	s.cc.ssthresh = 15 * MSS + 500;
	sender_round(&s, 1);
	CHECK_EQ(s.cc.cwnd, 15 * MSS + 500);
}

TEST(test_cc_congestion_avoidance_grows_one_mss_per_rtt)
{
	struct sender s;

	sender_init(&s, 1000);
	s.cc.cwnd = 20 * MSS;
	s.cc.ssthresh = 20 * MSS;
	for (uint32_t rtt = 1; rtt <= 5; rtt++)
		CHECK_EQ(sender_round(&s, 1), (20 + rtt) * MSS);
	/* The same with delayed ACKs: byte counting, not ACK counting. */
	CHECK_EQ(sender_round(&s, 2) >= 26 * MSS, 1);
	CHECK(s.cc.cwnd <= 27 * MSS);
}

TEST(test_cc_third_dupack_triggers_exactly_one_fast_retransmit)
{
	struct sender s;
	int fast_retransmits = 0, inflates = 0;

	sender_init(&s, 5000);
	s.cc.cwnd = 20 * MSS;
	sender_send(&s, 20 * MSS);
	for (int i = 1; i <= 10; i++) {
		uint32_t before = s.cc.cwnd;
		enum tcp_cc_action a = sender_dupack(&s);

		if (i < 3) {
			CHECK_EQ(a, TCP_CC_NONE);
			CHECK_EQ(s.cc.cwnd, before);
		} else if (i == 3) {
			CHECK_EQ(a, TCP_CC_FAST_RETRANSMIT);
			/* RFC 5681 3.2 steps 2, 3; RFC 6582 recover. */
			CHECK_EQ(s.cc.ssthresh, 10 * MSS); /* flight / 2 */
			CHECK_EQ(s.cc.cwnd, 13 * MSS);	   /* + 3 SMSS */
			CHECK_EQ(s.cc.recover, 5000 + 20 * MSS);
			CHECK(s.cc.in_recovery);
		} else {
			CHECK_EQ(a, TCP_CC_INFLATE);
			CHECK_EQ(s.cc.cwnd, before + MSS);
		}
		fast_retransmits += a == TCP_CC_FAST_RETRANSMIT;
		inflates += a == TCP_CC_INFLATE;
	}
	CHECK_EQ(fast_retransmits, 1);
	CHECK_EQ(inflates, 7);
	CHECK_EQ(s.cc.ssthresh, 10 * MSS);
}

TEST(test_cc_fast_retransmit_ssthresh_floor_is_two_mss)
{
	struct sender s;

	sender_init(&s, 0);
	sender_send(&s, 3 * MSS);
	sender_dupack(&s);
	sender_dupack(&s);
	CHECK_EQ(sender_dupack(&s), TCP_CC_FAST_RETRANSMIT);
	CHECK_EQ(s.cc.ssthresh, 2 * MSS); /* not 1.5 */
	CHECK_EQ(s.cc.cwnd, 5 * MSS);
}

TEST(test_cc_new_ack_resets_dupack_count)
{
	struct sender s;

	sender_init(&s, 0);
	sender_send(&s, 10 * MSS);
	sender_dupack(&s);
	sender_dupack(&s);
	sender_ack(&s, MSS);
	CHECK_EQ(s.cc.dupacks, 0);
	CHECK_EQ(sender_dupack(&s), TCP_CC_NONE);
	CHECK_EQ(sender_dupack(&s), TCP_CC_NONE);
	CHECK_EQ(sender_dupack(&s), TCP_CC_FAST_RETRANSMIT);
}

TEST(test_cc_partial_ack_stays_in_recovery_and_asks_next_retransmit)
{
	struct sender s;
	uint32_t cwnd;

	sender_enter_recovery(&s, 0);
	sender_dupack(&s); /* inflate: 14 MSS */
	cwnd = s.cc.cwnd;
	CHECK_EQ(cwnd, 14 * MSS);

	/* 3 segments acked, recover not reached. RFC 6582 3.2 step 3. */
	CHECK_EQ(sender_ack(&s, 3 * MSS), TCP_CC_RETRANSMIT);
	CHECK(s.cc.in_recovery);
	CHECK_EQ(s.cc.cwnd, cwnd - 3 * MSS + MSS); /* deflate, add back 1 */
	CHECK_EQ(s.cc.ssthresh, 10 * MSS);

	/* Less than one SMSS acked: deflate only. */
	cwnd = s.cc.cwnd;
	CHECK_EQ(sender_ack(&s, MSS / 2), TCP_CC_RETRANSMIT);
	CHECK(s.cc.in_recovery);
	CHECK_EQ(s.cc.cwnd, cwnd - MSS / 2);

	/* Further duplicates still only inflate: no second reduction. */
	CHECK_EQ(sender_dupack(&s), TCP_CC_INFLATE);
	CHECK_EQ(sender_dupack(&s), TCP_CC_INFLATE);
	CHECK_EQ(sender_dupack(&s), TCP_CC_INFLATE);
	CHECK_EQ(s.cc.ssthresh, 10 * MSS);
}

TEST(test_cc_partial_ack_never_deflates_below_one_mss)
{
	struct sender s;

	sender_enter_recovery(&s, 0);
	s.cc.cwnd = 2 * MSS;
	CHECK_EQ(sender_ack(&s, 10 * MSS + 1), TCP_CC_RETRANSMIT);
	CHECK_EQ(s.cc.cwnd, MSS);
}

TEST(test_cc_full_ack_exits_recovery_with_rfc6582_cwnd)
{
	struct sender s;

	/* Nothing sent during recovery: flight 0 -> max(0, SMSS) + SMSS. */
	sender_enter_recovery(&s, 0);
	CHECK_EQ(sender_ack(&s, 20 * MSS), TCP_CC_NONE);
	CHECK(!s.cc.in_recovery);
	CHECK_EQ(s.cc.cwnd, 2 * MSS);
	CHECK_EQ(s.cc.ssthresh, 10 * MSS);

	/* New data sent during recovery: min(ssthresh, flight + SMSS). */
	sender_enter_recovery(&s, 0);
	sender_send(&s, 5 * MSS);
	CHECK_EQ(sender_ack(&s, 20 * MSS), TCP_CC_NONE);
	CHECK(!s.cc.in_recovery);
	CHECK_EQ(s.cc.cwnd, 6 * MSS);

	/* A big flight is capped by ssthresh. */
	sender_enter_recovery(&s, 0);
	sender_send(&s, 15 * MSS);
	sender_ack(&s, 20 * MSS);
	CHECK_EQ(s.cc.cwnd, 10 * MSS);

	/* After recovery, growth is congestion avoidance again. */
	CHECK_EQ(sender_round(&s, 1), 11 * MSS);
}

TEST(test_cc_full_ack_after_partial_acks_exits_recovery)
{
	struct sender s;

	sender_enter_recovery(&s, 0);
	CHECK_EQ(sender_ack(&s, 4 * MSS), TCP_CC_RETRANSMIT);
	CHECK_EQ(sender_ack(&s, 4 * MSS), TCP_CC_RETRANSMIT);
	CHECK_EQ(sender_ack(&s, 12 * MSS), TCP_CC_NONE);
	CHECK(!s.cc.in_recovery);
	CHECK_EQ(s.cc.cwnd, 2 * MSS);
}

TEST(test_cc_timeout_gives_loss_window_and_half_the_flight)
{
	struct sender s;

	sender_init(&s, 0);
	s.cc.cwnd = 30 * MSS;
	sender_send(&s, 30 * MSS);
	tcp_cc_on_timeout(&s.cc, s.max, s.max - s.una);
	CHECK_EQ(s.cc.cwnd, MSS);
	CHECK_EQ(s.cc.ssthresh, 15 * MSS);
	CHECK(!s.cc.in_recovery);
	CHECK_EQ(s.cc.recover, s.max);

	/* Floor of 2 SMSS, and a timeout in fast recovery leaves it. */
	sender_enter_recovery(&s, 0);
	sender_ack(&s, 19 * MSS); /* partial: one segment left */
	tcp_cc_on_timeout(&s.cc, s.max, s.max - s.una);
	CHECK_EQ(s.cc.ssthresh, 2 * MSS);
	CHECK_EQ(s.cc.cwnd, MSS);
	CHECK(!s.cc.in_recovery);
	CHECK_EQ(s.cc.dupacks, 0);
}

TEST(test_cc_after_timeout_slow_start_then_congestion_avoidance)
{
	struct sender s;

	sender_init(&s, 0);
	sender_send(&s, 20 * MSS);
	tcp_cc_on_timeout(&s.cc, s.max, s.max - s.una);
	/* Go-back-N: everything outstanding is resent and acked. */
	for (int i = 0; i < 9; i++)
		sender_ack(&s, MSS);
	CHECK_EQ(s.cc.cwnd, 10 * MSS); /* 1 + 9 segments: reached ssthresh */
	sender_ack(&s, MSS);
	CHECK_EQ(s.cc.cwnd, 10 * MSS); /* avoidance: needs a whole cwnd */
}

TEST(test_cc_dupacks_for_data_sent_before_timeout_do_not_fast_retransmit)
{
	struct sender s;
	uint32_t ssthresh;

	/* RFC 6582 section 4: no second reduction for the same loss. */
	sender_init(&s, 0);
	sender_send(&s, 20 * MSS);
	tcp_cc_on_timeout(&s.cc, s.max, s.max - s.una);
	ssthresh = s.cc.ssthresh;
	sender_ack(&s, MSS);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(sender_dupack(&s), TCP_CC_NONE);
	CHECK(!s.cc.in_recovery);
	CHECK_EQ(s.cc.ssthresh, ssthresh);

	/* Once recover is covered, a new loss is a new fast retransmit. */
	sender_ack(&s, 19 * MSS);
	sender_send(&s, 8 * MSS);
	sender_dupack(&s);
	sender_dupack(&s);
	CHECK_EQ(sender_dupack(&s), TCP_CC_FAST_RETRANSMIT);
	CHECK_EQ(s.cc.ssthresh, 4 * MSS);
}

TEST(test_cc_idle_longer_than_rto_restarts_from_initial_window)
{
	struct sender s;

	sender_init(&s, 0);
	s.cc.cwnd = 50 * MSS;
	tcp_cc_after_idle(&s.cc, 1001, 1000);
	CHECK_EQ(s.cc.cwnd, 10 * MSS);
	CHECK_EQ(s.cc.ssthresh, TCP_INFINITE_SSTHRESH);

	/* ssthresh remembers 3/4 of the window it had (Linux, RFC 2861). */
	s.cc.cwnd = 40 * MSS;
	s.cc.ssthresh = 20 * MSS;
	tcp_cc_after_idle(&s.cc, 5000, 300);
	CHECK_EQ(s.cc.cwnd, 10 * MSS);
	CHECK_EQ(s.cc.ssthresh, 30 * MSS);
}

TEST(test_cc_idle_up_to_one_rto_keeps_cwnd)
{
	struct sender s;

	sender_init(&s, 0);
	s.cc.cwnd = 50 * MSS;
	tcp_cc_after_idle(&s.cc, 1000, 1000);
	CHECK_EQ(s.cc.cwnd, 50 * MSS);
	tcp_cc_after_idle(&s.cc, 0, 200);
	CHECK_EQ(s.cc.cwnd, 50 * MSS);
}

TEST(test_cc_idle_restart_never_raises_a_small_cwnd)
{
	struct sender s;

	sender_init(&s, 0);
	sender_send(&s, 20 * MSS);
	tcp_cc_on_timeout(&s.cc, s.max, s.max - s.una);
	sender_ack(&s, 20 * MSS); /* one stretch ACK: + L = 2 SMSS */
	CHECK_EQ(s.cc.cwnd, 3 * MSS);
	tcp_cc_after_idle(&s.cc, 60000, 1000);
	CHECK_EQ(s.cc.cwnd, 3 * MSS);
	CHECK_EQ(s.cc.ssthresh, 10 * MSS);
}

/* Sequence space wrap (mod 2^32) ----------------------------------------- */

TEST(test_cc_recovery_full_ack_detected_across_2_32_wrap)
{
	struct sender s;

	/* recover just below 2^32, the full ACK just above 0. */
	sender_enter_recovery(&s, 0xffffffffU - 20 * MSS - 10);
	CHECK_EQ(s.cc.recover, 0xfffffff5U);
	sender_send(&s, 100); /* SND.MAX wraps to 0x59 */
	CHECK(s.max < s.una);
	CHECK_EQ(sender_ack(&s, 10 * MSS), TCP_CC_RETRANSMIT);
	CHECK(s.cc.in_recovery);
	CHECK_EQ(sender_ack(&s, 10 * MSS + 50), TCP_CC_NONE);
	CHECK_EQ(s.una, 0x27U); /* past zero: full, not partial */
	CHECK(!s.cc.in_recovery);
	CHECK_EQ(s.cc.cwnd, 2 * MSS); /* max(50, SMSS) + SMSS */
}

TEST(test_cc_partial_ack_across_2_32_wrap_keeps_recovery)
{
	struct sender s;

	/* recover just above 0, the partial ACK still below 2^32. */
	sender_enter_recovery(&s, 0xffffffffU - 10 * MSS);
	CHECK(s.cc.recover < 20 * MSS);
	CHECK_EQ(sender_ack(&s, 5 * MSS), TCP_CC_RETRANSMIT);
	CHECK(s.una > 0x80000000U);
	CHECK(s.cc.in_recovery);
	CHECK_EQ(sender_ack(&s, 10 * MSS), TCP_CC_RETRANSMIT);
	CHECK(s.una < 0x80000000U);
	CHECK(s.cc.in_recovery);
	CHECK_EQ(sender_ack(&s, 5 * MSS), TCP_CC_NONE);
	CHECK(!s.cc.in_recovery);
}

TEST(test_cc_fast_retransmit_allowed_right_after_any_iss)
{
	static const uint32_t iss[] = {
	    0, 1, 0x7fffffffU, 0x80000000U, 0x80000010U, 0xfffffff0U,
	};

	for (unsigned i = 0; i < sizeof(iss) / sizeof(iss[0]); i++) {
		struct sender s;

		sender_init(&s, iss[i]);
		sender_send(&s, 1); /* SYN */
		sender_ack(&s, 1);
		sender_send(&s, 10 * MSS);
		sender_dupack(&s);
		sender_dupack(&s);
		CHECK_EQ(sender_dupack(&s), TCP_CC_FAST_RETRANSMIT);
	}
}

TEST(test_cc_fast_retransmit_still_allowed_after_3gb_sent)
{
	struct sender s;

	/*
	 * recover must follow SND.UNA: left at the ISS, it would read as
	 * "ahead" once 2^31 bytes have gone by and veto fast retransmit.
	 */
	sender_init(&s, 0);
	for (uint32_t i = 0; i < 3u * 16384; i++) {
		sender_send(&s, 65536);
		sender_ack(&s, 65536);
	}
	CHECK_EQ(s.una, 0xc0000000U);
	sender_send(&s, 10 * MSS);
	sender_dupack(&s);
	sender_dupack(&s);
	CHECK_EQ(sender_dupack(&s), TCP_CC_FAST_RETRANSMIT);
}

TEST(test_cc_cwnd_saturates_instead_of_wrapping)
{
	struct sender s;

	sender_init(&s, 0);
	s.cc.cwnd = UINT32_MAX - 10;
	s.cc.ssthresh = UINT32_MAX;
	sender_send(&s, 2 * MSS);
	sender_ack(&s, 2 * MSS);
	CHECK_EQ(s.cc.cwnd, UINT32_MAX);
}

int main(void)
{
	RUN(test_rtt_initial_rto_is_one_second_without_sample);
	RUN(test_rtt_first_sample_100ms_gives_srtt_100_rttvar_50_rto_300);
	RUN(test_rtt_second_equal_sample_shrinks_rttvar_by_a_quarter);
	RUN(test_rtt_rttvar_uses_srtt_from_before_the_sample);
	RUN(test_rtt_steady_100ms_converges_and_rto_clamps_to_200ms);
	RUN(test_rtt_steady_1s_converges_to_srtt_plus_clock_granularity);
	RUN(test_rtt_jittery_rtt_keeps_rto_above_the_mean);
	RUN(test_rtt_1ms_lan_rto_clamps_to_rto_min_200ms);
	RUN(test_rtt_huge_rtt_clamps_to_rto_max_120s_without_overflow);
	RUN(test_rtt_rto_rounds_up_to_whole_ms);
	RUN(test_rtt_backoff_doubles_and_caps_at_rto_max);
	RUN(test_rtt_backoff_before_any_sample_doubles_initial_rto);
	RUN(test_rtt_sample_keeps_backoff_until_reset_then_rto_is_the_estimate);
	RUN(test_cc_initial_window_is_rfc6928_iw10);
	RUN(test_cc_slow_start_doubles_cwnd_per_rtt_with_ack_per_segment);
	RUN(test_cc_slow_start_abc_doubles_cwnd_with_delayed_acks);
	RUN(test_cc_slow_start_stretch_ack_grows_at_most_two_mss);
	RUN(test_cc_slow_start_stops_at_ssthresh);
	RUN(test_cc_congestion_avoidance_grows_one_mss_per_rtt);
	RUN(test_cc_third_dupack_triggers_exactly_one_fast_retransmit);
	RUN(test_cc_fast_retransmit_ssthresh_floor_is_two_mss);
	RUN(test_cc_new_ack_resets_dupack_count);
	RUN(test_cc_partial_ack_stays_in_recovery_and_asks_next_retransmit);
	RUN(test_cc_partial_ack_never_deflates_below_one_mss);
	RUN(test_cc_full_ack_exits_recovery_with_rfc6582_cwnd);
	RUN(test_cc_full_ack_after_partial_acks_exits_recovery);
	RUN(test_cc_timeout_gives_loss_window_and_half_the_flight);
	RUN(test_cc_after_timeout_slow_start_then_congestion_avoidance);
	RUN(test_cc_dupacks_for_data_sent_before_timeout_do_not_fast_retransmit);
	RUN(test_cc_idle_longer_than_rto_restarts_from_initial_window);
	RUN(test_cc_idle_up_to_one_rto_keeps_cwnd);
	RUN(test_cc_idle_restart_never_raises_a_small_cwnd);
	RUN(test_cc_recovery_full_ack_detected_across_2_32_wrap);
	RUN(test_cc_partial_ack_across_2_32_wrap_keeps_recovery);
	RUN(test_cc_fast_retransmit_allowed_right_after_any_iss);
	RUN(test_cc_fast_retransmit_still_allowed_after_3gb_sent);
	RUN(test_cc_cwnd_saturates_instead_of_wrapping);
	TEST_EXIT();
}
