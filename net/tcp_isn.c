/*
 * ISNs, port and timestamp offsets, and SYN cookies: keyed hashes of a
 * connection's addresses (contract in net/tcp_isn.h).
 *
 * Messages. Every use hashes a message no other use can produce:
 *
 *	ISN		saddr daddr sport dport			12 bytes
 *	port offset	'P' saddr daddr dport			11 bytes
 *	ts offset	'T' saddr daddr				 9 bytes
 *	cookie blind	'B' saddr daddr sport dport peer_isn	17 bytes
 *	cookie MAC	'M' saddr daddr sport dport peer_isn
 *			    count mss_index			22 bytes
 *
 * all big-endian. SipHash's last word includes the length, so messages
 * of different lengths are distinct even without the domain byte.
 *
 * Cookie format. With count = now_ms / SYNCOOKIE_PERIOD_MS and mssi the
 * index of the MSS in the table:
 *
 *	 31          24 23  22 21                               0
 *	+--------------+------+----------------------------------+
 *	| count mod 256| mssi | MAC(4-tuple, peer_isn, count,    |
 *	|              |      |     mssi) mod 2^22               |
 *	+--------------+------+----------------------------------+
 *	cookie = that + blind(4-tuple, peer_isn)	(mod 2^32)
 *
 * The blind, which does not depend on time, makes every cookie look like
 * a uniformly random ISN (RFC 6528's goal) and hides count and mssi from
 * the peer; subtracting it gives back the fields. This is Linux's layout
 * (8 bits of counter over 24 bits, the whole blinded by a hash of the
 * 4-tuple plus the peer's ISN) with one difference: Linux adds the MSS
 * index to its MAC and blinds with peer_isn by plain addition, so a
 * flip of cookie or peer ISN bit 0 or 1 can pass as another valid MSS
 * index. Here the MAC covers the peer's ISN and the MSS index, so every
 * change to the cookie, the 4-tuple or the peer ISN fails unless it
 * guesses 22 bits of MAC (and, for a random cookie, 2 of 256 counters).
 */
#include <errno.h>

#include "net/byteorder.h"
#include "net/port.h"
#include "net/tcp_isn.h"

#define COOKIE_COUNT_SHIFT	24	/* counter in bits 31..24 */
#define COOKIE_COUNT_MASK	0xffu
#define COOKIE_MSS_SHIFT	22	/* MSS index in bits 23..22 */
#define COOKIE_MSS_MASK		0x3u
#define COOKIE_MAC_MASK		((1u << COOKIE_MSS_SHIFT) - 1)

static const uint16_t syncookie_msstab[] = SYNCOOKIE_MSS_TABLE;

#define MSSTAB_SIZE (sizeof(syncookie_msstab) / sizeof(syncookie_msstab[0]))

_Static_assert(MSSTAB_SIZE == COOKIE_MSS_MASK + 1,
	       "the MSS table must fill the cookie's MSS index field");
_Static_assert(SYNCOOKIE_MAX_AGE < COOKIE_COUNT_MASK,
	       "the cookie counter must tell accepted ages apart");

void tcp_secret_init(struct tcp_secret *s)
{
	for (unsigned i = 0; i < SIPHASH_KEY_LEN; i += 4)
		put_be32(s->key + i, net_random());
}

uint32_t tcp_isn(const struct tcp_secret *s, uint32_t saddr, uint32_t daddr,
		 uint16_t sport, uint16_t dport, uint64_t now_us)
{
	/* RFC 9293 section 3.4.1: the ISN clock ticks every 4 us. */
	uint32_t m = (uint32_t)(now_us / 4);
	uint32_t f = (uint32_t)siphash_4tuple(s->key, saddr, daddr, sport,
					      dport);

	return m + f;
}

uint32_t tcp_port_offset(const struct tcp_secret *s, uint32_t saddr,
			 uint32_t daddr, uint16_t dport)
{
	uint8_t m[11];

	m[0] = 'P';
	put_be32(m + 1, saddr);
	put_be32(m + 5, daddr);
	put_be16(m + 9, dport);
	return (uint32_t)siphash24(s->key, m, sizeof(m));
}

