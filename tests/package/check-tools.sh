#!/bin/sh
# check-tools.sh PREFIX VERSION: the installed tools answer --version with
# the project's version, their man pages are installed and render, and
# every option tdx-run --help lists (and every tdx-decode command) is in
# the man page.
set -eu
prefix=${1:?usage: check-tools.sh PREFIX VERSION}
version=${2:?}
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for t in tdx-run tdx-decode; do
	out=$("$prefix/bin/$t" --version) || fail "$t --version exited non-zero"
	[ "$out" = "$t (tdxkit) $version" ] || fail "$t --version says '$out'"
	man=$(find "$prefix" -path "*/man1/$t.1" | head -1)
	[ -n "$man" ] || { fail "no man page for $t"; continue; }
	if command -v groff >/dev/null 2>&1; then
		groff -man -Tutf8 -ww -z "$man" 2> man.err || fail "$t.1 does not render"
		[ ! -s man.err ] || { fail "$t.1: groff warnings"; cat man.err; }
		rm -f man.err
	fi
	echo "$t: $out, $man"
done

# Options: "--name" words of --help; in the man page written \-\-name.
man=$(find "$prefix" -path '*/man1/tdx-run.1' | head -1)
for opt in $("$prefix/bin/tdx-run" --help | grep -oE '(^|[ [])--[a-z][a-z0-9-]*' | sed 's/^[ [ ]*//' | sort -u); do
	esc=$(echo "$opt" | sed 's/-/\\\\-/g')
	grep -q -- "$esc" "$man" || fail "tdx-run --help lists $opt, tdx-run.1 does not"
done
man=$(find "$prefix" -path '*/man1/tdx-decode.1' | head -1)
for cmd in $("$prefix/bin/tdx-decode" --help | awk '$1 == "tdx-decode" && $2 !~ /^-/ {print $2}'); do
	grep -q "^\.BI $cmd " "$man" || fail "tdx-decode --help lists '$cmd', tdx-decode.1 does not"
done
[ "$fails" -eq 0 ] || { echo "$fails tool check(s) failed"; exit 1; }
echo "tools: versions, man pages and options agree"
