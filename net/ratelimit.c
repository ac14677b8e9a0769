/* The token bucket of ICMP and ICMPv6 errors (ratelimit.h). */
#include "net/ratelimit.h"

bool ratelimit_allow(uint64_t *at, unsigned *tokens, uint64_t now,
		     unsigned rate_ms, unsigned burst)
{
	if (!*at) {
		*tokens = burst;
		*at = now + 1;
	} else if (now + 1 > *at) {
		uint64_t add = (now + 1 - *at) / rate_ms;

		if (*tokens + add >= burst) {
			*tokens = burst;
			*at = now + 1;
		} else {
			*tokens += (unsigned)add;
			*at += add * rate_ms;
		}
	}
	if (!*tokens)
		return false;
	(*tokens)--;
	return true;
}
