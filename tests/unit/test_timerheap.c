/*
 * Unit tests for kernel/timerheap.c.
 *
 * Besides the single behaviours, a long random run of insert / remove /
 * pop is checked step by step against a plain array model: after every
 * operation the heap must be a valid heap (each timer's index names its
 * slot, no child before its parent) and its earliest timer must be the
 * model's.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kernel/timerheap.h"
#include "test.h"

#define CAP 64

static struct heap_timer *storage[CAP];
static struct timerheap heap;

static void heap_setup(int cap)
{
	memset(storage, 0, sizeof(storage));
	timerheap_init(&heap, storage, cap);
}

static void timers_init(struct heap_timer *t, int n)
{
	for (int i = 0; i < n; i++)
		heap_timer_init(&t[i]);
}

static void arm(struct heap_timer *t, uint64_t deadline)
{
	t->deadline = deadline;
	CHECK_EQ(timerheap_insert(&heap, t), 0);
	CHECK(heap_timer_armed(t));
}

/* What the timer code does on expiry: take the earliest one off. */
static struct heap_timer *pop(void)
{
	struct heap_timer *t = timerheap_peek(&heap);

	if (t)
		timerheap_remove(&heap, t);
	return t;
}

static bool earlier(const struct heap_timer *a, const struct heap_timer *b)
{
	if (a->deadline != b->deadline)
		return a->deadline < b->deadline;
	return a->seq < b->seq;
}

/* The heap property and the index back-pointers, slot by slot. */
static void check_heap_valid(void)
{
	CHECK(heap.len >= 0 && heap.len <= heap.cap);
	for (int i = 0; i < heap.len; i++) {
		CHECK(heap.slot[i] != NULL);
		CHECK_EQ(heap.slot[i]->index, i);
		if (i > 0)
			CHECK(!earlier(heap.slot[i], heap.slot[(i - 1) / 2]));
	}
}

TEST(test_timerheap_empty_peek_is_null)
{
	heap_setup(CAP);
	CHECK(timerheap_peek(&heap) == NULL);
	CHECK(pop() == NULL);
}

TEST(test_timerheap_pops_in_deadline_order)
{
	static const uint64_t deadlines[] = {50, 10, 90, 30,  70, 20,
					     80, 60, 40, 100, 5,  1000};
	enum { N = sizeof(deadlines) / sizeof(deadlines[0]) };
	struct heap_timer t[N];
	uint64_t prev = 0;

	heap_setup(CAP);
	timers_init(t, N);
	for (int i = 0; i < N; i++)
		arm(&t[i], deadlines[i]);
	check_heap_valid();
	CHECK(timerheap_peek(&heap) == &t[10]); /* deadline 5 */
	for (int i = 0; i < N; i++) {
		struct heap_timer *e = pop();
		CHECK(e != NULL);
		CHECK(!heap_timer_armed(e));
		CHECK(e->deadline >= prev);
		prev = e->deadline;
		check_heap_valid();
	}
	CHECK_EQ(prev, 1000);
	CHECK(pop() == NULL);
}

TEST(test_timerheap_equal_deadlines_expire_in_insertion_order)
{
	enum { N = 20 };
	struct heap_timer t[N];

	heap_setup(CAP);
	timers_init(t, N);
	/* Interleave two deadlines so the ties are not inserted in a row. */
	for (int i = 0; i < N; i++)
		arm(&t[i], i % 2 ? 200 : 100);
	for (int i = 0; i < N; i += 2)
		CHECK(pop() == &t[i]);
	for (int i = 1; i < N; i += 2)
		CHECK(pop() == &t[i]);
	CHECK(pop() == NULL);
}

TEST(test_timerheap_remove_from_middle_keeps_order)
{
	enum { N = 15 };
	struct heap_timer t[N];

	heap_setup(CAP);
	timers_init(t, N);
	for (int i = 0; i < N; i++)
		arm(&t[i], (uint64_t)(N - i) * 10); /* 150, 140, ..., 10 */
	/* Take out timers that sit inside the heap, not at its root. */
	timerheap_remove(&heap, &t[7]);
	timerheap_remove(&heap, &t[3]);
	timerheap_remove(&heap, &t[11]);
	CHECK(!heap_timer_armed(&t[7]));
	CHECK_EQ(heap.len, N - 3);
	check_heap_valid();
	for (int i = N - 1; i >= 0; i--) {
		if (i == 7 || i == 3 || i == 11)
			continue;
		CHECK(pop() == &t[i]);
		check_heap_valid();
	}
	CHECK(pop() == NULL);
}

TEST(test_timerheap_remove_last_slot_and_root)
{
	struct heap_timer t[3];

	heap_setup(CAP);
	timers_init(t, 3);
	arm(&t[0], 1);
	arm(&t[1], 2);
	arm(&t[2], 3);
	timerheap_remove(&heap, heap.slot[heap.len - 1]);
	check_heap_valid();
	CHECK_EQ(heap.len, 2);
	timerheap_remove(&heap, &t[0]); /* the root */
	check_heap_valid();
	CHECK(timerheap_peek(&heap) == &t[1]);
}

TEST(test_timerheap_remove_unarmed_is_harmless)
{
	struct heap_timer t[4], never;

	heap_setup(CAP);
	timers_init(t, 4);
	heap_timer_init(&never);
	for (int i = 0; i < 4; i++)
		arm(&t[i], 10 + i);
	timerheap_remove(&heap, &never);
	CHECK_EQ(heap.len, 4);
	check_heap_valid();
	/* Removing twice: the second time it is no longer armed. */
	timerheap_remove(&heap, &t[2]);
	timerheap_remove(&heap, &t[2]);
	CHECK_EQ(heap.len, 3);
	check_heap_valid();
	CHECK(pop() == &t[0]);
	CHECK(pop() == &t[1]);
	CHECK(pop() == &t[3]);
	CHECK(pop() == NULL);
}

