/*
 * TCP (RFC 9293): connections, their state machine and the stack-side
 * API that the kernel's socket layer calls.
 *
 * Files, split by job as FreeBSD's sys/netinet:
 *   tcp_input.c   segment arrival (RFC 9293 3.10.7), RST/challenge ACK
 *   tcp_output.c  building and sending segments, RSTs, ACKs
 *   tcp_timer.c   the one timer per connection: retransmission, persist,
 *                 delayed ACK, keepalive, an orphan's linger
 *   tcp_timewait.c  TIME_WAIT and FIN_WAIT_2 records, their own queues
 *   tcp_subr.c    TCB allocation, lookup hashes, teardown, counters
 *   tcp_usrreq.c  the user calls below
 *
 * Contract: every function is called with the stack serialised (see
 * stack.h) and never blocks. Time is s->now (ms), set by net_input() and
 * net_poll(). A struct tcp_sock begins with a struct net_sock, so the
 * event list (net_sock_notify / net_take_events) carries TCP sockets
 * too; sk.so_error holds an asynchronous error (connect refused, reset).
 *
 * Buffers: each connection owns a send ring and a receive ring, of half
 * its SO_SNDBUF / SO_RCVBUF (which hold twice what was asked, as on
 * Linux; TCP_SNDBUF and TCP_RCVBUF by default; a listener's children
 * inherit its sizes), allocated when it becomes synchronised-to-be
 * (connect, or a SYN accepted by a listener) and fixed from then on.
 * Out-of-order data is written straight into the receive ring at its
 * offset (the advertised window never exceeds the ring's free space) and
 * remembered as up to TCP_OOO_MAX ranges, which are also the SACK blocks
 * we send (RFC 2018); a segment that would need a further range is
 * dropped and re-ACKed. The sender keeps no per-segment queue:
 * retransmission re-reads the ring from SND.UNA, and the peer's SACK
 * blocks (tcp_sack.h) say which holes to resend during recovery.
 *
 * Lifetime, as Linux's: tcp_close() detaches the user at once. A
 * connection not yet closed becomes an orphan that the stack drives
 * through FIN_WAIT_1, CLOSING or LAST_ACK and then frees; bounded by
 * tcp_max_orphans, tcp_orphan_retries and TCP_ORPHAN_LINGER. An orphan
 * waiting only for the peer's FIN (FIN_WAIT_2), and any connection that
 * reaches TIME_WAIT, is reduced to a 64-byte struct tcp_tw record (104
 * bytes for IPv6; tcp_timewait.c) and its TCB closed: a user still
 * holding the socket sees it CLOSED, ss shows the record. Lookup order
 * for a segment: connections, then records, then listeners.
 */
#ifndef KITE_NET_TCP_H
#define KITE_NET_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/sock.h"
#include "net/tcp_cc.h"
#include "net/tcp_isn.h"
#include "net/tcp_opt.h"
#include "net/tcp_sack.h"
#include "net/timerwheel.h"

/* Knobs, Linux's names where one exists. */
#define TCP_TIMEWAIT_LEN	60000U	/* ms: 2*MSL, Linux's value */
#define TCP_ORPHAN_LINGER	60000U	/* ms: an orphan's maximum life */
/* The defaults of the net.ipv4.tcp_* sysctls (struct tcp_sysctl),
 * Linux's unless said. */
#define TCP_SYN_RETRIES		6	/* net.ipv4.tcp_syn_retries */
#define TCP_SYNACK_RETRIES	5	/* net.ipv4.tcp_synack_retries */
#define TCP_RETRIES2		15	/* net.ipv4.tcp_retries2 */
#define TCP_FIN_TIMEOUT		60	/* s: net.ipv4.tcp_fin_timeout */
#define TCP_MAX_ORPHANS		1024	/* tcp_max_orphans (Linux's scales
					 * with RAM; this suits 256 MiB) */
