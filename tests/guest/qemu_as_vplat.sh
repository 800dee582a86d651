#!/usr/bin/env bash
# qemu_as_vplat.sh — a stand-in for the vplat binary that runs
# qemu-riscv64 instead, for developing and self-checking the guest test
# runner and the lockstep checker without vplat:
#   run.sh --vplat tests/guest/qemu_as_vplat.sh
# Accepts vplat's user-mode command line:
#   user [--jit=MODE] [--singlestep] [-d ITEMS] [-D FILE] [-L SYSROOT] PROG ARGS...
set -u
[ "${1:-}" = user ] || { echo "qemu_as_vplat.sh: expected 'user'" >&2; exit 2; }
shift
qargs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --jit=*) shift ;;
        --singlestep) qargs+=(-singlestep); shift ;;
        -d) d=$2; [ "$d" = cpu ] && d=cpu,fpu; qargs+=(-d "$d"); shift 2 ;;
        -D|-L) qargs+=("$1" "$2"); shift 2 ;;
        *) break ;;
    esac
done
# bash itself exports SHLVL, PWD and _: hide them from the guest.
exec env -u SHLVL -u PWD -u _ -u OLDPWD qemu-riscv64 "${qargs[@]}" "$@"
