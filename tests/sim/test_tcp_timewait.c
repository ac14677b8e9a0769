/*
 * TIME_WAIT records (net/tcp_timewait.c) over the simulated link
 * (tcp_harness.h): 2*MSL from the peer's FIN, restarted by a
 * retransmitted FIN, ended early by an in-window RST (Linux's default
 * tcp_rfc1337 = 0); a new SYN on the 4-tuple reopens it with an ISN above
 * the old sequence space (RFC 9293 3.6.1, TWKilled) while an old one is
 * only ACKed; tcp_max_tw_buckets; and a hundred records expiring on
 * their own in virtual time.
 */
#include <string.h>

#include "net/tcp_seq.h"
#include "tests/sim/tcp_harness.h"

/* Node 0 closes first, node 1 after reading EOF: node 0 ends with a
 * TIME_WAIT record. Returns when node 1 is done; *fin_end is the
 * sequence number after node 1's FIN. */
static void client_into_time_wait(uint16_t *cport, uint32_t *fin_end)
{
	struct tcp_sock *c, *s;
	char b[4];

	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	*cport = c->sk.lport;
	tcp_close(ST(0), c);
	CHECK(RUN_UNTIL(100, tw_of(0, *cport, 1, PORT) != NULL));
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), 0);
	tcp_close(ST(1), s);
	*fin_end = conn_of(1, PORT, 0, *cport)->snd_max;
}

/* When node 0 sent its n-th ACK of node 1's FIN (from log index since),
 * or 0. */
static uint64_t fin_ack_time(unsigned since, uint32_t fin_end, unsigned n)
{
	for (unsigned i = since; i < wire_n; i++) {
		const struct wire_seg *g = &wire_log[i];

		if (g->from == 0 && (g->flags & TCP_ACK) && g->ack == fin_end &&
		    !(g->flags & TCP_RST) && --n == 0)
			return g->at;
	}
	return 0;
}

TEST(test_time_wait_lasts_2msl_from_the_peers_fin)
{
	uint16_t cport;
	uint32_t fin_end;

	setup();
	unsigned mark = wire_n;

	client_into_time_wait(&cport, &fin_end);
	CHECK(RUN_UNTIL(100, ST(1)->tcp.allocated == 0));
	uint64_t t = fin_ack_time(mark, fin_end, 1);
	CHECK(t != 0);
	struct tcp_tw *tw = tw_of(0, cport, 1, PORT);
	CHECK(tw != NULL);
	CHECK_EQ(tw->flags & TW_FIN_WAIT_2, 0);
	CHECK_EQ(tw->rcv_nxt, fin_end);
	run_to(t + TIME_WAIT_MS - 100);
	CHECK(tw_of(0, cport, 1, PORT) != NULL);
	CHECK_EQ(port_refs(tcp_port_table(0), cport), 1);
	run_to(t + TIME_WAIT_MS + 100);
	CHECK(tw_of(0, cport, 1, PORT) == NULL);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK_EQ(port_refs(tcp_port_table(0), cport), 0);
	CHECK_EQ(ST(0)->mib.tcp.TWKilled, 0);
	teardown();
}

static uint32_t drop_ack_of;		/* drop node 0's first ACK of this */
static bool drop_first_fin_ack(const struct wire_seg *g)
{
	if (g->from != 0 || g->ack != drop_ack_of || (g->flags & TCP_RST))
		return false;
	drop_ack_of = 0;
	return true;
}

TEST(test_time_wait_acks_retransmitted_fin_and_restarts_2msl)
{
	uint16_t cport;
	uint32_t fin_end;

	setup();
	unsigned mark = wire_n;

	client_into_time_wait(&cport, &fin_end);
	drop_ack_of = fin_end;
	drop_seg = drop_first_fin_ack;
	/* The peer's FIN is retransmitted; the record ACKs it again. */
	CHECK(RUN_UNTIL(5000, ST(1)->tcp.allocated == 0));
	CHECK_EQ(drop_ack_of, 0);
	CHECK_EQ(wire_count(mark, 1, TCP_FIN, 0), 2);
	uint64_t t1 = fin_ack_time(mark, fin_end, 1);
	uint64_t t2 = fin_ack_time(mark, fin_end, 2);
	CHECK(t1 != 0 && t2 > t1 + 100);
	CHECK_EQ(fin_ack_time(mark, fin_end, 3), 0);
	/* 2*MSL counts from the retransmission, not the first FIN. */
	run_to(t1 + TIME_WAIT_MS + 50);
	CHECK(tw_of(0, cport, 1, PORT) != NULL);
	run_to(t2 + TIME_WAIT_MS - 50);
	CHECK(tw_of(0, cport, 1, PORT) != NULL);
	run_to(t2 + TIME_WAIT_MS + 50);
	CHECK(tw_of(0, cport, 1, PORT) == NULL);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	teardown();
}

