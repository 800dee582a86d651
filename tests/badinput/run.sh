#!/usr/bin/env bash
# run.sh — bad input must give a clear message and a defined exit status,
# never a host crash: malformed ELF files, bad command lines, guest
# programs that fault, and vplat's own crash report (crash_demo).
#
#   tests/badinput/run.sh --vplat PATH [--crash-demo PATH]
#
# Every case checks the exact exit status and a message on stderr, and
# that stderr has no "internal error", "host signal" or sanitizer report.
# Guest-signal cases also run under qemu-riscv64 (the reference) and must
# give the same status.  Inputs are made at run time from tiny sources
# (riscv64-linux-gnu-gcc) and patched with python3.
#
# KNOWN_BUGS lists cases that fail because of an open bug (reported, with
# its fix, in TESTING.md); they are shown but not counted.  Remove a name
# once the bug is fixed: the case then has to pass.
set -uo pipefail

KNOWN_BUGS=" "

vplat="" demo=""
while [ $# -gt 0 ]; do
    case $1 in
    --vplat) vplat=$(readlink -f "$2"); shift 2 ;;
    --crash-demo) demo=$(readlink -f "$2"); shift 2 ;;
    *) echo "usage: $0 --vplat PATH [--crash-demo PATH]"; exit 2 ;;
    esac
done
[ -x "$vplat" ] || { echo "run.sh: no vplat binary ($vplat)"; exit 2; }
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
work=${TEST_TMPDIR:-$(mktemp -d)}/badinput
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 2
CC=riscv64-linux-gnu-gcc
QEMU=$(command -v qemu-riscv64 || true)

pass=0 fail=0 known=0 total=0
forbidden='internal error|host signal|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:'

# check NAME WANT_STATUS STDERR_REGEX -- COMMAND...
check() {
    local name=$1 want=$2 re=$3
    shift 4
    total=$((total + 1))
    # (a subshell, so that bash's own "Illegal instruction" job notices
    # for guests dying by a signal stay out of the log)
    (timeout -s KILL 20 "$@" >"$name.out" 2>"$name.err" </dev/null; exit $?) 2>/dev/null
    local got=$? why=""
    if [ "$got" -ne "$want" ]; then
        why="status $got, want $want"
        [ "$got" -eq 137 ] && why="$why (killed after 20 s: hang)"
    elif [ -n "$re" ] && ! grep -Eq -- "$re" "$name.err"; then
        why="stderr lacks /$re/"
    elif grep -Eq "$forbidden" "$name.err"; then
        why="stderr has a host crash or sanitizer report"
    fi
    if [ -z "$why" ]; then
        pass=$((pass + 1))
        echo "ok    $name (status $got)"
        return 0
    fi
    if [[ $KNOWN_BUGS == *" $name "* ]]; then
        known=$((known + 1))
        echo "KNOWN $name: $why (open bug, not counted)"
        return 0
    fi
    fail=$((fail + 1))
    echo "FAIL  $name: $why"
    sed 's/^/      stderr: /' "$name.err" | head -8
    return 1
}

# check_guest NAME WANT_STATUS STDERR_REGEX PROG [ARGS...]: vplat and, when
# available, qemu-riscv64 must both end with WANT_STATUS.
check_guest() {
    local name=$1 want=$2 re=$3
    shift 3
    check "$name" "$want" "$re" -- "$vplat" user "$@"
    if [ -n "$QEMU" ]; then
        (timeout -s KILL 20 "$QEMU" "$@" >/dev/null 2>&1 </dev/null; exit $?) 2>/dev/null
        local q=$?
        total=$((total + 1))
        if [ "$q" -eq "$want" ]; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL  $name: qemu-riscv64 gives $q, the test expects $want"
        fi
    fi
}