#define TCP_MAX_TW_BUCKETS	4096	/* tcp_max_tw_buckets (likewise) */
#define TCP_ORPHAN_RETRIES	0	/* tcp_orphan_retries: 0 means 8 */
#define TCP_TW_REUSE		2	/* tcp_tw_reuse: loopback only */
#define TCP_SYNCOOKIES		1	/* tcp_syncookies: on overflow */
#define TCP_TIMESTAMPS		1	/* tcp_timestamps: with offsets */
#define TCP_KEEPALIVE_TIME	7200	/* s: tcp_keepalive_time */
#define TCP_KEEPALIVE_INTVL	75	/* s: tcp_keepalive_intvl */
#define TCP_KEEPALIVE_PROBES	9	/* tcp_keepalive_probes */
#define TCP_DELACK_MIN		40U	/* ms */
#define TCP_DELACK_MAX		200U	/* ms */
#define TCP_SNDBUF		(64 * 1024)	/* default send ring */
#define TCP_RCVBUF		(64 * 1024)	/* default receive ring */
#define TCP_MSS_DEFAULT		536U	/* RFC 9293 3.7.1: no MSS option */
/* The smallest MSS a peer can make us use, before options: 40 octets of
 * options and 8 of data (net.ipv4.tcp_min_snd_mss). */
#define TCP_MIN_SND_MSS		48U
#define TCP_OOO_MAX		4	/* out-of-order ranges (SACK blocks) */
#define TCP_CHALLENGE_ACK_LIMIT	1000	/* per second: tcp_challenge_ack_limit */
#define TCP_INVALID_RATELIMIT	500U	/* ms: tcp_invalid_ratelimit */
#define TCP_FIN_TIMEOUT_MAX	120000	/* ms: the most TCP_LINGER2 takes */
/* s: a TS.Recent older than this is too old for PAWS to judge by (RFC
 * 7323 5.5; Linux's TCP_PAWS_24DAYS): the peer's clock may have
 * wrapped past half its space at 1 ms a tick. */
#define TCP_PAWS_IDLE_MAX	(60U * 60 * 24 * 24)
#define TCP_EHASH_SIZE		256	/* connection buckets; power of 2 */
#define TCP_LHASH_SIZE		32	/* listener buckets; power of 2 */
#define TCP_HLEN		20

/* Header flags. */
#define TCP_FIN			0x01
#define TCP_SYN			0x02
#define TCP_RST			0x04
#define TCP_PSH			0x08
#define TCP_ACK			0x10
#define TCP_URG			0x20

/* RFC 9293 3.3.2. */
enum tcp_fsm_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RECEIVED,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
};

/* tp->flags */
#define TF_NODELAY	0x0001	/* TCP_NODELAY: no Nagle */
#define TF_ORPHAN	0x0002	/* tcp_close() done: the stack owns it */
#define TF_ACKNOW	0x0004	/* send an ACK at the next output */
#define TF_DELACK	0x0008	/* an ACK is owed, delayed */
#define TF_FIN_QUEUED	0x0010	/* SHUT_WR: FIN after the queued data */
#define TF_FIN_SENT	0x0020	/* FIN has a sequence number (snd_max) */
#define TF_RCVD_FIN	0x0040	/* peer's FIN consumed */
#define TF_WS		0x0080	/* window scaling negotiated */
#define TF_TS		0x0100	/* timestamps negotiated */
#define TF_SACK		0x0200	/* SACK-permitted negotiated */
#define TF_PERSIST	0x0400	/* the rexmt deadline is a window probe */
#define TF_RTT_TIMING	0x0800	/* timing rtt_seq (no timestamps) */
#define TF_PORT		0x1000	/* holds lport (sk.port_fams' tables) */
#define TF_ACCEPTQ	0x2000	/* on its listener's accept queue */
#define TF_PORT_REUSE	0x4000	/* lport reference taken with PORT_REUSE */
#define TF_KEEPALIVE	0x8000	/* SO_KEEPALIVE */
#define TF_SYNQ		0x10000	/* holds a place in its listener's synq */
#define TF_FORCE	0x20000	/* persist timer: send what the window takes */
#define TF_FULLSEG	0x40000	/* a full-sized segment not yet ACKed */

struct tcp_ooo {
	uint32_t start, end;	/* sequence range held in the ring */
};

