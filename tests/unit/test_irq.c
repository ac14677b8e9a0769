/*
 * Unit tests for kernel/irq.c, the shared-IRQ registrar.
 *
 * A fake interrupt controller records mask/unmask per hardware line and
 * whether interrupts were masked when it was called; fake_kernel.c
 * stands in for arch masking and kprintf. The registrar's tables are
 * global and never shrink (four chips, IRQ_MAX_LINES virqs), so the
 * tests share one registered chip and each takes fresh hardware lines.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "kernel/irq.h"
#include "fake_kernel.h"
#include "test.h"

#define NR_HWIRQ 96

struct fake_line {
	int masks, unmasks;
	bool masked;
	bool irqs_on_at_unmask; /* arch_irqs_enabled() in the last unmask */
};

static struct fake_line lines[NR_HWIRQ];

static void fake_mask(struct irq_chip *chip, unsigned hwirq)
{
	CHECK(hwirq < NR_HWIRQ);
	lines[hwirq].masks++;
	lines[hwirq].masked = true;
}

static void fake_unmask(struct irq_chip *chip, unsigned hwirq)
{
	CHECK(hwirq < NR_HWIRQ);
	lines[hwirq].unmasks++;
	lines[hwirq].masked = false;
	lines[hwirq].irqs_on_at_unmask = arch_irqs_enabled();
}

static struct irq_chip chip = {
    .name = "FakePIC",
    .nr_hwirq = NR_HWIRQ,
    .mask = fake_mask,
    .unmask = fake_unmask,
    .phandle = 0x8001,
};

static bool chip_registered;
static unsigned next_hwirq = 1;

/* Register the shared chip once, reset the fakes. */
static void setup(void)
{
	if (!chip_registered) {
		CHECK_EQ(irq_chip_register(&chip), 0);
		chip_registered = true;
	}
	fake_kernel_reset();
}

/* A hardware line no other test has used, mapped; its virq. */
static int fresh_line(unsigned *hwirq, enum irq_trigger trigger)
{
	CHECK(next_hwirq < NR_HWIRQ);
	*hwirq = next_hwirq++;
	memset(&lines[*hwirq], 0, sizeof(lines[*hwirq]));
	int virq = irq_create_mapping(&chip, *hwirq, trigger);
	CHECK(virq >= 1);
	return virq;
}

/* A device on a line: answers what it is told, notes what it saw. */
struct fake_dev {
	enum irqreturn answer;
	int calls;
	bool in_irq;  /* in_interrupt() during the last call */
	bool irqs_on; /* arch_irqs_enabled() during the last call */
};

static enum irqreturn fake_handler(void *ctx)
{
	struct fake_dev *dev = ctx;

	dev->calls++;
	dev->in_irq = in_interrupt();
	dev->irqs_on = arch_irqs_enabled();
	return dev->answer;
}

static int wakes;
static void *wake_arg_seen;

static void fake_poller_wake(void *arg)
{
	wakes++;
	wake_arg_seen = arg;
}

/* Raise hwirq n times, as the controller driver would. */
static void fire(unsigned hwirq, int n)
{
	for (int i = 0; i < n; i++)
		irq_handle_hwirq(&chip, hwirq);
}

/* The "ERR:" figure of irq_show(). */
static unsigned long long shown_spurious(void)
{
	static char buf[16384];
	unsigned long long n = 0;

	irq_show(buf, sizeof(buf));
	const char *err = strstr(buf, " ERR:");
	CHECK(err != NULL);
	CHECK(sscanf(err, " ERR: %llu", &n) == 1);
	return n;
}

/* --- chips and mappings ------------------------------------------------ */

TEST(test_irq_first_chip_registered_is_default_and_found_by_phandle)
{
	setup();
	CHECK(irq_default_chip() == &chip);
	CHECK(irq_chip_by_phandle(0x8001) == &chip);
	CHECK(irq_chip_by_phandle(0x1234) == NULL);
	CHECK(chip.revmap != NULL);
}

