/*
 * nc: netcat over the BSD socket API, with OpenBSD netcat's options and
 * messages.
 *
 *   nc [-46nuvz] [-w SECS] HOST PORT      connect, then copy both ways
 *   nc -l [-46nuv] [-w SECS] [-p] PORT    listen, take one peer, the same
 *
 * Console lines (edited as at the shell prompt, echoed) go to the socket,
 * each with its "\n"; what the socket delivers goes to the console as it
 * comes. TCP ends when the peer closes (exit status 0) or when the user
 * types Ctrl-D on an empty line (end of input: close and exit) or Ctrl-C
 * (interrupt, status 130 as a shell reports SIGINT). Ctrl-D after some
 * text sends that text without a newline, as a tty does.
 *
 * -u is UDP: a client sends each line as one datagram to HOST PORT and
 * prints every reply; a listener (-l -u) prints each datagram received
 * and sends typed lines to the last peer heard from (lines typed before
 * any datagram came have nobody to go to and are dropped).
 *
 * -z connects and closes at once, reporting "Connection to HOST port
 * PORT [tcp/...] succeeded!" (the service field is "*": Kite has no
 * /etc/services); OpenBSD prints that line only with -v, Kite always
 * for -z. -w bounds the connect and ends the session after SECS seconds
 * without traffic either way. -v reports the connection and the
 * listener's address. -n (numeric only) is accepted: Kite resolves no
 * names anyway. A failure prints OpenBSD's message, e.g. "nc: connect
 * to 10.0.2.2 port 80 (tcp) failed: Connection refused", status 1.
 *
 * HOST is an IPv4 or an IPv6 address, a link-local one with its
 * interface (fe80::1%eth0); -4 or -6 insists on one family, as
 * getaddrinfo() does ("Address family for hostname not supported").
 * A listener listens on 0.0.0.0, with -6 on [::], which takes IPv4
 * peers too (no IPV6_V6ONLY, as OpenBSD's nc), shown as ::ffff:a.b.c.d.
 *
 * The console has no descriptor poll() can wait on (poll.h), so the
 * copy loop waits on the socket in short slices and drains the console
 * between them with console_trygetc(): typed input is seen within
 * NC_SLICE_MS. The socket is non-blocking throughout, so a connect, an
 * accept or a full send window never keeps Ctrl-C from being noticed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/shell/lineedit.h"
#include "kernel/shell/shell.h"
#include "kernel/timer.h"

#define NC_SLICE_MS	10	/* console input latency, see above */
#define NC_BUF		4096	/* socket bytes read per turn */
#define NC_MAX_DGRAM	65527	/* the largest UDP payload: 65507 over
				 * IPv4, 65527 over IPv6 */
#define NC_MAX_WAIT_S	86400	/* -w */

#define CTRL_C	0x03
#define CTRL_D	0x04

/* How a wait for the socket ended. */
enum nc_wait {
	NC_READY,		/* the socket has the events asked for */
	NC_INTR,		/* Ctrl-C */
	NC_TIMEOUT,		/* the -w deadline passed */
};

struct nc_opts {
	bool listen, udp, zero, verbose;
	int family;			/* -4, -6; AF_UNSPEC: either */
	uint64_t wait_us;		/* -w; 0: none */
	const char *host;		/* NULL with -l */
	uint16_t port;
};

static void nc_echo(void *arg, const char *s, size_t n)
{
	(void)arg;
	console_write(s, n);
}

static void nc_print(const void *buf, size_t n)
{
	console_write(buf, n);
}

static const char *proto(const struct nc_opts *o)
{
	return o->udp ? "udp" : "tcp";
}

/* An address of either family, as the socket calls take it. For UDP,
 * where typed lines go: the connected peer (client, to = NULL) or the
 * last sender (listener; none yet: the line is dropped). */
struct nc_peer {
	struct sockaddr_storage addr;
	socklen_t len;
	bool known;
};

/* Wait until fd has one of events, Ctrl-C is typed or deadline (us;
 * 0: none) passes. Console bytes other than Ctrl-C stay queued. */
