/*
 * IPv6 (RFC 8200) for a host: per-interface addresses and groups,
 * input with extension headers and reassembly, output with source
 * selection (RFC 6724), routing, path MTU and fragmentation, ICMPv6
 * (RFC 4443), and the /proc/net/snmp6 counters. Neighbor Discovery is
 * nd6.h, the routing table route6.h, addresses ip6_addr.h.
 *
 * IPv6 is off on an interface until ip6_enable() (the kernel calls it
 * when it attaches a NIC; lo has ::1 from net_stack_init()). Enabling
 * joins ff02::1, forms the EUI-64 link-local address and runs duplicate
 * address detection on it (RFC 4862); once it is valid, Kite solicits
 * routers, and their advertisements give default routes, on-link
 * prefixes, SLAAC addresses and the link MTU.
 *
 * Like the rest of the stack, nothing here blocks; every function is
 * called with the stack serialised (stack.h) and takes time from
 * s->now: a caller outside net_input()/net_poll() sets it first, as
 * kernel/socket.c does for socket calls. Kite is a host: it never
 * forwards, sends no MLD reports (it joins only link-local groups),
 * and does not loop its own multicast back to itself.
 */
#ifndef KITE_NET_IP6_H
#define KITE_NET_IP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/ip6_addr.h"
#include "net/nd6.h"
#include "net/pkt.h"
#include "net/reasm.h"
#include "net/route6.h"

#define IP6_HLEN		40
#define IP6_FRAG_HLEN		8
#define IP6_MIN_MTU		1280	/* RFC 8200 5 */
#define IP6_DEFAULT_HOPLIMIT	64
#define IP6_ND_HOPLIMIT		255	/* every ND message (RFC 4861) */

/* Next Header values (IANA "Assigned Internet Protocol Numbers"). */
#define IP6_NH_HOPOPTS		0
#define IP6_NH_TCP		6
#define IP6_NH_UDP		17
#define IP6_NH_ROUTING		43
#define IP6_NH_FRAGMENT		44
#define IP6_NH_ICMP6		58
#define IP6_NH_NONE		59
#define IP6_NH_DSTOPTS		60

/* ICMPv6 types and codes (RFC 4443, RFC 4861). */
#define ICMP6_DST_UNREACH	1
#define ICMP6_PACKET_TOO_BIG	2
#define ICMP6_TIME_EXCEEDED	3
#define ICMP6_PARAM_PROB	4
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129
#define ND_ROUTER_SOLICIT	133
#define ND_ROUTER_ADVERT	134
#define ND_NEIGHBOR_SOLICIT	135
#define ND_NEIGHBOR_ADVERT	136
#define ND_REDIRECT		137
#define ICMP6_DST_UNREACH_NOROUTE	0
#define ICMP6_DST_UNREACH_ADMIN		1
#define ICMP6_DST_UNREACH_BEYONDSCOPE	2
#define ICMP6_DST_UNREACH_ADDR		3
#define ICMP6_DST_UNREACH_NOPORT	4
#define ICMP6_TIME_EXCEED_HOPS		0
#define ICMP6_TIME_EXCEED_REASM		1
#define ICMP6_PARAMPROB_HEADER		0
#define ICMP6_PARAMPROB_NEXTHEADER	1
#define ICMP6_PARAMPROB_OPTION		2

/* Knobs. */
#define IP6_IF_ADDRS		4	/* addresses per interface */
#define IP6_IF_GROUPS		6	/* ff02::1 + a solicited-node each */
#define IP6_EXTHDR_MAX		8	/* extension headers walked per packet */
#define IP6_REASM_MAX_DATAGRAMS	8	/* as IPv4 (ip.h) */
#define IP6_REASM_MAX_BYTES	(64 * 1024)
#define IP6_REASM_TIMEOUT_MS	60000	/* RFC 8200 4.5, Linux ip6frag_time */
#define IP6_DAD_DELAY_MS	1000	/* MAX_RTR_SOLICITATION_DELAY: the
					 * random wait before DAD's NS */
