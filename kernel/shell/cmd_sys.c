/*
 * Shell commands that need no network: uptime, free, ps, cat, poweroff,
 * reboot. Output follows procps and coreutils so habits and parsers
 * carry over.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/arch.h"
#include "kernel/cmdline.h"
#include "kernel/kernel.h"
#include "kernel/proc/proc.h"
#include "kernel/shell/shell.h"
#include "kernel/proc/sysinfo.h"
#include "kernel/thread.h"
#include "kernel/timer.h"

/* procps: " 10:30:36 up 1 day,  2:03,  0 users,  load average: ..." */
static int cmd_uptime(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	time_t now = (time_t)(kernel_realtime_us() / 1000000);
	struct tm tm;
	gmtime_r(&now, &tm);
	uint64_t up = clock_now_us() / 1000000;
	unsigned days = (unsigned)(up / 86400);
	unsigned hours = (unsigned)(up / 3600 % 24);
	unsigned mins = (unsigned)(up / 60 % 60);

	printf(" %02d:%02d:%02d up ", tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (days)
		printf("%u day%s, ", days, days == 1 ? "" : "s");
	if (hours)
		printf("%2u:%02u, ", hours, mins);
	else
		printf("%u min, ", mins);
	unsigned l[3];
	sysinfo_loadavg(l);
	printf(" 0 users,  load average: %u.%02u, %u.%02u, %u.%02u\n",
	       l[0] / 100, l[0] % 100, l[1] / 100, l[1] % 100, l[2] / 100,
	       l[2] % 100);
	return 0;
}

/* procps free, in KiB. There is no swap and no page cache. */
static int cmd_free(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct meminfo m;
	sysinfo_meminfo(&m);
	printf("%-7s %11s %11s %11s %11s %11s %11s\n", "", "total", "used",
	       "free", "shared", "buff/cache", "available");
	printf("%-7s %11llu %11llu %11llu %11u %11u %11llu\n", "Mem:",
	       (unsigned long long)m.total_kb, (unsigned long long)m.used_kb,
	       (unsigned long long)m.free_kb, 0u, 0u,
	       (unsigned long long)m.available_kb);
	printf("%-7s %11u %11u %11u\n", "Swap:", 0u, 0u, 0u);
	return 0;
}

struct ps_row {
	int tid, prio;
	char state;
	uint64_t cpu_us;
	char name[THREAD_NAME_LEN];
};

struct ps_snapshot {
	struct ps_row *rows;
	int n, cap;
};

static void ps_collect(const struct thread *t, void *arg)
{
	struct ps_snapshot *s = arg;

	if (s->n == s->cap)
		return;
	struct ps_row *r = &s->rows[s->n++];
	r->tid = t->tid;
	r->prio = t->prio;
	r->state = thread_state_name(t->state)[0];
	r->cpu_us = t->cpu_us;
	memcpy(r->name, t->name, sizeof(r->name));
}

/* procps "ps -o pid,pri,stat,time,comm" */
static int cmd_ps(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* Copy first: printing may block, the thread list must not. */
	struct ps_snapshot s = { .cap = thread_count() + 8 };
	s.rows = calloc(s.cap, sizeof(*s.rows));
	if (!s.rows) {
		printf("ps: out of memory\n");
		return 1;
	}
	thread_for_each(ps_collect, &s);
	printf("%7s %3s %-4s %8s %s\n", "PID", "PRI", "STAT", "TIME", "COMMAND");
	for (int i = 0; i < s.n; i++) {
		struct ps_row *r = &s.rows[i];
		unsigned long sec = (unsigned long)(r->cpu_us / 1000000);
		printf("%7d %3d %-4c %02lu:%02lu:%02lu %s\n", r->tid, r->prio,
		       r->state, sec / 3600, sec / 60 % 60, sec % 60, r->name);
	}
	free(s.rows);
	return 0;
}

static int cmd_cat(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		printf("usage: cat FILE...\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		size_t len;
		int err;
		char *text = proc_read(argv[i], &len, &err);
		if (!text) {
			printf("cat: %s: %s\n", argv[i], strerror(-err));
			status = 1;
			continue;
		}
		fwrite(text, 1, len, stdout);
		free(text);
	}
	return status;
}

static void print_path(const char *path, void *arg)
{
	(void)arg;
	printf("%s\n", path);
}

static int cmd_ls(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	proc_for_each(print_path, NULL);
	return 0;
}

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	return 0;
}

/* coreutils sleep: seconds, fractions allowed ("0.25"). */
static int cmd_sleep(int argc, char **argv)
{
	uint64_t us;

	if (argc != 2) {
		printf("usage: sleep SECONDS\n");
		return 1;
	}
	if (!cmdline_parse_seconds(argv[1], 86400, &us)) {
		printf("sleep: invalid time interval '%s'\n", argv[1]);
		return 1;
	}
	thread_sleep_us(us);
	return 0;
}

/* Like Linux's sysrq 'c': fault on purpose to show (and test) the panic
 * path. The address is unmapped on every supported machine. */
static int cmd_crash(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("crash: reading from unmapped address 0xdead00000000\n");
	fflush(stdout);
	return *(volatile int *)0xdead00000000UL;
}

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Powering off.\n");
	fflush(stdout);
	arch_poweroff();
}

static int cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Rebooting.\n");
	fflush(stdout);
	arch_reboot();
}

static const struct shell_cmd sys_cmds[] = {
	{ "uptime", "uptime", "time since boot and load average", cmd_uptime },
	{ "free", "free", "memory use in KiB", cmd_free },
	{ "ps", "ps", "threads with priority, state and CPU time", cmd_ps },
	{ "cat", "cat FILE...", "print files (see ls)", cmd_cat },
	{ "ls", "ls", "list the files under /proc", cmd_ls },
	{ "echo", "echo [WORD...]", "print the words", cmd_echo },
	{ "sleep", "sleep SECONDS", "wait, e.g. sleep 0.5", cmd_sleep },
	{ "crash", "crash", "fault on purpose: shows the panic report", cmd_crash },
	{ "poweroff", "poweroff", "power the machine off", cmd_poweroff },
	{ "reboot", "reboot", "restart the machine", cmd_reboot },
};

void cmd_sys_init(void)
{
	shell_register(sys_cmds, sizeof(sys_cmds) / sizeof(sys_cmds[0]));
}
