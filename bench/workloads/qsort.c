/*
 * qsort.c — sorting: an array of 64-bit-keyed ints with our own
 * introspective quicksort (median-of-three, insertion sort for short runs,
 * heapsort fallback), and an array of short strings sorted by pointer with
 * the C library's qsort() and a strcmp-based comparator (indirect calls
 * into a callback, byte-wise compares).  Data-dependent, hard-to-predict
 * branches and lots of loads/stores.  Both results are verified sorted
 * and hashed in order.
 * Usage: qsort [scale]; the number of sort rounds grows linearly with scale.
 */
#include "bench_common.h"

#define DEFAULT_SCALE 35
#define QUICK_SCALE 10 /* smallest run of >= 0.2 s under qemu-riscv64 */
#define INT_N 50000
#define STR_N 12000
#define STR_MAX 24

static const BenchExpect expected[] = {
    /* scale, checksum: native x86-64 and qemu-riscv64 agree */
    {1, 0xf3fde5934c1c2b3dull},
    {10, 0x8b3544160872edc2ull},
    {35, 0x240d917c3c4d40e8ull},
};

static void insertion_sort(int32_t *a, long n)
{
    for (long i = 1; i < n; i++) {
        int32_t v = a[i];
        long j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static void sift_down(int32_t *a, long root, long n)
{
    for (;;) {
        long child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        int32_t t = a[root]; a[root] = a[child]; a[child] = t;
        root = child;
    }
}

static void heap_sort(int32_t *a, long n)
{
    for (long i = n / 2 - 1; i >= 0; i--)
        sift_down(a, i, n);
    for (long i = n - 1; i > 0; i--) {
        int32_t t = a[0]; a[0] = a[i]; a[i] = t;
        sift_down(a, 0, i);
    }
}

static void intro_sort(int32_t *a, long n, int depth)
{
    while (n > 16) {
        if (depth-- == 0) {
            heap_sort(a, n);
            return;
        }
        long mid = n / 2;
        /* Median of three into a[mid]. */
        if (a[mid] < a[0]) { int32_t t = a[mid]; a[mid] = a[0]; a[0] = t; }
        if (a[n - 1] < a[0]) { int32_t t = a[n - 1]; a[n - 1] = a[0]; a[0] = t; }
        if (a[n - 1] < a[mid]) { int32_t t = a[n - 1]; a[n - 1] = a[mid]; a[mid] = t; }
        int32_t pivot = a[mid];
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            int32_t t = a[i]; a[i] = a[j]; a[j] = t;
            i++;
            j--;
        }
        /* Recurse into the smaller half, loop on the larger one. */
        long left = j + 1;
        if (left < n - left) {
            intro_sort(a, left, depth);
            a += left;
            n -= left;
        } else {
            intro_sort(a + left, n - left, depth);
            n = left;
        }
    }
    insertion_sort(a, n);
}

static int cmp_str(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    return strcmp(a, b);
}

static int32_t ints[INT_N];
static char str_pool[STR_N][STR_MAX + 1];
static char *strs[STR_N];

int main(int argc, char **argv)
{
    long scale = bench_scale(argc, argv, DEFAULT_SCALE);
    uint64_t sum = 0;
    for (long round = 0; round < scale; round++) {
        uint64_t rng = 0xb7e151628aed2a6bull + (uint64_t)round * 0x1000193ull;

        /* Mostly random ints, with a sorted run and many duplicates mixed in
         * so that every branch of the partition loop gets exercised. */
        for (long i = 0; i < INT_N; i++) {
            uint64_t r = bench_rand(&rng);
            if (i % 5 == 4)
                ints[i] = (int32_t)(r % 64);
            else if (i > INT_N - 2000)
                ints[i] = (int32_t)i;
            else
                ints[i] = (int32_t)(uint32_t)r;
        }
        intro_sort(ints, INT_N, 2 * 17);
        uint64_t h = 0;
        for (long i = 0; i < INT_N; i++) {
            if (i > 0 && ints[i - 1] > ints[i]) {
                fprintf(stderr, "qsort: int array not sorted at %ld\n", i);
                return 1;
            }
            h = h * 31 + (uint32_t)ints[i];
        }
        sum = bench_mix(sum, h);

        /* Strings over a small alphabet with shared prefixes, so compares
         * run past the first few characters. */
        for (long i = 0; i < STR_N; i++) {
            uint64_t r = bench_rand(&rng);
            int len = 4 + (int)(r % (STR_MAX - 4 + 1));
            r >>= 8;
            char *s = str_pool[i];
            for (int k = 0; k < len; k++) {
                if (k < 3)
                    s[k] = (char)('a' + (r >> (2 * k) & 1));
                else
                    s[k] = (char)('a' + bench_rand(&rng) % 26);
            }
            s[len] = '\0';
            strs[i] = s;
        }
        qsort(strs, STR_N, sizeof strs[0], cmp_str);
        h = 0;
        for (long i = 0; i < STR_N; i++) {
            if (i > 0 && strcmp(strs[i - 1], strs[i]) > 0) {
                fprintf(stderr, "qsort: string array not sorted at %ld\n", i);
                return 1;
            }
            for (const char *p = strs[i]; *p; p++)
                h = h * 131 + (uint8_t)*p;
        }
        sum = bench_mix(sum, h);
    }
    return BENCH_FINISH("qsort", scale, sum, expected);
}
