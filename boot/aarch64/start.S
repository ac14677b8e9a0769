/*
 * aarch64 entry. The image begins with the arm64 Linux Image header
 * (Documentation/arch/arm64/booting.rst, "Call the kernel image"), so
 * `qemu-system-aarch64 -kernel kite.bin` and U-Boot's booti load it
 * text_offset bytes above a 2 MiB-aligned base (0x40080000 with QEMU's
 * -kernel on virt; 0x80000 on a ZynqMP, whose RAM starts at 0) and enter
 * it with x0 = physical address of the device tree, x1-x3 = 0, the MMU
 * off, interrupts masked, at EL2 or EL1, on the one CPU firmware chose
 * (booting.rst: the others wait in firmware, for PSCI CPU_ON or on a
 * spin table), which is the boot CPU whatever its MPIDR.
 *
 * From here: drop to EL1 if at EL2, enable FP/SIMD, apply the image's
 * own relocations (it is linked at KITE_LINK_ADDR but runs wherever it
 * was put), set the stack, the vectors and .bss, turn the MMU on
 * (mmu.c), then kmain(MPIDR affinity, dtb). Until the relocations are
 * applied only PC-relative addresses (adr, adrp) are right.
 */
#include "arch/aarch64/sysreg.h"

#define R_AARCH64_RELATIVE	1027	/* ELF for the Arm 64-bit Architecture */

	.section .text.head, "ax"
	.globl	_start
_start:
	/* code0/code1: branch over the header. */
	b	primary_entry
	.word	0
	.quad	0x80000			/* text_offset from 2 MiB-aligned RAM */
	.quad	_end - _start		/* image_size, with .bss and stack */
	/*
	 * flags: bit 0 = 0 little-endian; bits [2:1] = 1 4 KiB pages;
	 * bit 3 = 1: the 2 MiB-aligned base may be anywhere in physical
	 * memory (Kite relocates itself; it needs only 4 KiB alignment).
	 */
	.quad	0xa
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.word	0x644d5241		/* magic "ARM\x64" */
	.word	0			/* res5: no PE/COFF header */

primary_entry:
	mov	x19, x0			/* device tree, kept to the end */
	msr	daifset, #0xf		/* booting.rst says so; make sure */

	mrs	x0, CurrentEL
	cmp	x0, #CURRENTEL_EL2
	b.eq	el2_entry
	cmp	x0, #CURRENTEL_EL1
	b.eq	el1_entry
	b	park			/* EL3: Linux images never start here */

/*
 * At EL2 (QEMU virtualization=on, or firmware that leaves EL2 to the
 * kernel): give EL1 the machine and eret into it (ARM ARM, "Exception
 * return"; booting.rst for what Linux expects of the same drop).
 */
el2_entry:
	mov	x0, #HCR_RW		/* EL1 AArch64; no stage 2, no traps */
	msr	hcr_el2, x0
	mov	x0, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
	msr	cnthctl_el2, x0		/* EL1 may use counters and timers */
	msr	cntvoff_el2, xzr	/* virtual count == physical count */
	mov	x0, #CPTR_EL2_RES1	/* FP/SIMD not trapped to EL2 */
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	/* MIDR/MPIDR as read at EL1 come from these two. */
	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0

	/* With the GIC system register interface, EL1 may only enable it
	 * (ICC_SRE_EL1.SRE) if EL2 says so: Enable | SRE. */
	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #ID_AA64PFR0_GIC_SHIFT, #4
	cbz	x0, 1f
	mrs	x0, S3_4_C12_C9_5	/* ICC_SRE_EL2 */
	mov	x1, #(ICC_SRE_SRE | ICC_SRE_ENABLE)
	orr	x0, x0, x1
	msr	S3_4_C12_C9_5, x0
	isb
	msr	S3_4_C12_C11_0, xzr	/* ICH_HCR_EL2: no virtual interface */
1:
	ldr	x0, =SCTLR_EL1_MMU_OFF
	msr	sctlr_el1, x0
	mov	x0, #(DAIF_D | DAIF_A | DAIF_I | DAIF_F | SPSR_EL1H)
	msr	spsr_el2, x0
	adr	x0, el1_entry
	msr	elr_el2, x0
	mov	x0, x19
	eret

