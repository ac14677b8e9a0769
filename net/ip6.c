/*
 * IPv6 input and output (RFC 8200) for a host.
 *
 * Input checks the fixed header, decides whether the packet is ours
 * (one of our addresses, or a group the interface joined), walks the
 * extension headers (hop-by-hop first only, destination options,
 * routing, fragment: reassembly in ip6_frag.c, no next header) and
 * hands the upper-layer payload to ICMPv6. Every packet that stops on
 * the way is counted in struct ip6_mib with the meaning Linux gives the
 * counter in /proc/net/snmp6:
 *
 *   InHdrErrors      bad version, multicast or misplaced loopback
 *                    source, reserved multicast scope, an extension
 *                    header or option that does not fit or that asks
 *                    for the packet to be dropped, a routing header we
 *                    cannot follow, too many extension headers
 *   InTruncatedPkts  Payload Length past the end of the frame
 *   InAddrErrors     not for us, or to a tentative address (RFC 4862
 *                    5.4: only NS and NA may reach one)
 *   InUnknownProtos  no handler for the upper layer (TCP over IPv6
 *                    comes later), or a misplaced hop-by-hop header
 *   Reasm*           ip6_frag.c
 *
 * Output routes (own addresses and ::1 through lo; multicast out of
 * the interface asked for; the rest by route6), picks a source address
 * (RFC 6724, simplified: see ip6_select_source()), fragments what does
 * not fit the path MTU, and hands each packet to Neighbor Discovery or
 * to lo.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/eth.h"
#include "net/ip6.h"
#include "net/port.h"
#include "net/stack.h"
#include "net/tcp.h"
#include "net/udp.h"

static bool netif_is_lo(const struct net_stack *s, const struct netif *nif)
{
	return nif == &s->lo || (nif->flags & NETIF_LOOPBACK);
}

void ip6_timer_arm(struct net_stack *s, uint64_t at)
{
	if (at < s->ip6.next_timer)
		s->ip6.next_timer = at;
}

void ip6_init(struct net_stack *s)
{
	struct ip6_state *st = &s->ip6;

	memset(st, 0, sizeof(*st));
	nd6_init(&st->nd);
	route6_init(&st->routes);
	reasm_init(&st->reasmq, IP6_REASM_MAX_DATAGRAMS, IP6_REASM_MAX_BYTES,
		   &st->mib.ReasmFails);
	st->next_timer = NET_NEVER;
	ip6_enable(s, &s->lo);
}

void ip6_free(struct net_stack *s)
{
	pkt_queue_purge(&s->ip6.nd.pending);
	reasm_purge(&s->ip6.reasmq);
}

uint64_t ip6_poll(struct net_stack *s)
{
	struct ip6_state *st = &s->ip6;

	/* Timers are armed as they are set (ip6_timer_arm), so an idle
	 * stack costs one comparison here, not a walk of every table. */
	if (s->now < st->next_timer)
		return st->next_timer;
	st->next_timer = NET_NEVER;
	ip6_timer_arm(s, nd6_poll(s));
	ip6_timer_arm(s, ip6_addrconf_poll(s));
	ip6_timer_arm(s, route6_expire(&st->routes, s->now));
	ip6_timer_arm(s, ip6_reasm_poll(s));
	return st->next_timer;
}

/* The address entry for a, on any interface (link-local ones only on
 * nif, unless nif is NULL or lo), or NULL. */
static struct ip6_ifaddr *ip6_local_find(struct net_stack *s,
					 const struct netif *nif,
					 const struct ip6_addr *a)
{
	bool scoped = nif && !netif_is_lo(s, nif) && ip6_addr_is_linklocal(a);

	for (int i = 0; i < s->nnetifs; i++) {
		struct netif *n = s->netifs[i];
		struct ip6_ifaddr *ifa;

		if (!n->ip6.enabled || (scoped && n != nif))
			continue;
		ifa = ip6_ifaddr_find(n, a);
		if (ifa)
			return ifa;
	}
	return NULL;
}

