#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "kernel/irq.h"
#include "kernel/netpoll.h"
#include "kernel/printk.h"
#include "kernel/thread.h"
#include "kernel/wait.h"
#include "net/netdev.h"

#define MAX_TAPS 4

struct tx_request {
	struct netdev *dev;
	size_t len;
	struct tx_request *next;
	uint8_t frame[];
};

static volatile bool pending;
static struct wait_queue poll_wq = WAIT_QUEUE_INIT(poll_wq);

/* Frames handed over by other threads; interrupts masked to touch. */
static struct tx_request *txq_head, **txq_tail = &txq_head;
static int txq_len;
/* A frame the driver refused (ring full), retried first. */
static struct tx_request *tx_held;

static struct {
	uint16_t ethertype;
	void (*fn)(struct netdev *dev, const uint8_t *frame, size_t len,
		   void *arg);
	void *arg;
} taps[MAX_TAPS];

void netpoll_wake(void)
{
	pending = true;
	wake_up_one(&poll_wq);
}

static void wake_from_irq(void *arg)
{
	(void)arg;
	netpoll_wake();
}

int netpoll_send(struct netdev *dev, const void *frame, size_t len)
{
	struct tx_request *r = malloc(sizeof(*r) + len);

	if (!r)
		return -ENOMEM;
	r->dev = dev;
	r->len = len;
	r->next = NULL;
	memcpy(r->frame, frame, len);
	unsigned long flags = arch_irq_save();
	if (txq_len == NETPOLL_TXQ_MAX) {
		dev->stats.tx_dropped++;
		arch_irq_restore(flags);
		free(r);
		return -ENOBUFS;
	}
	*txq_tail = r;
	txq_tail = &r->next;
	txq_len++;
	arch_irq_restore(flags);
	netpoll_wake();
	return 0;
}

int netpoll_set_tap(uint16_t ethertype,
		    void (*fn)(struct netdev *dev, const uint8_t *frame,
			       size_t len, void *arg),
		    void *arg)
{
	int free_slot = -1;

	unsigned long flags = arch_irq_save();
	for (int i = 0; i < MAX_TAPS; i++) {
		if (taps[i].fn && taps[i].ethertype == ethertype) {
			free_slot = i;
			break;
		}
		if (!taps[i].fn && free_slot < 0)
			free_slot = i;
	}
	if (free_slot >= 0) {
		taps[free_slot].ethertype = ethertype;
		taps[free_slot].fn = fn;
		taps[free_slot].arg = arg;
	}
	arch_irq_restore(flags);
	return free_slot >= 0 ? 0 : -ENOSPC;
}

/* dev->rx: a received frame, on this thread. */
static void deliver(struct netdev *dev, const void *frame, size_t len)
{
	const uint8_t *f = frame;

	if (len >= ETH_HLEN) {
		uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
		for (int i = 0; i < MAX_TAPS; i++) {
			if (taps[i].fn && taps[i].ethertype == type) {
				taps[i].fn(dev, f, len, taps[i].arg);
				return;
			}
		}
	}
	dev->stats.rx_dropped++;	/* no protocol took it */
}

static struct tx_request *txq_pop(void)
{
	unsigned long flags = arch_irq_save();
	struct tx_request *r = txq_head;
	if (r) {
		txq_head = r->next;
		if (!txq_head)
			txq_tail = &txq_head;
		txq_len--;
	}
	arch_irq_restore(flags);
	return r;
}

/* Hand queued frames to their drivers until a ring is full. Returns the
 * number sent. */
static int transmit_queued(void)
{
	int sent = 0;

	for (;;) {
		struct tx_request *r = tx_held ? tx_held : txq_pop();
		if (!r)
			return sent;
		tx_held = NULL;
		int err = r->dev->ops->xmit(r->dev, r->frame, r->len);
		if (err == -EAGAIN) {
			tx_held = r;	/* ring full: keep it, retry later */
			return sent;
		}
		if (err < 0)
			r->dev->stats.tx_dropped++;
		free(r);
		sent++;
	}
}

static int poll_devices(void)
{
	int work = transmit_queued();

	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);
		work += dev->ops->poll(dev, NETPOLL_BUDGET);
	}
	/* A poll reclaims transmit slots: retry what waited for room. */
	if (tx_held)
		work += transmit_queued();
	return work;
}

static bool any_polled_device(void)
{
	for (int i = 0; i < netdev_count(); i++)
		if (netdev_get(i)->polled)
			return true;
	return false;
}

static void netpoll_thread(void *arg)
{
	(void)arg;
	bool timed = any_polled_device();

	/* Poll once before the first sleep: a NIC that interrupted between
	 * its probe and irq_set_poller_wake() masked itself and its wake
	 * went nowhere; this pass re-enables it. */
	pending = true;

	for (;;) {
		unsigned long flags = arch_irq_save();
		uint64_t deadline = timed ? clock_now_us() + NETPOLL_POLLED_US :
					    WAIT_FOREVER;
		/* A frame held for a full ring waits for the transmit-done
		 * interrupt like everything else. */
		while (!pending)
			if (wait_queue_sleep(&poll_wq, deadline) == -ETIMEDOUT)
				break;
		pending = false;
		arch_irq_restore(flags);

		/* Until quiet: poll, then allow interrupts and look once
		 * more, since frames may have landed before the enable. */
		for (;;) {
			if (poll_devices())
				continue;
			for (int i = 0; i < netdev_count(); i++) {
				struct netdev *dev = netdev_get(i);
				if (!dev->polled)
					dev->ops->irq_enable(dev, true);
			}
			if (!poll_devices())
				break;
		}
	}
}

void netpoll_start(void)
{
	if (netdev_count() == 0)
		return;
	for (int i = 0; i < netdev_count(); i++)
		netdev_get(i)->rx = deliver;
	irq_set_poller_wake(wake_from_irq, NULL);
	if (!thread_create("net-poll", PRIO_HIGH, netpoll_thread, NULL,
			   THREAD_STACK_DEFAULT))
		kprintf("net: cannot start the net-poll thread\n");
}
