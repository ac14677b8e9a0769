/*
 * Host bridge arithmetic: "ranges", BAR placement, bridge windows, INTx
 * swizzle and "interrupt-map" (see drivers/pci_route.h). Portable C with
 * no hardware access, built into the kernel and into the host tests.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/pci_route.h"

#define PCI_ADDR_CELLS	3	/* a PCI node's #address-cells */
#define PCI_INTR_CELLS	1	/* a PCI node's #interrupt-cells */
#define MAX_32BIT	0xffffffffull

static uint64_t read_cells(const uint32_t *c, unsigned n)
{
	return n == 2 ? (uint64_t)c[0] << 32 | c[1] : c[0];
}

/* Which of two candidate windows of one kind to keep. A non-prefetchable
 * window can hold any BAR, a prefetchable one only prefetchable BARs. */
static bool window_better(const struct pci_window *new,
			  const struct pci_window *old)
{
	if (old->size == 0)
		return true;
	if (new->prefetch != old->prefetch)
		return !new->prefetch;
	return new->size > old->size;
}

int pci_ranges_parse(const uint32_t *cells, unsigned ncells,
		     unsigned parent_addr_cells, unsigned size_cells,
		     struct pci_ranges *out)
{
	unsigned entry = PCI_ADDR_CELLS + parent_addr_cells + size_cells;

	*out = (struct pci_ranges){ 0 };
	if (parent_addr_cells < 1 || parent_addr_cells > 2 ||
	    size_cells < 1 || size_cells > 2 || ncells % entry)
		return -EINVAL;

	for (unsigned i = 0; i < ncells; i += entry) {
		const uint32_t *c = cells + i;
		uint32_t hi = c[0];
		struct pci_window w = {
			.pci_base = (uint64_t)c[1] << 32 | c[2],
			.cpu_base = read_cells(c + 3, parent_addr_cells),
			.size = read_cells(c + 3 + parent_addr_cells,
					   size_cells),
			.prefetch = hi & PCI_ADDR_PREFETCH,
			.mem64 = PCI_ADDR_SPACE(hi) == PCI_SPACE_MEM64,
		};
		struct pci_window *keep;

		if (w.size == 0 || w.pci_base + (w.size - 1) < w.pci_base ||
		    w.cpu_base + (w.size - 1) < w.cpu_base)
			continue;
		switch (PCI_ADDR_SPACE(hi)) {
		case PCI_SPACE_IO:
			keep = &out->io;
			break;
		case PCI_SPACE_MEM32:
			/* 32-bit space ends at 4 GiB by definition. */
			if (w.pci_base + (w.size - 1) > MAX_32BIT)
				continue;
			keep = &out->mem32;
			break;
		case PCI_SPACE_MEM64:
			keep = &out->mem64;
			break;
		default:
			continue;	/* config space: reg says where */
		}
		if (window_better(&w, keep))
			*keep = w;
	}
	return out->mem32.size || out->mem64.size ? 0 : -ENOENT;
}

int pci_window_alloc(struct pci_window *w, uint64_t size, uint64_t align,
		     uint64_t max_pci, uint64_t *pci_addr)
{
	if (size == 0 || align == 0 || (align & (align - 1)))
		return -EINVAL;
	if (w->used > w->size)
		return -EINVAL;

	/* Offsets from pci_base cannot overflow: a window never wraps. */
	uint64_t start = w->pci_base + w->used;
	if (start > UINT64_MAX - (align - 1))
		return -ENOSPC;
	uint64_t addr = (start + align - 1) & ~(align - 1);
	uint64_t off = addr - w->pci_base;
	if (off > w->size || size > w->size - off)
		return -ENOSPC;
	if (addr + (size - 1) > max_pci)
		return -ENOSPC;
	w->used = off + size;
	*pci_addr = addr;
	return 0;
}

/* Largest alignment first, then largest size: with every size a multiple
 * of its alignment the cursor stays aligned for what follows, so the
 * layout has no holes. */
static bool req_before(const struct pci_bar_req *a, const struct pci_bar_req *b)
{
	if (a->align != b->align)
		return a->align > b->align;
	return a->size > b->size;
}

static void sort_reqs(struct pci_bar_req *reqs, unsigned n)
{
	/* Insertion sort: stable, and a bus has a few dozen BARs at most. */
	for (unsigned i = 1; i < n; i++) {
		struct pci_bar_req r = reqs[i];
		unsigned j = i;
		for (; j > 0 && req_before(&r, &reqs[j - 1]); j--)
			reqs[j] = reqs[j - 1];
		reqs[j] = r;
	}
}

