/*
 * Kernel console output. kprintf() formats into a stack buffer and writes
 * it to the console with interrupts masked, so it is safe from any context
 * (interrupt handlers included) and lines from different threads never
 * interleave. It must not be given floating-point conversions (newlib's
 * dtoa allocates). panic() never returns.
 */
#ifndef KITE_PRINTK_H
#define KITE_PRINTK_H

#include <stdarg.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

struct trap_frame;
/* Print "panic: <msg>", the frame's registers if given, and halt. */
void panic_frame(const struct trap_frame *tf, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
#define panic(...) panic_frame(0, __VA_ARGS__)

/* An impossible state: name it and halt. */
#define BUG_ON(cond)                                                    \
	do {                                                            \
		if (__builtin_expect(!!(cond), 0))                      \
			panic("BUG: %s at %s:%d", #cond, __FILE__,      \
			      __LINE__);                                \
	} while (0)

#endif
