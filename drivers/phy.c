/*
 * Clause 22 PHYs (drivers/phy.h): discovery on the MDIO bus, reset,
 * auto-negotiation and link polling, for any MAC that gives us its
 * management interface.
 */
#include <errno.h>

#include "drivers/phy.h"
#include "kernel/printk.h"

#define PHY_FIXED_SPEED 1000 /* what a MAC without a PHY is told */

static int phy_read(struct phy_device *phy, unsigned reg)
{
	int v = phy->bus->read(phy->bus->priv, (unsigned)phy->addr, reg);

	if (v < 0 && !phy->mdio_error) {
		phy->mdio_error = true;
		kprintf("%s: MDIO read of PHY %d register %u failed (%d)\n",
			phy->name, phy->addr, reg, v);
	}
	return v;
}

static int phy_write(struct phy_device *phy, unsigned reg, uint16_t val)
{
	int err = phy->bus->write(phy->bus->priv, (unsigned)phy->addr, reg,
				  val);

	if (err < 0 && !phy->mdio_error) {
		phy->mdio_error = true;
		kprintf("%s: MDIO write of PHY %d register %u failed (%d)\n",
			phy->name, phy->addr, reg, err);
	}
	return err;
}

/* The identifier at addr, or 0 when nothing answers there: an empty
 * address reads all ones (the pulled-up data line), and some buses read
 * all zeroes; Linux's get_phy_c22_id() takes both as absence too. */
static uint32_t phy_probe_id(const struct mdio_bus *bus, unsigned addr)
{
	int id1 = bus->read(bus->priv, addr, MII_PHYSID1);
	int id2 = bus->read(bus->priv, addr, MII_PHYSID2);
	uint32_t id;

	if (id1 < 0 || id2 < 0)
		return 0;
	id = (uint32_t)id1 << 16 | (uint32_t)id2;
	if (id == 0xffffffffu || id == 0)
		return 0;
	return id;
}

int phy_attach(struct phy_device *phy, const struct mdio_bus *bus, int want,
	       const char *name)
{
	uint32_t id = 0;

	*phy = (struct phy_device){ .bus = bus, .name = name, .addr = -1 };
	if (want >= 0 && want < PHY_MAX_ADDR)
		id = phy_probe_id(bus, (unsigned)want);
	if (id) {
		phy->addr = want;
		phy->id = id;
		return 0;
	}
	for (unsigned a = 0; a < PHY_MAX_ADDR; a++) {
		if ((int)a == want)
			continue;
		id = phy_probe_id(bus, a);
		if (!id)
			continue;
		phy->addr = (int)a;
		phy->id = id;
		if (want >= 0)
			kprintf("%s: no PHY at MDIO address %d, found one at "
				"%u (id 0x%08x)\n",
				name, want, a, (unsigned)id);
		else
			kprintf("%s: the device tree names no PHY, found one "
				"at MDIO address %u (id 0x%08x)\n",
				name, a, (unsigned)id);
		return 0;
	}
	kprintf("%s: no PHY answers at any MDIO address; assuming a fixed "
		"link at %u Mbps, full duplex\n",
		name, PHY_FIXED_SPEED);
	return -ENODEV;
}

int phy_start(struct phy_device *phy)
{
	int bmcr, bmsr, est;
	uint16_t adv = ADVERTISE_CSMA;
	unsigned waited = 0;

	if (phy->addr < 0)
		return 0;
	if (phy_write(phy, MII_BMCR, BMCR_RESET) < 0)
		return -EIO;
	for (;;) {
		bmcr = phy_read(phy, MII_BMCR);
		if (bmcr < 0)
			return bmcr;
		if (!(bmcr & BMCR_RESET))
			break;
		if (waited >= PHY_RESET_WAIT_US) {
			kprintf("%s: PHY %d still in reset after %u ms\n",
				phy->name, phy->addr, PHY_RESET_WAIT_US / 1000);
			return -ETIMEDOUT;
		}
		phy->bus->delay_us(phy->bus->priv, PHY_RESET_POLL_US);
		waited += PHY_RESET_POLL_US;
	}

	/* Advertise what the PHY says it can do (28.2.4.1.3 maps the
	 * BMSR ability bits one to one onto ADVERTISE's technologies). */
	bmsr = phy_read(phy, MII_BMSR);
	if (bmsr < 0)
		return bmsr;
	if (bmsr & BMSR_10HALF)
		adv |= ADVERTISE_10HALF;
	if (bmsr & BMSR_10FULL)
		adv |= ADVERTISE_10FULL;
	if (bmsr & BMSR_100HALF)
		adv |= ADVERTISE_100HALF;
	if (bmsr & BMSR_100FULL)
		adv |= ADVERTISE_100FULL;
	if (bmsr & BMSR_100BASE4)
		adv |= ADVERTISE_100BASE4;
	int old = phy_read(phy, MII_ADVERTISE);
	if (old < 0)
		return old;
	/* Keep the pause and next-page bits the PHY came up with. */
	adv |= (uint16_t)old & ~(ADVERTISE_ALL | 0x001f);
	if (phy_write(phy, MII_ADVERTISE, adv) < 0)
		return -EIO;

	phy->gigabit = false;
	if (bmsr & BMSR_ESTATEN) {
		est = phy_read(phy, MII_ESTATUS);
		if (est < 0)
			return est;
		uint16_t c1000 = 0;
		if (est & ESTATUS_1000_TFULL)
			c1000 |= ADVERTISE_1000FULL;
		if (est & ESTATUS_1000_THALF)
			c1000 |= ADVERTISE_1000HALF;
		if (c1000) {
			int ctrl = phy_read(phy, MII_CTRL1000);
			if (ctrl < 0)
				return ctrl;
			c1000 |= (uint16_t)ctrl &
				 ~(ADVERTISE_1000FULL | ADVERTISE_1000HALF);
			if (phy_write(phy, MII_CTRL1000, c1000) < 0)
				return -EIO;
			phy->gigabit = true;
		}
	}
	phy->autoneg = bmsr & BMSR_ANEGCAPABLE;
	if (!phy->autoneg)
		kprintf("%s: PHY %d cannot auto-negotiate; using its "
			"forced mode\n", phy->name, phy->addr);
	else if (phy_write(phy, MII_BMCR, BMCR_ANENABLE | BMCR_ANRESTART) < 0)
		return -EIO;
	phy->link = false;
	phy->speed = 0;
	return 0;
}

