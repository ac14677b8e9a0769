/*
 * Unit tests for kernel/cmdline.c: bootargs look-up and shell word
 * splitting.
 */
#include <string.h>

#include "kernel/cmdline.h"
#include "test.h"

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a__ = (a), *b__ = (b);                             \
		if (!a__ || strcmp(a__, b__) != 0)                             \
			FAIL_AT("%s is \"%s\", expected \"%s\"", #a,           \
				a__ ? a__ : "(null)", b__);                    \
	} while (0)

/* --- cmdline_get ------------------------------------------------------ */

TEST(test_cmdline_get_finds_each_value)
{
	const char *cl = "console=ttyS0 root=/dev/vda1 ip=10.0.2.15 quiet";
	char buf[64];

	CHECK_STR(cmdline_get(cl, "console", buf, sizeof(buf)), "ttyS0");
	CHECK_STR(cmdline_get(cl, "root", buf, sizeof(buf)), "/dev/vda1");
	CHECK_STR(cmdline_get(cl, "ip", buf, sizeof(buf)), "10.0.2.15");
	CHECK(cmdline_get(cl, "ip", buf, sizeof(buf)) == buf);
}

TEST(test_cmdline_get_last_occurrence_wins)
{
	char buf[32];

	CHECK_STR(cmdline_get("loglevel=3 x=1 loglevel=7", "loglevel", buf,
			      sizeof(buf)),
		  "7");
	/* A later bare key overrides an earlier value, too. */
	CHECK_STR(cmdline_get("debug=2 debug", "debug", buf, sizeof(buf)), "");
}

TEST(test_cmdline_get_bare_key_gives_empty_string)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	CHECK_STR(cmdline_get("quiet console=hvc0", "quiet", buf, sizeof(buf)),
		  "");
	CHECK_STR(cmdline_get("console=hvc0 quiet", "quiet", buf, sizeof(buf)),
		  "");
	CHECK_STR(cmdline_get("ip= x", "ip", buf, sizeof(buf)), "");
}

TEST(test_cmdline_get_key_prefix_of_another_key_does_not_match)
{
	char buf[32];

	CHECK(cmdline_get("ip6=fe80::1", "ip", buf, sizeof(buf)) == NULL);
	CHECK(cmdline_get("ipv6 ip6=fe80::1 iprange", "ip", buf, sizeof(buf)) ==
	      NULL);
	CHECK_STR(cmdline_get("ip6=fe80::1 ip=1.2.3.4", "ip", buf, sizeof(buf)),
		  "1.2.3.4");
	/* Nor does a value that happens to contain "key=". */
	CHECK(cmdline_get("foo=ip=1", "ip", buf, sizeof(buf)) == NULL);
}

TEST(test_cmdline_get_truncates_to_size_minus_one)
{
	char buf[5];

	memset(buf, 'x', sizeof(buf));
	CHECK_STR(cmdline_get("root=/dev/vda1", "root", buf, sizeof(buf)),
		  "/dev");
	char one[1] = {'x'};
	CHECK(cmdline_get("root=/dev/vda1", "root", one, 1) == one);
	CHECK_EQ(one[0], '\0');
}

TEST(test_cmdline_get_absent_key_gives_null)
{
	char buf[16];

	CHECK(cmdline_get("console=ttyS0 quiet", "root", buf, sizeof(buf)) ==
	      NULL);
	CHECK(cmdline_get("", "root", buf, sizeof(buf)) == NULL);
	CHECK(cmdline_get("   \t ", "root", buf, sizeof(buf)) == NULL);
	CHECK(cmdline_get(NULL, "root", buf, sizeof(buf)) == NULL);
}

TEST(test_cmdline_get_accepts_tabs_newlines_and_runs_of_spaces)
{
	char buf[16];

	CHECK_STR(cmdline_get("  a=1\t\tb=2 \n c=3\r\n", "c", buf, sizeof(buf)),
		  "3");
	CHECK_STR(cmdline_get("  a=1\t\tb=2 \n c=3\r\n", "b", buf, sizeof(buf)),
		  "2");
}

/* --- cmdline_split ---------------------------------------------------- */

TEST(test_cmdline_split_skips_runs_of_spaces_and_tabs)
{
	char line[] = "  ping \t -c\t\t3   10.0.2.2  \t";
	char *argv[8];

	CHECK_EQ(cmdline_split(line, argv, 8), 4);
	CHECK_STR(argv[0], "ping");
	CHECK_STR(argv[1], "-c");
	CHECK_STR(argv[2], "3");
	CHECK_STR(argv[3], "10.0.2.2");
}

