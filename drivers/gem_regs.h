/*
 * Cadence GEM (Gigabit Ethernet MAC) registers and DMA descriptors.
 *
 * Offsets and bits from the Zynq UltraScale+ Device Register Reference
 * (UG1087, module GEM: network_control ... design_cfg6 and the queue
 * registers) and the TRM (UG1085, chapter 34 "Gigabit Ethernet
 * Controller", DMA descriptors in tables 34-4 to 34-9); the FU540-C000
 * manual (chapter 19, "Gigabit Ethernet Subsystem") describes the same
 * IP. Where QEMU's model (hw/net/cadence_gem.c) behaves in a way the
 * driver has to know, it says so beside the bit.
 */
#ifndef KITE_GEM_REGS_H
#define KITE_GEM_REGS_H

#define GEM_NCR		0x000	/* network_control */
#define GEM_NCFGR	0x004	/* network_config */
#define GEM_NSR		0x008	/* network_status */
#define GEM_DMACFG	0x010	/* dma_config */
#define GEM_TSR		0x014	/* transmit_status (write 1 to clear) */
#define GEM_RBQP	0x018	/* receive_q_ptr, bits 31:2 */
#define GEM_TBQP	0x01c	/* transmit_q_ptr, bits 31:2 */
#define GEM_RSR		0x020	/* receive_status (write 1 to clear) */
#define GEM_ISR		0x024	/* int_status (clear on read) */
#define GEM_IER		0x028	/* int_enable (write only) */
#define GEM_IDR		0x02c	/* int_disable (write only) */
#define GEM_IMR		0x030	/* int_mask: 1 = masked */
#define GEM_MAN		0x034	/* phy_management */
#define GEM_HRB		0x080	/* hash_bottom: multicast hash bits 31:0 */
#define GEM_HRT		0x084	/* hash_top: bits 63:32 */
#define GEM_SA1B	0x088	/* spec_add1_bottom: writing it disables SA1 */
#define GEM_SA1T	0x08c	/* spec_add1_top: writing it enables SA1 */
#define GEM_MID		0x0fc	/* module_id */
#define GEM_DCFG1	0x280	/* designcfg_debug1 */
#define GEM_DCFG6	0x294	/* designcfg_debug6 */

/* Priority queues 1-15 (UG1087 int_q1_status ... receive_q1_ptr). */
#define GEM_ISR_Q(q)	(0x400 + 4 * ((q) - 1))
#define GEM_TBQP_Q(q)	(0x440 + 4 * ((q) - 1))
#define GEM_RBQP_Q(q)	(0x480 + 4 * ((q) - 1))
#define GEM_TBQPH	0x4c8	/* upper 32 bits of every transmit queue */
#define GEM_RBQPH	0x4d4	/* upper 32 bits of every receive queue */
#define GEM_IER_Q(q)	(0x600 + 4 * ((q) - 1))
#define GEM_IDR_Q(q)	(0x620 + 4 * ((q) - 1))
#define GEM_MAX_QUEUES	16

/* The register file reaches 0x7ff (QEMU maps 0x800 bytes). */
#define GEM_REGS_SIZE	0x800

/* Statistics (UG1087 octets_txd_bottom ... udp_csum_errors): cleared
 * when read on the hardware. QEMU keeps only the frame and octet
 * counts; the error counters below always read 0 there. */
#define GEM_TXURUNCNT	0x134	/* transmit underruns */
#define GEM_SNGLCOLLCNT	0x138	/* single collision frames */
#define GEM_MULTCOLLCNT	0x13c	/* multiple collision frames */
#define GEM_EXCOLLCNT	0x140	/* excessive collisions */
#define GEM_LATECOLLCNT	0x144	/* late collisions */
#define GEM_CSENSECNT	0x14c	/* carrier sense errors */
#define GEM_RXUNDRCNT	0x184	/* undersize frames */
#define GEM_RXOVRCNT	0x188	/* oversize frames */
#define GEM_RXJABCNT	0x18c	/* jabbers */
#define GEM_RXFCSCNT	0x190	/* frame check sequence errors */
#define GEM_RXLENGTHCNT	0x194	/* length field errors */
#define GEM_RXSYMBCNT	0x198	/* receive symbol errors */
#define GEM_RXALIGNCNT	0x19c	/* alignment errors */
#define GEM_RXRESERRCNT	0x1a0	/* receive resource errors: no buffer */
#define GEM_RXORCNT	0x1a4	/* receive overruns */

