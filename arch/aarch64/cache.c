/*
 * Data cache maintenance by virtual address to the point of coherency,
 * for drivers/dma.c (arch/arch.h). Kite maps memory one to one, so the
 * address a driver holds is the one the instructions take.
 *
 * ARM ARM (DDI 0487), "Data cache maintenance instructions": DC CVAC
 * cleans, DC IVAC invalidates, DC CIVAC cleans and invalidates the line
 * holding an address, to the Point of Coherency: where every observer,
 * a DMA master included, sees the same copy. Each acts on one line of
 * the smallest data cache line size, CTR_EL0.DminLine (bits [19:16],
 * log2 of the number of 4-byte words). A DSB SY after the last one
 * waits for them all to complete before the caller tells the device
 * anything.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/aarch64/aarch64.h"
#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"

bool arch_dma_default_coherent(void)
{
	return false;	/* arm64: only `dma-coherent` makes a device so */
}

unsigned arch_dcache_line_size(void)
{
	uint64_t ctr = read_sysreg(ctr_el0);

	return 4u << ((ctr >> 16) & 0xf);
}

/* One DC operation on every line overlapping [start, start + len). */
#define DCACHE_BY_LINE(op, start, len)                                     \
	do {                                                               \
		uintptr_t line__ = arch_dcache_line_size();                \
		uintptr_t a__ = (start) & ~(line__ - 1);                   \
		uintptr_t end__ = (start) + (len);                         \
		for (; a__ < end__; a__ += line__)                         \
			__asm__ volatile("dc " op ", %0"                   \
					 : : "r"(a__) : "memory");         \
		dsb(sy);                                                   \
	} while (0)

void arch_dcache_clean(uintptr_t start, size_t len)
{
	DCACHE_BY_LINE("cvac", start, len);
}

void arch_dcache_inval(uintptr_t start, size_t len)
{
	DCACHE_BY_LINE("ivac", start, len);
}

void arch_dcache_flush(uintptr_t start, size_t len)
{
	DCACHE_BY_LINE("civac", start, len);
}

int arch_dma_set_uncached(uintptr_t start, size_t len)
{
	if ((start | len) & (ARCH_DMA_UNCACHED_GRANULE - 1) || len == 0)
		return -EINVAL;
	if (mmu_set_uncached(start, len) < 0)
		return -EINVAL;
	/* Through the new mapping: lines the cacheable one left (dirty
	 * ones would be written back over what the device writes later)
	 * are written back and dropped. DC by VA acts on the physical
	 * line whatever the mapping's cacheability (ARM ARM, "Data cache
	 * maintenance instructions": effects on non-cacheable memory). */
	arch_dcache_flush(start, len);
	return 0;
}
