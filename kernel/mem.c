/*
 * Physical memory and the heap (mem.h).
 */
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <string.h>

#include "kernel/fdt.h"
#include "kernel/mem.h"
#include "kernel/printk.h"

extern char _image_start[], _end[];

static uint64_t ram_base, ram_size;
static uintptr_t heap_start, heap_end, brk;

/* Shrink [heap_start, heap_end) so that it avoids [base, base + size).
 * The heap is one range: a region in its middle leaves the larger side. */
static void exclude(uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	if (size == 0 || end <= heap_start || base >= heap_end)
		return;
	if (base <= heap_start)
		heap_start = end > heap_end ? heap_end : end;
	else if (end >= heap_end || base - heap_start >= heap_end - end)
		heap_end = base;
	else
		heap_start = end;
}

static bool first_memory_bank(const struct fdt *fdt)
{
	for (int n = fdt_next_node(fdt, -1); n >= 0; n = fdt_next_node(fdt, n)) {
		const char *type = fdt_getprop_str(fdt, n, "device_type");
		if (!type || strcmp(type, "memory") != 0)
			continue;
		if (fdt_reg(fdt, n, 0, &ram_base, &ram_size) == 0)
			return true;
	}
	return false;
}

/* /memreserve/ entries: pairs of big-endian u64 ending in (0, 0). */
static void exclude_memreserve(const void *dtb, uint32_t dtb_size)
{
	const uint8_t *b = dtb;
	uint32_t off = fdt_be32(b + 16);

	for (; off + 16 <= dtb_size; off += 16) {
		uint64_t addr = (uint64_t)fdt_be32(b + off) << 32 | fdt_be32(b + off + 4);
		uint64_t size = (uint64_t)fdt_be32(b + off + 8) << 32 | fdt_be32(b + off + 12);
		if (!addr && !size)
			break;
		exclude(addr, size);
	}
}

static void exclude_reserved_memory(const struct fdt *fdt)
{
	int rm = fdt_path_offset(fdt, "/reserved-memory");

	if (rm < 0)
		return;
	for (int n = fdt_first_child(fdt, rm); n >= 0; n = fdt_next_sibling(fdt, n)) {
		uint64_t base, size;
		for (int i = 0; fdt_reg(fdt, n, i, &base, &size) == 0; i++)
			exclude(base, size);
	}
}

const void *mem_init(const struct fdt *fdt, const void *dtb, uint32_t dtb_size)
{
	if (!first_memory_bank(fdt))
		panic("mem: the device tree has no memory node");
	heap_start = ((uintptr_t)_end + 15) & ~(uintptr_t)15;
	heap_end = ram_base + ram_size;
	if (heap_start < ram_base || heap_start >= heap_end)
		panic("mem: kernel at %p is outside RAM", (void *)_image_start);
	/* Firmware may leave the device tree anywhere in RAM (QEMU arm64
	 * puts it mid-RAM). Move it down to just past the kernel so the
	 * heap is one unbroken range above it. */
	uintptr_t blob = (uintptr_t)dtb;
	if (blob + dtb_size > heap_start && blob < heap_end) {
		memmove((void *)heap_start, dtb, dtb_size);
		dtb = (const void *)heap_start;
		heap_start = (heap_start + dtb_size + 15) & ~(uintptr_t)15;
	}
	struct fdt moved;
	if (fdt_init(&moved, dtb, dtb_size) < 0)
		panic("mem: the device tree did not survive its move");
	exclude_memreserve(dtb, dtb_size);
	exclude_reserved_memory(&moved);
	brk = heap_start;
	kprintf("mem: %llu MiB at 0x%llx, kernel %lu KiB, heap %lu KiB\n",
		(unsigned long long)(ram_size >> 20),
		(unsigned long long)ram_base,
		(unsigned long)(((uintptr_t)_end - (uintptr_t)_image_start) >> 10),
		(unsigned long)((heap_end - heap_start) >> 10));
	return dtb;
}

void *mem_sbrk(ptrdiff_t incr)
{
	uintptr_t old = brk;

	/* Called by malloc under its lock; no other caller. */
	if (incr > 0 && (uintptr_t)incr > heap_end - brk)
		return NULL;
	if (incr < 0 && (uintptr_t)-incr > brk - heap_start)
		return NULL;
	brk += incr;
	return (void *)old;
}

void mem_get_info(struct mem_info *mi)
{
	struct mallinfo m = mallinfo();

	mi->ram_base = ram_base;
	mi->ram_size = ram_size;
	mi->kernel_size = (uintptr_t)_end - (uintptr_t)_image_start;
	mi->heap_size = heap_end - heap_start;
	mi->heap_brk = brk - heap_start;
	mi->heap_in_use = m.uordblks;
}
