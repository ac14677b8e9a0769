/*
 * Cadence GEM Ethernet (drivers/gem.h). Register and descriptor
 * references are in gem_regs.h: UG1085/UG1087 for the Zynq UltraScale+,
 * the FU540-C000 manual for the same IP on the HiFive Unleashed, and
 * QEMU's model (hw/net/cadence_gem.c), which is what runs in the tests.
 *
 * The device moves frames through rings of descriptors in RAM, each
 * with a buffer of its own for good (nothing is allocated on the data
 * path):
 *
 *   receive   a descriptor belongs to the device while its word 0 USED
 *             bit is clear; the device stores a frame, sets USED and
 *             raises RCOMP; the driver hands the frame up, clears USED.
 *             The WRAP bit on the last descriptor sends the device back
 *             to the first.
 *   transmit  a descriptor belongs to the driver while its word 1 USED
 *             bit is set; xmit() copies a frame into its buffer, clears
 *             USED and writes NCR.TSTART; the device sends every
 *             descriptor up to the next one with USED set, sets USED on
 *             each one it sent and raises TCOMP.
 *
 * With dma_config.ADDR64 the descriptors are 16 bytes (the upper
 * address bits in word 2) and one register per direction holds the
 * upper 32 bits of every queue pointer (TBQPH, RBQPH). The driver uses
 * 64-bit descriptors when designcfg_debug6 says the DMA has them, as
 * Linux does, so both layouts stay exercised: QEMU's model always has.
 *
 * Priority queues. A ZynqMP GEM has queues 1-15 besides queue 0 (QEMU's
 * has one extra); the driver uses queue 0 only. The others' pointers
 * reset to 0, where the DMA would find whatever RAM holds, so each is
 * pointed at a dummy descriptor the driver owns (RX: USED and WRAP;
 * TX: USED and WRAP), the way Linux and U-Boot do. QEMU's model also
 * checks every queue's current descriptor before accepting a frame: a
 * stray hardware-owned descriptor there would let it write into a full
 * queue 0.
 *
 * QEMU details the driver depends on, all from hw/net/cadence_gem.c: it reads
 * a receive descriptor once, when it moves to it, and again only when
 * NCR is written with RE set; a full ring therefore stalls reception
 * until the driver writes NCR, which it does after giving descriptors
 * back (a rewrite with the same value, harmless on hardware). It
 * transmits synchronously inside the NCR write. Marking a sent frame's
 * first descriptor USED it reads and writes back 24 bytes from it, past
 * the end of the ring for the last descriptor: the ring's allocation
 * has room for that.
 *
 * Threads: as in e1000.c, everything but the interrupt handler,
 * irq_enable and link_up runs with the stack serialised (net/netdev.h),
 * so the rings need no lock. The handler acknowledges (reads ISR),
 * masks the data interrupts and wakes the poller. The PHY is polled
 * once a second from the poll path: a timer sets a flag and kicks the
 * poller, so MDIO transactions never run in interrupt context.
 */
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/mmio.h"
#include "drivers/dma.h"
#include "drivers/gem.h"
#include "drivers/gem_regs.h"
#include "drivers/phy.h"
#include "kernel/fdt.h"
#include "kernel/irq.h"
#include "kernel/list.h"
#include "kernel/net_glue.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "net/netdev.h"
#include "net/port.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "descriptors are little-endian; this driver stores them natively"
#endif

#define GEM_NUM_RX	128	/* receive descriptors */
#define GEM_NUM_TX	64	/* transmit descriptors */
/* Receive buffers in dma_config units of 64 bytes: 1536 holds the
 * largest frame QEMU and the hardware pass without jumbo frames or
 * 1536-byte mode (1518 with a VLAN tag, FCS stripped). Transmit
 * buffers are the same size so that each starts a cache line. */
#define GEM_BUF_SIZE	1536
#define GEM_RING_ALIGN	64
/* QEMU rewrites 24 bytes from a sent frame's descriptor (see top). */
#define GEM_RING_SLACK	32
#define GEM_MDIO_TIMEOUT_US 10000	/* a clause 22 frame takes ~30 us */
#define GEM_TICK_US	1000000		/* PHY and statistics poll period */

/* The causes that mean "the poller has work"; errors stay enabled. */
#define GEM_INT_DATA	(GEM_INT_RCOMP | GEM_INT_RXUBR | GEM_INT_TCOMP)
#define GEM_INT_ERRORS                                                         \
	(GEM_INT_TUND | GEM_INT_RLEX | GEM_INT_TXERR | GEM_INT_ROVR |          \
	 GEM_INT_HRESP)

_Static_assert(GEM_BUF_SIZE % 64 == 0, "dma_config counts 64-byte units");
_Static_assert(ETH_FRAME_MAX <= GEM_BUF_SIZE, "a frame fits one buffer");