bool ip6_is_local(struct net_stack *s, const struct ip6_addr *a)
{
	return ip6_local_find(s, NULL, a) != NULL;
}

/* --- input -------------------------------------------------------------- */

static void ip6_param_prob(struct net_stack *s, const struct ip6_rx *rx,
			   uint8_t code, size_t ptr)
{
	icmp6_send_error(s, rx, ICMP6_PARAM_PROB, code, (uint32_t)ptr);
}

/*
 * The options of a hop-by-hop or destination options header at off
 * (RFC 8200 4.2). An unknown option's type says what to do in its two
 * high bits: skip it, drop the packet, drop it with a Parameter
 * Problem, or the same only if the destination was not multicast.
 * False when the packet is to be dropped (counted here).
 */
static bool ip6_options(struct net_stack *s, const struct ip6_rx *rx,
			size_t off, size_t hlen)
{
	const uint8_t *pkt = rx->pkt;
	size_t i = off + 2, end = off + hlen;

	while (i < end) {
		uint8_t type = pkt[i];

		if (type == 0) {		/* Pad1 */
			i++;
			continue;
		}
		if (end - i < 2 || end - i - 2 < pkt[i + 1])
			goto bad;
		switch (type) {
		case 1:				/* PadN */
		case 5:				/* Router Alert (RFC 2711) */
			break;
		default:
			switch (type >> 6) {
			case 0:
				break;
			case 2:
				ip6_param_prob(s, rx, ICMP6_PARAMPROB_OPTION, i);
				goto bad;
			case 3:
				if (!ip6_addr_is_multicast(&rx->dst))
					ip6_param_prob(s, rx,
						       ICMP6_PARAMPROB_OPTION,
						       i);
				goto bad;
			default:
				goto bad;
			}
		}
		i += 2 + (size_t)pkt[i + 1];
	}
	return true;
bad:
	s->ip6.mib.InHdrErrors++;
	return false;
}

/* The upper layer: nh at off, named by the field at nh_off. */
static void ip6_deliver(struct net_stack *s, const struct ip6_rx *rx,
			uint8_t nh, size_t off, size_t nh_off)
{
	struct ip6_mib *mib = &s->ip6.mib;
	const uint8_t *l4 = rx->pkt + off;
	size_t l4len = rx->len - off;

	/* RFC 4862 5.4: a tentative address receives NS and NA only. */
	if (rx->dst_tentative &&
	    !(nh == IP6_NH_ICMP6 && l4len > 0 &&
	      (l4[0] == ND_NEIGHBOR_SOLICIT || l4[0] == ND_NEIGHBOR_ADVERT))) {
		mib->InAddrErrors++;
		return;
	}
	switch (nh) {
	case IP6_NH_ICMP6:
		mib->InDelivers++;
		icmp6_input(s, rx, l4, l4len);
		return;
	case IP6_NH_NONE:
		/* RFC 8200 4.7: nothing follows; not an error. */
		mib->InDelivers++;
		return;
	case IP6_NH_UDP:
		mib->InDelivers++;
		udp6_input(s, rx, l4, l4len);
		return;
	case IP6_NH_TCP:
		mib->InDelivers++;
		tcp6_input(s, rx->nif, &rx->src, &rx->dst, l4, l4len);
		return;
	default:
		/* RFC 8200 4: an unrecognised Next Header, pointing at the
		 * field that holds it. */
		mib->InUnknownProtos++;
		ip6_param_prob(s, rx, ICMP6_PARAMPROB_NEXTHEADER, nh_off);
		return;
	}
}

/*
 * Walk the extension headers from off, where the header named by the
 * Next Header field at nh_off begins (RFC 8200 4.1 order is not
 * enforced beyond hop-by-hop coming first, as the RFC asks of hosts).
 * `walked` headers were already seen (before reassembly).
 */