TEST(test_cmdline_split_quotes_keep_spaces_inside_a_word)
{
	char line[] = "echo \"hello  world\" 'a b'c \"\" end";
	char *argv[8];

	CHECK_EQ(cmdline_split(line, argv, 8), 5);
	CHECK_STR(argv[0], "echo");
	CHECK_STR(argv[1], "hello  world");
	CHECK_STR(argv[2], "a bc");
	CHECK_STR(argv[3], "");
	CHECK_STR(argv[4], "end");
}

TEST(test_cmdline_split_other_quote_is_literal_inside_quotes)
{
	char line[] = "say \"it's\" 'a \"b\"'";
	char *argv[4];

	CHECK_EQ(cmdline_split(line, argv, 4), 3);
	CHECK_STR(argv[1], "it's");
	CHECK_STR(argv[2], "a \"b\"");
}

TEST(test_cmdline_split_unclosed_quote_fails)
{
	char a[] = "echo \"hello world";
	char b[] = "echo 'x";
	char *argv[8];

	CHECK_EQ(cmdline_split(a, argv, 8), -1);
	CHECK_EQ(cmdline_split(b, argv, 8), -1);
}

TEST(test_cmdline_split_too_many_words_fails)
{
	char over[] = "a b c d";
	char exact[] = "a b c ";
	char *argv[3];

	CHECK_EQ(cmdline_split(over, argv, 3), -1);
	CHECK_EQ(cmdline_split(exact, argv, 3), 3);
	CHECK_STR(argv[2], "c");
}

TEST(test_cmdline_split_empty_or_blank_line_gives_zero_words)
{
	char empty[] = "";
	char blank[] = " \t  \t";
	char *argv[2];

	CHECK_EQ(cmdline_split(empty, argv, 2), 0);
	CHECK_EQ(cmdline_split(blank, argv, 2), 0);
	CHECK_EQ(cmdline_split(empty, argv, 0), 0);
}

TEST(test_cmdline_parse_seconds_accepts_fractions_and_rejects_junk)
{
	uint64_t us = 7;

	CHECK(cmdline_parse_seconds("2", 3600, &us));
	CHECK_EQ(us, 2000000);
	CHECK(cmdline_parse_seconds("0.25", 3600, &us));
	CHECK_EQ(us, 250000);
	CHECK(cmdline_parse_seconds(".5", 3600, &us));
	CHECK_EQ(us, 500000);
	CHECK(cmdline_parse_seconds("1.0000009", 3600, &us));
	CHECK_EQ(us, 1000000);
	CHECK(cmdline_parse_seconds("3600", 3600, &us));
	us = 7;
	CHECK(!cmdline_parse_seconds("3600.5", 3600, &us));
	CHECK(!cmdline_parse_seconds("99999999999999999999", 3600, &us));
	CHECK(!cmdline_parse_seconds("", 3600, &us));
	CHECK(!cmdline_parse_seconds(".", 3600, &us));
	CHECK(!cmdline_parse_seconds("1s", 3600, &us));
	CHECK(!cmdline_parse_seconds("-1", 3600, &us));
	CHECK(!cmdline_parse_seconds("1.2.3", 3600, &us));
	CHECK_EQ(us, 7);	/* untouched on failure */
}

int main(void)
{
	RUN(test_cmdline_get_finds_each_value);
	RUN(test_cmdline_get_last_occurrence_wins);
	RUN(test_cmdline_get_bare_key_gives_empty_string);
	RUN(test_cmdline_get_key_prefix_of_another_key_does_not_match);
	RUN(test_cmdline_get_truncates_to_size_minus_one);
	RUN(test_cmdline_get_absent_key_gives_null);
	RUN(test_cmdline_get_accepts_tabs_newlines_and_runs_of_spaces);
	RUN(test_cmdline_split_skips_runs_of_spaces_and_tabs);
	RUN(test_cmdline_split_quotes_keep_spaces_inside_a_word);
	RUN(test_cmdline_split_other_quote_is_literal_inside_quotes);
	RUN(test_cmdline_split_unclosed_quote_fails);
	RUN(test_cmdline_split_too_many_words_fails);
	RUN(test_cmdline_split_empty_or_blank_line_gives_zero_words);
	RUN(test_cmdline_parse_seconds_accepts_fractions_and_rejects_junk);
	TEST_EXIT();
}
