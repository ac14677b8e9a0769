/*
 * Unit tests for net/dhcp.c: the DHCP client driven with virtual time
 * and crafted server replies, and the ip= gw= parser.
 *
 * The world around the client is faked here: the UDP internal-socket
 * API (the receive callback is captured, sent datagrams are recorded),
 * net_set_addr (records what was configured), and net/port.h (malloc,
 * a scripted net_random, a log kept for checks). Replies are handed to
 * the callback in heap buffers of their exact length, so ASan catches
 * any read past a datagram's end.
 *
 * Build: gcc ... tests/net/test_dhcp.c net/dhcp.c net/inet.c
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/dhcp.h"
#include "net/port.h"
#include "net/stack.h"
#include "tests/unit/test.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define SERVER	IP(10, 0, 2, 2)
#define OFFERED	IP(10, 0, 2, 15)
#define SEC	1000ull

/* --- fakes: net/port.h ------------------------------------------------ */

static uint32_t rand_value;	/* what net_random() returns next */
static unsigned rand_calls;
static char log_lines[32][200];
static int nlog;

void *net_alloc(size_t size)
{
	return malloc(size);
}

void net_free(void *p)
{
	free(p);
}

uint32_t net_random(void)
{
	rand_calls++;
	return rand_value;
}

void net_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log_lines[nlog % 32], sizeof(log_lines[0]), fmt, ap);
	va_end(ap);
	nlog++;
}

static bool logged(const char *line)
{
	for (int i = 0; i < nlog && i < 32; i++)
		if (strcmp(log_lines[i], line) == 0)
			return true;
	return false;
}

/* --- fakes: UDP internal sockets -------------------------------------- */

typedef void (*udp_cb)(struct net_stack *s, struct net_sock *sk,
		       const uint8_t *data, size_t len, uint32_t src,
		       uint16_t sport, struct netif *nif);

static struct net_sock fake_sk;
static udp_cb rx_cb;
static int opens, closes;
static uint16_t opened_port;
static bool open_fails;
static int send_result;

struct sent {
	struct netif *nif;
	uint32_t src, dst;
	uint16_t dport;
	uint8_t data[600];
	size_t len;
};
static struct sent sent[64];
static int nsent;

struct net_sock *net_udp_open_internal(struct net_stack *s, uint16_t lport,
				       udp_cb cb, void *arg)
{
	if (open_fails)
		return NULL;
	opens++;
	opened_port = lport;
	rx_cb = cb;
	return &fake_sk;
}

int net_udp_send_internal(struct net_stack *s, struct net_sock *sk,
			  struct netif *nif, uint32_t src, uint32_t dst,
			  uint16_t dport, const void *data, size_t len)
{
	struct sent *m = &sent[nsent++ % 64];

	m->nif = nif;
	m->src = src;
	m->dst = dst;
	m->dport = dport;
	m->len = len < sizeof(m->data) ? len : sizeof(m->data);
	memcpy(m->data, data, m->len);
	return send_result;
}

void net_udp_close_internal(struct net_stack *s, struct net_sock *sk)
{
	if (sk == &fake_sk)
		closes++;
}

/* --- fakes: the stack ------------------------------------------------- */

struct set_addr {
	struct netif *nif;
	uint32_t addr, gw;
	uint8_t prefix;
	enum netif_addr_source source;
};
static struct set_addr set_addrs[16];
static int nset;

void net_set_addr(struct net_stack *s, struct netif *nif, uint32_t addr,
		  uint8_t prefix_len, uint32_t gw,
		  enum netif_addr_source source)
{
	set_addrs[nset++ % 16] = (struct set_addr){ nif, addr, gw, prefix_len,
						    source };
	nif->addr = addr;
	nif->prefix_len = addr ? prefix_len : 0;
	nif->addr_source = addr ? source : NETIF_ADDR_NONE;
}

/* --- the test world ---------------------------------------------------- */

static struct net_stack stack;
static struct net_stack *s = &stack;
static struct netif eth0, eth1;
static const uint8_t mac0[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };

static void reset(void)
{
	memset(&stack, 0, sizeof(stack));
	memset(&eth0, 0, sizeof(eth0));
	memset(&eth1, 0, sizeof(eth1));
	strcpy(eth0.name, "eth0");
	strcpy(eth1.name, "eth1");
	memcpy(eth0.mac, mac0, 6);
	memcpy(eth1.mac, mac1, 6);
	stack.netifs[stack.nnetifs++] = &stack.lo;
	stack.netifs[stack.nnetifs++] = &eth0;
	stack.netifs[stack.nnetifs++] = &eth1;
	rand_value = 1000;	/* jitter 0 */
	rand_calls = 0;
	nlog = 0;
	rx_cb = NULL;
	opens = closes = 0;
	open_fails = false;
	send_result = 0;
	nsent = 0;
	nset = 0;
}

static uint64_t poll_at(uint64_t now)
{
	s->now = now;
	return dhcp_poll(s);
}

static struct sent *last_sent(void)
{
	return nsent ? &sent[(nsent - 1) % 64] : NULL;
}

/* The value of option `code` in a message we sent, or NULL. */
static const uint8_t *find_opt(const struct sent *m, uint8_t code,
			       uint8_t *olen)
{
	size_t i = 240;

	while (i < m->len) {
		uint8_t c = m->data[i++];
		if (c == 0)
			continue;
		if (c == 255 || i >= m->len)
			return NULL;
		uint8_t l = m->data[i++];
		if (c == code) {
			*olen = l;
			return &m->data[i];
		}
		i += l;
	}
	return NULL;
}

static int msg_type(const struct sent *m)
{
	uint8_t l;
	const uint8_t *v = find_opt(m, 53, &l);

	return v && l == 1 ? v[0] : -1;
}

