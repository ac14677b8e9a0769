/*
 * In-kernel self-tests of the scheduler and its locks, run on the real
 * hardware (or QEMU) by the `selftest` shell command, in the manner of
 * Linux's KUnit. Each test prints "PASS name" or "FAIL name: why"; the
 * boot tests relay these lines. They need a real CPU, timer and context
 * switch, which the host unit tests cannot give.
 *
 * The shell thread runs them at PRIO_NORMAL; helper threads are created
 * at the priorities each test needs and always finish before the test
 * returns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "kernel/shell/shell.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/wait.h"

static int failures;
static const char *current_test;

#define EXPECT(cond, ...)                                              \
	do {                                                           \
		if (!(cond)) {                                         \
			printf("FAIL %s: ", current_test);             \
			printf(__VA_ARGS__);                           \
			printf(" (%s:%d)\n", __FILE__, __LINE__);      \
			failures++;                                    \
			return;                                        \
		}                                                      \
	} while (0)

/* Wait for n helper threads to post `done`, so none outlives its test. */
static bool join(struct semaphore *done, int n)
{
	for (int i = 0; i < n; i++)
		if (sem_wait(done, clock_now_us() + 5000000) < 0)
			return false;
	return true;
}

/* --- a thread woken with a higher priority runs at once ------------- */

static volatile int flag;
static struct semaphore done;

static void set_flag(void *arg)
{
	(void)arg;
	flag = 1;
	sem_post(&done);
}

static void test_sched_higher_priority_thread_preempts_creator(void)
{
	flag = 0;
	sem_init(&done, 0);
	thread_create("st-high", PRIO_NORMAL + 2, set_flag, NULL, 4096);
	/* No yield here: the new thread must already have run. */
	int seen = flag;
	EXPECT(join(&done, 1), "helper did not finish");
	EXPECT(seen == 1, "creator kept the CPU over a more urgent thread");
}

/* --- equal priorities share the CPU in time slices ------------------ */

static volatile uint64_t spins[2];
static volatile bool interleaved[2];

static void spinner(void *arg)
{
	int me = (int)(uintptr_t)arg, other = !me;

	/* Spinner 1 first blocks, so that it becomes ready again by a timer
	 * wake-up while spinner 0 holds the CPU at the same priority. */
	if (me == 1)
		thread_sleep_us(10000);
	uint64_t end = clock_now_us() + 60000;
	uint64_t other_seen = spins[other];
	while (clock_now_us() < end) {
		spins[me]++;
		if (spins[other] != other_seen)
			interleaved[me] = true;
	}
	sem_post(&done);
}

static void test_sched_equal_priority_peer_woken_gets_time_slices(void)
{
	spins[0] = spins[1] = 0;
	interleaved[0] = interleaved[1] = false;
	sem_init(&done, 0);
	/* Above the shell so only the slice timer can switch them. */
	thread_create("st-spin1", PRIO_NORMAL + 1, spinner, (void *)1, 4096);
	thread_create("st-spin0", PRIO_NORMAL + 1, spinner, (void *)0, 4096);
	EXPECT(join(&done, 2), "spinners did not finish");
	EXPECT(interleaved[0] && interleaved[1],
	       "no time slicing: each spinner ran alone (%d, %d)",
	       interleaved[0], interleaved[1]);
}

/* --- sleeping and timeouts ----------------------------------------------- */

static void test_sleep_lasts_at_least_the_time_asked(void)
{
	uint64_t t0 = clock_now_us();
	thread_sleep_us(15000);
	uint64_t dt = clock_now_us() - t0;
	EXPECT(dt >= 15000, "slept %llu us of 15000", (unsigned long long)dt);
	EXPECT(dt < 1000000, "slept %llu us for 15000", (unsigned long long)dt);
}

static void test_sem_wait_times_out_at_deadline(void)
{
	struct semaphore s;
	sem_init(&s, 0);
	uint64_t t0 = clock_now_us();
	int r = sem_wait(&s, t0 + 20000);
	uint64_t dt = clock_now_us() - t0;
	EXPECT(r == -ETIMEDOUT, "sem_wait returned %d", r);
	EXPECT(dt >= 20000, "timed out after %llu us of 20000",
	       (unsigned long long)dt);
}

static struct semaphore timer_sem;

static void post_from_timer(struct ktimer *t)
{
	(void)t;
	sem_post(&timer_sem);	/* interrupt context */
}

static void test_sem_post_from_interrupt_wakes_waiter(void)
{
	struct ktimer t;
	sem_init(&timer_sem, 0);
	ktimer_init(&t, post_from_timer);
	ktimer_arm(&t, clock_now_us() + 5000);
	int r = sem_wait(&timer_sem, clock_now_us() + 1000000);
	ktimer_cancel(&t);
	EXPECT(r == 0, "sem_wait returned %d", r);
}

