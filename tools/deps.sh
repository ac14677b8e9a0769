#!/bin/sh
# Install what Kite needs from Debian's archive; silent and fast when
# everything is already there (one dpkg-query, no network).
set -eu

pkgs="make gcc libc6-dev gcc-riscv64-unknown-elf gcc-aarch64-linux-gnu
binutils-aarch64-linux-gnu qemu-system-misc qemu-system-arm opensbi
newlib-source expect device-tree-compiler gdb-multiarch u-boot-qemu
python3 xz-utils iproute2 python3-scapy iperf3 clang libclang-rt-dev"

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
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
