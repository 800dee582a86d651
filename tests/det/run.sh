#!/usr/bin/env bash
# run.sh — deterministic execution and record/replay (issue #7):
#
#   tests/det/run.sh --vplat PATH --part user|system
#
# user:   tests/det/clocks.c (every clock, time CSR, getrandom, AT_RANDOM,
#         stdin) under --deterministic: two runs and every tier (none,
#         native, native@0, llvm@0) print the same and retire the same
#         instruction count; -icount shift=3 and --seed 1 change what it
#         prints.  Without --deterministic it is recorded (-record, stdin
#         lines fed) under native and replayed under every tier: same
#         output and count; a plain run differs (the check can fail).
# system: Linux booted to init's test sequence (vplat.test=1, powers off)
#         with --deterministic: two runs under none, and native, native@0,
#         llvm: same console and instruction count.  An interactive boot
#         recorded under native with shell commands typed once the prompt
#         shows (-record), replayed with no stdin under none and native@0:
#         same console and count.
# Sanity: the expected lines are there, the count is nonzero, the log is
# not empty.  Needs riscv64-linux-gnu-gcc (user) and the guest images of
# scripts/build-guest.sh in VPLAT_GUEST_DIR (system).
set -uo pipefail
VPLAT="" PART=""
while [ $# -gt 0 ]; do
  case $1 in
  --vplat) VPLAT=$(readlink -f "$2"); shift 2 ;;
  --part) PART=$2; shift 2 ;;
  *) echo "usage: $0 --vplat PATH --part user|system"; exit 2 ;;
  esac
done
[ -x "$VPLAT" ] || { echo "det: no vplat binary ($VPLAT)"; exit 2; }
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
work=${TEST_TMPDIR:-$(mktemp -d)}/det-$PART
rm -rf "$work"; mkdir -p "$work"; cd "$work" || exit 2
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok    $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1"; }
# the guest's output and vplat's messages without --stats (only its
# instruction count is kept: the rest has host timings)
strip() { tr -d '\r' <"$1" | grep -v '^  ' | grep -v '^vplat stats:'; grep '^  guest instructions executed' "$1"; }
count() { sed -n 's/^  guest instructions executed //p' "$1"; }
# same NAME REF FILE...: every FILE equal to REF after strip
same() {
  local name=$1 ref=$2; shift 2
  strip "$ref" >"$ref.s"
  local f bad_one=""
  for f in "$@"; do strip "$f" >"$f.s"; cmp -s "$ref.s" "$f.s" || bad_one="$bad_one $f"; done
  if [ -z "$bad_one" ]; then ok "$name ($(count "$ref") instructions)"; else
    bad "$name: differs from $ref:$bad_one"; for f in $bad_one; do diff "$ref.s" "$f.s" | head -6; done; fi
}
# tiers: MODE or MODE@THRESHOLD
jit_args() { local m=$1; echo "--jit=${m%@*}"; [ "$m" = "${m%@*}" ] || echo "--jit-threshold ${m#*@}"; }