static uint32_t opt_addr(const struct sent *m, uint8_t code)
{
	uint8_t l;
	const uint8_t *v = find_opt(m, code, &l);

	return v && l == 4 ? get_be32(v) : 0;
}

static uint32_t xid_of(const struct sent *m)
{
	return get_be32(m->data + 4);
}

/* --- crafted replies --------------------------------------------------- */

struct reply {
	uint8_t b[600];
	size_t len;
};

static void reply_init(struct reply *r, uint8_t type, uint32_t xid,
		       uint32_t yiaddr, const uint8_t *mac)
{
	memset(r, 0, sizeof(*r));
	r->b[0] = 2;		/* BOOTREPLY */
	r->b[1] = 1;
	r->b[2] = 6;
	put_be32(r->b + 4, xid);
	put_be32(r->b + 16, yiaddr);
	memcpy(r->b + 28, mac, 6);
	put_be32(r->b + 236, 0x63825363);
	r->len = 240;
	r->b[r->len++] = 53;
	r->b[r->len++] = 1;
	r->b[r->len++] = type;
}

static void reply_opt32(struct reply *r, uint8_t code, uint32_t v)
{
	r->b[r->len++] = code;
	r->b[r->len++] = 4;
	put_be32(r->b + r->len, v);
	r->len += 4;
}

static void reply_end(struct reply *r)
{
	r->b[r->len++] = 255;
}

/* What slirp sends: mask, router, DNS, lease, server id. */
static void reply_std(struct reply *r, uint8_t type, uint32_t xid,
		      uint32_t lease)
{
	reply_init(r, type, xid, OFFERED, mac0);
	reply_opt32(r, 54, SERVER);
	reply_opt32(r, 1, IP(255, 255, 255, 0));
	reply_opt32(r, 3, SERVER);
	reply_opt32(r, 6, IP(10, 0, 2, 3));
	reply_opt32(r, 51, lease);
	reply_end(r);
}

/* Hand bytes to the client in a heap buffer of exactly len bytes. */
static void deliver_bytes(const uint8_t *b, size_t len, uint16_t sport,
			  struct netif *nif)
{
	uint8_t *copy = malloc(len ? len : 1);

	memcpy(copy, b, len);
	rx_cb(s, &fake_sk, copy, len, SERVER, sport, nif);
	free(copy);
}

static void deliver(const struct reply *r)
{
	deliver_bytes(r->b, r->len, 67, &eth0);
}

static struct dhcp_stats stats(void)
{
	struct dhcp_stats st;

	memset(&st, 0, sizeof(st));
	dhcp_get_stats(s, &st);
	return st;
}

/* Start on eth0 at t=0 and return the DISCOVER's xid. */
static uint32_t start_discover(void)
{
	s->now = 0;
	dhcp_start(s, &eth0);
	poll_at(0);
	return xid_of(last_sent());
}

/* DISCOVER at t=0, OFFER and ACK at t=0: bound with `lease`. */
static void bind_lease(uint32_t lease)
{
	struct reply r;
	uint32_t xid = start_discover();

	reply_std(&r, 2, xid, lease);
	deliver(&r);
	reply_std(&r, 5, xid, lease);
	deliver(&r);
}

/* --- the exchange ------------------------------------------------------ */

