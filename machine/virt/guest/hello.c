/* hello: the guest initramfs's test program (/bin/hello).
 *
 * Prints a fixed greeting and the results of a few small computations
 * (CRC-32 over pseudo-random bytes, 64/128-bit integer arithmetic, double
 * precision sums) whose exact output is known: hello.expected beside this
 * file. tests/boot/boot_check.sh compares the console output of a full
 * system boot against it, so a wrong integer, FP or memory result in the
 * emulator shows up as a diff. Built static with riscv64-linux-gnu-gcc by
 * scripts/build-guest.sh. Exit status 0.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

static uint8_t buf[65536];

int main(void)
{
    printf("hello from the vplat guest\n");

    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)xorshift64(&s);
    printf("crc32(64 KiB xorshift64) = %08" PRIx32 "\n", crc32(buf, sizeof buf));

    uint64_t a = 0xfedcba9876543210ull, b = 0x0123456789abcdefull;
    unsigned __int128 p = (unsigned __int128)a * b;
    int64_t sa = -(int64_t)(a >> 3);
    printf("mul128 = %016" PRIx64 "%016" PRIx64 "\n", (uint64_t)(p >> 64), (uint64_t)p);
    printf("div = %" PRIu64 " rem = %" PRIu64 " sdiv = %" PRId64 " srem = %" PRId64 "\n",
           a / 12345, a % 12345, sa / 777, sa % 777);

    double sum = 0;
    for (int i = 1; i <= 10000; i++)
        sum += 1.0 / ((double)i * i);
    uint64_t bits;
    memcpy(&bits, &sum, sizeof bits);
    printf("sum 1/i^2 (i<=10000) = %.17g (0x%016" PRIx64 ")\n", sum, bits);
    float f = 0;
    for (int i = 1; i <= 1000; i++)
        f += 1.0f / (float)i;
    printf("harmonic(1000) float = %.9g\n", (double)f);

    printf("hello done\n");
    return 0;
}
