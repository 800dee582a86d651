#!/usr/bin/env python3
"""cold_code_gen.py — writes the generated half of the cold_code workload.

    python3 cold_code_gen.py ARCH OUT.s        ARCH: riscv64 or x86_64

OUT.s is assembly for ARCH defining COLD_NFUNCS distinct leaf functions
`uint64_t cold_fN(uint64_t x)`, each a different sequence of 30-60
statements of 64-bit and 32-bit integer arithmetic over four variables
(adds, xors, rotates, multiplies, shifts, sign/zero extensions, loads
from a constant table, stores and loads to a scratch array, an occasional
unsigned division and if/else), plus `cold_funcs[]`, a table of pointers
to them, and `cold_nfuncs`.  cold_code.c calls each function once, so
nearly every guest instruction an emulator meets is one it has never seen
before: the run measures translation throughput, not the quality of the
translated code.  For riscv64 the functions come to about 3 MB of code.

Why assembly and not C: gcc -O2 needs minutes for megabytes of generated
C, assembling takes seconds, and the instruction mix stays exactly as
written.  The statements are drawn once from a seeded PRNG and emitted for
both targets with the same semantics (each emitter is written out per
statement below), so the riscv64 and x86-64 builds compute the same
checksum; run.py and the workload's expected[] table check that.  The
output is a pure function of this script (its own splitmix64, not
Python's `random`).  bench/run.py runs this script when the output is
missing or older than the script; nothing generated is committed.
"""

import os
import sys

NFUNCS = 4096          # cold_code.c's COLD_NFUNCS must match
SEED = 0xC01DC0DE
MASK = (1 << 64) - 1
NSCRATCH = 64          # uint64 slots in cold_scratch


class SplitMix:
    def __init__(self, seed):
        self.s = seed & MASK

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def const(self):
        """A constant of 11, 32 or 64 significant bits (different encodings)."""
        k = self.below(3)
        if k == 0:
            return self.below(2048)
        if k == 1:
            return self.next() & 0xFFFFFFFF
        return self.next()


# ------------------------------------------------------------ the program
#
# A function is (init, [statement]); a statement is a tuple (form, x, y, z,
# params...) over variables 0..3 (a, b, c, d).  x != y; z is any variable.

def draw_function(rng):
    init = (rng.const(), 1 + rng.below(63), rng.next() | 1)
    stmts = []
    for _ in range(30 + rng.below(31)):
        x = rng.below(4)
        y = rng.below(4)
        while y == x:
            y = rng.below(4)
        z = rng.below(4)
        r = 1 + rng.below(63)
        form = rng.below(17)
        if form == 13 and rng.below(4) != 0:
            form = 15          # divisions stay rare
        if form in (0, 2, 5, 11):
            p = (rng.const(),)
        elif form in (4, 15):
            p = (rng.next() | 1,)
        elif form == 6:
            p = (rng.next() & 0xFFFFFFFF | 1,)
        elif form == 8:
            p = (rng.below(56),)
        elif form == 9:
            p = (rng.below(64),)
        elif form == 10:
            p = (rng.below(64), rng.const(), rng.const())
        elif form == 16:
            p = (rng.below(NSCRATCH), rng.below(NSCRATCH))
        else:
            p = ()
        stmts.append((form, x, y, z, r, *p))
    return init, stmts


def draw_program():
    rng = SplitMix(SEED)
    table = [rng.next() for _ in range(256)]
    funcs = [draw_function(rng) for _ in range(NFUNCS)]
    return table, funcs


def s32(k):
    """k (0..2^32-1) as the signed 32-bit immediate with the same low bits."""
    return k - (1 << 32) if k >= 1 << 31 else k


# ----------------------------------------------------------------- riscv64
#
# Variables a, b, c, d live in a1..a4; x arrives in a0; t0, t1 are scratch;
# a5 = &cold_table, a6 = &cold_scratch.

RV = ["a1", "a2", "a3", "a4"]


