/*
 * drivers/dma.c on the host, with arch/arch.h's cache hooks replaced by
 * a recorder (fake_cache.c): which lines are cleaned before a device
 * reads, invalidated before the CPU reads what a device wrote, left
 * alone for a coherent device; how dma-ranges and dma-coherent /
 * dma-noncoherent in small hand-built device trees decide a device's
 * window and coherence.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "drivers/dma.h"
#include "kernel/fdt.h"
#include "fake_cache.h"
#include "fake_kernel.h"
#include "test.h"
#include "dtb_build.h"

/* --- hand-made device trees: tests/unit/dtb_build.h ------------------- */

/* A blob that lives as long as its builder, and its parsed view. */
struct dt {
	struct dtb b;
	uint8_t blob[DTB_BLOB_MAX];
	struct fdt fdt;
};

#define PROP(d, name, ...)                                                 \
	dt_prop_cells(&(d)->b, name, (const uint32_t[]){ __VA_ARGS__ },    \
		      sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)
#define FLAG(d, name) dt_prop(&(d)->b, name, NULL, 0)
#define BEGIN(d, name) dt_begin(&(d)->b, name)
#define END(d) dt_end(&(d)->b)

static const struct fdt *dt_finish(struct dt *d)
{
	uint32_t total = dt_layout(&d->b, d->blob, true);

	CHECK_EQ(fdt_init(&d->fdt, d->blob, total), 0);
	return &d->fdt;
}

/* The root, with 2 address and 2 size cells, as QEMU's virt trees. */
static void dt_root(struct dt *d)
{
	memset(d, 0, sizeof(*d));
	BEGIN(d, "");
	PROP(d, "#address-cells", 2);
	PROP(d, "#size-cells", 2);
}

static int node(const struct fdt *f, const char *path)
{
	int n = fdt_path_offset(f, path);
	if (n < 0)
		FAIL_AT("no node %s", path);
	return n;
}

static void setup(void)
{
	fake_cache_reset();
	fake_kernel_reset();
}

static void check_rec(int i, enum fake_cache_op op, uintptr_t start,
		      size_t len)
{
	if (i >= fake_cache_n)
		FAIL_AT("operation %d missing (%d recorded)", i, fake_cache_n);
	if (fake_cache_log[i].op != op || fake_cache_log[i].start != start ||
	    fake_cache_log[i].len != len)
		FAIL_AT("operation %d is %d 0x%lx+0x%zx, expected %d 0x%lx+0x%zx",
			i, fake_cache_log[i].op,
			(unsigned long)fake_cache_log[i].start,
			fake_cache_log[i].len, op, (unsigned long)start, len);
}

/* A non-coherent device without a window, as on arm64 by default. */
static void noncoherent_dev(struct dma_dev *d)
{
	static struct dt t;

	dt_root(&t);
	BEGIN(&t, "soc");
	BEGIN(&t, "eth@1000");
	END(&t);
	END(&t);
	END(&t);
	const struct fdt *f = dt_finish(&t);
	CHECK_EQ(dma_dev_init_fdt(d, f, node(f, "/soc/eth@1000"), "eth"), 0);
	CHECK(!d->coherent);
	CHECK_EQ(d->size, 0);
	fake_cache_n = 0;
}

/* Addresses are never dereferenced by map/unmap/sync: synthetic ones. */
#define BUF ((void *)(uintptr_t)0x40001000)

/* --- streaming: what each direction does to the caches ------------------ */

TEST(test_dma_to_device_cleans_before_the_device_reads)
{
	struct dma_dev d;

	setup();
	noncoherent_dev(&d);
	dma_addr_t bus = dma_map(&d, BUF, 1500, DMA_TO_DEVICE);
	CHECK_EQ(bus, 0x40001000);
	/* 1500 bytes from a line boundary: 24 lines (1536 bytes). */
	CHECK_EQ(fake_cache_n, 1);
	check_rec(0, FAKE_CLEAN, 0x40001000, 1536);
	/* The device only read it: nothing to do when it gives it back. */
	dma_unmap(&d, bus, 1500, DMA_TO_DEVICE);
	dma_sync_for_cpu(&d, bus, 1500, DMA_TO_DEVICE);
	CHECK_EQ(fake_cache_n, 1);
	/* Reused for the next frame: cleaned again. */
	dma_sync_for_device(&d, bus, 60, DMA_TO_DEVICE);
	CHECK_EQ(fake_cache_n, 2);
	check_rec(1, FAKE_CLEAN, 0x40001000, 64);
}

