/*
 * ping, as iputils' ping does it on Linux. IPv4: an ICMP "ping socket"
 * (SOCK_DGRAM, IPPROTO_ICMP) sends echo requests and receives the
 * replies, IP_RECVTTL reports each reply's TTL. IPv6 (an address with
 * ':' or -6): until there are AF_INET6 sockets, echo requests go out
 * through icmp6_send_echo() and replies come back through the stack's
 * echo_reply hook (net/ip6.h), with the hop limit shown as ttl, as
 * iputils does. A link-local destination needs an interface
 * (fe80::1%eth0 or -I eth0); with a single NIC it is that one. Output
 * and options (-c count, -s size, -i interval, -W timeout) follow
 * iputils.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/net_glue.h"
#include "kernel/shell/shell.h"
#include "kernel/timer.h"
#include "kernel/wait.h"
#include "net/ip6.h"
#include "net/port.h"
#include "net/stack.h"

#define PING_MAX_SIZE	65507
#define PING6_MAX_SIZE	65527	/* 65535 - the ICMPv6 header */
#define PING6_RING	64	/* replies noted, not yet printed */

struct ping_stats {
	unsigned sent, received;
	uint64_t min_us, max_us, sum_us;
	uint64_t sum_sq;		/* of rtt in us^2, for mdev (iputils' tsum2) */
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

static void note_rtt(struct ping_stats *st, uint64_t rtt)
{
	st->received++;
	st->sum_us += rtt;
	st->sum_sq += rtt * rtt;
	if (st->received == 1 || rtt < st->min_us)
		st->min_us = rtt;
	if (rtt > st->max_us)
		st->max_us = rtt;
}

/* The payload of an echo request: the send time (when it fits), then
 * iputils' pattern. */
static void fill_payload(uint8_t *d, size_t size)
{
	uint64_t now = clock_now_us();

	for (size_t i = 0; i < size; i++)
		d[i] = (uint8_t)(i + 8);
	if (size >= sizeof(now))
		memcpy(d, &now, sizeof(now));
}

/* iputils' closing lines. */
static void print_summary(const char *host, const struct ping_stats *st,
			  uint64_t start)
{
	uint64_t elapsed = (clock_now_us() - start) / 1000;

	printf("\n--- %s ping statistics ---\n", host);
	printf("%u packets transmitted, %u received, %u%% packet loss, time %llums\n",
	       st->sent, st->received,
	       st->sent ? (st->sent - st->received) * 100 / st->sent : 0,
	       (unsigned long long)elapsed);
	if (st->received) {
		uint64_t avg = st->sum_us / st->received;
		uint64_t sq = st->sum_sq / st->received;
		uint64_t mdev = sq > avg * avg ? isqrt(sq - avg * avg) : 0;
		printf("rtt min/avg/max/mdev = ");
		print_ms(st->min_us);
		printf("/");
		print_ms(avg);
		printf("/");
		print_ms(st->max_us);
		printf("/");
		print_ms(mdev);
		printf(" ms\n");
	}
}

/*
 * A ping of either family, for the loop both share: send echo number
 * seq (0 or a negative errno), and print the replies that came in,
 * waiting for one until `until` (us) at the most.
 */
struct pinger {
	int (*send)(struct pinger *p, uint16_t seq);
	void (*take)(struct pinger *p, uint64_t until);
	struct ping_stats st;
	uint64_t *sent_at;		/* send times, for short payloads */
	size_t size;			/* payload bytes */
};

/* Take replies until `until` (us); false if Ctrl-C was typed. */
static bool ping_wait(struct pinger *p, uint64_t until,
		      bool stop_when_all_back)
{
	for (;;) {
		if (console_take_ctrl_c())
			return false;
		uint64_t now = clock_now_us();
		if (now >= until)
			return true;
		if (stop_when_all_back && p->st.received >= p->st.sent)
			return true;
		/* Short slices so Ctrl-C is noticed promptly. */
		p->take(p, now + (until - now < 100000 ? until - now : 100000));
	}
}

/* An echo request every interval, count of them (0: until Ctrl-C), then
 * up to linger for the last replies (iputils' -W). */
static void ping_loop(struct pinger *p, unsigned count, uint64_t interval,
		      uint64_t linger)
{
	bool go = true;

	while (go && (!count || p->st.sent < count)) {
		uint16_t seq = (uint16_t)(p->st.sent + 1);
		if (p->st.sent < 65536)
			p->sent_at[p->st.sent] = clock_now_us();
		int err = p->send(p, seq);
		if (err < 0)
			printf("ping: sendmsg: %s\n", strerror(-err));
		p->st.sent++;
		bool last = count && p->st.sent == count;
		uint64_t until = clock_now_us() + (last ? linger : interval);
		go = ping_wait(p, until, last);
	}
}

/* --- IPv4: a ping socket ---------------------------------------------- */

struct ping4_pinger {
	struct pinger p;
	int fd;
	struct sockaddr_in to;
	uint8_t *pkt;			/* 8 + size */
};

static int send_echo(int fd, const struct sockaddr_in *to, uint16_t seq,
		     uint8_t *pkt, size_t size)
{
	memset(pkt, 0, 8);
	pkt[0] = ICMP_ECHO;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	/* The send time rides in the payload, as iputils does, so the
	 * reply carries it back. */
	fill_payload(pkt + 8, size);
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
		if (n < 8 || buf[0] != ICMP_ECHOREPLY)
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
		note_rtt(st, rtt);
	}
}

