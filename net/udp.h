/*
 * UDP (RFC 768, RFC 1122 4.1) and its sockets.
 *
 * Input: a datagram shorter than its header or than its length field
 * says is counted in InErrors; a non-zero checksum that does not verify
 * in InCsumErrors and InErrors (a zero checksum means "none", RFC 768).
 * A unicast datagram goes to the most specific matching socket (as
 * Linux's compute_score: local port, then a specific local address, a
 * connected peer and a bound interface each make a socket more
 * specific); with none, NoPorts and an ICMP port unreachable. A
 * broadcast or multicast datagram goes to every matching socket; with
 * none, IgnoredMulti and no ICMP (RFC 1122 3.2.2). A socket whose queue
 * is full drops it: RcvbufErrors and InErrors (MemErrors and InErrors
 * when memory is short).
 *
 * Internal users (the DHCP client) open callback sockets: datagrams go
 * straight to their callback on the net-poll thread instead of a queue,
 * and they may send from 0.0.0.0 out of an interface that has no
 * address yet.
 */
#ifndef KITE_NET_UDP_H
#define KITE_NET_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/portalloc.h"
#include "net/sock.h"

#define UDP_HASH_SIZE	64	/* buckets of bound sockets, by port */

struct net_stack;
struct netif;

struct udp_state {
	struct net_sock *socks;		/* every open UDP and ping socket */
	struct net_sock *hash[UDP_HASH_SIZE];	   /* bound UDP, by lport */
	struct net_sock *ping_hash[UDP_HASH_SIZE]; /* bound ping, by ident */
	/* The stack's port allocator (every protocol's), here until
	 * struct net_stack has a field of its own: reach it through
	 * net_port_alloc(). */
	struct port_alloc ports;
};

void udp_init(struct udp_state *u);

/* A UDP datagram for a local (or broadcast) address; ip points at the
 * whole IP packet (to quote in a port-unreachable error), udp/len at the
 * IP payload. */
void udp_input(struct net_stack *s, struct netif *nif, const uint8_t *ip,
	       const uint8_t *udp, size_t len);

/* An ICMP error quoting a UDP datagram we sent: err (negative errno) is
 * reported to the socket it came from, if connected (RFC 1122 4.1.3.3). */
void udp_icmp_error(struct net_stack *s, uint32_t src, uint16_t sport,
		    uint32_t dst, uint16_t dport, int err);

/* The port allocator of the stack (sysctl ip_local_port_range; TCP). */
struct port_alloc *net_port_alloc(struct net_stack *s);

/* --- internal users ------------------------------------------------------ */

/* A UDP socket bound to INADDR_ANY:lport (0: ephemeral) whose datagrams
 * are handed to cb (with the interface they came in on) on the thread
 * running the stack, instead of being queued. It is opened with
 * SO_REUSEADDR, so each interface's client may open the same port;
 * net_sock_bind_netif() limits one to an interface. A broadcast goes to
 * every such socket, a unicast datagram to the most specific. arg is
 * sk->cb_arg. The callback may send and may close its own socket, no
 * other. NULL: port in use, or memory short. */
struct net_sock *net_udp_open_internal(struct net_stack *s, uint16_t lport,
	void (*cb)(struct net_stack *s, struct net_sock *sk,
		   const uint8_t *data, size_t len, uint32_t src,
		   uint16_t sport, struct netif *nif),
	void *arg);

/* Send data from sk's port. With nif given and src 0 or dst
 * 255.255.255.255 (a DHCP client before it has an address), the IP
 * header is built here and the datagram goes out of nif to the link
 * broadcast (or dst's MAC), whatever the routing table says; otherwise
 * it is routed (src 0: the route's source). 0 or a negative errno
 * (-EMSGSIZE, -ENOBUFS, -ENETUNREACH). */
int net_udp_send_internal(struct net_stack *s, struct net_sock *sk,
			  struct netif *nif, uint32_t src, uint32_t dst,
			  uint16_t dport, const void *data, size_t len);

