/*
 * BSD sockets (sys/socket.h, poll.h, arpa/inet.h) over the stack.
 *
 * A descriptor >= SOCKET_FD_BASE names a struct socket: the kernel's
 * half (blocking mode, timeouts, a wait queue, a reference count), whose
 * net_sock (the stack's half, net/sock.h) is reached only with the stack
 * lock held. Errors from the stack are negative errno values; the public
 * functions turn them into -1 + errno (per thread).
 *
 * Blocking without losing a wake-up. A call takes the stack lock, tries
 * its operation, and notes the socket's event count before unlocking.
 * If the operation would block, it sleeps on the socket's wait queue
 * until the count moves (or the SO_RCVTIMEO deadline passes), then
 * tries again. The count is moved by socket_wake(), which the stack glue
 * calls for every socket the stack notified, before it releases the
 * lock: so a change made after our attempt always moves the count after
 * we noted it. poll() does the same with one count and queue shared by
 * every socket (a thread sleeps on one queue at a time).
 *
 * Lifetime. The descriptor holds one reference, each call in progress
 * another. close() removes the descriptor, closes the net_sock under
 * the lock and wakes sleepers, who see it gone and fail with EBADF; the
 * last reference frees the struct socket. The descriptor table and the
 * counts are guarded by masking interrupts (one CPU; never held long).
 *
 * Streams. A SOCK_STREAM socket's net_sock is the head of a struct
 * tcp_sock (net/tcp.h) and every operation goes through tcp_*() with
 * the same try-note-sleep loop: accept waits for the listener's queue,
 * connect for SYN_SENT to end, send for ring space (a blocking send
 * queues everything, chunk by chunk), recv for data, FIN or reset.
 * close() calls tcp_close(): the connection becomes the stack's orphan
 * at once. With SO_LINGER {1, 0} it calls tcp_abort() (RST, all freed);
 * with {1, N} it first sends the FIN and waits, as Linux's tcp_close(),
 * until it is acknowledged or N seconds pass, then orphans what is left.
 * The net-poll thread is kicked after each call that may have sent or
 * armed a timer, so it recomputes its deadline.
 *
 * IPv6. An AF_INET6 socket's net_sock has family NET_AF_INET6 from
 * socket() on, and its sockaddr_in6 endpoints go to the stack's *6
 * calls (net_sock_bind6, tcp_bind6, tcp_connect6, ...) with the
 * interface its sin6_scope_id names. The stack may make it speak IPv4
 * (a v4-mapped address, or a dual-stack listener's IPv4 child): the
 * user still sees sockaddr_in6, v4-mapped (addr_out).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "arch/arch.h"
#include "kernel/net_glue.h"
#include "kernel/socket.h"
#include "kernel/timer.h"
#include "kernel/wait.h"
#include "net/netif.h"
#include "net/sock.h"
#include "net/stack.h"
#include "net/tcp.h"
#include "net/udp.h"

struct socket {
	int refs;			/* interrupts masked */
	int domain;			/* AF_INET or AF_INET6 */
	int type, protocol;		/* SOCK_DGRAM/STREAM, IPPROTO_* */
	struct net_sock *sk;		/* stack lock; NULL once closed */
	bool nonblock;			/* O_NONBLOCK */
	uint64_t rcvtimeo_us;		/* SO_RCVTIMEO; 0: none */
	uint64_t sndtimeo_us;		/* SO_SNDTIMEO (UDP never waits) */
	struct linger linger;		/* SO_LINGER (streams) */
	volatile unsigned long events;	/* moved by socket_wake() */
	struct wait_queue wq;
};

static struct socket *fd_table[SOCKET_FD_MAX];
/* Every wake, for poll(). */
static volatile unsigned long poll_events;
static struct wait_queue poll_wq = WAIT_QUEUE_INIT(poll_wq);

