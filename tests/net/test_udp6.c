/*
 * UDP over IPv6 between whole stacks on a simulated link (udp6.c, the
 * IPv6 half of sock.c): echo through sockets, fragmentation of a large
 * datagram, the mandatory checksum, ICMPv6 port unreachable reaching a
 * connected socket, and the dual-stack / IPV6_V6ONLY port rules.
 */
#include "tests/net/ip6_harness.h"
#include "net/udp.h"

#define G0 "2001:db8::1"
#define G1 "2001:db8::2"

/* Two nodes up with link-local and global addresses, and the stack's
 * own ICMPv6 error dispatcher back (the harness records errors). */
static void up(uint64_t seed)
{
	setup_up(2, seed);
	for (int i = 0; i < 2; i++) {
		struct ip6_addr g = A6(i ? G1 : G0);

		CHECK_EQ(ip6_addr_add(S(i), NIF(i), &g, 64), 0);
		S(i)->ip6.hooks.error = net_ip6_error;
		S(i)->ip6.hooks.arg = S(i);
	}
	run(2100);		/* DAD of the global addresses */
	CHECK(usable(ifa_of(0, G0)));
	CHECK(usable(ifa_of(1, G1)));
}

static struct net_sock *sock6(int node)
{
	struct net_sock *sk = net_sock_create(S(node), NET_SOCK_UDP, NULL);

	CHECK(sk != NULL);
	sk->family = NET_AF_INET6;
	return sk;
}

/* Node 1 echoes whatever is queued on sk back to its sender. */
static int echo_once(struct net_sock *sk)
{
	static uint8_t buf[65536];
	struct net_recv_info info;
	int n = net_sock_recv(S(1), sk, buf, sizeof(buf), 0, &info);

	if (n < 0)
		return n;
	CHECK_EQ(info.family, NET_AF_INET6);
	struct netif *scope = ip6_addr_is_linklocal(&info.src6) ? info.nif :
								  NULL;
	return net_sock_sendto6(S(1), sk, buf, (size_t)n, &info.src6, scope,
				info.sport);
}

static void test_udp6_echo_between_two_stacks(void)
{
	static uint8_t out[3000], in[4000];
	struct ip6_addr g1 = A6(G1), g0 = A6(G0);
	struct net_recv_info info;

	up(11);
	struct ip6_addr ll1 = ll_of(1);		/* the MACs exist now */
	struct net_sock *srv = sock6(1), *cli = sock6(0);
	CHECK_EQ(net_sock_setopt(S(1), srv, NET_IPV6_V6ONLY, 1), 0);
	CHECK_EQ(net_sock_bind6(S(1), srv, &ip6_addr_any, NULL, 7), 0);

	/* Small, then 3000 bytes: fragmented at the 1500-byte MTU. */
	size_t sizes[] = { 100, sizeof(out) };
	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i < sizes[k]; i++)
			out[i] = (uint8_t)(i * 13 + k);
		uint64_t frags = S(0)->ip6.mib.FragCreates;
		CHECK_EQ(net_sock_sendto6(S(0), cli, out, sizes[k], &g1, NULL,
					  7), (int)sizes[k]);
		if (sizes[k] > 1500)
			CHECK(S(0)->ip6.mib.FragCreates > frags);
		run(10);
		CHECK_EQ(echo_once(srv), (int)sizes[k]);
		run(10);
		int n = net_sock_recv(S(0), cli, in, sizeof(in), 0, &info);
		CHECK_EQ(n, (int)sizes[k]);
		CHECK(memcmp(in, out, sizes[k]) == 0);
		CHECK_EQ(info.family, NET_AF_INET6);
		CHECK(ip6_addr_eq(&info.src6, &g1));
		CHECK_EQ(info.sport, 7);
	}
	CHECK(ip6_addr_eq(&cli->laddr6, &ip6_addr_any));	/* autobound */
	CHECK(cli->lport != 0);
	CHECK_EQ(S(1)->mib.udp6.InDatagrams, 2);
	CHECK_EQ(S(1)->mib.udp6.OutDatagrams, 2);
	CHECK_EQ(S(0)->mib.udp6.InDatagrams, 2);
	CHECK_EQ(S(1)->ip6.mib.ReasmOKs, 1);

	/* Link-local: the scope is needed, and kept with the datagram. */
	CHECK_EQ(net_sock_sendto6(S(0), cli, "x", 1, &ll1, NULL, 7), -EINVAL);
	CHECK_EQ(net_sock_sendto6(S(0), cli, "hi", 2, &ll1, NIF(0), 7), 2);
	run(10);
	CHECK_EQ(echo_once(srv), 2);
	run(10);
	CHECK_EQ(net_sock_recv(S(0), cli, in, sizeof(in), 0, &info), 2);
	CHECK(ip6_addr_eq(&info.src6, &ll1));
	CHECK(info.nif == NIF(0));

	/* A connected socket takes its source from the route. */
	struct net_sock *co = sock6(0);
	CHECK_EQ(net_sock_connect6(S(0), co, &g1, NULL, 7), 0);
	CHECK(ip6_addr_eq(&co->laddr6, &g0));
	CHECK_EQ(net_sock_sendto(S(0), co, "abc", 3, false, 0, 0), 3);
	run(10);
	CHECK_EQ(echo_once(srv), 3);
	run(10);
	CHECK_EQ(net_sock_recv(S(0), co, in, sizeof(in), 0, &info), 3);

	char snmp[8192];
	ip6_snmp_print(S(1), snmp, sizeof(snmp));
	CHECK(strstr(snmp, "Udp6InDatagrams                 \t4\n") != NULL);
	CHECK(strstr(snmp, "Udp6OutDatagrams                \t4\n") != NULL);

	net_sock_close(S(0), co);
	net_sock_close(S(0), cli);
	net_sock_close(S(1), srv);
	teardown();
}

