/*
 * Cadence GEM Ethernet (Linux's macb): the SiFive FU540's
 * (sifive,fu540-c000-gem, QEMU's sifive_u) and the Zynq UltraScale+'s
 * (cdns,zynqmp-gem / xlnx,zynqmp-gem, QEMU's xlnx-zcu102).
 *
 * gem_init() probes every enabled node of the device tree with one of
 * those compatibles, in tree order, and registers each as an ethN
 * netdev (net/netdev.h) with its PHY (drivers/phy.h) found on the
 * GEM's own MDIO bus; an interrupt from the tree, or polled if none
 * is usable. A node it cannot drive is refused with a log line.
 */
#ifndef KITE_GEM_H
#define KITE_GEM_H

struct fdt;

void gem_init(const struct fdt *fdt);

#endif