struct gem {
	struct netdev dev;
	uintptr_t regs;
	uintptr_t mgmt;		/* FU540 GEMGXL block, or 0 */
	struct dma_dev dma;
	unsigned desc_words;	/* 2, or 4 with 64-bit addressing */
	bool addr64;
	unsigned nqueues;	/* queue 0 plus the priority queues */
	uint32_t ncr;		/* what NCR holds while running */
	uint32_t ncfgr;		/* NCFGR without speed and duplex */

	/* Shared with the device. */
	volatile uint32_t *rx_ring, *tx_ring;
	volatile uint32_t *rx_dummy, *tx_dummy; /* for queues 1-15 */
	dma_addr_t rx_ring_bus, tx_ring_bus;
	uint8_t *rx_pool, *tx_pool; /* the buffers, GEM_BUF_SIZE apart */
	uint8_t *rx_buf[GEM_NUM_RX], *tx_buf[GEM_NUM_TX];
	dma_addr_t rx_bus[GEM_NUM_RX], tx_bus[GEM_NUM_TX];
	unsigned rx_mapped, tx_mapped; /* buffers mapped so far */
	uint16_t tx_len[GEM_NUM_TX];

	unsigned rx_next;	/* next receive descriptor to clean */
	bool rx_discard;	/* dropping the rest of a split frame */
	bool rx_was_full;	/* the ring's fill already counted */
	unsigned tx_head;	/* oldest transmission not reclaimed */
	unsigned tx_count;	/* descriptors the device holds */

	struct mdio_bus mdio;
	struct phy_device phy;
	struct ktimer tick;
	volatile bool tick_due;
	uint32_t isr_events;	/* ISR causes the handler saw */
};

static uint32_t gem_read(struct gem *g, unsigned reg)
{
	return readl(g->regs + reg);
}

static void gem_write(struct gem *g, unsigned reg, uint32_t val)
{
	writel(val, g->regs + reg);
}

static volatile uint32_t *rx_desc(struct gem *g, unsigned i)
{
	return g->rx_ring + i * g->desc_words;
}

static volatile uint32_t *tx_desc(struct gem *g, unsigned i)
{
	return g->tx_ring + i * g->desc_words;
}

static void gem_udelay(unsigned us)
{
	uint64_t end = clock_now_us() + us;

	while (clock_now_us() < end)
		;
}

/* --- MDIO (UG1087 phy_management) ----------------------------------------- */

static int gem_mdio_wait(struct gem *g)
{
	uint64_t end = clock_now_us() + GEM_MDIO_TIMEOUT_US;

	while (!(gem_read(g, GEM_NSR) & GEM_NSR_IDLE))
		if (clock_now_us() > end)
			return -ETIMEDOUT;
	return 0;
}

static int gem_mdio_read(void *priv, unsigned addr, unsigned reg)
{
	struct gem *g = priv;

	if (gem_mdio_wait(g) < 0)
		return -ETIMEDOUT;
	gem_write(g, GEM_MAN,
		  GEM_MAN_C22_READ | addr << GEM_MAN_PHYA_SHIFT |
			  reg << GEM_MAN_REGA_SHIFT);
	if (gem_mdio_wait(g) < 0)
		return -ETIMEDOUT;
	return (int)(gem_read(g, GEM_MAN) & GEM_MAN_DATA);
}

static int gem_mdio_write(void *priv, unsigned addr, unsigned reg,
			  uint16_t val)
{
	struct gem *g = priv;

	if (gem_mdio_wait(g) < 0)
		return -ETIMEDOUT;
	gem_write(g, GEM_MAN,
		  GEM_MAN_C22_WRITE | addr << GEM_MAN_PHYA_SHIFT |
			  reg << GEM_MAN_REGA_SHIFT | val);
	return gem_mdio_wait(g);
}

static void gem_mdio_delay(void *priv, unsigned us)
{
	(void)priv;
	gem_udelay(us);
}

/* --- Link ----------------------------------------------------------------- */

/* The MAC follows the PHY: speed and duplex in NCFGR, and on the FU540
 * the transmit clock (GTX for gigabit, the PHY's MII clock below). */
static void gem_apply_link(struct gem *g)
{
	uint32_t cfg = g->ncfgr;

	if (g->phy.speed == 1000)
		cfg |= GEM_NCFGR_GBE;
	else if (g->phy.speed == 100)
		cfg |= GEM_NCFGR_SPD;
	if (g->phy.full_duplex)
		cfg |= GEM_NCFGR_FD;
	gem_write(g, GEM_NCFGR, cfg);
	if (g->mgmt && g->phy.link)
		writel(g->phy.speed == 1000 ? 0 : GEM_SIFIVE_TXCLK_MII,
		       g->mgmt);
}

static bool gem_link_up(struct netdev *dev)
{
	struct gem *g = dev->priv;

	return g->phy.link;
}

static bool gem_link_mode(struct netdev *dev, unsigned *mbps, bool *full)
{
	struct gem *g = dev->priv;

	if (!g->phy.link)
		return false;
	*mbps = g->phy.speed;
	*full = g->phy.full_duplex;
	return true;
}

static void gem_tick(struct ktimer *t)
{
	struct gem *g = container_of(t, struct gem, tick);

	g->tick_due = true;
	net_glue_kick();
}

