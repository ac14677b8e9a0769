"""The host side of `make bench`: python3 clients of the guests' small TCP
services, through QEMU's hostfwd on 127.0.0.1 only (user networking with
restrict=on). Every loop is bounded in count and in time.

    discard_in(port, secs)    TCP host->guest: bytes/s, counted until the
                              guest has read them all (its close after our
                              half-close)
    chargen_out(port, secs)   TCP guest->host: bytes/s received
    ping_pong(port, n, secs)  up to n 1-byte round trips on echo,
                              TCP_NODELAY: (per second, median s, p99 s)
    accept_rate(port, n, secs) short connections on echo, each proved by
                              one round trip: connections/s
    hold(port, n)             n idle echo connections, each proved by a
                              round trip, returned open
    http_close(port, n)       n HTTP requests with Connection: close, the
                              guest closing first (it keeps TIME_WAIT)
    udp_blast(port, secs)     1472-byte UDP datagrams as fast as we can:
                              datagrams sent
    iperf3(port, secs, reverse) the stock iperf3 client: (bytes/s, None)
                              or (None, why)
"""

import json
import socket
import statistics
import subprocess
import time

HOST = "127.0.0.1"	# the only address bench sends to
CHUNK = 256 * 1024	# one send() or recv()
TIMEOUT = 30


def _conn(port, nodelay=False):
    s = socket.create_connection((HOST, port), timeout=TIMEOUT)
    if nodelay:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def _round_trip(s, byte=b"x"):
    s.sendall(byte)
    got = s.recv(1)
    if got != byte:
        raise OSError("echo gave %r" % got)


def discard_in(port, secs):
    data = b"\xa5" * CHUNK
    s = _conn(port)
    sent, start = 0, time.monotonic()
    while time.monotonic() - start < secs:
        s.sendall(data)
        sent += len(data)
    s.shutdown(socket.SHUT_WR)
    # The guest closes once it has read everything up to our FIN.
    while s.recv(CHUNK):
        pass
    took = time.monotonic() - start
    s.close()
    return sent / took


def chargen_out(port, secs):
    s = _conn(port)
    first = s.recv(CHUNK)
    if not first:
        raise OSError("chargen closed at once")
    got, start = 0, time.monotonic()
    while True:
        b = s.recv(CHUNK)
        if not b:
            raise OSError("chargen closed after %d bytes" % got)
        got += len(b)
        took = time.monotonic() - start
        if took >= secs:
            break
    s.close()
    return got / took


def ping_pong(port, n, secs, warmup=50):
    s = _conn(port, nodelay=True)
    for _ in range(warmup):
        _round_trip(s)
    rts, stop = [], time.monotonic() + secs
    while len(rts) < n and time.monotonic() < stop:
        t = time.perf_counter()
        _round_trip(s)
        rts.append(time.perf_counter() - t)
    s.close()
    rts.sort()
    return (len(rts) / sum(rts), statistics.median(rts),
            rts[min(len(rts) - 1, int(len(rts) * 0.99))])


def accept_rate(port, n, secs):
    """Sequential: QEMU's hostfwd takes one connect at a time anyway."""
    done, start = 0, time.monotonic()
    while done < n and time.monotonic() - start < secs:
        s = _conn(port, nodelay=True)
        _round_trip(s)
        s.close()
        done += 1
    return done / (time.monotonic() - start)


def hold(port, n):
    socks = []
    try:
        for _ in range(n):
            s = _conn(port, nodelay=True)
            socks.append(s)
            _round_trip(s)
    except OSError:
        for s in socks:
            s.close()
        raise
    return socks


def http_close(port, n):
    req = (b"GET /proc/version HTTP/1.1\r\nHost: bench\r\n"
           b"Connection: close\r\n\r\n")
    for _ in range(n):
        s = _conn(port)
        s.sendall(req)
        got = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
        s.close()
        if not got.startswith(b"HTTP/1.1 200"):
            raise OSError("HTTP answer %r" % got[:40])


def udp_blast(port, secs, size=1472):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    data = b"\x5a" * size
    sent, start = 0, time.monotonic()
    while True:
        for _ in range(256):
            try:
                s.sendto(data, (HOST, port))
                sent += 1
            except BlockingIOError:
                time.sleep(0.0001)
        if time.monotonic() - start >= secs:
            break
    s.close()
    return sent


def iperf3(port, secs, reverse=False):
    """(bytes/s, None), or (None, why)."""
    argv = ["iperf3", "-c", HOST, "-p", str(port), "-t", str(secs), "-J",
            "--connect-timeout", "3000"]
    if reverse:
        argv.append("-R")
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=secs + 20)
        try:
            # iperf3 may print a WARNING line before its JSON.
            r = json.loads(p.stdout[p.stdout.find(b"{"):])
        except ValueError:
            return None, "exit status %d, not JSON: %r" % (
                p.returncode, p.stdout[:200])
        if p.returncode != 0 or "error" in r:
            return None, r.get("error", "exit status %d" % p.returncode)
        return r["end"]["sum_received"]["bits_per_second"] / 8, None
    except (OSError, ValueError, KeyError, subprocess.TimeoutExpired) as e:
        return None, "%s: %s" % (type(e).__name__, e)
