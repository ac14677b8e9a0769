/*
 * Unit tests for drivers/pci_route.c: "ranges" decoding, BAR placement,
 * PCI-PCI bridge windows, the INTx swizzle and "interrupt-map" look-up.
 *
 * The device tree cells are QEMU 7.2's own, taken from the fixtures with
 * "dtc -I dtb -O dts tests/unit/fixtures/FILE" (the pci node's ranges,
 * interrupt-map and interrupt-map-mask; see tests/unit/fixtures/README):
 * riscv64 virt routes INTx to the PLIC (phandle 3, #address-cells 0,
 * #interrupt-cells 1), aarch64 virt to the GIC (phandle 0x8002,
 * #address-cells 2, #interrupt-cells 3); the GICv2 and GICv3 trees have
 * the same pci node.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "drivers/pci_route.h"
#include "test.h"

#define KIB	1024ull
#define MIB	(1024 * KIB)
#define GIB	(1024 * MIB)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* qemu-riscv64-virt.dtb, /soc/pci@30000000 */
static const uint32_t rv_imap[] = {
	0x0, 0x0, 0x0, 0x1, 0x3, 0x20,
	0x0, 0x0, 0x0, 0x2, 0x3, 0x21,
	0x0, 0x0, 0x0, 0x3, 0x3, 0x22,
	0x0, 0x0, 0x0, 0x4, 0x3, 0x23,
	0x800, 0x0, 0x0, 0x1, 0x3, 0x21,
	0x800, 0x0, 0x0, 0x2, 0x3, 0x22,
	0x800, 0x0, 0x0, 0x3, 0x3, 0x23,
	0x800, 0x0, 0x0, 0x4, 0x3, 0x20,
	0x1000, 0x0, 0x0, 0x1, 0x3, 0x22,
	0x1000, 0x0, 0x0, 0x2, 0x3, 0x23,
	0x1000, 0x0, 0x0, 0x3, 0x3, 0x20,
	0x1000, 0x0, 0x0, 0x4, 0x3, 0x21,
	0x1800, 0x0, 0x0, 0x1, 0x3, 0x23,
	0x1800, 0x0, 0x0, 0x2, 0x3, 0x20,
	0x1800, 0x0, 0x0, 0x3, 0x3, 0x21,
	0x1800, 0x0, 0x0, 0x4, 0x3, 0x22,
};

static const uint32_t rv_imap_mask[] = {
	0x1800, 0x0, 0x0, 0x7,
};

static const uint32_t rv_ranges[] = {
	0x1000000, 0x0, 0x0, 0x0, 0x3000000, 0x0, 0x10000,
	0x2000000, 0x0, 0x40000000, 0x0, 0x40000000, 0x0, 0x40000000,
	0x3000000, 0x4, 0x0, 0x4, 0x0, 0x4, 0x0,
};

/* qemu-aarch64-virt-gicv2.dtb and -gicv3.dtb, /pcie@10000000 */
static const uint32_t arm_imap[] = {
	0x0, 0x0, 0x0, 0x1, 0x8002, 0x0, 0x0, 0x0, 0x3, 0x4,
	0x0, 0x0, 0x0, 0x2, 0x8002, 0x0, 0x0, 0x0, 0x4, 0x4,
	0x0, 0x0, 0x0, 0x3, 0x8002, 0x0, 0x0, 0x0, 0x5, 0x4,
	0x0, 0x0, 0x0, 0x4, 0x8002, 0x0, 0x0, 0x0, 0x6, 0x4,
	0x800, 0x0, 0x0, 0x1, 0x8002, 0x0, 0x0, 0x0, 0x4, 0x4,
	0x800, 0x0, 0x0, 0x2, 0x8002, 0x0, 0x0, 0x0, 0x5, 0x4,
	0x800, 0x0, 0x0, 0x3, 0x8002, 0x0, 0x0, 0x0, 0x6, 0x4,
	0x800, 0x0, 0x0, 0x4, 0x8002, 0x0, 0x0, 0x0, 0x3, 0x4,
	0x1000, 0x0, 0x0, 0x1, 0x8002, 0x0, 0x0, 0x0, 0x5, 0x4,
	0x1000, 0x0, 0x0, 0x2, 0x8002, 0x0, 0x0, 0x0, 0x6, 0x4,
	0x1000, 0x0, 0x0, 0x3, 0x8002, 0x0, 0x0, 0x0, 0x3, 0x4,
	0x1000, 0x0, 0x0, 0x4, 0x8002, 0x0, 0x0, 0x0, 0x4, 0x4,
	0x1800, 0x0, 0x0, 0x1, 0x8002, 0x0, 0x0, 0x0, 0x6, 0x4,
	0x1800, 0x0, 0x0, 0x2, 0x8002, 0x0, 0x0, 0x0, 0x3, 0x4,
	0x1800, 0x0, 0x0, 0x3, 0x8002, 0x0, 0x0, 0x0, 0x4, 0x4,
	0x1800, 0x0, 0x0, 0x4, 0x8002, 0x0, 0x0, 0x0, 0x5, 0x4,
};

