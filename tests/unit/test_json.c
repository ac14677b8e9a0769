/*
 * Unit tests for kernel/services/json.c: the JSON reader that takes the iperf3
 * client's parameters, and the string writer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/services/json.h"
#include "test.h"

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a__ = (a), *b__ = (b);                             \
		if (!a__ || strcmp(a__, b__) != 0)                             \
			FAIL_AT("%s is \"%s\", expected \"%s\"", #a,           \
				a__ ? a__ : "(null)", b__);                    \
	} while (0)

/* Every member seen, in order. */
#define MAX_SEEN 32
struct seen {
	int n;
	char key[MAX_SEEN][JSON_KEY_MAX];
	struct json_value v[MAX_SEEN];
	int stop_at;		/* return 99 at this member (1-based); 0: never */
};

static int collect(void *arg, const char *key, const struct json_value *v)
{
	struct seen *s = arg;

	if (s->n < MAX_SEEN) {
		strcpy(s->key[s->n], key);
		s->v[s->n] = *v;
	}
	s->n++;
	return s->n == s->stop_at ? 99 : 0;
}

static int walk(const char *text, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return json_object_foreach(text, strlen(text), collect, s);
}

/* The value of the one member of {"n": <num>}. */
static struct json_value number(const char *num)
{
	char doc[128];
	struct seen s;

	snprintf(doc, sizeof(doc), "{\"n\":%s}", num);
	if (walk(doc, &s) != 0 || s.n != 1 || s.v[0].type != JSON_NUMBER) {
		struct json_value bad = { .type = JSON_NULL };
		return bad;
	}
	return s.v[0];
}

TEST(test_json_reads_the_iperf3_3_12_client_parameters)
{
	/* Captured from Debian 12's iperf3 3.12: iperf3 -c HOST -R -t 2 */
	struct seen s;

	CHECK_EQ(walk("{\"tcp\":true,\"omit\":0,\"time\":2,\"num\":0,"
		      "\"blockcount\":0,\"parallel\":1,\"reverse\":true,"
		      "\"len\":131072,\"pacing_timer\":1000,"
		      "\"client_version\":\"3.12\"}", &s), 0);
	CHECK_EQ(s.n, 10);
	CHECK_STR(s.key[0], "tcp");
	CHECK_EQ(s.v[0].type, JSON_TRUE);
	CHECK_STR(s.key[2], "time");
	CHECK_EQ(s.v[2].type, JSON_NUMBER);
	CHECK_EQ(s.v[2].num, 2);
	CHECK_STR(s.key[6], "reverse");
	CHECK_EQ(s.v[6].type, JSON_TRUE);
	CHECK_STR(s.key[7], "len");
	CHECK_EQ(s.v[7].num, 131072);
	CHECK_STR(s.key[9], "client_version");
	CHECK_EQ(s.v[9].type, JSON_STRING);
	CHECK_EQ(s.v[9].len, 4);
	CHECK(memcmp(s.v[9].text, "3.12", 4) == 0);
}

TEST(test_json_reports_each_type_and_repeated_keys_in_order)
{
	struct seen s;

	CHECK_EQ(walk(" \r\n\t{ \"a\" : null , \"b\":false,\"c\":true,"
		      "\"d\":-7,\"e\":\"x\",\"f\":{},\"g\":[],\"a\":1 }\n", &s), 0);
	CHECK_EQ(s.n, 8);
	CHECK_EQ(s.v[0].type, JSON_NULL);
	CHECK_EQ(s.v[1].type, JSON_FALSE);
	CHECK_EQ(s.v[2].type, JSON_TRUE);
	CHECK_EQ(s.v[3].type, JSON_NUMBER);
	CHECK_EQ(s.v[3].num, -7);
	CHECK_EQ(s.v[4].type, JSON_STRING);
	CHECK_EQ(s.v[5].type, JSON_OBJECT);
	CHECK_EQ(s.v[6].type, JSON_ARRAY);
	CHECK_STR(s.key[7], "a");
	CHECK_EQ(s.v[7].num, 1);
	CHECK_EQ(walk("{}", &s), 0);
	CHECK_EQ(s.n, 0);
}

