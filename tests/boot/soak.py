#!/usr/bin/env python3
"""The host side of tests/boot/soak.exp: one round of mixed traffic to
the guest at 10.0.3.2 on the tap link tools/netns-run.sh makes.

  soak.py round TAG CYCLES

A round is, one after the other: CYCLES connect/echo/close cycles (4 at
a time), two 1 MiB echo streams with discard and chargen at once, UDP
echo of 20 datagrams of 1 to 30000 bytes (the large ones fragmented),
and 20 HTTP GETs on one persistent connection. Every check prints
"PASS name (note)" or "FAIL name: why" (tapstress.py's check()); the
host closes every connection first, so the guest keeps no TIME-WAIT.

Nothing is sent unless this runs inside a network namespace named
kite-* whose only links are lo and tap0.
"""
import os
import socket
import sys

import tapstress
from tapstress import GUEST, check, read_exactly

UDP_ECHO = 7
HTTP = 80
UDP_SIZES = (1, 64, 512, 1472, 1473, 4000, 8000, 16000, 30000, 100)


def udp_echo():
    """Each datagram back byte for byte; one resend each is allowed (UDP
    promises nothing, even on a clean link)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    bad = []
    for size in UDP_SIZES * 2:
        data = os.urandom(size)
        for attempt in range(2):
            s.sendto(data, (GUEST, UDP_ECHO))
            try:
                got, _ = s.recvfrom(65536)
            except socket.timeout:
                continue
            if got == data:
                break
        else:
            bad.append(size)
    s.close()
    check("udp_echo_%d_datagrams_up_to_30000_bytes_back_intact"
          % (2 * len(UDP_SIZES)), not bad,
          "" if not bad else "not echoed intact: sizes %s" % bad)


def http_gets(count):
    """count GETs of /proc/net/sockstat on one persistent connection,
    each a 200 with the body its Content-Length says."""
    why = ""
    try:
        s = socket.create_connection((GUEST, HTTP), timeout=10)
        f = s.makefile("rb")
        for i in range(count):
            s.sendall(b"GET /proc/net/sockstat HTTP/1.1\r\n"
                      b"Host: 10.0.3.2\r\n\r\n")
            status = f.readline()
            length = -1
            while True:
                line = f.readline()
                if line in (b"\r\n", b""):
                    break
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    length = int(v)
            body = f.read(length) if length >= 0 else b""
            if not status.startswith(b"HTTP/1.1 200 ") or \
                    b"TCP: inuse" not in body:
                why = "request %d: %r, body %r" % (i, status, body[:80])
                break
        f.close()
        s.close()
    except (OSError, ValueError) as e:
        why = str(e)
    check("http_%d_gets_on_one_persistent_connection" % count, not why, why)


def round_(cycles):
    tapstress.cycles(cycles, 4)
    tapstress.transfers(2, 1 << 20, link="clean_link")
    udp_echo()
    http_gets(20)


def main():
    ok, ns, others = tapstress.inside_own_namespace()
    if not ok:
        print("FAIL %s_host_client_runs_inside_its_own_network_namespace: "
              "namespace '%s', other links %s: refusing to send"
              % (tapstress.tag, ns, others), flush=True)
        sys.exit(1)
    if sys.argv[1] != "round":
        sys.exit("usage: soak.py round TAG CYCLES")
    round_(int(sys.argv[3]))


if __name__ == "__main__":
    main()
