/*
 * The network settings of the kernel command line: ip=A.B.C.D/N and
 * gw=A.B.C.D, ip6=ADDR/N and gw6=ADDR. Pure parsing, unit-tested on the
 * host (tests/unit/test_net_cmdline.c); kernel/net_glue.c applies them.
 */
#ifndef KITE_NET_CMDLINE_H
#define KITE_NET_CMDLINE_H

#include <stdint.h>

#include "net/ip6_addr.h"

/*
 * ip=A.B.C.D/N and gw=A.B.C.D (INTERFACE.md): ip_arg is the value of ip=
 * ("10.0.0.2/24"; without "/N" the prefix is /24), gw_arg the value of
 * gw= ("10.0.0.1"), or NULL for no gateway. The address must be a
 * unicast host address (not 0.0.0.0, 127/8, multicast, or the subnet's
 * network or broadcast address for prefixes up to /30); the gateway
 * must lie in the subnet and differ from the address. Returns 0 and
 * fills the outputs (host byte order), or -EINVAL leaving them
 * untouched.
 */
int net_cmdline_parse_ip(const char *ip_arg, const char *gw_arg,
			 uint32_t *addr, uint8_t *prefix, uint32_t *gw);

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
