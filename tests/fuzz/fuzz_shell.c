/*
 * Fuzz target: the console's line editor (kernel/shell/lineedit.c) and the
 * command-line parsing behind the shell and bootargs (kernel/cmdline.c).
 *
 * The input is keystrokes. Each is fed to a line editor whose echo goes
 * to a little terminal model; after every key the terminal must show
 * exactly the line being edited (Backspace, Ctrl-U and history recall
 * draw with "\b \b" and reprints). Each finished line is split into
 * words as the shell does, every word parsed as seconds (sleep, nc -w)
 * and the line searched for keys as bootargs are. Then the whole input,
 * as one string, goes through the same parsers.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/shell/lineedit.h"

#define FUZZ_CHECK(cond)                                                \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz: invariant broken: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);             \
			abort();                                        \
		}                                                       \
	} while (0)

/* What the user sees of the current line: a row of cells and a cursor.
 * Echo only ever writes printable bytes, "\b", "\a" and "\r\n". */
static struct {
	char cell[LINE_MAX_LEN + 2];
	size_t cursor, used;	/* used: cells ever written on this row */
} term;

static void term_echo(void *arg, const char *s, size_t n)
{
	(void)arg;
	if (n == 4 && memcmp(s, "^C\r\n", 4) == 0) {
		memset(&term, 0, sizeof(term));	/* cancelled: new row */
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\r' && i + 1 < n && s[i + 1] == '\n') {
			memset(&term, 0, sizeof(term));	/* a new row */
			i++;
		} else if (c == '\b') {
			FUZZ_CHECK(term.cursor > 0);
			term.cursor--;
		} else if (c == '\a') {
			continue;
		} else {
			FUZZ_CHECK(c >= 0x20 && c <= 0x7e);
			FUZZ_CHECK(term.cursor <= LINE_MAX_LEN);
			term.cell[term.cursor++] = c;
			if (term.cursor > term.used)
				term.used = term.cursor;
		}
	}
}

/* The row shows the line, the cursor at its end, blanks after it. */
static void check_screen(const struct lineedit *le)
{
	FUZZ_CHECK(le->len <= LINE_MAX_LEN);
	FUZZ_CHECK(strlen(le->buf) == le->len);
	FUZZ_CHECK(term.cursor == le->len);
	FUZZ_CHECK(memcmp(term.cell, le->buf, le->len) == 0);
	for (size_t i = le->len; i < term.used; i++)
		FUZZ_CHECK(term.cell[i] == ' ');
	FUZZ_CHECK(le->hist_len >= 0 && le->hist_len <= LINE_HISTORY);
	FUZZ_CHECK(le->hist_pos >= 0 && le->hist_pos <= le->hist_len);
	for (int i = 0; i < le->hist_len; i++)
		FUZZ_CHECK(memchr(le->history[i], '\0', LINE_MAX_LEN + 1));
}

static void check_seconds(const char *word)
{
	uint64_t us = 0;

	if (cmdline_parse_seconds(word, 3600, &us))
		FUZZ_CHECK(us <= 3600ull * 1000000);
}

/* Split a copy of line (in a buffer of its exact size) into at most
 * max words; every word must lie inside the copy. */
static void split(const char *line, int max)
{
	size_t len = strlen(line);
	char *copy = malloc(len + 1);
	char *argv[64];

	memcpy(copy, line, len + 1);
	int argc = cmdline_split(copy, argv, max);
	FUZZ_CHECK(argc >= -1 && argc <= max);
	for (int i = 0; i < argc; i++) {
		FUZZ_CHECK(argv[i] >= copy && argv[i] <= copy + len);
		FUZZ_CHECK(memchr(argv[i], '\0', (size_t)(copy + len + 1 -
							  argv[i])));
		check_seconds(argv[i]);
	}
	free(copy);
}

static void get(const char *line, const char *key)
{
	static const size_t sizes[] = { 1, 2, 8, 300 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *buf = malloc(sizes[i]);
		const char *v = cmdline_get(line, key, buf, sizes[i]);
		if (v) {
			FUZZ_CHECK(v == buf);
			FUZZ_CHECK(strlen(v) < sizes[i]);
		}
		free(buf);
	}
}

static void parse(const char *line)
{
	split(line, 4);
	split(line, 64);
	get(line, "ip");
	get(line, "gw");
	get(line, "console");
	check_seconds(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lineedit le;

	memset(&term, 0, sizeof(term));
	lineedit_init(&le, term_echo, NULL);
	for (size_t i = 0; i < size; i++) {
		switch (lineedit_feed(&le, (char)data[i])) {
		case LINE_MORE:
			check_screen(&le);
			break;
		case LINE_DONE:
			FUZZ_CHECK(term.cursor == 0);	/* "\r\n" echoed */
			parse(lineedit_line(&le));
			lineedit_reset(&le);
			break;
		case LINE_CANCELLED:
			FUZZ_CHECK(term.cursor == 0);
			lineedit_reset(&le);
			break;
		}
	}

	/* The input as one string (to its first NUL), as bootargs. */
	char *str = malloc(size + 1);
	memcpy(str, data, size);
	str[size] = '\0';
	parse(str);
	free(str);
	return 0;
}
