/*
 * Virtio devices (OASIS VIRTIO 1.2): the transport abstraction that
 * lets one device driver (virtio_net.c) run over either transport.
 *
 *   virtio_mmio.c   virtio over MMIO, register layout version 2 (4.2),
 *                   and the legacy version 1 (4.2.4), QEMU's default
 *   virtio_pci.c    virtio over PCI, modern capabilities (4.1)
 *
 * A transport finds a device, maps its registers, fills in a struct
 * virtio_device and hands it to the driver for its device type. The
 * driver then follows the generic initialisation of 3.1.1 through the
 * ops below and never touches a register itself. A legacy (virtio
 * 0.9.5) device says so in vdev->legacy: the driver then offers no
 * VIRTIO_F_VERSION_1, skips FEATURES_OK, lays its queues out the legacy
 * way (virtqueue.h) and uses the device's legacy formats. PCI devices
 * are driven through their modern interface only (QEMU's are
 * transitional: they have both).
 *
 * Contexts: probing runs once at boot, before the net-poll thread
 * starts; after that the queue and feature ops are called from the
 * net-poll thread only, isr_ack from the device's interrupt handler, and
 * read_config (a link status read) from any thread.
 */
#ifndef KITE_VIRTIO_H
#define KITE_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/dma.h"

struct fdt;
struct pci_driver;

/* Device status bits (2.1). Writing 0 resets the device. */
#define VIRTIO_STATUS_ACKNOWLEDGE	1	/* guest saw the device */
#define VIRTIO_STATUS_DRIVER		2	/* and can drive it */
#define VIRTIO_STATUS_DRIVER_OK		4	/* the device is live */
#define VIRTIO_STATUS_FEATURES_OK	8	/* features agreed */
#define VIRTIO_STATUS_NEEDS_RESET	64	/* device gave up */
#define VIRTIO_STATUS_FAILED		128	/* driver gave up */

/* Device-independent feature bits (6). */
#define VIRTIO_F_VERSION_1		(1ull << 32)	/* not legacy */

/* Interrupt causes, as the MMIO InterruptStatus register and the PCI
 * ISR status byte both define them (4.1.4.5, 4.2.2). */
#define VIRTIO_ISR_QUEUE		1	/* used buffer notification */
#define VIRTIO_ISR_CONFIG		2	/* configuration changed */

/* Device types (5). */
#define VIRTIO_ID_NET			1

struct virtio_device;

struct virtio_ops {
	/* Device status (2.1); set_status(0) starts a reset, which is
	 * complete when get_status() reads 0 (4.1.4.3.2). */
	uint8_t (*get_status)(struct virtio_device *vdev);
	void (*set_status)(struct virtio_device *vdev, uint8_t status);

	/* All 64 feature bits the device offers; the ones the driver
	 * accepts (2.2). A legacy device has only the low 32. */
	uint64_t (*get_features)(struct virtio_device *vdev);
	void (*set_features)(struct virtio_device *vdev, uint64_t features);

	/* Device-specific configuration space (2.5): a field of `width`
	 * bytes (1, 2 or 4; the field's own width) at byte offset off. Out
	 * of range reads return 0 and writes are ignored. The generation
	 * changes whenever the device changed the space, so a multi-field
	 * read is consistent if it reads the same before and after. */
	uint32_t (*read_config)(struct virtio_device *vdev, unsigned off,
				unsigned width);
	void (*write_config)(struct virtio_device *vdev, unsigned off,
			     unsigned width, uint32_t value);
	uint32_t (*config_generation)(struct virtio_device *vdev);

	/* The largest size queue `index` can have; 0 if it does not exist
	 * or is already in use. */
	unsigned (*queue_max)(struct virtio_device *vdev, unsigned index);
	/* Give the device queue `index`: its size and the bus
	 * addresses of its descriptor table, available ring and used ring,
	 * then enable it. 0, or -EINVAL if the transport cannot (a legacy
	 * transport: the rings are not in the legacy layout). */
	int (*queue_setup)(struct virtio_device *vdev, unsigned index,
			   unsigned size, uint64_t desc, uint64_t avail,
			   uint64_t used);
	/* Available buffer notification for queue `index` (2.3). */
	void (*notify)(struct virtio_device *vdev, unsigned index);

	/* Read the interrupt cause (VIRTIO_ISR_*) and acknowledge it; 0
	 * means the interrupt was not this device's (lines can be shared). */
	uint8_t (*isr_ack)(struct virtio_device *vdev);
};

struct virtio_device {
	const struct virtio_ops *ops;
	uint32_t device_id;	/* VIRTIO_ID_* */
	bool legacy;		/* a virtio 0.9.5 interface (MMIO version 1) */
	int irq;		/* virq, or negative: no interrupt */
	char bus_info[24];	/* "virtio-mmio@a003e00", "0000:00:05.0" */
	struct dma_dev dma;	/* how the device sees memory (transport) */
	void *priv;		/* the device driver's */
};

/* Probe every "virtio,mmio" node of the device tree and bind the devices
 * Kite has drivers for, in either register layout. Logs unsupported
 * devices; empty slots (device id 0) are skipped silently. */
void virtio_mmio_init(const struct fdt *fdt);

/* The PCI transport, for pci_drivers[] (drivers/pci_drivers.c). */
extern const struct pci_driver virtio_pci_driver;

/* Device drivers, called by a transport with a device of their type.
 * 0, or a negative errno after leaving the device reset or FAILED; the
 * transport then frees what it allocated. */
int virtio_net_probe(struct virtio_device *vdev);

#endif
