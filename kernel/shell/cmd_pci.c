/*
 * lspci: one line per PCI function, in the spirit of Linux "lspci -n -k":
 *
 *   00:01.0 0200: 8086:100e (rev 03) e1000 [Ethernet controller]
 *
 * bus:dev.fn, class and subclass, vendor:device, revision, the bound
 * driver ("-" if none). The first five fields are fixed for scripts; the
 * class name in brackets comes last, and only for classes we know.
 */
#include <stdint.h>
#include <stdio.h>

#include "drivers/pci.h"
#include "kernel/shell/shell.h"

/* Names as pciutils prints them (pci.ids, "C" lines). */
static const struct {
	uint16_t class;		/* base class << 8 | subclass */
	const char *name;
} class_names[] = {
	{ 0x0100, "SCSI storage controller" },
	{ 0x0101, "IDE interface" },
	{ 0x0106, "SATA controller" },
	{ 0x0108, "Non-Volatile memory controller" },
	{ 0x0200, "Ethernet controller" },
	{ 0x0280, "Network controller" },
	{ 0x0300, "VGA compatible controller" },
	{ 0x0380, "Display controller" },
	{ 0x0403, "Audio device" },
	{ 0x0600, "Host bridge" },
	{ 0x0601, "ISA bridge" },
	{ 0x0604, "PCI bridge" },
	{ 0x0680, "Bridge" },
	{ 0x0700, "Serial controller" },
	{ 0x0780, "Communication controller" },
	{ 0x0c03, "USB controller" },
	{ 0x00ff, "Unclassified device" },
};

static const char *class_name(uint16_t class)
{
	for (unsigned i = 0; i < sizeof(class_names) / sizeof(class_names[0]);
	     i++)
		if (class_names[i].class == class)
			return class_names[i].name;
	return NULL;
}

static void print_function(const struct pci_dev *p, void *arg)
{
	uint16_t class = (uint16_t)(p->class >> 8);
	const char *name = class_name(class);

	(void)arg;
	printf("%02x:%02x.%u %04x: %04x:%04x (rev %02x) %s", p->bus, p->dev,
	       p->fn, class, p->vendor, p->device, p->revision,
	       p->driver ? p->driver : "-");
	if (name)
		printf(" [%s]", name);
	printf("\n");
}

static int cmd_lspci(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		printf("usage: lspci\n");
		return 1;
	}
	pci_for_each(print_function, NULL);
	return 0;
}

static const struct shell_cmd pci_cmds[] = {
	{ "lspci", "lspci", "list PCI functions and their drivers", cmd_lspci },
};

void cmd_pci_init(void)
{
	shell_register(pci_cmds, sizeof(pci_cmds) / sizeof(pci_cmds[0]));
}
