/*
 * UDP and ping sockets, the stack side (net/udp.c, net/sock.c,
 * net/ping.c, net/portalloc.c), on the host.
 *
 * Build: gcc ... tests/net/test_udp.c net/udp.c net/udp6.c net/sock.c
 *        net/ping.c net/portalloc.c net/pkt.c net/checksum.c
 *        net/ip6_addr.c net/inet.c tests/net/port_host.c
 * What those reach elsewhere in the stack (ip_output, ip6_output, the
 * routing and local-address questions of both families,
 * icmp_send_error, icmp6_send_error, ip_output_if and net_sock_notify)
 * is faked below and records its calls.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/arp.h"
#include "net/byteorder.h"
#include "net/ip.h"
#include "net/port.h"
#include "net/sock.h"
#include "net/stack.h"
#include "net/udp.h"
#include "tests/net/port_host.h"
#include "tests/unit/test.h"

#define ETH0_ADDR	0x0a000002u	/* 10.0.0.2/24 */
#define ETH0_BCAST	0x0a0000ffu
#define PEER		0x0a000009u	/* 10.0.0.9 */
#define FAR		0x08080808u	/* 8.8.8.8, via the gateway */
#define LOOPBACK	0x7f000001u

/* --- fakes --------------------------------------------------------------- */

struct sent {
	uint8_t data[2048];
	size_t len;
	uint32_t src, dst;
	uint8_t proto, ttl;
	struct netif *nif;	/* ip_output_if only */
	uint32_t nexthop;
};

static struct sent out[16];
static int nout;		/* ip_output calls */
static int ip_output_result;
static struct sent arp_out[4];	/* ip_output_if calls */
static int narp;
static bool have_route = true;

static struct {
	const uint8_t *ip;
	size_t len;
	uint8_t type, code;
	int calls;
} icmp_err;

static int notifies;

static void record(struct sent *m, struct pkt *p)
{
	m->len = p->len < sizeof(m->data) ? p->len : sizeof(m->data);
	memcpy(m->data, pkt_data(p), m->len);
}

int ip_output(struct net_stack *s, struct pkt *p, uint32_t src, uint32_t dst,
	      uint8_t proto, uint8_t ttl)
{
	struct sent *m = &out[nout++ % 16];

	record(m, p);
	m->src = src;
	m->dst = dst;
	m->proto = proto;
	m->ttl = ttl;
	pkt_free(p);
	return ip_output_result;
}

/* Out of a given interface, bypassing routing (the DHCP path). */
int ip_output_if(struct net_stack *s, struct netif *nif, struct pkt *p,
		 uint32_t src, uint32_t dst, uint32_t nexthop, uint8_t proto,
		 uint8_t ttl)
{
	struct sent *m = &arp_out[narp++ % 4];

	record(m, p);
	m->nif = nif;
	m->nexthop = nexthop;
	m->src = src;
	m->dst = dst;
	m->proto = proto;
	m->ttl = ttl;
	pkt_free(p);
	return 0;
}

uint32_t ip_route_source(struct net_stack *s, uint32_t dst)
{
	if ((dst >> 24) == 127)
		return LOOPBACK;
	return have_route ? ETH0_ADDR : 0;
}

bool ip_is_local(struct net_stack *s, uint32_t dst)
{
	return dst == ETH0_ADDR || (dst >> 24) == 127 || dst == ETH0_BCAST ||
	       dst == INADDR_BROADCAST_;
}

void icmp_send_error(struct net_stack *s, const uint8_t *ip, size_t len,
		     uint8_t type, uint8_t code)
{
	icmp_err.ip = ip;
	icmp_err.len = len;
	icmp_err.type = type;
	icmp_err.code = code;
	icmp_err.calls++;
}

/* IPv6 has whole-stack tests of its own (test_udp6.c); here it has no
 * address and no route. */
bool ip6_is_local(struct net_stack *s, const struct ip6_addr *a)
{
	return false;
}

int ip6_route_source(struct net_stack *s, const struct ip6_addr *dst,
		     struct netif *oif, struct ip6_addr *src)
{
	return -ENETUNREACH;
}

int ip6_output(struct net_stack *s, struct pkt *p, const struct ip6_addr *src,
	       const struct ip6_addr *dst, uint8_t nh, uint8_t hlim,
	       struct netif *oif)
{
	pkt_free(p);
	return -ENETUNREACH;
}

void icmp6_send_error(struct net_stack *s, const struct ip6_rx *rx,
		      uint8_t type, uint8_t code, uint32_t info)
{
}

/* As net/stack.c: a list through event_next, each socket once. */
void net_sock_notify(struct net_stack *s, struct net_sock *sk)
{
	notifies++;
	if (sk->event_queued)
		return;
	sk->event_queued = true;
	sk->event_next = s->events;
	s->events = sk;
}

/* --- a stack with eth0 = 10.0.0.2/24 ------------------------------------ */

static struct net_stack st;
static struct netif eth0;
static int user_token;		/* what sockets carry as their user */
static long allocs_before;	/* a failed test may have leaked */

static void reset(void)
{
	allocs_before = port_host_allocs;
	memset(&st, 0, sizeof(st));
	memset(&eth0, 0, sizeof(eth0));
	strcpy(eth0.name, "eth0");
	eth0.flags = NETIF_UP | NETIF_BROADCAST;
	eth0.mtu = 1500;
	eth0.addr = ETH0_ADDR;
	eth0.prefix_len = 24;
	st.netifs[0] = &eth0;
	st.nnetifs = 1;
	port_host_seed(7);
	udp_init(&st.udp);
	nout = narp = notifies = 0;
	ip_output_result = 0;
	have_route = true;
	memset(&icmp_err, 0, sizeof(icmp_err));
}

