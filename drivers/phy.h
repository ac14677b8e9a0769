/*
 * IEEE 802.3 clause 22 Ethernet PHYs behind an MDIO bus: find the PHY,
 * reset it, start auto-negotiation, and follow its link.
 *
 * Register numbers and bits are those of IEEE 802.3-2018 clause 22.2.4
 * (basic and extended registers) and 40.5.1.1 (1000BASE-T control and
 * status, registers 9 and 10); the speed and duplex a link settles on
 * follow the priority of Annex 28B.3.
 *
 * Who calls: the MAC driver, which owns the bus (its read and write go
 * through the MAC's management registers). Every call here runs on the
 * driver's own thread of control (probe, then the net-poll thread), never
 * two at once, never from an interrupt handler: MDIO transactions wait.
 * Nothing here allocates; struct phy_device is the driver's.
 *
 * Log lines carry the name the driver gives ("eth0: link up, 1000 Mbps,
 * full duplex"), in Linux's words.
 */
#ifndef KITE_PHY_H
#define KITE_PHY_H

#include <stdbool.h>
#include <stdint.h>

/* Clause 22 registers (22.2.4) */
#define MII_BMCR	0x00	/* basic control */
#define MII_BMSR	0x01	/* basic status */
#define MII_PHYSID1	0x02	/* PHY identifier, OUI bits 3-18 */
#define MII_PHYSID2	0x03	/* OUI bits 19-24, model, revision */
#define MII_ADVERTISE	0x04	/* auto-negotiation advertisement */
#define MII_LPA		0x05	/* link partner ability */
#define MII_CTRL1000	0x09	/* 1000BASE-T control (40.5.1.1) */
#define MII_STAT1000	0x0a	/* 1000BASE-T status (40.5.1.1) */
#define MII_ESTATUS	0x0f	/* extended status (22.2.4.4) */

/* BMCR (22.2.4.1) */
#define BMCR_RESET	0x8000	/* self-clearing */
#define BMCR_LOOPBACK	0x4000
#define BMCR_SPEED100	0x2000	/* speed selection, LSB */
#define BMCR_ANENABLE	0x1000
#define BMCR_PDOWN	0x0800
#define BMCR_ISOLATE	0x0400
#define BMCR_ANRESTART	0x0200	/* self-clearing */
#define BMCR_FULLDPLX	0x0100
#define BMCR_SPEED1000	0x0040	/* speed selection, MSB */

/* BMSR (22.2.4.2) */
#define BMSR_100BASE4	0x8000
#define BMSR_100FULL	0x4000
#define BMSR_100HALF	0x2000
#define BMSR_10FULL	0x1000
#define BMSR_10HALF	0x0800
#define BMSR_ESTATEN	0x0100	/* extended status in register 15 */
#define BMSR_ANEGCOMPLETE 0x0020
#define BMSR_ANEGCAPABLE 0x0008
#define BMSR_LSTATUS	0x0004	/* link status, latching low */

/* ADVERTISE and LPA (28.2.1.2, Annex 28B.2: selector 1 is IEEE 802.3) */
#define ADVERTISE_CSMA	0x0001
#define ADVERTISE_10HALF 0x0020
#define ADVERTISE_10FULL 0x0040
#define ADVERTISE_100HALF 0x0080
#define ADVERTISE_100FULL 0x0100
#define ADVERTISE_100BASE4 0x0200
#define ADVERTISE_ALL	0x03e0	/* the five technology bits above */

/* CTRL1000 and STAT1000 (40.5.1.1) */
#define ADVERTISE_1000FULL 0x0200
#define ADVERTISE_1000HALF 0x0100
#define LPA_1000FULL	0x0800
#define LPA_1000HALF	0x0400

/* ESTATUS (22.2.4.4) */
#define ESTATUS_1000_TFULL 0x2000
#define ESTATUS_1000_THALF 0x1000

#define PHY_MAX_ADDR	32	/* 5-bit PHY address */
#define PHY_RESET_WAIT_US 500000 /* 22.2.4.1.1: reset done within 0.5 s */
#define PHY_RESET_POLL_US 1000

/* What the MAC gives the PHY layer: clause 22 register access. */
struct mdio_bus {
	void *priv;
	/* The register's 16-bit value, or a negative errno (-ETIMEDOUT
	 * when the management interface never went idle). A PHY address
	 * nobody answers at reads 0xffff (the data line is pulled up). */
	int (*read)(void *priv, unsigned addr, unsigned reg);
	int (*write)(void *priv, unsigned addr, unsigned reg, uint16_t val);
	/* Busy-wait about us microseconds (reset polling). */
	void (*delay_us)(void *priv, unsigned us);
};

struct phy_device {
	const struct mdio_bus *bus;
	const char *name;	/* for log lines: "eth0" */
	int addr;		/* the PHY's MDIO address; -1: no PHY */
	uint32_t id;		/* PHYSID1 << 16 | PHYSID2 */
	bool gigabit;		/* it can do 1000BASE-T (ESTATUS) */
	bool autoneg;		/* negotiating, else forced (BMCR) */

	/* The link as last polled; speed in Mbps, 0 while down. */
	bool link;
	unsigned speed;
	bool full_duplex;
	bool no_mode;		/* "shares no mode" already logged */
	bool mdio_error;	/* a timeout already logged */
};

/*
 * Find the PHY. want is the address the device tree names (reg of the
 * node phy-handle points to), or -1 when the tree names none. A PHY is
 * at an address when its identifier reads neither all ones nor all
 * zeroes. If want does not answer, addresses 0-31 are scanned and the
 * first that answers is taken, saying so. Returns 0, or -ENODEV when no
 * address answers (logged; phy->addr is then -1 and phy_poll() reports
 * a fixed link, see there).
 */
int phy_attach(struct phy_device *phy, const struct mdio_bus *bus, int want,
	       const char *name);

/*
 * Reset the PHY (BMCR_RESET, waited for at most PHY_RESET_WAIT_US),
 * advertise every mode BMSR (and for 1000BASE-T, ESTATUS) says it has,
 * and restart auto-negotiation. The link starts down; phy_poll() finds
 * it. 0, -ETIMEDOUT (reset never completed, logged) or the bus's error.
 */
int phy_start(struct phy_device *phy);

/*
 * Read the link state (BMSR) and, when up, the speed and duplex both
 * ends agreed on; log a change ("eth0: link up, 1000 Mbps, full duplex",
 * "eth0: link down"). BMSR's link bit latches low (22.2.4.2.13): a drop
 * since the last poll reads as down once, so a link that was up is
 * read once (the drop is reported, and the next poll sees it back); a
 * link that was down is read twice to get the current state. With no
 * PHY the link is fixed at 1000 Mbps full duplex, always up. Returns
 * true when link, speed or duplex changed.
 */
bool phy_poll(struct phy_device *phy);

/*
 * The common mode of two auto-negotiating ends (Annex 28B.3 priority:
 * 1000 full, 1000 half, 100 full, 100BASE-T4, 100 half, 10 full,
 * 10 half). adv/lpa: ADVERTISE and LPA; ctrl1000/stat1000: registers 9
 * and 10, 0 for a PHY without 1000BASE-T. Returns false when the two
 * share no mode (*speed and *full_duplex untouched).
 */
bool phy_resolve(uint16_t adv, uint16_t lpa, uint16_t ctrl1000,
		 uint16_t stat1000, unsigned *speed, bool *full_duplex);

#endif