/* -1 + errno for a negative errno, else the value. */
static ssize_t ret(ssize_t r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* --- descriptors and references -------------------------------------------- */

static struct socket *sock_get(int fd, int *err)
{
	if (fd >= 0 && fd < SOCKET_FD_BASE) {
		*err = -ENOTSOCK;
		return NULL;
	}
	unsigned idx = (unsigned)fd - SOCKET_FD_BASE;
	if (fd < 0 || idx >= SOCKET_FD_MAX) {
		*err = -EBADF;
		return NULL;
	}
	unsigned long flags = arch_irq_save();
	struct socket *so = fd_table[idx];
	if (so)
		so->refs++;
	arch_irq_restore(flags);
	if (!so)
		*err = -EBADF;
	return so;
}

static void sock_put(struct socket *so)
{
	unsigned long flags = arch_irq_save();
	bool last = --so->refs == 0;
	arch_irq_restore(flags);
	if (last)
		free(so);
}

static bool sock_stream(const struct socket *so)
{
	return so->type == SOCK_STREAM;
}

/* A new socket's descriptor (SOCKET_FD_BASE + slot) or -EMFILE. */
static int fd_install(struct socket *so)
{
	int idx = -1;
	unsigned long irq = arch_irq_save();

	for (int i = 0; i < SOCKET_FD_MAX && idx < 0; i++)
		if (!fd_table[i])
			idx = i;
	if (idx >= 0)
		fd_table[idx] = so;
	arch_irq_restore(irq);
	return idx < 0 ? -EMFILE : SOCKET_FD_BASE + idx;
}

/* A slot reserved by an accept() still waiting holds a socket with no
 * net_sock yet: not counted. */
unsigned socket_count(void)
{
	unsigned n = 0;
	unsigned long irq = arch_irq_save();

	for (int i = 0; i < SOCKET_FD_MAX; i++)
		n += fd_table[i] && fd_table[i]->sk;
	arch_irq_restore(irq);
	return n;
}

/* Every descriptor slot taken, waiting accept()s included. */
unsigned socket_fds_used(void)
{
	unsigned n = 0;
	unsigned long irq = arch_irq_save();

	for (int i = 0; i < SOCKET_FD_MAX; i++)
		n += fd_table[i] != NULL;
	arch_irq_restore(irq);
	return n;
}

/* Empty the slot if it still holds so (it may have been closed, and even
 * reused, by another thread). True if it did. */
static bool fd_release_if(int fd, struct socket *so)
{
	unsigned idx = (unsigned)fd - SOCKET_FD_BASE;
	bool held;

	unsigned long irq = arch_irq_save();
	held = idx < SOCKET_FD_MAX && fd_table[idx] == so;
	if (held)
		fd_table[idx] = NULL;
	arch_irq_restore(irq);
	return held;
}

static bool fd_holds(int fd, struct socket *so)
{
	unsigned idx = (unsigned)fd - SOCKET_FD_BASE;

	unsigned long irq = arch_irq_save();
	bool held = idx < SOCKET_FD_MAX && fd_table[idx] == so;
	arch_irq_restore(irq);
	return held;
}

static struct socket *sock_alloc(int domain, int type, int protocol,
				 bool nonblock)
{
	struct socket *so = calloc(1, sizeof(*so));

	if (!so)
		return NULL;
	so->refs = 1;
	so->domain = domain;
	so->type = type;
	so->protocol = protocol;
	so->nonblock = nonblock;
	wait_queue_init(&so->wq);
	return so;
}

/* Close the stack's half; stack lock held. */
static void sk_close(struct net_stack *s, struct socket *so)
{
	if (sock_stream(so))
		tcp_close(s, tcp_sk(so->sk));
	else
		net_sock_close(s, so->sk);
	so->sk = NULL;
}

/* The stack, locked, with its clock brought up to date. */
static struct net_stack *stack_lock(void)
{
	net_glue_lock();
	struct net_stack *s = net_glue_stack();
	uint64_t now = net_glue_now();
	if (now > s->now)
		s->now = now;
	return s;
}

void socket_wake(void *user)
{
	struct socket *so = user;
	unsigned long flags = arch_irq_save();

	so->events++;
	poll_events++;
	wake_up_all(&so->wq);
	wake_up_all(&poll_wq);
	arch_irq_restore(flags);
}

/*
 * Run op(s, so->sk, arg) under the stack lock; while it answers -EAGAIN
 * and the call may block, sleep until the socket has news or the
 * deadline (timeo_us from now; 0: none) passes, and try again. A
 * socket closed meanwhile gives -EBADF. At the deadline: -EAGAIN, as
 * Linux does for SO_RCVTIMEO.
 */
typedef int (*sock_op)(struct net_stack *s, struct socket *so, void *arg);

static int sock_call(struct socket *so, sock_op op, void *arg, bool may_block,
		     uint64_t timeo_us)
{
	uint64_t deadline = WAIT_FOREVER;

	if (may_block && timeo_us)
		deadline = clock_now_us() + timeo_us;
	for (;;) {
		struct net_stack *s = stack_lock();
		int r = so->sk ? op(s, so, arg) : -EBADF;
		unsigned long seen = so->events;
		net_glue_unlock();
		if (r != -EAGAIN || !may_block)
			return r;

		int w = 0;
		unsigned long flags = arch_irq_save();
		while (so->events == seen && w == 0)
			w = wait_queue_sleep(&so->wq, deadline);
		bool moved = so->events != seen;
		arch_irq_restore(flags);
		if (w == -ETIMEDOUT)
			may_block = false;	/* one last look */
		else if (w < 0 && !moved)
			return w;		/* no timer to wait with */
	}
}

/* --- addresses ------------------------------------------------------------------ */

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

/*
 * An endpoint as a user names it, of either family: what addr_in()
 * reads from a sockaddr and addr_out() writes to one. An AF_INET6
 * socket always talks sockaddr_in6; an IPv4 endpoint of such a socket
 * (a v4 peer of a dual-stack socket) is shown as ::ffff:a.b.c.d, as
 * Linux does (RFC 3493 3.7).
 */
struct endpoint {
	int family;			/* AF_INET or AF_INET6 */
	uint32_t addr;			/* AF_INET: host order */
	struct ip6_addr addr6;		/* AF_INET6 */
	uint32_t scope_id;		/* AF_INET6: ifindex; 0 none */
	uint16_t port;
};

/* Linux takes a sockaddr_in6 without sin6_scope_id (RFC 2133's size). */
#define SIN6_LEN_RFC2133	24

/* The endpoint in a user's sockaddr, of the socket's domain. AF_UNSPEC
 * is taken as AF_INET where Linux does (unspec_ok). */
static int addr_in(const struct socket *so, const struct sockaddr *sa,
		   socklen_t len, bool unspec_ok, struct endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (so->domain == AF_INET6) {
		struct sockaddr_in6 sin6;

		if (len < SIN6_LEN_RFC2133)
			return -EINVAL;
		if (!sa)
			return -EFAULT;
		memset(&sin6, 0, sizeof(sin6));
		memcpy(&sin6, sa, len < sizeof(sin6) ? len : sizeof(sin6));
		if (sin6.sin6_family != AF_INET6)
			return -EAFNOSUPPORT;
		ep->family = AF_INET6;
		memcpy(ep->addr6.b, sin6.sin6_addr.s6_addr, 16);
		ep->scope_id = sin6.sin6_scope_id;
		ep->port = ntohs(sin6.sin6_port);
		return 0;
	}
	struct sockaddr_in sin;

	if (len < sizeof(sin))
		return -EINVAL;
	if (!sa)
		return -EFAULT;
	memcpy(&sin, sa, sizeof(sin));
	if (sin.sin_family != AF_INET &&
	    !(unspec_ok && sin.sin_family == AF_UNSPEC))
		return -EAFNOSUPPORT;
	ep->family = AF_INET;
	ep->addr = ntohl(sin.sin_addr.s_addr);
	ep->port = ntohs(sin.sin_port);
	return 0;
}

/* Give the user an endpoint in its socket's domain, truncated to *len;
 * *len becomes its size. */
static void addr_out(int domain, struct sockaddr *sa, socklen_t *len,
		     const struct endpoint *ep)
{
	if (!sa || !len)
		return;
	if (domain == AF_INET6) {
		struct sockaddr_in6 sin6;

		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(ep->port);
		if (ep->family == AF_INET6) {
			memcpy(sin6.sin6_addr.s6_addr, ep->addr6.b, 16);
			sin6.sin6_scope_id = ep->scope_id;
		} else if (ep->addr) {
			struct ip6_addr m;
			net_addr6_map_v4(&m, ep->addr);
			memcpy(sin6.sin6_addr.s6_addr, m.b, 16);
		}
		memcpy(sa, &sin6, *len < sizeof(sin6) ? *len : sizeof(sin6));
		*len = sizeof(sin6);
		return;
	}
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(ep->port);
	sin.sin_addr.s_addr = htonl(ep->addr);
	memcpy(sa, &sin, *len < sizeof(sin) ? *len : sizeof(sin));
	*len = sizeof(sin);
}

/* Does a take a sin6_scope_id (RFC 4007 6): link-local unicast, or
 * multicast of link scope or less? Linux's __ipv6_addr_needs_scope_id. */
static bool needs_scope(const struct ip6_addr *a)
{
	return ip6_addr_is_linklocal(a) ||
	       (ip6_addr_is_multicast(a) &&
		ip6_addr_scope(a) <= IP6_SCOPE_LINK);
}

/* An IPv6 address's sin6_scope_id: nif's index where a takes one, else
 * 0. */
static uint32_t scope_of(const struct ip6_addr *a, const struct netif *nif)
{
	return nif && needs_scope(a) ? (uint32_t)nif->ifindex : 0;
}

/* One end of sk (stack lock held). */
static void sk_endpoint(const struct net_sock *sk, bool peer,
			struct endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->port = peer ? sk->rport : sk->lport;
	if (sk->family == NET_AF_INET6) {
		ep->family = AF_INET6;
		ep->addr6 = peer ? sk->raddr6 : sk->laddr6;
		ep->scope_id = scope_of(&ep->addr6, sk->bound_nif);
	} else {
		ep->family = AF_INET;
		ep->addr = peer ? sk->raddr : sk->laddr;
	}
}

/* Where a datagram came from (net_sock_recv's info). */
static void info_endpoint(const struct net_recv_info *info,
			  struct endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->port = info->sport;
	if (info->family == NET_AF_INET6) {
		ep->family = AF_INET6;
		ep->addr6 = info->src6;
		ep->scope_id = scope_of(&info->src6, info->nif);
	} else {
		ep->family = AF_INET;
		ep->addr = info->src;
	}
}

/* The interface a sin6_scope_id names (0: none). Stack lock held.
 * -ENODEV for an index no interface has, as Linux. */
static int scope_nif(struct net_stack *s, uint32_t scope_id,
		     struct netif **nif)
{
	*nif = NULL;
	if (!scope_id)
		return 0;
	if (scope_id > (uint32_t)__INT_MAX__ ||
	    !(*nif = net_netif_by_index(s, (int)scope_id)))
		return -ENODEV;
	return 0;
}

/* The interface an AF_INET6 endpoint is scoped to (NULL: none). Only an
 * address that takes a scope has one: Linux ignores sin6_scope_id on
 * the others, in bind, connect and sendto alike. Stack lock held. */
static int ep_scope(struct net_stack *s, const struct endpoint *ep,
		    struct netif **nif)
{
	return scope_nif(s, needs_scope(&ep->addr6) ? ep->scope_id : 0, nif);
}

/* --- socket, bind, connect ----------------------------------------------------- */

int socket(int domain, int type, int protocol)
{
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	enum net_sock_type kind;

	type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (domain != AF_INET && domain != AF_INET6)
		return (int)ret(-EAFNOSUPPORT);
	if (domain == AF_INET6 && protocol == IPPROTO_ICMP)
		return (int)ret(-EPROTONOSUPPORT);
	if (type == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP)) {
		kind = NET_SOCK_UDP;
		protocol = IPPROTO_UDP;
	} else if (type == SOCK_DGRAM && protocol == IPPROTO_ICMP) {
		kind = NET_SOCK_PING;
	} else if (type == SOCK_STREAM &&
		   (protocol == 0 || protocol == IPPROTO_TCP)) {
		kind = NET_SOCK_TCP;
		protocol = IPPROTO_TCP;
	} else {
		return (int)ret(-EPROTONOSUPPORT);	/* no raw sockets */
	}

	struct socket *so = sock_alloc(domain, type, protocol,
				       flags & SOCK_NONBLOCK);
	if (!so)
		return (int)ret(-ENOMEM);

	struct net_stack *s = stack_lock();
	if (kind == NET_SOCK_TCP) {
		struct tcp_sock *tp = tcp_sock_create(s, so);
		so->sk = tp ? &tp->sk : NULL;
	} else {
		so->sk = net_sock_create(s, kind, so);
	}
	/* Before any other call: the stack reads it at bind and connect. */
	if (so->sk && domain == AF_INET6)
		so->sk->family = NET_AF_INET6;
	net_glue_unlock();
	if (!so->sk) {
		free(so);
		return (int)ret(-ENOMEM);
	}

	int fd = fd_install(so);
	if (fd < 0) {
		sk_close(stack_lock(), so);
		net_glue_unlock();
		free(so);
	}
	return (int)ret(fd);
}

