/*
 * The Arm generic timer ("arm,armv8-timer"; ARM ARM D11, "The Generic
 * Timer in AArch64 state").
 *
 * Kite uses the EL1 virtual timer (CNTV_*, counter CNTVCT_EL0). It is
 * the timer an EL1 kernel owns in every configuration: under a
 * hypervisor the physical timer may be trapped or reserved, while the
 * virtual one is always the guest's. When Kite itself enters at EL2,
 * start.S sets CNTVOFF_EL2 to 0, so virtual and physical counts agree.
 *
 * The timer's interrupt is a level-sensitive PPI that stays asserted
 * while CNTV_CTL_EL0.ISTATUS is 1 and the timer is enabled and unmasked;
 * reprogramming the compare value into the future, or disabling the
 * timer, deasserts it.
 */
#include <stdint.h>

#include "arch/aarch64/aarch64.h"
#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"
#include "kernel/fdt.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

/* CNTV_CTL_EL0 (ARM ARM, CNTV_CTL_EL0). */
#define CNT_CTL_ENABLE		(1u << 0)
#define CNT_CTL_IMASK		(1u << 1)
#define CNT_CTL_ISTATUS		(1u << 2)

/* "interrupts" of the timer node, in this order (Linux's
 * arm,arch_timer.yaml): secure physical, non-secure physical, virtual,
 * hypervisor physical. */
#define TIMER_IRQ_VIRT		2

static uint64_t timer_freq;

uint64_t arch_timer_count(void)
{
	/* The isb keeps the read from being hoisted above earlier
	 * instructions (ARM ARM, "Reading the counter"). */
	isb();
	return read_sysreg(cntvct_el0);
}

uint64_t arch_timer_freq(void)
{
	if (!timer_freq)
		timer_freq = read_sysreg(cntfrq_el0);
	return timer_freq;
}

void arch_timer_set_oneshot(uint64_t count)
{
	if (count == UINT64_MAX) {
		/* Disabled: the interrupt deasserts and stays low. */
		write_sysreg(cntv_ctl_el0, 0);
	} else {
		write_sysreg(cntv_cval_el0, count);
		write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	}
	isb();
}

/* The line may be shared (irq.h): claim it only if the timer fired. */
static enum irqreturn arch_timer_irq(void *ctx)
{
	uint64_t ctl = read_sysreg(cntv_ctl_el0);

	(void)ctx;
	if ((ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS)) !=
	    (CNT_CTL_ENABLE | CNT_CTL_ISTATUS))
		return IRQ_NONE;
	timer_interrupt();	/* reprograms or disables the timer */
	return IRQ_HANDLED;
}

/* The INTID a virq stands for, for the log line. */
static unsigned virq_intid(int virq)
{
	struct irq_chip *chip = irq_default_chip();

	for (unsigned i = 0; chip && i < chip->nr_hwirq; i++)
		if (chip->revmap[i] == virq)
			return i;
	return 0;
}

void arch_timer_init_dt(const struct fdt *fdt)
{
	const char *compat = "arm,armv8-timer";
	int node = fdt_find_compatible(fdt, -1, compat);
	uint32_t freq;
	int virq, err;

	if (node < 0) {
		compat = "arm,armv7-timer";
		node = fdt_find_compatible(fdt, -1, compat);
	}
	if (node < 0)
		panic("timer: no arm,armv8-timer in the device tree");
	/* Only broken firmware leaves CNTFRQ_EL0 unset; the binding lets
	 * the tree supply the value then. */
	if (fdt_getprop_u32(fdt, node, "clock-frequency", &freq) == 0 && freq)
		timer_freq = freq;

	arch_timer_set_oneshot(UINT64_MAX);
	virq = irq_of_get(fdt, node, TIMER_IRQ_VIRT);
	if (virq < 0)
		panic("timer: no virtual timer interrupt (%d)", virq);
	err = irq_register_shared(virq, "arch_timer", arch_timer_irq, NULL);
	if (err)
		panic("timer: cannot register irq %d (%d)", virq, err);
	kprintf("timer: %s %llu Hz (virtual, PPI %u)\n", compat,
		(unsigned long long)arch_timer_freq(), virq_intid(virq));
}
