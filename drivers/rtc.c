/*
 * Real-time clocks, read once at boot to give the monotonic clock an
 * epoch: Goldfish RTC (QEMU riscv64 virt) and PL031 (QEMU aarch64 virt).
 */
#include <stdint.h>

#include "arch/mmio.h"
#include "drivers/rtc.h"
#include "kernel/fdt.h"
#include "kernel/printk.h"

/* Goldfish: nanoseconds; reading TIME_LOW latches TIME_HIGH. */
static uint64_t goldfish_read_us(uintptr_t base)
{
	uint64_t lo = readl(base + 0x00);
	uint64_t hi = readl(base + 0x04);
	return (hi << 32 | lo) / 1000;
}

/* PL031: RTCDR holds seconds. */
static uint64_t pl031_read_us(uintptr_t base)
{
	return (uint64_t)readl(base + 0x000) * 1000000;
}

static const struct {
	const char *compatible;
	uint64_t (*read_us)(uintptr_t base);
} rtcs[] = {
	{ "google,goldfish-rtc", goldfish_read_us },
	{ "arm,pl031", pl031_read_us },
};

bool rtc_read_boot_time(const struct fdt *fdt, uint64_t *epoch_us)
{
	for (unsigned i = 0; i < sizeof(rtcs) / sizeof(rtcs[0]); i++) {
		int node = fdt_find_compatible(fdt, -1, rtcs[i].compatible);
		uint64_t base, size;
		if (node < 0 || !fdt_is_enabled(fdt, node) ||
		    fdt_reg(fdt, node, 0, &base, &size) < 0)
			continue;
		*epoch_us = rtcs[i].read_us((uintptr_t)base);
		kprintf("rtc: %s at 0x%llx\n", rtcs[i].compatible,
			(unsigned long long)base);
		return true;
	}
	return false;
}
