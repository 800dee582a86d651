/*
 * sha256.c — SHA-256 (FIPS 180-4, written here from the specification) over
 * megabytes of generated data.  A pure 32-bit integer kernel:
 * rotates, shifts, xors and adds with a 64-entry round loop, which an
 * emulator must translate into tight host code to be competitive.
 * It first checks the implementation on the standard "abc" and
 * two-block test vectors, then hashes a 1 MiB buffer `scale` times, each
 * pass starting with the previous digest, so no pass can be skipped.
 * Usage: sha256 [scale]; scale = number of MiB hashed.
 */
#include "bench_common.h"

#define DEFAULT_SCALE 40
#define QUICK_SCALE 12 /* smallest run of >= 0.2 s under qemu-riscv64 */
#define BUF_BYTES (1u << 20)

static const BenchExpect expected[] = {
    /* scale, checksum: native x86-64 and qemu-riscv64 agree */
    {1, 0xdb390d26ba0157dfull},
    {12, 0x435cf0d1fd1634f2ull},
    {40, 0xa4dd404629c74529ull},
};

typedef struct {
    uint32_t h[8];
    uint8_t block[64];
    uint32_t fill;
    uint64_t length;
} Sha256;

static const uint32_t round_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void sha256_compress(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +
                      ((e & f) ^ (~e & g)) + round_k[i] + w[i];
        uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +
                      ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256_init(Sha256 *s)
{
    static const uint32_t iv[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    memcpy(s->h, iv, sizeof iv);
    s->fill = 0;
    s->length = 0;
}

static void sha256_update(Sha256 *s, const uint8_t *data, size_t n)
{
    s->length += n;
    if (s->fill) {
        while (n && s->fill < 64) {
            s->block[s->fill++] = *data++;
            n--;
        }
        if (s->fill < 64)
            return;
        sha256_compress(s->h, s->block);
        s->fill = 0;
    }
    while (n >= 64) {
        sha256_compress(s->h, data);
        data += 64;
        n -= 64;
    }
    memcpy(s->block, data, n);
    s->fill = (uint32_t)n;
}

static void sha256_final(Sha256 *s, uint8_t out[32])
{
    uint64_t bits = s->length * 8;
    uint8_t pad = 0x80;
    sha256_update(s, &pad, 1);
    pad = 0;
    while (s->fill != 56)
        sha256_update(s, &pad, 1);
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(s, len, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

static int check_vector(const char *msg, const char *hex)
{
    Sha256 s;
    uint8_t d[32];
    char got[65];
    sha256_init(&s);
    sha256_update(&s, (const uint8_t *)msg, strlen(msg));
    sha256_final(&s, d);
    for (int i = 0; i < 32; i++)
        snprintf(got + 2 * i, 3, "%02x", d[i]);
    if (strcmp(got, hex) != 0) {
        fprintf(stderr, "sha256: test vector failed for \"%s\": got %s\n", msg, got);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    long scale = bench_scale(argc, argv, DEFAULT_SCALE);
    if (!check_vector("abc",
                      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") ||
        !check_vector("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"))
        return 1;

    static uint8_t buf[BUF_BYTES];
    uint64_t rng = 0x6a09e667f3bcc908ull;
    for (size_t i = 0; i < BUF_BYTES; i += 8) {
        uint64_t r = bench_rand(&rng);
        for (int k = 0; k < 8; k++)
            buf[i + k] = (uint8_t)(r >> (8 * k));
    }

    uint8_t digest[32] = {0};
    uint64_t sum = 0;
    for (long pass = 0; pass < scale; pass++) {
        Sha256 s;
        sha256_init(&s);
        sha256_update(&s, digest, sizeof digest);
        /* Odd split sizes exercise the partial-block path too. */
        sha256_update(&s, buf, 1000);
        sha256_update(&s, buf + 1000, BUF_BYTES - 1000 - (size_t)pass % 61);
        sha256_final(&s, digest);
        uint64_t v;
        memcpy(&v, digest, 8);
        sum = bench_mix(sum, v);
    }
    for (int i = 0; i < 32; i++)
        sum = bench_mix(sum, digest[i]);
    return BENCH_FINISH("sha256", scale, sum, expected);
}
