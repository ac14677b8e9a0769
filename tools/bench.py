#!/usr/bin/env python3
"""`make bench`: Kite's benchmark table, against a Linux arm64 guest under
the same QEMU, with the same NICs and the same host-side clients.

    tools/bench.py [--secs S] [--no-linux] [--arch riscv64,aarch64]
                   [--nic virtio-mmio,virtio-pci,e1000]

A benchmark, not a test: it prints a table (also build/bench/table.txt,
with every figure in build/bench/results.json and each guest's console
in build/bench/*.console) and, when matplotlib is there, a plot
(build/bench/bench.png). Nothing is asserted; targets are shown beside
the figures.

Each guest boots with tools/qemu.sh's command line (user networking,
restrict=on, hostfwd on 127.0.0.1 only), plus one UDP forward (base+7 ->
guest port 9). The host talks to 127.0.0.1 and to nothing else. The
Linux guest is Debian's arm64 kernel with a busybox initramfs running
tools/bench/linux-srv.c (echo, discard, chargen, http-close) and
iperf3 -s, built and cached by tools/bench/baseline.py outside the tree
(KITE_BENCH_CACHE, default ~/.cache/kite-bench).

Rows (see README.md, Benchmark):
  boot to prompt     QEMU spawned -> shell prompt with services up (wall),
                     the guest's own clock at that point, and QEMU's own
                     start-up (spawn -> first console byte)
  TCP in / out       discard (host->guest) and chargen (guest->host),
                     python3 client, 256 KiB send/recv; iperf3 rows too
                     when Kite's iperf3 service answers on 5201
  round trips        1-byte ping-pong on echo with TCP_NODELAY: rate,
                     median, p99
  accepts            sequential short connections on echo, each proved
                     by one round trip, per second
  UDP absorbed       1514-byte frames/s the guest takes through its stack
                     (UDP to closed port 9 via slirp, /proc/net/dev)
  physical limit     1514-byte frames/s QEMU delivers to a Kite whose
                     driver counts and drops them (its `netsink`
                     command; tools/bench/physlimit.py, in a private
                     network namespace), and TCP in as a share of it
  sizes and memory   image text/data/bss, net/ code (-O2 and -Os), TCB
                     and TIME_WAIT record sizes, and measured memory per
                     idle connection and per TIME_WAIT entry
"""

import argparse
import datetime
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.join(ROOT, "tools", "bench"))

import baseline  # noqa: E402
import clients  # noqa: E402
from guest import Guest, GuestError  # noqa: E402

OUT = os.path.join(ROOT, "build", "bench")
NICS = ["virtio-mmio", "virtio-pci", "e1000"]
ARCHES = ["riscv64", "aarch64"]
N_IDLE = 128	# idle connections held for the memory rows
N_TW = 200	# TIME_WAIT entries made for the memory rows
N_RR = 3000	# round trips at most
N_ACCEPT = 500	# short connections at most
REPEAT = int(os.environ.get("BENCH_REPEAT", 2))	# discard/chargen runs
FRAME = 1514	# the frames udp_blast makes: 1472 + 8 + 20 + 14
MSS = 1460	# TCP payload of such a frame
# lwIP's struct tcp_pcb (DESIGN.md, Budgets): IPv4 only, and with IPv6,
# window scaling, timestamps and SACK. lwIP keeps it through TIME_WAIT.
LWIP_PCB_MIN, LWIP_PCB_FULL = 216, 320
BUDGET_TCB, BUDGET_TW = 256, 64	# DESIGN.md's budgets
LINUX_CMDLINE = "console=ttyAMA0 quiet"


def log(msg):
    print("bench: " + msg, flush=True)


def sh(*argv):
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE,
                          text=True, cwd=ROOT).stdout


# --- static figures --------------------------------------------------------

CROSS = {"riscv64": "riscv64-unknown-elf-", "aarch64": "aarch64-linux-gnu-"}


