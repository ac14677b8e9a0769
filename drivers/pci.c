/*
 * The ECAM PCI host bridge of QEMU virt, "pci-host-ecam-generic"
 * (Linux Documentation/devicetree/bindings/pci/host-generic-pci.yaml).
 *
 * pci_init() runs once, from the init thread, in five passes:
 *
 *   1. scan: every function on the root bus and, depth first, behind
 *      each PCI-PCI bridge (which gets its bus numbers here); each BAR is
 *      sized with decoding off;
 *   2. assign: BARs and bridge windows get addresses from the "ranges"
 *      windows (drivers/pci_route.c does the arithmetic);
 *   3. decode: memory decoding on for every function whose BARs all got
 *      an address; bus mastering stays off (pci_set_master());
 *   4. route: INTx through "interrupt-map" to a virq;
 *   5. log a line per function and offer it to pci_drivers[].
 *
 * After that the device list never changes, so pci_for_each() and the
 * config accessors need no lock.
 *
 * References: PCI Local Bus 3.0 (config header 6.1-6.2, BARs 6.2.5,
 * capabilities 6.7); PCI-to-PCI Bridge Architecture 1.2 (type 1 header
 * 3.2, interrupt routing 9.1); PCI Express Base 4.0, 7.2.2 (ECAM).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/mmio.h"
#include "drivers/dma.h"
#include "drivers/pci.h"
#include "drivers/pci_route.h"
#include "kernel/fdt.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

/* Type 1 header (PCI-to-PCI Bridge 1.2, 3.2). */
#define PCI_PRIMARY_BUS		0x18
#define PCI_SECONDARY_BUS	0x19
#define PCI_SUBORDINATE_BUS	0x1a
#define PCI_IO_BASE		0x1c
#define PCI_IO_LIMIT		0x1d
#define PCI_MEMORY_BASE		0x20
#define PCI_MEMORY_LIMIT	0x22
#define PCI_PREF_MEMORY_BASE	0x24
#define PCI_PREF_MEMORY_LIMIT	0x26
#define PCI_PREF_BASE_UPPER32	0x28
#define PCI_PREF_LIMIT_UPPER32	0x2c
#define PCI_IO_BASE_UPPER16	0x30
#define PCI_IO_LIMIT_UPPER16	0x32

#define PCI_HEADER_LAYOUT	0x7f	/* 0 endpoint, 1 bridge, 2 CardBus */
#define PCI_HEADER_MULTI_FN	0x80
#define PCI_HEADER_ENDPOINT	0
#define PCI_HEADER_BRIDGE	1

/* BAR low bits (PCI 3.0, 6.2.5.1). */
#define PCI_BAR_IO		0x1
#define PCI_BAR_MEM_TYPE	0x6
#define PCI_BAR_MEM_64		0x4
#define PCI_BAR_PREFETCH	0x8

/* ECAM: 4 KiB of config space per function, 1 MiB per bus. */
#define ECAM_BUS_SHIFT		20
#define ECAM_DEV_SHIFT		15
#define ECAM_FN_SHIFT		12
#define ECAM_FN_SIZE		0x1000

#define PCI_MAX_DEVS		32
#define PCI_MAX_FNS		8
/* A capability is at least 4 bytes in the 192 after the header. */
#define PCI_MAX_CAPS		48
#define PCI_CAP_MIN_OFFSET	0x40
/* Bridges nested deeper are not scanned: keeps the recursion's stack
 * bounded. Real machines and QEMU setups stay far below it. */
#define PCI_MAX_DEPTH		8

/* A function as drivers see it, plus what only enumeration needs. */
struct pci_node {
	struct pci_dev dev;
	struct pci_node *up;		/* bridge above; NULL on the root bus */
	unsigned depth;			/* bridges above */
	uint64_t bar_pci[6];		/* bus address programmed in each BAR */
	uint8_t bar_ok;			/* bit i: BAR i has its address */
	bool window_failed;		/* bridge: no room for its window */
	uint8_t secondary, subordinate;	/* bridge: buses behind it */
	uint64_t win_cpu, win_size;	/* bridge: its memory window */
};

