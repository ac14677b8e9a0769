/*
 * <arpa/inet.h>: addresses to text and back, for the shell, the services
 * and anything written against POSIX. The parsing and formatting are the
 * stack's own (net/inet.c, net/ip6_addr.c), so an address reads the same
 * wherever Kite prints it. Not sockets: a libc piece, kept out of
 * kernel/socket.c.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "net/inet.h"
#include "net/ip6_addr.h"

int inet_pton(int af, const char *src, void *dst)
{
	uint32_t a;
	struct ip6_addr a6;

	if (af == AF_INET6) {
		if (!ip6_addr_parse(src, &a6))
			return 0;
		memcpy(dst, a6.b, sizeof(a6.b));
		return 1;
	}
	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (!inet_parse(src, &a))
		return 0;
	a = htonl(a);
	memcpy(dst, &a, sizeof(a));
	return 1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	char buf[INET6_ADDRSTRLEN];
	uint32_t a;

	if (af == AF_INET6) {
		struct ip6_addr a6;
		memcpy(a6.b, src, sizeof(a6.b));
		ip6_addr_format(&a6, buf);
	} else if (af == AF_INET) {
		memcpy(&a, src, sizeof(a));
		inet_format(ntohl(a), buf);
	} else {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if (strlen(buf) + 1 > size) {
		errno = ENOSPC;
		return NULL;
	}
	strcpy(dst, buf);
	return dst;
}

int inet_aton(const char *cp, struct in_addr *inp)
{
	return inet_pton(AF_INET, cp, &inp->s_addr) == 1;
}

in_addr_t inet_addr(const char *cp)
{
	struct in_addr a;

	return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char buf[INET_ADDRSTRLEN];

	inet_format(ntohl(in.s_addr), buf);
	return buf;
}
