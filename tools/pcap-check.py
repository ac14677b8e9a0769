#!/usr/bin/env python3
"""Check a packet capture made by tools/qemu.sh's PCAP=FILE:

    tools/pcap-check.py NAME FILE [MAC]

FILE must be a pcap file (magic a1b2c3d4, either byte order) of Ethernet
frames holding at least one ARP or ICMP frame sent by the guest, whose
MAC is MAC (QEMU's default for the first NIC, 52:54:00:12:34:56, unless
given). Prints "PASS NAME (...)" or "FAIL NAME: why", the lines
tools/run-tests.sh counts, and exits 0 or 1.

Reads the file only; the format is the classic libpcap one
(https://wiki.wireshark.org/Development/LibpcapFileFormat): a 24-byte
file header, then per frame a 16-byte record header and caplen bytes.
"""
import struct
import sys

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
IPPROTO_ICMP = 1
LINKTYPE_ETHERNET = 1


def check(path, mac):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return "no pcap file header (%d bytes)" % len(data)
    for order in "<>":
        if struct.unpack(order + "I", data[:4])[0] == 0xA1B2C3D4:
            break
    else:
        return "no pcap magic: %s" % data[:4].hex()
    linktype = struct.unpack(order + "I", data[20:24])[0]
    if linktype != LINKTYPE_ETHERNET:
        return "link type %d, not Ethernet" % linktype
    frames = ours = 0
    off = 24
    # A record cut short (QEMU killed mid-write) ends the walk.
    while off + 16 <= len(data):
        caplen = struct.unpack(order + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if len(frame) < caplen:
            break
        frames += 1
        if len(frame) < 14 or frame[6:12] != mac:
            continue
        ethertype = struct.unpack(">H", frame[12:14])[0]
        if ethertype == ETH_P_ARP or (ethertype == ETH_P_IP and
                                      len(frame) >= 24 and
                                      frame[23] == IPPROTO_ICMP):
            ours += 1
    if ours == 0:
        return "%d frames, none an ARP or ICMP frame from %s" % (
            frames, mac.hex(":"))
    return (frames, ours)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: tools/pcap-check.py NAME FILE [MAC]")
    name, path = sys.argv[1], sys.argv[2]
    mac = bytes.fromhex((sys.argv[3] if len(sys.argv) == 4
                         else "52:54:00:12:34:56").replace(":", ""))
    try:
        result = check(path, mac)
    except OSError as e:
        result = str(e)
    if isinstance(result, str):
        print("FAIL %s: %s: %s" % (name, path, result))
        sys.exit(1)
    print("PASS %s (%d frames, %d ARP/ICMP from the guest)" % (
        name, result[0], result[1]))


if __name__ == "__main__":
    main()