#define IP6_DAD_TRANSMITS	1	/* DupAddrDetectTransmits */
#define IP6_TWO_HOURS_MS	(2 * 3600 * 1000)	/* RFC 4862 5.5.3 e */
#define ICMP6_ERR_RATE_MS	1000	/* as ICMP (ip.h): a token per second */
#define ICMP6_ERR_BURST		50

struct net_stack;
struct netif;

/* --- per interface ------------------------------------------------------ */

/* ip6_ifaddr.flags, named as ip -6 addr shows them. */
#define IP6_IFA_TENTATIVE	0x1	/* DAD not done: not usable */
#define IP6_IFA_DADFAILED	0x2	/* another node has it */
#define IP6_IFA_DEPRECATED	0x4	/* preferred lifetime over */

enum ip6_ifa_source {
	IP6_IFA_NONE,		/* free slot */
	IP6_IFA_LINKLOCAL,	/* fe80::EUI-64, from ip6_enable() */
	IP6_IFA_STATIC,		/* ip6_addr_add(), and ::1 on lo */
	IP6_IFA_SLAAC,		/* from a Router Advertisement's prefix */
};

struct ip6_ifaddr {
	struct ip6_addr addr;
	uint64_t valid_until;		/* ms, or NET_NEVER */
	uint64_t preferred_until;	/* ms, or NET_NEVER */
	uint64_t dad_at;		/* ms: next DAD step, or NET_NEVER */
	uint8_t plen;
	uint8_t flags;			/* IP6_IFA_* */
	uint8_t source;			/* enum ip6_ifa_source */
	uint8_t dad_ns;			/* DAD solicitations still to send */
};

struct ip6_mcgroup {
	struct ip6_addr addr;
	unsigned users;			/* 0: free slot */
};

struct ip6_if {
	bool enabled;
	bool ra_seen;			/* stop soliciting */
	uint8_t hop_limit;		/* RA Cur Hop Limit, or 64 */
	uint8_t rs_sent;
	uint16_t mtu;			/* link MTU: device's or RA's */
	uint32_t base_reachable_ms;	/* RA Reachable Time, or 30 s */
	uint32_t reachable_ms;		/* randomised (RFC 4861 6.3.2) */
	uint32_t retrans_ms;		/* RA Retrans Timer, or 1 s */
	uint64_t rs_at;			/* ms: next RS, or NET_NEVER */
	struct ip6_ifaddr addr[IP6_IF_ADDRS];
	struct ip6_mcgroup group[IP6_IF_GROUPS];
};

/* --- counters (/proc/net/snmp6, Linux's names and order) --------------- */

#define IP6_MIB_ITEMS(X)                                                  \
	X(InReceives) X(InHdrErrors) X(InTooBigErrors) X(InNoRoutes)      \
	X(InAddrErrors) X(InUnknownProtos) X(InTruncatedPkts)             \
	X(InDiscards) X(InDelivers) X(OutForwDatagrams) X(OutRequests)    \
	X(OutDiscards) X(OutNoRoutes) X(ReasmTimeout) X(ReasmReqds)       \
	X(ReasmOKs) X(ReasmFails) X(FragOKs) X(FragFails) X(FragCreates)  \
	X(InMcastPkts) X(OutMcastPkts) X(InOctets) X(OutOctets)           \
	X(InMcastOctets) X(OutMcastOctets) X(InBcastOctets)               \
	X(OutBcastOctets) X(InNoECTPkts) X(InECT1Pkts) X(InECT0Pkts)      \
	X(InCEPkts)

#define ICMP6_MIB_ITEMS(X)                                                \
	X(InMsgs) X(InErrors) X(OutMsgs) X(OutErrors) X(InCsumErrors)     \
	X(OutRateLimitHost)

