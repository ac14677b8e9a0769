/*
 * The IPv4 routing table (net/route.c).
 *
 * Sources: tests/net/test_route.c net/route.c
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "net/netif.h"
#include "net/route.h"
#include "tests/unit/test.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static struct route_table T;
static struct netif eth0, eth1, lo;

static void setup(void)
{
	route_init(&T);
}

static int count_routes(void)
{
	int n = 0;

	for (int i = 0; i < ROUTE_MAX; i++)
		n += T.r[i].used;
	return n;
}

TEST(test_route_empty_table_has_no_route)
{
	setup();
	CHECK(route_lookup(&T, A(10, 0, 2, 2)) == NULL);
	CHECK(route_lookup(&T, 0) == NULL);
}

TEST(test_route_connected_subnet)
{
	const struct route *r;

	setup();
	CHECK_EQ(route_add(&T, A(10, 0, 2, 15), 24, 0, &eth0, 0), 0);
	r = route_lookup(&T, A(10, 0, 2, 99));
	CHECK(r != NULL);
	CHECK(r->nif == &eth0);
	CHECK_EQ(r->gw, 0);
	/* stored masked, whatever the caller passed */
	CHECK_EQ(r->dst, A(10, 0, 2, 0));
	CHECK_EQ(r->prefix_len, 24);
	CHECK(route_lookup(&T, A(10, 0, 3, 1)) == NULL);
}

TEST(test_route_default_route_catches_the_rest)
{
	const struct route *r;

	setup();
	CHECK_EQ(route_add(&T, A(10, 0, 2, 0), 24, 0, &eth0, 0), 0);
	CHECK_EQ(route_add(&T, 0, 0, A(10, 0, 2, 2), &eth0, 0), 0);
	r = route_lookup(&T, A(8, 8, 8, 8));
	CHECK(r != NULL);
	CHECK_EQ(r->gw, A(10, 0, 2, 2));
	CHECK_EQ(r->prefix_len, 0);
	r = route_lookup(&T, A(10, 0, 2, 7));
	CHECK_EQ(r->gw, 0);
	r = route_lookup(&T, 0xffffffff);
	CHECK_EQ(r->prefix_len, 0);
}

TEST(test_route_longest_prefix_wins_whatever_the_order)
{
	/* added most specific last, then first */
	for (int order = 0; order < 2; order++) {
		setup();
		if (order == 0)
			route_add(&T, 0, 0, A(10, 0, 2, 2), &eth0, 0);
		route_add(&T, A(192, 168, 0, 0), 16, A(10, 0, 2, 3), &eth0, 0);
		route_add(&T, A(192, 168, 7, 0), 24, A(10, 0, 2, 4), &eth0, 0);
		route_add(&T, A(192, 168, 7, 9), 32, A(10, 0, 2, 5), &eth0, 0);
		if (order == 1)
			route_add(&T, 0, 0, A(10, 0, 2, 2), &eth0, 0);
		CHECK_EQ(route_lookup(&T, A(192, 168, 7, 9))->gw,
			 A(10, 0, 2, 5));
		CHECK_EQ(route_lookup(&T, A(192, 168, 7, 8))->gw,
			 A(10, 0, 2, 4));
		CHECK_EQ(route_lookup(&T, A(192, 168, 8, 1))->gw,
			 A(10, 0, 2, 3));
		CHECK_EQ(route_lookup(&T, A(192, 169, 0, 1))->gw,
			 A(10, 0, 2, 2));
	}
}

TEST(test_route_lowest_metric_wins_among_equal_prefixes)
{
	setup();
	CHECK_EQ(route_add(&T, 0, 0, A(10, 0, 2, 2), &eth0, 100), 0);
	CHECK_EQ(route_add(&T, 0, 0, A(10, 1, 0, 1), &eth1, 10), 0);
	CHECK_EQ(route_add(&T, 0, 0, A(10, 2, 0, 1), &eth1, 50), 0);
	CHECK(route_lookup(&T, A(1, 2, 3, 4))->nif == &eth1);
	CHECK_EQ(route_lookup(&T, A(1, 2, 3, 4))->gw, A(10, 1, 0, 1));
	/* but a longer prefix beats any metric */
	CHECK_EQ(route_add(&T, A(1, 0, 0, 0), 8, A(10, 0, 2, 2), &eth0, 1000),
		 0);
	CHECK(route_lookup(&T, A(1, 2, 3, 4))->nif == &eth0);
}