/* Every socket closed, every port and byte given back. */
static void check_clean(void)
{
	CHECK(st.udp.socks == NULL);
	CHECK_EQ(port_host_allocs, allocs_before);
}

static struct net_sock *sock(enum net_sock_type type)
{
	struct net_sock *sk = net_sock_create(&st, type, &user_token);

	CHECK(sk != NULL);
	return sk;
}

/* Build IPv4 + UDP in buf; returns the IP packet's length. */
static size_t build(uint8_t *buf, uint32_t src, uint16_t sport, uint32_t dst,
		    uint16_t dport, const void *data, size_t len, bool csum)
{
	uint16_t ulen = (uint16_t)(UDP_HLEN + len);

	memset(buf, 0, IP_HLEN + UDP_HLEN);
	buf[0] = 0x45;
	put_be16(buf + 2, (uint16_t)(IP_HLEN + ulen));
	buf[8] = 61;
	buf[9] = IPPROTO_UDP_;
	put_be32(buf + 12, src);
	put_be32(buf + 16, dst);
	put_be16(buf + 10, inet_fold(inet_sum(buf, IP_HLEN, 0)));
	uint8_t *u = buf + IP_HLEN;
	put_be16(u, sport);
	put_be16(u + 2, dport);
	put_be16(u + 4, ulen);
	memcpy(u + UDP_HLEN, data, len);
	if (csum) {
		uint16_t c = inet_fold(inet_sum(u, ulen,
			inet_pseudo_sum(src, dst, IPPROTO_UDP_, ulen)));
		put_be16(u + 6, c ? c : 0xffff);
	}
	return IP_HLEN + ulen;
}

static uint8_t rx[2048];

static void input(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		  const char *text)
{
	size_t n = build(rx, src, sport, dst, dport, text, strlen(text), true);

	udp_input(&st, &eth0, rx, rx + IP_HLEN, n - IP_HLEN);
}

/* Read one datagram as a string; its length, or the error. */
static int read_str(struct net_sock *sk, char *buf, size_t size,
		    struct net_recv_info *info)
{
	struct net_recv_info dummy;
	int n = net_sock_recv(&st, sk, buf, size - 1, 0, info ? info : &dummy);

	buf[n > 0 ? ((size_t)n < size - 1 ? (size_t)n : size - 1) : 0] = 0;
	return n;
}

/* A UDP datagram that ip_output was given verifies. */
static bool udp_checksum_ok(const struct sent *m)
{
	return inet_fold(inet_sum(m->data, m->len,
		inet_pseudo_sum(m->src, m->dst, IPPROTO_UDP_,
				(uint16_t)m->len))) == 0;
}

/* --- input -------------------------------------------------------------- */

TEST(test_udp_checksum_verified_zero_accepted_bad_counted)
{
	char buf[64];
	reset();
	struct net_sock *sk = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_bind(&st, sk, 0, 5000), 0);

	input(PEER, 7000, ETH0_ADDR, 5000, "good");
	CHECK_EQ(read_str(sk, buf, sizeof(buf), NULL), 4);
	CHECK(strcmp(buf, "good") == 0);

	/* Zero: no checksum computed; accepted (RFC 768). */
	size_t n = build(rx, PEER, 7000, ETH0_ADDR, 5000, "none", 4, false);
	udp_input(&st, &eth0, rx, rx + IP_HLEN, n - IP_HLEN);
	CHECK_EQ(read_str(sk, buf, sizeof(buf), NULL), 4);
	CHECK(strcmp(buf, "none") == 0);

	/* One flipped payload bit. */
	n = build(rx, PEER, 7000, ETH0_ADDR, 5000, "bad!", 4, true);
	rx[IP_HLEN + UDP_HLEN] ^= 1;
	udp_input(&st, &eth0, rx, rx + IP_HLEN, n - IP_HLEN);
	CHECK_EQ(net_sock_recv(&st, sk, buf, sizeof(buf), 0,
			       &(struct net_recv_info){ 0 }), -EAGAIN);
	CHECK_EQ(st.mib.udp.InCsumErrors, 1);
	CHECK_EQ(st.mib.udp.InErrors, 1);
	CHECK_EQ(st.mib.udp.InDatagrams, 2);
	CHECK_EQ(icmp_err.calls, 0);
	net_sock_close(&st, sk);
	check_clean();
}

TEST(test_udp_bad_lengths_counted_as_in_errors)
{
	reset();
	struct net_sock *sk = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_bind(&st, sk, 0, 5000), 0);
	size_t n = build(rx, PEER, 7000, ETH0_ADDR, 5000, "data", 4, false);

	udp_input(&st, &eth0, rx, rx + IP_HLEN, 7);	/* shorter than a header */
	put_be16(rx + IP_HLEN + 4, 7);			/* length < 8 */
	udp_input(&st, &eth0, rx, rx + IP_HLEN, n - IP_HLEN);
	put_be16(rx + IP_HLEN + 4, 13);			/* beyond the packet */
	udp_input(&st, &eth0, rx, rx + IP_HLEN, n - IP_HLEN);
	CHECK_EQ(st.mib.udp.InErrors, 3);
	CHECK_EQ(dgram_sk(sk)->rx_count, 0);
	/* A length field shorter than the IP payload trims it. */
	put_be16(rx + IP_HLEN + 4, 10);
	udp_input(&st, &eth0, rx, rx + IP_HLEN, n - IP_HLEN);
	char buf[16];
	CHECK_EQ(read_str(sk, buf, sizeof(buf), NULL), 2);
	CHECK(strcmp(buf, "da") == 0);
	net_sock_close(&st, sk);
	check_clean();
}

