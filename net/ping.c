/*
 * Ping sockets (SOCK_DGRAM + IPPROTO_ICMP, as Linux's net/ipv4/ping.c):
 * an unprivileged user sends ICMP echo requests and reads the replies
 * that carry its socket's identifier. The rest of the socket (binding
 * the identifier, connect, the queue) is sock.c's.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip.h"
#include "net/sock.h"
#include "net/stack.h"
#include "net/udp.h"


int ping_sendto(struct net_stack *s, struct net_sock *sk, const void *buf,
		size_t len, uint32_t src, uint32_t dst)
{
	struct pkt *p = pkt_alloc(len);

	if (!p)
		return -ENOBUFS;
	uint8_t *m = pkt_put(p, len);
	memcpy(m, buf, len);
	/* The kernel owns the identifier (the socket's ident) and the
	 * checksum; type, code, sequence and data are the user's. */
	put_be16(m + 4, sk->lport);
	put_be16(m + 2, 0);
	put_be16(m + 2, inet_fold(inet_sum(m, len, 0)));
	int err = ip_output(s, p, src, dst, IPPROTO_ICMP_,
			    sk->ttl ? sk->ttl : IP_DEFAULT_TTL);
	if (err < 0)
		return err;
	s->mib.icmp.OutMsgs++;
	s->mib.icmp.OutEchos++;
	return (int)len;
}

void ping_input(struct net_stack *s, uint32_t src, uint16_t id, uint16_t seq,
		const uint8_t *payload, size_t len, uint8_t ttl)
{
	struct net_sock *sk = s->udp.ping_hash[id & (UDP_HASH_SIZE - 1)];

	while (sk && sk->lport != id)
		sk = dgram_sk(sk)->hash_next;
	if (!sk)
		return;		/* nobody's: ICMP has counted it */

	/* Give the user the reply as it came: its ICMP header with a
	 * checksum that verifies, then the data. */
	uint8_t h[ICMP_HLEN] = { ICMP_ECHOREPLY, 0 };
	put_be16(h + 4, id);
	put_be16(h + 6, seq);
	put_be16(h + 2, inet_fold(inet_sum(payload, len,
					   inet_sum(h, ICMP_HLEN, 0))));
	if (net_sock_queue(s, sk, h, ICMP_HLEN, payload, len, src, 0, ttl) < 0) {
		s->mib.ip.InDiscards++;
		dgram_sk(sk)->drops++;
	}
}
