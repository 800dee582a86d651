#!/usr/bin/env bash
# Boots the guest images from scripts/build-guest.sh (out/guest/Image and
# initramfs.cpio.gz) on a virt board in test mode (vplat.test=1) and checks
# the console: the boot marker, /proc/cpuinfo, the exact output of
# /bin/hello (machine/virt/guest/hello.expected), the PCI listing, and a
# clean power-off with exit status 0 before the timeout.
#
#   tests/boot/boot_check.sh [EMULATOR_CMD...]
#
# EMULATOR_CMD is the emulator without board arguments; default
# `qemu-system-riscv64` (the reference). Any emulator that takes QEMU's
# spelling works, e.g. `tests/boot/boot_check.sh bazel-bin/vplat system`.
# This script appends:
#   -M virt -m 256M -nographic -bios $BOOT_BIOS -kernel ... -initrd ... -append "..."
# Environment:
#   BOOT_BIOS     firmware (default: Debian's OpenSBI generic fw_jump.bin)
#   BOOT_TIMEOUT  seconds before the boot counts as hung (default 120)
#   BOOT_LOG      console log file (default: a file in out/guest/)
#   BOOT_CONSOLE  console arguments (default "console=ttyS0 earlycon"; the
#                 SBI console instead: "console=hvc0 earlycon=sbi")
#   BOOT_APPEND   extra kernel arguments (added after the default ones)
#   BOOT_EXPECT_PCI  1 (default): the PCIe host bridge (QEMU's 1b36:0008 at
#                 00:00.0) must be listed; 0: the board has no PCIe host,
#                 the listing must then be present and empty
#   BOOT_EXPECT_NEWDEV  1: the board has a newdev (-device newdev, slot 1):
#                 lspci must list it, /init's demo (/bin/newdev-demo) must
#                 print machine/virt/guest/newdev-demo.expected line by line
#                 (literal lines; "re:" lines are extended regexes; the
#                 driver's kernel messages in between are checked apart),
#                 and its driver must unload; default 0
#   VPLAT_GUEST_DIR  where the images are (default out/guest)
# Prints one line per check and ends with "N passed, M failed"; exits 0 only
# when every check passed.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${VPLAT_GUEST_DIR:-$ROOT/out/guest}

if [ $# -eq 0 ]; then set -- qemu-system-riscv64; fi
BIOS=${BOOT_BIOS:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin}
TIMEOUT=${BOOT_TIMEOUT:-120}
LOG=${BOOT_LOG:-$OUT/boot-$(basename "$1").log}
APPEND="${BOOT_CONSOLE:-console=ttyS0 earlycon} vplat.test=1${BOOT_APPEND:+ $BOOT_APPEND}"

for f in "$OUT/Image" "$OUT/initramfs.cpio.gz"; do
  [ -f "$f" ] || { echo "boot_check: $f missing: run scripts/build-guest.sh"; echo "0 passed, 1 failed"; exit 1; }
done
[ -f "$BIOS" ] || { echo "boot_check: firmware $BIOS missing (apt-get install opensbi)"; echo "0 passed, 1 failed"; exit 1; }

cmd=("$@" -M virt -m 256M -nographic -bios "$BIOS"
     -kernel "$OUT/Image" -initrd "$OUT/initramfs.cpio.gz" -append "$APPEND")
echo "boot_check: ${cmd[*]@Q}"
mkdir -p "$(dirname "$LOG")"
start=$(date +%s.%N)
timeout -k 5 "$TIMEOUT" "${cmd[@]}" </dev/null 2>&1 | tr -d '\r' >"$LOG"
status=${PIPESTATUS[0]}
secs=$(echo "$(date +%s.%N) - $start" | bc)
printf 'boot_check: exit status %s after %.1fs; console log %s\n' "$status" "$secs" "$LOG"

passed=0 failed=0
check() { # check NAME CONDITION-STATUS [DETAIL]
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1)); echo "PASS $1"
  else
    failed=$((failed + 1)); echo "FAIL $1${3:+: $3}"
  fi
}
# Lines strictly between two marker lines.
block() { awk -v b="$1" -v e="$2" '$0 ~ "^"e {f=0} f {print} $0 == b {f=1}' "$LOG"; }

