/*
 * TCP user calls (RFC 9293 3.10.1-3.10.6: OPEN, SEND, RECEIVE, CLOSE,
 * ABORT, STATUS) as the BSD socket layer needs them.
 */
#include <errno.h>
#include <string.h>

#include "net/ip.h"
#include "net/ip6.h"
#include "net/port.h"
#include "net/portalloc.h"
#include "net/stack.h"
#include "net/tcp.h"
#include "net/tcp_seq.h"
#include "net/udp.h"

struct tcp_sock *tcp_sock_create(struct net_stack *s, void *user)
{
	struct tcp_sock *tp = tcp_alloc(s);

	if (tp)
		tp->sk.user = user;
	return tp;
}

/* Does a listener hold port in a table of fams? */
static bool listening_on(struct net_stack *s, uint16_t port, unsigned fams)
{
	for (struct tcp_sock *l = s->tcp.lhash[port & (TCP_LHASH_SIZE - 1)];
	     l; l = l->hnext)
		if (l->sk.lport == port && (l->sk.port_fams & fams))
			return true;
	return false;
}

/* Take port (0: an ephemeral one) in the tables of fams, all or none. */
static int take_port(struct net_stack *s, struct tcp_sock *tp,
		     unsigned fams, uint16_t port)
{
	unsigned fl = (tp->sk.flags & NET_SOCK_F_REUSEADDR) ? PORT_REUSE : 0;
	struct port_table *v4 = tcp_ports(s, NET_PORT_V4);
	struct port_table *v6 = tcp_ports(s, NET_PORT_V6);
	int err;

	/* SO_REUSEADDR never shares a port with a listener (Linux). */
	if (port && fl && listening_on(s, port, fams))
		return -EADDRINUSE;
	if (!port && fams == (NET_PORT_V4 | NET_PORT_V6))
		err = port_ephemeral_pair(v6, v4, net_random(), fl, &port);
	else if (!port)
		err = port_ephemeral(fams == NET_PORT_V6 ? v6 : v4,
				     net_random(), fl, &port);
	else if ((err = port_bind(fams & NET_PORT_V4 ? v4 : v6, port, fl)))
		;
	else if (fams == (NET_PORT_V4 | NET_PORT_V6) &&
		 (err = port_bind(v6, port, fl)))
		port_put(v4, port, fl);
	if (err)
		return err;
	tp->flags |= TF_PORT | (fl ? TF_PORT_REUSE : 0);
	tp->sk.port_fams = (uint8_t)fams;
	tp->sk.lport = port;
	tp->sk.bound = true;
	return 0;
}

int tcp_bind(struct net_stack *s, struct tcp_sock *tp, uint32_t addr,
	     uint16_t port)
{
	int err;

	if (tp->sk.bound || tp->state != TCP_CLOSED)
		return -EINVAL;
	if (addr && !ip_is_local(s, addr))
		return -EADDRNOTAVAIL;
	if ((err = take_port(s, tp, NET_PORT_V4, port)))
		return err;
	tp->sk.laddr = addr;
	return 0;
}

int tcp_bind6(struct net_stack *s, struct tcp_sock *tp,
	      const struct ip6_addr *addr, struct netif *scope, uint16_t port)
{
	struct net_sock *sk = &tp->sk;
	bool any = ip6_addr_is_unspecified(addr);
	unsigned fams = NET_PORT_V6;
	uint32_t v4;
	int err;

	if (sk->bound || tp->state != TCP_CLOSED ||
	    sk->family != NET_AF_INET6)
		return -EINVAL;
	if (net_addr6_v4mapped(addr, &v4)) {
		if (sk->flags & NET_SOCK_F_V6ONLY)
			return -EINVAL;
		/* An IPv4 address: the socket speaks IPv4 from now on. */
		sk->family = NET_AF_INET;
		if ((err = tcp_bind(s, tp, v4, port)))
			sk->family = NET_AF_INET6;
		return err;
	}
	if (net_addr6_needs_scope(addr) &&
	    ((scope && sk->bound_nif && scope != sk->bound_nif) ||
	     (!scope && !sk->bound_nif)))
		return -EINVAL;
	if (!any && (ip6_addr_is_multicast(addr) || !ip6_is_local(s, addr)))
		return -EADDRNOTAVAIL;
	/* [::] without V6ONLY takes IPv4 connections too (bindv6only 0). */
	if (any && !(sk->flags & NET_SOCK_F_V6ONLY))
		fams |= NET_PORT_V4;
	if ((err = take_port(s, tp, fams, port)))
		return err;
	sk->laddr6 = *addr;
	if (scope && net_addr6_needs_scope(addr))
		sk->bound_nif = scope;
	return 0;
}

