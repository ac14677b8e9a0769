/*
 * Unit tests for kernel/net_cmdline.c (ip6= and gw6= on the kernel
 * command line) and cmdline_split_scope() of kernel/cmdline.c (ping's
 * "fe80::1%eth0").
 */
#include <errno.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/net_cmdline.h"
#include "test.h"

static struct ip6_addr A(const char *s)
{
	struct ip6_addr a;

	if (!ip6_addr_parse(s, &a))
		memset(&a, 0xee, sizeof(a));
	return a;
}

TEST(test_ip6_arg_gives_address_and_prefix)
{
	struct ip6_addr a, g, want = A("fd00:3::2");
	uint8_t plen;

	CHECK_EQ(net_cmdline_parse_ip6("fd00:3::2/64", NULL, &a, &plen, &g), 0);
	CHECK(ip6_addr_eq(&a, &want));
	CHECK_EQ(plen, 64);
	CHECK(ip6_addr_is_unspecified(&g));
}

TEST(test_ip6_arg_without_prefix_is_a_host_address)
{
	struct ip6_addr a, g;
	uint8_t plen;

	CHECK_EQ(net_cmdline_parse_ip6("2001:db8::7", NULL, &a, &plen, &g), 0);
	CHECK_EQ(plen, 128);
}

TEST(test_gw6_arg_gives_default_router)
{
	struct ip6_addr a, g, want = A("fe80::1");
	uint8_t plen;

	CHECK_EQ(net_cmdline_parse_ip6("fd00:3::2/64", "fe80::1", &a, &plen,
				       &g),
		 0);
	CHECK(ip6_addr_eq(&g, &want));
}

TEST(test_ip6_arg_rejects_what_cannot_be_an_interface_address)
{
	static const char *const bad[] = {
		"", "fd00::2/", "fd00::2/129", "fd00::2/0", "fd00::2/64x",
		"::/64", "::1/128", "ff02::1/64", "10.0.3.2/24",
		"fd00:::2/64", "fd00::2 /64", "/64",
	};
	struct ip6_addr a = A("::9"), g = A("::9"), nine = A("::9");
	uint8_t plen = 99;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (net_cmdline_parse_ip6(bad[i], NULL, &a, &plen, &g) != -EINVAL)
			FAIL_AT("ip6=%s accepted", bad[i]);
	CHECK_EQ(net_cmdline_parse_ip6(NULL, NULL, &a, &plen, &g), -EINVAL);
	/* Nothing written on failure. */
	CHECK(ip6_addr_eq(&a, &nine) && ip6_addr_eq(&g, &nine));
	CHECK_EQ(plen, 99);
}

TEST(test_gw6_arg_rejects_group_unspecified_and_junk)
{
	static const char *const bad[] = {
		"", "::", "::1", "ff02::2", "fe80::1/64", "10.0.3.1", "fe80::g",
	};
	struct ip6_addr a, g;
	uint8_t plen;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (net_cmdline_parse_ip6("fd00:3::2/64", bad[i], &a, &plen,
					  &g) != -EINVAL)
			FAIL_AT("gw6=%s accepted", bad[i]);
	/* gw6= alone configures nothing. */
	CHECK_EQ(net_cmdline_parse_ip6(NULL, "fe80::1", &a, &plen, &g),
		 -EINVAL);
}

TEST(test_split_scope_separates_host_and_interface)
{
	char h[48], sc[16];

	CHECK(cmdline_split_scope("fe80::1%eth0", h, sizeof(h), sc, sizeof(sc)));
	CHECK(strcmp(h, "fe80::1") == 0 && strcmp(sc, "eth0") == 0);
	CHECK(cmdline_split_scope("fd00:3::1", h, sizeof(h), sc, sizeof(sc)));
	CHECK(strcmp(h, "fd00:3::1") == 0 && strcmp(sc, "") == 0);
}

