/*
 * IPv4 address text conversions. Inside the stack addresses are
 * uint32_t in host byte order (10.0.2.15 is 0x0a00020f).
 */
#ifndef KITE_INET_H
#define KITE_INET_H

#include <stdbool.h>
#include <stdint.h>

#define INET_ADDRSTRLEN 16

/* Strict dotted quad "A.B.C.D" (each 0-255, 1-3 digits, nothing
 * before or after). Returns false on anything else. */
bool inet_parse(const char *s, uint32_t *addr);
/* Format into buf (INET_ADDRSTRLEN bytes); returns buf. */
const char *inet_format(uint32_t addr, char *buf);
/* An address a host may have or talk to one to one: not in 0/8 or
 * 127/8, not multicast or class E (RFC 1122 3.2.1.3), which also rules
 * out the limited broadcast. */
bool inet_is_unicast_host(uint32_t addr);

#endif
