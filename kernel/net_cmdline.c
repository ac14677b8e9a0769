#include <errno.h>
#include <stdbool.h>

#include "kernel/net_cmdline.h"

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
