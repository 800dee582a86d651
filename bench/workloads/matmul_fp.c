/*
 * matmul_fp.c — double-precision dense matrix multiply, C = A * B, with a
 * straightforward i-k-j loop order and with a cache-blocked variant, each
 * checked against the other.  Streams of FP loads, multiplies, adds and
 * stores in tight loops: the best case for a JIT that keeps guest FP
 * registers in host registers.  The checksum hashes the exact bits of the
 * result (-ffp-contract=off keeps x86-64 and riscv64 bit-identical; both
 * variants sum every element's products in the same k order).
 * Usage: matmul_fp [scale]; the number of multiplies grows linearly.
 */
#include "bench_common.h"

#define DEFAULT_SCALE 12
#define QUICK_SCALE 4 /* smallest run of >= 0.2 s under qemu-riscv64 */
#define N 120
#define BLOCK 24

static const BenchExpect expected[] = {
    /* scale, checksum: native x86-64 and qemu-riscv64 agree */
    {1, 0xcd9f75a597e18429ull},
    {4, 0x9b2814ad606855a4ull},
    {12, 0x85d6ce48996d906aull},
};

static double a[N][N], b[N][N], c1[N][N], c2[N][N];

static void matmul_ikj(double (*c)[N], double (*x)[N], double (*y)[N])
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            c[i][j] = 0.0;
        for (int k = 0; k < N; k++) {
            double xik = x[i][k];
            for (int j = 0; j < N; j++)
                c[i][j] += xik * y[k][j];
        }
    }
}

/* Blocked over i and j only: every c[i][j] still accumulates k = 0..N-1 in
 * order, so the result is bit-identical to matmul_ikj. */
static void matmul_blocked(double (*c)[N], double (*x)[N], double (*y)[N])
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            c[i][j] = 0.0;
    for (int ii = 0; ii < N; ii += BLOCK)
        for (int jj = 0; jj < N; jj += BLOCK)
            for (int k = 0; k < N; k++)
                for (int i = ii; i < ii + BLOCK; i++) {
                    double xik = x[i][k];
                    for (int j = jj; j < jj + BLOCK; j++)
                        c[i][j] += xik * y[k][j];
                }
}

int main(int argc, char **argv)
{
    long scale = bench_scale(argc, argv, DEFAULT_SCALE);
    uint64_t rng = 0x510e527fade682d1ull;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (double)(int64_t)(bench_rand(&rng) % 2001) / 1000.0 - 1.0;
            b[i][j] = (double)(int64_t)(bench_rand(&rng) % 2001) / 997.0 - 1.0;
        }

    uint64_t sum = 0;
    for (long round = 0; round < scale; round++) {
        matmul_ikj(c1, a, b);
        matmul_blocked(c2, a, b);
        if (memcmp(c1, c2, sizeof c1) != 0) {
            fprintf(stderr, "matmul_fp: blocked and plain products differ\n");
            return 1;
        }
        double trace = 0.0;
        for (int i = 0; i < N; i++)
            trace += c1[i][i];
        sum = bench_mix_double(sum, trace);
        /* Feed the product back, normalised so every element stays in
         * [-1, 1] (no overflow, no slow subnormals) and rounds differ. */
        double maxabs = 1e-300;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                double v = c1[i][j] < 0 ? -c1[i][j] : c1[i][j];
                if (v > maxabs)
                    maxabs = v;
            }
        double norm = 0.5 / maxabs;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                a[i][j] = c1[i][j] * norm + a[i][j] * 0.5;
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            sum = bench_mix_double(sum, a[i][j]);
    return BENCH_FINISH("matmul_fp", scale, sum, expected);
}
