/*
 * TCP sequence-space and timestamp arithmetic.
 *
 * Sequence numbers are 32-bit values compared modulo 2^32 (RFC 9293
 * 3.4): a is "before" b when the signed 32-bit distance a - b is
 * negative, so 0xfffffff0 comes before 0x00000010. The comparison is
 * only meaningful while the two numbers are less than 2^31 apart; at
 * exactly 2^31 both seq_lt(a, b) and seq_lt(b, a) are true (as with
 * Linux's before()). TCP keeps its windows far below that (at most
 * 2^30 with window scaling, RFC 7323 2.3).
 *
 * Timestamp values (TSval, TSecr) follow the same modular rule for the
 * PAWS test (RFC 7323 5.3: "SEG.TSval < TS.Recent" is a 2^31 comparison
 * of the 32-bit clock); the ts_* names keep that use findable.
 *
 * Pure functions: no state, no locks, callable from anywhere.
 */
#ifndef KITE_NET_TCP_SEQ_H
#define KITE_NET_TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* The signed distance from b to a: positive when a is after b. */
static inline int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) < 0;
}

static inline bool seq_leq(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) <= 0;
}

static inline bool seq_gt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) > 0;
}

static inline bool seq_geq(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) >= 0;
}

/*
 * lo <= a < hi in sequence space: the acceptability tests of RFC 9293
 * 3.4 ("RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND"). Computed as an unsigned
 * offset from lo, so it holds across the wrap and is empty when
 * lo == hi (a zero window accepts nothing).
 */
static inline bool seq_between(uint32_t a, uint32_t lo, uint32_t hi)
{
	return a - lo < hi - lo;
}

static inline uint32_t seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}

static inline uint32_t seq_min(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? a : b;
}

/* Timestamp clock comparisons for PAWS (RFC 7323 5.3, 5.5). */
static inline bool ts_lt(uint32_t a, uint32_t b)
{
	return seq_lt(a, b);
}

static inline bool ts_leq(uint32_t a, uint32_t b)
{
	return seq_leq(a, b);
}

static inline bool ts_gt(uint32_t a, uint32_t b)
{
	return seq_gt(a, b);
}

static inline bool ts_geq(uint32_t a, uint32_t b)
{
	return seq_geq(a, b);
}

#endif
