#!/usr/bin/env python3
# check-refs.py: every file a comment or the README names must exist.
#
# Comments and the README are read as statements about the tree; one that
# names a header after it has moved or gone is a lie a newcomer will follow.
# This scans every tracked source, script, linker, make and test file and
# README.md, line by line, and checks two kinds of token:
#
#   - a path whose first component is one of Kite's top-level folders
#     (kernel/irq.h, tests/boot/, net/tcp_*.c): it must name a tracked file
#     or folder; a glob must match one.  <arch>, $(ARCH), ${ARCH}, $ARCH and
#     a bare ARCH component stand for riscv64 or aarch64 (either will do);
#     other <name>, $name, $(...) and all-capital names (FILE, NAME.exp)
#     are wildcards.  ./ and ../ paths are tried from the file's folder and
#     from the top.  build/ is generated and is skipped.
#   - a bare file name with a source extension (virtqueue.c, lib.tcl): it
#     must be the name of a tracked file in any folder.
#
# Skipped: #include lines (the compiler checks them), names in <...> (a
# libc or kernel/include header), paths preceded by / or : (/proc/net/dev,
# URLs), and paths whose first component is not Kite's (hw/net/e1000.c,
# include/linux/interrupt.h): those are other projects' files.  Linux's own
# folders under names Kite also uses (its net/ipv4/, kernel/sched/) are
# listed in FOREIGN_DIRS, and bare names of other projects' files in
# FOREIGN, each with whose it is.
#
# Output: PASS refs_named_in_comments_and_readme_exist, or one FAIL line per
# missing name (FILE:LINE names MISSING); exit status 0 or 1.

import os
import re
import subprocess
import sys

TEST = "refs_named_in_comments_and_readme_exist"
ARCHES = ("riscv64", "aarch64")
SCANNED_EXT = (".c", ".h", ".S", ".ld", ".py", ".sh", ".exp", ".tcl", ".mk")
SCANNED_NAMES = ("Makefile", "README.md")

# Linux's folders (source files, sysctl names, module paths) whose first
# component is also a Kite folder. Kite's net/, kernel/ and drivers/ have
# no such subfolder.
FOREIGN_DIRS = {
    "net/ipv4": "Linux: IPv4 sources; also /proc/sys/net/ipv4 sysctl names",
    "net/ipv6": "Linux: IPv6 sources; also /proc/sys/net/ipv6",
    "net/core": "Linux: net/core/*.ko module paths (bench baseline)",
    "kernel/sched": "Linux: kernel/sched/loadavg.c",
    "drivers/net": "Linux: NIC driver module paths (bench baseline)",
    "drivers/virtio": "Linux: virtio module paths (bench baseline)",
    "drivers/of": "Linux: drivers/of/address.c (dma-ranges, dma-coherent)",
    "arch/arm64": "Linux: arch/arm64/mm/cache.S (DMA cache maintenance)",
}

# Other projects' file names, cited by name beside their project's.
FOREIGN = {
    "head.S": "Linux's riscv and arm64 entry code (the image header)",
    "addrconf.c": "Linux's IPv6 address configuration (net/ipv6/)",
    "tcp_minisocks.c": "Linux's TIME_WAIT code (net/ipv4/)",
    "ss.c": "iproute2's misc/ss.c",
    "iperf.h": "iperf3's src/iperf.h",
    "iperf_api.h": "iperf3's src/iperf_api.h",
    "iperf_error.h": "iperf3's src/iperf_error.h",
    "tcp_var.h": "FreeBSD's sys/netinet/tcp_var.h",
}

ARCH_MARK = "\x01"
PATH_CHARS = r"[\w.*+\x01-]"
# A token with a slash, not preceded by / or : (so not /proc/net/dev, not
# a URL's path).
PATH_RE = re.compile(r"(?<![\w./*+\x01:$-])((?:%s+/)+%s*)"
                     % (PATH_CHARS, PATH_CHARS))
# A name ending in a scanned extension, not part of a path, of <stdint.h>
# or of a dotted number (a.b.c.d).
BARE_RE = re.compile(r"(?<![\w./*+\x01<$%%-])([A-Za-z_][\w*+-]*"
                     r"(?:\.[\w*+-]+)*(%s))(?![\w/*+-]|\.\w)"
                     % "|".join(re.escape(e) for e in SCANNED_EXT))
INCLUDE_RE = re.compile(r"^\s*#\s*include\b")
ARCH_RE = re.compile(r"<arch>|\$\(ARCH\)|\$\{ARCH\}|\$ARCH\b")
VAR_RE = re.compile(r"\$\([^()]*\)|\$\{[^{}]*\}|\$[A-Za-z_]\w*"
                    r"|<[A-Za-z_][\w-]*>")


