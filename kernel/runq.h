/*
 * Priority run queue: one FIFO per priority and a bitmap of the non-empty
 * ones, so picking the next thread is one count-leading-zeros, whatever
 * the number of threads. Pure data structure; the scheduler (sched.c)
 * masks interrupts around every call.
 */
#ifndef KITE_RUNQ_H
#define KITE_RUNQ_H

#include <stdint.h>

#include "kernel/list.h"
#include "kernel/param.h"


struct runq {
	uint32_t bitmap;	/* bit p set <=> queue[p] not empty */
	struct list_head queue[RUNQ_PRIOS];
};

void runq_init(struct runq *rq);
/* Append at the tail of its priority's FIFO. */
void runq_push(struct runq *rq, struct list_head *node, int prio);
/* Remove a node known to be queued at prio. */
void runq_remove(struct runq *rq, struct list_head *node, int prio);
/* Highest priority with a queued node, or -1 when empty. */
int runq_top_prio(const struct runq *rq);
/* Dequeue the head of the highest non-empty FIFO; NULL when empty. */
struct list_head *runq_pop(struct runq *rq);

#endif