static const uint32_t arm_imap_mask[] = {
	0x1800, 0x0, 0x0, 0x7,
};

static const uint32_t arm_ranges[] = {
	0x1000000, 0x0, 0x0, 0x0, 0x3eff0000, 0x0, 0x10000,
	0x2000000, 0x0, 0x10000000, 0x0, 0x10000000, 0x0, 0x2eff0000,
	0x3000000, 0x80, 0x0, 0x80, 0x0, 0x80, 0x0,
};

#define PLIC_PHANDLE	0x3
#define GIC_PHANDLE	0x8002

/* The two interrupt controllers' cell counts, as their nodes say. */
static int virt_parent_cells(void *arg, uint32_t phandle, unsigned *addr,
			     unsigned *intr)
{
	(void)arg;
	if (phandle == PLIC_PHANDLE) {
		*addr = 0;
		*intr = 1;
		return 0;
	}
	if (phandle == GIC_PHANDLE) {
		*addr = 2;
		*intr = 3;
		return 0;
	}
	return -ENODEV;
}

static const struct pci_imap rv_map = {
	.map = rv_imap,
	.ncells = ARRAY_SIZE(rv_imap),
	.mask = rv_imap_mask,
	.parent_cells = virt_parent_cells,
};

static const struct pci_imap arm_map = {
	.map = arm_imap,
	.ncells = ARRAY_SIZE(arm_imap),
	.mask = arm_imap_mask,
	.parent_cells = virt_parent_cells,
};

/* The PLIC source of (bus 0, dev, fn, pin) on riscv64 virt, or -errno. */
static long rv_line(unsigned dev, unsigned fn, uint8_t pin)
{
	struct pci_irq_spec s;
	int err = pci_imap_lookup(&rv_map, PCI_ADDR_UNIT(0, dev, fn), pin, &s);

	if (err < 0)
		return err;
	CHECK_EQ(s.phandle, PLIC_PHANDLE);
	CHECK_EQ(s.ncells, 1);
	return s.cells[0];
}

/* ---- interrupt-map ---------------------------------------------------- */

TEST(test_pci_imap_riscv_virt_slot0_inta_is_32_slot1_inta_is_33)
{
	CHECK_EQ(rv_line(0, 0, 1), 32);
	CHECK_EQ(rv_line(1, 0, 1), 33);
	CHECK_EQ(rv_line(1, 0, 2), 34);
}

/* The e1000 (addr=1) + virtio-net-pci (addr=5) boot test shares a line. */
TEST(test_pci_imap_riscv_virt_slot1_and_slot5_inta_share_one_plic_line)
{
	CHECK_EQ(rv_line(1, 0, 1), rv_line(5, 0, 1));
	CHECK_EQ(rv_line(5, 0, 1), 33);
}

/* QEMU's virt swizzle: slot s, pin p -> 32 + (s + p - 1) % 4, every slot. */
TEST(test_pci_imap_riscv_virt_matches_qemu_swizzle_for_every_slot)
{
	for (unsigned dev = 0; dev < 32; dev++)
		for (uint8_t pin = 1; pin <= 4; pin++)
			CHECK_EQ(rv_line(dev, 0, pin),
				 32 + (dev + pin - 1) % 4);
}

/* The mask keeps only the device number: every function of a slot (and
 * a bus number, which the root bus look-up never has) maps alike. */
TEST(test_pci_imap_mask_ignores_function_number)
{
	for (unsigned fn = 0; fn < 8; fn++)
		CHECK_EQ(rv_line(1, fn, 1), 33);
}

TEST(test_pci_imap_pin_zero_is_enoent)
{
	struct pci_irq_spec s;

	CHECK_EQ(pci_imap_lookup(&rv_map, PCI_ADDR_UNIT(0, 1, 0), 0, &s),
		 -ENOENT);
}

TEST(test_pci_imap_pin_outside_map_is_enoent)
{
	/* Pins 5-7 pass the 0x7 mask and match no entry. */
	CHECK_EQ(rv_line(1, 0, 5), -ENOENT);
}

/* 3-cell GIC specifiers behind a 2-cell parent unit address: the walk
 * must skip both to find the next entry. */
TEST(test_pci_imap_aarch64_virt_gic_specifier_is_spi_level_high)
{
	struct pci_irq_spec s;

	CHECK_EQ(pci_imap_lookup(&arm_map, PCI_ADDR_UNIT(0, 1, 0), 1, &s), 0);
	CHECK_EQ(s.phandle, GIC_PHANDLE);
	CHECK_EQ(s.ncells, 3);
	CHECK_EQ(s.cells[0], 0);	/* SPI */
	CHECK_EQ(s.cells[1], 4);	/* SPI 4 = INTID 36 */
	CHECK_EQ(s.cells[2], 4);	/* level, active high */
}

