#!/usr/bin/env bash
# run.sh — the gdb stub end to end: gdb-multiarch in batch mode against
# vplat, and the same script against QEMU's stub as the reference.
#
#   tests/gdb/run.sh --vplat PATH [--jit MODE,...] [--part user|system] [--keep]
#
# user    gdb_target.c, built here with riscv64-linux-gnu-gcc -g -O0
#         -static, run as `vplat user -g 0` (port 0: vplat prints the port
#         it listens on):
#           user_common.gdb   breakpoints, step/next/stepi (over 2- and
#                             4-byte instructions), finish, registers and
#                             memory read and written, run to the exit;
#                             the transcript must equal qemu-riscv64 -g's
#           user_watch.gdb    write/access/read watchpoints (qemu-riscv64
#                             7.2 has none): the values the program stores,
#                             and the stop place found again by stepi
#           user_interrupt.gdb  Ctrl-C (SIGINT to gdb) while the program
#                             spins, then kill
#           user_signal.gdb   SIGSEGV (a store through NULL) and SIGABRT
#                             (abort()): the stop at the fault, backtrace,
#                             the death by the signal; equal to qemu's
#           user_dynamic.gdb  the program linked dynamically (PIE, -L): a
#                             breakpoint, backtrace, shared libraries,
#                             finish; equal to qemu-riscv64's with the
#                             addresses masked
# system  Linux from scripts/build-guest.sh (VPLAT_GUEST_DIR, default
#         out/guest) booted with `-S -gdb tcp::0`, vmlinux's symbols:
#           system.gdb        breakpoint on start_kernel (a kernel virtual
#                             address), CSRs, hbreak on kernel_init, stepi,
#                             a watchpoint on jiffies_64, Ctrl-C, kill; the
#                             transcript up to the Ctrl-C must equal
#                             qemu-system-riscv64 -S -gdb's
# Each part runs under every --jit mode (MODE@N meaning --jit-threshold
# N; default: user none native native@0 llvm@0, system none native
# native@0 llvm).  Nothing expected comes from vplat:
# the references are QEMU's transcripts and values worked out from the
# program (gdb_target.c) or read from vmlinux's symbols.
#
# Output: `PASS name` / `FAIL name` lines, then `N passed, M failed`; the
# exit status is 0 only if M = 0 and N > 0.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VPLAT=
JIT_MODES=
USER_MODES="none native native@0 llvm@0"
SYSTEM_MODES="none native native@0 llvm"
PARTS="user system"
KEEP=0
while [ $# -gt 0 ]; do
  case $1 in
    --vplat) VPLAT=$2; shift 2 ;;
    --jit) JIT_MODES=${2//,/ }; shift 2 ;;   # both parts
    --part) PARTS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$VPLAT" ] || VPLAT=$REPO/bazel-bin/vplat
VPLAT=$(cd "$(dirname "$VPLAT")" && pwd)/$(basename "$VPLAT")
GUEST=${VPLAT_GUEST_DIR:-$REPO/out/guest}
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
SYSROOT=/usr/riscv64-linux-gnu
GDB=gdb-multiarch
TIMEOUT=${GDB_TEST_TIMEOUT:-240}

WORK=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/vplat-gdb.XXXXXX")
cleanup() {
  [ -n "${VPID:-}" ] && kill -KILL "$VPID" 2>/dev/null
  [ "$KEEP" = 1 ] && echo "run.sh: kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() {
  echo "FAIL $1"
  shift
  for l in "$@"; do echo "  $l"; done
  failed=$((failed + 1))
}

