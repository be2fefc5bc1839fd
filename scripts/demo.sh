#!/usr/bin/env bash
# make demo: run the example TD programs under tdx-run and decode what they made.
set -eu
build=${1:-build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== tdx-run --mem 256M --trace -- example-td_basics"
"$build/tdx-run" --mem 256M --trace -- "$build/example-td_basics" "$out/tdreport.bin"
echo
echo "== tdx-decode report (the TDREPORT the program fetched)"
"$build/tdx-decode" report "$out/tdreport.bin" | head -40
echo
echo "== tdx-decode status 0xC0000B0B00000001"
"$build/tdx-decode" status 0xC0000B0B00000001

echo
echo "== example-paravisor: an L1 paravisor running two L2 VMs (VTL0, VTL1) on the L2 CPU engine"
"$build/example-paravisor"