/* A UDP header + payload from G0:1234 to G1:dport, checksum as given. */
static void inject_udp6(uint16_t dport, bool zero_sum)
{
	static uint8_t f[ETH_FRAME_MAX];
	uint8_t m[8 + 4] = { 0 };
	struct ip6_addr src = A6(G0), dst = A6(G1);

	put_be16(m, 1234);
	put_be16(m + 2, dport);
	put_be16(m + 4, sizeof(m));
	memcpy(m + 8, "data", 4);
	if (!zero_sum) {
		uint16_t sum = inet_fold(inet_sum(m, sizeof(m),
			inet6_pseudo_sum(&src, &dst, sizeof(m), IP6_NH_UDP)));
		put_be16(m + 6, sum ? sum : 0xffff);
	}
	inject(1, f, frame6(f, 1, &src, &dst, IP6_NH_UDP, 64, m, sizeof(m)));
}

static void test_udp6_zero_checksum_dropped_and_counted(void)
{
	uint8_t buf[16];
	struct net_recv_info info;

	up(12);
	struct net_sock *srv = sock6(1);
	CHECK_EQ(net_sock_bind6(S(1), srv, &ip6_addr_any, NULL, 7), 0);
	inject_udp6(7, true);
	CHECK_EQ(S(1)->mib.udp6.InCsumErrors, 1);
	CHECK_EQ(S(1)->mib.udp6.InErrors, 1);
	CHECK_EQ(S(1)->mib.udp6.InDatagrams, 0);
	CHECK_EQ(net_sock_recv(S(1), srv, buf, sizeof(buf), 0, &info),
		 -EAGAIN);
	/* The same datagram with its checksum is taken. */
	inject_udp6(7, false);
	CHECK_EQ(S(1)->mib.udp6.InDatagrams, 1);
	CHECK_EQ(net_sock_recv(S(1), srv, buf, sizeof(buf), 0, &info), 4);
	net_sock_close(S(1), srv);
	teardown();
}

static void test_udp6_port_unreachable_refuses_connected_socket(void)
{
	struct ip6_addr g1 = A6(G1);
	uint8_t buf[16];
	struct net_recv_info info;

	up(13);
	struct net_sock *co = sock6(0), *un = sock6(0);
	CHECK_EQ(net_sock_connect6(S(0), co, &g1, NULL, 9999), 0);
	CHECK_EQ(net_sock_sendto(S(0), co, "x", 1, false, 0, 0), 1);
	CHECK_EQ(net_sock_sendto6(S(0), un, "x", 1, &g1, NULL, 9999), 1);
	run(10);
	CHECK_EQ(S(1)->mib.udp6.NoPorts, 2);
	CHECK_EQ(S(1)->ip6.icmp.out_type[ICMP6_DST_UNREACH], 2);
	/* Connected: ECONNREFUSED, once; unconnected: nothing (RFC 1122
	 * 4.1.3.3, Linux without IPV6_RECVERR). */
	CHECK(net_sock_poll(S(0), co) & NET_EV_ERR);
	CHECK_EQ(net_sock_recv(S(0), co, buf, sizeof(buf), 0, &info),
		 -ECONNREFUSED);
	CHECK_EQ(net_sock_recv(S(0), co, buf, sizeof(buf), 0, &info),
		 -EAGAIN);
	CHECK_EQ(un->so_error, 0);
	net_sock_close(S(0), co);
	net_sock_close(S(0), un);
	teardown();
}

