/*
 * fpu_cases.h — the shared case list of the F/D reference test.
 *
 * Included by fpu_ref_gen.c (riscv64 guest, run under qemu-riscv64 as the
 * reference implementation) and by fpu_ref_host.c (host, runs vplat's
 * rv_fpu functions).  Both walk exactly the same cases in the same order
 * with fpu_for_each_case() and print one line per case:
 *
 *     op rm a b c -> result fflags
 *
 * so the two outputs must be byte-identical.  Only integer arithmetic is
 * used here (no host/guest FP), so the case list cannot differ.
 *
 * Cases per op: every rounding mode (0..4, or just 0 for ops without rm)
 * times every combination of edge values (a reduced list for the 3-operand
 * FMAs), then FPU_NRAND pseudo-random operand tuples (fixed seed, biased
 * towards subnormals, overflow, ties, cancellation and conversion limits)
 * with the rounding mode cycling through 0..4.
 */
#ifndef FPU_CASES_H
#define FPU_CASES_H

#include <stddef.h>
#include <stdint.h>

/* Operand kinds: what the operands/result live in and whether rm exists. */
enum {
    FK_RR_RM,   /* f, f -> f, rm        */
    FK_R_RM,    /* f -> f, rm           */
    FK_RRR_RM,  /* f, f, f -> f, rm     */
    FK_RR,      /* f, f -> f            */
    FK_CMP,     /* f, f -> x            */
    FK_CLASS,   /* f -> x               */
    FK_F2I_RM,  /* f -> x, rm           */
    FK_I2F_RM,  /* x -> f, rm           */
    FK_I2F,     /* x -> f               */
};

/* Operand domains. */
enum { FD_S, FD_D, FD_I };

/* X(name, kind, operand domain, random cases) */
#define FPU_OPS(X)                              \
    X(fadd_s, FK_RR_RM, FD_S, 20000)            \
    X(fsub_s, FK_RR_RM, FD_S, 20000)            \
    X(fmul_s, FK_RR_RM, FD_S, 20000)            \
    X(fdiv_s, FK_RR_RM, FD_S, 20000)            \
    X(fsqrt_s, FK_R_RM, FD_S, 20000)            \
    X(fmadd_s, FK_RRR_RM, FD_S, 20000)          \
    X(fmsub_s, FK_RRR_RM, FD_S, 20000)          \
    X(fnmsub_s, FK_RRR_RM, FD_S, 20000)         \
    X(fnmadd_s, FK_RRR_RM, FD_S, 20000)         \
    X(fmin_s, FK_RR, FD_S, 5000)                \
    X(fmax_s, FK_RR, FD_S, 5000)                \
    X(fsgnj_s, FK_RR, FD_S, 2000)               \
    X(fsgnjn_s, FK_RR, FD_S, 2000)              \
    X(fsgnjx_s, FK_RR, FD_S, 2000)              \
    X(feq_s, FK_CMP, FD_S, 5000)                \
    X(flt_s, FK_CMP, FD_S, 5000)                \
    X(fle_s, FK_CMP, FD_S, 5000)                \
    X(fclass_s, FK_CLASS, FD_S, 2000)           \
    X(fcvt_w_s, FK_F2I_RM, FD_S, 20000)         \
    X(fcvt_wu_s, FK_F2I_RM, FD_S, 20000)        \
    X(fcvt_l_s, FK_F2I_RM, FD_S, 20000)         \
    X(fcvt_lu_s, FK_F2I_RM, FD_S, 20000)        \
    X(fcvt_s_w, FK_I2F_RM, FD_I, 20000)         \
    X(fcvt_s_wu, FK_I2F_RM, FD_I, 20000)        \
    X(fcvt_s_l, FK_I2F_RM, FD_I, 20000)         \
    X(fcvt_s_lu, FK_I2F_RM, FD_I, 20000)        \
    X(fcvt_s_d, FK_R_RM, FD_D, 20000)           \
    X(fmv_x_w, FK_CLASS, FD_S, 2000)            \
    X(fmv_w_x, FK_I2F, FD_I, 2000)              \
    X(fadd_d, FK_RR_RM, FD_D, 20000)            \
    X(fsub_d, FK_RR_RM, FD_D, 20000)            \
    X(fmul_d, FK_RR_RM, FD_D, 20000)            \
    X(fdiv_d, FK_RR_RM, FD_D, 20000)            \
    X(fsqrt_d, FK_R_RM, FD_D, 20000)            \
    X(fmadd_d, FK_RRR_RM, FD_D, 20000)          \
    X(fmsub_d, FK_RRR_RM, FD_D, 20000)          \
    X(fnmsub_d, FK_RRR_RM, FD_D, 20000)         \
    X(fnmadd_d, FK_RRR_RM, FD_D, 20000)         \
    X(fmin_d, FK_RR, FD_D, 5000)                \
    X(fmax_d, FK_RR, FD_D, 5000)                \
    X(fsgnj_d, FK_RR, FD_D, 2000)               \
    X(fsgnjn_d, FK_RR, FD_D, 2000)              \
    X(fsgnjx_d, FK_RR, FD_D, 2000)              \
    X(feq_d, FK_CMP, FD_D, 5000)                \
    X(flt_d, FK_CMP, FD_D, 5000)                \
    X(fle_d, FK_CMP, FD_D, 5000)                \
    X(fclass_d, FK_CLASS, FD_D, 2000)           \
    X(fcvt_w_d, FK_F2I_RM, FD_D, 20000)         \
    X(fcvt_wu_d, FK_F2I_RM, FD_D, 20000)        \
    X(fcvt_l_d, FK_F2I_RM, FD_D, 20000)         \
    X(fcvt_lu_d, FK_F2I_RM, FD_D, 20000)        \
    X(fcvt_d_w, FK_I2F_RM, FD_I, 20000)         \
    X(fcvt_d_wu, FK_I2F_RM, FD_I, 20000)        \
    X(fcvt_d_l, FK_I2F_RM, FD_I, 20000)         \
    X(fcvt_d_lu, FK_I2F_RM, FD_I, 20000)        \
    X(fcvt_d_s, FK_R_RM, FD_S, 20000)           \
    X(fmv_x_d, FK_CLASS, FD_D, 2000)            \
    X(fmv_d_x, FK_I2F, FD_I, 2000)

