/*
 * The arithmetic of a device-tree PCI host bridge, with no hardware in
 * it: decoding "ranges" into memory windows, handing out BAR addresses
 * from those windows, sizing a PCI-PCI bridge's memory window, the INTx
 * swizzle across bridges, and the "interrupt-map" look-up.
 *
 * drivers/pci.c reads the device tree and config space and calls these
 * with plain arrays of cells (already in CPU byte order), so every rule
 * here is unit-tested on the host (tests/unit/test_pci_route.c).
 *
 * References: PCI Bus Binding to IEEE Std 1275-1994 rev 2.1 (the 3-cell
 * PCI address, 2.2.1.1); Devicetree Specification v0.4, 2.4.3
 * (interrupt-map, interrupt-map-mask); PCI Local Bus 3.0, 6.2.5 (BARs);
 * PCI-to-PCI Bridge Architecture 1.2, 3.2.5.8 (memory window) and 9.1
 * (interrupt routing).
 *
 * Nothing here allocates, locks or logs; errors are negative errno.
 */
#ifndef KITE_PCI_ROUTE_H
#define KITE_PCI_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

/* phys.hi of a 3-cell PCI address: npt000ss bbbbbbbb dddddfff rrrrrrrr. */
#define PCI_ADDR_SPACE(hi)	(((hi) >> 24) & 3)
#define PCI_SPACE_CONFIG	0
#define PCI_SPACE_IO		1
#define PCI_SPACE_MEM32		2
#define PCI_SPACE_MEM64		3
#define PCI_ADDR_PREFETCH	(1u << 30)
/* The unit address of a function as interrupt-map keys it. */
#define PCI_ADDR_UNIT(bus, dev, fn) \
	((uint32_t)(bus) << 16 | (uint32_t)(dev) << 11 | (uint32_t)(fn) << 8)

/* A PCI-PCI bridge's memory window has 1 MiB granularity (PCI-to-PCI
 * Bridge 1.2, 3.2.5.8: base and limit hold address bits 31:20). */
#define PCI_BRIDGE_WINDOW_ALIGN	(1ull << 20)

/* A range of bus addresses the host bridge forwards, and where the CPU
 * sees it: cpu = cpu_base + (pci - pci_base). */
struct pci_window {
	uint64_t pci_base;
	uint64_t cpu_base;
	uint64_t size;		/* 0: no such window */
	uint64_t used;		/* bytes handed out, from pci_base up */
	bool prefetch;		/* only prefetchable BARs may go here */
	bool mem64;		/* a 64-bit range: where 64-bit BARs go first */
};

/* What the host bridge's "ranges" offers. Of several ranges of one kind
 * the largest is kept (a non-prefetchable one before a prefetchable
 * one, since it may hold any BAR). */
struct pci_ranges {
	struct pci_window io;		/* recorded only: Kite assigns no I/O */
	struct pci_window mem32;
	struct pci_window mem64;
};

/* Decode "ranges" (ncells cells): entries of a 3-cell PCI address, a
 * parent address of parent_addr_cells (1 or 2) and a size of size_cells
 * (1 or 2). Returns 0 if a memory window was found, -ENOENT if none,
 * -EINVAL if the cell counts do not fit. Ranges that wrap, are empty or
 * claim 32-bit space above 4 GiB are skipped. */
int pci_ranges_parse(const uint32_t *cells, unsigned ncells,
		     unsigned parent_addr_cells, unsigned size_cells,
		     struct pci_ranges *out);

/* Take size bytes aligned to align (a power of two) from the window, so
 * that the last byte's bus address is at most max_pci (0xffffffff for a
 * 32-bit decoder). 0 and the bus address in *pci_addr; -ENOSPC (window
 * unchanged) or -EINVAL. */
int pci_window_alloc(struct pci_window *w, uint64_t size, uint64_t align,
		     uint64_t max_pci, uint64_t *pci_addr);

/* One BAR (or one bridge's memory window) to place. */
struct pci_bar_req {
	uint64_t size;		/* a power of two for a BAR */
	uint64_t align;		/* a power of two; size for a BAR */
	bool mem64;		/* decodes 64-bit addresses */
	bool prefetch;
	/* Filled in by pci_assign(): */
	int window;		/* index into the windows, -1: did not fit */
	uint64_t pci_addr;	/* the value to program */
	uint64_t cpu_addr;	/* where the CPU reaches it */
	/* The caller's, untouched: */
	void *owner;
	int index;
};

/* Place every request, largest alignment (then size) first, so that
 * naturally aligned BARs pack without holes. A 64-bit request goes to a
 * mem64 window if one has room, else below 4 GiB; a 32-bit one only
 * below 4 GiB; a prefetchable window takes only prefetchable requests.
 * reqs is reordered. Returns how many did not fit (window == -1). */
int pci_assign(struct pci_window *wins, unsigned nwin,
	       struct pci_bar_req *reqs, unsigned n);

/* Size and alignment of the memory window a PCI-PCI bridge needs to hold
 * these requests (its secondary side) laid out by pci_assign(): their
 * sum rounded up to PCI_BRIDGE_WINDOW_ALIGN, aligned to the larger of
 * that and the largest request's alignment. 0 if n == 0 or every size is
 * 0; a size above 4 GiB (no 32-bit window can hold it) if they are too
 * big. */
uint64_t pci_bridge_window(const struct pci_bar_req *reqs, unsigned n,
			   uint64_t *align);

/* The pin a PCI-PCI bridge raises on its primary side when device
 * number dev on its secondary bus raises pin (1-4 = INTA-INTD; 0, or an
 * invalid pin, gives 0): PCI-to-PCI Bridge 1.2, 9.1, table 9-1. */
uint8_t pci_swizzle(uint8_t pin, uint8_t dev);

/* The pin as the host bridge sees it, swizzled at every bridge crossed.
 * devs[0] is the function's own device number, devs[1..n-1] those of
 * the bridges above it, nearest first; devs[n-1] is on the root bus, and
 * the look-up then uses its unit address with the pin returned. n == 1:
 * the function is on the root bus and keeps its pin. */
uint8_t pci_swizzle_path(uint8_t pin, const uint8_t *devs, unsigned n);

#define PCI_IRQ_MAX_CELLS	4

/* An interrupt-map, ready to look up. */
struct pci_imap {
	const uint32_t *map;	/* "interrupt-map", CPU order */
	unsigned ncells;
	const uint32_t *mask;	/* 4 cells of "interrupt-map-mask", or NULL:
				 * all bits matter */
	/* #address-cells (absent: 0) and #interrupt-cells of the interrupt
	 * controller with this phandle; 0 or a negative errno. */
	int (*parent_cells)(void *arg, uint32_t phandle, unsigned *addr_cells,
			    unsigned *intr_cells);
	void *arg;
};

/* The interrupt a map entry names: its controller and specifier. */
struct pci_irq_spec {
	uint32_t phandle;
	unsigned ncells;
	uint32_t cells[PCI_IRQ_MAX_CELLS];
};

/* Find the entry for child unit address (unit_hi, 0, 0) and pin, both
 * masked with interrupt-map-mask (PCI Bus Binding; DTSpec 2.4.3.1). The
 * PCI node has #address-cells 3 and #interrupt-cells 1, as a PCI bus
 * must. 0; -ENOENT for pin 0 or no matching entry; -EINVAL for a map
 * that ends inside an entry or a controller with too many cells (the
 * map cannot be walked past it); parent_cells' error as is. */
int pci_imap_lookup(const struct pci_imap *m, uint32_t unit_hi, uint8_t pin,
		    struct pci_irq_spec *out);

#endif
