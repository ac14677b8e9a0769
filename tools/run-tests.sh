#!/bin/sh
# `make test`: build both arches, run the host unit tests and the boot
# tests, and end with one line "N passed, N failed" (", N skipped" after
# it when a test could not run here).
#
# Every test program prints "PASS name" / "FAIL name: why" lines; this
# script shows them and counts them. A program that dies without saying
# why (a sanitizer abort, a crash) is a FAIL of its own. Logs of every
# step are kept under build/test-logs/.
set -u
cd "$(dirname "$0")/.."

# Host ports forwarded to guests (tools/qemu.sh) start here: chosen per
# run, so that runs side by side never fight over a port.
KITE_PORT_BASE=${KITE_PORT_BASE:-$((20000 + $$ % 20000))}
export KITE_PORT_BASE

logs=build/test-logs
rm -rf "$logs"
mkdir -p "$logs"
results=$logs/results
: >"$results"

say() {
	echo "$1" | tee -a "$results"
}

# run NAME LOG CMD...: run a test program, show its result lines, and
# record a FAIL if it exits non-zero without reporting one. Returns 0 if
# it passed: status 0, a PASS and no FAIL.
run() {
	name=$1 log=$2
	shift 2
	"$@" >"$log" 2>&1
	rc=$?
	grep -aE '^(PASS|FAIL) ' "$log" | tee -a "$results"
	if [ $rc -ne 0 ] && ! grep -aqE '^FAIL ' "$log"; then
		say "FAIL $name: exited with status $rc (see $log)"
	fi
	if ! grep -aqE '^(PASS|FAIL) ' "$log" && [ $rc -eq 0 ]; then
		say "FAIL $name: reported no result (see $log)"
	fi
	[ $rc -eq 0 ] && grep -aqE '^PASS ' "$log" && ! grep -aqE '^FAIL ' "$log"
}

# Packet captures: every QEMU run with a NIC records its frames
# (tools/qemu.sh's PCAP) in $logs/TEST-TAG.pcap, or TEST-TAG.n0.pcap and
# .n1.pcap with two NICs. A PCAP given to `make test` itself is not used.
unset PCAP

# capture_done OK LOG PCAP: after a test, delete its captures if it
# passed (OK is 0); if not, keep them and say where, on screen and in LOG.
capture_done() {
	for f in "$3" "${3%.pcap}.n0.pcap" "${3%.pcap}.n1.pcap"; do
		[ -e "$f" ] || continue
		if [ "$1" -eq 0 ]; then
			rm -f "$f"
		else
			echo "  packet capture kept: $f" | tee -a "$2"
		fi
	done
}

# --- builds ----------------------------------------------------------------
# newlib takes minutes per arch the first time: build both side by side.
make --no-print-directory ARCH=riscv64 newlib >"$logs/newlib-riscv64.log" 2>&1 &
make --no-print-directory ARCH=aarch64 newlib >"$logs/newlib-aarch64.log" 2>&1 &
wait
for arch in riscv64 aarch64; do
	if make --no-print-directory ARCH=$arch all >"$logs/build-$arch.log" 2>&1; then
		say "PASS build_$arch"
	else
		say "FAIL build_$arch: see $logs/build-$arch.log"
		tail -n 20 "$logs/build-$arch.log"
	fi
done

# --- set-up paths -----------------------------------------------------------
# What a newcomer meets first: `make run` on a machine without the cross
# compilers (the Makefile once read them before installing them), every
# QEMU line of `make run` and the README starting with its ROMs from a
# package tools/deps.sh installs, and every file that README and comments
# name existing.
run setup_first_make "$logs/setup-first-make.out" tests/setup/first_make.sh
run setup_qemu_roms "$logs/setup-qemu-roms.out" tests/setup/qemu_roms.py
run refs "$logs/refs.out" tools/check-refs.py

# --- host unit tests (ASan + UBSan) ----------------------------------------
if make --no-print-directory -j"$(nproc)" unit >"$logs/build-unit.log" 2>&1; then
	for t in build/host/test_*; do
		case $t in *.d) continue ;; esac	# make's dependency files
		name=$(basename "$t")
		run "$name" "$logs/$name.log" "$t"
	done
