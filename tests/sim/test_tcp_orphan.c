/*
 * Orphans: connections the user has closed and the stack drives to their
 * end (net/tcp.h "Lifetime"). Their bounds, each proved over the
 * simulated link (tcp_harness.h): tcp_max_orphans (the newcomer over it
 * is reset, TCPAbortOnMemory), the maximum linger ORPHAN_LINGER_MS
 * (TCPOrphanExpired), tcp_orphan_retries for a peer that vanished, and
 * tcp_fin_timeout for the FIN_WAIT_2 record an orphan leaves behind.
 */
#include <string.h>

#include "tests/sim/tcp_harness.h"

TEST(test_orphan_over_max_orphans_is_reset_at_once_and_others_continue)
{
	struct tcp_sock *c[3], *s[3];
	uint16_t cport[3];

	setup();
	ST(0)->tcp.sysctl.max_orphans = 2;
	lsn = listen_on(1, PORT, 8, 0);
	for (int i = 0; i < 3; i++) {
		connect_accept(0, 1, lsn, &c[i], &s[i]);
		cport[i] = c[i]->sk.lport;
	}
	tcp_close(ST(1), lsn);
	/* Each holds data its peer will not take: no orphan can drain. */
	for (int i = 0; i < 3; i++)
		fill_peer_window(0, c[i]);
	unsigned mark = wire_n;

	tcp_close(ST(0), c[0]);
	tcp_close(ST(0), c[1]);
	CHECK_EQ(ST(0)->tcp.orphans, 2);
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnMemory, 0);
	CHECK_EQ(wire_count(mark, 0, TCP_RST, 0), 0);
	int logs = port_host_log_count;

	tcp_close(ST(0), c[2]);
	/* The third is one too many: reset and freed on the spot. */
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnMemory, 1);
	CHECK_EQ(ST(0)->tcp.orphans, 2);
	CHECK_EQ(ST(0)->tcp.allocated, 2);
	CHECK(conn_of(0, cport[2], 1, PORT) == NULL);
	CHECK_EQ(wire_count(mark, 0, TCP_RST, 0), 1);
	CHECK_EQ(wire_find(mark, 0, TCP_RST, 0)->sport, cport[2]);
	CHECK_EQ(port_host_log_count, logs + 1);
	CHECK(strstr(port_host_last_log, "too many orphaned sockets"));
	run(20);
	CHECK_EQ(s[2]->state, TCP_CLOSED);
	CHECK_EQ(s[2]->sk.so_error, -ECONNRESET);
	/* The first two are left to finish: ten seconds on, still there. */
	run(10000);
	for (int i = 0; i < 2; i++) {
		struct tcp_sock *o = conn_of(0, cport[i], 1, PORT);

		CHECK(o != NULL);
		CHECK_EQ(o->state, TCP_FIN_WAIT_1);
		CHECK(o->flags & TF_ORPHAN);
		CHECK_EQ(s[i]->state, TCP_ESTABLISHED);
	}
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnMemory, 1);
	/* The servers close with unread data: their resets end the orphans. */
	for (int i = 0; i < 3; i++)
		tcp_close(ST(1), s[i]);
	run(20);
	CHECK_EQ(ST(0)->tcp.orphans, 0);
	teardown();
}