int tcp_listen(struct net_stack *s, struct tcp_sock *tp, int backlog)
{
	int err;

	if (tp->state == TCP_LISTEN) {
		tp->backlog = (uint16_t)(backlog < 1 ? 1 : backlog);
		return 0;
	}
	if (tp->state != TCP_CLOSED || tp->sndbuf)
		return -EINVAL;
	if (!tp->sk.bound) {
		err = tp->sk.family == NET_AF_INET6 ?
		      tcp_bind6(s, tp, &ip6_addr_any, NULL, 0) :
		      tcp_bind(s, tp, 0, 0);
		if (err)
			return err;
	}
	tp->backlog = (uint16_t)(backlog < 1 ? 1 : backlog > 4096 ? 4096 :
				 backlog);
	tp->state = TCP_LISTEN;
	tcp_hash(s, tp);
	return 0;
}

struct tcp_sock *tcp_accept(struct net_stack *s, struct tcp_sock *tp,
			    void *user, int *err)
{
	struct tcp_sock *c = tp->aq_head;

	(void)s;
	if (tp->state != TCP_LISTEN) {
		*err = -EINVAL;
		return NULL;
	}
	if (!c) {
		*err = -EAGAIN;
		return NULL;
	}
	tp->aq_head = c->aq_next;
	if (!tp->aq_head)
		tp->aq_tail = NULL;
	tp->qlen--;
	c->aq_next = NULL;
	c->parent = NULL;
	c->flags &= ~TF_ACCEPTQ;
	c->sk.user = user;
	*err = 0;
	return c;
}

/* The port table an outgoing connection of a's family holds its port
 * in. */
static unsigned conn_fams(const struct tcp_addrs *a)
{
	return a->v6 ? NET_PORT_V6 : NET_PORT_V4;
}

/* tcp_tw_reuse: the oldest TIME_WAIT record of a to dport that may be
 * taken over, its port now tp's. Linux tries this port by port in
 * __inet_hash_connect(); here it is the fallback once the ephemeral
 * range is exhausted. */
static int reuse_time_wait(struct net_stack *s, struct tcp_sock *tp,
			   const struct tcp_addrs *a, uint16_t dport)
{
	struct tcp_addrs ta;

	for (struct tcp_tw *tw = s->tcp.twq_tw.head; tw; tw = tw->qnext) {
		tcp_tw_addrs(tw, &ta);
		if (!tcp_addrs_eq(&ta, a) || tw->rport != dport ||
		    !tcp_tw_reusable(s, tw))
			continue;
		if (tcp_port_get(s, conn_fams(a), tw->lport, 0))
			return -ENOMEM;
		tp->flags |= TF_PORT;
		tp->sk.port_fams = (uint8_t)conn_fams(a);
		tp->sk.lport = tw->lport;
		tp->sk.bound = true;
		tp->iss = tw->snd_nxt + 65535 + 2;
		s->mib.tcp.TWRecycled++;
		tcp_tw_kill(s, tw);
		return 0;
	}
	return -EADDRNOTAVAIL;
}

/* -EALREADY / -EISCONN unless tp may connect. */
static int connect_state(const struct tcp_sock *tp)
{
	if (tp->state == TCP_SYN_SENT)
		return -EALREADY;
	if (tp->state != TCP_CLOSED || tp->sndbuf)
		return -EISCONN;
	return 0;
}

