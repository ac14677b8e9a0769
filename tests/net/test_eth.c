/*
 * Ethernet framing (net/eth.c) on the host.
 *
 * Build: gcc ... tests/net/test_eth.c net/eth.c net/arp.c net/pkt.c
 *        net/inet.c, and IPv6 with what it shares (the Makefile's
 *        IP6_SRCS), as eth.c hands it frames
 * netif_output, ip_input, udp6_input, tcp6_input, icmp_send_error and
 * the port are faked below and record their calls.
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

/* --- fakes of what eth.c and arp.c call ---------------------------- */

#define MAX_SENT 16

static struct {
	uint8_t data[ETH_FRAME_MAX];
	size_t len;
} sent[MAX_SENT];
static int nsent;

static int nip_input;
static const uint8_t *ip_pkt;
static size_t ip_len;
static struct netif *ip_nif;

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

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
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
	ip_nif = nif;
	ip_pkt = pkt;
	ip_len = len;
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
}

/* --- fixture --------------------------------------------------------- */

#define OUR_IP	0x0a00020fu /* 10.0.2.15 */
#define PEER_IP 0x0a000202u /* 10.0.2.2 */

static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

static struct net_stack stack;
static struct net_stack *s = &stack;
static struct netif nif;
static struct netdev_stats stats;

static void setup(void)
{
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
	nsent = nip_input = 0;
	ip_pkt = NULL;
	ip_len = 0;
	ip_nif = NULL;
}

/* A 60-byte frame: header, then a recognisable payload. */
static void frame(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, peer_mac, 6);
	put_be16(f + 12, type);
	for (int i = ETH_HLEN; i < ETH_ZLEN; i++)
		f[i] = (uint8_t)i;
}

/* --- tests ----------------------------------------------------------- */

