/*
 * A listener whose SYN queue is full (net/tcp_input.c listen_input(),
 * RFC 4987 SYN cookies as Linux does them), over the simulated link
 * (tcp_harness.h). A half-open connection from a host that never
 * answers (a forged SYN from GHOST) fills a backlog-1 queue; then a
 * real client's SYN is answered with a cookie, whose final ACK makes the
 * connection; a forged ACK is reset; with tcp_syncookies = 0 the SYN is
 * dropped.
 */
#include <string.h>

#include "tests/sim/tcp_harness.h"

#define GHOST		ADDR(49)	/* 10.0.0.50: no node answers */
#define GHOST_PORT	40404

/* A listener of backlog 1 on node 1 whose SYN queue a ghost's half-open
 * connection fills. */
static void listen_with_full_syn_queue(void)
{
	lsn = listen_on(1, PORT, 1, 0);
	inject(1, GHOST, GHOST_PORT, PORT, 1000, 0, TCP_SYN, NULL, 0);
	CHECK_EQ(lsn->synq, 1);
	struct tcp_addrs a = tcp_addrs4(ADDR(1), GHOST);
	struct tcp_sock *half = tcp_lookup(ST(1), &a, PORT, GHOST_PORT);
	CHECK(half != NULL);
	CHECK_EQ(half->state, TCP_SYN_RECEIVED);
}

/* Connect from node 0 and accept on node 1. */
static void cookie_connect(struct tcp_sock **c, struct tcp_sock **s)
{
	int err;

	*c = tcp_sock_create(ST(0), NULL);
	*s = NULL;
	CHECK_EQ(tcp_connect(ST(0), *c, ADDR(1), PORT), -EINPROGRESS);
	CHECK(RUN_UNTIL(100, (*c)->state == TCP_ESTABLISHED));
	CHECK(RUN_UNTIL(100, (*s = tcp_accept(ST(1), lsn, NULL, &err))));
}

TEST(test_full_syn_queue_answers_with_cookie_whose_ack_makes_connection)
{
	struct tcp_sock *c, *s;
	char b[8];

	setup();
	listen_with_full_syn_queue();
	unsigned mark = wire_n;

	cookie_connect(&c, &s);
	CHECK_EQ(ST(1)->mib.tcp.SyncookiesSent, 1);
	CHECK_EQ(ST(1)->mib.tcp.SyncookiesRecv, 1);
	CHECK_EQ(ST(1)->mib.tcp.SyncookiesFailed, 0);
	CHECK_EQ(ST(1)->mib.tcp.ListenDrops, 0);
	/* The cookie's SYN-ACK carries the MSS only (RFC 4987 3.6). */
	const struct wire_seg *synack;

	synack = wire_find(mark, 1, TCP_SYN | TCP_ACK, 0);
	CHECK(synack != NULL);
	CHECK_EQ(synack->dport, c->sk.lport);
	CHECK_EQ(synack->seq, s->iss);
	CHECK_EQ(c->flags & (TF_TS | TF_WS | TF_SACK), 0);
	CHECK_EQ(s->flags & (TF_TS | TF_WS | TF_SACK), 0);
	CHECK_EQ(s->mss, 1460);
	CHECK_EQ(s->state, TCP_ESTABLISHED);
	CHECK_EQ(tcp_send(ST(0), c, "cookie", 6), 6);
	CHECK_EQ(tcp_send(ST(1), s, "served", 6), 6);
	run(50);
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), 6);
	CHECK(memcmp(b, "cookie", 6) == 0);
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), 6);
	CHECK(memcmp(b, "served", 6) == 0);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	tcp_close(ST(1), lsn);
	run(TIME_WAIT_MS + 100);
	teardown();
}

TEST(test_cookie_connection_leaves_the_half_open_one_in_the_syn_queue)
{
	struct tcp_sock *c, *s, *c2, *s2;

	setup();
	listen_with_full_syn_queue();
	cookie_connect(&c, &s);
	/* The cookie child never took a SYN queue slot: the ghost still
	 * holds the only one... */
	struct tcp_addrs a = tcp_addrs4(ADDR(1), GHOST);
	struct tcp_sock *half = tcp_lookup(ST(1), &a, PORT, GHOST_PORT);
	CHECK(half != NULL);
	CHECK_EQ(half->state, TCP_SYN_RECEIVED);
	unsigned synq = lsn->synq;

	/* ... so the next SYN is answered with a cookie too. */
	cookie_connect(&c2, &s2);
	uint64_t cookies = ST(1)->mib.tcp.SyncookiesSent;

	tcp_abort(ST(0), c);
	tcp_abort(ST(0), c2);
	run(10);
	tcp_close(ST(1), s);
	tcp_close(ST(1), s2);
	tcp_close(ST(1), lsn);
	teardown();
	CHECK_EQ(synq, 1);
	CHECK_EQ(cookies, 2);
}

