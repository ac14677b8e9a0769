#include "arch/riscv64/sbi.h"
#include "kernel/console.h"

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a6 __asm__("a6") = fid;
	register long r_a7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a6), "r"(r_a7)
			 : "memory");
	return (struct sbiret){ r_a0, r_a1 };
}

bool sbi_has_extension(long ext)
{
	/* Base extension, probe_extension (FID 3): non-zero if present. */
	struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0, 0);
	return r.error == 0 && r.value != 0;
}

void sbi_set_timer(uint64_t stime)
{
	/* Also clears a pending supervisor timer interrupt (SBI 6.1). */
	sbi_call(SBI_EXT_TIME, 0, (long)stime, 0, 0);
}

/* With SRST, the firmware's refusal is final: its legacy shutdown would
 * reach the same missing device and, in OpenSBI, hang the hart where
 * SRST returns an error (QEMU's sifive_u has no power-off device). */
void sbi_system_reset(unsigned type)
{
	if (sbi_has_extension(SBI_EXT_SRST))
		sbi_call(SBI_EXT_SRST, 0, type, 0, 0);
	else if (type == 0)
		sbi_call(0x08, 0, 0, 0, 0);	/* legacy shutdown */
}

/* --- the firmware's console ---------------------------------------------- */

static bool sbi_dbcn;

/* DBCN write_byte (FID 2), or the legacy putchar. */
static void sbi_console_putc(void *priv, char c)
{
	if (sbi_dbcn)
		sbi_call(SBI_EXT_DBCN, 2, (unsigned char)c, 0, 0);
	else
		sbi_call(SBI_EXT_0_1_PUTCHAR, 0, (unsigned char)c, 0, 0);
}

/* The legacy getchar returns the byte, or -1, in a0. (DBCN's read
 * wants a buffer by physical address; the legacy call is simpler and
 * every firmware with DBCN still has it.) */
static int sbi_console_getc(void *priv)
{
	long c = sbi_call(SBI_EXT_0_1_GETCHAR, 0, 0, 0, 0).error;
	return c < 0 ? -1 : (int)(c & 0xff);
}

static void sbi_console_rx_irq(void *priv, bool enable)
{
}

static bool sbi_console_irq_ack(void *priv)
{
	return false;
}

/* OpenSBI's console sends "\r\n" for "\n" (sbi_putc()). */
static const struct console_ops sbi_console_ops = {
	.putc = sbi_console_putc,
	.getc = sbi_console_getc,
	.rx_irq = sbi_console_rx_irq,
	.irq_ack = sbi_console_irq_ack,
	.adds_cr = true,
};

void sbi_console_init(void)
{
	sbi_dbcn = sbi_has_extension(SBI_EXT_DBCN);
	if (sbi_dbcn || sbi_has_extension(SBI_EXT_0_1_PUTCHAR))
		console_set_early(&sbi_console_ops, NULL);
}
