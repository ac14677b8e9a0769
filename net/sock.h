/*
 * Stack-side sockets: the protocol state behind a BSD socket. The kernel
 * (kernel/socket.c) owns the descriptor, blocking and errno; this holds
 * addresses, queues and pending errors, and is only touched with the
 * stack serialised (see stack.h): every function here is called with
 * the stack lock held and never blocks.
 *
 * Datagram sockets (UDP, and ping sockets: SOCK_DGRAM + IPPROTO_ICMP as
 * on Linux) behave as Linux's do, errno for errno:
 *
 *  - bind: INADDR_ANY or a local (or broadcast/multicast) address,
 *    else -EADDRNOTAVAIL; port 0 picks an ephemeral port; -EINVAL if
 *    already bound; -EADDRINUSE unless SO_REUSEADDR on both sides or
 *    the local addresses differ (both specific).
 *  - connect sets the default destination and, if unset, the local
 *    address (the route's source) and an ephemeral port; AF_UNSPEC
 *    (net_sock_disconnect) undoes what connect set. A broadcast
 *    destination needs SO_BROADCAST (-EACCES).
 *  - sendto binds an ephemeral port on first use; -EDESTADDRREQ without
 *    a destination on an unconnected socket; -EMSGSIZE above 65507
 *    bytes; -EACCES for a broadcast without SO_BROADCAST; a pending
 *    so_error is returned (and cleared) first; -EPIPE after SHUT_WR.
 *  - Receiving: each socket has a queue bounded in bytes (SO_RCVBUF).
 *    Linux's default is 212992 (net.core.rmem_default); Kite's is
 *    NET_SOCK_RCVBUF_DEFAULT = 64 KiB, because its heap is small. Every
 *    queued datagram is charged its payload plus its record
 *    (sizeof(struct net_dgram)); a datagram that does not fit is dropped
 *    (UDP RcvbufErrors + InErrors) unless the queue is empty, so any
 *    datagram can be received once. As on Linux, setsockopt(SO_RCVBUF)
 *    stores twice the value asked for (bookkeeping overhead), clamped to
 *    [NET_SOCK_RCVBUF_MIN, 2 * NET_SOCK_RMEM_MAX], and getsockopt shows
 *    the doubled value.
 *  - A read returns one datagram; a buffer too small gets its start and
 *    the rest is discarded; net_sock_recv() returns the datagram's whole
 *    length so the kernel can implement MSG_TRUNC. A pending so_error is
 *    returned (and cleared) before any queued data.
 *  - ICMP errors (port unreachable -> -ECONNREFUSED, ...) set so_error on
 *    connected sockets only (RFC 1122 4.1.3.3, Linux without IP_RECVERR).
 *  - Readiness (net_sock_poll): NET_EV_OUT always; NET_EV_IN when a
 *    datagram is queued, when SHUT_RD was done, or with so_error, which
 *    also gives NET_EV_ERR; NET_EV_HUP after shutdown of both directions.
 *
 * Ping sockets: sendto takes an ICMP echo request (type 8, code 0, at
 * least the 8-byte header, else -EINVAL); its identifier is replaced by
 * the socket's ident (its "port": bind's sin_port, or an ephemeral one
 * from 1-65535) and its checksum computed. A read returns an echo reply
 * whose identifier is the socket's ident, ICMP header included, as on
 * Linux; the reply's IP TTL is in net_recv_info.ttl (the kernel hands it
 * to the user as an IP_TTL control message when IP_RECVTTL is set, like
 * Linux; ping prints it as "ttl=64").
 *
 * Whenever a socket's readiness changes (datagram queued, so_error set,
 * shutdown), the stack calls net_sock_notify(); the kernel wakes the
 * socket's waiters after it has released the stack lock.
 */
#ifndef KITE_NET_SOCK_H
#define KITE_NET_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/ip6_addr.h"
#include "net/pkt.h"

/* Readiness, with poll(2)'s bit values. */
#define NET_EV_IN	0x001
#define NET_EV_OUT	0x004
#define NET_EV_ERR	0x008
#define NET_EV_HUP	0x010

/* Knobs, named after Linux's sysctls. */
#define NET_SOCK_RCVBUF_DEFAULT	(64 * 1024)	/* Linux rmem_default: 212992 */
#define NET_SOCK_SNDBUF_DEFAULT	(64 * 1024)	/* Linux wmem_default: 212992 */
#define NET_SOCK_RMEM_MAX	212992		/* net.core.rmem_max */
#define NET_SOCK_WMEM_MAX	212992		/* net.core.wmem_max */
#define NET_SOCK_RCVBUF_MIN	2304		/* Linux SOCK_MIN_RCVBUF */
#define NET_SOCK_SNDBUF_MIN	4608		/* Linux SOCK_MIN_SNDBUF */

