#!/usr/bin/env bash
# make demo: run the example TD programs under tdx-run and decode what they made.
set -eu
build=$(cd "${1:-build}" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# 1. A TD program and its host: UART console, quote, MapGPA, CPUID, MSR,
#    MMIO through #VE, exit port. --quote-key saves the host's public key.
echo "== tdx-run --mem 256M --stats --quote-key key.pem -- example-ghci_demo quote.bin"
(cd "$out" && "$build/tdx-run" --mem 256M --stats --quote-key key.pem -- \
	"$build/example-ghci_demo" quote.bin)
echo
echo "== tdx-decode quote quote.bin key.pem (abridged)"
"$build/tdx-decode" quote "$out/quote.bin" "$out/key.pem" >"$out/quote.txt"
grep -E '^DCAP|TDATTRIBUTES|RTMR3|\[ 568\] REPORTDATA|ATTESTATION_KEY|^verification' "$out/quote.txt" | cut -c1-110
echo

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
echo
echo "== tdx-run --l2-vms 2 -- example-paravisor-td: the same paravisor as a TD program (real TDCALL, TDG.VP.ENTER)"
"$build/tdx-run" --l2-vms 2 -- "$build/example-paravisor-td"
