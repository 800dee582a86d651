/* insn_coverage.c — executes every RV64GC instruction on edge-value operands
 * and prints each result (and, for FP, the fflags it raised) in hex, one
 * line per case, then the number of cases.  In the spirit of QEMU's old
 * tests/test-i386: the output under vplat must be byte-identical to
 * qemu-riscv64's; tests/guest/run.sh compares them.
 *
 * Coverage: RV64I (ALU, shifts, lui/auipc, branches, jal/jalr, loads,
 * stores, fences, ecall), M, A (lr/sc, every amo in .w and .d with each
 * aq/rl combination), F and D (arithmetic and fma under each static rm and
 * under each dynamic frm, sqrt, min/max, sign injection, compares, fclass,
 * every conversion, moves, loads/stores with NaN boxing), Zicsr on
 * fflags/frm/fcsr (all six forms), Zifencei, and every RV64C form.
 *
 * Each instruction is emitted inside `.option norvc` (so the assembler
 * cannot silently compress the 32-bit forms) or as an explicit `c.*`
 * mnemonic.  Instruction lists are X-macros: one list generates both the
 * asm wrapper functions and the table that names them.
 *
 * Output format:  <insn>[.<rm>] <operands hex...> -> <result hex>[/<fflags>]
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

typedef uint64_t u64;
typedef uint32_t u32;

#define NORVC ".option push\n\t.option norvc\n\t"
#define POPRVC "\n\t.option pop"
#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static unsigned long n_cases;

static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    n_cases++;
}

/* ------------------------------------------------------------------ */
/* Integer edge values                                                */

static const u64 ivals[] = {
    0, 1, 2, (u64)-1, (u64)-2, 31, 32, 63, 0x7f,
    0x7fffffff, 0xffffffff80000000ULL /* INT32_MIN */, 0x80000000, 0xffffffff,
    0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
    0x123456789abcdef0ULL, 0xfedcba9876543210ULL,
};

/* ------------------------------------------------------------------ */
/* RV64I + M register-register                                        */

#define RR_LIST(X)                                                              \
    X(add, "add") X(sub, "sub") X(sll, "sll") X(slt, "slt") X(sltu, "sltu")     \
    X(xor, "xor") X(srl, "srl") X(sra, "sra") X(or, "or") X(and, "and")         \
    X(addw, "addw") X(subw, "subw") X(sllw, "sllw") X(srlw, "srlw")             \
    X(sraw, "sraw")                                                             \
    X(mul, "mul") X(mulh, "mulh") X(mulhsu, "mulhsu") X(mulhu, "mulhu")         \
    X(div, "div") X(divu, "divu") X(rem, "rem") X(remu, "remu")                 \
    X(mulw, "mulw") X(divw, "divw") X(divuw, "divuw") X(remw, "remw")           \
    X(remuw, "remuw")

#define X(id, s)                                                               \
    static u64 rr_##id(u64 a, u64 b)                                           \
    {                                                                          \
        u64 r;                                                                 \
        asm volatile(NORVC s " %0, %1, %2" POPRVC : "=r"(r) : "r"(a), "r"(b)); \
        return r;                                                              \
    }
RR_LIST(X)
#undef X

static const struct { const char *name; u64 (*fn)(u64, u64); } rr_tab[] = {
#define X(id, s) {s, rr_##id},
    RR_LIST(X)
#undef X
};

static void test_rr(void)
{
    for (unsigned o = 0; o < N_ELEM(rr_tab); o++)
        for (unsigned i = 0; i < N_ELEM(ivals); i++)
            for (unsigned j = 0; j < N_ELEM(ivals); j++)
                line("%s %016llx %016llx -> %016llx\n", rr_tab[o].name,
                     (unsigned long long)ivals[i], (unsigned long long)ivals[j],
                     (unsigned long long)rr_tab[o].fn(ivals[i], ivals[j]));
    /* rd = x0 discards; rd = rs1 = rs2 reads before writing. */
    u64 z = 5, same = 0x8000000000000001ULL;
    asm volatile(NORVC "add x0, %1, %1\n\tmv %0, x0" POPRVC : "=r"(z) : "r"(same));
    asm volatile(NORVC "mulhu %0, %0, %0" POPRVC : "+r"(same));
    line("add x0 -> %016llx, mulhu same-reg -> %016llx\n", (unsigned long long)z,
         (unsigned long long)same);
}

/* ------------------------------------------------------------------ */
/* Register-immediate                                                 */

