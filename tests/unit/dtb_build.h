/*
 * A tiny flattened device tree builder for hand-made (often broken)
 * blobs, shared by the host tests that need one (test_fdt.c, test_dma.c).
 * Nodes and properties go in one after another, as DTSpec 5.4 lays out
 * the structure block; dt_layout() writes header (version 17), an empty
 * memory reservation block and both blocks. Each test file includes it
 * once, after tests/unit/test.h (FAIL_AT).
 */
#ifndef KITE_TEST_DTB_BUILD_H
#define KITE_TEST_DTB_BUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Header field offsets, DTSpec 5.2. */
enum {
	H_MAGIC = 0x00,
	H_TOTALSIZE = 0x04,
	H_OFF_STRUCT = 0x08,
	H_OFF_STRINGS = 0x0c,
	H_OFF_RSVMAP = 0x10,
	H_VERSION = 0x14,
	H_LAST_COMP = 0x18,
	H_BOOT_CPU = 0x1c,
	H_SIZE_STRINGS = 0x20,
	H_SIZE_STRUCT = 0x24,
	H_SIZE = 0x28,
};

struct dtb {
	uint8_t st[8192];	/* structure block */
	uint32_t st_len;
	uint8_t str[1024];	/* strings block */
	uint32_t str_len;
};

/* Room for a whole blob of a struct dtb: header, reservation block,
 * both blocks and the FDT_END token. */
#define DTB_BLOB_MAX	(H_SIZE + 16 + 8192 + 4 + 1024)

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void dt_word(struct dtb *d, uint32_t v)
{
	if (d->st_len + 4 > sizeof(d->st))
		FAIL_AT("builder: structure block full");
	put_be32(d->st + d->st_len, v);
	d->st_len += 4;
}

/* Raw bytes, zero-padded to a 4-byte boundary (DTSpec 5.4.1). */
static inline void dt_bytes(struct dtb *d, const void *p, uint32_t n)
{
	uint32_t padded = (n + 3) & ~3u;

	if (d->st_len + padded > sizeof(d->st))
		FAIL_AT("builder: structure block full");
	memset(d->st + d->st_len, 0, padded);
	if (n)
		memcpy(d->st + d->st_len, p, n);
	d->st_len += padded;
}

static inline uint32_t dt_string(struct dtb *d, const char *s)
{
	uint32_t off = d->str_len, n = (uint32_t)strlen(s) + 1;

	if (d->str_len + n > sizeof(d->str))
		FAIL_AT("builder: strings block full");
	memcpy(d->str + d->str_len, s, n);
	d->str_len += n;
	return off;
}

static inline void dt_begin(struct dtb *d, const char *name)
{
	dt_word(d, 0x1);			/* FDT_BEGIN_NODE */
	dt_bytes(d, name, (uint32_t)strlen(name) + 1);
}

static inline void dt_end(struct dtb *d)
{
	dt_word(d, 0x2);			/* FDT_END_NODE */
}

static inline void dt_nop(struct dtb *d)
{
	dt_word(d, 0x4);			/* FDT_NOP */
}

static inline void dt_prop(struct dtb *d, const char *name, const void *val,
			   uint32_t len)
{
	dt_word(d, 0x3);			/* FDT_PROP */
	dt_word(d, len);
	dt_word(d, dt_string(d, name));
	dt_bytes(d, val, len);
}

static inline void dt_prop_str(struct dtb *d, const char *name,
			       const char *s)
{
	dt_prop(d, name, s, (uint32_t)strlen(s) + 1);
}

static inline void dt_prop_cells(struct dtb *d, const char *name,
				 const uint32_t *cells, uint32_t n)
{
	uint8_t buf[64];

	if (n > sizeof(buf) / 4)
		FAIL_AT("builder: property too big");
	for (uint32_t i = 0; i < n; i++)
		put_be32(buf + 4 * i, cells[i]);
	dt_prop(d, name, buf, 4 * n);
}

static inline void dt_prop_u32(struct dtb *d, const char *name, uint32_t v)
{
	dt_prop_cells(d, name, &v, 1);
}

/* Lay the blob out in blob (DTB_BLOB_MAX bytes), the structure block
 * ended with FDT_END unless end_token is false; returns its size. */
static inline uint32_t dt_layout(struct dtb *d, uint8_t *blob, bool end_token)
{
	uint32_t off_struct = H_SIZE + 16, off_strings, total;

	if (end_token)
		dt_word(d, 0x9);		/* FDT_END */
	off_strings = off_struct + d->st_len;
	total = off_strings + d->str_len;
	memset(blob, 0, off_struct);
	put_be32(blob + H_MAGIC, 0xd00dfeed);
	put_be32(blob + H_TOTALSIZE, total);
	put_be32(blob + H_OFF_STRUCT, off_struct);
	put_be32(blob + H_OFF_STRINGS, off_strings);
	put_be32(blob + H_OFF_RSVMAP, H_SIZE);
	put_be32(blob + H_VERSION, 17);
	put_be32(blob + H_LAST_COMP, 16);
	put_be32(blob + H_SIZE_STRINGS, d->str_len);
	put_be32(blob + H_SIZE_STRUCT, d->st_len);
	memcpy(blob + off_struct, d->st, d->st_len);
	memcpy(blob + off_strings, d->str, d->str_len);
	return total;
}

#endif
