/*
 * TCP options: parsing a received option list and laying out our own
 * (RFC 9293 3.2; window scale and timestamps RFC 7323; SACK RFC 2018).
 *
 * Pure functions over byte buffers: no state, no locks, no allocation.
 * The caller owns every buffer; multi-byte fields go through
 * net/byteorder.h, so buffers may sit at any alignment.
 *
 * Parsing (tcp_opt_parse):
 *  - EOL (kind 0) ends the list; whatever follows it is padding and is
 *    not looked at. NOP (kind 1) is skipped.
 *  - Every other kind carries a length byte covering kind and length.
 *    A length below 2, or one that runs past the end of the list, or a
 *    kind byte with no room left for its length, makes the list
 *    malformed: -EINVAL. So does a known option of the wrong size: MSS
 *    not 4, window scale not 3, SACK-permitted not 2, timestamps not 10,
 *    SACK not 2 + 8n with n 1..4. RFC 9293 3.2 (MUST-7) asks that an
 *    illegal length be handled, suggesting a reset; the caller decides
 *    (drop the segment, or reset and count it).
 *  - Unknown kinds with a sane length are skipped (RFC 9293 3.2, MUST-6).
 *  - MSS, window scale and SACK-permitted are recorded only when syn is
 *    true: they are defined only on SYN segments (RFC 9293 3.7.1,
 *    RFC 7323 2.2 "MUST be ignored" on non-SYN, RFC 2018 2). On other
 *    segments their size is still checked, their value dropped.
 *  - A window scale above 14 is recorded as 14 (RFC 7323 2.3: the TCP
 *    "MUST use 14 instead of the specified value"; the SHOULD-log is
 *    left to the caller, which can compare against the wire byte if it
 *    cares).
 *  - Timestamps and SACK blocks are recorded on any segment. SACK blocks
 *    are taken as sent: whether they are ordered, inside the window or
 *    were negotiated at all is for TCP to judge (RFC 2018 4, 5).
 *  - A repeated option: the last one wins (as Linux's
 *    tcp_parse_options, which simply overwrites).
 *  - Never reads opt[len] or beyond, whatever the bytes say.
 *  - On success *out describes exactly the options seen; on -EINVAL
 *    *out is all zero (no options), so a half-parsed list is never used.
 *
 * Building: the layouts are Linux's (tcp_options_write), so a capture of
 * Kite looks like one of Linux, and every option starts 4-aligned
 * relative to the option area where it can:
 *
 *   SYN:  02 04 mss                      always
 *         04 02 08 0a tsval tsecr        TS with SACK-permitted
 *         01 01 08 0a tsval tsecr        TS without SACK-permitted
 *         01 01 04 02                    SACK-permitted without TS
 *         01 03 03 ws                    window scale
 *   else: 01 01 08 0a tsval tsecr        TS
 *         01 01 05 len start end ...     SACK blocks
 *
 * The result is always a multiple of 4 bytes (the data offset counts
 * 32-bit words) and never longer than TCP_OPT_MAX (40) bytes.
 */
#ifndef KITE_NET_TCP_OPT_H
#define KITE_NET_TCP_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Option kinds (RFC 9293 3.2, RFC 7323, RFC 2018). */
#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MSS		2
#define TCPOPT_WINDOW		3
#define TCPOPT_SACK_PERM	4
#define TCPOPT_SACK		5
#define TCPOPT_TIMESTAMP	8

/* Option lengths, kind and length bytes included. */
#define TCPOLEN_MSS		4
#define TCPOLEN_WINDOW		3
#define TCPOLEN_SACK_PERM	2
#define TCPOLEN_TIMESTAMP	10
/* What it takes in every segment: two NOPs before it (RFC 7323 App. A). */
#define TCPOLEN_TSTAMP_ALIGNED	12
#define TCPOLEN_SACK_BASE	2
#define TCPOLEN_SACK_PERBLOCK	8

/* Option space: data offset of 15 words, less the 20-byte header. */
#define TCP_OPT_MAX		40
#define TCP_MAX_WSCALE		14	/* RFC 7323 2.3 */
#define TCP_SACK_MAX		4	/* blocks in 40 bytes, RFC 2018 3 */

struct tcp_sack_block {
	uint32_t start;		/* left edge: first sequence number */
	uint32_t end;		/* right edge: sequence number after the last */
};

struct tcp_opts {
	bool has_mss, has_ws, has_ts, sack_ok;
	uint16_t mss;		/* valid if has_mss */
	uint8_t ws;		/* shift count, 0..14; valid if has_ws */
	uint32_t tsval, tsecr;	/* valid if has_ts */
	uint8_t nsack;		/* SACK blocks in sack[], 0..4 */
	struct tcp_sack_block sack[TCP_SACK_MAX];
};

/*
 * Parse the option list opt[0..len) of a received segment (len is the
 * data offset's option bytes, 0..40). syn says whether the segment has
 * SYN set. Returns 0, or -EINVAL for a malformed list (see above).
 */
int tcp_opt_parse(const uint8_t *opt, size_t len, bool syn,
		  struct tcp_opts *out);

/*
 * Lay out the options of a SYN or SYN-ACK into buf (room bytes):
 * MSS always; window scale shift ws unless ws < 0 (a shift above 14 is
 * sent as 14, RFC 7323 2.3); SACK-permitted if sack_ok; timestamps if
 * ts. Returns the option length (a multiple of 4, at most 20), or 0 if
 * room is too small, in which case buf may have been left untouched.
 */
size_t tcp_opt_build_syn(uint8_t *buf, size_t room, uint16_t mss, int ws,
			 bool sack_ok, bool ts, uint32_t tsval,
			 uint32_t tsecr);

/*
 * Lay out the options of a non-SYN segment into buf (room bytes):
 * timestamps if ts, then the SACK blocks of sack (may be NULL; only its
 * nsack and sack[] are read). Blocks are kept in order and the trailing
 * ones dropped when the space left by min(room, 40) is short: 4 fit
 * without timestamps, 3 with. RFC 2018 4 puts the most recent block
 * first, so it is the one always kept. Returns the option length (a
 * multiple of 4, possibly 0 for no options), or 0 if room cannot hold
 * the timestamps.
 */
size_t tcp_opt_build(uint8_t *buf, size_t room, bool ts, uint32_t tsval,
		     uint32_t tsecr, const struct tcp_opts *sack);

#endif
