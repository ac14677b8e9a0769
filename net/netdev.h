/*
 * The network device interface: the one contract between NIC drivers and
 * the stack. The stack never sees registers or descriptors; a driver never
 * sees a protocol.
 *
 * Threads and interrupts. A driver's interrupt handler (registered with
 * the shared-IRQ registrar) reads and acknowledges its own device's cause,
 * masks further device interrupts (ops->irq_enable(dev, false)) and returns
 * IRQ_WAKE_POLLER; it does no other work. The net-poll thread then calls
 * ops->poll(), which reclaims finished transmissions and hands every
 * received frame to dev->rx(), and, when the device is quiet, re-enables
 * its interrupts and polls once more, so a frame that arrives in between
 * is never stranded (the NAPI pattern). xmit and poll are called only
 * with the stack serialised (by the net-poll thread, or by a thread
 * sending, holding the stack lock), never concurrently, so drivers need
 * no locks of their own for their rings; irq_enable and link_up may be
 * called from any context.
 *
 * Buffers. xmit() copies the frame into the driver's own DMA buffer before
 * it returns, so the caller keeps ownership of its buffer. A received
 * frame passed to rx() stays valid only during that call (zero-copy
 * hand-over: it points into the driver's receive buffer); whoever needs it
 * longer copies it.
 *
 * Back-pressure. xmit() returns -EAGAIN when the transmit ring is full:
 * the frame was not taken and nothing was counted as dropped; the caller
 * keeps it and retries after a poll has reclaimed room.
 */
#ifndef KITE_NETDEV_H
#define KITE_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_NAME_LEN		16
#define NETDEV_MAX		8
#define ETH_ALEN		6
#define ETH_HLEN		14	/* destination, source, ethertype */
#define ETH_FRAME_MAX		1514	/* header + 1500, without FCS */

struct netdev;

/* Counters in the names and meaning of Linux's /proc/net/dev. */
struct netdev_stats {
	uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
	uint64_t rx_fifo, rx_frame, rx_multicast;
	uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
	uint64_t tx_fifo, tx_colls, tx_carrier;
};

struct netdev_ops {
	/* Queue one frame (ETH_HLEN..ETH_FRAME_MAX bytes, no FCS). 0,
	 * -EAGAIN (ring full, frame not taken) or -EINVAL (bad length). */
	int (*xmit)(struct netdev *dev, const void *frame, size_t len);
	/* Reclaim finished transmissions and deliver up to budget received
	 * frames through dev->rx(). Returns the number of frames received;
	 * fewer than budget means the receive ring is empty. */
	int (*poll)(struct netdev *dev, int budget);
	/* Allow or suppress the device's receive/transmit-done interrupts.
	 * Safe from the interrupt handler and from the poll thread. */
	void (*irq_enable)(struct netdev *dev, bool enable);
	/* Current carrier state; any thread (a register read). */
	bool (*link_up)(struct netdev *dev);
	/* Optional (NULL: the driver cannot tell): the speed in Mbps and
	 * the duplex the link runs at, as ethtool shows them; false while
	 * the link is down. Any thread. */
	bool (*link_mode)(struct netdev *dev, unsigned *mbps,
			  bool *full_duplex);
};

struct netdev {
	char name[NETDEV_NAME_LEN];	/* eth0, eth1, ... in registration order */
	int ifindex;			/* 1-based; lo is 1 once the stack has it */
	const char *driver;		/* "virtio-net", "e1000" */
	char bus_info[24];		/* "virtio-mmio@a003e00", "0000:00:01.0" */
	uint8_t mac[ETH_ALEN];
	uint16_t mtu;			/* 1500 */
	bool polled;			/* no usable IRQ: polled on a timer */
	int irq;			/* virq, or negative */
	const struct netdev_ops *ops;
	void *priv;			/* the driver's */
	struct netdev_stats stats;	/* drivers count; the stack reads */

	/* Set by the stack before the first poll: a received frame. */
	void (*rx)(struct netdev *dev, const void *frame, size_t len);
	void *upper;			/* the stack's interface for it */
};

/* Give the device its ethN name and make it visible to the stack and
 * the poll thread. 0, or -ENOSPC past NETDEV_MAX devices. */
int netdev_register(struct netdev *dev);

int netdev_count(void);
struct netdev *netdev_get(int i);		/* 0-based, NULL past the end */
struct netdev *netdev_by_name(const char *name);

/* Format a MAC as "52:54:00:12:34:56" into buf (at least 18 bytes). */
const char *netdev_format_mac(const uint8_t mac[ETH_ALEN], char *buf);

#endif
