/*
 * cold_code.c — megabytes of straight-line code, each instruction run once:
 * a measure of translation throughput.  The other workloads spend nearly
 * all their time in a few hot loops; real programs (compilers, start-up
 * code, big applications) also run a lot of code only once or a few times,
 * and there an emulator's cost is decoding and translating, not running.
 *
 * The code itself is generated at build time (nothing generated is
 * committed): bench/run.py runs cold_code_gen.py, which writes COLD_NFUNCS
 * distinct leaf functions in assembly for the target — about 3 MB of
 * riscv64 code, each function 30-60 different integer statements with a
 * few table loads, scratch stores and if/else — and links them with this
 * file.  Here each function is called exactly once, in order, through the
 * generated pointer table; each call's result feeds the next call's
 * argument and the checksum, so no call can be skipped or reordered.
 *
 * Usage: cold_code [scale]; calls the first scale * FUNCS_PER_SCALE
 * functions, so the amount of new code (not repetitions of the same code)
 * grows with scale; scale is at most COLD_NFUNCS / FUNCS_PER_SCALE.
 */
#include "bench_common.h"

#define DEFAULT_SCALE 32 /* every generated function */
#define QUICK_SCALE 8
#define COLD_NFUNCS 4096 /* must equal NFUNCS in cold_code_gen.py */
#define FUNCS_PER_SCALE 128

static const BenchExpect expected[] = {
    /* scale, checksum: native x86-64 and qemu-riscv64 agree */
    {1, 0x80e033a6c7dab259ull},
    {8, 0x52804183eab0b1cdull},
    {32, 0x1b8416df3df00ecbull},
};

typedef uint64_t (*ColdFn)(uint64_t);
extern const ColdFn cold_funcs[];   /* generated: cold_code_gen.py */
extern const uint64_t cold_nfuncs;

int main(int argc, char **argv)
{
    long scale = bench_scale(argc, argv, DEFAULT_SCALE);
    if (cold_nfuncs != COLD_NFUNCS) {
        fprintf(stderr, "cold_code: generated code has %llu functions, expected %d; "
                "regenerate it with cold_code_gen.py\n",
                (unsigned long long)cold_nfuncs, COLD_NFUNCS);
        return 2;
    }
    if (scale * FUNCS_PER_SCALE > COLD_NFUNCS) {
        fprintf(stderr, "cold_code: scale %ld is more than the %d functions there are "
                "(at most %d)\n", scale, COLD_NFUNCS, COLD_NFUNCS / FUNCS_PER_SCALE);
        return 2;
    }
    uint64_t x = 0x243f6a8885a308d3ull;
    uint64_t sum = 0;
    for (long i = 0; i < scale * FUNCS_PER_SCALE; i++) {
        x = cold_funcs[i](x ^ (uint64_t)i);
        sum = bench_mix(sum, x);
    }
    return BENCH_FINISH("cold_code", scale, sum, expected);
}
