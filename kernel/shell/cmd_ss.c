/*
 * Socket statistics: `ss` (iproute2) and /proc/net/sockstat (Linux's
 * format), from the stack's TCP connections (tcp_foreach) and datagram
 * sockets (net_sock_for_each).
 *
 *   ss [-t] [-u] [-l] [-a] [-n] [-4] [-6]   options combine: -tan, -tuln
 *
 * -t and -u pick TCP and UDP (neither: both, with a Netid column, as ss
 * shows one whenever more than one kind is listed). The state filter is
 * iproute2's: by default connected sockets only (every state but
 * LISTEN, UNCONN, TIME-WAIT and SYN-RECV), -l listening ones (TCP
 * LISTEN, UDP UNCONN), -a all. Addresses are always numeric (Kite has
 * no /etc/services): -n is accepted and changes nothing. -4 and -6 keep
 * one family's sockets, TCP and UDP alike. IPv6 endpoints are printed
 * as iproute2 does: bracketed ([::]:7, [fd00:3::2]:7, [fe80::1]:546), a
 * dual-stack wildcard (no IPV6_V6ONLY) as "*", and a local address
 * bound to an interface (a link-local scope) followed by %ifname
 * ([fe80::1]%eth0:22).
 * Recv-Q / Send-Q are bytes queued, or for a listener its accept queue
 * and backlog, as ss shows them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "kernel/net_glue.h"
#include "kernel/proc/proc.h"
#include "kernel/shell/shell.h"
#include "kernel/socket.h"
#include "net/inet.h"
#include "net/ip.h"
#include "net/ip6_addr.h"
#include "net/netif.h"
#include "net/sock.h"
#include "net/stack.h"
#include "net/tcp.h"

#define PAGE_BYTES	4096	/* sockstat's "mem" is in pages */
#define PORTSTRLEN	6	/* "65535" and its NUL */

/* iproute2's socket states (ss.c SS_*), for names and filter bits. */
enum ss_state {
	SS_UNKNOWN,
	SS_ESTABLISHED,
	SS_SYN_SENT,
	SS_SYN_RECV,
	SS_FIN_WAIT1,
	SS_FIN_WAIT2,
	SS_TIME_WAIT,
	SS_CLOSE,
	SS_CLOSE_WAIT,
	SS_LAST_ACK,
	SS_LISTEN,
	SS_CLOSING,
	SS_MAX,
};

#define SS_ALL	((1u << SS_MAX) - 1)
/* -l: listening TCP, unconnected UDP. */
#define SS_LISTENING	((1u << SS_LISTEN) | (1u << SS_CLOSE))
/* The default: connected sockets (iproute2's SS_CONN). */
#define SS_CONN	(SS_ALL & ~(SS_LISTENING | (1u << SS_TIME_WAIT) |	\
			    (1u << SS_SYN_RECV)))

static const char *const ss_state_name[SS_MAX] = {
	[SS_UNKNOWN] = "UNKNOWN",
	[SS_ESTABLISHED] = "ESTAB",
	[SS_SYN_SENT] = "SYN-SENT",
	[SS_SYN_RECV] = "SYN-RECV",
	[SS_FIN_WAIT1] = "FIN-WAIT-1",
	[SS_FIN_WAIT2] = "FIN-WAIT-2",
	[SS_TIME_WAIT] = "TIME-WAIT",
	[SS_CLOSE] = "UNCONN",
	[SS_CLOSE_WAIT] = "CLOSE-WAIT",
	[SS_LAST_ACK] = "LAST-ACK",
	[SS_LISTEN] = "LISTEN",
	[SS_CLOSING] = "CLOSING",
};

/* RFC 9293 states as ss names them. */
static const enum ss_state tcp_to_ss[] = {
	[TCP_CLOSED] = SS_CLOSE,
	[TCP_LISTEN] = SS_LISTEN,
	[TCP_SYN_SENT] = SS_SYN_SENT,
	[TCP_SYN_RECEIVED] = SS_SYN_RECV,
	[TCP_ESTABLISHED] = SS_ESTABLISHED,
	[TCP_FIN_WAIT_1] = SS_FIN_WAIT1,
	[TCP_FIN_WAIT_2] = SS_FIN_WAIT2,
	[TCP_CLOSE_WAIT] = SS_CLOSE_WAIT,
	[TCP_CLOSING] = SS_CLOSING,
	[TCP_LAST_ACK] = SS_LAST_ACK,
	[TCP_TIME_WAIT] = SS_TIME_WAIT,
};

