/*
 * Split virtqueue bookkeeping (drivers/virtqueue.c) against a simulated
 * device: the test plays the device by reading the available ring and
 * writing the used ring, exactly as QEMU would, and checks after every
 * step that each descriptor is either free (on the free list, once) or
 * in exactly one chain the device holds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/dma.h"
#include "drivers/virtqueue.h"
#include "tests/unit/fake_cache.h"
#include "tests/unit/test.h"

/* A coherent device that sees memory one to one, as QEMU's virtio
 * devices are; the rings come from the DMA API (drivers/dma.c, with
 * recording cache hooks: tests/unit/fake_cache.c). */
static struct dma_dev test_dma;

/* --- the simulated device ------------------------------------------------ */

struct sim {
	struct virtqueue *vq;
	uint16_t last_avail;	/* next available slot to read */
	uint16_t used_idx;	/* device's next used index */
};

/* Take the next head the driver published, or -1. */
static int sim_take(struct sim *s)
{
	struct virtqueue *vq = s->vq;

	if (s->last_avail == vq->avail->idx)
		return -1;
	int head = vq->avail->ring[s->last_avail & (vq->size - 1)];
	s->last_avail++;
	return head;
}

/* Return a chain in the used ring, entry first, then the index. */
static void sim_complete(struct sim *s, uint32_t id, uint32_t len)
{
	struct virtqueue *vq = s->vq;
	uint16_t slot = s->used_idx & (vq->size - 1);

	vq->used->ring[slot].id = id;
	vq->used->ring[slot].len = len;
	s->used_idx++;
	__sync_synchronize();
	vq->used->idx = s->used_idx;
}

/* Length of the chain at head as the device would walk it. */
static unsigned chain_len(const struct virtqueue *vq, uint16_t head)
{
	unsigned n = 1;

	while (vq->desc[head].flags & VIRTQ_DESC_F_NEXT) {
		head = vq->desc[head].next;
		n++;
		if (n > vq->size)
			return 0;	/* a loop */
	}
	return n;
}

/*
 * The invariant: walking the free list num_free steps and every in-flight
 * chain covers each descriptor exactly once. heads[] lists the in-flight
 * heads. Returns 0 or a negative code naming what broke.
 */
static int check_descriptors(const struct virtqueue *vq, const int *heads,
			     int nheads)
{
	uint8_t *owner = calloc(vq->size, 1);
	int err = 0;

	uint16_t d = vq->free_head;
	for (unsigned k = 0; k < vq->num_free; k++) {
		if (d >= vq->size || owner[d]) {
			err = -1;	/* off the table or listed twice */
			goto out;
		}
		owner[d] = 1;
		d = vq->desc[d].next;
	}
	for (int h = 0; h < nheads; h++) {
		uint16_t i = (uint16_t)heads[h];
		for (;;) {
			if (owner[i]) {
				err = -2;	/* both free and in flight */
				goto out;
			}
			owner[i] = 2;
			if (!(vq->desc[i].flags & VIRTQ_DESC_F_NEXT))
				break;
			i = vq->desc[i].next;
		}
		if (!vq->token[heads[h]]) {
			err = -3;	/* in flight without a token */
			goto out;
		}
	}
	for (unsigned i = 0; i < vq->size; i++)
		if (!owner[i]) {
			err = -4;	/* leaked: neither free nor used */
			goto out;
		}
	if (vq->in_flight != nheads)
		err = -5;
out:
	free(owner);
	return err;
}

static int add_one(struct virtqueue *vq, uint64_t addr, uint32_t len,
		   bool writable, void *token)
{
	struct virtq_buf b = { addr, len };
	return virtq_add(vq, &b, writable ? 0 : 1, writable ? 1 : 0, token);
}

/* --- tests ---------------------------------------------------------------- */

