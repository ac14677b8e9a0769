/*
 * Power off and reset through PSCI, the Arm Power State Coordination
 * Interface (Arm DEN 0022). Firmware (or QEMU itself) implements it at a
 * higher exception level, reached with smc or hvc as the device tree's
 * /psci node "method" says. QEMU exits with status 0 on SYSTEM_OFF.
 */
#include <stdint.h>
#include <string.h>

#include "arch/aarch64/aarch64.h"
#include "arch/arch.h"
#include "kernel/fdt.h"
#include "kernel/printk.h"

/* Function IDs, SMC32 calling convention (DEN 0022, "Function
 * prototypes"). SYSTEM_OFF and SYSTEM_RESET exist from PSCI 0.2 on. */
#define PSCI_VERSION		0x84000000u
#define PSCI_SYSTEM_OFF		0x84000008u
#define PSCI_SYSTEM_RESET	0x84000009u

enum psci_conduit { PSCI_NONE, PSCI_SMC, PSCI_HVC };

static enum psci_conduit conduit;

/* SMC Calling Convention (Arm DEN 0028): function ID in w0, result in
 * x0; x1-x17 may be clobbered by the callee. */
static uint64_t psci_call(uint32_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;

	if (conduit == PSCI_SMC)
		__asm__ volatile("smc #0"
				 : "+r"(x0)
				 :
				 : "x1", "x2", "x3", "x4", "x5", "x6", "x7",
				   "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	else if (conduit == PSCI_HVC)
		__asm__ volatile("hvc #0"
				 : "+r"(x0)
				 :
				 : "x1", "x2", "x3", "x4", "x5", "x6", "x7",
				   "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	return x0;
}

void psci_init_dt(const struct fdt *fdt)
{
	int node = fdt_find_compatible(fdt, -1, "arm,psci-0.2");
	const char *method;
	uint64_t v;

	if (node < 0)
		node = fdt_find_compatible(fdt, -1, "arm,psci-1.0");
	if (node < 0 || !fdt_is_enabled(fdt, node)) {
		kprintf("psci: none (power off and reset will halt)\n");
		return;
	}
	method = fdt_getprop_str(fdt, node, "method");
	if (method && strcmp(method, "smc") == 0)
		conduit = PSCI_SMC;
	else if (method && strcmp(method, "hvc") == 0)
		conduit = PSCI_HVC;
	else {
		kprintf("psci: unknown method \"%s\"\n",
			method ? method : "");
		return;
	}
	v = psci_call(PSCI_VERSION);
	kprintf("psci: v%u.%u via %s\n", (unsigned)(v >> 16) & 0x7fff,
		(unsigned)v & 0xffff, method);
}

static void __attribute__((noreturn)) psci_halt(uint32_t fn, const char *what)
{
	arch_irq_save();
	if (conduit != PSCI_NONE) {
		uint64_t ret = psci_call(fn);
		kprintf("psci: %s failed (%d)\n", what, (int)(int32_t)ret);
	}
	kprintf("%s: no way to %s; halted\n", arch_name, what);
	for (;;)
		arch_wait_for_interrupt();
}

void arch_poweroff(void)
{
	psci_halt(PSCI_SYSTEM_OFF, "power off");
}

void arch_reboot(void)
{
	psci_halt(PSCI_SYSTEM_RESET, "reset");
}
