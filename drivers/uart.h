/*
 * UART drivers for the console. Each probes a device tree node and, when
 * the node is the stdout-path device, calls console_register(). The
 * early entry points take a fixed physical address and work before the
 * device tree is read (and, on AArch64, before the MMU is on).
 */
#ifndef KITE_UART_H
#define KITE_UART_H

#include <stdint.h>

struct fdt;

struct uart_driver {
	const char *compatible;
	int (*probe)(const struct fdt *fdt, int node);
};

/* Every UART driver Kite has, NULL-terminated. */
extern const struct uart_driver *const uart_drivers[];

extern const struct uart_driver ns16550_driver;	/* riscv64 virt */
extern const struct uart_driver pl011_driver;	/* aarch64 virt */

void ns16550_early_init(uintptr_t base);
void pl011_early_init(uintptr_t base);

#endif
