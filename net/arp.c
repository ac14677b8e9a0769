/*
 * ARP (RFC 826) for IPv4 over Ethernet, with a neighbour cache and one
 * bounded queue of packets waiting for a MAC (arp.h states the rules).
 *
 * Entry life:
 *
 *   FREE --packet for ip--> INCOMPLETE --reply--> REACHABLE
 *                           |  request at once, then one per
 *                           |  ARP_RETRY_MS (RFC 1122 2.3.2.1)
 *                           '--ARP_MAX_TRIES unanswered--> FAILED
 *   REACHABLE, FAILED --ARP_TTL_MS old--> FREE (lazily: on lookup, in
 *                                         arp_poll, hidden from for_each)
 *   FAILED --new packet for ip--> INCOMPLETE (tries from 0, as Linux)
 *
 * `updated` is when a REACHABLE entry was learnt, when an INCOMPLETE
 * entry's last request went out (the rate limit), or when a FAILED one
 * gave up.
 *
 * Table full: a new entry takes a FREE or expired slot, else the oldest
 * FAILED, else the oldest INCOMPLETE (its waiting packets are dropped and
 * counted, ArpQueueDrops), else the oldest REACHABLE. A neighbour that
 * has answered is worth more than one that has not: a flood of packets
 * to addresses that never answer (a spoofed-source SYN flood makes one)
 * churns through the unanswered entries and never pushes out the hosts
 * actually talking to us.
 *
 * What a received ARP packet costs when it is not used (ArpInErrors,
 * "malformed or ignored"): shorter than 28 bytes; hardware type,
 * protocol type or address lengths other than Ethernet/IPv4; an
 * unknown opcode; a sender MAC that is a group address, zero or our
 * own; a sender IP that is 0 (a probe, RFC 5227 2.1.1, unless it probes
 * our address), broadcast or multicast; a sender IP that is our own
 * address (a conflict, RFC 5227 2.4: logged). A request for somebody
 * else's address is no error: it still refreshes a cache entry it
 * matches (the merge in RFC 826).
 */
#include <string.h>

#include "net/arp.h"
#include "net/byteorder.h"
#include "net/eth.h"
#include "net/inet.h"
#include "net/ip.h"
#include "net/neigh_queue.h"
#include "net/port.h"
#include "net/stack.h"

/* RFC 826 packet format, for Ethernet (hardware type 1) and IPv4. */
#define ARP_HTYPE_ETHER 1
#define ARP_OP_REQUEST	1
#define ARP_OP_REPLY	2
#define ARP_LEN		28
#define ARP_OFF_HTYPE	0
#define ARP_OFF_PTYPE	2
#define ARP_OFF_HLEN	4
#define ARP_OFF_PLEN	5
#define ARP_OFF_OP	6
#define ARP_OFF_SHA	8
#define ARP_OFF_SPA	14
#define ARP_OFF_THA	18
#define ARP_OFF_TPA	24

/* A queued packet normally leaves when its address resolves or gives
 * up, within ARP_MAX_TRIES * ARP_RETRY_MS; this catches the rest (a
 * poll that came late), with one retry interval of slack. */
#define ARP_PENDING_MAX_AGE ((ARP_MAX_TRIES + 1) * ARP_RETRY_MS)

#define MAC_FMT	    "%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARGS(m) (m)[0], (m)[1], (m)[2], (m)[3], (m)[4], (m)[5]

static const uint8_t zero_mac[ETH_ALEN];

void arp_init(struct arp_table *t)
{
	memset(t->entry, 0, sizeof(t->entry));
	pkt_queue_init(&t->pending, ARP_PENDING_MAX);
}

/* A resolved or failed entry past ARP_TTL_MS: as good as free. */
static bool arp_expired(const struct net_stack *s, const struct arp_entry *e)
{
	return (e->state == ARP_REACHABLE || e->state == ARP_FAILED) &&
	       s->now >= e->updated + ARP_TTL_MS;
}

/* The live entry for ip on nif, or NULL; frees an expired one. */
static struct arp_entry *arp_find(struct net_stack *s, struct netif *nif,
				  uint32_t ip)
{
	for (int i = 0; i < ARP_TABLE_SIZE; i++) {
		struct arp_entry *e = &s->arp.entry[i];

		if (e->state == ARP_FREE || e->nif != nif || e->ip != ip)
			continue;
		if (arp_expired(s, e)) {
			e->state = ARP_FREE;
			return NULL;
		}
		return e;
	}
	return NULL;
}

/* Which entry a full table gives up first (policy at the top). */
static int evict_rank(enum arp_state state)
{
	switch (state) {
	case ARP_FAILED:
		return 0;
	case ARP_INCOMPLETE:
		return 1;
	default:
		return 2;
	}
}

