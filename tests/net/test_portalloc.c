/*
 * The port allocator (net/portalloc.c): ephemeral ranges, the advancing
 * cursor, exhaustion, sharing rules and reference counts.
 *
 * Build: gcc ... tests/net/test_portalloc.c net/portalloc.c
 *        tests/net/port_host.c
 */
#include <errno.h>
#include <string.h>

#include "net/portalloc.h"
#include "tests/net/port_host.h"
#include "tests/unit/test.h"

static struct port_alloc pa;

static struct port_table *udp(void)
{
	return port_table(&pa, PORT_UDP, PORT_INET);
}

static void setup(unsigned lo, unsigned hi)
{
	port_host_seed(42);
	port_alloc_init(&pa);
	if (lo)
		port_alloc_set_range(&pa, lo, hi);
}

/* Give back every port of [lo, hi] still held in t. */
static void release_all(struct port_table *t, unsigned lo, unsigned hi)
{
	for (unsigned p = lo; p <= hi; p++)
		while (port_refs(t, (uint16_t)p))
			if (port_put(t, (uint16_t)p, 0))
				port_put(t, (uint16_t)p, PORT_REUSE);
}

TEST(test_portalloc_default_range_is_linux_ip_local_port_range)
{
	uint16_t lo, hi, p;

	setup(0, 0);
	port_alloc_get_range(&pa, &lo, &hi);
	CHECK_EQ(lo, 32768);
	CHECK_EQ(hi, 60999);
	for (int i = 0; i < 100; i++) {
		CHECK_EQ(port_ephemeral(udp(), 0, 0, &p), 0);
		CHECK(p >= 32768 && p <= 60999);
	}
	CHECK_EQ(udp()->in_use, 100);
	release_all(udp(), 32768, 60999);
	CHECK_EQ(udp()->in_use, 0);
	CHECK_EQ(port_host_allocs, 0);
}

TEST(test_portalloc_exhausted_range_fails_after_one_scan)
{
	uint16_t p, seen[10] = { 0 };

	setup(5000, 5009);
	for (int i = 0; i < 10; i++) {
		CHECK_EQ(port_ephemeral(udp(), 0, 0, &p), 0);
		CHECK(p >= 5000 && p <= 5009);
		CHECK_EQ(seen[p - 5000], 0);
		seen[p - 5000] = 1;
	}
	uint32_t before = udp()->cursor;
	CHECK_EQ(port_ephemeral(udp(), 0, 0, &p), -EADDRNOTAVAIL);
	CHECK_EQ(udp()->cursor - before, 10);	/* exactly one scan */
	/* A freed port is found again. */
	CHECK_EQ(port_put(udp(), 5003, 0), 0);
	CHECK_EQ(port_ephemeral(udp(), 0, 0, &p), 0);
	CHECK_EQ(p, 5003);
	release_all(udp(), 5000, 5009);
	CHECK_EQ(port_host_allocs, 0);
}

TEST(test_portalloc_cursor_advances_past_a_freed_port)
{
	uint16_t a, b, c;

	setup(6000, 6099);
	CHECK_EQ(port_ephemeral(udp(), 0, 0, &a), 0);
	CHECK_EQ(port_ephemeral(udp(), 0, 0, &b), 0);
	CHECK_EQ(b, 6000 + (a - 6000 + 1) % 100);
	/* Freeing a does not make it the next choice (RFC 6056: avoid
	 * reusing a port just closed). */
	CHECK_EQ(port_put(udp(), a, 0), 0);
	CHECK_EQ(port_ephemeral(udp(), 0, 0, &c), 0);
	CHECK_EQ(c, 6000 + (b - 6000 + 1) % 100);
	/* A held port is stepped over. */
	uint16_t next = (uint16_t)(6000 + (c - 6000 + 1) % 100), d;
	CHECK_EQ(port_bind(udp(), next, 0), 0);
	CHECK_EQ(port_ephemeral(udp(), 0, 0, &d), 0);
	CHECK_EQ(d, 6000 + (c - 6000 + 2) % 100);
	release_all(udp(), 6000, 6099);
	CHECK_EQ(port_host_allocs, 0);
}

TEST(test_portalloc_cursor_starts_at_random)
{
	uint16_t p1, p2;

	port_host_seed(1);
	port_alloc_init(&pa);
	CHECK_EQ(port_ephemeral(udp(), 0, 0, &p1), 0);
	release_all(udp(), p1, p1);
	port_host_seed(2);
	port_alloc_init(&pa);
	CHECK_EQ(port_ephemeral(udp(), 0, 0, &p2), 0);
	release_all(udp(), p2, p2);
	CHECK(p1 != p2);
}