TEST(test_virtq_layout_meets_spec_alignment_and_sizes)
{
	for (unsigned size = 1; size <= VIRTQ_SIZE_MAX; size *= 2) {
		struct virtqueue *vq = virtq_create(&test_dma, 3, size, false);
		CHECK(vq);
		uintptr_t desc = (uintptr_t)vq->desc;
		uintptr_t avail = (uintptr_t)vq->avail;
		uintptr_t used = (uintptr_t)vq->used;
		CHECK_EQ(desc % 16, 0);
		CHECK_EQ(avail % 2, 0);
		CHECK_EQ(used % 4, 0);
		/* In order, and no part overlaps the next. */
		CHECK(avail >= desc + 16 * size);
		CHECK(used >= avail + 6 + 2 * size);
		CHECK_EQ(vq->size, size);
		CHECK_EQ(vq->index, 3);
		CHECK_EQ(vq->num_free, size);
		/* Zeroed: flags and indices start at 0. */
		CHECK_EQ(vq->avail->flags, 0);
		CHECK_EQ(vq->avail->idx, 0);
		CHECK_EQ(vq->used->flags, 0);
		CHECK_EQ(vq->used->idx, 0);
		/* The last used entry is inside the allocation (ASan would
		 * catch a short one here). */
		vq->used->ring[size - 1].len = 1;
		CHECK_EQ(check_descriptors(vq, NULL, 0), 0);
		virtq_destroy(vq);
	}
}

/*
 * The legacy layout, by virtio 1.2 section 2.7.2's own formula with
 * QueueAlign 4096: desc at a page, avail right after it, used at
 * ALIGN(16 * qsz + 2 * (3 + qsz), 4096), and a device that computes it
 * from the page number alone must land on the same rings. Worked by hand
 * for the 256 entries QEMU offers: 4096 + 518 = 4614 -> used at 8192.
 */
TEST(test_virtq_legacy_layout_is_what_a_legacy_device_computes)
{
	for (unsigned size = 1; size <= VIRTQ_SIZE_MAX; size *= 2) {
		struct virtqueue *vq = virtq_create(&test_dma, 2, size, true);
		CHECK(vq);
		uintptr_t desc = (uintptr_t)vq->desc;
		size_t avail_end = 16 * (size_t)size + 2 * (3 + (size_t)size);
		size_t used_at = (avail_end + 4095) & ~(size_t)4095;

		CHECK_EQ(desc % 4096, 0);
		CHECK_EQ((uintptr_t)vq->avail, desc + 16 * size);
		CHECK_EQ((uintptr_t)vq->used, desc + used_at);
		CHECK_EQ(vq->used->flags, 0);
		vq->used->ring[size - 1].len = 1;	/* inside (ASan) */
		virtq_destroy(vq);
	}
	struct virtqueue *vq = virtq_create(&test_dma, 0, 256, true);
	CHECK(vq);
	CHECK_EQ((uintptr_t)vq->used - (uintptr_t)vq->desc, 8192);
	virtq_destroy(vq);
}

/* Behind a dma-ranges window the device is told bus addresses, not CPU
 * pointers: each part at its offset from the allocation's bus address.
 * A coherent device: no cache maintenance on the rings. */
TEST(test_virtq_rings_are_given_as_bus_addresses_of_the_dma_window)
{
	struct dma_dev win = { .name = "win", .coherent = true,
			       .cpu_base = 0, .bus_base = 1ull << 44,
			       .size = 1ull << 47 };
	int ops = fake_cache_n;

	for (int legacy = 0; legacy < 2; legacy++) {
		struct virtqueue *vq = virtq_create(&win, 0, 256, legacy);
		CHECK(vq);
		CHECK_EQ(virtq_desc_bus(vq), (uintptr_t)vq->desc + (1ull << 44));
		CHECK_EQ(virtq_avail_bus(vq),
			 (uintptr_t)vq->avail + (1ull << 44));
		CHECK_EQ(virtq_used_bus(vq), (uintptr_t)vq->used + (1ull << 44));
		virtq_destroy(vq);
	}
	CHECK_EQ(fake_cache_n, ops);
}

TEST(test_virtq_create_rejects_sizes_not_power_of_two)
{
	CHECK(!virtq_create(&test_dma, 0, 0, false));
	CHECK(!virtq_create(&test_dma, 0, 3, false));
	CHECK(!virtq_create(&test_dma, 0, 96, false));
	CHECK(!virtq_create(&test_dma, 0, 65536, false));
	CHECK(!virtq_create(&test_dma, 0, VIRTQ_SIZE_MAX + 1, false));
}

TEST(test_virtq_add_rejects_empty_buffer_and_null_token)
{
	struct virtqueue *vq = virtq_create(&test_dma, 0, 4, false);
	struct virtq_buf b = { 0x1000, 64 };
	int token;

	CHECK_EQ(virtq_add(vq, &b, 0, 0, &token), -EINVAL);
	CHECK_EQ(virtq_add(vq, &b, 1, 0, NULL), -EINVAL);
	CHECK_EQ(vq->num_free, 4);
	CHECK_EQ(vq->avail_idx, 0);
	virtq_destroy(vq);
}

