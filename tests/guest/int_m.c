/* int_m.c — the M extension on its edge cases through inline asm:
 * division and remainder by zero, INT_MIN / -1 overflow, the three high
 * multiplies, and the *w forms (sign extension of 32-bit results).
 */
#include <stdint.h>
#include <stdio.h>

#define OP(name)                                                        \
    static uint64_t do_##name(uint64_t a, uint64_t b)                   \
    {                                                                   \
        uint64_t r;                                                     \
        asm volatile(#name " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));   \
        return r;                                                       \
    }
OP(mul) OP(mulh) OP(mulhsu) OP(mulhu) OP(div) OP(divu) OP(rem) OP(remu)
OP(mulw) OP(divw) OP(divuw) OP(remw) OP(remuw)

typedef uint64_t (*BinOp)(uint64_t, uint64_t);
static const struct { const char *name; BinOp fn; } ops[] = {
    {"mul", do_mul}, {"mulh", do_mulh}, {"mulhsu", do_mulhsu}, {"mulhu", do_mulhu},
    {"div", do_div}, {"divu", do_divu}, {"rem", do_rem}, {"remu", do_remu},
    {"mulw", do_mulw}, {"divw", do_divw}, {"divuw", do_divuw}, {"remw", do_remw},
    {"remuw", do_remuw},
};

static const uint64_t vals[] = {
    0, 1, 2, 3, 7, (uint64_t)-1, (uint64_t)-2, (uint64_t)-7, 0x7fffffffffffffffULL,
    0x8000000000000000ULL, 0x7fffffff, 0x80000000, 0xffffffff, 0xffffffff80000000ULL,
    0x100000000ULL, 0x123456789abcdef0ULL, 0xfedcba9876543210ULL, 0x00000000fffffffeULL,
};

int main(void)
{
    int n = 0;
    unsigned nv = sizeof vals / sizeof vals[0];
    for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (unsigned i = 0; i < nv; i++)
            for (unsigned j = 0; j < nv; j++) {
                printf("%-6s %016llx %016llx -> %016llx\n", ops[o].name,
                       (unsigned long long)vals[i], (unsigned long long)vals[j],
                       (unsigned long long)ops[o].fn(vals[i], vals[j]));
                n++;
            }
    /* Same register as source and destination, and x0 as destination. */
    uint64_t a = 0x8000000000000000ULL, z;
    asm volatile("div %0, %0, %1" : "+r"(a) : "r"((uint64_t)-1));
    asm volatile("mul x0, %1, %1\n\tmv %0, x0" : "=r"(z) : "r"(a));
    printf("in-place div=%016llx x0=%llu\n", (unsigned long long)a, (unsigned long long)z);
    /* C-level arithmetic the compiler lowers to M instructions. */
    long long s = 0;
    for (long long k = -1000; k <= 1000; k += 7)
        s += (k * 12345) / 17 + (k % 13) + (long long)((unsigned long long)k / 3);
    printf("c arithmetic sum=%lld cases=%d\n", s, n);
    return 0;
}
