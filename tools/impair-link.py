#!/usr/bin/env python3
"""An impaired Ethernet link between a tap device and a QEMU guest: what
Linux's netem does, in user space, for a host kernel built without
sch_netem (tc qdisc add ... netem fails with "Specified qdisc kind is
unknown"), and on both directions at once.

  impair-link.py TAP PORT [--loss PCT] [--delay MS] [--jitter MS]
                 [--reorder PCT] [--duplicate PCT] [--corrupt PCT]
                 [--seed N] [--off]

It owns TAP (tools/netns-run.sh makes tap0) and passes frames to and
from QEMU over UDP on 127.0.0.1 (the loopback of the network namespace
it runs in; nothing else): it listens on PORT, QEMU on PORT+1:

  -netdev dgram,id=n0,local.type=inet,local.host=127.0.0.1,
      local.port=PORT+1,remote.type=inet,remote.host=127.0.0.1,
      remote.port=PORT

Every IPv4 frame, each direction on its own, as netem's options mean:
lost with probability --loss; else sent --delay ms +- --jitter ms
(uniform) later, in delivery-time order, so jitter alone reorders; with
probability --reorder sent at once instead, overtaking the delayed ones;
with probability --duplicate a second copy follows, delayed on its own;
with probability --corrupt one bit of the IP packet flipped (a checksum
must catch it). ARP and other non-IPv4 frames pass at once, untouched:
a corrupted ARP has no checksum to catch it.

stdin takes commands, one a line: "on" and "off" switch the impairment
(--off starts with it off: frames pass at once), "stats" prints one line
of counters per direction (h2g: from TAP to the guest, g2h: back):

  stats h2g frames=N lost=N dup=N corrupt=N ahead=N overflow=N; g2h ...

("ahead": sent at once by --reorder; "overflow": the receiving socket
was full, a tail drop). The end of stdin ends the program. It prints
"ready" once both sockets are open.
"""
import argparse
import fcntl
import heapq
import os
import random
import select
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
ETH_P_IP = 0x0800
BURST = 64		# frames read from one side before looking at the other

H2G, G2H = 0, 1
NAMES = ("h2g", "g2h")
FIELDS = ("frames", "lost", "dup", "corrupt", "ahead", "overflow")


def open_tap(name):
    # Only an existing device: TUNSETIFF would make a new one otherwise,
    # in whatever network namespace this runs.
    socket.if_nametoindex(name)
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF,
                struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


class Link:
    def __init__(self, args, tap, sock, peer):
        self.a = args
        self.on = not args.off
        self.tap, self.sock, self.peer = tap, sock, peer
        self.rng = random.Random(args.seed)
        self.queue = []		# (due, seq, direction, frame)
        self.seq = 0
        self.count = [dict.fromkeys(FIELDS, 0) for _ in NAMES]

    def chance(self, pct):
        return pct > 0 and self.rng.random() * 100 < pct

    def later(self, direction, frame, ahead=False):
        a = self.a
        delay = 0.0
        if not ahead:
            delay = a.delay + self.rng.uniform(-a.jitter, a.jitter)
        due = time.monotonic() + max(delay, 0.0) / 1000
        self.seq += 1
        heapq.heappush(self.queue, (due, self.seq, direction, frame))

    def corrupt(self, frame):
        iplen = struct.unpack_from("!H", frame, 16)[0]
        end = min(len(frame), 14 + iplen)
        bit = self.rng.randrange(8 * (end - 14))
        b = bytearray(frame)
        b[14 + bit // 8] ^= 1 << (bit % 8)
        return bytes(b)

    def arrive(self, direction, frame):
        c = self.count[direction]
        c["frames"] += 1
        a = self.a
        if (not self.on or len(frame) < 34 or
                struct.unpack_from("!H", frame, 12)[0] != ETH_P_IP):
            self.send(direction, frame)
            return
        if self.chance(a.loss):
            c["lost"] += 1
            return
        copies = 1
        if self.chance(a.duplicate):
            c["dup"] += 1
            copies = 2
        for i in range(copies):
            f = frame
            if self.chance(a.corrupt):
                c["corrupt"] += 1
                f = self.corrupt(f)
            ahead = i == 0 and self.chance(a.reorder)
            if ahead:
                c["ahead"] += 1
            self.later(direction, f, ahead)

    def send(self, direction, frame):
        try:
            if direction == H2G:
                self.sock.sendto(frame, self.peer)
            else:
                os.write(self.tap, frame)
        except (BlockingIOError, ConnectionRefusedError):
            # A full socket, or QEMU not listening yet: dropped, as a
            # full queue or a down link drops.
            self.count[direction]["overflow"] += 1

    def flush(self):
        now = time.monotonic()
        while self.queue and self.queue[0][0] <= now:
            _, _, direction, frame = heapq.heappop(self.queue)
            self.send(direction, frame)
        return self.queue[0][0] - now if self.queue else None

    def stats(self):
        return "stats " + "; ".join(
            NAMES[d] + " " + " ".join("%s=%d" % (k, self.count[d][k])
                                      for k in FIELDS)
            for d in (H2G, G2H))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("tap")
    p.add_argument("port", type=int)
    p.add_argument("--loss", type=float, default=0)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--jitter", type=float, default=0)
    p.add_argument("--reorder", type=float, default=0)
    p.add_argument("--duplicate", type=float, default=0)
    p.add_argument("--corrupt", type=float, default=0)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--off", action="store_true")
    args = p.parse_args()

    tap = open_tap(args.tap)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    sock.bind(("127.0.0.1", args.port))
    sock.setblocking(False)
    peer = ("127.0.0.1", args.port + 1)
    link = Link(args, tap, sock, peer)
    print("ready", flush=True)

    pending = b""
    while True:
        wait = link.flush()
        r, _, _ = select.select([tap, sock, 0], [], [], wait)
        if tap in r:
            for _ in range(BURST):
                try:
                    link.arrive(H2G, os.read(tap, 65536))
                except BlockingIOError:
                    break
        if sock in r:
            for _ in range(BURST):
                try:
                    frame, src = sock.recvfrom(65536)
                except (BlockingIOError, ConnectionRefusedError):
                    break
                if src == peer:
                    link.arrive(G2H, frame)
        if 0 in r:
            data = os.read(0, 4096)
            if not data:
                return
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                cmd = line.decode().strip()
                if cmd == "on":
                    link.on = True
                elif cmd == "off":
                    link.on = False
                elif cmd == "stats":
                    print(link.stats(), flush=True)
                elif cmd:
                    print("unknown command %r" % cmd, flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(1)
