/*
 * IPv4 input and output (RFC 791, RFC 1122 3.2.1 and 3.3).
 *
 * Input validates the header, decides whether the datagram is ours,
 * sends fragments to reassembly (ip_frag.c) and hands the payload to
 * ICMP or UDP. Kite is a host: what is not addressed to it is dropped,
 * never forwarded. Output routes, fills in the header, fragments above
 * the interface MTU (ip_frag.c) and hands each packet to ARP, or to lo.
 *
 * Every dropped datagram is counted in struct ip_mib, with the meaning
 * Linux gives the counter in /proc/net/snmp.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/port.h"
#include "net/siphash.h"
#include "net/stack.h"

static bool ip_is_loopback(uint32_t a)
{
	return (a >> 24) == 127;
}

static bool ip_is_multicast(uint32_t a)
{
	return (a >> 28) == 0xe;
}

static bool netif_is_lo(struct net_stack *s, const struct netif *nif)
{
	return nif == &s->lo || (nif->flags & NETIF_LOOPBACK);
}

/* The subnet broadcast of nif, or 0. A /31 (RFC 3021) or /32 has none. */
static uint32_t ip_subnet_broadcast(const struct netif *nif)
{
	if (!nif->addr || nif->prefix_len >= 31)
		return 0;
	return netif_broadcast(nif);
}

/* The Ethernet interface whose address is a (lo's 127/8 is handled by
 * the callers), or NULL. */
static struct netif *ip_netif_by_addr(struct net_stack *s, uint32_t a)
{
	for (int i = 0; i < s->nnetifs; i++) {
		struct netif *nif = s->netifs[i];

		if (nif && nif->addr && nif->addr == a && !netif_is_lo(s, nif))
			return nif;
	}
	return NULL;
}

void ip_init(struct net_stack *s)
{
	struct ip_state *ip = &s->ip;

	memset(ip, 0, sizeof(*ip));
	for (unsigned i = 0; i < sizeof(ip->id_key); i += 4)
		put_be32(ip->id_key + i, net_random());
	for (unsigned i = 0; i < IP_IDENTS; i++)
		ip->ident[i] = (uint16_t)net_random();
	reasm_init(&ip->reasmq, IP_REASM_MAX_DATAGRAMS, IP_REASM_MAX_BYTES,
		   &s->mib.ip.ReasmFails);
}

bool ip_is_local(struct net_stack *s, uint32_t dst)
{
	if (dst == INADDR_BROADCAST_ || ip_is_loopback(dst))
		return true;
	for (int i = 0; i < s->nnetifs; i++) {
		struct netif *nif = s->netifs[i];

		if (nif && nif->addr &&
		    (dst == nif->addr || dst == ip_subnet_broadcast(nif)))
			return true;
	}
	return false;
}

/*
 * RFC 1122 3.2.1.3: a source address must name one host. Broadcast
 * and multicast sources are discarded, 127/8 may only come from lo, and
 * 0.0.0.0 ("this host", a client without an address yet) only to the
 * limited broadcast, as Linux does. Like Linux (accept_local = 0), our
 * own addresses as a source from the wire are forged: what we send to
 * ourselves goes through lo.
 */
static bool ip_src_martian(struct net_stack *s, struct netif *nif,
			   uint32_t src, uint32_t dst)
{
	uint32_t bcast = ip_subnet_broadcast(nif);

	if (src == INADDR_BROADCAST_ || ip_is_multicast(src))
		return true;
	if ((src >> 24) == 0 && dst != INADDR_BROADCAST_)
		return true;
	if (netif_is_lo(s, nif))
		return false;
	if (ip_is_loopback(src) || ip_netif_by_addr(s, src))
		return true;
	return bcast && src == bcast;
}