#define UDP_HLEN		8
#define UDP_MAX_PAYLOAD		65507	/* 65535 - IP header - UDP header */

enum net_sock_type {
	NET_SOCK_UDP,
	NET_SOCK_PING,		/* SOCK_DGRAM + IPPROTO_ICMP, as on Linux */
	NET_SOCK_TCP,
};

/* Socket options the stack keeps (net_sock_setopt/getopt); the kernel
 * maps SOL_SOCKET / IPPROTO_IP names onto these. */
enum net_sockopt {
	NET_SO_REUSEADDR,	/* bool */
	NET_SO_BROADCAST,	/* bool */
	NET_SO_RCVBUF,		/* bytes; stored doubled, as Linux */
	NET_SO_SNDBUF,		/* bytes; stored doubled, as Linux */
	NET_IP_TTL,		/* 1-255, -1 for the default (64) */
	NET_IP_RECVTTL,		/* bool: the kernel reports each read's TTL */
	NET_IPV6_V6ONLY,	/* bool; -EINVAL once bound, as Linux */
};

/* sk->flags */
#define NET_SOCK_F_REUSEADDR	0x01
#define NET_SOCK_F_BROADCAST	0x02
#define NET_SOCK_F_RECVTTL	0x04
#define NET_SOCK_F_ADDR_LOCK	0x08	/* laddr set by bind, not connect */
#define NET_SOCK_F_PORT_LOCK	0x10	/* lport set by bind, not autobind */
#define NET_SOCK_F_PORT_REUSE	0x20	/* lport taken with PORT_REUSE */
#define NET_SOCK_F_V6ONLY	0x40	/* IPV6_V6ONLY: no IPv4 peers */

/* sk->port_fams: a dual-stack wildcard ([::] without IPV6_V6ONLY)
 * holds its port in both families' tables, as Linux's default
 * net.ipv6.bindv6only = 0 makes it take the IPv4 port too. */
#define NET_PORT_V4		0x1
#define NET_PORT_V6		0x2

/* shutdown(2) directions, sk->shutdown bits. */
#define NET_SHUT_RD		0x1
#define NET_SHUT_WR		0x2

/* recv flags */
#define NET_MSG_PEEK		0x1

struct net_stack;
struct netif;
struct net_sock;

/* A queued datagram: what a read returns, where it came from. One that
 * came over IPv6 (family NET_AF_INET6) carries a struct net_dgram_src6
 * at the start of data[], before its len bytes (charged to SO_RCVBUF
 * too): an IPv4 datagram's record does not grow for IPv6. */
struct net_dgram {
	struct net_dgram *next;
	uint32_t src;			/* host order */
	uint16_t sport;			/* 0 for ping replies */
	uint8_t ttl;			/* of the IP header that carried it */
	uint8_t family;			/* NET_AF_INET or NET_AF_INET6 */
	uint32_t len;
	uint8_t data[];
};

struct net_dgram_src6 {
	struct ip6_addr src;
	struct netif *nif;		/* it came in on: a link-local scope */
};

/* An internal user's receive callback (net_udp_open_internal). */
typedef void (*net_udp_cb)(struct net_stack *s, struct net_sock *sk,
			   const uint8_t *data, size_t len, uint32_t src,
			   uint16_t sport, struct netif *nif);

/* Address families, with Linux's values so that the kernel's AF_* pass
 * through unchanged. */
#define NET_AF_INET		2
#define NET_AF_INET6		10

/*
 * What every socket has: TCP's struct tcp_sock and the datagram sockets'
 * struct dgram_sock begin with it.
 *
 * Addresses. sk->family is the family the socket speaks on the wire:
 * NET_AF_INET uses laddr/raddr (host order, 0: any / none), exactly as
 * before IPv6; NET_AF_INET6 uses laddr6/raddr6 (network order, :: for
 * any / none), which share their storage. Why a union and not Linux's
 * single 16-byte field holding v4-mapped ::ffff:a.b.c.d: the IPv4 paths
 * (hash, lookup, checksum, output) keep comparing and hashing one
 * host-order uint32_t, with no byte swapping or mapping on every
 * segment, and no IPv4 line had to change. The v4-mapped form exists
 * only where the user sees it: an AF_INET6 kernel socket whose
 * connection speaks IPv4 (a v4 peer of a dual-stack socket) has family
 * NET_AF_INET here, and kernel/socket.c maps its addresses to
 * ::ffff:a.b.c.d. The cost is 24 bytes per socket (two 16-byte
 * addresses instead of two 4-byte ones); family fits in padding.
 *
 * A link-local address's scope (sin6_scope_id) is bound_nif, as Linux
 * keeps it in sk_bound_dev_if.
 */