/* Close an internal socket (net_sock_close does the same). */
void net_udp_close_internal(struct net_stack *s, struct net_sock *sk);

/* --- UDP over IPv6 (udp6.c) ----------------------------------------------- */

#define UDP6_MAX_PAYLOAD	65527	/* 65535 - UDP header: no jumbograms */

struct ip6_rx;
struct ip6_addr;

/*
 * A UDP datagram over IPv6 for us (rx: the packet; udp/len: from the UDP
 * header to the end). As udp_input(), with IPv6's differences: the
 * checksum is mandatory (RFC 8200 8.1), so a zero one is dropped as a
 * checksum error (Linux: InCsumErrors + InErrors); a datagram for no
 * socket gets an ICMPv6 port unreachable (RFC 4443 3.1) unless it was
 * sent to a group. Counters: s->mib.udp6 (/proc/net/snmp6 Udp6*).
 */
void udp6_input(struct net_stack *s, const struct ip6_rx *rx,
		const uint8_t *udp, size_t len);

/* Build and send a UDP datagram over IPv6 (checksum over the IPv6
 * pseudo-header) through ip6_output(); oif for a link-local or group
 * destination. 0 or ip6_output()'s error. */
int udp6_output(struct net_stack *s, const struct ip6_addr *src,
		uint16_t sport, const struct ip6_addr *dst, uint16_t dport,
		uint8_t hlim, struct netif *oif, const void *data, size_t len);

/* An ICMPv6 error quoting a UDP datagram we sent from src:sport to
 * dst:dport: err goes to the socket, if connected (as udp_icmp_error). */
void udp6_icmp_error(struct net_stack *s, const struct ip6_addr *src,
		     uint16_t sport, const struct ip6_addr *dst,
		     uint16_t dport, int err);

/* --- shared by udp.c, udp6.c, sock.c and ping.c ---------------------------- */

struct udp_mib;
struct pkt;

/* The length a UDP header at udp (len bytes from there on) claims, or 0
 * when it is malformed (counted as InErrors in mib). */
uint16_t udp_length(struct udp_mib *mib, const uint8_t *udp, size_t len);

/* Count a datagram that could not be queued on sk (err from
 * net_sock_queue*): RcvbufErrors or MemErrors, and InErrors. */
void udp_count_drop(struct udp_mib *mib, struct net_sock *sk, int err);

/* Put the header in front of p's payload, the checksum over it and the
 * given pseudo-header sum (of either IP version). */
void udp_push_header(struct pkt *p, uint16_t sport, uint16_t dport,
		     uint32_t pseudo);

/* True for 255.255.255.255 and for a configured interface's subnet
 * broadcast. */
bool net_addr_is_broadcast(struct net_stack *s, uint32_t addr);

static inline bool net_addr_is_multicast(uint32_t addr)
{
	return (addr >> 28) == 0xe;
}

/* Queue a datagram made of hdr (hlen bytes, may be 0) and data on sk's
 * receive queue and notify its user. 0, -ENOBUFS (SO_RCVBUF full) or
 * -ENOMEM. Counts nothing: the protocol does. */
int net_sock_queue(struct net_stack *s, struct net_sock *sk,
		   const uint8_t *hdr, size_t hlen, const uint8_t *data,
		   size_t len, uint32_t src, uint16_t sport, uint8_t ttl);

/* net_sock_queue() for a datagram that came over IPv6: its source, the
 * interface it came in on (the scope of a link-local source) and its hop
 * limit are kept with it. */
int net_sock_queue6(struct net_stack *s, struct net_sock *sk,
		    const uint8_t *data, size_t len,
		    const struct ip6_addr *src, uint16_t sport, uint8_t hlim,
		    struct netif *nif);

/* Build and send a UDP datagram (header, checksum) through ip_output. */
int udp_output(struct net_stack *s, uint32_t src, uint16_t sport,
	       uint32_t dst, uint16_t dport, uint8_t ttl, const void *data,
	       size_t len);

#endif
