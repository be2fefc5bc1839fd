#!/usr/bin/env bash
# Inputs per second of fuzz_tdcall (make fuzz-bench): libFuzzer from the
# committed seeds with -seed=1, a fixed number of inputs, wall-clock time,
# and the edges reached. Baseline, in the same run and build: libFuzzer's
# own loop over the same seeds with a target that does nothing
# (fuzz/libfuzzer_floor.c); the ratio is fuzz_tdcall's time per input
# over that. These machines are noisy: each figure is the median of 3
# runs (the range follows it); compare ratios, not absolutes.
#   scripts/fuzz-bench.sh SANITISED_DIR PLAIN_DIR
set -eu
san=$1 plain=$2
src=$(cd "$(dirname "$0")/.." && pwd)
seeds=$src/fuzz/corpus/fuzz_tdcall
once() {	# binary, inputs: prints "inputs/s edges features"
	local out log t0 t1
	out=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)	# new inputs: no disk
	log=$out.log
	t0=$(date +%s.%N)
	"$1" -runs="$2" -seed=1 -max_len=4096 "$out" "$seeds" >"$log" 2>&1 ||
		{ tail -5 "$log" >&2; rm -rf "$out" "$log"; echo "fuzz-bench: $1 failed" >&2; exit 1; }
	t1=$(date +%s.%N)
	# Edges and features at the end (libFuzzer's "cov:" and "ft:").
	grep -E '^#[0-9]+.*DONE' "$log" | tail -1 |
		sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*/\1 \2/' |
		awk -v n="$2" -v a="$t0" -v b="$t1" '{ printf "%.0f %s %s\n", n / (b - a), $1, $2 }'
	rm -rf "$out" "$log"
}
rate=
run() {	# label, binary, inputs; sets rate (the median inputs/s)
	local runs
	runs=$(for i in 1 2 3; do once "$2" "$3" || exit 1; done | sort -n)
	[ "$(echo "$runs" | wc -l)" -eq 3 ] || exit 1
	rate=$(echo "$runs" | sed -n 2p | cut -d' ' -f1)
	echo "$runs" | awk -v l="$1" -v n="$3" 'NR == 1 { lo = $1 } NR == 2 { m = $1; e = $2; f = $3 } NR == 3 { hi = $1 }
		END { printf "%-34s %8d inputs: %9d inputs/s (%d..%d; %d edges, %d features)\n", l, n, m, lo, hi, e, f }'
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
