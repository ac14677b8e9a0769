/*
 * DMA mapping: how a driver gives a device memory to read or write.
 *
 * Two kinds of memory, as in Linux's DMA API
 * (Documentation/core-api/dma-api-howto.rst):
 *
 *  - coherent allocations (descriptor rings, virtqueues): the CPU and
 *    the device both see every write without further ado, for as long
 *    as the allocation lives;
 *  - streaming mappings (frame buffers): the memory belongs to the
 *    device between dma_map()/dma_sync_for_device() and
 *    dma_unmap()/dma_sync_for_cpu(), and to the CPU otherwise.
 *
 * Every address a driver writes into a device register or descriptor is
 * a bus address (dma_addr_t) obtained here, never a CPU pointer cast to
 * an integer: a bus may see memory at another address (dma-ranges) and
 * a device that does not snoop the CPU's caches needs them cleaned
 * before it reads and invalidated before the CPU reads what it wrote.
 *
 * Who calls: drivers, from their probe and from the net-poll thread.
 * Not locked; a struct dma_dev is its driver's. dma_alloc_coherent()
 * and dma_free_coherent() share the uncached pools of all devices: call
 * them from probe (the init thread) only.
 *
 * Buffers a driver maps should not share a cache line with other data
 * the CPU writes while the device owns them (start them on a page, or
 * at least on arch_dcache_line_size()): dma.c cleans and invalidates a
 * partly covered line rather than discarding the CPU's half, but what
 * the CPU writes into that line meanwhile and the device's data there
 * cannot both survive.
 */
#ifndef KITE_DMA_H
#define KITE_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fdt;

typedef uint64_t dma_addr_t;

/* What dma_map() returns when the buffer is not reachable by the
 * device (outside its dma-ranges window). */
#define DMA_MAPPING_ERROR	(~(dma_addr_t)0)

enum dma_dir {
	DMA_TO_DEVICE = 1,	/* the device reads: clean before */
	DMA_FROM_DEVICE = 2,	/* the device writes: invalidate */
	DMA_BIDIRECTIONAL = 3,	/* both */
};

/* A device's view of memory. */
struct dma_dev {
	const char *name;	/* for log lines: "ethernet@10090000" */
	bool coherent;		/* the device snoops the CPU's caches */
	/* One window of CPU addresses [cpu_base, cpu_base + size) that the
	 * device sees at bus_base; size 0 means one to one, everywhere. */
	uint64_t cpu_base, bus_base, size;
};

/* Fill *d for the device tree node `node`: coherent or not from
 * `dma-coherent` / `dma-noncoherent` on it or an ancestor and the
 * architecture's default, the window from the nearest ancestor's
 * `dma-ranges` (drivers/dma.c has the rules, Linux's). 0, or -EINVAL
 * with a log line when the tree says something Kite cannot honour: more
 * than one window, a window that does not translate to CPU addresses, a
 * non-coherent device on a CPU without cache maintenance (RISC-V without
 * Zicbom). The driver then refuses the device. Logs a line when the
 * device is not coherent or has a window; nothing otherwise. */
int dma_dev_init_fdt(struct dma_dev *d, const struct fdt *fdt, int node,
		     const char *name);
/* The same for a device on the bus `bus` has no node of its own: a PCI
 * function behind the host bridge node `bus`, whose own `dma-ranges`
 * and `dma-coherent` apply. */
int dma_dev_init_fdt_bus(struct dma_dev *d, const struct fdt *fdt, int bus,
			 const char *name);

/* A device that sees memory one to one and snoops caches: PCI and
 * virtio-mmio on QEMU's virt machine. */
void dma_dev_init_coherent(struct dma_dev *d, const char *name);

/* Zeroed memory shared with the device for its whole life, aligned to
 * `align` (a power of two) and never sharing a cache line with anything
 * else. For a non-coherent device it is uncached memory (aarch64:
 * Normal Non-cacheable pages from a 2 MiB pool). NULL when out of
 * memory, when the CPU cannot have uncached memory (RISC-V, which
 * Kite runs without paging) or when the memory is outside the device's
 * window; the last two with a log line. *bus gets the device's
 * address. */
void *dma_alloc_coherent(struct dma_dev *d, size_t size, size_t align,
			 dma_addr_t *bus);
void dma_free_coherent(struct dma_dev *d, void *cpu, size_t size);

/* Hand [cpu, cpu + len) to the device: its bus address, or
 * DMA_MAPPING_ERROR. Caches are cleaned (TO_DEVICE) or invalidated
 * (FROM_DEVICE) as the direction needs. */
dma_addr_t dma_map(struct dma_dev *d, void *cpu, size_t len,
		   enum dma_dir dir);
/* Take it back: what the device wrote is visible to the CPU after. */
void dma_unmap(struct dma_dev *d, dma_addr_t bus, size_t len,
	       enum dma_dir dir);

/* For buffers mapped once and reused (receive rings): give the CPU a
 * look at what the device wrote, then give the buffer back. */
void dma_sync_for_cpu(struct dma_dev *d, dma_addr_t bus, size_t len,
		      enum dma_dir dir);
void dma_sync_for_device(struct dma_dev *d, dma_addr_t bus, size_t len,
			 enum dma_dir dir);

#endif