/* bind(2) of ep, either family, stream or datagram. Stack lock held. */
static int sk_bind(struct net_stack *s, struct socket *so,
		   const struct endpoint *ep)
{
	struct netif *scope;
	int err;

	if (ep->family != AF_INET6)
		return sock_stream(so) ?
			       tcp_bind(s, tcp_sk(so->sk), ep->addr, ep->port) :
			       net_sock_bind(s, so->sk, ep->addr, ep->port);
	err = ep_scope(s, ep, &scope);
	if (err)
		return err;
	return sock_stream(so) ? tcp_bind6(s, tcp_sk(so->sk), &ep->addr6,
					   scope, ep->port) :
				 net_sock_bind6(s, so->sk, &ep->addr6, scope,
						ep->port);
}

int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	int err;
	struct socket *so = sock_get(fd, &err);
	struct endpoint ep;

	if (!so)
		return (int)ret(err);
	err = addr_in(so, sa, len, true, &ep);
	/* Linux takes AF_UNSPEC for AF_INET here only with INADDR_ANY. */
	if (!err && sa->sa_family == AF_UNSPEC && ep.addr != INADDR_ANY)
		err = -EAFNOSUPPORT;
	if (!err) {
		struct net_stack *s = stack_lock();
		err = so->sk ? sk_bind(s, so, &ep) : -EBADF;
		net_glue_unlock();
	}
	sock_put(so);
	return (int)ret(err);
}