TEST(test_dhcp_discover_is_broadcast_with_bootp_fields_and_options)
{
	reset();
	rand_value = 0x1234abcd;
	dhcp_start(s, &eth0);
	CHECK_EQ(opens, 1);
	CHECK_EQ(opened_port, 68);
	CHECK_EQ(nsent, 0);	/* the DISCOVER waits for the poll */

	poll_at(5 * SEC);
	CHECK_EQ(nsent, 1);
	struct sent *m = last_sent();
	CHECK(m->nif == &eth0);
	CHECK_EQ(m->src, 0);
	CHECK_EQ(m->dst, 0xffffffffu);
	CHECK_EQ(m->dport, 67);
	CHECK_EQ(m->len, 300);		/* BOOTP minimum */
	CHECK_EQ(m->data[0], 1);	/* BOOTREQUEST */
	CHECK_EQ(m->data[1], 1);
	CHECK_EQ(m->data[2], 6);
	CHECK_EQ(m->data[3], 0);
	CHECK_EQ(xid_of(m), 0x1234abcd);
	CHECK_EQ(get_be16(m->data + 8), 0);		/* secs */
	CHECK_EQ(get_be16(m->data + 10), 0x8000);	/* BROADCAST */
	CHECK_EQ(get_be32(m->data + 12), 0);		/* ciaddr */
	CHECK_EQ(get_be32(m->data + 16), 0);
	CHECK(memcmp(m->data + 28, mac0, 6) == 0);
	CHECK_EQ(get_be32(m->data + 236), 0x63825363);
	CHECK_EQ(msg_type(m), 1);

	uint8_t l;
	const uint8_t *prl = find_opt(m, 55, &l);
	CHECK(prl);
	static const uint8_t want[] = { 1, 3, 6, 51, 58, 59 };
	for (size_t i = 0; i < sizeof(want); i++)
		CHECK(memchr(prl, want[i], l));
	const uint8_t *cid = find_opt(m, 61, &l);
	CHECK(cid && l == 7 && cid[0] == 1 && memcmp(cid + 1, mac0, 6) == 0);
	CHECK(!find_opt(m, 50, &l));
	CHECK(!find_opt(m, 54, &l));
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_offer_request_ack_configures_interface)
{
	struct reply r;

	reset();
	uint32_t xid = start_discover();

	/* The offer arrives 1.5 s later: REQUEST at once, same xid. */
	s->now = 1500;
	reply_std(&r, 2, xid, 86400);
	deliver(&r);
	CHECK_EQ(nsent, 2);
	struct sent *m = last_sent();
	CHECK_EQ(msg_type(m), 3);
	CHECK_EQ(xid_of(m), xid);
	CHECK_EQ(m->src, 0);
	CHECK_EQ(m->dst, 0xffffffffu);
	CHECK_EQ(get_be16(m->data + 8), 1);		/* secs */
	CHECK_EQ(get_be16(m->data + 10), 0x8000);
	CHECK_EQ(get_be32(m->data + 12), 0);		/* ciaddr */
	CHECK_EQ(opt_addr(m, 50), OFFERED);
	CHECK_EQ(opt_addr(m, 54), SERVER);
	CHECK_EQ(nset, 0);
	CHECK(!dhcp_lease_info(s, &eth0, NULL, NULL));

	s->now = 1600;
	reply_std(&r, 5, xid, 86400);
	deliver(&r);
	CHECK_EQ(nset, 1);
	CHECK(set_addrs[0].nif == &eth0);
	CHECK_EQ(set_addrs[0].addr, OFFERED);
	CHECK_EQ(set_addrs[0].prefix, 24);
	CHECK_EQ(set_addrs[0].gw, SERVER);
	CHECK_EQ(set_addrs[0].source, NETIF_ADDR_DHCP);
	CHECK(logged("dhcp: eth0 lease 10.0.2.15 from 10.0.2.2 for 86400 s"));
	CHECK_EQ(eth0.dhcp->state, DHCP_BOUND);

	/* Counted from the REQUEST at 1.5 s (RFC 2131 4.4.1). */
	uint32_t server = 0, left = 0;
	s->now = 1500 + 100 * SEC;
	CHECK(dhcp_lease_info(s, &eth0, &server, &left));
	CHECK_EQ(server, SERVER);
	CHECK_EQ(left, 86400 - 100);
	CHECK_EQ(poll_at(2 * SEC), 1500 + 43200 * SEC);	/* T1 */
	CHECK_EQ(nsent, 2);
	struct dhcp_stats st = stats();
	CHECK_EQ(st.InMsgs, 2);
	CHECK_EQ(st.InErrors + st.InIgnored, 0);
	CHECK_EQ(st.OutMsgs, 2);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_second_offer_ignored_after_first_accepted)
{
	struct reply r;

	reset();
	uint32_t xid = start_discover();
	reply_std(&r, 2, xid, 86400);
	deliver(&r);
	reply_init(&r, 2, xid, IP(10, 0, 2, 99), mac0);
	reply_opt32(&r, 54, IP(10, 0, 2, 4));
	reply_end(&r);
	deliver(&r);
	CHECK_EQ(nsent, 2);
	CHECK_EQ(stats().InIgnored, 1);
	CHECK_EQ(eth0.dhcp->addr, OFFERED);
	dhcp_stop(s, &eth0);
}

/* --- what is ignored --------------------------------------------------- */

/* After each bad reply nothing was sent and the state is unchanged. */
#define CHECK_IGNORED(field, before)                        \
	do {                                                \
		CHECK_EQ(nsent, 1);                         \
		CHECK_EQ(eth0.dhcp->state, DHCP_SELECTING); \
		CHECK_EQ(stats().field, (before) + 1);      \
	} while (0)

