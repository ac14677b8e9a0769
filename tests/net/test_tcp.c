/*
 * TCP over the simulated link (tests/net/sim.c): whole stacks, virtual
 * time. Each test proves one behaviour of net/tcp*.c and ends with no
 * allocation outliving its connections.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip.h"
#include "net/portalloc.h"
#include "net/stack.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "tests/net/port_host.h"
#include "tests/net/sim.h"
#include "tests/net/tcp_expect.h"
#include "tests/unit/test.h"

#define NET_10_0_0	0x0a000000u
#define ADDR(i)		(NET_10_0_0 + (i) + 1)
#define PORT		8080

static struct sim sim;
static long allocs_before;

#define ST(i)	(&sim.node[i].stack)

static void setup(unsigned loss, unsigned dup, unsigned jitter)
{
	allocs_before = port_host_allocs;
	sim_init(&sim, 2, NET_10_0_0, 7);
	sim.impair.delay_ms = 2;
	sim.impair.loss_pct = loss;
	sim.impair.dup_pct = dup;
	sim.impair.jitter_ms = jitter;
	sim_run(&sim, 1);
}

static void teardown(void)
{
	CHECK_EQ(ST(0)->tcp.allocated, 0);
	CHECK_EQ(ST(1)->tcp.allocated, 0);
	sim_free(&sim);
	CHECK_EQ(port_host_allocs, allocs_before);
}

/* Node 0 connects to a listener on node 1; returns both ends. */
static struct tcp_sock *lsn;
static void open_pair(struct tcp_sock **cli, struct tcp_sock **srv)
{
	int err;

	lsn = tcp_sock_create(ST(1), NULL);
	CHECK(lsn != NULL);
	CHECK_EQ(tcp_bind(ST(1), lsn, 0, PORT), 0);
	CHECK_EQ(tcp_listen(ST(1), lsn, 8), 0);
	*cli = tcp_sock_create(ST(0), NULL);
	CHECK_EQ(tcp_connect(ST(0), *cli, ADDR(1), PORT), -EINPROGRESS);
	CHECK_EQ(tcp_accept(ST(1), lsn, NULL, &err), NULL);
	CHECK_EQ(err, -EAGAIN);
	*srv = NULL;
	for (int i = 0; i < 20000 && !*srv; i++) {
		sim_run(&sim, 1);
		*srv = tcp_accept(ST(1), lsn, NULL, &err);
	}
	CHECK(*srv != NULL);
	for (int i = 0; i < 20000 && (*cli)->state != TCP_ESTABLISHED; i++)
		sim_run(&sim, 1);
	CHECK_EQ((*cli)->state, TCP_ESTABLISHED);
	CHECK_EQ((*srv)->state, TCP_ESTABLISHED);
}

TEST(test_tcp_handshake_negotiates_options_and_moves_data_both_ways)
{
	struct tcp_sock *c, *s;
	char buf[32];

	setup(0, 0, 0);
	open_pair(&c, &s);
	CHECK_EQ(ST(0)->mib.tcp.ActiveOpens, 1);
	CHECK_EQ(ST(1)->mib.tcp.PassiveOpens, 1);
	unsigned both = TF_WS | TF_TS | TF_SACK;
	CHECK_EQ(c->flags & both, both);
	CHECK_EQ(s->flags & both, both);
	CHECK_EQ(c->rcv_wscale, 1);
	CHECK_EQ(s->snd_wscale, 1);
	CHECK_EQ(c->mss, sim.node[1].nif->mtu - 40 - 12);
	CHECK(tcp_poll_events(ST(0), c) & NET_EV_OUT);
	CHECK_EQ(tcp_recv(ST(0), c, buf, sizeof(buf)), -EAGAIN);
	CHECK_EQ(tcp_send(ST(0), c, "hello", 5), 5);
	CHECK_EQ(tcp_send(ST(1), s, "world!", 6), 6);
	sim_run(&sim, 50);
	CHECK(tcp_poll_events(ST(1), s) & NET_EV_IN);
	CHECK_EQ(tcp_recv(ST(1), s, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(tcp_recv(ST(0), c, buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "world!", 6) == 0);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	tcp_close(ST(1), lsn);
	sim_run(&sim, TIME_WAIT_MS + 1000);
	teardown();
}

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + (i >> 9));
}

TEST(test_tcp_megabyte_intact_over_lossy_reordering_duplicating_link)
{
	enum { TOTAL = 1024 * 1024 };
	static uint8_t chunk[8192];
	struct tcp_sock *c, *s;
	uint32_t sent = 0, got = 0;
	bool bad = false;

	setup(3, 2, 4);
	open_pair(&c, &s);
	for (int ms = 0; ms < 600000 && got < TOTAL; ms++) {
		while (sent < TOTAL) {
			uint32_t n = TOTAL - sent < sizeof(chunk) ?
				     TOTAL - sent : sizeof(chunk);
			for (uint32_t i = 0; i < n; i++)
				chunk[i] = pattern(sent + i);
			int r = tcp_send(ST(0), c, chunk, n);
			if (r <= 0) {
				CHECK_EQ(r, -EAGAIN);
				break;
			}
			sent += (uint32_t)r;
		}
		if (sent == TOTAL && !(c->flags & TF_FIN_QUEUED))
			CHECK_EQ(tcp_shutdown(ST(0), c, NET_SHUT_WR), 0);
		int r;
		while ((r = tcp_recv(ST(1), s, chunk, sizeof(chunk))) > 0) {
			for (int i = 0; i < r; i++)
				if (chunk[i] != pattern(got + (uint32_t)i))
					bad = true;
			got += (uint32_t)r;
		}
		sim_run(&sim, 1);
	}
	CHECK_EQ(got, TOTAL);
	CHECK(!bad);
	CHECK(ST(0)->mib.tcp.RetransSegs > 0);
	CHECK(sim.lost > 0 && sim.duplicated > 0);
	for (int i = 0; i < 5000 && tcp_recv(ST(1), s, chunk, 1) != 0; i++)
		sim_run(&sim, 1);
	CHECK_EQ(tcp_recv(ST(1), s, chunk, 1), 0);	/* EOF after the data */
	tcp_close(ST(1), s);
	tcp_close(ST(0), c);
	tcp_close(ST(1), lsn);
	sim.impair.loss_pct = 0;
	sim_run(&sim, 3 * TIME_WAIT_MS);
	teardown();
}

