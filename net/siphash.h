/*
 * SipHash-2-4, a keyed pseudo-random function for short inputs
 * (J.-P. Aumasson and D. J. Bernstein, "SipHash: a fast short-input
 * PRF", INDOCRYPT 2012).
 *
 * The stack uses it wherever an off-path attacker must not be able to
 * predict a value derived from a connection's addresses: ISNs (RFC 6528),
 * ephemeral port offsets (RFC 6056) and SYN cookies (net/tcp_isn.h).
 * It is a PRF, not a general-purpose hash: the 128-bit key must be secret
 * and random, and distinct uses must hash distinct messages (a leading
 * domain byte, or a different length) so that one output says nothing
 * about another.
 *
 * Pure functions: no state, no locks, any alignment of data.
 */
#ifndef KITE_NET_SIPHASH_H
#define KITE_NET_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN	16

/*
 * SipHash-2-4 of len bytes at data under key (two little-endian 64-bit
 * words k0 = key[0..7], k1 = key[8..15], as in the paper). Returns the
 * 64-bit result; the paper's byte string output is its little-endian
 * encoding.
 */
uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *data,
		   size_t len);

/*
 * SipHash-2-4 of a connection 4-tuple. The arguments are host-order
 * numbers; the message is their 12-byte big-endian (network order)
 * serialisation, saddr | daddr | sport | dport, so the result is the
 * same on every host and equals siphash24() of those bytes as they
 * appear in the IPv4 and TCP headers.
 */
uint64_t siphash_4tuple(const uint8_t key[SIPHASH_KEY_LEN], uint32_t saddr,
			uint32_t daddr, uint16_t sport, uint16_t dport);

#endif
