/*
 * ARP and the neighbour cache (net/arp.c), on the host with virtual
 * time: s->now is set by hand, so five minutes of TTL pass at once.
 *
 * Build: gcc ... tests/net/test_arp.c net/arp.c net/eth.c net/pkt.c
 *        net/inet.c, and IPv6 with what it shares (the Makefile's
 *        IP6_SRCS), as eth.c hands it frames
 * Everything else arp.c reaches (netif_output, ip_input, udp6_input,
 * tcp6_input, icmp_send_error and the port) is faked below and records
 * its calls.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/arp.h"
#include "net/byteorder.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/port.h"
#include "net/stack.h"
#include "net/udp.h"
#include "tests/unit/test.h"

/* --- fakes of what arp.c and eth.c call ---------------------------- */

#define MAX_SENT 128

static struct {
	uint8_t data[ETH_FRAME_MAX];
	size_t len;
} sent[MAX_SENT];
static int nsent;
static int nip_input;
static int nicmp;
static uint8_t icmp_type, icmp_code;
static int nlogs;
static char last_log[256];

void *net_alloc(size_t size)
{
	return malloc(size);
}

void net_free(void *p)
{
	free(p);
}

uint32_t net_random(void)
{
	return (uint32_t)rand();
}

void net_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
	nlogs++;
	printf("# %s\n", last_log);
}

void netif_output(struct net_stack *s, struct netif *nif, struct pkt *p)
{
	if (nsent < MAX_SENT && p->len <= ETH_FRAME_MAX) {
		memcpy(sent[nsent].data, pkt_data(p), p->len);
		sent[nsent].len = p->len;
		nsent++;
	}
	pkt_free(p);
}

void ip_input(struct net_stack *s, struct netif *nif, const uint8_t *pkt,
	      size_t len)
{
	nip_input++;
}

/* IPv6 hands UDP datagrams and TCP segments up; nothing here sends
 * any. */
void udp6_input(struct net_stack *s, const struct ip6_rx *rx,
		const uint8_t *udp, size_t len)
{
}

void tcp6_input(struct net_stack *s, struct netif *nif,
		const struct ip6_addr *src, const struct ip6_addr *dst,
		const uint8_t *tcp, size_t len)
{
}

void icmp_send_error(struct net_stack *s, const uint8_t *ip, size_t len,
		     uint8_t type, uint8_t code)
{
	nicmp++;
	icmp_type = type;
	icmp_code = code;
}

/* --- fixture --------------------------------------------------------- */

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define OUR_IP	       IP(10, 0, 2, 15)
#define PEER_IP	       IP(10, 0, 2, 2)
#define A_IP	       IP(10, 0, 2, 50) /* never answers */
#define B_IP	       IP(10, 0, 2, 51)
#define C_IP	       IP(10, 0, 2, 52)

static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static const uint8_t b_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x33};
static const uint8_t zero[6];

static struct net_stack stack;
static struct net_stack *s = &stack;
static struct netif nif;
static struct netdev_stats stats;

static void setup(void)
{
	/* A failed CHECK leaves the last test's packets behind. */
	pkt_queue_purge(&s->arp.pending);
	memset(s, 0, sizeof(*s));
	memset(&nif, 0, sizeof(nif));
	memset(&stats, 0, sizeof(stats));
	strcpy(nif.name, "eth0");
	memcpy(nif.mac, our_mac, 6);
	nif.addr = OUR_IP;
	nif.prefix_len = 24;
	nif.mtu = 1500;
	nif.stats = &stats;
	nif.flags = NETIF_UP | NETIF_BROADCAST;
	s->netifs[0] = &nif;
	s->nnetifs = 1;
	arp_init(&s->arp);
	pkt_queue_init(&nif.backlog, 8);
	nsent = nip_input = nicmp = nlogs = 0;
	last_log[0] = 0;
}

/* A received ARP body (no Ethernet header). */
static void rx_arp(uint16_t op, const uint8_t *sha, uint32_t spa,
		   const uint8_t *tha, uint32_t tpa)
{
	uint8_t b[28];

	put_be16(b, 1);
	put_be16(b + 2, 0x0800);
	b[4] = 6;
	b[5] = 4;
	put_be16(b + 6, op);
	memcpy(b + 8, sha, 6);
	put_be32(b + 14, spa);
	memcpy(b + 18, tha, 6);
	put_be32(b + 24, tpa);
	arp_input(s, &nif, b, sizeof(b));
}

