/*
 * The IPv4 routing table: connected subnets (one per configured
 * interface), host and network routes, and default gateways; longest
 * prefix wins, then the lowest metric.
 */
#ifndef KITE_NET_ROUTE_H
#define KITE_NET_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#define ROUTE_MAX 32

struct netif;
struct net_stack;

struct route {
	uint32_t dst;		/* host order, already masked */
	uint8_t prefix_len;
	uint32_t gw;		/* 0: directly connected */
	uint32_t prefsrc;	/* source address to use, 0: the netif's */
	struct netif *nif;
	uint32_t metric;
	bool used;
};

struct route_table {
	struct route r[ROUTE_MAX];
};

void route_init(struct route_table *t);
/* 0, -EEXIST (same dst/prefix/nif/gw) or -ENOSPC. */
int route_add(struct route_table *t, uint32_t dst, uint8_t prefix_len,
	      uint32_t gw, struct netif *nif, uint32_t metric);
/* Remove every route through nif. */
void route_flush(struct route_table *t, struct netif *nif);
/* The best route to dst, or NULL (ENETUNREACH). */
const struct route *route_lookup(const struct route_table *t, uint32_t dst);
void route_for_each(const struct route_table *t,
		    void (*fn)(const struct route *r, void *arg), void *arg);

#endif
