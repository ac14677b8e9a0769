/*
 * close(2) in each TCP state, over the simulated link (tcp_harness.h):
 * what is sent, what is kept (orphan TCB, FIN_WAIT_2 or TIME_WAIT
 * record) and for how long, what the peer sees; data written before
 * close() is still delivered, data unread at close() resets; SO_LINGER
 * {1, 0} (tcp_abort) and {1, N} (tcp_closing). Linux's behaviour is the
 * reference (tcp_close(), tcp_rcv_state_process()).
 */
#include "tests/sim/tcp_harness.h"

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + (i >> 9));
}

static bool drop_tcp_from_1(const struct wire_seg *g)
{
	return g->from == 1;
}

TEST(test_close_established_fin_wait_1_fin_wait_2_record_then_time_wait)
{
	struct tcp_sock *c, *s;
	char b[4];

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	uint16_t cport = c->sk.lport;
	unsigned mark = wire_n;

	tcp_close(ST(0), c);
	/* Detached at once: an orphan in FIN_WAIT_1, its FIN sent. */
	struct tcp_sock *o = conn_of(0, cport, 1, PORT);
	CHECK(o != NULL);
	CHECK_EQ(o->state, TCP_FIN_WAIT_1);
	CHECK(o->flags & TF_ORPHAN);
	CHECK_EQ(ST(0)->tcp.orphans, 1);
	CHECK_EQ(wire_count(mark, 0, TCP_FIN, 0), 1);
	/* The FIN's ACK: the TCB gives way to a FIN_WAIT_2 record. */
	CHECK(RUN_UNTIL(100, conn_of(0, cport, 1, PORT) == NULL));
	struct tcp_tw *tw = tw_of(0, cport, 1, PORT);
	CHECK(tw != NULL);
	CHECK(tw->flags & TW_FIN_WAIT_2);
	CHECK_EQ(ST(0)->tcp.tw, 1);
	CHECK_EQ(ST(0)->tcp.orphans, 0);
	CHECK_EQ(ST(0)->tcp.allocated, 0);
	CHECK_EQ(ST(0)->tcp.mem, 0);
	/* The peer's FIN: the record becomes TIME_WAIT, the peer is done. */
	CHECK_EQ(s->state, TCP_CLOSE_WAIT);
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), 0);
	tcp_close(ST(1), s);
	run(20);
	tw = tw_of(0, cport, 1, PORT);
	CHECK(tw != NULL);
	CHECK_EQ(tw->flags & TW_FIN_WAIT_2, 0);
	CHECK_EQ(ST(0)->tcp.tw, 1);
	CHECK_EQ(ST(1)->tcp.allocated, 0);
	CHECK_EQ(ST(1)->tcp.tw, 0);
	CHECK_EQ(ST(0)->mib.tcp.OutRsts + ST(1)->mib.tcp.OutRsts, 0);
	run(TIME_WAIT_MS);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	teardown();
}

TEST(test_close_in_close_wait_goes_last_ack_and_frees_on_the_ack)
{
	struct tcp_sock *c, *s;
	char b[4];

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	uint16_t cport = c->sk.lport;

	CHECK_EQ(tcp_shutdown(ST(0), c, NET_SHUT_WR), 0);
	CHECK(RUN_UNTIL(100, s->state == TCP_CLOSE_WAIT &&
				     c->state == TCP_FIN_WAIT_2));
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), 0);
	unsigned mark = wire_n;

	tcp_close(ST(1), s);
	struct tcp_sock *o = conn_of(1, PORT, 0, cport);
	CHECK(o != NULL);
	CHECK_EQ(o->state, TCP_LAST_ACK);
	CHECK_EQ(ST(1)->tcp.orphans, 1);
	CHECK_EQ(wire_count(mark, 1, TCP_FIN, 0), 1);
	CHECK(RUN_UNTIL(100, ST(1)->tcp.allocated == 0));
	/* Freed on the ACK, and the passive closer keeps no record. */
	CHECK_EQ(ST(1)->tcp.orphans, 0);
	CHECK_EQ(ST(1)->tcp.tw, 0);
	CHECK_EQ(ST(1)->tcp.inuse, 0);
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(ST(0)->tcp.tw, 1);
	CHECK_EQ(port_refs(tcp_port_table(1), PORT), 0);
	tcp_close(ST(0), c);
	teardown();
}

