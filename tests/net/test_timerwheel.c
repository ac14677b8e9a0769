/*
 * Host tests for net/timerwheel.c: exact expiry at every level, never
 * early, expiry order, delete and re-arm (also from callbacks), the
 * returned deadline, a randomised comparison against a sorted-array
 * model, hour-long jumps, and that idle timers add no work to a poll.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/timerwheel.h"
#include "tests/unit/test.h"

#define H_MS (3600ULL * 1000)

static struct timerwheel wheel;
static uint64_t run_now; /* the now of the wheel_run in progress */

/* Every firing, in order. */
#define LOG_MAX 200000
static struct {
	struct wtimer *t;
	uint64_t expires;
	uint64_t now;
} fired[LOG_MAX];
static int nfired;

static void record(struct timerwheel *w, struct wtimer *t, void *arg)
{
	(void)w;
	if (nfired < LOG_MAX) {
		fired[nfired].t = t;
		fired[nfired].expires = t->expires;
		fired[nfired].now = run_now;
	}
	nfired++;
}

static uint64_t run(uint64_t now)
{
	run_now = now;
	return wheel_run(&wheel, now);
}

static void reset(uint64_t now)
{
	wheel_init(&wheel, now);
	nfired = 0;
}

/* xorshift64*: deterministic across hosts. */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static const uint64_t delays[] = {0, 1, 63, 64, 65, 4095, 4096, 60000, 7200000};
/* Clock origins: aligned, just off a boundary, and arbitrary. */
static const uint64_t origins[] = {0,	 1,	 37,	    63,
				   4095, 262143, 123456789, (1ULL << 48) - 5};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

TEST(test_timer_fires_in_the_run_at_its_exact_ms_for_each_delay)
{
	struct wtimer t;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(origins); i++) {
		for (j = 0; j < ARRAY_SIZE(delays); j++) {
			uint64_t o = origins[i], d = delays[j];

			reset(o);
			wtimer_init(&t, record, NULL);
			wheel_add(&wheel, &t, o + d);
			CHECK(wtimer_pending(&t));
			if (d > 0) {
				run(o + d - 1);
				CHECK_EQ(nfired, 0);
				CHECK(wtimer_pending(&t));
			}
			run(o + d);
			CHECK_EQ(nfired, 1);
			CHECK(fired[0].t == &t);
			CHECK(!wtimer_pending(&t));
			run(o + d + 10 * H_MS);
			CHECK_EQ(nfired, 1);
		}
	}
}

/*
 * The net-poll loop: sleep until the returned deadline, run again. The
 * timer must fire in the run whose now is exactly its expiry, after at
 * most one wake-up per level (cascades that fire nothing).
 */
TEST(test_poll_loop_following_deadlines_fires_at_exact_ms)
{
	struct wtimer t;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(origins); i++) {
		for (j = 0; j < ARRAY_SIZE(delays); j++) {
			uint64_t o = origins[i], d = delays[j], now = o;
			int wakeups = 0;

			reset(o);
			wtimer_init(&t, record, NULL);
			wheel_add(&wheel, &t, o + d);
			while (nfired == 0) {
				uint64_t next = run(now);

				CHECK(next <= o + d || nfired == 1);
				if (nfired)
					break;
				CHECK(next > now);
				now = next;
				CHECK(++wakeups <= WHEEL_LEVELS + 1);
			}
			CHECK_EQ(fired[0].now, o + d);
			CHECK_EQ(run(now), UINT64_MAX);
		}
	}
}

/* Lateness bound 0: stepping 1 ms at a time, each timer fires in the run
 * whose now equals its expiry, never before. */
TEST(test_timers_fire_exactly_when_stepping_every_ms)
{
	static struct wtimer t[500];
	uint64_t now;
	int i;

	rng_state = 0x5eed1;
	reset(1000);
	for (i = 0; i < 500; i++) {
		wtimer_init(&t[i], record, NULL);
		wheel_add(&wheel, &t[i], 1000 + rnd_below(300000));
	}
	for (now = 1000; now <= 301000; now++)
		run(now);
	CHECK_EQ(nfired, 500);
	for (i = 0; i < nfired; i++)
		CHECK_EQ(fired[i].now, fired[i].expires);
}

/* Coarse, irregular steps: each timer fires in the first run whose now
 * reaches its expiry (never early, never a run late). */
