/*
 * IPv6 fragmentation and reassembly (RFC 8200 4.5 and 5, RFC 5722).
 *
 * Reassembly follows ip_frag.c's design and bounds. A packet being
 * reassembled is keyed by (source, destination, Identification) and
 * keeps its fragments' data sorted by offset, none overlapping: it is
 * complete when the last fragment has fixed its length and the data
 * held add up to it. The unfragmentable part (the headers in front of
 * the Fragment header) and the Next Header come from the fragment at
 * offset zero, as RFC 8200 4.5 says.
 *
 * RFC 5722: any overlap discards the whole packet (an exact copy of a
 * fragment already held is dropped alone, erratum 3089). Memory is
 * bounded as for IPv4: IP6_REASM_MAX_DATAGRAMS packets and
 * IP6_REASM_MAX_BYTES held, the oldest other packet evicted to make
 * room. A packet incomplete IP6_REASM_TIMEOUT_MS (60 s, RFC 8200) after
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

struct ip6_frag {
	struct ip6_frag *next;		/* by offset; no two overlap */
	uint16_t off, len;
	uint8_t data[];
};

struct ip6_reasm {
	struct ip6_reasm *next;		/* oldest first */
	struct ip6_addr src, dst;
	uint32_t id;
	struct netif *nif;
	uint32_t total;			/* payload after the Fragment header;
					 * 0 until the last fragment came */
	uint32_t held;
	size_t mem;			/* charged to reasm_bytes */
	uint64_t expires;
	struct ip6_frag *frags;
	uint8_t *unfrag;		/* offset zero's headers in front of
					 * its Fragment header, or NULL */
	uint16_t unfrag_len;
	uint16_t nh_off;		/* in unfrag: what names the
					 * Fragment header */
	uint8_t nh;			/* offset zero's Next Header */
};

static void reasm_free(struct ip6_state *st, struct ip6_reasm *q)
{
	struct ip6_frag *f, *next;

	for (f = q->frags; f; f = next) {
		next = f->next;
		net_free(f);
	}
	net_free(q->unfrag);
	st->reasm_bytes -= q->mem;
	st->reasm_count--;
	net_free(q);
}

static void reasm_unlink(struct ip6_state *st, struct ip6_reasm *q)
{
	struct ip6_reasm **pp = &st->reasm;

	while (*pp != q)
		pp = &(*pp)->next;
	*pp = q->next;
}

static void reasm_kill(struct net_stack *s, struct ip6_reasm *q)
{
	reasm_unlink(&s->ip6, q);
	reasm_free(&s->ip6, q);
	s->ip6.mib.ReasmFails++;
}

/* Room for need more bytes, evicting the oldest other than keep. */
static bool reasm_make_room(struct net_stack *s, struct ip6_reasm *keep,
			    size_t need)
{
	struct ip6_state *st = &s->ip6;

	while (st->reasm_bytes + need > IP6_REASM_MAX_BYTES) {
		struct ip6_reasm *old = st->reasm;

		if (old == keep)
			old = old->next;
		if (!old)
			return false;
		reasm_kill(s, old);
	}
	return true;
}

/* RFC 8200 4.5: time exceeded, quoting the first fragment, to its
 * source, if the first fragment came. */
static void reasm_time_exceeded(struct net_stack *s, struct ip6_reasm *q)
{
	struct ip6_frag *f0 = q->frags;
	size_t n = f0->len < ICMP6_QUOTE_MAX ? f0->len : ICMP6_QUOTE_MAX;
	size_t len = q->unfrag_len + IP6_FRAG_HLEN + n;
	uint8_t *d = net_alloc(len);
	struct ip6_rx rx = {
		.nif = q->nif, .src = q->src, .dst = q->dst,
	};

	if (!d)
		return;
	memcpy(d, q->unfrag, q->unfrag_len);
	put_be16(d + 4, (uint16_t)(len - IP6_HLEN));
	d[q->unfrag_len] = q->nh;
	d[q->unfrag_len + 1] = 0;
	put_be16(d + q->unfrag_len + 2, 1);	/* offset 0, more */
	put_be32(d + q->unfrag_len + 4, q->id);
	memcpy(d + q->unfrag_len + IP6_FRAG_HLEN, f0->data, n);
	rx.pkt = d;
	rx.len = len;
	icmp6_send_error(s, &rx, ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_REASM,
			 0);
	net_free(d);
}