def rv_stmt(out, fn, n, st):
    form, xi, yi, zi, r = st[:5]
    p = st[5:]
    X, Y, Z = RV[xi], RV[yi], RV[zi]
    e = out.append
    if form == 0:      # x += y ^ K
        e(f"li t0,{p[0]}"); e(f"xor t0,t0,{Y}"); e(f"add {X},{X},t0")
    elif form == 1:    # x ^= rotl(y, r)
        e(f"slli t0,{Y},{r}"); e(f"srli t1,{Y},{64 - r}"); e("or t0,t0,t1"); e(f"xor {X},{X},t0")
    elif form == 2:    # x -= y * K
        e(f"li t0,{p[0]}"); e(f"mul t0,{Y},t0"); e(f"sub {X},{X},t0")
    elif form == 3:    # x ^= y >> r
        e(f"srli t0,{Y},{r}"); e(f"xor {X},{X},t0")
    elif form == 4:    # x = x * K + y
        e(f"li t0,{p[0]}"); e(f"mul {X},{X},t0"); e(f"add {X},{X},{Y}")
    elif form == 5:    # x += (y & K) | z
        if p[0] < 2048:
            e(f"andi t0,{Y},{p[0]}")
        else:
            e(f"li t0,{p[0]}"); e(f"and t0,t0,{Y}")
        e(f"or t0,t0,{Z}"); e(f"add {X},{X},t0")
    elif form == 6:    # x ^= (uint64_t)((uint32_t)y * K32)
        e(f"li t0,{s32(p[0])}"); e(f"mulw t0,{Y},t0"); e("slli t0,t0,32"); e("srli t0,t0,32")
        e(f"xor {X},{X},t0")
    elif form == 7:    # x += (int64_t)(int32_t)((uint32_t)y + (uint32_t)z)
        e(f"addw t0,{Y},{Z}"); e(f"add {X},{X},t0")
    elif form == 8:    # x ^= cold_table[(y >> s) & 255]
        e(f"srli t0,{Y},{p[0]}"); e("andi t0,t0,255"); e("slli t0,t0,3"); e("add t0,t0,a5")
        e("ld t0,0(t0)"); e(f"xor {X},{X},t0")
    elif form == 9:    # x = rotl(x, r) + (y << s)
        e(f"slli t0,{X},{r}"); e(f"srli t1,{X},{64 - r}"); e(f"or {X},t0,t1")
        e(f"slli t0,{Y},{p[0]}"); e(f"add {X},{X},t0")
    elif form == 10:   # if ((y >> s) & 1) x += K1; else x ^= K2;
        else_l, done_l = f".Lf{fn}_{n}e", f".Lf{fn}_{n}d"
        e(f"srli t0,{Y},{p[0]}"); e("andi t0,t0,1"); e(f"beqz t0,{else_l}")
        e(f"li t1,{p[1]}"); e(f"add {X},{X},t1"); e(f"j {done_l}")
        out.append(f"{else_l}:")
        e(f"li t1,{p[2]}"); e(f"xor {X},{X},t1")
        out.append(f"{done_l}:")
    elif form == 11:   # x = ~x + (y | K)
        e(f"li t0,{p[0]}"); e(f"or t0,t0,{Y}"); e(f"not {X},{X}"); e(f"add {X},{X},t0")
    elif form == 12:   # x += min_unsigned(y, z), branch-free
        e(f"sltu t0,{Y},{Z}"); e("neg t0,t0"); e(f"xor t1,{Y},{Z}"); e("and t1,t1,t0")
        e(f"xor t1,t1,{Z}"); e(f"add {X},{X},t1")
    elif form == 13:   # x ^= y / (z | 1)
        e(f"ori t0,{Z},1"); e(f"divu t0,{Y},t0"); e(f"xor {X},{X},t0")
    elif form == 14:   # x -= (int64_t)y >> r
        e(f"srai t0,{Y},{r}"); e(f"sub {X},{X},t0")
    elif form == 15:   # x ^= x >> r; x *= K
        e(f"srli t0,{X},{r}"); e(f"xor {X},{X},t0"); e(f"li t0,{p[0]}"); e(f"mul {X},{X},t0")
    elif form == 16:   # scratch[i] = y; x += scratch[j]
        e(f"sd {Y},{8 * p[0]}(a6)"); e(f"ld t0,{8 * p[1]}(a6)"); e(f"add {X},{X},t0")
    else:
        raise AssertionError(form)


