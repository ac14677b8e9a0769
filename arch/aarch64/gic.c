/*
 * What GICv2 and GICv3 share: the device tree specifier, per-line
 * enable and trigger configuration, and finding the controller.
 * Version-specific start-up and the acknowledge loop are in gicv2.c and
 * gicv3.c.
 */
#include <errno.h>

#include "arch/aarch64/gic.h"
#include "kernel/fdt.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

#define RWP_TIMEOUT		1000000

void (*gic_handle_irq)(void);

/* The frame holding a line's registers: GICv3 keeps SGIs and PPIs in
 * the redistributor's SGI frame, GICv2 banks them in the distributor. */
static volatile uint8_t *gic_frame(struct gic *g, unsigned intid)
{
	return intid < GIC_SPI_BASE && g->sgi ? g->sgi : g->dist;
}

/* After clearing an enable bit the GICv3 distributor or redistributor
 * may still deliver the interrupt until RWP reads 0 (GICv3 spec,
 * GICD_CTLR.RWP). GICv2 has no such bit: its writes take effect in
 * order. */
static void gic_wait_rwp(struct gic *g, unsigned intid)
{
	volatile uint8_t *base = g->dist;
	uint32_t bit = GICD_CTLR_RWP;

	if (g->version != 3)
		return;
	if (intid < GIC_SPI_BASE) {
		base = g->rd;
		bit = GICR_CTLR_RWP;
	}
	for (int i = 0; i < RWP_TIMEOUT; i++)
		if (!(gic_read(base, GICD_CTLR) & bit))
			return;
	kprintf("gic: register write pending for INTID %u never cleared\n",
		intid);
}

static void gic_mask(struct irq_chip *chip, unsigned hwirq)
{
	struct gic *g = chip->priv;

	gic_write(gic_frame(g, hwirq), GICD_ICENABLER + hwirq / 32 * 4,
		  1u << hwirq % 32);
	gic_wait_rwp(g, hwirq);
}

/*
 * GICD_ICFGR holds two bits per INTID; the upper one selects edge (1) or
 * level (0) (GICv2 spec 4.3.13, GICv3 spec GICD_ICFGR<n>). SGIs are
 * fixed. Changing the field of an enabled line is UNPREDICTABLE, so
 * this runs from unmask while the line is still disabled; a second
 * unmask of a shared line finds the field already right and writes
 * nothing.
 */
static void gic_set_trigger(struct gic *g, unsigned intid)
{
	volatile uint8_t *base = gic_frame(g, intid);
	uint32_t off = GICD_ICFGR + intid / 16 * 4;
	uint32_t bit = 1u << (intid % 16 * 2 + 1);
	bool edge = g->edge[intid / 32] & 1u << intid % 32;
	uint32_t val;

	if (intid < GIC_PPI_BASE)
		return;
	val = gic_read(base, off);
	if (!!(val & bit) == edge)
		return;
	gic_write(base, off, val ^ bit);
}

static void gic_unmask(struct irq_chip *chip, unsigned hwirq)
{
	struct gic *g = chip->priv;

	gic_set_trigger(g, hwirq);
	gic_write(gic_frame(g, hwirq), GICD_ISENABLER + hwirq / 32 * 4,
		  1u << hwirq % 32);
}

/*
 * The 3-cell specifier of Linux's arm,gic.yaml / arm,gic-v3.yaml
 * bindings: <type number flags>, type 0 = SPI (INTID number + 32),
 * type 1 = PPI (INTID number + 16); flags[3:0] are 1/2 for edge, 4/8 for
 * level (bits [15:8] are a GICv2 PPI CPU mask, ignored on one CPU).
 * GICv3's extended SPI/PPI ranges (types 2 and 3) are not supported.
 */
static int gic_xlate(struct irq_chip *chip, const uint32_t *cells,
		     unsigned ncells, unsigned *hwirq,
		     enum irq_trigger *trigger)
{
	struct gic *g = chip->priv;
	unsigned intid;

	if (ncells < 3)
		return -EINVAL;
	if (cells[0] == 0 && cells[1] < GIC_MAX_INTID - GIC_SPI_BASE)
		intid = cells[1] + GIC_SPI_BASE;
	else if (cells[0] == 1 && cells[1] < GIC_SPI_BASE - GIC_PPI_BASE)
		intid = cells[1] + GIC_PPI_BASE;
	else
		return -EINVAL;
	if (intid >= chip->nr_hwirq)
		return -EINVAL;

	*hwirq = intid;
	*trigger = cells[2] & 0x3 ? IRQ_TRIGGER_EDGE : IRQ_TRIGGER_LEVEL;
	if (*trigger == IRQ_TRIGGER_EDGE)
		g->edge[intid / 32] |= 1u << intid % 32;
	else
		g->edge[intid / 32] &= ~(1u << intid % 32);
	return 0;
}

void gic_chip_init(struct gic *g, const char *name, const struct fdt *fdt,
		   int node, unsigned nr_hwirq)
{
	uint32_t phandle = 0;

	/* Other nodes name the GIC as their interrupt-parent by this. */
	if (fdt_getprop_u32(fdt, node, "phandle", &phandle) < 0)
		phandle = 0;
	g->chip.name = name;
	g->chip.nr_hwirq = nr_hwirq;
	g->chip.mask = gic_mask;
	g->chip.unmask = gic_unmask;
	g->chip.xlate = gic_xlate;
	g->chip.priv = g;
	g->chip.phandle = phandle;
}

void gic_reset_lines(volatile uint8_t *base, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i += 32) {
		gic_write(base, GICD_ICENABLER + i / 8, ~0u);
		gic_write(base, GICD_ICPENDR + i / 8, ~0u);
		gic_write(base, GICD_ICACTIVER + i / 8, ~0u);
	}
	for (unsigned i = from; i < to; i += 4)
		gic_write(base, GICD_IPRIORITYR + i, GIC_PRIORITY_WORD);
	for (unsigned i = from; i < to; i += 16)
		if (i >= GIC_PPI_BASE)	/* SGIs are always edge */
			gic_write(base, GICD_ICFGR + i / 4, 0);
}

static const struct {
	const char *compatible;
	int (*probe)(const struct fdt *fdt, int node);
} gic_matches[] = {
	{ "arm,gic-v3", gicv3_probe },
	{ "arm,gic-400", gicv2_probe },
	{ "arm,cortex-a15-gic", gicv2_probe },
	{ "arm,cortex-a7-gic", gicv2_probe },
};

void gic_init_dt(const struct fdt *fdt)
{
	for (unsigned i = 0; i < sizeof(gic_matches) / sizeof(gic_matches[0]);
	     i++) {
		const char *compat = gic_matches[i].compatible;
		int node = -1;

		while ((node = fdt_find_compatible(fdt, node, compat)) >= 0) {
			if (!fdt_is_enabled(fdt, node))
				continue;
			int err = gic_matches[i].probe(fdt, node);
			if (err)
				panic("gic: cannot start %s (%d)", compat,
				      err);
			return;
		}
	}
	panic("gic: the device tree names no GICv2 or GICv3");
}
