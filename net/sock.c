/*
 * Datagram sockets, the stack side (sock.h): UDP and ping sockets share
 * binding, connecting, the receive queue, options and readiness; udp.c
 * and ping.c hold what differs on the wire.
 */
#include <errno.h>
#include <string.h>

#include "net/ip.h"
#include "net/port.h"
#include "net/portalloc.h"
#include "net/sock.h"
#include "net/stack.h"
#include "net/udp.h"

struct port_alloc *net_port_alloc(struct net_stack *s)
{
	return &s->udp.ports;
}

/* sk's port table of one family (NET_PORT_V4 or NET_PORT_V6). */
static struct port_table *sock_ports(struct net_stack *s,
				     const struct net_sock *sk, unsigned fam)
{
	return port_table(&s->udp.ports,
			  sk->type == NET_SOCK_PING ? PORT_PING : PORT_UDP,
			  fam == NET_PORT_V6 ? PORT_INET6 : PORT_INET);
}

static struct net_sock **sock_bucket(struct net_stack *s,
				     const struct net_sock *sk, uint16_t port)
{
	struct net_sock **h = sk->type == NET_SOCK_PING ? s->udp.ping_hash :
							  s->udp.hash;
	return &h[port & (UDP_HASH_SIZE - 1)];
}

/* Tell the kernel a user may have something to wake for. Internal
 * (callback) sockets have no user. */
static void sock_notify(struct net_stack *s, struct net_sock *sk)
{
	if (sk->user)
		net_sock_notify(s, sk);
}

bool net_addr_is_broadcast(struct net_stack *s, uint32_t addr)
{
	if (addr == INADDR_BROADCAST_)
		return true;
	for (int i = 0; i < s->nnetifs; i++) {
		const struct netif *nif = s->netifs[i];
		/* /31 and /32 have no broadcast address (RFC 3021). */
		if (nif && nif->addr && nif->prefix_len <= 30 &&
		    netif_broadcast(nif) == addr)
			return true;
	}
	return false;
}

struct net_sock *net_sock_create(struct net_stack *s, enum net_sock_type type,
				 void *user)
{
	if (type != NET_SOCK_UDP && type != NET_SOCK_PING)
		return NULL;
	struct dgram_sock *ds = net_alloc(sizeof(*ds));
	if (!ds)
		return NULL;
	memset(ds, 0, sizeof(*ds));
	ds->sk.type = type;
	ds->sk.family = NET_AF_INET;	/* the creator may make it INET6 */
	ds->sk.user = user;
	ds->sk.rcvbuf = NET_SOCK_RCVBUF_DEFAULT;
	ds->sk.sndbuf = NET_SOCK_SNDBUF_DEFAULT;
	ds->next = s->udp.socks;
	s->udp.socks = &ds->sk;
	return &ds->sk;
}

static void unhash(struct net_stack *s, struct net_sock *sk)
{
	struct net_sock **pp = sock_bucket(s, sk, sk->lport);

	while (*pp && *pp != sk)
		pp = &dgram_sk(*pp)->hash_next;
	if (*pp)
		*pp = dgram_sk(sk)->hash_next;
	dgram_sk(sk)->hash_next = NULL;
	for (unsigned fam = NET_PORT_V4; fam <= NET_PORT_V6; fam <<= 1)
		if (sk->port_fams & fam)
			port_put(sock_ports(s, sk, fam), sk->lport,
				 (sk->flags & NET_SOCK_F_PORT_REUSE) ?
					 PORT_REUSE : 0);
	sk->port_fams = 0;
	sk->lport = 0;
	sk->bound = false;
}

static void purge(struct dgram_sock *ds)
{
	struct net_dgram *d = ds->rx_head;

	while (d) {
		struct net_dgram *next = d->next;
		net_free(d);
		d = next;
	}
	ds->rx_head = ds->rx_tail = NULL;
	ds->rx_bytes = 0;
	ds->rx_count = 0;
}

