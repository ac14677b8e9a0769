/*
 * Exceptions taken at EL1: the C half of vectors.S.
 *
 * Kite has no user mode, so every synchronous exception is a kernel bug:
 * it is decoded from ESR_EL1 (ARM ARM, "ESR_EL1, Exception Syndrome
 * Register") and the system panics with the registers. IRQs go to the
 * interrupt controller's acknowledge loop, then to the scheduler.
 */
#include <stdint.h>

#include "arch/aarch64/gic.h"
#include "arch/aarch64/trap.h"
#include "arch/arch.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/thread.h"

_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap.h offsets");
_Static_assert(__builtin_offsetof(struct trap_frame, sp) == TF_SP, "TF_SP");
_Static_assert(__builtin_offsetof(struct trap_frame, elr) == TF_ELR, "ELR");
_Static_assert(__builtin_offsetof(struct trap_frame, esr) == TF_ESR, "ESR");
_Static_assert(__builtin_offsetof(struct trap_frame, fpsr) == TF_FPSR, "FPSR");
_Static_assert(__builtin_offsetof(struct trap_frame, q) == TF_Q, "TF_Q");

#define ESR_EC(esr)		((unsigned)((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)		((unsigned)(esr) & 0x1ffffff)

/* ESR_ELx.EC values Kite can meet at EL1 (ARM ARM, ESR_EL1.EC). */
enum {
	EC_UNKNOWN = 0x00,
	EC_WFX = 0x01,
	EC_FP_ACCESS = 0x07,
	EC_ILLEGAL_STATE = 0x0e,
	EC_SVC = 0x15,
	EC_HVC = 0x16,
	EC_SMC = 0x17,
	EC_SYSREG = 0x18,
	EC_SVE = 0x19,
	EC_PAC = 0x1c,
	EC_IABT_LOWER = 0x20,
	EC_IABT = 0x21,
	EC_PC_ALIGN = 0x22,
	EC_DABT_LOWER = 0x24,
	EC_DABT = 0x25,
	EC_SP_ALIGN = 0x26,
	EC_FP_EXC = 0x2c,
	EC_SERROR = 0x2f,
	EC_BREAKPT = 0x31,
	EC_SOFTSTP = 0x33,
	EC_WATCHPT = 0x35,
	EC_BRK = 0x3c,
};

static const char *const ec_names[64] = {
	[EC_UNKNOWN] = "undefined instruction",
	[EC_WFX] = "trapped WFI/WFE",
	[EC_FP_ACCESS] = "trapped FP/SIMD access",
	[EC_ILLEGAL_STATE] = "illegal execution state",
	[EC_SVC] = "svc",
	[EC_HVC] = "hvc",
	[EC_SMC] = "smc",
	[EC_SYSREG] = "trapped system register access",
	[EC_SVE] = "trapped SVE access",
	[EC_PAC] = "pointer authentication failure",
	[EC_IABT_LOWER] = "instruction abort from a lower EL",
	[EC_IABT] = "instruction abort",
	[EC_PC_ALIGN] = "PC alignment fault",
	[EC_DABT_LOWER] = "data abort from a lower EL",
	[EC_DABT] = "data abort",
	[EC_SP_ALIGN] = "SP alignment fault",
	[EC_FP_EXC] = "floating-point exception",
	[EC_SERROR] = "SError",
	[EC_BREAKPT] = "hardware breakpoint",
	[EC_SOFTSTP] = "software step",
	[EC_WATCHPT] = "watchpoint",
	[EC_BRK] = "brk instruction",
};

/* The fault status code of an abort's ISS, DFSC/IFSC bits [5:0]
 * (ARM ARM, ESR_EL1 ISS encoding for a Data Abort). */
static const char *abort_status(unsigned fsc)
{
	switch (fsc & 0x3c) {
	case 0x00:
		return "address size fault";
	case 0x04:
		return "translation fault";
	case 0x08:
		return "access flag fault";
	case 0x0c:
		return "permission fault";
	}
	switch (fsc) {
	case 0x10:
		return "synchronous external abort";
	case 0x21:
		return "alignment fault";
	case 0x30:
		return "TLB conflict abort";
	}
	return "fault";
}

static void __attribute__((noreturn))
panic_abort(struct trap_frame *tf, const char *what)
{
	unsigned iss = ESR_ISS(tf->esr), fsc = iss & 0x3f;
	const char *op = "accessing";
	unsigned long long far = tf->far, pc = tf->elr;

	if (ESR_EC(tf->esr) == EC_DABT)
		op = iss & (1u << 6) ? "writing" : "reading";	/* WnR */
	if (fsc < 0x10)		/* FSC[1:0] is the translation level */
		panic_frame(tf, "%s (%s, level %u) %s %#llx at pc %#llx", what,
			    abort_status(fsc), fsc & 3, op, far, pc);
	panic_frame(tf, "%s (%s) %s %#llx at pc %#llx", what,
		    abort_status(fsc), op, far, pc);
}

