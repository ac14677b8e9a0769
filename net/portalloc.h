/*
 * Port allocation, per protocol and address family (RFC 6056).
 *
 * A port table answers "who holds this port, how many times" for one
 * protocol and family: an entry per port in use with a reference count
 * and the owners' sharing flag. Ephemeral ports come from a configurable
 * range (Linux's net.ipv4.ip_local_port_range, default 32768-60999),
 * chosen as RFC 6056 section 3.3.3 (algorithm 3) does:
 *
 *	for count in 0 .. range size - 1:
 *		port = lo + (offset + next_ephemeral) % range size
 *		next_ephemeral++
 *		if port is free: take it
 *
 * next_ephemeral (the table's cursor) starts at a random value and
 * advances with every probe, so consecutive allocations walk forward
 * rather than retrying the port just handed out; the caller's offset
 * is F(local address, remote address, remote port, secret) for
 * connections (port_offset()) or a fresh random number for an unconnected
 * datagram socket (as Linux does for UDP). One full scan of the range
 * ends the search: a full range answers -EADDRNOTAVAIL, never a loop.
 *
 * Sharing. port_bind() applies the coarse rule by itself: a port in use
 * is shared only if every holder and the newcomer set SO_REUSEADDR. A
 * holder that no longer competes for the port (a TCP connection gone
 * to TIME_WAIT) gives up its claim with port_relax(), so SO_REUSEADDR
 * binds past it, as BSD and Linux allow.
 * Protocols with finer rules (UDP lets 10.0.0.1:53 and 127.0.0.1:53
 * coexist without SO_REUSEADDR) decide for themselves and then take a
 * reference with port_get(). port_get() is also how a TCP listener's
 * port is shared with the connections it accepts; the port is free again
 * with the last port_put().
 *
 * Locking: none; the stack is serialised by its caller. Entries are
 * allocated with net_alloc() (a port in use costs one 24-byte entry).
 */
#ifndef KITE_NET_PORTALLOC_H
#define KITE_NET_PORTALLOC_H

#include <stdbool.h>
#include <stdint.h>

/* Linux's net.ipv4.ip_local_port_range default. */
#define IP_LOCAL_PORT_RANGE_LO	32768
#define IP_LOCAL_PORT_RANGE_HI	60999

#define PORT_HASH_SIZE		64	/* buckets per table; power of two */

/* Flags of port_bind() / port_ephemeral(). */
#define PORT_REUSE		0x1	/* holder set SO_REUSEADDR */

enum port_proto {
	PORT_UDP,
	PORT_TCP,
	PORT_PING,		/* ICMP echo identifiers of ping sockets */
	PORT_NPROTO,
};

enum port_family {
	PORT_INET,
	PORT_INET6,
	PORT_NFAMILY,
};

struct port_entry;

struct port_table {
	struct port_entry *hash[PORT_HASH_SIZE];
	uint16_t lo, hi;		/* ephemeral range, inclusive */
	uint32_t cursor;		/* RFC 6056 next_ephemeral */
	unsigned in_use;		/* ports with at least one holder */
};

struct port_alloc {
	struct port_table table[PORT_NPROTO][PORT_NFAMILY];
	uint32_t secret;		/* key of port_offset() */
};

/* Empty tables; UDP and TCP take the ip_local_port_range default, ping
 * identifiers the whole 1-65535 (as Linux's ping sockets). Each cursor
 * starts at net_random(). */
void port_alloc_init(struct port_alloc *pa);

static inline struct port_table *port_table(struct port_alloc *pa,
					    enum port_proto proto,
					    enum port_family family)
{
	return &pa->table[proto][family];
}

/* sysctl net.ipv4.ip_local_port_range: the UDP and TCP tables of both
 * families. 0 or -EINVAL (lo 0, or lo > hi). Ports already held outside
 * the new range stay held. */
int port_alloc_set_range(struct port_alloc *pa, unsigned lo, unsigned hi);
void port_alloc_get_range(const struct port_alloc *pa, uint16_t *lo,
			  uint16_t *hi);

/* Take a given port (not 0). 0; -EADDRINUSE when held and not both this
 * caller and every holder have PORT_REUSE; -ENOMEM. */
int port_bind(struct port_table *t, uint16_t port, unsigned flags);

/* Take a free port of the ephemeral range into *port (algorithm above).
 * 0, -EADDRNOTAVAIL after a full scan found none, or -ENOMEM. */
int port_ephemeral(struct port_table *t, uint32_t offset, unsigned flags,
		   uint16_t *port);

/* The IPv6 half of a dual-stack wildcard ([::] without IPV6_V6ONLY,
 * which also receives IPv4): as port_ephemeral() on t (the IPv6 table,
 * whose cursor advances), but only a port free in `also` (the IPv4
 * table) too, and it is taken in both. */
int port_ephemeral_pair(struct port_table *t, struct port_table *also,
			uint32_t offset, unsigned flags, uint16_t *port);

/* One more reference to a port, whatever its holders' flags: an
 * accepted connection on its listener's port, or a socket whose protocol
 * has checked that it conflicts with no holder. A port not held is
 * taken. The port is shareable by port_bind() while no reference taken
 * without PORT_REUSE remains. 0 or -ENOMEM. */
int port_get(struct port_table *t, uint16_t port, unsigned flags);

/* One reference taken without PORT_REUSE now behaves as if taken with
 * it (and is dropped with PORT_REUSE). 0, or -ENOENT if there is none. */
int port_relax(struct port_table *t, uint16_t port);

/* Drop one reference, with the flags it holds now; the last frees the
 * port. 0, or -ENOENT for a port (or a strict reference) that is not
 * held: a caller's bug, and nothing is changed. */
int port_put(struct port_table *t, uint16_t port, unsigned flags);

/* References held on port (0: free). */
unsigned port_refs(const struct port_table *t, uint16_t port);

/* RFC 6056's F(): a keyed mix of the connection's addresses and remote
 * port, so that different peers see unrelated sequences. Not a
 * cryptographic MAC. */
uint32_t port_offset(const struct port_alloc *pa, uint32_t laddr,
		     uint32_t raddr, uint16_t rport);

#endif
