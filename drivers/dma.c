/*
 * DMA mapping (drivers/dma.h): where a device sees memory and what the
 * caches must do for it, decided once per device from the device tree
 * and applied on every map, unmap and sync.
 *
 * Coherence follows Linux (drivers/of/address.c, of_dma_is_coherent()):
 * the nearest of the node and its ancestors that says `dma-coherent` or
 * `dma-noncoherent` decides; if none does, the architecture's default
 * (arch_dma_default_coherent()).
 *
 * The window follows Linux's of_dma_get_range() and
 * of_translate_dma_address(): from the device's bus upwards, the first
 * non-empty `dma-ranges` gives (child-bus address, parent-bus address,
 * size) triples in the cell counts of its node and of that node's
 * parent; an empty `dma-ranges;` on the way is one to one; once the walk
 * has left the device's own bus, a node without the property ends it
 * (no window: one to one). The parent-bus address is then translated up
 * to a CPU address through every ancestor's `dma-ranges` (missing or
 * empty: one to one). Kite keeps one window per device.
 *
 * Streaming maintenance is Linux's dma-direct on arm64
 * (arch/arm64/mm/cache.S, __dma_map_area / __dma_unmap_area):
 *
 *   map, sync_for_device   TO_DEVICE      clean
 *                          FROM_DEVICE    invalidate
 *                          BIDIRECTIONAL  clean + invalidate
 *   unmap, sync_for_cpu    TO_DEVICE      nothing
 *                          FROM_DEVICE,
 *                          BIDIRECTIONAL  invalidate again (the CPU may
 *                                         have fetched lines speculatively
 *                                         while the device owned them)
 *
 * An invalidation never discards a line the buffer only partly covers:
 * such a line also holds the CPU's data (a neighbouring variable), so it
 * is cleaned and invalidated instead.
 *
 * Coherent allocations for a non-coherent device come from uncached
 * memory: pools of ARCH_DMA_UNCACHED_GRANULE (2 MiB) carved from the
 * heap once, made uncached for good by the architecture
 * (arch_dma_set_uncached()) and handed out a page at a time. A pool is
 * never returned to the heap (it would have to be made cacheable again
 * and its lines dropped); freed pages are reused.
 */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "drivers/dma.h"
#include "kernel/fdt.h"
#include "kernel/printk.h"

/* The smallest line a coherent allocation is rounded to even where the
 * CPU has no cache maintenance (so no line size). */
#define DMA_MIN_ALIGN		64

/* --- device tree ---------------------------------------------------------- */

/* Coherent as of_dma_is_coherent() decides. */
static bool dma_fdt_coherent(const struct fdt *fdt, int node)
{
	for (; node >= 0; node = fdt_parent(fdt, node)) {
		if (fdt_getprop(fdt, node, "dma-coherent", NULL))
			return true;
		if (fdt_getprop(fdt, node, "dma-noncoherent", NULL))
			return false;
	}
	return arch_dma_default_coherent();
}

/* An address of `cells` cells (1 to 3; with 3, the first is PCI's
 * phys.hi flags cell and is skipped, as Linux's "pci" and
 * "default-flags" buses do) at cell index idx. */
static bool dma_read_addr(const void *prop, uint32_t len, uint32_t idx,
			  uint32_t cells, uint64_t *out)
{
	if (cells == 3) {
		idx++;
		cells = 2;
	}
	if (cells < 1 || cells > 2)
		return false;
	return fdt_read_cells(prop, len, idx, cells, out);
}

/*
 * Translate addr, an address in the space of bus's children, up to a
 * CPU address through bus's and each ancestor's dma-ranges
 * (of_translate_dma_address(): missing or empty is one to one; the
 * root's children's space is the CPU's). -EINVAL if a non-empty
 * dma-ranges on the way has no entry covering it.
 */
/* Cell counts a dma-ranges entry can have: addresses of 1 or 2 cells (3
 * with PCI's flags cell), sizes of 1 or 2. Anything else is refused
 * before it is multiplied: the blob is untrusted. */