TEST(test_dma_to_device_unaligned_buffer_cleans_every_line_it_touches)
{
	struct dma_dev d;

	setup();
	noncoherent_dev(&d);
	dma_map(&d, (uint8_t *)BUF + 60, 8, DMA_TO_DEVICE);
	CHECK_EQ(fake_cache_n, 1);
	check_rec(0, FAKE_CLEAN, 0x40001000, 128);	/* both lines */
}

TEST(test_dma_from_device_invalidates_at_map_and_again_at_unmap)
{
	struct dma_dev d;

	setup();
	noncoherent_dev(&d);
	dma_addr_t bus = dma_map(&d, BUF, 2048, DMA_FROM_DEVICE);
	CHECK_EQ(fake_cache_n, 1);
	check_rec(0, FAKE_INVAL, 0x40001000, 2048);
	/* Lines the CPU fetched speculatively meanwhile go too. */
	dma_unmap(&d, bus, 2048, DMA_FROM_DEVICE);
	CHECK_EQ(fake_cache_n, 2);
	check_rec(1, FAKE_INVAL, 0x40001000, 2048);
	dma_sync_for_cpu(&d, bus + 1024, 128, DMA_FROM_DEVICE);
	CHECK_EQ(fake_cache_n, 3);
	check_rec(2, FAKE_INVAL, 0x40001400, 128);
	dma_sync_for_device(&d, bus, 2048, DMA_FROM_DEVICE);
	CHECK_EQ(fake_cache_n, 4);
	check_rec(3, FAKE_INVAL, 0x40001000, 2048);
}

/* Partial lines at either end hold CPU data beside the buffer: they are
 * written back and invalidated, never just discarded. */
TEST(test_dma_from_device_partial_lines_at_both_ends_are_flushed_not_discarded)
{
	struct dma_dev d;

	setup();
	noncoherent_dev(&d);
	/* 0x40001010 .. 0x400010f0: lines 0x1000 and 0x10c0 are shared. */
	dma_map(&d, (uint8_t *)BUF + 0x10, 0xe0, DMA_FROM_DEVICE);
	CHECK_EQ(fake_cache_n, 3);
	check_rec(0, FAKE_FLUSH, 0x40001000, 64);
	check_rec(1, FAKE_FLUSH, 0x400010c0, 64);
	check_rec(2, FAKE_INVAL, 0x40001040, 0x80);
	for (int i = 0; i < fake_cache_n; i++) {
		const struct fake_cache_rec *r = &fake_cache_log[i];
		if (r->op == FAKE_INVAL)
			CHECK(r->start >= 0x40001010 &&
			      r->start + r->len <= 0x400010f0);
	}
	/* The same at unmap. */
	fake_cache_n = 0;
	dma_unmap(&d, 0x40001010, 0xe0, DMA_FROM_DEVICE);
	CHECK_EQ(fake_cache_n, 3);
	check_rec(0, FAKE_FLUSH, 0x40001000, 64);
	check_rec(1, FAKE_FLUSH, 0x400010c0, 64);
	check_rec(2, FAKE_INVAL, 0x40001040, 0x80);
}

TEST(test_dma_from_device_only_start_partial_flushes_one_line)
{
	struct dma_dev d;

	setup();
	noncoherent_dev(&d);
	dma_map(&d, (uint8_t *)BUF + 0x20, 0xa0, DMA_FROM_DEVICE);
	CHECK_EQ(fake_cache_n, 2);
	check_rec(0, FAKE_FLUSH, 0x40001000, 64);
	check_rec(1, FAKE_INVAL, 0x40001040, 0x80);
}

TEST(test_dma_from_device_only_end_partial_flushes_one_line)
{
	struct dma_dev d;

	setup();
	noncoherent_dev(&d);
	dma_map(&d, BUF, 0x90, DMA_FROM_DEVICE);
	CHECK_EQ(fake_cache_n, 2);
	check_rec(0, FAKE_FLUSH, 0x40001080, 64);
	check_rec(1, FAKE_INVAL, 0x40001000, 0x80);
}

