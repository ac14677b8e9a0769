/*
 * IPv6 addresses (RFC 4291): the 16-byte type, its classes and scopes,
 * the addresses derived from others (solicited-node groups, EUI-64
 * interface identifiers), and text conversion (RFC 5952 out, RFC 4291
 * 2.2 in). Pure functions: nothing here touches a stack.
 *
 * Addresses are kept in network order, byte for byte as on the wire,
 * so that they are copied in and out of packets with memcpy.
 */
#ifndef KITE_NET_IP6_ADDR_H
#define KITE_NET_IP6_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define IP6_ADDRSTRLEN	46	/* as INET6_ADDRSTRLEN, with the NUL */

struct ip6_addr {
	uint8_t b[16];
};

/* Scopes (RFC 4291 2.7, RFC 6724 3.1): a multicast address carries its
 * own; unicast link-local is 2, loopback is treated as link-local
 * (RFC 6724 3.4), everything else global. */
#define IP6_SCOPE_IFACE		0x1
#define IP6_SCOPE_LINK		0x2
#define IP6_SCOPE_SITE		0x5
#define IP6_SCOPE_GLOBAL	0xe

extern const struct ip6_addr ip6_addr_any;		/* :: */
extern const struct ip6_addr ip6_addr_loopback;	/* ::1 */
extern const struct ip6_addr ip6_addr_allnodes;	/* ff02::1 */
extern const struct ip6_addr ip6_addr_allrouters;	/* ff02::2 */

static inline bool ip6_addr_eq(const struct ip6_addr *a,
			       const struct ip6_addr *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}

static inline bool ip6_addr_is_unspecified(const struct ip6_addr *a)
{
	return ip6_addr_eq(a, &ip6_addr_any);
}

static inline bool ip6_addr_is_loopback(const struct ip6_addr *a)
{
	return ip6_addr_eq(a, &ip6_addr_loopback);
}

static inline bool ip6_addr_is_multicast(const struct ip6_addr *a)
{
	return a->b[0] == 0xff;
}

/* fe80::/10 */
static inline bool ip6_addr_is_linklocal(const struct ip6_addr *a)
{
	return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

/* ff02::1:ff00:0/104, the solicited-node groups (RFC 4291 2.7.1). */
static inline bool ip6_addr_is_solicited(const struct ip6_addr *a)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 0x01, 0xff };

	return memcmp(a->b, pfx, 13) == 0;
}

/* The scope of a (IP6_SCOPE_*, or a multicast address's own field). */
unsigned ip6_addr_scope(const struct ip6_addr *a);

/* The solicited-node group of a: ff02::1:ff + its low 24 bits. */
void ip6_addr_solicited_node(struct ip6_addr *out, const struct ip6_addr *a);

/* Set a's low 64 bits to the modified EUI-64 interface identifier of a
 * 48-bit MAC (RFC 4291 2.5.1 and appendix A): the MAC split by ff:fe,
 * with the universal/local bit inverted. */
void ip6_addr_set_eui64(struct ip6_addr *a, const uint8_t mac[6]);

/* a with everything past the first plen bits cleared. */
void ip6_addr_prefix(struct ip6_addr *out, const struct ip6_addr *a,
		     unsigned plen);
/* Do a and b agree on their first plen bits? */
bool ip6_addr_prefix_eq(const struct ip6_addr *a, const struct ip6_addr *b,
			unsigned plen);
/* How many leading bits a and b share (0-128). */
unsigned ip6_addr_common_prefix(const struct ip6_addr *a,
				const struct ip6_addr *b);

/* RFC 5952 text into buf (IP6_ADDRSTRLEN bytes): lower case, no leading
 * zeros, the longest run of two or more zero groups (the first of equal
 * runs) as "::", and ::ffff:0:0/96 (IPv4-mapped) with a dotted quad.
 * Returns buf. */
const char *ip6_addr_format(const struct ip6_addr *a, char *buf);

/* Any RFC 4291 2.2 text form: eight groups of 1-4 hex digits, at most
 * one "::", optionally ending in a dotted quad; nothing before or after.
 * False (and *a untouched) on anything else. */
bool ip6_addr_parse(const char *s, struct ip6_addr *a);

/* "ADDR/N" (N 0-128; without "/N", 128): for ip6=ADDR/N. */
bool ip6_prefix_parse(const char *s, struct ip6_addr *a, uint8_t *plen);

#endif
