#!/bin/sh
# Boot a built Kite image in QEMU the way `make run` and `make debug` do.
#
#   tools/qemu.sh run|debug|print ARCH NIC
#
# NIC: none; gem (BOARD=sifive_u and zcu102 only: the board's own
# Cadence GEM); virtio-mmio (QEMU's plain
# -device virtio-net-device, which
# QEMU 7.2 presents with the legacy virtio-mmio layout); virtio-mmio-modern
# (the same with the virtio 1.x layout); virtio-pci; e1000; or both (an
# e1000 at PCI slot 1 and a virtio-net-pci at slot 5: the same INTx line
# after swizzling).
# GIC=3 selects GICv3 on aarch64; EL2=1 enters it at EL2 (virtualization=on).
# BOARD=sifive_u boots riscv64 on QEMU's model of the SiFive HiFive
# Unleashed instead of virt (kite.bin at OpenSBI's next address, its own
# device tree); it has no PCI and no virtio-mmio: its NIC is its Cadence
# GEM (NIC=gem, drivers/gem.c), or NIC=none.
# BOARD=zcu102 boots aarch64 on QEMU's Xilinx ZCU102 (xlnx-zcu102) with
# the board's own device tree, fetched once by tools/board-dtb.sh; NIC
# is gem (user networking on the GEM the tree enables) or none.
# PCAP=FILE records the NICs' frames in pcap files (see below).
# UBOOT=1 boots through Debian's U-Boot with booti, as a board does
# (see below).
# SMP=N gives the machine N CPUs (QEMU starts the first; on aarch64 the
# others wait powered off for PSCI CPU_ON, as firmware holds them).
# LOAD_ADDR=ADDR (virt, without UBOOT) boots kite.bin at ADDR instead of
# where QEMU puts it (0x80200000, 0x40080000), to show that it runs
# wherever it is loaded. riscv64: QEMU puts a raw -kernel at RAM + 2 MiB;
# an ELF it loads where its segment says, and OpenSBI (fw_dynamic)
# enters at the segment's start (QEMU's hw/riscv/boot.c,
# riscv_load_kernel). So kite.bin, byte for byte, is wrapped in an ELF
# with one segment at ADDR: build/riscv64/kite-at-ADDR.elf, made here
# with binutils' ld. aarch64: QEMU puts an Image at RAM base (0x40000000)
# + the header's text_offset (hw/arm/boot.c, load_aarch64_image), so
# build/aarch64/kite-at-ADDR.bin is kite.bin with text_offset
# ADDR - 0x40000000 (at least 4 KiB: QEMU moves a smaller one 2 MiB up).
# APPEND="..." passes a kernel command line (e.g. ip=10.0.2.15/24 gw=10.0.2.2). User networking is restricted to the
# guest and the host's loopback: the guest reaches no outside address;
# host 127.0.0.1 ports are forwarded to the guest services.
set -eu

mode=$1 arch=$2 nic=${3:-virtio-mmio}
board=${BOARD:-virt}
gic=${GIC:-2}
machine="virt,gic-version=$gic"
[ "${EL2:-0}" = 1 ] && machine="virt,virtualization=on,gic-version=$gic"

load_addr=${LOAD_ADDR:-}
if [ -n "$load_addr" ] && [ "$board/${UBOOT:-0}" != virt/0 ]; then
	echo "qemu.sh: LOAD_ADDR is for virt without UBOOT" >&2
	exit 1
fi

# put_le64 FILE OFFSET VALUE: write VALUE over 8 bytes of FILE, little-endian.
put_le64() {
	v=$3 bytes=
	for i in 1 2 3 4 5 6 7 8; do
		bytes="$bytes$(printf '\\%03o' $((v & 255)))"
		v=$((v >> 8))
	done
	# shellcheck disable=SC2059
	printf "$bytes" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

case $arch/$board in
riscv64/virt)
	kernel=build/riscv64/kite.bin
	if [ -n "$load_addr" ]; then
		kernel=build/riscv64/kite-at-$load_addr.elf
		riscv64-linux-gnu-ld -N -m elf64lriscv -b binary \
			--section-start=.data="$load_addr" -e "$load_addr" \
			-o "$kernel" build/riscv64/kite.bin || {
			echo "qemu.sh: could not wrap kite.bin at $load_addr" >&2
			exit 1
		}
	fi
	set -- qemu-system-riscv64 -M virt -m 256M -bios default \
		-kernel "$kernel"
	;;