def image_sizes(arch):
    """text, data, bss of kite.elf (Berkeley: text includes rodata), and
    net/'s text+rodata summed over its objects (before --gc-sections)."""
    out = sh(CROSS[arch] + "size", "build/%s/kite.elf" % arch).splitlines()
    text, data, bss = (int(v) for v in out[1].split()[:3])
    objs = sorted(os.path.join("build", arch, "obj", "net", f)
                  for f in os.listdir(os.path.join(ROOT, "build", arch,
                                                   "obj", "net"))
                  if f.endswith(".o"))
    net = sum(int(l.split()[0]) for l in
              sh(CROSS[arch] + "size", *objs).splitlines()[1:])
    return {"text": text, "data": data, "bss": bss, "net_text": net,
            "bin": os.path.getsize(os.path.join(ROOT, "build", arch,
                                                "kite.bin"))}


def net_size_os(arch):
    """net/'s text+rodata compiled with -Os, as DESIGN.md's budget is
    stated: the Makefile's own compile line (make -n) with -O2 -> -Os,
    into build/bench/os-ARCH/."""
    obj = "build/%s/obj/net/ip.c.o" % arch
    line = next(l for l in sh("make", "--no-print-directory", "-n", "-B",
                              "ARCH=" + arch, obj).splitlines()
                if " -c net/ip.c " in l)
    base = ["-Os" if a == "-O2" else a for a in shlex.split(line)
            if a not in ("-MMD", "-MP", "-g")]
    outdir = os.path.join(OUT, "os-" + arch)
    os.makedirs(outdir, exist_ok=True)
    procs, objs = [], []
    for src in sorted(f for f in os.listdir(os.path.join(ROOT, "net"))
                      if f.endswith(".c")):
        argv = list(base)
        argv[argv.index("-c") + 1] = "net/" + src
        o = os.path.join(outdir, src + ".o")
        argv[argv.index("-o") + 1] = o
        objs.append(o)
        procs.append(subprocess.Popen(argv, cwd=ROOT))
        if len(procs) >= (os.cpu_count() or 2):
            procs.pop(0).wait()
    for pr in procs:
        pr.wait()
    return sum(int(l.split()[0]) for l in
               sh(CROSS[arch] + "size", *objs).splitlines()[1:])


def struct_sizes(arch):
    """sizeof(struct tcp_sock) and sizeof(struct tcp_tw) as the target's
    compiler lays them out: arrays of that size, read back with nm -S."""
    src = ('#include "net/tcp.h"\n'
           "char bench_tcp_sock[sizeof(struct tcp_sock)];\n"
           "char bench_tcp_tw[sizeof(struct tcp_tw)];\n")
    obj = os.path.join(OUT, "sizes-%s.o" % arch)
    subprocess.run([CROSS[arch] + "gcc", "-std=gnu11", "-ffreestanding",
                    "-fno-common", "-nostdinc", "-isystem",
                    "build/%s/newlib/include" % arch, "-isystem",
                    sh(CROSS[arch] + "gcc", "-print-file-name=include")
                    .strip(), "-I.", "-Ikernel/include", "-c", "-x", "c",
                    "-", "-o", obj], input=src, text=True, check=True,
                   cwd=ROOT)
    sizes = {}
    for line in sh(CROSS[arch] + "nm", "-S", obj).splitlines():
        f = line.split()
        if len(f) == 4 and f[3].startswith("bench_"):
            sizes[f[3][len("bench_"):]] = int(f[1], 16)
    return sizes


# --- guests ----------------------------------------------------------------

def qemu_argv(arch, nic, base, linux=None):
    """tools/qemu.sh's command line for ARCH NIC, with a UDP forward
    base+7 -> guest port 9 added to its user network, and for the Linux
    guest its kernel, initramfs and command line instead of Kite's."""
    env = dict(os.environ, KITE_PORT_BASE=str(base))
    line = subprocess.run(["tools/qemu.sh", "print", arch, nic], env=env,
                          cwd=ROOT, check=True, stdout=subprocess.PIPE,
                          text=True).stdout
    argv = shlex.split(line)
    for i, a in enumerate(argv):
        if a.startswith("user,restrict=on,"):
            argv[i] = a.replace(
                "user,restrict=on,",
                "user,restrict=on,hostfwd=udp:127.0.0.1:%d-:9," % (base + 7),
                1)
    if linux:
        k = argv.index("-kernel")
        argv[k:k + 2] = ["-kernel", linux.kernel, "-initrd", linux.initrd,
                         "-append", LINUX_CMDLINE]
    return argv, env