static bool dma_cells_ok(uint32_t na, uint32_t pna, uint32_t ns)
{
	return na >= 1 && na <= 3 && pna >= 1 && pna <= 3 && ns >= 1 &&
	       ns <= 2;
}

static int dma_translate_up(const struct fdt *fdt, int bus, uint64_t addr,
			    uint64_t *cpu)
{
	for (;;) {
		int parent = fdt_parent(fdt, bus);
		if (parent < 0) {
			*cpu = addr;	/* the root's space is the CPU's */
			return 0;
		}
		uint32_t len = 0;
		const void *r = fdt_getprop(fdt, bus, "dma-ranges", &len);
		if (r && len) {
			uint32_t na = fdt_address_cells(fdt, bus);
			uint32_t pna = fdt_address_cells(fdt, parent);
			uint32_t ns = fdt_size_cells(fdt, bus);
			uint32_t one = na + pna + ns;
			bool found = false;

			if (!dma_cells_ok(na, pna, ns))
				return -EINVAL;
			for (uint32_t i = 0; (i + one) * 4 <= len; i += one) {
				uint64_t c, p, s;
				if (!dma_read_addr(r, len, i, na, &c) ||
				    !dma_read_addr(r, len, i + na, pna, &p) ||
				    !fdt_read_cells(r, len, i + na + pna, ns,
						    &s))
					return -EINVAL;
				if (addr >= c && addr - c < s) {
					addr = addr - c + p;
					found = true;
					break;
				}
			}
			if (!found)
				return -EINVAL;
		}
		bus = parent;
	}
}

/* The window of a device whose bus is `bus` (of_dma_get_range()). */
static int dma_fdt_window(struct dma_dev *d, const struct fdt *fdt, int bus)
{
	const void *r = NULL;
	uint32_t len = 0;
	bool left_first = false;

	for (; bus >= 0; bus = fdt_parent(fdt, bus)) {
		len = 0;
		r = fdt_getprop(fdt, bus, "dma-ranges", &len);
		if (r && len)
			break;
		if (left_first && !r)
			return 0;	/* the chain ends: one to one */
		left_first = true;
	}
	if (bus < 0 || !r || !len)
		return 0;

	int parent = fdt_parent(fdt, bus);
	if (parent < 0) {
		kprintf("dma: %s: dma-ranges on the root node\n", d->name);
		return -EINVAL;
	}
	uint32_t na = fdt_address_cells(fdt, bus);
	uint32_t pna = fdt_address_cells(fdt, parent);
	uint32_t ns = fdt_size_cells(fdt, bus);
	uint32_t one = na + pna + ns;
	uint64_t child, pbus, size, cpu;

	if (!dma_cells_ok(na, pna, ns) || len % (one * 4) ||
	    !dma_read_addr(r, len, 0, na, &child) ||
	    !dma_read_addr(r, len, na, pna, &pbus) ||
	    !fdt_read_cells(r, len, na + pna, ns, &size) || size == 0) {
		kprintf("dma: %s: malformed dma-ranges in %s\n", d->name,
			fdt_node_name(fdt, bus));
		return -EINVAL;
	}
	if (len / (one * 4) > 1) {
		kprintf("dma: %s: %s has %" PRIu32 " dma-ranges windows; "
			"Kite handles one\n", d->name, fdt_node_name(fdt, bus),
			len / (one * 4));
		return -EINVAL;
	}
	if (dma_translate_up(fdt, parent, pbus, &cpu) < 0) {
		kprintf("dma: %s: dma-ranges of %s do not translate to a CPU "
			"address\n", d->name, fdt_node_name(fdt, bus));
		return -EINVAL;
	}
	if (cpu + size - 1 < cpu || child + size - 1 < child) {
		kprintf("dma: %s: dma-ranges window wraps\n", d->name);
		return -EINVAL;
	}
	d->cpu_base = cpu;
	d->bus_base = child;
	d->size = size;
	return 0;
}

