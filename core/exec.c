/* exec.c — the execution loop, TB translation and precise guest faults.
 *
 *   cpu_exec ─▶ tb_find (jump cache, hash, translate) ─▶ tier->run
 *       ▲                                                  │
 *       └── link exit slot / follow pc / handle IR exit ◀──┘
 *
 * Guest exceptions raised inside a TB (a helper calling cpu_raise, or a
 * host SIGSEGV on guest memory) long-jump back to cpu_exec.  The tier had
 * recorded the op in flight (cpu->cur_op); fault_insn() names its guest
 * instruction, whose pc becomes cpu->pc, and instructions after it are
 * taken off the retired count: state is exactly as after the previous
 * instruction.
 *
 * cpu_current is the one thread-local: the host fault handler needs the CPU
 * whose access faulted.  Everything else is in CpuState.
 */
#define _GNU_SOURCE
#include "core/exec.h"

#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "core/crash.h"
#include "core/debug.h"
#include "core/log.h"

static __thread CpuState *cpu_current;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void page_code_changed(void *opaque, uint64_t page, bool has_code) {
    GuestMem *m = opaque;
    if (has_code) mem_protect_code_page(m, page);
    else mem_unprotect_code_page(m, page);
}

void cpu_core_init(CpuState *cpu, const CpuArchOps *arch, GuestMem *mem) {
    cpu->arch = arch;
    cpu->mem = mem;
    cpu->mem_base = mem ? mem->base : NULL;
    cpu->mem_limit = mem ? mem->limit : 0;
    cpu->tbs = tb_cache_new();
    cpu->tbs->stats = &cpu->stats;
    if (mem) {
        cpu->tbs->page_code_changed = page_code_changed;
        cpu->tbs->page_opaque = mem;
    }
    cpu->tb_max_insns = 64;
    cpu->log = stderr;
}

void cpu_set_tier(CpuState *cpu, const ExecTier *tier) {
    tb_flush(cpu->tbs);
    tb_reclaim(cpu->tbs);
    cpu->tier = tier;
    cpu->tbs->release_code = tier->release;
}

bool cpu_set_hot_tier(CpuState *cpu, const ExecTier *hot, uint64_t threshold, char *err, size_t err_len) {
    tb_flush(cpu->tbs);
    tb_reclaim(cpu->tbs);
    if (cpu->hot_tier) {
        cpu->hot_tier->destroy(cpu);
        cpu->hot_tier = NULL;
        cpu->tbs->link_hook = NULL;
        cpu->tbs->release_hot = NULL;
    }
    if (!hot) return true;
    if (!hot->init(cpu, err, err_len)) return false;
    cpu->hot_tier = hot;
    cpu->tbs->release_hot = hot->release;
    cpu->promote_threshold = threshold;
    cpu->tbs->link_hook = hot->link;
    cpu->tbs->link_opaque = cpu;
    return true;
}

void cpu_core_destroy(CpuState *cpu) {
    tb_flush(cpu->tbs);
    tb_reclaim(cpu->tbs);
    if (cpu->hot_tier) cpu->hot_tier->destroy(cpu);
    cpu->hot_tier = NULL;
    tb_cache_free(cpu->tbs);
    cpu->tbs = NULL;
}

_Noreturn void cpu_raise(CpuState *cpu, uint32_t cause, uint64_t tval) {
    cpu->exc_cause = cause;
    cpu->exc_tval = tval;
    siglongjmp(cpu->jmp_env, 1);
}

static void log_in_asm(CpuState *cpu, const Tb *tb) {
    fprintf(cpu->log, "----------------\nIN: \n");
    uint64_t pc = tb->pc;
    for (uint32_t i = 0; i < tb->n_insns; i++) {
        char buf[128];
        int len = cpu->arch->disas ? cpu->arch->disas(cpu, pc, buf, sizeof buf) : 0;
        if (len <= 0) {
            fprintf(cpu->log, "0x%016" PRIx64 ":  (unreadable)\n", pc);
            break;
        }
        fprintf(cpu->log, "0x%016" PRIx64 ":  %s\n", pc, buf);
        pc += (uint64_t)len;
    }
    fprintf(cpu->log, "\n");
}