else
	say "FAIL build_unit_tests: see $logs/build-unit.log"
	tail -n 20 "$logs/build-unit.log"
fi

# --- fuzz smoke (clang libFuzzer, ASan + UBSan) ---------------------------
# Every regression input replayed, then a fixed number of runs of each
# target of tests/fuzz/ (tools/fuzz.sh); SKIP lines without clang's fuzzer.
tools/fuzz.sh smoke >"$logs/fuzz-smoke.log" 2>&1
rc=$?
grep -aE '^(PASS|FAIL|SKIP) ' "$logs/fuzz-smoke.log" | tee -a "$results"
if [ $rc -ne 0 ] && ! grep -aqE '^FAIL ' "$logs/fuzz-smoke.log"; then
	say "FAIL fuzz_smoke: exited with status $rc (see $logs/fuzz-smoke.log)"
fi

# --- boot tests under plain QEMU -------------------------------------------
# Command lines come from tools/qemu.sh (the same ones `make run` uses);
# the tests spawn plain qemu-system-* with them.

# TAG ARCH GIC EL2: the system shell and the panic path, no NIC.
while read -r tag arch gic el2; do
	cmd=$(GIC=$gic EL2=$el2 tools/qemu.sh print "$arch" none)
	for t in system panic; do
		run "boot_${t}_$tag" "$logs/$t-$tag.out" expect -f \
			tests/boot/$t.exp "$tag" "$logs/$t-$tag.console" $cmd
	done
done <<EOT
riscv64 riscv64 2 0
aarch64_gicv2 aarch64 2 0
aarch64_gicv3 aarch64 3 0
aarch64_el2_gicv3 aarch64 3 1
EOT

# The same image on QEMU's model of a real board, the SiFive HiFive
# Unleashed (sifive_u): OpenSBI starts Kite on hart 1 (hart 0 has no
# S-mode), so the PLIC context is not the first; the console is the
# board's sifive,uart0. QEMU's sifive_u has no power-off device, so
# poweroff must halt saying so (system.exp -no-power-off).
cmd=$(BOARD=sifive_u tools/qemu.sh print riscv64 none)
run boot_system_riscv64_sifive_u "$logs/system-riscv64_sifive_u.out" \
	expect -f tests/boot/system.exp -- -board "SiFive HiFive Unleashed A00" \
	-console ttySIF0 -no-power-off riscv64_sifive_u \
	"$logs/system-riscv64_sifive_u.console" $cmd
run boot_panic_riscv64_sifive_u "$logs/panic-riscv64_sifive_u.out" \
	expect -f tests/boot/panic.exp riscv64_sifive_u \
	"$logs/panic-riscv64_sifive_u.console" $cmd

# The board's own NIC, its Cadence GEM (drivers/gem.c, PHY through
# drivers/phy.c) on QEMU user networking: DHCP, ping, a 2 MiB TCP echo
# through hostfwd, the GEM's PLIC line counting (tests/boot/gem.exp).
# Then the board's tree made wrong with fdtput, the network still
# working: the PHY's reg changed to 7 (QEMU's PHY answers at 0: the
# driver must find it by scanning and say so), the GEM's interrupts
# deleted (it must poll and say so), and its local-mac-address deleted
# (it must take the address QEMU left in the GEM's SA1 registers).
pcap=$logs/gem-riscv64_sifive_u.pcap
cmd=$(PCAP=$pcap BOARD=sifive_u tools/qemu.sh print riscv64 gem)
run boot_gem_riscv64_sifive_u "$logs/gem-riscv64_sifive_u.out" \
	expect -f tests/boot/gem.exp -- riscv64_sifive_u_gem \
	"$logs/gem-riscv64_sifive_u.console" $cmd
ok=$?
# PCAP's filter finds the GEM's netdev (-net nic,netdev=n0).
run boot_pcap_gem_riscv64_sifive_u "$logs/pcap-gem-riscv64_sifive_u.out" \
	tools/pcap-check.py riscv64_sifive_u_gem_capture_has_guest_arp_or_icmp \
	"$pcap" || ok=1