struct tcp_sock {
	struct net_sock sk;		/* addresses, so_error, events */
	struct tcp_sock *hnext;		/* ehash or lhash chain */
	struct tcp_sock *parent;	/* listener, until accepted */
	struct tcp_sock *aq_next;	/* accept queue link */
	struct wtimer timer;		/* earliest of the deadlines below */
	/* ms; 0: off. t_keep: keepalive, or an orphan's maximum linger. */
	uint64_t t_rexmt, t_delack, t_keep;
	uint64_t rcv_time;		/* last segment received (keepalive) */
	uint8_t state;			/* enum tcp_fsm_state */
	uint8_t retries;		/* consecutive timeouts */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t keep_probes;		/* keepalive probes unanswered */
	uint8_t nooo;			/* ranges in ooo[] */
	uint16_t mss;			/* send MSS */
	uint32_t flags;			/* TF_* */

	/* Send sequence space (RFC 9293 3.3.1). No SND.WL2: the window
	 * update test is Linux's (tcp_input.c), which needs none.
	 * max_sndwnd: the largest window the peer ever offered (BSD's),
	 * the measure of sender SWS avoidance (RFC 1122 4.2.3.4). */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1;
	uint32_t max_sndwnd;
	/* Receive sequence space. */
	uint32_t irs, rcv_nxt, rcv_adv;	/* rcv_adv: right edge advertised */

	uint32_t ts_recent, ts_offset;	/* RFC 7323 */
	uint32_t ts_recent_stamp;	/* s: when ts_recent was taken */
	uint32_t rtt_seq;		/* timed segment (no timestamps) */
	uint32_t snd_time;		/* ms, low bits: data last sent */
	uint32_t last_oow_ack;		/* ms, low bits: rate limit */
	uint32_t rtt_time;		/* ms, low bits: rtt_seq sent */

	struct tcp_rtt rtt;
	struct tcp_cc cc;
	/* TCP_LINGER2: ms an orphan waits for the peer's FIN in
	 * FIN_WAIT_2; 0: tcp_fin_timeout; negative: reset instead. */
	int32_t linger2;

	/* Rings. snd: bytes from SND.UNA (SYN excluded), snd_len of them. */
	uint8_t *sndbuf, *rcvbuf;
	uint32_t snd_size, rcv_size;	/* ring bytes (SO_SNDBUF/SO_RCVBUF) */
	uint32_t snd_head, snd_len;
	uint32_t rcv_head, rcv_len;	/* in-order bytes not yet read */

	/* A listener never holds data, a connection never has children:
	 * their own parts share the space. */
	union {
		struct {
			/* Held out of order in rcvbuf (our SACK blocks). */
			struct tcp_ooo ooo[TCP_OOO_MAX];
			struct tcp_sackb sackb;	/* what the peer SACKed */
			uint32_t sack_rxt;	/* recovery: resent up to */
		};
		struct {
			/* qlen: children on the accept queue; synq:
			 * children in SYN_RECEIVED; each bounded by
			 * backlog. */
			uint16_t backlog, qlen, synq;
			uint64_t synq_overflow;	/* ms: last cookie; 0 never */
			struct tcp_sock *aq_head, *aq_tail;
		};
	};
};

/* The sysctls of net.ipv4.tcp_*, Linux's names and defaults (the
 * ephemeral range lives in the port allocator). Read at the moment they
 * matter: a change applies to what happens next, not to timers already
 * running. */
struct tcp_sysctl {
	uint32_t fin_timeout;		/* s: orphaned FIN_WAIT_2 (60) */
	uint32_t max_orphans;		/* over it, a new orphan is reset */
	uint32_t max_tw_buckets;	/* over it, no TIME_WAIT is kept */
	uint32_t orphan_retries;	/* FIN retries of an orphan; 0: 8 */
	uint32_t tw_reuse;		/* 0 off, 1 on, 2 loopback only */
	uint32_t syncookies;		/* 0 off, 1 on backlog overflow */
	/* RFC 7323 timestamps: 0 off, 1 on with a per-connection random
	 * offset (RFC 7323 7.1), 2 on without one (Linux's values). */
	uint32_t timestamps;
	uint32_t keepalive_time;	/* s idle before the first probe */
	uint32_t keepalive_intvl;	/* s between probes */
	uint32_t keepalive_probes;	/* unanswered probes before reset */
	uint32_t syn_retries, synack_retries, retries2;
};