/* Open the connection of addresses a (source chosen) to dport. */
static int connect_addrs(struct net_stack *s, struct tcp_sock *tp,
			 const struct tcp_addrs *a, uint16_t dport)
{
	struct tcp_secret *sec = &s->tcp.secret;
	struct tcp_tw *tw;
	int err;

	if (!tp->sk.bound) {
		uint16_t port;

		err = port_ephemeral(tcp_ports(s, conn_fams(a)),
				     tcp_port_offset(sec, a, dport), 0, &port);
		if (err == -EADDRNOTAVAIL)
			err = reuse_time_wait(s, tp, a, dport);
		else if (!err) {
			tp->flags |= TF_PORT;
			tp->sk.port_fams = (uint8_t)conn_fams(a);
			tp->sk.lport = port;
			tp->sk.bound = true;
		}
		if (err)
			return err;
	} else if (tcp_lookup(s, a, tp->sk.lport, dport)) {
		return -EADDRNOTAVAIL;
	} else if ((tw = tcp_tw_lookup(s, a, tp->sk.lport, dport))) {
		/* Our own earlier incarnation is in TIME_WAIT. */
		if (!tcp_tw_reusable(s, tw))
			return -EADDRNOTAVAIL;
		tp->iss = tw->snd_nxt + 65535 + 2;
		s->mib.tcp.TWRecycled++;
		tcp_tw_kill(s, tw);
	}
	if ((err = tcp_alloc_buffers(s, tp)))
		return err;
	tp->sk.laddr6 = a->laddr6;	/* the whole unions: either family */
	tp->sk.raddr6 = a->raddr6;
	tp->sk.rport = dport;
	if (!tp->iss)
		tp->iss = tcp_isn(sec, a, tp->sk.lport, dport, s->now * 1000);
	tcp_init_conn(s, tp);
	tp->state = TCP_SYN_SENT;
	tcp_hash(s, tp);
	s->mib.tcp.ActiveOpens++;
	tcp_send_syn(s, tp);
	return -EINPROGRESS;
}

int tcp_connect(struct net_stack *s, struct tcp_sock *tp, uint32_t dst,
		uint16_t dport)
{
	int err = connect_state(tp);

	if (err)
		return err;
	if (!dst)
		dst = INADDR_LOOPBACK_;
	struct tcp_addrs a = tcp_addrs4(tp->sk.laddr ? tp->sk.laddr :
					ip_route_source(s, dst), dst);

	if (!a.laddr)
		return -ENETUNREACH;
	return connect_addrs(s, tp, &a, dport);
}

int tcp_connect6(struct net_stack *s, struct tcp_sock *tp,
		 const struct ip6_addr *dst, struct netif *scope,
		 uint16_t dport)
{
	struct tcp_addrs a = { .v6 = true, .raddr6 = *dst };
	struct net_sock *sk = &tp->sk;
	struct netif *oif;
	uint32_t v4;
	int err = connect_state(tp);

	if (err)
		return err;
	if (net_addr6_v4mapped(dst, &v4)) {
		if ((err = net_sock_v4mapped_ok(sk)))
			return err;
		/* A v4-mapped peer: the connection speaks IPv4. */
		sk->family = NET_AF_INET;
		err = tcp_connect(s, tp, v4, dport);
		if (err != -EINPROGRESS)
			sk->family = NET_AF_INET6;
		return err;
	}
	if (sk->family != NET_AF_INET6)
		return -ENETUNREACH;	/* bound to an IPv4 address */
	if (ip6_addr_is_unspecified(&a.raddr6))
		a.raddr6 = ip6_addr_loopback;	/* Linux: :: means ::1 */
	if ((err = net_sock_oif6(sk, &a.raddr6, scope, &oif)) ||
	    (err = net_sock_source6(s, sk, &a.raddr6, oif, &a.laddr6)))
		return err;
	/* A link-local pair is scoped to its interface for good. */
	if (net_addr6_needs_scope(&a.raddr6) ||
	    net_addr6_needs_scope(&a.laddr6))
		sk->bound_nif = oif;
	return connect_addrs(s, tp, &a, dport);
}

int tcp_send(struct net_stack *s, struct tcp_sock *tp, const void *buf,
	     size_t len)
{
	if (tp->sk.so_error)
		return net_sock_take_error(&tp->sk);
	if (!tp->sndbuf)
		return -ENOTCONN;
	if ((tp->sk.shutdown & NET_SHUT_WR) || (tp->flags & TF_FIN_QUEUED) ||
	    tp->state == TCP_CLOSED)
		return -EPIPE;
	if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECEIVED)
		return -EAGAIN;
	uint32_t room = tp->snd_size - tp->snd_len;

	if (!room)
		return -EAGAIN;
	if (len > room)
		len = room;
	uint32_t i = (tp->snd_head + tp->snd_len) % tp->snd_size;
	uint32_t first = len < tp->snd_size - i ? (uint32_t)len :
						   tp->snd_size - i;

	memcpy(tp->sndbuf + i, buf, first);
	memcpy(tp->sndbuf, (const uint8_t *)buf + first, len - first);
	tp->snd_len += (uint32_t)len;
	tcp_output(s, tp);
	return (int)len;
}

