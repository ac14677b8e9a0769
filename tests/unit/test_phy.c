/*
 * Host tests of the clause 22 PHY layer (drivers/phy.c) against a fake
 * MDIO bus: one PHY at a chosen address, registers as IEEE 802.3
 * clause 22 describes them (reset self-clears, the link bit latches
 * low), or no PHY at all. Log lines are captured and checked too.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drivers/phy.h"
#include "kernel/printk.h"
#include "tests/unit/test.h"

/* --- captured log -------------------------------------------------------- */

static char log_buf[4096];

int kvprintf(const char *fmt, va_list ap)
{
	size_t used = strlen(log_buf);

	return vsnprintf(log_buf + used, sizeof(log_buf) - used, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* --- the fake bus and PHY ----------------------------------------------- */

struct fake_phy {
	int addr;		/* -1: nothing on the bus */
	uint16_t regs[32];
	bool link;		/* the wire's state now */
	bool link_latched_low;	/* dropped since BMSR was last read */
	int reset_reads;	/* BMCR reads that still show RESET */
	bool never_leaves_reset;
	int reads, writes;
	unsigned delayed_us;
};

static int fake_read(void *priv, unsigned addr, unsigned reg)
{
	struct fake_phy *f = priv;

	f->reads++;
	if ((int)addr != f->addr || reg >= 32)
		return 0xffff;
	if (reg == MII_BMCR) {
		uint16_t v = f->regs[MII_BMCR];
		if (f->reset_reads > 0 || f->never_leaves_reset) {
			f->reset_reads--;
			return v | BMCR_RESET;
		}
		return v & ~BMCR_RESET;
	}
	if (reg == MII_BMSR) {
		uint16_t v = f->regs[MII_BMSR] & ~BMSR_LSTATUS;
		if (f->link && !f->link_latched_low)
			v |= BMSR_LSTATUS;
		f->link_latched_low = false; /* reading clears the latch */
		return v;
	}
	return f->regs[reg];
}

static int fake_write(void *priv, unsigned addr, unsigned reg, uint16_t val)
{
	struct fake_phy *f = priv;

	f->writes++;
	if ((int)addr != f->addr || reg >= 32)
		return 0;
	if (reg == MII_BMCR && (val & BMCR_RESET)) {
		f->reset_reads = 3;
		val &= ~BMCR_RESET;
	}
	if (reg == MII_BMCR)
		val &= ~BMCR_ANRESTART;
	f->regs[reg] = val;
	return 0;
}

static void fake_delay(void *priv, unsigned us)
{
	struct fake_phy *f = priv;

	f->delayed_us += us;
}

static struct fake_phy fake;
static const struct mdio_bus bus = {
	.priv = &fake,
	.read = fake_read,
	.write = fake_write,
	.delay_us = fake_delay,
};

/* A gigabit PHY like QEMU's cadence_gem model (hw/net/cadence_gem.c
 * gem_phy_reset(): a Marvell 88E1111, id 0x01410cc2) at addr, link up,
 * negotiation complete, partner 1000 full and 100/10 both duplexes. */
static void fake_gigabit_phy(int addr)
{
	memset(&fake, 0, sizeof(fake));
	log_buf[0] = '\0';
	fake.addr = addr;
	fake.regs[MII_BMCR] = BMCR_ANENABLE | BMCR_FULLDPLX | BMCR_SPEED1000;
	fake.regs[MII_BMSR] = 0x7969 | BMSR_ANEGCOMPLETE;
	fake.regs[MII_PHYSID1] = 0x0141;
	fake.regs[MII_PHYSID2] = 0x0cc2;
	fake.regs[MII_ADVERTISE] = 0x0de1; /* with pause bits set */
	fake.regs[MII_LPA] = 0xcde1;
	fake.regs[MII_CTRL1000] = 0x0300;
	fake.regs[MII_STAT1000] = 0x7c00;
	fake.regs[MII_ESTATUS] = 0x3000;
	fake.link = true;
}

/* --- discovery ------------------------------------------------------------ */

TEST(test_phy_found_at_the_tree_address_without_scanning)
{
	struct phy_device phy;

	fake_gigabit_phy(12);
	CHECK_EQ(phy_attach(&phy, &bus, 12, "eth0"), 0);
	CHECK_EQ(phy.addr, 12);
	CHECK_EQ(phy.id, 0x01410cc2);
	CHECK_EQ(fake.reads, 2); /* PHYSID1 and PHYSID2 at 12 only */
	CHECK(log_buf[0] == '\0');
}

TEST(test_phy_at_wrong_address_found_by_scan_and_logged)
{
	struct phy_device phy;

	fake_gigabit_phy(23); /* QEMU's ZynqMP GEM answers at 23 */
	CHECK_EQ(phy_attach(&phy, &bus, 12, "eth0"), 0);
	CHECK_EQ(phy.addr, 23);
	CHECK_EQ(phy.id, 0x01410cc2);
	CHECK(strcmp(log_buf, "eth0: no PHY at MDIO address 12, found one at "
			      "23 (id 0x01410cc2)\n") == 0);
}

TEST(test_phy_without_tree_address_found_by_scan)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	CHECK_EQ(phy_attach(&phy, &bus, -1, "eth1"), 0);
	CHECK_EQ(phy.addr, 0);
	CHECK(strstr(log_buf, "eth1: the device tree names no PHY, found one "
			      "at MDIO address 0") == log_buf);
}

TEST(test_phy_reading_all_zeroes_is_absent)
{
	struct phy_device phy;

	fake_gigabit_phy(5);
	fake.regs[MII_PHYSID1] = 0;
	fake.regs[MII_PHYSID2] = 0;
	CHECK_EQ(phy_attach(&phy, &bus, 5, "eth0"), -ENODEV);
	CHECK_EQ(phy.addr, -1);
}

TEST(test_bus_without_phy_refused_then_fixed_link_up)
{
	struct phy_device phy;

	fake_gigabit_phy(-1);
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), -ENODEV);
	CHECK_EQ(phy.addr, -1);
	CHECK_EQ(fake.reads, 2 * PHY_MAX_ADDR); /* every address tried */
	CHECK(strcmp(log_buf, "eth0: no PHY answers at any MDIO address; "
			      "assuming a fixed link at 1000 Mbps, full "
			      "duplex\n") == 0);
	CHECK_EQ(phy_start(&phy), 0);
	CHECK(phy_poll(&phy));
	CHECK(phy.link);
	CHECK_EQ(phy.speed, 1000);
	CHECK(phy.full_duplex);
	CHECK(!phy_poll(&phy)); /* no change the second time */
}

