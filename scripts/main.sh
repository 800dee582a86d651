#!/usr/bin/env bash
# The main job: install what is missing, build vplat, and run a riscv64
# Linux program under it side by side with qemu-riscv64 (the reference):
# a statically linked one, then a dynamically linked one through the
# Debian riscv64 sysroot.  Extra arguments go to vplat (e.g. --stats).
# Then the PCI device kit's demo: Linux 6.1 booted on vplat's virt board
# with the example device (-device newdev); in the guest, lspci, insmod of
# its driver, a string through /proc/newdevice and back, a DMA round trip,
# the interrupt count rising (machine/virt/guest/newdev-demo).  From a
# terminal it then leaves you at the guest shell (poweroff or C-a x to
# leave); otherwise the guest powers off after the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
bazel build //:vplat
out=out/demo
mkdir -p "$out"
riscv64-linux-gnu-gcc -O2 -static -o "$out/demo-static" scripts/demo.c -lm
riscv64-linux-gnu-gcc -O2 -o "$out/demo-dynamic" scripts/demo.c -lm
for link in static dynamic; do
  prog="$out/demo-$link"
  sysroot=()
  [ "$link" = dynamic ] && sysroot=(-L /usr/riscv64-linux-gnu)
  echo "=== vplat user ${sysroot[*]} $prog  (interpreter, --jit=none)"
  set +e
  bazel-bin/vplat user --jit=none "${sysroot[@]}" "$@" "$prog" from vplat > "$out/vplat.txt"; vs=$?
  qemu-riscv64 "${sysroot[@]}" "$prog" from vplat > "$out/qemu.txt"; qs=$?
  set -e
  cat "$out/vplat.txt"
  if cmp -s "$out/vplat.txt" "$out/qemu.txt" && [ "$vs" = "$qs" ]; then
    echo "=== identical to qemu-riscv64 (output and exit status $vs)"
  else
    echo "=== DIFFERS from qemu-riscv64 (exit $vs vs $qs):"; diff "$out/qemu.txt" "$out/vplat.txt" || true
    exit 1
  fi
done

# The guest images (cached in out/guest; ~10 minutes the first time).
./scripts/build-guest.sh
demo=poweroff
if [ -t 0 ] && [ -t 1 ]; then demo=1; fi
echo "=== vplat system -M virt -device newdev  (OpenSBI + Linux 6.1, the newdev demo)"
exec bazel-bin/vplat system -M virt -m 256M -nographic -kernel out/guest/Image -initrd out/guest/initramfs.cpio.gz \
  -append "console=ttyS0 vplat.demo=$demo" -device newdev
