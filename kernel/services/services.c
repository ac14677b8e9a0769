/*
 * Network services started at boot, written against the BSD socket API
 * as a user program would be (INTERFACE.md lists them).
 *
 * UDP echo (RFC 862) on port 7, over IPv4 and IPv6 (0.0.0.0:7 and an
 * IPV6_V6ONLY [::]:7, served by one thread): every datagram goes back
 * to its sender unchanged. Datagrams from port 0 or from another small
 * service's port (echo 7, daytime 13, chargen 19, time 37) are not
 * answered, as BSD inetd does, so that two such services cannot be set
 * bouncing datagrams at each other forever.
 *
 * TCP echo (RFC 862) on port 7: a listener thread accepts, and each
 * connection gets a thread of its own that echoes until the peer's end
 * of stream, then closes. Connections are bounded by the socket
 * descriptor table (SOCKET_FD_MAX): when it is full accept fails with
 * EMFILE and the listener pauses, leaving new peers in the backlog.
 * Every TCP service below is served the same way (tcp_listener), over
 * IPv4 and IPv6 both: a 0.0.0.0 listener and an IPV6_V6ONLY [::] one,
 * each with its thread, as UDP echo has two sockets.
 *
 * TCP discard (RFC 863) on port 9: reads and drops until end of stream.
 *
 * TCP chargen (RFC 864) on port 19: sends 72-character lines of the 95
 * printable ASCII characters, line n starting at character n mod 95,
 * each ended by CR LF, until the peer goes (send fails); input is read
 * and ignored so that it never holds up the connection.
 *
 * HTTP/1.1 (RFC 9112) on port 80, GET and HEAD only: "/" is a status
 * page, "/proc/..." is that /proc file as text/plain. A request head
 * longer than HTTP_HEAD_MAX gets 431; a malformed one 400; another
 * method 405. Connections persist (RFC 9112 section 9.3) unless the
 * client asks otherwise or a request carries a body, which we do not
 * read; an idle persistent connection is closed after HTTP_IDLE_S.
 *
 * iperf3 on port 5201: kernel/services/iperf3.c (iperf3.h), started from here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "kernel/services/iperf3.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/services/services.h"
#include "kernel/thread.h"

#define ECHO_PORT	7
#define ECHO_BUF	65536	/* the largest datagram, and some */
#define ERROR_PAUSE_US	100000	/* after an unexpected error */
#define TCP_BACKLOG	32	/* listen() backlog of each TCP service */
#define TCP_ECHO_BUF	8192	/* per connection */
#define DISCARD_PORT	9
#define CHARGEN_PORT	19
#define CHARGEN_LINE	72	/* characters per line, RFC 864 */
#define CHARGEN_CHARS	95	/* printable ASCII, ' ' to '~' */
#define HTTP_PORT	80
#define HTTP_HEAD_MAX	4096	/* request line and headers */
#define HTTP_IDLE_S	10	/* idle keep-alive connection timeout */
#define HTTP_LINGER_S	2	/* draining input before the last close */
#define HTTP_LINGER_MAX	65536	/* at most this much is drained */

static bool loop_port(uint16_t port)
{
	return port == 0 || port == 7 || port == 13 || port == 19 ||
	       port == 37;
}

static const char *family_name(int domain)
{
	return domain == AF_INET6 ? "IPv6" : "IPv4";
}

/* Bind fd to port on the wildcard address of its domain: 0.0.0.0, or
 * [::] with IPV6_V6ONLY. Every service has a socket of each family, as
 * inetd-style services run with bindv6only, so that ss shows 0.0.0.0:7
 * and [::]:7 as on Linux (a dual-stack [::] would take the IPv4 port
 * too and clash with 0.0.0.0). 0, or -1 with errno. */
static int bind_wildcard(int fd, int domain, uint16_t port)
{
	int on = 1;

	if (domain == AF_INET6) {
		struct sockaddr_in6 sin6 = {
			.sin6_family = AF_INET6,
			.sin6_port = htons(port),
		};
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
			       sizeof(on)) < 0)
			return -1;
		return bind(fd, (struct sockaddr *)&sin6, sizeof(sin6));
	}
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	return bind(fd, (struct sockaddr *)&sin, sizeof(sin));
}