TEST(test_dhcp_reply_with_wrong_xid_or_chaddr_ignored)
{
	struct reply r;

	reset();
	uint32_t xid = start_discover();

	reply_std(&r, 2, xid + 1, 86400);
	deliver(&r);
	CHECK_IGNORED(InIgnored, 0);

	reply_std(&r, 2, xid, 86400);
	r.b[33] ^= 1;		/* last byte of chaddr */
	deliver(&r);
	CHECK_IGNORED(InIgnored, 1);

	/* Right message, wrong interface (eth1 runs no client). */
	reply_std(&r, 2, xid, 86400);
	deliver_bytes(r.b, r.len, 67, &eth1);
	CHECK_IGNORED(InIgnored, 2);

	/* Not from the server port. */
	deliver_bytes(r.b, r.len, 1067, &eth0);
	CHECK_IGNORED(InIgnored, 3);

	/* An ACK or NAK while selecting. */
	reply_std(&r, 5, xid, 86400);
	deliver(&r);
	CHECK_IGNORED(InIgnored, 4);
	reply_std(&r, 6, xid, 86400);
	deliver(&r);
	CHECK_IGNORED(InIgnored, 5);

	/* Unusable offers: no address, multicast, loopback. */
	reply_std(&r, 2, xid, 86400);
	put_be32(r.b + 16, 0);
	deliver(&r);
	CHECK_IGNORED(InIgnored, 6);
	put_be32(r.b + 16, IP(224, 0, 0, 1));
	deliver(&r);
	CHECK_IGNORED(InIgnored, 7);
	put_be32(r.b + 16, IP(127, 0, 0, 1));
	deliver(&r);
	CHECK_IGNORED(InIgnored, 8);
	CHECK_EQ(stats().InErrors, 0);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_malformed_header_ignored)
{
	struct reply r;

	reset();
	uint32_t xid = start_discover();

	reply_std(&r, 2, xid, 86400);
	r.b[236] = 0;		/* cookie */
	deliver(&r);
	CHECK_IGNORED(InErrors, 0);

	reply_std(&r, 2, xid, 86400);
	r.b[0] = 1;		/* a BOOTREQUEST (another client's) */
	deliver(&r);
	CHECK_IGNORED(InErrors, 1);

	reply_std(&r, 2, xid, 86400);
	r.b[1] = 6;		/* IEEE 802 htype */
	deliver(&r);
	CHECK_IGNORED(InErrors, 2);

	reply_std(&r, 2, xid, 86400);
	r.b[2] = 16;
	deliver(&r);
	CHECK_IGNORED(InErrors, 3);

	/* Shorter than header + cookie, down to nothing. */
	reply_std(&r, 2, xid, 86400);
	deliver_bytes(r.b, 239, 67, &eth0);
	CHECK_IGNORED(InErrors, 4);
	deliver_bytes(r.b, 0, 67, &eth0);
	CHECK_IGNORED(InErrors, 5);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_malformed_options_ignored_without_overread)
{
	struct reply r;

	reset();
	uint32_t xid = start_discover();
	uint64_t errors = 0;

	/* Cookie only: no message type. */
	reply_std(&r, 2, xid, 86400);
	deliver_bytes(r.b, 240, 67, &eth0);
	CHECK_IGNORED(InErrors, errors++);

	/* Every truncation of a full offer that cuts an option short:
	 * each must be rejected without reading past the end (ASan). */
	reply_std(&r, 2, xid, 86400);
	size_t full = r.len;
	for (size_t len = 241; len < full - 1; len++) {
		/* Lengths that end exactly on an option boundary are
		 * well formed (no 'end' needed when the field is full). */
		size_t i = 240;
		bool boundary = false;
		while (i < len) {
			i += 2 + r.b[i + 1];
			if (i == len)
				boundary = true;
		}
		deliver_bytes(r.b, len, 67, &eth0);
		if (boundary) {
			/* Well formed: accepted as an offer. Start over. */
			dhcp_stop(s, &eth0);
			nsent = 0;
			xid = start_discover();
			reply_std(&r, 2, xid, 86400);
			errors = 0;
			continue;
		}
		CHECK_IGNORED(InErrors, errors++);
	}

	/* A length byte that points past the end. */
	reply_init(&r, 2, xid, OFFERED, mac0);
	r.b[r.len++] = 54;
	r.b[r.len++] = 200;
	put_be32(r.b + r.len, SERVER);
	r.len += 4;
	deliver(&r);
	CHECK_IGNORED(InErrors, errors++);

	/* A known option of the wrong size. */
	reply_init(&r, 2, xid, OFFERED, mac0);
	r.b[r.len++] = 54;
	r.b[r.len++] = 2;
	r.b[r.len++] = 10;
	r.b[r.len++] = 0;
	reply_end(&r);
	deliver(&r);
	CHECK_IGNORED(InErrors, errors++);

	reply_init(&r, 2, xid, OFFERED, mac0);
	r.b[241] = 2;		/* message type of length 2 */
	r.b[r.len++] = 0;
	reply_end(&r);
	deliver(&r);
	CHECK_IGNORED(InErrors, errors++);

	reply_init(&r, 2, xid, OFFERED, mac0);
	r.b[r.len++] = 3;	/* router list not a multiple of 4 */
	r.b[r.len++] = 6;
	r.len += 6;
	reply_end(&r);
	deliver(&r);
	CHECK_IGNORED(InErrors, errors++);

	/* Options after 'end' are not read: the type hides behind it. */
	reply_init(&r, 2, xid, OFFERED, mac0);
	memmove(r.b + 241, r.b + 240, 3);
	r.b[240] = 255;
	r.len++;
	deliver(&r);
	CHECK_IGNORED(InErrors, errors++);

	/* Pads are skipped; trailing pads after 'end' are fine. */
	reply_init(&r, 2, xid, OFFERED, mac0);
	r.b[r.len++] = 0;
	r.b[r.len++] = 0;
	reply_opt32(&r, 54, SERVER);
	reply_end(&r);
	r.len += 20;
	deliver(&r);
	CHECK_EQ(nsent, 2);
	CHECK_EQ(msg_type(last_sent()), 3);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_offer_without_server_id_answers_sender)
{
	struct reply r;

	reset();
	uint32_t xid = start_discover();
	reply_init(&r, 2, xid, OFFERED, mac0);
	reply_end(&r);
	deliver(&r);	/* from SERVER */
	CHECK_EQ(nsent, 2);
	CHECK_EQ(opt_addr(last_sent(), 54), SERVER);
	dhcp_stop(s, &eth0);
}

/* --- retransmission ---------------------------------------------------- */

/* DISCOVERs sent at the expected times with jitter `r` (0..2000). */
static void check_discover_backoff(uint32_t r, int64_t jitter)
{
	static const uint64_t base[] = { 4, 8, 16, 32, 64, 64, 64 };
	uint64_t t = 0;

	reset();
	rand_value = r;
	uint32_t xid = start_discover();
	CHECK_EQ(nsent, 1);
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		uint64_t due = t + base[i] * SEC + jitter;
		CHECK_EQ(poll_at(due - 1), due);
		CHECK_EQ(nsent, (int)i + 1);
		poll_at(due);
		CHECK_EQ(nsent, (int)i + 2);
		CHECK_EQ(msg_type(last_sent()), 1);
		CHECK_EQ(xid_of(last_sent()), xid);	/* same exchange */
		CHECK_EQ(get_be16(last_sent()->data + 8), due / SEC);
		t = due;
	}
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_discover_backoff_4_8_16_32_64_within_1s)
{
	check_discover_backoff(1000, 0);
	check_discover_backoff(0, -1000);	/* earliest */
	check_discover_backoff(2000, 1000);	/* latest */
	check_discover_backoff(2001 * 7 + 1500, 500);
}