TEST(test_irq_same_hwirq_maps_to_same_virq)
{
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_create_mapping(&chip, hw, IRQ_TRIGGER_LEVEL), virq);
	CHECK_EQ(irq_create_mapping(&chip, hw, IRQ_TRIGGER_LEVEL), virq);
	unsigned hw2;
	int virq2 = fresh_line(&hw2, IRQ_TRIGGER_EDGE);
	CHECK(virq2 != virq);
	CHECK_EQ(fake_irq_saves, fake_irq_restores);
	CHECK(arch_irqs_enabled());
}

TEST(test_irq_mapping_out_of_range_hwirq_is_einval)
{
	setup();
	CHECK_EQ(irq_create_mapping(&chip, NR_HWIRQ, IRQ_TRIGGER_LEVEL),
		 -EINVAL);
	CHECK_EQ(irq_create_mapping(&chip, 0xffffffffu, IRQ_TRIGGER_LEVEL),
		 -EINVAL);
	CHECK_EQ(irq_create_mapping(NULL, 1, IRQ_TRIGGER_LEVEL), -EINVAL);
	struct irq_chip unregistered = chip;
	unregistered.revmap = NULL;
	CHECK_EQ(irq_create_mapping(&unregistered, 1, IRQ_TRIGGER_LEVEL),
		 -EINVAL);
}

/* --- registration -------------------------------------------------------- */

TEST(test_irq_register_masks_interrupts_and_unmasks_line)
{
	struct fake_dev dev = {.answer = IRQ_HANDLED};
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	fake_kernel_reset();
	CHECK_EQ(irq_register_shared(virq, "dev", fake_handler, &dev), 0);
	CHECK_EQ(lines[hw].unmasks, 1);
	CHECK(!lines[hw].masked);
	CHECK(!lines[hw].irqs_on_at_unmask); /* masked while editing */
	CHECK(fake_irq_saves > 0);
	CHECK_EQ(fake_irq_saves, fake_irq_restores);
	CHECK(arch_irqs_enabled()); /* and restored after */
	CHECK_EQ(irq_unregister(virq, &dev), 0);
	CHECK_EQ(fake_irq_saves, fake_irq_restores);
	CHECK(arch_irqs_enabled());
}

TEST(test_irq_register_keeps_interrupts_masked_if_caller_had_them_masked)
{
	struct fake_dev dev = {.answer = IRQ_HANDLED};
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	unsigned long flags = arch_irq_save();
	CHECK_EQ(irq_register_shared(virq, "dev", fake_handler, &dev), 0);
	CHECK(!arch_irqs_enabled());
	arch_irq_restore(flags);
	CHECK(arch_irqs_enabled());
}

TEST(test_irq_register_on_bad_virq_is_einval)
{
	struct fake_dev dev = {0};
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_register_shared(0, "x", fake_handler, &dev), -EINVAL);
	CHECK_EQ(irq_register_shared(-1, "x", fake_handler, &dev), -EINVAL);
	CHECK_EQ(irq_register_shared(IRQ_MAX_LINES, "x", fake_handler, &dev),
		 -EINVAL);
	CHECK_EQ(irq_register_shared(virq + 1000, "x", fake_handler, &dev),
		 -EINVAL);
	CHECK_EQ(irq_register_shared(virq, "x", NULL, &dev), -EINVAL);
	CHECK_EQ(lines[hw].unmasks, 0);
}

TEST(test_irq_register_same_ctx_twice_is_eexist)
{
	struct fake_dev dev = {.answer = IRQ_HANDLED};
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_register_shared(virq, "dev", fake_handler, &dev), 0);
	CHECK_EQ(irq_register_shared(virq, "dev", fake_handler, &dev), -EEXIST);
	fire(hw, 1);
	CHECK_EQ(dev.calls, 1); /* registered once only */
	CHECK_EQ(fake_irq_saves, fake_irq_restores);
}

