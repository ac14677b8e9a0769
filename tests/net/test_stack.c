/*
 * Whole-stack tests: complete stacks (Ethernet, ARP, IPv4, ICMP, UDP,
 * sockets) wired through the simulated segment of tests/net/sim.c and
 * driven by virtual time. Each proves a behaviour that only shows when
 * the layers work together.
 */
#include <errno.h>
#include <string.h>

#include "net/arp.h"
#include "net/byteorder.h"
#include "net/ip.h"
#include "net/sock.h"
#include "net/stack.h"
#include "tests/net/port_host.h"
#include "tests/net/sim.h"
#include "tests/unit/test.h"

#define NET_10_0_0	0x0a000000u	/* node i is 10.0.0.(i+1)/24 */
#define ADDR(i)		(NET_10_0_0 + (i) + 1)

static struct sim sim;

static struct net_sock *udp_bound(int node, uint16_t port)
{
	struct net_stack *s = &sim.node[node].stack;
	struct net_sock *sk = net_sock_create(s, NET_SOCK_UDP, NULL);
	CHECK(sk != NULL);
	CHECK_EQ(net_sock_bind(s, sk, 0, port), 0);
	return sk;
}

static int recv_one(int node, struct net_sock *sk, void *buf, size_t len,
		    struct net_recv_info *info)
{
	return net_sock_recv(&sim.node[node].stack, sk, buf, len, 0, info);
}

