/*
 * Flattened device tree (DTB) reader. The contract is in fdt.h; this file
 * holds the how. Format: Devicetree Specification v0.4 (DTSpec), chapter 5
 * for the binary layout, chapter 2 for the meaning of standard properties.
 *
 * Everything here treats the blob as hostile. Two rules keep every read in
 * bounds:
 *
 *  - fdt_init() proves once that the structure and strings blocks lie
 *    inside [blob, blob + totalsize) and that totalsize <= the caller's
 *    buffer. After that, all offsets are kept relative to one block and
 *    checked against that block's size before any byte is touched.
 *  - fdt_next_tag() is the only code that decodes tokens. It checks the
 *    token, the node name's NUL and the property header and length, and
 *    always returns an offset strictly greater than the one it was given,
 *    so every walk built on it ends within size_struct / 4 steps however
 *    the blob is corrupted.
 *
 * Node offsets are byte offsets into the structure block of an
 * FDT_BEGIN_NODE token. Offsets passed in by callers are checked too.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fdt.h"

/* DTSpec 5.2: header magic, and the version this reader implements. */
#define FDT_MAGIC	0xd00dfeedu
#define FDT_VERSION	17u
#define FDT_MIN_VERSION 16u

/* DTSpec 5.2: a v17 header is ten 32-bit fields; v16 lacks the last one,
 * size_dt_struct. */
#define FDT_V16_HEADER_SIZE 36u
#define FDT_V17_HEADER_SIZE 40u

/* DTSpec 5.2: byte offsets of the header fields. */
#define FDT_HDR_MAGIC	     0x00u
#define FDT_HDR_TOTALSIZE    0x04u
#define FDT_HDR_OFF_STRUCT   0x08u
#define FDT_HDR_OFF_STRINGS  0x0cu
#define FDT_HDR_VERSION	     0x14u
#define FDT_HDR_LAST_COMP    0x18u
#define FDT_HDR_SIZE_STRINGS 0x20u
#define FDT_HDR_SIZE_STRUCT  0x24u

/* DTSpec 5.4.1: structure block tokens. */
#define FDT_BEGIN_NODE 0x1u
#define FDT_END_NODE   0x2u
#define FDT_PROP       0x3u
#define FDT_NOP	       0x4u
#define FDT_END	       0x9u

/* An FDT_PROP token is followed by len and nameoff (DTSpec 5.4.1). */
#define FDT_PROP_HDR_SIZE 12u

/* DTSpec 2.3.5: defaults when a parent has no #address-cells/#size-cells. */
#define FDT_DEFAULT_ADDR_CELLS 2u
#define FDT_DEFAULT_SIZE_CELLS 1u

/*
 * Deepest nesting fdt_parent() and fdt_next_sibling() will follow. Real
 * trees are under 10 deep; the bound keeps fdt_parent()'s stack fixed and
 * lets a blob of nothing but FDT_BEGIN_NODE be rejected instead of walked.
 */
#define FDT_MAX_DEPTH 64

/* Returned by fdt_address_cells()/fdt_size_cells() for a cell-count
 * property too short to hold a cell; fdt_reg() rejects it. */
#define FDT_CELLS_MALFORMED UINT32_MAX

static const uint8_t *fdt_struct_base(const struct fdt *fdt)
{
	return fdt->blob + fdt->off_struct;
}

static uint32_t fdt_align4(uint32_t off)
{
	return (off + 3u) & ~3u;
}

/* True if [off, off + len) fits in a block of block_size bytes, written so
 * that no sum can wrap. */
static bool fdt_range_ok(uint32_t off, uint32_t len, uint32_t block_size)
{
	return off <= block_size && len <= block_size - off;
}

uint32_t fdt_header_size(const void *blob)
{
	const uint8_t *b = blob;

	if (!b || fdt_be32(b + FDT_HDR_MAGIC) != FDT_MAGIC)
		return 0;
	return fdt_be32(b + FDT_HDR_TOTALSIZE);
}

/*
 * DTSpec 5.1: a reader for version 17 can read any blob whose
 * last_comp_version is <= 17. Version 16 blobs are also accepted; they
 * lack size_dt_struct, so the structure block is taken to run to the end
 * of the blob.
 */