if [ "$PART" = user ]; then
  riscv64-linux-gnu-gcc -O2 -static -o clocks "$here/clocks.c" || exit 2
  TIERS="none native native@0 llvm@0"
  run() { local out=$1; shift; timeout -k 5 120 "$VPLAT" user --stats "$@" ./clocks >"$out" 2>&1; echo "status $?" >>"$out"; }
  run det-none-1 --deterministic </dev/null
  for t in $TIERS; do run "det-$t" --deterministic $(jit_args "$t") </dev/null; done
  same "deterministic: two runs, and every tier" det-none-1 $(for t in $TIERS; do echo "det-$t"; done)
  if grep -q '^round 2: rdtime' det-none-1 && grep -q '^status 0' det-none-1 && [ "$(count det-none-1)" -gt 0 ]; then
    ok "deterministic: the program ran"; else bad "deterministic: the program did not run through"; fi
  run det-shift3 -icount shift=3 </dev/null
  run det-seed1 --deterministic --seed 1 </dev/null
  if ! cmp -s <(grep '^round 1: mono' det-none-1) <(grep '^round 1: mono' det-shift3) &&
     ! cmp -s <(grep AT_RANDOM det-none-1) <(grep AT_RANDOM det-seed1); then
    ok "-icount shift=3 and --seed 1 change the clocks and the random bytes"; else bad "shift or seed has no effect"; fi

  printf 'first line\nsecond line\n' | run rec --jit=native -record clocks.rr
  if [ -s clocks.rr ] && grep -q '^stdin 2: second line' rec && [ "$(count rec)" -gt 0 ]; then
    ok "record: $(stat -c %s clocks.rr) bytes of log, stdin read"; else bad "record: no log or no stdin"; fi
  # the replay's stdin is an empty pipe: what it reads comes from the log
  # (glibc looks at what kind of file stdin is, so keep it a pipe)
  for t in $TIERS; do : | run "rep-$t" -replay clocks.rr $(jit_args "$t"); done
  same "replay under every tier equals the recording" rec $(for t in $TIERS; do echo "rep-$t"; done)
  printf 'first line\nsecond line\n' | run plain --jit=native
  if ! cmp -s <(strip rec) <(strip plain); then ok "a run without the log differs (clocks move)"; else
    bad "a plain run printed the same as the recording: the check cannot fail"; fi
elif [ "$PART" = system ]; then
  G=${VPLAT_GUEST_DIR:-$here/../../out/guest}
  for f in "$G/Image" "$G/initramfs.cpio.gz"; do [ -f "$f" ] || { echo "det: $f missing (scripts/build-guest.sh)"; exit 1; }; done
  board=(-M virt -m 256M -nographic -kernel "$G/Image" -initrd "$G/initramfs.cpio.gz")
  boot() {
    local out=$1; shift
    local t0=$(date +%s.%N)
    timeout -k 5 300 "$VPLAT" system "${board[@]}" --stats "$@" </dev/null >"$out" 2>&1
    echo "status $?" >>"$out"
    printf '  (%s: %.1f s)\n' "$out" "$(echo "$(date +%s.%N) - $t0" | bc)" >&2
  }
  TIERS="none native native@0 llvm"
  boot det-none-1 --deterministic -append "console=ttyS0 vplat.test=1"
  for t in $TIERS; do boot "det-$t" -icount shift=0 $(jit_args "$t") -append "console=ttyS0 vplat.test=1"; done
  same "deterministic boot: two runs, and every tier" det-none-1 $(for t in $TIERS; do echo "det-$t"; done)
  if tr -d '\r' <det-none-1 | grep -q '^VPLAT-HELLO-END status=0' && tr -d '\r' <det-none-1 | grep -q '^VPLAT-POWEROFF' &&
     grep -q '^status 0' det-none-1 && [ "$(count det-none-1)" -gt 0 ]; then
    ok "deterministic boot: init ran its tests and powered off"; else bad "deterministic boot did not complete"; fi

  # an interactive session: commands typed once the shell is up
  rm -f in.fifo; mkfifo in.fifo
  ( timeout -k 5 300 "$VPLAT" system "${board[@]}" --stats --jit=native -record session.rr -append console=ttyS0 \
      <in.fifo >rec 2>&1; echo "status $?" >>rec ) &
  exec 3>in.fifo
  for _ in $(seq 600); do grep -q 'busybox shell' rec 2>/dev/null && break; sleep 0.1; done
  sleep 0.5; printf 'echo typed $((6 * 7))\n' >&3
  sleep 0.5; printf 'cat /proc/uptime; uname -r\n' >&3
  sleep 0.5; printf 'poweroff -f\n' >&3
  wait; exec 3>&-
  if [ -s session.rr ] && tr -d '\r' <rec | grep -q '^typed 42' && grep -q '^status 0' rec; then
    ok "record: the shell ran the typed commands ($(stat -c %s session.rr) bytes of log)"; else
    bad "record: the session did not run"; tail -5 rec; fi
  for t in none native@0; do boot "rep-$t" -replay session.rr $(jit_args "$t") -append console=ttyS0; done
  same "replay with no stdin equals the recording (none, native@0)" rec rep-none rep-native@0
else
  echo "det: --part user or system"; exit 2
fi
echo "det $PART: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
