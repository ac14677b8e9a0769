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
		while (m->owner)
			wait_queue_sleep(&m->wq, WAIT_FOREVER);
		m->owner = self;
		m->depth = 1;
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
	else {
		m->owner = self;
		m->depth = 1;
	}
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
		m->owner = NULL;
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
