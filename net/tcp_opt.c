/*
 * TCP option parsing and layout (RFC 9293 3.2, RFC 7323, RFC 2018).
 * The contract is in net/tcp_opt.h.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/tcp_opt.h"

/*
 * One option with a length byte: kind, its whole length olen (already
 * checked to be >= 2 and inside the list) and its payload p. Returns 0
 * or -EINVAL for a known kind of the wrong size.
 */
static int tcp_opt_one(uint8_t kind, uint8_t olen, const uint8_t *p,
		       bool syn, struct tcp_opts *out)
{
	unsigned int n;

	switch (kind) {
	case TCPOPT_MSS:
		/* RFC 9293 3.2: length 4. Only defined on SYN (3.7.1). */
		if (olen != TCPOLEN_MSS)
			return -EINVAL;
		if (syn) {
			out->has_mss = true;
			out->mss = get_be16(p);
		}
		return 0;
	case TCPOPT_WINDOW:
		/*
		 * RFC 7323 2.2: ignored outside SYN. 2.3: a shift above
		 * 14 MUST be used as 14.
		 */
		if (olen != TCPOLEN_WINDOW)
			return -EINVAL;
		if (syn) {
			out->has_ws = true;
			out->ws = p[0] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : p[0];
		}
		return 0;
	case TCPOPT_SACK_PERM:
		/* RFC 2018 2: sent only on SYN; length 2. */
		if (olen != TCPOLEN_SACK_PERM)
			return -EINVAL;
		if (syn)
			out->sack_ok = true;
		return 0;
	case TCPOPT_SACK:
		/* RFC 2018 3: length 2 + 8n, n from 1 to 4. */
		if (olen < TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK ||
		    (olen - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK)
			return -EINVAL;
		n = (olen - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_PERBLOCK;
		if (n > TCP_SACK_MAX)
			return -EINVAL;
		out->nsack = (uint8_t)n;
		for (unsigned int i = 0; i < n; i++) {
			out->sack[i].start = get_be32(p + 8 * i);
			out->sack[i].end = get_be32(p + 8 * i + 4);
		}
		return 0;
	case TCPOPT_TIMESTAMP:
		/* RFC 7323 3.2: length 10, allowed on any segment. */
		if (olen != TCPOLEN_TIMESTAMP)
			return -EINVAL;
		out->has_ts = true;
		out->tsval = get_be32(p);
		out->tsecr = get_be32(p + 4);
		return 0;
	default:
		/* RFC 9293 3.2 (MUST-6): skip what we do not know. */
		return 0;
	}
}

int tcp_opt_parse(const uint8_t *opt, size_t len, bool syn,
		  struct tcp_opts *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	while (i < len) {
		uint8_t kind = opt[i], olen;

		if (kind == TCPOPT_EOL)
			break;		/* the rest is padding */
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		/* RFC 9293 3.2: kind, length (counting both), data. */
		if (len - i < 2)
			goto bad;
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			goto bad;
		if (tcp_opt_one(kind, olen, opt + i + 2, syn, out))
			goto bad;
		i += olen;
	}
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

static uint8_t *put_word(uint8_t *p, uint8_t a, uint8_t b, uint8_t c,
			 uint8_t d)
{
	p[0] = a;
	p[1] = b;
	p[2] = c;
	p[3] = d;
	return p + 4;
}

/* kind, length, TSval, TSecr behind two lead bytes (NOPs or SACK-perm). */
static uint8_t *put_ts(uint8_t *p, uint8_t lead0, uint8_t lead1,
		       uint32_t tsval, uint32_t tsecr)
{
	p = put_word(p, lead0, lead1, TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP);
	put_be32(p, tsval);
	put_be32(p + 4, tsecr);
	return p + 8;
}

size_t tcp_opt_build_syn(uint8_t *buf, size_t room, uint16_t mss, int ws,
			 bool sack_ok, bool ts, uint32_t tsval,
			 uint32_t tsecr)
{
	size_t need = TCPOLEN_MSS;
	uint8_t *p = buf;

	if (ts)
		need += 12;	/* SACK-permitted sits in the NOP padding */
	else if (sack_ok)
		need += 4;
	if (ws >= 0)
		need += 4;
	if (room < need)
		return 0;

	p[0] = TCPOPT_MSS;
	p[1] = TCPOLEN_MSS;
	put_be16(p + 2, mss);
	p += TCPOLEN_MSS;
	if (ts && sack_ok)
		p = put_ts(p, TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM, tsval,
			   tsecr);
	else if (ts)
		p = put_ts(p, TCPOPT_NOP, TCPOPT_NOP, tsval, tsecr);
	else if (sack_ok)
		p = put_word(p, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERM,
			     TCPOLEN_SACK_PERM);
	if (ws >= 0) {
		/* RFC 7323 2.3: never offer a shift above 14. */
		uint8_t shift = ws > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : ws;

		p = put_word(p, TCPOPT_NOP, TCPOPT_WINDOW, TCPOLEN_WINDOW,
			     shift);
	}
	return (size_t)(p - buf);
}

size_t tcp_opt_build(uint8_t *buf, size_t room, bool ts, uint32_t tsval,
		     uint32_t tsecr, const struct tcp_opts *sack)
{
	size_t limit = room < TCP_OPT_MAX ? room : TCP_OPT_MAX;
	size_t used = ts ? 12 : 0;
	unsigned int n = 0;
	uint8_t *p = buf;

	if (limit < used)
		return 0;
	if (sack) {
		n = sack->nsack < TCP_SACK_MAX ? sack->nsack : TCP_SACK_MAX;
		/* RFC 2018 4: keep the first (most recent) blocks. */
		while (n && used + 4 + n * TCPOLEN_SACK_PERBLOCK > limit)
			n--;
	}

	if (ts)
		p = put_ts(p, TCPOPT_NOP, TCPOPT_NOP, tsval, tsecr);
	if (n) {
		p = put_word(p, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK,
			     (uint8_t)(TCPOLEN_SACK_BASE +
				       n * TCPOLEN_SACK_PERBLOCK));
		for (unsigned int i = 0; i < n; i++) {
			put_be32(p, sack->sack[i].start);
			put_be32(p + 4, sack->sack[i].end);
			p += 8;
		}
	}
	return (size_t)(p - buf);
}
