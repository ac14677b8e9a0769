/*
 * Stand-ins for what the rest of net/ provides to IPv4 and ICMP (ARP,
 * lo, UDP, ping sockets, the port layer), shared by test_ip.c,
 * test_icmp.c and test_ip_frag.c. Like tests/unit/test.h it defines
 * static objects: include it once, from the test's .c file.
 */
#ifndef KITE_TEST_IP_HARNESS_H
#define KITE_TEST_IP_HARNESS_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip.h"
#include "net/port.h"
#include "net/route.h"
#include "net/stack.h"
#include "tests/unit/test.h"

/* --- stand-ins for what the rest of net/ provides --------------------- */

/* Memory, counted so that every test can check nothing leaked; a
 * countdown makes the Nth allocation from now fail. */
static long fake_allocs;
static int fake_alloc_fail_in;	/* 0: never */

void *net_alloc(size_t size)
{
	if (fake_alloc_fail_in && --fake_alloc_fail_in == 0)
		return NULL;
	void *p = malloc(size);
	if (p)
		fake_allocs++;
	return p;
}

void net_free(void *p)
{
	if (p)
		fake_allocs--;
	free(p);
}

uint32_t net_random(void)
{
	static uint32_t x = 12345;
	x = x * 1103515245u + 12345u;
	return x;
}

void net_log(const char *fmt, ...)
{
	(void)fmt;
}

/* Every packet handed to the link: by ARP (Ethernet interfaces) or to
 * netif_output (lo, whose frames carry a zeroed Ethernet header). Kept
 * as IP packets. */
struct sent {
	struct net_stack *s;
	struct netif *nif;
	uint32_t nexthop;	/* ARP only */
	bool lo;
	uint8_t *ip;
	size_t len;
};
#define SENT_MAX 512
static struct sent sent[SENT_MAX];
static int nsent;

static void sent_record(struct net_stack *s, struct netif *nif,
			uint32_t nexthop, bool lo, const uint8_t *ip,
			size_t len)
{
	if (nsent == SENT_MAX)
		abort();
	sent[nsent].s = s;
	sent[nsent].nif = nif;
	sent[nsent].nexthop = nexthop;
	sent[nsent].lo = lo;
	sent[nsent].ip = malloc(len ? len : 1);
	memcpy(sent[nsent].ip, ip, len);
	sent[nsent].len = len;
	nsent++;
}

static void sent_reset(void)
{
	for (int i = 0; i < nsent; i++)
		free(sent[i].ip);
	nsent = 0;
}

static int lo_bad_eth_headers;

void arp_output(struct net_stack *s, struct netif *nif, struct pkt *p,
		uint32_t nexthop)
{
	sent_record(s, nif, nexthop, false, pkt_data(p), p->len);
	pkt_free(p);
}

void netif_output(struct net_stack *s, struct netif *nif, struct pkt *p)
{
	static const uint8_t eth[14] = { [12] = 0x08, [13] = 0x00 };
	const uint8_t *d = pkt_data(p);

	if (p->len < 14 || memcmp(d, eth, 14) != 0)
		lo_bad_eth_headers++;
	sent_record(s, nif, 0, true, d + 14, p->len - 14);
	pkt_free(p);
}

/* UDP: what was delivered; with udp_no_socket set, answer like a UDP
 * with no socket on the port (ICMP port unreachable). */
static int udp_calls;
static struct net_stack *udp_last_s;
static struct netif *udp_last_nif;
static uint32_t udp_last_src, udp_last_dst;
static uint8_t udp_last[70000];
static size_t udp_last_len;
static bool udp_no_socket;