TEST(test_dma_from_device_inside_one_line_flushes_it_and_invalidates_nothing)
{
	struct dma_dev d;

	setup();
	noncoherent_dev(&d);
	dma_map(&d, (uint8_t *)BUF + 8, 16, DMA_FROM_DEVICE);
	CHECK_EQ(fake_cache_n, 1);
	check_rec(0, FAKE_FLUSH, 0x40001000, 64);
}

TEST(test_dma_bidirectional_flushes_at_map_and_invalidates_at_unmap)
{
	struct dma_dev d;

	setup();
	noncoherent_dev(&d);
	dma_addr_t bus = dma_map(&d, BUF, 256, DMA_BIDIRECTIONAL);
	CHECK_EQ(fake_cache_n, 1);
	check_rec(0, FAKE_FLUSH, 0x40001000, 256);
	dma_unmap(&d, bus, 256, DMA_BIDIRECTIONAL);
	CHECK_EQ(fake_cache_n, 2);
	check_rec(1, FAKE_INVAL, 0x40001000, 256);
}

TEST(test_dma_line_size_comes_from_the_arch)
{
	struct dma_dev d;

	setup();
	fake_line_size = 128;
	noncoherent_dev(&d);
	dma_map(&d, (uint8_t *)BUF + 0x40, 0x40, DMA_TO_DEVICE);
	CHECK_EQ(fake_cache_n, 1);
	check_rec(0, FAKE_CLEAN, 0x40001000, 128);
}

/* --- coherent devices ----------------------------------------------------- */

TEST(test_dma_coherent_device_gets_no_cache_operations)
{
	static struct dt t;
	struct dma_dev d, c;

	setup();
	dt_root(&t);
	BEGIN(&t, "soc");
	BEGIN(&t, "eth@1000");
	FLAG(&t, "dma-coherent");
	END(&t);
	END(&t);
	END(&t);
	const struct fdt *f = dt_finish(&t);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/eth@1000"), "eth"), 0);
	CHECK(d.coherent);
	dma_dev_init_coherent(&c, "virtio");
	struct dma_dev *devs[] = { &d, &c };
	for (int i = 0; i < 2; i++) {
		for (int dir = DMA_TO_DEVICE; dir <= DMA_BIDIRECTIONAL; dir++) {
			dma_addr_t bus = dma_map(devs[i], (uint8_t *)BUF + 8,
						 100, dir);
			CHECK_EQ(bus, 0x40001008);
			dma_sync_for_cpu(devs[i], bus, 100, dir);
			dma_sync_for_device(devs[i], bus, 100, dir);
			dma_unmap(devs[i], bus, 100, dir);
		}
		dma_addr_t bus;
		void *p = dma_alloc_coherent(devs[i], 300, 16, &bus);
		CHECK(p);
		CHECK_EQ(bus, (uintptr_t)p);
		dma_free_coherent(devs[i], p, 300);
	}
	CHECK_EQ(fake_cache_n, 0);
	CHECK_EQ(fake_kprintf_calls, 0);	/* nothing to say */
}

/* --- coherence from the tree ---------------------------------------------- */

/* /soc (dma-coherent) / bus / eth@1000, beside /other / eth@2000. */
static const struct fdt *coherent_ancestor_tree(struct dt *t)
{
	dt_root(t);
	BEGIN(t, "soc");
	FLAG(t, "dma-coherent");
	BEGIN(t, "bus");
	BEGIN(t, "eth@1000");
	END(t);
	BEGIN(t, "eth@3000");
	FLAG(t, "dma-noncoherent");
	END(t);
	END(t);
	END(t);
	BEGIN(t, "other");
	BEGIN(t, "eth@2000");
	END(t);
	END(t);
	END(t);
	return dt_finish(t);
}

TEST(test_dma_coherent_is_inherited_from_an_ancestor)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	fake_default_coherent = false;		/* arm64 */
	const struct fdt *f = coherent_ancestor_tree(&t);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/bus/eth@1000"), "a"),
		 0);
	CHECK(d.coherent);
	CHECK_EQ(fake_kprintf_calls, 0);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/other/eth@2000"), "b"), 0);
	CHECK(!d.coherent);
	CHECK(strstr(fake_kprintf_last, "b: not cache-coherent"));
	/* The nearest word wins: the node's own dma-noncoherent. */
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/bus/eth@3000"), "c"),
		 0);
	CHECK(!d.coherent);
}