TEST(test_timers_never_early_never_a_run_late_with_irregular_steps)
{
	static struct wtimer t[2000];
	uint64_t now = 77, prev = 77;
	int i;

	rng_state = 0x5eed2;
	reset(now);
	for (i = 0; i < 2000; i++) {
		wtimer_init(&t[i], record, NULL);
		wheel_add(&wheel, &t[i], now + rnd_below(3 * H_MS));
	}
	while (nfired < 2000) {
		int before = nfired;

		now += 1 + rnd_below(20000);
		run(now);
		for (i = before; i < nfired; i++) {
			CHECK(fired[i].expires <= now);
			CHECK(fired[i].expires > prev ||
			      fired[i].expires == 77);
		}
		prev = now;
	}
}

TEST(test_timers_due_in_one_run_fire_in_expiry_order)
{
	static struct wtimer t[3000];
	int i;

	rng_state = 0x5eed3;
	reset(5);
	for (i = 0; i < 3000; i++) {
		wtimer_init(&t[i], record, NULL);
		/* Spread over every level in use, with many equal expiries. */
		wheel_add(&wheel, &t[i], 5 + (rnd() >> (40 + i % 24)));
	}
	run(5 + (1ULL << 24));
	CHECK_EQ(nfired, 3000);
	for (i = 1; i < nfired; i++)
		CHECK(fired[i - 1].expires <= fired[i].expires);
}

TEST(test_del_before_expiry_prevents_firing_and_is_idempotent)
{
	struct wtimer a, b, never;

	reset(0);
	wtimer_init(&a, record, NULL);
	wtimer_init(&b, record, NULL);
	wtimer_init(&never, record, NULL);
	wheel_del(&wheel, &never); /* never armed: harmless */
	CHECK(!wtimer_pending(&never));
	wheel_add(&wheel, &a, 10);
	wheel_add(&wheel, &b, 60000);
	wheel_del(&wheel, &a);
	wheel_del(&wheel, &a);
	CHECK(!wtimer_pending(&a));
	/* Only b is left, in the level-2 slot 14 (57344..61439 ms). */
	CHECK_EQ(run(9), 14 * 4096);
	wheel_del(&wheel, &b);
	CHECK_EQ(run(100000), UINT64_MAX);
	CHECK_EQ(nfired, 0);
	CHECK_EQ(wheel.stat_slots_scanned, 0);
}

TEST(test_rearming_an_armed_timer_moves_it)
{
	struct wtimer t;

	reset(0);
	wtimer_init(&t, record, NULL);
	wheel_add(&wheel, &t, 7200000);
	wheel_add(&wheel, &t, 50); /* earlier */
	CHECK_EQ(wheel_next(&wheel), 50);
	run(50);
	CHECK_EQ(nfired, 1);
	wheel_add(&wheel, &t, 100);
	wheel_add(&wheel, &t, 70000); /* later */
	run(69999);
	CHECK_EQ(nfired, 1);
	run(70000);
	CHECK_EQ(nfired, 2);
	CHECK_EQ(fired[1].expires, 70000);
	run(10 * H_MS);
	CHECK_EQ(nfired, 2);
}

static int periodic_count;

static void periodic(struct timerwheel *w, struct wtimer *t, void *arg)
{
	uint64_t period = *(uint64_t *)arg;

	record(w, t, arg);
	periodic_count++;
	wheel_add(&wheel, t, t->expires + period);
}

TEST(test_callback_rearming_itself_runs_periodically)
{
	struct wtimer t;
	uint64_t period = 10, now = 0;

	reset(0);
	periodic_count = 0;
	wtimer_init(&t, periodic, &period);
	wheel_add(&wheel, &t, 10);
	while (now < 1000)
		now = run(now);
	run(1000);
	CHECK_EQ(periodic_count, 100);
	CHECK_EQ(fired[99].expires, 1000);
	CHECK_EQ(fired[99].now, 1000);
	/* One jump over 10 s catches up period by period, in order. */
	run(11000);
	CHECK_EQ(periodic_count, 1100);
	CHECK_EQ(fired[1099].expires, 11000);
	CHECK(wtimer_pending(&t));
}

static struct wtimer *victim[2];

static void delete_victims(struct timerwheel *w, struct wtimer *t,
			   void *arg)
{
	record(w, t, arg);
	wheel_del(&wheel, victim[0]);
	wheel_del(&wheel, victim[1]);
}

