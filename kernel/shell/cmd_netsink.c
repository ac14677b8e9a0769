/*
 * `netsink MS`: the physical-limit row of `make bench` (tools/bench.py).
 *
 * For MS milliseconds every NIC's received frames are counted and
 * dropped at the point where the driver hands them to the stack (the
 * netdev's rx hook, net/netdev.h), then the stack's hook is put back and
 * the count printed:
 *
 *   netsink: 123456 frames, 186912384 bytes in 3000 ms
 *
 * That is the rate at which QEMU delivers frames to a guest that does
 * nothing with them but its driver's own work (take the buffer, count,
 * give the buffer back), so the stack's throughput can be shown as a
 * fraction of it. The driver's /proc/net/dev counters still count.
 *
 * While it runs the stack sees nothing: ARP, DHCP and TCP stop, and
 * peers retransmit afterwards. A benchmark tool, not for a live system.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/net_glue.h"
#include "kernel/shell/shell.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "net/netdev.h"

#define NETSINK_MAX_MS	60000U

/* Guarded by the stack lock, as dev->rx runs under it. */
static uint64_t sink_frames, sink_bytes;
static void (*saved_rx[NETDEV_MAX])(struct netdev *, const void *, size_t);

/* dev->rx while sinking: on the net-poll thread, stack lock held. */
static void sink_rx(struct netdev *dev, const void *frame, size_t len)
{
	(void)dev;
	(void)frame;
	sink_frames++;
	sink_bytes += len;
}

/* Swap every device's rx hook: to the sink (on), or back (off). */
static void sink_set(int on)
{
	net_glue_lock();
	for (int i = 0; i < netdev_count() && i < NETDEV_MAX; i++) {
		struct netdev *dev = netdev_get(i);
		if (on) {
			saved_rx[i] = dev->rx;
			dev->rx = sink_rx;
		} else {
			dev->rx = saved_rx[i];
		}
	}
	if (on)
		sink_frames = sink_bytes = 0;
	net_glue_unlock();
}

static int cmd_netsink(int argc, char **argv)
{
	char *end;
	unsigned long ms = argc == 2 ? strtoul(argv[1], &end, 10) : 0;

	if (argc != 2 || *end || ms == 0 || ms > NETSINK_MAX_MS) {
		printf("usage: netsink MS (1 to %u)\n", NETSINK_MAX_MS);
		return 1;
	}
	uint64_t start = clock_now_us();
	sink_set(1);
	thread_sleep_us((uint64_t)ms * 1000);
	sink_set(0);
	uint64_t took = clock_now_us() - start;

	printf("netsink: %llu frames, %llu bytes in %llu ms\n",
	       (unsigned long long)sink_frames,
	       (unsigned long long)sink_bytes,
	       (unsigned long long)(took / 1000));
	return 0;
}

static const struct shell_cmd netsink_cmds[] = {
	{ "netsink", "netsink MS",
	  "count and drop received frames for MS ms (make bench)",
	  cmd_netsink },
};

void cmd_netsink_init(void)
{
	shell_register(netsink_cmds,
		       sizeof(netsink_cmds) / sizeof(netsink_cmds[0]));
}
