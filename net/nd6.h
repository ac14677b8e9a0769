/*
 * Neighbor Discovery for IPv6 (RFC 4861): the neighbour cache with
 * Neighbor Unreachability Detection, Neighbor Solicitations and
 * Advertisements in and out, and router discovery (Router Solicitations
 * out, Router Advertisements in: default routers, on-link prefixes,
 * SLAAC prefixes, MTU).
 *
 * The cache keeps Linux's NUD states and timings:
 *
 *   INCOMPLETE  multicast NS sent, one per retrans time (1 s), given up
 *               after ND6_MAX_MCAST_SOLICIT: FAILED
 *   REACHABLE   confirmed (solicited NA) within the reachable time
 *               (~30 s, randomised 0.5-1.5x, RFC 4861 6.3.2)
 *   STALE       learnt unsolicited, or the reachable time passed; used
 *               as is; the first packet sent makes it DELAY
 *   DELAY       ND6_DELAY_MS for an upper layer to confirm, then PROBE
 *   PROBE       unicast NS every retrans time, ND6_MAX_UCAST_SOLICIT
 *               of them; a solicited NA makes it REACHABLE, silence
 *               FAILED
 *   FAILED      resolution failed; new traffic starts over (INCOMPLETE)
 *
 * Packets waiting for resolution follow ARP's rules (arp.h): one bounded
 * queue shared by every neighbour, ND6_PENDING_PER_NEIGH of it for one
 * neighbour (its oldest dropped first), the whole queue walked and what
 * is resolved sent whenever any neighbour resolves, so a silent
 * neighbour never holds back another's packets. A full cache gives up
 * its oldest FAILED entry first, then the oldest INCOMPLETE (its
 * waiting packets dropped), then the oldest other. Every drop is
 * counted (Nd6QueueDrops).
 *
 * NS and NA are validated as RFC 4861 7.1 says (hop limit 255, code 0,
 * length, target not multicast, a DAD NS only from :: to a
 * solicited-node group and without a source link-layer address, no
 * option of length zero, not from a reassembled packet: RFC 6980);
 * what fails is counted in Icmp6InErrors and ignored. Kite answers NS
 * only for its own addresses that are not tentative, and hands NS/NA
 * about tentative ones to duplicate address detection (ip6_addrconf.c).
 * Redirects are counted and ignored.
 */
#ifndef KITE_NET_ND6_H
#define KITE_NET_ND6_H

#include <stdbool.h>
#include <stdint.h>

#include "net/ip6_addr.h"
#include "net/pkt.h"

/* Option types (RFC 4861 4.6). */
#define ND6_OPT_SLLA		1	/* source link-layer address */
#define ND6_OPT_TLLA		2	/* target link-layer address */
#define ND6_OPT_PREFIX		3	/* prefix information */
#define ND6_OPT_MTU		5

#define ND6_TABLE_SIZE		32
#define ND6_PENDING_MAX		32
#define ND6_PENDING_PER_NEIGH	8
/* RFC 4861 10 protocol constants (Linux's defaults). */
#define ND6_REACHABLE_MS	30000	/* REACHABLE_TIME */
#define ND6_RETRANS_MS		1000	/* RETRANS_TIMER */
#define ND6_DELAY_MS		5000	/* DELAY_FIRST_PROBE_TIME */
#define ND6_MAX_MCAST_SOLICIT	3
#define ND6_MAX_UCAST_SOLICIT	3
#define ND6_MAX_REACHABLE_MS	3600000	/* MAX_REACHABLE_TIME */
#define ND6_MIN_RETRANS_MS	10	/* an RA's Retrans Timer, clamped */
#define ND6_MAX_RETRANS_MS	60000
#define ND6_RTR_SOLICITS	3	/* MAX_RTR_SOLICITATIONS */
#define ND6_RTR_SOLICIT_MS	4000	/* RTR_SOLICITATION_INTERVAL */

