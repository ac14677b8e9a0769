/*
 * ARP (RFC 826) with a neighbour cache.
 *
 * Rules (DESIGN.md, reference/001): resolved entries live ARP_TTL_MS;
 * a request for one address goes out at most once per ARP_RETRY_MS and
 * an unanswered address is given up after ARP_MAX_TRIES (its queued
 * packets dropped and counted). Packets waiting for resolution sit in
 * one bounded queue shared by all destinations; whenever any reply
 * arrives the whole queue is walked once: what is now resolved is sent,
 * the rest stays in order, so one unreachable neighbour never holds back
 * packets to others. One next hop holds at most ARP_PENDING_PER_ADDR of
 * the queue (its oldest goes first), so a silent neighbour cannot crowd
 * out everyone else's. Overflow drops with a counter. Kite answers only
 * requests for its own address and ignores ARP whose sender is
 * broadcast, multicast or zero. A gratuitous ARP announces an address
 * change.
 */
#ifndef KITE_NET_ARP_H
#define KITE_NET_ARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt.h"

#define ARP_TABLE_SIZE		64
#define ARP_TTL_MS		300000
#define ARP_RETRY_MS		1000
#define ARP_MAX_TRIES		3
#define ARP_PENDING_MAX		32
#define ARP_PENDING_PER_ADDR	8	/* of those, for one next hop */

struct net_stack;
struct netif;

enum arp_state {
	ARP_FREE,
	ARP_INCOMPLETE,		/* request sent, no answer yet */
	ARP_REACHABLE,		/* resolved, within ARP_TTL_MS */
	ARP_FAILED,		/* no answer after ARP_MAX_TRIES */
};

struct arp_entry {
	uint32_t ip;			/* host order */
	uint8_t mac[6];
	enum arp_state state;
	struct netif *nif;
	uint64_t updated;		/* ms: resolved or last requested */
	uint8_t tries;
};

struct arp_table {
	struct arp_entry entry[ARP_TABLE_SIZE];
	struct pkt_queue pending;	/* IPv4 packets awaiting a MAC */
};

void arp_init(struct arp_table *t);

/* An ARP packet (after the Ethernet header) received on nif. */
void arp_input(struct net_stack *s, struct netif *nif, const uint8_t *arp,
	       size_t len);

/* Send IPv4 packet p (IP header on top) to nexthop on nif: at once if
 * the MAC is known, else queue it and request. Broadcast nexthops
 * (255.255.255.255 or the subnet's) go to ff:ff:ff:ff:ff:ff. Consumes p. */
void arp_output(struct net_stack *s, struct netif *nif, struct pkt *p,
		uint32_t nexthop);

/* Announce nif's address (gratuitous ARP request, RFC 5227 2.4). */
void arp_announce(struct net_stack *s, struct netif *nif);

/* Retry requests, give up on silent neighbours, expire entries.
 * Returns the next deadline (ms) or NET_NEVER. */
uint64_t arp_poll(struct net_stack *s);

/* Forget everything learnt on nif (its address changed or went away). */
void arp_flush(struct net_stack *s, struct netif *nif);

/* For ip neigh and /proc/net/arp: every non-free entry. */
void arp_for_each(struct net_stack *s,
		  void (*fn)(const struct arp_entry *e, void *arg), void *arg);

#endif
