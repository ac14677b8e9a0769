/*
 * Intel 82540EM gigabit Ethernet (QEMU's `-device e1000`, PCI 8086:100e).
 *
 * A PCI driver for drivers/pci_drivers.c. probe() resets the device,
 * sets up its receive and transmit rings, enables bus mastering and
 * registers an ethN netdev (net/netdev.h) with an interrupt handler on
 * the function's INTx line, or polled if the line is unusable.
 */
#ifndef KITE_E1000_H
#define KITE_E1000_H

#include "drivers/pci.h"

extern const struct pci_driver e1000_driver;

#endif
