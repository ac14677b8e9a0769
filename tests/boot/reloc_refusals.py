#!/usr/bin/env python3
"""riscv64: an image that cannot be relocated stops before it runs, and
says why on the SBI firmware's console (boot/riscv64/start.S).

    tests/boot/reloc_refusals.py WORKDIR        (after make ARCH=riscv64)

Two boots of copies of build/riscv64/kite.bin, made in WORKDIR:

- one whose first .rela.dyn entry has its type changed from
  R_RISCV_RELATIVE (3) to R_RISCV_64 (2), a symbolic relocation that only
  a dynamic linker could resolve: Kite must print
  "kite: cannot relocate: ... entry at 0x<that entry's link address>";
- the intact image loaded 2 KiB past a 4 KiB boundary (tools/qemu.sh
  LOAD_ADDR), which would misalign its boot stack and its 4 KiB-aligned
  data: Kite must print "kite: cannot run here: ... 0x<that address>".

Either way the banner ("Kite <version> riscv64") must never appear: a
refused image runs nothing. QEMU is started here and ended by its PID.
Prints one PASS or FAIL line per boot.
"""
import os
import re
import signal
import struct
import subprocess
import sys
import time

LINK_ADDR = 0x80200000  # the Makefile's LINK_ADDR for riscv64
R_RISCV_64 = 2          # RISC-V ELF psABI, "Relocations"
SECS = 30               # OpenSBI and the refusal take well under 1 s

failed = False


def report(name, ok, why=""):
    global failed
    if ok:
        print("PASS %s" % name)
    else:
        failed = True
        print("FAIL %s: %s" % (name, why))


def symbol(name):
    out = subprocess.run(["readelf", "-sW", "build/riscv64/kite.elf"],
                         check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[7] == name:
            return int(f[1], 16)
    raise LookupError("%s not in kite.elf" % name)


def boot(cmd, log, want):
    """Run QEMU until `want` (a regex) or the banner shows, or SECS pass;
    return the console text."""
    with open(log, "wb") as f:
        qemu = subprocess.Popen(cmd + ["-monitor", "none", "-serial", "stdio",
                                       "-display", "none"],
                                stdin=subprocess.DEVNULL, stdout=f,
                                stderr=subprocess.STDOUT)
    text = ""
    try:
        end = time.monotonic() + SECS
        while time.monotonic() < end and qemu.poll() is None:
            time.sleep(0.2)
            text = open(log, "rb").read().decode("utf-8", "replace")
            if re.search(want, text) or re.search(r"\nKite \S+ riscv64", text):
                time.sleep(0.5)  # anything that would follow
                text = open(log, "rb").read().decode("utf-8", "replace")
                break
    finally:
        if qemu.poll() is None:
            os.kill(qemu.pid, signal.SIGTERM)
        qemu.wait()
    return text


def check(name, text, want):
    banner = re.search(r"\nKite \S+ riscv64", text)
    m = re.search(want, text)
    if m and not banner:
        report(name, True)
    else:
        last = [l for l in text.replace("\r", "").splitlines() if l][-3:]
        report(name, False, "want /%s/ and no banner; banner %s; last lines: %s"
               % (want, "printed" if banner else "not printed",
                  " / ".join(last)))


def main():
    if len(sys.argv) != 2:
        print("usage: tests/boot/reloc_refusals.py WORKDIR", file=sys.stderr)
        return 2
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    try:
        image = bytearray(open("build/riscv64/kite.bin", "rb").read())
        rela = symbol("_rela_start")
        start = symbol("_image_start")
    except (OSError, LookupError, subprocess.CalledProcessError) as e:
        report("riscv64_reloc_refusals_set_up", False,
               "%s (build it first: make ARCH=riscv64)" % e)
        return 1

    # A symbolic relocation where a RELATIVE one was.
    off = rela - start
    info, = struct.unpack_from("<Q", image, off + 8)
    if info != 3:
        report("riscv64_reloc_refusals_set_up", False,
               "the first .rela.dyn entry's r_info is %#x, not R_RISCV_RELATIVE" % info)
        return 1
    struct.pack_into("<Q", image, off + 8, R_RISCV_64)
    bad = os.path.join(work, "kite-symbolic-reloc.bin")
    open(bad, "wb").write(image)
    log = os.path.join(work, "symbolic.console")
    want = (r"kite: cannot relocate: not an aligned R_RISCV_RELATIVE inside "
            r"the image, \.rela\.dyn entry at 0x%016x" % rela)
    text = boot(["qemu-system-riscv64", "-M", "virt", "-m", "256M", "-bios",
                 "default", "-kernel", bad, "-nic", "none"], log, want)
    check("riscv64_symbolic_relocation_is_refused_before_anything_runs",
          text, want)

    # The intact image at an address 2 KiB off a 4 KiB boundary.
    addr = 0x80400800
    env = dict(os.environ, LOAD_ADDR="%#x" % addr)
    try:
        cmd = subprocess.run(["tools/qemu.sh", "print", "riscv64", "none"],
                             env=env, check=True, capture_output=True,
                             text=True).stdout.split()
    except subprocess.CalledProcessError as e:
        report("riscv64_misaligned_load_address_is_refused", False,
               "tools/qemu.sh: %s" % e.stderr.strip())
        return 1
    cmd = [a for a in cmd if a != "-nographic"]
    log = os.path.join(work, "misaligned.console")
    want = (r"kite: cannot run here: the load address is not 4 KiB aligned: "
            r"0x%016x" % addr)
    text = boot(cmd, log, want)
    check("riscv64_misaligned_load_address_is_refused", text, want)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