TEST(test_portalloc_refcount_frees_with_last_put)
{
	setup(0, 0);
	CHECK_EQ(port_bind(udp(), 8080, 0), 0);
	CHECK_EQ(port_refs(udp(), 8080), 1);
	/* An accepted connection shares its listener's port. */
	CHECK_EQ(port_get(udp(), 8080, 0), 0);
	CHECK_EQ(port_get(udp(), 8080, 0), 0);
	CHECK_EQ(port_refs(udp(), 8080), 3);
	CHECK_EQ(port_put(udp(), 8080, 0), 0);
	CHECK_EQ(port_put(udp(), 8080, 0), 0);
	CHECK_EQ(port_refs(udp(), 8080), 1);
	CHECK_EQ(port_bind(udp(), 8080, 0), -EADDRINUSE);
	CHECK_EQ(port_put(udp(), 8080, 0), 0);
	CHECK_EQ(port_refs(udp(), 8080), 0);
	CHECK_EQ(port_put(udp(), 8080, 0), -ENOENT);
	CHECK_EQ(port_bind(udp(), 8080, 0), 0);
	CHECK_EQ(port_put(udp(), 8080, 0), 0);
	CHECK_EQ(port_host_allocs, 0);
}

TEST(test_portalloc_bind_in_use_needs_reuse_on_every_holder)
{
	setup(0, 0);
	CHECK_EQ(port_bind(udp(), 53, 0), 0);
	CHECK_EQ(port_bind(udp(), 53, PORT_REUSE), -EADDRINUSE);
	CHECK_EQ(port_put(udp(), 53, 0), 0);

	CHECK_EQ(port_bind(udp(), 53, PORT_REUSE), 0);
	CHECK_EQ(port_bind(udp(), 53, 0), -EADDRINUSE);
	CHECK_EQ(port_bind(udp(), 53, PORT_REUSE), 0);
	CHECK_EQ(port_refs(udp(), 53), 2);
	/* A holder without SO_REUSEADDR (let in by port_get) closes the
	 * port to further sharing. */
	CHECK_EQ(port_get(udp(), 53, 0), 0);
	CHECK_EQ(port_bind(udp(), 53, PORT_REUSE), -EADDRINUSE);
	CHECK_EQ(port_bind(udp(), 0, 0), -EINVAL);
	release_all(udp(), 53, 53);
	CHECK_EQ(port_host_allocs, 0);
}

TEST(test_portalloc_relaxed_holder_lets_reuse_bind_in)
{
	struct port_table *t;

	setup(0, 0);
	t = port_table(&pa, PORT_TCP, PORT_INET);
	/* A listener without SO_REUSEADDR and its accepted connection. */
	CHECK_EQ(port_bind(t, 80, 0), 0);
	CHECK_EQ(port_get(t, 80, 0), 0);
	/* The listener goes; the connection enters TIME_WAIT. */
	CHECK_EQ(port_put(t, 80, 0), 0);
	CHECK_EQ(port_bind(t, 80, PORT_REUSE), -EADDRINUSE);
	CHECK_EQ(port_relax(t, 80), 0);
	CHECK_EQ(port_relax(t, 80), -ENOENT);
	CHECK_EQ(port_bind(t, 80, 0), -EADDRINUSE);
	CHECK_EQ(port_bind(t, 80, PORT_REUSE), 0);
	/* A strict put where no strict reference is left changes nothing. */
	CHECK_EQ(port_put(t, 80, 0), -ENOENT);
	CHECK_EQ(port_refs(t, 80), 2);
	CHECK_EQ(port_put(t, 80, PORT_REUSE), 0);
	CHECK_EQ(port_put(t, 80, PORT_REUSE), 0);
	CHECK_EQ(port_refs(t, 80), 0);
	CHECK_EQ(port_host_allocs, 0);
}

