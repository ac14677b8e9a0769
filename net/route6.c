/*
 * The IPv6 routing table and path MTU cache (route6.h): small arrays
 * searched in full, as route.c does for IPv4; they are consulted only
 * when a packet is sent.
 */
#include <errno.h>
#include <string.h>

#include "net/route6.h"

#define NEVER UINT64_MAX	/* NET_NEVER (stack.h) */

void route6_init(struct route6_table *t)
{
	memset(t, 0, sizeof(*t));
}

/* The same route: learnt the same way, so that a router's word never
 * changes or removes the route of an address configured by hand. */
static bool route6_same(const struct route6 *r, const struct ip6_addr *dst,
			uint8_t plen, const struct ip6_addr *gw,
			const struct netif *nif, enum route6_proto proto)
{
	return r->used && r->plen == plen && r->nif == nif &&
	       r->proto == proto && ip6_addr_eq(&r->dst, dst) &&
	       ip6_addr_eq(&r->gw, gw);
}

int route6_add(struct route6_table *t, const struct ip6_addr *dst,
	       uint8_t plen, const struct ip6_addr *gw, struct netif *nif,
	       uint32_t metric, enum route6_proto proto, uint64_t expires)
{
	struct route6 *slot = NULL;
	struct ip6_addr net;

	if (plen > 128 || !nif)
		return -EINVAL;
	ip6_addr_prefix(&net, dst, plen);
	if (!gw)
		gw = &ip6_addr_any;
	for (int i = 0; i < ROUTE6_MAX; i++) {
		struct route6 *r = &t->r[i];

		if (route6_same(r, &net, plen, gw, nif, proto)) {
			slot = r;	/* refreshed, keeps its place */
			break;
		}
		if (!r->used && !slot)
			slot = r;
	}
	if (!slot)
		return -ENOSPC;
	*slot = (struct route6){
		.dst = net,
		.gw = *gw,
		.nif = nif,
		.expires = expires,
		.metric = metric,
		.plen = plen,
		.proto = (uint8_t)proto,
		.used = true,
	};
	return 0;
}

int route6_del(struct route6_table *t, const struct ip6_addr *dst,
	       uint8_t plen, const struct ip6_addr *gw, struct netif *nif,
	       enum route6_proto proto)
{
	struct ip6_addr net;
	int err = -ESRCH;

	if (!gw)
		gw = &ip6_addr_any;
	ip6_addr_prefix(&net, dst, plen > 128 ? 128 : plen);
	for (int i = 0; i < ROUTE6_MAX; i++) {
		if (route6_same(&t->r[i], &net, plen, gw, nif, proto)) {
			t->r[i].used = false;
			err = 0;
		}
	}
	return err;
}

void route6_flush(struct route6_table *t, struct netif *nif)
{
	for (int i = 0; i < ROUTE6_MAX; i++)
		if (t->r[i].nif == nif)
			t->r[i].used = false;
}

const struct route6 *route6_lookup(const struct route6_table *t,
				   const struct ip6_addr *dst,
				   const struct netif *oif,
				   bool (*gw_ok)(const struct route6 *r,
						 void *arg),
				   void *arg)
{
	const struct route6 *best = NULL;
	bool best_ok = false;

	for (int i = 0; i < ROUTE6_MAX; i++) {
		const struct route6 *r = &t->r[i];
		bool ok;

		if (!r->used || (oif && r->nif != oif) ||
		    !ip6_addr_prefix_eq(dst, &r->dst, r->plen))
			continue;
		/* An on-link route needs no neighbour to be reachable. */
		ok = ip6_addr_is_unspecified(&r->gw) || !gw_ok ||
		     gw_ok(r, arg);
		if (!best || r->plen > best->plen ||
		    (r->plen == best->plen &&
		     (ok > best_ok ||
		      (ok == best_ok && r->metric < best->metric)))) {
			best = r;
			best_ok = ok;
		}
	}
	return best;
}

uint64_t route6_expire(struct route6_table *t, uint64_t now)
{
	uint64_t next = NEVER;

	for (int i = 0; i < ROUTE6_MAX; i++) {
		struct route6 *r = &t->r[i];

		if (!r->used)
			continue;
		if (r->expires <= now)
			r->used = false;
		else if (r->expires < next)
			next = r->expires;
	}
	for (int i = 0; i < PMTU6_MAX; i++) {
		struct pmtu6 *m = &t->pmtu[i];

		if (!m->expires)
			continue;
		if (m->expires <= now)
			m->expires = 0;
		else if (m->expires < next)
			next = m->expires;
	}
	return next;
}

static struct pmtu6 *pmtu6_find(const struct route6_table *t,
				const struct ip6_addr *dst)
{
	for (int i = 0; i < PMTU6_MAX; i++)
		if (t->pmtu[i].expires && ip6_addr_eq(&t->pmtu[i].dst, dst))
			return (struct pmtu6 *)&t->pmtu[i];
	return NULL;
}

unsigned route6_pmtu_get(const struct route6_table *t,
			 const struct ip6_addr *dst)
{
	const struct pmtu6 *m = pmtu6_find(t, dst);

	return m ? m->mtu : 0;
}

uint64_t route6_pmtu_update(struct route6_table *t,
			    const struct ip6_addr *dst, unsigned mtu,
			    uint64_t now)
{
	struct pmtu6 *m = pmtu6_find(t, dst);

	/* RFC 8201 4: never below the IPv6 minimum (RFC 8021: no atomic
	 * fragments either; 1280 is simply used). */
	if (mtu < 1280)
		mtu = 1280;
	if (mtu > 0xffff)
		mtu = 0xffff;
	if (m && m->mtu <= mtu)
		return 0;
	if (!m) {
		m = &t->pmtu[0];
		for (int i = 0; i < PMTU6_MAX; i++) {
			if (!t->pmtu[i].expires) {
				m = &t->pmtu[i];
				break;
			}
			if (t->pmtu[i].expires < m->expires)
				m = &t->pmtu[i];
		}
		m->dst = *dst;
	}
	m->mtu = (uint16_t)mtu;
	m->expires = now + PMTU6_EXPIRES_MS;
	return m->expires;
}

void route6_for_each(const struct route6_table *t,
		     void (*fn)(const struct route6 *r, void *arg), void *arg)
{
	for (int i = 0; i < ROUTE6_MAX; i++)
		if (t->r[i].used)
			fn(&t->r[i], arg);
}
