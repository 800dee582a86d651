#!/usr/bin/env bash
# run.sh — guest programs: build with riscv64-linux-gnu-gcc, run under
# qemu-riscv64 (the reference) and under vplat, compare byte for byte.
#
#   run.sh [--vplat PATH] [--jit MODE ...] [--filter REGEX] [--keep] [-j N]
#
# -j N runs N compilers / test rows at once (default: nproc); --keep keeps
# the work dir (binaries, every stdout/stderr/exit status) for debugging.
#
# For every program in TESTS below x link mode (static, dynamic) x -O level
# the program is compiled once into a temp dir ($TEST_TMPDIR if set), run
# once under qemu-riscv64 to produce the reference stdout / stderr / exit
# status, then once under `vplat user --jit=MODE` per JIT mode.  Nothing is
# stored: the reference comes from qemu every time, never from vplat.
#
# Each line of output is `PASS name` or `FAIL name` (with the first lines of
# the diff), then a last line `N passed, M failed`; the exit status is 0
# only if M = 0 and N > 0.  A test name reads program[.variant]/link-Olevel/jit,
# e.g. `signals.segv/static-O2/none`; --filter matches it as an extended
# regex.  --jit may be repeated or given a comma list.
#
# Dynamic runs use the Debian cross sysroot: qemu-riscv64 -L SYSROOT and
# vplat user -L SYSROOT.  A program killed by a signal makes qemu kill
# itself with that signal, so exit statuses (128+sig) are compared too; for
# those tests stderr is not compared (qemu prints its own message).

set -u

# The JIT modes run by default.  Add tiered here when it lands; --jit
# overrides both lists.
# Each mode is a --jit value, optionally with @N for --jit-threshold=N
# (native@0 compiles every block on first sight) and :BYTES for
# --jit-code-size (native@0:262144 keeps filling and flushing a tiny buffer);
# +wx adds --jit-wx (separate writable and executable code mappings).
JIT_MODES="none native native@0 native@1 native@0:262144 native@1+wx llvm"
# Modes run on the statically linked builds only: llvm@0 makes every block
# an LLVM region (about 10 ms of compilation each), and a dynamically
# linked program runs thousands of blocks of ld.so before main.
# VPLAT_GUEST_MODES_STATIC replaces this list (scripts/sanitize.sh empties
# it: under ASan the suite would not fit its time budget).
JIT_MODES_STATIC=${VPLAT_GUEST_MODES_STATIC-llvm@0}

SYSROOT=/usr/riscv64-linux-gnu
CC=riscv64-linux-gnu-gcc
QEMU=qemu-riscv64
TIMEOUT=${VPLAT_GUEST_TIMEOUT:-120}   # seconds per run (scripts/tsan.sh raises it)
CFLAGS_COMMON="-Wall -g0"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VPLAT="$REPO/bazel-bin/vplat"
# //:vplat is an alias of //machine:vplat, so the file may only exist there.
[ -e "$VPLAT" ] || [ ! -e "$REPO/bazel-bin/machine/vplat" ] || VPLAT="$REPO/bazel-bin/machine/vplat"