static bool place(struct pci_window *wins, unsigned nwin,
		  struct pci_bar_req *r, bool want_mem64)
{
	uint64_t max_pci = r->mem64 ? UINT64_MAX : MAX_32BIT;

	for (unsigned w = 0; w < nwin; w++) {
		struct pci_window *win = &wins[w];
		uint64_t addr;

		if (win->mem64 != want_mem64 || (win->prefetch && !r->prefetch))
			continue;
		if (pci_window_alloc(win, r->size, r->align, max_pci, &addr))
			continue;
		r->window = (int)w;
		r->pci_addr = addr;
		r->cpu_addr = win->cpu_base + (addr - win->pci_base);
		return true;
	}
	return false;
}

int pci_assign(struct pci_window *wins, unsigned nwin,
	       struct pci_bar_req *reqs, unsigned n)
{
	int missed = 0;

	sort_reqs(reqs, n);
	for (unsigned i = 0; i < n; i++) {
		struct pci_bar_req *r = &reqs[i];

		r->window = -1;
		r->pci_addr = r->cpu_addr = 0;
		/* 64-bit BARs first try the 64-bit window, keeping the
		 * scarce space below 4 GiB for BARs that can only go
		 * there; 32-bit BARs the other way round. */
		if (!place(wins, nwin, r, r->mem64) &&
		    !place(wins, nwin, r, !r->mem64))
			missed++;
	}
	return missed;
}

uint64_t pci_bridge_window(const struct pci_bar_req *reqs, unsigned n,
			   uint64_t *align)
{
	/* Anything above this cannot fit any 32-bit window. */
	const uint64_t too_big = 2 * (MAX_32BIT + 1);
	uint64_t total = 0, a = PCI_BRIDGE_WINDOW_ALIGN;

	for (unsigned i = 0; i < n; i++) {
		if (reqs[i].size == 0)
			continue;
		if (reqs[i].align > a)
			a = reqs[i].align;
		if (reqs[i].size >= too_big || total + reqs[i].size >= too_big)
			total = too_big;
		else
			total += reqs[i].size;
	}
	*align = a;
	if (total == 0)
		return 0;
	if (total >= too_big)
		return too_big;
	/* A multiple of its own alignment, so that it packs without holes
	 * beside its siblings (see req_before()). */
	return (total + a - 1) & ~(a - 1);
}

uint8_t pci_swizzle(uint8_t pin, uint8_t dev)
{
	if (pin < 1 || pin > 4)
		return 0;
	return (uint8_t)((pin - 1 + dev) % 4 + 1);
}

uint8_t pci_swizzle_path(uint8_t pin, const uint8_t *devs, unsigned n)
{
	for (unsigned i = 0; i + 1 < n; i++)
		pin = pci_swizzle(pin, devs[i]);
	return pin;
}

int pci_imap_lookup(const struct pci_imap *m, uint32_t unit_hi, uint8_t pin,
		    struct pci_irq_spec *out)
{
	static const uint32_t all_ones[PCI_ADDR_CELLS + PCI_INTR_CELLS] = {
		~0u, ~0u, ~0u, ~0u
	};
	const uint32_t key[PCI_ADDR_CELLS + PCI_INTR_CELLS] = {
		unit_hi, 0, 0, pin
	};
	const uint32_t *mask = m->mask ? m->mask : all_ones;
	const unsigned child = PCI_ADDR_CELLS + PCI_INTR_CELLS;

	if (pin == 0)
		return -ENOENT;
	if (!m->parent_cells)
		return -EINVAL;

	/* Each entry: child unit address and specifier, the parent's
	 * phandle, then the parent's unit address and specifier in the
	 * parent's own cell counts (DTSpec 2.4.3.1). */
	unsigned i = 0;
	while (i < m->ncells) {
		const uint32_t *e = m->map + i;
		unsigned pac, pic;
		bool match = true;
		int err;

		if (m->ncells - i < child + 1)
			return -EINVAL;
		err = m->parent_cells(m->arg, e[child], &pac, &pic);
		if (err < 0)
			return err;
		if (pac > 3 || pic == 0 || pic > PCI_IRQ_MAX_CELLS ||
		    m->ncells - i < child + 1 + pac + pic)
			return -EINVAL;

		for (unsigned j = 0; j < child; j++)
			if ((e[j] ^ key[j]) & mask[j])
				match = false;
		if (match) {
			out->phandle = e[child];
			out->ncells = pic;
			for (unsigned j = 0; j < pic; j++)
				out->cells[j] = e[child + 1 + pac + j];
			return 0;
		}
		i += child + 1 + pac + pic;
	}
	return -ENOENT;
}
