/*
 * Unit tests for kernel/services/iperf3_proto.c: the iperf3 client's parameters
 * as Debian 12's iperf3 3.12 sends them (each string below was read off
 * the wire from that client, with the options named), and the results
 * the server sends back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/services/iperf3_proto.h"
#include "kernel/services/json.h"
#include "test.h"

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a__ = (a), *b__ = (b);                             \
		if (!a__ || strcmp(a__, b__) != 0)                             \
			FAIL_AT("%s is \"%s\", expected \"%s\"", #a,           \
				a__ ? a__ : "(null)", b__);                    \
	} while (0)

static int parse(const char *json, struct iperf3_params *p, int *err)
{
	return iperf3_params_parse(json, strlen(json), p, IPERF3_MAX_STREAMS,
				   err);
}

TEST(test_iperf3_params_forward_t2_from_the_3_12_client)
{
	struct iperf3_params p;
	int err;

	/* iperf3 -c HOST -t 2 */
	CHECK_EQ(parse("{\"tcp\":true,\"omit\":0,\"time\":2,\"num\":0,"
		       "\"blockcount\":0,\"parallel\":1,\"len\":131072,"
		       "\"pacing_timer\":1000,\"client_version\":\"3.12\"}",
		       &p, &err), 0);
	CHECK_EQ(p.protocol, IPERF3_TCP);
	CHECK_EQ(p.time, 2);
	CHECK_EQ(p.omit, 0);
	CHECK_EQ(p.bytes, 0);
	CHECK_EQ(p.blocks, 0);
	CHECK_EQ(p.parallel, 1);
	CHECK_EQ(p.blksize, 131072);
	CHECK(!p.reverse && !p.bidir && !p.nodelay && !p.get_server_output);
	CHECK_EQ(p.rate, 0);
}

TEST(test_iperf3_params_each_option_from_the_3_12_client)
{
	struct iperf3_params p;
	int err;

	/* -R -t 2 */
	CHECK_EQ(parse("{\"tcp\":true,\"omit\":0,\"time\":2,\"num\":0,"
		       "\"blockcount\":0,\"parallel\":1,\"reverse\":true,"
		       "\"len\":131072,\"pacing_timer\":1000,"
		       "\"client_version\":\"3.12\"}", &p, &err), 0);
	CHECK(p.reverse);
	/* -n 1M */
	CHECK_EQ(parse("{\"tcp\":true,\"omit\":0,\"time\":0,\"num\":1048576,"
		       "\"blockcount\":0,\"parallel\":1,\"len\":131072,"
		       "\"pacing_timer\":1000,\"client_version\":\"3.12\"}",
		       &p, &err), 0);
	CHECK_EQ(p.time, 0);
	CHECK_EQ(p.bytes, 1048576);
	/* -k 10 */
	CHECK_EQ(parse("{\"tcp\":true,\"omit\":0,\"time\":0,\"num\":0,"
		       "\"blockcount\":10,\"parallel\":1,\"len\":131072,"
		       "\"pacing_timer\":1000,\"client_version\":\"3.12\"}",
		       &p, &err), 0);
	CHECK_EQ(p.blocks, 10);
	/* --bidir */
	CHECK_EQ(parse("{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,"
		       "\"blockcount\":0,\"parallel\":1,\"bidirectional\":true,"
		       "\"len\":131072,\"pacing_timer\":1000,"
		       "\"client_version\":\"3.12\"}", &p, &err), 0);
	CHECK(p.bidir && !p.reverse);
	/* -w 100K */
	CHECK_EQ(parse("{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,"
		       "\"blockcount\":0,\"parallel\":1,\"window\":102400,"
		       "\"len\":131072,\"pacing_timer\":1000,"
		       "\"client_version\":\"3.12\"}", &p, &err), 0);
	CHECK_EQ(p.window, 102400);
	/* -N -M 1000 */
	CHECK_EQ(parse("{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,"
		       "\"blockcount\":0,\"MSS\":1000,\"nodelay\":true,"
		       "\"parallel\":1,\"len\":131072,\"pacing_timer\":1000,"
		       "\"client_version\":\"3.12\"}", &p, &err), 0);
	CHECK(p.nodelay);
	CHECK_EQ(p.mss, 1000);
	/* -C reno */
	CHECK_EQ(parse("{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,"
		       "\"blockcount\":0,\"parallel\":1,\"len\":131072,"
		       "\"pacing_timer\":1000,\"congestion\":\"reno\","
		       "\"client_version\":\"3.12\"}", &p, &err), 0);
	/* -b 10M */
	CHECK_EQ(parse("{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,"
		       "\"blockcount\":0,\"parallel\":1,\"len\":131072,"
		       "\"bandwidth\":10000000,\"pacing_timer\":1000,"
		       "\"client_version\":\"3.12\"}", &p, &err), 0);
	CHECK_EQ(p.rate, 10000000);
	/* -O 1 -l 64K */
	CHECK_EQ(parse("{\"tcp\":true,\"omit\":1,\"time\":10,\"num\":0,"
		       "\"blockcount\":0,\"parallel\":1,\"len\":65536,"
		       "\"pacing_timer\":1000,\"client_version\":\"3.12\"}",
		       &p, &err), 0);
	CHECK_EQ(p.omit, 1);
	CHECK_EQ(p.blksize, 65536);
	/* --get-server-output -T hello --extra-data 'x"y' -P 2 */
	CHECK_EQ(parse("{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,"
		       "\"blockcount\":0,\"parallel\":2,\"len\":131072,"
		       "\"pacing_timer\":1000,\"title\":\"hello\","
		       "\"extra_data\":\"x\\\"y\",\"get_server_output\":1,"
		       "\"client_version\":\"3.12\"}", &p, &err), 0);
	CHECK(p.get_server_output);
	CHECK_EQ(p.parallel, 2);
}