capture_done $ok "$logs/gem-riscv64_sifive_u.out" "$pcap"
su_dtb=$logs/sifive_u.dtb
gem=/soc/ethernet@10090000
if qemu-system-riscv64 -M "sifive_u,dumpdtb=$su_dtb" -m 256M -nographic \
	-nic none >"$logs/dumpdtb-sifive_u.out" 2>&1 &&
	cp "$su_dtb" "$logs/sifive_u-phy-reg-7.dtb" &&
	fdtput -t x "$logs/sifive_u-phy-reg-7.dtb" "$gem/ethernet-phy@0" reg 7 &&
	cp "$su_dtb" "$logs/sifive_u-gem-no-interrupts.dtb" &&
	fdtput -d "$logs/sifive_u-gem-no-interrupts.dtb" "$gem" interrupts &&
	cp "$su_dtb" "$logs/sifive_u-gem-no-mac.dtb" &&
	fdtput -d "$logs/sifive_u-gem-no-mac.dtb" "$gem" local-mac-address; then
	cmd=$(BOARD=sifive_u tools/qemu.sh print riscv64 gem)
	run boot_gem_riscv64_sifive_u_phy_reg_7 \
		"$logs/gem-riscv64_sifive_u_phy_reg_7.out" \
		expect -f tests/boot/gem.exp -- -log boot_log_shows_phy_found_by_scan \
		'^eth0: no PHY at MDIO address 7, found one at 0 \(id 0x01410cc2\)' \
		riscv64_sifive_u_gem_phy_reg_7 \
		"$logs/gem-riscv64_sifive_u_phy_reg_7.console" $cmd \
		-dtb "$logs/sifive_u-phy-reg-7.dtb"
	run boot_gem_riscv64_sifive_u_no_interrupts \
		"$logs/gem-riscv64_sifive_u_no_interrupts.out" \
		expect -f tests/boot/gem.exp -- -polled \
		-log boot_log_says_no_interrupt_polling \
		'^eth0: no usable interrupt \(-?[0-9]+\), polling' \
		riscv64_sifive_u_gem_no_interrupts \
		"$logs/gem-riscv64_sifive_u_no_interrupts.console" $cmd \
		-dtb "$logs/sifive_u-gem-no-interrupts.dtb"
	run boot_gem_riscv64_sifive_u_no_mac_in_tree \
		"$logs/gem-riscv64_sifive_u_no_mac_in_tree.out" \
		expect -f tests/boot/gem.exp -- -log boot_log_says_mac_from_sa1 \
		'^eth0: mac 52:54:00:12:34:56 from the device \(SA1\)' \
		riscv64_sifive_u_gem_no_mac_in_tree \
		"$logs/gem-riscv64_sifive_u_no_mac_in_tree.console" $cmd \
		-dtb "$logs/sifive_u-gem-no-mac.dtb"
else
	say "FAIL boot_gem_riscv64_sifive_u_bad_trees: could not make the edited trees (see $logs/dumpdtb-sifive_u.out)"
fi

# A device tree without /chosen/stdout-path (virt's own, with it taken
# out by dtc's fdtput): the SBI firmware's console must stay, and the
# whole shell work through it.
dtb=$logs/virt-no-stdout-path.dtb
if qemu-system-riscv64 -M "virt,dumpdtb=$dtb" -m 256M -nographic -nic none \
	>"$logs/dumpdtb.out" 2>&1 && fdtput -d "$dtb" /chosen stdout-path; then
	cmd=$(tools/qemu.sh print riscv64 none)
	run boot_system_riscv64_no_stdout_path \
		"$logs/system-riscv64_no_stdout_path.out" \
		expect -f tests/boot/system.exp -- -console early \
		riscv64_no_stdout_path \
		"$logs/system-riscv64_no_stdout_path.console" $cmd -dtb "$dtb"
else
	say "FAIL boot_system_riscv64_no_stdout_path: could not make $dtb (see $logs/dumpdtb.out)"
fi