/* --- Rings ---------------------------------------------------------------- */

static void gem_rx_desc_init(struct gem *g, unsigned i)
{
	volatile uint32_t *d = rx_desc(g, i);
	uint32_t w0 = (uint32_t)g->rx_bus[i] & GEM_RX_W0_ADDR;

	if (i == GEM_NUM_RX - 1)
		w0 |= GEM_RX_W0_WRAP;
	d[1] = 0;
	if (g->addr64)
		d[2] = (uint32_t)(g->rx_bus[i] >> 32);
	/* Status and address in memory before the device may own it. */
	wmb();
	d[0] = w0;
}

static void gem_tx_desc_init(struct gem *g, unsigned i)
{
	volatile uint32_t *d = tx_desc(g, i);

	d[0] = (uint32_t)g->tx_bus[i];
	if (g->addr64)
		d[2] = (uint32_t)(g->tx_bus[i] >> 32);
	d[1] = GEM_TX_W1_USED | (i == GEM_NUM_TX - 1 ? GEM_TX_W1_WRAP : 0);
}

/* One allocation per direction: the ring, one dummy descriptor for the
 * unused priority queues right after it (so both share the upper 32
 * address bits that TBQPH/RBQPH hold for every queue), and QEMU's
 * slack. */
static volatile uint32_t *gem_alloc_ring(struct gem *g, unsigned n,
					 dma_addr_t *bus)
{
	size_t size = (n + 1) * g->desc_words * 4 + GEM_RING_SLACK;

	return dma_alloc_coherent(&g->dma, size, GEM_RING_ALIGN, bus);
}

static int gem_alloc(struct gem *g)
{
	dma_addr_t limit = g->addr64 ? ~(dma_addr_t)0 : 0xffffffffu;
	size_t ring_rx = (GEM_NUM_RX + 1) * g->desc_words * 4;
	size_t ring_tx = (GEM_NUM_TX + 1) * g->desc_words * 4;

	g->rx_ring = gem_alloc_ring(g, GEM_NUM_RX, &g->rx_ring_bus);
	g->tx_ring = gem_alloc_ring(g, GEM_NUM_TX, &g->tx_ring_bus);
	if (!g->rx_ring || !g->tx_ring)
		return -ENOMEM;
	/* Every queue of a direction shares the upper half of its
	 * pointer; a 32-bit DMA sees the low 4 GiB only. */
	if ((g->rx_ring_bus >> 32) != ((g->rx_ring_bus + ring_rx - 1) >> 32) ||
	    (g->tx_ring_bus >> 32) != ((g->tx_ring_bus + ring_tx - 1) >> 32) ||
	    g->rx_ring_bus + ring_rx - 1 > limit ||
	    g->tx_ring_bus + ring_tx - 1 > limit)
		return -ERANGE;
	g->rx_dummy = rx_desc(g, GEM_NUM_RX);
	g->tx_dummy = tx_desc(g, GEM_NUM_TX);

	g->rx_pool = memalign(GEM_RING_ALIGN, GEM_NUM_RX * GEM_BUF_SIZE);
	g->tx_pool = memalign(GEM_RING_ALIGN, GEM_NUM_TX * GEM_BUF_SIZE);
	if (!g->rx_pool || !g->tx_pool)
		return -ENOMEM;
	for (unsigned i = 0; i < GEM_NUM_RX; i++) {
		g->rx_buf[i] = g->rx_pool + i * GEM_BUF_SIZE;
		g->rx_bus[i] = dma_map(&g->dma, g->rx_buf[i], GEM_BUF_SIZE,
				       DMA_FROM_DEVICE);
		if (g->rx_bus[i] == DMA_MAPPING_ERROR)
			return -ERANGE;
		g->rx_mapped++;
		/* Word 0 keeps address bits 31:2 only. */
		if (g->rx_bus[i] + GEM_BUF_SIZE - 1 > limit ||
		    (g->rx_bus[i] & 3))
			return -ERANGE;
	}
	for (unsigned i = 0; i < GEM_NUM_TX; i++) {
		g->tx_buf[i] = g->tx_pool + i * GEM_BUF_SIZE;
		g->tx_bus[i] = dma_map(&g->dma, g->tx_buf[i], GEM_BUF_SIZE,
				       DMA_TO_DEVICE);
		if (g->tx_bus[i] == DMA_MAPPING_ERROR)
			return -ERANGE;
		g->tx_mapped++;
		if (g->tx_bus[i] + GEM_BUF_SIZE - 1 > limit)
			return -ERANGE;
	}
	return 0;
}

