/*
 * rv_fpu.c — bit-exact RISC-V F/D arithmetic: the soft-float core and the
 * public rv_f* entry points declared in rv_fpu.h.
 *
 * Every operation works on one unpacked form (class, sign, unbiased
 * exponent, 64-bit significand with its leading one at bit 62) and ends in
 * one rounding routine, rv_round_pack(), parametrised by the destination
 * format.  Bits of the exact result that do not fit are "jammed" into bit 0
 * (sticky), so every operation only has to produce: the exact result
 * truncated to >= p+2 bits plus a sticky bit.
 *
 *     bit 63   62                         62-fb      0
 *         [0 | 1 . f f f f ... f f | r  g g g ... | s]
 *              \___ p = fb+1 bits __/ \_ rounding bits / sticky _/
 *
 * Tininess is detected after rounding (RISC-V rule): a result below the
 * smallest normal is tiny unless rounding it to p bits with an unbounded
 * exponent would carry it up to 2^emin.  UF is raised only if tiny AND
 * inexact.
 *
 * Fast paths (host double/float arithmetic) for add/sub/mul/div/sqrt are
 * taken only in RNE with normal (or zero) operands and a normal result,
 * where the host operation is provably identical; they compute NX with an
 * exact test (see the comment above rv_fast_add_d).  FMA on x86-64 hosts
 * with FMA3 uses the host instruction in RNE/RTZ/RDN/RUP and reads NX from
 * MXCSR, which it saves and restores (rv_fast_fma_d).  Everything else
 * takes the soft path.  Build with -DRV_FPU_NO_FAST for a soft-only copy.
 */
#include "frontends/riscv/rv_fpu.h"

#include <stdbool.h>
#include <string.h>

typedef unsigned __int128 rv_u128;

enum { RV_C_ZERO, RV_C_FIN, RV_C_INF, RV_C_QNAN, RV_C_SNAN };

typedef struct {
    int cls;
    int sign;
    int exp;      /* unbiased exponent of the leading one (finite only) */
    uint64_t sig; /* leading one at bit 62 (finite only) */
} RvUnp;

/* Format parameters; `dbl` is always a compile-time constant at the call
 * sites, so the inline helpers specialise per format. */
#define FB(dbl)   ((dbl) ? 52 : 23)
#define BIAS(dbl) ((dbl) ? 1023 : 127)
#define EMIN(dbl) ((dbl) ? -1022 : -126)
#define EMAX(dbl) ((dbl) ? 1023 : 127)
#define EMASK(dbl) ((dbl) ? 0x7ffu : 0xffu)
#define SBIT(dbl) ((dbl) ? 63 : 31)
#define CANON(dbl) ((dbl) ? RV_CANON_NAN_D : (uint64_t)RV_CANON_NAN_S)

static inline int rv_clz64(uint64_t x) { return __builtin_clzll(x); }

static inline uint64_t rv_shr_jam64(uint64_t x, int n)
{
    if (n <= 0)
        return x;
    if (n >= 64)
        return x != 0;
    return (x >> n) | ((x & ((1ull << n) - 1)) != 0);
}

static inline rv_u128 rv_shr_jam128(rv_u128 x, int n)
{
    if (n <= 0)
        return x;
    if (n >= 128)
        return x != 0;
    return (x >> n) | ((x & (((rv_u128)1 << n) - 1)) != 0);
}

/* Read a single operand: check NaN-boxing. */
static inline uint64_t rv_unbox(uint64_t a)
{
    return (a >> 32) == 0xffffffffu ? (uint32_t)a : RV_CANON_NAN_S;
}

static inline uint64_t rv_box(uint64_t bits) { return RV_NANBOX_S | (uint32_t)bits; }

static inline RvUnp rv_unpack(uint64_t bits, int dbl)
{
    const int fb = FB(dbl);
    const uint64_t fmask = (1ull << fb) - 1;
    RvUnp u;
    unsigned e = (unsigned)(bits >> fb) & EMASK(dbl);
    uint64_t f = bits & fmask;
    u.sign = (int)(bits >> SBIT(dbl)) & 1;
    u.exp = 0;
    u.sig = 0;
    if (e == EMASK(dbl)) {
        if (f == 0)
            u.cls = RV_C_INF;
        else
            u.cls = ((f >> (fb - 1)) & 1) ? RV_C_QNAN : RV_C_SNAN;
    } else if (e == 0) {
        if (f == 0) {
            u.cls = RV_C_ZERO;
        } else {
            int msb = 63 - rv_clz64(f);
            u.cls = RV_C_FIN;
            u.sig = f << (62 - msb);
            u.exp = msb + EMIN(dbl) - fb;
        }
    } else {
        u.cls = RV_C_FIN;
        u.sig = (f | (1ull << fb)) << (62 - fb);
        u.exp = (int)e - BIAS(dbl);
    }
    return u;
}

static inline int rv_is_nan(const RvUnp *u) { return u->cls >= RV_C_QNAN; }

static inline uint64_t rv_pack_inf(int dbl, int sign)
{
    return ((uint64_t)sign << SBIT(dbl)) | ((uint64_t)EMASK(dbl) << FB(dbl));
}

static inline uint64_t rv_pack_zero(int dbl, int sign) { return (uint64_t)sign << SBIT(dbl); }

/* Does rounding a magnitude with this lsb / round bit / sticky bit go up? */
static inline int rv_round_up(int rm, int sign, int lsb, int rbit, int sticky)
{
    switch (rm) {
    case RV_RM_RNE: return rbit && (sticky || lsb);
    case RV_RM_RTZ: return 0;
    case RV_RM_RDN: return sign && (rbit || sticky);
    case RV_RM_RUP: return !sign && (rbit || sticky);
    default:        return rbit; /* RMM */
    }
}

/*
 * Round sign * sig/2^62 * 2^exp (sig != 0, leading one at bit 62, sticky in
 * bit 0) to the format and pack it; raises NX/UF/OF.
 */
