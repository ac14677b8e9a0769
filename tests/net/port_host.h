#ifndef KITE_TEST_PORT_HOST_H
#define KITE_TEST_PORT_HOST_H

#include <stdint.h>

extern char port_host_last_log[256];
extern int port_host_log_count;
extern long port_host_allocs;

void port_host_seed(uint64_t seed);

#endif
