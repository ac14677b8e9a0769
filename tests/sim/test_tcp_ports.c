/*
 * Ports after close (net/portalloc.h, net/tcp_usrreq.c) over the
 * simulated link (tcp_harness.h): a TIME_WAIT record keeps its port but
 * gives up its claim, so SO_REUSEADDR binds past it while a listener is
 * never shared; tcp_tw_reuse lets a connect take over a record of its
 * own once timestamps make it safe; an exhausted ephemeral range fails
 * at once and recovers when TIME_WAIT ends; a listener's port is shared
 * with its children, TIME_WAIT records included, and freed with the
 * last of them.
 */
#include <string.h>

#include "net/tcp_seq.h"
#include "tests/sim/tcp_harness.h"

#define EPH	40000		/* node 0's ephemeral range starts here */

/* When node `from` sent its first ACK of a FIN ending at fin_end (from
 * log index since), or 0. */
static uint64_t fin_ack_time(unsigned since, int from, uint32_t fin_end)
{
	for (unsigned i = since; i < wire_n; i++)
		if (wire_log[i].from == from && wire_log[i].ack == fin_end &&
		    (wire_log[i].flags & (TCP_ACK | TCP_RST)) == TCP_ACK)
			return wire_log[i].at;
	return 0;
}

/* A listener on node 1 (sk flags lflags) whose accepted connection
 * closes first: node 1 holds a TIME_WAIT record on PORT. Returns when
 * the record is in TIME_WAIT proper, with the time it got there. */
static uint64_t server_child_into_time_wait(uint8_t lflags, uint16_t *cport)
{
	struct tcp_sock *c, *s;
	char b[4];

	lsn = listen_on(1, PORT, 8, lflags);
	connect_accept(0, 1, lsn, &c, &s);
	*cport = c->sk.lport;
	CHECK_EQ(port_refs(tcp_port_table(1), PORT), 2);
	tcp_close(ST(1), s);
	CHECK(RUN_UNTIL(100, c->state == TCP_CLOSE_WAIT));
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), 0);
	uint32_t fin_end = c->snd_max + 1;
	unsigned mark = wire_n;

	tcp_close(ST(0), c);
	CHECK(RUN_UNTIL(100, ST(0)->tcp.allocated == 0));
	struct tcp_tw *tw = tw_of(1, PORT, 0, *cport);
	CHECK(tw != NULL);
	CHECK_EQ(tw->flags & TW_FIN_WAIT_2, 0);
	uint64_t t = fin_ack_time(mark, 1, fin_end);
	CHECK(t != 0);
	return t;
}

/* The listener closes while its child is in TIME_WAIT: only SO_REUSEADDR
 * binds to the port until the record expires, whatever the listener's
 * own flag was. */
static void check_reuseaddr_binds_past_time_wait(uint8_t lflags)
{
	struct tcp_sock *plain, *reuse, *c, *s;
	uint16_t cport;

	setup();
	uint64_t t = server_child_into_time_wait(lflags, &cport);

	tcp_close(ST(1), lsn);
	CHECK_EQ(port_refs(tcp_port_table(1), PORT), 1);	/* the record */
	plain = tcp_sock_create(ST(1), NULL);
	CHECK_EQ(tcp_bind(ST(1), plain, 0, PORT), -EADDRINUSE);
	reuse = tcp_sock_create(ST(1), NULL);
	reuse->sk.flags |= NET_SOCK_F_REUSEADDR;
	CHECK_EQ(tcp_bind(ST(1), reuse, 0, PORT), 0);
	CHECK_EQ(tcp_listen(ST(1), reuse, 8), 0);
	/* The new listener serves while the old record stands. */
	connect_accept(0, 1, reuse, &c, &s);
	CHECK(tw_of(1, PORT, 0, cport) != NULL);
	CHECK(c->sk.lport != cport);
	tcp_abort(ST(0), c);
	tcp_close(ST(1), reuse);
	run(10);
	tcp_close(ST(1), s);
	/* Once the record is gone, a plain bind succeeds too. */
	run_to(t + TIME_WAIT_MS + 100);
	CHECK_EQ(ST(1)->tcp.tw, 0);
	CHECK_EQ(port_refs(tcp_port_table(1), PORT), 0);
	CHECK_EQ(tcp_bind(ST(1), plain, 0, PORT), 0);
	tcp_close(ST(1), plain);
	teardown();
}

