#!/usr/bin/env bash
# Sums the per-program case counts TU_RUN_GROUP wrote (tests/testutil.h):
#   scripts/test-counts.sh DIR LABEL
# DIR/<program> holds "run passed skipped failed"; prints one line, with
# the programs that skipped cases named.
set -eu
dir=$1 label=${2:-tests}
shopt -s nullglob
progs=0 run=0 passed=0 skipped=0 failed=0 who=()
for f in "$dir"/*; do
	read -r r p s x <"$f" || { echo "test-counts: unreadable $f"; exit 1; }
	progs=$((progs + 1)) run=$((run + r)) passed=$((passed + p))
	skipped=$((skipped + s)) failed=$((failed + x))
	[ "$s" -eq 0 ] || who+=("$(basename "$f") $s")
done
[ "$progs" -gt 0 ] || { echo "test-counts: no counts in $dir"; exit 1; }
line="$label: $progs programs, $run cases run: $passed passed, $skipped skipped, $failed failed"
if [ ${#who[@]} -gt 0 ]; then
	line+=" (skipped: $(IFS=,; echo "${who[*]}" | sed 's/,/, /g'))"
fi
echo "$line"