/* Kite's own, after Linux's lines in snmp6 ("KiteNd6..."). */
#define ND6_MIB_ITEMS(X)                                                  \
	X(QueueDrops)		/* pending queue full, aged, or given up */ \
	X(ResolveFailed)	/* neighbours that went FAILED */          \
	X(DadFailed)		/* our addresses found duplicate */        \
	X(RedirectsIgnored)                                               \
	X(RoutesDropped)	/* not kept: ROUTE6_MAX in use */          \
	X(AddrsDropped)		/* SLAAC, not kept: IP6_IF_ADDRS in use */ \
	X(SolicitsUnsent)	/* NS with no usable source address */

#define IP6_MIB_FIELD(name) uint64_t name;
struct ip6_mib {
	IP6_MIB_ITEMS(IP6_MIB_FIELD)
};
struct icmp6_mib {
	ICMP6_MIB_ITEMS(IP6_MIB_FIELD)
	/* Icmp6InType%u / Icmp6OutType%u, and the named per-type lines
	 * (Icmp6InEchos, Icmp6OutNeighborSolicits, ...) from them. */
	uint32_t in_type[256], out_type[256];
};
struct nd6_mib {
	ND6_MIB_ITEMS(IP6_MIB_FIELD)
};
#undef IP6_MIB_FIELD

/* --- the stack's IPv6 state ------------------------------------------- */

/* A received packet on its way up: where it came from and how. */
struct ip6_rx {
	struct netif *nif;
	const uint8_t *mac;		/* link-layer source; NULL from lo */
	const uint8_t *pkt;		/* IPv6 header first */
	size_t len;			/* header + payload, no link padding */
	struct ip6_addr src, dst;
	uint8_t hlim;
	bool ll_mcast;			/* to a link-layer group address */
	bool reassembled;
	bool dst_tentative;		/* to an address still in DAD */
};

/*
 * What the transports and the kernel's ping plug in. Both are called
 * with the stack serialised and must not call back into it (beyond
 * marking sockets for a wake: net_sock_notify). net_stack_init() sets
 * error to the stack's own dispatcher (stack.c: UDP, later TCP), arg
 * to the stack; tests may replace it to watch errors.
 *
 * echo_reply: an ICMPv6 echo reply for us (id, seq and data as sent).
 * error: an ICMPv6 error quoting a packet we sent; proto is the quoted
 *   packet's upper-layer protocol, l4 its header (l4len bytes of it
 *   were quoted, maybe fewer than 8), err the negative errno a socket
 *   would see (as Linux's icmpv6_err_convert), info the message's
 *   MTU or pointer field.
 */
struct ip6_hooks {
	void (*echo_reply)(void *arg, const struct ip6_addr *src,
			   uint16_t id, uint16_t seq, const uint8_t *data,
			   size_t len, uint8_t hlim);
	void (*error)(void *arg, uint8_t type, uint8_t code, uint32_t info,
		      int err, const struct ip6_addr *src,
		      const struct ip6_addr *dst, uint8_t proto,
		      const uint8_t *l4, size_t l4len);
	void *arg;
};

struct ip6_state {
	struct ip6_mib mib;
	struct icmp6_mib icmp;
	struct nd6_mib nd_mib;
	struct nd6_table nd;
	struct route6_table routes;
	struct ip6_hooks hooks;
	union {				/* datagrams being reassembled */
		struct reasm_queue reasmq;
		struct { REASM_QUEUE_FIELDS; };	/* its fields, by name */
	};
	uint64_t next_timer;		/* ms: earliest deadline armed */
	uint64_t icmp_tokens_at;	/* error rate limit (as icmp.c) */
	unsigned icmp_tokens;
};

/* --- the API ------------------------------------------------------------ */

/* At stack init (stack.c) and teardown: state, then ::1 on lo. */
void ip6_init(struct net_stack *s);
void ip6_free(struct net_stack *s);

/* Switch IPv6 on for nif: ff02::1, the link-local address with DAD,
 * then router solicitation. 0, -EALREADY, or -EINVAL (an MTU below
 * 1280: IPv6 cannot run there). lo gets ::1/128 and nothing else. */
