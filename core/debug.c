/* debug.c — breakpoints, watchpoints and single-step, checked by the
 * execution loop (the design is in debug.h).  Everything here runs on the
 * CPU's thread except cpu_debug_interrupt.
 */
#include "core/debug.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "core/exec.h"

void cpu_debug_init(CpuDebug *d) { memset(d, 0, sizeof *d); }

void cpu_debug_destroy(CpuDebug *d) {
    free(d->bps);
    free(d->flushed);
    memset(d, 0, sizeof *d);
}

void cpu_debug_attach(CpuState *cpu, CpuDebug *d) { cpu->debug = d; }

/* ---- breakpoint table (sorted, binary search) ---------------------------------- */

/* Index of the first breakpoint with address >= addr. */
static uint32_t bp_lower(const CpuDebug *d, uint64_t addr) {
    uint32_t lo = 0, hi = d->n_bps;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (d->bps[mid].addr < addr) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static CpuBreakpoint *bp_find(const CpuDebug *d, uint64_t addr) {
    uint32_t i = bp_lower(d, addr);
    return i < d->n_bps && d->bps[i].addr == addr ? &d->bps[i] : NULL;
}

bool cpu_debug_has_bp(const CpuDebug *d, uint64_t addr) { return bp_find(d, addr) != NULL; }

bool cpu_debug_insert_bp(CpuDebug *d, uint64_t addr, bool hw) {
    CpuBreakpoint *b = bp_find(d, addr);
    if (!b) {
        if (d->n_bps >= CPU_DEBUG_MAX_BREAKPOINTS) return false;
        if (d->n_bps == d->cap_bps) {
            uint32_t cap = d->cap_bps ? 2 * d->cap_bps : 16;
            CpuBreakpoint *n = realloc(d->bps, cap * sizeof *n);
            if (!n) return false;
            d->bps = n;
            d->cap_bps = cap;
        }
        uint32_t i = bp_lower(d, addr);
        memmove(&d->bps[i + 1], &d->bps[i], (d->n_bps - i) * sizeof *d->bps);
        d->n_bps++;
        b = &d->bps[i];
        memset(b, 0, sizeof *b);
        b->addr = addr;
    }
    if (hw) b->hw++;
    else b->sw++;
    return true;
}

bool cpu_debug_remove_bp(CpuDebug *d, uint64_t addr, bool hw) {
    CpuBreakpoint *b = bp_find(d, addr);
    if (!b) return false;
    uint32_t *count = hw ? &b->hw : &b->sw;
    if (*count == 0) return false;
    (*count)--;
    if (b->sw == 0 && b->hw == 0) {
        uint32_t i = (uint32_t)(b - d->bps);
        memmove(&d->bps[i], &d->bps[i + 1], (d->n_bps - i - 1) * sizeof *d->bps);
        d->n_bps--;
    }
    return true;
}

/* ---- watchpoints ------------------------------------------------------------------ */

static bool valid_kind(uint32_t kind) { return kind == CPU_WATCH_WRITE || kind == CPU_WATCH_READ || kind == CPU_WATCH_ACCESS; }

bool cpu_debug_insert_wp(CpuDebug *d, uint64_t addr, uint64_t len, uint32_t kind) {
    if (len == 0 || !valid_kind(kind) || addr + (len - 1) < addr) return false;
    for (uint32_t i = 0; i < d->n_wps; i++) {
        CpuWatchpoint *w = &d->wps[i];
        if (w->addr == addr && w->len == len && w->kind == kind) {
            w->refs++;
            return true;
        }
    }
    if (d->n_wps >= CPU_DEBUG_MAX_WATCHPOINTS) return false;
    d->wps[d->n_wps++] = (CpuWatchpoint){.addr = addr, .len = len, .kind = kind, .refs = 1};
    return true;
}

bool cpu_debug_remove_wp(CpuDebug *d, uint64_t addr, uint64_t len, uint32_t kind) {
    for (uint32_t i = 0; i < d->n_wps; i++) {
        CpuWatchpoint *w = &d->wps[i];
        if (w->addr == addr && w->len == len && w->kind == kind) {
            if (--w->refs == 0) d->wps[i] = d->wps[--d->n_wps];
            return true;
        }
    }
    return false;
}

/* ---- run control ------------------------------------------------------------------ */

static void end_step(CpuState *cpu) {
    CpuDebug *d = cpu->debug;
    if (!d->stepping) return;
    cpu->tb_max_insns = d->saved_tb_max_insns;
    d->stepping = false;
    d->step_over = false;
    d->suppress_watch = false;
}

void cpu_debug_clear(CpuState *cpu) {
    CpuDebug *d = cpu->debug;
    end_step(cpu);
    d->n_bps = 0;
    d->n_wps = 0;
    d->stop.kind = CPU_STOP_NONE;
    d->last.kind = CPU_STOP_NONE;
    d->trapped = false;
    d->interrupt = 0;
}

/* Drop every translation if they were made with other breakpoints. */
static void sync_translations(CpuState *cpu) {
    CpuDebug *d = cpu->debug;
    bool same = d->n_flushed == d->n_bps;
    for (uint32_t i = 0; same && i < d->n_bps; i++) same = d->flushed[i] == d->bps[i].addr;
    if (same) return;
    tb_flush(cpu->tbs);
    tb_reclaim(cpu->tbs);
    if (cpu->hot_tier) cpu->hot_tier->reset(cpu);
    if (d->n_bps > d->cap_flushed) {
        uint64_t *n = realloc(d->flushed, d->n_bps * sizeof *n);
        if (!n) {
            d->n_flushed = 0;   /* try again at the next resume */
            return;
        }
        d->flushed = n;
        d->cap_flushed = d->n_bps;
    }
    for (uint32_t i = 0; i < d->n_bps; i++) d->flushed[i] = d->bps[i].addr;
    d->n_flushed = d->n_bps;
}

void cpu_debug_resume(CpuState *cpu, bool step) {
    CpuDebug *d = cpu->debug;
    end_step(cpu);
    sync_translations(cpu);
    d->stop.kind = CPU_STOP_NONE;
    d->trapped = false;
    /* the access that hit a watchpoint goes through once when resumed
     * from there (gdb normally steps over it itself, watchpoints removed) */
    bool at_watch = d->last.kind == CPU_STOP_WATCH && cpu->pc == d->last_pc && cpu->insn_count == d->last_insns;
    bool at_bp = !step && bp_find(d, cpu->pc) != NULL;
    d->last.kind = CPU_STOP_NONE;
    if (!step && !at_bp && !at_watch) return;
    d->stepping = true;
    d->step_over = !step;
    d->suppress_watch = at_watch;
    d->step_insns = cpu->insn_count;
    d->step_pc = cpu->pc;
    d->saved_tb_max_insns = cpu->tb_max_insns;
    cpu->tb_max_insns = 1;
}

void cpu_debug_interrupt(CpuState *cpu) {
    if (!cpu || !cpu->debug) return;
    cpu->debug->interrupt = 1;
    cpu_request_exit(cpu);
}

bool cpu_debug_stepping(const CpuState *cpu) { return cpu->debug && cpu->debug->stepping && !cpu->debug->step_over; }

bool cpu_debug_check(CpuState *cpu) {
    CpuDebug *d = cpu->debug;
    if (d->interrupt) {
        d->interrupt = 0;
        if (d->stop.kind == CPU_STOP_NONE) d->stop = (CpuStop){.kind = CPU_STOP_INTERRUPT};
    }
    if (d->stepping && (cpu->insn_count != d->step_insns || cpu->pc != d->step_pc)) {
        bool over = d->step_over;
        end_step(cpu);
        if (!over && d->stop.kind == CPU_STOP_NONE) d->stop = (CpuStop){.kind = CPU_STOP_STEP};
        /* a finished step over returns too, so the machine's next
         * cpu_exec runs chained again */
        return true;
    }
    return d->stop.kind != CPU_STOP_NONE;
}

CpuStop cpu_debug_take_stop(CpuState *cpu) {
    CpuDebug *d = cpu->debug;
    CpuStop none = {.kind = CPU_STOP_NONE};
    if (!d) return none;
    cpu_debug_check(cpu);
    CpuStop s = d->stop;
    if (s.kind == CPU_STOP_NONE) return none;
    end_step(cpu);   /* a stop ends a step that was under way (a watchpoint inside it) */
    d->stop.kind = CPU_STOP_NONE;
    d->last = s;
    d->last_pc = cpu->pc;
    d->last_insns = cpu->insn_count;
    return s;
}

/* ---- execution-loop hooks --------------------------------------------------------- */

uint32_t cpu_debug_tb_flags(const CpuState *cpu) {
    const CpuDebug *d = cpu->debug;
    uint32_t f = 0;
    if (d->stepping) f |= TB_FLAG_DEBUG_NOBP;
    if (d->n_wps && !d->suppress_watch) f |= TB_FLAG_DEBUG_WATCH;
    return f;
}

bool cpu_debug_fix_block(CpuState *cpu, Tb *tb, uint32_t *max_insns) {
    const CpuDebug *d = cpu->debug;
    if (tb->flags & TB_FLAG_DEBUG_WATCH) tb->no_promote = true;
    if (d->n_bps == 0 || (tb->flags & TB_FLAG_DEBUG_NOBP)) return false;
    IrBlock *b = &tb->ir;
    for (uint32_t i = 0; i < b->n_insns; i++) {
        const IrInsn *in = &b->insns[i];
        if (in->op != IR_insn || !bp_find(d, (uint64_t)in->imm)) continue;
        if (in->aux > 0) {
            *max_insns = in->aux;   /* end the block just before it */
            return true;
        }
        uint64_t pc = (uint64_t)in->imm;
        uint32_t len = in->aux2;
        ir_block_reset(b, pc);
        ir_insn_marker(b, pc, len);
        ir_exit(b, pc, IR_EXIT_DEBUG, 0, 0);
        return false;
    }
    return false;
}

void cpu_debug_break_hit(CpuState *cpu) {
    CpuDebug *d = cpu->debug;
    const CpuBreakpoint *b = bp_find(d, cpu->pc);
    d->stop = (CpuStop){.kind = CPU_STOP_BREAK, .hw = b && b->sw == 0 && b->hw > 0, .addr = cpu->pc};
}

void cpu_debug_watch_access(CpuState *cpu, uint64_t addr, uint64_t size, uint32_t kind) {
    CpuDebug *d = cpu->debug;
    if (!d || d->n_wps == 0 || d->suppress_watch || size == 0 || !cpu->jmp_valid) return;
    uint64_t last = addr + (size - 1);
    for (uint32_t i = 0; i < d->n_wps; i++) {
        const CpuWatchpoint *w = &d->wps[i];
        if (!(w->kind & kind)) continue;
        uint64_t wlast = w->addr + (w->len - 1);
        bool overlap = last >= addr ? (addr <= wlast && w->addr <= last)
                                    : (addr <= wlast || w->addr <= last);   /* access wraps */
        if (!overlap) continue;
        /* report an address inside the watched range: gdb matches it */
        uint64_t hit = addr >= w->addr && addr <= wlast ? addr : w->addr;
        d->stop = (CpuStop){.kind = CPU_STOP_WATCH, .watch = w->kind, .addr = hit};
        d->trapped = true;
        siglongjmp(cpu->jmp_env, 1);
    }
}

bool cpu_debug_take_trap(CpuState *cpu) {
    CpuDebug *d = cpu->debug;
    if (!d->trapped) return false;
    d->trapped = false;
    return true;
}
