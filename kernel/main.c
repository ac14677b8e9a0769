/*
 * The boot sequence, common to every arch. boot/<arch>/start.S sets up a
 * stack and clears .bss, then calls kmain() with the device tree the
 * firmware passed. From here on only the early console's address
 * (arch_early_console()) is fixed: memory, console, interrupt
 * controller, timer and devices all come from the tree.
 */
#include <stdio.h>
#include <stdlib.h>

#include "arch/arch.h"
#include "kernel/console.h"
#include "kernel/fdt.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/net_glue.h"
#include "kernel/printk.h"
#include "kernel/services.h"
#include "kernel/shell.h"
#include "kernel/thread.h"
#include "kernel/timer.h"

static struct fdt boot_fdt;

const struct fdt *kernel_fdt(void)
{
	return &boot_fdt;
}

static void init_thread(void *arg)
{
	(void)arg;
	net_glue_start();
	services_start();
	/* The counter starts with the machine, so this is the time from
	 * power-on (firmware included) to the first prompt. */
	kprintf("kite: ready in %llu ms\n",
		(unsigned long long)(clock_now_us() / 1000));
	shell_run();
}

void kmain(unsigned long boot_cpu, const void *dtb)
{
	arch_early_console();
	arch_early_init();
	kprintf("\nKite %s %s (built %s)\n", kite_version, arch_name,
		kite_build_time);

	uint32_t dtb_size = fdt_header_size(dtb);
	if (fdt_init(&boot_fdt, dtb, dtb_size) < 0)
		panic("no valid device tree at %p (cpu %lu)", dtb, boot_cpu);
	dtb = mem_init(&boot_fdt, dtb, dtb_size);
	if (fdt_init(&boot_fdt, dtb, dtb_size) < 0)
		panic("the device tree is damaged after its move");
	kernel_cmdline_init(&boot_fdt);

	sched_init();
	arch_init(&boot_fdt);	/* interrupt controller, timer */
	timer_init();
	console_init_dt(&boot_fdt);
	kernel_probe_devices(&boot_fdt);

	if (!thread_create("init", PRIO_NORMAL, init_thread, NULL,
			   THREAD_STACK_DEFAULT))
		panic("cannot create the init thread");
	sched_start();		/* this flow becomes the idle thread */
}
