/*
 * Host stand-ins for the cache and DMA hooks of arch/arch.h that
 * drivers/dma.c calls: each cache operation is recorded with its range,
 * in order, so a test can ask what was cleaned or invalidated and when.
 * The architecture's answers (default coherence, line size, whether
 * uncached memory can be had) are settable.
 */
#ifndef KITE_FAKE_CACHE_H
#define KITE_FAKE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fake_cache_op { FAKE_CLEAN, FAKE_INVAL, FAKE_FLUSH, FAKE_UNCACHED };

struct fake_cache_rec {
	enum fake_cache_op op;
	uintptr_t start;
	size_t len;
};

#define FAKE_CACHE_MAX 64

extern struct fake_cache_rec fake_cache_log[FAKE_CACHE_MAX];
extern int fake_cache_n;		/* records in fake_cache_log */

extern bool fake_default_coherent;	/* arch_dma_default_coherent() */
extern unsigned fake_line_size;		/* arch_dcache_line_size() */
extern int fake_uncached_result;	/* arch_dma_set_uncached() */

/* Empty log; arm64-like: non-coherent by default, 64-byte lines,
 * uncached memory available. */
void fake_cache_reset(void);

#endif