static inline __attribute__((always_inline)) uint64_t rv_round_pack(int dbl, int sign, int exp, uint64_t sig, int rm, uint32_t *ff)
{
    const int fb = FB(dbl);
    const int sh = 62 - fb;
    const uint64_t s = (uint64_t)sign << SBIT(dbl);

    if (exp >= EMIN(dbl)) {
        uint64_t m = sig >> sh;
        int rbit = (int)(sig >> (sh - 1)) & 1;
        int sticky = (sig & ((1ull << (sh - 1)) - 1)) != 0;
        if (rv_round_up(rm, sign, (int)m & 1, rbit, sticky)) {
            m++;
            if (m >> (fb + 1)) {
                m >>= 1;
                exp++;
            }
        }
        if (exp > EMAX(dbl)) {
            *ff |= RV_FFLAG_OF | RV_FFLAG_NX;
            int to_inf = rm == RV_RM_RNE || rm == RV_RM_RMM ||
                         (rm == RV_RM_RUP && !sign) || (rm == RV_RM_RDN && sign);
            if (to_inf)
                return s | rv_pack_inf(dbl, 0);
            return s | ((uint64_t)(EMASK(dbl) - 1) << fb) | ((1ull << fb) - 1);
        }
        if (rbit | sticky)
            *ff |= RV_FFLAG_NX;
        return s | ((uint64_t)(exp + BIAS(dbl)) << fb) | (m & ((1ull << fb) - 1));
    }

    /* Below the normal range: tiny unless it rounds up to 2^emin when
     * rounded to p bits with an unbounded exponent. */
    int tiny = 1;
    if (exp == EMIN(dbl) - 1) {
        uint64_t m = sig >> sh;
        int rbit = (int)(sig >> (sh - 1)) & 1;
        int sticky = (sig & ((1ull << (sh - 1)) - 1)) != 0;
        if (m == (1ull << (fb + 1)) - 1 && rv_round_up(rm, sign, 1, rbit, sticky))
            tiny = 0;
    }
    int total = sh + (EMIN(dbl) - exp);
    uint64_t m;
    int rbit, sticky;
    if (total >= 64) {
        m = 0;
        rbit = total == 64 ? (int)(sig >> 63) : 0; /* sig < 2^63: always 0 */
        sticky = 1;
    } else {
        m = sig >> total;
        rbit = (int)(sig >> (total - 1)) & 1;
        sticky = (sig & ((1ull << (total - 1)) - 1)) != 0;
    }
    if (rv_round_up(rm, sign, (int)m & 1, rbit, sticky))
        m++; /* may become 2^fb = smallest normal: packs correctly */
    if (rbit | sticky) {
        *ff |= RV_FFLAG_NX;
        if (tiny)
            *ff |= RV_FFLAG_UF;
    }
    return s | m;
}

/* NaN result of an operation: NV on any signaling input. */
static inline uint64_t rv_nan_result(int dbl, uint32_t *ff, int any_snan)
{
    if (any_snan)
        *ff |= RV_FFLAG_NV;
    return CANON(dbl);
}

/* ------------------------------------------------------------------ */
/* Core operations on raw format bits (singles: the 32-bit pattern).   */

static inline uint64_t rv_sf_add(int dbl, int rm, uint32_t *ff, uint64_t a, uint64_t b, int negb)
{
    RvUnp A = rv_unpack(a, dbl), B = rv_unpack(b, dbl);
    B.sign ^= negb;
    if (rv_is_nan(&A) || rv_is_nan(&B))
        return rv_nan_result(dbl, ff, A.cls == RV_C_SNAN || B.cls == RV_C_SNAN);
    if (A.cls == RV_C_INF) {
        if (B.cls == RV_C_INF && B.sign != A.sign) {
            *ff |= RV_FFLAG_NV;
            return CANON(dbl);
        }
        return rv_pack_inf(dbl, A.sign);
    }
    if (B.cls == RV_C_INF)
        return rv_pack_inf(dbl, B.sign);
    if (A.cls == RV_C_ZERO && B.cls == RV_C_ZERO) {
        int sign = A.sign == B.sign ? A.sign : rm == RV_RM_RDN;
        return rv_pack_zero(dbl, sign);
    }
    if (B.cls == RV_C_ZERO)
        return a;
    if (A.cls == RV_C_ZERO)
        return b ^ ((uint64_t)negb << SBIT(dbl));

    if (A.exp < B.exp || (A.exp == B.exp && A.sig < B.sig)) {
        RvUnp t = A;
        A = B;
        B = t;
    }
    uint64_t bs = rv_shr_jam64(B.sig, A.exp - B.exp);
    int e = A.exp;
    uint64_t s;
    if (A.sign == B.sign) {
        s = A.sig + bs;
        if (s >> 63) {
            s = (s >> 1) | (s & 1);
            e++;
        }
    } else {
        s = A.sig - bs;
        if (s == 0)
            return rv_pack_zero(dbl, rm == RV_RM_RDN);
        int lz = rv_clz64(s) - 1;
        s <<= lz;
        e -= lz;
    }
    return rv_round_pack(dbl, A.sign, e, s, rm, ff);
}

static inline uint64_t rv_sf_mul(int dbl, int rm, uint32_t *ff, uint64_t a, uint64_t b)
{
    RvUnp A = rv_unpack(a, dbl), B = rv_unpack(b, dbl);
    int sign = A.sign ^ B.sign;
    if (rv_is_nan(&A) || rv_is_nan(&B))
        return rv_nan_result(dbl, ff, A.cls == RV_C_SNAN || B.cls == RV_C_SNAN);
    if (A.cls == RV_C_INF || B.cls == RV_C_INF) {
        if (A.cls == RV_C_ZERO || B.cls == RV_C_ZERO) {
            *ff |= RV_FFLAG_NV;
            return CANON(dbl);
        }
        return rv_pack_inf(dbl, sign);
    }
    if (A.cls == RV_C_ZERO || B.cls == RV_C_ZERO)
        return rv_pack_zero(dbl, sign);
    rv_u128 p = (rv_u128)A.sig * B.sig;
    int e = A.exp + B.exp;
    uint64_t s;
    if ((uint64_t)(p >> 64) >> 61) { /* p >= 2^125 */
        s = (uint64_t)(p >> 63) | (((uint64_t)p & ((1ull << 63) - 1)) != 0);
        e++;
    } else {
        s = (uint64_t)(p >> 62) | (((uint64_t)p & ((1ull << 62) - 1)) != 0);
    }
    return rv_round_pack(dbl, sign, e, s, rm, ff);
}

/* (hi:lo) / d with hi < d; returns the quotient, *rem the remainder. */
static inline uint64_t rv_div128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__)
    uint64_t q, r;
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d) : "cc");
    *rem = r;
    return q;
#else
    rv_u128 n = ((rv_u128)hi << 64) | lo;
    uint64_t q = (uint64_t)(n / d);
    *rem = (uint64_t)(n - (rv_u128)q * d);
    return q;
#endif
}

static inline uint64_t rv_sf_div(int dbl, int rm, uint32_t *ff, uint64_t a, uint64_t b)
{
    RvUnp A = rv_unpack(a, dbl), B = rv_unpack(b, dbl);
    int sign = A.sign ^ B.sign;
    if (rv_is_nan(&A) || rv_is_nan(&B))
        return rv_nan_result(dbl, ff, A.cls == RV_C_SNAN || B.cls == RV_C_SNAN);
    if (A.cls == RV_C_INF) {
        if (B.cls == RV_C_INF) {
            *ff |= RV_FFLAG_NV;
            return CANON(dbl);
        }
        return rv_pack_inf(dbl, sign);
    }
    if (B.cls == RV_C_INF)
        return rv_pack_zero(dbl, sign);
    if (B.cls == RV_C_ZERO) {
        if (A.cls == RV_C_ZERO) {
            *ff |= RV_FFLAG_NV;
            return CANON(dbl);
        }
        *ff |= RV_FFLAG_DZ;
        return rv_pack_inf(dbl, sign);
    }
    if (A.cls == RV_C_ZERO)
        return rv_pack_zero(dbl, sign);
    int e = A.exp - B.exp;
    uint64_t q, r;
    if (!dbl) {
        /* 24-bit significands: a 64-bit division gives >= 39 quotient bits. */
        uint64_t na = A.sig >> 39, nb = B.sig >> 39;
        int k = 39;
        if (na < nb) {
            k = 40;
            e--;
        }
        q = (na << k) / nb;
        r = (na << k) - q * nb;
        /* k was chosen so that q lies in [2^39, 2^40): move it to bit 62. */
        q = (q << 23) | (r != 0);
        return rv_round_pack(dbl, sign, e, q, rm, ff);
    }
    if (A.sig >= B.sig) {
        q = rv_div128(A.sig >> 2, A.sig << 62, B.sig, &r);
    } else {
        q = rv_div128(A.sig >> 1, A.sig << 63, B.sig, &r);
        e--;
    }
    return rv_round_pack(dbl, sign, e, q | (r != 0), rm, ff);
}

