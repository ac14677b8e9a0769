/*
 * Fuzz target: IPv4 input with fragments (net/ip.c, net/ip_frag.c) of a
 * whole stack, 10.0.0.1/24, with a UDP socket on port 7 and a TCP
 * listener on port 80 for what gets through.
 *
 * Input: a sequence of packets, each a control byte, a 16-bit length
 * and the IPv4 packet, which goes out in an Ethernet frame from the
 * peer (10.0.0.9). The control byte's bits:
 *   0x01  fix the header checksum (after the fixes below)
 *   0x02  fix Total Length to the bytes given
 *   0x04  fix the addresses: from the peer to us
 *   0x08  ... to 255.255.255.255 instead
 *   0xf0  virtual time before the packet (fuzz_steps[]), so that
 *         reassembly timers run (IP_REASM_TIMEOUT_MS)
 * At the end every datagram being reassembled must time out, and
 * nothing may leak.
 */
#include "net/sock.h"
#include "net/tcp.h"
#include "tests/fuzz/fuzz.h"

static struct sim sim;

static void check_reasm(const struct net_stack *s)
{
	FUZZ_CHECK(s->ip.reasm_count <= IP_REASM_MAX_DATAGRAMS);
	FUZZ_CHECK(s->ip.reasm_bytes <= IP_REASM_MAX_BYTES);
	FUZZ_CHECK((s->ip.reasm == NULL) == (s->ip.reasm_count == 0));
	FUZZ_CHECK(s->ip.reasm_count || s->ip.reasm_bytes == 0);
}

static void drain(struct net_stack *s, struct net_sock *sk)
{
	static uint8_t buf[2048];
	struct net_recv_info info;

	while (net_sock_recv(s, sk, buf, sizeof(buf), 0, &info) >= 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static uint8_t frame[ETH_FRAME_MAX + 4];
	struct net_stack *s;
	struct net_sock *udp;
	struct tcp_sock *lsn;

	fuzz_sim_init(&sim, 1, FUZZ_NET);
	s = &sim.node[0].stack;
	sim_run(&sim, 1);
	fuzz_arp_from_peer(&sim, 0, FUZZ_ADDR(0));
	udp = net_sock_create(s, NET_SOCK_UDP, NULL);
	FUZZ_CHECK(udp && net_sock_bind(s, udp, 0, 7) == 0);
	lsn = tcp_sock_create(s, NULL);
	FUZZ_CHECK(lsn && tcp_bind(s, lsn, 0, 80) == 0);
	FUZZ_CHECK(tcp_listen(s, lsn, 4) == 0);

	while (fuzz_more(&in)) {
		uint8_t ctl = fuzz_u8(&in);
		size_t len;
		const uint8_t *pkt = fuzz_record(&in, ETH_FRAME_MAX - ETH_HLEN,
						 &len);
		uint8_t *ip = frame + ETH_HLEN;

		sim_run(&sim, fuzz_steps[ctl >> 4]);
		fuzz_eth_hdr(frame, fuzz_node_mac(&sim, 0), fuzz_peer_mac,
			     ETH_P_IP);
		memcpy(ip, pkt, len);
		if (len >= IP_HLEN) {
			if (ctl & 0x02)
				put_be16(ip + 2, (uint16_t)len);
			if (ctl & 0x04) {
				put_be32(ip + 12, FUZZ_PEER);
				put_be32(ip + 16, (ctl & 0x08) ?
					 INADDR_BROADCAST_ : FUZZ_ADDR(0));
			}
			size_t hlen = (size_t)(ip[0] & 0x0f) * 4;
			if ((ctl & 0x01) && hlen >= IP_HLEN && hlen <= len) {
				put_be16(ip + 10, 0);
				put_be16(ip + 10,
					 inet_fold(inet_sum(ip, hlen, 0)));
			}
		}
		/* An exact-size copy: ASan sees any read past the frame. */
		uint8_t *f = malloc(ETH_HLEN + len);
		memcpy(f, frame, ETH_HLEN + len);
		fuzz_deliver(&sim, 0, f, ETH_HLEN + len);
		free(f);
		check_reasm(s);
		drain(s, udp);
		fuzz_take_events(&sim);
	}
	/* Whatever is still being reassembled times out. */
	sim_run(&sim, IP_REASM_TIMEOUT_MS + 1);
	check_reasm(s);
	FUZZ_CHECK(s->ip.reasm_count == 0);
	net_sock_close(s, udp);
	tcp_close(s, lsn);
	fuzz_sim_free(&sim);
	return 0;
}
