#ifndef KITE_RISCV_TRAP_H
#define KITE_RISCV_TRAP_H

#include <stdint.h>

struct fdt;

/* Saved by trap.S on the interrupted thread's stack. x[0] holds nothing
 * (x0 is zero); x[2] is the sp at the time of the trap. */
struct trap_frame {
	uint64_t x[32];
	uint64_t sepc;
	uint64_t sstatus;
	uint64_t scause;
	uint64_t stval;
};

#define TRAP_FRAME_SIZE 288

void riscv_trap(struct trap_frame *tf);

/* Set by start.S: the hart OpenSBI booted us on. */
extern unsigned long riscv_boot_hartid;

/* Execute a CSR access that may not exist: returns false if it trapped
 * as an illegal instruction (used to probe Sstc). */
extern volatile int riscv_probing;
extern volatile int riscv_probe_faulted;

void plic_init(const struct fdt *fdt, uint32_t hart_intc_phandle);
void plic_handle_irq(void);
void riscv_timer_init(const struct fdt *fdt, int cpu_node);
/* cache.c: Zicbom and its block size from the boot hart's cpu node. */
void riscv_cache_init(const struct fdt *fdt, int cpu_node);

#endif