void udp_input(struct net_stack *s, struct netif *nif, const uint8_t *ip,
	       const uint8_t *udp, size_t len)
{
	udp_calls++;
	udp_last_s = s;
	udp_last_nif = nif;
	udp_last_src = get_be32(ip + 12);
	udp_last_dst = get_be32(ip + 16);
	memcpy(udp_last, udp, len);
	udp_last_len = len;
	if (udp_no_socket)
		icmp_send_error(s, ip, (size_t)(udp - ip) + len,
				ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
}

static int uerr_calls;
static uint32_t uerr_src, uerr_dst;
static uint16_t uerr_sport, uerr_dport;
static int uerr_err;

void udp_icmp_error(struct net_stack *s, uint32_t src, uint16_t sport,
		    uint32_t dst, uint16_t dport, int err)
{
	uerr_calls++;
	uerr_src = src;
	uerr_sport = sport;
	uerr_dst = dst;
	uerr_dport = dport;
	uerr_err = err;
}

static int ping_calls;
static uint32_t ping_src;
static uint16_t ping_id, ping_seq;
static uint8_t ping_payload[70000];
static size_t ping_len;
static uint8_t ping_ttl;

/* TCP segments delivered by ip_input. */
static int tcp_calls;
static size_t tcp_last_len;

void tcp_input(struct net_stack *s, struct netif *nif, const uint8_t *ip,
	       const uint8_t *tcp, size_t len)
{
	(void)s;
	(void)nif;
	(void)ip;
	(void)tcp;
	tcp_calls++;
	tcp_last_len = len;
}

/* ICMP errors quoting TCP segments. */
static int tcp_icmp_calls;
static int tcp_icmp_err;
static uint32_t tcp_icmp_seq;

void tcp_icmp_error(struct net_stack *s, uint32_t src, uint16_t sport,
		    uint32_t dst, uint16_t dport, uint32_t seq, int err)
{
	(void)s;
	(void)src;
	(void)sport;
	(void)dst;
	(void)dport;
	tcp_icmp_calls++;
	tcp_icmp_seq = seq;
	tcp_icmp_err = err;
}

void ping_input(struct net_stack *s, uint32_t src, uint16_t id, uint16_t seq,
		const uint8_t *payload, size_t len, uint8_t ttl)
{
	ping_calls++;
	ping_src = src;
	ping_id = id;
	ping_seq = seq;
	memcpy(ping_payload, payload, len);
	ping_len = len;
	ping_ttl = ttl;
}

/* --- a stack: lo 127.0.0.1/8 and eth0 10.0.2.15/24 via 10.0.2.2 ------- */

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define ME A(10, 0, 2, 15)
#define GW A(10, 0, 2, 2)
#define PEER A(10, 0, 2, 99)
#define FAR A(192, 0, 2, 7)

static struct net_stack S;
static struct netif eth0;

static void netif_setup(struct netif *nif, const char *name, int ifindex,
			uint32_t addr, uint8_t prefix_len)
{
	memset(nif, 0, sizeof(*nif));
	strcpy(nif->name, name);
	nif->ifindex = ifindex;
	nif->flags = NETIF_UP | NETIF_BROADCAST;
	nif->mtu = 1500;
	nif->mac[0] = 0x52;
	nif->mac[5] = (uint8_t)ifindex;
	nif->addr = addr;
	nif->prefix_len = prefix_len;
	nif->stats = &nif->lo_stats;
}

/* A stack with lo and one Ethernet interface, like net_stack_init()
 * plus net_set_addr() would make it. */
static void stack_setup(struct net_stack *s, struct netif *eth, uint32_t addr,
			uint32_t gw)
{
	memset(s, 0, sizeof(*s));
	ip_init(s);
	route_init(&s->routes);
	netif_setup(&s->lo, "lo", 1, INADDR_LOOPBACK_, 8);
	s->lo.flags = NETIF_UP | NETIF_LOOPBACK;
	s->lo.mtu = 65535;
	netif_setup(eth, "eth0", 2, addr, 24);
	s->netifs[0] = &s->lo;
	s->netifs[1] = eth;
	s->nnetifs = 2;
	route_add(&s->routes, A(127, 0, 0, 0), 8, 0, &s->lo, 0);
	if (addr)
		route_add(&s->routes, addr, 24, 0, eth, 0);
	if (gw)
		route_add(&s->routes, 0, 0, gw, eth, 0);
	s->now = 1000;
}

/* Also forgets allocations a failed test left behind, so that one
 * failure is not reported again by every test after it. */
static void reset_fakes(void)
{
	sent_reset();
	fake_allocs = 0;
	fake_alloc_fail_in = 0;
	lo_bad_eth_headers = 0;
	udp_calls = 0;
	udp_no_socket = false;
	uerr_calls = 0;
	tcp_icmp_calls = 0;
	ping_calls = 0;
}

static void setup(void)
{
	reset_fakes();
	stack_setup(&S, &eth0, ME, GW);
}

/* Let everything in reassembly time out, then nothing may be left. */
static void teardown_stack(struct net_stack *s)
{
	s->now += 10ull * IP_REASM_TIMEOUT_MS;
	ip_poll(s);
	CHECK(s->ip.reasm == NULL);
	CHECK_EQ(s->ip.reasm_count, 0);
	CHECK_EQ(s->ip.reasm_bytes, 0);
}

static void teardown(void)
{
	teardown_stack(&S);
	sent_reset();
	CHECK_EQ(fake_allocs, 0);
}

/* --- building packets -------------------------------------------------- */

__attribute__((unused)) static void ip_fix_checksum(uint8_t *b)
{
	size_t hlen = (size_t)(b[0] & 0x0f) * 4;

	put_be16(b + 10, 0);
	put_be16(b + 10, inet_fold(inet_sum(b, hlen, 0)));
}

/* An IPv4 header without options and its payload; returns the length. */
__attribute__((unused)) static size_t mkip(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto,
		   uint16_t id, uint16_t frag, uint8_t ttl, const void *payload,
		   size_t plen)
{
	b[0] = 0x45;
	b[1] = 0;
	put_be16(b + 2, (uint16_t)(20 + plen));
	put_be16(b + 4, id);
	put_be16(b + 6, frag);
	b[8] = ttl;
	b[9] = proto;
	put_be32(b + 12, src);
	put_be32(b + 16, dst);
	if (plen)
		memcpy(b + 20, payload, plen);
	ip_fix_checksum(b);
	return 20 + plen;
}

/* A UDP datagram (checksum 0: none) from sport to dport. */
__attribute__((unused)) static size_t mkudp(uint8_t *b, uint16_t sport, uint16_t dport,
		    const void *data, size_t len)
{
	put_be16(b, sport);
	put_be16(b + 2, dport);
	put_be16(b + 4, (uint16_t)(8 + len));
	put_be16(b + 6, 0);
	if (len)
		memcpy(b + 8, data, len);
	return 8 + len;
}

__attribute__((unused)) static void fill_pattern(uint8_t *b, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 7 + seed + (i >> 8));
}

__attribute__((unused)) static bool ip_checksum_ok(const uint8_t *b)
{
	return inet_fold(inet_sum(b, (size_t)(b[0] & 0x0f) * 4, 0)) == 0;
}

#endif