static struct {
	uintptr_t ecam;
	unsigned bus_start, bus_end;
	unsigned next_bus;		/* next free bus number for a bridge */
	struct pci_ranges ranges;
	uint32_t *imap;			/* interrupt-map, CPU order */
	unsigned imap_cells;
	uint32_t imap_mask[4];
	bool has_mask;
	const struct fdt *fdt;
	int node;			/* the host bridge's */
} host;

static struct list_head pci_devices = LIST_HEAD_INIT(pci_devices);

static struct pci_node *to_node(const struct pci_dev *p)
{
	return container_of(p, struct pci_node, dev);
}

/* ---- config space ----------------------------------------------------- */

/* Reads are whole aligned dwords, which every ECAM implementation takes.
 * Writes use the access size asked for: writing back a whole dword
 * would also write the neighbouring register (PCI_STATUS beside
 * PCI_COMMAND has write-1-to-clear bits), and ECAM accepts 1, 2 and 4
 * byte writes (PCI Express Base 4.0, 7.2.2). */
static uintptr_t cfg(const struct pci_dev *p, unsigned off, unsigned width)
{
	BUG_ON(off >= ECAM_FN_SIZE || (off & (width - 1)));
	return p->cfg + off;
}

uint32_t pci_read32(const struct pci_dev *p, unsigned off)
{
	return readl(cfg(p, off, 4));
}

uint16_t pci_read16(const struct pci_dev *p, unsigned off)
{
	uint32_t v = readl(cfg(p, off, 2) & ~(uintptr_t)3);
	return (uint16_t)(v >> 8 * (off & 3));
}

uint8_t pci_read8(const struct pci_dev *p, unsigned off)
{
	uint32_t v = readl(cfg(p, off, 1) & ~(uintptr_t)3);
	return (uint8_t)(v >> 8 * (off & 3));
}

void pci_write32(const struct pci_dev *p, unsigned off, uint32_t v)
{
	writel(v, cfg(p, off, 4));
}

void pci_write16(const struct pci_dev *p, unsigned off, uint16_t v)
{
	writew(v, cfg(p, off, 2));
}

void pci_write8(const struct pci_dev *p, unsigned off, uint8_t v)
{
	writeb(v, cfg(p, off, 1));
}

/* A bridge forwards its secondary side's memory requests (DMA) upstream
 * only with its own Bus Master Enable set (PCI-to-PCI Bridge 1.2,
 * 3.2.4.3), so every bridge on the way up gets it too. */
void pci_set_master(struct pci_dev *p)
{
	for (struct pci_node *n = to_node(p); n; n = n->up) {
		uint16_t cmd = pci_read16(&n->dev, PCI_COMMAND);
		if (!(cmd & PCI_COMMAND_MASTER))
			pci_write16(&n->dev, PCI_COMMAND,
				    cmd | PCI_COMMAND_MASTER);
	}
}

/* PCI 3.0, 6.7: a list of (id, next) from PCI_CAPABILITY_LIST; the low
 * two bits of a pointer are reserved. Bounded so a loop cannot hang. */
