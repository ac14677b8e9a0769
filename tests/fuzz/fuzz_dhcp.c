/*
 * Fuzz target: the DHCP client (net/dhcp.c) in each of its states,
 * answered by a fake server (10.0.0.9, port 67) over a whole stack: the
 * replies go through Ethernet, IP and UDP to the client's port 68.
 *
 * Input: byte 0 picks the state the harness drives the client into
 * with well-formed replies (mod 5): SELECTING, REQUESTING, BOUND,
 * RENEWING (at T1), REBINDING (at T2). Byte 1 shapes the lease it was
 * given: bits 0-1 its time (3600 s, 60 s, infinite, no option), 0x04 a
 * router, 0x08 a /24 mask, 0x10 T1 and T2 options. (RENEWING and
 * REBINDING need a lease that ends: an infinite one reads as 3600 s.)
 *
 * Then a sequence of replies, each a control byte, a 16-bit length and
 * the BOOTP message. Control bits:
 *   0x01  fix xid to the client's current one
 *   0x02  fix chaddr to the client's MAC
 *   0x04  fix op, htype, hlen and the magic cookie
 *   0x08  unicast to 10.0.0.15 (the offered address) instead of
 *         broadcast
 *   0xf0  virtual time before it (fuzz_steps[]: retransmissions, T1,
 *         T2, expiry)
 * After each reply the client's state must be coherent with the
 * interface's address; at the end the client is stopped and nothing
 * may leak.
 */
#include "net/dhcp.h"
#include "net/netif.h"
#include "tests/fuzz/fuzz.h"

#define OFFERED		(FUZZ_NET + 15)
#define SERVER		FUZZ_PEER
#define BOOTP_LEN	300	/* what servers send at least */

static struct sim sim;
static struct net_stack *s;
static struct netif *nif;

/* A reply of `type` for the client's current exchange. */
static size_t reply(uint8_t *m, uint8_t type, uint8_t shape)
{
	static const uint32_t leases[4] = { 3600, 60, DHCP_LEASE_INFINITE, 0 };
	uint32_t lease = leases[shape & 3];
	uint8_t *o = m + 240;

	memset(m, 0, BOOTP_LEN);
	m[0] = 2;			/* BOOTREPLY */
	m[1] = 1;
	m[2] = ETH_ALEN;
	put_be32(m + 4, nif->dhcp->xid);
	put_be32(m + 16, OFFERED);	/* yiaddr */
	memcpy(m + 28, nif->mac, ETH_ALEN);
	put_be32(m + 236, 0x63825363);
	*o++ = 53, *o++ = 1, *o++ = type;
	*o++ = 54, *o++ = 4, put_be32(o, SERVER), o += 4;
	if (shape & 0x04)
		*o++ = 3, *o++ = 4, put_be32(o, FUZZ_NET + 1), o += 4;
	if (shape & 0x08)
		*o++ = 1, *o++ = 4, put_be32(o, 0xffffff00u), o += 4;
	if (lease) {
		*o++ = 51, *o++ = 4, put_be32(o, lease), o += 4;
		if ((shape & 0x10) && lease != DHCP_LEASE_INFINITE) {
			*o++ = 58, *o++ = 4, put_be32(o, lease / 3), o += 4;
			*o++ = 59, *o++ = 4, put_be32(o, lease / 3 * 2), o += 4;
		}
	}
	*o = 255;
	return BOOTP_LEN;
}

/* Send a BOOTP message from the server's port 67 to the client's 68. */
static void deliver(const uint8_t *m, size_t len, bool unicast)
{
	static uint8_t udp[ETH_FRAME_MAX];
	static uint8_t frame[ETH_FRAME_MAX + 4];
	uint32_t dst = unicast ? OFFERED : INADDR_BROADCAST_;

	if (len > sizeof(udp) - 8 - IP_HLEN - ETH_HLEN)
		len = sizeof(udp) - 8 - IP_HLEN - ETH_HLEN;
	put_be16(udp, 67);
	put_be16(udp + 2, 68);
	put_be16(udp + 4, (uint16_t)(8 + len));
	memcpy(udp + 8, m, len);
	fuzz_l4_csum(udp, 8 + len, 6, SERVER, dst, IPPROTO_UDP_);
	size_t flen = fuzz_ip_frame(frame, unicast ? nif->mac : eth_broadcast,
				    fuzz_peer_mac, SERVER, dst, IPPROTO_UDP_,
				    udp, 8 + len);
	/* An exact-size copy: ASan sees any read past the frame. */
	uint8_t *f = malloc(flen);
	memcpy(f, frame, flen);
	fuzz_deliver(&sim, 0, f, flen);
	free(f);
}

