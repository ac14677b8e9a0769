/*
 * IPv6 address helpers and text forms (net/ip6_addr.c), on the host.
 *
 * Build: gcc ... tests/net/test_ip6_addr.c net/ip6_addr.c net/inet.c
 */
#include <string.h>

#include "net/ip6_addr.h"
#include "tests/unit/test.h"

static struct ip6_addr A(const char *s)
{
	struct ip6_addr a;

	if (!ip6_addr_parse(s, &a))
		memset(&a, 0xee, sizeof(a));	/* a test will notice */
	return a;
}

static const char *fmt(const char *s)
{
	static char buf[IP6_ADDRSTRLEN];
	struct ip6_addr a = A(s);

	return ip6_addr_format(&a, buf);
}

#define CHECK_STR(a, b) CHECK(strcmp((a), (b)) == 0)

TEST(test_ip6_addr_format_follows_rfc5952)
{
	/* 4.1 leading zeros; 4.2.1 the longest run; 4.2.2 not one group;
	 * 4.2.3 the first of equal runs; 4.3 lower case; 5 mapped. */
	CHECK_STR(fmt("2001:0db8:0000:0000:0000:0000:0000:0001"),
		  "2001:db8::1");
	CHECK_STR(fmt("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
	CHECK_STR(fmt("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
	CHECK_STR(fmt("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
	CHECK_STR(fmt("2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF"),
		  "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff");
	CHECK_STR(fmt("0:0:0:0:0:0:0:0"), "::");
	CHECK_STR(fmt("0:0:0:0:0:0:0:1"), "::1");
	CHECK_STR(fmt("1:0:0:0:0:0:0:0"), "1::");
	CHECK_STR(fmt("fe80::5054:ff:fe12:3456"), "fe80::5054:ff:fe12:3456");
	CHECK_STR(fmt("ff02::1:ff12:3456"), "ff02::1:ff12:3456");
	CHECK_STR(fmt("::ffff:10.0.2.15"), "::ffff:10.0.2.15");
	CHECK_STR(fmt("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
	CHECK_STR(fmt("0:1:0:1:0:1:0:1"), "0:1:0:1:0:1:0:1");
}

TEST(test_ip6_addr_parse_accepts_rfc4291_forms)
{
	struct ip6_addr a;

	CHECK(ip6_addr_parse("::", &a) && ip6_addr_is_unspecified(&a));
	CHECK(ip6_addr_parse("::1", &a) && ip6_addr_is_loopback(&a));
	CHECK(ip6_addr_parse("ff02::1", &a) &&
	      ip6_addr_eq(&a, &ip6_addr_allnodes));
	CHECK(ip6_addr_parse("FF02:0:0:0:0:0:0:2", &a) &&
	      ip6_addr_eq(&a, &ip6_addr_allrouters));
	CHECK(ip6_addr_parse("1:2:3:4:5:6:7::", &a));
	CHECK_EQ(a.b[13], 7);
	CHECK_EQ(a.b[15], 0);
	CHECK(ip6_addr_parse("::2:3:4:5:6:7:8", &a));
	CHECK_EQ(a.b[0] | a.b[1], 0);
	CHECK_EQ(a.b[3], 2);
	CHECK(ip6_addr_parse("::10.0.2.15", &a));
	CHECK_EQ(a.b[12], 10);
	CHECK_EQ(a.b[15], 15);
	CHECK(ip6_addr_parse("64:ff9b::192.0.2.33", &a));
	CHECK_EQ(a.b[1], 0x64);
	CHECK_EQ(a.b[15], 33);
	CHECK(ip6_addr_parse("1:2:3:4:5:6:1.2.3.4", &a));
	CHECK_EQ(a.b[11], 6);
	CHECK_EQ(a.b[12], 1);
}

TEST(test_ip6_addr_parse_rejects_malformed_text)
{
	static const char *const bad[] = {
		"", ":", ":::", "1:", ":1", "1:::2", "1::2::3",
		"1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
		"g::1", "1:2:3:4:5:6:7:8::", "::1 ", " ::1", "1::2:",
		"::1.2.3", "::1.2.3.256", "1:2:3:4:5:6:7:1.2.3.4",
		"::1.2.3.4:5", "fe80::1%eth0",
	};
	struct ip6_addr a = ip6_addr_loopback;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ip6_addr_parse(bad[i], &a))
			FAIL_AT("\"%s\" parsed", bad[i]);
	}
	CHECK(ip6_addr_is_loopback(&a));	/* untouched */
}

TEST(test_ip6_addr_format_parse_round_trip)
{
	char buf[IP6_ADDRSTRLEN];
	struct ip6_addr a, b;
	uint32_t x = 1;

	/* Random addresses with random zero groups: every one comes
	 * back as it went, and is at most 39 characters. */
	for (int n = 0; n < 2000; n++) {
		for (int i = 0; i < 16; i += 2) {
			x = x * 1103515245u + 12345u;
			bool zero = (x >> 16) & 1;
			a.b[i] = zero ? 0 : (uint8_t)(x >> 24);
			a.b[i + 1] = zero ? 0 : (uint8_t)(x >> 8);
		}
		ip6_addr_format(&a, buf);
		CHECK(strlen(buf) <= 39);
		CHECK(ip6_addr_parse(buf, &b));
		CHECK(ip6_addr_eq(&a, &b));
	}
}

TEST(test_ip6_addr_classes_and_scopes)
{
	struct ip6_addr a = A("fe80::1");

	CHECK(ip6_addr_is_linklocal(&a));
	CHECK_EQ(ip6_addr_scope(&a), IP6_SCOPE_LINK);
	a = A("febf::1");
	CHECK(ip6_addr_is_linklocal(&a));
	a = A("fec0::1");
	CHECK(!ip6_addr_is_linklocal(&a));
	CHECK_EQ(ip6_addr_scope(&a), IP6_SCOPE_SITE);
	a = A("2001:db8::1");
	CHECK_EQ(ip6_addr_scope(&a), IP6_SCOPE_GLOBAL);
	CHECK(!ip6_addr_is_multicast(&a));
	CHECK_EQ(ip6_addr_scope(&ip6_addr_loopback), IP6_SCOPE_LINK);
	CHECK_EQ(ip6_addr_scope(&ip6_addr_allnodes), IP6_SCOPE_LINK);
	a = A("ff05::2");
	CHECK(ip6_addr_is_multicast(&a));
	CHECK_EQ(ip6_addr_scope(&a), IP6_SCOPE_SITE);
	a = A("ff01::1");
	CHECK_EQ(ip6_addr_scope(&a), IP6_SCOPE_IFACE);
	CHECK(ip6_addr_is_unspecified(&ip6_addr_any));
	CHECK(!ip6_addr_is_unspecified(&ip6_addr_loopback));
}

TEST(test_ip6_addr_solicited_node_and_eui64)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct ip6_addr a = A("fe80::"), g, want = A("fe80::5054:ff:fe12:3456");

	ip6_addr_set_eui64(&a, mac);
	CHECK(ip6_addr_eq(&a, &want));
	ip6_addr_solicited_node(&g, &a);
	want = A("ff02::1:ff12:3456");
	CHECK(ip6_addr_eq(&g, &want));
	CHECK(ip6_addr_is_solicited(&g));
	CHECK(!ip6_addr_is_solicited(&ip6_addr_allnodes));
	/* A locally administered MAC gets the bit cleared. */
	static const uint8_t local[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	ip6_addr_set_eui64(&a, local);
	want = A("fe80::ff:fe00:1");
	CHECK(ip6_addr_eq(&a, &want));
}

TEST(test_ip6_addr_prefixes)
{
	struct ip6_addr a = A("2001:db8:1234:5678:9abc::1"), p, want;

	ip6_addr_prefix(&p, &a, 64);
	want = A("2001:db8:1234:5678::");
	CHECK(ip6_addr_eq(&p, &want));
	ip6_addr_prefix(&p, &a, 36);
	want = A("2001:db8:1000::");
	CHECK(ip6_addr_eq(&p, &want));
	ip6_addr_prefix(&p, &a, 0);
	CHECK(ip6_addr_is_unspecified(&p));
	ip6_addr_prefix(&p, &a, 128);
	CHECK(ip6_addr_eq(&p, &a));

	struct ip6_addr b = A("2001:db8:1234:5678:9abc::2");
	CHECK_EQ(ip6_addr_common_prefix(&a, &b), 126);
	CHECK_EQ(ip6_addr_common_prefix(&a, &a), 128);
	CHECK(ip6_addr_prefix_eq(&a, &b, 64));
	CHECK(ip6_addr_prefix_eq(&a, &b, 126));
	CHECK(!ip6_addr_prefix_eq(&a, &b, 127));
	b = A("8000::");
	CHECK_EQ(ip6_addr_common_prefix(&a, &b), 0);
}

TEST(test_ip6_prefix_parse_for_the_command_line)
{
	struct ip6_addr a, want = A("2001:db8::2");
	uint8_t plen = 0;

	CHECK(ip6_prefix_parse("2001:db8::2/64", &a, &plen));
	CHECK(ip6_addr_eq(&a, &want));
	CHECK_EQ(plen, 64);
	CHECK(ip6_prefix_parse("2001:db8::2", &a, &plen));
	CHECK_EQ(plen, 128);
	CHECK(ip6_prefix_parse("::/0", &a, &plen));
	CHECK_EQ(plen, 0);
	CHECK(!ip6_prefix_parse("2001:db8::2/129", &a, &plen));
	CHECK(!ip6_prefix_parse("2001:db8::2/", &a, &plen));
	CHECK(!ip6_prefix_parse("2001:db8::2/6x", &a, &plen));
	CHECK(!ip6_prefix_parse("2001:db8::2/0064", &a, &plen));
	CHECK(!ip6_prefix_parse("10.0.0.1/24", &a, &plen));
	CHECK(!ip6_prefix_parse(
		"0000:0000:0000:0000:0000:0000:0000:0000:0000/64", &a, &plen));
}

int main(void)
{
	RUN(test_ip6_addr_format_follows_rfc5952);
	RUN(test_ip6_addr_parse_accepts_rfc4291_forms);
	RUN(test_ip6_addr_parse_rejects_malformed_text);
	RUN(test_ip6_addr_format_parse_round_trip);
	RUN(test_ip6_addr_classes_and_scopes);
	RUN(test_ip6_addr_solicited_node_and_eui64);
	RUN(test_ip6_addr_prefixes);
	RUN(test_ip6_prefix_parse_for_the_command_line);
	TEST_EXIT();
}