# ---- inputs ----------------------------------------------------------------
cat >hello.c <<'EOF'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
EOF
cat >guest.c <<'EOF'
/* One bad thing per argv[1]. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static char data_page[8192] __attribute__((aligned(4096)));
static int recurse(volatile int n) { volatile char pad[256]; pad[0] = (char)n; return recurse(n + 1) + pad[0]; }
int main(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
    if (!strcmp(m, "null")) return *(volatile int *)0;
    if (!strcmp(m, "wild")) return *(volatile int *)0x123456789000ull;
    if (!strcmp(m, "rodata")) { char *s = (char *)"literal"; ((volatile char *)s)[0] = 'x'; return 0; }
    if (!strcmp(m, "nx")) { memset(data_page, 0, sizeof data_page); ((void (*)(void))data_page)(); return 0; }
    if (!strcmp(m, "textwrite")) { *(volatile unsigned char *)(void *)main = 0; return 0; }
    if (!strcmp(m, "stack")) return recurse(0);
    if (!strcmp(m, "abort")) abort();
    if (!strcmp(m, "divzero")) {
        volatile long a = LONG_MIN, b = -1, z = 0;
        volatile int ia = INT_MIN, ib = -1;
        printf("%ld %ld %ld %ld %d\n", a / b, a % b, a / z, a % z, ia / ib);
        return 0;
    }
    return 3;
}
EOF
cat >ill.S <<'EOF'
    .globl _start
_start:
    unimp
EOF
cat >loop.S <<'EOF'
    .globl _start
_start:
1:  addi a0, a0, 1
    j 1b
EOF
cat >lastpage.S <<'EOF'
    .globl _start
_start:
    li t0, -2048          /* 0xfffffffffffff800: the last page of the 64-bit space */
    jr t0
EOF
cat >tiny.S <<'EOF'
    .globl _start
_start:
    li a0, 0
    li a7, 93
    ecall
EOF
$CC -O1 -static -o hello hello.c || exit 2
$CC -O1 -static -o guest guest.c || exit 2
$CC -O1 -o hello_dyn hello.c || exit 2
for s in ill loop lastpage tiny; do $CC -nostdlib -static -o "$s" "$s.S" || exit 2; done
# system mode: M-mode code at 0x80000000 that waits with every interrupt off
printf '1: wfi\n j 1b\n' >wfi.S
$CC -nostdlib -static -Wl,-Ttext=0x80000000,-e,0x80000000 -o wfi.elf wfi.S && riscv64-linux-gnu-objcopy -O binary -j .text wfi.elf wfi.bin || exit 2
$CC -c -o hello.o hello.c || exit 2

# ELF surgery: patch.py FILE OUT FIELD=VALUE... (ELF64 header fields, or
# phN.FIELD for program header N; "truncate=N" cuts the file)
cat >patch.py <<'EOF'
import struct, sys
src, dst = sys.argv[1], sys.argv[2]
d = bytearray(open(src, 'rb').read())
EH = {'class': (4, 'B'), 'data': (5, 'B'), 'type': (16, 'H'), 'machine': (18, 'H'),
      'phoff': (32, 'Q'), 'phentsize': (54, 'H'), 'phnum': (56, 'H')}
PH = {'type': (0, 'I'), 'flags': (4, 'I'), 'offset': (8, 'Q'), 'vaddr': (16, 'Q'),
      'paddr': (24, 'Q'), 'filesz': (32, 'Q'), 'memsz': (40, 'Q')}
phoff = struct.unpack_from('<Q', d, 32)[0]
phnum = struct.unpack_from('<H', d, 56)[0]
def loads():
    return [i for i in range(phnum) if struct.unpack_from('<I', d, phoff + 56 * i)[0] == 1]
for arg in sys.argv[3:]:
    k, v = arg.split('=')
    if k == 'truncate':
        d = d[:int(v, 0)]
    elif k == 'noload':
        for i in loads(): struct.pack_into('<I', d, phoff + 56 * i, 0)
    elif '.' in k:
        n, f = k[2:].split('.')
        idx = loads()[-1] if n == 'L' else (loads()[0] if n == 'F' else int(n))
        off, fmt = PH[f]
        struct.pack_into('<' + fmt, d, phoff + 56 * idx + off, int(v, 0))
    else:
        off, fmt = EH[k]
        struct.pack_into('<' + fmt, d, off, int(v, 0))
