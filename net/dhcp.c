/*
 * DHCP client (RFC 2131, options RFC 2132), dhcp.h. (The static ip=
 * form is the kernel's: kernel/net_cmdline.c.)
 *
 * Every message is a BOOTP packet (RFC 951): a fixed 236-byte header,
 * the magic cookie, then options. Fields are read and written with
 * byteorder.h at their offsets; received options are walked with a
 * bound check on every length, so no reply can make us read past its
 * end.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/dhcp.h"
#include "net/inet.h"
#include "net/netif.h"
#include "net/port.h"
#include "net/stack.h"
#include "net/udp.h"

/* BOOTP header offsets (RFC 2131 2, figure 1). */
#define BOOTP_OP	0
#define BOOTP_HTYPE	1
#define BOOTP_HLEN	2
#define BOOTP_XID	4
#define BOOTP_SECS	8
#define BOOTP_FLAGS	10
#define BOOTP_CIADDR	12
#define BOOTP_YIADDR	16
#define BOOTP_CHADDR	28
#define BOOTP_COOKIE	236
#define BOOTP_OPTIONS	240
/* The smallest BOOTP message relays and old servers accept: a 64-byte
 * 'vend' field (RFC 951; RFC 1542 2.1). Ours always fit in it. */
#define BOOTP_MSG_MIN	300

#define BOOTREQUEST	1
#define BOOTREPLY	2
#define HTYPE_ETHER	1
#define BOOTP_BROADCAST	0x8000	/* flags: reply by broadcast (RFC 2131 4.1) */
#define DHCP_MAGIC	0x63825363	/* 99.130.83.99 (RFC 2131 3) */

/* Message types (option 53, RFC 2132 9.6). */
#define DHCPDISCOVER	1
#define DHCPOFFER	2
#define DHCPREQUEST	3
#define DHCPACK		5
#define DHCPNAK		6
#define DHCPRELEASE	7

/* Option codes (RFC 2132). */
#define OPT_PAD		0
#define OPT_SUBNET_MASK	1
#define OPT_ROUTER	3
#define OPT_DNS		6
#define OPT_REQUESTED_IP 50
#define OPT_LEASE_TIME	51
#define OPT_MSG_TYPE	53
#define OPT_SERVER_ID	54
#define OPT_PARAM_REQ	55
#define OPT_T1		58
#define OPT_T2		59
#define OPT_CLIENT_ID	61
#define OPT_END		255

/* What a reply says, from its options; absent values are 0. */
struct dhcp_opts {
	uint8_t type;
	bool has_mask, has_lease;
	uint32_t mask, router, server, lease, t1, t2;
};

/* --- helpers ---------------------------------------------------------- */

static struct dhcp_port *dhcp_port_find(struct net_stack *s)
{
	for (int i = 0; i < s->nnetifs; i++)
		if (s->netifs[i]->dhcp)
			return s->netifs[i]->dhcp->port;
	return NULL;
}

/* The prefix length of a contiguous mask, or -1. */
static int mask_to_prefix(uint32_t mask)
{
	int n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return mask == (n ? 0xffffffffu << (32 - n) : 0) ? n : -1;
}

/*
 * The prefix for a lease: option 1 if it is a contiguous, non-zero mask;
 * otherwise the address's classful default (RFC 1122 3.3.1.1 leaves the
 * subnet mask to configuration; classful masks are what Linux's
 * ipconfig falls back on, too).
 */
static uint8_t dhcp_prefix(const struct dhcp_opts *o, uint32_t addr)
{
	int n = o->has_mask ? mask_to_prefix(o->mask) : -1;

	if (n > 0)
		return (uint8_t)n;
	if (addr < 0x80000000u)
		return 8;	/* class A */
	if (addr < 0xc0000000u)
		return 16;	/* class B */
	return 24;		/* class C */
}

/* RFC 2131 4.1: 4 s doubled per try up to 64 s, each +-1 s at random. */
static uint64_t dhcp_backoff(unsigned tries)
{
	uint64_t base = tries < 4 ? (uint64_t)DHCP_RETRANS_FIRST_MS << tries :
				    DHCP_RETRANS_MAX_MS;
	uint32_t span = 2 * DHCP_RETRANS_JITTER_MS + 1;

	return base - DHCP_RETRANS_JITTER_MS + net_random() % span;
}

/* --- output ----------------------------------------------------------- */

static uint8_t *opt_put(uint8_t *o, uint8_t code, const void *v, uint8_t len)
{
	o[0] = code;
	o[1] = len;
	memcpy(o + 2, v, len);
	return o + 2 + len;
}

