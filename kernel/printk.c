#include <stdio.h>

#include "arch/arch.h"
#include "kernel/console.h"
#include "kernel/printk.h"

int kvprintf(const char *fmt, va_list ap)
{
	char buf[256];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return n;
	size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	/* One write with interrupts masked: lines never interleave. */
	unsigned long flags = arch_irq_save();
	console_write(buf, len);
	arch_irq_restore(flags);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void panic_frame(const struct trap_frame *tf, const char *fmt, ...)
{
	static int nested;
	va_list ap;

	arch_irq_save();
	if (nested++) {
		/* Panicking while printing the panic: say so plainly. */
		console_write("\npanic: nested panic\n", 21);
		for (;;)
			arch_wait_for_interrupt();
	}
	kprintf("\npanic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	if (tf)
		arch_dump_frame(tf);
	kprintf("panic: system halted\n");
	for (;;)
		arch_wait_for_interrupt();
}