class Ports:
    def __init__(self, base):
        self.echo, self.http, self.iperf = base, base + 1, base + 2
        self.discard, self.chargen, self.udp = base + 3, base + 4, base + 7


def boot_kite(arch, nic, base, tag):
    argv, env = qemu_argv(arch, nic, base)
    g = Guest(argv, rb"\nkite> ", os.path.join(OUT, tag + ".console"),
              env=env, cwd=ROOT)
    ready = g.expect(rb"kite: ready in (\d+) ms", 60)
    prompt = g.expect(rb"\nkite> ", 30)
    r = {"boot_wall_ms": g.seen_at(prompt) * 1000,
         "boot_guest_ms": float(ready.group(1)),
         "first_byte_ms": g.first_output() * 1000}
    ver = re.search(rb"\nKite (\S+) ", g.buf)
    r["version"] = ver.group(1).decode() if ver else "?"
    if b"net: eth0 up" not in g.buf:
        g.expect(rb"net: eth0 up", 20)
    return g, r


def boot_linux(linux, nic, base, tag):
    argv, env = qemu_argv("aarch64", nic, base, linux)
    g = Guest(argv, rb"linux# ", os.path.join(OUT, tag + ".console"),
              env=env, cwd=ROOT)
    ready = g.expect(rb"bench: ready ([0-9.]+)", 120)
    prompt = g.expect(rb"linux# ", 30)
    # No first_byte_ms: a quiet kernel says nothing until /init does.
    return g, {"boot_wall_ms": g.seen_at(prompt) * 1000,
               "boot_guest_ms": float(ready.group(1)) * 1000}


def rx_packets(g):
    """eth0's received frames from /proc/net/dev (both guests)."""
    out = g.run("cat /proc/net/dev")
    m = re.search(r"^\s*eth0:\s*(\d+)\s+(\d+)", out, re.M)
    if not m:
        raise GuestError("no eth0 in /proc/net/dev: %r" % out[:200])
    return int(m.group(2))


def meminfo(g, field):
    out = g.run("cat /proc/meminfo")
    m = re.search(r"^%s:\s+(\d+) kB" % field, out, re.M)
    if not m:
        raise GuestError("no %s in /proc/meminfo" % field)
    return int(m.group(1)) * 1024


def sockstat(g):
    out = g.run("cat /proc/net/sockstat")
    m = re.search(r"^TCP: inuse (\d+) orphan (\d+) tw (\d+) alloc (\d+) "
                  r"mem (\d+)", out, re.M)
    if not m:
        raise GuestError("no TCP line in /proc/net/sockstat")
    return dict(zip(("inuse", "orphan", "tw", "alloc", "mem"),
                    (int(v) for v in m.groups())))


def slab(g):
    """Linux: bytes in active slab objects, and objsize by cache name."""
    out = g.run("cat /proc/slabinfo", timeout=60)
    total, objsize = 0, {}
    for line in out.splitlines():
        f = line.split()
        if len(f) > 4 and not line.startswith(("slabinfo", "#")):
            try:
                active, size = int(f[1]), int(f[3])
            except ValueError:
                continue
            total += active * size
            objsize[f[0]] = size
    return total, objsize