/* --- mutual exclusion ---------------------------------------------------- */

static struct mutex lock;
static char order[8];
static int norder;

static void holder(void *arg)
{
	(void)arg;
	mutex_lock(&lock);
	order[norder++] = 'A';
	thread_sleep_us(20000);	/* hold it while the other tries */
	order[norder++] = 'a';
	mutex_unlock(&lock);
	sem_post(&done);
}

static void contender(void *arg)
{
	(void)arg;
	mutex_lock(&lock);
	order[norder++] = 'B';
	mutex_unlock(&lock);
	sem_post(&done);
}

static void test_mutex_blocks_contender_until_unlock(void)
{
	mutex_init(&lock, false);
	norder = 0;
	memset(order, 0, sizeof(order));
	sem_init(&done, 0);
	thread_create("st-holder", PRIO_NORMAL + 1, holder, NULL, 4096);
	/* The holder now sleeps with the lock; a more urgent contender
	 * must wait for it rather than run through. */
	thread_create("st-contend", PRIO_NORMAL + 2, contender, NULL, 4096);
	EXPECT(join(&done, 2), "threads did not finish");
	EXPECT(strcmp(order, "AaB") == 0, "order %s, expected AaB", order);
}

static void test_recursive_mutex_nests(void)
{
	struct mutex m;
	mutex_init(&m, true);
	mutex_lock(&m);
	mutex_lock(&m);
	mutex_unlock(&m);
	EXPECT(m.owner == thread_current(), "released after one unlock of two");
	mutex_unlock(&m);
	EXPECT(m.owner == NULL, "still held after both unlocks");
}

/* --- priority inheritance ------------------------------------------------ */

static struct mutex pi_lock;
static volatile bool high_waiting, hog_done, high_won_before_hog;

/* Takes the lock, then works (never blocking) until the high thread
 * waits for it: only a boost can get it back on the CPU past the hog. */
static void pi_low(void *arg)
{
	(void)arg;
	mutex_lock(&pi_lock);
	sem_post(&timer_sem);
	while (!high_waiting)
		;
	mutex_unlock(&pi_lock);
	sem_post(&done);
}

/* Middle priority, never blocks, for 300 ms. */
static void pi_hog(void *arg)
{
	uint64_t end = clock_now_us() + 300000;

	(void)arg;
	while (clock_now_us() < end)
		;
	hog_done = true;
	sem_post(&done);
}

static void pi_high(void *arg)
{
	(void)arg;
	high_waiting = true;
	mutex_lock(&pi_lock);
	high_won_before_hog = !hog_done;
	mutex_unlock(&pi_lock);
	sem_post(&done);
}

/* The classic inversion: low holds the lock, high waits for it, and a
 * middle thread that never blocks is ready. Without inheritance the
 * middle one runs to its end before low can unlock, and high with it;
 * with it, low runs at high's priority until it unlocks. (The net-poll
 * thread and a socket caller are high and low.) */
static void test_mutex_owner_inherits_a_waiters_priority(void)
{
	mutex_init(&pi_lock, false);
	sem_init(&done, 0);
	sem_init(&timer_sem, 0);
	high_waiting = hog_done = high_won_before_hog = false;
	thread_create("st-pi-low", PRIO_LOW, pi_low, NULL, 4096);
	EXPECT(sem_wait(&timer_sem, clock_now_us() + 5000000) == 0,
	       "the low thread never took the lock");
	thread_create("st-pi-hog", PRIO_NORMAL - 2, pi_hog, NULL, 4096);
	thread_create("st-pi-high", PRIO_HIGH, pi_high, NULL, 4096);
	EXPECT(join(&done, 3), "threads did not finish");
	EXPECT(high_won_before_hog,
	       "the high thread got the lock only after the hog finished");
	EXPECT(thread_current()->prio == thread_current()->base_prio,
	       "a boost outlived its lock");
}

/* --- a socket closed under a blocked caller ------------------------------ */

static volatile int blocked_ret, blocked_errno;
static volatile bool blocked_started;

static void accept_blocker(void *arg)
{
	int fd = (int)(intptr_t)arg;

	blocked_started = true;
	blocked_ret = accept(fd, NULL, NULL);
	blocked_errno = errno;
	sem_post(&done);
}

static void recv_blocker(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char c;

	blocked_started = true;
	blocked_ret = (int)recv(fd, &c, 1, 0);
	blocked_errno = errno;
	sem_post(&done);
}

static void send_blocker(void *arg)
{
	static char junk[4096];
	int fd = (int)(intptr_t)arg;

	blocked_started = true;
	do
		blocked_ret = (int)send(fd, junk, sizeof(junk), 0);
	while (blocked_ret > 0);
	blocked_errno = errno;
	sem_post(&done);
}

