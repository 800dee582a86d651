#!/usr/bin/env bash
# The main job: install what is missing, build vplat, and run a riscv64
# Linux program under it side by side with qemu-riscv64 (the reference):
# a statically linked one, then a dynamically linked one through the
# Debian riscv64 sysroot.  Extra arguments go to vplat (e.g. --stats).
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
