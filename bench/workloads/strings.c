/*
 * strings.c — C-string and memory-block heavy work through the C library:
 * memcpy/memmove of blocks of many sizes and alignments, memset, memcmp,
 * strlen, strcpy/strcat building, strcmp/strncmp over strings sharing long
 * prefixes, strchr/strrchr and strstr searches, and a hand-written
 * byte-at-a-time tokenizer.  Under emulation this measures the guest
 * libc's string routines (word-at-a-time loops, unaligned tails) plus
 * byte loads and stores.
 * Usage: strings [scale]; the number of rounds grows linearly with scale.
 */
#include "bench_common.h"

#define DEFAULT_SCALE 120
#define QUICK_SCALE 25 /* smallest run of >= 0.2 s under qemu-riscv64 */
#define ROUNDS_PER_SCALE 4
#define ARENA 65536
#define NSTR 512

static const BenchExpect expected[] = {
    /* scale, checksum: native x86-64 and qemu-riscv64 agree */
    {1, 0xceb7fc2c06538611ull},
    {25, 0x1971fa1495e31bedull},
    {120, 0xef646ebc5b376deeull},
};

static unsigned char arena_a[ARENA + 64], arena_b[ARENA + 64];
static char text[ARENA];
static char words[NSTR][80];

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i += 61)
        h = h * 1099511628211ull ^ s[i];
    return h;
}

/* memcpy / memmove / memset / memcmp on varying sizes and alignments. */
static uint64_t block_work(uint64_t *rng)
{
    uint64_t h = 0;
    for (int i = 0; i < 600; i++) {
        uint64_t r = bench_rand(rng);
        size_t len = (i & 3) == 0 ? (size_t)(r % 4096) : (size_t)(r % 200);
        size_t src = (r >> 16) % (ARENA - len);
        size_t dst = (r >> 40) % (ARENA - len);
        memcpy(arena_b + dst, arena_a + src, len);
        if ((i & 7) == 3)
            memmove(arena_a + dst, arena_a + src, len);
        if ((i & 15) == 5)
            memset(arena_a + src, (int)(r & 0xff), len / 2);
        int c = memcmp(arena_a + src, arena_b + dst, len);
        h = h * 3 + (uint64_t)(c < 0 ? 1 : c > 0 ? 2 : 0);
    }
    return hash_bytes(h, arena_b, ARENA);
}

/* Builds strings with strcpy/strcat, then compares and measures them. */
static uint64_t string_work(uint64_t *rng)
{
    static const char *const stems[] = {
        "vplat", "translation", "block", "cache", "interpreter", "register",
        "allocator", "riscv", "emulator", "benchmark", "a", "",
    };
    const size_t nstems = sizeof stems / sizeof stems[0];
    uint64_t h = 0;
    for (int i = 0; i < NSTR; i++) {
        uint64_t r = bench_rand(rng);
        char *w = words[i];
        strcpy(w, "prefix/common/path/");
        for (int k = 0; k < 4; k++) {
            strcat(w, stems[(r >> (8 * k)) % nstems]);
            if ((r >> (40 + k)) & 1)
                strcat(w, "_");
        }
    }
    for (int i = 0; i < NSTR; i++) {
        const char *x = words[i], *y = words[(i * 7 + 3) % NSTR];
        int c = strcmp(x, y);
        int cn = strncmp(x, y, 24);
        size_t lx = strlen(x);
        const char *us = strchr(x, '_');
        const char *last = strrchr(x, 'e');
        const char *sub = strstr(x, "ache");
        h = h * 31 + lx;
        h = h * 31 + (uint64_t)(c < 0 ? 1 : c > 0 ? 2 : 0) * 3 + (uint64_t)(cn != 0);
        h = h * 31 + (uint64_t)(us ? us - x : -1);
        h = h * 31 + (uint64_t)(last ? last - x : -1);
        h = h * 31 + (uint64_t)(sub ? sub - x : -1);
    }
    return h;
}

/* A byte-by-byte tokenizer over a long generated text, plus library
 * searches over the whole text. */
static uint64_t text_work(uint64_t *rng)
{
    size_t pos = 0;
    while (pos < ARENA - 100) {
        const char *w = words[bench_rand(rng) % NSTR];
        size_t n = strlen(w);
        memcpy(text + pos, w, n);
        pos += n;
        text[pos++] = (bench_rand(rng) & 7) ? ' ' : '\n';
    }
    text[pos] = '\0';

    uint64_t h = strlen(text);
    size_t tokens = 0, longest = 0, cur = 0, lines = 0;
    for (const char *p = text; *p; p++) {
        if (*p == ' ' || *p == '\n') {
            if (cur) {
                tokens++;
                if (cur > longest)
                    longest = cur;
            }
            lines += *p == '\n';
            cur = 0;
        } else {
            cur++;
        }
    }
    h = h * 31 + tokens;
    h = h * 31 + longest;
    h = h * 31 + lines;
    size_t hits = 0;
    for (const char *p = text; (p = strstr(p, "emulator_")) != NULL; p++)
        hits++;
    h = h * 31 + hits;
    return h;
}

int main(int argc, char **argv)
{
    long scale = bench_scale(argc, argv, DEFAULT_SCALE);
    uint64_t rng = 0x9b05688c2b3e6c1full;
    for (size_t i = 0; i < sizeof arena_a; i++)
        arena_a[i] = (unsigned char)(bench_rand(&rng) & 0x7f);
    uint64_t sum = 0;
    for (long round = 0; round < scale * ROUNDS_PER_SCALE; round++) {
        sum = bench_mix(sum, block_work(&rng));
        sum = bench_mix(sum, string_work(&rng));
        sum = bench_mix(sum, text_work(&rng));
    }
    return BENCH_FINISH("strings", scale, sum, expected);
}
