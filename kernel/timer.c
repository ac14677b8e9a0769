/*
 * Monotonic clock and one-shot kernel timers over a heap (timer.h).
 * Tickless: the hardware is only ever armed for the earliest deadline.
 */
#include <errno.h>

#include "arch/arch.h"
#include "kernel/printk.h"
#include "kernel/list.h"
#include "kernel/timer.h"

static struct heap_timer *slots[KTIMER_MAX];
static struct timerheap heap;
static uint64_t freq;
static uint64_t interrupts;

void timer_init(void)
{
	timerheap_init(&heap, slots, KTIMER_MAX);
	freq = arch_timer_freq();
	if (!freq)
		panic("timer: the counter frequency is 0");
	arch_timer_set_oneshot(UINT64_MAX);
}

/* count * 1e6 / freq without overflowing for centuries of uptime. */
static uint64_t count_to_us(uint64_t count)
{
	return count / freq * 1000000 + count % freq * 1000000 / freq;
}

static uint64_t us_to_count(uint64_t us)
{
	return us / 1000000 * freq + us % 1000000 * freq / 1000000;
}

uint64_t clock_now_us(void)
{
	return freq ? count_to_us(arch_timer_count()) : 0;
}

/* Interrupts masked. Point the hardware at the earliest deadline. */
static void reprogram(void)
{
	struct heap_timer *first = timerheap_peek(&heap);

	if (!first) {
		arch_timer_set_oneshot(UINT64_MAX);
		return;
	}
	/* Round up so the interrupt never arrives before the deadline. */
	uint64_t count = us_to_count(first->deadline);
	if (count_to_us(count) < first->deadline)
		count++;
	arch_timer_set_oneshot(count);
}

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t))
{
	heap_timer_init(&t->node);
	t->fn = fn;
}

int ktimer_arm(struct ktimer *t, uint64_t deadline_us)
{
	unsigned long flags = arch_irq_save();
	timerheap_remove(&heap, &t->node);
	t->node.deadline = deadline_us;
	int err = timerheap_insert(&heap, &t->node);
	if (!err && timerheap_peek(&heap) == &t->node)
		reprogram();
	arch_irq_restore(flags);
	if (err)
		kprintf("timer: %d timers armed, cannot arm more\n", KTIMER_MAX);
	return err;
}

void ktimer_cancel(struct ktimer *t)
{
	unsigned long flags = arch_irq_save();
	bool was_first = timerheap_peek(&heap) == &t->node;
	timerheap_remove(&heap, &t->node);
	if (was_first)
		reprogram();
	arch_irq_restore(flags);
}

void timer_interrupt(void)
{
	uint64_t now = clock_now_us();
	struct heap_timer *first;

	interrupts++;
	while ((first = timerheap_peek(&heap)) && first->deadline <= now) {
		struct ktimer *t = container_of(first, struct ktimer, node);
		timerheap_remove(&heap, first);
		t->fn(t);
	}
	reprogram();
}

uint64_t timer_interrupt_count(void)
{
	return interrupts;
}
