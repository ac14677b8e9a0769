/*
 * Unit tests for kernel/fdt.c.
 *
 * Facts are checked against real DTBs dumped from QEMU (see
 * fixtures/README), malformed input against small blobs built here, and
 * robustness by truncating and corrupting the real blobs thousands of
 * times under ASan: the accessors must never read outside the blob.
 *
 * Usage: test_fdt [fixture-dir]   (default: tests/unit/fixtures, i.e. run
 * from the top of the tree)
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fdt.h"
#include "test.h"
#include "dtb_build.h"

#define RV_VIRT	    "qemu-riscv64-virt.dtb"
#define RV_VIRT_PCI "qemu-riscv64-virt-pci-nics.dtb"
#define A64_GICV2   "qemu-aarch64-virt-gicv2.dtb"
#define A64_GICV3   "qemu-aarch64-virt-gicv3.dtb"

static const char *const all_fixtures[] = {
    RV_VIRT,
    RV_VIRT_PCI,
    A64_GICV2,
    A64_GICV3,
};
#define NFIXTURES (sizeof(all_fixtures) / sizeof(all_fixtures[0]))

static const char *fixture_dir = "tests/unit/fixtures";

/* --- fixtures ------------------------------------------------------ */

struct fixture {
	const char *name;
	uint8_t *data;
	size_t size;
};

static struct fixture loaded[NFIXTURES];

/* Load a fixture once; the buffer is exactly the file's size, so ASan
 * flags any read past its end. */
static const struct fixture *fixture(const char *name)
{
	char path[512];
	struct fixture *fx = NULL;
	FILE *f;
	long n;
	size_t i;

	for (i = 0; i < NFIXTURES; i++) {
		if (strcmp(all_fixtures[i], name) == 0)
			fx = &loaded[i];
	}
	if (!fx)
		FAIL_AT("unknown fixture %s", name);
	if (fx->data)
		return fx;

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	f = fopen(path, "rb");
	if (!f)
		FAIL_AT("cannot open %s", path);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		FAIL_AT("cannot size %s", path);
	}
	fx->data = malloc((size_t)n);
	if (!fx->data || fread(fx->data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		FAIL_AT("cannot read %s", path);
	}
	fclose(f);
	fx->name = name;
	fx->size = (size_t)n;
	return fx;
}

static void open_fdt(struct fdt *f, const char *name)
{
	const struct fixture *fx = fixture(name);

	CHECK_EQ(fdt_init(f, fx->data, fx->size), 0);
}

/*
 * One exact-size heap buffer, reused: each call frees the last one, so a
 * failing CHECK that longjmps out leaks nothing. ASan sees reads past its
 * end, which a stack or oversized buffer would hide.
 */
static uint8_t *scratch;

static uint8_t *scratch_copy(const void *src, size_t n)
{
	free(scratch);
	scratch = malloc(n ? n : 1);
	if (!scratch)
		FAIL_AT("out of memory");
	memcpy(scratch, src, n);
	return scratch;
}

/* A private copy of a fixture with one header field replaced; returns
 * fdt_init()'s verdict on it. */
static int init_with_field(const char *name, uint32_t field, uint32_t val)
{
	const struct fixture *fx = fixture(name);
	uint8_t *b = scratch_copy(fx->data, fx->size);
	struct fdt f;

	put_be32(b + field, val);
	return fdt_init(&f, b, fx->size);
}

static uint32_t fixture_field(const char *name, uint32_t field)
{
	return fdt_be32(fixture(name)->data + field);
}

/* --- hand-made (often broken) blobs: tests/unit/dtb_build.h ---------- */

/* Lay d out in an exact-size scratch buffer (so ASan sees any read past
 * its end), ended with FDT_END unless end_token is false; fdt_init() it
 * and return its verdict. */
static int dt_finish_opt(struct dtb *d, struct fdt *f, bool end_token)
{
	static uint8_t blob[DTB_BLOB_MAX];
	uint32_t total = dt_layout(d, blob, end_token);

	return fdt_init(f, scratch_copy(blob, total), total);
}

static void dt_finish(struct dtb *d, struct fdt *f)
{
	CHECK_EQ(dt_finish_opt(d, f, true), 0);
}

/* --- helpers over the API ------------------------------------------ */

/* strcmp() that fails a CHECK instead of crashing on NULL. */
static bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static int node_at(const struct fdt *f, const char *path)
{
	int n = fdt_path_offset(f, path);

	if (n < 0)
		FAIL_AT("path %s: %d", path, n);
	return n;
}

static int count_compatible(const struct fdt *f, const char *compat)
{
	int n, count = 0;

	for (n = fdt_find_compatible(f, -1, compat); n >= 0;
	     n = fdt_find_compatible(f, n, compat))
		count++;
	CHECK_EQ(n, -ENOENT);
	return count;
}

static void check_reg(const struct fdt *f, int node, int index, uint64_t addr,
		      uint64_t size)
{
	uint64_t a = 0xdead, s = 0xdead;

	CHECK_EQ(fdt_reg(f, node, index, &a, &s), 0);
	CHECK_EQ(a, addr);
	CHECK_EQ(s, size);
}

/* --- header ---------------------------------------------------------- */

TEST(test_fdt_header_size_reads_totalsize_before_init)
{
	size_t i;

	for (i = 0; i < NFIXTURES; i++) {
		const struct fixture *fx = fixture(all_fixtures[i]);

		CHECK_EQ(fdt_header_size(fx->data), fx->size);
	}
}

TEST(test_fdt_header_size_is_zero_for_bad_magic)
{
	uint8_t b[8] = {0xd0, 0x0d, 0xfe, 0xee, 0, 0, 0x10, 0};

	CHECK_EQ(fdt_header_size(b), 0);
}

TEST(test_fdt_init_accepts_every_qemu_fixture)
{
	struct fdt f;
	size_t i;

	for (i = 0; i < NFIXTURES; i++) {
		const struct fixture *fx = fixture(all_fixtures[i]);

		CHECK_EQ(fdt_init(&f, fx->data, fx->size), 0);
		CHECK(f.blob == fx->data);
		CHECK_EQ(f.size, fx->size);
		CHECK_EQ(f.off_struct, fixture_field(fx->name, H_OFF_STRUCT));
		CHECK_EQ(f.size_struct, fixture_field(fx->name, H_SIZE_STRUCT));
		CHECK_EQ(f.off_strings, fixture_field(fx->name, H_OFF_STRINGS));
		CHECK_EQ(f.size_strings,
			 fixture_field(fx->name, H_SIZE_STRINGS));
		CHECK_EQ(fdt_root(&f), 0);
	}
}

TEST(test_fdt_rejects_bad_magic)
{
	CHECK_EQ(init_with_field(RV_VIRT, H_MAGIC, 0xedfe0dd0), -EINVAL);
}

TEST(test_fdt_rejects_null_blob)
{
	struct fdt f;

	CHECK_EQ(fdt_init(&f, NULL, 4096), -EINVAL);
}

TEST(test_fdt_rejects_buffer_smaller_than_header)
{
	const struct fixture *fx = fixture(RV_VIRT);
	struct fdt f;
	size_t n;

	/* Each length gets its own exact-size copy: reading the header
	 * before checking max_size would trip ASan. */
	for (n = 0; n < H_SIZE; n++)
		CHECK_EQ(fdt_init(&f, scratch_copy(fx->data, n), n), -EINVAL);
}

TEST(test_fdt_rejects_totalsize_beyond_buffer)
{
	const struct fixture *fx = fixture(RV_VIRT);
	struct fdt f;

	CHECK_EQ(fdt_init(&f, fx->data, fx->size - 1), -EINVAL);
	CHECK_EQ(init_with_field(RV_VIRT, H_TOTALSIZE, (uint32_t)fx->size + 4),
		 -EINVAL);
	CHECK_EQ(init_with_field(RV_VIRT, H_TOTALSIZE, 0xffffffff), -EINVAL);
}

TEST(test_fdt_rejects_totalsize_smaller_than_header)
{
	CHECK_EQ(init_with_field(RV_VIRT, H_TOTALSIZE, H_SIZE - 1), -EINVAL);
}

TEST(test_fdt_rejects_totalsize_above_int_max)
{
	const struct fixture *fx = fixture(RV_VIRT);
	uint8_t *b = scratch_copy(fx->data, fx->size);
	struct fdt f;

	/* Node offsets are ints; a 2 GiB blob would overflow them. Only the
	 * header is read, so overstating max_size here is safe. */
	put_be32(b + H_TOTALSIZE, 0x80000000u);
	CHECK_EQ(fdt_init(&f, b, (size_t)0x80000000u), -EINVAL);
}

