/*
 * The supervisor timer: the `time` CSR counts at the device tree's
 * timebase-frequency; the compare value is set with Sstc's stimecmp when
 * the hart has it (no trip through the firmware), otherwise through the
 * SBI TIME extension.
 */
#include <string.h>

#include "arch/arch.h"
#include "arch/riscv64/csr.h"
#include "arch/riscv64/sbi.h"
#include "arch/riscv64/trap.h"
#include "kernel/fdt.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

extern struct irq_chip riscv_intc;

static uint64_t timebase;
static bool have_sstc;

uint64_t arch_timer_count(void)
{
	return csr_read(time);
}

uint64_t arch_timer_freq(void)
{
	return timebase;
}

void arch_timer_set_oneshot(uint64_t count)
{
	if (have_sstc)
		csr_write(0x14d, count);	/* stimecmp; UINT64_MAX: never */
	else
		sbi_set_timer(count);
}

static enum irqreturn timer_irq(void *ctx)
{
	(void)ctx;
	timer_interrupt();	/* re-arms or disarms the compare value */
	return IRQ_HANDLED;
}

/* Sstc may be in the ISA string, yet unusable if the firmware left
 * menvcfg.STCE clear: try the CSR and fall back if it traps. */
static bool probe_sstc(const struct fdt *fdt, int cpu)
{
	const char *isa = fdt_getprop_str(fdt, cpu, "riscv,isa");

	if (!isa || !strstr(isa, "_sstc"))
		return false;
	riscv_probing = 1;
	riscv_probe_faulted = 0;
	csr_write(0x14d, UINT64_MAX);
	riscv_probing = 0;
	return !riscv_probe_faulted;
}

void riscv_timer_init(const struct fdt *fdt, int cpu)
{
	uint32_t freq;
	int cpus = fdt_parent(fdt, cpu);

	if (fdt_getprop_u32(fdt, cpu, "timebase-frequency", &freq) < 0 &&
	    fdt_getprop_u32(fdt, cpus, "timebase-frequency", &freq) < 0)
		panic("timer: no timebase-frequency in /cpus");
	timebase = freq;
	have_sstc = probe_sstc(fdt, cpu);
	arch_timer_set_oneshot(UINT64_MAX);

	int virq = irq_create_mapping(&riscv_intc, IRQ_S_TIMER, IRQ_TRIGGER_EDGE);
	if (virq < 0 || irq_register_shared(virq, "riscv-timer", timer_irq, NULL) < 0)
		panic("timer: cannot register the timer interrupt");
	kprintf("timer: riscv-timer %u Hz via %s\n", freq,
		have_sstc ? "Sstc stimecmp" : "SBI");
}
