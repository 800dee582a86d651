#!/usr/bin/env bash
# run_test.sh — lockstep tests: vplat against qemu-riscv64, one instruction
# at a time, on two small freestanding static programs (integer and FP),
# plus self-tests proving that lockstep.py does report a divergence.
#
#   run_test.sh [--vplat PATH]
#
# The programs (lockstep_int.c, lockstep_fp.c + start.S) avoid glibc,
# whose startup mixes AT_RANDOM bytes into registers and would make every
# trace unique.  `--skip 1` skips the state before _start's first
# instruction has replaced the loader's initial sp.
#
# Self-tests (no vplat needed): a qemu log compared with itself must be
# identical; a copy with one integer register changed (x13/a3 in state 4000)
# and a copy with one FP register changed (f10/fa0 in state 1500) must be
# reported with that register, both values and the instruction index; a
# truncated copy must be reported as ending early.
#
# Prints PASS/FAIL per check and `N passed, M failed`; exit 0 only if all pass.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VPLAT="$REPO/bazel-bin/vplat"
# //:vplat is an alias of //machine:vplat, so the file may only exist there.
[ -e "$VPLAT" ] || [ ! -e "$REPO/bazel-bin/machine/vplat" ] || VPLAT="$REPO/bazel-bin/machine/vplat"
CC=riscv64-linux-gnu-gcc
QEMU=qemu-riscv64
PY=${PYTHON:-python3}

while [ $# -gt 0 ]; do
    case "$1" in
        --vplat) VPLAT=$2; shift 2 ;;
        --vplat=*) VPLAT=${1#--vplat=}; shift ;;
        *) echo "run_test.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
case "$VPLAT" in */*) VPLAT=$(cd "$(dirname "$VPLAT")" && pwd)/$(basename "$VPLAT") ;; esac

WORK=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/vplat-lockstep.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/  /' "$2" | head -n 30; failed=$((failed + 1)); }

for p in int fp; do
    if ! "$CC" -O2 -static -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie \
        -o "$WORK/lockstep_$p" "$HERE/start.S" "$HERE/lockstep_$p.c" -lgcc >"$WORK/build_$p.log" 2>&1; then
        fail "build lockstep_$p" "$WORK/build_$p.log"
    fi
done

# --- self-tests on qemu logs -------------------------------------------
# edit_log IN OUT STATE REGNAME: rewrite REGNAME's value in state STATE
# (0-based) by flipping its lowest bit.
edit_log() {
    "$PY" - "$@" <<'EOF'
import re, sys
src, dst, want, reg = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
n = -1
done = False
with open(src) as f, open(dst, "w") as out:
    for line in f:
        if line.startswith(" pc "):
            n += 1
        if n == want and not done:
            m = re.search(r"( %s +)([0-9a-f]{16})" % re.escape(reg), line)
            if m:
                v = int(m.group(2), 16) ^ 1
                line = line[:m.start(2)] + "%016x" % v + line[m.end(2):]
                done = True
        out.write(line)
sys.exit(0 if done else 1)
EOF
}

if [ -x "$WORK/lockstep_int" ] && [ -x "$WORK/lockstep_fp" ]; then
    "$QEMU" -singlestep -d cpu,fpu -D "$WORK/q_int.log" "$WORK/lockstep_int" >/dev/null
    "$QEMU" -singlestep -d cpu,fpu -D "$WORK/q_fp.log" "$WORK/lockstep_fp" >/dev/null

    out="$WORK/self_same.txt"
    if "$PY" "$HERE/lockstep.py" --compare "$WORK/q_int.log" "$WORK/q_int.log" >"$out" 2>&1 &&
        grep -q "instructions identical" "$out"; then
        pass "self-test: identical logs"
    else
        fail "self-test: identical logs" "$out"
    fi

    out="$WORK/self_int.txt"
    edit_log "$WORK/q_int.log" "$WORK/m_int.log" 4000 x13/a3
    "$PY" "$HERE/lockstep.py" --compare "$WORK/q_int.log" "$WORK/m_int.log" \
        --prog "$WORK/lockstep_int" >"$out" 2>&1
    rc=$?
    if [ $rc = 1 ] && grep -q "before instruction #4000 " "$out" &&
        grep -Eq "^  x13/a3 +qemu [0-9a-f]{16}  vplat [0-9a-f]{16}$" "$out" &&
        [ "$(grep -c 'qemu [0-9a-f]\{16\}  vplat' "$out")" = 1 ]; then
        pass "self-test: detects a changed integer register"
    else
        fail "self-test: detects a changed integer register (rc=$rc)" "$out"
    fi

    out="$WORK/self_fp.txt"
    edit_log "$WORK/q_fp.log" "$WORK/m_fp.log" 1500 f10/fa0
    "$PY" "$HERE/lockstep.py" --compare "$WORK/q_fp.log" "$WORK/m_fp.log" >"$out" 2>&1
    rc=$?
    if [ $rc = 1 ] && grep -q "before instruction #1500 " "$out" &&
        grep -Eq "^  f10/fa0 +qemu [0-9a-f]{16}  vplat [0-9a-f]{16}$" "$out"; then
        pass "self-test: detects a changed FP register"
    else
        fail "self-test: detects a changed FP register (rc=$rc)" "$out"
    fi

    out="$WORK/self_ignore.txt"
    if "$PY" "$HERE/lockstep.py" --compare "$WORK/q_fp.log" "$WORK/m_fp.log" --ignore fa0 \
        >"$out" 2>&1; then
        pass "self-test: --ignore fa0 hides it"
    else
        fail "self-test: --ignore fa0 hides it" "$out"
    fi

    out="$WORK/self_trunc.txt"
    head -n 20000 "$WORK/q_int.log" >"$WORK/t_int.log"
    "$PY" "$HERE/lockstep.py" --compare "$WORK/q_int.log" "$WORK/t_int.log" >"$out" 2>&1
    rc=$?
    if [ $rc = 1 ] && grep -q "the vplat log ends here" "$out"; then
        pass "self-test: detects a log that ends early"
    else
        fail "self-test: detects a log that ends early (rc=$rc)" "$out"
    fi
fi

# --- vplat against qemu --------------------------------------------------
if ! [ -x "$VPLAT" ] && ! command -v "$VPLAT" >/dev/null; then
    fail "vplat binary not found: $VPLAT"
else
    for p in int fp; do
        [ -x "$WORK/lockstep_$p" ] || continue
        out="$WORK/run_$p.txt"
        "$PY" "$HERE/lockstep.py" --vplat "$VPLAT" --skip 1 "$WORK/lockstep_$p" >"$out" 2>&1
        rc=$?
        if [ $rc = 0 ]; then
            pass "lockstep_$p: $(grep -o '[0-9]* instructions identical' "$out")"
        else
            fail "lockstep_$p (rc=$rc)" "$out"
        fi
    done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
