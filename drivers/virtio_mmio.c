/*
 * Virtio over MMIO (virtio 1.2, section 4.2), both register layouts:
 *
 *   version 2  virtio 1.x (4.2.2): 64 feature bits, each ring's three
 *              addresses, QueueReady, a configuration generation
 *   version 1  legacy, virtio 0.9.5 (4.2.4): 32 feature bits, one page
 *              frame number per queue (QueuePFN, in GuestPageSize units)
 *              from which the device finds the rings in the legacy
 *              layout, QueueAlign for the used ring
 *
 * QEMU 7.2 presents its virtio-mmio devices as legacy unless started
 * with -global virtio-mmio.force-legacy=false, so a plain
 * `-device virtio-net-device` is version 1. The version register picks
 * the ops table; the device driver learns it from vdev->legacy.
 *
 * QEMU virt has a row of virtio-mmio slots in the device tree, one node
 * "virtio,mmio" each; a slot with nothing plugged in reads device id 0.
 * Every register is 32 bits wide and must be accessed as such (4.2.2.2);
 * the device-specific configuration space at 0x100 takes the width of
 * each field, in either layout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch/mmio.h"
#include "drivers/virtio.h"
#include "drivers/virtqueue.h"
#include "kernel/fdt.h"
#include "kernel/irq.h"
#include "kernel/list.h"
#include "kernel/printk.h"

/* Registers (4.2.2, table "MMIO Device Register Layout"). */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000	/* "virt" */
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE	0x028	/* legacy only */
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_ALIGN		0x03c	/* legacy only */
#define VIRTIO_MMIO_QUEUE_PFN		0x040	/* legacy only */
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100

#define VIRTIO_MMIO_MAGIC		0x74726976	/* "virt", LE */

struct virtio_mmio {
	struct virtio_device vdev;
	uintptr_t base;
	uint64_t size;		/* of the register window, from "reg" */
};

static struct virtio_mmio *to_mmio(struct virtio_device *vdev)
{
	return container_of(vdev, struct virtio_mmio, vdev);
}

static uint32_t mmio_read(struct virtio_device *vdev, unsigned reg)
{
	return readl(to_mmio(vdev)->base + reg);
}

static void mmio_write(struct virtio_device *vdev, unsigned reg, uint32_t v)
{
	writel(v, to_mmio(vdev)->base + reg);
}

static uint8_t mmio_get_status(struct virtio_device *vdev)
{
	return (uint8_t)mmio_read(vdev, VIRTIO_MMIO_STATUS);
}

static void mmio_set_status(struct virtio_device *vdev, uint8_t status)
{
	mmio_write(vdev, VIRTIO_MMIO_STATUS, status);
}

