#!/bin/sh
# Run a command inside a network namespace of its own with a tap device,
# the "host" side of a guest on a private link:
#
#   tools/netns-run.sh NAME COMMAND...
#
# Inside: lo up, tap0 at 10.0.3.1/24 for QEMU's -netdev tap,ifname=tap0.
# Nothing in the namespace reaches the machine's real network: it has no
# other interface and no route out. The namespace is deleted afterwards
# whatever happens. Exit status 77 means it could not be set up (no root
# or no /dev/net/tun): the caller reports the test as skipped.
set -u

name=kite-$1-$$
shift
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
	echo "netns-run: needs root, /dev/net/tun and iproute2" >&2
	exit 77
fi
ip netns add "$name" || exit 77
trap 'ip netns del "$name" 2>/dev/null' EXIT INT TERM
in_ns() {
	ip netns exec "$name" "$@"
}
in_ns ip link set lo up &&
	in_ns ip tuntap add dev tap0 mode tap &&
	in_ns ip addr add 10.0.3.1/24 dev tap0 &&
	in_ns ip link set tap0 up || exit 77
in_ns "$@"
