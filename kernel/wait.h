/*
 * Wait queues, mutexes and counting semaphores.
 *
 * A wait queue is a FIFO of blocked threads. The waiter tests its
 * condition and sleeps with interrupts masked, so a wake-up between the
 * test and the sleep cannot be lost:
 *
 *	unsigned long f = arch_irq_save();
 *	while (!cond)
 *		if (wait_queue_sleep(&wq, deadline) == -ETIMEDOUT)
 *			break;
 *	arch_irq_restore(f);
 *
 * Wakers (threads or interrupt handlers) call wake_up_one/wake_up_all.
 */
#ifndef KITE_WAIT_H
#define KITE_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/list.h"

#define WAIT_FOREVER UINT64_MAX

struct thread;

struct wait_queue {
	struct list_head waiters;
};

#define WAIT_QUEUE_INIT(name) { LIST_HEAD_INIT((name).waiters) }

void wait_queue_init(struct wait_queue *wq);
/* With interrupts masked: block until woken or until the absolute
 * clock_now_us() deadline (WAIT_FOREVER: none). 0, -ETIMEDOUT, or
 * -ENOMEM when every kernel timer is in use (the wait is not begun). */
int wait_queue_sleep(struct wait_queue *wq, uint64_t deadline_us);
/* Wake the longest waiter / every waiter. Any context. Return the number
 * woken. A woken thread that outranks the current one runs as soon as
 * the waker unmasks interrupts or returns from the interrupt. */
int wake_up_one(struct wait_queue *wq);
int wake_up_all(struct wait_queue *wq);

/* Sleeping mutex; recursive if made so at init (newlib wants both). */
/* Priority inheritance: while a thread of higher priority waits, the
 * owner runs at that priority (one level: an owner that itself waits on
 * another mutex does not pass the boost on). */
struct mutex {
	struct thread *owner;
	unsigned depth;
	bool recursive;
	struct wait_queue wq;
	struct list_head held_node;	/* on owner->held */
};

void mutex_init(struct mutex *m, bool recursive);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);

struct semaphore {
	int count;
	struct wait_queue wq;
};

void sem_init(struct semaphore *s, int count);
/* 0, or -ETIMEDOUT when the deadline passes first. */
int sem_wait(struct semaphore *s, uint64_t deadline_us);
/* Any context, interrupt handlers included. */
void sem_post(struct semaphore *s);

#endif