TEST(test_fdt_rejects_version_below_16)
{
	CHECK_EQ(init_with_field(RV_VIRT, H_VERSION, 15), -EINVAL);
	CHECK_EQ(init_with_field(RV_VIRT, H_VERSION, 1), -EINVAL);
}

TEST(test_fdt_rejects_last_comp_version_above_17)
{
	CHECK_EQ(init_with_field(RV_VIRT, H_LAST_COMP, 18), -EINVAL);
	CHECK_EQ(init_with_field(RV_VIRT, H_LAST_COMP, 0xffffffff), -EINVAL);
}

TEST(test_fdt_accepts_version_16_without_size_dt_struct)
{
	const struct fixture *fx = fixture(RV_VIRT);
	uint8_t *b = scratch_copy(fx->data, fx->size);
	struct fdt f;
	uint64_t addr, size;

	/* v16 has no size_dt_struct: poison it to prove it is not read. */
	put_be32(b + H_VERSION, 16);
	put_be32(b + H_SIZE_STRUCT, 0xffffffff);
	CHECK_EQ(fdt_init(&f, b, fx->size), 0);
	CHECK_EQ(f.size_struct, fx->size - f.off_struct);
	CHECK_EQ(fdt_reg(&f, node_at(&f, "/soc/serial"), 0, &addr, &size), 0);
	CHECK_EQ(addr, 0x10000000);
}

TEST(test_fdt_rejects_struct_block_beyond_totalsize)
{
	uint32_t total = fixture_field(RV_VIRT, H_TOTALSIZE);
	uint32_t off = fixture_field(RV_VIRT, H_OFF_STRUCT);

	CHECK_EQ(init_with_field(RV_VIRT, H_OFF_STRUCT, total + 4), -EINVAL);
	CHECK_EQ(init_with_field(RV_VIRT, H_SIZE_STRUCT, total - off + 1),
		 -EINVAL);
}

TEST(test_fdt_rejects_struct_block_whose_end_wraps_32_bits)
{
	/* 0xfffffff0 + size_dt_struct (0xec0) wraps to 0xeb0, inside
	 * totalsize: a naive "off + size <= total" would pass it. */
	CHECK_EQ(init_with_field(RV_VIRT, H_OFF_STRUCT, 0xfffffff0), -EINVAL);
	CHECK_EQ(init_with_field(RV_VIRT, H_SIZE_STRUCT, 0xfffffffc), -EINVAL);
}

TEST(test_fdt_rejects_strings_block_beyond_totalsize)
{
	uint32_t total = fixture_field(RV_VIRT, H_TOTALSIZE);
	uint32_t off = fixture_field(RV_VIRT, H_OFF_STRINGS);

	CHECK_EQ(init_with_field(RV_VIRT, H_OFF_STRINGS, total + 1), -EINVAL);
	CHECK_EQ(init_with_field(RV_VIRT, H_SIZE_STRINGS, total - off + 1),
		 -EINVAL);
}

TEST(test_fdt_rejects_strings_block_whose_end_wraps_32_bits)
{
	CHECK_EQ(init_with_field(RV_VIRT, H_OFF_STRINGS, 0xffffff00), -EINVAL);
	CHECK_EQ(init_with_field(RV_VIRT, H_SIZE_STRINGS, 0xffffffff), -EINVAL);
}

TEST(test_fdt_rejects_misaligned_struct_block)
{
	uint32_t off = fixture_field(RV_VIRT, H_OFF_STRUCT);

	CHECK_EQ(init_with_field(RV_VIRT, H_OFF_STRUCT, off + 2), -EINVAL);
	CHECK_EQ(init_with_field(RV_VIRT, H_OFF_STRUCT, off + 1), -EINVAL);
}

TEST(test_fdt_rejects_blocks_overlapping_header)
{
	CHECK_EQ(init_with_field(RV_VIRT, H_OFF_STRUCT, 0), -EINVAL);
	CHECK_EQ(init_with_field(RV_VIRT, H_OFF_STRINGS, 4), -EINVAL);
}

/* --- facts: QEMU riscv64 virt ---------------------------------------- */

TEST(test_fdt_finds_memory_at_2gib_size_256mib_in_qemu_riscv64_virt)
{
	struct fdt f;
	int mem;

	open_fdt(&f, RV_VIRT);
	mem = node_at(&f, "/memory");
	CHECK(str_eq(fdt_getprop_str(&f, mem, "device_type"), "memory"));
	check_reg(&f, mem, 0, 0x80000000, 256u << 20);
	CHECK_EQ(fdt_reg(&f, mem, 1, NULL, NULL), -ENOENT);
}

TEST(test_fdt_finds_uart_reg_in_qemu_riscv64_virt)
{
	struct fdt f;
	int uart;

	open_fdt(&f, RV_VIRT);
	uart = fdt_find_compatible(&f, -1, "ns16550a");
	CHECK(uart >= 0);
	CHECK(str_eq(fdt_node_name(&f, uart), "serial@10000000"));
	CHECK_EQ(fdt_path_offset(&f, "/soc/serial"), uart);
	CHECK_EQ(fdt_path_offset(&f, "/soc/serial@10000000"), uart);
	check_reg(&f, uart, 0, 0x10000000, 0x100);
	CHECK(fdt_is_enabled(&f, uart));
	CHECK_EQ(fdt_find_compatible(&f, uart, "ns16550a"), -ENOENT);
}

TEST(test_fdt_stdout_path_names_the_uart_in_qemu_riscv64_virt)
{
	struct fdt f;
	const char *path;

	open_fdt(&f, RV_VIRT);
	path = fdt_getprop_str(&f, node_at(&f, "/chosen"), "stdout-path");
	CHECK(str_eq(path, "/soc/serial@10000000"));
	CHECK_EQ(fdt_path_offset(&f, path),
		 fdt_find_compatible(&f, -1, "ns16550a"));
}

TEST(test_fdt_reads_uart_clock_frequency_as_u32_in_qemu_riscv64_virt)
{
	struct fdt f;
	uint32_t hz = 0;

	/* dtc prints this one as the string "\08@": it is <0x384000>. */
	open_fdt(&f, RV_VIRT);
	CHECK_EQ(fdt_getprop_u32(&f, node_at(&f, "/soc/serial"),
				 "clock-frequency", &hz),
		 0);
	CHECK_EQ(hz, 3686400);
}

TEST(test_fdt_finds_plic_in_qemu_riscv64_virt)
{
	struct fdt f;
	uint32_t ndev = 0;
	int plic;

	open_fdt(&f, RV_VIRT);
	plic = fdt_find_compatible(&f, -1, "riscv,plic0");
	if (plic < 0)
		plic = fdt_find_compatible(&f, -1, "sifive,plic-1.0.0");
	CHECK(plic >= 0);
	CHECK(fdt_is_compatible(&f, plic, "sifive,plic-1.0.0"));
	CHECK(fdt_getprop(&f, plic, "interrupt-controller", NULL) != NULL);
	check_reg(&f, plic, 0, 0xc000000, 0x600000);
	CHECK_EQ(fdt_getprop_u32(&f, plic, "riscv,ndev", &ndev), 0);
	CHECK_EQ(ndev, 0x60);
	/* The PLIC declares #address-cells = <0> for interrupt-map use. */
	CHECK_EQ(fdt_address_cells(&f, plic), 0);
}

TEST(test_fdt_uart_interrupt_parent_resolves_to_plic_in_qemu_riscv64_virt)
{
	struct fdt f;
	uint32_t ph = 0, irq = 0;
	int uart;

	open_fdt(&f, RV_VIRT);
	uart = node_at(&f, "/soc/serial");
	CHECK_EQ(fdt_getprop_u32(&f, uart, "interrupt-parent", &ph), 0);
	CHECK_EQ(fdt_find_phandle(&f, ph), node_at(&f, "/soc/plic"));
	CHECK_EQ(fdt_getprop_u32(&f, uart, "interrupts", &irq), 0);
	CHECK_EQ(irq, 10);
}

TEST(test_fdt_reads_timebase_frequency_from_cpus_in_qemu_riscv64_virt)
{
	struct fdt f;
	uint32_t tb = 0;

	open_fdt(&f, RV_VIRT);
	CHECK_EQ(fdt_getprop_u32(&f, node_at(&f, "/cpus"), "timebase-frequency",
				 &tb),
		 0);
	CHECK_EQ(tb, 10000000);
}

