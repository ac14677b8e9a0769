/*
 * The network settings of the kernel command line that IPv6 adds:
 * ip6=ADDR/N and gw6=ADDR (ip= and gw= are net_parse_ip_config() in
 * net/dhcp.h). Pure parsing, unit-tested on the host
 * (tests/unit/test_net_cmdline.c); kernel/net_glue.c applies them.
 */
#ifndef KITE_NET_CMDLINE_H
#define KITE_NET_CMDLINE_H

#include <stdint.h>

#include "net/ip6_addr.h"

/* ip6=ADDR/N and gw6=ADDR (either may be NULL) to a static IPv6
 * address and an optional default router. ADDR is any RFC 4291 text
 * form; without "/N" the prefix is 128, as `ip addr add` takes it. The
 * address must be unicast and neither :: nor ::1, the prefix 1-128; the
 * router unicast and not :: (link-local is usual). *gw is :: without
 * gw6. 0, or -EINVAL with nothing written (gw6 without ip6 included). */
int net_cmdline_parse_ip6(const char *ip6, const char *gw6,
			  struct ip6_addr *addr, uint8_t *plen,
			  struct ip6_addr *gw);

#endif
