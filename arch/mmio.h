/*
 * Device register access and memory barriers.
 *
 * Registers are read and written through volatile pointers of the exact
 * width the device expects. The barriers order normal-memory accesses
 * (descriptor rings in RAM) against device accesses, which is what DMA
 * drivers need: write a descriptor, wmb(), then ring the doorbell.
 */
#ifndef KITE_MMIO_H
#define KITE_MMIO_H

#include <stdint.h>

#if defined(__riscv)
#define mb()	__asm__ volatile("fence iorw, iorw" ::: "memory")
#define rmb()	__asm__ volatile("fence ir, ir" ::: "memory")
#define wmb()	__asm__ volatile("fence ow, ow" ::: "memory")
#elif defined(__aarch64__)
#define mb()	__asm__ volatile("dsb sy" ::: "memory")
#define rmb()	__asm__ volatile("dsb ld" ::: "memory")
#define wmb()	__asm__ volatile("dsb st" ::: "memory")
#else
#define mb()	__sync_synchronize()
#define rmb()	__sync_synchronize()
#define wmb()	__sync_synchronize()
#endif

static inline uint8_t readb(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline uint16_t readw(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline uint32_t readl(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline uint64_t readq(uintptr_t a) { return *(volatile uint64_t *)a; }
static inline void writeb(uint8_t v, uintptr_t a) { *(volatile uint8_t *)a = v; }
static inline void writew(uint16_t v, uintptr_t a) { *(volatile uint16_t *)a = v; }
static inline void writel(uint32_t v, uintptr_t a) { *(volatile uint32_t *)a = v; }
static inline void writeq(uint64_t v, uintptr_t a) { *(volatile uint64_t *)a = v; }

/* A register of 1, 2 or 4 bytes chosen at run time (device config
 * fields of different sizes). */
static inline uint32_t read_width(uintptr_t a, unsigned width)
{
	return width == 1 ? readb(a) : width == 2 ? readw(a) : readl(a);
}

static inline void write_width(uint32_t v, uintptr_t a, unsigned width)
{
	if (width == 1)
		writeb((uint8_t)v, a);
	else if (width == 2)
		writew((uint16_t)v, a);
	else
		writel(v, a);
}

#endif
