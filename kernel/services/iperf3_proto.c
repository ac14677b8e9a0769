/*
 * The iperf3 control protocol's messages (iperf3_proto.h): the client's
 * parameters in, the server's results out. Numbers are printed as
 * integers and fixed-point decimals by hand; nothing here uses floating
 * point.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/services/iperf3_proto.h"
#include "kernel/services/json.h"

struct params_ctx {
	struct iperf3_params *p;
	int ierr;		/* first iperf error found, or 0 */
};

/* A boolean option: present and not false, null or 0 (the client sends
 * true, or 1 for get_server_output; iperf itself only asks whether the
 * key is there). */
static bool opt_set(const struct json_value *v)
{
	return !(v->type == JSON_FALSE || v->type == JSON_NULL ||
		 (v->type == JSON_NUMBER && v->num == 0));
}

/* A non-negative integer no greater than max, or -1. */
static int64_t opt_uint(const struct json_value *v, int64_t max)
{
	if (v->type != JSON_NUMBER || v->overflow || v->num < 0 ||
	    v->num > max)
		return -1;
	return v->num;
}

static int param_member(void *arg, const char *key, const struct json_value *v)
{
	struct params_ctx *c = arg;
	struct iperf3_params *p = c->p;
	int64_t n;

#define UINT_PARAM(name, field, max, ie)                        \
	if (strcmp(key, name) == 0) {                           \
		if ((n = opt_uint(v, max)) < 0)                 \
			return ie;                              \
		p->field = (__typeof__(p->field))n;             \
		return 0;                                       \
	}
	UINT_PARAM("omit", omit, IPERF3_MAX_OMIT, IPERF3_IEOMIT)
	UINT_PARAM("time", time, IPERF3_MAX_TIME, IPERF3_IEDURATION)
	UINT_PARAM("num", bytes, INT64_MAX, IPERF3_IERECVPARAMS)
	UINT_PARAM("blockcount", blocks, INT64_MAX, IPERF3_IERECVPARAMS)
	UINT_PARAM("parallel", parallel, UINT32_MAX, IPERF3_IENUMSTREAMS)
	UINT_PARAM("len", blksize, IPERF3_MAX_BLOCKSIZE, IPERF3_IEBLOCKSIZE)
	UINT_PARAM("bandwidth", rate, INT64_MAX, IPERF3_IERECVPARAMS)
	UINT_PARAM("window", window, INT32_MAX, IPERF3_IERECVPARAMS)
	UINT_PARAM("MSS", mss, INT32_MAX, IPERF3_IERECVPARAMS)
#undef UINT_PARAM

	if (strcmp(key, "tcp") == 0) {
		if (opt_set(v))
			p->protocol = IPERF3_TCP;
	} else if (strcmp(key, "udp") == 0) {
		if (opt_set(v))
			p->protocol = IPERF3_UDP;
	} else if (strcmp(key, "sctp") == 0) {
		if (opt_set(v))
			p->protocol = IPERF3_SCTP;
	} else if (strcmp(key, "reverse") == 0) {
		p->reverse = opt_set(v);
	} else if (strcmp(key, "bidirectional") == 0) {
		p->bidir = opt_set(v);
	} else if (strcmp(key, "nodelay") == 0) {
		p->nodelay = opt_set(v);
	} else if (strcmp(key, "get_server_output") == 0) {
		p->get_server_output = opt_set(v);
	}
	return 0;
}

int iperf3_params_parse(const char *json, size_t len, struct iperf3_params *p,
			uint32_t streams_max, int *err)
{
	struct params_ctx c = { .p = p };
	int r;

	memset(p, 0, sizeof(*p));
	p->protocol = IPERF3_TCP;	/* the server's default, as iperf's */
	p->parallel = 1;
	p->blksize = IPERF3_DEFAULT_TCP_BLKSIZE;
	*err = 0;

	r = json_object_foreach(json, len, param_member, &c);
	if (r < 0) {
		/* -EINVAL or -E2BIG from the reader. */
		*err = IPERF3_LINUX_EINVAL;
		return IPERF3_IERECVPARAMS;
	}
	if (r > 0) {
		if (r == IPERF3_IERECVPARAMS)
			*err = IPERF3_LINUX_EINVAL;
		return r;
	}
	if (p->protocol == IPERF3_UDP)
		return IPERF3_IEUNIMP;
	if (p->protocol == IPERF3_SCTP)
		return IPERF3_IENOSCTP;
	if (p->reverse && p->bidir)
		return IPERF3_IEREVERSEBIDIR;
	if (p->blksize == 0)
		p->blksize = IPERF3_DEFAULT_TCP_BLKSIZE;
	if (p->parallel == 0 ||
	    (uint64_t)p->parallel * (p->bidir ? 2 : 1) > streams_max)
		return IPERF3_IENUMSTREAMS;
	return 0;
}

int iperf3_stream_id(int k)
{
	return k == 0 ? 1 : k + 2;
}

