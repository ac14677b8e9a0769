/*
 * Ethernet II framing (IEEE 802.3 with EtherType; RFC 894 for IPv4).
 */
#ifndef KITE_NET_ETH_H
#define KITE_NET_ETH_H

#include <stddef.h>
#include <stdint.h>

#define ETH_P_IP	0x0800
#define ETH_P_ARP	0x0806
#define ETH_P_IPV6	0x86dd
#define ETH_ZLEN	60	/* minimum frame without FCS: pad to this */

struct net_stack;
struct netif;
struct pkt;

extern const uint8_t eth_broadcast[6];

/* Validate and dispatch a received frame: drops (and counts) runts,
 * unicast frames for another MAC, and unknown ethertypes. Accepts our
 * MAC, broadcast, and the 33:33 MACs of the IPv6 groups joined. */
void eth_input(struct net_stack *s, struct netif *nif, const uint8_t *frame,
	       size_t len);

/* Push an Ethernet header (dst, nif's MAC, type) onto p, pad it to
 * ETH_ZLEN and send it; consumes p. */
void eth_output(struct net_stack *s, struct netif *nif, struct pkt *p,
		const uint8_t dst[6], uint16_t type);

#endif