open(dst, 'wb').write(d)
EOF
mk() { python3 patch.py "$@" && chmod +x "$2"; }
size=$(stat -c %s tiny)
mk tiny t_trunc10 truncate=10
mk tiny t_trunc40 truncate=40
mk tiny t_trunc100 truncate=100
mk hello t_trunchalf truncate=$(($(stat -c %s hello) / 2))
mk tiny t_class32 class=1
mk tiny t_bigendian data=2
mk tiny t_machine machine=62
mk tiny t_phentsize phentsize=32
mk tiny t_phnum0 phnum=0
mk tiny t_phnum_huge phnum=0xffff
mk tiny t_phoff_past phoff=0x7fffffffffffffff
mk tiny t_noload noload=1
mk tiny t_filesz phF.filesz=0x100000 phF.memsz=0x10
mk tiny t_offset phF.offset=0xffffffffffff0000
mk tiny t_vaddr_huge phF.vaddr=0xfffffffffffff000 phF.paddr=0xfffffffffffff000
mk tiny t_vaddr_low phF.vaddr=0x1000 phF.paddr=0x1000
mk tiny t_stack phF.vaddr=0x3ffffff000 phF.paddr=0x3ffffff000
mk tiny t_huge_bss phL.memsz=0x2000000000
printf 'just some text\n' >t_text
: >t_empty
mkdir -p t_dir
[ "$size" -gt 0 ] || exit 2

# ---- ELF files ---------------------------------------------------------------
L=127
check missing-file $L 'no-such-file: .*No such file' -- "$vplat" user ./no-such-file
check directory $L 'not a regular file' -- "$vplat" user ./t_dir
check text-file $L 'not an ELF file' -- "$vplat" user ./t_text
check empty-file $L 'not an ELF file' -- "$vplat" user ./t_empty
check host-x86-64-elf $L 'not a RISC-V executable' -- "$vplat" user "$(readlink -f /bin/true)"
check relocatable-object $L 'not an executable or shared object' -- "$vplat" user ./hello.o
check truncated-10 $L 'not an ELF file' -- "$vplat" user ./t_trunc10
check truncated-40 $L 'truncated ELF header' -- "$vplat" user ./t_trunc40
check truncated-100 $L 'truncated file: program headers' -- "$vplat" user ./t_trunc100
check truncated-half $L 'truncated file: segment' -- "$vplat" user ./t_trunchalf
check elf32 $L 'not a 64-bit ELF' -- "$vplat" user ./t_class32
check big-endian $L 'not a little-endian' -- "$vplat" user ./t_bigendian
check wrong-machine $L 'not a RISC-V executable \(e_machine 62\)' -- "$vplat" user ./t_machine
check bad-phentsize $L 'bad program headers' -- "$vplat" user ./t_phentsize
check no-phdrs $L 'bad program headers' -- "$vplat" user ./t_phnum0
check huge-phnum $L 'bad program headers' -- "$vplat" user ./t_phnum_huge
check phoff-past-end $L 'truncated file: program headers' -- "$vplat" user ./t_phoff_past
check no-load-segments $L 'no loadable segments' -- "$vplat" user ./t_noload
check filesz-gt-memsz $L 'filesz > memsz' -- "$vplat" user ./t_filesz
check offset-past-end $L 'truncated file: segment' -- "$vplat" user ./t_offset
check vaddr-outside $L 'outside the address space' -- "$vplat" user ./t_vaddr_huge
check vaddr-too-low $L 'below the minimum address' -- "$vplat" user ./t_vaddr_low
check segment-on-stack $L 'overlaps the stack' -- "$vplat" user ./t_stack
check huge-bss 0 '' -- "$vplat" user ./t_huge_bss
check dynamic-without-L $L 'needs -L' -- "$vplat" user ./hello_dyn
check bad-sysroot $L 'interpreter' -- "$vplat" user -L "$work/t_dir" ./hello_dyn