/* A cleared slot for a new entry (policy at the top). */
static struct arp_entry *arp_alloc(struct net_stack *s)
{
	struct arp_entry *victim = NULL;

	for (int i = 0; i < ARP_TABLE_SIZE; i++) {
		struct arp_entry *e = &s->arp.entry[i];

		if (e->state == ARP_FREE || arp_expired(s, e)) {
			victim = e;
			break;
		}
		if (!victim ||
		    evict_rank(e->state) < evict_rank(victim->state) ||
		    (e->state == victim->state && e->updated < victim->updated))
			victim = e;
	}
	if (victim->state == ARP_INCOMPLETE)
		s->mib.link.ArpQueueDrops += pkt_free_list(
			neigh_queue_take_neigh(&s->arp.pending, victim->nif,
					       victim->ip));
	memset(victim, 0, sizeof(*victim));
	return victim;
}

/* Build and send one ARP packet from nif's addresses. */
static void arp_send(struct net_stack *s, struct netif *nif, uint16_t op,
		     const uint8_t *dst, const uint8_t *tha, uint32_t tpa)
{
	struct pkt *p = pkt_alloc(ARP_LEN);

	if (!p) {
		nif->stats->tx_dropped++;
		return;
	}
	uint8_t *a = pkt_put(p, ARP_LEN);
	put_be16(a + ARP_OFF_HTYPE, ARP_HTYPE_ETHER);
	put_be16(a + ARP_OFF_PTYPE, ETH_P_IP);
	a[ARP_OFF_HLEN] = ETH_ALEN;
	a[ARP_OFF_PLEN] = 4;
	put_be16(a + ARP_OFF_OP, op);
	memcpy(a + ARP_OFF_SHA, nif->mac, ETH_ALEN);
	put_be32(a + ARP_OFF_SPA, nif->addr);
	memcpy(a + ARP_OFF_THA, tha, ETH_ALEN);
	put_be32(a + ARP_OFF_TPA, tpa);

	if (op == ARP_OP_REQUEST)
		s->mib.link.ArpOutRequests++;
	else
		s->mib.link.ArpOutReplies++;
	eth_output(s, nif, p, dst, ETH_P_ARP);
}

/* Ask (broadcast) who has e->ip. The target MAC is unknown: zero, as
 * RFC 5227 2.1.1 wants it in probes and most stacks send it. */
static void arp_request(struct net_stack *s, struct arp_entry *e)
{
	e->tries++;
	e->updated = s->now;
	arp_send(s, e->nif, ARP_OP_REQUEST, eth_broadcast, zero_mac, e->ip);
}

/* At most one request per address per ARP_RETRY_MS (RFC 1122 2.3.2.1:
 * no ARP flooding). A fresh or restarted entry asks at once. */
static bool arp_request_due(const struct net_stack *s,
			    const struct arp_entry *e)
{
	return e->tries == 0 || s->now >= e->updated + ARP_RETRY_MS;
}

static bool arp_pending_for_nif(const struct pkt *p, const void *arg)
{
	return p->nif == arg;
}

/* Give up on a silent neighbour: its packets go, counted. Like Linux
 * (arp_error_report), tell the sender with an ICMP host unreachable,
 * so that a connect() fails now rather than after its own timeout;
 * icmp_send_error() declines what must not be answered (RFC 1122
 * 3.2.2). The packets leave the queue first: the ICMP path may send. */
static void arp_give_up(struct net_stack *s, struct arp_entry *e)
{
	struct pkt *p, *dead;

	e->state = ARP_FAILED;
	e->updated = s->now;
	dead = neigh_queue_take_neigh(&s->arp.pending, e->nif, e->ip);
	while ((p = dead)) {
		dead = p->next;
		s->mib.link.ArpQueueDrops++;
		icmp_send_error(s, pkt_data(p), p->len, ICMP_DEST_UNREACH,
				ICMP_HOST_UNREACH);
		pkt_free(p);
	}
}

static bool arp_pending_resolved(const struct pkt *p, const void *arg)
{
	struct arp_entry *e = arp_find((struct net_stack *)arg, p->nif,
				       p->addr);

	return e && e->state == ARP_REACHABLE;
}

/* Send every queued packet whose next hop is resolved now, keep the
 * rest in order. Nothing waits behind a neighbour that does not answer
 * (no head-of-line blocking). */
static void arp_drain(struct net_stack *s)
{
	struct pkt *p = neigh_queue_take(&s->arp.pending, arp_pending_resolved,
					 s);

	while (p) {
		struct pkt *next = p->next;

		p->next = NULL;
		eth_output(s, p->nif, p, arp_find(s, p->nif, p->addr)->mac,
			   ETH_P_IP);
		p = next;
	}
}