unsigned pci_find_capability(const struct pci_dev *p, uint8_t id,
			     unsigned after)
{
	if (!(pci_read16(p, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	unsigned pos = after ? pci_read8(p, (after & 0xfc) + 1) :
			       pci_read8(p, PCI_CAPABILITY_LIST);
	for (int i = 0; i < PCI_MAX_CAPS; i++) {
		pos &= 0xfc;
		if (pos < PCI_CAP_MIN_OFFSET)
			return 0;
		uint8_t cap = pci_read8(p, pos);
		if (cap == 0xff)	/* no device answers there */
			return 0;
		if (cap == id)
			return pos;
		pos = pci_read8(p, pos + 1);
	}
	return 0;
}

void pci_for_each(void (*fn)(const struct pci_dev *p, void *arg), void *arg)
{
	struct list_head *pos;

	list_for_each(pos, &pci_devices)
		fn(list_entry(pos, struct pci_dev, node), arg);
}

/* ---- 1. scan ----------------------------------------------------------- */

static uintptr_t ecam_addr(unsigned bus, unsigned dev, unsigned fn)
{
	uintptr_t off = (uintptr_t)(bus - host.bus_start) << ECAM_BUS_SHIFT |
			dev << ECAM_DEV_SHIFT | fn << ECAM_FN_SHIFT;
	return host.ecam + off;
}

static void pci_name(const struct pci_dev *p, char *buf, size_t size)
{
	snprintf(buf, size, "0000:%02x:%02x.%u", p->bus, p->dev, p->fn);
}

/* PCI 3.0, 6.2.5.1: write all ones, read back which address bits stick
 * (the size is the lowest one), put the old value back. Decoding is off
 * meanwhile, so the probe values are never decoded. */
static uint32_t probe_bar(const struct pci_dev *p, unsigned off)
{
	uint32_t old = pci_read32(p, off);

	pci_write32(p, off, ~0u);
	uint32_t v = pci_read32(p, off);
	pci_write32(p, off, old);
	return v;
}

static void size_bars(struct pci_node *n, unsigned nbars)
{
	struct pci_dev *p = &n->dev;

	for (unsigned i = 0; i < nbars; i++) {
		unsigned off = PCI_BAR0 + 4 * i;
		uint32_t v = probe_bar(p, off);
		struct pci_bar *b = &p->bar[i];

		if (v == 0)
			continue;	/* not implemented */
		if (v & PCI_BAR_IO) {
			/* A 16-bit I/O decoder reads 0 in bits 31:16. */
			uint32_t mask = v & ~3u;
			if (!(mask >> 16))
				mask |= 0xffff0000;
			b->io = true;
			b->size = mask & (~mask + 1);
			continue;
		}

		uint64_t mask = v & ~0xfu;
		b->prefetch = v & PCI_BAR_PREFETCH;
		if ((v & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_64) {
			if (i + 1 == nbars) {
				char name[16];
				pci_name(p, name, sizeof(name));
				kprintf("pci %s: bar%u: 64-bit BAR in the last "
					"slot, ignored\n", name, i);
				continue;
			}
			mask |= (uint64_t)probe_bar(p, off + 4) << 32;
			b->is64 = true;
		}
		b->size = mask & (~mask + 1);
		if (b->is64)
			i++;	/* the upper half is not a BAR of its own */
	}
}

static void scan_bus(unsigned bus, struct pci_node *up);

/* Number the bridge's secondary bus, scan it, then close the range at
 * the last bus found behind it (PCI-to-PCI Bridge 1.2, 3.2.5.2-3.2.5.4).
 * While scanning, subordinate is the host's last bus so that config
 * cycles reach buses not yet numbered. Windows stay shut until pass 2. */
static void scan_bridge(struct pci_node *br)
{
	struct pci_dev *p = &br->dev;
	char name[16];

	pci_name(p, name, sizeof(name));
	if (host.next_bus > host.bus_end || br->depth >= PCI_MAX_DEPTH) {
		kprintf("pci %s: bridge not scanned (%s)\n", name,
			br->depth >= PCI_MAX_DEPTH ? "nested too deep" :
						     "no bus number left");
		return;
	}
	br->secondary = (uint8_t)host.next_bus++;
	pci_write8(p, PCI_PRIMARY_BUS, p->bus);
	pci_write8(p, PCI_SECONDARY_BUS, br->secondary);
	pci_write8(p, PCI_SUBORDINATE_BUS, (uint8_t)host.bus_end);

	/* base > limit: the window is off (3.2.5.6, 3.2.5.8, 3.2.5.9). */
	pci_write8(p, PCI_IO_BASE, 0xf0);
	pci_write8(p, PCI_IO_LIMIT, 0);
	pci_write16(p, PCI_IO_BASE_UPPER16, 0);
	pci_write16(p, PCI_IO_LIMIT_UPPER16, 0);
	pci_write16(p, PCI_MEMORY_BASE, 0xfff0);
	pci_write16(p, PCI_MEMORY_LIMIT, 0);
	pci_write16(p, PCI_PREF_MEMORY_BASE, 0xfff0);
	pci_write16(p, PCI_PREF_MEMORY_LIMIT, 0);
	pci_write32(p, PCI_PREF_BASE_UPPER32, 0);
	pci_write32(p, PCI_PREF_LIMIT_UPPER32, 0);

	scan_bus(br->secondary, br);
	br->subordinate = (uint8_t)(host.next_bus - 1);
	pci_write8(p, PCI_SUBORDINATE_BUS, br->subordinate);
}

static void add_function(unsigned bus, unsigned dev, unsigned fn,
			 struct pci_node *up)
{
	struct pci_node *n = calloc(1, sizeof(*n));
	char name[16];

	if (!n) {
		kprintf("pci 0000:%02x:%02x.%u: out of memory, ignored\n", bus,
			dev, fn);
		return;
	}
	struct pci_dev *p = &n->dev;
	p->bus = (uint8_t)bus;
	p->dev = (uint8_t)dev;
	p->fn = (uint8_t)fn;
	p->cfg = ecam_addr(bus, dev, fn);
	p->vendor = pci_read16(p, PCI_VENDOR_ID);
	p->device = pci_read16(p, PCI_DEVICE_ID);
	uint32_t cr = pci_read32(p, PCI_CLASS_REVISION);
	p->class = cr >> 8;
	p->revision = (uint8_t)cr;
	p->header_type = pci_read8(p, PCI_HEADER_TYPE) & PCI_HEADER_LAYOUT;
	p->int_pin = pci_read8(p, PCI_INTERRUPT_PIN);
	if (p->int_pin > 4)
		p->int_pin = 0;		/* reserved values: no pin */
	p->irq = -ENOENT;
	n->up = up;
	n->depth = up ? up->depth + 1 : 0;

	/* Decoding off while BARs are sized and until they hold addresses
	 * (6.2.5.1). Bus mastering off too: whatever ran before may have
	 * left DMA on, and only a driver knows when it is safe. */
	uint16_t cmd = pci_read16(p, PCI_COMMAND);
	pci_write16(p, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO |
					    PCI_COMMAND_MEMORY |
					    PCI_COMMAND_MASTER));

	if (p->header_type == PCI_HEADER_ENDPOINT) {
		size_bars(n, 6);
	} else if (p->header_type == PCI_HEADER_BRIDGE) {
		size_bars(n, 2);
	} else {
		pci_name(p, name, sizeof(name));
		kprintf("pci %s: header type %u not supported, BARs left "
			"alone\n", name, p->header_type);
	}
	list_add_tail(&p->node, &pci_devices);
	if (p->header_type == PCI_HEADER_BRIDGE)
		scan_bridge(n);
}

/* Function 0 must exist for a device to exist; functions 1-7 only if
 * header type says multi-function (PCI 3.0, 6.2.1). */
static void scan_bus(unsigned bus, struct pci_node *up)
{
	for (unsigned dev = 0; dev < PCI_MAX_DEVS; dev++) {
		unsigned nfn = 1;
		for (unsigned fn = 0; fn < nfn; fn++) {
			struct pci_dev probe = {
				.cfg = ecam_addr(bus, dev, fn),
			};
			uint16_t vendor = pci_read16(&probe, PCI_VENDOR_ID);
			if (vendor == 0xffff || vendor == 0)
				continue;
			if (fn == 0 && (pci_read8(&probe, PCI_HEADER_TYPE) &
					PCI_HEADER_MULTI_FN))
				nfn = PCI_MAX_FNS;
			add_function(bus, dev, fn, up);
		}
	}
}

/* ---- 2. assign --------------------------------------------------------- */

static unsigned count_children(const struct pci_node *up)
{
	struct list_head *pos;
	unsigned n = 0;

	list_for_each(pos, &pci_devices)
		if (to_node(list_entry(pos, struct pci_dev, node))->up == up)
			n++;
	return n;
}

static uint64_t bridge_need(struct pci_node *br, uint64_t *align);

/* The requests of everything on the bus below `up` (NULL: the root bus):
 * each memory BAR, and each bridge's window as one request (index -1)
 * sized for what lies behind it. */
static unsigned collect(struct pci_node *up, struct pci_bar_req *reqs)
{
	struct list_head *pos;
	unsigned n = 0;

	list_for_each(pos, &pci_devices) {
		struct pci_node *c = to_node(list_entry(pos, struct pci_dev,
							node));
		if (c->up != up)
			continue;
		for (int i = 0; i < 6; i++) {
			const struct pci_bar *b = &c->dev.bar[i];
			if (b->size == 0 || b->io)
				continue;
			reqs[n++] = (struct pci_bar_req){
				.size = b->size, .align = b->size,
				.mem64 = b->is64, .prefetch = b->prefetch,
				.owner = c, .index = i,
			};
		}
		/* Only the non-prefetchable window is used: it is 32-bit,
		 * and any BAR may sit in it (prefetching is a permission,
		 * not a need). */
		uint64_t align;
		uint64_t size = c->dev.header_type == PCI_HEADER_BRIDGE ?
					bridge_need(c, &align) : 0;
		if (size)
			reqs[n++] = (struct pci_bar_req){
				.size = size, .align = align,
				.owner = c, .index = -1,
			};
	}
	return n;
}

/* Room for at most 6 BARs and a window per function. */
static struct pci_bar_req *alloc_reqs(const struct pci_node *up)
{
	return malloc((count_children(up) * 7 + 1) *
		      sizeof(struct pci_bar_req));
}

static uint64_t bridge_need(struct pci_node *br, uint64_t *align)
{
	struct pci_bar_req *reqs = alloc_reqs(br);
	uint64_t size;

	*align = PCI_BRIDGE_WINDOW_ALIGN;
	if (!reqs)
		return 0;	/* pass 2 reports the shortage */
	size = pci_bridge_window(reqs, collect(br, reqs), align);
	free(reqs);
	return size;
}

/* PCI-to-PCI Bridge 1.2, 3.2.5.8: bits 15:4 of base and limit hold
 * address bits 31:20; the limit's low 20 bits are taken as all ones. */
static void open_bridge_window(struct pci_node *br, uint64_t pci,
			       uint64_t cpu, uint64_t size)
{
	br->win_cpu = cpu;
	br->win_size = size;
	pci_write16(&br->dev, PCI_MEMORY_BASE, (uint16_t)(pci >> 16 & 0xfff0));
	pci_write16(&br->dev, PCI_MEMORY_LIMIT,
		    (uint16_t)((pci + size - 1) >> 16 & 0xfff0));
}

static void assign_bus(struct pci_node *up, struct pci_window *wins,
		       unsigned nwin)
{
	struct pci_bar_req *reqs = alloc_reqs(up);

	if (!reqs) {
		kprintf("pci: out of memory assigning BARs\n");
		return;
	}
	unsigned n = collect(up, reqs);
	pci_assign(wins, nwin, reqs, n);
	for (unsigned i = 0; i < n; i++) {
		struct pci_bar_req *r = &reqs[i];
		struct pci_node *c = r->owner;
		if (r->index < 0 && r->window < 0) {
			c->window_failed = true;
		} else if (r->index < 0) {
			open_bridge_window(c, r->pci_addr, r->cpu_addr,
					   r->size);
			struct pci_window sub = {
				.pci_base = r->pci_addr,
				.cpu_base = r->cpu_addr,
				.size = r->size,
			};
			assign_bus(c, &sub, 1);
		} else if (r->window >= 0) {
			unsigned off = PCI_BAR0 + 4 * (unsigned)r->index;
			pci_write32(&c->dev, off, (uint32_t)r->pci_addr);
			if (r->mem64)
				pci_write32(&c->dev, off + 4,
					    (uint32_t)(r->pci_addr >> 32));
			c->bar_pci[r->index] = r->pci_addr;
			c->dev.bar[r->index].addr = r->cpu_addr;
			c->bar_ok |= 1u << r->index;
		}
	}
	free(reqs);
}

/* ---- 3. decode --------------------------------------------------------- */

static bool all_bars_assigned(const struct pci_node *n)
{
	for (int i = 0; i < 6; i++) {
		const struct pci_bar *b = &n->dev.bar[i];
		if (b->size && !b->io && !(n->bar_ok & 1u << i))
			return false;
	}
	return true;
}

/* ---- 4. route ---------------------------------------------------------- */

/* #address-cells (default 0 here: DTSpec 2.4.3.1 counts only what the
 * controller declares) and #interrupt-cells of an interrupt parent. */
static int dt_parent_cells(void *arg, uint32_t phandle, unsigned *addr_cells,
			   unsigned *intr_cells)
{
	int node = fdt_find_phandle(host.fdt, phandle);
	uint32_t v;

	(void)arg;
	if (node < 0)
		return -ENODEV;
	if (fdt_getprop_u32(host.fdt, node, "#interrupt-cells", &v) < 0)
		return -EINVAL;
	*intr_cells = v;
	*addr_cells = fdt_getprop_u32(host.fdt, node, "#address-cells", &v) ?
			      0 : v;
	return 0;
}

/* A function behind bridges interrupts through the bridge on the root
 * bus, with its pin swizzled at every bridge on the way (9.1). */
static int route_intx(const struct pci_node *n)
{
	uint8_t devs[PCI_MAX_DEPTH + 1];
	unsigned depth = 0;
	const struct pci_node *root = n;

	if (!n->dev.int_pin)
		return -ENOENT;
	if (!host.imap)
		return -ENOENT;
	for (const struct pci_node *i = n; i; i = i->up) {
		devs[depth++] = i->dev.dev;
		root = i;
	}
	uint8_t pin = pci_swizzle_path(n->dev.int_pin, devs, depth);

	struct pci_imap map = {
		.map = host.imap,
		.ncells = host.imap_cells,
		.mask = host.has_mask ? host.imap_mask : NULL,
		.parent_cells = dt_parent_cells,
	};
	struct pci_irq_spec spec;
	int err = pci_imap_lookup(&map, PCI_ADDR_UNIT(root->dev.bus,
						      root->dev.dev,
						      root->dev.fn),
				  pin, &spec);
	if (err < 0)
		return err;
	struct irq_chip *chip = irq_chip_by_phandle(spec.phandle);
	if (!chip)
		return -ENODEV;
	unsigned hwirq;
	enum irq_trigger trigger;
	err = chip->xlate(chip, spec.cells, spec.ncells, &hwirq, &trigger);
	if (err < 0)
		return err;
	return irq_create_mapping(chip, hwirq, trigger);
}

/* ---- 5. log and bind --------------------------------------------------- */

/* "64", "4K", "128K", "1M": BAR sizes are powers of two. */
static const char *size_str(uint64_t size, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && size >= 1024 && size % 1024 == 0) {
		size /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)size);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)size,
			 units[u]);
	return buf;
}

