#!/bin/sh
# One soak run (tests/boot/soak.exp): the guest under mixed traffic from
# a real host on a tap link, in a network namespace of its own, for
# SECONDS; its heap must stay flat and every connection's resources
# come back.
#
#   tools/soak.sh SECONDS TAG ARCH GIC DEVICE CONSOLE-LOG
#
# Prints the PASS/FAIL lines; exits 0 if all passed, 77 if the namespace
# could not be made (no root or /dev/net/tun), else 1. `make test` runs
# it for 45 s per configuration, `make soak` for SOAK_S (default 900).
set -u
cd "$(dirname "$0")/.."

if [ $# -ne 6 ]; then
	echo "usage: tools/soak.sh SECONDS TAG ARCH GIC DEVICE CONSOLE-LOG" >&2
	exit 2
fi
seconds=$1 tag=$2 arch=$3 gic=$4 device=$5 console=$6
cmd=$(GIC=$gic tools/qemu.sh print "$arch" none | sed 's/ -nic none//')
out=$(mktemp)
trap 'rm -f "$out" "$out.rc"' EXIT
# Shown as it runs (a long soak prints a line a minute), kept to count.
{
	tools/netns-run.sh "$tag" expect -f tests/boot/soak.exp "$tag" \
		"$console" "$seconds" $cmd \
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
		-device "$device,netdev=n0" \
		-append "ip=10.0.3.2/24 gw=10.0.3.1"
	echo $? >"$out.rc"
} 2>&1 | tee "$out"
rc=$(cat "$out.rc")
[ "$rc" -eq 77 ] && exit 77
if [ "$rc" -ne 0 ] || grep -q '^FAIL ' "$out" || ! grep -q '^PASS ' "$out"; then
	exit 1
fi
exit 0
