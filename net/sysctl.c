/*
 * The sysctl table (sysctl.h): names, bounds, and where each value
 * lives. Parsing is Linux's proc_dointvec_minmax() for unsigned values:
 * decimal numbers separated by blanks, each within bounds, or the
 * write fails with EINVAL and changes nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "net/portalloc.h"
#include "net/stack.h"
#include "net/sysctl.h"
#include "net/tcp.h"
#include "net/udp.h"

#define INT_MAX_	2147483647u	/* Linux's proc_dointvec ceiling */

/* --- where values live ------------------------------------------------- */

static uint32_t *tcp_field(struct net_stack *s, const struct sysctl_entry *e)
{
	return (uint32_t *)((char *)&s->tcp.sysctl + e->off);
}

static void tcp_get(struct net_stack *s, const struct sysctl_entry *e,
		    uint32_t *v)
{
	v[0] = *tcp_field(s, e);
}

static int tcp_set(struct net_stack *s, const struct sysctl_entry *e,
		   const uint32_t *v)
{
	*tcp_field(s, e) = v[0];
	return 0;
}

static void port_range_get(struct net_stack *s, const struct sysctl_entry *e,
			   uint32_t *v)
{
	uint16_t lo, hi;

	(void)e;
	port_alloc_get_range(net_port_alloc(s), &lo, &hi);
	v[0] = lo;
	v[1] = hi;
}

/* -EINVAL for hi < lo, as Linux's ipv4_local_port_range(); lo == hi
 * is a range of one port. */
static int port_range_set(struct net_stack *s, const struct sysctl_entry *e,
			  const uint32_t *v)
{
	(void)e;
	return port_alloc_set_range(net_port_alloc(s), v[0], v[1]);
}

#define TCP_KNOB(knob, field, lo, hi)                                     \
	{                                                                 \
		.name = "net.ipv4." knob, .min = (lo), .max = (hi),       \
		.nvals = 1, .get = tcp_get, .set = tcp_set,               \
		.off = offsetof(struct tcp_sysctl, field),                \
	}

/* Sorted by name: `sysctl -a` prints them in this order. */
static const struct sysctl_entry table[] = {
	{
		.name = "net.ipv4.ip_local_port_range", .min = 1,
		.max = 65535, .nvals = 2, .get = port_range_get,
		.set = port_range_set,
	},
	TCP_KNOB("tcp_fin_timeout", fin_timeout, 1, INT_MAX_ / 1000),
	TCP_KNOB("tcp_keepalive_intvl", keepalive_intvl, 1, 32767),
	TCP_KNOB("tcp_keepalive_probes", keepalive_probes, 1, 127),
	TCP_KNOB("tcp_keepalive_time", keepalive_time, 1, 32767),
	TCP_KNOB("tcp_max_orphans", max_orphans, 0, INT_MAX_),
	TCP_KNOB("tcp_max_tw_buckets", max_tw_buckets, 0, INT_MAX_),
	TCP_KNOB("tcp_orphan_retries", orphan_retries, 0, 255),
	TCP_KNOB("tcp_retries2", retries2, 0, 255),
	TCP_KNOB("tcp_syn_retries", syn_retries, 1, 127),
	TCP_KNOB("tcp_synack_retries", synack_retries, 0, 255),
	TCP_KNOB("tcp_syncookies", syncookies, 0, 2),
	TCP_KNOB("tcp_timestamps", timestamps, 0, 2),
	TCP_KNOB("tcp_tw_reuse", tw_reuse, 0, 2),
};

#define NENTRIES (sizeof(table) / sizeof(table[0]))

unsigned sysctl_count(void)
{
	return NENTRIES;
}

const struct sysctl_entry *sysctl_at(unsigned i)
{
	return i < NENTRIES ? &table[i] : NULL;
}

const struct sysctl_entry *sysctl_lookup(const char *name)
{
	for (unsigned i = 0; i < NENTRIES; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

/* --- text --------------------------------------------------------------- */

int sysctl_format(struct net_stack *s, const struct sysctl_entry *e,
		  char *buf, size_t len)
{
	uint32_t v[SYSCTL_NVALS_MAX];
	size_t n = 0;

	e->get(s, e, v);
	for (unsigned i = 0; i < e->nvals; i++) {
		/* Linux separates a vector's numbers with tabs. */
		int w = snprintf(buf + n, len - n, "%s%lu", i ? "\t" : "",
				 (unsigned long)v[i]);
		if (w < 0 || (size_t)w >= len - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	return (int)n;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* One decimal number within [min, max] at *p, advancing *p past it. */
static bool parse_number(const char **p, uint32_t min, uint32_t max,
			 uint32_t *out)
{
	const char *c = *p;
	uint64_t v = 0;

	if (*c == '+')
		c++;
	if (*c < '0' || *c > '9')
		return false;	/* also '-': every value here is unsigned */
	while (*c >= '0' && *c <= '9') {
		v = v * 10 + (uint64_t)(*c++ - '0');
		if (v > max)
			return false;	/* also stops any overflow */
	}
	if (v < min || (*c && !is_blank(*c)))
		return false;
	*p = c;
	*out = (uint32_t)v;
	return true;
}

int sysctl_parse(struct net_stack *s, const struct sysctl_entry *e,
		 const char *text)
{
	uint32_t v[SYSCTL_NVALS_MAX];
	const char *p = text;

	for (unsigned i = 0; i < e->nvals; i++) {
		while (is_blank(*p))
			p++;
		if (!parse_number(&p, e->min, e->max, &v[i]))
			return -EINVAL;
	}
	while (is_blank(*p))
		p++;
	if (*p)
		return -EINVAL;	/* more numbers than the entry holds */
	return e->set(s, e, v);
}

int sysctl_read(struct net_stack *s, const char *name, char *buf, size_t len)
{
	const struct sysctl_entry *e = sysctl_lookup(name);

	return e ? sysctl_format(s, e, buf, len) : -ENOENT;
}

int sysctl_write(struct net_stack *s, const char *name, const char *text)
{
	const struct sysctl_entry *e = sysctl_lookup(name);

	return e ? sysctl_parse(s, e, text) : -ENOENT;
}
