#!/usr/bin/env bash
# The boot test: the guest images from scripts/build-guest.sh (Linux 6.1,
# busybox initramfs) booted on vplat's virt board with Debian's OpenSBI,
# under every --jit mode that runs system mode, with both firmware flavours
# (fw_dynamic.bin as QEMU's default, fw_jump.bin); tests/boot/boot_check.sh
# checks each console log (init ran, uname, cpuinfo, /bin/hello's exact
# output against machine/virt/guest/hello.expected, clean power-off), with a
# newdev (-device newdev) on the PCIe host: lspci lists it and the demo
# (/bin/newdev-demo: insmod, /proc/newdevice, DMA round trip, interrupts)
# must print machine/virt/guest/newdev-demo.expected line by line.
#
#   tests/boot/vplat_boot_test.sh --vplat PATH
#
# The images must exist (scripts/test.sh builds them first; the Bazel test
# gets their folder as VPLAT_GUEST_DIR): a missing image is a failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
VPLAT=
while [ $# -gt 0 ]; do
  case $1 in --vplat) VPLAT=$2; shift 2 ;; *) echo "unknown argument $1"; exit 2 ;; esac
done
[ -x "$VPLAT" ] || { echo "vplat_boot_test: no vplat binary ($VPLAT)"; exit 1; }
VPLAT=$(cd "$(dirname "$VPLAT")" && pwd)/$(basename "$VPLAT")
export VPLAT_GUEST_DIR=${VPLAT_GUEST_DIR:-$PWD/out/guest}
# MODE or MODE@THRESHOLD (native@0: every block compiled on first sight)
JIT_MODES=${JIT_MODES:-none native native@0 llvm}
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic
logdir=${TEST_UNDECLARED_OUTPUTS_DIR:-${TMPDIR:-/tmp}}
fails=0 runs=0
for mode in $JIT_MODES; do
  jit=(--jit="${mode%@*}")
  [ "$mode" = "${mode%@*}" ] || jit+=(--jit-threshold "${mode#*@}")
  for fw in fw_dynamic fw_jump; do
    runs=$((runs + 1))
    echo "=== ${jit[*]}, $fw.bin"
    if BOOT_BIOS=$FW/$fw.bin BOOT_LOG=$logdir/boot-$mode-$fw.log BOOT_TIMEOUT=${BOOT_TIMEOUT:-300} \
         BOOT_EXPECT_NEWDEV=1 tests/boot/boot_check.sh "$VPLAT" system "${jit[@]}" -device newdev; then :; else fails=$((fails + 1)); fi
  done
done
echo "vplat_boot_test: $((runs - fails)) of $runs boots passed"
[ "$fails" -eq 0 ]
