/*
 * The iperf3 server (iperf3.h), written against the BSD socket API as
 * a user program would be, like the other services. The messages are
 * iperf3_proto.c's; this file holds the connections and the clock.
 *
 * A test's thread talks on the control connection with blocking calls
 * bounded by SO_RCVTIMEO/SO_SNDTIMEO; while data flows it polls the
 * control connection and every data connection (non-blocking) at once,
 * as iperf's own select() loop does, moving IPERF3_BUF_SIZE at a time
 * from one buffer filled once: no per-byte work.
 *
 * When the test ends is the client's to say (TEST_END), by its clock
 * (-t) or its byte count (-n, -k). A server sending for -n or -k stops
 * once it has sent that many bytes in all. A test the client abandons
 * ends by itself: -t tests IPERF3_GRACE_S after their time, any test
 * after IPERF3_IDLE_S without data or messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "kernel/services/iperf3.h"
#include "kernel/services/iperf3_proto.h"
#include "kernel/services/json.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/services/services.h"
#include "kernel/proc/sysinfo.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/wait.h"

#define US_PER_S	1000000ULL
#define FINISH_WAIT_US	10000	/* the listener's wait for a test ending */

struct iperf3_stream {
	int fd;			/* -1 once closed */
	bool sender;		/* the server sends on it */
	bool open;		/* polled: no end of stream or error yet */
	uint64_t bytes;		/* since start_us */
	uint64_t paced;		/* since TEST_RUNNING, for -b */
};

struct iperf3_test {
	int ctrl;
	char cookie[IPERF3_COOKIE_SIZE];
	struct iperf3_params p;
	struct semaphore arrived;	/* a data connection was handed over */

	/* Shared with the listener, under iperf3_lock. */
	bool accepting;		/* waiting for data connections */
	bool finishing;		/* results sent: ends in a moment */
	int nwant, npending;
	int pending[IPERF3_STREAMS_MAX];

	/* The test thread's own. */
	bool refused;		/* the parameters asked for what we lack */
	struct iperf3_stream *streams;
	int nstreams;
	uint8_t *buf;		/* IPERF3_BUF_SIZE, sent and received into */
	uint64_t run_us;	/* TEST_RUNNING sent */
	uint64_t start_us;	/* run_us, or the end of the omitted seconds */
	uint64_t end_us;	/* TEST_END received */
	uint64_t idle_start_us;	/* the idle thread's CPU time at start_us */
	uint32_t cpu_mpct;	/* busy between start_us and end_us */
};

static struct mutex iperf3_lock;
static struct iperf3_test *iperf3_current;	/* under iperf3_lock */

/* /proc/net/iperf3, under iperf3_lock. A test is counted once it has a
 * control connection, and then once more as it ends: completed (results
 * exchanged), refused (SERVER_ERROR for its parameters) or aborted
 * (anything else: the client went, a limit passed, memory ran short). */
struct iperf3_stats {
	unsigned long tests, completed, refused, aborted, denied;
	uint64_t in_bytes, out_bytes;	/* data, after any omitted seconds */
};
static struct iperf3_stats iperf3_stats;

/* ---- the control connection ---- */

static int ctrl_state(int fd, int8_t state)
{
	return send(fd, &state, 1, 0) == 1 ? 0 : -1;
}

/* SERVER_ERROR, iperf's error number and an errno (Linux numbering). */
static void ctrl_error(int fd, int ierr, int err)
{
	uint8_t m[9];
	uint32_t a = htonl((uint32_t)ierr), b = htonl((uint32_t)err);

	m[0] = (uint8_t)IPERF3_SERVER_ERROR;
	memcpy(m + 1, &a, 4);
	memcpy(m + 5, &b, 4);
	send(fd, m, sizeof(m), 0);
}

/* A length-prefixed JSON message of at most max bytes, malloc'd and
 * NUL-terminated; NULL (and *err, Linux numbering) when it is too long,
 * memory is short, or the connection fails or times out. */
