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
	grep -aE '^(PASS|FAIL|SKIP) ' "$log" | tee -a "$results"
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
# Each image as its loader and start.S read it: only RELATIVE
# relocations, all inside the image, the table in kite.bin, and a Linux
# image header that says what its spec says.
run check_image "$logs/check-image.out" tools/check-image.py riscv64 aarch64

# --- set-up paths -----------------------------------------------------------
# What a newcomer meets first: `make run` on a machine without the cross
# compilers (the Makefile once read them before installing them), every
# QEMU line of `make run` and the README starting with its ROMs from a
# package tools/deps.sh installs, and every file that README and comments
# name existing.
run setup_first_make "$logs/setup-first-make.out" tests/setup/first_make.sh
run setup_qemu_roms "$logs/setup-qemu-roms.out" tests/setup/qemu_roms.py
run setup_no_skip "$logs/setup-no-skip.out" tests/setup/no_skip.sh
run refs "$logs/refs.out" tools/check-refs.py
run setup_qemu_zcu102_gem "$logs/setup-qemu-zcu102-gem.out" \
	tests/setup/qemu_zcu102_gem.py

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
# target of tests/fuzz/ (tools/fuzz.sh); without clang's fuzzer runtime
# (which `make test` installs) each target fails.
tools/fuzz.sh smoke >"$logs/fuzz-smoke.log" 2>&1
rc=$?
grep -aE '^(PASS|FAIL) ' "$logs/fuzz-smoke.log" | tee -a "$results"
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

# The same image on QEMU's Xilinx ZCU102 (xlnx-zcu102), booted with the
# board's own device tree from Debian's linux-image-arm64, fetched once
# by tools/board-dtb.sh: RAM at 0, a Cadence UART console (ttyPS0), a
# GIC-400, PSCI through smc (QEMU's own, which exits with status 0 on
# SYSTEM_OFF). Then the same tree without /chosen/stdout-path: aarch64
# has no firmware console, so the first enabled UART must take over,
# saying so. A tree that cannot be fetched fails all three.
zcu102_tests="boot_system_aarch64_zcu102 boot_panic_aarch64_zcu102 boot_system_aarch64_zcu102_no_stdout_path"
if cmd=$(BOARD=zcu102 tools/qemu.sh print aarch64 none 2>"$logs/zcu102-dtb.out"); then
	run boot_system_aarch64_zcu102 "$logs/system-aarch64_zcu102.out" \
		expect -f tests/boot/system.exp -- -board "ZynqMP ZCU102 Rev1.0" \
		-console ttyPS0 aarch64_zcu102 \
		"$logs/system-aarch64_zcu102.console" $cmd
	run boot_panic_aarch64_zcu102 "$logs/panic-aarch64_zcu102.out" \
		expect -f tests/boot/panic.exp aarch64_zcu102 \
		"$logs/panic-aarch64_zcu102.console" $cmd
	dtb=$logs/zcu102-no-stdout-path.dtb
	if cp "$(tools/board-dtb.sh zcu102)" "$dtb" &&
		fdtput -d "$dtb" /chosen stdout-path; then
		run boot_system_aarch64_zcu102_no_stdout_path \
			"$logs/system-aarch64_zcu102_no_stdout_path.out" \
			expect -f tests/boot/system.exp -- -console ttyPS0 -first-uart \
			aarch64_zcu102_no_stdout_path \
			"$logs/system-aarch64_zcu102_no_stdout_path.console" \
			$cmd -dtb "$dtb"
	else
		say "FAIL boot_system_aarch64_zcu102_no_stdout_path: could not make $dtb"
	fi
else
	for t in $zcu102_tests; do
		say "FAIL $t: tools/board-dtb.sh could not fetch the ZCU102 tree (see $logs/zcu102-dtb.out)"
	done
fi

