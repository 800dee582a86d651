#!/bin/sh
# bench/callgrind.sh — host instructions a workload costs under vplat, counted
# by valgrind's callgrind: steady for comparing two builds on a noisy machine,
# where wall times are not.
#
#   bench/callgrind.sh                       # every workload, vplat --jit=native
#   bench/callgrind.sh sha256 nbody          # some of them
#   MODE=none bench/callgrind.sh sha256      # another --jit mode
#   QEMU=1 bench/callgrind.sh sha256         # qemu-riscv64 too, for reference
#
# Each workload runs at scale 1 and 2; the difference ("marginal") is what one
# more unit of work costs, with startup and translation cancelled out.
# Valgrind cannot reserve vplat's default 256 GiB guest address space, so this
# builds a vplat with a 16 GiB one into out/bench/vplat-callgrind (and then
# rebuilds the normal bazel-bin/vplat).  Needs the workloads built:
# `python3 bench/run.py --build-only`.
set -eu
cd "$(dirname "$0")/.."
mode=${MODE:-native}
out=out/bench
mkdir -p "$out/callgrind"
bazel build //:vplat --per_file_copt='machine/linux_user/.*@-DLU_GUEST_LIMIT=(1ull<<34)' >/dev/null 2>&1
cp -f bazel-bin/vplat "$out/vplat-callgrind"
bazel build //:vplat >/dev/null 2>&1

# ir PROGRAM ARGS... : total Ir of one run (the output must carry a checksum)
ir() {
    log=$(valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file="$out/callgrind/last.out" "$@" 2>&1)
    case $log in *checksum=*) ;; *) echo "callgrind.sh: run failed: $*" >&2; echo "$log" | tail -5 >&2; exit 1 ;; esac
    echo "$log" | sed -n 's/.*I *refs: *//p' | tr -d ,
}

printf '| workload | config | Ir scale 1 | Ir scale 2 | marginal |\n|---|---|---:|---:|---:|\n'
workloads=${*:-$(ls bench/workloads/*.c | sed 's|.*/||; s|\.c$||')}
for w in $workloads; do
    prog=$out/riscv64/$w
    a=$(ir "$out/vplat-callgrind" user --jit="$mode" "$prog" 1)
    b=$(ir "$out/vplat-callgrind" user --jit="$mode" "$prog" 2)
    printf '| %s | vplat-%s | %s | %s | %s |\n' "$w" "$mode" "$a" "$b" $((b - a))
    if [ -n "${QEMU:-}" ]; then
        a=$(ir qemu-riscv64 "$prog" 1)
        b=$(ir qemu-riscv64 "$prog" 2)
        printf '| %s | qemu | %s | %s | %s |\n' "$w" "$a" "$b" $((b - a))
    fi
done