TEST(test_dma_riscv_default_is_coherent_unless_dma_noncoherent)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	fake_default_coherent = true;		/* RISC-V */
	const struct fdt *f = coherent_ancestor_tree(&t);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/other/eth@2000"), "b"), 0);
	CHECK(d.coherent);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/bus/eth@3000"), "c"),
		 0);
	CHECK(!d.coherent);
	dma_map(&d, BUF, 64, DMA_TO_DEVICE);
	CHECK_EQ(fake_cache_n, 1);
	check_rec(0, FAKE_CLEAN, 0x40001000, 64);
}

TEST(test_dma_noncoherent_device_refused_without_cache_maintenance)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	fake_default_coherent = true;
	fake_line_size = 0;			/* a hart without Zicbom */
	const struct fdt *f = coherent_ancestor_tree(&t);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/bus/eth@3000"), "c"),
		 -EINVAL);
	CHECK(strstr(fake_kprintf_last, "refused"));
	/* A coherent one is fine. */
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/other/eth@2000"), "b"), 0);
}

/* --- dma-ranges ----------------------------------------------------------- */

/* /soc: 1 address and 1 size cell; its children see CPU 0x80000000 +
 * 1 GiB at bus address 0. */
static const struct fdt *window_tree(struct dt *t)
{
	dt_root(t);
	BEGIN(t, "soc");
	PROP(t, "#address-cells", 1);
	PROP(t, "#size-cells", 1);
	PROP(t, "dma-ranges", 0x0, 0x0, 0x80000000, 0x40000000);
	FLAG(t, "dma-coherent");
	BEGIN(t, "eth@1000");
	END(t);
	END(t);
	END(t);
	return dt_finish(t);
}

TEST(test_dma_ranges_window_translates_cpu_to_bus_address)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	const struct fdt *f = window_tree(&t);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/eth@1000"), "eth"), 0);
	CHECK_EQ(d.cpu_base, 0x80000000);
	CHECK_EQ(d.bus_base, 0);
	CHECK_EQ(d.size, 0x40000000);
	CHECK(strstr(fake_kprintf_last, "bus window 0x0-0x3fffffff -> cpu "
					"0x80000000"));
	CHECK_EQ(dma_map(&d, (void *)(uintptr_t)0x80001000, 64, DMA_TO_DEVICE),
		 0x1000);
	CHECK_EQ(dma_map(&d, (void *)(uintptr_t)0xbfffffc0, 64, DMA_TO_DEVICE),
		 0x3fffffc0);
}

TEST(test_dma_address_outside_the_window_is_a_mapping_error)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	const struct fdt *f = window_tree(&t);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/eth@1000"), "eth"), 0);
	/* Below, above, and straddling the end. */
	CHECK_EQ(dma_map(&d, (void *)(uintptr_t)0x7ffff000, 64, DMA_TO_DEVICE),
		 DMA_MAPPING_ERROR);
	CHECK_EQ(dma_map(&d, (void *)(uintptr_t)0xc0000000, 64, DMA_TO_DEVICE),
		 DMA_MAPPING_ERROR);
	CHECK_EQ(dma_map(&d, (void *)(uintptr_t)0xbfffffc0, 65, DMA_TO_DEVICE),
		 DMA_MAPPING_ERROR);
	/* A coherent allocation from a heap outside it fails too. */
	dma_addr_t bus;
	CHECK(!dma_alloc_coherent(&d, 64, 64, &bus));
	CHECK(strstr(fake_kprintf_last, "outside"));
}

TEST(test_dma_sync_takes_bus_addresses_back_to_cpu_addresses)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	fake_default_coherent = false;
	dt_root(&t);
	BEGIN(&t, "soc");
	PROP(&t, "#address-cells", 1);
	PROP(&t, "#size-cells", 1);
	PROP(&t, "dma-ranges", 0x0, 0x0, 0x80000000, 0x40000000);
	BEGIN(&t, "eth@1000");
	END(&t);
	END(&t);
	END(&t);
	const struct fdt *f = dt_finish(&t);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/eth@1000"), "eth"), 0);
	CHECK(!d.coherent);
	fake_cache_n = 0;
	dma_addr_t bus = dma_map(&d, (void *)(uintptr_t)0x80002000, 128,
				 DMA_FROM_DEVICE);
	CHECK_EQ(bus, 0x2000);
	dma_sync_for_cpu(&d, bus, 128, DMA_FROM_DEVICE);
	CHECK_EQ(fake_cache_n, 2);
	check_rec(1, FAKE_INVAL, 0x80002000, 128);
}