el1_entry:
	ldr	x0, =SCTLR_EL1_MMU_OFF	/* MMU and caches off, known state */
	msr	sctlr_el1, x0
	mov	x0, #CPACR_FPEN		/* C code may use FP/SIMD registers */
	msr	cpacr_el1, x0
	msr	spsel, #1		/* sp is SP_EL1 */
	isb

	/*
	 * The loader cleaned the image to the point of coherency, but
	 * lines for .bss and the stack may still sit in the cache from
	 * whatever used this memory before. Invalidate [_image_start, _end)
	 * now, while nothing has been written, so no stale line can be
	 * written back over what we store with the caches off, or be hit
	 * once they are on (booting.rst; ARM ARM, DC IVAC).
	 */
	mrs	x0, ctr_el0
	ubfx	x0, x0, #16, #4		/* DminLine: log2(words per line) */
	mov	x1, #4
	lsl	x1, x1, x0		/* bytes per line */
	sub	x3, x1, #1
	adrp	x2, _image_start
	add	x2, x2, :lo12:_image_start
	bic	x2, x2, x3
	adrp	x3, _end
	add	x3, x3, :lo12:_end
2:	dc	ivac, x2
	add	x2, x2, x1
	cmp	x2, x3
	b.lo	2b
	dsb	sy

	/*
	 * Relocate: every absolute address in the image is an
	 * R_AARCH64_RELATIVE entry of .rela.dyn (Elf64_Rela: r_offset,
	 * r_info, r_addend; ELF gABI), meaning "the 64-bit word at link
	 * address r_offset holds link address r_addend". Moved by
	 * delta = where _start is - where it was linked, that word is at
	 * r_offset + delta and must hold r_addend + delta; applying it
	 * twice gives the same result. The MMU is off, so these stores go
	 * straight to memory, and they write data only, never an
	 * instruction: no cache maintenance is needed for the instruction
	 * side (mmu_enable() invalidates the instruction cache anyway
	 * before turning it on). The load address must keep the image's
	 * 4 KiB alignments (page tables, the boot stack).
	 * x20 = delta, x2/x3 = the image's bounds, x4/x5 = the table.
	 */
	adrp	x0, _start
	add	x0, x0, :lo12:_start
	ldr	x1, =KITE_LINK_ADDR	/* a constant: no relocation */
	sub	x20, x0, x1
	tst	x20, #0xfff
	b.ne	reloc_refused
	adrp	x2, _image_start
	add	x2, x2, :lo12:_image_start
	adrp	x3, _image_end
	add	x3, x3, :lo12:_image_end
	sub	x3, x3, #8		/* the last place a word fits */
	adrp	x4, _rela_start
	add	x4, x4, :lo12:_rela_start
	adrp	x5, _rela_end
	add	x5, x5, :lo12:_rela_end
5:	cmp	x4, x5
	b.hs	6f
	ldp	x6, x7, [x4], #16	/* r_offset, r_info */
	ldr	x8, [x4], #8		/* r_addend */
	cmp	x7, #R_AARCH64_RELATIVE	/* and no symbol */
	b.ne	reloc_refused
	add	x6, x6, x20
	tst	x6, #7			/* a naturally aligned word */
	b.ne	reloc_refused
	cmp	x6, x2			/* inside the loaded image */
	b.lo	reloc_refused
	cmp	x6, x3
	b.hi	reloc_refused
	add	x8, x8, x20
	str	x8, [x6]
	b	5b
6:
	adrp	x0, _boot_stack_top
	add	sp, x0, :lo12:_boot_stack_top

	adrp	x0, vectors
	add	x0, x0, :lo12:vectors
	msr	vbar_el1, x0
	isb

	/* Zero .bss (16-byte aligned at both ends by the linker script). */
	adrp	x0, _bss_start
	add	x0, x0, :lo12:_bss_start
	adrp	x1, _bss_end
	add	x1, x1, :lo12:_bss_end
3:	cmp	x0, x1
	b.hs	4f
	stp	xzr, xzr, [x0], #16
	b	3b
4:
	mov	x0, x19
	bl	mmu_early_init

	/* kmain(boot CPU's MPIDR affinity, device tree) never returns. */
	mrs	x0, mpidr_el1
	ldr	x1, =0xff00ffffff	/* Aff3 [39:32], Aff2..Aff0 [23:0] */
	and	x0, x0, x1
	mov	x1, x19
	bl	kmain
park:
	wfe
	b	park

/*
 * A load address that is not 4 KiB aligned, or a relocation this code
 * cannot apply (not R_AARCH64_RELATIVE, misaligned, or outside the
 * image): the image is damaged or was put where it cannot run. Nothing
 * that relies on an address may run, and there is no console yet to say
 * so: park. A debugger finds the load offset in x20 and, if that is
 * aligned, the .rela.dyn entry just past the bad one in x4.
 */
reloc_refused:
	b	park