static void rx_request(const uint8_t *sha, uint32_t spa, uint32_t tpa)
{
	rx_arp(1, sha, spa, zero, tpa);
}

static void rx_reply(const uint8_t *sha, uint32_t spa)
{
	rx_arp(2, sha, spa, our_mac, OUR_IP);
}

/* An IPv4 packet as ip_output would hand it over; tag in the payload. */
static void tx_ip(uint32_t nexthop, uint32_t tag)
{
	struct pkt *p = pkt_alloc(24);
	uint8_t *d = pkt_put(p, 24);

	memset(d, 0, 24);
	d[0] = 0x45;
	put_be16(d + 2, 24);
	put_be32(d + 12, OUR_IP);
	put_be32(d + 16, nexthop);
	put_be32(d + 20, tag);
	arp_output(s, &nif, p, nexthop);
}

static uint16_t sent_type(int i)
{
	return get_be16(sent[i].data + 12);
}

static uint32_t sent_tag(int i)
{
	return get_be32(sent[i].data + 14 + 20);
}

static uint16_t arp_op(int i)
{
	return get_be16(sent[i].data + 14 + 6);
}

static uint32_t arp_tpa(int i)
{
	return get_be32(sent[i].data + 14 + 24);
}

/* How many ARP requests for ip are among the sent frames. */
static int requests_for(uint32_t ip)
{
	int n = 0;

	for (int i = 0; i < nsent; i++)
		if (sent_type(i) == ETH_P_ARP && arp_op(i) == 1 &&
		    arp_tpa(i) == ip)
			n++;
	return n;
}

/* Tags of the IPv4 frames sent since frame `from`, in order. */
static int sent_tags(int from, uint32_t *tags)
{
	int n = 0;

	for (int i = from; i < nsent; i++)
		if (sent_type(i) == ETH_P_IP)
			tags[n++] = sent_tag(i);
	return n;
}

static int pending_tags(uint32_t *tags)
{
	int n = 0;

	for (struct pkt *p = s->arp.pending.head; p; p = p->next)
		tags[n++] = get_be32(pkt_data(p) + 20);
	return n;
}

static struct arp_entry found;
static int nentries;

static void collect(const struct arp_entry *e, void *arg)
{
	nentries++;
	if (e->ip == *(uint32_t *)arg)
		found = *e;
}

/* The state of ip's entry as arp_for_each shows it (FREE: absent). */
static enum arp_state entry_state(uint32_t ip)
{
	memset(&found, 0, sizeof(found));
	nentries = 0;
	arp_for_each(s, collect, &ip);
	return found.state;
}

/* --- tests ----------------------------------------------------------- */

TEST(test_arp_replies_only_for_own_address)
{
	setup();
	rx_request(peer_mac, PEER_IP, OUR_IP);
	CHECK_EQ(nsent, 1);
	const uint8_t *f = sent[0].data;
	CHECK_EQ(sent[0].len, 60);
	CHECK(memcmp(f, peer_mac, 6) == 0); /* unicast to the asker */
	CHECK(memcmp(f + 6, our_mac, 6) == 0);
	CHECK_EQ(get_be16(f + 12), ETH_P_ARP);
	const uint8_t *a = f + 14;
	CHECK_EQ(get_be16(a), 1);
	CHECK_EQ(get_be16(a + 2), 0x0800);
	CHECK_EQ(a[4], 6);
	CHECK_EQ(a[5], 4);
	CHECK_EQ(get_be16(a + 6), 2);
	CHECK(memcmp(a + 8, our_mac, 6) == 0);
	CHECK_EQ(get_be32(a + 14), OUR_IP);
	CHECK(memcmp(a + 18, peer_mac, 6) == 0);
	CHECK_EQ(get_be32(a + 24), PEER_IP);
	CHECK_EQ(s->mib.link.ArpOutReplies, 1);
	CHECK_EQ(s->mib.link.ArpInRequests, 1);

	/* Somebody else's address, or the subnet broadcast: silence. */
	rx_request(peer_mac, PEER_IP, IP(10, 0, 2, 99));
	rx_request(peer_mac, PEER_IP, IP(10, 0, 2, 255));
	CHECK_EQ(nsent, 1);

	/* Without an address, a request for 0.0.0.0 is not for us. */
	nif.addr = 0;
	rx_request(b_mac, B_IP, 0);
	CHECK_EQ(nsent, 1);
	CHECK_EQ(s->mib.link.ArpOutReplies, 1);
}

