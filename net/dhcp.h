/*
 * DHCP client (RFC 2131; options RFC 2132), one per Ethernet interface.
 *
 * States (RFC 2131 4.4, figure 5): INIT -> SELECTING (DHCPDISCOVER
 * broadcast) -> REQUESTING (DHCPREQUEST for the first acceptable offer)
 * -> BOUND (the address is configured with net_set_addr) -> RENEWING at
 * T1 (DHCPREQUEST unicast to the server) -> REBINDING at T2 (broadcast)
 * -> lease expiry: the address is removed and the client starts over.
 * A DHCPNAK also removes the address and starts over.
 *
 * Callers: the stack owner, with the stack serialised as for every call
 * into it (stack.h). Nothing here blocks; time is s->now (ms). One UDP
 * socket on port 68 serves every interface's client; replies are matched
 * to a client by the interface they arrived on and by xid.
 *
 * Not implemented: the random 1-10 s wait before the first DISCOVER
 * (RFC 2131 4.4.1, a SHOULD; a firmware wants its address at boot);
 * INIT-REBOOT (a restart always begins with a DHCPDISCOVER); the ARP
 * probe of an offered address and DHCPDECLINE (RFC 2131 2.2, a SHOULD);
 * option overload (52: options in 'sname'/'file' are ignored);
 * DHCPINFORM. DNS servers (option 6) are requested but not kept yet.
 */
#ifndef KITE_NET_DHCP_H
#define KITE_NET_DHCP_H

#include <stdbool.h>
#include <stdint.h>

struct net_stack;
struct net_sock;
struct netif;

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68

/* Knobs. Retransmission of DISCOVER and REQUEST (RFC 2131 4.1): 4 s,
 * doubling up to 64 s, each randomised by up to +-1 s. */
#define DHCP_RETRANS_FIRST_MS	4000
#define DHCP_RETRANS_MAX_MS	64000
#define DHCP_RETRANS_JITTER_MS	1000
/* Unanswered DHCPREQUESTs in REQUESTING before going back to INIT (RFC
 * 2131 4.4.1 leaves the count to the client): 4 + 8 + 16 + 32 s. */
#define DHCP_REQUEST_TRIES	4
/* RENEWING and REBINDING retransmit after half the time left until T2
 * or expiry, but not sooner than this (RFC 2131 4.4.5). */
#define DHCP_RENEW_RETRANS_MIN_MS 60000
/* An ACK without a lease time (option 51 is a MUST, RFC 2131 table 3):
 * assume an hour, as BusyBox udhcpc does. */
#define DHCP_LEASE_DEFAULT_S	3600
/* Shorter leases are stretched to this, so that a server handing out
 * 0 s leases cannot make the client loop without pause (dhcpcd's
 * minimum). */
#define DHCP_LEASE_MIN_S	20
#define DHCP_LEASE_INFINITE	0xffffffffu	/* RFC 2132 9.2 */

enum dhcp_state {
	DHCP_INIT,		/* DISCOVER due at c->next */
	DHCP_SELECTING,		/* DISCOVER sent, waiting for an OFFER */
	DHCP_REQUESTING,	/* REQUEST sent for an OFFER */
	DHCP_BOUND,		/* lease held; renewal due at T1 */
	DHCP_RENEWING,		/* REQUEST unicast to the server */
	DHCP_REBINDING,		/* REQUEST broadcast to any server */
};

/* Messages received on port 68 and what became of them; shared by every
 * interface's client (the socket is). */
struct dhcp_stats {
	uint64_t InMsgs;	/* every datagram received on port 68 */
	uint64_t InErrors;	/* malformed: short, bad op/htype/hlen,
				 * cookie, options, no message type */
	uint64_t InIgnored;	/* well formed but not for us: no client on
				 * that interface, xid or chaddr mismatch,
				 * unexpected type for the state, offer or
				 * ack unacceptable, wrong server */
	uint64_t OutMsgs;	/* DISCOVER/REQUEST/RELEASE handed to UDP */
	uint64_t OutErrors;	/* ... that UDP refused */
};

/* The socket and counters shared by the clients of one stack; freed
 * with the last client. */
struct dhcp_port {
	struct net_sock *sk;
	unsigned users;
	struct dhcp_stats stats;
};

/* One interface's client: nif->dhcp, allocated by dhcp_start(). */
struct dhcp_client {
	struct netif *nif;
	struct dhcp_port *port;
	enum dhcp_state state;
	uint32_t xid;		/* of the exchange in progress */
	unsigned tries;		/* transmissions with this xid */
	unsigned naks;		/* consecutive DHCPNAKs */
	uint64_t next;		/* ms: next timer, NET_NEVER if none */
	uint64_t started;	/* ms: acquisition or renewal began ('secs') */
	uint64_t sent;		/* ms: first transmission with this xid */
	/* The offer being requested, then the lease (host order). */
	uint32_t addr;
	uint32_t server;	/* server identifier (option 54) */
	uint8_t prefix_len;
	uint32_t gw;
	uint32_t lease_s;	/* DHCP_LEASE_INFINITE: never expires */
	uint64_t t1, t2, expiry; /* ms; NET_NEVER for an infinite lease */
};

/* Start a client on nif (an Ethernet interface): the first DHCPDISCOVER
 * goes out at the next dhcp_poll(), i.e. the caller's next net_poll().
 * Does nothing if one already runs there. Logs and gives up (nif stays
 * unconfigured) when memory or port 68 is unavailable. */
void dhcp_start(struct net_stack *s, struct netif *nif);

/* Stop nif's client, if any: a lease still held is given back with a
 * DHCPRELEASE (RFC 2131 4.4.6) and the address it configured removed;
 * the client is freed and port 68 closed with the last client. */
void dhcp_stop(struct net_stack *s, struct netif *nif);

/* Run every client's due retransmissions, renewals and expiries (from
 * net_poll). Returns the next deadline (ms), or NET_NEVER. */
uint64_t dhcp_poll(struct net_stack *s);

/* For `ip addr`: true if nif holds a lease (bound, renewing or
 * rebinding); *server is the server identifier, *lease_left_s the whole
 * seconds left, DHCP_LEASE_INFINITE (= iproute2's "forever") for an
 * infinite lease. Either pointer may be NULL. */
bool dhcp_lease_info(struct net_stack *s, struct netif *nif,
		     uint32_t *server, uint32_t *lease_left_s);

/* The counters of port 68; false (and *st untouched) when no client
 * runs. */
bool dhcp_get_stats(struct net_stack *s, struct dhcp_stats *st);

#endif