enum {
#define FPU_X_ENUM(name, kind, dom, nr) FOP_##name,
    FPU_OPS(FPU_X_ENUM)
#undef FPU_X_ENUM
    FOP_COUNT
};

static const char *const fpu_op_names[FOP_COUNT] = {
#define FPU_X_NAME(name, kind, dom, nr) #name,
    FPU_OPS(FPU_X_NAME)
#undef FPU_X_NAME
};
static const int fpu_op_kinds[FOP_COUNT] = {
#define FPU_X_KIND(name, kind, dom, nr) kind,
    FPU_OPS(FPU_X_KIND)
#undef FPU_X_KIND
};
static const int fpu_op_doms[FOP_COUNT] = {
#define FPU_X_DOM(name, kind, dom, nr) dom,
    FPU_OPS(FPU_X_DOM)
#undef FPU_X_DOM
};
static const int fpu_op_nrand[FOP_COUNT] = {
#define FPU_X_NR(name, kind, dom, nr) nr,
    FPU_OPS(FPU_X_NR)
#undef FPU_X_NR
};

#define FPU_BOX(x) (0xffffffff00000000ull | (uint32_t)(x))

/* Single edge values, as register patterns (mostly properly NaN-boxed). */
static const uint64_t fpu_edge_s[] = {
    FPU_BOX(0x00000000), FPU_BOX(0x80000000), /* +-0 */
    FPU_BOX(0x00000001), FPU_BOX(0x80000001), /* +-min subnormal */
    FPU_BOX(0x007fffff), FPU_BOX(0x807fffff), /* +-max subnormal */
    FPU_BOX(0x00400000), FPU_BOX(0x00000003),
    FPU_BOX(0x00800000), FPU_BOX(0x80800000), /* +-min normal */
    FPU_BOX(0x00800001), FPU_BOX(0x00ffffff),
    FPU_BOX(0x3f800000), FPU_BOX(0xbf800000), /* +-1 */
    FPU_BOX(0x3fc00000), FPU_BOX(0xbfc00000), /* +-1.5 */
    FPU_BOX(0x40000000), FPU_BOX(0x3f000000), FPU_BOX(0xbf000000),
    FPU_BOX(0x40200000), FPU_BOX(0xc0200000), /* +-2.5 */
    FPU_BOX(0x3effffff), FPU_BOX(0x3f800001), FPU_BOX(0x3f7fffff),
    FPU_BOX(0xbf800001), FPU_BOX(0x3fffffff),
    FPU_BOX(0x33800000), FPU_BOX(0x33000000), FPU_BOX(0x34000000), /* 2^-24, 2^-25, 2^-23 */
    FPU_BOX(0x33c00000),                                        /* 1.5 * 2^-24 */
    FPU_BOX(0x4b000000), FPU_BOX(0x4b000001), FPU_BOX(0x4b7fffff), /* 2^23.. */
    FPU_BOX(0x4effffff), FPU_BOX(0x4f000000), FPU_BOX(0xcf000000), /* 2^31 */
    FPU_BOX(0xcf000001), FPU_BOX(0x4f7fffff), FPU_BOX(0x4f800000), /* 2^32 */
    FPU_BOX(0x5effffff), FPU_BOX(0x5f000000), FPU_BOX(0xdf000000), /* 2^63 */
    FPU_BOX(0xdf000001), FPU_BOX(0x5f7fffff), FPU_BOX(0x5f800000), /* 2^64 */
    FPU_BOX(0x7f7fffff), FPU_BOX(0xff7fffff), FPU_BOX(0x7f7ffffe), /* max */
    FPU_BOX(0x7f000000), FPU_BOX(0x1f800000), FPU_BOX(0x60000000),
    FPU_BOX(0x0c000000), FPU_BOX(0x40490fdb), FPU_BOX(0x3eaaaaab),
    FPU_BOX(0x7f800000), FPU_BOX(0xff800000),                     /* +-inf */
    FPU_BOX(0x7fc00000), FPU_BOX(0xffc00000), FPU_BOX(0x7fc12345), /* qNaN */
    FPU_BOX(0x7f800001), FPU_BOX(0xffa00000), FPU_BOX(0x7fbfffff), /* sNaN */
    0x000000003f800000ull, 0x7fffffff3f800000ull, 0xfffffffe00000000ull, /* bad box */
};

