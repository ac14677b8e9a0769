/*
 * Device probing and the kernel command line. Every driver is found
 * through the device tree; this is the one list of what gets probed.
 */
#include <string.h>

#include "drivers/gem.h"
#include "drivers/pci.h"
#include "drivers/rtc.h"
#include "drivers/virtio.h"
#include "kernel/cmdline.h"
#include "kernel/fdt.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

static char cmdline[512];
static uint64_t epoch_at_boot_us;

void kernel_cmdline_init(const struct fdt *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = chosen >= 0 ?
		fdt_getprop_str(fdt, chosen, "bootargs") : NULL;

	if (!args)
		return;
	strncpy(cmdline, args, sizeof(cmdline) - 1);
	if (strlen(args) >= sizeof(cmdline))
		kprintf("cmdline: truncated to %u bytes\n",
			(unsigned)sizeof(cmdline) - 1);
	if (cmdline[0])
		kprintf("cmdline: %s\n", cmdline);
}

const char *kernel_cmdline(void)
{
	return cmdline;
}

const char *kernel_cmdline_get(const char *key, char *buf, size_t size)
{
	return cmdline_get(cmdline, key, buf, size);
}

uint64_t kernel_realtime_us(void)
{
	return epoch_at_boot_us + clock_now_us();
}

void kernel_probe_devices(const struct fdt *fdt)
{
	uint64_t rtc_us;

	if (rtc_read_boot_time(fdt, &rtc_us))
		epoch_at_boot_us = rtc_us - clock_now_us();
	/* NICs register as eth0, eth1, ... in this order. */
	virtio_mmio_init(fdt);
	pci_init(fdt);
	gem_init(fdt);
}
