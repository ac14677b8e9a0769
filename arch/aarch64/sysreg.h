/*
 * AArch64 system register access and the bits Kite uses, named as in the
 * Arm Architecture Reference Manual for A-profile (DDI 0487, "ARM ARM"),
 * "AArch64 System Register Descriptions". Private to arch/aarch64.
 */
#ifndef KITE_AARCH64_SYSREG_H
#define KITE_AARCH64_SYSREG_H

/* CurrentEL.EL, bits [3:2]. */
#define CURRENTEL_EL1		(1 << 2)
#define CURRENTEL_EL2		(2 << 2)

/* PSTATE.DAIF as read through the DAIF register. */
#define DAIF_F			(1 << 6)
#define DAIF_I			(1 << 7)
#define DAIF_A			(1 << 8)
#define DAIF_D			(1 << 9)

/* SPSR_ELx.M[3:0] = EL1h: EL1 using SP_EL1. */
#define SPSR_EL1H		0x5

/* SCTLR_EL1. The RES1 bits of Armv8.0 (11, 20, 22, 23, 28,
 * 29) later became feature controls whose 1 keeps the v8.0 behaviour. */
#define SCTLR_M			(1 << 0)	/* stage 1 MMU */
#define SCTLR_C			(1 << 2)	/* data caches */
#define SCTLR_SA		(1 << 3)	/* SP alignment check at EL1 */
#define SCTLR_I			(1 << 12)	/* instruction caches */
#define SCTLR_EL1_RES1		0x30d00800
#define SCTLR_EL1_MMU_OFF	(SCTLR_EL1_RES1 | SCTLR_SA)

/* CPACR_EL1.FPEN = 0b11: FP/SIMD not trapped at EL1 or EL0. */
#define CPACR_FPEN		(3 << 20)

/* HCR_EL2.RW: EL1 is AArch64. */
#define HCR_RW			(1 << 31)
/* CNTHCTL_EL2.EL1PCTEN | EL1PCEN: EL1 may use the physical counter and
 * timer (with HCR_EL2.E2H == 0). */
#define CNTHCTL_EL1PCTEN	(1 << 0)
#define CNTHCTL_EL1PCEN		(1 << 1)
/* CPTR_EL2 with E2H == 0: RES1 bits [13:12] and [9:0]; TFP (bit 10)
 * clear so FP/SIMD is not trapped to EL2. */
#define CPTR_EL2_RES1		0x33ff
/* ICC_SRE_EL2: SRE (system registers at EL2) and Enable (EL1 may set
 * ICC_SRE_EL1.SRE) (GICv3 spec, IHI 0069, ICC_SRE_EL2). */
#define ICC_SRE_SRE		(1 << 0)
#define ICC_SRE_ENABLE		(1 << 3)
/* ID_AA64PFR0_EL1.GIC, bits [27:24]: nonzero when the GIC system
 * register interface is implemented. */
#define ID_AA64PFR0_GIC_SHIFT	24

#ifndef __ASSEMBLY__
#include <stdint.h>

/* Registers the assembler does not know by name are given as
 * S<op0>_<op1>_C<n>_C<m>_<op2>; the rest by their architectural name. */
#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

#define read_sysreg(reg) ({						\
	uint64_t __val;							\
	__asm__ volatile("mrs %0, " __stringify(reg) : "=r"(__val));	\
	__val;								\
})

#define write_sysreg(reg, val) do {					\
	uint64_t __val = (uint64_t)(val);				\
	__asm__ volatile("msr " __stringify(reg) ", %x0"		\
			 : : "rZ"(__val));				\
} while (0)

#define isb()		__asm__ volatile("isb" : : : "memory")
#define dsb(opt)	__asm__ volatile("dsb " #opt : : : "memory")

/* MPIDR_EL1 affinity packed as Aff3.Aff2.Aff1.Aff0, the layout of
 * GICR_TYPER[63:32] and GICD_IROUTER. */
static inline uint32_t mpidr_affinity(uint64_t mpidr)
{
	return (uint32_t)((mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff));
}
#endif

#endif
