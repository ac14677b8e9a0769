#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/pkt.h"
#include "tests/net/sim.h"

struct wire_frame {
	uint64_t at;		/* ms: when it arrives */
	uint64_t order;		/* when it was sent, among all frames */
	int from;
	unsigned len;
	uint8_t data[ETH_FRAME_MAX + 4];
};

static struct wire_frame *wire[SIM_MAX_FRAMES];
static uint64_t wire_sent;	/* frames put on the wire, for order */

static uint32_t sim_rand(struct sim *sim)
{
	sim->rng ^= sim->rng >> 12;
	sim->rng ^= sim->rng << 25;
	sim->rng ^= sim->rng >> 27;
	return (uint32_t)((sim->rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static bool chance(struct sim *sim, unsigned pct)
{
	return pct && sim_rand(sim) % 100 < pct;
}

static struct sim *sim_of(struct netdev *dev, int *index)
{
	struct sim *sim = dev->priv;
	for (int i = 0; i < sim->nnodes; i++)
		if (&sim->node[i].dev == dev)
			*index = i;
	return sim;
}

static void put_on_wire(struct sim *sim, int from, const uint8_t *f,
			unsigned len)
{
	if (sim->in_flight == SIM_MAX_FRAMES)
		return;		/* a saturated wire loses frames */
	struct wire_frame *w = malloc(sizeof(*w));
	w->from = from;
	w->len = len;
	w->order = wire_sent++;
	memcpy(w->data, f, len);
	w->at = sim->now + sim->impair.delay_ms +
		(sim->impair.jitter_ms ? sim_rand(sim) % (sim->impair.jitter_ms + 1) : 0);
	if (chance(sim, sim->impair.corrupt_pct)) {
		unsigned bit = sim_rand(sim) % (len * 8);
		w->data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		sim->corrupted++;
	}
	for (unsigned i = 0; i < SIM_MAX_FRAMES; i++) {
		if (!wire[i]) {
			wire[i] = w;
			sim->in_flight++;
			return;
		}
	}
	free(w);
}

static int fake_xmit(struct netdev *dev, const void *frame, size_t len)
{
	int i;
	struct sim *sim = sim_of(dev, &i);
	struct sim_node *n = &sim->node[i];

	if (len < ETH_HLEN || len > ETH_FRAME_MAX)
		return -EINVAL;
	if (n->tx_full)
		return -EAGAIN;		/* not taken: the stack keeps it */
	n->frames_sent++;
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += len;
	if (sim->wire_tap)
		sim->wire_tap(sim, i, frame, (unsigned)len);
	if (chance(sim, sim->impair.loss_pct) ||
	    (sim->filter && sim->filter(sim, i, frame, (unsigned)len))) {
		sim->lost++;
		return 0;
	}
	put_on_wire(sim, i, frame, (unsigned)len);
	if (chance(sim, sim->impair.dup_pct)) {
		put_on_wire(sim, i, frame, (unsigned)len);
		sim->duplicated++;
	}
	return 0;
}

static int fake_poll(struct netdev *dev, int budget)
{
	(void)dev;
	(void)budget;
	return 0;	/* sim_run delivers frames itself */
}

static void fake_irq_enable(struct netdev *dev, bool on)
{
	(void)dev;
	(void)on;
}

static bool fake_link_up(struct netdev *dev)
{
	(void)dev;
	return true;
}

static const struct netdev_ops fake_ops = {
	.xmit = fake_xmit,
	.poll = fake_poll,
	.irq_enable = fake_irq_enable,
	.link_up = fake_link_up,
};

void sim_init(struct sim *sim, int n, uint32_t addr_base, uint64_t seed)
{
	memset(sim, 0, sizeof(*sim));
	sim->rng = seed ? seed : 1;
	sim->nnodes = n;
	for (int i = 0; i < n; i++) {
		struct sim_node *node = &sim->node[i];
		net_stack_init(&node->stack);
		struct netdev *dev = &node->dev;
		snprintf(dev->name, sizeof(dev->name), "eth0");
		dev->ifindex = 2;
		dev->driver = "sim";
		dev->mtu = 1500;
		uint8_t mac[6] = { 0x02, 0, 0, 0, 0, (uint8_t)(i + 1) };
		memcpy(dev->mac, mac, 6);
		dev->ops = &fake_ops;
		dev->priv = sim;
		node->nif = net_attach(&node->stack, dev);
		node->stack.now = 0;
		if (addr_base)
			net_set_addr(&node->stack, node->nif,
				     addr_base + (uint32_t)i + 1, 24, 0,
				     NETIF_ADDR_STATIC);
	}
}

void sim_free(struct sim *sim)
{
	for (int i = 0; i < sim->nnodes; i++)
		net_stack_free(&sim->node[i].stack);
	for (unsigned i = 0; i < SIM_MAX_FRAMES; i++) {
		free(wire[i]);
		wire[i] = NULL;
	}
	sim->in_flight = 0;
}

static uint64_t next_event(struct sim *sim)
{
	uint64_t next = UINT64_MAX;

	/* Frames take the first free slot: stop once all were seen. */
	for (unsigned i = 0, seen = 0;
	     seen < sim->in_flight && i < SIM_MAX_FRAMES; i++) {
		if (!wire[i])
			continue;
		seen++;
		if (wire[i]->at < next)
			next = wire[i]->at;
	}
	for (int i = 0; i < sim->nnodes; i++)
		if (sim->node[i].next_poll < next)
			next = sim->node[i].next_poll;
	return next;
}

static void deliver_due(struct sim *sim)
{
	/* In arrival order, then in the order they were sent: frames due
	 * in the same millisecond must not overtake each other (a wire
	 * without jitter does not reorder), whatever slot they sit in. */
	for (;;) {
		int best = -1;
		for (unsigned i = 0, seen = 0;
		     seen < sim->in_flight && i < SIM_MAX_FRAMES; i++) {
			if (!wire[i])
				continue;
			seen++;
			if (wire[i]->at <= sim->now &&
			    (best < 0 || wire[i]->at < wire[best]->at ||
			     (wire[i]->at == wire[best]->at &&
			      wire[i]->order < wire[best]->order)))
				best = (int)i;
		}
		if (best < 0)
			return;
		struct wire_frame *w = wire[best];
		wire[best] = NULL;
		sim->in_flight--;
		for (int n = 0; n < sim->nnodes; n++) {
			if (n == w->from)
				continue;
			struct sim_node *node = &sim->node[n];
			node->dev.stats.rx_packets++;
			node->dev.stats.rx_bytes += w->len;
			net_input(&node->stack, node->nif, w->data, w->len, sim->now);
			node->next_poll = sim->now;
		}
		sim->delivered++;
		free(w);
	}
}

static void poll_due(struct sim *sim)
{
	for (int i = 0; i < sim->nnodes; i++) {
		struct sim_node *n = &sim->node[i];
		/* A poll can send; the frame may be due at once (delay 0). */
		while (n->next_poll <= sim->now) {
			n->next_poll = net_poll(&n->stack, sim->now);
			if (n->next_poll <= sim->now)
				n->next_poll = sim->now + 1;
		}
	}
}

void sim_run(struct sim *sim, uint64_t ms)
{
	uint64_t end = sim->now + ms;

	/* Whatever a test did since the last run may need a poll. */
	for (int i = 0; i < sim->nnodes; i++)
		sim->node[i].next_poll = sim->now;
	for (;;) {
		poll_due(sim);
		deliver_due(sim);
		poll_due(sim);
		uint64_t next = next_event(sim);
		if (next > end)
			break;
		sim->now = next > sim->now ? next : sim->now;
	}
	sim->now = end;
}

bool sim_run_until(struct sim *sim, uint64_t ms, bool (*cond)(void *arg),
		   void *arg)
{
	for (uint64_t t = 0; t < ms; t++) {
		if (cond(arg))
			return true;
		sim_run(sim, 1);
	}
	return cond(arg);
}
