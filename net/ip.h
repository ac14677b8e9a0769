/*
 * IPv4 (RFC 791, RFC 1122): input validation, local delivery, output
 * with routing and fragmentation, and reassembly with bounded memory and
 * a timeout. Kite is a host: it does not forward.
 *
 * Also the Internet checksum (RFC 1071) and ICMP (RFC 792): echo,
 * destination unreachable, time exceeded, with errors rate-limited as
 * Linux does (icmp_ratelimit).
 */
#ifndef KITE_NET_IP_H
#define KITE_NET_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt.h"
#include "net/reasm.h"

#define IP_HLEN			20	/* without options */
#define IP_DEFAULT_TTL		64
#define IPPROTO_ICMP_		1	/* trailing _: no clash with newlib */
#define IPPROTO_TCP_		6
#define IPPROTO_UDP_		17

#define IP_REASM_MAX_DATAGRAMS	8	/* being reassembled at once */
#define IP_REASM_MAX_BYTES	(64 * 1024)	/* all fragments held */
#define IP_REASM_TIMEOUT_MS	30000	/* Linux ipfrag_time */

#define INADDR_LOOPBACK_	0x7f000001u	/* 127.0.0.1, host order */
#define INADDR_BROADCAST_	0xffffffffu

#define ICMP_HLEN		8	/* type, code, checksum, 4 more */
#define ICMP_ECHOREPLY		0
#define ICMP_DEST_UNREACH	3
#define ICMP_ECHO		8
#define ICMP_TIME_EXCEEDED	11
#define ICMP_HOST_UNREACH	1	/* code of DEST_UNREACH */
#define ICMP_PROT_UNREACH	2	/* code of DEST_UNREACH */
#define ICMP_PORT_UNREACH	3	/* code of DEST_UNREACH */
#define ICMP_FRAG_NEEDED	4
#define ICMP_EXC_FRAGTIME	1	/* code of TIME_EXCEEDED */
#define IP_DF			0x4000	/* don't fragment */
#define IP_MF			0x2000	/* more fragments */
#define IP_OFFMASK		0x1fff	/* fragment offset, 8-byte units */
#define ICMP_ERR_RATE_MS	1000	/* one token per this, Linux default */
#define ICMP_ERR_BURST		50

struct net_stack;
struct netif;

/* Identification counters (RFC 7739 5.1, as Linux's ip_idents): a
 * keyed hash of (destination, source, protocol) picks one. */
#define IP_IDENTS		256

struct ip_state {
	uint8_t id_key[16];		/* SipHash key, random at init */
	uint16_t ident[IP_IDENTS];	/* last Identification of each */
	uint32_t id_stamp[IP_IDENTS];	/* ms, low bits: last used */
	union {				/* datagrams being reassembled */
		struct reasm_queue reasmq;
		struct { REASM_QUEUE_FIELDS; };	/* its fields, by name */
	};
};

void ip_init(struct net_stack *s);

/* An IPv4 packet (after the Ethernet header, or from lo). Validates
 * version, IHL, total length, checksum; reassembles fragments; delivers
 * to ICMP, UDP or TCP what is addressed to a local address or a
 * broadcast; drops the rest, each with its counter. */
void ip_input(struct net_stack *s, struct netif *nif, const uint8_t *pkt,
	      size_t len);

/* Send p (transport header and payload) to dst. src 0 picks the route's
 * source address. Fragments above the interface MTU. Consumes p.
 * 0, -ENETUNREACH (no route; counts OutNoRoutes), -ENOBUFS, or
 * -EMSGSIZE (larger than 65515 bytes). */
int ip_output(struct net_stack *s, struct pkt *p, uint32_t src, uint32_t dst,
	      uint8_t proto, uint8_t ttl);

/* ip_output() through nif to nexthop, bypassing the routing table (DHCP
 * before any address or route). src used as given. Consumes p.
 * 0, -ENOBUFS or -EMSGSIZE. */
int ip_output_if(struct net_stack *s, struct netif *nif, struct pkt *p,
		 uint32_t src, uint32_t dst, uint32_t nexthop, uint8_t proto,
		 uint8_t ttl);

/* Between ip.c and ip_frag.c only: reassemble (returns the whole
 * datagram, valid until the next call, or NULL while incomplete) and
 * fragment (returns the number of fragments put in frags). */
uint8_t *ip_reasm(struct net_stack *s, const uint8_t *pkt, size_t len,
		  size_t *out_len);
int ip_fragment(struct net_stack *s, struct pkt *p, unsigned mtu,
		struct pkt **frags);

/* The source address Kite would use to reach dst, or 0 (no route). */
uint32_t ip_route_source(struct net_stack *s, uint32_t dst);

/* True for a destination Kite accepts as its own: an interface address,
 * 127/8, a subnet broadcast, 255.255.255.255. */
bool ip_is_local(struct net_stack *s, uint32_t dst);

/* Reassembly timeouts. Next deadline (ms) or NET_NEVER. */
uint64_t ip_poll(struct net_stack *s);

/* --- checksums ------------------------------------------------------ */

/* Add data to a 32-bit one's-complement accumulator. */
uint32_t inet_sum(const void *data, size_t len, uint32_t acc);
/* Fold and complement: the checksum field's value. */
uint16_t inet_fold(uint32_t acc);
/* Pseudo-header sum for UDP/TCP (RFC 768, RFC 9293 3.1). */
uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
			 uint16_t len);

/* --- ICMP ------------------------------------------------------------- */

/* An ICMP message addressed to us. ip points at the whole IP packet
 * (for errors that quote it), icmp/len at the ICMP message. */
void icmp_input(struct net_stack *s, struct netif *nif, const uint8_t *ip,
		const uint8_t *icmp, size_t len);

/* Send an ICMP error about a received IP packet (quoting its header and
 * first 8 payload bytes). Never about an ICMP error, a broadcast or
 * multicast, a non-first fragment or a packet from 0.0.0.0 (RFC 1122
 * 3.2.2); rate-limited. */
void icmp_send_error(struct net_stack *s, const uint8_t *ip, size_t len,
		     uint8_t type, uint8_t code);

/* Send an echo request (ping). 0 or ip_output's error. */
int icmp_send_echo(struct net_stack *s, uint32_t src, uint32_t dst,
		   uint16_t id, uint16_t seq, const void *payload,
		   size_t len, uint8_t ttl);

#endif