TEST(test_close_in_syn_sent_frees_without_sending_anything)
{
	setup();
	lsn = listen_on(1, PORT, 8, 0);
	drop_seg = drop_tcp_from_1;	/* the SYN-ACK never arrives */
	struct tcp_sock *c = tcp_sock_create(ST(0), NULL);

	CHECK_EQ(tcp_connect(ST(0), c, ADDR(1), PORT), -EINPROGRESS);
	uint16_t cport = c->sk.lport;

	CHECK(RUN_UNTIL(100, wire_count(0, 1, TCP_SYN | TCP_ACK, 0) == 1));
	CHECK_EQ(c->state, TCP_SYN_SENT);
	unsigned mark = wire_n;

	tcp_close(ST(0), c);
	CHECK_EQ(ST(0)->tcp.allocated, 0);
	CHECK_EQ(ST(0)->tcp.orphans, 0);
	CHECK_EQ(port_refs(tcp_port_table(0), cport), 0);
	/* Past the SYN's first retransmission time: nothing, no RST. */
	run(5000);
	CHECK_EQ(wire_count(mark, 0, 0, 0), 0);
	CHECK_EQ(ST(0)->mib.tcp.OutRsts, 0);
	tcp_close(ST(1), lsn);
	teardown();
}

TEST(test_listener_close_resets_its_syn_received_child)
{
	struct tcp_sock *c;
	char b[4];

	setup();
	lsn = listen_on(1, PORT, 8, 0);
	drop_seg = drop_tcp_from_1;	/* the handshake stops half-way */
	c = tcp_sock_create(ST(0), NULL);
	CHECK_EQ(tcp_connect(ST(0), c, ADDR(1), PORT), -EINPROGRESS);
	uint16_t cport = c->sk.lport;

	CHECK(RUN_UNTIL(100, wire_count(0, 1, TCP_SYN | TCP_ACK, 0) == 1));
	struct tcp_sock *child = conn_of(1, PORT, 0, cport);
	CHECK(child != NULL);
	CHECK_EQ(child->state, TCP_SYN_RECEIVED);
	CHECK_EQ(lsn->synq, 1);
	drop_seg = NULL;
	unsigned mark = wire_n;

	tcp_close(ST(1), lsn);
	CHECK_EQ(ST(1)->tcp.allocated, 0);
	CHECK_EQ(ST(1)->tcp.inuse, 0);
	CHECK_EQ(port_refs(tcp_port_table(1), PORT), 0);
	const struct wire_seg *rst = wire_find(mark, 1, TCP_RST, 0);
	CHECK(rst != NULL);
	CHECK_EQ(rst->dport, cport);
	CHECK_EQ(rst->ack, c->iss + 1);
	/* The client in SYN_SENT takes it as a refusal. */
	run(10);
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), -ECONNREFUSED);
	tcp_close(ST(0), c);
	teardown();
}

TEST(test_close_in_fin_wait_2_after_shutdown_keeps_record_fin_timeout)
{
	struct tcp_sock *c, *s;

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	ST(0)->tcp.sysctl.fin_timeout = 30;
	uint16_t cport = c->sk.lport;

	CHECK_EQ(tcp_shutdown(ST(0), c, NET_SHUT_WR), 0);
	CHECK(RUN_UNTIL(100, c->state == TCP_FIN_WAIT_2));
	/* Still the user's: a whole TCB, no record. */
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK_EQ(ST(0)->tcp.orphans, 0);
	uint64_t t0 = sim.now;

	tcp_close(ST(0), c);
	CHECK_EQ(ST(0)->tcp.allocated, 0);
	CHECK_EQ(ST(0)->tcp.orphans, 0);
	struct tcp_tw *tw = tw_of(0, cport, 1, PORT);
	CHECK(tw != NULL);
	CHECK(tw->flags & TW_FIN_WAIT_2);
	run_to(t0 + 29900);
	CHECK(tw_of(0, cport, 1, PORT) != NULL);
	run_to(t0 + 30100);
	CHECK(tw_of(0, cport, 1, PORT) == NULL);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK_EQ(port_refs(tcp_port_table(0), cport), 0);
	/* The peer's FIN, too late, finds nothing: a reset ends it. */
	unsigned mark = wire_n;

	tcp_close(ST(1), s);
	run(20);
	CHECK_EQ(wire_count(mark, 0, TCP_RST, 0), 1);
	CHECK_EQ(ST(1)->tcp.allocated, 0);
	teardown();
}

