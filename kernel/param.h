/*
 * The kernel's sizes and limits, each once, with what it bounds (as
 * BSD's <sys/param.h> and lwIP's options header). The stack's knobs
 * are net/'s own (net/tcp.h, net/sock.h, ...); what user-visible
 * behaviour they set is in the header of the file that uses them.
 */
#ifndef KITE_PARAM_H
#define KITE_PARAM_H

/* --- threads and time ---------------------------------------------------- */
#define THREAD_STACK_DEFAULT	(16 * 1024)	/* bytes */
#define THREAD_NAME_LEN		16
#define SCHED_SLICE_US		10000	/* round-robin among equals */
#define RUNQ_PRIOS		32	/* 0 (idle) .. 31 (most urgent) */
#define KTIMER_MAX		256	/* armed at once; threads use one each */

/* --- interrupts ---------------------------------------------------------- */
#define IRQ_CHIPS_MAX		4	/* interrupt controllers */
#define IRQ_MAX_LINES		128	/* virqs */
#define IRQ_MAX_ACTIONS		8	/* handlers sharing one line */
#define IRQ_SPURIOUS_LIMIT	1000	/* unclaimed in a row: line masked */

/* --- console ------------------------------------------------------------- */
#define CONSOLE_RX_RING		256	/* input bytes; a power of two */
#define CONSOLE_RX_POLL_US	10000	/* input polling without an IRQ */
#define CONSOLE_HELD_MAX	4096	/* output kept until a console exists */

/* --- sockets and the net-poll thread ------------------------------------- */
#define SOCKET_FD_BASE		3	/* 0-2 are the console */
#define SOCKET_FD_MAX		1024	/* open socket descriptors (EMFILE) */
#define NETPOLL_BUDGET		64	/* frames per device per pass */
#define NETPOLL_POLLED_US	10000	/* period for devices without IRQ */
#define NET_TAPS_MAX		4	/* raw frame listeners (netsink, ...) */

#endif
