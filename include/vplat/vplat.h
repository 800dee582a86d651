/* vplat.h — embedding vplat's virtual CPU in another program.
 *
 * A host program creates a CPU with its own guest memory, maps pages,
 * copies code and data in, sets registers and runs until the guest stops
 * (an ecall, an exception, ebreak, or an instruction budget).  Nothing is
 * global: any number of CPUs may exist side by side.
 *
 *   char err[128];
 *   VplatCpu *cpu = vplat_cpu_new("riscv64", "none", 1ull << 30, err, sizeof err);
 *   vplat_mem_map(cpu, 0x10000, 0x1000, VPLAT_PROT_READ | VPLAT_PROT_WRITE | VPLAT_PROT_EXEC);
 *   vplat_mem_write(cpu, 0x10000, code, sizeof code);
 *   vplat_set_pc(cpu, 0x10000);
 *   VplatStop s = vplat_run(cpu, 1000000);     // e.g. VPLAT_STOP_ECALL
 *   uint64_t a0 = vplat_get_reg(cpu, 10);
 *   vplat_cpu_free(cpu);
 */
#ifndef VPLAT_VPLAT_H
#define VPLAT_VPLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct VplatCpu VplatCpu;

enum { VPLAT_PROT_READ = 1, VPLAT_PROT_WRITE = 2, VPLAT_PROT_EXEC = 4 };

typedef enum VplatStop {
    VPLAT_STOP_ECALL = 1,      /* pc at the ecall; advance it yourself (+4) to continue */
    VPLAT_STOP_EXCEPTION,      /* vplat_exception() gives cause and tval; pc at the faulting insn */
    VPLAT_STOP_BREAK,          /* ebreak */
    VPLAT_STOP_LIMIT,          /* the instruction budget ran out */
} VplatStop;

/* arch: "riscv64".  jit: "none" (interpreter), "native" (every block
 * compiled to x86-64 on first sight) or "llvm" (every block compiled by
 * LLVM on first sight, as the head of a region).  mem_size: size of the
 * guest address space (a multiple of 4096).  NULL on error, with a reason. */
VplatCpu *vplat_cpu_new(const char *arch, const char *jit, uint64_t mem_size, char *err, size_t err_len);
void vplat_cpu_free(VplatCpu *cpu);

/* Guest memory accesses from the host follow the guest's permissions:
 * vplat_mem_write needs VPLAT_PROT_WRITE, vplat_mem_read VPLAT_PROT_READ.
 * Writes invalidate any translated code they overlap. */
bool vplat_mem_map(VplatCpu *cpu, uint64_t addr, uint64_t len, unsigned prot);
bool vplat_mem_write(VplatCpu *cpu, uint64_t addr, const void *src, size_t len);
bool vplat_mem_read(VplatCpu *cpu, uint64_t addr, void *dst, size_t len);

/* Registers: 0..31 integer x0..x31, 32..63 FP f0..f31 (raw bits). */
uint64_t vplat_get_reg(VplatCpu *cpu, unsigned idx);
void vplat_set_reg(VplatCpu *cpu, unsigned idx, uint64_t value);
uint64_t vplat_get_pc(VplatCpu *cpu);
void vplat_set_pc(VplatCpu *cpu, uint64_t pc);
uint64_t vplat_insn_count(VplatCpu *cpu);

/* Run at most max_insns more instructions (0 = no budget). */
VplatStop vplat_run(VplatCpu *cpu, uint64_t max_insns);
void vplat_exception(VplatCpu *cpu, uint32_t *cause, uint64_t *tval);

#ifdef __cplusplus
}
#endif
#endif
