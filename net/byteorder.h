/*
 * Reading and writing multi-byte fields in network byte order (big
 * endian) at any alignment. Packets are never cast to structs: every
 * header field goes through these.
 */
#ifndef KITE_NET_BYTEORDER_H
#define KITE_NET_BYTEORDER_H

#include <stdint.h>

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* For struct sockaddr_in fields, which hold network order in memory. */
static inline uint16_t net_htons(uint16_t v)
{
	uint8_t b[2];
	put_be16(b, v);
	uint16_t r;
	__builtin_memcpy(&r, b, 2);
	return r;
}

static inline uint32_t net_htonl(uint32_t v)
{
	uint8_t b[4];
	put_be32(b, v);
	uint32_t r;
	__builtin_memcpy(&r, b, 4);
	return r;
}

#define net_ntohs net_htons
#define net_ntohl net_htonl

#endif
