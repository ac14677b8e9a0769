/*
 * ICMP for IPv4 (RFC 792, RFC 1122 3.2.2).
 *
 * In: echo requests are answered, echo replies go to ping sockets,
 * destination unreachable / time exceeded / parameter problem are
 * matched to the UDP socket whose datagram they quote; everything else
 * is counted and ignored. Out: echo requests for ping, and errors about
 * received datagrams, under RFC 1122's rules and a rate limit.
 *
 * Counters are struct icmp_mib, with Linux's meanings: InMsgs counts
 * every message, InErrors those dropped as malformed (InCsumErrors the
 * bad checksums among them) or refused (echo to a broadcast).
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/ip.h"
#include "net/ratelimit.h"
#include "net/sock.h"		/* ping_input() */
#include "net/stack.h"
#include "net/tcp.h"
#include "net/udp.h"

#define ICMP_SOURCE_QUENCH	4
#define ICMP_REDIRECT		5
#define ICMP_PARAMETERPROB	12
#define ICMP_TIMESTAMP		13
#define ICMP_TIMESTAMPREPLY	14
#define ICMP_ADDRESS		17
#define ICMP_ADDRESSREPLY	18
#define ICMP_TYPE_MAX		18	/* Linux's NR_ICMP_TYPES */
/* Codes of DEST_UNREACH besides those in ip.h (RFC 792, RFC 1122
 * 3.2.2.1, RFC 1812 5.2.7.1). */
#define ICMP_NET_UNREACH	0
#define ICMP_SR_FAILED		5
#define ICMP_NET_UNKNOWN	6
#define ICMP_HOST_UNKNOWN	7

/* RFC 1812 4.3.2.3: quote as much of the datagram as fits in 576. */
#define ICMP_ERR_QUOTE_MAX	(576 - IP_HLEN - ICMP_HLEN)

/* 255.255.255.255, multicast, class E, or the subnet broadcast of one
 * of our interfaces: an address that is not one host. */
static bool icmp_is_broadcast(struct net_stack *s, uint32_t a)
{
	if ((a >> 28) >= 0xe)
		return true;
	if ((a >> 24) == 127 && (a & 0xffffff) == 0xffffff)
		return true;		/* lo's 127/8 broadcast */
	for (int i = 0; i < s->nnetifs; i++) {
		const struct netif *nif = s->netifs[i];

		if (nif && nif->addr && nif->prefix_len < 31 &&
		    a == netif_broadcast(nif))
			return true;
	}
	return false;
}

/* Error types, and types we do not know: RFC 1122 3.2.2 forbids an
 * error about either. */
static bool icmp_type_is_error(uint8_t type)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return true;
	default:
		return type > ICMP_TYPE_MAX;
	}
}

/* The errno a socket sees for a destination unreachable code, as
 * Linux's icmp_err_convert table (but host isolated, ENONET there, is
 * EHOSTUNREACH: newlib has no ENONET). */
static int icmp_unreach_errno(uint8_t code)
{
	switch (code) {
	case ICMP_NET_UNREACH:
	case ICMP_NET_UNKNOWN:
		return -ENETUNREACH;
	case ICMP_PROT_UNREACH:
		return -ENOPROTOOPT;
	case ICMP_PORT_UNREACH:
		return -ECONNREFUSED;
	case ICMP_FRAG_NEEDED:
		return -EMSGSIZE;	/* no PMTU discovery: just report */
	case ICMP_SR_FAILED:
		return -EOPNOTSUPP;
	case ICMP_HOST_UNKNOWN:
		return -EHOSTDOWN;
	case ICMP_HOST_UNREACH:
	default:
		return -EHOSTUNREACH;
	}
}

/*
 * Token bucket for errors (Linux's icmp_ratelimit, one bucket for the
 * stack, ratelimit.h): ICMP_ERR_BURST tokens, one more every
 * ICMP_ERR_RATE_MS. It keeps a flood of bad packets from turning into
 * a flood of errors.
 */
static bool icmp_ratelimit_allow(struct net_stack *s)
{
	return ratelimit_allow(&s->icmp_tokens_at, &s->icmp_tokens, s->now,
			       ICMP_ERR_RATE_MS, ICMP_ERR_BURST);
}

