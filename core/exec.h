/* exec.h — the execution loop: find or translate a TB, run it, and return
 * to the machine on anything it must handle (syscall, exception, halt).
 *
 *   for (;;) {
 *       r = cpu_exec(cpu);            // runs chained TBs in the current tier
 *       if (r == CPU_EXIT_SYSCALL) machine_syscall(...), cpu->pc += 4;
 *       ...
 *   }
 */
#ifndef VPLAT_CORE_EXEC_H
#define VPLAT_CORE_EXEC_H

#include <stddef.h>

#include "core/cpu.h"
#include "core/tb.h"

/* How a tier's run() came back to the loop. */
typedef enum TbExitKind {
    TB_EXIT_CHAIN,     /* goto_tb `slot` of `tb` has no linked successor; cpu->pc set */
    TB_EXIT_LOOKUP,    /* indirect exit missed the jump cache; cpu->pc set */
    TB_EXIT_LOOP,      /* IR exit op: `reason` (IR_EXIT_*), cpu->pc and cpu->exc_cause set */
    TB_EXIT_STOP,      /* exit_request or instruction budget, at a TB boundary */
} TbExitKind;

typedef struct TbExit {
    TbExitKind kind;
    Tb *tb;
    uint32_t slot;
    uint32_t reason;
} TbExit;

/* An execution tier (interp/, jit-native/, jit-llvm/) as the loop sees it. */
typedef struct ExecTier {
    const char *name;
    /* Produce this tier's code for tb (from tb->ir).  false: the block does
     * not fit this tier's limits; the loop retranslates it shorter. */
    bool (*prepare)(CpuState *cpu, Tb *tb);
    void (*release)(Tb *tb);
    /* Run tb, following chained successors while `chain`. */
    TbExit (*run)(CpuState *cpu, Tb *tb, bool chain);
    /* Which guest instruction of tb was executing when cpu->cur_op was set. */
    uint32_t (*fault_insn)(const Tb *tb, const void *cur_op);
    /* Hot tiers only: per-CPU context, chaining, and the code buffer reset
     * after a full flush (when prepare found the buffer full). */
    bool (*init)(CpuState *cpu, char *err, size_t err_len);
    void (*destroy)(CpuState *cpu);
    void (*link)(void *cpu, Tb *from, uint32_t slot, Tb *to);
    void (*reset)(CpuState *cpu);
    /* Optional: called by the loop at every safe point (no TB running);
     * a tier that compiles in the background installs finished code here
     * (its thread drops cpu->insn_limit to 0 to get here soon). */
    void (*poll)(CpuState *cpu);
    /* Optional: a host fork() is about to happen (quiesce helper threads,
     * prepare private copies of shared state), and it happened (child:
     * true in the new process, whose only thread is the CPU's).  after_fork
     * returns false if the child cannot keep this tier: the core drops it
     * there (the child goes on in the base tier). */
    void (*before_fork)(CpuState *cpu);
    bool (*after_fork)(CpuState *cpu, bool child);
    /* A host fault at host_pc: if it is a guest access in this tier's code,
     * make the guest state precise from the host registers in uctx (a
     * ucontext_t) and set cpu->cur_tb and cpu->cur_op.  false otherwise. */
    bool (*fault_state)(CpuState *cpu, uintptr_t host_pc, void *uctx);
    /* Crash reports: name host_pc if it is in this tier's code ("[native]
     * tb 0x... guest pc 0x..."); async-signal-safe, no allocation. */
    bool (*name_host_pc)(const CpuState *cpu, uintptr_t host_pc, char *buf, size_t len);
} ExecTier;

/* Set up the core part of a CPU (TB cache, fault handling).  The frontend
 * calls this from its own init; the machine then picks the tier. */
void cpu_core_init(CpuState *cpu, const CpuArchOps *arch, GuestMem *mem);
void cpu_set_tier(CpuState *cpu, const ExecTier *tier);
/* Promote TBs executed `threshold` times to `hot` (NULL: interpreter only). */
bool cpu_set_hot_tier(CpuState *cpu, const ExecTier *hot, uint64_t threshold, char *err, size_t err_len);
void cpu_core_destroy(CpuState *cpu);

CpuExitReason cpu_exec(CpuState *cpu);

/* The machine forks the host process (user-mode fork/vfork): call these
 * around fork() so that tiers with helper threads survive it. */
void cpu_before_fork(CpuState *cpu);
void cpu_after_fork(CpuState *cpu, bool child);

/* Install the host SIGSEGV/SIGBUS handler that turns faults on guest memory
 * into guest exceptions and catches stores to write-protected code pages.
 * Idempotent; process-wide (signals are). */
void cpu_install_fault_handler(void);

#endif