def settle(g, inuse, read, tol=0, secs=15):
    """Wait until the guest has finished closing what the last step
    opened: TCP inuse back to at most inuse, no orphans, and read()
    (a memory figure) within tol of itself twice running. Its last
    value."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        ss = sockstat(g)
        if ss["inuse"] <= inuse and ss["orphan"] == 0:
            break
        time.sleep(0.25)
    last = read()
    while time.monotonic() < end:
        time.sleep(0.5)
        now = read()
        if abs(now - last) <= tol:
            break
        last = now
    return last


def kite_reap(p):
    """Kite frees an exited thread's stack when the next thread is created
    (kernel/sched.c, reap_dead): one short echo connection (a thread of
    its own) leaves exactly one exited thread behind, before and after a
    step alike, so the heap figures compare."""
    for s in clients.hold(p.echo, 1):
        s.close()


def kite_mem(g, p, r):
    """Heap and ring bytes per idle connection and per TIME_WAIT entry."""
    inuse = sockstat(g)["inuse"]
    heap = lambda: meminfo(g, "HeapInUse")  # noqa: E731
    kite_reap(p)
    heap0, ss0 = settle(g, inuse, heap), sockstat(g)
    socks = clients.hold(p.echo, N_IDLE)
    time.sleep(0.5)
    heap1, ss1 = heap(), sockstat(g)
    for s in socks:
        s.close()
    r["idle_heap_per_conn"] = (heap1 - heap0) / N_IDLE
    r["idle_rings_per_conn"] = (ss1["mem"] - ss0["mem"]) * 4096 / N_IDLE
    r["idle_conns_seen"] = ss1["inuse"] - ss0["inuse"]
    settle(g, ss0["inuse"], heap)
    kite_reap(p)
    heap0, ss0 = settle(g, ss0["inuse"], heap), sockstat(g)
    clients.http_close(p.http, N_TW)
    kite_reap(p)
    heap1, ss1 = settle(g, ss0["inuse"], heap), sockstat(g)
    tw = ss1["tw"] - ss0["tw"]
    r["tw_seen"] = tw
    r["tw_heap_per_entry"] = (heap1 - heap0) / tw if tw > 0 else None


def linux_mem(g, p, r):
    inuse = sockstat(g)["inuse"]
    slab_bytes = lambda: slab(g)[0]  # noqa: E731
    settle(g, inuse, slab_bytes, 16384)
    slab0, sizes = slab(g)
    free0, ss0 = meminfo(g, "MemFree"), sockstat(g)
    socks = clients.hold(p.echo, N_IDLE)
    time.sleep(0.5)
    slab1, _ = slab(g)
    free1, ss1 = meminfo(g, "MemFree"), sockstat(g)
    for s in socks:
        s.close()
    r["idle_slab_per_conn"] = (slab1 - slab0) / N_IDLE
    r["idle_free_per_conn"] = (free0 - free1) / N_IDLE
    r["idle_conns_seen"] = ss1["inuse"] - ss0["inuse"]
    r["tcp_objsize"] = sizes.get("TCP")
    r["tw_objsize"] = sizes.get("tw_sock_TCP")
    slab0, ss0 = settle(g, ss0["inuse"], slab_bytes, 16384), sockstat(g)
    clients.http_close(p.http, N_TW)
    slab1, ss1 = settle(g, ss0["inuse"], slab_bytes, 16384), sockstat(g)
    tw = ss1["tw"] - ss0["tw"]
    r["tw_seen"] = tw
    r["tw_slab_per_entry"] = (slab1 - slab0) / tw if tw > 0 else None


def udp_absorb(g, p, secs, r):
    """UDP frames the guest absorbs through its stack: datagrams to its
    closed port 9 through slirp, counted in /proc/net/dev."""
    rx0 = rx_packets(g)
    t = time.monotonic()
    clients.udp_blast(p.udp, secs)
    took = time.monotonic() - t
    time.sleep(0.3)
    r["udp_stack_fps"] = (rx_packets(g) - rx0) / took


def phys_limit(arch, nic, secs, tag, r):
    """tools/bench/physlimit.py in a network namespace of its own: the
    frames QEMU delivers to a Kite whose driver counts and drops them."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        r["sink_error"] = "needs root and unshare (a private netns)"
        return
    argv = ["unshare", "--net", sys.executable,
            os.path.join(ROOT, "tools", "bench", "physlimit.py"), arch, nic,
            str(secs), os.path.join(OUT, tag + "-netsink.console"),
            os.readlink("/proc/self/ns/net")]
    try:
        out = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE,
                             text=True, timeout=secs + 120).stdout
        res = json.loads(out.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError) as e:
        res = {"error": "physlimit.py: %s" % e}
    if "error" in res:
        r["sink_error"] = res["error"]
    else:
        r["sink_fps"] = res["frames"] * 1000 / max(1, res["ms"])
        r["sink_bps"] = res["bytes"] * 1000 / max(1, res["ms"])


