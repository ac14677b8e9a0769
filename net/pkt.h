/*
 * Packet buffers for what the stack builds or keeps.
 *
 * Received frames are not copied into these: drivers hand them over
 * zero-copy for the duration of one net_input() call, and a layer that
 * must keep data (a socket's receive queue, a fragment awaiting
 * reassembly) copies just what it keeps. Outgoing packets are built in a
 * pkt from the payload outwards: each layer pushes its header into the
 * headroom in front.
 *
 * A pkt has one owner at a time; a function that takes a pkt (its
 * argument is documented "consumes") frees it or passes it on, also on
 * error.
 */
#ifndef KITE_NET_PKT_H
#define KITE_NET_PKT_H

#include <stddef.h>
#include <stdint.h>

/* Room for Ethernet (14) + IPv4 with options (60) + TCP with options
 * (60), rounded up. */
#define PKT_HEADROOM 160

struct netif;

struct pkt {
	struct pkt *next;	/* for whichever queue holds it */
	uint32_t head;		/* offset of the first valid byte in data */
	uint32_t len;		/* valid bytes from head */
	uint32_t cap;		/* size of data */
	/* Meaning depends on the queue that holds the pkt. */
	struct netif *nif;	/* output interface (ARP pending queue) */
	uint32_t addr;		/* next hop awaiting ARP; index of the
				 * neighbour entry awaited (ND); source
				 * of a received datagram (host order) */
	uint16_t port;		/* source port of a received datagram */
	uint64_t time;		/* ms: when it was queued */
	uint8_t data[];
};

/* A pkt with PKT_HEADROOM in front and room for `size` bytes of payload;
 * len is 0 (pkt_put() the payload). NULL when memory is short. */
struct pkt *pkt_alloc(size_t size);
void pkt_free(struct pkt *p);
/* Free a list of packets linked through ->next; returns how many. */
unsigned pkt_free_list(struct pkt *list);
/* Start of valid data. */
static inline uint8_t *pkt_data(struct pkt *p)
{
	return p->data + p->head;
}
/* Prepend n bytes of header; returns where to write them. The caller
 * guarantees the headroom (n within PKT_HEADROOM overall). */
uint8_t *pkt_push(struct pkt *p, size_t n);
/* Drop n bytes from the front. */
void pkt_pull(struct pkt *p, size_t n);
/* Append n bytes; returns where to write them. Within cap. */
uint8_t *pkt_put(struct pkt *p, size_t n);
/* A copy of p's valid bytes, with the same headroom. */
struct pkt *pkt_clone(const struct pkt *p);

/* A FIFO of pkts with a length limit. */
struct pkt_queue {
	struct pkt *head, *tail;
	unsigned len, max;
};

void pkt_queue_init(struct pkt_queue *q, unsigned max);
/* Append; returns -1 (and does not take p) when the queue is full. */
int pkt_queue_push(struct pkt_queue *q, struct pkt *p);
struct pkt *pkt_queue_pop(struct pkt_queue *q);
void pkt_queue_purge(struct pkt_queue *q);

#endif
