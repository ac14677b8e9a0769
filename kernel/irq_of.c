/*
 * Device tree interrupt specifiers to virqs (Devicetree Specification
 * v0.4, section 2.4: interrupt-parent, #interrupt-cells, interrupts).
 */
#include <errno.h>

#include "kernel/fdt.h"
#include "kernel/irq.h"

#define MAX_INTERRUPT_CELLS 4

/* interrupt-parent is inherited from the nearest ancestor that has it. */
static int interrupt_parent(const struct fdt *fdt, int node, uint32_t *ph)
{
	for (int n = node; n >= 0; n = fdt_parent(fdt, n))
		if (fdt_getprop_u32(fdt, n, "interrupt-parent", ph) == 0)
			return 0;
	return -ENOENT;
}

int irq_of_get(const struct fdt *fdt, int node, int index)
{
	uint32_t len, phandle, ncells;
	const uint8_t *prop = fdt_getprop(fdt, node, "interrupts", &len);

	if (!prop || index < 0)
		return -ENOENT;
	if (interrupt_parent(fdt, node, &phandle) < 0)
		return -ENOENT;
	struct irq_chip *chip = irq_chip_by_phandle(phandle);
	int ctrl = fdt_find_phandle(fdt, phandle);
	if (!chip || ctrl < 0)
		return -ENODEV;
	if (fdt_getprop_u32(fdt, ctrl, "#interrupt-cells", &ncells) < 0 ||
	    ncells == 0 || ncells > MAX_INTERRUPT_CELLS)
		return -EINVAL;
	if ((uint64_t)(index + 1) * ncells * 4 > len)
		return -ENOENT;

	uint32_t cells[MAX_INTERRUPT_CELLS];
	for (uint32_t i = 0; i < ncells; i++)
		cells[i] = fdt_be32(prop + (index * ncells + i) * 4);
	unsigned hwirq;
	enum irq_trigger trigger;
	int err = chip->xlate(chip, cells, ncells, &hwirq, &trigger);
	if (err < 0)
		return err;
	return irq_create_mapping(chip, hwirq, trigger);
}