TEST(test_irq_register_past_max_actions_is_enospc)
{
	struct fake_dev dev[IRQ_MAX_ACTIONS + 1];
	unsigned hw;

	setup();
	memset(dev, 0, sizeof(dev));
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	for (int i = 0; i < IRQ_MAX_ACTIONS; i++)
		CHECK_EQ(
		    irq_register_shared(virq, "dev", fake_handler, &dev[i]), 0);
	CHECK_EQ(irq_register_shared(virq, "dev", fake_handler,
				     &dev[IRQ_MAX_ACTIONS]),
		 -ENOSPC);
	CHECK_EQ(fake_irq_saves, fake_irq_restores);
	fire(hw, 1);
	for (int i = 0; i < IRQ_MAX_ACTIONS; i++)
		CHECK_EQ(dev[i].calls, 1);
	CHECK_EQ(dev[IRQ_MAX_ACTIONS].calls, 0);
	/* Once one leaves there is room again. */
	CHECK_EQ(irq_unregister(virq, &dev[0]), 0);
	CHECK_EQ(irq_register_shared(virq, "dev", fake_handler,
				     &dev[IRQ_MAX_ACTIONS]),
		 0);
}

TEST(test_irq_unregister_removes_only_its_ctx_and_masks_on_last)
{
	struct fake_dev a = {.answer = IRQ_HANDLED};
	struct fake_dev b = {.answer = IRQ_HANDLED};
	struct fake_dev c = {.answer = IRQ_HANDLED};
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_register_shared(virq, "a", fake_handler, &a), 0);
	CHECK_EQ(irq_register_shared(virq, "b", fake_handler, &b), 0);
	CHECK_EQ(irq_register_shared(virq, "c", fake_handler, &c), 0);
	CHECK_EQ(irq_unregister(virq, &b), 0);
	CHECK_EQ(lines[hw].masks, 0);
	fire(hw, 1);
	CHECK_EQ(a.calls, 1);
	CHECK_EQ(b.calls, 0);
	CHECK_EQ(c.calls, 1);
	CHECK_EQ(irq_handler_count(virq, &c), 1);
	CHECK_EQ(irq_unregister(virq, &b), -ENOENT); /* already gone */
	CHECK_EQ(irq_unregister(virq, &a), 0);
	CHECK_EQ(lines[hw].masks, 0);
	CHECK_EQ(irq_unregister(virq, &c), 0);
	CHECK_EQ(lines[hw].masks, 1); /* last one left */
	CHECK(lines[hw].masked);
	CHECK_EQ(fake_irq_saves, fake_irq_restores);
	CHECK(arch_irqs_enabled());
}

/* --- dispatch ---------------------------------------------------------- */

TEST(test_irq_shared_line_runs_both_handlers_and_counts_claims_only)
{
	struct fake_dev a = {.answer = IRQ_NONE};
	struct fake_dev b = {.answer = IRQ_HANDLED};
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_register_shared(virq, "a", fake_handler, &a), 0);
	CHECK_EQ(irq_register_shared(virq, "b", fake_handler, &b), 0);
	CHECK(irq_handle_hwirq(&chip, hw));
	CHECK(irq_handle_hwirq(&chip, hw));
	a.answer = IRQ_WAKE_POLLER;
	b.answer = IRQ_NONE;
	CHECK(irq_handle_hwirq(&chip, hw));
	a.answer = IRQ_NONE;
	CHECK(!irq_handle_hwirq(&chip, hw));
	CHECK_EQ(a.calls, 4);
	CHECK_EQ(b.calls, 4);
	CHECK_EQ(irq_line_count(virq), 4);
	CHECK_EQ(irq_handler_count(virq, &a), 1); /* WAKE_POLLER counts */
	CHECK_EQ(irq_handler_count(virq, &b), 2);
}

TEST(test_irq_wake_poller_called_once_per_interrupt_even_if_two_ask)
{
	struct fake_dev a = {.answer = IRQ_WAKE_POLLER};
	struct fake_dev b = {.answer = IRQ_WAKE_POLLER};
	struct fake_dev c = {.answer = IRQ_HANDLED};
	int cookie;
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_register_shared(virq, "a", fake_handler, &a), 0);
	CHECK_EQ(irq_register_shared(virq, "b", fake_handler, &b), 0);
	CHECK_EQ(irq_register_shared(virq, "c", fake_handler, &c), 0);
	irq_set_poller_wake(fake_poller_wake, &cookie);
	wakes = 0;
	fire(hw, 1);
	CHECK_EQ(wakes, 1);
	CHECK(wake_arg_seen == &cookie);
	fire(hw, 2);
	CHECK_EQ(wakes, 3);
	/* Nobody asks: no wake. */
	a.answer = b.answer = IRQ_HANDLED;
	fire(hw, 1);
	CHECK_EQ(wakes, 3);
	irq_set_poller_wake(NULL, NULL);
	a.answer = IRQ_WAKE_POLLER;
	fire(hw, 1); /* no poller set: harmless */
	CHECK_EQ(wakes, 3);
}