bool phy_resolve(uint16_t adv, uint16_t lpa, uint16_t ctrl1000,
		 uint16_t stat1000, unsigned *speed, bool *full_duplex)
{
	/* STAT1000's partner bits sit two above CTRL1000's own. */
	uint16_t common1000 = ctrl1000 & (uint16_t)(stat1000 >> 2);
	uint16_t common = adv & lpa;

	if (common1000 & ADVERTISE_1000FULL) {
		*speed = 1000, *full_duplex = true;
	} else if (common1000 & ADVERTISE_1000HALF) {
		*speed = 1000, *full_duplex = false;
	} else if (common & ADVERTISE_100FULL) {
		*speed = 100, *full_duplex = true;
	} else if (common & (ADVERTISE_100BASE4 | ADVERTISE_100HALF)) {
		*speed = 100, *full_duplex = false;
	} else if (common & ADVERTISE_10FULL) {
		*speed = 10, *full_duplex = true;
	} else if (common & ADVERTISE_10HALF) {
		*speed = 10, *full_duplex = false;
	} else {
		return false;
	}
	return true;
}

/* Speed and duplex of a link that is up: negotiated, or forced in BMCR
 * (22.2.4.1.3, .8). false if the two ends share no mode. */
static bool phy_read_mode(struct phy_device *phy, int bmcr, unsigned *speed,
			  bool *fd)
{
	if (!(bmcr & BMCR_ANENABLE)) {
		*speed = bmcr & BMCR_SPEED1000 ? 1000 :
			 bmcr & BMCR_SPEED100 ? 100 : 10;
		*fd = bmcr & BMCR_FULLDPLX;
		return true;
	}
	int adv = phy_read(phy, MII_ADVERTISE);
	int lpa = phy_read(phy, MII_LPA);
	int c1000 = 0, s1000 = 0;

	if (phy->gigabit) {
		c1000 = phy_read(phy, MII_CTRL1000);
		s1000 = phy_read(phy, MII_STAT1000);
	}
	if (adv < 0 || lpa < 0 || c1000 < 0 || s1000 < 0)
		return false;
	return phy_resolve((uint16_t)adv, (uint16_t)lpa, (uint16_t)c1000,
			   (uint16_t)s1000, speed, fd);
}

bool phy_poll(struct phy_device *phy)
{
	bool link, fd = false;
	unsigned speed = 0;
	int bmsr, bmcr;

	if (phy->addr < 0) {
		link = true, speed = PHY_FIXED_SPEED, fd = true;
		goto update;
	}
	bmsr = phy_read(phy, MII_BMSR);
	if (bmsr >= 0 && !phy->link && !(bmsr & BMSR_LSTATUS))
		bmsr = phy_read(phy, MII_BMSR); /* past the latched low */
	/* Forced mode is read from BMCR. Whether negotiation runs is what
	 * phy_start() chose, not BMCR's bit: QEMU's PHY model clears
	 * ANENABLE once it has "completed" negotiation. */
	bmcr = phy->autoneg ? BMCR_ANENABLE : phy_read(phy, MII_BMCR);
	if (bmsr < 0 || bmcr < 0) {
		link = false;
		goto update;
	}
	link = bmsr & BMSR_LSTATUS;
	/* Link before negotiation completes is a partial state
	 * (28.2.4.1.4); wait for both, as Linux's genphy does. */
	if (phy->autoneg && !(bmsr & BMSR_ANEGCOMPLETE))
		link = false;
	if (link && !phy_read_mode(phy, bmcr, &speed, &fd)) {
		if (!phy->no_mode)
			kprintf("%s: link partner shares no mode with PHY %d\n",
				phy->name, phy->addr);
		phy->no_mode = true;
		link = false;
	} else if (link) {
		phy->no_mode = false;
	}

update:
	if (!link) {
		speed = 0;
		fd = false;
	}
	if (link == phy->link && speed == phy->speed && fd == phy->full_duplex)
		return false;
	phy->link = link;
	phy->speed = speed;
	phy->full_duplex = fd;
	if (link)
		kprintf("%s: link up, %u Mbps, %s duplex\n", phy->name, speed,
			fd ? "full" : "half");
	else
		kprintf("%s: link down\n", phy->name);
	return true;
}