/* The UDP echo socket of domain on port 7. -1 if it cannot be had. */
static int udp_echo_socket(int domain)
{
	int fd = socket(domain, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	if (bind_wildcard(fd, domain, ECHO_PORT) < 0) {
		kprintf("services: udp echo (%s): cannot start (%s)\n",
			family_name(domain), strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int services_tcp_listen(const char *name, int domain, uint16_t port,
			int backlog, int bufsize)
{
	int fd = socket(domain, SOCK_STREAM, 0);
	int one = 1;

	/* Accepted connections inherit the listener's buffer sizes, which
	 * are fixed once a connection is synchronised (net/tcp.h). */
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (bufsize && (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize,
				    sizeof(bufsize)) < 0 ||
			 setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize,
				    sizeof(bufsize)) < 0)) ||
	    bind_wildcard(fd, domain, port) < 0 || listen(fd, backlog) < 0) {
		kprintf("services: %s (%s): cannot start (%s)\n", name,
			family_name(domain), strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void udp_echo(void *arg)
{
	(void)arg;
	/* One thread and one buffer serve both sockets. */
	uint8_t *buf = malloc(ECHO_BUF);
	struct pollfd pfd[2] = {
		{ .fd = udp_echo_socket(AF_INET), .events = POLLIN },
		{ .fd = udp_echo_socket(AF_INET6), .events = POLLIN },
	};

	if (!buf || (pfd[0].fd < 0 && pfd[1].fd < 0)) {
		kprintf("services: udp echo: cannot start (%s)\n",
			strerror(buf ? errno : ENOMEM));
		for (int i = 0; i < 2; i++)
			if (pfd[i].fd >= 0)
				close(pfd[i].fd);
		free(buf);
		return;
	}
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			thread_sleep_us(ERROR_PAUSE_US);
			continue;
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents & POLLIN))
				continue;
			struct sockaddr_in6 from;	/* the larger */
			socklen_t fromlen = sizeof(from);
			ssize_t n = recvfrom(pfd[i].fd, buf, ECHO_BUF,
					     MSG_DONTWAIT,
					     (struct sockaddr *)&from,
					     &fromlen);
			if (n < 0) {
				if (errno != EAGAIN)
					kprintf("services: udp echo: "
						"recvfrom: %s\n",
						strerror(errno));
				continue;
			}
			/* sin_port and sin6_port are at the same place. */
			if (loop_port(ntohs(from.sin6_port)))
				continue;
			/* A lost echo is the client's to notice, as with
			 * any datagram; a send error is not worth a log
			 * line. */
			sendto(pfd[i].fd, buf, (size_t)n, 0,
			       (struct sockaddr *)&from, fromlen);
		}
	}
}

/* One accepted connection: echo until end of stream or an error. */
static void tcp_echo_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	uint8_t *buf = malloc(TCP_ECHO_BUF);
	ssize_t n;

	while (buf && (n = read(fd, buf, TCP_ECHO_BUF)) > 0) {
		/* A blocking send queues everything or fails (reset). */
		if (send(fd, buf, (size_t)n, 0) != n)
			break;
	}
	free(buf);
	close(fd);
}

/* One accepted connection: read and drop until end of stream. */
static void tcp_discard_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	uint8_t *buf = malloc(TCP_ECHO_BUF);

	while (buf && read(fd, buf, TCP_ECHO_BUF) > 0)
		;
	free(buf);
	close(fd);
}

/* One accepted connection: chargen until the peer goes. One full cycle
 * of CHARGEN_CHARS lines is built once and sent over and over. */
static void tcp_chargen_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	const size_t linelen = CHARGEN_LINE + 2;
	const size_t cycle = CHARGEN_CHARS * linelen;
	char *buf = malloc(cycle);
	char sink[256];

	if (buf) {
		for (size_t n = 0; n < CHARGEN_CHARS; n++) {
			char *line = buf + n * linelen;
			for (size_t i = 0; i < CHARGEN_LINE; i++)
				line[i] = (char)(' ' + (n + i) % CHARGEN_CHARS);
			line[CHARGEN_LINE] = '\r';
			line[CHARGEN_LINE + 1] = '\n';
		}
	}
	while (buf) {
		/* Input is ignored (RFC 864), but read so that it cannot
		 * fill the window or make the final close a reset. */
		while (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
			;
		if (send(fd, buf, cycle, 0) != (ssize_t)cycle)
			break;	/* EPIPE or ECONNRESET: the peer went */
	}
	free(buf);
	close(fd);
}

/* ---- HTTP/1.1 ---- */

struct http_req {
	const char *method;	/* NUL-terminated, inside the head buffer */
	const char *target;
	bool http10;		/* HTTP/1.0 rather than HTTP/1.1 */
	bool conn_close;	/* Connection: close */
	bool conn_keepalive;	/* Connection: keep-alive */
	bool has_host;
	bool has_body;		/* Content-Length > 0 or Transfer-Encoding */
};

