/*
 * UDP (udp.h): datagram input and demultiplexing, output with the
 * checksum, ICMP errors, and the callback sockets of internal users.
 */
#include <errno.h>
#include <string.h>

#include "net/arp.h"
#include "net/byteorder.h"
#include "net/ip.h"
#include "net/stack.h"
#include "net/udp.h"

void udp_init(struct udp_state *u)
{
	u->socks = NULL;
	for (int i = 0; i < UDP_HASH_SIZE; i++) {
		u->hash[i] = NULL;
		u->ping_hash[i] = NULL;
	}
	port_alloc_init(&u->ports);
}

/* How well sk matches a datagram src:sport -> dst:dport arriving on nif
 * (NULL: any), as Linux's compute_score: -1 for no match, higher for a
 * more specific socket. */
static int score(const struct net_sock *sk, const struct netif *nif,
		 uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
	int sc = 2;	/* an IPv4 socket beats a dual-stack one (Linux) */

	if (sk->lport != dport)
		return -1;
	if (sk->family != NET_AF_INET) {
		/* An unconnected [::] socket without IPV6_V6ONLY takes
		 * IPv4 too (net.ipv6.bindv6only = 0), as a wildcard. */
		if ((sk->flags & NET_SOCK_F_V6ONLY) || sk->connected ||
		    !ip6_addr_is_unspecified(&sk->laddr6))
			return -1;
		sc = 1;
	} else {
		if (sk->laddr) {
			if (sk->laddr != dst)
				return -1;
			sc += 4;
		}
		if (sk->connected) {
			if (sk->raddr != src || sk->rport != sport)
				return -1;
			sc += 8;
		}
	}
	if (sk->bound_nif && nif) {
		if (sk->bound_nif != nif)
			return -1;
		sc += 4;
	}
	return sc;
}

static struct net_sock *lookup(struct net_stack *s, const struct netif *nif,
			       uint32_t src, uint16_t sport, uint32_t dst,
			       uint16_t dport)
{
	struct net_sock *best = NULL;
	int best_score = -1;

	for (struct net_sock *sk = s->udp.hash[dport & (UDP_HASH_SIZE - 1)];
	     sk; sk = dgram_sk(sk)->hash_next) {
		int sc = score(sk, nif, src, sport, dst, dport);
		if (sc > best_score) {
			best = sk;
			best_score = sc;
		}
	}
	return best;
}

static void deliver(struct net_stack *s, struct net_sock *sk,
		    struct netif *nif, const uint8_t *data, size_t len,
		    uint32_t src, uint16_t sport, uint8_t ttl)
{
	struct udp_mib *mib = &s->mib.udp;
	struct dgram_sock *ds = dgram_sk(sk);

	if (ds->cb) {
		mib->InDatagrams++;
		ds->cb(s, sk, data, len, src, sport, nif);
		return;
	}
	int err = net_sock_queue(s, sk, NULL, 0, data, len, src, sport, ttl);
	if (err == 0)
		mib->InDatagrams++;
	else
		udp_count_drop(mib, sk, err);
}

void udp_count_drop(struct udp_mib *mib, struct net_sock *sk, int err)
{
	if (err == -ENOBUFS)
		mib->RcvbufErrors++;
	else
		mib->MemErrors++;
	mib->InErrors++;
	dgram_sk(sk)->drops++;
}

uint16_t udp_length(struct udp_mib *mib, const uint8_t *udp, size_t len)
{
	uint16_t ulen = len < UDP_HLEN ? 0 : get_be16(udp + 4);

	if (ulen < UDP_HLEN || ulen > len) {
		mib->InErrors++;
		return 0;
	}
	return ulen;
}

