#!/bin/sh
# run-guides.sh SRC_DIR PREFIX WORK_DIR: runs the commands of every user
# guide (docs/guide-*.md) against the tdxkit installed in PREFIX, in the
# order the guide gives them, each guide in a directory of its own:
#   ```LANG file=NAME   the block is written to NAME
#   ```sh               the block is run (set -e: any failing command fails)
#   ```sh setup         not run: the clone and `make install` it shows are
#                       this test's own install into PREFIX
#   anything else       text for the reader
set -eu
src=${1:?usage: run-guides.sh SRC_DIR PREFIX WORK_DIR}
prefix=$(cd "${2:?}" && pwd)
work=${3:?}
rm -rf "$work"
mkdir -p "$work"
pcdir=$(dirname "$(find "$prefix" -name tdxkit.pc | head -1)")
libdir=$(dirname "$(find "$prefix" -name 'libtdxkit.so' | head -1)")
n=0
for guide in "$src"/docs/guide-*.md; do
	name=$(basename "$guide" .md)
	dir=$work/$name
	mkdir -p "$dir"
	# The guide as one script: file blocks become here-documents.
	awk -v dir="$dir" '
		BEGIN { mode = ""; nblk = 0 }
		/^```/ && mode == "" {
			info = substr($0, 4)
			if (match(info, /file=[^ ]+/)) {
				mode = "file"; fname = substr(info, RSTART + 5, RLENGTH - 5)
				printf "cat > %s <<'"'"'TDXKIT_GUIDE_EOF'"'"'\n", fname
			} else if (info ~ /^sh( |$)/ && info !~ /setup/) {
				mode = "sh"; nblk++
				printf "echo \"== block %d\"\n", nblk
			} else {
				mode = "skip"
			}
			next
		}
		/^```/ {
			if (mode == "file") print "TDXKIT_GUIDE_EOF"
			mode = ""; next
		}
		mode == "file" || mode == "sh" { print }
	' "$guide" > "$dir/guide.sh"
	echo "== $name ($(grep -c '^== block\|^echo "== block' "$dir/guide.sh") command blocks)"
	(
		cd "$dir"
		export PATH="$prefix/bin:$PATH" PKG_CONFIG_PATH="$pcdir"
		export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
		sh -eu guide.sh
	) > "$dir/log" 2>&1 || { cat "$dir/log"; echo "FAIL: $name (script: $dir/guide.sh)"; exit 1; }
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no docs/guide-*.md"; exit 1; }
echo "guides: $n, every command passed"
