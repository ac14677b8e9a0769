/*
 * The MMU: a flat identity map with 4 KiB pages (ARM ARM, "The
 * AArch64 Virtual Memory System Architecture").
 *
 * With the MMU off every data access is Device-nGnRnE: unaligned
 * accesses fault, exclusives (newlib's locks, C11 atomics) need not work
 * and nothing is cached. So the MMU goes on before kmain, in two steps,
 * as Linux does:
 *
 *  1. mmu_early_init(), MMU off: the first 1 TiB of physical addresses
 *     (QEMU virt's highest device window, 512 GiB of PCIe MMIO, ends
 *     there) as Device-nGnRE, except the kernel image and the device
 *     tree blob, which are Normal write-back memory.
 *  2. mmu_map_ram(), MMU on: every RAM range of the device tree's memory
 *     nodes becomes Normal, before the heap is touched. Nothing but RAM
 *     is ever Normal, so the CPU never speculates into device space.
 *
 * Tables come from a static pool; a range is mapped with the largest
 * blocks its alignment allows (1 GiB at level 1, 2 MiB at level 2, 4 KiB
 * pages at level 3). The walk starts at level 0 because a 40-bit input
 * address space needs its bit 39.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arch/aarch64/aarch64.h"
#include "arch/aarch64/sysreg.h"
#include "kernel/fdt.h"
#include "kernel/printk.h"

#define VA_BITS			40
#define PT_ENTRIES		512
/* Step 1 needs at most 9; step 2 one level 2 table per GiB of RAM
 * (RAM is mapped in 2 MiB blocks at most, see mmu_map_ram()). */
#define NR_TABLES		32

/* Stage 1 descriptors, VMSAv8-64 format (ARM ARM, "Translation table
 * descriptor formats"). */
#define PTE_VALID		(1ull << 0)
#define PTE_TABLE		(1ull << 1)	/* levels 0-2: next table */
#define PTE_PAGE		(1ull << 1)	/* level 3: a page */
#define PTE_ATTRINDX(n)		((uint64_t)(n) << 2)	/* MAIR_EL1 slot */
#define PTE_SH_INNER		(3ull << 8)
#define PTE_AF			(1ull << 10)	/* access flag: no AF fault */
#define PTE_PXN			(1ull << 53)
#define PTE_UXN			(1ull << 54)
#define PTE_ADDR		0x0000fffffffff000ull	/* OA[47:12] */
#define PTE_TYPE		3ull

/* MAIR_EL1 slots (ARM ARM, MAIR_EL1): 0x04 Device-nGnRE (no gathering
 * or reordering, early write acknowledgement allowed), 0xff Normal
 * inner/outer write-back, read- and write-allocate, 0x44 Normal inner
 * and outer Non-cacheable (for DMA memory shared with a device that
 * does not snoop the caches). */
#define ATTR_DEVICE		0
#define ATTR_NORMAL		1
#define ATTR_NORMAL_NC		2
#define MAIR_VALUE		(0x04ull << (8 * ATTR_DEVICE) | \
				 0xffull << (8 * ATTR_NORMAL) | \
				 0x44ull << (8 * ATTR_NORMAL_NC))

/* Never execute from device space: instruction fetches may be
 * speculative, device reads must not be. Kite has no EL0: UXN always. */
#define PROT_DEVICE		(PTE_ATTRINDX(ATTR_DEVICE) | PTE_AF | \
				 PTE_PXN | PTE_UXN)
#define PROT_NORMAL		(PTE_ATTRINDX(ATTR_NORMAL) | PTE_AF | \
				 PTE_SH_INNER | PTE_UXN)
#define PROT_NORMAL_NC		(PTE_ATTRINDX(ATTR_NORMAL_NC) | PTE_AF | \
				 PTE_SH_INNER | PTE_PXN | PTE_UXN)

/* TCR_EL1 (ARM ARM, TCR_EL1): T0SZ = 64 - VA_BITS; table walks are
 * inner shareable, write-back cacheable, so tables written with the MMU
 * on need no cache maintenance; 4 KiB granule; TTBR1 walks disabled
 * (EPD1; TG1 still given a valid value). IPS is added at run time. */
#define TCR_T0SZ		(64 - VA_BITS)
#define TCR_IRGN0_WBWA		(1ull << 8)
#define TCR_ORGN0_WBWA		(1ull << 10)
#define TCR_SH0_INNER		(3ull << 12)
#define TCR_TG0_4K		(0ull << 14)
#define TCR_EPD1		(1ull << 23)
#define TCR_TG1_4K		(2ull << 30)
#define TCR_IPS_SHIFT		32
#define TCR_VALUE		(TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | \
				 TCR_SH0_INNER | TCR_TG0_4K | TCR_EPD1 | \
				 TCR_TG1_4K)

