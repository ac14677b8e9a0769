/*
 * What the IPv6 whole-stack tests (test_ip6.c, test_nd6.c) share: nodes
 * of tests/net/sim.c with IPv6 switched on, a record of every frame put
 * on the wire, frames built by hand as a peer or a router would send
 * them, and the upper-layer hooks (echo replies, ICMPv6 errors)
 * recorded. Like tests/unit/test.h it defines static objects: include it
 * once, from the test's .c file.
 */
#ifndef KITE_TEST_IP6_HARNESS_H
#define KITE_TEST_IP6_HARNESS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/eth.h"
#include "net/ip6.h"
#include "net/stack.h"
#include "tests/net/port_host.h"
#include "tests/net/sim.h"
#include "tests/unit/test.h"

static struct sim sim;
static long allocs_at_start;

#define S(i)	(&sim.node[i].stack)
#define NIF(i)	(sim.node[i].nif)

static struct ip6_addr A6(const char *text)
{
	struct ip6_addr a;

	if (!ip6_addr_parse(text, &a))
		abort();
	return a;
}

/* Node i's link-local address: fe80::ff:fe00:(i+1) (sim's MACs). */
static inline struct ip6_addr ll_of(int i)
{
	struct ip6_addr a = A6("fe80::");

	ip6_addr_set_eui64(&a, sim.node[i].dev.mac);
	return a;
}

/* --- the wire, recorded ---------------------------------------------------- */

#define WIRE_MAX 512

static struct wire_rec {
	uint64_t at;		/* sim time it was sent */
	int from;
	unsigned len;
	uint8_t f[ETH_FRAME_MAX];
} wire_log[WIRE_MAX];
static int nwire;

static inline void tap(struct sim *sm, int from, const uint8_t *f, unsigned len)
{
	if (nwire == WIRE_MAX)
		return;
	wire_log[nwire].at = sm->now;
	wire_log[nwire].from = from;
	wire_log[nwire].len = len;
	memcpy(wire_log[nwire].f, f, len);
	nwire++;
}

static inline bool is_ip6(const struct wire_rec *w)
{
	return w->len >= ETH_HLEN + IP6_HLEN && get_be16(w->f + 12) == ETH_P_IPV6;
}

/* The ICMPv6 type of a frame (no extension headers), or -1. */
static inline int icmp6_type(const struct wire_rec *w)
{
	if (!is_ip6(w) || w->f[ETH_HLEN + 6] != IP6_NH_ICMP6)
		return -1;
	return w->f[ETH_HLEN + IP6_HLEN];
}

static inline const uint8_t *ip6_of(const struct wire_rec *w)
{
	return w->f + ETH_HLEN;
}

static inline const uint8_t *icmp6_of(const struct wire_rec *w)
{
	return w->f + ETH_HLEN + IP6_HLEN;
}

/* Frames from node `from` (-1: any) of ICMPv6 type, since index `since`. */
static inline int count_type(int since, int from, int type)
{
	int n = 0;

	for (int i = since; i < nwire; i++)
		if ((from < 0 || wire_log[i].from == from) &&
		    icmp6_type(&wire_log[i]) == type)
			n++;
	return n;
}

/* The last such frame, or NULL. */
static inline const struct wire_rec *last_of_type(int from, int type)
{
	for (int i = nwire - 1; i >= 0; i--)
		if ((from < 0 || wire_log[i].from == from) &&
		    icmp6_type(&wire_log[i]) == type)
			return &wire_log[i];
	return NULL;
}

/* --- time ------------------------------------------------------------------------ */

/* Advance virtual time by ms, then bring every stack's clock (s->now) to
 * the simulation's, as the kernel does before each user call (as
 * tests/sim/tcp_harness.h's run()). */
static inline void run(uint64_t ms)
{
	sim_run(&sim, ms);
	sim_run(&sim, 0);
}

/* --- the hooks, recorded ----------------------------------------------------- */

struct echo_rec {
	int node;
	struct ip6_addr src;
	uint16_t id, seq;
	size_t len;
	uint8_t hlim;
	bool data_ok;
};
#define ECHO_MAX 64
static struct echo_rec echoes[ECHO_MAX];
static int nechoes;

struct err_rec {
	int node;
	uint8_t type, code, proto;
	uint32_t info;
	int err;
	struct ip6_addr dst;
};
#define ERR_MAX 64
static struct err_rec errs[ERR_MAX];
static int nerrs;

/* Echo data: byte i of every request is (uint8_t)(i * 7 + seq). */
static inline void echo_reply(void *arg, const struct ip6_addr *src, uint16_t id,
		       uint16_t seq, const uint8_t *data, size_t len,
		       uint8_t hlim)
{
	struct echo_rec *r;

	if (nechoes == ECHO_MAX)
		return;
	r = &echoes[nechoes++];
	r->node = (int)(intptr_t)arg;
	r->src = *src;
	r->id = id;
	r->seq = seq;
	r->len = len;
	r->hlim = hlim;
	r->data_ok = true;
	for (size_t i = 0; i < len; i++)
		if (data[i] != (uint8_t)(i * 7 + seq))
			r->data_ok = false;
}