TEST(test_callback_deleting_other_pending_timers_stops_them)
{
	struct wtimer killer, same_ms, later, twin_a, twin_b;

	reset(0);
	wtimer_init(&killer, delete_victims, NULL);
	wtimer_init(&same_ms, record, NULL);
	wtimer_init(&later, record, NULL);
	/* All three share one level-2 slot, cascaded at 4096: same_ms then
	 * waits on the expired list beside the killer, later in level 0.
	 * Ties fire in an unspecified order, hence the two outcomes. */
	wheel_add(&wheel, &killer, 4096);
	wheel_add(&wheel, &same_ms, 4096);
	wheel_add(&wheel, &later, 4097);
	victim[0] = &same_ms;
	victim[1] = &later;
	run(5000);
	/* Either the killer fired first and deleted both, or same_ms fired
	 * first and the killer then deleted a disarmed same_ms and later. */
	CHECK(nfired == 1 || nfired == 2);
	CHECK(fired[nfired - 1].t == &killer);
	CHECK(!wtimer_pending(&later));

	/* Two timers at one ms, each deleting the other: exactly one fires. */
	reset(0);
	wtimer_init(&twin_a, delete_victims, NULL);
	wtimer_init(&twin_b, delete_victims, NULL);
	victim[0] = &twin_a;
	victim[1] = &twin_b;
	wheel_add(&wheel, &twin_a, 300);
	wheel_add(&wheel, &twin_b, 300);
	run(300);
	CHECK_EQ(nfired, 1);
	CHECK(!wtimer_pending(&twin_a) && !wtimer_pending(&twin_b));
}

static void rearm_at_same_ms(struct timerwheel *w, struct wtimer *t,
			     void *arg)
{
	record(w, t, arg);
	if (nfired < 3)
		wheel_add(&wheel, t, t->expires);
}

TEST(test_callback_rearming_at_now_fires_next_run_not_this_one)
{
	struct wtimer t;

	reset(0);
	wtimer_init(&t, rearm_at_same_ms, NULL);
	wheel_add(&wheel, &t, 20);
	CHECK(run(20) <= 20); /* poll again at once */
	CHECK_EQ(nfired, 1);
	CHECK(wtimer_pending(&t));
	run(20);
	CHECK_EQ(nfired, 2);
	run(20);
	CHECK_EQ(nfired, 3);
	CHECK_EQ(run(20), UINT64_MAX);
}

TEST(test_next_deadline_exact_in_level0_and_never_after_earliest)
{
	static struct wtimer t[64];
	uint64_t now = 64 * 1000, min;
	int i, round;

	rng_state = 0x5eed4;
	reset(now);
	/* Level 0: exact. */
	wtimer_init(&t[0], record, NULL);
	wheel_add(&wheel, &t[0], now + 63);
	CHECK_EQ(wheel_next(&wheel), now + 63);
	wtimer_init(&t[1], record, NULL);
	wheel_add(&wheel, &t[1], now + 17);
	CHECK_EQ(run(now), now + 17);
	CHECK_EQ(run(now + 17), now + 63);
	run(now + 63);
	CHECK_EQ(run(now + 63), UINT64_MAX);

	for (round = 0; round < 2000; round++) {
		now += rnd_below(5000);
		reset(now);
		min = UINT64_MAX;
		for (i = 0; i < 64; i++) {
			uint64_t e = now + 1 + (rnd() >> (20 + rnd_below(44)));

			wtimer_init(&t[i], record, NULL);
			wheel_add(&wheel, &t[i], e);
			if (e < min)
				min = e;
		}
		CHECK(wheel_next(&wheel) <= min);
		if (min >> WHEEL_BITS == now >> WHEEL_BITS)
			CHECK_EQ(wheel_next(&wheel), min);
	}
}

TEST(test_expiry_beyond_wheel_span_fires_exactly)
{
	struct wtimer far, never;
	uint64_t now = 3, e = (1ULL << 50) + 12345, n;
	int wakeups = 0;

	reset(now);
	wtimer_init(&far, record, NULL);
	wtimer_init(&never, record, NULL);
	/* The later one first: the overflow list must track its minimum. */
	wheel_add(&wheel, &never, UINT64_MAX);
	wheel_add(&wheel, &far, e);
	while (nfired == 0) {
		uint64_t next = run(now);

		if (nfired)
			break;
		CHECK(next <= e);
		now = next;
		CHECK(++wakeups <= WHEEL_LEVELS + 2);
	}
	CHECK_EQ(fired[0].now, e);
	CHECK(fired[0].t == &far);
	CHECK(wtimer_pending(&never));
	/* A jump to the end of time: one cascade per level, no early fire. */
	n = wheel.stat_slots_scanned;
	CHECK_EQ(run(UINT64_MAX - 1), UINT64_MAX);
	CHECK_EQ(nfired, 1);
	CHECK(wheel.stat_slots_scanned - n <= WHEEL_LEVELS + 1);
	run(UINT64_MAX);
	CHECK_EQ(nfired, 2);
}

