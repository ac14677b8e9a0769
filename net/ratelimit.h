/*
 * A token bucket, as Linux's icmp_global_allow() keeps for ICMP and
 * ICMPv6 errors (icmp.c, icmp6.c, each with its own bucket): burst
 * tokens, one more every rate_ms, never more than burst.
 *
 * The state is two fields of the caller's: *at, the last refill time
 * plus one, so that a state fresh from memset (0) starts with a full
 * bucket whatever `now` is; and *tokens. Called with the stack
 * serialised.
 */
#ifndef KITE_NET_RATELIMIT_H
#define KITE_NET_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/* True, and one token spent, if there is one at now. */
bool ratelimit_allow(uint64_t *at, unsigned *tokens, uint64_t now,
		     unsigned rate_ms, unsigned burst);

#endif
