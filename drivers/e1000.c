/*
 * Intel 82540EM gigabit Ethernet, as QEMU emulates it (`-device e1000`).
 *
 * Section numbers are those of the PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual (317453), "the manual".
 *
 * The device moves frames through two rings of 16-byte descriptors in
 * RAM (3.2, 3.4), each descriptor with a 2 KiB buffer of its own:
 *
 *   receive   the driver lends descriptors to the device by moving RDT;
 *             the device stores frames from RDH on, sets DD in each
 *             descriptor it fills and raises RXT0;
 *   transmit  xmit() copies a frame into the buffer at TDT and moves TDT
 *             past it; the device sends from TDH on, writes DD back
 *             (the driver asks with RS) and raises TXDW.
 *
 * Index arithmetic lives in e1000_ring.h. Everything but the interrupt
 * handler and irq_enable runs on the net-poll thread (net/netdev.h), so
 * the rings need no lock. The handler only acknowledges, masks the data
 * interrupts and wakes the poller, which reclaims, receives and unmasks.
 *
 * Memory goes through the DMA API (drivers/dma.h), with the host
 * bridge's view of memory (pci_dma_dev_init()): the rings are coherent
 * allocations, so barriers alone order the driver's stores against the
 * device; the buffer areas are streaming mappings made once, receive
 * FROM_DEVICE and transmit TO_DEVICE. A receive buffer is synced for the
 * CPU once its descriptor says done and back for the device before the
 * descriptor is lent again; a transmit buffer for the device once the
 * frame is in it. Registers and descriptors get bus addresses only.
 */
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/mmio.h"
#include "drivers/dma.h"
#include "drivers/e1000.h"
#include "drivers/e1000_regs.h"
#include "drivers/e1000_ring.h"
#include "drivers/pci.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "net/netdev.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "descriptors are little-endian; this driver stores them natively"
#endif

#define E1000_NUM_RX	128   /* receive descriptors: RDLEN 2 KiB */
#define E1000_NUM_TX	64    /* transmit descriptors: TDLEN 1 KiB */
#define E1000_BUF_SIZE	2048  /* per descriptor; RCTL.BSIZE 2048 */
#define E1000_DMA_ALIGN 4096  /* rings need 16 (3.2.6), buffers none */
/* Buffer areas start on a page and fill whole pages, so that no cache
 * line of them holds anything else whatever the line size (a line
 * shared with the CPU's data could not be invalidated safely). */
#define E1000_BUF_ALIGN 4096
#define E1000_RX_RING_BYTES (E1000_NUM_RX * sizeof(struct e1000_rx_desc))
#define E1000_TX_RING_BYTES (E1000_NUM_TX * sizeof(struct e1000_tx_desc))
#define E1000_RX_BUF_BYTES  (E1000_NUM_RX * E1000_BUF_SIZE)
#define E1000_TX_BUF_BYTES  (E1000_NUM_TX * E1000_BUF_SIZE)
#define E1000_RESET_US	10000 /* reset takes microseconds */
#define E1000_EERD_US	10000 /* an EEPROM word, likewise */

/* TCTL (13.4.33): the manual's recommended collision threshold, and the
 * collision distance for full duplex, which is what QEMU's link and any
 * auto-negotiated gigabit link are (half duplex would want 200h). */
#define E1000_TCTL_CT	0x0f
#define E1000_TCTL_COLD 0x40

/* TIPG (13.4.34) for 10/100/1000BASE-T: IPGT 10, IPGR1 8, IPGR2 6 give
 * the IEEE 802.3 minimum gap of 96 bit times. */
#define E1000_TIPG_VALUE                                                       \
	(10u << E1000_TIPG_IPGT_SHIFT | 8u << E1000_TIPG_IPGR1_SHIFT |         \
	 6u << E1000_TIPG_IPGR2_SHIFT)

/* The causes that mean "the poller has work"; LSC stays enabled always. */
#define E1000_INT_DATA                                                         \
	(E1000_INT_RXT0 | E1000_INT_RXDMT0 | E1000_INT_RXO | E1000_INT_TXDW)