TEST(test_dhcp_request_retransmitted_then_restarts_discover)
{
	struct reply r;

	reset();
	uint32_t xid = start_discover();
	s->now = 2 * SEC;
	reply_std(&r, 2, xid, 86400);
	deliver(&r);
	CHECK_EQ(nsent, 2);

	uint64_t t = 2 * SEC;
	static const uint64_t base[] = { 4, 8, 16 };
	for (size_t i = 0; i < 3; i++) {
		t += base[i] * SEC;
		poll_at(t - 1);
		CHECK_EQ(nsent, (int)i + 2);
		poll_at(t);
		CHECK_EQ(nsent, (int)i + 3);
		CHECK_EQ(msg_type(last_sent()), 3);
		CHECK_EQ(xid_of(last_sent()), xid);
		CHECK_EQ(opt_addr(last_sent(), 50), OFFERED);
	}
	/* Four REQUESTs unanswered: after 32 s more, a new DISCOVER. */
	rand_value = 2001 * 5 + 1000;	/* new xid, jitter still 0 */
	t += 32 * SEC;
	poll_at(t - 1);
	CHECK_EQ(nsent, 5);
	poll_at(t);
	CHECK_EQ(nsent, 6);
	CHECK_EQ(msg_type(last_sent()), 1);
	CHECK(xid_of(last_sent()) != xid);
	CHECK_EQ(eth0.dhcp->state, DHCP_SELECTING);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_send_failure_counted_and_retried)
{
	reset();
	send_result = -ENOBUFS;
	start_discover();
	CHECK_EQ(stats().OutErrors, 1);
	CHECK_EQ(stats().OutMsgs, 0);
	send_result = 0;
	poll_at(4 * SEC);
	CHECK_EQ(nsent, 2);
	CHECK_EQ(stats().OutMsgs, 1);
	dhcp_stop(s, &eth0);
}

/* --- NAK --------------------------------------------------------------- */

TEST(test_dhcp_nak_while_requesting_restarts_discover)
{
	struct reply r;

	reset();
	uint32_t xid = start_discover();
	reply_std(&r, 2, xid, 86400);
	deliver(&r);

	/* A NAK from another server is not ours to obey. */
	reply_init(&r, 6, xid, 0, mac0);
	reply_opt32(&r, 54, IP(10, 0, 2, 4));
	reply_end(&r);
	deliver(&r);
	CHECK_EQ(eth0.dhcp->state, DHCP_REQUESTING);
	CHECK_EQ(stats().InIgnored, 1);

	reply_init(&r, 6, xid, 0, mac0);
	reply_opt32(&r, 54, SERVER);
	reply_end(&r);
	s->now = 1 * SEC;
	deliver(&r);
	CHECK_EQ(eth0.dhcp->state, DHCP_INIT);
	CHECK(logged("dhcp: eth0 NAK from 10.0.2.2"));
	CHECK_EQ(nset, 0);	/* nothing was configured */

	rand_value = 2001 * 9 + 1000;
	CHECK_EQ(poll_at(1 * SEC), 5 * SEC);
	CHECK_EQ(nsent, 3);
	CHECK_EQ(msg_type(last_sent()), 1);
	CHECK(xid_of(last_sent()) != xid);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_nak_while_renewing_clears_address)
{
	struct reply r;

	reset();
	bind_lease(1000);
	CHECK_EQ(nset, 1);
	poll_at(500 * SEC);	/* T1 */
	CHECK_EQ(eth0.dhcp->state, DHCP_RENEWING);
	uint32_t xid = xid_of(last_sent());

	reply_init(&r, 6, xid, 0, mac0);
	reply_opt32(&r, 54, SERVER);
	reply_end(&r);
	deliver(&r);
	CHECK_EQ(nset, 2);
	CHECK_EQ(set_addrs[1].addr, 0);
	CHECK_EQ(set_addrs[1].source, NETIF_ADDR_NONE);
	CHECK_EQ(eth0.addr, 0);
	CHECK(!dhcp_lease_info(s, &eth0, NULL, NULL));
	int before = nsent;
	poll_at(500 * SEC);
	CHECK_EQ(nsent, before + 1);
	CHECK_EQ(msg_type(last_sent()), 1);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_repeated_naks_back_off)
{
	struct reply r;
	uint64_t t = 0;

	reset();
	uint32_t xid = start_discover();
	static const uint64_t wait[] = { 0, 4, 8, 16 };
	for (size_t i = 0; i < 4; i++) {
		s->now = t;
		reply_std(&r, 2, xid, 86400);
		deliver(&r);
		reply_init(&r, 6, xid, 0, mac0);
		reply_end(&r);
		deliver(&r);
		int before = nsent;
		t += wait[i] * SEC;
		if (wait[i]) {
			poll_at(t - 1);
			CHECK_EQ(nsent, before);
		}
		poll_at(t);
		CHECK_EQ(nsent, before + 1);
		CHECK_EQ(msg_type(last_sent()), 1);
		xid = xid_of(last_sent());
	}
	/* A lease resets the count. */
	reply_std(&r, 2, xid, 86400);
	deliver(&r);
	reply_std(&r, 5, xid, 86400);
	deliver(&r);
	CHECK_EQ(eth0.dhcp->state, DHCP_BOUND);
	CHECK_EQ(eth0.dhcp->naks, 0);
	dhcp_stop(s, &eth0);
}

/* --- renewing, rebinding, expiry --------------------------------------- */

