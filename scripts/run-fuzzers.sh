#!/usr/bin/env bash
# Runs every libFuzzer target in DIR for a bounded number of inputs.
#   scripts/run-fuzzers.sh DIR RUNS
# Inputs: the committed seeds fuzz/corpus/<target>/ (read, never written;
# checked against fuzz/gen_corpus.c's output first, regress-* aside)
# and what the run finds, in a scratch corpus, or in $KEEP_CORPUS/<target>/
# when set (make coverage replays those).
# Each target must end with at least the edge count ("cov:") its line in
# fuzz/floors.txt names (for RUNS >= 20000, make check's default): a fuzzer
# that stops reaching code fails here.
# A crashing input is kept as DIR/crashes/<target>-crash-<sha1> (not in the
# current directory) and its path printed; replay it with DIR/<target> FILE.
set -eu
dir=$1 runs=$2
src=$(cd "$(dirname "$0")/.." && pwd)
floors=$src/fuzz/floors.txt
shopt -s nullglob
targets=("$dir"/fuzz_*)
[ ${#targets[@]} -gt 0 ] || { echo "run-fuzzers: no fuzz targets in $dir"; exit 1; }
mkdir -p "$dir/crashes"
# The committed seeds are what fuzz/gen_corpus.c writes (make fuzz-corpus),
# plus reviewed reproducers of fixed bugs named regress-* (README: Fuzzing).
if [ -x "$dir/gen_corpus" ]; then
	fresh=$(mktemp -d)
	"$dir/gen_corpus" "$fresh"
	stale=$(diff -rq "$fresh" "$src/fuzz/corpus" | grep -v "^Only in $src/fuzz/corpus/[^:]*: regress-" || true)
	rm -rf "$fresh"
	if [ -n "$stale" ]; then
		echo "$stale" | head -5
		echo "run-fuzzers: fuzz/corpus differs from fuzz/gen_corpus.c's output: run make fuzz-corpus"
		exit 1
	fi
fi
for t in "${targets[@]}"; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	name=$(basename "$t")
	floor=$(awk -v n="$name" '$1 == n { print $2 }' "$floors")
	[ -n "$floor" ] || { echo "run-fuzzers: no floor for $name in fuzz/floors.txt"; exit 1; }
	if [ -n "${KEEP_CORPUS:-}" ]; then
		corpus=$KEEP_CORPUS/$name
		rm -rf "$corpus" && mkdir -p "$corpus"
	else
		corpus=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)	# new inputs: no disk
	fi
	log=$(mktemp)
	seeds=()
	[ -d "$src/fuzz/corpus/$name" ] && seeds=("$src/fuzz/corpus/$name")
	echo "fuzz: $name, $runs inputs"
	if ! "$t" -runs="$runs" -seed=1 -max_len=4096 -artifact_prefix="$dir/crashes/$name-" \
		"$corpus" ${seeds[@]+"${seeds[@]}"} 2>"$log"; then
		tail -40 "$log"
		for f in "$dir/crashes/$name-"*; do echo "run-fuzzers: reproducer: $f"; done
		[ -n "${KEEP_CORPUS:-}" ] || rm -rf "$corpus"
		rm -f "$log"
		exit 1
	fi
	# The last status line has the final edge count ("cov:" only grows).
	last=$(grep -E "^#[0-9]+.* cov: " "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	echo "$(grep -E "^Done [0-9]+ runs" "$log" | tail -1): $cov edges (floor $floor)"
	[ -n "${KEEP_CORPUS:-}" ] || rm -rf "$corpus"
	rm -f "$log"
	if [ "$runs" -ge 20000 ] && { [ -z "$cov" ] || [ "$cov" -lt "$floor" ]; }; then
		echo "run-fuzzers: $name reached ${cov:-no} edges, below its floor $floor (fuzz/floors.txt)"
		exit 1
	fi
done
