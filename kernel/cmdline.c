#include <stdbool.h>
#include <string.h>

#include "kernel/cmdline.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

const char *cmdline_get(const char *cmdline, const char *key, char *buf,
			size_t size)
{
	size_t klen = strlen(key);
	const char *found = NULL;
	size_t flen = 0;

	if (!cmdline || !klen || !size)
		return NULL;
	for (const char *p = cmdline; *p;) {
		while (is_space(*p))
			p++;
		const char *word = p;
		while (*p && !is_space(*p))
			p++;
		size_t wlen = p - word;
		if (wlen < klen || memcmp(word, key, klen) != 0)
			continue;
		if (wlen == klen) {
			found = word + klen;
			flen = 0;
		} else if (word[klen] == '=') {
			found = word + klen + 1;
			flen = wlen - klen - 1;
		}
	}
	if (!found)
		return NULL;
	if (flen > size - 1)
		flen = size - 1;
	memcpy(buf, found, flen);
	buf[flen] = '\0';
	return buf;
}

int cmdline_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *in = line, *out = line;

	for (;;) {
		while (*in == ' ' || *in == '\t')
			in++;
		if (!*in)
			return argc;
		if (argc == max)
			return -1;
		argv[argc++] = out;
		/* Copy the word down over its quotes. */
		char quote = 0;
		while (*in && (quote || (*in != ' ' && *in != '\t'))) {
			if (!quote && (*in == '"' || *in == '\''))
				quote = *in++;
			else if (quote && *in == quote)
				quote = 0, in++;
			else
				*out++ = *in++;
		}
		if (quote)
			return -1;
		bool end = !*in;
		*out++ = '\0';
		if (end)
			return argc;
		in++;
	}
}

bool cmdline_parse_seconds(const char *s, uint64_t max_s, uint64_t *us)
{
	uint64_t whole = 0, frac = 0, scale = 100000;
	bool digits = false;

	for (; *s >= '0' && *s <= '9'; s++, digits = true) {
		whole = whole * 10 + (uint64_t)(*s - '0');
		if (whole > max_s)
			return false;
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits = true, scale /= 10)
			frac += (uint64_t)(*s - '0') * scale;
	if (*s || !digits || (whole == max_s && frac))
		return false;
	*us = whole * 1000000 + frac;
	return true;
}

bool cmdline_split_scope(const char *s, char *host, size_t hsize,
			 char *scope, size_t ssize)
{
	const char *pct = strchr(s, '%');
	size_t hlen = pct ? (size_t)(pct - s) : strlen(s);
	size_t slen = pct ? strlen(pct + 1) : 0;

	if (hlen == 0 || hlen >= hsize || (pct && slen == 0) ||
	    slen >= ssize)
		return false;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	memcpy(scope, pct ? pct + 1 : "", slen);
	scope[slen] = '\0';
	return true;
}