TEST(test_udp_delivers_to_the_most_specific_socket)
{
	char buf[32];
	reset();
	struct net_sock *any = sock(NET_SOCK_UDP);
	struct net_sock *addr = sock(NET_SOCK_UDP);
	struct net_sock *conn = sock(NET_SOCK_UDP);
	for (struct net_sock *sk = any; sk; sk = sk == any ? addr :
					    sk == addr ? conn : NULL)
		CHECK_EQ(net_sock_setopt(&st, sk, NET_SO_REUSEADDR, 1), 0);
	CHECK_EQ(net_sock_bind(&st, any, 0, 5000), 0);
	CHECK_EQ(net_sock_bind(&st, conn, 0, 5000), 0);
	CHECK_EQ(net_sock_connect(&st, conn, PEER, 7000), 0);
	CHECK_EQ(net_sock_bind(&st, addr, ETH0_ADDR, 5000), 0);

	input(PEER, 7000, ETH0_ADDR, 5000, "to-conn");
	input(PEER, 7001, ETH0_ADDR, 5000, "to-addr");
	input(LOOPBACK, 7000, LOOPBACK, 5000, "to-any");
	CHECK_EQ(read_str(conn, buf, sizeof(buf), NULL), 7);
	CHECK(strcmp(buf, "to-conn") == 0);
	CHECK_EQ(read_str(addr, buf, sizeof(buf), NULL), 7);
	CHECK(strcmp(buf, "to-addr") == 0);
	CHECK_EQ(read_str(any, buf, sizeof(buf), NULL), 6);
	CHECK(strcmp(buf, "to-any") == 0);
	CHECK_EQ(dgram_sk(any)->rx_count + dgram_sk(addr)->rx_count +
		 dgram_sk(conn)->rx_count, 0);
	CHECK_EQ(st.mib.udp.InDatagrams, 3);
	net_sock_close(&st, any);
	net_sock_close(&st, addr);
	net_sock_close(&st, conn);
	check_clean();
}

TEST(test_udp_closed_port_answers_port_unreachable_but_not_to_broadcast)
{
	reset();
	size_t n = build(rx, PEER, 7000, ETH0_ADDR, 9999, "hello", 5, true);
	udp_input(&st, &eth0, rx, rx + IP_HLEN, n - IP_HLEN);
	CHECK_EQ(st.mib.udp.NoPorts, 1);
	CHECK_EQ(icmp_err.calls, 1);
	CHECK(icmp_err.ip == rx);
	CHECK_EQ(icmp_err.len, n);
	CHECK_EQ(icmp_err.type, ICMP_DEST_UNREACH);
	CHECK_EQ(icmp_err.code, ICMP_PORT_UNREACH);

	input(PEER, 7000, INADDR_BROADCAST_, 9999, "bcast");
	input(PEER, 7000, ETH0_BCAST, 9999, "subnet");
	input(PEER, 7000, 0xe00000fbu, 9999, "mcast");
	CHECK_EQ(icmp_err.calls, 1);
	CHECK_EQ(st.mib.udp.NoPorts, 1);
	CHECK_EQ(st.mib.udp.IgnoredMulti, 3);
	check_clean();
}

TEST(test_udp_broadcast_reaches_every_matching_socket)
{
	char buf[16];
	reset();
	struct net_sock *a = sock(NET_SOCK_UDP), *b = sock(NET_SOCK_UDP);
	struct net_sock *c = sock(NET_SOCK_UDP);
	net_sock_setopt(&st, a, NET_SO_REUSEADDR, 1);
	net_sock_setopt(&st, b, NET_SO_REUSEADDR, 1);
	net_sock_setopt(&st, c, NET_SO_REUSEADDR, 1);
	CHECK_EQ(net_sock_bind(&st, a, 0, 67), 0);
	CHECK_EQ(net_sock_bind(&st, b, 0, 67), 0);
	CHECK_EQ(net_sock_bind(&st, c, ETH0_ADDR, 67), 0); /* unicast only */
	input(PEER, 68, INADDR_BROADCAST_, 67, "all");
	CHECK_EQ(read_str(a, buf, sizeof(buf), NULL), 3);
	CHECK_EQ(read_str(b, buf, sizeof(buf), NULL), 3);
	CHECK_EQ(dgram_sk(c)->rx_count, 0);
	CHECK_EQ(st.mib.udp.InDatagrams, 2);
	net_sock_close(&st, a);
	net_sock_close(&st, b);
	net_sock_close(&st, c);
	check_clean();
}

TEST(test_udp_full_receive_queue_counts_rcvbuf_errors)
{
	static char big[1000];
	reset();
	memset(big, 'x', sizeof(big) - 1);
	struct net_sock *sk = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_bind(&st, sk, 0, 5000), 0);
	/* The smallest buffer Linux allows: 2304 bytes. */
	CHECK_EQ(net_sock_setopt(&st, sk, NET_SO_RCVBUF, 1), 0);
	int v;
	CHECK_EQ(net_sock_getopt(&st, sk, NET_SO_RCVBUF, &v), 0);
	CHECK_EQ(v, NET_SOCK_RCVBUF_MIN);
	for (int i = 0; i < 3; i++)
		input(PEER, 7000, ETH0_ADDR, 5000, big);
	CHECK_EQ(dgram_sk(sk)->rx_count, 2);
	CHECK(dgram_sk(sk)->rx_bytes <= sk->rcvbuf);
	CHECK_EQ(st.mib.udp.RcvbufErrors, 1);
	CHECK_EQ(st.mib.udp.InErrors, 1);
	CHECK_EQ(st.mib.udp.InDatagrams, 2);
	CHECK_EQ(dgram_sk(sk)->drops, 1);
	/* Reading makes room again. */
	char buf[1024];
	CHECK_EQ(read_str(sk, buf, sizeof(buf), NULL), 999);
	input(PEER, 7000, ETH0_ADDR, 5000, big);
	CHECK_EQ(dgram_sk(sk)->rx_count, 2);
	/* An empty queue takes a datagram bigger than the buffer. */
	static char huge[1900];
	memset(huge, 'y', sizeof(huge) - 1);
	CHECK_EQ(net_sock_setopt(&st, sk, NET_SO_RCVBUF, 0), 0);
	net_sock_close(&st, sk);
	sk = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_bind(&st, sk, 0, 5000), 0);
	sk->rcvbuf = 1000;
	input(PEER, 7000, ETH0_ADDR, 5000, huge);
	CHECK_EQ(dgram_sk(sk)->rx_count, 1);
	net_sock_close(&st, sk);
	check_clean();
}

