#!/usr/bin/env python3
"""Every QEMU command line Kite gives people starts, and finds its ROMs.

    tests/setup/qemu_roms.py

QEMU 7.2 refuses to start a PCI NIC whose option ROM it cannot find
(`failed to find romfile "efi-virtio.rom"`). The ROMs come from Debian's
ipxe-qemu, a Recommends of QEMU that an install without recommends
skips, so a machine that happens to have it hides the problem: CI was
green while every PCI NIC failed on a fresh machine.

For each line `make run` can use (tools/qemu.sh print, every ARCH and
NIC, U-Boot's too) and each qemu-system-* line in the README's code
blocks, this starts QEMU halted (-S) with its monitor on stdin, reads
`info qtree`, and quits. A line passes when QEMU starts and every ROM a
device asks for (its romfile property; an empty one is a deliberate
"none") is a file in QEMU's search path (-L help) owned by a package
that tools/deps.sh installs for that arch: present here is not enough,
the set-up must bring it. Nothing runs; no frame is sent.
"""
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NICS = ["none", "virtio-mmio", "virtio-mmio-modern", "virtio-pci", "e1000",
        "both"]


def qemu_sh_lines():
    """(name, arch, argv) for every line tools/qemu.sh prints: each ARCH and
    NIC on virt, U-Boot's, the HiFive Unleashed's (none, and gem: its
    own Cadence GEM) and the ZCU102's (none and gem; its device tree
    fetched by tools/board-dtb.sh). argv is None, with why, if qemu.sh
    printed none."""
    configs = [(arch, nic, {}) for arch in ("riscv64", "aarch64")
               for nic in NICS]
    configs += [(arch, "none", {"UBOOT": "1"}) for arch in ("riscv64", "aarch64")]
    configs += [("riscv64", nic, {"BOARD": "sifive_u"})
                for nic in ("none", "gem")]
    configs += [("aarch64", nic, {"BOARD": "zcu102"}) for nic in ("none", "gem")]
    for arch, nic, extra in configs:
        env = dict(os.environ, **extra)
        env.pop("PCAP", None)
        r = subprocess.run(
            ["tools/qemu.sh", "print", arch, nic], cwd=ROOT, env=env,
            capture_output=True, text=True)
        name = "_".join(["make_run", arch, nic.replace("-", "_")] +
                        [v.lower() if k == "BOARD" else "uboot"
                         for k, v in extra.items()])
        if r.returncode != 0:
            yield name, arch, None, "tools/qemu.sh print failed: %s" % (
                r.stderr.strip().splitlines() or ["status %d" % r.returncode])[-1]
            continue
        yield name, arch, shlex.split(r.stdout), ""


def readme_lines():
    """(name, arch, argv, '') for each qemu-system-* line in README.md's
    code blocks, backslash continuations joined, comments dropped, ~/ as
    the shell expands it (the ZCU102's cached device tree)."""
    text = open(os.path.join(ROOT, "README.md")).read()
    n = 0
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", text, re.DOTALL | re.MULTILINE):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.split(" #")[0].strip()
            if not line.startswith("qemu-system-"):
                continue
            n += 1
            arch = "riscv64" if line.startswith("qemu-system-riscv64") else "aarch64"
            argv = [os.path.expanduser(a) for a in shlex.split(line)]
            yield "readme_qemu_line_%d" % n, arch, argv, ""


def search_path(qemu):
    out = subprocess.run([qemu, "-L", "help"], capture_output=True,
                         text=True).stdout
    return [d for d in out.split() if os.path.isdir(d)]


def deps_packages(arch):
    out = subprocess.run(["tools/deps.sh", "--list", arch, "uboot"],
                         cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout
    return set(out.split())


def owner(path):
    """The Debian package that owns path (through symlinks), or None."""
    for p in (path, os.path.realpath(path)):
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0]
    return None


def check(name, arch, argv):
    """'' if the line is fine, else why not."""
    argv = [a for a in argv if a != "-nographic"]
    argv += ["-S", "-display", "none", "-serial", "null", "-monitor", "stdio"]
    try:
        r = subprocess.run(argv, cwd=ROOT, input="info qtree\nquit\n",
                           capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        return "%s is not installed" % argv[0]
    except subprocess.TimeoutExpired:
        return "QEMU did not quit within 60 s"
    if r.returncode != 0:
        err = (r.stderr.strip() or r.stdout.strip()).splitlines()
        return "QEMU did not start: %s" % (err[-1] if err else r.returncode)
    roms = set(re.findall(r'romfile = "([^"]*)"', r.stdout)) - {""}
    if not roms and ("virtio-net-pci" in " ".join(argv) or
                     "e1000" in " ".join(argv)):
        return "no romfile property in info qtree: cannot check the ROMs"
    dirs = search_path(argv[0])
    wanted = deps_packages(arch)
    for rom in sorted(roms):
        found = [os.path.normpath(os.path.join(d, rom)) for d in dirs
                 if os.path.exists(os.path.join(d, rom))]
        if not found:
            return "ROM %s is in none of %s" % (rom, dirs)
        pkg = owner(found[0])
        if pkg not in wanted:
            return ("ROM %s comes from package %s, which tools/deps.sh %s "
                    "does not install" % (found[0], pkg, arch))
    return ""


def main():
    failed = 0
    lines = list(qemu_sh_lines()) + list(readme_lines())
    if not any(n.startswith("readme_") for n, _, _, _ in lines):
        print("FAIL readme_has_plain_qemu_lines: no qemu-system-* line "
              "found in README.md's code blocks")
        failed += 1
    for name, arch, argv, why in lines:
        why = why or check(name, arch, argv)
        test = "qemu_roms_%s_starts_with_roms_deps_installs" % name
        if why:
            print("FAIL %s: %s (line: %s)" % (test, why,
                                             shlex.join(argv or [])))
            failed += 1
        else:
            print("PASS %s" % test)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
