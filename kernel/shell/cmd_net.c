/*
 * Network shell commands about interfaces, addresses, routes and
 * neighbours: `ip` (link, addr, route, neigh; -4 and -6), `arping`,
 * and /proc/net/dev, arp, snmp, snmp6, if_inet6, netstat. Output
 * follows iproute2, iputils and Linux's procfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/net_glue.h"
#include "kernel/proc/proc.h"
#include "kernel/shell/shell.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/wait.h"
#include "net/byteorder.h"
#include "net/eth.h"
#include "net/inet.h"
#include "net/arp.h"
#include "net/dhcp.h"
#include "net/netdev.h"
#include "net/ip6.h"
#include "net/netif.h"
#include "net/route.h"
#include "net/stack.h"


/* --- ip ------------------------------------------------------------------ */

/*
 * Show an interface as iproute2 does: flags, MTU, state, link address.
 * `ip link` adds the link mode; `ip addr` has none. With a family,
 * iproute2 prints no link address, and for inet6 (whose link dump is
 * addrconf's, without qdisc or group) a shorter first line.
 */
enum link_view { VIEW_LINK, VIEW_ADDR, VIEW_ADDR4, VIEW_ADDR6 };

static void print_link(const struct netif *nif, enum link_view view)
{
	char mac[18];
	bool lo = nif->flags & NETIF_LOOPBACK;
	bool up = lo || nif->dev->ops->link_up(nif->dev);
	const char *state = lo ? "UNKNOWN" : up ? "UP" : "DOWN";

	printf("%d: %s: <%s,UP%s> mtu %u ", nif->ifindex, nif->name,
	       lo ? "LOOPBACK" : "BROADCAST,MULTICAST", up ? ",LOWER_UP" : "",
	       nif->mtu);
	if (view == VIEW_ADDR6)
		printf("state %s qlen 1000\n", state);
	else
		printf("qdisc noqueue state %s %sgroup default qlen 1000\n",
		       state, view == VIEW_LINK ? "mode DEFAULT " : "");
	if (view == VIEW_ADDR4 || view == VIEW_ADDR6)
		return;
	if (lo)
		printf("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n");
	else
		printf("    link/ether %s brd ff:ff:ff:ff:ff:ff\n",
		       netdev_format_mac(nif->mac, mac));
}

static void print_addr(struct net_stack *s, const struct netif *nif)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	uint32_t server, left;

	if (!nif->addr)
		return;
	if (nif->flags & NETIF_LOOPBACK) {
		printf("    inet %s/%u scope host %s\n", inet_format(nif->addr, a),
		       nif->prefix_len, nif->name);
		printf("       valid_lft forever preferred_lft forever\n");
		return;
	}
	bool dynamic = nif->addr_source == NETIF_ADDR_DHCP &&
		       dhcp_lease_info(s, (struct netif *)nif, &server, &left);
	printf("    inet %s/%u brd %s scope global %s%s\n",
	       inet_format(nif->addr, a), nif->prefix_len,
	       inet_format(netif_broadcast(nif), b), dynamic ? "dynamic " : "",
	       nif->name);
	if (dynamic && left != UINT32_MAX)
		printf("       valid_lft %usec preferred_lft %usec\n", left, left);
	else
		printf("       valid_lft forever preferred_lft forever\n");
}

/* Seconds left until `until` (ms), as iproute2 prints a lifetime. */
static void print_lft(const char *name, uint64_t until, uint64_t now)
{
	if (until == NET_NEVER)
		printf("%s forever", name);
	else
		printf("%s %llusec", name,
		       (unsigned long long)(until > now ? (until - now) / 1000 : 0));
}

/* Linux's scope of an address (ipv6_addr_scope), as a name and as
 * /proc/net/if_inet6's number: ::1 host, fe80::/10 link, fec0::/10 site
 * (deprecated, but QEMU's user network still hands it out), else
 * global. */
static const char *scope6_name(const struct ip6_addr *a, unsigned *num)
{
	if (ip6_addr_is_loopback(a)) {
		*num = 0x10;
		return "host";
	}
	if (ip6_addr_is_linklocal(a)) {
		*num = 0x20;
		return "link";
	}
	if (a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0xc0) {
		*num = 0x40;
		return "site";
	}
	*num = 0x00;
	return "global";
}

