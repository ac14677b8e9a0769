#!/usr/bin/env python3
# The host end of QEMU's guestfwd for test runs (tools/qemu.sh):
#
#   guestfwd=tcp:10.0.2.100:7-cmd:tools/guestfwd-relay.py
#
# QEMU spawns this program for each TCP connection the guest opens to
# 10.0.2.100:7, with the connection on stdin, stdout and stderr. It
# connects to 127.0.0.1:(KITE_PORT_BASE + 5) and copies bytes both ways.
# An end of stream on one side becomes a half-close (shutdown) on the
# other, so a host server that closes makes the guest see a FIN; the
# program exits when both directions have ended. No server listening:
# it exits at once, and the guest sees its connection closed.
#
# Why not the chardev form (guestfwd=...-tcp:127.0.0.1:PORT): QEMU opens
# that chardev once, at start-up, and fails to start when nothing is
# listening yet; and it never passes the host's close on to the guest
# (libslirp has no way to), so a guest client could not see the end.
import os
import select
import socket
import sys


def main():
    # stderr is the guest's connection too: keep tracebacks off it.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    port = int(os.environ["KITE_PORT_BASE"]) + 5
    guest = socket.socket(fileno=os.dup(0))
    os.close(0)
    os.close(1)
    try:
        host = socket.create_connection(("127.0.0.1", port), timeout=10)
    except OSError:
        return 1
    host.settimeout(None)
    # Each direction: source -> destination, open while True.
    open_ = {guest: host, host: guest}
    while open_:
        ready, _, _ = select.select(list(open_), [], [])
        for src in ready:
            dst = open_[src]
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if data:
                try:
                    dst.sendall(data)
                    continue
                except OSError:
                    pass
            del open_[src]
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