void icmp_send_error(struct net_stack *s, const uint8_t *ip, size_t len,
		     uint8_t type, uint8_t code)
{
	struct icmp_mib *mib = &s->mib.icmp;
	size_t hlen, total, qlen;
	uint32_t src, dst;
	struct pkt *p;
	uint8_t *d;

	if (len < IP_HLEN || (ip[0] >> 4) != 4)
		return;
	hlen = (size_t)(ip[0] & 0x0f) * 4;
	total = get_be16(ip + 2);
	if (hlen < IP_HLEN || hlen > len)
		return;
	if (total >= hlen && total < len)
		len = total;		/* no link padding in the quote */
	src = get_be32(ip + 12);
	dst = get_be32(ip + 16);

	/* RFC 1122 3.2.2: no error about a non-initial fragment, about a
	 * datagram to a broadcast or multicast address, from an address
	 * that is not one host, or about an ICMP error. (Nor about a
	 * datagram that came as a link-layer broadcast; the link does not
	 * tell IP, and such a datagram is almost always an IP broadcast
	 * too.) */
	if (get_be16(ip + 6) & IP_OFFMASK)
		return;
	if (icmp_is_broadcast(s, dst))
		return;
	if (!src || icmp_is_broadcast(s, src))
		return;
	if (ip[9] == IPPROTO_ICMP_ &&
	    (len <= hlen || icmp_type_is_error(ip[hlen])))
		return;

	/* Errors to ourselves cost nothing on the wire and tell a local
	 * socket at once that nobody listens (Linux does not limit what
	 * goes over lo either). */
	if (!ip_is_local(s, src) && !icmp_ratelimit_allow(s)) {
		mib->OutErrors++;
		return;
	}
	qlen = len < ICMP_ERR_QUOTE_MAX ? len : ICMP_ERR_QUOTE_MAX;
	p = pkt_alloc(ICMP_HLEN + qlen);
	if (!p) {
		mib->OutErrors++;
		return;
	}
	d = pkt_put(p, ICMP_HLEN + qlen);
	d[0] = type;
	d[1] = code;
	put_be16(d + 2, 0);
	put_be32(d + 4, 0);		/* unused (RFC 792) */
	memcpy(d + ICMP_HLEN, ip, qlen);
	put_be16(d + 2, inet_fold(inet_sum(d, ICMP_HLEN + qlen, 0)));

	/* From the address the datagram was sent to (it is ours, not a
	 * broadcast), so the sender recognises who answers; else (UDP to
	 * an address taken while unconfigured) let routing choose. */
	if (ip_output(s, p, ip_is_local(s, dst) ? dst : 0, src, IPPROTO_ICMP_,
		      IP_DEFAULT_TTL))
		return;
	mib->OutMsgs++;
	if (type == ICMP_DEST_UNREACH)
		mib->OutDestUnreachs++;
	else if (type == ICMP_TIME_EXCEEDED)
		mib->OutTimeExcds++;
	else if (type == ICMP_PARAMETERPROB)
		mib->OutParmProbs++;
}

/* RFC 792 echo: the reply carries the request's identifier, sequence
 * number and data back, from the address the request was sent to
 * (RFC 1122 3.2.2.6). */
static void icmp_echo(struct net_stack *s, const uint8_t *ip,
		      const uint8_t *icmp, size_t len)
{
	struct icmp_mib *mib = &s->mib.icmp;
	uint32_t src = get_be32(ip + 12), dst = get_be32(ip + 16);
	struct pkt *p;
	uint8_t *d;

	/* RFC 1122 3.2.2.6 allows ignoring echo to a broadcast; Linux does
	 * (icmp_echo_ignore_broadcasts = 1), and so the "smurf" reflection
	 * attack finds nothing here. It counts them as InErrors. */
	if (icmp_is_broadcast(s, dst) || !src) {
		mib->InErrors++;
		return;
	}
	p = pkt_alloc(len);
	if (!p) {
		mib->OutErrors++;
		return;
	}
	d = pkt_put(p, len);
	memcpy(d, icmp, len);
	d[0] = ICMP_ECHOREPLY;
	d[1] = 0;
	put_be16(d + 2, 0);
	put_be16(d + 2, inet_fold(inet_sum(d, len, 0)));
	if (ip_output(s, p, dst, src, IPPROTO_ICMP_, IP_DEFAULT_TTL))
		return;
	mib->OutMsgs++;
	mib->OutEchoReps++;
}

/* An error quoting one of our datagrams: tell the socket it came from
 * (RFC 1122 3.2.2.1, 4.1.3.3). The quote is the datagram's header and
 * at least its first 8 bytes, which hold the ports. */
