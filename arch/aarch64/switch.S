/*
 * Thread context switch (arch.h: arch_context_switch, arch_context_init).
 *
 * A switch is an ordinary function call, so only what AAPCS64 (the Arm
 * Procedure Call Standard, "Machine Registers") makes callee-saved is kept:
 * x19-x28, the frame pointer x29, the link register x30, sp, and the low
 * 64 bits of v8-v15 (d8-d15). Everything else the caller already assumes
 * lost. Layout of struct arch_context.regs[] (24 slots, 22 used):
 *
 *   [0..9]  x19..x28    [10] x29   [11] x30   [12] sp   [13] unused
 *   [14..21] d8..d15
 */
#define CTX_X19		0
#define CTX_X29		80
#define CTX_SP		96
#define CTX_D8		112

	.text

/* void arch_context_switch(struct arch_context *from,
 *                           struct arch_context *to) */
	.globl	arch_context_switch
	.type	arch_context_switch, %function
arch_context_switch:
	stp	x19, x20, [x0, #CTX_X19 + 0]
	stp	x21, x22, [x0, #CTX_X19 + 16]
	stp	x23, x24, [x0, #CTX_X19 + 32]
	stp	x25, x26, [x0, #CTX_X19 + 48]
	stp	x27, x28, [x0, #CTX_X19 + 64]
	stp	x29, x30, [x0, #CTX_X29]
	mov	x9, sp
	str	x9, [x0, #CTX_SP]
	stp	d8, d9, [x0, #CTX_D8 + 0]
	stp	d10, d11, [x0, #CTX_D8 + 16]
	stp	d12, d13, [x0, #CTX_D8 + 32]
	stp	d14, d15, [x0, #CTX_D8 + 48]

	ldp	x19, x20, [x1, #CTX_X19 + 0]
	ldp	x21, x22, [x1, #CTX_X19 + 16]
	ldp	x23, x24, [x1, #CTX_X19 + 32]
	ldp	x25, x26, [x1, #CTX_X19 + 48]
	ldp	x27, x28, [x1, #CTX_X19 + 64]
	ldp	x29, x30, [x1, #CTX_X29]
	ldr	x9, [x1, #CTX_SP]
	mov	sp, x9
	ldp	d8, d9, [x1, #CTX_D8 + 0]
	ldp	d10, d11, [x1, #CTX_D8 + 16]
	ldp	d12, d13, [x1, #CTX_D8 + 32]
	ldp	d14, d15, [x1, #CTX_D8 + 48]
	ret			/* into *to's caller, or thread_start */
	.size	arch_context_switch, . - arch_context_switch

/*
 * void arch_context_init(struct arch_context *ctx, void *stack_top,
 *                        void (*entry)(void *), void *arg)
 *
 * A fresh context "returns" into thread_start with entry in x19 and arg
 * in x20; everything else starts at zero.
 */
	.globl	arch_context_init
	.type	arch_context_init, %function
arch_context_init:
	mov	x9, x0
	add	x10, x0, #24 * 8
1:	stp	xzr, xzr, [x9], #16
	cmp	x9, x10
	b.lo	1b
	stp	x2, x3, [x0, #CTX_X19]		/* x19 = entry, x20 = arg */
	adr	x9, thread_start
	str	x9, [x0, #CTX_X29 + 8]		/* x30 */
	and	x1, x1, #~15			/* AAPCS64: sp 16-aligned */
	str	x1, [x0, #CTX_SP]
	ret
	.size	arch_context_init, . - arch_context_init

/*
 * First code of every thread, entered from arch_context_switch with
 * interrupts masked (the scheduler switches with them masked). Unmask
 * IRQs, and SErrors, which the exception that may have led here also
 * masked, then run entry(arg). x29 = 0 ends the frame-record chain.
 */
	.type	thread_start, %function
thread_start:
	msr	daifclr, #(2 | 4)	/* DAIFClr: I and A */
	mov	x29, #0
	mov	x0, x20
	blr	x19
	/* entry must not return (arch.h). */
	mov	x0, #0
	adr	x1, thread_returned_msg
	bl	panic_frame
	.size	thread_start, . - thread_start

	.section .rodata.str1.1, "aMS", %progbits, 1
thread_returned_msg:
	.asciz	"thread entry function returned"
