/*
 * net/port.h for the firmware: newlib's malloc, kprintf, and a random
 * source.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch/arch.h"
#include "kernel/printk.h"
#include "net/port.h"

void *net_alloc(size_t size)
{
	return malloc(size);
}

void net_free(void *p)
{
	free(p);
}

/*
 * xorshift64* stirred with the free-running counter on every call. QEMU
 * virt offers no entropy source without a virtio-rng device, so this is
 * unpredictable only as far as timing jitter makes it; it is good enough
 * for ephemeral ports and DHCP transaction ids, and is the one place to
 * improve once a hardware source is probed.
 */
uint32_t net_random(void)
{
	static uint64_t state = 0x9e3779b97f4a7c15ULL;

	unsigned long flags = arch_irq_save();
	state ^= arch_timer_count() * 0xbf58476d1ce4e5b9ULL;
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	uint64_t r = state * 0x2545f4914f6cdd1dULL;
	arch_irq_restore(flags);
	return (uint32_t)(r >> 32);
}

void net_log(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("%s\n", buf);
}
