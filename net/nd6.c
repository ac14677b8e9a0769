/*
 * Neighbor Discovery (RFC 4861): the neighbour cache, NUD, NS and NA
 * (nd6.h states the rules). Router discovery is nd6_router.c, duplicate
 * address detection ip6_addrconf.c.
 *
 * Entry life (Linux's NUD states):
 *
 *   FREE --packet--> INCOMPLETE --NA--> REACHABLE (solicited) or STALE
 *                    |  NS at once, then one per retrans time
 *                    '--ND6_MAX_MCAST_SOLICIT unanswered--> FAILED
 *                       (queued packets dropped, each with an ICMPv6
 *                       address unreachable to its local sender)
 *   FREE --NS/RA/redirect with a link-layer option--> STALE
 *   REACHABLE --reachable time--> STALE --packet sent--> DELAY
 *   DELAY --ND6_DELAY_MS--> PROBE --solicited NA--> REACHABLE
 *   PROBE --ND6_MAX_UCAST_SOLICIT unanswered--> FAILED
 *   FAILED --packet--> INCOMPLETE (solicits from the start, as Linux)
 *
 * A timer field per entry holds its next step; nd6_poll() walks the
 * table (as arp_poll() does) only when ip6_poll() finds a timer due.
 */
#include <string.h>

#include "net/byteorder.h"
#include "net/eth.h"
#include "net/ip6.h"
#include "net/neigh_queue.h"
#include "net/port.h"
#include "net/stack.h"

#define ND6_NS_LEN	24	/* type .. target, before options */
#define ND6_NA_ROUTER	0x80	/* NA flags, in byte 4 */
#define ND6_NA_SOLICIT	0x40
#define ND6_NA_OVERRIDE	0x20

#define MAC_FMT	    "%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARGS(m) (m)[0], (m)[1], (m)[2], (m)[3], (m)[4], (m)[5]

void nd6_init(struct nd6_table *t)
{
	memset(t->entry, 0, sizeof(t->entry));
	pkt_queue_init(&t->pending, ND6_PENDING_MAX);
}