/* One "inet6" line and its lifetimes, as iproute2 prints them (its flag
 * words in its order; "dynamic" for what is not permanent). */
static void print_addr6(const struct ip6_ifaddr *ifa, uint64_t now)
{
	char a[IP6_ADDRSTRLEN];
	unsigned num;
	const char *scope = scope6_name(&ifa->addr, &num);

	printf("    inet6 %s/%u scope %s%s%s%s%s\n",
	       ip6_addr_format(&ifa->addr, a), ifa->plen, scope,
	       ifa->flags & IP6_IFA_DADFAILED ? " dadfailed" : "",
	       ifa->flags & IP6_IFA_DEPRECATED ? " deprecated" : "",
	       ifa->flags & IP6_IFA_TENTATIVE ? " tentative" : "",
	       ifa->source == IP6_IFA_SLAAC ? " dynamic" : "");
	printf("      ");
	print_lft(" valid_lft", ifa->valid_until, now);
	print_lft(" preferred_lft", ifa->preferred_until, now);
	printf("\n");
}

static bool has_addr6(const struct netif *nif)
{
	for (int i = 0; nif->ip6.enabled && i < IP6_IF_ADDRS; i++)
		if (nif->ip6.addr[i].source != IP6_IFA_NONE)
			return true;
	return false;
}

/* Global addresses before link-local ones, as Linux lists them. */
static void print_addrs6(const struct netif *nif)
{
	uint64_t now = net_glue_now();

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; nif->ip6.enabled && i < IP6_IF_ADDRS; i++) {
			const struct ip6_ifaddr *ifa = &nif->ip6.addr[i];
			bool ll = ip6_addr_is_linklocal(&ifa->addr);
			if (ifa->source != IP6_IFA_NONE && ll == (pass == 1))
				print_addr6(ifa, now);
		}
}

/* "ip [-4|-6] link|addr [show [dev] NAME]": the interface named, or
 * every one; with a family, only interfaces with such an address. */
static int ip_show(int argc, char **argv, bool addrs, int family)
{
	const char *only = NULL;
	struct net_stack *s = net_glue_stack();

	if (!addrs)
		family = 0;
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "show") != 0 && strcmp(argv[i], "dev") != 0)
			only = argv[i];
	net_glue_lock();
	int shown = 0;
	for (int i = 0; i < s->nnetifs; i++) {
		const struct netif *nif = s->netifs[i];
		if (only && strcmp(only, nif->name) != 0)
			continue;
		shown++;
		if ((family == 4 && !nif->addr) ||
		    (family == 6 && !has_addr6(nif)))
			continue;
		print_link(nif, !addrs ? VIEW_LINK : family == 4 ? VIEW_ADDR4 :
				family == 6 ? VIEW_ADDR6 : VIEW_ADDR);
		if (addrs && family != 6)
			print_addr(s, nif);
		if (addrs && family != 4)
			print_addrs6(nif);
	}
	net_glue_unlock();
	if (only && !shown) {
		printf("Device \"%s\" does not exist.\n", only);
		return 1;
	}
	return 0;
}

/* iproute2's main table: the loopback routes live in its local table. */
static void print_route(const struct route *r, void *arg)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	(void)arg;

	if (r->nif->flags & NETIF_LOOPBACK)
		return;
	const char *proto = r->nif->addr_source == NETIF_ADDR_DHCP ? "dhcp" :
			    "static";
	if (r->gw) {
		if (r->prefix_len == 0)
			printf("default");
		else
			printf("%s/%u", inet_format(r->dst, a), r->prefix_len);
		printf(" via %s dev %s proto %s src %s\n", inet_format(r->gw, b),
		       r->nif->name, proto, inet_format(r->nif->addr, a));
	} else {
		printf("%s/%u dev %s proto kernel scope link src %s\n",
		       inet_format(r->dst, a), r->prefix_len, r->nif->name,
		       inet_format(r->nif->addr, b));
	}
}

static const char *const neigh_state[] = {
	[ARP_FREE] = "NONE",
	[ARP_INCOMPLETE] = "INCOMPLETE",
	[ARP_REACHABLE] = "REACHABLE",
	[ARP_FAILED] = "FAILED",
};