static void gem_free(struct gem *g)
{
	for (unsigned i = 0; i < GEM_NUM_RX; i++) {
		if (i < g->rx_mapped)
			dma_unmap(&g->dma, g->rx_bus[i], GEM_BUF_SIZE,
				  DMA_FROM_DEVICE);
	}
	for (unsigned i = 0; i < GEM_NUM_TX; i++) {
		if (i < g->tx_mapped)
			dma_unmap(&g->dma, g->tx_bus[i], GEM_BUF_SIZE,
				  DMA_TO_DEVICE);
	}
	free(g->rx_pool);
	free(g->tx_pool);
	if (g->rx_ring)
		dma_free_coherent(&g->dma, (void *)g->rx_ring,
				  (GEM_NUM_RX + 1) * g->desc_words * 4 +
					  GEM_RING_SLACK);
	if (g->tx_ring)
		dma_free_coherent(&g->dma, (void *)g->tx_ring,
				  (GEM_NUM_TX + 1) * g->desc_words * 4 +
					  GEM_RING_SLACK);
	free(g);
}

/* Fresh receive ring from descriptor 0, and the queue pointers. The
 * receiver must be off (NCR.RE clear) while RBQP is written. */
static void gem_setup_rx(struct gem *g)
{
	for (unsigned i = 0; i < GEM_NUM_RX; i++) {
		dma_sync_for_device(&g->dma, g->rx_bus[i], GEM_BUF_SIZE,
				    DMA_FROM_DEVICE);
		gem_rx_desc_init(g, i);
	}
	g->rx_next = 0;
	g->rx_discard = false;
	g->rx_was_full = false;
	if (g->addr64)
		gem_write(g, GEM_RBQPH, (uint32_t)(g->rx_ring_bus >> 32));
	gem_write(g, GEM_RBQP, (uint32_t)g->rx_ring_bus);
}

/* Fresh transmit ring, every descriptor the driver's. The transmitter
 * must be off (NCR.TE clear) while TBQP is written. */
static void gem_setup_tx(struct gem *g)
{
	for (unsigned i = 0; i < GEM_NUM_TX; i++)
		gem_tx_desc_init(g, i);
	g->tx_head = 0;
	g->tx_count = 0;
	wmb();
	if (g->addr64)
		gem_write(g, GEM_TBQPH, (uint32_t)(g->tx_ring_bus >> 32));
	gem_write(g, GEM_TBQP, (uint32_t)g->tx_ring_bus);
}

/* Priority queues 1-15 that exist: parked on the dummy descriptors,
 * their interrupts off and acknowledged. */
static void gem_park_queues(struct gem *g, uint32_t dcfg6)
{
	dma_addr_t rx_dummy = g->rx_ring_bus + GEM_NUM_RX * g->desc_words * 4;
	dma_addr_t tx_dummy = g->tx_ring_bus + GEM_NUM_TX * g->desc_words * 4;

	g->rx_dummy[0] = GEM_RX_W0_USED | GEM_RX_W0_WRAP;
	g->rx_dummy[1] = 0;
	g->tx_dummy[0] = 0;
	g->tx_dummy[1] = GEM_TX_W1_USED | GEM_TX_W1_WRAP;
	if (g->addr64)
		g->rx_dummy[2] = g->tx_dummy[2] = 0;
	wmb();
	for (unsigned q = 1; q < GEM_MAX_QUEUES; q++) {
		if (!(GEM_DCFG6_QUEUES(dcfg6) & (1u << q)))
			continue;
		gem_write(g, GEM_IDR_Q(q), ~0u);
		(void)gem_read(g, GEM_ISR_Q(q));
		gem_write(g, GEM_RBQP_Q(q), (uint32_t)rx_dummy);
		gem_write(g, GEM_TBQP_Q(q), (uint32_t)tx_dummy);
	}
}

/* --- Interrupts ----------------------------------------------------------- */

/*
 * The line may be shared. ISR holds only causes that are unmasked (in
 * QEMU; on hardware the handler ignores masked ones the same way), so a
 * non-zero read is this device's, and reading it acknowledges them
 * (clear on read, UG1087 int_status).
 */
static enum irqreturn gem_interrupt(void *ctx)
{
	struct gem *g = ctx;
	uint32_t isr = gem_read(g, GEM_ISR) & ~gem_read(g, GEM_IMR);

	if (!isr)
		return IRQ_NONE;
	__atomic_fetch_or(&g->isr_events, isr, __ATOMIC_RELAXED);
	/* Quiet until the poller has caught up and unmasks. */
	gem_write(g, GEM_IDR, GEM_INT_DATA);
	return IRQ_WAKE_POLLER;
}

static void gem_irq_enable(struct netdev *dev, bool enable)
{
	struct gem *g = dev->priv;

	if (enable)
		gem_write(g, GEM_IER, GEM_INT_DATA | GEM_INT_ERRORS);
	else
		gem_write(g, GEM_IDR, GEM_INT_DATA);
}

/* --- Transmit ------------------------------------------------------------- */

static void gem_tx_reclaim(struct gem *g)
{
	struct netdev_stats *s = &g->dev.stats;

	while (g->tx_count) {
		unsigned i = g->tx_head;
		volatile uint32_t *d = tx_desc(g, i);
		uint32_t w1 = d[1];

		if (!(w1 & GEM_TX_W1_USED))
			break;
		if (w1 & GEM_TX_W1_ERR) {
			s->tx_errors++;
			if (w1 & GEM_TX_W1_LCO)
				s->tx_colls++;
		} else {
			s->tx_packets++;
			s->tx_bytes += g->tx_len[i];
		}
		d[1] = GEM_TX_W1_USED | (i == GEM_NUM_TX - 1 ? GEM_TX_W1_WRAP : 0);
		g->tx_head = (i + 1) % GEM_NUM_TX;
		g->tx_count--;
	}
}

