/*
 * GICv2 ("arm,cortex-a15-gic", "arm,gic-400"): QEMU's `-M virt` default.
 * A distributor and a memory-mapped CPU interface, both found in the
 * node's "reg" (GICv2 spec chapter 4).
 *
 * Interrupt groups are left as the firmware set them, as Linux does: in
 * a GIC without the Security Extensions (QEMU without secure=on) every
 * line resets to group 0, which is signalled as IRQ while GICC_CTLR.FIQEn
 * is 0, and GICC_IAR would not acknowledge a group 1 line at all
 * (GICv2 spec 4.4.4, AckCtl). Where the Security Extensions exist,
 * firmware moved the lines to group 1 and the group registers are
 * RAZ/WI to us. Either way bit 0 of GICD_CTLR and GICC_CTLR enables the
 * group we see.
 */
#include <errno.h>
#include <stddef.h>

#include "arch/aarch64/gic.h"
#include "kernel/fdt.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

/* Distributor (GICv2 spec 4.3). */
#define GICD_ITARGETSR		0x800
#define GICD_CTLR_ENABLE	(1u << 0)

/* CPU interface (GICv2 spec 4.4). */
#define GICC_CTLR		0x00
#define GICC_PMR		0x04
#define GICC_BPR		0x08
#define GICC_IAR		0x0c
#define GICC_EOIR		0x10
#define GICC_CTLR_ENABLE	(1u << 0)
#define GICC_IAR_INTID(iar)	((iar) & 0x3ff)

static struct gic gicv2;

/*
 * GICD_ITARGETSR0-7 are banked and read-only: each byte reads as the
 * mask of the CPU interface making the access (GICv2 spec 4.3.12).
 * A GIC with a single CPU interface may implement them as RAZ; the
 * target registers are then ignored anyway.
 */
static uint32_t gicv2_this_cpu_mask(struct gic *g)
{
	uint32_t mask = 0;

	for (unsigned i = 0; i < 32; i += 4)
		mask |= gic_read(g->dist, GICD_ITARGETSR + i);
	mask |= mask >> 16;
	mask |= mask >> 8;
	return (mask & 0xff) ? (mask & 0xff) : 1;
}

static void gicv2_dist_init(struct gic *g, unsigned lines, uint32_t cpu_mask)
{
	uint32_t targets = cpu_mask * 0x01010101u;

	gic_write(g->dist, GICD_CTLR, 0);
	gic_reset_lines(g->dist, 0, lines);
	/* Every SPI is delivered to this CPU. */
	for (unsigned i = GIC_SPI_BASE; i < lines; i += 4)
		gic_write(g->dist, GICD_ITARGETSR + i, targets);
	gic_write(g->dist, GICD_CTLR, GICD_CTLR_ENABLE);
}

static void gicv2_cpu_init(struct gic *g)
{
	/* Priority mask fully open: writes of 0xff set every implemented
	 * bit (GICv2 spec 4.4.2); no preemption sub-grouping. */
	gic_write(g->cpu, GICC_PMR, 0xff);
	gic_write(g->cpu, GICC_BPR, 0);
	gic_write(g->cpu, GICC_CTLR, GICC_CTLR_ENABLE);
}

/*
 * Acknowledge, handle, end: reading GICC_IAR makes the highest-priority
 * pending line active and returns it; writing the same value to
 * GICC_EOIR deactivates it (GICv2 spec 4.4.5). A level line still
 * asserted after its handler becomes pending again. 1020-1023 mean
 * nothing (more) to acknowledge.
 */
static void gicv2_handle_irq(void)
{
	uint32_t iar = gic_read(gicv2.cpu, GICC_IAR);

	if (GICC_IAR_INTID(iar) >= GIC_MAX_INTID) {
		irq_count_spurious();
		return;
	}
	do {
		irq_handle_hwirq(&gicv2.chip, GICC_IAR_INTID(iar));
		gic_write(gicv2.cpu, GICC_EOIR, iar);
		iar = gic_read(gicv2.cpu, GICC_IAR);
	} while (GICC_IAR_INTID(iar) < GIC_MAX_INTID);
}

int gicv2_probe(const struct fdt *fdt, int node)
{
	struct gic *g = &gicv2;
	uint64_t dist, cpu;
	unsigned lines;
	uint32_t cpu_mask;
	int err;

	/* reg: distributor, CPU interface[, hypervisor, virtual CPU]. */
	if (fdt_reg(fdt, node, 0, &dist, NULL) < 0 ||
	    fdt_reg(fdt, node, 1, &cpu, NULL) < 0)
		return -EINVAL;
	g->version = 2;
	g->dist = (volatile uint8_t *)(uintptr_t)dist;
	g->cpu = (volatile uint8_t *)(uintptr_t)cpu;

	lines = GICD_TYPER_LINES(gic_read(g->dist, GICD_TYPER));
	if (lines > GIC_MAX_INTID)
		lines = GIC_MAX_INTID;
	/* Whichever CPU firmware started Kite on, not CPU 0 by assumption. */
	cpu_mask = gicv2_this_cpu_mask(g);
	gicv2_dist_init(g, lines, cpu_mask);
	gicv2_cpu_init(g);

	gic_chip_init(g, "GICv2", fdt, node, lines);
	err = irq_chip_register(&g->chip);
	if (err)
		return err;
	gic_handle_irq = gicv2_handle_irq;
	kprintf("gic: GICv2 at %#llx (cpu interface %#llx), %u lines, "
		"SPIs to CPU mask %#x\n",
		(unsigned long long)dist, (unsigned long long)cpu, lines,
		cpu_mask);
	return 0;
}
