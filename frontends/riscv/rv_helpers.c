/* rv_helpers.c — the RISC-V helper functions every tier calls: F/D
 * arithmetic (wrapping rv_fpu.c with rounding-mode resolution and fflags),
 * CSR access, and the A extension.  The table at the bottom is generated
 * from rv_helpers.def.
 *
 * Helpers may raise guest exceptions with cpu_raise(): the tier recorded
 * the call as the op in flight, so the exception is precise.
 */
#include <string.h>
#include <time.h>

#include "core/debug.h"
#include "frontends/riscv/rv_cpu.h"

typedef enum RvAmoOp {
    RV_AMO_SWAP, RV_AMO_ADD, RV_AMO_XOR, RV_AMO_AND, RV_AMO_OR,
    RV_AMO_MIN, RV_AMO_MAX, RV_AMO_MINU, RV_AMO_MAXU,
} RvAmoOp;

/* The translator only emits FP calls whose rounding mode is valid (a
 * static rm 0..4, or DYN while frm <= 4: see rv_tb_flags). */
static int resolve_rm(RvCpu *c, uint64_t rm) {
    if (rm == RV_RM_DYN) rm = c->frm;
    return (int)(rm > RV_RM_RMM ? RV_RM_RNE : rm);
}

#define FP_RM2(name)                                                                          \
    static uint64_t h_##name(void *cpu, uint64_t a, uint64_t b, uint64_t c_, uint64_t rm) {   \
        RvCpu *c = cpu;                                                                       \
        return rv_##name(&c->fflags, resolve_rm(c, rm), a, b);                                \
    }
#define FP_RM1(name)                                                                          \
    static uint64_t h_##name(void *cpu, uint64_t a, uint64_t b, uint64_t c_, uint64_t rm) {   \
        RvCpu *c = cpu;                                                                       \
        return rv_##name(&c->fflags, resolve_rm(c, rm), a);                                   \
    }
#define FP_RM3(name)                                                                          \
    static uint64_t h_##name(void *cpu, uint64_t a, uint64_t b, uint64_t c3, uint64_t rm) {   \
        RvCpu *c = cpu;                                                                       \
        return rv_##name(&c->fflags, resolve_rm(c, rm), a, b, c3);                            \
    }
#define FP_FL2(name)                                                                          \
    static uint64_t h_##name(void *cpu, uint64_t a, uint64_t b, uint64_t c_, uint64_t imm) {  \
        RvCpu *c = cpu;                                                                       \
        return rv_##name(&c->fflags, a, b);                                                   \
    }
#define FP_PURE2(name)                                                                        \
    static uint64_t h_##name(void *cpu, uint64_t a, uint64_t b, uint64_t c_, uint64_t imm) {  \
        return rv_##name(a, b);                                                               \
    }
#define FP_PURE1(name)                                                                        \
    static uint64_t h_##name(void *cpu, uint64_t a, uint64_t b, uint64_t c_, uint64_t imm) {  \
        return rv_##name(a);                                                                  \
    }

FP_RM2(fadd_s) FP_RM2(fsub_s) FP_RM2(fmul_s) FP_RM2(fdiv_s)
FP_RM2(fadd_d) FP_RM2(fsub_d) FP_RM2(fmul_d) FP_RM2(fdiv_d)
FP_RM1(fsqrt_s) FP_RM1(fsqrt_d)
FP_RM1(fcvt_w_s) FP_RM1(fcvt_wu_s) FP_RM1(fcvt_l_s) FP_RM1(fcvt_lu_s)
FP_RM1(fcvt_s_w) FP_RM1(fcvt_s_wu) FP_RM1(fcvt_s_l) FP_RM1(fcvt_s_lu)
FP_RM1(fcvt_w_d) FP_RM1(fcvt_wu_d) FP_RM1(fcvt_l_d) FP_RM1(fcvt_lu_d)
FP_RM1(fcvt_d_w) FP_RM1(fcvt_d_wu) FP_RM1(fcvt_d_l) FP_RM1(fcvt_d_lu)
FP_RM1(fcvt_s_d) FP_RM1(fcvt_d_s)
FP_RM3(fmadd_s) FP_RM3(fmsub_s) FP_RM3(fnmsub_s) FP_RM3(fnmadd_s)
FP_RM3(fmadd_d) FP_RM3(fmsub_d) FP_RM3(fnmsub_d) FP_RM3(fnmadd_d)
FP_FL2(fmin_s) FP_FL2(fmax_s) FP_FL2(feq_s) FP_FL2(flt_s) FP_FL2(fle_s)
FP_FL2(fmin_d) FP_FL2(fmax_d) FP_FL2(feq_d) FP_FL2(flt_d) FP_FL2(fle_d)
FP_PURE2(fsgnj_s) FP_PURE2(fsgnjn_s) FP_PURE2(fsgnjx_s) FP_PURE1(fclass_s)
FP_PURE2(fsgnj_d) FP_PURE2(fsgnjn_d) FP_PURE2(fsgnjx_d) FP_PURE1(fclass_d)

