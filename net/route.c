/*
 * The IPv4 routing table: a small fixed array searched in full. With
 * ROUTE_MAX entries a linear scan is cheaper than any index, and it is
 * only consulted when a datagram is sent.
 *
 * Selection (RFC 1812 5.2.4.3, as Linux's FIB does it): among the routes
 * whose prefix contains the destination, the longest prefix wins; among
 * those, the lowest metric; among equals, the one added first.
 */
#include <errno.h>
#include <string.h>

#include "net/route.h"

static uint32_t route_mask(uint8_t prefix_len)
{
	return prefix_len ? 0xffffffffu << (32 - prefix_len) : 0;
}

void route_init(struct route_table *t)
{
	memset(t, 0, sizeof(*t));
}

int route_add(struct route_table *t, uint32_t dst, uint8_t prefix_len,
	      uint32_t gw, struct netif *nif, uint32_t metric)
{
	struct route *free_slot = NULL;

	if (prefix_len > 32 || !nif)
		return -EINVAL;
	dst &= route_mask(prefix_len);
	for (int i = 0; i < ROUTE_MAX; i++) {
		struct route *r = &t->r[i];

		if (!r->used) {
			if (!free_slot)
				free_slot = r;
			continue;
		}
		if (r->dst == dst && r->prefix_len == prefix_len &&
		    r->nif == nif && r->gw == gw)
			return -EEXIST;
	}
	if (!free_slot)
		return -ENOSPC;
	*free_slot = (struct route){
		.dst = dst,
		.prefix_len = prefix_len,
		.gw = gw,
		.nif = nif,
		.metric = metric,
		.used = true,
	};
	return 0;
}

void route_flush(struct route_table *t, struct netif *nif)
{
	for (int i = 0; i < ROUTE_MAX; i++)
		if (t->r[i].used && t->r[i].nif == nif)
			t->r[i] = (struct route){ 0 };
}

const struct route *route_lookup(const struct route_table *t, uint32_t dst)
{
	const struct route *best = NULL;

	for (int i = 0; i < ROUTE_MAX; i++) {
		const struct route *r = &t->r[i];

		if (!r->used || (dst & route_mask(r->prefix_len)) != r->dst)
			continue;
		if (!best || r->prefix_len > best->prefix_len ||
		    (r->prefix_len == best->prefix_len &&
		     r->metric < best->metric))
			best = r;
	}
	return best;
}

void route_for_each(const struct route_table *t,
		    void (*fn)(const struct route *r, void *arg), void *arg)
{
	for (int i = 0; i < ROUTE_MAX; i++)
		if (t->r[i].used)
			fn(&t->r[i], arg);
}
