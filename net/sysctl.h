/*
 * The stack's run-time knobs by their Linux sysctl names
 * ("net.ipv4.tcp_fin_timeout"), for the shell's `sysctl` and the
 * /proc/sys/net/ipv4/ files.
 *
 * Each entry is a vector of nvals unsigned numbers (1, or 2 for
 * ip_local_port_range), each within [min, max] as Linux enforces it:
 *
 *   net.ipv4.ip_local_port_range   1-65535 each, lo <= hi ("lo\thi")
 *   net.ipv4.tcp_fin_timeout       s, 1-2147483 (Linux: INT_MAX jiffies
 *                                  at HZ=1000)
 *   net.ipv4.tcp_keepalive_time    s, 1-32767 (Linux's TCP_KEEPIDLE)
 *   net.ipv4.tcp_keepalive_intvl   s, 1-32767 (TCP_KEEPINTVL)
 *   net.ipv4.tcp_keepalive_probes  1-127 (TCP_KEEPCNT)
 *   net.ipv4.tcp_max_orphans       0-2147483647
 *   net.ipv4.tcp_max_tw_buckets    0-2147483647
 *   net.ipv4.tcp_orphan_retries    0-255 (0: 8)
 *   net.ipv4.tcp_retries2          0-255
 *   net.ipv4.tcp_syn_retries       1-127 (Linux's MAX_TCP_SYNCNT)
 *   net.ipv4.tcp_synack_retries    0-255
 *   net.ipv4.tcp_syncookies        0-2 (2: always, as Linux; Kite
 *                                  treats 2 as 1)
 *   net.ipv4.tcp_tw_reuse          0-2 (2: loopback only)
 *
 * The TCP values live in s->tcp.sysctl (net/tcp.h), the port range in
 * the port allocator (net/portalloc.h); the table only names them. A
 * new value applies to what happens next, not to timers already armed.
 *
 * Contract: every function that takes a stack is called with it
 * serialised (stack.h). The table itself is constant.
 */
#ifndef KITE_NET_SYSCTL_H
#define KITE_NET_SYSCTL_H

#include <stddef.h>
#include <stdint.h>

#define SYSCTL_NVALS_MAX	2
/* Room for any formatted value: two 10-digit numbers, a tab, a NUL. */
#define SYSCTL_VALUE_MAX	24

struct net_stack;

struct sysctl_entry {
	const char *name;		/* "net.ipv4.tcp_fin_timeout" */
	uint32_t min, max;		/* bounds of each number, inclusive */
	unsigned nvals;			/* numbers in the value */
	/* The value now, into v[nvals]. */
	void (*get)(struct net_stack *s, const struct sysctl_entry *e,
		    uint32_t *v);
	/* Store v[nvals] (already within [min, max]). 0 or -EINVAL. */
	int (*set)(struct net_stack *s, const struct sysctl_entry *e,
		   const uint32_t *v);
	size_t off;			/* of a struct tcp_sysctl field */
};

/* Entries in a fixed order (sorted by name, as `sysctl -a` prints):
 * sysctl_at(i) for i < sysctl_count(), NULL past the end. */
unsigned sysctl_count(void);
const struct sysctl_entry *sysctl_at(unsigned i);

/* The entry named name, or NULL. */
const struct sysctl_entry *sysctl_lookup(const char *name);

/* Format e's value as Linux's /proc/sys file shows it, without the
 * newline: "60", or "32768\t60999" for a range. Returns the length, or
 * -ENOSPC if buf (len bytes) is too small (SYSCTL_VALUE_MAX always is
 * enough). */
int sysctl_format(struct net_stack *s, const struct sysctl_entry *e,
		  char *buf, size_t len);

/* Parse text (decimal numbers separated by blanks, as written to a
 * /proc/sys file; a trailing newline is allowed) and set e. 0, or
 * -EINVAL for a value that is not nvals numbers within bounds; on error
 * nothing is changed. */
int sysctl_parse(struct net_stack *s, const struct sysctl_entry *e,
		 const char *text);

/* By name: sysctl_format() and sysctl_parse(), or -ENOENT for a name
 * that is not in the table. */
int sysctl_read(struct net_stack *s, const char *name, char *buf,
		size_t len);
int sysctl_write(struct net_stack *s, const char *name, const char *text);

#endif