void udp_input(struct net_stack *s, struct netif *nif, const uint8_t *ip,
	       const uint8_t *udp, size_t len)
{
	struct udp_mib *mib = &s->mib.udp;
	uint32_t src = get_be32(ip + 12), dst = get_be32(ip + 16);

	uint16_t ulen = udp_length(mib, udp, len);
	if (!ulen)
		return;
	/* Zero: the sender computed none (RFC 768). */
	if (get_be16(udp + 6) != 0 &&
	    inet_fold(inet_sum(udp, ulen,
			       inet_pseudo_sum(src, dst, IPPROTO_UDP_, ulen)))) {
		mib->InCsumErrors++;
		mib->InErrors++;
		return;
	}
	uint16_t sport = get_be16(udp), dport = get_be16(udp + 2);
	const uint8_t *data = udp + UDP_HLEN;
	size_t dlen = ulen - UDP_HLEN;
	uint8_t ttl = ip[8];

	if (net_addr_is_broadcast(s, dst) || net_addr_is_multicast(dst)) {
		/* Every socket that matches gets a copy. A callback may
		 * close its own socket: step on before delivering. */
		bool any = false;
		struct net_sock *sk = s->udp.hash[dport & (UDP_HASH_SIZE - 1)];
		while (sk) {
			struct net_sock *next = dgram_sk(sk)->hash_next;
			if (score(sk, nif, src, sport, dst, dport) >= 0) {
				deliver(s, sk, nif, data, dlen, src, sport,
					ttl);
				any = true;
			}
			sk = next;
		}
		if (!any)
			mib->IgnoredMulti++;
		return;
	}
	struct net_sock *sk = lookup(s, nif, src, sport, dst, dport);
	if (!sk) {
		mib->NoPorts++;
		icmp_send_error(s, ip, (size_t)(udp - ip) + len,
				ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
		return;
	}
	deliver(s, sk, nif, data, dlen, src, sport, ttl);
}

void udp_icmp_error(struct net_stack *s, uint32_t src, uint16_t sport,
		    uint32_t dst, uint16_t dport, int err)
{
	/* The socket that would receive the peer's answer: if it is
	 * connected, the error is its. */
	struct net_sock *sk = lookup(s, NULL, dst, dport, src, sport);

	if (!sk || !sk->connected || dgram_sk(sk)->cb)
		return;
	sk->so_error = err;
	if (sk->user)
		net_sock_notify(s, sk);
}

/* A UDP datagram (header and checksum) in a pkt, headroom for IP. */
static struct pkt *udp_build(uint32_t src, uint16_t sport, uint32_t dst,
			     uint16_t dport, const void *data, size_t len)
{
	struct pkt *p = pkt_alloc(len);

	if (!p)
		return NULL;
	if (len)
		memcpy(pkt_put(p, len), data, len);
	udp_push_header(p, sport, dport,
			inet_pseudo_sum(src, dst, IPPROTO_UDP_,
					(uint16_t)(UDP_HLEN + len)));
	return p;
}

void udp_push_header(struct pkt *p, uint16_t sport, uint16_t dport,
		     uint32_t pseudo)
{
	uint16_t ulen = (uint16_t)(UDP_HLEN + p->len);
	uint8_t *h = pkt_push(p, UDP_HLEN);

	put_be16(h, sport);
	put_be16(h + 2, dport);
	put_be16(h + 4, ulen);
	put_be16(h + 6, 0);
	uint16_t sum = inet_fold(inet_sum(h, ulen, pseudo));
	/* A computed zero is sent as all ones (RFC 768): zero would mean
	 * "none". */
	put_be16(h + 6, sum ? sum : 0xffff);
}

int udp_output(struct net_stack *s, uint32_t src, uint16_t sport,
	       uint32_t dst, uint16_t dport, uint8_t ttl, const void *data,
	       size_t len)
{
	struct pkt *p = udp_build(src, sport, dst, dport, data, len);

	if (!p) {
		s->mib.udp.SndbufErrors++;
		return -ENOBUFS;
	}
	int err = ip_output(s, p, src, dst, IPPROTO_UDP_, ttl);
	if (err < 0) {
		if (err == -ENOBUFS)
			s->mib.udp.SndbufErrors++;
		return err;
	}
	s->mib.udp.OutDatagrams++;
	return 0;
}

struct net_sock *net_udp_open_internal(struct net_stack *s, uint16_t lport,
	void (*cb)(struct net_stack *s, struct net_sock *sk,
		   const uint8_t *data, size_t len, uint32_t src,
		   uint16_t sport, struct netif *nif),
	void *arg)
{
	struct net_sock *sk = net_sock_create(s, NET_SOCK_UDP, NULL);

	if (!sk)
		return NULL;
	sk->flags |= NET_SOCK_F_REUSEADDR;
	dgram_sk(sk)->cb = cb;
	dgram_sk(sk)->cb_arg = arg;	/* a datagram socket, just made */
	if (net_sock_bind(s, sk, 0, lport) < 0) {
		net_sock_close(s, sk);
		return NULL;
	}
	return sk;
}

int net_udp_send_internal(struct net_stack *s, struct net_sock *sk,
			  struct netif *nif, uint32_t src, uint32_t dst,
			  uint16_t dport, const void *data, size_t len)
{
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (!nif || (src != 0 && dst != INADDR_BROADCAST_)) {
		if (!src)
			src = ip_route_source(s, dst);
		if (!src)
			return -ENETUNREACH;
		return udp_output(s, src, sk->lport, dst, dport,
				  IP_DEFAULT_TTL, data, len);
	}
	struct pkt *p = udp_build(src, sk->lport, dst, dport, data, len);
	if (!p) {
		s->mib.udp.SndbufErrors++;
		return -ENOBUFS;
	}
	int err = ip_output_if(s, nif, p, src, dst, dst, IPPROTO_UDP_,
			       IP_DEFAULT_TTL);
	if (err == 0)
		s->mib.udp.OutDatagrams++;
	return err;
}

void net_udp_close_internal(struct net_stack *s, struct net_sock *sk)
{
	net_sock_close(s, sk);
}