static void print_neigh(const struct arp_entry *e, void *arg)
{
	char a[INET_ADDRSTRLEN], mac[18];
	(void)arg;

	if (e->state == ARP_REACHABLE)
		printf("%s dev %s lladdr %s %s\n", inet_format(e->ip, a),
		       e->nif->name, netdev_format_mac(e->mac, mac),
		       neigh_state[e->state]);
	else
		printf("%s dev %s  %s\n", inet_format(e->ip, a), e->nif->name,
		       neigh_state[e->state]);
}

/* "ip -6 route": iproute2's main table, loopback's ::1 included (Linux
 * keeps it there), a host route without "/128". */
static void print_route6(const struct route6 *r, void *arg)
{
	static const char *const proto[] = {
		[ROUTE6_KERNEL] = "kernel", [ROUTE6_RA] = "ra",
		[ROUTE6_STATIC] = "static",
	};
	char a[IP6_ADDRSTRLEN];
	uint64_t now = *(const uint64_t *)arg;

	if (r->plen == 0)
		printf("default");
	else if (r->plen == 128)
		printf("%s", ip6_addr_format(&r->dst, a));
	else
		printf("%s/%u", ip6_addr_format(&r->dst, a), r->plen);
	if (!ip6_addr_is_unspecified(&r->gw))
		printf(" via %s", ip6_addr_format(&r->gw, a));
	printf(" dev %s proto %s metric %u", r->nif->name,
	       r->proto < 3 ? proto[r->proto] : "?", (unsigned)r->metric);
	if (r->expires != NET_NEVER)
		printf(" expires %llusec",
		       (unsigned long long)(r->expires > now ?
					    (r->expires - now) / 1000 : 0));
	printf(" pref medium\n");
}

/* "ip -6 neigh": Linux's NUD state names, "router" for IsRouter. */
static void print_neigh6(const struct nd6_entry *e, void *arg)
{
	char a[IP6_ADDRSTRLEN], mac[18];
	(void)arg;

	if (e->state == ND6_INCOMPLETE || e->state == ND6_FAILED)
		printf("%s dev %s  %s\n", ip6_addr_format(&e->addr, a),
		       e->nif->name, nd6_state_name(e->state));
	else
		printf("%s dev %s lladdr %s%s %s\n",
		       ip6_addr_format(&e->addr, a), e->nif->name,
		       netdev_format_mac(e->mac, mac),
		       e->router ? " router" : "", nd6_state_name(e->state));
}

static int cmd_ip(int argc, char **argv)
{
	struct net_stack *s = net_glue_stack();
	int family = 0;

	/* -4 / -6 (also -family inet|inet6, -f inet6) before the object. */
	while (argc > 1 && argv[1][0] == '-') {
		if (strcmp(argv[1], "-4") == 0)
			family = 4;
		else if (strcmp(argv[1], "-6") == 0)
			family = 6;
		else if ((strcmp(argv[1], "-f") == 0 ||
			  strcmp(argv[1], "-family") == 0) && argc > 2) {
			argc--, argv++;
			if (strcmp(argv[1], "inet") == 0)
				family = 4;
			else if (strcmp(argv[1], "inet6") == 0)
				family = 6;
			else {
				printf("Error: argument \"%s\" is wrong: invalid protocol family\n",
				       argv[1]);
				return 1;
			}
		} else {
			printf("Option \"%s\" is unknown, try \"ip -help\".\n",
			       argv[1]);
			return 1;
		}
		argc--, argv++;
	}
	if (argc < 2) {
		printf("Usage: ip [ -4 | -6 ] OBJECT { COMMAND | help }\n"
		       "where  OBJECT := { link | address | route | neigh }\n");
		return 1;
	}
	size_t n = strlen(argv[1]);
	/* iproute2 accepts any prefix of an object's name. */
	if (strncmp(argv[1], "link", n) == 0)
		return ip_show(argc - 2, argv + 2, false, family);
	if (strncmp(argv[1], "address", n) == 0)
		return ip_show(argc - 2, argv + 2, true, family);
	if (strncmp(argv[1], "route", n) == 0) {
		/* Without -6, IPv4 only: iproute2's default for routes. */
		uint64_t now = net_glue_now();
		net_glue_lock();
		if (family == 6)
			ip6_route_for_each(s, print_route6, &now);
		else
			route_for_each(&s->routes, print_route, NULL);
		net_glue_unlock();
		return 0;
	}
	if (strncmp(argv[1], "neighbour", n) == 0 ||
	    strncmp(argv[1], "neighbor", n) == 0) {
		/* Both families without a -4/-6, as iproute2 does. */
		net_glue_lock();
		if (family != 6)
			arp_for_each(s, print_neigh, NULL);
		if (family != 4)
			nd6_for_each(s, print_neigh6, NULL);
		net_glue_unlock();
		return 0;
	}
	printf("Object \"%s\" is unknown, try \"ip help\".\n", argv[1]);
	return 1;
}