static bool mac_is_group(const uint8_t *mac)
{
	return mac[0] & 1;
}

/* 0.0.0.0, 224/4 multicast, 255.255.255.255 or nif's subnet broadcast:
 * none of them names one host, so none may be learnt. */
static bool arp_bad_sender_ip(const struct netif *nif, uint32_t ip)
{
	return ip == 0 || (ip >> 28) == 0xe || ip == INADDR_BROADCAST_ ||
	       (nif->addr && ip == netif_broadcast(nif));
}

/* Answer a request for our address, to its sender only (RFC 826). */
static void arp_reply(struct net_stack *s, struct netif *nif,
		      const uint8_t *sha, uint32_t spa)
{
	arp_send(s, nif, ARP_OP_REPLY, sha, sha, spa);
}

/* A probe (sender IP 0, RFC 5227 2.1.1) for the address we hold: some
 * host is about to take it. Answer it, as RFC 826 and Linux do: the
 * reply carries our address as sender, which is how the prober learns
 * that the address is in use. */
static void arp_probe_for_us(struct net_stack *s, struct netif *nif,
			     const uint8_t *sha)
{
	char a[INET_ADDRSTRLEN];

	net_log("arp: %s: " MAC_FMT " probes for our address %s, defending",
		nif->name, MAC_ARGS(sha), inet_format(nif->addr, a));
	arp_reply(s, nif, sha, 0);
}

void arp_input(struct net_stack *s, struct netif *nif, const uint8_t *arp,
	       size_t len)
{
	struct link_mib *mib = &s->mib.link;
	char a[INET_ADDRSTRLEN];

	/* RFC 826 "Packet Reception": only Ethernet/IPv4 is ours. Bytes
	 * past 28 are Ethernet padding. */
	if (len < ARP_LEN || get_be16(arp + ARP_OFF_HTYPE) != ARP_HTYPE_ETHER ||
	    get_be16(arp + ARP_OFF_PTYPE) != ETH_P_IP ||
	    arp[ARP_OFF_HLEN] != ETH_ALEN || arp[ARP_OFF_PLEN] != 4) {
		mib->ArpInErrors++;
		return;
	}
	uint16_t op = get_be16(arp + ARP_OFF_OP);
	if (op == ARP_OP_REQUEST) {
		mib->ArpInRequests++;
	} else if (op == ARP_OP_REPLY) {
		mib->ArpInReplies++;
	} else {
		mib->ArpInErrors++;
		return;
	}

	const uint8_t *sha = arp + ARP_OFF_SHA;
	uint32_t spa = get_be32(arp + ARP_OFF_SPA);
	uint32_t tpa = get_be32(arp + ARP_OFF_TPA);
	bool for_us = nif->addr && tpa == nif->addr;

	/* A group or zero MAC is no host's; our own MAC is our own frame
	 * come back (a looping switch) or a clone of us. */
	if (mac_is_group(sha) || memcmp(sha, zero_mac, ETH_ALEN) == 0 ||
	    memcmp(sha, nif->mac, ETH_ALEN) == 0) {
		mib->ArpInErrors++;
		return;
	}
	if (spa == 0 && op == ARP_OP_REQUEST && for_us) {
		arp_probe_for_us(s, nif, sha);
		return;
	}
	if (arp_bad_sender_ip(nif, spa)) {
		mib->ArpInErrors++;
		return;
	}
	if (nif->addr && spa == nif->addr) {
		/* RFC 5227 2.4: another host uses our address. Learning it
		 * would send our own traffic away; the operator must act. */
		net_log("arp: %s: address conflict: %s is also at " MAC_FMT,
			nif->name, inet_format(spa, a), MAC_ARGS(sha));
		mib->ArpInErrors++;
		return;
	}

	/* RFC 826 merge: refresh what we already know about the sender,
	 * whoever the packet was for; a new entry only when we are the
	 * target (the sender is about to talk to us). */
	struct arp_entry *e = arp_find(s, nif, spa);
	bool learnt = false;
	if (!e && for_us) {
		e = arp_alloc(s);
		e->ip = spa;
		e->nif = nif;
	}
	if (e) {
		memcpy(e->mac, sha, ETH_ALEN);
		e->state = ARP_REACHABLE;
		e->updated = s->now;
		e->tries = 0;
		learnt = true;
	}

	if (op == ARP_OP_REQUEST && for_us)
		arp_reply(s, nif, sha, spa);

	if (learnt || op == ARP_OP_REPLY)
		arp_drain(s);
}

