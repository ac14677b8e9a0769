/*
 * Address text conversions (POSIX <arpa/inet.h>), implemented in
 * kernel/socket.c over net/inet.c and net/ip6_addr.c: dotted quads
 * ("10.0.2.15") for AF_INET; for AF_INET6 any RFC 4291 2.2 form in
 * ("fd00:3::2", "::ffff:10.0.3.1"; no "%zone", as glibc) and RFC 5952
 * text out.
 */
#ifndef _ARPA_INET_H
#define _ARPA_INET_H

#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 on success, 0 for text that is not an address, -1 (errno
 * EAFNOSUPPORT) for another family. */
int inet_pton(int af, const char *src, void *dst);
/* dst, or NULL with errno ENOSPC (size too small) / EAFNOSUPPORT. */
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
/* Non-zero on success. */
int inet_aton(const char *cp, struct in_addr *inp);
/* Network order, or INADDR_NONE. */
in_addr_t inet_addr(const char *cp);
/* A static buffer, overwritten by the next call (any thread's). */
char *inet_ntoa(struct in_addr in);

#ifdef __cplusplus
}
#endif

#endif