static const uint64_t fpu_edge_d[] = {
    0x0000000000000000ull, 0x8000000000000000ull, /* +-0 */
    0x0000000000000001ull, 0x8000000000000001ull, /* +-min subnormal */
    0x000fffffffffffffull, 0x800fffffffffffffull, /* +-max subnormal */
    0x0008000000000000ull, 0x0000000000000003ull,
    0x0010000000000000ull, 0x8010000000000000ull, /* +-min normal */
    0x0010000000000001ull, 0x001fffffffffffffull,
    0x3ff0000000000000ull, 0xbff0000000000000ull, /* +-1 */
    0x3ff8000000000000ull, 0xbff8000000000000ull, /* +-1.5 */
    0x4000000000000000ull, 0x3fe0000000000000ull, 0xbfe0000000000000ull,
    0x4004000000000000ull, 0xc004000000000000ull, /* +-2.5 */
    0x3fdfffffffffffffull, 0x3ff0000000000001ull, 0x3fefffffffffffffull,
    0xbff0000000000001ull, 0x3fffffffffffffffull,
    0x3ca0000000000000ull, 0x3c90000000000000ull, 0x3cb0000000000000ull, /* 2^-53,-54,-52 */
    0x3ca8000000000000ull,
    0x4330000000000000ull, 0x4330000000000001ull, 0x433fffffffffffffull, /* 2^52.. */
    0x41dfffffffc00000ull, 0x41dfffffffe00000ull, 0x41e0000000000000ull, /* 2^31 */
    0xc1e0000000000000ull, 0xc1e0000000100000ull, 0xc1e0000000200000ull,
    0xc1dfffffffe00000ull, 0x41efffffffe00000ull, 0x41effffffff00000ull,
    0x41f0000000000000ull, 0x41f0000000080000ull,                     /* 2^32 */
    0x43dfffffffffffffull, 0x43e0000000000000ull, 0xc3e0000000000000ull, /* 2^63 */
    0xc3e0000000000001ull, 0x43efffffffffffffull, 0x43f0000000000000ull, /* 2^64 */
    0x7fefffffffffffffull, 0xffefffffffffffffull, 0x7feffffffffffffeull, /* max */
    0x7fe0000000000000ull, 0x1000000000000000ull, 0x6000000000000000ull,
    0x47efffffe0000000ull, 0x47effffff0000000ull, 0x47effffff0000001ull, /* float max.. */
    0x3810000000000000ull, 0x380fffffffffffffull, 0x380ffffff0000000ull, /* float min normal */
    0x36a0000000000000ull, 0x3690000000000000ull, 0x3698000000000000ull, /* float min sub */
    0x400921fb54442d18ull, 0x3fd5555555555555ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, /* +-inf */
    0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff8000012345678ull, /* qNaN */
    0x7ff0000000000001ull, 0xfff4000000000000ull, 0x7ff7ffffffffffffull, /* sNaN */
};

