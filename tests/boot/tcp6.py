#!/usr/bin/python3
"""TCP over IPv6 from the host side of the tap link, for tests/boot/tap.exp.

    tcp6.py echo ADDR[%IFACE] SIZE
        SIZE bytes of random data through the guest's echo service
        (port 7), written and read at once. Prints "ok N bytes back
        intact, sha256 X, local port P" (or "BAD ..."), then holds the
        connection open until a line comes on stdin, sends its FIN and
        prints "closed" once the guest's end of stream follows.
    tcp6.py http ADDR[%IFACE]
        GET / (HTTP/1.1, Connection: close) from the guest's port 80.
        Prints "status S, N bytes, title yes|no, local port P".
    tcp6.py services ADDR[%IFACE]
        discard (9) takes 64 KiB and sends nothing back; chargen (19)
        sends RFC 864's lines. Prints "ok" or what was wrong.
    tcp6.py iperf3 ADDR
        Debian's iperf3 client for 1 s against the guest's port 5201.
        Prints "ok N Mbit/s" or what was wrong.
    tcp6.py serve PORT COUNT
        Listens on [::]:PORT for COUNT connections, one after another:
        prints "LISTENING", then for each "from ADDR", reads a line,
        prints "GOT [line]", answers "host got LINE" and closes.
    tcp6.py connect ADDR[%IFACE] PORT
        Connects, sends "line from the host", prints the first line
        that comes back as "GOT [...]" and closes.

Every socket times out after 30 s. Exits 1 with a line saying why on
any failure.

Network safety: before anything is sent this checks, as ping6.py does,
that it runs in a namespace named kite-* whose only links are lo and
tap0, and that ADDR is the guest's: in fd00:3::/64, link-local on tap0,
or its IPv4 address 10.0.3.2 (a dual-stack listener's IPv4 peer). From
the machine's own namespace the same addresses could leave the machine.
"""
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading

TIMEOUT = 30
CHARGEN_LINE = 72


def inside_own_namespace():
    try:
        ns = subprocess.run(["ip", "netns", "identify"], capture_output=True,
                            text=True, check=False).stdout.strip()
    except OSError:
        return False
    links = set(os.listdir("/sys/class/net"))
    return ns.startswith("kite-") and links <= {"lo", "tap0"}


def guest_address(dest):
    addr, _, zone = dest.partition("%")
    return (addr.startswith("fd00:3::") or addr == "10.0.3.2" or
            (addr.startswith("fe80:") and zone == "tap0"))


def die(why):
    print(why, flush=True)
    sys.exit(1)


def connect(dest, port):
    if not guest_address(dest):
        die("refusing to connect to %s" % dest)
    fam = socket.AF_INET if dest == "10.0.3.2" else socket.AF_INET6
    to = socket.getaddrinfo(dest, port, fam, socket.SOCK_STREAM)[0][4]
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.connect(to)
    return s


def recv_all(s):
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            return got
        got += b


def echo(dest, size):
    s = connect(dest, 7)
    data = os.urandom(size)
    sender = threading.Thread(target=s.sendall, args=(data,))
    sender.start()
    h, n = hashlib.sha256(), 0
    try:
        while n < size:
            b = s.recv(65536)
            if not b:
                break
            h.update(b)
            n += len(b)
    except OSError as e:
        die("BAD after %d of %d bytes: %s" % (n, size, e))
    sender.join()
    digest = h.hexdigest()
    if n != size or digest != hashlib.sha256(data).hexdigest():
        die("BAD %d of %d bytes back, sha256 %s" % (n, size, digest))
    print("ok %d bytes back intact, sha256 %s, local port %d" %
          (n, digest[:16], s.getsockname()[1]), flush=True)
    sys.stdin.readline()
    s.shutdown(socket.SHUT_WR)
    print("closed" if recv_all(s) == b"" else "BAD data after the echo",
          flush=True)
    s.close()


def http(dest):
    s = connect(dest, 80)
    host = "[%s]" % dest.partition("%")[0]
    s.sendall(b"GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" %
              host.encode())
    resp = recv_all(s)
    head, _, body = resp.partition(b"\r\n\r\n")
    status = head.split(b" ")[1].decode() if b" " in head else "?"
    print("status %s, %d bytes, title %s, local port %d" %
          (status, len(body), "yes" if b"<h1>Kite</h1>" in body else "no",
           s.getsockname()[1]), flush=True)
    s.close()


def services(dest):
    s = connect(dest, 9)
    s.sendall(os.urandom(65536))
    s.shutdown(socket.SHUT_WR)
    back = recv_all(s)
    s.close()
    if back:
        die("discard sent %d bytes back" % len(back))
    s = connect(dest, 19)
    want = b"".join(bytes(32 + (n + i) % 95 for i in range(CHARGEN_LINE)) +
                    b"\r\n" for n in range(3))
    got = b""
    while len(got) < len(want):
        b = s.recv(len(want) - len(got))
        if not b:
            break
        got += b
    s.close()
    if got != want:
        die("chargen sent %r" % got[:80])
    print("ok", flush=True)


def iperf3(dest):
    if not guest_address(dest):
        die("refusing to connect to %s" % dest)
    r = subprocess.run(["iperf3", "-c", dest, "-t", "1", "-J"],
                       capture_output=True, text=True, timeout=TIMEOUT)
    try:
        bps = json.loads(r.stdout)["end"]["sum_received"]["bits_per_second"]
    except (ValueError, KeyError):
        die("iperf3 failed: %s" % (r.stdout + r.stderr)[-300:])
    print("ok %.1f Mbit/s" % (bps / 1e6), flush=True)


def serve(port, count):
    l = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("::", port))
    l.listen(1)
    l.settimeout(TIMEOUT)
    print("LISTENING", flush=True)
    for _ in range(count):
        c, peer = l.accept()
        c.settimeout(TIMEOUT)
        zone = "%" + socket.if_indextoname(peer[3]) if peer[3] else ""
        print("from %s%s" % (peer[0], zone), flush=True)
        line = c.makefile("rb").readline().rstrip(b"\n").decode("latin-1")
        print("GOT [%s]" % line, flush=True)
        c.sendall(b"host got %s\n" % line.encode("latin-1"))
        c.close()


def connect_line(dest, port):
    s = connect(dest, port)
    s.sendall(b"line from the host\n")
    line = s.makefile("rb").readline().rstrip(b"\n").decode("latin-1")
    print("GOT [%s]" % line, flush=True)
    s.close()


def main():
    if not inside_own_namespace():
        die("refusing: not inside a kite-* namespace with only lo and tap0")
    cmd, args = sys.argv[1], sys.argv[2:]
    try:
        if cmd == "echo":
            echo(args[0], int(args[1]))
        elif cmd == "http":
            http(args[0])
        elif cmd == "services":
            services(args[0])
        elif cmd == "iperf3":
            iperf3(args[0])
        elif cmd == "serve":
            serve(int(args[0]), int(args[1]))
        elif cmd == "connect":
            connect_line(args[0], int(args[1]))
        else:
            die("unknown command %s" % cmd)
    except (OSError, subprocess.TimeoutExpired) as e:
        die("%s failed: %s" % (cmd, e))


if __name__ == "__main__":
    main()
