#!/usr/bin/env python3
"""The host side of tests/boot/tapstress.exp: a real Linux TCP peer of the
guest at 10.0.3.2 on the tap link tools/netns-run.sh makes.

  tapstress.py transfers TAG ECHO-CONNS SIZE
  tapstress.py orphans TAG CONNS MAX-ORPHANS
  tapstress.py concurrent TAG HELD EXTRA
  tapstress.py cycles TAG COUNT PARALLEL

Every check prints "PASS name (note)" or "FAIL name: why", the name
saying what it proves; other lines start with "info". orphans and
concurrent keep their connections open across the guest-side checks
the .exp script makes meanwhile: each waits for a line on stdin
("report" and "release") before it goes on.

Nothing is sent unless this runs inside a network namespace named
kite-* whose only links are lo and tap0: from the machine's own
namespace the same address could leave the machine.
"""
import hashlib
import os
import re
import resource
import select
import socket
import struct
import subprocess
import sys
import threading
import time

GUEST = "10.0.3.2"
ECHO, DISCARD, CHARGEN = 7, 9, 19

# Linux's TCP states (include/net/tcp_states.h), as TCP_INFO gives them.
TCP_FIN_WAIT2, TCP_CLOSE = 5, 7

tag = sys.argv[2] if len(sys.argv) > 2 else "?"


def out(line):
    print(line, flush=True)


def check(name, ok, note):
    if ok:
        out("PASS %s_%s%s" % (tag, name, " (%s)" % note if note else ""))
    else:
        out("FAIL %s_%s: %s" % (tag, name, note))
    return ok


def inside_own_namespace():
    ns = subprocess.run(["ip", "netns", "identify"], capture_output=True,
                        text=True).stdout.strip()
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True,
                           text=True).stdout
    others = [n for n in re.findall(r"^\d+: ([^:@]+)", links, re.M)
              if n not in ("lo", "tap0")]
    return ns.startswith("kite-") and not others, ns, others


def read_exactly(s, n):
    got = bytearray()
    while len(got) < n:
        b = s.recv(n - len(got))
        if not b:
            raise OSError("end of stream after %d of %d bytes" % (len(got), n))
        got.extend(b)
    return bytes(got)


def tcp_state(s):
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


# --- transfers --------------------------------------------------------------

def chargen_cycle():
    """One cycle of the guest's chargen stream (kernel/services/services.c, RFC
    864): 95 lines of 72 characters, line n starting at character n, each
    ended by CR LF. The stream starts at line 0 and repeats the cycle."""
    chars = bytes(range(32, 127))
    return b"".join(bytes(chars[(n + i) % 95] for i in range(72)) + b"\r\n"
                    for n in range(95))


