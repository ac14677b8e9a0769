/*
 * Index arithmetic of the e1000's descriptor rings, kept apart from the
 * driver so the host unit tests can prove it (tests/unit/test_e1000_ring.c).
 *
 * A ring is an array of size descriptors walked in one direction. Two
 * indices describe it (8254x developer's manual, 3.2.6 and 3.4):
 *
 *   head  the oldest descriptor the producer handed over and has not had
 *         back yet (transmit: the oldest one not yet reclaimed);
 *   tail  the next descriptor the producer will fill.
 *
 * The hardware says the same with its head and tail registers, and for
 * it head == tail means "nothing to do". So a ring never holds more than
 * size - 1 descriptors in flight: one slot is always kept empty, and a
 * full ring (tail one behind head) stays distinguishable from an empty
 * one (tail == head).
 *
 * The receive ring runs the other way round: the hardware is the
 * producer, the driver cleans descriptors in order from next_clean, and
 * RDT tells the hardware where to stop (e1000_ring_rdt()).
 *
 * Indices are always in [0, size); size is at least 2.
 */
#ifndef KITE_E1000_RING_H
#define KITE_E1000_RING_H

#include <stdbool.h>

/* The index after i. */
static inline unsigned e1000_ring_next(unsigned i, unsigned size)
{
	return i + 1 == size ? 0 : i + 1;
}

/* The index before i. */
static inline unsigned e1000_ring_prev(unsigned i, unsigned size)
{
	return i == 0 ? size - 1 : i - 1;
}

/* Descriptors in flight: from head up to, not including, tail. */
static inline unsigned e1000_ring_used(unsigned head, unsigned tail,
				       unsigned size)
{
	return tail >= head ? tail - head : size - head + tail;
}

/* Descriptors the producer may still fill, the empty slot kept back. */
static inline unsigned e1000_ring_free(unsigned head, unsigned tail,
				       unsigned size)
{
	return size - 1 - e1000_ring_used(head, tail, size);
}

static inline bool e1000_ring_empty(unsigned head, unsigned tail)
{
	return head == tail;
}

/* Filling tail would make tail meet head, which reads as empty. */
static inline bool e1000_ring_full(unsigned head, unsigned tail, unsigned size)
{
	return e1000_ring_next(tail, size) == head;
}

/*
 * RDT for a receive ring whose next descriptor to clean is next_clean.
 * The hardware fills from RDH up to, not including, RDT (13.4.29), so
 * RDT is the descriptor just before next_clean: the one slot the driver
 * keeps back. Every other descriptor is the hardware's, and RDH can
 * catch up with RDT (ring exhausted) but never overtake a descriptor
 * the driver has not cleaned. At start-up (next_clean 0) that is
 * size - 1.
 */
static inline unsigned e1000_ring_rdt(unsigned next_clean, unsigned size)
{
	return e1000_ring_prev(next_clean, size);
}

#endif