static void icmp_error_input(struct net_stack *s, const uint8_t *icmp,
			     size_t len, int err)
{
	const uint8_t *q = icmp + ICMP_HLEN;
	size_t qlen = len - ICMP_HLEN, qhlen;

	if (qlen < IP_HLEN || (q[0] >> 4) != 4)
		goto bad;
	qhlen = (size_t)(q[0] & 0x0f) * 4;
	if (qhlen < IP_HLEN || qlen < qhlen + 8)
		goto bad;
	if (get_be16(q + 6) & IP_OFFMASK)
		return;			/* no transport header to match */

	switch (q[9]) {
	case IPPROTO_UDP_:
		udp_icmp_error(s, get_be32(q + 12), get_be16(q + qhlen),
			       get_be32(q + 16), get_be16(q + qhlen + 2), err);
		break;
	case IPPROTO_TCP_:
		tcp_icmp_error(s, get_be32(q + 12), get_be16(q + qhlen),
			       get_be32(q + 16), get_be16(q + qhlen + 2),
			       get_be32(q + qhlen + 4), err);
		break;
	default:
		break;
	}
	return;
bad:
	s->mib.icmp.InErrors++;
}

void icmp_input(struct net_stack *s, struct netif *nif, const uint8_t *ip,
		const uint8_t *icmp, size_t len)
{
	struct icmp_mib *mib = &s->mib.icmp;

	mib->InMsgs++;
	if (len < ICMP_HLEN) {
		mib->InErrors++;
		return;
	}
	if (inet_fold(inet_sum(icmp, len, 0)) != 0) {
		mib->InCsumErrors++;
		mib->InErrors++;
		return;
	}

	switch (icmp[0]) {
	case ICMP_ECHO:
		mib->InEchos++;
		icmp_echo(s, ip, icmp, len);
		break;
	case ICMP_ECHOREPLY:
		mib->InEchoReps++;
		ping_input(s, get_be32(ip + 12), get_be16(icmp + 4),
			   get_be16(icmp + 6), icmp + ICMP_HLEN,
			   len - ICMP_HLEN, ip[8]);
		break;
	case ICMP_DEST_UNREACH:
		mib->InDestUnreachs++;
		icmp_error_input(s, icmp, len, icmp_unreach_errno(icmp[1]));
		break;
	case ICMP_TIME_EXCEEDED:
		/* TTL or reassembly time: either way the host is not
		 * reached (Linux reports EHOSTUNREACH). */
		mib->InTimeExcds++;
		icmp_error_input(s, icmp, len, -EHOSTUNREACH);
		break;
	case ICMP_PARAMETERPROB:
		mib->InParmProbs++;
		icmp_error_input(s, icmp, len, -EPROTO);
		break;
	/* Counted and otherwise ignored: source quench is deprecated
	 * (RFC 6633); routes are configured, not learnt from redirects
	 * (which anyone on the link can forge); timestamp and address
	 * mask requests are optional (RFC 1122 3.2.2.8, 3.2.2.9). */
	case ICMP_SOURCE_QUENCH:
		mib->InSrcQuenchs++;
		break;
	case ICMP_REDIRECT:
		mib->InRedirects++;
		break;
	case ICMP_TIMESTAMP:
		mib->InTimestamps++;
		break;
	case ICMP_TIMESTAMPREPLY:
		mib->InTimestampReps++;
		break;
	case ICMP_ADDRESS:
		mib->InAddrMasks++;
		break;
	case ICMP_ADDRESSREPLY:
		mib->InAddrMaskReps++;
		break;
	default:
		/* RFC 1122 3.2.2: unknown types are discarded. Linux
		 * counts those past its table as InErrors. */
		if (icmp[0] > ICMP_TYPE_MAX)
			mib->InErrors++;
		break;
	}
}

int icmp_send_echo(struct net_stack *s, uint32_t src, uint32_t dst,
		   uint16_t id, uint16_t seq, const void *payload,
		   size_t len, uint8_t ttl)
{
	struct icmp_mib *mib = &s->mib.icmp;
	struct pkt *p;
	uint8_t *d;
	int err;

	if (len > 0xffff - IP_HLEN - ICMP_HLEN)
		return -EMSGSIZE;
	p = pkt_alloc(ICMP_HLEN + len);
	if (!p) {
		mib->OutErrors++;
		return -ENOBUFS;
	}
	d = pkt_put(p, ICMP_HLEN + len);
	d[0] = ICMP_ECHO;
	d[1] = 0;
	put_be16(d + 2, 0);
	put_be16(d + 4, id);
	put_be16(d + 6, seq);
	if (len)
		memcpy(d + ICMP_HLEN, payload, len);
	put_be16(d + 2, inet_fold(inet_sum(d, ICMP_HLEN + len, 0)));
	err = ip_output(s, p, src, dst, IPPROTO_ICMP_, ttl);
	if (!err) {
		mib->OutMsgs++;
		mib->OutEchos++;
	}
	return err;
}