/* May tp or a TIME_WAIT record answer one more out-of-window segment
 * (last: its stamp)? At most one every TCP_INVALID_RATELIMIT, as Linux's
 * tcp_oow_rate_limited(): two stacks that each answer the other's
 * unacceptable ACK with an ACK would otherwise loop for ever. */
bool tcp_oow_ok(struct net_stack *s, uint32_t *last);

/* One row of tcp_foreach(): what ss shows. The addresses are those of
 * family (see struct net_sock); nif, for IPv6, the interface a
 * link-local pair is scoped to (NULL: none); v6only, for an IPv6
 * socket, IPV6_V6ONLY (a [::] listener without it takes IPv4 too). */
struct tcp_conn_info {
	uint8_t state;			/* enum tcp_fsm_state */
	bool orphan;
	uint8_t family;			/* NET_AF_INET or NET_AF_INET6 */
	bool v6only;
	union {
		uint32_t laddr;		/* NET_AF_INET: host order */
		struct ip6_addr laddr6;
	};
	union {
		uint32_t raddr;
		struct ip6_addr raddr6;
	};
	const struct netif *nif;
	uint16_t lport, rport;
	uint32_t recvq, sendq;		/* ss Recv-Q / Send-Q */
	uint64_t timer_ms;		/* next deadline from now; 0: none */
};

/*
 * TIME_WAIT record (Linux's inet_timewait_sock): what a connection that
 * has closed must remember for 2*MSL, and no more, so that a late or
 * retransmitted FIN is ACKed, an old duplicate cannot open a new
 * incarnation, and the 4-tuple is not reused too soon (RFC 9293 3.6.1).
 * An orphan in FIN_WAIT_2 is kept the same way (substate FIN_WAIT_2,
 * for tcp_fin_timeout), as Linux does. 64 bytes on a 64-bit machine.
 *
 * IPv6: a v6 connection's record is a struct tcp_tw6, a larger
 * allocation that begins with this record (laddr and raddr unused,
 * TW_V6 set) and adds the two 16-byte addresses and the interface of a
 * link-local pair; both kinds hang on the same twhash and expiry
 * queues, and code that needs the addresses asks tcp_tw_addrs(). The
 * IPv4 record stays 64 bytes.
 */
struct tcp_tw {
	struct tcp_tw *hnext;		/* twhash chain */
	struct tcp_tw *qnext, *qprev;	/* expiry queue, soonest first */
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	uint32_t snd_nxt, rcv_nxt;
	uint32_t ts_recent;		/* RFC 7323, when TW_TS */
	uint32_t ts_recent_stamp;	/* s: when ts_recent was taken */
	uint32_t last_oow_ack;		/* ms, low bits: rate limit */
	uint32_t expires;		/* ms, low 32 bits of the deadline */
	uint16_t rcv_wnd;		/* window field of our ACKs */
	uint8_t rcv_wscale;
	uint8_t flags;			/* TW_* */
};

#define TW_TS		0x01		/* timestamps in use */
#define TW_PORT		0x02		/* holds a (relaxed) lport reference,
					 * in the IPv4 table */
#define TW_FIN_WAIT_2	0x04		/* substate FIN_WAIT_2, else TIME_WAIT */
#define TW_V6		0x08		/* a struct tcp_tw6 */
#define TW_PORT6	0x10		/* TW_PORT, in the IPv6 table */

struct tcp_tw6 {
	struct tcp_tw tw;
	struct ip6_addr laddr6, raddr6;
	struct netif *nif;		/* scope of a link-local pair */
};

/* Expiry queues of TIME_WAIT records: one per substate, each kept in
 * deadline order (TIME_WAIT's is always appended at its tail). */
struct tcp_twq {
	struct tcp_tw *head, *tail;
};