/* Loss of chosen first transmissions: data segments 3, 5 and 7 sent by
 * node 0. The wire tap notes when each lost sequence number is sent
 * again. */
static struct {
	unsigned nth;			/* data segments seen from node 0 */
	uint32_t lost_seq[3];
	uint64_t resent_at[3];		/* 0: not yet */
} holes;

/* The data bytes of the TCP segment in frame f (0: none, or not TCP),
 * and its sequence number. */
static unsigned tcp_payload(const uint8_t *f, unsigned len, uint32_t *seq)
{
	if (len < 14 + 20 + 20 || get_be16(f + 12) != 0x0800 || f[23] != 6)
		return 0;
	const uint8_t *ip = f + 14, *t = ip + (ip[0] & 0x0f) * 4;

	*seq = get_be32(t + 4);
	return get_be16(ip + 2) - (unsigned)(t - ip) -
	       (unsigned)(t[12] >> 4) * 4;
}

static bool tcp_data_seq(const uint8_t *f, unsigned len, uint32_t *seq)
{
	return tcp_payload(f, len, seq) > 0;
}

static bool drop_three(struct sim *sm, int from, const uint8_t *f,
		       unsigned len)
{
	uint32_t seq;

	(void)sm;
	if (from != 0 || !tcp_data_seq(f, len, &seq))
		return false;
	for (int i = 0; i < 3; i++)
		if (holes.lost_seq[i] == seq && holes.nth >= 7)
			return false;	/* a retransmission */
	holes.nth++;
	if (holes.nth == 3 || holes.nth == 5 || holes.nth == 7) {
		holes.lost_seq[(holes.nth - 3) / 2] = seq;
		return true;
	}
	return false;
}

static void note_resends(struct sim *sm, int from, const uint8_t *f,
			 unsigned len)
{
	uint32_t seq;

	if (from != 0 || holes.nth < 7 || !tcp_data_seq(f, len, &seq))
		return;
	for (int i = 0; i < 3; i++)
		if (holes.lost_seq[i] == seq && !holes.resent_at[i])
			holes.resent_at[i] = sm->now;
}

TEST(test_tcp_sack_resends_three_holes_within_one_round_trip)
{
	static uint8_t data[40000], got[40000];
	struct tcp_sock *c, *s;
	uint32_t n = 0;

	setup(0, 0, 0);
	sim.impair.delay_ms = 10;	/* RTT 20 ms */
	open_pair(&c, &s);
	memset(&holes, 0, sizeof(holes));
	sim.filter = drop_three;
	sim.wire_tap = note_resends;
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = pattern(i);
	CHECK_EQ(tcp_send(ST(0), c, data, sizeof(data)), (int)sizeof(data));
	for (int ms = 0; ms < 2000 && n < sizeof(got); ms++) {
		int r = tcp_recv(ST(1), s, got + n, sizeof(got) - n);
		if (r > 0)
			n += (uint32_t)r;
		sim_run(&sim, 1);
	}
	CHECK_EQ(n, sizeof(got));
	CHECK(memcmp(data, got, sizeof(got)) == 0);
	for (int i = 0; i < 3; i++)
		CHECK(holes.resent_at[i] != 0);
	/* NewReno alone would need a round trip per hole. */
	CHECK(holes.resent_at[2] - holes.resent_at[0] < 20);
	CHECK_EQ(ST(0)->mib.tcp.TCPTimeouts, 0);
	CHECK_EQ(ST(0)->mib.tcp.TCPSackRecovery, 1);
	CHECK_EQ(ST(0)->mib.tcp.TCPSackRetrans, 2);
	CHECK_EQ(ST(0)->mib.tcp.RetransSegs, 3);
	sim.filter = NULL;
	sim.wire_tap = NULL;
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	tcp_close(ST(1), lsn);
	sim_run(&sim, TIME_WAIT_MS + 1000);
	teardown();
}

TEST(test_tcp_so_rcvbuf_sizes_the_ring_and_children_inherit_it)
{
	static uint8_t data[100000], got[100000];
	struct tcp_sock *c, *s;
	uint32_t sent = 0, n = 0;
	int v;

	setup(0, 0, 0);
	lsn = tcp_sock_create(ST(1), NULL);
	CHECK_EQ(net_sock_setopt(ST(1), &lsn->sk, NET_SO_RCVBUF, 8192), 0);
	CHECK_EQ(net_sock_getopt(ST(1), &lsn->sk, NET_SO_RCVBUF, &v), 0);
	CHECK_EQ(v, 16384);		/* doubled, as Linux shows it */
	CHECK_EQ(tcp_bind(ST(1), lsn, 0, PORT), 0);
	CHECK_EQ(tcp_listen(ST(1), lsn, 8), 0);
	c = tcp_sock_create(ST(0), NULL);
	CHECK_EQ(net_sock_getopt(ST(0), &c->sk, NET_SO_RCVBUF, &v), 0);
	CHECK_EQ(v, 2 * TCP_RCVBUF);
	CHECK_EQ(tcp_connect(ST(0), c, ADDR(1), PORT), -EINPROGRESS);
	sim_run(&sim, 20);
	int err;
	s = tcp_accept(ST(1), lsn, NULL, &err);
	CHECK(s != NULL);
	CHECK_EQ(s->rcv_size, 8192);
	CHECK_EQ(s->rcv_wscale, 0);	/* 8 KiB needs no scaling */
	CHECK_EQ(c->snd_wscale, 0);
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = pattern(i);
	for (int ms = 0; ms < 5000 && n < sizeof(got); ms++) {
		int r = tcp_send(ST(0), c, data + sent, sizeof(data) - sent);
		if (r > 0)
			sent += (uint32_t)r;
		/* Never more in flight than the small ring offers. */
		CHECK(c->snd_max - c->snd_una <= 8192);
		r = tcp_recv(ST(1), s, got + n, sizeof(got) - n);
		if (r > 0)
			n += (uint32_t)r;
		sim_run(&sim, 1);
	}
	CHECK_EQ(n, sizeof(got));
	CHECK(memcmp(data, got, sizeof(got)) == 0);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	tcp_close(ST(1), lsn);
	sim_run(&sim, TIME_WAIT_MS + 1000);
	teardown();
}

