#!/usr/bin/env python3
"""Check a built image the way a loader and start.S will read it.

    tools/check-image.py ARCH...        (riscv64, aarch64; after `make`)

For build/ARCH/kite.elf and kite.bin, prints one PASS or FAIL line per
check, each named for what it proves, and exits non-zero on any FAIL:

- the image is position-independent: .rela.dyn holds relocations, and
  every one is R_<ARCH>_RELATIVE, the only type boot/ARCH/start.S applies
  (it refuses any other at boot);
- each one writes a naturally aligned 64-bit word inside the loaded
  image, as start.S checks again at boot;
- the table start.S walks (_rela_start.._rela_end) is in kite.bin, and
  holds there what the ELF's .rela.dyn holds;
- the Linux image header at the start of kite.bin says what its spec
  says: magic, text_offset, image_size = _end - _start (.bss and the boot
  stack included, so a loader keeps that much free), and flags
  (Documentation/arch/arm64/booting.rst: little-endian, 4 KiB pages, bit
  3 "2 MiB-aligned base may be anywhere in physical memory";
  Documentation/arch/riscv/boot-image-header.rst: little-endian).

It reads the ELF with the host's readelf (binutils), which reads either
architecture.
"""
import re
import struct
import subprocess
import sys

# Relocation type numbers: RISC-V ELF psABI and "ELF for the Arm 64-bit
# Architecture"; readelf prints their names.
RELATIVE = {"riscv64": "R_RISCV_RELATIVE", "aarch64": "R_AARCH64_RELATIVE"}
TYPE_NUMBER = {"riscv64": 3, "aarch64": 1027}
RELA_SIZE = 24  # Elf64_Rela: r_offset, r_info, r_addend

failed = False


def report(name, ok, why=""):
    global failed
    if ok:
        print("PASS %s" % name)
    else:
        failed = True
        print("FAIL %s: %s" % (name, why))


def readelf(*args):
    return subprocess.run(["readelf", "-W"] + list(args), check=True,
                          capture_output=True, text=True).stdout


def symbols(elf):
    syms = {}
    for line in readelf("-s", elf).splitlines():
        f = line.split()
        if len(f) >= 8 and re.fullmatch(r"[0-9a-f]{16}", f[1]):
            syms.setdefault(f[7], int(f[1], 16))
    return syms


def relocations(elf):
    """(section name, [(offset, info, type name, addend)]) of every
    relocation section readelf shows."""
    out = []
    section = None
    for line in readelf("-r", elf).splitlines():
        m = re.match(r"Relocation section '([^']+)'", line)
        if m:
            section = m.group(1)
            continue
        f = line.split()
        if section and len(f) >= 3 and re.fullmatch(r"[0-9a-f]{16}", f[0]):
            addend = int(f[-1], 16) if re.fullmatch(r"[0-9a-f]+", f[-1]) else None
            out.append((section, int(f[0], 16), int(f[1], 16), f[2], addend))
    return out


def check(arch):
    elf = "build/%s/kite.elf" % arch
    binary = "build/%s/kite.bin" % arch
    try:
        image = open(binary, "rb").read()
        syms = symbols(elf)
        relocs = relocations(elf)
    except (OSError, subprocess.CalledProcessError) as e:
        report("%s_image_can_be_read" % arch, False,
               "%s (build it first: make ARCH=%s)" % (e, arch))
        return
    need = ["_start", "_image_start", "_image_end", "_end", "_rela_start",
            "_rela_end"]
    missing = [s for s in need if s not in syms]
    if missing:
        report("%s_image_has_its_linker_symbols" % arch, False,
               "kite.elf lacks %s" % " ".join(missing))
        return
    start, end = syms["_image_start"], syms["_image_end"]

    # Position-independent: relocations there are, all RELATIVE, all in
    # the one table start.S walks.
    name = "%s_image_has_only_relative_relocations" % arch
    others = [r for r in relocs if r[3] != RELATIVE[arch] or r[0] != ".rela.dyn"]
    if not relocs:
        report(name, False, "kite.elf has no relocations: not linked -pie?")
    elif others:
        s = others[0]
        report(name, False, "%d others, first %s at %#x in %s"
               % (len(others), s[3], s[1], s[0]))
    else:
        report(name, True)

    name = "%s_relocations_are_aligned_words_inside_the_image" % arch
    bad = [r for r in relocs if r[1] % 8 or r[1] < start or r[1] + 8 > end]
    if bad:
        report(name, False, "%d, first at %#x (image %#x-%#x)"
               % (len(bad), bad[0][1], start, end))
    else:
        report(name, True)

    # kite.bin is the image from _image_start to _image_end; the table
    # in it is what the ELF says.
    name = "%s_raw_image_holds_the_relocation_table" % arch
    rs, re_ = syms["_rela_start"] - start, syms["_rela_end"] - start
    if len(image) != end - start:
        report(name, False, "kite.bin is %d bytes, _image_end - _image_start "
               "is %d" % (len(image), end - start))
    elif not (0 <= rs <= re_ <= len(image)) or (re_ - rs) % RELA_SIZE:
        report(name, False, "_rela_start..end %#x..%#x is not a table in "
               "the image" % (syms["_rela_start"], syms["_rela_end"]))
    else:
        table = [struct.unpack_from("<QQq", image, o)
                 for o in range(rs, re_, RELA_SIZE)]
        want = [(r[1], TYPE_NUMBER[arch], r[4]) for r in relocs]
        if sorted(table) == sorted(want):
            report(name, True)
        else:
            report(name, False, "%d entries in kite.bin, %d in kite.elf, or "
                   "they differ" % (len(table), len(want)))

    # The header.
    if len(image) < 64:
        report("%s_header_is_there" % arch, False, "kite.bin is %d bytes"
               % len(image))
        return
    text_offset, image_size, flags = struct.unpack_from("<QQQ", image, 8)
    if arch == "aarch64":
        magic_ok = image[56:60] == b"ARM\x64"
        want_offset = 0x80000
        # bit 0 = 0 little-endian, bits [2:1] = 1 (4 KiB pages), bit 3 = 1.
        flags_ok = flags == 0xa
        flags_what = "little-endian, 4 KiB pages, base anywhere (0xa)"
    else:
        magic_ok = image[48:56] == b"RISCV\0\0\0" and image[56:60] == b"RSC\x05"
        want_offset = 0x200000
        flags_ok = flags & 1 == 0
        flags_what = "little-endian (bit 0 clear)"
    report("%s_header_magic_is_the_specs" % arch, magic_ok,
           "got %r" % image[48:60])
    report("%s_header_text_offset_is_%#x" % (arch, want_offset),
           text_offset == want_offset, "got %#x" % text_offset)
    report("%s_header_image_size_is_end_minus_start" % arch,
           image_size == syms["_end"] - syms["_start"],
           "header %#x, _end - _start %#x"
           % (image_size, syms["_end"] - syms["_start"]))
    report("%s_header_flags_say_%s" % (arch, "base_anywhere" if arch == "aarch64"
                                       else "little_endian"),
           flags_ok, "got %#x, want %s" % (flags, flags_what))


def main():
    if len(sys.argv) < 2 or any(a not in RELATIVE for a in sys.argv[1:]):
        print("usage: tools/check-image.py riscv64|aarch64...", file=sys.stderr)
        return 2
    for arch in sys.argv[1:]:
        check(arch)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
