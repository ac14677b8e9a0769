/*
 * Arm PrimeCell UART (PL011), the console of QEMU's aarch64 virt
 * ("arm,pl011"). Register map and bits: PL011 Technical Reference
 * Manual (Arm DDI 0183), chapter 3, "Programmers Model".
 *
 * Output is polled on the transmit FIFO; input raises the receive and
 * receive-timeout interrupts (the timeout one fires when fewer bytes
 * than the FIFO trigger level have waited for 32 bit periods, so a
 * single typed key is not stuck in the FIFO). The line settings the
 * firmware chose are left alone: QEMU ignores them and on a board the
 * boot loader has set the baud rate already.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/mmio.h"
#include "drivers/uart.h"
#include "kernel/console.h"
#include "kernel/fdt.h"
#include "kernel/printk.h"

#define UARTDR		0x000	/* data */
#define UARTFR		0x018	/* flags */
#define UARTCR		0x030	/* control */
#define UARTIMSC	0x038	/* interrupt mask set/clear: 1 = enabled */
#define UARTMIS		0x040	/* masked interrupt status */
#define UARTICR		0x044	/* interrupt clear */

#define FR_RXFE		(1u << 4)	/* receive FIFO empty */
#define FR_TXFF		(1u << 5)	/* transmit FIFO full */
#define CR_UARTEN	(1u << 0)
#define CR_TXE		(1u << 8)
#define CR_RXE		(1u << 9)
#define INT_RX		(1u << 4)	/* receive */
#define INT_RT		(1u << 6)	/* receive timeout */
#define INT_ALL		0x7ffu

struct pl011 {
	uintptr_t base;
};

static struct pl011 uart0;	/* the device tree's stdout-path UART */

static uint32_t pl011_read(struct pl011 *u, uint32_t reg)
{
	return readl(u->base + reg);
}

static void pl011_write(struct pl011 *u, uint32_t reg, uint32_t val)
{
	writel(val, u->base + reg);
}

static void pl011_putc(void *priv, char c)
{
	struct pl011 *u = priv;

	while (pl011_read(u, UARTFR) & FR_TXFF)
		;
	pl011_write(u, UARTDR, (uint8_t)c);
}

/* UARTDR bits [11:8] flag overrun, break, parity and framing errors for
 * the byte in [7:0]; the byte is passed on regardless. */
static int pl011_getc(void *priv)
{
	struct pl011 *u = priv;

	if (pl011_read(u, UARTFR) & FR_RXFE)
		return -1;
	return (int)(pl011_read(u, UARTDR) & 0xff);
}

static void pl011_rx_irq(void *priv, bool enable)
{
	struct pl011 *u = priv;
	uint32_t imsc = pl011_read(u, UARTIMSC);

	if (enable)
		imsc |= INT_RX | INT_RT;
	else
		imsc &= ~(INT_RX | INT_RT);
	pl011_write(u, UARTIMSC, imsc);
}

/* UARTMIS shows the enabled interrupts that are raised; writing them to
 * UARTICR clears them. The receive interrupt also clears itself as the
 * FIFO is read below its trigger level. */
static bool pl011_irq_ack(void *priv)
{
	struct pl011 *u = priv;
	uint32_t mis = pl011_read(u, UARTMIS);

	if (mis)
		pl011_write(u, UARTICR, mis);
	return mis != 0;
}

static const struct console_ops pl011_ops = {
	.putc = pl011_putc,
	.getc = pl011_getc,
	.rx_irq = pl011_rx_irq,
	.irq_ack = pl011_irq_ack,
};

/* Make sure the transmitter runs; firmware normally left it so. */
static void pl011_enable(struct pl011 *u)
{
	uint32_t cr = pl011_read(u, UARTCR);
	uint32_t want = CR_UARTEN | CR_TXE | CR_RXE;

	if ((cr & want) != want)
		pl011_write(u, UARTCR, cr | want);
}

/* The stdout-path UART. Its interrupts start masked and cleared;
 * console_start_input() turns reception on through rx_irq once its
 * handler is in place. */
static int pl011_probe(const struct fdt *fdt, int node)
{
	struct pl011 *u = &uart0;
	uint64_t addr;

	if (fdt_reg(fdt, node, 0, &addr, NULL) < 0)
		return -EINVAL;
	u->base = (uintptr_t)addr;
	pl011_enable(u);
	pl011_write(u, UARTIMSC, 0);
	pl011_write(u, UARTICR, INT_ALL);
	console_register("ttyAMA0", &pl011_ops, u);
	kprintf("uart: pl011 at 0x%llx, console ttyAMA0\n",
		(unsigned long long)addr);
	return 0;
}

const struct uart_driver pl011_driver = { "arm,pl011", pl011_probe };
