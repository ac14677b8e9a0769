/*
 * The console line editor: turns keystrokes into a command line.
 * Portable and I/O-free (echo goes through a callback) so the shell's
 * input handling is unit-tested and fuzzed on the host.
 *
 * Keys: printable ASCII inserts at the end; Backspace/DEL erases one;
 * Ctrl-U erases the line; Ctrl-C cancels it ("^C"); Enter (CR, LF or
 * CR LF) ends it; Up/Down walk a small history. Other control bytes and
 * escape sequences are swallowed.
 */
#ifndef KITE_LINEEDIT_H
#define KITE_LINEEDIT_H

#include <stddef.h>

#define LINE_MAX_LEN	255
#define LINE_HISTORY	8

enum lineedit_result {
	LINE_MORE,		/* keep feeding */
	LINE_DONE,		/* line() holds a complete line */
	LINE_CANCELLED,		/* Ctrl-C: line discarded */
};

struct lineedit {
	char buf[LINE_MAX_LEN + 1];
	size_t len;
	int esc;		/* escape-sequence state */
	char last;		/* previous byte, to fold CR LF */
	char history[LINE_HISTORY][LINE_MAX_LEN + 1];
	int hist_len;		/* entries used */
	int hist_pos;		/* browsing: 0 = current line */
	void (*echo)(void *arg, const char *s, size_t n);
	void *echo_arg;
};

void lineedit_init(struct lineedit *le,
		   void (*echo)(void *arg, const char *s, size_t n),
		   void *arg);
/* Start a new line (after LINE_DONE or LINE_CANCELLED). */
void lineedit_reset(struct lineedit *le);
enum lineedit_result lineedit_feed(struct lineedit *le, char c);
/* The finished line, NUL-terminated. */
const char *lineedit_line(const struct lineedit *le);

#endif