_Static_assert(E1000_NUM_RX * sizeof(struct e1000_rx_desc) % 128 == 0,
	       "RDLEN must be a multiple of 128 bytes (13.4.27)");
_Static_assert(E1000_NUM_TX * sizeof(struct e1000_tx_desc) % 128 == 0,
	       "TDLEN must be a multiple of 128 bytes (13.4.38)");
_Static_assert(ETH_FRAME_MAX <= E1000_BUF_SIZE, "a frame fits one buffer");

/*
 * Hardware statistics folded into dev->stats (13.7). The manual's
 * counters clear when read, so each read is the count since the last
 * one; QEMU's model keeps some of them (CRCERRS..MPC, COLC, TNCRS) as
 * running totals instead. A counter's kind is learned the first time it
 * reads non-zero, by reading it again at once: a clearing counter then
 * reads less (almost always 0), a running total at least as much. A
 * total that later goes down was a clearing counter after all.
 */
enum e1000_hwstat {
	HW_CRCERRS,
	HW_ALGNERRC,
	HW_RXERRC,
	HW_MPC,
	HW_RUC,
	HW_ROC,
	HW_COLC,
	HW_TNCRS,
	HW_NR
};

static const uint16_t e1000_hwstat_reg[HW_NR] = {
    [HW_CRCERRS] = E1000_CRCERRS, [HW_ALGNERRC] = E1000_ALGNERRC,
    [HW_RXERRC] = E1000_RXERRC,	  [HW_MPC] = E1000_MPC,
    [HW_RUC] = E1000_RUC,	  [HW_ROC] = E1000_ROC,
    [HW_COLC] = E1000_COLC,	  [HW_TNCRS] = E1000_TNCRS,
};

enum e1000_hwstat_kind { HWSTAT_UNKNOWN, HWSTAT_CLEARS, HWSTAT_TOTAL };

struct e1000 {
	struct netdev dev;
	struct pci_dev *pdev;
	uintptr_t regs; /* BAR0 */

	/* Shared with the device: volatile, so every access happens. */
	volatile struct e1000_rx_desc *rx_ring;
	volatile struct e1000_tx_desc *tx_ring;
	uint8_t *rx_buf; /* E1000_NUM_RX buffers in a row */
	uint8_t *tx_buf; /* E1000_NUM_TX buffers in a row */

	struct dma_dev dma;	     /* the device's view of memory */
	dma_addr_t rx_ring_bus, tx_ring_bus;
	dma_addr_t rx_buf_bus, tx_buf_bus;
	bool rx_mapped, tx_mapped;

	unsigned rx_next; /* next receive descriptor to clean */
	bool rx_discard;  /* dropping the rest of a split frame */
	unsigned tx_head; /* oldest transmission not reclaimed */
	unsigned tx_tail; /* next free transmit descriptor: TDT */

	bool link; /* link state last logged */
	struct {
		enum e1000_hwstat_kind kind;
		uint32_t last; /* last value of a running total */
	} hwstat[HW_NR];
};

static uint32_t e1000_read(struct e1000 *e, unsigned reg)
{
	return readl(e->regs + reg);
}

static void e1000_write(struct e1000 *e, unsigned reg, uint32_t val)
{
	writel(val, e->regs + reg);
}

/* --- Bring-up ------------------------------------------------------------- */

/* Spin until (reg & mask) == want or timeout_us passes. Bring-up only:
 * the data path never waits for the device. */
static bool e1000_wait(struct e1000 *e, unsigned reg, uint32_t mask,
		       uint32_t want, uint64_t timeout_us)
{
	uint64_t end = clock_now_us() + timeout_us;

	for (;;) {
		if ((e1000_read(e, reg) & mask) == want)
			return true;
		if (clock_now_us() > end)
			return false;
	}
}

