/* lu.h — Linux user-mode process emulation (like qemu-riscv64): the public
 * entry point the CLI (machine/main.c) calls.
 *
 *   lu_run(cfg, prog, argc, argv, envp)
 *     ├─ lu_elf.c     load PROG (+ its PT_INTERP from cfg->sysroot)
 *     ├─ lu_stack.c   argc/argv/envp/auxv on a fresh guest stack
 *     └─ lu_main.c    cpu_exec loop ─▶ lu_syscall.c / lu_signal.c
 *
 * Exit status conventions of lu_run:
 *   - the guest called exit/exit_group(n): returns n & 0xff;
 *   - the guest died from signal S (default action of a fault, abort(),
 *     kill to itself): prints "vplat: uncaught target signal S (...)" and
 *     kills vplat itself with S (core dumps disabled), like qemu-riscv64;
 *     if that somehow returns, 128 + S;
 *   - PROG (or its interpreter) cannot be loaded: prints
 *     "vplat: PROG: <reason>" to stderr and returns LU_EXIT_LOAD_ERROR (127);
 *   - cfg->max_insns reached: prints "vplat: instruction limit N reached"
 *     and returns LU_EXIT_INSN_LIMIT (124, like timeout(1));
 *   - the host cannot set up guest memory: LU_EXIT_LOAD_ERROR as well.
 */
#ifndef VPLAT_LU_H
#define VPLAT_LU_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define LU_EXIT_LOAD_ERROR 127
#define LU_EXIT_INSN_LIMIT 124

typedef struct LuConfig {
    const char *sysroot;       /* -L: prefix for PT_INTERP and for absolute paths the guest opens
                                  (used when the file exists under it, like qemu) */
    bool strace;               /* -strace: log every syscall with arguments and result to log */
    FILE *log;                 /* stderr or the -D file (NULL = stderr) */
    uint32_t log_mask;         /* copied into cpu->log_mask */
    uint64_t max_insns;        /* 0 = unlimited; else stop with LU_EXIT_INSN_LIMIT */
    bool singlestep;           /* cpu->tb_max_insns = 1 */
    bool stats;                /* at exit: stats_print(&cpu->stats, cpu->insn_count, log) */
    uint64_t seed;             /* PRNG seed for deterministic mode */
    bool deterministic;        /* AT_RANDOM/getrandom from a PRNG seeded with seed, clocks
                                  from the instruction count (2^icount_shift ns each) */
    unsigned icount_shift;     /* -icount shift=N */
    const char *record;        /* -record FILE: log time, random and stdin results */
    const char *replay;        /* -replay FILE: take them from a -record log */
    const struct ExecTier *tier;  /* tier 0 (the interpreter): cpu_set_tier(&cpu.cs, tier) */
    const struct ExecTier *hot_tier;  /* NULL, or the JIT hot blocks move to (--jit=native) */
    uint64_t jit_threshold;       /* executions before promotion (--jit-threshold) */
    size_t jit_code_size;         /* native code buffer bytes (--jit-code-size; 0 = default) */
    bool perf_map;                /* --perf-map: /tmp/perf-PID.map names JIT blocks for perf */
    bool jit_wx;                  /* --jit-wx: separate writable and executable views of JIT code */
    bool jit_sync;                /* --jit-sync: LLVM compiles on the CPU's thread */
    bool verify_ir;               /* cpu.cs.verify_ir: check every block's IR (tests) */
    const char *gdb;              /* -g: the gdb stub's port or tcp:HOST:PORT; waits before the first insn */
} LuConfig;

/* Run PROG with argv (argv[0] = prog as given) and envp (normally the host
 * environ).  Returns the guest's exit status (see above). */
int lu_run(const LuConfig *cfg, const char *prog, int argc, char **argv, char **envp);

#endif