/* network_control */
#define GEM_NCR_RE	(1u << 2)	/* receive enable */
#define GEM_NCR_TE	(1u << 3)	/* transmit enable; clearing it
					 * returns the TX queue pointer to
					 * TBQP (QEMU does the same) */
#define GEM_NCR_MPE	(1u << 4)	/* management (MDIO) port enable */
#define GEM_NCR_CLRSTAT	(1u << 5)	/* clear statistics registers */
#define GEM_NCR_TSTART	(1u << 9)	/* start transmission */

/* network_config */
#define GEM_NCFGR_SPD	(1u << 0)	/* 100 Mbps (else 10) */
#define GEM_NCFGR_FD	(1u << 1)	/* full duplex */
#define GEM_NCFGR_MTIHEN (1u << 6)	/* multicast hash enable */
#define GEM_NCFGR_GBE	(1u << 10)	/* gigabit mode */
#define GEM_NCFGR_FCSREM (1u << 17)	/* strip the FCS from frames */
#define GEM_NCFGR_MDC_SHIFT 18		/* mdc_clock_division, 3 bits */
#define GEM_NCFGR_MDC_DIV224 7u		/* pclk / 224 */
#define GEM_NCFGR_DBW_SHIFT 21		/* data_bus_width, 2 bits */

/* network_status */
#define GEM_NSR_IDLE	(1u << 2)	/* PHY management logic idle */

/* dma_config */
#define GEM_DMACFG_BLEN_16	0x10u		/* AHB bursts of 16 (INCR16) */
#define GEM_DMACFG_RXBMS_FULL	(3u << 8)	/* whole receive packet buffer */
#define GEM_DMACFG_TXPBMS	(1u << 10)	/* whole transmit packet buffer */
#define GEM_DMACFG_RXBS_SHIFT	16		/* RX buffer size / 64, 8 bits */
#define GEM_DMACFG_ADDR64	(1u << 30)	/* 64-bit descriptors */

/* transmit_status */
#define GEM_TSR_UBR	(1u << 0)	/* used bit read: the ring's end */
#define GEM_TSR_COL	(1u << 1)	/* collision */
#define GEM_TSR_RLE	(1u << 2)	/* retry limit exceeded */
#define GEM_TSR_TGO	(1u << 3)	/* transmit go: DMA running */
#define GEM_TSR_AHB	(1u << 4)	/* frame corrupted: AHB error */
#define GEM_TSR_COMP	(1u << 5)	/* transmit complete */
#define GEM_TSR_UND	(1u << 6)	/* transmit underrun */
#define GEM_TSR_LCO	(1u << 7)	/* late collision */
#define GEM_TSR_HRESP	(1u << 8)	/* DMA bus error (HRESP not OK) */
#define GEM_TSR_ALL	0x1ffu

/* receive_status */
#define GEM_RSR_BNA	(1u << 0)	/* buffer not available */
#define GEM_RSR_REC	(1u << 1)	/* frame received */
#define GEM_RSR_OVR	(1u << 2)	/* receive overrun */
#define GEM_RSR_HNO	(1u << 3)	/* DMA bus error (HRESP not OK) */
#define GEM_RSR_ALL	0xfu

/* int_status / int_enable / int_disable / int_mask. QEMU sets a cause
 * in ISR only while it is unmasked, and drives the line while ISR is
 * non-zero; reading ISR clears it. */