TEST(test_in_window_rst_ends_time_wait_early_out_of_window_one_does_not)
{
	uint16_t cport;
	uint32_t fin_end;

	setup();
	client_into_time_wait(&cport, &fin_end);
	CHECK(RUN_UNTIL(100, ST(1)->tcp.allocated == 0));
	struct tcp_tw *tw = tw_of(0, cport, 1, PORT);
	CHECK(tw != NULL);
	uint32_t rcv_nxt = tw->rcv_nxt;
	unsigned mark = wire_n;

	inject(0, ADDR(1), PORT, cport, rcv_nxt + 1000, 0, TCP_RST, NULL, 0);
	CHECK(tw_of(0, cport, 1, PORT) != NULL);
	CHECK_EQ(ST(0)->mib.tcp.TWKilled, 0);
	inject(0, ADDR(1), PORT, cport, rcv_nxt, 0, TCP_RST, NULL, 0);
	CHECK(tw_of(0, cport, 1, PORT) == NULL);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK_EQ(ST(0)->mib.tcp.TWKilled, 1);
	CHECK_EQ(port_refs(tcp_port_table(0), cport), 0);
	run(10);
	CHECK_EQ(wire_count(mark, 0, 0, 0), 0);	/* a RST is never answered */
	teardown();
}

TEST(test_syn_to_time_wait_tuple_opens_connection_above_old_snd_nxt)
{
	struct tcp_sock *c, *s, *c2, *s2 = NULL;
	char b[8];
	int err;

	setup();
	open_pair(&c, &s);		/* the listener stays */
	uint16_t cport = c->sk.lport;

	/* The server closes first: it holds the TIME_WAIT record. */
	tcp_close(ST(1), s);
	CHECK(RUN_UNTIL(100, c->state == TCP_CLOSE_WAIT));
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), 0);
	tcp_close(ST(0), c);
	CHECK(RUN_UNTIL(100, ST(0)->tcp.allocated == 0));
	struct tcp_tw *tw = tw_of(1, PORT, 0, cport);
	CHECK(tw != NULL);
	CHECK_EQ(tw->flags & TW_FIN_WAIT_2, 0);
	uint32_t old_snd_nxt = tw->snd_nxt;

	/* The client kept nothing: a plain bind to the same port does. */
	CHECK_EQ(port_refs(tcp_port_table(0), cport), 0);
	c2 = tcp_sock_create(ST(0), NULL);
	CHECK_EQ(tcp_bind(ST(0), c2, 0, cport), 0);
	CHECK_EQ(tcp_connect(ST(0), c2, ADDR(1), PORT), -EINPROGRESS);
	CHECK(RUN_UNTIL(100, (s2 = tcp_accept(ST(1), lsn, NULL, &err))));
	CHECK_EQ(ST(1)->mib.tcp.TWKilled, 1);
	CHECK_EQ(ST(1)->tcp.tw, 0);
	CHECK(tw_of(1, PORT, 0, cport) == NULL);
	CHECK(RUN_UNTIL(100, c2->state == TCP_ESTABLISHED));
	CHECK_EQ(s2->sk.rport, cport);
	CHECK(seq_gt(s2->iss, old_snd_nxt));
	CHECK_EQ(c2->irs, s2->iss);
	CHECK_EQ(tcp_send(ST(0), c2, "again", 5), 5);
	CHECK_EQ(tcp_send(ST(1), s2, "hello", 5), 5);
	run(50);
	CHECK_EQ(tcp_recv(ST(1), s2, b, sizeof(b)), 5);
	CHECK(memcmp(b, "again", 5) == 0);
	CHECK_EQ(tcp_recv(ST(0), c2, b, sizeof(b)), 5);
	CHECK(memcmp(b, "hello", 5) == 0);
	tcp_close(ST(0), c2);
	tcp_close(ST(1), s2);
	tcp_close(ST(1), lsn);
	run(TIME_WAIT_MS + 100);
	teardown();
}

static bool drop_tcp_from_1(const struct wire_seg *g)
{
	return g->from == 1;
}