# TAG ARCH GIC EL2: the raw kite.bin through Debian's U-Boot with booti,
# as a board boots it (tools/qemu.sh UBOOT=1). Without u-boot-qemu and
# opensbi the test says SKIP (exit 77).
while read -r tag arch gic el2; do
	cmd=$(UBOOT=1 GIC=$gic EL2=$el2 tools/qemu.sh print "$arch" none)
	out=$logs/uboot-$tag.out
	expect -f tests/boot/uboot.exp "$tag" "$logs/uboot-$tag.console" \
		$cmd >"$out" 2>&1
	rc=$?
	grep -aE '^(PASS|FAIL|SKIP) ' "$out" | tee -a "$results"
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && ! grep -aqE '^FAIL ' "$out"; then
		say "FAIL boot_uboot_$tag: exited with status $rc (see $out)"
	fi
	if [ $rc -eq 0 ] && ! grep -aqE '^(PASS|FAIL) ' "$out"; then
		say "FAIL boot_uboot_$tag: reported no result (see $out)"
	fi
done <<EOT
riscv64 riscv64 2 0
aarch64_gicv2 aarch64 2 0
aarch64_el2_gicv3 aarch64 3 1
EOT

# TAG ARCH GIC NIC EXPECTED-INTERFACES: each NIC model with QEMU user
# networking (restrict=on), and an e1000 + virtio-net-pci pair sharing
# one INTx line. virtio-mmio is QEMU's plain line, the legacy layout;
# virtio-mmio-modern the virtio 1.x one; virtio-mmio-split a legacy
# device that does not offer VIRTIO_F_ANY_LAYOUT (QEMU's any_layout=off),
# so the header goes in a descriptor of its own.
while read -r tag arch gic nic expected; do
	pcap=$logs/nic-$tag.pcap
	case $nic in
	virtio-mmio-split)
		cmd=$(PCAP=$pcap GIC=$gic tools/qemu.sh print "$arch" virtio-mmio |
			sed 's/virtio-net-device,netdev=n0/&,any_layout=off/') ;;
	*) cmd=$(PCAP=$pcap GIC=$gic tools/qemu.sh print "$arch" "$nic") ;;
	esac
	run "boot_nic_$tag" "$logs/nic-$tag.out" expect -f \
		tests/boot/nic.exp "$tag" "$logs/nic-$tag.console" "$expected" $cmd
	capture_done $? "$logs/nic-$tag.out" "$pcap"
done <<EOT
riscv64_virtio_mmio riscv64 2 virtio-mmio virtio-net:mmio:legacy
riscv64_virtio_mmio_modern riscv64 2 virtio-mmio-modern virtio-net:mmio
riscv64_virtio_pci riscv64 2 virtio-pci virtio-net:pci
riscv64_e1000 riscv64 2 e1000 e1000:pci
riscv64_shared_intx riscv64 2 both e1000:pci,virtio-net:pci
aarch64_gicv2_virtio_mmio aarch64 2 virtio-mmio virtio-net:mmio:legacy
aarch64_gicv2_virtio_mmio_split aarch64 2 virtio-mmio-split virtio-net:mmio:legacy-split
aarch64_gicv2_virtio_pci aarch64 2 virtio-pci virtio-net:pci
aarch64_gicv2_e1000 aarch64 2 e1000 e1000:pci
aarch64_gicv2_shared_intx aarch64 2 both e1000:pci,virtio-net:pci
aarch64_gicv3_virtio_mmio_modern aarch64 3 virtio-mmio-modern virtio-net:mmio
aarch64_gicv3_virtio_pci aarch64 3 virtio-pci virtio-net:pci
aarch64_gicv3_e1000 aarch64 3 e1000 e1000:pci
aarch64_gicv3_shared_intx aarch64 3 both e1000:pci,virtio-net:pci
EOT

# TAG ARCH GIC NIC MODE: the IPv4 core over each NIC model; MODE dhcp
# takes QEMU's lease, static passes ip=/gw= on the command line.
while read -r tag arch gic nic mode; do
	pcap=$logs/net-$tag.pcap
	cmd=$(PCAP=$pcap GIC=$gic tools/qemu.sh print "$arch" "$nic")
	if [ "$mode" = static ]; then
		set -- -append "ip=10.0.2.15/24 gw=10.0.2.2"
	else
		set --
	fi
	run "boot_net_$tag" "$logs/net-$tag.out" expect -f tests/boot/net.exp \
		"$tag" "$logs/net-$tag.console" "$mode" $cmd "$@"
	ok=$?
	# The capture works: read before capture_done deletes it.
	run "boot_pcap_$tag" "$logs/pcap-net-$tag.out" tools/pcap-check.py \
		"${tag}_capture_has_guest_arp_or_icmp" "$pcap" || ok=1
	capture_done $ok "$logs/net-$tag.out" "$pcap"