static void log_function(const struct pci_node *n)
{
	const struct pci_dev *p = &n->dev;
	char name[16], sz[16], line[224], io[64] = "";
	int len;

	pci_name(p, name, sizeof(name));
	len = snprintf(line, sizeof(line), "[%04x:%04x] class %06x",
		       p->vendor, p->device, (unsigned)p->class);
	if (p->header_type == PCI_HEADER_BRIDGE && n->secondary)
		len += snprintf(line + len, sizeof(line) - len,
				" bridge [bus %02x-%02x]", n->secondary,
				n->subordinate);
	if (n->win_size)
		len += snprintf(line + len, sizeof(line) - len,
				" window 0x%llx-0x%llx",
				(unsigned long long)n->win_cpu,
				(unsigned long long)(n->win_cpu +
						     n->win_size - 1));
	if (p->irq >= 0)
		len += snprintf(line + len, sizeof(line) - len, " irq %d",
				p->irq);
	else if (p->int_pin)
		len += snprintf(line + len, sizeof(line) - len, " irq none");
	for (int i = 0; i < 6 && len < (int)sizeof(line); i++) {
		const struct pci_bar *b = &p->bar[i];
		if (b->size == 0)
			continue;
		size_str(b->size, sz, sizeof(sz));
		if (b->io) {
			int l = (int)strlen(io);
			snprintf(io + l, sizeof(io) - l, " bar%d/%s", i, sz);
		} else if (n->bar_ok & 1u << i) {
			len += snprintf(line + len, sizeof(line) - len,
					" bar%d 0x%llx/%s", i,
					(unsigned long long)b->addr, sz);
		} else {
			len += snprintf(line + len, sizeof(line) - len,
					" bar%d unassigned/%s", i, sz);
		}
	}
	kprintf("pci %s: %s\n", name, line);

	if (io[0])
		kprintf("pci %s: I/O BARs not assigned (Kite assigns no I/O "
			"space):%s\n", name, io);
	if (!all_bars_assigned(n))
		kprintf("pci %s: not enough PCI memory space; memory "
			"decoding left off\n", name);
	if (n->window_failed)
		kprintf("pci %s: no room for the bridge window; nothing "
			"behind it gets memory space\n", name);
	if (p->int_pin && p->irq < 0)
		kprintf("pci %s: INT%c not routed (%d); a driver must poll\n",
			name, 'A' + p->int_pin - 1, p->irq);
}

