/*
 * Fuzz target: the device tree reader (kernel/fdt.c) over arbitrary
 * blobs. The input is the blob, in a buffer of exactly its size.
 *
 * A blob fdt_init() accepts is walked every way the kernel walks one:
 * document order, children and siblings, parents, paths rebuilt from
 * the names found, properties the drivers read, compatible and phandle
 * searches, reg decoding. Besides what ASan and UBSan catch, the
 * contract of fdt.h is checked: every pointer returned lies inside the
 * blob (with its length, or its NUL), walks move forward, and a child
 * found from a node has that node as parent.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fdt.h"

#define FUZZ_CHECK(cond)                                                \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz: invariant broken: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);             \
			abort();                                        \
		}                                                       \
	} while (0)

static const uint8_t *blob;
static size_t blob_size;

static bool in_blob(const void *p, size_t len)
{
	const uint8_t *b = p;

	return b >= blob && b <= blob + blob_size &&
	       len <= (size_t)(blob + blob_size - b);
}

/* A NUL-terminated string inside the blob; its length. */
static size_t check_str(const char *s)
{
	FUZZ_CHECK(in_blob(s, 1));
	const char *nul = memchr(s, '\0', (size_t)(blob + blob_size -
						   (const uint8_t *)s));
	FUZZ_CHECK(nul != NULL);
	return (size_t)(nul - s);
}

static void check_props(const struct fdt *fdt, int node)
{
	static const char *const names[] = {
		"compatible", "reg", "status", "#address-cells",
		"#size-cells", "phandle", "interrupts", "interrupt-parent",
		"interrupt-map", "ranges", "stdout-path", "bootargs",
		"device_type", "clock-frequency", "",
	};
	uint32_t len, v;
	uint64_t addr, size;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const void *p = fdt_getprop(fdt, node, names[i], &len);
		if (p) {
			FUZZ_CHECK(in_blob(p, len));
			for (uint32_t c = 0; c < 4; c++) {
				if (fdt_read_cells(p, len, c, 1, &addr))
					FUZZ_CHECK((c + 1) * 4 <= len);
				if (fdt_read_cells(p, len, c, 2, &addr))
					FUZZ_CHECK((c + 2) * 4 <= len);
			}
		}
		const char *s = fdt_getprop_str(fdt, node, names[i]);
		if (s)
			check_str(s);
		fdt_getprop_u32(fdt, node, names[i], &v);
	}
	fdt_is_compatible(fdt, node, "virtio,mmio");
	fdt_is_compatible(fdt, node, "");
	fdt_is_enabled(fdt, node);
	fdt_address_cells(fdt, node);
	fdt_size_cells(fdt, node);
	for (int i = 0; i < 4; i++)
		if (fdt_reg(fdt, node, i, &addr, &size) != 0)
			break;
}

/* "/a/b/c" of node, from its parents; false if it cannot be written
 * (a name that is empty or holds '/', an error, too deep or long). */
static bool path_of(const struct fdt *fdt, int node, char *buf, size_t size)
{
	const char *names[64];
	int n = 0, root = fdt_root(fdt);
	size_t used = 0;

	while (node != root) {
		const char *name = fdt_node_name(fdt, node);

		if (!name || !*name || strchr(name, '/') || n == 64)
			return false;
		names[n++] = name;
		node = fdt_parent(fdt, node);
		if (node < 0)
			return false;
	}
	buf[0] = '/';
	buf[1] = '\0';
	while (n--) {
		size_t len = strlen(names[n]);
		if (used + 1 + len + 1 > size)
			return false;
		buf[used++] = '/';
		memcpy(buf + used, names[n], len + 1);
		used += len;
	}
	return true;
}

static void walk(const struct fdt *fdt)
{
	static char path[1024];
	int node, prev = -1, count = 0;

	fdt_root(fdt);
	for (node = fdt_next_node(fdt, -1); node >= 0;
	     node = fdt_next_node(fdt, node)) {
		/* Document order only moves forward. */
		FUZZ_CHECK(node > prev);
		FUZZ_CHECK(++count <= (int)(blob_size / 4));
		prev = node;

		const char *name = fdt_node_name(fdt, node);
		if (name)
			check_str(name);
		check_props(fdt, node);

		int last = node;
		for (int c = fdt_first_child(fdt, node); c >= 0;
		     c = fdt_next_sibling(fdt, c)) {
			FUZZ_CHECK(c > last);
			last = c;
			int p = fdt_parent(fdt, c);
			if (p >= 0)
				FUZZ_CHECK(p == node);
		}
		if (path_of(fdt, node, path, sizeof(path))) {
			int found = fdt_path_offset(fdt, path);
			/* The first child that matches each component: node
			 * itself, or an earlier "name@unit" when node's own
			 * name has no unit (DTSpec 2.2.3). */
			if (found >= 0 && name) {
				const char *fname = fdt_node_name(fdt, found);
				size_t len = strlen(name);
				FUZZ_CHECK(fname != NULL);
				FUZZ_CHECK(strcmp(fname, name) == 0 ||
					   (!strchr(name, '@') &&
					    strncmp(fname, name, len) == 0 &&
					    fname[len] == '@'));
			}
		}
	}
	static const char *const paths[] = {
		"/", "/chosen", "/soc", "/cpus/cpu@0", "/soc/pci", "//soc//",
		"/a/b/c/d/e/f", "soc", "/@", "/soc@",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		fdt_path_offset(fdt, paths[i]);
	static const char *const compats[] = {
		"ns16550a", "arm,pl011", "virtio,mmio", "riscv,plic0",
		"arm,gic-400", "pci-host-ecam-generic",
	};
	for (size_t i = 0; i < sizeof(compats) / sizeof(compats[0]); i++) {
		prev = -1;
		for (node = fdt_find_compatible(fdt, -1, compats[i]);
		     node >= 0;
		     node = fdt_find_compatible(fdt, node, compats[i])) {
			FUZZ_CHECK(node > prev);
			prev = node;
		}
	}
	for (uint32_t ph = 0; ph < 4; ph++)
		fdt_find_phandle(fdt, ph);
	fdt_find_phandle(fdt, 0xffffffffu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdt fdt;

	blob = data;
	blob_size = size;
	if (size >= 8)
		fdt_header_size(data);
	if (fdt_init(&fdt, data, size) != 0)
		return 0;
	FUZZ_CHECK(fdt.size <= size);
	FUZZ_CHECK(fdt.off_struct + (uint64_t)fdt.size_struct <= fdt.size);
	FUZZ_CHECK(fdt.off_strings + (uint64_t)fdt.size_strings <= fdt.size);
	blob_size = fdt.size;	/* nothing may come from past totalsize */
	walk(&fdt);
	return 0;
}