TEST(test_pci_imap_aarch64_virt_slot1_and_slot5_inta_share_one_spi)
{
	struct pci_irq_spec a, b;

	CHECK_EQ(pci_imap_lookup(&arm_map, PCI_ADDR_UNIT(0, 1, 0), 1, &a), 0);
	CHECK_EQ(pci_imap_lookup(&arm_map, PCI_ADDR_UNIT(0, 5, 0), 1, &b), 0);
	CHECK_EQ(a.cells[1], b.cells[1]);
}

/* QEMU's virt swizzle: slot s, pin p -> SPI 3 + (s + p - 1) % 4. */
TEST(test_pci_imap_aarch64_virt_matches_qemu_swizzle_for_every_slot)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		for (uint8_t pin = 1; pin <= 4; pin++) {
			struct pci_irq_spec s;
			CHECK_EQ(pci_imap_lookup(&arm_map,
						 PCI_ADDR_UNIT(0, dev, 0), pin,
						 &s), 0);
			CHECK_EQ(s.cells[0], 0);
			CHECK_EQ(s.cells[1], 3 + (dev + pin - 1) % 4);
			CHECK_EQ(s.cells[2], 4);
		}
	}
}

/* Reading the GIC's entries with the PLIC's cell counts would misparse
 * the whole map; the counts come from each entry's own phandle. */
TEST(test_pci_imap_entry_length_follows_each_parents_cell_counts)
{
	/* Slot 0 INTA to the PLIC (6 cells), slot 1 INTA to the GIC (10). */
	static const uint32_t mixed[] = {
		0x0, 0x0, 0x0, 0x1, PLIC_PHANDLE, 0x20,
		0x800, 0x0, 0x0, 0x1, GIC_PHANDLE, 0x0, 0x0, 0x0, 0x7, 0x4,
	};
	struct pci_imap m = {
		.map = mixed,
		.ncells = ARRAY_SIZE(mixed),
		.mask = rv_imap_mask,
		.parent_cells = virt_parent_cells,
	};
	struct pci_irq_spec s;

	CHECK_EQ(pci_imap_lookup(&m, PCI_ADDR_UNIT(0, 1, 0), 1, &s), 0);
	CHECK_EQ(s.phandle, GIC_PHANDLE);
	CHECK_EQ(s.cells[1], 7);
	CHECK_EQ(pci_imap_lookup(&m, PCI_ADDR_UNIT(0, 0, 0), 1, &s), 0);
	CHECK_EQ(s.phandle, PLIC_PHANDLE);
	CHECK_EQ(s.cells[0], 0x20);
}

TEST(test_pci_imap_map_ending_inside_an_entry_is_einval)
{
	struct pci_imap m = arm_map;
	struct pci_irq_spec s;

	/* The last entry (slot 3 INTD) loses its flags cell. */
	m.ncells = ARRAY_SIZE(arm_imap) - 1;
	CHECK_EQ(pci_imap_lookup(&m, PCI_ADDR_UNIT(0, 3, 0), 4, &s), -EINVAL);
	/* Entries before the damage are still found. */
	CHECK_EQ(pci_imap_lookup(&m, PCI_ADDR_UNIT(0, 1, 0), 1, &s), 0);
	/* Cut inside the child part of the first entry. */
	m.ncells = 3;
	CHECK_EQ(pci_imap_lookup(&m, PCI_ADDR_UNIT(0, 1, 0), 1, &s), -EINVAL);
}

TEST(test_pci_imap_unknown_interrupt_parent_error_is_returned)
{
	static const uint32_t bad[] = {
		0x0, 0x0, 0x0, 0x1, 0x77, 0x20,
	};
	struct pci_imap m = {
		.map = bad,
		.ncells = ARRAY_SIZE(bad),
		.parent_cells = virt_parent_cells,
	};
	struct pci_irq_spec s;

	CHECK_EQ(pci_imap_lookup(&m, PCI_ADDR_UNIT(0, 0, 0), 1, &s), -ENODEV);
}

/* Without interrupt-map-mask every bit of the unit address counts. */
TEST(test_pci_imap_without_mask_needs_exact_unit_address)
{
	struct pci_imap m = rv_map;

	m.mask = NULL;
	CHECK_EQ(pci_imap_lookup(&m, PCI_ADDR_UNIT(0, 1, 0), 1,
				 &(struct pci_irq_spec){ 0 }), 0);
	CHECK_EQ(pci_imap_lookup(&m, PCI_ADDR_UNIT(0, 5, 0), 1,
				 &(struct pci_irq_spec){ 0 }), -ENOENT);
	CHECK_EQ(pci_imap_lookup(&m, PCI_ADDR_UNIT(0, 1, 1), 1,
				 &(struct pci_irq_spec){ 0 }), -ENOENT);
}