/* SYN_SENT is over: 0 when synchronised, else the failure. */
static int connect_op(struct net_stack *s, struct socket *so, void *arg)
{
	struct tcp_sock *tp = tcp_sk(so->sk);

	(void)s;
	(void)arg;
	if (tp->state == TCP_SYN_SENT)
		return -EAGAIN;
	if (tp->sk.so_error)
		return net_sock_take_error(&tp->sk);
	if (tp->state == TCP_CLOSED)
		return -ECONNABORTED;	/* failed, error already taken */
	return 0;
}

static int stream_connect(struct socket *so, const struct sockaddr *sa,
			  socklen_t len)
{
	struct endpoint ep;
	int err = addr_in(so, sa, len, false, &ep);

	if (err)
		return err;
	struct net_stack *s = stack_lock();
	struct netif *scope = NULL;
	if (!so->sk)
		err = -EBADF;
	else if (ep.family != AF_INET6)
		err = tcp_connect(s, tcp_sk(so->sk), ep.addr, ep.port);
	else if (!(err = ep_scope(s, &ep, &scope)))
		err = tcp_connect6(s, tcp_sk(so->sk), &ep.addr6, scope,
				   ep.port);
	net_glue_unlock();
	net_glue_kick();		/* the SYN's retransmission timer */
	if (err != -EINPROGRESS || so->nonblock)
		return err;
	err = sock_call(so, connect_op, NULL, true, so->sndtimeo_us);
	/* SO_SNDTIMEO passed: still connecting, as Linux says. */
	return err == -EAGAIN ? -EINPROGRESS : err;
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	int err;
	struct socket *so = sock_get(fd, &err);
	struct endpoint ep = { 0 };
	bool unspec = false;

	if (!so)
		return (int)ret(err);
	if (sock_stream(so)) {
		err = stream_connect(so, sa, len);
		sock_put(so);
		return (int)ret(err);
	}
	if (len < sizeof(sa_family_t))
		err = -EINVAL;
	else if (!sa)
		err = -EFAULT;
	else if (sa->sa_family == AF_UNSPEC)
		unspec = true;		/* dissolve the association */
	else
		err = addr_in(so, sa, len, false, &ep);
	if (!err) {
		struct net_stack *s = stack_lock();
		struct netif *scope = NULL;
		if (!so->sk)
			err = -EBADF;
		else if (unspec)
			err = net_sock_disconnect(s, so->sk);
		else if (ep.family == AF_INET6 &&
			 !(err = ep_scope(s, &ep, &scope)))
			err = net_sock_connect6(s, so->sk, &ep.addr6, scope,
						ep.port);
		else if (!err)
			err = net_sock_connect(s, so->sk, ep.addr, ep.port);
		net_glue_unlock();
	}
	sock_put(so);
	return (int)ret(err);
}

int listen(int fd, int backlog)
{
	int err;
	struct socket *so = sock_get(fd, &err);

	if (!so)
		return (int)ret(err);
	if (!sock_stream(so)) {
		err = -EOPNOTSUPP;	/* datagram sockets do not listen */
	} else {
		struct net_stack *s = stack_lock();
		err = so->sk ? tcp_listen(s, tcp_sk(so->sk), backlog) : -EBADF;
		net_glue_unlock();
	}
	sock_put(so);
	return (int)ret(err);
}

struct accept_args {
	struct socket *child;		/* the new socket, its user */
	struct endpoint peer;
};

static int accept_op(struct net_stack *s, struct socket *so, void *arg)
{
	struct accept_args *a = arg;
	int err;
	struct tcp_sock *c = tcp_accept(s, tcp_sk(so->sk), a->child, &err);

	if (!c)
		return err;
	a->child->sk = &c->sk;
	sk_endpoint(&c->sk, true, &a->peer);
	return 0;
}

int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	int err;
	struct socket *so = sock_get(fd, &err);
	struct accept_args a = { 0 };

	if (!so)
		return (int)ret(err);
	if (!sock_stream(so)) {
		sock_put(so);
		return (int)ret(-EOPNOTSUPP);
	}
	/* The child's kernel half and its descriptor exist before it is
	 * taken off the queue: the stack never holds a connection without a
	 * user to wake, and with the table full (EMFILE) the connection
	 * stays queued for a later accept, as on Linux. Until then the slot
	 * holds a socket without a net_sock, which answers EBADF. This call
	 * holds a reference of its own: another thread may close that
	 * descriptor number before accept returns it. */
	a.child = sock_alloc(so->domain, SOCK_STREAM, IPPROTO_TCP, false);
	if (a.child)
		a.child->refs = 2;	/* before anyone else can see it */
	int nfd = a.child ? fd_install(a.child) : -ENOMEM;
	if (nfd < 0) {
		free(a.child);
		sock_put(so);
		return (int)ret(nfd);
	}
	err = sock_call(so, accept_op, &a, !so->nonblock, so->rcvtimeo_us);
	sock_put(so);
	if (err < 0) {
		if (fd_release_if(nfd, a.child))
			sock_put(a.child);	/* the descriptor's reference */
		sock_put(a.child);
		return (int)ret(err);
	}
	if (!fd_holds(nfd, a.child)) {
		/* Closed under us: the connection has no user any more. */
		struct net_stack *s = stack_lock();
		if (a.child->sk)
			sk_close(s, a.child);
		net_glue_unlock();
		sock_put(a.child);
		return (int)ret(-EBADF);
	}
	sock_put(a.child);
	addr_out(so->domain, sa, len, &a.peer);
	return nfd;
}

/* --- sending ---------------------------------------------------------------------- */

struct send_args {
	const uint8_t *buf;
	size_t len;
};

static int stream_send_op(struct net_stack *s, struct socket *so, void *arg)
{
	struct send_args *a = arg;

	return tcp_send(s, tcp_sk(so->sk), a->buf, a->len);
}

/* Queue all of buf, waiting for room while the socket blocks; a short
 * count only when a timeout or an error comes after some bytes went
 * (the error then shows again at the next call). */
