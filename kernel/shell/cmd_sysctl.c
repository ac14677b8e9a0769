/*
 * `sysctl` (procps) over the stack's table (net/sysctl.h), and each
 * entry as a read-only file under /proc/sys (net.ipv4.tcp_fin_timeout
 * is /proc/sys/net/ipv4/tcp_fin_timeout), in Linux's format.
 *
 *   sysctl [-n] [-q] NAME...          print "NAME = VALUE"
 *   sysctl [-n] [-q] [-w] NAME=VALUE  set, then print "NAME = VALUE"
 *   sysctl [-n] -a                    print every entry
 *
 * As procps: an argument with '=' is a write even without -w; names may
 * be written with '/' for '.'; the value printed after a write is the
 * one given; errors are procps' messages ("cannot stat /proc/sys/...",
 * "setting key"), and the exit status is non-zero if any failed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/net_glue.h"
#include "kernel/proc/proc.h"
#include "kernel/shell/shell.h"
#include "net/stack.h"
#include "net/sysctl.h"

#define SYSCTL_NAME_MAX	128
#define PROC_SYS	"/proc/sys/"

struct sysctl_opts {
	bool values_only;	/* -n */
	bool quiet;		/* -q: print nothing after a write */
};

/* procps takes "net/ipv4/x" for "net.ipv4.x": copy src with dots. */
static void name_to_dots(char *dst, const char *src, size_t n, size_t size)
{
	size_t i;

	for (i = 0; i < n && src[i] && i + 1 < size; i++)
		dst[i] = src[i] == '/' ? '.' : src[i];
	dst[i] = '\0';
}

/* "/proc/sys/net/ipv4/x" for "net.ipv4.x". */
static void proc_sys_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, PROC_SYS "%s", name);
	for (char *p = buf + sizeof(PROC_SYS) - 1; *p; p++)
		if (*p == '.')
			*p = '/';
}

static void print_missing(const char *name)
{
	char path[sizeof(PROC_SYS) + SYSCTL_NAME_MAX];

	proc_sys_path(path, sizeof(path), name);
	printf("sysctl: cannot stat %s: No such file or directory\n", path);
}

static void print_setting(const struct sysctl_opts *o, const char *name,
			  const char *value)
{
	if (o->values_only)
		printf("%s\n", value);
	else
		printf("%s = %s\n", name, value);
}

static int show(const struct sysctl_opts *o, const struct sysctl_entry *e)
{
	char v[SYSCTL_VALUE_MAX];

	net_glue_lock();
	int r = sysctl_format(net_glue_stack(), e, v, sizeof(v));
	net_glue_unlock();
	if (r < 0) {
		printf("sysctl: reading key \"%s\": %s\n", e->name,
		       strerror(-r));
		return 1;
	}
	print_setting(o, e->name, v);
	return 0;
}

static int read_one(const struct sysctl_opts *o, const char *arg)
{
	char name[SYSCTL_NAME_MAX];

	name_to_dots(name, arg, strlen(arg), sizeof(name));
	const struct sysctl_entry *e = sysctl_lookup(name);
	if (!e) {
		print_missing(name);
		return 1;
	}
	return show(o, e);
}

/* arg is "NAME=VALUE". */
static int write_one(const struct sysctl_opts *o, const char *arg)
{
	char name[SYSCTL_NAME_MAX];
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg) {
		printf("sysctl: \"%s\" must be of the form name=value\n", arg);
		return 1;
	}
	name_to_dots(name, arg, (size_t)(eq - arg), sizeof(name));
	const char *value = eq + 1;

	const struct sysctl_entry *e = sysctl_lookup(name);
	if (!e) {
		print_missing(name);
		return 1;
	}
	net_glue_lock();
	int r = sysctl_parse(net_glue_stack(), e, value);
	net_glue_unlock();
	if (r < 0) {
		printf("sysctl: setting key \"%s\": %s\n", name, strerror(-r));
		return 1;
	}
	if (!o->quiet)
		print_setting(o, name, value);
	return 0;
}

static int usage(void)
{
	printf("Usage: sysctl [-n] [-q] [-w] NAME[=VALUE]...\n"
	       "       sysctl [-n] -a\n");
	return 2;
}

static int cmd_sysctl(int argc, char **argv)
{
	struct sysctl_opts o = { 0 };
	bool all = false, write = false;
	int i, status = 0;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *f = argv[i] + 1; *f; f++) {
			switch (*f) {
			case 'a':
			case 'A':
				all = true;
				break;
			case 'w':
				write = true;
				break;
			case 'n':
				o.values_only = true;
				break;
			case 'q':
				o.quiet = true;
				break;
			default:
				printf("sysctl: invalid option -- '%c'\n", *f);
				return usage();
			}
		}
	}
	if (all) {
		for (unsigned k = 0; k < sysctl_count(); k++)
			status |= show(&o, sysctl_at(k));
		return status;
	}
	if (i == argc) {
		printf("sysctl: no variables specified\n");
		return usage();
	}
	for (; i < argc; i++) {
		if (write || strchr(argv[i], '='))
			status |= write_one(&o, argv[i]);
		else
			status |= read_one(&o, argv[i]);
	}
	return status;
}

/* --- /proc/sys --------------------------------------------------------- */

static void show_proc_sys(struct seqbuf *sb, const void *arg)
{
	const struct sysctl_entry *e = arg;
	char v[SYSCTL_VALUE_MAX];

	net_glue_lock();
	int r = sysctl_format(net_glue_stack(), e, v, sizeof(v));
	net_glue_unlock();
	if (r >= 0)
		seq_printf(sb, "%s\n", v);
}

/* Register /proc/sys/net/ipv4/NAME for every entry. The paths are
 * allocated once and live as long as the firmware. */
static void register_proc_sys(void)
{
	for (unsigned k = 0; k < sysctl_count(); k++) {
		const struct sysctl_entry *e = sysctl_at(k);
		size_t len = sizeof(PROC_SYS) + strlen(e->name);
		char *path = malloc(len);

		if (!path) {
			printf("sysctl: no memory for /proc/sys\n");
			return;
		}
		proc_sys_path(path, len, e->name);
		int r = proc_register_arg(path, show_proc_sys, e);
		if (r < 0) {
			printf("sysctl: %s: %s\n", path, strerror(-r));
			free(path);
		}
	}
}

static const struct shell_cmd sysctl_cmds[] = {
	{ "sysctl", "sysctl [-n] [-w] NAME[=VALUE]... | sysctl -a",
	  "read or set network knobs by Linux name (procps)", cmd_sysctl },
};

void cmd_sysctl_init(void)
{
	shell_register(sysctl_cmds,
		       sizeof(sysctl_cmds) / sizeof(sysctl_cmds[0]));
	register_proc_sys();
}