TEST(test_virtq_empty_queue_returns_nothing)
{
	struct virtqueue *vq = virtq_create(&test_dma, 0, 8, false);
	uint32_t len = 77;

	CHECK(!virtq_has_used(vq));
	CHECK(!virtq_get_used(vq, &len));
	CHECK_EQ(len, 77);
	CHECK_EQ(vq->errors, 0);
	virtq_destroy(vq);
}

TEST(test_virtq_fills_to_size_then_reports_full)
{
	struct virtqueue *vq = virtq_create(&test_dma, 0, 16, false);
	struct sim dev = { vq, 0, 0 };
	int tokens[16], heads[16];

	for (int i = 0; i < 16; i++) {
		heads[i] = add_one(vq, 0x1000 + 0x100 * i, 0x100, true,
				   &tokens[i]);
		CHECK(heads[i] >= 0 && heads[i] < 16);
	}
	CHECK_EQ(vq->num_free, 0);
	CHECK_EQ(add_one(vq, 0x9000, 1, true, &tokens[0]), -ENOSPC);
	CHECK_EQ(check_descriptors(vq, heads, 16), 0);
	CHECK(virtq_publish(vq));
	CHECK_EQ(vq->avail->idx, 16);

	/* The device gets all 16, in order, and returns them. */
	for (int i = 0; i < 16; i++)
		CHECK_EQ(sim_take(&dev), heads[i]);
	CHECK_EQ(sim_take(&dev), -1);
	for (int i = 0; i < 16; i++)
		sim_complete(&dev, (uint32_t)heads[i], (uint32_t)(60 + i));
	for (int i = 0; i < 16; i++) {
		uint32_t len;
		CHECK(virtq_get_used(vq, &len) == &tokens[i]);
		CHECK_EQ(len, 60 + i);
	}
	CHECK(!virtq_get_used(vq, &(uint32_t){ 0 }));
	CHECK_EQ(vq->num_free, 16);
	CHECK_EQ(vq->in_flight, 0);
	CHECK_EQ(check_descriptors(vq, NULL, 0), 0);
	virtq_destroy(vq);
}

TEST(test_virtq_chain_puts_readable_before_writable)
{
	struct virtqueue *vq = virtq_create(&test_dma, 0, 8, false);
	struct virtq_buf bufs[3] = {
		{ 0x1000, 12 }, { 0x2000, 1514 }, { 0x3000, 4 },
	};
	int token;

	int head = virtq_add(vq, bufs, 2, 1, &token);
	CHECK(head >= 0);
	CHECK_EQ(vq->num_free, 5);
	CHECK_EQ(chain_len(vq, (uint16_t)head), 3);

	uint16_t i = (uint16_t)head;
	for (int k = 0; k < 3; k++) {
		CHECK_EQ(vq->desc[i].addr, bufs[k].addr);
		CHECK_EQ(vq->desc[i].len, bufs[k].len);
		CHECK_EQ(!!(vq->desc[i].flags & VIRTQ_DESC_F_WRITE), k == 2);
		CHECK_EQ(!!(vq->desc[i].flags & VIRTQ_DESC_F_NEXT), k < 2);
		i = vq->desc[i].next;
	}
	CHECK_EQ(check_descriptors(vq, &head, 1), 0);
	virtq_destroy(vq);
}

/*
 * Run the free-running indices through 65535 -> 0 three times, in
 * batches of 5 on a ring of 8 so that batches straddle the wrap (65536
 * is no multiple of 5): the driver must see exactly the buffers it
 * added, in order, across every wrap.
 */