struct net_sock {
	enum net_sock_type type;
	uint16_t lport, rport;		/* host order; lport of ping: ident */
	union {
		uint32_t laddr;		/* NET_AF_INET: host order; 0 any */
		struct ip6_addr laddr6;	/* NET_AF_INET6: :: any */
	};
	union {
		uint32_t raddr;		/* NET_AF_INET: host order; 0 none */
		struct ip6_addr raddr6;	/* NET_AF_INET6: :: none */
	};
	bool bound, connected;
	bool event_queued;
	uint8_t family;			/* NET_AF_INET or NET_AF_INET6 */
	uint8_t flags;			/* NET_SOCK_F_* */
	uint8_t shutdown;		/* NET_SHUT_* */
	uint8_t ttl;			/* IP_TTL / IPV6_UNICAST_HOPS; 0:
					 * the default */
	uint8_t port_fams;		/* NET_PORT_V4/V6: the port tables
					 * holding lport */
	int so_error;			/* pending error, negative errno */
	void *user;			/* the kernel's socket, for wakes */
	struct net_sock *event_next;	/* on the stack's event list */
	struct netif *bound_nif;	/* SO_BINDTODEVICE; NULL: any */
	uint32_t rcvbuf, sndbuf;	/* bytes (doubled, as Linux) */
};

/* A UDP or ping socket: the head, then sock.c's queue of datagrams. */
struct dgram_sock {
	struct net_sock sk;
	struct net_sock *next;		/* every open datagram socket */
	struct net_sock *hash_next;	/* in its protocol's port hash */
	uint32_t rx_bytes;		/* charged to rcvbuf */
	unsigned rx_count;		/* datagrams queued */
	struct net_dgram *rx_head, *rx_tail;
	uint64_t drops;			/* datagrams lost for this socket */
	net_udp_cb cb;			/* internal user: datagrams go here */
	void *cb_arg;			/* ... with this for it */
};

/* The datagram socket sk heads (sk->type is UDP or PING). */
static inline struct dgram_sock *dgram_sk(struct net_sock *sk)
{
	return (struct dgram_sock *)sk;	/* sk is the first member */
}

static inline const struct dgram_sock *dgram_csk(const struct net_sock *sk)
{
	return (const struct dgram_sock *)sk;
}

/* What net_sock_recv() tells besides the data. */
struct net_recv_info {
	bool has_addr;			/* false: end of stream (SHUT_RD) */
	uint8_t family;			/* of src: NET_AF_INET or INET6 */
	uint32_t src;			/* NET_AF_INET: host order */
	struct ip6_addr src6;		/* NET_AF_INET6 */
	struct netif *nif;		/* NET_AF_INET6: arrived on */
	uint16_t sport;
	uint8_t ttl;			/* or IPv6 hop limit */
};

/* A new unbound socket of a datagram type (UDP or PING), for the kernel
 * socket `user`. NULL when memory is short (ENOMEM). */
struct net_sock *net_sock_create(struct net_stack *s, enum net_sock_type type,
				 void *user);

/* Release the port, drop queued datagrams, leave the event list and free
 * sk. sk is invalid afterwards. */
void net_sock_close(struct net_stack *s, struct net_sock *sk);

/* bind(2). addr/port host order. */
int net_sock_bind(struct net_stack *s, struct net_sock *sk, uint32_t addr,
		  uint16_t port);

/* connect(2) for datagram sockets. 0, -ENETUNREACH, -EACCES (broadcast
 * without SO_BROADCAST), or a bind error. dst 0 means 127.0.0.1. */
int net_sock_connect(struct net_stack *s, struct net_sock *sk, uint32_t dst,
		     uint16_t dport);

/*
 * IPv6 (RFC 3493 semantics, errno as Linux's udpv6): for a socket whose
 * family is NET_AF_INET6 (set by its creator before any bind). scope:
 * the interface of a link-local address (sin6_scope_id), NULL if none;
 * it becomes the socket's bound_nif, as Linux sets sk_bound_dev_if
 * (-EINVAL if that is another interface already; -EINVAL for a
 * link-local peer with neither).
 *
 * An IPv4-mapped address (::ffff:a.b.c.d) means IPv4: the socket then
 * speaks IPv4 (its family becomes NET_AF_INET; the kernel shows its
 * addresses mapped), and with NET_SOCK_F_V6ONLY it is refused (bind:
 * -EINVAL; connect, sendto: -ENETUNREACH), as on Linux.
 *
 * bind6: :: without V6ONLY takes the port in both families (-EADDRINUSE
 * if an IPv4 socket holds it); a specific address must be ours
 * (-EADDRNOTAVAIL). Then as net_sock_bind().
 */
int net_sock_bind6(struct net_stack *s, struct net_sock *sk,
		   const struct ip6_addr *addr, struct netif *scope,
		   uint16_t port);
int net_sock_connect6(struct net_stack *s, struct net_sock *sk,
		      const struct ip6_addr *dst, struct netif *scope,
		      uint16_t dport);
