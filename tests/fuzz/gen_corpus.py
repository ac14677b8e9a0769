#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets: tests/fuzz/corpus/<target>/.

A handful of small valid inputs per target, in the input formats the
targets' header comments describe. The output is committed; run this
again (from the top of the tree) after changing a format. The device
trees need dtc (device-tree-compiler).

    tests/fuzz/gen_corpus.py [target...]
"""
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(a, b, c, d):
    return bytes([a, b, c, d])


US = ip4(10, 0, 0, 1)          # the stack under test (node 0)
PEER = ip4(10, 0, 0, 9)        # the fake peer
BCAST = ip4(255, 255, 255, 255)
US_MAC = bytes([2, 0, 0, 0, 0, 1])
PEER_MAC = bytes([2, 0, 0, 0, 0, 9])
BCAST_MAC = b"\xff" * 6


def ip_hdr(src, dst, proto, payload_len, ident=1, frag=0, opts=b""):
    hlen = 20 + len(opts)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hlen // 4, 0, hlen + payload_len,
                    ident, frag, 64, proto, 0, src, dst) + opts
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def udp(sport, dport, payload, src=PEER, dst=US):
    h = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, 8 + len(payload))
    c = csum(pseudo + h + payload) or 0xFFFF
    return h[:6] + struct.pack("!H", c) + payload


def icmp(typ, code, rest, body=b""):
    m = struct.pack("!BBH", typ, code, 0) + rest + body
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def rec(data):
    """A length-prefixed record."""
    return struct.pack("!H", len(data)) + data


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# --- fuzz_eth: op & 3: 0 frame, 1 time (op >> 2), 2 send to 10.0.0.N,
# 3 readdress -----------------------------------------------------------

def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, spa, tha,
                       tpa)


def eth(dst, src, typ, payload):
    f = dst + src + struct.pack("!H", typ) + payload
    return f + b"\0" * max(0, 60 - len(f))


def frame(f):
    return b"\x00" + rec(f)


def t_eth(step):
    return bytes([1 | step << 2])


def gen_eth():
    mac5 = bytes([2, 0, 0, 0, 0, 5])
    req = eth(BCAST_MAC, PEER_MAC, 0x0806,
              arp(1, PEER_MAC, PEER, b"\0" * 6, US))
    write("fuzz_eth", "arp_request_for_us", frame(req))
    reply5 = eth(US_MAC, mac5, 0x0806,
                 arp(2, mac5, ip4(10, 0, 0, 5), US_MAC, US))
    # A datagram to 10.0.0.5 waits for ARP; the reply releases it.
    write("fuzz_eth", "send_resolve_reply",
          bytes([2 | 8 << 2, 5, 2 | 8 << 2, 5]) + frame(reply5) + t_eth(7))
    # Nobody answers: retries, failure, then the entry ages out.
    write("fuzz_eth", "send_unanswered",
          bytes([2 | 4 << 2, 6]) + t_eth(7) * 4 + bytes([2, 6]) + t_eth(14))
    write("fuzz_eth", "gratuitous_conflict",
          frame(eth(BCAST_MAC, mac5, 0x0806,
                    arp(1, mac5, US, b"\0" * 6, US))))
    write("fuzz_eth", "readdress_flushes",
          frame(reply5) + bytes([3, 7]) + frame(req) + bytes([3, 0]))
    ping = icmp(8, 0, struct.pack("!HH", 1, 1), b"abcd")
    write("fuzz_eth", "ipv4_echo",
          frame(req) + frame(eth(US_MAC, PEER_MAC, 0x0800,
                                 ip_hdr(PEER, US, 1, len(ping)) + ping)))
    write("fuzz_eth", "runt_foreign_unknown",
          frame(b"\xff" * 10) +
          frame(eth(mac5, PEER_MAC, 0x0800, b"")) +
          frame(eth(US_MAC, PEER_MAC, 0x86DD, b"\x60")))


# --- fuzz_ipv4: [ctl][len][packet]; ctl 0x01 fix checksum, 0x02 fix
# length, 0x04 fix addresses, 0x08 broadcast, 0xf0 time ----------------

def pkt(p, ctl=0):
    return bytes([ctl]) + rec(p)


def fragments(payload, proto, sizes, ident, order=None):
    """Split an IP payload at the given sizes (multiples of 8)."""
    out, off = [], 0
    for i, n in enumerate(sizes + [len(payload) - sum(sizes)]):
        mf = 0x2000 if i < len(sizes) else 0
        part = payload[off:off + n]
        out.append(ip_hdr(PEER, US, proto, len(part), ident,
                          mf | off // 8) + part)
        off += n
    return [out[i] for i in (order or range(len(out)))]


def gen_ipv4():
    u = udp(1234, 7, b"x" * 40)
    write("fuzz_ipv4", "udp_whole", pkt(ip_hdr(PEER, US, 17, len(u)) + u))
    big = udp(1234, 7, bytes(range(200)))
    write("fuzz_ipv4", "udp_two_fragments",
          b"".join(pkt(f) for f in fragments(big, 17, [104], 7)))
    write("fuzz_ipv4", "udp_fragments_reordered",
          b"".join(pkt(f) for f in fragments(big, 17, [64, 64], 8,
                                             [2, 0, 1])))
    fr = fragments(big, 17, [64, 64], 9)
    overlap = ip_hdr(PEER, US, 17, 16, 9, 0x2000 | 4) + b"o" * 16
    write("fuzz_ipv4", "overlap_kills",
          pkt(fr[0]) + pkt(overlap) + pkt(fr[1]) + pkt(fr[2]))
    write("fuzz_ipv4", "duplicate_fragment",
          pkt(fr[0]) + pkt(fr[0]) + pkt(fr[1]) + pkt(fr[2]))
    # Fragment zero alone, then 31 s: ICMP time exceeded.
    write("fuzz_ipv4", "reassembly_timeout",
          pkt(fr[0]) + pkt(fr[1], 11 << 4) + pkt(fr[2]))
    syn = struct.pack("!HHIIBBHHH", 5555, 80, 1, 0, 0x50, 0x02, 1024, 0, 0)
    pseudo = PEER + US + struct.pack("!BBH", 0, 6, len(syn))
    syn = syn[:16] + struct.pack("!H", csum(pseudo + syn)) + syn[18:]
    write("fuzz_ipv4", "tcp_syn_with_ip_options",
          pkt(ip_hdr(PEER, US, 6, len(syn), opts=b"\x01\x01\x01\x00") + syn))
    ping = icmp(8, 0, struct.pack("!HH", 1, 1), b"ping")
    write("fuzz_ipv4", "echo_and_unknown_protocol",
          pkt(ip_hdr(PEER, US, 1, len(ping)) + ping) +
          pkt(ip_hdr(PEER, US, 99, 4) + b"\0" * 4))
    # More first fragments than IP_REASM_MAX_DATAGRAMS: eviction.
    write("fuzz_ipv4", "eviction",
          b"".join(pkt(fragments(big, 17, [64], 100 + i)[0])
                   for i in range(9)))
    write("fuzz_ipv4", "broadcast_fixups",
          pkt(ip_hdr(ip4(1, 2, 3, 4), ip4(5, 6, 7, 8), 17, len(u)) + u,
              0x0f))


# --- fuzz_icmp: [ctl][len][message]; ctl 0x01 fix checksum, 0x02
# broadcast, 0x0c 1 quote UDP, 2 quote TCP, 3 echo reply; 0xf0 time --

def quote_room(typ, code):
    # Header, then 20 + 8 bytes the harness overwrites with the quote.
    return icmp(typ, code, b"\0" * 4, b"\0" * 28)


def gen_icmp():
    write("fuzz_icmp", "echo_request",
          bytes([0]) + rec(icmp(8, 0, struct.pack("!HH", 7, 1), b"hi")))
    write("fuzz_icmp", "port_unreachable_udp",
          bytes([0x01 | 1 << 2]) + rec(quote_room(3, 3)))
    write("fuzz_icmp", "host_unreachable_tcp_syn",
          bytes([0x01 | 2 << 2]) + rec(quote_room(3, 1)))
    write("fuzz_icmp", "echo_reply_to_ping",
          bytes([0x01 | 3 << 2]) + rec(icmp(0, 0, b"\0" * 4, b"pong")))
    write("fuzz_icmp", "time_exceeded_param_problem",
          bytes([0x01 | 1 << 2]) + rec(quote_room(11, 0)) +
          bytes([0x01 | 2 << 2 | 7 << 4]) + rec(quote_room(12, 0)))
    write("fuzz_icmp", "ignored_types",
          b"".join(bytes([0]) + rec(icmp(t, 0, b"\0" * 4, b"\0" * 12))
                   for t in (4, 5, 13, 14, 17, 18, 42)))
    write("fuzz_icmp", "echo_to_broadcast_and_bad_checksum",
          bytes([0x02]) + rec(icmp(8, 0, b"\0\1\0\1")) +
          bytes([0]) + rec(b"\x08\x00\x12\x34\0\1\0\1"))


# --- fuzz_udp: [ctl][len][udp]; ctl 0x01 fix checksum, 0x02 zero it,
# 0x04 fix length, 0x18 destination, 0x60 reads, 0x80 a second first --

def gen_udp():
    write("fuzz_udp", "to_port_7", bytes([0]) + rec(udp(1234, 7, b"hello")))
    write("fuzz_udp", "connected_socket",
          bytes([0x40]) + rec(udp(9000, 8, b"reply")) +
          bytes([0]) + rec(udp(9001, 8, b"stranger")))
    write("fuzz_udp", "broadcast_to_reuseaddr_pair",
          bytes([0x01 | 1 << 3 | 3 << 5]) + rec(udp(1, 9, b"all")) +
          bytes([0x01 | 2 << 3]) + rec(udp(1, 10, b"subnet")))
    write("fuzz_udp", "closed_port_unreachable",
          bytes([0]) + rec(udp(1234, 12, b"?")) +
          bytes([0x80]) + rec(udp(1234, 13, b"?")))
    write("fuzz_udp", "callback_sockets",
          bytes([0]) + rec(udp(1234, 11, b"send back")) +
          bytes([0x01 | 1 << 3]) + rec(udp(1234, 11, b"close")) +
          bytes([0]) + rec(udp(1234, 11, b"close")) +
          bytes([0]) + rec(udp(1234, 11, b"x")))
    write("fuzz_udp", "fill_queue_then_drain",
          (bytes([0x01]) + rec(udp(1234, 7, b"z" * 300))) * 8 +
          bytes([0x01 | 1 << 5]) + rec(udp(1234, 7, b"z")))
    write("fuzz_udp", "bad_length_and_checksum",
          bytes([0]) + rec(b"\x04\xd2\x00\x07\x00\x40\x12\x34abc") +
          bytes([0x02]) + rec(b"\x04\xd2\x00\x07\x00\x03\x00\x00") +
          bytes([0x01 | 3 << 3]) + rec(udp(1, 7, b"mcast")))


# --- fuzz_dhcp: [state][shape] then [ctl][len][bootp]; ctl 0x01 fix
# xid, 0x02 fix chaddr, 0x04 fix op/htype/hlen/cookie, 0x08 unicast,
# 0xf0 time --------------------------------------------------------------

def bootp(mtype, yiaddr=ip4(10, 0, 0, 15), server=PEER, extra=b""):
    m = bytearray(240)
    m[0:3] = b"\x02\x01\x06"
    m[16:20] = yiaddr
    struct.pack_into("!I", m, 236, 0x63825363)
    opts = bytes([53, 1, mtype, 54, 4]) + server + extra + b"\xff"
    return bytes(m) + opts


LEASE = bytes([51, 4, 0, 0, 0x0e, 0x10, 1, 4, 255, 255, 255, 0,
               3, 4, 10, 0, 0, 1])


def gen_dhcp():
    fix = 0x07
    write("fuzz_dhcp", "selecting_offer",
          bytes([0, 0x0c]) + bytes([fix]) + rec(bootp(2)))
    write("fuzz_dhcp", "requesting_ack",
          bytes([1, 0x0c]) + bytes([fix]) + rec(bootp(5, extra=LEASE)))
    write("fuzz_dhcp", "requesting_nak_twice",
          bytes([1, 0]) + bytes([fix]) + rec(bootp(6)) +
          bytes([fix | 7 << 4]) + rec(bootp(2)) +
          bytes([fix]) + rec(bootp(6)))
    write("fuzz_dhcp", "bound_expires",
          bytes([2, 0x01]) + bytes([fix | 15 << 4]) + rec(bootp(5)))
    write("fuzz_dhcp", "renewing_ack_unicast",
          bytes([3, 0x1c]) + bytes([fix | 0x08]) +
          rec(bootp(5, extra=LEASE)))
    write("fuzz_dhcp", "rebinding_other_server",
          bytes([4, 0x0c]) + bytes([fix]) +
          rec(bootp(5, server=ip4(10, 0, 0, 3), extra=LEASE)))
    write("fuzz_dhcp", "malformed_options",
          bytes([2, 0x00]) + bytes([fix]) +
          rec(bootp(5)[:240] + b"\x35\x01\x05\x33\x02\x00") +
          bytes([fix]) + rec(bootp(5)[:240] + b"\x35\x05\x05"))


# --- fuzz_tcp: [scenario][variant] then operations ------------------------

S = {n: i for i, n in enumerate(
    "LISTEN SYN_SENT SYN_RECEIVED ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 "
    "CLOSE_WAIT LAST_ACK CLOSING TIME_WAIT ORPHAN_FIN_WAIT_1 "
    "ORPHAN_FIN_WAIT_2 ORPHAN_LAST_ACK ORPHAN_CLOSING".split())}
V_CLIENT, V_INFLIGHT, V_UNREAD, V_SMALL = 1, 2, 4, 8
V_KEEPALIVE, V_NODELAY, V_BACKLOG1, V_NOCOOKIES = 16, 32, 64, 128
FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16
WND = 32768     # 64 KB ring, scale 1: what the real peer advertises


def seg(flags, seq=0, ack=0, wnd=WND, opts=b"", data=0, ts=True,
        ackmax=False, port=0, bad_sum=False, abs_seq=False, abs_ack=False):
    op = (0x08 if bad_sum else 0) | (0x10 if abs_seq else 0) | \
        (0x20 if abs_ack else 0) | port << 6
    fl = flags | (0x40 if ackmax else 0) | (0x80 if ts else 0)
    b = bytes([op, fl])
    b += struct.pack("!I" if abs_seq else "!h", seq)
    b += struct.pack("!I" if abs_ack else "!h", ack)
    b += struct.pack("!H", wnd)
    if data == "mss":
        cls, tail = 3, b""
    elif data and data < 256:
        cls, tail = 1, bytes([data])
    elif data:
        cls, tail = 2, struct.pack("!H", data)
    else:
        cls, tail = 0, b""
    return b + bytes([len(opts) | cls << 6]) + opts + tail


def t(step):
    return bytes([4 | step << 4])


def user(call, peer=False):
    return bytes([5 | (8 if peer else 0) | call << 4])


def wire(cut):
    return bytes([6 | (8 if cut else 0)])


SYN_OPTS = bytes([2, 4, 0x05, 0xb4, 3, 3, 7, 4, 2, 1, 1])   # MSS WS SACK_OK


def gen_tcp():
    def w(name, sc, v, *ops):
        write("fuzz_tcp", name, bytes([S[sc], v]) + b"".join(ops))

    w("listen_handshake_accept_data", "LISTEN", 0,
      seg(SYN, ts=True, opts=SYN_OPTS, ack=0),
      seg(ACK, ackmax=True), user(8), seg(ACK | PSH, data=100, ackmax=True),
      user(1), seg(FIN | ACK, ackmax=True), user(6), t(13))
    w("listen_syn_flood_cookies", "LISTEN", V_BACKLOG1,
      seg(SYN, port=1), seg(SYN, port=2), seg(SYN, port=3),
      seg(ACK, ackmax=True, port=3), seg(RST, port=1), t(9))
    w("syn_sent_synack", "SYN_SENT", 0,
      seg(SYN | ACK, opts=SYN_OPTS, ackmax=True), seg(ACK | PSH, data=10),
      user(1))
    w("syn_sent_rst_and_simultaneous_open", "SYN_SENT", 0,
      seg(SYN), seg(RST | ACK, ackmax=True), t(13))
    w("syn_received_ack_then_rst", "SYN_RECEIVED", 0,
      seg(ACK, ackmax=True), user(8), seg(RST), t(7))
    w("syn_received_retransmitted_syn", "SYN_RECEIVED", V_NOCOOKIES,
      seg(SYN, seq=-1, ts=False, opts=SYN_OPTS), t(12))
    w("established_in_order_and_ooo", "ESTABLISHED", 0,
      seg(ACK | PSH, data=100), seg(ACK, seq=1100, data=500),
      seg(ACK, seq=300, data=200), seg(ACK, data=1200), t(4), user(1),
      seg(FIN | ACK), t(5))
    w("established_dupacks_partial_full", "ESTABLISHED", V_INFLIGHT,
      seg(ACK), seg(ACK), seg(ACK), seg(ACK, ack=1448),
      seg(ACK, ackmax=True), t(6))
    w("established_sack_blocks", "ESTABLISHED", V_INFLIGHT | V_CLIENT,
      seg(ACK, opts=bytes([1, 1, 5, 10]) + struct.pack("!II", 1448, 2896)),
      seg(ACK, opts=bytes([1, 1, 5, 10]) + struct.pack("!II", 1448, 2896)),
      seg(ACK, opts=bytes([1, 1, 5, 10]) + struct.pack("!II", 1448, 2896)),
      t(7), t(8))
    w("established_zero_window_persist", "ESTABLISHED", V_SMALL,
      user(3), seg(ACK, ackmax=True, wnd=0), t(7), t(8), t(9),
      seg(ACK, ackmax=True), t(7))
    w("established_rst_exact_and_challenge", "ESTABLISHED", V_UNREAD,
      seg(RST, seq=5), seg(SYN), seg(RST), user(0))
    w("established_keepalive", "ESTABLISHED", V_KEEPALIVE | V_CLIENT,
      t(15), t(15), t(15), t(15), t(15))
    w("fin_wait_1_ack_then_fin", "FIN_WAIT_1", V_INFLIGHT,
      seg(ACK, ackmax=True), seg(FIN | ACK, ackmax=True), t(12))
    w("fin_wait_1_fin_crossing", "FIN_WAIT_1", 0,
      seg(FIN | ACK), seg(ACK, ackmax=True))
    w("fin_wait_2_data_and_fin", "FIN_WAIT_2", V_UNREAD,
      seg(ACK | PSH, data="mss", ackmax=True), seg(FIN | ACK, ackmax=True),
      user(1), t(12))
    w("close_wait_send_and_close", "CLOSE_WAIT", V_INFLIGHT,
      seg(ACK, ack=1448), user(2), user(4), seg(ACK, ackmax=True))
    w("last_ack_acked", "LAST_ACK", 0, seg(ACK, ackmax=True), t(3))
    w("closing_acked", "CLOSING", V_CLIENT, seg(ACK, ackmax=True),
      seg(FIN | ACK, seq=-1, ackmax=True), t(12))
    w("time_wait_fin_rst_new_syn", "TIME_WAIT", 0,
      seg(FIN | ACK, seq=-1, ackmax=True), seg(SYN, seq=30000, ts=True),
      seg(ACK, ackmax=True), t(12))
    w("time_wait_rst_kills", "TIME_WAIT", V_CLIENT, seg(RST))
    w("orphan_fin_wait_1_data_resets", "ORPHAN_FIN_WAIT_1", V_INFLIGHT,
      seg(ACK | PSH, data=50), t(12))
    w("orphan_fin_wait_1_linger_expires", "ORPHAN_FIN_WAIT_1", 0,
      t(9), t(12), t(12))
    w("orphan_fin_wait_2_fin", "ORPHAN_FIN_WAIT_2", 0,
      seg(ACK), seg(FIN | ACK, ackmax=True), t(12))
    w("orphan_fin_wait_2_data_and_syn", "ORPHAN_FIN_WAIT_2", V_CLIENT,
      seg(ACK | PSH, data=20, ackmax=True), seg(SYN, seq=5000))
    w("orphan_last_ack_acked", "ORPHAN_LAST_ACK", V_INFLIGHT,
      seg(ACK, ackmax=True), t(12))
    w("orphan_closing_wire_back", "ORPHAN_CLOSING", 0, wire(False), t(9))
    # One bare ACK ahead of RCV.NXT with a 4-byte window: SND.WL1 moves
    # past anything the real peer sends. Under RFC 9293's WL1/WL2 test
    # its ACKs never reopened the window (5000 bytes left 4 at a time);
    # now the override timeout sends 4 and their ACK reopens it.
    w("window_frozen_by_one_ack", "ESTABLISHED", 0,
      seg(ACK, seq=640, wnd=2), wire(False), user(3), t(9))
    w("bad_checksum_and_other_port", "ESTABLISHED", 0,
      seg(ACK | PSH, data=10, bad_sum=True), seg(ACK, port=2),
      seg(ACK, abs_seq=True, seq=12345, abs_ack=True, ack=678))


# --- fuzz_fdt: small device trees -------------------------------------------

DTS = {
    "minimal": """/dts-v1/;
