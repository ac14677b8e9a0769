#!/usr/bin/python3
"""ICMPv6 echo from the host side of the tap link to the guest.

    ping6.py ADDR[%IFACE] SIZE COUNT

Sends COUNT echo requests with SIZE bytes of random data through a raw
ICMPv6 socket (the host kernel computes the checksum, and fragments a
request larger than tap0's MTU), and waits up to 2 s for each reply,
which must come from ADDR with the same identifier, sequence number
and data. Prints "ok N of COUNT" and exits 0 if every reply came back
intact; else a line saying what went wrong, and exits 1. Needs root
(raw sockets); run by tests/boot/tap.exp.

Network safety: before anything is sent this checks that it runs in a
namespace named kite-* whose only links are lo and tap0, and that ADDR
is the guest's (fd00:3::/64 or link-local on tap0): from the machine's
own namespace the same addresses could leave the machine.
"""
import os
import select
import socket
import struct
import subprocess
import sys
import time

ECHO_REQUEST, ECHO_REPLY = 128, 129


def inside_own_namespace():
    try:
        ns = subprocess.run(["ip", "netns", "identify"], capture_output=True,
                            text=True, check=False).stdout.strip()
    except OSError:
        return False
    links = set(os.listdir("/sys/class/net"))
    return ns.startswith("kite-") and links <= {"lo", "tap0"}


def main():
    if len(sys.argv) != 4:
        print("usage: ping6.py ADDR[%IFACE] SIZE COUNT")
        return 2
    dest, size, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    addr, _, iface = dest.partition("%")
    if not inside_own_namespace():
        print("refusing to send: not inside a kite-* namespace with only lo and tap0")
        return 1
    packed = socket.inet_pton(socket.AF_INET6, addr)
    linklocal = packed[0] == 0xfe and packed[1] & 0xc0 == 0x80
    if not (packed.startswith(bytes.fromhex("fd000003") + bytes(4))
            or (linklocal and iface == "tap0")):
        print("refusing to send to %s: not the guest's link" % dest)
        return 1
    scope = socket.if_nametoindex(iface) if iface else 0

    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    ident = os.getpid() & 0xffff
    got = 0
    for seq in range(1, count + 1):
        data = os.urandom(size)
        req = struct.pack("!BBHHH", ECHO_REQUEST, 0, 0, ident, seq) + data
        s.sendto(req, (addr, 0, 0, scope))
        end = time.monotonic() + 2
        while True:
            left = end - time.monotonic()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                print("no reply to seq %d (%d bytes)" % (seq, size))
                return 1
            msg, src = s.recvfrom(70000)
            if (len(msg) < 8 or msg[0] != ECHO_REPLY or src[0].split("%")[0] != addr
                    or struct.unpack("!HH", msg[4:8]) != (ident, seq)):
                continue
            if msg[8:] != data:
                print("seq %d: reply data differs (%d bytes back of %d)"
                      % (seq, len(msg) - 8, size))
                return 1
            got += 1
            break
    print("ok %d of %d" % (got, count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
