/*
 * Virtio network device (virtio 1.2, section 5.1), over either transport
 * (drivers/virtio.h); the netdev interface (net/netdev.h) on top.
 *
 * The plainest device that works: one receive queue (0) and one transmit
 * queue (1), no control queue, no offloads, no mergeable receive buffers.
 * The driver accepts VIRTIO_F_VERSION_1 (required of a modern device),
 * and VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS when offered.
 *
 * Every buffer holds the virtio_net_hdr and the frame right after it
 * (5.1.6, 2.7.4), in one descriptor. Each receive buffer is Kite's for
 * good: posted at start-up, handed to the stack in place when the
 * device fills it, and posted again right after. Each transmit buffer
 * is one the frame is copied into.
 *
 * Memory goes through the DMA API (drivers/dma.h) with the struct
 * dma_dev the transport filled in: the rings are coherent allocations
 * (virtqueue.c), the buffers two streaming mappings made at start-up,
 * receive buffers FROM_DEVICE and transmit buffers TO_DEVICE. A receive
 * buffer is synced for the CPU when the device returns it and for the
 * device when it is posted again; a transmit buffer for the device
 * once the frame is in it. The device is told bus addresses only.
 *
 * A legacy device (vdev->legacy, 5.1.6.1's legacy notes) differs in two
 * ways: its header lacks num_buffers unless MRG_RXBUF is negotiated, so
 * it is 10 bytes, not 12; and unless it offers VIRTIO_F_ANY_LAYOUT the
 * header must be a descriptor of its own, so each buffer is then posted
 * as two descriptors (header, frame) over the same memory.
 *
 * Interrupts follow the netdev NAPI pattern: the handler reads and
 * acknowledges the cause, suppresses queue interrupts and wakes the
 * net-poll thread, which does the work.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "drivers/virtio.h"
#include "drivers/virtqueue.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "net/netdev.h"

/* Feature bits (5.1.3; ANY_LAYOUT: 6.3, legacy devices only). */
#define VIRTIO_NET_F_MAC	(1ull << 5)
#define VIRTIO_NET_F_STATUS	(1ull << 16)
#define VIRTIO_F_ANY_LAYOUT	(1ull << 27)

/* struct virtio_net_config (5.1.4): field offsets. */
#define VIRTIO_NET_CFG_MAC	0	/* u8 mac[6] */
#define VIRTIO_NET_CFG_STATUS	6	/* le16, if VIRTIO_NET_F_STATUS */
#define VIRTIO_NET_S_LINK_UP	1

/* Virtqueues (5.1.2). */
#define VNET_RXQ		0
#define VNET_TXQ		1

/*
 * struct virtio_net_hdr (5.1.6): flags, gso_type, hdr_len, gso_size,
 * csum_start, csum_offset and, with VIRTIO_F_VERSION_1, num_buffers:
 * 12 bytes; a legacy device without MRG_RXBUF has no num_buffers: 10.
 * All zero on transmit means "no checksum to fill in, no segmentation"
 * (5.1.6.2); on receive Kite negotiated nothing that makes the device
 * set any of it, so it is skipped.
 */
#define VNET_HDR_LEN		12
#define VNET_HDR_LEN_LEGACY	10
/* 5.1.6.3.1: without MRG_RXBUF or guest TSO/UFO, receive buffers hold
 * at least the header and a full 1514-byte frame. */
#define VNET_BUF_STRIDE		1536	/* keeps buffers 64-byte aligned */
/* Buffer areas start on a page and fill whole pages, so that no cache
 * line of them holds anything else whatever the line size: a line
 * shared with the CPU's data could not be invalidated safely. */
#define VNET_BUF_ALIGN		4096
_Static_assert(VNET_HDR_LEN + ETH_FRAME_MAX <= VNET_BUF_STRIDE,
	       "a receive buffer holds the header and a whole frame");
/* Entries per queue at most (QEMU offers 256); memory per queue is
 * this many buffers. */
#define VNET_QUEUE_SIZE		256
/* Spins waiting for a reset to complete. */
#define VNET_RESET_SPINS	1000000

