/*
 * Network services started at boot, written against the BSD socket API
 * as a user program would be (INTERFACE.md lists them).
 *
 * UDP echo (RFC 862) on port 7: every datagram goes back to its sender
 * unchanged. Datagrams from port 0 or from another small service's
 * port (echo 7, daytime 13, chargen 19, time 37) are not answered, as
 * BSD inetd does, so that two such services cannot be set bouncing
 * datagrams at each other forever.
 */
#include <errno.h>
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

void services_start(void)
{
	if (!thread_create("udp-echo", PRIO_NORMAL, udp_echo, NULL,
			   THREAD_STACK_DEFAULT))
		kprintf("services: cannot start udp-echo\n");
}