/* /soc (one address and one size cell; dma-ranges soc[], its parent's
 * addresses two cells) holding /soc/bus (dma-ranges bus[]) holding
 * eth@1000, on a root whose default is coherent. */
static const struct fdt *two_level_tree(struct dt *t, const uint32_t soc[4],
					const uint32_t bus[3])
{
	fake_default_coherent = true;
	dt_root(t);
	BEGIN(t, "soc");
	PROP(t, "#address-cells", 1);
	PROP(t, "#size-cells", 1);
	dt_prop_cells(&t->b, "dma-ranges", soc, 4);
	BEGIN(t, "bus");
	PROP(t, "#address-cells", 1);
	PROP(t, "#size-cells", 1);
	dt_prop_cells(&t->b, "dma-ranges", bus, 3);
	BEGIN(t, "eth@1000");
	END(t);
	END(t);
	END(t);
	END(t);
	return dt_finish(t);
}

/* Two levels: /soc/bus maps its children's 0 to /soc's 0x10000000, and
 * /soc maps 0x10000000 to CPU 0x2_00000000 with 2-cell parent addresses. */
TEST(test_dma_ranges_translate_through_every_level)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	const struct fdt *f = two_level_tree(&t,
		(const uint32_t[]){ 0x10000000, 0x2, 0x0, 0x20000000 },
		(const uint32_t[]){ 0x0, 0x10000000, 0x1000000 });
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/bus/eth@1000"), "e"), 0);
	CHECK_EQ(d.bus_base, 0);
	CHECK_EQ(d.cpu_base, 0x200000000);
	CHECK_EQ(d.size, 0x1000000);
	CHECK_EQ(dma_map(&d, (void *)(uintptr_t)0x200000400, 4,
			 DMA_TO_DEVICE), 0x400);
}

/* /soc covers 0x10000000 + 16 MiB only; the bus's window is at
 * 0x30000000, outside it. */
TEST(test_dma_ranges_that_do_not_translate_refuse_the_device)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	const struct fdt *f = two_level_tree(&t,
		(const uint32_t[]){ 0x10000000, 0x2, 0x0, 0x1000000 },
		(const uint32_t[]){ 0x0, 0x30000000, 0x1000000 });
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/bus/eth@1000"), "e"),
		 -EINVAL);
	CHECK(strstr(fake_kprintf_last, "do not translate"));
}

TEST(test_dma_more_than_one_window_is_refused_with_a_log_line)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	dt_root(&t);
	BEGIN(&t, "soc");
	PROP(&t, "#address-cells", 1);
	PROP(&t, "#size-cells", 1);
	PROP(&t, "dma-ranges", 0x0, 0x0, 0x80000000, 0x10000000,
	     0x10000000, 0x1, 0x0, 0x10000000);
	BEGIN(&t, "eth@1000");
	END(&t);
	END(&t);
	END(&t);
	const struct fdt *f = dt_finish(&t);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/eth@1000"), "eth"),
		 -EINVAL);
	CHECK(strstr(fake_kprintf_last, "2 dma-ranges windows"));
}

/* Untrusted cell counts (one so large that 4 * cells wraps to 0) and a
 * property that is not a whole number of entries: refused, no crash. */
TEST(test_dma_ranges_with_bad_cell_counts_or_length_are_refused)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	dt_root(&t);
	BEGIN(&t, "soc");
	PROP(&t, "#address-cells", 0x3ffffffe); /* +2: 2^30 */
	PROP(&t, "#size-cells", 0);
	PROP(&t, "dma-ranges", 0x0, 0x0, 0x80000000, 0x40000000);
	BEGIN(&t, "eth@1000");
	END(&t);
	END(&t);
	BEGIN(&t, "bus");
	PROP(&t, "#address-cells", 1);
	PROP(&t, "#size-cells", 1);
	PROP(&t, "dma-ranges", 0x0, 0x0, 0x80000000, 0x40000000, 0x7);
	BEGIN(&t, "eth@2000");
	END(&t);
	END(&t);
	END(&t);
	const struct fdt *f = dt_finish(&t);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/eth@1000"), "a"),
		 -EINVAL);
	CHECK(strstr(fake_kprintf_last, "malformed dma-ranges"));
	fake_kprintf_last[0] = 0;
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/bus/eth@2000"), "b"),
		 -EINVAL);
	CHECK(strstr(fake_kprintf_last, "malformed dma-ranges"));
}

