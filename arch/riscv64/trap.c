/*
 * Trap dispatch: interrupts go to the registrar, exceptions are fatal
 * (the kernel never expects one) and panic with the full frame.
 */
#include "arch/arch.h"
#include "arch/riscv64/csr.h"
#include "arch/riscv64/trap.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/thread.h"

extern char trap_entry[];

volatile int riscv_probing;
volatile int riscv_probe_faulted;

static const char *const exception_names[] = {
	[0] = "instruction address misaligned",
	[1] = "instruction access fault",
	[2] = "illegal instruction",
	[3] = "breakpoint",
	[4] = "load address misaligned",
	[5] = "load access fault",
	[6] = "store/AMO address misaligned",
	[7] = "store/AMO access fault",
	[8] = "environment call from U-mode",
	[9] = "environment call from S-mode",
	[12] = "instruction page fault",
	[13] = "load page fault",
	[15] = "store/AMO page fault",
};

void arch_early_init(void)
{
	csr_write(sie, 0);
	csr_write(stvec, (unsigned long)trap_entry);	/* direct mode */
}

/* The hart-local interrupt controller: sie bits for the timer (5) and
 * software (1) interrupts, shown like Linux's "RISC-V INTC". */
static void intc_mask(struct irq_chip *chip, unsigned hwirq)
{
	(void)chip;
	csr_clear(sie, 1UL << hwirq);
}

static void intc_unmask(struct irq_chip *chip, unsigned hwirq)
{
	(void)chip;
	csr_set(sie, 1UL << hwirq);
}

static int intc_xlate(struct irq_chip *chip, const uint32_t *cells,
		      unsigned ncells, unsigned *hwirq,
		      enum irq_trigger *trigger)
{
	(void)chip;
	if (ncells != 1 || cells[0] >= 64)
		return -1;
	*hwirq = cells[0];
	*trigger = IRQ_TRIGGER_EDGE;
	return 0;
}

struct irq_chip riscv_intc = {
	.name = "RISC-V INTC",
	.nr_hwirq = 64,
	.mask = intc_mask,
	.unmask = intc_unmask,
	.xlate = intc_xlate,
};

static void handle_interrupt(unsigned long code)
{
	switch (code) {
	case IRQ_S_TIMER:
		irq_handle_hwirq(&riscv_intc, IRQ_S_TIMER);
		break;
	case IRQ_S_EXT:
		plic_handle_irq();
		break;
	default:
		/* Nothing Kite enables; clear it so it cannot repeat. */
		csr_clear(sip, 1UL << code);
		csr_clear(sie, 1UL << code);
		irq_count_spurious();
		break;
	}
}

void riscv_trap(struct trap_frame *tf)
{
	unsigned long cause = tf->scause;

	if (cause & SCAUSE_IRQ) {
		handle_interrupt(cause & ~SCAUSE_IRQ);
		sched_preempt_irq();
		return;
	}
	if (cause == 2 && riscv_probing) {
		/* A probed CSR does not exist: skip the 4-byte csr insn. */
		riscv_probe_faulted = 1;
		tf->sepc += 4;
		return;
	}
	const char *what = cause < sizeof(exception_names) / sizeof(exception_names[0]) &&
				   exception_names[cause] ?
			   exception_names[cause] : "unknown exception";
	panic_frame(tf, "%s (scause %lu) at pc 0x%llx, stval 0x%llx",
		    what, cause, (unsigned long long)tf->sepc,
		    (unsigned long long)tf->stval);
}

void arch_dump_frame(const struct trap_frame *tf)
{
	static const char *const names[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
		"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
		"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
		"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};

	kprintf(" sepc %016llx sstatus %016llx\n scause %016llx stval %016llx\n",
		(unsigned long long)tf->sepc, (unsigned long long)tf->sstatus,
		(unsigned long long)tf->scause, (unsigned long long)tf->stval);
	for (int i = 1; i < 32; i++)
		kprintf(" %4s %016llx%s", names[i], (unsigned long long)tf->x[i],
			i % 4 == 3 ? "\n" : "");
	kprintf("\n");
}
