/*
 * riscv64 glue: interrupt masking, idle, power, and bring-up of the
 * interrupt controllers and timer from the device tree.
 */
#include "arch/arch.h"
#include "arch/riscv64/csr.h"
#include "arch/riscv64/sbi.h"
#include "arch/riscv64/trap.h"
#include "kernel/fdt.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

const char arch_name[] = "riscv64";
unsigned long riscv_boot_hartid;
extern struct irq_chip riscv_intc;
extern char riscv_thread_trampoline[];

/* The SBI firmware's console until the device tree's UART is found. */
void arch_early_console(void)
{
	sbi_console_init();
}

unsigned long arch_irq_save(void)
{
	unsigned long old;
	__asm__ volatile("csrrc %0, sstatus, %1"
			 : "=r"(old) : "i"(SSTATUS_SIE) : "memory");
	return old & SSTATUS_SIE;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags & SSTATUS_SIE)
		csr_set(sstatus, SSTATUS_SIE);
}

void arch_irq_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

bool arch_irqs_enabled(void)
{
	return csr_read(sstatus) & SSTATUS_SIE;
}

void arch_wait_for_interrupt(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

void arch_context_init(struct arch_context *ctx, void *stack_top,
		       void (*entry)(void *), void *arg)
{
	for (int i = 0; i < 24; i++)
		ctx->regs[i] = 0;
	ctx->regs[0] = (uint64_t)riscv_thread_trampoline;	/* ra */
	ctx->regs[1] = (uint64_t)stack_top & ~15ULL;		/* sp */
	ctx->regs[2] = (uint64_t)entry;				/* s0 */
	ctx->regs[3] = (uint64_t)arg;				/* s1 */
}

void arch_poweroff(void)
{
	arch_irq_save();
	sbi_system_reset(0);
	kprintf("poweroff: the SBI firmware refused; halting\n");
	for (;;)
		arch_wait_for_interrupt();
}

void arch_reboot(void)
{
	arch_irq_save();
	sbi_system_reset(1);
	kprintf("reboot: the SBI firmware refused; halting\n");
	for (;;)
		arch_wait_for_interrupt();
}

/* /cpus/cpu@N whose reg is the boot hart. */
static int boot_cpu_node(const struct fdt *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus");

	for (int n = fdt_first_child(fdt, cpus); n >= 0; n = fdt_next_sibling(fdt, n)) {
		uint32_t reg;
		if (fdt_getprop_u32(fdt, n, "reg", &reg) == 0 &&
		    reg == riscv_boot_hartid)
			return n;
	}
	panic("no /cpus node for boot hart %lu", riscv_boot_hartid);
}

void arch_init(const struct fdt *fdt)
{
	int cpu = boot_cpu_node(fdt);
	int intc = fdt_find_compatible(fdt, cpu, "riscv,cpu-intc");
	uint32_t intc_phandle = 0;

	if (intc < 0 || fdt_parent(fdt, intc) != cpu ||
	    fdt_getprop_u32(fdt, intc, "phandle", &intc_phandle) < 0)
		panic("no riscv,cpu-intc under the boot hart's cpu node");
	riscv_intc.phandle = intc_phandle;
	/* The PLIC registers first: it is the default for device nodes. */
	plic_init(fdt, intc_phandle);
	if (irq_chip_register(&riscv_intc) < 0)
		panic("cannot register the hart interrupt controller");
	riscv_timer_init(fdt, cpu);
	riscv_cache_init(fdt, cpu);
}
