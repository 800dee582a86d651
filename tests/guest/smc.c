/* smc.c — self-modifying code.  Machine code is written into an RWX
 * mmap buffer (and into a page of our own .text), made visible with
 * __builtin___clear_cache (riscv_flush_icache) or fence.i, run, rewritten
 * differently and run again: every result line shows which code ran, so a
 * stale translation prints the wrong value.  Each version runs many times
 * so that it is hot (promoted to a JIT tier) before it is replaced.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* RV64 encoders for the few instructions used below. */
enum { ZERO = 0, RA = 1, T0 = 5, T1 = 6, A0 = 10, A1 = 11 };
static uint32_t i_type(uint32_t op, uint32_t f3, int rd, int rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | (uint32_t)rs1 << 15 | f3 << 12 | (uint32_t)rd << 7 | op;
}
static uint32_t addi(int rd, int rs1, int32_t imm) { return i_type(0x13, 0, rd, rs1, imm); }
static uint32_t slli(int rd, int rs1, int sh) { return i_type(0x13, 1, rd, rs1, sh); }
static uint32_t xori(int rd, int rs1, int32_t imm) { return i_type(0x13, 4, rd, rs1, imm); }
static uint32_t add(int rd, int rs1, int rs2)
{
    return (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | (uint32_t)rd << 7 | 0x33;
}
static uint32_t mul(int rd, int rs1, int rs2) { return add(rd, rs1, rs2) | 1u << 25; }
static uint32_t sw(int rs2, int rs1, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 5 & 0x7f) << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | 2u << 12 |
           (u & 0x1f) << 7 | 0x23;
}
static uint32_t auipc(int rd, int32_t imm20) { return (uint32_t)imm20 << 12 | (uint32_t)rd << 7 | 0x17; }
static const uint32_t RET = 0x00008067;     /* jalr x0, 0(ra) */
static const uint32_t FENCE_I = 0x0000100f;
static uint16_t c_li(int rd, int imm)
{
    return (uint16_t)(2u << 13 | ((uint32_t)imm >> 5 & 1) << 12 | (uint32_t)rd << 7 |
                      ((uint32_t)imm & 31) << 2 | 1);
}
static const uint16_t C_JR_RA = 0x8082;

typedef long (*Fn)(long, long);

static long run_many(void *code, long a, long b, int times)
{
    Fn f = (Fn)code;
    long r = 0, first = f(a, b);
    for (int i = 0; i < times; i++)
        r += f(a, b);
    return r == first * times ? first : -999999;
}

static void put32(uint8_t *p, const uint32_t *insns, int n)
{
    memcpy(p, insns, (size_t)n * 4);
}

/* A function alone in its own page of .text, rewritten in place. */
asm(".pushsection .text.smc_page, \"ax\", @progbits\n"
    ".balign 4096\n"
    ".globl smc_page_fn\n"
    "smc_page_fn:\n"
    ".option push\n"
    ".option norvc\n"       /* 4-byte slots, so one word can be replaced */
    "    addi a0, a0, 5\n"
    "    ret\n"
    ".option pop\n"
    ".balign 4096\n"
    ".popsection\n");
long smc_page_fn(long, long);

