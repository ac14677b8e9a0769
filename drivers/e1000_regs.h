/*
 * Intel 82540EM registers and descriptors, as far as drivers/e1000.c uses
 * them. Names and section numbers are those of the PCI/PCI-X Family of
 * Gigabit Ethernet Controllers Software Developer's Manual (317453),
 * "the manual" below: chapter 13 for registers, chapter 3 for
 * descriptors. Every register is 32 bits wide, little-endian, at an
 * offset into the memory BAR (BAR0, 128 KiB).
 */
#ifndef KITE_E1000_REGS_H
#define KITE_E1000_REGS_H

#include <stdint.h>

/* PCI identity of the 82540EM (desktop): QEMU's `-device e1000`. */
#define E1000_VENDOR_INTEL 0x8086
#define E1000_DEV_82540EM  0x100e

/* --- General registers (13.4) --------------------------------------------- */

#define E1000_CTRL   0x0000 /* Device Control (13.4.1) */
#define E1000_STATUS 0x0008 /* Device Status (13.4.2) */
#define E1000_EERD   0x0014 /* EEPROM Read (13.4.4) */
#define E1000_FCAL   0x0028 /* Flow Control Address Low */
#define E1000_FCAH   0x002c /* Flow Control Address High */
#define E1000_FCT    0x0030 /* Flow Control Type */
#define E1000_FCTTV  0x0170 /* Flow Control Transmit Timer Value */

#define E1000_CTRL_FD	   (1u << 0)  /* full duplex */
#define E1000_CTRL_LRST	   (1u << 3)  /* link reset */
#define E1000_CTRL_ASDE	   (1u << 5)  /* auto-speed detection */
#define E1000_CTRL_SLU	   (1u << 6)  /* set link up */
#define E1000_CTRL_ILOS	   (1u << 7)  /* invert loss-of-signal */
#define E1000_CTRL_FRCSPD  (1u << 11) /* force speed */
#define E1000_CTRL_FRCDPLX (1u << 12) /* force duplex */
#define E1000_CTRL_RST	   (1u << 26) /* device reset, self-clearing */
#define E1000_CTRL_VME	   (1u << 30) /* VLAN mode */
#define E1000_CTRL_PHY_RST (1u << 31) /* PHY reset */

#define E1000_STATUS_FD (1u << 0) /* full duplex */
#define E1000_STATUS_LU (1u << 1) /* link up */

/* EERD on the 82540EP/EM; the 82541xx/82547GI/EI place DONE and ADDR
 * differently (13.4.4). */
#define E1000_EERD_START      (1u << 0)
#define E1000_EERD_DONE	      (1u << 4)
#define E1000_EERD_ADDR_SHIFT 8
#define E1000_EERD_DATA_SHIFT 16
#define E1000_EEPROM_MAC      0 /* words 0-2: Ethernet address (5.6.1) */

/* --- Interrupts (13.4.17-13.4.21) ----------------------------------------- */

#define E1000_ICR 0x00c0 /* Interrupt Cause Read; read-to-clear */
#define E1000_ITR 0x00c4 /* Interrupt Throttling (13.4.18) */
#define E1000_ICS 0x00c8 /* Interrupt Cause Set */
#define E1000_IMS 0x00d0 /* Interrupt Mask Set/Read */
#define E1000_IMC 0x00d8 /* Interrupt Mask Clear */

/* One bit per cause, the same in ICR, ICS, IMS and IMC. */
#define E1000_INT_TXDW	 (1u << 0) /* transmit descriptor written back */
#define E1000_INT_TXQE	 (1u << 1) /* transmit queue empty */
#define E1000_INT_LSC	 (1u << 2) /* link status change */
#define E1000_INT_RXSEQ	 (1u << 3) /* receive sequence error */
#define E1000_INT_RXDMT0 (1u << 4) /* receive descriptors low */
#define E1000_INT_RXO	 (1u << 6) /* receiver overrun */
#define E1000_INT_RXT0	 (1u << 7) /* receiver timer: frame(s) stored */

/* --- Receive (13.4.22-13.4.31) -------------------------------------------- */

#define E1000_RCTL  0x0100 /* Receive Control (13.4.22) */
#define E1000_RDBAL 0x2800 /* Receive Descriptor Base Low (13.4.25) */
#define E1000_RDBAH 0x2804 /* Receive Descriptor Base High (13.4.26) */
#define E1000_RDLEN 0x2808 /* Receive Descriptor Length (13.4.27) */
#define E1000_RDH   0x2810 /* Receive Descriptor Head (13.4.28) */
#define E1000_RDT   0x2818 /* Receive Descriptor Tail (13.4.29) */
#define E1000_RDTR  0x2820 /* Receive Delay Timer (13.4.30) */
#define E1000_RADV  0x282c /* Receive Interrupt Absolute Delay (13.4.31) */

#define E1000_RCTL_EN	      (1u << 1)	 /* receiver enable */
#define E1000_RCTL_SBP	      (1u << 2)	 /* store bad packets */
#define E1000_RCTL_UPE	      (1u << 3)	 /* unicast promiscuous */
#define E1000_RCTL_MPE	      (1u << 4)	 /* multicast promiscuous */
#define E1000_RCTL_LPE	      (1u << 5)	 /* long packets (> 1522) */
#define E1000_RCTL_RDMTS_HALF (0u << 8)	 /* RXDMT0 at 1/2 ring free */
#define E1000_RCTL_BAM	      (1u << 15) /* accept broadcast */
#define E1000_RCTL_BSIZE_2048 (0u << 16) /* with BSEX = 0 */
#define E1000_RCTL_BSEX	      (1u << 25) /* buffer size x16 */
#define E1000_RCTL_SECRC      (1u << 26) /* strip Ethernet CRC */

