/* sort_search.c — qsort and bsearch over ints, doubles, strings and
 * structs (callbacks through function pointers, indirect jumps), printed
 * as checksums plus a few sampled elements.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Rec {
    int key;
    char name[12];
    double w;
} Rec;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
static int cmp_rec(const void *a, const void *b)
{
    const Rec *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return strcmp(x->name, y->name);
}

static uint32_t rng = 12345;
static uint32_t next(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 1;
}

int main(void)
{
    enum { N = 5000 };
    static int a[N];
    static double d[N];
    static char sbuf[N][16];
    static const char *s[N];
    static Rec r[N];

    for (int i = 0; i < N; i++) {
        a[i] = (int)next() - (1 << 30);
        d[i] = ((int)next() - (1 << 30)) / 1024.0;
        snprintf(sbuf[i], sizeof sbuf[i], "k%08x", next());
        s[i] = sbuf[i];
        r[i].key = (int)(next() % 100);
        snprintf(r[i].name, sizeof r[i].name, "n%u", next() % 100000);
        r[i].w = i * 0.5;
    }
    qsort(a, N, sizeof a[0], cmp_int);
    qsort(d, N, sizeof d[0], cmp_dbl);
    qsort(s, N, sizeof s[0], cmp_str);
    qsort(r, N, sizeof r[0], cmp_rec);

    int sorted = 1;
    for (int i = 1; i < N; i++) {
        sorted &= a[i - 1] <= a[i];
        sorted &= d[i - 1] <= d[i];
        sorted &= strcmp(s[i - 1], s[i]) <= 0;
        sorted &= cmp_rec(&r[i - 1], &r[i]) <= 0;
    }
    printf("sorted=%d\n", sorted);
    for (int i = 0; i < N; i += 997)
        printf("a[%d]=%d d[%d]=%.4f s[%d]=%s r[%d]={%d,%s,%.1f}\n", i, a[i], i, d[i], i, s[i], i,
               r[i].key, r[i].name, r[i].w);

    int found = 0, missing = 0;
    for (int i = 0; i < 3000; i++) {
        int key = (i & 1) ? a[next() % N] : (int)next() - (1 << 30);
        int *p = bsearch(&key, a, N, sizeof a[0], cmp_int);
        if (p) {
            found++;
            if (*p != key)
                printf("bsearch mismatch\n");
        } else {
            missing++;
        }
    }
    const char *probe = s[1234];
    const char **ps = bsearch(&probe, s, N, sizeof s[0], cmp_str);
    printf("found=%d missing=%d string probe index=%ld\n", found, missing,
           ps ? (long)(ps - s) : -1L);
    Rec key = r[4321];
    Rec *pr = bsearch(&key, r, N, sizeof r[0], cmp_rec);
    printf("record probe ok=%d\n", pr != NULL && pr->key == key.key);
    return 0;
}