TEST(test_json_numbers_are_truncated_toward_zero)
{
	CHECK_EQ(number("0").num, 0);
	CHECK_EQ(number("-0").num, 0);
	CHECK_EQ(number("1.9").num, 1);
	CHECK_EQ(number("-1.9").num, -1);
	CHECK_EQ(number("-0.5").num, 0);
	CHECK_EQ(number("2.5e3").num, 2500);
	CHECK_EQ(number("2.5E+3").num, 2500);
	CHECK_EQ(number("1E2").num, 100);
	CHECK_EQ(number("12345e-2").num, 123);
	CHECK_EQ(number("1e-3").num, 0);
	CHECK_EQ(number("0.000").num, 0);
	CHECK_EQ(number("10.41025429358743").num, 10);
	CHECK_EQ(number("123456789012").num, 123456789012LL);
	CHECK_EQ(number("0e999999").num, 0);
	CHECK(!number("0e999999").overflow);
	CHECK_EQ(number("7e-999999").num, 0);
	CHECK_EQ(number("1.5").type, JSON_NUMBER);
}

TEST(test_json_numbers_beyond_int64_clamp_and_say_so)
{
	struct json_value v;

	v = number("9223372036854775807");
	CHECK(v.num == INT64_MAX && !v.overflow);
	v = number("-9223372036854775808");
	CHECK(v.num == INT64_MIN && !v.overflow);
	/* iperf 3.12 writes -1 so in its results (an unsigned print). */
	v = number("18446744073709551615");
	CHECK(v.num == INT64_MAX && v.overflow);
	v = number("9223372036854775808");
	CHECK(v.num == INT64_MAX && v.overflow);
	v = number("-9223372036854775809");
	CHECK(v.num == INT64_MIN && v.overflow);
	v = number("1e400");
	CHECK(v.num == INT64_MAX && v.overflow);
	v = number("-1e19");
	CHECK(v.num == INT64_MIN && v.overflow);
}

TEST(test_json_nested_values_are_checked_and_skipped)
{
	struct seen s;

	CHECK_EQ(walk("{\"a\":{\"x\":[1,2,{\"y\":[[],{}]}],\"z\":\"}\"},"
		      "\"b\":[\"]\",{\"c\":3}],\"c\":4}", &s), 0);
	CHECK_EQ(s.n, 3);	/* nested members are not reported */
	CHECK_EQ(s.v[0].type, JSON_OBJECT);
	CHECK_EQ(s.v[1].type, JSON_ARRAY);
	CHECK_STR(s.key[2], "c");
	CHECK_EQ(s.v[2].num, 4);
}

TEST(test_json_rejects_malformed_input)
{
	static const char *const bad[] = {
		"", "   ", "[]", "1", "\"s\"", "{", "}", "{\"a\"}", "{\"a\":}",
		"{\"a\":1,}", "{,}", "{\"a\" 1}", "{a:1}", "{'a':1}",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}",
		"{\"a\":1e}", "{\"a\":1e+}", "{\"a\":+1}", "{\"a\":0x10}",
		"{\"a\":tru}", "{\"a\":True}", "{\"a\":nul}", "{\"a\":NaN}",
		"{\"a\":Infinity}", "{\"a\":\"x}", "{\"a\":\"\\x\"}",
		"{\"a\":\"\\u12G4\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"tab\there\"}",
		"{\"a\":1} x", "{\"a\":1}{}", "{\"a\":[1,]}", "{\"a\":[1 2]}",
		"{\"a\":[1}", "{\"a\":{\"b\"}}", "{\"a\":{\"b\":1]}", "{\"a\":1,,\"b\":2}",
		"{\"a\\q\":1}", "{\"a\":1 \"b\":2}",
	};
	struct seen s;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (walk(bad[i], &s) != -EINVAL)
			FAIL_AT("accepted %s", bad[i]);
	/* A NUL inside the text is no JSON either. */
	memset(&s, 0, sizeof(s));
	CHECK_EQ(json_object_foreach("{\"a\":1\0}", 8, collect, &s), -EINVAL);
	CHECK_EQ(json_object_foreach("{\"a\":\"x\0y\"}", 11, collect, &s),
		 -EINVAL);
}