static void ip6_walk(struct net_stack *s, const struct ip6_rx *rx,
		     size_t off, size_t nh_off, unsigned walked)
{
	const uint8_t *pkt = rx->pkt;
	size_t len = rx->len, hlen;
	uint8_t nh = pkt[nh_off];
	uint8_t *whole;
	size_t whole_len;

	for (;; walked++) {
		if (walked >= IP6_EXTHDR_MAX)
			goto hdr_error;
		switch (nh) {
		case IP6_NH_HOPOPTS:
			if (nh_off != 6) {
				/* RFC 8200 4.3: only right after the IPv6
				 * header; elsewhere it is an unrecognised
				 * Next Header. */
				s->ip6.mib.InUnknownProtos++;
				ip6_param_prob(s, rx,
					       ICMP6_PARAMPROB_NEXTHEADER,
					       nh_off);
				return;
			}
			/* fall through */
		case IP6_NH_DSTOPTS:
			if (len - off < 8)
				goto hdr_error;
			hlen = ((size_t)pkt[off + 1] + 1) * 8;
			if (hlen > len - off)
				goto hdr_error;
			if (!ip6_options(s, rx, off, hlen))
				return;
			break;
		case IP6_NH_ROUTING:
			if (len - off < 8)
				goto hdr_error;
			hlen = ((size_t)pkt[off + 1] + 1) * 8;
			if (hlen > len - off)
				goto hdr_error;
			/* RFC 8200 4.4: Kite knows no routing type (type 0
			 * is gone, RFC 5095): with segments left, refuse
			 * pointing at the type; without, skip it. */
			if (pkt[off + 3]) {
				ip6_param_prob(s, rx, ICMP6_PARAMPROB_HEADER,
					       off + 2);
				goto hdr_error;
			}
			break;
		case IP6_NH_FRAGMENT:
			if (len - off < IP6_FRAG_HLEN || rx->reassembled)
				goto hdr_error;
			hlen = IP6_FRAG_HLEN;
			/* Offset 0 and no more fragments: an "atomic
			 * fragment" (RFC 6946), processed as it is. */
			if (!(get_be16(pkt + off + 2) & 0xfff9))
				break;
			whole = ip6_reasm(s, rx, &off, &nh_off, &whole_len);
			if (whole) {
				struct ip6_rx r = *rx;

				r.pkt = whole;
				r.len = whole_len;
				r.reassembled = true;
				/* The Fragment header is gone: what it named
				 * is at off now, named from nh_off. */
				ip6_walk(s, &r, off, nh_off, walked + 1);
				net_free(whole);
			}
			return;
		default:
			ip6_deliver(s, rx, nh, off, nh_off);
			return;
		}
		nh_off = off;
		nh = pkt[off];
		off += hlen;
	}
hdr_error:
	s->ip6.mib.InHdrErrors++;
}

/* Is dst, arriving on nif, ours? Sets rx->dst_tentative. */
static bool ip6_dst_ours(struct net_stack *s, struct ip6_rx *rx)
{
	const struct ip6_ifaddr *ifa;

	if (ip6_addr_is_multicast(&rx->dst))
		return ip6_mc_joined(rx->nif, &rx->dst);
	ifa = ip6_local_find(s, rx->nif, &rx->dst);
	if (!ifa)
		return false;
	rx->dst_tentative = ifa->flags & (IP6_IFA_TENTATIVE |
					  IP6_IFA_DADFAILED);
	return true;
}

