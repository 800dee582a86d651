#!/usr/bin/env bash
# run.sh — bare-metal privileged tests: build each program with Debian's
# riscv64-unknown-elf-gcc, run it on qemu-system-riscv64 (the reference)
# and on `vplat system`, compare the UART transcript and the exit status.
#
#   run.sh [--vplat PATH] [--jit MODE ...] [--filter REGEX] [--keep] [-j N]
#
# Every *.c in this directory is one program; lib/ holds the start code,
# the trap handlers and the print library they share (lib/bm.h explains
# the conventions).  Programs are compiled into a temp dir
# ($TEST_TMPDIR if set) at every run: nothing built is committed.  Each
# runs with
#   -M virt -m 128M -nographic -bios none -kernel PROG.elf
# once under qemu-system-riscv64, then under vplat once per JIT mode.
# stdout and the exit status must match byte for byte; the programs print
# what trapped, CSR values and modes, never times.
#
# Output: `PASS prog/jit` or `FAIL prog/jit` with a diff, then
# `N passed, M failed`.  Exit status 0 only if nothing failed.  A missing
# cross compiler or QEMU is a failure (CI installs both through
# scripts/setup.sh), not a skip.  --filter matches prog/jit as an
# extended regex; --jit may be repeated or given a comma list; --keep
# keeps the work dir (ELF files, transcripts) for debugging.

set -u

# The JIT modes run by default.  Each is a --jit value, optionally with @N
# for --jit-threshold=N (native@0 compiles every block on first sight), as
# in tests/guest/run.sh; native@1 compiles on the second visit, so the
# interpreter and the native code share blocks and chains; llvm@0 makes
# every block the head of an LLVM region.
JIT_MODES="none native native@0 native@1 llvm llvm@0"

CC=riscv64-unknown-elf-gcc
QEMU=qemu-system-riscv64
TIMEOUT=60
MACHINE_ARGS=(-M virt -m 128M -nographic -bios none)
CFLAGS=(-march=rv64gc -mabi=lp64d -mcmodel=medany -nostdlib -static -O2 -g0
        -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns -fno-pic
        -Wall -Wextra -Wno-unused-parameter -Werror)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VPLAT="$REPO/bazel-bin/vplat"
[ -e "$VPLAT" ] || [ ! -e "$REPO/bazel-bin/machine/vplat" ] || VPLAT="$REPO/bazel-bin/machine/vplat"

usage() {
    sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0" >&2
    exit 2
}

JIT_ARG=""
FILTER=""
KEEP=0
JOBS=$(nproc 2>/dev/null || echo 2)
while [ $# -gt 0 ]; do
    case "$1" in
        --vplat) VPLAT=$2; shift 2 ;;
        --vplat=*) VPLAT=${1#--vplat=}; shift ;;
        --jit) JIT_ARG="$JIT_ARG ${2//,/ }"; shift 2 ;;
        --jit=*) v=${1#--jit=}; JIT_ARG="$JIT_ARG ${v//,/ }"; shift ;;
        --filter) FILTER=$2; shift 2 ;;
        --filter=*) FILTER=${1#--filter=}; shift ;;
        --keep) KEEP=1; shift ;;
        -j) JOBS=$2; shift 2 ;;
        -h|--help) usage ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage ;;
    esac
done
[ -n "${JIT_ARG// /}" ] && JIT_MODES=$JIT_ARG

