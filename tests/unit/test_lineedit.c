/*
 * Unit tests for kernel/shell/lineedit.c: what the shell gets from keystrokes
 * and what the terminal is sent back. Ends with a fuzz run of random
 * bytes under ASan.
 */
#include <stdint.h>
#include <string.h>

#include "kernel/shell/lineedit.h"
#include "test.h"

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a__ = (a), *b__ = (b);                             \
		if (strcmp(a__, b__) != 0)                                     \
			FAIL_AT("%s is \"%s\", expected \"%s\"", #a, a__,      \
				b__);                                          \
	} while (0)

/* Everything echoed since the last echo_clear(). */
static char echoed[8192];
static size_t echoed_len;

static void echo_capture(void *arg, const char *s, size_t n)
{
	CHECK(arg == &echoed);
	CHECK(echoed_len + n < sizeof(echoed));
	memcpy(echoed + echoed_len, s, n);
	echoed_len += n;
	echoed[echoed_len] = '\0';
}

static void echo_clear(void)
{
	echoed_len = 0;
	echoed[0] = '\0';
}

static struct lineedit le;

static void setup(void)
{
	lineedit_init(&le, echo_capture, &echoed);
	echo_clear();
}

/* Feed every byte of s; the result of the last one. */
static enum lineedit_result feed(const char *s, size_t n)
{
	enum lineedit_result r = LINE_MORE;

	for (size_t i = 0; i < n; i++)
		r = lineedit_feed(&le, s[i]);
	return r;
}

#define FEED(s) feed((s), sizeof(s) - 1)

/* Type s and Enter; the line must be complete. */
static void enter_line(const char *s)
{
	feed(s, strlen(s));
	CHECK_EQ(lineedit_feed(&le, '\r'), LINE_DONE);
	lineedit_reset(&le);
}

TEST(test_lineedit_typing_then_cr_gives_the_line)
{
	setup();
	CHECK_EQ(FEED("ls -l /proc"), LINE_MORE);
	CHECK_STR(echoed, "ls -l /proc");
	CHECK_EQ(lineedit_feed(&le, '\r'), LINE_DONE);
	CHECK_STR(lineedit_line(&le), "ls -l /proc");
	CHECK_STR(echoed, "ls -l /proc\r\n");
}

TEST(test_lineedit_lf_alone_also_ends_the_line)
{
	setup();
	CHECK_EQ(FEED("uptime\n"), LINE_DONE);
	CHECK_STR(lineedit_line(&le), "uptime");
}

TEST(test_lineedit_cr_lf_is_one_enter)
{
	setup();
	CHECK_EQ(FEED("help\r"), LINE_DONE);
	CHECK_STR(lineedit_line(&le), "help");
	lineedit_reset(&le);
	echo_clear();
	/* The LF of the pair must not end a second, empty line. */
	CHECK_EQ(lineedit_feed(&le, '\n'), LINE_MORE);
	CHECK_STR(echoed, "");
	CHECK_EQ(FEED("ps\r\n"), LINE_MORE); /* DONE came with the CR */
	CHECK_STR(lineedit_line(&le), "ps");
	/* Two CRs are two Enters, though. */
	lineedit_reset(&le);
	CHECK_EQ(lineedit_feed(&le, '\r'), LINE_DONE);
	CHECK_STR(lineedit_line(&le), "");
}

TEST(test_lineedit_backspace_and_del_erase_one_char)
{
	setup();
	FEED("abcd");
	echo_clear();
	CHECK_EQ(lineedit_feed(&le, '\b'), LINE_MORE);
	CHECK_STR(echoed, "\b \b");
	CHECK_EQ(lineedit_feed(&le, 0x7f), LINE_MORE);
	CHECK_STR(echoed, "\b \b\b \b");
	CHECK_STR(lineedit_line(&le), "ab");
	FEED("X\r");
	CHECK_STR(lineedit_line(&le), "abX");
}

TEST(test_lineedit_backspace_on_empty_line_does_nothing)
{
	setup();
	CHECK_EQ(FEED("\b\x7f\b"), LINE_MORE);
	CHECK_STR(echoed, "");
	CHECK_STR(lineedit_line(&le), "");
	FEED("a\b\b");
	CHECK_STR(echoed, "a\b \b");
}

TEST(test_lineedit_ctrl_c_cancels_and_echoes_caret_c)
{
	setup();
	FEED("reboot");
	echo_clear();
	CHECK_EQ(lineedit_feed(&le, 0x03), LINE_CANCELLED);
	CHECK(strncmp(echoed, "^C", 2) == 0);
	CHECK_STR(lineedit_line(&le), "");
	/* A cancelled line is not remembered. */
	lineedit_reset(&le);
	FEED("\x1b[A");
	CHECK_STR(lineedit_line(&le), "");
}