TEST(test_tcp_connect_to_closed_port_is_reset_with_econnrefused)
{
	setup(0, 0, 0);
	struct tcp_sock *c = tcp_sock_create(ST(0), NULL);
	char b[4];

	CHECK_EQ(tcp_connect(ST(0), c, ADDR(1), 9), -EINPROGRESS);
	CHECK_EQ(c->state, TCP_SYN_SENT);
	sim_run(&sim, 20);
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(ST(1)->mib.tcp.OutRsts, 1);
	CHECK_EQ(ST(0)->mib.tcp.AttemptFails, 1);
	CHECK(tcp_poll_events(ST(0), c) & NET_EV_ERR);
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), -ECONNREFUSED);
	CHECK_EQ(port_table(net_port_alloc(ST(0)), PORT_TCP, PORT_INET)->in_use,
		 0);
	tcp_close(ST(0), c);
	teardown();
}

TEST(test_tcp_connect_to_silent_host_fails_with_icmp_host_unreachable)
{
	setup(0, 0, 0);
	struct tcp_sock *c = tcp_sock_create(ST(0), NULL);
	char b[4];

	/* Nobody answers ARP for ADDR(3): after its 3 tries the stack's
	 * own ICMP host unreachable ends the attempt (not 2 minutes of SYN
	 * retries). */
	CHECK_EQ(tcp_connect(ST(0), c, ADDR(3), 80), -EINPROGRESS);
	sim_run(&sim, 2000);
	CHECK_EQ(c->state, TCP_SYN_SENT);
	sim_run(&sim, 2000);
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(ST(0)->mib.tcp.AttemptFails, 1);
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), -EHOSTUNREACH);
	tcp_close(ST(0), c);
	teardown();
}

TEST(test_tcp_active_close_via_fin_wait_time_wait_passive_via_last_ack)
{
	struct tcp_sock *c, *s;
	char b[4];

	setup(0, 0, 0);
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	CHECK_EQ(tcp_shutdown(ST(0), c, NET_SHUT_WR), 0);
	CHECK_EQ(c->state, TCP_FIN_WAIT_1);
	CHECK_EQ(tcp_send(ST(0), c, "x", 1), -EPIPE);
	sim_run(&sim, 20);
	CHECK_EQ(c->state, TCP_FIN_WAIT_2);
	CHECK_EQ(s->state, TCP_CLOSE_WAIT);
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), 0);
	CHECK_EQ(tcp_send(ST(1), s, "bye", 3), 3);
	CHECK_EQ(tcp_shutdown(ST(1), s, NET_SHUT_WR), 0);
	CHECK_EQ(s->state, TCP_LAST_ACK);
	sim_run(&sim, 20);
	/* TIME_WAIT is a record of its own; the TCB is closed (Linux). */
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(ST(0)->tcp.tw, 1);
	struct tcp_addrs a = tcp_addrs4(ADDR(0), ADDR(1));

	CHECK(tcp_tw_lookup(ST(0), &a, c->sk.lport, PORT));
	CHECK_EQ(s->state, TCP_CLOSED);
	CHECK_EQ(ST(1)->tcp.tw, 0);
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), 3);
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), 0);
	tcp_close(ST(1), s);
	tcp_close(ST(0), c);
	CHECK_EQ(ST(0)->tcp.allocated, 0);
	sim_run(&sim, TIME_WAIT_MS - 100);
	CHECK_EQ(ST(0)->tcp.tw, 1);
	sim_run(&sim, 200);
	CHECK_EQ(ST(0)->tcp.tw, 0);	/* gone after 60 s */
	CHECK_EQ(ST(0)->mib.tcp.EstabResets, 0);
	teardown();
}

TEST(test_tcp_simultaneous_close_passes_closing_on_both_sides)
{
	struct tcp_sock *c, *s;

	setup(0, 0, 0);
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	CHECK_EQ(tcp_shutdown(ST(0), c, NET_SHUT_WR), 0);
	CHECK_EQ(tcp_shutdown(ST(1), s, NET_SHUT_WR), 0);
	sim_run(&sim, 1);
	sim_run(&sim, 1);
	sim_run(&sim, 1);
	CHECK_EQ(c->state, TCP_CLOSING);
	CHECK_EQ(s->state, TCP_CLOSING);
	sim_run(&sim, 20);
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(s->state, TCP_CLOSED);
	CHECK_EQ(ST(0)->tcp.tw, 1);
	CHECK_EQ(ST(1)->tcp.tw, 1);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	sim_run(&sim, TIME_WAIT_MS + 10);
	CHECK_EQ(ST(0)->tcp.tw, 0);
	CHECK_EQ(ST(1)->tcp.tw, 0);
	teardown();
}