/* ---- swizzle ----------------------------------------------------------- */

/* PCI-to-PCI Bridge 1.2 table 9-1: device 0 keeps its pin, device 1
 * shifts it by one (INTA -> INTB ... INTD -> INTA), device 4 like 0. */
TEST(test_pci_swizzle_follows_bridge_spec_table)
{
	for (uint8_t pin = 1; pin <= 4; pin++) {
		CHECK_EQ(pci_swizzle(pin, 0), pin);
		CHECK_EQ(pci_swizzle(pin, 1), pin % 4 + 1);
		CHECK_EQ(pci_swizzle(pin, 4), pin);
		CHECK_EQ(pci_swizzle(pin, 31), (pin + 2) % 4 + 1);
	}
}

TEST(test_pci_swizzle_of_no_pin_or_invalid_pin_is_no_pin)
{
	CHECK_EQ(pci_swizzle(0, 3), 0);
	CHECK_EQ(pci_swizzle(5, 3), 0);
	uint8_t devs[] = { 3, 2 };
	CHECK_EQ(pci_swizzle_path(0, devs, 2), 0);
}

TEST(test_pci_swizzle_path_on_root_bus_keeps_pin)
{
	uint8_t devs[] = { 7 };

	CHECK_EQ(pci_swizzle_path(2, devs, 1), 2);
}

/* Device 3 INTA behind a bridge in slot 2: the bridge raises INTD, and
 * slot 2 INTD is PLIC 33 on riscv64 virt. */
TEST(test_pci_swizzle_behind_one_bridge_routes_through_bridge_slot)
{
	uint8_t devs[] = { 3, 2 };
	uint8_t pin = pci_swizzle_path(1, devs, 2);

	CHECK_EQ(pin, 4);
	CHECK_EQ(rv_line(devs[1], 0, pin), 33);
}

/* Device 1 INTB behind bridge dev 2 behind bridge slot 6: INTB -> INTC
 * (dev 1) -> INTA (dev 2); slot 6 INTA is PLIC 34. */
TEST(test_pci_swizzle_behind_two_bridges_swizzles_at_each)
{
	uint8_t devs[] = { 1, 2, 6 };
	uint8_t pin = pci_swizzle_path(2, devs, 3);

	CHECK_EQ(pin, 1);
	CHECK_EQ(rv_line(6, 0, pin), 34);
}

/* ---- ranges ------------------------------------------------------------ */

TEST(test_pci_ranges_riscv_virt_has_io_mem32_and_mem64_windows)
{
	struct pci_ranges r;

	CHECK_EQ(pci_ranges_parse(rv_ranges, ARRAY_SIZE(rv_ranges), 2, 2, &r),
		 0);
	CHECK_EQ(r.io.pci_base, 0);
	CHECK_EQ(r.io.cpu_base, 0x3000000);
	CHECK_EQ(r.io.size, 0x10000);
	CHECK_EQ(r.mem32.pci_base, 0x40000000);
	CHECK_EQ(r.mem32.cpu_base, 0x40000000);
	CHECK_EQ(r.mem32.size, 0x40000000);
	CHECK(!r.mem32.prefetch && !r.mem32.mem64);
	CHECK_EQ(r.mem64.pci_base, 0x400000000);
	CHECK_EQ(r.mem64.cpu_base, 0x400000000);
	CHECK_EQ(r.mem64.size, 0x400000000);
	CHECK(!r.mem64.prefetch && r.mem64.mem64);
}

TEST(test_pci_ranges_aarch64_virt_has_io_mem32_and_mem64_windows)
{
	struct pci_ranges r;

	CHECK_EQ(pci_ranges_parse(arm_ranges, ARRAY_SIZE(arm_ranges), 2, 2,
				  &r), 0);
	CHECK_EQ(r.io.cpu_base, 0x3eff0000);
	CHECK_EQ(r.mem32.pci_base, 0x10000000);
	CHECK_EQ(r.mem32.cpu_base, 0x10000000);
	CHECK_EQ(r.mem32.size, 0x2eff0000);
	CHECK_EQ(r.mem64.pci_base, 0x8000000000);
	CHECK_EQ(r.mem64.size, 0x8000000000);
}

/* A host bridge whose bus addresses differ from CPU addresses, with a
 * 1-cell parent: both bases are kept. */