/*
 * Global reset (13.4.1 CTRL.RST, 14.7): every register but PCI
 * configuration returns to its default and the EEPROM is read again.
 * Interrupts are masked before, since a reset with one pending can leave
 * the line asserted, and after, since the defaults are not promised to
 * stay masked; ICR is read to drop whatever the reset left in it.
 */
static int e1000_reset(struct e1000 *e)
{
	e1000_write(e, E1000_IMC, ~0u);
	e1000_write(e, E1000_CTRL, e1000_read(e, E1000_CTRL) | E1000_CTRL_RST);
	/* The manual asks for a microsecond before the next access. */
	uint64_t start = clock_now_us();
	while (clock_now_us() - start < 2)
		;
	if (!e1000_wait(e, E1000_CTRL, E1000_CTRL_RST, 0, E1000_RESET_US))
		return -ETIMEDOUT;
	e1000_write(e, E1000_IMC, ~0u);
	(void)e1000_read(e, E1000_ICR);
	return 0;
}

/* One 16-bit EEPROM word through EERD (5.3.1, 13.4.4). */
static int e1000_eeprom_read(struct e1000 *e, unsigned word, uint16_t *val)
{
	uint64_t end = clock_now_us() + E1000_EERD_US;

	e1000_write(e, E1000_EERD,
		    word << E1000_EERD_ADDR_SHIFT | E1000_EERD_START);
	for (;;) {
		uint32_t v = e1000_read(e, E1000_EERD);

		if (v & E1000_EERD_DONE) {
			*val = (uint16_t)(v >> E1000_EERD_DATA_SHIFT);
			return 0;
		}
		if (clock_now_us() > end)
			return -ETIMEDOUT;
	}
}

/*
 * The station address. The device loads it from the EEPROM into RAL0/
 * RAH0 at reset (13.5.2); if that left them empty, read EEPROM words 0-2
 * (5.6.1) ourselves. Either way it is written back with Address Valid
 * set, low half first as 13.5.3 asks, so that unicast filtering uses it.
 */
static int e1000_setup_mac(struct e1000 *e)
{
	uint32_t ral = e1000_read(e, E1000_RAL0);
	uint32_t rah = e1000_read(e, E1000_RAH0) & 0xffff;
	uint8_t *mac = e->dev.mac;

	if (ral == 0 && rah == 0) {
		uint16_t w[3];

		for (unsigned i = 0; i < 3; i++) {
			int err =
			    e1000_eeprom_read(e, E1000_EEPROM_MAC + i, &w[i]);
			if (err)
				return err;
		}
		ral = (uint32_t)w[1] << 16 | w[0];
		rah = w[2];
	}
	for (unsigned i = 0; i < 4; i++)
		mac[i] = (uint8_t)(ral >> (8 * i));
	mac[4] = (uint8_t)rah;
	mac[5] = (uint8_t)(rah >> 8);
	/* All zeroes, or a group address: nothing to receive on. */
	if ((ral == 0 && rah == 0) || (mac[0] & 1))
		return -EADDRNOTAVAIL;

	e1000_write(e, E1000_RAL0, ral);
	e1000_write(e, E1000_RAH0, rah | E1000_RAH_AV);
	/* The Multicast Table Array stays empty: multicast is taken whole
	 * (RCTL.MPE, e1000_enable()) and filtered by the stack. */
	for (unsigned i = 0; i < E1000_MTA_WORDS; i++)
		e1000_write(e, E1000_MTA + 4 * i, 0);
	return 0;
}

/*
 * Link (14.6, internal copper PHY): let the MAC take speed and duplex
 * from the PHY's auto-negotiation (ASDE, nothing forced) and set link up
 * (SLU). No flow control: its address, type and timer stay 0 (14.3).
 */
static void e1000_setup_link(struct e1000 *e)
{
	uint32_t ctrl = e1000_read(e, E1000_CTRL);

	ctrl |= E1000_CTRL_SLU | E1000_CTRL_ASDE;
	ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_ILOS |
		  E1000_CTRL_FRCSPD | E1000_CTRL_FRCDPLX | E1000_CTRL_VME);
	e1000_write(e, E1000_CTRL, ctrl);
	e1000_write(e, E1000_FCAL, 0);
	e1000_write(e, E1000_FCAH, 0);
	e1000_write(e, E1000_FCT, 0);
	e1000_write(e, E1000_FCTTV, 0);
}