static int ping4_send(struct pinger *p, uint16_t seq)
{
	struct ping4_pinger *q = (struct ping4_pinger *)p;

	return send_echo(q->fd, &q->to, seq, q->pkt, p->size) < 0 ? -errno : 0;
}

static void ping4_take(struct pinger *p, uint64_t until)
{
	struct ping4_pinger *q = (struct ping4_pinger *)p;
	uint64_t now = clock_now_us();
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };

	if (poll(&pfd, 1, (int)((until - now + 999) / 1000)) > 0)
		read_replies(q->fd, p->size, &p->st, p->sent_at, p->st.sent);
}

/* --- IPv6 ------------------------------------------------------------ */

/* The replies of the one IPv6 ping running: the echo_reply hook (on the
 * net-poll thread) notes them, the ping loop prints them. Everything
 * but `got` is guarded by the stack lock. */
struct ping6_reply {
	struct ip6_addr src;		/* dst, or any node of a group */
	uint16_t seq, len;
	uint8_t hlim;
	bool has_t0;
	int bad;			/* first wrong data byte, or -1 */
	uint8_t was;			/* and what it was */
	uint64_t t0, at;		/* sent, received (us) */
};

static struct {
	bool active;
	uint16_t id;
	size_t size;
	struct ip6_addr dst;
	struct ping6_reply ring[PING6_RING];
	unsigned head, tail;		/* noted at head, printed at tail */
	struct semaphore got;
} ping6;

/* hooks.echo_reply: stack lock held, must not call into the stack. */
static void ping6_echo_reply(void *arg, const struct ip6_addr *src,
			     uint16_t id, uint16_t seq, const uint8_t *data,
			     size_t len, uint8_t hlim)
{
	(void)arg;
	/* To a group (ff02::1%eth0), every member answers. */
	if (!ping6.active || id != ping6.id ||
	    (!ip6_addr_is_multicast(&ping6.dst) &&
	     !ip6_addr_eq(src, &ping6.dst)) ||
	    ping6.head - ping6.tail >= PING6_RING)
		return;
	unsigned slot = ping6.head % PING6_RING;
	ping6.ring[slot].src = *src;
	ping6.ring[slot].seq = seq;
	ping6.ring[slot].len = (uint16_t)(len > 0xffff ? 0xffff : len);
	ping6.ring[slot].hlim = hlim;
	ping6.ring[slot].at = clock_now_us();
	ping6.ring[slot].has_t0 = len >= sizeof(uint64_t) &&
				  ping6.size >= sizeof(uint64_t);
	if (ping6.ring[slot].has_t0)
		memcpy(&ping6.ring[slot].t0, data, sizeof(uint64_t));
	ping6.ring[slot].bad = -1;
	size_t from = ping6.size >= sizeof(uint64_t) ? sizeof(uint64_t) : 0;
	for (size_t i = from; i < len && i < ping6.size; i++)
		if (data[i] != (uint8_t)(i + 8)) {
			ping6.ring[slot].bad = (int)i;
			ping6.ring[slot].was = data[i];
			break;
		}
	ping6.head++;
	sem_post(&ping6.got);
}

/* Print the replies noted so far; a link-local source with its zone
 * (the interface's name), as iputils does. */