TEST(test_dhcp_renews_by_unicast_at_t1_and_rebinds_by_broadcast_at_t2)
{
	struct reply r;

	reset();
	bind_lease(86400);
	CHECK_EQ(nsent, 2);
	uint64_t t1 = 43200 * SEC, t2 = 75600 * SEC, exp = 86400 * SEC;

	CHECK_EQ(poll_at(t1 - 1), t1);
	CHECK_EQ(nsent, 2);
	rand_value = 0x55aa55aa;
	uint64_t next = poll_at(t1);
	CHECK_EQ(nsent, 3);
	struct sent *m = last_sent();
	CHECK_EQ(eth0.dhcp->state, DHCP_RENEWING);
	CHECK_EQ(msg_type(m), 3);
	CHECK_EQ(m->src, OFFERED);
	CHECK_EQ(m->dst, SERVER);
	CHECK_EQ(get_be32(m->data + 12), OFFERED);	/* ciaddr */
	CHECK_EQ(get_be16(m->data + 10), 0);		/* no BROADCAST */
	CHECK_EQ(get_be16(m->data + 8), 0);		/* secs */
	uint8_t l;
	CHECK(!find_opt(m, 50, &l));
	CHECK(!find_opt(m, 54, &l));
	CHECK(find_opt(m, 55, &l));
	CHECK_EQ(xid_of(m), 0x55aa55aa);
	/* Half the time to T2 (RFC 2131 4.4.5). */
	CHECK_EQ(next, t1 + (t2 - t1) / 2);

	poll_at(next);
	CHECK_EQ(nsent, 4);
	CHECK_EQ(last_sent()->dst, SERVER);
	CHECK_EQ(get_be16(last_sent()->data + 8), (next - t1) / SEC);

	/* T2: broadcast, still with ciaddr, from our address. */
	rand_value = 77;
	poll_at(t2);
	CHECK_EQ(eth0.dhcp->state, DHCP_REBINDING);
	m = last_sent();
	CHECK_EQ(msg_type(m), 3);
	CHECK_EQ(m->src, OFFERED);
	CHECK_EQ(m->dst, 0xffffffffu);
	CHECK_EQ(get_be32(m->data + 12), OFFERED);
	CHECK_EQ(get_be16(m->data + 10), 0);
	CHECK(!find_opt(m, 50, &l));
	CHECK(!find_opt(m, 54, &l));
	CHECK_EQ(nset, 1);	/* the address stays meanwhile */

	/* Another server may extend the lease while rebinding. */
	s->now = t2 + 3 * SEC;
	reply_init(&r, 5, xid_of(m), OFFERED, mac0);
	reply_opt32(&r, 54, IP(10, 0, 2, 4));
	reply_opt32(&r, 1, IP(255, 255, 255, 0));
	reply_opt32(&r, 3, SERVER);
	reply_opt32(&r, 51, 3600);
	reply_end(&r);
	deliver(&r);
	CHECK_EQ(eth0.dhcp->state, DHCP_BOUND);
	CHECK_EQ(nset, 1);	/* unchanged: not reconfigured */
	uint32_t server, left;
	CHECK(dhcp_lease_info(s, &eth0, &server, &left));
	CHECK_EQ(server, IP(10, 0, 2, 4));
	CHECK_EQ(left, 3600 - 3);	/* from the request at T2 */
	CHECK(exp > t2);
	CHECK_EQ(poll_at(t2 + 3 * SEC), t2 + 1800 * SEC);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_renew_ack_extends_lease_from_request_time)
{
	struct reply r;

	reset();
	bind_lease(1000);
	poll_at(500 * SEC);
	uint32_t xid = xid_of(last_sent());
	s->now = 502 * SEC;
	reply_std(&r, 5, xid, 1000);
	deliver(&r);
	CHECK_EQ(eth0.dhcp->state, DHCP_BOUND);
	CHECK_EQ(nset, 1);
	uint32_t left;
	CHECK(dhcp_lease_info(s, &eth0, NULL, &left));
	CHECK_EQ(left, 998);
	CHECK_EQ(poll_at(502 * SEC), 1000 * SEC);	/* 500 + T1 */

	/* An ACK to a stale xid, or a repeat of this one, is ignored. */
	deliver(&r);
	CHECK_EQ(stats().InIgnored, 1);

	/* A renewal that changes the router reconfigures. */
	poll_at(1000 * SEC);
	reply_init(&r, 5, xid_of(last_sent()), OFFERED, mac0);
	reply_opt32(&r, 54, SERVER);
	reply_opt32(&r, 1, IP(255, 255, 255, 0));
	reply_opt32(&r, 3, IP(10, 0, 2, 1));
	reply_opt32(&r, 51, 1000);
	reply_end(&r);
	deliver(&r);
	CHECK_EQ(nset, 2);
	CHECK_EQ(set_addrs[1].gw, IP(10, 0, 2, 1));
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_renew_retransmits_no_sooner_than_60s)
{
	reset();
	bind_lease(200);	/* T1 100 s, T2 175 s */
	CHECK_EQ(poll_at(0), 100 * SEC);
	CHECK_EQ(poll_at(100 * SEC), 160 * SEC);	/* 37.5 s -> 60 s */
	CHECK_EQ(nsent, 3);
	CHECK_EQ(poll_at(160 * SEC), 175 * SEC);	/* capped at T2 */
	CHECK_EQ(nsent, 4);
	CHECK_EQ(last_sent()->dst, SERVER);
	CHECK_EQ(poll_at(175 * SEC), 200 * SEC);	/* capped at expiry */
	CHECK_EQ(nsent, 5);
	CHECK_EQ(last_sent()->dst, 0xffffffffu);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_lease_expiry_clears_address_and_rediscovers)
{
	reset();
	bind_lease(200);
	poll_at(100 * SEC);
	poll_at(160 * SEC);
	poll_at(175 * SEC);
	CHECK_EQ(nset, 1);
	uint32_t left;
	s->now = 199 * SEC + 500;
	CHECK(dhcp_lease_info(s, &eth0, NULL, &left));
	CHECK_EQ(left, 0);

	int before = nsent;
	poll_at(200 * SEC);
	CHECK(logged("dhcp: eth0 lease expired"));
	CHECK_EQ(nset, 2);
	CHECK_EQ(set_addrs[1].addr, 0);
	CHECK_EQ(set_addrs[1].source, NETIF_ADDR_NONE);
	CHECK(!dhcp_lease_info(s, &eth0, NULL, NULL));
	/* And in the same poll, a fresh DISCOVER. */
	CHECK_EQ(nsent, before + 1);
	CHECK_EQ(msg_type(last_sent()), 1);
	CHECK_EQ(last_sent()->src, 0);
	CHECK_EQ(get_be32(last_sent()->data + 12), 0);
	CHECK_EQ(eth0.dhcp->state, DHCP_SELECTING);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_late_poll_past_expiry_expires_without_renewing)
{
	reset();
	bind_lease(200);
	int before = nsent;
	poll_at(10000 * SEC);
	CHECK(logged("dhcp: eth0 lease expired"));
	CHECK_EQ(nsent, before + 1);
	CHECK_EQ(msg_type(last_sent()), 1);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_infinite_lease_never_renews)
{
	reset();
	bind_lease(0xffffffffu);
	CHECK(logged("dhcp: eth0 lease 10.0.2.15 from 10.0.2.2 forever"));
	CHECK_EQ(poll_at(0), NET_NEVER);
	CHECK_EQ(poll_at(UINT64_MAX / 2), NET_NEVER);
	CHECK_EQ(nsent, 2);
	uint32_t left;
	CHECK(dhcp_lease_info(s, &eth0, NULL, &left));
	CHECK_EQ(left, 0xffffffffu);
	CHECK_EQ(eth0.dhcp->state, DHCP_BOUND);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_server_t1_t2_honoured_and_bad_ones_replaced)
{
	struct reply r;

	reset();
	uint32_t xid = start_discover();
	reply_std(&r, 2, xid, 1000);
	deliver(&r);
	reply_std(&r, 5, xid, 1000);
	r.len--;		/* before 'end' */
	reply_opt32(&r, 58, 300);
	reply_opt32(&r, 59, 600);
	reply_end(&r);
	deliver(&r);
	CHECK_EQ(poll_at(0), 300 * SEC);
	CHECK_EQ(poll_at(300 * SEC), 450 * SEC);
	poll_at(600 * SEC);
	CHECK_EQ(eth0.dhcp->state, DHCP_REBINDING);
	dhcp_stop(s, &eth0);

	/* T1 beyond T2, T2 beyond the lease: the defaults. */
	xid = start_discover();
	reply_std(&r, 2, xid, 1000);
	deliver(&r);
	reply_std(&r, 5, xid, 1000);
	r.len--;
	reply_opt32(&r, 58, 900);
	reply_opt32(&r, 59, 2000);
	reply_end(&r);
	deliver(&r);
	CHECK_EQ(poll_at(0), 500 * SEC);
	CHECK_EQ(eth0.dhcp->t2, 875 * SEC);
	dhcp_stop(s, &eth0);
}