TEST(test_irq_in_interrupt_true_inside_handlers_only)
{
	struct fake_dev dev = {.answer = IRQ_HANDLED};
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK(!in_interrupt());
	CHECK_EQ(irq_register_shared(virq, "dev", fake_handler, &dev), 0);
	fire(hw, 1);
	CHECK(dev.in_irq);
	CHECK(!in_interrupt());
	/* Also after a line nobody claims. */
	dev.answer = IRQ_NONE;
	dev.in_irq = false;
	fire(hw, 1);
	CHECK(dev.in_irq);
	CHECK(!in_interrupt());
}

/* --- nobody cared ------------------------------------------------------ */

TEST(test_irq_unclaimed_line_masked_after_spurious_limit_not_before)
{
	struct fake_dev dev = {.answer = IRQ_NONE};
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_register_shared(virq, "deaf", fake_handler, &dev), 0);
	fire(hw, IRQ_SPURIOUS_LIMIT - 1);
	CHECK_EQ(lines[hw].masks, 0);
	CHECK(!irq_line_disabled(virq));
	CHECK_EQ(fake_kprintf_calls, 0);
	fire(hw, 1);
	CHECK_EQ(lines[hw].masks, 1);
	CHECK(lines[hw].masked);
	CHECK(irq_line_disabled(virq));
	CHECK_EQ(dev.calls, IRQ_SPURIOUS_LIMIT);
	CHECK_EQ(irq_line_count(virq), IRQ_SPURIOUS_LIMIT);
}

TEST(test_irq_claim_resets_the_unclaimed_run)
{
	struct fake_dev dev = {.answer = IRQ_NONE};
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_register_shared(virq, "flaky", fake_handler, &dev), 0);
	fire(hw, IRQ_SPURIOUS_LIMIT - 1);
	dev.answer = IRQ_HANDLED;
	fire(hw, 1);
	dev.answer = IRQ_NONE;
	fire(hw, IRQ_SPURIOUS_LIMIT - 1);
	CHECK_EQ(lines[hw].masks, 0);
	CHECK(!irq_line_disabled(virq));
	fire(hw, 1);
	CHECK_EQ(lines[hw].masks, 1);
	CHECK(irq_line_disabled(virq));
}

TEST(test_irq_nobody_cared_is_logged_via_kprintf)
{
	struct fake_dev dev = {.answer = IRQ_NONE};
	char want[64];
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_register_shared(virq, "deaf", fake_handler, &dev), 0);
	fire(hw, IRQ_SPURIOUS_LIMIT);
	CHECK_EQ(fake_kprintf_calls, 1);
	CHECK(strstr(fake_kprintf_last, "nobody cared") != NULL);
	snprintf(want, sizeof(want), "irq %d ", virq);
	CHECK(strstr(fake_kprintf_last, want) != NULL);
	CHECK(strstr(fake_kprintf_last, "FakePIC") != NULL);
}

/* irq.h: "after IRQ_SPURIOUS_LIMIT unclaimed interrupts in a row it is
 * masked and reported once". An interrupt already latched when the mask
 * lands (or a chip whose mask is slow to take) must not bring a second
 * report and a second mask for every further interrupt. */
TEST(test_irq_nobody_cared_reported_once_even_if_line_fires_again)
{
	struct fake_dev dev = {.answer = IRQ_NONE};
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_register_shared(virq, "deaf", fake_handler, &dev), 0);
	fire(hw, IRQ_SPURIOUS_LIMIT);
	CHECK_EQ(fake_kprintf_calls, 1);
	fire(hw, 5);
	CHECK(irq_line_disabled(virq));
	CHECK_EQ(fake_kprintf_calls, 1);
}