static void bind_driver(struct pci_dev *p)
{
	for (int i = 0; pci_drivers[i]; i++) {
		const struct pci_driver *drv = pci_drivers[i];
		if (!drv->match(p))
			continue;
		int err = drv->probe(p);
		if (err == 0) {
			p->driver = drv->name;
			return;
		}
		if (err == -ENODEV)
			continue;	/* declined quietly, as in Linux */
		char name[16];
		pci_name(p, name, sizeof(name));
		kprintf("pci %s: %s probe failed (%d)\n", name, drv->name, err);
	}
}

/* ---- the host bridge --------------------------------------------------- */

/* A property as CPU-order cells (malloc'd); NULL if absent or empty. */
static uint32_t *prop_cells(const struct fdt *fdt, int node, const char *name,
			    unsigned *ncells)
{
	uint32_t len;
	const uint8_t *prop = fdt_getprop(fdt, node, name, &len);

	if (!prop || len < 4)
		return NULL;
	uint32_t *cells = malloc(len);
	if (!cells)
		return NULL;
	*ncells = len / 4;
	for (unsigned i = 0; i < *ncells; i++)
		cells[i] = fdt_be32(prop + 4 * i);
	return cells;
}

static int find_host(const struct fdt *fdt)
{
	int node = -1;

	while ((node = fdt_find_compatible(fdt, node,
					   "pci-host-ecam-generic")) >= 0)
		if (fdt_is_enabled(fdt, node))
			return node;
	return -ENOENT;
}

