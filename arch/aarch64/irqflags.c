/*
 * Interrupt masking and idle (arch.h). Only PSTATE.I is used to mask:
 * FIQs are never routed to Kite, and SErrors stay unmasked so that
 * asynchronous aborts are reported where they happen.
 */
#include <stdbool.h>

#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"

unsigned long arch_irq_save(void)
{
	unsigned long flags = read_sysreg(daif);

	__asm__ volatile("msr daifset, #2" : : : "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	write_sysreg(daif, flags);
	/* The compiler must not move memory accesses across this either. */
	__asm__ volatile("" : : : "memory");
}

void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

bool arch_irqs_enabled(void)
{
	return !(read_sysreg(daif) & DAIF_I);
}

/*
 * WFI wakes on a pending interrupt even while PSTATE.I masks it (ARM
 * ARM, "Wait for Interrupt"); the caller then unmasks to take it.
 * The dsb completes outstanding memory accesses first, as the
 * architecture recommends before entering a low-power state.
 */
void arch_wait_for_interrupt(void)
{
	__asm__ volatile("dsb sy\n\twfi" : : : "memory");
}