TEST(test_json_every_strict_prefix_of_a_document_is_an_error)
{
	const char *doc = "{\"tcp\":true,\"time\":-2.5e1,\"x\":[{\"y\":\"\\u00e9\\n\"},"
			  "null,false],\"get_server_output\":1,\"z\":{}}";
	size_t len = strlen(doc);
	struct seen s;

	/* Each prefix is copied to a buffer of its own size, so ASan sees
	 * any read past the end. */
	for (size_t n = 0; n < len; n++) {
		char *p = malloc(n ? n : 1);
		memcpy(p, doc, n);
		memset(&s, 0, sizeof(s));
		int r = json_object_foreach(p, n, collect, &s);
		free(p);
		if (r != -EINVAL)
			FAIL_AT("prefix of %lu bytes gave %d", (unsigned long)n, r);
	}
	CHECK_EQ(walk(doc, &s), 0);
	CHECK_EQ(s.n, 5);
	CHECK_EQ(s.v[1].num, -25);
}

TEST(test_json_nesting_deeper_than_depth_max_is_e2big)
{
	/* The outer object is depth 1; "a" holds k arrays inside it. */
	char *doc = malloc(200020);
	struct seen s;

	for (int k = JSON_DEPTH_MAX - 1; k <= JSON_DEPTH_MAX; k++) {
		size_t n = 0;
		n += (size_t)sprintf(doc, "{\"a\":");
		for (int i = 0; i < k; i++)
			doc[n++] = '[';
		for (int i = 0; i < k; i++)
			doc[n++] = ']';
		doc[n++] = '}';
		doc[n] = '\0';
		CHECK_EQ(walk(doc, &s), k < JSON_DEPTH_MAX ? 0 : -E2BIG);
	}
	/* Far deeper: an error, not a stack overflow. */
	memset(doc, '[', 200000);
	memcpy(doc, "{\"a\":", 5);
	doc[200000] = '\0';
	CHECK_EQ(walk(doc, &s), -E2BIG);
	free(doc);
}

TEST(test_json_callback_return_stops_the_walk)
{
	struct seen s;

	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	CHECK_EQ(json_object_foreach("{\"a\":1,\"b\":2,\"c\":3}", 19, collect,
				     &s), 99);
	CHECK_EQ(s.n, 2);
}

TEST(test_json_keys_too_long_or_with_nul_are_not_reported)
{
	char doc[256], key[JSON_KEY_MAX + 1];
	struct seen s;

	memset(key, 'k', sizeof(key));
	key[JSON_KEY_MAX - 1] = '\0';	/* the longest that fits */
	snprintf(doc, sizeof(doc), "{\"%s\":1,\"b\":2}", key);
	CHECK_EQ(walk(doc, &s), 0);
	CHECK_EQ(s.n, 2);
	CHECK_STR(s.key[0], key);
	key[JSON_KEY_MAX - 1] = 'k';
	key[JSON_KEY_MAX] = '\0';	/* one byte too long */
	snprintf(doc, sizeof(doc), "{\"%s\":1,\"b\":2}", key);
	CHECK_EQ(walk(doc, &s), 0);
	CHECK_EQ(s.n, 1);
	CHECK_STR(s.key[0], "b");
	CHECK_EQ(walk("{\"a\\u0000b\":1,\"\\u0074cp\":true}", &s), 0);
	CHECK_EQ(s.n, 1);
	CHECK_STR(s.key[0], "tcp");
}