TEST(test_fdt_counts_8_virtio_mmio_nodes_in_qemu_riscv64_virt)
{
	struct fdt f;
	uint64_t addr, size;
	unsigned int seen = 0;
	int n;

	open_fdt(&f, RV_VIRT);
	CHECK_EQ(count_compatible(&f, "virtio,mmio"), 8);
	/* One 4 KiB window each at 0x10001000 .. 0x10008000. */
	for (n = fdt_find_compatible(&f, -1, "virtio,mmio"); n >= 0;
	     n = fdt_find_compatible(&f, n, "virtio,mmio")) {
		CHECK_EQ(fdt_reg(&f, n, 0, &addr, &size), 0);
		CHECK_EQ(size, 0x1000);
		CHECK(addr >= 0x10001000 && addr <= 0x10008000);
		CHECK_EQ(addr & 0xfff, 0);
		seen |= 1u << ((addr - 0x10001000) >> 12);
	}
	CHECK_EQ(seen, 0xff);
}

static void check_riscv_pci_host(const char *fixture_name)
{
	struct fdt f;
	uint32_t len = 0;
	int pci;

	open_fdt(&f, fixture_name);
	pci = fdt_find_compatible(&f, -1, "pci-host-ecam-generic");
	CHECK(pci >= 0);
	CHECK_EQ(fdt_path_offset(&f, "/soc/pci"), pci);
	check_reg(&f, pci, 0, 0x30000000, 0x10000000);
	CHECK(str_eq(fdt_getprop_str(&f, pci, "device_type"), "pci"));
	CHECK_EQ(fdt_address_cells(&f, pci), 3);
	CHECK_EQ(fdt_size_cells(&f, pci), 2);
	/* ranges: I/O, 32-bit MMIO, 64-bit MMIO; 7 cells each
	 * (3 child address + 2 parent address + 2 size). */
	CHECK(fdt_getprop(&f, pci, "ranges", &len) != NULL);
	CHECK_EQ(len, 3 * 7 * 4);
	/* interrupt-map: 4 slots x INTA-D; 6 cells each (3 address +
	 * 1 pin + PLIC phandle + 1 PLIC interrupt). */
	CHECK(fdt_getprop(&f, pci, "interrupt-map", &len) != NULL);
	CHECK_EQ(len, 16 * 6 * 4);
	CHECK(fdt_getprop(&f, pci, "interrupt-map-mask", &len) != NULL);
	CHECK_EQ(len, 4 * 4);
}

TEST(test_fdt_finds_pci_ecam_ranges_and_interrupt_map_in_qemu_riscv64_virt)
{
	check_riscv_pci_host(RV_VIRT);
	check_riscv_pci_host(RV_VIRT_PCI);
}

TEST(test_fdt_pci_nics_are_not_in_the_qemu_riscv64_virt_tree)
{
	struct fdt plain, nics;
	int a, b;

	/* -device virtio-net-pci / e1000 sit behind ECAM and are found by
	 * PCI enumeration, not the DT: both trees hold the same nodes. */
	open_fdt(&plain, RV_VIRT);
	open_fdt(&nics, RV_VIRT_PCI);
	for (a = fdt_next_node(&plain, -1), b = fdt_next_node(&nics, -1);
	     a >= 0 && b >= 0;
	     a = fdt_next_node(&plain, a), b = fdt_next_node(&nics, b))
		CHECK(
		    str_eq(fdt_node_name(&plain, a), fdt_node_name(&nics, b)));
	CHECK_EQ(a, -ENOENT);
	CHECK_EQ(b, -ENOENT);
}

TEST(test_fdt_reg_with_zero_size_cells_reads_hart_id_in_qemu_riscv64_virt)
{
	struct fdt f;
	int cpu;

	open_fdt(&f, RV_VIRT);
	cpu = node_at(&f, "/cpus/cpu@0");
	CHECK_EQ(fdt_size_cells(&f, node_at(&f, "/cpus")), 0);
	check_reg(&f, cpu, 0, 0, 0);
	CHECK(fdt_is_enabled(&f, cpu));
}

TEST(test_fdt_reg_reads_second_flash_bank_in_qemu_riscv64_virt)
{
	struct fdt f;
	int flash;

	open_fdt(&f, RV_VIRT);
	flash = node_at(&f, "/flash");
	check_reg(&f, flash, 0, 0x20000000, 0x2000000);
	check_reg(&f, flash, 1, 0x22000000, 0x2000000);
	CHECK_EQ(fdt_reg(&f, flash, 2, NULL, NULL), -ENOENT);
	CHECK_EQ(fdt_reg(&f, flash, -1, NULL, NULL), -EINVAL);
}

/* --- facts: QEMU aarch64 virt ---------------------------------------- */

TEST(test_fdt_finds_pl011_at_0x9000000_in_qemu_aarch64_virt)
{
	const char *const names[] = {A64_GICV2, A64_GICV3};
	const char *path;
	struct fdt f;
	unsigned int i;
	int uart;

	for (i = 0; i < 2; i++) {
		open_fdt(&f, names[i]);
		uart = fdt_find_compatible(&f, -1, "arm,pl011");
		CHECK(uart >= 0);
		CHECK(fdt_is_compatible(&f, uart, "arm,primecell"));
		check_reg(&f, uart, 0, 0x9000000, 0x1000);
		path =
		    fdt_getprop_str(&f, node_at(&f, "/chosen"), "stdout-path");
		CHECK(path && fdt_path_offset(&f, path) == uart);
	}
}

TEST(test_fdt_finds_memory_at_1gib_size_256mib_in_qemu_aarch64_virt)
{
	struct fdt f;

	open_fdt(&f, A64_GICV2);
	check_reg(&f, node_at(&f, "/memory"), 0, 0x40000000, 256u << 20);
}

TEST(test_fdt_finds_gicv2_distributor_and_cpu_interface_in_qemu_aarch64_virt)
{
	struct fdt f;
	int gic, v2m;

	open_fdt(&f, A64_GICV2);
	gic = fdt_find_compatible(&f, -1, "arm,cortex-a15-gic");
	CHECK(gic >= 0);
	CHECK_EQ(fdt_find_compatible(&f, -1, "arm,gic-v3"), -ENOENT);
	check_reg(&f, gic, 0, 0x8000000, 0x10000); /* GICD */
	check_reg(&f, gic, 1, 0x8010000, 0x10000); /* GICC */
	v2m = fdt_first_child(&f, gic);
	CHECK(fdt_is_compatible(&f, v2m, "arm,gic-v2m-frame"));
	CHECK_EQ(fdt_parent(&f, v2m), gic);
	check_reg(&f, v2m, 0, 0x8020000, 0x1000);
}

TEST(test_fdt_finds_gicv3_redistributor_and_its_in_qemu_aarch64_virt)
{
	struct fdt f;
	uint32_t regions = 0;
	int gic, its;

	open_fdt(&f, A64_GICV3);
	gic = fdt_find_compatible(&f, -1, "arm,gic-v3");
	CHECK(gic >= 0);
	CHECK_EQ(fdt_find_compatible(&f, -1, "arm,cortex-a15-gic"), -ENOENT);
	check_reg(&f, gic, 0, 0x8000000, 0x10000);  /* GICD */
	check_reg(&f, gic, 1, 0x80a0000, 0xf60000); /* GICR */
	CHECK_EQ(fdt_getprop_u32(&f, gic, "#redistributor-regions", &regions),
		 0);
	CHECK_EQ(regions, 1);
	its = fdt_find_compatible(&f, -1, "arm,gic-v3-its");
	CHECK_EQ(fdt_parent(&f, its), gic);
	check_reg(&f, its, 0, 0x8080000, 0x20000);
}

TEST(test_fdt_root_interrupt_parent_resolves_to_gic_in_qemu_aarch64_virt)
{
	const char *const names[] = {A64_GICV2, A64_GICV3};
	struct fdt f;
	uint32_t ph = 0;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		open_fdt(&f, names[i]);
		CHECK_EQ(
		    fdt_getprop_u32(&f, fdt_root(&f), "interrupt-parent", &ph),
		    0);
		CHECK_EQ(fdt_find_phandle(&f, ph), node_at(&f, "/intc"));
	}
}

TEST(test_fdt_finds_high_ecam_pcie_above_4gib_in_qemu_aarch64_virt)
{
	struct fdt f;
	uint32_t len = 0;
	int pcie;

	open_fdt(&f, A64_GICV2);
	pcie = fdt_find_compatible(&f, -1, "pci-host-ecam-generic");
	CHECK_EQ(fdt_path_offset(&f, "/pcie"), pcie);
	/* Both address cells matter: ECAM is at 0x40_1000_0000. */
	check_reg(&f, pcie, 0, 0x4010000000ull, 0x10000000);
	CHECK(fdt_getprop(&f, pcie, "ranges", &len) != NULL);
	CHECK_EQ(len, 3 * 7 * 4);
	/* 16 entries of 3 + 1 + phandle + 2 GIC address + 3 GIC cells. */
	CHECK(fdt_getprop(&f, pcie, "interrupt-map", &len) != NULL);
	CHECK_EQ(len, 16 * 10 * 4);
}