void arp_output(struct net_stack *s, struct netif *nif, struct pkt *p,
		uint32_t nexthop)
{
	if (nexthop == INADDR_BROADCAST_ ||
	    (nif->addr && nexthop == netif_broadcast(nif))) {
		eth_output(s, nif, p, eth_broadcast, ETH_P_IP);
		return;
	}
	if ((nexthop >> 28) == 0xe) {
		/* RFC 1112 6.4: 01:00:5e and the group's low 23 bits. */
		uint8_t mac[ETH_ALEN] = {0x01, 0x00, 0x5e};

		mac[3] = (uint8_t)((nexthop >> 16) & 0x7f);
		mac[4] = (uint8_t)(nexthop >> 8);
		mac[5] = (uint8_t)nexthop;
		eth_output(s, nif, p, mac, ETH_P_IP);
		return;
	}
	if (nexthop == 0) {
		/* No host to ask for: a caller's bug, not a neighbour. */
		nif->stats->tx_dropped++;
		pkt_free(p);
		return;
	}

	struct arp_entry *e = arp_find(s, nif, nexthop);
	if (e && e->state == ARP_REACHABLE) {
		eth_output(s, nif, p, e->mac, ETH_P_IP);
		return;
	}
	if (!e) {
		e = arp_alloc(s);
		e->ip = nexthop;
		e->nif = nif;
		e->state = ARP_INCOMPLETE;
		e->updated = s->now;
	} else if (e->state == ARP_FAILED) {
		/* New traffic tries again (as Linux's NUD_FAILED does); the
		 * last request was at least ARP_RETRY_MS ago. */
		e->state = ARP_INCOMPLETE;
		e->tries = 0;
	}

	/* Full, for this next hop or for all: the oldest waiter goes (of
	 * this next hop first; neigh_queue.h). */
	s->mib.link.ArpQueueDrops += neigh_queue_add(&s->arp.pending, p, nif,
						     nexthop, s->now,
						     ARP_PENDING_PER_ADDR);

	if (e->tries < ARP_MAX_TRIES && arp_request_due(s, e))
		arp_request(s, e);
}

void arp_announce(struct net_stack *s, struct netif *nif)
{
	if (!nif->addr || (nif->flags & NETIF_LOOPBACK))
		return;
	/* RFC 5227 3: an announcement is a request with sender and target
	 * IP both ours; every host that caches us updates (RFC 826 merge). */
	arp_send(s, nif, ARP_OP_REQUEST, eth_broadcast, zero_mac, nif->addr);
}

static bool arp_pending_too_old(const struct pkt *p, const void *arg)
{
	const struct net_stack *s = arg;

	return s->now >= p->time + ARP_PENDING_MAX_AGE;
}

uint64_t arp_poll(struct net_stack *s)
{
	uint64_t next = NET_NEVER;

	for (int i = 0; i < ARP_TABLE_SIZE; i++) {
		struct arp_entry *e = &s->arp.entry[i];

		if (arp_expired(s, e))
			e->state = ARP_FREE;
		if (e->state != ARP_INCOMPLETE)
			continue;
		if (arp_request_due(s, e)) {
			if (e->tries >= ARP_MAX_TRIES) {
				arp_give_up(s, e);
				continue;
			}
			arp_request(s, e);
		}
		if (e->updated + ARP_RETRY_MS < next)
			next = e->updated + ARP_RETRY_MS;
	}

	s->mib.link.ArpQueueDrops += pkt_free_list(
		neigh_queue_take(&s->arp.pending, arp_pending_too_old, s));
	/* The queue is in arrival order: its head is the oldest. */
	if (s->arp.pending.head &&
	    s->arp.pending.head->time + ARP_PENDING_MAX_AGE < next)
		next = s->arp.pending.head->time + ARP_PENDING_MAX_AGE;
	return next;
}

void arp_flush(struct net_stack *s, struct netif *nif)
{
	for (int i = 0; i < ARP_TABLE_SIZE; i++)
		if (s->arp.entry[i].state != ARP_FREE &&
		    s->arp.entry[i].nif == nif)
			memset(&s->arp.entry[i], 0, sizeof(s->arp.entry[i]));

	s->mib.link.ArpQueueDrops += pkt_free_list(
		neigh_queue_take(&s->arp.pending, arp_pending_for_nif, nif));
}

void arp_for_each(struct net_stack *s,
		  void (*fn)(const struct arp_entry *e, void *arg), void *arg)
{
	for (int i = 0; i < ARP_TABLE_SIZE; i++) {
		const struct arp_entry *e = &s->arp.entry[i];

		if (e->state != ARP_FREE && !arp_expired(s, e))
			fn(e, arg);
	}
}