/* floor(sqrt(n)) for 2^124 <= n < 2^126, plus whether it was exact. */
static inline uint64_t rv_isqrt128(rv_u128 n, int *exact)
{
    uint64_t nh = (uint64_t)(n >> 64), nl = (uint64_t)n;
    uint64_t r;
#if defined(__x86_64__)
    /* A ~53-bit estimate from the host (sqrtsd, no libm/errno involved). */
    double x = (double)nh * 18446744073709551616.0 + (double)nl, y;
    __asm__("sqrtsd %1, %0" : "=x"(y) : "x"(x));
    r = (uint64_t)y;
#else
    /* Portable: bit-by-bit square root of the top 64 bits (>= 31-bit
     * estimate), refined by Newton below. */
    {
        uint64_t top = nh, res = 0, bit = 1ull << 62;
        while (bit > top)
            bit >>= 2;
        while (bit) {
            if (top >= res + bit) {
                top -= res + bit;
                res = (res >> 1) + bit;
            } else {
                res >>= 1;
            }
            bit >>= 2;
        }
        r = res << 32;
    }
#endif
    if (r < (1ull << 62))
        r = 1ull << 62;
    /* Newton steps: one from the ~53-bit host estimate lands within +-1
     * of the floor; the portable estimate needs one more. */
    for (int i = 0; i < 2; i++) {
        uint64_t rem;
        if (nh >= r)
            break;
        uint64_t q = rv_div128(nh, nl, r, &rem);
        rv_u128 t = ((rv_u128)r + q) >> 1;
        r = t >> 63 ? (1ull << 63) - 1 : (uint64_t)t;
        if (r < (1ull << 62))
            r = 1ull << 62;
    }
    while ((rv_u128)r * r > n)
        r--;
    while ((rv_u128)(r + 1) * (r + 1) <= n)
        r++;
    *exact = (rv_u128)r * r == n;
    return r;
}

static inline uint64_t rv_sf_sqrt(int dbl, int rm, uint32_t *ff, uint64_t a)
{
    RvUnp A = rv_unpack(a, dbl);
    if (rv_is_nan(&A))
        return rv_nan_result(dbl, ff, A.cls == RV_C_SNAN);
    if (A.cls == RV_C_ZERO)
        return a;
    if (A.sign) {
        *ff |= RV_FFLAG_NV;
        return CANON(dbl);
    }
    if (A.cls == RV_C_INF)
        return a;
    int e = A.exp;
    rv_u128 n;
    if (e & 1) {
        n = (rv_u128)A.sig << 63;
        e -= 1;
    } else {
        n = (rv_u128)A.sig << 62;
    }
    int exact;
    uint64_t r = rv_isqrt128(n, &exact);
    return rv_round_pack(dbl, 0, e / 2, r | !exact, rm, ff);
}

/* a*b + c with one rounding; negp negates the product, negc the addend. */
static inline uint64_t rv_sf_fma(int dbl, int rm, uint32_t *ff, uint64_t a, uint64_t b,
                                 uint64_t c, int negp, int negc)
{
    RvUnp A = rv_unpack(a, dbl), B = rv_unpack(b, dbl), C = rv_unpack(c, dbl);
    int ps = A.sign ^ B.sign ^ negp;
    C.sign ^= negc;
    if ((A.cls == RV_C_INF && B.cls == RV_C_ZERO) || (A.cls == RV_C_ZERO && B.cls == RV_C_INF)) {
        *ff |= RV_FFLAG_NV;
        return CANON(dbl);
    }
    if (rv_is_nan(&A) || rv_is_nan(&B) || rv_is_nan(&C))
        return rv_nan_result(dbl, ff,
                             A.cls == RV_C_SNAN || B.cls == RV_C_SNAN || C.cls == RV_C_SNAN);
    if (A.cls == RV_C_INF || B.cls == RV_C_INF) {
        if (C.cls == RV_C_INF && C.sign != ps) {
            *ff |= RV_FFLAG_NV;
            return CANON(dbl);
        }
        return rv_pack_inf(dbl, ps);
    }
    if (C.cls == RV_C_INF)
        return rv_pack_inf(dbl, C.sign);
    if (A.cls == RV_C_ZERO || B.cls == RV_C_ZERO) {
        if (C.cls == RV_C_ZERO)
            return rv_pack_zero(dbl, ps == C.sign ? ps : rm == RV_RM_RDN);
        return c ^ ((uint64_t)negc << SBIT(dbl));
    }

    rv_u128 p = (rv_u128)A.sig * B.sig; /* leading one at bit 124 or 125 */
    int pe = A.exp + B.exp;
    if ((uint64_t)(p >> 64) >> 61)
        pe++;
    else
        p <<= 1;
    /* p: leading one at bit 125, value p/2^125 * 2^pe */
    if (C.cls == RV_C_ZERO) {
        uint64_t s = (uint64_t)(p >> 63) | (((uint64_t)p & ((1ull << 63) - 1)) != 0);
        return rv_round_pack(dbl, ps, pe, s, rm, ff);
    }
    rv_u128 q = (rv_u128)C.sig << 63;
    int qe = C.exp, qs = C.sign;
    int sign = ps, e = pe;
    if (pe < qe || (pe == qe && p < q)) {
        rv_u128 t = p;
        p = q;
        q = t;
        sign = qs;
        qs = ps;
        e = qe;
        qe = pe;
    }
    q = rv_shr_jam128(q, e - qe);
    rv_u128 s;
    if (sign == qs) {
        s = p + q;
    } else {
        s = p - q;
        if (s == 0)
            return rv_pack_zero(dbl, rm == RV_RM_RDN);
    }
    uint64_t hi = (uint64_t)(s >> 64);
    int msb = hi ? 127 - rv_clz64(hi) : 63 - rv_clz64((uint64_t)s);
    uint64_t sig;
    if (msb >= 62)
        sig = (uint64_t)rv_shr_jam128(s, msb - 62);
    else
        sig = (uint64_t)s << (62 - msb);
    return rv_round_pack(dbl, sign, e + msb - 125, sig, rm, ff);
}

