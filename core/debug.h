/* debug.h — breakpoints, watchpoints and single-step for a debugger (the
 * gdb stub, core/gdbstub.h), enforced by the execution loop so they are
 * exact in every tier.  Guest memory is never patched.
 *
 *   Breakpoints: when a block is translated, core/exec.c asks
 *     cpu_debug_fix_block: a block that would contain a breakpoint address
 *     is cut just before it, and a block starting at one becomes a single
 *     IR_EXIT_DEBUG exit, in whatever tier runs it (chained native code
 *     included).  cpu_exec returns CPU_EXIT_DEBUG with pc at the
 *     breakpoint, its instruction not executed.  Guest reads never see a
 *     breakpoint and code invalidation cannot lose one (the next
 *     translation asks again).  Changing the set flushes every translation,
 *     lazily: at the next resume, and only if the addresses differ from
 *     the ones the cache was built with (gdb removes and reinserts them all
 *     at every stop).
 *   Watchpoints: while any exists, blocks get TB_FLAG_DEBUG_WATCH; the
 *     interpreter runs them (never promoted) with memory ops that call
 *     cpu_debug_watch_access before the access, as do the frontend's
 *     memory helpers (atomics).  A hit aborts the instruction like a fault
 *     (precise: pc at it, state as after the previous one): the stop comes
 *     before the access, which is what gdb expects from targets with
 *     "non-steppable" watchpoints (gdb then steps over it itself).
 *   Step: one instruction in the interpreter (cpu->tb_max_insns = 1, so
 *     blocks are single instructions and never chained), breakpoints
 *     ignored (the instruction at pc runs even if one is there).  The loop
 *     reports CPU_EXIT_DEBUG once an instruction retired or pc changed (a
 *     trap or signal was taken; the machine finishes a syscall first).
 *   Resume ("continue") at a breakpoint, or at the access that just hit a
 *     watchpoint, first steps that one instruction with them ignored.
 *   Interrupt: cpu_debug_interrupt, from any thread (gdb's Ctrl-C).
 *
 * The machine loop sees CPU_EXIT_DEBUG and hands over to the debugger,
 * which calls cpu_debug_take_stop; nothing is stored outside CpuDebug.
 */
#ifndef VPLAT_CORE_DEBUG_H
#define VPLAT_CORE_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cpu.h"
#include "core/tb.h"

#define CPU_DEBUG_MAX_BREAKPOINTS 4096
#define CPU_DEBUG_MAX_WATCHPOINTS 256

/* Watchpoint kinds and access kinds (bit set). */
enum { CPU_WATCH_WRITE = 1, CPU_WATCH_READ = 2, CPU_WATCH_ACCESS = 3 };

typedef enum CpuStopKind {
    CPU_STOP_NONE = 0,
    CPU_STOP_BREAK,       /* pc at a breakpoint (hw: only hardware ones there) */
    CPU_STOP_WATCH,       /* pc at the access; addr = watched address hit, watch = the watchpoint's kind */
    CPU_STOP_STEP,        /* a requested single step completed */
    CPU_STOP_INTERRUPT,   /* cpu_debug_interrupt */
    CPU_STOP_SIGNAL,      /* the machine stops for a guest signal (user mode): `signal`, in gdb's numbering */
} CpuStopKind;

typedef struct CpuStop {
    CpuStopKind kind;
    bool hw;
    uint32_t watch;
    uint64_t addr;
    int signal;
} CpuStop;

typedef struct CpuBreakpoint {
    uint64_t addr;
    uint32_t sw, hw;      /* insert counts */
} CpuBreakpoint;

typedef struct CpuWatchpoint {
    uint64_t addr, len;
    uint32_t kind;        /* CPU_WATCH_* */
    uint32_t refs;
} CpuWatchpoint;

typedef struct CpuDebug {
    CpuBreakpoint *bps;   /* sorted by address */
    uint32_t n_bps, cap_bps;
    uint64_t *flushed;    /* breakpoint addresses the TB cache was built with */
    uint32_t n_flushed, cap_flushed;
    CpuWatchpoint wps[CPU_DEBUG_MAX_WATCHPOINTS];
    uint32_t n_wps;
    /* stepping */
    bool stepping;        /* a step (or a step over) is under way */
    bool step_over;       /* ... as the first part of a continue: no stop at its end */
    bool suppress_watch;  /* ... over the access that hit a watchpoint */
    uint64_t step_insns, step_pc;
    uint32_t saved_tb_max_insns;
    /* the pending stop, and the last one reported */
    CpuStop stop;
    CpuStop last;
    uint64_t last_pc, last_insns;
    bool trapped;         /* a watchpoint long-jumped out of a block */
    volatile int interrupt;
} CpuDebug;

void cpu_debug_init(CpuDebug *d);
void cpu_debug_destroy(CpuDebug *d);
/* cpu->debug = d (NULL: no debugger). */
void cpu_debug_attach(CpuState *cpu, CpuDebug *d);

/* Breakpoints and watchpoints; false if the table is full or (remove) the
 * entry does not exist.  hw only changes how a hit is reported. */
bool cpu_debug_insert_bp(CpuDebug *d, uint64_t addr, bool hw);
bool cpu_debug_remove_bp(CpuDebug *d, uint64_t addr, bool hw);
bool cpu_debug_has_bp(const CpuDebug *d, uint64_t addr);
bool cpu_debug_insert_wp(CpuDebug *d, uint64_t addr, uint64_t len, uint32_t kind);
bool cpu_debug_remove_wp(CpuDebug *d, uint64_t addr, uint64_t len, uint32_t kind);
/* Drop every breakpoint, watchpoint, step and pending stop (detach). */
void cpu_debug_clear(CpuState *cpu);

/* Before the machine runs the CPU again: flush translations if the
 * breakpoints changed, and set up a single step (step) or the step over
 * a breakpoint / watched access at pc that a continue needs. */
void cpu_debug_resume(CpuState *cpu, bool step);
/* Ask the running CPU to stop (any thread; signal-safe). */
void cpu_debug_interrupt(CpuState *cpu);
/* Is a step under way (the machine may hold interrupts back meanwhile)? */
bool cpu_debug_stepping(const CpuState *cpu);
/* The stop to report, if any (kind CPU_STOP_NONE otherwise); clears it. */
CpuStop cpu_debug_take_stop(CpuState *cpu);

/* ---- hooks for the execution loop and the tiers ---- */

/* Core TB flag bits for the current debug state. */
uint32_t cpu_debug_tb_flags(const CpuState *cpu);
/* After translating tb->ir: cut at a breakpoint (returns true with
 * *max_insns set: translate again) or turn a block at one into a debug
 * exit; marks watch blocks no_promote. */
bool cpu_debug_fix_block(CpuState *cpu, Tb *tb, uint32_t *max_insns);
/* At each loop iteration: true if cpu_exec must return CPU_EXIT_DEBUG
 * (a step ended, an interrupt, a stop pending). */
bool cpu_debug_check(CpuState *cpu);
/* The loop took an IR_EXIT_DEBUG: record the breakpoint stop at pc. */
void cpu_debug_break_hit(CpuState *cpu);
/* A guest access of size bytes at addr (kind CPU_WATCH_READ/WRITE/both)
 * is about to happen: on a watchpoint hit, record it and long-jump out of
 * the block (cpu->cur_op must name the op, as for a fault). */
void cpu_debug_watch_access(CpuState *cpu, uint64_t addr, uint64_t size, uint32_t kind);
/* In cpu_exec's long-jump path: was it a watchpoint rather than a fault? */
bool cpu_debug_take_trap(CpuState *cpu);

#endif