struct virtio_net {
	struct netdev ndev;
	struct virtio_device *vdev;
	uint64_t features;		/* negotiated */
	uint32_t hdr_len;		/* VNET_HDR_LEN or _LEGACY */
	bool hdr_split;			/* header in a descriptor of its own */
	struct virtqueue *rxq, *txq;
	unsigned rx_nbufs, tx_nbufs;	/* a buffer per entry, or per two */
	uint8_t *rx_bufs;		/* rx_nbufs buffers */
	uint8_t *tx_bufs;		/* tx_nbufs buffers */
	size_t rx_bytes, tx_bytes;	/* their mapped sizes */
	dma_addr_t rx_bus, tx_bus;	/* their bus addresses */
	bool rx_mapped, tx_mapped;
	uint8_t **tx_free;		/* transmit buffers not in the ring */
	unsigned tx_nfree;
	volatile bool config_changed;	/* set by the interrupt handler */
	bool link;			/* as last reported */
	bool broken_logged;
	uint32_t rx_errors_seen, tx_errors_seen;
};

/* --- the device's side of things ---------------------------------------- */

/* Write 0 to status and wait for the device to read back 0 (2.4,
 * 4.1.4.3.2). */
static int vnet_reset(struct virtio_device *vdev)
{
	vdev->ops->set_status(vdev, 0);
	for (int i = 0; i < VNET_RESET_SPINS; i++)
		if (vdev->ops->get_status(vdev) == 0)
			return 0;
	return -EIO;
}

static void vnet_set_status(struct virtio_device *vdev, uint8_t bits)
{
	vdev->ops->set_status(vdev, vdev->ops->get_status(vdev) | bits);
}

/* Legacy devices (3.1.2): no VIRTIO_F_VERSION_1 and no FEATURES_OK
 * step; the device takes what the driver writes. */
static int vnet_negotiate_legacy(struct virtio_net *vn)
{
	struct virtio_device *vdev = vn->vdev;
	uint64_t offered = vdev->ops->get_features(vdev);

	vn->features = offered & (VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS |
				  VIRTIO_F_ANY_LAYOUT);
	vdev->ops->set_features(vdev, vn->features);
	vn->hdr_len = VNET_HDR_LEN_LEGACY;
	vn->hdr_split = !(vn->features & VIRTIO_F_ANY_LAYOUT);
	return 0;
}

/* 3.1.1 steps 4-6: take what we understand, and check that the device
 * agrees to it. */
static int vnet_negotiate(struct virtio_net *vn)
{
	struct virtio_device *vdev = vn->vdev;
	uint64_t offered = vdev->ops->get_features(vdev);

	if (vdev->legacy)
		return vnet_negotiate_legacy(vn);
	if (!(offered & VIRTIO_F_VERSION_1)) {
		kprintf("%s: device does not offer VIRTIO_F_VERSION_1 "
			"(legacy only), ignored\n", vdev->bus_info);
		return -ENODEV;
	}
	vn->features = VIRTIO_F_VERSION_1 |
		       (offered & (VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS));
	vdev->ops->set_features(vdev, vn->features);
	vn->hdr_len = VNET_HDR_LEN;
	vnet_set_status(vdev, VIRTIO_STATUS_FEATURES_OK);
	if (!(vdev->ops->get_status(vdev) & VIRTIO_STATUS_FEATURES_OK)) {
		kprintf("%s: device refused features 0x%llx\n", vdev->bus_info,
			(unsigned long long)vn->features);
		return -ENODEV;
	}
	return 0;
}

/* The MAC is six byte-wide fields: read them all within one
 * configuration generation (2.5.1), giving up after a few tries rather
 * than spinning on a device that never settles. */
static void vnet_read_mac(struct virtio_net *vn)
{
	struct virtio_device *vdev = vn->vdev;

	for (int tries = 0; tries < 8; tries++) {
		uint32_t gen = vdev->ops->config_generation(vdev);
		for (int i = 0; i < ETH_ALEN; i++)
			vn->ndev.mac[i] = (uint8_t)vdev->ops->read_config(
				vdev, VIRTIO_NET_CFG_MAC + i, 1);
		if (vdev->ops->config_generation(vdev) == gen)
			return;
	}
}

/* 5.1.4.2: without VIRTIO_NET_F_MAC, a locally administered address.
 * The free-running counter at probe time differs from boot to boot. */