static void ping6_print_replies(const char *zone, struct ping_stats *st,
				const uint64_t *sent_at, unsigned nsent)
{
	char a[IP6_ADDRSTRLEN];

	for (;;) {
		net_glue_lock();
		bool any = ping6.tail != ping6.head;
		struct ping6_reply r;
		if (any)
			r = ping6.ring[ping6.tail++ % PING6_RING];
		net_glue_unlock();
		if (!any)
			return;
		uint64_t t0;
		if (r.has_t0)
			t0 = r.t0;
		else if (r.seq >= 1 && r.seq <= nsent)
			t0 = sent_at[r.seq - 1];
		else
			continue;
		uint64_t rtt = r.at > t0 ? r.at - t0 : 0;
		bool ll = zone && ip6_addr_is_linklocal(&r.src);
		printf("%u bytes from %s%s%s: icmp_seq=%u ttl=%u time=",
		       (unsigned)r.len + 8, ip6_addr_format(&r.src, a),
		       ll ? "%" : "", ll ? zone : "", r.seq, r.hlim);
		print_ms(rtt);
		printf(" ms\n");
		if (r.bad >= 0)
			printf("wrong data byte #%d should be 0x%x but was 0x%x\n",
			       r.bad + 8, (unsigned)(uint8_t)(r.bad + 8),
			       (unsigned)r.was);
		fflush(stdout);
		note_rtt(st, rtt);
	}
}

struct ping6_pinger {
	struct pinger p;
	struct net_stack *s;
	struct ip6_addr dst;
	struct netif *oif;		/* NULL: routing decides */
	uint8_t *pkt;			/* size */
};

static int ping6_send(struct pinger *p, uint16_t seq)
{
	struct ping6_pinger *q = (struct ping6_pinger *)p;

	fill_payload(q->pkt, p->size);
	net_glue_lock();
	uint64_t now = net_glue_now();
	if (now > q->s->now)
		q->s->now = now;
	int err = icmp6_send_echo(q->s, &q->dst, q->oif, ping6.id, seq,
				  q->pkt, p->size, 0);
	net_glue_unlock();
	/* Resolution or fragments may have set new deadlines. */
	net_glue_kick();
	return err < 0 ? err : 0;
}

static void ping6_take(struct pinger *p, uint64_t until)
{
	struct ping6_pinger *q = (struct ping6_pinger *)p;

	sem_wait(&ping6.got, until);
	ping6_print_replies(q->oif ? q->oif->name : NULL, &p->st, p->sent_at,
			    p->st.sent);
}

/* The interface for dst: the one named (-I or %SCOPE); else, for a
 * link-local or multicast destination, the only NIC if there is one;
 * else NULL (routing decides). Stack lock held. -ENODEV, -EINVAL. */
static int ping6_oif(struct net_stack *s, const struct ip6_addr *dst,
		     const char *name, struct netif **oif)
{
	*oif = NULL;
	if (name && *name) {
		*oif = net_netif_by_name(s, name);
		return *oif ? 0 : -ENODEV;
	}
	if (!ip6_addr_is_linklocal(dst) && !ip6_addr_is_multicast(dst))
		return 0;
	for (int i = 0; i < s->nnetifs; i++) {
		if (!s->netifs[i]->dev)
			continue;
		if (*oif)
			return -EINVAL;	/* several: the user must say */
		*oif = s->netifs[i];
	}
	return *oif ? 0 : -EINVAL;
}

