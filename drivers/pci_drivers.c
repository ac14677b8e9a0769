/*
 * The PCI drivers Kite has, tried in this order for every function
 * pci_init() finds (drivers/pci.h).
 */
#include <stddef.h>

#include "drivers/e1000.h"
#include "drivers/pci.h"
#include "drivers/virtio.h"

const struct pci_driver *const pci_drivers[] = {
	&e1000_driver,
	&virtio_pci_driver,
	NULL,
};
