/*
 * The IPv6 routing table and the path MTU cache.
 *
 * Routes: connected prefixes (one per configured address, "proto
 * kernel"), on-link prefixes and default routers learnt from Router
 * Advertisements ("proto ra", with an expiry), and static routes. The
 * best route has the longest prefix; among equals a gateway that is
 * known to answer (the caller's predicate, RFC 4861 6.3.6) beats one
 * that is not, then the lower metric, then the one added first.
 *
 * Path MTU (RFC 8201): what Packet Too Big messages taught about a
 * destination, never below IPV6_MIN_MTU (1280), forgotten after
 * PMTU6_EXPIRES_MS as Linux's ip6_rt_mtu_expires. A small array: when it
 * is full the entry that expires first makes room.
 *
 * Times are ms of the stack's clock; NET_NEVER (UINT64_MAX) never
 * expires. Pure tables: nothing here sends or logs.
 */
#ifndef KITE_NET_ROUTE6_H
#define KITE_NET_ROUTE6_H

#include <stdbool.h>
#include <stdint.h>

#include "net/ip6_addr.h"

#define ROUTE6_MAX		16
#define PMTU6_MAX		8
#define PMTU6_EXPIRES_MS	(10 * 60 * 1000)	/* ip6_rt_mtu_expires */

/* Linux's metrics: a connected or RA prefix 256, an RA default 1024. */
#define ROUTE6_METRIC_PREFIX	256
#define ROUTE6_METRIC_DEFAULT	1024

enum route6_proto {
	ROUTE6_KERNEL,		/* from a configured address */
	ROUTE6_RA,		/* from a Router Advertisement */
	ROUTE6_STATIC,		/* set by hand */
};

struct netif;

struct route6 {
	struct ip6_addr dst;	/* masked to plen */
	struct ip6_addr gw;	/* :: when on-link */
	struct netif *nif;
	uint64_t expires;	/* ms, or NET_NEVER */
	uint32_t metric;
	uint8_t plen;
	uint8_t proto;		/* enum route6_proto */
	bool used;
};

struct pmtu6 {
	struct ip6_addr dst;
	uint64_t expires;	/* ms; 0: free slot */
	uint16_t mtu;
};

struct route6_table {
	struct route6 r[ROUTE6_MAX];
	struct pmtu6 pmtu[PMTU6_MAX];
};

void route6_init(struct route6_table *t);

/* Add a route, or refresh the expiry and metric of the same one (same
 * dst/plen/gw/nif/proto; gw NULL: on-link). 0, -EINVAL or -ENOSPC. */
int route6_add(struct route6_table *t, const struct ip6_addr *dst,
	       uint8_t plen, const struct ip6_addr *gw, struct netif *nif,
	       uint32_t metric, enum route6_proto proto, uint64_t expires);
/* Remove that route (gw NULL: on-link). 0 or -ESRCH. */
int route6_del(struct route6_table *t, const struct ip6_addr *dst,
	       uint8_t plen, const struct ip6_addr *gw, struct netif *nif,
	       enum route6_proto proto);
/* Remove every route through nif. */
void route6_flush(struct route6_table *t, struct netif *nif);

/* The best route to dst (through oif only, unless oif is NULL), or
 * NULL. gw_ok, if given, says whether a gateway looks reachable. */
const struct route6 *route6_lookup(const struct route6_table *t,
				   const struct ip6_addr *dst,
				   const struct netif *oif,
				   bool (*gw_ok)(const struct route6 *r,
						 void *arg),
				   void *arg);

/* Drop routes and path MTUs whose time has come. Returns the next
 * expiry, or NET_NEVER. */
uint64_t route6_expire(struct route6_table *t, uint64_t now);

/* The path MTU learnt for dst, or 0 if none. */
unsigned route6_pmtu_get(const struct route6_table *t,
			 const struct ip6_addr *dst);
/* Packet Too Big said mtu for dst (clamped to 1280 and above). Only a
 * decrease is kept (RFC 8201 4: an increase waits for the expiry).
 * Returns the expiry time it set, or 0 if nothing changed. */
uint64_t route6_pmtu_update(struct route6_table *t,
			    const struct ip6_addr *dst, unsigned mtu,
			    uint64_t now);

void route6_for_each(const struct route6_table *t,
		     void (*fn)(const struct route6 *r, void *arg), void *arg);

#endif
