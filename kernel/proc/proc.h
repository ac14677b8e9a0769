/*
 * A small read-only /proc: each file is a function that renders its text
 * on demand into a growing buffer (like Linux's seq_file), so what `cat`
 * shows is always current.
 */
#ifndef KITE_PROC_H
#define KITE_PROC_H

#include <stdbool.h>
#include <stddef.h>

struct seqbuf {
	char *buf;
	size_t len, cap;
	bool overflow;		/* an allocation failed: output is short */
};

void seq_printf(struct seqbuf *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void seq_write(struct seqbuf *s, const char *data, size_t n);

typedef void (*proc_show_t)(struct seqbuf *s);
/* A show function shared by several files, told which one by arg. */
typedef void (*proc_show_arg_t)(struct seqbuf *s, const void *arg);

/* Add a file; path must outlive the registration. 0, -EEXIST, -ENOSPC. */
int proc_register(const char *path, proc_show_t show);
/* The same for a file rendered by show(s, arg); arg must outlive it. */
int proc_register_arg(const char *path, proc_show_arg_t show,
		      const void *arg);
/* Render a file into a malloc'd buffer the caller frees; NULL with
 * *err = -ENOENT or -ENOMEM. */
char *proc_read(const char *path, size_t *len, int *err);
/* Call fn for each file, in registration order. */
void proc_for_each(void (*fn)(const char *path, void *arg), void *arg);

#endif
