/*
 * GICv3 ("arm,gic-v3"): QEMU's `-M virt,gic-version=3`.
 *
 * A distributor for SPIs, one redistributor per CPU for SGIs and PPIs,
 * and the CPU interface as ICC_* system registers (GICv3 spec chapter
 * 12, "Programmers' Model"). Affinity routing is on (ARE), so SPIs are
 * routed by MPIDR affinity through GICD_IROUTER. Every line is group 1
 * non-secure, acknowledged through ICC_IAR1_EL1.
 */
#include <errno.h>
#include <stddef.h>

#include "arch/aarch64/gic.h"
#include "arch/aarch64/sysreg.h"
#include "kernel/fdt.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

/* Distributor (GICv3 spec, GICD_* registers). GICD_CTLR bits 0, 1 and 4 are
 * EnableGrp0/EnableGrp1/ARE with one Security state (DS = 1), and
 * EnableGrp1/EnableGrp1A/ARE_NS in the Non-secure view of a system with
 * two: setting all three is right for both. */
#define GICD_CTLR_GRP0_OR_GRP1	(1u << 0)
#define GICD_CTLR_GRP1_OR_GRP1A	(1u << 1)
#define GICD_CTLR_ARE		(1u << 4)
#define GICD_IROUTER		0x6000	/* 64-bit, one per INTID */

/* Redistributor RD_base frame (GICv3 spec, GICR_* registers) and its SGI frame
 * 64 KiB above it. */
#define GICR_TYPER		0x08	/* 64-bit */
#define GICR_WAKER		0x14
#define GICR_SGI_OFFSET		0x10000
#define GICR_TYPER_VLPIS	(1u << 1)
#define GICR_TYPER_LAST		(1u << 4)
#define GICR_WAKER_PROCESSOR_SLEEP	(1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP	(1u << 2)
/* Frames per redistributor: RD_base + SGI_base, plus VLPI_base and a
 * reserved frame with GICv4 virtual LPIs. */
#define GICR_STRIDE_V3		0x20000
#define GICR_STRIDE_V4		0x40000
#define GIC_MAX_REDIST_REGIONS	8
#define WAKER_TIMEOUT		1000000

/* CPU interface system registers (GICv3 spec, ICC_*_EL1), by encoding so that
 * any assembler takes them. */
#define ICC_PMR_EL1		S3_0_C4_C6_0
#define ICC_IAR1_EL1		S3_0_C12_C12_0
#define ICC_EOIR1_EL1		S3_0_C12_C12_1
#define ICC_BPR1_EL1		S3_0_C12_C12_3
#define ICC_CTLR_EL1		S3_0_C12_C12_4
#define ICC_SRE_EL1		S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1		S3_0_C12_C12_7

static struct gic gicv3;

static uint64_t read64(volatile uint8_t *base, uint32_t off)
{
	return *(volatile uint64_t *)(base + off);
}

static void write64(volatile uint8_t *base, uint32_t off, uint64_t val)
{
	*(volatile uint64_t *)(base + off) = val;
}

/* GICD_IROUTER.Aff3 is bits [39:32], Aff2..0 bits [23:0]: the MPIDR_EL1
 * layout, with Interrupt_Routing_Mode (bit 31) 0 for "this CPU". */
static uint64_t this_cpu_route(void)
{
	return read_sysreg(mpidr_el1) & 0xff00ffffffull;
}

/*
 * Walk the redistributor frames of one region for the one whose
 * GICR_TYPER.Affinity_Value matches this CPU's MPIDR (GICv3 spec,
 * GICR_TYPER); GICR_TYPER.Last marks the region's final redistributor.
 */