void trap_sync(struct trap_frame *tf)
{
	unsigned ec = ESR_EC(tf->esr);
	const char *name = ec_names[ec] ? ec_names[ec] : "unknown exception";

	switch (ec) {
	case EC_DABT:
	case EC_IABT:
		panic_abort(tf, name);
	case EC_PC_ALIGN:
	case EC_WATCHPT:
		panic_frame(tf, "%s (address %#llx) at pc %#llx", name,
			    (unsigned long long)tf->far,
			    (unsigned long long)tf->elr);
	case EC_BRK:
		panic_frame(tf, "brk #%#x at pc %#llx",
			    ESR_ISS(tf->esr) & 0xffff,
			    (unsigned long long)tf->elr);
	default:
		panic_frame(tf, "%s (ESR %#llx, EC %#x) at pc %#llx", name,
			    (unsigned long long)tf->esr, ec,
			    (unsigned long long)tf->elr);
	}
}

/* Interrupts are masked here (PSTATE.I is set on exception entry) and
 * stay masked until the frame is restored: sched_preempt_irq() may
 * switch to another thread, which then runs until it switches back. */
void trap_irq(struct trap_frame *tf)
{
	(void)tf;
	if (gic_handle_irq)
		gic_handle_irq();
	else
		irq_count_spurious();
	sched_preempt_irq();
}

/* An asynchronous external abort: memory or a device reported an error
 * the CPU cannot attribute to one instruction. Not recoverable here. */
void trap_serror(struct trap_frame *tf)
{
	panic_frame(tf, "SError (ESR %#llx) near pc %#llx",
		    (unsigned long long)tf->esr, (unsigned long long)tf->elr);
}

/* The vector's row is the origin, its column the kind (ARM ARM,
 * "Exception vectors"). */
void trap_unexpected(struct trap_frame *tf, unsigned long vector)
{
	static const char *const kind[] = { "synchronous", "IRQ", "FIQ",
					    "SError" };
	static const char *const from[] = { "EL1 on SP_EL0", "EL1",
					    "lower EL (AArch64)",
					    "lower EL (AArch32)" };

	panic_frame(tf, "unexpected %s exception from %s (vector %lu)",
		    kind[vector % 4], from[vector / 4 % 4], vector);
}

/*
 * Follow the AAPCS64 frame records (x29 points at {caller's x29, return
 * address}; the kernel is built with frame pointers). Records must sit
 * above the trapped sp and climb, within a thread stack's reach, so a
 * corrupt chain ends the walk instead of faulting.
 */
static void dump_call_trace(const struct trap_frame *tf)
{
	uint64_t fp = tf->x[29], prev = tf->sp;

	kprintf("call trace:\n  [<%016llx>] (pc)\n  [<%016llx>] (lr)\n",
		(unsigned long long)tf->elr, (unsigned long long)tf->x[30]);
	for (int depth = 0; depth < 16; depth++) {
		if (fp < prev || fp >= tf->sp + THREAD_STACK_DEFAULT ||
		    (fp & 7))
			break;
		const uint64_t *rec = (const uint64_t *)(uintptr_t)fp;
		if (!rec[1])
			break;
		kprintf("  [<%016llx>]\n", (unsigned long long)rec[1]);
		prev = fp + 16;
		fp = rec[0];
	}
}

void arch_dump_frame(const struct trap_frame *tf)
{
	for (int i = 0; i < 30; i += 3)
		kprintf(" x%-2d %016llx  x%-2d %016llx  x%-2d %016llx\n", i,
			(unsigned long long)tf->x[i], i + 1,
			(unsigned long long)tf->x[i + 1], i + 2,
			(unsigned long long)tf->x[i + 2]);
	kprintf(" x30 %016llx  sp  %016llx  pc  %016llx\n",
		(unsigned long long)tf->x[30], (unsigned long long)tf->sp,
		(unsigned long long)tf->elr);
	kprintf(" spsr %08llx  esr %08llx  far %016llx\n",
		(unsigned long long)tf->spsr, (unsigned long long)tf->esr,
		(unsigned long long)tf->far);
	kprintf(" fpsr %08llx  fpcr %08llx\n", (unsigned long long)tf->fpsr,
		(unsigned long long)tf->fpcr);
	for (int i = 0; i < 32; i += 2)
		kprintf(" q%-2d %016llx%016llx  q%-2d %016llx%016llx\n", i,
			(unsigned long long)tf->q[i][1],
			(unsigned long long)tf->q[i][0], i + 1,
			(unsigned long long)tf->q[i + 1][1],
			(unsigned long long)tf->q[i + 1][0]);
	dump_call_trace(tf);
}
