/*
 * Intrusive doubly linked circular list, in the style of Linux's
 * <linux/list.h>: the node lives inside the object, so linking never
 * allocates (safe in interrupt context).
 */
#ifndef KITE_LIST_H
#define KITE_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) \
	list_entry((head)->next, type, member)
#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_safe(pos, n, head) \
	for (pos = (head)->next, n = pos->next; pos != (head); \
	     pos = n, n = pos->next)

static inline void list_init(struct list_head *h)
{
	h->next = h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void list_insert__(struct list_head *n, struct list_head *prev,
				 struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

/* Add n at the front of h (stack order). */
static inline void list_add(struct list_head *n, struct list_head *h)
{
	list_insert__(n, h, h->next);
}

/* Add n at the back of h (queue order). */
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	list_insert__(n, h->prev, h);
}

/* Unlink n and leave it self-linked, so a second list_del is harmless and
 * list_empty(n) tells whether it is on a list. */
static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

#endif