void net_sock_close(struct net_stack *s, struct net_sock *sk)
{
	if (sk->bound)
		unhash(s, sk);
	purge(dgram_sk(sk));
	for (struct net_sock **pp = &s->udp.socks; *pp;
	     pp = &dgram_sk(*pp)->next) {
		if (*pp == sk) {
			*pp = dgram_sk(sk)->next;
			break;
		}
	}
	/* Notified but not yet taken by the kernel: leave the list, or the
	 * waker would touch freed memory. */
	if (sk->event_queued) {
		for (struct net_sock **pp = &s->events; *pp;
		     pp = &(*pp)->event_next) {
			if (*pp == sk) {
				*pp = sk->event_next;
				break;
			}
		}
		sk->event_queued = false;
	}
	net_free(sk);
}

/*
 * A local address a socket holds or asks for, of either family: what a
 * bind conflict is decided on. fams: the families it receives
 * (NET_PORT_V4 and/or V6); a4 / a6: its address in each (0 / ::: any).
 */
struct bind_key {
	unsigned fams;
	uint32_t a4;
	struct ip6_addr a6;
};

/* The key of sk if it held local address (family INET: a4; INET6: a6). */
static struct bind_key key_of(const struct net_sock *sk, uint32_t a4,
			      const struct ip6_addr *a6)
{
	struct bind_key k = { .fams = NET_PORT_V4, .a4 = a4 };

	if (sk->family == NET_AF_INET6) {
		k.a4 = 0;
		k.a6 = *a6;
		k.fams = NET_PORT_V6;
		/* [::] without V6ONLY receives IPv4 too (bindv6only 0). */
		if (!(sk->flags & NET_SOCK_F_V6ONLY) &&
		    ip6_addr_is_unspecified(a6))
			k.fams |= NET_PORT_V4;
	}
	return k;
}

static struct bind_key key_now(const struct net_sock *sk)
{
	return key_of(sk, sk->laddr, &sk->laddr6);
}

/* Do two local addresses overlap in a family both receive? */
static bool keys_overlap(const struct bind_key *a, const struct bind_key *b)
{
	if ((a->fams & b->fams & NET_PORT_V4) &&
	    (!a->a4 || !b->a4 || a->a4 == b->a4))
		return true;
	return (a->fams & b->fams & NET_PORT_V6) &&
	       (ip6_addr_is_unspecified(&a->a6) ||
		ip6_addr_is_unspecified(&b->a6) || ip6_addr_eq(&a->a6, &b->a6));
}

/* Would sk holding key:port clash with a holder of the port? Linux's
 * rule (udp_lib_lport_inuse): not if both set SO_REUSEADDR, not if they
 * are bound to different interfaces, not if their local addresses
 * cannot receive the same datagram (both specific and different, or of
 * different families: an IPV6_V6ONLY socket and an IPv4 one). Ping
 * identifiers clash whatever the addresses. */
static bool bind_conflict(struct net_stack *s, const struct net_sock *sk,
			  const struct bind_key *key, uint16_t port)
{
	for (const struct net_sock *o = *sock_bucket(s, sk, port); o;
	     o = dgram_csk(o)->hash_next) {
		if (o == sk || o->lport != port)
			continue;
		if ((sk->flags & o->flags & NET_SOCK_F_REUSEADDR))
			continue;
		if (sk->bound_nif && o->bound_nif &&
		    sk->bound_nif != o->bound_nif)
			continue;
		struct bind_key ok = key_now(o);
		if (sk->type == NET_SOCK_PING || keys_overlap(key, &ok))
			return true;
	}
	return false;
}

/* An ephemeral port free in every table of fams (the IPv6 table first,
 * then, for a dual-stack socket, the IPv4 one too). */