const char *nd6_state_name(unsigned state)
{
	static const char *const names[] = {
		"NONE", "INCOMPLETE", "REACHABLE", "STALE",
		"DELAY", "PROBE", "FAILED",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

struct nd6_entry *nd6_lookup(struct net_stack *s, const struct netif *nif,
			     const struct ip6_addr *addr)
{
	for (int i = 0; i < ND6_TABLE_SIZE; i++) {
		struct nd6_entry *e = &s->ip6.nd.entry[i];

		if (e->state != ND6_FREE && e->nif == nif &&
		    ip6_addr_eq(&e->addr, addr))
			return e;
	}
	return NULL;
}

static uint32_t nd6_index(struct net_stack *s, const struct nd6_entry *e)
{
	return (uint32_t)(e - s->ip6.nd.entry);
}

static void nd6_set(struct net_stack *s, struct nd6_entry *e,
		    enum nd6_state state, uint64_t timer)
{
	e->state = (uint8_t)state;
	e->timer = timer;
	e->updated = s->now;
	ip6_timer_arm(s, timer);
}

static void nd6_reachable(struct net_stack *s, struct nd6_entry *e)
{
	e->probes = 0;
	nd6_set(s, e, ND6_REACHABLE, s->now + e->nif->ip6.reachable_ms);
}

/* --- the pending queue (neigh_queue.h, as ARP's) --------------------------- */

/* Like Linux's ndisc_error_report(): a packet we could not deliver
 * earns its (local) sender an address unreachable. */
static void nd6_error_report(struct net_stack *s, struct pkt *p)
{
	const uint8_t *h = pkt_data(p);
	struct ip6_rx rx = { .pkt = h, .len = p->len };

	memcpy(rx.src.b, h + 8, 16);
	memcpy(rx.dst.b, h + 24, 16);
	icmp6_send_error(s, &rx, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADDR, 0);
}

/* Drop every packet waiting for e (counted); report tells their
 * senders. The packets leave the queue first: the ICMP path may send. */
static void pending_drop(struct net_stack *s, struct nd6_entry *e,
			 bool report)
{
	struct pkt *p, *dead;

	dead = neigh_queue_take_neigh(&s->ip6.nd.pending, e->nif,
				      nd6_index(s, e));
	while ((p = dead)) {
		dead = p->next;
		p->next = NULL;
		s->ip6.nd_mib.QueueDrops++;
		if (report)
			nd6_error_report(s, p);
		pkt_free(p);
	}
}

static bool nd6_resolved(const struct nd6_entry *e)
{
	return e->state == ND6_REACHABLE || e->state == ND6_STALE ||
	       e->state == ND6_DELAY || e->state == ND6_PROBE;
}

/* Send p to a resolved neighbour; the first packet to a STALE one
 * starts NUD (RFC 4861 7.3.3). */
static void nd6_send_to(struct net_stack *s, struct nd6_entry *e,
			struct pkt *p)
{
	if (e->state == ND6_STALE)
		nd6_set(s, e, ND6_DELAY, s->now + ND6_DELAY_MS);
	eth_output(s, e->nif, p, e->mac, ETH_P_IPV6);
}

static bool pending_resolved(const struct pkt *p, const void *arg)
{
	const struct nd6_entry *e = &((const struct nd6_entry *)arg)[p->addr];

	return nd6_resolved(e) && e->nif == p->nif;
}

/* Send what is resolved now, keep the rest in order (no head-of-line
 * blocking). */
static void nd6_drain(struct net_stack *s)
{
	struct pkt *p = neigh_queue_take(&s->ip6.nd.pending, pending_resolved,
					 s->ip6.nd.entry);

	while (p) {
		struct pkt *next = p->next;

		p->next = NULL;
		nd6_send_to(s, &s->ip6.nd.entry[p->addr], p);
		p = next;
	}
}

/* --- entries ---------------------------------------------------------------- */

static int evict_rank(uint8_t state)
{
	return state == ND6_FAILED ? 0 : state == ND6_INCOMPLETE ? 1 : 2;
}

/* A cleared entry: a free one, else the oldest FAILED, INCOMPLETE,
 * other, in that order (nd6.h). */
static struct nd6_entry *nd6_alloc(struct net_stack *s,
				   struct netif *nif,
				   const struct ip6_addr *addr)
{
	struct nd6_entry *victim = NULL;

	for (int i = 0; i < ND6_TABLE_SIZE; i++) {
		struct nd6_entry *e = &s->ip6.nd.entry[i];

		if (e->state == ND6_FREE) {
			victim = e;
			break;
		}
		if (!victim || evict_rank(e->state) < evict_rank(victim->state) ||
		    (e->state == victim->state && e->updated < victim->updated))
			victim = e;
	}
	if (victim->state != ND6_FREE)
		pending_drop(s, victim, false);
	memset(victim, 0, sizeof(*victim));
	victim->addr = *addr;
	victim->nif = nif;
	victim->timer = NET_NEVER;
	victim->updated = s->now;
	return victim;
}

/* Resolution failed: FAILED, and the waiting packets go. */
static void nd6_give_up(struct net_stack *s, struct nd6_entry *e)
{
	nd6_set(s, e, ND6_FAILED, NET_NEVER);
	s->ip6.nd_mib.ResolveFailed++;
	pending_drop(s, e, true);
}

struct nd6_entry *nd6_learn(struct net_stack *s, struct netif *nif,
			    const struct ip6_addr *addr, const uint8_t *mac,
			    bool router)
{
	struct nd6_entry *e = nd6_lookup(s, nif, addr);
	bool was_unresolved;

	if (!e)
		e = nd6_alloc(s, nif, addr);
	was_unresolved = !nd6_resolved(e);
	/* RFC 4861 7.2.3: a new or changed address is STALE; the same
	 * address leaves the state alone. */
	if (was_unresolved || memcmp(e->mac, mac, ETH_ALEN)) {
		memcpy(e->mac, mac, ETH_ALEN);
		e->probes = 0;
		nd6_set(s, e, ND6_STALE, NET_NEVER);
	}
	if (router)
		e->router = true;
	if (was_unresolved)
		nd6_drain(s);
	return e;
}

void nd6_confirm(struct net_stack *s, struct netif *nif,
		 const struct ip6_addr *addr)
{
	struct nd6_entry *e = nd6_lookup(s, nif, addr);

	if (e && nd6_resolved(e))
		nd6_reachable(s, e);
}

/* --- sending ---------------------------------------------------------------- */

/* An NS or NA (type) about target, from src to dst, with flags (NA)
 * and our MAC in a link-layer address option of type opt (0: none). */
static void nd6_send_nd(struct net_stack *s, struct netif *nif, uint8_t type,
			uint8_t flags, const struct ip6_addr *target,
			uint8_t opt, const struct ip6_addr *src,
			const struct ip6_addr *dst)
{
	size_t len = ND6_NS_LEN + (opt ? 8 : 0);
	struct pkt *p = pkt_alloc(len);
	uint8_t *m;

	if (!p) {
		s->ip6.icmp.OutErrors++;
		return;
	}
	m = pkt_put(p, len);
	memset(m, 0, len);
	m[0] = type;
	m[4] = flags;
	memcpy(m + 8, target->b, 16);
	if (opt) {
		m[ND6_NS_LEN] = opt;
		m[ND6_NS_LEN + 1] = 1;
		memcpy(m + ND6_NS_LEN + 2, nif->mac, ETH_ALEN);
	}
	icmp6_send(s, p, src, dst, nif, IP6_ND_HOPLIMIT, true);
}

void nd6_send_ns(struct net_stack *s, struct netif *nif,
		 const struct ip6_addr *target, const struct ip6_addr *src,
		 const struct ip6_addr *unicast)
{
	struct ip6_addr dst;

	if (unicast)
		dst = *unicast;
	else
		ip6_addr_solicited_node(&dst, target);
	/* RFC 4861 4.3: our MAC, except in DAD (from ::). */
	nd6_send_nd(s, nif, ND_NEIGHBOR_SOLICIT, 0, target,
		    src ? ND6_OPT_SLLA : 0, src ? src : &ip6_addr_any, &dst);
}

/* An NA for our address target, to dst. TLLA always: Kite has one MAC
 * per interface and no reason to hide it. */
static void nd6_send_na(struct net_stack *s, struct netif *nif,
			const struct ip6_addr *target,
			const struct ip6_addr *dst, uint8_t flags)
{
	nd6_send_nd(s, nif, ND_NEIGHBOR_ADVERT, flags, target, ND6_OPT_TLLA,
		    target, dst);
}

/* Resolution: a multicast NS for e, from the source of the packet that
 * prompted it if that is ours here (RFC 4861 7.2.2), else the best. */
static void nd6_solicit(struct net_stack *s, struct nd6_entry *e,
			const struct ip6_addr *hint)
{
	struct ip6_addr src;

	e->probes++;
	nd6_set(s, e, ND6_INCOMPLETE, s->now + e->nif->ip6.retrans_ms);
	if (hint) {
		const struct ip6_ifaddr *ifa = ip6_ifaddr_find(e->nif, hint);

		if (ifa && !(ifa->flags & (IP6_IFA_TENTATIVE |
					   IP6_IFA_DADFAILED))) {
			nd6_send_ns(s, e->nif, &e->addr, hint, NULL);
			return;
		}
	}
	if (ip6_select_source(e->nif, &e->addr, &src) == 0)
		nd6_send_ns(s, e->nif, &e->addr, &src, NULL);
	else
		s->ip6.nd_mib.SolicitsUnsent++;
}

/* NUD: a unicast NS to the cached MAC (RFC 4861 7.3.3). */
static void nd6_probe(struct net_stack *s, struct nd6_entry *e)
{
	struct ip6_addr src;

	e->probes++;
	nd6_set(s, e, ND6_PROBE, s->now + e->nif->ip6.retrans_ms);
	if (ip6_select_source(e->nif, &e->addr, &src) == 0)
		nd6_send_ns(s, e->nif, &e->addr, &src, &e->addr);
	else
		s->ip6.nd_mib.SolicitsUnsent++;
}

void nd6_output(struct net_stack *s, struct netif *nif, struct pkt *p,
		const struct ip6_addr *nexthop)
{
	struct nd6_entry *e;
	struct ip6_addr hint;

	if (ip6_addr_is_multicast(nexthop)) {
		/* RFC 2464 7: 33:33 and the group's low 32 bits. */
		uint8_t mac[ETH_ALEN] = { 0x33, 0x33 };

		memcpy(mac + 2, nexthop->b + 12, 4);
		eth_output(s, nif, p, mac, ETH_P_IPV6);
		return;
	}
	e = nd6_lookup(s, nif, nexthop);
	if (!e) {
		e = nd6_alloc(s, nif, nexthop);
		e->state = ND6_INCOMPLETE;
	} else if (e->state == ND6_FAILED) {
		e->state = ND6_INCOMPLETE;
		e->probes = 0;
	}
	if (e->state != ND6_INCOMPLETE) {
		nd6_send_to(s, e, p);
		return;
	}

	/* Queue it as arp_output() does: the oldest of this neighbour
	 * goes when it has its share, the oldest of all when full. */
	s->ip6.nd_mib.QueueDrops += neigh_queue_add(&s->ip6.nd.pending, p, nif,
						    nd6_index(s, e), s->now,
						    ND6_PENDING_PER_NEIGH);
	ip6_timer_arm(s, s->now + (ND6_MAX_MCAST_SOLICIT + 1) *
				  (uint64_t)nif->ip6.retrans_ms);
	if (e->probes == 0) {
		memcpy(hint.b, pkt_data(p) + 8, 16);
		nd6_solicit(s, e, &hint);
	}
}

/* --- receiving -------------------------------------------------------------- */

bool nd6_opts_valid(const uint8_t *opt, size_t len)
{
	while (len) {
		size_t olen;

		if (len < 2)
			return false;
		olen = (size_t)opt[1] * 8;
		if (!olen || olen > len)
			return false;
		opt += olen;
		len -= olen;
	}
	return true;
}

const uint8_t *nd6_opt_find(const uint8_t *opt, size_t len, uint8_t type)
{
	while (len >= 2 && opt[1]) {
		size_t olen = (size_t)opt[1] * 8;

		if (olen > len)
			break;
		if (opt[0] == type)
			return opt;
		opt += olen;
		len -= olen;
	}
	return NULL;
}

/* The MAC of a link-layer address option, NULL without one; false if
 * it is not an Ethernet address (8 bytes) or names no one host. */
static bool nd6_lladdr(const uint8_t *opt, size_t len, uint8_t type,
		       const uint8_t **mac)
{
	const uint8_t *o = nd6_opt_find(opt, len, type);

	*mac = NULL;
	if (!o)
		return true;
	if (o[1] != 1 || (o[2] & 1))
		return false;
	*mac = o + 2;
	return true;
}

/* RFC 4861 7.1.1 and 7.2.3. */
static bool nd6_ns_input(struct net_stack *s, const struct ip6_rx *rx,
			 const uint8_t *icmp, size_t len)
{
	struct netif *nif = rx->nif;
	struct ip6_addr target;
	struct ip6_ifaddr *ifa;
	const uint8_t *slla;
	bool dad = ip6_addr_is_unspecified(&rx->src);

	if (len < ND6_NS_LEN)
		return false;
	memcpy(target.b, icmp + 8, 16);
	if (ip6_addr_is_multicast(&target) ||
	    !nd6_opts_valid(icmp + ND6_NS_LEN, len - ND6_NS_LEN) ||
	    !nd6_lladdr(icmp + ND6_NS_LEN, len - ND6_NS_LEN, ND6_OPT_SLLA,
			&slla))
		return false;
	if (dad && (!ip6_addr_is_solicited(&rx->dst) || slla))
		return false;

	ifa = ip6_ifaddr_find(nif, &target);
	if (!ifa)
		return true;		/* not ours: no proxying here */
	if (ifa->flags & (IP6_IFA_TENTATIVE | IP6_IFA_DADFAILED)) {
		/* RFC 4862 5.4.3: another node's DAD for the address we
		 * are checking. An NS from a unicast address is someone
		 * resolving it, and is ignored. */
		if (dad && !(ifa->flags & IP6_IFA_DADFAILED))
			ip6_dad_conflict(s, nif, ifa, rx->mac);
		return true;
	}
	if (dad) {
		/* RFC 4861 7.2.4: defend, to all nodes, not solicited. */
		nd6_send_na(s, nif, &target, &ip6_addr_allnodes,
			    ND6_NA_OVERRIDE);
		return true;
	}
	if (slla)
		nd6_learn(s, nif, &rx->src, slla, false);
	nd6_send_na(s, nif, &target, &rx->src,
		    ND6_NA_SOLICIT | ND6_NA_OVERRIDE);
	return true;
}

/* RFC 4861 7.1.2 and 7.2.5. */
static bool nd6_na_input(struct net_stack *s, const struct ip6_rx *rx,
			 const uint8_t *icmp, size_t len)
{
	struct netif *nif = rx->nif;
	struct ip6_addr target;
	struct ip6_ifaddr *ifa;
	struct nd6_entry *e;
	const uint8_t *tlla;
	bool differs, was_router;
	uint8_t flags;

	if (len < ND6_NS_LEN)
		return false;
	flags = icmp[4];
	memcpy(target.b, icmp + 8, 16);
	if (ip6_addr_is_multicast(&target) ||
	    (ip6_addr_is_multicast(&rx->dst) && (flags & ND6_NA_SOLICIT)) ||
	    !nd6_opts_valid(icmp + ND6_NS_LEN, len - ND6_NS_LEN) ||
	    !nd6_lladdr(icmp + ND6_NS_LEN, len - ND6_NS_LEN, ND6_OPT_TLLA,
			&tlla))
		return false;

	ifa = ip6_ifaddr_find(nif, &target);
	if (ifa) {
		char a[IP6_ADDRSTRLEN];

		/* RFC 4862 5.4.4 for a tentative address; for a valid
		 * one the RFCs say nothing: log it as Linux does. */
		if ((ifa->flags & IP6_IFA_TENTATIVE) &&
		    !(ifa->flags & IP6_IFA_DADFAILED))
			ip6_dad_conflict(s, nif, ifa, rx->mac);
		else if (!(ifa->flags & IP6_IFA_DADFAILED))
			net_log("ICMPv6: NA: " MAC_FMT
				" advertised our address %s on %s!",
				MAC_ARGS(rx->mac), ip6_addr_format(&target, a),
				nif->name);
		return true;
	}
	e = nd6_lookup(s, nif, &target);
	if (!e)
		return true;		/* unsolicited: no new entry */
	if (!nd6_resolved(e)) {
		if (!tlla)
			return true;
		memcpy(e->mac, tlla, ETH_ALEN);
		e->router = flags & ND6_NA_ROUTER;
		if (flags & ND6_NA_SOLICIT)
			nd6_reachable(s, e);
		else
			nd6_set(s, e, ND6_STALE, NET_NEVER);
		nd6_drain(s);
		return true;
	}
	differs = tlla && memcmp(tlla, e->mac, ETH_ALEN);
	if (!(flags & ND6_NA_OVERRIDE) && differs) {
		/* Not allowed to override: only doubt what we had. */
		if (e->state == ND6_REACHABLE)
			nd6_set(s, e, ND6_STALE, NET_NEVER);
		return true;
	}
	if (differs)
		memcpy(e->mac, tlla, ETH_ALEN);
	if (flags & ND6_NA_SOLICIT)
		nd6_reachable(s, e);
	else if (differs)
		nd6_set(s, e, ND6_STALE, NET_NEVER);
	was_router = e->router;
	e->router = flags & ND6_NA_ROUTER;
	if (was_router && !e->router)
		route6_del(&s->ip6.routes, &ip6_addr_any, 0, &e->addr, nif,
			   ROUTE6_RA);
	return true;
}

void nd6_input(struct net_stack *s, const struct ip6_rx *rx,
	       const uint8_t *icmp, size_t len)
{
	bool ok;

	/* RFC 4861 6.1, 7.1: only from a neighbour (hop limit 255: no
	 * router passed it on), code 0, whole (RFC 6980); lo has none. */
	if (!rx->mac)
		return;
	if (rx->hlim != IP6_ND_HOPLIMIT || icmp[1] != 0 || rx->reassembled ||
	    !rx->nif->ip6.enabled) {
		s->ip6.icmp.InErrors++;
		return;
	}
	switch (icmp[0]) {
	case ND_NEIGHBOR_SOLICIT:
		ok = nd6_ns_input(s, rx, icmp, len);
		break;
	case ND_NEIGHBOR_ADVERT:
		ok = nd6_na_input(s, rx, icmp, len);
		break;
	case ND_ROUTER_ADVERT:
		nd6_ra_input(s, rx, icmp, len);
		return;
	case ND_REDIRECT:
		/* Routes are learnt from routers' advertisements only. */
		s->ip6.nd_mib.RedirectsIgnored++;
		return;
	default:
		/* Router Solicitation: for routers (RFC 4861 6.2.6). */
		return;
	}
	if (!ok)
		s->ip6.icmp.InErrors++;
}

/* --- timers ------------------------------------------------------------------ */

/* A packet normally leaves when its neighbour resolves or fails; this
 * catches the rest, with one retrans time of slack. */
static uint64_t pending_deadline(const struct pkt *p)
{
	return p->time + (ND6_MAX_MCAST_SOLICIT + 1) *
				 (uint64_t)p->nif->ip6.retrans_ms;
}

static bool pending_too_old(const struct pkt *p, const void *arg)
{
	return *(const uint64_t *)arg >= pending_deadline(p);
}

uint64_t nd6_poll(struct net_stack *s)
{
	struct pkt_queue *q = &s->ip6.nd.pending;
	uint64_t next = NET_NEVER;

	for (int i = 0; i < ND6_TABLE_SIZE; i++) {
		struct nd6_entry *e = &s->ip6.nd.entry[i];

		if (e->state != ND6_FREE && e->timer <= s->now) {
			switch (e->state) {
			case ND6_INCOMPLETE:
				if (e->probes >= ND6_MAX_MCAST_SOLICIT)
					nd6_give_up(s, e);
				else
					nd6_solicit(s, e, NULL);
				break;
			case ND6_REACHABLE:
				nd6_set(s, e, ND6_STALE, NET_NEVER);
				break;
			case ND6_DELAY:
				e->probes = 0;
				nd6_probe(s, e);
				break;
			case ND6_PROBE:
				if (e->probes >= ND6_MAX_UCAST_SOLICIT)
					nd6_give_up(s, e);
				else
					nd6_probe(s, e);
				break;
			default:
				e->timer = NET_NEVER;
				break;
			}
		}
		if (e->state != ND6_FREE && e->timer < next)
			next = e->timer;
	}

	s->ip6.nd_mib.QueueDrops += pkt_free_list(
		neigh_queue_take(q, pending_too_old, &s->now));
	for (const struct pkt *p = q->head; p; p = p->next)
		if (pending_deadline(p) < next)
			next = pending_deadline(p);
	return next;
}

void nd6_flush(struct net_stack *s, struct netif *nif)
{
	for (int i = 0; i < ND6_TABLE_SIZE; i++) {
		struct nd6_entry *e = &s->ip6.nd.entry[i];

		if (e->state != ND6_FREE && e->nif == nif) {
			pending_drop(s, e, false);
			memset(e, 0, sizeof(*e));
		}
	}
}

void nd6_for_each(struct net_stack *s,
		  void (*fn)(const struct nd6_entry *e, void *arg), void *arg)
{
	for (int i = 0; i < ND6_TABLE_SIZE; i++)
		if (s->ip6.nd.entry[i].state != ND6_FREE)
			fn(&s->ip6.nd.entry[i], arg);
}
