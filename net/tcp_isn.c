/*
 * ISNs, port and timestamp offsets, and SYN cookies: keyed hashes of a
 * connection's addresses (contract in net/tcp_isn.h).
 *
 * Messages. Every use hashes a message no other use can produce. With
 * A the addresses (4 bytes each for IPv4, 16 for IPv6), ours first,
 * except in cookies, whose "s" side is the peer that sent the SYN:
 *
 *	ISN		A sport dport				12 / 36 bytes
 *	port offset	'P' A dport				11 / 35 bytes
 *	ts offset	'T' A					 9 / 33 bytes
 *	cookie blind	'B' A sport dport peer_isn		17 / 41 bytes
 *	cookie MAC	'M' A sport dport peer_isn
 *			    count mss_index			22 / 46 bytes
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
#include <string.h>

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

/* The addresses into m: ours first, or the peer's for a cookie. Bytes
 * written: 8 or 32. */
static size_t put_addrs(uint8_t *m, const struct tcp_addrs *a,
			bool peer_first)
{
	if (a->v6) {
		memcpy(m, peer_first ? &a->raddr6 : &a->laddr6, 16);
		memcpy(m + 16, peer_first ? &a->laddr6 : &a->raddr6, 16);
		return 32;
	}
	put_be32(m, peer_first ? a->raddr : a->laddr);
	put_be32(m + 4, peer_first ? a->laddr : a->raddr);
	return 8;
}

uint32_t tcp_isn(const struct tcp_secret *s, const struct tcp_addrs *a,
		 uint16_t lport, uint16_t rport, uint64_t now_us)
{
	/* RFC 9293 section 3.4.1: the ISN clock ticks every 4 us. */
	uint32_t m = (uint32_t)(now_us / 4);
	uint8_t msg[36];
	size_t n;

	if (!a->v6)
		return m + (uint32_t)siphash_4tuple(s->key, a->laddr, a->raddr,
						    lport, rport);
	n = put_addrs(msg, a, false);
	put_be16(msg + n, lport);
	put_be16(msg + n + 2, rport);
	return m + (uint32_t)siphash24(s->key, msg, n + 4);
}

uint32_t tcp_port_offset(const struct tcp_secret *s,
			 const struct tcp_addrs *a, uint16_t rport)
{
	uint8_t m[35];
	size_t n;

	m[0] = 'P';
	n = 1 + put_addrs(m + 1, a, false);
	put_be16(m + n, rport);
	return (uint32_t)siphash24(s->key, m, n + 2);
}

uint32_t tcp_ts_offset(const struct tcp_secret *s, const struct tcp_addrs *a)
{
	uint8_t m[33];

	m[0] = 'T';
	return (uint32_t)siphash24(s->key, m, 1 + put_addrs(m + 1, a, false));
}

/* Common head of the cookie messages: tag, 4-tuple (the peer's end
 * first), peer ISN. Bytes written: 17 or 41. */
static size_t cookie_msg(uint8_t m[41], uint8_t tag,
			 const struct tcp_addrs *a, uint16_t lport,
			 uint16_t rport, uint32_t peer_isn)
{
	size_t n = 1 + put_addrs(m + 1, a, true);

	m[0] = tag;
	put_be16(m + n, rport);
	put_be16(m + n + 2, lport);
	put_be32(m + n + 4, peer_isn);
	return n + 8;
}

static uint32_t cookie_blind(const struct tcp_secret *s,
			     const struct tcp_addrs *a, uint16_t lport,
			     uint16_t rport, uint32_t peer_isn)
{
	uint8_t m[41];
	size_t n = cookie_msg(m, 'B', a, lport, rport, peer_isn);

	return (uint32_t)siphash24(s->key, m, n);
}

/* The MAC covers the full counter, not only the 8 bits sent, so a
 * cookie 256 periods old does not come back to life. */
static uint32_t cookie_mac(const struct tcp_secret *s,
			   const struct tcp_addrs *a, uint16_t lport,
			   uint16_t rport, uint32_t peer_isn, uint32_t count,
			   uint32_t mssi)
{
	uint8_t m[46];
	size_t n = cookie_msg(m, 'M', a, lport, rport, peer_isn);

	put_be32(m + n, count);
	m[n + 4] = (uint8_t)mssi;
	return (uint32_t)siphash24(s->key, m, n + 5) & COOKIE_MAC_MASK;
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

uint32_t syncookie_make(const struct tcp_secret *s, const struct tcp_addrs *a,
			uint16_t lport, uint16_t rport, uint32_t peer_isn,
			uint16_t mss, uint64_t now_ms)
{
	uint32_t count = cookie_count(now_ms);
	uint32_t mssi = cookie_mss_index(mss);
	uint32_t v;

	v = (count & COOKIE_COUNT_MASK) << COOKIE_COUNT_SHIFT |
	    mssi << COOKIE_MSS_SHIFT |
	    cookie_mac(s, a, lport, rport, peer_isn, count, mssi);
	return v + cookie_blind(s, a, lport, rport, peer_isn);
}

int syncookie_check(const struct tcp_secret *s, const struct tcp_addrs *a,
		    uint16_t lport, uint16_t rport, uint32_t peer_isn,
		    uint32_t cookie, uint64_t now_ms, uint16_t *mss_out)
{
	uint32_t now = cookie_count(now_ms);
	uint32_t v = cookie - cookie_blind(s, a, lport, rport, peer_isn);
	uint32_t age = (now - (v >> COOKIE_COUNT_SHIFT)) & COOKIE_COUNT_MASK;
	uint32_t mssi = (v >> COOKIE_MSS_SHIFT) & COOKIE_MSS_MASK;

	/* Made in this period or the previous one; anything else (older,
	 * or from the future) is refused before the MAC is computed. */
	if (age >= SYNCOOKIE_MAX_AGE || age > now)
		return -EINVAL;
	if ((v & COOKIE_MAC_MASK) != cookie_mac(s, a, lport, rport, peer_isn,
						now - age, mssi))
		return -EINVAL;
	*mss_out = syncookie_msstab[mssi];
	return 0;
}