def normalise(line):
    """Placeholders to a mark (arch) or to * (anything else)."""
    if "$" in line or "<" in line:
        line = VAR_RE.sub("*", ARCH_RE.sub(ARCH_MARK, line))
    return line.replace("%", "*")


def to_regex(path):
    parts = []
    for comp in path.split("/"):
        if comp == "ARCH":
            comp = ARCH_MARK
        m = re.fullmatch(r"([A-Z][A-Z0-9_-]+)(\..*)?", comp)
        if m:
            rest = re.escape(m.group(2) or "").replace(r"\*", "[^/]*")
            parts.append(r"(?:%s|[^/]+%s)" % (re.escape(comp), rest))
            continue
        out = ""
        for ch in comp:
            if ch == "*":
                out += "[^/]*"
            elif ch == ARCH_MARK:
                out += "(?:%s)" % "|".join(ARCHES)
            else:
                out += re.escape(ch)
        parts.append(out)
    return re.compile("/".join(parts))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    top = subprocess.run(["git", "-C", here, "rev-parse", "--show-toplevel"],
                         capture_output=True, text=True,
                         check=True).stdout.strip()
    os.chdir(top)
    files = subprocess.run(["git", "ls-files", "-z"], capture_output=True,
                           text=True, check=True).stdout.split("\0")
    files = [f for f in files if f and os.path.isfile(f)]
    # This script checks itself too, committed or not.
    this = os.path.relpath(os.path.abspath(__file__), top)
    if this not in files and not this.startswith(".."):
        files.append(this)
    dirs = set()
    for f in files:
        d = os.path.dirname(f)
        while d and d not in dirs:
            dirs.add(d)
            d = os.path.dirname(d)
    fileset = set(files)
    everything = sorted(fileset | dirs)
    basenames = set(os.path.basename(f) for f in files)
    toplevel = set(d for d in dirs if "/" not in d) | {"build"}
    cache = {}

    def exists(path):
        want_dir = path.endswith("/")
        path = path.rstrip("/")
        key = (path, want_dir)
        if key not in cache:
            if not re.search(r"[*\x01]|(^|/)[A-Z][A-Z0-9_-]+(\.|/|$)", path):
                cache[key] = path in dirs or (not want_dir and path in fileset)
            else:
                rx = to_regex(path)
                pool = dirs if want_dir else everything
                cache[key] = any(rx.fullmatch(p) for p in pool)
        return cache[key]

    def check_path(src, tok):
        tok = tok.rstrip(".")
        if not tok or tok.endswith("//"):
            return True
        if tok.startswith("./") or tok.startswith("../"):
            kites = False
            for base in (os.path.dirname(src), ""):
                p = os.path.normpath(os.path.join(base, tok))
                first = p.split("/")[0]
                if first == ".." or p == "." or first not in toplevel:
                    continue
                if first == "build" or exists(p + "/" * tok.endswith("/")):
                    return True
                kites = True
            return not kites
        first = tok.split("/")[0]
        if first not in toplevel or first == "build":
            return True
        if any(tok == d or tok.startswith(d + "/") for d in FOREIGN_DIRS):
            return True
        return exists(tok)

    def check_bare(name):
        if name in FOREIGN:
            return True
        if name in basenames:
            return True
        if "*" not in name and not re.match(r"[A-Z][A-Z0-9_-]+\.", name):
            return False
        rx = to_regex(name)
        return any(rx.fullmatch(b) for b in basenames)

    missing = []
    for src in files:
        base = os.path.basename(src)
        if not (src.endswith(SCANNED_EXT) or base in SCANNED_NAMES):
            continue
        with open(src, encoding="utf-8", errors="replace") as fh:
            for n, raw in enumerate(fh, 1):
                if "/" not in raw and "." not in raw:
                    continue  # every name checked has one
                if INCLUDE_RE.match(raw):
                    continue
                line = normalise(raw)
                for m in PATH_RE.finditer(line):
                    tok = m.group(1)
                    end = m.end(1)
                    if m.start(1) > 0 and line[m.start(1) - 1] == "<" \
                            and line[end:end + 1] == ">":
                        continue  # <net/if.h>: an include name
                    if not check_path(src, tok):
                        tok = tok.replace(ARCH_MARK, "<arch>")
                        missing.append((src, n, tok))
                for m in BARE_RE.finditer(line):
                    if not check_bare(m.group(1)):
                        missing.append((src, n, m.group(1)))

    if not missing:
        print("PASS %s" % TEST)
        return 0
    for src, n, tok in missing:
        print("FAIL %s: %s:%d names %s" % (TEST, src, n, tok.rstrip(".")))
    return 1


if __name__ == "__main__":
    sys.exit(main())
