/* embed_example.c — a host program that embeds vplat's CPU (include/vplat/vplat.h).
 *
 * It places a tiny RISC-V function in guest memory that sums the integers
 * 1..a0 with a loop, runs it until the ecall at its end, and prints a0.
 * Exits non-zero if the result is not n(n+1)/2 (computed here in C).
 */
#include <stdio.h>
#include <stdlib.h>

#include "include/vplat/vplat.h"

int main(int argc, char **argv) {
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000;
    /* a1 = 0; loop: a1 += a0; a0 -= 1; bnez a0, loop; mv a0, a1; ecall */
    static const unsigned int code[] = {
        0x00000593, /* li   a1, 0        */
        0x00a585b3, /* add  a1, a1, a0   */
        0xfff50513, /* addi a0, a0, -1   */
        0xfe051ce3, /* bnez a0, -8       */
        0x00058513, /* mv   a0, a1       */
        0x00000073, /* ecall             */
    };
    char err[128];
    VplatCpu *cpu = vplat_cpu_new("riscv64", "none", 1ull << 30, err, sizeof err);
    if (!cpu) {
        fprintf(stderr, "embed_example: %s\n", err);
        return 1;
    }
    if (!vplat_mem_map(cpu, 0x10000, 0x1000, VPLAT_PROT_READ | VPLAT_PROT_WRITE | VPLAT_PROT_EXEC) ||
        !vplat_mem_write(cpu, 0x10000, code, sizeof code)) {
        fprintf(stderr, "embed_example: mapping guest memory failed\n");
        return 1;
    }
    vplat_set_pc(cpu, 0x10000);
    vplat_set_reg(cpu, 10, n);
    VplatStop stop = vplat_run(cpu, 0);
    unsigned long long sum = vplat_get_reg(cpu, 10);
    printf("sum(1..%lu) = %llu after %llu guest instructions\n", n, sum,
           (unsigned long long)vplat_insn_count(cpu));
    int ok = stop == VPLAT_STOP_ECALL && sum == (unsigned long long)n * (n + 1) / 2 &&
             vplat_get_pc(cpu) == 0x10000 + 5 * 4;
    vplat_cpu_free(cpu);
    return ok ? 0 : 1;
}
