/*
 * IPv6 address configuration of an interface: switching IPv6 on, the
 * addresses (link-local, static, SLAAC) with their lifetimes, the
 * multicast groups they need, duplicate address detection (RFC 4862
 * 5.4), SLAAC from router advertisements (RFC 4862 5.5.3) and the router
 * solicitations sent once the link-local address is valid (RFC 4861
 * 6.3.7). The name is Linux's (addrconf.c).
 *
 * An address is tentative from its creation: Kite waits a random
 * 0-IP6_DAD_DELAY_MS, sends IP6_DAD_TRANSMITS Neighbor Solicitations
 * from :: for it, and if no NA for it and no other node's DAD NS for it
 * came within the retrans time (1 s) after the last, it becomes usable.
 * A conflict marks it "dadfailed" for good (it stays listed, as on
 * Linux, and is never used) and logs Linux's line. Addresses on lo skip
 * DAD: nobody else is there.
 *
 * Groups: ff02::1 while IPv6 is on, and the solicited-node group of each
 * address (counted: two addresses may share one). Kite sends no MLD
 * reports; every group it joins is link-local, which MLD snooping
 * switches pass anyway.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip6.h"
#include "net/port.h"
#include "net/stack.h"


static bool netif_is_lo(const struct netif *nif)
{
	return nif->flags & NETIF_LOOPBACK;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* --- groups ----------------------------------------------------------------- */

bool ip6_mc_joined(const struct netif *nif, const struct ip6_addr *group)
{
	for (int i = 0; i < IP6_IF_GROUPS; i++)
		if (nif->ip6.group[i].users &&
		    ip6_addr_eq(&nif->ip6.group[i].addr, group))
			return true;
	return false;
}

bool ip6_mc_mac_joined(const struct netif *nif, const uint8_t *mac)
{
	if (!nif->ip6.enabled || mac[0] != 0x33 || mac[1] != 0x33)
		return false;
	for (int i = 0; i < IP6_IF_GROUPS; i++)
		if (nif->ip6.group[i].users &&
		    memcmp(nif->ip6.group[i].addr.b + 12, mac + 2, 4) == 0)
			return true;
	return false;
}

static int ip6_mc_join(struct netif *nif, const struct ip6_addr *group)
{
	struct ip6_mcgroup *free_slot = NULL;

	for (int i = 0; i < IP6_IF_GROUPS; i++) {
		struct ip6_mcgroup *g = &nif->ip6.group[i];

		if (g->users && ip6_addr_eq(&g->addr, group)) {
			g->users++;
			return 0;
		}
		if (!g->users && !free_slot)
			free_slot = g;
	}
	if (!free_slot)
		return -ENOSPC;
	free_slot->addr = *group;
	free_slot->users = 1;
	return 0;
}

static void ip6_mc_leave(struct netif *nif, const struct ip6_addr *group)
{
	for (int i = 0; i < IP6_IF_GROUPS; i++) {
		struct ip6_mcgroup *g = &nif->ip6.group[i];

		if (g->users && ip6_addr_eq(&g->addr, group)) {
			g->users--;
			return;
		}
	}
}

/* --- addresses -------------------------------------------------------------- */

struct ip6_ifaddr *ip6_ifaddr_find(struct netif *nif, const struct ip6_addr *a)
{
	for (int i = 0; i < IP6_IF_ADDRS; i++) {
		struct ip6_ifaddr *ifa = &nif->ip6.addr[i];

		if (ifa->source != IP6_IFA_NONE && ip6_addr_eq(&ifa->addr, a))
			return ifa;
	}
	return NULL;
}

void ip6_if_new_reachable(struct ip6_if *ip6)
{
	uint32_t base = ip6->base_reachable_ms;

	/* RFC 4861 6.3.2: uniformly 0.5 to 1.5 times the base. */
	ip6->reachable_ms = base / 2 + (base ? net_random() % base : 0);
}

static int ip6_ifaddr_add(struct net_stack *s, struct netif *nif,
			  const struct ip6_addr *addr, uint8_t plen,
			  enum ip6_ifa_source source, uint64_t valid_until,
			  uint64_t preferred_until)
{
	struct ip6_ifaddr *ifa = NULL;
	struct ip6_addr group;

	if (ip6_ifaddr_find(nif, addr))
		return -EEXIST;
	for (int i = 0; i < IP6_IF_ADDRS && !ifa; i++)
		if (nif->ip6.addr[i].source == IP6_IFA_NONE)
			ifa = &nif->ip6.addr[i];
	if (!ifa)
		return -ENOSPC;
	ip6_addr_solicited_node(&group, addr);
	if (ip6_mc_join(nif, &group) < 0)
		return -ENOSPC;
	*ifa = (struct ip6_ifaddr){
		.addr = *addr,
		.valid_until = valid_until,
		.preferred_until = preferred_until,
		.dad_at = NET_NEVER,
		.plen = plen,
		.source = (uint8_t)source,
	};
	if (!netif_is_lo(nif)) {
		/* RFC 4862 5.4.2: after a random delay, so that hosts
		 * starting together do not collide. */
		ifa->flags = IP6_IFA_TENTATIVE;
		ifa->dad_ns = IP6_DAD_TRANSMITS;
		ifa->dad_at = s->now + net_random() % IP6_DAD_DELAY_MS;
	}
	/* A SLAAC address's prefix is on-link only if the router says
	 * so (RFC 4861 6.3.4, the L flag); a configured one's is. */
	if (source != IP6_IFA_SLAAC &&
	    route6_add(&s->ip6.routes, addr, plen, NULL, nif,
		       ROUTE6_METRIC_PREFIX, ROUTE6_KERNEL, NET_NEVER) < 0)
		s->ip6.nd_mib.RoutesDropped++;
	ip6_timer_arm(s, earliest(ifa->dad_at,
				  earliest(valid_until, preferred_until)));
	return 0;
}