void ip6_input(struct net_stack *s, struct netif *nif, const uint8_t *frame,
	       size_t flen)
{
	struct ip6_mib *mib = &s->ip6.mib;
	const uint8_t *pkt = frame + ETH_HLEN;
	size_t len = flen - ETH_HLEN, plen;
	bool lo = netif_is_lo(s, nif);
	struct ip6_rx rx = { .nif = nif, .pkt = pkt };
	unsigned scope;

	mib->InReceives++;
	mib->InOctets += len;
	if (len < IP6_HLEN || (pkt[0] >> 4) != 6)
		goto hdr_error;
	plen = get_be16(pkt + 4);
	if (IP6_HLEN + plen > len) {
		mib->InTruncatedPkts++;
		return;
	}
	/* Past Payload Length: link padding, not ours to read. */
	rx.len = IP6_HLEN + plen;
	rx.hlim = pkt[7];
	memcpy(rx.src.b, pkt + 8, 16);
	memcpy(rx.dst.b, pkt + 24, 16);
	if (!lo) {
		rx.mac = frame + ETH_ALEN;
		rx.ll_mcast = frame[0] & 1;
	}
	switch (pkt[1] >> 4 & 3) {	/* ECN (RFC 3168 5) */
	case 0:
		mib->InNoECTPkts++;
		break;
	case 1:
		mib->InECT1Pkts++;
		break;
	case 2:
		mib->InECT0Pkts++;
		break;
	default:
		mib->InCEPkts++;
		break;
	}

	/* RFC 4291 2.7: no multicast source; a multicast destination of
	 * reserved scope 0 is dropped, of interface-local scope only
	 * comes from lo; ::1 (2.5.3) never on the wire. */
	if (ip6_addr_is_multicast(&rx.src))
		goto hdr_error;
	if (!lo && (ip6_addr_is_loopback(&rx.src) ||
		    ip6_addr_is_loopback(&rx.dst)))
		goto hdr_error;
	if (ip6_addr_is_multicast(&rx.dst)) {
		scope = ip6_addr_scope(&rx.dst);
		if (scope == 0 || (scope == IP6_SCOPE_IFACE && !lo))
			goto hdr_error;
		mib->InMcastPkts++;
		mib->InMcastOctets += len;
	}
	if (!ip6_dst_ours(s, &rx)) {
		mib->InAddrErrors++;
		return;
	}
	/* The Hop Limit matters only to routers (and to ND, which checks
	 * for 255 itself). */
	ip6_walk(s, &rx, IP6_HLEN, 6, 0);
	return;

hdr_error:
	mib->InHdrErrors++;
}

uint8_t ip6_upper_layer(const uint8_t *pkt, size_t len, size_t *off)
{
	size_t o = IP6_HLEN, hlen;
	uint8_t nh;

	if (len < IP6_HLEN)
		return IP6_NH_NONE;
	nh = pkt[6];
	for (int n = 0; n < IP6_EXTHDR_MAX; n++) {
		switch (nh) {
		case IP6_NH_HOPOPTS:
		case IP6_NH_ROUTING:
		case IP6_NH_DSTOPTS:
			if (len - o < 8)
				return IP6_NH_NONE;
			hlen = ((size_t)pkt[o + 1] + 1) * 8;
			break;
		case IP6_NH_FRAGMENT:
			if (len - o < IP6_FRAG_HLEN ||
			    (get_be16(pkt + o + 2) & 0xfff8))
				return IP6_NH_NONE;	/* not the first */
			hlen = IP6_FRAG_HLEN;
			break;
		default:
			*off = o;
			return nh;
		}
		if (hlen > len - o)
			return IP6_NH_NONE;
		nh = pkt[o];
		o += hlen;
	}
	return IP6_NH_NONE;
}

/* --- output ------------------------------------------------------------- */

/*
 * RFC 6724 5, the rules that matter to a host with a few addresses on
 * the interface the packet leaves by (rule 5 taken as "only those"):
 * 1 the destination itself; 2 the smallest scope that still reaches
 * the destination's; 3 not deprecated; 8 the longest prefix shared with
 * the destination. Tentative and duplicate addresses are never used.
 * Is a better than b for dst?
 */
static bool ip6_source_better(const struct ip6_ifaddr *a,
			      const struct ip6_ifaddr *b,
			      const struct ip6_addr *dst)
{
	unsigned sa = ip6_addr_scope(&a->addr), sb = ip6_addr_scope(&b->addr);
	unsigned sd = ip6_addr_scope(dst);
	bool da = a->flags & IP6_IFA_DEPRECATED;
	bool db = b->flags & IP6_IFA_DEPRECATED;

	if (ip6_addr_eq(&a->addr, dst) != ip6_addr_eq(&b->addr, dst))
		return ip6_addr_eq(&a->addr, dst);
	if (sa != sb)
		return sa < sb ? sa >= sd : sb < sd;
	if (da != db)
		return !da;
	return ip6_addr_common_prefix(&a->addr, dst) >
	       ip6_addr_common_prefix(&b->addr, dst);
}

