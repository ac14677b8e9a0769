/*
 * IPv6 address helpers and text forms (ip6_addr.h).
 */
#include "net/inet.h"
#include "net/ip6_addr.h"

const struct ip6_addr ip6_addr_any;
const struct ip6_addr ip6_addr_loopback = { .b = { [15] = 1 } };
const struct ip6_addr ip6_addr_allnodes = { .b = { 0xff, 0x02, [15] = 1 } };
const struct ip6_addr ip6_addr_allrouters = { .b = { 0xff, 0x02, [15] = 2 } };

unsigned ip6_addr_scope(const struct ip6_addr *a)
{
	if (ip6_addr_is_multicast(a))
		return a->b[1] & 0x0f;
	if (ip6_addr_is_linklocal(a) || ip6_addr_is_loopback(a))
		return IP6_SCOPE_LINK;
	/* fec0::/10, deprecated site-local (RFC 3879), still scoped. */
	if (a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0xc0)
		return IP6_SCOPE_SITE;
	return IP6_SCOPE_GLOBAL;
}

void ip6_addr_solicited_node(struct ip6_addr *out, const struct ip6_addr *a)
{
	struct ip6_addr g = { .b = { 0xff, 0x02, [11] = 0x01, 0xff } };

	memcpy(g.b + 13, a->b + 13, 3);
	*out = g;
}

void ip6_addr_set_eui64(struct ip6_addr *a, const uint8_t mac[6])
{
	a->b[8] = mac[0] ^ 0x02;	/* the U/L bit, inverted */
	a->b[9] = mac[1];
	a->b[10] = mac[2];
	a->b[11] = 0xff;
	a->b[12] = 0xfe;
	a->b[13] = mac[3];
	a->b[14] = mac[4];
	a->b[15] = mac[5];
}

void ip6_addr_prefix(struct ip6_addr *out, const struct ip6_addr *a,
		     unsigned plen)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;

		out->b[i] = bits >= 8 ? a->b[i] :
			    (uint8_t)(a->b[i] & (0xff00 >> bits));
	}
}

unsigned ip6_addr_common_prefix(const struct ip6_addr *a,
				const struct ip6_addr *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < 16; i++, n += 8) {
		uint8_t x = a->b[i] ^ b->b[i];

		if (x) {
			while (!(x & 0x80)) {
				x <<= 1;
				n++;
			}
			return n;
		}
	}
	return 128;
}

bool ip6_addr_prefix_eq(const struct ip6_addr *a, const struct ip6_addr *b,
			unsigned plen)
{
	return ip6_addr_common_prefix(a, b) >= plen;
}

static uint16_t group(const struct ip6_addr *a, int i)
{
	return (uint16_t)(a->b[2 * i] << 8 | a->b[2 * i + 1]);
}

/* One group in lower-case hex without leading zeros; returns the end. */
static char *put_hex(char *p, uint16_t v)
{
	static const char hex[] = "0123456789abcdef";
	int shift = 12;

	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = hex[(v >> shift) & 0xf];
	return p;
}

const char *ip6_addr_format(const struct ip6_addr *a, char *buf)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	int best = -1, best_len = 1, run = 0;
	char *p = buf;

	if (memcmp(a->b, mapped, 12) == 0) {
		uint32_t v4 = (uint32_t)a->b[12] << 24 | a->b[13] << 16 |
			      a->b[14] << 8 | a->b[15];

		memcpy(p, "::ffff:", 7);
		inet_format(v4, p + 7);
		return buf;
	}
	/* RFC 5952 4.2: the longest run of zero groups, at least two,
	 * the first of equals. */
	for (int i = 0; i < 8; i++) {
		run = group(a, i) ? 0 : run + 1;
		if (run > best_len) {
			best_len = run;
			best = i - run + 1;
		}
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			*p++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i && i != best + best_len)
			*p++ = ':';
		p = put_hex(p, group(a, i));
	}
	*p = 0;
	return buf;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool ip6_addr_parse(const char *s, struct ip6_addr *a)
{
	uint16_t w[8];
	int n = 0, gap = -1;

	if (s[0] == ':') {
		if (s[1] != ':')
			return false;
		gap = 0;
		s += 2;
	}
	while (*s) {
		const char *start = s;
		unsigned v = 0;
		int d = 0;

		if (n == 8)
			return false;
		for (; hex_digit(*s) >= 0 && d < 5; s++, d++)
			v = v << 4 | (unsigned)hex_digit(*s);
		if (*s == '.') {
			/* A dotted quad fills the last two groups. */
			uint32_t v4;

			if (n > 6 || !inet_parse(start, &v4))
				return false;
			w[n++] = (uint16_t)(v4 >> 16);
			w[n++] = (uint16_t)v4;
			break;
		}
		if (d == 0 || d > 4)
			return false;
		w[n++] = (uint16_t)v;
		if (!*s)
			break;
		if (*s++ != ':' || !*s)
			return false;
		if (*s == ':') {
			if (gap >= 0)
				return false;
			gap = n;
			s++;
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return false;

	struct ip6_addr r = { 0 };
	int tail = gap < 0 ? 0 : n - gap;	/* groups after "::" */
	for (int i = 0; i < n; i++) {
		int at = (gap >= 0 && i >= gap) ? 8 - tail + (i - gap) : i;

		r.b[2 * at] = (uint8_t)(w[i] >> 8);
		r.b[2 * at + 1] = (uint8_t)w[i];
	}
	*a = r;
	return true;
}

bool ip6_prefix_parse(const char *s, struct ip6_addr *a, uint8_t *plen)
{
	char buf[IP6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned v = 0;

	if (alen >= sizeof(buf))
		return false;
	memcpy(buf, s, alen);
	buf[alen] = 0;
	if (slash) {
		const char *d = slash + 1;

		if (!*d || strlen(d) > 3)
			return false;
		for (; *d; d++) {
			if (*d < '0' || *d > '9')
				return false;
			v = v * 10 + (unsigned)(*d - '0');
		}
		if (v > 128)
			return false;
	} else {
		v = 128;
	}
	if (!ip6_addr_parse(buf, a))
		return false;
	*plen = (uint8_t)v;
	return true;
}