/* ---- randomised comparison with a sorted-array model ---------------- */

#define MODEL_N 512

static struct wtimer mt[MODEL_N];
static struct {
	bool armed;
	uint64_t expires;
} model[MODEL_N];
/* The model's armed timers sorted by expiry, rebuilt for each check. */
static int sorted[MODEL_N];
static int nsorted;
static uint64_t last_fired_expires;
static bool model_error;

static int cmp_model(const void *a, const void *b)
{
	uint64_t ea = model[*(const int *)a].expires;
	uint64_t eb = model[*(const int *)b].expires;

	return ea < eb ? -1 : ea > eb;
}

static void model_sort(void)
{
	int i;

	nsorted = 0;
	for (i = 0; i < MODEL_N; i++)
		if (model[i].armed)
			sorted[nsorted++] = i;
	qsort(sorted, nsorted, sizeof(sorted[0]), cmp_model);
}

/* Random delays across every level, sometimes 0, rarely past the span. */
static uint64_t random_delay(void)
{
	switch (rnd_below(8)) {
	case 0:
		return 0;
	case 1:
	case 2:
		return rnd_below(100);
	case 3:
		return rnd_below(70000);
	case 4:
		return rnd_below(3 * H_MS);
	case 5:
		return rnd() >> (16 + rnd_below(48));
	case 6:
		return rnd_below(5000);
	default:
		return rnd_below(1000) == 0 ? 1ULL << (48 + rnd_below(6))
					    : rnd_below(300);
	}
}

/* A callback that checks itself against the model, then sometimes
 * re-arms itself and sometimes deletes another timer. */
static void model_cb(struct timerwheel *w, struct wtimer *t, void *arg)
{
	int i = (int)(t - mt), v;

	CHECK(w == &wheel);	/* the wheel that runs it is passed */
	record(w, t, arg);
	if (!model[i].armed || model[i].expires != t->expires ||
	    t->expires > run_now || t->expires < last_fired_expires)
		model_error = true; /* reported by the caller */
	last_fired_expires = t->expires;
	model[i].armed = false;
	switch (rnd_below(8)) {
	case 0:
		model[i].armed = true;
		model[i].expires = t->expires + 1 + rnd_below(200);
		wheel_add(&wheel, t, model[i].expires);
		break;
	case 1:
		v = (int)rnd_below(MODEL_N);
		model[v].armed = false;
		wheel_del(&wheel, &mt[v]);
		break;
	}
}

TEST(test_random_ops_match_sorted_array_model)
{
	uint64_t now = 1000000, next;
	int op, i, n, due;

	rng_state = 0x4b697465; /* "Kite" */
	reset(now);
	model_error = false;
	memset(model, 0, sizeof(model));
	for (i = 0; i < MODEL_N; i++)
		wtimer_init(&mt[i], model_cb, NULL);

	for (op = 0; op < 100000; op++) {
		uint64_t r = rnd_below(100);

		i = (int)rnd_below(MODEL_N);
		if (r < 50) {
			model[i].armed = true;
			model[i].expires = now + random_delay();
			wheel_add(&wheel, &mt[i], model[i].expires);
		} else if (r < 65) {
			model[i].armed = false;
			wheel_del(&wheel, &mt[i]);
		} else {
			if (r < 80)
				now += rnd_below(64);
			else if (r < 97)
				now += rnd_below(20000);
			else
				now += rnd_below(4 * H_MS);
			model_sort();
			due = 0;
			while (due < nsorted &&
			       model[sorted[due]].expires <= now)
				due++;
			n = nfired;
			last_fired_expires = 0;
			run_now = now;
			next = wheel_run(&wheel, now);
			CHECK(!model_error);
			CHECK(nfired >= n + (due > 0));
			/* Everything due has fired (re-arms above now are
			 * still armed, nothing at or below now is). */
			model_sort();
			CHECK(nsorted == 0 || model[sorted[0]].expires > now);
			if (nsorted == 0) {
				CHECK_EQ(next, UINT64_MAX);
			} else {
				uint64_t min = model[sorted[0]].expires;

				CHECK(next <= min && next > now);
				if (min >> WHEEL_BITS == now >> WHEEL_BITS)
					CHECK_EQ(next, min);
			}
		}
		for (i = 0; i < MODEL_N; i++)
			CHECK_EQ(wtimer_pending(&mt[i]), model[i].armed);
	}
	CHECK(nfired > 10000);
}