/* close() by one thread while another sleeps in fn on fd: the sleeper
 * must wake at once and fail with EBADF (POSIX leaves it open; Linux
 * wakes it for a shutdown, and a closed descriptor cannot be waited on
 * for ever). Returns NULL, or why not. */
static const char *close_wakes(void (*fn)(void *), int fd)
{
	blocked_ret = 0;
	blocked_errno = 0;
	blocked_started = false;
	sem_init(&done, 0);
	if (!thread_create("st-blocker", PRIO_NORMAL + 1, fn,
			   (void *)(intptr_t)fd, 8192))
		return "no thread";
	if (!blocked_started)
		return "the blocker did not run";
	thread_sleep_us(20000);		/* it sleeps in the call */
	if (sem_wait(&done, clock_now_us()) == 0)
		return "the call returned before the close";
	close(fd);
	if (sem_wait(&done, clock_now_us() + 2000000) < 0)
		return "still blocked 2 s after the close";
	if (blocked_ret != -1 || blocked_errno != EBADF)
		return "did not fail with EBADF";
	return NULL;
}

/* A listener on 127.0.0.1:port, or -1. */
static int loopback_listener(uint16_t port, struct sockaddr_in *a)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);

	*a = (struct sockaddr_in){
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	if (l >= 0 && (bind(l, (struct sockaddr *)a, sizeof(*a)) < 0 ||
		       listen(l, 4) < 0)) {
		close(l);
		return -1;
	}
	return l;
}

/* A connection to listener l at a: the client's descriptor, the
 * server's in *s; -1 on failure. */
static int loopback_pair(int l, const struct sockaddr_in *a, int *s)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);

	if (c < 0 || connect(c, (const struct sockaddr *)a, sizeof(*a)) < 0 ||
	    (*s = accept(l, NULL, NULL)) < 0) {
		close(c);
		return -1;
	}
	return c;
}

static void test_close_wakes_a_thread_blocked_in_accept_recv_or_send(void)
{
	struct sockaddr_in a;
	int l = loopback_listener(4999, &a), c, s;
	const char *why;

	EXPECT(l >= 0, "listener: errno %d", errno);
	why = close_wakes(accept_blocker, l);
	EXPECT(!why, "accept: %s (returned %d, errno %d)", why, blocked_ret,
	       blocked_errno);

	l = loopback_listener(4999, &a);
	EXPECT(l >= 0, "listener again: errno %d", errno);
	c = loopback_pair(l, &a, &s);
	EXPECT(c >= 0, "connection: errno %d", errno);
	why = close_wakes(recv_blocker, c);
	close(s);
	EXPECT(!why, "recv: %s (returned %d, errno %d)", why, blocked_ret,
	       blocked_errno);

	/* send: a peer that never reads fills both rings first. */
	c = loopback_pair(l, &a, &s);
	EXPECT(c >= 0, "connection: errno %d", errno);
	why = close_wakes(send_blocker, c);
	close(s);
	close(l);
	EXPECT(!why, "send: %s (returned %d, errno %d)", why, blocked_ret,
	       blocked_errno);
}

/* close() with SO_LINGER {1, N} on a connection whose FIN cannot be
 * acknowledged waits N seconds, then returns (the connection goes on as
 * an orphan), as Linux's tcp_close() does. The FIN is held by a peer
 * that never reads: its window is shut, and the FIN waits behind the
 * unsent data. Over loopback, so no network is needed. */
static void test_close_with_so_linger_waits_its_seconds_then_returns(void)
{
	static char junk[4096];
	struct sockaddr_in a;
	struct linger lg = { .l_onoff = 1, .l_linger = 1 };
	int l = loopback_listener(4998, &a), c, s;

	EXPECT(l >= 0, "listener: errno %d", errno);
	c = loopback_pair(l, &a, &s);
	EXPECT(c >= 0, "connection: errno %d", errno);
	/* Fill the peer's ring and ours: send until it would block, for
	 * a while, so the stack has moved all it can. */
	for (int quiet = 0; quiet < 20;) {
		if (send(c, junk, sizeof(junk), MSG_DONTWAIT) > 0)
			quiet = 0;
		else
			quiet++, thread_sleep_us(5000);
	}
	EXPECT(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0,
	       "SO_LINGER: errno %d", errno);
	uint64_t t0 = clock_now_us();
	int r = close(c);
	uint64_t took = clock_now_us() - t0;

	close(s);	/* unread data: reset, which ends the orphan too */
	close(l);
	EXPECT(r == 0, "close returned %d (errno %d)", r, errno);
	EXPECT(took >= 1000000 && took < 3000000,
	       "close took %llu us, not about 1 s",
	       (unsigned long long)took);
}

