/*
 * Unit tests for kernel/runq.c: which thread the scheduler picks.
 */
#include <stdint.h>

#include "kernel/runq.h"
#include "test.h"

struct item {
	struct list_head node;
	int id;
};

static struct runq rq;

static struct item *pop_item(void)
{
	struct list_head *n = runq_pop(&rq);

	return n ? list_entry(n, struct item, node) : NULL;
}

static void items_init(struct item *it, int n)
{
	for (int i = 0; i < n; i++) {
		list_init(&it[i].node);
		it[i].id = i;
	}
}

TEST(test_runq_empty_pops_null_and_top_prio_is_minus_one)
{
	runq_init(&rq);
	CHECK_EQ(rq.bitmap, 0);
	CHECK_EQ(runq_top_prio(&rq), -1);
	CHECK(runq_pop(&rq) == NULL);
	CHECK_EQ(runq_top_prio(&rq), -1);
}

TEST(test_runq_pops_highest_priority_first)
{
	static const int prios[] = {3, 17, 0, 31, 9, 17, 1};
	enum { N = sizeof(prios) / sizeof(prios[0]) };
	struct item it[N];

	runq_init(&rq);
	items_init(it, N);
	for (int i = 0; i < N; i++)
		runq_push(&rq, &it[i].node, prios[i]);
	CHECK_EQ(runq_top_prio(&rq), 31);
	CHECK(pop_item() == &it[3]); /* 31 */
	CHECK_EQ(runq_top_prio(&rq), 17);
	CHECK(pop_item() == &it[1]); /* 17, first in */
	CHECK(pop_item() == &it[5]); /* 17, second in */
	CHECK(pop_item() == &it[4]); /* 9 */
	CHECK(pop_item() == &it[0]); /* 3 */
	CHECK(pop_item() == &it[6]); /* 1 */
	CHECK(pop_item() == &it[2]); /* 0 */
	CHECK(pop_item() == NULL);
	CHECK_EQ(runq_top_prio(&rq), -1);
}

TEST(test_runq_same_priority_is_fifo)
{
	enum { N = 10 };
	struct item it[N];

	runq_init(&rq);
	items_init(it, N);
	for (int i = 0; i < N; i++)
		runq_push(&rq, &it[i].node, 12);
	/* A popped thread pushed back goes to the tail (round robin). */
	struct item *first = pop_item();
	CHECK(first == &it[0]);
	runq_push(&rq, &first->node, 12);
	for (int i = 1; i < N; i++)
		CHECK(pop_item() == &it[i]);
	CHECK(pop_item() == &it[0]);
	CHECK(pop_item() == NULL);
}

TEST(test_runq_bitmap_bit_cleared_when_its_queue_empties)
{
	struct item it[3];

	runq_init(&rq);
	items_init(it, 3);
	runq_push(&rq, &it[0].node, 5);
	runq_push(&rq, &it[1].node, 5);
	runq_push(&rq, &it[2].node, 2);
	CHECK_EQ(rq.bitmap, (1u << 5) | (1u << 2));
	pop_item();
	CHECK_EQ(rq.bitmap, (1u << 5) | (1u << 2)); /* one left at 5 */
	pop_item();
	CHECK_EQ(rq.bitmap, 1u << 2);
	CHECK_EQ(runq_top_prio(&rq), 2);
	pop_item();
	CHECK_EQ(rq.bitmap, 0);
}

TEST(test_runq_remove_from_middle_keeps_the_rest_in_order)
{
	struct item it[5];

	runq_init(&rq);
	items_init(it, 5);
	for (int i = 0; i < 5; i++)
		runq_push(&rq, &it[i].node, 7);
	runq_remove(&rq, &it[2].node, 7);
	CHECK(list_empty(&it[2].node)); /* left self-linked */
	CHECK_EQ(rq.bitmap, 1u << 7);
	CHECK(pop_item() == &it[0]);
	CHECK(pop_item() == &it[1]);
	CHECK(pop_item() == &it[3]);
	CHECK(pop_item() == &it[4]);
	CHECK(pop_item() == NULL);
}

TEST(test_runq_remove_of_last_node_clears_bitmap_bit)
{
	struct item it[2];

	runq_init(&rq);
	items_init(it, 2);
	runq_push(&rq, &it[0].node, 20);
	runq_push(&rq, &it[1].node, 4);
	runq_remove(&rq, &it[0].node, 20);
	CHECK_EQ(rq.bitmap, 1u << 4);
	CHECK_EQ(runq_top_prio(&rq), 4);
	CHECK(pop_item() == &it[1]);
	CHECK_EQ(runq_top_prio(&rq), -1);
}

TEST(test_runq_priority_0_and_31_edges)
{
	struct item idle, urgent;

	runq_init(&rq);
	items_init(&idle, 1);
	items_init(&urgent, 1);
	runq_push(&rq, &idle.node, 0);
	CHECK_EQ(rq.bitmap, 1u);
	CHECK_EQ(runq_top_prio(&rq), 0);
	runq_push(&rq, &urgent.node, RUNQ_PRIOS - 1);
	CHECK_EQ(rq.bitmap, 0x80000001u);
	CHECK_EQ(runq_top_prio(&rq), 31);
	CHECK(pop_item() == &urgent);
	CHECK_EQ(rq.bitmap, 1u);
	CHECK_EQ(runq_top_prio(&rq), 0);
	CHECK(pop_item() == &idle);
	CHECK_EQ(rq.bitmap, 0);
	CHECK(pop_item() == NULL);
}

TEST(test_runq_every_priority_pops_in_descending_order)
{
	struct item it[RUNQ_PRIOS];

	runq_init(&rq);
	items_init(it, RUNQ_PRIOS);
	/* Pushed in a scrambled order: 7 is coprime with 32. */
	for (int i = 0; i < RUNQ_PRIOS; i++) {
		int p = (i * 7) % RUNQ_PRIOS;
		runq_push(&rq, &it[p].node, p);
	}
	CHECK_EQ(rq.bitmap, 0xffffffffu);
	for (int p = RUNQ_PRIOS - 1; p >= 0; p--) {
		CHECK_EQ(runq_top_prio(&rq), p);
		CHECK(pop_item() == &it[p]);
	}
	CHECK_EQ(rq.bitmap, 0);
}

int main(void)
{
	RUN(test_runq_empty_pops_null_and_top_prio_is_minus_one);
	RUN(test_runq_pops_highest_priority_first);
	RUN(test_runq_same_priority_is_fifo);
	RUN(test_runq_bitmap_bit_cleared_when_its_queue_empties);
	RUN(test_runq_remove_from_middle_keeps_the_rest_in_order);
	RUN(test_runq_remove_of_last_node_clears_bitmap_bit);
	RUN(test_runq_priority_0_and_31_edges);
	RUN(test_runq_every_priority_pops_in_descending_order);
	TEST_EXIT();
}
