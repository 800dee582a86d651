/* cpu.h — the guest-agnostic CPU context that every tier runs against.
 *
 * A frontend embeds CpuState as the FIRST member of its own CPU struct
 * (frontends/riscv/rv_cpu.h: RvCpu) and fills in `arch` with its
 * CpuArchOps.  Guest registers named as IR globals live at the start of
 * vals[], so an IR value id indexes vals[] directly in the interpreter
 * (no load/store of guest registers), temps follow the globals.
 *
 * All run-time state lives here or in structs reachable from here; the
 * only thread-local is `cpu_current` (see core/exec.c), which the host
 * SIGSEGV handler needs to find the CPU whose guest access faulted.
 */
#ifndef VPLAT_CORE_CPU_H
#define VPLAT_CORE_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/ir.h"
#include "core/mem.h"
#include "core/softmmu.h"
#include "core/stats.h"

#ifdef __cplusplus
#define CPU_NORETURN [[noreturn]]
#else
#define CPU_NORETURN _Noreturn
#endif

#define CPU_CUR_OP_INDEX_LIMIT 0x10000

/* Interpreter value slots: globals first, then temp slots reused per block. */
#define CPU_MAX_SLOTS 512

typedef struct CpuState CpuState;
typedef struct TbCache TbCache;
typedef struct Tb Tb;
typedef struct ExecTier ExecTier;
typedef struct CpuDebug CpuDebug;
typedef struct GdbArchOps GdbArchOps;

/* What a frontend provides to the guest-agnostic core. */
typedef struct CpuArchOps {
    const char *name;
    const IrEnv *ir_env;
    /* Decode guest code at pc into b (already reset).  Must stop at a page
     * boundary and end the block with a terminator; a fetch fault or an
     * illegal encoding becomes an IR_exit with the exception.  In system
     * mode an instruction straddling two pages must be alone in its block. */
    void (*translate)(CpuState *cpu, uint64_t pc, uint32_t max_insns, IrBlock *b);
    /* -d cpu: the register state, one line per register group. */
    void (*dump_state)(CpuState *cpu, FILE *out);
    /* Frontend state that translated code depends on, as TB flag bits
     * (bits 8 and up; the core owns bits 0-7).  Instructions that change
     * it must end their block with an exit to the loop. */
    uint32_t (*tb_flags)(CpuState *cpu);
    /* -d in_asm: disassemble one instruction; returns its length (0 if unreadable). */
    int (*disas)(CpuState *cpu, uint64_t pc, char *buf, size_t len);
    /* System mode: the physical address of pc for instruction fetch in the
     * current privilege mode; returns 0, or the exception cause (page or
     * access fault) without raising it. */
    uint32_t (*code_phys)(CpuState *cpu, uint64_t pc, uint64_t *paddr);
    /* The gdb stub's view of this architecture (core/gdbstub.h): register
     * numbering, target description, debugger memory access. */
    const GdbArchOps *gdb;
} CpuArchOps;

/* Why cpu_exec returned to its caller (the machine). */
typedef enum CpuExitReason {
    CPU_EXIT_EXCEPTION = 1,   /* exc_cause / exc_tval set; pc at the faulting insn */
    CPU_EXIT_SYSCALL,         /* pc at the ecall; the machine handles and advances pc */
    CPU_EXIT_BREAK,
    CPU_EXIT_HALT,
    CPU_EXIT_INSN_LIMIT,      /* --max-insns reached */
    CPU_EXIT_REQUEST,         /* exit_request was set (signal, timer, ...) */
    CPU_EXIT_ARCH,            /* a frontend-defined exit (exc_cause says which); pc at the insn */
    CPU_EXIT_DEBUG,           /* breakpoint, watchpoint, step done, interrupt: see core/debug.h */
    CPU_EXIT_ICOUNT,          /* insn_count reached icount_stop (deterministic mode's deadlines) */
} CpuExitReason;

/* Exception causes the core itself raises on memory faults (a frontend maps
 * them to its own architectural codes through mem_fault_cause). */
typedef enum CpuFaultKind {
    CPU_FAULT_FETCH = 0,
    CPU_FAULT_LOAD = 1,
    CPU_FAULT_STORE = 2,
} CpuFaultKind;

