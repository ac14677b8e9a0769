/*
 * The shared-IRQ registrar: the one owner of every interrupt line.
 *
 * Vocabulary after Linux <linux/interrupt.h>. An interrupt controller
 * driver (PLIC, GIC) registers an irq_chip; lines are then known by a
 * small kernel number, the virq, mapped from (chip, hardware line).
 * Several devices may register handlers on one virq (PCI INTx lines are
 * shared by every function on them). On an interrupt every handler on
 * the line runs; each reads its own device's status, acknowledges it and
 * answers:
 *
 *   IRQ_NONE         not my device;
 *   IRQ_HANDLED      mine, acknowledged;
 *   IRQ_WAKE_POLLER  mine, acknowledged, and the net-poll thread must run
 *                    (a NIC has frames or ring space).
 *
 * Counts are kept per handler and per line and shown in /proc/interrupts.
 * A line that keeps firing while no handler claims it would livelock the
 * CPU (level-triggered, nobody clears it): after IRQ_SPURIOUS_LIMIT
 * unclaimed interrupts in a row it is masked and reported once.
 *
 * Handlers run with interrupts masked and must not block.
 */
#ifndef KITE_IRQ_H
#define KITE_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/param.h"

enum irqreturn {
	IRQ_NONE = 0,
	IRQ_HANDLED = 1,
	IRQ_WAKE_POLLER = 2,
};

typedef enum irqreturn (*irq_handler_t)(void *ctx);


enum irq_trigger { IRQ_TRIGGER_LEVEL, IRQ_TRIGGER_EDGE };

struct irq_chip {
	const char *name;	/* "SiFive PLIC", "GICv2", "GICv3", ... */
	unsigned nr_hwirq;
	void (*mask)(struct irq_chip *chip, unsigned hwirq);
	void (*unmask)(struct irq_chip *chip, unsigned hwirq);
	/* Translate a device tree "interrupts" specifier (ncells cells,
	 * already in CPU order) into a hardware line and its trigger. */
	int (*xlate)(struct irq_chip *chip, const uint32_t *cells,
		     unsigned ncells, unsigned *hwirq,
		     enum irq_trigger *trigger);
	void *priv;
	uint32_t phandle;	/* its device tree node's phandle, or 0 */
	uint16_t *revmap;	/* hwirq -> virq; owned by the registrar */
};

/* Make chip known. The first chip registered becomes the default for
 * device tree look-ups. 0, -ENOMEM, or -ENOSPC (too many chips). */
int irq_chip_register(struct irq_chip *chip);
struct irq_chip *irq_default_chip(void);
/* The registered chip whose device tree node has this phandle, or NULL. */
struct irq_chip *irq_chip_by_phandle(uint32_t phandle);

/* virq for (chip, hwirq), creating the mapping on first use.
 * Returns virq >= 1, or -EINVAL / -ENOSPC. */
int irq_create_mapping(struct irq_chip *chip, unsigned hwirq,
		       enum irq_trigger trigger);

/* virq for the index-th interrupt of a device tree node: its
 * "interrupts" property, decoded by the chip named by the node's (or an
 * ancestor's) "interrupt-parent". -ENOENT if the node has none, -ENODEV
 * if its controller is not one Kite drives. */
struct fdt;
int irq_of_get(const struct fdt *fdt, int node, int index);

/* Add a handler to a line and unmask it. name is shown in
 * /proc/interrupts (not copied: must outlive the registration).
 * 0, -EINVAL (no such virq), -ENOSPC (line full), -EEXIST (same ctx). */
int irq_register_shared(int virq, const char *name, irq_handler_t handler,
			void *ctx);
/* Remove the handler registered with ctx; the line is masked when its
 * last handler goes. 0, -ENOENT (no such ctx) or -EINVAL (no such virq). */
int irq_unregister(int virq, void *ctx);

/* Called by the controller driver, interrupts masked, for a raised line.
 * Returns true if some handler claimed it. */
bool irq_handle_hwirq(struct irq_chip *chip, unsigned hwirq);

/* True while interrupt handlers run (inside irq_handle_hwirq). */
bool in_interrupt(void);

/* Where IRQ_WAKE_POLLER goes: set once by the net-poll thread. */
void irq_set_poller_wake(void (*wake)(void *arg), void *arg);

/* Interrupts no controller could attribute (claim returned nothing). */
void irq_count_spurious(void);

/* Render /proc/interrupts into buf; returns the length (truncated to
 * size - 1, always NUL-terminated). */
int irq_show(char *buf, int size);

/* For tests and diagnostics. */
uint64_t irq_line_count(int virq);
uint64_t irq_handler_count(int virq, void *ctx);
bool irq_line_disabled(int virq);

#endif
