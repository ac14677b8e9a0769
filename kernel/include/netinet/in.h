/*
 * Internet addresses (POSIX <netinet/in.h>), for kernel/socket.c's
 * sockets. Values are Linux's. Addresses and ports in these structures
 * are in network byte order, as everywhere.
 */
#ifndef _NETINET_IN_H
#define _NETINET_IN_H

#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;

struct in_addr {
	in_addr_t s_addr;
};

struct sockaddr_in {
	sa_family_t sin_family;		/* AF_INET */
	in_port_t sin_port;
	struct in_addr sin_addr;
	unsigned char sin_zero[8];
};

struct in6_addr {
	uint8_t s6_addr[16];
};

struct sockaddr_in6 {
	sa_family_t sin6_family;	/* AF_INET6 */
	in_port_t sin6_port;
	uint32_t sin6_flowinfo;
	struct in6_addr sin6_addr;
	uint32_t sin6_scope_id;
};

#define IN6ADDR_ANY_INIT	{ { 0 } }
#define IN6ADDR_LOOPBACK_INIT	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } }

#define IPPROTO_IP	0
#define IPPROTO_ICMP	1
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_IPV6	41
#define IPPROTO_ICMPV6	58
#define IPPROTO_RAW	255

/* Host byte order constants; compare with ntohl(sin_addr.s_addr). */
#define INADDR_ANY		((in_addr_t)0x00000000)
#define INADDR_BROADCAST	((in_addr_t)0xffffffff)
#define INADDR_NONE		((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK		((in_addr_t)0x7f000001)

#define INET_ADDRSTRLEN 16
#define INET6_ADDRSTRLEN 46

/* IPPROTO_IP socket options. */
#define IP_TOS		1
#define IP_TTL		2		/* int 1-255; -1: the default */
#define IP_RECVTTL	12		/* int: IP_TTL control messages */

/* IPPROTO_IPV6 socket options (Linux's values). */
#define IPV6_UNICAST_HOPS	16
#define IPV6_V6ONLY		26	/* int: AF_INET6 socket without IPv4 */

#define IN6_IS_ADDR_V4MAPPED(a)                                             \
	((a)->s6_addr[0] == 0 && (a)->s6_addr[1] == 0 &&                    \
	 (a)->s6_addr[2] == 0 && (a)->s6_addr[3] == 0 &&                    \
	 (a)->s6_addr[4] == 0 && (a)->s6_addr[5] == 0 &&                    \
	 (a)->s6_addr[6] == 0 && (a)->s6_addr[7] == 0 &&                    \
	 (a)->s6_addr[8] == 0 && (a)->s6_addr[9] == 0 &&                    \
	 (a)->s6_addr[10] == 0xff && (a)->s6_addr[11] == 0xff)

extern const struct in6_addr in6addr_any, in6addr_loopback;

static inline uint16_t htons(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

static inline uint32_t htonl(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

#define ntohs(v) htons(v)
#define ntohl(v) htonl(v)

#ifdef __cplusplus
}
#endif

#endif