static volatile uint8_t *find_redist(uint64_t base, uint64_t size,
				     uint64_t stride)
{
	uint32_t aff = mpidr_affinity(read_sysreg(mpidr_el1));
	volatile uint8_t *rd = (volatile uint8_t *)(uintptr_t)base;
	volatile uint8_t *end = rd + size;

	while (rd < end) {
		uint64_t typer = read64(rd, GICR_TYPER);
		if ((uint32_t)(typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		if (stride)
			rd += stride;
		else if (typer & GICR_TYPER_VLPIS)
			rd += GICR_STRIDE_V4;
		else
			rd += GICR_STRIDE_V3;
	}
	return NULL;
}

/* "reg" is the distributor, then "#redistributor-regions" regions
 * (default 1); "redistributor-stride" (64-bit) overrides the stride. */
static volatile uint8_t *find_this_redist(const struct fdt *fdt, int node)
{
	uint32_t nregions = 1, len;
	uint64_t stride = 0, base, size;
	const void *prop;

	if (fdt_getprop_u32(fdt, node, "#redistributor-regions",
			    &nregions) < 0)
		nregions = 1;
	prop = fdt_getprop(fdt, node, "redistributor-stride", &len);
	if (prop && !fdt_read_cells(prop, len, 0, 2, &stride))
		stride = 0;
	for (uint32_t i = 0; i < nregions && i < GIC_MAX_REDIST_REGIONS; i++) {
		if (fdt_reg(fdt, node, 1 + (int)i, &base, &size) < 0)
			break;
		volatile uint8_t *rd = find_redist(base, size, stride);
		if (rd)
			return rd;
	}
	return NULL;
}

/* A redistributor starts asleep: clear ProcessorSleep and wait until
 * ChildrenAsleep reads 0 before touching its SGI frame (GICv3 spec,
 * GICR_WAKER). */
static int redist_wake(volatile uint8_t *rd)
{
	uint32_t waker = gic_read(rd, GICR_WAKER);

	gic_write(rd, GICR_WAKER, waker & ~GICR_WAKER_PROCESSOR_SLEEP);
	for (int i = 0; i < WAKER_TIMEOUT; i++)
		if (!(gic_read(rd, GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP))
			return 0;
	return -ETIMEDOUT;
}

static void wait_rwp(volatile uint8_t *base, uint32_t bit)
{
	for (int i = 0; i < WAKER_TIMEOUT; i++)
		if (!(gic_read(base, GICD_CTLR) & bit))
			return;
}

/* SPIs: group 1, reset, routed here; then affinity routing and the
 * groups on. ARE may only change while the groups are disabled
 * (GICv3 spec, GICD_CTLR), hence three writes. */
static void gicv3_dist_init(struct gic *g, unsigned lines)
{
	uint64_t route = this_cpu_route();

	gic_write(g->dist, GICD_CTLR, 0);
	wait_rwp(g->dist, GICD_CTLR_RWP);
	for (unsigned i = GIC_SPI_BASE; i < lines; i += 32)
		gic_write(g->dist, GICD_IGROUPR + i / 8, ~0u);
	gic_reset_lines(g->dist, GIC_SPI_BASE, lines);
	for (unsigned i = GIC_SPI_BASE; i < lines; i++)
		write64(g->dist, GICD_IROUTER + i * 8, route);
	gic_write(g->dist, GICD_CTLR, GICD_CTLR_ARE);
	wait_rwp(g->dist, GICD_CTLR_RWP);
	gic_write(g->dist, GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP0_OR_GRP1 |
		  GICD_CTLR_GRP1_OR_GRP1A);
	wait_rwp(g->dist, GICD_CTLR_RWP);
}

/* This CPU's SGIs and PPIs, in the redistributor's SGI frame. */
static void gicv3_redist_init(struct gic *g)
{
	gic_write(g->sgi, GICD_IGROUPR, ~0u);
	gic_reset_lines(g->sgi, 0, GIC_SPI_BASE);
	wait_rwp(g->rd, GICR_CTLR_RWP);
}

/*
 * ICC_SRE_EL1.SRE selects the system register interface; firmware at
 * EL2/EL3 must have allowed it (ICC_SRE_EL2.Enable), which
 * boot/aarch64/start.S does when Kite enters at EL2. Then: priority mask
 * open, EOI both drops priority and deactivates (EOImode 0), group 1 on
 * (GICv3 spec, ICC_*_EL1).
 */
static int gicv3_cpu_init(void)
{
	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | ICC_SRE_SRE);
	isb();
	if (!(read_sysreg(ICC_SRE_EL1) & ICC_SRE_SRE))
		return -ENODEV;
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 0);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
	return 0;
}

/*
 * Reading ICC_IAR1_EL1 acknowledges the highest-priority pending group 1
 * interrupt; writing its INTID to ICC_EOIR1_EL1 ends it. 1020-1023 mean
 * none (GICv3 spec, "Special INTIDs"). The dsb orders the acknowledge
 * before the handlers' device accesses, as Linux's gic_read_iar() does.
 */
static void gicv3_handle_irq(void)
{
	uint32_t intid = (uint32_t)read_sysreg(ICC_IAR1_EL1) & 0xffffff;

	dsb(sy);
	if (intid >= GIC_MAX_INTID) {
		irq_count_spurious();
		return;
	}
	do {
		irq_handle_hwirq(&gicv3.chip, intid);
		write_sysreg(ICC_EOIR1_EL1, intid);
		isb();
		intid = (uint32_t)read_sysreg(ICC_IAR1_EL1) & 0xffffff;
		dsb(sy);
	} while (intid < GIC_MAX_INTID);
}

int gicv3_probe(const struct fdt *fdt, int node)
{
	struct gic *g = &gicv3;
	uint64_t dist;
	unsigned lines;
	int err;

	if (fdt_reg(fdt, node, 0, &dist, NULL) < 0)
		return -EINVAL;
	g->version = 3;
	g->dist = (volatile uint8_t *)(uintptr_t)dist;
	g->rd = find_this_redist(fdt, node);
	if (!g->rd) {
		kprintf("gic: no GICv3 redistributor for MPIDR %#llx\n",
			(unsigned long long)read_sysreg(mpidr_el1));
		return -ENODEV;
	}
	g->sgi = g->rd + GICR_SGI_OFFSET;
	err = gicv3_cpu_init();
	if (err) {
		kprintf("gic: GICv3 system registers disabled by firmware\n");
		return err;
	}

	lines = GICD_TYPER_LINES(gic_read(g->dist, GICD_TYPER));
	if (lines > GIC_MAX_INTID)
		lines = GIC_MAX_INTID;
	gicv3_dist_init(g, lines);
	err = redist_wake(g->rd);
	if (err) {
		kprintf("gic: GICv3 redistributor does not wake up\n");
		return err;
	}
	gicv3_redist_init(g);

	gic_chip_init(g, "GICv3", fdt, node, lines);
	err = irq_chip_register(&g->chip);
	if (err)
		return err;
	gic_handle_irq = gicv3_handle_irq;
	kprintf("gic: GICv3 at %#llx (redist %#llx, MPIDR affinity %#llx), "
		"%u lines\n", (unsigned long long)dist,
		(unsigned long long)(uintptr_t)g->rd,
		(unsigned long long)this_cpu_route(), lines);
	return 0;
}