TEST(test_arp_ignores_broadcast_multicast_and_zero_senders)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

	setup();
	rx_request(bcast, PEER_IP, OUR_IP);
	rx_request(mcast, PEER_IP, OUR_IP);
	rx_request(zero, PEER_IP, OUR_IP);
	rx_request(our_mac, PEER_IP, OUR_IP);
	rx_request(peer_mac, IP(255, 255, 255, 255), OUR_IP);
	rx_request(peer_mac, IP(10, 0, 2, 255), OUR_IP);
	rx_request(peer_mac, IP(224, 0, 0, 1), OUR_IP);
	rx_reply(peer_mac, 0);
	rx_request(peer_mac, 0, IP(10, 0, 2, 99)); /* a probe, not ours */
	CHECK_EQ(s->mib.link.ArpInErrors, 9);
	CHECK_EQ(nsent, 0);
	entry_state(0);
	CHECK_EQ(nentries, 0);
	CHECK_EQ(nlogs, 0);
}

TEST(test_arp_probe_for_our_address_is_logged_and_defended)
{
	setup();
	/* RFC 5227 2.1.1: sender IP 0, target our address. */
	rx_request(peer_mac, 0, OUR_IP);
	CHECK_EQ(nlogs, 1);
	CHECK(strstr(last_log, "probes for our address 10.0.2.15"));
	/* The reply says "10.0.2.15 is at our MAC": the prober backs off. */
	CHECK_EQ(nsent, 1);
	CHECK(memcmp(sent[0].data, peer_mac, 6) == 0);
	CHECK_EQ(arp_op(0), 2);
	CHECK_EQ(get_be32(sent[0].data + 14 + 14), OUR_IP);
	CHECK_EQ(arp_tpa(0), 0);
	entry_state(0);
	CHECK_EQ(nentries, 0);
}

TEST(test_arp_conflict_on_our_address_is_logged_and_not_learnt)
{
	setup();
	/* RFC 5227 2.4: somebody announces our address. */
	rx_request(peer_mac, OUR_IP, OUR_IP);
	CHECK_EQ(nlogs, 1);
	CHECK(strstr(last_log, "conflict"));
	CHECK_EQ(nsent, 0);
	CHECK_EQ(entry_state(OUR_IP), ARP_FREE);
	CHECK_EQ(s->mib.link.ArpInErrors, 1);
}

TEST(test_arp_learns_sender_from_request_for_us)
{
	setup();
	s->now = 5000;
	rx_request(peer_mac, PEER_IP, OUR_IP);
	CHECK_EQ(entry_state(PEER_IP), ARP_REACHABLE);
	CHECK(memcmp(found.mac, peer_mac, 6) == 0);
	CHECK_EQ(found.updated, 5000);
	CHECK(found.nif == &nif);

	/* Known now: a packet to it goes at once, without a request. */
	nsent = 0;
	tx_ip(PEER_IP, 7);
	CHECK_EQ(nsent, 1);
	CHECK_EQ(sent_type(0), ETH_P_IP);
	CHECK(memcmp(sent[0].data, peer_mac, 6) == 0);
	CHECK_EQ(sent_tag(0), 7);
	CHECK_EQ(s->mib.link.ArpOutRequests, 0);

	/* RFC 826: a request for someone else creates nothing ... */
	rx_request(b_mac, B_IP, IP(10, 0, 2, 99));
	CHECK_EQ(entry_state(B_IP), ARP_FREE);
	/* ... but refreshes (merges into) an entry we have. */
	rx_request(b_mac, PEER_IP, IP(10, 0, 2, 99));
	CHECK_EQ(entry_state(PEER_IP), ARP_REACHABLE);
	CHECK(memcmp(found.mac, b_mac, 6) == 0);
}