/* --- arping ---------------------------------------------------------------- */

static struct {
	uint32_t target;		/* host order */
	volatile bool got;
	uint8_t mac[ETH_ALEN];
	uint64_t at_us;
	struct semaphore reply;
} arping;


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
	if (get_be32(f + 28) != arping.target || arping.got)
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
	put_be32(f + 28, src);				/* sender IP */
	put_be32(f + 38, dst);				/* target IP (THA is 0) */
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
			if (!cmdline_parse_seconds(val, 3600, &interval) || !interval)
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
	net_glue_set_tap(ETH_P_ARP, arping_rx, NULL);

	uint8_t frame[ETH_ZLEN];
	build_request(frame, dev, src, dst);
	for (int i = 0; i < count; i++) {
		uint64_t start = clock_now_us();
		arping.got = false;
		if (net_glue_send_raw(dev, frame, sizeof(frame)) < 0)
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
	net_glue_set_tap(ETH_P_ARP, NULL, NULL);
	printf("Sent %d probes (%d broadcast(s))\n", sent, sent);
	printf("Received %d response(s)\n", received);
	return received ? 0 : 1;
}

/* --- /proc/net ------------------------------------------------------------ */

static void show_net_dev(struct seqbuf *sb)
{
	struct net_stack *s = net_glue_stack();

	seq_printf(sb, "Inter-|   Receive                                                |  Transmit\n");
	seq_printf(sb, " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n");
	net_glue_lock();
	for (int i = 0; i < s->nnetifs; i++) {
		const struct netif *nif = s->netifs[i];
		const struct netdev_stats *st = nif->stats;
		seq_printf(sb, "%6s: %7llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu %8llu %7llu %4llu %4llu %4llu %5llu %7llu %10llu\n",
			   nif->name,
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
	net_glue_unlock();
}

static void show_arp_entry(const struct arp_entry *e, void *arg)
{
	struct seqbuf *sb = arg;
	char a[INET_ADDRSTRLEN], mac[18];
	/* Linux: ATF_COM (0x2) once the address is complete. */
	unsigned flags = e->state == ARP_REACHABLE ? 0x2 : 0x0;
	static const uint8_t zero[6];

	seq_printf(sb, "%-16s 0x%-10x0x%-10x%-17s     %-8s %s\n",
		   inet_format(e->ip, a), 1, flags,
		   netdev_format_mac(e->state == ARP_REACHABLE ? e->mac : zero, mac),
		   "*", e->nif->name);
}

static void show_net_arp(struct seqbuf *sb)
{
	seq_printf(sb, "IP address       HW type     Flags       HW address            Mask     Device\n");
	net_glue_lock();
	arp_for_each(net_glue_stack(), show_arp_entry, sb);
	net_glue_unlock();
}

/* Print "Name: a b c\nName: 1 2 3\n" from parallel name and value lists. */
static void snmp_pair(struct seqbuf *sb, const char *name,
		      const char *const *fields, const int64_t *values, int n)
{
	seq_printf(sb, "%s:", name);
	for (int i = 0; i < n; i++)
		seq_printf(sb, " %s", fields[i]);
	seq_printf(sb, "\n%s:", name);
	for (int i = 0; i < n; i++)
		seq_printf(sb, " %lld", (long long)values[i]);
	seq_printf(sb, "\n");
}

#define NFIELDS(a) ((int)(sizeof(a) / sizeof(a[0])))

static void show_net_snmp(struct seqbuf *sb)
{
	static const char *const ip_f[] = {
		"Forwarding", "DefaultTTL", "InReceives", "InHdrErrors",
		"InAddrErrors", "ForwDatagrams", "InUnknownProtos", "InDiscards",
		"InDelivers", "OutRequests", "OutDiscards", "OutNoRoutes",
		"ReasmTimeout", "ReasmReqds", "ReasmOKs", "ReasmFails",
		"FragOKs", "FragFails", "FragCreates",
	};
	static const char *const icmp_f[] = {
		"InMsgs", "InErrors", "InCsumErrors", "InDestUnreachs",
		"InTimeExcds", "InParmProbs", "InSrcQuenchs", "InRedirects",
		"InEchos", "InEchoReps", "InTimestamps", "InTimestampReps",
		"InAddrMasks", "InAddrMaskReps", "OutMsgs", "OutErrors",
		"OutDestUnreachs", "OutTimeExcds", "OutParmProbs",
		"OutSrcQuenchs", "OutRedirects", "OutEchos", "OutEchoReps",
		"OutTimestamps", "OutTimestampReps", "OutAddrMasks",
		"OutAddrMaskReps",
	};
	static const char *const tcp_f[] = {
		"RtoAlgorithm", "RtoMin", "RtoMax", "MaxConn", "ActiveOpens",
		"PassiveOpens", "AttemptFails", "EstabResets", "CurrEstab",
		"InSegs", "OutSegs", "RetransSegs", "InErrs", "OutRsts",
		"InCsumErrors",
	};
	static const char *const udp_f[] = {
		"InDatagrams", "NoPorts", "InErrors", "OutDatagrams",
		"RcvbufErrors", "SndbufErrors", "InCsumErrors", "IgnoredMulti",
		"MemErrors",
	};
	struct net_mib m;
	unsigned estab;

	net_glue_lock();
	m = net_glue_stack()->mib;
	estab = net_glue_stack()->tcp.estab;
	net_glue_unlock();

	/* Forwarding 2: not a router (RFC 1213 ipForwarding). */
	const int64_t ip_v[] = {
		2, 64, m.ip.InReceives, m.ip.InHdrErrors, m.ip.InAddrErrors,
		m.ip.ForwDatagrams, m.ip.InUnknownProtos, m.ip.InDiscards,
		m.ip.InDelivers, m.ip.OutRequests, m.ip.OutDiscards,
		m.ip.OutNoRoutes, m.ip.ReasmTimeout, m.ip.ReasmReqds,
		m.ip.ReasmOKs, m.ip.ReasmFails, m.ip.FragOKs, m.ip.FragFails,
		m.ip.FragCreates,
	};
	const int64_t icmp_v[] = {
		m.icmp.InMsgs, m.icmp.InErrors, m.icmp.InCsumErrors,
		m.icmp.InDestUnreachs, m.icmp.InTimeExcds, m.icmp.InParmProbs,
		m.icmp.InSrcQuenchs, m.icmp.InRedirects, m.icmp.InEchos,
		m.icmp.InEchoReps, m.icmp.InTimestamps, m.icmp.InTimestampReps,
		m.icmp.InAddrMasks, m.icmp.InAddrMaskReps, m.icmp.OutMsgs,
		m.icmp.OutErrors, m.icmp.OutDestUnreachs, m.icmp.OutTimeExcds,
		m.icmp.OutParmProbs, m.icmp.OutSrcQuenchs, m.icmp.OutRedirects,
		m.icmp.OutEchos, m.icmp.OutEchoReps, m.icmp.OutTimestamps,
		m.icmp.OutTimestampReps, m.icmp.OutAddrMasks,
		m.icmp.OutAddrMaskReps,
	};
	/* RtoAlgorithm 1 (other), RtoMin/RtoMax in ms, MaxConn -1 (dynamic)
	 * as Linux prints them; CurrEstab is a gauge, not a MIB counter. */
	const int64_t tcp_v[] = {
		1, 200, 120000, -1, m.tcp.ActiveOpens,
		m.tcp.PassiveOpens, m.tcp.AttemptFails, m.tcp.EstabResets, estab,
		m.tcp.InSegs, m.tcp.OutSegs, m.tcp.RetransSegs, m.tcp.InErrs,
		m.tcp.OutRsts, m.tcp.InCsumErrors,
	};
	const int64_t udp_v[] = {
		m.udp.InDatagrams, m.udp.NoPorts, m.udp.InErrors,
		m.udp.OutDatagrams, m.udp.RcvbufErrors, m.udp.SndbufErrors,
		m.udp.InCsumErrors, m.udp.IgnoredMulti, m.udp.MemErrors,
	};
	snmp_pair(sb, "Ip", ip_f, ip_v, NFIELDS(ip_f));
	snmp_pair(sb, "Icmp", icmp_f, icmp_v, NFIELDS(icmp_f));
	snmp_pair(sb, "Tcp", tcp_f, tcp_v, NFIELDS(tcp_f));
	snmp_pair(sb, "Udp", udp_f, udp_v, NFIELDS(udp_f));
}

/* /proc/net/netstat: Linux's TcpExt counters the stack keeps, and, as
 * "KiteLink", the link-layer drops no Linux file names (Linux counts them
 * in netdev and neighbour statistics). */
static void show_net_netstat(struct seqbuf *sb)
{
	static const char *const tcpext_f[] = {
		"SyncookiesSent", "SyncookiesRecv", "SyncookiesFailed",
		"ListenOverflows", "ListenDrops", "TW", "TWRecycled",
		"TWKilled", "PAWSEstab", "TCPTimeouts", "TCPFastRetrans", "TCPSackRecovery",
		"TCPSackRetrans", "TCPAbortOnData", "TCPAbortOnClose",
		"TCPAbortOnMemory", "TCPAbortOnTimeout", "TCPAbortOnLinger",
		"TCPTimeWaitOverflow", "TCPKeepAlive", "TCPOrphanExpired",
		"TCPChallengeACK", "TCPChallengeACKLimit",
		"TCPACKSkippedSeq", "TCPACKSkippedTimeWait",
	};
	static const char *const link_f[] = {
		"EthInBadLength", "EthInForeign", "EthInUnknownType",
		"ArpInRequests", "ArpInReplies", "ArpOutRequests",
		"ArpOutReplies", "ArpInErrors", "ArpQueueDrops",
		"TxBacklogDrops",
	};
	struct net_mib m;

	net_glue_lock();
	m = net_glue_stack()->mib;
	net_glue_unlock();

	/* TW: TIME_WAIT records that ran their full time (Linux's name). */
	const int64_t tcpext_v[] = {
		m.tcp.SyncookiesSent, m.tcp.SyncookiesRecv,
		m.tcp.SyncookiesFailed, m.tcp.ListenOverflows,
		m.tcp.ListenDrops, m.tcp.TWExpired, m.tcp.TWRecycled,
		m.tcp.TWKilled, m.tcp.PAWSEstab, m.tcp.TCPTimeouts, m.tcp.TCPFastRetrans,
		m.tcp.TCPSackRecovery, m.tcp.TCPSackRetrans,
		m.tcp.TCPAbortOnData, m.tcp.TCPAbortOnClose,
		m.tcp.TCPAbortOnMemory, m.tcp.TCPAbortOnTimeout,
		m.tcp.TCPAbortOnLinger, m.tcp.TCPTimeWaitOverflow,
		m.tcp.TCPKeepAlive, m.tcp.TCPOrphanExpired,
		m.tcp.TCPChallengeACK, m.tcp.TCPChallengeACKLimit,
		m.tcp.TCPACKSkippedSeq, m.tcp.TCPACKSkippedTimeWait,
	};
	const int64_t link_v[] = {
		m.link.EthInBadLength, m.link.EthInForeign,
		m.link.EthInUnknownType, m.link.ArpInRequests,
		m.link.ArpInReplies, m.link.ArpOutRequests,
		m.link.ArpOutReplies, m.link.ArpInErrors, m.link.ArpQueueDrops,
		m.link.TxBacklogDrops,
	};
	_Static_assert(NFIELDS(tcpext_f) == NFIELDS(tcpext_v), "TcpExt");
	_Static_assert(NFIELDS(link_f) == NFIELDS(link_v), "KiteLink");
	snmp_pair(sb, "TcpExt", tcpext_f, tcpext_v, NFIELDS(tcpext_f));
	snmp_pair(sb, "KiteLink", link_f, link_v, NFIELDS(link_f));
}

/* /proc/net/snmp6: the stack renders it (ip6_snmp_print). */
static void show_net_snmp6(struct seqbuf *sb)
{
	struct net_stack *s = net_glue_stack();

	net_glue_lock();
	size_t n = ip6_snmp_print(s, NULL, 0);
	char *buf = malloc(n + 1);
	if (buf)
		ip6_snmp_print(s, buf, n + 1);
	net_glue_unlock();
	if (!buf) {
		sb->overflow = true;
		return;
	}
	seq_write(sb, buf, n);
	free(buf);
}

/* /proc/net/if_inet6, as Linux's addrconf prints it: address in 32 hex
 * digits, ifindex, prefix length, scope and IFA_F_* flags in hex, name. */
static void show_inet6_entry(const struct netif *nif,
			     const struct ip6_ifaddr *ifa, void *arg)
{
	struct seqbuf *sb = arg;
	unsigned scope, flags = 0;

	scope6_name(&ifa->addr, &scope);

	if (ifa->flags & IP6_IFA_DADFAILED)
		flags |= 0x08;		/* IFA_F_DADFAILED */
	if (ifa->flags & IP6_IFA_DEPRECATED)
		flags |= 0x20;		/* IFA_F_DEPRECATED */
	if (ifa->flags & IP6_IFA_TENTATIVE)
		flags |= 0x40;		/* IFA_F_TENTATIVE */
	if (ifa->source != IP6_IFA_SLAAC)
		flags |= 0x80;		/* IFA_F_PERMANENT */
	for (int i = 0; i < 16; i++)
		seq_printf(sb, "%02x", ifa->addr.b[i]);
	seq_printf(sb, " %02x %02x %02x %02x %8s\n", (unsigned)nif->ifindex,
		   ifa->plen, scope, flags, nif->name);
}

static void show_net_if_inet6(struct seqbuf *sb)
{
	net_glue_lock();
	ip6_addr_for_each(net_glue_stack(), show_inet6_entry, sb);
	net_glue_unlock();
}

/* ethtool DEV: the link's settings in ethtool(8)'s words (its Speed,
 * Duplex and Link detected lines), from the netdev's link_mode op. */
static int cmd_ethtool(int argc, char **argv)
{
	struct netdev *dev = argc == 2 ? netdev_by_name(argv[1]) : NULL;
	unsigned mbps = 0;
	bool full = false, up, known;

	if (argc != 2) {
		printf("usage: ethtool DEV\n");
		return 1;
	}
	if (!dev) {
		printf("Cannot get device settings: No such device\n");
		return 1;
	}
	up = dev->ops->link_up(dev);
	known = up && dev->ops->link_mode &&
		dev->ops->link_mode(dev, &mbps, &full);
	printf("Settings for %s:\n", dev->name);
	if (known)
		printf("\tSpeed: %uMb/s\n\tDuplex: %s\n", mbps,
		       full ? "Full" : "Half");
	else
		printf("\tSpeed: Unknown!\n\tDuplex: Unknown! (255)\n");
	printf("\tLink detected: %s\n", up ? "yes" : "no");
	return 0;
}

static const struct shell_cmd net_cmds[] = {
	{ "ip", "ip [-4|-6] link|addr|route|neigh [show [DEV]]",
	  "interfaces, addresses, routes, neighbours (iproute2)", cmd_ip },
	{ "arping", "arping [-c N] [-i SEC] [-s SRC] [-I DEV] HOST",
	  "ARP-level ping of a neighbour (iputils)", cmd_arping },
	{ "ethtool", "ethtool DEV", "link speed, duplex and carrier (ethtool)",
	  cmd_ethtool },
};

void cmd_net_init(void)
{
	shell_register(net_cmds, sizeof(net_cmds) / sizeof(net_cmds[0]));
	proc_register("/proc/net/dev", show_net_dev);
	proc_register("/proc/net/arp", show_net_arp);
	proc_register("/proc/net/snmp", show_net_snmp);
	proc_register("/proc/net/snmp6", show_net_snmp6);
	proc_register("/proc/net/if_inet6", show_net_if_inet6);
	proc_register("/proc/net/netstat", show_net_netstat);
}