#define PAGE_SIZE		4096ull

extern char _image_start[], _end[];

static uint64_t tables[NR_TABLES][PT_ENTRIES]
	__attribute__((aligned(PAGE_SIZE)));
static int tables_used = 1;		/* tables[0] is the level 0 root */
static bool tables_exhausted;
static const void *boot_dtb;
static uint64_t pa_limit;		/* end of what is mapped at all */

static unsigned level_shift(int level)
{
	return 39 - 9 * (unsigned)level;
}

static bool is_table(uint64_t pte, int level)
{
	return level < 3 && (pte & PTE_TYPE) == (PTE_VALID | PTE_TABLE);
}

/*
 * Change a live entry with break-before-make (ARM ARM, "Using
 * break-before-make when updating translation table entries"): the old
 * entry is removed and its TLB copies invalidated before the new one is
 * written, or the TLB could hold both and raise a conflict abort.
 */
static void set_pte(uint64_t *pte, uint64_t val)
{
	dsb(ishst);		/* a new table's entries before the pointer */
	if (*pte & PTE_VALID) {
		*pte = 0;
		dsb(ishst);
		__asm__ volatile("tlbi vmalle1" : : : "memory");
		dsb(nsh);
	}
	*pte = val;
	dsb(ishst);
}

/* A next-level table for *pte: the existing one, or a new one that maps
 * exactly what the block it replaces mapped. NULL if the pool is empty. */
static uint64_t *next_table(uint64_t *pte, int level)
{
	uint64_t old = *pte, *t;

	if (is_table(old, level))
		return (uint64_t *)(uintptr_t)(old & PTE_ADDR);
	if (tables_used == NR_TABLES) {
		tables_exhausted = true;
		return NULL;
	}
	t = tables[tables_used++];
	if (old & PTE_VALID) {
		uint64_t step = 1ull << level_shift(level + 1);
		uint64_t type = level + 1 == 3 ? PTE_VALID | PTE_PAGE
					       : PTE_VALID;
		for (int i = 0; i < PT_ENTRIES; i++)
			t[i] = ((old & PTE_ADDR) + i * step) |
			       (old & ~(PTE_ADDR | PTE_TYPE)) | type;
	}
	set_pte(pte, (uint64_t)(uintptr_t)t | PTE_VALID | PTE_TABLE);
	return t;
}

/* Map [start, end) of one table's span at `level` with attributes prot,
 * in blocks no larger than those of level min_level. A block already
 * mapped with prot is left alone, never split. */
static void map_range(uint64_t *table, int level, uint64_t start,
		      uint64_t end, uint64_t prot, int min_level)
{
	uint64_t size = 1ull << level_shift(level);

	while (start < end) {
		uint64_t *pte = &table[(start >> level_shift(level)) &
				       (PT_ENTRIES - 1)];
		uint64_t next = (start & ~(size - 1)) + size;
		uint64_t stop = next < end ? next : end;
		bool whole = start % size == 0 && stop == next;
		uint64_t *sub;

		if (is_table(*pte, level)) {
			map_range((uint64_t *)(uintptr_t)(*pte & PTE_ADDR),
				  level + 1, start, stop, prot, min_level);
		} else if ((*pte & PTE_VALID) &&
			   (*pte & ~(PTE_ADDR | PTE_TYPE)) == prot) {
			/* already so */
		} else if (whole && level > 0 && level >= min_level) {
			set_pte(pte, start | prot | PTE_VALID |
				(level == 3 ? PTE_PAGE : 0));
		} else if ((sub = next_table(pte, level))) {
			map_range(sub, level + 1, start, stop, prot, min_level);
		}
		start = stop;
	}
}

/* Page-align inwards and clip to the mapped space. */
static void map_blocks(uint64_t start, uint64_t end, uint64_t prot,
		       int min_level)
{
	start = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	end &= ~(PAGE_SIZE - 1);
	if (end > pa_limit)
		end = pa_limit;
	if (start < end)
		map_range(tables[0], 0, start, end, prot, min_level);
}

static void map(uint64_t start, uint64_t end, uint64_t prot)
{
	map_blocks(start, end, prot, 1);
}

/* ID_AA64MMFR0_EL1.PARange [3:0]: the physical address size, in the
 * encoding of TCR_EL1.IPS. 52 bits needs LPA2 or 64 KiB pages: capped
 * at 48. */
static unsigned pa_range(void)
{
	unsigned r = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	return r > 5 ? 5 : r;
}