# The test table.  One line per run:
#   name | sources (comma list, in this dir) | link modes | -O levels | stderr? | args
# `stderr?` is "yes" to compare stderr too.  Args are shell words; @DIR@
# becomes a fresh scratch directory path for that run.
TESTS='
hello_args          | hello_args.c     | static dynamic | O2    | yes | one "two words" "" "tab	here" -x --long=opt "äöü" "*"
exit_codes.exit0    | exit_codes.c     | static dynamic | O2    | yes | exit 0
exit_codes.exit1    | exit_codes.c     | static         | O2    | yes | exit 1
exit_codes.exit255  | exit_codes.c     | static         | O2    | yes | exit 255
exit_codes.exit256  | exit_codes.c     | static         | O2    | yes | exit 256
exit_codes.exitneg  | exit_codes.c     | static         | O2    | yes | exit -3
exit_codes.return42 | exit_codes.c     | static dynamic | O2    | yes | return 42
exit_codes._exit7   | exit_codes.c     | static dynamic | O2    | yes | _exit 7
exit_codes.group300 | exit_codes.c     | static         | O2    | yes | group 300
exit_codes.usage    | exit_codes.c     | static         | O2    | yes |
float_fmt           | float_fmt.c      | static dynamic | O0 O2 | yes |
malloc_stress       | malloc_stress.c  | static dynamic | O2    | yes |
sort_search         | sort_search.c    | static dynamic | O0 O2 | yes |
setjmp_longjmp      | setjmp_longjmp.c | static dynamic | O0 O2 | yes |
file_io             | file_io.c        | static dynamic | O2    | yes | @DIR@
strings             | strings.c        | static dynamic | O0 O2 | yes |
int_m               | int_m.c          | static dynamic | O0 O2 | yes |
atomics             | atomics.c        | static dynamic | O0 O2 | yes |
fp_edge             | fp_edge.c        | static dynamic | O0 O2 | yes |
smc                 | smc.c            | static dynamic | O0 O2 | yes |
fork_hot            | fork_hot.c       | static dynamic | O2    | yes |
signals.segv        | signals.c        | static dynamic | O2    | no  | segv
signals.segv_read   | signals.c        | static         | O2    | no  | segv_read
signals.segv_handled| signals.c        | static dynamic | O2    | yes | segv_handled
signals.ill         | signals.c        | static dynamic | O2    | no  | ill
signals.ill_csr     | signals.c        | static         | O2    | no  | ill_csr
signals.ill_frm     | signals.c        | static         | O2    | no  | ill_frm
signals.ill_handled | signals.c        | static dynamic | O0 O2 | yes | ill_handled
signals.abort       | signals.c        | static dynamic | O2    | no  | abort
signals.ebreak      | signals.c        | static         | O2    | no  | ebreak
signals.c_ebreak    | signals.c        | static         | O2    | no  | c_ebreak
signals.amo_misalign| signals.c        | static         | O2    | no  | amo_misaligned
signals.kill        | signals.c        | static         | O2    | no  | kill
signals.raise       | signals.c        | static         | O2    | yes | raise_handled
insn_coverage       | insn_coverage.c | static dynamic | O2 | yes |
'

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
[ -n "${JIT_ARG// /}" ] && JIT_MODES=$JIT_ARG JIT_MODES_STATIC=""
# modes_for LINK — the JIT modes a build linked that way runs under
modes_for() {
    if [ "$1" = static ]; then echo "$JIT_MODES $JIT_MODES_STATIC"; else echo "$JIT_MODES"; fi
}