static void vnet_random_mac(struct virtio_net *vn)
{
	uint64_t r = arch_timer_count() * 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < ETH_ALEN; i++)
		vn->ndev.mac[i] = (uint8_t)(r >> (8 * i + 8));
	vn->ndev.mac[0] = (uint8_t)((vn->ndev.mac[0] & 0xfe) | 0x02);
}

static bool vnet_link_up(struct netdev *dev)
{
	struct virtio_net *vn = dev->priv;

	/* 5.1.4.2: without VIRTIO_NET_F_STATUS, assume the link is up. */
	if (!(vn->features & VIRTIO_NET_F_STATUS))
		return true;
	return vn->vdev->ops->read_config(vn->vdev, VIRTIO_NET_CFG_STATUS, 2) &
	       VIRTIO_NET_S_LINK_UP;
}

/* Size a queue (at most VNET_QUEUE_SIZE, a power of two, 2.7), build
 * its rings and give them to the device (4.1.5.1.3, 4.2.3.2). */
static struct virtqueue *vnet_setup_queue(struct virtio_net *vn,
					  unsigned index)
{
	struct virtio_device *vdev = vn->vdev;
	unsigned max = vdev->ops->queue_max(vdev, index);
	unsigned size = VNET_QUEUE_SIZE;

	if (max == 0) {
		kprintf("%s: queue %u missing\n", vdev->bus_info, index);
		return NULL;
	}
	while (size > max)
		size /= 2;
	struct virtqueue *vq =
		virtq_create(&vdev->dma, (uint16_t)index, size, vdev->legacy);
	if (!vq) {
		kprintf("%s: no memory for queue %u\n", vdev->bus_info, index);
		return NULL;
	}
	if (vdev->ops->queue_setup(vdev, index, size, virtq_desc_bus(vq),
				   virtq_avail_bus(vq),
				   virtq_used_bus(vq)) < 0) {
		kprintf("%s: cannot set up queue %u\n", vdev->bus_info, index);
		virtq_destroy(vq);
		return NULL;
	}
	return vq;
}

static void vnet_notify(struct virtio_net *vn, struct virtqueue *vq)
{
	if (virtq_publish(vq))
		vn->vdev->ops->notify(vn->vdev, vq->index);
}

/* --- receive ---------------------------------------------------------- */

/* The bus address of a receive or transmit buffer: its offset in the
 * mapping of its area. */
static dma_addr_t vnet_bus(const struct virtio_net *vn, const uint8_t *buf)
{
	if (buf >= vn->rx_bufs && buf < vn->rx_bufs + vn->rx_bytes)
		return vn->rx_bus + (dma_addr_t)(buf - vn->rx_bufs);
	return vn->tx_bus + (dma_addr_t)(buf - vn->tx_bufs);
}

/* The bytes a receive buffer offers the device. */
static uint32_t vnet_rx_len(const struct virtio_net *vn)
{
	return vn->hdr_len + ETH_FRAME_MAX;
}

/* The descriptors for `len` bytes of buf, header first: one, or two
 * when the header must be a descriptor of its own. Returns how many. */
static unsigned vnet_bufs(const struct virtio_net *vn, uint8_t *buf,
			  uint32_t len, struct virtq_buf b[2])
{
	dma_addr_t bus = vnet_bus(vn, buf);

	if (!vn->hdr_split) {
		b[0] = (struct virtq_buf){ bus, len };
		return 1;
	}
	b[0] = (struct virtq_buf){ bus, vn->hdr_len };
	b[1] = (struct virtq_buf){ bus + vn->hdr_len, len - vn->hdr_len };
	return 2;
}

/* Give a receive buffer to the device (5.1.6.3): device-writable. It
 * cannot fail for a buffer just taken back, as its descriptors were
 * just freed; if it did, the ring would only be one buffer shorter. */
static void vnet_post_rx(struct virtio_net *vn, uint8_t *buf)
{
	struct virtq_buf b[2];
	unsigned n = vnet_bufs(vn, buf, vnet_rx_len(vn), b);

	dma_sync_for_device(&vn->vdev->dma, b[0].addr, vnet_rx_len(vn),
			    DMA_FROM_DEVICE);
	if (virtq_add(vn->rxq, b, 0, n, buf) < 0)
		vn->ndev.stats.rx_errors++;
}

