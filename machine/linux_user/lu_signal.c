/* lu_signal.c — guest signals: dispositions (rt_sigaction), the blocked
 * mask, delivery to guest handlers, and dying by a signal like the kernel.
 *
 * Signals come from the guest itself (a fault in cpu_exec, kill/tgkill to
 * its own pid, SIGPIPE on a broken pipe).  They are made pending by
 * lu_signal_raise and delivered by lu_signal_deliver_pending from the run
 * loop, after the current syscall has written its result, so a handler
 * frame always captures the final register state.
 * Under -g the gdb stub sees every signal first, stopped at the faulting
 * instruction or after the syscall, and decides what is delivered
 * (lu_gdb_intercept), as a debugger does through ptrace.
 *
 * A riscv64 handler frame, as arch/riscv/kernel/signal.c builds it:
 *
 *   sp ─▶ struct rt_sigframe {
 *           siginfo_t info;                      128 bytes
 *           struct ucontext uc {                 960 bytes
 *             uc_flags, uc_link, uc_stack (24), uc_sigmask (8), pad to 168,
 *             uc_mcontext @176: sc_regs {pc, x1..x31}, fp state {f[32], fcsr}
 *           }
 *         }
 *   a0 = sig, a1 = &info, a2 = &uc, ra = trampoline (li a7,139; ecall)
 *
 * There is no vDSO, so the trampoline lives in a guest page vplat maps on
 * the first handler installation.  Asynchronous signals from other host
 * processes are not delivered to guest handlers (their default actions
 * apply to vplat itself, which matches the guest's default).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "machine/linux_user/lu_internal.h"

enum {
    LU_SA_NOCLDSTOP = 1, LU_SA_SIGINFO = 4, LU_SA_ONSTACK = 0x08000000,
    LU_SA_RESTART = 0x10000000, LU_SA_NODEFER = 0x40000000, LU_SA_RESETHAND = 0x80000000u,
    LU_SS_ONSTACK = 1, LU_SS_DISABLE = 2,
};

#define LU_FRAME_INFO 0
#define LU_FRAME_UC 128
#define LU_UC_STACK 16
#define LU_UC_SIGMASK 40
#define LU_UC_MCONTEXT 176
#define LU_FRAME_SIZE (128 + 960)
#define LU_MIN_SIGSTKSZ 2048

static inline uint64_t lu_sigbit(int sig) { return 1ull << (sig - 1); }
#define LU_UNBLOCKABLE (lu_sigbit(SIGKILL) | lu_sigbit(SIGSTOP))

const char *lu_signal_name(int sig) {
    const char *s = strsignal(sig);
    return s ? s : "Unknown signal";
}

static bool lu_sig_dumps_core(int sig) {
    switch (sig) {
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case SIGSYS: case SIGXCPU: case SIGXFSZ:
        return true;
    default:
        return false;
    }
}

static bool lu_sig_default_ignored(int sig) {
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool lu_sig_default_stops(int sig) {
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

_Noreturn void lu_die_by_signal(LuProcess *p, int sig) {
    if (p->cfg->stats && p->cpu_ready)
        stats_print(&p->cpu.cs.stats, p->cpu.cs.insn_count, p->log);
    if (!lu_rr_finish(p, 128 + sig))
        exit(1);
    if (lu_sig_dumps_core(sig))
        fprintf(stderr, "vplat: uncaught target signal %d (%s) - core dumped\n", sig,
                lu_signal_name(sig));
    fflush(NULL);
    if (p->gdb)
        gdb_server_exited(p->gdb, 0, gdb_signal_from_linux(sig));   /* "X" to the client */
    /* No host core file: it would describe vplat, not the guest. */
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

bool lu_signal_map_trampoline(LuProcess *p) {
    if (p->sigtramp)
        return true;
    uint64_t a = lu_mmap_find_free(p, MEM_PAGE_SIZE, 0);
    if (!a || !mem_map(&p->mem, a, MEM_PAGE_SIZE, MEM_PAGE_READ | MEM_PAGE_WRITE))
        return false;
    const uint32_t code[2] = {
        0x08b00893u, /* addi a7, zero, 139  (__NR_rt_sigreturn) */
        0x00000073u, /* ecall */
    };
    mem_write(&p->mem, a, code, sizeof(code));
    mem_protect(&p->mem, a, MEM_PAGE_SIZE, MEM_PAGE_READ | MEM_PAGE_EXEC);
    p->sigtramp = a;
    return true;
}

