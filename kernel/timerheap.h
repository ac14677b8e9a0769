/*
 * Binary min-heap of timers ordered by deadline, intrusive (each timer
 * keeps its own heap index) so that cancelling is O(log n) and nothing
 * allocates: timers are armed from interrupt context. The capacity is
 * fixed; a full heap refuses the insert with -ENOSPC rather than grow.
 */
#ifndef KITE_TIMERHEAP_H
#define KITE_TIMERHEAP_H

#include <stdbool.h>
#include <stdint.h>

struct heap_timer {
	uint64_t deadline;	/* key; ties expire in insertion order */
	uint64_t seq;		/* tie-breaker, set on insert */
	int index;		/* position in the heap, -1 when not armed */
};

struct timerheap {
	struct heap_timer **slot;
	int len, cap;
	uint64_t next_seq;
};

void timerheap_init(struct timerheap *h, struct heap_timer **storage,
		    int cap);
static inline bool heap_timer_armed(const struct heap_timer *t)
{
	return t->index >= 0;
}
static inline void heap_timer_init(struct heap_timer *t)
{
	t->index = -1;
}
/* Insert t (which must not be armed). 0 or -ENOSPC. */
int timerheap_insert(struct timerheap *h, struct heap_timer *t);
/* Remove t if armed; harmless otherwise. */
void timerheap_remove(struct timerheap *h, struct heap_timer *t);
/* Earliest timer, or NULL. */
struct heap_timer *timerheap_peek(const struct timerheap *h);

#endif
