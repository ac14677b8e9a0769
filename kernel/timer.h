/*
 * Monotonic clock and one-shot kernel timers.
 *
 * The clock counts microseconds since boot from the arch counter.
 * Timers are kept in a heap and the hardware is programmed for the
 * earliest one only: the kernel is tickless. Callbacks run in interrupt
 * context with interrupts masked; they must be short (typically: wake a
 * thread).
 */
#ifndef KITE_TIMER_H
#define KITE_TIMER_H

#include <stdint.h>

#include "kernel/param.h"
#include "kernel/timerheap.h"

struct ktimer {
	struct heap_timer node;	/* deadline in microseconds */
	void (*fn)(struct ktimer *t);
};

void timer_init(void);
uint64_t clock_now_us(void);

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t));
/* Arm (or re-arm) t for absolute time deadline_us. 0 or -ENOSPC. */
int ktimer_arm(struct ktimer *t, uint64_t deadline_us);
void ktimer_cancel(struct ktimer *t);

/* The timer interrupt: run expired callbacks, reprogram the hardware. */
void timer_interrupt(void);
uint64_t timer_interrupt_count(void);

#endif
