/*
 * ICMPv6 (RFC 4443).
 *
 * In: the checksum over the pseudo-header is checked; echo requests are
 * answered (to a multicast group too, as Linux does by default), echo
 * replies go to hooks.echo_reply (ping); errors (destination
 * unreachable, packet too big, time exceeded, parameter problem) feed
 * the path MTU cache (Packet Too Big, RFC 8201) and are handed, with
 * the errno a socket would see, to hooks.error; Neighbor Discovery
 * goes to nd6.c. Out: echo requests, replies and errors about received
 * packets under RFC 4443 2.4's rules, rate-limited as net/icmp.c does.
 *
 * Counters are struct icmp6_mib, with Linux's meanings: InMsgs every
 * message, InErrors those malformed (InCsumErrors the bad checksums
 * among them, and invalid ND messages), per type in in_type[]/out_type[];
 * OutErrors what could not be sent for want of memory,
 * OutRateLimitHost what the rate limit held back.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip6.h"
#include "net/port.h"
#include "net/ratelimit.h"
#include "net/stack.h"

#define ICMP6_HLEN		8
/* RFC 4443 2.4 (c): as much of the packet as fits in the minimum MTU. */
#define ICMP6_QUOTE_MAX		(IP6_MIN_MTU - IP6_HLEN - ICMP6_HLEN)

int icmp6_send(struct net_stack *s, struct pkt *p, const struct ip6_addr *src,
	       const struct ip6_addr *dst, struct netif *oif, uint8_t hlim,
	       bool direct)
{
	struct icmp6_mib *mib = &s->ip6.icmp;
	uint8_t *m = pkt_data(p);
	uint8_t type = m[0];
	struct ip6_addr chosen;
	int err;

	if (!direct && !src) {
		err = ip6_route_source(s, dst, oif, &chosen);
		if (err) {
			/* Counted as ip6_output would have. */
			if (err == -ENETUNREACH)
				s->ip6.mib.OutNoRoutes++;
			else
				s->ip6.mib.OutDiscards++;
			s->ip6.mib.OutRequests++;
			pkt_free(p);
			return err;
		}
		src = &chosen;
	}
	put_be16(m + 2, 0);
	put_be16(m + 2, inet_fold(inet_sum(m, p->len,
		inet6_pseudo_sum(src, dst, p->len, IP6_NH_ICMP6))));
	if (direct)
		err = ip6_output_if(s, oif, p, src, dst, IP6_NH_ICMP6, hlim);
	else
		err = ip6_output(s, p, src, dst, IP6_NH_ICMP6, hlim, oif);
	if (!err) {
		mib->OutMsgs++;
		mib->out_type[type]++;
	}
	return err;
}

/* As icmp.c's icmp_ratelimit_allow(), with a bucket of its own. */
static bool icmp6_ratelimit_allow(struct net_stack *s)
{
	return ratelimit_allow(&s->ip6.icmp_tokens_at, &s->ip6.icmp_tokens,
			       s->now, ICMP6_ERR_RATE_MS, ICMP6_ERR_BURST);
}

/* An ICMPv6 error or a redirect: RFC 4443 2.4 (e.1, e.2). */
static bool icmp6_is_error_or_redirect(const uint8_t *pkt, size_t len)
{
	size_t off;

	if (ip6_upper_layer(pkt, len, &off) != IP6_NH_ICMP6)
		return false;
	/* Unknown upper layer past the quote: not an error, as Linux. */
	return off < len && (pkt[off] < 128 || pkt[off] == ND_REDIRECT);
}