/* Sign-magnitude bits -> integer key that orders like the real values
 * (-0 < +0). */
static inline int64_t rv_order_key(int dbl, uint64_t x)
{
    uint64_t mag = x & ~(1ull << SBIT(dbl));
    return (x >> SBIT(dbl)) & 1 ? -(int64_t)mag - 1 : (int64_t)mag;
}

static inline uint64_t rv_sf_minmax(int dbl, uint32_t *ff, uint64_t a, uint64_t b, int is_max)
{
    RvUnp A = rv_unpack(a, dbl), B = rv_unpack(b, dbl);
    if (A.cls == RV_C_SNAN || B.cls == RV_C_SNAN)
        *ff |= RV_FFLAG_NV;
    if (rv_is_nan(&A) && rv_is_nan(&B))
        return CANON(dbl);
    if (rv_is_nan(&A))
        return b;
    if (rv_is_nan(&B))
        return a;
    int a_less = rv_order_key(dbl, a) < rv_order_key(dbl, b);
    return (a_less ^ is_max) ? a : b;
}

/* 0: less, 1: equal, 2: greater, 3: unordered; NV per `signal_qnan`. */
static inline int rv_sf_cmp(int dbl, uint32_t *ff, uint64_t a, uint64_t b, int signal_qnan)
{
    RvUnp A = rv_unpack(a, dbl), B = rv_unpack(b, dbl);
    if (rv_is_nan(&A) || rv_is_nan(&B)) {
        if (signal_qnan || A.cls == RV_C_SNAN || B.cls == RV_C_SNAN)
            *ff |= RV_FFLAG_NV;
        return 3;
    }
    if (A.cls == RV_C_ZERO && B.cls == RV_C_ZERO)
        return 1;
    int64_t ka = rv_order_key(dbl, a), kb = rv_order_key(dbl, b);
    return ka < kb ? 0 : ka == kb ? 1 : 2;
}

static inline uint64_t rv_sf_class(int dbl, uint64_t a)
{
    RvUnp A = rv_unpack(a, dbl);
    unsigned e = (unsigned)(a >> FB(dbl)) & EMASK(dbl);
    switch (A.cls) {
    case RV_C_INF:  return A.sign ? 1u << 0 : 1u << 7;
    case RV_C_ZERO: return A.sign ? 1u << 3 : 1u << 4;
    case RV_C_SNAN: return 1u << 8;
    case RV_C_QNAN: return 1u << 9;
    default:
        if (e == 0)
            return A.sign ? 1u << 2 : 1u << 5;
        return A.sign ? 1u << 1 : 1u << 6;
    }
}

/*
 * Float -> integer. is_signed/width select the range; the result is the
 * integer register value (W results sign-extended).
 */
static inline uint64_t rv_sf_to_int(int dbl, int rm, uint32_t *ff, uint64_t a, int is_signed,
                                    int width)
{
    RvUnp A = rv_unpack(a, dbl);
    uint64_t maxv, minv; /* as register values (before W sign extension) */
    if (is_signed) {
        maxv = width == 32 ? 0x7fffffffull : 0x7fffffffffffffffull;
        minv = width == 32 ? 0xffffffff80000000ull : 0x8000000000000000ull;
    } else {
        maxv = width == 32 ? 0xffffffffffffffffull : 0xffffffffffffffffull; /* W: sext */
        minv = 0;
    }
    if (rv_is_nan(&A)) {
        *ff |= RV_FFLAG_NV;
        return maxv;
    }
    if (A.cls == RV_C_INF) {
        *ff |= RV_FFLAG_NV;
        return A.sign ? minv : maxv;
    }
    if (A.cls == RV_C_ZERO)
        return 0;
    if (A.exp >= 64) {
        *ff |= RV_FFLAG_NV;
        return A.sign ? minv : maxv;
    }
    uint64_t m;
    int inexact = 0;
    if (A.exp >= 62) {
        m = A.sig << (A.exp - 62);
    } else {
        int sh = 62 - A.exp; /* >= 1 */
        int rbit, sticky;
        if (sh >= 64) {
            m = 0;
            rbit = 0;
            sticky = 1;
        } else {
            m = A.sig >> sh;
            rbit = (int)(A.sig >> (sh - 1)) & 1;
            sticky = (A.sig & ((1ull << (sh - 1)) - 1)) != 0;
        }
        inexact = rbit | sticky;
        if (rv_round_up(rm, A.sign, (int)m & 1, rbit, sticky))
            m++;
    }
    uint64_t lim_pos = is_signed ? (width == 32 ? 0x7fffffffull : 0x7fffffffffffffffull)
                                 : (width == 32 ? 0xffffffffull : ~0ull);
    uint64_t lim_neg = is_signed ? (width == 32 ? 0x80000000ull : 0x8000000000000000ull) : 0;
    if (A.sign ? m > lim_neg : m > lim_pos) {
        *ff |= RV_FFLAG_NV;
        return A.sign ? minv : maxv;
    }
    if (inexact)
        *ff |= RV_FFLAG_NX;
    uint64_t v = A.sign ? (uint64_t)0 - m : m;
    if (width == 32)
        v = (uint64_t)(int64_t)(int32_t)(uint32_t)v;
    return v;
}

/* Integer magnitude -> float. */
static inline uint64_t rv_sf_from_int(int dbl, int rm, uint32_t *ff, int sign, uint64_t m)
{
    if (m == 0)
        return 0;
    int msb = 63 - rv_clz64(m);
    uint64_t sig = msb == 63 ? (m >> 1) | (m & 1) : m << (62 - msb);
    return rv_round_pack(dbl, sign, msb, sig, rm, ff);
}

/* Format conversion: from format `sdbl` to `ddbl`. */
static inline uint64_t rv_sf_cvt(int sdbl, int ddbl, int rm, uint32_t *ff, uint64_t a)
{
    RvUnp A = rv_unpack(a, sdbl);
    if (rv_is_nan(&A))
        return rv_nan_result(ddbl, ff, A.cls == RV_C_SNAN);
    if (A.cls == RV_C_INF)
        return rv_pack_inf(ddbl, A.sign);
    if (A.cls == RV_C_ZERO)
        return rv_pack_zero(ddbl, A.sign);
    return rv_round_pack(ddbl, A.sign, A.exp, A.sig, rm, ff);
}

/* ------------------------------------------------------------------ */
/* Host fast paths.                                                    */

