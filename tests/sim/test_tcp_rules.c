/*
 * Rules of TCP that a review found broken, each proven with the segment
 * sequence that showed it (issue 18). Most forge the peer's segments
 * while its own stack is cut off the wire, so that the test alone
 * decides what node 0 receives.
 */
#include "net/netif.h"
#include "net/tcp_isn.h"
#include "tests/sim/tcp_harness.h"

#define PEER_PORT	40000
#define PEER_ISN	1000000u

/* MSS option (RFC 9293 3.2) followed by NOP, NOP, timestamps (RFC 7323
 * 3.2): 16 octets. */
static uint32_t opts_mss_ts(uint8_t *o, uint16_t mss, uint32_t tsval,
			    uint32_t tsecr)
{
	o[0] = TCPOPT_MSS;
	o[1] = TCPOLEN_MSS;
	put_be16(o + 2, mss);
	o[4] = o[5] = TCPOPT_NOP;
	o[6] = TCPOPT_TIMESTAMP;
	o[7] = TCPOLEN_TIMESTAMP;
	put_be32(o + 8, tsval);
	put_be32(o + 12, tsecr);
	return 16;
}

static uint32_t opts_mss(uint8_t *o, uint16_t mss)
{
	o[0] = TCPOPT_MSS;
	o[1] = TCPOLEN_MSS;
	put_be16(o + 2, mss);
	return 4;
}

/* NOP, NOP, timestamps: 12 octets. */
static uint32_t opts_ts(uint8_t *o, uint32_t tsval, uint32_t tsecr)
{
	o[0] = o[1] = TCPOPT_NOP;
	o[2] = TCPOPT_TIMESTAMP;
	o[3] = TCPOLEN_TIMESTAMP;
	put_be32(o + 4, tsval);
	put_be32(o + 8, tsecr);
	return 12;
}

/* Both nodes learn each other's MAC (a connection refused by a closed
 * port), so that what node 0 sends once cut off is on the wire log
 * rather than queued behind ARP. */
static void learn_neighbours(void)
{
	struct tcp_sock *c = tcp_sock_create(ST(0), NULL);

	CHECK_EQ(tcp_connect(ST(0), c, ADDR(1), 9), -EINPROGRESS);
	CHECK(RUN_UNTIL(1000, c->state == TCP_CLOSED));
	tcp_close(ST(0), c);
}

/* A SYN from 10.0.0.2:PEER_PORT to node 0's listener on PORT, with
 * options o; the SYN-ACKs go nowhere (node 0 is cut off). Returns the
 * half-open child. */
static struct tcp_sock *forged_syn(const uint8_t *o, uint32_t olen)
{
	drop_from[0] = drop_from[1] = true;
	inject_opts(0, ADDR(1), PEER_PORT, PORT, PEER_ISN, 0, TCP_SYN, o,
		    olen, NULL, 0);
	return conn_of(0, PORT, 1, PEER_PORT);
}

/* Forget a forged connection: a RST at its RCV.NXT, as the peer would. */
static void forged_rst(struct tcp_sock *tp)
{
	inject(0, ADDR(1), tp->sk.rport, tp->sk.lport, tp->rcv_nxt, 0,
	       TCP_RST, NULL, 0);
}

/*
 * Defect 1: a peer's MSS below the timestamp option's 12 octets wrapped
 * to 65525. Linux's floor is net.ipv4.tcp_min_snd_mss = 48 octets, and
 * its tcp_mtu_to_mss() takes the 12 octets of timestamps off after it:
 * segments carry 36 octets of data, 48 without timestamps.
 */