TEST(test_listener_close_resets_unaccepted_children)
{
	struct tcp_sock *c1, *c2;
	char b[4];

	setup();
	lsn = listen_on(1, PORT, 8, 0);
	c1 = tcp_sock_create(ST(0), NULL);
	c2 = tcp_sock_create(ST(0), NULL);
	CHECK_EQ(tcp_connect(ST(0), c1, ADDR(1), PORT), -EINPROGRESS);
	CHECK_EQ(tcp_connect(ST(0), c2, ADDR(1), PORT), -EINPROGRESS);
	CHECK(RUN_UNTIL(100, lsn->qlen == 2 && c1->state == TCP_ESTABLISHED &&
				     c2->state == TCP_ESTABLISHED));
	CHECK_EQ(ST(1)->tcp.allocated, 3);
	unsigned mark = wire_n;

	tcp_close(ST(1), lsn);
	CHECK_EQ(wire_count(mark, 1, TCP_RST, 0), 2);
	CHECK_EQ(ST(1)->tcp.allocated, 0);
	CHECK_EQ(ST(1)->tcp.tw, 0);
	CHECK_EQ(port_refs(tcp_port_table(1), PORT), 0);
	run(10);
	CHECK_EQ(c1->state, TCP_CLOSED);
	CHECK_EQ(c2->state, TCP_CLOSED);
	CHECK_EQ(tcp_recv(ST(0), c1, b, sizeof(b)), -ECONNRESET);
	CHECK_EQ(tcp_recv(ST(0), c2, b, sizeof(b)), -ECONNRESET);
	CHECK_EQ(ST(0)->mib.tcp.EstabResets, 2);
	tcp_close(ST(0), c1);
	tcp_close(ST(0), c2);
	teardown();
}

TEST(test_server_closing_first_holds_the_time_wait_record)
{
	struct tcp_sock *c, *s;
	char b[4];

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	uint16_t cport = c->sk.lport;

	tcp_close(ST(1), s);
	CHECK(RUN_UNTIL(100, ST(1)->tcp.tw == 1));
	struct tcp_tw *tw = tw_of(1, PORT, 0, cport);
	CHECK(tw != NULL);
	CHECK(tw->flags & TW_FIN_WAIT_2);
	CHECK_EQ(c->state, TCP_CLOSE_WAIT);
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), 0);
	tcp_close(ST(0), c);
	run(20);
	/* The client closed second: LAST_ACK, freed, no record. */
	CHECK_EQ(ST(0)->tcp.allocated, 0);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	tw = tw_of(1, PORT, 0, cport);
	CHECK(tw != NULL);
	CHECK_EQ(tw->flags & TW_FIN_WAIT_2, 0);
	CHECK_EQ(ST(1)->tcp.allocated, 0);
	run(TIME_WAIT_MS);
	CHECK_EQ(ST(1)->tcp.tw, 0);
	teardown();
}

TEST(test_simultaneous_close_of_both_ends_passes_closing_to_time_wait)
{
	struct tcp_sock *c, *s;

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	uint16_t cport = c->sk.lport;
	unsigned mark = wire_n;

	tcp_close(ST(0), c);	/* the FINs cross on the wire */
	tcp_close(ST(1), s);
	run(2);	/* each FIN has arrived, not yet its ACK */
	struct tcp_sock *o0 = conn_of(0, cport, 1, PORT);
	struct tcp_sock *o1 = conn_of(1, PORT, 0, cport);
	CHECK(o0 != NULL && o1 != NULL);
	CHECK_EQ(o0->state, TCP_CLOSING);
	CHECK_EQ(o1->state, TCP_CLOSING);
	CHECK_EQ(ST(0)->tcp.orphans + ST(1)->tcp.orphans, 2);
	run(10);
	/* Each end holds a TIME_WAIT record: both closed actively. */
	CHECK_EQ(ST(0)->tcp.allocated + ST(1)->tcp.allocated, 0);
	struct tcp_tw *tw0 = tw_of(0, cport, 1, PORT);
	struct tcp_tw *tw1 = tw_of(1, PORT, 0, cport);
	CHECK(tw0 != NULL && tw1 != NULL);
	CHECK_EQ((tw0->flags | tw1->flags) & TW_FIN_WAIT_2, 0);
	CHECK_EQ(wire_count(mark, 0, TCP_FIN, 0), 1);
	CHECK_EQ(wire_count(mark, 1, TCP_FIN, 0), 1);
	CHECK_EQ(wire_count(mark, 0, TCP_RST, 0) +
		 wire_count(mark, 1, TCP_RST, 0), 0);
	run(TIME_WAIT_MS);
	CHECK_EQ(ST(0)->tcp.tw + ST(1)->tcp.tw, 0);
	teardown();
}