int ip6_enable(struct net_stack *s, struct netif *nif);

/* Add a static address (ip6=ADDR/N): tentative until DAD (RFC 4862)
 * passes, a connected route for its prefix. 0, -EINVAL (IPv6 off on
 * nif, a multicast, :: or ::1 address, plen > 128), -EEXIST, -ENOSPC
 * (IP6_IF_ADDRS in use). */
int ip6_addr_add(struct net_stack *s, struct netif *nif,
		 const struct ip6_addr *addr, uint8_t plen);
/* Remove an address of any source, with its connected route. 0 or
 * -EADDRNOTAVAIL. */
int ip6_addr_del(struct net_stack *s, struct netif *nif,
		 const struct ip6_addr *addr);

/* For ip -6 addr, ip -6 neigh, ip -6 route. */
void ip6_addr_for_each(struct net_stack *s,
		       void (*fn)(const struct netif *nif,
				  const struct ip6_ifaddr *ifa, void *arg),
		       void *arg);
void ip6_route_for_each(struct net_stack *s,
			void (*fn)(const struct route6 *r, void *arg),
			void *arg);
/* (neighbours: nd6_for_each() in nd6.h) */

/* A received frame (Ethernet header included, so the link-layer
 * addresses are known; lo's is zero) with EtherType 0x86dd on an
 * interface where IPv6 is on. Validates, reassembles, delivers; drops
 * what is not ours, each with its counter. */
void ip6_input(struct net_stack *s, struct netif *nif, const uint8_t *frame,
	       size_t len);

/* Send p (upper-layer header and payload) to dst. src NULL picks one
 * (RFC 6724); oif, if not NULL, is the interface to use (link-local and
 * multicast destinations need it when there are several); hlim 0 is
 * the interface's default (1 to a multicast group). Fragments above
 * the path MTU. Consumes p. 0, -ENETUNREACH (no route; OutNoRoutes),
 * -EADDRNOTAVAIL (no usable source), -EMSGSIZE, -ENOBUFS. */
int ip6_output(struct net_stack *s, struct pkt *p, const struct ip6_addr *src,
	       const struct ip6_addr *dst, uint8_t nh, uint8_t hlim,
	       struct netif *oif);

/* ip6_output() out of nif to dst (on-link), src exactly as given (:: for
 * DAD): for Neighbor Discovery. Consumes p. */
int ip6_output_if(struct net_stack *s, struct netif *nif, struct pkt *p,
		  const struct ip6_addr *src, const struct ip6_addr *dst,
		  uint8_t nh, uint8_t hlim);

/* The source address Kite would use to reach dst (through oif if set):
 * for pseudo-header checksums. 0, -ENETUNREACH or -EADDRNOTAVAIL. */
int ip6_route_source(struct net_stack *s, const struct ip6_addr *dst,
		     struct netif *oif, struct ip6_addr *src);

/* Is a one of our addresses (any interface, ::1 included)? */
bool ip6_is_local(struct net_stack *s, const struct ip6_addr *a);

/* Timers of everything IPv6: NUD, DAD, router solicitation, address and
 * route lifetimes, reassembly, path MTU. Cheap when nothing is due.
 * Returns the next deadline (ms) or NET_NEVER. */
uint64_t ip6_poll(struct net_stack *s);
/* Make ip6_poll() run no later than at (every timer set calls this). */
void ip6_timer_arm(struct net_stack *s, uint64_t at);

/* /proc/net/snmp6 as Linux prints it ("%-32s\t%lu" lines), then Kite's
 * own ND lines. snprintf's contract: returns the length the whole text
 * needs; buf gets as much as fits, NUL-terminated. */
size_t ip6_snmp_print(struct net_stack *s, char *buf, size_t size);

/* --- between the IPv6 files -------------------------------------------- */

/* ip6_addrconf.c: addresses, groups, DAD, SLAAC, router solicitation. */
struct ip6_ifaddr *ip6_ifaddr_find(struct netif *nif,
				   const struct ip6_addr *a);