static ssize_t stream_send(struct socket *so, const void *buf, size_t len,
			   int flags)
{
	bool block = !so->nonblock && !(flags & MSG_DONTWAIT);
	size_t done = 0;

	if (len > (size_t)__INT_MAX__)
		len = (size_t)__INT_MAX__;
	do {
		struct send_args a = { (const uint8_t *)buf + done, len - done };
		int r = sock_call(so, stream_send_op, &a, block,
				  so->sndtimeo_us);
		if (r < 0)
			return done ? (ssize_t)done : r;
		done += (size_t)r;
		net_glue_kick();	/* timers the segments armed */
	} while (done < len);
	return (ssize_t)done;
}

static ssize_t do_send(int fd, const void *buf, size_t len, int flags,
		       const struct sockaddr *sa, socklen_t salen)
{
	int err;
	struct socket *so = sock_get(fd, &err);
	struct endpoint ep = { 0 };

	if (!so)
		return err;
	if (sock_stream(so)) {
		/* A destination is ignored on a stream, as Linux does. */
		ssize_t r = flags & MSG_OOB ? -EOPNOTSUPP :
			    stream_send(so, buf, len, flags);
		sock_put(so);
		return r;
	}
	if (flags & MSG_OOB)
		err = -EOPNOTSUPP;
	else if (sa)
		err = addr_in(so, sa, salen, true, &ep);
	if (!err) {
		/* A datagram send never waits: it is routed and handed to
		 * the device or ARP at once, or fails. */
		struct net_stack *s = stack_lock();
		struct netif *scope = NULL;
		if (!so->sk)
			err = -EBADF;
		else if (sa && ep.family == AF_INET6 &&
			 !(err = ep_scope(s, &ep, &scope)))
			err = net_sock_sendto6(s, so->sk, buf, len, &ep.addr6,
					       scope, ep.port);
		else if (!err)
			err = net_sock_sendto(s, so->sk, buf, len, sa != NULL,
					      ep.addr, ep.port);
		net_glue_unlock();
		if (err >= 0)
			net_glue_kick();	/* loopback, ARP, backlog */
	}
	sock_put(so);
	return err;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *dst, socklen_t dstlen)
{
	return ret(do_send(fd, buf, len, flags, dst, dstlen));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return ret(do_send(fd, buf, len, flags, NULL, 0));
}

/* Gather an iovec into one buffer (malloc'd unless there is one piece). */
static ssize_t iov_total(const struct iovec *iov, int n)
{
	size_t total = 0;

	if (n < 0 || (n > 0 && !iov))
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		if (iov[i].iov_len > (size_t)__INT_MAX__ - total)
			return -EINVAL;
		total += iov[i].iov_len;
	}
	return (ssize_t)total;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ssize_t total = iov_total(msg->msg_iov, msg->msg_iovlen);

	if (total < 0)
		return ret(total);
	if (msg->msg_iovlen == 1)
		return ret(do_send(fd, msg->msg_iov[0].iov_base, (size_t)total,
				   flags, msg->msg_name, msg->msg_namelen));
	uint8_t *buf = malloc(total ? (size_t)total : 1);
	if (!buf)
		return ret(-ENOMEM);
	size_t off = 0;
	for (int i = 0; i < msg->msg_iovlen; i++) {
		memcpy(buf + off, msg->msg_iov[i].iov_base,
		       msg->msg_iov[i].iov_len);
		off += msg->msg_iov[i].iov_len;
	}
	ssize_t r = do_send(fd, buf, (size_t)total, flags, msg->msg_name,
			    msg->msg_namelen);
	free(buf);
	return ret(r);
}

/* --- receiving -------------------------------------------------------------------- */

struct recv_args {
	void *buf;
	size_t len;
	unsigned flags;			/* NET_MSG_* */
	struct net_recv_info info;
	bool recvttl;			/* IP_RECVTTL was set */
	int domain;			/* the socket's, for addr_out */
};

static int recv_op(struct net_stack *s, struct socket *so, void *arg)
{
	struct recv_args *a = arg;

	a->recvttl = so->sk->flags & NET_SOCK_F_RECVTTL;
	if (sock_stream(so))
		return tcp_recv(s, tcp_sk(so->sk), a->buf, a->len);
	return net_sock_recv(s, so->sk, a->buf, a->len, a->flags, &a->info);
}

/* Bytes from a stream: what is there (at least one byte, or 0 at end
 * of stream), or with MSG_WAITALL until len, end of stream, an error
 * or a timeout. */
static ssize_t stream_recv(struct socket *so, void *buf, size_t len,
			   int flags, struct recv_args *a)
{
	bool block = !so->nonblock && !(flags & MSG_DONTWAIT);
	size_t done = 0;

	if (flags & MSG_PEEK)
		return -EOPNOTSUPP;
	if (len > (size_t)__INT_MAX__)
		len = (size_t)__INT_MAX__;
	do {
		a->buf = (uint8_t *)buf + done;
		a->len = len - done;
		int r = sock_call(so, recv_op, a, block, so->rcvtimeo_us);
		if (r < 0)
			return done ? (ssize_t)done : r;
		if (r == 0)
			break;
		done += (size_t)r;
		net_glue_kick();	/* a window update may have gone */
	} while ((flags & MSG_WAITALL) && done < len);
	return (ssize_t)done;
}

/* One datagram into buf; its whole length (>= what was copied) or a
 * negative errno. */
static ssize_t do_recv(int fd, void *buf, size_t len, int flags,
		       struct recv_args *a)
{
	int err;
	struct socket *so = sock_get(fd, &err);

