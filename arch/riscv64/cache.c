/*
 * Data cache maintenance for drivers/dma.c (arch/arch.h) through the
 * Zicbom extension (RISC-V Base Cache Management Operation ISA
 * Extensions, version 1.0, chapter 2 and "Cache-Block Management
 * Instructions"): cbo.clean writes a cache block back, cbo.inval drops
 * it, cbo.flush does both, each for the block holding the address in
 * rs1, to the point where every agent (a DMA master included) sees
 * memory. The block size is not architectural: the device tree gives
 * it as `riscv,cbom-block-size` on the cpu node.
 *
 * A hart is trusted to have Zicbom only when its cpu node says so (in
 * `riscv,isa-extensions`, or in the `riscv,isa` string) and gives the
 * block size; otherwise arch_dcache_line_size() is 0 and drivers/dma.c
 * refuses every non-coherent device, as nothing else is safe. RISC-V
 * device DMA is coherent unless the tree says `dma-noncoherent`
 * (Linux: CONFIG_OF_DMA_DEFAULT_COHERENT), which is the usual case.
 *
 * Uncached memory would need Svpbmt or a platform's fixed uncached
 * alias; Kite runs without paging and knows no alias, so coherent
 * allocations for a non-coherent device fail (arch_dma_set_uncached()).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "arch/arch.h"
#include "arch/riscv64/trap.h"
#include "kernel/fdt.h"
#include "kernel/printk.h"

/* 0 until riscv_cache_init() finds Zicbom. */
static unsigned cbom_block_size;

/*
 * The CBO instructions, encoded by hand (Debian 12's binutils does not
 * know the mnemonics): MISC-MEM major opcode 0b0001111, funct3 0b010,
 * rd x0, rs1 the address, and in the 12-bit immediate field the
 * operation: 0 cbo.inval, 1 cbo.clean, 2 cbo.flush (CMO spec 1.0,
 * "Cache-Block Management Instructions", the instruction formats).
 */
#define CBO(imm, addr)							\
	__asm__ volatile(".insn i 0x0f, 2, x0, %0, " #imm		\
			 : : "r"(addr) : "memory")

bool arch_dma_default_coherent(void)
{
	return true;
}

unsigned arch_dcache_line_size(void)
{
	return cbom_block_size;
}

/* Stores to the buffer before the operations on it; the operations
 * before whatever the caller does next, an MMIO doorbell included
 * (the CMO spec orders cbo.* by FENCE like stores). */
#define CBO_RANGE(imm, start, len)                                         \
	do {                                                               \
		uintptr_t sz__ = cbom_block_size;                          \
		uintptr_t a__ = (start) & ~(sz__ - 1);                     \
		uintptr_t end__ = (start) + (len);                         \
		if (!sz__)                                                 \
			break;                                             \
		__asm__ volatile("fence rw, rw" : : : "memory");           \
		for (; a__ < end__; a__ += sz__)                           \
			CBO(imm, a__);                                     \
		__asm__ volatile("fence iorw, iorw" : : : "memory");       \
	} while (0)

void arch_dcache_clean(uintptr_t start, size_t len)
{
	CBO_RANGE(1, start, len);
}

void arch_dcache_inval(uintptr_t start, size_t len)
{
	CBO_RANGE(0, start, len);
}

void arch_dcache_flush(uintptr_t start, size_t len)
{
	CBO_RANGE(2, start, len);
}

int arch_dma_set_uncached(uintptr_t start, size_t len)
{
	(void)start;
	(void)len;
	return -EOPNOTSUPP;
}

/* "zicbom" among the multi-letter extensions of an ISA string such as
 * "rv64imafdc_zicbom_zicboz": each follows an underscore. */
static bool isa_string_has(const char *isa, const char *ext)
{
	size_t n = strlen(ext);

	for (const char *p = strchr(isa, '_'); p; p = strchr(p + 1, '_'))
		if (strncasecmp(p + 1, ext, n) == 0 &&
		    (p[1 + n] == '_' || p[1 + n] == '\0'))
			return true;
	return false;
}

/* A string-list property (DTSpec 2.2.4, <stringlist>) holding ext. */
static bool stringlist_has(const char *list, uint32_t len, const char *ext)
{
	uint32_t i = 0;

	while (i < len) {
		const char *s = list + i;
		size_t n = strnlen(s, len - i);
		if (n == len - i)
			return false;	/* unterminated */
		if (strcmp(s, ext) == 0)
			return true;
		i += (uint32_t)n + 1;
	}
	return false;
}

void riscv_cache_init(const struct fdt *fdt, int cpu)
{
	uint32_t len = 0, size;
	const char *exts = fdt_getprop(fdt, cpu, "riscv,isa-extensions", &len);
	const char *isa = fdt_getprop_str(fdt, cpu, "riscv,isa");
	bool zicbom = (exts && stringlist_has(exts, len, "zicbom")) ||
		      (isa && isa_string_has(isa, "zicbom"));

	if (!zicbom)
		return;
	if (fdt_getprop_u32(fdt, cpu, "riscv,cbom-block-size", &size) < 0 ||
	    size < 4 || (size & (size - 1))) {
		kprintf("riscv: zicbom without a usable riscv,cbom-block-size; "
			"no cache maintenance\n");
		return;
	}
	cbom_block_size = size;
}