TEST(test_udp_rcvbuf_option_is_doubled_and_clamped_as_linux)
{
	int v;
	reset();
	struct net_sock *sk = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_getopt(&st, sk, NET_SO_RCVBUF, &v), 0);
	CHECK_EQ(v, NET_SOCK_RCVBUF_DEFAULT);
	net_sock_setopt(&st, sk, NET_SO_RCVBUF, 10000);
	net_sock_getopt(&st, sk, NET_SO_RCVBUF, &v);
	CHECK_EQ(v, 20000);
	net_sock_setopt(&st, sk, NET_SO_RCVBUF, 1 << 30);
	net_sock_getopt(&st, sk, NET_SO_RCVBUF, &v);
	CHECK_EQ(v, 2 * NET_SOCK_RMEM_MAX);
	net_sock_setopt(&st, sk, NET_SO_RCVBUF, -1);
	net_sock_getopt(&st, sk, NET_SO_RCVBUF, &v);
	CHECK_EQ(v, 2 * NET_SOCK_RMEM_MAX);
	CHECK_EQ(net_sock_setopt(&st, sk, NET_IP_TTL, 0), -EINVAL);
	CHECK_EQ(net_sock_setopt(&st, sk, NET_IP_TTL, 256), -EINVAL);
	CHECK_EQ(net_sock_setopt(&st, sk, NET_IP_TTL, 5), 0);
	net_sock_getopt(&st, sk, NET_IP_TTL, &v);
	CHECK_EQ(v, 5);
	CHECK_EQ(net_sock_setopt(&st, sk, NET_IP_TTL, -1), 0);
	net_sock_getopt(&st, sk, NET_IP_TTL, &v);
	CHECK_EQ(v, 64);
	net_sock_close(&st, sk);
	check_clean();
}

TEST(test_udp_short_read_truncates_and_reports_whole_length)
{
	char buf[8];
	struct net_recv_info info;
	reset();
	struct net_sock *sk = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_bind(&st, sk, 0, 5000), 0);
	input(PEER, 7000, ETH0_ADDR, 5000, "0123456789");
	input(PEER, 7000, ETH0_ADDR, 5000, "next");
	/* Peek leaves it queued. */
	CHECK_EQ(net_sock_recv(&st, sk, buf, 4, NET_MSG_PEEK, &info), 10);
	CHECK_EQ(dgram_sk(sk)->rx_count, 2);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(net_sock_recv(&st, sk, buf, 4, 0, &info), 10);
	CHECK(memcmp(buf, "0123", 4) == 0 && buf[4] == 0);
	CHECK(info.has_addr);
	CHECK_EQ(info.src, PEER);
	CHECK_EQ(info.sport, 7000);
	CHECK_EQ(info.ttl, 61);
	/* The rest of that datagram is gone. */
	CHECK_EQ(read_str(sk, buf, sizeof(buf), NULL), 4);
	CHECK(strcmp(buf, "next") == 0);
	CHECK_EQ(net_sock_recv(&st, sk, buf, 4, 0, &info), -EAGAIN);
	CHECK_EQ(dgram_sk(sk)->rx_bytes, 0);
	/* An empty datagram is a datagram. */
	input(PEER, 7000, ETH0_ADDR, 5000, "");
	CHECK_EQ(net_sock_recv(&st, sk, buf, 4, 0, &info), 0);
	CHECK(info.has_addr);
	net_sock_close(&st, sk);
	check_clean();
}

TEST(test_udp_icmp_error_sets_so_error_only_on_connected_sockets)
{
	char buf[8];
	struct net_recv_info info;
	reset();
	struct net_sock *un = sock(NET_SOCK_UDP), *co = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_bind(&st, un, 0, 5000), 0);
	CHECK_EQ(net_sock_bind(&st, co, 0, 5001), 0);
	CHECK_EQ(net_sock_connect(&st, co, PEER, 53), 0);
	CHECK_EQ(co->laddr, ETH0_ADDR);		/* the route's source */

	udp_icmp_error(&st, ETH0_ADDR, 5000, PEER, 53, -ECONNREFUSED);
	CHECK_EQ(un->so_error, 0);
	CHECK_EQ(notifies, 0);
	/* Quoting another peer: not the connected socket's. */
	udp_icmp_error(&st, ETH0_ADDR, 5001, PEER + 1, 53, -ECONNREFUSED);
	CHECK_EQ(co->so_error, 0);
	udp_icmp_error(&st, ETH0_ADDR, 5001, PEER, 53, -ECONNREFUSED);
	CHECK_EQ(co->so_error, -ECONNREFUSED);
	CHECK_EQ(notifies, 1);
	CHECK_EQ(net_sock_poll(&st, co), NET_EV_IN | NET_EV_OUT | NET_EV_ERR);
	/* Reported once, before any data, then cleared. */
	input(PEER, 53, ETH0_ADDR, 5001, "answer");
	CHECK_EQ(net_sock_recv(&st, co, buf, sizeof(buf), 0, &info),
		 -ECONNREFUSED);
	CHECK_EQ(net_sock_recv(&st, co, buf, sizeof(buf), 0, &info), 6);
	/* And a send reports it too. */
	udp_icmp_error(&st, ETH0_ADDR, 5001, PEER, 53, -ECONNREFUSED);
	CHECK_EQ(net_sock_sendto(&st, co, "q", 1, false, 0, 0), -ECONNREFUSED);
	CHECK_EQ(net_sock_sendto(&st, co, "q", 1, false, 0, 0), 1);
	CHECK_EQ(net_sock_take_error(co), 0);
	net_sock_close(&st, un);
	net_sock_close(&st, co);
	check_clean();
}

