/*
 * Flattened device tree (DTB) reader.
 *
 * The firmware (OpenSBI, QEMU, U-Boot) hands the kernel a DTB; every device
 * the kernel drives is found through this interface. The blob is untrusted
 * input: every accessor checks bounds against the size validated by
 * fdt_init() and never reads outside the blob. Nodes are named by their
 * offset into the structure block (an int >= 0); a negative return is a
 * negative errno (-ENOENT: not found, -EINVAL: malformed blob).
 *
 * Read-only and allocation-free; safe to call before the heap exists.
 * Format: Devicetree Specification v0.4, chapter 5.
 */
#ifndef KITE_FDT_H
#define KITE_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fdt {
	const uint8_t *blob;
	uint32_t size;		/* totalsize from the header, <= max_size */
	uint32_t off_struct;	/* structure block, within size */
	uint32_t size_struct;
	uint32_t off_strings;	/* strings block, within size */
	uint32_t size_strings;
};

/* Validate the header (magic, version >= 16, blocks inside totalsize,
 * totalsize <= max_size) and fill *fdt. Returns 0 or -EINVAL. */
int fdt_init(struct fdt *fdt, const void *blob, size_t max_size);

/* The header's totalsize, readable before fdt_init() to learn how much to
 * map; returns 0 if the magic is wrong. */
uint32_t fdt_header_size(const void *blob);

int fdt_root(const struct fdt *fdt);
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);
int fdt_parent(const struct fdt *fdt, int node);	/* -ENOENT for root */

/* Depth-first walk of the whole tree: the node after `node` in document
 * order (pass -1 to start at the root); -ENOENT at the end. */
int fdt_next_node(const struct fdt *fdt, int node);

/* "uart@10000000"; "" for the root; NULL on malformed blob. */
const char *fdt_node_name(const struct fdt *fdt, int node);

/* "/soc/pci@30000000"; a path component without "@unit" matches a node
 * whose name is that component with any unit address. */
int fdt_path_offset(const struct fdt *fdt, const char *path);

/* Property value and length; NULL (and *len untouched) if absent. */
const void *fdt_getprop(const struct fdt *fdt, int node, const char *name,
			uint32_t *len);
/* NUL-terminated string property, or NULL if absent or unterminated. */
const char *fdt_getprop_str(const struct fdt *fdt, int node, const char *name);
/* First cell of a u32 property; -ENOENT if absent, -EINVAL if short. */
int fdt_getprop_u32(const struct fdt *fdt, int node, const char *name,
		    uint32_t *out);

/* True if any string in the node's "compatible" list equals compat. */
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);
/* Next node after `node` (-1: from the start) compatible with compat. */
int fdt_find_compatible(const struct fdt *fdt, int node, const char *compat);
int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle);
/* "status" absent, "okay" or "ok". */
bool fdt_is_enabled(const struct fdt *fdt, int node);

/* #address-cells / #size-cells a node declares for its children
 * (defaults 2 and 1 per the spec). */
uint32_t fdt_address_cells(const struct fdt *fdt, int node);
uint32_t fdt_size_cells(const struct fdt *fdt, int node);

/* The index-th (address, size) pair of the node's "reg", decoded with its
 * parent's cell counts. Returns 0, -ENOENT or -EINVAL. */
int fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *addr,
	    uint64_t *size);

/* Read `cells` (1 or 2) big-endian cells at cell index idx of a property
 * of len bytes; returns false if out of bounds. */
bool fdt_read_cells(const void *prop, uint32_t len, uint32_t idx,
		    uint32_t cells, uint64_t *out);

static inline uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

#endif