[ "$status" -ne 124 ] && [ "$status" -ne 137 ]; check "no timeout (${TIMEOUT}s)" $? "killed after ${TIMEOUT}s"
[ "$status" -eq 0 ]; check "emulator exit status 0" $? "status $status"
grep -qx 'VPLAT-BOOT-OK' "$LOG"; check "init ran (VPLAT-BOOT-OK)" $?
grep -q '^VPLAT-UNAME: Linux .* riscv64' "$LOG"; check "uname reports riscv64 Linux" $?
block VPLAT-CPUINFO-BEGIN VPLAT-CPUINFO-END | grep -qE '^isa[[:space:]]*: rv64i'
check "/proc/cpuinfo has an rv64 isa line" $?
diff_out=$(block VPLAT-HELLO-BEGIN VPLAT-HELLO-END | diff "$ROOT/machine/virt/guest/hello.expected" - 2>&1)
check "/bin/hello output matches hello.expected" $? "$(echo "$diff_out" | head -n 8 | tr '\n' '|')"
grep -qx 'VPLAT-HELLO-END status=0' "$LOG"; check "/bin/hello exit status 0" $?
npci=$(block VPLAT-PCI-BEGIN VPLAT-PCI-END | grep -c ' vendor=0x')
if [ "${BOOT_EXPECT_PCI:-1}" = 0 ]; then
  grep -qx 'VPLAT-PCI-END' "$LOG" && [ "$npci" -eq 0 ]; check "PCI listing ran, no PCIe host on this board ($npci devices)" $?
else
  grep -qx 'VPLAT-PCI-END' "$LOG" && [ "$npci" -ge 1 ]; check "PCI bus enumerated ($npci devices)" $?
  block VPLAT-PCI-BEGIN VPLAT-PCI-END | grep -qx '00:00.0 Class 0600: 1b36:0008'
  check "lspci: host bridge 00:00.0 Class 0600: 1b36:0008" $?
fi
if [ "${BOOT_EXPECT_NEWDEV:-0}" = 1 ]; then
  block VPLAT-PCI-BEGIN VPLAT-PCI-END | grep -qx '00:01.0 Class 00ff: 1337:0001'
  check "lspci: newdev 00:01.0 Class 00ff: 1337:0001" $?
  grep -qE '^newdev 0000:00:01.0: New Virtual PCI Device: 4096-byte buffer, irq [0-9]+, /proc/newdevice, /dev/newdev$' "$LOG"
  check "insmod: the driver probed newdev" $?
  # The demo's output without the kernel's messages, against the expected
  # lines: the first difference is reported.
  demo_out=$(block VPLAT-DEMO-BEGIN VPLAT-DEMO-END | grep -vE '^newdev( [0-9a-f]{4}:[0-9a-f]{2}:|: )')
  demo_diff=$(awk -v out="$demo_out" '
    BEGIN { n = split(out, got, "\n") }
    { want[++m] = $0 }
    END {
      for (i = 1; i <= (m > n ? m : n); i++) {
        w = want[i]; g = got[i]
        ok = (substr(w, 1, 3) == "re:") ? (g ~ substr(w, 4)) : (g == w)
        if (i > m || i > n || !ok) { printf "line %d: want [%s], got [%s]", i, w, g; exit }
      }
    }' "$ROOT/machine/virt/guest/newdev-demo.expected")
  [ -z "$demo_diff" ]; check "newdev demo output matches newdev-demo.expected line by line" $? "$demo_diff"
  grep -qx 'VPLAT-DEMO-END status=0' "$LOG"; check "newdev demo exit status 0" $?
  grep -qx 'newdev 0000:00:01.0: removed' "$LOG" && grep -qx 'VPLAT-RMMOD status=0' "$LOG"
  check "rmmod newdev: driver removed" $?
fi
grep -q 'reboot: Power down' "$LOG"; check "kernel powered off" $?
! grep -qE 'Kernel panic|Oops|BUG:|Unable to handle' "$LOG"; check "no kernel panic/oops" $? "$(grep -m1 -E 'Kernel panic|Oops|BUG:|Unable to handle' "$LOG")"

if [ "$failed" -ne 0 ]; then
  echo "boot_check: console tail:"
  tail -n 25 "$LOG" | sed 's/^/  | /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
