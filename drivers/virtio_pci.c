/*
 * Virtio over PCI (virtio 1.2, section 4.1), the modern interface.
 *
 * A modern virtio function describes where its registers are with vendor
 * capabilities (4.1.4) in its PCI config space, each naming a BAR, an
 * offset and a length:
 *
 *   common   feature bits, device status, queue set-up (4.1.4.3)
 *   notify   the doorbells, one per queue at queue_notify_off *
 *            notify_off_multiplier (4.1.4.4)
 *   ISR      one byte: why the device interrupted; reading it clears it
 *            and lowers INTx (4.1.4.5)
 *   device   the device-specific configuration (4.1.4.6)
 *
 * Kite uses legacy INTx (pci.c enables no MSI-X): the ISR byte is how a
 * handler on a shared INTx line knows whether its device raised it.
 * Transitional devices (device id 0x1000) also carry the modern
 * capabilities and are driven through them; a device without them is
 * legacy-only and refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch/mmio.h"
#include "drivers/pci.h"
#include "drivers/virtio.h"
#include "kernel/list.h"
#include "kernel/printk.h"

#define VIRTIO_PCI_VENDOR		0x1af4
#define VIRTIO_PCI_DEVICE_NET_TRANS	0x1000	/* transitional (4.1.2) */
#define VIRTIO_PCI_DEVICE_MODERN	0x1040	/* + virtio device id */

/* struct virtio_pci_cap (4.1.4): offsets within the capability. */
#define VIRTIO_PCI_CAP_CFG_TYPE		3
#define VIRTIO_PCI_CAP_BAR		4
#define VIRTIO_PCI_CAP_OFFSET		8
#define VIRTIO_PCI_CAP_LENGTH		12
#define VIRTIO_PCI_NOTIFY_CAP_MULT	16	/* notify_off_multiplier */

/* cfg_type values. */
#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4

/* struct virtio_pci_common_cfg (4.1.4.3): field offsets. */
#define COMMON_DFSELECT		0x00	/* device_feature_select */
#define COMMON_DF		0x04	/* device_feature */
#define COMMON_GFSELECT		0x08	/* driver_feature_select */
#define COMMON_GF		0x0c	/* driver_feature */
#define COMMON_STATUS		0x14	/* device_status, 8 bits */
#define COMMON_CFGGENERATION	0x15	/* config_generation, 8 bits */
#define COMMON_Q_SELECT		0x16
#define COMMON_Q_SIZE		0x18
#define COMMON_Q_ENABLE		0x1c
#define COMMON_Q_NOFF		0x1e	/* queue_notify_off */
#define COMMON_Q_DESCLO		0x20
#define COMMON_Q_DESCHI		0x24
#define COMMON_Q_AVAILLO	0x28	/* queue_driver */
#define COMMON_Q_AVAILHI	0x2c
#define COMMON_Q_USEDLO		0x30	/* queue_device */
#define COMMON_Q_USEDHI		0x34
#define COMMON_LEN		0x38	/* as far as Kite reads */

/* Doorbells remembered per queue; virtio-net uses two. */
#define VIRTIO_PCI_QUEUES_MAX		4

struct virtio_pci {
	struct virtio_device vdev;
	struct pci_dev *pdev;
	uintptr_t common;
	uintptr_t isr;
	uintptr_t device;	/* 0 if the device has no such structure */
	uint32_t device_len;
	uintptr_t notify;
	uint32_t notify_len;
	uint32_t notify_mult;
	uintptr_t doorbell[VIRTIO_PCI_QUEUES_MAX];
};

static struct virtio_pci *to_vp(struct virtio_device *vdev)
{
	return container_of(vdev, struct virtio_pci, vdev);
}

static uint8_t vp_get_status(struct virtio_device *vdev)
{
	return readb(to_vp(vdev)->common + COMMON_STATUS);
}

static void vp_set_status(struct virtio_device *vdev, uint8_t status)
{
	writeb(status, to_vp(vdev)->common + COMMON_STATUS);
}

static uint64_t vp_get_features(struct virtio_device *vdev)
{
	uintptr_t c = to_vp(vdev)->common;

	writel(1, c + COMMON_DFSELECT);
	uint64_t hi = readl(c + COMMON_DF);
	writel(0, c + COMMON_DFSELECT);
	uint64_t lo = readl(c + COMMON_DF);
	return hi << 32 | lo;
}

static void vp_set_features(struct virtio_device *vdev, uint64_t features)
{
	uintptr_t c = to_vp(vdev)->common;

	writel(1, c + COMMON_GFSELECT);
	writel((uint32_t)(features >> 32), c + COMMON_GF);
	writel(0, c + COMMON_GFSELECT);
	writel((uint32_t)features, c + COMMON_GF);
}