TEST(test_dma_empty_dma_ranges_is_one_to_one)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	fake_default_coherent = true;
	dt_root(&t);
	BEGIN(&t, "soc");
	FLAG(&t, "dma-ranges");
	BEGIN(&t, "eth@1000");
	END(&t);
	END(&t);
	END(&t);
	const struct fdt *f = dt_finish(&t);
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/soc/eth@1000"), "eth"), 0);
	CHECK_EQ(d.size, 0);
	CHECK_EQ(dma_map(&d, (void *)(uintptr_t)0x123456789000, 64,
			 DMA_TO_DEVICE), 0x123456789000);
	CHECK_EQ(fake_kprintf_calls, 0);
}

/* of_dma_get_range(): the device's own bus may lack dma-ranges (the walk
 * goes on up), but above it a node without the property ends the walk:
 * no window, one to one. */
TEST(test_dma_missing_dma_ranges_above_the_bus_ends_the_walk)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	fake_default_coherent = true;
	dt_root(&t);
	BEGIN(&t, "top");
	PROP(&t, "#address-cells", 1);
	PROP(&t, "#size-cells", 1);
	PROP(&t, "dma-ranges", 0x0, 0x0, 0x80000000, 0x40000000);
	BEGIN(&t, "mid");			/* no dma-ranges */
	PROP(&t, "#address-cells", 1);
	PROP(&t, "#size-cells", 1);
	BEGIN(&t, "bus");			/* no dma-ranges */
	PROP(&t, "#address-cells", 1);
	PROP(&t, "#size-cells", 1);
	BEGIN(&t, "eth@1000");
	END(&t);
	END(&t);
	BEGIN(&t, "eth@2000");
	END(&t);
	END(&t);
	END(&t);
	END(&t);
	const struct fdt *f = dt_finish(&t);
	/* bus (missing: on) -> mid (missing: stop). */
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/top/mid/bus/eth@1000"), "a"),
		 0);
	CHECK_EQ(d.size, 0);
	/* mid (missing: on) -> top (has one: used). */
	CHECK_EQ(dma_dev_init_fdt(&d, f, node(f, "/top/mid/eth@2000"), "b"), 0);
	CHECK_EQ(d.size, 0x40000000);
	CHECK_EQ(d.cpu_base, 0x80000000);
}

/* A PCI host bridge: its own dma-ranges (3-cell PCI addresses, the first
 * cell flags) and dma-coherent apply to the functions behind it. */
TEST(test_dma_pci_host_bridge_window_and_coherence_apply_to_its_functions)
{
	static struct dt t;
	struct dma_dev d;

	setup();
	fake_default_coherent = false;
	dt_root(&t);
	BEGIN(&t, "pcie@30000000");
	PROP(&t, "#address-cells", 3);
	PROP(&t, "#size-cells", 2);
	FLAG(&t, "dma-coherent");
	PROP(&t, "dma-ranges", 0x02000000, 0x0, 0x0, 0x0, 0x40000000, 0x0,
	     0x40000000);
	END(&t);
	END(&t);
	const struct fdt *f = dt_finish(&t);
	CHECK_EQ(dma_dev_init_fdt_bus(&d, f, node(f, "/pcie@30000000"),
				      "0000:00:01.0"), 0);
	CHECK(d.coherent);
	CHECK_EQ(d.bus_base, 0);
	CHECK_EQ(d.cpu_base, 0x40000000);
	CHECK_EQ(dma_map(&d, (void *)(uintptr_t)0x40200000, 64,
			 DMA_FROM_DEVICE), 0x200000);
	CHECK_EQ(fake_cache_n, 0);
}

/* --- coherent allocations for a non-coherent device -------------------- */

/* First of the pool tests: no pool exists yet. */
TEST(test_dma_alloc_coherent_fails_with_a_log_line_without_uncached_memory)
{
	struct dma_dev d;
	dma_addr_t bus;

	setup();
	noncoherent_dev(&d);
	fake_uncached_result = -EOPNOTSUPP;
	CHECK(!dma_alloc_coherent(&d, 4096, 4096, &bus));
	CHECK(strstr(fake_kprintf_last, "no uncached memory"));
}