static const uint64_t fpu_edge_i[] = {
    0, 1, 2, 3, 0xffffffffffffffffull, 0xfffffffffffffffeull,
    0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x100000000ull,
    0xffffffff80000000ull, 0xffffffff7fffffffull, 0xffffffff00000001ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0x8000000000000001ull,
    0x00ffffff, 0x01000001, 0x01000003, 0x01000002, 0x02000005,
    0x0020000000000001ull, 0x0020000000000003ull, 0x0040000000000006ull,
    0x7ffffffffffffdffull, 0x7ffffffffffffc00ull, 0xfffffffffffff800ull,
    0xfffffffffffffbffull, 0xfffffffffffffc00ull,
    0x1234567890abcdefull, 0xfedcba9876543210ull, 0xffffff80, 0xffffff7f,
    0x12345678ffffffffull, 0xffffffff7fffffc0ull, 0x7fffffc0, 0x7fffff80,
};

/* Reduced lists for the three-operand ops (they are cubed). */
static const uint64_t fpu_edge3_s[] = {
    FPU_BOX(0x00000000), FPU_BOX(0x80000000), FPU_BOX(0x00000001), FPU_BOX(0x807fffff),
    FPU_BOX(0x00800000), FPU_BOX(0x3f800000), FPU_BOX(0xbfc00000), FPU_BOX(0x33800000),
    FPU_BOX(0x3f800001), FPU_BOX(0x7f7fffff), FPU_BOX(0xff800000), FPU_BOX(0x7fc00000),
    FPU_BOX(0x7f800001), FPU_BOX(0x1f800000), 0x000000003f800000ull,
};
static const uint64_t fpu_edge3_d[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x0000000000000001ull,
    0x800fffffffffffffull, 0x0010000000000000ull, 0x3ff0000000000000ull,
    0xbff8000000000000ull, 0x3ca0000000000000ull, 0x3ff0000000000001ull,
    0x7fefffffffffffffull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
    0x7ff0000000000001ull, 0x2000000000000000ull, 0xbcafffffffffffffull,
};

#define FPU_NELEM(x) (sizeof(x) / sizeof((x)[0]))

/* splitmix64: fixed-seed deterministic generator. */
static inline uint64_t fpu_rand(uint64_t *st)
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A random mantissa, often with few set bits (exact results, ties). */
static inline uint64_t fpu_rand_mant(uint64_t *st, int fb)
{
    uint64_t m = fpu_rand(st);
    switch (fpu_rand(st) & 7) {
    case 0: m &= fpu_rand(st) & fpu_rand(st); break;           /* sparse */
    case 1: m |= fpu_rand(st) | fpu_rand(st); break;           /* dense */
    case 2: m &= ~0ull << (fpu_rand(st) % (unsigned)fb); break; /* low zeros */
    case 3: m |= ~(~0ull << (fpu_rand(st) % (unsigned)fb)); break; /* low ones */
    default: break;
    }
    return m & ((1ull << fb) - 1);
}