static bool config_in_range(struct virtio_pci *vp, unsigned off,
			    unsigned width)
{
	return vp->device && (width == 1 || width == 2 || width == 4) &&
	       off % width == 0 && (uint64_t)off + width <= vp->device_len;
}

/* 4.1.3.1: each field with its own width. */
static uint32_t vp_read_config(struct virtio_device *vdev, unsigned off,
			       unsigned width)
{
	struct virtio_pci *vp = to_vp(vdev);

	if (!config_in_range(vp, off, width))
		return 0;
	uintptr_t a = vp->device + off;
	return read_width(a, width);
}

static void vp_write_config(struct virtio_device *vdev, unsigned off,
			    unsigned width, uint32_t v)
{
	struct virtio_pci *vp = to_vp(vdev);

	if (!config_in_range(vp, off, width))
		return;
	uintptr_t a = vp->device + off;
	write_width(v, a, width);
}

static uint32_t vp_config_generation(struct virtio_device *vdev)
{
	return readb(to_vp(vdev)->common + COMMON_CFGGENERATION);
}

/* 4.1.5.1.3 steps 1-2: queue_size reads the maximum until written; a
 * queue already enabled is not ours to set up. */
static unsigned vp_queue_max(struct virtio_device *vdev, unsigned index)
{
	uintptr_t c = to_vp(vdev)->common;

	writew((uint16_t)index, c + COMMON_Q_SELECT);
	if (readw(c + COMMON_Q_ENABLE))
		return 0;
	return readw(c + COMMON_Q_SIZE);
}

static int vp_queue_setup(struct virtio_device *vdev, unsigned index,
			  unsigned size, uint64_t desc, uint64_t avail,
			  uint64_t used)
{
	struct virtio_pci *vp = to_vp(vdev);
	uintptr_t c = vp->common;

	if (index >= VIRTIO_PCI_QUEUES_MAX)
		return -EINVAL;
	writew((uint16_t)index, c + COMMON_Q_SELECT);

	/* 4.1.4.4: this queue's doorbell, which must lie inside the
	 * notification structure. */
	uint64_t off = (uint64_t)readw(c + COMMON_Q_NOFF) * vp->notify_mult;
	if (off + 2 > vp->notify_len)
		return -EINVAL;
	vp->doorbell[index] = vp->notify + (uintptr_t)off;

	/* 4.1.3: 64-bit fields as two 32-bit halves, low first. The
	 * queue is enabled last (4.1.4.3.2). */
	writew((uint16_t)size, c + COMMON_Q_SIZE);
	writel((uint32_t)desc, c + COMMON_Q_DESCLO);
	writel((uint32_t)(desc >> 32), c + COMMON_Q_DESCHI);
	writel((uint32_t)avail, c + COMMON_Q_AVAILLO);
	writel((uint32_t)(avail >> 32), c + COMMON_Q_AVAILHI);
	writel((uint32_t)used, c + COMMON_Q_USEDLO);
	writel((uint32_t)(used >> 32), c + COMMON_Q_USEDHI);
	writew(1, c + COMMON_Q_ENABLE);
	return 0;
}

/* 4.1.5.2: write the queue's index to its doorbell. */
static void vp_notify(struct virtio_device *vdev, unsigned index)
{
	struct virtio_pci *vp = to_vp(vdev);

	if (index < VIRTIO_PCI_QUEUES_MAX && vp->doorbell[index])
		writew((uint16_t)index, vp->doorbell[index]);
}