static int dma_dev_check(struct dma_dev *d)
{
	if (!d->coherent && arch_dcache_line_size() == 0) {
		kprintf("dma: %s: device is not cache-coherent and this CPU "
			"cannot clean or invalidate its caches (no Zicbom); "
			"refused\n", d->name);
		return -EINVAL;
	}
	return 0;
}

/* Coherence from `node` up, the window from `bus` up. */
static int dma_dev_init_tree(struct dma_dev *d, const struct fdt *fdt,
			     int node, int bus, const char *name)
{
	int err;

	*d = (struct dma_dev){ .name = name };
	d->coherent = dma_fdt_coherent(fdt, node);
	err = dma_fdt_window(d, fdt, bus);
	if (err)
		return err;
	err = dma_dev_check(d);
	if (err)
		return err;
	if (!d->coherent)
		kprintf("dma: %s: not cache-coherent, caches maintained by "
			"software\n", name);
	if (d->size)
		kprintf("dma: %s: bus window 0x%" PRIx64 "-0x%" PRIx64
			" -> cpu 0x%" PRIx64 "\n", name, d->bus_base,
			d->bus_base + d->size - 1, d->cpu_base);
	return 0;
}

/* A device's own node describes the device, not a bus: the window comes
 * from its parent up (of_dma_configure() with the device's node). */
int dma_dev_init_fdt(struct dma_dev *d, const struct fdt *fdt, int node,
		     const char *name)
{
	return dma_dev_init_tree(d, fdt, node, fdt_parent(fdt, node), name);
}

/* A PCI host bridge's node is the bus of the functions behind it: the
 * window starts at it (Linux: of_dma_configure() with the bridge's node
 * for every PCI device). */
int dma_dev_init_fdt_bus(struct dma_dev *d, const struct fdt *fdt, int bus,
			 const char *name)
{
	return dma_dev_init_tree(d, fdt, bus, bus, name);
}

void dma_dev_init_coherent(struct dma_dev *d, const char *name)
{
	*d = (struct dma_dev){ .name = name, .coherent = true };
}

/* --- addresses ------------------------------------------------------------ */

/* Bus address of [cpu, cpu + len), or DMA_MAPPING_ERROR outside the
 * window. */
static dma_addr_t dma_to_bus(const struct dma_dev *d, uintptr_t cpu,
			     size_t len)
{
	uint64_t a = cpu;

	if (len == 0 || a + len - 1 < a)
		return DMA_MAPPING_ERROR;
	if (d->size == 0)
		return a;
	if (a < d->cpu_base || a - d->cpu_base > d->size - 1 ||
	    len - 1 > d->size - 1 - (a - d->cpu_base))
		return DMA_MAPPING_ERROR;
	return a - d->cpu_base + d->bus_base;
}

/* The CPU address of a bus address dma_to_bus() gave. */
static uintptr_t dma_to_cpu(const struct dma_dev *d, dma_addr_t bus)
{
	if (d->size == 0)
		return (uintptr_t)bus;
	return (uintptr_t)(bus - d->bus_base + d->cpu_base);
}

/* --- cache maintenance ---------------------------------------------------- */

static void dma_clean(uintptr_t start, size_t len)
{
	uintptr_t line = arch_dcache_line_size();
	uintptr_t a = start & ~(line - 1);
	uintptr_t b = (start + len + line - 1) & ~(line - 1);

	arch_dcache_clean(a, b - a);
}

static void dma_flush(uintptr_t start, size_t len)
{
	uintptr_t line = arch_dcache_line_size();
	uintptr_t a = start & ~(line - 1);
	uintptr_t b = (start + len + line - 1) & ~(line - 1);

	arch_dcache_flush(a, b - a);
}

/* Invalidate the lines wholly inside the buffer; clean and invalidate
 * the one or two it shares with other data, which must not be lost. */
