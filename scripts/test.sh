#!/usr/bin/env bash
# Runs every vplat test: installs what is missing (scripts/setup.sh), then
# `bazel test //...` — unit tests (googletest), guest programs compared
# with qemu-riscv64, the instruction-coverage program, the lockstep
# checker, FP reference tests and the bench suite's quick mode.
# Ends with one line "N passed, M failed" (Bazel test targets).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null; then
  ./scripts/setup.sh || { echo "setup failed"; exit 1; }
fi

log=$(mktemp)
bazel test //... "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log")
failed=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD)' "$log")
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$passed" -gt 0 ]