TEST(test_portalloc_range_change_applies_to_udp_and_tcp_only)
{
	uint16_t p, lo, hi;

	setup(0, 0);
	CHECK_EQ(port_alloc_set_range(&pa, 0, 10), -EINVAL);
	CHECK_EQ(port_alloc_set_range(&pa, 2000, 1999), -EINVAL);
	CHECK_EQ(port_alloc_set_range(&pa, 40000, 70000), -EINVAL);
	port_alloc_get_range(&pa, &lo, &hi);
	CHECK_EQ(lo, 32768);
	CHECK_EQ(hi, 60999);

	CHECK_EQ(port_alloc_set_range(&pa, 1024, 1024), 0);
	port_alloc_get_range(&pa, &lo, &hi);
	CHECK_EQ(lo, 1024);
	CHECK_EQ(hi, 1024);
	CHECK_EQ(port_ephemeral(udp(), 12345, 0, &p), 0);
	CHECK_EQ(p, 1024);
	CHECK_EQ(port_ephemeral(udp(), 0, 0, &p), -EADDRNOTAVAIL);
	struct port_table *tcp = port_table(&pa, PORT_TCP, PORT_INET);
	CHECK_EQ(port_ephemeral(tcp, 0, 0, &p), 0);
	CHECK_EQ(p, 1024);
	struct port_table *tcp6 = port_table(&pa, PORT_TCP, PORT_INET6);
	CHECK_EQ(tcp6->lo, 1024);
	struct port_table *ping = port_table(&pa, PORT_PING, PORT_INET);
	CHECK_EQ(ping->lo, 1);
	CHECK_EQ(ping->hi, 65535);
	/* Widening the range makes room again. */
	CHECK_EQ(port_alloc_set_range(&pa, 1024, 1025), 0);
	CHECK_EQ(port_ephemeral(udp(), 0, 0, &p), 0);
	CHECK_EQ(p, 1025);
	release_all(udp(), 1024, 1025);
	release_all(tcp, 1024, 1025);
	CHECK_EQ(port_host_allocs, 0);
}

TEST(test_portalloc_tables_are_independent_per_protocol_and_family)
{
	setup(0, 0);
	CHECK_EQ(port_bind(udp(), 7, 0), 0);
	CHECK_EQ(port_bind(port_table(&pa, PORT_TCP, PORT_INET), 7, 0), 0);
	CHECK_EQ(port_bind(port_table(&pa, PORT_UDP, PORT_INET6), 7, 0), 0);
	CHECK_EQ(port_bind(port_table(&pa, PORT_PING, PORT_INET), 7, 0), 0);
	CHECK_EQ(port_bind(udp(), 7, 0), -EADDRINUSE);
	for (int pr = 0; pr < PORT_NPROTO; pr++)
		for (int f = 0; f < PORT_NFAMILY; f++)
			release_all(port_table(&pa, pr, f), 7, 7);
	CHECK_EQ(port_host_allocs, 0);
}

TEST(test_portalloc_offset_separates_peers)
{
	setup(0, 0);
	uint32_t a = port_offset(&pa, 0x0a00020f, 0x5db8d822, 80);
	uint32_t b = port_offset(&pa, 0x0a00020f, 0x5db8d823, 80);
	uint32_t c = port_offset(&pa, 0x0a00020f, 0x5db8d822, 443);
	CHECK(a != b && a != c && b != c);
	CHECK_EQ(port_offset(&pa, 0x0a00020f, 0x5db8d822, 80), a);
	/* Algorithm 3: the same peer gets consecutive ports. */
	uint16_t p1, p2;
	CHECK_EQ(port_ephemeral(udp(), a, 0, &p1), 0);
	CHECK_EQ(port_ephemeral(udp(), a, 0, &p2), 0);
	CHECK_EQ(p2, 32768 + (p1 - 32768 + 1) % (60999 - 32768 + 1));
	release_all(udp(), p1, p1);
	release_all(udp(), p2, p2);
	CHECK_EQ(port_host_allocs, 0);
}

int main(void)
{
	RUN(test_portalloc_default_range_is_linux_ip_local_port_range);
	RUN(test_portalloc_exhausted_range_fails_after_one_scan);
	RUN(test_portalloc_cursor_advances_past_a_freed_port);
	RUN(test_portalloc_cursor_starts_at_random);
	RUN(test_portalloc_refcount_frees_with_last_put);
	RUN(test_portalloc_bind_in_use_needs_reuse_on_every_holder);
	RUN(test_portalloc_relaxed_holder_lets_reuse_bind_in);
	RUN(test_portalloc_range_change_applies_to_udp_and_tcp_only);
	RUN(test_portalloc_tables_are_independent_per_protocol_and_family);
	RUN(test_portalloc_offset_separates_peers);
	TEST_EXIT();
}