/* --- output ------------------------------------------------------------- */

TEST(test_udp_first_send_binds_an_ephemeral_port)
{
	reset();
	struct net_sock *sk = sock(NET_SOCK_UDP);
	CHECK(!sk->bound);
	CHECK_EQ(net_sock_sendto(&st, sk, "hello", 5, true, FAR, 53), 5);
	CHECK(sk->bound);
	CHECK(sk->lport >= IP_LOCAL_PORT_RANGE_LO &&
	      sk->lport <= IP_LOCAL_PORT_RANGE_HI);
	CHECK_EQ(sk->laddr, 0);			/* still any address */
	CHECK_EQ(nout, 1);
	struct sent *m = &out[0];
	CHECK_EQ(m->proto, IPPROTO_UDP_);
	CHECK_EQ(m->src, ETH0_ADDR);
	CHECK_EQ(m->dst, FAR);
	CHECK_EQ(m->ttl, 64);
	CHECK_EQ(m->len, UDP_HLEN + 5);
	CHECK_EQ(get_be16(m->data), sk->lport);
	CHECK_EQ(get_be16(m->data + 2), 53);
	CHECK_EQ(get_be16(m->data + 4), UDP_HLEN + 5);
	CHECK(get_be16(m->data + 6) != 0);
	CHECK(udp_checksum_ok(m));
	CHECK(memcmp(m->data + UDP_HLEN, "hello", 5) == 0);
	CHECK_EQ(st.mib.udp.OutDatagrams, 1);
	/* The port stays: a second send uses it. */
	uint16_t port = sk->lport;
	CHECK_EQ(net_sock_sendto(&st, sk, "", 0, true, FAR, 53), 0);
	CHECK_EQ(get_be16(out[1].data), port);
	CHECK(udp_checksum_ok(&out[1]));
	net_sock_close(&st, sk);
	check_clean();
}

TEST(test_udp_broadcast_send_needs_so_broadcast)
{
	reset();
	struct net_sock *sk = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_sendto(&st, sk, "x", 1, true, INADDR_BROADCAST_, 9),
		 -EACCES);
	CHECK_EQ(net_sock_sendto(&st, sk, "x", 1, true, ETH0_BCAST, 9), -EACCES);
	CHECK_EQ(net_sock_connect(&st, sk, ETH0_BCAST, 9), -EACCES);
	CHECK_EQ(nout, 0);
	CHECK_EQ(net_sock_setopt(&st, sk, NET_SO_BROADCAST, 1), 0);
	CHECK_EQ(net_sock_sendto(&st, sk, "x", 1, true, INADDR_BROADCAST_, 9), 1);
	CHECK_EQ(net_sock_sendto(&st, sk, "x", 1, true, ETH0_BCAST, 9), 1);
	CHECK_EQ(nout, 2);
	CHECK_EQ(out[1].dst, ETH0_BCAST);
	net_sock_close(&st, sk);
	check_clean();
}

TEST(test_udp_send_errors_match_linux)
{
	static char big[UDP_MAX_PAYLOAD + 1];
	reset();
	struct net_sock *sk = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_sendto(&st, sk, "x", 1, false, 0, 0), -EDESTADDRREQ);
	CHECK_EQ(net_sock_sendto(&st, sk, "x", 1, true, FAR, 0), -EINVAL);
	CHECK_EQ(net_sock_sendto(&st, sk, big, sizeof(big), true, FAR, 9),
		 -EMSGSIZE);
	have_route = false;
	CHECK_EQ(net_sock_sendto(&st, sk, "x", 1, true, FAR, 9), -ENETUNREACH);
	CHECK_EQ(net_sock_connect(&st, sk, FAR, 9), -ENETUNREACH);
	have_route = true;
	ip_output_result = -ENOBUFS;
	CHECK_EQ(net_sock_sendto(&st, sk, "x", 1, true, FAR, 9), -ENOBUFS);
	CHECK_EQ(st.mib.udp.SndbufErrors, 1);
	ip_output_result = 0;
	/* To 0.0.0.0 is to this host, as on Linux. */
	CHECK_EQ(net_sock_sendto(&st, sk, "x", 1, true, 0, 9), 1);
	CHECK_EQ(out[nout - 1].dst, LOOPBACK);
	CHECK_EQ(out[nout - 1].src, LOOPBACK);
	/* After SHUT_WR: EPIPE. */
	CHECK_EQ(net_sock_shutdown(&st, sk, NET_SHUT_WR), -ENOTCONN);
	CHECK_EQ(net_sock_sendto(&st, sk, "x", 1, true, FAR, 9), -EPIPE);
	net_sock_close(&st, sk);
	check_clean();
}