static char *ctrl_recv_json(int fd, size_t max, size_t *len, int *err)
{
	uint32_t nlen;
	char *s;

	if (recv(fd, &nlen, sizeof(nlen), MSG_WAITALL) != sizeof(nlen)) {
		*err = IPERF3_LINUX_ETIMEDOUT;
		return NULL;
	}
	*len = ntohl(nlen);
	if (*len > max) {
		*err = IPERF3_LINUX_EMSGSIZE;
		return NULL;
	}
	if (!(s = malloc(*len + 1))) {
		*err = IPERF3_LINUX_ENOMEM;
		return NULL;
	}
	if (*len && recv(fd, s, *len, MSG_WAITALL) != (ssize_t)*len) {
		free(s);
		*err = IPERF3_LINUX_ETIMEDOUT;
		return NULL;
	}
	s[*len] = '\0';
	return s;
}

/* Has the client spoken while it should be silent (CLIENT_TERMINATE,
 * or its end of stream)? Either way the test is over. */
static bool ctrl_client_gone(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) != 0;
}

/* ---- setting up ---- */

static int ignore_member(void *arg, const char *key, const struct json_value *v)
{
	(void)arg;
	(void)key;
	(void)v;
	return 0;
}

/* PARAM_EXCHANGE: 0, or -1 after telling the client why not. */
static int iperf3_get_params(struct iperf3_test *t)
{
	size_t len;
	int err = 0, ierr;
	char *json;

	if (ctrl_state(t->ctrl, IPERF3_PARAM_EXCHANGE) < 0)
		return -1;
	json = ctrl_recv_json(t->ctrl, IPERF3_PARAMS_MAX, &len, &err);
	if (!json) {
		ctrl_error(t->ctrl, IPERF3_IERECVPARAMS, err);
		return -1;
	}
	ierr = iperf3_params_parse(json, len, &t->p, IPERF3_STREAMS_MAX, &err);
	free(json);
	if (ierr) {
		t->refused = true;
		ctrl_error(t->ctrl, ierr, err);
		return -1;
	}
	return 0;
}

/* CREATE_STREAMS: take the data connections the listener hands over,
 * in the order the client opened them (its stream numbering), each
 * within IPERF3_STREAMS_TIMEOUT_S of the one before (QEMU's hostfwd
 * takes about half a second per connection past the first few). 0, or
 * -1 (what arrived is in t->streams, to be closed). */
static int iperf3_get_streams(struct iperf3_test *t)
{
	int want = (int)t->p.parallel * (t->p.bidir ? 2 : 1);
	uint64_t deadline = clock_now_us() +
			    IPERF3_STREAMS_TIMEOUT_S * US_PER_S;
	int got = 0;

	if (!(t->streams = calloc((size_t)want, sizeof(*t->streams)))) {
		ctrl_error(t->ctrl, IPERF3_IENEWTEST, IPERF3_LINUX_ENOMEM);
		return -1;
	}
	mutex_lock(&iperf3_lock);
	t->nwant = want;
	t->npending = 0;
	t->accepting = true;
	mutex_unlock(&iperf3_lock);

	if (ctrl_state(t->ctrl, IPERF3_CREATE_STREAMS) == 0) {
		while (got < want) {
			uint64_t now = clock_now_us();
			if (now >= deadline || ctrl_client_gone(t->ctrl))
				break;
			/* Look at the control connection now and then. */
			uint64_t until = now + 100000 < deadline ?
						 now + 100000 : deadline;
			if (sem_wait(&t->arrived, until) == 0) {
				got++;
				deadline = clock_now_us() +
					   IPERF3_STREAMS_TIMEOUT_S * US_PER_S;
			}
		}
	}

	mutex_lock(&iperf3_lock);
	t->accepting = false;
	for (int i = 0; i < t->npending; i++) {
		struct iperf3_stream *s = &t->streams[i];
		s->fd = t->pending[i];
		/* --bidir: the client opens its sending streams first. */
		s->sender = t->p.reverse ||
			    (t->p.bidir && i >= (int)t->p.parallel);
		s->open = true;
	}
	t->nstreams = t->npending;
	mutex_unlock(&iperf3_lock);

	if (t->nstreams < want) {
		ctrl_error(t->ctrl, IPERF3_IESTREAMACCEPT,
			   IPERF3_LINUX_ETIMEDOUT);
		return -1;
	}
	return 0;
}

