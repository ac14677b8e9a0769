/*
 * The shared-IRQ registrar (see irq.h for the contract).
 *
 * All state is guarded by masking interrupts: registration happens from
 * threads, dispatch from the trap path, on the one CPU.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch/arch.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

struct irq_action {
	irq_handler_t handler;
	void *ctx;
	const char *name;
	uint64_t count;		/* times this handler claimed the line */
};

struct irq_desc {
	struct irq_chip *chip;	/* NULL: virq unused */
	unsigned hwirq;
	enum irq_trigger trigger;
	bool disabled;		/* masked by the nobody-cared rule */
	int nactions;
	struct irq_action action[IRQ_MAX_ACTIONS];
	uint64_t count;		/* interrupts taken on the line */
	uint64_t unclaimed;	/* of which no handler claimed */
	unsigned unclaimed_run;	/* consecutive unclaimed, for the rule */
};

/* virq 0 is never handed out, so revmap entry 0 means "unmapped". */
static struct irq_desc descs[IRQ_MAX_LINES];
static int nr_virqs = 1;
static struct irq_chip *chips[IRQ_CHIPS_MAX];
static int nr_chips;
static uint64_t spurious_count;
static int irq_depth;
static void (*poller_wake)(void *arg);
static void *poller_arg;

int irq_chip_register(struct irq_chip *chip)
{
	if (nr_chips == (int)(sizeof(chips) / sizeof(chips[0])))
		return -ENOSPC;
	chip->revmap = calloc(chip->nr_hwirq, sizeof(*chip->revmap));
	if (!chip->revmap)
		return -ENOMEM;
	chips[nr_chips++] = chip;
	return 0;
}

struct irq_chip *irq_default_chip(void)
{
	return nr_chips ? chips[0] : NULL;
}

struct irq_chip *irq_chip_by_phandle(uint32_t phandle)
{
	for (int i = 0; i < nr_chips; i++)
		if (chips[i]->phandle == phandle)
			return chips[i];
	return NULL;
}

int irq_create_mapping(struct irq_chip *chip, unsigned hwirq,
		       enum irq_trigger trigger)
{
	if (!chip || !chip->revmap || hwirq >= chip->nr_hwirq)
		return -EINVAL;
	unsigned long flags = arch_irq_save();
	int virq = chip->revmap[hwirq];
	if (!virq) {
		if (nr_virqs == IRQ_MAX_LINES) {
			arch_irq_restore(flags);
			return -ENOSPC;
		}
		virq = nr_virqs++;
		descs[virq].chip = chip;
		descs[virq].hwirq = hwirq;
		descs[virq].trigger = trigger;
		chip->revmap[hwirq] = (uint16_t)virq;
	}
	arch_irq_restore(flags);
	return virq;
}

static struct irq_desc *desc_of(int virq)
{
	if (virq <= 0 || virq >= nr_virqs)
		return NULL;
	return &descs[virq];
}

int irq_register_shared(int virq, const char *name, irq_handler_t handler,
			void *ctx)
{
	struct irq_desc *d = desc_of(virq);
	int err = 0;

	if (!d || !handler)
		return -EINVAL;
	unsigned long flags = arch_irq_save();
	for (int i = 0; i < d->nactions; i++)
		if (d->action[i].ctx == ctx)
			err = -EEXIST;
	if (!err && d->nactions == IRQ_MAX_ACTIONS)
		err = -ENOSPC;
	if (!err) {
		d->action[d->nactions++] = (struct irq_action){
			.handler = handler, .ctx = ctx, .name = name,
		};
		/* A new handler gets a fresh chance on a line that was
		 * masked because nobody cared. */
		d->disabled = false;
		d->unclaimed_run = 0;
		d->chip->unmask(d->chip, d->hwirq);
	}
	arch_irq_restore(flags);
	return err;
}

int irq_unregister(int virq, void *ctx)
{
	struct irq_desc *d = desc_of(virq);
	int err = -ENOENT;

	if (!d)
		return -EINVAL;
	unsigned long flags = arch_irq_save();
	for (int i = 0; i < d->nactions; i++) {
		if (d->action[i].ctx != ctx)
			continue;
		for (int j = i + 1; j < d->nactions; j++)
			d->action[j - 1] = d->action[j];
		if (--d->nactions == 0)
			d->chip->mask(d->chip, d->hwirq);
		err = 0;
		break;
	}
	arch_irq_restore(flags);
	return err;
}

