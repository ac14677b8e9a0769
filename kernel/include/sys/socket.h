/*
 * BSD sockets (POSIX <sys/socket.h>), which newlib does not have.
 * Implemented by kernel/socket.c on Kite's own stack (net/).
 *
 * Constants have Linux's values (the asm-generic ones that riscv64 and
 * arm64 use), so code and habits from Linux carry over. Errors are -1
 * with errno set, as POSIX says; errno is per thread. Descriptors share
 * newlib's number space with the console (0-2), so read(), write(),
 * close() and fcntl(F_GETFL/F_SETFL, O_NONBLOCK) work on sockets.
 *
 * Supported: AF_INET with SOCK_DGRAM (protocol 0 or IPPROTO_UDP), and
 * SOCK_DGRAM with IPPROTO_ICMP (ping sockets, as on Linux: send an ICMP
 * echo request, read echo replies, ICMP header included; with
 * IP_RECVTTL set, recvmsg() passes each reply's TTL as an IP_TTL
 * control message). SOCK_STREAM (protocol 0 or IPPROTO_TCP) is TCP:
 * listen/accept (the peer's address filled in), connect (blocking: 0 or
 * the failure, ECONNREFUSED, ETIMEDOUT; non-blocking: EINPROGRESS, then
 * POLLOUT with the outcome in SO_ERROR), send (a blocking send waits for
 * room until everything is queued; it returns a short count only when
 * interrupted by a timeout or an error after some bytes went; EPIPE
 * after shutdown or reset, never a signal), recv (0 at end of stream,
 * ECONNRESET; MSG_WAITALL; MSG_PEEK is not offered on streams),
 * shutdown, and close(), which hands the connection to the stack to
 * finish (FIN, TIME_WAIT) while the descriptor is gone at once; unread
 * data makes close() reset instead, as on Linux. SO_LINGER {1, 0}
 * makes close() reset and free everything at once; {1, N} makes it
 * block until the FIN is acknowledged or N seconds pass. SO_KEEPALIVE
 * probes an idle connection (sysctl net.ipv4.tcp_keepalive_*). TCP_NODELAY
 * is in <netinet/tcp.h>; SO_REUSEADDR is honoured by bind (also past
 * connections in TIME_WAIT, never past a listener). Blocking calls
 * honour O_NONBLOCK, MSG_DONTWAIT, SO_RCVTIMEO (receive, accept) and
 * SO_SNDTIMEO (send, connect: EINPROGRESS when it passes, as Linux);
 * close() from another thread wakes a blocked call, which then fails
 * with EBADF.
 *
 * AF_INET6 (RFC 3493) takes the same SOCK_DGRAM (UDP) and SOCK_STREAM
 * (TCP) sockets with struct sockaddr_in6, whose sin6_scope_id (an
 * if_nametoindex() value, <net/if.h>) names the interface of a
 * link-local address. Without IPV6_V6ONLY (set before bind) a socket
 * bound to [::] also takes IPv4 peers, and a v4-mapped address
 * (::ffff:a.b.c.d) given to bind or connect makes it speak IPv4; either
 * way its addresses are shown v4-mapped, as on Linux.
 * IPV6_UNICAST_HOPS is the hop limit of what it sends.
 */
#ifndef _SYS_SOCKET_H
#define _SYS_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t socklen_t;
typedef unsigned short sa_family_t;

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

/* Large and aligned enough for any address Kite speaks. */
struct sockaddr_storage {
	sa_family_t ss_family;
	char __ss_padding[128 - sizeof(sa_family_t) - sizeof(unsigned long)];
	unsigned long __ss_align;
};

#ifndef _KITE_IOVEC_DEFINED
#define _KITE_IOVEC_DEFINED
struct iovec {
	void *iov_base;
	size_t iov_len;
};
#endif

struct msghdr {
	void *msg_name;			/* optional address */
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	int msg_iovlen;
	void *msg_control;		/* ancillary data */
	socklen_t msg_controllen;
	int msg_flags;			/* MSG_TRUNC, MSG_CTRUNC on return */
};

struct cmsghdr {
	socklen_t cmsg_len;		/* header and data */
	int cmsg_level;
	int cmsg_type;
};

#define CMSG_ALIGN(len) \
	(((len) + sizeof(long) - 1) & ~(sizeof(long) - 1))
#define CMSG_DATA(c) ((unsigned char *)(c) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_SPACE(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + CMSG_ALIGN(len))
#define CMSG_LEN(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_FIRSTHDR(m)                                                  \
	((m)->msg_controllen >= sizeof(struct cmsghdr) ?                  \
		 (struct cmsghdr *)(m)->msg_control : (struct cmsghdr *)0)
#define CMSG_NXTHDR(m, c) __kite_cmsg_nxthdr((m), (c))

static inline struct cmsghdr *__kite_cmsg_nxthdr(struct msghdr *m,
						 struct cmsghdr *c)
{
	unsigned char *next = (unsigned char *)c + CMSG_ALIGN(c->cmsg_len);
	unsigned char *end = (unsigned char *)m->msg_control +
			     m->msg_controllen;

	if (c->cmsg_len < sizeof(struct cmsghdr) ||
	    next + sizeof(struct cmsghdr) > end)
		return (struct cmsghdr *)0;
	return (struct cmsghdr *)next;
}

struct linger {
	int l_onoff;
	int l_linger;			/* seconds */
};

#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_RAW	3
#define SOCK_NONBLOCK	00004000	/* or'ed into socket()'s type */
#define SOCK_CLOEXEC	02000000	/* accepted, meaningless here */

#define AF_UNSPEC	0
#define AF_INET		2
#define AF_INET6	10
#define PF_UNSPEC	AF_UNSPEC
#define PF_INET		AF_INET
#define PF_INET6	AF_INET6

#define SOL_SOCKET	1
#define SO_DEBUG	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_DONTROUTE	5
#define SO_BROADCAST	6
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_OOBINLINE	10
#define SO_LINGER	13
#define SO_REUSEPORT	15
#define SO_RCVLOWAT	18
#define SO_SNDLOWAT	19
#define SO_RCVTIMEO	20		/* struct timeval */
#define SO_SNDTIMEO	21		/* struct timeval */
#define SO_BINDTODEVICE	25		/* interface name, "" for none */
#define SO_ACCEPTCONN	30
#define SO_PROTOCOL	38
#define SO_DOMAIN	39

#define MSG_OOB		0x01
#define MSG_PEEK	0x02
#define MSG_DONTROUTE	0x04
#define MSG_CTRUNC	0x08
#define MSG_TRUNC	0x20
#define MSG_DONTWAIT	0x40
#define MSG_EOR		0x80
#define MSG_WAITALL	0x100
#define MSG_NOSIGNAL	0x4000

#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2

#define SOMAXCONN	4096

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *dst, socklen_t dstlen);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *src, socklen_t *srclen);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int shutdown(int fd, int how);

#ifdef __cplusplus
}
#endif

#endif