TEST(test_reuseaddr_bind_passes_time_wait_of_reuseaddr_listener)
{
	check_reuseaddr_binds_past_time_wait(NET_SOCK_F_REUSEADDR);
}

TEST(test_reuseaddr_bind_passes_time_wait_of_plain_listener)
{
	check_reuseaddr_binds_past_time_wait(0);
}

TEST(test_reuseaddr_bind_refused_on_port_still_listening)
{
	struct tcp_sock *second, *plain;

	setup();
	lsn = listen_on(1, PORT, 8, NET_SOCK_F_REUSEADDR);
	second = tcp_sock_create(ST(1), NULL);
	second->sk.flags |= NET_SOCK_F_REUSEADDR;
	CHECK_EQ(tcp_bind(ST(1), second, 0, PORT), -EADDRINUSE);
	plain = tcp_sock_create(ST(1), NULL);
	CHECK_EQ(tcp_bind(ST(1), plain, 0, PORT), -EADDRINUSE);
	CHECK_EQ(port_refs(tcp_port_table(1), PORT), 1);
	tcp_close(ST(1), second);
	tcp_close(ST(1), plain);
	tcp_close(ST(1), lsn);
	teardown();
}

/* Node 0's ephemeral range is the one port EPH; its connection to node
 * 1 closes actively into TIME_WAIT (node 1's listener stays). The close
 * is made at the start of a virtual second: the record's timestamp age
 * counts whole seconds (Linux's tw_ts_recent_stamp). Returns the time
 * the record took its last timestamp. */
static uint64_t time_wait_on_the_only_port(uint32_t *old_snd_nxt)
{
	struct tcp_sock *c, *s;
	char b[4];

	CHECK_EQ(port_alloc_set_range(net_port_alloc(ST(0)), EPH, EPH), 0);
	open_pair(&c, &s);
	CHECK_EQ(c->sk.lport, EPH);
	CHECK(c->flags & TF_TS);
	run_to((sim.now / 1000 + 1) * 1000);
	tcp_close(ST(0), c);
	CHECK(RUN_UNTIL(100, tw_of(0, EPH, 1, PORT) != NULL));
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), 0);
	tcp_close(ST(1), s);
	CHECK(RUN_UNTIL(100, ST(1)->tcp.allocated == 1));	/* lsn */
	struct tcp_tw *tw = tw_of(0, EPH, 1, PORT);
	CHECK(tw != NULL);
	CHECK_EQ(tw->flags & TW_FIN_WAIT_2, 0);
	CHECK(tw->flags & TW_TS);
	CHECK_EQ(tw->ts_recent_stamp, sim.now / 1000);
	*old_snd_nxt = tw->snd_nxt;
	return sim.now;
}

/* A connect to node 1's PORT now: its result, the socket closed. */
static int connect_once(void)
{
	struct tcp_sock *c = tcp_sock_create(ST(0), NULL);
	int err = tcp_connect(ST(0), c, ADDR(1), PORT);

	CHECK_EQ(c->state, TCP_CLOSED);
	tcp_close(ST(0), c);
	return err;
}

TEST(test_tw_reuse_0_connect_to_same_peer_is_refused)
{
	uint32_t old;

	setup();
	ST(0)->tcp.sysctl.tw_reuse = 0;
	uint64_t t = time_wait_on_the_only_port(&old);

	run_to(t + 2000);
	CHECK_EQ(connect_once(), -EADDRNOTAVAIL);
	CHECK_EQ(ST(0)->mib.tcp.TWRecycled, 0);
	CHECK(tw_of(0, EPH, 1, PORT) != NULL);
	tcp_close(ST(1), lsn);
	teardown();
}

TEST(test_tw_reuse_2_is_loopback_only_and_refuses_ethernet_peer)
{
	uint32_t old;

	setup();
	ST(0)->tcp.sysctl.tw_reuse = 2;
	uint64_t t = time_wait_on_the_only_port(&old);

	run_to(t + 2000);
	CHECK_EQ(connect_once(), -EADDRNOTAVAIL);
	CHECK_EQ(ST(0)->mib.tcp.TWRecycled, 0);
	CHECK(tw_of(0, EPH, 1, PORT) != NULL);
	tcp_close(ST(1), lsn);
	teardown();
}

