/*
 * The stack instance: interfaces, the loopback path, address
 * configuration, and the poll that drives every timer (stack.h).
 */
#include <errno.h>
#include <string.h>

#include "net/arp.h"
#include "net/byteorder.h"
#include "net/dhcp.h"
#include "net/eth.h"
#include "net/inet.h"
#include "net/ip.h"
#include "net/port.h"
#include "net/route.h"
#include "net/sock.h"
#include "net/stack.h"


void net_ip6_error(void *arg, uint8_t type, uint8_t code, uint32_t info,
		   int err, const struct ip6_addr *src,
		   const struct ip6_addr *dst, uint8_t proto,
		   const uint8_t *l4, size_t l4len)
{
	struct net_stack *s = arg;

	(void)type;
	(void)code;
	(void)info;
	if (l4len < 4)
		return;
	if (proto == IP6_NH_UDP)
		udp6_icmp_error(s, src, get_be16(l4), dst, get_be16(l4 + 2),
				err);
	/* TCP needs the quoted sequence number too (bytes 4-7). */
	if (proto == IP6_NH_TCP && l4len >= 8)
		tcp6_icmp_error(s, src, get_be16(l4), dst, get_be16(l4 + 2),
				get_be32(l4 + 4), err);
}

void net_stack_init(struct net_stack *s)
{
	memset(s, 0, sizeof(*s));
	struct netif *lo = &s->lo;
	strcpy(lo->name, "lo");
	lo->ifindex = 1;
	lo->flags = NETIF_UP | NETIF_LOOPBACK;
	lo->mtu = NETIF_LO_MTU;
	lo->stats = &lo->lo_stats;
	pkt_queue_init(&lo->backlog, 0);
	s->netifs[s->nnetifs++] = lo;
	pkt_queue_init(&s->loopback, LOOPBACK_QUEUE_MAX);
	arp_init(&s->arp);
	route_init(&s->routes);
	ip_init(s);
	udp_init(&s->udp);
	tcp_init(s);
	lo->addr = INADDR_LOOPBACK_;
	lo->prefix_len = 8;
	lo->addr_source = NETIF_ADDR_STATIC;
	route_add(&s->routes, INADDR_LOOPBACK_ & 0xff000000u, 8, 0, lo, 0);
	ip6_init(s);		/* ::1 on lo */
	/* ICMPv6 errors about what our transports sent go to them. */
	s->ip6.hooks.error = net_ip6_error;
	s->ip6.hooks.arg = s;
}

void net_stack_free(struct net_stack *s)
{
	tcp_stack_free(s);
	ip6_free(s);
	reasm_purge(&s->ip.reasmq);
	pkt_queue_purge(&s->loopback);
	for (int i = 0; i < s->nnetifs; i++) {
		struct netif *nif = s->netifs[i];
		if (nif->dhcp)
			dhcp_stop(s, nif);
		arp_flush(s, nif);
		pkt_queue_purge(&nif->backlog);
		if (nif != &s->lo)
			net_free(nif);
	}
	s->nnetifs = 0;
}

struct netif *net_attach(struct net_stack *s, struct netdev *dev)
{
	if (s->nnetifs == NETIF_MAX)
		return NULL;
	struct netif *nif = net_alloc(sizeof(*nif));
	if (!nif)
		return NULL;
	memset(nif, 0, sizeof(*nif));
	memcpy(nif->name, dev->name, sizeof(nif->name));
	nif->ifindex = dev->ifindex;
	nif->flags = NETIF_UP | NETIF_BROADCAST;
	nif->mtu = dev->mtu;
	memcpy(nif->mac, dev->mac, ETH_ALEN);
	nif->dev = dev;
	nif->stats = &dev->stats;
	pkt_queue_init(&nif->backlog, NETIF_BACKLOG_MAX);
	dev->upper = nif;
	s->netifs[s->nnetifs++] = nif;
	return nif;
}

void net_set_addr(struct net_stack *s, struct netif *nif, uint32_t addr,
		  uint8_t prefix_len, uint32_t gw,
		  enum netif_addr_source source)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];

	/* Whatever was learnt or routed for the old address goes. */
	route_flush(&s->routes, nif);
	arp_flush(s, nif);
	nif->addr = addr;
	nif->prefix_len = addr ? prefix_len : 0;
	nif->addr_source = addr ? source : NETIF_ADDR_NONE;
	if (!addr) {
		net_log("net: %s address removed", nif->name);
		return;
	}
	route_add(&s->routes, addr & netif_netmask(nif), prefix_len, 0, nif, 0);
	if (gw)
		route_add(&s->routes, 0, 0, gw, nif, 0);
	arp_announce(s, nif);
	if (gw)
		net_log("net: %s up %s/%u gw %s", nif->name, inet_format(addr, a),
			prefix_len, inet_format(gw, g));
	else
		net_log("net: %s up %s/%u", nif->name, inet_format(addr, a),
			prefix_len);
}