TEST(test_arp_cache_entry_expires_after_300s)
{
	setup();
	s->now = 1000;
	rx_request(peer_mac, PEER_IP, OUR_IP);
	nsent = 0;
	/* A resolved entry wants no timer. */
	CHECK_EQ(arp_poll(s), NET_NEVER);

	s->now = 1000 + ARP_TTL_MS - 1;
	CHECK_EQ(entry_state(PEER_IP), ARP_REACHABLE);
	tx_ip(PEER_IP, 1);
	CHECK_EQ(nsent, 1);
	CHECK_EQ(sent_type(0), ETH_P_IP);

	s->now = 1000 + ARP_TTL_MS;
	CHECK_EQ(entry_state(PEER_IP), ARP_FREE);
	arp_poll(s);
	CHECK_EQ(entry_state(PEER_IP), ARP_FREE);
	CHECK_EQ(nentries, 0);

	/* Expired: the next packet waits and asks again. */
	tx_ip(PEER_IP, 2);
	CHECK_EQ(nsent, 2);
	CHECK_EQ(sent_type(1), ETH_P_ARP);
	CHECK_EQ(requests_for(PEER_IP), 1);
	CHECK_EQ(s->arp.pending.len, 1);
	CHECK_EQ(entry_state(PEER_IP), ARP_INCOMPLETE);
}

TEST(test_arp_request_at_most_once_per_second_per_address)
{
	setup();
	s->now = 10000;
	tx_ip(A_IP, 1);
	CHECK_EQ(requests_for(A_IP), 1);
	CHECK_EQ(sent[0].len, 60);
	CHECK(memcmp(sent[0].data, eth_broadcast, 6) == 0);
	CHECK(memcmp(sent[0].data + 14 + 18, zero, 6) == 0);
	CHECK_EQ(arp_poll(s), 11000);

	s->now = 10500;
	tx_ip(A_IP, 2);
	CHECK_EQ(arp_poll(s), 11000);
	/* Another address is not held back by A's limit. */
	tx_ip(B_IP, 3);
	CHECK_EQ(requests_for(B_IP), 1);
	CHECK_EQ(arp_poll(s), 11000);

	s->now = 10999;
	tx_ip(A_IP, 4);
	CHECK_EQ(arp_poll(s), 11000);
	CHECK_EQ(requests_for(A_IP), 1);

	s->now = 11000;
	CHECK_EQ(arp_poll(s), 11500);
	CHECK_EQ(requests_for(A_IP), 2);
	tx_ip(A_IP, 5);
	CHECK_EQ(arp_poll(s), 11500);
	CHECK_EQ(requests_for(A_IP), 2);
	CHECK_EQ(requests_for(B_IP), 1);
	CHECK_EQ(s->mib.link.ArpOutRequests, 3);
	CHECK_EQ(s->arp.pending.len, 5);
}

TEST(test_arp_gives_up_after_3_tries_and_drops_queued_with_counter)
{
	setup();
	s->now = 0;
	tx_ip(A_IP, 1);
	tx_ip(A_IP, 2);
	CHECK_EQ(requests_for(A_IP), 1);
	s->now = 1000;
	CHECK_EQ(arp_poll(s), 2000);
	s->now = 2000;
	CHECK_EQ(arp_poll(s), 3000);
	CHECK_EQ(requests_for(A_IP), ARP_MAX_TRIES);
	s->now = 2999;
	CHECK_EQ(arp_poll(s), 3000);
	CHECK_EQ(s->arp.pending.len, 2);
	CHECK_EQ(s->mib.link.ArpQueueDrops, 0);

	s->now = 3000;
	CHECK_EQ(arp_poll(s), NET_NEVER);
	CHECK_EQ(requests_for(A_IP), ARP_MAX_TRIES);
	CHECK_EQ(s->arp.pending.len, 0);
	CHECK_EQ(s->mib.link.ArpQueueDrops, 2);
	CHECK_EQ(entry_state(A_IP), ARP_FAILED);
	/* Each dropped packet's sender hears "host unreachable". */
	CHECK_EQ(nicmp, 2);
	CHECK_EQ(icmp_type, ICMP_DEST_UNREACH);
	CHECK_EQ(icmp_code, 1);

	s->now = 60000;
	CHECK_EQ(arp_poll(s), NET_NEVER);
	CHECK_EQ(requests_for(A_IP), ARP_MAX_TRIES);

	/* New traffic tries again, at once. */
	tx_ip(A_IP, 3);
	CHECK_EQ(requests_for(A_IP), ARP_MAX_TRIES + 1);
	CHECK_EQ(entry_state(A_IP), ARP_INCOMPLETE);
	CHECK_EQ(arp_poll(s), 61000);
}

