/*
 * IPv4 fragmentation and reassembly (RFC 791 3.2, RFC 815, RFC 1122
 * 3.3.2).
 *
 * Reassembly. A datagram being reassembled is keyed by (source,
 * destination, Identification, protocol) (RFC 791 3.2); the fragment
 * list, its overlap rule (RFC 5722's, as Linux applies it to IPv4 too)
 * and the memory bounds (IP_REASM_MAX_DATAGRAMS, IP_REASM_MAX_BYTES,
 * the oldest evicted) are the queue shared with IPv6, reasm.h. Its
 * first fragment's header becomes the header of the whole. A
 * datagram still incomplete IP_REASM_TIMEOUT_MS after its first
 * fragment came is discarded, with an ICMP time exceeded (code 1) if
 * fragment zero was among what came (RFC 792, RFC 1122 3.3.2).
 * Datagrams whose reassembled length would pass 65535 bytes are
 * discarded (the "ping of death").
 *
 * Counters, as Linux: ReasmReqds per fragment received, ReasmOKs per
 * datagram reassembled, ReasmFails per datagram discarded or fragment
 * refused, ReasmTimeout per datagram timed out (also a ReasmFails).
 * An exact duplicate, which Linux drops without a count, is counted in
 * InDiscards.
 *
 * Fragmentation. Kite sends only datagrams it built itself, with a
 * 20-byte header and no options, so every fragment carries a copy of
 * the same header (RFC 791 3.2: options to copy are the only
 * difference) with its own Total Length, offset, MF and checksum.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip.h"
#include "net/port.h"
#include "net/stack.h"

#define IP_MAXPACKET	0xffff	/* largest Total Length */

/* A datagram being reassembled (the rest is struct reasm's). */
struct ip_reasm {
	struct reasm r;			/* first: the queue's record */
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
};

/*
 * Time out what is due. RFC 1122 3.3.2: the time exceeded message is
 * sent only if fragment zero was received, since only it holds the
 * transport header the sender needs to match the error to a socket.
 */
static void ip_reasm_expire(struct net_stack *s)
{
	struct reasm_queue *rq = &s->ip.reasmq;
	struct reasm *r;
	uint8_t quote[60 + 8];
	size_t qlen;

	while ((r = reasm_expired(rq, s->now))) {
		qlen = 0;
		if (r->hdr) {
			/* Fragment zero is the head of the list. */
			const struct reasm_frag *f0 = r->frags;
			size_t n = f0->len < 8 ? f0->len : 8;

			memcpy(quote, r->hdr, r->hlen);
			memcpy(quote + r->hlen, f0->data, n);
			qlen = r->hlen + n;
		}
		reasm_free(rq, r);
		s->mib.ip.ReasmTimeout++;
		s->mib.ip.ReasmFails++;
		if (qlen)
			icmp_send_error(s, quote, qlen, ICMP_TIME_EXCEEDED,
					ICMP_EXC_FRAGTIME);
	}
}

uint64_t ip_poll(struct net_stack *s)
{
	ip_reasm_expire(s);
	return reasm_next_expiry(&s->ip.reasmq);
}

static struct ip_reasm *ip_reasm_find(struct ip_state *ip, uint32_t src,
				      uint32_t dst, uint16_t id, uint8_t proto)
{
	for (struct reasm *r = ip->reasm; r; r = r->next) {
		struct ip_reasm *q = (struct ip_reasm *)r;

		if (q->src == src && q->dst == dst && q->id == id &&
		    q->proto == proto)
			return q;
	}
	return NULL;
}

/* Glue the fragments of a complete q into one datagram; frees q. */
static uint8_t *ip_reasm_join(struct net_stack *s, struct reasm *r,
			      size_t *out_len)
{
	struct reasm_queue *rq = &s->ip.reasmq;
	size_t len = r->hlen + r->total;
	uint8_t *d;

	/* Too long is possible only when fragment zero has options and
	 * the others do not. */
	if (len > IP_MAXPACKET || !(d = net_alloc(len))) {
		reasm_kill(rq, r);
		return NULL;
	}
	memcpy(d, r->hdr, r->hlen);
	reasm_copy(r, d + r->hlen);
	/* The header of the whole: its length, no fragment fields, and a
	 * checksum to match, so an ICMP error can quote it as is. */
	put_be16(d + 2, (uint16_t)len);
	put_be16(d + 6, get_be16(r->hdr + 6) & IP_DF);
	put_be16(d + 10, 0);
	put_be16(d + 10, inet_fold(inet_sum(d, r->hlen, 0)));
	reasm_done(rq, r);
	s->mib.ip.ReasmOKs++;
	*out_len = len;
	return d;
}

/*
 * A fragment (MF set or offset non-zero) of a datagram for us, header
 * already validated, len its Total Length. Returns the whole datagram
 * (net_alloc'd; the caller net_free()s it) once this completes it, else
 * NULL.
 */
