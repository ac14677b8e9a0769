/*
 * Wait queues, mutexes and semaphores (wait.h). Blocking itself lives in
 * sched.c (wait_queue_sleep); this file holds the wakers and the locks
 * built on them.
 */
#include <errno.h>

#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/thread.h"
#include "kernel/wait.h"

void wait_queue_init(struct wait_queue *wq)
{
	list_init(&wq->waiters);
}

static int wake(struct wait_queue *wq, int max)
{
	int n = 0;
	unsigned long flags = arch_irq_save();
	while (n < max && !list_empty(&wq->waiters)) {
		struct thread *t = list_first_entry(&wq->waiters, struct thread,
						    run_node);
		list_del(&t->run_node);
		sched_wake(t);
		n++;
	}
	arch_irq_restore(flags);
	/* From a thread that is not inside a masked section, let a more
	 * urgent waiter run now; otherwise it runs at the next interrupt
	 * exit, block, or sched_maybe_yield(). */
	if (n && !in_interrupt() && arch_irqs_enabled())
		sched_maybe_yield();
	return n;
}

int wake_up_one(struct wait_queue *wq)
{
	return wake(wq, 1);
}

int wake_up_all(struct wait_queue *wq)
{
	return wake(wq, __INT_MAX__);
}

void mutex_init(struct mutex *m, bool recursive)
{
	m->owner = NULL;
	m->depth = 0;
	m->recursive = recursive;
	wait_queue_init(&m->wq);
	list_init(&m->held_node);
}

/* Interrupts masked. The priority t runs at: its own, or that of the
 * most urgent thread waiting on a mutex it holds. */
static int inherited_prio(const struct thread *t)
{
	int prio = t->base_prio;
	struct list_head *m, *w;

	list_for_each(m, &t->held) {
		struct mutex *mx = list_entry(m, struct mutex, held_node);

		list_for_each(w, &mx->wq.waiters) {
			const struct thread *waiter =
				list_entry(w, struct thread, run_node);

			if (waiter->prio > prio)
				prio = waiter->prio;
		}
	}
	return prio;
}

static void take(struct mutex *m, struct thread *self)
{
	m->owner = self;
	m->depth = 1;
	list_add_tail(&m->held_node, &self->held);
}

void mutex_lock(struct mutex *m)
{
	struct thread *self = thread_current();

	if (in_interrupt())
		panic("mutex_lock from an interrupt handler");
	unsigned long flags = arch_irq_save();
	if (m->owner == self) {
		if (!m->recursive)
			panic("thread %s locks a mutex it holds", self->name);
		m->depth++;
	} else {
		while (m->owner) {
			/* Priority inheritance: an owner of lower priority
			 * runs at ours until it unlocks, or a thread of
			 * middle priority that never blocks would keep it
			 * (and so us) off the CPU for good. The net-poll
			 * thread waits on sockets' callers this way. */
			if (m->owner->prio < self->prio)
				sched_set_prio(m->owner, self->prio);
			wait_queue_sleep(&m->wq, WAIT_FOREVER);
		}
		take(m, self);
	}
	arch_irq_restore(flags);
}

bool mutex_trylock(struct mutex *m)
{
	struct thread *self = thread_current();
	bool ok = true;

	unsigned long flags = arch_irq_save();
	if (m->owner == self && m->recursive)
		m->depth++;
	else if (m->owner)
		ok = false;
	else
		take(m, self);
	arch_irq_restore(flags);
	return ok;
}

void mutex_unlock(struct mutex *m)
{
	unsigned long flags = arch_irq_save();
	if (m->owner != thread_current())
		panic("mutex_unlock by %s, not the owner",
		      thread_current()->name);
	if (--m->depth == 0) {
		struct thread *self = thread_current();

		m->owner = NULL;
		list_del(&m->held_node);
		/* The boost this mutex's waiters gave ends here; those of
		 * mutexes still held stay. */
		sched_set_prio(self, inherited_prio(self));
		wake_up_one(&m->wq);
	}
	arch_irq_restore(flags);
	sched_maybe_yield();
}

void sem_init(struct semaphore *s, int count)
{
	s->count = count;
	wait_queue_init(&s->wq);
}

int sem_wait(struct semaphore *s, uint64_t deadline_us)
{
	int err = 0;

	unsigned long flags = arch_irq_save();
	while (s->count == 0 && !err)
		err = wait_queue_sleep(&s->wq, deadline_us);
	if (!err)
		s->count--;
	arch_irq_restore(flags);
	return err;
}

void sem_post(struct semaphore *s)
{
	unsigned long flags = arch_irq_save();
	s->count++;
	wake_up_one(&s->wq);
	arch_irq_restore(flags);
	if (!in_interrupt())
		sched_maybe_yield();
}
