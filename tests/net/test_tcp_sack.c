/*
 * The SACK scoreboard (net/tcp_sack.c): merging, pruning, bounds and the
 * hole walk that loss recovery follows.
 *
 * Sources: tests/net/test_tcp_sack.c net/tcp_sack.c
 */
#include <stdint.h>

#include "net/tcp_sack.h"
#include "tests/unit/test.h"

static void blocks(struct tcp_sackb *b, uint32_t una, uint32_t max,
		   uint32_t s0, uint32_t e0, uint32_t s1, uint32_t e1)
{
	struct tcp_sack_block blk[2] = { { s0, e0 }, { s1, e1 } };

	tcp_sackb_update(b, una, max, blk, s1 == e1 ? 1 : 2);
}

TEST(test_tcp_sack_blocks_merge_sorted_and_disjoint)
{
	struct tcp_sackb b = { .n = 0 };

	blocks(&b, 1000, 9000, 5000, 6000, 3000, 4000);
	CHECK_EQ(b.n, 2);
	CHECK_EQ(b.r[0].start, 3000);
	CHECK_EQ(b.r[1].start, 5000);
	/* Filling the gap between them makes one range. */
	blocks(&b, 1000, 9000, 4000, 5000, 0, 0);
	CHECK_EQ(b.n, 1);
	CHECK_EQ(b.r[0].start, 3000);
	CHECK_EQ(b.r[0].end, 6000);
	/* Overlapping on both sides. */
	blocks(&b, 1000, 9000, 2500, 7000, 0, 0);
	CHECK_EQ(b.n, 1);
	CHECK_EQ(b.r[0].start, 2500);
	CHECK_EQ(b.r[0].end, 7000);
}

TEST(test_tcp_sack_ignores_empty_old_and_unsent_blocks)
{
	struct tcp_sackb b = { .n = 0 };

	blocks(&b, 1000, 9000, 4000, 4000, 0, 0);	/* empty */
	blocks(&b, 1000, 9000, 500, 1000, 0, 0);	/* at or below una */
	blocks(&b, 1000, 9000, 8000, 9500, 0, 0);	/* never sent */
	blocks(&b, 1000, 9000, 5000, 4000, 0, 0);	/* reversed */
	CHECK_EQ(b.n, 0);
	/* Straddling una: only the part above counts. */
	blocks(&b, 1000, 9000, 500, 2000, 0, 0);
	CHECK_EQ(b.n, 1);
	CHECK_EQ(b.r[0].start, 1000);
	CHECK_EQ(b.r[0].end, 2000);
}

TEST(test_tcp_sack_full_board_forgets_its_highest_range)
{
	struct tcp_sackb b = { .n = 0 };

	for (uint32_t i = 0; i < TCP_SACKB_MAX; i++)
		blocks(&b, 0, 100000, 2000 + i * 2000, 3000 + i * 2000, 0, 0);
	CHECK_EQ(b.n, TCP_SACKB_MAX);
	/* Above everything: forgotten. */
	blocks(&b, 0, 100000, 50000, 51000, 0, 0);
	CHECK_EQ(b.n, TCP_SACKB_MAX);
	CHECK_EQ(b.r[TCP_SACKB_MAX - 1].start, 2000 + (TCP_SACKB_MAX - 1) * 2000);
	/* Below them: kept, the highest goes. */
	blocks(&b, 0, 100000, 500, 1000, 0, 0);
	CHECK_EQ(b.n, TCP_SACKB_MAX);
	CHECK_EQ(b.r[0].start, 500);
	CHECK_EQ(b.r[TCP_SACKB_MAX - 1].start, 2000 + (TCP_SACKB_MAX - 2) * 2000);
}

TEST(test_tcp_sack_prune_drops_what_the_cumulative_ack_covers)
{
	struct tcp_sackb b = { .n = 0 };

	blocks(&b, 1000, 9000, 2000, 3000, 4000, 5000);
	tcp_sackb_prune(&b, 3000);
	CHECK_EQ(b.n, 1);
	CHECK_EQ(b.r[0].start, 4000);
	tcp_sackb_prune(&b, 4500);
	CHECK_EQ(b.n, 1);
	CHECK_EQ(b.r[0].start, 4500);
	tcp_sackb_prune(&b, 5000);
	CHECK_EQ(b.n, 0);
}

TEST(test_tcp_sack_next_hole_walks_the_gaps_below_the_highest_sack)
{
	struct tcp_sackb b = { .n = 0 };
	uint32_t s, e;

	blocks(&b, 1000, 9000, 2000, 3000, 4000, 5000);
	CHECK(tcp_sackb_next_hole(&b, 1000, &s, &e));
	CHECK_EQ(s, 1000);
	CHECK_EQ(e, 2000);
	CHECK(tcp_sackb_next_hole(&b, 1500, &s, &e));
	CHECK_EQ(s, 1500);
	CHECK_EQ(e, 2000);
	/* From inside a SACKed range: the hole after it. */
	CHECK(tcp_sackb_next_hole(&b, 2000, &s, &e));
	CHECK_EQ(s, 3000);
	CHECK_EQ(e, 4000);
	/* Above the highest SACKed byte nothing is known to be lost. */
	CHECK(!tcp_sackb_next_hole(&b, 5000, &s, &e));
	tcp_sackb_clear(&b);
	CHECK(!tcp_sackb_next_hole(&b, 1000, &s, &e));
}

TEST(test_tcp_sack_works_across_sequence_wrap)
{
	struct tcp_sackb b = { .n = 0 };
	uint32_t s, e;

	blocks(&b, 0xfffff000u, 0x1000, 0xfffffc00u, 0x200, 0, 0);
	CHECK_EQ(b.n, 1);
	CHECK(tcp_sackb_next_hole(&b, 0xfffff000u, &s, &e));
	CHECK_EQ(s, 0xfffff000u);
	CHECK_EQ(e, 0xfffffc00u);
	tcp_sackb_prune(&b, 0x100);
	CHECK_EQ(b.r[0].start, 0x100);
}

int main(void)
{
	RUN(test_tcp_sack_blocks_merge_sorted_and_disjoint);
	RUN(test_tcp_sack_ignores_empty_old_and_unsent_blocks);
	RUN(test_tcp_sack_full_board_forgets_its_highest_range);
	RUN(test_tcp_sack_prune_drops_what_the_cumulative_ack_covers);
	RUN(test_tcp_sack_next_hole_walks_the_gaps_below_the_highest_sack);
	RUN(test_tcp_sack_works_across_sequence_wrap);
	TEST_EXIT();
}
