/*
 * net/port.h on the host, for the stack tests: libc malloc, a seeded
 * deterministic random source (so a failing run repeats exactly), and
 * log lines kept in memory (tests assert on them; set
 * KITE_TEST_VERBOSE=1 to also print them).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/port.h"
#include "tests/net/port_host.h"

static uint64_t rng = 0x853c49e6748fea9bULL;
char port_host_last_log[256];
int port_host_log_count;
long port_host_allocs;		/* live allocations: a leak check */

void port_host_seed(uint64_t seed)
{
	rng = seed ? seed : 1;
}

void *net_alloc(size_t size)
{
	void *p = malloc(size);
	if (p)
		port_host_allocs++;
	return p;
}

void net_free(void *p)
{
	if (p)
		port_host_allocs--;
	free(p);
}

uint32_t net_random(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

void net_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(port_host_last_log, sizeof(port_host_last_log), fmt, ap);
	va_end(ap);
	port_host_log_count++;
	if (getenv("KITE_TEST_VERBOSE"))
		printf("    log: %s\n", port_host_last_log);
}
