#!/bin/sh
# What `make bench` needs beyond `make deps`, from Debian's archive only;
# silent and fast when everything is there. Not part of `make test`.
#
#   iperf3                 the stock client for the iperf3 rows
#   python3-matplotlib     the plot (build/bench/bench.png); optional
#   libc6-dev-arm64-cross  static arm64 build of tools/bench/linux-srv.c
#
# The Linux baseline's own packages (linux-image-arm64, busybox-static,
# ...:arm64) are fetched with apt-get download by tools/bench/baseline.py
# into the cache, not installed.
set -eu

pkgs="iperf3 python3-matplotlib libc6-dev-arm64-cross util-linux"

# shellcheck disable=SC2086
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null |
	awk '/install ok installed/ { print $1 }' | sed 's/:.*//')
missing=""
for p in $pkgs; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "bench deps: installing$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
# iperf3's package asks whether to start a daemon: no.
echo "iperf3 iperf3/start_daemon boolean false" | $sudo debconf-set-selections 2>/dev/null || true
# python3-matplotlib is only for the plot: go on without it.
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
		$(echo "$missing" | sed 's/python3-matplotlib//') >/dev/null
