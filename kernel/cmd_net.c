/*
 * Network shell commands that work below the IP stack: `ip link`,
 * `arping`, and /proc/net/dev. Output follows iproute2, iputils and
 * Linux's procfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/netpoll.h"
#include "kernel/proc.h"
#include "kernel/shell.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/wait.h"
#include "net/inet.h"
#include "net/netdev.h"

#define ETH_P_ARP	0x0806
#define ETH_ZLEN	60	/* shortest frame without FCS */

/* --- ip link ------------------------------------------------------------- */

static void print_link(struct netdev *dev)
{
	char mac[18];
	bool up = dev->ops->link_up(dev);

	printf("%d: %s: <BROADCAST,MULTICAST,UP%s> mtu %u qdisc noqueue state %s mode DEFAULT group default qlen 1000\n",
	       dev->ifindex, dev->name, up ? ",LOWER_UP" : "", dev->mtu,
	       up ? "UP" : "DOWN");
	printf("    link/ether %s brd ff:ff:ff:ff:ff:ff\n",
	       netdev_format_mac(dev->mac, mac));
}

static int ip_link(int argc, char **argv)
{
	const char *only = NULL;

	/* ip link [show [dev] NAME] */
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "show") == 0 || strcmp(argv[i], "dev") == 0)
			continue;
		only = argv[i];
	}
	if (only && !netdev_by_name(only)) {
		printf("Device \"%s\" does not exist.\n", only);
		return 1;
	}
	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);
		if (!only || strcmp(only, dev->name) == 0)
			print_link(dev);
	}
	return 0;
}

static int cmd_ip(int argc, char **argv)
{
	if (argc < 2) {
		printf("Usage: ip OBJECT { COMMAND | help }\n"
		       "where  OBJECT := { link }\n");
		return 1;
	}
	if (strncmp(argv[1], "link", strlen(argv[1])) == 0)
		return ip_link(argc - 2, argv + 2);
	printf("Object \"%s\" is unknown, try \"ip help\".\n", argv[1]);
	return 1;
}

/* --- arping ---------------------------------------------------------------- */

static struct {
	uint32_t target;		/* network order */
	volatile bool got;
	uint8_t mac[ETH_ALEN];
	uint64_t at_us;
	struct semaphore reply;
} arping;

static uint32_t load32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* On the poll thread: an ARP frame arrived. */
static void arping_rx(struct netdev *dev, const uint8_t *f, size_t len,
		      void *arg)
{
	(void)dev;
	(void)arg;
	/* RFC 826: Ethernet/IPv4 reply (op 2) from the target. */
	if (len < ETH_HLEN + 28 || f[14] != 0 || f[15] != 1 || f[16] != 8 ||
	    f[17] != 0 || f[18] != 6 || f[19] != 4 || f[20] != 0 || f[21] != 2)
		return;
	if (load32(f + 28) != arping.target || arping.got)
		return;
	memcpy(arping.mac, f + 22, ETH_ALEN);
	arping.at_us = clock_now_us();
	arping.got = true;
	sem_post(&arping.reply);
}

static void build_request(uint8_t *f, const struct netdev *dev, uint32_t src,
			  uint32_t dst)
{
	memset(f, 0, ETH_ZLEN);
	memset(f, 0xff, ETH_ALEN);			/* broadcast */
	memcpy(f + 6, dev->mac, ETH_ALEN);
	f[12] = ETH_P_ARP >> 8;
	f[13] = ETH_P_ARP & 0xff;
	const uint8_t hdr[8] = { 0, 1, 8, 0, 6, 4, 0, 1 }; /* Ether, IPv4, request */
	memcpy(f + 14, hdr, sizeof(hdr));
	memcpy(f + 22, dev->mac, ETH_ALEN);		/* sender MAC */
	memcpy(f + 28, &src, 4);			/* sender IP */
	memcpy(f + 38, &dst, 4);			/* target IP (THA is 0) */
}

/* Seconds with an optional fraction, to microseconds; false if bad. */
static bool parse_seconds(const char *s, uint64_t *us)
{
	char *end;
	unsigned long whole = strtoul(s, &end, 10);
	uint64_t frac = 0, scale = 100000;

	if (end == s && *end != '.')
		return false;
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
			frac += (uint64_t)(*end - '0') * scale;
	if (*end || whole > 3600)
		return false;
	*us = (uint64_t)whole * 1000000 + frac;
	return true;
}

static int arping_usage(void)
{
	printf("Usage: arping [-c count] [-i interval] [-s source] [-I device] destination\n");
	return 2;
}