riscv64/sifive_u)
	case $nic in
	none|gem) ;;
	*) echo "qemu.sh: BOARD=sifive_u takes NIC=gem (its Cadence GEM) or NIC=none" >&2
	   exit 1 ;;
	esac
	set -- qemu-system-riscv64 -M sifive_u -m 256M -bios default \
		-kernel build/riscv64/kite.bin
	;;
aarch64/virt)
	kernel=build/aarch64/kite.bin
	if [ -n "$load_addr" ]; then
		offset=$((load_addr - 0x40000000))
		[ "$offset" -ge 4096 ] || {
			echo "qemu.sh: LOAD_ADDR on aarch64 virt must be at least 0x40001000" >&2
			exit 1
		}
		kernel=build/aarch64/kite-at-$load_addr.bin
		# text_offset is the header's second 64-bit field (booting.rst).
		cp build/aarch64/kite.bin "$kernel" &&
			put_le64 "$kernel" 8 "$offset" || {
			echo "qemu.sh: could not make $kernel" >&2
			exit 1
		}
	fi
	set -- qemu-system-aarch64 -M "$machine" -cpu cortex-a57 \
		-m 256M -kernel "$kernel"
	;;
aarch64/zcu102)
	# QEMU builds no tree for this machine: -dtb gives it the board's
	# (QEMU then replaces its memory node with the -m RAM at 0 and
	# disables the xlnx,zynqmp-firmware node, hw/arm/xlnx-zcu102.c).
	# -m 2G, the board's first DDR bank: QEMU 7.2 writes one memory
	# node from 0 as large as -m (hw/arm/boot.c), so with more it
	# would claim the MMIO between 2 GiB and 4 GiB as RAM (the ZynqMP's
	# second bank is at 0x800000000; QEMU maps RAM there, the node
	# does not say so). Its DisplayPort has a sound card: -audiodev none keeps QEMU off
	# the host's audio (QEMU 7.2 still says "audiodev default parameter
	# is deprecated": the device has no property to name it).
	case $nic in
	none|gem) ;;
	*) echo "qemu.sh: BOARD=zcu102 takes NIC=gem or NIC=none" >&2; exit 1 ;;
	esac
	dtb=$("$(dirname "$0")/board-dtb.sh" zcu102) || exit 1
	set -- qemu-system-aarch64 -M xlnx-zcu102 -m 2G \
		-kernel build/aarch64/kite.bin -dtb "$dtb" \
		-audiodev none,id=snd0
	;;
*)
	echo "qemu.sh: no ARCH $arch with BOARD $board (riscv64: virt, sifive_u; aarch64: virt, zcu102)" >&2
	exit 1 ;;
esac

# UBOOT=1: the raw kite.bin through U-Boot's booti instead of -kernel.
# riscv64: OpenSBI (fw_dynamic) starts U-Boot in S-mode; aarch64: U-Boot
# is the firmware (at EL2 with EL2=1, and booti enters Kite at EL2).
# QEMU's generic loader puts kite.bin at U-Boot's ${kernel_addr_r}
# before any CPU runs; U-Boot leaves that memory alone, and booti moves
# the image: on riscv64 to RAM base + text_offset (0x80200000); on
# aarch64, where the header's flags bit 3 allows any 2 MiB-aligned base,
# to the first such base above where it was + text_offset (0x40480000),
# not where it is linked (tests/boot/uboot.exp). At U-Boot's
# prompt: booti ${kernel_addr_r} - ${fdtcontroladdr}. `run` types that
# for you (tools/uboot-booti.exp); APPEND becomes U-Boot's bootargs.
uboot=${UBOOT:-0}
uboot_dir=/usr/lib/u-boot
opensbi=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
if [ "$uboot" = 1 ]; then
	[ "$board" = virt ] || { echo "qemu.sh: UBOOT=1 boots virt only" >&2; exit 1; }
	case $arch in
	riscv64)
		uboot_needs="$opensbi $uboot_dir/qemu-riscv64_smode/u-boot.bin"
		set -- qemu-system-riscv64 -M virt -m 256M -bios "$opensbi" \
			-kernel "$uboot_dir/qemu-riscv64_smode/u-boot.bin" \
			-device loader,file=build/riscv64/kite.bin,addr=0x84000000,force-raw=on
		;;
	aarch64)
		uboot_needs="$uboot_dir/qemu_arm64/u-boot.bin"
		set -- qemu-system-aarch64 -M "$machine" -cpu cortex-a57 \
			-m 256M -bios "$uboot_dir/qemu_arm64/u-boot.bin" \
			-device loader,file=build/aarch64/kite.bin,addr=0x40400000,force-raw=on
		;;
	esac
