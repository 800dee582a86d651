/* malloc_stress.c — many malloc/calloc/realloc/free calls in a fixed
 * pseudo-random order (brk and mmap paths of glibc), with data patterns
 * checked after every move.  Prints only checksums, never pointers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512

static uint64_t rng = 0x243f6a8885a308d3ULL;
static uint64_t next(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed * 31 + i * 7);
}

static int check(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed * 31 + i * 7))
            return 0;
    return 1;
}

int main(void)
{
    unsigned char *ptr[SLOTS] = {0};
    size_t len[SLOTS] = {0};
    unsigned seed[SLOTS] = {0};
    unsigned long errors = 0, ops = 0, bytes = 0;

    for (int round = 0; round < 20000; round++) {
        int s = (int)(next() % SLOTS);
        uint64_t r = next();
        size_t n;
        switch (r % 8) {
        case 0: n = r >> 40 & 0x3ffff; break;          /* up to 256K: mmap path */
        case 1: n = 0; break;
        default: n = (r >> 20) % 600 + 1; break;
        }
        if (ptr[s] == NULL) {
            if (r & 0x100) {
                ptr[s] = calloc(1, n + 1);
                for (size_t i = 0; i < n + 1; i++)
                    if (ptr[s][i] != 0) { errors++; break; }
            } else {
                ptr[s] = malloc(n + 1);
            }
            len[s] = n + 1;
            seed[s] = (unsigned)round;
            fill(ptr[s], len[s], seed[s]);
            bytes += len[s];
        } else if (r & 0x200) {
            size_t keep = len[s] < n + 1 ? len[s] : n + 1;
            unsigned char *q = realloc(ptr[s], n + 1);
            if (!q) { errors++; continue; }
            if (!check(q, keep, seed[s]))
                errors++;
            ptr[s] = q;
            len[s] = n + 1;
            fill(q, len[s], seed[s]);
        } else {
            if (!check(ptr[s], len[s], seed[s]))
                errors++;
            free(ptr[s]);
            ptr[s] = NULL;
        }
        ops++;
    }
    unsigned long live = 0, sum = 0;
    for (int s = 0; s < SLOTS; s++) {
        if (!ptr[s])
            continue;
        if (!check(ptr[s], len[s], seed[s]))
            errors++;
        for (size_t i = 0; i < len[s]; i++)
            sum = sum * 33 + ptr[s][i];
        live++;
        free(ptr[s]);
    }
    /* One big block through mmap, touched page by page. */
    size_t big = 64u << 20;
    unsigned char *b = malloc(big);
    unsigned long bsum = 0;
    if (b) {
        for (size_t i = 0; i < big; i += 4096)
            b[i] = (unsigned char)(i >> 12);
        for (size_t i = 0; i < big; i += 4096)
            bsum += b[i];
        b = realloc(b, big * 2);
        for (size_t i = 0; i < big; i += 4096)
            bsum += b[i];
        free(b);
    }
    printf("ops=%lu bytes=%lu live=%lu sum=%lx bigsum=%lu errors=%lu\n", ops, bytes, live, sum,
           bsum, errors);
    return errors != 0;
}
