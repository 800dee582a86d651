/* fp_edge.c — F and D edge cases through inline asm, with fflags read
 * after every operation: NaN boxing, fmin/fmax with NaNs and signed zeros,
 * saturating conversions, fclass, every rounding mode (static rm field and
 * dynamic frm), fused multiply-add corner cases.
 */
#include <stdint.h>
#include <stdio.h>

static uint32_t rd_flags_clear(void)
{
    uint32_t f;
    asm volatile("frflags %0\n\tfsflags x0" : "=r"(f));
    return f;
}


/* Binary double op on raw bits. */
#define BIN_D(fn, insn)                                                          \
    static uint64_t fn(uint64_t a, uint64_t b)                                   \
    {                                                                            \
        uint64_t r;                                                              \
        asm volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft2, ft0, ft1\n\t" \
                     "fmv.x.d %0, ft2" : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); \
        return r;                                                                \
    }
#define BIN_S(fn, insn)                                                          \
    static uint64_t fn(uint64_t a, uint64_t b)                                   \
    {                                                                            \
        uint64_t r;                                                              \
        asm volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft2, ft0, ft1\n\t" \
                     "fmv.x.d %0, ft2" : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); \
        return r;                                                                \
    }
BIN_D(fmin_d, "fmin.d") BIN_D(fmax_d, "fmax.d") BIN_D(fadd_d, "fadd.d")
BIN_D(fdiv_d, "fdiv.d") BIN_S(fmin_s, "fmin.s") BIN_S(fmax_s, "fmax.s")
BIN_S(fadd_s, "fadd.s") BIN_S(fmul_s, "fmul.s")

/* Single-precision values are passed as full 64-bit register images so
 * that improperly NaN-boxed inputs can be tested too. */
#define BOX(x) (0xffffffff00000000ULL | (uint32_t)(x))

static const uint64_t dvals[] = {
    0x0000000000000000ULL, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL,
    0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7ff8000000000000ULL, 0x7ff4000000000000ULL,
    0xfff8000000000001ULL, 0x0000000000000001ULL, 0x000fffffffffffffULL, 0x7fefffffffffffffULL,
    0x3fe0000000000000ULL, 0x4330000000000001ULL,
};
static const uint64_t svals[] = {
    BOX(0x00000000), BOX(0x80000000), BOX(0x3f800000), BOX(0xbf800000), BOX(0x7f800000),
    BOX(0xff800000), BOX(0x7fc00000), BOX(0x7fa00000), BOX(0x00000001), BOX(0x7f7fffff),
    0x000000003f800000ULL, /* 1.0f, not NaN-boxed: must read as the canonical NaN */
    0x7fffffff3f800000ULL, /* upper bits almost all ones: still not boxed */
};
#define NELEM(a) (sizeof a / sizeof a[0])

static void conversions(void)
{
    static const uint64_t in[] = {
        0x0000000000000000ULL, 0x8000000000000000ULL, 0x3fe0000000000000ULL, /* 0.5 */
        0x3ff8000000000000ULL, /* 1.5 */ 0xc004000000000000ULL,               /* -2.5 */
        0x41dfffffffc00000ULL, /* 2^31-1 */ 0x41e0000000000000ULL,            /* 2^31 */
        0xc1e0000000000000ULL, /* -2^31 */ 0xc1e0000000200000ULL,             /* -2^31-1 */
        0x43e0000000000000ULL, /* 2^63 */ 0xc3e0000000000000ULL,              /* -2^63 */
        0x43f0000000000000ULL, /* 2^64 */ 0x7ff0000000000000ULL, 0xfff0000000000000ULL,
        0x7ff8000000000000ULL, 0xfff8000000000000ULL, 0x7ff4000000000000ULL,
        0xbff0000000000000ULL, /* -1 */ 0xbfe0000000000000ULL, /* -0.5 */
    };
    for (unsigned i = 0; i < NELEM(in); i++) {
        uint64_t w, wu, l, lu, s;
        uint32_t fw, fwu, fl, flu, fs;
        rd_flags_clear();
        asm volatile("fmv.d.x ft0, %1\n\tfcvt.w.d %0, ft0, rtz" : "=r"(w) : "r"(in[i]) : "ft0");
        fw = rd_flags_clear();
        asm volatile("fmv.d.x ft0, %1\n\tfcvt.wu.d %0, ft0, rtz" : "=r"(wu) : "r"(in[i]) : "ft0");
        fwu = rd_flags_clear();
        asm volatile("fmv.d.x ft0, %1\n\tfcvt.l.d %0, ft0, rne" : "=r"(l) : "r"(in[i]) : "ft0");
        fl = rd_flags_clear();
        asm volatile("fmv.d.x ft0, %1\n\tfcvt.lu.d %0, ft0, rup" : "=r"(lu) : "r"(in[i]) : "ft0");
        flu = rd_flags_clear();
        asm volatile("fmv.d.x ft0, %1\n\tfcvt.s.d ft1, ft0\n\tfmv.x.d %0, ft1"
                     : "=r"(s) : "r"(in[i]) : "ft0", "ft1");
        fs = rd_flags_clear();
        printf("cvt %016llx: w=%016llx/%02x wu=%016llx/%02x l=%016llx/%02x lu=%016llx/%02x "
               "s=%016llx/%02x\n", (unsigned long long)in[i], (unsigned long long)w, fw,
               (unsigned long long)wu, fwu, (unsigned long long)l, fl, (unsigned long long)lu,
               flu, (unsigned long long)s, fs);
    }
    static const int64_t ints[] = {0, 1, -1, 0x7fffffff, -0x7fffffff - 1, 0xffffffff,
                                   0x7fffffffffffffffLL, -0x7fffffffffffffffLL - 1,
                                   0x20000001, 0x1000000000000001LL};
    for (unsigned i = 0; i < NELEM(ints); i++) {
        uint64_t a, b, c, d, e;
        uint32_t f1, f2, f3, f4, f5;
        asm volatile("fcvt.s.w ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(a) : "r"(ints[i]) : "ft0");
        f1 = rd_flags_clear();
        asm volatile("fcvt.s.lu ft0, %1, rdn\n\tfmv.x.d %0, ft0" : "=r"(b) : "r"(ints[i]) : "ft0");
        f2 = rd_flags_clear();
        asm volatile("fcvt.d.l ft0, %1, rup\n\tfmv.x.d %0, ft0" : "=r"(c) : "r"(ints[i]) : "ft0");
        f3 = rd_flags_clear();
        asm volatile("fcvt.d.wu ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(d) : "r"(ints[i]) : "ft0");
        f4 = rd_flags_clear();
        asm volatile("fcvt.s.l ft0, %1, rmm\n\tfmv.x.d %0, ft0" : "=r"(e) : "r"(ints[i]) : "ft0");
        f5 = rd_flags_clear();
        printf("icvt %016llx: s.w=%016llx/%02x s.lu=%016llx/%02x d.l=%016llx/%02x "
               "d.wu=%016llx/%02x s.l=%016llx/%02x\n", (unsigned long long)ints[i],
               (unsigned long long)a, f1, (unsigned long long)b, f2, (unsigned long long)c, f3,
               (unsigned long long)d, f4, (unsigned long long)e, f5);
    }
}

static void rounding(void)
{
    /* 1/3, 2/3 and exact ties under each frm value and each static rm. */
    static const uint64_t num[] = {0x3ff0000000000000ULL, 0xc000000000000000ULL,
                                   0x3ff0000000000001ULL, 0x0010000000000000ULL};
    static const uint64_t den[] = {0x4008000000000000ULL, 0x4008000000000000ULL,
                                   0x4000000000000000ULL, 0x4330000000000000ULL};
    for (unsigned rm = 0; rm < 5; rm++) {
        asm volatile("fsrm %0" : : "r"(rm));
        for (unsigned i = 0; i < NELEM(num); i++) {
            uint64_t q = fdiv_d(num[i], den[i]);
            uint32_t fl = rd_flags_clear();
            uint64_t sq;
            asm volatile("fmv.d.x ft0, %1\n\tfsqrt.d ft1, ft0\n\tfmv.x.d %0, ft1"
                         : "=r"(sq) : "r"(num[i] & ~0x8000000000000000ULL) : "ft0", "ft1");
            uint32_t fl2 = rd_flags_clear();
            uint64_t r;
            asm volatile("fmv.d.x ft0, %1\n\tfcvt.l.d %0, ft0" : "=r"(r) : "r"(0x4004000000000000ULL) : "ft0");
            uint32_t fl3 = rd_flags_clear();
            printf("frm=%u %016llx/%016llx = %016llx/%02x sqrt=%016llx/%02x cvt(2.5)=%lld/%02x\n",
                   rm, (unsigned long long)num[i], (unsigned long long)den[i],
                   (unsigned long long)q, fl, (unsigned long long)sq, fl2, (long long)r, fl3);
        }
        uint32_t frm, fcsr;
        asm volatile("frrm %0\n\tfrcsr %1" : "=r"(frm), "=r"(fcsr));
        printf("frrm=%u fcsr=%02x\n", frm, fcsr);
    }
    asm volatile("fsrm x0");
    uint64_t third = 0x3fd5555555555555ULL, r[5];
    asm volatile("fmv.d.x ft0, %5\n\t"
                 "fcvt.s.d ft1, ft0, rne\n\tfmv.x.w %0, ft1\n\t"
                 "fcvt.s.d ft1, ft0, rtz\n\tfmv.x.w %1, ft1\n\t"
                 "fcvt.s.d ft1, ft0, rdn\n\tfmv.x.w %2, ft1\n\t"
                 "fcvt.s.d ft1, ft0, rup\n\tfmv.x.w %3, ft1\n\t"
                 "fcvt.s.d ft1, ft0, rmm\n\tfmv.x.w %4, ft1"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]), "=r"(r[4]) : "r"(third)
                 : "ft0", "ft1");
    printf("static rm fcvt.s.d(1/3): %llx %llx %llx %llx %llx flags=%02x\n",
           (unsigned long long)r[0], (unsigned long long)r[1], (unsigned long long)r[2],
           (unsigned long long)r[3], (unsigned long long)r[4], rd_flags_clear());
    /* fsflags / fscsr write masks: only the low 5 / 8 bits stick. */
    uint32_t old, now;
    asm volatile("fsflags %0, %1" : "=r"(old) : "r"(0xffu));
    asm volatile("frflags %0" : "=r"(now));
    printf("fsflags 0xff -> old=%x now=%x\n", old, now);
    asm volatile("fscsr %0, %1" : "=r"(old) : "r"(0xfffu));
    asm volatile("frcsr %0" : "=r"(now));
    printf("fscsr 0xfff -> old=%x now=%x\n", old, now);
    asm volatile("csrrsi %0, fflags, 0\n\tfscsr x0" : "=r"(now));
    printf("csrrsi fflags=%x\n", now);
}

int main(void)
{
    rd_flags_clear();
    for (unsigned i = 0; i < NELEM(dvals); i++)
        for (unsigned j = 0; j < NELEM(dvals); j++) {
            uint64_t a = dvals[i], b = dvals[j];
            uint64_t mn = fmin_d(a, b); uint32_t f1 = rd_flags_clear();
            uint64_t mx = fmax_d(a, b); uint32_t f2 = rd_flags_clear();
            uint64_t ad = fadd_d(a, b); uint32_t f3 = rd_flags_clear();
            uint64_t dv = fdiv_d(a, b); uint32_t f4 = rd_flags_clear();
            uint64_t eq, lt, le;
            asm volatile("fmv.d.x ft0, %3\n\tfmv.d.x ft1, %4\n\tfeq.d %0, ft0, ft1\n\t"
                         "flt.d %1, ft0, ft1\n\tfle.d %2, ft0, ft1"
                         : "=r"(eq), "=r"(lt), "=r"(le) : "r"(a), "r"(b) : "ft0", "ft1");
            uint32_t f5 = rd_flags_clear();
            printf("d %016llx %016llx min=%016llx/%02x max=%016llx/%02x add=%016llx/%02x "
                   "div=%016llx/%02x cmp=%llu%llu%llu/%02x\n", (unsigned long long)a,
                   (unsigned long long)b, (unsigned long long)mn, f1, (unsigned long long)mx, f2,
                   (unsigned long long)ad, f3, (unsigned long long)dv, f4,
                   (unsigned long long)eq, (unsigned long long)lt, (unsigned long long)le, f5);
        }
    for (unsigned i = 0; i < NELEM(svals); i++)
        for (unsigned j = 0; j < NELEM(svals); j++) {
            uint64_t a = svals[i], b = svals[j];
            uint64_t mn = fmin_s(a, b); uint32_t f1 = rd_flags_clear();
            uint64_t mx = fmax_s(a, b); uint32_t f2 = rd_flags_clear();
            uint64_t ad = fadd_s(a, b); uint32_t f3 = rd_flags_clear();
            uint64_t mu = fmul_s(a, b); uint32_t f4 = rd_flags_clear();
            printf("s %016llx %016llx min=%016llx/%02x max=%016llx/%02x add=%016llx/%02x "
                   "mul=%016llx/%02x\n", (unsigned long long)a, (unsigned long long)b,
                   (unsigned long long)mn, f1, (unsigned long long)mx, f2,
                   (unsigned long long)ad, f3, (unsigned long long)mu, f4);
        }
    for (unsigned i = 0; i < NELEM(dvals); i++) {
        uint64_t cd, cs, sgn, sgnn, sgnx;
        asm volatile("fmv.d.x ft0, %1\n\tfclass.d %0, ft0" : "=r"(cd) : "r"(dvals[i]) : "ft0");
        asm volatile("fmv.d.x ft0, %1\n\tfclass.s %0, ft0" : "=r"(cs) : "r"(svals[i % NELEM(svals)]) : "ft0");
        asm volatile("fmv.d.x ft0, %3\n\tfmv.d.x ft1, %4\n\t"
                     "fsgnj.s ft2, ft0, ft1\n\tfmv.x.d %0, ft2\n\t"
                     "fsgnjn.s ft2, ft0, ft1\n\tfmv.x.d %1, ft2\n\t"
                     "fsgnjx.s ft2, ft0, ft1\n\tfmv.x.d %2, ft2"
                     : "=r"(sgn), "=r"(sgnn), "=r"(sgnx)
                     : "r"(svals[i % NELEM(svals)]), "r"(svals[(i + 3) % NELEM(svals)])
                     : "ft0", "ft1", "ft2");
        uint64_t mvw;
        asm volatile("fmv.d.x ft0, %1\n\tfmv.x.w %0, ft0" : "=r"(mvw) : "r"(dvals[i]) : "ft0");
        printf("class d=%03llx s=%03llx sgnj=%016llx sgnjn=%016llx sgnjx=%016llx fmv.x.w=%016llx "
               "flags=%02x\n", (unsigned long long)cd, (unsigned long long)cs,
               (unsigned long long)sgn, (unsigned long long)sgnn, (unsigned long long)sgnx,
               (unsigned long long)mvw, rd_flags_clear());
    }
    /* fmv.w.x boxes; flw boxes; fsw stores the low 32 bits only. */
    uint64_t boxed, low;
    uint32_t mem[2] = {0x40490fdb, 0xdeadbeef};
    asm volatile("fmv.w.x ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(boxed) : "r"(0x123456789abcdef0ULL) : "ft0");
    asm volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0\n\tfsw ft0, 4(%1)" : "=&r"(low) : "r"(mem) : "ft0", "memory");
    printf("fmv.w.x=%016llx flw=%016llx fsw=%08x %08x\n", (unsigned long long)boxed,
           (unsigned long long)low, mem[0], mem[1]);
    /* fma with inf*0 + qNaN: NV per the RISC-V spec choice. */
    static const uint64_t fa[][3] = {
        {0x7ff0000000000000ULL, 0x0000000000000000ULL, 0x7ff8000000000000ULL},
        {0x3ff0000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL},
        {0x0010000000000000ULL, 0x3fe0000000000000ULL, 0x8000000000000000ULL},
        {0x7fefffffffffffffULL, 0x4000000000000000ULL, 0xffefffffffffffffULL},
        {0x3ff0000000000001ULL, 0x3ff0000000000001ULL, 0xbff0000000000002ULL},
        {0x8000000000000000ULL, 0x3ff0000000000000ULL, 0x0000000000000000ULL},
    };
    for (unsigned i = 0; i < NELEM(fa); i++) {
        uint64_t r1, r2, r3, r4;
        asm volatile("fmv.d.x ft0, %4\n\tfmv.d.x ft1, %5\n\tfmv.d.x ft2, %6\n\t"
                     "fmadd.d ft3, ft0, ft1, ft2\n\tfmv.x.d %0, ft3\n\t"
                     "fmsub.d ft3, ft0, ft1, ft2\n\tfmv.x.d %1, ft3\n\t"
                     "fnmsub.d ft3, ft0, ft1, ft2\n\tfmv.x.d %2, ft3\n\t"
                     "fnmadd.d ft3, ft0, ft1, ft2\n\tfmv.x.d %3, ft3"
                     : "=r"(r1), "=r"(r2), "=r"(r3), "=r"(r4)
                     : "r"(fa[i][0]), "r"(fa[i][1]), "r"(fa[i][2]) : "ft0", "ft1", "ft2", "ft3");
        printf("fma %u: %016llx %016llx %016llx %016llx flags=%02x\n", i, (unsigned long long)r1,
               (unsigned long long)r2, (unsigned long long)r3, (unsigned long long)r4,
               rd_flags_clear());
    }
    conversions();
    rounding();
    return 0;
}
