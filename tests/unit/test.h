/*
 * Minimal host unit-test harness.
 *
 * Each tests/unit/test_*.c is its own program, built with ASan and UBSan.
 * It defines tests with TEST(name) and lists them in main() with RUN(name).
 * Every test prints exactly one line, "PASS name" or
 * "FAIL name: file:line: what"; tools/run-tests.sh (`make test`) counts
 * those lines for its final "N passed, N failed". A failed CHECK ends the
 * current test at once (the rest would only report consequences of the
 * first failure).
 */
#ifndef KITE_TEST_H
#define KITE_TEST_H

#include <setjmp.h>
#include <stdio.h>

static jmp_buf test_env__;
static const char *test_name__;
static int test_failures__;

#define TEST(name) static void name(void)

#define FAIL_AT(...)                                                    \
	do {                                                            \
		printf("FAIL %s: %s:%d: ", test_name__, __FILE__, __LINE__); \
		printf(__VA_ARGS__);                                    \
		printf("\n");                                           \
		longjmp(test_env__, 1);                                 \
	} while (0)

#define CHECK(cond)                                      \
	do {                                             \
		if (!(cond))                             \
			FAIL_AT("CHECK(%s)", #cond);     \
	} while (0)

#define CHECK_EQ(a, b)                                                    \
	do {                                                              \
		long long a__ = (long long)(a), b__ = (long long)(b);     \
		if (a__ != b__)                                           \
			FAIL_AT("%s is %lld, expected %s (%lld)", #a, a__, \
				#b, b__);                                 \
	} while (0)

#define RUN(name)                                     \
	do {                                          \
		test_name__ = #name;                  \
		if (setjmp(test_env__) == 0) {        \
			name();                       \
			printf("PASS %s\n", #name);   \
		} else {                              \
			test_failures__++;            \
		}                                     \
		fflush(stdout);                       \
	} while (0)

#define TEST_EXIT() return test_failures__ ? 1 : 0

#endif