/* ---- CSRs (user level) ---------------------------------------------------- */


static uint64_t host_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t h_csr(void *cpu, uint64_t val, uint64_t b, uint64_t c_, uint64_t imm) {
    RvCpu *c = cpu;
    uint32_t csr = imm & 0xfff;
    uint32_t kind = (imm >> 12) & 3;
    bool write = (imm >> 15) & 1;
    uint32_t raw = (uint32_t)(imm >> 32);
    if (c->system) return rv_csr_access(c, csr, kind, write, val, raw);
    uint64_t old;
    bool read_only = (csr >> 10) == 3;
    if (write && read_only) cpu_raise(&c->cs, RV_EXC_ILLEGAL_INSN, raw);
    switch (csr) {
    case CSR_FFLAGS: old = c->fflags; break;
    case CSR_FRM: old = c->frm; break;
    case CSR_FCSR: old = (c->frm << 5) | c->fflags; break;
    case CSR_CYCLE:
    case CSR_TIME:
        /* the machine's clock when it has one (user mode: deterministic
         * mode and record/replay), else host nanoseconds since start */
        old = c->read_time ? c->read_time(c->time_opaque) : host_ns() - c->cycle_base;
        break;
    case CSR_INSTRET: old = c->cs.insn_count - 1; break; /* this csr insn ends its TB */
    default: cpu_raise(&c->cs, RV_EXC_ILLEGAL_INSN, raw);
    }
    if (!write) return old;
    uint64_t nv = kind == RV_CSR_RW ? val : kind == RV_CSR_RS ? (old | val) : (old & ~val);
    switch (csr) {
    case CSR_FFLAGS: c->fflags = nv & 0x1f; break;
    case CSR_FRM: c->frm = nv & 7; break;
    case CSR_FCSR: c->fflags = nv & 0x1f; c->frm = (nv >> 5) & 7; break;
    default: break;
    }
    return old;
}

/* ---- sfence.vma (system mode) ------------------------------------------------ */

static uint64_t h_sfence_vma(void *cpu, uint64_t vaddr, uint64_t asid, uint64_t c_, uint64_t imm) {
    rv_sfence_vma(cpu, vaddr, (imm & 1) != 0, (uint32_t)(imm >> 32));
    (void)asid; /* no ASIDs: every address space is flushed alike */
    return 0;
}

/* ---- A extension ---------------------------------------------------------- */

/* The host address of an atomic's operand; `watch` is how a debugger's
 * watchpoint sees the access (checked before it, core/debug.h). */
static void *amo_addr(RvCpu *c, uint64_t addr, unsigned size, bool store, uint32_t watch) {
    if (addr & (size - 1)) cpu_raise(&c->cs, store ? RV_EXC_STORE_MISALIGNED : RV_EXC_LOAD_MISALIGNED, addr);
    if (c->cs.debug) cpu_debug_watch_access(&c->cs, addr, size, watch);
    if (c->system) {
        /* through the MMU at the data access privilege (AMOs need write
         * permission even for LR-free read-modify-write) */
        return softmmu_host_ptr(&c->cs, addr, size, store ? MMU_STORE : MMU_LOAD, rv_data_mmu_idx(c));
    }
    if (addr > c->cs.mem_limit - size)
        cpu_raise(&c->cs, c->cs.fault_cause[store ? CPU_FAULT_STORE : CPU_FAULT_LOAD], addr);
    return c->cs.mem_base + addr;
}