/* One filled receive buffer (5.1.6.4): len counts the header too. */
static void vnet_receive(struct virtio_net *vn, uint8_t *buf, uint32_t len)
{
	struct netdev *dev = &vn->ndev;

	if (len < vn->hdr_len + ETH_HLEN || len > vn->hdr_len + ETH_FRAME_MAX ||
	    !dev->rx) {
		dev->stats.rx_dropped++;
		return;
	}
	const uint8_t *frame = buf + vn->hdr_len;
	size_t n = len - vn->hdr_len;

	dev->stats.rx_packets++;
	dev->stats.rx_bytes += n;
	if (frame[0] & 1)
		dev->stats.rx_multicast++;	/* broadcast included */
	dev->rx(dev, frame, n);
}

/* --- transmit ----------------------------------------------------------- */

static void vnet_reclaim_tx(struct virtio_net *vn)
{
	uint32_t len;
	uint8_t *buf;

	while ((buf = virtq_get_used(vn->txq, &len)))
		vn->tx_free[vn->tx_nfree++] = buf;
}

/*
 * 5.1.6.2: the frame goes after a zeroed header, in one device-readable
 * descriptor. Counted as sent once the device has it: virtio reports no
 * transmit errors.
 */
static int vnet_xmit(struct netdev *dev, const void *frame, size_t len)
{
	struct virtio_net *vn = dev->priv;

	if (len < ETH_HLEN || len > ETH_FRAME_MAX)
		return -EINVAL;
	if (!vn->tx_nfree)
		vnet_reclaim_tx(vn);
	if (!vn->tx_nfree)
		return -EAGAIN;

	uint8_t *buf = vn->tx_free[--vn->tx_nfree];
	memset(buf, 0, vn->hdr_len);
	memcpy(buf + vn->hdr_len, frame, len);
	struct virtq_buf b[2];
	unsigned n = vnet_bufs(vn, buf, vn->hdr_len + (uint32_t)len, b);
	dma_sync_for_device(&vn->vdev->dma, b[0].addr,
			    vn->hdr_len + (uint32_t)len, DMA_TO_DEVICE);
	if (virtq_add(vn->txq, b, n, 0, buf) < 0) {
		vn->tx_free[vn->tx_nfree++] = buf;	/* a broken queue */
		return -EAGAIN;
	}
	vnet_notify(vn, vn->txq);
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += len;
	return 0;
}

/* --- polling and interrupts --------------------------------------------- */

/* Bogus used entries the rings skipped become error counts; a ring the
 * device corrupted beyond use is reported once. */
static void vnet_check_rings(struct virtio_net *vn)
{
	struct netdev *dev = &vn->ndev;

	dev->stats.rx_errors += vn->rxq->errors - vn->rx_errors_seen;
	vn->rx_errors_seen = vn->rxq->errors;
	dev->stats.tx_errors += vn->txq->errors - vn->tx_errors_seen;
	vn->tx_errors_seen = vn->txq->errors;
	if ((vn->rxq->broken || vn->txq->broken) && !vn->broken_logged) {
		kprintf("%s: device corrupted its %s ring; stopped\n",
			dev->name, vn->rxq->broken ? "receive" : "transmit");
		vn->broken_logged = true;
	}
}

static void vnet_check_link(struct virtio_net *vn)
{
	vn->config_changed = false;
	bool up = vnet_link_up(&vn->ndev);
	if (up != vn->link) {
		kprintf("%s: link %s\n", vn->ndev.name, up ? "up" : "down");
		vn->link = up;
	}
}

static int vnet_poll(struct netdev *dev, int budget)
{
	struct virtio_net *vn = dev->priv;
	int done = 0;

	vnet_reclaim_tx(vn);
	if (vn->config_changed)
		vnet_check_link(vn);

	while (done < budget) {
		uint32_t len;
		uint8_t *buf = virtq_get_used(vn->rxq, &len);
		if (!buf)
			break;
		dma_sync_for_cpu(&vn->vdev->dma, vnet_bus(vn, buf),
				 vnet_rx_len(vn), DMA_FROM_DEVICE);
		vnet_receive(vn, buf, len);
		vnet_post_rx(vn, buf);	/* the stack is done with it */
		done++;
	}
	if (done)
		vnet_notify(vn, vn->rxq);
	vnet_check_rings(vn);
	return done;
}

static void vnet_irq_enable(struct netdev *dev, bool enable)
{
	struct virtio_net *vn = dev->priv;

	virtq_set_interrupts(vn->rxq, enable);
	virtq_set_interrupts(vn->txq, enable);
}

