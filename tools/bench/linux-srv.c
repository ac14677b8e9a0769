/*
 * The Linux baseline's servers for `make bench` (tools/bench.py): the
 * same small TCP services Kite runs, so the host's clients meet the same
 * protocol on both guests. Built static for arm64 by
 * tools/bench/baseline.py and started by the initramfs's /init
 * (tools/bench/linux-init.sh).
 *
 *   echo    (RFC 862)  port 7:  every byte back, until end of stream
 *   discard (RFC 863)  port 9:  read and drop, until end of stream
 *   chargen (RFC 864)  port 19: 72-character lines, CR LF, until the
 *                               peer goes; input is read and ignored
 *   http-close         port 80: answers one request with a short 200
 *                               and closes first, so that this side
 *                               keeps the TIME_WAIT entry (bench's
 *                               per-TIME_WAIT memory row)
 *
 * One process, one thread, level-triggered epoll over non-blocking
 * sockets: Linux at its cheapest per connection (no fork, no thread),
 * which is the fair thing to compare Kite's stack against.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE	65536	/* one read or write */
#define HTTP_HEAD_MAX	4096
#define CHARGEN_LINE	72
#define CHARGEN_CHARS	95
#define CHARGEN_CYCLE	(CHARGEN_CHARS * (CHARGEN_LINE + 2))
#define MAX_EVENTS	64

enum service { ECHO, DISCARD, CHARGEN, HTTP, NSERVICES };

static const uint16_t service_port[NSERVICES] = { 7, 9, 19, 80 };

struct conn {
	int fd;
	int listener;		/* a listening socket: no conn state */
	enum service svc;
	size_t pend_off, pend_len;	/* echo bytes not yet written back */
	size_t chargen_off;	/* offset into the chargen pattern */
	size_t head_len;	/* http: request bytes seen so far */
	char buf[];		/* BUF_SIZE, or none for a listener */
};

static int epfd;
/* CHARGEN_CYCLE bytes, then enough of them again that any offset
 * below CHARGEN_CYCLE can be followed by BUF_SIZE bytes. */
static char chargen_pat[CHARGEN_CYCLE + BUF_SIZE];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void chargen_init(void)
{
	size_t n = 0;

	while (n < sizeof(chargen_pat)) {
		size_t line = (n / (CHARGEN_LINE + 2)) % CHARGEN_CHARS;
		size_t col = n % (CHARGEN_LINE + 2);

		if (col < CHARGEN_LINE)
			chargen_pat[n] = (char)(' ' + (line + col) % CHARGEN_CHARS);
		else
			chargen_pat[n] = col == CHARGEN_LINE ? '\r' : '\n';
		n++;
	}
}

static void watch(struct conn *c, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (epoll_ctl(epfd, op, c->fd, &ev) < 0)
		die("epoll_ctl");
}

static void conn_close(struct conn *c)
{
	close(c->fd);	/* also leaves the epoll set */
	free(c);
}

static void listen_on(enum service svc)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(service_port[svc]),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1;
	struct conn *c = calloc(1, sizeof(*c));
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (!c || fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 128) < 0)
		die("bind/listen");
	c->fd = fd;
	c->listener = 1;
	c->svc = svc;
	watch(c, EPOLLIN, EPOLL_CTL_ADD);
}

static void accept_all(struct conn *l)
{
	for (;;) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != ECONNABORTED)
				perror("accept");
			return;
		}
		struct conn *c = calloc(1, sizeof(*c) + BUF_SIZE);
		if (!c) {
			close(fd);
			return;
		}
		c->fd = fd;
		c->svc = l->svc;
		watch(c, l->svc == CHARGEN ? EPOLLIN | EPOLLOUT : EPOLLIN,
		      EPOLL_CTL_ADD);
	}
}

/* 1: keep the connection, 0: it was closed. */
static int echo_flush(struct conn *c)
{
	while (c->pend_len) {
		ssize_t n = write(c->fd, c->buf + c->pend_off, c->pend_len);
		if (n < 0) {
			if (errno == EAGAIN) {
				watch(c, EPOLLOUT, EPOLL_CTL_MOD);
				return 1;
			}
			conn_close(c);
			return 0;
		}
		c->pend_off += (size_t)n;
		c->pend_len -= (size_t)n;
	}
	watch(c, EPOLLIN, EPOLL_CTL_MOD);
	return 1;
}

static void http_input(struct conn *c, ssize_t n)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
				   "Connection: close\r\n\r\nok\n";

	c->head_len += (size_t)n;
	if (c->head_len < 4 ||
	    !memmem(c->buf, c->head_len, "\r\n\r\n", 4)) {
		if (c->head_len > HTTP_HEAD_MAX)
			conn_close(c);	/* no head this long from bench */
		return;
	}
	if (write(c->fd, resp, sizeof(resp) - 1) < 0)
		perror("http write");
	conn_close(c);	/* we close first: our side keeps TIME_WAIT */
}

static void serve(struct conn *c, uint32_t events)
{
	if (c->svc == ECHO && c->pend_len) {
		echo_flush(c);
		return;
	}
	if (c->svc == CHARGEN && (events & EPOLLOUT)) {
		ssize_t n = write(c->fd, chargen_pat + c->chargen_off, BUF_SIZE);
		if (n < 0 && errno != EAGAIN) {
			conn_close(c);
			return;
		}
		if (n > 0)
			c->chargen_off = (c->chargen_off + (size_t)n) %
					 CHARGEN_CYCLE;
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	size_t room = c->svc == HTTP ? BUF_SIZE / 2 : BUF_SIZE;
	char *at = c->svc == HTTP ? c->buf + c->head_len : c->buf;
	ssize_t n = read(c->fd, at, room);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	switch (c->svc) {
	case ECHO:
		c->pend_off = 0;
		c->pend_len = (size_t)n;
		echo_flush(c);
		break;
	case HTTP:
		http_input(c, n);
		break;
	default:
		break;	/* discard, and chargen's input */
	}
}

int main(void)
{
	struct epoll_event ev[MAX_EVENTS];

	/* A peer that goes while chargen or echo writes is an EPIPE for
	 * that connection, not the end of every service. */
	signal(SIGPIPE, SIG_IGN);
	chargen_init();
	epfd = epoll_create1(0);
	if (epfd < 0)
		die("epoll_create1");
	for (int s = 0; s < NSERVICES; s++)
		listen_on((enum service)s);
	fprintf(stderr, "linux-srv: echo 7, discard 9, chargen 19, http 80\n");
	for (;;) {
		int n = epoll_wait(epfd, ev, MAX_EVENTS, -1);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (int i = 0; i < n; i++) {
			struct conn *c = ev[i].data.ptr;
			if (c->listener)
				accept_all(c);
			else
				serve(c, ev[i].events);
		}
	}
}