/* System mode: phys_page_last of a block that reaches into a virtual page
 * that had no translation (its last instruction's fetch faulted there).
 * No RAM or ROM is ever at this physical address. */
#define TB_PAGE_UNMAPPED (~(uint64_t)0 & MEM_PAGE_MASK)

static Tb *tb_translate(CpuState *cpu, uint64_t pc, uint64_t phys_page, uint32_t flags) {
    uint64_t t0 = now_ns();
    Tb *tb = calloc(1, sizeof *tb);
    if (!tb) abort();
    tb->pc = pc;
    tb->phys_page = phys_page;
    tb->flags = flags;
    ir_block_init(&tb->ir, cpu->arch->ir_env, pc);
    uint32_t max_insns = (flags & TB_FLAG_SINGLESTEP) ? 1 : cpu->tb_max_insns;
    for (;;) {
        ir_block_reset(&tb->ir, pc);
        cpu->arch->translate(cpu, pc, max_insns, &tb->ir);
        if (cpu->debug && cpu_debug_fix_block(cpu, tb, &max_insns)) continue;   /* cut before a breakpoint */
        ir_optimize(&tb->ir);
        if (cpu->verify_ir) {
            char err[256];
            if (!ir_verify(&tb->ir, err, sizeof err)) {
                fprintf(stderr, "vplat: internal error: invalid IR for block at 0x%" PRIx64 ": %s\n", pc, err);
                ir_print_block(stderr, &tb->ir);
                abort();
            }
        }
        tb->n_insns = tb->ir.n_guest_insns;
        tb->guest_size = tb->ir.guest_size;
        if (cpu->tier->prepare(cpu, tb)) break;
        if (max_insns == 1) {
            fprintf(stderr, "vplat: internal error: block at 0x%" PRIx64 " does not fit the %s tier\n", pc,
                    cpu->tier->name);
            abort();
        }
        max_insns /= 2;
    }
    if (cpu->smmu) {
        /* system mode: list the TB under its physical page(s); a last
         * instruction straddling into the next virtual page was fetched
         * through it, so that translation cannot fault now */
        tb->phys_explicit = true;
        tb->phys_page_last = phys_page;
        uint64_t last = pc + (tb->guest_size ? tb->guest_size - 1 : 0);
        uint64_t pa;
        if ((last ^ pc) & MEM_PAGE_MASK)
            tb->phys_page_last = cpu->arch->code_phys(cpu, last, &pa) == 0 ? pa & MEM_PAGE_MASK : TB_PAGE_UNMAPPED;
    }
    cpu->stats.tbs_translated++;
    cpu->stats.guest_insns_translated += tb->n_insns;
    cpu->stats.translate_ns += now_ns() - t0;
    if (cpu->log_mask & LOG_IN_ASM) log_in_asm(cpu, tb);
    if (cpu->log_mask & LOG_OP) {
        fprintf(cpu->log, "OP after optimization:\n");
        ir_print_block(cpu->log, &tb->ir);
        fprintf(cpu->log, "\n");
    }
    tb_insert(cpu->tbs, tb);
    return tb;
}

static inline uint32_t cpu_tb_flags(CpuState *cpu) {
    uint32_t f = cpu->tb_max_insns == 1 ? TB_FLAG_SINGLESTEP : 0;
    if (cpu->arch->tb_flags) f |= cpu->arch->tb_flags(cpu);
    if (cpu->debug) f |= cpu_debug_tb_flags(cpu);
    return f;
}

/* System mode: does the TB's code cross into a second virtual page?  Its
 * key names only the first page's physical page. */
static bool tb_crosses_page(const Tb *tb) {
    uint64_t last = tb->pc + (tb->guest_size ? tb->guest_size - 1 : 0);
    return tb->phys_explicit && ((last ^ tb->pc) & MEM_PAGE_MASK) != 0;
}

/* ... and does that second page still translate as when the TB was
 * built: to the same physical page, or (a block whose last instruction's
 * second half could not be fetched, which covers that instruction and
 * raises the fault) still not at all? */