static void ip6_ifaddr_remove(struct net_stack *s, struct netif *nif,
			      struct ip6_ifaddr *ifa)
{
	struct ip6_addr group;
	bool shared = false;

	ip6_addr_solicited_node(&group, &ifa->addr);
	ip6_mc_leave(nif, &group);
	/* The connected route stays while another address needs it. */
	for (int i = 0; i < IP6_IF_ADDRS; i++) {
		const struct ip6_ifaddr *o = &nif->ip6.addr[i];

		if (o != ifa && o->source != IP6_IFA_NONE &&
		    o->source != IP6_IFA_SLAAC && o->plen == ifa->plen &&
		    ip6_addr_prefix_eq(&o->addr, &ifa->addr, ifa->plen))
			shared = true;
	}
	if (ifa->source != IP6_IFA_SLAAC && !shared)
		route6_del(&s->ip6.routes, &ifa->addr, ifa->plen, NULL, nif,
			   ROUTE6_KERNEL);
	memset(ifa, 0, sizeof(*ifa));
}

int ip6_enable(struct net_stack *s, struct netif *nif)
{
	struct ip6_if *ip6 = &nif->ip6;
	struct ip6_addr ll = { .b = { 0xfe, 0x80 } };

	if (ip6->enabled)
		return -EALREADY;
	if (!netif_is_lo(nif) && nif->mtu < IP6_MIN_MTU)
		return -EINVAL;
	memset(ip6, 0, sizeof(*ip6));
	ip6->enabled = true;
	ip6->hop_limit = IP6_DEFAULT_HOPLIMIT;
	ip6->mtu = netif_is_lo(nif) ? NETIF_LO_MTU : nif->mtu;
	ip6->base_reachable_ms = ND6_REACHABLE_MS;
	ip6_if_new_reachable(ip6);
	ip6->retrans_ms = ND6_RETRANS_MS;
	ip6->rs_at = NET_NEVER;
	ip6_mc_join(nif, &ip6_addr_allnodes);
	if (netif_is_lo(nif))
		return ip6_ifaddr_add(s, nif, &ip6_addr_loopback, 128,
				      IP6_IFA_STATIC, NET_NEVER, NET_NEVER);
	ip6_addr_set_eui64(&ll, nif->mac);
	return ip6_ifaddr_add(s, nif, &ll, 64, IP6_IFA_LINKLOCAL, NET_NEVER,
			      NET_NEVER);
}

int ip6_addr_add(struct net_stack *s, struct netif *nif,
		 const struct ip6_addr *addr, uint8_t plen)
{
	if (!nif->ip6.enabled || plen > 128 || ip6_addr_is_multicast(addr) ||
	    ip6_addr_is_unspecified(addr) || ip6_addr_is_loopback(addr))
		return -EINVAL;
	return ip6_ifaddr_add(s, nif, addr, plen, IP6_IFA_STATIC, NET_NEVER,
			      NET_NEVER);
}

int ip6_addr_del(struct net_stack *s, struct netif *nif,
		 const struct ip6_addr *addr)
{
	struct ip6_ifaddr *ifa = ip6_ifaddr_find(nif, addr);

	if (!ifa)
		return -EADDRNOTAVAIL;
	ip6_ifaddr_remove(s, nif, ifa);
	return 0;
}

void ip6_addr_for_each(struct net_stack *s,
		       void (*fn)(const struct netif *nif,
				  const struct ip6_ifaddr *ifa, void *arg),
		       void *arg)
{
	for (int i = 0; i < s->nnetifs; i++) {
		const struct netif *nif = s->netifs[i];

		for (int j = 0; nif->ip6.enabled && j < IP6_IF_ADDRS; j++)
			if (nif->ip6.addr[j].source != IP6_IFA_NONE)
				fn(nif, &nif->ip6.addr[j], arg);
	}
}

/* --- DAD -------------------------------------------------------------------- */

void ip6_dad_conflict(struct net_stack *s, struct netif *nif,
		      struct ip6_ifaddr *ifa, const uint8_t *mac)
{
	static const uint8_t none[6];
	char a[IP6_ADDRSTRLEN];

