/*
 * IPv6 fragmentation and reassembly (RFC 8200 4.5 and 5, RFC 5722).
 *
 * Reassembly uses the queue IPv4 uses (reasm.h): the fragment list,
 * RFC 5722's overlap rule (any overlap discards the whole packet, an
 * exact copy of a fragment already held is dropped alone, erratum
 * 3089), and the memory bounds, here IP6_REASM_MAX_DATAGRAMS packets
 * and IP6_REASM_MAX_BYTES held, the oldest other packet evicted to
 * make room. A packet being reassembled is keyed by (source,
 * destination, Identification). The unfragmentable part (the headers
 * in front of the Fragment header) and the Next Header come from the
 * fragment at offset zero, as RFC 8200 4.5 says. A packet incomplete IP6_REASM_TIMEOUT_MS (60 s, RFC 8200) after
 * its first fragment is discarded, with an ICMPv6 Time Exceeded code 1
 * if the fragment at offset zero came. A fragment of a length that is
 * not a multiple of 8 (with more to come), or reaching past a 65535-byte
 * payload, is refused with a Parameter Problem code 0 (RFC 8200 4.5).
 *
 * Counters, as Linux: ReasmReqds per fragment, ReasmOKs per packet
 * rebuilt, ReasmFails per packet discarded or fragment refused,
 * ReasmTimeout per packet timed out; InHdrErrors for the two refusals
 * that send a Parameter Problem; InDiscards for an exact duplicate.
 *
 * Fragmentation. Kite sends only packets it built, with no extension
 * headers, so the unfragmentable part is the IPv6 header: each fragment
 * is that header, a Fragment header with one random Identification for
 * the packet (RFC 7739) and a multiple of 8 bytes of the payload.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip6.h"
#include "net/port.h"
#include "net/stack.h"

#define IP6_MAXPLEN	0xffff	/* largest Payload Length */
#define ICMP6_QUOTE_MAX	(IP6_MIN_MTU - IP6_HLEN - 8)

/* A packet being reassembled (the rest is struct reasm's, whose hdr
 * holds offset zero's headers in front of its Fragment header). */
struct ip6_reasm {
	struct reasm r;			/* first: the queue's record */
	struct ip6_addr src, dst;
	uint32_t id;
	struct netif *nif;
	uint16_t nh_off;		/* in hdr: what names the Fragment
					 * header */
	uint8_t nh;			/* offset zero's Next Header */
};

/* RFC 8200 4.5: time exceeded, quoting the first fragment, to its
 * source, if the first fragment came. */
static void ip6_reasm_time_exceeded(struct net_stack *s, struct ip6_reasm *q)
{
	const struct reasm_frag *f0 = q->r.frags;
	size_t hlen = q->r.hlen;
	size_t n = f0->len < ICMP6_QUOTE_MAX ? f0->len : ICMP6_QUOTE_MAX;
	size_t len = hlen + IP6_FRAG_HLEN + n;
	uint8_t *d = net_alloc(len);
	struct ip6_rx rx = {
		.nif = q->nif, .src = q->src, .dst = q->dst,
	};

	if (!d)
		return;
	memcpy(d, q->r.hdr, hlen);
	put_be16(d + 4, (uint16_t)(len - IP6_HLEN));
	d[hlen] = q->nh;
	d[hlen + 1] = 0;
	put_be16(d + hlen + 2, 1);	/* offset 0, more */
	put_be32(d + hlen + 4, q->id);
	memcpy(d + hlen + IP6_FRAG_HLEN, f0->data, n);
	rx.pkt = d;
	rx.len = len;
	icmp6_send_error(s, &rx, ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_REASM,
			 0);
	net_free(d);
}

static void ip6_reasm_expire(struct net_stack *s)
{
	struct ip6_state *st = &s->ip6;
	struct reasm *r;

	while ((r = reasm_expired(&st->reasmq, s->now))) {
		/* Fragment zero is the head of the list when it came. */
		if (r->hdr && r->frags && r->frags->off == 0)
			ip6_reasm_time_exceeded(s, (struct ip6_reasm *)r);
		reasm_free(&st->reasmq, r);
		st->mib.ReasmTimeout++;
		st->mib.ReasmFails++;
	}
}

uint64_t ip6_reasm_poll(struct net_stack *s)
{
	ip6_reasm_expire(s);
	return reasm_next_expiry(&s->ip6.reasmq);
}

/* The whole packet of a complete q; frees q. */
static uint8_t *ip6_reasm_join(struct net_stack *s, struct ip6_reasm *q,
			       size_t *fh, size_t *nh_off, size_t *out_len)
{
	struct reasm *r = &q->r;
	size_t len = (size_t)r->hlen + r->total;
	uint8_t *d;

	if (len - IP6_HLEN > IP6_MAXPLEN || !(d = net_alloc(len))) {
		reasm_kill(&s->ip6.reasmq, r);
		return NULL;
	}
	memcpy(d, r->hdr, r->hlen);
	put_be16(d + 4, (uint16_t)(len - IP6_HLEN));
	d[q->nh_off] = q->nh;
	reasm_copy(r, d + r->hlen);
	*fh = r->hlen;
	*nh_off = q->nh_off;
	*out_len = len;
	reasm_done(&s->ip6.reasmq, r);
	s->ip6.mib.ReasmOKs++;
	return d;
}

