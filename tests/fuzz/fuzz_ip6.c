/*
 * Fuzz target: IPv6 through Ethernet input (net/ip6.c, ip6_frag.c,
 * icmp6.c, nd6.c, nd6_router.c, ip6_addrconf.c, route6.c) of a whole
 * stack with IPv6 on: link-local fe80::ff:fe00:1 (DAD done), static
 * 2001:db8::1/64, and the peer fe80::9 (MAC 02:00:00:00:00:09) in its
 * neighbour cache.
 *
 * Input: a sequence of operations, each an op byte whose low three bits
 * say what it is:
 *   0  a frame: 16-bit length + bytes, handed to net_input() as they are
 *   1  an IPv6 packet from the peer: a control byte, then a 16-bit
 *      length + the packet (IPv6 header first), framed to our MAC (or
 *      the group's 33:33 MAC). Control bits:
 *        0x01  set Payload Length from the length
 *        0x02  source fe80::9, destination by bits 0x30: 0 our
 *              link-local, 1 2001:db8::1, 2 ff02::1, 3 our
 *              solicited-node group
 *        0x04  fix the ICMPv6 checksum, wherever the extension headers
 *              put the ICMPv6 message
 *        0x08  hop limit 255 (Neighbor Discovery's)
 *   2  time: op bits 3-6 index fuzz_steps[] (DAD, NUD, reassembly 60 s,
 *      lifetimes)
 *   3  send an echo: the next byte picks the destination (low 3 bits:
 *      the peer, a silent neighbour, 2001:db8::2, an off-link host,
 *      ff02::1, ::1, our link-local, 2001:db8::1) and, times 64, the
 *      length (so fragments and the pending queue are reached)
 *   4  add 2001:db8::N/64 (N the next byte); 5 remove it
 *   6  a Packet Too Big from the peer about 2001:db8::N with MTU from
 *      the next 16 bits
 *   7  nothing
 * After each, every due timer runs and the invariants are checked; at
 * the end time runs out every timer, everything is freed and nothing
 * may leak.
 */
#include "net/ip6.h"
#include "tests/fuzz/fuzz.h"

static struct sim sim;
static struct net_stack *s;
static uint64_t hooks_called;

static void on_echo(void *arg, const struct ip6_addr *src, uint16_t id,
		    uint16_t seq, const uint8_t *data, size_t len,
		    uint8_t hlim)
{
	(void)arg;
	(void)src;
	(void)id;
	(void)seq;
	(void)hlim;
	/* Touch the data: ASan checks it is all there. */
	for (size_t i = 0; i < len; i++)
		hooks_called += data[i] == 0xa5;
	hooks_called++;
}

static void on_error(void *arg, uint8_t type, uint8_t code, uint32_t info,
		     int err, const struct ip6_addr *src,
		     const struct ip6_addr *dst, uint8_t proto,
		     const uint8_t *l4, size_t l4len)
{
	(void)arg;
	(void)type;
	(void)code;
	(void)info;
	(void)src;
	(void)dst;
	(void)proto;
	FUZZ_CHECK(err < 0);
	for (size_t i = 0; i < l4len; i++)
		hooks_called += l4[i] == 0xa5;
	hooks_called++;
}

static struct ip6_addr addr6(const char *text)
{
	struct ip6_addr a;

	FUZZ_CHECK(ip6_addr_parse(text, &a));
	return a;
}