int ip6_select_source(const struct netif *nif, const struct ip6_addr *dst,
		      struct ip6_addr *src)
{
	const struct ip6_ifaddr *best = NULL;

	for (int i = 0; i < IP6_IF_ADDRS; i++) {
		const struct ip6_ifaddr *ifa = &nif->ip6.addr[i];

		if (ifa->source == IP6_IFA_NONE ||
		    (ifa->flags & (IP6_IFA_TENTATIVE | IP6_IFA_DADFAILED)))
			continue;
		if (!best || ip6_source_better(ifa, best, dst))
			best = ifa;
	}
	if (!best)
		return -EADDRNOTAVAIL;
	*src = best->addr;
	return 0;
}

/* RFC 4861 6.3.6: a router whose neighbour entry is not INCOMPLETE or
 * FAILED is probably reachable; one without an entry is unknown. */
static bool ip6_gw_ok(const struct route6 *r, void *arg)
{
	const struct nd6_entry *e = nd6_lookup(arg, r->nif, &r->gw);

	return e && e->state != ND6_INCOMPLETE && e->state != ND6_FAILED;
}

/* Interface and next hop for dst. */
static int ip6_route(struct net_stack *s, const struct ip6_addr *dst,
		     struct netif *oif, struct netif **nifp,
		     struct ip6_addr *nexthop)
{
	const struct route6 *r;

	*nexthop = *dst;
	if (ip6_addr_is_loopback(dst) || ip6_local_find(s, NULL, dst)) {
		*nifp = &s->lo;
		return 0;
	}
	if (ip6_addr_is_multicast(dst)) {
		/* Out of the interface asked for, else the first. */
		for (int i = 0; !oif && i < s->nnetifs; i++)
			if (s->netifs[i]->ip6.enabled &&
			    !netif_is_lo(s, s->netifs[i]))
				oif = s->netifs[i];
		if (!oif || !oif->ip6.enabled)
			return -ENETUNREACH;
		*nifp = oif;
		return 0;
	}
	r = route6_lookup(&s->ip6.routes, dst, oif, ip6_gw_ok, s);
	if (!r || !r->nif->ip6.enabled)
		return -ENETUNREACH;
	*nifp = r->nif;
	if (!ip6_addr_is_unspecified(&r->gw))
		*nexthop = r->gw;
	return 0;
}

int ip6_route_source(struct net_stack *s, const struct ip6_addr *dst,
		     struct netif *oif, struct ip6_addr *src)
{
	struct netif *nif;
	struct ip6_addr nexthop;
	int err = ip6_route(s, dst, oif, &nif, &nexthop);

	if (err)
		return err;
	if (nif == &s->lo && !ip6_addr_is_loopback(dst)) {
		*src = *dst;	/* to ourselves: from the same address */
		return 0;
	}
	return ip6_select_source(nif, dst, src);
}

/* Hand one finished packet (IPv6 header on top) to the link. */
static void ip6_xmit(struct net_stack *s, struct netif *nif, struct pkt *p,
		     const struct ip6_addr *nexthop)
{
	struct ip6_mib *mib = &s->ip6.mib;

	mib->OutOctets += p->len;
	if (ip6_addr_is_multicast(nexthop)) {
		mib->OutMcastPkts++;
		mib->OutMcastOctets += p->len;
	}
	if (netif_is_lo(s, nif)) {
		/* As ip.c: a zeroed Ethernet header, of type IPv6. */
		uint8_t *eh = pkt_push(p, ETH_HLEN);

		memset(eh, 0, ETH_HLEN - 2);
		put_be16(eh + ETH_HLEN - 2, ETH_P_IPV6);
		netif_output(s, nif, p);
	} else {
		nd6_output(s, nif, p, nexthop);
	}
}