/* --- results --------------------------------------------------------------- */

/* snprintf's running total: out/left advance only while there is room,
 * n counts every byte wanted. */
struct outbuf {
	char *buf;
	size_t size;
	size_t n;
};

static void out_printf(struct outbuf *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void out_printf(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	char *at = o->n < o->size ? o->buf + o->n : NULL;
	size_t left = o->n < o->size ? o->size - o->n : 0;

	va_start(ap, fmt);
	int k = vsnprintf(at, left, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->n += (size_t)k;
}

static void out_json_string(struct outbuf *o, const char *s)
{
	char *at = o->n < o->size ? o->buf + o->n : NULL;
	size_t left = o->n < o->size ? o->size - o->n : 0;

	o->n += json_write_string(at, left, s);
}

/* Microseconds as seconds with six decimals. */
static void out_seconds(struct outbuf *o, uint64_t us)
{
	out_printf(o, "%lu.%06lu", (unsigned long)(us / 1000000),
		   (unsigned long)(us % 1000000));
}

size_t iperf3_results_json(const struct iperf3_results *r, char *buf,
			   size_t size)
{
	struct outbuf o = { buf, size, 0 };
	unsigned long cpu_i = r->cpu_util_mpct / 1000;
	unsigned long cpu_f = r->cpu_util_mpct % 1000;

	if (size)
		buf[0] = '\0';
	/* Kite's services run in the kernel: all of the time is system. */
	out_printf(&o,
		   "{\"cpu_util_total\":%lu.%03lu,\"cpu_util_user\":0,"
		   "\"cpu_util_system\":%lu.%03lu,"
		   "\"sender_has_retransmits\":%d,\"streams\":[",
		   cpu_i, cpu_f, cpu_i, cpu_f, r->receiver_only ? -1 : 0);
	for (size_t i = 0; i < r->nstreams; i++) {
		const struct iperf3_stream_result *s = &r->streams[i];
		out_printf(&o,
			   "%s{\"id\":%d,\"bytes\":%lu,\"retransmits\":-1,"
			   "\"jitter\":0,\"errors\":0,\"packets\":0,"
			   "\"start_time\":0,\"end_time\":",
			   i ? "," : "", s->id, (unsigned long)s->bytes);
		out_seconds(&o, s->time_us);
		out_printf(&o, "}");
	}
	out_printf(&o, "]");
	if (r->server_output) {
		out_printf(&o, ",\"server_output_text\":");
		out_json_string(&o, r->server_output);
	}
	out_printf(&o, "}");
	return o.n;
}

size_t iperf3_results_json_max(const struct iperf3_results *r)
{
	/* A stream's object is under 200 bytes with 20-digit numbers; a
	 * string at worst sextuples (\u00XX) plus its quotes. */
	size_t n = 256 + r->nstreams * 200;

	if (r->server_output)
		n += 32 + 6 * strlen(r->server_output);
	return n;
}

/* Bit/s for bytes in us microseconds, without overflow for any test
 * shorter than centuries. */
static uint64_t bitrate(uint64_t bytes, uint64_t us)
{
	uint64_t bits = bytes * 8;

	if (us == 0)
		return 0;
	return bits / us * 1000000 + bits % us * 1000000 / us;
}

static void out_report_line(struct outbuf *o, const char *id, uint64_t us,
			    uint64_t bytes, const char *role)
{
	out_printf(o, "[%s]   0.00-%lu.%02lu  sec  %lu Bytes  %lu bits/sec  %s\n",
		   id, (unsigned long)(us / 1000000),
		   (unsigned long)(us % 1000000 / 10000),
		   (unsigned long)bytes,
		   (unsigned long)bitrate(bytes, us), role);
}

size_t iperf3_server_report(const struct iperf3_results *r, char *buf,
			    size_t size)
{
	struct outbuf o = { buf, size, 0 };
	uint64_t sent = 0, rcvd = 0, us = 0;
	size_t senders = 0, receivers = 0;

	if (size)
		buf[0] = '\0';
	out_printf(&o, "Kite iperf3 server: TCP, %lu stream%s\n"
		       "[ ID] Interval           Transfer  Bitrate\n",
		   (unsigned long)r->nstreams, r->nstreams == 1 ? "" : "s");
	for (size_t i = 0; i < r->nstreams; i++) {
		const struct iperf3_stream_result *s = &r->streams[i];
		char id[8];
		snprintf(id, sizeof(id), "%3d", s->id);
		out_report_line(&o, id, s->time_us, s->bytes,
				s->sender ? "sender" : "receiver");
		if (s->sender) {
			sent += s->bytes;
			senders++;
		} else {
			rcvd += s->bytes;
			receivers++;
		}
		if (s->time_us > us)
			us = s->time_us;
	}
	if (senders > 1)
		out_report_line(&o, "SUM", us, sent, "sender");
	if (receivers > 1)
		out_report_line(&o, "SUM", us, rcvd, "receiver");
	return o.n;
}