TEST(test_orphan_behind_zero_window_removed_after_max_linger_with_rst)
{
	struct tcp_sock *c, *s;

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	fill_peer_window(0, c);
	uint16_t cport = c->sk.lport;
	uint64_t t0 = sim.now;
	unsigned mark = wire_n;

	tcp_close(ST(0), c);
	run_to(t0 + ORPHAN_LINGER_MS - 100);
	struct tcp_sock *o = conn_of(0, cport, 1, PORT);
	CHECK(o != NULL);
	CHECK_EQ(o->state, TCP_FIN_WAIT_1);
	CHECK_EQ(ST(0)->mib.tcp.TCPOrphanExpired, 0);
	CHECK_EQ(wire_count(mark, 0, TCP_RST, 0), 0);
	CHECK(wire_count(mark, 0, TCP_ACK, TCP_RST) > 0);	/* probes */
	CHECK_EQ(s->state, TCP_ESTABLISHED);
	run_to(t0 + ORPHAN_LINGER_MS + 100);
	CHECK(conn_of(0, cport, 1, PORT) == NULL);
	CHECK_EQ(ST(0)->mib.tcp.TCPOrphanExpired, 1);
	CHECK(strstr(port_host_last_log, "removed"));
	CHECK_EQ(ST(0)->tcp.orphans, 0);
	CHECK_EQ(ST(0)->tcp.allocated, 0);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK_EQ(port_refs(tcp_port_table(0), cport), 0);
	const struct wire_seg *rst = wire_find(mark, 0, TCP_RST, 0);
	CHECK(rst != NULL);
	CHECK(rst->at >= t0 + ORPHAN_LINGER_MS);
	CHECK_EQ(s->state, TCP_CLOSED);
	CHECK_EQ(s->sk.so_error, -ECONNRESET);
	tcp_close(ST(1), s);
	teardown();
}

TEST(test_orphan_to_vanished_peer_gives_up_after_orphan_retries)
{
	struct tcp_sock *c, *s;

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	ST(0)->tcp.sysctl.orphan_retries = 3;
	uint16_t cport = c->sk.lport;
	uint64_t rexmits = ST(0)->mib.tcp.RetransSegs;
	drop_from[0] = drop_from[1] = true;	/* the peer is gone */
	unsigned mark = wire_n;

	tcp_close(ST(0), c);
	CHECK(RUN_UNTIL(ORPHAN_LINGER_MS, conn_of(0, cport, 1, PORT) == NULL));
	/* The FIN, then orphan_retries retransmissions, each after twice
	 * the wait of the one before. */
	CHECK_EQ(wire_count(mark, 0, TCP_FIN, 0), 4);
	CHECK_EQ(wire_count(mark, 0, 0, 0), 4);
	CHECK_EQ(ST(0)->mib.tcp.RetransSegs - rexmits, 3);
	uint64_t at[4];

	for (unsigned i = mark, n = 0; i < wire_n; i++)
		at[n++] = wire_log[i].at;
	CHECK_EQ(at[2] - at[1], 2 * (at[1] - at[0]));
	CHECK_EQ(at[3] - at[2], 2 * (at[2] - at[1]));
	/* Given up by the retry limit, long before the maximum linger. */
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnTimeout, 1);
	CHECK_EQ(ST(0)->mib.tcp.TCPOrphanExpired, 0);
	CHECK_EQ(ST(0)->tcp.orphans, 0);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK(sim.now < at[0] + ORPHAN_LINGER_MS / 2);
	drop_from[0] = drop_from[1] = false;
	tcp_abort(ST(1), s);
	run(20);
	teardown();
}

/* Node 0 closes its end of a fresh pair; returns when the FIN is ACKed
 * and the orphan has become a FIN_WAIT_2 record (*cport its port). */
static void orphan_into_fin_wait_2(struct tcp_sock **s, uint16_t *cport)
{
	struct tcp_sock *c;

	open_pair(&c, s);
	tcp_close(ST(1), lsn);
	*cport = c->sk.lport;
	tcp_close(ST(0), c);
	CHECK(RUN_UNTIL(100, tw_of(0, *cport, 1, PORT) != NULL));
	CHECK(tw_of(0, *cport, 1, PORT)->flags & TW_FIN_WAIT_2);
	CHECK_EQ(ST(0)->tcp.allocated, 0);
}

