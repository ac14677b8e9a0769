/*
 * A simulated Ethernet segment for whole-stack tests on the host.
 *
 * Each node is a complete struct net_stack with one NIC (a fake netdev)
 * plugged into a shared segment that behaves like a hub: a frame sent
 * by one node reaches every other node after `delay_ms`, subject to the
 * impairments configured (loss, duplication, reordering, corruption),
 * decided by a seeded generator so every run repeats exactly. Time is
 * virtual: sim_run() advances it, delivering frames and calling
 * net_poll() on every node when due, so a minute of protocol time costs
 * milliseconds.
 */
#ifndef KITE_TEST_SIM_H
#define KITE_TEST_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "net/netdev.h"
#include "net/stack.h"

#define SIM_MAX_NODES	4
#define SIM_MAX_FRAMES	4096	/* in flight */

struct sim_impair {
	unsigned delay_ms;	/* one-way */
	unsigned jitter_ms;	/* extra random delay: reorders */
	unsigned loss_pct;	/* 0-100 */
	unsigned dup_pct;
	unsigned corrupt_pct;	/* flip one random bit */
};

struct sim_node {
	struct net_stack stack;
	struct netdev dev;
	struct netif *nif;
	uint64_t next_poll;	/* ms, from net_poll */
	uint64_t frames_sent;
	bool tx_full;		/* the driver's ring is full: -EAGAIN */
};

struct sim {
	uint64_t now;		/* ms */
	int nnodes;
	struct sim_node node[SIM_MAX_NODES];
	struct sim_impair impair;
	uint64_t rng;
	unsigned in_flight;
	uint64_t delivered, lost, duplicated, corrupted;
	/* Optional: true drops this frame (a loss a test chooses). */
	bool (*filter)(struct sim *sim, int from, const uint8_t *f,
		       unsigned len);
	/* Optional tap: every frame put on the wire. */
	void (*wire_tap)(struct sim *sim, int from, const uint8_t *f,
			 unsigned len);
};

/* n nodes with MACs 02:00:00:00:00:0i and, if addr_base != 0,
 * addresses addr_base + i + 1 / 24 (no gateway). */
void sim_init(struct sim *sim, int n, uint32_t addr_base, uint64_t seed);
void sim_free(struct sim *sim);
/* Advance virtual time by ms, running every node and the wire. */
void sim_run(struct sim *sim, uint64_t ms);
/* Run until cond(arg) is true or ms pass; returns cond's last value. */
bool sim_run_until(struct sim *sim, uint64_t ms, bool (*cond)(void *arg),
		   void *arg);

#endif