static int ping6_run(const char *host, const char *ifname, unsigned count,
		     size_t size, uint64_t interval, uint64_t linger)
{
	struct net_stack *s = net_glue_stack();
	struct ip6_addr dst;
	struct netif *oif;
	char addr[IP6_ADDRSTRLEN], scope[NETDEV_NAME_LEN];
	char from[IP6_ADDRSTRLEN + NETDEV_NAME_LEN + 1];

	if (!cmdline_split_scope(host, addr, sizeof(addr), scope, sizeof(scope)) ||
	    !ip6_addr_parse(addr, &dst)) {
		struct in_addr v4;
		printf("ping: %s: %s\n", host,
		       inet_pton(AF_INET, host, &v4) == 1 ?
			       "Address family for hostname not supported" :
			       "Name or service not known");
		return 2;
	}
	if (size > PING6_MAX_SIZE) {
		printf("ping: invalid argument: '%u': out of range: 0 <= value <= %d\n",
		       (unsigned)size, PING6_MAX_SIZE);
		return 2;
	}
	if (*scope && ifname && strcmp(scope, ifname) != 0) {
		printf("ping: %s: scope discrepancy among the nodes\n", host);
		return 2;
	}
	net_glue_lock();
	int err = ping6_oif(s, &dst, *scope ? scope : ifname, &oif);
	bool busy = ping6.active;
	if (!err && !busy) {
		ping6.active = true;
		ping6.id = (uint16_t)net_random();
		ping6.size = size;
		ping6.dst = dst;
		ping6.head = ping6.tail = 0;
		sem_init(&ping6.got, 0);
	}
	net_glue_unlock();
	if (err == -ENODEV) {
		printf("ping: %s: No such device\n", *scope ? scope : ifname);
		return 2;
	}
	if (err) {
		/* iputils, for a link-local address without a scope. */
		printf("ping: connect: Invalid argument\n");
		return 2;
	}
	if (busy) {
		printf("ping: another IPv6 ping is running\n");
		return 2;
	}

	uint8_t *pkt = malloc(size ? size : 1);
	uint64_t *sent_at = calloc(count ? count : 65536, sizeof(*sent_at));
	if (!pkt || !sent_at) {
		printf("ping: out of memory\n");
		free(pkt);
		free(sent_at);
		net_glue_lock();
		ping6.active = false;
		net_glue_unlock();
		return 2;
	}
	/* A link-local peer is shown with its zone, as iputils does. */
	ip6_addr_format(&dst, addr);
	if (oif && (ip6_addr_is_linklocal(&dst) || ip6_addr_is_multicast(&dst)))
		snprintf(from, sizeof(from), "%s%%%s", addr, oif->name);
	else
		snprintf(from, sizeof(from), "%s", addr);
	/* With -I, iputils names the source and the device too. */
	struct ip6_addr src;
	char srcbuf[IP6_ADDRSTRLEN];
	net_glue_lock();
	bool have_src = ifname && oif &&
			ip6_route_source(s, &dst, oif, &src) == 0;
	net_glue_unlock();
	if (have_src)
		printf("PING %s(%s) from %s%s%s %s: %u data bytes\n", host, from,
		       ip6_addr_format(&src, srcbuf),
		       ip6_addr_is_linklocal(&src) ? "%" : "",
		       ip6_addr_is_linklocal(&src) ? oif->name : "", oif->name,
		       (unsigned)size);
	else
		printf("PING %s(%s) %u data bytes\n", host, from, (unsigned)size);
	fflush(stdout);

	struct ping6_pinger q = {
		.p = { .send = ping6_send, .take = ping6_take,
		       .sent_at = sent_at, .size = size },
		.s = s, .dst = dst, .oif = oif, .pkt = pkt,
	};
	uint64_t start = clock_now_us();
	ping_loop(&q.p, count, interval, linger);
	net_glue_lock();
	ping6.active = false;
	net_glue_unlock();
	print_summary(host, &q.p.st, start);
	free(pkt);
	free(sent_at);
	return q.p.st.received ? 0 : 1;
}

static int usage(void)
{
	printf("Usage: ping [-4|-6] [-c count] [-i interval] [-I interface] [-s packetsize] [-W timeout] destination\n");
	return 2;
}

static int cmd_ping(int argc, char **argv)
{
	unsigned count = 0;		/* 0: until Ctrl-C */
	size_t size = 56;
	uint64_t interval = 1000000, linger = 10000000;
	const char *host = NULL, *ifname = NULL;
	int family = 0;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (o[0] != '-') {
			host = o;
			continue;
		}
		if ((o[1] == '4' || o[1] == '6') && !o[2]) {
			family = o[1] - '0';
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
		case 'I':
			ifname = v;
			break;
		default:
			return usage();
		}
	}
	if (!host)
		return usage();
	if (family == 6 || (family == 0 && strchr(host, ':')))
		return ping6_run(host, ifname, count, size, interval, linger);
	struct sockaddr_in to = { .sin_family = AF_INET };
	if (inet_pton(AF_INET, host, &to.sin_addr) != 1) {
		printf("ping: %s: %s\n", host,
		       strchr(host, ':') ?
			       "Address family for hostname not supported" :
			       "Name or service not known");
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	if (fd < 0) {
		printf("ping: socket: %s\n", strerror(errno));
		return 2;
	}
	int on = 1;
	setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
	/* -I DEV: iputils binds the socket to the device. */
	if (ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
				 strlen(ifname) + 1) < 0) {
		printf("ping: SO_BINDTODEVICE %s: %s\n", ifname, strerror(errno));
		close(fd);
		return 2;
	}
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

	struct ping4_pinger q = {
		.p = { .send = ping4_send, .take = ping4_take,
		       .sent_at = sent_at, .size = size },
		.fd = fd, .to = to, .pkt = pkt,
	};
	uint64_t start = clock_now_us();
	ping_loop(&q.p, count, interval, linger);
	print_summary(host, &q.p.st, start);
	free(pkt);
	free(sent_at);
	close(fd);
	return q.p.st.received ? 0 : 1;
}

static const struct shell_cmd ping_cmd[] = {
	{ "ping", "ping [-4|-6] [-c N] [-s SIZE] [-i SEC] [-W SEC] [-I DEV] HOST",
	  "ICMP or ICMPv6 echo to a host (iputils)", cmd_ping },
};

void cmd_ping_init(void)
{
	sem_init(&ping6.got, 0);
	net_glue_lock();
	net_glue_stack()->ip6.hooks.echo_reply = ping6_echo_reply;
	net_glue_unlock();
	shell_register(ping_cmd, 1);
}