/*
 * Random float pattern of width (dbl ? 64 : 32) bits.  `rel` is a related
 * operand (or 0) whose exponent is reused for cancellation / close
 * magnitudes.
 */
static inline uint64_t fpu_rand_float(uint64_t *st, int dbl, uint64_t rel, int exp_hint)
{
    const int fb = dbl ? 52 : 23;
    const unsigned emask = dbl ? 0x7ff : 0xff;
    const int bias = dbl ? 1023 : 127;
    uint64_t sign = fpu_rand(st) & 1;
    unsigned sel = (unsigned)(fpu_rand(st) % 20);
    long e;
    uint64_t m = fpu_rand_mant(st, fb);
    switch (sel) {
    case 0: case 1: case 2: case 3:
        e = (long)(fpu_rand(st) & emask);
        break;
    case 4: case 5: case 6:
        e = (long)(fpu_rand(st) % (unsigned)(fb + 3)); /* subnormal and low normal */
        break;
    case 7: case 8:
        e = (long)emask - 1 - (long)(fpu_rand(st) % (unsigned)(fb + 3)); /* huge */
        break;
    case 9: case 10: case 11: case 12:
        e = bias - 8 + (long)(fpu_rand(st) % 17);
        break;
    case 13: case 14:
        e = bias - 2 + (long)(fpu_rand(st) % 68); /* integer conversion range */
        break;
    case 15: case 16: case 17:
        if (exp_hint >= 0) {
            e = exp_hint - 3 + (long)(fpu_rand(st) % 7);
        } else {
            e = (long)((rel >> fb) & emask) - 2 + (long)(fpu_rand(st) % 5);
            if (fpu_rand(st) & 1) /* same significand, other sign: cancellation */
                m = rel & ((1ull << fb) - 1);
        }
        break;
    case 18:
        return dbl ? fpu_edge_d[fpu_rand(st) % FPU_NELEM(fpu_edge_d)]
                   : (uint32_t)fpu_edge_s[fpu_rand(st) % FPU_NELEM(fpu_edge_s)];
    default: /* NaNs and infinities with random payloads */
        e = (long)emask;
        if (fpu_rand(st) & 1)
            m = 0;
        break;
    }
    if (e < 0)
        e = 0;
    if (e > (long)emask)
        e = (long)emask;
    return (sign << (dbl ? 63 : 31)) | ((uint64_t)e << fb) | m;
}

static inline uint64_t fpu_rand_operand(uint64_t *st, int dom, uint64_t rel, int exp_hint)
{
    if (dom == FD_D)
        return fpu_rand_float(st, 1, rel, exp_hint);
    if (dom == FD_S) {
        uint64_t v = FPU_BOX(fpu_rand_float(st, 0, (uint32_t)rel, exp_hint));
        if ((fpu_rand(st) & 63) == 0) { /* improperly NaN-boxed */
            uint64_t hi = fpu_rand(st) << 32;
            if (fpu_rand(st) & 1)
                hi &= ~(1ull << 32);
            v = hi | (uint32_t)v;
        }
        return v;
    }
    /* integers */
    uint64_t r = fpu_rand(st);
    switch (fpu_rand(st) % 8) {
    case 0: return r;
    case 1: return (uint64_t)(int64_t)(int32_t)(uint32_t)r;
    case 2: return (uint32_t)r;
    case 3: return r >> (fpu_rand(st) % 64);
    case 4: return (uint64_t)0 - (r >> (fpu_rand(st) % 64));
    case 5: return fpu_edge_i[r % FPU_NELEM(fpu_edge_i)] + (fpu_rand(st) % 9) - 4;
    case 6: { /* few significant bits around a random position: ties */
        unsigned pos = (unsigned)(fpu_rand(st) % 64);
        uint64_t v = (r & 0x1ff) << pos;
        return fpu_rand(st) & 1 ? v : (uint64_t)0 - v;
    }
    default: return r & fpu_rand(st);
    }
}

