"""The Linux baseline of `make bench`: Debian's arm64 kernel and a tiny
initramfs (busybox, tools/bench/linux-srv.c, iperf3), fetched with
`apt-get download` and built once into a cache outside the tree.

    ensure(cache) -> Baseline(kernel=..., initrd=..., version=..., ...)

Cache layout (KITE_BENCH_CACHE, default ~/.cache/kite-bench):

    debs/                 the .deb files as apt-get downloaded them
    linux/Image           the kernel, decompressed (QEMU -kernel)
    linux/initramfs.cpio  newc cpio, uncompressed (QEMU -initrd)
    linux/stamp           what they were built from; a change rebuilds

Nothing is fetched when the cache is complete. Packages are fetched
from Debian's archive only (dpkg --add-architecture arm64 first).
"""

import glob
import gzip
import hashlib
import lzma
import os
import stat
import subprocess
import tempfile
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))

Baseline = namedtuple("Baseline", "kernel initrd version iperf3 image_size")

# The NIC drivers and what they need, as .ko files in the kernel package.
MODULES = {
    "failover": "net/core/failover.ko",
    "net_failover": "drivers/net/net_failover.ko",
    "virtio_net": "drivers/net/virtio_net.ko",
    "virtio_mmio": "drivers/virtio/virtio_mmio.ko",
    "virtio_pci_legacy_dev": "drivers/virtio/virtio_pci_legacy_dev.ko",
    "virtio_pci_modern_dev": "drivers/virtio/virtio_pci_modern_dev.ko",
    "virtio_pci": "drivers/virtio/virtio_pci.ko",
    "e1000": "drivers/net/ethernet/intel/e1000/e1000.ko",
}
# The user space: busybox, and iperf3 with the libraries it loads.
PACKAGES = ["busybox-static", "iperf3", "libiperf0", "libsctp1", "libssl3",
            "libc6"]


def log(msg):
    print("bench: " + msg, flush=True)


def run(*argv, **kw):
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kw).stdout


def _arm64_ready():
    """Add the arm64 architecture to dpkg and apt's lists if needed."""
    if "arm64" not in run("dpkg", "--print-foreign-architectures").split():
        log("dpkg --add-architecture arm64")
        run("dpkg", "--add-architecture", "arm64")
    try:
        out = run("apt-cache", "depends", "linux-image-arm64:arm64")
        if "Depends: linux-image-" in out:
            return out
    except subprocess.CalledProcessError:
        pass
    log("apt-get update (arm64 package lists)")
    run("apt-get", "update", "-qq")
    return run("apt-cache", "depends", "linux-image-arm64:arm64")


def _have_deb(debs, name):
    return glob.glob(os.path.join(debs, name + "_*_arm64.deb"))


def fetch(debs):
    """The .deb files, downloaded once. Returns {package: path}."""
    os.makedirs(debs, exist_ok=True)
    have = {p: _have_deb(debs, p) for p in PACKAGES}
    image = sorted(glob.glob(os.path.join(debs, "linux-image-*-arm64_*.deb")))
    if image and all(have.values()):
        got = {p: sorted(v)[-1] for p, v in have.items()}
        got["linux-image"] = image[-1]
        return got
    deps = _arm64_ready()
    image_pkg = [l.split()[-1] for l in deps.splitlines()
                 if "Depends: linux-image-" in l][0]
    want = [p + ":arm64" for p, v in have.items() if not v]
    if not image:
        want.append(image_pkg if ":" in image_pkg else image_pkg + ":arm64")
    log("apt-get download " + " ".join(want) + " (into %s)" % debs)
    run("apt-get", "download", *want, cwd=debs)
    return fetch(debs)


