/*
 * Fuzz target: Ethernet and ARP input (net/eth.c, net/arp.c) of a whole
 * stack with one interface, 10.0.0.1/24, that knows the peer 10.0.0.9.
 *
 * Input: a sequence of operations, each an op byte whose low two bits
 * say what it is:
 *   0  a frame: 16-bit length + bytes, handed to net_input() as they are
 *   1  time: the upper bits index fuzz_steps[] (ARP retries, expiry)
 *   2  send a UDP datagram to 10.0.0.N (N the next byte): a neighbour
 *      to resolve, packets waiting for it on ARP's pending queue
 *   3  readdress the interface: 10.0.0.N/24, or none when N is 0
 *      (what it learnt on the old address is flushed)
 * After each, every due timer runs; at the end everything is freed and
 * nothing may leak.
 */
#include "net/arp.h"
#include "net/sock.h"
#include "tests/fuzz/fuzz.h"

static struct sim sim;

static void check_arp(struct net_stack *s)
{
	FUZZ_CHECK(s->arp.pending.len <= ARP_PENDING_MAX);
	for (int i = 0; i < ARP_TABLE_SIZE; i++) {
		const struct arp_entry *e = &s->arp.entry[i];

		FUZZ_CHECK(e->state <= ARP_FAILED);
		FUZZ_CHECK(e->state == ARP_FREE || e->nif == sim.node[0].nif);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct net_stack *s;
	struct net_sock *sk;
	static uint8_t payload[64];

	fuzz_sim_init(&sim, 1, FUZZ_NET);
	s = &sim.node[0].stack;
	sim_run(&sim, 1);
	fuzz_arp_from_peer(&sim, 0, FUZZ_ADDR(0));
	sk = net_sock_create(s, NET_SOCK_UDP, NULL);
	FUZZ_CHECK(sk != NULL);
	FUZZ_CHECK(net_sock_bind(s, sk, 0, 7) == 0);

	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in);
		const uint8_t *f;
		size_t len;
		uint8_t n;

		switch (op & 3) {
		case 0:
			f = fuzz_record(&in, ETH_FRAME_MAX + 4, &len);
			/* An exact-size copy: ASan sees any read past it. */
			uint8_t *copy = malloc(len ? len : 1);
			memcpy(copy, f, len);
			fuzz_deliver(&sim, 0, copy, len);
			free(copy);
			break;
		case 1:
			sim_run(&sim, fuzz_steps[(op >> 2) & 15]);
			break;
		case 2:
			n = fuzz_u8(&in);
			net_sock_sendto(s, sk, payload, (op >> 2) & 63, true,
					FUZZ_NET + n, 9);
			sim_run(&sim, 0);
			break;
		case 3:
			n = fuzz_u8(&in);
			net_set_addr(s, sim.node[0].nif, n ? FUZZ_NET + n : 0,
				     24, 0, NETIF_ADDR_STATIC);
			sim_run(&sim, 0);
			break;
		}
		check_arp(s);
		fuzz_take_events(&sim);
	}
	/* Let every request give up and every entry age out. */
	sim_run(&sim, ARP_TTL_MS + ARP_MAX_TRIES * ARP_RETRY_MS + 1000);
	check_arp(s);
	FUZZ_CHECK(s->arp.pending.len == 0);
	net_sock_close(s, sk);
	fuzz_sim_free(&sim);
	return 0;
}
