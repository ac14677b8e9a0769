/*
 * The AArch64 trap frame: everything an exception entry saves on the
 * interrupted thread's stack (vectors.S) and restores on the way out.
 * Private to arch/aarch64; the rest of the kernel sees an opaque pointer.
 *
 * The SIMD/FP registers are saved in full on every exception: there is no
 * lazy FP switching, and interrupt handlers run newlib code (memcpy,
 * memset) that uses the vector registers.
 */
#ifndef KITE_AARCH64_TRAP_H
#define KITE_AARCH64_TRAP_H

/* Byte offsets, shared with vectors.S. The q registers need 16-byte
 * alignment for stp, and the frame size keeps sp 16-byte aligned. */
#define TF_X		0	/* x0..x30 */
#define TF_SP		248	/* sp before the exception */
#define TF_ELR		256
#define TF_SPSR		264
#define TF_ESR		272
#define TF_FAR		280
#define TF_FPSR		288
#define TF_FPCR		296
#define TF_Q		304	/* q0..q31 */
#define TF_SIZE		816

#ifndef __ASSEMBLY__
#include <stdint.h>

struct trap_frame {
	uint64_t x[31];
	uint64_t sp;
	uint64_t elr;		/* where the exception was taken */
	uint64_t spsr;		/* PSTATE at that point */
	uint64_t esr;		/* syndrome: why (ARM ARM, ESR_EL1) */
	uint64_t far;		/* faulting address, for aborts */
	uint64_t fpsr;
	uint64_t fpcr;
	uint64_t q[32][2];	/* low, high halves */
};

/* Called from vectors.S with the frame just saved. */
void trap_sync(struct trap_frame *tf);
void trap_irq(struct trap_frame *tf);
void trap_serror(struct trap_frame *tf);
void trap_unexpected(struct trap_frame *tf, unsigned long vector);
#endif

#endif
