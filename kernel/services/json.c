/*
 * A small JSON reader and string writer (json.h). Recursive descent
 * over RFC 8259's grammar (section 2 and on), with the nesting depth
 * bounded so that the recursion is too.
 */
#include <errno.h>
#include <string.h>

#include "kernel/services/json.h"

struct json_parser {
	const char *p;		/* next byte */
	const char *end;	/* one past the last */
	int depth;		/* objects/arrays open */
};

static void skip_ws(struct json_parser *ps)
{
	/* RFC 8259 2: ws = space, horizontal tab, line feed, carriage return */
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at s (which has at least four bytes). -1 if not. */
static long hex4(const char *s)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int h = hex_val(s[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/* A string (RFC 8259 7), the opening quote at ps->p. On success
 * ps->p is past the closing quote and text/len span the contents. */
static int parse_string(struct json_parser *ps, const char **text,
			size_t *len)
{
	const char *s = ++ps->p;

	while (ps->p < ps->end) {
		unsigned char c = (unsigned char)*ps->p;
		if (c == '"') {
			*text = s;
			*len = (size_t)(ps->p - s);
			ps->p++;
			return 0;
		}
		if (c < 0x20)
			return -EINVAL;	/* must be escaped */
		if (c != '\\') {
			ps->p++;
			continue;
		}
		if (ps->end - ps->p < 2)
			return -EINVAL;
		switch (ps->p[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			ps->p += 2;
			break;
		case 'u':
			if (ps->end - ps->p < 6 || hex4(ps->p + 2) < 0)
				return -EINVAL;
			ps->p += 6;
			break;
		default:
			return -EINVAL;
		}
	}
	return -EINVAL;		/* no closing quote */
}

/* A number (RFC 8259 6), truncated toward zero into *out. The integer
 * part of D * 10^E (D the digits, E the exponent less the fraction's
 * digits) is the first (integer digits + exponent) digits of D, so it
 * is found without any arithmetic beyond int64. */
static int parse_number(struct json_parser *ps, struct json_value *v)
{
	const char *p = ps->p, *end = ps->end;
	bool neg = false;
	const char *int_start, *frac_start = NULL;
	size_t int_digits, frac_digits = 0;
	long exp = 0;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	int_start = p;
	if (p >= end || !is_digit(*p))
		return -EINVAL;
	if (*p == '0') {
		p++;		/* no leading zeros */
	} else {
		while (p < end && is_digit(*p))
			p++;
	}
	int_digits = (size_t)(p - int_start);
	if (p < end && *p == '.') {
		frac_start = ++p;
		while (p < end && is_digit(*p))
			p++;
		frac_digits = (size_t)(p - frac_start);
		if (frac_digits == 0)
			return -EINVAL;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		bool eneg = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= end || !is_digit(*p))
			return -EINVAL;
		while (p < end && is_digit(*p)) {
			if (exp < 100000)	/* far past any int64 */
				exp = exp * 10 + (*p - '0');
			p++;
		}
		if (eneg)
			exp = -exp;
	}
	ps->p = p;

	/* Digits of the integer part: int_digits + exp of the sequence
	 * int digits, then fraction digits, then zeros. */
	long want = (long)int_digits + exp;
	uint64_t mag = 0;
	const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;
	for (long i = 0; i < want; i++) {
		int d;
		if ((size_t)i < int_digits)
			d = int_start[i] - '0';
		else if ((size_t)i - int_digits < frac_digits)
			d = frac_start[i - (long)int_digits] - '0';
		else
			d = 0;
		if (mag == 0 && d == 0) {
			if ((size_t)i >= int_digits + frac_digits)
				break;	/* zeros only from here on */
			continue;	/* a leading zero */
		}
		if (mag > (limit - (uint64_t)d) / 10) {
			v->overflow = true;
			mag = limit;
			break;
		}
		mag = mag * 10 + (uint64_t)d;
	}
	if (neg)
		v->num = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
							 -(int64_t)mag;
	else
		v->num = (int64_t)mag;
	return 0;
}

static bool match_word(struct json_parser *ps, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0)
		return false;
	ps->p += n;
	return true;
}

static int parse_value(struct json_parser *ps, struct json_value *v);

/* The members of an object or the elements of an array, the opening
 * bracket at ps->p, checked and dropped. */
static int skip_container(struct json_parser *ps, char close)
{
	struct json_value v;
	int err;

	if (++ps->depth > JSON_DEPTH_MAX)
		return -E2BIG;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			const char *k;
			size_t klen;
			if (ps->p >= ps->end || *ps->p != '"')
				return -EINVAL;
			if ((err = parse_string(ps, &k, &klen)) < 0)
				return err;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p++ != ':')
				return -EINVAL;
			skip_ws(ps);
		}
		if ((err = parse_value(ps, &v)) < 0)
			return err;
		skip_ws(ps);
		if (ps->p >= ps->end)
			return -EINVAL;
		if (*ps->p == close) {
			ps->p++;
			ps->depth--;
			return 0;
		}
		if (*ps->p++ != ',')
			return -EINVAL;
		skip_ws(ps);
	}
}

