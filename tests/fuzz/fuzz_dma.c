/*
 * Fuzz target: drivers/dma.c's reading of the device tree
 * (dma_dev_init_fdt(), dma_dev_init_fdt_bus()) over arbitrary blobs, as
 * every driver's probe does for its node. The input is the blob.
 *
 * Every node of a blob fdt_init() accepts is offered as a device (and as
 * a PCI host bridge); the arch's default coherence comes from the
 * input's length so both defaults are reached. Besides what ASan and
 * UBSan catch (the cell counts and lengths of dma-ranges are the blob's
 * to choose), the contract is checked: refusal is -EINVAL, and a device
 * accepted with a window maps the first and last byte of it to the
 * window's bus ends and refuses the bytes just outside.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "drivers/dma.h"
#include "kernel/fdt.h"
#include "tests/unit/fake_cache.h"

#define FUZZ_CHECK(cond)                                                \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz: invariant broken: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);             \
			abort();                                        \
		}                                                       \
	} while (0)

/* Nodes tried per input: a blob of thousands of empty nodes would only
 * slow the fuzzer down. */
#define FUZZ_DMA_NODES 256

static dma_addr_t map1(struct dma_dev *d, uint64_t cpu)
{
	dma_addr_t bus = dma_map(d, (void *)(uintptr_t)cpu, 1, DMA_TO_DEVICE);

	fake_cache_n = 0;	/* the recorder's log stays short */
	return bus;
}

static void check_dev(struct dma_dev *d)
{
	if (d->size == 0)
		return;
	uint64_t last = d->cpu_base + d->size - 1;

	FUZZ_CHECK(last >= d->cpu_base);
	FUZZ_CHECK(d->bus_base + d->size - 1 >= d->bus_base);
	FUZZ_CHECK(map1(d, d->cpu_base) == d->bus_base);
	FUZZ_CHECK(map1(d, last) == d->bus_base + d->size - 1);
	if (last != UINT64_MAX)
		FUZZ_CHECK(map1(d, last + 1) == DMA_MAPPING_ERROR);
	if (d->cpu_base)
		FUZZ_CHECK(map1(d, d->cpu_base - 1) == DMA_MAPPING_ERROR);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdt fdt;
	int n = 0;

	if (fdt_init(&fdt, data, size) != 0)
		return 0;
	fake_cache_reset();
	fake_default_coherent = size & 1;
	for (int node = fdt_next_node(&fdt, -1);
	     node >= 0 && n < FUZZ_DMA_NODES;
	     node = fdt_next_node(&fdt, node), n++) {
		struct dma_dev d;
		int err = dma_dev_init_fdt(&d, &fdt, node, "fuzz");

		FUZZ_CHECK(err == 0 || err == -EINVAL);
		if (err == 0)
			check_dev(&d);
		err = dma_dev_init_fdt_bus(&d, &fdt, node, "fuzz");
		FUZZ_CHECK(err == 0 || err == -EINVAL);
		if (err == 0)
			check_dev(&d);
	}
	return 0;
}