static uint8_t *opt_put_addr(uint8_t *o, uint8_t code, uint32_t a)
{
	uint8_t v[4];

	put_be32(v, a);
	return opt_put(o, code, v, 4);
}

/*
 * Build and send one message of `type` for the client's state, as RFC
 * 2131 table 5 lays out: ciaddr only once we own the address (RENEWING,
 * REBINDING, RELEASE); requested address and server identifier only
 * when answering an offer; BROADCAST while we have no address to
 * receive a unicast on.
 */
static void dhcp_send(struct net_stack *s, struct dhcp_client *c,
		      uint8_t type)
{
	static const uint8_t prl[] = {
		OPT_SUBNET_MASK, OPT_ROUTER, OPT_DNS,
		OPT_LEASE_TIME, OPT_T1, OPT_T2,
	};
	struct netif *nif = c->nif;
	uint8_t m[BOOTP_MSG_MIN];
	bool own = type == DHCPRELEASE || c->state == DHCP_RENEWING ||
		   c->state == DHCP_REBINDING;
	uint32_t ciaddr = own ? c->addr : 0;
	uint32_t dst = type == DHCPRELEASE || c->state == DHCP_RENEWING ?
			       c->server : INADDR_BROADCAST_;
	uint8_t cid[1 + ETH_ALEN] = { HTYPE_ETHER };

	memset(m, 0, sizeof(m));
	m[BOOTP_OP] = BOOTREQUEST;
	m[BOOTP_HTYPE] = HTYPE_ETHER;
	m[BOOTP_HLEN] = ETH_ALEN;
	put_be32(m + BOOTP_XID, c->xid);
	if (type != DHCPRELEASE) {
		uint64_t secs = (s->now - c->started) / 1000;
		put_be16(m + BOOTP_SECS, secs > 0xffff ? 0xffff : (uint16_t)secs);
	}
	if (!ciaddr)
		put_be16(m + BOOTP_FLAGS, BOOTP_BROADCAST);
	put_be32(m + BOOTP_CIADDR, ciaddr);
	memcpy(m + BOOTP_CHADDR, nif->mac, ETH_ALEN);
	put_be32(m + BOOTP_COOKIE, DHCP_MAGIC);

	uint8_t *o = m + BOOTP_OPTIONS;
	o = opt_put(o, OPT_MSG_TYPE, &type, 1);
	/* Type 1 + MAC, the same in every message (RFC 2132 9.14). */
	memcpy(cid + 1, nif->mac, ETH_ALEN);
	o = opt_put(o, OPT_CLIENT_ID, cid, sizeof(cid));
	if (type == DHCPREQUEST && c->state == DHCP_REQUESTING) {
		o = opt_put_addr(o, OPT_REQUESTED_IP, c->addr);
		o = opt_put_addr(o, OPT_SERVER_ID, c->server);
	}
	if (type == DHCPRELEASE)
		o = opt_put_addr(o, OPT_SERVER_ID, c->server);
	else
		o = opt_put(o, OPT_PARAM_REQ, prl, sizeof(prl));
	*o = OPT_END;

	struct dhcp_stats *st = &c->port->stats;
	if (net_udp_send_internal(s, c->port->sk, nif, ciaddr, dst,
				  DHCP_SERVER_PORT, m, sizeof(m)) < 0)
		st->OutErrors++;	/* the retransmission timer retries */
	else
		st->OutMsgs++;
}

/* Send (DISCOVER or REQUEST, by state) and arm the RFC 2131 4.1 timer. */
static void dhcp_transmit(struct net_stack *s, struct dhcp_client *c)
{
	dhcp_send(s, c, c->state == DHCP_SELECTING ? DHCPDISCOVER :
						     DHCPREQUEST);
	c->next = s->now + dhcp_backoff(c->tries++);
}

/* --- state changes ---------------------------------------------------- */

/* Back to INIT, giving up the address if we configured it; the next
 * DISCOVER goes out `delay` ms from now. */
static void dhcp_restart(struct net_stack *s, struct dhcp_client *c,
			 uint64_t delay)
{
	struct netif *nif = c->nif;

	if (nif->addr_source == NETIF_ADDR_DHCP)
		net_set_addr(s, nif, 0, 0, 0, NETIF_ADDR_NONE);
	c->state = DHCP_INIT;
	c->addr = c->server = c->gw = 0;
	c->prefix_len = 0;
	c->lease_s = 0;
	c->t1 = c->t2 = c->expiry = NET_NEVER;
	c->next = s->now + delay;
}

/*
 * A lease acknowledged: set T1, T2 and expiry from the time the request
 * was sent (RFC 2131 4.4.1), configure the interface if anything
 * changed, and wait for T1.
 */
