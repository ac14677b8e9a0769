#!/bin/sh
# Build Debian's newlib-source for one Kite target and install it under
# build/<arch>/newlib. Called by the Makefile only when the install is
# missing, so a second `make` never pays the 2-3 minutes again.
#
#   tools/build-newlib.sh ARCH OUTDIR
set -eu

arch=$1
out=$(realpath -m "$2")
tarball=/usr/src/newlib/newlib-3.3.0.tar.xz
[ -f "$tarball" ] || { echo "build-newlib: $tarball missing (make deps)" >&2; exit 1; }

case $arch in
riscv64)
	target=riscv64-unknown-elf
	prefix=riscv64-unknown-elf-
	# Soft-float rv64imac: the kernel keeps no FP state on RISC-V.
	cflags="-march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany"
	;;
aarch64)
	target=aarch64-none-elf
	prefix=aarch64-linux-gnu-
	# Strict alignment: parts of newlib may run before the MMU is on.
	cflags="-mstrict-align -ffreestanding -fno-pie -fno-stack-protector"
	;;
*)
	echo "build-newlib: unknown arch $arch" >&2; exit 1 ;;
esac
cflags="$cflags -O2 -g -ffunction-sections -fdata-sections -fno-builtin-malloc"

work=$out.work
rm -rf "$work" "$out"
mkdir -p "$work"
tar -C "$work" -xJf "$tarball"
src=$(ls -d "$work"/newlib* | head -n 1)
mkdir -p "$work/build"
cd "$work/build"
"$src/configure" \
	--target=$target --prefix="$out" --disable-multilib \
	--disable-newlib-supplied-syscalls \
	--enable-newlib-retargetable-locking \
	--enable-newlib-reent-small \
	--enable-newlib-nano-malloc \
	--enable-newlib-io-long-long \
	--disable-nls \
	CC_FOR_TARGET="${prefix}gcc" AS_FOR_TARGET="${prefix}as" \
	LD_FOR_TARGET="${prefix}ld" AR_FOR_TARGET="${prefix}ar" \
	RANLIB_FOR_TARGET="${prefix}ranlib" NM_FOR_TARGET="${prefix}nm" \
	CFLAGS_FOR_TARGET="$cflags" >config.out 2>&1 ||
	{ tail -30 config.out >&2; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
make -j"$jobs" all-target-newlib >make.out 2>&1 || { tail -40 make.out >&2; exit 1; }
make install-target-newlib >install.out 2>&1 || { tail -20 install.out >&2; exit 1; }
# Flatten to $out/include and $out/lib whatever the target triple.
mkdir -p "$out/include" "$out/lib"
cp -r "$out/$target/include/." "$out/include/"
cp "$out/$target/lib/"*.a "$out/lib/"
cd /
rm -rf "$work"
echo "newlib for $arch installed in $out"
