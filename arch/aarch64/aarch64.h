/*
 * What the files of the AArch64 port call in each other. Private to
 * arch/aarch64 and boot/aarch64; the kernel sees only arch/arch.h.
 */
#ifndef KITE_AARCH64_H
#define KITE_AARCH64_H

#include <stdint.h>

struct fdt;

/* mmu.c. Called by boot/aarch64/start.S with the MMU off, before kmain:
 * identity-map the kernel image and the device tree as normal memory and
 * every other address as device memory, then turn the MMU and caches
 * on. Uses nothing from newlib (its string routines need the MMU on). */
void mmu_early_init(const void *dtb);
/* From arch_early_init(): map all of RAM (the device tree's memory
 * nodes) as normal memory before the heap is used. */
void mmu_map_ram(void);
/* Make [start, start + len), 2 MiB-aligned RAM that nothing uses,
 * Normal Non-cacheable for good. 0, or -1 if it is not such RAM. */
int mmu_set_uncached(uint64_t start, uint64_t len);

/* timer.c: find the generic timer and claim its interrupt. */
void arch_timer_init_dt(const struct fdt *fdt);

/* psci.c: learn the PSCI conduit for arch_poweroff()/arch_reboot(). */
void psci_init_dt(const struct fdt *fdt);

#endif
