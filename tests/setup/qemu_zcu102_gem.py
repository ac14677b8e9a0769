#!/usr/bin/env python3
"""`make run BOARD=zcu102 NIC=gem` puts the user network on the GEM that
the board's device tree enables.

    tests/setup/qemu_zcu102_gem.py

QEMU's ZynqMP makes its four GEMs itself and hands them the command
line's NICs in order (hw/arm/xlnx-zynqmp.c), so which GEM gets the
network depends on how tools/qemu.sh orders them; the ZCU102 tree
enables only one (GEM3, ethernet@ff0e0000). This starts QEMU halted (-S)
with the line tools/qemu.sh prints, reads `info network` and
`info qtree` from its monitor and checks that netdev n0, QEMU's user
network with restrict=on, is the peer of the cadence_gem whose MMIO base
is the reg address of the tree's one enabled cdns,gem node. Nothing
runs; no frame is sent.
"""
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEST = "qemu_zcu102_gem"


def fail(name, why):
    print("FAIL %s_%s: %s" % (TEST, name, why))
    return 1


def enabled_gems(dtb):
    """{node path: reg address} of every enabled cdns,gem node, read from
    dtc's source form of the tree (one property or node per line)."""
    r = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None
    found, stack, props = {}, [], []
    for line in r.stdout.splitlines():
        line = line.strip()
        if line.endswith("{"):
            stack.append(line[:-1].split(":")[-1].strip())
            props.append({})
        elif line == "};" and stack:
            path = "/" + "/".join(stack[1:])
            p = props.pop()
            stack.pop()
            compat = p.get("compatible", "").split("\\0")
            status = p.get("status", "okay")
            reg = p.get("reg", "").split()
            # The ZynqMP's /axi has #address-cells = 2.
            if "cdns,gem" in compat and status in ("okay", "ok") and len(reg) >= 2:
                found[path] = int(reg[0], 16) << 32 | int(reg[1], 16)
        elif props and " = " in line:
            k, v = line.rstrip(";").split(" = ", 1)
            props[-1][k] = v.strip('"<>')
    return found


def main():
    env = dict(os.environ, BOARD="zcu102")
    env.pop("PCAP", None)
    r = subprocess.run(["tools/qemu.sh", "print", "aarch64", "gem"], cwd=ROOT,
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        return fail("line", "tools/qemu.sh print failed: %s" %
                    (r.stderr.strip() or r.returncode))
    argv = [a for a in shlex.split(r.stdout) if a != "-nographic"]
    dtb = argv[argv.index("-dtb") + 1]

    gems = enabled_gems(dtb)
    if gems is None:
        return fail("tree_reads", "dtc cannot read %s" % dtb)
    if len(gems) != 1:
        return fail("tree_enables_one_gem", "enabled cdns,gem nodes in %s: %s"
                    % (dtb, gems or "none"))
    (node, base), = gems.items()

    argv += ["-S", "-display", "none", "-serial", "null", "-monitor", "stdio"]
    try:
        q = subprocess.run(argv, cwd=ROOT, input="info network\ninfo qtree\nquit\n",
                           capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return fail("qemu_starts", "QEMU did not quit within 60 s")
    if q.returncode != 0:
        return fail("qemu_starts", "QEMU exited %d: %s" %
                    (q.returncode, q.stderr.strip()[-300:]))
    out = q.stdout.replace("\r", "")

    failed = 0
    # info network: the NIC, then its peer indented under it.
    m = re.search(r"^ \\ n0: index=\d+,type=user,([^\n]*)$", out, re.M)
    if m and "restrict=on" in m.group(1):
        print("PASS %s_user_network_is_restricted" % TEST)
    else:
        failed += fail("user_network_is_restricted",
                       "no n0 with restrict=on in info network: %s" %
                       (m.group(0) if m else "no n0"))

    # info qtree: each "dev: cadence_gem" block has its netdev and mmio.
    on_n0 = []
    for block in re.split(r"\n(?= *dev: )", out):
        if not re.match(r" *dev: cadence_gem,", block):
            continue
        nd = re.search(r'^ *netdev = "([^"]*)"', block, re.M)
        mmio = re.search(r"^ *mmio ([0-9a-f]+)/", block, re.M)
        if nd and nd.group(1) == "n0" and mmio:
            on_n0.append(int(mmio.group(1), 16))
    name = "user_network_is_on_the_gem_the_tree_enables"
    if on_n0 == [base]:
        print("PASS %s_%s (%s, mmio %#x)" % (TEST, name, node, base))
    else:
        failed += fail(name, "tree enables %s at %#x; n0 is on GEMs at %s" %
                       (node, base, [hex(a) for a in on_n0] or "none"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