TEST(test_tcp_close_with_unread_data_sends_rst)
{
	struct tcp_sock *c, *s;
	char b[8];

	setup(0, 0, 0);
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	CHECK_EQ(tcp_send(ST(1), s, "unread", 6), 6);
	sim_run(&sim, 20);
	uint64_t rsts = ST(0)->mib.tcp.OutRsts;
	tcp_close(ST(0), c);
	CHECK_EQ(ST(0)->mib.tcp.OutRsts, rsts + 1);
	CHECK_EQ(ST(0)->tcp.allocated, 0);
	sim_run(&sim, 20);
	CHECK_EQ(s->state, TCP_CLOSED);
	CHECK_EQ(tcp_recv(ST(1), s, b, sizeof(b)), -ECONNRESET);
	CHECK_EQ(ST(1)->mib.tcp.EstabResets, 1);
	tcp_close(ST(1), s);
	teardown();
}

TEST(test_tcp_orphan_keeps_delivering_queued_data_after_close)
{
	enum { N = 60000 };
	static uint8_t buf[N];
	struct tcp_sock *c, *s;
	uint32_t got = 0;
	int r = 0;

	setup(1, 0, 0);
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	for (uint32_t i = 0; i < N; i++)
		buf[i] = pattern(i);
	CHECK_EQ(tcp_send(ST(0), c, buf, N), N);
	tcp_close(ST(0), c);		/* before most of it left */
	memset(buf, 0, sizeof(buf));
	for (int ms = 0; ms < 60000; ms++) {
		while ((r = tcp_recv(ST(1), s, buf + got, N - got)) > 0)
			got += (uint32_t)r;
		if (r == 0)
			break;
		sim_run(&sim, 1);
	}
	CHECK_EQ(got, N);
	CHECK_EQ(r, 0);
	for (uint32_t i = 0; i < N; i++)
		if (buf[i] != pattern(i)) {
			CHECK_EQ(i, N);
			break;
		}
	tcp_close(ST(1), s);
	sim_run(&sim, 2 * TIME_WAIT_MS);
	teardown();
}

TEST(test_tcp_listener_port_released_with_last_child)
{
	struct tcp_sock *c, *s;
	struct port_table *t = port_table(net_port_alloc(ST(1)), PORT_TCP,
					  PORT_INET);

	setup(0, 0, 0);
	t = port_table(net_port_alloc(ST(1)), PORT_TCP, PORT_INET);
	open_pair(&c, &s);
	CHECK_EQ(port_refs(t, PORT), 2);
	tcp_close(ST(1), lsn);
	CHECK_EQ(port_refs(t, PORT), 1);	/* the child holds it */
	tcp_close(ST(1), s);		/* server closes first: TIME_WAIT */
	sim_run(&sim, 20);
	tcp_close(ST(0), c);
	sim_run(&sim, 20);
	CHECK_EQ(port_refs(t, PORT), 1);	/* TIME_WAIT */
	sim_run(&sim, TIME_WAIT_MS);
	CHECK_EQ(port_refs(t, PORT), 0);
	teardown();
}

/* Hand node 0 a forged segment from node 1's end of c, with the window
 * field wnd and, if ts, a timestamp option carrying tsval. */
static void forge(struct tcp_sock *c, uint32_t seq, uint32_t ack,
		  uint8_t flags, uint16_t wnd, bool ts, uint32_t tsval)
{
	uint8_t ip[IP_HLEN] = { 0x45 };
	uint8_t h[TCP_HLEN + 12] = { 0 };
	size_t len = TCP_HLEN + (ts ? 12 : 0);

	put_be32(ip + 12, c->sk.raddr);
	put_be32(ip + 16, c->sk.laddr);
	put_be16(h, c->sk.rport);
	put_be16(h + 2, c->sk.lport);
	put_be32(h + 4, seq);
	put_be32(h + 8, ack);
	h[12] = (uint8_t)((len / 4) << 4);
	h[13] = flags;
	put_be16(h + 14, wnd);
	if (ts) {
		h[TCP_HLEN] = h[TCP_HLEN + 1] = TCPOPT_NOP;
		h[TCP_HLEN + 2] = TCPOPT_TIMESTAMP;
		h[TCP_HLEN + 3] = TCPOLEN_TIMESTAMP;
		put_be32(h + TCP_HLEN + 4, tsval);
		put_be32(h + TCP_HLEN + 8, tcp_ts_now(ST(0), c));
	}
	put_be16(h + 16, inet_fold(inet_sum(h, len,
		inet_pseudo_sum(c->sk.raddr, c->sk.laddr, IPPROTO_TCP_,
				(uint16_t)len))));
	tcp_input(ST(0), sim.node[0].nif, ip, h, len);
}

static void inject(struct tcp_sock *c, uint32_t seq, uint8_t flags)
{
	forge(c, seq, c->snd_nxt, flags, 1000, false, 0);
}

/* A bare ACK as node 1 would send it, timestamped tsval. */
static void inject_ack(struct tcp_sock *c, uint32_t seq, uint32_t ack,
		       uint16_t wnd, uint32_t tsval)
{
	CHECK(c->flags & TF_TS);
	forge(c, seq, ack, TCP_ACK, wnd, true, tsval);
}

TEST(test_tcp_in_window_rst_not_at_rcv_nxt_draws_challenge_ack)
{
	struct tcp_sock *c, *s;
	char b[4];

	setup(0, 0, 0);
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	uint64_t out = ST(0)->mib.tcp.OutSegs;
	inject(c, c->rcv_nxt + 100, TCP_RST);
	CHECK_EQ(c->state, TCP_ESTABLISHED);
	CHECK_EQ(ST(0)->mib.tcp.OutSegs, out + 1);	/* challenge ACK */
	inject(c, c->rcv_nxt + 100, TCP_SYN);
	CHECK_EQ(c->state, TCP_ESTABLISHED);
	CHECK_EQ(ST(0)->mib.tcp.OutSegs, out + 2);
	inject(c, c->rcv_nxt, TCP_RST);
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(tcp_recv(ST(0), c, b, sizeof(b)), -ECONNRESET);
	CHECK_EQ(tcp_send(ST(0), c, b, 1), -EPIPE);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	sim_run(&sim, 1000);
	teardown();
}

