/*
 * NS16550A UART (QEMU riscv64 virt at 0x10000000; most RISC-V boards).
 * Output is polled on THRE; input raises the "received data available"
 * interrupt. Baud rate and line settings are left as the firmware set
 * them (QEMU ignores them; boards' firmware configures the console).
 */
#include <errno.h>

#include "arch/arch.h"
#include "arch/mmio.h"
#include "drivers/uart.h"
#include "kernel/console.h"
#include "kernel/fdt.h"
#include "kernel/printk.h"

#define RBR	0	/* receive buffer (read) */
#define THR	0	/* transmit holding (write) */
#define IER	1	/* interrupt enable */
#define IIR	2	/* interrupt identification (read) */
#define LSR	5	/* line status */

#define IER_RDA		0x01	/* received data available */
#define IIR_NO_INT	0x01	/* no interrupt pending */
#define LSR_DR		0x01	/* data ready */
#define LSR_THRE	0x20	/* transmit holding register empty */

struct ns16550 {
	uintptr_t base;
	unsigned shift;		/* reg-shift: registers are 1 << shift apart */
	unsigned width;		/* reg-io-width: 1 or 4 bytes */
};

static struct ns16550 uart0;

static uint8_t reg_read(struct ns16550 *u, unsigned reg)
{
	uintptr_t a = u->base + (reg << u->shift);
	return u->width == 4 ? (uint8_t)readl(a) : readb(a);
}

static void reg_write(struct ns16550 *u, unsigned reg, uint8_t v)
{
	uintptr_t a = u->base + (reg << u->shift);
	if (u->width == 4)
		writel(v, a);
	else
		writeb(v, a);
}

static void ns16550_putc(void *priv, char c)
{
	struct ns16550 *u = priv;

	while (!(reg_read(u, LSR) & LSR_THRE))
		;
	reg_write(u, THR, (uint8_t)c);
}

static int ns16550_getc(void *priv)
{
	struct ns16550 *u = priv;

	if (!(reg_read(u, LSR) & LSR_DR))
		return -1;
	return reg_read(u, RBR);
}

static void ns16550_rx_irq(void *priv, bool enable)
{
	reg_write(priv, IER, enable ? IER_RDA : 0);
}

/* Reading IIR tells whether this UART raised the line; the RDA cause
 * itself clears when the data is read (console drains RBR next). */
static bool ns16550_irq_ack(void *priv)
{
	return !(reg_read(priv, IIR) & IIR_NO_INT);
}

static const struct console_ops ns16550_ops = {
	.putc = ns16550_putc,
	.getc = ns16550_getc,
	.rx_irq = ns16550_rx_irq,
	.irq_ack = ns16550_irq_ack,
};

static int ns16550_probe(const struct fdt *fdt, int node)
{
	uint64_t base, size;
	uint32_t v;

	if (fdt_reg(fdt, node, 0, &base, &size) < 0)
		return -EINVAL;
	struct ns16550 u = { .base = (uintptr_t)base, .width = 1 };
	if (fdt_getprop_u32(fdt, node, "reg-shift", &v) == 0)
		u.shift = v;
	if (fdt_getprop_u32(fdt, node, "reg-io-width", &v) == 0)
		u.width = v;

	unsigned long flags = arch_irq_save();
	uart0 = u;
	reg_write(&uart0, IER, 0);
	arch_irq_restore(flags);
	console_register("ttyS0", &ns16550_ops, &uart0);
	kprintf("uart: ns16550a at 0x%llx, console ttyS0\n",
		(unsigned long long)base);
	return 0;
}

const struct uart_driver ns16550_driver = { "ns16550a", ns16550_probe };