TEST(test_fdt_counts_32_virtio_mmio_nodes_in_qemu_aarch64_virt)
{
	struct fdt f;

	open_fdt(&f, A64_GICV3);
	CHECK_EQ(count_compatible(&f, "virtio,mmio"), 32);
	check_reg(&f, node_at(&f, "/virtio_mmio@a003e00"), 0, 0xa003e00, 0x200);
}

/* --- tree walking ---------------------------------------------------- */

TEST(test_fdt_root_name_is_empty_and_root_has_no_parent)
{
	struct fdt f;
	int root;

	open_fdt(&f, RV_VIRT);
	root = fdt_root(&f);
	CHECK(root >= 0);
	CHECK(str_eq(fdt_node_name(&f, root), ""));
	CHECK_EQ(fdt_path_offset(&f, "/"), root);
	CHECK_EQ(fdt_parent(&f, root), -ENOENT);
	CHECK_EQ(fdt_next_sibling(&f, root), -ENOENT);
	CHECK_EQ(fdt_next_node(&f, -1), root);
}

TEST(test_fdt_parent_walks_up_to_root)
{
	struct fdt f;
	int intc, cpu, cpus;

	open_fdt(&f, RV_VIRT);
	intc = node_at(&f, "/cpus/cpu@0/interrupt-controller");
	cpu = node_at(&f, "/cpus/cpu@0");
	cpus = node_at(&f, "/cpus");
	CHECK_EQ(fdt_parent(&f, intc), cpu);
	CHECK_EQ(fdt_parent(&f, cpu), cpus);
	CHECK_EQ(fdt_parent(&f, cpus), fdt_root(&f));
	CHECK_EQ(fdt_parent(&f, node_at(&f, "/soc/plic")), node_at(&f, "/soc"));
}

/* Pre-order via first_child/next_sibling with an explicit stack. */
static int preorder_next(const struct fdt *f, int *stack, int *depth)
{
	int n = stack[*depth], next;

	next = fdt_first_child(f, n);
	if (next >= 0) {
		stack[++*depth] = next;
		return next;
	}
	while (*depth >= 0) {
		next = fdt_next_sibling(f, stack[*depth]);
		if (next >= 0) {
			stack[*depth] = next;
			return next;
		}
		CHECK_EQ(next, -ENOENT);
		--*depth;
	}
	return -ENOENT;
}

TEST(test_fdt_next_node_matches_child_sibling_preorder_walk)
{
	const int expected_nodes[] = {30, 30, 56, 56};
	int stack[64], depth, a, b, count;
	struct fdt f;
	size_t i;

	for (i = 0; i < NFIXTURES; i++) {
		open_fdt(&f, all_fixtures[i]);
		depth = 0;
		stack[0] = fdt_root(&f);
		a = fdt_next_node(&f, -1);
		b = stack[0];
		for (count = 0; a >= 0; count++) {
			CHECK_EQ(a, b);
			CHECK(depth < 63);
			a = fdt_next_node(&f, a);
			b = preorder_next(&f, stack, &depth);
		}
		CHECK_EQ(a, -ENOENT);
		CHECK_EQ(b, -ENOENT);
		/* Node counts from "dtc -O dts" (see fixtures/README). */
		CHECK_EQ(count, expected_nodes[i]);
	}
}

TEST(test_fdt_path_offset_matches_component_without_unit_address)
{
	struct fdt f;
	int soc, rtc;

	open_fdt(&f, RV_VIRT);
	soc = node_at(&f, "/soc");
	rtc = node_at(&f, "/soc/rtc@101000");
	CHECK_EQ(fdt_path_offset(&f, "/soc/rtc"), rtc);
	CHECK_EQ(fdt_parent(&f, rtc), soc);
	/* Repeated and trailing slashes are harmless. */
	CHECK_EQ(fdt_path_offset(&f, "//soc///rtc/"), rtc);
	CHECK_EQ(fdt_path_offset(&f, "/cpus/cpu/interrupt-controller"),
		 node_at(&f, "/cpus/cpu@0/interrupt-controller"));
	CHECK_EQ(fdt_path_offset(&f, "/cpus/cpu-map/cluster0/core0"),
		 fdt_first_child(&f, node_at(&f, "/cpus/cpu-map/cluster0")));
}

TEST(test_fdt_path_offset_does_not_match_name_prefix_or_wrong_unit)
{
	struct fdt f;

	/* aarch64 lists cpu-map before cpu@0: "cpu" must skip cpu-map. */
	open_fdt(&f, A64_GICV2);
	CHECK(str_eq(fdt_node_name(&f, node_at(&f, "/cpus/cpu")), "cpu@0"));
	CHECK_EQ(fdt_path_offset(&f, "/cpus/cpu-m"), -ENOENT);
	CHECK_EQ(fdt_path_offset(&f, "/virtio"), -ENOENT);
	CHECK_EQ(fdt_path_offset(&f, "/pl011@900000"), -ENOENT);
	CHECK_EQ(fdt_path_offset(&f, "/pl011@90000000"), -ENOENT);
	CHECK_EQ(fdt_path_offset(&f, "/nonexistent/pl011"), -ENOENT);
	CHECK_EQ(fdt_path_offset(&f, "/pl011@9000000/x"), -ENOENT);
	CHECK_EQ(fdt_path_offset(&f, "pl011"), -ENOENT);
	CHECK_EQ(fdt_path_offset(&f, ""), -ENOENT);
	CHECK_EQ(fdt_path_offset(&f, NULL), -ENOENT);
}

/* --- properties ------------------------------------------------------ */

TEST(test_fdt_getprop_absent_returns_null_and_leaves_len_untouched)
{
	struct fdt f;
	uint32_t len = 0x5a5a5a5a, v = 7;
	int uart;

	open_fdt(&f, RV_VIRT);
	uart = node_at(&f, "/soc/serial");
	CHECK(fdt_getprop(&f, uart, "no-such-prop", &len) == NULL);
	CHECK_EQ(len, 0x5a5a5a5a);
	CHECK(fdt_getprop_str(&f, uart, "no-such-prop") == NULL);
	CHECK_EQ(fdt_getprop_u32(&f, uart, "no-such-prop", &v), -ENOENT);
	CHECK_EQ(v, 7);
	/* A property of a child is not a property of its parent. */
	CHECK(fdt_getprop(&f, node_at(&f, "/soc"), "clock-frequency", NULL) ==
	      NULL);
	/* Names match whole: "reg" is not "re" or "regs". */
	CHECK(fdt_getprop(&f, uart, "re", NULL) == NULL);
	CHECK(fdt_getprop(&f, uart, "regs", NULL) == NULL);
}

TEST(test_fdt_getprop_returns_empty_value_for_boolean_property)
{
	struct fdt f;
	uint32_t len = 99;

	open_fdt(&f, RV_VIRT);
	CHECK(fdt_getprop(&f, node_at(&f, "/soc/pci"), "dma-coherent", &len) !=
	      NULL);
	CHECK_EQ(len, 0);
}

TEST(test_fdt_is_compatible_matches_any_string_in_list_but_not_prefixes)
{
	struct fdt f;
	int test;

	open_fdt(&f, RV_VIRT);
	/* compatible = "sifive,test1", "sifive,test0", "syscon" */
	test = node_at(&f, "/soc/test");
	CHECK(fdt_is_compatible(&f, test, "sifive,test1"));
	CHECK(fdt_is_compatible(&f, test, "sifive,test0"));
	CHECK(fdt_is_compatible(&f, test, "syscon"));
	CHECK(!fdt_is_compatible(&f, test, "sifive,test"));
	CHECK(!fdt_is_compatible(&f, test, "sys"));
	CHECK(!fdt_is_compatible(&f, test, ""));
	CHECK(!fdt_is_compatible(&f, node_at(&f, "/cpus"), "riscv"));
}

TEST(test_fdt_find_phandle_rejects_0_and_all_ones)
{
	struct fdt f;

	open_fdt(&f, RV_VIRT);
	CHECK_EQ(fdt_find_phandle(&f, 0), -ENOENT);
	CHECK_EQ(fdt_find_phandle(&f, 0xffffffff), -ENOENT);
	CHECK_EQ(fdt_find_phandle(&f, 0x1234), -ENOENT);
	CHECK_EQ(fdt_find_phandle(&f, 1), node_at(&f, "/cpus/cpu@0"));
}