int64_t lu_sys_rt_sigaction(LuProcess *p, int sig, uint64_t act, uint64_t oact, uint64_t sz) {
    if (sz != 8)
        return -EINVAL;
    if (sig < 1 || sig > LU_NSIG)
        return -EINVAL;
    LuSigAction na;
    if (act) {
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
        uint64_t g[3];
        if (!mem_read(&p->mem, act, g, sizeof(g)))
            return -EFAULT;
        na.handler = g[0];
        na.flags = g[1];
        na.mask = g[2] & ~LU_UNBLOCKABLE;
    }
    if (oact) {
        const LuSigAction *o = &p->sigact[sig];
        uint64_t g[3] = {o->handler, o->flags, o->mask};
        if (!mem_write(&p->mem, oact, g, sizeof(g)))
            return -EFAULT;
    }
    if (act) {
        if (na.handler > LU_SIG_IGN && !lu_signal_map_trampoline(p))
            return -ENOMEM;
        p->sigact[sig] = na;
        /* Signals from outside: an ignored one is ignored by vplat too, so
         * e.g. a guest that ignores SIGINT survives ^C.  The fault signals
         * stay with core/exec.c's handler, and SIGILL, SIGFPE and SIGABRT
         * with core/crash.c's (raised by vplat's own host code, they are
         * vplat bugs, never guest events); SIGPIPE is always ignored by the
         * host and re-raised for the guest on EPIPE (lu_main.c). */
        if (sig != SIGSEGV && sig != SIGBUS && sig != SIGPIPE && sig != SIGILL && sig != SIGFPE &&
            sig != SIGABRT && sig < 32) {
            struct sigaction sa;
            memset(&sa, 0, sizeof(sa));
            sa.sa_handler = na.handler == LU_SIG_IGN ? SIG_IGN : SIG_DFL;
            sigemptyset(&sa.sa_mask);
            sigaction(sig, &sa, NULL);
        }
        if (na.handler == LU_SIG_IGN || (na.handler == LU_SIG_DFL && lu_sig_default_ignored(sig)))
            p->sigpending &= ~lu_sigbit(sig);
    }
    return 0;
}

int64_t lu_sys_rt_sigprocmask(LuProcess *p, int how, uint64_t set, uint64_t oset, uint64_t sz) {
    if (sz != 8)
        return -EINVAL;
    uint64_t old = p->sigmask;
    if (set) {
        uint64_t s;
        if (!mem_read(&p->mem, set, &s, 8))
            return -EFAULT;
        switch (how) {
        case 0: p->sigmask |= s; break;   /* SIG_BLOCK */
        case 1: p->sigmask &= ~s; break;  /* SIG_UNBLOCK */
        case 2: p->sigmask = s; break;    /* SIG_SETMASK */
        default: return -EINVAL;
        }
        p->sigmask &= ~LU_UNBLOCKABLE;
    }
    if (oset && !mem_write(&p->mem, oset, &old, 8))
        return -EFAULT;
    return 0;
}

int64_t lu_sys_sigaltstack(LuProcess *p, uint64_t ss, uint64_t oss) {
    uint64_t sp = lu_x(p)[LU_REG_SP];
    bool on = p->altstack_size && sp - p->altstack_sp < p->altstack_size;
    if (oss) {
        uint64_t g[3] = {p->altstack_sp,
                         on ? LU_SS_ONSTACK : (p->altstack_size ? 0 : LU_SS_DISABLE),
                         p->altstack_size};
        if (!mem_write(&p->mem, oss, g, sizeof(g)))
            return -EFAULT;
    }
    if (ss) {
        uint64_t g[3]; /* stack_t: ss_sp, int ss_flags (+pad), ss_size */
        if (!mem_read(&p->mem, ss, g, sizeof(g)))
            return -EFAULT;
        if (on)
            return -EPERM;
        uint32_t fl = (uint32_t)g[1];
        if (fl & LU_SS_DISABLE) {
            p->altstack_sp = p->altstack_size = 0;
        } else if (fl & ~(uint32_t)LU_SS_ONSTACK) {
            return -EINVAL;
        } else {
            if (g[2] < LU_MIN_SIGSTKSZ)
                return -ENOMEM;
            p->altstack_sp = g[0];
            p->altstack_size = g[2];
        }
    }
    return 0;
}