static int fdt_check_version(const uint8_t *b, size_t max_size,
			     uint32_t *hdr_size)
{
	uint32_t version, last_comp;

	if (max_size < FDT_V16_HEADER_SIZE)
		return -EINVAL;
	version = fdt_be32(b + FDT_HDR_VERSION);
	last_comp = fdt_be32(b + FDT_HDR_LAST_COMP);
	if (version < FDT_MIN_VERSION || last_comp > FDT_VERSION)
		return -EINVAL;
	*hdr_size =
	    version >= FDT_VERSION ? FDT_V17_HEADER_SIZE : FDT_V16_HEADER_SIZE;
	if (max_size < *hdr_size)
		return -EINVAL;
	return 0;
}

int fdt_init(struct fdt *fdt, const void *blob, size_t max_size)
{
	const uint8_t *b = blob;
	uint32_t hdr_size, total, off_struct, size_struct;
	uint32_t off_strings, size_strings;

	if (!fdt || !b || max_size < 4 || fdt_be32(b) != FDT_MAGIC)
		return -EINVAL;
	if (fdt_check_version(b, max_size, &hdr_size))
		return -EINVAL;

	/* Node offsets are ints, so every offset must fit in one. */
	total = fdt_be32(b + FDT_HDR_TOTALSIZE);
	if (total < hdr_size || total > max_size || total > INT32_MAX)
		return -EINVAL;

	off_struct = fdt_be32(b + FDT_HDR_OFF_STRUCT);
	off_strings = fdt_be32(b + FDT_HDR_OFF_STRINGS);
	size_strings = fdt_be32(b + FDT_HDR_SIZE_STRINGS);
	if (hdr_size == FDT_V17_HEADER_SIZE)
		size_struct = fdt_be32(b + FDT_HDR_SIZE_STRUCT);
	else if (off_struct <= total)
		size_struct = total - off_struct;
	else
		return -EINVAL;

	/* DTSpec 5.6: the structure block is 4-byte aligned, which keeps
	 * every token aligned. Neither block may overlap the header. */
	if (off_struct % 4 != 0 || off_struct < hdr_size ||
	    off_strings < hdr_size ||
	    !fdt_range_ok(off_struct, size_struct, total) ||
	    !fdt_range_ok(off_strings, size_strings, total))
		return -EINVAL;

	/* The memory reservation block (DTSpec 5.3) is not read by any
	 * accessor, so it is not validated either. */
	fdt->blob = b;
	fdt->size = total;
	fdt->off_struct = off_struct;
	fdt->size_struct = size_struct;
	fdt->off_strings = off_strings;
	fdt->size_strings = size_strings;
	return 0;
}

/* Read the 32-bit word at structure-block offset off, if it is in bounds. */
static bool fdt_read_word(const struct fdt *fdt, uint32_t off, uint32_t *val)
{
	if (!fdt_range_ok(off, 4, fdt->size_struct))
		return false;
	*val = fdt_be32(fdt_struct_base(fdt) + off);
	return true;
}

/*
 * Decode the token at off (DTSpec 5.4.1) and return the offset of the next
 * one, or -EINVAL. A BEGIN_NODE's name must be NUL-terminated inside the
 * structure block; a PROP's header and value must fit in it. The result is
 * always > off, which is what bounds every walk.
 */
static int fdt_next_tag(const struct fdt *fdt, int off, uint32_t *tag)
{
	uint32_t o = (uint32_t)off, next, len;
	const uint8_t *name, *nul;

	if (off < 0 || o % 4 != 0 || !fdt_read_word(fdt, o, tag))
		return -EINVAL;

	switch (*tag) {
	case FDT_BEGIN_NODE:
		name = fdt_struct_base(fdt) + o + 4;
		nul = memchr(name, '\0', fdt->size_struct - (o + 4));
		if (!nul)
			return -EINVAL;
		next = fdt_align4(o + 4 + (uint32_t)(nul - name) + 1);
		break;
	case FDT_PROP:
		if (!fdt_range_ok(o, FDT_PROP_HDR_SIZE, fdt->size_struct))
			return -EINVAL;
		len = fdt_be32(fdt_struct_base(fdt) + o + 4);
		if (!fdt_range_ok(o + FDT_PROP_HDR_SIZE, len, fdt->size_struct))
			return -EINVAL;
		next = fdt_align4(o + FDT_PROP_HDR_SIZE + len);
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		next = o + 4;
		break;
	default:
		return -EINVAL;
	}
	/* Padding that runs off the block means the block was cut short. */
	if (next > fdt->size_struct)
		return -EINVAL;
	return (int)next;
}

/* Check that node is the offset of an FDT_BEGIN_NODE token and return the
 * offset just past it (its first property, child or END_NODE). */
static int fdt_node_body(const struct fdt *fdt, int node)
{
	uint32_t tag;
	int next = fdt_next_tag(fdt, node, &tag);

	if (next < 0 || tag != FDT_BEGIN_NODE)
		return -EINVAL;
	return next;
}

