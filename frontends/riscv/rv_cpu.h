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

/* Interrupt causes (mcause with the top bit set) and their mip/mie bits. */
enum {
    RV_IRQ_SSI = 1, RV_IRQ_MSI = 3, RV_IRQ_STI = 5, RV_IRQ_MTI = 7, RV_IRQ_SEI = 9, RV_IRQ_MEI = 11,
};
#define RV_MIP(irq) ((uint64_t)1 << (irq))

/* Privilege levels. */
enum { RV_PRIV_U = 0, RV_PRIV_S = 1, RV_PRIV_M = 3 };

/* Softmmu MMU indices (core/softmmu.h): one TLB per effective privilege,
 * S with SUM set apart from S without it. */
enum { RV_MMU_U = 0, RV_MMU_S = 1, RV_MMU_S_SUM = 2, RV_MMU_M = 3 };

/* mstatus fields. */
#define RV_MSTATUS_SIE  (1ull << 1)
#define RV_MSTATUS_MIE  (1ull << 3)
#define RV_MSTATUS_SPIE (1ull << 5)
#define RV_MSTATUS_MPIE (1ull << 7)
#define RV_MSTATUS_SPP  (1ull << 8)
#define RV_MSTATUS_MPP_SHIFT 11
#define RV_MSTATUS_MPP  (3ull << 11)
#define RV_MSTATUS_FS_SHIFT 13
#define RV_MSTATUS_FS   (3ull << 13)
#define RV_MSTATUS_MPRV (1ull << 17)
#define RV_MSTATUS_SUM  (1ull << 18)
#define RV_MSTATUS_MXR  (1ull << 19)
#define RV_MSTATUS_TVM  (1ull << 20)
#define RV_MSTATUS_TW   (1ull << 21)
#define RV_MSTATUS_TSR  (1ull << 22)
#define RV_MSTATUS_UXL  (3ull << 32)
#define RV_MSTATUS_SXL  (3ull << 34)
#define RV_MSTATUS_SD   (1ull << 63)
#define RV_FS_OFF 0
#define RV_FS_DIRTY 3

/* Frontend-defined loop exits (IR_EXIT_ARCH, cause field): instructions
 * the system-mode machine loop carries out (rv_system.c). */
enum { RV_ARCH_MRET = 1, RV_ARCH_SRET = 2, RV_ARCH_WFI = 3 };

/* Supervisor and machine state (system mode; user mode leaves it zero and
 * runs in U with `system` false). */
typedef struct RvPriv {
    uint64_t mstatus, misa, medeleg, mideleg, mie, mip;
    uint64_t mtvec, mepc, mcause, mtval, mscratch, mcounteren, mcountinhibit, menvcfg;
    uint64_t stvec, sepc, scause, stval, sscratch, scounteren, senvcfg, satp;
    uint64_t pmpcfg[16], pmpaddr[64];
    uint64_t mip_lines;        /* MEIP/SEIP/MTIP/MSIP as driven by PLIC and CLINT */
} RvPriv;

typedef struct RvCpu {
    CpuState cs;               /* must be first */
    uint32_t fflags;           /* accrued exception flags (5 bits) */
    uint32_t frm;              /* dynamic rounding mode (3 bits) */
    uint64_t res_addr;         /* LR/SC reservation: address, or ~0 if none */
    uint64_t res_val;          /* value loaded by LR (for the SC compare) */
    uint64_t cycle_base;       /* host ns at start, for rdcycle/rdtime */
    /* system mode */
    bool system;
    uint32_t priv;             /* RV_PRIV_* */
    RvPriv p;
    uint64_t (*read_time)(void *opaque);   /* the `time` CSR (system: mtime ticks; user: cycle and time, NULL = host ns) */
    void *time_opaque;
    bool wfi;                  /* waiting for an interrupt */
    SoftMmu smmu;
} RvCpu;

static inline RvCpu *rv_cpu(void *cpu) { return (RvCpu *)cpu; }

/* The frontend's ops table (translate, dump_state, disas). */
extern const CpuArchOps rv_arch_ops;

/* Initialise a user-mode hart over `mem` (registers zero, pc = 0). */
void rv_cpu_init_user(RvCpu *cpu, GuestMem *mem);
void rv_cpu_destroy(RvCpu *cpu);

/* Initialise a system-mode hart over the physical address space `as`:
 * M mode, pc = reset_pc, MMU off. */
void rv_cpu_init_system(RvCpu *cpu, AddressSpace *as, uint64_t reset_pc);