int main(void)
{
    uint8_t *buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) {
        perror("mmap");
        return 1;
    }

    uint32_t v1[] = {addi(A0, A0, 1), RET};
    put32(buf, v1, 2);
    __builtin___clear_cache((char *)buf, (char *)buf + 8);
    printf("v1 addi a0,a0,1: f(41) = %ld\n", run_many(buf, 41, 0, 2000));

    uint32_t v2[] = {slli(A0, A0, 3), RET};
    put32(buf, v2, 2);
    __builtin___clear_cache((char *)buf, (char *)buf + 8);
    printf("v2 slli a0,a0,3: f(41) = %ld\n", run_many(buf, 41, 0, 2000));

    /* Change only the immediate of one instruction in a longer body. */
    uint32_t v3[] = {mul(T0, A0, A1), addi(T0, T0, 100), xori(A0, T0, 0x55), RET};
    put32(buf, v3, 4);
    __builtin___clear_cache((char *)buf, (char *)buf + 16);
    printf("v3 mul/addi 100/xori: f(6,7) = %ld\n", run_many(buf, 6, 7, 2000));
    put32(buf + 4, (uint32_t[]){addi(T0, T0, -100)}, 1);
    __builtin___clear_cache((char *)buf + 4, (char *)buf + 8);
    printf("v3 mul/addi -100/xori: f(6,7) = %ld\n", run_many(buf, 6, 7, 2000));

    /* Compressed code over the same bytes (instruction boundaries move). */
    uint16_t v4[] = {c_li(A0, 13), C_JR_RA};
    memcpy(buf, v4, sizeof v4);
    __builtin___clear_cache((char *)buf, (char *)buf + 4);
    printf("v4 c.li a0,13; c.jr ra: f() = %ld\n", run_many(buf, 0, 0, 2000));
    uint16_t v5[] = {c_li(A0, -7), C_JR_RA};
    memcpy(buf, v5, sizeof v5);
    __builtin___clear_cache((char *)buf, (char *)buf + 4);
    printf("v5 c.li a0,-7; c.jr ra: f() = %ld\n", run_many(buf, 0, 0, 2000));

    /* Code that patches itself inside one block: the store hits the
     * instruction two slots ahead, fence.i makes the fetch see it. */
    uint8_t *selfp = buf + 4096 - 8;   /* straddle the page boundary too */
    uint32_t v6[] = {auipc(T0, 0), sw(A1, T0, 16), FENCE_I, addi(ZERO, ZERO, 0),
                     addi(A0, ZERO, 1), RET};
    put32(selfp, v6, 6);
    __builtin___clear_cache((char *)selfp, (char *)selfp + 24);
    Fn self = (Fn)selfp;
    printf("v6 self-patch to addi a0,x0,77: f() = %ld\n", self(0, addi(A0, ZERO, 77)));
    printf("v6 self-patch to addi a0,x0,99: f() = %ld\n", self(0, addi(A0, ZERO, 99)));
    long acc = 0;
    for (int i = 0; i < 1000; i++)
        acc += self(0, addi(A0, ZERO, i & 1023));
    printf("v6 self-patch loop sum = %ld\n", acc);
    printf("v6 last patch persists: word=%08x\n", *(uint32_t *)(selfp + 16));

    /* A generated function with a long body: sum of k*(a+k) for k=1..200. */
    uint32_t gen[1024];
    int n = 0;
    gen[n++] = addi(T1, ZERO, 0);
    for (int k = 1; k <= 200; k++) {
        gen[n++] = addi(T0, A0, k);
        gen[n++] = addi(A1, ZERO, k);
        gen[n++] = mul(T0, T0, A1);
        gen[n++] = add(T1, T1, T0);
    }
    gen[n++] = addi(A0, T1, 0);
    gen[n++] = RET;
    put32(buf, gen, n);
    __builtin___clear_cache((char *)buf, (char *)buf + n * 4);
    printf("v7 generated %d insns: f(3) = %ld\n", n, run_many(buf, 3, 0, 200));
    gen[1 + 4 * 150] = addi(T0, A0, -1000);
    put32(buf, gen, n);
    __builtin___clear_cache((char *)buf, (char *)buf + n * 4);
    printf("v7 one insn changed:  f(3) = %ld\n", run_many(buf, 3, 0, 200));

    /* Remap the buffer: new code at the same address. */
    munmap(buf, 8192);
    uint8_t *again = mmap(buf, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    uint32_t v8[] = {addi(A0, A1, 321), RET};
    put32(again, v8, 2);
    __builtin___clear_cache((char *)again, (char *)again + 8);
    printf("v8 after remap: f(0,1) = %ld same address=%d\n", run_many(again, 0, 1, 100),
           again == buf);

    /* Rewrite a page of our own .text. */
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t *fnp = (uint8_t *)(uintptr_t)smc_page_fn;
    uint8_t *page = (uint8_t *)((uintptr_t)fnp & ~(uintptr_t)(pg - 1));
    printf("text fn original: f(10) = %ld\n", run_many((void *)fnp, 10, 0, 2000));
    if (mprotect(page, (size_t)pg, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
        perror("mprotect");
        return 1;
    }
    put32(fnp, (uint32_t[]){addi(A0, A0, -5)}, 1);
    __builtin___clear_cache((char *)fnp, (char *)fnp + 4);
    printf("text fn patched:  f(10) = %ld\n", run_many((void *)fnp, 10, 0, 2000));
    put32(fnp, (uint32_t[]){slli(A0, A0, 4)}, 1);
    __builtin___clear_cache((char *)fnp, (char *)fnp + 4);
    printf("text fn patched again: f(10) = %ld\n", smc_page_fn(10, 0));
    mprotect(page, (size_t)pg, PROT_READ | PROT_EXEC);
    printf("text fn after mprotect r-x: f(10) = %ld\n", smc_page_fn(10, 0));
    return 0;
}
