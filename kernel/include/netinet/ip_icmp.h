/*
 * ICMP message types for programs over raw or ping sockets (the BSD
 * <netinet/ip_icmp.h>; values from RFC 792).
 */
#ifndef _NETINET_IP_ICMP_H
#define _NETINET_IP_ICMP_H

#define ICMP_ECHOREPLY		0	/* echo reply */
#define ICMP_ECHO		8	/* echo request */

#endif
