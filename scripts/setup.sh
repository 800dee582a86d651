#!/usr/bin/env bash
# Installs every Debian package vplat's build, tests, benchmarks and guest
# toolchains need. Idempotent: packages already present are skipped, and
# apt is only asked when something is missing. Run as root (or with sudo).
set -euo pipefail

PACKAGES=(
  # build
  bazel-bootstrap default-jdk-headless gcc g++ make python3
  # system libraries (local Bazel repositories, see WORKSPACE)
  llvm-19-dev libgtest-dev libunwind-dev libfdt-dev zlib1g-dev libzstd-dev libedit-dev libxml2-dev libffi-dev libncurses-dev
  # guest toolchains
  gcc-riscv64-linux-gnu g++-riscv64-linux-gnu libc6-dev-riscv64-cross binutils-riscv64-linux-gnu
  # reference implementations for differential tests and benchmarks
  qemu-user
  # measuring
  hyperfine valgrind
  gnuplot-nox  # bench/run.py's PNG bar chart
  # fuzzing (libFuzzer + ASan/UBSan runtimes; tests/fuzz/build_and_run.sh)
  clang-19 libclang-rt-19-dev
  # guest images (scripts/build-guest.sh): Linux kernel source and its build
  # tools, busybox source (apt-get source: dpkg-dev, patch), initramfs tools
  linux-source-6.1 flex bison bc libssl-dev libelf-dev xz-utils bzip2 cpio gzip
  dpkg-dev patch gcc-riscv64-unknown-elf device-tree-compiler
  # full-system reference (tests/boot/): qemu-system-riscv64 and OpenSBI
  qemu-system-misc opensbi
  # the gdb client for the gdb stub tests (tests/gdb/)
  gdb-multiarch
)

# busybox is only available as a source package: `apt-get source busybox`
# needs a deb-src entry for Debian main. Add one beside the existing deb822
# stanza (same URIs and suites) only if no deb-src entry exists yet, and
# refresh the package lists only when the source index is missing.
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
have_debsrc() {
  grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list ||
    grep -qsE '^Types:.*\bdeb-src\b' /etc/apt/sources.list.d/*.sources
}
if ! have_debsrc; then
  src=/etc/apt/sources.list.d/vplat-deb-src.sources
  echo "setup: adding deb-src stanza $src"
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1 &&
     grep -qsE '^Types:.*\bdeb\b' /etc/apt/sources.list.d/debian.sources; then
    # Copy the Debian deb822 stanzas, switching their type to deb-src.
    sed -E 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $SUDO tee "$src" >/dev/null
  elif grep -qsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
    # One-line format: the same lines as deb-src.
    grep -E '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list | sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' |
      $SUDO tee /etc/apt/sources.list.d/vplat-deb-src.list >/dev/null
  else
    printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm bookworm-updates' \
      'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' | $SUDO tee "$src" >/dev/null
  fi
fi
if [ -z "$(apt-cache showsrc busybox 2>/dev/null | head -1)" ]; then
  echo "setup: apt-get update (source package index missing)"
  $SUDO apt-get update -qq
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