int fdt_root(const struct fdt *fdt)
{
	uint32_t tag;
	int off = 0, next;

	/* DTSpec 5.4.2: the block starts with the root's BEGIN_NODE; NOPs
	 * may precede any token. */
	for (;;) {
		next = fdt_next_tag(fdt, off, &tag);
		if (next < 0)
			return -EINVAL;
		if (tag == FDT_BEGIN_NODE)
			return off;
		if (tag != FDT_NOP)
			return -EINVAL;
		off = next;
	}
}

/*
 * DTSpec 5.4.2: a node is BEGIN_NODE, its properties, its children, then
 * END_NODE. Starting after a BEGIN_NODE, skip properties and NOPs and
 * return the offset of the first child's BEGIN_NODE, or -ENOENT at the
 * node's END_NODE.
 */
static int fdt_skip_props(const struct fdt *fdt, int off)
{
	uint32_t tag;
	int next;

	for (;;) {
		next = fdt_next_tag(fdt, off, &tag);
		if (next < 0)
			return -EINVAL;
		if (tag == FDT_BEGIN_NODE)
			return off;
		if (tag == FDT_END_NODE)
			return -ENOENT;
		if (tag != FDT_PROP && tag != FDT_NOP)
			return -EINVAL;
		off = next;
	}
}

int fdt_first_child(const struct fdt *fdt, int node)
{
	int off = fdt_node_body(fdt, node);

	if (off < 0)
		return off;
	return fdt_skip_props(fdt, off);
}

/* Return the offset just past the END_NODE that closes node's subtree. */
static int fdt_skip_subtree(const struct fdt *fdt, int node)
{
	uint32_t tag;
	int off = node, next, depth = 0;

	for (;;) {
		next = fdt_next_tag(fdt, off, &tag);
		if (next < 0)
			return -EINVAL;
		if (tag == FDT_BEGIN_NODE) {
			if (++depth > FDT_MAX_DEPTH)
				return -EINVAL;
		} else if (tag == FDT_END_NODE) {
			if (--depth == 0)
				return next;
		} else if (tag == FDT_END) {
			return -EINVAL; /* blob ends inside the node */
		}
		off = next;
	}
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
	uint32_t tag;
	int off, next;

	if (fdt_node_body(fdt, node) < 0)
		return -EINVAL;
	off = fdt_skip_subtree(fdt, node);
	if (off < 0)
		return off;

	/* After the subtree: NOPs, then a sibling, the parent's END_NODE or
	 * (after the root) FDT_END. A property here would follow a child,
	 * which DTSpec 5.4.2 does not allow. */
	for (;;) {
		next = fdt_next_tag(fdt, off, &tag);
		if (next < 0)
			return -EINVAL;
		if (tag == FDT_BEGIN_NODE)
			return off;
		if (tag == FDT_END_NODE || tag == FDT_END)
			return -ENOENT;
		if (tag != FDT_NOP)
			return -EINVAL;
		off = next;
	}
}

/*
 * The structure block has no parent links, so walk from the root keeping
 * the open BEGIN_NODE offsets on a stack until node is reached.
 */
int fdt_parent(const struct fdt *fdt, int node)
{
	int stack[FDT_MAX_DEPTH];
	int depth = 0, off, next;
	uint32_t tag;

	if (fdt_node_body(fdt, node) < 0)
		return -EINVAL;
	off = fdt_root(fdt);
	if (off < 0)
		return off;

	while (off <= node) {
		next = fdt_next_tag(fdt, off, &tag);
		if (next < 0)
			return -EINVAL;
		if (tag == FDT_BEGIN_NODE) {
			if (off == node)
				return depth ? stack[depth - 1] : -ENOENT;
			if (depth == FDT_MAX_DEPTH)
				return -EINVAL;
			stack[depth++] = off;
		} else if (tag == FDT_END_NODE) {
			/* The root closed before node was seen. */
			if (--depth == 0)
				return -EINVAL;
		} else if (tag == FDT_END) {
			return -EINVAL;
		}
		off = next;
	}
	/* Stepped over node: it lies inside some token, so is not a node. */
	return -EINVAL;
}

