#!/usr/bin/env bash
# Runs every libFuzzer target in DIR for a bounded number of inputs.
#   scripts/run-fuzzers.sh DIR RUNS
# Seeds: fuzz/corpus/<target>/ (if present) is read, never written.
# A crashing input is kept as DIR/crashes/<target>-crash-<sha1> (not in the
# current directory) and its path printed; replay it with DIR/<target> FILE.
set -eu
dir=$1 runs=$2
src=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
targets=("$dir"/fuzz_*)
[ ${#targets[@]} -gt 0 ] || { echo "run-fuzzers: no fuzz targets in $dir"; exit 1; }
mkdir -p "$dir/crashes"
for t in "${targets[@]}"; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	name=$(basename "$t")
	corpus=$(mktemp -d)
	seeds=()
	[ -d "$src/fuzz/corpus/$name" ] && seeds=("$src/fuzz/corpus/$name")
	echo "fuzz: $name, $runs inputs"
	if ! "$t" -runs="$runs" -seed=1 -max_len=4096 -artifact_prefix="$dir/crashes/$name-" \
		"$corpus" ${seeds[@]+"${seeds[@]}"} 2>"$corpus.log"; then
		tail -40 "$corpus.log"
		for f in "$dir/crashes/$name-"*; do echo "run-fuzzers: reproducer: $f"; done
		rm -rf "$corpus" "$corpus.log"
		exit 1
	fi
	grep -E "^(#[0-9]+ *DONE|Done)" "$corpus.log" | tail -1
	rm -rf "$corpus" "$corpus.log"
done