static unsigned pa_bits(void)
{
	static const uint8_t bits[] = { 32, 36, 40, 42, 44, 48 };
	return bits[pa_range()];
}

static void mmu_enable(void)
{
	unsigned ips = pa_range();

	write_sysreg(mair_el1, MAIR_VALUE);
	write_sysreg(tcr_el1, TCR_VALUE | (uint64_t)ips << TCR_IPS_SHIFT);
	write_sysreg(ttbr0_el1, (uintptr_t)tables[0]);
	isb();
	/* Nothing stale may survive from the boot loader's translation
	 * regime or instruction cache. */
	__asm__ volatile("tlbi vmalle1\n\tic iallu" : : : "memory");
	dsb(nsh);
	isb();
	write_sysreg(sctlr_el1,
		     read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
	isb();
}

void mmu_early_init(const void *dtb)
{
	uint64_t dtb_start = (uintptr_t)dtb;
	uint32_t dtb_size = fdt_header_size(dtb);

	boot_dtb = dtb;
	pa_limit = 1ull << (pa_bits() < VA_BITS ? pa_bits() : VA_BITS);

	map(0, pa_limit, PROT_DEVICE);
	/* Outwards to whole pages: these are RAM by construction. */
	map((uintptr_t)_image_start & ~(PAGE_SIZE - 1),
	    ((uintptr_t)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), PROT_NORMAL);
	if (dtb_size)
		map(dtb_start & ~(PAGE_SIZE - 1),
		    (dtb_start + dtb_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
		    PROT_NORMAL);
	mmu_enable();
}

/* DTSpec 3.4: memory nodes have device_type "memory" and list their
 * ranges in "reg". */
void mmu_map_ram(void)
{
	uint32_t size = fdt_header_size(boot_dtb);
	uint64_t base, len;
	struct fdt fdt;

	if (size && fdt_init(&fdt, boot_dtb, size) == 0) {
		for (int node = fdt_next_node(&fdt, -1); node >= 0;
		     node = fdt_next_node(&fdt, node)) {
			const char *type =
				fdt_getprop_str(&fdt, node, "device_type");
			if (!type || strcmp(type, "memory") ||
			    !fdt_is_enabled(&fdt, node))
				continue;
			/* 2 MiB blocks at most: mmu_set_uncached() may
			 * later change one, and a 1 GiB block would have
			 * to be split while live, breaking the mapping of
			 * whatever runs in it. */
			for (int i = 0;
			     fdt_reg(&fdt, node, i, &base, &len) == 0; i++)
				map_blocks(base, base + len, PROT_NORMAL, 2);
		}
	}
	isb();
	/* Step 1 cannot run out (see NR_TABLES); a device tree with many
	 * oddly aligned memory ranges can. */
	if (tables_exhausted)
		panic("mmu: out of page tables (%d)", NR_TABLES);
}

/*
 * Make a 2 MiB-aligned stretch of RAM Normal Non-cacheable, for
 * drivers/dma.c's uncached pools. RAM is mapped in 2 MiB blocks at most
 * (mmu_map_ram()), so each block of the range is replaced alone, with
 * break-before-make, and nothing else loses its mapping meanwhile; the
 * caller makes sure nothing uses the range during the change. The
 * caches may still hold lines of it from its cacheable days: the caller
 * cleans and invalidates them after (arch_dma_set_uncached()).
 */
int mmu_set_uncached(uint64_t start, uint64_t len)
{
	const uint64_t block = 1ull << level_shift(2);

	if ((start | len) & (block - 1) || start + len > pa_limit ||
	    start + len < start)
		return -1;
	/* Only RAM, which mmu_map_ram() mapped Normal. */
	for (uint64_t a = start; a < start + len;) {
		uint64_t pte = tables[0][(a >> level_shift(0)) &
					 (PT_ENTRIES - 1)];
		int level = 0;

		while (is_table(pte, level)) {
			uint64_t *t = (uint64_t *)(uintptr_t)(pte & PTE_ADDR);
			level++;
			pte = t[(a >> level_shift(level)) & (PT_ENTRIES - 1)];
		}
		if (!(pte & PTE_VALID) ||
		    (pte & ~(PTE_ADDR | PTE_TYPE)) != PROT_NORMAL)
			return -1;
		a = (a & ~((1ull << level_shift(level)) - 1)) +
		    (1ull << level_shift(level));
	}
	map_blocks(start, start + len, PROT_NORMAL_NC, 2);
	__asm__ volatile("tlbi vmalle1" : : : "memory");
	dsb(nsh);
	isb();
	return tables_exhausted ? -1 : 0;
}
