"""The physical-limit row of `make bench`: how many frames per second QEMU
delivers to a Kite guest whose driver only counts and drops them (Kite's
`netsink` command, kernel/shell/cmd_netsink.c).

    unshare --net python3 tools/bench/physlimit.py ARCH NIC SECS LOG NETNS

NETNS: the caller's own network namespace (readlink /proc/self/ns/net),
which this one must not be.

Prints one JSON line: {"frames", "bytes", "ms", "sent", "secs"} or
{"error": why}.

QEMU's user network cannot be the source here: slirp forwards one UDP
datagram per main-loop pass, far below what the NIC takes (and so does
the socket netdev's udp= mode). The frames come from a host TCP stream
into QEMU's socket netdev instead (-netdev socket,listen=...: each frame
a 4-byte big-endian length and the frame), which QEMU reads many frames
at a time and hands to the NIC as fast as the guest takes them, pausing
the stream when its receive ring is full. That traffic never leaves a
network namespace made for this run: the script refuses to start unless
it is in a namespace other than its caller's with no interface but lo,
and sends only to 127.0.0.1 there.
"""

import json
import os
import re
import shlex
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, HERE)

from guest import Guest, GuestError  # noqa: E402

DEVICE = {"virtio-mmio": "virtio-net-device", "virtio-pci": "virtio-net-pci",
          "e1000": "e1000"}
QEMU_PORT = 47001	# on 127.0.0.1 inside the namespace
GUEST_MAC = bytes.fromhex("525400123456")	# QEMU's default
# 14-byte header, a local experimental ethertype (IEEE 802 0x88B5) that
# no stack takes for its own, 1500 bytes of payload: 1514 bytes.
FRAME = (GUEST_MAC + bytes.fromhex("525400abcdef") + b"\x88\xb5" +
         b"\x5a" * 1500)


def in_private_netns(callers):
    """True only in a network namespace other than the caller's whose
    only interface is loopback (asked of the kernel by netlink: /sys
    still shows the namespace it was mounted in)."""
    try:
        mine = os.readlink("/proc/self/ns/net")
        names = [n for _, n in socket.if_nameindex()]
    except OSError:
        return False
    return mine != callers and names == ["lo"]


def blast(s, secs, sent):
    """Frames into QEMU's stream for secs seconds; how many went."""
    burst = (struct.pack(">I", len(FRAME)) + FRAME) * 64
    n, end = 0, time.monotonic() + secs
    while time.monotonic() < end:
        s.sendall(burst)
        n += 64
    sent.append(n)


def qemu_argv(arch, nic):
    line = subprocess.run(["tools/qemu.sh", "print", arch, "none"],
                          cwd=ROOT, check=True, stdout=subprocess.PIPE,
                          text=True).stdout
    argv = shlex.split(line)
    i = argv.index("-nic")
    del argv[i:i + 2]
    if nic == "virtio-mmio":
        argv += ["-global", "virtio-mmio.force-legacy=false"]
    return argv + [
        "-netdev", "socket,id=n0,listen=127.0.0.1:%d" % QEMU_PORT,
        "-device", "%s,netdev=n0" % DEVICE[nic],
        "-append", "ip=10.0.2.15/24"]


def main(arch, nic, secs, log, callers_netns):
    if not in_private_netns(callers_netns):
        return {"error": "not in a private network namespace: refusing "
                         "to send (run under unshare --net)"}
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    g = Guest(qemu_argv(arch, nic), rb"\nkite> ", log, cwd=ROOT)
    try:
        g.expect(rb"\nkite> ", 60)
        if "netsink " not in g.run("help"):
            return {"error": "no netsink command in this Kite build"}
        s = socket.create_connection(("127.0.0.1", QEMU_PORT), timeout=30)
        sent = []
        t = threading.Thread(target=blast, args=(s, secs + 1.0, sent))
        t.start()
        time.sleep(0.4)
        out = g.run("netsink %d" % int(secs * 1000), timeout=secs + 30)
        t.join()
        s.close()
        m = re.search(r"netsink: (\d+) frames, (\d+) bytes in (\d+) ms",
                      out)
        if not m:
            return {"error": "netsink said %r" % out}
        return {"frames": int(m.group(1)), "bytes": int(m.group(2)),
                "ms": int(m.group(3)), "sent": sent[0], "secs": secs + 1.0}
    except GuestError as e:
        return {"error": str(e)}
    finally:
        g.close()


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], float(sys.argv[3]),
                          sys.argv[4], sys.argv[5])))
