/*
 * Bringing up the AArch64 port: what kmain() calls through arch.h.
 *
 * boot/aarch64/start.S has already dropped to EL1, enabled FP/SIMD,
 * installed the vectors and turned the MMU on (mmu.c), so C code here
 * runs with caches on and may use all of newlib.
 */
#include "arch/aarch64/aarch64.h"
#include "arch/aarch64/gic.h"
#include "arch/arch.h"
#include "kernel/fdt.h"

const char arch_name[] = "aarch64";

/* AArch64 has no firmware console to borrow: the first lines wait for
 * the stdout-path UART, a few lines into kmain. */
void arch_early_console(void)
{
}

void arch_early_init(void)
{
	mmu_map_ram();
	/* Unmask SError now that the vectors can report one. */
	__asm__ volatile("msr daifclr, #4" : : : "memory");
}

void arch_init(const struct fdt *fdt)
{
	gic_init_dt(fdt);
	arch_timer_init_dt(fdt);
	psci_init_dt(fdt);
}