static int ephemeral(struct net_stack *s, struct net_sock *sk, unsigned fams,
		     unsigned flags, uint16_t *port)
{
	/* UDP: a random start each time, as Linux; ping idents walk on
	 * from the table's cursor. */
	uint32_t offset = sk->type == NET_SOCK_PING ? 0 : net_random();

	if (fams == NET_PORT_V4)
		return port_ephemeral(sock_ports(s, sk, NET_PORT_V4), offset,
				      flags, port);
	if (fams == NET_PORT_V6)
		return port_ephemeral(sock_ports(s, sk, NET_PORT_V6), offset,
				      flags, port);
	return port_ephemeral_pair(sock_ports(s, sk, NET_PORT_V6),
				   sock_ports(s, sk, NET_PORT_V4), offset,
				   flags, port);
}

/* Give sk the local address of key and a port (0: ephemeral) and hash
 * it. */
static int take_port(struct net_stack *s, struct net_sock *sk,
		     const struct bind_key *key, uint16_t port)
{
	unsigned flags = (sk->flags & NET_SOCK_F_REUSEADDR) ? PORT_REUSE : 0;
	int err = 0;

	if (port == 0) {
		err = ephemeral(s, sk, key->fams, flags, &port);
	} else if (bind_conflict(s, sk, key, port)) {
		err = -EADDRINUSE;
	} else {
		for (unsigned fam = NET_PORT_V4; fam <= NET_PORT_V6 && !err;
		     fam <<= 1) {
			if (!(key->fams & fam))
				continue;
			err = port_get(sock_ports(s, sk, fam), port, flags);
			if (err && fam == NET_PORT_V6 &&
			    (key->fams & NET_PORT_V4))
				port_put(sock_ports(s, sk, NET_PORT_V4), port,
					 flags);
		}
	}
	if (err)
		return err;
	sk->port_fams = (uint8_t)key->fams;
	if (sk->family == NET_AF_INET6)
		sk->laddr6 = key->a6;
	else
		sk->laddr = key->a4;
	sk->lport = port;
	sk->bound = true;
	sk->flags = (uint8_t)((sk->flags & ~NET_SOCK_F_PORT_REUSE) |
			      (flags ? NET_SOCK_F_PORT_REUSE : 0));
	struct net_sock **b = sock_bucket(s, sk, port);
	dgram_sk(sk)->hash_next = *b;
	*b = sk;
	return 0;
}

static bool bindable(struct net_stack *s, uint32_t addr)
{
	return addr == 0 || ip_is_local(s, addr) ||
	       net_addr_is_multicast(addr);
}

int net_sock_bind(struct net_stack *s, struct net_sock *sk, uint32_t addr,
		  uint16_t port)
{
	if (sk->bound)
		return -EINVAL;
	if (!bindable(s, addr))
		return -EADDRNOTAVAIL;
	struct bind_key key = key_of(sk, addr, &ip6_addr_any);
	int err = take_port(s, sk, &key, port);
	if (err)
		return err;
	if (addr)
		sk->flags |= NET_SOCK_F_ADDR_LOCK;
	if (port)
		sk->flags |= NET_SOCK_F_PORT_LOCK;
	return 0;
}

static int autobind(struct net_stack *s, struct net_sock *sk)
{
	if (sk->bound)
		return 0;
	struct bind_key key = key_now(sk);
	return take_port(s, sk, &key, 0);
}

/* sk's IPv4 local address: 0 (any) for a dual-stack IPv6 socket. */
static uint32_t laddr_v4(const struct net_sock *sk)
{
	return sk->family == NET_AF_INET ? sk->laddr : 0;
}

/* The source address of a datagram from sk to dst: the bound address
 * if it is a unicast one of ours, else the route's. 0: no route. */
static uint32_t source_for(struct net_stack *s, const struct net_sock *sk,
			   uint32_t dst)
{
	uint32_t laddr = laddr_v4(sk);

	if (laddr && !net_addr_is_broadcast(s, laddr) &&
	    !net_addr_is_multicast(laddr))
		return laddr;
	return ip_route_source(s, dst);
}

