/*
 * The EL1 exception vector table (ARM ARM, "Exception vectors").
 *
 * VBAR_EL1 points here. The table holds 16 entries of 0x80 bytes: four
 * kinds (synchronous, IRQ, FIQ, SError) for each of four origins:
 * the current EL on SP_EL0, the current EL on SP_ELx, a lower EL in
 * AArch64 and a lower EL in AArch32. Kite runs only at EL1 on SP_EL1,
 * so only the "current EL with SPx" row is expected; the others save
 * the frame and panic with the vector's number.
 *
 * Every entry saves a full struct trap_frame (trap.h) on the current
 * stack, which is the interrupted thread's own: sched_preempt_irq() can
 * then switch threads from inside trap_irq() and come back much later.
 */
#include "arch/aarch64/trap.h"

/* Room for the frame, x0/x1 saved, x1 = vector number, then on to the
 * common code (an entry has only 32 instructions). */
.macro ventry target, vec
	.balign	0x80
	sub	sp, sp, #TF_SIZE
	stp	x0, x1, [sp, #TF_X + 0 * 8]
	mov	x1, #\vec
	b	\target
.endm

/* Save x2..x30, the pre-exception sp, the exception registers and the
 * SIMD/FP state; x0/x1 are already saved and x1 must survive. */
.macro save_rest
	stp	x2, x3, [sp, #TF_X + 2 * 8]
	stp	x4, x5, [sp, #TF_X + 4 * 8]
	stp	x6, x7, [sp, #TF_X + 6 * 8]
	stp	x8, x9, [sp, #TF_X + 8 * 8]
	stp	x10, x11, [sp, #TF_X + 10 * 8]
	stp	x12, x13, [sp, #TF_X + 12 * 8]
	stp	x14, x15, [sp, #TF_X + 14 * 8]
	stp	x16, x17, [sp, #TF_X + 16 * 8]
	stp	x18, x19, [sp, #TF_X + 18 * 8]
	stp	x20, x21, [sp, #TF_X + 20 * 8]
	stp	x22, x23, [sp, #TF_X + 22 * 8]
	stp	x24, x25, [sp, #TF_X + 24 * 8]
	stp	x26, x27, [sp, #TF_X + 26 * 8]
	stp	x28, x29, [sp, #TF_X + 28 * 8]
	add	x2, sp, #TF_SIZE
	stp	x30, x2, [sp, #TF_X + 30 * 8]	/* x30, then TF_SP */
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #TF_ELR]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #TF_ESR]
	mrs	x2, fpsr
	mrs	x3, fpcr
	stp	x2, x3, [sp, #TF_FPSR]
	add	x2, sp, #TF_Q
	stp	q0, q1, [x2, #0 * 16]
	stp	q2, q3, [x2, #2 * 16]
	stp	q4, q5, [x2, #4 * 16]
	stp	q6, q7, [x2, #6 * 16]
	stp	q8, q9, [x2, #8 * 16]
	stp	q10, q11, [x2, #10 * 16]
	stp	q12, q13, [x2, #12 * 16]
	stp	q14, q15, [x2, #14 * 16]
	stp	q16, q17, [x2, #16 * 16]
	stp	q18, q19, [x2, #18 * 16]
	stp	q20, q21, [x2, #20 * 16]
	stp	q22, q23, [x2, #22 * 16]
	stp	q24, q25, [x2, #24 * 16]
	stp	q26, q27, [x2, #26 * 16]
	stp	q28, q29, [x2, #28 * 16]
	stp	q30, q31, [x2, #30 * 16]
	mov	x0, sp
.endm

	.text
	.balign	2048		/* VBAR_EL1[10:0] are RES0 */
	.globl	vectors
vectors:
	/* Current EL with SP_EL0: Kite never runs on SP_EL0. */
	ventry	el1_unexpected, 0
	ventry	el1_unexpected, 1
	ventry	el1_unexpected, 2
	ventry	el1_unexpected, 3
	/* Current EL with SP_EL1: the kernel itself. */
	ventry	el1h_sync, 4
	ventry	el1h_irq, 5
	ventry	el1_unexpected, 6	/* FIQ: Kite routes nothing to FIQ */
	ventry	el1h_serror, 7
	/* Lower EL, AArch64 and AArch32: there is no EL0 code. */
	ventry	el1_unexpected, 8
	ventry	el1_unexpected, 9
	ventry	el1_unexpected, 10
	ventry	el1_unexpected, 11
	ventry	el1_unexpected, 12
	ventry	el1_unexpected, 13
	ventry	el1_unexpected, 14
	ventry	el1_unexpected, 15

el1h_sync:
	save_rest
	bl	trap_sync
	b	ret_from_exception

el1h_irq:
	save_rest
	bl	trap_irq
	b	ret_from_exception

el1h_serror:
	save_rest
	bl	trap_serror
	b	ret_from_exception

el1_unexpected:
	save_rest
	bl	trap_unexpected		/* (frame, vector number) */
	b	ret_from_exception

/* Restore everything save_rest saved and return to ELR_EL1 with
 * SPSR_EL1. ELR and SPSR come from the frame, not the live registers:
 * other exceptions may have been taken on other threads in between. */
ret_from_exception:
	add	x2, sp, #TF_Q
	ldp	q0, q1, [x2, #0 * 16]
	ldp	q2, q3, [x2, #2 * 16]
	ldp	q4, q5, [x2, #4 * 16]
	ldp	q6, q7, [x2, #6 * 16]
	ldp	q8, q9, [x2, #8 * 16]
	ldp	q10, q11, [x2, #10 * 16]
	ldp	q12, q13, [x2, #12 * 16]
	ldp	q14, q15, [x2, #14 * 16]
	ldp	q16, q17, [x2, #16 * 16]
	ldp	q18, q19, [x2, #18 * 16]
	ldp	q20, q21, [x2, #20 * 16]
	ldp	q22, q23, [x2, #22 * 16]
	ldp	q24, q25, [x2, #24 * 16]
	ldp	q26, q27, [x2, #26 * 16]
	ldp	q28, q29, [x2, #28 * 16]
	ldp	q30, q31, [x2, #30 * 16]
	ldp	x2, x3, [sp, #TF_FPSR]
	msr	fpsr, x2
	msr	fpcr, x3
	ldp	x2, x3, [sp, #TF_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x0, x1, [sp, #TF_X + 0 * 8]
	ldp	x2, x3, [sp, #TF_X + 2 * 8]
	ldp	x4, x5, [sp, #TF_X + 4 * 8]
	ldp	x6, x7, [sp, #TF_X + 6 * 8]
	ldp	x8, x9, [sp, #TF_X + 8 * 8]
	ldp	x10, x11, [sp, #TF_X + 10 * 8]
	ldp	x12, x13, [sp, #TF_X + 12 * 8]
	ldp	x14, x15, [sp, #TF_X + 14 * 8]
	ldp	x16, x17, [sp, #TF_X + 16 * 8]
	ldp	x18, x19, [sp, #TF_X + 18 * 8]
	ldp	x20, x21, [sp, #TF_X + 20 * 8]
	ldp	x22, x23, [sp, #TF_X + 22 * 8]
	ldp	x24, x25, [sp, #TF_X + 24 * 8]
	ldp	x26, x27, [sp, #TF_X + 26 * 8]
	ldp	x28, x29, [sp, #TF_X + 28 * 8]
	ldr	x30, [sp, #TF_X + 30 * 8]
	add	sp, sp, #TF_SIZE
	eret
	/* Nothing after eret may run, even speculatively. */
	dsb	nsh
	isb
