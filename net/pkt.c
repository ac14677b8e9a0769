#include <string.h>

#include "net/pkt.h"
#include "net/port.h"

struct pkt *pkt_alloc(size_t size)
{
	size_t cap = PKT_HEADROOM + size;

	/* An IP datagram is at most 65535 bytes; nothing needs more. */
	if (size > 65535)
		return NULL;
	struct pkt *p = net_alloc(sizeof(*p) + cap);
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->head = PKT_HEADROOM;
	p->cap = (uint32_t)cap;
	return p;
}

void pkt_free(struct pkt *p)
{
	net_free(p);
}

unsigned pkt_free_list(struct pkt *list)
{
	unsigned n = 0;

	while (list) {
		struct pkt *next = list->next;

		pkt_free(list);
		list = next;
		n++;
	}
	return n;
}

uint8_t *pkt_push(struct pkt *p, size_t n)
{
	p->head -= (uint32_t)n;
	p->len += (uint32_t)n;
	return p->data + p->head;
}

void pkt_pull(struct pkt *p, size_t n)
{
	p->head += (uint32_t)n;
	p->len -= (uint32_t)n;
}

uint8_t *pkt_put(struct pkt *p, size_t n)
{
	uint8_t *tail = p->data + p->head + p->len;
	p->len += (uint32_t)n;
	return tail;
}

struct pkt *pkt_clone(const struct pkt *p)
{
	struct pkt *c = net_alloc(sizeof(*c) + p->cap);

	if (!c)
		return NULL;
	memcpy(c, p, sizeof(*c));
	c->next = NULL;
	memcpy(c->data + p->head, p->data + p->head, p->len);
	return c;
}

void pkt_queue_init(struct pkt_queue *q, unsigned max)
{
	q->head = q->tail = NULL;
	q->len = 0;
	q->max = max;
}

int pkt_queue_push(struct pkt_queue *q, struct pkt *p)
{
	if (q->len >= q->max)
		return -1;
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->len++;
	return 0;
}

struct pkt *pkt_queue_pop(struct pkt_queue *q)
{
	struct pkt *p = q->head;

	if (!p)
		return NULL;
	q->head = p->next;
	if (!q->head)
		q->tail = NULL;
	q->len--;
	p->next = NULL;
	return p;
}

void pkt_queue_purge(struct pkt_queue *q)
{
	struct pkt *p;

	while ((p = pkt_queue_pop(q)))
		pkt_free(p);
}
