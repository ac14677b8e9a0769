/*
 * DMA mapping (drivers/dma.h). This first version knows only devices
 * that see memory one to one and snoop the CPU's caches, which is all
 * QEMU's virt machine has: bus address == CPU address, no cache
 * maintenance. dma-ranges and non-coherent devices come next.
 */
#include <malloc.h>
#include <string.h>

#include "drivers/dma.h"

int dma_dev_init_fdt(struct dma_dev *d, const struct fdt *fdt, int node,
		     const char *name)
{
	(void)fdt;
	(void)node;
	dma_dev_init_coherent(d, name);
	return 0;
}

void dma_dev_init_coherent(struct dma_dev *d, const char *name)
{
	*d = (struct dma_dev){ .name = name, .coherent = true };
}

void *dma_alloc_coherent(struct dma_dev *d, size_t size, size_t align,
			 dma_addr_t *bus)
{
	void *p;

	if (align < 64)
		align = 64;	/* a cache line of its own */
	p = memalign(align, (size + 63) & ~(size_t)63);
	if (!p)
		return NULL;
	memset(p, 0, size);
	*bus = (dma_addr_t)(uintptr_t)p;
	(void)d;
	return p;
}

void dma_free_coherent(struct dma_dev *d, void *cpu, size_t size)
{
	(void)d;
	(void)size;
	free(cpu);
}

dma_addr_t dma_map(struct dma_dev *d, void *cpu, size_t len,
		   enum dma_dir dir)
{
	(void)d;
	(void)len;
	(void)dir;
	return (dma_addr_t)(uintptr_t)cpu;
}

void dma_unmap(struct dma_dev *d, dma_addr_t bus, size_t len,
	       enum dma_dir dir)
{
	(void)d;
	(void)bus;
	(void)len;
	(void)dir;
}

void dma_sync_for_cpu(struct dma_dev *d, dma_addr_t bus, size_t len,
		      enum dma_dir dir)
{
	(void)d;
	(void)bus;
	(void)len;
	(void)dir;
}

void dma_sync_for_device(struct dma_dev *d, dma_addr_t bus, size_t len,
			 enum dma_dir dir)
{
	(void)d;
	(void)bus;
	(void)len;
	(void)dir;
}