/* --- start ---------------------------------------------------------------- */

TEST(test_phy_start_resets_advertises_abilities_and_restarts_aneg)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	fake.regs[MII_ADVERTISE] = 0x0c01; /* pause bits, no technologies */
	fake.regs[MII_CTRL1000] = 0;
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), 0);
	CHECK_EQ(phy_start(&phy), 0);
	CHECK_EQ(fake.delayed_us, 3 * PHY_RESET_POLL_US);
	/* 10/100 half and full from BMSR 0x7969, pause bits kept. */
	CHECK_EQ(fake.regs[MII_ADVERTISE], 0x0de1);
	/* 1000BASE-T full and half from ESTATUS 0x3000. */
	CHECK_EQ(fake.regs[MII_CTRL1000], 0x0300);
	CHECK(phy.gigabit);
	CHECK(fake.regs[MII_BMCR] & BMCR_ANENABLE);
	CHECK(!phy.link);
}

TEST(test_phy_without_extended_status_advertises_no_gigabit)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	fake.regs[MII_BMSR] &= ~BMSR_ESTATEN;
	fake.regs[MII_CTRL1000] = 0;
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), 0);
	CHECK_EQ(phy_start(&phy), 0);
	CHECK(!phy.gigabit);
	CHECK_EQ(fake.regs[MII_CTRL1000], 0);
	CHECK(phy_poll(&phy));
	CHECK_EQ(phy.speed, 100); /* 100 full is the best common 10/100 */
	CHECK(phy.full_duplex);
}

TEST(test_phy_stuck_in_reset_times_out_bounded)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), 0);
	fake.never_leaves_reset = true;
	CHECK_EQ(phy_start(&phy), -ETIMEDOUT);
	CHECK_EQ(fake.delayed_us, PHY_RESET_WAIT_US);
	CHECK(strstr(log_buf, "eth0: PHY 0 still in reset after 500 ms\n"));
}

