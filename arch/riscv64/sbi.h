/* Calls into the SBI firmware (RISC-V SBI specification v1.0). */
#ifndef KITE_RISCV_SBI_H
#define KITE_RISCV_SBI_H

#include <stdbool.h>
#include <stdint.h>

struct sbiret {
	long error;
	long value;
};

#define SBI_EXT_BASE	0x10
#define SBI_EXT_TIME	0x54494d45	/* "TIME" */
#define SBI_EXT_SRST	0x53525354	/* "SRST" */
#define SBI_EXT_DBCN	0x4442434e	/* "DBCN", debug console (SBI 2.0) */
#define SBI_EXT_0_1_PUTCHAR 0x01	/* legacy console_putchar */
#define SBI_EXT_0_1_GETCHAR 0x02	/* legacy console_getchar */

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2);
bool sbi_has_extension(long ext);
void sbi_set_timer(uint64_t stime);
/* System reset: type 0 shutdown, 1 cold reboot. Returns only on failure. */
void sbi_system_reset(unsigned type);
/* Make the firmware's console Kite's early console (console_set_early):
 * the debug console extension if the firmware has it, else the legacy
 * putchar/getchar calls; nothing if it has neither. */
void sbi_console_init(void);

#endif
