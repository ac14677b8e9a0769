/*
 * The sender's SACK scoreboard (RFC 2018, RFC 6675): which ranges above
 * SND.UNA the peer says it holds, so that loss recovery retransmits the
 * holes between them, several per round trip, instead of one hole per
 * round trip as NewReno alone can.
 *
 * Bounded: TCP_SACKB_MAX ranges, kept sorted and disjoint. When a new
 * range finds no room, the highest one is forgotten: recovery works
 * from the bottom up, and a forgotten range only costs a needless
 * retransmission later. The board is advisory (RFC 2018 8): data is
 * released only by the cumulative ACK, and after a retransmission
 * timeout the board is cleared, since the peer may have reneged.
 *
 * Pure functions of their arguments; sequence numbers compare modulo
 * 2^32 (tcp_seq.h).
 */
#ifndef KITE_NET_TCP_SACK_H
#define KITE_NET_TCP_SACK_H

#include <stdbool.h>
#include <stdint.h>

#include "net/tcp_opt.h"

#define TCP_SACKB_MAX	4

struct tcp_sackb {
	struct tcp_sack_block r[TCP_SACKB_MAX];	/* sorted, disjoint */
	uint8_t n;
};

static inline void tcp_sackb_clear(struct tcp_sackb *b)
{
	b->n = 0;
}

/* Take the blocks of an ACK. Blocks that are empty, lie at or below
 * una, or reach beyond max (what we never sent) are ignored, as RFC
 * 2018 and RFC 5961 5 ask; the rest is merged. True if the board now
 * covers a byte it did not (the ACK reports new data arriving). */
bool tcp_sackb_update(struct tcp_sackb *b, uint32_t una, uint32_t max,
		      const struct tcp_sack_block *blk, unsigned nblk);

/* SND.UNA moved to una: drop what it covers. */
void tcp_sackb_prune(struct tcp_sackb *b, uint32_t una);

/* The first hole at or after from that lies below the highest SACKed
 * byte: true with [*start, *end) (end: where the next SACKed range
 * begins). False when there is none. */
bool tcp_sackb_next_hole(const struct tcp_sackb *b, uint32_t from,
			 uint32_t *start, uint32_t *end);

#endif
