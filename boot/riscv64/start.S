/*
 * riscv64 entry. OpenSBI jumps here in S-mode with a0 = hart id and
 * a1 = physical address of the device tree, MMU off, interrupts off.
 * The first 64 bytes are the RISC-V Linux image header
 * (Documentation/arch/riscv/boot-image-header.rst), so the raw kite.bin is
 * also bootable by U-Boot's booti.
 */
	.section .text.head, "ax"
	.globl _start
_start:
	/* code0/code1: jump over the header (c.j keeps it 4-byte clean). */
	.option push
	.option norvc
	j	real_start
	.word	0
	.option pop
	.dword	0x200000		/* text_offset from the start of RAM */
	/*
	 * image_size: everything the kernel occupies from _start, .bss and
	 * boot stack included, as Linux's head.S has it (_end - _start).
	 * U-Boot's booti reserves this much at the load address, so the
	 * device tree or an initrd it places can never land in our .bss.
	 */
	.dword	_end - _start
	.dword	0			/* flags: little endian */
	.word	2			/* header version 0.2 */
	.word	0
	.dword	0
	.ascii	"RISCV\0\0\0"		/* magic (deprecated, still checked by some) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0			/* reserved: PE header offset */

real_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	csrw	sie, zero
	csrw	sip, zero
	la	sp, _boot_stack_top

	/* Zero .bss; nothing in it has been touched yet. */
	la	t0, _bss_start
	la	t1, _bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	la	t0, riscv_boot_hartid
	sd	a0, 0(t0)
	/* kmain(hart id, dtb) never returns. */
	call	kmain
3:	wfi
	j	3b