/* Rings and buffers, each descriptor pointing at its own buffer for
 * good: nothing is allocated or freed on the data path. */
static int e1000_alloc_rings(struct e1000 *e)
{
	e->rx_ring = dma_alloc_coherent(&e->dma, E1000_RX_RING_BYTES,
					E1000_DMA_ALIGN, &e->rx_ring_bus);
	e->tx_ring = dma_alloc_coherent(&e->dma, E1000_TX_RING_BYTES,
					E1000_DMA_ALIGN, &e->tx_ring_bus);
	e->rx_buf = memalign(E1000_BUF_ALIGN, E1000_RX_BUF_BYTES);
	e->tx_buf = memalign(E1000_BUF_ALIGN, E1000_TX_BUF_BYTES);
	if (!e->rx_ring || !e->tx_ring || !e->rx_buf || !e->tx_buf)
		return -ENOMEM;
	e->rx_buf_bus = dma_map(&e->dma, e->rx_buf, E1000_RX_BUF_BYTES,
				DMA_FROM_DEVICE);
	e->rx_mapped = e->rx_buf_bus != DMA_MAPPING_ERROR;
	e->tx_buf_bus = dma_map(&e->dma, e->tx_buf, E1000_TX_BUF_BYTES,
				DMA_TO_DEVICE);
	e->tx_mapped = e->tx_buf_bus != DMA_MAPPING_ERROR;
	if (!e->rx_mapped || !e->tx_mapped)
		return -ENOMEM;

	for (unsigned i = 0; i < E1000_NUM_RX; i++) {
		volatile struct e1000_rx_desc *d = &e->rx_ring[i];

		d->addr = e->rx_buf_bus + i * E1000_BUF_SIZE;
		d->length = 0;
		d->csum = 0;
		d->status = 0;
		d->errors = 0;
		d->special = 0;
	}
	for (unsigned i = 0; i < E1000_NUM_TX; i++) {
		volatile struct e1000_tx_desc *d = &e->tx_ring[i];

		d->addr = e->tx_buf_bus + i * E1000_BUF_SIZE;
		d->length = 0;
		d->cso = 0;
		d->cmd = 0;
		d->status = 0;
		d->css = 0;
		d->special = 0;
	}
	return 0;
}

static void e1000_free(struct e1000 *e)
{
	if (e->rx_mapped)
		dma_unmap(&e->dma, e->rx_buf_bus, E1000_RX_BUF_BYTES,
			  DMA_FROM_DEVICE);
	if (e->tx_mapped)
		dma_unmap(&e->dma, e->tx_buf_bus, E1000_TX_BUF_BYTES,
			  DMA_TO_DEVICE);
	dma_free_coherent(&e->dma, (void *)e->rx_ring, E1000_RX_RING_BYTES);
	dma_free_coherent(&e->dma, (void *)e->tx_ring, E1000_TX_RING_BYTES);
	free(e->rx_buf);
	free(e->tx_buf);
	free(e);
}

/*
 * Receive set-up (14.4): ring base and length, head 0, and the tail one
 * behind the head so the device owns every descriptor but one
 * (e1000_ring_rdt()). No receive delay: RDTR = 0 raises RXT0 for every
 * frame, and the manual (13.4.30) points to ITR for moderation anyway.
 */
static void e1000_setup_rx(struct e1000 *e)
{
	uint64_t base = e->rx_ring_bus;

	e1000_write(e, E1000_RDBAL, (uint32_t)base);
	e1000_write(e, E1000_RDBAH, (uint32_t)(base >> 32));
	e1000_write(e, E1000_RDLEN,
		    E1000_NUM_RX * sizeof(struct e1000_rx_desc));
	e->rx_next = 0;
	e->rx_discard = false;
	e1000_write(e, E1000_RDH, 0);
	e1000_write(e, E1000_RDT, e1000_ring_rdt(0, E1000_NUM_RX));
	e1000_write(e, E1000_RDTR, 0);
	e1000_write(e, E1000_RADV, 0);
}

