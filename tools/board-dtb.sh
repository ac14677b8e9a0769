#!/bin/sh
# Print the path of a board's own device tree, fetched once into a cache
# outside the tree.
#
#   tools/board-dtb.sh zcu102
#
# zcu102: Xilinx's zynqmp-zcu102-rev1.0.dtb, as Debian 12 ships it in
# its arm64 kernel package (linux-image-<version>-arm64, the package
# linux-image-arm64 depends on) under /usr/lib/linux-image-<version>/xilinx/.
# The same way tools/bench/baseline.py fetches the bench's Linux: add the
# arm64 architecture to dpkg if needed, `apt-get download` the package
# (about 60 MB) once, and keep only the one file taken out of it with
# dpkg-deb --fsys-tarfile | tar.
#
# Cache (KITE_BOARDS_CACHE, default ~/.cache/kite-boards):
#
#     debs/          the .deb as apt-get downloaded it
#     zcu102.dtb     the tree; when it exists nothing is fetched
#
# A .deb already in the bench's cache (KITE_BENCH_CACHE, default
# ~/.cache/kite-bench) is used rather than fetched again. Anything that
# goes wrong ends the script with status 1 and a line on stderr saying
# what; it never prints a path it did not make.
set -eu

die() {
	echo "board-dtb.sh: $*" >&2
	exit 1
}

[ $# = 1 ] || die "usage: tools/board-dtb.sh zcu102"
case $1 in
zcu102) member=xilinx/zynqmp-zcu102-rev1.0.dtb ;;
*) die "no board '$1' (known: zcu102)" ;;
esac

cache=${KITE_BOARDS_CACHE:-$HOME/.cache/kite-boards}
out=$cache/$1.dtb
if [ -s "$out" ]; then
	echo "$out"
	exit 0
fi
mkdir -p "$cache/debs" || die "cannot create $cache/debs"

# The kernel package: ours, else the bench's, else downloaded.
find_deb() {
	for d in "$cache/debs" "${KITE_BENCH_CACHE:-$HOME/.cache/kite-bench}/debs"; do
		for f in "$d"/linux-image-*-arm64_*_arm64.deb; do
			[ -e "$f" ] && deb=$f
		done
		[ -n "$deb" ] && return 0
	done
	return 1
}
deb=
if ! find_deb; then
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		echo "board-dtb.sh: dpkg --add-architecture arm64" >&2
		dpkg --add-architecture arm64 ||
			die "dpkg --add-architecture arm64 failed (run as root, or put a linux-image-*-arm64 .deb in $cache/debs)"
	fi
	pkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*-arm64\).*/\1/p' | head -n 1)
	if [ -z "$pkg" ]; then
		echo "board-dtb.sh: apt-get update (arm64 package lists)" >&2
		apt-get update -qq >&2 || die "apt-get update failed"
		pkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[^ ]*-arm64\).*/\1/p' | head -n 1)
	fi
	[ -n "$pkg" ] || die "apt knows no linux-image-arm64:arm64 (is Debian's archive in apt's sources?)"
	echo "board-dtb.sh: apt-get download $pkg:arm64 (into $cache/debs)" >&2
	(cd "$cache/debs" && apt-get download -q "$pkg:arm64" >&2) ||
		die "apt-get download $pkg:arm64 failed"
	find_deb || die "apt-get download left no linux-image-*-arm64 .deb in $cache/debs"
fi

# Take the one file out; into a temporary directory first, so that an
# interrupted run leaves no half-written tree behind.
tmp=$(mktemp -d "$cache/extract.XXXXXX") || die "cannot make a directory in $cache"
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" |
	tar -x -C "$tmp" --wildcards "*/usr/lib/linux-image-*/$member" ||
	die "$deb holds no /usr/lib/linux-image-*/$member"
set -- "$tmp"/usr/lib/linux-image-*/"$member"
[ -s "$1" ] || die "$deb holds no /usr/lib/linux-image-*/$member"
mv "$1" "$out.tmp" && mv "$out.tmp" "$out" || die "cannot write $out"
echo "$out"