TEST(test_virtq_indices_wrap_at_65535)
{
	struct virtqueue *vq = virtq_create(&test_dma, 0, 8, false);
	struct sim dev = { vq, 0, 0 };
	int tokens[5];
	int wraps = 0, straddled = 0;
	uint32_t seq = 0;

	while (wraps < 3) {
		uint16_t before = vq->avail->idx;
		for (int i = 0; i < 5; i++)
			CHECK(add_one(vq, seq + i, 64, true, &tokens[i]) >= 0);
		virtq_publish(vq);
		uint16_t after = vq->avail->idx;
		CHECK_EQ((uint16_t)(after - before), 5);
		if (after < before) {
			wraps++;
			if (after != 0)
				straddled++;
		}

		int head;
		while ((head = sim_take(&dev)) >= 0)
			sim_complete(&dev, (uint32_t)head,
				     (uint32_t)vq->desc[head].addr);
		for (int i = 0; i < 5; i++) {
			uint32_t len;
			CHECK(virtq_get_used(vq, &len) == &tokens[i]);
			CHECK_EQ(len, seq + i);	/* in order, none lost */
		}
		CHECK(!virtq_has_used(vq));
		CHECK_EQ(vq->num_free, 8);
		seq += 5;
	}
	CHECK(straddled > 0);
	CHECK(seq > 3 * 65536u);
	CHECK_EQ(vq->last_used, vq->used->idx);
	CHECK_EQ(vq->errors, 0);
	CHECK_EQ(check_descriptors(vq, NULL, 0), 0);
	virtq_destroy(vq);
}

/*
 * Thousands of random operations: chains of 1-4 descriptors, a device
 * that takes buffers in order but completes them in any order and at any
 * time. After each step every descriptor is free once or in one chain,
 * each token comes back once with its own length, and at the end the
 * whole table is free again.
 */
struct req {
	int head;
	unsigned n;
	uint32_t len;
	bool done;
};

TEST(test_virtq_random_add_complete_keeps_free_list_intact)
{
	enum { SIZE = 32, STEPS = 200000 };
	struct virtqueue *vq = virtq_create(&test_dma, 1, SIZE, false);
	struct sim dev = { vq, 0, 0 };
	static struct req reqs[SIZE + 1];
	struct req *inflight[SIZE];	/* driver's view, by head */
	int held[SIZE], nheld = 0;	/* device has taken these heads */
	int heads[SIZE], nheads;
	unsigned long added = 0, returned = 0, full = 0, empty = 0;

	srand(12345);
	memset(inflight, 0, sizeof(inflight));
	for (int step = 0; step < STEPS; step++) {
		int op = rand() % 10;
		if (op < 4) {
			/* Driver adds a chain, if it fits. */
			struct req *r = NULL;
			for (int i = 0; i <= SIZE; i++)
				if (!reqs[i].n) {
					r = &reqs[i];
					break;
				}
			CHECK(r);
			unsigned n = 1 + rand() % 4, out = rand() % (n + 1);
			struct virtq_buf b[4];
			for (unsigned k = 0; k < n; k++)
				b[k] = (struct virtq_buf){ 0x10000u * step + k,
							   100 + k };
			unsigned before = vq->num_free;
			int head = virtq_add(vq, b, out, n - out, r);
			if (n > before) {
				CHECK_EQ(head, -ENOSPC);
				CHECK_EQ(vq->num_free, before);
				full++;
				virtq_publish(vq);	/* or it stays full */
				continue;
			}
			CHECK(head >= 0 && head < SIZE);
			CHECK(!inflight[head]);
			CHECK_EQ(vq->num_free, before - n);
			CHECK_EQ(chain_len(vq, (uint16_t)head), n);
			r->head = head;
			r->n = n;
			r->len = (uint32_t)(rand() % 2000);
			inflight[head] = r;
			added++;
			if (rand() % 2)
				virtq_publish(vq);
		} else if (op < 7) {
			/* Device takes what is published and completes up to
			 * four held buffers picked at random (out of order),
			 * so the ring swings between full and empty. */
			int h;
			while ((h = sim_take(&dev)) >= 0)
				held[nheld++] = h;
			for (int k = 1 + rand() % 4; k > 0 && nheld; k--) {
				int pick = rand() % nheld;
				int head = held[pick];
				held[pick] = held[--nheld];
				sim_complete(&dev, (uint32_t)head,
					     inflight[head]->len);
			}
		} else {
			/* Driver takes everything returned. */
			uint32_t len;
			struct req *r;
			while ((r = virtq_get_used(vq, &len))) {
				CHECK(inflight[r->head] == r);
				CHECK_EQ(len, r->len);
				inflight[r->head] = NULL;
				memset(r, 0, sizeof(*r));
				returned++;
			}
		}
		nheads = 0;
		for (int i = 0; i < SIZE; i++)
			if (inflight[i])
				heads[nheads++] = i;
		CHECK_EQ(check_descriptors(vq, heads, nheads), 0);
		empty += nheads == 0;
	}

	/* Drain: the device returns everything it still has. */
	virtq_publish(vq);
	int h;
	while ((h = sim_take(&dev)) >= 0)
		held[nheld++] = h;
	while (nheld) {
		int head = held[--nheld];
		sim_complete(&dev, (uint32_t)head, inflight[head]->len);
	}
	uint32_t len;
	struct req *r;
	while ((r = virtq_get_used(vq, &len))) {
		CHECK(inflight[r->head] == r);
		inflight[r->head] = NULL;
		returned++;
	}
	/* It really went round: many buffers, full and empty often. */
	CHECK(added > STEPS / 4);
	CHECK(full > 1000);
	CHECK(empty > 1000);
	CHECK_EQ(returned, added);
	CHECK_EQ(vq->num_free, SIZE);
	CHECK_EQ(vq->in_flight, 0);
	CHECK_EQ(vq->errors, 0);
	CHECK_EQ(check_descriptors(vq, NULL, 0), 0);
	virtq_destroy(vq);
}