TEST(test_pci_ranges_keeps_pci_and_cpu_base_apart_under_translation)
{
	static const uint32_t r1[] = {
		0x2000000, 0x0, 0x0, 0x50000000, 0x0, 0x10000000,
	};
	struct pci_ranges r;

	CHECK_EQ(pci_ranges_parse(r1, ARRAY_SIZE(r1), 1, 2, &r), 0);
	CHECK_EQ(r.mem32.pci_base, 0);
	CHECK_EQ(r.mem32.cpu_base, 0x50000000);
	CHECK_EQ(r.mem64.size, 0);
}

TEST(test_pci_ranges_length_not_whole_entries_is_einval)
{
	struct pci_ranges r;

	CHECK_EQ(pci_ranges_parse(rv_ranges, ARRAY_SIZE(rv_ranges) - 1, 2, 2,
				  &r), -EINVAL);
	CHECK_EQ(pci_ranges_parse(rv_ranges, ARRAY_SIZE(rv_ranges), 3, 2, &r),
		 -EINVAL);
}

TEST(test_pci_ranges_with_only_io_is_enoent)
{
	struct pci_ranges r;

	CHECK_EQ(pci_ranges_parse(rv_ranges, 7, 2, 2, &r), -ENOENT);
	CHECK_EQ(r.io.size, 0x10000);
}

TEST(test_pci_ranges_skips_32bit_space_above_4gib_and_empty_ranges)
{
	static const uint32_t bad[] = {
		0x2000000, 0x0, 0xf0000000, 0x0, 0xf0000000, 0x0, 0x20000000,
		0x2000000, 0x0, 0x40000000, 0x0, 0x40000000, 0x0, 0x0,
	};
	struct pci_ranges r;

	CHECK_EQ(pci_ranges_parse(bad, ARRAY_SIZE(bad), 2, 2, &r), -ENOENT);
}

TEST(test_pci_ranges_prefers_non_prefetchable_then_largest_window)
{
	static const uint32_t two[] = {
		/* prefetchable 512 MiB, then non-prefetchable 16 MiB, then
		 * non-prefetchable 64 MiB */
		0x42000000, 0x0, 0x80000000, 0x0, 0x80000000, 0x0, 0x20000000,
		0x02000000, 0x0, 0x10000000, 0x0, 0x10000000, 0x0, 0x01000000,
		0x02000000, 0x0, 0x20000000, 0x0, 0x20000000, 0x0, 0x04000000,
	};
	struct pci_ranges r;

	CHECK_EQ(pci_ranges_parse(two, ARRAY_SIZE(two), 2, 2, &r), 0);
	CHECK_EQ(r.mem32.pci_base, 0x20000000);
	CHECK(!r.mem32.prefetch);
}

/* ---- BAR placement ----------------------------------------------------- */

static bool no_overlap(const struct pci_bar_req *reqs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		for (unsigned j = i + 1; j < n; j++) {
			const struct pci_bar_req *a = &reqs[i], *b = &reqs[j];
			if (a->window < 0 || b->window < 0)
				continue;
			if (a->pci_addr < b->pci_addr + b->size &&
			    b->pci_addr < a->pci_addr + a->size)
				return false;
		}
	}
	return true;
}

static bool inside(const struct pci_window *w, const struct pci_bar_req *r)
{
	return r->pci_addr >= w->pci_base &&
	       r->pci_addr + r->size <= w->pci_base + w->size;
}

static struct pci_bar_req bar(uint64_t size, bool mem64, bool prefetch,
			      int index)
{
	return (struct pci_bar_req){
		.size = size, .align = size, .mem64 = mem64,
		.prefetch = prefetch, .index = index,
	};
}

static const struct pci_bar_req *by_index(const struct pci_bar_req *reqs,
					  unsigned n, int index)
{
	for (unsigned i = 0; i < n; i++)
		if (reqs[i].index == index)
			return &reqs[i];
	return NULL;
}

static void rv_windows(struct pci_window w[2])
{
	struct pci_ranges r;

	CHECK_EQ(pci_ranges_parse(rv_ranges, ARRAY_SIZE(rv_ranges), 2, 2, &r),
		 0);
	w[0] = r.mem32;
	w[1] = r.mem64;
}

/* e1000 (128K BAR0) and virtio-net-pci (4K BAR1, 16K 64-bit prefetchable
 * BAR4) on riscv64 virt: 32-bit BARs below 4 GiB, the 64-bit one in the
 * 64-bit window, each aligned to its size, largest first. */