/* The MTU towards dst: the link's, or less if Packet Too Big said so.
 * lo has none below the largest packet. */
static unsigned ip6_path_mtu(struct net_stack *s, const struct netif *nif,
			     const struct ip6_addr *dst)
{
	unsigned mtu = netif_is_lo(s, nif) ? 0xffff + IP6_HLEN : nif->ip6.mtu;
	unsigned pmtu = route6_pmtu_get(&s->ip6.routes, dst);

	return pmtu && pmtu < mtu ? pmtu : mtu;
}

/* Header, fragmentation, link. Consumes p. */
static int ip6_send(struct net_stack *s, struct netif *nif, struct pkt *p,
		    const struct ip6_addr *src, const struct ip6_addr *dst,
		    const struct ip6_addr *nexthop, uint8_t nh, uint8_t hlim)
{
	struct ip6_mib *mib = &s->ip6.mib;
	struct pkt *frags;
	unsigned mtu;
	uint8_t *h;
	int err;

	if (p->len > 0xffff) {
		err = -EMSGSIZE;
		goto discard;
	}
	if (p->head < IP6_HLEN + IP6_FRAG_HLEN + ETH_HLEN) {
		err = -ENOBUFS;		/* the caller left no headroom */
		goto discard;
	}
	if (!hlim)
		hlim = ip6_addr_is_multicast(dst) ? 1 : nif->ip6.hop_limit;
	h = pkt_push(p, IP6_HLEN);
	put_be32(h, 0x60000000u);	/* version 6, class 0, no flow label */
	put_be16(h + 4, (uint16_t)(p->len - IP6_HLEN));
	h[6] = nh;
	h[7] = hlim;
	memcpy(h + 8, src->b, 16);
	memcpy(h + 24, dst->b, 16);

	mtu = ip6_path_mtu(s, nif, dst);
	if (p->len <= mtu) {
		ip6_xmit(s, nif, p, nexthop);
		return 0;
	}
	/* RFC 8200 5: the source fragments what exceeds the path MTU.
	 * ip6_fragment() consumes p and counts its own failures. */
	err = ip6_fragment(s, p, mtu, &frags);
	if (err) {
		mib->OutDiscards++;
		return err;
	}
	while (frags) {
		struct pkt *next = frags->next;

		frags->next = NULL;
		ip6_xmit(s, nif, frags, nexthop);
		frags = next;
	}
	return 0;

discard:
	mib->OutDiscards++;
	pkt_free(p);
	return err;
}

int ip6_output(struct net_stack *s, struct pkt *p, const struct ip6_addr *src,
	       const struct ip6_addr *dst, uint8_t nh, uint8_t hlim,
	       struct netif *oif)
{
	struct ip6_addr nexthop, chosen;
	struct netif *nif;
	int err;

	s->ip6.mib.OutRequests++;
	err = ip6_route(s, dst, oif, &nif, &nexthop);
	if (err) {
		s->ip6.mib.OutNoRoutes++;
		pkt_free(p);
		return err;
	}
	if (!src || ip6_addr_is_unspecified(src)) {
		if (nif == &s->lo && !ip6_addr_is_loopback(dst)) {
			chosen = *dst;
			err = 0;
		} else {
			err = ip6_select_source(nif, dst, &chosen);
		}
		if (err) {
			s->ip6.mib.OutDiscards++;
			pkt_free(p);
			return err;
		}
		src = &chosen;
	}
	return ip6_send(s, nif, p, src, dst, &nexthop, nh, hlim);
}

int ip6_output_if(struct net_stack *s, struct netif *nif, struct pkt *p,
		  const struct ip6_addr *src, const struct ip6_addr *dst,
		  uint8_t nh, uint8_t hlim)
{
	s->ip6.mib.OutRequests++;
	return ip6_send(s, nif, p, src, dst, dst, nh, hlim);
}

void ip6_route_for_each(struct net_stack *s,
			void (*fn)(const struct route6 *r, void *arg),
			void *arg)
{
	route6_for_each(&s->ip6.routes, fn, arg);
}