TEST(test_arp_pending_queue_drained_whole_on_any_reply_keeping_order)
{
	uint32_t tags[ARP_PENDING_MAX];

	setup();
	tx_ip(A_IP, 1);
	tx_ip(B_IP, 2);
	tx_ip(A_IP, 3);
	tx_ip(C_IP, 4);
	tx_ip(B_IP, 5);
	tx_ip(A_IP, 6);
	CHECK_EQ(s->arp.pending.len, 6);

	int from = nsent;
	rx_reply(peer_mac, A_IP);
	CHECK_EQ(sent_tags(from, tags), 3);
	CHECK_EQ(tags[0], 1);
	CHECK_EQ(tags[1], 3);
	CHECK_EQ(tags[2], 6);
	CHECK(memcmp(sent[from].data, peer_mac, 6) == 0);
	CHECK_EQ(pending_tags(tags), 3);
	CHECK_EQ(tags[0], 2);
	CHECK_EQ(tags[1], 4);
	CHECK_EQ(tags[2], 5);

	/* A request that teaches a mapping drains too: B announces
	 * itself (gratuitous ARP, not for us) and its entry is merged. */
	from = nsent;
	rx_request(b_mac, B_IP, B_IP);
	CHECK_EQ(sent_tags(from, tags), 2);
	CHECK_EQ(tags[0], 2);
	CHECK_EQ(tags[1], 5);
	CHECK(memcmp(sent[from].data, b_mac, 6) == 0);
	CHECK_EQ(pending_tags(tags), 1);
	CHECK_EQ(tags[0], 4);
	CHECK_EQ(s->mib.link.ArpQueueDrops, 0);
}

TEST(test_arp_unreachable_head_does_not_block_packets_behind_it)
{
	uint32_t tags[ARP_PENDING_MAX];

	setup();
	/* A never answers and its packets are at the head of the queue. */
	for (uint32_t i = 1; i <= 3; i++)
		tx_ip(A_IP, i);
	for (uint32_t i = 11; i <= 13; i++)
		tx_ip(B_IP, i);

	s->now = 20;
	int from = nsent;
	rx_reply(b_mac, B_IP);
	CHECK_EQ(sent_tags(from, tags), 3);
	CHECK_EQ(tags[0], 11);
	CHECK_EQ(tags[1], 12);
	CHECK_EQ(tags[2], 13);
	for (int i = from; i < nsent; i++)
		CHECK(memcmp(sent[i].data, b_mac, 6) == 0);
	CHECK_EQ(pending_tags(tags), 3);
	CHECK_EQ(tags[0], 1);
	CHECK_EQ(tags[1], 2);
	CHECK_EQ(tags[2], 3);

	/* B keeps flowing while A is still being asked for. */
	from = nsent;
	tx_ip(B_IP, 14);
	CHECK_EQ(nsent, from + 1);
	CHECK_EQ(sent_tag(from), 14);
	CHECK_EQ(entry_state(A_IP), ARP_INCOMPLETE);
	CHECK_EQ(s->arp.pending.len, 3);
}

TEST(test_arp_pending_overflow_drops_with_counter)
{
	uint32_t tags[ARP_PENDING_MAX];
	const int naddr = ARP_PENDING_MAX / ARP_PENDING_PER_ADDR + 1;
	int n = 0;

	setup();
	/* Fill the shared queue across more next hops than it holds at
	 * their per-address limit, then three more. */
	for (int a = 0; a < naddr && n < ARP_PENDING_MAX + 3; a++)
		for (int i = 0; i < ARP_PENDING_PER_ADDR && n < ARP_PENDING_MAX + 3; i++)
			tx_ip(A_IP + (uint32_t)a, (uint32_t)++n);
	CHECK_EQ(n, ARP_PENDING_MAX + 3);
	CHECK_EQ(s->arp.pending.len, ARP_PENDING_MAX);
	CHECK_EQ(s->mib.link.ArpQueueDrops, 3);

	/* The three oldest went; the rest are queued in order. */
	CHECK_EQ(pending_tags(tags), ARP_PENDING_MAX);
	for (int i = 0; i < ARP_PENDING_MAX; i++)
		CHECK_EQ(tags[i], i + 4);
}

/* A neighbour that never answers may hold only its share of the queue:
 * a flood towards it cannot push out packets waiting for others. */
