/*
 * The registry of network devices (netdev.h). Portable: no kernel
 * includes, so the stack and its host tests can use it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/netdev.h"

/* ifindex 1 belongs to the loopback interface, as on Linux. */
#define FIRST_ETH_IFINDEX 2

static struct netdev *devs[NETDEV_MAX];
static int ndevs;

int netdev_register(struct netdev *dev)
{
	if (ndevs == NETDEV_MAX)
		return -ENOSPC;
	snprintf(dev->name, sizeof(dev->name), "eth%d", ndevs);
	dev->ifindex = FIRST_ETH_IFINDEX + ndevs;
	if (!dev->mtu)
		dev->mtu = 1500;
	devs[ndevs++] = dev;
	return 0;
}

int netdev_count(void)
{
	return ndevs;
}

struct netdev *netdev_get(int i)
{
	return i >= 0 && i < ndevs ? devs[i] : NULL;
}

struct netdev *netdev_by_name(const char *name)
{
	for (int i = 0; i < ndevs; i++)
		if (strcmp(devs[i]->name, name) == 0)
			return devs[i];
	return NULL;
}

const char *netdev_format_mac(const uint8_t mac[ETH_ALEN], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}