static void dma_inval(uintptr_t start, size_t len)
{
	uintptr_t line = arch_dcache_line_size();
	uintptr_t end = start + len;
	uintptr_t a = start & ~(line - 1);	/* first line */
	uintptr_t b = (end - 1) & ~(line - 1);	/* last line */

	if (start != a) {
		arch_dcache_flush(a, line);
		a += line;
	}
	if (end != b + line && b >= a) {
		arch_dcache_flush(b, line);
	} else {
		b += line;		/* the last line is whole */
	}
	if (b > a)
		arch_dcache_inval(a, b - a);
}

/* The CPU hands the buffer to the device. */
static void dma_for_device(const struct dma_dev *d, uintptr_t cpu, size_t len,
			   enum dma_dir dir)
{
	if (d->coherent || len == 0)
		return;
	if (dir == DMA_TO_DEVICE)
		dma_clean(cpu, len);
	else if (dir == DMA_FROM_DEVICE)
		dma_inval(cpu, len);
	else
		dma_flush(cpu, len);
}

/* The device hands it back. */
static void dma_for_cpu(const struct dma_dev *d, uintptr_t cpu, size_t len,
			enum dma_dir dir)
{
	if (d->coherent || len == 0 || dir == DMA_TO_DEVICE)
		return;
	dma_inval(cpu, len);
}

/* --- coherent allocations ------------------------------------------------- */

#define DMA_PAGE		4096u
#define DMA_POOL_PAGES		(ARCH_DMA_UNCACHED_GRANULE / DMA_PAGE)
#define DMA_POOLS_MAX		4

/* An uncached pool: a bit per page, set when in use. */
struct dma_pool {
	uint8_t *base;
	uint32_t used[DMA_POOL_PAGES / 32];
};

static struct dma_pool dma_pools[DMA_POOLS_MAX];

static bool pool_page_used(const struct dma_pool *p, unsigned i)
{
	return p->used[i / 32] & (1u << (i % 32));
}

static void pool_mark(struct dma_pool *p, unsigned first, unsigned n,
		      bool used)
{
	for (unsigned i = first; i < first + n; i++) {
		if (used)
			p->used[i / 32] |= 1u << (i % 32);
		else
			p->used[i / 32] &= ~(1u << (i % 32));
	}
}

/* First fit of n pages aligned to align_pages in pool p; -1 if none. */
static int pool_find(const struct dma_pool *p, unsigned n,
		     unsigned align_pages)
{
	for (unsigned i = 0; i + n <= DMA_POOL_PAGES; i += align_pages) {
		unsigned k = 0;
		while (k < n && !pool_page_used(p, i + k))
			k++;
		if (k == n)
			return (int)i;
	}
	return -1;
}

/* A new pool from the heap, made uncached. */
static struct dma_pool *pool_add(const struct dma_dev *d)
{
	for (unsigned i = 0; i < DMA_POOLS_MAX; i++) {
		struct dma_pool *p = &dma_pools[i];
		if (p->base)
			continue;
		void *mem = memalign(ARCH_DMA_UNCACHED_GRANULE,
				     ARCH_DMA_UNCACHED_GRANULE);
		if (!mem)
			return NULL;
		int err = arch_dma_set_uncached((uintptr_t)mem,
						ARCH_DMA_UNCACHED_GRANULE);
		if (err) {
			free(mem);
			kprintf("dma: %s: no uncached memory for coherent "
				"allocations on this CPU (%d)\n", d->name, err);
			return NULL;
		}
		p->base = mem;
		memset(p->used, 0, sizeof(p->used));
		return p;
	}
	kprintf("dma: %s: uncached pools exhausted (%d of %u KiB)\n",
		d->name, DMA_POOLS_MAX, ARCH_DMA_UNCACHED_GRANULE / 1024);
	return NULL;
}