# TAG ARCH GIC ADDR: the same image where QEMU does not put it by
# default (tools/qemu.sh LOAD_ADDR; riscv64: wrapped in an ELF that QEMU
# loads there and OpenSBI enters there; aarch64: a copy whose header's
# text_offset puts it there), 2 MiB above its link address, so it runs
# only if boot/<arch>/start.S relocates it; the whole system suite and
# the panic path then run on the relocated image. (Only 2 MiB above: the
# heap starts after the image, and system.exp wants 95% of RAM in it.)
while read -r tag arch gic addr; do
	cmd=$(GIC=$gic LOAD_ADDR=$addr tools/qemu.sh print "$arch" none)
	run "boot_system_$tag" "$logs/system-$tag.out" \
		expect -f tests/boot/system.exp -- -loaded-at "$addr" \
		"$tag" "$logs/system-$tag.console" $cmd
	run "boot_panic_$tag" "$logs/panic-$tag.out" expect -f \
		tests/boot/panic.exp "$tag" "$logs/panic-$tag.console" $cmd
done <<EOT
riscv64_relocated riscv64 2 0x80400000
aarch64_gicv3_relocated aarch64 3 0x40280000
EOT
# riscv64's refusals: a damaged relocation and a misaligned load address
# must each stop the image with its message on the SBI console, before
# the banner. (aarch64 has no console that early: it parks.)
run boot_reloc_refusals_riscv64 "$logs/reloc-refusals-riscv64.out" \
	tests/boot/reloc_refusals.py "$logs/reloc-refusals-riscv64"

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

# The same driver on the ZCU102's GEM3 (cdns,zynqmp-gem: two queues,
# 64-bit descriptors, an SPI on the GIC-400), with the board's own tree,
# whose PHY address (12) is not where QEMU's PHY answers (23): the
# driver must find it by scanning and say so; then the whole of gem.exp.
if cmd=$(BOARD=zcu102 tools/qemu.sh print aarch64 gem 2>"$logs/zcu102-gem-dtb.out"); then
	run boot_gem_aarch64_zcu102 "$logs/gem-aarch64_zcu102.out" \
		expect -f tests/boot/gem.exp -- \
		-board ethernet@ff0e0000 52:54:00:12:34:59 "GICv2 95" \
		-log boot_log_shows_phy_found_by_scan \
		'^eth0: no PHY at MDIO address 12, found one at 23 ' \
		aarch64_zcu102_gem "$logs/gem-aarch64_zcu102.console" $cmd
else
	say "FAIL boot_gem_aarch64_zcu102: tools/board-dtb.sh could not fetch the ZCU102 tree (see $logs/zcu102-gem-dtb.out)"
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
# opensbi (which `make test` installs) the test fails.
while read -r tag arch gic el2; do
	cmd=$(UBOOT=1 GIC=$gic EL2=$el2 tools/qemu.sh print "$arch" none)
	out=$logs/uboot-$tag.out
	expect -f tests/boot/uboot.exp "$tag" "$logs/uboot-$tag.console" \
		$cmd >"$out" 2>&1
	rc=$?
	grep -aE '^(PASS|FAIL) ' "$out" | tee -a "$results"
	if [ $rc -ne 0 ] && ! grep -aqE '^FAIL ' "$out"; then
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

# TAG GIC NIC EXPECTED-INTERFACES: aarch64 with a second CPU, which
# QEMU holds powered off for PSCI as firmware holds secondaries
# (booting.rst). The CPU that entered Kite runs it, whatever its MPIDR,
# and the interrupt controller must send the NIC's SPIs there (GICv2:
# the banked GICD_ITARGETSR0 mask of this CPU interface; GICv3: this
# MPIDR's redistributor and GICD_IROUTER). QEMU always enters on CPU 0,
# so a boot on another CPU is not tested here.
while read -r tag gic nic expected; do
	pcap=$logs/nic-$tag.pcap
	cmd=$(SMP=2 PCAP=$pcap GIC=$gic tools/qemu.sh print aarch64 "$nic")
	run "boot_nic_$tag" "$logs/nic-$tag.out" expect -f \
		tests/boot/nic.exp "$tag" "$logs/nic-$tag.console" "$expected" $cmd
	capture_done $? "$logs/nic-$tag.out" "$pcap"
done <<EOT
aarch64_gicv2_smp2_e1000 2 e1000 e1000:pci
aarch64_gicv3_smp2_virtio_pci 3 virtio-pci virtio-net:pci
EOT

