/*
 * The sysctl table (net/sysctl.c) over a whole stack: Linux's names and
 * defaults, reading back what was set, bounds, malformed values, unknown
 * names, and ip_local_port_range reaching the port allocator.
 *
 * Build: gcc ... tests/net/test_sysctl.c, every net/ source but netdev.c,
 *        tests/net/sim.c tests/net/port_host.c
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/portalloc.h"
#include "net/stack.h"
#include "net/sysctl.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "tests/net/port_host.h"
#include "tests/unit/test.h"

static struct net_stack st;
static char buf[SYSCTL_VALUE_MAX];

static void setup(void)
{
	port_host_seed(7);
	memset(&st, 0, sizeof(st));
	net_stack_init(&st);
}

static void teardown(void)
{
	net_stack_free(&st);
}

/* The value of name as text; "<errno N>" when it cannot be read. */
static const char *get(const char *name)
{
	int n = sysctl_read(&st, name, buf, sizeof(buf));

	if (n < 0)
		snprintf(buf, sizeof(buf), "<errno %d>", -n);
	return buf;
}

TEST(test_sysctl_tcp_knobs_read_linux_defaults)
{
	setup();
	CHECK(strcmp(get("net.ipv4.tcp_fin_timeout"), "60") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_max_orphans"), "1024") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_max_tw_buckets"), "4096") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_orphan_retries"), "0") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_tw_reuse"), "2") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_syncookies"), "1") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_timestamps"), "1") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_keepalive_time"), "7200") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_keepalive_intvl"), "75") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_keepalive_probes"), "9") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_syn_retries"), "6") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_synack_retries"), "5") == 0);
	CHECK(strcmp(get("net.ipv4.tcp_retries2"), "15") == 0);
	teardown();
}

TEST(test_sysctl_write_reaches_the_tcp_sysctl_field_and_reads_back)
{
	setup();
	CHECK_EQ(sysctl_write(&st, "net.ipv4.tcp_fin_timeout", "30"), 0);
	CHECK_EQ(st.tcp.sysctl.fin_timeout, 30);
	CHECK(strcmp(get("net.ipv4.tcp_fin_timeout"), "30") == 0);
	CHECK_EQ(sysctl_write(&st, "net.ipv4.tcp_max_tw_buckets", "0"), 0);
	CHECK_EQ(st.tcp.sysctl.max_tw_buckets, 0);
	CHECK_EQ(sysctl_write(&st, "net.ipv4.tcp_tw_reuse", "1"), 0);
	CHECK_EQ(st.tcp.sysctl.tw_reuse, 1);
	CHECK_EQ(sysctl_write(&st, "net.ipv4.tcp_keepalive_probes", "3"), 0);
	CHECK_EQ(st.tcp.sysctl.keepalive_probes, 3);
	/* Nothing else moved. */
	CHECK_EQ(st.tcp.sysctl.max_orphans, 1024);
	CHECK_EQ(st.tcp.sysctl.keepalive_time, 7200);
	teardown();
}

TEST(test_sysctl_accepts_blanks_and_the_trailing_newline_of_echo)
{
	setup();
	CHECK_EQ(sysctl_write(&st, "net.ipv4.tcp_retries2", "  8\n"), 0);
	CHECK_EQ(st.tcp.sysctl.retries2, 8);
	CHECK_EQ(sysctl_write(&st, "net.ipv4.tcp_retries2", "+9"), 0);
	CHECK_EQ(st.tcp.sysctl.retries2, 9);
	CHECK_EQ(sysctl_write(&st, "net.ipv4.ip_local_port_range",
			      "1024 \t 2048\n"), 0);
	CHECK(strcmp(get("net.ipv4.ip_local_port_range"), "1024\t2048") == 0);
	teardown();
}

TEST(test_sysctl_linux_bounds_hold_and_a_refused_value_changes_nothing)
{
	setup();
	const struct {
		const char *name, *bad, *edge;
	} cases[] = {
		{ "net.ipv4.tcp_tw_reuse", "3", "2" },
		{ "net.ipv4.tcp_syncookies", "3", "2" },
		{ "net.ipv4.tcp_timestamps", "3", "2" },
		{ "net.ipv4.tcp_syn_retries", "128", "127" },
		{ "net.ipv4.tcp_syn_retries", "0", "1" },
		{ "net.ipv4.tcp_synack_retries", "256", "255" },
		{ "net.ipv4.tcp_retries2", "256", "0" },
		{ "net.ipv4.tcp_orphan_retries", "256", "255" },
		{ "net.ipv4.tcp_keepalive_time", "0", "1" },
		{ "net.ipv4.tcp_keepalive_time", "32768", "32767" },
		{ "net.ipv4.tcp_keepalive_intvl", "0", "32767" },
		{ "net.ipv4.tcp_keepalive_probes", "0", "127" },
		{ "net.ipv4.tcp_keepalive_probes", "128", "1" },
		{ "net.ipv4.tcp_fin_timeout", "0", "2147483" },
		{ "net.ipv4.tcp_fin_timeout", "2147484", "1" },
		{ "net.ipv4.tcp_max_orphans", "2147483648", "2147483647" },
		{ "net.ipv4.tcp_max_tw_buckets", "-1", "0" },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char before[SYSCTL_VALUE_MAX];

		strcpy(before, get(cases[i].name));
		CHECK_EQ(sysctl_write(&st, cases[i].name, cases[i].bad),
			 -EINVAL);
		CHECK(strcmp(get(cases[i].name), before) == 0);
		CHECK_EQ(sysctl_write(&st, cases[i].name, cases[i].edge), 0);
		CHECK(strcmp(get(cases[i].name), cases[i].edge) == 0);
	}
	teardown();
}

