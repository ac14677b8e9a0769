/*
 * SO_KEEPALIVE (RFC 1122 4.2.3.6, Linux's tcp_keepalive_timer()) over
 * the simulated link (tcp_harness.h), with tcp_keepalive_time 10 s,
 * tcp_keepalive_intvl 2 s and tcp_keepalive_probes 3 on node 0: a probe
 * after 10 s of silence, then one every 2 s while unanswered; the third
 * unanswered one ends the connection one interval later, 10 + 3 * 2 s
 * after the last segment heard, with ETIMEDOUT.
 */
#include "tests/sim/tcp_harness.h"

#define KA_TIME		10000	/* ms */
#define KA_INTVL	2000
#define KA_PROBES	3

/* A pair whose client (node 0) has keepalive on; returns the time the
 * client last heard from the server. */
static uint64_t keepalive_pair(struct tcp_sock **c, struct tcp_sock **s)
{
	struct tcp_sysctl *sc = &ST(0)->tcp.sysctl;

	sc->keepalive_time = KA_TIME / 1000;
	sc->keepalive_intvl = KA_INTVL / 1000;
	sc->keepalive_probes = KA_PROBES;
	open_pair(c, s);
	tcp_close(ST(1), lsn);
	tcp_set_keepalive(ST(0), *c, true);
	CHECK((*c)->flags & TF_KEEPALIVE);
	return (*c)->rcv_time;
}

/* Keepalive probes node 0 sent from log index since: a bare ACK one
 * below SND.UNA. */
static unsigned probes_sent(unsigned since, const struct tcp_sock *c,
			    uint64_t *at, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = since; i < wire_n; i++) {
		const struct wire_seg *g = &wire_log[i];

		if (g->from == 0 && g->flags == TCP_ACK && !g->len &&
		    g->seq == c->snd_una - 1) {
			if (n < max)
				at[n] = g->at;
			n++;
		}
	}
	return n;
}

TEST(test_keepalive_probes_answered_keep_idle_connection_for_a_minute)
{
	struct tcp_sock *c, *s;
	uint64_t at[8];

	setup();
	uint64_t heard = keepalive_pair(&c, &s);
	unsigned mark = wire_n;

	run_to(heard + 60000);
	CHECK_EQ(c->state, TCP_ESTABLISHED);
	CHECK_EQ(s->state, TCP_ESTABLISHED);
	CHECK_EQ(c->sk.so_error, 0);
	/* Each probe is answered, so the next waits a full idle time. */
	unsigned n = probes_sent(mark, c, at, 8);
	CHECK_EQ(n, 5);
	CHECK_EQ(ST(0)->mib.tcp.TCPKeepAlive, n);
	CHECK_EQ(at[0], heard + KA_TIME);
	for (unsigned i = 1; i < n; i++)
		CHECK(at[i] - at[i - 1] > KA_TIME);
	CHECK_EQ(wire_count(mark, 1, TCP_ACK, TCP_RST), n);
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnTimeout, 0);
	tcp_abort(ST(0), c);
	run(10);
	tcp_close(ST(1), s);
	teardown();
}

TEST(test_keepalive_dead_peer_times_out_after_time_plus_probes_x_intvl)
{
	struct tcp_sock *c, *s;
	uint64_t at[8];
	char b[4];

	setup();
	uint64_t heard = keepalive_pair(&c, &s);
	uint64_t dead = heard + KA_TIME + KA_PROBES * KA_INTVL;
	unsigned mark = wire_n;

	drop_from[0] = drop_from[1] = true;	/* the peer is gone */
	run_to(dead - 100);
	CHECK_EQ(c->state, TCP_ESTABLISHED);
	CHECK_EQ(c->sk.so_error, 0);
	CHECK_EQ(ST(0)->mib.tcp.TCPKeepAlive, KA_PROBES);
	run_to(dead + 100);
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(c->sk.so_error, -ETIMEDOUT);
	CHECK_EQ(ST(0)->mib.tcp.TCPKeepAlive, KA_PROBES);
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnTimeout, 1);
	/* Probes at idle time, then one interval apart. */
	CHECK_EQ(probes_sent(mark, c, at, 8), KA_PROBES);
	for (unsigned i = 0; i < KA_PROBES; i++)
		CHECK_EQ(at[i], heard + KA_TIME + i * KA_INTVL);
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), -ETIMEDOUT);
	tcp_close(ST(0), c);
	tcp_abort(ST(1), s);
	teardown();
}