/* --- link ----------------------------------------------------------------- */

TEST(test_link_up_logged_with_negotiated_speed_and_duplex)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), 0);
	CHECK_EQ(phy_start(&phy), 0);
	log_buf[0] = '\0';
	CHECK(phy_poll(&phy));
	CHECK(phy.link);
	CHECK_EQ(phy.speed, 1000);
	CHECK(phy.full_duplex);
	CHECK(strcmp(log_buf, "eth0: link up, 1000 Mbps, full duplex\n") == 0);
	CHECK(!phy_poll(&phy));
}

TEST(test_latched_link_drop_between_polls_is_seen_then_recovers)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), 0);
	CHECK_EQ(phy_start(&phy), 0);
	CHECK(phy_poll(&phy));
	CHECK(phy.link);
	/* The wire dropped and came back between two polls: only the
	 * latch remembers. */
	fake.link_latched_low = true;
	log_buf[0] = '\0';
	CHECK(phy_poll(&phy));
	CHECK(!phy.link);
	CHECK_EQ(phy.speed, 0);
	CHECK(phy_poll(&phy));
	CHECK(phy.link);
	CHECK(strcmp(log_buf, "eth0: link down\n"
			      "eth0: link up, 1000 Mbps, full duplex\n") == 0);
}

TEST(test_link_down_reads_past_the_latch_when_it_was_down)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), 0);
	CHECK_EQ(phy_start(&phy), 0);
	/* Link was down (start), the latch still holds an old drop, the
	 * wire is up now: one poll must see it up. */
	fake.link_latched_low = true;
	CHECK(phy_poll(&phy));
	CHECK(phy.link);
}

TEST(test_link_not_up_before_negotiation_completes)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), 0);
	CHECK_EQ(phy_start(&phy), 0);
	fake.regs[MII_BMSR] &= ~BMSR_ANEGCOMPLETE;
	CHECK(!phy_poll(&phy));
	CHECK(!phy.link);
	fake.regs[MII_BMSR] |= BMSR_ANEGCOMPLETE;
	CHECK(phy_poll(&phy));
	CHECK(phy.link);
}

TEST(test_partner_at_100_half_gives_100_half)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	fake.regs[MII_LPA] = 0x0081;	/* 100BASE-TX half only */
	fake.regs[MII_STAT1000] = 0;	/* no 1000BASE-T */
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), 0);
	CHECK_EQ(phy_start(&phy), 0);
	log_buf[0] = '\0';
	CHECK(phy_poll(&phy));
	CHECK_EQ(phy.speed, 100);
	CHECK(!phy.full_duplex);
	CHECK(strcmp(log_buf, "eth0: link up, 100 Mbps, half duplex\n") == 0);
}

TEST(test_partner_sharing_no_mode_keeps_link_down_logged_once)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	fake.regs[MII_LPA] = 0x0001;	/* selector only */
	fake.regs[MII_STAT1000] = 0;
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), 0);
	CHECK_EQ(phy_start(&phy), 0);
	log_buf[0] = '\0';
	CHECK(!phy_poll(&phy));
	CHECK(!phy_poll(&phy));
	CHECK(!phy.link);
	CHECK(strcmp(log_buf, "eth0: link partner shares no mode with PHY "
			      "0\n") == 0);
}

TEST(test_phy_without_autoneg_takes_forced_mode_from_bmcr)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	fake.regs[MII_BMSR] &= ~BMSR_ANEGCAPABLE;
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), 0);
	CHECK_EQ(phy_start(&phy), 0);
	CHECK(strstr(log_buf, "eth0: PHY 0 cannot auto-negotiate; using its "
			      "forced mode\n"));
	fake.regs[MII_BMCR] = BMCR_SPEED100; /* forced 100 half */
	CHECK(phy_poll(&phy));
	CHECK_EQ(phy.speed, 100);
	CHECK(!phy.full_duplex);
}

