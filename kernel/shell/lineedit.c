#include <string.h>

#include "kernel/shell/lineedit.h"

#define CTRL(c) ((c) & 0x1f)

enum { ESC_NONE, ESC_SEEN, ESC_CSI };

static void echo(struct lineedit *le, const char *s, size_t n)
{
	if (le->echo)
		le->echo(le->echo_arg, s, n);
}

void lineedit_init(struct lineedit *le,
		   void (*echo_fn)(void *arg, const char *s, size_t n),
		   void *arg)
{
	memset(le, 0, sizeof(*le));
	le->echo = echo_fn;
	le->echo_arg = arg;
}

void lineedit_reset(struct lineedit *le)
{
	le->len = 0;
	le->buf[0] = '\0';
	le->esc = ESC_NONE;
	le->hist_pos = 0;
}

const char *lineedit_line(const struct lineedit *le)
{
	return le->buf;
}

static void erase_line(struct lineedit *le)
{
	while (le->len) {
		le->len--;
		echo(le, "\b \b", 3);
	}
	le->buf[0] = '\0';
}

static void set_line(struct lineedit *le, const char *s)
{
	erase_line(le);
	le->len = strlen(s);
	memcpy(le->buf, s, le->len + 1);
	echo(le, le->buf, le->len);
}

static void remember(struct lineedit *le)
{
	if (!le->len)
		return;
	if (le->hist_len && strcmp(le->history[0], le->buf) == 0)
		return;
	memmove(le->history[1], le->history[0],
		sizeof(le->history[0]) * (LINE_HISTORY - 1));
	memcpy(le->history[0], le->buf, le->len + 1);
	if (le->hist_len < LINE_HISTORY)
		le->hist_len++;
}

/* Up (older) and Down (newer) through the history. */
static void browse(struct lineedit *le, int dir)
{
	int pos = le->hist_pos + dir;

	if (pos < 0 || pos > le->hist_len)
		return;
	le->hist_pos = pos;
	set_line(le, pos ? le->history[pos - 1] : "");
}

static enum lineedit_result feed_escape(struct lineedit *le, char c)
{
	if (le->esc == ESC_SEEN) {
		le->esc = (c == '[' || c == 'O') ? ESC_CSI : ESC_NONE;
		return LINE_MORE;
	}
	/* CSI: parameters and intermediates until a final byte 0x40-0x7e. */
	if (c >= 0x40 && c <= 0x7e) {
		le->esc = ESC_NONE;
		if (c == 'A')
			browse(le, 1);
		else if (c == 'B')
			browse(le, -1);
	}
	return LINE_MORE;
}

enum lineedit_result lineedit_feed(struct lineedit *le, char c)
{
	char last = le->last;

	le->last = c;
	/* A control byte inside an escape sequence is acted on and ends
	 * the sequence (ECMA-48 5.4): line noise must not eat an Enter. */
	if (le->esc != ESC_NONE && (unsigned char)c >= 0x20)
		return feed_escape(le, c);
	le->esc = ESC_NONE;
	switch (c) {
	case '\n':
		if (last == '\r')
			return LINE_MORE;	/* second half of CR LF */
		/* fall through */
	case '\r':
		le->buf[le->len] = '\0';
		echo(le, "\r\n", 2);
		remember(le);
		return LINE_DONE;
	case CTRL('C'):
		echo(le, "^C\r\n", 4);
		le->len = 0;
		le->buf[0] = '\0';
		return LINE_CANCELLED;
	case CTRL('U'):
		erase_line(le);
		return LINE_MORE;
	case '\b':
	case 0x7f:
		if (le->len) {
			le->buf[--le->len] = '\0';
			echo(le, "\b \b", 3);
		}
		return LINE_MORE;
	case 0x1b:
		le->esc = ESC_SEEN;
		return LINE_MORE;
	}
	if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
		return LINE_MORE;	/* other control bytes, non-ASCII */
	if (le->len == LINE_MAX_LEN) {
		echo(le, "\a", 1);	/* full: ring, keep what is there */
		return LINE_MORE;
	}
	le->buf[le->len++] = c;
	le->buf[le->len] = '\0';
	echo(le, &c, 1);
	return LINE_MORE;
}