static enum nc_wait nc_wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		if (console_take_ctrl_c())
			return NC_INTR;
		if (deadline && clock_now_us() >= deadline)
			return NC_TIMEOUT;
		struct pollfd p = { .fd = fd, .events = events };
		if (poll(&p, 1, NC_SLICE_MS) > 0)
			return NC_READY;
	}
}

/* Send all of buf on a non-blocking socket, waiting for room. 0, or
 * -1 with the failure printed (or quietly on Ctrl-C, status 130). */
static int nc_send(int fd, const char *buf, size_t len,
		   const struct nc_peer *to, int *status)
{
	while (len) {
		ssize_t n = sendto(fd, buf, len, MSG_DONTWAIT,
				   to ? (const struct sockaddr *)&to->addr :
					NULL,
				   to ? to->len : 0);
		if (n >= 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (errno != EAGAIN) {
			printf("nc: write failed: %s\n", strerror(errno));
			*status = 1;
			return -1;
		}
		if (nc_wait_fd(fd, POLLOUT, 0) == NC_INTR) {
			*status = 130;
			return -1;
		}
	}
	return 0;
}

/*
 * The copy loop: socket to console, console lines to socket, until the
 * peer closes (0), end of input, Ctrl-C (130), an error (1) or -w idle
 * time passes (0, as netcat's idle timeout).
 */
static int nc_copy(int fd, const struct nc_opts *o, struct nc_peer *peer)
{
	static struct lineedit le;
	size_t bufsize = o->udp ? NC_MAX_DGRAM : NC_BUF;
	char *buf = malloc(bufsize);
	int status = 0;
	uint64_t idle_since = clock_now_us();

	if (!buf) {
		printf("nc: out of memory\n");
		return 1;
	}
	lineedit_init(&le, nc_echo, NULL);
	for (;;) {
		/* Console input first: Ctrl-C must win over a busy socket. */
		int c;
		bool done = false;
		while (!done && (c = console_trygetc()) >= 0) {
			const char *line = NULL;
			size_t len = 0;
			char text[LINE_MAX_LEN + 2];

			if (c == CTRL_C) {
				nc_echo(NULL, "^C\n", 3);
				status = 130;
				done = true;
				break;
			}
			if (c == CTRL_D) {
				line = lineedit_line(&le);
				len = strlen(line);
				if (!len) {
					done = true;	/* end of input */
					break;
				}
				memcpy(text, line, len);
			} else if (lineedit_feed(&le, (char)c) == LINE_DONE) {
				line = lineedit_line(&le);
				len = strlen(line);
				memcpy(text, line, len);
				text[len++] = '\n';
			} else {
				continue;
			}
			lineedit_reset(&le);
			idle_since = clock_now_us();
			const struct nc_peer *to = NULL;
			if (o->udp && o->listen) {
				if (!peer->known)
					continue;	/* nobody to answer yet */
				to = peer;
			}
			if (nc_send(fd, text, len, to, &status) < 0)
				done = true;
		}
		if (done)
			break;

		/* Then whatever the socket holds. */
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, bufsize, MSG_DONTWAIT,
				     (struct sockaddr *)&from, &fromlen);
		if (n > 0 || (n == 0 && o->udp)) {
			nc_print(buf, (size_t)n);
			if (o->udp && o->listen) {
				peer->addr = from;
				peer->len = fromlen;
				peer->known = true;
			}
			idle_since = clock_now_us();
			continue;
		}
		if (n == 0)
			break;			/* the peer closed */
		if (errno != EAGAIN) {
			printf("nc: read failed: %s\n", strerror(errno));
			status = 1;
			break;
		}
		if (o->wait_us && clock_now_us() - idle_since >= o->wait_us)
			break;			/* idle for -w seconds */
		struct pollfd p = { .fd = fd, .events = POLLIN };
		poll(&p, 1, NC_SLICE_MS);
	}
	free(buf);
	return status;
}

static int nc_socket(const struct nc_opts *o, int family)
{
	int fd = socket(family, (o->udp ? SOCK_DGRAM : SOCK_STREAM) |
			SOCK_NONBLOCK, 0);
	if (fd < 0)
		printf("nc: socket: %s\n", strerror(errno));
	return fd;
}