uint8_t *ip_reasm(struct net_stack *s, const uint8_t *pkt, size_t len,
		  size_t *out_len)
{
	struct ip_state *ip = &s->ip;
	struct ip_mib *mib = &s->mib.ip;
	size_t hlen = (size_t)(pkt[0] & 0x0f) * 4;
	uint16_t frag = get_be16(pkt + 6);
	bool more = frag & IP_MF;
	size_t off = (size_t)(frag & IP_OFFMASK) * 8;
	size_t dlen = len - hlen;
	uint32_t src = get_be32(pkt + 12), dst = get_be32(pkt + 16);
	uint16_t id = get_be16(pkt + 4);
	struct ip_reasm *q;

	mib->ReasmReqds++;
	/* Expire first, so a late fragment cannot revive a datagram whose
	 * time is up only because ip_poll() has not run yet. */
	ip_reasm_expire(s);
	q = ip_reasm_find(ip, src, dst, id, pkt[9]);

	/* RFC 791 3.2: every fragment but the last holds a multiple of 8
	 * bytes, and none reaches past the largest datagram. A datagram
	 * with such a fragment is broken or an attack: drop it all. */
	if (!dlen || (more && (dlen & 7)) || hlen + off + dlen > IP_MAXPACKET) {
		if (q)
			reasm_kill(&ip->reasmq, &q->r);
		else
			mib->ReasmFails++;
		return NULL;
	}
	if (!q) {
		q = (struct ip_reasm *)reasm_new(&ip->reasmq, sizeof(*q),
						 s->now + IP_REASM_TIMEOUT_MS);
		if (!q) {
			mib->ReasmFails++;
			return NULL;
		}
		q->src = src;
		q->dst = dst;
		q->id = id;
		q->proto = pkt[9];
	}
	switch (reasm_add(&ip->reasmq, &q->r, off, pkt + hlen, dlen, more, pkt,
			  hlen)) {
	case REASM_COMPLETE:
		return ip_reasm_join(s, &q->r, out_len);
	case REASM_DUPLICATE:
		mib->InDiscards++;
		return NULL;
	default:
		return NULL;
	}
}

/*
 * Split p (a whole datagram, header included) into fragments of at
 * most mtu bytes (RFC 791 3.2): each carries the header and a multiple
 * of 8 bytes of the payload, the last the rest. p becomes the first
 * fragment; the list is returned in *frags linked through ->next.
 * Consumes p. 0, -EMSGSIZE (DF set, or no room for 8 bytes of data
 * after the header) or -ENOBUFS.
 */
int ip_fragment(struct net_stack *s, struct pkt *p, unsigned mtu,
		struct pkt **frags)
{
	struct ip_mib *mib = &s->mib.ip;
	uint8_t *h = pkt_data(p);
	size_t hlen = (size_t)(h[0] & 0x0f) * 4;
	size_t dlen = p->len - hlen;
	size_t chunk = mtu > hlen ? (mtu - hlen) & ~(size_t)7 : 0;
	uint16_t frag = get_be16(h + 6);
	size_t base = (size_t)(frag & IP_OFFMASK) * 8;
	struct pkt *head = NULL, **tail = &head, *f;
	unsigned n = 1;
	int err;

	*frags = NULL;
	if ((frag & IP_DF) || !chunk) {
		err = -EMSGSIZE;
		goto fail;
	}
	/* Fragments 2..n are copies; then p is cut down to fragment 1. */
	for (size_t off = chunk; off < dlen; off += chunk, n++) {
		size_t flen = dlen - off < chunk ? dlen - off : chunk;
		bool last = off + flen == dlen;
		uint8_t *d;

		f = pkt_alloc(hlen + flen);
		if (!f) {
			err = -ENOBUFS;
			goto fail;
		}
		d = pkt_put(f, hlen + flen);
		memcpy(d, h, hlen);
		memcpy(d + hlen, h + hlen + off, flen);
		put_be16(d + 2, (uint16_t)(hlen + flen));
		/* MF stays set on the last piece of a datagram that was
		 * itself a non-last fragment. */
		put_be16(d + 6, (uint16_t)((base + off) / 8) |
					(last ? (frag & IP_MF) : IP_MF));
		put_be16(d + 10, 0);
		put_be16(d + 10, inet_fold(inet_sum(d, hlen, 0)));
		*tail = f;
		tail = &f->next;
	}
	p->len = (uint16_t)(hlen + chunk);
	put_be16(h + 2, p->len);
	put_be16(h + 6, frag | IP_MF);
	put_be16(h + 10, 0);
	put_be16(h + 10, inet_fold(inet_sum(h, hlen, 0)));
	p->next = head;
	*frags = p;
	mib->FragOKs++;
	mib->FragCreates += n;
	return 0;

fail:
	pkt_free_list(head);
	pkt_free(p);
	mib->FragFails++;
	return err;
}