static uint64_t amo_apply(RvAmoOp op, uint64_t old, uint64_t v, bool word) {
    int64_t so = word ? (int32_t)old : (int64_t)old, sv = word ? (int32_t)v : (int64_t)v;
    uint64_t uo = word ? (uint32_t)old : old, uv = word ? (uint32_t)v : v;
    switch (op) {
    case RV_AMO_SWAP: return v;
    case RV_AMO_ADD: return old + v;
    case RV_AMO_XOR: return old ^ v;
    case RV_AMO_AND: return old & v;
    case RV_AMO_OR: return old | v;
    case RV_AMO_MIN: return so < sv ? old : v;
    case RV_AMO_MAX: return so > sv ? old : v;
    case RV_AMO_MINU: return uo < uv ? old : v;
    case RV_AMO_MAXU: return uo > uv ? old : v;
    }
    return v;
}

static uint64_t h_amo_w(void *cpu, uint64_t addr, uint64_t v, uint64_t c_, uint64_t op) {
    RvCpu *c = cpu;
    uint32_t *p = amo_addr(c, addr, 4, true, CPU_WATCH_ACCESS);
    uint32_t old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    __atomic_store_n(p, (uint32_t)amo_apply((RvAmoOp)op, old, v, true), __ATOMIC_SEQ_CST);
    return (uint64_t)(int64_t)(int32_t)old;
}

static uint64_t h_amo_d(void *cpu, uint64_t addr, uint64_t v, uint64_t c_, uint64_t op) {
    RvCpu *c = cpu;
    uint64_t *p = amo_addr(c, addr, 8, true, CPU_WATCH_ACCESS);
    uint64_t old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    __atomic_store_n(p, amo_apply((RvAmoOp)op, old, v, false), __ATOMIC_SEQ_CST);
    return old;
}

static uint64_t h_lr_w(void *cpu, uint64_t addr, uint64_t b, uint64_t c_, uint64_t imm) {
    RvCpu *c = cpu;
    uint32_t *p = amo_addr(c, addr, 4, false, CPU_WATCH_READ);
    uint64_t v = (uint64_t)(int64_t)(int32_t)__atomic_load_n(p, __ATOMIC_SEQ_CST);
    c->res_addr = addr;
    c->res_val = v;
    return v;
}

static uint64_t h_lr_d(void *cpu, uint64_t addr, uint64_t b, uint64_t c_, uint64_t imm) {
    RvCpu *c = cpu;
    uint64_t *p = amo_addr(c, addr, 8, false, CPU_WATCH_READ);
    uint64_t v = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    c->res_addr = addr;
    c->res_val = v;
    return v;
}

/* SC succeeds (returns 0) only if a reservation is held on exactly this
 * address and memory still holds what LR saw; any SC clears it. */
static uint64_t h_sc_w(void *cpu, uint64_t addr, uint64_t v, uint64_t c_, uint64_t imm) {
    RvCpu *c = cpu;
    uint32_t *p = amo_addr(c, addr, 4, true, CPU_WATCH_WRITE);
    bool held = c->res_addr == addr;
    c->res_addr = ~(uint64_t)0;
    if (!held) return 1;
    uint32_t expected = (uint32_t)c->res_val;
    return __atomic_compare_exchange_n(p, &expected, (uint32_t)v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ? 0 : 1;
}

static uint64_t h_sc_d(void *cpu, uint64_t addr, uint64_t v, uint64_t c_, uint64_t imm) {
    RvCpu *c = cpu;
    uint64_t *p = amo_addr(c, addr, 8, true, CPU_WATCH_WRITE);
    bool held = c->res_addr == addr;
    c->res_addr = ~(uint64_t)0;
    if (!held) return 1;
    uint64_t expected = c->res_val;
    return __atomic_compare_exchange_n(p, &expected, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ? 0 : 1;
}

const IrHelperInfo rv_helpers[RV_H_COUNT] = {
#define RV_HELPER(name, flags) [RV_H_##name] = {#name, h_##name, flags},
#include "frontends/riscv/rv_helpers.def"
#undef RV_HELPER
};
