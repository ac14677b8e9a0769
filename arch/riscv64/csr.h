/* RISC-V supervisor CSRs (Privileged ISA v1.12, chapter 4). */
#ifndef KITE_RISCV_CSR_H
#define KITE_RISCV_CSR_H

#define SSTATUS_SIE	(1UL << 1)
#define SSTATUS_SPIE	(1UL << 5)
#define SSTATUS_SPP	(1UL << 8)

#define IRQ_S_SOFT	1
#define IRQ_S_TIMER	5
#define IRQ_S_EXT	9
#define SCAUSE_IRQ	(1UL << 63)

#define CSR_STIMECMP	0x14d	/* Sstc */

#ifndef __ASSEMBLY__
#define csr_read(csr)                                              \
	({                                                         \
		unsigned long v__;                                 \
		__asm__ volatile("csrr %0, " #csr : "=r"(v__));    \
		v__;                                               \
	})
#define csr_write(csr, v) \
	__asm__ volatile("csrw " #csr ", %0" ::"rK"((unsigned long)(v)) : "memory")
#define csr_set(csr, v) \
	__asm__ volatile("csrs " #csr ", %0" ::"rK"((unsigned long)(v)) : "memory")
#define csr_clear(csr, v) \
	__asm__ volatile("csrc " #csr ", %0" ::"rK"((unsigned long)(v)) : "memory")
#endif

#endif
