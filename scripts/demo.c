/* demo.c — the program scripts/main.sh runs under vplat and qemu-riscv64:
 * a little of everything a C program does (argv, formatted floats, malloc,
 * qsort, a hash, libm), printing results that both must agree on. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    printf("Hello from riscv64, argc=%d:", argc);
    for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
    printf("\n");
    enum { N = 100000 };
    int *v = malloc(N * sizeof *v);
    uint32_t x = 2463534242u;
    for (int i = 0; i < N; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        v[i] = (int)(x % 1000003);
    }
    qsort(v, N, sizeof *v, cmp_int);
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < N; i++) h = (h ^ (uint64_t)v[i]) * 1099511628211ull;
    printf("sorted %d ints: min=%d median=%d max=%d fnv=%016llx\n", N, v[0], v[N / 2], v[N - 1],
           (unsigned long long)h);
    double s = 0;
    for (int k = 1; k <= 1000; k++) s += sin(k) / k;
    printf("sum sin(k)/k = %.15f, sqrt(2) = %.17g, exp(1) = %a\n", s, sqrt(2.0), exp(1.0));
    free(v);
    return 0;
}
