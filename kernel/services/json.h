/*
 * A small JSON reader (RFC 8259) for flat objects such as the iperf3
 * client's parameters, and a string writer for building JSON with
 * snprintf. Portable C: no kernel headers, compiled on the host for
 * tests/unit/test_json.c.
 *
 * Reading: json_object_foreach() checks that the whole input is one
 * JSON object and calls the caller back for each of its members, in
 * input order (a repeated key is reported each time). Values nested
 * inside a member (objects, arrays) are checked and skipped: the
 * callback sees only their type. Nothing is allocated; every loop is
 * bounded by the input's length and nesting by JSON_DEPTH_MAX, so
 * malformed or hostile input gives an error, never a crash.
 *
 * Limits and leniencies, all documented in the tests:
 *   - numbers are read as integers, truncated toward zero (1.9 is 1,
 *     2.5e3 is 2500, -0.5 is 0); one beyond int64_t reads as INT64_MAX
 *     or INT64_MIN with .overflow set (iperf 3.12 writes -1 as
 *     18446744073709551615 in its results);
 *   - bytes >= 0x80 inside strings are taken as they are (UTF-8 is not
 *     checked); control characters (< 0x20) inside strings are errors;
 *   - a member whose key does not fit JSON_KEY_MAX - 1 bytes once
 *     decoded, or holds \u0000, is checked but not reported.
 */
#ifndef KITE_JSON_H
#define KITE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_DEPTH_MAX	32	/* nested objects/arrays, the outer one included */
#define JSON_KEY_MAX	64	/* decoded key bytes, NUL included */

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_OBJECT,
	JSON_ARRAY,
};

struct json_value {
	enum json_type type;
	/* The value's text inside the input: for a string, what lies
	 * between the quotes, escapes undecoded (json_string_get decodes). */
	const char *text;
	size_t len;
	int64_t num;		/* JSON_NUMBER: truncated toward zero */
	bool overflow;		/* JSON_NUMBER: beyond int64_t, num clamped */
};

/* Called for each member of the outer object. key is NUL-terminated
 * and decoded; v and key are valid only during the call. A non-zero
 * return stops the walk and is json_object_foreach's result. */
typedef int (*json_member_fn)(void *arg, const char *key,
			      const struct json_value *v);

/* Walk text[0..len), which must be exactly one JSON object (white space
 * around it allowed). 0 when all of it was read; -EINVAL for malformed
 * input, -E2BIG for nesting deeper than JSON_DEPTH_MAX; or the
 * callback's non-zero return. Members
 * before an error may already have been reported. */
int json_object_foreach(const char *text, size_t len, json_member_fn fn,
			void *arg);

/* Decode a JSON_STRING value into buf as NUL-terminated UTF-8 (\uXXXX
 * escapes, surrogate pairs joined; a lone surrogate becomes U+FFFD).
 * The decoded length; -EINVAL if v is not a string or holds \u0000,
 * -ENOSPC if it does not fit (buf then holds "" when size > 0). */
int json_string_get(const struct json_value *v, char *buf, size_t size);

/* Write s as a JSON string literal, quotes included, into buf (always
 * NUL-terminated when size > 0). Returns the length the whole literal
 * needs, as snprintf does: the output is complete only if it is less
 * than size. Control characters, '"' and '\\' are escaped; other
 * bytes are copied. */
size_t json_write_string(char *buf, size_t size, const char *s);

#endif