void icmp6_send_error(struct net_stack *s, const struct ip6_rx *rx,
		      uint8_t type, uint8_t code, uint32_t info)
{
	struct icmp6_mib *mib = &s->ip6.icmp;
	size_t qlen = rx->len < ICMP6_QUOTE_MAX ? rx->len : ICMP6_QUOTE_MAX;
	bool exempt = type == ICMP6_PACKET_TOO_BIG ||
		      (type == ICMP6_PARAM_PROB &&
		       code == ICMP6_PARAMPROB_OPTION);
	const struct ip6_addr *src = NULL;
	struct pkt *p;
	uint8_t *d;

	/* RFC 4443 2.4 (e): never about an error or a redirect; about a
	 * packet to a multicast address or link-layer group only Packet
	 * Too Big and Parameter Problem code 2; never to a source that
	 * is not one node. */
	if (icmp6_is_error_or_redirect(rx->pkt, rx->len))
		return;
	if (!exempt && (ip6_addr_is_multicast(&rx->dst) || rx->ll_mcast))
		return;
	if (ip6_addr_is_unspecified(&rx->src) ||
	    ip6_addr_is_multicast(&rx->src))
		return;
	/* (f): rate-limited; errors to ourselves cost nothing and tell a
	 * local sender at once, as in icmp.c. */
	if (!ip6_is_local(s, &rx->src) && !icmp6_ratelimit_allow(s)) {
		mib->OutRateLimitHost++;
		return;
	}
	p = pkt_alloc(ICMP6_HLEN + qlen);
	if (!p) {
		mib->OutErrors++;
		return;
	}
	d = pkt_put(p, ICMP6_HLEN + qlen);
	d[0] = type;
	d[1] = code;
	put_be32(d + 4, info);
	memcpy(d + ICMP6_HLEN, rx->pkt, qlen);
	/* RFC 4443 2.2: from the address the packet was sent to when it
	 * is one of ours, else (a group) whatever routing picks. */
	if (!ip6_addr_is_multicast(&rx->dst) && ip6_is_local(s, &rx->dst))
		src = &rx->dst;
	icmp6_send(s, p, src, &rx->src, rx->nif, 0, false);
}

/* RFC 4443 4.2: the reply carries the request's identifier, sequence
 * number and data, from the address asked (or, asked of a group, the
 * address routing picks). Linux answers multicast echo too
 * (icmp_echo_ignore_multicast = 0). */
static void icmp6_echo(struct net_stack *s, const struct ip6_rx *rx,
		       const uint8_t *icmp, size_t len)
{
	const struct ip6_addr *src =
		ip6_addr_is_multicast(&rx->dst) ? NULL : &rx->dst;
	struct pkt *p;
	uint8_t *d;

	if (ip6_addr_is_unspecified(&rx->src)) {
		s->ip6.icmp.InErrors++;
		return;
	}
	p = pkt_alloc(len);
	if (!p) {
		s->ip6.icmp.OutErrors++;
		return;
	}
	d = pkt_put(p, len);
	memcpy(d, icmp, len);
	d[0] = ICMP6_ECHO_REPLY;
	d[1] = 0;
	icmp6_send(s, p, src, &rx->src, rx->nif, 0, false);
}

/* The errno a socket sees, as Linux's icmpv6_err_convert(). */
static int icmp6_errno(uint8_t type, uint8_t code)
{
	switch (type) {
	case ICMP6_DST_UNREACH:
		switch (code) {
		case ICMP6_DST_UNREACH_NOROUTE:
			return -ENETUNREACH;
		case ICMP6_DST_UNREACH_BEYONDSCOPE:
		case ICMP6_DST_UNREACH_ADDR:
			return -EHOSTUNREACH;
		case ICMP6_DST_UNREACH_NOPORT:
			return -ECONNREFUSED;
		default:
			return -EACCES;
		}
	case ICMP6_PACKET_TOO_BIG:
		return -EMSGSIZE;
	case ICMP6_PARAM_PROB:
		return -EPROTO;
	default:
		return -EHOSTUNREACH;
	}
}

/* An error quoting one of our packets (RFC 4443 2.4 (d)): learn from a
 * Packet Too Big, then tell the upper layer. */