/*
 * Each rv_fast_* returns 1 and stores the raw result (and NX) if it handled
 * the operation, 0 to fall back to the soft path.  They only accept RNE,
 * normal-or-zero operands and a result that is finite and strictly larger
 * in magnitude than the smallest normal (so neither UF nor OF can arise,
 * and no tininess question exists).  In that domain IEEE 754 arithmetic of
 * the host (RNE, binary32/binary64, no excess precision) produces exactly
 * the RISC-V result; NaN, DZ and NV cannot occur, and NX is computed by an
 * exact test:
 *   add/sub  Fast2Sum error term  y - (r - x)  (exact when |x| >= |y|)
 *   mul      exact iff the integer product of the significands has at most
 *            p significant bits
 *   div      exact iff r * y == x, i.e. odd(sig r) * odd(sig y) == odd(sig x)
 *            (odd parts determine the value up to a power of two, and r is
 *            within one ulp of x/y, so the exponents then agree)
 *   sqrt     exact iff odd(sig r)^2 == odd(sig x), same argument
 * The host FP environment must be the default one (RNE, no FTZ/DAZ), which
 * vplat never changes.  FMA: see rv_fast_fma_d.
 */
#if !defined(RV_FPU_NO_FAST) && defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ == 0 && \
    !defined(__FAST_MATH__) && \
    (defined(__x86_64__) || defined(__aarch64__))
#define RV_HAVE_FAST 1
#else
#define RV_HAVE_FAST 0
#endif

static inline double rv_as_d(uint64_t x) { double d; memcpy(&d, &x, 8); return d; }
static inline uint64_t rv_d_bits(double d) { uint64_t x; memcpy(&x, &d, 8); return x; }
static inline float rv_as_f(uint32_t x) { float f; memcpy(&f, &x, 4); return f; }
static inline uint32_t rv_f_bits(float f) { uint32_t x; memcpy(&x, &f, 4); return x; }

/* normal (not subnormal/inf/NaN) */
static inline int rv_fnorm_d(uint64_t x) { return ((x >> 52) & 0x7ff) - 1u < 0x7feu; }
static inline int rv_fnorm_s(uint32_t x) { return ((x >> 23) & 0xff) - 1u < 0xfeu; }
static inline int rv_fzero_d(uint64_t x) { return (x << 1) == 0; }
static inline int rv_fzero_s(uint32_t x) { return (x << 1) == 0; }
/* finite and > smallest normal in magnitude */
static inline int rv_fres_d(uint64_t r)
{
    uint64_t m = r & 0x7fffffffffffffffull;
    return m > 0x0010000000000000ull && m < 0x7ff0000000000000ull;
}
static inline int rv_fres_s(uint32_t r)
{
    uint32_t m = r & 0x7fffffffu;
    return m > 0x00800000u && m < 0x7f800000u;
}
static inline uint64_t rv_odd(uint64_t m) { return m >> __builtin_ctzll(m); }

/* The fast paths below only test whether a result is exact when NX is not
 * yet set: accrued flags are sticky, so once a program has seen one
 * inexact result (nearly always) the test would change nothing. */
static inline int rv_fast_add_d(uint32_t *ff, int rm, uint64_t a, uint64_t b, int neg, uint64_t *r)
{
    if (!RV_HAVE_FAST || rm != RV_RM_RNE)
        return 0;
    b ^= (uint64_t)neg << 63;
    if (!(rv_fnorm_d(a) || rv_fzero_d(a)) || !(rv_fnorm_d(b) || rv_fzero_d(b)))
        return 0;
    double x = rv_as_d(a), y = rv_as_d(b);
    if ((a << 1) < (b << 1)) {
        double t = x;
        x = y;
        y = t;
    }
    double s = x + y;
    uint64_t sb = rv_d_bits(s);
    if (!rv_fres_d(sb) && !rv_fzero_d(sb))
        return 0;
    if (!(*ff & RV_FFLAG_NX) && (y - (s - x) != 0))
        *ff |= RV_FFLAG_NX;
    *r = sb;
    return 1;
}

static inline int rv_fast_add_s(uint32_t *ff, int rm, uint64_t a64, uint64_t b64, int neg, uint64_t *r)
{
    if (!RV_HAVE_FAST || rm != RV_RM_RNE)
        return 0;
    uint32_t a = (uint32_t)a64, b = (uint32_t)b64 ^ ((uint32_t)neg << 31);
    if (!(rv_fnorm_s(a) || rv_fzero_s(a)) || !(rv_fnorm_s(b) || rv_fzero_s(b)))
        return 0;
    float x = rv_as_f(a), y = rv_as_f(b);
    if ((uint32_t)(a << 1) < (uint32_t)(b << 1)) {
        float t = x;
        x = y;
        y = t;
    }
    float s = x + y;
    uint32_t sb = rv_f_bits(s);
    if (!rv_fres_s(sb) && !rv_fzero_s(sb))
        return 0;
    if (!(*ff & RV_FFLAG_NX) && (y - (s - x) != 0))
        *ff |= RV_FFLAG_NX;
    *r = sb;
    return 1;
}

static inline int rv_fast_mul_d(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t *r)
{
    if (!RV_HAVE_FAST || rm != RV_RM_RNE || !rv_fnorm_d(a) || !rv_fnorm_d(b))
        return 0;
    uint64_t pb = rv_d_bits(rv_as_d(a) * rv_as_d(b));
    if (!rv_fres_d(pb))
        return 0;
    const uint64_t hid = 1ull << 52, fm = hid - 1;
    rv_u128 p = (rv_u128)((a & fm) | hid) * ((b & fm) | hid);
    int bits = 105 + (int)((uint64_t)(p >> 64) >> 41); /* p in [2^104, 2^106) */
    int tz = __builtin_ctzll((a & fm) | hid) + __builtin_ctzll((b & fm) | hid);
    if (!(*ff & RV_FFLAG_NX) && (bits - tz > 53))
        *ff |= RV_FFLAG_NX;
    *r = pb;
    return 1;
}

static inline int rv_fast_mul_s(uint32_t *ff, int rm, uint64_t a64, uint64_t b64, uint64_t *r)
{
    uint32_t a = (uint32_t)a64, b = (uint32_t)b64;
    if (!RV_HAVE_FAST || rm != RV_RM_RNE || !rv_fnorm_s(a) || !rv_fnorm_s(b))
        return 0;
    uint32_t pb = rv_f_bits(rv_as_f(a) * rv_as_f(b));
    if (!rv_fres_s(pb))
        return 0;
    uint64_t p = (uint64_t)((a & 0x7fffff) | 0x800000) * ((b & 0x7fffff) | 0x800000);
    if (!(*ff & RV_FFLAG_NX) && ((63 - __builtin_clzll(p)) + 1 - __builtin_ctzll(p) > 24))
        *ff |= RV_FFLAG_NX;
    *r = pb;
    return 1;
}

static inline int rv_fast_div_d(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t *r)
{
    if (!RV_HAVE_FAST || rm != RV_RM_RNE || !rv_fnorm_d(a) || !rv_fnorm_d(b))
        return 0;
    uint64_t qb = rv_d_bits(rv_as_d(a) / rv_as_d(b));
    if (!rv_fres_d(qb))
        return 0;
    const uint64_t hid = 1ull << 52, fm = hid - 1;
    uint64_t t;
    if (!(*ff & RV_FFLAG_NX) && (__builtin_mul_overflow(rv_odd((qb & fm) | hid), rv_odd((b & fm) | hid), &t) ||
        t != rv_odd((a & fm) | hid)))
        *ff |= RV_FFLAG_NX;
    *r = qb;
    return 1;
}

