/*
 * Host stand-ins for what kernel/irq.c takes from the rest of the kernel:
 * interrupt masking (arch/arch.h) and kprintf (kernel/printk.h).
 *
 * Masking is a flag plus counters, so a test can ask whether interrupts
 * were masked at some moment (call arch_irqs_enabled() from a fake chip
 * operation) and whether every save was paired with a restore. kprintf
 * keeps the last message it was given and how many it was given.
 */
#ifndef KITE_FAKE_KERNEL_H
#define KITE_FAKE_KERNEL_H

#include <stdbool.h>

extern bool fake_irqs_on;     /* what arch_irqs_enabled() answers */
extern int fake_irq_saves;    /* arch_irq_save() calls */
extern int fake_irq_restores; /* arch_irq_restore() calls */

extern char fake_kprintf_last[512]; /* last message, NUL-terminated */
extern int fake_kprintf_calls;

/* Interrupts on, counters zero, no message. */
void fake_kernel_reset(void);

#endif