static void reasm_expire(struct net_stack *s)
{
	struct ip6_state *st = &s->ip6;
	struct ip6_reasm *q, *next;

	for (q = st->reasm; q; q = next) {
		next = q->next;
		if (q->expires > s->now)
			continue;
		reasm_unlink(st, q);
		/* Fragment zero is the head of the list when it came. */
		if (q->unfrag && q->frags && q->frags->off == 0)
			reasm_time_exceeded(s, q);
		reasm_free(st, q);
		st->mib.ReasmTimeout++;
		st->mib.ReasmFails++;
	}
}

uint64_t ip6_reasm_poll(struct net_stack *s)
{
	uint64_t next = NET_NEVER;

	reasm_expire(s);
	for (struct ip6_reasm *q = s->ip6.reasm; q; q = q->next)
		if (q->expires < next)
			next = q->expires;
	return next;
}

void ip6_reasm_free(struct net_stack *s)
{
	while (s->ip6.reasm) {
		struct ip6_reasm *q = s->ip6.reasm;

		s->ip6.reasm = q->next;
		reasm_free(&s->ip6, q);
	}
}

static struct ip6_reasm *reasm_new(struct net_stack *s,
				   const struct ip6_rx *rx, uint32_t id)
{
	struct ip6_state *st = &s->ip6;
	struct ip6_reasm *q, **pp;

	if (st->reasm_count >= IP6_REASM_MAX_DATAGRAMS)
		reasm_kill(s, st->reasm);
	if (!reasm_make_room(s, NULL, sizeof(*q)))
		return NULL;
	q = net_alloc(sizeof(*q));
	if (!q)
		return NULL;
	memset(q, 0, sizeof(*q));
	q->src = rx->src;
	q->dst = rx->dst;
	q->id = id;
	q->nif = rx->nif;
	q->expires = s->now + IP6_REASM_TIMEOUT_MS;
	q->mem = sizeof(*q);
	st->reasm_bytes += q->mem;
	st->reasm_count++;
	for (pp = &st->reasm; *pp; pp = &(*pp)->next)
		;
	*pp = q;
	ip6_timer_arm(s, q->expires);
	return q;
}

/* The whole packet of a complete q; frees q. */
static uint8_t *reasm_join(struct net_stack *s, struct ip6_reasm *q,
			   size_t *fh, size_t *nh_off, size_t *out_len)
{
	size_t len = (size_t)q->unfrag_len + q->total;
	uint8_t *d;

	if (len - IP6_HLEN > IP6_MAXPLEN || !(d = net_alloc(len))) {
		reasm_kill(s, q);
		return NULL;
	}
	memcpy(d, q->unfrag, q->unfrag_len);
	put_be16(d + 4, (uint16_t)(len - IP6_HLEN));
	d[q->nh_off] = q->nh;
	for (struct ip6_frag *f = q->frags; f; f = f->next)
		memcpy(d + q->unfrag_len + f->off, f->data, f->len);
	*fh = q->unfrag_len;
	*nh_off = q->nh_off;
	*out_len = len;
	reasm_unlink(&s->ip6, q);
	reasm_free(&s->ip6, q);
	s->ip6.mib.ReasmOKs++;
	return d;
}

