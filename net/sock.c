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

static struct port_table *sock_ports(struct net_stack *s,
				     const struct net_sock *sk)
{
	return port_table(&s->udp.ports,
			  sk->type == NET_SOCK_PING ? PORT_PING : PORT_UDP,
			  PORT_INET);
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
	port_put(sock_ports(s, sk), sk->lport,
		 (sk->flags & NET_SOCK_F_PORT_REUSE) ? PORT_REUSE : 0);
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

/* Would sk holding addr:port clash with a holder of the port? Linux's
 * rule (udp_lib_lport_inuse): not if both set SO_REUSEADDR, not if they
 * are bound to different interfaces, not if both local addresses are
 * specific and differ. Ping identifiers clash whatever the addresses. */
static bool bind_conflict(struct net_stack *s, const struct net_sock *sk,
			  uint32_t addr, uint16_t port)
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
		if (sk->type == NET_SOCK_PING || !o->laddr || !addr ||
		    o->laddr == addr)
			return true;
	}
	return false;
}

/* Give sk addr and a port (0: ephemeral) and hash it. */
static int take_port(struct net_stack *s, struct net_sock *sk, uint32_t addr,
		     uint16_t port)
{
	struct port_table *t = sock_ports(s, sk);
	unsigned flags = (sk->flags & NET_SOCK_F_REUSEADDR) ? PORT_REUSE : 0;
	int err;

	if (port == 0) {
		/* UDP: a random start each time, as Linux; ping idents
		 * walk on from the table's cursor. */
		uint32_t offset = sk->type == NET_SOCK_PING ? 0 : net_random();
		err = port_ephemeral(t, offset, flags, &port);
	} else if (bind_conflict(s, sk, addr, port)) {
		err = -EADDRINUSE;
	} else {
		err = port_get(t, port, flags);
	}
	if (err)
		return err;
	sk->laddr = addr;
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
	int err = take_port(s, sk, addr, port);
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
	return sk->bound ? 0 : take_port(s, sk, sk->laddr, 0);
}

/* The source address of a datagram from sk to dst: the bound address
 * if it is a unicast one of ours, else the route's. 0: no route. */
static uint32_t source_for(struct net_stack *s, const struct net_sock *sk,
			   uint32_t dst)
{
	if (sk->laddr && !net_addr_is_broadcast(s, sk->laddr) &&
	    !net_addr_is_multicast(sk->laddr))
		return sk->laddr;
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
	sk->raddr = 0;
	sk->rport = 0;
	if (!(sk->flags & NET_SOCK_F_ADDR_LOCK))
		sk->laddr = 0;
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

int net_sock_queue(struct net_stack *s, struct net_sock *sk,
		   const uint8_t *hdr, size_t hlen, const uint8_t *data,
		   size_t len, uint32_t src, uint16_t sport, uint8_t ttl)
{
	struct dgram_sock *ds = dgram_sk(sk);
	uint32_t total = (uint32_t)(hlen + len);
	uint32_t charge = dgram_charge(total);

	/* An empty queue takes any datagram, so none is too big to read. */
	if (ds->rx_head && ds->rx_bytes + charge > sk->rcvbuf)
		return -ENOBUFS;
	struct net_dgram *d = net_alloc(sizeof(*d) + total);
	if (!d)
		return -ENOMEM;
	d->next = NULL;
	d->src = src;
	d->sport = sport;
	d->ttl = ttl;
	d->len = total;
	if (hlen)
		memcpy(d->data, hdr, hlen);
	if (len)
		memcpy(d->data + hlen, data, len);
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
	memcpy(buf, d->data, len < d->len ? len : d->len);
	info->has_addr = true;
	info->src = d->src;
	info->sport = d->sport;
	info->ttl = d->ttl;
	int n = (int)d->len;
	if (!(flags & NET_MSG_PEEK)) {
		ds->rx_head = d->next;
		if (!ds->rx_head)
			ds->rx_tail = NULL;
		ds->rx_bytes -= dgram_charge(d->len);
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
