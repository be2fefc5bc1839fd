#!/usr/bin/env bash
# Runs every benchmark in BUILD/bench; each prints its own ratios.
set -eu
build=$1
shopt -s nullglob
for b in "$build"/bench/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	if [[ $(basename "$b") == bench_native_* ]]; then
		"$b"
	else
		"$b"
	fi
done
