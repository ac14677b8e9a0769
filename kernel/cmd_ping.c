/*
 * ping, as iputils' ping does it on Linux: an ICMP "ping socket"
 * (SOCK_DGRAM, IPPROTO_ICMP) sends echo requests and receives the
 * replies, IP_RECVTTL reports each reply's TTL. Output and options
 * (-c count, -s size, -i interval, -W timeout) follow iputils.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/shell.h"
#include "kernel/timer.h"

#define PING_MAX_SIZE	65507
#define ICMP_ECHO_REQ	8
#define ICMP_ECHO_REP	0

struct ping_stats {
	unsigned sent, received;
	uint64_t min_us, max_us, sum_us;
	uint64_t sum_sq;		/* of rtt in units of 10 us, for mdev */
};

/* iputils prints 3 significant digits: 0.366, 12.3, 123. */
static void print_ms(uint64_t us)
{
	if (us >= 100000)
		printf("%llu", (unsigned long long)(us / 1000));
	else if (us >= 10000)
		printf("%llu.%01llu", (unsigned long long)(us / 1000),
		       (unsigned long long)(us % 1000 / 100));
	else if (us >= 1000)
		printf("%llu.%02llu", (unsigned long long)(us / 1000),
		       (unsigned long long)(us % 1000 / 10));
	else
		printf("0.%03llu", (unsigned long long)us);
}

static uint64_t isqrt(uint64_t v)
{
	uint64_t r = 0, bit = 1ULL << 62;

	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static uint16_t icmp_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int send_echo(int fd, const struct sockaddr_in *to, uint16_t seq,
		     uint8_t *pkt, size_t size)
{
	uint64_t now = clock_now_us();

	memset(pkt, 0, 8);
	pkt[0] = ICMP_ECHO_REQ;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	/* The send time rides in the payload, as iputils does, so the
	 * reply carries it back. The rest is iputils' pattern. */
	for (size_t i = 0; i < size; i++)
		pkt[8 + i] = (uint8_t)(i + 8);
	if (size >= sizeof(now))
		memcpy(pkt + 8, &now, sizeof(now));
	uint16_t c = icmp_checksum(pkt, 8 + size);
	pkt[2] = (uint8_t)(c >> 8);
	pkt[3] = (uint8_t)c;
	return (int)sendto(fd, pkt, 8 + size, 0, (const struct sockaddr *)to,
			   sizeof(*to));
}

/* Read every reply waiting; print each. */
static void read_replies(int fd, size_t size, struct ping_stats *st,
			 const uint64_t *sent_at, unsigned nsent)
{
	uint8_t buf[PING_MAX_SIZE + 8];
	char ctl[64];

	for (;;) {
		struct sockaddr_in from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl, .msg_controllen = sizeof(ctl),
		};
		ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (n < 0)
			return;
		uint64_t now = clock_now_us();
		if (n < 8 || buf[0] != ICMP_ECHO_REP)
			continue;
		uint16_t seq = (uint16_t)(buf[6] << 8 | buf[7]);
		int ttl = -1;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
		     c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL)
				memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
		uint64_t t0;
		if (size >= sizeof(t0) && (size_t)n >= 8 + sizeof(t0))
			memcpy(&t0, buf + 8, sizeof(t0));
		else if (seq >= 1 && seq <= nsent)
			t0 = sent_at[seq - 1];
		else
			continue;
		uint64_t rtt = now > t0 ? now - t0 : 0;
		char a[INET_ADDRSTRLEN];
		printf("%d bytes from %s: icmp_seq=%u ttl=%d time=", (int)n,
		       inet_ntop(AF_INET, &from.sin_addr, a, sizeof(a)), seq, ttl);
		print_ms(rtt);
		printf(" ms\n");
		fflush(stdout);
		st->received++;
		st->sum_us += rtt;
		st->sum_sq += (rtt / 10) * (rtt / 10);
		if (st->received == 1 || rtt < st->min_us)
			st->min_us = rtt;
		if (rtt > st->max_us)
			st->max_us = rtt;
	}
}

/* Wait until `until` (us) for a reply; false if Ctrl-C was typed. */
static bool wait_replies(int fd, uint64_t until, size_t size,
			 struct ping_stats *st, const uint64_t *sent_at,
			 unsigned nsent, bool stop_when_all_back)
{
	for (;;) {
		if (console_take_ctrl_c())
			return false;
		uint64_t now = clock_now_us();
		if (now >= until)
			return true;
		if (stop_when_all_back && st->received >= st->sent)
			return true;
		/* Short slices so Ctrl-C is noticed promptly. */
		uint64_t slice = until - now < 100000 ? until - now : 100000;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, (int)((slice + 999) / 1000)) > 0)
			read_replies(fd, size, st, sent_at, nsent);
	}
}

