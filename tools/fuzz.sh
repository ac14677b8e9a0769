#!/bin/sh
# Build and run the libFuzzer targets of tests/fuzz/ (`make fuzz`,
# `make fuzz-smoke`), one fuzzing process at a time.
#
#   tools/fuzz.sh run [TARGET...]    fuzz each for FUZZ_SECONDS (60)
#   tools/fuzz.sh smoke [TARGET...]  replay each target's regression
#                                    inputs, then FUZZ_SMOKE_RUNS (3000)
#                                    runs from a fixed seed, at most
#                                    FUZZ_SECONDS (5)
#
# TARGET is fuzz_eth, fuzz_tcp, ...; default all. Each target prints one
# line, "PASS fuzz_x: ..." or "FAIL fuzz_x: why", as the other tests do
# (tools/run-tests.sh counts them); without clang's fuzzer runtime each
# says "SKIP fuzz_x: SKIPPED ..." instead.
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
smoke) secs=${FUZZ_SECONDS:-5} ;;
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
		echo "SKIP $t: SKIPPED, $cc cannot link -fsanitize=fuzzer" \
			"(install clang and libclang-rt-dev;" \
			"see $logs/probe.log)"
	done
	exit 0
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
	# number of runs make it the same every time (bounded by secs in
	# case a target is slow), so a verdict never depends on luck.
	limit="-max_total_time=$secs"
	[ "$mode" = smoke ] && limit="-seed=1 -runs=${FUZZ_SMOKE_RUNS:-3000} $limit"
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
	if [ $rc -eq 0 ]; then
		echo "PASS $t: ${runs:-?} runs in at most $secs s" \
			"(${speed:-?}/s), coverage ${cov:-?} edges"
	else
		echo "FAIL $t: crashed (status $rc), input ${artifact:-?}," \
			"see $log; keep it as tests/fuzz/regress/$t/NAME"
		grep -aE '^(==[0-9]+==ERROR|SUMMARY|fuzz: )' "$log" | head -n 3
		failed=1
	fi
done
exit $failed