bool ip6_mc_joined(const struct netif *nif, const struct ip6_addr *group);
/* Is mac (33:33:...) the MAC of a group nif has joined? For eth.c. */
bool ip6_mc_mac_joined(const struct netif *nif, const uint8_t *mac);
/* An NS from :: or an NA for a tentative address: a duplicate. */
void ip6_dad_conflict(struct net_stack *s, struct netif *nif,
		      struct ip6_ifaddr *ifa, const uint8_t *mac);
/* An autonomous prefix from a Router Advertisement (RFC 4862 5.5.3);
 * lifetimes in seconds, 0xffffffff for ever. */
void ip6_slaac_prefix(struct net_stack *s, struct netif *nif,
		      const struct ip6_addr *prefix, uint32_t valid,
		      uint32_t preferred);
/* Pick a new randomised reachable time from the base (RFC 4861 6.3.2). */
void ip6_if_new_reachable(struct ip6_if *ip6);
uint64_t ip6_addrconf_poll(struct net_stack *s);

/* ip6_frag.c. ip6_reasm: a fragment (*fh = offset of its Fragment
 * header, *nh_off = offset of the Next Header field that names it);
 * returns the whole packet (net_alloc'd, the caller frees it) once
 * complete, with *fh and *nh_off set to where, in it, the header that
 * followed the Fragment header begins and what names it; else NULL.
 * ip6_fragment: split p (IPv6 header on top) to fit mtu; consumes p;
 * the fragments in *frags. */
uint8_t *ip6_reasm(struct net_stack *s, const struct ip6_rx *rx, size_t *fh,
		   size_t *nh_off, size_t *out_len);
int ip6_fragment(struct net_stack *s, struct pkt *p, unsigned mtu,
		 struct pkt **frags);
uint64_t ip6_reasm_poll(struct net_stack *s);

/* ip6.c: the best source address on nif for dst (RFC 6724, see ip6.c),
 * never a tentative one. 0 or -EADDRNOTAVAIL. */
int ip6_select_source(const struct netif *nif, const struct ip6_addr *dst,
		      struct ip6_addr *src);
/* ip6.c: the upper-layer protocol of a packet (a quoted one): walks
 * hop-by-hop, routing and destination options headers and a first
 * fragment's header. Its offset in *off; IP6_NH_NONE if not found. */
uint8_t ip6_upper_layer(const uint8_t *pkt, size_t len, size_t *off);

/* icmp6.c */
void icmp6_input(struct net_stack *s, const struct ip6_rx *rx,
		 const uint8_t *icmp, size_t len);
/* An error about the packet in rx (RFC 4443 2.4 decides whether one
 * may be sent; rate-limited). info: the MTU of a Packet Too Big, the
 * pointer of a Parameter Problem, else 0. */
void icmp6_send_error(struct net_stack *s, const struct ip6_rx *rx,
		      uint8_t type, uint8_t code, uint32_t info);
/* Send ICMPv6 message p (checksum field zero): src NULL picks one;
 * direct: out of oif to dst with src as given (Neighbor Discovery).
 * Computes the checksum, counts OutMsgs and the type. Consumes p. */
int icmp6_send(struct net_stack *s, struct pkt *p, const struct ip6_addr *src,
	       const struct ip6_addr *dst, struct netif *oif, uint8_t hlim,
	       bool direct);
/* Ping over IPv6: an echo request to dst (oif as for ip6_output); the
 * reply comes to hooks.echo_reply. 0 or ip6_output's error. */
int icmp6_send_echo(struct net_stack *s, const struct ip6_addr *dst,
		    struct netif *oif, uint16_t id, uint16_t seq,
		    const void *data, size_t len, uint8_t hlim);

/* checksum.c: the ICMPv6/UDP/TCP pseudo-header sum (RFC 8200 8.1). */
uint32_t inet6_pseudo_sum(const struct ip6_addr *src,
			  const struct ip6_addr *dst, uint32_t len,
			  uint8_t nh);

#endif
