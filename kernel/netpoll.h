/*
 * The net-poll thread: the one thread that touches NICs' rings.
 *
 * It sleeps until a NIC interrupt (a handler answering IRQ_WAKE_POLLER),
 * a request from another thread, or its next deadline, then polls every
 * device until receive and transmit are both quiet, re-enabling device
 * interrupts before its last look so that nothing arriving in between is
 * stranded. Wake-ups are never lost: a sticky pending flag is set by every
 * waker and consumed by the thread before it polls, so a wake during a
 * poll makes it poll again.
 *
 * Other threads never call a driver: they queue frames with
 * netpoll_send() and subscribe to received frames with a tap.
 */
#ifndef KITE_NETPOLL_H
#define KITE_NETPOLL_H

#include <stddef.h>
#include <stdint.h>

struct netdev;

#define NETPOLL_BUDGET		64	/* frames per device per pass */
#define NETPOLL_POLLED_US	10000	/* period for devices without IRQ */
#define NETPOLL_TXQ_MAX		64	/* frames queued by threads */

/* Start the thread (after the drivers have registered their devices). */
void netpoll_start(void);

/* Wake the thread; any context. */
void netpoll_wake(void);

/* Queue a copy of frame for transmission on dev by the poll thread.
 * 0, -ENOBUFS (queue full, counted as tx_dropped) or -ENOMEM. */
int netpoll_send(struct netdev *dev, const void *frame, size_t len);

/* Received frames of one ethertype go to fn, called on the poll thread
 * (the frame is valid only during the call). One tap per ethertype;
 * fn == NULL removes it. Frames no tap takes are counted as rx_dropped
 * until the stack takes them over. */
int netpoll_set_tap(uint16_t ethertype,
		    void (*fn)(struct netdev *dev, const uint8_t *frame,
			       size_t len, void *arg),
		    void *arg);

#endif