TEST(test_tcp_challenge_acks_are_limited_to_1000_a_second)
{
	struct tcp_sock *c, *s;

	setup(0, 0, 0);
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	uint64_t out = ST(0)->mib.tcp.OutSegs;
	for (int i = 0; i < CHALLENGE_ACKS_PER_S + 200; i++)
		inject(c, c->rcv_nxt + 100, TCP_RST);
	CHECK_EQ(c->state, TCP_ESTABLISHED);
	CHECK_EQ(ST(0)->mib.tcp.TCPChallengeACK, CHALLENGE_ACKS_PER_S);
	CHECK_EQ(ST(0)->mib.tcp.TCPChallengeACKLimit, 200);
	CHECK_EQ(ST(0)->mib.tcp.OutSegs, out + CHALLENGE_ACKS_PER_S);
	/* The next second has its own allowance. */
	sim_run(&sim, 1000);
	ST(0)->now = sim.now;	/* the stack's clock, as a call sets it */
	inject(c, c->rcv_nxt + 100, TCP_RST);
	CHECK_EQ(ST(0)->mib.tcp.TCPChallengeACK, CHALLENGE_ACKS_PER_S + 1);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	sim_run(&sim, TIME_WAIT_MS + 1000);
	teardown();
}

TEST(test_tcp_pure_ack_at_the_right_window_edge_is_taken)
{
	struct tcp_sock *c, *s;

	setup(0, 0, 0);
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	uint32_t adv = c->rcv_adv - c->rcv_nxt, free = tcp_rcv_window(c);
	uint32_t wnd = adv > free ? adv : free;

	CHECK_EQ(tcp_send(ST(0), c, "abc", 3), 3);
	CHECK(c->snd_una != c->snd_max);
	/* A peer whose data filled our window ACKs from its right edge
	 * (Linux accepts it; dropping it deadlocked a loaded link). */
	inject(c, c->rcv_nxt + wnd, TCP_ACK);
	CHECK_EQ(c->snd_una, c->snd_max);
	/* One past it is outside. */
	CHECK_EQ(tcp_send(ST(0), c, "d", 1), 1);
	inject(c, c->rcv_nxt + wnd + 1, TCP_ACK);
	CHECK(c->snd_una != c->snd_max);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	sim_run(&sim, TIME_WAIT_MS + 1000);
	teardown();
}

TEST(test_tcp_segments_with_sack_blocks_never_outgrow_the_mtu)
{
	enum { TOTAL = 256 * 1024 };
	static uint8_t buf[8192];
	struct tcp_sock *c, *s;
	uint32_t sent[2] = { 0 }, got[2] = { 0 };
	bool bad = false;

	/* Both ways at once over a lossy link: each side's data segments
	 * carry SACK blocks for what it holds out of order. */
	setup(5, 0, 3);
	open_pair(&c, &s);
	struct tcp_sock *tx[2] = { c, s }, *rx[2] = { s, c };
	for (int ms = 0; ms < 600000 && (got[0] < TOTAL || got[1] < TOTAL);
	     ms++) {
		for (int d = 0; d < 2; d++) {
			struct net_stack *from = ST(d), *to = ST(1 - d);
			while (sent[d] < TOTAL) {
				uint32_t n = TOTAL - sent[d] < sizeof(buf) ?
					     TOTAL - sent[d] : sizeof(buf);
				for (uint32_t i = 0; i < n; i++)
					buf[i] = pattern(sent[d] + i + d);
				int r = tcp_send(from, tx[d], buf, n);
				if (r <= 0)
					break;
				sent[d] += (uint32_t)r;
			}
			int r;
			while ((r = tcp_recv(to, rx[d], buf, sizeof(buf))) > 0) {
				for (int i = 0; i < r; i++)
					bad |= buf[i] != pattern(got[d] +
							 (uint32_t)i + d);
				got[d] += (uint32_t)r;
			}
		}
		sim_run(&sim, 1);
	}
	CHECK_EQ(got[0], TOTAL);
	CHECK_EQ(got[1], TOTAL);
	CHECK(!bad);
	CHECK(c->nooo || s->nooo || ST(0)->mib.tcp.RetransSegs);
	CHECK_EQ(ST(0)->mib.ip.FragCreates, 0);
	CHECK_EQ(ST(1)->mib.ip.FragCreates, 0);
	sim.impair.loss_pct = 0;
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	tcp_close(ST(1), lsn);
	sim_run(&sim, 3 * TIME_WAIT_MS);
	teardown();
}

/* Data segments node 0 put on the wire (a wire tap): when, and how many
 * bytes each carried. */
static struct {
	unsigned n;
	struct {
		uint64_t at;
		uint32_t len;
	} seg[1024];
} dsegs;

static void note_data(struct sim *sm, int from, const uint8_t *f,
		      unsigned len)
{
	uint32_t seq;
	unsigned n = tcp_payload(f, len, &seq);

	if (from != 0 || !n || dsegs.n == 1024)
		return;
	dsegs.seg[dsegs.n].at = sm->now;
	dsegs.seg[dsegs.n++].len = n;
}

/* Move total bytes from node 0's c to node 1's s, node 1 reading as they
 * arrive, for at most ms; returns the bytes that arrived intact. */
static uint32_t transfer(struct tcp_sock *c, struct tcp_sock *s,
			 uint32_t total, unsigned ms)
{
	static uint8_t buf[8192];
	uint32_t sent = 0, got = 0;

	for (unsigned t = 0; t < ms && got < total; t++) {
		while (sent < total) {
			uint32_t n = total - sent < sizeof(buf) ?
				     total - sent : sizeof(buf);
			for (uint32_t i = 0; i < n; i++)
				buf[i] = pattern(sent + i);
			int r = tcp_send(ST(0), c, buf, n);
			if (r <= 0)
				break;
			sent += (uint32_t)r;
		}
		int r;
		while ((r = tcp_recv(ST(1), s, buf, sizeof(buf))) > 0) {
			for (int i = 0; i < r; i++)
				if (buf[i] != pattern(got + (uint32_t)i))
					return got;
			got += (uint32_t)r;
		}
		sim_run(&sim, 1);
	}
	return got;
}

