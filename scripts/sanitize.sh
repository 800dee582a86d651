#!/usr/bin/env bash
# sanitize.sh — the test suite under AddressSanitizer and under
# UndefinedBehaviorSanitizer: `bazel test --config=asan //tests/...`, then
# `--config=ubsan` (the configs are in .bazelrc).
#
#   scripts/sanitize.sh [asan|ubsan]...   (default: both)
#
# Each config builds in its own Bazel output base (~/.cache/vplat-sanitize/)
# and creates no bazel-* symlinks, so it never evicts the normal -O2 build
# or repoints bazel-bin/.  The fuzz test is left out (it builds with clang's
# own ASan+UBSan anyway, tests/fuzz/build_and_run.sh).  The guest suite
# runs every JIT mode except the static-only llvm@0 (VPLAT_GUEST_MODES_STATIC
# empty: LLVM compiles every block there and the suite would outgrow its
# time budget; `llvm` still runs the LLVM tier under the sanitizers).
#
# Guest faults reach vplat as host SIGSEGV/SIGBUS, which vplat's handler
# (core/exec.c) turns into guest signals, so the sanitizers must leave
# those signals alone: handle_segv=0, handle_sigbus=0.  A host crash that
# is not a guest access still ends in vplat's own report (core/crash.c).
# detect_leaks=0: vplat exits without freeing the guest's memory on purpose.
# Ends with one line per config: "asan: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(asan ubsan)
base_dir=${VPLAT_SANITIZE_CACHE:-$HOME/.cache/vplat-sanitize}
asan_opts=detect_leaks=0:handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1:abort_on_error=0:print_summary=1
ubsan_opts=print_stacktrace=1:halt_on_error=1

summary=()
status=0
for c in "${configs[@]}"; do
    case $c in asan | ubsan) ;; *) echo "sanitize: unknown config '$c' (asan, ubsan)"; exit 2 ;; esac
    log=$(mktemp)
    start=$(date +%s)
    bazel --output_base="$base_dir/$c" test --config="$c" --symlink_prefix=/ \
        --test_env=ASAN_OPTIONS="$asan_opts" --test_env=UBSAN_OPTIONS="$ubsan_opts" \
        --test_env=VPLAT_GUEST_DIR="${VPLAT_GUEST_DIR:-$PWD/out/guest}" --test_env=VPLAT_GUEST_MODES_STATIC= \
        -- //tests/... -//tests/fuzz:fuzz_test 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    passed=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log")
    failed=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD)' "$log")
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    [ "$rc" -eq 0 ] || status=1
    rm -f "$log"
    summary+=("$c: $passed passed, $failed failed ($(($(date +%s) - start)) s)")
    # one idle JVM per config is enough memory to give back
    bazel --output_base="$base_dir/$c" shutdown >/dev/null 2>&1
done
printf '%s\n' "${summary[@]}"
exit $status