/* Transmit set-up (14.5): ring base and length, head = tail = 0. */
static void e1000_setup_tx(struct e1000 *e)
{
	uint64_t base = e->tx_ring_bus;

	e1000_write(e, E1000_TDBAL, (uint32_t)base);
	e1000_write(e, E1000_TDBAH, (uint32_t)(base >> 32));
	e1000_write(e, E1000_TDLEN,
		    E1000_NUM_TX * sizeof(struct e1000_tx_desc));
	e->tx_head = e->tx_tail = 0;
	e1000_write(e, E1000_TDH, 0);
	e1000_write(e, E1000_TDT, 0);
	e1000_write(e, E1000_TIPG, E1000_TIPG_VALUE);
}

/*
 * Turn both directions on (13.4.22, 13.4.33). Receive: broadcasts, our
 * unicast address and every multicast frame (MPE), 2 KiB buffers, no
 * long frames (so every frame fits one buffer), CRC stripped, bad
 * frames dropped by the device. Transmit: short frames padded to the
 * 64-byte minimum.
 *
 * Why MPE rather than the Multicast Table Array: IPv6 needs the
 * 33:33:xx:xx:xx:xx groups of ff02::1 and of each address's
 * solicited-node group, and the netdev interface tells a driver nothing
 * about groups. The MTA hashes only 12 bits of the last two bytes
 * (13.4.22 MO = 0), so it could not single out 33:33 frames anyway;
 * the stack's Ethernet layer (net/eth.c) already passes up only the
 * groups IPv6 joined and counts the rest as foreign. The cost is an
 * interrupt for each multicast frame on a busy LAN, as virtio-net
 * without VIRTIO_NET_F_CTRL_RX has.
 */
static void e1000_enable(struct e1000 *e)
{
	e1000_write(e, E1000_RCTL,
		    E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_MPE |
			E1000_RCTL_BSIZE_2048 | E1000_RCTL_RDMTS_HALF |
			E1000_RCTL_SECRC);
	e1000_write(e, E1000_TCTL,
		    E1000_TCTL_EN | E1000_TCTL_PSP |
			E1000_TCTL_CT << E1000_TCTL_CT_SHIFT |
			E1000_TCTL_COLD << E1000_TCTL_COLD_SHIFT);
}

/* --- Interrupts ----------------------------------------------------------- */

static bool e1000_link_up(struct netdev *dev)
{
	struct e1000 *e = dev->priv;

	return e1000_read(e, E1000_STATUS) & E1000_STATUS_LU;
}

/* Log the link state when it changes. */
static void e1000_check_link(struct e1000 *e)
{
	bool up = e1000_link_up(&e->dev);

	if (up == e->link)
		return;
	e->link = up;
	kprintf("%s: link %s\n", e->dev.name, up ? "up" : "down");
}

/*
 * The INTx line is shared with other PCI functions. Reading ICR both
 * acknowledges every cause (13.4.17) and tells whether this device drove
 * the line: it did only if a cause it has enabled is pending. ICR also
 * collects causes that are masked (TXQE after every send, the data
 * causes while the poller runs); those alone are not ours to claim.
 */
static enum irqreturn e1000_interrupt(void *ctx)
{
	struct e1000 *e = ctx;
	uint32_t icr = e1000_read(e, E1000_ICR);

	icr &= e1000_read(e, E1000_IMS);
	if (!icr)
		return IRQ_NONE;
	if (icr & E1000_INT_LSC)
		e1000_check_link(e);
	if (icr & E1000_INT_DATA) {
		/* Quiet until the poller has caught up and unmasks. */
		e1000_write(e, E1000_IMC, E1000_INT_DATA);
		return IRQ_WAKE_POLLER;
	}
	return IRQ_HANDLED;
}