TEST(test_irq_new_handler_unmasks_a_line_disabled_by_nobody_cared)
{
	struct fake_dev deaf = {.answer = IRQ_NONE};
	struct fake_dev good = {.answer = IRQ_HANDLED};
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_register_shared(virq, "deaf", fake_handler, &deaf), 0);
	fire(hw, IRQ_SPURIOUS_LIMIT);
	CHECK(irq_line_disabled(virq));
	CHECK_EQ(irq_register_shared(virq, "good", fake_handler, &good), 0);
	CHECK(!irq_line_disabled(virq));
	CHECK(!lines[hw].masked);
	CHECK(irq_handle_hwirq(&chip, hw));
}

TEST(test_irq_unmapped_hwirq_counted_spurious_and_masked)
{
	unsigned hw = NR_HWIRQ - 1; /* never mapped by any test */

	setup();
	memset(&lines[hw], 0, sizeof(lines[hw]));
	unsigned long long before = shown_spurious();
	CHECK(!irq_handle_hwirq(&chip, hw));
	CHECK_EQ(lines[hw].masks, 1);
	CHECK(lines[hw].masked);
	CHECK_EQ(shown_spurious(), before + 1);
	/* Beyond the chip's lines: counted, nothing to mask. */
	CHECK(!irq_handle_hwirq(&chip, NR_HWIRQ + 5));
	CHECK_EQ(shown_spurious(), before + 2);
	/* What the controller could not attribute at all. */
	irq_count_spurious();
	CHECK_EQ(shown_spurious(), before + 3);
}

/* --- /proc/interrupts ----------------------------------------------------- */

