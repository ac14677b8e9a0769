/*
 * The iperf3 control protocol's messages, as iperf 3.12 (Debian 12's
 * iperf3) speaks them: what the server (kernel/services/iperf3.c) reads and
 * writes, with no socket in sight, so that the host unit tests
 * (tests/unit/test_iperf3_proto.c) can feed it what the real client
 * sends. Names and values follow iperf's iperf_api.h and iperf_error.h.
 *
 * The control connection, client first:
 *   client: cookie (IPERF3_COOKIE_SIZE bytes: 36 characters and a NUL)
 *   server: PARAM_EXCHANGE; client: parameters (JSON, see below)
 *   server: CREATE_STREAMS; the client opens each data connection to
 *           the same port and sends the same cookie first on it
 *   server: TEST_START, TEST_RUNNING; data flows
 *   client: TEST_END (its clock or byte count says so)
 *   server: EXCHANGE_RESULTS; client: its results (JSON); server: ours
 *   server: DISPLAY_RESULTS; client: IPERF_DONE, and it closes.
 * States are one signed byte each. A JSON message is a 4-byte
 * big-endian length, then that many bytes of JSON, no NUL. SERVER_ERROR
 * is followed by two 4-byte big-endian integers: an iperf error number
 * (enum iperf3_error; the client prints its message) and an errno with
 * Linux's numbering (the client appends strerror() for some errors).
 */
#ifndef KITE_IPERF3_PROTO_H
#define KITE_IPERF3_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPERF3_COOKIE_SIZE	37	/* 36 characters and a NUL */

/* Control states (iperf_api.h). */
enum iperf3_state {
	IPERF3_TEST_START = 1,
	IPERF3_TEST_RUNNING = 2,
	IPERF3_TEST_END = 4,
	IPERF3_PARAM_EXCHANGE = 9,
	IPERF3_CREATE_STREAMS = 10,
	IPERF3_SERVER_TERMINATE = 11,
	IPERF3_CLIENT_TERMINATE = 12,
	IPERF3_EXCHANGE_RESULTS = 13,
	IPERF3_DISPLAY_RESULTS = 14,
	IPERF3_IPERF_START = 15,
	IPERF3_IPERF_DONE = 16,
	IPERF3_ACCESS_DENIED = -1,
	IPERF3_SERVER_ERROR = -2,
};

/* Error numbers sent after SERVER_ERROR (iperf_error.h), with what
 * iperf 3.12 prints for each (checked against the real client). */
enum iperf3_error {
	IPERF3_IEDURATION = 5,		/* test duration too long (maximum = 86400 seconds) */
	IPERF3_IENUMSTREAMS = 6,	/* number of parallel streams too large (maximum = 128) */
	IPERF3_IEBLOCKSIZE = 7,		/* block size too large (maximum = 1048576 bytes) */
	IPERF3_IEOMIT = 12,		/* bogus value for --omit */
	IPERF3_IEUNIMP = 13,		/* an option you are trying to set is not implemented yet */
	IPERF3_IENOSCTP = 18,		/* no SCTP support available */
	IPERF3_IEREVERSEBIDIR = 25,	/* cannot be both reverse and bidirectional */
	IPERF3_IENEWTEST = 100,		/* unable to create a new test: <errno> */
	IPERF3_IERECVPARAMS = 114,	/* unable to receive parameters from client: <errno> */
	IPERF3_IESTREAMACCEPT = 204,	/* unable to accept stream connection: <errno> */
};

/* errno values as the client's libc (Linux) numbers them. */
#define IPERF3_LINUX_ENOMEM	12
#define IPERF3_LINUX_EINVAL	22
#define IPERF3_LINUX_EMSGSIZE	90
#define IPERF3_LINUX_ETIMEDOUT	110

/* iperf's own limits (iperf.h), which the client also enforces. */
#define IPERF3_MAX_STREAMS	128
#define IPERF3_MAX_TIME		86400	/* s */
#define IPERF3_MAX_OMIT		600	/* s */
#define IPERF3_MAX_BLOCKSIZE	(1024 * 1024)
#define IPERF3_DEFAULT_TCP_BLKSIZE (128 * 1024)