done <<EOT
riscv64_virtio_mmio riscv64 2 virtio-mmio dhcp
riscv64_virtio_mmio_modern riscv64 2 virtio-mmio-modern dhcp
riscv64_virtio_pci riscv64 2 virtio-pci dhcp
riscv64_e1000_static riscv64 2 e1000 static
aarch64_gicv2_e1000 aarch64 2 e1000 dhcp
aarch64_gicv3_virtio_mmio aarch64 3 virtio-mmio dhcp
aarch64_gicv3_virtio_mmio_modern aarch64 3 virtio-mmio-modern dhcp
aarch64_gicv3_virtio_pci_static aarch64 3 virtio-pci static
EOT

# TAG ARCH GIC NIC: TCP through the socket layer: a host client echoes
# bulk data through the guest's TCP echo service (port 7) over hostfwd
# on 127.0.0.1:KITE_PORT_BASE. Then nc typed at the guest's console:
# out to a host server through guestfwd (10.0.2.100:7 ->
# 127.0.0.1:KITE_PORT_BASE+5), and in through hostfwd (+6 -> 5000).
while read -r tag arch gic nic; do
	for t in tcp nc; do
		pcap=$logs/$t-$tag.pcap
		cmd=$(PCAP=$pcap GIC=$gic tools/qemu.sh print "$arch" "$nic")
		run "boot_${t}_$tag" "$logs/$t-$tag.out" expect -f \
			tests/boot/$t.exp "$tag" "$logs/$t-$tag.console" $cmd
		capture_done $? "$logs/$t-$tag.out" "$pcap"
	done
done <<EOT
riscv64_virtio_mmio riscv64 2 virtio-mmio
aarch64_gicv3_e1000 aarch64 3 e1000
EOT

# NAME RC OUT PCAP: the verdict of a test run by tools/netns-run.sh:
# SKIP when the namespace could not be made (77), else its PASS/FAIL
# lines (and NOTE lines, which are not counted), a FAIL of its own if it
# exited badly without saying why, and its capture kept only on failure.
netns_result() {
	name=$1 rc=$2 out=$3 pcap=$4
	if [ "$rc" -eq 77 ]; then
		say "SKIP $name: SKIPPED, needs root and /dev/net/tun (see $out)"
		return
	fi
	grep -aE '^(PASS|FAIL|NOTE) ' "$out" | tee -a "$results"
	if [ "$rc" -ne 0 ] && ! grep -aqE '^FAIL ' "$out"; then
		say "FAIL $name: exited with status $rc (see $out)"
	fi
	grep -aqE '^FAIL ' "$out" && rc=1
	capture_done "$rc" "$out" "$pcap"
}

# TAG ARCH GIC DEVICE: a real host (Linux, in a network namespace this
# run creates) on a tap link to the guest, over IPv4 and IPv6 (the guest
# at fd00:3::2/64 from ip6=, the host side at fd00:3::1 that tap.exp
# adds inside the namespace). Needs root and /dev/net/tun.
while read -r tag arch gic device; do
	cmd=$(GIC=$gic tools/qemu.sh print "$arch" none | sed 's/ -nic none//')
	tools/netns-run.sh "$tag" expect -f tests/boot/tap.exp "$tag" \
		"$logs/tap-$tag.console" $cmd \
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
		-device "$device,netdev=n0" \
		-object "filter-dump,id=pcap-n0,netdev=n0,file=$logs/tap-$tag.pcap" \
		-append "ip=10.0.3.2/24 gw=10.0.3.1 ip6=fd00:3::2/64" \
		>"$logs/tap-$tag.out" 2>&1
	netns_result "boot_tap_$tag" $? "$logs/tap-$tag.out" "$logs/tap-$tag.pcap"
