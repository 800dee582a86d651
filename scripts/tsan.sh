#!/usr/bin/env bash
# tsan.sh — vplat under ThreadSanitizer: the LLVM tier's compile thread
# against the CPU's thread (the job queue, the done list, the insn_limit
# kick, code release, fork quiescing).
#
#   scripts/tsan.sh [--filter REGEX] [--jit MODES]
#
# Builds //:vplat with --config=tsan (.bazelrc) in its own Bazel output
# base (~/.cache/vplat-sanitize/tsan, no bazel-* symlinks, so the normal
# build stays), then runs guest programs (tests/guest/run.sh, compared with
# qemu-riscv64) under it.  The TSan build fails any run with a race report
# (machine/main.c: __tsan_default_options, exit status 66), so a race shows
# as FAIL with "exit status: qemu N, vplat 66".  There are no suppressions:
# the only race TSan found (insn_limit, written by the compile thread and
# by the loop) became relaxed atomics.  libLLVM is not instrumented: races
# inside it are invisible here, which is one reason the CPU's thread never
# calls LLVM while the compile thread runs (jit-llvm/jitl.c).
# Defaults: the programs the background compile stresses most, under llvm
# and llvm@10 (a low threshold keeps the queue full).  TSan slows vplat's
# own C code 5-15x: runs get VPLAT_GUEST_TIMEOUT=900 s.
set -uo pipefail
cd "$(dirname "$0")/.."
filter='malloc_stress|sort_search|strings|fork_hot|smc|signals.segv_handled'
jit=llvm,llvm@10
while [ $# -gt 0 ]; do
    case $1 in
        --filter) filter=$2; shift 2 ;;
        --jit) jit=$2; shift 2 ;;
        *) echo "tsan: unknown argument '$1'"; exit 2 ;;
    esac
done
base=${VPLAT_SANITIZE_CACHE:-$HOME/.cache/vplat-sanitize}/tsan
bazel --output_base="$base" build --config=tsan --symlink_prefix=/ //:vplat || exit 1
bin=$(bazel --output_base="$base" info --config=tsan bazel-bin 2>/dev/null)/vplat
[ -x "$bin" ] || { echo "tsan: cannot find the built vplat ($bin)"; exit 1; }
VPLAT_GUEST_TIMEOUT=${VPLAT_GUEST_TIMEOUT:-900} tests/guest/run.sh --vplat "$bin" --jit "$jit" --filter "$filter"