struct tcp_state {
	struct timerwheel wheel;
	struct tcp_sysctl sysctl;
	struct tcp_tw *twhash[TCP_EHASH_SIZE];
	struct tcp_twq twq_tw, twq_fw2;
	struct tcp_secret secret;
	struct tcp_sock *ehash[TCP_EHASH_SIZE];
	struct tcp_sock *lhash[TCP_LHASH_SIZE];
	/* /proc/net/sockstat and /proc/net/snmp. inuse: hashed TCBs
	 * (listeners and connections); orphans: detached from their user;
	 * tw: TIME_WAIT records; allocated: TCBs; mem: bytes of rings;
	 * estab: ESTABLISHED or CLOSE_WAIT (CurrEstab). */
	unsigned inuse, orphans, tw, allocated, estab;
	size_t mem;
	uint64_t orphan_log_at;		/* rate limit of the expiry warning */
	uint64_t challenge_at;		/* s: the second being counted */
	unsigned challenge_sent;	/* challenge ACKs in it */
	unsigned orphan_unlogged;
};

struct net_stack;
struct netif;

static inline struct tcp_sock *tcp_sk(struct net_sock *sk)
{
	return (struct tcp_sock *)sk;	/* sk is the first member */
}

/* --- called by the stack --------------------------------------------- */

void tcp_init(struct net_stack *s);
/* Free every TCB (tearing a stack down; tests). */
void tcp_stack_free(struct net_stack *s);
/* A TCP segment for a local address: ip is the whole IP packet, tcp/len
 * its payload. Verifies the checksum, finds the connection (4-tuple,
 * then listener) and runs RFC 9293 3.10.7; answers RST where no
 * connection exists. */
void tcp_input(struct net_stack *s, struct netif *nif, const uint8_t *ip,
	       const uint8_t *tcp, size_t len);
/* Run due timers. Returns the next deadline (ms) or NET_NEVER. */
uint64_t tcp_poll(struct net_stack *s);
/* An ICMP error quoting a segment we sent, seq its sequence number
 * (err negative errno). As Linux's tcp_v4_err(): ignored unless seq is
 * one we have in flight; it aborts a connection being opened (SYN_SENT,
 * SYN_RECEIVED) with err; a synchronised connection takes it as soft
 * (RFC 1122 4.2.3.9): retransmission decides. */
void tcp_icmp_error(struct net_stack *s, uint32_t src, uint16_t sport,
		    uint32_t dst, uint16_t dport, uint32_t seq, int err);
/* The same for an ICMPv6 error (Linux's tcp_v6_err()); Packet Too Big
 * is the path MTU cache's, as -EMSGSIZE is for IPv4. */
void tcp6_icmp_error(struct net_stack *s, const struct ip6_addr *src,
		     uint16_t sport, const struct ip6_addr *dst,
		     uint16_t dport, uint32_t seq, int err);
/* A TCP segment over IPv6 (ip6.c): src/dst from its IPv6 header, nif
 * the interface it came in on; as tcp_input(). */
void tcp6_input(struct net_stack *s, struct netif *nif,
		const struct ip6_addr *src, const struct ip6_addr *dst,
		const uint8_t *tcp, size_t len);

/* --- called by the socket layer -------------------------------------- */

/* A new CLOSED socket for the kernel socket `user`. NULL: ENOMEM. */
struct tcp_sock *tcp_sock_create(struct net_stack *s, void *user);
/* bind(2): addr 0 or local; port 0 = ephemeral. 0, -EINVAL (bound),
 * -EADDRNOTAVAIL, -EADDRINUSE. */
int tcp_bind(struct net_stack *s, struct tcp_sock *tp, uint32_t addr,
	     uint16_t port);
