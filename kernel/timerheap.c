#include <errno.h>
#include <stddef.h>

#include "kernel/timerheap.h"

void timerheap_init(struct timerheap *h, struct heap_timer **storage, int cap)
{
	h->slot = storage;
	h->len = 0;
	h->cap = cap;
	h->next_seq = 0;
}

static bool before(const struct heap_timer *a, const struct heap_timer *b)
{
	if (a->deadline != b->deadline)
		return a->deadline < b->deadline;
	return a->seq < b->seq;
}

static void place(struct timerheap *h, int i, struct heap_timer *t)
{
	h->slot[i] = t;
	t->index = i;
}

static void sift_up(struct timerheap *h, int i)
{
	struct heap_timer *t = h->slot[i];

	while (i > 0) {
		int parent = (i - 1) / 2;
		if (!before(t, h->slot[parent]))
			break;
		place(h, i, h->slot[parent]);
		i = parent;
	}
	place(h, i, t);
}

static void sift_down(struct timerheap *h, int i)
{
	struct heap_timer *t = h->slot[i];

	for (;;) {
		int child = 2 * i + 1;
		if (child >= h->len)
			break;
		if (child + 1 < h->len && before(h->slot[child + 1], h->slot[child]))
			child++;
		if (!before(h->slot[child], t))
			break;
		place(h, i, h->slot[child]);
		i = child;
	}
	place(h, i, t);
}

int timerheap_insert(struct timerheap *h, struct heap_timer *t)
{
	if (h->len == h->cap)
		return -ENOSPC;
	t->seq = h->next_seq++;
	place(h, h->len++, t);
	sift_up(h, h->len - 1);
	return 0;
}

void timerheap_remove(struct timerheap *h, struct heap_timer *t)
{
	int i = t->index;

	if (i < 0)
		return;
	t->index = -1;
	struct heap_timer *last = h->slot[--h->len];
	if (i == h->len)
		return;
	/* Move the last leaf into the hole; it may need to go either way. */
	place(h, i, last);
	sift_up(h, i);
	sift_down(h, last->index);
}

struct heap_timer *timerheap_peek(const struct timerheap *h)
{
	return h->len ? h->slot[0] : NULL;
}