TEST(test_eth_drops_runts_and_foreign_unicast_with_counters)
{
	static const uint8_t other[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x57};
	static const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const uint8_t v6group[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
	uint8_t f[ETH_ZLEN];

	setup();
	frame(f, our_mac, ETH_P_IP);
	eth_input(s, &nif, f, ETH_HLEN - 1);
	eth_input(s, &nif, f, 0);
	CHECK_EQ(s->mib.link.EthInBadLength, 2);
	CHECK_EQ(stats.rx_errors, 2);

	/* Not ours: another station, a group we have not joined. */
	frame(f, other, ETH_P_IP);
	eth_input(s, &nif, f, sizeof(f));
	frame(f, group, ETH_P_IP);
	eth_input(s, &nif, f, sizeof(f));
	frame(f, v6group, ETH_P_IPV6);
	eth_input(s, &nif, f, sizeof(f));
	CHECK_EQ(s->mib.link.EthInForeign, 3);

	/* Ours, but no protocol for it: IPv6 (for now), anything else,
	 * an 802.3 length field. */
	frame(f, our_mac, ETH_P_IPV6);
	eth_input(s, &nif, f, sizeof(f));
	frame(f, eth_broadcast, 0x88cc);
	eth_input(s, &nif, f, sizeof(f));
	frame(f, our_mac, 46);
	eth_input(s, &nif, f, sizeof(f));
	CHECK_EQ(s->mib.link.EthInUnknownType, 3);
	CHECK_EQ(stats.rx_dropped, 3);

	CHECK_EQ(nip_input, 0);
	CHECK_EQ(s->mib.link.ArpInRequests + s->mib.link.ArpInReplies +
		     s->mib.link.ArpInErrors,
		 0);
	CHECK_EQ(stats.rx_errors, 2);
	CHECK_EQ(s->mib.link.EthInBadLength, 2);
	CHECK_EQ(nsent, 0);
}

TEST(test_eth_dispatches_ip_and_arp)
{
	uint8_t f[ETH_ZLEN];

	setup();
	frame(f, our_mac, ETH_P_IP);
	eth_input(s, &nif, f, sizeof(f));
	CHECK_EQ(nip_input, 1);
	CHECK(ip_nif == &nif);
	CHECK(ip_pkt == f + ETH_HLEN);
	CHECK_EQ(ip_len, ETH_ZLEN - ETH_HLEN);

	/* Broadcast IP (DHCP offers, subnet broadcasts) is ours too; a
	 * bare header still goes up (IP judges an empty packet). */
	frame(f, eth_broadcast, ETH_P_IP);
	eth_input(s, &nif, f, ETH_HLEN);
	CHECK_EQ(nip_input, 2);
	CHECK_EQ(ip_len, 0);

	/* ARP: a broadcast request for our address is answered. */
	frame(f, eth_broadcast, ETH_P_ARP);
	uint8_t *a = f + ETH_HLEN;
	memset(a, 0, ETH_ZLEN - ETH_HLEN);
	put_be16(a, 1);
	put_be16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put_be16(a + 6, 1);
	memcpy(a + 8, peer_mac, 6);
	put_be32(a + 14, PEER_IP);
	put_be32(a + 24, OUR_IP);
	eth_input(s, &nif, f, sizeof(f));
	CHECK_EQ(s->mib.link.ArpInRequests, 1);
	CHECK_EQ(nip_input, 2);
	CHECK_EQ(nsent, 1);
	CHECK_EQ(get_be16(sent[0].data + 12), ETH_P_ARP);
	CHECK(memcmp(sent[0].data, peer_mac, 6) == 0);

	CHECK_EQ(s->mib.link.EthInForeign + s->mib.link.EthInUnknownType +
		     s->mib.link.EthInBadLength,
		 0);
}

TEST(test_eth_output_pads_to_60)
{
	setup();

	/* One byte of payload in a packet allocated to fit it exactly:
	 * no tailroom, so the padding needs eth_output to make room. */
	struct pkt *p = pkt_alloc(1);
	*pkt_put(p, 1) = 0xab;
	eth_output(s, &nif, p, peer_mac, ETH_P_IP);
	CHECK_EQ(nsent, 1);
	const uint8_t *f = sent[0].data;
	CHECK_EQ(sent[0].len, ETH_ZLEN);
	CHECK(memcmp(f, peer_mac, 6) == 0);
	CHECK(memcmp(f + 6, our_mac, 6) == 0);
	CHECK_EQ(get_be16(f + 12), ETH_P_IP);
	CHECK_EQ(f[ETH_HLEN], 0xab);
	for (int i = ETH_HLEN + 1; i < ETH_ZLEN; i++)
		CHECK_EQ(f[i], 0);

	/* Room behind the data: padded in place, zeros not garbage. */
	p = pkt_alloc(100);
	memset(pkt_put(p, 100), 0xee, 100);
	p->len = 10;
	eth_output(s, &nif, p, eth_broadcast, ETH_P_ARP);
	CHECK_EQ(nsent, 2);
	f = sent[1].data;
	CHECK_EQ(sent[1].len, ETH_ZLEN);
	CHECK(memcmp(f, eth_broadcast, 6) == 0);
	CHECK_EQ(get_be16(f + 12), ETH_P_ARP);
	for (int i = ETH_HLEN; i < ETH_HLEN + 10; i++)
		CHECK_EQ(f[i], 0xee);
	for (int i = ETH_HLEN + 10; i < ETH_ZLEN; i++)
		CHECK_EQ(f[i], 0);

	/* Long enough already: left as it is. */
	p = pkt_alloc(ETH_ZLEN - ETH_HLEN);
	memset(pkt_put(p, ETH_ZLEN - ETH_HLEN), 0x11, ETH_ZLEN - ETH_HLEN);
	eth_output(s, &nif, p, peer_mac, ETH_P_IP);
	p = pkt_alloc(1000);
	memset(pkt_put(p, 1000), 0x22, 1000);
	eth_output(s, &nif, p, peer_mac, ETH_P_IP);
	CHECK_EQ(nsent, 4);
	CHECK_EQ(sent[2].len, ETH_ZLEN);
	CHECK_EQ(sent[2].data[ETH_ZLEN - 1], 0x11);
	CHECK_EQ(sent[3].len, ETH_HLEN + 1000);
	CHECK_EQ(sent[3].data[ETH_HLEN + 999], 0x22);
	CHECK_EQ(stats.tx_dropped, 0);
}

int main(void)
{
	RUN(test_eth_drops_runts_and_foreign_unicast_with_counters);
	RUN(test_eth_dispatches_ip_and_arp);
	RUN(test_eth_output_pads_to_60);
	pkt_queue_purge(&s->arp.pending);
	TEST_EXIT();
}
