/*
 * riscv64 entry. OpenSBI jumps here in S-mode with a0 = hart id and
 * a1 = physical address of the device tree, MMU off, interrupts off,
 * wherever it loaded the image (0x80200000 on QEMU's virt and sifive_u).
 * The first 64 bytes are the RISC-V Linux image header
 * (Documentation/arch/riscv/boot-image-header.rst), so the raw kite.bin is
 * also bootable by U-Boot's booti.
 *
 * From here: apply the image's own relocations (it is linked at
 * KITE_LINK_ADDR but may run anywhere), then gp, the stack and .bss,
 * then kmain(hart id, dtb). Until the relocations are applied only
 * PC-relative addresses (lla, auipc) are right: nothing here uses `la`,
 * which a position-independent build turns into a load from the GOT.
 */

#define R_RISCV_RELATIVE	3	/* RISC-V ELF psABI, "Relocations" */
#define SBI_EXT_0_1_PUTCHAR	0x01	/* SBI spec, legacy console_putchar */
	.section .text.head, "ax"
	.globl _start
_start:
	/* code0/code1: jump over the header (c.j keeps it 4-byte clean). */
	.option push
	.option norvc
	j	real_start
	.word	0
	.option pop
	/*
	 * text_offset from the start of RAM: where a loader that wants one
	 * (U-Boot's booti moves every Image to RAM base + text_offset)
	 * puts it; Kite itself runs at any 4 KiB-aligned address.
	 */
	.dword	0x200000
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
	csrw	sie, zero
	csrw	sip, zero

	/*
	 * Relocate: every absolute address in the image is an
	 * R_RISCV_RELATIVE entry of .rela.dyn (Elf64_Rela: r_offset,
	 * r_info, r_addend; ELF gABI), meaning "the 64-bit word at link
	 * address r_offset holds link address r_addend". Moved by
	 * delta = where _start is - where it was linked, that word is at
	 * r_offset + delta and must hold r_addend + delta. Applying it
	 * twice gives the same result, so a loader may enter the image
	 * again. Only data is written: no fence.i is needed. a0 (hart id)
	 * and a1 (device tree) are kept for kmain.
	 * s0 = delta, t0/t1 = the table, t4/t5 = the image's bounds.
	 */
	lla	t0, _start
	li	t1, KITE_LINK_ADDR
	sub	s0, t0, t1
	/* The image's sections are aligned to 4 KiB at most (the boot
	 * stack); a load address that breaks that is refused. */
	slli	a2, s0, 52
	bnez	a2, load_misaligned
	lla	t4, _image_start
	lla	t5, _image_end
	addi	t5, t5, -8		/* the last place a word fits */
	lla	t0, _rela_start
	lla	t1, _rela_end
1:	bgeu	t0, t1, 2f
	ld	t2, 0(t0)		/* r_offset */
	ld	t3, 8(t0)		/* r_info: symbol << 32 | type */
	ld	t6, 16(t0)		/* r_addend */
	li	a2, R_RISCV_RELATIVE
	bne	t3, a2, reloc_refused	/* another type, or with a symbol */
	add	t2, t2, s0
	andi	a2, t2, 7
	bnez	a2, reloc_refused	/* not a naturally aligned word */
	bltu	t2, t4, reloc_refused	/* outside the loaded image */
	bgtu	t2, t5, reloc_refused
	add	t6, t6, s0
	sd	t6, 0(t2)
	addi	t0, t0, 24
	j	1b
2:
	/* gp is never used to reach data (a position-independent link
	 * does not relax to gp), but set it as the ABI expects. */
	.option push
	.option norelax
	lla	gp, __global_pointer$
	.option pop
	lla	sp, _boot_stack_top

	/* Zero .bss; nothing in it has been touched yet. */
	lla	t0, _bss_start
	lla	t1, _bss_end
3:	bgeu	t0, t1, 4f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	3b
4:
	lla	t0, riscv_boot_hartid
	sd	a0, 0(t0)
	/* kmain(hart id, dtb) never returns. */
	call	kmain
halt:	wfi
	j	halt

/*
 * Refusals. Nothing may run that relies on an address, so say why on
 * the SBI firmware's console (legacy console_putchar, which every
 * OpenSBI has), with an address, and stop.
 *
 * A relocation this code cannot apply (t0 = its entry): the image is
 * damaged, or something in it is not position-independent data.
 */
reloc_refused:
	sub	s1, t0, s0		/* the entry's address as linked */
	lla	s2, reloc_msg
	j	refuse
/* A load address not 4 KiB aligned (t0 = where _start is). */
load_misaligned:
	mv	s1, t0
	lla	s2, misaligned_msg
/* Print the string at s2, then s1 in hex, and halt. */
refuse:
5:	lbu	a0, 0(s2)
	beqz	a0, 6f
	li	a7, SBI_EXT_0_1_PUTCHAR
	ecall
	addi	s2, s2, 1
	j	5b
6:	li	s3, 60			/* 16 hex digits, most significant first */
7:	srl	a0, s1, s3
	andi	a0, a0, 0xf
	addi	a0, a0, '0'
	li	a1, '9'
	ble	a0, a1, 8f
	addi	a0, a0, 'a' - '0' - 10
8:	li	a7, SBI_EXT_0_1_PUTCHAR
	ecall
	addi	s3, s3, -4
	bgez	s3, 7b
	li	a0, '\n'
	li	a7, SBI_EXT_0_1_PUTCHAR
	ecall
	j	halt

	.section .rodata.reloc_msg, "a"
reloc_msg:
	.asciz	"kite: cannot relocate: not an aligned R_RISCV_RELATIVE inside the image, .rela.dyn entry at 0x"
misaligned_msg:
	.asciz	"kite: cannot run here: the load address is not 4 KiB aligned: 0x"