TEST(test_tcp_peer_mss_of_1_is_raised_to_48_less_timestamps_not_wrapped)
{
	struct tcp_sock *l, *child;
	uint8_t o[TCP_OPT_MAX];

	setup();
	l = listen_on(0, PORT, 8, 0);
	child = forged_syn(o, opts_mss_ts(o, 1, 7, 0));
	CHECK(child != NULL);
	CHECK_EQ(child->state, TCP_SYN_RECEIVED);
	CHECK(child->flags & TF_TS);
	CHECK_EQ(child->mss, 48 - 12);
	forged_rst(child);
	CHECK_EQ(conn_of(0, PORT, 1, PEER_PORT), NULL);

	child = forged_syn(o, opts_mss(o, 1));
	CHECK(child != NULL);
	CHECK(!(child->flags & TF_TS));
	CHECK_EQ(child->mss, 48);
	forged_rst(child);

	/* A SYN-ACK goes through the same code: a hostile server. */
	struct tcp_sock *c = tcp_sock_create(ST(0), NULL);
	CHECK_EQ(tcp_connect(ST(0), c, ADDR(1), PEER_PORT), -EINPROGRESS);
	inject_opts(0, ADDR(1), PEER_PORT, c->sk.lport, PEER_ISN, c->snd_nxt,
		    TCP_SYN | TCP_ACK, o, opts_mss_ts(o, 1, 7, 0), NULL, 0);
	CHECK_EQ(c->state, TCP_ESTABLISHED);
	CHECK_EQ(c->mss, 48 - 12);
	forged_rst(c);
	CHECK_EQ(c->state, TCP_CLOSED);
	tcp_close(ST(0), c);
	tcp_close(ST(0), l);
	run(10);
	teardown();
}

/* An established pair whose wire is then cut both ways: what node 0's
 * client c receives from here on is what the test injects as s. */
static void open_cut_pair(struct tcp_sock **c, struct tcp_sock **s)
{
	open_pair(c, s);
	CHECK((*c)->flags & TF_TS);
	drop_from[0] = drop_from[1] = true;
}

/* Data from s's end into c, timestamped tsval. */
static void inject_data_ts(struct tcp_sock *c, uint32_t tsval, uint32_t seq,
			   uint32_t ack, uint8_t flags, const void *d,
			   uint32_t len)
{
	uint8_t o[12];

	inject_opts(0, ADDR(1), c->sk.rport, c->sk.lport, seq, ack,
		    flags | TCP_ACK, o, opts_ts(o, tsval, tcp_ts_now(ST(0), c)),
		    d, len);
}

/* The same, timestamped after anything s sent. */
static void inject_data(struct tcp_sock *c, uint32_t seq, uint32_t ack,
			uint8_t flags, const void *d, uint32_t len)
{
	inject_data_ts(c, c->ts_recent + 1, seq, ack, flags, d, len);
}

static void close_cut_pair(struct tcp_sock *c, struct tcp_sock *s)
{
	forged_rst(c);
	tcp_close(ST(0), c);
	inject(1, ADDR(0), s->sk.rport, s->sk.lport, s->rcv_nxt, 0, TCP_RST,
	       NULL, 0);
	tcp_close(ST(1), s);
	tcp_close(ST(1), lsn);
	run(10);
	teardown();
}

/*
 * Defect 2: [0,100) arrives, [100,200)+FIN and the ACK of the first are
 * lost, and the peer resends [0,200)+FIN as one segment (Linux collapses
 * retransmissions so). The new 100 octets and the FIN are all in order:
 * the connection must reach CLOSE_WAIT with the reader at end of file,
 * not wait for yet another retransmission of the FIN.
 */
TEST(test_tcp_fin_on_a_retransmission_overlapping_received_data_is_taken)
{
	struct tcp_sock *c, *s;
	uint8_t data[200], got[256];

	setup();
	open_cut_pair(&c, &s);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	uint32_t start = c->rcv_nxt;

	inject_data(c, start, c->snd_nxt, TCP_PSH, data, 100);
	CHECK_EQ(c->rcv_nxt, start + 100);
	inject_data(c, start, c->snd_nxt, TCP_PSH | TCP_FIN, data, 200);
	CHECK_EQ(c->rcv_nxt, start + 200 + 1);
	CHECK_EQ(c->state, TCP_CLOSE_WAIT);
	CHECK_EQ(tcp_recv(ST(0), c, got, sizeof(got)), 200);
	CHECK(memcmp(got, data, 200) == 0);
	CHECK_EQ(tcp_recv(ST(0), c, got, sizeof(got)), 0);	/* EOF */
	close_cut_pair(c, s);
}

/*
 * Defect 3: RFC 5961 5.2 (a MUST in RFC 9293 3.10.7.4 for a stack that
 * implements RFC 5961): an ACK below SND.UNA - MAX.SND.WND is a blind
 * guess. Its data is not delivered; it draws a challenge ACK. One at
 * exactly SND.UNA - MAX.SND.WND is an old duplicate and its data is
 * taken.
 */