static inline int rv_fast_div_s(uint32_t *ff, int rm, uint64_t a64, uint64_t b64, uint64_t *r)
{
    uint32_t a = (uint32_t)a64, b = (uint32_t)b64;
    if (!RV_HAVE_FAST || rm != RV_RM_RNE || !rv_fnorm_s(a) || !rv_fnorm_s(b))
        return 0;
    uint32_t qb = rv_f_bits(rv_as_f(a) / rv_as_f(b));
    if (!rv_fres_s(qb))
        return 0;
    uint64_t t = rv_odd((qb & 0x7fffff) | 0x800000) * rv_odd((b & 0x7fffff) | 0x800000);
    if (!(*ff & RV_FFLAG_NX) && (t != rv_odd((a & 0x7fffff) | 0x800000)))
        *ff |= RV_FFLAG_NX;
    *r = qb;
    return 1;
}

/* Host square root without libm (no errno path). */
static inline double rv_host_sqrt_d(double x)
{
#if defined(__x86_64__)
    double y;
    __asm__("sqrtsd %1, %0" : "=x"(y) : "x"(x));
    return y;
#elif defined(__aarch64__)
    double y;
    __asm__("fsqrt %d0, %d1" : "=w"(y) : "w"(x));
    return y;
#else
    return x;
#endif
}
static inline float rv_host_sqrt_s(float x)
{
#if defined(__x86_64__)
    float y;
    __asm__("sqrtss %1, %0" : "=x"(y) : "x"(x));
    return y;
#elif defined(__aarch64__)
    float y;
    __asm__("fsqrt %s0, %s1" : "=w"(y) : "w"(x));
    return y;
#else
    return x;
#endif
}

static inline int rv_fast_sqrt_d(uint32_t *ff, int rm, uint64_t a, uint64_t *r)
{
    if (!RV_HAVE_FAST || rm != RV_RM_RNE || (a >> 63) || !rv_fnorm_d(a))
        return 0;
    uint64_t rb = rv_d_bits(rv_host_sqrt_d(rv_as_d(a)));
    const uint64_t hid = 1ull << 52, fm = hid - 1;
    uint64_t o = rv_odd((rb & fm) | hid), t;
    if (!(*ff & RV_FFLAG_NX) && (__builtin_mul_overflow(o, o, &t) || t != rv_odd((a & fm) | hid)))
        *ff |= RV_FFLAG_NX;
    *r = rb; /* sqrt of a positive normal is always normal */
    return 1;
}

static inline int rv_fast_sqrt_s(uint32_t *ff, int rm, uint64_t a64, uint64_t *r)
{
    uint32_t a = (uint32_t)a64;
    if (!RV_HAVE_FAST || rm != RV_RM_RNE || (a >> 31) || !rv_fnorm_s(a))
        return 0;
    uint32_t rb = rv_f_bits(rv_host_sqrt_s(rv_as_f(a)));
    uint64_t o = rv_odd((rb & 0x7fffff) | 0x800000);
    if (!(*ff & RV_FFLAG_NX) && (o * o != rv_odd((a & 0x7fffff) | 0x800000)))
        *ff |= RV_FFLAG_NX;
    *r = rb;
    return 1;
}

/*
 * FMA: no cheap exact NX test exists, so on x86-64 hosts with FMA3 the
 * host's own flags are used: MXCSR is saved, loaded with the rounding mode
 * (RNE/RTZ/RDN/RUP; RMM has no x86 equivalent), cleared flags and no
 * FTZ/DAZ, the vfmadd runs, MXCSR is read back and restored, all inside one
 * asm block.  The result is accepted only if no flag other than PE (inexact)
 * was raised and it is finite and above the smallest normal in magnitude
 * (or an exact zero), i.e. no tininess or overflow question exists; then
 * NX = PE.  Operands must be normal or zero.
 */
#if RV_HAVE_FAST && defined(__x86_64__)
#define RV_HAVE_FAST_FMA 1
#define RV_MXCSR_FLAGS 0x3fu
static const uint32_t rv_mxcsr_rc[4] = { 0x0000, 0x6000, 0x2000, 0x4000 }; /* RNE RTZ RDN RUP */

static inline uint32_t rv_mxcsr_for(int rm, uint32_t *old)
{
    uint32_t o;
    __asm__ volatile("stmxcsr %0" : "=m"(o));
    *old = o;
    return (o & ~(RV_MXCSR_FLAGS | 0x6000u | 0x8000u | 0x0040u)) | rv_mxcsr_rc[rm];
}
#else
#define RV_HAVE_FAST_FMA 0
#endif

static inline int rv_fast_fma_d(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t c, int np,
                                int nc, uint64_t *r)
{
#if RV_HAVE_FAST_FMA
    if (rm == RV_RM_RMM || !(rv_fnorm_d(a) || rv_fzero_d(a)) || !(rv_fnorm_d(b) || rv_fzero_d(b)) ||
        !(rv_fnorm_d(c) || rv_fzero_d(c)) || !__builtin_cpu_supports("fma"))
        return 0;
    uint32_t old, out, csr = rv_mxcsr_for(rm, &old);
    double x = rv_as_d(a ^ ((uint64_t)np << 63)), y = rv_as_d(b);
    double acc = rv_as_d(c ^ ((uint64_t)nc << 63));
    __asm__ volatile("ldmxcsr %[n]\n\t"
                     "vfmadd231sd %[y], %[x], %[acc]\n\t"
                     "stmxcsr %[o]\n\t"
                     "ldmxcsr %[old]"
                     : [acc] "+x"(acc), [o] "=m"(out)
                     : [x] "x"(x), [y] "x"(y), [n] "m"(csr), [old] "m"(old));
    uint64_t rb = rv_d_bits(acc);
    uint32_t fl = out & RV_MXCSR_FLAGS;
    if ((fl & ~0x20u) || !(rv_fres_d(rb) || (rv_fzero_d(rb) && !fl)))
        return 0;
    if (fl)
        *ff |= RV_FFLAG_NX;
    *r = rb;
    return 1;
#else
    return 0;
#endif
}

