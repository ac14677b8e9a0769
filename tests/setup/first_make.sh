#!/bin/sh
# The README's `make run`, first try, on a machine without the cross
# compilers: the regression test for a Makefile that asked the compiler
# for its include directory when it was read, before `make run` had
# installed it, and then built with `-isystem -I.` (the first file
# failed with "arch/arch.h: No such file or directory"; a second
# `make run` worked). Also: the banner and /proc/version name the commit
# built, before and after a new commit.
#
#   tests/setup/first_make.sh
#
# In build/test-setup/first-make/ it makes
#   tree/  the working tree as a fresh clone has it (tracked and new
#          files, committed in a repository of its own), with newlib
#          copied from build/ (it takes minutes and is not what is
#          tested: the kernel is built from scratch);
#   bin/   a PATH with every command of this machine but the cross
#          compilers and linkers (riscv64-unknown-elf-*,
#          riscv64-linux-gnu-*, aarch64-linux-gnu-*);
# and replaces tree/tools/deps.sh with a stand-in that "installs" a
# compiler by linking it into bin/ when asked for its arch, and records
# what it was asked. Then `make run` for riscv64, then for aarch64, each
# must boot to the prompt with its network up on the first try
# (first_make.exp), having asked deps for that arch and nothing the
# tests use. Then a commit, `make run` again: the new commit's name.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/build/test-setup/first-make
tree=$work/tree
bin=$work/bin
failed=0

# Forwarded host ports of their own (tools/qemu.sh), not make run's
# 5500...: a newcomer's own `make run` may hold those.
KITE_PORT_BASE=${KITE_PORT_BASE:-$((20000 + $$ % 20000))}
export KITE_PORT_BASE

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }

for arch in riscv64 aarch64; do
	[ -f "$root/build/$arch/newlib/lib/libc.a" ] || {
		fail first_make_setup "build/$arch/newlib is not built (make ARCH=$arch newlib)"
		exit 1
	}
done

rm -rf "$work"
mkdir -p "$tree" "$bin"

# The tree as a clone has it: what git tracks (less what was deleted)
# and new files it does not ignore.
(cd "$root" && git ls-files -co --exclude-standard) | while read -r f; do
	[ -e "$root/$f" ] && printf '%s\n' "$f"
done | tar -C "$root" -cf - -T - | tar -C "$tree" -xf - || {
	fail first_make_setup "could not copy the tree"; exit 1; }

for arch in riscv64 aarch64; do
	mkdir -p "$tree/build/$arch"
	cp -a "$root/build/$arch/newlib" "$tree/build/$arch/"
	# Newer than its rule's prerequisite, so make takes it as built.
	touch "$tree/build/$arch/newlib/lib/libc.a"
done

# A PATH without the cross compilers: every other command is a link.
for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
	[ -d "$d" ] || continue
	for f in "$d"/*; do
		n=${f##*/}
		case $n in riscv64-unknown-elf-* | riscv64-linux-gnu-* | aarch64-linux-gnu-*) continue ;; esac
		[ -e "$bin/$n" ] || ln -s "$f" "$bin/$n"
	done
done

# The stand-in for tools/deps.sh: what a real install would put on PATH.
cat >"$tree/tools/deps.sh" <<EOF
#!/bin/sh
# Stand-in written by tests/setup/first_make.sh.
echo "\$*" >>"$work/deps-asked"
[ \$# -gt 0 ] || set -- riscv64 aarch64	# everything, as it once was
for set in "\$@"; do
	case \$set in
	riscv64) p="riscv64-unknown-elf- riscv64-linux-gnu-" ;;
	aarch64) p=aarch64-linux-gnu- ;;
	*) continue ;;
	esac
	for q in \$p; do
		for f in /usr/bin/\$q*; do ln -sf "\$f" "$bin/\${f##*/}"; done
	done
done
EOF
chmod +x "$tree/tools/deps.sh"

# Committed, stand-in included, so that the tree is clean as cloned.
(cd "$tree" && git init -q && git add -A &&
	git -c user.name=kite -c user.email=kite@localhost commit -qm "as cloned") || {
	fail first_make_setup "could not make the tree a repository"; exit 1; }

if PATH=$bin command -v riscv64-unknown-elf-gcc >/dev/null ||
   PATH=$bin command -v riscv64-linux-gnu-ld >/dev/null ||
   PATH=$bin command -v aarch64-linux-gnu-gcc >/dev/null; then
	fail first_make_setup "the cross compilers are still on the test's PATH"
	exit 1
fi

# make_run TAG ARCH: one `make run` in the tree, checked by the .exp.
make_run() {
	version=$(cd "$tree" && git describe --always --dirty)
	: >"$work/deps-asked"
	(cd "$tree" && PATH=$bin expect -f "$root/tests/setup/first_make.exp" \
		"$1" "$work/$1.log" "$2" "$version") || failed=1
}

for arch in riscv64 aarch64; do
	make_run "first_${arch}" "$arch"
	asked=$(cat "$work/deps-asked")
	if [ "$asked" = "$arch" ]; then
		pass "first_${arch}_make_run_installs_only_what_${arch}_needs"
	else
		fail "first_${arch}_make_run_installs_only_what_${arch}_needs" \
			"asked tools/deps.sh for '$asked', want '$arch'"
	fi
done

# A new commit: the next build names it, in the banner and /proc/version.
(cd "$tree" && git -c user.name=kite -c user.email=kite@localhost \
	commit -q --allow-empty -m "a later commit")
make_run after_commit_riscv64 riscv64

[ $failed -eq 0 ]