/* The port of a, of either family. */
static unsigned nc_port(const struct nc_peer *a)
{
	const struct sockaddr_in6 *sin6 = (const void *)&a->addr;
	const struct sockaddr_in *sin = (const void *)&a->addr;

	return ntohs(a->addr.ss_family == AF_INET6 ? sin6->sin6_port :
						     sin->sin_port);
}

/* The address in host's text into a: an IPv4 or IPv6 literal, a
 * link-local one with its %interface. Its family, or AF_UNSPEC. */
static int nc_parse_host(const char *host, struct nc_peer *a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->addr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->addr;
	char addr[INET6_ADDRSTRLEN], zone[IF_NAMESIZE];

	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1)
		return AF_INET;
	if (!cmdline_split_scope(host, addr, sizeof(addr), zone,
				 sizeof(zone)) ||
	    inet_pton(AF_INET6, addr, &sin6->sin6_addr) != 1)
		return AF_UNSPEC;
	if (*zone && !(sin6->sin6_scope_id = if_nametoindex(zone)))
		return AF_UNSPEC;
	return AF_INET6;
}

/* o->port at HOST, as getaddrinfo() with o->family gives it, or with no
 * HOST at the wildcard address of family (0.0.0.0 or ::). 0, or
 * netcat's message and 1. */
static int nc_address(const struct nc_opts *o, int family, struct nc_peer *a)
{
	const char *why = "Name or service not known";

	memset(a, 0, sizeof(*a));
	if (o->host)
		family = nc_parse_host(o->host, a);
	if (family != AF_UNSPEC && o->family != AF_UNSPEC &&
	    family != o->family) {
		family = AF_UNSPEC;
		why = "Address family for hostname not supported";
	}
	if (family == AF_UNSPEC) {
		printf("nc: getaddrinfo for host \"%s\" port %u: %s\n",
		       o->host, o->port, why);
		return 1;
	}
	if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->addr;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(o->port);
		a->len = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&a->addr;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(o->port);
		a->len = sizeof(*sin);
	}
	a->known = true;
	return 0;
}

/* An address as getnameinfo(NI_NUMERICHOST) writes it, a link-local
 * one with its %interface. */
static const char *nc_addr_text(const struct nc_peer *a, char *buf,
				size_t size)
{
	const struct sockaddr_in6 *sin6 = (const void *)&a->addr;
	const struct sockaddr_in *sin = (const void *)&a->addr;
	char ifname[IF_NAMESIZE];

	if (a->addr.ss_family != AF_INET6)
		return inet_ntop(AF_INET, &sin->sin_addr, buf, size);
	inet_ntop(AF_INET6, &sin6->sin6_addr, buf, size);
	if (sin6->sin6_scope_id && if_indextoname(sin6->sin6_scope_id, ifname))
		snprintf(buf + strlen(buf), size - strlen(buf), "%%%s", ifname);
	return buf;
}

