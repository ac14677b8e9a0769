/*
 * Parsing of "key=value" command lines (the kernel's bootargs). Portable
 * and allocation-free; unit-tested on the host.
 */
#ifndef KITE_CMDLINE_H
#define KITE_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Find key in a whitespace-separated list of "key=value" words and copy
 * its value (NUL-terminated, truncated to size - 1) into buf. A bare
 * "key" gives "". The last occurrence wins, as on Linux. Returns buf, or
 * NULL if absent. */
const char *cmdline_get(const char *cmdline, const char *key, char *buf,
			size_t size);

/* Split line in place into at most max words separated by spaces or
 * tabs; a word may be quoted with '"' or '\'' to keep spaces. Returns
 * the word count, or -1 if a quote is not closed or there are more than
 * max words. */
int cmdline_split(char *line, char **argv, int max);

/* Seconds with an optional decimal fraction ("2", "0.25", ".5") to
 * microseconds; digits past the sixth decimal are ignored. False for
 * anything else or more than max_s seconds. */
bool cmdline_parse_seconds(const char *s, uint64_t max_s, uint64_t *us);

/* "HOST%SCOPE" (RFC 4007 11: fe80::1%eth0) into host and scope; no '%'
 * gives an empty scope. False if either part is empty after a '%', or
 * does not fit its buffer (NUL included). */
bool cmdline_split_scope(const char *s, char *host, size_t hsize,
			 char *scope, size_t ssize);

#endif