/* insn_limit from C (see CpuState.insn_limit). */
#define CPU_INSN_LIMIT(cpu) __atomic_load_n(&(cpu)->insn_limit, __ATOMIC_RELAXED)
#define CPU_SET_INSN_LIMIT(cpu, v) __atomic_store_n(&(cpu)->insn_limit, (v), __ATOMIC_RELAXED)

struct CpuState {
    uint64_t vals[CPU_MAX_SLOTS];   /* IR globals, then temp slots */
    uint64_t pc;
    uint64_t insn_count;            /* guest instructions retired */
    GuestMem *mem;                  /* user mode: guest base + page flags */
    uint8_t *mem_base;              /* == mem->base, cached for the hot path */
    uint64_t mem_limit;             /* guest addresses are [0, mem_limit) */
    SoftMmu *smmu;                  /* system mode: TLB + physical address space; NULL in user mode */

    const CpuArchOps *arch;
    const ExecTier *tier;           /* runs every TB first (the interpreter) */
    const ExecTier *hot_tier;       /* NULL, or the JIT that hot TBs move to */
    uint64_t promote_threshold;     /* executions before a TB moves to hot_tier */
    void *hot_state;                /* hot_tier's per-CPU context (code buffer, ...) */
    TbCache *tbs;
    Stats stats;

    /* execution control.  Every tier checks insn_count < insn_limit at
     * each TB entry (one compare); cpu_exec derives insn_limit from
     * max_insns, and cpu_request_exit() drops it to 0.  Another thread
     * may drop it to 0 at any time (the LLVM compile thread, to make the
     * loop poll): C code accesses it with relaxed atomics (CPU_INSN_LIMIT),
     * generated code with plain 8-byte loads, which are atomic on x86-64. */
    uint64_t insn_limit;
    volatile int exit_request;
    uint64_t max_insns;             /* 0 = unlimited */
    /* Deterministic mode: return CPU_EXIT_ICOUNT at the first TB boundary
     * where insn_count >= icount_stop (0: none).  TB boundaries depend only
     * on the guest code, and every tier checks the limit at every TB
     * entry, chained or not, so the stop is the same in every tier. */
    uint64_t icount_stop;
    uint32_t tb_max_insns;          /* 1 in single-step mode */
    uint32_t log_mask;              /* LOG_* from core/log.h */
    bool verify_ir;                 /* run ir_verify on every block (tests) */
    FILE *log;

    size_t jit_code_size;           /* hot tier code buffer bytes (0: default) */
    bool perf_map;                  /* name JIT code in /tmp/perf-PID.map for perf */
    bool jit_wx;                    /* never map JIT code writable and executable at once */
    bool jit_baseline_x86;          /* native code without ISA extensions (BMI2) even if the host has them (tests) */
    CpuDebug *debug;                /* a debugger's breakpoints, watchpoints, steps (core/debug.h); NULL: none */
    bool jit_sync;                  /* compile on this thread, never in the background (deterministic mode, tests) */
    uint32_t exit_reason;           /* IR_EXIT_* of the last IR exit taken by native code */

    /* exception state, valid after CPU_EXIT_EXCEPTION */
    uint32_t exc_cause;
    uint64_t exc_tval;
    /* Maps CpuFaultKind to the frontend's cause numbers. */
    uint32_t fault_cause[3];

    /* precise-exception bookkeeping: before an op that may fault runs, the
     * tier records it here — the interpreter the op's address, native code
     * the guest instruction index + 1 (values below CPU_CUR_OP_INDEX_LIMIT) */
    const void *cur_op;
    Tb *cur_tb;
    sigjmp_buf jmp_env;             /* helpers and fault handler long-jump here */
    bool jmp_valid;
};

/* Ask the CPU to return from cpu_exec at the next TB boundary (signal-safe). */
void cpu_request_exit(CpuState *cpu);

/* Raise a guest exception from a helper: never returns (long-jumps to the
 * execution loop, which restores the precise pc from cur_op). */
CPU_NORETURN void cpu_raise(CpuState *cpu, uint32_t cause, uint64_t tval);

#endif