#define IMM12(X, id, s)                                                       \
    X(id##_0, s, 0) X(id##_1, s, 1) X(id##_m1, s, -1) X(id##_2047, s, 2047)  \
    X(id##_m2048, s, -2048) X(id##_555, s, 0x555)
#define SH64(X, id, s) X(id##_0, s, 0) X(id##_1, s, 1) X(id##_31, s, 31) X(id##_32, s, 32) X(id##_63, s, 63)
#define SH32(X, id, s) X(id##_0, s, 0) X(id##_1, s, 1) X(id##_17, s, 17) X(id##_31, s, 31)

#define RI_LIST(X)                                                             \
    IMM12(X, addi, "addi") IMM12(X, slti, "slti") IMM12(X, sltiu, "sltiu")     \
    IMM12(X, xori, "xori") IMM12(X, ori, "ori") IMM12(X, andi, "andi")         \
    IMM12(X, addiw, "addiw")                                                   \
    SH64(X, slli, "slli") SH64(X, srli, "srli") SH64(X, srai, "srai")          \
    SH32(X, slliw, "slliw") SH32(X, srliw, "srliw") SH32(X, sraiw, "sraiw")

#define X(id, s, imm)                                                               \
    static u64 ri_##id(u64 a)                                                       \
    {                                                                               \
        u64 r;                                                                      \
        asm volatile(NORVC s " %0, %1, %2" POPRVC : "=r"(r) : "r"(a), "i"(imm));    \
        return r;                                                                   \
    }
RI_LIST(X)
#undef X

static const struct { const char *name; int imm; u64 (*fn)(u64); } ri_tab[] = {
#define X(id, s, imm) {s, imm, ri_##id},
    RI_LIST(X)
#undef X
};

#define LUI_LIST(X) X(0) X(1) X(0x7ffff) X(0x80000) X(0xfffff) X(0x12345)
#define X(imm)                                                                    \
    {                                                                             \
        u64 r, r2;                                                                \
        asm volatile(NORVC "lui %0, %1" POPRVC : "=r"(r) : "i"(imm));             \
        /* auipc: print the result relative to the instruction's address. */     \
        asm volatile(NORVC "1: auipc %0, %2\n\tlla %1, 1b\n\tsub %0, %0, %1" POPRVC \
                     : "=&r"(r), "=&r"(r2) : "i"(imm));                   \
        u64 l;                                                                    \
        asm volatile(NORVC "lui %0, %1" POPRVC : "=r"(l) : "i"(imm));             \
        line("lui %05x -> %016llx  auipc %05x -> pc+%016llx\n", imm,              \
             (unsigned long long)l, imm, (unsigned long long)r);                  \
    }

static void test_ri(void)
{
    for (unsigned o = 0; o < N_ELEM(ri_tab); o++)
        for (unsigned i = 0; i < N_ELEM(ivals); i++)
            line("%s %016llx %d -> %016llx\n", ri_tab[o].name, (unsigned long long)ivals[i],
                 ri_tab[o].imm, (unsigned long long)ri_tab[o].fn(ivals[i]));
    LUI_LIST(X)
}
#undef X

/* ------------------------------------------------------------------ */
/* Branches and jumps                                                 */

#define BR_LIST(X) X(beq) X(bne) X(blt) X(bge) X(bltu) X(bgeu)
#define X(op)                                                                   \
    static int br_##op(u64 a, u64 b)                                            \
    {                                                                           \
        int t;                                                                  \
        asm volatile(NORVC "li %0, 1\n\t" #op " %1, %2, 1f\n\tli %0, 0\n1:" POPRVC \
                     : "=&r"(t) : "r"(a), "r"(b));                              \
        return t;                                                               \
    }
BR_LIST(X)
#undef X

static void test_branches(void)
{
    for (unsigned i = 0; i < N_ELEM(ivals); i++)
        for (unsigned j = 0; j < N_ELEM(ivals); j++) {
            u64 a = ivals[i], b = ivals[j];
            line("branch %016llx %016llx -> beq=%d bne=%d blt=%d bge=%d bltu=%d bgeu=%d\n",
                 (unsigned long long)a, (unsigned long long)b, br_beq(a, b), br_bne(a, b),
                 br_blt(a, b), br_bge(a, b), br_bltu(a, b), br_bgeu(a, b));
        }
    /* Backward branches in a loop, and branches comparing a register to itself. */
    u64 cnt = 0, k = 10;
    asm volatile(NORVC "1: addi %0, %0, 3\n\taddi %1, %1, -1\n\tbnez %1, 1b\n\t"
                 "blt %1, %1, 2f\n\tbltu %1, %1, 2f\n\tbne %1, %1, 2f\n\t"
                 "addi %0, %0, 1000\n2:" POPRVC : "+r"(cnt), "+r"(k));
    line("branch loop -> %llu\n", (unsigned long long)cnt);

    /* jal: link = pc + 4; jalr: target has bit 0 cleared, link before jump. */
    u64 link, base, res;
    asm volatile(NORVC "jal %0, 1f\n1:\tlla %1, 1b\n\tsub %0, %0, %1" POPRVC
                 : "=&r"(link), "=&r"(base));
    line("jal link -> target%+lld\n", (long long)link);
    asm volatile(NORVC "lla %1, 1f\n\taddi %1, %1, 1\n\tli %2, 0\n\tjalr %0, 0(%1)\n\t"
                 "li %2, 99\n1:\tlla %1, 1b\n\tsub %0, %0, %1" POPRVC
                 : "=&r"(link), "=&r"(base), "=&r"(res));
    line("jalr odd target -> link=target%+lld skipped=%llu\n", (long long)link,
         (unsigned long long)res);
    /* jalr with rd == rs1: the old rs1 is the target. */
    asm volatile(NORVC "lla %0, 1f\n\tli %1, 7\n\tjalr %0, 8(%0)\n1:\tli %1, 1\n\tli %1, 2\n\t"
                 "li %1, 3\n\tlla %2, 1b\n\tsub %0, %0, %2" POPRVC
                 : "=&r"(link), "=&r"(res), "=&r"(base));
    line("jalr rd==rs1 offset 8 -> link=label%+lld result=%llu\n", (long long)link,
         (unsigned long long)res);
    /* jal x0 (j) forward and backward. */
    asm volatile(NORVC "li %0, 0\n\tj 2f\n1:\taddi %0, %0, 10\n\tj 3f\n2:\taddi %0, %0, 1\n\t"
                 "j 1b\n3:" POPRVC : "=&r"(res));
    line("jal x0 forward/backward -> %llu\n", (unsigned long long)res);
}

/* ------------------------------------------------------------------ */
/* Loads and stores (naturally aligned)                               */

static uint8_t membuf[64] __attribute__((aligned(16)));

static void fill_pattern(void)
{
    static const uint8_t pat[16] = {0x80, 0x01, 0xff, 0x7f, 0x00, 0xfe, 0x81, 0x55,
                                    0xaa, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xf0};
    for (int i = 0; i < 64; i++)
        membuf[i] = (uint8_t)(pat[i & 15] ^ (i >> 4) * 0x11);
}

#define LD_LIST(X) X(lb, 1) X(lbu, 1) X(lh, 2) X(lhu, 2) X(lw, 4) X(lwu, 4) X(ld, 8)
/* Immediate offsets from a base in the middle of membuf. */
#define LD_OFFS(X, op) X(op, -32) X(op, -8) X(op, 0) X(op, 8) X(op, 24)
#define X(op, sz)                                                               \
    static u64 ld_##op(const uint8_t *p)                                        \
    {                                                                           \
        u64 r;                                                                  \
        asm volatile(NORVC #op " %0, 0(%1)" POPRVC : "=r"(r) : "r"(p) : "memory"); \
        return r;                                                               \
    }
LD_LIST(X)
#undef X

static void test_loads(void)
{
    fill_pattern();
#define X(op, sz)                                                                   \
    for (int off = 0; off < 32; off += sz)                                          \
        line(#op " membuf+%d -> %016llx\n", off, (unsigned long long)ld_##op(membuf + off));
    LD_LIST(X)
#undef X
#define Y(op, imm)                                                                  \
    {                                                                               \
        u64 r;                                                                      \
        asm volatile(NORVC #op " %0, %2(%1)" POPRVC : "=r"(r) : "r"(membuf + 32), "i"(imm) \
                     : "memory");                                                   \
        line(#op " %d(membuf+32) -> %016llx\n", imm, (unsigned long long)r);        \
    }
#define X(op, sz) LD_OFFS(Y, op)
    LD_LIST(X)
#undef X
#undef Y
    /* A load into its own base register. */
    u64 p = (u64)(uintptr_t)membuf;
    asm volatile(NORVC "ld %0, 8(%0)" POPRVC : "+r"(p) : : "memory");
    line("ld rd==rs1 -> %016llx\n", (unsigned long long)p);
}

static void dump_membuf(const char *what)
{
    char buf[200];
    int n = 0;
    for (int i = 0; i < 32; i++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "%02x", membuf[i]);
    line("%s -> %s\n", what, buf);
}

static void test_stores(void)
{
    static const u64 sv[] = {0, (u64)-1, 0x8000000000000000ULL, 0x0123456789abcdefULL,
                             0xffffffff80000000ULL};
    for (unsigned v = 0; v < N_ELEM(sv); v++) {
        char what[80];
        for (int off = 0; off < 32; off += 8) {
            fill_pattern();
            asm volatile(NORVC "sb %0, 0(%1)\n\tsh %0, 2(%1)\n\tsw %0, 4(%1)" POPRVC
                         : : "r"(sv[v]), "r"(membuf + off) : "memory");
            snprintf(what, sizeof what, "sb/sh/sw %016llx @%d", (unsigned long long)sv[v], off);
            dump_membuf(what);
            fill_pattern();
            asm volatile(NORVC "sd %0, 0(%1)\n\tsb %0, -1(%1)\n\tsh %0, -4(%1)" POPRVC
                         : : "r"(sv[v]), "r"(membuf + off + 8) : "memory");
            snprintf(what, sizeof what, "sd/sb-1/sh-4 %016llx @%d", (unsigned long long)sv[v],
                     off + 8);
            dump_membuf(what);
        }
    }
    /* Store then load back through every width (store-to-load forwarding). */
    fill_pattern();
    u64 a, b, c, d;
    asm volatile(NORVC "sd %4, 0(%5)\n\tlb %0, 7(%5)\n\tlhu %1, 6(%5)\n\tlw %2, 4(%5)\n\t"
                 "sw x0, 0(%5)\n\tld %3, 0(%5)" POPRVC
                 : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d)
                 : "r"(0x8123456789abcdefULL), "r"(membuf) : "memory");
    line("store/load back -> %016llx %016llx %016llx %016llx\n", (unsigned long long)a,
         (unsigned long long)b, (unsigned long long)c, (unsigned long long)d);
}

/* ------------------------------------------------------------------ */
/* Fences, ecall, counters, Zifencei                                  */

static void test_system(void)
{
    asm volatile(NORVC "fence\n\tfence rw, rw\n\tfence r, r\n\tfence w, w\n\tfence i, o\n\t"
                 "fence iorw, iorw\n\tfence.tso\n\t.4byte 0x0100000f /* pause */\n\t"
                 "fence.i" POPRVC : : : "memory");
    line("fences and fence.i -> ok\n");
    /* A raw ecall: write(1, msg, len). */
    static const char msg[] = "ecall write ok\n";
    fflush(stdout);
    register u64 a0 asm("a0") = 1;
    register u64 a1 asm("a1") = (u64)(uintptr_t)msg;
    register u64 a2 asm("a2") = sizeof msg - 1;
    register u64 a7 asm("a7") = SYS_write;
    asm volatile(NORVC "ecall" POPRVC : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    n_cases++;
    line("ecall returned %llu\n", (unsigned long long)a0);
    /* An unknown syscall number returns -ENOSYS. */
    a0 = 0;
    a7 = 4000;
    asm volatile(NORVC "ecall" POPRVC : "+r"(a0) : "r"(a7) : "memory");
    line("ecall 4000 -> %lld\n", (long long)a0);
    /* Counters: values are host-dependent, only their order is printed. */
    u64 c1, c2, t1, t2, i1, i2;
    asm volatile(NORVC "rdcycle %0\n\trdtime %1\n\trdinstret %2" POPRVC
                 : "=r"(c1), "=r"(t1), "=r"(i1));
    for (volatile int k = 0; k < 100; k++)
        ;
    asm volatile(NORVC "rdcycle %0\n\trdtime %1\n\trdinstret %2" POPRVC
                 : "=r"(c2), "=r"(t2), "=r"(i2));
    line("counters monotonic -> cycle=%d time=%d instret=%d\n", c2 >= c1, t2 >= t1, i2 >= i1);
}

/* ------------------------------------------------------------------ */
/* A extension                                                        */

#define AMO_FN(op, sfx, ord, ordstr)                                                \
    static u64 amo_##op##_##sfx##ord(void *p, u64 v)                                \
    {                                                                               \
        u64 old;                                                                    \
        asm volatile(NORVC "amo" #op "." #sfx ordstr " %0, %2, (%1)" POPRVC           \
                     : "=&r"(old) : "r"(p), "r"(v) : "memory");                     \
        return old;                                                                 \
    }
#define AMO_NAMES(X)                                                                \
    X(swap) X(add) X(xor) X(and) X(or) X(min) X(max) X(minu) X(maxu)
#define ORDERS(X, op)                                                               \
    X(op, w, , "") X(op, d, , "") X(op, w, _aq, ".aq") X(op, d, _aq, ".aq")         \
    X(op, w, _rl, ".rl") X(op, d, _rl, ".rl") X(op, w, _aqrl, ".aqrl")              \
    X(op, d, _aqrl, ".aqrl")
#define X(op) ORDERS(AMO_FN, op)
AMO_NAMES(X)
#undef X

typedef struct AmoEntry {
    const char *name;
    int is_d;
    u64 (*fn)(void *, u64);
} AmoEntry;
#define AMO_ENTRY(op, sfx, ord, ordstr) {"amo" #op "." #sfx ordstr, #sfx[0] == 'd', amo_##op##_##sfx##ord},
static const AmoEntry amo_tab[] = {
#define X(op) ORDERS(AMO_ENTRY, op)
    AMO_NAMES(X)
#undef X
};

static void test_amo(void)
{
    static const u64 av[] = {0, 1, (u64)-1, 0x7fffffff, 0x80000000, 0xffffffff,
                             0x7fffffffffffffffULL, 0x8000000000000000ULL,
                             0x00000001fffffffeULL, 0xffffffff00000001ULL};
    for (unsigned o = 0; o < N_ELEM(amo_tab); o++) {
        /* Plain orderings get the full value matrix; aq/rl variants a diagonal. */
        int full = strchr(amo_tab[o].name + 4, '.') == strrchr(amo_tab[o].name, '.');
        for (unsigned i = 0; i < N_ELEM(av); i++)
            for (unsigned j = 0; j < N_ELEM(av); j++) {
                if (!full && j != (i + 3) % N_ELEM(av))
                    continue;
                u64 mem[3] = {0x1111111111111111ULL, 0, 0x2222222222222222ULL};
                u64 old;
                if (amo_tab[o].is_d) {
                    mem[1] = av[i];
                    old = amo_tab[o].fn(&mem[1], av[j]);
                } else {
                    /* Word in the high half of a doubleword: neighbours must survive. */
                    mem[1] = 0x3333333333333333ULL;
                    u32 *w = (u32 *)&mem[1] + 1;
                    *w = (u32)av[i];
                    old = amo_tab[o].fn(w, av[j]);
                }
                line("%s %016llx %016llx -> old=%016llx mem=%016llx %016llx %016llx\n",
                     amo_tab[o].name, (unsigned long long)av[i], (unsigned long long)av[j],
                     (unsigned long long)old, (unsigned long long)mem[0],
                     (unsigned long long)mem[1], (unsigned long long)mem[2]);
            }
    }
    /* lr/sc in every ordering; rd = 0 means success. */
    u64 d = 0x8000000000000001ULL, lr, sc;
    u32 w = 0x80000001;
#define LRSC(ord)                                                                    \
    asm volatile(NORVC "lr.d" ord " %0, (%2)\n\tsc.d" ord " %1, %3, (%2)" POPRVC     \
                 : "=&r"(lr), "=&r"(sc) : "r"(&d), "r"(d + 1) : "memory");           \
    line("lr.d%s/sc.d%s -> lr=%016llx sc=%llu mem=%016llx\n", ord, ord,              \
         (unsigned long long)lr, (unsigned long long)sc, (unsigned long long)d);     \
    asm volatile(NORVC "lr.w" ord " %0, (%2)\n\tsc.w" ord " %1, %3, (%2)" POPRVC     \
                 : "=&r"(lr), "=&r"(sc) : "r"(&w), "r"((u64)w * 3) : "memory");      \
    line("lr.w%s/sc.w%s -> lr=%016llx sc=%llu mem=%08x\n", ord, ord,                 \
         (unsigned long long)lr, (unsigned long long)sc, w);
    LRSC("")
    LRSC(".aq")
    LRSC(".rl")
    LRSC(".aqrl")
#undef LRSC
    /* sc after a store-conditional already consumed the reservation. */
    asm volatile(NORVC "lr.d %0, (%2)\n\tsc.d %1, %3, (%2)\n\tsc.d %1, %3, (%2)" POPRVC
                 : "=&r"(lr), "=&r"(sc) : "r"(&d), "r"((u64)42) : "memory");
    line("second sc.d -> sc=%s mem=%016llx\n", sc ? "fail" : "ok", (unsigned long long)d);
    /* sc.w to a different address than lr.w. */
    u32 other = 5;
    asm volatile(NORVC "lr.w %0, (%2)\n\tsc.w %1, %4, (%3)" POPRVC
                 : "=&r"(lr), "=&r"(sc) : "r"(&w), "r"(&other), "r"((u64)9) : "memory");
    line("sc.w other address -> sc=%s other=%u\n", sc ? "fail" : "ok", other);
    /* amo with rd = x0 (store only) and rd = rs2. */
    u64 m = 10, v = 5;
    asm volatile(NORVC "amoadd.d x0, %1, (%0)" POPRVC : : "r"(&m), "r"(v) : "memory");
    asm volatile(NORVC "amoswap.d %0, %0, (%1)" POPRVC : "+r"(v) : "r"(&m) : "memory");
    line("amoadd.d rd=x0 / amoswap.d rd==rs2 -> v=%llu mem=%llu\n", (unsigned long long)v,
         (unsigned long long)m);
}

/* ------------------------------------------------------------------ */
/* F and D                                                            */

#define BOX(x) (0xffffffff00000000ULL | (u32)(x))
static const u64 svals[] = {
    BOX(0x00000000), BOX(0x80000000), BOX(0x3f800000), BOX(0xbf800000), BOX(0x3fc00000),
    BOX(0x33800000) /* 2^-24: half an ulp of 1.0 */, BOX(0x3f800001), BOX(0x7f800000),
    BOX(0xff800000), BOX(0x7fc00000), BOX(0x7fa00000) /* sNaN */, BOX(0xffc00001),
    BOX(0x00000001), BOX(0x007fffff), BOX(0x00800000), BOX(0x7f7fffff), BOX(0xff7fffff),
    BOX(0x40400000), BOX(0x3dcccccd), BOX(0x4b7fffff) /* 2^24-1 */,
    0x000000003f800000ULL, /* 1.0f not NaN-boxed: reads as the canonical NaN */
    0x7fffffff3f800000ULL,
};
static const u64 dvals[] = {
    0x0000000000000000ULL, 0x8000000000000000ULL, 0x3ff0000000000000ULL,
    0xbff0000000000000ULL, 0x3ff8000000000000ULL, 0x3ca0000000000000ULL /* 2^-53 */,
    0x3ff0000000000001ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL,
    0x7ff8000000000000ULL, 0x7ff4000000000000ULL /* sNaN */, 0xfff8000000000001ULL,
    0x0000000000000001ULL, 0x000fffffffffffffULL, 0x0010000000000000ULL,
    0x7fefffffffffffffULL, 0xffefffffffffffffULL, 0x4008000000000000ULL,
    0x3fb999999999999aULL, 0x433fffffffffffffULL /* 2^53-1 */,
};
/* Subsets for the rounding-mode and fma sweeps: values whose results round. */
static const u64 s_round[] = {BOX(0x3f800000), BOX(0xbf800000), BOX(0x33800000),
                              BOX(0x3f800001), BOX(0x40400000), BOX(0x3dcccccd),
                              BOX(0x00800000), BOX(0x7f7fffff), BOX(0x7fa00000)};
static const u64 d_round[] = {0x3ff0000000000000ULL, 0xbff0000000000000ULL,
                              0x3ca0000000000000ULL, 0x3ff0000000000001ULL,
                              0x4008000000000000ULL, 0x3fb999999999999aULL,
                              0x0010000000000000ULL, 0x7fefffffffffffffULL,
                              0x7ff4000000000000ULL};

#define RM_STATIC(X, id, s) \
    X(id##_rne, s, ", rne") X(id##_rtz, s, ", rtz") X(id##_rdn, s, ", rdn") \
    X(id##_rup, s, ", rup") X(id##_rmm, s, ", rmm") X(id##_dyn, s, ", dyn")
#define RM_VARIANTS(id) {id##_rne, id##_rtz, id##_rdn, id##_rup, id##_rmm, id##_dyn}
static const char *const rm_names[6] = {"rne", "rtz", "rdn", "rup", "rmm", "dyn"};

typedef u64 (*FpFn)(u64 a, u64 b, u64 c, u32 *fl);

/* Asm wrappers by operand shape.  Inputs move into FP registers before
 * fflags is cleared, so only the tested instruction can set flags. */
#define FP_PRE "fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft2, %4\n\tfsflags x0\n\t"
#define FP_CLOB "ft0", "ft1", "ft2", "ft3"
#define DEF_FFF(id, s, rm)                                                          \
    static u64 id(u64 a, u64 b, u64 c, u32 *fl)                                     \
    {                                                                               \
        u64 r, f;                                                                   \
        asm volatile(NORVC FP_PRE s " ft3, ft0, ft1" rm "\n\tfrflags %1\n\tfmv.x.d %0, ft3" POPRVC \
                     : "=&r"(r), "=&r"(f) : "r"(a), "r"(b), "r"(c) : FP_CLOB);      \
        *fl = (u32)f;                                                               \
        return r;                                                                   \
    }
#define DEF_FF(id, s, rm)                                                           \
    static u64 id(u64 a, u64 b, u64 c, u32 *fl)                                     \
    {                                                                               \
        u64 r, f;                                                                   \
        asm volatile(NORVC FP_PRE s " ft3, ft0" rm "\n\tfrflags %1\n\tfmv.x.d %0, ft3" POPRVC \
                     : "=&r"(r), "=&r"(f) : "r"(a), "r"(b), "r"(c) : FP_CLOB);      \
        *fl = (u32)f;                                                               \
        return r;                                                                   \
    }
#define DEF_FFFF(id, s, rm)                                                         \
    static u64 id(u64 a, u64 b, u64 c, u32 *fl)                                     \
    {                                                                               \
        u64 r, f;                                                                   \
        asm volatile(NORVC FP_PRE s " ft3, ft0, ft1, ft2" rm "\n\tfrflags %1\n\tfmv.x.d %0, ft3" POPRVC \
                     : "=&r"(r), "=&r"(f) : "r"(a), "r"(b), "r"(c) : FP_CLOB);      \
        *fl = (u32)f;                                                               \
        return r;                                                                   \
    }
/* FP -> integer register (conversions, fclass, fmv.x.*). */
#define DEF_XF(id, s, rm)                                                           \
    static u64 id(u64 a, u64 b, u64 c, u32 *fl)                                     \
    {                                                                               \
        u64 r, f;                                                                   \
        asm volatile(NORVC FP_PRE s " %0, ft0" rm "\n\tfrflags %1" POPRVC           \
                     : "=&r"(r), "=&r"(f) : "r"(a), "r"(b), "r"(c) : FP_CLOB);      \
        *fl = (u32)f;                                                               \
        return r;                                                                   \
    }
/* Two FP -> integer register (compares). */
#define DEF_XFF(id, s, rm)                                                          \
    static u64 id(u64 a, u64 b, u64 c, u32 *fl)                                     \
    {                                                                               \
        u64 r, f;                                                                   \
        asm volatile(NORVC FP_PRE s " %0, ft0, ft1" rm "\n\tfrflags %1" POPRVC      \
                     : "=&r"(r), "=&r"(f) : "r"(a), "r"(b), "r"(c) : FP_CLOB);      \
        *fl = (u32)f;                                                               \
        return r;                                                                   \
    }
/* Integer register -> FP (conversions, fmv.*.x). */
#define DEF_FX(id, s, rm)                                                           \
    static u64 id(u64 a, u64 b, u64 c, u32 *fl)                                     \
    {                                                                               \
        u64 r, f;                                                                   \
        (void)b; (void)c;                                                           \
        asm volatile(NORVC "fsflags x0\n\t" s " ft3, %2" rm "\n\tfrflags %1\n\tfmv.x.d %0, ft3" POPRVC \
                     : "=&r"(r), "=&r"(f) : "r"(a) : "ft3");                        \
        *fl = (u32)f;                                                               \
        return r;                                                                   \
    }

/* Operations with a rounding mode: a row of six variants each. */
#define FP_RM_LIST(X)                                                               \
    X(FFF, fadd_s, "fadd.s", 2) X(FFF, fsub_s, "fsub.s", 2) X(FFF, fmul_s, "fmul.s", 2) \
    X(FFF, fdiv_s, "fdiv.s", 2) X(FF, fsqrt_s, "fsqrt.s", 1)                        \
    X(FFF, fadd_d, "fadd.d", 2) X(FFF, fsub_d, "fsub.d", 2) X(FFF, fmul_d, "fmul.d", 2) \
    X(FFF, fdiv_d, "fdiv.d", 2) X(FF, fsqrt_d, "fsqrt.d", 1)                        \
    X(FFFF, fmadd_s, "fmadd.s", 3) X(FFFF, fmsub_s, "fmsub.s", 3)                   \
    X(FFFF, fnmadd_s, "fnmadd.s", 3) X(FFFF, fnmsub_s, "fnmsub.s", 3)               \
    X(FFFF, fmadd_d, "fmadd.d", 3) X(FFFF, fmsub_d, "fmsub.d", 3)                   \
    X(FFFF, fnmadd_d, "fnmadd.d", 3) X(FFFF, fnmsub_d, "fnmsub.d", 3)               \
    X(FF, fcvt_s_d, "fcvt.s.d", 1)                                                  \
    X(XF, fcvt_w_s, "fcvt.w.s", 1) X(XF, fcvt_wu_s, "fcvt.wu.s", 1)                 \
    X(XF, fcvt_l_s, "fcvt.l.s", 1) X(XF, fcvt_lu_s, "fcvt.lu.s", 1)                 \
    X(XF, fcvt_w_d, "fcvt.w.d", 1) X(XF, fcvt_wu_d, "fcvt.wu.d", 1)                 \
    X(XF, fcvt_l_d, "fcvt.l.d", 1) X(XF, fcvt_lu_d, "fcvt.lu.d", 1)                 \
    X(FX, fcvt_s_w, "fcvt.s.w", 0) X(FX, fcvt_s_wu, "fcvt.s.wu", 0)                 \
    X(FX, fcvt_s_l, "fcvt.s.l", 0) X(FX, fcvt_s_lu, "fcvt.s.lu", 0)                 \
    X(FX, fcvt_d_l, "fcvt.d.l", 0) X(FX, fcvt_d_lu, "fcvt.d.lu", 0)

/* Operations without a rounding mode (the exact conversions have an rm
 * field, but the assembler only accepts the default there). */
#define FP_NORM_LIST(X)                                                             \
    X(FF, fcvt_d_s, "fcvt.d.s", 1) X(FX, fcvt_d_w, "fcvt.d.w", 0)                   \
    X(FX, fcvt_d_wu, "fcvt.d.wu", 0)                                                \
    X(FFF, fmin_s, "fmin.s", 2) X(FFF, fmax_s, "fmax.s", 2) X(FFF, fsgnj_s, "fsgnj.s", 2) \
    X(FFF, fsgnjn_s, "fsgnjn.s", 2) X(FFF, fsgnjx_s, "fsgnjx.s", 2)                 \
    X(XFF, feq_s, "feq.s", 2) X(XFF, flt_s, "flt.s", 2) X(XFF, fle_s, "fle.s", 2)   \
    X(FFF, fmin_d, "fmin.d", 2) X(FFF, fmax_d, "fmax.d", 2) X(FFF, fsgnj_d, "fsgnj.d", 2) \
    X(FFF, fsgnjn_d, "fsgnjn.d", 2) X(FFF, fsgnjx_d, "fsgnjx.d", 2)                 \
    X(XFF, feq_d, "feq.d", 2) X(XFF, flt_d, "flt.d", 2) X(XFF, fle_d, "fle.d", 2)   \
    X(XF, fclass_s, "fclass.s", 1) X(XF, fclass_d, "fclass.d", 1)                   \
    X(XF, fmv_x_w, "fmv.x.w", 1) X(XF, fmv_x_d, "fmv.x.d", 1)                       \
    X(FX, fmv_w_x, "fmv.w.x", 0) X(FX, fmv_d_x, "fmv.d.x", 0)

#define X(kind, id, s, arity) RM_STATIC(DEF_##kind, id, s)
FP_RM_LIST(X)
#undef X
#define X(kind, id, s, arity) DEF_##kind(id, s, "")
FP_NORM_LIST(X)
#undef X

typedef struct FpOp {
    const char *name;
    int arity;          /* FP inputs (0 = one integer input) */
    int is_d;           /* inputs are double (else single, NaN-boxed) */
    FpFn fn[6];         /* rne rtz rdn rup rmm dyn; only [0] without rm */
} FpOp;

/* ".d" anywhere as the source type: the last letter names the input format
 * for conversions (fcvt.s.d reads a double), the suffix for arithmetic. */
#define IS_D_INPUT(s) (s[sizeof(s) - 2] == 'd')
static const FpOp fp_rm_tab[] = {
#define X(kind, id, s, arity) {s, arity, IS_D_INPUT(s), RM_VARIANTS(id)},
    FP_RM_LIST(X)
#undef X
};
static const FpOp fp_norm_tab[] = {
#define X(kind, id, s, arity) {s, arity, IS_D_INPUT(s), {id}},
    FP_NORM_LIST(X)
#undef X
};

/* Integer inputs for the int -> FP conversions and fmv.*.x. */
static const u64 cvt_ivals[] = {
    0, 1, (u64)-1, 0x7fffffff, 0xffffffff80000000ULL, 0x80000000, 0xffffffff,
    0x01000001, 0x00ffffff, 0x20000001, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
    0x0020000000000001ULL, 0x001fffffffffffffULL, 0xfffffffffffffffdULL,
    0x3f800000, 0x7fc00000, 0xffffffff7fa00000ULL,
};
/* Extra FP inputs for the FP -> integer conversions: near the limits. */
static const u64 cvt_dvals[] = {
    0x3fe0000000000000ULL /* 0.5 */, 0xbfe0000000000000ULL, 0x4004000000000000ULL /* 2.5 */,
    0xc00c000000000000ULL /* -3.5 */, 0x41dfffffffc00000ULL /* 2^31-1 */,
    0x41dfffffffe00000ULL /* 2^31-0.5 */, 0x41e0000000000000ULL /* 2^31 */,
    0xc1e0000000000000ULL, 0xc1e0000000100000ULL /* -2^31-0.5 */, 0x41efffffffe00000ULL,
    0x41f0000000000000ULL /* 2^32 */, 0x43dfffffffffffffULL, 0x43e0000000000000ULL /* 2^63 */,
    0xc3e0000000000000ULL, 0xc3e0000000000001ULL, 0x43f0000000000000ULL /* 2^64 */,
    0xbfefffffffffffffULL, 0xbff0000000000001ULL,
};
static const u64 cvt_svals[] = {
    BOX(0x3f000000), BOX(0xbf000000), BOX(0x40200000), BOX(0xc0600000), BOX(0x4effffff),
    BOX(0x4f000000), BOX(0xcf000000), BOX(0xcf000001), BOX(0x4f7fffff), BOX(0x4f800000),
    BOX(0x5effffff), BOX(0x5f000000), BOX(0xdf000000), BOX(0xdf000001), BOX(0x5f800000),
    BOX(0xbf7fffff),
};

static void print_fp_row(const FpOp *op, int nrm, u64 a, u64 b, u64 c)
{
    char buf[400];
    int n = 0;
    n += snprintf(buf + n, sizeof buf - (size_t)n, "%s", op->name);
    n += snprintf(buf + n, sizeof buf - (size_t)n, " %016llx", (unsigned long long)a);
    if (op->arity >= 2)
        n += snprintf(buf + n, sizeof buf - (size_t)n, " %016llx", (unsigned long long)b);
    if (op->arity >= 3)
        n += snprintf(buf + n, sizeof buf - (size_t)n, " %016llx", (unsigned long long)c);
    n += snprintf(buf + n, sizeof buf - (size_t)n, " ->");
    for (int rm = 0; rm < nrm; rm++) {
        u32 fl;
        u64 r = op->fn[rm](a, b, c, &fl);
        n += snprintf(buf + n, sizeof buf - (size_t)n, " %s%s%016llx/%02x", nrm > 1 ? rm_names[rm] : "",
                      nrm > 1 ? "=" : "", (unsigned long long)r, fl);
    }
    line("%s\n", buf);
}

/* Run one op over its value set: all pairs (arity 2), triples from the
 * rounding subset (arity 3), or singles. nrm = 5 static modes, or 1. */
static void sweep(const FpOp *op, int nrm, int small)
{
    const u64 *v = op->is_d ? dvals : svals;
    unsigned nv = op->is_d ? N_ELEM(dvals) : N_ELEM(svals);
    const u64 *rv = op->is_d ? d_round : s_round;
    unsigned nr = op->is_d ? N_ELEM(d_round) : N_ELEM(s_round);
    if (small) {
        v = rv;
        nv = nr;
    }
    switch (op->arity) {
    case 0:
        for (unsigned i = 0; i < N_ELEM(cvt_ivals); i++)
            print_fp_row(op, nrm, cvt_ivals[i], 0, 0);
        break;
    case 1: {
        for (unsigned i = 0; i < nv; i++)
            print_fp_row(op, nrm, v[i], 0, 0);
        if (small)
            break;
        /* conversions to integer also get the near-limit values */
        if (strncmp(op->name, "fcvt.", 5) == 0 && strchr("wl", op->name[5])) {
            const u64 *cv = op->is_d ? cvt_dvals : cvt_svals;
            unsigned nc = op->is_d ? N_ELEM(cvt_dvals) : N_ELEM(cvt_svals);
            for (unsigned i = 0; i < nc; i++)
                print_fp_row(op, nrm, cv[i], 0, 0);
        }
        break;
    }
    case 2:
        for (unsigned i = 0; i < nv; i++)
            for (unsigned j = 0; j < nv; j++)
                print_fp_row(op, nrm, v[i], v[j], 0);
        break;
    case 3:
        for (unsigned i = 0; i < nr; i++)
            for (unsigned j = 0; j < nr; j++)
                for (unsigned k = 0; k < nr; k += small ? 4 : 2)
                    print_fp_row(op, nrm, rv[i], rv[j], rv[k]);
        break;
    }
}

static void set_frm(unsigned rm) { asm volatile("fsrm %0" : : "r"(rm)); }

static void test_fp(void)
{
    /* Every rounding-mode op under the five static modes. */
    for (unsigned o = 0; o < N_ELEM(fp_rm_tab); o++)
        sweep(&fp_rm_tab[o], 5, 0);
    /* The dyn variants under each frm value, on the rounding subset. */
    for (unsigned frm = 0; frm < 5; frm++) {
        set_frm(frm);
        for (unsigned o = 0; o < N_ELEM(fp_rm_tab); o++) {
            FpOp dyn = fp_rm_tab[o];
            char name[40];
            snprintf(name, sizeof name, "%s.dyn(frm=%u)", dyn.name, frm);
            dyn.name = name;
            dyn.fn[0] = dyn.fn[5];
            sweep(&dyn, 1, 1);
        }
    }
    set_frm(0);
    for (unsigned o = 0; o < N_ELEM(fp_norm_tab); o++)
        sweep(&fp_norm_tab[o], 1, 0);
}

/* FP loads and stores, NaN boxing through memory. */
static void test_fp_mem(void)
{
    u64 mem[4] = {0x7ff4000000000001ULL, 0x3f800000bf800000ULL, 0, 0};
    u64 r1, r2, r3, r4;
    asm volatile(NORVC "fld ft0, 0(%4)\n\tflw ft1, 8(%4)\n\tflw ft2, 12(%4)\n\t"
                 "fsd ft0, 16(%4)\n\tfsw ft1, 24(%4)\n\tfsw ft2, 28(%4)\n\t"
                 "fmv.x.d %0, ft0\n\tfmv.x.d %1, ft1\n\tfmv.x.d %2, ft2\n\tfrflags %3" POPRVC
                 : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4) : "r"(mem)
                 : "ft0", "ft1", "ft2", "memory");
    line("fld/flw/fsd/fsw -> %016llx %016llx %016llx flags=%02llx mem=%016llx %016llx\n",
         (unsigned long long)r1, (unsigned long long)r2, (unsigned long long)r3,
         (unsigned long long)r4, (unsigned long long)mem[2], (unsigned long long)mem[3]);
    /* fsw of a register holding a double stores its low 32 bits unchanged;
     * fsd of a boxed single stores the whole box. */
    asm volatile(NORVC "fmv.d.x ft0, %1\n\tfsw ft0, 0(%0)\n\tfmv.w.x ft1, %1\n\tfsd ft1, 8(%0)" POPRVC
                 : : "r"(mem), "r"(0x0123456789abcdefULL) : "ft0", "ft1", "memory");
    line("fsw of double / fsd of single -> %016llx %016llx\n", (unsigned long long)mem[0],
         (unsigned long long)mem[1]);
    /* Immediate offsets on FP loads/stores. */
    u64 buf[4] = {1, 2, 3, 4};
    asm volatile(NORVC "fld ft0, 24(%0)\n\tfsd ft0, -8(%1)\n\tflw ft1, 8(%0)\n\tfsw ft1, 4(%0)" POPRVC
                 : : "r"(buf), "r"(buf + 1) : "ft0", "ft1", "memory");
    line("fld/fsd/flw/fsw offsets -> %016llx %016llx %016llx %016llx\n",
         (unsigned long long)buf[0], (unsigned long long)buf[1], (unsigned long long)buf[2],
         (unsigned long long)buf[3]);
}

/* ------------------------------------------------------------------ */
/* Zicsr on fflags, frm, fcsr                                         */

#define CSR_LIST(X) X(fflags) X(frm) X(fcsr)
static void test_csr(void)
{
    static const u64 cv[] = {0, 1, 0x1f, 0x20, 0xe0, 0xff, 0x100, (u64)-1, 0x15, 0x0a};
    for (unsigned i = 0; i < N_ELEM(cv); i++) {
#define X(csr)                                                                        \
        {                                                                             \
            u64 o1, n1, o2, n2, o3, n3;                                               \
            asm volatile("fscsr x0\n\tcsrrw %0, " #csr ", %2\n\tcsrr %1, fcsr"          \
                         : "=&r"(o1), "=&r"(n1) : "r"(cv[i]));                        \
            asm volatile("csrrs %0, " #csr ", %2\n\tcsrr %1, fcsr"                    \
                         : "=&r"(o2), "=&r"(n2) : "r"(cv[(i + 3) % N_ELEM(cv)]));     \
            asm volatile("csrrc %0, " #csr ", %2\n\tcsrr %1, fcsr"                    \
                         : "=&r"(o3), "=&r"(n3) : "r"(cv[(i + 5) % N_ELEM(cv)]));     \
            line("csrrw/s/c " #csr " %016llx -> %llx/%llx %llx/%llx %llx/%llx\n",     \
                 (unsigned long long)cv[i], (unsigned long long)o1, (unsigned long long)n1, \
                 (unsigned long long)o2, (unsigned long long)n2, (unsigned long long)o3, \
                 (unsigned long long)n3);                                             \
        }
        CSR_LIST(X)
#undef X
    }
#define IMMS(X, csr) X(csr, 0) X(csr, 1) X(csr, 7) X(csr, 16) X(csr, 31)
#define Y(csr, imm)                                                                   \
    {                                                                                 \
        u64 o1, n1, o2, n2, o3, n3;                                                   \
        asm volatile("fscsr %2\n\tcsrrwi %0, " #csr ", %3\n\tcsrr %1, fcsr"             \
                     : "=&r"(o1), "=&r"(n1) : "r"((u64)0xa5), "i"(imm));              \
        asm volatile("csrrsi %0, " #csr ", %2\n\tcsrr %1, fcsr"                       \
                     : "=&r"(o2), "=&r"(n2) : "i"((imm * 7) & 31));                   \
        asm volatile("csrrci %0, " #csr ", %2\n\tcsrr %1, fcsr"                       \
                     : "=&r"(o3), "=&r"(n3) : "i"((imm * 3) & 31));                   \
        line("csrrwi/si/ci " #csr " %d -> %llx/%llx %llx/%llx %llx/%llx\n", imm,      \
             (unsigned long long)o1, (unsigned long long)n1, (unsigned long long)o2,  \
             (unsigned long long)n2, (unsigned long long)o3, (unsigned long long)n3); \
    }
#define X(csr) IMMS(Y, csr)
    CSR_LIST(X)
#undef X
#undef Y
#undef IMMS
    /* csrrs/csrrc with rs1 = x0 only read; csrrw with rd = x0 only writes. */
    u64 a, b;
    asm volatile("fscsr %2\n\tcsrrs %0, fflags, x0\n\tcsrrc %1, frm, x0" : "=&r"(a), "=&r"(b)
                 : "r"((u64)0x7f));
    u64 c;
    asm volatile("csrrw x0, fcsr, %1\n\tfrcsr %0" : "=r"(c) : "r"((u64)0x3));
    line("csr read-only forms -> %llx %llx write-only -> %llx\n", (unsigned long long)a,
         (unsigned long long)b, (unsigned long long)c);
    /* Flags accrue across instructions until cleared. */
    u64 acc;
    asm volatile("fsflags x0\n\tfmv.d.x ft0, %1\n\tfdiv.d ft1, ft0, ft0\n\t"
                 "fmv.d.x ft2, %2\n\tfdiv.d ft1, ft2, ft0\n\tfrflags %0"
                 : "=r"(acc) : "r"(0ULL), "r"(0x3ff0000000000000ULL) : "ft0", "ft1", "ft2");
    line("accrued flags 0/0 then 1/0 -> %02llx\n", (unsigned long long)acc);
    asm volatile("fscsr x0");
}

/* ------------------------------------------------------------------ */
/* RV64C: every compressed form, by explicit c.* mnemonic             */

static void test_rvc(void)
{
    static const u64 cv[] = {0, 1, (u64)-1, 0x7fffffff, 0xffffffff80000000ULL, 0xffffffff,
                             0x8000000000000000ULL, 0x123456789abcdef0ULL};
    for (unsigned i = 0; i < N_ELEM(cv); i++) {
        u64 a = cv[i], b = cv[(i + 3) % N_ELEM(cv)];
        /* Register-register and register-immediate forms on a4/a5 (x14/x15). */
#define C_RR(insn)                                                                   \
        {                                                                            \
            register u64 r asm("a4") = a;                                            \
            register u64 s asm("a5") = b;                                            \
            asm volatile(insn : "+r"(r) : "r"(s));                                   \
            line("%-22s %016llx %016llx -> %016llx\n", insn, (unsigned long long)a,  \
                 (unsigned long long)b, (unsigned long long)r);                      \
        }
        C_RR("c.addi a4, 1") C_RR("c.addi a4, -32") C_RR("c.addi a4, 31")
        C_RR("c.addiw a4, 0") C_RR("c.addiw a4, -1") C_RR("c.addiw a4, 31")
        C_RR("c.srli a4, 1") C_RR("c.srli a4, 31") C_RR("c.srli a4, 32") C_RR("c.srli a4, 63")
        C_RR("c.srai a4, 1") C_RR("c.srai a4, 31") C_RR("c.srai a4, 32") C_RR("c.srai a4, 63")
        C_RR("c.andi a4, 0") C_RR("c.andi a4, -1") C_RR("c.andi a4, -32") C_RR("c.andi a4, 21")
        C_RR("c.slli a4, 1") C_RR("c.slli a4, 31") C_RR("c.slli a4, 32") C_RR("c.slli a4, 63")
        C_RR("c.sub a4, a5") C_RR("c.xor a4, a5") C_RR("c.or a4, a5") C_RR("c.and a4, a5")
        C_RR("c.subw a4, a5") C_RR("c.addw a4, a5") C_RR("c.add a4, a5") C_RR("c.mv a4, a5")
        C_RR("c.li a4, 0") C_RR("c.li a4, -32") C_RR("c.li a4, 31")
        C_RR("c.lui a4, 1") C_RR("c.lui a4, 31") C_RR("c.lui a4, 0xfffe0")
        C_RR("c.lui a4, 0xfffff") C_RR("c.nop")
        /* c.add / c.mv / c.slli on a register outside x8-x15. */
        C_RR("mv t3, a4\n\tc.add t3, a5\n\tc.slli t3, 3\n\tc.mv a4, t3")
#undef C_RR
    }
    /* Loads and stores relative to a register, with the largest offsets. */
    static u64 cmem[64];
    for (int k = 0; k < 64; k++)
        cmem[k] = 0x0101010101010101ULL * (u64)k ^ 0x8080808080808080ULL;
    {
        register u64 base asm("a3") = (u64)(uintptr_t)cmem;
        register u64 r1 asm("a4"), r2 asm("a5"), r3 asm("s0"), r4 asm("s1");
        asm volatile("c.lw a4, 124(a3)\n\tc.ld a5, 248(a3)\n\tc.lw s0, 0(a3)\n\tc.ld s1, 8(a3)\n\t"
                     "c.sw a4, 4(a3)\n\tc.sd a5, 16(a3)\n\t"
                     "c.fld fa0, 240(a3)\n\tc.fsd fa0, 24(a3)"
                     : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4) : "r"(base) : "fa0", "memory");
        line("c.lw/c.ld/c.sw/c.sd/c.fld/c.fsd -> %016llx %016llx %016llx %016llx "
             "mem %016llx %016llx %016llx\n", (unsigned long long)r1, (unsigned long long)r2,
             (unsigned long long)r3, (unsigned long long)r4, (unsigned long long)cmem[0],
             (unsigned long long)cmem[2], (unsigned long long)cmem[3]);
    }
    /* Stack-pointer forms: point sp at cmem for the duration. */
    {
        u64 out[8];
        asm volatile("mv t0, sp\n\t"
                     "mv sp, %1\n\t"
                     "c.lwsp t1, 252(sp)\n\tsd t1, 0(%0)\n\t"
                     "c.ldsp t1, 504(sp)\n\tsd t1, 8(%0)\n\t"
                     "c.fldsp ft0, 496(sp)\n\tfsd ft0, 16(%0)\n\t"
                     "li t1, -1\n\tc.swsp t1, 32(sp)\n\tc.sdsp t1, 48(sp)\n\tc.fsdsp ft0, 56(sp)\n\t"
                     "c.addi4spn a4, sp, 1020\n\tsub a4, a4, sp\n\tsd a4, 24(%0)\n\t"
                     "c.addi4spn a4, sp, 4\n\tsub a4, a4, sp\n\tsd a4, 32(%0)\n\t"
                     "c.addi16sp sp, 496\n\tsub t1, sp, %1\n\tsd t1, 40(%0)\n\t"
                     "c.addi16sp sp, -512\n\tsub t1, sp, %1\n\tsd t1, 48(%0)\n\t"
                     "mv sp, t0"
                     : : "r"(out), "r"(cmem) : "t0", "t1", "a4", "ft0", "memory");
        line("c.lwsp/c.ldsp/c.fldsp -> %016llx %016llx %016llx\n", (unsigned long long)out[0],
             (unsigned long long)out[1], (unsigned long long)out[2]);
        line("c.addi4spn 1020/4 -> %lld %lld  c.addi16sp 496,-512 -> %lld %lld\n",
             (long long)out[3], (long long)out[4], (long long)out[5], (long long)out[6]);
        line("c.swsp/c.sdsp/c.fsdsp -> %016llx %016llx %016llx\n", (unsigned long long)cmem[4],
             (unsigned long long)cmem[6], (unsigned long long)cmem[7]);
    }
    /* Control transfer. */
    for (unsigned i = 0; i < 3; i++) {
        register u64 v asm("a4") = i == 0 ? 0 : i == 1 ? 1 : (u64)-1;
        register u64 res asm("a5") = 0;
        asm volatile("c.beqz a4, 1f\n\tc.addi a5, 1\n1:\tc.bnez a4, 2f\n\tc.addi a5, 2\n2:\t"
                     "c.j 3f\n\tc.addi a5, 4\n3:"
                     : "+r"(res) : "r"(v));
        line("c.beqz/c.bnez/c.j a4=%016llx -> %llu\n", (unsigned long long)v,
             (unsigned long long)res);
    }
    {
        u64 link, base, res;
        asm volatile("li %2, 0\n\tlla t0, 1f\n\tc.jalr t0\n\tli %2, 9\n1:\tmv %0, ra\n\t"
                     "lla %1, 1b\n\tsub %0, %0, %1\n\t"
                     "lla t0, 2f\n\tc.jr t0\n\taddi %2, %2, 100\n2:"
                     : "=&r"(link), "=&r"(base), "=&r"(res) : : "t0", "ra");
        line("c.jalr link -> target%+lld c.jr skipped=%llu\n", (long long)link,
             (unsigned long long)res);
    }
}

int main(void)
{
    test_rr();
    test_ri();
    test_branches();
    test_loads();
    test_stores();
    test_system();
    test_amo();
    test_fp();
    test_fp_mem();
    test_csr();
    test_rvc();
    printf("insn_coverage: %lu cases\n", n_cases);
    return 0;
}
