/*
 * Interface names and indexes (POSIX <net/if.h>), implemented in
 * kernel/socket.c over the stack's interfaces: what turns the "eth0" of
 * fe80::1%eth0 into a sin6_scope_id and back. (This is the C library's
 * header of that name; the stack's own headers are the top-level net/.)
 */
#ifndef _NET_IF_H
#define _NET_IF_H

#ifdef __cplusplus
extern "C" {
#endif

#define IF_NAMESIZE	16	/* a name and its NUL, as Linux */
#define IFNAMSIZ	IF_NAMESIZE

/* The index of the interface called name (lo is 1, as on Linux), or 0
 * with errno ENODEV. */
unsigned if_nametoindex(const char *name);
/* Its name into name (IF_NAMESIZE bytes): name, or NULL with errno
 * ENXIO for an index no interface has. */
char *if_indextoname(unsigned index, char *name);

#ifdef __cplusplus
}
#endif

#endif
