/*
 * UDP over IPv6 (udp.h; RFC 768 with RFC 8200 8.1): input and
 * demultiplexing to AF_INET6 sockets, output through ip6_output(), and
 * ICMPv6 errors. The sockets are udp.c's: one port hash holds both
 * families, and a datagram here only ever matches a NET_AF_INET6 one
 * (IPv4 datagrams for dual-stack sockets are udp.c's business).
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip6.h"
#include "net/stack.h"
#include "net/udp.h"

/* How well sk matches src:sport -> dst:dport arriving on nif (NULL:
 * any): Linux's compute_score for IPv6, as score() in udp.c. */
static int score6(const struct net_sock *sk, const struct netif *nif,
		  const struct ip6_addr *src, uint16_t sport,
		  const struct ip6_addr *dst, uint16_t dport)
{
	int sc = 1;

	if (sk->family != NET_AF_INET6 || sk->lport != dport)
		return -1;
	if (!ip6_addr_is_unspecified(&sk->laddr6)) {
		if (!ip6_addr_eq(&sk->laddr6, dst))
			return -1;
		sc += 4;
	}
	if (sk->connected) {
		if (!ip6_addr_eq(&sk->raddr6, src) || sk->rport != sport)
			return -1;
		sc += 8;
	}
	if (sk->bound_nif && nif) {
		if (sk->bound_nif != nif)
			return -1;
		sc += 4;
	}
	return sc;
}

static struct net_sock *lookup6(struct net_stack *s, const struct netif *nif,
				const struct ip6_addr *src, uint16_t sport,
				const struct ip6_addr *dst, uint16_t dport)
{
	struct net_sock *best = NULL;
	int best_score = -1;

	for (struct net_sock *sk = s->udp.hash[dport & (UDP_HASH_SIZE - 1)];
	     sk; sk = dgram_sk(sk)->hash_next) {
		int sc = score6(sk, nif, src, sport, dst, dport);
		if (sc > best_score) {
			best = sk;
			best_score = sc;
		}
	}
	return best;
}

static void deliver6(struct net_stack *s, struct net_sock *sk,
		     const struct ip6_rx *rx, const uint8_t *data, size_t len,
		     uint16_t sport)
{
	struct udp_mib *mib = &s->mib.udp6;
	int err = net_sock_queue6(s, sk, data, len, &rx->src, sport, rx->hlim,
				  rx->nif);

	if (err == 0)
		mib->InDatagrams++;
	else
		udp_count_drop(mib, sk, err);
}

void udp6_input(struct net_stack *s, const struct ip6_rx *rx,
		const uint8_t *udp, size_t len)
{
	struct udp_mib *mib = &s->mib.udp6;

	uint16_t ulen = udp_length(mib, udp, len);
	if (!ulen)
		return;
	/* RFC 8200 8.1: the checksum is not optional over IPv6; a zero
	 * one is an error (RFC 6936's tunnel exception is not taken). */
	if (get_be16(udp + 6) == 0 ||
	    inet_fold(inet_sum(udp, ulen, inet6_pseudo_sum(&rx->src, &rx->dst,
							   ulen, IP6_NH_UDP)))) {
		mib->InCsumErrors++;
		mib->InErrors++;
		return;
	}
	uint16_t sport = get_be16(udp), dport = get_be16(udp + 2);
	const uint8_t *data = udp + UDP_HLEN;
	size_t dlen = ulen - UDP_HLEN;

	if (ip6_addr_is_multicast(&rx->dst)) {
		/* Every matching socket gets a copy (no callback sockets
		 * over IPv6, so none closes under us). */
		bool any = false;
		for (struct net_sock *sk =
			     s->udp.hash[dport & (UDP_HASH_SIZE - 1)];
		     sk; sk = dgram_sk(sk)->hash_next) {
			if (score6(sk, rx->nif, &rx->src, sport, &rx->dst,
				   dport) >= 0) {
				deliver6(s, sk, rx, data, dlen, sport);
				any = true;
			}
		}
		if (!any)
			mib->IgnoredMulti++;
		return;
	}
	struct net_sock *sk = lookup6(s, rx->nif, &rx->src, sport, &rx->dst,
				      dport);
	if (!sk) {
		mib->NoPorts++;
		icmp6_send_error(s, rx, ICMP6_DST_UNREACH,
				 ICMP6_DST_UNREACH_NOPORT, 0);
		return;
	}
	deliver6(s, sk, rx, data, dlen, sport);
}

void udp6_icmp_error(struct net_stack *s, const struct ip6_addr *src,
		     uint16_t sport, const struct ip6_addr *dst,
		     uint16_t dport, int err)
{
	/* The socket that would receive the peer's answer. */
	struct net_sock *sk = lookup6(s, NULL, dst, dport, src, sport);

	if (!sk || !sk->connected)
		return;
	sk->so_error = err;
	if (sk->user)
		net_sock_notify(s, sk);
}

int udp6_output(struct net_stack *s, const struct ip6_addr *src,
		uint16_t sport, const struct ip6_addr *dst, uint16_t dport,
		uint8_t hlim, struct netif *oif, const void *data, size_t len)
{
	struct udp_mib *mib = &s->mib.udp6;
	struct pkt *p = pkt_alloc(len);

	if (!p) {
		mib->SndbufErrors++;
		return -ENOBUFS;
	}
	if (len)
		memcpy(pkt_put(p, len), data, len);
	udp_push_header(p, sport, dport,
			inet6_pseudo_sum(src, dst, (uint16_t)(UDP_HLEN + len),
					 IP6_NH_UDP));
	int err = ip6_output(s, p, src, dst, IP6_NH_UDP, hlim, oif);
	if (err < 0) {
		if (err == -ENOBUFS)
			mib->SndbufErrors++;
		return err;
	}
	mib->OutDatagrams++;
	return 0;
}