static inline int rv_fast_fma_s(uint32_t *ff, int rm, uint64_t a64, uint64_t b64, uint64_t c64,
                                int np, int nc, uint64_t *r)
{
#if RV_HAVE_FAST_FMA
    uint32_t a = (uint32_t)a64, b = (uint32_t)b64, c = (uint32_t)c64;
    if (rm == RV_RM_RMM || !(rv_fnorm_s(a) || rv_fzero_s(a)) || !(rv_fnorm_s(b) || rv_fzero_s(b)) ||
        !(rv_fnorm_s(c) || rv_fzero_s(c)) || !__builtin_cpu_supports("fma"))
        return 0;
    uint32_t old, out, csr = rv_mxcsr_for(rm, &old);
    float x = rv_as_f(a ^ ((uint32_t)np << 31)), y = rv_as_f(b);
    float acc = rv_as_f(c ^ ((uint32_t)nc << 31));
    __asm__ volatile("ldmxcsr %[n]\n\t"
                     "vfmadd231ss %[y], %[x], %[acc]\n\t"
                     "stmxcsr %[o]\n\t"
                     "ldmxcsr %[old]"
                     : [acc] "+x"(acc), [o] "=m"(out)
                     : [x] "x"(x), [y] "x"(y), [n] "m"(csr), [old] "m"(old));
    uint32_t rb = rv_f_bits(acc);
    uint32_t fl = out & RV_MXCSR_FLAGS;
    if ((fl & ~0x20u) || !(rv_fres_s(rb) || (rv_fzero_s(rb) && !fl)))
        return 0;
    if (fl)
        *ff |= RV_FFLAG_NX;
    *r = rb;
    return 1;
#else
    return 0;
#endif
}

/* ------------------------------------------------------------------ */
/* Public entry points: single precision.                              */

#define S_IN(x) rv_unbox(x)

uint64_t rv_fadd_s(uint32_t *ff, int rm, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (rv_fast_add_s(ff, rm, S_IN(a), S_IN(b), 0, &r))
        return rv_box(r);
    return rv_box(rv_sf_add(0, rm, ff, S_IN(a), S_IN(b), 0));
}
uint64_t rv_fsub_s(uint32_t *ff, int rm, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (rv_fast_add_s(ff, rm, S_IN(a), S_IN(b), 1, &r))
        return rv_box(r);
    return rv_box(rv_sf_add(0, rm, ff, S_IN(a), S_IN(b), 1));
}
uint64_t rv_fmul_s(uint32_t *ff, int rm, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (rv_fast_mul_s(ff, rm, S_IN(a), S_IN(b), &r))
        return rv_box(r);
    return rv_box(rv_sf_mul(0, rm, ff, S_IN(a), S_IN(b)));
}
uint64_t rv_fdiv_s(uint32_t *ff, int rm, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (rv_fast_div_s(ff, rm, S_IN(a), S_IN(b), &r))
        return rv_box(r);
    return rv_box(rv_sf_div(0, rm, ff, S_IN(a), S_IN(b)));
}
uint64_t rv_fsqrt_s(uint32_t *ff, int rm, uint64_t a)
{
    uint64_t r;
    if (rv_fast_sqrt_s(ff, rm, S_IN(a), &r))
        return rv_box(r);
    return rv_box(rv_sf_sqrt(0, rm, ff, S_IN(a)));
}
uint64_t rv_fmadd_s(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    if (rv_fast_fma_s(ff, rm, S_IN(a), S_IN(b), S_IN(c), 0, 0, &r))
        return rv_box(r);
    return rv_box(rv_sf_fma(0, rm, ff, S_IN(a), S_IN(b), S_IN(c), 0, 0));
}
uint64_t rv_fmsub_s(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    if (rv_fast_fma_s(ff, rm, S_IN(a), S_IN(b), S_IN(c), 0, 1, &r))
        return rv_box(r);
    return rv_box(rv_sf_fma(0, rm, ff, S_IN(a), S_IN(b), S_IN(c), 0, 1));
}
uint64_t rv_fnmsub_s(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    if (rv_fast_fma_s(ff, rm, S_IN(a), S_IN(b), S_IN(c), 1, 0, &r))
        return rv_box(r);
    return rv_box(rv_sf_fma(0, rm, ff, S_IN(a), S_IN(b), S_IN(c), 1, 0));
}
uint64_t rv_fnmadd_s(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    if (rv_fast_fma_s(ff, rm, S_IN(a), S_IN(b), S_IN(c), 1, 1, &r))
        return rv_box(r);
    return rv_box(rv_sf_fma(0, rm, ff, S_IN(a), S_IN(b), S_IN(c), 1, 1));
}
uint64_t rv_fmin_s(uint32_t *ff, uint64_t a, uint64_t b)
{
    return rv_box(rv_sf_minmax(0, ff, S_IN(a), S_IN(b), 0));
}
uint64_t rv_fmax_s(uint32_t *ff, uint64_t a, uint64_t b)
{
    return rv_box(rv_sf_minmax(0, ff, S_IN(a), S_IN(b), 1));
}
uint64_t rv_fsgnj_s(uint64_t a, uint64_t b)
{
    return rv_box((S_IN(a) & 0x7fffffffu) | (S_IN(b) & 0x80000000u));
}
uint64_t rv_fsgnjn_s(uint64_t a, uint64_t b)
{
    return rv_box((S_IN(a) & 0x7fffffffu) | (~S_IN(b) & 0x80000000u));
}
uint64_t rv_fsgnjx_s(uint64_t a, uint64_t b)
{
    return rv_box(S_IN(a) ^ (S_IN(b) & 0x80000000u));
}
uint64_t rv_feq_s(uint32_t *ff, uint64_t a, uint64_t b)
{
    return rv_sf_cmp(0, ff, S_IN(a), S_IN(b), 0) == 1;
}
uint64_t rv_flt_s(uint32_t *ff, uint64_t a, uint64_t b)
{
    return rv_sf_cmp(0, ff, S_IN(a), S_IN(b), 1) == 0;
}
uint64_t rv_fle_s(uint32_t *ff, uint64_t a, uint64_t b)
{
    int c = rv_sf_cmp(0, ff, S_IN(a), S_IN(b), 1);
    return c == 0 || c == 1;
}
uint64_t rv_fclass_s(uint64_t a) { return rv_sf_class(0, S_IN(a)); }
uint64_t rv_fcvt_w_s(uint32_t *ff, int rm, uint64_t a) { return rv_sf_to_int(0, rm, ff, S_IN(a), 1, 32); }
uint64_t rv_fcvt_wu_s(uint32_t *ff, int rm, uint64_t a) { return rv_sf_to_int(0, rm, ff, S_IN(a), 0, 32); }
uint64_t rv_fcvt_l_s(uint32_t *ff, int rm, uint64_t a) { return rv_sf_to_int(0, rm, ff, S_IN(a), 1, 64); }
uint64_t rv_fcvt_lu_s(uint32_t *ff, int rm, uint64_t a) { return rv_sf_to_int(0, rm, ff, S_IN(a), 0, 64); }
uint64_t rv_fcvt_s_w(uint32_t *ff, int rm, uint64_t a)
{
    int32_t v = (int32_t)(uint32_t)a;
    return rv_box(rv_sf_from_int(0, rm, ff, v < 0, v < 0 ? 0u - (uint64_t)(int64_t)v : (uint64_t)v));
}
uint64_t rv_fcvt_s_wu(uint32_t *ff, int rm, uint64_t a)
{
    return rv_box(rv_sf_from_int(0, rm, ff, 0, (uint32_t)a));
}
uint64_t rv_fcvt_s_l(uint32_t *ff, int rm, uint64_t a)
{
    int neg = (int64_t)a < 0;
    return rv_box(rv_sf_from_int(0, rm, ff, neg, neg ? 0 - a : a));
}
uint64_t rv_fcvt_s_lu(uint32_t *ff, int rm, uint64_t a)
{
    return rv_box(rv_sf_from_int(0, rm, ff, 0, a));
}
uint64_t rv_fcvt_s_d(uint32_t *ff, int rm, uint64_t a)
{
    return rv_box(rv_sf_cvt(1, 0, rm, ff, a));
}
uint64_t rv_fmv_x_w(uint64_t a) { return (uint64_t)(int64_t)(int32_t)(uint32_t)a; }
uint64_t rv_fmv_w_x(uint64_t a) { return rv_box(a); }