def measure(g, p, secs, r, iperf3, mem):
    """Everything one guest boot measures, into r. A step that fails is
    noted in r["errors"] and the others still run, unless QEMU is gone."""
    def tcp():
        # Best of REPEAT: other work on the host only ever slows a run.
        r["tcp_in"] = max(clients.discard_in(p.discard, secs)
                          for _ in range(REPEAT))

    def tcp_out():
        r["tcp_out"] = max(clients.chargen_out(p.chargen, secs)
                           for _ in range(REPEAT))

    def iperf():
        for key, rev in (("iperf3_in", False), ("iperf3_out", True)):
            # An iperf3 server takes one test at a time and may still be
            # ending the last one: a second try after a pause.
            for _ in range(2):
                time.sleep(1)
                r[key], why = clients.iperf3(p.iperf, secs, reverse=rev)
                if not why:
                    r.pop(key + "_error", None)
                    break
                r[key + "_error"] = why

    def rr():
        rate, med, p99 = clients.ping_pong(p.echo, N_RR, 2 * secs)
        r.update(rr_rate=rate, rr_median_us=med * 1e6, rr_p99_us=p99 * 1e6)

    def accepts():
        r["accept_rate"] = clients.accept_rate(p.echo, N_ACCEPT, secs)

    steps = [("discard", tcp), ("chargen", tcp_out)]
    if iperf3:
        steps.append(("iperf3", iperf))
    steps += [("round trips", rr), ("accepts", accepts)]
    if mem:
        steps.append(("memory", lambda: mem(g, p, r)))
    steps.append(("udp", lambda: udp_absorb(g, p, secs, r)))
    for name, fn in steps:
        if g.proc.poll() is not None:
            r.setdefault("errors", []).append("%s: QEMU has exited" % name)
            continue
        try:
            fn()
        except (GuestError, OSError, ValueError) as e:
            r.setdefault("errors", []).append("%s: %s" % (name, e))
            log("%s %s %s: %s: %s" % (r["guest"], r["arch"], r["nic"],
                                      name, e))


def run_guest(kind, arch, nic, base, secs, linux, want_iperf3, want_mem,
              results):
    tag = "%s-%s-%s" % (kind, arch, nic)
    log("%s: booting" % tag)
    r = {"guest": kind, "arch": arch, "nic": nic}
    results.append(r)
    t = time.monotonic()
    g = None
    try:
        if kind == "kite":
            g, b = boot_kite(arch, nic, base, tag)
        else:
            g, b = boot_linux(linux, nic, base, tag)
        r.update(b)
        p = Ports(base)
        if kind == "kite":
            r["netsink"] = "netsink " in g.run("help")
            r["iperf3_service"] = clients.iperf3(p.iperf, 1)[0] is not None
            iperf3 = r["iperf3_service"]
            mem = kite_mem if want_mem else None
        else:
            r["netsink"] = False
            iperf3 = want_iperf3
            mem = linux_mem if want_mem else None
        measure(g, p, secs, r, iperf3, mem)
    except (GuestError, OSError) as e:
        r["error"] = str(e)
        log("%s: FAILED: %s" % (tag, e))
    finally:
        if g:
            g.close("poweroff -f" if kind == "linux" else "poweroff")
    if r.get("netsink"):
        phys_limit(arch, nic, secs, tag, r)
    log("%s: done in %.0f s" % (tag, time.monotonic() - t))
    return r


# --- the table -------------------------------------------------------------

def fmt(v, unit):
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    if unit == "MB/s":
        return "%.2f" % (v / 1e6)
    if unit in ("ms", "us"):
        return "%.0f" % v if v >= 10 else "%.1f" % v
    if unit == "B":
        return "%.0f" % v
    if unit == "KiB":
        return "%.0f" % (v / 1024)
    return "%.0f" % v