int net_sock_connect(struct net_stack *s, struct net_sock *sk, uint32_t dst,
		     uint16_t dport)
{
	if (dst == 0)
		dst = INADDR_LOOPBACK_;	/* Linux routes 0.0.0.0 to lo */
	if (net_addr_is_broadcast(s, dst) &&
	    !(sk->flags & NET_SOCK_F_BROADCAST))
		return -EACCES;
	uint32_t src = source_for(s, sk, dst);
	if (!src)
		return -ENETUNREACH;
	int err = autobind(s, sk);
	if (err)
		return err;
	/* A dual-stack socket connected to an IPv4 peer speaks IPv4. */
	if (sk->family == NET_AF_INET6) {
		sk->family = NET_AF_INET;
		sk->laddr6 = ip6_addr_any;
	}
	if (!sk->laddr)
		sk->laddr = src;
	sk->raddr = dst;
	sk->rport = sk->type == NET_SOCK_PING ? 0 : dport;
	sk->connected = true;
	return 0;
}

int net_sock_disconnect(struct net_stack *s, struct net_sock *sk)
{
	sk->connected = false;
	sk->raddr6 = ip6_addr_any;	/* raddr too */
	sk->rport = 0;
	if (!(sk->flags & NET_SOCK_F_ADDR_LOCK))
		sk->laddr6 = ip6_addr_any;	/* laddr too */
	if (sk->bound && !(sk->flags & NET_SOCK_F_PORT_LOCK))
		unhash(s, sk);
	return 0;
}

int net_sock_take_error(struct net_sock *sk)
{
	int err = sk->so_error;

	sk->so_error = 0;
	return err;
}

int net_sock_sendto(struct net_stack *s, struct net_sock *sk, const void *buf,
		    size_t len, bool has_dst, uint32_t dst, uint16_t dport)
{
	bool ping = sk->type == NET_SOCK_PING;
	/* Ping carries an ICMP message (IP limit), UDP a payload. */
	size_t max = ping ? 65535 - IP_HLEN : UDP_MAX_PAYLOAD;

	if (ping) {
		const uint8_t *m = buf;
		if (len < 8 || m[0] != ICMP_ECHO || m[1] != 0)
			return -EINVAL;
	}
	if (!has_dst) {
		if (!sk->connected)
			return -EDESTADDRREQ;
		if (sk->family == NET_AF_INET6)
			return net_sock_sendto6(s, sk, buf, len, &sk->raddr6,
						NULL, sk->rport);
		dst = sk->raddr;
		dport = sk->rport;
	} else if (dport == 0 && !ping) {
		return -EINVAL;
	}
	if (dst == 0)
		dst = INADDR_LOOPBACK_;
	if (len > max)
		return -EMSGSIZE;
	if (net_addr_is_broadcast(s, dst) &&
	    !(sk->flags & NET_SOCK_F_BROADCAST))
		return -EACCES;
	int err = autobind(s, sk);
	if (err)
		return err;
	if (sk->shutdown & NET_SHUT_WR)
		return -EPIPE;
	if (sk->so_error)
		return net_sock_take_error(sk);
	uint32_t src = source_for(s, sk, dst);
	if (!src)
		return -ENETUNREACH;
	if (ping)
		return ping_sendto(s, sk, buf, len, src, dst);
	err = udp_output(s, src, sk->lport, dst, dport,
			 sk->ttl ? sk->ttl : IP_DEFAULT_TTL, buf, len);
	return err < 0 ? err : (int)len;
}

static uint32_t dgram_charge(uint32_t len)
{
	return (uint32_t)sizeof(struct net_dgram) + len;
}

/* The bytes in front of a datagram's data: its IPv6 source, if any. */
static uint32_t dgram_prefix(const struct net_dgram *d)
{
	return d->family == NET_AF_INET6 ?
		       (uint32_t)sizeof(struct net_dgram_src6) : 0;
}

