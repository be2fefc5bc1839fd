#!/bin/sh
# check-headers.sh SRC_DIR: the public headers as a user's compiler sees them.
#  - each header alone: C99 and C11 with -pedantic -Werror, C++17 (and
#    C++11) with -pedantic -Werror, with GCC and, if installed, Clang; also
#    with TDXKIT_SPEC_NAMES (the spec's names) defined;
#  - abi.h includes nothing but <stdint.h> and compiles with -ffreestanding
#    -nostdinc given only a stdint.h with the exact-width types;
#  - spec_names.h is what scripts/gen-spec-names.sh makes of abi.h;
#  - no header points at a file an installed tdxkit does not have.
set -eu
src=${1:?usage: check-headers.sh SRC_DIR}
inc=$src/include
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

warn="-pedantic -Werror -Wall -Wextra -Wundef -Wstrict-prototypes"
cxxwarn="-pedantic -Werror -Wall -Wextra -Wundef"
modes="cc:-std=c99 cc:-std=c11 c++:-std=c++11 c++:-std=c++17"
command -v clang >/dev/null 2>&1 && modes="$modes clang:-std=c99 clang:-std=c11"
command -v clang++ >/dev/null 2>&1 && modes="$modes clang++:-std=c++17"
command -v c++ >/dev/null 2>&1 || { echo "no C++ compiler"; exit 77; }

headers=$(cd "$inc/tdxkit" && ls *.h | grep -v '^spec_names\.h$')
n=0
for h in $headers; do
	# trap.h documents that it needs POSIX (siginfo_t) in strict modes.
	posix=""
	[ "$h" = trap.h ] && posix='#define _POSIX_C_SOURCE 200809L\n'
	printf "$posix"'#include <tdxkit/%s>\n#include <tdxkit/%s>\nint tdxkit_unit;\n' "$h" "$h" > "$tmp/u.c"
	cp "$tmp/u.c" "$tmp/u.cc"
	for m in $modes; do
		cc=${m%%:*} std=${m#*:}
		case $cc in *++) f=$tmp/u.cc w=$cxxwarn ;; *) f=$tmp/u.c w="$warn" ;; esac
		for names in "" "-DTDXKIT_SPEC_NAMES"; do
			# shellcheck disable=SC2086
			if ! $cc $std $w $names -fsyntax-only -I"$inc" "$f" > "$tmp/err" 2>&1; then
				fail "$h: $cc $std $names"; sed 's/^/    /' "$tmp/err" | head -8
			fi
			n=$((n + 1))
		done
	done
done
echo "headers: $n compilations of $(echo $headers | wc -w) headers"

# abi.h: <stdint.h> only, freestanding, no system include directories.
incs=$(grep -E '^[[:space:]]*#[[:space:]]*include' "$inc/tdxkit/abi.h" | tr -d ' \t' | sort -u | tr '\n' ' ')
[ "$incs" = '#include"spec_names.h" #include<stdint.h> ' ] || fail "abi.h includes $incs"
mkdir -p "$tmp/sys"
cat > "$tmp/sys/stdint.h" <<'STDINT'
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long long int64_t;
STDINT
cat > "$tmp/free.c" <<'FREE'
#include <tdxkit/abi.h>
/* The layouts hold without any system header. */
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_report) == TDXKIT_REPORT_SIZE, "TDREPORT");
TDXKIT_STATIC_ASSERT(TDXKIT_TDG_VP_INFO == 1 && TDXKIT_SUCCESS == 0, "numbers");
unsigned long long tdxkit_status = TDXKIT_OPERAND_INVALID;
FREE
for std in -std=c99 -std=c11; do
	for names in "" "-DTDXKIT_SPEC_NAMES"; do
		# shellcheck disable=SC2086
		cc $std $warn $names -ffreestanding -nostdinc -I"$tmp/sys" -I"$inc" -c "$tmp/free.c" \
			-o "$tmp/free.o" > "$tmp/err" 2>&1 ||
			{ fail "abi.h freestanding -nostdinc $std $names"; sed 's/^/    /' "$tmp/err" | head -8; }
	done
done

# The spec-name layer is generated from abi.h and must not drift.
"$src/scripts/gen-spec-names.sh" "$inc/tdxkit/abi.h" > "$tmp/spec_names.h"
cmp -s "$tmp/spec_names.h" "$inc/tdxkit/spec_names.h" ||
	fail "include/tdxkit/spec_names.h is stale: run scripts/gen-spec-names.sh include/tdxkit/abi.h > include/tdxkit/spec_names.h"

# With TDXKIT_SPEC_NAMES every spec name is the TDXKIT_ one.
{
	echo '#include <tdxkit/abi.h>'
	sed -n 's/^#define \([A-Z0-9_]*\) \(TDXKIT_[A-Z0-9_]*\)$/TDXKIT_STATIC_ASSERT(sizeof(#\1) > 0, "\1");/p' \
		"$inc/tdxkit/spec_names.h" | head -0
	echo 'TDXKIT_STATIC_ASSERT(TDX_SUCCESS == TDXKIT_SUCCESS && TDG_VP_INFO == TDXKIT_TDG_VP_INFO &&'
	echo '	TDVMCALL_MAP_GPA == TDXKIT_TDVMCALL_MAP_GPA && TDX_GPR_R10 == TDXKIT_GPR_R10, "spec names");'
} > "$tmp/spec.c"
cc -std=c11 $warn -DTDXKIT_SPEC_NAMES -fsyntax-only -I"$inc" "$tmp/spec.c" > "$tmp/err" 2>&1 ||
	{ fail "spec names"; sed 's/^/    /' "$tmp/err" | head -8; }

# Every function a header declares is marked as API (TDXKIT_API, or
# TDXKIT_PRELOAD_API for the preload library's entry points); static
# inline helpers (and the statements in them) and the programs' weak
# references are not symbols.
for h in "$inc"/tdxkit/*.h; do
	cc -fpreprocessed -dD -E -P -x c "$h" 2>/dev/null | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' |
		grep -v '^[[:space:]]*#' | tr '\n' ' ' |
		tr ';{}' '\n\n\n' | grep -E '^[[:space:]]*[A-Za-z_][A-Za-z0-9_ *]*[^A-Za-z0-9_](tdx|tdxkit|tdh)_[a-z0-9_]+[[:space:]]*\(' |
		grep -vE '^[[:space:]]*(TDXKIT_API|TDXKIT_PRELOAD_API|typedef|static|return|extern int tdxkit_[a-z_]+\(.*TDXKIT_WEAK)' \
		> "$tmp/unmarked" || true
	if [ -s "$tmp/unmarked" ]; then
		fail "$(basename "$h") declares functions without TDXKIT_API:"
		sed 's/^[[:space:]]*/    /' "$tmp/unmarked" | cut -c1-120
	fi
done

# Files a header names must be ones an install has: tdxkit headers, the
# installed docs (share/doc/tdxkit: docs/*.md), system headers.
for h in "$inc"/tdxkit/*.h; do
	if grep -nE '\.\./|shared/ref|(^|[ (`])(src|tests|tools|examples)/' "$h" > "$tmp/refs"; then
		fail "$(basename "$h") refers to files users do not have:"; sed 's/^/    /' "$tmp/refs"
	fi
	for d in $(grep -oE 'docs/[A-Za-z0-9_.-]+\.md' "$h" | sort -u); do
		[ -f "$src/$d" ] || fail "$(basename "$h") names $d, which does not exist"
	done
done

[ "$fails" -eq 0 ] || { echo "$fails header check(s) failed"; exit 1; }
echo "header checks passed"
