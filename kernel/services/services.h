/*
 * The network services Kite starts at boot (INTERFACE.md): echo (RFC 862)
 * on UDP 7, and, with TCP, echo, discard, chargen, HTTP and iperf3; each
 * over IPv4 and IPv6.
 */
#ifndef KITE_SERVICES_H
#define KITE_SERVICES_H

#include <stdint.h>

/* Start every service thread; after net_glue_start(). */
void services_start(void);

/* A blocking TCP listener of a service called name on port, at the
 * wildcard address of domain: 0.0.0.0 for AF_INET, [::] with
 * IPV6_V6ONLY for AF_INET6 (each service listens in both, on two
 * sockets), with SO_REUSEADDR and, unless bufsize is 0, SO_RCVBUF and
 * SO_SNDBUF of bufsize for its connections. The descriptor, or -1 with
 * the failure logged. */
int services_tcp_listen(const char *name, int domain, uint16_t port,
			int backlog, int bufsize);

#endif