void net_input(struct net_stack *s, struct netif *nif, const uint8_t *frame,
	       size_t len, uint64_t now)
{
	s->now = now;
	eth_input(s, nif, frame, len);
}

/* Hand a frame to the driver; a full ring keeps it for later. */
static void xmit(struct netif *nif, struct pkt *p)
{
	int err = nif->dev->ops->xmit(nif->dev, pkt_data(p), p->len);

	if (err == -EAGAIN && pkt_queue_push(&nif->backlog, p) == 0)
		return;
	if (err)
		nif->stats->tx_dropped++;
	pkt_free(p);
}

void netif_output(struct net_stack *s, struct netif *nif, struct pkt *p)
{
	if (!(nif->flags & NETIF_UP)) {
		nif->stats->tx_dropped++;
		pkt_free(p);
		return;
	}
	if (nif == &s->lo) {
		/* Delivered at the next poll, never recursively: a reply
		 * made while handling a looped packet waits its turn. */
		if (pkt_queue_push(&s->loopback, p) < 0) {
			nif->stats->tx_dropped++;
			pkt_free(p);
			return;
		}
		nif->stats->tx_packets++;
		nif->stats->tx_bytes += p->len;
		return;
	}
	/* Keep order: once frames wait for ring space, new ones queue too. */
	if (nif->backlog.len) {
		if (pkt_queue_push(&nif->backlog, p) < 0) {
			nif->stats->tx_dropped++;
			s->mib.link.TxBacklogDrops++;
			pkt_free(p);
		}
		return;
	}
	xmit(nif, p);
}

/* Send what waited for ring space; stops at the first refusal. */
static int drain_backlog(struct netif *nif)
{
	int sent = 0;
	struct pkt *p;

	while ((p = nif->backlog.head)) {
		int err = nif->dev->ops->xmit(nif->dev, pkt_data(p), p->len);
		if (err == -EAGAIN)
			break;
		pkt_queue_pop(&nif->backlog);
		if (err)
			nif->stats->tx_dropped++;
		pkt_free(p);
		sent++;
	}
	return sent;
}

static int run_loopback(struct net_stack *s)
{
	struct netif *lo = &s->lo;
	int n = 0;
	struct pkt *p;

	while (n < NET_POLL_LOOPBACK_BUDGET && (p = pkt_queue_pop(&s->loopback))) {
		lo->stats->rx_packets++;
		lo->stats->rx_bytes += p->len;
		/* lo frames carry a zeroed Ethernet header (ip_output,
		 * ip6_output) with the EtherType. */
		if (p->len > ETH_HLEN &&
		    get_be16(pkt_data(p) + ETH_HLEN - 2) == ETH_P_IPV6)
			ip6_input(s, lo, pkt_data(p), p->len);
		else if (p->len > ETH_HLEN)
			ip_input(s, lo, pkt_data(p) + ETH_HLEN, p->len - ETH_HLEN);
		pkt_free(p);
		n++;
	}
	return n;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t net_poll(struct net_stack *s, uint64_t now)
{
	s->now = now;
	for (int i = 0; i < s->nnetifs; i++)
		if (s->netifs[i]->dev)
			drain_backlog(s->netifs[i]);
	run_loopback(s);

	uint64_t next = arp_poll(s);
	next = earliest(next, ip_poll(s));
	next = earliest(next, dhcp_poll(s));
	next = earliest(next, tcp_poll(s));
	next = earliest(next, ip6_poll(s));
	/* More looped frames than one poll's budget: come back at once. */
	if (s->loopback.len)
		next = now;
	return next;
}

struct netif *net_netif_by_addr(struct net_stack *s, uint32_t addr)
{
	for (int i = 0; i < s->nnetifs; i++)
		if (s->netifs[i]->addr && s->netifs[i]->addr == addr)
			return s->netifs[i];
	return NULL;
}

struct netif *net_netif_by_name(struct net_stack *s, const char *name)
{
	for (int i = 0; i < s->nnetifs; i++)
		if (strcmp(s->netifs[i]->name, name) == 0)
			return s->netifs[i];
	return NULL;
}

struct netif *net_netif_by_index(struct net_stack *s, int ifindex)
{
	for (int i = 0; i < s->nnetifs; i++)
		if (s->netifs[i] && s->netifs[i]->ifindex == ifindex)
			return s->netifs[i];
	return NULL;
}

void net_sock_notify(struct net_stack *s, struct net_sock *sk)
{
	if (sk->event_queued)
		return;
	sk->event_queued = true;
	sk->event_next = s->events;
	s->events = sk;
}

struct net_sock *net_take_events(struct net_stack *s)
{
	struct net_sock *list = s->events;

	s->events = NULL;
	for (struct net_sock *sk = list; sk; sk = sk->event_next)
		sk->event_queued = false;
	return list;
}
