/*
 * The iperf3 server on TCP 5201 (INTERFACE.md), for Debian 12's stock
 * iperf3 client (3.12) and its tests: forward (the client sends) and
 * -R (the server sends), --bidir, -t, -n, -k, -l, -P, -O, -N, -b, -J
 * and --get-server-output. UDP and SCTP tests are refused with
 * SERVER_ERROR, which the client prints as "iperf3: error - an option
 * you are trying to set is not implemented yet" (UDP) or "... no SCTP
 * support available". -w and -M are accepted and ignored: every data
 * connection gets the listener's buffers (IPERF3_SOCKBUF) and the MSS
 * the stack negotiates; -C is ignored too. With -R -k the client
 * counts each read as a block and may stop well before -k times -l
 * bytes: the server sends up to that, the client decides the end.
 *
 * One test at a time, as iperf3 -s: a listener thread per family
 * (0.0.0.0 and an IPV6_V6ONLY [::], as every service has) accepts every
 * connection on the port and reads its cookie; with no test running
 * the connection becomes a new test's control connection, run by a
 * thread of its own (iperf3-test); a connection with the running
 * test's cookie while that test waits for its data connections is
 * handed to it; anything else gets ACCESS_DENIED ("the server is busy
 * running a test. try again later") and is closed. The protocol is in
 * iperf3_proto.h.
 */
#ifndef KITE_IPERF3_H
#define KITE_IPERF3_H

#define IPERF3_PORT		5201
#define IPERF3_BACKLOG		32
#define IPERF3_STREAMS_MAX	128	/* data connections per test (iperf's MAX_STREAMS) */
#define IPERF3_SOCKBUF		212992	/* SO_SNDBUF/SO_RCVBUF: net.core.[rw]mem_max */
#define IPERF3_BUF_SIZE		(128 * 1024)	/* one send or receive */
#define IPERF3_PARAMS_MAX	(16 * 1024)	/* the client's parameter JSON */
#define IPERF3_RESULTS_MAX	(128 * 1024)	/* the client's results JSON */
#define IPERF3_COOKIE_TIMEOUT_S	5	/* a new connection's cookie */
#define IPERF3_CTRL_TIMEOUT_S	10	/* each control read and write */
#define IPERF3_STREAMS_TIMEOUT_S 10	/* each data connection opened */
#define IPERF3_GRACE_S		10	/* a -t test past time + omit + this ends */
#define IPERF3_IDLE_S		60	/* no data and no message: the test ends */

/* Start the listener thread; after net_glue_start(). */
void iperf3_start(void);

#endif