/*
 * Is a datagram for dst arriving on nif for us? The limited broadcast
 * always; on lo anything local (we sent it); elsewhere any of our
 * unicast addresses (the weak host model of RFC 1122 3.3.4.2, as Linux)
 * or nif's subnet broadcast. 127/8 from the wire is martian. No
 * multicast group is joined, so multicast is not ours.
 *
 * While nif has no address, a DHCP server may unicast its offer to the
 * address it is offering (RFC 2131 4.1): accept UDP to any unicast
 * address and let UDP find the client's socket. Nothing else: Kite does
 * not answer pings for an address it does not have.
 */
static bool ip_dst_ours(struct net_stack *s, struct netif *nif, uint32_t dst,
			uint8_t proto)
{
	if (dst == INADDR_BROADCAST_)
		return true;
	if (netif_is_lo(s, nif))
		return ip_is_local(s, dst);
	if (ip_is_loopback(dst) || ip_is_multicast(dst) || (dst >> 24) == 0)
		return false;
	if (!nif->addr)
		return proto == IPPROTO_UDP_ && (dst >> 28) != 0xf;
	if (dst == ip_subnet_broadcast(nif))
		return true;
	return ip_netif_by_addr(s, dst) != NULL;
}

/* A complete datagram for us: hand its payload to its protocol. */
static void ip_deliver(struct net_stack *s, struct netif *nif,
		       const uint8_t *pkt, size_t len)
{
	struct ip_mib *mib = &s->mib.ip;
	size_t hlen = (size_t)(pkt[0] & 0x0f) * 4;
	const uint8_t *l4 = pkt + hlen;
	size_t l4len = len - hlen;

	switch (pkt[9]) {
	case IPPROTO_ICMP_:
		mib->InDelivers++;
		icmp_input(s, nif, pkt, l4, l4len);
		return;
	case IPPROTO_UDP_:
		mib->InDelivers++;
		udp_input(s, nif, pkt, l4, l4len);
		return;
	case IPPROTO_TCP_:
		mib->InDelivers++;
		tcp_input(s, nif, pkt, l4, l4len);
		return;
	default:
		/* RFC 1122 3.2.2.1: protocol unreachable. */
		mib->InUnknownProtos++;
		icmp_send_error(s, pkt, len, ICMP_DEST_UNREACH,
				ICMP_PROT_UNREACH);
		return;
	}
}

void ip_input(struct net_stack *s, struct netif *nif, const uint8_t *pkt,
	      size_t len)
{
	struct ip_mib *mib = &s->mib.ip;
	size_t hlen, total, whole_len;
	uint32_t src, dst;
	uint8_t *whole;

	mib->InReceives++;
	/* RFC 1122 3.2.1.1-3.2.1.2 and RFC 791 3.1: a header we can
	 * parse, whose checksum is right and whose Total Length fits. */
	if (len < IP_HLEN || (pkt[0] >> 4) != 4)
		goto hdr_error;
	hlen = (size_t)(pkt[0] & 0x0f) * 4;
	if (hlen < IP_HLEN || hlen > len)
		goto hdr_error;
	if (inet_fold(inet_sum(pkt, hlen, 0)) != 0)
		goto hdr_error;
	total = get_be16(pkt + 2);
	if (total < hlen || total > len)
		goto hdr_error;
	/* Bytes after Total Length are link padding (an Ethernet frame is
	 * at least 60 bytes), not part of the datagram. */
	len = total;

	src = get_be32(pkt + 12);
	dst = get_be32(pkt + 16);
	if (ip_src_martian(s, nif, src, dst))
		goto hdr_error;
	if (!ip_dst_ours(s, nif, dst, pkt[9])) {
		mib->InAddrErrors++;
		return;
	}
	/* Options need nothing from a host that does not source-route:
	 * they are skipped with the header. A TTL of 0 is fine here: it
	 * only matters to a router (RFC 1122 3.2.1.7). */

	if (!(get_be16(pkt + 6) & (IP_MF | IP_OFFMASK))) {
		ip_deliver(s, nif, pkt, len);
		return;
	}
	whole = ip_reasm(s, pkt, len, &whole_len);
	if (whole) {
		ip_deliver(s, nif, whole, whole_len);
		net_free(whole);
	}
	return;

hdr_error:
	mib->InHdrErrors++;
}