fi

[ -n "${SMP:-}" ] && set -- "$@" -smp "$SMP"
[ -n "${APPEND:-}" ] && [ "$uboot" != 1 ] && set -- "$@" -append "$APPEND"

# Host side of the forwards: 127.0.0.1 only. Interactive runs use the
# documented ports; a test run sets KITE_PORT_BASE so that concurrent
# runs never fight over a port: base -> 7, base+1 -> 80, base+2 -> 5201,
# base+3 -> 9 (discard), base+4 -> 19 (chargen); interactively 5500 -> 7,
# 8080 -> 80, 5201 -> 5201, 5509 -> 9, 5519 -> 19.
#
# Test runs also forward base+6 -> 5000, a port no service uses, for
# the guest's own listeners (`nc -l 5000`).
#
# The other way, for test runs only: the guest's connections to
# 10.0.2.100:7 reach 127.0.0.1:(base+5) on the host (guestfwd, which
# restrict=on allows), where a test's server listens. QEMU runs
# tools/guestfwd-relay.py for each such connection (guestfwd's cmd:
# form); the relay reads KITE_PORT_BASE from its environment, which it
# inherits through QEMU, and passes a close by either side on to the
# other. (The chardev form, ...-tcp:127.0.0.1:PORT, would make QEMU
# fail to start unless the server already listened, and never shows the
# guest the server's close.)
if [ -n "${KITE_PORT_BASE:-}" ]; then
	p_echo=$KITE_PORT_BASE p_http=$((KITE_PORT_BASE + 1)) p_iperf=$((KITE_PORT_BASE + 2))
	p_discard=$((KITE_PORT_BASE + 3)) p_chargen=$((KITE_PORT_BASE + 4))
else
	p_echo=5500 p_http=8080 p_iperf=5201 p_discard=5509 p_chargen=5519
fi
fwd="hostfwd=tcp:127.0.0.1:$p_echo-:7"
fwd="$fwd,hostfwd=tcp:127.0.0.1:$p_http-:80"
fwd="$fwd,hostfwd=tcp:127.0.0.1:$p_iperf-:5201"
fwd="$fwd,hostfwd=tcp:127.0.0.1:$p_discard-:9"
fwd="$fwd,hostfwd=tcp:127.0.0.1:$p_chargen-:19"
if [ -n "${KITE_PORT_BASE:-}" ]; then
	fwd="$fwd,hostfwd=tcp:127.0.0.1:$((KITE_PORT_BASE + 6))-:5000"
	relay=$(cd "$(dirname "$0")" && pwd)/guestfwd-relay.py
	fwd="$fwd,guestfwd=tcp:10.0.2.100:7-cmd:$relay"
fi
user="user,restrict=on,$fwd"

case $nic in
none)
	set -- "$@" -nic none ;;
virtio-mmio)
	set -- "$@" -netdev "$user,id=n0" -device virtio-net-device,netdev=n0 ;;
virtio-mmio-modern)
	set -- "$@" -global virtio-mmio.force-legacy=false \
		-netdev "$user,id=n0" -device virtio-net-device,netdev=n0 ;;
virtio-pci)
	set -- "$@" -netdev "$user,id=n0" -device virtio-net-pci,netdev=n0 ;;
e1000)
	set -- "$@" -netdev "$user,id=n0" -device e1000,netdev=n0 ;;
both)
	set -- "$@" -netdev "$user,id=n0" -device e1000,netdev=n0,addr=1 \
		-netdev user,restrict=on,id=n1 -device virtio-net-pci,netdev=n1,addr=5 ;;