TEST(test_dhcp_short_or_missing_lease_time)
{
	struct reply r;

	reset();
	bind_lease(0);
	CHECK_EQ(eth0.dhcp->lease_s, DHCP_LEASE_MIN_S);
	CHECK_EQ(poll_at(0), DHCP_LEASE_MIN_S * SEC / 2);
	dhcp_stop(s, &eth0);

	uint32_t xid = start_discover();
	reply_init(&r, 2, xid, OFFERED, mac0);
	reply_opt32(&r, 54, SERVER);
	reply_end(&r);
	deliver(&r);
	reply_init(&r, 5, xid, OFFERED, mac0);
	reply_opt32(&r, 54, SERVER);
	reply_end(&r);
	deliver(&r);
	CHECK_EQ(eth0.dhcp->lease_s, DHCP_LEASE_DEFAULT_S);
	/* No mask: classful (10/8); no router: no gateway. */
	CHECK_EQ(set_addrs[nset - 1].prefix, 8);
	CHECK_EQ(set_addrs[nset - 1].gw, 0);
	dhcp_stop(s, &eth0);
}

static uint8_t prefix_for(uint32_t yiaddr, uint32_t mask)
{
	struct reply r;

	reset();
	uint32_t xid = start_discover();
	reply_init(&r, 2, xid, yiaddr, mac0);
	reply_opt32(&r, 54, SERVER);
	reply_end(&r);
	deliver(&r);
	reply_init(&r, 5, xid, yiaddr, mac0);
	reply_opt32(&r, 54, SERVER);
	if (mask != 1)
		reply_opt32(&r, 1, mask);
	reply_end(&r);
	deliver(&r);
	uint8_t p = nset ? set_addrs[nset - 1].prefix : 99;
	dhcp_stop(s, &eth0);
	return p;
}

TEST(test_dhcp_prefix_from_mask_or_address_class)
{
	CHECK_EQ(prefix_for(IP(10, 1, 2, 3), IP(255, 255, 240, 0)), 20);
	CHECK_EQ(prefix_for(IP(10, 1, 2, 3), 0xffffffff), 32);
	CHECK_EQ(prefix_for(IP(10, 1, 2, 3), 1), 8);		/* absent */
	CHECK_EQ(prefix_for(IP(172, 16, 2, 3), 1), 16);
	CHECK_EQ(prefix_for(IP(192, 168, 1, 9), 1), 24);
	/* Non-contiguous or zero masks are not masks. */
	CHECK_EQ(prefix_for(IP(172, 16, 2, 3), IP(255, 0, 255, 0)), 16);
	CHECK_EQ(prefix_for(IP(192, 168, 1, 9), 0), 24);
}

TEST(test_dhcp_ack_for_other_address_or_server_ignored)
{
	struct reply r;

	reset();
	uint32_t xid = start_discover();
	reply_std(&r, 2, xid, 86400);
	deliver(&r);
	reply_std(&r, 5, xid, 86400);
	put_be32(r.b + 16, IP(10, 0, 2, 16));
	deliver(&r);
	reply_init(&r, 5, xid, OFFERED, mac0);
	reply_opt32(&r, 54, IP(10, 0, 2, 4));
	reply_end(&r);
	deliver(&r);
	CHECK_EQ(stats().InIgnored, 2);
	CHECK_EQ(eth0.dhcp->state, DHCP_REQUESTING);
	CHECK_EQ(nset, 0);
	dhcp_stop(s, &eth0);
}

/* --- start, stop, several interfaces ----------------------------------- */

