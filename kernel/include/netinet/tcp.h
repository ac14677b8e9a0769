/*
 * TCP socket options (POSIX <netinet/tcp.h>), for kernel/socket.c's
 * SOCK_STREAM sockets. Values are Linux's.
 */
#ifndef _NETINET_TCP_H
#define _NETINET_TCP_H

/* Level IPPROTO_TCP. */
#define TCP_NODELAY	1		/* int: send at once, no Nagle */
#define TCP_LINGER2	8		/* int: s an orphan waits in
					 * FIN_WAIT_2; 0: tcp_fin_timeout;
					 * < 0: reset instead */

#endif
