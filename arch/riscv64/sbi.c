#include "arch/riscv64/sbi.h"

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

void sbi_system_reset(unsigned type)
{
	if (sbi_has_extension(SBI_EXT_SRST))
		sbi_call(SBI_EXT_SRST, 0, type, 0, 0);
	if (type == 0)
		sbi_call(0x08, 0, 0, 0, 0);	/* legacy shutdown */
}