TEST(test_udp_connected_send_uses_peer_and_ttl)
{
	reset();
	struct net_sock *sk = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_setopt(&st, sk, NET_IP_TTL, 3), 0);
	CHECK_EQ(net_sock_connect(&st, sk, PEER, 4242), 0);
	CHECK(sk->bound && sk->connected);
	CHECK_EQ(net_sock_sendto(&st, sk, "ab", 2, false, 0, 0), 2);
	CHECK_EQ(out[0].dst, PEER);
	CHECK_EQ(out[0].src, ETH0_ADDR);
	CHECK_EQ(out[0].ttl, 3);
	CHECK_EQ(get_be16(out[0].data + 2), 4242);
	/* sendto with an address on a connected socket goes there. */
	CHECK_EQ(net_sock_sendto(&st, sk, "ab", 2, true, FAR, 1), 2);
	CHECK_EQ(out[1].dst, FAR);
	/* Only the peer's datagrams are received. */
	input(PEER + 1, 4242, ETH0_ADDR, sk->lport, "stranger");
	CHECK_EQ(dgram_sk(sk)->rx_count, 0);
	CHECK_EQ(st.mib.udp.NoPorts, 1);
	input(PEER, 4242, ETH0_ADDR, sk->lport, "peer");
	CHECK_EQ(dgram_sk(sk)->rx_count, 1);
	net_sock_close(&st, sk);
	check_clean();
}

TEST(test_udp_disconnect_releases_what_connect_chose)
{
	reset();
	struct net_sock *sk = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_connect(&st, sk, PEER, 53), 0);
	uint16_t port = sk->lport;
	struct port_table *t = port_table(&st.udp.ports, PORT_UDP, PORT_INET);
	CHECK_EQ(port_refs(t, port), 1);
	CHECK_EQ(net_sock_disconnect(&st, sk), 0);
	CHECK(!sk->connected && !sk->bound);
	CHECK_EQ(sk->laddr, 0);
	CHECK_EQ(port_refs(t, port), 0);
	/* What bind chose stays. */
	CHECK_EQ(net_sock_bind(&st, sk, ETH0_ADDR, 6000), 0);
	CHECK_EQ(net_sock_connect(&st, sk, PEER, 53), 0);
	CHECK_EQ(net_sock_disconnect(&st, sk), 0);
	CHECK(sk->bound);
	CHECK_EQ(sk->laddr, ETH0_ADDR);
	CHECK_EQ(sk->lport, 6000);
	net_sock_close(&st, sk);
	check_clean();
}

TEST(test_udp_bind_rules_match_linux)
{
	reset();
	struct net_sock *a = sock(NET_SOCK_UDP), *b = sock(NET_SOCK_UDP);
	struct net_sock *c = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_bind(&st, a, 0x01020304, 53), -EADDRNOTAVAIL);
	CHECK_EQ(net_sock_bind(&st, a, ETH0_ADDR, 53), 0);
	CHECK_EQ(net_sock_bind(&st, a, ETH0_ADDR, 54), -EINVAL);
	/* Different specific addresses share a port. */
	CHECK_EQ(net_sock_bind(&st, b, LOOPBACK, 53), 0);
	/* The wildcard overlaps both. */
	CHECK_EQ(net_sock_bind(&st, c, 0, 53), -EADDRINUSE);
	CHECK(!c->bound);
	/* SO_REUSEADDR on one side is not enough, on both it is. */
	net_sock_setopt(&st, c, NET_SO_REUSEADDR, 1);
	CHECK_EQ(net_sock_bind(&st, c, 0, 53), -EADDRINUSE);
	net_sock_setopt(&st, a, NET_SO_REUSEADDR, 1);
	net_sock_setopt(&st, b, NET_SO_REUSEADDR, 1);
	CHECK_EQ(net_sock_bind(&st, c, 0, 53), 0);
	struct port_table *t = port_table(&st.udp.ports, PORT_UDP, PORT_INET);
	CHECK_EQ(port_refs(t, 53), 3);
	net_sock_close(&st, a);
	net_sock_close(&st, b);
	CHECK_EQ(port_refs(t, 53), 1);
	net_sock_close(&st, c);
	CHECK_EQ(port_refs(t, 53), 0);
	check_clean();
}

/* --- readiness and wake-ups ------------------------------------------------ */

TEST(test_udp_delivery_notifies_the_user_and_close_leaves_the_event_list)
{
	reset();
	struct net_sock *a = sock(NET_SOCK_UDP), *b = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_bind(&st, a, 0, 5000), 0);
	CHECK_EQ(net_sock_bind(&st, b, 0, 5001), 0);
	CHECK_EQ(net_sock_poll(&st, a), NET_EV_OUT);
	input(PEER, 7000, ETH0_ADDR, 5000, "a");
	CHECK_EQ(notifies, 1);
	CHECK(a->event_queued && st.events == a);
	CHECK(a->user == &user_token);
	CHECK_EQ(net_sock_poll(&st, a), NET_EV_IN | NET_EV_OUT);
	input(PEER, 7000, ETH0_ADDR, 5001, "b");
	CHECK(st.events == b && b->event_next == a);
	/* Closed before the kernel took the list: it leaves the list. */
	net_sock_close(&st, a);
	CHECK(st.events == b && b->event_next == NULL);
	net_sock_close(&st, b);
	CHECK(st.events == NULL);
	check_clean();
}