/*
 * The line may be shared (PCI INTx): the ISR read says whether this
 * device raised it, and acknowledges it (4.1.4.5, 4.2.3.4).
 */
static enum irqreturn vnet_interrupt(void *ctx)
{
	struct virtio_net *vn = ctx;
	uint8_t isr = vn->vdev->ops->isr_ack(vn->vdev);

	if (!isr)
		return IRQ_NONE;
	if (isr & VIRTIO_ISR_QUEUE)
		vnet_irq_enable(&vn->ndev, false);
	if (isr & VIRTIO_ISR_CONFIG)
		vn->config_changed = true;
	return IRQ_WAKE_POLLER;
}

static const struct netdev_ops vnet_ops = {
	.xmit = vnet_xmit,
	.poll = vnet_poll,
	.irq_enable = vnet_irq_enable,
	.link_up = vnet_link_up,
};

/* --- probe ------------------------------------------------------------- */

static void vnet_free(struct virtio_net *vn)
{
	virtq_destroy(vn->rxq);
	virtq_destroy(vn->txq);
	if (vn->rx_mapped)
		dma_unmap(&vn->vdev->dma, vn->rx_bus, vn->rx_bytes,
			  DMA_FROM_DEVICE);
	if (vn->tx_mapped)
		dma_unmap(&vn->vdev->dma, vn->tx_bus, vn->tx_bytes,
			  DMA_TO_DEVICE);
	free(vn->rx_bufs);
	free(vn->tx_bufs);
	free(vn->tx_free);
	free(vn);
}

/* 3.1.1 step 7, the device-specific part (5.1.5): queues, buffers, a
 * full receive ring. Nothing is notified yet: not before DRIVER_OK. */
static int vnet_setup(struct virtio_net *vn)
{
	vn->rxq = vnet_setup_queue(vn, VNET_RXQ);
	vn->txq = vnet_setup_queue(vn, VNET_TXQ);
	if (!vn->rxq || !vn->txq)
		return -ENODEV;

	/* As many buffers as the rings hold at once, so that a free
	 * transmit buffer always has its descriptors free too. */
	unsigned per = vn->hdr_split ? 2 : 1;
	vn->rx_nbufs = vn->rxq->size / per;
	vn->tx_nbufs = vn->txq->size / per;
	if (!vn->rx_nbufs || !vn->tx_nbufs) {
		kprintf("%s: queues too short\n", vn->vdev->bus_info);
		return -ENODEV;
	}
	vn->rx_bytes = ((size_t)vn->rx_nbufs * VNET_BUF_STRIDE +
			VNET_BUF_ALIGN - 1) & ~(size_t)(VNET_BUF_ALIGN - 1);
	vn->tx_bytes = ((size_t)vn->tx_nbufs * VNET_BUF_STRIDE +
			VNET_BUF_ALIGN - 1) & ~(size_t)(VNET_BUF_ALIGN - 1);
	vn->rx_bufs = memalign(VNET_BUF_ALIGN, vn->rx_bytes);
	vn->tx_bufs = memalign(VNET_BUF_ALIGN, vn->tx_bytes);
	vn->tx_free = malloc(vn->tx_nbufs * sizeof(*vn->tx_free));
	if (!vn->rx_bufs || !vn->tx_bufs || !vn->tx_free) {
		kprintf("%s: out of memory for buffers\n", vn->vdev->bus_info);
		return -ENOMEM;
	}
	vn->rx_bus = dma_map(&vn->vdev->dma, vn->rx_bufs, vn->rx_bytes,
			     DMA_FROM_DEVICE);
	vn->tx_bus = dma_map(&vn->vdev->dma, vn->tx_bufs, vn->tx_bytes,
			     DMA_TO_DEVICE);
	vn->rx_mapped = vn->rx_bus != DMA_MAPPING_ERROR;
	vn->tx_mapped = vn->tx_bus != DMA_MAPPING_ERROR;
	if (!vn->rx_mapped || !vn->tx_mapped) {
		kprintf("%s: buffers out of the device's DMA reach\n",
			vn->vdev->bus_info);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < vn->tx_nbufs; i++)
		vn->tx_free[vn->tx_nfree++] = vn->tx_bufs + i * VNET_BUF_STRIDE;
	for (unsigned i = 0; i < vn->rx_nbufs; i++)
		vnet_post_rx(vn, vn->rx_bufs + i * VNET_BUF_STRIDE);
	virtq_publish(vn->rxq);
	return 0;
}

