/*
 * SACK scoreboard (tcp_sack.h).
 */
#include <string.h>

#include "net/tcp_sack.h"
#include "net/tcp_seq.h"

/* Merge [start, end) into the board, keeping it sorted and disjoint. */
static void add(struct tcp_sackb *b, uint32_t start, uint32_t end)
{
	unsigned i = 0;

	/* Absorb every range that touches or overlaps. */
	while (i < b->n) {
		struct tcp_sack_block *r = &b->r[i];

		if (seq_leq(r->start, end) && seq_geq(r->end, start)) {
			start = seq_min(start, r->start);
			end = seq_max(end, r->end);
			memmove(r, r + 1, (b->n - i - 1) * sizeof(*r));
			b->n--;
			continue;
		}
		i++;
	}
	/* Insert in order; a full board forgets its highest range. */
	for (i = 0; i < b->n && seq_lt(b->r[i].start, start); i++)
		;
	if (b->n == TCP_SACKB_MAX) {
		if (i == TCP_SACKB_MAX)
			return;		/* above everything held: forget it */
		b->n--;
	}
	memmove(&b->r[i + 1], &b->r[i], (b->n - i) * sizeof(b->r[0]));
	b->r[i].start = start;
	b->r[i].end = end;
	b->n++;
}

/* Bytes the board covers. */
static uint32_t covered(const struct tcp_sackb *b)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < b->n; i++)
		n += b->r[i].end - b->r[i].start;
	return n;
}

bool tcp_sackb_update(struct tcp_sackb *b, uint32_t una, uint32_t max,
		      const struct tcp_sack_block *blk, unsigned nblk)
{
	uint32_t before = covered(b);

	for (unsigned i = 0; i < nblk; i++) {
		uint32_t start = blk[i].start, end = blk[i].end;

		if (!seq_lt(start, end) || !seq_gt(end, una) ||
		    seq_gt(end, max))
			continue;	/* empty, old (D-SACK) or bogus */
		add(b, seq_max(start, una), end);
	}
	return covered(b) != before;
}

void tcp_sackb_prune(struct tcp_sackb *b, uint32_t una)
{
	unsigned keep = 0;

	for (unsigned i = 0; i < b->n; i++) {
		struct tcp_sack_block r = b->r[i];

		if (seq_leq(r.end, una))
			continue;
		if (seq_lt(r.start, una))
			r.start = una;
		b->r[keep++] = r;
	}
	b->n = (uint8_t)keep;
}

bool tcp_sackb_next_hole(const struct tcp_sackb *b, uint32_t from,
			 uint32_t *start, uint32_t *end)
{
	for (unsigned i = 0; i < b->n; i++) {
		const struct tcp_sack_block *r = &b->r[i];

		if (seq_geq(from, r->end))
			continue;	/* this range is behind us */
		if (seq_lt(from, r->start)) {
			*start = from;
			*end = r->start;
			return true;
		}
		from = r->end;		/* inside a SACKed range: skip it */
	}
	return false;
}