static enum ss_state tcp_ss_state(uint8_t state)
{
	if (state >= sizeof(tcp_to_ss) / sizeof(tcp_to_ss[0]))
		return SS_UNKNOWN;
	return tcp_to_ss[state];
}

/* "[" address "]" "%" ifname, and the NUL. */
#define SS_ADDR_MAX	(1 + IP6_ADDRSTRLEN + 1 + 1 + NETDEV_NAME_LEN + 1)

/* One line of output, taken under the stack lock, printed after. */
struct ss_row {
	const char *netid;
	enum ss_state state;
	uint8_t family;		/* NET_AF_INET or NET_AF_INET6 */
	uint32_t recvq, sendq;
	char laddr[SS_ADDR_MAX], raddr[SS_ADDR_MAX];
	uint16_t lport, rport;
};

struct ss_rows {
	struct ss_row *v;
	size_t n, cap;
	unsigned states;	/* SS_* bits to keep */
	unsigned families;	/* 1 << NET_AF_* to keep */
	bool nomem;
};

/* An IPv6 endpoint's address as iproute2's inet_addr_print() shows it:
 * "*" for the wildcard of a socket that takes IPv4 too, else bracketed,
 * and a local address's interface after a '%'. */
static void addr6_text(char *buf, const struct ip6_addr *a, bool v6only,
		       const struct netif *nif)
{
	char t[IP6_ADDRSTRLEN];

	if (!v6only && ip6_addr_is_unspecified(a))
		snprintf(buf, SS_ADDR_MAX, "*");
	else
		snprintf(buf, SS_ADDR_MAX, "[%s]", ip6_addr_format(a, t));
	if (nif)
		snprintf(buf + strlen(buf), SS_ADDR_MAX - strlen(buf), "%%%s",
			 nif->name);
}

