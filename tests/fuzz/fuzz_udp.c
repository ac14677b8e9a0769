/*
 * Fuzz target: UDP input (net/udp.c) and the datagram sockets it feeds
 * (net/sock.c): lookup by specificity, broadcast to every match, queue
 * limits, internal callback sockets, port unreachable.
 *
 * The stack is 10.0.0.1/24 with these sockets, all receiving:
 *   sk[0]  *:7, SO_RCVBUF at its minimum (the queue fills)
 *   sk[1]  10.0.0.1:8 connected to the peer 10.0.0.9:9000
 *   sk[2], sk[3]  *:9, both SO_REUSEADDR (a broadcast reaches both)
 *   sk[4]  10.0.0.255:10 (bound to the subnet broadcast)
 *   cb[0], cb[1]  internal sockets on *:11 whose callback answers the
 *         sender when the payload starts with 's' and closes its own
 *         socket when it starts with 'c' (reopened at the next datagram)
 *
 * Input: a sequence of datagrams, each a control byte, a 16-bit length
 * and the UDP header and payload, sent from the peer. Control bits:
 *   0x01  fix the checksum    0x02  zero it ("none")
 *   0x04  fix the length field to the bytes given
 *   0x18  destination: us, 255.255.255.255, 10.0.0.255, 224.0.0.1
 *   0x60  then read: none, sk[0] into 16 bytes, peek sk[1], drain all
 *   0x80  a second of virtual time first (the ICMP rate limit refills)
 * At the end every queue is drained and must account to zero.
 */
#include <errno.h>

#include "net/sock.h"
#include "net/udp.h"
#include "tests/fuzz/fuzz.h"

#define NSK	5
#define NCB	2
#define CB_PORT	11

static struct sim sim;
static struct net_stack *s;
static struct net_sock *sk[NSK];
static struct net_sock *cb[NCB];

static void cb_rx(struct net_stack *st, struct net_sock *me,
		  const uint8_t *data, size_t len, uint32_t src,
		  uint16_t sport, struct netif *nif)
{
	struct net_sock **slot = dgram_sk(me)->cb_arg;

	FUZZ_CHECK(*slot == me);
	if (len && data[0] == 's')
		net_udp_send_internal(st, me, NULL, 0, src, sport, data, len);
	if (len && data[0] == 'c') {
		net_udp_close_internal(st, me);
		*slot = NULL;
	}
}

static void cb_open(int i)
{
	cb[i] = net_udp_open_internal(s, CB_PORT, cb_rx, &cb[i]);
	FUZZ_CHECK(cb[i] != NULL);
}

/* The queue adds up, and holds more than SO_RCVBUF only as a lone
 * datagram (an empty queue takes any). */
static void check_queue(struct net_sock *k)
{
	const struct dgram_sock *ds = dgram_csk(k);
	uint32_t bytes = 0;
	unsigned count = 0;
	const struct net_dgram *last = NULL;

	for (const struct net_dgram *d = ds->rx_head; d; d = d->next) {
		bytes += (uint32_t)sizeof(*d) + d->len;
		count++;
		last = d;
	}
	FUZZ_CHECK(ds->rx_tail == last);
	FUZZ_CHECK(ds->rx_bytes == bytes && ds->rx_count == count);
	FUZZ_CHECK(count <= 1 || bytes <= k->rcvbuf);
}

static void drain(struct net_sock *k, size_t bufsize)
{
	static uint8_t buf[2048];
	struct net_recv_info info;

	for (int i = 0; i < 1024; i++)
		if (net_sock_recv(s, k, buf, bufsize, 0, &info) == -EAGAIN)
			return;
	FUZZ_CHECK(!"a queue that never empties");
}

static struct net_sock *bound(uint32_t addr, uint16_t port, bool reuse)
{
	struct net_sock *k = net_sock_create(s, NET_SOCK_UDP, NULL);

