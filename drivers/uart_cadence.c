/*
 * Cadence UART ("cdns,uart-r1p12", "xlnx,xuartps"): the console of the
 * Zynq-7000 and the Zynq UltraScale+ MPSoC (ZCU102: serial@ff000000,
 * "ttyPS0" as Linux's xilinx_uartps names it). Registers and bits from
 * the Zynq UltraScale+ TRM (UG1085), its UART Controller chapter, and
 * the register reference (UG1087, module UART); QEMU models the same in
 * hw/char/cadence_uart.c.
 *
 * Output is polled on the channel status register's TXFULL. Input raises
 * the receive FIFO trigger interrupt (RXWM set to 1: any byte) and the
 * receiver timeout interrupt. The interrupt status register latches
 * events and is cleared by writing ones. The baud rate generator is left
 * as it is: on a board the boot loader set it for the console; QEMU
 * ignores it. Only the transmitter and receiver enables are touched,
 * because QEMU's reset value (and a bare board after reset) has both
 * disabled (CR = 0x128: RX_DIS, TX_DIS, STOPBRK).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "arch/mmio.h"
#include "drivers/uart.h"
#include "kernel/console.h"
#include "kernel/fdt.h"
#include "kernel/printk.h"

#define CR		0x00	/* control */
#define IER		0x08	/* interrupt enable: write 1 to enable */
#define IDR		0x0c	/* interrupt disable: write 1 to disable */
#define IMR		0x10	/* interrupt mask: 1 = enabled (read-only) */
#define ISR		0x14	/* interrupt status: write 1 to clear */
#define RXTOUT		0x1c	/* receiver timeout, in 4-bit-period units */
#define RXWM		0x20	/* receive FIFO trigger level */
#define SR		0x2c	/* channel status */
#define FIFO		0x30	/* transmit and receive FIFO */

#define CR_RXRST	(1u << 0)	/* receive FIFO reset, self-clearing */
#define CR_TXRST	(1u << 1)
#define CR_RX_EN	(1u << 2)
#define CR_RX_DIS	(1u << 3)	/* wins over RX_EN when both are set */
#define CR_TX_EN	(1u << 4)
#define CR_TX_DIS	(1u << 5)
#define CR_RSTTO	(1u << 6)	/* restart the receiver timeout */

#define SR_RXEMPTY	(1u << 1)
#define SR_TXFULL	(1u << 4)

/* ISR/IER/IDR/IMR share one layout. */
#define INT_RTRIG	(1u << 0)	/* receive FIFO reached RXWM */
#define INT_ROVR	(1u << 5)	/* receive overflow */
#define INT_FRAME	(1u << 6)	/* framing error */
#define INT_PARE	(1u << 7)	/* parity error */
#define INT_TIMEOUT	(1u << 8)	/* receiver timeout */
#define INT_ALL		0x1fffu		/* RTRIG (bit 0) to TOVR (bit 12) */
#define INT_RX		(INT_RTRIG | INT_TIMEOUT)

/* A byte in the FIFO raises RTRIG at once; a timeout of 10 x 4 bit
 * periods (the value Linux's xilinx_uartps programs) covers anything
 * RTRIG would leave behind. */
#define RXWM_ONE	1
#define RXTOUT_40_BITS	10

static uintptr_t uart_base;

static uint32_t cdns_read(uint32_t reg)
{
	return readl(uart_base + reg);
}

static void cdns_write(uint32_t reg, uint32_t val)
{
	writel(val, uart_base + reg);
}

static void cdns_putc(void *priv, char c)
{
	(void)priv;
	while (cdns_read(SR) & SR_TXFULL)
		;
	cdns_write(FIFO, (uint8_t)c);
}

static int cdns_getc(void *priv)
{
	(void)priv;
	if (cdns_read(SR) & SR_RXEMPTY)
		return -1;
	return (int)(cdns_read(FIFO) & 0xff);
}

static void cdns_rx_irq(void *priv, bool enable)
{
	(void)priv;
	cdns_write(enable ? IER : IDR, INT_RX);
}

/*
 * The enabled events that are latched, cleared by writing them back, as
 * Linux's cdns_uart_isr does. QEMU sets RTRIG again at once while the
 * FIFO still holds a byte, so a burst of input costs one more interrupt
 * (RTRIG latched while the console drained the FIFO), which finds it
 * empty.
 */
static bool cdns_irq_ack(void *priv)
{
	(void)priv;
	uint32_t isr = cdns_read(ISR) & cdns_read(IMR);

	if (isr)
		cdns_write(ISR, isr);
	return isr != 0;
}

static const struct console_ops cdns_ops = {
	.putc = cdns_putc,
	.getc = cdns_getc,
	.rx_irq = cdns_rx_irq,
	.irq_ack = cdns_irq_ack,
};

/* The stdout-path UART: polled output now, its interrupts off and
 * cleared; console_start_input() enables reception's interrupts. */
static int cdns_probe(const struct fdt *fdt, int node)
{
	uint64_t base;

	if (fdt_reg(fdt, node, 0, &base, NULL) < 0)
		return -EINVAL;
	unsigned long flags = arch_irq_save();
	uart_base = (uintptr_t)base;
	cdns_write(IDR, INT_ALL);
	cdns_write(ISR, INT_ALL);
	cdns_write(RXWM, RXWM_ONE);
	cdns_write(RXTOUT, RXTOUT_40_BITS);
	/* Both directions on, the timeout started; the other CR bits (the
	 * break control) as they were. The FIFOs are not reset: they may
	 * still hold the boot loader's last line. */
	uint32_t cr = cdns_read(CR) & ~(CR_RX_DIS | CR_TX_DIS | CR_RXRST |
					CR_TXRST);
	cdns_write(CR, cr | CR_RX_EN | CR_TX_EN | CR_RSTTO);
	arch_irq_restore(flags);
	console_register("ttyPS0", &cdns_ops, NULL);
	kprintf("uart: cdns,uart-r1p12 at 0x%llx, console ttyPS0\n",
		(unsigned long long)base);
	return 0;
}

const struct uart_driver cadence_uart_driver = { "cdns,uart-r1p12", cdns_probe };
const struct uart_driver xuartps_driver = { "xlnx,xuartps", cdns_probe };