TEST(test_link_mode_negotiated_even_when_phy_clears_anenable)
{
	struct phy_device phy;

	fake_gigabit_phy(0);
	CHECK_EQ(phy_attach(&phy, &bus, 0, "eth0"), 0);
	CHECK_EQ(phy_start(&phy), 0);
	/* QEMU's model (hw/net/cadence_gem.c, gem_phy_write()) stores BMCR with
	 * ANENABLE cleared once "negotiation" is done. */
	fake.regs[MII_BMCR] = 0;
	CHECK(phy_poll(&phy));
	CHECK_EQ(phy.speed, 1000);
	CHECK(phy.full_duplex);
}

/* --- resolution (Annex 28B.3) ------------------------------------------- */

TEST(test_resolve_prefers_1000_full_over_everything)
{
	unsigned speed = 0;
	bool fd = false;

	CHECK(phy_resolve(0x01e1, 0x01e1, 0x0300, 0x0c00, &speed, &fd));
	CHECK_EQ(speed, 1000);
	CHECK(fd);
}

TEST(test_resolve_1000_half_when_partner_only_half)
{
	unsigned speed = 0;
	bool fd = true;

	CHECK(phy_resolve(0x01e1, 0x01e1, 0x0300, LPA_1000HALF, &speed, &fd));
	CHECK_EQ(speed, 1000);
	CHECK(!fd);
}

TEST(test_resolve_ignores_partner_1000_we_do_not_advertise)
{
	unsigned speed = 0;
	bool fd = false;

	CHECK(phy_resolve(0x01e1, 0x01e1, 0, 0x0c00, &speed, &fd));
	CHECK_EQ(speed, 100);
	CHECK(fd);
}

TEST(test_resolve_100_half_beats_10_full)
{
	unsigned speed = 0;
	bool fd = true;

	CHECK(phy_resolve(0x00e1, 0x00c1, 0, 0, &speed, &fd));
	CHECK_EQ(speed, 100);
	CHECK(!fd);
}

TEST(test_resolve_10_full_and_10_half)
{
	unsigned speed = 0;
	bool fd = false;

	CHECK(phy_resolve(0x0061, 0x0041, 0, 0, &speed, &fd));
	CHECK_EQ(speed, 10);
	CHECK(fd);
	CHECK(phy_resolve(0x0021, 0x01e1 & ~0x0040, 0, 0, &speed, &fd));
	CHECK_EQ(speed, 10);
	CHECK(!fd);
}

TEST(test_resolve_nothing_common_fails_and_leaves_outputs)
{
	unsigned speed = 77;
	bool fd = true;

	CHECK(!phy_resolve(0x0101, 0x0061, 0x0200, LPA_1000HALF, &speed, &fd));
	CHECK_EQ(speed, 77);
	CHECK(fd);
}

int main(void)
{
	RUN(test_phy_found_at_the_tree_address_without_scanning);
	RUN(test_phy_at_wrong_address_found_by_scan_and_logged);
	RUN(test_phy_without_tree_address_found_by_scan);
	RUN(test_phy_reading_all_zeroes_is_absent);
	RUN(test_bus_without_phy_refused_then_fixed_link_up);
	RUN(test_phy_start_resets_advertises_abilities_and_restarts_aneg);
	RUN(test_phy_without_extended_status_advertises_no_gigabit);
	RUN(test_phy_stuck_in_reset_times_out_bounded);
	RUN(test_link_up_logged_with_negotiated_speed_and_duplex);
	RUN(test_latched_link_drop_between_polls_is_seen_then_recovers);
	RUN(test_link_down_reads_past_the_latch_when_it_was_down);
	RUN(test_link_not_up_before_negotiation_completes);
	RUN(test_partner_at_100_half_gives_100_half);
	RUN(test_partner_sharing_no_mode_keeps_link_down_logged_once);
	RUN(test_phy_without_autoneg_takes_forced_mode_from_bmcr);
	RUN(test_link_mode_negotiated_even_when_phy_clears_anenable);
	RUN(test_resolve_prefers_1000_full_over_everything);
	RUN(test_resolve_1000_half_when_partner_only_half);
	RUN(test_resolve_ignores_partner_1000_we_do_not_advertise);
	RUN(test_resolve_100_half_beats_10_full);
	RUN(test_resolve_10_full_and_10_half);
	RUN(test_resolve_nothing_common_fails_and_leaves_outputs);
	TEST_EXIT();
}
