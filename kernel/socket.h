/*
 * The kernel's side of socket descriptors (kernel/socket.c): what the
 * newlib syscall layer, the stack glue and /proc need of it, kept out of
 * the POSIX <sys/socket.h> that programs include. Each socket_fd_*
 * returns a result >= 0 or a negative errno.
 */
#ifndef KITE_SOCKET_H
#define KITE_SOCKET_H

#include <stddef.h>

#include "kernel/param.h"


struct stat;

/* For kernel/syscalls.c: descriptors from SOCKET_FD_BASE on. */
int socket_fd_read(int fd, void *buf, size_t len);
int socket_fd_write(int fd, const void *buf, size_t len);
int socket_fd_close(int fd);
int socket_fd_fstat(int fd, struct stat *st);
/* fcntl's F_GETFL/F_SETFL (O_NONBLOCK) and F_GETFD/F_SETFD. */
int socket_fd_fcntl(int fd, int cmd, int arg);

/* For kernel/net_glue.c: the stack notified this socket (its
 * net_sock->user); wake whoever waits on it. Called with the stack lock
 * held and interrupts masked. */
void socket_wake(void *user);

/* For /proc/net/sockstat's "sockets: used": descriptors of open sockets.
 * Called with the stack lock held (it guards each socket's net_sock). */
unsigned socket_count(void);
/* Descriptor slots taken, waiting accept()s included (file-nr). */
unsigned socket_fds_used(void);

#endif