TEST(test_orphan_fin_wait_2_record_expires_after_fin_timeout)
{
	struct tcp_sock *s;
	uint16_t cport;

	setup();
	ST(0)->tcp.sysctl.fin_timeout = 30;
	orphan_into_fin_wait_2(&s, &cport);
	uint64_t t0 = sim.now;	/* the record was made in the last ms */

	run_to(t0 + 29900);
	CHECK(tw_of(0, cport, 1, PORT) != NULL);
	CHECK_EQ(ST(0)->tcp.tw, 1);
	run_to(t0 + 30100);
	CHECK(tw_of(0, cport, 1, PORT) == NULL);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK_EQ(port_refs(tcp_port_table(0), cport), 0);
	CHECK_EQ(ST(0)->mib.tcp.TWKilled, 0);
	tcp_close(ST(1), s);	/* its FIN is answered by a reset */
	run(20);
	CHECK_EQ(ST(1)->tcp.allocated, 0);
	teardown();
}

/*
 * TCP_LINGER2 (Linux's meaning): a positive value is how long this
 * socket's orphan waits in FIN_WAIT_2, in place of tcp_fin_timeout (60
 * s); 0 means tcp_fin_timeout; a value above TCP_FIN_TIMEOUT_MAX (120 s)
 * is taken as 120 s, and anything negative reads back as -1.
 */
TEST(test_tcp_linger2_sets_this_sockets_fin_wait_2_time)
{
	struct tcp_sock *c, *s;
	uint16_t cport;

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	CHECK_EQ(tcp_get_linger2(ST(0), c), 60);	/* tcp_fin_timeout */
	tcp_set_linger2(c, 500);
	CHECK_EQ(tcp_get_linger2(ST(0), c), 120);
	tcp_set_linger2(c, -7);
	CHECK_EQ(tcp_get_linger2(ST(0), c), -1);
	tcp_set_linger2(c, 5);
	CHECK_EQ(tcp_get_linger2(ST(0), c), 5);
	cport = c->sk.lport;
	tcp_close(ST(0), c);
	CHECK(RUN_UNTIL(100, tw_of(0, cport, 1, PORT) != NULL));
	uint64_t t0 = sim.now;

	run_to(t0 + 4900);
	CHECK(tw_of(0, cport, 1, PORT) != NULL);
	run_to(t0 + 5100);
	CHECK(tw_of(0, cport, 1, PORT) == NULL);
	tcp_close(ST(1), s);
	run(20);
	teardown();
}

/*
 * A negative TCP_LINGER2 wants no FIN_WAIT_2 at all. Closed in
 * FIN_WAIT_2 (our FIN already acknowledged), the connection is reset
 * (TCPAbortOnLinger) and the peer sees it; closed earlier, the
 * orphan is dropped the moment its FIN is acknowledged (Linux's
 * tcp_rcv_state_process(), counted in TCPAbortOnData), leaving no
 * FIN_WAIT_2 record.
 */
TEST(test_tcp_negative_linger2_resets_or_drops_instead_of_fin_wait_2)
{
	struct tcp_sock *c, *s;
	uint16_t cport;
	char b[4];

	setup();
	open_pair(&c, &s);
	tcp_set_linger2(c, -1);
	CHECK_EQ(tcp_shutdown(ST(0), c, NET_SHUT_WR), 0);
	CHECK(RUN_UNTIL(100, c->state == TCP_FIN_WAIT_2));
	unsigned mark = wire_n;

	cport = c->sk.lport;
	tcp_close(ST(0), c);
	CHECK_EQ(wire_count(mark, 0, TCP_RST, 0), 1);
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnLinger, 1);
	CHECK(tw_of(0, cport, 1, PORT) == NULL);
	run(20);
	/* The peer, in CLOSE_WAIT, is reset: EPIPE, as Linux's tcp_reset()
	 * says in that state. */
	CHECK_EQ(s->state, TCP_CLOSED);
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), -EPIPE);
	tcp_close(ST(1), s);

	/* Closed from ESTABLISHED: the orphan goes when its FIN is ACKed. */
	struct tcp_sock *c2, *s2;

	connect_accept(0, 1, lsn, &c2, &s2);
	tcp_set_linger2(c2, -1);
	cport = c2->sk.lport;
	tcp_close(ST(0), c2);
	CHECK(RUN_UNTIL(100, ST(0)->tcp.allocated == 0));
	CHECK(tw_of(0, cport, 1, PORT) == NULL);
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnData, 1);
	tcp_close(ST(1), s2);
	tcp_close(ST(1), lsn);
	run(1000);
	teardown();
}