TEST(test_iperf3_params_refuse_udp_and_sctp_with_iperf_errors)
{
	struct iperf3_params p;
	int err;

	/* -u: "an option you are trying to set is not implemented yet" */
	CHECK_EQ(parse("{\"udp\":true,\"omit\":0,\"time\":10,\"num\":0,"
		       "\"blockcount\":0,\"parallel\":1,\"len\":32768,"
		       "\"bandwidth\":1048576,\"pacing_timer\":1000,"
		       "\"client_version\":\"3.12\"}", &p, &err),
		 IPERF3_IEUNIMP);
	CHECK_EQ(err, 0);
	CHECK_EQ(parse("{\"sctp\":true}", &p, &err), IPERF3_IENOSCTP);
	/* No protocol key: TCP, the server's default. */
	CHECK_EQ(parse("{}", &p, &err), 0);
	CHECK_EQ(p.protocol, IPERF3_TCP);
	CHECK_EQ(p.parallel, 1);
	CHECK_EQ(p.blksize, IPERF3_DEFAULT_TCP_BLKSIZE);
}

TEST(test_iperf3_params_refuse_malformed_json_with_erecvparams_einval)
{
	static const char *const bad[] = {
		"", "{", "{\"time\":}", "[]", "{\"time\":1}x", "{\"tcp\":true,}",
	};
	struct iperf3_params p;
	int err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(parse(bad[i], &p, &err), IPERF3_IERECVPARAMS);
		CHECK_EQ(err, IPERF3_LINUX_EINVAL);
	}
	CHECK_EQ(parse("{\"num\":-1}", &p, &err), IPERF3_IERECVPARAMS);
	CHECK_EQ(err, IPERF3_LINUX_EINVAL);
	CHECK_EQ(parse("{\"num\":1e30}", &p, &err), IPERF3_IERECVPARAMS);
	CHECK_EQ(parse("{\"blockcount\":\"5\"}", &p, &err),
		 IPERF3_IERECVPARAMS);
}

