#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "kernel/irq.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sysinfo.h"
#include "kernel/thread.h"
#include "kernel/timer.h"

/*
 * Load average as Linux computes it (kernel/sched/loadavg.c): every 5 s,
 * an exponentially damped mean of the number of runnable threads, in
 * 11-bit fixed point. The factors are exp(-5/60), exp(-5/300) and
 * exp(-5/900) scaled by 2048.
 */
#define FSHIFT		11
#define FIXED_1		(1 << FSHIFT)
#define LOAD_FREQ_US	5000000
static const unsigned long exp_factor[3] = { 1884, 2014, 2037 };
static unsigned long avenrun[3];
static struct ktimer load_timer;

static void count_runnable(const struct thread *t, void *arg)
{
	if (t->prio != PRIO_IDLE &&
	    (t->state == THREAD_RUNNING || t->state == THREAD_READY))
		++*(unsigned long *)arg;
}

static void load_sample(struct ktimer *t)
{
	unsigned long n = 0;

	thread_for_each(count_runnable, &n);
	for (int i = 0; i < 3; i++)
		avenrun[i] = (avenrun[i] * exp_factor[i] +
			      n * FIXED_1 * (FIXED_1 - exp_factor[i])) >> FSHIFT;
	ktimer_arm(t, t->node.deadline + LOAD_FREQ_US);
}

void sysinfo_loadavg(unsigned out[3])
{
	for (int i = 0; i < 3; i++)
		out[i] = (unsigned)((avenrun[i] * 100 + FIXED_1 / 2) >> FSHIFT);
}

void sysinfo_meminfo(struct meminfo *m)
{
	struct mem_info mi;

	mem_get_info(&mi);
	m->total_kb = mi.ram_size >> 10;
	/* Used: the kernel image and what malloc holds now. Heap the
	 * allocator has taken from _sbrk but freed again is reusable. */
	m->used_kb = (mi.kernel_size + mi.heap_in_use) >> 10;
	m->free_kb = m->total_kb - m->used_kb;
	m->available_kb = (mi.heap_size - mi.heap_in_use) >> 10;
}

static void idle_time(const struct thread *t, void *arg)
{
	if (t->prio == PRIO_IDLE)
		*(uint64_t *)arg = t->cpu_us;
}

uint64_t sysinfo_idle_us(void)
{
	uint64_t us = 0;
	thread_for_each(idle_time, &us);
	return us;
}

static void show_meminfo(struct seqbuf *s)
{
	struct meminfo m;
	struct mem_info mi;

	sysinfo_meminfo(&m);
	mem_get_info(&mi);
	seq_printf(s, "%-16s%8llu kB\n", "MemTotal:", (unsigned long long)m.total_kb);
	seq_printf(s, "%-16s%8llu kB\n", "MemFree:", (unsigned long long)m.free_kb);
	seq_printf(s, "%-16s%8llu kB\n", "MemAvailable:", (unsigned long long)m.available_kb);
	seq_printf(s, "%-16s%8llu kB\n", "KernelImage:", (unsigned long long)(mi.kernel_size >> 10));
	seq_printf(s, "%-16s%8llu kB\n", "HeapTotal:", (unsigned long long)(mi.heap_size >> 10));
	seq_printf(s, "%-16s%8llu kB\n", "HeapBrk:", (unsigned long long)(mi.heap_brk >> 10));
	seq_printf(s, "%-16s%8llu kB\n", "HeapInUse:", (unsigned long long)(mi.heap_in_use >> 10));
}

static void print_seconds(struct seqbuf *s, uint64_t us)
{
	seq_printf(s, "%llu.%02llu", (unsigned long long)(us / 1000000),
		   (unsigned long long)(us % 1000000 / 10000));
}

static void show_uptime(struct seqbuf *s)
{
	print_seconds(s, clock_now_us());
	seq_printf(s, " ");
	print_seconds(s, sysinfo_idle_us());
	seq_printf(s, "\n");
}

static void show_loadavg(struct seqbuf *s)
{
	unsigned l[3];
	sysinfo_loadavg(l);
	seq_printf(s, "%u.%02u %u.%02u %u.%02u %d/%d %d\n", l[0] / 100,
		   l[0] % 100, l[1] / 100, l[1] % 100, l[2] / 100, l[2] % 100,
		   1, thread_count(), thread_current()->tid);
}

static void show_interrupts(struct seqbuf *s)
{
	char *buf = malloc(8192);
	if (!buf) {
		s->overflow = true;
		return;
	}
	int n = irq_show(buf, 8192);
	seq_write(s, buf, (size_t)n);
	free(buf);
}

static void show_version(struct seqbuf *s)
{
	seq_printf(s, "Kite version %s (%s) built %s\n", kite_version,
		   arch_name, kite_build_time);
}

static void show_cmdline(struct seqbuf *s)
{
	seq_printf(s, "%s\n", kernel_cmdline());
}

void sysinfo_init(void)
{
	proc_register("/proc/interrupts", show_interrupts);
	proc_register("/proc/meminfo", show_meminfo);
	proc_register("/proc/uptime", show_uptime);
	proc_register("/proc/loadavg", show_loadavg);
	proc_register("/proc/version", show_version);
	proc_register("/proc/cmdline", show_cmdline);
	ktimer_init(&load_timer, load_sample);
	ktimer_arm(&load_timer, clock_now_us() + LOAD_FREQ_US);
}