#define GEM_INT_RCOMP	(1u << 1)	/* frame received */
#define GEM_INT_RXUBR	(1u << 2)	/* RX used bit read: ring full */
#define GEM_INT_TXUBR	(1u << 3)	/* TX used bit read */
#define GEM_INT_TUND	(1u << 4)	/* transmit underrun */
#define GEM_INT_RLEX	(1u << 5)	/* retry limit / late collision */
#define GEM_INT_TXERR	(1u << 6)	/* AHB error while transmitting */
#define GEM_INT_TCOMP	(1u << 7)	/* frame transmitted */
#define GEM_INT_ROVR	(1u << 10)	/* receive overrun */
#define GEM_INT_HRESP	(1u << 11)	/* DMA bus error */
#define GEM_INT_ALL	0x07ffffffu

/* phy_management, clause 22 frames: start 01, op 10 read / 01 write,
 * bits 17:16 must be 10 (UG1087 phy_management). */
#define GEM_MAN_C22_READ	0x60020000u
#define GEM_MAN_C22_WRITE	0x50020000u
#define GEM_MAN_PHYA_SHIFT	23
#define GEM_MAN_REGA_SHIFT	18
#define GEM_MAN_DATA		0xffffu

/* module_id: bits 27:16 identify the IP; 2 and above are GEMs (1 is
 * the 10/100 MACB), as Linux's macb_is_gem() reads it. */
#define GEM_MID_IDNUM(mid)	(((mid) >> 16) & 0xfffu)

/* designcfg_debug1 bits 27:25: the widest AMBA data bus, 1 = 32 bits,
 * 2 = 64, 4 = 128; network_config's data_bus_width must match it. */
#define GEM_DCFG1_DBWDEF(v)	(((v) >> 25) & 7u)

/* designcfg_debug6: bit q set when priority queue q (1-15) exists;
 * bit 23 when the DMA has 64-bit addressing (Linux GEM_DAW64). */
#define GEM_DCFG6_QUEUES(v)	((v) & 0xfffeu)
#define GEM_DCFG6_DAW64		(1u << 23)

/*
 * DMA descriptors (UG1085 tables 34-4 to 34-9): two 32-bit words, four
 * with dma_config.ADDR64 (the upper address in word 2, word 3 unused).
 */
/* Receive, word 0: buffer address bits 31:2 and two flags. */
#define GEM_RX_W0_USED	(1u << 0)	/* 1: the software owns it (a frame) */
#define GEM_RX_W0_WRAP	(1u << 1)	/* last descriptor of the ring */
#define GEM_RX_W0_ADDR	0xfffffffcu
/* Receive, word 1: status. */
#define GEM_RX_W1_LEN	0x1fffu		/* frame length (bits 12:0) */
#define GEM_RX_W1_SOF	(1u << 14)	/* start of frame */
#define GEM_RX_W1_EOF	(1u << 15)	/* end of frame */
/* Transmit, word 1: control and status. */
#define GEM_TX_W1_LEN	0x3fffu		/* buffer length (bits 13:0) */
#define GEM_TX_W1_LAST	(1u << 15)	/* last buffer of the frame */
#define GEM_TX_W1_LCO	(1u << 26)	/* late collision */
#define GEM_TX_W1_AHB	(1u << 27)	/* frame corrupted by AHB error */
#define GEM_TX_W1_RLE	(1u << 29)	/* retry limit exceeded */
#define GEM_TX_W1_WRAP	(1u << 30)	/* last descriptor of the ring */
#define GEM_TX_W1_USED	(1u << 31)	/* 1: the software owns it */
#define GEM_TX_W1_ERR	(GEM_TX_W1_LCO | GEM_TX_W1_AHB | GEM_TX_W1_RLE)

/* The FU540's GEMGXL management block (second reg of the
 * sifive,fu540-c000-gem node), register 0: the transmit clock, 0 = the
 * 125 MHz GTX clock (1000 Mbps), 1 = the PHY's MII clock (10/100), as
 * Linux's fu540_macb_tx_set_rate() writes it. */
#define GEM_SIFIVE_TXCLK_MII	1u

#endif
