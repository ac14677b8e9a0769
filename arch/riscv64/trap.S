/*
 * Trap entry and exit. Kite runs entirely in S-mode, so a trap always
 * arrives on a valid kernel stack: the frame goes right below the
 * interrupted sp, no sscratch swap is needed. riscv_trap() may switch
 * threads; the frame stays on this thread's stack until it resumes.
 */
#include "arch/riscv64/csr.h"

#define FRAME	288
#define R(n)	(8 * (n))

	.section .text
	.align 4
	.globl trap_entry
trap_entry:
	addi	sp, sp, -FRAME
	sd	x1, R(1)(sp)
	sd	x3, R(3)(sp)
	sd	x4, R(4)(sp)
	sd	x5, R(5)(sp)
	sd	x6, R(6)(sp)
	sd	x7, R(7)(sp)
	sd	x8, R(8)(sp)
	sd	x9, R(9)(sp)
	sd	x10, R(10)(sp)
	sd	x11, R(11)(sp)
	sd	x12, R(12)(sp)
	sd	x13, R(13)(sp)
	sd	x14, R(14)(sp)
	sd	x15, R(15)(sp)
	sd	x16, R(16)(sp)
	sd	x17, R(17)(sp)
	sd	x18, R(18)(sp)
	sd	x19, R(19)(sp)
	sd	x20, R(20)(sp)
	sd	x21, R(21)(sp)
	sd	x22, R(22)(sp)
	sd	x23, R(23)(sp)
	sd	x24, R(24)(sp)
	sd	x25, R(25)(sp)
	sd	x26, R(26)(sp)
	sd	x27, R(27)(sp)
	sd	x28, R(28)(sp)
	sd	x29, R(29)(sp)
	sd	x30, R(30)(sp)
	sd	x31, R(31)(sp)
	addi	t0, sp, FRAME
	sd	t0, R(2)(sp)
	csrr	t0, sepc
	csrr	t1, sstatus
	csrr	t2, scause
	csrr	t3, stval
	sd	t0, R(32)(sp)
	sd	t1, R(33)(sp)
	sd	t2, R(34)(sp)
	sd	t3, R(35)(sp)

	mv	a0, sp
	call	riscv_trap

	ld	t0, R(32)(sp)
	ld	t1, R(33)(sp)
	csrw	sepc, t0
	csrw	sstatus, t1
	ld	x1, R(1)(sp)
	ld	x3, R(3)(sp)
	ld	x4, R(4)(sp)
	ld	x5, R(5)(sp)
	ld	x6, R(6)(sp)
	ld	x7, R(7)(sp)
	ld	x8, R(8)(sp)
	ld	x9, R(9)(sp)
	ld	x10, R(10)(sp)
	ld	x11, R(11)(sp)
	ld	x12, R(12)(sp)
	ld	x13, R(13)(sp)
	ld	x14, R(14)(sp)
	ld	x15, R(15)(sp)
	ld	x16, R(16)(sp)
	ld	x17, R(17)(sp)
	ld	x18, R(18)(sp)
	ld	x19, R(19)(sp)
	ld	x20, R(20)(sp)
	ld	x21, R(21)(sp)
	ld	x22, R(22)(sp)
	ld	x23, R(23)(sp)
	ld	x24, R(24)(sp)
	ld	x25, R(25)(sp)
	ld	x26, R(26)(sp)
	ld	x27, R(27)(sp)
	ld	x28, R(28)(sp)
	ld	x29, R(29)(sp)
	ld	x30, R(30)(sp)
	ld	x31, R(31)(sp)
	addi	sp, sp, FRAME
	sret