/ { #address-cells = <1>; #size-cells = <1>; compatible = "kite,min"; };
""",
    "virt_like": """/dts-v1/;
/ {
	#address-cells = <2>; #size-cells = <2>;
	compatible = "riscv-virtio";
	chosen { bootargs = "ip=10.0.2.15/24 gw=10.0.2.2";
		 stdout-path = "/soc/serial@10000000"; };
	cpus { #address-cells = <1>; #size-cells = <0>;
		cpu@0 { device_type = "cpu"; reg = <0>;
			intc: interrupt-controller {
				#interrupt-cells = <1>;
				interrupt-controller;
				compatible = "riscv,cpu-intc"; }; }; };
	memory@80000000 { device_type = "memory";
			  reg = <0x0 0x80000000 0x0 0x8000000>; };
	soc { #address-cells = <2>; #size-cells = <2>;
	      compatible = "simple-bus"; ranges;
		plic: plic@c000000 { compatible = "riscv,plic0";
			reg = <0x0 0xc000000 0x0 0x600000>;
			interrupts-extended = <&intc 11>;
			#interrupt-cells = <1>; interrupt-controller; };
		serial@10000000 { compatible = "ns16550a";
			reg = <0x0 0x10000000 0x0 0x100>;
			interrupts = <10>; interrupt-parent = <&plic>;
			clock-frequency = <3686400>; };
		virtio_mmio@10001000 { compatible = "virtio,mmio";
			reg = <0x0 0x10001000 0x0 0x1000>;
			interrupts = <1>; interrupt-parent = <&plic>;
			status = "okay"; };
		virtio_mmio@10002000 { compatible = "virtio,mmio";
			reg = <0x0 0x10002000 0x0 0x1000>;
			status = "disabled"; };
	};
};
""",
    "pci_gic": """/dts-v1/;
/ {
	#address-cells = <2>; #size-cells = <2>;
	interrupt-parent = <&gic>;
	gic: intc@8000000 { compatible = "arm,gic-400";
		#interrupt-cells = <3>; interrupt-controller;
		reg = <0x0 0x8000000 0x0 0x10000 0x0 0x8010000 0x0 0x10000>; };
	pl011@9000000 { compatible = "arm,pl011", "arm,primecell";
		reg = <0x0 0x9000000 0x0 0x1000>; interrupts = <0 1 4>; };
	pcie@10000000 { compatible = "pci-host-ecam-generic";
		device_type = "pci"; #address-cells = <3>; #size-cells = <2>;
		#interrupt-cells = <1>; bus-range = <0 0xff>;
		reg = <0x40 0x10000000 0x0 0x10000000>;
		ranges = <0x1000000 0x0 0x0 0x0 0x3eff0000 0x0 0x10000
			  0x2000000 0x0 0x10000000 0x0 0x10000000 0x0 0x2eff0000>;
		interrupt-map-mask = <0x1800 0 0 7>;
		interrupt-map = <0 0 0 1 &gic 0 0 0 3 4
				 0 0 0 2 &gic 0 0 0 4 4>; };
};
""",
}


def gen_fdt():
    if not shutil.which("dtc"):
        print("gen_corpus: no dtc, fuzz_fdt skipped", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for name, src in DTS.items():
            for version in (17, 16):
                if version == 16 and name != "minimal":
                    continue
                dts = os.path.join(tmp, name + ".dts")
                with open(dts, "w") as f:
                    f.write(src)
                blob = subprocess.run(
                    ["dtc", "-q", "-I", "dts", "-O", "dtb", "-V",
                     str(version), dts], check=True,
                    stdout=subprocess.PIPE).stdout
                write("fuzz_fdt", "%s_v%d.dtb" % (name, version), blob)


# --- fuzz_dma: device trees with dma-ranges and coherence -------------------

DMA_DTS = {
    # Nested windows (translated through two levels), an empty
    # dma-ranges, dma-coherent and dma-noncoherent on buses, and a PCI
    # host bridge's 3-cell window.
    "dma_ranges": """/dts-v1/;
/ {
	#address-cells = <2>; #size-cells = <2>;
	soc { #address-cells = <1>; #size-cells = <1>;
		dma-ranges = <0x10000000 0x2 0x0 0x20000000>;
		bus { #address-cells = <1>; #size-cells = <1>;
			dma-ranges = <0x0 0x10000000 0x1000000>;
			dma-noncoherent;
			ethernet@1000 { reg = <0x1000 0x100>; }; };
		empty { dma-ranges; dma-coherent;
			ethernet@2000 { }; }; };
	pcie@30000000 { device_type = "pci";
		#address-cells = <3>; #size-cells = <2>; dma-coherent;
		dma-ranges = <0x02000000 0x0 0x0 0x0 0x40000000 0x0 0x40000000>;
	};
};
""",
}


def gen_dma():
    if not shutil.which("dtc"):
        print("gen_corpus: no dtc, fuzz_dma skipped", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        srcs = dict(DMA_DTS, virt_like=DTS["virt_like"],
                    pci_gic=DTS["pci_gic"])
        for name, src in srcs.items():
            dts = os.path.join(tmp, name + ".dts")
            with open(dts, "w") as f:
                f.write(src)
            blob = subprocess.run(
                ["dtc", "-q", "-I", "dts", "-O", "dtb", dts], check=True,
                stdout=subprocess.PIPE).stdout
            write("fuzz_dma", name + ".dtb", blob)


# --- fuzz_shell: keystrokes -------------------------------------------------

def gen_shell():
    seeds = {
        "commands": b"help\recho hello world\r\nuptime\n",
        "edit_keys": b"abc\x7f\x7fxyz\x15ls\x08s\r",
        "history": b"ps\rfree\r\x1b[A\x1b[A\x1b[B\r\x1bOA\r",
        "quotes": b"echo 'a b' \"c  d\" e\r",
        "cancel_and_noise": b"sleep 10\x03\x1b[1;5Cnc -w 0.25 10.0.2.2 80\r",
        "seconds": b"sleep 2\rsleep .5\rsleep 1.000001\rsleep 99999999999\r",
        "bootargs": b"console=ttyS0 ip=10.0.0.2/24 gw=10.0.0.1 quiet ip",
        "long_line": b"x" * 260 + b"\r",
    }
    for name, data in seeds.items():
        write("fuzz_shell", name, data)



# --- fuzz_ip6: op & 7: 0 frame, 1 [ctl][len][IPv6 packet] from the peer
# (ctl 0x01 fix length, 0x02 fix addresses (0x30 which), 0x04 fix the
# ICMPv6 checksum, 0x08 hop limit 255), 2 time (op >> 3), 3 echo [sel],
# 4/5 add/remove 2001:db8::N, 6 Packet Too Big [N][mtu] -------------------

def ip6(text):
    return socket.inet_pton(socket.AF_INET6, text)


US6_LL = ip6("fe80::ff:fe00:1")
US6 = ip6("2001:db8::1")
PEER6 = ip6("fe80::9")
ALLNODES = ip6("ff02::1")
US6_SN = ip6("ff02::1:ff00:1")


def ip6_hdr(src, dst, nh, plen, hlim=64):
    return struct.pack("!IHBB16s16s", 0x60000000, plen, nh, hlim, src, dst)


def icmp6(typ, code, body, src, dst):
    m = bytes([typ, code, 0, 0]) + body
    pseudo = src + dst + struct.pack("!I3xB", len(m), 58)
    return m[:2] + struct.pack("!H", csum(pseudo + m)) + m[4:]


def pkt6(nh, payload, src=PEER6, dst=US6_LL, hlim=64):
    return ip6_hdr(src, dst, nh, len(payload), hlim) + payload


def p6(packet, ctl=0x05):
    return b"\x01" + bytes([ctl]) + rec(packet)


def t6(step):
    return bytes([2 | step << 3])


def echo6(sel, units=0):
    return bytes([3, sel | units << 3])


def echo_req(seq, data, src=PEER6, dst=US6_LL):
    return icmp6(128, 0, struct.pack("!HH", 7, seq) + data, src, dst)


def frag6(nh, off, more, ident, data):
    return struct.pack("!BBHI", nh, 0, off | more, ident) + data


def gen_ip6():
    w = lambda name, data: write("fuzz_ip6", name, data)
    w("echo_request_link_local",
      p6(pkt6(58, echo_req(1, b"abcdefgh"))) + t6(3))
    ns = icmp6(135, 0, b"\0" * 4 + US6_LL + bytes([1, 1]) + PEER_MAC,
               PEER6, US6_SN)
    w("neighbor_solicitation_for_us",
      p6(pkt6(58, ns, dst=US6_SN, hlim=255), 0x0d))
    pfx = ip6("2001:db8:5::")
    ra = icmp6(134, 0, struct.pack("!BBHII", 64, 0, 1800, 0, 0) +
               bytes([1, 1]) + PEER_MAC +
               struct.pack("!BBHI", 5, 1, 0, 1400) +
               struct.pack("!BBBBIII16s", 3, 4, 64, 0xc0, 86400, 14400, 0,
                           pfx), PEER6, ALLNODES)
    w("router_advertisement_slaac_mtu",
      p6(pkt6(58, ra, dst=ALLNODES, hlim=255), 0x0d) + t6(7) + t6(7) +
      t6(3) + echo6(3, 6) + t6(9))
    msg = echo_req(2, bytes(range(256)) * 11 + bytes(184))
    parts = [(0, 1, msg[:1232]), (1232, 1, msg[1232:2464]),
             (2464, 0, msg[2464:])]
    w("fragmented_echo_reordered",
      b"".join(p6(pkt6(44, frag6(58, o, m, 9, d)), 0x01)
               for o, m, d in reversed(parts)) + t6(3))
    w("overlapping_fragments",
      p6(pkt6(44, frag6(58, 0, 1, 10, msg[:1232])), 0x01) +
      p6(pkt6(44, frag6(58, 1224, 1, 10, msg[1224:2464])), 0x01) +
      p6(pkt6(44, frag6(58, 2464, 0, 10, msg[2464:])), 0x01) + t6(11))
    echo = echo_req(3, b"xyz")
    hbh = bytes([60, 0, 1, 4, 0, 0, 0, 0])
    dst = bytes([43, 0, 0x1e, 4, 0, 0, 0, 0])
    rt = bytes([58, 0, 0, 0, 0, 0, 0, 0])
    w("extension_headers",
      p6(pkt6(0, hbh + dst + rt + echo)) +
      p6(pkt6(43, bytes([58, 0, 0, 1, 0, 0, 0, 0]) + echo)) +
      p6(pkt6(60, bytes([58, 0, 0x9e, 4, 0, 0, 0, 0]) + echo)) +
      p6(pkt6(253, b"\0" * 16)) + t6(3))
    w("packet_too_big_then_big_echo",
      bytes([6, 2, 0x05, 0x00]) + echo6(2, 8) + t6(7) + t6(8))
    dad = icmp6(135, 0, b"\0" * 4 + ip6("2001:db8::5"), bytes(16),
                ip6("ff02::1:ff00:5"))
    w("dad_conflict_then_remove",
      bytes([4, 5]) + t6(5) +
      p6(pkt6(58, dad, src=bytes(16), dst=ip6("ff02::1:ff00:5"), hlim=255),
         0x0d) + t6(7) + bytes([5, 5]))
    w("silent_neighbour_queue",
      echo6(1) * 10 + echo6(0) + t6(7) * 4 + t6(14))
    na = icmp6(136, 0, bytes([0x60, 0, 0, 0]) + PEER6 + bytes([2, 1]) +
               PEER_MAC, PEER6, US6_LL)
    w("nud_probe_answered",
      echo6(0) + t6(12) + echo6(0) + t6(7) +
      p6(pkt6(58, na, hlim=255), 0x0d) + t6(9))
    w("runt_and_bad_version",
      frame(eth(US_MAC, PEER_MAC, 0x86DD, b"\x60")) +
      p6(b"\x40" + pkt6(59, b"")[1:], 0x01) +
      p6(pkt6(58, b"\x80\0\0\0\0\0\0\0")[:44], 0))


# --- regression inputs: bugs found, replayed by every smoke run ------------

def gen_regress():
    # An in-window segment of data the peer never sent, then the wire
    # back: each end ACKs what the other's ACK says is out of window,
    # forever (no rate limit on those ACKs: Linux's tcp_invalid_ratelimit).
    write_regress("fuzz_tcp", "ack_storm_after_forged_data",
                  bytes([S["ESTABLISHED"], 0]) +
                  seg(ACK | PSH, data=100) + wire(False) + t(9))
    # The same through a TIME_WAIT record: forged data and FIN take the
    # target from FIN_WAIT_2 to TIME_WAIT; the peer's FIN, which the
    # record finds out of window, starts the loop, and each ACK restarts
    # the record's 2*MSL.
    write_regress("fuzz_tcp", "ack_storm_time_wait_record",
                  bytes([S["FIN_WAIT_2"], 0]) +
                  seg(FIN | ACK, data=100, ackmax=True) + wire(False) +
                  user(4, peer=True) + t(9))


    # A Prefix Information option of length 1 (8 bytes) at the end of a
    # Router Advertisement: its lifetimes and prefix were read past the
    # packet before its length was checked.
    ra = icmp6(134, 0, struct.pack("!BBHII", 64, 0, 0, 0, 0) +
               struct.pack("!BBBBI", 3, 1, 64, 0xc0, 100), PEER6, ALLNODES)
    write_regress("fuzz_ip6", "short_prefix_option",
                  p6(pkt6(58, ra, dst=ALLNODES, hlim=255), 0x0d))
    # A Retrans Timer of 49 days: packets waited for resolution longer
    # than any timer the test runs (now clamped to a minute).
    ra = icmp6(134, 0, struct.pack("!BBHII", 64, 0, 0, 0, 0xffffffff),
               PEER6, ALLNODES)
    write_regress("fuzz_ip6", "huge_retrans_timer",
                  p6(pkt6(58, ra, dst=ALLNODES, hlim=255), 0x0d) +
                  echo6(1))

    # An ICMPv6 error of 4 bytes: its MTU/pointer field was read before
    # the length was checked.
    write_regress("fuzz_ip6", "short_icmp6_error",
                  p6(pkt6(58, icmp6(2, 0, b"", PEER6, US6_LL))))
    # The same for a Neighbor Advertisement: its flags were read first.
    write_regress("fuzz_ip6", "short_neighbor_advert",
                  p6(pkt6(58, icmp6(136, 0, b"", PEER6, US6_LL), hlim=255),
                     0x0d))


def write_regress(target, name, data):
    d = os.path.join(os.path.dirname(OUT), "regress", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


GENERATORS = {
    "fuzz_eth": gen_eth, "fuzz_ipv4": gen_ipv4, "fuzz_icmp": gen_icmp,
    "fuzz_udp": gen_udp, "fuzz_dhcp": gen_dhcp, "fuzz_tcp": gen_tcp,
    "fuzz_fdt": gen_fdt, "fuzz_shell": gen_shell, "fuzz_ip6": gen_ip6,
    "fuzz_dma": gen_dma,
}

if __name__ == "__main__":
    for target in sys.argv[1:] or sorted(GENERATORS):
        shutil.rmtree(os.path.join(OUT, target), ignore_errors=True)
        GENERATORS[target]()
    if not sys.argv[1:]:
        gen_regress()