static bool tb_second_page_current(CpuState *cpu, const Tb *tb) {
    if (!tb_crosses_page(tb)) return true;
    uint64_t pa;
    bool mapped = cpu->arch->code_phys(cpu, tb->pc + tb->guest_size - 1, &pa) == 0;
    if (tb->phys_page_last == TB_PAGE_UNMAPPED) return !mapped;
    return mapped && (pa & MEM_PAGE_MASK) == tb->phys_page_last;
}

static Tb *tb_find(CpuState *cpu, uint64_t pc) {
    uint32_t flags = cpu_tb_flags(cpu);
    uint32_t h = tb_jmp_hash(pc);
    Tb *tb = cpu->tbs->jmp_cache[h];
    if (tb && tb->pc == pc && tb->flags == flags) return tb;
    cpu->stats.tb_lookups++;
    uint64_t phys_page = pc & MEM_PAGE_MASK;
    if (cpu->smmu) {
        /* system mode: TBs are keyed by physical page; a fetch fault is
         * taken here, before any instruction of the block */
        uint64_t pa;
        cpu->cur_tb = NULL;
        cpu->cur_op = NULL;
        uint32_t cause = cpu->arch->code_phys(cpu, pc, &pa);
        if (cause) cpu_raise(cpu, cause, pc);
        phys_page = pa & MEM_PAGE_MASK;
        tb = tb_lookup_phys(cpu->tbs, pc, phys_page, flags);
        if (tb && !tb_second_page_current(cpu, tb)) {
            /* the page its last instruction straddles into is mapped
             * differently now: drop it (with the other TBs of that
             * physical page: rare) and translate afresh */
            tb_invalidate_page(cpu->tbs, tb->phys_page_last);
            tb = NULL;
        }
    } else {
        tb = tb_lookup(cpu->tbs, pc, flags);
    }
    if (!tb) tb = tb_translate(cpu, pc, phys_page, flags);
    /* the jump cache is flushed with the TLB entries of the pages its
     * blocks reach, so what it holds is current */
    cpu->tbs->jmp_cache[h] = tb;
    return tb;
}

/* Make pc and the retired count precise after a fault inside a TB. */
static void restore_precise_state(CpuState *cpu) {
    Tb *tb = cpu->cur_tb;
    if (!tb || !cpu->cur_op) return;
    uint32_t idx;
    if ((uintptr_t)cpu->cur_op < CPU_CUR_OP_INDEX_LIMIT) idx = (uint32_t)(uintptr_t)cpu->cur_op - 1;
    else if (tb->code) idx = cpu->tier->fault_insn(tb, cpu->cur_op);
    else return;
    if (idx < tb->n_insns) {
        cpu->pc = tb->insn_pc[idx];
        cpu->insn_count -= tb->n_insns - idx;
    }
}

void cpu_before_fork(CpuState *cpu) {
    if (cpu->hot_tier && cpu->hot_tier->before_fork) cpu->hot_tier->before_fork(cpu);
}

void cpu_after_fork(CpuState *cpu, bool child) {
    if (!cpu->hot_tier || !cpu->hot_tier->after_fork || cpu->hot_tier->after_fork(cpu, child) || !child) return;
    fprintf(cpu->log, "vplat: the %s JIT cannot go on in a forked child: it runs in the base tier\n",
            cpu->hot_tier->name);
    cpu_set_hot_tier(cpu, NULL, 0, NULL, 0);
}

void cpu_request_exit(CpuState *cpu) {
    cpu->exit_request = 1;
    CPU_SET_INSN_LIMIT(cpu, 0);
}

static void update_insn_limit(CpuState *cpu) {
    uint64_t lim = cpu->max_insns ? cpu->max_insns : UINT64_MAX;
    if (cpu->icount_stop && cpu->icount_stop < lim) lim = cpu->icount_stop;
    CPU_SET_INSN_LIMIT(cpu, cpu->exit_request ? 0 : lim);
}

/* Give tb hot-tier code.  false: the hot tier's code buffer is full; the
 * caller flushes everything and retranslates. */
