/*
 * The queue of packets waiting for a neighbour's link-layer address,
 * kept the same way by ARP (arp.c) and Neighbor Discovery (nd6.c); the
 * rules are arp.h's. One bounded struct pkt_queue holds the packets of
 * every neighbour in arrival order, each tagged with its neighbour,
 * (p->nif, p->addr: a key the protocol picks), and p->time. A
 * neighbour holds at most a per-neighbour share of it. Whenever any
 * neighbour resolves, the protocol takes what is resolved off the
 * whole queue and sends it, so a silent neighbour never holds back
 * another's packets.
 *
 * Called with the stack serialised. What is dropped is counted by the
 * caller, in its own counter (ArpQueueDrops, Nd6QueueDrops).
 */
#ifndef KITE_NET_NEIGH_QUEUE_H
#define KITE_NET_NEIGH_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "net/pkt.h"

struct netif;

/* Queue p (consumed) for the neighbour (nif, key), arriving at now.
 * Room first, as Linux's per-neighbour unres_qlen: when the neighbour
 * already has per_neigh packets its oldest goes, else when q is full
 * the oldest of all. The oldest is the likeliest to wait for a
 * neighbour that never answers; the newest is what a sender that
 * retransmits wants. Returns the packets dropped (0 or 1). */
unsigned neigh_queue_add(struct pkt_queue *q, struct pkt *p, struct netif *nif,
			 uint32_t key, uint64_t now, unsigned per_neigh);

/* Take off q every packet for which match(p, arg) is true, the others
 * keeping their order. Returns them linked through ->next, oldest
 * first (the list is the caller's: it sends each, or pkt_free_list()s
 * it). */
struct pkt *neigh_queue_take(struct pkt_queue *q,
			     bool (*match)(const struct pkt *p,
					   const void *arg),
			     const void *arg);

/* neigh_queue_take() of the packets of the neighbour (nif, key). */
struct pkt *neigh_queue_take_neigh(struct pkt_queue *q,
				   const struct netif *nif, uint32_t key);

#endif
