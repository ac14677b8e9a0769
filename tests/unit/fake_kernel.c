/*
 * Host stand-ins for the kernel services kernel/irq.c links against;
 * see fake_kernel.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "arch/arch.h"
#include "kernel/printk.h"
#include "fake_kernel.h"

bool fake_irqs_on = true;
int fake_irq_saves;
int fake_irq_restores;

char fake_kprintf_last[512];
int fake_kprintf_calls;

void fake_kernel_reset(void)
{
	fake_irqs_on = true;
	fake_irq_saves = 0;
	fake_irq_restores = 0;
	fake_kprintf_last[0] = '\0';
	fake_kprintf_calls = 0;
}

unsigned long arch_irq_save(void)
{
	unsigned long flags = fake_irqs_on;

	fake_irqs_on = false;
	fake_irq_saves++;
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	fake_irqs_on = flags != 0;
	fake_irq_restores++;
}

bool arch_irqs_enabled(void)
{
	return fake_irqs_on;
}

int kvprintf(const char *fmt, va_list ap)
{
	fake_kprintf_calls++;
	return vsnprintf(fake_kprintf_last, sizeof(fake_kprintf_last), fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