TEST(test_arp_silent_neighbour_holds_at_most_its_share_of_the_queue)
{
	uint32_t tags[ARP_PENDING_MAX];

	setup();
	for (uint32_t i = 1; i <= 5; i++)
		tx_ip(B_IP, 1000 + i);
	for (uint32_t i = 1; i <= 100; i++)
		tx_ip(A_IP, i);
	/* A keeps its newest ARP_PENDING_PER_ADDR; B's five all wait. */
	CHECK_EQ(s->arp.pending.len, 5 + ARP_PENDING_PER_ADDR);
	CHECK_EQ(s->mib.link.ArpQueueDrops, 100 - ARP_PENDING_PER_ADDR);
	int from = nsent;
	rx_reply(peer_mac, B_IP);
	CHECK_EQ(sent_tags(from, tags), 5);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(tags[i], 1001 + i);
	CHECK_EQ(pending_tags(tags), ARP_PENDING_PER_ADDR);
	for (int i = 0; i < ARP_PENDING_PER_ADDR; i++)
		CHECK_EQ(tags[i], 100 - ARP_PENDING_PER_ADDR + 1 + i);
}

TEST(test_arp_gratuitous_announce_format)
{
	setup();
	arp_announce(s, &nif);
	CHECK_EQ(nsent, 1);
	const uint8_t *f = sent[0].data;
	CHECK_EQ(sent[0].len, ETH_ZLEN);
	CHECK(memcmp(f, eth_broadcast, 6) == 0);
	CHECK(memcmp(f + 6, our_mac, 6) == 0);
	CHECK_EQ(get_be16(f + 12), ETH_P_ARP);
	const uint8_t *a = f + 14;
	CHECK_EQ(get_be16(a), 1);
	CHECK_EQ(get_be16(a + 2), 0x0800);
	CHECK_EQ(a[4], 6);
	CHECK_EQ(a[5], 4);
	CHECK_EQ(get_be16(a + 6), 1); /* a request (RFC 5227 3) */
	CHECK(memcmp(a + 8, our_mac, 6) == 0);
	CHECK_EQ(get_be32(a + 14), OUR_IP);
	CHECK(memcmp(a + 18, zero, 6) == 0);
	CHECK_EQ(get_be32(a + 24), OUR_IP);
	for (int i = 14 + 28; i < ETH_ZLEN; i++)
		CHECK_EQ(f[i], 0);
	CHECK_EQ(s->mib.link.ArpOutRequests, 1);

	/* Nothing to announce without an address. */
	nif.addr = 0;
	arp_announce(s, &nif);
	CHECK_EQ(nsent, 1);
}

TEST(test_arp_malformed_packets_counted)
{
	uint8_t good[46], b[46];

	setup();
	memset(good, 0, sizeof(good));
	put_be16(good, 1);
	put_be16(good + 2, 0x0800);
	good[4] = 6;
	good[5] = 4;
	put_be16(good + 6, 1);
	memcpy(good + 8, peer_mac, 6);
	put_be32(good + 14, PEER_IP);
	put_be32(good + 24, OUR_IP);

	arp_input(s, &nif, good, 27); /* short */
	memcpy(b, good, sizeof(b));
	put_be16(b, 6); /* htype IEEE 802 */
	arp_input(s, &nif, b, sizeof(b));
	memcpy(b, good, sizeof(b));
	put_be16(b + 2, 0x86dd); /* ptype IPv6 */
	arp_input(s, &nif, b, sizeof(b));
	memcpy(b, good, sizeof(b));
	b[4] = 8; /* hlen */
	arp_input(s, &nif, b, sizeof(b));
	memcpy(b, good, sizeof(b));
	b[5] = 16; /* plen */
	arp_input(s, &nif, b, sizeof(b));
	memcpy(b, good, sizeof(b));
	put_be16(b + 6, 3); /* RARP request */
	arp_input(s, &nif, b, sizeof(b));
	CHECK_EQ(s->mib.link.ArpInErrors, 6);
	CHECK_EQ(s->mib.link.ArpInRequests, 0);
	CHECK_EQ(nsent, 0);
	CHECK_EQ(entry_state(PEER_IP), ARP_FREE);

	/* Exactly 28 bytes, and 46 with Ethernet padding, are fine. */
	arp_input(s, &nif, good, 28);
	arp_input(s, &nif, good, sizeof(good));
	CHECK_EQ(s->mib.link.ArpInErrors, 6);
	CHECK_EQ(s->mib.link.ArpInRequests, 2);
	CHECK_EQ(nsent, 2);
	CHECK_EQ(entry_state(PEER_IP), ARP_REACHABLE);
}