/*
 * Interrupt moderation: none beyond NAPI. Once the handler masks the
 * data causes, the device stays silent however fast frames come until
 * the poller has drained both rings, so ITR (13.4.18) would only add
 * its interval to the latency of the first frame after a quiet spell.
 * ITR stays 0 (throttling off).
 */
static void e1000_irq_enable(struct netdev *dev, bool enable)
{
	struct e1000 *e = dev->priv;

	if (enable)
		e1000_write(e, E1000_IMS, E1000_INT_DATA | E1000_INT_LSC);
	else
		e1000_write(e, E1000_IMC, E1000_INT_DATA);
}

/* --- Transmit ------------------------------------------------------------- */

/* Take back every descriptor the device has finished with, oldest first
 * (3.4: DD is written back because every descriptor asks with RS). */
static void e1000_tx_reclaim(struct e1000 *e)
{
	struct netdev_stats *s = &e->dev.stats;

	while (!e1000_ring_empty(e->tx_head, e->tx_tail)) {
		volatile struct e1000_tx_desc *d = &e->tx_ring[e->tx_head];
		uint8_t status = d->status;

		if (!(status & E1000_TXD_STAT_DD))
			break;
		/* Excess or late collisions: the frame was abandoned. */
		if (status & (E1000_TXD_STAT_EC | E1000_TXD_STAT_LC)) {
			s->tx_errors++;
		} else {
			s->tx_packets++;
			s->tx_bytes += d->length;
		}
		d->status = 0;
		e->tx_head = e1000_ring_next(e->tx_head, E1000_NUM_TX);
	}
}

static int e1000_xmit(struct netdev *dev, const void *frame, size_t len)
{
	struct e1000 *e = dev->priv;

	if (len < ETH_HLEN || len > ETH_FRAME_MAX)
		return -EINVAL;
	if (e1000_ring_full(e->tx_head, e->tx_tail, E1000_NUM_TX)) {
		/* The device may have finished some since the last poll. */
		e1000_tx_reclaim(e);
		if (e1000_ring_full(e->tx_head, e->tx_tail, E1000_NUM_TX))
			return -EAGAIN;
	}

	unsigned i = e->tx_tail;
	volatile struct e1000_tx_desc *d = &e->tx_ring[i];

	memcpy(e->tx_buf + i * E1000_BUF_SIZE, frame, len);
	dma_sync_for_device(&e->dma, e->tx_buf_bus + i * E1000_BUF_SIZE, len,
			    DMA_TO_DEVICE);
	d->length = (uint16_t)len;
	d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	d->status = 0;
	e->tx_tail = e1000_ring_next(i, E1000_NUM_TX);
	/* Frame and descriptor in memory before the device may fetch them. */
	wmb();
	e1000_write(e, E1000_TDT, e->tx_tail);
	return 0;
}

/* --- Receive -------------------------------------------------------------- */

/*
 * Hand up to budget stored frames to the stack, oldest first (3.2.6),
 * then lend the cleaned descriptors back to the device with one RDT
 * write. Returns the descriptors taken off the ring, dropped frames
 * included, so that fewer than budget means the ring is empty.
 */