TEST(test_old_syn_to_time_wait_tuple_is_acked_not_accepted)
{
	struct tcp_sock *c, *s;
	char b[4];

	setup();
	open_pair(&c, &s);
	uint16_t cport = c->sk.lport;

	tcp_close(ST(1), s);
	CHECK(RUN_UNTIL(100, c->state == TCP_CLOSE_WAIT));
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), 0);
	tcp_close(ST(0), c);
	CHECK(RUN_UNTIL(100, ST(0)->tcp.allocated == 0));
	struct tcp_tw *tw = tw_of(1, PORT, 0, cport);
	CHECK(tw != NULL);
	/* Keep the client from resetting the record over the ACK. */
	drop_seg = drop_tcp_from_1;
	unsigned mark = wire_n;

	/* Below RCV.NXT, no timestamp: it may be an old duplicate. */
	inject(1, ADDR(0), cport, PORT, tw->rcv_nxt - 1000, 0, TCP_SYN, NULL,
	       0);
	CHECK(tw_of(1, PORT, 0, cport) == tw);
	CHECK_EQ(ST(1)->mib.tcp.TWKilled, 0);
	CHECK_EQ(ST(1)->tcp.allocated, 1);		/* the listener only */
	CHECK_EQ(wire_count(mark, 1, TCP_ACK, TCP_SYN | TCP_RST), 1);
	CHECK_EQ(wire_find(mark, 1, TCP_ACK, 0)->ack, tw->rcv_nxt);
	tcp_close(ST(1), lsn);
	teardown();
}

/* The server closes first and holds the TIME_WAIT record; the client
 * is gone and cut off from what node 1 sends (its RST would end the
 * record). Returns the record; *cport is the client's port. */
static struct tcp_tw *server_time_wait(uint16_t *cport)
{
	struct tcp_sock *c, *s;
	char b[4];

	open_pair(&c, &s);
	*cport = c->sk.lport;
	tcp_close(ST(1), s);
	CHECK(RUN_UNTIL(100, c->state == TCP_CLOSE_WAIT));
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), 0);
	tcp_close(ST(0), c);
	CHECK(RUN_UNTIL(100, ST(0)->tcp.allocated == 0));
	drop_seg = drop_tcp_from_1;
	struct tcp_tw *tw = tw_of(1, PORT, 0, *cport);
	CHECK(tw != NULL);
	CHECK(tw->flags & TW_TS);
	return tw;
}

/* NOP, NOP, timestamps (RFC 7323 3.2). */
static uint32_t ts_option(uint8_t *o, uint32_t tsval)
{
	o[0] = o[1] = TCPOPT_NOP;
	o[2] = TCPOPT_TIMESTAMP;
	o[3] = TCPOLEN_TIMESTAMP;
	put_be32(o + 4, tsval);
	put_be32(o + 8, 0);
	return 12;
}

/*
 * A bare ACK at RCV.NXT in TIME_WAIT (the peer's ACK of our FIN, late
 * or again) restarts 2*MSL, as Linux's tcp_timewait_state_process()
 * does ("in window segment, it may be only reset or bare ack"): the
 * record lives 60 s from that ACK, not from the FIN.
 */
TEST(test_bare_ack_in_time_wait_restarts_2msl)
{
	uint16_t cport;
	uint8_t o[12];

	setup();
	struct tcp_tw *tw = server_time_wait(&cport);
	uint64_t t0 = sim.now;

	run(30000);
	inject_opts(1, ADDR(0), cport, PORT, tw->rcv_nxt, tw->snd_nxt, TCP_ACK,
		    o, ts_option(o, tw->ts_recent + 1), NULL, 0);
	uint64_t t1 = sim.now;

	run_to(t0 + TIME_WAIT_MS + 500);
	CHECK(tw_of(1, PORT, 0, cport) == tw);
	run_to(t1 + TIME_WAIT_MS - 500);
	CHECK(tw_of(1, PORT, 0, cport) == tw);
	run_to(t1 + TIME_WAIT_MS + 500);
	CHECK(tw_of(1, PORT, 0, cport) == NULL);
	tcp_close(ST(1), lsn);
	teardown();
}

/*
 * PAWS holds inside a TIME_WAIT record (RFC 7323 5.3 and appendix B.2):
 * a SYN above RCV.NXT whose TSval is older than the record's TS.Recent
 * may be an old duplicate and must not reopen the 4-tuple; it is
 * answered with an ACK. The same SYN with a newer TSval reopens it.
 */
TEST(test_paws_in_time_wait_keeps_an_old_tsval_syn_from_reopening)
{
	uint16_t cport;
	uint8_t o[12];

	setup();
	struct tcp_tw *tw = server_time_wait(&cport);
	unsigned mark = wire_n;
	uint32_t isn = tw->rcv_nxt + 100000;

	inject_opts(1, ADDR(0), cport, PORT, isn, 0, TCP_SYN, o,
		    ts_option(o, tw->ts_recent - 1000), NULL, 0);
	CHECK(tw_of(1, PORT, 0, cport) == tw);
	CHECK_EQ(ST(1)->mib.tcp.TWKilled, 0);
	CHECK_EQ(wire_count(mark, 1, TCP_SYN, 0), 0);
	CHECK_EQ(wire_count(mark, 1, TCP_ACK, TCP_SYN | TCP_RST), 1);

	inject_opts(1, ADDR(0), cport, PORT, isn, 0, TCP_SYN, o,
		    ts_option(o, tw->ts_recent + 1000), NULL, 0);
	CHECK(tw_of(1, PORT, 0, cport) == NULL);
	CHECK_EQ(ST(1)->mib.tcp.TWKilled, 1);
	CHECK_EQ(wire_count(mark, 1, TCP_SYN | TCP_ACK, 0), 1);
	struct tcp_sock *child = conn_of(1, PORT, 0, cport);

	CHECK(child != NULL);
	inject(1, ADDR(0), cport, PORT, isn + 1, 0, TCP_RST, NULL, 0);
	tcp_close(ST(1), lsn);
	run(10);
	teardown();
}

