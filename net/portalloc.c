/*
 * Port allocation (portalloc.h): a small chained hash per table, keyed by
 * port. Consecutive ports fall in consecutive buckets, so a scan of the
 * ephemeral range touches each bucket's short chain in turn.
 */
#include <errno.h>

#include "net/port.h"
#include "net/portalloc.h"

struct port_entry {
	struct port_entry *next;
	uint32_t refs;
	uint32_t strict;	/* references taken without PORT_REUSE */
	uint16_t port;
};

static struct port_entry **bucket(struct port_table *t, uint16_t port)
{
	return &t->hash[port & (PORT_HASH_SIZE - 1)];
}

static struct port_entry *lookup(const struct port_table *t, uint16_t port)
{
	struct port_entry *e = t->hash[port & (PORT_HASH_SIZE - 1)];

	while (e && e->port != port)
		e = e->next;
	return e;
}

static int take(struct port_table *t, uint16_t port, unsigned flags)
{
	struct port_entry *e = net_alloc(sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->port = port;
	e->refs = 1;
	e->strict = !(flags & PORT_REUSE);
	e->next = *bucket(t, port);
	*bucket(t, port) = e;
	t->in_use++;
	return 0;
}

static void table_init(struct port_table *t, uint16_t lo, uint16_t hi)
{
	for (unsigned i = 0; i < PORT_HASH_SIZE; i++)
		t->hash[i] = NULL;
	t->lo = lo;
	t->hi = hi;
	t->cursor = net_random();
	t->in_use = 0;
}

void port_alloc_init(struct port_alloc *pa)
{
	for (int f = 0; f < PORT_NFAMILY; f++) {
		table_init(&pa->table[PORT_UDP][f], IP_LOCAL_PORT_RANGE_LO,
			   IP_LOCAL_PORT_RANGE_HI);
		table_init(&pa->table[PORT_TCP][f], IP_LOCAL_PORT_RANGE_LO,
			   IP_LOCAL_PORT_RANGE_HI);
		/* Linux ping sockets draw identifiers from 1-65535. */
		table_init(&pa->table[PORT_PING][f], 1, 65535);
	}
	pa->secret = net_random();
}

int port_alloc_set_range(struct port_alloc *pa, unsigned lo, unsigned hi)
{
	if (lo == 0 || lo > hi || hi > 65535)
		return -EINVAL;
	for (int f = 0; f < PORT_NFAMILY; f++) {
		static const enum port_proto follow[] = { PORT_UDP, PORT_TCP };
		for (unsigned i = 0; i < sizeof(follow) / sizeof(follow[0]); i++) {
			struct port_table *t = &pa->table[follow[i]][f];
			t->lo = (uint16_t)lo;
			t->hi = (uint16_t)hi;
		}
	}
	return 0;
}

void port_alloc_get_range(const struct port_alloc *pa, uint16_t *lo,
			  uint16_t *hi)
{
	*lo = pa->table[PORT_UDP][PORT_INET].lo;
	*hi = pa->table[PORT_UDP][PORT_INET].hi;
}

int port_bind(struct port_table *t, uint16_t port, unsigned flags)
{
	if (port == 0)
		return -EINVAL;
	struct port_entry *e = lookup(t, port);
	if (!e)
		return take(t, port, flags);
	if (!(flags & PORT_REUSE) || e->strict)
		return -EADDRINUSE;
	e->refs++;
	return 0;
}

int port_ephemeral(struct port_table *t, uint32_t offset, unsigned flags,
		   uint16_t *port)
{
	uint32_t n = (uint32_t)t->hi - t->lo + 1;

	for (uint32_t count = 0; count < n; count++) {
		uint16_t p = (uint16_t)(t->lo + (offset + t->cursor) % n);
		t->cursor++;
		if (!lookup(t, p)) {
			int err = take(t, p, flags);
			if (err == 0)
				*port = p;
			return err;
		}
	}
	return -EADDRNOTAVAIL;
}

int port_ephemeral_pair(struct port_table *t, struct port_table *also,
			uint32_t offset, unsigned flags, uint16_t *port)
{
	uint32_t n = (uint32_t)t->hi - t->lo + 1;

	for (uint32_t count = 0; count < n; count++) {
		uint16_t p = (uint16_t)(t->lo + (offset + t->cursor) % n);
		t->cursor++;
		if (lookup(t, p) || lookup(also, p))
			continue;
		int err = take(also, p, flags);
		if (err)
			return err;
		err = take(t, p, flags);
		if (err) {
			port_put(also, p, flags);
			return err;
		}
		*port = p;
		return 0;
	}
	return -EADDRNOTAVAIL;
}

int port_get(struct port_table *t, uint16_t port, unsigned flags)
{
	struct port_entry *e = lookup(t, port);

	if (!e)
		return take(t, port, flags);
	e->refs++;
	if (!(flags & PORT_REUSE))
		e->strict++;
	return 0;
}

int port_relax(struct port_table *t, uint16_t port)
{
	struct port_entry *e = lookup(t, port);

	if (!e || !e->strict)
		return -ENOENT;
	e->strict--;
	return 0;
}

int port_put(struct port_table *t, uint16_t port, unsigned flags)
{
	struct port_entry **pp = bucket(t, port);

	while (*pp && (*pp)->port != port)
		pp = &(*pp)->next;
	struct port_entry *e = *pp;
	if (!e || (!(flags & PORT_REUSE) && !e->strict))
		return -ENOENT;
	if (!(flags & PORT_REUSE))
		e->strict--;
	if (--e->refs == 0) {
		*pp = e->next;
		t->in_use--;
		net_free(e);
	}
	return 0;
}

unsigned port_refs(const struct port_table *t, uint16_t port)
{
	const struct port_entry *e = lookup(t, port);

	return e ? e->refs : 0;
}

/* A multiply-xorshift mix (the finaliser of MurmurHash3) over the tuple
 * and the secret. */
static uint32_t mix(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0xcc9e2d51u;
	h ^= h >> 15;
	h *= 0x1b873593u;
	return h ^ (h >> 13);
}

uint32_t port_offset(const struct port_alloc *pa, uint32_t laddr,
		     uint32_t raddr, uint16_t rport)
{
	uint32_t h = mix(pa->secret, laddr);
	h = mix(h, raddr);
	return mix(h, rport);
}
