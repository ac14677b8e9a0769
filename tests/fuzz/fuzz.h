/*
 * What the libFuzzer targets in tests/fuzz/ share: reading an input as
 * a stream of fields, building the frames a fake peer sends, and the
 * checks every target ends with.
 *
 * Each target is a program of its own (everything here is static), built
 * with clang -fsanitize=fuzzer,address,undefined (tests/fuzz/fuzz.mk).
 * A broken invariant is a crash: FUZZ_CHECK prints what broke and
 * aborts, so libFuzzer keeps the input as a crash artifact like any
 * sanitizer report.
 *
 * Determinism: a target's state depends on its input alone. Every input
 * starts from a fresh stack (sim_init), the host port's random source
 * is reseeded (port_host_seed), time starts at 0, and everything is
 * freed before the next input, with a leak check.
 */
#ifndef KITE_TEST_FUZZ_H
#define KITE_TEST_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/netdev.h"
#include "net/stack.h"
#include "tests/net/port_host.h"
#include "tests/net/sim.h"

#define FUZZ_CHECK(cond)                                                \
	do {                                                            \
		if (!(cond))                                            \
			fuzz_fail(__FILE__, __LINE__, #cond);           \
	} while (0)

static inline void __attribute__((noreturn))
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "fuzz: invariant broken: %s:%d: %s\n", file, line,
		what);
	abort();
}

/* --- the input as a stream of fields ---------------------------------- */

struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline bool fuzz_more(const struct fuzz_in *in)
{
	return in->n > 0;
}

/* Past the end every field reads as zeros. */
static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t hi = fuzz_u8(in);

	return (uint16_t)(hi << 8 | fuzz_u8(in));
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t hi = fuzz_u16(in);

	return hi << 16 | fuzz_u16(in);
}

/* Up to want bytes, in place; *got says how many there were. */
static inline const uint8_t *fuzz_bytes(struct fuzz_in *in, size_t want,
					size_t *got)
{
	const uint8_t *p = in->p;

	*got = want < in->n ? want : in->n;
	in->p += *got;
	in->n -= *got;
	return p;
}

/* A record of the length-prefixed form: a 16-bit big-endian length,
 * then that many bytes (fewer at the end of the input). */
static inline const uint8_t *fuzz_record(struct fuzz_in *in, size_t max,
					 size_t *got)
{
	size_t want = fuzz_u16(in);

	return fuzz_bytes(in, want < max ? want : max, got);
}

/* Virtual time steps an input can ask for (ms), by index: short ones
 * for retransmission and delayed ACKs, long ones for the protocols'
 * big timers (reassembly 30 s, ARP 300 s, TIME_WAIT 60 s, DHCP T1/T2). */
static const uint32_t fuzz_steps[16] = {
	0, 1, 3, 10, 40, 200, 500, 1000,
	3000, 10000, 29000, 31000, 61000, 120000, 301000, 1800000,
};

/* --- frames from a fake peer ------------------------------------------ */

#define FUZZ_NET	0x0a000000u		/* 10.0.0.0/24 of sim_init */
#define FUZZ_ADDR(i)	(FUZZ_NET + (uint32_t)(i) + 1)	/* node i */
#define FUZZ_PEER	(FUZZ_NET + 9)		/* 10.0.0.9, no node */
#define FUZZ_BCAST	(FUZZ_NET + 255)	/* the subnet broadcast */

static const uint8_t fuzz_peer_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x09 };

static inline const uint8_t *fuzz_node_mac(const struct sim *sim, int i)
{
	return sim->node[i].dev.mac;
}

static inline void fuzz_eth_hdr(uint8_t *f, const uint8_t *dst,
				const uint8_t *src, uint16_t type)
{
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	put_be16(f + 2 * ETH_ALEN, type);
}

/* A 20-byte IPv4 header with a right checksum. */
static inline void fuzz_ip_hdr(uint8_t *ip, uint32_t src, uint32_t dst,
			       uint8_t proto, uint16_t id, uint16_t frag,
			       uint16_t total)
{
	memset(ip, 0, IP_HLEN);
	ip[0] = 0x45;
	put_be16(ip + 2, total);
	put_be16(ip + 4, id);
	put_be16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	put_be32(ip + 12, src);
	put_be32(ip + 16, dst);
	put_be16(ip + 10, inet_fold(inet_sum(ip, IP_HLEN, 0)));
}