TEST(test_udp_shutdown_rd_reads_end_of_stream)
{
	char buf[8];
	struct net_recv_info info;
	reset();
	struct net_sock *sk = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_connect(&st, sk, PEER, 9), 0);
	input(PEER, 9, ETH0_ADDR, sk->lport, "last");
	CHECK_EQ(net_sock_shutdown(&st, sk, NET_SHUT_RD), 0);
	CHECK(notifies >= 2);
	/* Queued data first, then end of stream instead of EAGAIN. */
	CHECK_EQ(net_sock_recv(&st, sk, buf, sizeof(buf), 0, &info), 4);
	CHECK_EQ(net_sock_recv(&st, sk, buf, sizeof(buf), 0, &info), 0);
	CHECK(!info.has_addr);
	CHECK_EQ(net_sock_poll(&st, sk), NET_EV_IN | NET_EV_OUT);
	CHECK_EQ(net_sock_shutdown(&st, sk, NET_SHUT_WR), 0);
	CHECK_EQ(net_sock_poll(&st, sk), NET_EV_IN | NET_EV_OUT | NET_EV_HUP);
	net_sock_close(&st, sk);
	check_clean();
}

/* --- internal (callback) sockets ------------------------------------------ */

static struct {
	int calls;
	char data[32];
	uint32_t src;
	uint16_t sport;
	struct netif *nif;
	void *arg;
	bool close_self;
} cb_seen;

static void rx_cb(struct net_stack *s, struct net_sock *sk,
		  const uint8_t *data, size_t len, uint32_t src, uint16_t sport,
		  struct netif *nif)
{
	cb_seen.calls++;
	memcpy(cb_seen.data, data, len < 31 ? len : 31);
	cb_seen.data[len < 31 ? len : 31] = 0;
	cb_seen.src = src;
	cb_seen.sport = sport;
	cb_seen.nif = nif;
	cb_seen.arg = dgram_sk(sk)->cb_arg;
	if (cb_seen.close_self)
		net_udp_close_internal(s, sk);
}

TEST(test_udp_internal_socket_gets_datagrams_through_its_callback)
{
	int arg;
	reset();
	memset(&cb_seen, 0, sizeof(cb_seen));
	struct net_sock *sk = net_udp_open_internal(&st, 68, rx_cb, &arg);
	CHECK(sk != NULL);
	/* A second client (another interface) may open the port too. */
	struct net_sock *sk2 = net_udp_open_internal(&st, 68, rx_cb, &arg);
	CHECK(sk2 != NULL);
	net_udp_close_internal(&st, sk2);
	/* A user socket without SO_REUSEADDR may not. */
	struct net_sock *user = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_bind(&st, user, 0, 68), -EADDRINUSE);
	net_sock_close(&st, user);

	input(0x0a000001, 67, INADDR_BROADCAST_, 68, "offer");
	CHECK_EQ(cb_seen.calls, 1);
	CHECK(strcmp(cb_seen.data, "offer") == 0);
	CHECK_EQ(cb_seen.src, 0x0a000001);
	CHECK_EQ(cb_seen.sport, 67);
	CHECK(cb_seen.nif == &eth0);
	CHECK(cb_seen.arg == &arg);
	CHECK_EQ(notifies, 0);			/* no user to wake */
	CHECK_EQ(dgram_sk(sk)->rx_count, 0);
	/* Bound to another interface: not delivered. */
	struct netif other = { .name = "eth1" };
	net_sock_bind_netif(sk, &other);
	input(0x0a000001, 67, INADDR_BROADCAST_, 68, "offer");
	CHECK_EQ(cb_seen.calls, 1);
	net_sock_bind_netif(sk, &eth0);
	/* The callback may close its own socket. */
	cb_seen.close_self = true;
	input(0x0a000001, 67, INADDR_BROADCAST_, 68, "ack");
	CHECK_EQ(cb_seen.calls, 2);
	check_clean();
}

TEST(test_udp_internal_send_from_zero_goes_out_of_the_given_interface)
{
	reset();
	eth0.addr = 0;			/* not configured yet */
	eth0.prefix_len = 0;
	have_route = false;
	struct net_sock *sk = net_udp_open_internal(&st, 68, rx_cb, NULL);
	CHECK(sk != NULL);
	CHECK_EQ(net_udp_send_internal(&st, sk, &eth0, 0, INADDR_BROADCAST_,
				       67, "discover", 8), 0);
	CHECK_EQ(nout, 0);
	CHECK_EQ(narp, 1);
	/* Past routing, straight out of eth0 (ip_output_if builds the IP
	 * header: tested in test_ip). */
	struct sent *m = &arp_out[0];
	CHECK(m->nif == &eth0);
	CHECK_EQ(m->nexthop, INADDR_BROADCAST_);
	CHECK_EQ(m->src, 0);
	CHECK_EQ(m->dst, INADDR_BROADCAST_);
	CHECK_EQ(m->proto, IPPROTO_UDP_);
	CHECK_EQ(m->len, UDP_HLEN + 8);
	const uint8_t *u = m->data;
	CHECK_EQ(get_be16(u), 68);
	CHECK_EQ(get_be16(u + 2), 67);
	CHECK_EQ(inet_fold(inet_sum(u, UDP_HLEN + 8,
		inet_pseudo_sum(0, INADDR_BROADCAST_, IPPROTO_UDP_,
				UDP_HLEN + 8))), 0);
	CHECK_EQ(st.mib.udp.OutDatagrams, 1);
	/* Once configured, a unicast renewal is routed. */
	have_route = true;
	CHECK_EQ(net_udp_send_internal(&st, sk, &eth0, ETH0_ADDR, 0x0a000001,
				       67, "request", 7), 0);
	CHECK_EQ(nout, 1);
	CHECK_EQ(out[0].src, ETH0_ADDR);
	CHECK_EQ(out[0].dst, 0x0a000001);
	CHECK(udp_checksum_ok(&out[0]));
	net_udp_close_internal(&st, sk);
	check_clean();
}