static void add_row(struct ss_rows *r, const struct ss_row *row)
{
	if (!(r->states & (1u << row->state)) ||
	    !(r->families & (1u << row->family)) || r->nomem)
		return;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		struct ss_row *v = realloc(r->v, cap * sizeof(*v));
		if (!v) {
			r->nomem = true;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *row;
}

static void tcp_row(const struct tcp_conn_info *ci, void *arg)
{
	struct ss_row row = {
		.netid = "tcp", .state = tcp_ss_state(ci->state),
		.family = ci->family,
		.recvq = ci->recvq, .sendq = ci->sendq,
		.lport = ci->lport, .rport = ci->rport,
	};

	if (ci->family == NET_AF_INET6) {
		addr6_text(row.laddr, &ci->laddr6, ci->v6only, ci->nif);
		addr6_text(row.raddr, &ci->raddr6, true, NULL);
	} else {
		inet_format(ci->laddr, row.laddr);
		inet_format(ci->raddr, row.raddr);
	}
	add_row(arg, &row);
}

/* Bound UDP sockets (Linux lists no unbound ones; ping sockets are not
 * UDP). Nothing waits to be sent: Send-Q is 0. */
static void udp_row(const struct net_sock *sk, void *arg)
{
	if (sk->type != NET_SOCK_UDP || !sk->lport)
		return;
	struct ss_row row = {
		.netid = "udp",
		.state = sk->connected ? SS_ESTABLISHED : SS_CLOSE,
		.family = sk->family,
		.recvq = dgram_csk(sk)->rx_bytes, .sendq = 0,
		.lport = sk->lport, .rport = sk->connected ? sk->rport : 0,
	};
	if (sk->family == NET_AF_INET6) {
		bool v6only = sk->flags & NET_SOCK_F_V6ONLY;
		addr6_text(row.laddr, &sk->laddr6, v6only, sk->bound_nif);
		addr6_text(row.raddr, sk->connected ? &sk->raddr6 :
			   &ip6_addr_any, v6only, NULL);
	} else {
		inet_format(sk->laddr, row.laddr);
		inet_format(sk->connected ? sk->raddr : 0, row.raddr);
	}
	add_row(arg, &row);
}

/* Column widths: at least the header's, else the widest value. */
struct ss_widths {
	int state, recvq, sendq, laddr, lport, raddr;
};

static void widen(int *w, size_t len)
{
	if ((int)len > *w)
		*w = (int)len;
}

/* "*" for port 0, as ss prints a wildcard. */
static const char *port_text(uint16_t port, char *buf)
{
	if (!port)
		return "*";
	snprintf(buf, PORTSTRLEN, "%u", (unsigned)port);
	return buf;
}

static void print_rows(const struct ss_rows *r, bool netid)
{
	struct ss_widths w = {
		.state = (int)strlen("State"), .recvq = (int)strlen("Recv-Q"),
		.sendq = (int)strlen("Send-Q"),
		.laddr = (int)strlen("Local Address"),
		.lport = (int)strlen("Port"),
		.raddr = (int)strlen("Peer Address"),
	};
	char lp[PORTSTRLEN], rp[PORTSTRLEN], n[12];

	for (size_t i = 0; i < r->n; i++) {
		const struct ss_row *row = &r->v[i];

		widen(&w.state, strlen(ss_state_name[row->state]));
		snprintf(n, sizeof(n), "%lu", (unsigned long)row->recvq);
		widen(&w.recvq, strlen(n));
		snprintf(n, sizeof(n), "%lu", (unsigned long)row->sendq);
		widen(&w.sendq, strlen(n));
		widen(&w.laddr, strlen(row->laddr));
		widen(&w.lport, strlen(port_text(row->lport, lp)));
		widen(&w.raddr, strlen(row->raddr));
	}
	if (netid)
		printf("%-5s ", "Netid");
	printf("%-*s %-*s %-*s %*s:%-*s %*s:%s\n", w.state, "State", w.recvq,
	       "Recv-Q", w.sendq, "Send-Q", w.laddr, "Local Address", w.lport,
	       "Port", w.raddr, "Peer Address", "Port");
	for (size_t i = 0; i < r->n; i++) {
		const struct ss_row *row = &r->v[i];

		if (netid)
			printf("%-5s ", row->netid);
		printf("%-*s %-*lu %-*lu %*s:%-*s %*s:%s\n", w.state,
		       ss_state_name[row->state], w.recvq,
		       (unsigned long)row->recvq, w.sendq,
		       (unsigned long)row->sendq, w.laddr, row->laddr, w.lport,
		       port_text(row->lport, lp), w.raddr, row->raddr,
		       port_text(row->rport, rp));
	}
}

static int ss_usage(void)
{
	printf("Usage: ss [ OPTIONS ]\n"
	       "   -t, --tcp           display only TCP sockets\n"
	       "   -u, --udp           display only UDP sockets\n"
	       "   -l, --listening     display listening sockets\n"
	       "   -a, --all           display all sockets\n"
	       "   -n, --numeric       don't resolve service names (always)\n"
	       "   -4, --ipv4          display only IPv4 sockets\n"
	       "   -6, --ipv6          display only IPv6 sockets\n");
	return 1;
}

static const struct {
	const char *name;
	char flag;
} ss_long_opts[] = {
	{ "--tcp", 't' }, { "--udp", 'u' }, { "--listening", 'l' },
	{ "--all", 'a' }, { "--numeric", 'n' }, { "--ipv4", '4' },
	{ "--ipv6", '6' },
	{ "--help", 'h' },
};

static int cmd_ss(int argc, char **argv)
{
	bool tcp = false, udp = false;
	struct ss_rows rows = { .states = SS_CONN };
	unsigned fams = 0;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *flags = arg + 1;
		char one[2] = { 0 };

		if (arg[0] != '-' || !arg[1]) {
			printf("ss: filter expressions are not supported: %s\n",
			       arg);
			return ss_usage();
		}
		if (arg[1] == '-') {
			flags = NULL;
			for (size_t k = 0; k < sizeof(ss_long_opts) /
						  sizeof(ss_long_opts[0]); k++)
				if (strcmp(arg, ss_long_opts[k].name) == 0) {
					one[0] = ss_long_opts[k].flag;
					flags = one;
				}
			if (!flags) {
				printf("ss: unrecognized option '%s'\n", arg);
				return ss_usage();
			}
		}
		for (const char *f = flags; *f; f++) {
			switch (*f) {
			case 't':
				tcp = true;
				break;
			case 'u':
				udp = true;
				break;
			case 'l':
				rows.states = SS_LISTENING;
				break;
			case 'a':
				rows.states = SS_ALL;
				break;
			case 'n':
				break;
			case '4':
				fams |= 1u << NET_AF_INET;
				break;
			case '6':
				fams |= 1u << NET_AF_INET6;
				break;
			case 'h':
				return ss_usage();
			default:
				printf("ss: invalid option -- '%c'\n", *f);
				return ss_usage();
			}
		}
	}
	if (!tcp && !udp)
		tcp = udp = true;
	rows.families = fams ? fams : (1u << NET_AF_INET | 1u << NET_AF_INET6);

	struct net_stack *s = net_glue_stack();
	net_glue_lock();
	if (tcp)
		tcp_foreach(s, tcp_row, &rows);
	if (udp)
		net_sock_for_each(s, udp_row, &rows);
	net_glue_unlock();

	if (rows.nomem) {
		free(rows.v);
		printf("ss: %s\n", strerror(ENOMEM));
		return 1;
	}
	print_rows(&rows, tcp && udp);
	free(rows.v);
	return 0;
}