/* reg, bus-range, ranges, interrupt-map(-mask). False: no usable host. */
static bool read_host(const struct fdt *fdt, int node)
{
	uint64_t base, size;
	uint32_t len;
	unsigned n;

	host.fdt = fdt;
	host.node = node;
	if (fdt_address_cells(fdt, node) != 3 ||
	    fdt_size_cells(fdt, node) != 2 ||
	    fdt_reg(fdt, node, 0, &base, &size) < 0) {
		kprintf("pci: host bridge node malformed, ignored\n");
		return false;
	}

	/* reg covers bus-range from its first bus, 1 MiB per bus. */
	const uint8_t *br = fdt_getprop(fdt, node, "bus-range", &len);
	host.bus_start = 0;
	host.bus_end = 255;
	if (br && len >= 8 && fdt_be32(br) <= fdt_be32(br + 4) &&
	    fdt_be32(br + 4) <= 255) {
		host.bus_start = fdt_be32(br);
		host.bus_end = fdt_be32(br + 4);
	}
	uint64_t nbus = size >> ECAM_BUS_SHIFT;
	if (nbus == 0) {
		kprintf("pci: ECAM window of %llu bytes holds no bus\n",
			(unsigned long long)size);
		return false;
	}
	if (host.bus_end - host.bus_start + 1 > nbus)
		host.bus_end = host.bus_start + (unsigned)nbus - 1;
	host.ecam = (uintptr_t)base;
	host.next_bus = host.bus_start + 1;

	uint32_t *ranges = prop_cells(fdt, node, "ranges", &n);
	int parent = fdt_parent(fdt, node);
	int err = ranges ? pci_ranges_parse(ranges, n,
					    fdt_address_cells(fdt, parent),
					    2, &host.ranges) : -ENOENT;
	free(ranges);
	if (err < 0)
		kprintf("pci: no memory window in ranges (%d); BARs stay "
			"unassigned\n", err);

	host.imap = prop_cells(fdt, node, "interrupt-map", &host.imap_cells);
	uint32_t *mask = prop_cells(fdt, node, "interrupt-map-mask", &n);
	if (mask && n == 4) {
		memcpy(host.imap_mask, mask, sizeof(host.imap_mask));
		host.has_mask = true;
	} else if (mask) {
		kprintf("pci: interrupt-map-mask of %u cells, INTx not "
			"routed\n", n);
		free(host.imap);
		host.imap = NULL;
	}
	free(mask);
	return true;
}

