/* Recording stand-ins for arch/arch.h's cache hooks; see fake_cache.h. */
#include <stdio.h>
#include <stdlib.h>

#include "arch/arch.h"
#include "fake_cache.h"

struct fake_cache_rec fake_cache_log[FAKE_CACHE_MAX];
int fake_cache_n;
bool fake_default_coherent;
unsigned fake_line_size;
int fake_uncached_result;

void fake_cache_reset(void)
{
	fake_cache_n = 0;
	fake_default_coherent = false;
	fake_line_size = 64;
	fake_uncached_result = 0;
}

static void record(enum fake_cache_op op, uintptr_t start, size_t len)
{
	if (fake_cache_n == FAKE_CACHE_MAX) {
		/* A test that overflows the log is broken: say so loudly. */
		fprintf(stderr, "fake_cache: log full\n");
		abort();
	}
	fake_cache_log[fake_cache_n++] =
		(struct fake_cache_rec){ op, start, len };
}

bool arch_dma_default_coherent(void)
{
	return fake_default_coherent;
}

unsigned arch_dcache_line_size(void)
{
	return fake_line_size;
}

void arch_dcache_clean(uintptr_t start, size_t len)
{
	record(FAKE_CLEAN, start, len);
}

void arch_dcache_inval(uintptr_t start, size_t len)
{
	record(FAKE_INVAL, start, len);
}

void arch_dcache_flush(uintptr_t start, size_t len)
{
	record(FAKE_FLUSH, start, len);
}

int arch_dma_set_uncached(uintptr_t start, size_t len)
{
	if (fake_uncached_result == 0)
		record(FAKE_UNCACHED, start, len);
	return fake_uncached_result;
}