	if (!so)
		return err;
	memset(&a->info, 0, sizeof(a->info));
	a->recvttl = false;
	a->domain = so->domain;
	if (flags & MSG_OOB) {
		sock_put(so);
		return -EOPNOTSUPP;
	}
	if (sock_stream(so)) {
		ssize_t n = stream_recv(so, buf, len, flags, a);
		sock_put(so);
		return n;
	}
	a->buf = buf;
	a->len = len;
	a->flags = (flags & MSG_PEEK) ? NET_MSG_PEEK : 0;
	bool block = !so->nonblock && !(flags & MSG_DONTWAIT);
	int r = sock_call(so, recv_op, a, block, so->rcvtimeo_us);
	sock_put(so);
	return r;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *src, socklen_t *srclen)
{
	struct recv_args a;
	ssize_t n = do_recv(fd, buf, len, flags, &a);

	if (n < 0)
		return ret(n);
	if (a.info.has_addr) {
		struct endpoint ep;
		info_endpoint(&a.info, &ep);
		addr_out(a.domain, src, srclen, &ep);
	}
	/* MSG_TRUNC: the datagram's real length, as Linux. */
	return (flags & MSG_TRUNC) || (size_t)n <= len ? n : (ssize_t)len;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

/* The TTL as an IP_TTL control message, or MSG_CTRUNC without room. */
static void put_ttl_cmsg(struct msghdr *msg, int ttl)
{
	if (!msg->msg_control ||
	    msg->msg_controllen < CMSG_LEN(sizeof(int))) {
		msg->msg_flags |= MSG_CTRUNC;
		msg->msg_controllen = 0;
		return;
	}
	struct cmsghdr c = {
		.cmsg_len = CMSG_LEN(sizeof(int)),
		.cmsg_level = IPPROTO_IP,
		.cmsg_type = IP_TTL,
	};
	memcpy(msg->msg_control, &c, sizeof(c));
	memcpy(CMSG_DATA((struct cmsghdr *)msg->msg_control), &ttl,
	       sizeof(ttl));
	if (msg->msg_controllen > CMSG_SPACE(sizeof(int)))
		msg->msg_controllen = CMSG_SPACE(sizeof(int));
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	ssize_t total = iov_total(msg->msg_iov, msg->msg_iovlen);
	struct recv_args a;

	if (total < 0)
		return ret(total);
	uint8_t *buf = msg->msg_iovlen == 1 ? msg->msg_iov[0].iov_base :
		       malloc(total ? (size_t)total : 1);
	if (!buf)
		return ret(-ENOMEM);
	ssize_t n = do_recv(fd, buf, (size_t)total, flags, &a);
	if (n >= 0 && msg->msg_iovlen != 1) {
		size_t off = 0, copied = (size_t)n < (size_t)total ?
					(size_t)n : (size_t)total;
		for (int i = 0; i < msg->msg_iovlen && off < copied; i++) {
			size_t k = msg->msg_iov[i].iov_len;
			if (k > copied - off)
				k = copied - off;
			memcpy(msg->msg_iov[i].iov_base, buf + off, k);
			off += k;
		}
	}
	if (msg->msg_iovlen != 1)
		free(buf);
	if (n < 0)
		return ret(n);

	msg->msg_flags = 0;
	if (a.info.has_addr && msg->msg_name) {
		struct endpoint ep;
		info_endpoint(&a.info, &ep);
		addr_out(a.domain, msg->msg_name, &msg->msg_namelen, &ep);
	} else
		msg->msg_namelen = 0;
	if (a.recvttl && a.info.has_addr)
		put_ttl_cmsg(msg, a.info.ttl);
	else
		msg->msg_controllen = 0;
	if ((size_t)n > (size_t)total) {
		msg->msg_flags |= MSG_TRUNC;
		if (!(flags & MSG_TRUNC))
			n = total;
	}
	return n;
}

/* --- names, options, shutdown ----------------------------------------------------- */

/* getpeername on a stream: a peer once SYN_SENT is over and until the
 * connection is gone (Linux's inet_getname). Stack lock held. */
static bool stream_has_peer(const struct socket *so)
{
	const struct tcp_sock *tp = tcp_sk(so->sk);

	return tp->sk.rport && tp->state != TCP_CLOSED &&
	       tp->state != TCP_LISTEN && tp->state != TCP_SYN_SENT;
}

static int sock_name(int fd, struct sockaddr *sa, socklen_t *len, bool peer)
{
	int err;
	struct socket *so = sock_get(fd, &err);
	struct endpoint ep = { .family = AF_INET };

	if (!so)
		return err;
	int domain = so->domain;
	if (!len)
		err = -EFAULT;
	else {
		stack_lock();
		if (!so->sk) {
			err = -EBADF;
		} else if (peer) {
			if (sock_stream(so) ? !stream_has_peer(so) :
					      !so->sk->connected)
				err = -ENOTCONN;
			sk_endpoint(so->sk, true, &ep);
		} else {
			sk_endpoint(so->sk, false, &ep);
		}
		net_glue_unlock();
	}
	sock_put(so);
	if (err)
		return err;
	addr_out(domain, sa, len, &ep);
	return 0;
}

int getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	return (int)ret(sock_name(fd, sa, len, false));
}

int getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	return (int)ret(sock_name(fd, sa, len, true));
}

/* The stack option a (level, name) pair stands for on a socket of
 * domain, or -1. IPPROTO_IPV6 is an AF_INET6 socket's level only (Linux
 * answers ENOPROTOOPT on an AF_INET one); an AF_INET6 socket takes
 * IPPROTO_IP options too, for the IPv4 it may speak. */
static int net_opt(int domain, int level, int name)
{
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR: return NET_SO_REUSEADDR;
		case SO_BROADCAST: return NET_SO_BROADCAST;
		case SO_RCVBUF: return NET_SO_RCVBUF;
		case SO_SNDBUF: return NET_SO_SNDBUF;
		}
	} else if (level == IPPROTO_IP) {
		switch (name) {
		case IP_TTL: return NET_IP_TTL;
		case IP_RECVTTL: return NET_IP_RECVTTL;
		}
	} else if (level == IPPROTO_IPV6 && domain == AF_INET6) {
		switch (name) {
		case IPV6_V6ONLY: return NET_IPV6_V6ONLY;
		case IPV6_UNICAST_HOPS: return NET_IP_TTL;
		}
	}
	return -1;
}

static uint64_t timeval_us(const struct timeval *tv)
{
	if (tv->tv_sec < 0)
		return 1;		/* in the past: give up at once */
	return (uint64_t)tv->tv_sec * 1000000 + (uint64_t)tv->tv_usec;
}