TEST(test_timerheap_full_heap_refuses_with_enospc_and_keeps_contents)
{
	struct heap_timer t[5];
	struct heap_timer *before[4];

	heap_setup(4);
	timers_init(t, 5);
	for (int i = 0; i < 4; i++)
		arm(&t[i], 40 - i);
	memcpy(before, storage, sizeof(before));
	t[4].deadline = 1; /* would become the root */
	CHECK_EQ(timerheap_insert(&heap, &t[4]), -ENOSPC);
	CHECK(!heap_timer_armed(&t[4]));
	CHECK_EQ(heap.len, 4);
	CHECK(memcmp(before, storage, sizeof(before)) == 0);
	CHECK(storage[4] == NULL); /* nothing written past cap */
	check_heap_valid();
	for (int i = 3; i >= 0; i--)
		CHECK(pop() == &t[i]);
	/* With room again it is accepted. */
	CHECK_EQ(timerheap_insert(&heap, &t[4]), 0);
	CHECK(timerheap_peek(&heap) == &t[4]);
}

TEST(test_timerheap_reinsert_after_remove_goes_behind_equal_deadlines)
{
	struct heap_timer a, b, c;

	heap_setup(CAP);
	heap_timer_init(&a);
	heap_timer_init(&b);
	heap_timer_init(&c);
	arm(&a, 100);
	arm(&b, 100);
	arm(&c, 300);
	timerheap_remove(&heap, &a);
	CHECK(!heap_timer_armed(&a));
	/* Re-armed with the same deadline: now after b. */
	arm(&a, 100);
	check_heap_valid();
	CHECK(pop() == &b);
	CHECK(pop() == &a);
	/* Re-armed with a later deadline: now after c. */
	arm(&a, 400);
	CHECK(pop() == &c);
	CHECK(pop() == &a);
	CHECK(pop() == NULL);
}

/* xorshift64: fixed seed, same sequence on every host. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

TEST(test_timerheap_random_ops_match_reference_model)
{
	enum { N = CAP, OPS = 50000 };
	static struct heap_timer t[N];
	static bool armed[N];	  /* the model */
	static uint64_t order[N]; /* model's insertion order */
	uint64_t next_order = 0;
	int nr_armed = 0, fulls = 0, removes = 0, empties = 0;

	heap_setup(40); /* smaller than N so that "full" happens */
	timers_init(t, N);
	memset(armed, 0, sizeof(armed));
	rng_state = 0x9e3779b97f4a7c15ull;
	for (int op = 0; op < OPS; op++) {
		int i = (int)(rng() % N);
		int what = (int)(rng() % 8);
		/* Alternate filling and draining phases, so the run sees
		 * both a full heap and an empty one many times. */
		bool filling = (op / 2500) % 2 == 0;

		if (what <
		    (filling ? 6 : 2)) { /* insert, if not already armed */
			if (armed[i])
				continue;
			/* A small range, so that ties are common. */
			t[i].deadline = rng() % 32;
			int err = timerheap_insert(&heap, &t[i]);
			if (nr_armed == heap.cap) {
				CHECK_EQ(err, -ENOSPC);
				CHECK(!heap_timer_armed(&t[i]));
				fulls++;
			} else {
				CHECK_EQ(err, 0);
				armed[i] = true;
				order[i] = next_order++;
				nr_armed++;
			}
		} else if (what < (filling ? 7 : 5)) {
			/* cancel any timer, armed or not */
			timerheap_remove(&heap, &t[i]);
			if (armed[i]) {
				armed[i] = false;
				nr_armed--;
				removes++;
			}
		} else { /* expire the earliest */
			struct heap_timer *e = pop();
			if (!nr_armed) {
				CHECK(e == NULL);
				empties++;
				continue;
			}
			CHECK(e != NULL);
			int k = (int)(e - t);
			CHECK(armed[k]);
			armed[k] = false;
			nr_armed--;
		}
		CHECK_EQ(heap.len, nr_armed);
		check_heap_valid();
		/* The model's earliest: least deadline, then oldest. */
		int best = -1;
		for (int k = 0; k < N; k++) {
			CHECK_EQ(heap_timer_armed(&t[k]), armed[k]);
			if (!armed[k])
				continue;
			if (best < 0 || t[k].deadline < t[best].deadline ||
			    (t[k].deadline == t[best].deadline &&
			     order[k] < order[best]))
				best = k;
		}
		CHECK(timerheap_peek(&heap) == (best < 0 ? NULL : &t[best]));
	}
	/* The run exercised what it is meant to. */
	CHECK(fulls > 100);
	CHECK(empties > 100);
	CHECK(removes > 1000);
}

int main(void)
{
	RUN(test_timerheap_empty_peek_is_null);
	RUN(test_timerheap_pops_in_deadline_order);
	RUN(test_timerheap_equal_deadlines_expire_in_insertion_order);
	RUN(test_timerheap_remove_from_middle_keeps_order);
	RUN(test_timerheap_remove_last_slot_and_root);
	RUN(test_timerheap_remove_unarmed_is_harmless);
	RUN(test_timerheap_full_heap_refuses_with_enospc_and_keeps_contents);
	RUN(test_timerheap_reinsert_after_remove_goes_behind_equal_deadlines);
	RUN(test_timerheap_random_ops_match_reference_model);
	TEST_EXIT();
}