/* Features come 32 at a time through a select register (4.2.2). */
static uint64_t mmio_get_features(struct virtio_device *vdev)
{
	mmio_write(vdev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	uint64_t hi = mmio_read(vdev, VIRTIO_MMIO_DEVICE_FEATURES);
	mmio_write(vdev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t lo = mmio_read(vdev, VIRTIO_MMIO_DEVICE_FEATURES);
	return hi << 32 | lo;
}

static void mmio_set_features(struct virtio_device *vdev, uint64_t features)
{
	mmio_write(vdev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	mmio_write(vdev, VIRTIO_MMIO_DRIVER_FEATURES,
		   (uint32_t)(features >> 32));
	mmio_write(vdev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	mmio_write(vdev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
}

static bool config_in_range(struct virtio_device *vdev, unsigned off,
			    unsigned width)
{
	return (width == 1 || width == 2 || width == 4) && off % width == 0 &&
	       VIRTIO_MMIO_CONFIG + off + width <= to_mmio(vdev)->size;
}

static uint32_t mmio_read_config(struct virtio_device *vdev, unsigned off,
				 unsigned width)
{
	if (!config_in_range(vdev, off, width))
		return 0;
	uintptr_t a = to_mmio(vdev)->base + VIRTIO_MMIO_CONFIG + off;
	return read_width(a, width);
}

static void mmio_write_config(struct virtio_device *vdev, unsigned off,
			      unsigned width, uint32_t v)
{
	if (!config_in_range(vdev, off, width))
		return;
	uintptr_t a = to_mmio(vdev)->base + VIRTIO_MMIO_CONFIG + off;
	write_width(v, a, width);
}

static uint32_t mmio_config_generation(struct virtio_device *vdev)
{
	return mmio_read(vdev, VIRTIO_MMIO_CONFIG_GENERATION);
}

/* 4.2.3.2 steps 1-3: select, check it is not in use, read its limit. */
static unsigned mmio_queue_max(struct virtio_device *vdev, unsigned index)
{
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_SEL, index);
	if (mmio_read(vdev, VIRTIO_MMIO_QUEUE_READY))
		return 0;
	return mmio_read(vdev, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

/* 4.2.3.2 steps 5-7: size, the three addresses, then ready. */
static int mmio_queue_setup(struct virtio_device *vdev, unsigned index,
			    unsigned size, uint64_t desc, uint64_t avail,
			    uint64_t used)
{
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_SEL, index);
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_NUM, size);
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_DRIVER_HIGH,
		   (uint32_t)(avail >> 32));
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_READY, 1);
	return 0;
}

/* 4.2.3.3: without VIRTIO_F_NOTIFICATION_DATA, the queue's index. */
static void mmio_notify(struct virtio_device *vdev, unsigned index)
{
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_NOTIFY, index);
}

/* 4.2.3.4: read the cause, then acknowledge exactly the bits handled
 * (undefined ones must not be written back). */
static uint8_t mmio_isr_ack(struct virtio_device *vdev)
{
	uint32_t s = mmio_read(vdev, VIRTIO_MMIO_INTERRUPT_STATUS) &
		     (VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);

	if (s)
		mmio_write(vdev, VIRTIO_MMIO_INTERRUPT_ACK, s);
	return (uint8_t)s;
}

static const struct virtio_ops virtio_mmio_ops = {
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.get_features = mmio_get_features,
	.set_features = mmio_set_features,
	.read_config = mmio_read_config,
	.write_config = mmio_write_config,
	.config_generation = mmio_config_generation,
	.queue_max = mmio_queue_max,
	.queue_setup = mmio_queue_setup,
	.notify = mmio_notify,
	.isr_ack = mmio_isr_ack,
};

/* --- the legacy layout (4.2.4) ------------------------------------------ */

/* 32 feature bits: HostFeatures with HostFeaturesSel 0. */
static uint64_t legacy_get_features(struct virtio_device *vdev)
{
	mmio_write(vdev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return mmio_read(vdev, VIRTIO_MMIO_DEVICE_FEATURES);
}

static void legacy_set_features(struct virtio_device *vdev, uint64_t features)
{
	mmio_write(vdev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	mmio_write(vdev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
}

/* No ConfigGeneration register in this layout: one generation for
 * ever, so a multi-field read is taken as it comes. */
static uint32_t legacy_config_generation(struct virtio_device *vdev)
{
	return 0;
}

/* 4.2.4's initialisation: a queue is in use when it has a page number. */
static unsigned legacy_queue_max(struct virtio_device *vdev, unsigned index)
{
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_SEL, index);
	if (mmio_read(vdev, VIRTIO_MMIO_QUEUE_PFN))
		return 0;
	return mmio_read(vdev, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

/*
 * 4.2.4 (the legacy queue setup): page size, queue size, used ring
 * alignment, then the page frame number of the descriptor table, which
 * also enables the queue. The device computes where avail and used are
 * (2.7.2), so they must be exactly where virtq_create(..., true) put
 * them; anything else is refused rather than left for the device to
 * write in the wrong place.
 */
static int legacy_queue_setup(struct virtio_device *vdev, unsigned index,
			      unsigned size, uint64_t desc, uint64_t avail,
			      uint64_t used)
{
	uint64_t avail_end = avail + 6 + 2 * (uint64_t)size;
	uint64_t used_at = (avail_end + VIRTQ_LEGACY_ALIGN - 1) &
			   ~(uint64_t)(VIRTQ_LEGACY_ALIGN - 1);
	uint64_t pfn = desc / VIRTQ_LEGACY_ALIGN;

	if (desc % VIRTQ_LEGACY_ALIGN || avail != desc + 16 * (uint64_t)size ||
	    used != used_at || pfn == 0 || pfn > UINT32_MAX)
		return -EINVAL;
	mmio_write(vdev, VIRTIO_MMIO_GUEST_PAGE_SIZE, VIRTQ_LEGACY_ALIGN);
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_SEL, index);
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_NUM, size);
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_ALIGN, VIRTQ_LEGACY_ALIGN);
	mmio_write(vdev, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)pfn);
	return 0;
}

/* Status, the configuration space, notifications and interrupts sit
 * where version 2 has them. */
static const struct virtio_ops virtio_mmio_legacy_ops = {
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.get_features = legacy_get_features,
	.set_features = legacy_set_features,
	.read_config = mmio_read_config,
	.write_config = mmio_write_config,
	.config_generation = legacy_config_generation,
	.queue_max = legacy_queue_max,
	.queue_setup = legacy_queue_setup,
	.notify = mmio_notify,
	.isr_ack = mmio_isr_ack,
};

/* One slot: check what it holds (4.2.3.1.1) and hand it to its driver. */
static void virtio_mmio_probe(const struct fdt *fdt, int node, uint64_t base,
			      uint64_t size)
{
	uintptr_t b = (uintptr_t)base;
	uint32_t magic = readl(b + VIRTIO_MMIO_MAGIC_VALUE);
	uint32_t version = readl(b + VIRTIO_MMIO_VERSION);
	uint32_t id;

	if (magic != VIRTIO_MMIO_MAGIC) {
		kprintf("virtio-mmio@%llx: bad magic 0x%08x, ignored\n",
			(unsigned long long)base, magic);
		return;
	}
	/* The device id sits at the same offset in the legacy layout: an
	 * empty legacy slot is as silent as an empty modern one. */
	id = readl(b + VIRTIO_MMIO_DEVICE_ID);
	if (id == 0)
		return;
	if (version != 1 && version != 2) {
		kprintf("virtio-mmio@%llx: unknown version %u, ignored\n",
			(unsigned long long)base, version);
		return;
	}
	if (id != VIRTIO_ID_NET) {
		kprintf("virtio-mmio@%llx: device type %u has no driver\n",
			(unsigned long long)base, id);
		return;
	}

	struct virtio_mmio *vm = calloc(1, sizeof(*vm));
	if (!vm) {
		kprintf("virtio-mmio@%llx: out of memory\n",
			(unsigned long long)base);
		return;
	}
	vm->base = b;
	vm->size = size;
	vm->vdev.legacy = version == 1;
	vm->vdev.ops = vm->vdev.legacy ? &virtio_mmio_legacy_ops :
					 &virtio_mmio_ops;
	vm->vdev.device_id = id;
	vm->vdev.irq = irq_of_get(fdt, node, 0);
	snprintf(vm->vdev.bus_info, sizeof(vm->vdev.bus_info),
		 "virtio-mmio@%llx", (unsigned long long)base);
	/* Its own node says how it sees memory (dma.c logs why not). */
	if (dma_dev_init_fdt(&vm->vdev.dma, fdt, node, vm->vdev.bus_info) <
	    0) {
		kprintf("%s: refused\n", vm->vdev.bus_info);
		free(vm);
		return;
	}
	if (virtio_net_probe(&vm->vdev) < 0)
		free(vm);
}

void virtio_mmio_init(const struct fdt *fdt)
{
	for (int node = fdt_find_compatible(fdt, -1, "virtio,mmio"); node >= 0;
	     node = fdt_find_compatible(fdt, node, "virtio,mmio")) {
		uint64_t base, size;

		if (!fdt_is_enabled(fdt, node))
			continue;
		/* The registers up to the config space must be there. */
		if (fdt_reg(fdt, node, 0, &base, &size) < 0 ||
		    size < VIRTIO_MMIO_CONFIG) {
			kprintf("virtio-mmio: node %s has no usable reg\n",
				fdt_node_name(fdt, node));
			continue;
		}
		virtio_mmio_probe(fdt, node, base, size);
	}
}