/* --- /proc/net/sockstat ------------------------------------------------ */

/* Bytes queued on UDP sockets, into *(unsigned long *)arg. */
static void add_udp_bytes(const struct net_sock *sk, void *arg)
{
	if (sk->type == NET_SOCK_UDP)
		*(unsigned long *)arg += dgram_csk(sk)->rx_bytes;
}

static unsigned long pages(unsigned long bytes)
{
	return (bytes + PAGE_BYTES - 1) / PAGE_BYTES;
}

/* Linux's format; "mem" counts pages, FRAG's "memory" bytes. UDP-Lite
 * and raw sockets do not exist here. */
static void show_sockstat(struct seqbuf *sb)
{
	struct net_stack *s = net_glue_stack();
	unsigned long udp_bytes = 0;

	net_glue_lock();
	unsigned used = socket_count();
	const struct tcp_state *t = &s->tcp;
	unsigned tcp_inuse = t->inuse, orphans = t->orphans, tw = t->tw;
	unsigned alloc = t->allocated;
	unsigned long tcp_mem = (unsigned long)t->mem;
	unsigned udp_inuse = net_sock_count(s, NET_SOCK_UDP);
	net_sock_for_each(s, add_udp_bytes, &udp_bytes);
	unsigned frag_inuse = s->ip.reasm_count;
	unsigned long frag_bytes = (unsigned long)s->ip.reasm_bytes;
	net_glue_unlock();

	seq_printf(sb, "sockets: used %u\n", used);
	seq_printf(sb, "TCP: inuse %u orphan %u tw %u alloc %u mem %lu\n",
		   tcp_inuse, orphans, tw, alloc, pages(tcp_mem));
	seq_printf(sb, "UDP: inuse %u mem %lu\n", udp_inuse, pages(udp_bytes));
	seq_printf(sb, "UDPLITE: inuse 0\n");
	seq_printf(sb, "RAW: inuse 0\n");
	seq_printf(sb, "FRAG: inuse %u memory %lu\n", frag_inuse, frag_bytes);
}

/* Linux's "allocated free max" of open files: the console's three and
 * the socket descriptors taken, 0 (Linux has long stopped freeing to a
 * pool), and the table's size, past which socket() and accept() fail
 * with EMFILE. */
static void show_file_nr(struct seqbuf *sb)
{
	seq_printf(sb, "%u\t0\t%u\n", SOCKET_FD_BASE + socket_fds_used(),
		   SOCKET_FD_BASE + SOCKET_FD_MAX);
}

static const struct shell_cmd ss_cmds[] = {
	{ "ss", "ss [-t] [-u] [-l] [-a] [-n]",
	  "TCP and UDP sockets (iproute2)", cmd_ss },
};

void cmd_ss_init(void)
{
	shell_register(ss_cmds, sizeof(ss_cmds) / sizeof(ss_cmds[0]));
	proc_register("/proc/net/sockstat", show_sockstat);
	proc_register("/proc/sys/fs/file-nr", show_file_nr);
}
