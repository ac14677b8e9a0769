/*
 * Protocol counters, named and defined as in Linux's /proc/net/snmp
 * (RFC 1213 / RFC 4293 MIB objects). Every drop in the stack bumps one
 * of these or a netdev counter, so nothing is lost silently.
 */
#ifndef KITE_NET_SNMP_H
#define KITE_NET_SNMP_H

#include <stdint.h>

struct ip_mib {
	uint64_t InReceives, InHdrErrors, InAddrErrors, ForwDatagrams;
	uint64_t InUnknownProtos, InDiscards, InDelivers, OutRequests;
	uint64_t OutDiscards, OutNoRoutes, ReasmTimeout, ReasmReqds;
	uint64_t ReasmOKs, ReasmFails, FragOKs, FragFails, FragCreates;
};

struct icmp_mib {
	uint64_t InMsgs, InErrors, InCsumErrors, InDestUnreachs, InTimeExcds;
	uint64_t InParmProbs, InSrcQuenchs, InRedirects, InEchos, InEchoReps;
	uint64_t InTimestamps, InTimestampReps, InAddrMasks, InAddrMaskReps;
	uint64_t OutMsgs, OutErrors, OutDestUnreachs, OutTimeExcds;
	uint64_t OutParmProbs, OutSrcQuenchs, OutRedirects, OutEchos;
	uint64_t OutEchoReps, OutTimestamps, OutTimestampReps, OutAddrMasks;
	uint64_t OutAddrMaskReps;
};

struct tcp_mib {
	uint64_t ActiveOpens, PassiveOpens, AttemptFails, EstabResets;
	uint64_t InSegs, OutSegs, RetransSegs, InErrs, OutRsts, InCsumErrors;
};

struct udp_mib {
	uint64_t InDatagrams, NoPorts, InErrors, OutDatagrams, RcvbufErrors;
	uint64_t SndbufErrors, InCsumErrors, IgnoredMulti, MemErrors;
};

/* Link-layer drops that no device counter names (Linux counts these in
 * its netdev rx_dropped/rx_errors and in ARP statistics). */
struct link_mib {
	uint64_t EthInBadLength;	/* frame shorter than a header */
	uint64_t EthInForeign;		/* unicast to another MAC */
	uint64_t EthInUnknownType;	/* no protocol for the ethertype */
	uint64_t ArpInRequests, ArpInReplies, ArpOutRequests, ArpOutReplies;
	uint64_t ArpInErrors;		/* malformed or ignored */
	uint64_t ArpQueueDrops;		/* pending queue full or expired */
	uint64_t TxBacklogDrops;	/* driver ring and backlog full */
};

struct net_mib {
	struct ip_mib ip;
	struct icmp_mib icmp;
	struct tcp_mib tcp;
	struct udp_mib udp;
	struct link_mib link;
};

#endif