TEST(test_iperf3_params_enforce_iperf_limits)
{
	struct iperf3_params p;
	int err;

	CHECK_EQ(parse("{\"time\":86400}", &p, &err), 0);
	CHECK_EQ(parse("{\"time\":86401}", &p, &err), IPERF3_IEDURATION);
	CHECK_EQ(parse("{\"time\":-1}", &p, &err), IPERF3_IEDURATION);
	CHECK_EQ(parse("{\"omit\":601}", &p, &err), IPERF3_IEOMIT);
	CHECK_EQ(parse("{\"len\":1048577}", &p, &err), IPERF3_IEBLOCKSIZE);
	CHECK_EQ(parse("{\"len\":0}", &p, &err), 0);
	CHECK_EQ(p.blksize, IPERF3_DEFAULT_TCP_BLKSIZE);
	CHECK_EQ(parse("{\"parallel\":0}", &p, &err), IPERF3_IENUMSTREAMS);
	CHECK_EQ(parse("{\"parallel\":128}", &p, &err), 0);
	CHECK_EQ(parse("{\"parallel\":129}", &p, &err), IPERF3_IENUMSTREAMS);
	/* --bidir opens twice -P connections. */
	CHECK_EQ(parse("{\"parallel\":64,\"bidirectional\":true}", &p, &err), 0);
	CHECK_EQ(parse("{\"parallel\":65,\"bidirectional\":true}", &p, &err),
		 IPERF3_IENUMSTREAMS);
	CHECK_EQ(iperf3_params_parse("{\"parallel\":3}", 14, &p, 2, &err),
		 IPERF3_IENUMSTREAMS);
	CHECK_EQ(parse("{\"reverse\":true,\"bidirectional\":true}", &p, &err),
		 IPERF3_IEREVERSEBIDIR);
	/* Booleans: set unless false, null or 0. */
	CHECK_EQ(parse("{\"reverse\":false,\"nodelay\":null,"
		       "\"get_server_output\":0,\"bidirectional\":1}", &p, &err),
		 0);
	CHECK(!p.reverse && !p.nodelay && !p.get_server_output && p.bidir);
}

TEST(test_iperf3_stream_ids_follow_iperf_numbering)
{
	/* iperf_add_stream(): the first is 1, then 3, 4, 5, ... (seen on
	 * the wire: a -P 2 test's results carry ids 1 and 3). */
	CHECK_EQ(iperf3_stream_id(0), 1);
	CHECK_EQ(iperf3_stream_id(1), 3);
	CHECK_EQ(iperf3_stream_id(2), 4);
	CHECK_EQ(iperf3_stream_id(127), 129);
}

/* The member named key of the results' outer object. */
struct find {
	const char *key;
	struct json_value v;
	int found;
};

static int find_member(void *arg, const char *key, const struct json_value *v)
{
	struct find *f = arg;

	if (strcmp(key, f->key) == 0) {
		f->v = *v;
		f->found++;
	}
	return 0;
}

static struct find member(const char *json, const char *key)
{
	struct find f = { .key = key };

	if (json_object_foreach(json, strlen(json), find_member, &f) != 0)
		f.found = -1;
	return f;
}

TEST(test_iperf3_results_json_has_what_the_client_reads)
{
	const struct iperf3_stream_result sr[] = {
		{ .id = 1, .sender = false, .bytes = 123456789, .time_us = 2000123 },
		{ .id = 3, .sender = false, .bytes = 0, .time_us = 999 },
	};
	struct iperf3_results r = {
		.cpu_util_mpct = 86332,
		.receiver_only = true,
		.streams = sr,
		.nstreams = 2,
	};
	char buf[1024];
	size_t n = iperf3_results_json(&r, buf, sizeof(buf));

	CHECK(n < sizeof(buf));
	CHECK_EQ(n, strlen(buf));
	CHECK_STR(buf,
		  "{\"cpu_util_total\":86.332,\"cpu_util_user\":0,"
		  "\"cpu_util_system\":86.332,\"sender_has_retransmits\":-1,"
		  "\"streams\":[{\"id\":1,\"bytes\":123456789,\"retransmits\":-1,"
		  "\"jitter\":0,\"errors\":0,\"packets\":0,\"start_time\":0,"
		  "\"end_time\":2.000123},{\"id\":3,\"bytes\":0,\"retransmits\":-1,"
		  "\"jitter\":0,\"errors\":0,\"packets\":0,\"start_time\":0,"
		  "\"end_time\":0.000999}]}");
	/* get_results() fails without any of these. */
	CHECK_EQ(member(buf, "cpu_util_total").found, 1);
	CHECK_EQ(member(buf, "cpu_util_user").found, 1);
	CHECK_EQ(member(buf, "cpu_util_system").found, 1);
	CHECK_EQ(member(buf, "sender_has_retransmits").v.num, -1);
	CHECK_EQ(member(buf, "streams").v.type, JSON_ARRAY);
	CHECK_EQ(member(buf, "server_output_text").found, 0);
}

