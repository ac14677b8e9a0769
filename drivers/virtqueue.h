/*
 * Split virtqueues (virtio 1.2, section 2.7), driver side.
 *
 * One queue is one physically contiguous, zeroed allocation holding the
 * three parts the device sees:
 *
 *   descriptor table  16 * size bytes      aligned 16   (driver writes)
 *   available ring     6 + 2 * size bytes  aligned 2    (driver writes)
 *   used ring          6 + 8 * size bytes  aligned 4    (device writes)
 *
 * A legacy device (virtio 0.9.5; MMIO version 1) is given the queue as
 * one page frame number and finds the parts itself (2.7.2, "Legacy
 * Interfaces: A Note on Virtqueue Layout"): the descriptor table at a
 * page boundary, the available ring right after it, the used ring at
 * the next multiple of VIRTQ_LEGACY_ALIGN. virtq_create() lays a queue
 * out that way when asked.
 *
 * The rings are a coherent DMA allocation (drivers/dma.h) for the
 * device's struct dma_dev: uncached memory if the device does not snoop
 * the caches, so only ordering barriers are needed here; the device is
 * told bus addresses (virtq_desc_bus() and friends), which differ from
 * CPU addresses behind a dma-ranges window. Buffers are the caller's to
 * map (dma_map()) and to give as bus addresses in struct virtq_buf.
 *
 * Free descriptors are kept on a list threaded through their own `next`
 * fields. A buffer is a chain of descriptors (device-readable ones first,
 * then device-writable ones, 2.7.4.2) with a caller's token remembered
 * for its head; virtq_get_used() gives the token back when the device
 * returns the chain, and the chain goes back on the free list.
 *
 * Indices are free-running 16-bit counters that wrap at 65536 (2.7.13.3);
 * the ring slot is the index modulo the (power of two) size.
 *
 * Portable and host-testable: no kernel includes, only newlib/libc and
 * the barriers of arch/mmio.h. Not locked: one thread uses a queue at
 * a time (for a NIC, the net-poll thread); only virtq_set_interrupts()
 * may also be called from the device's interrupt handler.
 *
 * Device misbehaviour (a used entry naming a descriptor that is not in
 * flight, a used index running ahead of what was made available) never
 * crashes the driver: bad entries are skipped and counted in `errors`;
 * a used index that cannot be right marks the queue `broken`, and it
 * returns nothing more until it is recreated.
 */
#ifndef KITE_VIRTQUEUE_H
#define KITE_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/dma.h"

/* Virtio 1.x rings are little-endian (2.7); so is every CPU Kite runs on
 * (and the host the tests run on), so fields are used as they are. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtqueue.c assumes a little-endian CPU");

/* 2.7: the largest power of two a 16-bit index can tell full from empty
 * with. */
#define VIRTQ_SIZE_MAX		32768
/* The legacy layout's page and used-ring alignment (2.7.2). The legacy
 * MMIO transport tells the device this value (GuestPageSize, QueueAlign);
 * 4096 is what legacy devices have always been given. */
#define VIRTQ_LEGACY_ALIGN	4096

/* 2.7.5: descriptor flags. */
#define VIRTQ_DESC_F_NEXT	1	/* chained through `next` */
#define VIRTQ_DESC_F_WRITE	2	/* device writes (else reads) */
/* 2.7.6: driver to device, "no used buffer notifications please". */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
/* 2.7.8: device to driver, "no available buffer notifications please". */
#define VIRTQ_USED_F_NO_NOTIFY	1

struct virtq_desc {
	uint64_t addr;		/* bus address */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];	/* size entries, then used_event */
};

struct virtq_used_elem {
	uint32_t id;		/* head of the returned chain */
	uint32_t len;		/* bytes the device wrote into it */
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];	/* size entries, then avail_event */
};

/* One element of a buffer: bus address (dma_map()) and length. */
struct virtq_buf {
	uint64_t addr;
	uint32_t len;
};

struct virtqueue {
	uint16_t index;		/* the queue's number on its device */
	uint16_t size;		/* entries; a power of two */

	struct dma_dev *dma;	/* the device's view of memory */
	dma_addr_t ring_bus;	/* bus address of desc (the allocation) */
	size_t ring_bytes;	/* its size */

	/* The rings. The device reads and writes these behind the
	 * compiler's back: the shared indices and flags are volatile. */
	struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;

	uint16_t free_head;	/* first free descriptor */
	uint16_t num_free;	/* descriptors on the free list */
	uint16_t in_flight;	/* chains the device holds */
	uint16_t avail_idx;	/* avail->idx to be, counting unpublished */
	uint16_t last_used;	/* next used->ring entry to read */

	uint32_t errors;	/* bogus used entries skipped */
	bool broken;		/* used->idx made no sense: queue stopped */

	void *token[];		/* per head descriptor; NULL when free */
};

/* Allocate and zero a queue of `size` entries (a power of two, 1 to
 * VIRTQ_SIZE_MAX) for queue number `index` of the device `dma`
 * describes, in the legacy layout if `legacy`: coherent DMA memory,
 * page-aligned when legacy. NULL if size is invalid or memory is short
 * (or out of the device's reach). The caller gives the device the bus
 * addresses below (a legacy device: virtq_desc_bus()'s page number). */
struct virtqueue *virtq_create(struct dma_dev *dma, uint16_t index,
			       unsigned size, bool legacy);
/* Free it; the device must no longer use it (reset first). */
void virtq_destroy(struct virtqueue *vq);

/* Bus addresses of the three parts, for the transport. */
static inline dma_addr_t virtq_desc_bus(const struct virtqueue *vq)
{
	return vq->ring_bus;
}

static inline dma_addr_t virtq_avail_bus(const struct virtqueue *vq)
{
	return vq->ring_bus +
	       (dma_addr_t)((uintptr_t)vq->avail - (uintptr_t)vq->desc);
}

static inline dma_addr_t virtq_used_bus(const struct virtqueue *vq)
{
	return vq->ring_bus +
	       (dma_addr_t)((uintptr_t)vq->used - (uintptr_t)vq->desc);
}

/* Put a buffer of `out` device-readable then `in` device-writable
 * elements (bufs[0..out+in-1]) on the available ring, not yet visible to
 * the device. token (non-NULL) comes back from virtq_get_used(). Returns
 * the head descriptor, -EINVAL (no elements, no token) or -ENOSPC (not
 * enough free descriptors). */
int virtq_add(struct virtqueue *vq, const struct virtq_buf *bufs,
	      unsigned out, unsigned in, void *token);

/* Make everything added since the last call visible to the device
 * (2.7.13.3-4). Returns true if the device wants an available buffer
 * notification now: the caller then notifies through its transport. */
bool virtq_publish(struct virtqueue *vq);

/* True if the device has returned buffers not yet taken. */
bool virtq_has_used(const struct virtqueue *vq);

/* Take the next returned buffer: its token, with the number of bytes
 * the device wrote in *len; NULL if there is none. Its descriptors go
 * back on the free list. */
void *virtq_get_used(struct virtqueue *vq, uint32_t *len);

/* Ask for used buffer notifications (interrupts) or suppress them with
 * VIRTQ_AVAIL_F_NO_INTERRUPT (2.7.7). A hint only: the device may still
 * interrupt, and buffers used just before enabling raise nothing, so
 * whoever enables must look at the ring once more. */
void virtq_set_interrupts(struct virtqueue *vq, bool enable);

#endif