TEST(test_virtq_bogus_used_id_is_skipped_and_counted)
{
	struct virtqueue *vq = virtq_create(&test_dma, 0, 4, false);
	struct sim dev = { vq, 0, 0 };
	int t[3], heads[2];
	uint32_t len;

	for (int i = 0; i < 3; i++)
		CHECK_EQ(add_one(vq, 0x1000 * i, 100, true, &t[i]), i);
	virtq_publish(vq);
	/* Three in flight, three entries: two bogus, then a real one. */
	sim_complete(&dev, 4, 10);		/* out of range */
	sim_complete(&dev, 3, 10);		/* a free descriptor */
	sim_complete(&dev, 1, 42);

	CHECK(virtq_get_used(vq, &len) == &t[1]);
	CHECK_EQ(len, 42);
	CHECK(!virtq_get_used(vq, &len));
	CHECK_EQ(vq->errors, 2);
	CHECK(!vq->broken);
	CHECK_EQ(vq->num_free, 2);
	heads[0] = 0;
	heads[1] = 2;
	CHECK_EQ(check_descriptors(vq, heads, 2), 0);
	virtq_destroy(vq);
}

TEST(test_virtq_double_completion_is_not_double_freed)
{
	struct virtqueue *vq = virtq_create(&test_dma, 0, 4, false);
	struct sim dev = { vq, 0, 0 };
	int t1, t2, t3;
	uint32_t len;

	int h1 = add_one(vq, 0x1000, 100, true, &t1);
	int h2 = add_one(vq, 0x2000, 100, true, &t2);
	int h3 = add_one(vq, 0x3000, 100, true, &t3);
	virtq_publish(vq);
	sim_complete(&dev, (uint32_t)h1, 1);
	CHECK(virtq_get_used(vq, &len) == &t1);
	CHECK_EQ(vq->num_free, 2);

	/* The device returns h1 again: it is free, so it must not go on the
	 * free list a second time (that would hand it out twice). */
	sim_complete(&dev, (uint32_t)h1, 1);
	sim_complete(&dev, (uint32_t)h2, 2);
	CHECK(virtq_get_used(vq, &len) == &t2);
	CHECK_EQ(vq->errors, 1);
	CHECK_EQ(vq->num_free, 3);
	CHECK_EQ(check_descriptors(vq, &h3, 1), 0);
	sim_complete(&dev, (uint32_t)h3, 3);
	CHECK(virtq_get_used(vq, &len) == &t3);
	CHECK_EQ(vq->num_free, 4);
	CHECK_EQ(check_descriptors(vq, NULL, 0), 0);

	/* All four can be handed out, each once. */
	int seen[4] = { 0 };
	for (int i = 0; i < 4; i++) {
		int h = add_one(vq, 0x1000, 1, true, &t1);
		CHECK(h >= 0);
		CHECK(!seen[h]);
		seen[h] = 1;
	}
	virtq_destroy(vq);
}