# ---- command line --------------------------------------------------------------
U=2
check no-arguments $U 'usage: vplat' -- "$vplat"
check unknown-command $U "unknown command 'bogus'" -- "$vplat" bogus
check unknown-option $U "unknown option '--bogus'" -- "$vplat" user --bogus ./hello
check jit-bogus $U "unknown --jit mode 'bogus'" -- "$vplat" user --jit=bogus ./hello
check jit-missing $U "unknown --jit mode ''" -- "$vplat" user --jit
check max-insns-abc $U "not a number: 'abc'" -- "$vplat" user --max-insns abc ./hello
check max-insns-negative $U "not a number: '-5'" -- "$vplat" user --max-insns -5 ./hello
check max-insns-overflow $U 'not a number' -- "$vplat" user --max-insns 99999999999999999999999 ./hello
check max-insns-missing $U 'needs a number' -- "$vplat" user --max-insns
check seed-abc $U 'not a number' -- "$vplat" user --seed 1x ./hello
check d-nonsense $U 'vplat: .*nonsense' -- "$vplat" user -d nonsense ./hello
check d-missing $U 'needs a list' -- "$vplat" user -d
check L-missing $U 'needs a path' -- "$vplat" user -L
check D-missing $U 'needs a file name' -- "$vplat" user -D
check D-unwritable $U 'cannot open log file' -- "$vplat" user -D "$work/no/such/dir/log" ./hello
check gdb-port-missing $U 'needs a port' -- "$vplat" user -g
check gdb-port-abc $U 'gdb: .abc.: not a port number' -- "$vplat" user -g abc ./hello
check gdb-port-too-big $U 'not a port number' -- "$vplat" user -g 70000 ./hello
check gdb-no-port $U 'expected tcp:\[HOST\]:PORT' -- "$vplat" user -g tcp:nohost ./hello
check gdb-not-tcp $U 'not a port number' -- "$vplat" system -M virt -gdb udp::1234
check gdb-S-alone $U '-S waits for gdb' -- "$vplat" system -M virt -S
check gdb-cannot-listen 1 'gdb: cannot listen on 192.0.2.1:1234' -- "$vplat" user -g tcp:192.0.2.1:1234 ./hello
check no-program $U 'no program given' -- "$vplat" user
check no-program-after-dashdash $U 'no program given' -- "$vplat" user --
check good-hello 0 '' -- "$vplat" user ./hello

# ---- system mode: -device (pcidev/ registry) ----------------------------------------
check device-missing $U 'needs a device .-device help lists them.' -- "$vplat" system -M virt -device
check device-unknown $U "-device nosuch: unknown PCI device 'nosuch' .-device help lists them." -- \
    "$vplat" system -M virt -device nosuch
check device-empty $U 'needs a device name' -- "$vplat" system -M virt -device ,addr=1
check device-board-only $U "pci-host-bridge' is part of the board" -- "$vplat" system -M virt -device pci-host-bridge
check device-abstract $U "unknown PCI device 'pci-device'" -- "$vplat" system -M virt -device pci-device
check device-help-unknown $U "unknown PCI device 'nosuch'" -- "$vplat" system -device nosuch,help
check device-help 0 '' -- "$vplat" system -device help
check device-newdev-help 0 '' -- "$vplat" system -device newdev,help
check device-unknown-property $U "newdev: no property 'colour' .-device newdev,help lists them." -- \
    "$vplat" system -M virt -device newdev,colour=red
check device-property-no-value $U "property 'dma' needs a value" -- "$vplat" system -M virt -device newdev,dma
check device-ill-typed-int $U "property 'buffer-size' is a uint32, not 'big'" -- \
    "$vplat" system -M virt -device newdev,buffer-size=big
check device-ill-typed-bool $U "property 'dma' is a bool .on/off., not 'maybe'" -- \
    "$vplat" system -M virt -device newdev,dma=maybe
check device-out-of-range $U "property 'buffer-size' must be 64..1048576, not '16'" -- \
    "$vplat" system -M virt -device newdev,buffer-size=16
check device-property-twice $U "property 'dma' given twice" -- "$vplat" system -M virt -device newdev,dma=on,dma=off
check device-bad-addr $U 'addr must be a slot 0..1f in hex' -- "$vplat" system -M virt -device newdev,addr=32
# refused by the board: realize, and slots
check device-realize-fails $U 'newdev: buffer-size must be a power of two, not 100' -- \
    "$vplat" system -M virt -device newdev,buffer-size=100
check device-same-slot $U 'newdev: PCI slot 03 is already taken by newdev' -- \
    "$vplat" system -M virt -device newdev,addr=3 -device newdev,addr=3
check device-host-bridge-slot $U 'PCI slot 00 is already taken by pci-host-bridge' -- \
    "$vplat" system -M virt -device newdev,addr=0
check device-good-dumpdtb 0 '' -- "$vplat" system -M virt,dumpdtb="$work/newdev.dtb" -device newdev,addr=2 -device newdev

