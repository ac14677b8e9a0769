/*
 * Network interfaces: the loopback interface `lo` and one Ethernet
 * interface per registered netdev. An interface has at most one IPv4
 * address (static from the command line, or leased by DHCP), and, once
 * ip6_enable() switched IPv6 on, a few IPv6 addresses (ip6.h).
 */
#ifndef KITE_NET_NETIF_H
#define KITE_NET_NETIF_H

#include <stdbool.h>
#include <stdint.h>

#include "net/ip6.h"
#include "net/netdev.h"
#include "net/pkt.h"

#define NETIF_MAX		(NETDEV_MAX + 1)	/* lo + NICs */
#define NETIF_BACKLOG_MAX	64	/* frames waiting for ring space */
#define NETIF_LO_MTU		65535	/* lo's MTU, as Linux's */

#define NETIF_UP	0x1
#define NETIF_LOOPBACK	0x2
#define NETIF_BROADCAST	0x4

enum netif_addr_source {
	NETIF_ADDR_NONE,
	NETIF_ADDR_STATIC,	/* ip= on the command line, or lo */
	NETIF_ADDR_DHCP,
};

struct dhcp_client;

struct netif {
	char name[NETDEV_NAME_LEN];
	int ifindex;			/* lo is 1, as on Linux */
	unsigned flags;
	uint16_t mtu;
	uint8_t mac[ETH_ALEN];		/* zero for lo */
	uint32_t addr;			/* host order; 0: none yet */
	uint8_t prefix_len;
	enum netif_addr_source addr_source;
	struct netdev *dev;		/* NULL for lo */
	struct netdev_stats *stats;	/* dev->stats, or lo_stats */
	struct netdev_stats lo_stats;
	/* Frames the driver refused with -EAGAIN (ring full), sent first
	 * at the next poll; bounded, overflow counted as tx_dropped. */
	struct pkt_queue backlog;
	struct dhcp_client *dhcp;	/* NULL unless DHCP runs here */
	struct ip6_if ip6;		/* off until ip6_enable() (ip6.h) */
};

static inline uint32_t netif_netmask(const struct netif *nif)
{
	return nif->prefix_len ? 0xffffffffu << (32 - nif->prefix_len) : 0;
}

/* The subnet broadcast address, or 0 without an address. */
static inline uint32_t netif_broadcast(const struct netif *nif)
{
	return nif->addr ? (nif->addr | ~netif_netmask(nif)) : 0;
}

#endif