def rv_function(out, fn, init, stmts):
    k, r, m = init
    out.append(f".globl cold_f{fn}")
    out.append(f".type cold_f{fn},@function")
    out.append(f"cold_f{fn}:")
    body = ["mv a1,a0", f"li t0,{k}", "xor a2,a0,t0",
            f"slli t0,a0,{r}", f"srli t1,a0,{64 - r}", "or a3,t0,t1",
            f"li t0,{m}", "mul a4,a0,t0", "lla a5,cold_table", "lla a6,cold_scratch"]
    for n, st in enumerate(stmts):
        rv_stmt(body, fn, n, st)
    body += ["slli t0,a2,17", "srli t1,a2,47", "or t0,t0,t1", "xor a0,a1,t0",
             "slli t0,a3,31", "srli t1,a3,33", "or t0,t0,t1", "xor a0,a0,t0",
             "slli t0,a4,47", "srli t1,a4,17", "or t0,t0,t1", "xor a0,a0,t0", "ret"]
    out.extend(l if l.endswith(":") else "\t" + l for l in body)
    out.append(f".size cold_f{fn},.-cold_f{fn}")


# ------------------------------------------------------------------ x86-64
#
# Intel syntax.  a, b, c, d live in r8..r11; x arrives in rdi; rax, rcx, rdx
# are scratch; rsi = &cold_table, rdi = &cold_scratch once x is consumed.

X86 = ["r8", "r9", "r10", "r11"]
X86D = ["r8d", "r9d", "r10d", "r11d"]


def x86_stmt(out, fn, n, st):
    form, xi, yi, zi, r = st[:5]
    p = st[5:]
    X, Y, Z = X86[xi], X86[yi], X86[zi]
    Yd, Zd = X86D[yi], X86D[zi]
    e = out.append
    if form == 0:
        e(f"movabs rax,{p[0]}"); e(f"xor rax,{Y}"); e(f"add {X},rax")
    elif form == 1:
        e(f"mov rax,{Y}"); e(f"rol rax,{r}"); e(f"xor {X},rax")
    elif form == 2:
        e(f"movabs rax,{p[0]}"); e(f"imul rax,{Y}"); e(f"sub {X},rax")
    elif form == 3:
        e(f"mov rax,{Y}"); e(f"shr rax,{r}"); e(f"xor {X},rax")
    elif form == 4:
        e(f"movabs rax,{p[0]}"); e(f"imul {X},rax"); e(f"add {X},{Y}")
    elif form == 5:
        e(f"movabs rax,{p[0]}"); e(f"and rax,{Y}"); e(f"or rax,{Z}"); e(f"add {X},rax")
    elif form == 6:
        e(f"imul eax,{Yd},{s32(p[0])}"); e(f"xor {X},rax")    # writing eax zero-extends
    elif form == 7:
        e(f"mov eax,{Yd}"); e(f"add eax,{Zd}"); e("movsxd rax,eax"); e(f"add {X},rax")
    elif form == 8:
        e(f"mov rax,{Y}"); e(f"shr rax,{p[0]}"); e("movzx eax,al")
        e(f"xor {X},QWORD PTR [rsi+rax*8]")
    elif form == 9:
        e(f"rol {X},{r}"); e(f"mov rax,{Y}"); e(f"shl rax,{p[0]}"); e(f"add {X},rax")
    elif form == 10:
        else_l, done_l = f".Lf{fn}_{n}e", f".Lf{fn}_{n}d"
        e(f"bt {Y},{p[0]}"); e(f"jnc {else_l}")
        e(f"movabs rax,{p[1]}"); e(f"add {X},rax"); e(f"jmp {done_l}")
        out.append(f"{else_l}:")
        e(f"movabs rax,{p[2]}"); e(f"xor {X},rax")
        out.append(f"{done_l}:")
    elif form == 11:
        e(f"movabs rax,{p[0]}"); e(f"or rax,{Y}"); e(f"not {X}"); e(f"add {X},rax")
    elif form == 12:
        e(f"mov rax,{Z}"); e(f"cmp {Y},{Z}"); e(f"cmovb rax,{Y}"); e(f"add {X},rax")
    elif form == 13:
        e(f"mov rcx,{Z}"); e("or rcx,1"); e(f"mov rax,{Y}"); e("xor edx,edx"); e("div rcx")
        e(f"xor {X},rax")
    elif form == 14:
        e(f"mov rax,{Y}"); e(f"sar rax,{r}"); e(f"sub {X},rax")
    elif form == 15:
        e(f"mov rax,{X}"); e(f"shr rax,{r}"); e(f"xor {X},rax"); e(f"movabs rax,{p[0]}")
        e(f"imul {X},rax")
    elif form == 16:
        e(f"mov QWORD PTR [rdi+{8 * p[0]}],{Y}"); e(f"add {X},QWORD PTR [rdi+{8 * p[1]}]")
    else:
        raise AssertionError(form)


