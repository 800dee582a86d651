/* lockstep_int.c — an integer workload for the lockstep checker: CRC-32,
 * a sieve, an insertion sort, 64-bit multiply/divide mixes, a jump table
 * and compressed/uncompressed code as gcc emits it.  Freestanding (see
 * start.S); prints a few hex results with the write syscall.
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

static uint32_t crc32(const uint8_t *p, int n)
{
    uint32_t c = 0xffffffffu;
    for (int i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

static int classify(int x)
{
    switch (x & 7) {
    case 0: return x * 3;
    case 1: return x - 100;
    case 2: return x << 4;
    case 3: return x ^ 0x5a5a;
    case 4: return -x;
    case 5: return x / 3;
    case 6: return x % 7;
    default: return 42;
    }
}

static uint8_t data[256];
static uint8_t sieve[600];
static int64_t arr[40];

int main(void)
{
    for (int i = 0; i < 256; i++)
        data[i] = (uint8_t)(i * 37 + 11);
    put_hex("crc32", crc32(data, 64));

    int primes = 0;
    for (int i = 2; i < 600; i++) {
        if (sieve[i])
            continue;
        primes++;
        for (int j = i * i; j < 600; j += i)
            sieve[j] = 1;
    }
    put_hex("primes", (uint64_t)primes);

    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 40; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        arr[i] = (int64_t)x >> (i & 31);
    }
    for (int i = 1; i < 40; i++) {
        int64_t v = arr[i];
        int j = i - 1;
        while (j >= 0 && arr[j] > v) {
            arr[j + 1] = arr[j];
            j--;
        }
        arr[j + 1] = v;
    }
    put_hex("sorted[0]", (uint64_t)arr[0]);
    put_hex("sorted[39]", (uint64_t)arr[39]);

    uint64_t acc = 1;
    int64_t s = -7;
    for (int i = 1; i < 60; i++) {
        acc = acc * 0x5851f42d4c957f2dull + (uint64_t)i;
        s += (int64_t)(acc % 1000) / (i - 30 == 0 ? 1 : i - 30);
        s ^= (int32_t)acc >> 3;
    }
    put_hex("mix", acc);
    put_hex("signed", (uint64_t)s);

    int t = 0;
    for (int i = -20; i < 20; i++)
        t += classify(i);
    put_hex("switch", (uint64_t)(int64_t)t);
    return 0;
}