def rows(results, static, linux_ok):
    """(name, arch, nic, kite, linux, unit, target, met, note)."""
    out = []
    lin = {r["nic"]: r for r in results if r["guest"] == "linux"}
    kite = [r for r in results if r["guest"] == "kite"]

    def pair(name, key, unit, target=None, need=None):
        for r in kite:
            lr = lin.get(r["nic"], {})
            k, l_ = r.get(key), lr.get(key)
            met = None
            if k is not None and need is not None:
                met = need(k, l_)
            out.append((name, r["arch"], r["nic"], k, l_, unit, target, met))

    pair("boot to prompt, wall from QEMU start", "boot_wall_ms", "ms",
         "< 100 ms", need=lambda k, l_: k < 100)
    pair("boot to prompt, guest clock", "boot_guest_ms", "ms",
         "< 100 ms", need=lambda k, l_: k < 100)
    pair("QEMU start to Kite's first console byte", "first_byte_ms", "ms")
    pair("TCP host->guest (discard)", "tcp_in", "MB/s", ">= 2x Linux",
         need=lambda k, l_: None if l_ is None else k >= 2 * l_)
    pair("TCP guest->host (chargen)", "tcp_out", "MB/s", ">= 2x Linux",
         need=lambda k, l_: None if l_ is None else k >= 2 * l_)
    if any(r.get("iperf3_service") for r in kite):
        pair("TCP host->guest (iperf3)", "iperf3_in", "MB/s", ">= 2x Linux",
             need=lambda k, l_: None if l_ is None else k >= 2 * l_)
        pair("TCP guest->host (iperf3 -R)", "iperf3_out", "MB/s",
             ">= 2x Linux",
             need=lambda k, l_: None if l_ is None else k >= 2 * l_)
    pair("1-byte round trips per second", "rr_rate", "/s")
    pair("round trip median", "rr_median_us", "us", "<= 0.5x Linux",
         need=lambda k, l_: None if l_ is None else k <= 0.5 * l_)
    pair("round trip p99", "rr_p99_us", "us")
    pair("connections accepted per second", "accept_rate", "/s")
    pair("UDP frames/s absorbed, closed port", "udp_stack_fps", "/s")
    pair("physical limit: frames/s to count+drop", "sink_fps", "/s")
    # The stack's efficiency: TCP payload against what the frame rate
    # could carry.
    for r in kite:
        fps = r.get("sink_fps")
        eff = r["tcp_in"] / (fps * MSS) if fps and r.get("tcp_in") else None
        out.append(("TCP host->guest / physical limit", r["arch"], r["nic"],
                    None if eff is None else "%.0f%%" % (eff * 100), None,
                    "", None, None))

    lmem = next((r for r in results if r["guest"] == "linux"
                 and "idle_slab_per_conn" in r), {})
    for arch in sorted(static, reverse=True):
        s = static[arch]
        km = next((r for r in kite if r["arch"] == arch
                   and ("idle_heap_per_conn" in r)), {})
        linux_image = linux_ok.image_size if linux_ok else None
        out.append(("image file (kite.bin / Linux Image)", arch, "",
                    s["bin"], linux_image, "KiB", None, None))
        out.append(("image text (incl. rodata)", arch, "", s["text"],
                    None, "KiB", None, None))
        out.append(("image data", arch, "", s["data"], None, "KiB", None,
                    None))
        out.append(("image bss", arch, "", s["bss"], None, "KiB", None,
                    None))
        out.append(("net/ code, text+rodata, -O2 (as built)", arch, "",
                    s["net_text"], None, "KiB", None, None))
        out.append(("net/ code, text+rodata, -Os", arch, "",
                    s["net_text_os"], None, "KiB", "<= 35 KiB",
                    s["net_text_os"] <= 35 * 1024))
        tcb = s["tcp_sock"]
        out.append(("TCP control block, sizeof", arch, "", tcb,
                    lmem.get("tcp_objsize"), "B",
                    "< %d B (lwIP)" % LWIP_PCB_MIN, tcb < LWIP_PCB_MIN))
        rings = km.get("idle_rings_per_conn")
        out.append(("RAM per idle conn, stack (TCB+rings)", arch, "",
                    None if rings is None else tcb + rings,
                    lmem.get("idle_slab_per_conn"), "B",
                    "< %d B (lwIP)" % LWIP_PCB_MIN,
                    None if rings is None else tcb + rings < LWIP_PCB_MIN))
        out.append(("RAM per idle conn, whole guest", arch, "",
                    km.get("idle_heap_per_conn"),
                    lmem.get("idle_free_per_conn"), "B", None, None))
        tw = s["tcp_tw"]
        out.append(("TIME_WAIT record, sizeof", arch, "", tw,
                    lmem.get("tw_objsize"), "B",
                    "< %d B (lwIP)" % LWIP_PCB_MIN, tw < LWIP_PCB_MIN))
        twm = km.get("tw_heap_per_entry")
        out.append(("RAM per TIME_WAIT entry, measured", arch, "", twm,
                    lmem.get("tw_slab_per_entry"), "B",
                    "< %d B (lwIP)" % LWIP_PCB_MIN,
                    None if twm is None else twm < LWIP_PCB_MIN))
    return out