TEST(test_tcp_data_with_ack_older_than_the_max_window_is_dropped_rfc5961)
{
	struct tcp_sock *c, *s;
	uint8_t got[16];

	setup();
	open_cut_pair(&c, &s);
	CHECK(c->max_sndwnd > 0);
	uint64_t challenges = ST(0)->mib.tcp.TCPChallengeACK;
	uint32_t rcv = c->rcv_nxt;

	inject_data(c, rcv, c->snd_una - (1u << 30), TCP_PSH, "evil", 4);
	CHECK_EQ(c->rcv_nxt, rcv);
	CHECK_EQ(tcp_recv(ST(0), c, got, sizeof(got)), -EAGAIN);
	CHECK_EQ(ST(0)->mib.tcp.TCPChallengeACK, challenges + 1);

	inject_data(c, rcv, c->snd_una - c->max_sndwnd, TCP_PSH, "good", 4);
	CHECK_EQ(c->rcv_nxt, rcv + 4);
	CHECK_EQ(tcp_recv(ST(0), c, got, sizeof(got)), 4);
	CHECK(memcmp(got, "good", 4) == 0);
	close_cut_pair(c, s);
}

/*
 * Defect 6: the peer's SYN again, in SYN-RECEIVED: our SYN-ACK was lost.
 * It must be answered with the SYN-ACK again (Linux's tcp_check_req()),
 * or the peer waits out its own SYN timeout a second time.
 */
TEST(test_tcp_retransmitted_syn_in_syn_received_gets_the_syn_ack_again)
{
	struct tcp_sock *l, *child;
	uint8_t o[TCP_OPT_MAX];
	uint32_t olen = opts_mss_ts(o, 1460, 7, 0);

	setup();
	learn_neighbours();
	l = listen_on(0, PORT, 8, 0);
	child = forged_syn(o, olen);
	CHECK(child != NULL);
	run(5);
	CHECK_EQ(wire_count(0, 0, TCP_SYN | TCP_ACK, 0), 1);
	unsigned since = wire_n;

	inject_opts(0, ADDR(1), PEER_PORT, PORT, PEER_ISN, 0, TCP_SYN, o, olen,
		    NULL, 0);
	run(5);
	CHECK_EQ(wire_count(since, 0, TCP_SYN | TCP_ACK, 0), 1);
	CHECK_EQ(wire_count(since, 0, TCP_ACK, TCP_SYN), 0);
	CHECK_EQ(child->state, TCP_SYN_RECEIVED);
	forged_rst(child);
	tcp_close(ST(0), l);
	run(10);
	teardown();
}

/*
 * Defect 5, the sender: everything sent is acknowledged, the reader's
 * ring is full (window 0), and the writer shuts down. The FIN takes a
 * sequence number, so it waits for window like data (Linux's
 * tcp_snd_wnd_test()) while persist probes keep the connection: twenty
 * minutes later (past tcp_retries2's ~15 minutes of backoff) both ends
 * are alive, and once the reader reads, the FIN follows the data and
 * the reader sees end of file, not a reset.
 */
TEST(test_tcp_fin_waits_for_a_shut_window_and_the_connection_survives)
{
	static uint8_t buf[8192];
	struct tcp_sock *c, *s;
	uint32_t total, got = 0;
	int r;

	setup();
	open_pair(&c, &s);
	total = s->rcv_size;
	for (uint32_t sent = 0; sent < total;) {
		uint32_t n = total - sent < sizeof(buf) ? total - sent
							 : sizeof(buf);
		r = tcp_send(ST(0), c, buf, n);
		if (r > 0)
			sent += (uint32_t)r;
		run(1);
	}
	CHECK(RUN_UNTIL(10000, c->snd_len == 0 && c->snd_wnd == 0));
	unsigned since = wire_n;

	CHECK_EQ(tcp_shutdown(ST(0), c, NET_SHUT_WR), 0);
	run(20 * 60 * 1000);
	CHECK_EQ(wire_count(since, 0, TCP_FIN, 0), 0);
	CHECK_EQ(c->state, TCP_FIN_WAIT_1);
	CHECK_EQ(s->state, TCP_ESTABLISHED);
	while ((r = tcp_recv(ST(1), s, buf, sizeof(buf))) > 0 ||
	       (r == -EAGAIN && RUN_UNTIL(1000, tcp_poll_events(ST(1), s) &
						      NET_EV_IN)))
		got += r > 0 ? (uint32_t)r : 0;
	CHECK_EQ(r, 0);				/* end of file */
	CHECK_EQ(got, total);
	CHECK_EQ(s->state, TCP_CLOSE_WAIT);
	CHECK(RUN_UNTIL(1000, c->state == TCP_FIN_WAIT_2));
	tcp_close(ST(1), s);
	tcp_close(ST(0), c);
	tcp_close(ST(1), lsn);
	run(2 * TIME_WAIT_MS);
	teardown();
}