static void *dma_alloc_uncached(const struct dma_dev *d, size_t size,
				size_t align)
{
	if (size > ARCH_DMA_UNCACHED_GRANULE ||
	    align > ARCH_DMA_UNCACHED_GRANULE) {
		kprintf("dma: %s: coherent allocation of %zu bytes is larger "
			"than an uncached pool\n", d->name, size);
		return NULL;
	}
	unsigned n = (unsigned)((size + DMA_PAGE - 1) / DMA_PAGE);
	unsigned ap = align > DMA_PAGE ? (unsigned)(align / DMA_PAGE) : 1;

	for (unsigned i = 0; i < DMA_POOLS_MAX; i++) {
		struct dma_pool *p = &dma_pools[i];
		int first;
		if (!p->base)
			p = pool_add(d);
		if (!p)
			return NULL;
		first = pool_find(p, n, ap);
		if (first >= 0) {
			pool_mark(p, (unsigned)first, n, true);
			return p->base + (size_t)first * DMA_PAGE;
		}
	}
	kprintf("dma: %s: uncached pools full\n", d->name);
	return NULL;
}

/* True (and the pages freed) if cpu came from an uncached pool. */
static bool dma_free_uncached(void *cpu, size_t size)
{
	uint8_t *c = cpu;

	for (unsigned i = 0; i < DMA_POOLS_MAX; i++) {
		struct dma_pool *p = &dma_pools[i];
		if (!p->base || c < p->base ||
		    c >= p->base + ARCH_DMA_UNCACHED_GRANULE)
			continue;
		unsigned first = (unsigned)((size_t)(c - p->base) / DMA_PAGE);
		unsigned n = (unsigned)((size + DMA_PAGE - 1) / DMA_PAGE);
		if (first + n > DMA_POOL_PAGES)
			n = DMA_POOL_PAGES - first;
		pool_mark(p, first, n, false);
		return true;
	}
	return false;
}

void *dma_alloc_coherent(struct dma_dev *d, size_t size, size_t align,
			 dma_addr_t *bus)
{
	size_t line = arch_dcache_line_size();
	void *p;

	if (size == 0 || (align & (align - 1)))
		return NULL;
	if (line < DMA_MIN_ALIGN)
		line = DMA_MIN_ALIGN;
	if (align < line)
		align = line;	/* a cache line of its own */
	size = (size + line - 1) & ~(line - 1);

	if (d->coherent)
		p = memalign(align, size);
	else
		p = dma_alloc_uncached(d, size, align);
	if (!p)
		return NULL;
	memset(p, 0, size);
	*bus = dma_to_bus(d, (uintptr_t)p, size);
	if (*bus == DMA_MAPPING_ERROR) {
		kprintf("dma: %s: coherent memory at 0x%" PRIxPTR " is outside "
			"the device's window\n", d->name, (uintptr_t)p);
		dma_free_coherent(d, p, size);
		return NULL;
	}
	return p;
}

void dma_free_coherent(struct dma_dev *d, void *cpu, size_t size)
{
	(void)d;
	if (!cpu)
		return;
	if (!dma_free_uncached(cpu, size))
		free(cpu);
}

/* --- streaming mappings --------------------------------------------------- */

dma_addr_t dma_map(struct dma_dev *d, void *cpu, size_t len,
		   enum dma_dir dir)
{
	dma_addr_t bus = dma_to_bus(d, (uintptr_t)cpu, len);

	if (bus != DMA_MAPPING_ERROR)
		dma_for_device(d, (uintptr_t)cpu, len, dir);
	return bus;
}

void dma_unmap(struct dma_dev *d, dma_addr_t bus, size_t len,
	       enum dma_dir dir)
{
	if (bus != DMA_MAPPING_ERROR)
		dma_for_cpu(d, dma_to_cpu(d, bus), len, dir);
}

void dma_sync_for_cpu(struct dma_dev *d, dma_addr_t bus, size_t len,
		      enum dma_dir dir)
{
	if (bus != DMA_MAPPING_ERROR)
		dma_for_cpu(d, dma_to_cpu(d, bus), len, dir);
}

void dma_sync_for_device(struct dma_dev *d, dma_addr_t bus, size_t len,
			 enum dma_dir dir)
{
	if (bus != DMA_MAPPING_ERROR)
		dma_for_device(d, dma_to_cpu(d, bus), len, dir);
}