TEST(test_lineedit_ctrl_u_erases_the_line)
{
	setup();
	FEED("abc");
	echo_clear();
	CHECK_EQ(lineedit_feed(&le, 0x15), LINE_MORE);
	CHECK_STR(echoed, "\b \b\b \b\b \b");
	CHECK_STR(lineedit_line(&le), "");
	CHECK_EQ(FEED("ok\r"), LINE_DONE);
	CHECK_STR(lineedit_line(&le), "ok");
}

TEST(test_lineedit_escape_sequences_insert_nothing)
{
	static const char *const seqs[] = {
	    "\x1b[C", "\x1b[D", "\x1b[1;5C", "\x1b[1;5D", "\x1b[3~",
	    "\x1b[H", "\x1b[F", "\x1bOH",    "\x1b[200~", "\x1bx",
	};

	setup();
	FEED("ab");
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		echo_clear();
		CHECK_EQ(feed(seqs[i], strlen(seqs[i])), LINE_MORE);
		CHECK_STR(lineedit_line(&le), "ab");
		CHECK_STR(echoed, "");
	}
	/* And typing goes on normally afterwards. */
	CHECK_EQ(FEED("c\r"), LINE_DONE);
	CHECK_STR(lineedit_line(&le), "abc");
}

TEST(test_lineedit_enter_inside_broken_escape_sequence_still_ends_line)
{
	setup();
	/* Line noise: ESC [ with no final byte, then Enter. */
	CHECK_EQ(FEED("ps\x1b["), LINE_MORE);
	CHECK_EQ(lineedit_feed(&le, '\r'), LINE_DONE);
	CHECK_STR(lineedit_line(&le), "ps");
	lineedit_reset(&le);
	/* A lone ESC does not swallow the next Ctrl-C either. */
	CHECK_EQ(FEED("free\x1b\x03"), LINE_CANCELLED);
}

TEST(test_lineedit_other_control_and_non_ascii_bytes_ignored)
{
	setup();
	FEED("a\x01\x02\x07\x80\xc3\xa9\xff");
	FEED("b\x1f\x0e");
	CHECK_STR(lineedit_line(&le), "ab");
	CHECK_STR(echoed, "ab");
}

TEST(test_lineedit_up_down_browse_history_most_recent_first)
{
	setup();
	enter_line("first");
	enter_line("second");
	enter_line("third");
	FEED("\x1b[A");
	CHECK_STR(lineedit_line(&le), "third");
	FEED("\x1b[A");
	CHECK_STR(lineedit_line(&le), "second");
	FEED("\x1b[A");
	CHECK_STR(lineedit_line(&le), "first");
	FEED("\x1b[A"); /* no older entry */
	CHECK_STR(lineedit_line(&le), "first");
	FEED("\x1b[B");
	CHECK_STR(lineedit_line(&le), "second");
	FEED("\x1bOB"); /* SS3 form, too */
	CHECK_STR(lineedit_line(&le), "third");
	/* The recalled line is what Enter gives. */
	CHECK_EQ(FEED("\x1b[A!\r"), LINE_DONE);
	CHECK_STR(lineedit_line(&le), "second!");
}

TEST(test_lineedit_down_past_newest_gives_empty_line)
{
	setup();
	enter_line("only");
	FEED("\x1b[A");
	CHECK_STR(lineedit_line(&le), "only");
	echo_clear();
	FEED("\x1b[B");
	CHECK_STR(lineedit_line(&le), "");
	CHECK_STR(echoed, "\b \b\b \b\b \b\b \b"); /* "only" erased */
	FEED("\x1b[B");
	CHECK_STR(lineedit_line(&le), "");
}

TEST(test_lineedit_history_keeps_the_last_entries_without_repeats)
{
	char line[16];

	setup();
	enter_line("dup");
	enter_line("dup"); /* same as the newest: not stored */
	FEED("\x1b[A\x1b[A");
	CHECK_STR(lineedit_line(&le), "dup");
	lineedit_reset(&le);
	for (int i = 0; i < LINE_HISTORY + 3; i++) {
		snprintf(line, sizeof(line), "cmd%d", i);
		enter_line(line);
	}
	for (int i = 0; i < LINE_HISTORY + 2; i++)
		FEED("\x1b[A");
	/* The oldest kept is LINE_HISTORY entries back. */
	snprintf(line, sizeof(line), "cmd%d", 3);
	CHECK_STR(lineedit_line(&le), line);
}