/* --- hand-built blobs ------------------------------------------------ */

TEST(test_fdt_find_phandle_ignores_nodes_declaring_0_or_all_ones)
{
	static struct dtb d;
	struct fdt f;

	/* dtc never assigns 0 or 0xffffffff and both are used to mean "no
	 * phandle", so a lookup must not return a node that declares one. */
	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_begin(&d, "zero");
	dt_prop_u32(&d, "phandle", 0);
	dt_end(&d);
	dt_begin(&d, "ones");
	dt_prop_u32(&d, "phandle", 0xffffffff);
	dt_end(&d);
	dt_begin(&d, "legacy");
	dt_prop_u32(&d, "linux,phandle", 7);
	dt_end(&d);
	dt_end(&d);
	dt_finish(&d, &f);

	CHECK_EQ(fdt_find_phandle(&f, 0), -ENOENT);
	CHECK_EQ(fdt_find_phandle(&f, 0xffffffff), -ENOENT);
	CHECK_EQ(fdt_find_phandle(&f, 7), node_at(&f, "/legacy"));
}

TEST(test_fdt_reg_decodes_one_cell_address_and_size)
{
	static struct dtb d;
	const uint32_t reg[] = {0x1000, 0x100, 0x2000, 0x200};
	struct fdt f;
	int dev;

	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_prop_u32(&d, "#address-cells", 1);
	dt_prop_u32(&d, "#size-cells", 1);
	dt_begin(&d, "dev@1000");
	dt_prop_cells(&d, "reg", reg, 4);
	dt_end(&d);
	dt_end(&d);
	dt_finish(&d, &f);

	dev = node_at(&f, "/dev");
	check_reg(&f, dev, 0, 0x1000, 0x100);
	check_reg(&f, dev, 1, 0x2000, 0x200);
	CHECK_EQ(fdt_reg(&f, dev, 2, NULL, NULL), -ENOENT);
}

TEST(test_fdt_reg_uses_default_2_1_cells_when_parent_declares_none)
{
	static struct dtb d;
	const uint32_t reg[] = {0x1, 0x2, 0x3};
	struct fdt f;
	int bus;

	/* The grandparent's 1/1 must not be inherited (DTSpec 2.3.5). */
	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_prop_u32(&d, "#address-cells", 1);
	dt_prop_u32(&d, "#size-cells", 1);
	dt_begin(&d, "bus");
	dt_begin(&d, "dev");
	dt_prop_cells(&d, "reg", reg, 3);
	dt_end(&d);
	dt_end(&d);
	dt_end(&d);
	dt_finish(&d, &f);

	bus = node_at(&f, "/bus");
	CHECK_EQ(fdt_address_cells(&f, bus), 2);
	CHECK_EQ(fdt_size_cells(&f, bus), 1);
	check_reg(&f, node_at(&f, "/bus/dev"), 0, 0x100000002ull, 3);
}

TEST(test_fdt_reg_rejects_three_cell_pci_addresses)
{
	static struct dtb d;
	const uint32_t reg[] = {0x800, 0, 0, 0, 0};
	struct fdt f;

	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_begin(&d, "pci");
	dt_prop_u32(&d, "#address-cells", 3);
	dt_prop_u32(&d, "#size-cells", 2);
	dt_begin(&d, "dev@1,0");
	dt_prop_cells(&d, "reg", reg, 5);
	dt_end(&d);
	dt_end(&d);
	dt_end(&d);
	dt_finish(&d, &f);

	CHECK_EQ(fdt_reg(&f, node_at(&f, "/pci/dev"), 0, NULL, NULL), -EINVAL);
}

TEST(test_fdt_reg_rejects_length_not_a_multiple_of_entry)
{
	static struct dtb d;
	const uint32_t reg[] = {0, 0x1000, 0};
	struct fdt f;

	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_begin(&d, "dev");
	dt_prop_cells(&d, "reg", reg, 3);
	dt_end(&d);
	dt_begin(&d, "dev2");
	dt_prop(&d, "reg", "\0\0\0\0\0\0\0\0\0\0\0\0\0", 13);
	dt_end(&d);
	dt_end(&d);
	dt_finish(&d, &f);

	/* Root defaults are 2/1: 12 bytes is one entry, 13 is not. */
	check_reg(&f, node_at(&f, "/dev"), 0, 0x1000, 0);
	CHECK_EQ(fdt_reg(&f, node_at(&f, "/dev2"), 0, NULL, NULL), -EINVAL);
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), 0, NULL, NULL), -ENOENT);
}

TEST(test_fdt_reg_rejects_short_cell_count_property)
{
	static struct dtb d;
	const uint32_t reg[] = {1, 2};
	struct fdt f;
	int bus;

	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_begin(&d, "bus");
	dt_prop(&d, "#address-cells", "\0\1", 2);
	dt_prop_u32(&d, "#size-cells", 1);
	dt_begin(&d, "dev");
	dt_prop_cells(&d, "reg", reg, 2);
	dt_end(&d);
	dt_end(&d);
	dt_end(&d);
	dt_finish(&d, &f);

	bus = node_at(&f, "/bus");
	CHECK_EQ(fdt_address_cells(&f, bus), UINT32_MAX);
	CHECK_EQ(fdt_size_cells(&f, bus), 1);
	CHECK_EQ(fdt_reg(&f, node_at(&f, "/bus/dev"), 0, NULL, NULL), -EINVAL);
}

TEST(test_fdt_is_enabled_accepts_only_absent_okay_and_ok)
{
	static struct dtb d;
	struct fdt f;

	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_begin(&d, "absent");
	dt_end(&d);
	dt_begin(&d, "okay");
	dt_prop_str(&d, "status", "okay");
	dt_end(&d);
	dt_begin(&d, "ok");
	dt_prop_str(&d, "status", "ok");
	dt_end(&d);
	dt_begin(&d, "disabled");
	dt_prop_str(&d, "status", "disabled");
	dt_end(&d);
	dt_begin(&d, "okayish");
	dt_prop_str(&d, "status", "okayish");
	dt_end(&d);
	dt_begin(&d, "unterminated");
	dt_prop(&d, "status", "okay", 4);
	dt_end(&d);
	dt_begin(&d, "empty");
	dt_prop(&d, "status", "", 0);
	dt_end(&d);
	dt_end(&d);
	dt_finish(&d, &f);

	CHECK(fdt_is_enabled(&f, node_at(&f, "/absent")));
	CHECK(fdt_is_enabled(&f, node_at(&f, "/okay")));
	CHECK(fdt_is_enabled(&f, node_at(&f, "/ok")));
	CHECK(!fdt_is_enabled(&f, node_at(&f, "/disabled")));
	CHECK(!fdt_is_enabled(&f, node_at(&f, "/okayish")));
	CHECK(!fdt_is_enabled(&f, node_at(&f, "/unterminated")));
	CHECK(!fdt_is_enabled(&f, node_at(&f, "/empty")));
}

TEST(test_fdt_getprop_str_and_compatible_reject_unterminated_values)
{
	static struct dtb d;
	struct fdt f;
	int n;

	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_begin(&d, "n");
	dt_prop(&d, "model", "abcd", 4);
	dt_prop(&d, "compatible", "good\0bad", 8);
	dt_prop(&d, "empty", "", 0);
	dt_end(&d);
	dt_end(&d);
	dt_finish(&d, &f);

	n = node_at(&f, "/n");
	CHECK(fdt_getprop(&f, n, "model", NULL) != NULL);
	CHECK(fdt_getprop_str(&f, n, "model") == NULL);
	CHECK(fdt_getprop_str(&f, n, "empty") == NULL);
	CHECK(str_eq(fdt_getprop_str(&f, n, "compatible"), "good"));
	CHECK(fdt_is_compatible(&f, n, "good"));
	CHECK(!fdt_is_compatible(&f, n, "bad"));
}

TEST(test_fdt_getprop_u32_rejects_short_property)
{
	static struct dtb d;
	struct fdt f;
	uint32_t v = 7;
	int n;

	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_begin(&d, "n");
	dt_prop(&d, "short", "\1\2\3", 3);
	dt_prop(&d, "long", "\1\2\3\4\5\6\7\10", 8);
	dt_end(&d);
	dt_end(&d);
	dt_finish(&d, &f);

	n = node_at(&f, "/n");
	CHECK_EQ(fdt_getprop_u32(&f, n, "short", &v), -EINVAL);
	CHECK_EQ(v, 7);
	CHECK_EQ(fdt_getprop_u32(&f, n, "long", &v), 0);
	CHECK_EQ(v, 0x01020304);
}