# ---- record/replay logs (core/replay.c) and -icount ---------------------------------
check icount-bogus $U "-icount: shift must be 0..10 or auto, not 'abc'" -- "$vplat" user -icount shift=abc ./hello
check icount-shift-too-big $U 'shift must be 0..10' -- "$vplat" system -M virt -icount 11
check icount-unknown-option $U "-icount: unknown option 'foo=1'" -- "$vplat" user -icount foo=1 ./hello
check icount-rr-without-file $U 'rr= needs rrfile=FILE' -- "$vplat" system -M virt -icount 0,rr=record
check icount-rr-bogus $U 'rr=record or rr=replay' -- "$vplat" user -icount rr=both,rrfile=x ./hello
check record-missing-file $U '-record needs a file name' -- "$vplat" user -record
check record-and-replay $U 'give -record or -replay, not both' -- "$vplat" user -record a -replay b ./hello
check record-unwritable 1 '-record .*/no/such/dir/rr: No such file' -- "$vplat" user -record "$work/no/such/dir/rr" ./hello
# a good recording of ./hello, then broken copies of it
check record-hello 0 '' -- "$vplat" user -record "$work/hello.rr" ./hello
cat >rrpatch.py <<'EOF2'
import struct, sys
src, dst, what = sys.argv[1], sys.argv[2], sys.argv[3]
d = bytearray(open(src, 'rb').read())
if what == 'header': d = d[:12]
elif what == 'mid-event': d = d[:32 + 24 + 4]        # inside the first event's data
elif what == 'no-end': d = d[:-24]                   # the end event is the last 24 bytes
elif what == 'version': struct.pack_into('<I', d, 8, 99)
elif what == 'kind': d[32] = 200
elif what == 'huge-len': struct.pack_into('<I', d, 36, 0xffffffff)
elif what == 'trailing': d += b'junk'
open(dst, 'wb').write(d)
EOF2
for w in header mid-event no-end version kind huge-len trailing; do python3 rrpatch.py hello.rr "rr_$w" $w; done
R=1
check replay-missing-file $R '-replay no-such.rr: No such file' -- "$vplat" user -replay no-such.rr ./hello
check replay-directory $R 'not a regular file' -- "$vplat" user -replay "$work/t_dir" ./hello
check replay-empty $R 'not a vplat record/replay log \(wrong magic\)' -- "$vplat" user -replay ./t_empty ./hello
check replay-wrong-magic $R 'wrong magic' -- "$vplat" user -replay ./t_text ./hello
check replay-elf-as-log $R 'wrong magic' -- "$vplat" system -M virt -replay ./hello
check replay-truncated-header $R 'truncated: the header is cut short' -- "$vplat" user -replay rr_header ./hello
check replay-truncated-event $R 'truncated: random bytes \(event 0\) at offset 32 is cut short' -- \
    "$vplat" user -replay rr_mid-event ./hello
check replay-no-end-event $R 'truncated: no end event' -- "$vplat" user -replay rr_no-end ./hello
check replay-bad-version $R 'log format version 99' -- "$vplat" user -replay rr_version ./hello
check replay-bad-kind $R 'unknown kind 200' -- "$vplat" user -replay rr_kind ./hello
check replay-huge-event $R 'claims 4294967295 bytes' -- "$vplat" user -replay rr_huge-len ./hello
check replay-trailing-bytes $R 'bytes after the end event' -- "$vplat" user -replay rr_trailing ./hello
check replay-user-log-in-system $R 'recorded in user mode, cannot be replayed in system mode' -- \
    "$vplat" system -M virt -replay hello.rr
check replay-good 0 '' -- "$vplat" user -replay hello.rr ./hello
check replay-other-program $R 'diverged from the recording' -- "$vplat" user -replay hello.rr ./guest divzero
check replay-runaway $R 'went on past the end of the recording' -- "$vplat" user -replay hello.rr ./loop
# system mode: a hand-made log whose input OpenSBI never takes (no kernel:
# the hart idles or spins after the firmware); the replay must stop with
# a divergence, not hang
python3 - <<'EOF2'
import struct
h = b'VPLATRR\n' + struct.pack('<IIIIQ', 1, 2, 0, 0, 0)
ev = lambda kind, count, aux, data=b'': struct.pack('<BBBBIQQ', kind, 0, 0, 0, len(data), count, aux) + data
open('sys_diverge.rr', 'wb').write(h + ev(1, 1000, 0, b'ls\n') + ev(0, 3000000, 0))
open('sys_idle.rr', 'wb').write(h + ev(0, 50000000000, 0))
EOF2
check replay-system-diverged $R 'diverged from the recording: .*console input at instruction 1000' -- \
    "$vplat" system -M virt -replay sys_diverge.rr
check replay-system-idle $R 'diverged from the recording: the guest waits for input with no timer armed' -- \
    "$vplat" system -M virt -bios none -kernel ./wfi.bin -replay sys_idle.rr