TEST(test_pci_assign_e1000_and_virtio_bars_aligned_in_the_right_windows)
{
	struct pci_window w[2];
	struct pci_bar_req reqs[] = {
		bar(4 * KIB, false, false, 1),
		bar(16 * KIB, true, true, 4),
		bar(128 * KIB, false, false, 0),
	};

	rv_windows(w);
	CHECK_EQ(pci_assign(w, 2, reqs, ARRAY_SIZE(reqs)), 0);
	const struct pci_bar_req *e1000 = by_index(reqs, 3, 0);
	const struct pci_bar_req *notify = by_index(reqs, 3, 1);
	const struct pci_bar_req *modern = by_index(reqs, 3, 4);
	CHECK_EQ(e1000->window, 0);
	CHECK_EQ(e1000->pci_addr, 0x40000000);
	CHECK_EQ(notify->window, 0);
	CHECK_EQ(notify->pci_addr, 0x40020000);
	CHECK_EQ(modern->window, 1);
	CHECK_EQ(modern->pci_addr, 0x400000000);
	CHECK_EQ(modern->cpu_addr, 0x400000000);
	for (unsigned i = 0; i < ARRAY_SIZE(reqs); i++)
		CHECK_EQ(reqs[i].pci_addr % reqs[i].size, 0);
	CHECK(no_overlap(reqs, ARRAY_SIZE(reqs)));
}

TEST(test_pci_assign_64bit_bar_uses_32bit_window_when_no_64bit_window)
{
	struct pci_window w[1] = { {
		.pci_base = 0x40000000, .cpu_base = 0x40000000,
		.size = 0x40000000,
	} };
	struct pci_bar_req reqs[] = { bar(16 * KIB, true, true, 4) };

	CHECK_EQ(pci_assign(w, 1, reqs, 1), 0);
	CHECK_EQ(reqs[0].window, 0);
	CHECK_EQ(reqs[0].pci_addr, 0x40000000);
}

TEST(test_pci_assign_64bit_bar_falls_back_below_4gib_when_mem64_full)
{
	struct pci_window w[2];
	struct pci_bar_req reqs[] = { bar(16 * KIB, true, false, 0) };

	rv_windows(w);
	w[1].used = w[1].size;
	CHECK_EQ(pci_assign(w, 2, reqs, 1), 0);
	CHECK_EQ(reqs[0].window, 0);
}

/* A 32-bit BAR cannot hold an address above 4 GiB: when the 32-bit
 * window is full it fails rather than landing in the 64-bit window. */
TEST(test_pci_assign_32bit_bar_never_placed_above_4gib)
{
	struct pci_window w[2];
	struct pci_bar_req reqs[] = { bar(4 * KIB, false, false, 0) };

	rv_windows(w);
	w[0].used = w[0].size;
	CHECK_EQ(pci_assign(w, 2, reqs, 1), 1);
	CHECK_EQ(reqs[0].window, -1);
}

/* ...but a 64-bit range that lies below 4 GiB may take it. */
TEST(test_pci_assign_32bit_bar_may_use_64bit_range_below_4gib)
{
	struct pci_window w[1] = { {
		.pci_base = 0x80000000, .cpu_base = 0x80000000,
		.size = 0x10000000, .mem64 = true,
	} };
	struct pci_bar_req reqs[] = { bar(4 * KIB, false, false, 0) };

	CHECK_EQ(pci_assign(w, 1, reqs, 1), 0);
	CHECK_EQ(reqs[0].pci_addr, 0x80000000);
}

TEST(test_pci_assign_prefetchable_window_refuses_non_prefetchable_bar)
{
	struct pci_window w[1] = { {
		.pci_base = 0x40000000, .cpu_base = 0x40000000,
		.size = 0x10000000, .prefetch = true,
	} };
	struct pci_bar_req reqs[] = {
		bar(4 * KIB, false, false, 0),
		bar(4 * KIB, false, true, 1),
	};

	CHECK_EQ(pci_assign(w, 1, reqs, 2), 1);
	CHECK_EQ(by_index(reqs, 2, 0)->window, -1);
	CHECK_EQ(by_index(reqs, 2, 1)->window, 0);
}

/* The BAR gets the bus address, the driver the CPU address. */
TEST(test_pci_assign_translates_bus_address_to_cpu_address)
{
	struct pci_window w[1] = { {
		.pci_base = 0x0, .cpu_base = 0x50000000, .size = 0x1000000,
	} };
	struct pci_bar_req reqs[] = {
		bar(1 * MIB, false, false, 0),
		bar(64 * KIB, false, false, 1),
	};

	CHECK_EQ(pci_assign(w, 1, reqs, 2), 0);
	CHECK_EQ(by_index(reqs, 2, 1)->pci_addr, 0x100000);
	CHECK_EQ(by_index(reqs, 2, 1)->cpu_addr, 0x50100000);
}

/* 64 KiB of window and three 32 KiB BARs: two fit, the third is
 * reported, and neither placed BAR leaves the window or overlaps. */
