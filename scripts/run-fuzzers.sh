#!/usr/bin/env bash
# Runs every libFuzzer target in DIR for a bounded number of inputs.
set -eu
dir=$1 runs=$2
shopt -s nullglob
targets=("$dir"/fuzz_*)
[ ${#targets[@]} -gt 0 ] || { echo "run-fuzzers: no fuzz targets in $dir"; exit 1; }
for t in "${targets[@]}"; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	corpus=$(mktemp -d)
	echo "fuzz: $name, $runs inputs"
	"$t" -runs="$runs" -seed=1 -max_len=4096 "$corpus" 2>"$corpus.log" || { tail -40 "$corpus.log"; exit 1; }
	grep -E "^(#[0-9]+ *DONE|Done)" "$corpus.log" | tail -1
	rm -rf "$corpus" "$corpus.log"
done
