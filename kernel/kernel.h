/*
 * Kernel-wide services that do not belong to one subsystem.
 */
#ifndef KITE_KERNEL_H
#define KITE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

struct fdt;

/* The device tree the firmware passed, validated. */
const struct fdt *kernel_fdt(void);

/* /chosen/bootargs, kept for look-ups with kernel_cmdline_get(). */
void kernel_cmdline_init(const struct fdt *fdt);
const char *kernel_cmdline(void);
/* Value of "key=value" on the command line copied into buf, or NULL. */
const char *kernel_cmdline_get(const char *key, char *buf, size_t size);

/* Wall-clock time in microseconds since the epoch: the RTC read at boot
 * plus the monotonic clock since then (0-based if there is no RTC). */
uint64_t kernel_realtime_us(void);

/* Probe every device driver against the device tree (after the console,
 * interrupt controller and timer are up). */
void kernel_probe_devices(const struct fdt *fdt);

/* Build identification for the banner and /proc/version (version.c):
 * `git describe` of the tree built, and when it was compiled. */
extern const char kite_version[];
extern const char kite_build_time[];

#endif