/*
 * Keepalive covers CLOSE_WAIT too (Linux's tcp_keepalive_timer() runs
 * in every state but LISTEN and CLOSE): the peer closed and vanished,
 * our side never closes, and the probes end it as they would an
 * established one, rather than leaving it for ever.
 */
TEST(test_keepalive_ends_a_close_wait_connection_whose_peer_vanished)
{
	struct tcp_sock *c, *s;
	char b[4];

	setup();
	keepalive_pair(&c, &s);
	tcp_close(ST(1), s);
	CHECK(RUN_UNTIL(100, c->state == TCP_CLOSE_WAIT));
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), 0);
	uint64_t heard = c->rcv_time;
	uint64_t dead = heard + KA_TIME + KA_PROBES * KA_INTVL;

	drop_from[0] = drop_from[1] = true;	/* the peer is gone */
	run_to(dead - 100);
	CHECK_EQ(c->state, TCP_CLOSE_WAIT);
	CHECK_EQ(ST(0)->mib.tcp.TCPKeepAlive, KA_PROBES);
	run_to(dead + 100);
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(c->sk.so_error, -ETIMEDOUT);
	tcp_close(ST(0), c);
	drop_from[0] = drop_from[1] = false;
	run(2 * 60000);		/* node 1's orphan gives up on its own */
	teardown();
}

TEST(test_keepalive_timeout_resets_the_connection_as_linux)
{
	struct tcp_sock *c, *s;

	setup();
	uint64_t heard = keepalive_pair(&c, &s);
	uint64_t dead = heard + KA_TIME + KA_PROBES * KA_INTVL;
	uint16_t cport = c->sk.lport;
	unsigned mark = wire_n;

	drop_from[0] = drop_from[1] = true;
	run_to(dead + 100);
	CHECK_EQ(c->sk.so_error, -ETIMEDOUT);
	/* Linux's tcp_keepalive_timer() sends tcp_send_active_reset() before
	 * tcp_write_err(): a peer that is only unreachable learns of it. */
	const struct wire_seg *rst = wire_find(mark, 0, TCP_RST, 0);

	tcp_close(ST(0), c);
	tcp_abort(ST(1), s);
	teardown();
	CHECK(rst != NULL);
	CHECK_EQ(rst->sport, cport);
	CHECK(rst->at >= dead);
}

TEST(test_keepalive_answer_after_lost_probes_restarts_the_count)
{
	struct tcp_sock *c, *s;

	setup();
	uint64_t heard = keepalive_pair(&c, &s);

	/* The first two probes are lost, the third answered. */
	drop_from[1] = true;
	run_to(heard + KA_TIME + KA_INTVL + 100);
	CHECK_EQ(ST(0)->mib.tcp.TCPKeepAlive, 2);
	CHECK_EQ(c->keep_probes, 2);
	drop_from[1] = false;
	run_to(heard + KA_TIME + 2 * KA_INTVL + 100);
	CHECK_EQ(ST(0)->mib.tcp.TCPKeepAlive, 3);
	CHECK_EQ(c->keep_probes, 0);
	/* Long past where three unanswered probes would have ended it. */
	run_to(heard + 2 * (KA_TIME + KA_PROBES * KA_INTVL));
	CHECK_EQ(c->state, TCP_ESTABLISHED);
	CHECK_EQ(c->sk.so_error, 0);
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnTimeout, 0);
	tcp_abort(ST(0), c);
	run(10);
	tcp_close(ST(1), s);
	teardown();
}

int main(void)
{
	RUN(test_keepalive_probes_answered_keep_idle_connection_for_a_minute);
	RUN(test_keepalive_dead_peer_times_out_after_time_plus_probes_x_intvl);
	RUN(test_keepalive_ends_a_close_wait_connection_whose_peer_vanished);
	RUN(test_keepalive_timeout_resets_the_connection_as_linux);
	RUN(test_keepalive_answer_after_lost_probes_restarts_the_count);
	TEST_EXIT();
}
