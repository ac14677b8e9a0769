/*
 * IPv4 fragmentation and reassembly (RFC 791 3.2, RFC 815, RFC 1122
 * 3.3.2).
 *
 * Reassembly. A datagram being reassembled is keyed by (source,
 * destination, Identification, protocol) (RFC 791 3.2) and keeps its
 * fragments' data in a list sorted by offset in which no two overlap;
 * the gaps between them are the holes of RFC 815, and the datagram is
 * complete when its length is known (the last fragment came) and the
 * data held add up to it. Its first fragment's header becomes the
 * header of the whole.
 *
 * Overlaps are how fragment attacks work (Teardrop, and overwriting a
 * header already checked), so, as Linux does for IPv4 and RFC 5722
 * (with its erratum 3089) requires for IPv6: an exact copy of a
 * fragment already held is dropped and the datagram kept; any other
 * overlap discards the whole datagram.
 *
 * Memory is bounded: at most IP_REASM_MAX_DATAGRAMS datagrams, and
 * IP_REASM_MAX_BYTES for everything held (fragment data plus the
 * bookkeeping around it, so that many tiny fragments cannot hold more
 * than the cap). When either bound is hit the oldest other datagram is
 * evicted, as lwIP does: an old datagram is the one least likely to
 * complete, and refusing new ones instead would let anyone who sends a
 * few first fragments stop all reassembly for IP_REASM_TIMEOUT_MS. A
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

/* The data of one fragment. */
struct ip_frag {
	struct ip_frag *next;		/* by offset; no two overlap */
	uint16_t off, len;		/* bytes, in the datagram's payload */
	uint8_t data[];
};

/* A datagram being reassembled. */
struct ip_reasm {
	struct ip_reasm *next;		/* oldest first */
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint8_t hlen;			/* 0 until fragment zero came */
	uint32_t total;			/* payload length; 0 until the last
					 * fragment came */
	uint32_t held;			/* payload bytes held */
	size_t mem;			/* charged to ip_state.reasm_bytes */
	uint64_t expires;		/* ms */
	struct ip_frag *frags;
	uint8_t hdr[60];		/* fragment zero's header */
};

static void reasm_free(struct ip_state *ip, struct ip_reasm *q)
{
	struct ip_frag *f, *next;

	for (f = q->frags; f; f = next) {
		next = f->next;
		net_free(f);
	}
	ip->reasm_bytes -= q->mem;
	ip->reasm_count--;
	net_free(q);
}

static void reasm_unlink(struct ip_state *ip, struct ip_reasm *q)
{
	struct ip_reasm **pp = &ip->reasm;

	while (*pp != q)
		pp = &(*pp)->next;
	*pp = q->next;
}

/* Give up on q: unlink, free, count. */
static void reasm_kill(struct net_stack *s, struct ip_reasm *q)
{
	reasm_unlink(&s->ip, q);
	reasm_free(&s->ip, q);
	s->mib.ip.ReasmFails++;
}

/* The oldest datagram other than keep, or NULL. */
static struct ip_reasm *reasm_oldest(struct ip_state *ip,
				     struct ip_reasm *keep)
{
	struct ip_reasm *q = ip->reasm;

	if (q == keep)
		q = q->next;
	return q;
}

/* Make room for `need` more bytes, evicting the oldest datagrams other
 * than keep. False if even that is not enough. */
static bool reasm_make_room(struct net_stack *s, struct ip_reasm *keep,
			    size_t need)
{
	struct ip_state *ip = &s->ip;
	struct ip_reasm *old;

	while (ip->reasm_bytes + need > IP_REASM_MAX_BYTES) {
		old = reasm_oldest(ip, keep);
		if (!old)
			return false;
		reasm_kill(s, old);
	}
	return true;
}

/*
 * Time out what is due. RFC 1122 3.3.2: the time exceeded message is
 * sent only if fragment zero was received, since only it holds the
 * transport header the sender needs to match the error to a socket.
 */
static void reasm_expire(struct net_stack *s)
{
	struct ip_state *ip = &s->ip;
	struct ip_reasm *q = ip->reasm, *next;
	uint8_t quote[60 + 8];
	size_t qlen;

	for (; q; q = next) {
		next = q->next;
		if (q->expires > s->now)
			continue;
		qlen = 0;
		if (q->hlen) {
			/* Fragment zero is the head of the list. */
			struct ip_frag *f0 = q->frags;
			size_t n = f0->len < 8 ? f0->len : 8;

			memcpy(quote, q->hdr, q->hlen);
			memcpy(quote + q->hlen, f0->data, n);
			qlen = q->hlen + n;
		}
		reasm_unlink(ip, q);
		reasm_free(ip, q);
		s->mib.ip.ReasmTimeout++;
		s->mib.ip.ReasmFails++;
		if (qlen)
			icmp_send_error(s, quote, qlen, ICMP_TIME_EXCEEDED,
					ICMP_EXC_FRAGTIME);
	}
}

uint64_t ip_poll(struct net_stack *s)
{
	uint64_t next = NET_NEVER;

	reasm_expire(s);
	for (struct ip_reasm *q = s->ip.reasm; q; q = q->next)
		if (q->expires < next)
			next = q->expires;
	return next;
}

