#!/bin/sh
# Run a command inside a network namespace of its own with a tap device,
# the "host" side of a guest on a private link:
#
#   tools/netns-run.sh NAME COMMAND...
#
# Inside: lo up, tap0 at 10.0.3.1/24 for QEMU's -netdev tap,ifname=tap0.
# Nothing in the namespace reaches the machine's real network: it has no
# other interface and no route out. The namespace is deleted afterwards
# whatever happens. Exit status 77 means the machine cannot give what it
# needs (no root, or no /dev/net/tun): the caller reports the test as
# skipped. Any other failure to set up (iproute2 missing, a namespace or
# tap device refused) is status 1, a failure: `make test` installs
# iproute2, and a machine with root and the tun device can do the rest.
set -u

name=kite-$1-$$
shift
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	echo "netns-run: needs root and /dev/net/tun" >&2
	exit 77
fi
command -v ip >/dev/null || {
	echo "netns-run: no ip (iproute2; tools/deps.sh test installs it)" >&2
	exit 1
}
ip netns add "$name" || {
	echo "netns-run: ip netns add $name failed" >&2
	exit 1
}
trap 'ip netns del "$name" 2>/dev/null' EXIT INT TERM
in_ns() {
	ip netns exec "$name" "$@"
}
in_ns ip link set lo up &&
	in_ns ip tuntap add dev tap0 mode tap &&
	in_ns ip addr add 10.0.3.1/24 dev tap0 &&
	in_ns ip link set tap0 up || {
	echo "netns-run: could not set up lo and tap0 in $name" >&2
	exit 1
}
in_ns "$@"