static bool promote(CpuState *cpu, Tb *tb) {
    uint64_t t0 = now_ns();
    bool ok = cpu->hot_tier->prepare(cpu, tb);
    cpu->stats.promote_ns += now_ns() - t0;
    if (!ok) return false;
    /* a tier that compiles in the background installs the code later */
    if (!tb->native) return true;
    cpu->stats.tbs_promoted++;
    /* chain the edges that already exist, in both directions */
    TbCache *c = cpu->tbs;
    if (c->link_hook) {
        for (uint32_t i = 0; i < tb->n_incoming; i++) c->link_hook(c->link_opaque, tb->incoming[i].from, tb->incoming[i].slot, tb);
        for (uint32_t s = 0; s < 2; s++)
            if (tb->exit_tb[s]) c->link_hook(c->link_opaque, tb, s, tb->exit_tb[s]);
    }
    return true;
}

CpuExitReason cpu_exec(CpuState *cpu) {
    CpuState *volatile saved_current = cpu_current;
    cpu_current = cpu;
    if (sigsetjmp(cpu->jmp_env, 0)) {
        /* a guest exception from inside a TB */
        restore_precise_state(cpu);
        cpu->cur_op = NULL;
        cpu->cur_tb = NULL;
        cpu->jmp_valid = false;
        tb_reclaim(cpu->tbs);
        cpu_current = saved_current;
        if (cpu->debug && cpu_debug_take_trap(cpu)) return CPU_EXIT_DEBUG;   /* a watchpoint, before its access */
        if (cpu->log_mask & LOG_INT)
            fprintf(cpu->log, "exception cause=%u tval=0x%" PRIx64 " pc=0x%" PRIx64 "\n", cpu->exc_cause,
                    cpu->exc_tval, cpu->pc);
        return CPU_EXIT_EXCEPTION;
    }
    cpu->jmp_valid = true;
    const bool log_each = (cpu->log_mask & (LOG_EXEC | LOG_CPU)) != 0;
    const bool chain = !log_each && cpu->tb_max_insns != 1;
    if (!cpu->hot_tier) cpu->promote_threshold = UINT64_MAX;
    CpuExitReason ret;
    Tb *tb = NULL;
    for (;;) {
        tb_reclaim(cpu->tbs);
        update_insn_limit(cpu);
        if (cpu->hot_tier && cpu->hot_tier->poll) cpu->hot_tier->poll(cpu);
        if (cpu->debug && cpu_debug_check(cpu)) {
            ret = CPU_EXIT_DEBUG;
            break;
        }
        if (cpu->exit_request) {
            cpu->exit_request = 0;
            ret = CPU_EXIT_REQUEST;
            break;
        }
        if (cpu->max_insns && cpu->insn_count >= cpu->max_insns) {
            ret = CPU_EXIT_INSN_LIMIT;
            break;
        }
        if (cpu->icount_stop && cpu->insn_count >= cpu->icount_stop) {
            ret = CPU_EXIT_ICOUNT;
            break;
        }
        if (!tb) tb = tb_find(cpu, cpu->pc);
        if (cpu->log_mask & LOG_CPU) cpu->arch->dump_state(cpu, cpu->log);
        if (cpu->log_mask & LOG_EXEC)
            fprintf(cpu->log, "Trace 0x%016" PRIx64 " [%08x/%u]\n", tb->pc, tb->flags, tb->n_insns);
        cpu->cur_op = NULL;
        TbExit e;
        if (chain && !tb->native && !tb->no_promote && cpu->hot_tier && tb->exec_count >= cpu->promote_threshold) {
            if (!promote(cpu, tb)) {
                tb_flush(cpu->tbs);
                tb_reclaim(cpu->tbs);
                cpu->hot_tier->reset(cpu);
                tb = NULL;
                continue;
            }
        }
        if (tb->native && chain) {
            tb->exec_count++;
            e = cpu->hot_tier->run(cpu, tb, chain);
        } else {
            e = cpu->tier->run(cpu, tb, chain);
        }
        tb = NULL;
        if (e.kind == TB_EXIT_CHAIN) {
            Tb *next = tb_find(cpu, cpu->pc);
            /* a block crossing into another virtual page is only entered
             * through tb_find, which checks that page's mapping */
            if (chain && !e.tb->invalid && !tb_crosses_page(next)) tb_link(cpu->tbs, e.tb, e.slot, next);
            tb = next;
            continue;
        }
        if (e.kind == TB_EXIT_LOOKUP || e.kind == TB_EXIT_STOP) continue;
        /* TB_EXIT_LOOP */
        switch (e.reason) {
        case IR_EXIT_SYSCALL:
            ret = CPU_EXIT_SYSCALL;
            goto out;
        case IR_EXIT_EXCEPTION:
            cpu->insn_count--; /* the faulting instruction did not retire */
            ret = CPU_EXIT_EXCEPTION;
            if (cpu->log_mask & LOG_INT)
                fprintf(cpu->log, "exception cause=%u pc=0x%" PRIx64 "\n", cpu->exc_cause, cpu->pc);
            goto out;
        case IR_EXIT_BREAK:
            cpu->insn_count--;
            ret = CPU_EXIT_BREAK;
            goto out;
        case IR_EXIT_FLUSH:
            tb_flush(cpu->tbs);
            tb_reclaim(cpu->tbs);
            if (cpu->hot_tier) cpu->hot_tier->reset(cpu);
            continue;
        case IR_EXIT_HALT:
            ret = CPU_EXIT_HALT;
            goto out;
        case IR_EXIT_ARCH:
            ret = CPU_EXIT_ARCH;
            goto out;
        case IR_EXIT_DEBUG:
            cpu->insn_count--;   /* the instruction at the breakpoint did not run */
            cpu_debug_break_hit(cpu);
            ret = CPU_EXIT_DEBUG;
            goto out;
        default:
            continue;
        }
    }
out:
    cpu->jmp_valid = false;
    cpu->cur_tb = NULL;
    tb_reclaim(cpu->tbs);
    cpu_current = saved_current;
    return ret;
}

