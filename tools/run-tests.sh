#!/bin/sh
# `make test`: build both arches, run the host unit tests and the boot
# tests, and end with one line "N passed, N failed".
#
# Every test program prints "PASS name" / "FAIL name: why" lines; this
# script shows them and counts them. A program that dies without saying
# why (a sanitizer abort, a crash) is a FAIL of its own. Logs of every
# step are kept under build/test-logs/.
set -u
cd "$(dirname "$0")/.."

logs=build/test-logs
rm -rf "$logs"
mkdir -p "$logs"
results=$logs/results
: >"$results"

say() {
	echo "$1" | tee -a "$results"
}

# run NAME LOG CMD...: run a test program, show its result lines, and
# record a FAIL if it exits non-zero without reporting one.
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

# --- host unit tests (ASan + UBSan) ----------------------------------------
if make --no-print-directory unit >"$logs/build-unit.log" 2>&1; then
	for t in build/host/test_*; do
		name=$(basename "$t")
		run "$name" "$logs/$name.log" "$t"
	done
else
	say "FAIL build_unit_tests: see $logs/build-unit.log"
	tail -n 20 "$logs/build-unit.log"
fi

# --- boot tests under plain QEMU -------------------------------------------
# TAG, then the QEMU command line. -nic none: these tests need no network.
rv="qemu-system-riscv64 -M virt -m 256M -nographic -bios default -kernel build/riscv64/kite.elf -nic none"
a64="-cpu cortex-a57 -m 256M -nographic -kernel build/aarch64/kite.bin -nic none"
while read -r tag cmd; do
	for t in system panic; do
		run "boot_${t}_$tag" "$logs/$t-$tag.out" expect -f \
			tests/boot/$t.exp "$tag" "$logs/$t-$tag.console" $cmd
	done
done <<EOT
riscv64 $rv
aarch64_gicv2 qemu-system-aarch64 -M virt,gic-version=2 $a64
aarch64_gicv3 qemu-system-aarch64 -M virt,gic-version=3 $a64
aarch64_el2_gicv3 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 $a64
EOT

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
