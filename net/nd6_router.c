/*
 * Router discovery (RFC 4861 6.3): Router Solicitations out, Router
 * Advertisements in. An advertisement, once valid (RFC 4861 6.1.2: from
 * a link-local address, hop limit 255, code 0, 16 bytes or more, well
 * formed options; else Icmp6InErrors), sets:
 *
 *   - the default router list: a "default via <router>" route expiring
 *     with the Router Lifetime (0 removes it);
 *   - the interface's hop limit, reachable time and retrans timer when
 *     it gives them (non-zero; the reachable time up to RFC 4861's
 *     MAX_REACHABLE_TIME, the retrans timer between 10 ms, as Linux, and
 *     a minute, so that a bogus advertisement cannot park packets for
 *     resolution for days);
 *   - the router's neighbour entry from its source link-layer option
 *     (IsRouter set);
 *   - the link MTU from an MTU option between 1280 and the device's;
 *   - from each Prefix Information option (not fe80::/64, preferred
 *     lifetime not above valid): an on-link route (L flag) expiring
 *     with the valid lifetime, and an autonomous address (A flag, a /64)
 *     formed from the EUI-64 (ip6_slaac_prefix(), RFC 4862 5.5.3).
 *
 * Once an advertisement came, Kite stops soliciting.
 */
#include <string.h>

#include "net/byteorder.h"
#include "net/ip6.h"
#include "net/stack.h"

#define ND6_RA_LEN	16	/* type .. retrans timer, before options */
#define ND6_PI_ONLINK	0x80
#define ND6_PI_AUTO	0x40
#define ND6_INFINITE	0xffffffffu

void nd6_send_rs(struct net_stack *s, struct netif *nif)
{
	const struct ip6_ifaddr *ll = NULL;
	struct pkt *p;
	uint8_t *m;
	size_t len;

	/* From the link-local address once it is valid, with our MAC;
	 * else from :: without it (RFC 4861 4.1, 6.3.7). */
	for (int i = 0; i < IP6_IF_ADDRS; i++) {
		const struct ip6_ifaddr *a = &nif->ip6.addr[i];

		if (a->source == IP6_IFA_LINKLOCAL &&
		    !(a->flags & (IP6_IFA_TENTATIVE | IP6_IFA_DADFAILED)))
			ll = a;
	}
	len = 8 + (ll ? 8 : 0);
	p = pkt_alloc(len);
	if (!p) {
		s->ip6.icmp.OutErrors++;
		return;
	}
	m = pkt_put(p, len);
	memset(m, 0, len);
	m[0] = ND_ROUTER_SOLICIT;
	if (ll) {
		m[8] = ND6_OPT_SLLA;
		m[9] = 1;
		memcpy(m + 10, nif->mac, ETH_ALEN);
	}
	icmp6_send(s, p, ll ? &ll->addr : &ip6_addr_any, &ip6_addr_allrouters,
		   nif, IP6_ND_HOPLIMIT, true);
}

/* Seconds of a lifetime field as an absolute time in ms. */
static uint64_t nd6_expiry(struct net_stack *s, uint32_t secs)
{
	return secs == ND6_INFINITE ? NET_NEVER : s->now + secs * 1000ull;
}

