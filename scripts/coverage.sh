#!/usr/bin/env bash
# Line coverage of src/ by everything make check runs (make coverage):
#   scripts/coverage.sh COV_BUILD FOUND_DIR
# COV_BUILD was built with -DTDXKIT_COVERAGE=ON -DTDXKIT_FUZZ=ON (clang
# source-based coverage). FOUND_DIR/<target>/ holds what a bounded run of
# the real (ASan, libFuzzer-instrumented) fuzzer kept; every fuzz target
# replays its seeds (fuzz/corpus/<target>) plus those, then every test runs.
# Prints per-file line coverage of src/ (also COV_BUILD/coverage.txt), each
# fuzzer's share of the files its header names ("Covers:"), and writes an
# HTML report to COV_BUILD/coverage-html/index.html.
set -eu
build=$(cd "$1" && pwd) found=$2
src=$(cd "$(dirname "$0")/.." && pwd)
prof=$build/profiles
rm -rf "$prof" && mkdir -p "$prof"
shopt -s nullglob

# 1. Fuzz targets: replay only (-runs=0), one profile set per target.
for t in "$build"/fuzz/fuzz_*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	name=$(basename "$t")
	dirs=()
	for d in "$src/fuzz/corpus/$name" "$found/$name"; do [ -d "$d" ] && dirs+=("$d"); done
	[ ${#dirs[@]} -gt 0 ] || { echo "coverage: no inputs for $name"; exit 1; }
	LLVM_PROFILE_FILE="$prof/$name-%p.profraw" "$t" -runs=0 "${dirs[@]}" >/dev/null 2>&1 ||
		{ echo "coverage: $name failed on its inputs"; exit 1; }
done

# 2. Every test (and every program a test starts: tdx-run, guests).
(cd "$build" && TU_COUNTS_DIR= LLVM_PROFILE_FILE="$prof/test-%p-%m.profraw" \
	ctest -j "$(nproc)" --output-on-failure >"$build/coverage-ctest.log" 2>&1) ||
	{ tail -30 "$build/coverage-ctest.log"; echo "coverage: tests failed"; exit 1; }

# Instrumented binaries: every ELF executable or shared object built here.
objs=()
for f in "$build"/tests/test_* "$build"/tests/guest-* "$build"/tests/tu_probe "$build"/fuzz/fuzz_* \
	 "$build"/tdx-* "$build"/example-* "$build"/libtdxkit-preload.so "$build"/libtdxkit.so.*.*; do
	[ -f "$f" ] && [ -x "$f" ] && head -c4 "$f" | grep -q ELF && objs+=("$f")
done
args=("${objs[0]}")
for o in "${objs[@]:1}"; do args+=(-object "$o"); done

llvm-profdata merge -sparse "$prof"/*.profraw -o "$build/coverage.profdata" 2>/dev/null
# Per file "path lines hit" (lcov summary: SF, LF, LH), paths relative to the tree.
lines() {	# profdata, objects and sources...
	llvm-cov export -format=lcov -summary-only -instr-profile "$@" 2>/dev/null |
		awk -v root="$src/" '/^SF:/ { f = substr($0, 4); sub(root, "", f) }
			/^LF:/ { lf = substr($0, 4) } /^LH:/ { print f, lf, substr($0, 4) }' | sort
}
lines "$build/coverage.profdata" "${args[@]}" "$src/src" >"$build/coverage-lines.txt"
{
	echo "== line coverage of src/ (make check's tests, seeds and bounded fuzzing)"
	awk '$2 > 0 { printf "%-34s %5d lines %5d missed %7.2f%%\n", $1, $2, $2 - $3, 100 * $3 / $2;
		      n += $2; h += $3 }
	     END { printf "%-34s %5d lines %5d missed %7.2f%%\n", "TOTAL", n, n - h, 100 * h / n }' \
		"$build/coverage-lines.txt"
} | tee "$build/coverage.txt"
llvm-cov show -format=html -output-dir "$build/coverage-html" -instr-profile "$build/coverage.profdata" \
	"${args[@]}" "$src/src" 2>/dev/null
echo "HTML: $build/coverage-html/index.html"

# 3. Each fuzzer alone on the files its header comment names; a named file
# the target does not even link counts with all its lines missed.
echo "== each fuzzer alone on the files it names (goal: 80% of their lines)"
for t in "$build"/fuzz/fuzz_*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	name=$(basename "$t")
	files=$(cd "$src" && echo $(sed -n 's/^ \* Covers: *//p' "fuzz/$name.c"))	# globs allowed
	[ -n "$files" ] || { echo "$name: no 'Covers:' line in fuzz/$name.c"; continue; }
	paths=()
	for f in $files; do paths+=("$src/$f"); done
	llvm-profdata merge -sparse "$prof/$name"-*.profraw -o "$build/$name.profdata" 2>/dev/null
	lines "$build/$name.profdata" "$t" "${paths[@]}" >"$build/$name-lines.txt"
	for f in $files; do echo "$f"; done | awk -v all="$build/coverage-lines.txt" \
		-v mine="$build/$name-lines.txt" -v name="$name" '
		BEGIN { while ((getline l < all) > 0) { split(l, a, " "); n[a[1]] = a[2] }
			while ((getline l < mine) > 0) { split(l, a, " "); h[a[1]] = a[3] } }
		{ tot += n[$1]; hit += h[$1]; if (n[$1] && !($1 in h)) missing = missing " " $1 }
		END { printf "%-18s %6.2f%% of %5d lines%s\n", name, tot ? 100 * hit / tot : 0, tot,
			     missing ? " (not linked:" missing ")" : "" }'
done