TEST(test_fdt_read_cells_rejects_out_of_bounds_and_bad_counts)
{
	/* Heap-exact so ASan would see a read past the 8 bytes. */
	const uint8_t cells[8] = {0x12, 0x34, 0x56, 0x78,
				  0x9a, 0xbc, 0xde, 0xf0};
	uint8_t *p = scratch_copy(cells, sizeof(cells));
	uint64_t v = 0;

	CHECK(fdt_read_cells(p, 8, 0, 2, &v));
	CHECK_EQ(v, 0x123456789abcdef0ull);
	CHECK(fdt_read_cells(p, 8, 1, 1, &v));
	CHECK_EQ(v, 0x9abcdef0);
	CHECK(!fdt_read_cells(p, 8, 1, 2, &v));
	CHECK(!fdt_read_cells(p, 8, 2, 1, &v));
	CHECK(!fdt_read_cells(p, 7, 1, 1, &v)); /* partial cell */
	CHECK(!fdt_read_cells(p, 8, 0, 0, &v));
	CHECK(!fdt_read_cells(p, 8, 0, 3, &v));
	/* idx * 4 would wrap 32 bits to 0. */
	CHECK(!fdt_read_cells(p, 8, 0x40000000, 1, &v));
	CHECK(!fdt_read_cells(p, 8, 0xffffffff, 2, &v));
	CHECK(!fdt_read_cells(NULL, 8, 0, 1, &v));
	CHECK_EQ(v, 0x9abcdef0);
}

TEST(test_fdt_skips_nop_tokens_anywhere_between_tokens)
{
	static struct dtb d;
	struct fdt f;
	uint32_t v = 0;
	int root, a, b;

	memset(&d, 0, sizeof(d));
	dt_nop(&d);
	dt_begin(&d, "");
	dt_nop(&d);
	dt_prop_u32(&d, "x", 1);
	dt_nop(&d);
	dt_begin(&d, "a");
	dt_nop(&d);
	dt_prop_u32(&d, "y", 2);
	dt_end(&d);
	dt_nop(&d);
	dt_begin(&d, "b");
	dt_end(&d);
	dt_nop(&d);
	dt_end(&d);
	dt_nop(&d);
	dt_finish(&d, &f);

	root = fdt_root(&f);
	CHECK_EQ(root, 4);
	CHECK_EQ(fdt_getprop_u32(&f, root, "x", &v), 0);
	CHECK_EQ(v, 1);
	a = fdt_first_child(&f, root);
	CHECK(str_eq(fdt_node_name(&f, a), "a"));
	CHECK_EQ(fdt_getprop_u32(&f, a, "y", &v), 0);
	CHECK_EQ(v, 2);
	b = fdt_next_sibling(&f, a);
	CHECK(str_eq(fdt_node_name(&f, b), "b"));
	CHECK_EQ(fdt_next_sibling(&f, b), -ENOENT);
	CHECK_EQ(fdt_parent(&f, b), root);
	CHECK_EQ(fdt_next_node(&f, b), -ENOENT);
}

TEST(test_fdt_rejects_node_name_unterminated_in_struct_block)
{
	static struct dtb d;
	struct fdt f;

	/* No FDT_END: the name runs to the end of the structure block. The
	 * strings block right after it holds a NUL, which must not count. */
	memset(&d, 0, sizeof(d));
	dt_word(&d, 0x1);
	dt_word(&d, 0x61626364); /* "abcd", no NUL */
	dt_string(&d, "x");
	CHECK_EQ(dt_finish_opt(&d, &f, false), 0);

	CHECK_EQ(fdt_root(&f), -EINVAL);
	CHECK(fdt_node_name(&f, 0) == NULL);
	CHECK_EQ(fdt_next_node(&f, -1), -EINVAL);
	CHECK_EQ(fdt_path_offset(&f, "/"), -EINVAL);
	CHECK_EQ(fdt_find_compatible(&f, -1, "x"), -EINVAL);
}

TEST(test_fdt_rejects_property_len_past_struct_block)
{
	static struct dtb d;
	struct fdt f;
	int root;

	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_word(&d, 0x3);
	dt_word(&d, 0x7ffffff0); /* len */
	dt_word(&d, dt_string(&d, "big"));
	dt_word(&d, 0);
	dt_end(&d);
	dt_finish(&d, &f);

	root = fdt_root(&f);
	CHECK_EQ(root, 0);
	CHECK(fdt_getprop(&f, root, "big", NULL) == NULL);
	CHECK_EQ(fdt_first_child(&f, root), -EINVAL);
	CHECK_EQ(fdt_next_node(&f, root), -EINVAL);
	CHECK_EQ(fdt_next_sibling(&f, root), -EINVAL);
}

TEST(test_fdt_rejects_property_len_that_wraps_offset)
{
	static struct dtb d;
	struct fdt f;

	/* off + 12 + 0xfffffff8 wraps to just behind the property. */
	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_word(&d, 0x3);
	dt_word(&d, 0xfffffff8);
	dt_word(&d, dt_string(&d, "wrap"));
	dt_end(&d);
	dt_finish(&d, &f);

	CHECK(fdt_getprop(&f, 0, "wrap", NULL) == NULL);
	CHECK_EQ(fdt_next_node(&f, 0), -EINVAL);
}

TEST(test_fdt_rejects_property_nameoff_outside_strings_block)
{
	static struct dtb d;
	struct fdt f;

	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_prop_u32(&d, "a", 1);
	dt_word(&d, 0x3);
	dt_word(&d, 4);
	dt_word(&d, 0xfffffffe); /* nameoff */
	dt_word(&d, 2);
	dt_end(&d);
	dt_finish(&d, &f);

	/* A property before the bad one is still found; none after it. */
	CHECK(fdt_getprop(&f, 0, "a", NULL) != NULL);
	CHECK(fdt_getprop(&f, 0, "b", NULL) == NULL);
	CHECK_EQ(fdt_first_child(&f, 0), -ENOENT);
}

TEST(test_fdt_rejects_property_name_unterminated_in_strings_block)
{
	static struct dtb d;
	struct fdt f;

	/* The strings block is "abc" with no NUL; properties name "abc"
	 * and "c". Neither may match, nor may the NUL-less tail be read
	 * past. */
	memset(&d, 0, sizeof(d));
	memcpy(d.str, "abc", 3);
	d.str_len = 3;
	dt_begin(&d, "");
	dt_word(&d, 0x3);
	dt_word(&d, 0);
	dt_word(&d, 0);
	dt_word(&d, 0x3);
	dt_word(&d, 0);
	dt_word(&d, 2);
	dt_end(&d);
	dt_finish(&d, &f);

	CHECK(fdt_getprop(&f, 0, "abc", NULL) == NULL);
	CHECK(fdt_getprop(&f, 0, "ab", NULL) == NULL);
	CHECK(fdt_getprop(&f, 0, "c", NULL) == NULL);
}

TEST(test_fdt_rejects_unknown_token)
{
	static struct dtb d;
	struct fdt f;

	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_begin(&d, "a");
	dt_word(&d, 0x5);
	dt_end(&d);
	dt_end(&d);
	dt_finish(&d, &f);

	CHECK_EQ(fdt_next_sibling(&f, 0), -EINVAL);
	CHECK_EQ(fdt_next_node(&f, fdt_first_child(&f, 0)), -EINVAL);
	CHECK(fdt_getprop(&f, fdt_first_child(&f, 0), "x", NULL) == NULL);
}

TEST(test_fdt_rejects_blob_of_only_nops)
{
	static struct dtb d;
	struct fdt f;
	int i;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < 1000; i++)
		dt_nop(&d);
	dt_finish(&d, &f);

	CHECK_EQ(fdt_root(&f), -EINVAL);
	CHECK_EQ(fdt_next_node(&f, -1), -EINVAL);
	CHECK_EQ(fdt_path_offset(&f, "/"), -EINVAL);
	CHECK_EQ(fdt_find_phandle(&f, 1), -EINVAL);
}