TEST(test_dhcp_stop_releases_lease_and_closes_port)
{
	reset();
	bind_lease(86400);
	dhcp_stop(s, &eth0);
	struct sent *m = last_sent();
	CHECK_EQ(nsent, 3);
	CHECK_EQ(msg_type(m), 7);
	CHECK_EQ(m->src, OFFERED);
	CHECK_EQ(m->dst, SERVER);
	CHECK_EQ(get_be32(m->data + 12), OFFERED);
	CHECK_EQ(get_be16(m->data + 10), 0);
	CHECK_EQ(opt_addr(m, 54), SERVER);
	uint8_t l;
	CHECK(!find_opt(m, 55, &l));
	CHECK(!find_opt(m, 50, &l));
	CHECK_EQ(nset, 2);
	CHECK_EQ(set_addrs[1].addr, 0);
	CHECK(eth0.dhcp == NULL);
	CHECK_EQ(closes, 1);
	CHECK(!dhcp_get_stats(s, &(struct dhcp_stats){ 0 }));
	CHECK_EQ(poll_at(0), NET_NEVER);

	/* Stopping where nothing runs is harmless. */
	dhcp_stop(s, &eth0);
	CHECK_EQ(closes, 1);
}

TEST(test_dhcp_stop_keeps_a_static_address)
{
	reset();
	start_discover();
	net_set_addr(s, &eth0, IP(10, 0, 0, 2), 24, 0, NETIF_ADDR_STATIC);
	dhcp_stop(s, &eth0);
	CHECK_EQ(nset, 1);
	CHECK_EQ(eth0.addr, IP(10, 0, 0, 2));
	CHECK_EQ(nsent, 1);	/* no RELEASE without a lease */
}

TEST(test_dhcp_interfaces_share_one_port_and_demultiplex)
{
	struct reply r;

	reset();
	dhcp_start(s, &eth0);
	dhcp_start(s, &eth1);
	dhcp_start(s, &eth1);	/* again: no-op */
	CHECK_EQ(opens, 1);
	/* Both draw the same xid here: the interface tells them apart. */
	poll_at(0);
	CHECK_EQ(nsent, 2);
	CHECK(sent[0].nif == &eth0);
	CHECK(sent[1].nif == &eth1);
	CHECK(memcmp(sent[1].data + 28, mac1, 6) == 0);
	uint32_t x1 = xid_of(&sent[1]);

	/* eth1's offer on eth1 goes to eth1's client only. */
	reply_init(&r, 2, x1, IP(10, 0, 3, 15), mac1);
	reply_opt32(&r, 54, SERVER);
	reply_end(&r);
	deliver_bytes(r.b, r.len, 67, &eth1);
	CHECK_EQ(eth1.dhcp->state, DHCP_REQUESTING);
	CHECK_EQ(eth0.dhcp->state, DHCP_SELECTING);
	CHECK(last_sent()->nif == &eth1);
	/* ... and on eth0 it is not eth0's. */
	deliver_bytes(r.b, r.len, 67, &eth0);
	CHECK_EQ(eth0.dhcp->state, DHCP_SELECTING);

	dhcp_stop(s, &eth0);
	CHECK_EQ(closes, 0);
	CHECK_EQ(stats().InMsgs, 2);	/* counters live with the port */
	dhcp_stop(s, &eth1);
	CHECK_EQ(closes, 1);
}

TEST(test_dhcp_start_without_port_gives_up_and_logs)
{
	reset();
	open_fails = true;
	dhcp_start(s, &eth0);
	CHECK(eth0.dhcp == NULL);
	CHECK(logged("dhcp: eth0: cannot open UDP port 68"));
	CHECK_EQ(poll_at(0), NET_NEVER);
}


int main(void)
{
	RUN(test_dhcp_discover_is_broadcast_with_bootp_fields_and_options);
	RUN(test_dhcp_offer_request_ack_configures_interface);
	RUN(test_dhcp_second_offer_ignored_after_first_accepted);
	RUN(test_dhcp_reply_with_wrong_xid_or_chaddr_ignored);
	RUN(test_dhcp_malformed_header_ignored);
	RUN(test_dhcp_malformed_options_ignored_without_overread);
	RUN(test_dhcp_offer_without_server_id_answers_sender);
	RUN(test_dhcp_discover_backoff_4_8_16_32_64_within_1s);
	RUN(test_dhcp_request_retransmitted_then_restarts_discover);
	RUN(test_dhcp_send_failure_counted_and_retried);
	RUN(test_dhcp_nak_while_requesting_restarts_discover);
	RUN(test_dhcp_nak_while_renewing_clears_address);
	RUN(test_dhcp_repeated_naks_back_off);
	RUN(test_dhcp_renews_by_unicast_at_t1_and_rebinds_by_broadcast_at_t2);
	RUN(test_dhcp_renew_ack_extends_lease_from_request_time);
	RUN(test_dhcp_renew_retransmits_no_sooner_than_60s);
	RUN(test_dhcp_lease_expiry_clears_address_and_rediscovers);
	RUN(test_dhcp_late_poll_past_expiry_expires_without_renewing);
	RUN(test_dhcp_infinite_lease_never_renews);
	RUN(test_dhcp_server_t1_t2_honoured_and_bad_ones_replaced);
	RUN(test_dhcp_short_or_missing_lease_time);
	RUN(test_dhcp_prefix_from_mask_or_address_class);
	RUN(test_dhcp_ack_for_other_address_or_server_ignored);
	RUN(test_dhcp_stop_releases_lease_and_closes_port);
	RUN(test_dhcp_stop_keeps_a_static_address);
	RUN(test_dhcp_interfaces_share_one_port_and_demultiplex);
	RUN(test_dhcp_start_without_port_gives_up_and_logs);
	TEST_EXIT();
}