TEST(test_tw_reuse_1_takes_over_time_wait_1s_after_last_timestamp)
{
	struct tcp_sock *c, *s = NULL;
	uint32_t old;
	int err;

	setup();
	ST(0)->tcp.sysctl.tw_reuse = 1;
	uint64_t t = time_wait_on_the_only_port(&old);

	/* The same second: PAWS could not tell the incarnations apart. */
	CHECK_EQ(connect_once(), -EADDRNOTAVAIL);
	CHECK_EQ(ST(0)->mib.tcp.TWRecycled, 0);
	run_to(t + 1000);
	c = tcp_sock_create(ST(0), NULL);
	CHECK_EQ(tcp_connect(ST(0), c, ADDR(1), PORT), -EINPROGRESS);
	CHECK_EQ(ST(0)->mib.tcp.TWRecycled, 1);
	CHECK_EQ(c->sk.lport, EPH);
	CHECK(tw_of(0, EPH, 1, PORT) == NULL);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK(seq_gt(c->iss, old));
	CHECK(RUN_UNTIL(100, (s = tcp_accept(ST(1), lsn, NULL, &err))));
	CHECK(RUN_UNTIL(100, c->state == TCP_ESTABLISHED));
	CHECK_EQ(port_refs(tcp_port_table(0), EPH), 1);
	tcp_close(ST(1), lsn);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	run(TIME_WAIT_MS + 100);
	CHECK_EQ(port_refs(tcp_port_table(0), EPH), 0);
	teardown();
}

TEST(test_bound_connect_onto_own_time_wait_tuple_needs_tw_reuse)
{
	struct tcp_sock *c, *s, *again, *s2 = NULL;
	char b[4];
	int err;

	setup();
	ST(0)->tcp.sysctl.tw_reuse = 2;
	lsn = listen_on(1, PORT, 8, 0);
	c = tcp_sock_create(ST(0), NULL);
	c->sk.flags |= NET_SOCK_F_REUSEADDR;
	CHECK_EQ(tcp_bind(ST(0), c, 0, EPH), 0);
	CHECK_EQ(tcp_connect(ST(0), c, ADDR(1), PORT), -EINPROGRESS);
	CHECK(RUN_UNTIL(100, (s = tcp_accept(ST(1), lsn, NULL, &err))));
	CHECK(RUN_UNTIL(100, c->state == TCP_ESTABLISHED));
	tcp_close(ST(0), c);
	CHECK(RUN_UNTIL(100, tw_of(0, EPH, 1, PORT) != NULL));
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), 0);
	tcp_close(ST(1), s);
	run(20);
	uint32_t old = tw_of(0, EPH, 1, PORT)->snd_nxt;

	/* SO_REUSEADDR binds past the record; the 4-tuple is another
	 * matter: tcp_tw_reuse decides. */
	run(2000);
	again = tcp_sock_create(ST(0), NULL);
	CHECK_EQ(tcp_bind(ST(0), again, 0, EPH), -EADDRINUSE);
	again->sk.flags |= NET_SOCK_F_REUSEADDR;
	CHECK_EQ(tcp_bind(ST(0), again, 0, EPH), 0);
	CHECK_EQ(tcp_connect(ST(0), again, ADDR(1), PORT), -EADDRNOTAVAIL);
	CHECK_EQ(again->state, TCP_CLOSED);
	CHECK(tw_of(0, EPH, 1, PORT) != NULL);
	ST(0)->tcp.sysctl.tw_reuse = 1;
	CHECK_EQ(tcp_connect(ST(0), again, ADDR(1), PORT), -EINPROGRESS);
	CHECK_EQ(ST(0)->mib.tcp.TWRecycled, 1);
	CHECK(tw_of(0, EPH, 1, PORT) == NULL);
	CHECK(seq_gt(again->iss, old));
	CHECK(RUN_UNTIL(100, (s2 = tcp_accept(ST(1), lsn, NULL, &err))));
	CHECK(RUN_UNTIL(100, again->state == TCP_ESTABLISHED));
	CHECK_EQ(port_refs(tcp_port_table(0), EPH), 1);
	tcp_close(ST(1), lsn);
	tcp_abort(ST(0), again);
	run(10);
	tcp_close(ST(1), s2);
	CHECK_EQ(port_refs(tcp_port_table(0), EPH), 0);
	teardown();
}