/*
 * Defect 5, the receiver: a bare FIN at RCV.NXT into a zero window is
 * taken, as Linux's tcp_data_queue() takes it ("some stacks are known
 * to send bare FIN packets in a loop even if we send RWIN 0"); data in
 * a zero window is not.
 */
TEST(test_tcp_bare_fin_into_a_zero_window_is_taken_data_is_not)
{
	static uint8_t chunk[1400];
	struct tcp_sock *c, *s;

	setup();
	open_cut_pair(&c, &s);
	while (tcp_rcv_window(c) > 0) {
		uint32_t n = tcp_rcv_window(c) < sizeof(chunk) ?
			     tcp_rcv_window(c) : sizeof(chunk);
		uint32_t before = c->rcv_nxt;

		inject_data(c, c->rcv_nxt, c->snd_nxt, 0, chunk, n);
		CHECK_EQ(c->rcv_nxt, before + n);
	}
	uint32_t rcv = c->rcv_nxt;

	inject_data(c, rcv, c->snd_nxt, TCP_FIN, "x", 1);
	CHECK_EQ(c->rcv_nxt, rcv);
	CHECK_EQ(c->state, TCP_ESTABLISHED);
	inject_data(c, rcv, c->snd_nxt, TCP_FIN, NULL, 0);
	CHECK_EQ(c->rcv_nxt, rcv + 1);
	CHECK_EQ(c->state, TCP_CLOSE_WAIT);
	close_cut_pair(c, s);
}

/*
 * Defect 5, the timer: data in flight when the peer shuts its window.
 * Each retransmission is a probe the peer answers with window 0; RFC
 * 1122 4.2.2.17 keeps such a connection open, as Linux does while the
 * peer has answered within TCP_RTO_MAX (120 s). Twenty minutes of
 * answered probes leave it established; a peer that then falls silent
 * still ends it with ETIMEDOUT.
 */
TEST(test_tcp_answered_retransmissions_into_a_zero_window_never_time_out)
{
	struct tcp_sock *c, *s;
	uint8_t got[8];

	setup();
	open_cut_pair(&c, &s);
	CHECK_EQ(tcp_send(ST(0), c, "pending!", 8), 8);
	run(1);
	CHECK(c->snd_max != c->snd_una);
	inject_window = 0;
	for (int t = 0; t < 20 * 60; t += 30) {
		inject_data(c, c->rcv_nxt, c->snd_una, 0, NULL, 0);
		CHECK_EQ(c->snd_wnd, 0);
		run(30 * 1000);
		CHECK_EQ(c->state, TCP_ESTABLISHED);
	}
	run(60 * 60 * 1000);			/* silence */
	CHECK_EQ(c->state, TCP_CLOSED);
	CHECK_EQ(tcp_recv(ST(0), c, got, sizeof(got)), -ETIMEDOUT);
	close_cut_pair(c, s);
}

/* Data segments (with their FIN, if any) node 0 sent from log index
 * since. */
static unsigned data_sent(unsigned since)
{
	unsigned n = 0;

	for (unsigned i = since; i < wire_n; i++)
		n += wire_log[i].from == 0 && wire_log[i].len > 0;
	return n;
}

/*
 * An orphan whose peer shut its window and fell silent counts its
 * retries (Linux's tcp_retransmit_timer(): "we cannot allow such
 * beasts to hang infinitely"), but each timeout still sends the head
 * as a probe, window or not: a peer that has reopened its window in an
 * update we lost learns that data waits.
 */
