/*
 * tcp_foreach() (net/tcp_subr.c), what ss and /proc/net/tcp are built
 * on: one row per listener and connection, with Linux's meanings of
 * Recv-Q and Send-Q and the time to the next timer. Two whole stacks
 * over the simulated link (tests/net/sim.c).
 */
#include <errno.h>
#include <string.h>

#include "net/stack.h"
#include "net/tcp.h"
#include "tests/net/sim.h"
#include "tests/unit/test.h"

#define NET_10_0_0	0x0a000000u
#define ADDR(i)		(NET_10_0_0 + (i) + 1)
#define PORT		8080
#define BACKLOG		8
#define ROWS_MAX	8

static struct sim sim;

#define ST(i)	(&sim.node[i].stack)

struct rows {
	struct tcp_conn_info v[ROWS_MAX];
	int n;
};

static void collect(const struct tcp_conn_info *ci, void *arg)
{
	struct rows *r = arg;

	if (r->n < ROWS_MAX)
		r->v[r->n] = *ci;
	r->n++;
}

/* The one row in state state (NULL if none, or more than one). */
static const struct tcp_conn_info *row(const struct rows *r, int state)
{
	const struct tcp_conn_info *found = NULL;

	for (int i = 0; i < r->n && i < ROWS_MAX; i++) {
		if (r->v[i].state != state)
			continue;
		if (found)
			return NULL;
		found = &r->v[i];
	}
	return found;
}

static void rows_of(int node, struct rows *r)
{
	memset(r, 0, sizeof(*r));
	tcp_foreach(ST(node), collect, r);
}

/* A listener on node 1 and a connection to it from node 0, handshake
 * done, not yet accepted. */
static void open_unaccepted(struct tcp_sock **lsn, struct tcp_sock **cli)
{
	sim_init(&sim, 2, NET_10_0_0, 11);
	sim.impair.delay_ms = 2;
	sim_run(&sim, 1);
	*lsn = tcp_sock_create(ST(1), NULL);
	CHECK(*lsn != NULL);
	CHECK_EQ(tcp_bind(ST(1), *lsn, 0, PORT), 0);
	CHECK_EQ(tcp_listen(ST(1), *lsn, BACKLOG), 0);
	*cli = tcp_sock_create(ST(0), NULL);
	CHECK(*cli != NULL);
	CHECK_EQ(tcp_connect(ST(0), *cli, ADDR(1), PORT), -EINPROGRESS);
	for (int i = 0; i < 1000 && (*cli)->state != TCP_ESTABLISHED; i++)
		sim_run(&sim, 1);
	CHECK_EQ((*cli)->state, TCP_ESTABLISHED);
	sim_run(&sim, 10);	/* the handshake's last ACK reaches node 1 */
}

TEST(test_tcp_foreach_listener_row_shows_accept_queue_and_backlog)
{
	struct tcp_sock *lsn, *cli, *srv;
	struct rows r;
	int err;

	open_unaccepted(&lsn, &cli);
	rows_of(1, &r);
	CHECK_EQ(r.n, 2);
	const struct tcp_conn_info *l = row(&r, TCP_LISTEN);
	CHECK(l != NULL);
	CHECK_EQ(l->laddr, 0);
	CHECK_EQ(l->lport, PORT);
	CHECK_EQ(l->raddr, 0);
	CHECK_EQ(l->rport, 0);
	CHECK_EQ(l->recvq, 1);		/* one child waits for accept() */
	CHECK_EQ(l->sendq, BACKLOG);
	CHECK(!l->orphan);

	srv = tcp_accept(ST(1), lsn, NULL, &err);
	CHECK(srv != NULL);
	rows_of(1, &r);
	CHECK_EQ(row(&r, TCP_LISTEN)->recvq, 0);
	tcp_close(ST(0), cli);
	tcp_close(ST(1), srv);
	tcp_close(ST(1), lsn);
	sim_free(&sim);
}

TEST(test_tcp_foreach_connection_rows_carry_both_ends_of_the_4_tuple)
{
	struct tcp_sock *lsn, *cli;
	struct rows r0, r1;

	open_unaccepted(&lsn, &cli);
	rows_of(0, &r0);
	rows_of(1, &r1);
	CHECK_EQ(r0.n, 1);
	const struct tcp_conn_info *c = row(&r0, TCP_ESTABLISHED);
	const struct tcp_conn_info *s = row(&r1, TCP_ESTABLISHED);
	CHECK(c != NULL && s != NULL);
	CHECK_EQ(c->laddr, ADDR(0));
	CHECK_EQ(c->raddr, ADDR(1));
	CHECK_EQ(c->rport, PORT);
	CHECK_EQ(s->laddr, ADDR(1));
	CHECK_EQ(s->lport, PORT);
	CHECK_EQ(s->raddr, ADDR(0));
	CHECK_EQ(s->rport, c->lport);
	tcp_close(ST(0), cli);
	tcp_close(ST(1), lsn);	/* resets the unaccepted child */
	sim_free(&sim);
}

TEST(test_tcp_foreach_counts_unacked_and_unread_bytes_and_rexmt_timer)
{
	static const char msg[100] = "queued";
	struct tcp_sock *lsn, *cli;
	struct rows r;

	open_unaccepted(&lsn, &cli);
	rows_of(0, &r);
	CHECK_EQ(r.v[0].sendq, 0);
	CHECK_EQ(tcp_send(ST(0), cli, msg, sizeof(msg)), (int)sizeof(msg));
	/* Sent (or about to be) but not acknowledged: Send-Q, and the
	 * retransmission timer running. */
	rows_of(0, &r);
	CHECK_EQ(r.v[0].sendq, sizeof(msg));
	CHECK(r.v[0].timer_ms > 0);
	sim_run(&sim, 50);
	rows_of(0, &r);
	CHECK_EQ(r.v[0].sendq, 0);
	/* Arrived on the child, which nobody has read: Recv-Q. */
	rows_of(1, &r);
	CHECK_EQ(row(&r, TCP_ESTABLISHED)->recvq, sizeof(msg));
	CHECK_EQ(row(&r, TCP_ESTABLISHED)->sendq, 0);
	tcp_close(ST(0), cli);
	tcp_close(ST(1), lsn);
	sim_free(&sim);
}

TEST(test_tcp_foreach_marks_a_closed_connection_as_orphan)
{
	struct tcp_sock *lsn, *cli;
	struct rows r;

	open_unaccepted(&lsn, &cli);
	tcp_close(ST(0), cli);	/* FIN_WAIT_1: the stack owns it now */
	rows_of(0, &r);
	CHECK_EQ(r.n, 1);
	CHECK(r.v[0].orphan);
	CHECK_EQ(r.v[0].state, TCP_FIN_WAIT_1);
	tcp_close(ST(1), lsn);
	sim_free(&sim);
}

int main(void)
{
	RUN(test_tcp_foreach_listener_row_shows_accept_queue_and_backlog);
	RUN(test_tcp_foreach_connection_rows_carry_both_ends_of_the_4_tuple);
	RUN(test_tcp_foreach_counts_unacked_and_unread_bytes_and_rexmt_timer);
	RUN(test_tcp_foreach_marks_a_closed_connection_as_orphan);
	TEST_EXIT();
}