TEST(test_iperf3_results_json_for_a_sending_server_with_output_text)
{
	const struct iperf3_stream_result sr[] = {
		{ .id = 1, .sender = true, .bytes = 5, .time_us = 1000000 },
	};
	struct iperf3_results r = {
		.cpu_util_mpct = 5,
		.receiver_only = false,
		.streams = sr,
		.nstreams = 1,
		.server_output = "line \"one\"\n\ttwo\n",
	};
	char buf[512], text[128];
	size_t n = iperf3_results_json(&r, buf, sizeof(buf));

	CHECK(n < sizeof(buf));
	CHECK(strstr(buf, "\"cpu_util_total\":0.005,") != NULL);
	CHECK_EQ(member(buf, "sender_has_retransmits").v.num, 0);
	struct find f = member(buf, "server_output_text");
	CHECK_EQ(f.found, 1);
	CHECK_EQ(json_string_get(&f.v, text, sizeof(text)), 16);
	CHECK_STR(text, "line \"one\"\n\ttwo\n");
}

TEST(test_iperf3_results_json_fits_its_max_and_truncates_like_snprintf)
{
	struct iperf3_stream_result *sr = calloc(IPERF3_MAX_STREAMS, sizeof(*sr));
	struct iperf3_results r = {
		.cpu_util_mpct = 100000,
		.streams = sr,
		.nstreams = IPERF3_MAX_STREAMS,
		.server_output = "\x01\x02\x03\x04",
	};

	for (int i = 0; i < IPERF3_MAX_STREAMS; i++) {
		sr[i].id = iperf3_stream_id(i);
		sr[i].bytes = UINT64_MAX;
		sr[i].time_us = UINT64_MAX;
	}
	size_t max = iperf3_results_json_max(&r);
	char *buf = malloc(max);
	size_t n = iperf3_results_json(&r, buf, max);
	CHECK(n < max);
	CHECK_EQ(member(buf, "streams").found, 1);
	/* Short buffers: the full length back, a terminated prefix. */
	for (size_t size = 1; size < 300; size += 37) {
		memset(buf, 'x', max);
		CHECK_EQ(iperf3_results_json(&r, buf, size), n);
		CHECK_EQ(strlen(buf), size - 1);
	}
	CHECK_EQ(iperf3_results_json(&r, NULL, 0), n);
	free(buf);
	free(sr);
}

TEST(test_iperf3_server_report_has_a_line_per_stream_and_sums)
{
	const struct iperf3_stream_result sr[] = {
		{ .id = 1, .sender = false, .bytes = 1250000, .time_us = 2000000 },
		{ .id = 3, .sender = true, .bytes = 2500000, .time_us = 2010000 },
		{ .id = 4, .sender = false, .bytes = 3, .time_us = 2000000 },
	};
	struct iperf3_results r = { .streams = sr, .nstreams = 3 };
	char buf[1024];
	size_t n = iperf3_server_report(&r, buf, sizeof(buf));

	CHECK(n < sizeof(buf));
	CHECK_STR(buf,
		  "Kite iperf3 server: TCP, 3 streams\n"
		  "[ ID] Interval           Transfer  Bitrate\n"
		  "[  1]   0.00-2.00  sec  1250000 Bytes  5000000 bits/sec  receiver\n"
		  "[  3]   0.00-2.01  sec  2500000 Bytes  9950248 bits/sec  sender\n"
		  "[  4]   0.00-2.00  sec  3 Bytes  12 bits/sec  receiver\n"
		  "[SUM]   0.00-2.01  sec  1250003 Bytes  4975136 bits/sec  receiver\n");
}

int main(void)
{
	RUN(test_iperf3_params_forward_t2_from_the_3_12_client);
	RUN(test_iperf3_params_each_option_from_the_3_12_client);
	RUN(test_iperf3_params_refuse_udp_and_sctp_with_iperf_errors);
	RUN(test_iperf3_params_refuse_malformed_json_with_erecvparams_einval);
	RUN(test_iperf3_params_enforce_iperf_limits);
	RUN(test_iperf3_stream_ids_follow_iperf_numbering);
	RUN(test_iperf3_results_json_has_what_the_client_reads);
	RUN(test_iperf3_results_json_for_a_sending_server_with_output_text);
	RUN(test_iperf3_results_json_fits_its_max_and_truncates_like_snprintf);
	RUN(test_iperf3_server_report_has_a_line_per_stream_and_sums);
	TEST_EXIT();
}
