/*
 * SiFive UART (sifive,uart0: the FU540 of the HiFive Unleashed, and the
 * FU740), from the FU540-C000 manual's UART chapter. A transmit and a
 * receive FIFO behind one register each; bit 31 says "full" on transmit
 * and "empty" on receive. Output is polled; input raises the receive
 * watermark interrupt, pending while the receive FIFO holds more than
 * rxctrl.rxcnt (0 here: any byte) and cleared by reading it empty.
 * Baud rate (div) is left as the firmware set it.
 */
#include <errno.h>

#include "arch/arch.h"
#include "arch/mmio.h"
#include "drivers/uart.h"
#include "kernel/console.h"
#include "kernel/fdt.h"
#include "kernel/printk.h"

#define TXDATA		0x00	/* [7:0] data; [31] FIFO full */
#define RXDATA		0x04	/* [7:0] data; [31] FIFO empty */
#define TXCTRL		0x08	/* [0] txen; [18:16] txcnt */
#define RXCTRL		0x0c	/* [0] rxen; [18:16] rxcnt */
#define IE		0x10	/* interrupt enable */
#define IP		0x14	/* interrupt pending (read-only) */

#define DATA_FLAG	(1u << 31)	/* TXDATA full, RXDATA empty */
#define CTRL_EN		(1u << 0)
#define CTRL_CNT_MASK	(7u << 16)
#define INT_RXWM	(1u << 1)	/* receive watermark */

static uintptr_t uart_base;

static void sifive_putc(void *priv, char c)
{
	while (readl(uart_base + TXDATA) & DATA_FLAG)
		;
	writel((uint8_t)c, uart_base + TXDATA);
}

static int sifive_getc(void *priv)
{
	uint32_t v = readl(uart_base + RXDATA);

	return (v & DATA_FLAG) ? -1 : (int)(v & 0xff);
}

static void sifive_rx_irq(void *priv, bool enable)
{
	writel(enable ? INT_RXWM : 0, uart_base + IE);
}

/* The watermark is level: pending while there is input. The console
 * drains the FIFO next, which clears it. */
static bool sifive_irq_ack(void *priv)
{
	return readl(uart_base + IP) & INT_RXWM;
}

static const struct console_ops sifive_ops = {
	.putc = sifive_putc,
	.getc = sifive_getc,
	.rx_irq = sifive_rx_irq,
	.irq_ack = sifive_irq_ack,
};

static int sifive_probe(const struct fdt *fdt, int node)
{
	uint64_t base;

	if (fdt_reg(fdt, node, 0, &base, NULL) < 0)
		return -EINVAL;
	unsigned long flags = arch_irq_save();
	uart_base = (uintptr_t)base;
	writel(0, uart_base + IE);
	/* Transmitter and receiver on; the receive watermark at 0. */
	writel(readl(uart_base + TXCTRL) | CTRL_EN, uart_base + TXCTRL);
	writel((readl(uart_base + RXCTRL) & ~CTRL_CNT_MASK) | CTRL_EN,
	       uart_base + RXCTRL);
	arch_irq_restore(flags);
	console_register("ttySIF0", &sifive_ops, NULL);
	kprintf("uart: sifive,uart0 at 0x%llx, console ttySIF0\n",
		(unsigned long long)base);
	return 0;
}

const struct uart_driver sifive_uart_driver = { "sifive,uart0", sifive_probe };
