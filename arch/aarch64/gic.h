/*
 * The Arm Generic Interrupt Controller, versions 2 and 3, as one
 * struct irq_chip (kernel/irq.h). Private to arch/aarch64.
 *
 * References: GIC architecture specification v2 (IHI 0048B, "GICv2
 * spec") and v3/v4 (IHI 0069, "GICv3 spec"). The two versions share the
 * distributor's layout for enable, priority and configuration registers;
 * GICv3 moves the per-CPU interrupts (SGIs 0-15, PPIs 16-31) into each
 * CPU's redistributor "SGI frame", at the same offsets, and replaces the
 * memory-mapped CPU interface with system registers.
 */
#ifndef KITE_AARCH64_GIC_H
#define KITE_AARCH64_GIC_H

#include <stdint.h>

#include "kernel/irq.h"

struct fdt;

/* INTID ranges (GICv3 spec, "INTIDs"). */
#define GIC_PPI_BASE		16
#define GIC_SPI_BASE		32
#define GIC_MAX_INTID		1020	/* 1020-1023 are special */
#define GIC_INTID_SPURIOUS	1023

/* Distributor registers common to v2 and v3 (GICv2 spec 4.1.2, GICv3
 * spec "The GIC Distributor register map"); for INTIDs < 32 on GICv3
 * the same offsets are in the redistributor's SGI frame. */
#define GICD_CTLR		0x000
#define GICD_TYPER		0x004
#define GICD_IGROUPR		0x080
#define GICD_ISENABLER		0x100
#define GICD_ICENABLER		0x180
#define GICD_ICPENDR		0x280
#define GICD_ICACTIVER		0x380
#define GICD_IPRIORITYR		0x400
#define GICD_ICFGR		0xc00

/* GICv3 spec, GICD_CTLR and GICR_CTLR: RWP, "register write pending", is set
 * while a write that disables an interrupt is still propagating. */
#define GICD_CTLR_RWP		(1u << 31)
#define GICR_CTLR_RWP		(1u << 3)

/* GICD_TYPER.ITLinesNumber: the GIC has 32 * (N + 1) INTIDs. */
#define GICD_TYPER_LINES(typer)	(32 * (((typer) & 0x1f) + 1))

/* One priority for every line, numerically below (so more urgent than)
 * the open priority mask 0xff. */
#define GIC_PRIORITY		0xa0
#define GIC_PRIORITY_WORD	0xa0a0a0a0u

struct gic {
	struct irq_chip chip;
	int version;			/* 2 or 3 */
	volatile uint8_t *dist;		/* distributor */
	volatile uint8_t *cpu;		/* v2: CPU interface */
	volatile uint8_t *rd;		/* v3: this CPU's redistributor */
	volatile uint8_t *sgi;		/* v3: its SGI frame (rd + 64 KiB) */
	uint32_t edge[GIC_MAX_INTID / 32 + 1];	/* trigger from xlate */
};

static inline uint32_t gic_read(volatile uint8_t *base, uint32_t off)
{
	return *(volatile uint32_t *)(base + off);
}

static inline void gic_write(volatile uint8_t *base, uint32_t off,
			     uint32_t val)
{
	*(volatile uint32_t *)(base + off) = val;
}

/* Fill in the irq_chip operations shared by both versions. */
void gic_chip_init(struct gic *g, const char *name, const struct fdt *fdt,
		   int node, unsigned nr_hwirq);
/* Put lines [from, to) of the frame at base in a known state: disabled,
 * not pending or active, default priority, level-triggered. */
void gic_reset_lines(volatile uint8_t *base, unsigned from, unsigned to);

/* Probe the controller described by a device tree node; 0 or -errno. */
int gicv2_probe(const struct fdt *fdt, int node);
int gicv3_probe(const struct fdt *fdt, int node);

/* Find the GIC in the device tree, probe and register it. Panics if the
 * tree names none Kite drives. */
void gic_init_dt(const struct fdt *fdt);

/* The acknowledge loop of the probed GIC; called by trap_irq(). */
extern void (*gic_handle_irq)(void);

#endif
