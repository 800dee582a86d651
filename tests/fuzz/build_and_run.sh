#!/usr/bin/env bash
# build_and_run.sh — builds vplat's libFuzzer targets with clang-19
# (-fsanitize=fuzzer,address,undefined) straight from the source tree and
# runs each for a fixed time.  Bazel's toolchain is gcc, which has no
# libFuzzer, so this script does not go through Bazel (tests/fuzz:fuzz_test
# just calls it).
#
#   tests/fuzz/build_and_run.sh [SECONDS_PER_TARGET] [TARGET...]
#       SECONDS_PER_TARGET  default 20
#       TARGET              translate elf cli exec gdb (default: all)
#   env: CLANG (clang-19), FUZZ_OUT (build dir), FUZZ_CRASH_DIR
#
# Targets (tests/fuzz/fuzz_<target>.c):
#   translate  random guest code: decoder, disassembler, translator, IR passes, verifier
#   elf        random/mutated ELF files through the user-mode loader
#   cli        random argument vectors through machine/main.c's parser
#   exec       random guest code run by the interpreter (faults, budgets)
#   gdb        hostile gdb clients: raw bytes or random packets through the
#              stub's protocol engine over a running hart
#
# Seeds are made at run time: translate from tests/unit/all_insns.S, elf
# from tests/fuzz/corpus/elf/* linked three ways, cli from
# tests/fuzz/corpus/cli.txt, gdb from tests/fuzz/corpus/gdb.txt.  An input that crashes a target is saved in
# FUZZ_CRASH_DIR (default tests/fuzz/crashes/, under Bazel the test's
# undeclared outputs) and the script fails; reproduce with
#   $FUZZ_OUT/fuzz_<target> FILE
# Ends with one line per target: executions, executions/s, corpus size.
set -euo pipefail

secs=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(translate elf cli exec gdb)

# The source tree: under Bazel this script is a runfiles symlink into it.
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
root=$(cd "$here/../.." && pwd)
CLANG=${CLANG:-clang-19}
out=${FUZZ_OUT:-${TEST_TMPDIR:-/tmp/vplat-fuzz-$(id -u)}/fuzz}
crash_dir=${FUZZ_CRASH_DIR:-${TEST_UNDECLARED_OUTPUTS_DIR:-$root/tests/fuzz/crashes}}
RVGCC=${RVGCC:-riscv64-linux-gnu-gcc}

command -v "$CLANG" >/dev/null || { echo "build_and_run: $CLANG not found (scripts/setup.sh installs clang-19)"; exit 1; }
mkdir -p "$out/obj" "$crash_dir"

