/*
 * The network services Kite starts at boot (INTERFACE.md): echo (RFC 862)
 * on UDP 7, and, with TCP, echo, discard, chargen, HTTP and iperf3.
 */
#ifndef KITE_SERVICES_H
#define KITE_SERVICES_H

/* Start every service thread; after net_glue_start(). */
void services_start(void);

#endif