/* The UDP/TCP checksum over the pseudo-header, written at csum_off. */
static inline void fuzz_l4_csum(uint8_t *l4, size_t len, size_t csum_off,
				uint32_t src, uint32_t dst, uint8_t proto)
{
	if (len < csum_off + 2)
		return;
	put_be16(l4 + csum_off, 0);
	put_be16(l4 + csum_off, inet_fold(inet_sum(l4, len,
		inet_pseudo_sum(src, dst, proto, (uint16_t)len))));
}

/*
 * Frame an IPv4 datagram carrying l4 (len bytes) from src to dst, with
 * the peer's MAC as source, into f (room for ETH_FRAME_MAX + a little).
 * Returns the frame's length; the payload is cut to fit one frame.
 */
static inline size_t fuzz_ip_frame(uint8_t *f, const uint8_t *dst_mac,
				   const uint8_t *src_mac, uint32_t src,
				   uint32_t dst, uint8_t proto,
				   const uint8_t *l4, size_t len)
{
	if (len > ETH_FRAME_MAX - ETH_HLEN - IP_HLEN)
		len = ETH_FRAME_MAX - ETH_HLEN - IP_HLEN;
	fuzz_eth_hdr(f, dst_mac, src_mac, ETH_P_IP);
	fuzz_ip_hdr(f + ETH_HLEN, src, dst, proto, 1, 0,
		    (uint16_t)(IP_HLEN + len));
	memmove(f + ETH_HLEN + IP_HLEN, l4, len);
	return ETH_HLEN + IP_HLEN + len;
}

/* An ARP request from the peer (FUZZ_PEER) for addr: node `to` learns
 * the peer's MAC from it (RFC 826's merge) and answers. */
static inline void fuzz_arp_from_peer(struct sim *sim, int to, uint32_t addr)
{
	uint8_t f[60] = { 0 };
	uint8_t *a = f + ETH_HLEN;

	fuzz_eth_hdr(f, eth_broadcast, fuzz_peer_mac, ETH_P_ARP);
	put_be16(a, 1);			/* Ethernet */
	put_be16(a + 2, ETH_P_IP);
	a[4] = ETH_ALEN;
	a[5] = 4;
	put_be16(a + 6, 1);		/* request */
	memcpy(a + 8, fuzz_peer_mac, ETH_ALEN);
	put_be32(a + 14, FUZZ_PEER);
	put_be32(a + 24, addr);
	net_input(&sim->node[to].stack, sim->node[to].nif, f, sizeof(f),
		  sim->now);
	sim_run(sim, 0);
}

/* Hand node i a frame now, then let every node run what it made due. */
static inline void fuzz_deliver(struct sim *sim, int i, const uint8_t *f,
				size_t len)
{
	net_input(&sim->node[i].stack, sim->node[i].nif, f, len, sim->now);
	sim_run(sim, 0);
}

/* Take each node's socket events as the kernel does, touching every
 * socket on the list (a freed one is an ASan report). */
static inline void fuzz_take_events(struct sim *sim)
{
	for (int i = 0; i < sim->nnodes; i++)
		for (struct net_sock *sk = net_take_events(&sim->node[i].stack);
		     sk; sk = sk->event_next)
			FUZZ_CHECK(sk->type <= NET_SOCK_TCP);
}

/* --- per input ---------------------------------------------------------- */

static long fuzz_allocs_before;

/* A fresh simulation of n nodes (addresses from sim_init when addr_base
 * is set), same seeds for every input, wire delay 1 ms. */
static inline void fuzz_sim_init(struct sim *sim, int n, uint32_t addr_base)
{
	port_host_seed(0x6b697465);	/* "kite" */
	fuzz_allocs_before = port_host_allocs;
	sim_init(sim, n, addr_base, 7);
	sim->impair.delay_ms = 1;
}

/* Free the simulation; nothing the stack allocated may outlive it. */
static inline void fuzz_sim_free(struct sim *sim)
{
	sim_free(sim);
	FUZZ_CHECK(port_host_allocs == fuzz_allocs_before);
}

#endif