TEST(test_tcp_orphan_timeout_into_a_shut_window_resends_the_head)
{
	struct tcp_sock *c, *s;

	setup();
	open_cut_pair(&c, &s);
	CHECK_EQ(tcp_send(ST(0), c, "pending!", 8), 8);
	run(1);
	inject_window = 0;
	inject_data(c, c->rcv_nxt, c->snd_una, 0, NULL, 0);
	CHECK_EQ(c->snd_wnd, 0);
	uint16_t cport = c->sk.lport;

	tcp_close(ST(0), c);			/* an orphan now */
	unsigned mark = wire_n;

	run(10000);
	CHECK(data_sent(mark) >= 2);
	struct tcp_sock *orphan = conn_of(0, cport, 1, PORT);

	if (orphan)		/* not yet out of retries */
		forged_rst(orphan);
	inject(1, ADDR(0), s->sk.rport, s->sk.lport, s->rcv_nxt, 0, TCP_RST,
	       NULL, 0);
	tcp_close(ST(1), s);
	tcp_close(ST(1), lsn);
	run(10);
	teardown();
}

/*
 * Defect 4: PAWS must not freeze a connection idle for more than 24
 * days (RFC 7323 5.5; Linux's TCP_PAWS_24DAYS, 60 * 60 * 24 * 24 s).
 * By then a peer's 1 ms clock may have moved past half its space, so
 * its TSval compares older than TS.Recent: the segment is taken and
 * TS.Recent becomes its TSval. At 23 days the same segment is still an
 * old duplicate to PAWS.
 */
TEST(test_tcp_paws_takes_a_wrapped_tsval_after_24_days_idle_not_23)
{
	const uint64_t day_ms = 24ull * 60 * 60 * 1000;
	struct tcp_sock *c, *s;
	uint8_t got[8];

	setup();
	open_cut_pair(&c, &s);
	uint32_t wrapped = c->ts_recent + 0x80000000u + 1;
	uint32_t rcv = c->rcv_nxt;
	uint64_t paws = ST(0)->mib.tcp.PAWSEstab;

	run(23 * day_ms);
	inject_data_ts(c, wrapped, rcv, c->snd_nxt, TCP_PSH, "late", 4);
	CHECK_EQ(c->rcv_nxt, rcv);
	CHECK_EQ(ST(0)->mib.tcp.PAWSEstab, paws + 1);

	run(2 * day_ms);
	inject_data_ts(c, wrapped, rcv, c->snd_nxt, TCP_PSH, "late", 4);
	CHECK_EQ(c->rcv_nxt, rcv + 4);
	CHECK_EQ(ST(0)->mib.tcp.PAWSEstab, paws + 1);
	CHECK_EQ(c->ts_recent, wrapped);
	CHECK_EQ(tcp_recv(ST(0), c, got, sizeof(got)), 4);
	close_cut_pair(c, s);
}

/*
 * Defect 8: a SYN flood must not pin buffers. A half-open connection is
 * its control block only; the rings come when the handshake completes.
 * 100 spoofed SYNs hold no ring memory (they held 128 KiB each); the
 * one that completes gets its rings (SO_SNDBUF and SO_RCVBUF's default
 * 64 KiB each) and moves data.
 */
TEST(test_tcp_half_open_connections_hold_no_buffers_until_the_ack)
{
	struct tcp_sock *l, *child = NULL, *srv;
	uint8_t o[TCP_OPT_MAX];
	uint32_t olen = opts_mss_ts(o, 1460, 7, 0);
	uint8_t got[8];
	int err;

	setup();
	l = listen_on(0, PORT, 128, 0);
	drop_from[0] = drop_from[1] = true;
	for (uint16_t i = 0; i < 100; i++)
		inject_opts(0, ADDR(1), (uint16_t)(PEER_PORT + i), PORT,
			    PEER_ISN + i, 0, TCP_SYN, o, olen, NULL, 0);
	CHECK_EQ(l->synq, 100);
	CHECK_EQ(ST(0)->tcp.mem, 0);
	child = conn_of(0, PORT, 1, PEER_PORT);
	CHECK(child != NULL);
	CHECK(child->rcvbuf == NULL && child->sndbuf == NULL);

	/* The third segment of the handshake, with data. */
	inject_opts(0, ADDR(1), PEER_PORT, PORT, PEER_ISN + 1, child->iss + 1,
		    TCP_ACK | TCP_PSH, o + 4, opts_ts(o + 4, 8, 0), "hi!", 3);
	CHECK_EQ(child->state, TCP_ESTABLISHED);
	CHECK_EQ(ST(0)->tcp.mem, 64 * 1024 + 64 * 1024);
	srv = tcp_accept(ST(0), l, NULL, &err);
	CHECK(srv == child);
	CHECK_EQ(tcp_recv(ST(0), srv, got, sizeof(got)), 3);
	CHECK(memcmp(got, "hi!", 3) == 0);
	forged_rst(srv);
	tcp_close(ST(0), srv);
	tcp_close(ST(0), l);	/* and the 99 half-open children */
	run(10);
	teardown();
}

