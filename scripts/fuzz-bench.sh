#!/usr/bin/env bash
# Inputs per second of fuzz_tdcall: libFuzzer from the committed seeds with
# -seed=1, a fixed number of inputs, wall-clock time (make fuzz-bench).
#   scripts/fuzz-bench.sh SANITISED_DIR PLAIN_DIR
# Prints the load average too: other work on the machine slows this down.
set -eu
san=$1 plain=$2
src=$(cd "$(dirname "$0")/.." && pwd)
seeds=$src/fuzz/corpus/fuzz_tdcall
run() {	# label, binary, inputs
	local out t0 t1
	out=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)	# new inputs: no disk
	t0=$(date +%s.%N)
	"$2" -runs="$3" -seed=1 -max_len=4096 "$out" "$seeds" >/dev/null 2>&1 ||
		{ rm -rf "$out"; echo "fuzz-bench: $2 failed"; exit 1; }
	t1=$(date +%s.%N)
	rm -rf "$out"
	awk -v l="$1" -v n="$3" -v a="$t0" -v b="$t1" \
		'BEGIN { printf "fuzz_tdcall %-14s %8d inputs in %6.2f s: %9.0f inputs/s\n", l, n, b - a, n / (b - a) }'
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
run "(ASan+UBSan)" "$san/fuzz_tdcall" 300000
run "(plain)" "$plain/fuzz_tdcall" 2000000