def transfers(echo_conns, size, link="impaired_link"):
    """echo_conns echo connections, one discard and one chargen, all at
    once, SIZE bytes each way on each; per stream "ok SECONDS" or why.
    link names the kind of link in the checks' names."""
    deadline = time.monotonic() + 150
    res = {}

    def echo(name):
        data = os.urandom(size)
        got = hashlib.sha256()
        n = [0]
        t0 = time.monotonic()
        try:
            s = socket.create_connection((GUEST, ECHO), timeout=60)
        except OSError as e:
            res[name] = "connect: %s" % e
            return

        def rx():
            try:
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    got.update(b)
                    n[0] += len(b)
            except OSError as e:
                res[name] = "recv after %d bytes: %s" % (n[0], e)
        t = threading.Thread(target=rx, daemon=True)
        t.start()
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            res[name] = "send: %s" % e
        t.join(max(deadline - time.monotonic(), 1))
        s.close()
        if name in res:
            return
        if t.is_alive():
            res[name] = "no end of stream after %d bytes" % n[0]
        elif got.digest() != hashlib.sha256(data).digest():
            res[name] = "%d bytes sent, %d back, SHA-256 differs" % (size, n[0])
        else:
            res[name] = "ok %.1f" % (time.monotonic() - t0)

    def discard(name):
        t0 = time.monotonic()
        try:
            s = socket.create_connection((GUEST, DISCARD), timeout=60)
            s.sendall(os.urandom(size))
            s.shutdown(socket.SHUT_WR)
            s.settimeout(max(deadline - time.monotonic(), 1))
            end = s.recv(1)
            s.close()
        except OSError as e:
            res[name] = str(e)
            return
        if end != b"":
            res[name] = "discard sent data: %r" % end
        else:
            res[name] = "ok %.1f" % (time.monotonic() - t0)

    def chargen(name):
        cycle = chargen_cycle()
        t0 = time.monotonic()
        n = 0
        try:
            s = socket.create_connection((GUEST, CHARGEN), timeout=60)
            while n < size:
                b = s.recv(min(65536, size - n))
                if not b:
                    res[name] = "end of stream after %d bytes" % n
                    return
                off = n % len(cycle)
                want = (cycle[off:] + cycle * (len(b) // len(cycle) + 1))[:len(b)]
                if b != want:
                    i = next(i for i in range(len(b)) if b[i] != want[i])
                    res[name] = "byte %d is %r, RFC 864 says %r" % (
                        n + i, b[i:i + 1], want[i:i + 1])
                    return
                n += len(b)
            s.close()	# unread data: a reset, which chargen expects
        except OSError as e:
            res[name] = "after %d bytes: %s" % (n, e)
            return
        res[name] = "ok %.1f" % (time.monotonic() - t0)

    names = ["echo%d" % i for i in range(echo_conns)]
    # Daemons: one stuck past the deadline does not keep the process.
    ts = [threading.Thread(target=echo, args=(n,), daemon=True)
          for n in names]
    ts.append(threading.Thread(target=discard, args=("discard",),
                               daemon=True))
    ts.append(threading.Thread(target=chargen, args=("chargen",),
                               daemon=True))
    t0 = time.monotonic()
    for t in ts:
        t.start()
    for t in ts:
        t.join(max(deadline - time.monotonic(), 1))
    total = time.monotonic() - t0
    for n in names + ["discard", "chargen"]:
        res.setdefault(n, "no result within the deadline")
    mib = size / (1 << 20)
    sz = "%gMiB" % mib
    ok = all(res[n].startswith("ok") for n in names)
    check("%s_echo_%dx%s_concurrent_intact_by_sha256"
          % (link, echo_conns, sz), ok,
          ", ".join("%s %s s" % (n, res[n][3:]) for n in names) if ok else
          "; ".join("%s: %s" % (n, res[n]) for n in names))
    r = res["discard"]
    check("%s_discard_takes_%s_and_closes_cleanly" % (link, sz),
          r.startswith("ok"), r[3:] + " s" if r.startswith("ok") else r)
    r = res["chargen"]
    check("%s_chargen_%s_byte_exact_rfc864_lines" % (link, sz),
          r.startswith("ok"), r[3:] + " s" if r.startswith("ok") else r)
    out("info transfers took %.1f s" % total)


# --- orphans ----------------------------------------------------------------

def orphans(conns, max_orphans):
    """conns echo connections that make the guest close with data it
    cannot send: each sends 32 KiB with a receive buffer too small to
    take the echo, half-closes and never reads. The guest's echo thread
    reads it all, queues the echo (its 64 KiB send ring holds it), sees
    end of stream and closes: an orphan in LAST-ACK facing a zero window,
    or, over tcp_max_orphans, a reset. The host sockets stay open."""
    socks = []
    data = os.urandom(32 * 1024)
    for i in range(conns):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(10)
        try:
            s.connect((GUEST, ECHO))
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            check("orphan_flood_connections_open", False,
                  "connection %d: %s" % (i, e))
            return
        socks.append(s)
    # Settled: the guest has reset what it will reset at close (each
    # host socket is then CLOSE, or FIN-WAIT-2 waiting for a FIN behind
    # the echo it does not read); a second longer shows no late resets.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        states = [tcp_state(s) for s in socks]
        if sum(st == TCP_CLOSE for st in states) >= conns - max_orphans:
            break
        time.sleep(0.2)
    time.sleep(1)
    t0 = time.monotonic()
    states = [tcp_state(s) for s in socks]
    reset = sum(st == TCP_CLOSE for st in states)
    waiting = sum(st == TCP_FIN_WAIT2 for st in states)
    check("orphans_over_tcp_max_orphans_%d_are_reset_at_close" % max_orphans,
          reset == conns - max_orphans and waiting == max_orphans,
          "%d connections: %d reset at once, %d left waiting on the "
          "guest's orphans" % (conns, reset, waiting))
    out("flooded")

    # Watch the survivors: the guest must reset each within its maximum
    # linger (TCP_ORPHAN_LINGER, 60 s) of the close.
    left = {s: None for s, st in zip(socks, states) if st != TCP_CLOSE}
    stop = threading.Event()

    def watch():
        while not stop.is_set() and any(v is None for v in left.values()):
            for s in left:
                if left[s] is None and tcp_state(s) == TCP_CLOSE:
                    left[s] = time.monotonic() - t0
            stop.wait(0.25)
    w = threading.Thread(target=watch)
    w.start()
    sys.stdin.readline()		# "report"
    w.join(max(t0 + 75 - time.monotonic(), 0))
    stop.set()
    w.join()
    times = [v for v in left.values() if v is not None]
    # A reset lost on the way (if the link was impaired then) leaves a
    # host socket waiting. Reading opens its window: a guest that has
    # forgotten the connection answers the window update with a reset,
    # one still holding it sends the echo and its FIN.
    gone, alive = 0, 0
    for s in [s for s, v in left.items() if v is None]:
        s.settimeout(3)
        try:
            while s.recv(65536):
                pass
            alive += 1
        except ConnectionResetError:
            gone += 1
        except OSError:
            alive += 1
    # Reset neither early (they linger as long as allowed) nor late.
    ok = (not alive and len(times) + gone == len(left) and
          (not times or (min(times) >= 50 and max(times) <= 75)))
    note = "%d of %d reset by the guest" % (len(times), len(left))
    if times:
        note += ", %.1f to %.1f s after the close" % (min(times), max(times))
    if gone:
        note += "; %d more found gone when read (their reset lost)" % gone
    if alive:
        note += "; %d still held by the guest %.0f s after the close" % (
            alive, time.monotonic() - t0)
    check("orphans_reset_by_guest_within_their_60s_linger", ok, note)
    for s in socks:
        s.close()


# --- concurrent -------------------------------------------------------------

def concurrent(held, extra):
    """held echo connections open at once, each proved by its own round
    trip; then extra more at once, beyond what the guest can serve: the
    first few are served (and stay open), the rest wait in the backlog
    or for a SYN retransmission. Prints "limit N", what was served at
    once, and waits for the guest to be looked at (stdin "release").
    Then everything served closes, and every extra connection must be
    served in turn, closing to make room for the next (or be refused
    cleanly: never left hanging); last a fresh connection."""
    socks = []
    t0 = time.monotonic()
    try:
        for i in range(held):
            s = socket.create_connection((GUEST, ECHO), timeout=10)
            socks.append(s)
            token = b"held %d\n" % i
            s.sendall(token)
            if read_exactly(s, len(token)) != token:
                raise OSError("connection %d: other bytes echoed" % i)
    except OSError as e:
        check("guest_serves_%d_concurrent_echo_connections" % held, False,
              "after %d: %s" % (len(socks), e))
        return
    check("guest_serves_%d_concurrent_echo_connections" % held, True,
          "opened one by one in %.1f s" % (time.monotonic() - t0))

    # The extra ones, all at once: non-blocking connects, then a token on
    # each as soon as it is connected.
    pend = {}
    for i in range(extra):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((GUEST, ECHO))
        pend[s] = {"i": i, "state": "connecting", "got": b""}
    token = lambda i: b"extra %d\n" % i

    def progress(until, closing):
        while time.monotonic() < until:
            conn = [s for s, v in pend.items() if v["state"] == "connecting"]
            rd = [s for s, v in pend.items() if v["state"] == "sent"]
            if not conn and not rd:
                return
            # poll, not select: descriptors here go past FD_SETSIZE.
            p = select.poll()
            for s in conn:
                p.register(s, select.POLLOUT)
            for s in rd:
                p.register(s, select.POLLIN)
            by_fd = {s.fileno(): s for s in conn + rd}
            ready = [(by_fd[fd], ev) for fd, ev in p.poll(200)]
            w = [s for s, ev in ready if pend[s]["state"] == "connecting"]
            r = [s for s, ev in ready if pend[s]["state"] == "sent"]
            for s in w:
                v = pend[s]
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    v["state"] = "refused: " + os.strerror(err)
                    continue
                try:
                    s.send(token(v["i"]))
                    v["state"] = "sent"
                except OSError as e:
                    v["state"] = "refused: %s" % e
            for s in r:
                v = pend[s]
                try:
                    b = s.recv(100)
                except OSError as e:
                    v["state"] = "refused: %s" % e
                    continue
                if not b:
                    v["state"] = "closed before the echo"
                    continue
                v["got"] += b
                if v["got"] == token(v["i"]):
                    v["state"] = "served"
                    if closing:
                        s.close()	# its place goes to the next
                elif not token(v["i"]).startswith(v["got"]):
                    v["state"] = "other bytes echoed"

    def tally():
        c = {}
        for v in pend.values():
            k = v["state"].split(":")[0]
            c[k] = c.get(k, 0) + 1
        return c

    progress(time.monotonic() + 3, False)
    c = tally()
    out("info extra %s" % " ".join("%s=%d" % kv for kv in sorted(c.items())))
    out("limit %d" % (held + c.get("served", 0)))
    sys.stdin.readline()		# "release"

    for s in socks:
        s.close()
    t1 = time.monotonic()
    progress(t1 + 30, True)
    c = tally()
    hung = [v["i"] for v in pend.values()
            if v["state"] in ("connecting", "sent")]
    wrong = [v["i"] for v in pend.values()
             if v["state"] in ("other bytes echoed", "closed before the echo")]
    check("connections_beyond_the_limit_are_served_once_others_close",
          not hung and not wrong,
          " ".join("%s=%d" % kv for kv in sorted(c.items())) +
          (", %.1f s after the release" % (time.monotonic() - t1))
          if not hung and not wrong else
          "%s; hanging: %s; wrong: %s" % (c, hung[:10], wrong[:10]))
    for s in pend:
        s.close()
    try:
        s = socket.create_connection((GUEST, ECHO), timeout=10)
        s.sendall(b"after\n")
        ok = read_exactly(s, 6) == b"after\n"
        s.shutdown(socket.SHUT_WR)
        ok = ok and s.recv(1) == b""
        s.close()
        check("guest_serves_a_new_connection_after_the_overload", ok,
              "" if ok else "wrong echo or no end of stream")
    except OSError as e:
        check("guest_serves_a_new_connection_after_the_overload", False,
              str(e))


# --- cycles -----------------------------------------------------------------

def cycles(count, parallel):
    """count short echo connections, parallel at a time: connect, one
    round trip, close. The host closes first, so its side keeps the
    TIME-WAIT and the guest's ends in LAST-ACK, then nothing."""
    bad = []
    done = [0]
    lock = threading.Lock()

    def worker(k):
        for i in range(k, count, parallel):
            token = b"%d\n" % i
            try:
                s = socket.create_connection((GUEST, ECHO), timeout=10)
                s.sendall(token)
                if read_exactly(s, len(token)) != token:
                    raise OSError("other bytes echoed")
                s.close()
            except OSError as e:
                with lock:
                    bad.append("cycle %d: %s" % (i, e))
                if len(bad) > 10:
                    return
                continue
            with lock:
                done[0] += 1
    t0 = time.monotonic()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(parallel)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check("%d_connect_echo_close_cycles_all_served" % count,
          not bad and done[0] == count,
          "%d at a time, %.1f s" % (parallel, time.monotonic() - t0)
          if not bad else "%d served; %s" % (done[0], "; ".join(bad[:3])))


def main():
    # Each connection is a descriptor: allow more than the usual 1024.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 8192 if hard == resource.RLIM_INFINITY else min(8192, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    ok, ns, others = inside_own_namespace()
    if not ok:
        out("FAIL %s_host_client_runs_inside_its_own_network_namespace: "
            "namespace '%s', other links %s: refusing to send" % (tag, ns, others))
        sys.exit(1)
    cmd, args = sys.argv[1], [int(a) for a in sys.argv[3:]]
    {"transfers": transfers, "orphans": orphans, "concurrent": concurrent,
     "cycles": cycles}[cmd](*args)


if __name__ == "__main__":
    main()