/*
 * Segments outside the window draw an ACK (RFC 9293 3.10.7.4), but at
 * most one per net.ipv4.tcp_invalid_ratelimit (500 ms) and connection,
 * or a flood of them would be answered one for one: 200 of them over
 * two seconds draw four ACKs (at 0, 500, 1000 and 1500 ms), the rest
 * are counted in TCPACKSkippedSeq.
 */
TEST(test_tcp_out_of_window_segments_draw_one_ack_per_500_ms)
{
	struct tcp_sock *c, *s;

	setup();
	open_cut_pair(&c, &s);
	run(INVALID_RATELIMIT_MS);
	unsigned since = wire_n;
	uint64_t skipped = ST(0)->mib.tcp.TCPACKSkippedSeq;

	for (int i = 0; i < 200; i++) {
		inject_data(c, c->rcv_nxt + (1u << 30), c->snd_nxt, 0, "x", 1);
		run(10);
	}
	CHECK_EQ(wire_count(since, 0, TCP_ACK, TCP_SYN | TCP_FIN | TCP_RST),
		 2000 / INVALID_RATELIMIT_MS);
	CHECK_EQ(ST(0)->mib.tcp.TCPACKSkippedSeq,
		 skipped + 200 - 2000 / INVALID_RATELIMIT_MS);
	close_cut_pair(c, s);
}

/*
 * A SYN cookie is only taken from a listener that sent cookies in the
 * last two periods (Linux's tcp_synq_no_recent_overflow()): otherwise
 * a blind attacker could open connections with ACKs alone, guessing
 * one 24-bit MAC at a time, without ever sending a SYN. The same valid
 * cookie is refused (RST) before the SYN queue overflows and accepted
 * right after.
 */
TEST(test_tcp_syn_cookie_is_taken_only_after_cookies_were_sent)
{
	struct tcp_sock *l;
	uint8_t o[TCP_OPT_MAX];
	uint32_t olen = opts_mss(o, 1460);
	const uint16_t port = PEER_PORT + 7;

	setup();
	learn_neighbours();
	l = listen_on(0, PORT, 1, 0);
	CHECK_EQ(ST(0)->tcp.sysctl.syncookies, 1);
	drop_from[0] = drop_from[1] = true;
	struct tcp_addrs a = tcp_addrs4(ADDR(0), ADDR(1));
	uint32_t cookie = syncookie_make(&ST(0)->tcp.secret, &a, PORT, port,
					 PEER_ISN, 1460, sim.now);
	unsigned mark = wire_n;

	inject(0, ADDR(1), port, PORT, PEER_ISN + 1, cookie + 1, TCP_ACK,
	       NULL, 0);
	CHECK(conn_of(0, PORT, 1, port) == NULL);
	CHECK_EQ(ST(0)->mib.tcp.SyncookiesRecv, 0);
	CHECK_EQ(wire_count(mark, 0, TCP_RST, 0), 1);

	/* Two SYNs on a backlog of one: the second is sent a cookie. */
	inject_opts(0, ADDR(1), PEER_PORT, PORT, PEER_ISN, 0, TCP_SYN, o, olen,
		    NULL, 0);
	inject_opts(0, ADDR(1), PEER_PORT + 1, PORT, PEER_ISN, 0, TCP_SYN, o,
		    olen, NULL, 0);
	CHECK_EQ(ST(0)->mib.tcp.SyncookiesSent, 1);
	inject(0, ADDR(1), port, PORT, PEER_ISN + 1, cookie + 1, TCP_ACK,
	       NULL, 0);
	CHECK_EQ(ST(0)->mib.tcp.SyncookiesRecv, 1);
	struct tcp_sock *child = conn_of(0, PORT, 1, port);

	CHECK(child != NULL);
	CHECK_EQ(child->state, TCP_ESTABLISHED);
	forged_rst(child);
	forged_rst(conn_of(0, PORT, 1, PEER_PORT));
	tcp_close(ST(0), l);
	run(10);
	teardown();
}

