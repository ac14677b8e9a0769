/*
 * System-wide figures behind /proc/meminfo, /proc/uptime, /proc/loadavg
 * and the uptime, free and ps commands.
 */
#ifndef KITE_SYSINFO_H
#define KITE_SYSINFO_H

#include <stdint.h>

/* Register the system /proc files and start the load-average sampler. */
void sysinfo_init(void);

/* Load averages over 1, 5 and 15 minutes, in hundredths. */
void sysinfo_loadavg(unsigned out[3]);

struct meminfo {
	uint64_t total_kb, free_kb, used_kb, available_kb;
};
void sysinfo_meminfo(struct meminfo *m);

/* CPU time of the idle thread, microseconds. */
uint64_t sysinfo_idle_us(void);

#endif
