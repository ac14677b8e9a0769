/*
 * Hierarchical timing wheel (Varghese & Lauck, "Hashed and Hierarchical
 * Timing Wheels", SOSP 1987), keyed in milliseconds, for the stack's
 * per-connection timers (retransmission, delayed ACK, persist, keepalive,
 * FIN_WAIT2, TIME_WAIT).
 *
 * Layout. WHEEL_LEVELS levels of WHEEL_SLOTS (64) slots. A slot of level L
 * covers 64^L ms, so level 0 holds single milliseconds and the eight
 * levels together span 2^48 ms (8900 years); a timer further away than
 * that waits on one overflow list. Slots are indexed by absolute time:
 * a timer sits at the level of the highest 6-bit group in which its
 * expiry differs from the wheel clock, in the slot named by that group.
 * One occupancy bitmap per level finds the next busy slot with a
 * count-trailing-zeros, so the cost of a run never depends on how many
 * timers are pending but not due.
 *
 * Precision: exact. When the clock reaches the start of a busy slot of
 * level L > 0, that slot is cascaded: its timers move down to lower
 * levels (each timer moves at most WHEEL_LEVELS - 1 times in its life).
 * A timer fires in the first wheel_run() whose now >= expires, never
 * earlier, never in a later call: the lateness bound is 0 ms relative to
 * the now the caller passes in.
 *
 * Contract:
 *  - Not thread-safe: the net-poll thread owns the wheel; every call
 *    (including from callbacks) is made by that thread.
 *  - Time is monotonic: a now smaller than a previous one is taken as
 *    the previous one.
 *  - struct wtimer is embedded in its owner and must be wtimer_init()ed
 *    once; it must not be freed while pending.
 *  - A timer armed for a time the wheel has already reached (expires <=
 *    the now of the last run, e.g. from a callback with a delay of 0)
 *    fires in the next wheel_run(), before any other timer, and
 *    wheel_run()/wheel_next() return a deadline <= now for it, so the
 *    poll loop comes straight back. This keeps a callback that re-arms
 *    itself at "now" from looping forever.
 *  - Callbacks run with the timer already disarmed; they may add or
 *    delete any timer, themselves included. They must not call
 *    wheel_run() or wheel_init().
 *  - Timers due at the same millisecond fire in an unspecified (but
 *    deterministic) order; timers due at different milliseconds in the
 *    same run fire in expiry order.
 */
#ifndef KITE_NET_TIMERWHEEL_H
#define KITE_NET_TIMERWHEEL_H

#include <stdbool.h>
#include <stdint.h>

#define WHEEL_BITS   6
#define WHEEL_SLOTS  (1 << WHEEL_BITS)
#define WHEEL_LEVELS 8
/* Expiries at least this far from the clock wait on the overflow list. */
#define WHEEL_SPAN_BITS (WHEEL_BITS * WHEEL_LEVELS)

struct wtimer;
struct timerwheel;
/* w: the wheel that ran it (its owner finds itself from it, so no
 * global is needed to know which stack a timer belongs to). */
typedef void (*wtimer_fn)(struct timerwheel *w, struct wtimer *t,
			  void *arg);

struct wtimer {
	struct wtimer *next;
	struct wtimer **pprev; /* NULL when not armed */
	uint64_t expires;      /* ms */
	wtimer_fn fn;
	void *arg;
};

struct timerwheel {
	uint64_t clk; /* every timer with expires <= clk has fired */
	uint64_t bitmap[WHEEL_LEVELS]; /* bit i: slot[level][i] busy */
	struct wtimer *slot[WHEEL_LEVELS][WHEEL_SLOTS];
	struct wtimer *far;	/* beyond WHEEL_SPAN_BITS of the clock */
	struct wtimer *due;	/* armed at or before clk: fire next run */
	struct wtimer *expired; /* being fired by the current run */
	uint64_t due_min;	/* lower bound of expires on the due list */
	uint64_t far_min;	/* lower bound of expires on the far list */
	/* Debug counters: slot lists walked (cascaded or fired), timers
	 * moved down a level. Nothing else reads them. */
	uint64_t stat_slots_scanned;
	uint64_t stat_cascaded;
};

void wheel_init(struct timerwheel *w, uint64_t now);
void wtimer_init(struct wtimer *t, wtimer_fn fn, void *arg);

/* Arm t to fire at expires (absolute ms); moves it if already armed. O(1). */
void wheel_add(struct timerwheel *w, struct wtimer *t, uint64_t expires);
/* Disarm t; harmless if it is not armed. O(1). */
void wheel_del(struct timerwheel *w, struct wtimer *t);

static inline bool wtimer_pending(const struct wtimer *t)
{
	return t->pprev != NULL;
}

/*
 * Fire every timer with expires <= now, in expiry order, and return the
 * next deadline (UINT64_MAX if no timer is armed). The deadline is the
 * exact earliest expiry when that timer is in level 0 (the same aligned
 * 64 ms block as now), otherwise the start of the earliest busy slot,
 * which is at a 64^L ms boundary: never later
 * than the true earliest expiry, so a caller sleeping until it never
 * misses a timer (it may wake up to a cascade that fires nothing, at
 * most once per level per timer).
 * Cost: O(WHEEL_LEVELS) per distinct expiry fired plus O(1) per timer
 * fired or cascaded; independent of the elapsed time and of the number
 * of timers not yet due.
 */
uint64_t wheel_run(struct timerwheel *w, uint64_t now);

/* The deadline wheel_run() would return, without running anything. */
uint64_t wheel_next(const struct timerwheel *w);

#endif