/* Build the frame and redirect the guest to the handler.  false: the frame
 * cannot be written (the kernel then kills with SIGSEGV). */
static bool lu_setup_frame(LuProcess *p, int sig, const LuSigAction *sa, int code, uint64_t addr) {
    uint64_t *x = lu_x(p);
    RvCpu *c = &p->cpu;
    uint64_t sp = x[LU_REG_SP];
    if (p->cfg->strace) {
        fprintf(p->log, "%d --- signal %d (%s) {si_code=%d, si_addr=0x%llx} ---\n", p->pid, sig,
                lu_signal_name(sig), code, (unsigned long long)addr);
        fflush(p->log);
    }
    bool on_alt = p->altstack_size && sp - p->altstack_sp < p->altstack_size;
    if ((sa->flags & LU_SA_ONSTACK) && p->altstack_size && !on_alt)
        sp = p->altstack_sp + p->altstack_size;
    sp = (sp - LU_FRAME_SIZE) & ~15ull;

    uint8_t f[LU_FRAME_SIZE];
    memset(f, 0, sizeof(f));
    int32_t si[4] = {sig, 0, code, 0};
    memcpy(f + LU_FRAME_INFO, si, sizeof(si));
    if (code > 0) { /* kernel-generated: fault address */
        memcpy(f + LU_FRAME_INFO + 16, &addr, 8);
    } else { /* SI_USER / SI_TKILL: sender pid and uid */
        int32_t pu[2] = {p->pid, (int32_t)getuid()};
        memcpy(f + LU_FRAME_INFO + 16, pu, 8);
    }
    uint8_t *uc = f + LU_FRAME_UC;
    uint64_t stk[3] = {p->altstack_sp,
                       on_alt ? LU_SS_ONSTACK : (p->altstack_size ? 0 : LU_SS_DISABLE),
                       p->altstack_size};
    memcpy(uc + LU_UC_STACK, stk, sizeof(stk));
    memcpy(uc + LU_UC_SIGMASK, &p->sigmask, 8);
    uint64_t regs[32];
    regs[0] = p->cpu.cs.pc;
    for (int i = 1; i < 32; i++)
        regs[i] = x[i];
    memcpy(uc + LU_UC_MCONTEXT, regs, sizeof(regs));
    memcpy(uc + LU_UC_MCONTEXT + 256, &x[32], 32 * 8);
    uint32_t fcsr = (c->frm << 5) | (c->fflags & 0x1f);
    memcpy(uc + LU_UC_MCONTEXT + 256 + 256, &fcsr, 4);

    if (!mem_write(&p->mem, sp, f, sizeof(f)))
        return false;

    p->sigmask |= sa->mask;
    if (!(sa->flags & LU_SA_NODEFER))
        p->sigmask |= lu_sigbit(sig);
    p->sigmask &= ~LU_UNBLOCKABLE;
    if (sa->flags & LU_SA_RESETHAND)
        p->sigact[sig].handler = LU_SIG_DFL;

    x[LU_REG_SP] = sp;
    x[LU_REG_RA] = p->sigtramp;
    x[LU_REG_A0] = (uint64_t)sig;
    x[LU_REG_A0 + 1] = sp + LU_FRAME_INFO;
    x[LU_REG_A0 + 2] = sp + LU_FRAME_UC;
    p->cpu.cs.pc = sa->handler;
    return true;
}

