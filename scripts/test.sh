#!/usr/bin/env bash
# Runs every vplat test: installs what is missing (scripts/setup.sh), then
# `bazel test //...` — unit and differential tests (googletest), guest
# programs compared with qemu-riscv64 under every tier, the
# instruction-coverage program, the lockstep checker, FP reference tests,
# bad input, short fuzzing runs — then the benchmark suite's quick check
# (`python3 bench/run.py --quick`: every workload under every vplat --jit
# mode and qemu-riscv64, each checksum verified; VPLAT_BENCH=0 skips it),
# and then the same suites under ASan and UBSan (scripts/sanitize.sh;
# VPLAT_SANITIZE=0 skips them).
# Ends with one line "N passed, M failed" (Bazel test targets, all runs,
# plus one entry for the bench check).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null; then
  ./scripts/setup.sh || { echo "setup failed"; exit 1; }
fi

# Guest images for the boot test (cached in out/guest; minutes the first time).
if ! ./scripts/build-guest.sh; then echo "build-guest failed"; echo "0 passed, 1 failed"; exit 1; fi
export VPLAT_GUEST_DIR=$PWD/out/guest

log=$(mktemp)
bazel test //... --test_env=VPLAT_GUEST_DIR "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
bench=skipped
if [ "${VPLAT_BENCH:-1}" != 0 ]; then
  echo "bench: bazel build //:vplat && python3 bench/run.py --quick"
  if bazel build //:vplat && python3 bench/run.py --quick; then bench=passed; else bench=failed; fi
  echo "bench: quick check $bench"
fi
if [ "${VPLAT_SANITIZE:-1}" != 0 ]; then
  ./scripts/sanitize.sh 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
fi
passed=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log")
failed=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD)' "$log")
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
case $bench in
  passed) passed=$((passed + 1)) ;;
  failed) failed=$((failed + 1)); status=1 ;;
esac
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$passed" -gt 0 ]
