/*
 * IPv4 address text conversions. Addresses are kept in network byte
 * order in a uint32_t, as struct in_addr keeps them.
 */
#ifndef KITE_INET_H
#define KITE_INET_H

#include <stdbool.h>
#include <stdint.h>

#define INET_ADDRSTRLEN 16

/* Strict dotted quad "A.B.C.D" (each 0-255, no leading garbage or
 * trailing text). Returns false on anything else. */
bool inet_parse(const char *s, uint32_t *addr);
/* Format into buf (INET_ADDRSTRLEN bytes); returns buf. */
const char *inet_format(uint32_t addr, char *buf);

#endif