uint32_t tcp_ts_offset(const struct tcp_secret *s, uint32_t saddr,
		       uint32_t daddr)
{
	uint8_t m[9];

	m[0] = 'T';
	put_be32(m + 1, saddr);
	put_be32(m + 5, daddr);
	return (uint32_t)siphash24(s->key, m, sizeof(m));
}

/* Common head of the cookie messages: tag, 4-tuple, peer ISN. */
static void cookie_msg(uint8_t m[17], uint8_t tag, uint32_t saddr,
		       uint32_t daddr, uint16_t sport, uint16_t dport,
		       uint32_t peer_isn)
{
	m[0] = tag;
	put_be32(m + 1, saddr);
	put_be32(m + 5, daddr);
	put_be16(m + 9, sport);
	put_be16(m + 11, dport);
	put_be32(m + 13, peer_isn);
}

static uint32_t cookie_blind(const struct tcp_secret *s, uint32_t saddr,
			     uint32_t daddr, uint16_t sport, uint16_t dport,
			     uint32_t peer_isn)
{
	uint8_t m[17];

	cookie_msg(m, 'B', saddr, daddr, sport, dport, peer_isn);
	return (uint32_t)siphash24(s->key, m, sizeof(m));
}

/* The MAC covers the full counter, not only the 8 bits sent, so a
 * cookie 256 periods old does not come back to life. */
static uint32_t cookie_mac(const struct tcp_secret *s, uint32_t saddr,
			   uint32_t daddr, uint16_t sport, uint16_t dport,
			   uint32_t peer_isn, uint32_t count, uint32_t mssi)
{
	uint8_t m[22];

	cookie_msg(m, 'M', saddr, daddr, sport, dport, peer_isn);
	put_be32(m + 17, count);
	m[21] = (uint8_t)mssi;
	return (uint32_t)siphash24(s->key, m, sizeof(m)) & COOKIE_MAC_MASK;
}

static uint32_t cookie_count(uint64_t now_ms)
{
	return (uint32_t)(now_ms / SYNCOOKIE_PERIOD_MS);
}

/* Largest table index whose MSS is <= mss; 0 (536) below the table. */
static uint32_t cookie_mss_index(uint16_t mss)
{
	uint32_t i = MSSTAB_SIZE - 1;

	while (i > 0 && syncookie_msstab[i] > mss)
		i--;
	return i;
}

uint16_t syncookie_mss(uint16_t mss)
{
	return syncookie_msstab[cookie_mss_index(mss)];
}

uint32_t syncookie_make(const struct tcp_secret *s, uint32_t saddr,
			uint32_t daddr, uint16_t sport, uint16_t dport,
			uint32_t peer_isn, uint16_t mss, uint64_t now_ms)
{
	uint32_t count = cookie_count(now_ms);
	uint32_t mssi = cookie_mss_index(mss);
	uint32_t v;

	v = (count & COOKIE_COUNT_MASK) << COOKIE_COUNT_SHIFT |
	    mssi << COOKIE_MSS_SHIFT |
	    cookie_mac(s, saddr, daddr, sport, dport, peer_isn, count, mssi);
	return v + cookie_blind(s, saddr, daddr, sport, dport, peer_isn);
}

int syncookie_check(const struct tcp_secret *s, uint32_t saddr,
		    uint32_t daddr, uint16_t sport, uint16_t dport,
		    uint32_t peer_isn, uint32_t cookie, uint64_t now_ms,
		    uint16_t *mss_out)
{
	uint32_t now = cookie_count(now_ms);
	uint32_t v = cookie - cookie_blind(s, saddr, daddr, sport, dport,
					   peer_isn);
	uint32_t age = (now - (v >> COOKIE_COUNT_SHIFT)) & COOKIE_COUNT_MASK;
	uint32_t mssi = (v >> COOKIE_MSS_SHIFT) & COOKIE_MSS_MASK;

	/* Made in this period or the previous one; anything else (older,
	 * or from the future) is refused before the MAC is computed. */
	if (age >= SYNCOOKIE_MAX_AGE || age > now)
		return -EINVAL;
	if ((v & COOKIE_MAC_MASK) != cookie_mac(s, saddr, daddr, sport, dport,
						peer_isn, now - age, mssi))
		return -EINVAL;
	*mss_out = syncookie_msstab[mssi];
	return 0;
}