static int set_opt(struct socket *so, int level, int name, const void *val,
		   socklen_t len)
{
	int opt = net_opt(so->domain, level, name);
	int err;

	if (opt >= 0) {
		int v;
		if (len < sizeof(int))
			return -EINVAL;
		memcpy(&v, val, sizeof(v));
		struct net_stack *s = stack_lock();
		err = so->sk ? net_sock_setopt(s, so->sk, opt, v) : -EBADF;
		net_glue_unlock();
		return err;
	}
	if (level == SOL_SOCKET &&
	    (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		struct timeval tv;
		if (len < sizeof(tv))
			return -EINVAL;
		memcpy(&tv, val, sizeof(tv));
		if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EDOM;
		uint64_t us = timeval_us(&tv);
		if (name == SO_RCVTIMEO)
			so->rcvtimeo_us = us;
		else
			so->sndtimeo_us = us;
		return 0;
	}
	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger l;
		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		if (!sock_stream(so))
			return 0;	/* Linux accepts it and ignores it */
		so->linger.l_onoff = l.l_onoff != 0;
		so->linger.l_linger = l.l_linger < 0 ? 0 : l.l_linger;
		return 0;
	}
	if (level == SOL_SOCKET && name == SO_KEEPALIVE) {
		int v;
		if (len < sizeof(int))
			return -EINVAL;
		memcpy(&v, val, sizeof(v));
		struct net_stack *s = stack_lock();
		err = so->sk ? 0 : -EBADF;
		/* Meaningless for datagrams; Linux takes it all the same. */
		if (so->sk && sock_stream(so))
			tcp_set_keepalive(s, tcp_sk(so->sk), v != 0);
		net_glue_unlock();
		if (!err)
			net_glue_kick();
		return err;
	}
	if (level == IPPROTO_TCP &&
	    (name == TCP_NODELAY || name == TCP_LINGER2)) {
		int v;
		if (len < sizeof(int))
			return -EINVAL;
		memcpy(&v, val, sizeof(v));
		stack_lock();
		err = 0;
		if (!so->sk)
			err = -EBADF;
		else if (!sock_stream(so))
			err = -EOPNOTSUPP;
		else if (name == TCP_NODELAY)
			tcp_set_nodelay(tcp_sk(so->sk), v != 0);
		else
			tcp_set_linger2(tcp_sk(so->sk), v);
		net_glue_unlock();
		if (!err && name == TCP_NODELAY && v)
			net_glue_kick();	/* what Nagle held may go */
		return err;
	}
	if (level == SOL_SOCKET && name == SO_BINDTODEVICE) {
		char ifname[IFNAMSIZ] = "";
		size_t n = len < IFNAMSIZ - 1 ? len : IFNAMSIZ - 1;
		if (n)
			memcpy(ifname, val, n);
		ifname[n] = 0;
		struct net_stack *s = stack_lock();
		struct netif *nif = ifname[0] ? net_netif_by_name(s, ifname) :
				    NULL;
		if (!so->sk)
			err = -EBADF;
		else if (ifname[0] && !nif)
			err = -ENODEV;
		else {
			net_sock_bind_netif(so->sk, nif);
			err = 0;
		}
		net_glue_unlock();
		return err;
	}
	return -ENOPROTOOPT;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	int err;
	struct socket *so = sock_get(fd, &err);

	if (!so)
		return (int)ret(err);
	err = val || len == 0 ? set_opt(so, level, name, val, len) : -EFAULT;
	sock_put(so);
	return (int)ret(err);
}

/* Copy an option's value out, truncated to *len as POSIX allows. */
static void opt_out(void *val, socklen_t *len, const void *v, size_t size)
{
	if (*len > size)
		*len = (socklen_t)size;
	memcpy(val, v, *len);
}