fail_setup() {
    echo "run.sh: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}
command -v "$CC" >/dev/null || fail_setup "$CC not found (apt-get install gcc-riscv64-unknown-elf)"
command -v "$QEMU" >/dev/null || fail_setup "$QEMU not found (apt-get install qemu-system-misc)"
command -v timeout >/dev/null || fail_setup "timeout not found"
case "$VPLAT" in */*) d=$(cd "$(dirname "$VPLAT")" 2>/dev/null && pwd) && VPLAT="${d%/}/$(basename "$VPLAT")" ;; esac
[ -x "$VPLAT" ] || fail_setup "vplat binary not found: $VPLAT"

WORK=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/vplat-baremetal.XXXXXX") || fail_setup "mktemp failed"
if [ $KEEP = 0 ]; then
    trap 'rm -rf "$WORK"' EXIT
else
    echo "keeping work dir $WORK"
fi

selected() {   # selected PROG: does any prog/jit match the filter?
    local jit
    [ -z "$FILTER" ] && return 0
    for jit in $JIT_MODES; do
        printf '%s\n' "$1/$jit" | grep -Eq -- "$FILTER" && return 0
    done
    return 1
}

PROGS=()
for src in "$HERE"/*.c; do
    prog=$(basename "$src" .c)
    selected "$prog" && PROGS+=("$prog")
done
[ ${#PROGS[@]} -gt 0 ] || fail_setup "no program matches --filter '$FILTER'"

LIB=("$HERE/lib/start.S" "$HERE/lib/bm.c")
build_one() {
    "$CC" "${CFLAGS[@]}" -I "$HERE/lib" -T "$HERE/lib/link.ld" -o "$WORK/$1.elf" \
        "${LIB[@]}" "$HERE/$1.c" >"$WORK/$1.build.log" 2>&1
}

# run_one PREFIX CMD... — stdout to PREFIX.out, stderr to PREFIX.err, the
# exit status to PREFIX.rc.  stdin is empty: nothing is typed at the UART.
run_one() {
    local pfx=$1
    shift
    timeout -k 5 "$TIMEOUT" "$@" </dev/null >"$pfx.out" 2>"$pfx.err"
    echo $? >"$pfx.rc"
}

# test_prog PROG — build, the QEMU reference, then each JIT mode; the
# report goes to PROG.report, the counts to PROG.count.
test_prog() {
    local prog=$1 p=0 f=0 jit name ref got why
    local -a jitopt
    {
        if ! build_one "$prog"; then
            for jit in $JIT_MODES; do
                echo "FAIL $prog/$jit"
                echo "  build failed:"
                head -n 20 "$WORK/$prog.build.log" | sed 's/^/    /'
                f=$((f + 1))
            done
        else
            ref="$WORK/$prog.qemu"
            run_one "$ref" "$QEMU" "${MACHINE_ARGS[@]}" -kernel "$WORK/$prog.elf"
            for jit in $JIT_MODES; do
                name="$prog/$jit"
                [ -z "$FILTER" ] || printf '%s\n' "$name" | grep -Eq -- "$FILTER" || continue
                got="$WORK/$prog.vplat-$jit"
                jitopt=("--jit=${jit%%@*}")
                [[ $jit == *@* ]] && jitopt+=("--jit-threshold=${jit#*@}")
                run_one "$got" "$VPLAT" system "${MACHINE_ARGS[@]}" -kernel "$WORK/$prog.elf" "${jitopt[@]}"
                why=""
                if [ "$(cat "$ref.rc")" = 124 ]; then
                    why="$why  qemu timed out after ${TIMEOUT}s"$'\n'
                fi
                if ! cmp -s "$ref.rc" "$got.rc"; then
                    why="$why  exit status: qemu $(cat "$ref.rc"), vplat $(cat "$got.rc")"$'\n'
                fi
                if ! cmp -s "$ref.out" "$got.out"; then
                    why="$why  stdout differs:"$'\n'"$(diff -u --label qemu --label vplat "$ref.out" "$got.out" | head -n 40 | sed 's/^/    /')"$'\n'
                fi
                if [ -z "$why" ]; then
                    echo "PASS $name"
                    p=$((p + 1))
                else
                    echo "FAIL $name"
                    printf '%s' "$why"
                    [ -s "$got.err" ] && head -n 5 "$got.err" | sed 's/^/  vplat stderr: /'
                    f=$((f + 1))
                fi
            done
        fi
    } >"$WORK/$prog.report"
    echo "$p $f" >"$WORK/$prog.count"
}

running=0
for prog in "${PROGS[@]}"; do
    test_prog "$prog" &
    running=$((running + 1))
    if [ $running -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

passed=0
failed=0
for prog in "${PROGS[@]}"; do
    cat "$WORK/$prog.report"
    read -r p f <"$WORK/$prog.count" || { p=0; f=1; echo "FAIL $prog: runner error"; }
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
