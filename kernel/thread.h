/*
 * Kernel threads and the preemptive priority scheduler.
 *
 * One CPU. The highest-priority ready thread runs; equal priorities share
 * the CPU round-robin in SCHED_SLICE_US slices (the slice timer is armed
 * only while another thread of the same priority is ready, so a lone busy
 * thread costs no ticks). A thread that wakes one with a higher priority
 * yields at once; an interrupt that does so switches on its way out.
 * Blocked threads are on no run queue and cost nothing.
 *
 * Locking: the scheduler's state is guarded by masking interrupts.
 */
#ifndef KITE_THREAD_H
#define KITE_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/reent.h>

#include "arch/arch.h"
#include "kernel/list.h"
#include "kernel/param.h"
#include "kernel/timer.h"

#define PRIO_IDLE	0
#define PRIO_LOW	4
#define PRIO_NORMAL	8	/* shell, services */
#define PRIO_HIGH	16	/* net-poll */
#define PRIO_MAX	31


enum thread_state {
	THREAD_RUNNING,		/* on the CPU */
	THREAD_READY,		/* on the run queue */
	THREAD_BLOCKED,		/* on a wait queue or sleeping */
	THREAD_DEAD,		/* exited; stack freed by the reaper */
};

struct thread {
	struct arch_context ctx;	/* must stay first: switch.S relies on it */
	int tid;
	int prio;			/* base_prio, or a waiter's if higher */
	int base_prio;			/* as created */
	struct list_head held;		/* mutexes it owns (inheritance) */
	enum thread_state state;
	char name[THREAD_NAME_LEN];
	struct list_head run_node;	/* run queue or wait queue */
	struct list_head all_node;	/* every thread, for ps */
	struct ktimer timeout;		/* sleep and wait deadlines */
	bool timed_out;
	void (*entry)(void *arg);
	void *arg;
	void *stack;			/* lowest address; NULL for boot */
	size_t stack_size;
	uint64_t cpu_us;		/* time spent running */
	uint64_t switches;		/* times switched in */
	struct _reent reent;		/* newlib per-thread state (errno) */
};

/* Turn the boot flow into the idle thread and set up the scheduler. */
void sched_init(void);
/* Start scheduling; called by the boot flow which becomes idle. */
void sched_start(void) __attribute__((noreturn));

/* Interrupts masked: run t at prio from now on (its place in the run
 * queue moves with it). The mutex's priority inheritance uses it. */
void sched_set_prio(struct thread *t, int prio);

/* Create a ready thread running fn(arg). Returns NULL (and logs) when
 * memory is short. The thread ends when fn returns or calls
 * thread_exit(). */
struct thread *thread_create(const char *name, int prio, void (*fn)(void *),
			     void *arg, size_t stack_size);
void thread_exit(void) __attribute__((noreturn));
struct thread *thread_current(void);
void thread_yield(void);
void thread_sleep_us(uint64_t us);

/* Called with interrupts masked: move t to the run queue (BLOCKED ->
 * READY) and note whether it should preempt the current thread. */
void sched_wake(struct thread *t);
/* Called with interrupts masked by a thread about to block (its state set
 * to BLOCKED and already queued where its waker will find it). */
void sched_block(void);
/* Called by the arch trap path with interrupts masked before returning
 * from an interrupt: switch if a more urgent thread became ready. */
void sched_preempt_irq(void);
/* Called with interrupts masked after waking threads from thread
 * context: switch now if one of them outranks the caller. */
void sched_maybe_yield(void);

/* Walk every thread (for ps); fn is called with interrupts masked. */
void thread_for_each(void (*fn)(const struct thread *t, void *arg), void *arg);
const char *thread_state_name(enum thread_state s);
int thread_count(void);

#endif