TEST(test_exhausted_ephemeral_range_fails_connect_until_time_wait_ends)
{
	enum { N = 4 };
	struct tcp_sock *c[N], *s[N], *c5, *s5 = NULL;
	int err;

	setup();
	CHECK_EQ(port_alloc_set_range(net_port_alloc(ST(0)), EPH, EPH + N - 1),
		 0);
	lsn = listen_on(1, PORT, 8, 0);
	for (int i = 0; i < N; i++) {
		connect_accept(0, 1, lsn, &c[i], &s[i]);
		CHECK(c[i]->sk.lport >= EPH && c[i]->sk.lport < EPH + N);
	}
	CHECK_EQ(tcp_port_table(0)->in_use, N);
	/* A full range answers at once. */
	c5 = tcp_sock_create(ST(0), NULL);
	CHECK_EQ(tcp_connect(ST(0), c5, ADDR(1), PORT), -EADDRNOTAVAIL);
	CHECK_EQ(c5->state, TCP_CLOSED);
	CHECK(!c5->sk.bound);
	/* One closes actively: its TIME_WAIT still holds the port. */
	uint16_t freed = c[0]->sk.lport;

	tcp_close(ST(0), c[0]);
	CHECK(RUN_UNTIL(100, tw_of(0, freed, 1, PORT) != NULL));
	tcp_close(ST(1), s[0]);
	run(20);
	CHECK_EQ(tcp_connect(ST(0), c5, ADDR(1), PORT), -EADDRNOTAVAIL);
	run(TIME_WAIT_MS + 100);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK_EQ(tcp_port_table(0)->in_use, N - 1);
	CHECK_EQ(tcp_connect(ST(0), c5, ADDR(1), PORT), -EINPROGRESS);
	CHECK_EQ(c5->sk.lport, freed);
	CHECK(RUN_UNTIL(100, (s5 = tcp_accept(ST(1), lsn, NULL, &err))));
	CHECK(RUN_UNTIL(100, c5->state == TCP_ESTABLISHED));
	tcp_close(ST(1), lsn);
	for (int i = 1; i < N; i++) {
		tcp_close(ST(0), c[i]);
		tcp_close(ST(1), s[i]);
	}
	tcp_close(ST(0), c5);
	tcp_close(ST(1), s5);
	run(TIME_WAIT_MS + 100);
	CHECK_EQ(tcp_port_table(0)->in_use, 0);
	teardown();
}

/* A child in TIME_WAIT holds its listener's port: past the listener's
 * close, until the record expires. */
static void check_listener_port_held_by_child_time_wait(uint8_t lflags)
{
	struct tcp_sock *plain;
	uint16_t cport;

	setup();
	uint64_t t = server_child_into_time_wait(lflags, &cport);

	CHECK_EQ(port_refs(tcp_port_table(1), PORT), 2);
	tcp_close(ST(1), lsn);
	CHECK_EQ(port_refs(tcp_port_table(1), PORT), 1);
	run_to(t + TIME_WAIT_MS - 100);
	CHECK_EQ(port_refs(tcp_port_table(1), PORT), 1);
	plain = tcp_sock_create(ST(1), NULL);
	CHECK_EQ(tcp_bind(ST(1), plain, 0, PORT), -EADDRINUSE);
	run_to(t + TIME_WAIT_MS + 100);
	CHECK_EQ(port_refs(tcp_port_table(1), PORT), 0);
	CHECK_EQ(tcp_port_table(1)->in_use, 0);
	CHECK_EQ(tcp_bind(ST(1), plain, 0, PORT), 0);
	tcp_close(ST(1), plain);
	teardown();
}

TEST(test_listener_port_held_by_child_time_wait_freed_on_expiry)
{
	check_listener_port_held_by_child_time_wait(0);
}

TEST(test_reuseaddr_listener_port_held_by_child_time_wait_until_expiry)
{
	check_listener_port_held_by_child_time_wait(NET_SOCK_F_REUSEADDR);
}

int main(void)
{
	RUN(test_reuseaddr_bind_passes_time_wait_of_reuseaddr_listener);
	RUN(test_reuseaddr_bind_passes_time_wait_of_plain_listener);
	RUN(test_reuseaddr_bind_refused_on_port_still_listening);
	RUN(test_tw_reuse_0_connect_to_same_peer_is_refused);
	RUN(test_tw_reuse_2_is_loopback_only_and_refuses_ethernet_peer);
	RUN(test_tw_reuse_1_takes_over_time_wait_1s_after_last_timestamp);
	RUN(test_bound_connect_onto_own_time_wait_tuple_needs_tw_reuse);
	RUN(test_exhausted_ephemeral_range_fails_connect_until_time_wait_ends);
	RUN(test_listener_port_held_by_child_time_wait_freed_on_expiry);
	RUN(test_reuseaddr_listener_port_held_by_child_time_wait_until_expiry);
	TEST_EXIT();
}