static void dhcp_bind(struct net_stack *s, struct dhcp_client *c,
		      const struct dhcp_opts *o)
{
	struct netif *nif = c->nif;
	uint32_t lease = o->has_lease ? o->lease : DHCP_LEASE_DEFAULT_S;
	uint8_t prefix = dhcp_prefix(o, c->addr);
	uint32_t gw = o->router != c->addr ? o->router : 0;
	bool changed = c->state == DHCP_REQUESTING || nif->addr != c->addr ||
		       nif->prefix_len != prefix || c->gw != gw ||
		       nif->addr_source != NETIF_ADDR_DHCP;

	if (lease < DHCP_LEASE_MIN_S)
		lease = DHCP_LEASE_MIN_S;
	c->lease_s = lease;
	c->prefix_len = prefix;
	c->gw = gw;
	if (lease == DHCP_LEASE_INFINITE) {
		c->t1 = c->t2 = c->expiry = NET_NEVER;
	} else {
		/* RFC 2131 4.4.5: T1 0.5 and T2 0.875 of the lease unless
		 * the server says otherwise; T1 < T2 < lease. */
		uint64_t l = (uint64_t)lease * 1000;
		uint64_t t2 = o->t2 && o->t2 < lease ? (uint64_t)o->t2 * 1000 :
						       l * 7 / 8;
		uint64_t t1 = o->t1 && (uint64_t)o->t1 * 1000 < t2 ?
				      (uint64_t)o->t1 * 1000 :
				      (l / 2 < t2 ? l / 2 : t2);
		c->t1 = c->sent + t1;
		c->t2 = c->sent + t2;
		c->expiry = c->sent + l;
	}
	c->state = DHCP_BOUND;
	c->naks = 0;
	c->next = c->t1;
	if (!changed)
		return;

	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	if (lease == DHCP_LEASE_INFINITE)
		net_log("dhcp: %s lease %s from %s forever", nif->name,
			inet_format(c->addr, a), inet_format(c->server, b));
	else
		net_log("dhcp: %s lease %s from %s for %u s", nif->name,
			inet_format(c->addr, a), inet_format(c->server, b),
			(unsigned)lease);
	net_set_addr(s, nif, c->addr, prefix, gw, NETIF_ADDR_DHCP);
}

/* DHCPOFFER in SELECTING: request the first acceptable one, with the
 * offer's xid (RFC 2131 4.4.1). */
static bool dhcp_offer(struct net_stack *s, struct dhcp_client *c,
		       const uint8_t *msg, const struct dhcp_opts *o,
		       uint32_t src)
{
	uint32_t yiaddr = get_be32(msg + BOOTP_YIADDR);
	/* Option 54 is a MUST in an offer; tolerate its absence by
	 * answering whoever sent it. */
	uint32_t server = o->server ? o->server : src;

	if (!inet_is_unicast_host(yiaddr) || !inet_is_unicast_host(server))
		return false;
	c->addr = yiaddr;
	c->server = server;
	c->state = DHCP_REQUESTING;
	c->tries = 0;
	c->sent = s->now;
	dhcp_transmit(s, c);
	return true;
}

/* DHCPACK for the address we asked about. While REBINDING any server
 * may extend the lease (RFC 2131 4.4.5); otherwise only ours. */
static bool dhcp_ack(struct net_stack *s, struct dhcp_client *c,
		     const uint8_t *msg, const struct dhcp_opts *o)
{
	if (get_be32(msg + BOOTP_YIADDR) != c->addr)
		return false;
	if (o->server && o->server != c->server) {
		if (c->state != DHCP_REBINDING || !inet_is_unicast_host(o->server))
			return false;
		c->server = o->server;
	}
	dhcp_bind(s, c, o);
	return true;
}

/*
 * DHCPNAK: stop using the address and start over (RFC 2131 4.4.1,
 * 4.4.5). At once the first time; a server that keeps refusing is
 * asked again with the retransmission back-off.
 */
static bool dhcp_nak(struct net_stack *s, struct dhcp_client *c,
		     const struct dhcp_opts *o)
{
	char a[INET_ADDRSTRLEN];

	if (o->server && o->server != c->server && c->state != DHCP_REBINDING)
		return false;
	net_log("dhcp: %s NAK from %s", c->nif->name,
		inet_format(o->server ? o->server : c->server, a));
	dhcp_restart(s, c, c->naks ? dhcp_backoff(c->naks - 1) : 0);
	c->naks++;
	return true;
}

/* --- input ------------------------------------------------------------ */