/* Queue hdr + data after pre (plen bytes: an IPv6 source, or none). */
static int queue(struct net_stack *s, struct net_sock *sk, const void *pre,
		 size_t plen, const uint8_t *hdr, size_t hlen,
		 const uint8_t *data, size_t len, uint32_t src,
		 uint16_t sport, uint8_t ttl)
{
	struct dgram_sock *ds = dgram_sk(sk);
	uint32_t total = (uint32_t)(hlen + len);
	uint32_t charge = dgram_charge((uint32_t)plen + total);

	/* An empty queue takes any datagram, so none is too big to read. */
	if (ds->rx_head && ds->rx_bytes + charge > sk->rcvbuf)
		return -ENOBUFS;
	struct net_dgram *d = net_alloc(sizeof(*d) + plen + total);
	if (!d)
		return -ENOMEM;
	d->next = NULL;
	d->src = src;
	d->sport = sport;
	d->ttl = ttl;
	d->family = plen ? NET_AF_INET6 : NET_AF_INET;
	d->len = total;
	if (plen)
		memcpy(d->data, pre, plen);
	if (hlen)
		memcpy(d->data + plen, hdr, hlen);
	if (len)
		memcpy(d->data + plen + hlen, data, len);
	if (ds->rx_tail)
		ds->rx_tail->next = d;
	else
		ds->rx_head = d;
	ds->rx_tail = d;
	ds->rx_bytes += charge;
	ds->rx_count++;
	sock_notify(s, sk);
	return 0;
}

int net_sock_queue(struct net_stack *s, struct net_sock *sk,
		   const uint8_t *hdr, size_t hlen, const uint8_t *data,
		   size_t len, uint32_t src, uint16_t sport, uint8_t ttl)
{
	return queue(s, sk, NULL, 0, hdr, hlen, data, len, src, sport, ttl);
}

int net_sock_queue6(struct net_stack *s, struct net_sock *sk,
		    const uint8_t *data, size_t len,
		    const struct ip6_addr *src, uint16_t sport, uint8_t hlim,
		    struct netif *nif)
{
	struct net_dgram_src6 pre = { .src = *src, .nif = nif };

	return queue(s, sk, &pre, sizeof(pre), NULL, 0, data, len, 0, sport,
		     hlim);
}

int net_sock_recv(struct net_stack *s, struct net_sock *sk, void *buf,
		  size_t len, unsigned flags, struct net_recv_info *info)
{
	struct dgram_sock *ds = dgram_sk(sk);

	memset(info, 0, sizeof(*info));
	if (sk->so_error)
		return net_sock_take_error(sk);
	struct net_dgram *d = ds->rx_head;
	if (!d)
		return (sk->shutdown & NET_SHUT_RD) ? 0 : -EAGAIN;
	uint32_t plen = dgram_prefix(d);
	memcpy(buf, d->data + plen, len < d->len ? len : d->len);
	info->has_addr = true;
	info->family = d->family;
	if (plen) {
		struct net_dgram_src6 pre;
		memcpy(&pre, d->data, sizeof(pre));
		info->src6 = pre.src;
		info->nif = pre.nif;
	}
	info->src = d->src;
	info->sport = d->sport;
	info->ttl = d->ttl;
	int n = (int)d->len;
	if (!(flags & NET_MSG_PEEK)) {
		ds->rx_head = d->next;
		if (!ds->rx_head)
			ds->rx_tail = NULL;
		ds->rx_bytes -= dgram_charge(plen + d->len);
		ds->rx_count--;
		net_free(d);
	}
	return n;
}

int net_sock_shutdown(struct net_stack *s, struct net_sock *sk, unsigned how)
{
	sk->shutdown |= (uint8_t)(how & (NET_SHUT_RD | NET_SHUT_WR));
	sock_notify(s, sk);
	return sk->connected ? 0 : -ENOTCONN;
}

