/*
 * The console (console.h): polled output, interrupt-driven input through
 * a ring buffer that the UART's interrupt handler fills.
 */
#include <errno.h>
#include <string.h>

#include "drivers/uart.h"
#include "kernel/console.h"
#include "kernel/fdt.h"
#include "kernel/irq.h"
#include "kernel/param.h"
#include "kernel/printk.h"
#include "kernel/thread.h"
#include "kernel/wait.h"


static const struct console_ops *ops;
static void *ops_priv;
static const char *console_name = "early";
static int console_node = -1;	/* the stdout-path node, once probed */

/* What is written before there is any console, for the first one. */
static char held[CONSOLE_HELD_MAX];
static size_t held_len;
static bool held_overflow;

static char rx_ring[CONSOLE_RX_RING];
static unsigned rx_head, rx_tail;	/* free-running; head - tail = used */
static bool rx_throttled;	/* ring full: receive interrupt held off */
static struct wait_queue rx_wait = WAIT_QUEUE_INIT(rx_wait);
static bool rx_polled;

static void write_out(const char *s, size_t n)
{
	static char last;

	for (size_t i = 0; i < n; i++) {
		/* Terminals want CR LF; add the CR unless it is there. */
		if (s[i] == '\n' && last != '\r' && !ops->adds_cr)
			ops->putc(ops_priv, '\r');
		ops->putc(ops_priv, s[i]);
		last = s[i];
	}
}

/* Make o the console and give it what was held; interrupts masked. */
static void set_ops(const struct console_ops *o, void *priv)
{
	bool first = !ops;

	ops = o;
	ops_priv = priv;
	if (first && held_len) {
		write_out(held, held_len);
		if (held_overflow) {
			static const char msg[] =
				"console: early messages beyond 4 KiB were lost\n";
			write_out(msg, sizeof(msg) - 1);
		}
	}
}

void console_set_early(const struct console_ops *o, void *priv)
{
	unsigned long flags = arch_irq_save();
	set_ops(o, priv);
	arch_irq_restore(flags);
}

void console_write(const char *s, size_t n)
{
	unsigned long flags = arch_irq_save();
	if (ops) {
		write_out(s, n);
	} else {
		size_t room = CONSOLE_HELD_MAX - held_len;
		if (n > room) {
			held_overflow = true;
			n = room;
		}
		memcpy(held + held_len, s, n);
		held_len += n;
	}
	arch_irq_restore(flags);
}

/* Move what the UART holds into the ring; interrupts masked. When the
 * ring is full, leave the rest in the UART and hold off its receive
 * interrupt: the UART (and QEMU behind it) then hold the input back
 * instead of it being lost. The reader lifts the hold. */
static int drain_uart(void)
{
	int c, n = 0;

	if (!ops)
		return 0;	/* no console at all: nothing to read */
	while (rx_head - rx_tail < CONSOLE_RX_RING) {
		if ((c = ops->getc(ops_priv)) < 0)
			return n;
		rx_ring[rx_head++ % CONSOLE_RX_RING] = (char)c;
		n++;
	}
	if (!rx_polled && !rx_throttled) {
		ops->rx_irq(ops_priv, false);
		rx_throttled = true;
	}
	return n;
}

static enum irqreturn console_irq(void *priv)
{
	(void)priv;
	if (!ops->irq_ack(ops_priv))
		return IRQ_NONE;
	if (drain_uart())
		wake_up_all(&rx_wait);
	return IRQ_HANDLED;
}

void console_register(const char *name, const struct console_ops *o,
		      void *priv)
{
	unsigned long flags = arch_irq_save();
	set_ops(o, priv);
	console_name = name;
	arch_irq_restore(flags);
}

