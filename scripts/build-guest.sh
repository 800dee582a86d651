#!/usr/bin/env bash
# Builds the guest images for vplat's full-system virt board into out/guest/,
# offline, from Debian packages only (install them with scripts/setup.sh):
#   Image                 Linux 6.1 (linux-source-6.1): tinyconfig + machine/virt/guest/linux.config
#   linux-6.1/            the kernel build tree, kept for out-of-tree modules (make -C out/guest/linux-6.1 M=...)
#   busybox               static riscv64 busybox from Debian's source package (apt-get source busybox)
#   hello                 machine/virt/guest/hello.c, static
#   newdev.ko             linux-module/newdev.c, the driver of pcidev's example device, built
#                         out of tree against linux-6.1/ (in a copy under newdev-module/)
#   newdev-dma            linux-module/newdev_dma.c, static: the driver's DMA round-trip tool
#   initramfs.cpio.gz     busybox + applet symlinks, /init (machine/virt/guest/init), /bin/hello,
#                         /lib/modules/newdev.ko, /bin/newdev-dma, /bin/newdev-demo
#                         (machine/virt/guest/newdev-demo), /dev/console
# Each artifact has a stamp (out/guest/.stamps/) holding a hash of its
# inputs: this script, the repo files it uses, the Debian package versions.
# An artifact whose stamp matches is not rebuilt, so a second run takes
# seconds. Build logs go to out/guest/logs/. See machine/virt/guest/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
GUEST=$ROOT/machine/virt/guest
OUT=$ROOT/out/guest
STAMPS=$OUT/.stamps
LOGS=$OUT/logs
LINUX=$OUT/linux-6.1
BBBUILD=$OUT/busybox-build
CROSS=riscv64-linux-gnu-
JOBS=$(nproc)

say() { echo "build-guest: $*"; }
die() { echo "build-guest: error: $*" >&2; exit 1; }
now() { date +%s; }