/*
 * Choose the interface, next hop and source address for dst.
 *
 * - 255.255.255.255 has no route: it leaves through the interface that
 *   owns src, else the first Ethernet interface that is up (a DHCP
 *   client sends from 0.0.0.0 before it has any route).
 * - 127/8 and our own addresses go through lo.
 * - Anything else follows the routing table; src defaults to the
 *   route's preferred source, else the interface's address.
 *
 * Unlike Linux, a broadcast we send is not also looped back to our own
 * sockets: nothing in Kite listens for its own broadcasts.
 */
static int ip_route(struct net_stack *s, uint32_t dst, uint32_t *src,
		    struct netif **nifp, uint32_t *nexthop)
{
	struct netif *nif = NULL;

	if (dst == INADDR_BROADCAST_) {
		if (*src)
			nif = ip_netif_by_addr(s, *src);
		for (int i = 0; !nif && i < s->nnetifs; i++) {
			struct netif *n = s->netifs[i];

			if (n && (n->flags & NETIF_UP) && !netif_is_lo(s, n))
				nif = n;
		}
		if (!nif)
			return -ENETUNREACH;
		if (!*src)
			*src = nif->addr;
		*nexthop = dst;
	} else if (ip_is_loopback(dst) || ip_netif_by_addr(s, dst)) {
		nif = &s->lo;
		if (!*src)
			*src = ip_is_loopback(dst) ? INADDR_LOOPBACK_ : dst;
		*nexthop = dst;
	} else {
		const struct route *r = route_lookup(&s->routes, dst);

		if (!r)
			return -ENETUNREACH;
		nif = r->nif;
		if (!*src)
			*src = r->prefsrc ? r->prefsrc : nif->addr;
		*nexthop = r->gw ? r->gw : dst;
	}
	*nifp = nif;
	return 0;
}

uint32_t ip_route_source(struct net_stack *s, uint32_t dst)
{
	uint32_t src = 0, nexthop;
	struct netif *nif;

	if (ip_route(s, dst, &src, &nif, &nexthop) < 0)
		return 0;
	return src;
}

/* Hand one finished IP packet to the link. */
static void ip_xmit(struct net_stack *s, struct netif *nif, struct pkt *p,
		    uint32_t nexthop)
{
	if (netif_is_lo(s, nif)) {
		/* lo carries Ethernet frames like any interface, so that
		 * net_poll() treats looped frames the same way: a zeroed
		 * header of type IPv4. */
		uint8_t *eh = pkt_push(p, ETH_HLEN);

		memset(eh, 0, ETH_HLEN - 2);
		put_be16(eh + ETH_HLEN - 2, ETH_P_IP);
		netif_output(s, nif, p);
	} else {
		arp_output(s, nif, p, nexthop);
	}
}

/*
 * The Identification of a datagram to dst (RFC 7739 5.1, Linux's
 * __ip_select_ident()). One global counter would let anyone count our
 * traffic to others and use us as an idle-scan zombie (nmap's TI=I);
 * so a keyed hash of (dst, src, proto) picks one of IP_IDENTS
 * counters, each starting at random and jumping by a random amount up
 * to the milliseconds it sat unused. Within a millisecond a counter
 * steps by one: datagrams to one destination never share an ID while
 * their fragments could meet (RFC 6864 4.1; Kite never sets DF, so
 * every datagram may be fragmented on the way).
 */