# ---- guest faults (status as qemu-riscv64) --------------------------------------
check_guest illegal-insn 132 'uncaught target signal 4' ./ill
check_guest null-load 139 'uncaught target signal 11' ./guest null
check_guest null-load-args 139 'uncaught target signal 11' ./guest wild
check_guest write-rodata 139 'uncaught target signal 11' ./guest rodata
check_guest write-text 139 'uncaught target signal 11' ./guest textwrite
check_guest exec-data-page 139 'uncaught target signal 11' ./guest nx
check_guest stack-overflow 139 'uncaught target signal 11' ./guest stack
check_guest guest-abort 134 'uncaught target signal 6' ./guest abort
check_guest divide-overflow 0 '' ./guest divzero
check_guest jump-last-page 139 'uncaught target signal 11' ./lastpage
if [ -n "$QEMU" ]; then
    "$QEMU" ./guest divzero >divzero.qemu 2>/dev/null
    total=$((total + 1))
    if cmp -s divzero.qemu divide-overflow.out; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL  divide-overflow: output differs from qemu-riscv64"; fi
fi
check runaway-max-insns 124 'instruction limit 100000 reached' -- "$vplat" user --max-insns 100000 ./loop
check runaway-max-insns-1 124 'instruction limit 1 reached' -- "$vplat" user --max-insns 1 ./loop
check runaway-singlestep 124 'instruction limit 1000 reached' -- "$vplat" user -singlestep --max-insns 1000 ./loop

# ---- vplat's own crash report (core/crash.c) -------------------------------------
if [ -n "$demo" ]; then
    for m in abort:6:SIGABRT segv:11:SIGSEGV fpe:8:SIGFPE ill:4:SIGILL jit:11:SIGSEGV badcpu:11:SIGSEGV; do
        IFS=: read -r mode sig name <<<"$m"
        total=$((total + 1))
        (timeout -s KILL 20 "$demo" "$mode" "an arg" >/dev/null 2>"crash_$mode.err") 2>/dev/null
        st=$?
        why=""
        [ $st -eq 125 ] || why="status $st, want 125"
        for re in "^vplat: internal error: host signal $sig \\($name\\)" "^vplat: command line: .*crash_demo $mode 'an arg'" \
            '^vplat: host backtrace:' '^  #0 ' 'this is a bug in vplat'; do
            grep -Eq -- "$re" "crash_$mode.err" || why="$why; no /$re/"
        done
        if [ "$mode" = jit ]; then grep -q '\[jit\] demo frame' "crash_$mode.err" || why="$why; symbolizer not used"; fi
        if [ "$mode" = segv ] || [ "$mode" = badcpu ]; then
            grep -q 'last guest pc 0x0000000000010abc' "crash_$mode.err" || why="$why; no guest pc"
        fi
        if [ -z "$why" ]; then pass=$((pass + 1)); echo "ok    crash-report-$mode (status 125)"; else
            fail=$((fail + 1)); echo "FAIL  crash-report-$mode:$why"; sed 's/^/      /' "crash_$mode.err" | head -12; fi
    done
    total=$((total + 1))
    (timeout -s KILL 20 "$demo" nested 2>crash_nested.err >/dev/null) 2>/dev/null
    st=$?
    if [ $st -eq 125 ] && grep -q 'while writing the crash report' crash_nested.err; then
        pass=$((pass + 1)); echo "ok    crash-report-nested (status 125)"
    else fail=$((fail + 1)); echo "FAIL  crash-report-nested: status $st"; fi
    # kill -ABRT from outside is not a vplat bug: default action, no report
    total=$((total + 1))
    "$demo" wait >wait.out 2>wait.err &
    pid=$!
    for _ in $(seq 50); do grep -q ready wait.out 2>/dev/null && break; sleep 0.1; done
    kill -ABRT $pid
    wait $pid 2>/dev/null
    st=$?
    if [ $st -eq 134 ] && ! grep -q 'internal error' wait.err; then
        pass=$((pass + 1)); echo "ok    crash-report-external-kill (status 134, no report)"
    else fail=$((fail + 1)); echo "FAIL  crash-report-external-kill: status $st"; fi
fi

echo "badinput: $pass passed, $fail failed, $known known bugs (of $total checks)"
[ $fail -eq 0 ]