unsigned net_sock_poll(struct net_stack *s, struct net_sock *sk)
{
	unsigned ev = NET_EV_OUT;

	if (dgram_sk(sk)->rx_head || (sk->shutdown & NET_SHUT_RD))
		ev |= NET_EV_IN;
	if (sk->so_error)
		ev |= NET_EV_IN | NET_EV_ERR;
	if ((sk->shutdown & (NET_SHUT_RD | NET_SHUT_WR)) ==
	    (NET_SHUT_RD | NET_SHUT_WR))
		ev |= NET_EV_HUP;
	return ev;
}

static void set_flag(struct net_sock *sk, uint8_t flag, int on)
{
	if (on)
		sk->flags |= flag;
	else
		sk->flags &= (uint8_t)~flag;
}

/* Linux's sock_setsockopt: the value is capped at the sysctl maximum
 * (a negative one reads as huge), doubled, and raised to the minimum. */
static uint32_t buf_size(int val, uint32_t max, uint32_t min)
{
	uint32_t v = (uint32_t)val;

	if (v > max)
		v = max;
	v *= 2;
	return v < min ? min : v;
}

int net_sock_setopt(struct net_stack *s, struct net_sock *sk,
		    enum net_sockopt opt, int val)
{
	switch (opt) {
	case NET_SO_REUSEADDR:
		set_flag(sk, NET_SOCK_F_REUSEADDR, val);
		return 0;
	case NET_SO_BROADCAST:
		set_flag(sk, NET_SOCK_F_BROADCAST, val);
		return 0;
	case NET_IP_RECVTTL:
		set_flag(sk, NET_SOCK_F_RECVTTL, val);
		return 0;
	case NET_SO_RCVBUF:
		sk->rcvbuf = buf_size(val, NET_SOCK_RMEM_MAX,
				      NET_SOCK_RCVBUF_MIN);
		return 0;
	case NET_SO_SNDBUF:
		sk->sndbuf = buf_size(val, NET_SOCK_WMEM_MAX,
				      NET_SOCK_SNDBUF_MIN);
		return 0;
	case NET_IPV6_V6ONLY:
		/* Linux: fixed once bound (the ports taken depend on it). */
		if (sk->family != NET_AF_INET6 || sk->bound)
			return -EINVAL;
		set_flag(sk, NET_SOCK_F_V6ONLY, val);
		return 0;
	case NET_IP_TTL:
		if (val == -1)
			val = 0;
		else if (val < 1 || val > 255)
			return -EINVAL;
		sk->ttl = (uint8_t)val;
		return 0;
	}
	return -ENOPROTOOPT;
}

int net_sock_getopt(struct net_stack *s, struct net_sock *sk,
		    enum net_sockopt opt, int *val)
{
	switch (opt) {
	case NET_SO_REUSEADDR:
		*val = !!(sk->flags & NET_SOCK_F_REUSEADDR);
		return 0;
	case NET_SO_BROADCAST:
		*val = !!(sk->flags & NET_SOCK_F_BROADCAST);
		return 0;
	case NET_IP_RECVTTL:
		*val = !!(sk->flags & NET_SOCK_F_RECVTTL);
		return 0;
	case NET_SO_RCVBUF:
		*val = (int)sk->rcvbuf;
		return 0;
	case NET_SO_SNDBUF:
		*val = (int)sk->sndbuf;
		return 0;
	case NET_IP_TTL:
		*val = sk->ttl ? sk->ttl : IP_DEFAULT_TTL;
		return 0;
	case NET_IPV6_V6ONLY:
		*val = !!(sk->flags & NET_SOCK_F_V6ONLY);
		return 0;
	}
	return -ENOPROTOOPT;
}

void net_sock_bind_netif(struct net_sock *sk, struct netif *nif)
{
	sk->bound_nif = nif;
}

void net_sock_for_each(struct net_stack *s,
		       void (*fn)(const struct net_sock *sk, void *arg),
		       void *arg)
{
	for (const struct net_sock *sk = s->udp.socks; sk;
	     sk = dgram_csk(sk)->next)
		fn(sk, arg);
}