static void check_ip6(void)
{
	struct ip6_state *st = &s->ip6;
	struct netif *nif = sim.node[0].nif;
	unsigned per[ND6_TABLE_SIZE] = { 0 };

	FUZZ_CHECK(st->nd.pending.len <= ND6_PENDING_MAX);
	for (struct pkt *p = st->nd.pending.head; p; p = p->next) {
		FUZZ_CHECK(p->addr < ND6_TABLE_SIZE);
		FUZZ_CHECK(st->nd.entry[p->addr].state == ND6_INCOMPLETE);
		FUZZ_CHECK(++per[p->addr] <= ND6_PENDING_PER_NEIGH);
	}
	for (int i = 0; i < ND6_TABLE_SIZE; i++) {
		FUZZ_CHECK(st->nd.entry[i].state <= ND6_FAILED);
		FUZZ_CHECK(st->nd.entry[i].state == ND6_FREE ||
			   st->nd.entry[i].nif == nif);
	}
	FUZZ_CHECK(st->reasm_count <= IP6_REASM_MAX_DATAGRAMS);
	FUZZ_CHECK(st->reasm_bytes <= IP6_REASM_MAX_BYTES);
	FUZZ_CHECK(st->icmp_tokens <= ICMP6_ERR_BURST);
	FUZZ_CHECK(nif->ip6.mtu >= IP6_MIN_MTU && nif->ip6.mtu <= 1500);
	/* Every address has its solicited-node group joined. */
	for (int i = 0; i < IP6_IF_ADDRS; i++) {
		const struct ip6_ifaddr *ifa = &nif->ip6.addr[i];
		struct ip6_addr g;

		if (ifa->source == IP6_IFA_NONE)
			continue;
		ip6_addr_solicited_node(&g, &ifa->addr);
		FUZZ_CHECK(ip6_mc_joined(nif, &g));
	}
	FUZZ_CHECK(ip6_mc_joined(nif, &ip6_addr_allnodes));
}

/* Apply the control byte of op 1 to the packet in p (len bytes). */
static void fix_packet(uint8_t *p, size_t len, uint8_t ctl)
{
	struct ip6_addr src = addr6("fe80::9"), dst;
	size_t off;

	if (len < IP6_HLEN)
		return;
	if (ctl & 0x01)
		put_be16(p + 4, (uint16_t)(len - IP6_HLEN));
	if (ctl & 0x02) {
		switch ((ctl >> 4) & 3) {
		case 0:
			dst = addr6("fe80::ff:fe00:1");
			break;
		case 1:
			dst = addr6("2001:db8::1");
			break;
		case 2:
			dst = ip6_addr_allnodes;
			break;
		default:
			dst = addr6("fe80::ff:fe00:1");
			ip6_addr_solicited_node(&dst, &dst);
			break;
		}
		memcpy(p + 8, src.b, 16);
		memcpy(p + 24, dst.b, 16);
	}
	if (ctl & 0x08)
		p[7] = 255;
	if ((ctl & 0x04) && ip6_upper_layer(p, len, &off) == IP6_NH_ICMP6 &&
	    off + 4 <= len) {
		size_t end = IP6_HLEN + get_be16(p + 4);
		struct ip6_addr a, b;

		if (end > len || end < off + 4)
			end = len;
		memcpy(a.b, p + 8, 16);
		memcpy(b.b, p + 24, 16);
		put_be16(p + off + 2, 0);
		put_be16(p + off + 2, inet_fold(inet_sum(p + off, end - off,
			inet6_pseudo_sum(&a, &b, (uint32_t)(end - off),
					 IP6_NH_ICMP6))));
	}
}

/* Frame an IPv6 packet from the peer and hand it over. */
static void deliver6(const uint8_t *p, size_t len)
{
	static uint8_t f[ETH_FRAME_MAX + 64];
	uint8_t *copy;

	if (len > ETH_FRAME_MAX - ETH_HLEN)
		len = ETH_FRAME_MAX - ETH_HLEN;
	if (len >= IP6_HLEN && p[24] == 0xff) {
		f[0] = 0x33;
		f[1] = 0x33;
		memcpy(f + 2, p + 36, 4);
	} else {
		memcpy(f, fuzz_node_mac(&sim, 0), ETH_ALEN);
	}
	memcpy(f + ETH_ALEN, fuzz_peer_mac, ETH_ALEN);
	put_be16(f + 12, ETH_P_IPV6);
	memcpy(f + ETH_HLEN, p, len);
	/* An exact-size copy: ASan sees any read past the frame. */
	copy = malloc(ETH_HLEN + len);
	memcpy(copy, f, ETH_HLEN + len);
	fuzz_deliver(&sim, 0, copy, ETH_HLEN + len);
	free(copy);
}

