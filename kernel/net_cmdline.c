#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "kernel/net_cmdline.h"
#include "net/inet.h"

static bool unicast_ok(const struct ip6_addr *a)
{
	return !ip6_addr_is_multicast(a) && !ip6_addr_is_unspecified(a) &&
	       !ip6_addr_is_loopback(a);
}

int net_cmdline_parse_ip6(const char *ip6, const char *gw6,
			  struct ip6_addr *addr, uint8_t *plen,
			  struct ip6_addr *gw)
{
	struct ip6_addr a, g = ip6_addr_any;
	uint8_t n;

	if (!ip6 || !ip6_prefix_parse(ip6, &a, &n) || n == 0 ||
	    !unicast_ok(&a))
		return -EINVAL;
	if (gw6 && (!ip6_addr_parse(gw6, &g) || !unicast_ok(&g)))
		return -EINVAL;
	*addr = a;
	*plen = n;
	*gw = g;
	return 0;
}

int net_cmdline_parse_ip(const char *ip_arg, const char *gw_arg,
			 uint32_t *addr, uint8_t *prefix, uint32_t *gw)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash;
	unsigned plen = 24;
	uint32_t a, g = 0;

	if (!ip_arg)
		return -EINVAL;
	slash = strchr(ip_arg, '/');
	size_t alen = slash ? (size_t)(slash - ip_arg) : strlen(ip_arg);
	if (alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, ip_arg, alen);
	buf[alen] = '\0';
	if (!inet_parse(buf, &a))
		return -EINVAL;
	if (slash) {
		/* 1 or 2 digits, 0..32, nothing after. */
		const char *p = slash + 1;
		int digits = 0;
		plen = 0;
		while (*p >= '0' && *p <= '9' && digits < 3) {
			plen = plen * 10 + (unsigned)(*p++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 2 || *p || plen > 32)
			return -EINVAL;
	}

	uint32_t mask = plen ? 0xffffffffu << (32 - plen) : 0;
	if (!inet_is_unicast_host(a))
		return -EINVAL;
	/* The subnet's own network and broadcast addresses; a /31 has
	 * neither (RFC 3021), a /32 is its own. */
	if (plen <= 30 && ((a & ~mask) == 0 || (a & ~mask) == ~mask))
		return -EINVAL;
	if (gw_arg) {
		if (!inet_parse(gw_arg, &g) || !inet_is_unicast_host(g) || g == a ||
		    (g & mask) != (a & mask))
			return -EINVAL;
	}
	*addr = a;
	*prefix = (uint8_t)plen;
	*gw = g;
	return 0;
}