/*
 * IPv6, for a socket whose sk.family its creator set to NET_AF_INET6
 * before any other call (RFC 3493 semantics, errno as Linux's tcpv6):
 * scope is the interface of a link-local address (sin6_scope_id), NULL
 * if none; it becomes sk.bound_nif. An IPv4-mapped address means IPv4:
 * the socket then speaks IPv4 (sk.family becomes NET_AF_INET, the
 * kernel shows its addresses mapped) and goes on as tcp_bind() /
 * tcp_connect(); with NET_SOCK_F_V6ONLY that is refused (bind -EINVAL,
 * connect -ENETUNREACH).
 *
 * tcp_bind6: :: without V6ONLY takes the port in both families' tables
 * (it then accepts IPv4 connections too, whose children have family
 * NET_AF_INET); a specific address must be ours (-EADDRNOTAVAIL); a
 * link-local one needs a scope (-EINVAL). Ports clash as tcp_bind()'s,
 * within each family's table: 0.0.0.0:80 and a V6ONLY [::]:80 coexist.
 * tcp_connect6: :: means ::1; a link-local peer needs a scope
 * (-EINVAL). Then as tcp_connect().
 */
int tcp_bind6(struct net_stack *s, struct tcp_sock *tp,
	      const struct ip6_addr *addr, struct netif *scope, uint16_t port);
int tcp_connect6(struct net_stack *s, struct tcp_sock *tp,
		 const struct ip6_addr *dst, struct netif *scope,
		 uint16_t dport);
/* listen(2). Binds an ephemeral port if unbound. 0 or -EINVAL. */
int tcp_listen(struct net_stack *s, struct tcp_sock *tp, int backlog);
/* accept(2): the oldest established child, now owned by the caller
 * (its user set to `user`), or NULL with *err -EAGAIN / -EINVAL. */
struct tcp_sock *tcp_accept(struct net_stack *s, struct tcp_sock *tp,
			    void *user, int *err);
/* connect(2): sends the SYN; -EINPROGRESS. Completion: writable with
 * so_error 0; failure: so_error (-ECONNREFUSED, -ETIMEDOUT, ...).
 * -EISCONN, -EALREADY, -ENETUNREACH, -EADDRNOTAVAIL, -ENOMEM. */
int tcp_connect(struct net_stack *s, struct tcp_sock *tp, uint32_t dst,
		uint16_t dport);
/* Copy up to len bytes into the send buffer. Bytes taken, -EAGAIN
 * (full), -EPIPE (shut down for writing, or reset), -ENOTCONN,
 * or a pending so_error. */
int tcp_send(struct net_stack *s, struct tcp_sock *tp, const void *buf,
	     size_t len);
/* Bytes read, 0 at end of stream, -EAGAIN, -ECONNRESET (so_error),
 * -ENOTCONN. */
int tcp_recv(struct net_stack *s, struct tcp_sock *tp, void *buf,
	     size_t len);
/* shutdown(2): NET_SHUT_WR queues a FIN after the data. */
int tcp_shutdown(struct net_stack *s, struct tcp_sock *tp, unsigned how);
/* close(2): detach the user; tp is invalid afterwards. Unread data or a
 * listener's unaccepted children are reset (as Linux). A connection
 * still open becomes an orphan, driven to its end by the stack: bounded
 * by tcp_max_orphans (over it: reset at once, TCPAbortOnMemory) and by
 * TCP_ORPHAN_LINGER (past it: reset and removed, logged). */
void tcp_close(struct net_stack *s, struct tcp_sock *tp);
/* close(2) with SO_LINGER {1, 0}: reset and free at once. */
void tcp_abort(struct net_stack *s, struct tcp_sock *tp);
/* Is our FIN still unacknowledged (FIN_WAIT_1, CLOSING, LAST_ACK)? What
 * a close(2) with SO_LINGER {1, N} waits out. */
bool tcp_closing(const struct tcp_sock *tp);
/* SO_KEEPALIVE. */
void tcp_set_keepalive(struct net_stack *s, struct tcp_sock *tp, bool on);
/* NET_EV_* now. */
unsigned tcp_poll_events(struct net_stack *s, struct tcp_sock *tp);
/* TCP_NODELAY. */
void tcp_set_nodelay(struct tcp_sock *tp, bool on);
/* TCP_LINGER2, as Linux: secs an orphan waits in FIN_WAIT_2 for the
 * peer's FIN (0: net.ipv4.tcp_fin_timeout; more than 120 s: 120 s), or
 * negative: no FIN_WAIT_2 at all, the connection is reset (or, if the
 * peer already acknowledged our FIN, dropped) instead. The getter
 * answers in seconds, tcp_fin_timeout for 0, -1 for a reset. */