need() { command -v "$1" >/dev/null || { fail "setup" "$1 not found (scripts/setup.sh installs it)"; echo "$passed passed, $failed failed"; exit 1; }; }
need $GDB
[ -x "$VPLAT" ] || { fail "setup" "no vplat binary at $VPLAT"; echo "$passed passed, $failed failed"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# jit_args MODE: the vplat options for none, native, native@N
jit_args() {
  local m=$1
  if [ "$m" = "${m%@*}" ]; then echo "--jit=$m"; else echo "--jit=${m%@*} --jit-threshold ${m#*@}"; fi
}

# fill TEMPLATE OUT PORT: the script with its @NAME@ placeholders filled in
fill() {
  sed -e "s|@PORT@|$3|g" -e "s|@PROG@|${PROG:-}|g" -e "s|@VMLINUX@|$GUEST/linux-6.1/vmlinux|g" \
      -e "s|@SYSROOT@|$SYSROOT|g" \
      -e "s|@LINE_RETURN@|${LINE_RETURN:-0}|g" "$1" > "$2"
}

# start_target OUT ERR CMD...: run CMD in the background (VPID); its gdb
# port is PORT if given, else what vplat prints ("waiting for gdb on H:P").
# Its stdin is a FIFO this script holds open: a guest shell waits on it
# (an idle hart, for the Ctrl-C test) instead of reading EOF.
mkfifo "$WORK/stdin"
exec 7<>"$WORK/stdin"
start_target() {
  local out=$1 err=$2
  shift 2
  "$@" > "$out" 2> "$err" < "$WORK/stdin" &
  VPID=$!
  local given=${PORT:-}
  for _ in $(seq 400); do
    # (read again each time: the line may have been caught half written)
    [ -n "$given" ] || PORT=$(sed -n 's/.*waiting for gdb on [^ ]*:\([0-9][0-9]*\)$/\1/p' "$err" | head -1)
    # listening? (never connect to find out: the stub would take that as gdb)
    if [ -n "${PORT:-}" ] && [ -n "$(ss -Hltn "sport = :$PORT" 2>/dev/null)" ]; then return 0; fi
    if ! kill -0 "$VPID" 2>/dev/null; then
      wait "$VPID"
      echo "(exited with status $? before listening)" >> "$err"
      VPID=
      return 1
    fi
    sleep 0.05
  done
  echo "(not listening after 20 s)" >> "$err"
  kill -KILL "$VPID" 2>/dev/null
  wait "$VPID" 2>/dev/null
  VPID=
  return 1
}

# run_gdb SCRIPT OUT [interrupt [FILE TEXT]]: gdb in batch mode; with
# `interrupt`, SIGINT once the transcript shows READY-TO-INTERRUPT (and
# FILE shows TEXT, if given): gdb then sends Ctrl-C
run_gdb() {
  local script=$1 out=$2 wait_file=${4:-} wait_text=${5:-}
  timeout "$TIMEOUT" $GDB -batch -nx -x "$script" > "$out" 2>&1 &
  local gpid=$!
  if [ "${3:-}" = interrupt ]; then
    for _ in $(seq 1200); do
      if grep -q READY-TO-INTERRUPT "$out" 2>/dev/null &&
         { [ -z "$wait_file" ] || grep -q "$wait_text" "$wait_file" 2>/dev/null; }; then break; fi
      kill -0 $gpid 2>/dev/null || break
      sleep 0.1
    done
    sleep 0.5
    pkill -INT -P $gpid -x $GDB 2>/dev/null || kill -INT $gpid 2>/dev/null
  fi
  wait $gpid
}

# wait_target: the target's exit status into STATUS (after gdb is done
# with it; one still running after 10 s is killed: 137 — SIGKILL, as
# qemu-riscv64 keeps SIGTERM for its guest)
wait_target() {
  STATUS=0
  for _ in $(seq 200); do kill -0 "$VPID" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$VPID" 2>/dev/null
  wait "$VPID" 2>/dev/null || STATUS=$?
  VPID=
}

# The transcripts of two stubs differ only where gdb names the target, and
# in stack addresses (vplat's user stack is not where qemu-riscv64 puts it).
normalize() {
  sed -E -e 's/\((process [0-9]+|Remote target)\)/(target)/g' -e 's/argv=0x[0-9a-f]+/argv=ADDR/g' \
      -e '/^warning: /d' "$1"
}

# A dynamic program's code and libraries load at other addresses under
# the two: mask every address.
mask_addresses() {
  normalize "$1" | sed -E -e 's/0x[0-9a-f]+/ADDR/g'
}

# expect NAME FILE PATTERN...: every extended regex matches a line of FILE
expect() {
  local name=$1 file=$2 missing=()
  shift 2
  for p in "$@"; do grep -Eq -- "$p" "$file" || missing+=("missing: $p"); done
  if [ ${#missing[@]} -eq 0 ]; then pass "$name"; else fail "$name" "${missing[@]}" "transcript: $file" "$(tail -15 "$file")"; fi
}

same() {
  local name=$1 ref=$2 got=$3
  if diff -u "$ref" "$got" > "$got.diff"; then pass "$name"; else fail "$name" "$(head -30 "$got.diff")"; fi
}

# ---- user mode -------------------------------------------------------------------

user_part() {
  local JIT_MODES=${JIT_MODES:-$USER_MODES}
  need riscv64-linux-gnu-gcc
  need qemu-riscv64
  PROG=$WORK/gdb_target
  if ! riscv64-linux-gnu-gcc -g -O0 -static -march=rv64gc -o "$PROG" "$HERE/gdb_target.c" 2> "$WORK/cc.log"; then
    fail "user/build" "$(cat "$WORK/cc.log")"
    return
  fi
  LINE_RETURN=$(grep -n 'LINE_RETURN' "$HERE/gdb_target.c" | cut -d: -f1)
  local line_printf
  line_printf=$(grep -n 'LINE_PRINTF' "$HERE/gdb_target.c" | cut -d: -f1)

  # the reference: qemu-riscv64's stub
  PORT=$(free_port)
  if start_target "$WORK/q.out" "$WORK/q.err" qemu-riscv64 -g "$PORT" "$PROG"; then
    fill "$HERE/user_common.gdb" "$WORK/q_common.gdb" "$PORT"
    run_gdb "$WORK/q_common.gdb" "$WORK/q_common.txt"
    wait_target
  else
    fail "user/qemu-reference" "qemu-riscv64 -g did not listen: $(cat "$WORK/q.err")"
    return
  fi
  normalize "$WORK/q_common.txt" > "$WORK/q_common.norm"
  # the reference itself must show what the program does
  expect "user/qemu-reference" "$WORK/q_common.norm" '^entry 1$' '^mixed\+0$' '^mixed\+2$' '^mixed\+6$' \
    '^mixed\+8 a0=16$' '^Breakpoint 2, sum_squares \(n=5\)' 'exited with code 067'

  # guest signals: qemu's transcripts as the reference
  local sig
  for sig in segv abort; do
    PORT=$(free_port)
    if start_target "$WORK/q.out" "$WORK/q.err" qemu-riscv64 -g "$PORT" "$PROG" "$sig"; then
      fill "$HERE/user_signal.gdb" "$WORK/q_$sig.gdb" "$PORT"
      run_gdb "$WORK/q_$sig.gdb" "$WORK/q_$sig.txt"
      wait_target
    else
      fail "user/qemu-reference-$sig" "qemu-riscv64 -g did not listen: $(cat "$WORK/q.err")"
      continue
    fi
    normalize "$WORK/q_$sig.txt" > "$WORK/q_$sig.norm"
  done
  expect "user/qemu-reference-signals" "$WORK/q_segv.norm" '^Program received signal SIGSEGV' \
    '^#0 .* in crash \(p=0x0\)' '^Program terminated with signal SIGSEGV'
  expect "user/qemu-reference-signals" "$WORK/q_abort.norm" '^Program received signal SIGABRT' 'in abort \(\)' \
    '^Program terminated with signal SIGABRT'
  for mode in $JIT_MODES; do
    for sig in segv abort; do
      PORT=
      # shellcheck disable=SC2046
      if start_target "$WORK/v.out" "$WORK/v.err" "$VPLAT" user $(jit_args "$mode") -g 0 "$PROG" "$sig"; then
        fill "$HERE/user_signal.gdb" "$WORK/v_${sig}_$mode.gdb" "$PORT"
        run_gdb "$WORK/v_${sig}_$mode.gdb" "$WORK/v_${sig}_$mode.txt"
        wait_target
        normalize "$WORK/v_${sig}_$mode.txt" > "$WORK/v_${sig}_$mode.norm"
        same "user/signal-$sig/$mode" "$WORK/q_$sig.norm" "$WORK/v_${sig}_$mode.norm"
        local want=139
        [ "$sig" = abort ] && want=134
        if [ "$STATUS" != "$want" ]; then fail "user/signal-$sig-status/$mode" "status $STATUS, want $want"; fi
      else
        fail "user/signal-$sig/$mode" "vplat did not listen: $(cat "$WORK/v.err")"
      fi
    done
  done

  # a dynamically linked PIE: load addresses from the auxiliary vector
  local prog_static=$PROG
  PROG=$WORK/gdb_target_dyn
  if ! riscv64-linux-gnu-gcc -g -O0 -march=rv64gc -o "$PROG" "$HERE/gdb_target.c" 2> "$WORK/cc.log"; then
    fail "user/build-dynamic" "$(cat "$WORK/cc.log")"
    return
  fi
  PORT=$(free_port)
  if start_target "$WORK/q.out" "$WORK/q.err" qemu-riscv64 -L "$SYSROOT" -g "$PORT" "$PROG"; then
    fill "$HERE/user_dynamic.gdb" "$WORK/q_dyn.gdb" "$PORT"
    run_gdb "$WORK/q_dyn.gdb" "$WORK/q_dyn.txt"
    wait_target
  else
    fail "user/qemu-reference-dynamic" "qemu-riscv64 -g did not listen: $(cat "$WORK/q.err")"
    return
  fi
  mask_addresses "$WORK/q_dyn.txt" > "$WORK/q_dyn.norm"
  local dyn_expect=('^Breakpoint 1, sum_squares \(n=5\)' 'libc\.so\.6$' '^printf-resolved 1$' 'Value returned is \$1 = 55'
    'exited with code 067')
  expect "user/qemu-reference-dynamic" "$WORK/q_dyn.norm" "${dyn_expect[@]}"
  for mode in $JIT_MODES; do
    PORT=
    # shellcheck disable=SC2046
    if start_target "$WORK/v.out" "$WORK/v.err" "$VPLAT" user $(jit_args "$mode") -L "$SYSROOT" -g 0 "$PROG"; then
      fill "$HERE/user_dynamic.gdb" "$WORK/v_dyn_$mode.gdb" "$PORT"
      run_gdb "$WORK/v_dyn_$mode.gdb" "$WORK/v_dyn_$mode.txt"
      wait_target
      mask_addresses "$WORK/v_dyn_$mode.txt" > "$WORK/v_dyn_$mode.norm"
      same "user/dynamic/$mode" "$WORK/q_dyn.norm" "$WORK/v_dyn_$mode.norm"
    else
      fail "user/dynamic/$mode" "vplat did not listen: $(cat "$WORK/v.err")"
    fi
  done
  PROG=$prog_static

  for mode in $JIT_MODES; do
    local j
    j=$(jit_args "$mode")
    # common script, compared with qemu
    PORT=
    # shellcheck disable=SC2086
    if ! start_target "$WORK/v.out" "$WORK/v.err" "$VPLAT" user $j -g 0 "$PROG"; then
      fail "user/common/$mode" "vplat did not listen: $(cat "$WORK/v.err")"
      continue
    fi
    fill "$HERE/user_common.gdb" "$WORK/v_common_$mode.gdb" "$PORT"
    run_gdb "$WORK/v_common_$mode.gdb" "$WORK/v_common_$mode.txt"
    local st
    wait_target
    normalize "$WORK/v_common_$mode.txt" > "$WORK/v_common_$mode.norm"
    same "user/common/$mode" "$WORK/q_common.norm" "$WORK/v_common_$mode.norm"
    if [ "$STATUS" = 55 ] && grep -q '^mixed 16 sum 55 table 2222$' "$WORK/v.out"; then pass "user/exit/$mode"
    else fail "user/exit/$mode" "status $STATUS (want 55), stdout: $(cat "$WORK/v.out")"; fi

    # watchpoints
    PORT=
    # shellcheck disable=SC2086
    if start_target "$WORK/v.out" "$WORK/v.err" "$VPLAT" user $j -g 0 "$PROG"; then
      fill "$HERE/user_watch.gdb" "$WORK/v_watch_$mode.gdb" "$PORT"
      run_gdb "$WORK/v_watch_$mode.gdb" "$WORK/v_watch_$mode.txt"
      wait_target
      expect "user/watch/$mode" "$WORK/v_watch_$mode.txt" \
        '^Hardware watchpoint 2: counter' '^Old value = 0$' '^New value = 1$' '^Old value = 1$' '^New value = 5$' \
        '^watch-same-pc 1 counter 5$' '^step-same-pc 1 counter 14$' \
        '^Hardware access \(read/write\) watchpoint 3: counter' '^New value = 30$' '^awatch-same-pc 1 counter 30$' \
        '^Hardware read watchpoint 4: table\[1\]' '^Value = 8738$' "^Line $line_printf of " 'exited with code 067'
    else
      fail "user/watch/$mode" "vplat did not listen: $(cat "$WORK/v.err")"
    fi

    # Ctrl-C while the program spins, then kill
    PORT=
    # shellcheck disable=SC2086
    if start_target "$WORK/v.out" "$WORK/v.err" "$VPLAT" user $j -g 0 "$PROG" spin; then
      fill "$HERE/user_interrupt.gdb" "$WORK/v_int_$mode.gdb" "$PORT"
      run_gdb "$WORK/v_int_$mode.gdb" "$WORK/v_int_$mode.txt" interrupt "$WORK/v.out" spinning
      wait_target
      expect "user/interrupt/$mode" "$WORK/v_int_$mode.txt" 'Program received signal SIGINT' '^spun 1$' '^main \+ [0-9]+ in section' \
        'killed\]'
      if [ "$STATUS" = 0 ] && grep -q 'terminated via gdb' "$WORK/v.err"; then pass "user/kill/$mode"
      else fail "user/kill/$mode" "status $STATUS (want 0), stderr: $(cat "$WORK/v.err")"; fi
    else
      fail "user/interrupt/$mode" "vplat did not listen: $(cat "$WORK/v.err")"
    fi
  done
}

# ---- system mode -------------------------------------------------------------------

system_part() {
  local JIT_MODES=${JIT_MODES:-$SYSTEM_MODES}
  need qemu-system-riscv64
  local img=$GUEST/Image initrd=$GUEST/initramfs.cpio.gz vmlinux=$GUEST/linux-6.1/vmlinux
  for f in "$img" "$initrd" "$vmlinux" "$FW"; do
    [ -r "$f" ] || { fail "system/setup" "missing $f (scripts/build-guest.sh; VPLAT_GUEST_DIR)"; return; }
  done
  local boot=(-M virt -m 256M -nographic -bios "$FW" -kernel "$img" -initrd "$initrd" -append "console=ttyS0")
  # nm gives the expected addresses independently of both stubs
  local nm=riscv64-linux-gnu-nm sk ki
  need $nm
  sk=$($nm "$vmlinux" | awk '$3 == "start_kernel" {print $1}')
  ki=$($nm "$vmlinux" | awk '$3 == "kernel_init" {print $1}')
  [ -n "$sk" ] && [ -n "$ki" ] || { fail "system/setup" "no start_kernel/kernel_init in $vmlinux"; return; }

  PORT=$(free_port)
  if start_target "$WORK/qs.out" "$WORK/qs.err" qemu-system-riscv64 "${boot[@]}" -S -gdb "tcp:127.0.0.1:$PORT"; then
    fill "$HERE/system.gdb" "$WORK/qs.gdb" "$PORT"
    run_gdb "$WORK/qs.gdb" "$WORK/qs.txt" interrupt
    wait_target
  else
    fail "system/qemu-reference" "qemu-system-riscv64 did not listen: $(cat "$WORK/qs.err")"
    return
  fi
  # up to the Ctrl-C, without the timing-dependent jiffies values
  local cut='/READY-TO-INTERRUPT/q'
  normalize "$WORK/qs.txt" | sed -e "$cut" -e '/^Old value = /d' -e '/^New value = /d' > "$WORK/qs.norm"
  local system_expect=('^reset pc 0x1000 priv 3$' "Breakpoint 1, 0x0*$sk in start_kernel" '^start_kernel 1 priv 1$'
    '^paging 1$' '^stvec-is-handle_exception 1$' "Breakpoint 2, 0x0*$ki in kernel_init" '^kernel_init 1 priv 1$'
    '^Hardware watchpoint 3: \*\(unsigned long \*\)&jiffies_64' 'in section \.text')
  expect "system/qemu-reference" "$WORK/qs.norm" "${system_expect[@]}"

  for mode in $JIT_MODES; do
    local j
    j=$(jit_args "$mode")
    PORT=
    # shellcheck disable=SC2086
    if ! start_target "$WORK/vs.out" "$WORK/vs.err" "$VPLAT" system $j "${boot[@]}" -S -gdb tcp::0; then
      fail "system/$mode" "vplat did not listen: $(cat "$WORK/vs.err")"
      continue
    fi
    fill "$HERE/system.gdb" "$WORK/vs_$mode.gdb" "$PORT"
    run_gdb "$WORK/vs_$mode.gdb" "$WORK/vs_$mode.txt" interrupt
    wait_target
    normalize "$WORK/vs_$mode.txt" | sed -e "$cut" -e '/^Old value = /d' -e '/^New value = /d' > "$WORK/vs_$mode.norm"
    same "system/transcript/$mode" "$WORK/qs.norm" "$WORK/vs_$mode.norm"
    expect "system/expected/$mode" "$WORK/vs_$mode.norm" "${system_expect[@]}"
    expect "system/interrupt-kill/$mode" "$WORK/vs_$mode.txt" 'Program received signal SIGINT' '^interrupted priv [013]$' 'killed\]'
    if [ "$STATUS" = 0 ] && grep -q 'terminated via gdb' "$WORK/vs.err"; then pass "system/exit/$mode"
    else fail "system/exit/$mode" "status $STATUS (want 0), stderr: $(tail -3 "$WORK/vs.err")"; fi
  done
}

for part in $PARTS; do
  case $part in
    user) user_part ;;
    system) system_part ;;
    *) fail "args" "unknown part $part" ;;
  esac
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