TEST(test_dma_alloc_coherent_for_noncoherent_device_is_uncached_pool_memory)
{
	struct dma_dev d;
	dma_addr_t b1, b2, b3;

	setup();
	noncoherent_dev(&d);
	uint8_t *p1 = dma_alloc_coherent(&d, 10000, 4096, &b1);
	CHECK(p1);
	CHECK_EQ(fake_cache_n, 1);
	const struct fake_cache_rec *r = &fake_cache_log[0];
	CHECK_EQ(r->op, FAKE_UNCACHED);
	CHECK_EQ(r->len, ARCH_DMA_UNCACHED_GRANULE);
	CHECK_EQ(r->start % ARCH_DMA_UNCACHED_GRANULE, 0);
	CHECK((uintptr_t)p1 >= r->start &&
	      (uintptr_t)p1 + 10000 <= r->start + r->len);
	CHECK_EQ((uintptr_t)p1 % 4096, 0);
	CHECK_EQ(b1, (uintptr_t)p1);
	for (int i = 0; i < 10000; i++)
		CHECK_EQ(p1[i], 0);
	memset(p1, 0xa5, 10000);
	/* The next one comes from the same pool, after it. */
	uint8_t *p2 = dma_alloc_coherent(&d, 100, 16, &b2);
	CHECK(p2);
	CHECK_EQ(fake_cache_n, 1);
	CHECK(p2 >= p1 + 10000);
	/* Freed pages are reused, zeroed again. */
	dma_free_coherent(&d, p1, 10000);
	uint8_t *p3 = dma_alloc_coherent(&d, 8192, 4096, &b3);
	CHECK(p3 == p1);
	CHECK_EQ(p3[0], 0);
	CHECK_EQ(p3[8191], 0);
	dma_free_coherent(&d, p2, 100);
	dma_free_coherent(&d, p3, 8192);
	/* No streaming maintenance on coherent memory. */
	CHECK_EQ(fake_cache_n, 1);
}

int main(void)
{
	RUN(test_dma_to_device_cleans_before_the_device_reads);
	RUN(test_dma_to_device_unaligned_buffer_cleans_every_line_it_touches);
	RUN(test_dma_from_device_invalidates_at_map_and_again_at_unmap);
	RUN(test_dma_from_device_partial_lines_at_both_ends_are_flushed_not_discarded);
	RUN(test_dma_from_device_only_start_partial_flushes_one_line);
	RUN(test_dma_from_device_only_end_partial_flushes_one_line);
	RUN(test_dma_from_device_inside_one_line_flushes_it_and_invalidates_nothing);
	RUN(test_dma_bidirectional_flushes_at_map_and_invalidates_at_unmap);
	RUN(test_dma_line_size_comes_from_the_arch);
	RUN(test_dma_coherent_device_gets_no_cache_operations);
	RUN(test_dma_coherent_is_inherited_from_an_ancestor);
	RUN(test_dma_riscv_default_is_coherent_unless_dma_noncoherent);
	RUN(test_dma_noncoherent_device_refused_without_cache_maintenance);
	RUN(test_dma_ranges_window_translates_cpu_to_bus_address);
	RUN(test_dma_address_outside_the_window_is_a_mapping_error);
	RUN(test_dma_sync_takes_bus_addresses_back_to_cpu_addresses);
	RUN(test_dma_ranges_translate_through_every_level);
	RUN(test_dma_ranges_that_do_not_translate_refuse_the_device);
	RUN(test_dma_more_than_one_window_is_refused_with_a_log_line);
	RUN(test_dma_ranges_with_bad_cell_counts_or_length_are_refused);
	RUN(test_dma_empty_dma_ranges_is_one_to_one);
	RUN(test_dma_missing_dma_ranges_above_the_bus_ends_the_walk);
	RUN(test_dma_pci_host_bridge_window_and_coherence_apply_to_its_functions);
	/* In this order: the first needs no pool to exist yet. */
	RUN(test_dma_alloc_coherent_fails_with_a_log_line_without_uncached_memory);
	RUN(test_dma_alloc_coherent_for_noncoherent_device_is_uncached_pool_memory);
	TEST_EXIT();
}