int fdt_next_node(const struct fdt *fdt, int node)
{
	uint32_t tag;
	int off, next;

	if (node == -1)
		return fdt_root(fdt);
	off = fdt_node_body(fdt, node);
	if (off < 0)
		return off;

	/* Document order is token order: the next BEGIN_NODE is the next
	 * node, whatever END_NODEs come between. */
	for (;;) {
		next = fdt_next_tag(fdt, off, &tag);
		if (next < 0)
			return -EINVAL;
		if (tag == FDT_BEGIN_NODE)
			return off;
		if (tag == FDT_END)
			return -ENOENT;
		off = next;
	}
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
	if (fdt_node_body(fdt, node) < 0)
		return NULL;
	/* fdt_next_tag() found the name's NUL inside the block. */
	return (const char *)fdt_struct_base(fdt) + node + 4;
}

/*
 * DTSpec 2.2.1/2.2.3: a path component "name" matches the node "name" and
 * any "name@unit"; a component that has its own "@unit" must match whole.
 */
static bool fdt_name_matches(const char *name, const char *comp, size_t len)
{
	if (strncmp(name, comp, len) != 0)
		return false;
	if (name[len] == '\0')
		return true;
	return name[len] == '@' && !memchr(comp, '@', len);
}

static int fdt_find_child(const struct fdt *fdt, int node, const char *comp,
			  size_t len)
{
	const char *name;
	int child;

	for (child = fdt_first_child(fdt, node); child >= 0;
	     child = fdt_next_sibling(fdt, child)) {
		name = fdt_node_name(fdt, child);
		if (!name)
			return -EINVAL;
		if (fdt_name_matches(name, comp, len))
			return child;
	}
	return child;
}

int fdt_path_offset(const struct fdt *fdt, const char *path)
{
	const char *end;
	size_t len;
	int node;

	/* Only absolute paths: aliases (DTSpec 3.3) are not resolved. */
	if (!path || path[0] != '/')
		return -ENOENT;
	node = fdt_root(fdt);

	while (node >= 0) {
		while (*path == '/')
			path++;
		if (*path == '\0')
			return node;
		end = strchr(path, '/');
		len = end ? (size_t)(end - path) : strlen(path);
		node = fdt_find_child(fdt, node, path, len);
		path += len;
	}
	return node;
}

/*
 * Does the property whose nameoff is given have this name? The name must
 * lie, with its NUL, inside the strings block (DTSpec 5.5). Returns 1 on a
 * match, 0 on none, -EINVAL if nameoff points outside the block.
 */
static int fdt_prop_name_is(const struct fdt *fdt, uint32_t nameoff,
			    const char *name, size_t name_len)
{
	const uint8_t *s;

	if (nameoff >= fdt->size_strings)
		return -EINVAL;
	if (name_len >= fdt->size_strings - nameoff)
		return 0;
	s = fdt->blob + fdt->off_strings + nameoff;
	return memcmp(s, name, name_len + 1) == 0;
}

const void *fdt_getprop(const struct fdt *fdt, int node, const char *name,
			uint32_t *len)
{
	const uint8_t *p;
	size_t name_len;
	uint32_t tag;
	int off, next, match;

	off = fdt_node_body(fdt, node);
	if (off < 0 || !name)
		return NULL;
	name_len = strlen(name);

	/* DTSpec 5.4.2: a node's properties come before its children. */
	for (;;) {
		next = fdt_next_tag(fdt, off, &tag);
		if (next < 0)
			return NULL;
		if (tag == FDT_PROP) {
			/* fdt_next_tag() checked the header and value. */
			p = fdt_struct_base(fdt) + off;
			match = fdt_prop_name_is(fdt, fdt_be32(p + 8), name,
						 name_len);
			if (match < 0)
				return NULL;
			if (match) {
				if (len)
					*len = fdt_be32(p + 4);
				return p + FDT_PROP_HDR_SIZE;
			}
		} else if (tag != FDT_NOP) {
			return NULL;
		}
		off = next;
	}
}

const char *fdt_getprop_str(const struct fdt *fdt, int node, const char *name)
{
	const char *s;
	uint32_t len;

	s = fdt_getprop(fdt, node, name, &len);
	if (!s || !memchr(s, '\0', len))
		return NULL;
	return s;
}

int fdt_getprop_u32(const struct fdt *fdt, int node, const char *name,
		    uint32_t *out)
{
	const void *p;
	uint32_t len;

	p = fdt_getprop(fdt, node, name, &len);
	if (!p)
		return -ENOENT;
	if (len < 4)
		return -EINVAL;
	*out = fdt_be32(p);
	return 0;
}

