#include <errno.h>
#include <string.h>

#include "arch/arch.h"
#include "kernel/irq.h"
#include "kernel/kernel.h"
#include "kernel/net_cmdline.h"
#include "kernel/net_glue.h"
#include "kernel/printk.h"
#include "kernel/socket.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/wait.h"
#include "net/dhcp.h"
#include "net/sock.h"
#include "net/stack.h"

static struct net_stack stack;
static struct mutex stack_lock;
static volatile bool pending;
static struct wait_queue poll_wq = WAIT_QUEUE_INIT(poll_wq);

static struct {
	uint16_t ethertype;
	void (*fn)(struct netdev *dev, const uint8_t *frame, size_t len,
		   void *arg);
	void *arg;
} taps[NET_TAPS_MAX];

struct net_stack *net_glue_stack(void)
{
	return &stack;
}

uint64_t net_glue_now(void)
{
	return clock_now_us() / 1000;
}

void net_glue_lock(void)
{
	mutex_lock(&stack_lock);
}

void net_glue_unlock(void)
{
	/*
	 * Wake the notified sockets' users with interrupts masked: waking
	 * then only makes them ready, and none can run before the mutex is
	 * released below (mutex_unlock switches to the most urgent thread
	 * after the release). The sockets are still alive here.
	 */
	unsigned long flags = arch_irq_save();
	for (struct net_sock *sk = net_take_events(&stack); sk; sk = sk->event_next)
		if (sk->user)
			socket_wake(sk->user);
	mutex_unlock(&stack_lock);
	arch_irq_restore(flags);
}

void net_glue_kick(void)
{
	pending = true;
	wake_up_one(&poll_wq);
}

static void wake_from_irq(void *arg)
{
	(void)arg;
	net_glue_kick();
}

int net_glue_set_tap(uint16_t ethertype,
		     void (*fn)(struct netdev *dev, const uint8_t *frame,
				size_t len, void *arg),
		     void *arg)
{
	int slot = -1;

	net_glue_lock();
	for (int i = 0; i < NET_TAPS_MAX; i++) {
		if (taps[i].fn && taps[i].ethertype == ethertype) {
			slot = i;
			break;
		}
		if (!taps[i].fn && slot < 0)
			slot = i;
	}
	if (slot >= 0) {
		taps[slot].ethertype = ethertype;
		taps[slot].fn = fn;
		taps[slot].arg = arg;
	}
	net_glue_unlock();
	return slot >= 0 ? 0 : -ENOSPC;
}

int net_glue_send_raw(struct netdev *dev, const void *frame, size_t len)
{
	struct pkt *p = pkt_alloc(len);

	if (!p)
		return -ENOMEM;
	memcpy(pkt_put(p, len), frame, len);
	net_glue_lock();
	stack.now = net_glue_now();
	netif_output(&stack, dev->upper, p);
	net_glue_unlock();
	return 0;
}

/* dev->rx: on the net-poll thread, stack lock held. */
static void receive(struct netdev *dev, const void *frame, size_t len)
{
	const uint8_t *f = frame;

	if (len >= ETH_HLEN) {
		uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
		for (int i = 0; i < NET_TAPS_MAX; i++)
			if (taps[i].fn && taps[i].ethertype == type)
				taps[i].fn(dev, f, len, taps[i].arg);
	}
	net_input(&stack, dev->upper, f, len, net_glue_now());
}

static int poll_devices(void)
{
	int work = 0;

	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);
		work += dev->ops->poll(dev, NETPOLL_BUDGET);
	}
	return work;
}

static bool any_polled_device(void)
{
	for (int i = 0; i < netdev_count(); i++)
		if (netdev_get(i)->polled)
			return true;
	return false;
}

/* One round: poll devices and the stack until both are quiet. Returns
 * the stack's next deadline (ms). Stack lock held. */
static uint64_t run_until_quiet(void)
{
	uint64_t deadline;

	for (;;) {
		int work = poll_devices();
		uint64_t now = net_glue_now();
		deadline = net_poll(&stack, now);
		if (work || deadline <= now)
			continue;
		/* Quiet: let the devices interrupt again, then look once
		 * more, since frames may have landed before the enable. */
		for (int i = 0; i < netdev_count(); i++) {
			struct netdev *dev = netdev_get(i);
			if (!dev->polled)
				dev->ops->irq_enable(dev, true);
		}
		if (!poll_devices())
			return deadline;
	}
}