san=(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
cflags=(-std=gnu11 -O1 -g -fno-omit-frame-pointer -fno-strict-aliasing -I"$root" -I/usr/lib/llvm-19/include
        -Wno-unused-command-line-argument)

# ---- build ---------------------------------------------------------------
echo "build_and_run: compiling vplat with $CLANG (ASan + UBSan + fuzzer coverage) into $out"
t0=$(date +%s)
# (xargs runs the compiles two at a time; arrays do not cross into its
# shells, hence one flat string of flags without spaces inside a flag)
FUZZ_CC="$CLANG ${cflags[*]} ${san[*]} -fsanitize=fuzzer-no-link -DVPLAT_HAVE_LIBUNWIND"
export FUZZ_CC
objs_core=() objs_lu=() objs_pci=()
jobs=()
for src in "$root"/ir/*.c "$root"/core/*.c "$root"/frontends/riscv/*.c "$root"/interp/*.c "$root"/jit-native/*.c "$root"/jit-llvm/*.c \
    "$root"/machine/linux_user/*.c "$root"/pcidev/*.c; do
    [ -e "$src" ] || continue
    rel=${src#"$root"/}
    obj="$out/obj/${rel//\//_}.o"
    case $rel in machine/*) objs_lu+=("$obj") ;; pcidev/*) objs_pci+=("$obj") ;; *) objs_core+=("$obj") ;; esac
    jobs+=("$src" "$obj")
done
printf '%s\0%s\0' "${jobs[@]}" | xargs -0 -n2 -P"$(nproc)" sh -c '$FUZZ_CC -c "$0" -o "$1"' 
rm -f "$out/libcore.a" "$out/liblu.a"
ar rcs "$out/libcore.a" "${objs_core[@]}"
ar rcs "$out/liblu.a" "${objs_lu[@]}"

link() { # target extra-objects...
    local t=$1
    shift
    "$CLANG" "${cflags[@]}" "${san[@]}" -fsanitize=fuzzer "$here/fuzz_$t.c" "$@" -lunwind -lm -ldl -lpthread -o "$out/fuzz_$t"
}
for t in "${targets[@]}"; do
    case $t in
    translate | exec | gdb) link "$t" "$out/libcore.a" ;;
    elf) link elf "$out/liblu.a" "$out/libcore.a" ;;
    cli)
        # machine/main.c unchanged, renamed so the harness can call it and
        # with file creation and the host fault handler stubbed out.
        "$CLANG" "${cflags[@]}" "${san[@]}" -fsanitize=fuzzer-no-link -Dmain=vplat_cli_main -Dfopen=fz_fopen \
            -Dcpu_install_fault_handler=fz_no_handler -Dcrash_install_handlers=fz_no_handler \
            -Dcrash_set_command_line=fz_set_command_line \
            -c "$root/machine/main.c" -o "$out/obj/cli_main.o"
        # pcidev's objects are linked whole: device types register
        # themselves from constructors, which an archive would drop.
        link cli "$out/obj/cli_main.o" "${objs_pci[@]}" "$out/libcore.a"
        ;;
    *) echo "build_and_run: unknown target '$t'"; exit 2 ;;
    esac
done
echo "build_and_run: built ${targets[*]} in $(($(date +%s) - t0)) s"

# ---- seeds ---------------------------------------------------------------
seeds=$out/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{translate,exec,elf,cli,gdb}
if command -v "$RVGCC" >/dev/null; then
    # translate/exec: the instruction listing, as raw code in 4 KiB pieces
    "$RVGCC" -c -march=rv64gc -o "$out/all_insns.o" "$root/tests/unit/all_insns.S"
    riscv64-linux-gnu-objcopy -O binary -j .text "$out/all_insns.o" "$out/all_insns.bin"
    split -b 4096 -a 3 "$out/all_insns.bin" "$seeds/translate/insns_"
    split -b 512 -a 3 "$out/all_insns.bin" "$seeds/exec/insns_"
    # elf: each seed source linked static, static-pie and dynamic
    lflags=(-nostdlib -Os -Wl,--build-id=none -Wl,-z,max-page-size=4096 -s)
    for src in "$root"/tests/fuzz/corpus/elf/*; do
        b=$(basename "${src%.*}")
        cf=(-ffreestanding -fno-stack-protector)
        "$RVGCC" "${cf[@]}" "${lflags[@]}" -static -o "$seeds/elf/${b}_static" "$src"
        "$RVGCC" "${cf[@]}" "${lflags[@]}" -fPIE -static-pie -o "$seeds/elf/${b}_pie" "$src"
        "$RVGCC" "${cf[@]}" "${lflags[@]}" -fPIE -pie -Wl,-dynamic-linker,/lib/ld-linux-riscv64-lp64d.so.1 \
            -o "$seeds/elf/${b}_dyn" "$src"
    done
else
    echo "build_and_run: $RVGCC not found: translate/exec/elf start without seeds"
fi
# Inputs that once crashed or hung a target (tests/fuzz/crashes/<target>-*)
# run first, as regression tests.
for t in translate exec elf cli gdb; do
    for f in "$root"/tests/fuzz/crashes/"$t"-*; do
        [ -f "$f" ] && cp "$f" "$seeds/$t/"
    done
done
n=0
while IFS= read -r line; do
    case $line in '#'* | '') continue ;; esac
    n=$((n + 1))
    printf '%s' "$line" | tr ' ' '\0' >"$seeds/cli/seed_$n"
done <"$root/tests/fuzz/corpus/cli.txt"
# gdb: one session per line of corpus/gdb.txt: "1" (packet mode), then the
# line's packet bodies, which " | " separates, one per line
n=0
while IFS= read -r line; do
    case $line in '#'* | '') continue ;; esac
    n=$((n + 1))
    { printf '1'; printf '%s' "$line" | sed 's/ | /\n/g'; } >"$seeds/gdb/seed_$n"
done <"$root/tests/fuzz/corpus/gdb.txt"

# ---- run -----------------------------------------------------------------
declare -A opts=(
    [translate]="-max_len=4096"
    [exec]="-max_len=1024"
    [elf]="-max_len=16384"
    [cli]="-max_len=512 -close_fd_mask=3"
    [gdb]="-max_len=2048"
)
summary=()
failed=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:handle_abort=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for t in "${targets[@]}"; do
    corpus=$out/corpus/$t
    mkdir -p "$corpus"
    log=$out/fuzz_$t.log
    echo "build_and_run: fuzzing $t for $secs s"
    set +e
    # shellcheck disable=SC2086
    (cd "$out" && "./fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$crash_dir/$t-" ${opts[$t]} "$corpus" "$seeds/$t") >"$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    units=$(find "$corpus" -type f | wc -l)
    if [ $rc -ne 0 ]; then
        failed=1
        echo "build_and_run: $t FAILED (status $rc); log tail:"
        grep -v '^#[0-9]' "$log" | tail -40
        summary+=("$t: FAILED after ${execs:-?} executions; reproducer in $crash_dir/$t-*")
    else
        summary+=("$t: ${execs:-?} executions in $secs s (${rate:-?}/s), corpus $units inputs")
    fi
done
echo "---- fuzz summary (${secs} s per target) ----"
printf '%s\n' "${summary[@]}"
exit $failed