/*
 * RFC 5961 5.2's upper bound: an ACK of what was never sent (beyond
 * SND.MAX) draws a challenge ACK and the segment is dropped, data and
 * all; SND.UNA does not move.
 */
TEST(test_tcp_ack_beyond_snd_max_is_challenged_and_its_data_dropped)
{
	struct tcp_sock *c, *s;
	uint8_t got[8];

	setup();
	open_cut_pair(&c, &s);
	uint64_t challenges = ST(0)->mib.tcp.TCPChallengeACK;
	uint32_t rcv = c->rcv_nxt, una = c->snd_una;

	inject_data(c, rcv, c->snd_max + 100000, TCP_PSH, "evil", 4);
	CHECK_EQ(c->rcv_nxt, rcv);
	CHECK_EQ(c->snd_una, una);
	CHECK_EQ(tcp_recv(ST(0), c, got, sizeof(got)), -EAGAIN);
	CHECK_EQ(ST(0)->mib.tcp.TCPChallengeACK, challenges + 1);
	close_cut_pair(c, s);
}

/* One end with net.ipv4.tcp_timestamps = 0 (a peer that sends none). */
static void timestamps_off_on(int node)
{
	struct tcp_sock *c, *s;
	static uint8_t buf[4096];
	uint32_t sent = 0, got = 0;
	int r;

	setup();
	ST(node)->tcp.sysctl.timestamps = 0;
	sim.impair.loss_pct = 3;
	open_pair(&c, &s);
	CHECK_EQ(c->flags & TF_TS, 0);
	CHECK_EQ(s->flags & TF_TS, 0);
	CHECK_EQ(c->mss, 1500 - 20 - 20);	/* no option room kept */
	/* RTT from timed segments alone, over a lossy wire. */
	for (int ms = 0; ms < 60000 && got < 200000; ms++) {
		for (uint32_t i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)(sent + i);
		if (sent < 200000 && (r = tcp_send(ST(0), c, buf,
						   sizeof(buf))) > 0)
			sent += (uint32_t)r;
		while ((r = tcp_recv(ST(1), s, buf, sizeof(buf))) > 0) {
			for (int i = 0; i < r; i++)
				CHECK_EQ(buf[i], (uint8_t)(got + (uint32_t)i));
			got += (uint32_t)r;
		}
		run(1);
	}
	CHECK(got >= 200000);
	CHECK(c->rtt.srtt_us > 0);
	sim.impair.loss_pct = 0;
	tcp_abort(ST(0), c);
	run(10);
	tcp_close(ST(1), s);
	tcp_close(ST(1), lsn);
	run(10);
	teardown();
}

/*
 * net.ipv4.tcp_timestamps = 0 on either end: no timestamps are
 * negotiated (RFC 7323 3.2: only if both SYNs carry the option), the
 * MSS keeps no room for them, and data still flows intact over a lossy
 * wire with the RTT taken from timed segments (RFC 6298 3).
 */
TEST(test_tcp_timestamps_off_at_the_server_negotiates_none)
{
	timestamps_off_on(1);
}

TEST(test_tcp_timestamps_off_at_the_client_negotiates_none)
{
	timestamps_off_on(0);
}

/*
 * A driver whose ring is full refuses frames with -EAGAIN (the netdev
 * contract): the stack keeps them, in order, in the interface's bounded
 * backlog, drops and counts what does not fit (tx_dropped, and
 * TxBacklogDrops in /proc/net/netstat), and sends the backlog first
 * once the ring has room. Eight connections' initial windows overflow
 * it; TCP recovers what was dropped, and every stream arrives whole.
 */