TEST(test_close_in_closing_finishes_as_orphan_into_time_wait)
{
	struct tcp_sock *c, *s;

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	uint16_t cport = c->sk.lport;

	CHECK_EQ(tcp_shutdown(ST(0), c, NET_SHUT_WR), 0);
	CHECK_EQ(tcp_shutdown(ST(1), s, NET_SHUT_WR), 0);
	run(2);			/* the FINs crossed, their ACKs due */
	CHECK_EQ(c->state, TCP_CLOSING);
	tcp_close(ST(0), c);
	struct tcp_sock *o = conn_of(0, cport, 1, PORT);
	CHECK(o != NULL);
	CHECK_EQ(o->state, TCP_CLOSING);
	CHECK(tcp_closing(o));
	CHECK_EQ(ST(0)->tcp.orphans, 1);
	run(10);
	CHECK_EQ(ST(0)->tcp.allocated, 0);
	CHECK_EQ(ST(0)->tcp.orphans, 0);
	struct tcp_tw *tw = tw_of(0, cport, 1, PORT);
	CHECK(tw != NULL);
	CHECK_EQ(tw->flags & TW_FIN_WAIT_2, 0);
	CHECK_EQ(s->state, TCP_CLOSED);
	tcp_close(ST(1), s);
	run(TIME_WAIT_MS);
	CHECK_EQ(ST(0)->tcp.tw + ST(1)->tcp.tw, 0);
	teardown();
}

/* Write n bytes of pattern from c, close it at once, and read them all
 * on s, then EOF. */
static void send_close_and_read_all(struct tcp_sock *c, struct tcp_sock *s,
				    uint32_t n)
{
	static uint8_t out[TCP_SNDBUF], in[TCP_SNDBUF];
	uint32_t got = 0;
	int r = -EAGAIN;

	CHECK(n <= sizeof(out));
	for (uint32_t i = 0; i < n; i++)
		out[i] = pattern(i);
	CHECK_EQ(tcp_send(ST(0), c, out, n), n);
	tcp_close(ST(0), c);		/* before most of it has left */
	CHECK_EQ(ST(0)->tcp.orphans, 1);
	for (int ms = 0; ms < 50000 && r != 0; ms++) {
		while ((r = tcp_recv(ST(1), s, in + got, n - got)) > 0)
			got += (uint32_t)r;
		if (r != 0) {
			CHECK_EQ(r, -EAGAIN);
			run(1);
		}
	}
	CHECK_EQ(r, 0);			/* EOF, after everything */
	CHECK_EQ(got, n);
	CHECK(memcmp(in, out, n) == 0);
}

TEST(test_data_written_before_close_is_delivered_then_eof)
{
	struct tcp_sock *c, *s;

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	uint16_t cport = c->sk.lport;

	send_close_and_read_all(c, s, TCP_SNDBUF);
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnData, 0);
	CHECK_EQ(ST(0)->mib.tcp.OutRsts, 0);
	tcp_close(ST(1), s);
	CHECK(RUN_UNTIL(100, ST(1)->tcp.allocated == 0));
	struct tcp_tw *tw = tw_of(0, cport, 1, PORT);
	CHECK(tw != NULL);
	CHECK_EQ(tw->flags & TW_FIN_WAIT_2, 0);
	run(TIME_WAIT_MS);
	teardown();
}

TEST(test_data_written_before_close_is_delivered_over_lossy_link)
{
	struct tcp_sock *c, *s;

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	sim.impair.loss_pct = 10;
	sim.impair.dup_pct = 3;
	sim.impair.jitter_ms = 3;

	send_close_and_read_all(c, s, TCP_SNDBUF);
	CHECK(sim.lost > 0);
	CHECK(ST(0)->mib.tcp.RetransSegs > 0);
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnData, 0);
	CHECK_EQ(ST(0)->mib.tcp.TCPOrphanExpired, 0);
	tcp_close(ST(1), s);
	run(3 * TIME_WAIT_MS);
	CHECK_EQ(ST(0)->tcp.tw + ST(1)->tcp.tw, 0);
	CHECK_EQ(ST(0)->mib.tcp.TCPOrphanExpired, 0);
	teardown();
}