/* sendto(2) to dst:dport (net_sock_sendto() with has_dst false sends to
 * the connected peer of either family). -EMSGSIZE above 65527 bytes. */
int net_sock_sendto6(struct net_stack *s, struct net_sock *sk,
		     const void *buf, size_t len, const struct ip6_addr *dst,
		     struct netif *scope, uint16_t dport);

/* For both transports' IPv6 calls (sock.c, tcp_usrreq.c), errno as
 * Linux's:
 * - does a need an interface to mean anything (RFC 4007: link-local
 *   unicast, and groups of interface or link scope)?
 * - the interface to reach dst by: scope (sin6_scope_id), else sk's
 *   bound one; -EINVAL if they differ, or dst needs one and has none;
 * - the source for dst out of oif: sk's bound unicast address, else
 *   RFC 6724's choice; -ENETUNREACH, -EADDRNOTAVAIL;
 * - may sk reach a v4-mapped peer? Not with IPV6_V6ONLY, nor once
 *   bound to an IPv6 address: -ENETUNREACH. */
bool net_addr6_needs_scope(const struct ip6_addr *a);
int net_sock_oif6(const struct net_sock *sk, const struct ip6_addr *dst,
		  struct netif *scope, struct netif **oif);
int net_sock_source6(struct net_stack *s, const struct net_sock *sk,
		     const struct ip6_addr *dst, struct netif *oif,
		     struct ip6_addr *src);
int net_sock_v4mapped_ok(const struct net_sock *sk);

/* Is a ::ffff:a.b.c.d? *v4 gets a.b.c.d (host order). */
bool net_addr6_v4mapped(const struct ip6_addr *a, uint32_t *v4);
void net_addr6_map_v4(struct ip6_addr *out, uint32_t v4);

/* connect(2) with AF_UNSPEC: forget the peer; a local address or port
 * that connect (not bind) chose is released too. Always 0. */
int net_sock_disconnect(struct net_stack *s, struct net_sock *sk);

/* sendto(2): with has_dst false, to the connected peer. Returns len or a
 * negative errno (see the top of this file). */
int net_sock_sendto(struct net_stack *s, struct net_sock *sk, const void *buf,
		    size_t len, bool has_dst, uint32_t dst, uint16_t dport);

/* recvfrom(2): copy the next datagram's first min(len, its length) bytes
 * to buf and return its whole length (the caller reports truncation);
 * flags NET_MSG_PEEK leaves it queued. -EAGAIN when nothing is queued;
 * a pending so_error (cleared); 0 with info->has_addr false after
 * SHUT_RD with the queue empty. */
int net_sock_recv(struct net_stack *s, struct net_sock *sk, void *buf,
		  size_t len, unsigned flags, struct net_recv_info *info);

/* shutdown(2); how is NET_SHUT_RD, NET_SHUT_WR or both. The direction is
 * shut in any case; -ENOTCONN on an unconnected socket (as Linux). */
int net_sock_shutdown(struct net_stack *s, struct net_sock *sk,
		      unsigned how);

/* NET_EV_* now. */
unsigned net_sock_poll(struct net_stack *s, struct net_sock *sk);

/* The pending error (negative errno, or 0), cleared: SO_ERROR. */
int net_sock_take_error(struct net_sock *sk);

/* 0 or -EINVAL (a value out of range) / -ENOPROTOOPT. */
int net_sock_setopt(struct net_stack *s, struct net_sock *sk,
		    enum net_sockopt opt, int val);
int net_sock_getopt(struct net_stack *s, struct net_sock *sk,
		    enum net_sockopt opt, int *val);

/* SO_BINDTODEVICE: receive only what arrives on nif (NULL: any). */
void net_sock_bind_netif(struct net_sock *sk, struct netif *nif);

/* Every open UDP and ping socket (for ss and /proc/net/udp), and how
 * many of a type are open (/proc/net/sockstat "UDP: inuse N"). */
void net_sock_for_each(struct net_stack *s,
		       void (*fn)(const struct net_sock *sk, void *arg),
		       void *arg);
unsigned net_sock_count(struct net_stack *s, enum net_sock_type type);

/* --- ping sockets (net/ping.c) ------------------------------------------ */

/* Called by ICMP for every echo reply addressed to us: queue it on the
 * ping socket whose ident is id, if any. payload/len follow the 8-byte
 * ICMP header; ttl is the IP header's. */
void ping_input(struct net_stack *s, uint32_t src, uint16_t id, uint16_t seq,
		const uint8_t *payload, size_t len, uint8_t ttl);

/* For sock.c: send an echo request through a ping socket, and find one. */
int ping_sendto(struct net_stack *s, struct net_sock *sk, const void *buf,
		size_t len, uint32_t src, uint32_t dst);

#endif