int64_t lu_sys_rt_sigreturn(LuProcess *p) {
    uint64_t *x = lu_x(p);
    uint64_t sp = x[LU_REG_SP];
    uint8_t uc[960];
    if (!mem_read(&p->mem, sp + LU_FRAME_UC, uc, sizeof(uc))) {
        lu_die_by_signal(p, SIGSEGV);
    }
    uint64_t regs[32];
    memcpy(regs, uc + LU_UC_MCONTEXT, sizeof(regs));
    p->cpu.cs.pc = regs[0];
    for (int i = 1; i < 32; i++)
        x[i] = regs[i];
    memcpy(&x[32], uc + LU_UC_MCONTEXT + 256, 32 * 8);
    uint32_t fcsr;
    memcpy(&fcsr, uc + LU_UC_MCONTEXT + 512, 4);
    p->cpu.fflags = fcsr & 0x1f;
    p->cpu.frm = (fcsr >> 5) & 7;
    uint64_t mask;
    memcpy(&mask, uc + LU_UC_SIGMASK, 8);
    p->sigmask = mask & ~LU_UNBLOCKABLE;
    p->cpu.res_addr = ~(uint64_t)0;
    return 0;
}

static void lu_act(LuProcess *p, int sig, int code, uint64_t addr);

/* -g: gdb sees a signal before the guest does, as under ptrace, and says
 * what to deliver: the same signal, another, or none (0). */
static int lu_gdb_intercept(LuProcess *p, int sig) {
    int gsig = gdb_signal_from_linux(sig);
    if (!p->gdb || sig == SIGKILL || gsig == 0)
        return sig;
    int r = gdb_server_report_signal(p->gdb, gsig);
    if (r < 0) {
        /* killed from gdb (which was told): end as qemu-riscv64 does */
        fflush(NULL);
        _exit(0);
    }
    if (r == 0)
        return 0;
    int l = gdb_signal_to_linux(r);
    return l >= 1 && l <= LU_NSIG ? l : sig;
}

void lu_signal_raise(LuProcess *p, int sig, int code, uint64_t addr) {
    if (sig < 1 || sig > LU_NSIG)
        return;
    const LuSigAction *sa = &p->sigact[sig];
    bool sync_fault = code > 0 && (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
                                   sig == SIGFPE || sig == SIGTRAP);
    if (sync_fault && p->gdb) {
        /* gdb first: a dropped fault re-executes its instruction; another
         * signal is delivered instead, as one sent by a process */
        int g = lu_gdb_intercept(p, sig);
        if (g == 0)
            return;
        if (g != sig) {
            lu_act(p, g, 0 /* SI_USER */, 0);
            return;
        }
    }
    if (sync_fault) {
        /* A blocked or ignored synchronous fault cannot be survived: the
         * kernel forces the default action. */
        if ((p->sigmask & lu_sigbit(sig)) || sa->handler == LU_SIG_IGN)
            lu_die_by_signal(p, sig);
        lu_act(p, sig, code, addr);
        return;
    }
    if (sa->handler == LU_SIG_IGN)
        return;
    if (sa->handler == LU_SIG_DFL && lu_sig_default_ignored(sig))
        return;
    /* Delivered by the run loop once the current syscall has finished
     * (lu_signal_deliver_pending), and only while unblocked. */
    p->sigpending |= lu_sigbit(sig);
}

static void lu_act(LuProcess *p, int sig, int code, uint64_t addr) {
    const LuSigAction *sa = &p->sigact[sig];
    if (sig == SIGKILL || sig == SIGSTOP || sa->handler == LU_SIG_DFL) {
        if (lu_sig_default_ignored(sig))
            return;
        if (lu_sig_default_stops(sig)) {
            fflush(NULL);
            raise(SIGSTOP);
            return;
        }
        lu_die_by_signal(p, sig);
    }
    if (sa->handler == LU_SIG_IGN)
        return;
    LuSigAction copy = *sa;
    if (!lu_setup_frame(p, sig, &copy, code, addr))
        lu_die_by_signal(p, SIGSEGV);
}

void lu_signal_deliver_pending(LuProcess *p) {
    uint64_t ready = p->sigpending & ~p->sigmask;
    while (ready) {
        int sig = __builtin_ctzll(ready) + 1;
        p->sigpending &= ~lu_sigbit(sig);
        int g = lu_gdb_intercept(p, sig);
        if (g)
            lu_act(p, g, g == SIGKILL ? 0 : g == sig ? -6 /* SI_TKILL */ : 0 /* SI_USER */, 0);
        ready = p->sigpending & ~p->sigmask;
    }
}
