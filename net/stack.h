/*
 * One instance of the TCP/IP stack, and its entry points.
 *
 * The stack is I/O-free and takes time as an argument (DESIGN.md): the
 * caller passes received frames to net_input() and calls net_poll() to
 * run timers and loopback; net_poll() returns the time at which it wants
 * to be called again. Nothing here blocks, sleeps or locks. The caller
 * serialises all calls into one stack; several stacks in one process
 * (the host simulation tests) are independent.
 *
 * Waking sockets' users: whenever a socket becomes readable, writable or
 * gets an error, the stack puts it on an event list. The caller takes the
 * list with net_take_events() while it still serialises the stack, notes
 * whom to wake, and wakes them only after releasing its lock.
 */
#ifndef KITE_NET_STACK_H
#define KITE_NET_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "net/arp.h"
#include "net/ip.h"
#include "net/ip6.h"
#include "net/netif.h"
#include "net/route.h"
#include "net/snmp.h"
#include "net/tcp.h"
#include "net/udp.h"

#define NET_POLL_LOOPBACK_BUDGET 256	/* looped frames per net_poll() */

#define NET_NEVER UINT64_MAX
#define LOOPBACK_QUEUE_MAX 256

struct net_sock;

struct net_stack {
	uint64_t now;			/* ms, of the current call */
	struct netif *netifs[NETIF_MAX];
	int nnetifs;
	struct netif lo;
	struct pkt_queue loopback;	/* frames sent on lo, not yet input */
	struct arp_table arp;
	struct route_table routes;
	struct ip_state ip;
	struct udp_state udp;
	struct tcp_state tcp;
	struct net_mib mib;
	struct ip6_state ip6;		/* IPv6, its ND and counters (ip6.h) */
	struct net_sock *events;	/* sockets whose users need a wake */
	uint64_t icmp_tokens_at;	/* ICMP error rate limit (icmp.c) */
	unsigned icmp_tokens;
};

/* Set up a stack with lo (127.0.0.1/8 and ::1/128) and nothing else. */
void net_stack_init(struct net_stack *s);

/* Release everything the stack holds but its sockets (which their users
 * close): interfaces, queued frames, ARP's pending packets, DHCP
 * clients, IPv6 reassembly and ND queues. For tests and for tearing
 * down a simulated host. */
void net_stack_free(struct net_stack *s);

/* Make an Ethernet interface of a netdev (named after it). The caller
 * passes the device's received frames to net_input() with this netif.
 * NULL if NETIF_MAX are in use or memory is short. */
struct netif *net_attach(struct net_stack *s, struct netdev *dev);

/* Configure (addr != 0) or clear the interface's address; adds or
 * removes the connected route and, if gw != 0, the default route; sends
 * a gratuitous ARP; logs "net: eth0 up 10.0.2.15/24 gw 10.0.2.2". */
void net_set_addr(struct net_stack *s, struct netif *nif, uint32_t addr,
		  uint8_t prefix_len, uint32_t gw,
		  enum netif_addr_source source);

/* A received Ethernet frame (valid only during the call). */
void net_input(struct net_stack *s, struct netif *nif, const uint8_t *frame,
	       size_t len, uint64_t now);

/* Run what is due at `now` (ms): loopback frames, transmit backlogs,
 * ARP, reassembly, DHCP, IPv6 (ND, DAD, lifetimes) and transport
 * timers. Repeats until nothing more is ready (a looped-back packet can
 * make a socket send again). Returns the next time it must run, or
 * NET_NEVER. */
uint64_t net_poll(struct net_stack *s, uint64_t now);

/* Send a complete frame (Ethernet header included) on nif; consumes p.
 * For lo the frame is queued for the next net_poll(). */
void netif_output(struct net_stack *s, struct netif *nif, struct pkt *p);

/* The interface that owns addr (an exact local address), or NULL. */
struct netif *net_netif_by_addr(struct net_stack *s, uint32_t addr);
struct netif *net_netif_by_name(struct net_stack *s, const char *name);
/* The interface with this ifindex (lo is 1), or NULL. */
struct netif *net_netif_by_index(struct net_stack *s, int ifindex);

/* ip6.hooks.error as net_stack_init() sets it (arg: the stack): an
 * ICMPv6 error quoting a datagram or segment we sent (the quote holds
 * at least its ports, or it tells nothing) goes to the transport that
 * sent it, as Linux's inet6_protos[]->err_handler. */
void net_ip6_error(void *arg, uint8_t type, uint8_t code, uint32_t info,
		   int err, const struct ip6_addr *src,
		   const struct ip6_addr *dst, uint8_t proto,
		   const uint8_t *l4, size_t l4len);

/* Mark a socket as having news for its user (called by the protocols). */
void net_sock_notify(struct net_stack *s, struct net_sock *sk);
/* Take the list of notified sockets (linked through sk->event_next, each
 * once). The links are only valid until the next call into the stack:
 * walk the list before releasing the lock. */
struct net_sock *net_take_events(struct net_stack *s);

#endif
