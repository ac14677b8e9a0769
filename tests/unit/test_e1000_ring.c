/*
 * Host tests of the e1000 descriptor-ring arithmetic (drivers/e1000_ring.h):
 * wrap-around, full versus empty, free-slot counts, where RDT goes, and two
 * randomised simulations (fixed seed) of the driver against a model of the
 * hardware that check neither side ever touches a descriptor it does not
 * own.
 */
#include <stdint.h>
#include <string.h>

#include "drivers/e1000_ring.h"
#include "tests/unit/test.h"

/* The sizes the driver uses, and small ones where wrap comes quickly. */
#define TX_SIZE 64
#define RX_SIZE 128

/* xorshift32: the same sequence on every host and run. */
static uint32_t rng_state;

static uint32_t rng(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

TEST(test_e1000_ring_next_wraps_at_size)
{
	CHECK_EQ(e1000_ring_next(0, 8), 1);
	CHECK_EQ(e1000_ring_next(6, 8), 7);
	CHECK_EQ(e1000_ring_next(7, 8), 0);
	CHECK_EQ(e1000_ring_next(TX_SIZE - 1, TX_SIZE), 0);
	CHECK_EQ(e1000_ring_next(1, 2), 0);
}

TEST(test_e1000_ring_prev_wraps_at_zero)
{
	CHECK_EQ(e1000_ring_prev(0, 8), 7);
	CHECK_EQ(e1000_ring_prev(1, 8), 0);
	CHECK_EQ(e1000_ring_prev(0, RX_SIZE), RX_SIZE - 1);
	for (unsigned i = 0; i < RX_SIZE; i++)
		CHECK_EQ(e1000_ring_prev(e1000_ring_next(i, RX_SIZE), RX_SIZE),
			 i);
}

TEST(test_e1000_ring_used_counts_across_wrap)
{
	CHECK_EQ(e1000_ring_used(0, 0, 8), 0);
	CHECK_EQ(e1000_ring_used(2, 5, 8), 3);
	CHECK_EQ(e1000_ring_used(6, 1, 8), 3); /* 6, 7, 0 */
	CHECK_EQ(e1000_ring_used(1, 0, 8), 7); /* the most a ring holds */
	CHECK_EQ(e1000_ring_used(7, 6, 8), 7);
}

TEST(test_e1000_ring_empty_and_full_are_distinct)
{
	for (unsigned size = 2; size <= 16; size++) {
		for (unsigned head = 0; head < size; head++) {
			unsigned last = e1000_ring_prev(head, size);

			CHECK(e1000_ring_empty(head, head));
			CHECK(!e1000_ring_full(head, head, size));
			CHECK(e1000_ring_full(head, last, size));
			CHECK(!e1000_ring_empty(head, last));
		}
	}
}

TEST(test_e1000_ring_free_slots_keep_one_empty)
{
	/* Every (head, tail) pair of small rings: the counts add up to
	 * size - 1, full means no free slot, empty means none in flight. */
	for (unsigned size = 2; size <= 16; size++) {
		for (unsigned head = 0; head < size; head++) {
			for (unsigned tail = 0; tail < size; tail++) {
				unsigned used =
				    e1000_ring_used(head, tail, size);
				unsigned avail =
				    e1000_ring_free(head, tail, size);

				CHECK(used < size);
				CHECK_EQ(used + avail, size - 1);
				CHECK_EQ(e1000_ring_full(head, tail, size),
					 avail == 0);
				CHECK_EQ(e1000_ring_empty(head, tail),
					 used == 0);
			}
		}
	}
	CHECK_EQ(e1000_ring_free(0, 0, TX_SIZE), TX_SIZE - 1);
}

TEST(test_e1000_ring_rdt_keeps_one_receive_descriptor_back)
{
	/* At start-up the hardware owns all but the last descriptor. */
	CHECK_EQ(e1000_ring_rdt(0, RX_SIZE), RX_SIZE - 1);
	CHECK_EQ(e1000_ring_used(0, e1000_ring_rdt(0, RX_SIZE), RX_SIZE),
		 RX_SIZE - 1);
	/* After cleaning descriptor 5, RDT is 5: the hardware may fill up
	 * to 4 (wrapping), and 5 is the one kept back. */
	CHECK_EQ(e1000_ring_rdt(6, RX_SIZE), 5);
	/* Whatever the driver has cleaned, the hardware sees size - 1
	 * descriptors when it has caught up with the driver (RDH ==
	 * next_clean). */
	for (unsigned c = 0; c < RX_SIZE; c++)
		CHECK_EQ(
		    e1000_ring_used(c, e1000_ring_rdt(c, RX_SIZE), RX_SIZE),
		    RX_SIZE - 1);
}

enum owner { FREE, QUEUED, DONE };

/*
 * Transmit: the driver fills at tail (as xmit does), the hardware works
 * from its head TDH towards TDT == tail and sets DD, the driver reclaims
 * done descriptors from head (as poll does). Steps come in random order
 * and numbers. Each descriptor's owner is tracked; a step that finds a
 * descriptor in the wrong hands is an overrun.
 */
static void tx_simulate(unsigned size, uint32_t seed, unsigned steps)
{
	enum owner own[TX_SIZE];
	unsigned head = 0, tail = 0, tdh = 0;
	unsigned long sent = 0, done = 0, reclaimed = 0, refused = 0;

	CHECK(size <= TX_SIZE);
	memset(own, 0, sizeof(own));
	rng_state = seed;
	for (unsigned s = 0; s < steps; s++) {
		unsigned n = rng() % 8;

		switch (rng() % 3) {
		case 0: /* xmit() n frames */
			while (n--) {
				if (e1000_ring_full(head, tail, size)) {
					CHECK_EQ(
					    e1000_ring_free(head, tail, size),
					    0);
					refused++; /* -EAGAIN */
					break;
				}
				CHECK_EQ(own[tail], FREE);
				own[tail] = QUEUED;
				tail = e1000_ring_next(tail, size);
				sent++;
			}
			break;
		case 1: /* the hardware sends n frames */
			while (n-- && tdh != tail) {
				CHECK_EQ(own[tdh], QUEUED);
				own[tdh] = DONE;
				tdh = e1000_ring_next(tdh, size);
				done++;
			}
			break;
		case 2: /* poll() reclaims whatever is done */
			while (!e1000_ring_empty(head, tail) &&
			       own[head] == DONE) {
				own[head] = FREE;
				head = e1000_ring_next(head, size);
				reclaimed++;
			}
			break;
		}
		/* What is in flight is exactly what is not free, and the
		 * hardware's queue lies inside it. */
		unsigned busy = 0;
		for (unsigned i = 0; i < size; i++)
			busy += own[i] != FREE;
		CHECK_EQ(busy, e1000_ring_used(head, tail, size));
		CHECK(e1000_ring_used(tdh, tail, size) <=
		      e1000_ring_used(head, tail, size));
		CHECK(sent - reclaimed <= size - 1);
	}
	/* The run exercised every case, wrap-around included. */
	CHECK(refused > 0);
	CHECK(reclaimed > 4 * size);
	CHECK(done >= reclaimed);
}

TEST(test_e1000_ring_tx_simulation_never_overruns)
{
	tx_simulate(8, 0x8254e1, 100000);
	tx_simulate(TX_SIZE, 0x100e, 100000);
}

enum rx_state { HW_EMPTY, FILLED, CLEAN };

/*
 * Receive: the hardware fills from RDH while RDH != RDT and counts a
 * missed frame otherwise; the driver cleans from next_clean in order, up
 * to a budget, and moves RDT with e1000_ring_rdt() as poll does. Frames
 * carry sequence numbers: the driver must see every frame the hardware
 * stored, in order, and the hardware must never store into a descriptor
 * the driver has not cleaned yet.
 */
static void rx_simulate(unsigned size, uint32_t seed, unsigned steps)
{
	enum rx_state st[RX_SIZE];
	unsigned long seq_of[RX_SIZE];
	unsigned rdh = 0, next_clean = 0, rdt = e1000_ring_rdt(0, size);
	unsigned long stored = 0, delivered = 0, missed = 0;

	CHECK(size <= RX_SIZE);
	for (unsigned i = 0; i < size; i++)
		st[i] = i == rdt ? CLEAN : HW_EMPTY;
	rng_state = seed;
	for (unsigned s = 0; s < steps; s++) {
		unsigned n = rng() % 12;

		if (rng() % 2) { /* n frames arrive */
			while (n--) {
				if (rdh == rdt) {
					missed++; /* MPC */
					continue;
				}
				CHECK(st[rdh] != FILLED);
				st[rdh] = FILLED;
				seq_of[rdh] = stored++;
				rdh = e1000_ring_next(rdh, size);
			}
		} else { /* poll() with budget n */
			unsigned cleaned = 0;

			while (cleaned < n && st[next_clean] == FILLED) {
				CHECK_EQ(seq_of[next_clean], delivered);
				delivered++;
				st[next_clean] = CLEAN;
				next_clean = e1000_ring_next(next_clean, size);
				cleaned++;
			}
			if (cleaned)
				rdt = e1000_ring_rdt(next_clean, size);
		}
		/* The descriptor at RDT is never one awaiting the driver. */
		CHECK(st[rdt] != FILLED);
		CHECK(stored - delivered <= size - 1);
	}
	CHECK(missed > 0);
	CHECK(delivered > 4 * size);
	/* Drain: nothing stored is lost. */
	while (st[next_clean] == FILLED) {
		CHECK_EQ(seq_of[next_clean], delivered);
		delivered++;
		st[next_clean] = CLEAN;
		next_clean = e1000_ring_next(next_clean, size);
	}
	CHECK_EQ(delivered, stored);
}

TEST(test_e1000_ring_rx_simulation_never_overwrites_uncleaned)
{
	rx_simulate(8, 0x5254, 100000);
	rx_simulate(RX_SIZE, 0x123456, 100000);
}

TEST(test_e1000_ring_rx_hardware_can_fill_all_but_one)
{
	/* From reset, with no cleaning, exactly size - 1 frames fit. */
	unsigned rdh = 0, rdt = e1000_ring_rdt(0, RX_SIZE), stored = 0;

	while (rdh != rdt) {
		rdh = e1000_ring_next(rdh, RX_SIZE);
		stored++;
	}
	CHECK_EQ(stored, RX_SIZE - 1);
}

int main(void)
{
	RUN(test_e1000_ring_next_wraps_at_size);
	RUN(test_e1000_ring_prev_wraps_at_zero);
	RUN(test_e1000_ring_used_counts_across_wrap);
	RUN(test_e1000_ring_empty_and_full_are_distinct);
	RUN(test_e1000_ring_free_slots_keep_one_empty);
	RUN(test_e1000_ring_rdt_keeps_one_receive_descriptor_back);
	RUN(test_e1000_ring_tx_simulation_never_overruns);
	RUN(test_e1000_ring_rx_simulation_never_overwrites_uncleaned);
	RUN(test_e1000_ring_rx_hardware_can_fill_all_but_one);
	TEST_EXIT();
}