# Non-coherent DMA, which QEMU's virt never has: its own aarch64 tree with
# every dma-coherent taken out (dtc), so virtio-mmio, virtio-pci and e1000
# run on uncached rings with cache maintenance around every buffer
# (drivers/dma.c). The boot log must name each device non-coherent.
# QEMU models no caches: this proves the path runs (uncached pages made
# with break-before-make, DC instructions, bus addresses), not that the
# maintenance is right; tests/unit/test_dma.c proves that.
while read -r tag gic nic expected ndev; do
	dtb=$logs/nic-$tag.dtb
	cmd=$(GIC=$gic tools/qemu.sh print aarch64 "$nic")
	if $(echo "$cmd" | sed "s#-M virt\([^ ]*\)#-M virt\1,dumpdtb=$dtb#") \
		>"$logs/dumpdtb-$tag.out" 2>&1 &&
		dtc -q -I dtb -O dts "$dtb" | grep -v 'dma-coherent;' |
		dtc -q -I dts -O dtb -o "$dtb.nc" -; then
		run "boot_nic_$tag" "$logs/nic-$tag.out" expect -f \
			tests/boot/nic.exp "$tag" "$logs/nic-$tag.console" \
			"$expected" $cmd -dtb "$dtb.nc"
		n=$(grep -ac 'not cache-coherent' "$logs/nic-$tag.console")
		if [ "$n" = "$ndev" ]; then
			say "PASS boot_nic_${tag}_logs_each_device_non_coherent"
		else
			say "FAIL boot_nic_${tag}_logs_each_device_non_coherent: $n lines, expected $ndev"
		fi
	else
		say "FAIL boot_nic_$tag: could not make $dtb.nc (see $logs/dumpdtb-$tag.out)"
	fi
done <<EOT
aarch64_gicv2_noncoherent_virtio_mmio 2 virtio-mmio virtio-net:mmio:legacy 1
aarch64_gicv3_noncoherent_both 3 both e1000:pci,virtio-net:pci 2
EOT

# A RISC-V hart without Zicbom (QEMU 7.2 has none) cannot serve a
# non-coherent device: virt's tree with dma-noncoherent on every
# virtio_mmio node must get the device refused with a log line, and the
# rest of the system must work as before.
tag=riscv64_noncoherent_refused
dtb=$logs/system-$tag.dtb
cmd=$(tools/qemu.sh print riscv64 virtio-mmio)
if $(echo "$cmd" | sed "s#-M virt\([^ ]*\)#-M virt\1,dumpdtb=$dtb#") \
	>"$logs/dumpdtb-$tag.out" 2>&1 &&
	dtc -q -I dtb -O dts "$dtb" |
	sed 's/^\(\t*\)virtio_mmio@.* {$/&\n\1\tdma-noncoherent;/' |
	dtc -q -I dts -O dtb -o "$dtb.nc" -; then
	run "boot_system_$tag" "$logs/system-$tag.out" expect -f \
		tests/boot/system.exp "$tag" "$logs/system-$tag.console" \
		$cmd -dtb "$dtb.nc"
	if grep -aq 'not cache-coherent .*no Zicbom); refused' \
		"$logs/system-$tag.console"; then
		say "PASS boot_system_${tag}_logs_the_refusal"
	else
		say "FAIL boot_system_${tag}_logs_the_refusal: no refusal line in $logs/system-$tag.console"
	fi
else
	say "FAIL boot_system_$tag: could not make $dtb.nc (see $logs/dumpdtb-$tag.out)"
fi

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
# SKIP when the machine cannot have a namespace with a tap device at all
# (77: no root or no /dev/net/tun; said again, loudly, at the end), a
# FAIL when it can but the set-up failed, else its PASS/FAIL
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
		say "FAIL boot_hostile_$tag: no python3-scapy (tools/deps.sh test installs it)"
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
	echo "*** $skipped tests did not run: this machine cannot give them"
	echo "*** what they need (root and /dev/net/tun for a network"
	echo "*** namespace with a tap device). Their results are unknown:"
	grep '^SKIP ' "$results" | sed 's/^/***   /'
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
