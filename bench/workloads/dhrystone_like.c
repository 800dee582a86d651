/*
 * dhrystone_like.c — a synthetic "typical systems code" mix in the spirit of
 * Dhrystone (our own code): small records passed by pointer and copied by
 * value, enums and switches, short fixed-size string copies and compares,
 * 1-D and 2-D array updates, and many calls to small non-inlined
 * procedures.  It stresses calls/returns, loads/stores of struct fields and
 * short branchy code rather than any one heavy kernel.
 * Usage: dhrystone_like [scale]; the work grows linearly with scale.
 */
#include "bench_common.h"

#define DEFAULT_SCALE 70
#define QUICK_SCALE 20 /* smallest run of >= 0.2 s under qemu-riscv64 */
#define ROUNDS_PER_SCALE 20000

static const BenchExpect expected[] = {
    /* scale, checksum: native x86-64 and qemu-riscv64 agree */
    {1, 0x0ff8e2a5434536cdull},
    {20, 0x3a04c9c166315fd9ull},
    {70, 0x42b95e27f65fd66eull},
};

#define NOINLINE __attribute__((noinline))

typedef enum { COLOR_RED, COLOR_GREEN, COLOR_BLUE, COLOR_CYAN, COLOR_MAGENTA } Color;

typedef struct Record {
    struct Record *link;
    Color color;
    int32_t number;
    int32_t weight;
    char label[32];
} Record;

typedef struct {
    int32_t counter;
    int32_t grid[24][24];
    int32_t line[48];
    char tag;
    int flag;
    char buf_a[32];
    char buf_b[32];
} Globals;

static Globals g;

NOINLINE static Color color_rotate(Color c, int32_t k)
{
    switch (c) {
    case COLOR_RED:
        return k > 3 ? COLOR_BLUE : COLOR_GREEN;
    case COLOR_GREEN:
        return COLOR_CYAN;
    case COLOR_BLUE:
        return k & 1 ? COLOR_RED : COLOR_MAGENTA;
    case COLOR_CYAN:
        return COLOR_MAGENTA;
    default:
        return COLOR_RED;
    }
}

NOINLINE static int color_is_warm(Color c)
{
    return c == COLOR_RED || c == COLOR_MAGENTA;
}

NOINLINE static int32_t add_scaled(int32_t a, int32_t b, int32_t s)
{
    return a + b * s;
}

NOINLINE static void set_label(Record *r, const char *text, int32_t n)
{
    /* Fixed pattern plus one varying character, like a formatted name. */
    strcpy(r->label, text);
    r->label[13] = (char)('A' + (n % 26));
}

NOINLINE static int labels_order(const char *a, const char *b)
{
    int c = strcmp(a, b);
    return c < 0 ? -1 : c > 0;
}

NOINLINE static void grid_update(int32_t v, int32_t i)
{
    int32_t r = (i + 5) % 24, c = (i * 7 + 3) % 24;
    g.line[r] = v;
    g.line[r + 1] = g.line[r];
    g.line[r + 24] = r;
    for (int k = r; k <= r + 2 && k < 24; k++)
        g.grid[r][k] = r + c;
    g.grid[r][(r + 23) % 24] += 1;
    g.grid[(r + 20) % 24][r] = g.line[r];
    g.counter += 5;
}

NOINLINE static void record_step(Record *p, int32_t round)
{
    Record *next = p->link;
    *next = *p; /* struct copy */
    next->number = p->number + (round & 7);
    next->link = p;
    if (next->color == COLOR_GREEN) {
        next->number += 6;
        next->color = color_rotate(p->color, next->number);
        next->weight = add_scaled(next->weight, next->number, 3);
    } else {
        next->color = color_rotate(next->color, round);
        next->weight -= next->number >> 1;
    }
    if (color_is_warm(next->color))
        g.flag = !g.flag;
    p->link = next;
}

NOINLINE static char char_pick(char a, char b)
{
    return (a == b) ? a : (char)(a < b ? b : a);
}

NOINLINE static int32_t run_round(Record *r1, int32_t round)
{
    int32_t i1 = 2 + (round & 3), i2 = 3, i3 = 0;
    const char *s1 = "SAMPLE STRING 1ST ONE", *s2 = "SAMPLE STRING 2ND ONE";

    memcpy(g.buf_a, s1, 22);
    strcpy(g.buf_b, (round & 1) ? s1 : s2);
    g.tag = char_pick('A', (char)('A' + (round & 1)));
    int order = labels_order(g.buf_a, g.buf_b);
    g.flag = order <= 0;
    while (i1 < i2) {
        i3 = 5 * i1 - i2;
        i3 = add_scaled(i1, i2, 2) + i3;
        i1++;
    }
    grid_update(i3, round);
    record_step(r1, round);
    set_label(r1, s1, round);
    int cmp = labels_order(r1->label, r1->link->label);
    for (char c = 'A'; c <= g.tag; c++) {
        if (color_is_warm(color_rotate((Color)(c & 3), i3)))
            i2 += c;
    }
    i2 = i2 * i1;
    i1 = i2 / (i3 | 1);
    i2 = 7 * (i2 - i3) - i1;
    return i1 + i2 + i3 + cmp + order + r1->number + r1->weight;
}

int main(int argc, char **argv)
{
    long scale = bench_scale(argc, argv, DEFAULT_SCALE);
    static Record a, b;
    a.link = &b;
    a.color = COLOR_GREEN;
    a.number = 40;
    a.weight = 1;
    strcpy(a.label, "FIRST RECORD LABEL");
    strcpy(b.label, "SECOND RECORD LABEL");

    uint64_t sum = 0;
    uint32_t acc = 0;
    for (long round = 0; round < scale * ROUNDS_PER_SCALE; round++) {
        acc = acc * 33u + (uint32_t)run_round(&a, (int32_t)round);
        a.number &= 0xffff;
        a.weight &= 0xfffff;
        if ((round & 1023) == 1023) {
            sum = bench_mix(sum, acc);
            acc = 0;
        }
    }
    sum = bench_mix(sum, acc);
    for (int i = 0; i < 24; i++)
        for (int j = 0; j < 24; j++)
            sum = bench_mix(sum, (uint32_t)g.grid[i][j]);
    for (int i = 0; i < 48; i++)
        sum = bench_mix(sum, (uint32_t)g.line[i]);
    sum = bench_mix(sum, ((uint64_t)(uint32_t)g.counter << 8) | (uint64_t)(g.flag & 1));
    return BENCH_FINISH("dhrystone_like", scale, sum, expected);
}