static void test_udp6_dual_stack_and_v6only_bind_conflicts(void)
{
	struct net_stack *s;
	uint8_t buf[16];
	struct net_recv_info info;

	up(14);
	s = S(0);
	struct net_sock *v4 = net_sock_create(s, NET_SOCK_UDP, NULL);
	struct net_sock *dual = sock6(0), *only = sock6(0), *only2 = sock6(0);

	/* [::]:5000 without V6ONLY wants the IPv4 port too. */
	CHECK_EQ(net_sock_bind(s, v4, 0, 5000), 0);
	CHECK_EQ(net_sock_bind6(s, dual, &ip6_addr_any, NULL, 5000),
		 -EADDRINUSE);
	/* With V6ONLY it does not; a second one clashes in IPv6. */
	CHECK_EQ(net_sock_setopt(s, only, NET_IPV6_V6ONLY, 1), 0);
	CHECK_EQ(net_sock_bind6(s, only, &ip6_addr_any, NULL, 5000), 0);
	CHECK_EQ(net_sock_setopt(s, only, NET_IPV6_V6ONLY, 0), -EINVAL);
	CHECK_EQ(net_sock_setopt(s, only2, NET_IPV6_V6ONLY, 1), 0);
	CHECK_EQ(net_sock_bind6(s, only2, &ip6_addr_any, NULL, 5000),
		 -EADDRINUSE);
	net_sock_close(s, v4);
	net_sock_close(s, only);

	/* A dual-stack [::]:6000 holds the IPv4 port: an IPv4 bind fails
	 * until it is closed; and it receives IPv4 (as ::ffff:127.0.0.1
	 * to its user). */
	CHECK_EQ(net_sock_bind6(s, dual, &ip6_addr_any, NULL, 6000), 0);
	CHECK_EQ(dual->port_fams, NET_PORT_V4 | NET_PORT_V6);
	v4 = net_sock_create(s, NET_SOCK_UDP, NULL);
	CHECK_EQ(net_sock_bind(s, v4, 0, 6000), -EADDRINUSE);
	CHECK_EQ(net_sock_sendto(s, v4, "v4", 2, true, INADDR_LOOPBACK_, 6000),
		 2);
	run(10);
	CHECK_EQ(net_sock_recv(s, dual, buf, sizeof(buf), 0, &info), 2);
	CHECK_EQ(info.family, NET_AF_INET);
	CHECK_EQ(info.src, INADDR_LOOPBACK_);
	/* ... and IPv6. */
	CHECK_EQ(net_sock_sendto6(s, only2, "v6", 2, &ip6_addr_loopback, NULL,
				  6000), 2);
	run(10);
	CHECK_EQ(net_sock_recv(s, dual, buf, sizeof(buf), 0, &info), 2);
	CHECK_EQ(info.family, NET_AF_INET6);
	CHECK(ip6_addr_eq(&info.src6, &ip6_addr_loopback));
	/* A v4-mapped destination from a V6ONLY socket is refused. */
	struct ip6_addr mapped;
	net_addr6_map_v4(&mapped, INADDR_LOOPBACK_);
	CHECK_EQ(net_sock_sendto6(s, only2, "x", 1, &mapped, NULL, 6000),
		 -ENETUNREACH);
	net_sock_close(s, dual);
	net_sock_close(s, v4);		/* autobound by its send */
	v4 = net_sock_create(s, NET_SOCK_UDP, NULL);
	CHECK_EQ(net_sock_bind(s, v4, 0, 6000), 0);
	CHECK_EQ(port_refs(port_table(net_port_alloc(s), PORT_UDP,
				      PORT_INET6), 6000), 0);

	/* An ephemeral dual-stack port is free in both families. */
	dual = sock6(0);
	CHECK_EQ(net_sock_sendto6(s, dual, "e", 1, &ip6_addr_loopback, NULL,
				  9), 1);
	CHECK_EQ(port_refs(port_table(net_port_alloc(s), PORT_UDP, PORT_INET),
			   dual->lport), 1);
	CHECK_EQ(port_refs(port_table(net_port_alloc(s), PORT_UDP,
				      PORT_INET6), dual->lport), 1);
	net_sock_close(s, dual);
	net_sock_close(s, only2);
	net_sock_close(s, v4);
	run(10);
	teardown();
}

int main(void)
{
	RUN(test_udp6_echo_between_two_stacks);
	RUN(test_udp6_zero_checksum_dropped_and_counted);
	RUN(test_udp6_port_unreachable_refuses_connected_socket);
	RUN(test_udp6_dual_stack_and_v6only_bind_conflicts);
	TEST_EXIT();
}
