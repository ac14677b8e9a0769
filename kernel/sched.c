/*
 * Threads and the preemptive priority scheduler (thread.h).
 *
 * Every scheduler structure is guarded by masking interrupts. A switch
 * always happens inside schedule(), with interrupts masked; the thread
 * switched to resumes inside its own earlier call to schedule() and
 * restores its own interrupt state on the way out. A thread preempted by
 * an interrupt has its full register frame on its own stack beneath that
 * call, so resuming it returns through the trap exit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/runq.h"
#include "kernel/thread.h"
#include "kernel/wait.h"

#define STACK_CANARY 0x4b495445535441ULL	/* "KITESTA" */

static struct runq rq;
static struct thread idle_thread;
static struct thread *current = &idle_thread;
static struct list_head all_threads = LIST_HEAD_INIT(all_threads);
static struct list_head dead_threads = LIST_HEAD_INIT(dead_threads);
static int next_tid = 1;
static int nthreads;
static bool need_resched;
static uint64_t switched_at;
static struct ktimer slice_timer;

struct thread *thread_current(void)
{
	return current;
}

static void slice_expired(struct ktimer *t)
{
	(void)t;
	need_resched = true;	/* acted on at interrupt exit */
}

static void check_stack(const struct thread *t)
{
	if (t->stack && *(const uint64_t *)t->stack != STACK_CANARY)
		panic("stack overflow in thread %d (%s)", t->tid, t->name);
}

/* Interrupts masked. Put the current thread back on the run queue if it
 * is still runnable, and run the most urgent ready thread. */
static void schedule(void)
{
	struct thread *prev = current;

	need_resched = false;
	if (prev->state == THREAD_RUNNING) {
		prev->state = THREAD_READY;
		runq_push(&rq, &prev->run_node, prev->prio);
	}
	/* The idle thread never blocks, so the queue is never empty. */
	struct thread *next = list_entry(runq_pop(&rq), struct thread,
					 run_node);
	next->state = THREAD_RUNNING;
	/* Round-robin only while a peer of the same priority waits. */
	if (runq_top_prio(&rq) == next->prio && next->prio != PRIO_IDLE)
		ktimer_arm(&slice_timer, clock_now_us() + SCHED_SLICE_US);
	else
		ktimer_cancel(&slice_timer);
	if (next == prev)
		return;

	uint64_t now = clock_now_us();
	prev->cpu_us += now - switched_at;
	switched_at = now;
	check_stack(prev);
	next->switches++;
	current = next;
	_impure_ptr = &next->reent;
	arch_context_switch(&prev->ctx, &next->ctx);
}

static void thread_setup(struct thread *t, const char *name, int prio)
{
	t->tid = next_tid++;
	t->prio = t->base_prio = prio;
	t->state = THREAD_BLOCKED;	/* until sched_wake() makes it ready */
	strncpy(t->name, name, sizeof(t->name) - 1);
	list_init(&t->run_node);
	list_init(&t->held);
	ktimer_init(&t->timeout, NULL);
	_REENT_INIT_PTR(&t->reent);
	list_add_tail(&t->all_node, &all_threads);
	nthreads++;
}

void sched_init(void)
{
	runq_init(&rq);
	ktimer_init(&slice_timer, slice_expired);
	next_tid = 0;
	thread_setup(&idle_thread, "idle", PRIO_IDLE);
	idle_thread.state = THREAD_RUNNING;
	_impure_ptr = &idle_thread.reent;
}

void sched_start(void)
{
	switched_at = clock_now_us();
	arch_irq_enable();
	/*
	 * The idle loop. The check and the wait happen with interrupts
	 * masked: an interrupt that makes a thread ready between them still
	 * ends the wait, and is taken once interrupts are unmasked.
	 */
	for (;;) {
		unsigned long flags = arch_irq_save();
		if (runq_top_prio(&rq) > PRIO_IDLE)
			schedule();
		else
			arch_wait_for_interrupt();
		arch_irq_restore(flags);
	}
}

/* Free the stacks of exited threads. Runs in thread context (free() may
 * block on the heap lock), never on the exiting thread's own stack. */
static void reap_dead(void)
{
	for (;;) {
		unsigned long flags = arch_irq_save();
		struct thread *t = NULL;
		if (!list_empty(&dead_threads)) {
			t = list_first_entry(&dead_threads, struct thread,
					     all_node);
			list_del(&t->all_node);
		}
		arch_irq_restore(flags);
		if (!t)
			return;
		_reclaim_reent(&t->reent);
		free(t->stack);
		free(t);
	}
}

static void thread_start(void *arg)
{
	struct thread *t = arg;

	t->entry(t->arg);
	thread_exit();
}

