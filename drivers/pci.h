/*
 * PCI: the ECAM host bridge QEMU virt has ("pci-host-ecam-generic"),
 * found in the device tree.
 *
 * pci_init() enumerates bus 0 (and buses behind PCI-PCI bridges), sizes
 * every BAR and assigns it from the bridge's "ranges" windows, enables
 * memory decoding, routes INTx through "interrupt-map" (with the standard
 * slot swizzle for devices behind bridges) to a virq, then offers each
 * function to the drivers in pci_drivers[] in order. Bus mastering is left
 * to the driver (pci_set_master()), which enables DMA only when it is
 * ready for it.
 *
 * Config-space accessors take the function and a byte offset; they are
 * plain MMIO loads/stores into the ECAM window (no locking needed on one
 * CPU; a read-modify-write of a shared register is the caller's care).
 */
#ifndef KITE_PCI_H
#define KITE_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/list.h"

struct dma_dev;
struct fdt;

/* Config space offsets (PCI Local Bus Specification 3.0, 6.1). */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_CLASS_REVISION	0x08
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d

#define PCI_COMMAND_IO		0x0001
#define PCI_COMMAND_MEMORY	0x0002
#define PCI_COMMAND_MASTER	0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_CAP_LIST	0x0010
#define PCI_STATUS_INTERRUPT	0x0008

#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_VNDR		0x09	/* vendor specific (virtio) */
#define PCI_CAP_ID_MSIX		0x11

struct pci_bar {
	uint64_t addr;		/* CPU physical address; 0 if unassigned */
	uint64_t size;		/* 0: BAR not implemented */
	bool io;		/* I/O space (Kite assigns none) */
	bool is64;		/* 64-bit memory BAR (uses the next slot too) */
	bool prefetch;
};

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class;		/* class << 16 | subclass << 8 | prog-if */
	uint8_t revision;
	uint8_t header_type;	/* 0 endpoint, 1 PCI-PCI bridge */
	uint8_t int_pin;	/* 1-4 = INTA-INTD, 0 none */
	uintptr_t cfg;		/* ECAM address of this function's space */
	struct pci_bar bar[6];
	int irq;		/* virq of its INTx line, or a negative errno */
	const char *driver;	/* name of the bound driver, or NULL */
	void *driver_data;
	struct list_head node;
};

struct pci_driver {
	const char *name;
	/* True if this driver handles the function. */
	bool (*match)(const struct pci_dev *pdev);
	/* Bind; 0 on success, else a negative errno (the next driver in the
	 * list may then try). Called from the init thread. */
	int (*probe)(struct pci_dev *pdev);
};

/* Every PCI driver Kite has, NULL-terminated (drivers/pci_drivers.c). */
extern const struct pci_driver *const pci_drivers[];

/* Find the host bridge, enumerate, assign, route and bind. Logs one line
 * per function found. Absent bridge: returns quietly. */
void pci_init(const struct fdt *fdt);

uint8_t pci_read8(const struct pci_dev *p, unsigned off);
uint16_t pci_read16(const struct pci_dev *p, unsigned off);
uint32_t pci_read32(const struct pci_dev *p, unsigned off);
void pci_write8(const struct pci_dev *p, unsigned off, uint8_t v);
void pci_write16(const struct pci_dev *p, unsigned off, uint16_t v);
void pci_write32(const struct pci_dev *p, unsigned off, uint32_t v);

/* Fill *d for DMA by the function pdev (drivers/dma.h), `name` for log
 * lines: coherence and window from the host bridge's node. 0, or
 * -EINVAL (logged) when the tree says what Kite cannot honour. */
int pci_dma_dev_init(struct dma_dev *d, const struct pci_dev *pdev,
		     const char *name);

/* Enable bus mastering (DMA) for the function. */
void pci_set_master(struct pci_dev *p);

/* Offset of the first capability with this id after `after` (0: from
 * the start of the list), or 0 if there is none. The walk is bounded, so
 * a looping list cannot hang the caller. */
unsigned pci_find_capability(const struct pci_dev *p, uint8_t id,
			     unsigned after);

/* Walk every function found (for lspci). */
void pci_for_each(void (*fn)(const struct pci_dev *p, void *arg), void *arg);

#endif
