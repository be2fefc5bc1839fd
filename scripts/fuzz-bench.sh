#!/usr/bin/env bash
# Inputs per second of fuzz_tdcall (make fuzz-bench): libFuzzer from the
# committed seeds with -seed=1, a fixed number of inputs, wall-clock time,
# and the edges reached. Baseline, in the same run and build: libFuzzer's
# own loop over the same seeds with a target that does nothing
# (fuzz/libfuzzer_floor.c); the ratio is fuzz_tdcall's time per input
# over that. These machines are noisy: compare ratios, not absolutes.
#   scripts/fuzz-bench.sh SANITISED_DIR PLAIN_DIR
set -eu
san=$1 plain=$2
src=$(cd "$(dirname "$0")/.." && pwd)
seeds=$src/fuzz/corpus/fuzz_tdcall
rate=
run() {	# label, binary, inputs; sets rate (inputs/s)
	local out log t0 t1 cov
	out=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)	# new inputs: no disk
	log=$out.log
	t0=$(date +%s.%N)
	"$2" -runs="$3" -seed=1 -max_len=4096 "$out" "$seeds" >"$log" 2>&1 ||
		{ tail -5 "$log"; rm -rf "$out" "$log"; echo "fuzz-bench: $2 failed"; exit 1; }
	t1=$(date +%s.%N)
	# Edges and features at the end (libFuzzer's "cov:" and "ft:").
	cov=$(grep -E '^#[0-9]+.*DONE' "$log" | tail -1 |
		sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*/\1 edges, \2 features/')
	rm -rf "$out" "$log"
	rate=$(awk -v n="$3" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
	printf "%-34s %8d inputs: %9d inputs/s (%s)\n" "$1" "$3" "$rate" "$cov"
}
pair() {	# label, build dir, inputs
	local floor
	run "libFuzzer alone $1" "$2/libfuzzer_floor" "$3"
	floor=$rate
	run "fuzz_tdcall $1" "$2/fuzz_tdcall" "$3"
	awk -v f="$floor" -v r="$rate" -v l="$1" \
		'BEGIN { printf "fuzz_tdcall %s: %.1fx the time per input of libFuzzer alone\n", l, f / r }'
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
pair "(ASan+UBSan)" "$san" 300000
pair "(plain)" "$plain" 2000000
