/*
 * The kernel side of the network stack: the one stack instance, the lock
 * that serialises it, and the net-poll thread that drives it.
 *
 * Lock order: iperf3_lock (kernel/services/iperf3.c, which sends on sockets under
 * it), then the stack lock (a mutex), then newlib's own locks (malloc's,
 * through net_alloc()). The stack lock is never taken from interrupt
 * context. Every call into net/ and every driver xmit/poll happens with
 * it held. Sockets whose users must wake are woken as the lock is
 * released: a woken thread cannot run before the lock is free.
 *
 * The net-poll thread sleeps until a NIC interrupt (IRQ_WAKE_POLLER), a
 * kick from a thread that queued work, or the stack's next deadline; then
 * it polls every device and the stack until receive and transmit are both
 * quiet, re-enabling device interrupts before its last look so that
 * nothing arriving in between is stranded. Wake-ups are never lost: a
 * sticky pending flag is set by every waker and consumed by the thread
 * before it polls, so a wake during a poll makes it poll again.
 */
#ifndef KITE_NET_GLUE_H
#define KITE_NET_GLUE_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/param.h"

struct net_stack;
struct netdev;


/* Create the stack, attach every registered netdev, configure addresses
 * (ip=/gw= on the command line for eth0, DHCP elsewhere; IPv6 on every
 * NIC, with ip6=/gw6= adding a static address and default router on
 * eth0) and start the net-poll thread. Called once from the init
 * thread. */
void net_glue_start(void);

struct net_stack *net_glue_stack(void);
void net_glue_lock(void);
void net_glue_unlock(void);	/* wakes notified sockets' users */
uint64_t net_glue_now(void);	/* the stack's clock: ms since boot */
void net_glue_kick(void);	/* have the net-poll thread run soon */

/* Send a raw frame (Ethernet header included) on dev. 0 or -ENOMEM. */
int net_glue_send_raw(struct netdev *dev, const void *frame, size_t len);

/* Received frames of one ethertype are also shown to fn (a packet tap,
 * like an AF_PACKET socket): called on the net-poll thread with the stack
 * lock held, frame valid only during the call. fn == NULL removes it. */
int net_glue_set_tap(uint16_t ethertype,
		     void (*fn)(struct netdev *dev, const uint8_t *frame,
				size_t len, void *arg),
		     void *arg);

#endif
