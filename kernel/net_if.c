/*
 * <net/if.h>: interface names and indexes, as the stack numbers them
 * (lo is 1, then eth0, eth1, ... in registration order). A libc piece
 * over the stack's own lookups, kept out of kernel/socket.c.
 */
#include <errno.h>
#include <stdio.h>

#include <net/if.h>

#include "kernel/net_glue.h"
#include "net/netif.h"
#include "net/stack.h"

/* The stack, locked (a name or index lookup needs no clock). */
static struct net_stack *stack_lock(void)
{
	net_glue_lock();
	return net_glue_stack();
}

unsigned if_nametoindex(const char *name)
{
	struct net_stack *s = stack_lock();
	struct netif *nif = net_netif_by_name(s, name);
	unsigned idx = nif ? (unsigned)nif->ifindex : 0;

	net_glue_unlock();
	if (!idx)
		errno = ENODEV;
	return idx;
}

char *if_indextoname(unsigned index, char *name)
{
	struct net_stack *s = stack_lock();
	struct netif *nif = index <= (unsigned)__INT_MAX__ ?
			    net_netif_by_index(s, (int)index) : NULL;

	if (nif)
		snprintf(name, IF_NAMESIZE, "%s", nif->name);
	net_glue_unlock();
	if (!nif) {
		errno = ENXIO;		/* Linux's, for an unknown index */
		return NULL;
	}
	return name;
}