/* Offset just past the blank line ending the head in buf[0..len), or 0
 * when it is not there yet. A bare LF ends a line too (RFC 9112 2.2). */
static size_t http_head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static bool http_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Does the comma-separated list v hold the token tok (case-insensitive)? */
static bool http_has_token(const char *v, const char *tok)
{
	size_t n = strlen(tok);

	while (*v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		const char *e = v;
		while (*e && *e != ',')
			e++;
		const char *t = e;
		while (t > v && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if ((size_t)(t - v) == n && strncasecmp(v, tok, n) == 0)
			return true;
		v = e;
	}
	return false;
}

/* Parse the head in place (lines become NUL-terminated). 0 or -1 for a
 * malformed request (RFC 9112 sections 3 and 5). */
static int http_parse(char *head, size_t len, struct http_req *r)
{
	char *p = head, *end = head + len;

	memset(r, 0, sizeof(*r));
	/* RFC 9112 2.2: empty lines before the request line are ignored. */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	for (char *q = p; q < end; q++) {
		if (*q == '\r' || *q == '\n')
			*q = '\0';
		else if (*q == '\0')
			return -1;
	}
	/* request-line = method SP request-target SP HTTP-version */
	char *line = p;
	p += strlen(p);
	char *sp1 = strchr(line, ' ');
	char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || sp1 == line || sp2 == sp1 + 1 ||
	    strchr(sp2 + 1, ' '))
		return -1;
	*sp1 = *sp2 = '\0';
	for (char *c = line; *c; c++)
		if (!http_tchar(*c))
			return -1;
	r->method = line;
	r->target = sp1 + 1;
	if (strcmp(sp2 + 1, "HTTP/1.1") == 0)
		r->http10 = false;
	else if (strcmp(sp2 + 1, "HTTP/1.0") == 0)
		r->http10 = true;
	else
		return -1;
	/* field-line = field-name ":" OWS field-value OWS */
	for (;;) {
		while (p < end && *p == '\0')
			p++;
		if (p >= end)
			break;
		char *name = p;
		p += strlen(p);
		char *colon = strchr(name, ':');
		if (!colon || colon == name)
			return -1;
		*colon = '\0';
		for (char *c = name; *c; c++)
			if (!http_tchar(*c))
				return -1;	/* also no space before ':' */
		char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if (strcasecmp(name, "Connection") == 0) {
			r->conn_close |= http_has_token(v, "close");
			r->conn_keepalive |= http_has_token(v, "keep-alive");
		} else if (strcasecmp(name, "Host") == 0) {
			if (r->has_host)
				return -1;	/* RFC 9112 3.2 */
			r->has_host = true;
		} else if (strcasecmp(name, "Content-Length") == 0) {
			if (!*v || strspn(v, "0123456789 \t") != strlen(v))
				return -1;
			if (strtoul(v, NULL, 10) != 0)
				r->has_body = true;
		} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
			r->has_body = true;
		}
	}
	if (!r->http10 && !r->has_host)
		return -1;
	return 0;
}

/* Send a whole response in one buffer, so that Nagle never holds back a
 * second part. 0, or -1 when the peer is gone. */
static int http_respond(int fd, int status, const char *reason,
			const char *type, const char *extra, const char *body,
			size_t bodylen, bool head_only, bool close_after,
			bool http10)
{
	char hdr[384];
	int n = snprintf(hdr, sizeof(hdr),
			 "HTTP/1.1 %d %s\r\n"
			 "Server: Kite\r\n"
			 "Content-Type: %s\r\n"
			 "Content-Length: %lu\r\n"
			 "%s%s\r\n",
			 status, reason, type, (unsigned long)bodylen, extra,
			 close_after ? "Connection: close\r\n" :
			 http10	     ? "Connection: keep-alive\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(hdr))
		return -1;
	size_t total = (size_t)n + (head_only ? 0 : bodylen);
	char *out = malloc(total);
	if (!out)
		return -1;
	memcpy(out, hdr, (size_t)n);
	if (!head_only)
		memcpy(out + n, body, bodylen);
	ssize_t sent = send(fd, out, total, 0);
	free(out);
	return sent == (ssize_t)total ? 0 : -1;
}

static void http_error(int fd, int status, const char *reason,
		       const char *extra, bool head_only, bool close_after,
		       bool http10)
{
	char body[64];
	int n = snprintf(body, sizeof(body), "%d %s\n", status, reason);
	http_respond(fd, status, reason, "text/plain", extra, body, (size_t)n,
		     head_only, close_after, http10);
}

static void html_escaped(struct seqbuf *s, const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (t[i]) {
		case '<': seq_printf(s, "&lt;"); break;
		case '>': seq_printf(s, "&gt;"); break;
		case '&': seq_printf(s, "&amp;"); break;
		case '"': seq_printf(s, "&quot;"); break;
		default: seq_write(s, &t[i], 1);
		}
	}
}