enum nd6_state {
	ND6_FREE,
	ND6_INCOMPLETE,
	ND6_REACHABLE,
	ND6_STALE,
	ND6_DELAY,
	ND6_PROBE,
	ND6_FAILED,
};

struct netif;
struct net_stack;
struct ip6_rx;

struct nd6_entry {
	struct ip6_addr addr;
	struct netif *nif;
	uint64_t updated;	/* ms: last confirmation or state change */
	uint64_t timer;		/* ms: next step, or NET_NEVER */
	uint8_t mac[6];
	uint8_t state;		/* enum nd6_state */
	uint8_t probes;		/* solicitations sent in this state */
	bool router;		/* IsRouter (RFC 4861 5.1) */
};

struct nd6_table {
	struct nd6_entry entry[ND6_TABLE_SIZE];
	/* IPv6 packets (header on top) waiting for a MAC; p->nif is the
	 * interface and p->addr the index of the neighbour entry. */
	struct pkt_queue pending;
};

void nd6_init(struct nd6_table *t);

/* Send IPv6 packet p (header on top) to nexthop on nif (an Ethernet
 * interface): multicast to its 33:33 group MAC, unicast through the
 * neighbour cache. Consumes p. */
void nd6_output(struct net_stack *s, struct netif *nif, struct pkt *p,
		const struct ip6_addr *nexthop);

/* An ND message (ICMPv6 types 133-137, checksum verified) received. */
void nd6_input(struct net_stack *s, const struct ip6_rx *rx,
	       const uint8_t *icmp, size_t len);

/* A Neighbor Solicitation for target on nif: for DAD (src NULL: from
 * ::, to the solicited-node group, no link-layer option), address
 * resolution (unicast NULL) or a unicast NUD probe (unicast set). */
void nd6_send_ns(struct net_stack *s, struct netif *nif,
		 const struct ip6_addr *target, const struct ip6_addr *src,
		 const struct ip6_addr *unicast);

/* A Router Solicitation on nif (RFC 4861 6.3.7). */
void nd6_send_rs(struct net_stack *s, struct netif *nif);

/* An upper layer saw forward progress with addr (RFC 4861 7.3.1): its
 * entry becomes REACHABLE again. For TCP over IPv6, later. */
void nd6_confirm(struct net_stack *s, struct netif *nif,
		 const struct ip6_addr *addr);

/* The live entry for addr on nif, or NULL. */
struct nd6_entry *nd6_lookup(struct net_stack *s, const struct netif *nif,
			     const struct ip6_addr *addr);

/* NUD timers, retries, the pending queue's age limit. Next deadline. */
uint64_t nd6_poll(struct net_stack *s);

/* Forget every entry and queued packet of nif. */
void nd6_flush(struct net_stack *s, struct netif *nif);

/* For ip -6 neigh: every entry in use. */
void nd6_for_each(struct net_stack *s,
		  void (*fn)(const struct nd6_entry *e, void *arg), void *arg);

/* "REACHABLE", "STALE", ... as ip -6 neigh prints them. */
const char *nd6_state_name(unsigned state);

/* Between nd6.c and nd6_router.c: learn (or refresh) the link-layer
 * address of addr from a message's source link-layer option; router
 * sets IsRouter. Returns the entry, or NULL. */
struct nd6_entry *nd6_learn(struct net_stack *s, struct netif *nif,
			    const struct ip6_addr *addr, const uint8_t *mac,
			    bool router);
/* Between nd6.c and nd6_router.c: are the options well formed (no
 * length 0, none past the end)? */
bool nd6_opts_valid(const uint8_t *opt, size_t len);
/* The first option of type in opt[0..len) (validated), or NULL. */
const uint8_t *nd6_opt_find(const uint8_t *opt, size_t len, uint8_t type);
/* A Router Advertisement (from nd6_input, common checks done). */
void nd6_ra_input(struct net_stack *s, const struct ip6_rx *rx,
		  const uint8_t *icmp, size_t len);

#endif