static int cmd_arping(int argc, char **argv)
{
	int count = 3, sent = 0, received = 0;
	uint64_t interval = 1000000;
	uint32_t src = 0, dst;
	struct netdev *dev = netdev_get(0);
	const char *host = NULL;

	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (opt[0] != '-') {
			host = opt;
			continue;
		}
		if (i + 1 >= argc || opt[2])
			return arping_usage();
		const char *val = argv[++i];
		switch (opt[1]) {
		case 'c':
			count = atoi(val);
			if (count <= 0)
				return arping_usage();
			break;
		case 'i':
			if (!parse_seconds(val, &interval) || !interval)
				return arping_usage();
			break;
		case 's':
			if (!inet_parse(val, &src))
				return arping_usage();
			break;
		case 'I':
			dev = netdev_by_name(val);
			if (!dev) {
				printf("arping: Device %s not available.\n", val);
				return 2;
			}
			break;
		default:
			return arping_usage();
		}
	}
	if (!host)
		return arping_usage();
	if (!inet_parse(host, &dst)) {
		printf("arping: %s: Name or service not known\n", host);
		return 2;
	}
	if (!dev) {
		printf("arping: no network device\n");
		return 2;
	}

	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	printf("ARPING %s from %s %s\n", inet_format(dst, a),
	       inet_format(src, b), dev->name);
	fflush(stdout);
	arping.target = dst;
	sem_init(&arping.reply, 0);
	netpoll_set_tap(ETH_P_ARP, arping_rx, NULL);

	uint8_t frame[ETH_ZLEN];
	build_request(frame, dev, src, dst);
	for (int i = 0; i < count; i++) {
		uint64_t start = clock_now_us();
		arping.got = false;
		if (netpoll_send(dev, frame, sizeof(frame)) < 0)
			printf("arping: send failed, no buffer space\n");
		else
			sent++;
		/* Wait for the reply for up to one interval. */
		if (sem_wait(&arping.reply, start + interval) == 0 && arping.got) {
			uint64_t rtt = arping.at_us - start;
			const uint8_t *m = arping.mac;
			printf("Unicast reply from %s [%02X:%02X:%02X:%02X:%02X:%02X]  %llu.%03llums\n",
			       inet_format(dst, a), m[0], m[1], m[2], m[3],
			       m[4], m[5], (unsigned long long)(rtt / 1000),
			       (unsigned long long)(rtt % 1000));
			fflush(stdout);
			received++;
		}
		uint64_t next = start + interval, now = clock_now_us();
		if (i + 1 < count && now < next)
			thread_sleep_us(next - now);
	}
	netpoll_set_tap(ETH_P_ARP, NULL, NULL);
	printf("Sent %d probes (%d broadcast(s))\n", sent, sent);
	printf("Received %d response(s)\n", received);
	return received ? 0 : 1;
}

/* --- /proc/net/dev ------------------------------------------------------- */

static void show_net_dev(struct seqbuf *s)
{
	seq_printf(s, "Inter-|   Receive                                                |  Transmit\n");
	seq_printf(s, " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n");
	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *d = netdev_get(i);
		const struct netdev_stats *st = &d->stats;
		seq_printf(s, "%6s: %7llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu %8llu %7llu %4llu %4llu %4llu %5llu %7llu %10llu\n",
			   d->name,
			   (unsigned long long)st->rx_bytes,
			   (unsigned long long)st->rx_packets,
			   (unsigned long long)st->rx_errors,
			   (unsigned long long)st->rx_dropped,
			   (unsigned long long)st->rx_fifo,
			   (unsigned long long)st->rx_frame, 0ULL,
			   (unsigned long long)st->rx_multicast,
			   (unsigned long long)st->tx_bytes,
			   (unsigned long long)st->tx_packets,
			   (unsigned long long)st->tx_errors,
			   (unsigned long long)st->tx_dropped,
			   (unsigned long long)st->tx_fifo,
			   (unsigned long long)st->tx_colls,
			   (unsigned long long)st->tx_carrier, 0ULL);
	}
}

static const struct shell_cmd net_cmds[] = {
	{ "ip", "ip link [show [DEV]]", "network devices (iproute2)", cmd_ip },
	{ "arping", "arping [-c N] [-i SEC] [-s SRC] [-I DEV] HOST",
	  "ARP-level ping of a neighbour (iputils)", cmd_arping },
};

void cmd_net_init(void)
{
	shell_register(net_cmds, sizeof(net_cmds) / sizeof(net_cmds[0]));
	proc_register("/proc/net/dev", show_net_dev);
}