TEST(test_sysctl_malformed_values_are_einval)
{
	static const char *const bad[] = {
		"", " ", "abc", "12abc", "0x10", "1 2", "1.5", "--1",
		"99999999999999999999999",
	};

	setup();
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(sysctl_write(&st, "net.ipv4.tcp_fin_timeout", bad[i]),
			 -EINVAL);
	CHECK_EQ(st.tcp.sysctl.fin_timeout, 60);
	teardown();
}

TEST(test_sysctl_unknown_names_are_enoent)
{
	setup();
	CHECK_EQ(sysctl_read(&st, "net.ipv4.foo", buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(sysctl_write(&st, "net.ipv4.foo", "1"), -ENOENT);
	/* Whole names only: no prefix, no other spelling. */
	CHECK(sysctl_lookup("net.ipv4.tcp_fin") == NULL);
	CHECK(sysctl_lookup("tcp_fin_timeout") == NULL);
	CHECK(sysctl_lookup("net/ipv4/tcp_fin_timeout") == NULL);
	CHECK(sysctl_lookup("") == NULL);
	CHECK(sysctl_lookup("net.ipv4.tcp_fin_timeout") != NULL);
	teardown();
}

TEST(test_sysctl_port_range_prints_tab_separated_linux_default)
{
	setup();
	CHECK(strcmp(get("net.ipv4.ip_local_port_range"), "32768\t60999") ==
	      0);
	teardown();
}

TEST(test_sysctl_port_range_write_moves_tcp_and_udp_ephemeral_ports)
{
	struct port_alloc *pa;
	uint16_t lo, hi, p;

	setup();
	pa = net_port_alloc(&st);
	CHECK_EQ(sysctl_write(&st, "net.ipv4.ip_local_port_range",
			      "40000 40003"), 0);
	port_alloc_get_range(pa, &lo, &hi);
	CHECK_EQ(lo, 40000);
	CHECK_EQ(hi, 40003);
	CHECK(strcmp(get("net.ipv4.ip_local_port_range"), "40000\t40003") ==
	      0);
	for (enum port_proto proto = PORT_UDP; proto <= PORT_TCP; proto++) {
		struct port_table *t = port_table(pa, proto, PORT_INET);

		CHECK_EQ(port_ephemeral(t, 0, 0, &p), 0);
		CHECK(p >= 40000 && p <= 40003);
		CHECK_EQ(port_put(t, p, 0), 0);
	}
	/* One port is a range too. */
	CHECK_EQ(sysctl_write(&st, "net.ipv4.ip_local_port_range",
			      "50000 50000"), 0);
	CHECK(strcmp(get("net.ipv4.ip_local_port_range"), "50000\t50000") ==
	      0);
	teardown();
}

TEST(test_sysctl_port_range_refuses_reversed_zero_large_and_half_values)
{
	static const char *const bad[] = {
		"40000 30000", "0 100", "1024 65536", "40000", "1 2 3",
	};

	setup();
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(sysctl_write(&st, "net.ipv4.ip_local_port_range",
				      bad[i]), -EINVAL);
		CHECK(strcmp(get("net.ipv4.ip_local_port_range"),
			     "32768\t60999") == 0);
	}
	CHECK_EQ(sysctl_write(&st, "net.ipv4.ip_local_port_range",
			      "1 65535"), 0);
	teardown();
}

TEST(test_sysctl_table_is_sorted_and_every_entry_reads_and_rewrites)
{
	setup();
	CHECK(sysctl_count() >= 13);
	CHECK(sysctl_at(sysctl_count()) == NULL);
	for (unsigned i = 0; i < sysctl_count(); i++) {
		const struct sysctl_entry *e = sysctl_at(i);
		char v[SYSCTL_VALUE_MAX];

		CHECK(strncmp(e->name, "net.ipv4.", 9) == 0);
		if (i > 0)
			CHECK(strcmp(sysctl_at(i - 1)->name, e->name) < 0);
		CHECK(sysctl_lookup(e->name) == e);
		CHECK(sysctl_format(&st, e, v, sizeof(v)) > 0);
		/* What reads back is a value the entry accepts. */
		CHECK_EQ(sysctl_parse(&st, e, v), 0);
		CHECK(strcmp(get(e->name), v) == 0);
	}
	teardown();
}

TEST(test_sysctl_format_into_a_short_buffer_is_enospc)
{
	char small[6];

	setup();
	CHECK_EQ(sysctl_read(&st, "net.ipv4.ip_local_port_range", small,
			     sizeof(small)), -ENOSPC);
	CHECK_EQ(sysctl_read(&st, "net.ipv4.tcp_fin_timeout", small,
			     sizeof(small)), 2);
	CHECK(strcmp(small, "60") == 0);
	teardown();
}

int main(void)
{
	RUN(test_sysctl_tcp_knobs_read_linux_defaults);
	RUN(test_sysctl_write_reaches_the_tcp_sysctl_field_and_reads_back);
	RUN(test_sysctl_accepts_blanks_and_the_trailing_newline_of_echo);
	RUN(test_sysctl_linux_bounds_hold_and_a_refused_value_changes_nothing);
	RUN(test_sysctl_malformed_values_are_einval);
	RUN(test_sysctl_unknown_names_are_enoent);
	RUN(test_sysctl_port_range_prints_tab_separated_linux_default);
	RUN(test_sysctl_port_range_write_moves_tcp_and_udp_ephemeral_ports);
	RUN(test_sysctl_port_range_refuses_reversed_zero_large_and_half_values);
	RUN(test_sysctl_table_is_sorted_and_every_entry_reads_and_rewrites);
	RUN(test_sysctl_format_into_a_short_buffer_is_enospc);
	TEST_EXIT();
}