TEST(test_stack_udp_between_two_hosts_resolves_arp_then_delivers)
{
	sim_init(&sim, 2, NET_10_0_0, 1);
	struct net_sock *rx = udp_bound(1, 5000);
	struct net_sock *tx = udp_bound(0, 0);
	/* Setting the addresses announced them (gratuitous ARP). */
	sim_run(&sim, 1);
	struct link_mib l0 = sim.node[0].stack.mib.link;
	struct link_mib l1 = sim.node[1].stack.mib.link;

	CHECK_EQ(net_sock_sendto(&sim.node[0].stack, tx, "hello", 5, true,
				 ADDR(1), 5000), 5);
	sim_run(&sim, 10);
	char buf[16];
	struct net_recv_info info;
	CHECK_EQ(recv_one(1, rx, buf, sizeof(buf), &info), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(info.src, ADDR(0));
	/* ARP ran first: one request, one reply, and both now know each
	 * other (the target learnt the asker from the request). */
	CHECK_EQ(sim.node[0].stack.mib.link.ArpOutRequests - l0.ArpOutRequests, 1);
	CHECK_EQ(sim.node[1].stack.mib.link.ArpOutReplies - l1.ArpOutReplies, 1);
	CHECK_EQ(sim.node[1].stack.mib.link.ArpOutRequests - l1.ArpOutRequests, 0);
	net_sock_close(&sim.node[0].stack, tx);
	net_sock_close(&sim.node[1].stack, rx);
	sim_free(&sim);
}

struct got {
	int node;
	struct net_sock *sk;
	int n;
};

static bool received(void *arg)
{
	struct got *g = arg;
	char buf[64];
	struct net_recv_info info;
	while (recv_one(g->node, g->sk, buf, sizeof(buf), &info) >= 0)
		g->n++;
	return g->n > 0;
}

/* The failure class DESIGN.md names: one neighbour that never answers
 * ARP must not stall transmissions to everyone else. */
TEST(test_stack_silent_neighbour_does_not_delay_traffic_to_others)
{
	sim_init(&sim, 2, NET_10_0_0, 2);
	struct net_sock *rx = udp_bound(1, 5000);
	struct net_sock *tx = udp_bound(0, 0);
	struct net_stack *s0 = &sim.node[0].stack;
	sim_run(&sim, 1);
	uint64_t requests = s0->mib.link.ArpOutRequests;	/* announce */

	/* First to a host that does not exist, then to one that does. */
	CHECK_EQ(net_sock_sendto(s0, tx, "lost", 4, true, ADDR(50), 5000), 4);
	CHECK_EQ(net_sock_sendto(s0, tx, "live", 4, true, ADDR(1), 5000), 4);
	struct got g = { 1, rx, 0 };
	CHECK(sim_run_until(&sim, 50, received, &g));
	/* Delivered within the link delay, not after ARP gave up (3 s). */
	CHECK(sim.now < 50);
	/* The silent one is given up after ARP_MAX_TRIES and its packet
	 * dropped with a counter, not kept forever. */
	sim_run(&sim, ARP_MAX_TRIES * ARP_RETRY_MS + 2000);
	/* One request for the live host, ARP_MAX_TRIES for the silent. */
	CHECK_EQ(s0->mib.link.ArpOutRequests - requests, 1 + ARP_MAX_TRIES);
	CHECK(s0->mib.link.ArpQueueDrops >= 1);
	CHECK_EQ(s0->arp.pending.len, 0);
	net_sock_close(s0, tx);
	net_sock_close(&sim.node[1].stack, rx);
	sim_free(&sim);
}

/* A datagram bigger than the MTU is fragmented by the sender and
 * reassembled by the receiver even when the link reorders fragments. */
TEST(test_stack_fragmented_datagram_survives_reordering_link)
{
	sim_init(&sim, 2, NET_10_0_0, 3);
	sim.impair.delay_ms = 1;
	sim.impair.jitter_ms = 5;
	struct net_sock *rx = udp_bound(1, 7000);
	struct net_sock *tx = udp_bound(0, 0);
	static uint8_t big[9000], back[9000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);

	for (int round = 0; round < 5; round++) {
		CHECK_EQ(net_sock_sendto(&sim.node[0].stack, tx, big,
					 sizeof(big), true, ADDR(1), 7000),
			 (int)sizeof(big));
		sim_run(&sim, 50);
		struct net_recv_info info;
		memset(back, 0, sizeof(back));
		CHECK_EQ(recv_one(1, rx, back, sizeof(back), &info),
			 (int)sizeof(big));
		CHECK(memcmp(big, back, sizeof(big)) == 0);
	}
	CHECK_EQ(sim.node[1].stack.mib.ip.ReasmOKs, 5);
	CHECK(sim.node[0].stack.mib.ip.FragCreates >= 5 * 7);
	net_sock_close(&sim.node[0].stack, tx);
	net_sock_close(&sim.node[1].stack, rx);
	sim_free(&sim);
}

/* Everything but an IPv4 datagram's first fragment. */
static bool drop_later_fragments(struct sim *sim, int from, const uint8_t *f,
				 unsigned len)
{
	(void)sim;
	(void)from;
	return len > ETH_HLEN + 8 && get_be16(f + 12) == 0x0800 &&
	       (get_be16(f + ETH_HLEN + 6) & IP_OFFMASK) != 0;
}

/* Losing a fragment loses the datagram: reassembly gives up after its
 * timeout, frees what it held, counts it, and (since the first fragment
 * came) tells the sender with ICMP time exceeded (RFC 792, RFC 1122). */
TEST(test_stack_lost_fragment_times_out_and_frees_reassembly)
{
	sim_init(&sim, 2, NET_10_0_0, 4);
	struct net_sock *rx = udp_bound(1, 7000);
	struct net_sock *tx = udp_bound(0, 0);
	static uint8_t big[4000];
	struct net_stack *s1 = &sim.node[1].stack;
	struct net_recv_info info;

	sim.filter = drop_later_fragments;
	CHECK_EQ(net_sock_sendto(&sim.node[0].stack, tx, big, sizeof(big),
				 true, ADDR(1), 7000), (int)sizeof(big));
	sim_run(&sim, 100);
	CHECK_EQ(s1->ip.reasm_count, 1);	/* the first fragment waits */
	sim_run(&sim, IP_REASM_TIMEOUT_MS);
	CHECK_EQ(recv_one(1, rx, big, sizeof(big), &info), -EAGAIN);
	CHECK_EQ(s1->ip.reasm_count, 0);
	CHECK_EQ(s1->ip.reasm_bytes, 0);
	CHECK_EQ(s1->mib.ip.ReasmTimeout, 1);
	CHECK_EQ(s1->mib.icmp.OutTimeExcds, 1);
	CHECK_EQ(sim.node[0].stack.mib.icmp.InTimeExcds, 1);
	net_sock_close(&sim.node[0].stack, tx);
	net_sock_close(s1, rx);
	sim_free(&sim);
}

/* A quiet stack asks to be woken only for what it has pending: once ARP
 * is settled and nothing is queued, its next deadline is "never", so an
 * idle firmware takes no timer interrupts on the network's behalf. */
TEST(test_stack_idle_stack_has_no_deadline)
{
	sim_init(&sim, 2, NET_10_0_0, 5);
	struct net_sock *rx = udp_bound(1, 5000);
	struct net_sock *tx = udp_bound(0, 0);
	CHECK_EQ(net_sock_sendto(&sim.node[0].stack, tx, "hi", 2, true,
				 ADDR(1), 5000), 2);
	sim_run(&sim, 100);
	CHECK_EQ(net_poll(&sim.node[0].stack, sim.now), NET_NEVER);
	CHECK_EQ(net_poll(&sim.node[1].stack, sim.now), NET_NEVER);
	net_sock_close(&sim.node[0].stack, tx);
	net_sock_close(&sim.node[1].stack, rx);
	sim_free(&sim);
}

/* Closed port: the sender's connected socket learns ECONNREFUSED from
 * the ICMP port unreachable the receiver sends. */
TEST(test_stack_closed_port_refuses_connected_sender)
{
	sim_init(&sim, 2, NET_10_0_0, 6);
	struct net_stack *s0 = &sim.node[0].stack;
	struct net_sock *tx = net_sock_create(s0, NET_SOCK_UDP, NULL);
	CHECK(tx != NULL);
	CHECK_EQ(net_sock_connect(s0, tx, ADDR(1), 9999), 0);
	CHECK_EQ(net_sock_sendto(s0, tx, "?", 1, false, 0, 0), 1);
	sim_run(&sim, 10);
	CHECK_EQ(sim.node[1].stack.mib.udp.NoPorts, 1);
	CHECK_EQ(sim.node[1].stack.mib.icmp.OutDestUnreachs, 1);
	char c;
	struct net_recv_info info;
	CHECK_EQ(net_sock_recv(s0, tx, &c, 1, 0, &info), -ECONNREFUSED);
	net_sock_close(s0, tx);
	sim_free(&sim);
}

/* Nothing leaks: after traffic, lost frames, timeouts and closes, every
 * allocation the stacks made is back, but for the interfaces they own. */
TEST(test_stack_no_allocation_outlives_its_sockets)
{
	long before = port_host_allocs;
	sim_init(&sim, 3, NET_10_0_0, 7);
	long with_netifs = port_host_allocs;
	sim.impair.loss_pct = 20;
	sim.impair.dup_pct = 10;
	sim.impair.jitter_ms = 3;
	struct net_sock *rx = udp_bound(2, 4000);
	struct net_sock *tx = udp_bound(0, 0);
	static uint8_t buf[3000];
	for (int i = 0; i < 50; i++) {
		net_sock_sendto(&sim.node[0].stack, tx, buf, 100 + i * 50,
				true, ADDR(i % 2 ? 2 : 60), 4000);
		sim_run(&sim, 20);
	}
	sim_run(&sim, 60000);
	net_sock_close(&sim.node[0].stack, tx);
	net_sock_close(&sim.node[2].stack, rx);
	CHECK_EQ(port_host_allocs, with_netifs);
	sim_free(&sim);
	CHECK_EQ(port_host_allocs, before);
}

int main(void)
{
	RUN(test_stack_udp_between_two_hosts_resolves_arp_then_delivers);
	RUN(test_stack_silent_neighbour_does_not_delay_traffic_to_others);
	RUN(test_stack_fragmented_datagram_survives_reordering_link);
	RUN(test_stack_lost_fragment_times_out_and_frees_reassembly);
	RUN(test_stack_idle_stack_has_no_deadline);
	RUN(test_stack_closed_port_refuses_connected_sender);
	RUN(test_stack_no_allocation_outlives_its_sockets);
	TEST_EXIT();
}