/* ---- scale ----------------------------------------------------------- */

TEST(test_three_hour_jump_with_10000_timers_fires_all_due_in_order)
{
	static struct wtimer t[10000];
	uint64_t start = 42, now = start + 3 * H_MS, next;
	int i, late = 0;

	rng_state = 0x5eed5;
	reset(start);
	for (i = 0; i < 10000; i++) {
		uint64_t e = start + rnd_below(4 * H_MS);

		wtimer_init(&t[i], record, NULL);
		wheel_add(&wheel, &t[i], e);
		late += e > now;
	}
	next = run(now);
	CHECK_EQ(nfired, 10000 - late);
	for (i = 1; i < nfired; i++)
		CHECK(fired[i - 1].expires <= fired[i].expires);
	CHECK(fired[nfired - 1].expires <= now);
	CHECK(next > now);
	/* Work follows timers, not milliseconds (10.8 million of them). */
	CHECK(wheel.stat_slots_scanned <= 10000ULL * WHEEL_LEVELS);
	CHECK(wheel.stat_cascaded <= 10000ULL * WHEEL_LEVELS);
}

/* The same poll sequence with and without 100000 idle timers armed for
 * 2 to 3 hours ahead visits exactly the same slots. */
static uint64_t slots_scanned_by_polls(int idle, uint64_t *cascaded)
{
	static struct wtimer t[100000];
	struct wtimer tick;
	uint64_t period = 10, now = 0;
	int i;

	reset(0);
	rng_state = 0x5eed6;
	for (i = 0; i < idle; i++) {
		wtimer_init(&t[i], record, NULL);
		wheel_add(&wheel, &t[i], 2 * H_MS + rnd_below(H_MS));
	}
	wtimer_init(&tick, periodic, &period);
	wheel_add(&wheel, &tick, 10);
	/* Ten minutes of polling: every ms for a second, then every 7 ms. */
	for (now = 0; now < 1000; now++)
		run(now);
	for (; now < 600000; now += 7)
		run(now);
	CHECK_EQ(nfired, 59999); /* the tick only: 10..599990 */
	wheel_del(&wheel, &tick);
	*cascaded = wheel.stat_cascaded;
	return wheel.stat_slots_scanned;
}

TEST(test_100000_idle_far_timers_add_no_slot_scans_to_polls)
{
	uint64_t base_cascaded, loaded_cascaded;
	uint64_t base = slots_scanned_by_polls(0, &base_cascaded);
	uint64_t loaded = slots_scanned_by_polls(100000, &loaded_cascaded);

	CHECK_EQ(loaded, base);
	CHECK_EQ(loaded_cascaded, base_cascaded);
	/* One slot per tick fired plus one cascade per 64 ms boundary the
	 * tick crosses: about 1.16 per 10 ms, against 85000 polls. */
	CHECK(base <= 59999 + 600000 / 64 + 600000 / 4096 + WHEEL_LEVELS);
}

int main(void)
{
	RUN(test_timer_fires_in_the_run_at_its_exact_ms_for_each_delay);
	RUN(test_poll_loop_following_deadlines_fires_at_exact_ms);
	RUN(test_timers_fire_exactly_when_stepping_every_ms);
	RUN(test_timers_never_early_never_a_run_late_with_irregular_steps);
	RUN(test_timers_due_in_one_run_fire_in_expiry_order);
	RUN(test_del_before_expiry_prevents_firing_and_is_idempotent);
	RUN(test_rearming_an_armed_timer_moves_it);
	RUN(test_callback_rearming_itself_runs_periodically);
	RUN(test_callback_deleting_other_pending_timers_stops_them);
	RUN(test_callback_rearming_at_now_fires_next_run_not_this_one);
	RUN(test_next_deadline_exact_in_level0_and_never_after_earliest);
	RUN(test_expiry_beyond_wheel_span_fires_exactly);
	RUN(test_random_ops_match_sorted_array_model);
	RUN(test_three_hour_jump_with_10000_timers_fires_all_due_in_order);
	RUN(test_100000_idle_far_timers_add_no_slot_scans_to_polls);
	TEST_EXIT();
}