static int gem_xmit(struct netdev *dev, const void *frame, size_t len)
{
	struct gem *g = dev->priv;

	if (len < ETH_HLEN || len > ETH_FRAME_MAX)
		return -EINVAL;
	if (g->tx_count == GEM_NUM_TX) {
		/* The device may have finished some since the last poll. */
		gem_tx_reclaim(g);
		if (g->tx_count == GEM_NUM_TX)
			return -EAGAIN;
	}

	unsigned i = (g->tx_head + g->tx_count) % GEM_NUM_TX;
	volatile uint32_t *d = tx_desc(g, i);

	memcpy(g->tx_buf[i], frame, len);
	dma_sync_for_device(&g->dma, g->tx_bus[i], len, DMA_TO_DEVICE);
	g->tx_len[i] = (uint16_t)len;
	g->tx_count++;
	/* Frame in memory before the descriptor changes hands, and the
	 * descriptor before the doorbell. USED is cleared by this one
	 * store of word 1. */
	wmb();
	d[1] = (uint32_t)len | GEM_TX_W1_LAST |
	       (i == GEM_NUM_TX - 1 ? GEM_TX_W1_WRAP : 0);
	wmb();
	gem_write(g, GEM_NCR, g->ncr | GEM_NCR_TSTART);
	return 0;
}

/*
 * After a transmit underrun or a bus error the transmitter stops
 * (UG1085 34.1.6): take the whole ring back, counting what was still
 * queued as lost, and start again from descriptor 0 (clearing TE
 * returns the device's pointer to TBQP).
 */
static void gem_tx_recover(struct gem *g, uint32_t tsr)
{
	struct netdev_stats *s = &g->dev.stats;

	gem_write(g, GEM_NCR, g->ncr & ~GEM_NCR_TE);
	gem_tx_reclaim(g);
	s->tx_errors += g->tx_count;
	s->tx_dropped += g->tx_count;
	if (tsr & GEM_TSR_UND)
		s->tx_fifo++;
	gem_setup_tx(g);
	gem_write(g, GEM_NCR, g->ncr);
	kprintf("%s: transmitter restarted after %s\n", g->dev.name,
		tsr & GEM_TSR_UND ? "an underrun" : "a bus error");
}

/* --- Receive -------------------------------------------------------------- */

/* Give descriptor i back to the device, empty. */
static void gem_rx_recycle(struct gem *g, unsigned i)
{
	dma_sync_for_device(&g->dma, g->rx_bus[i], GEM_BUF_SIZE,
			    DMA_FROM_DEVICE);
	gem_rx_desc_init(g, i);
}

static int gem_rx(struct gem *g, int budget)
{
	struct netdev_stats *s = &g->dev.stats;
	int done = 0;

	/* Every descriptor full: the device has been refused buffers
	 * ("buffer not available"); counted once per fill. */
	bool full = (rx_desc(g, g->rx_next)[0] & GEM_RX_W0_USED) &&
		    (rx_desc(g, (g->rx_next + GEM_NUM_RX - 1) % GEM_NUM_RX)[0] &
		     GEM_RX_W0_USED);
	if (full && !g->rx_was_full)
		s->rx_fifo++;
	g->rx_was_full = full;

	while (done < budget) {
		unsigned i = g->rx_next;
		volatile uint32_t *d = rx_desc(g, i);

		if (!(d[0] & GEM_RX_W0_USED))
			break;
		/* The device sets USED last: status and data after it. */
		rmb();
		uint32_t w1 = d[1];
		unsigned len = w1 & GEM_RX_W1_LEN;
		bool sof = w1 & GEM_RX_W1_SOF, eof = w1 & GEM_RX_W1_EOF;

		if (!sof || !eof) {
			/* Split over buffers: impossible with 1536-byte
			 * buffers and no jumbo frames, so the device is
			 * confused. Drop the whole frame, counted once. */
			if (sof || !g->rx_discard) {
				s->rx_errors++;
				s->rx_frame++;
			}
			g->rx_discard = !eof;
		} else if (len < ETH_HLEN || len > GEM_BUF_SIZE) {
			s->rx_errors++;
			s->rx_frame++;
			g->rx_discard = false;
		} else if (!g->dev.rx) {
			s->rx_dropped++; /* no stack attached yet */
			g->rx_discard = false;
		} else {
			const uint8_t *buf = g->rx_buf[i];

			g->rx_discard = false;
			dma_sync_for_cpu(&g->dma, g->rx_bus[i], len,
					 DMA_FROM_DEVICE);
			s->rx_packets++;
			s->rx_bytes += len;
			if (buf[0] & 1)
				s->rx_multicast++; /* broadcast included */
			g->dev.rx(&g->dev, buf, len);
		}
		gem_rx_recycle(g, i);
		g->rx_next = (i + 1) % GEM_NUM_RX;
		done++;
	}
	if (done) {
		/* Have QEMU look at its current descriptor again (top). */
		wmb();
		gem_write(g, GEM_NCR, g->ncr);
	}
	return done;
}

