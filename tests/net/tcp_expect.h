/*
 * The values TCP tests expect, stated from their sources rather than
 * taken from net/tcp.h: a test must fail when the stack's constant
 * drifts from what Linux or the RFC says, not follow it.
 */
#ifndef KITE_TEST_TCP_EXPECT_H
#define KITE_TEST_TCP_EXPECT_H

/* 2*MSL as Linux fixes it: TCP_TIMEWAIT_LEN = 60*HZ (include/net/
 * tcp.h); RFC 9293 3.4.2 leaves MSL to the implementation. */
#define TIME_WAIT_MS		60000

/* An orphan's maximum life: the orphan pool's ORPHAN_MAX_LINGER, 60 s
 * (shared/reference, the orphan pool Kite reproduces). */
#define ORPHAN_LINGER_MS	60000

/* Challenge ACKs a second, stack-wide: the limit RFC 5961 section 7
 * asks for, at Linux's net.ipv4.tcp_challenge_ack_limit of 1000
 * (Linux 4.7 to 5.19). */
#define CHALLENGE_ACKS_PER_S	1000

/* At most one ACK for out-of-window segments per this many ms and
 * connection: net.ipv4.tcp_invalid_ratelimit, Linux's default HZ/2. */
#define INVALID_RATELIMIT_MS	500

#endif
