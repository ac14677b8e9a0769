#!/bin/sh
# A test that cannot set itself up fails; it does not skip. Each case
# takes away what a test needs and checks that it says FAIL and exits
# non-zero (tools/run-tests.sh counts either as a failure):
#
#  - the fuzz smoke without a compiler that links libFuzzer;
#  - the U-Boot test without its firmware file;
#  - the namespace runner without iproute2, on a machine with root and
#    /dev/net/tun (only the lack of those may give status 77, a skip).
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

out=$(FUZZ_CC=/bin/false tools/fuzz.sh smoke fuzz_udp 2>&1)
rc=$?
if [ $rc -ne 0 ] && echo "$out" | grep -q '^FAIL fuzz_udp: ' &&
	! echo "$out" | grep -q '^SKIP'; then
	pass no_skip_fuzz_smoke_without_libfuzzer_fails
else
	fail no_skip_fuzz_smoke_without_libfuzzer_fails "status $rc: $out"
fi

out=$(expect -f tests/boot/uboot.exp no_skip "$tmp/uboot.log" \
	qemu-system-riscv64 -bios "$tmp/no-such-firmware.bin" \
	-device loader,file=build/riscv64/kite.bin,addr=0x84000000 2>&1)
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 77 ] &&
	echo "$out" | grep -q '^FAIL no_skip_uboot_booti_boots_to_prompt: .*missing'; then
	pass no_skip_uboot_without_firmware_fails
else
	fail no_skip_uboot_without_firmware_fails "status $rc: $out"
fi

if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ]; then
	mkdir "$tmp/bin"
	for c in id true; do ln -s "$(command -v $c)" "$tmp/bin/$c"; done
	out=$(PATH=$tmp/bin /bin/sh tools/netns-run.sh no_skip true 2>&1)
	rc=$?
	if [ $rc -eq 1 ]; then
		pass no_skip_netns_without_iproute2_fails_not_skips
	else
		fail no_skip_netns_without_iproute2_fails_not_skips \
			"status $rc (77 is a skip): $out"
	fi
else
	echo "SKIP no_skip_netns_without_iproute2_fails_not_skips: SKIPPED, needs root and /dev/net/tun"
fi