unsigned net_sock_count(struct net_stack *s, enum net_sock_type type)
{
	unsigned n = 0;

	for (const struct net_sock *sk = s->udp.socks; sk;
	     sk = dgram_csk(sk)->next)
		n += sk->type == type;
	return n;
}

/* --- IPv6 ------------------------------------------------------------------ */

bool net_addr6_v4mapped(const struct ip6_addr *a, uint32_t *v4)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(a->b, pfx, 12) != 0)
		return false;
	*v4 = (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 |
	      (uint32_t)a->b[14] << 8 | a->b[15];
	return true;
}

void net_addr6_map_v4(struct ip6_addr *out, uint32_t v4)
{
	memset(out->b, 0, 10);
	out->b[10] = out->b[11] = 0xff;
	out->b[12] = (uint8_t)(v4 >> 24);
	out->b[13] = (uint8_t)(v4 >> 16);
	out->b[14] = (uint8_t)(v4 >> 8);
	out->b[15] = (uint8_t)v4;
}

/* Does a need an interface to mean anything (RFC 4007: link-local
 * unicast, and groups of interface or link scope)? */
bool net_addr6_needs_scope(const struct ip6_addr *a)
{
	return ip6_addr_is_linklocal(a) ||
	       (ip6_addr_is_multicast(a) &&
		ip6_addr_scope(a) <= IP6_SCOPE_LINK);
}

/* The interface a datagram to dst leaves by: scope (sin6_scope_id),
 * else the bound one. -EINVAL: they differ, or dst needs one and has
 * none (Linux's udpv6 and ip6_datagram_connect). */
int net_sock_oif6(const struct net_sock *sk, const struct ip6_addr *dst,
		  struct netif *scope, struct netif **oif)
{
	if (scope && sk->bound_nif && scope != sk->bound_nif)
		return -EINVAL;
	*oif = scope ? scope : sk->bound_nif;
	if (!*oif && net_addr6_needs_scope(dst))
		return -EINVAL;
	return 0;
}

/* The source of a datagram from sk to dst (out of oif): the bound
 * unicast address, else RFC 6724's choice. 0 or a negative errno. */
int net_sock_source6(struct net_stack *s, const struct net_sock *sk,
		     const struct ip6_addr *dst, struct netif *oif,
		     struct ip6_addr *src)
{
	if (!ip6_addr_is_unspecified(&sk->laddr6) &&
	    !ip6_addr_is_multicast(&sk->laddr6)) {
		*src = sk->laddr6;
		return 0;
	}
	return ip6_route_source(s, dst, oif, src);
}

int net_sock_bind6(struct net_stack *s, struct net_sock *sk,
		   const struct ip6_addr *addr, struct netif *scope,
		   uint16_t port)
{
	uint32_t v4;

	if (sk->bound || sk->family != NET_AF_INET6)
		return -EINVAL;
	if (net_addr6_v4mapped(addr, &v4)) {
		if (sk->flags & NET_SOCK_F_V6ONLY)
			return -EINVAL;
		/* An IPv4 address: the socket speaks IPv4 from now on. */
		sk->family = NET_AF_INET;
		int err = net_sock_bind(s, sk, v4, port);
		if (err)
			sk->family = NET_AF_INET6;
		return err;
	}
	if (net_addr6_needs_scope(addr)) {
		if (scope && sk->bound_nif && scope != sk->bound_nif)
			return -EINVAL;
		if (!scope && !sk->bound_nif)
			return -EINVAL;
	}
	if (!ip6_addr_is_unspecified(addr) && !ip6_addr_is_multicast(addr) &&
	    !ip6_is_local(s, addr))
		return -EADDRNOTAVAIL;
	struct netif *old_nif = sk->bound_nif;
	if (scope && net_addr6_needs_scope(addr))
		sk->bound_nif = scope;
	struct bind_key key = key_of(sk, 0, addr);
	int err = take_port(s, sk, &key, port);
	if (err) {
		sk->bound_nif = old_nif;
		return err;
	}
	if (!ip6_addr_is_unspecified(addr))
		sk->flags |= NET_SOCK_F_ADDR_LOCK;
	if (port)
		sk->flags |= NET_SOCK_F_PORT_LOCK;
	return 0;
}

