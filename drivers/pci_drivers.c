/*
 * The PCI drivers Kite has, tried in this order for every function
 * pci_init() finds (drivers/pci.h).
 */
#include <stddef.h>

#include "drivers/pci.h"

const struct pci_driver *const pci_drivers[] = {
	NULL,
};