int tcp_recv(struct net_stack *s, struct tcp_sock *tp, void *buf,
	     size_t len)
{
	if (!tp->rcv_len) {
		if (tp->sk.so_error)
			return net_sock_take_error(&tp->sk);
		if (!tp->rcvbuf && tp->state != TCP_CLOSED)
			return -ENOTCONN;
		if ((tp->flags & TF_RCVD_FIN) || tp->state == TCP_CLOSED ||
		    (tp->sk.shutdown & NET_SHUT_RD))
			return 0;
		return -EAGAIN;
	}
	uint32_t n = len < tp->rcv_len ? (uint32_t)len : tp->rcv_len;
	uint32_t i = tp->rcv_head;
	uint32_t first = n < tp->rcv_size - i ? n : tp->rcv_size - i;
	uint32_t before = tcp_rcv_window(tp);

	memcpy(buf, tp->rcvbuf + i, first);
	memcpy((uint8_t *)buf + first, tp->rcvbuf, n - first);
	tp->rcv_head = (i + n) % tp->rcv_size;
	tp->rcv_len -= n;
	/* Window update once it opened by two segments or half the ring
	 * (RFC 9293 3.8.6.2.2; Linux's __tcp_cleanup_rbuf). */
	uint32_t adv = seq_gt(tp->rcv_adv, tp->rcv_nxt) ?
		       tp->rcv_adv - tp->rcv_nxt : 0;
	uint32_t now = tcp_rcv_window(tp);

	if (tp->state >= TCP_ESTABLISHED && !(tp->flags & TF_RCVD_FIN) &&
	    now - adv >= 2u * tp->mss && (before < tp->rcv_size / 2 ||
					  adv < tp->rcv_size / 2)) {
		tp->flags |= TF_ACKNOW;
		tcp_output(s, tp);
	}
	return (int)n;
}

int tcp_shutdown(struct net_stack *s, struct tcp_sock *tp, unsigned how)
{
	if (tp->state == TCP_CLOSED || tp->state == TCP_LISTEN ||
	    tp->state == TCP_SYN_SENT)
		return -ENOTCONN;
	tp->sk.shutdown |= (uint8_t)how;
	if ((how & NET_SHUT_WR) && !(tp->flags & TF_FIN_QUEUED)) {
		tp->flags |= TF_FIN_QUEUED;
		/* RFC 9293 3.10.4: CLOSE queues a FIN after the data. */
		if (tp->state == TCP_ESTABLISHED ||
		    tp->state == TCP_SYN_RECEIVED)
			tcp_set_state(s, tp, TCP_FIN_WAIT_1);
		else if (tp->state == TCP_CLOSE_WAIT)
			tcp_set_state(s, tp, TCP_LAST_ACK);
		tcp_output(s, tp);
	}
	net_sock_notify(s, &tp->sk);
	return 0;
}

static void close_listener(struct net_stack *s, struct tcp_sock *l)
{
	/* Children not accepted are reset (Linux inet_csk_listen_stop). */
	for (int i = 0; i < TCP_EHASH_SIZE; i++) {
		struct tcp_sock *c = s->tcp.ehash[i];

		while (c) {
			struct tcp_sock *next = c->hnext;

			if (c->parent == l) {
				tcp_send_rst_for(s, c);
				tcp_done(s, c);
			}
			c = next;
		}
	}
	tcp_unhash(s, l);
	tcp_free(s, l);
}

/* Detach tp from its user: from now on the stack owns it. */
static void orphan(struct net_stack *s, struct tcp_sock *tp)
{
	tp->sk.user = NULL;
	tp->flags |= TF_ORPHAN;
	s->tcp.orphans++;
}

void tcp_abort(struct net_stack *s, struct tcp_sock *tp)
{
	orphan(s, tp);
	switch (tp->state) {
	case TCP_LISTEN:
		close_listener(s, tp);
		return;
	case TCP_CLOSED:
		tcp_free(s, tp);
		return;
	case TCP_SYN_SENT:
		break;
	default:
		/* Linux's tcp_disconnect(): RST from any synchronised
		 * state, whatever is queued. */
		s->mib.tcp.TCPAbortOnClose++;
		tcp_send_rst_for(s, tp);
		break;
	}
	tcp_done(s, tp);
}