/* ---- host fault handling ------------------------------------------------ */

static void fatal_host_signal(int sig, siginfo_t *si, CpuState *cpu) {
    /* Not a guest access: a vplat bug.  core/crash.c reports it (signal,
     * guest pc, command line, host backtrace) and exits with 125. */
    crash_report(sig, si->si_addr, cpu);
}

static void host_fault_handler(int sig, siginfo_t *si, void *uctx) {
    CpuState *cpu = cpu_current;
    if (!cpu || !cpu->mem || !cpu->jmp_valid) fatal_host_signal(sig, si, cpu);
    uint8_t *a = si->si_addr;
    GuestMem *m = cpu->mem;
    if (a < m->base || a >= m->base + m->limit + MEM_GUARD_SIZE) fatal_host_signal(sig, si, cpu);
    uint64_t gaddr = (uint64_t)(a - m->base);
    bool is_write = false;
#if defined(__x86_64__)
    ucontext_t *uc = uctx;
    is_write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
#else
    (void)uctx;
#endif
    uint32_t flags = mem_page_flags(m, gaddr);
    if (is_write && (flags & MEM_PAGE_CODE) && (flags & MEM_PAGE_WRITE)) {
        /* a store into translated code: drop the page's TBs, let it retry */
        cpu->stats.smc_faults++;
        tb_invalidate_page(cpu->tbs, gaddr);
        mem_unprotect_code_page(m, gaddr);
        return;
    }
    cpu->exc_cause = cpu->fault_cause[is_write ? CPU_FAULT_STORE : CPU_FAULT_LOAD];
    cpu->exc_tval = gaddr;
#if defined(__x86_64__)
    /* native code keeps guest registers in host registers: recover them */
    if (cpu->hot_tier) cpu->hot_tier->fault_state(cpu, (uintptr_t)uc->uc_mcontext.gregs[REG_RIP], uctx);
#endif
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    siglongjmp(cpu->jmp_env, 1);
}

void cpu_install_fault_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = host_fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}
