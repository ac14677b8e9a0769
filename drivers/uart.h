/*
 * UART drivers for the console. console_init_dt() calls the probe of
 * the driver whose compatible string the stdout-path node has, as soon
 * as the device tree is read (before the interrupt controllers): the
 * probe sets the UART up for polled output with its interrupts off and
 * calls console_register(); console_start_input() attaches the
 * interrupt later. Nothing here has a fixed address.
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
extern const struct uart_driver sifive_uart_driver;	/* SiFive FU540 */
extern const struct uart_driver cadence_uart_driver;	/* Zynq UltraScale+ */
extern const struct uart_driver xuartps_driver;	/* Zynq-7000 */

#endif