/* --- wait queues ---------------------------------------------------------- */

static struct wait_queue wq;
static volatile int go, woken;

static void waiter(void *arg)
{
	(void)arg;
	unsigned long f = arch_irq_save();
	while (!go)
		wait_queue_sleep(&wq, WAIT_FOREVER);
	woken++;
	arch_irq_restore(f);
	sem_post(&done);
}

static void test_wake_up_all_wakes_every_waiter(void)
{
	wait_queue_init(&wq);
	go = 0;
	woken = 0;
	sem_init(&done, 0);
	for (int i = 0; i < 3; i++)
		thread_create("st-wait", PRIO_NORMAL + 1, waiter, NULL, 4096);
	unsigned long f = arch_irq_save();
	go = 1;
	int n = wake_up_all(&wq);
	arch_irq_restore(f);
	sched_maybe_yield();
	EXPECT(join(&done, 3), "waiters did not finish");
	EXPECT(n == 3 && woken == 3, "woke %d, %d ran", n, woken);
}

/* --- newlib state per thread ------------------------------------------- */

static volatile int errno_seen;

static void errno_setter(void *arg)
{
	(void)arg;
	errno = 7;
	errno_seen = errno;
	sem_post(&done);
}

static void test_errno_is_per_thread(void)
{
	sem_init(&done, 0);
	errno = 5;
	thread_create("st-errno", PRIO_NORMAL + 1, errno_setter, NULL, 4096);
	EXPECT(join(&done, 1), "helper did not finish");
	EXPECT(errno_seen == 7 && errno == 5, "errno %d here, %d there",
	       errno, errno_seen);
}

static volatile int heap_errors;

static void heap_worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	void *held[16] = { 0 };
	size_t sizes[16] = { 0 };

	for (int i = 0; i < 2000; i++) {
		int k = (seed = seed * 1103515245 + 12345) % 16;
		unsigned char fill = (unsigned char)(uintptr_t)arg;
		if (held[k]) {
			for (size_t j = 0; j < sizes[k]; j++)
				if (((unsigned char *)held[k])[j] != fill)
					heap_errors++;
			free(held[k]);
			held[k] = NULL;
		} else {
			sizes[k] = 1 + (seed >> 8) % 700;
			held[k] = malloc(sizes[k]);
			if (held[k])
				memset(held[k], fill, sizes[k]);
		}
	}
	for (int k = 0; k < 16; k++)
		free(held[k]);
	sem_post(&done);
}

static void test_malloc_is_safe_across_preempting_threads(void)
{
	heap_errors = 0;
	sem_init(&done, 0);
	/* Same priority: they preempt each other in time slices, inside
	 * malloc and free too. */
	for (int i = 1; i <= 4; i++)
		thread_create("st-heap", PRIO_NORMAL + 1, heap_worker,
			      (void *)(uintptr_t)i, 8192);
	EXPECT(join(&done, 4), "workers did not finish");
	EXPECT(heap_errors == 0, "%d corrupted bytes", heap_errors);
}

/* --- the command ---------------------------------------------------------- */

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
#define T(fn) { #fn, fn }
	T(test_sched_higher_priority_thread_preempts_creator),
	T(test_sched_equal_priority_peer_woken_gets_time_slices),
	T(test_sleep_lasts_at_least_the_time_asked),
	T(test_sem_wait_times_out_at_deadline),
	T(test_sem_post_from_interrupt_wakes_waiter),
	T(test_mutex_blocks_contender_until_unlock),
	T(test_recursive_mutex_nests),
	T(test_mutex_owner_inherits_a_waiters_priority),
	T(test_close_wakes_a_thread_blocked_in_accept_recv_or_send),
	T(test_close_with_so_linger_waits_its_seconds_then_returns),
	T(test_wake_up_all_wakes_every_waiter),
	T(test_errno_is_per_thread),
	T(test_malloc_is_safe_across_preempting_threads),
#undef T
};

static int cmd_selftest(int argc, char **argv)
{
	int ran = 0;

	failures = 0;
	for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		current_test = tests[i].name;
		int before = failures;
		tests[i].fn();
		if (failures == before)
			printf("PASS %s\n", tests[i].name);
		ran++;
		fflush(stdout);
	}
	printf("selftest: %d passed, %d failed\n", ran - failures, failures);
	return failures != 0;
}

static const struct shell_cmd selftest_cmd[] = {
	{ "selftest", "selftest [FILTER]",
	  "run the in-kernel scheduler and lock tests", cmd_selftest },
};

void selftest_init(void)
{
	shell_register(selftest_cmd, 1);
}
