#!/bin/sh
# Build and run the libFuzzer targets of tests/fuzz/ (`make fuzz`,
# `make fuzz-smoke`), one fuzzing process at a time.
#
#   tools/fuzz.sh run [TARGET...]    fuzz each for FUZZ_SECONDS (60)
#   tools/fuzz.sh smoke [TARGET...]  replay each target's regression
#                                    inputs, then FUZZ_SMOKE_RUNS (3000)
#                                    runs from a fixed seed, all of them
#                                    however long they take
#
# TARGET is fuzz_eth, fuzz_tcp, ...; default all. Each target prints one
# line, "PASS fuzz_x: ..." or "FAIL fuzz_x: why", as the other tests do
# (tools/run-tests.sh counts them); without clang's fuzzer runtime each
# fails (`make test` installs it: tools/deps.sh test).
#
# Corpora: the seeds in tests/fuzz/corpus/<target>/ and the regression
# inputs in tests/fuzz/regress/<target>/ are read, never written; what a
# run finds goes to build/fuzz/corpus/<target>/ (kept between runs),
# crashes to build/fuzz/crashes/<target>/, logs to build/fuzz/logs/.
set -u
cd "$(dirname "$0")/.."

mode=${1:-}
[ $# -gt 0 ] && shift
case $mode in
run) secs=${FUZZ_SECONDS:-60} ;;
smoke) ;;
*)
	echo "usage: $0 run|smoke [TARGET...]" >&2
	exit 2
	;;
esac
targets=$*
[ -n "$targets" ] ||
	targets=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done)
cc=${FUZZ_CC:-clang}
logs=build/fuzz/logs
mkdir -p "$logs"

# Can clang link a fuzzer at all (libclang-rt-dev)?
probe=build/fuzz/probe
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
	'{ (void)d; (void)n; return 0; }' >"$probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" \
	>"$logs/probe.log" 2>&1; then
	for t in $targets; do
		echo "FAIL $t: $cc cannot link -fsanitize=fuzzer" \
			"(install clang and libclang-rt-dev: tools/deps.sh" \
			"test; see $logs/probe.log)"
	done
	exit 1
fi

if ! make --no-print-directory FUZZ_CC="$cc" \
	$(for t in $targets; do echo "build/fuzz/$t"; done) \
	>"$logs/build.log" 2>&1; then
	echo "FAIL fuzz_build: see $logs/build.log"
	tail -n 20 "$logs/build.log"
	exit 1
fi

failed=0
for t in $targets; do
	bin=build/fuzz/$t
	log=$logs/$t.log
	work=build/fuzz/corpus/$t
	crashes=build/fuzz/crashes/$t
	regress=tests/fuzz/regress/$t
	mkdir -p "$work" "$crashes"

	# Every crash ever found, replayed one by one: a fix must hold.
	if [ "$mode" = smoke ] && [ -n "$(ls "$regress" 2>/dev/null)" ]; then
		if ! "$bin" "$regress"/* >"$logs/$t-regress.log" 2>&1; then
			echo "FAIL $t: a regression input crashes again" \
				"(see $logs/$t-regress.log)"
			failed=1
			continue
		fi
	fi

	# New inputs go to the first directory. The smoke starts from the
	# committed corpora alone, not from what earlier runs found here.
	if [ "$mode" = smoke ]; then
		work=build/fuzz/smoke/$t
		rm -rf "$work"
		mkdir -p "$work"
	fi
	set -- "$work" tests/fuzz/corpus/$t
	[ -d "$regress" ] && set -- "$@" "$regress"
	# The smoke run is part of make test: a fixed seed and a fixed
	# number of runs, however long they take, make it the same every
	# time on every machine, so a verdict never depends on luck or on
	# the machine's speed. (-timeout still fails one input that hangs.)
	want=${FUZZ_SMOKE_RUNS:-3000}
	if [ "$mode" = smoke ]; then
		limit="-seed=1 -runs=$want"
	else
		limit="-max_total_time=$secs"
	fi
	# shellcheck disable=SC2086
	"$bin" $limit -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$@" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -aE '^#[0-9]+' "$log" | tail -n 1 |
		sed -n 's/.* cov: \([0-9]*\) .*/\1/p')
	artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" |
		tail -n 1)
	if [ $rc -eq 0 ] && [ "$mode" = smoke ] && [ "${runs:-0}" -lt "$want" ]; then
		echo "FAIL $t: ${runs:-no} runs of the $want asked (see $log)"
		failed=1
	elif [ $rc -eq 0 ]; then
		echo "PASS $t: ${runs:-?} runs (${speed:-?}/s)," \
			"coverage ${cov:-?} edges"
	else
		echo "FAIL $t: crashed (status $rc), input ${artifact:-?}," \
			"see $log; keep it as tests/fuzz/regress/$t/NAME"
		grep -aE '^(==[0-9]+==ERROR|SUMMARY|fuzz: )' "$log" | head -n 3
		failed=1
	fi
done
exit $failed
