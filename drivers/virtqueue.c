/*
 * Split virtqueues (virtio 1.2, section 2.7): ring layout, the free
 * descriptor list, adding buffers, publishing them and taking them back.
 * The contract is in virtqueue.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/mmio.h"
#include "drivers/virtqueue.h"

/* The strictest alignment any part needs: the descriptor table's. */
#define VIRTQ_ALIGN 16

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Byte offsets of the parts in one allocation (2.7, the size table): the
 * descriptor table first, the available ring right after it (16 * size
 * is a multiple of 2), the used ring at the next multiple of used_align:
 * 4, or VIRTQ_LEGACY_ALIGN in the legacy layout (2.7.2). */
static size_t avail_offset(unsigned size)
{
	return 16 * (size_t)size;
}

static size_t used_offset(unsigned size, size_t used_align)
{
	return align_up(avail_offset(size) + 6 + 2 * (size_t)size, used_align);
}

static size_t ring_bytes(unsigned size, size_t used_align)
{
	return used_offset(size, used_align) + 6 + 8 * (size_t)size;
}

struct virtqueue *virtq_create(struct dma_dev *dma, uint16_t index,
			       unsigned size, bool legacy)
{
	/* A legacy device is told where the queue starts as a page number:
	 * the whole allocation starts on a page. */
	size_t align = legacy ? VIRTQ_LEGACY_ALIGN : VIRTQ_ALIGN;
	size_t used_align = legacy ? VIRTQ_LEGACY_ALIGN : 4;

	if (size == 0 || size > VIRTQ_SIZE_MAX || (size & (size - 1)))
		return NULL;

	struct virtqueue *vq = calloc(1, sizeof(*vq) + size * sizeof(void *));
	if (!vq)
		return NULL;
	/* "Allocate and zero" (4.1.5.1.3, 4.2.3.2; dma_alloc_coherent()
	 * zeroes): a zeroed used ring has flags 0, as 2.7.10.1 requires of
	 * the driver. */
	size_t bytes = ring_bytes(size, used_align);
	dma_addr_t bus;
	uint8_t *mem = dma_alloc_coherent(dma, bytes, align, &bus);
	if (!mem) {
		free(vq);
		return NULL;
	}

	vq->dma = dma;
	vq->ring_bus = bus;
	vq->ring_bytes = bytes;
	vq->index = index;
	vq->size = (uint16_t)size;
	vq->desc = (struct virtq_desc *)mem;
	vq->avail = (struct virtq_avail *)(mem + avail_offset(size));
	vq->used = (struct virtq_used *)(mem + used_offset(size, used_align));

	/* Every descriptor free, each pointing at the next. */
	for (unsigned i = 0; i < size; i++)
		vq->desc[i].next = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->num_free = (uint16_t)size;
	return vq;
}

void virtq_destroy(struct virtqueue *vq)
{
	if (!vq)
		return;
	dma_free_coherent(vq->dma, vq->desc, vq->ring_bytes);
	free(vq);
}

/*
 * 2.7.13.1: take descriptors off the free list and fill them in. The
 * free list is linked through `next`, so the descriptors taken are
 * already chained in the order taken: only the flags need setting, and
 * the new free head is the `next` of the last one used.
 */
int virtq_add(struct virtqueue *vq, const struct virtq_buf *bufs,
	      unsigned out, unsigned in, void *token)
{
	unsigned n = out + in;

	if (n == 0 || !token)
		return -EINVAL;
	if (n > vq->num_free)
		return -ENOSPC;

	uint16_t head = vq->free_head, i = head;
	for (unsigned k = 0; k < n; k++) {
		struct virtq_desc *d = &vq->desc[i];
		d->addr = bufs[k].addr;
		d->len = bufs[k].len;
		d->flags = (k >= out ? VIRTQ_DESC_F_WRITE : 0) |
			   (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
		i = d->next;
	}
	vq->free_head = i;
	vq->num_free = (uint16_t)(vq->num_free - n);
	vq->token[head] = token;
	vq->in_flight++;

	/* 2.7.13.2: the head goes in the next available slot. It cannot
	 * overwrite a slot the device has yet to read: every chain holds at
	 * least one descriptor, so at most `size` are ever in flight. */
	vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
	vq->avail_idx++;
	return head;
}

bool virtq_publish(struct virtqueue *vq)
{
	if (vq->avail->idx == vq->avail_idx)
		return false;		/* nothing new */
	/* 2.7.13.3.1: descriptors and ring entries before the index that
	 * exposes them. */
	wmb();
	vq->avail->idx = vq->avail_idx;
	/* 2.7.13.4.1: the new index before reading the device's
	 * suppression flag, or a notification could be missed. */
	mb();
	return !(vq->used->flags & VIRTQ_USED_F_NO_NOTIFY);
}

bool virtq_has_used(const struct virtqueue *vq)
{
	return !vq->broken && vq->used->idx != vq->last_used;
}

/* Put a returned chain back at the front of the free list. */
static void free_chain(struct virtqueue *vq, uint16_t head)
{
	uint16_t last = head;
	unsigned n = 1;

	/* The driver wrote these links and the device never writes the
	 * table; the bound is belt and braces against a loop. */
	while ((vq->desc[last].flags & VIRTQ_DESC_F_NEXT) && n < vq->size) {
		last = vq->desc[last].next;
		n++;
	}
	vq->desc[last].next = vq->free_head;
	vq->free_head = head;
	vq->num_free = (uint16_t)(vq->num_free + n);
	vq->token[head] = NULL;
	vq->in_flight--;
}

void *virtq_get_used(struct virtqueue *vq, uint32_t *len)
{
	while (!vq->broken) {
		uint16_t used_idx = vq->used->idx;
		uint16_t ready = (uint16_t)(used_idx - vq->last_used);

		if (ready == 0)
			return NULL;
		/* The device cannot have returned more chains than it holds;
		 * if it claims to, nothing in the ring can be trusted. */
		if (ready > vq->in_flight) {
			vq->errors++;
			vq->broken = true;
			return NULL;
		}
		/* 2.7.14: read the entry only after seeing the index that
		 * covers it. */
		rmb();
		uint16_t slot = vq->last_used & (vq->size - 1);
		uint32_t id = vq->used->ring[slot].id;
		uint32_t n = vq->used->ring[slot].len;
		vq->last_used++;

		/* A head we never gave, or gave back already: skip it. */
		if (id >= vq->size || !vq->token[id]) {
			vq->errors++;
			continue;
		}
		void *token = vq->token[id];
		free_chain(vq, (uint16_t)id);
		*len = n;
		return token;
	}
	return NULL;
}

void virtq_set_interrupts(struct virtqueue *vq, bool enable)
{
	vq->avail->flags = enable ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT;
	/* Make the flag visible before the caller looks at the used ring
	 * again (the re-check of 2.7.14's note). */
	mb();
}