def ratio(k, l_):
    if isinstance(k, (int, float)) and isinstance(l_, (int, float)) and l_:
        return "%.2f" % (k / l_)
    return "-"


def table(rs, arches):
    """The rows of rows(), one line per (row, nic) with a column per
    arch: Kite's figure, then Linux's, then each arch's ratio to it."""
    groups, order = {}, []
    for name, arch, nic, k, l_, unit, target, met in rs:
        key = (name, nic)
        if key not in groups:
            groups[key] = {"unit": unit, "target": target, "linux": None,
                           "kite": {}, "met": {}}
            order.append(key)
        g = groups[key]
        g["kite"][arch] = k
        g["met"][arch] = met
        if g["linux"] is None:
            g["linux"] = l_
    head = (["row", "nic"] + ["Kite " + a for a in arches] +
            ["Linux", "unit"] + ["%s/Linux" % a for a in arches] +
            ["target", "met"])
    lines = [head]
    for key in order:
        g = groups[key]
        mets = [g["met"].get(a) for a in arches]
        if all(m is None for m in mets):
            met = ""
        else:
            words = ["-" if m is None else ("yes" if m else "NO")
                     for m in mets]
            met = words[0] if len(set(words)) == 1 else "/".join(words)
        lines.append([key[0], key[1]] +
                     [fmt(g["kite"].get(a), g["unit"]) for a in arches] +
                     ["-" if g["linux"] is None else
                      fmt(g["linux"], g["unit"]), g["unit"]] +
                     [ratio(g["kite"].get(a), g["linux"]) for a in arches] +
                     [g["target"] or "", met])
    w = [max(len(str(l[i])) for l in lines) for i in range(len(head))]
    left = {0, 1, len(arches) + 3, len(head) - 2, len(head) - 1}
    text = []
    for i, l in enumerate(lines):
        text.append("  ".join(str(c).ljust(w[j]) if j in left
                              else str(c).rjust(w[j])
                              for j, c in enumerate(l)).rstrip())
        if i == 0:
            text.append("  ".join("-" * x for x in w))
    return "\n".join(text)