static void netpoll_thread(void *arg)
{
	(void)arg;
	bool polled = any_polled_device();

	/* Poll once before the first sleep: a NIC that interrupted between
	 * its probe and irq_set_poller_wake() masked itself and its wake
	 * went nowhere; this pass re-enables it. */
	pending = true;
	for (;;) {
		net_glue_lock();
		uint64_t deadline_ms = run_until_quiet();
		net_glue_unlock();

		uint64_t deadline = deadline_ms == NET_NEVER ? WAIT_FOREVER :
				    deadline_ms * 1000;
		if (polled && deadline > clock_now_us() + NETPOLL_POLLED_US)
			deadline = clock_now_us() + NETPOLL_POLLED_US;
		unsigned long flags = arch_irq_save();
		while (!pending)
			if (wait_queue_sleep(&poll_wq, deadline) == -ETIMEDOUT)
				break;
		pending = false;
		arch_irq_restore(flags);
	}
}

/* ip6=ADDR/N [gw6=ADDR] on eth0: a static address (tentative until DAD
 * passes, ip6.h) and a default router. Logged like the IPv4 line. */
static void configure_ip6(struct netif *nif, const char *ip6_arg,
			  const char *gw6_arg)
{
	struct ip6_addr addr, gw;
	char a[IP6_ADDRSTRLEN], g[IP6_ADDRSTRLEN];
	uint8_t plen;
	int err;

	if (net_cmdline_parse_ip6(ip6_arg, gw6_arg, &addr, &plen, &gw) < 0) {
		kprintf("net: ignoring malformed ip6=%s gw6=%s\n",
			ip6_arg ? ip6_arg : "", gw6_arg ? gw6_arg : "");
		return;
	}
	err = ip6_addr_add(&stack, nif, &addr, plen);
	if (err < 0) {
		kprintf("net: %s: cannot add %s/%u: error %d\n", nif->name,
			ip6_addr_format(&addr, a), plen, err);
		return;
	}
	if (ip6_addr_is_unspecified(&gw)) {
		kprintf("net: %s up %s/%u\n", nif->name,
			ip6_addr_format(&addr, a), plen);
		return;
	}
	err = route6_add(&stack.ip6.routes, &ip6_addr_any, 0, &gw, nif,
			 ROUTE6_METRIC_DEFAULT, ROUTE6_STATIC, NET_NEVER);
	if (err < 0)
		kprintf("net: %s: cannot add default via %s: error %d\n",
			nif->name, ip6_addr_format(&gw, g), err);
	kprintf("net: %s up %s/%u gw %s\n", nif->name,
		ip6_addr_format(&addr, a), plen, ip6_addr_format(&gw, g));
}

/* ip=A.B.C.D/N gw=A.B.C.D configures eth0; every other NIC asks DHCP.
 * IPv6 comes on everywhere (link-local address, router solicitation,
 * SLAAC); ip6=/gw6= add a static address and router on eth0. */
static void configure(void)
{
	char ip[40], gw[40], ip6[64], gw6[64];
	const char *ip_arg = kernel_cmdline_get("ip", ip, sizeof(ip));
	const char *gw_arg = kernel_cmdline_get("gw", gw, sizeof(gw));
	const char *ip6_arg = kernel_cmdline_get("ip6", ip6, sizeof(ip6));
	const char *gw6_arg = kernel_cmdline_get("gw6", gw6, sizeof(gw6));

	for (int i = 0; i < stack.nnetifs; i++) {
		struct netif *nif = stack.netifs[i];
		if (!nif->dev)
			continue;
		bool is_eth0 = strcmp(nif->name, "eth0") == 0;
		uint32_t addr, g;
		uint8_t prefix;
		if (!ip_arg || !is_eth0)
			dhcp_start(&stack, nif);
		else if (net_cmdline_parse_ip(ip_arg, gw_arg, &addr, &prefix, &g) == 0)
			net_set_addr(&stack, nif, addr, prefix, g,
				     NETIF_ADDR_STATIC);
		else {
			kprintf("net: ignoring malformed ip=%s gw=%s; using DHCP\n",
				ip_arg, gw_arg ? gw_arg : "");
			dhcp_start(&stack, nif);
		}
		int err = ip6_enable(&stack, nif);
		if (err < 0)
			kprintf("net: %s: IPv6 off: error %d (MTU %u)\n",
				nif->name, err, nif->mtu);
		else if (is_eth0 && (ip6_arg || gw6_arg))
			configure_ip6(nif, ip6_arg, gw6_arg);
	}
}

void net_glue_start(void)
{
	mutex_init(&stack_lock, false);
	net_glue_lock();
	net_stack_init(&stack);
	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);
		if (!net_attach(&stack, dev)) {
			kprintf("net: cannot attach %s\n", dev->name);
			continue;
		}
		dev->rx = receive;
	}
	stack.now = net_glue_now();
	configure();
	net_glue_unlock();

	irq_set_poller_wake(wake_from_irq, NULL);
	if (!thread_create("net-poll", PRIO_HIGH, netpoll_thread, NULL,
			   THREAD_STACK_DEFAULT))
		kprintf("net: cannot start the net-poll thread\n");
}