/* System mode (rv_system.c). */
/* Take the exception cpu_exec reported (CPU_EXIT_EXCEPTION / SYSCALL / BREAK). */
void rv_take_exception(RvCpu *cpu, uint32_t cause, uint64_t tval);
/* Take the highest-priority pending and enabled interrupt, if any. */
bool rv_take_interrupt(RvCpu *cpu);
/* An interrupt is pending and enabled now (ask the loop to stop for it). */
bool rv_interrupt_pending(const RvCpu *cpu);
/* Any interrupt pending in mip & mie, enabled or not (ends WFI). */
bool rv_wfi_wakeup(const RvCpu *cpu);
/* Carry out an IR_EXIT_ARCH instruction (mret, sret, wfi). */
void rv_arch_exit(RvCpu *cpu, uint32_t what);
/* sfence.vma from the translated instruction: raises illegal instruction
 * in U mode or with TVM in S mode; flushes one page or everything. */
void rv_sfence_vma(RvCpu *cpu, uint64_t vaddr, bool has_vaddr, uint32_t raw);
/* IrqLine handler for the interrupt lines (n = RV_IRQ_*). */
void rv_set_irq(void *rv_cpu, int irq, int level);
/* Full CSR access for system mode; raises illegal instruction. */
uint64_t rv_csr_access(RvCpu *cpu, uint32_t csr, uint32_t kind, bool write, uint64_t val, uint32_t raw);
/* The MMU index of data accesses and of instruction fetch right now. */
int rv_data_mmu_idx(const RvCpu *cpu);
int rv_fetch_mmu_idx(const RvCpu *cpu);
/* Softmmu page walk (rv_mmu.c): the SoftMmu fill hook. */
uint32_t rv_mmu_fill(CpuState *cpu, uint64_t vaddr, MmuAccess access, int mmu_idx, uint64_t *paddr, uint32_t *prot);
uint32_t rv_code_phys(CpuState *cpu, uint64_t pc, uint64_t *paddr);
/* A debugger's translation of va in the current privilege's address space
 * (M: physical): any valid mapping, no permission checks, no A/D updates. */
bool rv_mmu_debug_translate(RvCpu *cpu, uint64_t va, uint64_t *pa);
/* A debugger's CSR access (rv_system.c): no privilege checks, no trap;
 * false if the CSR does not exist. */
bool rv_csr_debug(RvCpu *cpu, uint32_t csr, bool write, uint64_t *val);
/* The gdb stub's view of a RISC-V hart (rv_gdb.c). */
extern const GdbArchOps rv_gdb_ops;

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

/* CSR numbers (privileged spec), for rv_helpers.c and rv_system.c. */
enum {
    CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
    CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02,
    CSR_HPMCOUNTER3 = 0xc03, CSR_HPMCOUNTER31 = 0xc1f,
    CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105, CSR_SCOUNTEREN = 0x106,
    CSR_SENVCFG = 0x10a, CSR_SSCRATCH = 0x140, CSR_SEPC = 0x141, CSR_SCAUSE = 0x142,
    CSR_STVAL = 0x143, CSR_SIP = 0x144, CSR_SATP = 0x180,
    CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MEDELEG = 0x302, CSR_MIDELEG = 0x303,
    CSR_MIE = 0x304, CSR_MTVEC = 0x305, CSR_MCOUNTEREN = 0x306, CSR_MENVCFG = 0x30a,
    CSR_MCOUNTINHIBIT = 0x320, CSR_MHPMEVENT3 = 0x323, CSR_MHPMEVENT31 = 0x33f,
    CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342, CSR_MTVAL = 0x343, CSR_MIP = 0x344,
    CSR_PMPCFG0 = 0x3a0, CSR_PMPCFG15 = 0x3af, CSR_PMPADDR0 = 0x3b0, CSR_PMPADDR63 = 0x3ef,
    CSR_MCYCLE = 0xb00, CSR_MINSTRET = 0xb02, CSR_MHPMCOUNTER3 = 0xb03, CSR_MHPMCOUNTER31 = 0xb1f,
    CSR_MVENDORID = 0xf11, CSR_MARCHID = 0xf12, CSR_MIMPID = 0xf13, CSR_MHARTID = 0xf14,
    CSR_MCONFIGPTR = 0xf15,
};

/* CSR helper immediate: csr number, operation, "write" flag, raw insn. */
enum { RV_CSR_RW = 0, RV_CSR_RS = 1, RV_CSR_RC = 2 };
#define RV_CSR_IMM(csr, kind, write, raw) \
    ((int64_t)((uint64_t)(csr) | ((uint64_t)(kind) << 12) | ((uint64_t)(write) << 15) | ((uint64_t)(raw) << 32)))

#endif
