#!/usr/bin/env bash
# Installs what tdxkit needs from Debian's packages, only if missing.
# Used by the Makefile before every build, so a fresh machine just works.
set -eu
pkgs=(build-essential cmake pkg-config libssl-dev nettle-dev libcmocka-dev clang libclang-rt-dev
      llvm libunicorn-dev libzydis-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