static inline void icmp_error(void *arg, uint8_t type, uint8_t code, uint32_t info,
		       int err, const struct ip6_addr *src,
		       const struct ip6_addr *dst, uint8_t proto,
		       const uint8_t *l4, size_t l4len)
{
	struct err_rec *r;

	(void)src;
	(void)l4;
	(void)l4len;
	if (nerrs == ERR_MAX)
		return;
	r = &errs[nerrs++];
	r->node = (int)(intptr_t)arg;
	r->type = type;
	r->code = code;
	r->info = info;
	r->err = err;
	r->proto = proto;
	r->dst = *dst;
}

static inline int ping(int node, const struct ip6_addr *dst, struct netif *oif,
		uint16_t seq, size_t len)
{
	static uint8_t data[65536];

	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 7 + seq);
	return icmp6_send_echo(S(node), dst, oif, 0x4b49, seq, data, len, 0);
}

/* --- setting up ---------------------------------------------------------------- */

/* n nodes, no IPv4, IPv6 on (unless off), hooks and wire tap set. */
static inline void setup(int n, uint64_t seed, bool on)
{
	allocs_at_start = port_host_allocs;
	port_host_seed(seed);
	sim_init(&sim, n, 0, seed);
	sim.wire_tap = tap;
	nwire = nechoes = nerrs = 0;
	port_host_last_log[0] = 0;
	for (int i = 0; i < n; i++) {
		S(i)->ip6.hooks.echo_reply = echo_reply;
		S(i)->ip6.hooks.error = icmp_error;
		S(i)->ip6.hooks.arg = (void *)(intptr_t)i;
		if (on)
			CHECK_EQ(ip6_enable(S(i), NIF(i)), 0);
	}
}

/* Tear down; nothing the stacks allocated may be left. */
static inline void teardown(void)
{
	sim_free(&sim);
	CHECK_EQ(port_host_allocs, allocs_at_start);
}

static inline struct ip6_ifaddr *ifa_of(int node, const char *text)
{
	struct ip6_addr a = A6(text);

	return ip6_ifaddr_find(NIF(node), &a);
}

static inline bool usable(const struct ip6_ifaddr *ifa)
{
	return ifa && !(ifa->flags & (IP6_IFA_TENTATIVE | IP6_IFA_DADFAILED));
}

/* Enable, then wait out DAD of every link-local address (<= 2 s). */
static inline void setup_up(int n, uint64_t seed)
{
	setup(n, seed, true);
	run(2100);
	for (int i = 0; i < n; i++) {
		struct ip6_addr ll = ll_of(i);

		CHECK(usable(ip6_ifaddr_find(NIF(i), &ll)));
	}
}

/* --- frames from a peer that is not a node ------------------------------------ */

static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x09 };

/* An IPv6 frame into f: Ethernet (dst MAC from dst: multicast mapped,
 * else node `to`'s), header, payload. Returns the length. */
static inline size_t frame6(uint8_t *f, int to, const struct ip6_addr *src,
		     const struct ip6_addr *dst, uint8_t nh, uint8_t hlim,
		     const uint8_t *payload, size_t plen)
{
	uint8_t *h = f + ETH_HLEN;

	if (ip6_addr_is_multicast(dst)) {
		f[0] = 0x33;
		f[1] = 0x33;
		memcpy(f + 2, dst->b + 12, 4);
	} else {
		memcpy(f, sim.node[to].dev.mac, 6);
	}
	memcpy(f + 6, peer_mac, 6);
	put_be16(f + 12, ETH_P_IPV6);
	put_be32(h, 0x60000000u);
	put_be16(h + 4, (uint16_t)plen);
	h[6] = nh;
	h[7] = hlim;
	memcpy(h + 8, src->b, 16);
	memcpy(h + 24, dst->b, 16);
	if (plen)
		memcpy(h + IP6_HLEN, payload, plen);
	return ETH_HLEN + IP6_HLEN + plen;
}

/* Fix the ICMPv6 checksum of a message at m (len bytes). */
static inline void icmp6_csum(uint8_t *m, size_t len, const struct ip6_addr *src,
		       const struct ip6_addr *dst)
{
	put_be16(m + 2, 0);
	put_be16(m + 2, inet_fold(inet_sum(m, len,
		inet6_pseudo_sum(src, dst, (uint32_t)len, IP6_NH_ICMP6))));
}

/* Hand node `to` a frame now and let everyone run what it made due. */
static inline void inject(int to, const uint8_t *f, size_t len)
{
	net_input(S(to), NIF(to), f, len, sim.now);
	run(0);
}

/* An ICMPv6 message from src to dst, checksum fixed, into node `to`. */
static inline void inject_icmp6(int to, const struct ip6_addr *src,
			 const struct ip6_addr *dst, uint8_t hlim, uint8_t *m,
			 size_t len)
{
	static uint8_t f[ETH_FRAME_MAX + 64];

	icmp6_csum(m, len, src, dst);
	inject(to, f, frame6(f, to, src, dst, IP6_NH_ICMP6, hlim, m, len));
}

#endif
