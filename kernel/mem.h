/*
 * Physical memory as the device tree describes it, and the kernel heap.
 *
 * The heap is the RAM after the kernel image (_end) up to the end of the
 * first memory bank, minus the device tree blob (moved to the heap's start)
 * and whatever the firmware keeps (/reserved-memory, /memreserve/). newlib's malloc
 * grows into it through _sbrk().
 */
#ifndef KITE_MEM_H
#define KITE_MEM_H

#include <stddef.h>
#include <stdint.h>

struct fdt;

/* Find RAM, set up the heap, and move the device tree blob to just past
 * the kernel if it lies where the heap goes. Returns its address now;
 * the caller re-reads it from there. */
const void *mem_init(const struct fdt *fdt, const void *dtb, uint32_t dtb_size);

struct mem_info {
	uint64_t ram_base, ram_size;	/* first bank */
	uint64_t kernel_size;		/* image + bss + boot stack */
	uint64_t heap_size;		/* what _sbrk may hand out */
	uint64_t heap_brk;		/* handed out so far */
	uint64_t heap_in_use;		/* allocated by malloc now */
};

void mem_get_info(struct mem_info *mi);

/* newlib's _sbrk; exported for the syscall layer. */
void *mem_sbrk(ptrdiff_t incr);

#endif
