/*
 * RISC-V Platform-Level Interrupt Controller (RISC-V PLIC Specification
 * v1.0.0). Each (hart, privilege mode) pair is a "context" with its own
 * enable bits, priority threshold and claim/complete register; Kite uses
 * the boot hart's S-mode context, found through interrupts-extended.
 */
#include <errno.h>

#include "arch/mmio.h"
#include "arch/riscv64/csr.h"
#include "arch/riscv64/trap.h"
#include "kernel/fdt.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

#define PLIC_PRIORITY(id)	(4 * (id))
#define PLIC_ENABLE(ctx, id)	(0x2000 + 0x80 * (ctx) + 4 * ((id) / 32))
#define PLIC_THRESHOLD(ctx)	(0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx)		(0x200004 + 0x1000 * (ctx))

struct plic {
	uintptr_t base;
	unsigned context;
};

static struct plic plic;

static void plic_mask(struct irq_chip *chip, unsigned id)
{
	struct plic *p = chip->priv;
	uintptr_t en = p->base + PLIC_ENABLE(p->context, id);
	writel(readl(en) & ~(1u << (id % 32)), en);
}

/*
 * The enable bit first, the priority last. The spec ("Interrupt Flow",
 * "Interrupt Notifications") has the PLIC notify the hart of any source
 * that is pending, enabled and above the threshold, so enabling a source
 * the gateway latched while it was masked should interrupt at once. QEMU's
 * model (hw/intc/sifive_plic.c) re-evaluates its output only on priority
 * and threshold writes, claims, completions and a device raising its
 * line, not on enable writes: a source enabled while already pending sits
 * there until another source happens to interrupt, and a level-triggered
 * PCI INTx line that stays asserted raises nothing new meanwhile. Writing
 * the priority after the enable bit makes QEMU look again; on hardware it
 * changes nothing.
 */
static void plic_unmask(struct irq_chip *chip, unsigned id)
{
	struct plic *p = chip->priv;
	uintptr_t en = p->base + PLIC_ENABLE(p->context, id);
	writel(readl(en) | 1u << (id % 32), en);
	writel(1, p->base + PLIC_PRIORITY(id));
}

static int plic_xlate(struct irq_chip *chip, const uint32_t *cells,
		      unsigned ncells, unsigned *hwirq,
		      enum irq_trigger *trigger)
{
	if (ncells != 1 || cells[0] == 0 || cells[0] >= chip->nr_hwirq)
		return -EINVAL;
	*hwirq = cells[0];
	*trigger = IRQ_TRIGGER_LEVEL;
	return 0;
}

static struct irq_chip plic_chip = {
	.name = "SiFive PLIC",
	.mask = plic_mask,
	.unmask = plic_unmask,
	.xlate = plic_xlate,
	.priv = &plic,
};

/* Claim every pending source, dispatch it, complete it (spec 8). */
void plic_handle_irq(void)
{
	uintptr_t claim = plic.base + PLIC_CLAIM(plic.context);
	uint32_t id;
	bool any = false;

	while ((id = readl(claim)) != 0) {
		irq_handle_hwirq(&plic_chip, id);
		writel(id, claim);
		any = true;
	}
	if (!any)
		irq_count_spurious();
}

/* The context whose interrupts-extended entry is (hart's intc, 9). */
static int find_context(const struct fdt *fdt, int node, uint32_t intc)
{
	uint32_t len;
	const uint8_t *p = fdt_getprop(fdt, node, "interrupts-extended", &len);

	for (uint32_t i = 0; p && (i + 1) * 8 <= len; i++)
		if (fdt_be32(p + 8 * i) == intc &&
		    fdt_be32(p + 8 * i + 4) == IRQ_S_EXT)
			return (int)i;
	return -ENOENT;
}

void plic_init(const struct fdt *fdt, uint32_t hart_intc_phandle)
{
	int node = fdt_find_compatible(fdt, -1, "riscv,plic0");
	if (node < 0)
		node = fdt_find_compatible(fdt, -1, "sifive,plic-1.0.0");
	if (node < 0)
		panic("plic: no riscv,plic0 in the device tree");

	uint64_t base, size;
	uint32_t ndev = 0, phandle = 0;
	if (fdt_reg(fdt, node, 0, &base, &size) < 0 ||
	    fdt_getprop_u32(fdt, node, "riscv,ndev", &ndev) < 0)
		panic("plic: node without reg or riscv,ndev");
	int ctx = find_context(fdt, node, hart_intc_phandle);
	if (ctx < 0)
		panic("plic: no S-mode context for the boot hart");
	fdt_getprop_u32(fdt, node, "phandle", &phandle);

	plic.base = (uintptr_t)base;
	plic.context = (unsigned)ctx;
	plic_chip.nr_hwirq = ndev + 1;
	plic_chip.phandle = phandle;
	for (uint32_t id = 1; id <= ndev; id++)
		plic_mask(&plic_chip, id);
	writel(0, plic.base + PLIC_THRESHOLD(ctx));	/* accept priority >= 1 */
	if (irq_chip_register(&plic_chip) < 0)
		panic("plic: cannot register");
	csr_set(sie, 1UL << IRQ_S_EXT);
	kprintf("plic: SiFive PLIC at 0x%llx, %u sources, context %d\n",
		(unsigned long long)base, ndev, ctx);
}
