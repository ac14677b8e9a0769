/*
 * The reassembly queue shared by IPv4 and IPv6 (reasm.h states the
 * rules): bounded memory, eviction of the oldest, the fragment list
 * with RFC 5722's overlap rule, timeouts.
 */
#include <string.h>

#include "net/port.h"
#include "net/reasm.h"
#include "net/stack.h"

void reasm_init(struct reasm_queue *q, unsigned max_count, size_t max_bytes,
		uint64_t *fails)
{
	memset(q, 0, sizeof(*q));
	q->max_count = max_count;
	q->max_bytes = max_bytes;
	q->fails = fails;
}

void reasm_free(struct reasm_queue *q, struct reasm *r)
{
	struct reasm_frag *f, *next;

	for (f = r->frags; f; f = next) {
		next = f->next;
		net_free(f);
	}
	net_free(r->hdr);
	q->reasm_bytes -= r->mem;
	q->reasm_count--;
	net_free(r);
}

static void reasm_unlink(struct reasm_queue *q, struct reasm *r)
{
	struct reasm **pp = &q->reasm;

	while (*pp != r)
		pp = &(*pp)->next;
	*pp = r->next;
}

void reasm_done(struct reasm_queue *q, struct reasm *r)
{
	reasm_unlink(q, r);
	reasm_free(q, r);
}

void reasm_kill(struct reasm_queue *q, struct reasm *r)
{
	reasm_done(q, r);
	(*q->fails)++;
}

/* Make room for `need` more bytes, evicting the oldest datagrams other
 * than keep. False if even that is not enough. */
static bool reasm_make_room(struct reasm_queue *q, struct reasm *keep,
			    size_t need)
{
	while (q->reasm_bytes + need > q->max_bytes) {
		struct reasm *old = q->reasm;

		if (old == keep)
			old = old->next;
		if (!old)
			return false;
		reasm_kill(q, old);
	}
	return true;
}

/* Room for need more bytes charged to r, allocated; NULL if none. */
static void *reasm_alloc(struct reasm_queue *q, struct reasm *r, size_t need)
{
	void *m;

	if (!reasm_make_room(q, r, need) || !(m = net_alloc(need)))
		return NULL;
	if (r)
		r->mem += need;
	q->reasm_bytes += need;
	return m;
}

struct reasm *reasm_new(struct reasm_queue *q, size_t size, uint64_t expires)
{
	struct reasm *r, **pp;

	if (q->reasm_count >= q->max_count)
		reasm_kill(q, q->reasm);
	r = reasm_alloc(q, NULL, size);
	if (!r)
		return NULL;
	memset(r, 0, size);
	r->expires = expires;
	r->mem = size;
	q->reasm_count++;
	for (pp = &q->reasm; *pp; pp = &(*pp)->next)
		;
	*pp = r;
	return r;
}

enum reasm_result reasm_add(struct reasm_queue *q, struct reasm *r,
			    size_t off, const uint8_t *data, size_t dlen,
			    bool more, const uint8_t *hdr, size_t hlen)
{
	size_t end = off + dlen;
	struct reasm_frag *f, **pp;

	/* The last fragment fixes the length; everything must fit in it. */
	if (r->total && (more ? end > r->total : end != r->total))
		goto kill;

	/* Find where the fragment goes; an overlap ends the datagram. */
	for (pp = &r->frags; *pp && (*pp)->off + (*pp)->len <= off;
	     pp = &(*pp)->next)
		;
	f = *pp;
	if (f && f->off < end) {
		/* The link or the sender sent it twice: harmless. */
		if (f->off == off && f->len == dlen &&
		    !memcmp(f->data, data, dlen))
			return REASM_DUPLICATE;
		goto kill;
	}
	if (!more) {
		/* Held data beyond the end: the tail of the list. */
		struct reasm_frag *last = r->frags;

		while (last && last->next)
			last = last->next;
		if (last && last->off + last->len > end)
			goto kill;
		r->total = (uint32_t)end;
	}
	if (off == 0 && !r->hdr) {
		r->hdr = reasm_alloc(q, r, hlen);
		if (!r->hdr)
			goto kill;
		memcpy(r->hdr, hdr, hlen);
		r->hlen = (uint16_t)hlen;
	}
	if (dlen) {
		f = reasm_alloc(q, r, sizeof(*f) + dlen);
		if (!f)
			goto kill;
		f->off = (uint16_t)off;
		f->len = (uint16_t)dlen;
		memcpy(f->data, data, dlen);
		f->next = *pp;
		*pp = f;
		r->held += (uint32_t)dlen;
	}
	/* No overlaps and nothing past the end: holding `total` bytes
	 * means there are no holes left (and fragment zero came). */
	return r->total && r->held == r->total ? REASM_COMPLETE : REASM_HELD;

kill:
	reasm_kill(q, r);
	return REASM_KILLED;
}

void reasm_copy(const struct reasm *r, uint8_t *d)
{
	for (const struct reasm_frag *f = r->frags; f; f = f->next)
		memcpy(d + f->off, f->data, f->len);
}

struct reasm *reasm_expired(struct reasm_queue *q, uint64_t now)
{
	for (struct reasm *r = q->reasm; r; r = r->next) {
		if (r->expires <= now) {
			reasm_unlink(q, r);
			return r;
		}
	}
	return NULL;
}

uint64_t reasm_next_expiry(const struct reasm_queue *q)
{
	uint64_t next = NET_NEVER;

	for (const struct reasm *r = q->reasm; r; r = r->next)
		if (r->expires < next)
			next = r->expires;
	return next;
}

void reasm_purge(struct reasm_queue *q)
{
	while (q->reasm) {
		struct reasm *r = q->reasm;

		q->reasm = r->next;
		reasm_free(q, r);
	}
}
