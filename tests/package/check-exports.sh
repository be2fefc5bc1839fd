#!/bin/sh
# check-exports.sh PREFIX: what the installed shared libraries export.
#  - every dynamic symbol of every installed lib*.so is declared in an
#    installed public header (tdxkit/*.h); libtdxkit-preload.so's only with
#    TDXKIT_PRELOAD_API (it is injected into arbitrary programs);
#  - every function libtdxkit's headers declare with TDXKIT_API is exported
#    by libtdxkit.so, so that a program linking it finds its API.
set -eu
prefix=${1:?usage: check-exports.sh PREFIX}
inc=$prefix/include/tdxkit
command -v nm >/dev/null 2>&1 || { echo "no nm"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# The headers without comments (the preprocessor drops them, macros stay).
nocomments() { cc -fpreprocessed -dD -E -P -x c "$1" 2>/dev/null; }
for h in "$inc"/*.h; do nocomments "$h"; done > "$tmp/all.h"
libs=$(find "$prefix" -name 'lib*.so*' -type f | sort)
[ -n "$libs" ] || { fail "no shared library under $prefix"; exit 1; }
for lib in $libs; do
	nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u > "$tmp/syms"
	count=$(wc -l < "$tmp/syms")
	name=$(basename "$lib")
	while read -r sym; do
		case $name in
		libtdxkit-preload.so*) pat="TDXKIT_PRELOAD_API.*[^A-Za-z0-9_]$sym[[:space:]]*[\(\[]" ;;
		*) pat="TDXKIT_API.*[^A-Za-z0-9_]$sym[[:space:]]*[\(\[]" ;;
		esac
		grep -qE "$pat" "$tmp/all.h" || fail "$name exports $sym, which no public header declares as its API"
	done < "$tmp/syms"
	echo "$name: $count exported symbols"
	case $name in libtdxkit.so*) cp "$tmp/syms" "$tmp/libtdxkit.syms" ;; esac
done

# The other way: libtdxkit's headers promise these functions.
[ -f "$tmp/libtdxkit.syms" ] || { fail "libtdxkit.so is not installed"; exit 1; }
for h in module.h direct.h host.h quote.h names.h decode.h; do
	nocomments "$inc/$h" | grep -v '^#' | tr '\n' ' ' | tr ';{}' '\n\n\n' | grep 'TDXKIT_API' |
		sed -E 's/\(.*//; s/.*[^A-Za-z0-9_]([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*$/\1/' > "$tmp/decl"
	while read -r fn; do
		grep -qx "$fn" "$tmp/libtdxkit.syms" || fail "$h declares $fn but libtdxkit.so does not export it"
	done < "$tmp/decl"
done
[ "$fails" -eq 0 ] || { echo "$fails export check(s) failed"; exit 1; }
echo "exports match the public headers"
