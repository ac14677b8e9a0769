/*
 * The IPv6 routing table and path MTU cache (net/route6.c), on the host.
 *
 * Build: gcc ... tests/net/test_route6.c net/route6.c net/ip6_addr.c
 *        net/inet.c
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/route6.h"
#include "tests/unit/test.h"

#define NEVER UINT64_MAX

static struct route6_table t;
/* Only their addresses matter to the table. */
static struct netif *const eth0 = (struct netif *)0x1000;
static struct netif *const eth1 = (struct netif *)0x2000;

static struct ip6_addr A(const char *s)
{
	struct ip6_addr a;

	if (!ip6_addr_parse(s, &a))
		abort();
	return a;
}

static const struct route6 *lookup(const char *dst, struct netif *oif)
{
	struct ip6_addr d = A(dst);

	return route6_lookup(&t, &d, oif, NULL, NULL);
}

TEST(test_route6_longest_prefix_then_metric)
{
	struct ip6_addr p48 = A("2001:db8:1::"), p64 = A("2001:db8:1:2::");
	struct ip6_addr gw = A("fe80::1"), gw2 = A("fe80::2");

	route6_init(&t);
	CHECK_EQ(route6_add(&t, &ip6_addr_any, 0, &gw, eth0, 1024, ROUTE6_RA,
			    NEVER), 0);
	CHECK_EQ(route6_add(&t, &p48, 48, NULL, eth0, 256, ROUTE6_KERNEL,
			    NEVER), 0);
	CHECK_EQ(route6_add(&t, &p64, 64, NULL, eth1, 256, ROUTE6_KERNEL,
			    NEVER), 0);
	CHECK(lookup("2001:db8:1:2::5", NULL)->nif == eth1);
	CHECK(lookup("2001:db8:1:3::5", NULL)->plen == 48);
	CHECK(lookup("2001:db9::1", NULL)->plen == 0);
	/* Through one interface only. */
	CHECK(lookup("2001:db8:1:2::5", eth0)->plen == 48);
	CHECK(lookup("2001:db9::1", eth1) == NULL);
	/* A second default router with a lower metric wins. */
	CHECK_EQ(route6_add(&t, &ip6_addr_any, 0, &gw2, eth0, 512, ROUTE6_RA,
			    NEVER), 0);
	CHECK(ip6_addr_eq(&lookup("2001:db9::1", NULL)->gw, &gw2));
	/* Stored masked; bad arguments refused. */
	struct ip6_addr x = A("2001:db8:1:2:3::");
	CHECK_EQ(route6_add(&t, &x, 64, NULL, eth1, 256, ROUTE6_KERNEL, NEVER),
		 0);	/* the same route as p64: refreshed, not added */
	int n = 0;
	for (int i = 0; i < ROUTE6_MAX; i++)
		n += t.r[i].used;
	CHECK_EQ(n, 4);
	CHECK_EQ(route6_add(&t, &x, 129, NULL, eth1, 0, ROUTE6_STATIC, NEVER),
		 -EINVAL);
	CHECK_EQ(route6_add(&t, &x, 64, NULL, NULL, 0, ROUTE6_STATIC, NEVER),
		 -EINVAL);
}

static bool only_gw2(const struct route6 *r, void *arg)
{
	return ip6_addr_eq(&r->gw, arg);
}

TEST(test_route6_reachable_router_preferred_over_metric)
{
	struct ip6_addr gw = A("fe80::1"), gw2 = A("fe80::2"), d = A("2001::1");

	route6_init(&t);
	route6_add(&t, &ip6_addr_any, 0, &gw, eth0, 100, ROUTE6_RA, NEVER);
	route6_add(&t, &ip6_addr_any, 0, &gw2, eth0, 1024, ROUTE6_RA, NEVER);
	/* RFC 4861 6.3.6: a router probably reachable beats one that is
	 * not, whatever the metric. */
	const struct route6 *r = route6_lookup(&t, &d, NULL, only_gw2, &gw2);
	CHECK(ip6_addr_eq(&r->gw, &gw2));
	/* Neither looks reachable: the metric decides. */
	struct ip6_addr none = A("fe80::99");
	r = route6_lookup(&t, &d, NULL, only_gw2, &none);
	CHECK(ip6_addr_eq(&r->gw, &gw));
}

TEST(test_route6_expiry_and_proto_separation)
{
	struct ip6_addr p = A("2001:db8::"), gw = A("fe80::1");

	route6_init(&t);
	route6_add(&t, &p, 64, NULL, eth0, 256, ROUTE6_KERNEL, NEVER);
	route6_add(&t, &p, 64, NULL, eth0, 256, ROUTE6_RA, 5000);
	route6_add(&t, &ip6_addr_any, 0, &gw, eth0, 1024, ROUTE6_RA, 3000);
	CHECK_EQ(route6_expire(&t, 1000), 3000);
	CHECK_EQ(route6_expire(&t, 3000), 5000);
	CHECK(lookup("2001:db9::1", NULL) == NULL);
	/* A router withdrawing the prefix removes its route, never the
	 * one of an address configured by hand. */
	CHECK_EQ(route6_del(&t, &p, 64, NULL, eth0, ROUTE6_RA), 0);
	CHECK_EQ(route6_del(&t, &p, 64, NULL, eth0, ROUTE6_RA), -ESRCH);
	CHECK(lookup("2001:db8::1", NULL)->proto == ROUTE6_KERNEL);
	CHECK_EQ(route6_expire(&t, 10000), NEVER);
	route6_flush(&t, eth0);
	CHECK(lookup("2001:db8::1", NULL) == NULL);
}

TEST(test_route6_path_mtu_cache)
{
	struct ip6_addr d = A("2001:db8::9");
	char name[32];

	route6_init(&t);
	CHECK_EQ(route6_pmtu_get(&t, &d), 0);
	/* Never below 1280; only decreases; forgotten after 10 min. */
	CHECK_EQ(route6_pmtu_update(&t, &d, 600, 100), 100 + PMTU6_EXPIRES_MS);
	CHECK_EQ(route6_pmtu_get(&t, &d), 1280);
	CHECK_EQ(route6_pmtu_update(&t, &d, 1400, 200), 0);
	CHECK_EQ(route6_pmtu_get(&t, &d), 1280);
	CHECK_EQ(route6_expire(&t, 100 + PMTU6_EXPIRES_MS - 1),
		 100 + PMTU6_EXPIRES_MS);
	CHECK_EQ(route6_expire(&t, 100 + PMTU6_EXPIRES_MS), NEVER);
	CHECK_EQ(route6_pmtu_get(&t, &d), 0);
	/* Full: the entry expiring first makes room. */
	for (int i = 0; i < PMTU6_MAX + 1; i++) {
		snprintf(name, sizeof(name), "2001:db8::%x", 0x100 + i);
		struct ip6_addr a = A(name);
		route6_pmtu_update(&t, &a, 1300 + i, 1000 + i);
	}
	struct ip6_addr first = A("2001:db8::100"), last = A("2001:db8::108");
	CHECK_EQ(route6_pmtu_get(&t, &first), 0);
	CHECK_EQ(route6_pmtu_get(&t, &last), 1300 + PMTU6_MAX);
}

int main(void)
{
	RUN(test_route6_longest_prefix_then_metric);
	RUN(test_route6_reachable_router_preferred_over_metric);
	RUN(test_route6_expiry_and_proto_separation);
	RUN(test_route6_path_mtu_cache);
	TEST_EXIT();
}