/* A wire that neither loses nor reorders gives TCP no reason to resend
 * anything: a retransmission here is a defect of the sender or of the
 * simulated wire (which once delivered frames due in the same
 * millisecond out of order, faking 17 fast retransmits a megabyte). */
TEST(test_tcp_lossless_megabyte_retransmits_nothing)
{
	struct tcp_sock *c, *s;

	setup(0, 0, 0);
	open_pair(&c, &s);
	CHECK_EQ(transfer(c, s, 1u << 20, 60000), 1u << 20);
	CHECK_EQ(ST(0)->mib.tcp.RetransSegs, 0);
	CHECK_EQ(ST(0)->mib.tcp.TCPFastRetrans, 0);
	CHECK_EQ(ST(1)->mib.tcp.RetransSegs, 0);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	tcp_close(ST(1), lsn);
	sim_run(&sim, TIME_WAIT_MS + 1000);
	teardown();
}

/*
 * RFC 5681 4.1: a sender quiet for more than an RTO has lost its ACK
 * clock and restarts from the initial window, which RFC 6928 and Linux
 * (TCP_INIT_CWND) make 10 segments: after a megabyte has opened cwnd
 * and 10 s of silence, no more than 10 segments leave before the first
 * ACK can come back.
 */
TEST(test_tcp_after_idle_longer_than_rto_sends_only_the_initial_window)
{
	static uint8_t buf[65536];
	struct tcp_sock *c, *s;

	setup(0, 0, 0);
	open_pair(&c, &s);
	CHECK_EQ(transfer(c, s, 1u << 20, 60000), 1u << 20);
	CHECK(c->cc.cwnd > 10 * c->mss);
	sim_run(&sim, 10000);
	memset(&dsegs, 0, sizeof(dsegs));
	sim.wire_tap = note_data;
	sim_run(&sim, 0);
	uint64_t t0 = sim.now;

	CHECK(tcp_send(ST(0), c, buf, sizeof(buf)) > 20 * (int)c->mss);
	sim_run(&sim, 1);	/* the first ACK is 4 ms away */
	unsigned burst = 0;

	for (unsigned i = 0; i < dsegs.n; i++)
		burst += dsegs.seg[i].at <= t0 + 1;
	CHECK(burst > 0);
	CHECK(burst <= 10);
	sim.wire_tap = NULL;
	while (tcp_recv(ST(1), s, buf, sizeof(buf)) > 0 ||
	       c->snd_una != c->snd_max)
		sim_run(&sim, 1);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	tcp_close(ST(1), lsn);
	sim_run(&sim, TIME_WAIT_MS + 1000);
	teardown();
}

static void close_pair(struct tcp_sock *c, struct tcp_sock *s)
{
	sim.filter = NULL;
	sim.wire_tap = NULL;
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	tcp_close(ST(1), lsn);
	sim_run(&sim, TIME_WAIT_MS + 1000);
	teardown();
}

TEST(test_tcp_forged_bare_ack_cannot_freeze_the_send_window)
{
	enum { TOTAL = 256 * 1024 };
	struct tcp_sock *c, *s;

	setup(0, 0, 0);
	open_pair(&c, &s);

	/* In node 0's receive window, 640 ahead of anything node 1 has
	 * sent, a window of one unit: taken (Linux takes it too). Under
	 * RFC 9293's SND.WL1/WL2 test no ACK of node 1's would update the
	 * window again until its SEQ passed 640 (here: never). */
	inject_ack(c, c->rcv_nxt + 640, c->snd_una, 1, c->ts_recent + 1);
	uint32_t tiny = 1u << c->snd_wscale;

	CHECK_EQ(c->snd_wnd, tiny);
	CHECK_EQ(c->snd_wl1, c->rcv_nxt + 640);
	memset(&dsegs, 0, sizeof(dsegs));
	sim.wire_tap = note_data;
	uint64_t t0 = ST(0)->now;	/* the clock the first send sees */

	CHECK_EQ(transfer(c, s, TOTAL, 5000), TOTAL);
	/* SWS avoidance held the sliver (far below half the largest
	 * window node 1 offered) until the override timeout sent it... */
	CHECK(dsegs.n > 2);
	CHECK_EQ(dsegs.seg[0].len, tiny);
	CHECK(dsegs.seg[0].at - t0 >= TCP_RTO_MIN);
	/* ... and node 1's ACK of it restored the window: every segment
	 * after it is a full one but the last, the first sent at once. */
	for (unsigned i = 1; i + 1 < dsegs.n; i++)
		CHECK_EQ(dsegs.seg[i].len, c->mss);
	CHECK(dsegs.seg[1].at - dsegs.seg[0].at <= TCP_DELACK_MAX + 10);
	/* In the end node 0 sees the window node 1 last offered. */
	sim_run(&sim, TCP_DELACK_MAX + 10);
	CHECK_EQ(c->snd_una, c->snd_max);
	CHECK_EQ(c->snd_una + c->snd_wnd, s->rcv_adv);
	CHECK_EQ(c->snd_wl1, c->rcv_nxt);
	close_pair(c, s);
}