fail_setup() {
    echo "run.sh: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}
command -v "$CC" >/dev/null || fail_setup "$CC not found"
command -v "$QEMU" >/dev/null || fail_setup "$QEMU not found"
case "$VPLAT" in */*) VPLAT=$(cd "$(dirname "$VPLAT")" && pwd)/$(basename "$VPLAT") ;; esac
[ -x "$VPLAT" ] || command -v "$VPLAT" >/dev/null || fail_setup "vplat binary not found: $VPLAT"

WORK=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/vplat-guest.XXXXXX") || fail_setup "mktemp failed"
if [ $KEEP = 0 ]; then
    trap 'rm -rf "$WORK"' EXIT
else
    echo "keeping work dir $WORK"
fi
mkdir -p "$WORK/bin" "$WORK/out" "$WORK/scratch"

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

# Parse the table into parallel arrays (one entry per program x link x opt).
T_NAME=(); T_BIN=(); T_LINK=(); T_OPT=(); T_ERR=(); T_ARGS=()
declare -A BUILD_SRCS=()
while IFS= read -r line; do
    [ -z "$(trim "$line")" ] && continue
    IFS='|' read -r f_name f_src f_links f_opts f_err f_args <<<"$line"
    f_name=$(trim "$f_name"); f_src=$(trim "$f_src"); f_err=$(trim "$f_err")
    f_args=$(trim "${f_args:-}")
    for link in $f_links; do
        for opt in $f_opts; do
            variant="$link-$opt"
            match=0
            for jit in $(modes_for "$link"); do
                if [ -z "$FILTER" ] || printf '%s\n' "$f_name/$variant/$jit" | grep -Eq -- "$FILTER"; then
                    match=1
                fi
            done
            [ $match = 1 ] || continue
            bin="${f_src%%.*}-$variant"
            BUILD_SRCS[$bin]="$f_src $link $opt"
            T_NAME+=("$f_name"); T_BIN+=("$bin"); T_LINK+=("$link"); T_OPT+=("$opt")
            T_ERR+=("$f_err"); T_ARGS+=("$f_args")
        done
    done
done <<<"$TESTS"

# Build every needed binary, $JOBS compilers at a time.
build_one() {
    local bin=$1 srcs=$2 link=$3 opt=$4 files=() s
    IFS=',' read -ra s <<<"$srcs"
    for f in "${s[@]}"; do files+=("$HERE/$f"); done
    local lflag=""
    [ "$link" = static ] && lflag="-static"
    # shellcheck disable=SC2086
    "$CC" $CFLAGS_COMMON "-$opt" $lflag -o "$WORK/bin/$bin" "${files[@]}" -lm \
        >"$WORK/bin/$bin.log" 2>&1
}
running=0
for bin in "${!BUILD_SRCS[@]}"; do
    read -r srcs link opt <<<"${BUILD_SRCS[$bin]}"
    build_one "$bin" "$srcs" "$link" "$opt" &
    running=$((running + 1))
    if [ $running -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

# run_guest PREFIX ARGS_STRING EMU_CMD... — run one guest program, leaving
# PREFIX.out, PREFIX.err and PREFIX.rc.  The environment is fixed (env -i)
# so that hello_args can print all of envp.
run_guest() {
    local pfx=$1 argstr=$2 scratch
    shift 2
    scratch="$WORK/scratch/$(basename "$pfx")"
    rm -rf "$scratch"
    argstr=${argstr//@DIR@/$scratch}
    local -a args=()
    eval "args=($argstr)"
    {
        (
            ulimit -c 0
            cd "$WORK/scratch" || exit 99
            exec timeout -k 5 "$TIMEOUT" env -i VT_CHOSEN="chosen value=1" VT_EMPTY= \
                LANG=C "$@" "${args[@]}"
        ) >"$pfx.out" 2>"$pfx.err"
        echo $? >"$pfx.rc"
    } 2>/dev/null
    rm -rf "$scratch"
}

# compare NAME REF_PREFIX GOT_PREFIX CHECK_STDERR — prints PASS/FAIL.
compare() {
    local name=$1 ref=$2 got=$3 check_err=$4 ok=1 why=""
    if ! cmp -s "$ref.rc" "$got.rc"; then
        ok=0; why="$why  exit status: qemu $(cat "$ref.rc"), vplat $(cat "$got.rc")"$'\n'
    fi
    if ! cmp -s "$ref.out" "$got.out"; then
        ok=0; why="$why  stdout differs:"$'\n'"$(diff -u --label qemu --label vplat "$ref.out" "$got.out" | head -n 12 | sed 's/^/    /')"$'\n'
    fi
    if [ "$check_err" = yes ] && ! cmp -s "$ref.err" "$got.err"; then
        ok=0; why="$why  stderr differs:"$'\n'"$(diff -u --label qemu --label vplat "$ref.err" "$got.err" | head -n 8 | sed 's/^/    /')"$'\n'
    fi
    if [ $ok = 1 ]; then
        echo "PASS $name"
        return 0
    fi
    echo "FAIL $name"
    printf '%s' "$why"
    return 1
}

# run_test INDEX — one table row: the qemu reference, then each JIT mode.
# Writes its report to $WORK/res/INDEX.txt and the counts to INDEX.count.
run_test() {
    local i=$1 name=${T_NAME[$1]} bin=${T_BIN[$1]} link=${T_LINK[$1]} opt=${T_OPT[$1]}
    local variant="$link-$opt" exe="$WORK/bin/${T_BIN[$1]}" p=0 f=0 jit ref got
    local -a ldopt=()
    [ "$link" = dynamic ] && ldopt=(-L "$SYSROOT")
    {
        if [ ! -x "$exe" ]; then
            for jit in $(modes_for "$link"); do
                echo "FAIL $name/$variant/$jit"
                echo "  build failed:"
                head -n 10 "$exe.log" 2>/dev/null | sed 's/^/    /'
                f=$((f + 1))
            done
        else
            ref="$WORK/out/$name-$variant.qemu"
            run_guest "$ref" "${T_ARGS[$i]}" "$(command -v "$QEMU")" "${ldopt[@]}" "$exe"
            for jit in $(modes_for "$link"); do
                [ -z "$FILTER" ] || printf '%s\n' "$name/$variant/$jit" | grep -Eq -- "$FILTER" || continue
                got="$WORK/out/$name-$variant.vplat-$jit"
                local mode=${jit%%:*}
                mode=${mode%+wx}
                local -a jitopt
                jitopt=("--jit=${mode%%@*}")
                [[ $mode == *@* ]] && jitopt+=("--jit-threshold=${mode#*@}")
                [[ $jit == *:* ]] && jitopt+=("--jit-code-size=${jit#*:}")
                [[ $jit == *+wx ]] && jitopt+=("--jit-wx")
                run_guest "$got" "${T_ARGS[$i]}" "$VPLAT" user "${jitopt[@]}" "${ldopt[@]}" "$exe"
                if compare "$name/$variant/$jit" "$ref" "$got" "${T_ERR[$i]}"; then
                    p=$((p + 1))
                else
                    f=$((f + 1))
                fi
            done
        fi
    } >"$WORK/res/$i.txt"
    echo "$p $f" >"$WORK/res/$i.count"
}

# Run the rows $JOBS at a time; print the reports in table order.
mkdir -p "$WORK/res"
running=0
for i in "${!T_NAME[@]}"; do
    run_test "$i" &
    running=$((running + 1))
    if [ $running -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait
passed=0
failed=0
for i in "${!T_NAME[@]}"; do
    cat "$WORK/res/$i.txt"
    read -r p f <"$WORK/res/$i.count" || { p=0; f=1; echo "FAIL ${T_NAME[$i]}: runner error"; }
    passed=$((passed + p))
    failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
