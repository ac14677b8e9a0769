#include <stddef.h>

#include "drivers/uart.h"

const struct uart_driver *const uart_drivers[] = {
	&ns16550_driver,
	&pl011_driver,
	&sifive_uart_driver,
	&cadence_uart_driver,
	&xuartps_driver,
	NULL,
};