struct thread *thread_create(const char *name, int prio, void (*fn)(void *),
			     void *arg, size_t stack_size)
{
	reap_dead();
	if (prio <= PRIO_IDLE || prio > PRIO_MAX)
		return NULL;
	struct thread *t = calloc(1, sizeof(*t));
	void *stack = malloc(stack_size);
	if (!t || !stack) {
		kprintf("thread: no memory for thread %s\n", name);
		free(t);
		free(stack);
		return NULL;
	}
	t->stack = stack;
	t->stack_size = stack_size;
	t->entry = fn;
	t->arg = arg;
	*(uint64_t *)stack = STACK_CANARY;
	arch_context_init(&t->ctx, (char *)stack + stack_size, thread_start, t);

	unsigned long flags = arch_irq_save();
	thread_setup(t, name, prio);
	sched_wake(t);
	arch_irq_restore(flags);
	sched_maybe_yield();
	return t;
}

void thread_exit(void)
{
	arch_irq_save();
	struct thread *t = current;
	t->state = THREAD_DEAD;
	list_del(&t->all_node);
	list_add_tail(&t->all_node, &dead_threads);
	nthreads--;
	schedule();
	panic("dead thread %d (%s) was scheduled", t->tid, t->name);
}

void sched_wake(struct thread *t)
{
	if (t->state == THREAD_READY || t->state == THREAD_RUNNING)
		return;
	t->state = THREAD_READY;
	runq_push(&rq, &t->run_node, t->prio);
	if (t->prio > current->prio)
		need_resched = true;
	else if (t->prio == current->prio && t->prio != PRIO_IDLE &&
		 !heap_timer_armed(&slice_timer.node))
		/* A peer to share the CPU with: start slicing. */
		ktimer_arm(&slice_timer, clock_now_us() + SCHED_SLICE_US);
}

void sched_set_prio(struct thread *t, int prio)
{
	if (t->prio == prio)
		return;
	if (t->state == THREAD_READY) {
		runq_remove(&rq, &t->run_node, t->prio);
		runq_push(&rq, &t->run_node, prio);
	}
	t->prio = prio;
	if (t != current && t->state == THREAD_READY && prio > current->prio)
		need_resched = true;
	else if (t == current && runq_top_prio(&rq) > prio)
		need_resched = true;
}

void sched_block(void)
{
	BUG_ON(current == &idle_thread);
	BUG_ON(in_interrupt());
	schedule();
}

void sched_preempt_irq(void)
{
	if (need_resched)
		schedule();
}

void sched_maybe_yield(void)
{
	unsigned long flags = arch_irq_save();
	if (need_resched && !in_interrupt())
		schedule();
	arch_irq_restore(flags);
}

void thread_yield(void)
{
	unsigned long flags = arch_irq_save();
	schedule();
	arch_irq_restore(flags);
}

static void sleep_expired(struct ktimer *timer)
{
	struct thread *t = container_of(timer, struct thread, timeout);

	/* A waiter that times out leaves its wait queue first. */
	if (t->state == THREAD_BLOCKED) {
		list_del(&t->run_node);
		t->timed_out = true;
		sched_wake(t);
	}
}

/* Interrupts masked; the caller has queued current where a waker will
 * find it (or nowhere, for a plain sleep). */
static int block_until(uint64_t deadline_us)
{
	struct thread *t = current;

	t->state = THREAD_BLOCKED;
	t->timed_out = false;
	if (deadline_us != WAIT_FOREVER) {
		t->timeout.fn = sleep_expired;
		if (ktimer_arm(&t->timeout, deadline_us) < 0) {
			/* Cannot time the wait: do not block forever. */
			list_del(&t->run_node);
			t->state = THREAD_RUNNING;
			return -ENOMEM;
		}
	}
	sched_block();
	ktimer_cancel(&t->timeout);
	return t->timed_out ? -ETIMEDOUT : 0;
}

void thread_sleep_us(uint64_t us)
{
	unsigned long flags = arch_irq_save();
	block_until(clock_now_us() + us);
	arch_irq_restore(flags);
}

int wait_queue_sleep(struct wait_queue *wq, uint64_t deadline_us)
{
	list_add_tail(&current->run_node, &wq->waiters);
	return block_until(deadline_us);
}

void thread_for_each(void (*fn)(const struct thread *t, void *arg), void *arg)
{
	unsigned long flags = arch_irq_save();
	/* Bring the running thread's CPU time up to date for the view. */
	uint64_t now = clock_now_us();
	current->cpu_us += now - switched_at;
	switched_at = now;
	struct list_head *pos;
	list_for_each(pos, &all_threads)
		fn(list_entry(pos, struct thread, all_node), arg);
	arch_irq_restore(flags);
}

const char *thread_state_name(enum thread_state s)
{
	switch (s) {
	case THREAD_RUNNING: return "R";
	case THREAD_READY: return "R";
	case THREAD_BLOCKED: return "S";
	case THREAD_DEAD: return "Z";
	}
	return "?";
}

int thread_count(void)
{
	return nthreads;
}