static int e1000_rx(struct e1000 *e, int budget)
{
	struct netdev_stats *s = &e->dev.stats;
	int done = 0;

	while (done < budget) {
		volatile struct e1000_rx_desc *d = &e->rx_ring[e->rx_next];
		uint8_t status = d->status;

		if (!(status & E1000_RXD_STAT_DD))
			break;
		/* The device writes DD last: length, errors and the data
		 * are only to be read after it (3.2.3). */
		rmb();
		uint16_t len = d->length;
		const uint8_t *buf = e->rx_buf + e->rx_next * E1000_BUF_SIZE;
		dma_addr_t bus = e->rx_buf_bus + e->rx_next * E1000_BUF_SIZE;

		dma_sync_for_cpu(&e->dma, bus, E1000_BUF_SIZE, DMA_FROM_DEVICE);

		if (!(status & E1000_RXD_STAT_EOP)) {
			/* Split over buffers: impossible with 2 KiB buffers
			 * and LPE off, so the device is confused. Drop the
			 * whole frame, counted once. */
			if (!e->rx_discard) {
				s->rx_errors++;
				s->rx_frame++;
			}
			e->rx_discard = true;
		} else if (e->rx_discard) {
			e->rx_discard = false; /* its last piece */
		} else if (d->errors & E1000_RXD_ERR_FRAME) {
			/* Only with RCTL.SBP does the device pass bad
			 * frames on; counted here, not by CRCERRS. */
			s->rx_errors++;
		} else if (len < ETH_HLEN || len > E1000_BUF_SIZE) {
			s->rx_errors++;
			s->rx_frame++;
		} else if (!e->dev.rx) {
			s->rx_dropped++; /* no stack attached yet */
		} else {
			s->rx_packets++;
			s->rx_bytes += len;
			if (buf[0] & 1)
				s->rx_multicast++; /* broadcast included */
			e->dev.rx(&e->dev, buf, len);
		}
		dma_sync_for_device(&e->dma, bus, E1000_BUF_SIZE,
				    DMA_FROM_DEVICE);
		d->status = 0;
		e->rx_next = e1000_ring_next(e->rx_next, E1000_NUM_RX);
		done++;
	}
	if (done) {
		/* Cleared descriptors in memory before the device owns
		 * them again. */
		wmb();
		e1000_write(e, E1000_RDT,
			    e1000_ring_rdt(e->rx_next, E1000_NUM_RX));
	}
	return done;
}

/* Events counted by one statistics register since the last call. */
static uint32_t e1000_hwstat_read(struct e1000 *e, enum e1000_hwstat i)
{
	unsigned reg = e1000_hwstat_reg[i];
	uint32_t v = e1000_read(e, reg);

	if (e->hwstat[i].kind == HWSTAT_UNKNOWN && v) {
		uint32_t again = e1000_read(e, reg);

		if (again >= v) {
			e->hwstat[i].kind = HWSTAT_TOTAL;
			v = again;
		} else {
			e->hwstat[i].kind = HWSTAT_CLEARS;
			v += again;
		}
	}
	if (e->hwstat[i].kind != HWSTAT_TOTAL)
		return v;
	if (v < e->hwstat[i].last) {
		e->hwstat[i].kind = HWSTAT_CLEARS;
		return v;
	}
	uint32_t delta = v - e->hwstat[i].last;
	e->hwstat[i].last = v;
	return delta;
}

/*
 * Fold in what the device counted itself, in the meaning of Linux's
 * /proc/net/dev columns: frames it dropped as bad (errs, frame), for want
 * of FIFO or descriptor room (drop, fifo), collisions and carrier loss.
 */
static void e1000_fold_stats(struct e1000 *e)
{
	struct netdev_stats *s = &e->dev.stats;
	uint32_t n;

	n = e1000_hwstat_read(e, HW_CRCERRS) +
	    e1000_hwstat_read(e, HW_ALGNERRC) + e1000_hwstat_read(e, HW_RUC) +
	    e1000_hwstat_read(e, HW_ROC);
	s->rx_errors += n;
	s->rx_frame += n;
	s->rx_errors += e1000_hwstat_read(e, HW_RXERRC);
	n = e1000_hwstat_read(e, HW_MPC);
	s->rx_dropped += n;
	s->rx_fifo += n;
	s->tx_colls += e1000_hwstat_read(e, HW_COLC);
	s->tx_carrier += e1000_hwstat_read(e, HW_TNCRS);
}

static int e1000_poll(struct netdev *dev, int budget)
{
	struct e1000 *e = dev->priv;
	int done;

	e1000_tx_reclaim(e);
	done = e1000_rx(e, budget);
	e1000_fold_stats(e);
	if (dev->polled)
		e1000_check_link(e); /* no LSC interrupt to tell us */
	return done;
}

