#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/proc/proc.h"

#define PROC_MAX_FILES 64

/* Exactly one of show and show_arg is set. */
static struct {
	const char *path;
	proc_show_t show;
	proc_show_arg_t show_arg;
	const void *arg;
} files[PROC_MAX_FILES];
static int nfiles;

static bool reserve(struct seqbuf *s, size_t more)
{
	if (s->overflow)
		return false;
	if (s->len + more + 1 <= s->cap)
		return true;
	size_t cap = s->cap ? s->cap : 512;
	while (cap < s->len + more + 1)
		cap *= 2;
	char *p = realloc(s->buf, cap);
	if (!p) {
		s->overflow = true;
		return false;
	}
	s->buf = p;
	s->cap = cap;
	return true;
}

void seq_write(struct seqbuf *s, const char *data, size_t n)
{
	if (!reserve(s, n))
		return;
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

void seq_printf(struct seqbuf *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(s, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}

static int add(const char *path, proc_show_t show, proc_show_arg_t show_arg,
	       const void *arg)
{
	for (int i = 0; i < nfiles; i++)
		if (strcmp(files[i].path, path) == 0)
			return -EEXIST;
	if (nfiles == PROC_MAX_FILES)
		return -ENOSPC;
	files[nfiles].path = path;
	files[nfiles].show = show;
	files[nfiles].show_arg = show_arg;
	files[nfiles].arg = arg;
	nfiles++;
	return 0;
}

int proc_register(const char *path, proc_show_t show)
{
	return add(path, show, NULL, NULL);
}

int proc_register_arg(const char *path, proc_show_arg_t show,
		      const void *arg)
{
	return add(path, NULL, show, arg);
}

char *proc_read(const char *path, size_t *len, int *err)
{
	for (int i = 0; i < nfiles; i++) {
		if (strcmp(files[i].path, path) != 0)
			continue;
		struct seqbuf s = { 0 };
		if (files[i].show)
			files[i].show(&s);
		else
			files[i].show_arg(&s, files[i].arg);
		if (s.overflow || !reserve(&s, 0)) {
			free(s.buf);
			*err = -ENOMEM;
			return NULL;
		}
		*len = s.len;
		return s.buf;
	}
	*err = -ENOENT;
	return NULL;
}

void proc_for_each(void (*fn)(const char *path, void *arg), void *arg)
{
	for (int i = 0; i < nfiles; i++)
		fn(files[i].path, arg);
}