TEST(test_virtq_used_idx_running_ahead_breaks_queue)
{
	struct virtqueue *vq = virtq_create(&test_dma, 0, 4, false);
	int token;
	uint32_t len;

	int head = add_one(vq, 0x1000, 100, true, &token);
	virtq_publish(vq);
	/* One buffer in flight, but the device claims three are done. */
	vq->used->ring[0].id = (uint32_t)head;
	vq->used->idx = 3;
	CHECK(!virtq_get_used(vq, &len));
	CHECK(vq->broken);
	CHECK_EQ(vq->errors, 1);
	CHECK(!virtq_has_used(vq));
	/* Stays stopped; nothing was freed on the device's word. */
	CHECK(!virtq_get_used(vq, &len));
	CHECK_EQ(vq->errors, 1);
	CHECK_EQ(vq->num_free, 3);
	virtq_destroy(vq);
}

/* The same check where the indices straddle 65535 -> 0: the distance
 * must be taken modulo 65536, not as plain integers. */
TEST(test_virtq_used_idx_running_ahead_breaks_queue_across_wrap)
{
	struct virtqueue *vq = virtq_create(&test_dma, 0, 4, false);
	struct sim dev = { vq, 0, 0 };
	int token;
	uint32_t len;

	/* 65534 buffers through: both indices end at 65534. */
	for (int i = 0; i < 65534; i++) {
		add_one(vq, 0x1000, 100, true, &token);
		virtq_publish(vq);
		sim_complete(&dev, (uint32_t)sim_take(&dev), 1);
		CHECK(virtq_get_used(vq, &len) == &token);
	}
	CHECK_EQ(vq->last_used, 65534);
	CHECK_EQ(vq->errors, 0);

	/* One in flight; the device claims three done (65534 -> 1). */
	int head = add_one(vq, 0x1000, 100, true, &token);
	virtq_publish(vq);
	vq->used->ring[65534 & 3].id = (uint32_t)head;
	vq->used->idx = 1;
	CHECK(!virtq_get_used(vq, &len));
	CHECK(vq->broken);
	CHECK_EQ(vq->errors, 1);
	CHECK_EQ(vq->num_free, 3);
	virtq_destroy(vq);
}

TEST(test_virtq_publish_respects_no_notify)
{
	struct virtqueue *vq = virtq_create(&test_dma, 0, 4, false);
	int token;

	CHECK(!virtq_publish(vq));		/* nothing added */
	add_one(vq, 0x1000, 1, false, &token);
	CHECK_EQ(vq->avail->idx, 0);		/* not visible yet */
	CHECK(virtq_publish(vq));
	CHECK_EQ(vq->avail->idx, 1);
	CHECK(!virtq_publish(vq));		/* nothing new */

	vq->used->flags = VIRTQ_USED_F_NO_NOTIFY;
	add_one(vq, 0x2000, 1, false, &token);
	CHECK(!virtq_publish(vq));		/* device asked for quiet */
	CHECK_EQ(vq->avail->idx, 2);		/* but it is published */
	virtq_destroy(vq);
}

TEST(test_virtq_interrupt_flag_toggles)
{
	struct virtqueue *vq = virtq_create(&test_dma, 0, 4, false);

	CHECK_EQ(vq->avail->flags, 0);
	virtq_set_interrupts(vq, false);
	CHECK_EQ(vq->avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtq_set_interrupts(vq, true);
	CHECK_EQ(vq->avail->flags, 0);
	virtq_destroy(vq);
}

int main(void)
{
	fake_cache_reset();
	dma_dev_init_coherent(&test_dma, "virtio");
	RUN(test_virtq_layout_meets_spec_alignment_and_sizes);
	RUN(test_virtq_rings_are_given_as_bus_addresses_of_the_dma_window);
	RUN(test_virtq_legacy_layout_is_what_a_legacy_device_computes);
	RUN(test_virtq_create_rejects_sizes_not_power_of_two);
	RUN(test_virtq_add_rejects_empty_buffer_and_null_token);
	RUN(test_virtq_empty_queue_returns_nothing);
	RUN(test_virtq_fills_to_size_then_reports_full);
	RUN(test_virtq_chain_puts_readable_before_writable);
	RUN(test_virtq_indices_wrap_at_65535);
	RUN(test_virtq_random_add_complete_keeps_free_list_intact);
	RUN(test_virtq_bogus_used_id_is_skipped_and_counted);
	RUN(test_virtq_double_completion_is_not_double_freed);
	RUN(test_virtq_used_idx_running_ahead_breaks_queue);
	RUN(test_virtq_used_idx_running_ahead_breaks_queue_across_wrap);
	RUN(test_virtq_publish_respects_no_notify);
	RUN(test_virtq_interrupt_flag_toggles);
	TEST_EXIT();
}