static int get_opt(struct socket *so, int level, int name, void *val,
		   socklen_t *len)
{
	int opt = net_opt(so->domain, level, name);
	int v = 0, err = 0;

	if (level == SOL_SOCKET &&
	    (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		uint64_t us = name == SO_RCVTIMEO ? so->rcvtimeo_us :
						    so->sndtimeo_us;
		struct timeval tv = {
			.tv_sec = (time_t)(us / 1000000),
			.tv_usec = (suseconds_t)(us % 1000000),
		};
		opt_out(val, len, &tv, sizeof(tv));
		return 0;
	}
	if (level == SOL_SOCKET && name == SO_LINGER) {
		opt_out(val, len, &so->linger, sizeof(so->linger));
		return 0;
	}
	if (level == SOL_SOCKET && name == SO_BINDTODEVICE) {
		char ifname[IFNAMSIZ] = "";
		stack_lock();
		if (so->sk && so->sk->bound_nif)
			strncpy(ifname, so->sk->bound_nif->name, IFNAMSIZ - 1);
		net_glue_unlock();
		size_t n = strlen(ifname);
		opt_out(val, len, ifname, n ? n + 1 : 0);
		return 0;
	}

	struct net_stack *s = stack_lock();
	if (!so->sk)
		err = -EBADF;
	else if (opt >= 0)
		err = net_sock_getopt(s, so->sk, opt, &v);
	else if (level == IPPROTO_TCP && name == TCP_NODELAY &&
		 sock_stream(so))
		v = (tcp_sk(so->sk)->flags & TF_NODELAY) != 0;
	else if (level == IPPROTO_TCP && name == TCP_LINGER2 &&
		 sock_stream(so))
		v = tcp_get_linger2(s, tcp_sk(so->sk));
	else if (level != SOL_SOCKET)
		err = -ENOPROTOOPT;
	else if (name == SO_ERROR)
		v = -net_sock_take_error(so->sk);
	else if (name == SO_TYPE)
		v = so->type;
	else if (name == SO_PROTOCOL)
		v = so->protocol;
	else if (name == SO_DOMAIN)
		v = so->domain;
	else if (name == SO_ACCEPTCONN)
		v = sock_stream(so) && tcp_sk(so->sk)->state == TCP_LISTEN;
	else if (name == SO_KEEPALIVE)
		v = sock_stream(so) &&
		    (tcp_sk(so->sk)->flags & TF_KEEPALIVE) != 0;
	else
		err = -ENOPROTOOPT;
	net_glue_unlock();
	if (!err)
		opt_out(val, len, &v, sizeof(v));
	return err;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	int err;
	struct socket *so = sock_get(fd, &err);

	if (!so)
		return (int)ret(err);
	err = val && len ? get_opt(so, level, name, val, len) : -EFAULT;
	sock_put(so);
	return (int)ret(err);
}

int shutdown(int fd, int how)
{
	static const unsigned dirs[] = {
		[SHUT_RD] = NET_SHUT_RD,
		[SHUT_WR] = NET_SHUT_WR,
		[SHUT_RDWR] = NET_SHUT_RD | NET_SHUT_WR,
	};
	int err;
	struct socket *so = sock_get(fd, &err);

	if (!so)
		return (int)ret(err);
	if (how < SHUT_RD || how > SHUT_RDWR) {
		err = -EINVAL;
	} else {
		/* Readers blocked on the socket wake (notified) and read
		 * end of stream. */
		struct net_stack *s = stack_lock();
		if (!so->sk)
			err = -EBADF;
		else if (sock_stream(so))
			err = tcp_shutdown(s, tcp_sk(so->sk), dirs[how]);
		else
			err = net_sock_shutdown(s, so->sk, dirs[how]);
		net_glue_unlock();
		net_glue_kick();	/* a FIN may be queued */
	}
	sock_put(so);
	return (int)ret(err);
}

/* --- poll ------------------------------------------------------------------------- */

/* revents of one descriptor; stack lock held, so a socket found in the
 * table cannot be freed before the lock is released. */
static short poll_one(struct net_stack *s, const struct pollfd *p)
{
	unsigned ev;

	if (p->fd < 0)
		return 0;
	if (p->fd < SOCKET_FD_BASE) {
		ev = POLLOUT;		/* the console: see poll.h */
	} else {
		unsigned idx = (unsigned)p->fd - SOCKET_FD_BASE;
		struct socket *so = idx < SOCKET_FD_MAX ? fd_table[idx] : NULL;
		if (!so || !so->sk)
			return POLLNVAL;
		/* NET_EV_* are POLL* */
		ev = sock_stream(so) ? tcp_poll_events(s, tcp_sk(so->sk)) :
				       net_sock_poll(s, so->sk);
	}
	if (ev & POLLIN)
		ev |= POLLRDNORM;
	if (ev & POLLOUT)
		ev |= POLLWRNORM;
	return (short)(ev & ((unsigned)(unsigned short)p->events | POLLERR |
			     POLLHUP | POLLNVAL));
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	uint64_t deadline = timeout < 0 ? WAIT_FOREVER :
			    clock_now_us() + (uint64_t)timeout * 1000;

	if (nfds && !fds)
		return (int)ret(-EFAULT);
	for (;;) {
		int ready = 0;
		struct net_stack *s = stack_lock();
		unsigned long seen = poll_events;
		for (nfds_t i = 0; i < nfds; i++) {
			fds[i].revents = poll_one(s, &fds[i]);
			ready += fds[i].revents != 0;
		}
		net_glue_unlock();
		if (ready || timeout == 0)
			return ready;

		int w = 0;
		unsigned long flags = arch_irq_save();
		while (poll_events == seen && w == 0)
			w = wait_queue_sleep(&poll_wq, deadline);
		arch_irq_restore(flags);
		if (w == -ETIMEDOUT)
			timeout = 0;		/* one last look */
		else if (w < 0)
			return (int)ret(w);
	}
}

/* --- the newlib syscall layer's hooks --------------------------------------------- */

int socket_fd_read(int fd, void *buf, size_t len)
{
	struct recv_args a;
	ssize_t n = do_recv(fd, buf, len, 0, &a);

	if (n < 0)
		return (int)n;
	return (int)((size_t)n < len ? (size_t)n : len);
}

int socket_fd_write(int fd, const void *buf, size_t len)
{
	return (int)do_send(fd, buf, len, 0, NULL, 0);
}

static int linger_op(struct net_stack *s, struct socket *so, void *arg)
{
	(void)s;
	(void)arg;
	return tcp_closing(tcp_sk(so->sk)) ? -EAGAIN : 0;
}

/* SO_LINGER's part of close(): {1, 0} aborts; {1, N} sends the FIN and
 * waits up to N s for its ACK (unread data skips this: close resets). */
static void linger_close(struct socket *so)
{
	if (!sock_stream(so) || !so->linger.l_onoff)
		return;
	struct net_stack *s = stack_lock();
	bool wait = false;
	if (so->sk && so->linger.l_linger <= 0) {
		tcp_abort(s, tcp_sk(so->sk));
		so->sk = NULL;
	} else if (so->sk && !tcp_sk(so->sk)->rcv_len &&
		   tcp_shutdown(s, tcp_sk(so->sk), NET_SHUT_WR) == 0) {
		wait = tcp_closing(tcp_sk(so->sk));
	}
	net_glue_unlock();
	net_glue_kick();
	if (wait)
		sock_call(so, linger_op, NULL, true,
			  (uint64_t)so->linger.l_linger * 1000000);
}

int socket_fd_close(int fd)
{
	unsigned idx = (unsigned)fd - SOCKET_FD_BASE;

	if (fd < SOCKET_FD_BASE || idx >= SOCKET_FD_MAX)
		return -EBADF;
	unsigned long flags = arch_irq_save();
	struct socket *so = fd_table[idx];
	fd_table[idx] = NULL;
	arch_irq_restore(flags);
	if (!so)
		return -EBADF;

	linger_close(so);
	struct net_stack *s = stack_lock();
	if (so->sk)
		sk_close(s, so);
	net_glue_unlock();
	net_glue_kick();	/* an orphan's FIN and timers */
	socket_wake(so);	/* sleepers on it fail with EBADF */
	sock_put(so);
	return 0;
}

int socket_fd_fstat(int fd, struct stat *st)
{
	int err;
	struct socket *so = sock_get(fd, &err);

	if (!so)
		return err;
	sock_put(so);
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFSOCK | 0777;
	return 0;
}

int socket_fd_fcntl(int fd, int cmd, int arg)
{
	int err = 0, r = 0;
	struct socket *so = sock_get(fd, &err);

	if (!so)
		return err;
	switch (cmd) {
	case F_GETFL:
		r = O_RDWR | (so->nonblock ? O_NONBLOCK : 0);
		break;
	case F_SETFL:
		so->nonblock = arg & O_NONBLOCK;
		break;
	case F_GETFD:
	case F_SETFD:
		break;			/* no exec, so no FD_CLOEXEC */
	default:
		err = -EINVAL;
	}
	sock_put(so);
	return err ? err : r;
}