/* 4.1.4.5: the read itself acknowledges and de-asserts INTx. */
static uint8_t vp_isr_ack(struct virtio_device *vdev)
{
	return readb(to_vp(vdev)->isr) & (VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
}

static const struct virtio_ops virtio_pci_ops = {
	.get_status = vp_get_status,
	.set_status = vp_set_status,
	.get_features = vp_get_features,
	.set_features = vp_set_features,
	.read_config = vp_read_config,
	.write_config = vp_write_config,
	.config_generation = vp_config_generation,
	.queue_max = vp_queue_max,
	.queue_setup = vp_queue_setup,
	.notify = vp_notify,
	.isr_ack = vp_isr_ack,
};

/*
 * The CPU address of the structure a capability describes, or 0 if it
 * cannot be used: a reserved BAR number (4.1.4.1), a BAR that is absent,
 * unassigned or I/O (Kite assigns no I/O space), or a structure that
 * does not fit inside its BAR.
 */
static uintptr_t cap_address(const struct pci_dev *pdev, unsigned cap,
			     uint32_t *len)
{
	uint8_t bar = pci_read8(pdev, cap + VIRTIO_PCI_CAP_BAR);
	uint32_t off = pci_read32(pdev, cap + VIRTIO_PCI_CAP_OFFSET);

	*len = pci_read32(pdev, cap + VIRTIO_PCI_CAP_LENGTH);
	if (bar > 5)
		return 0;
	const struct pci_bar *b = &pdev->bar[bar];
	if (!b->size || !b->addr || b->io ||
	    (uint64_t)off + *len > b->size)
		return 0;
	return (uintptr_t)(b->addr + off);
}

/* 4.1.5.1.1: walk the vendor capabilities, keeping the first usable
 * structure of each type (4.1.4.1: the device lists them best first). */
static int find_structures(struct virtio_pci *vp, struct pci_dev *pdev)
{
	for (unsigned cap = pci_find_capability(pdev, PCI_CAP_ID_VNDR, 0); cap;
	     cap = pci_find_capability(pdev, PCI_CAP_ID_VNDR, cap)) {
		uint8_t type = pci_read8(pdev, cap + VIRTIO_PCI_CAP_CFG_TYPE);
		uint32_t len;
		uintptr_t addr = cap_address(pdev, cap, &len);

		if (!addr)
			continue;
		if (type == VIRTIO_PCI_CAP_COMMON_CFG && !vp->common &&
		    len >= COMMON_LEN) {
			vp->common = addr;
		} else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && !vp->notify &&
			   len >= 2) {
			vp->notify = addr;
			vp->notify_len = len;
			vp->notify_mult = pci_read32(pdev,
					cap + VIRTIO_PCI_NOTIFY_CAP_MULT);
		} else if (type == VIRTIO_PCI_CAP_ISR_CFG && !vp->isr &&
			   len >= 1) {
			vp->isr = addr;
		} else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && !vp->device) {
			vp->device = addr;
			vp->device_len = len;
		}
	}
	return vp->common && vp->notify && vp->isr ? 0 : -ENODEV;
}

static bool virtio_pci_match(const struct pci_dev *pdev)
{
	return pdev->vendor == VIRTIO_PCI_VENDOR &&
	       (pdev->device == VIRTIO_PCI_DEVICE_MODERN + VIRTIO_ID_NET ||
		pdev->device == VIRTIO_PCI_DEVICE_NET_TRANS);
}

static int virtio_pci_probe(struct pci_dev *pdev)
{
	struct virtio_pci *vp = calloc(1, sizeof(*vp));
	int err;

	if (!vp)
		return -ENOMEM;
	vp->pdev = pdev;
	vp->vdev.ops = &virtio_pci_ops;
	vp->vdev.device_id = VIRTIO_ID_NET;	/* all that match() takes */
	vp->vdev.irq = pdev->irq;
	snprintf(vp->vdev.bus_info, sizeof(vp->vdev.bus_info),
		 "0000:%02x:%02x.%x", pdev->bus, pdev->dev, pdev->fn);

	if (pci_dma_dev_init(&vp->vdev.dma, pdev, vp->vdev.bus_info) < 0) {
		kprintf("%s: refused\n", vp->vdev.bus_info);
		free(vp);
		return -ENODEV;
	}
	if (find_structures(vp, pdev) < 0) {
		kprintf("%s: virtio device without usable modern "
			"capabilities (legacy only?), ignored\n",
			vp->vdev.bus_info);
		free(vp);
		return -ENODEV;
	}

	/* Quiesce the device before it may master the bus: a reset it
	 * completes when device_status reads 0 (4.1.4.3.2). The driver
	 * resets again as step 1 of 3.1.1; that costs nothing. */
	vp_set_status(&vp->vdev, 0);
	for (int i = 0; i < 1000000 && vp_get_status(&vp->vdev); i++)
		;
	pci_set_master(pdev);
	/* INTx is how it interrupts: make sure it is not masked. */
	uint16_t cmd = pci_read16(pdev, PCI_COMMAND);
	if (cmd & PCI_COMMAND_INTX_DISABLE)
		pci_write16(pdev, PCI_COMMAND, cmd & ~PCI_COMMAND_INTX_DISABLE);

	err = virtio_net_probe(&vp->vdev);
	if (err < 0) {
		/* The driver left it reset or FAILED: no more DMA. */
		cmd = pci_read16(pdev, PCI_COMMAND);
		pci_write16(pdev, PCI_COMMAND, cmd & ~PCI_COMMAND_MASTER);
		free(vp);
		return err;
	}
	pdev->driver_data = vp;
	return 0;
}

const struct pci_driver virtio_pci_driver = {
	.name = "virtio-pci",
	.match = virtio_pci_match,
	.probe = virtio_pci_probe,
};