# Runs a build step with its output in a log file; on failure shows the end.
run_logged() {
  local log=$LOGS/$1.log
  shift
  if ! "$@" >>"$log" 2>&1; then
    echo "build-guest: error: '$*' failed; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

# --- everything this needs must come from scripts/setup.sh -------------------
missing=()
for p in linux-source-6.1 gcc-riscv64-linux-gnu libc6-dev-riscv64-cross binutils-riscv64-linux-gnu \
         gcc make flex bison bc libssl-dev libelf-dev xz-utils bzip2 gzip dpkg-dev patch; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || die "missing Debian packages: ${missing[*]} (run scripts/setup.sh)"
[ -f /usr/src/linux-source-6.1.tar.xz ] || die "/usr/src/linux-source-6.1.tar.xz not found (reinstall linux-source-6.1)"

mkdir -p "$OUT" "$STAMPS" "$LOGS"

stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
stamp_set() { echo "$2" >"$STAMPS/$1"; }

SELF=$(sha256sum "$ROOT/scripts/build-guest.sh" | cut -c1-16)
LINUX_VER=$(pkg_version linux-source-6.1)
TOOLCHAIN="gcc-riscv64-linux-gnu=$(pkg_version gcc-riscv64-linux-gnu) libc=$(pkg_version libc6-dev-riscv64-cross)"

# --- Linux ------------------------------------------------------------------
linux_src_hash=$(echo "$LINUX_VER" | sha256sum | cut -c1-16)
if stamp_ok linux-src "$linux_src_hash" && [ -f "$LINUX/Makefile" ]; then
  :
else
  say "linux: extracting /usr/src/linux-source-6.1.tar.xz ($LINUX_VER) into $LINUX"
  t0=$(now)
  rm -rf "$LINUX" "$OUT/linux-source-6.1" "$STAMPS/linux"
  tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$OUT"
  mv "$OUT/linux-source-6.1" "$LINUX"
  stamp_set linux-src "$linux_src_hash"
  say "linux: extracted in $(( $(now) - t0 ))s"
fi

linux_hash=$( { echo "$SELF $LINUX_VER $TOOLCHAIN"; cat "$GUEST/linux.config"; } | sha256sum | cut -c1-16)
if stamp_ok linux "$linux_hash" && [ -f "$OUT/Image" ]; then
  say "linux: up to date ($OUT/Image)"
else
  say "linux: configuring (tinyconfig + machine/virt/guest/linux.config) and building with -j$JOBS (log: $LOGS/linux.log)"
  t0=$(now)
  : >"$LOGS/linux.log"
  # Fixed build user/host/time: `uname -a` and the boot banner are then the
  # same on every machine, so console logs can be compared line by line.
  kmake=(make -C "$LINUX" ARCH=riscv CROSS_COMPILE=$CROSS KBUILD_BUILD_USER=vplat KBUILD_BUILD_HOST=vplat
         KBUILD_BUILD_VERSION=1 "KBUILD_BUILD_TIMESTAMP=Sat Jan  1 00:00:00 UTC 2000")
  run_logged linux "${kmake[@]}" tinyconfig
  run_logged linux env ARCH=riscv CROSS_COMPILE=$CROSS "$LINUX/scripts/kconfig/merge_config.sh" \
    -m -O "$LINUX" "$LINUX/.config" "$GUEST/linux.config"
  run_logged linux "${kmake[@]}" olddefconfig
  # merge_config.sh only warns when Kconfig drops a value (unmet dependency):
  # make that an error so the fragment always says what the kernel has.
  bad=()
  while IFS= read -r line; do
    case "$line" in
      CONFIG_*=*) grep -qxF "$line" "$LINUX/.config" || bad+=("$line") ;;
      "# CONFIG_"*" is not set")
        sym=${line#\# }; sym=${sym%% *}
        ! grep -q "^$sym=" "$LINUX/.config" || bad+=("$line") ;;
    esac
  done <"$GUEST/linux.config"
  [ ${#bad[@]} -eq 0 ] || die "linux: these fragment options did not survive the merge (dependencies?): ${bad[*]}"
  # `all` gives Image, the modules and Module.symvers (for out-of-tree modules).
  run_logged linux "${kmake[@]}" -j"$JOBS" all
  cp "$LINUX/arch/riscv/boot/Image" "$OUT/Image"
  stamp_set linux "$linux_hash"
  say "linux: built $OUT/Image ($(stat -c %s "$OUT/Image") bytes) in $(( $(now) - t0 ))s"
fi

# --- busybox ----------------------------------------------------------------
# The version apt would fetch; when no source index is reachable, keep the
# already fetched one.
bb_candidate=$(apt-cache showsrc --only-source busybox 2>/dev/null | awk '/^Version:/ {print $2}' | sort -V | tail -n1)
bb_fetched=$(cat "$STAMPS/busybox-src" 2>/dev/null || true)
bb_dir() { find "$OUT/src" -maxdepth 1 -type d -name 'busybox-[0-9]*' 2>/dev/null | head -n1; }
if [ -n "$bb_fetched" ] && [ -n "$(bb_dir)" ] && { [ -z "$bb_candidate" ] || [ "$bb_candidate" = "$bb_fetched" ]; }; then
  BB_VER=$bb_fetched
else
  [ -n "$bb_candidate" ] || die "busybox: no source package found: apt-get source needs a deb-src entry (run scripts/setup.sh, which adds it and runs apt-get update)"
  say "busybox: fetching Debian source package busybox=$bb_candidate into $OUT/src"
  rm -rf "$OUT/src" "$STAMPS/busybox-src"
  mkdir -p "$OUT/src"
  # As root apt warns that the download is unsandboxed; that is expected here.
  (cd "$OUT/src" && run_logged busybox-src apt-get source -q "busybox=$bb_candidate")
  [ -n "$(bb_dir)" ] || die "busybox: apt-get source did not unpack a busybox-* directory (see $LOGS/busybox-src.log)"
  stamp_set busybox-src "$bb_candidate"
  BB_VER=$bb_candidate
fi
BBSRC=$(bb_dir)

bb_hash=$(echo "$SELF $BB_VER $TOOLCHAIN" | sha256sum | cut -c1-16)
if stamp_ok busybox "$bb_hash" && [ -f "$OUT/busybox" ] && [ -f "$OUT/busybox.links" ]; then
  say "busybox: up to date ($OUT/busybox, $BB_VER)"
else
  say "busybox: configuring (defconfig, static) and building $BB_VER with -j$JOBS (log: $LOGS/busybox.log)"
  t0=$(now)
  : >"$LOGS/busybox.log"
  rm -rf "$BBBUILD"
  mkdir -p "$BBBUILD"
  bmake=(make -C "$BBSRC" O="$BBBUILD" CROSS_COMPILE=$CROSS)
  run_logged busybox "${bmake[@]}" defconfig
  # defconfig builds as it is against Debian's riscv64 glibc 2.36 and 6.1
  # uapi headers; only linking statically needs changing.
  sed -i -e 's/^# CONFIG_STATIC is not set$/CONFIG_STATIC=y/' "$BBBUILD/.config"
  run_logged busybox sh -c "yes '' | ${bmake[*]@Q} oldconfig"
  grep -qx 'CONFIG_STATIC=y' "$BBBUILD/.config" || die "busybox: CONFIG_STATIC did not stick"
  run_logged busybox "${bmake[@]}" -j"$JOBS" busybox busybox.links
  "${CROSS}readelf" -l "$BBBUILD/busybox" | grep -q INTERP && die "busybox: binary is not static"
  cp "$BBBUILD/busybox" "$OUT/busybox"
  cp "$BBBUILD/busybox.links" "$OUT/busybox.links"
  stamp_set busybox "$bb_hash"
  say "busybox: built $OUT/busybox ($(stat -c %s "$OUT/busybox") bytes, $(wc -l <"$OUT/busybox.links") applets) in $(( $(now) - t0 ))s"
fi

# --- hello ------------------------------------------------------------------
hello_hash=$( { echo "$SELF $TOOLCHAIN"; cat "$GUEST/hello.c"; } | sha256sum | cut -c1-16)
if stamp_ok hello "$hello_hash" && [ -f "$OUT/hello" ]; then
  say "hello: up to date ($OUT/hello)"
else
  run_logged hello "${CROSS}gcc" -O2 -Wall -Wextra -static -o "$OUT/hello" "$GUEST/hello.c"
  stamp_set hello "$hello_hash"
  say "hello: built $OUT/hello"
fi

# --- newdev.ko and newdev-dma -------------------------------------------------
# The module builds in a copy of linux-module/ with pcidev/newdev_regs.h
# beside it (its Kbuild includes ../pcidev), so the source tree stays clean.
MODSRC=(linux-module/newdev.c linux-module/newdev_ioctl.h linux-module/Kbuild pcidev/newdev_regs.h)
module_hash=$( { echo "$SELF $linux_hash"; for f in "${MODSRC[@]}"; do cat "$ROOT/$f"; done; } | sha256sum | cut -c1-16)
if stamp_ok newdev-module "$module_hash" && [ -f "$OUT/newdev.ko" ]; then
  say "newdev.ko: up to date ($OUT/newdev.ko)"
else
  : >"$LOGS/newdev-module.log"
  rm -rf "$OUT/newdev-module"
  mkdir -p "$OUT/newdev-module/linux-module" "$OUT/newdev-module/pcidev"
  for f in "${MODSRC[@]}"; do cp "$ROOT/$f" "$OUT/newdev-module/$f"; done
  run_logged newdev-module make -C "$LINUX" ARCH=riscv CROSS_COMPILE=$CROSS W=1 \
    M="$OUT/newdev-module/linux-module" modules
  if grep -q 'warning:' "$LOGS/newdev-module.log"; then
    grep 'warning:' "$LOGS/newdev-module.log" >&2
    die "newdev.ko: compiler warnings (see $LOGS/newdev-module.log)"
  fi
  cp "$OUT/newdev-module/linux-module/newdev.ko" "$OUT/newdev.ko"
  stamp_set newdev-module "$module_hash"
  say "newdev.ko: built $OUT/newdev.ko"
fi

dma_hash=$( { echo "$SELF $TOOLCHAIN"; cat "$ROOT/linux-module/newdev_dma.c" "$ROOT/linux-module/newdev_ioctl.h"; } |
  sha256sum | cut -c1-16)
if stamp_ok newdev-dma "$dma_hash" && [ -f "$OUT/newdev-dma" ]; then
  say "newdev-dma: up to date ($OUT/newdev-dma)"
else
  run_logged newdev-dma "${CROSS}gcc" -O2 -Wall -Wextra -Werror -static -I"$ROOT/linux-module" \
    -o "$OUT/newdev-dma" "$ROOT/linux-module/newdev_dma.c"
  stamp_set newdev-dma "$dma_hash"
  say "newdev-dma: built $OUT/newdev-dma"
fi

# --- initramfs --------------------------------------------------------------
# Packed with the kernel's gen_init_cpio from a file list: device nodes
# without root, fixed timestamps, and `gzip -n`, so the image is
# reproducible.
GEN_CPIO=$OUT/gen_init_cpio
initramfs_hash=$( { echo "$SELF"; cat "$GUEST/init" "$GUEST/newdev-demo" "$OUT/busybox" "$OUT/busybox.links" "$OUT/hello" \
  "$OUT/newdev.ko" "$OUT/newdev-dma"; } | sha256sum | cut -c1-16)
if stamp_ok initramfs "$initramfs_hash" && [ -f "$OUT/initramfs.cpio.gz" ]; then
  say "initramfs: up to date ($OUT/initramfs.cpio.gz)"
else
  if [ ! -x "$GEN_CPIO" ] || [ "$GEN_CPIO" -ot "$LINUX/usr/gen_init_cpio.c" ]; then
    run_logged initramfs gcc -O2 -o "$GEN_CPIO" "$LINUX/usr/gen_init_cpio.c"
  fi
  list=$OUT/initramfs.list
  {
    for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /root /etc /mnt /lib /lib/modules; do
      echo "dir $d 0755 0 0"
    done
    echo "nod /dev/console 0600 0 0 c 5 1"
    echo "nod /dev/null 0666 0 0 c 1 3"
    echo "file /init $GUEST/init 0755 0 0"
    echo "file /bin/busybox $OUT/busybox 0755 0 0"
    echo "file /bin/hello $OUT/hello 0755 0 0"
    echo "file /lib/modules/newdev.ko $OUT/newdev.ko 0644 0 0"
    echo "file /bin/newdev-dma $OUT/newdev-dma 0755 0 0"
    echo "file /bin/newdev-demo $GUEST/newdev-demo 0755 0 0"
    # busybox.links: one absolute applet path a line (/bin/sh, /sbin/poweroff, ...)
    grep -vxE '/bin/busybox|/linuxrc' "$OUT/busybox.links" | sort -u | while read -r l; do
      echo "slink $l /bin/busybox 0777 0 0"
    done
  } >"$list"
  "$GEN_CPIO" -t 0 "$list" 2>"$LOGS/initramfs.log" | gzip -9 -n >"$OUT/initramfs.cpio.gz.tmp" ||
    die "initramfs: gen_init_cpio failed (see $LOGS/initramfs.log)"
  mv "$OUT/initramfs.cpio.gz.tmp" "$OUT/initramfs.cpio.gz"
  stamp_set initramfs "$initramfs_hash"
  say "initramfs: packed $OUT/initramfs.cpio.gz ($(stat -c %s "$OUT/initramfs.cpio.gz") bytes)"
fi

say "done: $OUT/Image $OUT/initramfs.cpio.gz (boot check: tests/boot/boot_check.sh)"
