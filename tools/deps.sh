#!/bin/sh
# Install what a make target needs from Debian 12's archive, and nothing
# more; silent and fast when it is all there (one dpkg-query, no network).
#
#   tools/deps.sh SET...          install the sets' missing packages
#   tools/deps.sh --list SET...   print the sets' packages, one a line
#
# Each target names the sets it uses (Makefile): `make run` only what
# building and booting its ARCH takes, `make test` what the tests take.
#
#   riscv64, aarch64  build and boot that arch: the cross compiler,
#                     the linker (riscv64: the Linux-target binutils,
#                     whose ld links position-independent images;
#                     the bare-metal one cannot), newlib's source,
#                     QEMU, and QEMU's option ROMs
#                     (ipxe-qemu: QEMU 7.2 will not start a PCI NIC
#                     without its ROM, and Debian makes the package a
#                     Recommends, which --no-install-recommends skips)
#   uboot             `make run UBOOT=1`: U-Boot for QEMU, OpenSBI for
#                     it on riscv64, expect to type the booti line
#   debug             `make debug`: gdb for both arches
#   test              `make test`: both arches, U-Boot, the host
#                     compiler and sanitizers, clang for libFuzzer, expect,
#                     and the tap tests' host tools (scapy, iperf3)
#   bench             `make bench`: both arches, the iperf3 client, the
#                     static arm64 libc for the Linux baseline's server,
#                     ip and unshare for the physical-limit run
#   plot              `make bench`'s plot (optional: bench.py goes on
#                     without it)
#   all               every set but bench and plot (`make deps`)
set -eu

set_pkgs() {	# SET: its packages
	# newlib's configure needs a C compiler for the build machine
	# (gcc, libc6-dev) even though it builds only for the target.
	common="make gcc libc6-dev xz-utils newlib-source ipxe-qemu"
	case $1 in
	riscv64) echo "$common gcc-riscv64-unknown-elf binutils-riscv64-linux-gnu qemu-system-misc" ;;
	aarch64) echo "$common gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-system-arm" ;;
	uboot) echo "u-boot-qemu opensbi expect" ;;
	debug) echo "gdb-multiarch" ;;
	test)
		echo "$(set_pkgs riscv64) $(set_pkgs aarch64) $(set_pkgs uboot)"
		echo "expect python3 iproute2 python3-scapy iperf3 clang"
		echo "libclang-rt-dev device-tree-compiler" ;;
	bench)
		echo "$(set_pkgs riscv64) $(set_pkgs aarch64) python3 iperf3"
		echo "iproute2 util-linux libc6-dev-arm64-cross" ;;
	plot) echo "python3-matplotlib" ;;
	all) echo "$(set_pkgs test) $(set_pkgs debug)" ;;
	*) echo "deps: unknown set '$1' (riscv64 aarch64 uboot debug test bench plot all)" >&2
	   return 1 ;;
	esac
}

list=0
if [ "${1:-}" = --list ]; then
	list=1
	shift
fi
[ $# -gt 0 ] || { echo "usage: tools/deps.sh [--list] SET..." >&2; exit 2; }

pkgs=""
for s in "$@"; do
	pkgs="$pkgs $(set_pkgs "$s")" || exit 2
done
# One name a line, each once, in a stable order.
pkgs=$(echo $pkgs | tr ' ' '\n' | sort -u)
if [ $list = 1 ]; then
	echo "$pkgs"
	exit 0
fi

# shellcheck disable=SC2086
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null |
	awk '/install ok installed/ { print $1 }' | sed 's/:.*//')
missing=""
for p in $pkgs; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "deps: installing these needs root: run 'apt-get install$missing' as root, or install sudo" >&2
		exit 1
	}
	sudo=sudo
fi
$sudo apt-get update -qq
# iperf3's package asks whether to start a daemon: no.
echo "iperf3 iperf3/start_daemon boolean false" |
	$sudo debconf-set-selections 2>/dev/null || true
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
	--no-install-recommends $missing >/dev/null