/* Node 0 connected to node 1, whose receive ring is below one MSS. */
static void open_small_ring_pair(struct tcp_sock **c, struct tcp_sock **s)
{
	int err;

	lsn = tcp_sock_create(ST(1), NULL);
	CHECK_EQ(net_sock_setopt(ST(1), &lsn->sk, NET_SO_RCVBUF, 1), 0);
	CHECK_EQ(tcp_bind(ST(1), lsn, 0, PORT), 0);
	CHECK_EQ(tcp_listen(ST(1), lsn, 8), 0);
	*c = tcp_sock_create(ST(0), NULL);
	CHECK_EQ(tcp_connect(ST(0), *c, ADDR(1), PORT), -EINPROGRESS);
	sim_run(&sim, 20);
	*s = tcp_accept(ST(1), lsn, NULL, &err);
	CHECK(*s != NULL);
	CHECK_EQ((*c)->state, TCP_ESTABLISHED);
	CHECK((*s)->rcv_size < (*c)->mss);
	CHECK_EQ((*c)->max_sndwnd, (*s)->rcv_size);
}

TEST(test_tcp_window_below_the_mss_that_is_all_the_peer_offers_is_sent)
{
	enum { TOTAL = 16 * 1024 };
	struct tcp_sock *c, *s;

	setup(0, 0, 0);
	open_small_ring_pair(&c, &s);
	uint32_t ring = s->rcv_size;

	memset(&dsegs, 0, sizeof(dsegs));
	sim.wire_tap = note_data;
	uint64_t t0 = sim.now;

	CHECK_EQ(transfer(c, s, TOTAL, 5000), TOTAL);
	/* Each segment fills the whole window and goes when the window
	 * opens, never held for the override timeout. */
	for (unsigned i = 0; i + 1 < dsegs.n; i++)
		CHECK_EQ(dsegs.seg[i].len, ring);
	CHECK_EQ(dsegs.n, (TOTAL + ring - 1) / ring);
	CHECK(sim.now - t0 < dsegs.n * TCP_RTO_MIN);
	close_pair(c, s);
}

/* Run until node 0 has data queued that a shut window holds back, and
 * node 1's ring is full. */
static void run_until_window_shut(struct tcp_sock *c, struct tcp_sock *s)
{
	for (int ms = 0; ms < 5000; ms++) {
		if (c->snd_wnd == 0 && c->snd_una == c->snd_max &&
		    s->rcv_len == s->rcv_size)
			return;
		sim_run(&sim, 1);
	}
	CHECK(!"window shut");
}

/* Node 1 reads n bytes; node 0 learns of the window from the answer to
 * its next window probe. Returns when it did. */
static uint64_t read_and_wait_for_window(struct tcp_sock *c,
					 struct tcp_sock *s, uint32_t n)
{
	static uint8_t buf[2048];

	CHECK(n <= sizeof(buf));
	CHECK_EQ(tcp_recv(ST(1), s, buf, n), (int)n);
	for (int ms = 0; ms < 10000 && c->snd_wnd == 0; ms++)
		sim_run(&sim, 1);
	CHECK_EQ(c->snd_wnd, n);
	return sim.now;
}

TEST(test_tcp_sws_sends_half_the_largest_window_and_holds_a_smaller_one)
{
	static uint8_t data[8000];
	struct tcp_sock *c, *s;

	setup(0, 0, 0);
	open_small_ring_pair(&c, &s);
	uint32_t half = c->max_sndwnd / 2;
	/* Node 1 offers what it has freed once that is a quarter of its
	 * ring (receiver SWS avoidance, RFC 1122 4.2.3.3). */
	uint32_t big = half + 100, small = half - 100;

	CHECK(small >= s->rcv_size / 4);
	CHECK_EQ(tcp_send(ST(0), c, data, sizeof(data)), (int)sizeof(data));
	run_until_window_shut(c, s);
	memset(&dsegs, 0, sizeof(dsegs));
	sim.wire_tap = note_data;

	/* At least half the largest window: sent as soon as it is known. */
	uint64_t at = read_and_wait_for_window(c, s, big);

	CHECK_EQ(dsegs.n, 1);
	CHECK_EQ(dsegs.seg[0].len, big);
	CHECK_EQ(dsegs.seg[0].at, at);
	run_until_window_shut(c, s);
	/* Less: held until the override timeout, then sent. */
	at = read_and_wait_for_window(c, s, small);
	CHECK_EQ(dsegs.n, 1);
	for (int ms = 0; ms < 5000 && dsegs.n == 1; ms++)
		sim_run(&sim, 1);
	CHECK_EQ(dsegs.n, 2);
	CHECK_EQ(dsegs.seg[1].len, small);
	CHECK(dsegs.seg[1].at - at >= TCP_RTO_MIN);
	close_pair(c, s);
}

static bool from_node1(struct sim *sm, int from, const uint8_t *f,
		       unsigned len)
{
	(void)sm, (void)f, (void)len;
	return from == 1;
}

/* Node 0 with data in flight and node 1's ACKs lost: the ACKs a test
 * forges are all node 0 hears. */
static void open_pair_with_data_in_flight(struct tcp_sock **c,
					  struct tcp_sock **s)
{
	static uint8_t data[8000];

	setup(0, 0, 0);
	open_pair(c, s);
	/* A first exchange: node 0 holds a window from a scaled ACK. */
	CHECK_EQ(tcp_send(ST(0), *c, data, 100), 100);
	sim_run(&sim, 100);
	CHECK_EQ((*c)->snd_una, (*c)->snd_max);
	CHECK_EQ((*c)->snd_wl1, (*c)->rcv_nxt);
	sim.filter = from_node1;
	CHECK_EQ(tcp_send(ST(0), *c, data, sizeof(data)),
		 (int)sizeof(data));
	sim_run(&sim, 1);
	CHECK((*c)->snd_max - (*c)->snd_una >= 3 * (*c)->mss);
	CHECK_EQ((*c)->cc.dupacks, 0);
}

