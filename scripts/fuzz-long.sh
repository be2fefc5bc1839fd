#!/usr/bin/env bash
# A long fuzzing campaign (make fuzz-long HOURS=N [TARGETS="fuzz_tdcall ..."]):
#   scripts/fuzz-long.sh DIR HOURS
# Every target in DIR (or those in $TARGETS) gets an equal share of HOURS,
# run as libFuzzer -fork on every core, crashes, timeouts and OOMs kept
# rather than fatal. Per target, under DIR/../long/<target>/ (build-fuzz/long):
#   corpus/   what the campaign found (seeded from fuzz/corpus; kept between
#             campaigns, so the next one starts from there)
#   crashes/  each crashing input as libFuzzer saved it (crash-*, leak-*,
#             timeout-*, oom-*)
#   min/      one input per distinct failure (sanitizer summary and first
#             frames), minimised (-minimize_crash): <signature>.min
#   log       libFuzzer's output
# README.md ("Fuzzing") says how to triage a crash.
set -eu
dir=$(cd "$1" && pwd) hours=$2
src=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
shopt -s nullglob
if [ -n "${TARGETS:-}" ]; then
	targets=()
	for t in $TARGETS; do targets+=("$dir/$t"); done
else
	targets=("$dir"/fuzz_*)
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz-long: no fuzz targets in $dir"; exit 1; }
secs=$(awk -v h="$hours" -v n="${#targets[@]}" 'BEGIN { s = int(h * 3600 / n); print s < 10 ? 10 : s }')
echo "fuzz-long: ${#targets[@]} targets, ${secs} s each, -fork=$jobs"
for t in "${targets[@]}"; do
	[ -x "$t" ] && [ -f "$t" ] || { echo "fuzz-long: no target $t"; exit 1; }
	name=$(basename "$t")
	out=$(dirname "$dir")/long/$name
	mkdir -p "$out/corpus" "$out/crashes" "$out/min"
	echo "== $name: $out"
	# -fork restarts workers that crash; the crashing inputs stay in crashes/.
	"$t" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 -max_len=4096 \
		-artifact_prefix="$out/crashes/" "$out/corpus" "$src/fuzz/corpus/$name" \
		>"$out/log" 2>&1 || true
	grep -E "^#[0-9]+.* cov: " "$out/log" | tail -1 || true
	# One minimised reproducer per distinct failure: the sanitizer's
	# summary plus the first frames outside the runtime and libc.
	declare -A seen=()
	for c in "$out/crashes/"*; do
		sig=$("$t" -runs=1 "$c" 2>&1 | awk '/^SUMMARY:/ { s = $0 }
			/^ *#[0-9]+ 0x/ && $4 !~ /^(__sanitizer|__asan|__ubsan|fuzzer::|__interceptor|abort|raise|__GI_|__libc|__pthread|pthread_kill)/ && n < 3 { f = f " " $4; n++ }
			END { print s f }' | sha1sum | cut -c1-12)
		[ -z "${seen[$sig]:-}" ] || continue
		seen[$sig]=$c
		m=$out/min/$sig.min
		if [ ! -f "$m" ]; then
			"$t" -minimize_crash=1 -runs=20000 -max_total_time=300 -exact_artifact_path="$m" "$c" \
				>"$m.log" 2>&1 || true
			[ -f "$m" ] || cp "$c" "$m"	# nothing smaller found: keep it as it is
		fi
		echo "$name: failure $sig: $m ($(wc -c <"$m") bytes; first input $(basename "$c"))"
	done
	echo "$name: $(ls "$out/corpus" | wc -l) inputs in the corpus, $(ls "$out/crashes" | wc -l) failing inputs, ${#seen[@]} distinct failures"
	unset seen
done
