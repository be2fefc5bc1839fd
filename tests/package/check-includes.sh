#!/bin/sh
# check-includes.sh SRC_DIR: the one-way layering of ARCHITECTURE.md, as
# includes. A src/ folder includes its own headers and the public ones
# (tdxkit/*.h), never another folder's private header. Tests and fuzzers
# may also include the module's documented test hooks (src/module/
# test_hooks.h); tools may include src/trap/runcfg.h and runtd.h, the option
# parsers and the run's TD and host that tdx-run shares with the preload
# library; benchmarks and examples use the public headers only.
set -eu
src=${1:?usage: check-includes.sh SRC_DIR}
cd "$src"
fails=0
n=0
privates=$(find src -name '*.h' -exec basename {} \; | sort -u)

check() {	# check FILE ALLOWED_EXTRA...
	f=$1; shift
	dir=$(dirname "$f")
	grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$f" |
	sed -E 's/^([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*([<"])([^>"]+)[>"].*/\1 \2 \3/' |
	while read -r line kind name; do
		base=$(basename "$name")
		if [ "$kind" = '<' ]; then
			# A system include must not reach a private header through -I.
			case "$name" in tdxkit/*) continue ;; esac
			if echo "$privates" | grep -qx "$base" && [ ! -e "/usr/include/$name" ]; then
				echo "FAIL: $f:$line: <$name> is a private tdxkit header"
				echo x >> "$tmpf"
			fi
			continue
		fi
		case "$name" in
		tdxkit/*) [ -f "include/$name" ] && continue ;;
		esac
		[ -f "$dir/$name" ] && continue
		ok=0
		for extra in "$@"; do [ "$name" = "$extra" ] && ok=1; done
		[ $ok = 1 ] && continue
		echo "FAIL: $f:$line: includes \"$name\", which is not in $dir/ nor a public header"
		echo x >> "$tmpf"
	done
}

tmpf=$(mktemp)
trap 'rm -f "$tmpf"' EXIT
for f in $(find src -name '*.[chS]' | sort); do
	check "$f"; n=$((n + 1))
done
for f in $(find tests fuzz -name '*.[ch]' | sort); do
	check "$f" test_hooks.h; n=$((n + 1))
done
for f in $(find tools -name '*.[ch]' | sort); do
	check "$f" runcfg.h runtd.h; n=$((n + 1))
done
for f in $(find bench examples -name '*.[ch]' | sort); do
	check "$f"; n=$((n + 1))
done
fails=$(wc -l < "$tmpf")
[ "$fails" -eq 0 ] || { echo "$fails include(s) cross a layer"; exit 1; }
echo "includes: $n files, every include within its folder or public"