TEST(test_forged_cookie_ack_is_reset_and_counted_failed)
{
	setup();
	listen_with_full_syn_queue();
	/* A SYN from node 0's address: answered with a cookie, whose
	 * SYN-ACK node 0 itself resets (nothing there asked for it). */
	unsigned mark = wire_n;

	inject(1, ADDR(0), 5555, PORT, 7000, 0, TCP_SYN, NULL, 0);
	CHECK_EQ(ST(1)->mib.tcp.SyncookiesSent, 1);
	run(10);			/* ARP first */
	const struct wire_seg *synack;

	synack = wire_find(mark, 1, TCP_SYN | TCP_ACK, 0);
	CHECK(synack != NULL);
	CHECK_EQ(synack->dport, 5555);
	CHECK_EQ(synack->ack, 7001);
	uint32_t cookie = synack->seq;
	uint32_t allocated = ST(1)->tcp.allocated;

	mark = wire_n;
	/* The final ACK with a wrong acknowledgment number. */
	inject(1, ADDR(0), 5555, PORT, 7001, cookie + 1 + 4096, TCP_ACK, NULL,
	       0);
	CHECK_EQ(ST(1)->mib.tcp.SyncookiesFailed, 1);
	CHECK_EQ(ST(1)->mib.tcp.SyncookiesRecv, 0);
	CHECK_EQ(ST(1)->tcp.allocated, allocated);
	CHECK_EQ(lsn->qlen, 0);
	const struct wire_seg *rst = wire_find(mark, 1, TCP_RST, 0);
	CHECK(rst != NULL);
	CHECK_EQ(rst->dport, 5555);
	CHECK_EQ(rst->seq, cookie + 1 + 4096);
	/* The right one is taken. */
	inject(1, ADDR(0), 5555, PORT, 7001, cookie + 1, TCP_ACK, NULL, 0);
	CHECK_EQ(ST(1)->mib.tcp.SyncookiesRecv, 1);
	CHECK_EQ(ST(1)->mib.tcp.SyncookiesFailed, 1);
	CHECK_EQ(lsn->qlen, 1);
	CHECK_EQ(ST(1)->tcp.allocated, allocated + 1);
	tcp_close(ST(1), lsn);
	teardown();
}

TEST(test_syncookies_off_full_syn_queue_drops_syn)
{
	struct tcp_sock *c;

	setup();
	ST(1)->tcp.sysctl.syncookies = 0;
	listen_with_full_syn_queue();
	unsigned mark = wire_n;

	c = tcp_sock_create(ST(0), NULL);
	CHECK_EQ(tcp_connect(ST(0), c, ADDR(1), PORT), -EINPROGRESS);
	run(20);
	CHECK_EQ(ST(1)->mib.tcp.ListenDrops, 1);
	CHECK_EQ(ST(1)->mib.tcp.SyncookiesSent, 0);
	CHECK_EQ(c->state, TCP_SYN_SENT);
	for (unsigned i = mark; i < wire_n; i++)
		CHECK(wire_log[i].from != 1 ||
		      wire_log[i].dport != c->sk.lport);
	/* The client's retransmission meets the same fate. */
	CHECK(RUN_UNTIL(3000, ST(1)->mib.tcp.ListenDrops == 2));
	CHECK_EQ(c->state, TCP_SYN_SENT);
	CHECK_EQ(lsn->synq, 1);
	tcp_close(ST(0), c);
	tcp_close(ST(1), lsn);
	teardown();
}

int main(void)
{
	RUN(test_full_syn_queue_answers_with_cookie_whose_ack_makes_connection);
	RUN(test_cookie_connection_leaves_the_half_open_one_in_the_syn_queue);
	RUN(test_forged_cookie_ack_is_reset_and_counted_failed);
	RUN(test_syncookies_off_full_syn_queue_drops_syn);
	TEST_EXIT();
}