/* One Prefix Information option (RFC 4861 6.3.4, 4.6.2). */
static void nd6_prefix(struct net_stack *s, struct netif *nif,
		       const uint8_t *o)
{
	uint8_t plen = o[2], flags = o[3];
	uint32_t valid, preferred;
	struct ip6_addr prefix;

	if (o[1] != 4)
		return;		/* not the 32 bytes of RFC 4861 4.6.2 */
	valid = get_be32(o + 4);
	preferred = get_be32(o + 8);
	memcpy(prefix.b, o + 16, 16);
	if (plen > 128 || ip6_addr_is_linklocal(&prefix) ||
	    ip6_addr_is_multicast(&prefix) || preferred > valid)
		return;
	if (flags & ND6_PI_ONLINK) {
		if (valid && route6_add(&s->ip6.routes, &prefix, plen, NULL,
					nif, ROUTE6_METRIC_PREFIX, ROUTE6_RA,
					nd6_expiry(s, valid)) < 0)
			s->ip6.nd_mib.RoutesDropped++;
		else if (!valid)
			route6_del(&s->ip6.routes, &prefix, plen, NULL, nif,
				   ROUTE6_RA);
		ip6_timer_arm(s, nd6_expiry(s, valid));
	}
	/* RFC 4862 5.5.3 (b): the EUI-64 identifier needs a /64. */
	if ((flags & ND6_PI_AUTO) && plen == 64)
		ip6_slaac_prefix(s, nif, &prefix, valid, preferred);
}

void nd6_ra_input(struct net_stack *s, const struct ip6_rx *rx,
		  const uint8_t *icmp, size_t len)
{
	struct netif *nif = rx->nif;
	struct ip6_if *ip6 = &nif->ip6;
	const uint8_t *opt, *o;
	size_t olen;
	uint16_t lifetime;
	uint32_t reachable, retrans;

	if (len < ND6_RA_LEN || !ip6_addr_is_linklocal(&rx->src) ||
	    !nd6_opts_valid(icmp + ND6_RA_LEN, len - ND6_RA_LEN)) {
		s->ip6.icmp.InErrors++;
		return;
	}
	opt = icmp + ND6_RA_LEN;
	olen = len - ND6_RA_LEN;
	o = nd6_opt_find(opt, olen, ND6_OPT_SLLA);
	if (o && (o[1] != 1 || (o[2] & 1))) {
		s->ip6.icmp.InErrors++;
		return;
	}
	ip6->ra_seen = true;
	ip6->rs_at = NET_NEVER;

	if (icmp[4])
		ip6->hop_limit = icmp[4];
	reachable = get_be32(icmp + 8);
	retrans = get_be32(icmp + 12);
	if (reachable && reachable <= ND6_MAX_REACHABLE_MS &&
	    reachable != ip6->base_reachable_ms) {
		ip6->base_reachable_ms = reachable;
		ip6_if_new_reachable(ip6);
	}
	if (retrans)
		ip6->retrans_ms = retrans < ND6_MIN_RETRANS_MS ?
					  ND6_MIN_RETRANS_MS :
				  retrans > ND6_MAX_RETRANS_MS ?
					  ND6_MAX_RETRANS_MS :
					  retrans;

	lifetime = get_be16(icmp + 6);
	if (lifetime) {
		if (route6_add(&s->ip6.routes, &ip6_addr_any, 0, &rx->src, nif,
			       ROUTE6_METRIC_DEFAULT, ROUTE6_RA,
			       s->now + lifetime * 1000ull) < 0)
			s->ip6.nd_mib.RoutesDropped++;
		ip6_timer_arm(s, s->now + lifetime * 1000ull);
	} else {
		route6_del(&s->ip6.routes, &ip6_addr_any, 0, &rx->src, nif,
			   ROUTE6_RA);
	}
	if (o)
		nd6_learn(s, nif, &rx->src, o + 2, true);
	else {
		struct nd6_entry *e = nd6_lookup(s, nif, &rx->src);

		if (e)
			e->router = true;
	}

	/* Every option of the kinds we use, in order. */
	while (olen) {
		size_t n = (size_t)opt[1] * 8;

		if (opt[0] == ND6_OPT_MTU && opt[1] == 1) {
			uint32_t mtu = get_be32(opt + 4);

			if (mtu >= IP6_MIN_MTU && nif->mtu && mtu <= nif->mtu)
				ip6->mtu = (uint16_t)mtu;
		} else if (opt[0] == ND6_OPT_PREFIX) {
			nd6_prefix(s, nif, opt);
		}
		opt += n;
		olen -= n;
	}
}