/* The /proc file's text, escaped, without its trailing newline. */
static void html_proc(struct seqbuf *s, const char *path)
{
	size_t len = 0;
	int err;
	char *t = proc_read(path, &len, &err);

	if (!t) {
		seq_printf(s, "(%s)", strerror(-err));
		return;
	}
	while (len && t[len - 1] == '\n')
		len--;
	html_escaped(s, t, len);
	free(t);
}

static void html_proc_link(const char *path, void *arg)
{
	struct seqbuf *s = arg;

	seq_printf(s, "<li><a href=\"");
	html_escaped(s, path, strlen(path));
	seq_printf(s, "\">");
	html_escaped(s, path, strlen(path));
	seq_printf(s, "</a></li>\n");
}

/* "/": what is running, for how long, and what else there is to read. */
static void http_status_page(struct seqbuf *s)
{
	seq_printf(s, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		      "<title>Kite</title></head><body>\n<h1>Kite</h1>\n"
		      "<p>Version: ");
	html_proc(s, "/proc/version");
	seq_printf(s, "</p>\n<p>Uptime (seconds, then idle): ");
	html_proc(s, "/proc/uptime");
	seq_printf(s, "</p>\n<h2>/proc</h2>\n<ul>\n");
	proc_for_each(html_proc_link, s);
	seq_printf(s, "</ul>\n</body></html>\n");
}

/* Answer one parsed request. 0, or -1 when the peer is gone. */
static int http_serve(int fd, const struct http_req *r, bool close_after)
{
	bool head = strcmp(r->method, "HEAD") == 0;
	char path[256];

	if (!head && strcmp(r->method, "GET") != 0) {
		http_error(fd, 405, "Method Not Allowed", "Allow: GET, HEAD\r\n",
			   false, close_after, r->http10);
		return 0;
	}
	/* The path is the origin-form target without its query. */
	size_t plen = strcspn(r->target, "?#");
	if (r->target[0] != '/' || plen >= sizeof(path)) {
		http_error(fd, 404, "Not Found", "", head, close_after,
			   r->http10);
		return 0;
	}
	memcpy(path, r->target, plen);
	path[plen] = '\0';

	if (strcmp(path, "/") == 0) {
		struct seqbuf s = { 0 };
		http_status_page(&s);
		if (s.overflow || !s.buf) {
			free(s.buf);
			http_error(fd, 500, "Internal Server Error", "", head,
				   close_after, r->http10);
			return 0;
		}
		int rc = http_respond(fd, 200, "OK", "text/html; charset=utf-8",
				      "", s.buf, s.len, head, close_after,
				      r->http10);
		free(s.buf);
		return rc;
	}
	if (strncmp(path, "/proc/", 6) == 0) {
		size_t len = 0;
		int err;
		char *t = proc_read(path, &len, &err);
		if (t) {
			int rc = http_respond(fd, 200, "OK",
					      "text/plain; charset=utf-8", "", t,
					      len, head, close_after,
					      r->http10);
			free(t);
			return rc;
		}
		if (err == -ENOMEM) {
			http_error(fd, 500, "Internal Server Error", "", head,
				   close_after, r->http10);
			return 0;
		}
	}
	http_error(fd, 404, "Not Found", "", head, close_after, r->http10);
	return 0;
}

/* Close after a response without losing it: unread input would make
 * close() reset the connection, and a reset can overtake the response
 * in the peer's stack. Send our FIN, drain what the peer still sends
 * (bounded in time and bytes), then close. */
static void http_close(int fd, char *buf, size_t cap)
{
	struct timeval tv = { .tv_sec = HTTP_LINGER_S };
	size_t drained = 0;
	ssize_t n;

	shutdown(fd, SHUT_WR);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (drained < HTTP_LINGER_MAX && (n = read(fd, buf, cap)) > 0)
		drained += (size_t)n;
	close(fd);
}

/* One accepted connection: requests, one after another (pipelined ones
 * too), until the peer closes, asks to close, or stays idle. */
