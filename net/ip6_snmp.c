/*
 * /proc/net/snmp6 (ip6.h): Linux's lines, in Linux's order and format
 * (net/ipv6/proc.c: "%-32s\t%lu"): the Ip6 counters, the Icmp6 ones,
 * the named per-type ICMPv6 counters (Icmp6InEchos, ...), then
 * Icmp6InType%u / Icmp6OutType%u for every type seen. Kite's own
 * Udp6 counters come next (Linux's udp6_snmp_list), then Kite's own
 * Neighbor Discovery counters as KiteNd6* lines.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "net/ip6.h"
#include "net/stack.h"

/* Each table's names, NUL-separated, in the order of its struct's
 * uint64_t fields (ip6.h's X-macros make both). */
#define MIB_NAME(n) #n "\0"
static const char ip6_names[] = IP6_MIB_ITEMS(MIB_NAME);
static const char icmp6_names[] = ICMP6_MIB_ITEMS(MIB_NAME);
static const char nd6_names[] = ND6_MIB_ITEMS(MIB_NAME);
/* struct udp_mib's fields, in order (snmp.h). */
static const char udp6_names[] = "InDatagrams\0NoPorts\0InErrors\0"
	"OutDatagrams\0RcvbufErrors\0SndbufErrors\0InCsumErrors\0"
	"IgnoredMulti\0MemErrors\0";
_Static_assert(sizeof(struct udp_mib) == 8 * 9, "udp6_names");

#define MIB_ONE(n) +1
_Static_assert(sizeof(struct ip6_mib) == 8 * (0 IP6_MIB_ITEMS(MIB_ONE)),
	       "struct ip6_mib: uint64_t fields only");
_Static_assert(sizeof(struct nd6_mib) == 8 * (0 ND6_MIB_ITEMS(MIB_ONE)),
	       "struct nd6_mib: uint64_t fields only");
_Static_assert(offsetof(struct icmp6_mib, in_type) ==
		       8 * (0 ICMP6_MIB_ITEMS(MIB_ONE)),
	       "struct icmp6_mib: the counters first");

/* Linux's icmp6type2name, in type order. */
static const uint8_t named_types[] = {
	1, 2, 3, 4, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 143,
};
static const char type_names[] =
	"DestUnreachs\0PktTooBigs\0TimeExcds\0ParmProblems\0Echos\0"
	"EchoReplies\0GroupMembQueries\0GroupMembResponses\0"
	"GroupMembReductions\0RouterSolicits\0RouterAdvertisements\0"
	"NeighborSolicits\0NeighborAdvertisements\0Redirects\0"
	"MLDv2Reports\0";

struct out {
	char *buf;
	size_t size, len;
};

static void line(struct out *o, const char *prefix, const char *name,
		 unsigned long long v)
{
	char full[48];
	size_t room = o->buf && o->len < o->size ? o->size - o->len : 0;
	int n;

	snprintf(full, sizeof(full), "%s%s", prefix, name);
	n = snprintf(room ? o->buf + o->len : NULL, room, "%-32s\t%llu\n",
		     full, v);
	if (n > 0)
		o->len += (size_t)n;
}

static void items(struct out *o, const char *prefix, const char *names,
		  const void *mib)
{
	for (size_t i = 0; *names; i++, names += strlen(names) + 1) {
		uint64_t v;

		__builtin_memcpy(&v, (const char *)mib + i * sizeof(v),
				 sizeof(v));
		line(o, prefix, names, v);
	}
}

size_t ip6_snmp_print(struct net_stack *s, char *buf, size_t size)
{
	const struct icmp6_mib *icmp = &s->ip6.icmp;
	struct out o = { buf, size, 0 };
	char name[24];

	if (buf && size)
		buf[0] = 0;
	items(&o, "Ip6", ip6_names, &s->ip6.mib);
	items(&o, "Icmp6", icmp6_names, icmp);
	for (int dir = 0; dir < 2; dir++) {
		const uint32_t *t = dir ? icmp->out_type : icmp->in_type;
		const char *n = type_names;

		for (size_t i = 0; i < sizeof(named_types); i++) {
			line(&o, dir ? "Icmp6Out" : "Icmp6In", n,
			     t[named_types[i]]);
			n += strlen(n) + 1;
		}
	}
	for (int dir = 0; dir < 2; dir++) {
		const uint32_t *t = dir ? icmp->out_type : icmp->in_type;

		for (int type = 0; type < 256; type++) {
			if (!t[type])
				continue;
			snprintf(name, sizeof(name), "Type%d", type);
			line(&o, dir ? "Icmp6Out" : "Icmp6In", name, t[type]);
		}
	}
	items(&o, "Udp6", udp6_names, &s->mib.udp6);
	items(&o, "KiteNd6", nd6_names, &s->ip6.nd_mib);
	return o.len;
}