void tcp_set_linger2(struct tcp_sock *tp, int secs);
int tcp_get_linger2(const struct net_stack *s, const struct tcp_sock *tp);
/* How long tp, orphaned, waits in FIN_WAIT_2 (ms; its linger2 >= 0). */
uint32_t tcp_fin_wait2_ms(const struct net_stack *s,
			  const struct tcp_sock *tp);
/* Every listener, connection and TIME_WAIT record, once each, in no
 * particular order. fn must not call into the stack. */
void tcp_foreach(struct net_stack *s,
		 void (*fn)(const struct tcp_conn_info *ci, void *arg),
		 void *arg);

/* --- between the tcp*.c files ---------------------------------------- */

/* A parsed incoming segment (tcp_input.c): a.l* its destination (us),
 * a.r* its source; nif, the interface it came in on. */
struct tcp_seg {
	struct tcp_addrs a;
	struct netif *nif;
	uint32_t seq, ack, wnd;
	uint16_t sport, dport;
	uint8_t flags;
	uint32_t len;			/* data bytes */
	const uint8_t *data;
	struct tcp_opts opt;
};

unsigned tcp_ehash(const struct tcp_addrs *a, uint16_t lport,
		   uint16_t rport);
/* A connection's addresses, and the interface its segments leave by
 * (an IPv6 link-local pair's scope; NULL: the route's). */
void tcp_sk_addrs(const struct net_sock *sk, struct tcp_addrs *a);
static inline struct tcp_addrs tcp_addrs4(uint32_t laddr, uint32_t raddr)
{
	return (struct tcp_addrs){ .laddr = laddr, .raddr = raddr };
}
/* Do two pairs name the same ends? */
bool tcp_addrs_eq(const struct tcp_addrs *a, const struct tcp_addrs *b);
/* The MSS to offer for a connection from local address a (that of its
 * interface's MTU), or TCP_MSS_DEFAULT when none is known. */
uint16_t tcp_local_mss(struct net_stack *s, const struct tcp_addrs *a,
		       struct netif *nif);

/* TCP's port table of one family (NET_PORT_V4 or NET_PORT_V6), and a
 * reference on port in every table of fams (all or none: 0 or
 * -ENOMEM), dropped again. A TCB's references: TF_PORT, in the tables
 * of sk.port_fams. */
struct port_table *tcp_ports(struct net_stack *s, unsigned fam);
int tcp_port_get(struct net_stack *s, unsigned fams, uint16_t port,
		 unsigned flags);
void tcp_port_put(struct net_stack *s, unsigned fams, uint16_t port,
		  unsigned flags);

struct tcp_sock *tcp_alloc(struct net_stack *s);
/* Fix the rings' sizes (and so the window scale) from SO_RCVBUF and
 * SO_SNDBUF; then take them, sized so if not yet (0 or -ENOMEM). A
 * passive connection is sized at the SYN and given its rings only when
 * the handshake completes: a half-open one holds no buffer. */
void tcp_size_buffers(struct tcp_sock *tp);
int tcp_alloc_buffers(struct net_stack *s, struct tcp_sock *tp);
void tcp_hash(struct net_stack *s, struct tcp_sock *tp);
void tcp_unhash(struct net_stack *s, struct tcp_sock *tp);
struct tcp_sock *tcp_lookup(struct net_stack *s, const struct tcp_addrs *a,
			    uint16_t lport, uint16_t rport);
/* The listener for a segment g: the most specific address, then the
 * same family (an IPv4 segment prefers 0.0.0.0 to a dual-stack [::]). */
struct tcp_sock *tcp_lookup_listener(struct net_stack *s,
				     const struct tcp_seg *g);
