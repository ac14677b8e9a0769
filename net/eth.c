/*
 * Ethernet II framing: the 14-byte header in front of every frame
 * (destination, source, EtherType), as RFC 894 uses it for IPv4.
 *
 * Every received frame that is dropped here is counted:
 *   shorter than a header      EthInBadLength + rx_errors (the frame is
 *                              broken: Linux's rx_length_errors, which
 *                              are part of rx_errors)
 *   unicast to another MAC,    EthInForeign only (not an error, and
 *   or a group not joined      nothing of ours was lost: the frame was
 *                              never for us)
 *   an EtherType we lack       EthInUnknownType + rx_dropped (Linux counts
 *                              unhandled protocols in rx_dropped)
 *
 * Of the group addresses, broadcast is accepted, and 33:33:xx:xx:xx:xx
 * (RFC 2464 7) for the IPv6 groups the interface has joined. IPv6 frames
 * go up only where ip6_enable() switched IPv6 on; elsewhere they are an
 * unknown type like any other.
 */
#include <string.h>

#include "net/arp.h"
#include "net/byteorder.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/ip6.h"
#include "net/port.h"
#include "net/stack.h"

const uint8_t eth_broadcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Is dst an address this interface receives? */
static bool eth_for_us(const struct netif *nif, const uint8_t *dst)
{
	if (memcmp(dst, nif->mac, ETH_ALEN) == 0)
		return true;
	/* The I/G bit (bit 0 of the first octet, the first bit on the
	 * wire) marks a group address (IEEE Std 802). */
	if (dst[0] & 1)
		return memcmp(dst, eth_broadcast, ETH_ALEN) == 0 ||
		       ip6_mc_mac_joined(nif, dst);
	return false;
}

void eth_input(struct net_stack *s, struct netif *nif, const uint8_t *frame,
	       size_t len)
{
	if (len < ETH_HLEN) {
		s->mib.link.EthInBadLength++;
		nif->stats->rx_errors++;
		return;
	}
	if (!eth_for_us(nif, frame)) {
		s->mib.link.EthInForeign++;
		return;
	}

	/* Bytes past the network header (minimum-size padding, RFC 894)
	 * are left for the protocol to ignore: IP goes by its total
	 * length, ARP by its fixed size. */
	switch (get_be16(frame + 12)) {
	case ETH_P_ARP:
		arp_input(s, nif, frame + ETH_HLEN, len - ETH_HLEN);
		break;
	case ETH_P_IP:
		ip_input(s, nif, frame + ETH_HLEN, len - ETH_HLEN);
		break;
	case ETH_P_IPV6:
		if (nif->ip6.enabled) {
			ip6_input(s, nif, frame, len);
			break;
		}
		/* fall through - IPv6 is off here */
	default:
		/* Values below 0x0600 are 802.3 lengths (LLC frames): not
		 * spoken here either. */
		s->mib.link.EthInUnknownType++;
		nif->stats->rx_dropped++;
		break;
	}
}

void eth_output(struct net_stack *s, struct netif *nif, struct pkt *p,
		const uint8_t dst[6], uint16_t type)
{
	/* Both are callers' bugs (every pkt comes from pkt_alloc with
	 * PKT_HEADROOM), but a bad frame must not reach the wire. */
	if (p->head < ETH_HLEN || p->cap < ETH_ZLEN) {
		net_log("eth: %s: no room for a header, frame dropped",
			nif->name);
		nif->stats->tx_dropped++;
		pkt_free(p);
		return;
	}

	uint8_t *h = pkt_push(p, ETH_HLEN);
	memcpy(h, dst, ETH_ALEN);
	memcpy(h + ETH_ALEN, nif->mac, ETH_ALEN);
	put_be16(h + 2 * ETH_ALEN, type);

	/* IEEE 802.3 requires 64 bytes on the wire; without the FCS that
	 * the NIC appends, 60. Many NICs do not pad short frames
	 * themselves, and a runt is discarded by the receiver. */
	if (p->len < ETH_ZLEN) {
		size_t pad = ETH_ZLEN - p->len;

		/* Packets are allocated to their exact size, so a small
		 * one has no tailroom; slide it into the headroom. */
		if ((size_t)p->head + ETH_ZLEN > p->cap) {
			uint16_t head = (uint16_t)(p->cap - ETH_ZLEN);

			memmove(p->data + head, pkt_data(p), p->len);
			p->head = head;
		}
		memset(pkt_put(p, pad), 0, pad);
	}
	netif_output(s, nif, p);
}