/* DTSpec 2.3.1: "compatible" is a list of NUL-terminated strings. An
 * unterminated tail is not a string and matches nothing. */
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
	const char *list, *end;
	uint32_t len, pos = 0;

	list = fdt_getprop(fdt, node, "compatible", &len);
	if (!list || !compat)
		return false;
	while (pos < len) {
		end = memchr(list + pos, '\0', len - pos);
		if (!end)
			return false;
		if (strcmp(list + pos, compat) == 0)
			return true;
		pos = (uint32_t)(end - list) + 1;
	}
	return false;
}

int fdt_find_compatible(const struct fdt *fdt, int node, const char *compat)
{
	int n;

	for (n = fdt_next_node(fdt, node); n >= 0; n = fdt_next_node(fdt, n))
		if (fdt_is_compatible(fdt, n, compat))
			return n;
	return n;
}

/* DTSpec 2.3.3. "linux,phandle" is the pre-standard spelling, still found
 * in old blobs. dtc never assigns 0 or 0xffffffff, and both are used to
 * mean "no phandle", so they match nothing. */
int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle)
{
	uint32_t val;
	int n;

	if (phandle == 0 || phandle == UINT32_MAX)
		return -ENOENT;
	for (n = fdt_next_node(fdt, -1); n >= 0; n = fdt_next_node(fdt, n)) {
		if (fdt_getprop_u32(fdt, n, "phandle", &val) == 0 &&
		    val == phandle)
			return n;
		if (fdt_getprop_u32(fdt, n, "linux,phandle", &val) == 0 &&
		    val == phandle)
			return n;
	}
	return n;
}

/* DTSpec 2.3.4: "okay" means operational; "ok" is a legacy spelling. Any
 * other value, or an unterminated one, means the device is not usable, as
 * is a node that is not a node. */
bool fdt_is_enabled(const struct fdt *fdt, int node)
{
	const char *s;
	uint32_t len;

	if (fdt_node_body(fdt, node) < 0)
		return false;
	s = fdt_getprop(fdt, node, "status", &len);
	if (!s)
		return true;
	return (len == 5 && memcmp(s, "okay", 5) == 0) ||
	       (len == 3 && memcmp(s, "ok", 3) == 0);
}

static uint32_t fdt_cells(const struct fdt *fdt, int node, const char *name,
			  uint32_t dflt)
{
	uint32_t val;
	int err = fdt_getprop_u32(fdt, node, name, &val);

	if (err == -ENOENT)
		return dflt;
	if (err)
		return FDT_CELLS_MALFORMED;
	return val;
}

/* DTSpec 2.3.5: these describe the node's children, are not inherited,
 * and default to 2 and 1. */
uint32_t fdt_address_cells(const struct fdt *fdt, int node)
{
	return fdt_cells(fdt, node, "#address-cells", FDT_DEFAULT_ADDR_CELLS);
}

uint32_t fdt_size_cells(const struct fdt *fdt, int node)
{
	return fdt_cells(fdt, node, "#size-cells", FDT_DEFAULT_SIZE_CELLS);
}

/*
 * DTSpec 2.3.6: "reg" is a list of (address, size) pairs, each of the
 * parent's #address-cells + #size-cells cells. Only 1- and 2-cell
 * addresses fit a uint64_t without a bus-specific meaning (PCI's 3-cell
 * addresses are rejected); a size of 0 cells means "no size" and reads 0.
 */
int fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *addr,
	    uint64_t *size)
{
	uint32_t ac, sc, stride, len, first;
	uint64_t a, s = 0;
	const void *reg;
	int parent;

	parent = fdt_parent(fdt, node);
	if (parent < 0)
		return parent;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc > 2 || index < 0)
		return -EINVAL;

	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return -ENOENT;
	stride = (ac + sc) * 4;
	if (len % stride != 0)
		return -EINVAL;
	if ((uint32_t)index >= len / stride)
		return -ENOENT;

	first = (uint32_t)index * (ac + sc);
	if (!fdt_read_cells(reg, len, first, ac, &a))
		return -EINVAL;
	if (sc && !fdt_read_cells(reg, len, first + ac, sc, &s))
		return -EINVAL;
	if (addr)
		*addr = a;
	if (size)
		*size = s;
	return 0;
}

bool fdt_read_cells(const void *prop, uint32_t len, uint32_t idx,
		    uint32_t cells, uint64_t *out)
{
	const uint8_t *p = prop;
	uint32_t ncells = len / 4;
	uint64_t val;

	if (!p || !out || cells < 1 || cells > 2)
		return false;
	if (idx >= ncells || cells > ncells - idx)
		return false;
	val = fdt_be32(p + idx * 4);
	if (cells == 2)
		val = val << 32 | fdt_be32(p + idx * 4 + 4);
	*out = val;
	return true;
}
