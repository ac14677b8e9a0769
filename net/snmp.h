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
	/* Linux's TcpExt names (/proc/net/netstat). */
	uint64_t TCPTimeWaitOverflow;	/* over tcp_max_tw_buckets */
	uint64_t TCPAbortOnMemory;	/* orphan over tcp_max_orphans */
	uint64_t TCPAbortOnData;	/* data unread at close, or to an orphan */
	uint64_t TCPAbortOnClose;	/* SO_LINGER 0 */
	uint64_t TCPAbortOnLinger;	/* orphan FIN_WAIT_2 with data */
	uint64_t TCPAbortOnTimeout;	/* retries or keepalive exhausted */
	uint64_t TCPOrphanExpired;	/* Kite: orphan past its max linger */
	uint64_t TWRecycled;		/* tcp_tw_reuse took over a record */
	uint64_t TWKilled;		/* RST or SYN ended a record early */
	uint64_t TWExpired;		/* records that ran their full time */
	uint64_t TCPChallengeACK;	/* RFC 5961 challenge ACKs sent */
	uint64_t TCPChallengeACKLimit;	/* ... not sent: over the limit */
	uint64_t TCPACKSkippedSeq;	/* out-of-window ACKs not answered */
	uint64_t TCPACKSkippedTimeWait;	/* ... by a TIME_WAIT record */
	uint64_t PAWSEstab;		/* segments dropped by PAWS */
	uint64_t SyncookiesSent, SyncookiesRecv, SyncookiesFailed;
	uint64_t ListenOverflows, ListenDrops;
	uint64_t TCPKeepAlive;		/* keepalive probes sent */
	uint64_t TCPTimeouts;		/* retransmission timer expiries */
	uint64_t TCPFastRetrans;	/* fast retransmits (3 dupacks) */
	uint64_t TCPSackRecovery;	/* ... of them with a SACK peer */
	uint64_t TCPSackRetrans;	/* holes resent from the scoreboard */
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
	struct udp_mib udp6;		/* /proc/net/snmp6 Udp6* */
	struct link_mib link;
};

#endif