	FUZZ_CHECK(k != NULL);
	if (reuse)
		FUZZ_CHECK(net_sock_setopt(s, k, NET_SO_REUSEADDR, 1) == 0);
	FUZZ_CHECK(net_sock_bind(s, k, addr, port) == 0);
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t dsts[4] = {
		FUZZ_ADDR(0), INADDR_BROADCAST_, FUZZ_BCAST, 0xe0000001u,
	};
	struct fuzz_in in = { data, size };
	static uint8_t dgram[ETH_FRAME_MAX];
	static uint8_t frame[ETH_FRAME_MAX + 4];

	fuzz_sim_init(&sim, 1, FUZZ_NET);
	s = &sim.node[0].stack;
	sim_run(&sim, 1);
	fuzz_arp_from_peer(&sim, 0, FUZZ_ADDR(0));
	sk[0] = bound(0, 7, false);
	FUZZ_CHECK(net_sock_setopt(s, sk[0], NET_SO_RCVBUF, 0) == 0);
	sk[1] = bound(FUZZ_ADDR(0), 8, false);
	FUZZ_CHECK(net_sock_connect(s, sk[1], FUZZ_PEER, 9000) == 0);
	sk[2] = bound(0, 9, true);
	sk[3] = bound(0, 9, true);
	sk[4] = bound(FUZZ_BCAST, 10, false);
	for (int i = 0; i < NCB; i++)
		cb_open(i);

	while (fuzz_more(&in)) {
		uint8_t ctl = fuzz_u8(&in);
		size_t len;
		const uint8_t *d = fuzz_record(&in, sizeof(dgram) - IP_HLEN -
					       ETH_HLEN, &len);
		uint32_t dst = dsts[(ctl >> 3) & 3];

		if (ctl & 0x80)
			sim_run(&sim, 1000);
		for (int i = 0; i < NCB; i++)
			if (!cb[i])
				cb_open(i);
		memcpy(dgram, d, len);
		if ((ctl & 0x04) && len >= UDP_HLEN)
			put_be16(dgram + 4, (uint16_t)len);
		if (ctl & 0x02) {
			if (len >= UDP_HLEN)
				put_be16(dgram + 6, 0);
		} else if (ctl & 0x01) {
			fuzz_l4_csum(dgram, len, 6, FUZZ_PEER, dst,
				     IPPROTO_UDP_);
		}
		size_t flen = fuzz_ip_frame(frame, (ctl & 0x18) ?
			eth_broadcast : fuzz_node_mac(&sim, 0), fuzz_peer_mac,
			FUZZ_PEER, dst, IPPROTO_UDP_, dgram, len);
		/* An exact-size copy: ASan sees any read past the frame. */
		uint8_t *f = malloc(flen);
		memcpy(f, frame, flen);
		fuzz_deliver(&sim, 0, f, flen);
		free(f);

		switch ((ctl >> 5) & 3) {
		case 1:
			drain(sk[0], 16);
			break;
		case 2: {
			uint8_t b[8];
			struct net_recv_info info;
			net_sock_recv(s, sk[1], b, sizeof(b), NET_MSG_PEEK,
				      &info);
			break;
		}
		case 3:
			for (int i = 0; i < NSK; i++)
				drain(sk[i], 2048);
			break;
		}
		for (int i = 0; i < NSK; i++)
			check_queue(sk[i]);
		fuzz_take_events(&sim);
	}
	for (int i = 0; i < NSK; i++) {
		drain(sk[i], 2048);
		check_queue(sk[i]);
		FUZZ_CHECK(dgram_csk(sk[i])->rx_count == 0);
		net_sock_close(s, sk[i]);
	}
	for (int i = 0; i < NCB; i++)
		if (cb[i])
			net_udp_close_internal(s, cb[i]);
	FUZZ_CHECK(s->udp.socks == NULL);
	fuzz_sim_free(&sim);
	return 0;
}