static uint16_t ip_select_id(struct net_stack *s, uint32_t src, uint32_t dst,
			     uint8_t proto)
{
	struct ip_state *ip = &s->ip;
	uint8_t t[9];
	uint32_t now = (uint32_t)s->now, idle, delta = 0;
	unsigned b;

	put_be32(t, dst);
	put_be32(t + 4, src);
	t[8] = proto;
	b = (unsigned)(siphash24(ip->id_key, t, sizeof(t)) % IP_IDENTS);
	idle = now - ip->id_stamp[b];
	if (idle) {
		delta = net_random() % idle;
		ip->id_stamp[b] = now;
	}
	ip->ident[b] = (uint16_t)(ip->ident[b] + 1 + delta);
	return ip->ident[b];
}

/* Fill in the header, fragment if needed, and hand each packet to the
 * link. Consumes p. */
static int ip_send(struct net_stack *s, struct netif *nif, struct pkt *p,
		   uint32_t src, uint32_t dst, uint32_t nexthop, uint8_t proto,
		   uint8_t ttl)
{
	struct ip_mib *mib = &s->mib.ip;
	struct pkt *frags;
	unsigned mtu;
	uint8_t *h;
	int err;

	if (p->len > 0xffff - IP_HLEN) {
		err = -EMSGSIZE;
		goto discard;
	}
	if (p->head < IP_HLEN + ETH_HLEN) {
		err = -ENOBUFS;		/* the caller left no headroom */
		goto discard;
	}

	h = pkt_push(p, IP_HLEN);
	h[0] = 0x45;			/* version 4, 5 words, no options */
	h[1] = 0;			/* TOS: routine */
	put_be16(h + 2, p->len);
	put_be16(h + 4, ip_select_id(s, src, dst, proto));
	put_be16(h + 6, 0);		/* may fragment: no PMTU discovery */
	/* RFC 1122 3.2.1.7: never send a TTL of 0; 0 means the default. */
	h[8] = ttl ? ttl : IP_DEFAULT_TTL;
	h[9] = proto;
	put_be16(h + 10, 0);
	put_be32(h + 12, src);
	put_be32(h + 16, dst);
	put_be16(h + 10, inet_fold(inet_sum(h, IP_HLEN, 0)));

	/* lo may leave its MTU at 0: no limit. */
	mtu = nif->mtu ? nif->mtu : 0xffff;
	if (p->len <= mtu) {
		ip_xmit(s, nif, p, nexthop);
		return 0;
	}
	/* ip_fragment() consumes p, and counts its own failures. */
	err = ip_fragment(s, p, mtu, &frags);
	if (err) {
		mib->OutDiscards++;
		return err;
	}
	while (frags) {
		struct pkt *next = frags->next;

		frags->next = NULL;
		ip_xmit(s, nif, frags, nexthop);
		frags = next;
	}
	return 0;

discard:
	mib->OutDiscards++;
	pkt_free(p);
	return err;
}

int ip_output(struct net_stack *s, struct pkt *p, uint32_t src, uint32_t dst,
	      uint8_t proto, uint8_t ttl)
{
	struct netif *nif;
	uint32_t nexthop;
	int err;

	/* RFC 1213: every datagram a local protocol asks IP to send. */
	s->mib.ip.OutRequests++;
	err = ip_route(s, dst, &src, &nif, &nexthop);
	if (err) {
		s->mib.ip.OutNoRoutes++;
		pkt_free(p);
		return err;
	}
	return ip_send(s, nif, p, src, dst, nexthop, proto, ttl);
}

/*
 * ip_output() through nif to nexthop, whatever the routing table says:
 * for a DHCP client, which talks on one interface before it has an
 * address or a route (RFC 2131 4.1). src is used as given (0 is
 * 0.0.0.0). Consumes p.
 */
int ip_output_if(struct net_stack *s, struct netif *nif, struct pkt *p,
		 uint32_t src, uint32_t dst, uint32_t nexthop, uint8_t proto,
		 uint8_t ttl)
{
	s->mib.ip.OutRequests++;
	return ip_send(s, nif, p, src, dst, nexthop, proto, ttl);
}