TEST(test_pci_assign_window_exhaustion_reports_misses_without_overlap)
{
	struct pci_window w[1] = { {
		.pci_base = 0x40000000, .cpu_base = 0x40000000,
		.size = 64 * KIB,
	} };
	struct pci_bar_req reqs[] = {
		bar(32 * KIB, false, false, 0),
		bar(32 * KIB, false, false, 1),
		bar(32 * KIB, false, false, 2),
	};

	CHECK_EQ(pci_assign(w, 1, reqs, 3), 1);
	int placed = 0;
	for (unsigned i = 0; i < 3; i++) {
		if (reqs[i].window < 0)
			continue;
		placed++;
		CHECK(inside(&w[0], &reqs[i]));
	}
	CHECK_EQ(placed, 2);
	CHECK(no_overlap(reqs, 3));
	CHECK_EQ(w[0].used, 64 * KIB);
}

TEST(test_pci_window_alloc_failure_leaves_window_unchanged)
{
	struct pci_window w = {
		.pci_base = 0x40000000, .cpu_base = 0x40000000,
		.size = 64 * KIB,
	};
	uint64_t addr;

	CHECK_EQ(pci_window_alloc(&w, 4 * KIB, 4 * KIB, UINT64_MAX, &addr), 0);
	CHECK_EQ(pci_window_alloc(&w, 64 * KIB, 64 * KIB, UINT64_MAX, &addr),
		 -ENOSPC);
	CHECK_EQ(w.used, 4 * KIB);
	CHECK_EQ(pci_window_alloc(&w, 8 * KIB, 8 * KIB, UINT64_MAX, &addr), 0);
	CHECK_EQ(addr, 0x40002000);
	CHECK_EQ(pci_window_alloc(&w, 4 * KIB, 3 * KIB, UINT64_MAX, &addr),
		 -EINVAL);
	CHECK_EQ(pci_window_alloc(&w, 0, 4 * KIB, UINT64_MAX, &addr), -EINVAL);
}

TEST(test_pci_window_alloc_near_top_of_address_space_does_not_wrap)
{
	struct pci_window w = {
		.pci_base = UINT64_MAX - 0xfff, .cpu_base = 0, .size = 0x1000,
		.used = 1,
	};
	uint64_t addr;

	CHECK_EQ(pci_window_alloc(&w, 0x1000, 0x1000, UINT64_MAX, &addr),
		 -ENOSPC);
}

/* ---- bridge windows ---------------------------------------------------- */

TEST(test_pci_bridge_window_small_bars_need_one_mib_aligned_to_one_mib)
{
	struct pci_bar_req reqs[] = {
		bar(128 * KIB, false, false, 0),
		bar(4 * KIB, false, false, 1),
		bar(16 * KIB, true, true, 4),
	};
	uint64_t align;

	CHECK_EQ(pci_bridge_window(reqs, 3, &align), 1 * MIB);
	CHECK_EQ(align, 1 * MIB);
}

TEST(test_pci_bridge_window_empty_needs_nothing)
{
	uint64_t align;

	CHECK_EQ(pci_bridge_window(NULL, 0, &align), 0);
}

/* 4 MiB BAR + a 1 MiB nested bridge window: 5 MiB, rounded up to a
 * multiple of the 4 MiB alignment so it packs beside its siblings. */
TEST(test_pci_bridge_window_is_a_multiple_of_its_alignment)
{
	struct pci_bar_req reqs[] = {
		bar(4 * MIB, false, false, 0),
		{ .size = 1 * MIB, .align = 1 * MIB },
	};
	uint64_t align;

	CHECK_EQ(pci_bridge_window(reqs, 2, &align), 8 * MIB);
	CHECK_EQ(align, 4 * MIB);
}

TEST(test_pci_bridge_window_too_big_for_32bit_space_cannot_be_placed)
{
	struct pci_window w[2];
	struct pci_bar_req reqs[] = {
		bar(4 * GIB, true, true, 0),
		bar(4 * GIB, true, true, 1),
	};
	uint64_t align;
	uint64_t size = pci_bridge_window(reqs, 2, &align);

	CHECK(size > 4 * GIB);
	struct pci_bar_req br = { .size = size, .align = align };
	rv_windows(w);
	CHECK_EQ(pci_assign(w, 2, &br, 1), 1);
}

/* Whatever BARs sit behind a bridge, a window of the size
 * pci_bridge_window() gives, at its alignment, holds them all: the
 * layout largest-alignment-first has no holes. Checked over many
 * pseudo-random mixes of BARs and nested bridge windows. */
