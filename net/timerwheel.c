/*
 * Hierarchical timing wheel: see timerwheel.h for the contract.
 *
 * Invariant (outside wheel_run's own bookkeeping): every timer in
 * slot[L][i] has an expiry e > clk that agrees with clk in all bits
 * above 6-bit group L and has i = group L of e, so i is strictly greater
 * than group L of clk. Hence the busy slots of one level, read from the
 * bitmap above the clock's own index, are in time order, and every slot
 * of level L lies after every slot of level L - 1: the first busy slot
 * found walking up from level 0 is the next thing to do. Moving the
 * clock keeps the invariant as long as it never reaches the start of a
 * busy slot without cascading that slot, which is what wheel_run does.
 * Because of the invariant, a timer's slot can be recomputed from its
 * expiry and the clock, so struct wtimer needs no slot field.
 */
#include <string.h>

#include "net/timerwheel.h"

/* A singly linked list with back pointers (Linux's hlist): one word per
 * list head, O(1) unlink from anywhere. */
static void list_push(struct wtimer **head, struct wtimer *t)
{
	t->next = *head;
	if (t->next)
		t->next->pprev = &t->next;
	*head = t;
	t->pprev = head;
}

static void list_unlink(struct wtimer *t)
{
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	t->next = NULL;
	t->pprev = NULL;
}

/* Move the whole list at *from to the empty list *to. */
static void list_move(struct wtimer **from, struct wtimer **to)
{
	*to = *from;
	if (*to)
		(*to)->pprev = to;
	*from = NULL;
}

/* Level of an expiry e > clk; WHEEL_LEVELS or more means the overflow list. */
static unsigned int wheel_level(uint64_t clk, uint64_t e)
{
	return (unsigned int)(63 - __builtin_clzll(e ^ clk)) / WHEEL_BITS;
}

static unsigned int wheel_index(uint64_t e, unsigned int level)
{
	return (unsigned int)(e >> (level * WHEEL_BITS)) & (WHEEL_SLOTS - 1);
}

/* Put t (t->expires > w->clk) in its slot or on the overflow list. */
static void wheel_enqueue(struct timerwheel *w, struct wtimer *t)
{
	unsigned int level = wheel_level(w->clk, t->expires);
	unsigned int idx;

	if (level >= WHEEL_LEVELS) {
		if (!w->far || t->expires < w->far_min)
			w->far_min = t->expires;
		list_push(&w->far, t);
		return;
	}
	idx = wheel_index(t->expires, level);
	list_push(&w->slot[level][idx], t);
	w->bitmap[level] |= 1ULL << idx;
}

void wheel_init(struct timerwheel *w, uint64_t now)
{
	memset(w, 0, sizeof(*w));
	w->clk = now;
}

void wtimer_init(struct wtimer *t, wtimer_fn fn, void *arg)
{
	t->next = NULL;
	t->pprev = NULL;
	t->expires = 0;
	t->fn = fn;
	t->arg = arg;
}

void wheel_del(struct timerwheel *w, struct wtimer *t)
{
	unsigned int level, idx;

	if (!wtimer_pending(t))
		return;
	list_unlink(t);
	/* Expiries <= clk sit on the due or expired list: no bitmap. */
	if (t->expires <= w->clk)
		return;
	level = wheel_level(w->clk, t->expires);
	if (level >= WHEEL_LEVELS)
		return;
	idx = wheel_index(t->expires, level);
	if (!w->slot[level][idx])
		w->bitmap[level] &= ~(1ULL << idx);
}

void wheel_add(struct timerwheel *w, struct wtimer *t, uint64_t expires)
{
	wheel_del(w, t);
	t->expires = expires;
	if (expires > w->clk) {
		wheel_enqueue(w, t);
		return;
	}
	/* Already reached: fire at the next run, not this one (see .h). */
	if (!w->due || expires < w->due_min)
		w->due_min = expires;
	list_push(&w->due, t);
}

/*
 * The next instant wheel_run must act at: the exact expiry of the first
 * level-0 timer, the start of the first busy slot of a higher level, or
 * for the overflow list the start of the 2^WHEEL_SPAN_BITS ms block
 * holding its earliest expiry (far_min may be stale low after a delete:
 * that only costs a cascade that re-files the list). *level says which
 * (WHEEL_LEVELS for the overflow list). A few ctz, no list walk.
 */
static bool wheel_next_event(const struct timerwheel *w, uint64_t *when,
			     unsigned int *level)
{
	unsigned int l, shift, cur;
	uint64_t above, busy;

	for (l = 0; l < WHEEL_LEVELS; l++) {
		shift = l * WHEEL_BITS;
		cur = wheel_index(w->clk, l);
		above = cur == WHEEL_SLOTS - 1 ? 0 : ~0ULL << (cur + 1);
		busy = w->bitmap[l] & above;
		if (busy) {
			*when = (w->clk >> (shift + WHEEL_BITS)
					       << (shift + WHEEL_BITS)) |
				(uint64_t)__builtin_ctzll(busy) << shift;
			*level = l;
			return true;
		}
	}
	/* Every level is empty here, so the clock may jump to the block. */
	if (w->far) {
		*when = w->far_min >> WHEEL_SPAN_BITS << WHEEL_SPAN_BITS;
		*level = WHEEL_LEVELS;
		return true;
	}
	return false;
}

uint64_t wheel_next(const struct timerwheel *w)
{
	uint64_t when;
	unsigned int level;

	if (w->due)
		return w->due_min;
	if (wheel_next_event(w, &when, &level))
		return when;
	return UINT64_MAX;
}

/* Fire the expired list. Each timer is disarmed before its callback, and
 * a callback deleting another expired timer just unlinks it from here. */
static void wheel_fire(struct timerwheel *w)
{
	struct wtimer *t;

	while ((t = w->expired) != NULL) {
		list_unlink(t);
		t->fn(w, t, t->arg);
	}
}

/* The clock has just reached the start of *head's slot: redistribute. */
static void wheel_cascade(struct timerwheel *w, struct wtimer **head)
{
	struct wtimer *t, *next;

	t = *head;
	*head = NULL;
	for (; t; t = next) {
		next = t->next;
		t->pprev = NULL;
		w->stat_cascaded++;
		if (t->expires == w->clk)
			list_push(&w->expired, t);
		else
			wheel_enqueue(w, t);
	}
}

uint64_t wheel_run(struct timerwheel *w, uint64_t now)
{
	uint64_t when;
	unsigned int level, idx;

	if (now < w->clk)
		now = w->clk;

	/* Timers armed for an instant already reached come first: their
	 * expiries are <= clk, below anything in the slots. */
	if (w->due) {
		list_move(&w->due, &w->expired);
		wheel_fire(w);
	}

	/* One step per busy slot reached, however far now jumps ahead. */
	while (wheel_next_event(w, &when, &level) && when <= now) {
		w->clk = when;
		w->stat_slots_scanned++;
		if (level == WHEEL_LEVELS) {
			wheel_cascade(w, &w->far);
		} else {
			idx = wheel_index(when, level);
			w->bitmap[level] &= ~(1ULL << idx);
			if (level == 0) /* all expire exactly at when */
				list_move(&w->slot[0][idx], &w->expired);
			else
				wheel_cascade(w, &w->slot[level][idx]);
		}
		wheel_fire(w);
	}
	w->clk = now;
	return wheel_next(w);
}