/* --- Transmit (13.4.33-13.4.41) ------------------------------------------- */

#define E1000_TCTL  0x0400 /* Transmit Control (13.4.33) */
#define E1000_TIPG  0x0410 /* Transmit IPG (13.4.34) */
#define E1000_TDBAL 0x3800 /* Transmit Descriptor Base Low (13.4.36) */
#define E1000_TDBAH 0x3804 /* Transmit Descriptor Base High (13.4.37) */
#define E1000_TDLEN 0x3808 /* Transmit Descriptor Length (13.4.38) */
#define E1000_TDH   0x3810 /* Transmit Descriptor Head (13.4.39) */
#define E1000_TDT   0x3818 /* Transmit Descriptor Tail (13.4.40) */

#define E1000_TCTL_EN	      (1u << 1) /* transmitter enable */
#define E1000_TCTL_PSP	      (1u << 3) /* pad short packets to 64 */
#define E1000_TCTL_CT_SHIFT   4		/* collision threshold */
#define E1000_TCTL_COLD_SHIFT 12	/* collision distance */

#define E1000_TIPG_IPGT_SHIFT  0
#define E1000_TIPG_IPGR1_SHIFT 10
#define E1000_TIPG_IPGR2_SHIFT 20

/* --- Address filters (13.5) ----------------------------------------------- */

#define E1000_MTA	0x5200 /* Multicast Table Array, 128 words (13.5.1) */
#define E1000_MTA_WORDS 128
#define E1000_RAL0	0x5400	   /* Receive Address Low 0 (13.5.2) */
#define E1000_RAH0	0x5404	   /* Receive Address High 0 (13.5.3) */
#define E1000_RAH_AV	(1u << 31) /* address valid */

/* --- Statistics (13.7), all read-to-clear per the manual ------------------ */

#define E1000_CRCERRS  0x4000 /* CRC error count */
#define E1000_ALGNERRC 0x4004 /* alignment error count */
#define E1000_RXERRC   0x400c /* RX error count (PHY RX_ER) */
#define E1000_MPC      0x4010 /* missed packets: no FIFO or descriptor room */
#define E1000_ECOL     0x4018 /* excessive collisions: frame abandoned */
#define E1000_LATECOL  0x4020 /* late collisions */
#define E1000_COLC     0x4028 /* collision count */
#define E1000_TNCRS    0x4034 /* transmit with no carrier sense */
#define E1000_RUC      0x40a4 /* receive undersize count */
#define E1000_ROC      0x40ac /* receive oversize count */

/* --- Descriptors ---------------------------------------------------------- */

/*
 * Both are 16 bytes, written by the driver and written back by the
 * device through DMA, little-endian like every CPU Kite runs on.
 */

/* Receive descriptor (3.2.3, table 3-1). */
struct e1000_rx_desc {
	uint64_t addr;	 /* buffer, physical */
	uint16_t length; /* bytes stored in the buffer */
	uint16_t csum;	 /* packet checksum (unused) */
	uint8_t status;
	uint8_t errors;
	uint16_t special; /* VLAN tag (unused) */
};

#define E1000_RXD_STAT_DD  (1u << 0) /* descriptor done */
#define E1000_RXD_STAT_EOP (1u << 1) /* end of packet */

/* 3.2.3.2: CRC/alignment, symbol, sequence, carrier extension, and RX
 * data errors. TCP/IP checksum errors (bits 5, 6) cannot occur: receive
 * checksum offload stays off. */
#define E1000_RXD_ERR_CE  (1u << 0)
#define E1000_RXD_ERR_SE  (1u << 1)
#define E1000_RXD_ERR_SEQ (1u << 2)
#define E1000_RXD_ERR_CXE (1u << 4)
#define E1000_RXD_ERR_RXE (1u << 7)
#define E1000_RXD_ERR_FRAME                                                    \
	(E1000_RXD_ERR_CE | E1000_RXD_ERR_SE | E1000_RXD_ERR_SEQ |             \
	 E1000_RXD_ERR_CXE | E1000_RXD_ERR_RXE)

/* Legacy transmit descriptor (3.3.3, table 3-8). */
struct e1000_tx_desc {
	uint64_t addr;	 /* buffer, physical */
	uint16_t length; /* bytes to send, without FCS */
	uint8_t cso;	 /* checksum offset (unused) */
	uint8_t cmd;
	uint8_t status;
	uint8_t css;	  /* checksum start (unused) */
	uint16_t special; /* VLAN tag (unused) */
};

#define E1000_TXD_CMD_EOP  (1u << 0) /* end of packet */
#define E1000_TXD_CMD_IFCS (1u << 1) /* insert FCS */
#define E1000_TXD_CMD_RS   (1u << 3) /* report status: write DD back */

#define E1000_TXD_STAT_DD (1u << 0) /* descriptor done */
#define E1000_TXD_STAT_EC (1u << 1) /* excess collisions */
#define E1000_TXD_STAT_LC (1u << 2) /* late collision */

_Static_assert(sizeof(struct e1000_rx_desc) == 16, "receive descriptor");
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "transmit descriptor");

#endif
