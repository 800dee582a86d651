/*
 * fpu_ref_host.c — host half of the F/D reference test.
 *
 * Walks the cases of tests/unit/fpu/fpu_cases.h in the same order as the
 * riscv64 guest program fpu_ref_gen.c and prints the same
 * `op rm a b c -> result fflags` lines, computed by vplat's rv_fpu
 * functions.  fpu_ref_test.sh diffs this output against the guest's output
 * under qemu-riscv64.
 *
 * With `--bench` it instead times the public (fast-path) entry points
 * against the soft-float-only ones on RNE normal operands.
 *
 * Build: gcc -O2 -I<repo> -I<repo>/tests/unit fpu_ref_host.c \
 *            frontends/riscv/rv_fpu.c
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontends/riscv/rv_fpu.h"
#include "fpu/fpu_cases.h"

static uint64_t run_op(int op, int rm, uint64_t a, uint64_t b, uint64_t c, uint32_t *ff)
{
    switch (op) {
#define H_RR_RM(name) case FOP_##name: return rv_##name(ff, rm, a, b);
#define H_R_RM(name) case FOP_##name: return rv_##name(ff, rm, a);
#define H_RRR_RM(name) case FOP_##name: return rv_##name(ff, rm, a, b, c);
#define H_RR(name) case FOP_##name: return rv_##name(a, b);
#define H_RRF(name) case FOP_##name: return rv_##name(ff, a, b);
#define H_R(name) case FOP_##name: return rv_##name(a);
#define H_BOTH(m)                                                             \
    H_RR_RM(fadd_##m) H_RR_RM(fsub_##m) H_RR_RM(fmul_##m) H_RR_RM(fdiv_##m)   \
    H_R_RM(fsqrt_##m) H_RRR_RM(fmadd_##m) H_RRR_RM(fmsub_##m)                 \
    H_RRR_RM(fnmsub_##m) H_RRR_RM(fnmadd_##m) H_RRF(fmin_##m) H_RRF(fmax_##m) \
    H_RR(fsgnj_##m) H_RR(fsgnjn_##m) H_RR(fsgnjx_##m) H_RRF(feq_##m)          \
    H_RRF(flt_##m) H_RRF(fle_##m) H_R(fclass_##m) H_R_RM(fcvt_w_##m)          \
    H_R_RM(fcvt_wu_##m) H_R_RM(fcvt_l_##m) H_R_RM(fcvt_lu_##m)                \
    H_R_RM(fcvt_##m##_w) H_R_RM(fcvt_##m##_wu) H_R_RM(fcvt_##m##_l)           \
    H_R_RM(fcvt_##m##_lu)
    H_BOTH(s)
    H_BOTH(d)
    H_R_RM(fcvt_s_d)
    H_R_RM(fcvt_d_s)
    H_R(fmv_x_w)
    H_R(fmv_w_x)
    H_R(fmv_x_d)
    H_R(fmv_d_x)
    default:
        fprintf(stderr, "fpu_ref_host: op %d not wired\n", op);
        exit(2);
    }
}

static void run_case(void *ctx, int op, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    FILE *out = ctx;
    uint32_t ff = 0;
    uint64_t res = run_op(op, rm, a, b, c, &ff);
    /* Accrued flags are sticky: with NX already set (the usual state of a
     * running program, which lets the fast paths skip the exactness test)
     * the result must be the same and the flags the same plus NX. */
    uint32_t ff_nx = RV_FFLAG_NX;
    uint64_t res_nx = run_op(op, rm, a, b, c, &ff_nx);
    if (res_nx != res || ff_nx != (ff | RV_FFLAG_NX)) {
        fprintf(stderr, "fpu_ref_host: %s rm=%d %016" PRIx64 " %016" PRIx64 " %016" PRIx64
                ": with NX preset got %016" PRIx64 "/%02x, expected %016" PRIx64 "/%02x\n",
                fpu_op_names[op], rm, a, b, c, res_nx, (unsigned)ff_nx, res, (unsigned)(ff | RV_FFLAG_NX));
        exit(1);
    }
    fprintf(out, "%s %d %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " -> %016" PRIx64 " %02x\n",
            fpu_op_names[op], rm, a, b, c, res, (unsigned)ff);
}

/* ---- --bench: fast path vs soft path ---- */

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef uint64_t (*BinFn)(uint32_t *, int, uint64_t, uint64_t);

static double bench_bin(BinFn fn, const uint64_t *v, int n, int iters, uint64_t *sink)
{
    uint32_t ff = 0;
    uint64_t acc = 0;
    double t0 = now_sec();
    for (int it = 0; it < iters; it++)
        for (int i = 0; i + 1 < n; i++)
            acc ^= fn(&ff, RV_RM_RNE, v[i], v[i + 1]);
    double t = now_sec() - t0;
    *sink ^= acc ^ ff;
    return t * 1e9 / ((double)iters * (n - 1));
}

static uint64_t b_fsqrt(uint32_t *ff, int rm, uint64_t a, uint64_t b) { return rv_fsqrt_d(ff, rm, a) ^ b; }
static uint64_t b_soft_fsqrt(uint32_t *ff, int rm, uint64_t a, uint64_t b) { return rv_soft_fsqrt_d(ff, rm, a) ^ b; }
static uint64_t b_fmadd(uint32_t *ff, int rm, uint64_t a, uint64_t b) { return rv_fmadd_d(ff, rm, a, b, a); }
static uint64_t b_soft_fmadd(uint32_t *ff, int rm, uint64_t a, uint64_t b) { return rv_soft_fmadd_d(ff, rm, a, b, a); }

static int bench(void)
{
    enum { N = 4096 };
    static uint64_t v[N];
    uint64_t st = 12345, sink = 0;
    for (int i = 0; i < N; i++) /* normal doubles in [2^-8, 2^8) */
        v[i] = ((fpu_rand(&st) & 1) << 63) | ((uint64_t)(1015 + fpu_rand(&st) % 16) << 52) |
               (fpu_rand(&st) & ((1ull << 52) - 1));
    struct { const char *name; BinFn fast, soft; } ops[] = {
        { "fadd.d", rv_fadd_d, rv_soft_fadd_d },
        { "fmul.d", rv_fmul_d, rv_soft_fmul_d },
        { "fdiv.d", rv_fdiv_d, rv_soft_fdiv_d },
        { "fsqrt.d", b_fsqrt, b_soft_fsqrt },
        { "fmadd.d", b_fmadd, b_soft_fmadd },
    };
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        double f = 1e9, s = 1e9; /* best of 7: the host may be busy */
        for (int rep = 0; rep < 7; rep++) {
            double tf = bench_bin(ops[k].fast, v, N, 300, &sink);
            double ts = bench_bin(ops[k].soft, v, N, 300, &sink);
            f = tf < f ? tf : f;
            s = ts < s ? ts : s;
        }
        printf("%-8s fast %6.2f ns/op   soft %6.2f ns/op\n", ops[k].name, f, s);
    }
    return sink == 42; /* keep the results alive */
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--bench") == 0)
        return bench();
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    unsigned long n = fpu_for_each_case(run_case, stdout);
    fflush(stdout);
    fprintf(stderr, "fpu_ref_host: %lu cases\n", n);
    return 0;
}