/* A receive-side bus error stops the receiver: start it again from a
 * fresh ring (the frames in the old one are lost, and counted). */
static void gem_rx_recover(struct gem *g)
{
	gem_write(g, GEM_NCR, g->ncr & ~GEM_NCR_RE);
	g->dev.stats.rx_errors++;
	gem_setup_rx(g);
	gem_write(g, GEM_NCR, g->ncr);
	kprintf("%s: receiver restarted after a bus error\n", g->dev.name);
}

/* --- Status and statistics ------------------------------------------------ */

/* Sticky status: what went wrong since the last look, whatever the
 * interrupt mask (UG1087 transmit_status, receive_status). */
static void gem_check_status(struct gem *g)
{
	struct netdev_stats *s = &g->dev.stats;
	uint32_t tsr = gem_read(g, GEM_TSR);
	uint32_t rsr = gem_read(g, GEM_RSR);

	gem_write(g, GEM_TSR, tsr & GEM_TSR_ALL);
	gem_write(g, GEM_RSR, rsr & GEM_RSR_ALL);
	if (rsr & GEM_RSR_OVR) {
		/* The frame was lost for want of FIFO room. */
		s->rx_errors++;
		s->rx_fifo++;
		s->rx_dropped++;
	}
	if (rsr & GEM_RSR_HNO)
		gem_rx_recover(g);
	if (tsr & (GEM_TSR_UND | GEM_TSR_HRESP | GEM_TSR_AHB))
		gem_tx_recover(g, tsr);
}

/* The hardware's own error counters, cleared by reading. */
static void gem_fold_stats(struct gem *g)
{
	struct netdev_stats *s = &g->dev.stats;
	uint32_t n;

	n = gem_read(g, GEM_TXURUNCNT);
	s->tx_errors += n;
	s->tx_fifo += n;
	s->tx_errors += gem_read(g, GEM_EXCOLLCNT);
	n = gem_read(g, GEM_LATECOLLCNT);
	s->tx_errors += n;
	s->tx_colls += n;
	s->tx_colls += gem_read(g, GEM_SNGLCOLLCNT);
	s->tx_colls += gem_read(g, GEM_MULTCOLLCNT);
	n = gem_read(g, GEM_CSENSECNT);
	s->tx_errors += n;
	s->tx_carrier += n;

	n = gem_read(g, GEM_RXUNDRCNT) + gem_read(g, GEM_RXOVRCNT) +
	    gem_read(g, GEM_RXJABCNT) + gem_read(g, GEM_RXFCSCNT) +
	    gem_read(g, GEM_RXLENGTHCNT) + gem_read(g, GEM_RXSYMBCNT) +
	    gem_read(g, GEM_RXALIGNCNT);
	s->rx_errors += n;
	s->rx_frame += n;
	s->rx_dropped += gem_read(g, GEM_RXRESERRCNT);
	n = gem_read(g, GEM_RXORCNT);
	s->rx_errors += n;
	s->rx_fifo += n;
}

static int gem_poll(struct netdev *dev, int budget)
{
	struct gem *g = dev->priv;
	uint32_t events = __atomic_exchange_n(&g->isr_events, 0,
					      __ATOMIC_RELAXED);
	int done;

	gem_tx_reclaim(g);
	done = gem_rx(g, budget);
	if (g->tick_due || (events & GEM_INT_ERRORS))
		gem_check_status(g);
	if (g->tick_due) {
		g->tick_due = false;
		if (phy_poll(&g->phy))
			gem_apply_link(g);
		gem_fold_stats(g);
		ktimer_arm(&g->tick, clock_now_us() + GEM_TICK_US);
	}
	/* A doorbell that came while the device was finishing the frame
	 * before may have been ignored: ring again if it stopped. */
	if (g->tx_count && !(gem_read(g, GEM_TSR) & GEM_TSR_TGO))
		gem_write(g, GEM_NCR, g->ncr | GEM_NCR_TSTART);
	return done;
}

static const struct netdev_ops gem_ops = {
    .xmit = gem_xmit,
    .poll = gem_poll,
    .irq_enable = gem_irq_enable,
    .link_up = gem_link_up,
    .link_mode = gem_link_mode,
};

/* --- Probe ---------------------------------------------------------------- */

static bool gem_mac_valid(const uint8_t *m)
{
	static const uint8_t zero[ETH_ALEN];

	return !(m[0] & 1) && memcmp(m, zero, ETH_ALEN) != 0;
}

/* The station address: the tree's (mac-address, then
 * local-mac-address, as Linux's of_get_mac_address() looks), else what
 * firmware left in specific address 1, else a random locally
 * administered one. Written to SA1 (bottom first: writing the top
 * enables the match). */