static int usage(void)
{
	printf("Usage: ping [-c count] [-i interval] [-s packetsize] [-W timeout] destination\n");
	return 2;
}

static int cmd_ping(int argc, char **argv)
{
	unsigned count = 0;		/* 0: until Ctrl-C */
	size_t size = 56;
	uint64_t interval = 1000000, linger = 10000000;
	const char *host = NULL;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (o[0] != '-') {
			host = o;
			continue;
		}
		if (o[2] || i + 1 >= argc)
			return usage();
		const char *v = argv[++i];
		char *end;
		switch (o[1]) {
		case 'c':
			count = (unsigned)strtoul(v, &end, 10);
			if (*end || !count) {
				printf("ping: invalid argument: '%s'\n", v);
				return 2;
			}
			break;
		case 's':
			size = strtoul(v, &end, 10);
			if (*end || size > PING_MAX_SIZE) {
				printf("ping: invalid argument: '%s': out of range: 0 <= value <= %d\n",
				       v, PING_MAX_SIZE);
				return 2;
			}
			break;
		case 'i':
			if (!cmdline_parse_seconds(v, 3600, &interval) || interval < 2000) {
				printf("ping: bad timing interval: %s\n", v);
				return 2;
			}
			break;
		case 'W':
			if (!cmdline_parse_seconds(v, 3600, &linger)) {
				printf("ping: bad linger time: %s\n", v);
				return 2;
			}
			break;
		default:
			return usage();
		}
	}
	if (!host)
		return usage();
	struct sockaddr_in to = { .sin_family = AF_INET };
	if (inet_pton(AF_INET, host, &to.sin_addr) != 1) {
		printf("ping: %s: Name or service not known\n", host);
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	if (fd < 0) {
		printf("ping: socket: %s\n", strerror(errno));
		return 2;
	}
	int on = 1;
	setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
	uint8_t *pkt = malloc(8 + size);
	uint64_t *sent_at = calloc(count ? count : 65536, sizeof(*sent_at));
	if (!pkt || !sent_at) {
		printf("ping: out of memory\n");
		free(pkt);
		free(sent_at);
		close(fd);
		return 2;
	}

	char a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &to.sin_addr, a, sizeof(a));
	printf("PING %s (%s) %u(%u) bytes of data.\n", host, a, (unsigned)size,
	       (unsigned)size + 28);
	fflush(stdout);

	struct ping_stats st = { 0 };
	uint64_t start = clock_now_us();
	bool go = true;
	while (go && (!count || st.sent < count)) {
		uint16_t seq = (uint16_t)(st.sent + 1);
		if (st.sent < 65536)
			sent_at[st.sent] = clock_now_us();
		if (send_echo(fd, &to, seq, pkt, size) < 0)
			printf("ping: sendmsg: %s\n", strerror(errno));
		st.sent++;
		bool last = count && st.sent == count;
		/* After the last: wait for the rest (iputils' linger). */
		uint64_t until = clock_now_us() + (last ? linger : interval);
		go = wait_replies(fd, until, size, &st, sent_at, st.sent, last);
	}
	uint64_t elapsed = (clock_now_us() - start) / 1000;

	printf("\n--- %s ping statistics ---\n", host);
	printf("%u packets transmitted, %u received, %u%% packet loss, time %llums\n",
	       st.sent, st.received,
	       st.sent ? (st.sent - st.received) * 100 / st.sent : 0,
	       (unsigned long long)elapsed);
	if (st.received) {
		uint64_t avg = st.sum_us / st.received;
		uint64_t mean10 = avg / 10;
		uint64_t sq = st.sum_sq / st.received;
		uint64_t mdev = (sq > mean10 * mean10 ? isqrt(sq - mean10 * mean10) : 0) * 10;
		printf("rtt min/avg/max/mdev = ");
		print_ms(st.min_us);
		printf("/");
		print_ms(avg);
		printf("/");
		print_ms(st.max_us);
		printf("/");
		print_ms(mdev);
		printf(" ms\n");
	}
	free(pkt);
	free(sent_at);
	close(fd);
	return st.received ? 0 : 1;
}

static const struct shell_cmd ping_cmd[] = {
	{ "ping", "ping [-c N] [-s SIZE] [-i SEC] [-W SEC] HOST",
	  "ICMP echo to a host (iputils)", cmd_ping },
};

void cmd_ping_init(void)
{
	shell_register(ping_cmd, 1);
}
