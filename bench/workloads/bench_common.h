/*
 * bench_common.h — shared scaffolding for the vplat benchmark workloads.
 *
 * Every workload in bench/workloads/ is a self-checking program built twice
 * by bench/run.py: for riscv64 (the guest that vplat and qemu-riscv64 run)
 * and for x86-64 (the native baseline).  It takes one optional argument, a
 * positive integer "scale" that multiplies the amount of work, folds every
 * result it computes into a 64-bit checksum, prints exactly one line
 *
 *     <name> checksum=0x<16 hex digits>
 *
 * and exits non-zero when the checksum differs from the value recorded in
 * its table of expected results.  Those values were produced by the native
 * x86-64 build and by qemu-riscv64, which agree; a wrong emulator result
 * therefore fails loudly.  For a scale without a recorded value the program
 * says so on stderr and exits 0; the runner then compares against the
 * native build instead.
 *
 * Portability rules the workloads follow, so both builds compute the same
 * bits: no undefined behaviour (unsigned arithmetic wraps, signed does not
 * overflow), `char` signedness never matters (riscv64 char is unsigned,
 * x86-64 char is signed), doubles only through + - * / and sqrt (all
 * correctly rounded in IEEE 754) and the build uses -ffp-contract=off so gcc
 * never fuses a multiply-add on one target and not on the other.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    long scale;
    uint64_t checksum;
} BenchExpect;

/* Parses argv[1] as the scale; anything malformed is a usage error. */
static long bench_scale(int argc, char **argv, long def)
{
    if (argc < 2)
        return def;
    char *end = NULL;
    long v = strtol(argv[1], &end, 10);
    if (argc > 2 || end == argv[1] || *end != '\0' || v < 1 || v > 10000) {
        fprintf(stderr, "usage: %s [scale >= 1] (default %ld)\n", argv[0], def);
        exit(2);
    }
    return v;
}

/* splitmix64: a tiny, well-mixed PRNG; the state is explicit so that every
 * workload's input is a pure function of its seed. */
static inline uint64_t bench_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Folds one 64-bit value into a running checksum (order-sensitive). */
static inline uint64_t bench_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
}

/* Folds a double by its exact bit pattern. */
static inline uint64_t bench_mix_double(uint64_t h, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return bench_mix(h, bits);
}

/* Prints the result line and checks it against the expected table. */
static int bench_finish(const char *name, long scale, uint64_t sum,
                        const BenchExpect *expect, size_t n_expect)
{
    printf("%s checksum=0x%016llx\n", name, (unsigned long long)sum);
    fflush(stdout);
    for (size_t i = 0; i < n_expect; i++) {
        if (expect[i].scale != scale)
            continue;
        if (expect[i].checksum == sum)
            return 0;
        fprintf(stderr, "%s: CHECKSUM MISMATCH at scale %ld: got 0x%016llx, "
                "expected 0x%016llx\n", name, scale, (unsigned long long)sum,
                (unsigned long long)expect[i].checksum);
        return 1;
    }
    fprintf(stderr, "%s: no expected checksum recorded for scale %ld; "
            "result not self-checked\n", name, scale);
    return 0;
}

#define BENCH_FINISH(name, scale, sum, table) \
    bench_finish((name), (scale), (sum), (table), sizeof(table) / sizeof((table)[0]))

#endif