/* ------------------------------------------------------------------ */
/* Public entry points: double precision.                              */

uint64_t rv_soft_fadd_d(uint32_t *ff, int rm, uint64_t a, uint64_t b)
{
    return rv_sf_add(1, rm, ff, a, b, 0);
}
uint64_t rv_soft_fmul_d(uint32_t *ff, int rm, uint64_t a, uint64_t b)
{
    return rv_sf_mul(1, rm, ff, a, b);
}
uint64_t rv_soft_fdiv_d(uint32_t *ff, int rm, uint64_t a, uint64_t b)
{
    return rv_sf_div(1, rm, ff, a, b);
}
uint64_t rv_soft_fsqrt_d(uint32_t *ff, int rm, uint64_t a)
{
    return rv_sf_sqrt(1, rm, ff, a);
}
uint64_t rv_soft_fmadd_d(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    return rv_sf_fma(1, rm, ff, a, b, c, 0, 0);
}

uint64_t rv_fadd_d(uint32_t *ff, int rm, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (rv_fast_add_d(ff, rm, a, b, 0, &r))
        return r;
    return rv_sf_add(1, rm, ff, a, b, 0);
}
uint64_t rv_fsub_d(uint32_t *ff, int rm, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (rv_fast_add_d(ff, rm, a, b, 1, &r))
        return r;
    return rv_sf_add(1, rm, ff, a, b, 1);
}
uint64_t rv_fmul_d(uint32_t *ff, int rm, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (rv_fast_mul_d(ff, rm, a, b, &r))
        return r;
    return rv_sf_mul(1, rm, ff, a, b);
}
uint64_t rv_fdiv_d(uint32_t *ff, int rm, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (rv_fast_div_d(ff, rm, a, b, &r))
        return r;
    return rv_sf_div(1, rm, ff, a, b);
}
uint64_t rv_fsqrt_d(uint32_t *ff, int rm, uint64_t a)
{
    uint64_t r;
    if (rv_fast_sqrt_d(ff, rm, a, &r))
        return r;
    return rv_sf_sqrt(1, rm, ff, a);
}
uint64_t rv_fmadd_d(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    if (rv_fast_fma_d(ff, rm, a, b, c, 0, 0, &r))
        return r;
    return rv_sf_fma(1, rm, ff, a, b, c, 0, 0);
}
uint64_t rv_fmsub_d(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    if (rv_fast_fma_d(ff, rm, a, b, c, 0, 1, &r))
        return r;
    return rv_sf_fma(1, rm, ff, a, b, c, 0, 1);
}
uint64_t rv_fnmsub_d(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    if (rv_fast_fma_d(ff, rm, a, b, c, 1, 0, &r))
        return r;
    return rv_sf_fma(1, rm, ff, a, b, c, 1, 0);
}
uint64_t rv_fnmadd_d(uint32_t *ff, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    if (rv_fast_fma_d(ff, rm, a, b, c, 1, 1, &r))
        return r;
    return rv_sf_fma(1, rm, ff, a, b, c, 1, 1);
}
uint64_t rv_fmin_d(uint32_t *ff, uint64_t a, uint64_t b) { return rv_sf_minmax(1, ff, a, b, 0); }
uint64_t rv_fmax_d(uint32_t *ff, uint64_t a, uint64_t b) { return rv_sf_minmax(1, ff, a, b, 1); }
uint64_t rv_fsgnj_d(uint64_t a, uint64_t b)
{
    return (a & ~(1ull << 63)) | (b & (1ull << 63));
}
uint64_t rv_fsgnjn_d(uint64_t a, uint64_t b)
{
    return (a & ~(1ull << 63)) | (~b & (1ull << 63));
}
uint64_t rv_fsgnjx_d(uint64_t a, uint64_t b) { return a ^ (b & (1ull << 63)); }
uint64_t rv_feq_d(uint32_t *ff, uint64_t a, uint64_t b) { return rv_sf_cmp(1, ff, a, b, 0) == 1; }
uint64_t rv_flt_d(uint32_t *ff, uint64_t a, uint64_t b) { return rv_sf_cmp(1, ff, a, b, 1) == 0; }
uint64_t rv_fle_d(uint32_t *ff, uint64_t a, uint64_t b)
{
    int c = rv_sf_cmp(1, ff, a, b, 1);
    return c == 0 || c == 1;
}
uint64_t rv_fclass_d(uint64_t a) { return rv_sf_class(1, a); }
uint64_t rv_fcvt_w_d(uint32_t *ff, int rm, uint64_t a) { return rv_sf_to_int(1, rm, ff, a, 1, 32); }
uint64_t rv_fcvt_wu_d(uint32_t *ff, int rm, uint64_t a) { return rv_sf_to_int(1, rm, ff, a, 0, 32); }
uint64_t rv_fcvt_l_d(uint32_t *ff, int rm, uint64_t a) { return rv_sf_to_int(1, rm, ff, a, 1, 64); }
uint64_t rv_fcvt_lu_d(uint32_t *ff, int rm, uint64_t a) { return rv_sf_to_int(1, rm, ff, a, 0, 64); }
uint64_t rv_fcvt_d_w(uint32_t *ff, int rm, uint64_t a)
{
    int32_t v = (int32_t)(uint32_t)a;
    return rv_sf_from_int(1, rm, ff, v < 0, v < 0 ? 0u - (uint64_t)(int64_t)v : (uint64_t)v);
}
uint64_t rv_fcvt_d_wu(uint32_t *ff, int rm, uint64_t a)
{
    return rv_sf_from_int(1, rm, ff, 0, (uint32_t)a);
}
uint64_t rv_fcvt_d_l(uint32_t *ff, int rm, uint64_t a)
{
    int neg = (int64_t)a < 0;
    return rv_sf_from_int(1, rm, ff, neg, neg ? 0 - a : a);
}
uint64_t rv_fcvt_d_lu(uint32_t *ff, int rm, uint64_t a)
{
    return rv_sf_from_int(1, rm, ff, 0, a);
}
uint64_t rv_fcvt_d_s(uint32_t *ff, int rm, uint64_t a)
{
    return rv_sf_cvt(0, 1, rm, ff, S_IN(a));
}
uint64_t rv_fmv_x_d(uint64_t a) { return a; }
uint64_t rv_fmv_d_x(uint64_t a) { return a; }