static void http_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char *buf = malloc(HTTP_HEAD_MAX + 1);
	struct timeval tv = { .tv_sec = HTTP_IDLE_S };
	size_t len = 0;

	if (!buf) {
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		size_t end;
		while ((end = http_head_end(buf, len)) == 0) {
			if (len == HTTP_HEAD_MAX) {
				http_error(fd, 431,
					   "Request Header Fields Too Large",
					   "", false, true, false);
				goto linger;
			}
			ssize_t n = read(fd, buf + len, HTTP_HEAD_MAX - len);
			if (n <= 0) {
				/* End of stream, idle timeout, or reset. An
				 * incomplete head gets no answer. */
				goto done;
			}
			len += (size_t)n;
		}
		struct http_req r;
		if (http_parse(buf, end, &r) < 0) {
			http_error(fd, 400, "Bad Request", "", false, true,
				   false);
			goto linger;
		}
		/* RFC 9112 9.3: 1.1 persists unless "close"; 1.0 only with
		 * "keep-alive". A body we do not read ends the connection. */
		bool close_after = r.conn_close || r.has_body ||
				   (r.http10 && !r.conn_keepalive);
		if (http_serve(fd, &r, close_after) < 0)
			goto done;
		if (close_after)
			goto linger;
		memmove(buf, buf + end, len - end);
		len -= end;
	}
linger:
	http_close(fd, buf, HTTP_HEAD_MAX);
	free(buf);
	return;
done:
	free(buf);
	close(fd);
}

struct tcp_service {
	const char *name;	/* of the IPv4 listener thread */
	const char *name6;	/* of the IPv6 one */
	const char *conn_name;	/* of each connection's thread */
	uint16_t port;
	void (*conn)(void *arg);	/* gets the descriptor, closes it */
};

static const struct tcp_service tcp_services[] = {
	{ "tcp-echo", "tcp-echo-v6", "tcp-echo-conn", ECHO_PORT,
	  tcp_echo_conn },
	{ "tcp-discard", "tcp-discard-v6", "tcp-discard-conn", DISCARD_PORT,
	  tcp_discard_conn },
	{ "tcp-chargen", "tcp-chargen-v6", "tcp-chargen-conn", CHARGEN_PORT,
	  tcp_chargen_conn },
	{ "http", "http-v6", "http-conn", HTTP_PORT, http_conn },
};

#define N_TCP_SERVICES	(sizeof(tcp_services) / sizeof(tcp_services[0]))

/* What a listener thread serves: one service, one family. A thread per
 * listening socket, each asleep in accept() on its own socket, rather
 * than one thread polling both: poll() sleepers wake at every socket's
 * news, which would cost each service a wake-up per segment under
 * load. (Each waiting accept() holds a descriptor slot: see socket.c.) */
struct tcp_listener_arg {
	const struct tcp_service *svc;
	int domain;
};

static struct tcp_listener_arg tcp_listener_args[N_TCP_SERVICES][2];

/* Accept connections for one service and family, a thread for each. */
static void tcp_listener(void *arg)
{
	const struct tcp_listener_arg *la = arg;
	const struct tcp_service *svc = la->svc;
	int lfd = services_tcp_listen(svc->name, la->domain, svc->port,
				      TCP_BACKLOG, 0);

	if (lfd < 0)
		return;
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno != EMFILE)
				kprintf("services: %s: accept: %s\n",
					svc->name, strerror(errno));
			thread_sleep_us(ERROR_PAUSE_US);
			continue;
		}
		if (!thread_create(svc->conn_name, PRIO_NORMAL, svc->conn,
				   (void *)(intptr_t)fd, THREAD_STACK_DEFAULT))
			close(fd);	/* no memory: the peer sees a reset */
	}
}

void services_start(void)
{
	if (!thread_create("udp-echo", PRIO_NORMAL, udp_echo, NULL,
			   THREAD_STACK_DEFAULT))
		kprintf("services: cannot start udp-echo\n");
	for (size_t i = 0; i < N_TCP_SERVICES; i++) {
		const struct tcp_service *svc = &tcp_services[i];
		for (int f = 0; f < 2; f++) {
			struct tcp_listener_arg *la = &tcp_listener_args[i][f];
			const char *name = f ? svc->name6 : svc->name;
			la->svc = svc;
			la->domain = f ? AF_INET6 : AF_INET;
			if (!thread_create(name, PRIO_NORMAL, tcp_listener, la,
					   THREAD_STACK_DEFAULT))
				kprintf("services: cannot start %s\n", name);
		}
	}
	iperf3_start();
}