/*
 * Walk the options field (RFC 2132 2): pad and end are one byte, every
 * other option is code, length, value. Malformed (-1): a length past the
 * end, a known option of the wrong size, or no message type. Options
 * after 'end' are ignored; a field that is filled to the last byte
 * without an 'end' is accepted.
 */
static int dhcp_parse_options(const uint8_t *p, size_t len,
			      struct dhcp_opts *o)
{
	size_t i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t code = p[i++];
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			break;
		if (i == len)
			return -1;
		uint8_t olen = p[i++];
		if (olen > len - i)
			return -1;
		const uint8_t *v = p + i;
		i += olen;

		switch (code) {
		case OPT_MSG_TYPE:
			if (olen != 1)
				return -1;
			o->type = v[0];
			break;
		case OPT_ROUTER:
			/* A list of routers; the first is preferred. */
			if (olen < 4 || olen % 4)
				return -1;
			o->router = get_be32(v);
			break;
		case OPT_SUBNET_MASK:
			if (olen != 4)
				return -1;
			o->mask = get_be32(v);
			o->has_mask = true;
			break;
		case OPT_SERVER_ID:
			if (olen != 4)
				return -1;
			o->server = get_be32(v);
			break;
		case OPT_LEASE_TIME:
			if (olen != 4)
				return -1;
			o->lease = get_be32(v);
			o->has_lease = true;
			break;
		case OPT_T1:
		case OPT_T2:
			if (olen != 4)
				return -1;
			*(code == OPT_T1 ? &o->t1 : &o->t2) = get_be32(v);
			break;
		default:
			break;	/* DNS and the rest: not used (yet) */
		}
	}
	return o->type ? 0 : -1;
}

/* Is a well-formed reply ours and expected now? Acts on it if so. */
static bool dhcp_handle(struct net_stack *s, struct dhcp_client *c,
			const uint8_t *msg, const struct dhcp_opts *o,
			uint32_t src)
{
	bool answering = c->state == DHCP_REQUESTING ||
			 c->state == DHCP_RENEWING ||
			 c->state == DHCP_REBINDING;

	if (get_be32(msg + BOOTP_XID) != c->xid ||
	    memcmp(msg + BOOTP_CHADDR, c->nif->mac, ETH_ALEN) != 0)
		return false;
	switch (o->type) {
	case DHCPOFFER:
		return c->state == DHCP_SELECTING && dhcp_offer(s, c, msg, o, src);
	case DHCPACK:
		return answering && dhcp_ack(s, c, msg, o);
	case DHCPNAK:
		return answering && dhcp_nak(s, c, o);
	default:
		return false;
	}
}

/* The port 68 receive callback: every datagram, on any interface. */
static void dhcp_input(struct net_stack *s, struct net_sock *sk,
		       const uint8_t *data, size_t len, uint32_t src,
		       uint16_t sport, struct netif *nif)
{
	struct dhcp_port *port = dhcp_port_find(s);
	struct dhcp_opts o;

	if (!port)
		return;		/* the socket lives only with a client */
	port->stats.InMsgs++;
	if (len < BOOTP_OPTIONS || data[BOOTP_OP] != BOOTREPLY ||
	    data[BOOTP_HTYPE] != HTYPE_ETHER || data[BOOTP_HLEN] != ETH_ALEN ||
	    get_be32(data + BOOTP_COOKIE) != DHCP_MAGIC ||
	    dhcp_parse_options(data + BOOTP_OPTIONS, len - BOOTP_OPTIONS,
			       &o) < 0) {
		port->stats.InErrors++;
		return;
	}
	if (!nif || !nif->dhcp || sport != DHCP_SERVER_PORT ||
	    !dhcp_handle(s, nif->dhcp, data, &o, src))
		port->stats.InIgnored++;
}

/* --- timers ----------------------------------------------------------- */

