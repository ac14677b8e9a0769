/*
 * poll(2) (POSIX <poll.h>), implemented in kernel/socket.c for socket
 * descriptors. The console descriptors (0-2) always report POLLOUT and
 * never POLLIN: read() on them blocks until input arrives.
 */
#ifndef _POLL_H
#define _POLL_H

#ifdef __cplusplus
extern "C" {
#endif

#define POLLIN		0x001
#define POLLPRI		0x002
#define POLLOUT		0x004
#define POLLERR		0x008	/* always reported, never asked for */
#define POLLHUP		0x010	/* likewise */
#define POLLNVAL	0x020	/* likewise: not an open descriptor */
#define POLLRDNORM	0x040
#define POLLRDBAND	0x080
#define POLLWRNORM	0x100
#define POLLWRBAND	0x200
#define POLLRDHUP	0x2000

typedef unsigned int nfds_t;

struct pollfd {
	int fd;			/* negative: ignored */
	short events;
	short revents;
};

/* The number of descriptors with revents != 0, 0 at the timeout (ms;
 * negative: none), or -1 with errno (EINVAL, ENOMEM). */
int poll(struct pollfd *fds, nfds_t nfds, int timeout);

#ifdef __cplusplus
}
#endif

#endif