TEST(test_fin_at_fin_wait_2_record_moves_it_to_time_wait_for_60s)
{
	struct tcp_sock *s;
	uint16_t cport;
	char b[4];

	setup();
	ST(0)->tcp.sysctl.fin_timeout = 30;
	orphan_into_fin_wait_2(&s, &cport);
	uint64_t t0 = sim.now;

	run(10000);
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), 0);
	tcp_close(ST(1), s);
	uint32_t fin_end = conn_of(1, PORT, 0, cport)->snd_max;
	unsigned mark = wire_n;

	run(20);
	const struct wire_seg *ack = wire_find(mark, 0, TCP_ACK, TCP_RST);
	CHECK(ack != NULL);
	CHECK_EQ(ack->ack, fin_end);
	struct tcp_tw *tw = tw_of(0, cport, 1, PORT);
	CHECK(tw != NULL);
	CHECK_EQ(tw->flags & TW_FIN_WAIT_2, 0);
	CHECK_EQ(ST(1)->tcp.allocated, 0);
	/* No longer bound by fin_timeout, but by 2*MSL from the FIN. */
	run_to(t0 + 30100);
	CHECK(tw_of(0, cport, 1, PORT) != NULL);
	run_to(ack->at + TIME_WAIT_MS - 100);
	CHECK(tw_of(0, cport, 1, PORT) != NULL);
	run_to(ack->at + TIME_WAIT_MS + 100);
	CHECK(tw_of(0, cport, 1, PORT) == NULL);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	teardown();
}

TEST(test_data_at_fin_wait_2_record_draws_rst_and_ends_it)
{
	struct tcp_sock *s;
	uint16_t cport;

	setup();
	orphan_into_fin_wait_2(&s, &cport);
	unsigned mark = wire_n;

	/* Nobody is left to read it. */
	CHECK_EQ(tcp_send(ST(1), s, "late", 4), 4);
	run(20);
	CHECK_EQ(wire_count(mark, 0, TCP_RST, 0), 1);
	CHECK(tw_of(0, cport, 1, PORT) == NULL);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnLinger, 1);
	CHECK_EQ(ST(0)->mib.tcp.TWKilled, 1);
	CHECK_EQ(port_refs(tcp_port_table(0), cport), 0);
	/* The peer, in CLOSE_WAIT, sees EPIPE (Linux's tcp_reset()). */
	CHECK_EQ(s->state, TCP_CLOSED);
	CHECK_EQ(tcp_send(ST(1), s, "x", 1), -EPIPE);
	tcp_close(ST(1), s);
	teardown();
}

int main(void)
{
	RUN(test_orphan_over_max_orphans_is_reset_at_once_and_others_continue);
	RUN(test_orphan_behind_zero_window_removed_after_max_linger_with_rst);
	RUN(test_orphan_to_vanished_peer_gives_up_after_orphan_retries);
	RUN(test_orphan_fin_wait_2_record_expires_after_fin_timeout);
	RUN(test_tcp_linger2_sets_this_sockets_fin_wait_2_time);
	RUN(test_tcp_negative_linger2_resets_or_drops_instead_of_fin_wait_2);
	RUN(test_fin_at_fin_wait_2_record_moves_it_to_time_wait_for_60s);
	RUN(test_data_at_fin_wait_2_record_draws_rst_and_ends_it);
	TEST_EXIT();
}