TEST(test_close_with_unread_data_resets_and_peer_gets_econnreset)
{
	struct tcp_sock *c, *s;
	char b[8];

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	CHECK_EQ(tcp_send(ST(1), s, "unread", 6), 6);
	run(20);
	CHECK_EQ(c->rcv_len, 6);
	unsigned mark = wire_n;

	tcp_close(ST(0), c);
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnData, 1);
	CHECK_EQ(wire_count(mark, 0, TCP_RST, 0), 1);
	CHECK_EQ(wire_count(mark, 0, TCP_FIN, 0), 0);
	CHECK_EQ(ST(0)->tcp.allocated, 0);
	CHECK_EQ(ST(0)->tcp.orphans, 0);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	run(20);
	CHECK_EQ(s->state, TCP_CLOSED);
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), -ECONNRESET);
	CHECK_EQ(tcp_send(ST(1), s, b, 1), -EPIPE);
	tcp_close(ST(1), s);
	teardown();
}

TEST(test_abort_linger_0_resets_frees_at_once_and_keeps_no_time_wait)
{
	struct tcp_sock *c, *s;
	char b[4];

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	uint16_t cport = c->sk.lport;
	unsigned mark = wire_n;

	tcp_abort(ST(0), c);
	CHECK_EQ(ST(0)->mib.tcp.TCPAbortOnClose, 1);
	CHECK_EQ(wire_count(mark, 0, TCP_RST, 0), 1);
	CHECK_EQ(wire_count(mark, 0, TCP_FIN, 0), 0);
	CHECK_EQ(ST(0)->tcp.allocated, 0);
	CHECK_EQ(ST(0)->tcp.orphans, 0);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK_EQ(port_refs(tcp_port_table(0), cport), 0);
	run(20);
	CHECK_EQ(s->state, TCP_CLOSED);
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), -ECONNRESET);
	tcp_close(ST(1), s);
	CHECK_EQ(ST(0)->tcp.tw + ST(1)->tcp.tw, 0);
	teardown();
}

TEST(test_linger_closing_holds_until_fin_acked_behind_zero_window)
{
	static uint8_t sink[8192];
	struct tcp_sock *c, *s;
	int r = -EAGAIN;

	setup();
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	fill_peer_window(0, c);
	unsigned mark = wire_n;

	/* What close() with SO_LINGER {1, N} does before it waits. */
	CHECK_EQ(tcp_shutdown(ST(0), c, NET_SHUT_WR), 0);
	CHECK_EQ(c->state, TCP_FIN_WAIT_1);
	CHECK(tcp_closing(c));
	run(10000);
	/* Ten seconds on: the FIN still waits behind the data. */
	CHECK(tcp_closing(c));
	CHECK_EQ(c->state, TCP_FIN_WAIT_1);
	CHECK_EQ(wire_count(mark, 0, TCP_FIN, 0), 0);
	/* The peer reads: the data, then the FIN, go and are ACKed. */
	for (int ms = 0; ms < 20000 && r != 0; ms++) {
		while ((r = tcp_recv(ST(1), s, sink, sizeof(sink))) > 0)
			;
		if (r != 0)
			run(1);
	}
	CHECK_EQ(r, 0);
	CHECK(RUN_UNTIL(100, !tcp_closing(c)));
	CHECK_EQ(c->state, TCP_FIN_WAIT_2);
	CHECK_EQ(c->snd_una, c->snd_max);
	CHECK(c->flags & TF_FIN_SENT);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	run(TIME_WAIT_MS + 100);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	teardown();
}

int main(void)
{
	RUN(test_close_established_fin_wait_1_fin_wait_2_record_then_time_wait);
	RUN(test_close_in_close_wait_goes_last_ack_and_frees_on_the_ack);
	RUN(test_close_in_syn_sent_frees_without_sending_anything);
	RUN(test_listener_close_resets_its_syn_received_child);
	RUN(test_close_in_fin_wait_2_after_shutdown_keeps_record_fin_timeout);
	RUN(test_listener_close_resets_unaccepted_children);
	RUN(test_server_closing_first_holds_the_time_wait_record);
	RUN(test_simultaneous_close_of_both_ends_passes_closing_to_time_wait);
	RUN(test_close_in_closing_finishes_as_orphan_into_time_wait);
	RUN(test_data_written_before_close_is_delivered_then_eof);
	RUN(test_data_written_before_close_is_delivered_over_lossy_link);
	RUN(test_close_with_unread_data_resets_and_peer_gets_econnreset);
	RUN(test_abort_linger_0_resets_frees_at_once_and_keeps_no_time_wait);
	RUN(test_linger_closing_holds_until_fin_acked_behind_zero_window);
	TEST_EXIT();
}
