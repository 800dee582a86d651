/* lockstep_fp.c — a floating-point workload for the lockstep checker:
 * Newton square roots, a dot product with fused multiply-adds, float and
 * double conversions, divisions that raise fflags, rounding-mode changes.
 * Freestanding (see start.S).
 */
#include <stdint.h>

long sys_write(int fd, const void *buf, long len);

static void put_hex(const char *label, uint64_t v)
{
    char buf[64];
    int n = 0;
    while (*label)
        buf[n++] = *label++;
    buf[n++] = '=';
    for (int i = 15; i >= 0; i--)
        buf[n++] = "0123456789abcdef"[(v >> (i * 4)) & 15];
    buf[n++] = '\n';
    sys_write(1, buf, n);
}

static uint64_t bits(double d)
{
    union { double d; uint64_t u; } v = {d};
    return v.u;
}

static double newton_sqrt(double a)
{
    double x = a > 1 ? a / 2 : 1;
    for (int i = 0; i < 20; i++)
        x = 0.5 * (x + a / x);
    return x;
}

static volatile double vin[16];
static volatile float fin[16];

int main(void)
{
    for (int i = 0; i < 16; i++) {
        vin[i] = (i - 7.5) * 1.25e-3 + i * i;
        fin[i] = (float)(i * 0.3 - 2.0);
    }
    double s = 0;
    for (int i = 0; i < 16; i++)
        s += newton_sqrt(vin[i] < 0 ? -vin[i] : vin[i]);
    put_hex("sqrt-sum", bits(s));

    double dot = 0;
    for (int i = 0; i < 16; i++)
        dot = __builtin_fma(vin[i], vin[15 - i], dot);
    put_hex("fma-dot", bits(dot));

    float f = 1.0f;
    for (int i = 0; i < 16; i++)
        f = f * fin[i] + 0.5f;
    union { float f; uint32_t u; } fu = {f};
    put_hex("float", fu.u);

    int64_t ints = 0;
    for (int i = 0; i < 16; i++)
        ints += (int64_t)(vin[i] * 1000.0) + (int32_t)fin[i] + (int64_t)(unsigned)(vin[i] * 3);
    put_hex("convert", (uint64_t)ints);

    uint64_t flags;
    volatile double zero = 0.0, one = 1.0, big = 1e308;
    double q = one / zero;
    double o = big * 10.0;
    double tiny = 1e-308 / 1e10;
    asm volatile("frflags %0" : "=r"(flags));
    put_hex("flags", flags);
    put_hex("q", bits(q) ^ bits(o) ^ bits(tiny));

    double r[4];
    for (unsigned rm = 0; rm < 4; rm++) {
        asm volatile("fsrm %0" : : "r"(rm));
        double a = vin[3], b = vin[11];
        asm volatile("fdiv.d %0, %1, %2" : "=f"(r[rm]) : "f"(a), "f"(b));
    }
    asm volatile("fsrm x0");
    put_hex("rm", bits(r[0]) ^ bits(r[1]) * 3 ^ bits(r[2]) * 5 ^ bits(r[3]) * 7);
    return 0;
}
