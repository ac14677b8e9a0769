/*
 * SipHash-2-4, written from the paper's description (section 2):
 * four 64-bit words of state initialised from the key and the constants
 * "somepseudorandomlygeneratedbytes", c = 2 SipRounds per 8-byte message
 * word, then d = 4 finalisation rounds.
 */
#include "net/byteorder.h"
#include "net/siphash.h"

#define SIP_C_ROUNDS	2	/* compression rounds per message word */
#define SIP_D_ROUNDS	4	/* finalisation rounds */

static inline uint64_t rotl64(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

/* Bytes p[0..n-1] as a little-endian number (n <= 8). */
static uint64_t get_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

/* The paper's SipRound: three ARX half-rounds on (v0, v1) and (v2, v3). */
static inline void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v2 += s->v3;
	s->v1 = rotl64(s->v1, 13);
	s->v3 = rotl64(s->v3, 16);
	s->v1 ^= s->v0;
	s->v3 ^= s->v2;
	s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v1;
	s->v0 += s->v3;
	s->v1 = rotl64(s->v1, 17);
	s->v3 = rotl64(s->v3, 21);
	s->v1 ^= s->v2;
	s->v3 ^= s->v0;
	s->v2 = rotl64(s->v2, 32);
}

static inline void sip_compress(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	for (int i = 0; i < SIP_C_ROUNDS; i++)
		sip_round(s);
	s->v0 ^= m;
}

uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *data,
		   size_t len)
{
	const uint8_t *p = data;
	uint64_t k0 = get_le(key, 8), k1 = get_le(key + 8, 8);
	struct sip_state s = {
		.v0 = k0 ^ 0x736f6d6570736575ULL,	/* "somepseu" */
		.v1 = k1 ^ 0x646f72616e646f6dULL,	/* "dorandom" */
		.v2 = k0 ^ 0x6c7967656e657261ULL,	/* "lygenera" */
		.v3 = k1 ^ 0x7465646279746573ULL,	/* "tedbytes" */
	};
	size_t left = len;

	for (; left >= 8; left -= 8, p += 8)
		sip_compress(&s, get_le(p, 8));

	/* The last word: the 0-7 remaining bytes, and len mod 256 in its
	 * most significant byte. */
	sip_compress(&s, get_le(p, left) | (uint64_t)(len & 0xff) << 56);

	s.v2 ^= 0xff;
	for (int i = 0; i < SIP_D_ROUNDS; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t siphash_4tuple(const uint8_t key[SIPHASH_KEY_LEN], uint32_t saddr,
			uint32_t daddr, uint16_t sport, uint16_t dport)
{
	uint8_t m[12];

	put_be32(m, saddr);
	put_be32(m + 4, daddr);
	put_be16(m + 8, sport);
	put_be16(m + 10, dport);
	return siphash24(key, m, sizeof(m));
}
