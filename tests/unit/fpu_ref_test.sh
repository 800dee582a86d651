#!/usr/bin/env bash
# fpu_ref_test.sh — differential test of vplat's RISC-V F/D arithmetic
# (frontends/riscv/rv_fpu.c) against qemu-riscv64.
#
# Builds tests/unit/fpu_ref_gen.c for riscv64 (run under qemu-riscv64: the
# reference) and tests/unit/fpu_ref_host.c for the host (calls rv_fpu), runs
# both over the shared case list tests/unit/fpu/fpu_cases.h, and diffs the
# `op rm a b c -> result fflags` lines.  Exits non-zero on any difference.
#
# Usage: tests/unit/fpu_ref_test.sh [OUTDIR]
#   OUTDIR defaults to $TEST_TMPDIR if set, else a fresh mktemp -d.
# Environment: CC (host compiler, default gcc), RISCV_CC (default
# riscv64-linux-gnu-gcc), QEMU (default qemu-riscv64).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# Under `bazel test` the sources are in the runfiles tree.
if [ -n "${TEST_SRCDIR:-}" ] && [ -d "$TEST_SRCDIR/${TEST_WORKSPACE:-vplat}" ]; then
    root="$TEST_SRCDIR/${TEST_WORKSPACE:-vplat}"
fi
out="${1:-${TEST_TMPDIR:-}}"
if [[ -z "$out" ]]; then
    out="$(mktemp -d "${TMPDIR:-/tmp}/fpu_ref.XXXXXX")"
fi
mkdir -p "$out"

CC="${CC:-gcc}"
RISCV_CC="${RISCV_CC:-riscv64-linux-gnu-gcc}"
QEMU="${QEMU:-qemu-riscv64}"

for tool in "$CC" "$RISCV_CC" "$QEMU"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "fpu_ref_test: '$tool' not found" >&2
        exit 2
    fi
done

"$RISCV_CC" -static -O2 -march=rv64gc -Wall -Wextra \
    -I"$root/tests/unit" "$root/tests/unit/fpu_ref_gen.c" -o "$out/fpu_ref_gen"
"$CC" -std=gnu11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
    -I"$root" -I"$root/tests/unit" "$root/tests/unit/fpu_ref_host.c" \
    "$root/frontends/riscv/rv_fpu.c" -o "$out/fpu_ref_host"

"$QEMU" "$out/fpu_ref_gen" > "$out/ref.txt"
"$out/fpu_ref_host" > "$out/host.txt"

ref_n=$(wc -l < "$out/ref.txt")
host_n=$(wc -l < "$out/host.txt")
echo "fpu_ref_test: $ref_n reference cases (qemu), $host_n host cases, output in $out"

if cmp -s "$out/ref.txt" "$out/host.txt"; then
    echo "fpu_ref_test: PASS (0 differences)"
    exit 0
fi

ndiff=$( (diff "$out/ref.txt" "$out/host.txt" || true) | grep -c '^<' || true)
echo "fpu_ref_test: FAIL: $ndiff differing lines; first differences (< qemu, > vplat):"
(diff "$out/ref.txt" "$out/host.txt" || true) | head -n 40
echo "per op:"
(diff "$out/ref.txt" "$out/host.txt" || true) | awk '/^</ {print $2}' | sort | uniq -c | sort -rn | head -n 20
exit 1