enum iperf3_protocol {
	IPERF3_TCP,
	IPERF3_UDP,
	IPERF3_SCTP,
};

/* The client's parameters. The client sends a key only when it
 * matters; boolean options as "key": true (get_server_output as 1).
 * Keys the server does not use (pacing_timer, title, extra_data,
 * congestion, client_version, ...) are read and ignored. */
struct iperf3_params {
	enum iperf3_protocol protocol;	/* "tcp" / "udp" / "sctp": true */
	uint32_t omit;			/* "omit", s */
	uint32_t time;			/* "time", s; 0 with -n or -k */
	uint64_t bytes;			/* "num" (-n) */
	uint64_t blocks;		/* "blockcount" (-k) */
	uint32_t parallel;		/* "parallel" (-P) */
	bool reverse;			/* "reverse" (-R): the server sends */
	bool bidir;			/* "bidirectional" (--bidir) */
	uint32_t blksize;		/* "len" (-l) */
	uint64_t rate;			/* "bandwidth" (-b), bit/s per stream; 0: none */
	uint32_t window;		/* "window" (-w), bytes; 0: default */
	uint32_t mss;			/* "MSS" (-M) */
	bool nodelay;			/* "nodelay" (-N) */
	bool get_server_output;		/* "get_server_output" */
};

/* Read the client's parameter JSON (json[0..len), no NUL needed) into
 * *p, defaults first. 0 when the test can run here; otherwise the
 * iperf error number to send after SERVER_ERROR, and *err the errno
 * (Linux numbering) to send with it: IPERF3_IERECVPARAMS for malformed
 * JSON or a value of the wrong type or range, IPERF3_IEUNIMP for UDP,
 * IPERF3_IENOSCTP for SCTP, IPERF3_IENUMSTREAMS past streams_max, and
 * the limits above. A boolean option counts as set unless its value is
 * false, null or 0. */
int iperf3_params_parse(const char *json, size_t len, struct iperf3_params *p,
			uint32_t streams_max, int *err);

/* One data stream's result, as the server measured it. */
struct iperf3_stream_result {
	int id;			/* the client's numbering: 1, 3, 4, 5, ... */
	bool sender;		/* the server sent on it */
	uint64_t bytes;		/* after the omitted seconds */
	uint64_t time_us;	/* from its start (after omit) to TEST_END */
};

struct iperf3_results {
	uint32_t cpu_util_mpct;	/* CPU busy, thousandths of a percent */
	bool receiver_only;	/* the server sent on no stream */
	const struct iperf3_stream_result *streams;
	size_t nstreams;
	const char *server_output;	/* server_output_text, or NULL */
};

/* The server's stream number k (0-based, in connection order) as iperf
 * numbers streams: 1, then 3, 4, 5, ... (iperf_add_stream()). */
int iperf3_stream_id(int k);

/* The results JSON the client's get_results() reads: cpu_util_total,
 * cpu_util_user, cpu_util_system, sender_has_retransmits (-1 when the
 * server only received, else 0: no retransmission counts here), and
 * streams[] with id, bytes, retransmits (-1), jitter, errors, packets
 * (0 for TCP), start_time and end_time (seconds, fixed-point: no
 * floating point is used); server_output_text when given. Written into
 * buf as snprintf would: the length it needs is returned, and the
 * output is complete only if that is less than size.
 * iperf3_results_json_max() is a size that always suffices. */
size_t iperf3_results_json(const struct iperf3_results *r, char *buf,
			   size_t size);
size_t iperf3_results_json_max(const struct iperf3_results *r);

/* A plain-text summary of the server's side, one line per stream and
 * a sum per direction with more than one, for --get-server-output
 * (server_output_text). snprintf-like. */
size_t iperf3_server_report(const struct iperf3_results *r, char *buf,
			    size_t size);

#endif
