/*
 * The system console: one UART, chosen by the device tree's
 * /chosen/stdout-path, with an earlier fixed-address console for the
 * first messages.
 *
 * Output is polled (QEMU's UARTs drain instantly, and a panic must print
 * with interrupts masked). Input is interrupt-driven: the UART's handler
 * moves received bytes into a ring and wakes the reader; a blocked reader
 * costs nothing.
 */
#ifndef KITE_CONSOLE_H
#define KITE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct fdt;

struct console_ops {
	/* Send one byte, waiting for room in the transmitter. */
	void (*putc)(void *priv, char c);
	/* One received byte, or -1 if none is waiting. */
	int (*getc)(void *priv);
	/* Enable/disable the receive interrupt. */
	void (*rx_irq)(void *priv, bool enable);
	/* Acknowledge the device's interrupt; true if it was raised. */
	bool (*irq_ack)(void *priv);
};

/* The fixed-address console used until console_init_dt() finds the
 * real one; arch code sets it up first thing. */
void console_set_early(const struct console_ops *ops, void *priv);

/* A UART driver found the stdout-path device: make it the console.
 * name is its Linux-style name ("ttyS0", "ttyAMA0"); virq <= 0 means no
 * usable interrupt, and input is then polled every 10 ms (logged). */
void console_register(const char *name, const struct console_ops *ops,
		      void *priv, int virq);

/* Find /chosen/stdout-path and probe its UART driver. */
void console_init_dt(const struct fdt *fdt);

/* Write n bytes, "\n" sent as "\r\n". Any context. */
void console_write(const char *s, size_t n);
/* Next input byte; blocks the calling thread until one arrives. */
int console_getc(void);
/* Input byte if one is waiting, else -1 (never blocks). */
int console_trygetc(void);
/* True if Ctrl-C was typed: like a tty raising SIGINT, it discards the
 * input typed so far. For long-running commands (ping) to stop on. */
bool console_take_ctrl_c(void);

#endif