TEST(test_lineedit_full_line_rings_bell_and_does_not_overflow)
{
	setup();
	for (int i = 0; i < LINE_MAX_LEN; i++)
		CHECK_EQ(lineedit_feed(&le, 'a' + i % 26), LINE_MORE);
	CHECK_EQ(strlen(lineedit_line(&le)), LINE_MAX_LEN);
	echo_clear();
	for (int i = 0; i < 10; i++)
		CHECK_EQ(lineedit_feed(&le, 'z'), LINE_MORE);
	CHECK_STR(echoed, "\a\a\a\a\a\a\a\a\a\a");
	CHECK_EQ(strlen(lineedit_line(&le)), LINE_MAX_LEN);
	CHECK_EQ(lineedit_line(&le)[LINE_MAX_LEN - 1], 'a' + 254 % 26);
	/* Erasing makes room again. */
	FEED("\b");
	CHECK_EQ(FEED("Z\r"), LINE_DONE);
	CHECK_EQ(strlen(lineedit_line(&le)), LINE_MAX_LEN);
	CHECK_EQ(lineedit_line(&le)[LINE_MAX_LEN - 1], 'Z');
	/* A full line recalled from history fits too. */
	lineedit_reset(&le);
	FEED("\x1b[A");
	CHECK_EQ(strlen(lineedit_line(&le)), LINE_MAX_LEN);
}

/* --- fuzz ------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned long echo_sum;

/* Reads every echoed byte, so ASan checks each echo's extent. */
static void echo_touch(void *arg, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		echo_sum += (unsigned char)s[i];
}

TEST(test_lineedit_random_bytes_never_overflow_and_stay_terminated)
{
	/* Bytes that drive the editor's states, mixed into the noise. */
	static const char keys[] = "\r\n\b\x7f\x03\x15\x1b[AOB;1";
	int dones = 0, cancels = 0, longest = 0;

	lineedit_init(&le, echo_touch, NULL);
	rng_state = 0x2545f4914f6cdd1dull;
	for (int i = 0; i < 100000; i++) {
		uint64_t r = rng();
		char c;

		if (r % 4 == 0)
			c = keys[(r >> 8) % (sizeof(keys) - 1)];
		else if (r % 4 == 1)
			c = (char)(r >> 16); /* any byte */
		else
			c = (char)(' ' + (r >> 16) % 95); /* printable */
		enum lineedit_result res = lineedit_feed(&le, c);
		const char *line = lineedit_line(&le);
		const char *nul = memchr(line, '\0', LINE_MAX_LEN + 1);
		CHECK(nul != NULL);
		CHECK((size_t)(nul - line) == le.len);
		if ((int)le.len > longest)
			longest = (int)le.len;
		if (res != LINE_MORE) {
			dones += res == LINE_DONE;
			cancels += res == LINE_CANCELLED;
			lineedit_reset(&le);
		}
	}
	CHECK(dones > 100);
	CHECK(cancels > 100);
	CHECK(echo_sum > 0);
}

TEST(test_lineedit_random_printable_runs_reach_the_limit_safely)
{
	int full = 0;

	lineedit_init(&le, echo_touch, NULL);
	rng_state = 0x853c49e6748fea9bull;
	for (int i = 0; i < 100000; i++) {
		uint64_t r = rng();
		/* Mostly text, Enter rarely, so lines hit LINE_MAX_LEN. */
		char c = r % 400 == 0 ? '\r' : (char)(' ' + (r >> 8) % 95);
		if (r % 997 == 0)
			c = 0x1b;
		if (lineedit_feed(&le, c) == LINE_DONE)
			lineedit_reset(&le);
		CHECK(strlen(lineedit_line(&le)) <= LINE_MAX_LEN);
		full += le.len == LINE_MAX_LEN;
	}
	CHECK(full > 0);
}

int main(void)
{
	RUN(test_lineedit_typing_then_cr_gives_the_line);
	RUN(test_lineedit_lf_alone_also_ends_the_line);
	RUN(test_lineedit_cr_lf_is_one_enter);
	RUN(test_lineedit_backspace_and_del_erase_one_char);
	RUN(test_lineedit_backspace_on_empty_line_does_nothing);
	RUN(test_lineedit_ctrl_c_cancels_and_echoes_caret_c);
	RUN(test_lineedit_ctrl_u_erases_the_line);
	RUN(test_lineedit_escape_sequences_insert_nothing);
	RUN(test_lineedit_enter_inside_broken_escape_sequence_still_ends_line);
	RUN(test_lineedit_other_control_and_non_ascii_bytes_ignored);
	RUN(test_lineedit_up_down_browse_history_most_recent_first);
	RUN(test_lineedit_down_past_newest_gives_empty_line);
	RUN(test_lineedit_history_keeps_the_last_entries_without_repeats);
	RUN(test_lineedit_full_line_rings_bell_and_does_not_overflow);
	RUN(test_lineedit_random_bytes_never_overflow_and_stay_terminated);
	RUN(test_lineedit_random_printable_runs_reach_the_limit_safely);
	TEST_EXIT();
}
