/*
 * The boot sequence, common to every arch. boot/<arch>/start.S sets up a
 * stack and clears .bss, then calls kmain() with the device tree the
 * firmware passed. Nothing from here on has a fixed address: memory,
 * console, interrupt controller, timer and devices all come from the
 * tree. Until the tree's console is up, messages go to the firmware's
 * console (RISC-V: SBI) or are held for it (kernel/console.h).
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
#include "kernel/proc/sysinfo.h"
#include "kernel/services/services.h"
#include "kernel/shell/shell.h"
#include "kernel/thread.h"
#include "kernel/timer.h"

extern char _image_start[];	/* linker/<arch>.ld */

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

/* The machine, as the device tree's root names it (DTSpec 3.2: model,
 * else the first compatible string). */
static void print_board(const struct fdt *fdt)
{
	int root = fdt_path_offset(fdt, "/");
	const char *model = fdt_getprop_str(fdt, root, "model");

	if (!model)
		model = fdt_getprop_str(fdt, root, "compatible");
	kprintf("board: %s\n", model ? model : "(unnamed)");
}

void kmain(unsigned long boot_cpu, const void *dtb)
{
	arch_early_console();
	arch_early_init();
	kprintf("\nKite %s %s (built %s)\n", kite_version, arch_name,
		kite_build_time);
	/* boot/<arch>/start.S has relocated the image to where the loader
	 * put it; kite.elf's symbols are at the link address (gdb:
	 * symbol-file -o with the difference). */
	kprintf("kite: loaded at %#lx (linked at %#lx)\n",
		(unsigned long)(uintptr_t)_image_start,
		(unsigned long)KITE_LINK_ADDR);

	uint32_t dtb_size = fdt_header_size(dtb);
	if (fdt_init(&boot_fdt, dtb, dtb_size) < 0)
		panic("no valid device tree at %p (cpu %lu)", dtb, boot_cpu);
	dtb = mem_init(&boot_fdt, dtb, dtb_size);
	if (fdt_init(&boot_fdt, dtb, dtb_size) < 0)
		panic("the device tree is damaged after its move");
	console_init_dt(&boot_fdt);	/* output: the stdout-path UART */
	print_board(&boot_fdt);
	kernel_cmdline_init(&boot_fdt);

	sched_init();
	arch_init(&boot_fdt);	/* interrupt controller, timer */
	timer_init();
	console_start_input(&boot_fdt);
	sysinfo_init();		/* /proc's system files, the load average */
	kernel_probe_devices(&boot_fdt);

	if (!thread_create("init", PRIO_NORMAL, init_thread, NULL,
			   THREAD_STACK_DEFAULT))
		panic("cannot create the init thread");
	sched_start();		/* this flow becomes the idle thread */
}