TEST(test_json_string_get_decodes_escapes_to_utf8)
{
	struct seen s;
	char buf[64];

	CHECK_EQ(walk("{\"a\":\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\","
		      "\"e\":\"\\u00e9\\u20AC\",\"f\":\"\\ud83d\\ude00\","
		      "\"g\":\"\\ud800x\",\"h\":\"\\u0000\",\"i\":\"\","
		      "\"j\":\"caf\xc3\xa9\",\"k\":7}", &s), 0);
	CHECK_EQ(json_string_get(&s.v[0], buf, sizeof(buf)), 11);
	CHECK_STR(buf, "q\"b\\s/\b\f\n\r\t");
	CHECK_EQ(json_string_get(&s.v[1], buf, sizeof(buf)), 5);
	CHECK_STR(buf, "\xc3\xa9\xe2\x82\xac");
	CHECK_EQ(json_string_get(&s.v[2], buf, sizeof(buf)), 4);
	CHECK_STR(buf, "\xf0\x9f\x98\x80");
	CHECK_EQ(json_string_get(&s.v[3], buf, sizeof(buf)), 4);
	CHECK_STR(buf, "\xef\xbf\xbdx");	/* lone surrogate: U+FFFD */
	CHECK_EQ(json_string_get(&s.v[4], buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(json_string_get(&s.v[5], buf, sizeof(buf)), 0);
	CHECK_STR(buf, "");
	CHECK_EQ(json_string_get(&s.v[6], buf, sizeof(buf)), 5);
	CHECK_STR(buf, "caf\xc3\xa9");	/* raw UTF-8 as it is */
	CHECK_EQ(json_string_get(&s.v[7], buf, sizeof(buf)), -EINVAL);
	/* Exactly full, and one short. */
	CHECK_EQ(json_string_get(&s.v[6], buf, 6), 5);
	CHECK_EQ(json_string_get(&s.v[6], buf, 5), -ENOSPC);
	CHECK_STR(buf, "");
}

TEST(test_json_write_string_escapes_and_counts_like_snprintf)
{
	char buf[64];

	CHECK_EQ(json_write_string(buf, sizeof(buf), "a\"b\\c\nd\te\x01"),
		 21);
	CHECK_STR(buf, "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
	CHECK_EQ(json_write_string(buf, sizeof(buf), ""), 2);
	CHECK_STR(buf, "\"\"");
	/* Too small: the length needed, a terminated prefix. */
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(json_write_string(buf, 5, "hello"), 7);
	CHECK_STR(buf, "\"hel");
	CHECK_EQ(buf[5], 'x');
	CHECK_EQ(json_write_string(NULL, 0, "hello"), 7);
	/* What it writes reads back. */
	char doc[96];
	struct seen s;
	snprintf(doc, sizeof(doc), "{\"t\":");
	json_write_string(doc + 5, sizeof(doc) - 6, "x\"y\n\x1f");
	strcat(doc, "}");
	CHECK_EQ(walk(doc, &s), 0);
	CHECK_EQ(json_string_get(&s.v[0], buf, sizeof(buf)), 5);
	CHECK_STR(buf, "x\"y\n\x1f");
}

TEST(test_json_random_mutations_never_crash)
{
	static const char alphabet[] = "{}[]\",:\\0123456789.eE+-tfnu \x01\x80";
	const char *doc = "{\"tcp\":true,\"omit\":0,\"time\":2,\"num\":1e3,"
			  "\"a\":[1,{\"b\":\"\\u00e9\"},-0.5],\"title\":\"x\\\"y\","
			  "\"get_server_output\":1}";
	size_t len = strlen(doc);
	uint32_t x = 2463534242u;	/* xorshift32: the same run every time */
	int accepted = 0;

	for (int round = 0; round < 20000; round++) {
		char *p = malloc(len);
		memcpy(p, doc, len);
		int edits = 1 + round % 4;
		for (int e = 0; e < edits; e++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			p[x % len] = alphabet[(x >> 8) % (sizeof(alphabet) - 1)];
		}
		struct seen s;
		memset(&s, 0, sizeof(s));
		size_t n = (x >> 16) % 8 == 0 ? (x >> 3) % len : len;
		int r = json_object_foreach(p, n, collect, &s);
		CHECK(r == 0 || r == -EINVAL || r == -E2BIG);
		for (int i = 0; r == 0 && i < s.n && i < MAX_SEEN; i++) {
			char buf[128];
			if (s.v[i].type == JSON_STRING)
				json_string_get(&s.v[i], buf, sizeof(buf));
		}
		accepted += r == 0;
		free(p);
	}
	CHECK(accepted > 0);	/* some mutations stay valid JSON */
}

int main(void)
{
	RUN(test_json_reads_the_iperf3_3_12_client_parameters);
	RUN(test_json_reports_each_type_and_repeated_keys_in_order);
	RUN(test_json_numbers_are_truncated_toward_zero);
	RUN(test_json_numbers_beyond_int64_clamp_and_say_so);
	RUN(test_json_nested_values_are_checked_and_skipped);
	RUN(test_json_rejects_malformed_input);
	RUN(test_json_every_strict_prefix_of_a_document_is_an_error);
	RUN(test_json_nesting_deeper_than_depth_max_is_e2big);
	RUN(test_json_callback_return_stops_the_walk);
	RUN(test_json_keys_too_long_or_with_nul_are_not_reported);
	RUN(test_json_string_get_decodes_escapes_to_utf8);
	RUN(test_json_write_string_escapes_and_counts_like_snprintf);
	RUN(test_json_random_mutations_never_crash);
	TEST_EXIT();
}