TEST(test_split_scope_rejects_empty_parts_and_overlong_ones)
{
	char h[8], sc[5];

	CHECK(!cmdline_split_scope("fe80::1%", h, sizeof(h), sc, sizeof(sc)));
	CHECK(!cmdline_split_scope("%eth0", h, sizeof(h), sc, sizeof(sc)));
	CHECK(!cmdline_split_scope("", h, sizeof(h), sc, sizeof(sc)));
	CHECK(!cmdline_split_scope("fe80::12%e", h, sizeof(h), sc, sizeof(sc)));
	CHECK(!cmdline_split_scope("fe80::1%eth10", h, sizeof(h), sc,
				   sizeof(sc)));
	CHECK(cmdline_split_scope("fe80::1%eth1", h, sizeof(h), sc, sizeof(sc)));
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

TEST(test_ip_config_accepts_good_forms)
{
	uint32_t a = 0, g = 1;
	uint8_t p = 0;

	CHECK_EQ(net_cmdline_parse_ip("10.0.0.2/24", "10.0.0.1", &a, &p, &g), 0);
	CHECK_EQ(a, IP(10, 0, 0, 2));
	CHECK_EQ(p, 24);
	CHECK_EQ(g, IP(10, 0, 0, 1));

	CHECK_EQ(net_cmdline_parse_ip("192.168.1.77", NULL, &a, &p, &g), 0);
	CHECK_EQ(a, IP(192, 168, 1, 77));
	CHECK_EQ(p, 24);	/* default */
	CHECK_EQ(g, 0);

	CHECK_EQ(net_cmdline_parse_ip("172.16.5.4/12", "172.31.255.254", &a,
				     &p, &g), 0);
	CHECK_EQ(p, 12);
	CHECK_EQ(net_cmdline_parse_ip("10.9.8.7/32", NULL, &a, &p, &g), 0);
	CHECK_EQ(p, 32);
	CHECK_EQ(net_cmdline_parse_ip("10.0.0.0/31", "10.0.0.1", &a, &p, &g), 0);
	CHECK_EQ(net_cmdline_parse_ip("10.0.0.5/8", "10.200.0.1", &a, &p, &g), 0);
	CHECK_EQ(net_cmdline_parse_ip("10.0.0.5/0", NULL, &a, &p, &g), 0);
	CHECK_EQ(p, 0);
}

TEST(test_ip_config_rejects_bad_forms)
{
	static const char *const bad_ip[] = {
		"", "10.0.0", "10.0.0.2.1", "10.0.0.256/24", "10.0.0.2/",
		"10.0.0.2/33", "10.0.0.2/024", "10.0.0.2/2a", "10.0.0.2/24/",
		"10.0.0.2 /24", " 10.0.0.2", "10.0.0.2/-1", "0.0.0.0/0",
		"127.0.0.1/8", "224.0.0.1/24", "255.255.255.255/32",
		"10.0.0.0/24", "10.0.0.255/24", "a.b.c.d/24",
		"10.0.0.2/24xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"10.0.0.2222222222222222222222222222/24",
	};
	static const char *const bad_gw[] = {
		"", "10.0.0", "10.0.1.1", "10.0.0.2", "0.0.0.0",
		"255.255.255.255", "10.0.0.1/24", "10.0.0.1 ",
	};
	uint32_t a = 7, g = 7;
	uint8_t p = 7;

	for (size_t i = 0; i < sizeof(bad_ip) / sizeof(bad_ip[0]); i++)
		if (net_cmdline_parse_ip(bad_ip[i], NULL, &a, &p, &g) != -EINVAL)
			FAIL_AT("ip=%s accepted", bad_ip[i]);
	for (size_t i = 0; i < sizeof(bad_gw) / sizeof(bad_gw[0]); i++)
		if (net_cmdline_parse_ip("10.0.0.2/24", bad_gw[i], &a, &p, &g) !=
		    -EINVAL)
			FAIL_AT("gw=%s accepted", bad_gw[i]);
	CHECK_EQ(net_cmdline_parse_ip(NULL, NULL, &a, &p, &g), -EINVAL);
	CHECK_EQ(net_cmdline_parse_ip("10.0.0.2/32", "10.0.0.1", &a, &p, &g),
		 -EINVAL);
	/* Outputs untouched on error. */
	CHECK_EQ(a, 7);
	CHECK_EQ(p, 7);
	CHECK_EQ(g, 7);
}

int main(void)
{
	RUN(test_ip_config_accepts_good_forms);
	RUN(test_ip_config_rejects_bad_forms);
	RUN(test_ip6_arg_gives_address_and_prefix);
	RUN(test_ip6_arg_without_prefix_is_a_host_address);
	RUN(test_gw6_arg_gives_default_router);
	RUN(test_ip6_arg_rejects_what_cannot_be_an_interface_address);
	RUN(test_gw6_arg_rejects_group_unspecified_and_junk);
	RUN(test_split_scope_separates_host_and_interface);
	RUN(test_split_scope_rejects_empty_parts_and_overlong_ones);
	TEST_EXIT();
}
