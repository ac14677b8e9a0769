#include "kernel/runq.h"

void runq_init(struct runq *rq)
{
	rq->bitmap = 0;
	for (int p = 0; p < RUNQ_PRIOS; p++)
		list_init(&rq->queue[p]);
}

void runq_push(struct runq *rq, struct list_head *node, int prio)
{
	list_add_tail(node, &rq->queue[prio]);
	rq->bitmap |= 1u << prio;
}

void runq_remove(struct runq *rq, struct list_head *node, int prio)
{
	list_del(node);
	if (list_empty(&rq->queue[prio]))
		rq->bitmap &= ~(1u << prio);
}

int runq_top_prio(const struct runq *rq)
{
	return rq->bitmap ? 31 - __builtin_clz(rq->bitmap) : -1;
}

struct list_head *runq_pop(struct runq *rq)
{
	int p = runq_top_prio(rq);

	if (p < 0)
		return NULL;
	struct list_head *node = rq->queue[p].next;
	runq_remove(rq, node, p);
	return node;
}
