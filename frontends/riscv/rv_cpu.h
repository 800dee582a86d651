/* rv_cpu.h — RISC-V hart state and the frontend's entry points.
 *
 * RvCpu embeds the guest-agnostic CpuState first, so core code holds a
 * CpuState* and frontend helpers convert back with rv_cpu().  Integer
 * registers x0..x31 are IR globals 0..31 and FP registers f0..f31 are
 * globals 32..63 (raw 64-bit patterns, NaN-boxed for single precision);
 * they live in cs.vals[] so the interpreter indexes them directly.
 */
#ifndef VPLAT_RV_CPU_H
#define VPLAT_RV_CPU_H

#include <stdint.h>

#include "core/cpu.h"
#include "frontends/riscv/rv_fpu.h"

#define RV_GLOBAL_X(n) ((IrVal)(n))
#define RV_GLOBAL_F(n) ((IrVal)(32 + (n)))
#define RV_NUM_GLOBALS 64

/* Exception causes (privileged spec, mcause values). */
enum {
    RV_EXC_INSN_MISALIGNED = 0,
    RV_EXC_INSN_ACCESS = 1,
    RV_EXC_ILLEGAL_INSN = 2,
    RV_EXC_BREAKPOINT = 3,
    RV_EXC_LOAD_MISALIGNED = 4,
    RV_EXC_LOAD_ACCESS = 5,
    RV_EXC_STORE_MISALIGNED = 6,
    RV_EXC_STORE_ACCESS = 7,
    RV_EXC_ECALL_U = 8,
    RV_EXC_ECALL_S = 9,
    RV_EXC_ECALL_M = 11,
    RV_EXC_INSN_PAGE_FAULT = 12,
    RV_EXC_LOAD_PAGE_FAULT = 13,
    RV_EXC_STORE_PAGE_FAULT = 15,
};

typedef struct RvCpu {
    CpuState cs;               /* must be first */
    uint32_t fflags;           /* accrued exception flags (5 bits) */
    uint32_t frm;              /* dynamic rounding mode (3 bits) */
    uint64_t res_addr;         /* LR/SC reservation: address, or ~0 if none */
    uint64_t res_val;          /* value loaded by LR (for the SC compare) */
    uint64_t cycle_base;       /* host ns at start, for rdcycle/rdtime */
} RvCpu;

static inline RvCpu *rv_cpu(void *cpu) { return (RvCpu *)cpu; }

/* The frontend's ops table (translate, dump_state, disas). */
extern const CpuArchOps rv_arch_ops;

/* Initialise a user-mode hart over `mem` (registers zero, pc = 0). */
void rv_cpu_init_user(RvCpu *cpu, GuestMem *mem);
void rv_cpu_destroy(RvCpu *cpu);

/* -d cpu: register state in qemu-riscv64's format (rv_dump.c). */
void rv_dump_state(CpuState *cpu, FILE *out);

/* The helper table (rv_helpers.c), indexed by RvHelper. */
typedef enum RvHelper {
#define RV_HELPER(name, flags) RV_H_##name,
#include "frontends/riscv/rv_helpers.def"
#undef RV_HELPER
    RV_H_COUNT
} RvHelper;
extern const IrHelperInfo rv_helpers[RV_H_COUNT];
extern const IrEnv rv_ir_env;

/* CSR helper immediate: csr number, operation, "write" flag, raw insn. */
enum { RV_CSR_RW = 0, RV_CSR_RS = 1, RV_CSR_RC = 2 };
#define RV_CSR_IMM(csr, kind, write, raw) \
    ((int64_t)((uint64_t)(csr) | ((uint64_t)(kind) << 12) | ((uint64_t)(write) << 15) | ((uint64_t)(raw) << 32)))

#endif