TEST(test_arp_broadcast_nexthop_needs_no_resolution)
{
	setup();
	tx_ip(IP(255, 255, 255, 255), 1);
	tx_ip(IP(10, 0, 2, 255), 2);
	/* DHCP before there is an address. */
	nif.addr = 0;
	nif.prefix_len = 0;
	tx_ip(IP(255, 255, 255, 255), 3);
	CHECK_EQ(nsent, 3);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(sent_type(i), ETH_P_IP);
		CHECK(memcmp(sent[i].data, eth_broadcast, 6) == 0);
		CHECK_EQ(sent_tag(i), i + 1);
	}
	CHECK_EQ(s->arp.pending.len, 0);
	CHECK_EQ(s->mib.link.ArpOutRequests, 0);
	CHECK_EQ(arp_poll(s), NET_NEVER);
}

TEST(test_arp_multicast_nexthop_maps_to_group_mac)
{
	static const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x7f, 0x00, 0x01};

	setup();
	tx_ip(IP(239, 255, 0, 1), 1); /* high bit of octet 2 lost */
	CHECK_EQ(nsent, 1);
	CHECK(memcmp(sent[0].data, group, 6) == 0);
	CHECK_EQ(s->mib.link.ArpOutRequests, 0);
}

TEST(test_arp_flush_forgets_entries_and_queued_packets_of_nif)
{
	struct netif other = nif;
	uint32_t tags[4];

	setup();
	other = nif;
	strcpy(other.name, "eth1");
	rx_request(peer_mac, PEER_IP, OUR_IP);
	tx_ip(A_IP, 1);
	struct pkt *p = pkt_alloc(24);
	memset(pkt_put(p, 24), 0, 24);
	put_be32(pkt_data(p) + 20, 2);
	arp_output(s, &other, p, A_IP);
	tx_ip(B_IP, 3);
	CHECK_EQ(s->arp.pending.len, 3);

	arp_flush(s, &nif);
	CHECK_EQ(entry_state(PEER_IP), ARP_FREE);
	CHECK_EQ(entry_state(B_IP), ARP_FREE);
	CHECK_EQ(entry_state(A_IP), ARP_INCOMPLETE); /* eth1's */
	CHECK(found.nif == &other);
	CHECK_EQ(pending_tags(tags), 1);
	CHECK_EQ(tags[0], 2);
	CHECK_EQ(s->mib.link.ArpQueueDrops, 2);
	arp_flush(s, &other);
	CHECK_EQ(s->arp.pending.len, 0);
	entry_state(0);
	CHECK_EQ(nentries, 0);
}

TEST(test_arp_full_table_gives_up_failed_then_incomplete_then_reachable)
{
	uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0};

	setup();
	/* Half the table learnt (oldest first), half waiting. */
	for (int i = 0; i < ARP_TABLE_SIZE / 2; i++) {
		s->now = 100 + i;
		mac[5] = (uint8_t)i;
		rx_request(mac, IP(10, 0, 3, i), OUR_IP);
	}
	for (int i = 0; i < ARP_TABLE_SIZE / 2; i++) {
		s->now = 200 + i;
		tx_ip(IP(10, 0, 4, i), 100 + i);
	}
	entry_state(0);
	CHECK_EQ(nentries, ARP_TABLE_SIZE);

	/* Full: the oldest unanswered entry makes room, and its waiting
	 * packet goes with it (counted); every answered one stays. */
	uint64_t drops = s->mib.link.ArpQueueDrops;
	tx_ip(IP(10, 0, 5, 1), 1);
	CHECK_EQ(entry_state(IP(10, 0, 4, 0)), ARP_FREE);
	CHECK_EQ(entry_state(IP(10, 0, 4, 1)), ARP_INCOMPLETE);
	CHECK_EQ(entry_state(IP(10, 0, 5, 1)), ARP_INCOMPLETE);
	CHECK_EQ(entry_state(IP(10, 0, 3, 0)), ARP_REACHABLE);
	CHECK_EQ(s->mib.link.ArpQueueDrops, drops + 1);
	CHECK_EQ(s->arp.pending.len, ARP_TABLE_SIZE / 2);

	/* Give up on everything waiting (3 tries); a FAILED entry is
	 * taken before any other. */
	for (int t = 1; t <= ARP_MAX_TRIES; t++) {
		s->now = 231 + (uint64_t)t * ARP_RETRY_MS;
		arp_poll(s);
	}
	CHECK_EQ(entry_state(IP(10, 0, 4, 1)), ARP_FAILED);
	s->now += 1;
	rx_request(peer_mac, PEER_IP, OUR_IP);
	CHECK_EQ(entry_state(PEER_IP), ARP_REACHABLE);
	for (int i = 0; i < ARP_TABLE_SIZE / 2; i++)
		CHECK_EQ(entry_state(IP(10, 0, 3, i)), ARP_REACHABLE);
	entry_state(0);
	CHECK_EQ(nentries, ARP_TABLE_SIZE);

	/* Only when nothing else is left does a resolved entry go: the
	 * oldest. */
	setup();
	for (int i = 0; i < ARP_TABLE_SIZE; i++) {
		s->now = 100 + i;
		mac[5] = (uint8_t)i;
		rx_request(mac, IP(10, 0, 3, i), OUR_IP);
	}
	tx_ip(IP(10, 0, 5, 1), 1);
	CHECK_EQ(entry_state(IP(10, 0, 3, 0)), ARP_FREE);
	CHECK_EQ(entry_state(IP(10, 0, 3, 1)), ARP_REACHABLE);
	CHECK_EQ(entry_state(IP(10, 0, 5, 1)), ARP_INCOMPLETE);
}

