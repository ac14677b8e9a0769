#!/bin/sh
# `make coverage`: line and branch coverage of net/ by the host tests.
#
# The host tests are built a second time under build/coverage/, with
# gcov's instrumentation on top of the usual ASan and UBSan, and run;
# then gcov reports each file of net/ and the whole. A measurement, not
# a test: nothing here passes or fails on a figure. The per-file table
# goes to build/coverage/net.txt.
set -eu
cd "$(dirname "$0")/.."
out=build/coverage
rm -rf "$out"
make --no-print-directory HOST="$out" HOST_EXTRA_CFLAGS=--coverage unit \
	>"$out.build.log" 2>&1 || {
	echo "coverage: the instrumented build failed (see $out.build.log)" >&2
	exit 1
}
failed=0
for t in "$out"/test_*; do
	case $t in *.d|*.gcno|*.gcda) continue ;; esac
	"$t" >"$t.log" 2>&1 || { echo "coverage: $t failed (see $t.log)" >&2; failed=1; }
done
# gcov from inside the objects' directory; -b adds branches, -n keeps
# the .gcov files from being written.
# (net/netdev.c is the kernel's registry, in no host test.)
(cd "$out/obj/net" && gcov -b -n -o . \
	$(ls ../../../../net/*.c | grep -v /netdev.c)) >"$out/gcov.txt" 2>&1 || {
	echo "coverage: gcov failed (see $out/gcov.txt)" >&2
	exit 1
}
python3 - "$out/gcov.txt" "$out/net.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rows, tl, tlc, tb, tbc = [], 0, 0, 0, 0
for block in re.split(r"\n(?=File ')", text):
    m = re.match(r"File '([^']*)'", block)
    path = "/" + m.group(1) if m else ""
    if not m or "/net/" not in path or not path.endswith(".c"):
        continue
    name = "net/" + path.split("/net/")[-1]
    l = re.search(r"Lines executed:([\d.]+)% of (\d+)", block)
    b = re.search(r"Taken at least once:([\d.]+)% of (\d+)", block)
    if not l:
        continue
    lp, ln = float(l.group(1)), int(l.group(2))
    bp, bn = (float(b.group(1)), int(b.group(2))) if b else (0.0, 0)
    rows.append((name, lp, ln, bp, bn))
    tl += ln; tlc += round(lp * ln / 100)
    tb += bn; tbc += round(bp * bn / 100)
with open(sys.argv[2], "w") as f:
    f.write("%-26s %8s %7s %9s %7s\n" % ("file", "lines", "of", "branches", "of"))
    for name, lp, ln, bp, bn in sorted(rows):
        f.write("%-26s %7.1f%% %7d %8.1f%% %7d\n" % (name, lp, ln, bp, bn))
print("net/: lines %.1f%% of %d, branches taken %.1f%% of %d (%d files; per file: %s)"
      % (100.0 * tlc / max(tl, 1), tl, 100.0 * tbc / max(tb, 1), tb, len(rows), sys.argv[2]))
PY
exit $failed