done <<EOT
riscv64_tap_virtio_pci riscv64 2 virtio-net-pci
aarch64_gicv3_tap_e1000 aarch64 3 e1000
EOT

# TAG ARCH GIC DEVICE: hostile peers on the same kind of link (issue 7).
# tests/boot/hostile.py, with scapy (python3-scapy), sends malformed
# frames, RFC 5961 blind attacks and a spoofed SYN flood from inside the
# namespace, and checks the guest's counters and that it still serves.
# Needs root, /dev/net/tun and scapy; about 40 s each.
while read -r tag arch gic device; do
	out=$logs/hostile-$tag.out
	if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
		say "SKIP boot_hostile_$tag: SKIPPED, needs Debian's python3-scapy (tools/deps.sh)"
		continue
	fi
	cmd=$(GIC=$gic tools/qemu.sh print "$arch" none | sed 's/ -nic none//')
	# vnet_hdr=off: without it QEMU 7.2's filter-dump writes each
	# virtio-net frame with its 12-byte virtio header in front.
	tools/netns-run.sh "$tag" expect -f tests/boot/hostile.exp "$tag" \
		"$logs/hostile-$tag.console" $cmd \
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no,vnet_hdr=off \
		-device "$device,netdev=n0" \
		-object "filter-dump,id=pcap-n0,netdev=n0,file=$logs/hostile-$tag.pcap" \
		-append "ip=10.0.3.2/24 gw=10.0.3.1" >"$out" 2>&1
	netns_result "boot_hostile_$tag" $? "$out" "$logs/hostile-$tag.pcap"
done <<EOT
riscv64_hostile_virtio_pci riscv64 2 virtio-net-pci
aarch64_gicv3_hostile_e1000 aarch64 3 e1000
EOT

# TAG ARCH GIC DEVICE: the guest under load from a real host on the same
# kind of link (issue 7): tests/boot/tapstress.exp. QEMU's NIC goes
# through tools/impair-link.py (netem in user space, both directions:
# the host kernel may have no sch_netem), which owns tap0 and talks to
# QEMU over UDP on the namespace's loopback (it on port 7000, QEMU on
# 7001). Orphans, impaired bulk transfers, 1000 connections at once,
# 10000 connect/close cycles. Needs root and /dev/net/tun; about 75 s
# each. Frame headers only are captured (maxlen): the data is tens of MB.
while read -r tag arch gic device; do
	out=$logs/tapstress-$tag.out
	cmd=$(GIC=$gic tools/qemu.sh print "$arch" none | sed 's/ -nic none//')
	tools/netns-run.sh "$tag" expect -f tests/boot/tapstress.exp "$tag" \
		"$logs/tapstress-$tag.console" 7000 $cmd \
		-netdev dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=7001,remote.type=inet,remote.host=127.0.0.1,remote.port=7000 \
		-device "$device,netdev=n0" \
		-object "filter-dump,id=pcap-n0,netdev=n0,maxlen=128,file=$logs/tapstress-$tag.pcap" \
		-append "ip=10.0.3.2/24 gw=10.0.3.1" >"$out" 2>&1
	netns_result "boot_tapstress_$tag" $? "$out" "$logs/tapstress-$tag.pcap"
done <<EOT
riscv64_tapstress_virtio_pci riscv64 2 virtio-net-pci
aarch64_gicv3_tapstress_e1000 aarch64 3 e1000
EOT

# TAG ARCH GIC DEVICE: the bounded soak (tests/boot/soak.exp through
# tools/soak.sh, which `make soak` runs for longer): rounds of mixed
# traffic for 45 s, the heap flat and sockstat at its baseline after
# each. Needs root and /dev/net/tun.
while read -r tag arch gic device; do
	out=$logs/soak-$tag.out
	tools/soak.sh 45 "$tag" "$arch" "$gic" "$device" \
		"$logs/soak-$tag.console" >"$out" 2>&1
	netns_result "boot_soak_$tag" $? "$out" ""
done <<EOT
riscv64_soak_virtio_pci riscv64 2 virtio-net-pci
aarch64_gicv3_soak_e1000 aarch64 3 e1000
EOT

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
skipped=$(grep -c '^SKIP ' "$results")
echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