def x86_function(out, fn, init, stmts):
    k, r, m = init
    out.append(".p2align 4")
    out.append(f".globl cold_f{fn}")
    out.append(f".type cold_f{fn},@function")
    out.append(f"cold_f{fn}:")
    body = ["mov r8,rdi", f"movabs rax,{k}", "xor rax,rdi", "mov r9,rax",
            "mov r10,rdi", f"rol r10,{r}", f"movabs rax,{m}", "imul rax,rdi", "mov r11,rax",
            "lea rsi,[rip+cold_table]", "lea rdi,[rip+cold_scratch]"]
    for n, st in enumerate(stmts):
        x86_stmt(body, fn, n, st)
    body += ["mov rax,r9", "rol rax,17", "xor rax,r8", "mov rcx,r10", "rol rcx,31",
             "xor rax,rcx", "mov rcx,r11", "rol rcx,47", "xor rax,rcx", "ret"]
    out.extend(l if l.endswith(":") else "\t" + l for l in body)
    out.append(f".size cold_f{fn},.-cold_f{fn}")


# -------------------------------------------------------------------- file

def generate(arch):
    table, funcs = draw_program()
    out = ["# Generated by bench/workloads/cold_code_gen.py: do not edit."]
    if arch == "x86_64":
        out.append(".intel_syntax noprefix")
        emit = x86_function
    elif arch == "riscv64":
        emit = rv_function
    else:
        raise SystemExit(f"cold_code_gen.py: unsupported ARCH {arch!r} (riscv64, x86_64)")
    out.append(".section .rodata")
    out.append(".p2align 3")
    out.append("cold_table:")
    for i in range(0, 256, 4):
        out.append("\t.quad " + ",".join(f"0x{v:016x}" for v in table[i:i + 4]))
    out.append(".globl cold_nfuncs")
    out.append("cold_nfuncs:")
    out.append(f"\t.quad {NFUNCS}")
    # Pointers need relocations in a PIE: keep them out of .rodata.
    out.append('.section .data.rel.ro,"aw"')
    out.append(".p2align 3")
    out.append(".globl cold_funcs")
    out.append("cold_funcs:")
    for i in range(0, NFUNCS, 8):
        out.append("\t.quad " + ",".join(f"cold_f{j}" for j in range(i, min(i + 8, NFUNCS))))
    out.append(".bss")
    out.append(".p2align 3")
    out.append(".globl cold_scratch")
    out.append("cold_scratch:")
    out.append(f"\t.zero {8 * NSCRATCH}")
    out.append(".text")
    for fn, (init, stmts) in enumerate(funcs):
        emit(out, fn, init, stmts)
    out.append('.section .note.GNU-stack,"",@progbits')
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: cold_code_gen.py riscv64|x86_64 OUT.s\n")
        return 2
    text = generate(argv[1])
    tmp = argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