static void log_window(char *buf, size_t len, const char *name,
		       const struct pci_window *w)
{
	if (!w->size)
		return;
	size_t l = strlen(buf);
	snprintf(buf + l, len - l, ", %s 0x%llx-0x%llx", name,
		 (unsigned long long)w->cpu_base,
		 (unsigned long long)(w->cpu_base + w->size - 1));
	if (w->pci_base != w->cpu_base) {
		l = strlen(buf);
		snprintf(buf + l, len - l, " (bus 0x%llx)",
			 (unsigned long long)w->pci_base);
	}
}

void pci_init(const struct fdt *fdt)
{
	struct list_head *pos;
	char windows[160] = "";
	int node = find_host(fdt);

	if (node < 0 || !read_host(fdt, node))
		return;
	log_window(windows, sizeof(windows), "mem", &host.ranges.mem32);
	log_window(windows, sizeof(windows), "mem64", &host.ranges.mem64);
	kprintf("pci: ECAM at 0x%llx, buses %u-%u%s\n",
		(unsigned long long)host.ecam, host.bus_start, host.bus_end,
		windows);

	scan_bus(host.bus_start, NULL);

	struct pci_window wins[2];
	unsigned nwin = 0;
	if (host.ranges.mem32.size)
		wins[nwin++] = host.ranges.mem32;
	if (host.ranges.mem64.size)
		wins[nwin++] = host.ranges.mem64;
	assign_bus(NULL, wins, nwin);

	list_for_each(pos, &pci_devices) {
		struct pci_node *n = to_node(list_entry(pos, struct pci_dev,
							node));
		struct pci_dev *p = &n->dev;
		if (all_bars_assigned(n)) {
			uint16_t cmd = pci_read16(p, PCI_COMMAND);
			pci_write16(p, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
		}
		p->irq = route_intx(n);
		/* Informational only (PCI 3.0, 6.2.4); 0xff: none. */
		pci_write8(p, PCI_INTERRUPT_LINE,
			   p->irq > 0 && p->irq < 0xff ? (uint8_t)p->irq :
							  0xff);
		log_function(n);
	}
	free(host.imap);
	host.imap = NULL;

	list_for_each(pos, &pci_devices)
		bind_driver(list_entry(pos, struct pci_dev, node));
}

/* Every function sees memory as its host bridge's node says: its own
 * dma-coherent and dma-ranges apply to the buses behind it (Linux:
 * of_dma_configure() with the bridge's node, pci_dma_configure()). */
int pci_dma_dev_init(struct dma_dev *d, const struct pci_dev *pdev,
		     const char *name)
{
	(void)pdev;	/* one host bridge: the same for every function */
	return dma_dev_init_fdt_bus(d, host.fdt, host.node, name);
}