static struct ip_reasm *reasm_find(struct ip_state *ip, uint32_t src,
				   uint32_t dst, uint16_t id, uint8_t proto)
{
	for (struct ip_reasm *q = ip->reasm; q; q = q->next)
		if (q->src == src && q->dst == dst && q->id == id &&
		    q->proto == proto)
			return q;
	return NULL;
}

static struct ip_reasm *reasm_new(struct net_stack *s, uint32_t src,
				  uint32_t dst, uint16_t id, uint8_t proto)
{
	struct ip_state *ip = &s->ip;
	struct ip_reasm *q, **pp;

	if (ip->reasm_count >= IP_REASM_MAX_DATAGRAMS)
		reasm_kill(s, ip->reasm);
	if (!reasm_make_room(s, NULL, sizeof(*q)))
		return NULL;
	q = net_alloc(sizeof(*q));
	if (!q)
		return NULL;
	memset(q, 0, sizeof(*q));
	q->src = src;
	q->dst = dst;
	q->id = id;
	q->proto = proto;
	q->expires = s->now + IP_REASM_TIMEOUT_MS;
	q->mem = sizeof(*q);
	ip->reasm_bytes += q->mem;
	ip->reasm_count++;
	for (pp = &ip->reasm; *pp; pp = &(*pp)->next)
		;
	*pp = q;
	return q;
}

/* Glue the fragments of a complete q into one datagram; frees q. */
static uint8_t *reasm_join(struct net_stack *s, struct ip_reasm *q,
			   size_t *out_len)
{
	size_t len = q->hlen + q->total;
	uint8_t *d;

	if (len > IP_MAXPACKET) {
		/* Possible only when fragment zero has options and the
		 * others do not. */
		reasm_kill(s, q);
		return NULL;
	}
	d = net_alloc(len);
	if (!d) {
		reasm_kill(s, q);
		return NULL;
	}
	memcpy(d, q->hdr, q->hlen);
	for (struct ip_frag *f = q->frags; f; f = f->next)
		memcpy(d + q->hlen + f->off, f->data, f->len);
	/* The header of the whole: its length, no fragment fields, and a
	 * checksum to match, so an ICMP error can quote it as is. */
	put_be16(d + 2, (uint16_t)len);
	put_be16(d + 6, get_be16(q->hdr + 6) & IP_DF);
	put_be16(d + 10, 0);
	put_be16(d + 10, inet_fold(inet_sum(d, q->hlen, 0)));
	reasm_unlink(&s->ip, q);
	reasm_free(&s->ip, q);
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
	size_t end = off + dlen;
	struct ip_reasm *q;
	struct ip_frag *f, **pp;

	mib->ReasmReqds++;
	/* Expire first, so a late fragment cannot revive a datagram whose
	 * time is up only because ip_poll() has not run yet. */
	reasm_expire(s);
	q = reasm_find(ip, get_be32(pkt + 12), get_be32(pkt + 16),
		       get_be16(pkt + 4), pkt[9]);

	/* RFC 791 3.2: every fragment but the last holds a multiple of 8
	 * bytes, and none reaches past the largest datagram. A datagram
	 * with such a fragment is broken or an attack: drop it all. */
	if (!dlen || (more && (dlen & 7)) || hlen + end > IP_MAXPACKET)
		goto kill;
	/* The last fragment fixes the length; everything must fit in it. */
	if (q && q->total && (more ? end > q->total : end != q->total))
		goto kill;

	if (!q) {
		q = reasm_new(s, get_be32(pkt + 12), get_be32(pkt + 16),
			      get_be16(pkt + 4), pkt[9]);
		if (!q)
			goto refuse;
	}

	/* Find where the fragment goes; an overlap ends the datagram. */
	for (pp = &q->frags; *pp && (*pp)->off + (*pp)->len <= off;
	     pp = &(*pp)->next)
		;
	f = *pp;
	if (f && f->off < end) {
		if (f->off == off && f->len == dlen &&
		    !memcmp(f->data, pkt + hlen, dlen)) {
			/* The link or the sender sent it twice. */
			mib->InDiscards++;
			return NULL;
		}
		goto kill;
	}
	if (!more) {
		/* Held data beyond the end: the tail of the list. */
		struct ip_frag *last = q->frags;

		while (last && last->next)
			last = last->next;
		if (last && last->off + last->len > end)
			goto kill;
	}

	if (!reasm_make_room(s, q, sizeof(*f) + dlen))
		goto kill;
	f = net_alloc(sizeof(*f) + dlen);
	if (!f)
		goto kill;
	f->off = (uint16_t)off;
	f->len = (uint16_t)dlen;
	memcpy(f->data, pkt + hlen, dlen);
	f->next = *pp;
	*pp = f;
	q->mem += sizeof(*f) + dlen;
	ip->reasm_bytes += sizeof(*f) + dlen;
	q->held += (uint32_t)dlen;
	if (off == 0) {
		memcpy(q->hdr, pkt, hlen);
		q->hlen = (uint8_t)hlen;
	}
	if (!more)
		q->total = (uint32_t)end;

	/* No overlaps and nothing past the end: holding `total` bytes
	 * means there are no holes left. */
	if (q->total && q->held == q->total)
		return reasm_join(s, q, out_len);
	return NULL;

kill:
	if (q) {
		reasm_kill(s, q);
		return NULL;
	}
refuse:
	mib->ReasmFails++;
	return NULL;
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
	while (head) {
		f = head->next;
		pkt_free(head);
		head = f;
	}
	pkt_free(p);
	mib->FragFails++;
	return err;
}