/* ---- the data phase ---- */

/* The bytes a -b stream may have sent by us microseconds after
 * TEST_RUNNING. */
static uint64_t paced_allowance(uint64_t rate_Bps, uint64_t us)
{
	return rate_Bps * (us / US_PER_S) +
	       rate_Bps * (us % US_PER_S) / US_PER_S;
}

/* Microseconds until a -b stream that has sent s->paced bytes may send
 * again; 0 if it may now. */
static uint64_t paced_wait(const struct iperf3_stream *s, uint64_t rate_Bps,
			   uint64_t elapsed_us)
{
	uint64_t allowed = paced_allowance(rate_Bps, elapsed_us);

	if (s->paced < allowed)
		return 0;
	return (s->paced - allowed + 1) * US_PER_S / rate_Bps + 1;
}

/* The omitted seconds (-O) are over: count from now. */
static void iperf3_restart_counts(struct iperf3_test *t, uint64_t now)
{
	for (int i = 0; i < t->nstreams; i++)
		t->streams[i].bytes = 0;
	t->start_us = now;
	t->idle_start_us = sysinfo_idle_us();
}

/* Read what a receiving stream has, a few buffers at most so that the
 * others get their turn. True if anything moved. */
static bool stream_receive(struct iperf3_test *t, struct iperf3_stream *s)
{
	bool moved = false;

	for (int k = 0; k < 4; k++) {
		ssize_t n = recv(s->fd, t->buf, IPERF3_BUF_SIZE, MSG_DONTWAIT);
		if (n > 0) {
			s->bytes += (uint64_t)n;
			moved = true;
			continue;
		}
		if (n == 0 || errno != EAGAIN)
			s->open = false;	/* end of stream, or reset */
		break;
	}
	return moved;
}

/* Send on a sending stream until its buffer is full, a few chunks at
 * most so that the others get their turn, within the test's byte limit
 * (*sent of limit, 0: none) and, with -b, its pace (only as much as one
 * chunk ahead). True if anything moved. */