/* What is due for one client at s->now. */
static void dhcp_timer(struct net_stack *s, struct dhcp_client *c)
{
	uint64_t now = s->now;

	switch (c->state) {
	case DHCP_REQUESTING:
		if (c->tries < DHCP_REQUEST_TRIES) {
			dhcp_transmit(s, c);
			break;
		}
		/* No answer to any request: start over (RFC 2131 4.4.1). */
		/* fallthrough */
	case DHCP_INIT:
		c->state = DHCP_SELECTING;
		c->xid = net_random();
		c->tries = 0;
		c->started = c->sent = now;
		/* fallthrough */
	case DHCP_SELECTING:
		dhcp_transmit(s, c);
		break;
	case DHCP_BOUND:
	case DHCP_RENEWING:
	case DHCP_REBINDING:
		if (now >= c->expiry) {
			net_log("dhcp: %s lease expired", c->nif->name);
			dhcp_restart(s, c, 0);
			break;
		}
		if (c->state == DHCP_BOUND)
			c->started = now;
		c->state = now >= c->t2 ? DHCP_REBINDING : DHCP_RENEWING;
		/*
		 * A fresh xid per transmission, so that the ACK says which
		 * request it answers and the lease is counted from that
		 * request's time (RFC 2131 4.4.1).
		 */
		c->xid = net_random();
		c->tries = 1;
		c->sent = now;
		dhcp_send(s, c, DHCPREQUEST);
		/* Half the time left until T2 (RENEWING) or expiry
		 * (REBINDING), at least 60 s (RFC 2131 4.4.5). */
		uint64_t until = c->state == DHCP_RENEWING ? c->t2 : c->expiry;
		uint64_t wait = (until - now) / 2;
		if (wait < DHCP_RENEW_RETRANS_MIN_MS)
			wait = DHCP_RENEW_RETRANS_MIN_MS;
		c->next = now + wait < until ? now + wait : until;
		break;
	}
}

/* --- API -------------------------------------------------------------- */

void dhcp_start(struct net_stack *s, struct netif *nif)
{
	if (nif->dhcp)
		return;

	struct dhcp_client *c = net_alloc(sizeof(*c));
	if (!c) {
		net_log("dhcp: %s: out of memory", nif->name);
		return;
	}
	memset(c, 0, sizeof(*c));

	struct dhcp_port *port = dhcp_port_find(s);
	if (!port) {
		port = net_alloc(sizeof(*port));
		if (port) {
			memset(port, 0, sizeof(*port));
			port->sk = net_udp_open_internal(s, DHCP_CLIENT_PORT,
							 dhcp_input, port);
			if (!port->sk) {
				net_free(port);
				port = NULL;
			}
		}
		if (!port) {
			net_log("dhcp: %s: cannot open UDP port %d", nif->name,
				DHCP_CLIENT_PORT);
			net_free(c);
			return;
		}
	}
	port->users++;
	c->nif = nif;
	c->port = port;
	c->state = DHCP_INIT;
	c->t1 = c->t2 = c->expiry = NET_NEVER;
	c->next = s->now;
	nif->dhcp = c;
}

static bool dhcp_has_lease(const struct dhcp_client *c)
{
	return c->state == DHCP_BOUND || c->state == DHCP_RENEWING ||
	       c->state == DHCP_REBINDING;
}

void dhcp_stop(struct net_stack *s, struct netif *nif)
{
	struct dhcp_client *c = nif->dhcp;

	if (!c)
		return;
	/* Best effort: the server's MAC must already be known, since the
	 * address (and the ARP queue with it) goes right after. */
	if (dhcp_has_lease(c) && nif->addr_source == NETIF_ADDR_DHCP &&
	    nif->addr == c->addr)
		dhcp_send(s, c, DHCPRELEASE);
	if (nif->addr_source == NETIF_ADDR_DHCP)
		net_set_addr(s, nif, 0, 0, 0, NETIF_ADDR_NONE);
	nif->dhcp = NULL;

	struct dhcp_port *port = c->port;
	if (--port->users == 0) {
		net_udp_close_internal(s, port->sk);
		net_free(port);
	}
	net_free(c);
}

uint64_t dhcp_poll(struct net_stack *s)
{
	uint64_t next = NET_NEVER;

	for (int i = 0; i < s->nnetifs; i++) {
		struct dhcp_client *c = s->netifs[i]->dhcp;
		if (!c)
			continue;
		/* Each round moves next past now, except an expiry, which
		 * makes a DISCOVER due at once: at most two rounds. */
		for (int round = 0; round < 3 && c->next <= s->now; round++)
			dhcp_timer(s, c);
		if (c->next < next)
			next = c->next;
	}
	return next;
}

bool dhcp_lease_info(struct net_stack *s, struct netif *nif,
		     uint32_t *server, uint32_t *lease_left_s)
{
	struct dhcp_client *c = nif->dhcp;

	if (!c || !dhcp_has_lease(c))
		return false;
	if (server)
		*server = c->server;
	if (lease_left_s) {
		if (c->lease_s == DHCP_LEASE_INFINITE)
			*lease_left_s = DHCP_LEASE_INFINITE;
		else
			*lease_left_s = c->expiry > s->now ?
				(uint32_t)((c->expiry - s->now) / 1000) : 0;
	}
	return true;
}

bool dhcp_get_stats(struct net_stack *s, struct dhcp_stats *st)
{
	struct dhcp_port *port = dhcp_port_find(s);

	if (!port)
		return false;
	*st = port->stats;
	return true;
}