static struct ip6_reasm *ip6_reasm_find(struct ip6_state *st,
					const struct ip6_rx *rx, uint32_t id)
{
	for (struct reasm *r = st->reasm; r; r = r->next) {
		struct ip6_reasm *q = (struct ip6_reasm *)r;

		if (q->id == id && ip6_addr_eq(&q->src, &rx->src) &&
		    ip6_addr_eq(&q->dst, &rx->dst))
			return q;
	}
	return NULL;
}

uint8_t *ip6_reasm(struct net_stack *s, const struct ip6_rx *rx, size_t *fhp,
		   size_t *nh_offp, size_t *out_len)
{
	struct ip6_state *st = &s->ip6;
	size_t fh = *fhp;
	const uint8_t *frag = rx->pkt + fh;
	uint16_t fo = get_be16(frag + 2);
	uint32_t id = get_be32(frag + 4);
	size_t off = fo & 0xfff8;
	bool more = fo & 1;
	size_t dlen = rx->len - fh - IP6_FRAG_HLEN;
	enum reasm_result res;
	struct ip6_reasm *q;

	st->mib.ReasmReqds++;
	ip6_reasm_expire(s);

	/* RFC 8200 4.5: refused with a pointer at the field to blame. */
	if ((more && (dlen & 7)) || fh - IP6_HLEN + off + dlen > IP6_MAXPLEN) {
		st->mib.InHdrErrors++;
		icmp6_send_error(s, rx, ICMP6_PARAM_PROB,
				 ICMP6_PARAMPROB_HEADER,
				 more && (dlen & 7) ? 4 : fh + 2);
		return NULL;
	}
	q = ip6_reasm_find(st, rx, id);
	if (more && !dlen) {
		/* Holds nothing: only an attack. */
		if (q)
			reasm_kill(&st->reasmq, &q->r);
		else
			st->mib.ReasmFails++;
		return NULL;
	}
	if (!q) {
		q = (struct ip6_reasm *)reasm_new(&st->reasmq, sizeof(*q),
						  s->now + IP6_REASM_TIMEOUT_MS);
		if (!q) {
			st->mib.ReasmFails++;
			return NULL;
		}
		q->src = rx->src;
		q->dst = rx->dst;
		q->id = id;
		q->nif = rx->nif;
		ip6_timer_arm(s, q->r.expires);
	}
	res = reasm_add(&st->reasmq, &q->r, off, frag + IP6_FRAG_HLEN, dlen,
			more, rx->pkt, fh);
	if (res == REASM_DUPLICATE)
		st->mib.InDiscards++;
	if (res != REASM_HELD && res != REASM_COMPLETE)
		return NULL;
	if (off == 0) {
		/* Offset zero's headers came with this fragment. */
		q->nh_off = (uint16_t)*nh_offp;
		q->nh = frag[0];
	}
	if (res == REASM_COMPLETE)
		return ip6_reasm_join(s, q, fhp, nh_offp, out_len);
	return NULL;
}

int ip6_fragment(struct net_stack *s, struct pkt *p, unsigned mtu,
		 struct pkt **frags)
{
	struct ip6_mib *mib = &s->ip6.mib;
	uint8_t *h = pkt_data(p);
	size_t dlen = p->len - IP6_HLEN;
	size_t chunk = (mtu - IP6_HLEN - IP6_FRAG_HLEN) & ~(size_t)7;
	uint32_t id = net_random();
	uint8_t nh = h[6];
	struct pkt *head = NULL, **tail = &head, *f;
	unsigned n = 1;

	*frags = NULL;
	/* Fragments 2..n are copies; then p becomes fragment 1. */
	for (size_t off = chunk; off < dlen; off += chunk, n++) {
		size_t flen = dlen - off < chunk ? dlen - off : chunk;
		uint8_t *d;

		f = pkt_alloc(IP6_HLEN + IP6_FRAG_HLEN + flen);
		if (!f)
			goto fail;
		d = pkt_put(f, IP6_HLEN + IP6_FRAG_HLEN + flen);
		memcpy(d, h, IP6_HLEN);
		put_be16(d + 4, (uint16_t)(IP6_FRAG_HLEN + flen));
		d[6] = IP6_NH_FRAGMENT;
		d[IP6_HLEN] = nh;
		d[IP6_HLEN + 1] = 0;
		put_be16(d + IP6_HLEN + 2,
			 (uint16_t)(off | (off + flen < dlen)));
		put_be32(d + IP6_HLEN + 4, id);
		memcpy(d + IP6_HLEN + IP6_FRAG_HLEN, h + IP6_HLEN + off, flen);
		*tail = f;
		tail = &f->next;
	}
	/* The Fragment header goes between the header and the payload:
	 * slide the header 8 bytes into the headroom. */
	h = pkt_push(p, IP6_FRAG_HLEN);
	memmove(h, h + IP6_FRAG_HLEN, IP6_HLEN);
	p->len = (uint32_t)(IP6_HLEN + IP6_FRAG_HLEN + chunk);
	put_be16(h + 4, (uint16_t)(IP6_FRAG_HLEN + chunk));
	h[6] = IP6_NH_FRAGMENT;
	h[IP6_HLEN] = nh;
	h[IP6_HLEN + 1] = 0;
	put_be16(h + IP6_HLEN + 2, 1);		/* offset 0, more */
	put_be32(h + IP6_HLEN + 4, id);
	p->next = head;
	*frags = p;
	mib->FragOKs++;
	mib->FragCreates += n;
	return 0;

fail:
	pkt_free_list(head);
	pkt_free(p);
	mib->FragFails++;
	return -ENOBUFS;
}