gem)
	# A board's own GEMs take the NICs of the command line in order
	# (-net nic / -nic, QEMU's nd_table); -net nic names the netdev, so
	# PCAP's filter finds n0 as with every other NIC. sifive_u has one
	# GEM.
	#
	# The ZynqMP SoC makes its four GEMs itself (ff0b0000, ff0c0000,
	# ff0d0000, ff0e0000) and gives GEM i the i-th NIC of the command
	# line (-net nic / -nic, QEMU's nd_table; hw/arm/xlnx-zynqmp.c);
	# there is no -device for them and no index to skip to. The ZCU102
	# tree enables only GEM3 (ethernet@ff0e0000), so GEM0-2 get NICs on
	# hubs of their own with nothing else on them (QEMU warns "hub N is
	# not connected to host network": that is the point) and the user
	# network is the fourth. `info network` shows n0 on cadence_gem.3,
	# `info qtree` that device at mmio 00000000ff0e0000.
	case $board in
	sifive_u)
		set -- "$@" -netdev "$user,id=n0" -net nic,netdev=n0 ;;
	zcu102)
		for i in 0 1 2; do
			set -- "$@" -netdev hubport,id=idle$i,hubid=$i \
				-net nic,model=cadence_gem,netdev=idle$i
		done
		set -- "$@" -netdev "$user,id=n0" \
			-net nic,model=cadence_gem,netdev=n0 ;;
	*)
		echo "qemu.sh: NIC=gem is the GEM of BOARD=sifive_u or zcu102" >&2
		exit 1 ;;
	esac ;;
*)
	echo "qemu.sh: unknown NIC $nic" >&2; exit 1 ;;
esac

# PCAP=FILE records every frame each NIC sends and receives, in pcap
# format, with QEMU's filter-dump (whole frames: its maxlen defaults to
# 65536), for tshark or Wireshark. With NIC=both each netdev gets a file
# of its own, named FILE with the netdev's id before the extension:
# cap.pcap -> cap.n0.pcap (the e1000) and cap.n1.pcap (the virtio-net).
# Unset, nothing changes.
pcap_file() {	# ID: where netdev ID's frames go
	if [ "$nic" != both ]; then
		echo "$PCAP"
		return
	fi
	case ${PCAP##*/} in
	*.*) echo "${PCAP%.*}.$1.${PCAP##*.}" ;;
	*) echo "$PCAP.$1" ;;
	esac
}
if [ -n "${PCAP:-}" ]; then
	case $nic in
	none) ids= ; echo "qemu.sh: NIC=none, nothing to capture to $PCAP" >&2 ;;
	both) ids="n0 n1" ;;
	*) ids=n0 ;;
	esac
	for id in $ids; do
		# QEMU's option syntax: a comma in a value is written twice.
		f=$(pcap_file "$id" | sed 's/,/,,/g')
		set -- "$@" -object "filter-dump,id=pcap-$id,netdev=$id,file=$f"
		[ "$mode" = print ] || echo "qemu: capturing $id to $(pcap_file "$id")" >&2
	done
fi

case $mode in
print)
	# Shell-quoted where needed, so the line can be pasted as is.
	for a in "$@" -nographic; do
		case $a in
		*" "*) printf "'%s' " "$a" ;;
		*) printf '%s ' "$a" ;;
		esac
	done
	echo ;;
run)
	echo "qemu: $* -nographic" >&2
	if [ "$uboot" = 1 ]; then
		for f in $uboot_needs; do
			[ -e "$f" ] || { echo "qemu.sh: UBOOT=1 needs $f (make deps installs u-boot-qemu and opensbi)" >&2; exit 1; }
		done
		echo "qemu: Ctrl-A X quits; typing the booti line at U-Boot's prompt" >&2
		exec expect -f "$(dirname "$0")/uboot-booti.exp" "$@" -nographic
	fi
	echo "qemu: Ctrl-A X quits" >&2
	exec "$@" -nographic ;;
debug)
	[ "$uboot" = 1 ] && { echo "qemu.sh: debug boots Kite directly; UBOOT=1 is for run and print" >&2; exit 1; }
	# QEMU halts at the first instruction with a gdb stub on loopback;
	# the console goes to a log file so gdb can have the terminal.
	log=build/$arch/debug-console.log
	"$@" -S -gdb tcp:127.0.0.1:1234 -serial "file:$log" -monitor none \
		-display none &
	qemu=$!
	trap 'kill "$qemu" 2>/dev/null || true' EXIT INT TERM
	echo "qemu: console in $log (tail -f it in another terminal)" >&2
	# kite.elf's symbols are at its link address (its entry point);
	# loaded elsewhere (LOAD_ADDR), gdb takes them at the difference.
	elf=build/$arch/kite.elf
	off=0
	if [ -n "$load_addr" ]; then
		link=$(readelf -h "$elf" | awk '/Entry point address/ { print $4 }')
		off=$(printf '%#x' $((load_addr - link)))
	fi
	gdb-multiarch -q -ex "symbol-file -o $off $elf" \
		-ex "target remote 127.0.0.1:1234" ;;
esac