static int nc_connect(const struct nc_opts *o)
{
	struct nc_peer peer;

	if (nc_address(o, AF_UNSPEC, &peer))
		return 1;
	int fd = nc_socket(o, peer.addr.ss_family);
	if (fd < 0)
		return 1;

	int err = 0;
	if (connect(fd, (struct sockaddr *)&peer.addr, peer.len) < 0)
		err = errno;
	if (err == EINPROGRESS) {
		uint64_t deadline = o->wait_us ? clock_now_us() + o->wait_us : 0;
		switch (nc_wait_fd(fd, POLLOUT, deadline)) {
		case NC_INTR:
			nc_echo(NULL, "^C\n", 3);
			close(fd);
			return 130;
		case NC_TIMEOUT:
			err = ETIMEDOUT;
			break;
		case NC_READY: {
			socklen_t len = sizeof(err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
				err = errno;
			break;
		}
		}
	}
	if (err) {
		printf("nc: connect to %s port %u (%s) failed: %s\n", o->host,
		       o->port, proto(o), strerror(err));
		close(fd);
		return 1;
	}
	if (o->zero || o->verbose)
		printf("Connection to %s port %u [%s/*] succeeded!\n", o->host,
		       o->port, proto(o));
	fflush(stdout);
	int status = 0;
	if (!o->zero)
		status = nc_copy(fd, o, &peer);
	close(fd);
	return status;
}

static int nc_listen(const struct nc_opts *o)
{
	struct nc_peer me, peer = { .known = false };
	int one = 1;
	char a[INET6_ADDRSTRLEN + IF_NAMESIZE];

	nc_address(o, o->family == AF_INET6 ? AF_INET6 : AF_INET, &me);
	int fd = nc_socket(o, me.addr.ss_family);
	if (fd < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&me.addr, me.len) < 0) {
		printf("nc: bind failed: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	if (!o->udp && listen(fd, 1) < 0) {
		printf("nc: listen failed: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	if (o->verbose)
		printf("Listening on %s %u\n", nc_addr_text(&me, a, sizeof(a)),
		       o->port);
	fflush(stdout);

	if (o->udp) {
		int status = nc_copy(fd, o, &peer);
		close(fd);
		return status;
	}

	/* One peer: accept it, then the listener goes, as netcat does. */
	int cfd;
	for (;;) {
		peer.len = sizeof(peer.addr);
		cfd = accept(fd, (struct sockaddr *)&peer.addr, &peer.len);
		if (cfd >= 0)
			break;
		if (errno != EAGAIN) {
			printf("nc: accept failed: %s\n", strerror(errno));
			close(fd);
			return 1;
		}
		if (nc_wait_fd(fd, POLLIN, 0) == NC_INTR) {
			nc_echo(NULL, "^C\n", 3);
			close(fd);
			return 130;
		}
	}
	close(fd);
	/* accept()ed sockets start blocking, as on Linux. */
	fcntl(cfd, F_SETFL, O_NONBLOCK);
	if (o->verbose) {
		printf("Connection received on %s %u\n",
		       nc_addr_text(&peer, a, sizeof(a)), nc_port(&peer));
		fflush(stdout);
	}
	int status = nc_copy(cfd, o, &peer);
	close(cfd);
	return status;
}

static int nc_usage(void)
{
	printf("usage: nc [-46lnuvz] [-p port] [-w timeout] [destination] [port]\n");
	return 1;
}

static bool nc_parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v < 1 || v > 65535) {
		printf("nc: port number invalid: %s\n", s);
		return false;
	}
	*port = (uint16_t)v;
	return true;
}

static int cmd_nc(int argc, char **argv)
{
	struct nc_opts o = { 0 };
	const char *args[2], *pflag = NULL;
	int nargs = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1]) {
			if (nargs == 2)
				return nc_usage();
			args[nargs++] = a;
			continue;
		}
		/* Flags combine, as getopt allows: -lu, -vz, -lp 1234. */
		for (const char *f = a + 1; *f; f++) {
			const char *v = NULL;
			if (*f == 'p' || *f == 'w') {
				if (f[1])
					v = f + 1;
				else if (i + 1 < argc)
					v = argv[++i];
				else
					return nc_usage();
			}
			switch (*f) {
			case '4': o.family = AF_INET; break;
			case '6': o.family = AF_INET6; break;
			case 'l': o.listen = true; break;
			case 'u': o.udp = true; break;
			case 'z': o.zero = true; break;
			case 'v': o.verbose = true; break;
			case 'n': break;
			case 'p': pflag = v; break;
			case 'w':
				if (!cmdline_parse_seconds(v, NC_MAX_WAIT_S,
							   &o.wait_us) ||
				    !o.wait_us) {
					printf("nc: timeout invalid: %s\n", v);
					return 1;
				}
				break;
			default:
				return nc_usage();
			}
			if (v)
				break;		/* the value ended this word */
		}
	}
	if (o.listen) {
		/* nc -l PORT, nc -l -p PORT */
		if ((pflag ? 1 : 0) + nargs != 1 || o.zero)
			return nc_usage();
		if (!nc_parse_port(pflag ? pflag : args[0], &o.port))
			return 1;
		return nc_listen(&o);
	}
	if (nargs != 2 || pflag)
		return nc_usage();
	o.host = args[0];
	if (!nc_parse_port(args[1], &o.port))
		return 1;
	return nc_connect(&o);
}

static const struct shell_cmd nc_cmd[] = {
	{ "nc", "nc [-l] [-46uvz] [-w SEC] [HOST] PORT",
	  "TCP/UDP connections from the console (netcat)", cmd_nc },
};

void cmd_nc_init(void)
{
	shell_register(nc_cmd, 1);
}