/* Register the interrupt, or fall back to polling. */
static void vnet_setup_irq(struct virtio_net *vn)
{
	struct netdev *dev = &vn->ndev;
	int virq = vn->vdev->irq;

	if (virq >= 0 &&
	    irq_register_shared(virq, dev->name, vnet_interrupt, vn) == 0) {
		dev->irq = virq;
		return;
	}
	dev->irq = -1;
	dev->polled = true;
	/* Nobody would take the interrupts: ask the device for none. */
	vnet_irq_enable(dev, false);
	kprintf("%s: no usable interrupt, polling\n", dev->name);
}

int virtio_net_probe(struct virtio_device *vdev)
{
	struct virtio_net *vn = calloc(1, sizeof(*vn));
	char mac[18];
	int err;

	if (!vn)
		return -ENOMEM;
	vn->vdev = vdev;
	vdev->priv = vn;

	/* 3.1.1 steps 1-3: reset, then "I see you" and "I can drive you". */
	if (vnet_reset(vdev) < 0) {
		kprintf("%s: device does not complete its reset\n",
			vdev->bus_info);
		free(vn);
		return -EIO;
	}
	vnet_set_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE);
	vnet_set_status(vdev, VIRTIO_STATUS_DRIVER);

	err = vnet_negotiate(vn);
	if (err == 0)
		err = vnet_setup(vn);
	if (err < 0) {
		/* 3.1.1: give up with FAILED, after a reset so that the
		 * device lets go of the rings about to be freed. */
		vnet_reset(vdev);
		vdev->ops->set_status(vdev, VIRTIO_STATUS_FAILED);
		vnet_free(vn);
		return err;
	}
	bool have_mac = vn->features & VIRTIO_NET_F_MAC;
	if (have_mac)
		vnet_read_mac(vn);
	else
		vnet_random_mac(vn);

	struct netdev *dev = &vn->ndev;
	dev->driver = "virtio-net";
	memcpy(dev->bus_info, vdev->bus_info, sizeof(dev->bus_info));
	dev->mtu = 1500;
	dev->ops = &vnet_ops;
	dev->priv = vn;
	dev->irq = -1;
	if (netdev_register(dev) < 0) {
		kprintf("%s: too many network devices, ignored\n",
			vdev->bus_info);
		vnet_reset(vdev);
		vdev->ops->set_status(vdev, VIRTIO_STATUS_FAILED);
		vnet_free(vn);
		return -ENOSPC;
	}
	/*
	 * The interrupt is part of 3.1.1 step 7 ("optional per-bus setup"):
	 * the handler must be on the line before DRIVER_OK. The device may
	 * fill a receive buffer and interrupt as soon as the ring is
	 * announced (QEMU hands over the frames that queued up on the link
	 * meanwhile inside that very notify); with no handler to read the
	 * ISR, a PCI INTx line stays asserted and the device's later frames
	 * raise no new edge.
	 */
	vnet_setup_irq(vn);

	/* 3.1.1 step 8: live. Now the receive ring may be announced. */
	vnet_set_status(vdev, VIRTIO_STATUS_DRIVER_OK);
	vdev->ops->notify(vdev, VNET_RXQ);
	vn->link = vnet_link_up(dev);

	if (!have_mac)
		kprintf("%s: device has no MAC, using a random local one\n",
			dev->name);
	if (dev->polled)
		kprintf("%s: virtio-net at %s polled, mac %s, link %s\n",
			dev->name, vdev->bus_info,
			netdev_format_mac(dev->mac, mac),
			vn->link ? "up" : "down");
	else
		kprintf("%s: virtio-net at %s irq %d, mac %s, link %s\n",
			dev->name, vdev->bus_info, dev->irq,
			netdev_format_mac(dev->mac, mac),
			vn->link ? "up" : "down");
	if (vdev->legacy)
		kprintf("%s: legacy virtio interface, %u-byte header%s\n",
			dev->name, (unsigned)vn->hdr_len,
			vn->hdr_split ? " in a descriptor of its own" : "");
	return 0;
}