TEST(test_pci_bridge_window_always_holds_its_bars_without_overlap)
{
	uint32_t seed = 12345;

	for (int round = 0; round < 500; round++) {
		struct pci_bar_req reqs[24];
		unsigned n = 1 + round % 24;

		for (unsigned i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			unsigned shift = 4 + (seed >> 16) % 20; /* 16 B-8 MiB */
			if ((seed >> 8) % 5 == 0) {
				/* a nested bridge window */
				uint64_t a = 1 * MIB << (seed >> 12) % 3;
				uint64_t s = a * (1 + (seed >> 4) % 3);
				reqs[i] = (struct pci_bar_req){ .size = s,
								.align = a };
			} else {
				reqs[i] = bar(1ull << shift, (seed >> 2) & 1,
					      (seed >> 3) & 1, (int)i);
			}
		}
		uint64_t align, size = pci_bridge_window(reqs, n, &align);
		CHECK(size > 0);
		CHECK_EQ(size % align, 0);
		CHECK_EQ(size % (1 * MIB), 0);

		/* The bridge window as its parent would place it. */
		struct pci_window sub = {
			.pci_base = 0x40000000 + 16 * align,
			.cpu_base = 0x40000000 + 16 * align,
			.size = size,
		};
		CHECK_EQ(sub.pci_base % align, 0);
		CHECK_EQ(pci_assign(&sub, 1, reqs, n), 0);
		for (unsigned i = 0; i < n; i++) {
			CHECK(inside(&sub, &reqs[i]));
			CHECK_EQ(reqs[i].pci_addr % reqs[i].align, 0);
		}
		CHECK(no_overlap(reqs, n));
	}
}

int main(void)
{
	RUN(test_pci_imap_riscv_virt_slot0_inta_is_32_slot1_inta_is_33);
	RUN(test_pci_imap_riscv_virt_slot1_and_slot5_inta_share_one_plic_line);
	RUN(test_pci_imap_riscv_virt_matches_qemu_swizzle_for_every_slot);
	RUN(test_pci_imap_mask_ignores_function_number);
	RUN(test_pci_imap_pin_zero_is_enoent);
	RUN(test_pci_imap_pin_outside_map_is_enoent);
	RUN(test_pci_imap_aarch64_virt_gic_specifier_is_spi_level_high);
	RUN(test_pci_imap_aarch64_virt_slot1_and_slot5_inta_share_one_spi);
	RUN(test_pci_imap_aarch64_virt_matches_qemu_swizzle_for_every_slot);
	RUN(test_pci_imap_entry_length_follows_each_parents_cell_counts);
	RUN(test_pci_imap_map_ending_inside_an_entry_is_einval);
	RUN(test_pci_imap_unknown_interrupt_parent_error_is_returned);
	RUN(test_pci_imap_without_mask_needs_exact_unit_address);
	RUN(test_pci_swizzle_follows_bridge_spec_table);
	RUN(test_pci_swizzle_of_no_pin_or_invalid_pin_is_no_pin);
	RUN(test_pci_swizzle_path_on_root_bus_keeps_pin);
	RUN(test_pci_swizzle_behind_one_bridge_routes_through_bridge_slot);
	RUN(test_pci_swizzle_behind_two_bridges_swizzles_at_each);
	RUN(test_pci_ranges_riscv_virt_has_io_mem32_and_mem64_windows);
	RUN(test_pci_ranges_aarch64_virt_has_io_mem32_and_mem64_windows);
	RUN(test_pci_ranges_keeps_pci_and_cpu_base_apart_under_translation);
	RUN(test_pci_ranges_length_not_whole_entries_is_einval);
	RUN(test_pci_ranges_with_only_io_is_enoent);
	RUN(test_pci_ranges_skips_32bit_space_above_4gib_and_empty_ranges);
	RUN(test_pci_ranges_prefers_non_prefetchable_then_largest_window);
	RUN(test_pci_assign_e1000_and_virtio_bars_aligned_in_the_right_windows);
	RUN(test_pci_assign_64bit_bar_uses_32bit_window_when_no_64bit_window);
	RUN(test_pci_assign_64bit_bar_falls_back_below_4gib_when_mem64_full);
	RUN(test_pci_assign_32bit_bar_never_placed_above_4gib);
	RUN(test_pci_assign_32bit_bar_may_use_64bit_range_below_4gib);
	RUN(test_pci_assign_prefetchable_window_refuses_non_prefetchable_bar);
	RUN(test_pci_assign_translates_bus_address_to_cpu_address);
	RUN(test_pci_assign_window_exhaustion_reports_misses_without_overlap);
	RUN(test_pci_window_alloc_failure_leaves_window_unchanged);
	RUN(test_pci_window_alloc_near_top_of_address_space_does_not_wrap);
	RUN(test_pci_bridge_window_small_bars_need_one_mib_aligned_to_one_mib);
	RUN(test_pci_bridge_window_empty_needs_nothing);
	RUN(test_pci_bridge_window_is_a_multiple_of_its_alignment);
	RUN(test_pci_bridge_window_too_big_for_32bit_space_cannot_be_placed);
	RUN(test_pci_bridge_window_always_holds_its_bars_without_overlap);
	TEST_EXIT();
}
