/*
 * Fuzz target: ICMP input (net/icmp.c) and what it reaches: echo
 * replies to a ping socket (net/ping.c), errors matched to a connected
 * UDP socket and to a TCP connection being opened (udp_icmp_error,
 * tcp_icmp_error), echo answered, the error rate limit.
 *
 * The stack is 10.0.0.1/24 and holds: a UDP socket 10.0.0.1:4000
 * connected to the peer 10.0.0.9:5000, a ping socket with identifier
 * 77, and a TCP socket in SYN_SENT to 10.0.0.9:80 (made again whenever
 * an error aborts it).
 *
 * Input: a sequence of messages, each a control byte, a 16-bit length
 * and the ICMP message, sent from the peer in a valid IP header. The
 * control byte's bits:
 *   0x01  fix the ICMP checksum (after the fix below)
 *   0x02  send it to 255.255.255.255 instead of to us
 *   0x0c  make it about one of our sockets: 1 the quoted datagram is
 *         the UDP socket's, 2 the TCP socket's SYN (its ISN as the
 *         sequence number), 3 an echo reply for the ping socket
 *   0xf0  virtual time before it (fuzz_steps[]): the rate limit's
 *         tokens come back at one a second
 */
#include <errno.h>

#include "net/sock.h"
#include "net/tcp.h"
#include "tests/fuzz/fuzz.h"

#define UDP_LPORT	4000
#define UDP_RPORT	5000
#define PING_IDENT	77
#define TCP_RPORT	80

static struct sim sim;
static struct net_stack *s;
static struct tcp_sock *tcp;

static void tcp_open(void)
{
	tcp = tcp_sock_create(s, NULL);
	FUZZ_CHECK(tcp != NULL);
	FUZZ_CHECK(tcp_connect(s, tcp, FUZZ_PEER, TCP_RPORT) == -EINPROGRESS);
	sim_run(&sim, 0);
}

static void drain(struct net_sock *sk)
{
	static uint8_t buf[2048];
	struct net_recv_info info;

	for (int i = 0; i < 64; i++)
		if (net_sock_recv(s, sk, buf, sizeof(buf), 0, &info) == -EAGAIN)
			break;
}

/* Quote one of our datagrams after the 8-byte ICMP header. */
static void quote(uint8_t *m, size_t len, uint8_t proto, uint16_t sport,
		  uint16_t dport, uint32_t seq)
{
	if (len < 8 + IP_HLEN + 8)
		return;
	fuzz_ip_hdr(m + 8, FUZZ_ADDR(0), FUZZ_PEER, proto, 1, 0,
		    (uint16_t)(len - 8));
	put_be16(m + 8 + IP_HLEN, sport);
	put_be16(m + 8 + IP_HLEN + 2, dport);
	if (proto == IPPROTO_TCP_)
		put_be32(m + 8 + IP_HLEN + 4, seq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static uint8_t msg[ETH_FRAME_MAX];
	static uint8_t frame[ETH_FRAME_MAX + 4];
	struct net_sock *udp, *ping;

	fuzz_sim_init(&sim, 1, FUZZ_NET);
	s = &sim.node[0].stack;
	sim_run(&sim, 1);
	fuzz_arp_from_peer(&sim, 0, FUZZ_ADDR(0));
	udp = net_sock_create(s, NET_SOCK_UDP, NULL);
	FUZZ_CHECK(udp && net_sock_bind(s, udp, 0, UDP_LPORT) == 0);
	FUZZ_CHECK(net_sock_connect(s, udp, FUZZ_PEER, UDP_RPORT) == 0);
	ping = net_sock_create(s, NET_SOCK_PING, NULL);
	FUZZ_CHECK(ping && net_sock_bind(s, ping, 0, PING_IDENT) == 0);
	tcp_open();

	while (fuzz_more(&in)) {
		uint8_t ctl = fuzz_u8(&in);
		size_t len;
		const uint8_t *m = fuzz_record(&in, sizeof(msg) - IP_HLEN -
					       ETH_HLEN, &len);

		sim_run(&sim, fuzz_steps[ctl >> 4]);
		memcpy(msg, m, len);
		switch ((ctl >> 2) & 3) {
		case 1:
			quote(msg, len, IPPROTO_UDP_, UDP_LPORT, UDP_RPORT, 0);
			break;
		case 2:
			quote(msg, len, IPPROTO_TCP_, tcp->sk.lport, TCP_RPORT,
			      tcp->iss);
			break;
		case 3:
			if (len >= 8) {
				msg[0] = ICMP_ECHOREPLY;
				msg[1] = 0;
				put_be16(msg + 4, PING_IDENT);
			}
			break;
		}
		if ((ctl & 0x01) && len >= 4) {
			put_be16(msg + 2, 0);
			put_be16(msg + 2, inet_fold(inet_sum(msg, len, 0)));
		}
		uint32_t dst = (ctl & 0x02) ? INADDR_BROADCAST_ : FUZZ_ADDR(0);
		size_t flen = fuzz_ip_frame(frame, fuzz_node_mac(&sim, 0),
					    fuzz_peer_mac, FUZZ_PEER, dst,
					    IPPROTO_ICMP_, msg, len);
		/* An exact-size copy: ASan sees any read past the frame. */
		uint8_t *f = malloc(flen);
		memcpy(f, frame, flen);
		fuzz_deliver(&sim, 0, f, flen);
		free(f);

		FUZZ_CHECK(s->icmp_tokens <= ICMP_ERR_BURST);
		drain(udp);
		drain(ping);
		if (tcp->state == TCP_CLOSED) {
			FUZZ_CHECK(tcp->sk.so_error != 0);
			tcp_close(s, tcp);
			tcp_open();
		}
		fuzz_take_events(&sim);
	}
	tcp_close(s, tcp);
	net_sock_close(s, udp);
	net_sock_close(s, ping);
	fuzz_sim_free(&sim);
	return 0;
}