def _stamp(debs):
    h = hashlib.sha256()
    for f in sorted(debs.values()) + [
            os.path.join(HERE, n) for n in
            ("baseline.py", "linux-init.sh", "linux-srv.c")]:
        h.update(os.path.basename(f).encode())
        if not f.endswith(".deb"):
            with open(f, "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()


class Cpio:
    """An uncompressed newc archive, as the kernel's initramfs wants."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.ino = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name = name.lstrip("/").encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0],
                  rdev[1], len(name), 0]
        self.ino += 1
        hdr = b"070701" + b"".join(b"%08x" % v for v in fields)
        self.f.write(hdr + name)
        self.f.write(b"\0" * (-(len(hdr) + len(name)) % 4))
        self.f.write(data)
        self.f.write(b"\0" * (-len(data) % 4))

    def dir(self, name):
        self._entry(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, mode=0o755):
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor):
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def close(self):
        self._entry("TRAILER!!!", 0)
        self.f.close()


def _read(path):
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".xz"):
        data = lzma.decompress(data)
    return data


def _needed(path):
    """DT_NEEDED sonames of an arm64 ELF."""
    out = run("aarch64-linux-gnu-readelf", "-d", path)
    return [l.split("[")[1].split("]")[0] for l in out.splitlines()
            if "(NEEDED)" in l]


def _find_lib(root, soname):
    for d in ("lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu"):
        p = os.path.join(root, d, soname)
        if os.path.exists(p):
            return os.path.realpath(p)
    raise FileNotFoundError("arm64 library %s not in the packages" % soname)


def build(debs, out):
    """Image and initramfs.cpio into out/ from the .deb files."""
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kite-bench-") as root:
        for deb in debs.values():
            run("dpkg-deb", "-x", deb, root)
        vmlinuz = glob.glob(os.path.join(root, "boot", "vmlinuz-*"))[0]
        version = os.path.basename(vmlinuz)[len("vmlinuz-"):]
        with open(vmlinuz, "rb") as f:
            data = f.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        with open(os.path.join(out, "Image"), "wb") as f:
            f.write(data)

        srv = os.path.join(out, "linux-srv")
        log("building linux-srv (static arm64)")
        run("aarch64-linux-gnu-gcc", "-static", "-O2", "-Wall", "-Wextra",
            "-Werror", "-o", srv, os.path.join(HERE, "linux-srv.c"))
        run("aarch64-linux-gnu-strip", srv)

        cpio = Cpio(os.path.join(out, "initramfs.cpio.tmp"))
        for d in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "lib",
                  "lib/modules", "lib/aarch64-linux-gnu", "proc", "sys",
                  "dev", "tmp", "srv"):
            cpio.dir(d)
        # The kernel opens /dev/console for init before anything mounts.
        cpio.chardev("dev/console", 5, 1)
        cpio.file("bin/busybox", _read(os.path.join(root, "bin/busybox")))
        cpio.symlink("bin/sh", "busybox")
        with open(os.path.join(HERE, "linux-init.sh"), "rb") as f:
            cpio.file("init", f.read())
        with open(srv, "rb") as f:
            cpio.file("srv/linux-srv", f.read())
        kdir = os.path.join(root, "lib/modules", version, "kernel")
        for name, rel in MODULES.items():
            ko = os.path.join(kdir, rel)
            if not os.path.exists(ko):
                ko += ".xz"
            cpio.file("lib/modules/%s.ko" % name, _read(ko), 0o644)
        # iperf3 and every library it loads, under their sonames.
        iperf3 = os.path.join(root, "usr/bin/iperf3")
        cpio.file("usr/bin/iperf3", _read(iperf3))
        todo, done = _needed(iperf3), set()
        while todo:
            so = todo.pop()
            if so in done:
                continue
            done.add(so)
            path = _find_lib(root, so)
            cpio.file("lib/aarch64-linux-gnu/" + so, _read(path))
            todo += _needed(path)
        cpio.symlink("lib/ld-linux-aarch64.so.1",
                     "aarch64-linux-gnu/ld-linux-aarch64.so.1")
        cpio.close()
        os.replace(os.path.join(out, "initramfs.cpio.tmp"),
                   os.path.join(out, "initramfs.cpio"))
    return version


def ensure(cache):
    debs = fetch(os.path.join(cache, "debs"))
    out = os.path.join(cache, "linux")
    stamp = _stamp(debs)
    stamp_file = os.path.join(out, "stamp")
    try:
        with open(stamp_file) as f:
            old = f.read().split()
    except OSError:
        old = []
    if len(old) == 2 and old[0] == stamp and all(
            os.path.exists(os.path.join(out, n))
            for n in ("Image", "initramfs.cpio")):
        version = old[1]
    else:
        log("building the Linux baseline in %s" % out)
        version = build(debs, out)
        with open(stamp_file, "w") as f:
            f.write("%s %s\n" % (stamp, version))
    image = os.path.join(out, "Image")
    return Baseline(kernel=image,
                    initrd=os.path.join(out, "initramfs.cpio"),
                    version=version, iperf3=True,
                    image_size=os.path.getsize(image))


if __name__ == "__main__":
    import sys
    b = ensure(sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser(
        "~/.cache/kite-bench"))
    print(b)