static const struct netdev_ops e1000_ops = {
    .xmit = e1000_xmit,
    .poll = e1000_poll,
    .irq_enable = e1000_irq_enable,
    .link_up = e1000_link_up,
};

/* --- PCI ------------------------------------------------------------------ */

/*
 * Only the 82540EM: it is what QEMU's `-device e1000` is and what this
 * driver was tested on. 8086:100f (82545EM) is close but untested here;
 * 8086:10d3 (82574L, QEMU's e1000e) is a different register model.
 */
static bool e1000_match(const struct pci_dev *pdev)
{
	return pdev->vendor == E1000_VENDOR_INTEL &&
	       pdev->device == E1000_DEV_82540EM;
}

static int e1000_probe(struct pci_dev *pdev)
{
	struct e1000 *e = calloc(1, sizeof(*e));
	const char *where;
	char mac[18];
	int err;

	if (!e)
		return -ENOMEM;
	e->pdev = pdev;
	e->regs = (uintptr_t)pdev->bar[0].addr;
	e->dev.priv = e;
	e->dev.driver = "e1000";
	e->dev.mtu = 1500;
	e->dev.ops = &e1000_ops;
	snprintf(e->dev.bus_info, sizeof(e->dev.bus_info), "0000:%02x:%02x.%x",
		 pdev->bus, pdev->dev, pdev->fn);
	where = e->dev.bus_info;

	if (pdev->bar[0].io || !pdev->bar[0].addr ||
	    pdev->bar[0].size < 0x20000) {
		kprintf("e1000 %s: BAR0 is not a 128 KiB memory window\n",
			where);
		err = -ENODEV;
		goto fail;
	}
	err = pci_dma_dev_init(&e->dma, pdev, e->dev.bus_info);
	if (err) {
		kprintf("e1000 %s: refused\n", where);
		goto fail;
	}
	err = e1000_reset(e);
	if (err) {
		kprintf("e1000 %s: reset did not complete\n", where);
		goto fail;
	}
	e1000_setup_link(e);
	err = e1000_setup_mac(e);
	if (err) {
		kprintf("e1000 %s: no valid MAC address (%d)\n", where, err);
		goto fail;
	}
	err = e1000_alloc_rings(e);
	if (err) {
		kprintf("e1000 %s: out of memory for rings\n", where);
		goto fail;
	}
	/* Descriptors in memory before the device learns where they are. */
	wmb();
	e1000_setup_rx(e);
	e1000_setup_tx(e);
	e1000_write(e, E1000_ITR, 0);

	/* Registered while the device cannot yet DMA, so that a failure
	 * here may still free its memory. */
	err = netdev_register(&e->dev);
	if (err) {
		kprintf("e1000 %s: cannot register a netdev (%d)\n", where,
			err);
		goto fail;
	}
	pdev->driver_data = e;
	pci_set_master(pdev);
	e1000_enable(e);

	err = pdev->irq < 0 ? pdev->irq
			    : irq_register_shared(pdev->irq, e->dev.name,
						  e1000_interrupt, e);
	if (err < 0) {
		e->dev.irq = err;
		e->dev.polled = true;
		kprintf("%s: no usable interrupt, polling\n", e->dev.name);
	} else {
		e->dev.irq = pdev->irq;
	}
	e->link = e1000_link_up(&e->dev);
	if (e->dev.polled)
		kprintf("%s: e1000 at %s polled, mac %s, link %s\n",
			e->dev.name, where, netdev_format_mac(e->dev.mac, mac),
			e->link ? "up" : "down");
	else
		kprintf("%s: e1000 at %s irq %d, mac %s, link %s\n",
			e->dev.name, where, e->dev.irq,
			netdev_format_mac(e->dev.mac, mac),
			e->link ? "up" : "down");
	if (!e->dev.polled)
		e1000_irq_enable(&e->dev, true);
	return 0;

fail:
	e1000_free(e);
	return err;
}

const struct pci_driver e1000_driver = {
    .name = "e1000",
    .match = e1000_match,
    .probe = e1000_probe,
};
