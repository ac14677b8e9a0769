/*
 * The stack's whole view of the world outside net/.
 *
 * net/ is portable C that builds unchanged for the kernel and for host
 * tests. It never reads a clock (every entry point is given `now`, in
 * milliseconds), never sleeps and never locks: its caller serialises
 * every call into one stack (the kernel holds one mutex; see
 * kernel/net_glue.c). What it needs besides is here, implemented by
 * kernel/net_port.c in the firmware and tests/net/port_host.c on the host.
 */
#ifndef KITE_NET_PORT_H
#define KITE_NET_PORT_H

#include <stddef.h>
#include <stdint.h>

/* Memory. NULL when short: every caller handles it (drop and count). */
void *net_alloc(size_t size);
void net_free(void *p);

/* Unpredictable 32 bits (ISNs, ports, DHCP transaction ids). */
uint32_t net_random(void);

/* A diagnostic line (no trailing newline needed). */
void net_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