/* A socket of an AF_INET6 user made to speak IPv4 by connect() to a
 * v4-mapped peer may connect again to an IPv6 one if nothing pins it to
 * IPv4 (as Linux lets it). */
static int back_to_v6(struct net_sock *sk)
{
	if (sk->family == NET_AF_INET6)
		return 0;
	if (sk->flags & NET_SOCK_F_ADDR_LOCK)
		return -EAFNOSUPPORT;
	sk->family = NET_AF_INET6;
	sk->laddr6 = ip6_addr_any;
	sk->raddr6 = ip6_addr_any;
	sk->connected = false;
	return 0;
}

/* May sk reach a v4-mapped peer? Not with IPV6_V6ONLY, nor once bound
 * to an IPv6 address (Linux: ENETUNREACH). */
int net_sock_v4mapped_ok(const struct net_sock *sk)
{
	if (sk->flags & NET_SOCK_F_V6ONLY)
		return -ENETUNREACH;
	if (sk->family == NET_AF_INET6 && !ip6_addr_is_unspecified(&sk->laddr6))
		return -ENETUNREACH;
	return 0;
}

int net_sock_connect6(struct net_stack *s, struct net_sock *sk,
		      const struct ip6_addr *dst, struct netif *scope,
		      uint16_t dport)
{
	struct ip6_addr src, d = *dst;
	struct netif *oif;
	uint32_t v4;
	int err;

	if (net_addr6_v4mapped(dst, &v4)) {
		err = net_sock_v4mapped_ok(sk);
		if (err)
			return err;
		return net_sock_connect(s, sk, v4, dport);
	}
	err = back_to_v6(sk);
	if (err)
		return err;
	if (ip6_addr_is_unspecified(&d))
		d = ip6_addr_loopback;	/* Linux: :: means ::1 */
	err = net_sock_oif6(sk, &d, scope, &oif);
	if (err)
		return err;
	err = net_sock_source6(s, sk, &d, oif, &src);
	if (err)
		return err;
	err = autobind(s, sk);
	if (err)
		return err;
	if (scope)
		sk->bound_nif = scope;
	if (ip6_addr_is_unspecified(&sk->laddr6))
		sk->laddr6 = src;
	sk->raddr6 = d;
	sk->rport = dport;
	sk->connected = true;
	return 0;
}

int net_sock_sendto6(struct net_stack *s, struct net_sock *sk,
		     const void *buf, size_t len, const struct ip6_addr *dst,
		     struct netif *scope, uint16_t dport)
{
	struct ip6_addr src, d = *dst;
	struct netif *oif;
	uint32_t v4;
	int err;

	if (sk->type != NET_SOCK_UDP)
		return -EAFNOSUPPORT;
	if (net_addr6_v4mapped(dst, &v4)) {
		err = net_sock_v4mapped_ok(sk);
		if (err)
			return err;
		return net_sock_sendto(s, sk, buf, len, true, v4, dport);
	}
	if (sk->family != NET_AF_INET6)
		return -ENETUNREACH;	/* bound or connected to IPv4 */
	if (dport == 0)
		return -EINVAL;
	if (len > UDP6_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (ip6_addr_is_unspecified(&d))
		d = ip6_addr_loopback;
	err = net_sock_oif6(sk, &d, scope, &oif);
	if (err)
		return err;
	err = autobind(s, sk);
	if (err)
		return err;
	if (sk->shutdown & NET_SHUT_WR)
		return -EPIPE;
	if (sk->so_error)
		return net_sock_take_error(sk);
	err = net_sock_source6(s, sk, &d, oif, &src);
	if (err)
		return err;
	err = udp6_output(s, &src, sk->lport, &d, dport, sk->ttl, oif, buf,
			  len);
	return err < 0 ? err : (int)len;
}