/* Any value at ps->p (white space already skipped). */
static int parse_value(struct json_parser *ps, struct json_value *v)
{
	const char *start = ps->p;
	int err = 0;

	memset(v, 0, sizeof(*v));
	if (ps->p >= ps->end)
		return -EINVAL;
	switch (*ps->p) {
	case '{':
		v->type = JSON_OBJECT;
		err = skip_container(ps, '}');
		break;
	case '[':
		v->type = JSON_ARRAY;
		err = skip_container(ps, ']');
		break;
	case '"':
		v->type = JSON_STRING;
		return parse_string(ps, &v->text, &v->len);
	case 't':
		v->type = JSON_TRUE;
		err = match_word(ps, "true") ? 0 : -EINVAL;
		break;
	case 'f':
		v->type = JSON_FALSE;
		err = match_word(ps, "false") ? 0 : -EINVAL;
		break;
	case 'n':
		v->type = JSON_NULL;
		err = match_word(ps, "null") ? 0 : -EINVAL;
		break;
	default:
		v->type = JSON_NUMBER;
		err = parse_number(ps, v);
		break;
	}
	v->text = start;
	v->len = (size_t)(ps->p - start);
	return err;
}

/* Append code point cp as UTF-8 to buf[*n..size), counting always. */
static void put_utf8(char *buf, size_t size, size_t *n, unsigned long cp)
{
	unsigned char b[4];
	size_t k;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	for (size_t i = 0; i < k; i++, (*n)++)
		if (*n < size)
			buf[*n] = (char)b[i];
}

/* Decode string contents s[0..len) (already checked by parse_string)
 * into buf; the decoded length, or -EINVAL for \u0000. */
static long decode_string(const char *s, size_t len, char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		if (s[i] != '\\') {
			if (n < size)
				buf[n] = s[i];
			n++;
			i++;
			continue;
		}
		char e = s[i + 1];
		i += 2;
		if (e != 'u') {
			const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
			put_utf8(buf, size, &n,
				 (unsigned char)to[strchr(from, e) - from]);
			continue;
		}
		unsigned long cp = (unsigned long)hex4(s + i);
		i += 4;
		if (cp >= 0xd800 && cp <= 0xdbff && i + 6 <= len &&
		    s[i] == '\\' && s[i + 1] == 'u') {
			unsigned long lo = (unsigned long)hex4(s + i + 2);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				i += 6;
			}
		}
		if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 0xfffd;	/* a lone surrogate */
		if (cp == 0)
			return -EINVAL;
		put_utf8(buf, size, &n, cp);
	}
	return (long)n;
}

int json_string_get(const struct json_value *v, char *buf, size_t size)
{
	if (v->type != JSON_STRING)
		return -EINVAL;
	long n = decode_string(v->text, v->len, buf, size);
	if (n < 0)
		return (int)n;
	if ((size_t)n >= size) {
		if (size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	buf[n] = '\0';
	return (int)n;
}

int json_object_foreach(const char *text, size_t len, json_member_fn fn,
			void *arg)
{
	struct json_parser ps = { .p = text, .end = text + len, .depth = 1 };
	struct json_value v;
	char key[JSON_KEY_MAX];
	int err;

	skip_ws(&ps);
	if (ps.p >= ps.end || *ps.p != '{')
		return -EINVAL;
	ps.p++;
	skip_ws(&ps);
	if (ps.p < ps.end && *ps.p == '}') {
		ps.p++;
		goto tail;
	}
	for (;;) {
		const char *k;
		size_t klen;
		if (ps.p >= ps.end || *ps.p != '"')
			return -EINVAL;
		if ((err = parse_string(&ps, &k, &klen)) < 0)
			return err;
		skip_ws(&ps);
		if (ps.p >= ps.end || *ps.p++ != ':')
			return -EINVAL;
		skip_ws(&ps);
		if ((err = parse_value(&ps, &v)) < 0)
			return err;
		long kn = decode_string(k, klen, key, sizeof(key));
		if (kn >= 0 && (size_t)kn < sizeof(key)) {
			key[kn] = '\0';
			if ((err = fn(arg, key, &v)) != 0)
				return err;
		}
		skip_ws(&ps);
		if (ps.p >= ps.end)
			return -EINVAL;
		if (*ps.p == '}') {
			ps.p++;
			break;
		}
		if (*ps.p++ != ',')
			return -EINVAL;
		skip_ws(&ps);
	}
tail:
	skip_ws(&ps);
	return ps.p == ps.end ? 0 : -EINVAL;
}

size_t json_write_string(char *buf, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

#define PUT(c)                                  \
	do {                                    \
		if (n + 1 < size)               \
			buf[n] = (c);           \
		n++;                            \
	} while (0)
	PUT('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *esc = NULL;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		}
		if (esc) {
			PUT(esc[0]);
			PUT(esc[1]);
		} else if (c < 0x20) {
			PUT('\\');
			PUT('u');
			PUT('0');
			PUT('0');
			PUT(hex[c >> 4]);
			PUT(hex[c & 15]);
		} else {
			PUT((char)c);
		}
	}
	PUT('"');
#undef PUT
	if (size)
		buf[n < size ? n : size - 1] = '\0';
	return n;
}