/* Find the irq_show() row of virq; copy it (without '\n') into row. */
static bool show_row(const char *all, int virq, char *row, size_t size)
{
	char head[16];

	snprintf(head, sizeof(head), "\n%4d: ", virq);
	const char *p = strstr(all, head);
	if (!p)
		return false;
	p++;
	size_t n = strcspn(p, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(row, p, n);
	row[n] = '\0';
	return true;
}

TEST(test_irq_show_lists_chip_hwirq_trigger_and_shared_counts)
{
	static char buf[16384];
	struct fake_dev nic = {.answer = IRQ_WAKE_POLLER};
	struct fake_dev blk = {.answer = IRQ_NONE};
	struct fake_dev uart = {.answer = IRQ_HANDLED};
	char row[256], want[64];
	unsigned hw_shared, hw_alone;

	setup();
	int shared = fresh_line(&hw_shared, IRQ_TRIGGER_LEVEL);
	int alone = fresh_line(&hw_alone, IRQ_TRIGGER_EDGE);
	CHECK_EQ(irq_register_shared(shared, "virtio-net", fake_handler, &nic),
		 0);
	CHECK_EQ(irq_register_shared(shared, "virtio-blk", fake_handler, &blk),
		 0);
	CHECK_EQ(irq_register_shared(alone, "uart", fake_handler, &uart), 0);
	fire(hw_shared, 3);
	blk.answer = IRQ_HANDLED;
	nic.answer = IRQ_NONE;
	fire(hw_shared, 2);
	fire(hw_alone, 7);

	int len = irq_show(buf, sizeof(buf));
	CHECK_EQ(len, strlen(buf));
	CHECK(strstr(buf, "CPU0") != NULL);
	CHECK(show_row(buf, shared, row, sizeof(row)));
	CHECK(strstr(row, " 5 ") != NULL); /* line count */
	CHECK(strstr(row, "FakePIC") != NULL);
	snprintf(want, sizeof(want), " %u ", hw_shared);
	CHECK(strstr(row, want) != NULL);
	CHECK(strstr(row, "Level") != NULL);
	CHECK(strstr(row, "virtio-net[3]") != NULL);
	CHECK(strstr(row, "virtio-blk[2]") != NULL);
	CHECK(show_row(buf, alone, row, sizeof(row)));
	CHECK(strstr(row, " 7 ") != NULL);
	CHECK(strstr(row, "Edge") != NULL);
	CHECK(strstr(row, "uart") != NULL);
	CHECK(strstr(row, "[") == NULL); /* no count when not shared */
	CHECK_EQ(fake_irq_saves, fake_irq_restores);
}

TEST(test_irq_show_marks_line_disabled_by_nobody_cared)
{
	static char buf[16384];
	struct fake_dev dev = {.answer = IRQ_NONE};
	char row[256];
	unsigned hw;

	setup();
	int virq = fresh_line(&hw, IRQ_TRIGGER_LEVEL);
	CHECK_EQ(irq_register_shared(virq, "deaf", fake_handler, &dev), 0);
	fire(hw, IRQ_SPURIOUS_LIMIT);
	irq_show(buf, sizeof(buf));
	CHECK(show_row(buf, virq, row, sizeof(row)));
	CHECK(strstr(row, "nobody cared") != NULL);
}

TEST(test_irq_show_never_overflows_a_small_buffer)
{
	static char full[16384];
	struct fake_dev a = {.answer = IRQ_HANDLED};
	struct fake_dev b = {.answer = IRQ_HANDLED};
	unsigned hw;

	setup();
	/* A shared line of its own, so the table is long whatever ran
	 * before. */
	int virq = fresh_line(&hw, IRQ_TRIGGER_EDGE);
	CHECK_EQ(
	    irq_register_shared(virq, "a-long-handler-name", fake_handler, &a),
	    0);
	CHECK_EQ(irq_register_shared(virq, "another-long-handler-name",
				     fake_handler, &b),
		 0);
	fire(hw, 12345);
	int full_len = irq_show(full, sizeof(full));
	CHECK(full_len > 200);
	CHECK_EQ(full_len, strlen(full));
	for (int size = 1; size <= 200; size++) {
		/* Exactly size bytes: ASan flags any write past them. */
		char *buf = malloc(size);
		CHECK(buf != NULL);
		memset(buf, 'x', size);
		int len = irq_show(buf, size);
		int want = full_len < size - 1 ? full_len : size - 1;
		if (len != want || buf[len] != '\0' ||
		    memcmp(buf, full, len) != 0) {
			free(buf);
			FAIL_AT("size %d: length %d, expected %d", size, len,
				want);
		}
		free(buf);
	}
	char untouched = 'x';
	CHECK_EQ(irq_show(&untouched, 0), 0);
	CHECK_EQ(untouched, 'x');
}

int main(void)
{
	RUN(test_irq_first_chip_registered_is_default_and_found_by_phandle);
	RUN(test_irq_same_hwirq_maps_to_same_virq);
	RUN(test_irq_mapping_out_of_range_hwirq_is_einval);
	RUN(test_irq_register_masks_interrupts_and_unmasks_line);
	RUN(test_irq_register_keeps_interrupts_masked_if_caller_had_them_masked);
	RUN(test_irq_register_on_bad_virq_is_einval);
	RUN(test_irq_register_same_ctx_twice_is_eexist);
	RUN(test_irq_register_past_max_actions_is_enospc);
	RUN(test_irq_unregister_removes_only_its_ctx_and_masks_on_last);
	RUN(test_irq_shared_line_runs_both_handlers_and_counts_claims_only);
	RUN(test_irq_wake_poller_called_once_per_interrupt_even_if_two_ask);
	RUN(test_irq_in_interrupt_true_inside_handlers_only);
	RUN(test_irq_unclaimed_line_masked_after_spurious_limit_not_before);
	RUN(test_irq_claim_resets_the_unclaimed_run);
	RUN(test_irq_nobody_cared_is_logged_via_kprintf);
	RUN(test_irq_nobody_cared_reported_once_even_if_line_fires_again);
	RUN(test_irq_new_handler_unmasks_a_line_disabled_by_nobody_cared);
	RUN(test_irq_unmapped_hwirq_counted_spurious_and_masked);
	RUN(test_irq_show_lists_chip_hwirq_trigger_and_shared_counts);
	RUN(test_irq_show_marks_line_disabled_by_nobody_cared);
	RUN(test_irq_show_never_overflows_a_small_buffer);
	TEST_EXIT();
}