void tcp_set_state(struct net_stack *s, struct tcp_sock *tp, int state);
/* To CLOSED: unhash, stop timers, release the port; free if orphaned. */
void tcp_done(struct net_stack *s, struct tcp_sock *tp);
/* Abort with err as so_error (reset received, timeout). */
void tcp_reset(struct net_stack *s, struct tcp_sock *tp, int err);
void tcp_free(struct net_stack *s, struct tcp_sock *tp);
uint32_t tcp_rcv_window(const struct tcp_sock *tp);
void tcp_init_conn(struct net_stack *s, struct tcp_sock *tp);

void tcp_output(struct net_stack *s, struct tcp_sock *tp);
void tcp_send_ack(struct net_stack *s, struct tcp_sock *tp);
void tcp_send_syn(struct net_stack *s, struct tcp_sock *tp);
/* Resend the segment at SND.UNA (fast retransmit, partial ACK). */
void tcp_retransmit_head(struct net_stack *s, struct tcp_sock *tp);
/* Resend the next hole the peer's SACKs show, at or after sack_rxt;
 * false if there is none (or SACK is off). */
bool tcp_sack_retransmit(struct net_stack *s, struct tcp_sock *tp);
void tcp_send_probe(struct net_stack *s, struct tcp_sock *tp);
/* SYN-ACK of a SYN cookie: ISN cookie, only the MSS option. */
void tcp_send_cookie_synack(struct net_stack *s, const struct tcp_seg *g,
			    uint32_t cookie, uint16_t mss, uint16_t win);
/* The window a SYN cookie's SYN-ACK offers for listener l (unscaled). */
uint16_t tcp_cookie_window(const struct tcp_sock *l);
void tcp_send_rst_for(struct net_stack *s, struct tcp_sock *tp);
/* RST answering segment g (RFC 9293 3.10.7.1). */
void tcp_respond_rst(struct net_stack *s, const struct tcp_seg *g,
		     uint32_t seq, uint32_t ack, uint8_t flags);

/* TIME_WAIT (tcp_timewait.c). tcp_time_wait() moves tp's connection
 * into a record of substate TCP_TIME_WAIT or TCP_FIN_WAIT_2 expiring
 * after timeo_ms, then closes tp (tcp_done(): freed if an orphan).
 * Over tcp_max_tw_buckets no record is kept (counted, logged). */
void tcp_time_wait(struct net_stack *s, struct tcp_sock *tp, int substate,
		   uint32_t timeo_ms);
struct tcp_tw *tcp_tw_lookup(struct net_stack *s, const struct tcp_addrs *a,
			     uint16_t lport, uint16_t rport);
/* tw's addresses, and the interface of a v6 link-local pair. */
void tcp_tw_addrs(const struct tcp_tw *tw, struct tcp_addrs *a);
struct netif *tcp_tw_nif(const struct tcp_tw *tw);
/* A segment for tw. Returns true if it is a SYN that may open a new
 * incarnation, with *isn the ISN to use: the caller then kills tw if a
 * listener takes the SYN, or ACKs it from tw if none does. */
bool tcp_tw_input(struct net_stack *s, struct tcp_tw *tw,
		  const struct tcp_seg *g, uint32_t *isn);
void tcp_tw_kill(struct net_stack *s, struct tcp_tw *tw);
/* May an outgoing connect take over tw's 4-tuple (tcp_tw_reuse)? */
bool tcp_tw_reusable(struct net_stack *s, const struct tcp_tw *tw);
/* Reap expired records; the next deadline or NET_NEVER. */
uint64_t tcp_tw_poll(struct net_stack *s);
void tcp_tw_free_all(struct net_stack *s);
void tcp_tw_send_ack(struct net_stack *s, const struct tcp_tw *tw);

void tcp_timer_update(struct net_stack *s, struct tcp_sock *tp);
void tcp_timer_fn(struct timerwheel *w, struct wtimer *t, void *arg);
void tcp_arm_rexmt(struct net_stack *s, struct tcp_sock *tp);
/* Start keepalive if tp has SO_KEEPALIVE and a state that uses it. */
void tcp_keepalive_arm(struct net_stack *s, struct tcp_sock *tp);
uint32_t tcp_ts_now(struct net_stack *s, const struct tcp_sock *tp);

#endif