static inline int fpu_kind_has_rm(int kind)
{
    return kind == FK_RR_RM || kind == FK_R_RM || kind == FK_RRR_RM ||
           kind == FK_F2I_RM || kind == FK_I2F_RM;
}

static inline int fpu_kind_arity(int kind)
{
    switch (kind) {
    case FK_RR_RM: case FK_RR: case FK_CMP: return 2;
    case FK_RRR_RM: return 3;
    default: return 1;
    }
}

typedef void (*FpuCaseFn)(void *ctx, int op, int rm, uint64_t a, uint64_t b, uint64_t c);

/* Walk every case in the fixed order; returns the number of cases. */
static inline unsigned long fpu_for_each_case(FpuCaseFn fn, void *ctx)
{
    unsigned long n = 0;
    for (int op = 0; op < FOP_COUNT; op++) {
        const int kind = fpu_op_kinds[op], dom = fpu_op_doms[op];
        const int arity = fpu_kind_arity(kind);
        const int nrm = fpu_kind_has_rm(kind) ? 5 : 1;
        const uint64_t *ev;
        size_t ne;
        if (dom == FD_I) {
            ev = fpu_edge_i;
            ne = FPU_NELEM(fpu_edge_i);
        } else if (arity == 3) {
            ev = dom == FD_S ? fpu_edge3_s : fpu_edge3_d;
            ne = dom == FD_S ? FPU_NELEM(fpu_edge3_s) : FPU_NELEM(fpu_edge3_d);
        } else {
            ev = dom == FD_S ? fpu_edge_s : fpu_edge_d;
            ne = dom == FD_S ? FPU_NELEM(fpu_edge_s) : FPU_NELEM(fpu_edge_d);
        }
        const size_t nb = arity >= 2 ? ne : 1, nc = arity >= 3 ? ne : 1;
        for (int rm = 0; rm < nrm; rm++)
            for (size_t i = 0; i < ne; i++)
                for (size_t j = 0; j < nb; j++)
                    for (size_t k = 0; k < nc; k++) {
                        fn(ctx, op, rm, ev[i], arity >= 2 ? ev[j] : 0, arity >= 3 ? ev[k] : 0);
                        n++;
                    }

        uint64_t st = 0x5eed0000ull + (uint64_t)op * 0x1000193ull;
        const int dbl = dom == FD_D;
        const int fb = dbl ? 52 : 23;
        const unsigned emask = dbl ? 0x7ff : 0xff;
        const int bias = dbl ? 1023 : 127;
        for (int t = 0; t < fpu_op_nrand[op]; t++) {
            int rm = nrm == 5 ? t % 5 : 0;
            uint64_t a = fpu_rand_operand(&st, dom, 0, -1);
            uint64_t b = arity >= 2 ? fpu_rand_operand(&st, dom, a, -1) : 0;
            uint64_t c = 0;
            if (arity >= 3) {
                /* Put the addend near the product's magnitude. */
                int ea = (int)((a >> fb) & emask), eb = (int)((b >> fb) & emask);
                unsigned sel = (unsigned)(fpu_rand(&st) % 8);
                if (sel == 0) {
                    /* exact cancellation: a * (+-1) + (-+a) */
                    b = dbl ? 0x3ff0000000000000ull : FPU_BOX(0x3f800000);
                    b |= (fpu_rand(&st) & 1) << (dbl ? 63 : 31);
                    c = a ^ ((fpu_rand(&st) & 1) << (dbl ? 63 : 31));
                } else if (sel <= 4) {
                    c = fpu_rand_operand(&st, dom, 0, ea + eb - bias);
                } else {
                    c = fpu_rand_operand(&st, dom, a, -1);
                }
            }
            fn(ctx, op, rm, a, b, c);
            n++;
        }
    }
    return n;
}

#endif /* FPU_CASES_H */
