/* atomics.c — the A extension: lr/sc success and failure, every amo*.w and
 * amo*.d on edge values (old value returned, new value stored, including
 * sign extension of the .w results), and the C11 atomics / __sync builtins
 * that compile to them.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define AMO_W(fn, insn)                                                        \
    static uint64_t fn(int32_t *p, uint64_t v)                                 \
    {                                                                          \
        uint64_t old;                                                          \
        asm volatile(insn " %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); \
        return old;                                                            \
    }
#define AMO_D(fn, insn)                                                        \
    static uint64_t fn(int64_t *p, uint64_t v)                                 \
    {                                                                          \
        uint64_t old;                                                          \
        asm volatile(insn " %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); \
        return old;                                                            \
    }
AMO_W(swap_w, "amoswap.w") AMO_W(add_w, "amoadd.w.aq") AMO_W(xor_w, "amoxor.w.rl")
AMO_W(and_w, "amoand.w.aqrl") AMO_W(or_w, "amoor.w") AMO_W(min_w, "amomin.w")
AMO_W(max_w, "amomax.w") AMO_W(minu_w, "amominu.w") AMO_W(maxu_w, "amomaxu.w")
AMO_D(swap_d, "amoswap.d") AMO_D(add_d, "amoadd.d.aq") AMO_D(xor_d, "amoxor.d.rl")
AMO_D(and_d, "amoand.d.aqrl") AMO_D(or_d, "amoor.d") AMO_D(min_d, "amomin.d")
AMO_D(max_d, "amomax.d") AMO_D(minu_d, "amominu.d") AMO_D(maxu_d, "amomaxu.d")

static const struct { const char *name; uint64_t (*fn)(int32_t *, uint64_t); } amo_w[] = {
    {"amoswap.w", swap_w}, {"amoadd.w", add_w}, {"amoxor.w", xor_w}, {"amoand.w", and_w},
    {"amoor.w", or_w}, {"amomin.w", min_w}, {"amomax.w", max_w}, {"amominu.w", minu_w},
    {"amomaxu.w", maxu_w},
};
static const struct { const char *name; uint64_t (*fn)(int64_t *, uint64_t); } amo_d[] = {
    {"amoswap.d", swap_d}, {"amoadd.d", add_d}, {"amoxor.d", xor_d}, {"amoand.d", and_d},
    {"amoor.d", or_d}, {"amomin.d", min_d}, {"amomax.d", max_d}, {"amominu.d", minu_d},
    {"amomaxu.d", maxu_d},
};

static const uint64_t vals[] = {
    0, 1, (uint64_t)-1, 0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffULL,
    0x8000000000000000ULL, 0x00000001ffffffffULL, 0xffffffff00000000ULL, 0x5555aaaa5555aaaaULL,
};
#define NV (sizeof vals / sizeof vals[0])

int main(void)
{
    int cases = 0;
    for (unsigned o = 0; o < 9; o++)
        for (unsigned i = 0; i < NV; i++)
            for (unsigned j = 0; j < NV; j++) {
                /* Neighbours check that a .w amo touches only its own word. */
                int32_t mem[3] = {0x11111111, (int32_t)vals[i], 0x22222222};
                uint64_t old = amo_w[o].fn(&mem[1], vals[j]);
                printf("%-9s mem=%08x v=%016llx -> old=%016llx new=%08x guard=%08x,%08x\n",
                       amo_w[o].name, (uint32_t)vals[i], (unsigned long long)vals[j],
                       (unsigned long long)old, (uint32_t)mem[1], (uint32_t)mem[0],
                       (uint32_t)mem[2]);
                int64_t m64 = (int64_t)vals[i];
                old = amo_d[o].fn(&m64, vals[j]);
                printf("%-9s mem=%016llx v=%016llx -> old=%016llx new=%016llx\n", amo_d[o].name,
                       (unsigned long long)vals[i], (unsigned long long)vals[j],
                       (unsigned long long)old, (unsigned long long)m64);
                cases += 2;
            }

    /* lr/sc: a store-conditional right after its lr succeeds (0), one with no
     * reservation or to a different address fails (non-zero) and stores nothing. */
    int64_t d = 0x1234, other = 0;
    uint64_t lr, sc;
    asm volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)"
                 : "=&r"(lr), "=&r"(sc) : "r"(&d), "r"((uint64_t)0x5678) : "memory");
    printf("lr.d=%llx sc.d=%llu mem=%llx\n", (unsigned long long)lr, (unsigned long long)sc,
           (unsigned long long)d);
    asm volatile("sc.d %0, %2, (%1)" : "=r"(sc) : "r"(&d), "r"((uint64_t)0x9999) : "memory");
    printf("sc.d without lr=%s mem=%llx\n", sc ? "fail" : "ok", (unsigned long long)d);
    int32_t w = -5;
    asm volatile("lr.w.aq %0, (%2)\n\tsc.w.rl %1, %3, (%2)"
                 : "=&r"(lr), "=&r"(sc) : "r"(&w), "r"((uint64_t)0x80000000) : "memory");
    printf("lr.w=%016llx sc.w=%llu mem=%08x\n", (unsigned long long)lr, (unsigned long long)sc,
           (uint32_t)w);
    /* sc to a different address than the lr: fails on qemu-riscv64 (the
     * reservation address does not match). */
    asm volatile("lr.d %0, (%2)\n\tsc.d %1, %4, (%3)"
                 : "=&r"(lr), "=&r"(sc) : "r"(&d), "r"(&other), "r"((uint64_t)7) : "memory");
    printf("sc.d other address=%s other=%lld\n", sc ? "fail" : "ok", (long long)other);
    /* A second sc after a successful one fails: the reservation is consumed. */
    asm volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)\n\tsc.d %1, %3, (%2)"
                 : "=&r"(lr), "=&r"(sc) : "r"(&d), "r"((uint64_t)0xabc) : "memory");
    printf("second sc.d=%s mem=%llx\n", sc ? "fail" : "ok", (unsigned long long)d);
    /* lr/sc loop implementing fetch-and-multiply. */
    int64_t acc = 3;
    for (int i = 0; i < 10; i++) {
        uint64_t tmp, fail;
        asm volatile("1: lr.d %0, (%2)\n\t"
                     "mul %0, %0, %3\n\t"
                     "sc.d %1, %0, (%2)\n\t"
                     "bnez %1, 1b"
                     : "=&r"(tmp), "=&r"(fail) : "r"(&acc), "r"((uint64_t)3) : "memory");
    }
    printf("lr/sc loop acc=%lld\n", (long long)acc);

    _Atomic long counter = 0;
    _Atomic int flag = 0;
    for (int i = 0; i < 1000; i++) {
        atomic_fetch_add(&counter, i);
        atomic_fetch_sub_explicit(&counter, 1, memory_order_relaxed);
    }
    int expected = 0;
    int ok1 = atomic_compare_exchange_strong(&flag, &expected, 5);
    expected = 0;
    int ok2 = atomic_compare_exchange_strong(&flag, &expected, 6);
    printf("counter=%ld cas1=%d cas2=%d expected=%d flag=%d\n", (long)counter, ok1, ok2, expected,
           (int)flag);
    short sh = 0x7ff0;
    unsigned char by = 250;
    __sync_fetch_and_add(&sh, 0x20);
    __sync_fetch_and_add(&by, 10);
    long xchg = __sync_lock_test_and_set(&d, 42);
    printf("sub-word sync: sh=%d by=%d xchg=%lx d=%lld\n", sh, by, xchg, (long long)d);
    printf("cases=%d\n", cases);
    return 0;
}