static bool stream_send(struct iperf3_test *t, struct iperf3_stream *s,
			size_t chunk, uint64_t limit, uint64_t *sent,
			uint64_t rate_Bps)
{
	bool moved = false;

	for (int k = 0; k < 4; k++) {
		size_t len = chunk;
		if (limit && limit - *sent < len)
			len = (size_t)(limit - *sent);
		if (len == 0)
			break;
		ssize_t n = send(s->fd, t->buf, len, MSG_DONTWAIT);
		if (n > 0) {
			s->bytes += (uint64_t)n;
			s->paced += (uint64_t)n;
			*sent += (uint64_t)n;
			moved = true;
			if (rate_Bps || (size_t)n < len)
				break;	/* paced: one chunk; or full */
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			s->open = false;	/* reset by the peer */
		break;
	}
	return moved;
}

/* TEST_START, TEST_RUNNING, then data until the client's TEST_END: 0,
 * or -1 when the client went or the test outlived its limits. */
static int iperf3_run(struct iperf3_test *t)
{
	const struct iperf3_params *p = &t->p;
	size_t chunk = p->blksize < IPERF3_BUF_SIZE ? p->blksize :
						      IPERF3_BUF_SIZE;
	uint64_t limit = p->bytes;	/* bytes to send in all; 0: no limit */
	uint64_t sent = 0;
	uint64_t rate_Bps = p->rate ? (p->rate < 8 ? 1 : p->rate / 8) : 0;
	int nfds = 1 + t->nstreams;
	struct pollfd *pfd = calloc((size_t)nfds, sizeof(*pfd));
	int *which = calloc((size_t)nfds, sizeof(*which));
	int one = 1;
	int rc = -1;

	if (!pfd || !which)
		goto out;
	if (!limit && p->blocks)
		limit = p->blocks > UINT64_MAX / p->blksize ?
				UINT64_MAX : p->blocks * p->blksize;
	if (rate_Bps > (1ULL << 40))
		rate_Bps = 1ULL << 40;	/* keeps the pacing sums in range */
	for (int i = 0; i < t->nstreams; i++) {
		fcntl(t->streams[i].fd, F_SETFL, O_NONBLOCK);
		if (p->nodelay)
			setsockopt(t->streams[i].fd, IPPROTO_TCP, TCP_NODELAY,
				   &one, sizeof(one));
	}
	if (ctrl_state(t->ctrl, IPERF3_TEST_START) < 0 ||
	    ctrl_state(t->ctrl, IPERF3_TEST_RUNNING) < 0)
		goto out;

	uint64_t now = clock_now_us();
	uint64_t omit_end = p->omit ? now + p->omit * US_PER_S : 0;
	uint64_t deadline = p->time ? now + (p->omit + p->time +
					     IPERF3_GRACE_S) * US_PER_S : 0;
	uint64_t last_moved = now;
	t->run_us = now;
	iperf3_restart_counts(t, now);

	for (;;) {
		uint64_t wait_us = US_PER_S;	/* to check the limits */
		int n = 1;

		pfd[0] = (struct pollfd){ .fd = t->ctrl, .events = POLLIN };
		for (int i = 0; i < t->nstreams; i++) {
			struct iperf3_stream *s = &t->streams[i];
			short ev = POLLIN;
			if (!s->open)
				continue;
			if (s->sender) {
				if (limit && sent >= limit)
					continue;	/* all sent */
				uint64_t w = rate_Bps ?
					paced_wait(s, rate_Bps, now - t->run_us) : 0;
				if (w) {
					if (w < wait_us)
						wait_us = w;
					continue;
				}
				ev = POLLOUT;
			}
			pfd[n] = (struct pollfd){ .fd = s->fd, .events = ev };
			which[n++] = i;
		}
		if (omit_end && omit_end - now < wait_us)
			wait_us = omit_end - now;
		if (poll(pfd, (nfds_t)n, (int)((wait_us + 999) / 1000)) < 0)
			goto out;
		now = clock_now_us();

		if (pfd[0].revents) {
			int8_t state;
			ssize_t r = recv(t->ctrl, &state, 1, MSG_DONTWAIT);
			if (r == 1 && state == IPERF3_TEST_END) {
				t->end_us = now;
				rc = 0;
				goto out;
			}
			if (r == 1 || r == 0 || errno != EAGAIN)
				goto out;	/* gone, or CLIENT_TERMINATE */
		}
		for (int k = 1; k < n; k++) {
			struct iperf3_stream *s = &t->streams[which[k]];
			if (!pfd[k].revents)
				continue;
			if (!s->sender) {
				if (stream_receive(t, s))
					last_moved = now;
				continue;
			}
			if (stream_send(t, s, chunk, limit, &sent, rate_Bps))
				last_moved = now;
		}
		if (omit_end && now >= omit_end) {
			omit_end = 0;
			iperf3_restart_counts(t, now);
		}
		if ((deadline && now >= deadline) ||
		    now - last_moved >= IPERF3_IDLE_S * US_PER_S)
			goto out;
	}
out:
	free(pfd);
	free(which);
	return rc;
}

/* ---- results ---- */

/* EXCHANGE_RESULTS: the client's results (read and checked, not used),
 * then ours; DISPLAY_RESULTS; the client's IPERF_DONE. 0 or -1. */
static int iperf3_exchange_results(struct iperf3_test *t)
{
	struct iperf3_stream_result *sr = calloc((size_t)t->nstreams,
						 sizeof(*sr));
	struct iperf3_results r = {
		.cpu_util_mpct = t->cpu_mpct,
		.receiver_only = true,
		.streams = sr,
		.nstreams = (size_t)t->nstreams,
	};
	char *theirs = NULL, *report = NULL;
	uint8_t *msg = NULL;
	size_t len;
	int err, rc = -1;
	int8_t state;

	if (!sr)
		goto out;
	for (int i = 0; i < t->nstreams; i++) {
		sr[i].id = iperf3_stream_id(i);
		sr[i].sender = t->streams[i].sender;
		sr[i].bytes = t->streams[i].bytes;
		sr[i].time_us = t->end_us - t->start_us;
		if (sr[i].sender)
			r.receiver_only = false;
	}
	if (t->p.get_server_output) {
		size_t n = iperf3_server_report(&r, NULL, 0) + 1;
		if ((report = malloc(n)))
			iperf3_server_report(&r, report, n);
		r.server_output = report;
	}

	if (ctrl_state(t->ctrl, IPERF3_EXCHANGE_RESULTS) < 0)
		goto out;
	theirs = ctrl_recv_json(t->ctrl, IPERF3_RESULTS_MAX, &len, &err);
	if (!theirs || json_object_foreach(theirs, len, ignore_member, NULL))
		goto out;

	/* The length and the JSON in one send. */
	size_t max = iperf3_results_json_max(&r);
	if (!(msg = malloc(4 + max)))
		goto out;
	size_t jlen = iperf3_results_json(&r, (char *)msg + 4, max);
	if (jlen >= max)
		goto out;	/* cannot happen: max is an upper bound */
	uint32_t nlen = htonl((uint32_t)jlen);
	memcpy(msg, &nlen, 4);
	if (send(t->ctrl, msg, 4 + jlen, 0) != (ssize_t)(4 + jlen))
		goto out;

	mutex_lock(&iperf3_lock);
	t->finishing = true;
	mutex_unlock(&iperf3_lock);
	if (ctrl_state(t->ctrl, IPERF3_DISPLAY_RESULTS) < 0)
		goto out;
	/* IPERF_DONE, then the client closes; either ends it. */
	recv(t->ctrl, &state, 1, 0);
	rc = 0;
out:
	free(sr);
	free(report);
	free(theirs);
	free(msg);
	return rc;
}

/* ---- a test, start to end ---- */

static void iperf3_close_streams(struct iperf3_test *t)
{
	for (int i = 0; i < t->nstreams; i++) {
		if (t->streams[i].fd >= 0)
			close(t->streams[i].fd);
		t->streams[i].fd = -1;
	}
}

static void iperf3_test_thread(void *arg)
{
	struct iperf3_test *t = arg;
	bool completed = false;

	if (!(t->buf = malloc(IPERF3_BUF_SIZE))) {
		ctrl_error(t->ctrl, IPERF3_IENEWTEST, IPERF3_LINUX_ENOMEM);
		goto out;
	}
	/* What the server sends: any bytes will do; set once. */
	for (size_t i = 0; i < IPERF3_BUF_SIZE; i++)
		t->buf[i] = (uint8_t)(i * 131 + (i >> 8));

	if (iperf3_get_params(t) < 0 || iperf3_get_streams(t) < 0 ||
	    iperf3_run(t) < 0)
		goto out;

	/* As iperf's server does at TEST_END: the data connections close
	 * before the results go (one with data unread is reset). */
	iperf3_close_streams(t);
	uint64_t wall = t->end_us - t->start_us;
	uint64_t idle = sysinfo_idle_us() - t->idle_start_us;
	if (wall && idle < wall)
		t->cpu_mpct = (uint32_t)((wall - idle) * 100000 / wall);
	completed = iperf3_exchange_results(t) == 0;
out:
	mutex_lock(&iperf3_lock);
	iperf3_current = NULL;
	if (completed)
		iperf3_stats.completed++;
	else if (t->refused)
		iperf3_stats.refused++;
	else
		iperf3_stats.aborted++;
	for (int i = 0; i < t->nstreams; i++) {
		if (t->streams[i].sender)
			iperf3_stats.out_bytes += t->streams[i].bytes;
		else
			iperf3_stats.in_bytes += t->streams[i].bytes;
	}
	mutex_unlock(&iperf3_lock);
	iperf3_close_streams(t);
	close(t->ctrl);
	free(t->streams);
	free(t->buf);
	free(t);
}

/* ---- the listener ---- */

/* Under iperf3_lock: ACCESS_DENIED, as iperf3 -s answers while busy. */
static void iperf3_deny(int fd)
{
	int8_t state = IPERF3_ACCESS_DENIED;

	/* The cookie was read: nothing is left unread, so close() sends
	 * a FIN after the byte, not a reset that could overtake it. */
	send(fd, &state, 1, MSG_DONTWAIT);
	close(fd);
	iperf3_stats.denied++;
}

/* Under iperf3_lock: a test for a new control connection. */
static void iperf3_new_test(int fd, const char *cookie)
{
	struct iperf3_test *t = calloc(1, sizeof(*t));
	struct timeval tv = { .tv_sec = IPERF3_CTRL_TIMEOUT_S };
	int one = 1;

	if (!t) {
		ctrl_error(fd, IPERF3_IENEWTEST, IPERF3_LINUX_ENOMEM);
		close(fd);
		return;
	}
	t->ctrl = fd;
	memcpy(t->cookie, cookie, IPERF3_COOKIE_SIZE);
	sem_init(&t->arrived, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/* State bytes are one-byte writes: no Nagle wait on any of them. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	iperf3_current = t;
	iperf3_stats.tests++;
	if (!thread_create("iperf3-test", PRIO_NORMAL, iperf3_test_thread, t,
			   THREAD_STACK_DEFAULT)) {
		iperf3_current = NULL;
		iperf3_stats.aborted++;
		ctrl_error(fd, IPERF3_IENEWTEST, IPERF3_LINUX_ENOMEM);
		close(fd);
		free(t);
	}
}

/* A new connection: its cookie says what it is. */
static void iperf3_identify(int fd)
{
	char cookie[IPERF3_COOKIE_SIZE];
	struct timeval tv = { .tv_sec = IPERF3_COOKIE_TIMEOUT_S };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (recv(fd, cookie, sizeof(cookie), MSG_WAITALL) != sizeof(cookie)) {
		close(fd);
		return;
	}
	for (uint64_t waited = 0;; waited += FINISH_WAIT_US) {
		mutex_lock(&iperf3_lock);
		struct iperf3_test *t = iperf3_current;
		if (t && t->finishing &&
		    waited < IPERF3_CTRL_TIMEOUT_S * US_PER_S) {
			/* The client that just ended may be back at once
			 * for another test: let this one end first. */
			mutex_unlock(&iperf3_lock);
			thread_sleep_us(FINISH_WAIT_US);
			continue;
		}
		if (!t) {
			iperf3_new_test(fd, cookie);
		} else if (t->accepting && t->npending < t->nwant &&
			   memcmp(cookie, t->cookie, sizeof(cookie)) == 0) {
			t->pending[t->npending++] = fd;
			sem_post(&t->arrived);
		} else {
			iperf3_deny(fd);
		}
		mutex_unlock(&iperf3_lock);
		return;
	}
}

/* One listener per family (arg: the domain), as every service has;
 * connections from either join the one test there is at a time. */
static void iperf3_listener(void *arg)
{
	int lfd = services_tcp_listen("iperf3", (int)(intptr_t)arg,
				      IPERF3_PORT, IPERF3_BACKLOG,
				      IPERF3_SOCKBUF);

	if (lfd < 0)
		return;
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno != EMFILE)
				kprintf("services: iperf3: accept: %s\n",
					strerror(errno));
			thread_sleep_us(100000);
			continue;
		}
		iperf3_identify(fd);
	}
}

/* Two lines as /proc/net/snmp has them: the names, then the values. */
static void iperf3_show(struct seqbuf *s)
{
	mutex_lock(&iperf3_lock);
	struct iperf3_stats st = iperf3_stats;
	mutex_unlock(&iperf3_lock);
	seq_printf(s, "Iperf3: Tests Completed Refused Aborted Denied "
		      "InBytes OutBytes\n"
		      "Iperf3: %lu %lu %lu %lu %lu %lu %lu\n",
		   st.tests, st.completed, st.refused, st.aborted, st.denied,
		   (unsigned long)st.in_bytes, (unsigned long)st.out_bytes);
}

void iperf3_start(void)
{
	mutex_init(&iperf3_lock, false);
	proc_register("/proc/net/iperf3", iperf3_show);
	if (!thread_create("iperf3", PRIO_NORMAL, iperf3_listener,
			   (void *)(intptr_t)AF_INET, THREAD_STACK_DEFAULT) ||
	    !thread_create("iperf3-v6", PRIO_NORMAL, iperf3_listener,
			   (void *)(intptr_t)AF_INET6, THREAD_STACK_DEFAULT))
		kprintf("services: cannot start iperf3\n");
}