static void check_client(void)
{
	const struct dhcp_client *c = nif->dhcp;

	FUZZ_CHECK(c != NULL && c->nif == nif);
	FUZZ_CHECK(c->state <= DHCP_REBINDING);
	if (c->state < DHCP_BOUND) {
		FUZZ_CHECK(nif->addr == 0);
		return;
	}
	FUZZ_CHECK(nif->addr == c->addr && c->addr != 0);
	FUZZ_CHECK(nif->addr_source == NETIF_ADDR_DHCP);
	FUZZ_CHECK(c->t1 <= c->t2 && c->t2 <= c->expiry);
	FUZZ_CHECK(c->lease_s >= DHCP_LEASE_MIN_S);
}

/* Drive the client into `state` with well-formed answers. */
static void drive(unsigned state, uint8_t shape)
{
	uint8_t m[BOOTP_LEN];

	dhcp_start(s, nif);
	sim_run(&sim, 1);			/* DISCOVER */
	FUZZ_CHECK(nif->dhcp->state == DHCP_SELECTING);
	if (state == DHCP_SELECTING)
		return;
	deliver(m, reply(m, 2, shape), false);	/* OFFER */
	FUZZ_CHECK(nif->dhcp->state == DHCP_REQUESTING);
	if (state == DHCP_REQUESTING)
		return;
	if (state > DHCP_BOUND && (shape & 3) == 2)
		shape &= (uint8_t)~3;		/* a lease that ends */
	deliver(m, reply(m, 5, shape), false);	/* ACK */
	FUZZ_CHECK(nif->dhcp->state == DHCP_BOUND);
	/* The server's MAC, for the unicast renewal. */
	fuzz_arp_from_peer(&sim, 0, OFFERED);
	if (state == DHCP_BOUND)
		return;
	sim_run(&sim, nif->dhcp->t1 - sim.now);
	if (state == DHCP_REBINDING)
		sim_run(&sim, nif->dhcp->t2 - sim.now);
	FUZZ_CHECK(nif->dhcp->state == state);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static uint8_t msg[ETH_FRAME_MAX];

	fuzz_sim_init(&sim, 1, 0);
	s = &sim.node[0].stack;
	nif = sim.node[0].nif;
	sim_run(&sim, 1);
	unsigned state = DHCP_SELECTING + fuzz_u8(&in) % 5;
	drive(state, fuzz_u8(&in));
	check_client();

	while (fuzz_more(&in)) {
		uint8_t ctl = fuzz_u8(&in);
		size_t len;
		const uint8_t *m = fuzz_record(&in, sizeof(msg), &len);

		sim_run(&sim, fuzz_steps[ctl >> 4]);
		memcpy(msg, m, len);
		if ((ctl & 0x01) && len >= 8)
			put_be32(msg + 4, nif->dhcp->xid);
		if ((ctl & 0x02) && len >= 28 + ETH_ALEN)
			memcpy(msg + 28, nif->mac, ETH_ALEN);
		if ((ctl & 0x04) && len >= 240) {
			msg[0] = 2;
			msg[1] = 1;
			msg[2] = ETH_ALEN;
			put_be32(msg + 236, 0x63825363);
		}
		deliver(msg, len, ctl & 0x08);
		check_client();
		fuzz_take_events(&sim);
	}
	dhcp_stop(s, nif);
	sim_run(&sim, 0);
	FUZZ_CHECK(nif->addr == 0 && nif->dhcp == NULL);
	fuzz_sim_free(&sim);
	return 0;
}
