/*
 * What the portable kernel needs from an architecture port.
 *
 * Each arch/<name>/ implements these; nothing in kernel/ or drivers/
 * includes an arch-private header. Kite runs on one hart/core: the boot
 * CPU. "Interrupts off" is therefore the kernel's only spinlock (see
 * arch_irq_save() below, and kernel/wait.h for its use), and every
 * function here is called with the calling thread's context, never
 * concurrently with itself on another CPU.
 */
#ifndef KITE_ARCH_H
#define KITE_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fdt;
struct trap_frame;		/* arch-private layout */

/* --- boot ------------------------------------------------------------ */

/* Name for the banner and `uname`-like output: "riscv64", "aarch64". */
extern const char arch_name[];

/* Earliest set-up after boot/ hands over: trap vectors, FP, whatever the
 * port must do before C code may take an exception. */
void arch_early_init(void);

/* Discover the interrupt controller and timer from the device tree and
 * start them. Called once, after the heap exists. Panics if the tree
 * names no interrupt controller the port knows. */
void arch_init(const struct fdt *fdt);

/* Bring up a console that needs no address from the device tree
 * (console_set_early), if the platform has one: on RISC-V the SBI
 * firmware's. Otherwise nothing: the first messages are held until
 * console_init_dt() finds the stdout-path UART. */
void arch_early_console(void);

/* --- interrupts masking ---------------------------------------------- */

/* Mask interrupts on this CPU and return the previous state for
 * arch_irq_restore(). Nestable. */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
bool arch_irqs_enabled(void);

/* Sleep until an interrupt is pending. Called with interrupts masked so
 * that no wake-up is missed between the idle check and the sleep: the CPU
 * wakes on a pending interrupt even while masked, and the caller unmasks
 * afterwards to take it. */
void arch_wait_for_interrupt(void);

/* --- context switch ---------------------------------------------------- */

/* Callee-saved state of a switched-out thread; layout is the port's. */
struct arch_context {
	uint64_t regs[24];
};

/* Save the current callee-saved registers into *from and resume *to.
 * Interrupts are masked across the call. Returns when someone switches
 * back to *from. */
void arch_context_switch(struct arch_context *from, struct arch_context *to);

/* Prepare *ctx so that the first switch to it calls entry(arg) on the
 * given stack with interrupts enabled. entry must not return. */
void arch_context_init(struct arch_context *ctx, void *stack_top,
		       void (*entry)(void *), void *arg);

/* --- timer --------------------------------------------------------------- */

/* Free-running counter and its frequency in Hz (from the device tree). */
uint64_t arch_timer_count(void);
uint64_t arch_timer_freq(void);
/* Raise the timer interrupt once the counter reaches `count`
 * (UINT64_MAX: never). The kernel reprograms it on every expiry. */
void arch_timer_set_oneshot(uint64_t count);

/* --- caches and DMA ------------------------------------------------------- */

/*
 * What drivers/dma.c needs to serve a device that does not snoop the
 * CPU's caches. Addresses are CPU (identity-mapped) addresses; every
 * operation acts on each data cache line that overlaps [start, start +
 * len), all the way to the point of coherency (where a DMA master sees
 * memory), and is complete when it returns.
 */

/* Whether a device the device tree says nothing about is coherent: as
 * Linux decides it (drivers/of/address.c of_dma_is_coherent(),
 * dma_default_coherent): yes on RISC-V (CONFIG_OF_DMA_DEFAULT_COHERENT),
 * no on arm64. */
bool arch_dma_default_coherent(void);

/* The smallest data cache line maintenance acts on, in bytes (a power of
 * two); 0 if this CPU cannot clean or invalidate by address (a RISC-V
 * hart without Zicbom), in which case no non-coherent device can be
 * served. */
unsigned arch_dcache_line_size(void);

/* Write dirty lines back (clean), discard them without writing back
 * (invalidate; lines only partly in the range lose the rest too: the
 * caller rounds), or both (flush: clean + invalidate). */
void arch_dcache_clean(uintptr_t start, size_t len);
void arch_dcache_inval(uintptr_t start, size_t len);
void arch_dcache_flush(uintptr_t start, size_t len);

/* The granule (bytes, a power of two) of arch_dma_set_uncached(). */
#define ARCH_DMA_UNCACHED_GRANULE	(2u << 20)

/* Make [start, start + len), granule-aligned memory that nothing else
 * uses, uncached for good (Normal Non-cacheable on aarch64) and drop
 * whatever lines of it the caches hold. 0, or -EOPNOTSUPP where the CPU
 * cannot have uncached memory (RISC-V: Kite runs without paging, so
 * only the platform's fixed memory attributes apply), -EINVAL if the
 * range is not granule-aligned or not RAM. */
int arch_dma_set_uncached(uintptr_t start, size_t len);

/* --- power ---------------------------------------------------------------- */

/* Through SBI SRST on RISC-V, PSCI on AArch64; QEMU exits with status 0. */
void arch_poweroff(void) __attribute__((noreturn));
void arch_reboot(void) __attribute__((noreturn));

/* --- diagnostics ------------------------------------------------------------ */

/* Print every register of a trap frame (for panics). */
void arch_dump_frame(const struct trap_frame *tf);

/* Address of the caller's return, for panic messages. */
#define arch_return_address() __builtin_return_address(0)

#endif