static void icmp6_error_input(struct net_stack *s, const uint8_t *icmp,
			      size_t len)
{
	const uint8_t *q = icmp + ICMP6_HLEN;
	size_t qlen = len - ICMP6_HLEN, off;
	struct ip6_addr qsrc, qdst;
	const struct ip6_hooks *h = &s->ip6.hooks;
	uint32_t info;
	uint8_t proto;

	if (len < ICMP6_HLEN + IP6_HLEN || (q[0] >> 4) != 6) {
		s->ip6.icmp.InErrors++;
		return;
	}
	info = get_be32(icmp + 4);
	memcpy(qsrc.b, q + 8, 16);
	memcpy(qdst.b, q + 24, 16);
	/* Only about what we sent: anyone can forge an error. */
	if (!ip6_is_local(s, &qsrc))
		return;
	if (icmp[0] == ICMP6_PACKET_TOO_BIG) {
		uint64_t at = route6_pmtu_update(&s->ip6.routes, &qdst, info,
						 s->now);

		if (at)
			ip6_timer_arm(s, at);
	}
	proto = ip6_upper_layer(q, qlen, &off);
	if (proto == IP6_NH_NONE)
		off = qlen;
	if (h->error)
		h->error(h->arg, icmp[0], icmp[1], info,
			 icmp6_errno(icmp[0], icmp[1]), &qsrc, &qdst, proto,
			 q + off, qlen - off);
}

void icmp6_input(struct net_stack *s, const struct ip6_rx *rx,
		 const uint8_t *icmp, size_t len)
{
	struct icmp6_mib *mib = &s->ip6.icmp;
	const struct ip6_hooks *h = &s->ip6.hooks;

	mib->InMsgs++;
	if (len < 4) {
		mib->InErrors++;
		return;
	}
	if (inet_fold(inet_sum(icmp, len, inet6_pseudo_sum(&rx->src, &rx->dst,
							    (uint32_t)len,
							    IP6_NH_ICMP6)))) {
		mib->InCsumErrors++;
		mib->InErrors++;
		return;
	}
	mib->in_type[icmp[0]]++;
	switch (icmp[0]) {
	case ICMP6_ECHO_REQUEST:
		if (len < ICMP6_HLEN)
			goto bad;
		icmp6_echo(s, rx, icmp, len);
		break;
	case ICMP6_ECHO_REPLY:
		if (len < ICMP6_HLEN)
			goto bad;
		if (h->echo_reply)
			h->echo_reply(h->arg, &rx->src, get_be16(icmp + 4),
				      get_be16(icmp + 6), icmp + ICMP6_HLEN,
				      len - ICMP6_HLEN, rx->hlim);
		break;
	case ICMP6_DST_UNREACH:
	case ICMP6_PACKET_TOO_BIG:
	case ICMP6_TIME_EXCEEDED:
	case ICMP6_PARAM_PROB:
		icmp6_error_input(s, icmp, len);
		break;
	case ND_ROUTER_SOLICIT:
	case ND_ROUTER_ADVERT:
	case ND_NEIGHBOR_SOLICIT:
	case ND_NEIGHBOR_ADVERT:
	case ND_REDIRECT:
		nd6_input(s, rx, icmp, len);
		break;
	default:
		/* MLD queries and reports (Kite sends none: its groups are
		 * link-local), and unknown types: RFC 4443 2.4 (a)/(b),
		 * counted by type and dropped. */
		break;
	}
	return;
bad:
	mib->InErrors++;
}

int icmp6_send_echo(struct net_stack *s, const struct ip6_addr *dst,
		    struct netif *oif, uint16_t id, uint16_t seq,
		    const void *data, size_t len, uint8_t hlim)
{
	struct pkt *p;
	uint8_t *d;

	if (len > 0xffff - ICMP6_HLEN)
		return -EMSGSIZE;
	p = pkt_alloc(ICMP6_HLEN + len);
	if (!p) {
		s->ip6.icmp.OutErrors++;
		return -ENOBUFS;
	}
	d = pkt_put(p, ICMP6_HLEN + len);
	d[0] = ICMP6_ECHO_REQUEST;
	d[1] = 0;
	put_be16(d + 4, id);
	put_be16(d + 6, seq);
	if (len)
		memcpy(d + ICMP6_HLEN, data, len);
	return icmp6_send(s, p, NULL, dst, oif, hlim, false);
}