static void send_echo(uint8_t sel)
{
	static const char *const dsts[8] = {
		"fe80::9", "fe80::66", "2001:db8::2", "2001:db8:99::1",
		"ff02::1", "::1", "fe80::ff:fe00:1", "2001:db8::1",
	};
	static uint8_t data[16 * 1024];
	struct ip6_addr dst = addr6(dsts[sel & 7]);
	size_t len = (size_t)(sel >> 3) * 512;

	memset(data, 0x5a, len);
	s->now = sim.now;
	icmp6_send_echo(s, &dst, sim.node[0].nif, 0x77, sel, data, len, 0);
	sim_run(&sim, 0);
}

static void packet_too_big(uint8_t n, uint16_t mtu)
{
	uint8_t p[IP6_HLEN + 8 + IP6_HLEN + 8] = { 0 };
	struct ip6_addr me = addr6("2001:db8::1"), to = addr6("2001:db8::");

	to.b[15] = n;
	put_be32(p, 0x60000000u);
	p[6] = IP6_NH_ICMP6;
	p[IP6_HLEN] = ICMP6_PACKET_TOO_BIG;
	put_be32(p + IP6_HLEN + 4, mtu);
	put_be32(p + IP6_HLEN + 8, 0x60000000u);
	p[IP6_HLEN + 8 + 6] = IP6_NH_ICMP6;
	memcpy(p + IP6_HLEN + 8 + 8, me.b, 16);
	memcpy(p + IP6_HLEN + 8 + 24, to.b, 16);
	fix_packet(p, sizeof(p), 0x17);	/* to 2001:db8::1 */
	deliver6(p, sizeof(p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct ip6_addr a;
	static uint8_t pkt[ETH_FRAME_MAX + 4];

	fuzz_sim_init(&sim, 1, 0);
	s = &sim.node[0].stack;
	hooks_called = 0;
	s->ip6.hooks.echo_reply = on_echo;
	s->ip6.hooks.error = on_error;
	FUZZ_CHECK(ip6_enable(s, sim.node[0].nif) == 0);
	a = addr6("2001:db8::1");
	s->now = sim.now;
	FUZZ_CHECK(ip6_addr_add(s, sim.node[0].nif, &a, 64) == 0);
	sim_run(&sim, 2100);
	a = addr6("fe80::9");
	nd6_learn(s, sim.node[0].nif, &a, fuzz_peer_mac, false);

	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in), ctl;
		const uint8_t *f;
		size_t len;

		switch (op & 7) {
		case 0:
			f = fuzz_record(&in, ETH_FRAME_MAX + 4, &len);
			uint8_t *copy = malloc(len ? len : 1);
			memcpy(copy, f, len);
			fuzz_deliver(&sim, 0, copy, len);
			free(copy);
			break;
		case 1:
			ctl = fuzz_u8(&in);
			f = fuzz_record(&in, ETH_FRAME_MAX - ETH_HLEN, &len);
			memcpy(pkt, f, len);
			fix_packet(pkt, len, ctl);
			deliver6(pkt, len);
			break;
		case 2:
			sim_run(&sim, fuzz_steps[(op >> 3) & 15]);
			break;
		case 3:
			send_echo(fuzz_u8(&in));
			break;
		case 4:
		case 5:
			a = addr6("2001:db8::");
			a.b[15] = fuzz_u8(&in);
			s->now = sim.now;
			if (op & 1)
				ip6_addr_del(s, sim.node[0].nif, &a);
			else
				ip6_addr_add(s, sim.node[0].nif, &a, 64);
			sim_run(&sim, 0);
			break;
		case 6:
			ctl = fuzz_u8(&in);
			packet_too_big(ctl, fuzz_u16(&in));
			break;
		default:
			break;
		}
		check_ip6();
	}
	/* Let every reassembly, resolution and lifetime run out. */
	sim_run(&sim, IP6_REASM_TIMEOUT_MS + PMTU6_EXPIRES_MS + 10000);
	check_ip6();
	FUZZ_CHECK(s->ip6.nd.pending.len == 0);
	FUZZ_CHECK(s->ip6.reasm_count == 0 && s->ip6.reasm_bytes == 0);
	fuzz_sim_free(&sim);
	return 0;
}