def plot(path_json, path_png):
    """tools/bench/plot.py with an interpreter that has matplotlib."""
    script = os.path.join(ROOT, "tools", "bench", "plot.py")
    for py in (sys.executable, "/usr/bin/python3"):
        if not os.path.exists(py):
            continue
        ok = subprocess.run([py, "-c", "import matplotlib"],
                            stderr=subprocess.DEVNULL).returncode == 0
        if ok:
            subprocess.run([py, script, path_json, path_png], check=True)
            return True
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--secs", type=float,
                    default=float(os.environ.get("BENCH_SECS", 3)))
    ap.add_argument("--no-linux", action="store_true")
    ap.add_argument("--arch", default=",".join(ARCHES))
    ap.add_argument("--nic", default=",".join(NICS))
    a = ap.parse_args()
    arches, nics = a.arch.split(","), a.nic.split(",")
    os.makedirs(OUT, exist_ok=True)
    started = time.monotonic()
    load0 = open("/proc/loadavg").read().split()[0]
    # Host ports: one block of 8 for the whole run, away from make
    # test's 20000-39999 so that both can run at once.
    base = int(os.environ.get("KITE_PORT_BASE", 40000 + os.getpid() % 20000))
    base -= base % 8

    static = {}
    for arch in arches:
        static[arch] = dict(image_sizes(arch), **struct_sizes(arch))
        static[arch]["net_text_os"] = net_size_os(arch)

    linux = None
    if not a.no_linux:
        cache = os.environ.get("KITE_BENCH_CACHE",
                               os.path.expanduser("~/.cache/kite-bench"))
        try:
            linux = baseline.ensure(cache)
        except (subprocess.CalledProcessError, OSError, IndexError) as e:
            out = getattr(e, "output", "") or ""
            log("no Linux baseline: %s %s" % (e, out[-500:]))

    results = []
    for arch in arches:
        for i, nic in enumerate(nics):
            run_guest("kite", arch, nic, base, a.secs, None, False, i == 0,
                      results)
    kite_iperf3 = any(r.get("iperf3_service") for r in results)
    if linux:
        for i, nic in enumerate(nics):
            run_guest("linux", "aarch64", nic, base, a.secs, linux,
                      kite_iperf3, i == 0, results)

    now = datetime.datetime.now(datetime.timezone.utc)
    qemu = sh("qemu-system-aarch64", "--version").splitlines()[0]
    cpu = next((l.split(":", 1)[1].strip() for l in
                open("/proc/cpuinfo") if l.startswith("model name")), "?")
    version = next((r["version"] for r in results if r.get("version")), "?")
    rs = rows(results, static, linux)
    head = ["Kite benchmark, %s UTC; Kite %s; %s; host %s, %d cpus"
            % (now.strftime("%Y-%m-%d %H:%M"), version, qemu, cpu,
               os.cpu_count()),
            "Baseline: %s" % ("Linux %s (Debian arm64), -M virt -cpu "
                              "cortex-a57 -m 256M, same NIC and netdev; "
                              "servers: tools/bench/linux-srv.c (epoll), "
                              "iperf3 -s" % linux.version if linux else
                              "none (--no-linux or no baseline)"),
            "Throughput: python3 discard/chargen clients, best of %d runs "
            "of %.0f s; iperf3 rows: %s" % (
                REPEAT, a.secs, "yes, one run each" if kite_iperf3 else
                "not run (Kite's iperf3 service did not answer on 5201)"),
            "Host load average (1 min) at start %s, at end %s: other work "
            "on the host slows the guests unevenly" % (
                load0, open("/proc/loadavg").read().split()[0]),
            "Ratios are Kite/Linux against the Linux arm64 guest on the "
            "same NIC (riscv64 rows too: there is no riscv64 baseline)."]
    errors = ["%s %s %s: %s" % (r["guest"], r["arch"], r["nic"], r["error"])
              for r in results if "error" in r]
    errors += ["%s %s %s: %s" % (r["guest"], r["arch"], r["nic"], e)
               for r in results for e in r.get("errors", [])]
    errors += ["%s %s %s: %s: %s" % (r["guest"], r["arch"], r["nic"], k,
                                     r[k + "_error"])
               for r in results for k in ("iperf3_in", "iperf3_out")
               if k + "_error" in r]
    errors += ["%s %s %s: physical limit: %s" % (r["guest"], r["arch"],
                                                 r["nic"], r["sink_error"])
               for r in results if "sink_error" in r]
    if not any(r.get("netsink") for r in results):
        head.append("Physical limit: n/a, needs the guest's `netsink` "
                    "command (kernel/shell/cmd_netsink.c, to be wired into "
                    "kernel/shell/shell.c)")
    else:
        head.append("Physical limit: 1514-byte frames from a TCP stream "
                    "into QEMU's socket netdev (in a private netns), "
                    "counted and dropped by Kite's `netsink`; TCP rows go "
                    "through slirp")
    text = "\n".join(head) + "\n\n" + table(rs, arches) + "\n"
    if errors:
        text += "\nErrors:\n" + "\n".join("  " + e for e in errors) + "\n"
    text += "\n(%.0f s)\n" % (time.monotonic() - started)
    print()
    print(text)
    with open(os.path.join(OUT, "table.txt"), "w") as f:
        f.write(text)
    path_json = os.path.join(OUT, "results.json")
    with open(path_json, "w") as f:
        json.dump({"date": now.isoformat(), "header": head,
                   "static": static, "results": results,
                   "rows": [list(r) for r in rs]}, f, indent=1)
    png = os.path.join(OUT, "bench.png")
    if plot(path_json, png):
        log("plot: %s" % os.path.relpath(png, ROOT))
    else:
        log("plot: skipped (no python3 with matplotlib; "
            "tools/deps.sh plot installs python3-matplotlib)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