TEST(test_fdt_bounds_nesting_at_depth_64)
{
	static struct dtb d;
	int nodes[100], n, i;
	struct fdt f;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < 100; i++) {
		nodes[i] = (int)d.st_len;
		dt_begin(&d, "n");
	}
	for (i = 0; i < 100; i++)
		dt_end(&d);
	dt_finish(&d, &f);

	/* A node with 64 ancestors is the deepest fdt_parent() follows. */
	CHECK_EQ(fdt_parent(&f, nodes[10]), nodes[9]);
	CHECK_EQ(fdt_parent(&f, nodes[64]), nodes[63]);
	CHECK_EQ(fdt_parent(&f, nodes[65]), -EINVAL);
	CHECK_EQ(fdt_reg(&f, nodes[99], 0, NULL, NULL), -EINVAL);
	CHECK_EQ(fdt_next_sibling(&f, nodes[0]), -EINVAL);
	CHECK_EQ(fdt_next_sibling(&f, nodes[50]), -ENOENT);
	/* Document order needs no depth, so the walk still sees all. */
	for (i = 0, n = fdt_next_node(&f, -1); n >= 0;
	     n = fdt_next_node(&f, n), i++)
		CHECK_EQ(n, nodes[i]);
	CHECK_EQ(i, 100);
}

TEST(test_fdt_walks_terminate_on_unclosed_nodes)
{
	static struct dtb d;
	struct fdt f;
	int a, b;

	memset(&d, 0, sizeof(d));
	dt_begin(&d, "");
	dt_begin(&d, "a");
	dt_begin(&d, "b");
	dt_finish(&d, &f); /* FDT_END with three nodes open */

	a = node_at(&f, "/a");
	b = node_at(&f, "/a/b");
	CHECK_EQ(fdt_parent(&f, b), a);
	CHECK_EQ(fdt_next_sibling(&f, 0), -EINVAL);
	CHECK_EQ(fdt_next_sibling(&f, a), -EINVAL);
	CHECK_EQ(fdt_first_child(&f, b), -EINVAL);
	CHECK_EQ(fdt_next_node(&f, b), -ENOENT);
	CHECK_EQ(fdt_path_offset(&f, "/a/c"), -EINVAL);
}

static int struct_offset(const struct fdt *f, const void *p)
{
	return (int)((const uint8_t *)p - (f->blob + f->off_struct));
}

TEST(test_fdt_accessors_reject_offsets_that_are_not_nodes)
{
	int bad[] = {-2, -4, 1, 2, 3, 8, 0x7ffffffc, 0x7fffffff, 0, 0};
	const size_t nbad = sizeof(bad) / sizeof(bad[0]);
	struct fdt f;
	uint32_t v;
	uint64_t a;
	size_t i;
	int uart, n;

	open_fdt(&f, RV_VIRT);
	uart = node_at(&f, "/soc/serial");
	/* The uart's first FDT_PROP token, and the end of the block. */
	bad[nbad - 2] =
	    struct_offset(&f, fdt_getprop(&f, uart, "interrupts", NULL)) - 12;
	bad[nbad - 1] = (int)f.size_struct;
	for (i = 0; i < nbad; i++) {
		n = bad[i];
		CHECK(fdt_node_name(&f, n) == NULL);
		CHECK_EQ(fdt_first_child(&f, n), -EINVAL);
		CHECK_EQ(fdt_next_sibling(&f, n), -EINVAL);
		CHECK_EQ(fdt_parent(&f, n), -EINVAL);
		CHECK_EQ(fdt_next_node(&f, n), -EINVAL);
		CHECK(fdt_getprop(&f, n, "reg", NULL) == NULL);
		CHECK_EQ(fdt_getprop_u32(&f, n, "reg", &v), -ENOENT);
		CHECK(!fdt_is_compatible(&f, n, "ns16550a"));
		CHECK(!fdt_is_enabled(&f, n));
		CHECK_EQ(fdt_reg(&f, n, 0, &a, NULL), -EINVAL);
		CHECK_EQ(fdt_find_compatible(&f, n, "ns16550a"), -EINVAL);
	}
}

TEST(test_fdt_parent_rejects_node_lookalike_inside_property_value)
{
	struct fdt f;
	int intc, fake;

	/* #interrupt-cells = <1> is an FDT_BEGIN_NODE word followed by a
	 * NUL: it parses as a node named "", but the walk from the root
	 * never reaches it, and fdt_parent() and fdt_reg() say so. */
	open_fdt(&f, RV_VIRT);
	intc = node_at(&f, "/cpus/cpu@0/interrupt-controller");
	fake =
	    struct_offset(&f, fdt_getprop(&f, intc, "#interrupt-cells", NULL));
	CHECK_EQ(fdt_be32(f.blob + f.off_struct + fake), 1);
	CHECK_EQ(fdt_parent(&f, fake), -EINVAL);
	CHECK_EQ(fdt_reg(&f, fake, 0, NULL, NULL), -EINVAL);
}

/* --- robustness ------------------------------------------------------ */

static uint64_t rng_state;

/* xorshift64: fixed seed, so every run corrupts the same way. */
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

static const char *const prop_names[] = {
    "reg",     "compatible",	"status", "#address-cells", "#size-cells",
    "phandle", "interrupt-map", "ranges", "stdout-path",    "",
};

static void check_in_blob(const struct fdt *f, const void *p, uint32_t len)
{
	const uint8_t *b = p;

	CHECK(b >= f->blob + f->off_struct);
	CHECK(len <= f->size_struct);
	CHECK(b + len <= f->blob + f->off_struct + f->size_struct);
}

/* Call every per-node accessor; ASan reports any stray read. Results on
 * a corrupt blob are whatever they are, but pointers must be in bounds. */
static void poke_node(const struct fdt *f, int n)
{
	const void *p;
	uint64_t a, s;
	uint32_t len, v;
	size_t i;

	fdt_node_name(f, n);
	for (i = 0; i < sizeof(prop_names) / sizeof(prop_names[0]); i++) {
		p = fdt_getprop(f, n, prop_names[i], &len);
		if (p) {
			check_in_blob(f, p, len);
			fdt_read_cells(p, len, rng() % 8, rng() % 4, &a);
		}
		fdt_getprop_str(f, n, prop_names[i]);
		fdt_getprop_u32(f, n, prop_names[i], &v);
	}
	fdt_is_compatible(f, n, "virtio,mmio");
	fdt_is_enabled(f, n);
	fdt_address_cells(f, n);
	fdt_size_cells(f, n);
	fdt_reg(f, n, 0, &a, &s);
	fdt_reg(f, n, 1, &a, &s);
	fdt_parent(f, n);
	fdt_first_child(f, n);
	fdt_next_sibling(f, n);
}

static void exercise(const uint8_t *blob, size_t size)
{
	static const char *const paths[] = {
	    "/",	 "/soc/serial", "/cpus/cpu@0/interrupt-controller",
	    "/intc/its", "/chosen",	"/a/b/c/d/e/f",
	};
	const char *name;
	struct fdt f;
	int n, prev = -1, count = 0;
	size_t i;

	if (size >= 8)
		fdt_header_size(blob);
	if (fdt_init(&f, blob, size) != 0)
		return;
	CHECK(f.size <= size);
	CHECK(f.off_struct + (uint64_t)f.size_struct <= f.size);
	CHECK(f.off_strings + (uint64_t)f.size_strings <= f.size);

	for (n = fdt_next_node(&f, -1); n >= 0; n = fdt_next_node(&f, n)) {
		/* Strictly forward, so the walk must end. */
		CHECK(n > prev);
		prev = n;
		CHECK(++count <= (int)(f.size_struct / 8) + 1);
		name = fdt_node_name(&f, n);
		CHECK(name != NULL);
		poke_node(&f, n);
	}
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		fdt_path_offset(&f, paths[i]);
	fdt_find_compatible(&f, -1, "ns16550a");
	fdt_find_phandle(&f, 1 + rng() % 4);
	fdt_find_phandle(&f, 0x8000 + rng() % 4);
	/* Arbitrary offsets, aligned and not. */
	for (i = 0; i < 4; i++)
		poke_node(&f, (int)(rng() % (f.size_struct + 8)) - 4);
}

/* Truncate the header fields so they describe the first len bytes. */
static void clip_header(uint8_t *b, uint32_t len)
{
	uint32_t off, size;

	put_be32(b + H_TOTALSIZE, len);
	off = fdt_be32(b + H_OFF_STRUCT);
	size = fdt_be32(b + H_SIZE_STRUCT);
	if (off > len)
		put_be32(b + H_OFF_STRUCT, off = len & ~3u);
	if (size > len - off)
		put_be32(b + H_SIZE_STRUCT, len - off);
	off = fdt_be32(b + H_OFF_STRINGS);
	size = fdt_be32(b + H_SIZE_STRINGS);
	if (off > len)
		put_be32(b + H_OFF_STRINGS, off = len);
	if (size > len - off)
		put_be32(b + H_SIZE_STRINGS, len - off);
}