#define BP_CONNS	8
#define BP_BYTES	40000u

TEST(test_tcp_streams_survive_a_driver_that_refuses_frames_for_a_while)
{
	static uint8_t buf[8192];
	struct tcp_sock *c[BP_CONNS], *s[BP_CONNS];
	uint32_t sent[BP_CONNS] = { 0 }, got[BP_CONNS] = { 0 };
	int r;

	setup();
	lsn = listen_on(1, PORT, BP_CONNS, 0);
	for (int i = 0; i < BP_CONNS; i++)
		connect_accept(0, 1, lsn, &c[i], &s[i]);
	struct netif *nif = sim.node[0].nif;

	sim.node[0].tx_full = true;
	for (int i = 0; i < BP_CONNS; i++)
		while (sent[i] < BP_BYTES) {
			uint32_t n = BP_BYTES - sent[i] < sizeof(buf) ?
				     BP_BYTES - sent[i] : sizeof(buf);

			for (uint32_t k = 0; k < n; k++)
				buf[k] = (uint8_t)(i + sent[i] + k);
			if ((r = tcp_send(ST(0), c[i], buf, n)) <= 0)
				break;
			sent[i] += (uint32_t)r;
		}
	run(100);
	CHECK_EQ(nif->backlog.len, NETIF_BACKLOG_MAX);
	CHECK(sim.node[0].dev.stats.tx_dropped > 0);
	CHECK_EQ(sim.node[0].dev.stats.tx_dropped,
		 ST(0)->mib.link.TxBacklogDrops);
	for (int i = 0; i < BP_CONNS; i++)
		CHECK_EQ(s[i]->rcv_len, 0);	/* nothing got through */

	sim.node[0].tx_full = false;
	bool all = false;

	for (int ms = 0; ms < 120000 && !all; ms++) {
		all = true;
		for (int i = 0; i < BP_CONNS; i++) {
			while ((r = tcp_recv(ST(1), s[i], buf,
					     sizeof(buf))) > 0) {
				for (int k = 0; k < r; k++)
					CHECK_EQ(buf[k],
						 (uint8_t)(i + got[i] +
							   (uint32_t)k));
				got[i] += (uint32_t)r;
			}
			all = all && got[i] == sent[i];
		}
		run(1);
	}
	for (int i = 0; i < BP_CONNS; i++)
		CHECK_EQ(got[i], sent[i]);
	CHECK_EQ(nif->backlog.len, 0);
	for (int i = 0; i < BP_CONNS; i++) {
		tcp_close(ST(0), c[i]);
		tcp_close(ST(1), s[i]);
	}
	tcp_close(ST(1), lsn);
	run(2 * TIME_WAIT_MS);
	teardown();
}

int main(void)
{
	RUN(test_tcp_peer_mss_of_1_is_raised_to_48_less_timestamps_not_wrapped);
	RUN(test_tcp_fin_on_a_retransmission_overlapping_received_data_is_taken);
	RUN(test_tcp_data_with_ack_older_than_the_max_window_is_dropped_rfc5961);
	RUN(test_tcp_retransmitted_syn_in_syn_received_gets_the_syn_ack_again);
	RUN(test_tcp_fin_waits_for_a_shut_window_and_the_connection_survives);
	RUN(test_tcp_bare_fin_into_a_zero_window_is_taken_data_is_not);
	RUN(test_tcp_answered_retransmissions_into_a_zero_window_never_time_out);
	RUN(test_tcp_orphan_timeout_into_a_shut_window_resends_the_head);
	RUN(test_tcp_paws_takes_a_wrapped_tsval_after_24_days_idle_not_23);
	RUN(test_tcp_half_open_connections_hold_no_buffers_until_the_ack);
	RUN(test_tcp_out_of_window_segments_draw_one_ack_per_500_ms);
	RUN(test_tcp_syn_cookie_is_taken_only_after_cookies_were_sent);
	RUN(test_tcp_ack_beyond_snd_max_is_challenged_and_its_data_dropped);
	RUN(test_tcp_timestamps_off_at_the_server_negotiates_none);
	RUN(test_tcp_timestamps_off_at_the_client_negotiates_none);
	RUN(test_tcp_streams_survive_a_driver_that_refuses_frames_for_a_while);
	TEST_EXIT();
}
