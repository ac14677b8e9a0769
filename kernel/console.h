/*
 * The system console: one UART, chosen by the device tree's
 * /chosen/stdout-path as soon as the tree is read. Before that, an
 * early console the arch may set up without an address (RISC-V: the SBI
 * firmware's console); without one, messages are held (4 KiB) and
 * written out when the first console appears, so none is lost.
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
	/* The device sends "\r\n" for "\n" itself (a firmware console):
	 * the console must not add its own CR. */
	bool adds_cr;
};

/* The console used until console_init_dt() finds the real one; arch
 * code sets it up first thing, if it has one. Its irq_ack and rx_irq
 * are never called. */
void console_set_early(const struct console_ops *ops, void *priv);

/* A UART driver's probe found the stdout-path device and set it up for
 * polled output, its interrupts off: make it the console. name is its
 * Linux-style name ("ttyS0", "ttyAMA0", "ttySIF0", "ttyPS0"). */
void console_register(const char *name, const struct console_ops *ops,
		      void *priv);

/* Find /chosen/stdout-path and probe its UART driver: output from here
 * on goes there. Called as soon as the device tree is read; without a
 * usable stdout-path the early console stays, or without one the first
 * enabled UART Kite drives becomes the console (both logged). */
void console_init_dt(const struct fdt *fdt);

/* Input: attach the console UART's interrupt (the interrupt controllers
 * are up by now) and enable reception, or poll every 10 ms when it has
 * none (logged). */
void console_start_input(const struct fdt *fdt);

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