static void gem_setup_mac(struct gem *g, const struct fdt *fdt, int node)
{
	static const char *const props[] = { "mac-address",
					     "local-mac-address" };
	uint8_t *mac = g->dev.mac;
	const char *from = NULL;
	char buf[18];

	for (unsigned i = 0; i < 2 && !from; i++) {
		uint32_t len;
		const uint8_t *p = fdt_getprop(fdt, node, props[i], &len);

		if (p && len == ETH_ALEN && gem_mac_valid(p)) {
			memcpy(mac, p, ETH_ALEN);
			from = props[i];
		}
	}
	if (!from) {
		uint32_t b = gem_read(g, GEM_SA1B), t = gem_read(g, GEM_SA1T);

		for (unsigned i = 0; i < 4; i++)
			mac[i] = (uint8_t)(b >> (8 * i));
		mac[4] = (uint8_t)t;
		mac[5] = (uint8_t)(t >> 8);
		if (gem_mac_valid(mac))
			from = "the device (SA1)";
	}
	if (!from) {
		uint32_t r1 = net_random(), r2 = net_random();

		for (unsigned i = 0; i < 4; i++)
			mac[i] = (uint8_t)(r1 >> (8 * i));
		mac[4] = (uint8_t)r2;
		mac[5] = (uint8_t)(r2 >> 8);
		mac[0] = (mac[0] & 0xfe) | 0x02; /* unicast, local */
		from = "nowhere: random";
	}
	kprintf("%s: mac %s from %s\n", g->dev.name,
		netdev_format_mac(mac, buf), from);
	gem_write(g, GEM_SA1B,
		  (uint32_t)mac[0] | (uint32_t)mac[1] << 8 |
			  (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24);
	gem_write(g, GEM_SA1T, (uint32_t)mac[4] | (uint32_t)mac[5] << 8);
}

/* The MDIO address of the PHY phy-handle points to, or -1. */
static int gem_phy_addr(const struct fdt *fdt, int node)
{
	uint32_t ph, reg;
	int phy;

	if (fdt_getprop_u32(fdt, node, "phy-handle", &ph) < 0)
		return -1;
	phy = fdt_find_phandle(fdt, ph);
	if (phy < 0 || fdt_getprop_u32(fdt, phy, "reg", &reg) < 0 ||
	    reg >= PHY_MAX_ADDR)
		return -1;
	return (int)reg;
}

/* Stop everything the device may have been left doing by firmware. */
static void gem_quiesce(struct gem *g)
{
	gem_write(g, GEM_NCR, 0);
	gem_write(g, GEM_IDR, GEM_INT_ALL);
	(void)gem_read(g, GEM_ISR);
	gem_write(g, GEM_TSR, GEM_TSR_ALL);
	gem_write(g, GEM_RSR, GEM_RSR_ALL);
	gem_write(g, GEM_NCR, GEM_NCR_CLRSTAT);
}

static int gem_probe(const struct fdt *fdt, int node, uint64_t base,
		     const char *compat)
{
	struct gem *g = calloc(1, sizeof(*g));
	const char *where = fdt_node_name(fdt, node);
	uint64_t mbase, msize;
	uint32_t mid, dcfg1, dcfg6;
	int err;

	if (!g)
		return -ENOMEM;
	g->regs = (uintptr_t)base;
	g->dev.priv = g;
	g->dev.driver = "gem";
	g->dev.mtu = 1500;
	g->dev.ops = &gem_ops;
	g->dev.irq = -1;
	snprintf(g->dev.bus_info, sizeof(g->dev.bus_info), "%s",
		 where ? where : "gem");
	where = g->dev.bus_info;

	mid = gem_read(g, GEM_MID);
	if (GEM_MID_IDNUM(mid) < 2) {
		kprintf("gem %s: module id 0x%08x is not a GEM, refused\n",
			where, (unsigned)mid);
		err = -ENODEV;
		goto fail;
	}
	err = dma_dev_init_fdt(&g->dma, fdt, node, g->dev.bus_info);
	if (err)
		goto fail; /* dma_dev_init_fdt() said why */
	if (fdt_is_compatible(fdt, node, "sifive,fu540-c000-gem") &&
	    fdt_reg(fdt, node, 1, &mbase, &msize) == 0 && msize >= 4)
		g->mgmt = (uintptr_t)mbase;

	gem_quiesce(g);
	dcfg1 = gem_read(g, GEM_DCFG1);
	dcfg6 = gem_read(g, GEM_DCFG6);
	g->addr64 = dcfg6 & GEM_DCFG6_DAW64;
	g->desc_words = g->addr64 ? 4 : 2;
	g->nqueues = 1 + (unsigned)__builtin_popcount(GEM_DCFG6_QUEUES(dcfg6));

	/* FCS stripped, every multicast group taken (the hash all ones,
	 * for the same reason e1000.c sets MPE: IPv6's groups, filtered by
	 * net/eth.c), MDC at pclk/224 (within 2.5 MHz for any pclk up to
	 * 560 MHz: the tree's clocks are not read), the bus width the
	 * design has. */
	g->ncfgr = GEM_NCFGR_FCSREM | GEM_NCFGR_MTIHEN |
		   GEM_NCFGR_MDC_DIV224 << GEM_NCFGR_MDC_SHIFT;
	if (GEM_DCFG1_DBWDEF(dcfg1) & 4)
		g->ncfgr |= 2u << GEM_NCFGR_DBW_SHIFT;
	else if (GEM_DCFG1_DBWDEF(dcfg1) & 2)
		g->ncfgr |= 1u << GEM_NCFGR_DBW_SHIFT;
	gem_write(g, GEM_NCFGR, g->ncfgr | GEM_NCFGR_GBE | GEM_NCFGR_FD);
	gem_write(g, GEM_HRB, ~0u);
	gem_write(g, GEM_HRT, ~0u);
	gem_write(g, GEM_DMACFG,
		  GEM_DMACFG_BLEN_16 | GEM_DMACFG_RXBMS_FULL |
			  GEM_DMACFG_TXPBMS |
			  (GEM_BUF_SIZE / 64) << GEM_DMACFG_RXBS_SHIFT |
			  (g->addr64 ? GEM_DMACFG_ADDR64 : 0));

	err = gem_alloc(g);
	if (err) {
		kprintf("gem %s: %s for its rings and buffers, refused\n",
			where,
			err == -ENOMEM ? "out of memory" :
					 "no memory the DMA can address");
		goto fail;
	}
	gem_setup_rx(g);
	gem_setup_tx(g);
	gem_park_queues(g, dcfg6);

	/* Registered while the device cannot yet DMA, so that a failure
	 * here may still free its memory. */
	err = netdev_register(&g->dev);
	if (err) {
		kprintf("gem %s: cannot register a netdev (%d)\n", where, err);
		goto fail;
	}
	gem_setup_mac(g, fdt, node);

	g->ncr = GEM_NCR_MPE;
	gem_write(g, GEM_NCR, g->ncr);
	g->mdio = (struct mdio_bus){ .priv = g,
				     .read = gem_mdio_read,
				     .write = gem_mdio_write,
				     .delay_us = gem_mdio_delay };
	/* No PHY: a fixed link (phy.h); a PHY that will not reset is
	 * left to negotiate as it is, and polled all the same. */
	if (phy_attach(&g->phy, &g->mdio, gem_phy_addr(fdt, node),
		       g->dev.name) == 0)
		(void)phy_start(&g->phy);
	phy_poll(&g->phy);
	gem_apply_link(g);

	g->ncr |= GEM_NCR_RE | GEM_NCR_TE;
	gem_write(g, GEM_NCR, g->ncr);

	int virq = irq_of_get(fdt, node, 0);
	err = virq < 0 ? virq
		       : irq_register_shared(virq, g->dev.name, gem_interrupt,
					     g);
	if (err < 0) {
		g->dev.polled = true;
		kprintf("%s: no usable interrupt (%d), polling\n", g->dev.name,
			err);
	} else {
		g->dev.irq = virq;
	}
	ktimer_init(&g->tick, gem_tick);
	ktimer_arm(&g->tick, clock_now_us() + GEM_TICK_US);

	char irqs[16], mac[18];
	if (g->dev.polled)
		snprintf(irqs, sizeof(irqs), "polled");
	else
		snprintf(irqs, sizeof(irqs), "irq %d", g->dev.irq);
	kprintf("%s: gem at %s %s, mac %s, link %s\n", g->dev.name, where,
		irqs, netdev_format_mac(g->dev.mac, mac),
		g->phy.link ? "up" : "down");
	kprintf("%s: %s, module id 0x%08x, %u queue%s, %d-bit descriptors, "
		"PHY %d\n",
		g->dev.name, compat, (unsigned)mid, g->nqueues,
		g->nqueues == 1 ? "" : "s", g->addr64 ? 64 : 32, g->phy.addr);
	if (!g->dev.polled)
		gem_irq_enable(&g->dev, true);
	return 0;

fail:
	gem_free(g);
	return err;
}

void gem_init(const struct fdt *fdt)
{
	static const char *const compats[] = {
		"sifive,fu540-c000-gem",
		"cdns,zynqmp-gem",
		"xlnx,zynqmp-gem",
	};

	/* In tree order, whichever compatible each node has. */
	for (int node = fdt_next_node(fdt, -1); node >= 0;
	     node = fdt_next_node(fdt, node)) {
		const char *compat = NULL;
		uint64_t base, size;

		for (unsigned i = 0; i < 3 && !compat; i++)
			if (fdt_is_compatible(fdt, node, compats[i]))
				compat = compats[i];
		if (!compat || !fdt_is_enabled(fdt, node))
			continue;
		if (fdt_reg(fdt, node, 0, &base, &size) < 0 ||
		    size < GEM_REGS_SIZE) {
			kprintf("gem %s: no usable reg (needs 0x%x bytes), "
				"refused\n",
				fdt_node_name(fdt, node), GEM_REGS_SIZE);
			continue;
		}
		gem_probe(fdt, node, base, compat);
	}
}
