/*
 * The reassembly queue that IPv4 (ip_frag.c) and IPv6 (ip6_frag.c)
 * share: the datagrams being reassembled, their fragments' data, the
 * memory they hold and its bounds, eviction of the oldest, timeouts.
 * The headers, the key of a datagram and the ICMP errors stay with
 * each protocol.
 *
 * A datagram keeps its fragments' data in a list sorted by offset in
 * which no two overlap; the gaps between them are the holes of RFC
 * 815, and the datagram is complete when its length is known (the last
 * fragment came) and the data held add up to it. Overlaps are how
 * fragment attacks work (Teardrop, and overwriting a header already
 * checked), so, as Linux does for IPv4 and RFC 5722 (with its erratum
 * 3089) requires for IPv6: an exact copy of a fragment already held is
 * dropped and the datagram kept; any other overlap discards the whole
 * datagram.
 *
 * Memory is bounded: at most max_count datagrams, and max_bytes for
 * everything held (fragment data plus the bookkeeping around it, so
 * that many tiny fragments cannot hold more than the cap). When either
 * bound is hit the oldest other datagram is evicted, as lwIP does: an
 * old datagram is the one least likely to complete, and refusing new
 * ones instead would let anyone who sends a few first fragments stop
 * all reassembly until they time out.
 *
 * Every datagram discarded here (evicted, or ended by a bad fragment)
 * counts in the protocol's ReasmFails (*fails); the rest of the
 * counting is the caller's. Called with the stack serialised, as all
 * of net/.
 */
#ifndef KITE_NET_REASM_H
#define KITE_NET_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The data of one fragment. */
struct reasm_frag {
	struct reasm_frag *next;	/* by offset; no two overlap */
	uint16_t off, len;		/* bytes, in the datagram's payload */
	uint8_t data[];
};

/* A datagram being reassembled: the first member of each protocol's
 * own record (struct ip_reasm, struct ip6_reasm), which adds its key. */
struct reasm {
	struct reasm *next;		/* oldest first */
	uint64_t expires;		/* ms */
	uint32_t total;			/* payload length; 0 until the last
					 * fragment came */
	uint32_t held;			/* payload bytes held */
	size_t mem;			/* charged to the queue's bytes */
	struct reasm_frag *frags;
	uint8_t *hdr;			/* fragment zero's headers (for the
					 * whole and for an ICMP quote), or
					 * NULL until it came */
	uint16_t hlen;
};

/* The queue's state under the names the protocols' states have always
 * shown (s->ip.reasm_count is read by cmd_ss): each state holds a
 * union of struct reasm_queue and these fields, unnamed. */
#define REASM_QUEUE_FIELDS                                                \
	struct reasm *reasm;		/* oldest first */                \
	unsigned reasm_count;						  \
	size_t reasm_bytes

struct reasm_queue {
	REASM_QUEUE_FIELDS;
	unsigned max_count;
	size_t max_bytes;
	uint64_t *fails;		/* the protocol's ReasmFails */
};

/* Empty, with its bounds and the counter of what it discards. */
void reasm_init(struct reasm_queue *q, unsigned max_count, size_t max_bytes,
		uint64_t *fails);

/* A new datagram record of size bytes (the protocol's record, struct
 * reasm first), zeroed but for expires, at the tail. Evicts the oldest
 * to stay within the bounds. NULL if there is no memory. */
struct reasm *reasm_new(struct reasm_queue *q, size_t size, uint64_t expires);

/* What reasm_add() did with a fragment. */
enum reasm_result {
	REASM_HELD,		/* kept; the datagram is still incomplete */
	REASM_COMPLETE,		/* kept, and nothing is missing now */
	REASM_DUPLICATE,	/* an exact copy of data held: ignored */
	REASM_KILLED,		/* r discarded (and counted): r is gone */
};

/*
 * Add the fragment data[0..dlen) at payload offset off of r; more: the
 * fragment's More Fragments flag. Discards r if the fragment overlaps
 * data held (other than as an exact copy), disagrees with the length
 * the last fragment fixed, or does not fit in memory. A fragment at
 * offset 0 also brings the headers, hdr[0..hlen), kept in r->hdr. An
 * empty last fragment only fixes the length.
 */
enum reasm_result reasm_add(struct reasm_queue *q, struct reasm *r,
			    size_t off, const uint8_t *data, size_t dlen,
			    bool more, const uint8_t *hdr, size_t hlen);

/* Copy the payload of a complete r into d. */
void reasm_copy(const struct reasm *r, uint8_t *d);

/* Unlink and free r (reassembled: not counted). */
void reasm_done(struct reasm_queue *q, struct reasm *r);
/* Unlink and free r, counted in *fails. */
void reasm_kill(struct reasm_queue *q, struct reasm *r);

/* Unlink and return the oldest datagram whose time is up at now, or
 * NULL; the caller reports it and reasm_free()s it. */
struct reasm *reasm_expired(struct reasm_queue *q, uint64_t now);
/* Free r (already unlinked) and its data. */
void reasm_free(struct reasm_queue *q, struct reasm *r);

/* The next expiry (ms), or NET_NEVER. */
uint64_t reasm_next_expiry(const struct reasm_queue *q);

/* Free everything (stack teardown). */
void reasm_purge(struct reasm_queue *q);

#endif