/* --- ping sockets ------------------------------------------------------------ */

TEST(test_ping_socket_sends_with_its_ident_and_reads_matching_replies)
{
	uint8_t req[8 + 4] = { ICMP_ECHO, 0, 0, 0, 0x12, 0x34, 0, 1,
			       'p', 'i', 'n', 'g' };
	uint8_t buf[64];
	struct net_recv_info info;
	reset();
	struct net_sock *sk = sock(NET_SOCK_PING);
	CHECK_EQ(net_sock_sendto(&st, sk, req, sizeof(req), true, PEER, 0),
		 (int)sizeof(req));
	CHECK(sk->bound && sk->lport != 0);
	struct sent *m = &out[0];
	CHECK_EQ(m->proto, IPPROTO_ICMP_);
	CHECK_EQ(m->dst, PEER);
	CHECK_EQ(m->len, sizeof(req));
	CHECK_EQ(m->data[0], ICMP_ECHO);
	CHECK_EQ(get_be16(m->data + 4), sk->lport);	/* ident replaced */
	CHECK_EQ(get_be16(m->data + 6), 1);		/* sequence kept */
	CHECK_EQ(inet_fold(inet_sum(m->data, m->len, 0)), 0);
	CHECK_EQ(st.mib.icmp.OutEchos, 1);

	/* A reply for another identifier is not ours. */
	ping_input(&st, PEER, (uint16_t)(sk->lport + 1), 1,
		   (const uint8_t *)"ping", 4, 64);
	CHECK_EQ(dgram_sk(sk)->rx_count, 0);
	ping_input(&st, PEER, sk->lport, 1, (const uint8_t *)"ping", 4, 63);
	CHECK_EQ(notifies, 1);
	CHECK_EQ(net_sock_recv(&st, sk, buf, sizeof(buf), 0, &info), 12);
	CHECK_EQ(buf[0], ICMP_ECHOREPLY);
	CHECK_EQ(buf[1], 0);
	CHECK_EQ(get_be16(buf + 4), sk->lport);
	CHECK_EQ(get_be16(buf + 6), 1);
	CHECK(memcmp(buf + 8, "ping", 4) == 0);
	CHECK_EQ(inet_fold(inet_sum(buf, 12, 0)), 0);
	CHECK_EQ(info.src, PEER);
	CHECK_EQ(info.sport, 0);
	CHECK_EQ(info.ttl, 63);

	/* Not an echo request, or too short: EINVAL, as Linux. */
	req[0] = ICMP_ECHOREPLY;
	CHECK_EQ(net_sock_sendto(&st, sk, req, sizeof(req), true, PEER, 0),
		 -EINVAL);
	req[0] = ICMP_ECHO;
	CHECK_EQ(net_sock_sendto(&st, sk, req, 7, true, PEER, 0), -EINVAL);
	net_sock_close(&st, sk);
	check_clean();
}

TEST(test_ping_bind_picks_or_checks_the_ident)
{
	reset();
	struct net_sock *a = sock(NET_SOCK_PING), *b = sock(NET_SOCK_PING);
	struct net_sock *u = sock(NET_SOCK_UDP);
	CHECK_EQ(net_sock_bind(&st, a, 0, 0x4242), 0);
	/* Idents clash whatever the address; UDP ports are another space. */
	CHECK_EQ(net_sock_bind(&st, b, LOOPBACK, 0x4242), -EADDRINUSE);
	CHECK_EQ(net_sock_bind(&st, u, 0, 0x4242), 0);
	CHECK_EQ(net_sock_bind(&st, b, 0, 0), 0);
	CHECK(b->lport != 0 && b->lport != 0x4242);
	ping_input(&st, PEER, 0x4242, 9, (const uint8_t *)"", 0, 64);
	CHECK_EQ(dgram_sk(a)->rx_count, 1);
	CHECK_EQ(dgram_sk(b)->rx_count + dgram_sk(u)->rx_count, 0);
	net_sock_close(&st, a);
	net_sock_close(&st, b);
	net_sock_close(&st, u);
	check_clean();
}

int main(void)
{
	RUN(test_udp_checksum_verified_zero_accepted_bad_counted);
	RUN(test_udp_bad_lengths_counted_as_in_errors);
	RUN(test_udp_delivers_to_the_most_specific_socket);
	RUN(test_udp_closed_port_answers_port_unreachable_but_not_to_broadcast);
	RUN(test_udp_broadcast_reaches_every_matching_socket);
	RUN(test_udp_full_receive_queue_counts_rcvbuf_errors);
	RUN(test_udp_rcvbuf_option_is_doubled_and_clamped_as_linux);
	RUN(test_udp_short_read_truncates_and_reports_whole_length);
	RUN(test_udp_icmp_error_sets_so_error_only_on_connected_sockets);
	RUN(test_udp_first_send_binds_an_ephemeral_port);
	RUN(test_udp_broadcast_send_needs_so_broadcast);
	RUN(test_udp_send_errors_match_linux);
	RUN(test_udp_connected_send_uses_peer_and_ttl);
	RUN(test_udp_disconnect_releases_what_connect_chose);
	RUN(test_udp_bind_rules_match_linux);
	RUN(test_udp_delivery_notifies_the_user_and_close_leaves_the_event_list);
	RUN(test_udp_shutdown_rd_reads_end_of_stream);
	RUN(test_udp_internal_socket_gets_datagrams_through_its_callback);
	RUN(test_udp_internal_send_from_zero_goes_out_of_the_given_interface);
	RUN(test_ping_socket_sends_with_its_ident_and_reads_matching_replies);
	RUN(test_ping_bind_picks_or_checks_the_ident);
	TEST_EXIT();
}