TEST(test_close_over_max_tw_buckets_keeps_no_record_and_counts_overflow)
{
	struct tcp_sock *c[2], *s[2];
	uint16_t cport[2];

	setup();
	ST(0)->tcp.sysctl.max_tw_buckets = 1;
	lsn = listen_on(1, PORT, 8, 0);
	for (int i = 0; i < 2; i++) {
		connect_accept(0, 1, lsn, &c[i], &s[i]);
		cport[i] = c[i]->sk.lport;
	}
	tcp_close(ST(1), lsn);
	tcp_close(ST(0), c[0]);
	CHECK(RUN_UNTIL(100, tw_of(0, cport[0], 1, PORT) != NULL));
	CHECK_EQ(ST(0)->tcp.tw, 1);
	int logs = port_host_log_count;

	tcp_close(ST(0), c[1]);
	/* Its FIN is ACKed: no room for a record, the orphan just goes. */
	CHECK(RUN_UNTIL(100, ST(0)->tcp.allocated == 0));
	CHECK_EQ(ST(0)->mib.tcp.TCPTimeWaitOverflow, 1);
	CHECK(tw_of(0, cport[1], 1, PORT) == NULL);
	CHECK(tw_of(0, cport[0], 1, PORT) != NULL);
	CHECK_EQ(ST(0)->tcp.tw, 1);
	CHECK_EQ(ST(0)->tcp.orphans, 0);
	CHECK_EQ(port_refs(tcp_port_table(0), cport[1]), 0);
	CHECK_EQ(port_host_log_count, logs + 1);
	CHECK(strstr(port_host_last_log, "time wait bucket table overflow"));
	/* The second peer's FIN finds nothing and is reset. */
	unsigned mark = wire_n;

	tcp_close(ST(1), s[1]);
	run(20);
	CHECK_EQ(wire_count(mark, 0, TCP_RST, 0), 1);
	CHECK_EQ(wire_find(mark, 0, TCP_RST, 0)->sport, cport[1]);
	tcp_close(ST(1), s[0]);
	run(20);
	CHECK_EQ(ST(0)->tcp.tw, 1);
	CHECK_EQ(ST(0)->mib.tcp.TCPTimeWaitOverflow, 1);
	run(TIME_WAIT_MS);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	teardown();
}

TEST(test_hundred_time_wait_records_all_expire_in_ten_virtual_minutes)
{
	enum { N = 100 };
	struct tcp_sock *c[N], *s[N];

	setup();
	lsn = listen_on(1, PORT, N, 0);
	for (int i = 0; i < N; i++)
		connect_accept(0, 1, lsn, &c[i], &s[i]);
	tcp_close(ST(1), lsn);
	for (int i = 0; i < N; i++)
		tcp_close(ST(0), c[i]);
	run(20);
	for (int i = 0; i < N; i++)
		tcp_close(ST(1), s[i]);
	run(20);
	CHECK_EQ(ST(0)->tcp.tw, N);
	CHECK_EQ(ST(0)->tcp.allocated + ST(1)->tcp.allocated, 0);
	CHECK_EQ(tcp_port_table(0)->in_use, N);
	run(10 * 60 * 1000);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK_EQ(tcp_port_table(0)->in_use, 0);
	teardown();
}

int main(void)
{
	RUN(test_time_wait_lasts_2msl_from_the_peers_fin);
	RUN(test_time_wait_acks_retransmitted_fin_and_restarts_2msl);
	RUN(test_in_window_rst_ends_time_wait_early_out_of_window_one_does_not);
	RUN(test_syn_to_time_wait_tuple_opens_connection_above_old_snd_nxt);
	RUN(test_old_syn_to_time_wait_tuple_is_acked_not_accepted);
	RUN(test_bare_ack_in_time_wait_restarts_2msl);
	RUN(test_paws_in_time_wait_keeps_an_old_tsval_syn_from_reopening);
	RUN(test_close_over_max_tw_buckets_keeps_no_record_and_counts_overflow);
	RUN(test_hundred_time_wait_records_all_expire_in_ten_virtual_minutes);
	TEST_EXIT();
}