	if (!mac)
		mac = none;
	ifa->flags |= IP6_IFA_DADFAILED;
	ifa->dad_at = NET_NEVER;
	s->ip6.nd_mib.DadFailed++;
	/* Linux's words (addrconf_dad_failure), for scripts that grep. */
	net_log("IPv6: %s: IPv6 duplicate address %s used by "
		"%02x:%02x:%02x:%02x:%02x:%02x detected!",
		nif->name, ip6_addr_format(&ifa->addr, a), mac[0], mac[1],
		mac[2], mac[3], mac[4], mac[5]);
}

/* One DAD step of a tentative address that is due. */
static void ip6_dad_step(struct net_stack *s, struct netif *nif,
			 struct ip6_ifaddr *ifa)
{
	if (ifa->dad_ns) {
		ifa->dad_ns--;
		ifa->dad_at = s->now + nif->ip6.retrans_ms;
		nd6_send_ns(s, nif, &ifa->addr, NULL, NULL);
		return;
	}
	/* Silence: the address is ours. */
	ifa->flags &= (uint8_t)~IP6_IFA_TENTATIVE;
	ifa->dad_at = NET_NEVER;
	if (ifa->source == IP6_IFA_LINKLOCAL && !nif->ip6.ra_seen) {
		/* RFC 4861 6.3.7: DAD's random delay already spread the
		 * hosts out; solicit now. */
		nif->ip6.rs_sent = 0;
		nif->ip6.rs_at = s->now;
	}
}

/* --- SLAAC ------------------------------------------------------------------ */

static uint64_t lifetime_until(struct net_stack *s, uint32_t secs)
{
	return secs == 0xffffffffu ? NET_NEVER : s->now + secs * 1000ull;
}

void ip6_slaac_prefix(struct net_stack *s, struct netif *nif,
		      const struct ip6_addr *prefix, uint32_t valid,
		      uint32_t preferred)
{
	struct ip6_addr addr = *prefix;
	struct ip6_ifaddr *ifa;
	uint64_t vu = lifetime_until(s, valid);
	uint64_t pu = lifetime_until(s, preferred);

	ip6_addr_set_eui64(&addr, nif->mac);
	ifa = ip6_ifaddr_find(nif, &addr);
	if (!ifa) {
		/* RFC 4862 5.5.3 (d): a new prefix, with a lifetime. */
		if (valid && ip6_ifaddr_add(s, nif, &addr, 64, IP6_IFA_SLAAC,
					    vu, pu) == -ENOSPC)
			s->ip6.nd_mib.AddrsDropped++;
		return;
	}
	if (ifa->source != IP6_IFA_SLAAC)
		return;			/* configured by hand: not ours */
	ifa->preferred_until = pu;
	if (pu > s->now)
		ifa->flags &= (uint8_t)~IP6_IFA_DEPRECATED;
	/* (e): the valid lifetime may grow freely, but shrink only to two
	 * hours, so that a forged advertisement cannot take an address
	 * away at once. */
	if (vu == NET_NEVER || valid * 1000ull > IP6_TWO_HOURS_MS ||
	    vu > ifa->valid_until)
		ifa->valid_until = vu;
	else if (ifa->valid_until > s->now + IP6_TWO_HOURS_MS)
		ifa->valid_until = s->now + IP6_TWO_HOURS_MS;
	ip6_timer_arm(s, earliest(ifa->valid_until, ifa->preferred_until));
}

/* --- timers ----------------------------------------------------------------- */

uint64_t ip6_addrconf_poll(struct net_stack *s)
{
	uint64_t next = NET_NEVER;

	for (int i = 0; i < s->nnetifs; i++) {
		struct netif *nif = s->netifs[i];
		struct ip6_if *ip6 = &nif->ip6;

		if (!ip6->enabled)
			continue;
		for (int j = 0; j < IP6_IF_ADDRS; j++) {
			struct ip6_ifaddr *ifa = &ip6->addr[j];

			if (ifa->source == IP6_IFA_NONE)
				continue;
			if (ifa->valid_until <= s->now) {
				ip6_ifaddr_remove(s, nif, ifa);
				continue;
			}
			if (ifa->preferred_until <= s->now)
				ifa->flags |= IP6_IFA_DEPRECATED;
			else
				next = earliest(next, ifa->preferred_until);
			next = earliest(next, ifa->valid_until);
			if (ifa->dad_at <= s->now)
				ip6_dad_step(s, nif, ifa);
			next = earliest(next, ifa->dad_at);
		}
		if (ip6->rs_at <= s->now && !ip6->ra_seen) {
			nd6_send_rs(s, nif);
			ip6->rs_at = ++ip6->rs_sent < ND6_RTR_SOLICITS ?
					     s->now + ND6_RTR_SOLICIT_MS :
					     NET_NEVER;
		}
		next = earliest(next, ip6->rs_at);
	}
	return next;
}
