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
)

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

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
