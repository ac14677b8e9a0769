/*
 * Network services started at boot, written against the BSD socket API
 * as a user program would be (INTERFACE.md lists them).
 *
 * UDP echo (RFC 862) on port 7: every datagram goes back to its sender
 * unchanged. Datagrams from port 0 or from another small service's
 * port (echo 7, daytime 13, chargen 19, time 37) are not answered, as
 * BSD inetd does, so that two such services cannot be set bouncing
 * datagrams at each other forever.
 *
 * TCP echo (RFC 862) on port 7: a listener thread accepts, and each
 * connection gets a thread of its own that echoes until the peer's end
 * of stream, then closes. Connections are bounded by the socket
 * descriptor table (SOCKET_FD_MAX): when it is full accept fails with
 * EMFILE and the listener pauses, leaving new peers in the backlog.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "kernel/printk.h"
#include "kernel/services.h"
#include "kernel/thread.h"

#define ECHO_PORT	7
#define ECHO_BUF	65536	/* the largest datagram, and some */
#define ERROR_PAUSE_US	100000	/* after an unexpected error */
#define TCP_BACKLOG	32	/* listen() backlog of each TCP service */
#define TCP_ECHO_BUF	8192	/* per connection */

static bool loop_port(uint16_t port)
{
	return port == 0 || port == 7 || port == 13 || port == 19 ||
	       port == 37;
}

static void udp_echo(void *arg)
{
	(void)arg;
	uint8_t *buf = malloc(ECHO_BUF);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(ECHO_PORT),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};

	if (!buf || fd < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		kprintf("services: udp echo: cannot start (%s)\n",
			strerror(buf ? errno : ENOMEM));
		if (fd >= 0)
			close(fd);
		free(buf);
		return;
	}
	for (;;) {
		struct sockaddr_in from;
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, ECHO_BUF, 0,
				     (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			kprintf("services: udp echo: recvfrom: %s\n",
				strerror(errno));
			thread_sleep_us(ERROR_PAUSE_US);
			continue;
		}
		if (loop_port(ntohs(from.sin_port)))
			continue;
		/* A lost echo is the client's to notice, as with any
		 * datagram; a send error is not worth a log line. */
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
		       fromlen);
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

static void tcp_echo(void *arg)
{
	(void)arg;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(ECHO_PORT),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};

	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(lfd, TCP_BACKLOG) < 0) {
		kprintf("services: tcp echo: cannot start (%s)\n",
			strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return;
	}
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno != EMFILE)
				kprintf("services: tcp echo: accept: %s\n",
					strerror(errno));
			thread_sleep_us(ERROR_PAUSE_US);
			continue;
		}
		if (!thread_create("tcp-echo-conn", PRIO_NORMAL, tcp_echo_conn,
				   (void *)(intptr_t)fd, THREAD_STACK_DEFAULT))
			close(fd);	/* no memory: the peer sees a reset */
	}
}

void services_start(void)
{
	if (!thread_create("udp-echo", PRIO_NORMAL, udp_echo, NULL,
			   THREAD_STACK_DEFAULT))
		kprintf("services: cannot start udp-echo\n");
	if (!thread_create("tcp-echo", PRIO_NORMAL, tcp_echo, NULL,
			   THREAD_STACK_DEFAULT))
		kprintf("services: cannot start tcp-echo\n");
}