TEST(test_arp_flood_of_unanswered_addresses_keeps_the_live_neighbour)
{
	setup();
	rx_request(peer_mac, PEER_IP, OUR_IP);
	/* A spoofed-source SYN flood: a reply to each of four times the
	 * table's worth of addresses that never answer. */
	for (int i = 0; i < 4 * ARP_TABLE_SIZE; i++) {
		s->now += 2;
		tx_ip(IP(10, 0, 4 + i / 250, i % 250), (uint8_t)i);
	}
	CHECK_EQ(entry_state(PEER_IP), ARP_REACHABLE);
	/* Traffic to the live neighbour still leaves at once. */
	nsent = 0;
	tx_ip(PEER_IP, 7);
	CHECK_EQ(nsent, 1);
	CHECK(memcmp(sent[0].data, peer_mac, 6) == 0);
}

TEST(test_arp_pending_packet_dropped_when_poll_comes_late)
{
	setup();
	s->now = 0;
	tx_ip(A_IP, 1);
	/* The poll thread was away for 10 s: the packet is too old to
	 * be worth sending whatever A does now. */
	s->now = 10000;
	arp_poll(s);
	CHECK_EQ(s->arp.pending.len, 0);
	CHECK_EQ(s->mib.link.ArpQueueDrops, 1);
}

int main(void)
{
	RUN(test_arp_replies_only_for_own_address);
	RUN(test_arp_ignores_broadcast_multicast_and_zero_senders);
	RUN(test_arp_probe_for_our_address_is_logged_and_defended);
	RUN(test_arp_conflict_on_our_address_is_logged_and_not_learnt);
	RUN(test_arp_learns_sender_from_request_for_us);
	RUN(test_arp_cache_entry_expires_after_300s);
	RUN(test_arp_request_at_most_once_per_second_per_address);
	RUN(test_arp_gives_up_after_3_tries_and_drops_queued_with_counter);
	RUN(test_arp_pending_queue_drained_whole_on_any_reply_keeping_order);
	RUN(test_arp_unreachable_head_does_not_block_packets_behind_it);
	RUN(test_arp_pending_overflow_drops_with_counter);
	RUN(test_arp_silent_neighbour_holds_at_most_its_share_of_the_queue);
	RUN(test_arp_gratuitous_announce_format);
	RUN(test_arp_malformed_packets_counted);
	RUN(test_arp_broadcast_nexthop_needs_no_resolution);
	RUN(test_arp_multicast_nexthop_maps_to_group_mac);
	RUN(test_arp_flush_forgets_entries_and_queued_packets_of_nif);
	RUN(test_arp_full_table_gives_up_failed_then_incomplete_then_reachable);
	RUN(test_arp_flood_of_unanswered_addresses_keeps_the_live_neighbour);
	RUN(test_arp_pending_packet_dropped_when_poll_comes_late);
	pkt_queue_purge(&s->arp.pending);
	TEST_EXIT();
}