bool in_interrupt(void)
{
	return irq_depth > 0;
}

void irq_set_poller_wake(void (*wake)(void *arg), void *arg)
{
	unsigned long flags = arch_irq_save();
	poller_wake = wake;
	poller_arg = arg;
	arch_irq_restore(flags);
}

void irq_count_spurious(void)
{
	spurious_count++;
}

/* A level-triggered line that nobody clears fires again the moment it is
 * unmasked; after enough unclaimed interrupts in a row, mask it so the
 * rest of the system can run (Linux: note_interrupt(), "nobody cared"). */
static void note_unclaimed(struct irq_desc *d, int virq)
{
	d->unclaimed++;
	/* Already masked and reported: an interrupt latched before the
	 * mask took effect is only counted. */
	if (d->disabled || ++d->unclaimed_run < IRQ_SPURIOUS_LIMIT)
		return;
	d->chip->mask(d->chip, d->hwirq);
	d->disabled = true;
	kprintf("irq %d (%s %u): nobody cared after %u interrupts, disabled\n",
		virq, d->chip->name, d->hwirq, d->unclaimed_run);
}

bool irq_handle_hwirq(struct irq_chip *chip, unsigned hwirq)
{
	int virq = hwirq < chip->nr_hwirq ? chip->revmap[hwirq] : 0;
	struct irq_desc *d = desc_of(virq);

	if (!d) {
		/* Raised but never mapped: no driver asked for it. */
		spurious_count++;
		if (hwirq < chip->nr_hwirq)
			chip->mask(chip, hwirq);
		return false;
	}
	d->count++;
	bool claimed = false, wake = false;
	irq_depth++;
	for (int i = 0; i < d->nactions; i++) {
		struct irq_action *a = &d->action[i];
		enum irqreturn r = a->handler(a->ctx);
		if (r == IRQ_NONE)
			continue;
		a->count++;
		claimed = true;
		wake |= r == IRQ_WAKE_POLLER;
	}
	if (claimed)
		d->unclaimed_run = 0;
	else
		note_unclaimed(d, virq);
	if (wake && poller_wake)
		poller_wake(poller_arg);
	irq_depth--;
	return claimed;
}

/* snprintf that advances a cursor and never overruns. */
static void put(char *buf, int size, int *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, int size, int *len, const char *fmt, ...)
{
	va_list ap;

	if (*len >= size - 1)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + n < size - 1 ? *len + n : size - 1;
}

/* Linux's layout: virq, count per CPU, controller, hardware line, trigger,
 * then the handlers. A line shared by several handlers shows each one's
 * own count in brackets, so one can see who claimed what. */
int irq_show(char *buf, int size)
{
	int len = 0;

	if (size <= 0)
		return 0;
	buf[0] = '\0';
	put(buf, size, &len, "%*s%-10s\n", 11, "", "CPU0");
	unsigned long flags = arch_irq_save();
	for (int v = 1; v < nr_virqs; v++) {
		struct irq_desc *d = &descs[v];
		if (!d->nactions && !d->count)
			continue;
		put(buf, size, &len, "%4d: %10llu %12s %4u %-5s  ", v,
		    (unsigned long long)d->count, d->chip->name, d->hwirq,
		    d->trigger == IRQ_TRIGGER_EDGE ? "Edge" : "Level");
		for (int i = 0; i < d->nactions; i++) {
			const struct irq_action *a = &d->action[i];
			put(buf, size, &len, "%s%s", i ? ", " : "", a->name);
			if (d->nactions > 1)
				put(buf, size, &len, "[%llu]",
				    (unsigned long long)a->count);
		}
		if (d->disabled)
			put(buf, size, &len, "%s(disabled: nobody cared)",
			    d->nactions ? " " : "");
		put(buf, size, &len, "\n");
	}
	put(buf, size, &len, " ERR: %10llu\n",
	    (unsigned long long)spurious_count);
	arch_irq_restore(flags);
	return len;
}

uint64_t irq_line_count(int virq)
{
	struct irq_desc *d = desc_of(virq);
	return d ? d->count : 0;
}

uint64_t irq_handler_count(int virq, void *ctx)
{
	struct irq_desc *d = desc_of(virq);

	for (int i = 0; d && i < d->nactions; i++)
		if (d->action[i].ctx == ctx)
			return d->action[i].count;
	return 0;
}

bool irq_line_disabled(int virq)
{
	struct irq_desc *d = desc_of(virq);
	return d && d->disabled;
}