void tcp_close(struct net_stack *s, struct tcp_sock *tp)
{
	switch (tp->state) {
	case TCP_LISTEN:
	case TCP_CLOSED:
	case TCP_SYN_SENT:
		tcp_abort(s, tp);	/* nothing to say to a peer */
		return;
	default:
		break;
	}
	orphan(s, tp);
	if (tp->rcv_len) {
		/* Unread data: abort (RFC 2525 2.17, as Linux does). */
		s->mib.tcp.TCPAbortOnData++;
		tcp_send_rst_for(s, tp);
		tcp_done(s, tp);
		return;
	}
	tcp_shutdown(s, tp, NET_SHUT_RD | NET_SHUT_WR);
	if (tp->state == TCP_FIN_WAIT_2) {
		/* Our FIN is acknowledged already: only the peer's is
		 * awaited, by a FIN_WAIT_2 record (Linux's tcp_close()),
		 * unless TCP_LINGER2 says reset. */
		if (tp->linger2 < 0) {
			s->mib.tcp.TCPAbortOnLinger++;
			tcp_send_rst_for(s, tp);
			tcp_done(s, tp);
			return;
		}
		tcp_time_wait(s, tp, TCP_FIN_WAIT_2, tcp_fin_wait2_ms(s, tp));
		return;
	}
	if (s->tcp.orphans > s->tcp.sysctl.max_orphans) {
		/* Over tcp_max_orphans (Linux's tcp_too_many_orphans()):
		 * every orphan that is closed or past its linger was reaped
		 * when it got there, so the newcomer is the one reset. */
		s->mib.tcp.TCPAbortOnMemory++;
		net_log("tcp: too many orphaned sockets");
		tcp_send_rst_for(s, tp);
		tcp_done(s, tp);
		return;
	}
	tp->t_keep = s->now + TCP_ORPHAN_LINGER;
	tcp_timer_update(s, tp);
}

bool tcp_closing(const struct tcp_sock *tp)
{
	return tp->state == TCP_FIN_WAIT_1 || tp->state == TCP_CLOSING ||
	       tp->state == TCP_LAST_ACK;
}

void tcp_set_keepalive(struct net_stack *s, struct tcp_sock *tp, bool on)
{
	if (!on) {
		tp->flags &= ~TF_KEEPALIVE;
		if (!(tp->flags & TF_ORPHAN)) {
			tp->t_keep = 0;
			tcp_timer_update(s, tp);
		}
		return;
	}
	if (tp->flags & TF_KEEPALIVE)
		return;
	tp->flags |= TF_KEEPALIVE;
	tcp_keepalive_arm(s, tp);
}

unsigned tcp_poll_events(struct net_stack *s, struct tcp_sock *tp)
{
	unsigned ev = 0;

	(void)s;
	if (tp->state == TCP_LISTEN)
		return tp->aq_head ? NET_EV_IN : 0;
	if (tp->sk.so_error)
		ev |= NET_EV_ERR | NET_EV_IN;
	if (tp->rcv_len || (tp->flags & TF_RCVD_FIN) ||
	    (tp->sk.shutdown & NET_SHUT_RD))
		ev |= NET_EV_IN;
	if ((tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT) &&
	    !(tp->flags & TF_FIN_QUEUED) && tp->snd_len < tp->snd_size)
		ev |= NET_EV_OUT;
	if (tp->state == TCP_CLOSED && tp->sndbuf)
		ev |= NET_EV_HUP | NET_EV_IN | NET_EV_OUT;
	return ev;
}

void tcp_set_nodelay(struct tcp_sock *tp, bool on)
{
	if (on)
		tp->flags |= TF_NODELAY;
	else
		tp->flags &= ~TF_NODELAY;
}

void tcp_set_linger2(struct tcp_sock *tp, int secs)
{
	if (secs < 0)
		tp->linger2 = -1;
	else if (secs > TCP_FIN_TIMEOUT_MAX / 1000)
		tp->linger2 = TCP_FIN_TIMEOUT_MAX;
	else
		tp->linger2 = secs * 1000;
}

uint32_t tcp_fin_wait2_ms(const struct net_stack *s,
			  const struct tcp_sock *tp)
{
	return tp->linger2 > 0 ? (uint32_t)tp->linger2
			       : s->tcp.sysctl.fin_timeout * 1000;
}

int tcp_get_linger2(const struct net_stack *s, const struct tcp_sock *tp)
{
	return tp->linger2 < 0 ? -1 : (int)(tcp_fin_wait2_ms(s, tp) / 1000);
}