TEST(test_route_duplicates_are_eexist)
{
	setup();
	CHECK_EQ(route_add(&T, A(10, 0, 2, 0), 24, 0, &eth0, 0), 0);
	CHECK_EQ(route_add(&T, A(10, 0, 2, 0), 24, 0, &eth0, 0), -EEXIST);
	/* same once masked */
	CHECK_EQ(route_add(&T, A(10, 0, 2, 15), 24, 0, &eth0, 5), -EEXIST);
	/* differing in prefix, interface or gateway: distinct routes */
	CHECK_EQ(route_add(&T, A(10, 0, 2, 0), 25, 0, &eth0, 0), 0);
	CHECK_EQ(route_add(&T, A(10, 0, 2, 0), 24, 0, &eth1, 0), 0);
	CHECK_EQ(route_add(&T, A(10, 0, 2, 0), 24, A(10, 0, 2, 1), &eth0, 0),
		 0);
	CHECK_EQ(count_routes(), 4);
}

TEST(test_route_table_full_is_enospc)
{
	setup();
	for (int i = 0; i < ROUTE_MAX; i++)
		CHECK_EQ(route_add(&T, A(10, i, 0, 0), 16, 0, &eth0, 0), 0);
	CHECK_EQ(route_add(&T, A(11, 0, 0, 0), 16, 0, &eth0, 0), -ENOSPC);
	/* a freed slot is reused */
	route_flush(&T, &eth0);
	CHECK_EQ(route_add(&T, A(11, 0, 0, 0), 16, 0, &eth0, 0), 0);
}

TEST(test_route_bad_arguments_are_einval)
{
	setup();
	CHECK_EQ(route_add(&T, 0, 33, 0, &eth0, 0), -EINVAL);
	CHECK_EQ(route_add(&T, 0, 0, 0, NULL, 0), -EINVAL);
	CHECK_EQ(count_routes(), 0);
}

TEST(test_route_flush_removes_only_that_interface)
{
	setup();
	route_add(&T, A(127, 0, 0, 0), 8, 0, &lo, 0);
	route_add(&T, A(10, 0, 2, 0), 24, 0, &eth0, 0);
	route_add(&T, 0, 0, A(10, 0, 2, 2), &eth0, 0);
	route_add(&T, A(10, 1, 0, 0), 16, 0, &eth1, 0);
	route_flush(&T, &eth0);
	CHECK_EQ(count_routes(), 2);
	CHECK(route_lookup(&T, A(10, 0, 2, 9)) == NULL);
	CHECK(route_lookup(&T, A(8, 8, 8, 8)) == NULL);
	CHECK(route_lookup(&T, A(10, 1, 2, 3))->nif == &eth1);
	CHECK(route_lookup(&T, A(127, 0, 0, 1))->nif == &lo);
	/* and they can come back */
	CHECK_EQ(route_add(&T, A(10, 0, 2, 0), 24, 0, &eth0, 0), 0);
}

struct walk {
	int n;
	uint32_t dst_sum;
};

static void walk_fn(const struct route *r, void *arg)
{
	struct walk *w = arg;

	w->n++;
	w->dst_sum += r->dst;
}

TEST(test_route_for_each_visits_every_route)
{
	struct walk w = { 0, 0 };

	setup();
	route_add(&T, A(10, 0, 2, 0), 24, 0, &eth0, 0);
	route_add(&T, A(10, 1, 0, 0), 16, 0, &eth1, 0);
	route_add(&T, 0, 0, A(10, 0, 2, 2), &eth0, 0);
	route_add(&T, A(10, 9, 0, 0), 16, 0, &eth1, 0);
	route_flush(&T, &eth1);
	route_add(&T, A(10, 7, 0, 0), 16, 0, &eth1, 0);
	route_for_each(&T, walk_fn, &w);
	CHECK_EQ(w.n, 3);
	CHECK_EQ(w.dst_sum, A(10, 0, 2, 0) + A(10, 7, 0, 0));
}

int main(void)
{
	RUN(test_route_empty_table_has_no_route);
	RUN(test_route_connected_subnet);
	RUN(test_route_default_route_catches_the_rest);
	RUN(test_route_longest_prefix_wins_whatever_the_order);
	RUN(test_route_lowest_metric_wins_among_equal_prefixes);
	RUN(test_route_duplicates_are_eexist);
	RUN(test_route_table_full_is_enospc);
	RUN(test_route_bad_arguments_are_einval);
	RUN(test_route_flush_removes_only_that_interface);
	RUN(test_route_for_each_visits_every_route);
	TEST_EXIT();
}
