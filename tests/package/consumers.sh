#!/bin/sh
# consumers.sh SRC_DIR PREFIX WORK_DIR: programs outside the tree, built
# against the tdxkit installed in PREFIX the way users build them:
#   pkg-config  c_direct (C, direct transport) and c_td (C, a TD program run
#               under the installed tdx-run) with a kernel-style unit that
#               has Linux's TDX macro names (-ffreestanding -nostdinc);
#   CMake       a C++17 project with find_package(tdxkit): cxx_direct (the
#               model, the default host, L1 and L2 libraries, quotes) and
#               cxx_native (the real TDCALL with the in-process trap engine).
set -eu
src=${1:?usage: consumers.sh SRC_DIR PREFIX WORK_DIR}
prefix=${2:?}
work=${3:?}
here=$src/tests/package/consumer
rm -rf "$work"
mkdir -p "$work"
cd "$work"
step() { echo "== $*"; }
die() { echo "FAIL: $*"; exit 1; }

pcdir=$(dirname "$(find "$prefix" -name tdxkit.pc | head -1)")
libdir=$(dirname "$(find "$prefix" -name 'libtdxkit.so' | head -1)")
[ -d "$pcdir" ] && [ -d "$libdir" ] || die "no tdxkit.pc / libtdxkit.so under $prefix"
export PKG_CONFIG_PATH="$pcdir"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

step "pkg-config names the prefix"
for pc in tdxkit tdxkit-guest tdxkit-guest-direct tdxkit-guest-ve tdxkit-l1 tdxkit-l1-direct \
	  tdxkit-l2cpu tdxkit-vmm tdxkit-trap; do
	flags=$(pkg-config --cflags --libs "$pc") || die "pkg-config $pc"
	case "$flags" in *"-I$prefix/include"*"-L$libdir"*) ;; *) die "$pc: $flags" ;; esac
done
pkg-config --cflags --libs tdxkit-guest

step "C, direct transport, pkg-config tdxkit-guest-direct"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -pedantic -Werror $(pkg-config --cflags tdxkit-guest-direct) \
	"$here/c_direct.c" $(pkg-config --libs tdxkit-guest-direct) -o c_direct
./c_direct

step "kernel-style unit with Linux's TDX names, -ffreestanding -nostdinc"
# shellcheck disable=SC2046
cc -std=gnu11 -ffreestanding -nostdinc -isystem "$(cc -print-file-name=include)" -fno-builtin \
	-fno-stack-protector -mgeneral-regs-only -Wall -Wextra -Werror \
	$(pkg-config --cflags tdxkit-guest) -c "$here/kernel_unit.c" -o kernel_unit.o

step "C TD program, pkg-config tdxkit-guest-ve, under the installed tdx-run"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags tdxkit-guest-ve) "$here/c_td.c" \
	kernel_unit.o $(pkg-config --libs tdxkit-guest-ve) -o c_td
rc=0
"$prefix/bin/tdx-run" --mem 64M --gpaw 52 -- ./c_td > c_td.out 2> c_td.err || rc=$?
cat c_td.out
[ "$rc" -eq 42 ] || { cat c_td.err; die "c_td ended with status $rc, not 42 (exit port)"; }
grep -qx 'hello from a TD, GPAW 52' c_td.out || die "c_td's UART output"
rc=0
./c_td > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || die "c_td outside tdx-run ended with $rc, not 2"

step "C++17, CMake find_package(tdxkit)"
cmake -S "$here/cmake" -B cmake-build -DCMAKE_PREFIX_PATH="$prefix" > cmake.log 2>&1 ||
	{ cat cmake.log; die "cmake configure"; }
cmake --build cmake-build > build.log 2>&1 || { cat build.log; die "cmake build"; }
./cmake-build/cxx_direct
./cmake-build/cxx_native
echo "consumers: all built and passed"