TEST(test_tcp_reordered_dup_ack_with_older_tsval_feeds_fast_retransmit)
{
	struct tcp_sock *c, *s;

	open_pair_with_data_in_flight(&c, &s);
	uint16_t wnd = (uint16_t)(c->snd_wnd >> c->snd_wscale);
	uint32_t ts = c->ts_recent;

	/* Three duplicate ACKs, the second overtaken by the third on the
	 * way: it arrives with a TSval older than TS.Recent. */
	inject_ack(c, c->rcv_nxt, c->snd_una, wnd, ts + 2);
	inject_ack(c, c->rcv_nxt, c->snd_una, wnd, ts + 1);
	CHECK_EQ(c->cc.dupacks, 2);
	CHECK_EQ(ST(0)->mib.tcp.PAWSEstab, 0);
	CHECK_EQ(c->ts_recent, ts + 2);		/* never moved back */
	uint64_t rexmits = ST(0)->mib.tcp.RetransSegs;

	inject_ack(c, c->rcv_nxt, c->snd_una, wnd, ts + 3);
	CHECK_EQ(ST(0)->mib.tcp.TCPFastRetrans, 1);
	CHECK_EQ(ST(0)->mib.tcp.RetransSegs, rexmits + 1);
	CHECK_EQ(ST(0)->mib.tcp.TCPTimeouts, 0);
	close_pair(c, s);
}

TEST(test_tcp_paws_drops_acks_older_than_an_rto_or_moving_the_window)
{
	struct tcp_sock *c, *s;

	open_pair_with_data_in_flight(&c, &s);
	uint16_t wnd = (uint16_t)(c->snd_wnd >> c->snd_wscale);
	uint32_t ts = c->ts_recent + 1, rto = tcp_rtt_rto(&c->rtt);

	inject_ack(c, c->rcv_nxt, c->snd_una, wnd, ts + rto + 1);
	CHECK_EQ(c->cc.dupacks, 1);
	/* Older than TS.Recent by more than an RTO: not reordering. */
	inject_ack(c, c->rcv_nxt, c->snd_una, wnd, ts);
	CHECK_EQ(ST(0)->mib.tcp.PAWSEstab, 1);
	CHECK_EQ(c->cc.dupacks, 1);
	/* Recent enough, but it would close the window. */
	inject_ack(c, c->rcv_nxt, c->snd_una, 0, ts + rto);
	CHECK_EQ(ST(0)->mib.tcp.PAWSEstab, 2);
	CHECK_EQ(c->snd_wnd, (uint32_t)wnd << c->snd_wscale);
	/* Not at RCV.NXT. */
	inject_ack(c, c->rcv_nxt + 1, c->snd_una, wnd, ts + rto);
	CHECK_EQ(ST(0)->mib.tcp.PAWSEstab, 3);
	CHECK_EQ(c->cc.dupacks, 1);
	/* The exception itself, for contrast. */
	inject_ack(c, c->rcv_nxt, c->snd_una, wnd, ts + rto);
	CHECK_EQ(ST(0)->mib.tcp.PAWSEstab, 3);
	CHECK_EQ(c->cc.dupacks, 2);
	close_pair(c, s);
}

TEST(test_tcp_corrupted_segment_counts_csum_error)
{
	struct tcp_sock *c, *s;

	setup(0, 0, 0);
	open_pair(&c, &s);
	tcp_close(ST(1), lsn);
	uint8_t ip[IP_HLEN] = { 0x45 };
	uint8_t h[TCP_HLEN] = { 0 };

	put_be32(ip + 12, ADDR(1));
	put_be32(ip + 16, ADDR(0));
	h[12] = 5 << 4;
	h[16] = 0x12;
	tcp_input(ST(0), sim.node[0].nif, ip, h, TCP_HLEN);
	CHECK_EQ(ST(0)->mib.tcp.InCsumErrors, 1);
	CHECK_EQ(ST(0)->mib.tcp.InErrs, 1);
	tcp_close(ST(0), c);
	tcp_close(ST(1), s);
	sim_run(&sim, 2 * TIME_WAIT_MS);
	teardown();
}

int main(void)
{
	RUN(test_tcp_handshake_negotiates_options_and_moves_data_both_ways);
	RUN(test_tcp_megabyte_intact_over_lossy_reordering_duplicating_link);
	RUN(test_tcp_sack_resends_three_holes_within_one_round_trip);
	RUN(test_tcp_so_rcvbuf_sizes_the_ring_and_children_inherit_it);
	RUN(test_tcp_connect_to_closed_port_is_reset_with_econnrefused);
	RUN(test_tcp_connect_to_silent_host_fails_with_icmp_host_unreachable);
	RUN(test_tcp_active_close_via_fin_wait_time_wait_passive_via_last_ack);
	RUN(test_tcp_simultaneous_close_passes_closing_on_both_sides);
	RUN(test_tcp_close_with_unread_data_sends_rst);
	RUN(test_tcp_orphan_keeps_delivering_queued_data_after_close);
	RUN(test_tcp_listener_port_released_with_last_child);
	RUN(test_tcp_in_window_rst_not_at_rcv_nxt_draws_challenge_ack);
	RUN(test_tcp_challenge_acks_are_limited_to_1000_a_second);
	RUN(test_tcp_pure_ack_at_the_right_window_edge_is_taken);
	RUN(test_tcp_segments_with_sack_blocks_never_outgrow_the_mtu);
	RUN(test_tcp_forged_bare_ack_cannot_freeze_the_send_window);
	RUN(test_tcp_window_below_the_mss_that_is_all_the_peer_offers_is_sent);
	RUN(test_tcp_sws_sends_half_the_largest_window_and_holds_a_smaller_one);
	RUN(test_tcp_reordered_dup_ack_with_older_tsval_feeds_fast_retransmit);
	RUN(test_tcp_paws_drops_acks_older_than_an_rto_or_moving_the_window);
	RUN(test_tcp_corrupted_segment_counts_csum_error);
	RUN(test_tcp_lossless_megabyte_retransmits_nothing);
	RUN(test_tcp_after_idle_longer_than_rto_sends_only_the_initial_window);
	TEST_EXIT();
}
