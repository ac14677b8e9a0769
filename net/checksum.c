/*
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the
 * one's complement sum of the data taken as 16-bit big-endian words, an
 * odd last byte padded with zero.
 *
 * The accumulator that inet_sum() returns is that sum before folding,
 * kept in 32 bits with end-around carries, so pieces can be chained
 * (pseudo-header, transport header, payload) as long as every piece but
 * the last has an even length: a piece that started at an odd offset of
 * the whole would pair its bytes the other way. inet_fold() gives the
 * value of the checksum field (store it with put_be16); a received
 * header or message whose checksum is right folds to 0.
 *
 * The loop adds 64-bit machine words, in the machine's byte order, with
 * end-around carry, then folds to 16 bits and swaps the bytes on a
 * little-endian machine: one's complement addition commutes with byte
 * swapping (RFC 1071 2(B)) and 2^16 == 1 modulo 0xffff (2(C)), so this
 * is the same sum as adding big-endian 16-bit words one at a time.
 * Loads are aligned (rv64imac and AArch64 with -mstrict-align would
 * otherwise split them into bytes, or trap), and go through
 * __builtin_memcpy: a plain memcpy is a call under -ffreestanding.
 */
#include "net/ip.h"
#include "net/ip6.h"

static inline uint16_t swap16(uint32_t v)
{
	return (uint16_t)((v & 0xff) << 8 | (v >> 8 & 0xff));
}

/* A 16-bit sum in machine order, as a big-endian one. */
static inline uint16_t native_to_be16(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return swap16(v);
#else
	return (uint16_t)v;
#endif
}

static inline uint64_t add_carry(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);
}

/* Fold to 16 bits, carrying around (RFC 1071 4.1). */
static uint32_t fold16(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint32_t)sum;
}

/* The folded sum of p[0..len) in machine order; p is 2-byte aligned. */
static uint32_t sum_native(const uint8_t *p, size_t len)
{
	uint64_t sum = 0, w;
	uint16_t h;

	p = __builtin_assume_aligned(p, 2);
	while (len >= 2 && ((uintptr_t)p & 7)) {
		__builtin_memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len >= 8) {
		/* The loop above stopped on an 8-byte boundary. */
		const uint8_t *a = __builtin_assume_aligned(p, 8);

		while (len >= 32) {
			uint64_t w0, w1, w2, w3;

			__builtin_memcpy(&w0, a, 8);
			__builtin_memcpy(&w1, a + 8, 8);
			__builtin_memcpy(&w2, a + 16, 8);
			__builtin_memcpy(&w3, a + 24, 8);
			sum = add_carry(sum, w0);
			sum = add_carry(sum, w1);
			sum = add_carry(sum, w2);
			sum = add_carry(sum, w3);
			a += 32;
			len -= 32;
		}
		while (len >= 8) {
			__builtin_memcpy(&w, a, 8);
			sum = add_carry(sum, w);
			a += 8;
			len -= 8;
		}
		p = a;
	}
	while (len >= 2) {
		__builtin_memcpy(&h, p, 2);
		sum = add_carry(sum, h);
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd last byte is the first byte of a word whose
		 * second byte is zero (RFC 1071 4.1). */
		uint8_t last[2] = { p[0], 0 };

		__builtin_memcpy(&h, last, 2);
		sum = add_carry(sum, h);
	}
	return fold16(sum);
}

uint32_t inet_sum(const void *data, size_t len, uint32_t acc)
{
	const uint8_t *p = data;
	uint32_t s;

	if (!len)
		return acc;
	if ((uintptr_t)p & 1) {
		/* p[0] is the high byte of the first word. The rest starts
		 * at an even address but an odd offset, so every word of
		 * it is paired the other way round: swap its sum. */
		s = (uint32_t)p[0] << 8;
		if (len > 1)
			s += swap16(native_to_be16(sum_native(p + 1, len - 1)));
	} else {
		s = native_to_be16(sum_native(p, len));
	}
	acc += s;
	return acc + (acc < s);
}

uint16_t inet_fold(uint32_t acc)
{
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
			 uint16_t len)
{
	/* RFC 768 / RFC 9293 3.1: source, destination, zero, protocol,
	 * length, as 16-bit words. */
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	       proto + len;
}

uint32_t inet6_pseudo_sum(const struct ip6_addr *src,
			  const struct ip6_addr *dst, uint32_t len,
			  uint8_t nh)
{
	/* RFC 8200 8.1: source, destination, the upper-layer length as
	 * 32 bits, three zero bytes and the next header. */
	uint32_t acc = (len >> 16) + (len & 0xffff) + nh;

	return inet_sum(dst->b, 16, inet_sum(src->b, 16, acc));
}