static struct ip6_reasm *reasm_find(struct ip6_state *st,
				    const struct ip6_rx *rx, uint32_t id)
{
	for (struct ip6_reasm *q = st->reasm; q; q = q->next)
		if (q->id == id && ip6_addr_eq(&q->src, &rx->src) &&
		    ip6_addr_eq(&q->dst, &rx->dst))
			return q;
	return NULL;
}

/* Take offset zero's headers: the unfragmentable part. */
static bool reasm_take_unfrag(struct net_stack *s, struct ip6_reasm *q,
			      const struct ip6_rx *rx, size_t fh,
			      size_t nh_off)
{
	if (!reasm_make_room(s, q, fh) || !(q->unfrag = net_alloc(fh)))
		return false;
	memcpy(q->unfrag, rx->pkt, fh);
	q->unfrag_len = (uint16_t)fh;
	q->nh_off = (uint16_t)nh_off;
	q->nh = rx->pkt[fh];
	q->mem += fh;
	s->ip6.reasm_bytes += fh;
	return true;
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
	size_t end = off + dlen;
	struct ip6_reasm *q;
	struct ip6_frag *f, **pp;

	st->mib.ReasmReqds++;
	reasm_expire(s);

	/* RFC 8200 4.5: refused with a pointer at the field to blame. */
	if (more && (dlen & 7)) {
		st->mib.InHdrErrors++;
		icmp6_send_error(s, rx, ICMP6_PARAM_PROB,
				 ICMP6_PARAMPROB_HEADER, 4);
		return NULL;
	}
	if (fh - IP6_HLEN + end > IP6_MAXPLEN) {
		st->mib.InHdrErrors++;
		icmp6_send_error(s, rx, ICMP6_PARAM_PROB,
				 ICMP6_PARAMPROB_HEADER, fh + 2);
		return NULL;
	}
	q = reasm_find(st, rx, id);
	if (more && !dlen)
		goto kill;		/* holds nothing: only an attack */
	if (q && q->total && (more ? end > q->total : end != q->total))
		goto kill;
	if (!q) {
		q = reasm_new(s, rx, id);
		if (!q)
			goto refuse;
	}

	for (pp = &q->frags; *pp && (*pp)->off + (*pp)->len <= off;
	     pp = &(*pp)->next)
		;
	f = *pp;
	if (f && f->off < end) {
		/* RFC 5722 and its erratum: an exact copy is harmless,
		 * any other overlap ends the packet. */
		if (f->off == off && f->len == dlen &&
		    !memcmp(f->data, frag + IP6_FRAG_HLEN, dlen)) {
			st->mib.InDiscards++;
			return NULL;
		}
		goto kill;
	}
	if (!more) {
		struct ip6_frag *last = q->frags;

		while (last && last->next)
			last = last->next;
		if (last && last->off + last->len > end)
			goto kill;
		q->total = (uint32_t)end;
	}
	if (off == 0 && !q->unfrag && !reasm_take_unfrag(s, q, rx, fh, *nh_offp))
		goto kill;
	if (dlen) {
		if (!reasm_make_room(s, q, sizeof(*f) + dlen))
			goto kill;
		f = net_alloc(sizeof(*f) + dlen);
		if (!f)
			goto kill;
		f->off = (uint16_t)off;
		f->len = (uint16_t)dlen;
		memcpy(f->data, frag + IP6_FRAG_HLEN, dlen);
		f->next = *pp;
		*pp = f;
		q->mem += sizeof(*f) + dlen;
		st->reasm_bytes += sizeof(*f) + dlen;
		q->held += (uint32_t)dlen;
	}
	if (q->total && q->held == q->total && q->unfrag)
		return reasm_join(s, q, fhp, nh_offp, out_len);
	return NULL;

kill:
	if (q) {
		reasm_kill(s, q);
		return NULL;
	}
refuse:
	st->mib.ReasmFails++;
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
	while (head) {
		f = head->next;
		pkt_free(head);
		head = f;
	}
	pkt_free(p);
	mib->FragFails++;
	return -ENOBUFS;
}