void console_start_input(const struct fdt *fdt)
{
	int virq = console_node >= 0 ? irq_of_get(fdt, console_node, 0) : -1;

	if (virq > 0 &&
	    irq_register_shared(virq, console_name, console_irq, NULL) == 0) {
		ops->rx_irq(ops_priv, true);
		return;
	}
	rx_polled = true;
	kprintf("console: %s has no usable interrupt, polling input every %d ms\n",
		console_name, CONSOLE_RX_POLL_US / 1000);
}

/* Probe the driver of a UART node; 0 if it is now the console. */
static int probe_uart(const struct fdt *fdt, int node)
{
	for (const struct uart_driver *const *d = uart_drivers; *d; d++)
		if (fdt_is_compatible(fdt, node, (*d)->compatible))
			return (*d)->probe(fdt, node);
	return -ENODEV;
}

void console_init_dt(const struct fdt *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *path = chosen >= 0 ?
		fdt_getprop_str(fdt, chosen, "stdout-path") : NULL;
	char buf[128];
	int node = -1;

	if (path) {
		/* "serial0:115200n8" or "/pl011@9000000": drop the options,
		 * resolve an alias through /aliases. */
		size_t n = strcspn(path, ":");
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, path, n);
		buf[n] = '\0';
		if (buf[0] != '/') {
			int aliases = fdt_path_offset(fdt, "/aliases");
			const char *p = aliases >= 0 ?
				fdt_getprop_str(fdt, aliases, buf) : NULL;
			node = p ? fdt_path_offset(fdt, p) : -1;
		} else {
			node = fdt_path_offset(fdt, buf);
		}
	}
	if (node >= 0 && probe_uart(fdt, node) == 0) {
		console_node = node;
		return;
	}
	path = path ? path : "(none)";
	if (ops) {
		kprintf("console: no usable driver for stdout-path %s; staying on the early console\n",
			path);
		return;
	}
	/* No console at all (aarch64 has no firmware console to stay
	 * on): rather than run mute, the first enabled UART in document
	 * order that Kite has a driver for, said so in the log. The
	 * messages held so far come out there. */
	for (node = fdt_next_node(fdt, -1); node >= 0;
	     node = fdt_next_node(fdt, node)) {
		if (fdt_is_enabled(fdt, node) && probe_uart(fdt, node) == 0) {
			console_node = node;
			kprintf("console: no usable driver for stdout-path %s; using the first enabled UART, %s\n",
				path, fdt_node_name(fdt, node));
			return;
		}
	}
	kprintf("console: no usable driver for stdout-path %s; no console\n",
		path);
}

static int ring_get(void)
{
	if (rx_head == rx_tail)
		return -1;
	int c = (unsigned char)rx_ring[rx_tail++ % CONSOLE_RX_RING];
	/* Half empty again: take input from the UART once more. */
	if (rx_throttled && rx_head - rx_tail <= CONSOLE_RX_RING / 2) {
		rx_throttled = false;
		ops->rx_irq(ops_priv, true);
	}
	return c;
}

int console_trygetc(void)
{
	unsigned long flags = arch_irq_save();
	if (rx_polled)
		drain_uart();
	int c = ring_get();
	arch_irq_restore(flags);
	return c;
}

bool console_take_ctrl_c(void)
{
	bool found = false;

	unsigned long flags = arch_irq_save();
	if (rx_polled)
		drain_uart();
	for (unsigned i = rx_tail; i != rx_head; i++)
		if (rx_ring[i % CONSOLE_RX_RING] == 0x03)
			found = true;
	if (found)
		while (ring_get() >= 0)
			;	/* flush, as a tty does on SIGINT */
	arch_irq_restore(flags);
	return found;
}

int console_getc(void)
{
	int c;

	unsigned long flags = arch_irq_save();
	for (;;) {
		if (rx_polled)
			drain_uart();
		if ((c = ring_get()) >= 0)
			break;
		uint64_t deadline = rx_polled ? clock_now_us() + CONSOLE_RX_POLL_US :
						WAIT_FOREVER;
		wait_queue_sleep(&rx_wait, deadline);
	}
	arch_irq_restore(flags);
	return c;
}
