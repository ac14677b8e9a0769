/*
 * Unpredictable numbers a TCP connection is born with: initial sequence
 * numbers (RFC 6528), ephemeral port offsets (RFC 6056), timestamp
 * offsets (RFC 7323) and SYN cookies (RFC 4987 section 3.6).
 *
 * All of them are SipHash-2-4 (net/siphash.h) of the connection's
 * addresses under one boot-time secret. Each use hashes a message of its
 * own shape (a leading domain byte or a different length), so knowing
 * one value, say the ISN of your own connection, tells an attacker
 * nothing about another, say a port offset or a cookie.
 *
 * A connection's addresses come as a struct tcp_addrs, ours ("l") and
 * the peer's ("r"), of either family; ports are host-order numbers. An
 * IPv6 pair is hashed whole, all 32 bytes, as Linux's secure_tcpv6_seq:
 * folding it to 32-bit words first would let an attacker who controls
 * his address choose pairs that collide.
 *
 * Pure functions of their arguments and the secret: no clock (callers
 * pass `now`), no locks, no allocation. Only tcp_secret_init() calls
 * out, to net_random().
 */
#ifndef KITE_NET_TCP_ISN_H
#define KITE_NET_TCP_ISN_H

#include <stdbool.h>
#include <stdint.h>

#include "net/ip6_addr.h"
#include "net/siphash.h"

/* Both ends' addresses: IPv4 host-order numbers, or IPv6 ones. */
struct tcp_addrs {
	bool v6;
	union {
		uint32_t laddr;
		struct ip6_addr laddr6;
	};
	union {
		uint32_t raddr;
		struct ip6_addr raddr6;
	};
};

/*
 * The boot-time secret. RFC 6528 section 3 asks for a key of at least
 * 128 bits that an attacker cannot guess; it is made once and never
 * changed while connections live (a new key would make the ISN sequence
 * of a live 4-tuple jump, and every outstanding cookie invalid).
 */
struct tcp_secret {
	uint8_t key[SIPHASH_KEY_LEN];
};

/* Fill the key from net_random(). As good as net_random() is: on QEMU
 * virt without a virtio-rng, that is timing jitter (kernel/net_port.c). */
void tcp_secret_init(struct tcp_secret *s);

/*
 * RFC 6528 section 3: ISN = M + F(localip, localport, remoteip,
 * remoteport, secretkey), where M is the RFC 9293 section 3.4.1 clock
 * that ticks every 4 microseconds (now_us / 4, modulo 2^32: it wraps
 * every 4.77 hours) and F the low 32 bits of a SipHash of the 4-tuple
 * (siphash_4tuple() for IPv4). Successive
 * connections of one 4-tuple thus get ISNs that advance at 250000 per
 * second, which keeps old duplicates out of a new incarnation, while
 * different 4-tuples get unrelated ISNs that an off-path attacker cannot
 * predict.
 */
uint32_t tcp_isn(const struct tcp_secret *s, const struct tcp_addrs *a,
		 uint16_t lport, uint16_t rport, uint64_t now_us);

/*
 * RFC 6056 section 3.3.3 (algorithm 3): offset = F(local address,
 * remote address, remote port, secret), the per-destination starting
 * point of the ephemeral port search (see net/portalloc.h). Keyed hash
 * of a message with its own domain byte, so it is independent of the
 * ISN hash of the same addresses.
 */
uint32_t tcp_port_offset(const struct tcp_secret *s,
			 const struct tcp_addrs *a, uint16_t rport);

/*
 * Offset added to our TCP timestamp clock (TSval) for connections from
 * a->laddr to a->raddr, as Linux's tsoffset: it hides our uptime and keeps
 * hosts from being told apart by their timestamp clock (RFC 7323's
 * security considerations, section 7), yet is the same for every
 * connection of one address pair, so that the peer's PAWS check (RFC 7323
 * section 5) across a TIME_WAIT reuse still sees one monotonic clock.
 */
uint32_t tcp_ts_offset(const struct tcp_secret *s, const struct tcp_addrs *a);

/*
 * SYN cookies: when the SYN queue is full the listener answers a SYN with
 * a SYN-ACK whose ISN is a cookie and forgets the SYN. A legitimate peer
 * then sends the final ACK with ack_seq = cookie + 1 and seq =
 * peer_isn + 1, from which syncookie_check() rebuilds the connection
 * without anything having been stored. RFC 4987 section 3.6; the scheme
 * is D. J. Bernstein's as Linux implements it, with the MSS index covered
 * by the MAC (see "Format" in net/tcp_isn.c).
 *
 * Time: a counter of SYNCOOKIE_PERIOD_MS periods (64 s, as some Linux
 * versions counted; current Linux uses 60 s). A cookie made in period c
 * is accepted in periods c and c + 1 (SYNCOOKIE_MAX_AGE = 2, Linux's
 * MAX_SYNCOOKIE_AGE): from the moment it is made until at least 64 s and
 * less than 128 s later, depending on where in its period it was made.
 *
 * MSS: only SYNCOOKIE_MSS_TABLE's four values can be carried. The peer's
 * MSS is rounded down to the largest entry not above it; an MSS below
 * 536 is sent as 536, the size every IPv4 host must accept (RFC 9293
 * section 3.7.1, RFC 1122 section 3.3.2), as Linux does.
 *
 * What a cookie connection loses (the SYN's options were not stored):
 * window scaling (RFC 7323 section 2), SACK-permitted (RFC 2018) and
 * timestamps, unless the caller encodes them into the low bits of our
 * SYN-ACK's TSval as Linux does (not done here); the exact MSS (rounded
 * down to the table); and any data on the SYN. Which is why cookies are
 * sent only while the queue is full (DESIGN.md), never in normal running.
 *
 * Replay: a cookie is a bearer token for its 4-tuple and peer ISN. Until
 * it expires (up to 128 s), anyone who saw the SYN-ACK and can send from
 * the peer's address can present it again and open the connection
 * anew once the first one is gone; the caller must look up established
 * connections and TIME_WAIT before trying a cookie (RFC 9293's lookup
 * order). A blind forger succeeds with probability 2^-29 per ACK (2 of
 * 256 counter values times a 22-bit MAC), as with Linux's cookies.
 */
#define SYNCOOKIE_PERIOD_MS	64000u
#define SYNCOOKIE_MAX_AGE	2	/* periods a cookie is accepted in */
#define SYNCOOKIE_MSS_TABLE	{ 536, 1300, 1440, 1460 }

/* The cookie to send as the ISN of our SYN-ACK to the SYN from
 * a->raddr:rport to our a->laddr:lport carrying sequence number peer_isn and MSS
 * option mss (536 if the SYN had none, RFC 9293 section 3.7.1). */
uint32_t syncookie_make(const struct tcp_secret *s, const struct tcp_addrs *a,
			uint16_t lport, uint16_t rport, uint32_t peer_isn,
			uint16_t mss, uint64_t now_ms);

/* Validate the cookie of a final ACK (cookie = ack_seq - 1, peer_isn =
 * seq - 1). 0 with *mss_out set to the MSS it carries (a table value),
 * or -EINVAL for a forged, mangled or expired cookie (*mss_out is then
 * left alone). */
int syncookie_check(const struct tcp_secret *s, const struct tcp_addrs *a,
		    uint16_t lport, uint16_t rport, uint32_t peer_isn,
		    uint32_t cookie, uint64_t now_ms, uint16_t *mss_out);

/* The MSS a cookie made for mss would carry (round down to the table). */
uint16_t syncookie_mss(uint16_t mss);

#endif
