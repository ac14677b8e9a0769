/*
 * The pending queue of ARP and Neighbor Discovery (neigh_queue.h).
 * The queue is short (ARP_PENDING_MAX, ND6_PENDING_MAX): walks are
 * cheaper than an index.
 */
#include "net/neigh_queue.h"

struct neigh_key {
	const struct netif *nif;
	uint32_t key;
};

static bool neigh_match(const struct pkt *p, const void *arg)
{
	const struct neigh_key *k = arg;

	return p->nif == k->nif && p->addr == k->key;
}

/* Unlink *pp from q; prev is the packet before it, or NULL. */
static struct pkt *neigh_queue_unlink(struct pkt_queue *q, struct pkt **pp,
				      struct pkt *prev)
{
	struct pkt *p = *pp;

	*pp = p->next;
	if (q->tail == p)
		q->tail = prev;
	q->len--;
	p->next = NULL;
	return p;
}

struct pkt *neigh_queue_take(struct pkt_queue *q,
			     bool (*match)(const struct pkt *p,
					   const void *arg),
			     const void *arg)
{
	struct pkt *out = NULL, **tail = &out, **pp = &q->head, *prev = NULL;

	while (*pp) {
		if (match(*pp, arg)) {
			*tail = neigh_queue_unlink(q, pp, prev);
			tail = &(*tail)->next;
		} else {
			prev = *pp;
			pp = &prev->next;
		}
	}
	return out;
}

struct pkt *neigh_queue_take_neigh(struct pkt_queue *q,
				   const struct netif *nif, uint32_t key)
{
	struct neigh_key k = { nif, key };

	return neigh_queue_take(q, neigh_match, &k);
}

unsigned neigh_queue_add(struct pkt_queue *q, struct pkt *p, struct netif *nif,
			 uint32_t key, uint64_t now, unsigned per_neigh)
{
	struct pkt **oldest = NULL, **pp, *prev = NULL, *oldest_prev = NULL;
	unsigned n = 0, dropped = 1;

	for (pp = &q->head; *pp; prev = *pp, pp = &prev->next) {
		if ((*pp)->nif != nif || (*pp)->addr != key)
			continue;
		if (!n++) {
			oldest = pp;
			oldest_prev = prev;
		}
	}
	if (n && n >= per_neigh)
		pkt_free(neigh_queue_unlink(q, oldest, oldest_prev));
	else if (q->len >= q->max)
		pkt_free(pkt_queue_pop(q));
	else
		dropped = 0;
	p->nif = nif;
	p->addr = key;
	p->time = now;
	pkt_queue_push(q, p);	/* room made above */
	return dropped;
}