TEST(test_fdt_survives_truncation_at_every_length)
{
	struct fdt f;
	size_t i, len;

	for (i = 0; i < NFIXTURES; i++) {
		const struct fixture *fx = fixture(all_fixtures[i]);

		for (len = 0; len <= fx->size; len++) {
			/* Honest header, short buffer: must be refused. */
			uint8_t *b = scratch_copy(fx->data, len);

			CHECK_EQ(fdt_init(&f, b, len),
				 len == fx->size ? 0 : -EINVAL);
			/* Header rewritten to fit: the blocks are cut
			 * mid-token, mid-name, mid-value. */
			if (len >= H_SIZE) {
				clip_header(b, (uint32_t)len);
				exercise(b, len);
			}
		}
	}
}

static void corrupt(uint8_t *b, size_t size)
{
	uint32_t off_struct = fdt_be32(b + H_OFF_STRUCT);
	uint32_t size_struct = fdt_be32(b + H_SIZE_STRUCT);
	uint32_t i, n = 1 + rng() % 4, at;

	for (i = 0; i < n; i++) {
		switch (rng() % 5) {
		case 0: /* flip one bit anywhere */
			at = rng() % size;
			b[at] ^= (uint8_t)(1u << (rng() % 8));
			break;
		case 1: /* random byte anywhere */
			b[rng() % size] = (uint8_t)rng();
			break;
		case 2: /* a structure word becomes a token or a length */
			at = off_struct + (rng() % (size_struct / 4)) * 4;
			put_be32(b + at, rng() % 2 ? rng() % 10 : rng());
			break;
		case 3: /* small change to a header field */
			at = (rng() % 10) * 4;
			put_be32(b + at, fdt_be32(b + at) + rng() % 9 - 4);
			break;
		default: /* a structure word nudged, e.g. a len or nameoff */
			at = off_struct + (rng() % (size_struct / 4)) * 4;
			put_be32(b + at, fdt_be32(b + at) + rng() % 64 - 32);
			break;
		}
	}
}

TEST(test_fdt_survives_random_corruption_without_oob)
{
	const int rounds = 3000;
	size_t i;
	int r;

	rng_state = 0x4b495445u; /* "KITE" */
	for (i = 0; i < NFIXTURES; i++) {
		const struct fixture *fx = fixture(all_fixtures[i]);

		for (r = 0; r < rounds; r++) {
			uint8_t *b = scratch_copy(fx->data, fx->size);

			corrupt(b, fx->size);
			exercise(b, fx->size);
		}
	}
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc > 1)
		fixture_dir = argv[1];
	rng_state = 0x4b495445u;

	RUN(test_fdt_header_size_reads_totalsize_before_init);
	RUN(test_fdt_header_size_is_zero_for_bad_magic);
	RUN(test_fdt_init_accepts_every_qemu_fixture);
	RUN(test_fdt_rejects_bad_magic);
	RUN(test_fdt_rejects_null_blob);
	RUN(test_fdt_rejects_buffer_smaller_than_header);
	RUN(test_fdt_rejects_totalsize_beyond_buffer);
	RUN(test_fdt_rejects_totalsize_smaller_than_header);
	RUN(test_fdt_rejects_totalsize_above_int_max);
	RUN(test_fdt_rejects_version_below_16);
	RUN(test_fdt_rejects_last_comp_version_above_17);
	RUN(test_fdt_accepts_version_16_without_size_dt_struct);
	RUN(test_fdt_rejects_struct_block_beyond_totalsize);
	RUN(test_fdt_rejects_struct_block_whose_end_wraps_32_bits);
	RUN(test_fdt_rejects_strings_block_beyond_totalsize);
	RUN(test_fdt_rejects_strings_block_whose_end_wraps_32_bits);
	RUN(test_fdt_rejects_misaligned_struct_block);
	RUN(test_fdt_rejects_blocks_overlapping_header);

	RUN(test_fdt_finds_memory_at_2gib_size_256mib_in_qemu_riscv64_virt);
	RUN(test_fdt_finds_uart_reg_in_qemu_riscv64_virt);
	RUN(test_fdt_stdout_path_names_the_uart_in_qemu_riscv64_virt);
	RUN(test_fdt_reads_uart_clock_frequency_as_u32_in_qemu_riscv64_virt);
	RUN(test_fdt_finds_plic_in_qemu_riscv64_virt);
	RUN(test_fdt_uart_interrupt_parent_resolves_to_plic_in_qemu_riscv64_virt);
	RUN(test_fdt_reads_timebase_frequency_from_cpus_in_qemu_riscv64_virt);
	RUN(test_fdt_counts_8_virtio_mmio_nodes_in_qemu_riscv64_virt);
	RUN(test_fdt_finds_pci_ecam_ranges_and_interrupt_map_in_qemu_riscv64_virt);
	RUN(test_fdt_pci_nics_are_not_in_the_qemu_riscv64_virt_tree);
	RUN(test_fdt_reg_with_zero_size_cells_reads_hart_id_in_qemu_riscv64_virt);
	RUN(test_fdt_reg_reads_second_flash_bank_in_qemu_riscv64_virt);

	RUN(test_fdt_finds_pl011_at_0x9000000_in_qemu_aarch64_virt);
	RUN(test_fdt_finds_memory_at_1gib_size_256mib_in_qemu_aarch64_virt);
	RUN(test_fdt_finds_gicv2_distributor_and_cpu_interface_in_qemu_aarch64_virt);
	RUN(test_fdt_finds_gicv3_redistributor_and_its_in_qemu_aarch64_virt);
	RUN(test_fdt_root_interrupt_parent_resolves_to_gic_in_qemu_aarch64_virt);
	RUN(test_fdt_finds_high_ecam_pcie_above_4gib_in_qemu_aarch64_virt);
	RUN(test_fdt_counts_32_virtio_mmio_nodes_in_qemu_aarch64_virt);

	RUN(test_fdt_root_name_is_empty_and_root_has_no_parent);
	RUN(test_fdt_parent_walks_up_to_root);
	RUN(test_fdt_next_node_matches_child_sibling_preorder_walk);
	RUN(test_fdt_path_offset_matches_component_without_unit_address);
	RUN(test_fdt_path_offset_does_not_match_name_prefix_or_wrong_unit);

	RUN(test_fdt_getprop_absent_returns_null_and_leaves_len_untouched);
	RUN(test_fdt_getprop_returns_empty_value_for_boolean_property);
	RUN(test_fdt_is_compatible_matches_any_string_in_list_but_not_prefixes);
	RUN(test_fdt_find_phandle_rejects_0_and_all_ones);

	RUN(test_fdt_find_phandle_ignores_nodes_declaring_0_or_all_ones);
	RUN(test_fdt_reg_decodes_one_cell_address_and_size);
	RUN(test_fdt_reg_uses_default_2_1_cells_when_parent_declares_none);
	RUN(test_fdt_reg_rejects_three_cell_pci_addresses);
	RUN(test_fdt_reg_rejects_length_not_a_multiple_of_entry);
	RUN(test_fdt_reg_rejects_short_cell_count_property);
	RUN(test_fdt_is_enabled_accepts_only_absent_okay_and_ok);
	RUN(test_fdt_getprop_str_and_compatible_reject_unterminated_values);
	RUN(test_fdt_getprop_u32_rejects_short_property);
	RUN(test_fdt_read_cells_rejects_out_of_bounds_and_bad_counts);
	RUN(test_fdt_skips_nop_tokens_anywhere_between_tokens);

	RUN(test_fdt_rejects_node_name_unterminated_in_struct_block);
	RUN(test_fdt_rejects_property_len_past_struct_block);
	RUN(test_fdt_rejects_property_len_that_wraps_offset);
	RUN(test_fdt_rejects_property_nameoff_outside_strings_block);
	RUN(test_fdt_rejects_property_name_unterminated_in_strings_block);
	RUN(test_fdt_rejects_unknown_token);
	RUN(test_fdt_rejects_blob_of_only_nops);
	RUN(test_fdt_bounds_nesting_at_depth_64);
	RUN(test_fdt_walks_terminate_on_unclosed_nodes);
	RUN(test_fdt_accessors_reject_offsets_that_are_not_nodes);
	RUN(test_fdt_parent_rejects_node_lookalike_inside_property_value);

	RUN(test_fdt_survives_truncation_at_every_length);
	RUN(test_fdt_survives_random_corruption_without_oob);

	free(scratch);
	for (i = 0; i < NFIXTURES; i++)
		free(loaded[i].data);
	TEST_EXIT();
}
