#!/usr/bin/env bash
# Reference boot of the guest images on qemu-system-riscv64 (Debian's QEMU
# 7.2 + OpenSBI): runs tests/boot/boot_check.sh with qemu and keeps the
# console log as out/guest/qemu-boot.log, the output vplat's own boot is
# compared with. FIRMWARE=dynamic boots with fw_dynamic.bin instead of
# fw_jump.bin (log: out/guest/qemu-boot-fw_dynamic.log).
set -uo pipefail
cd "$(dirname "$0")/../.."
fw=${FIRMWARE:-jump}
case "$fw" in
  jump) log=out/guest/qemu-boot.log ;;
  dynamic) log=out/guest/qemu-boot-fw_dynamic.log ;;
  *) echo "qemu_boot: FIRMWARE must be jump or dynamic"; exit 2 ;;
esac
command -v qemu-system-riscv64 >/dev/null ||
  { echo "qemu_boot: qemu-system-riscv64 missing (scripts/setup.sh installs qemu-system-misc)"; exit 1; }
BOOT_BIOS=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_$fw.bin BOOT_LOG=$log \
  exec tests/boot/boot_check.sh qemu-system-riscv64 "$@"
