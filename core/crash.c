/* crash.c — the internal-error report: signal, guest pc, command line and
 * a symbolized host backtrace, written with async-signal-safe calls only.
 *
 *   host SIGSEGV/SIGBUS not on guest memory ─▶ core/exec.c fatal_host_signal ─┐
 *   SIGABRT / SIGFPE / SIGILL from vplat's own code ─▶ crash_signal_handler ──┤
 *                                                                             ▼
 *   crash_report: header ─▶ guest pc ─▶ command line ─▶ backtrace ─▶ _exit(125)
 *
 * Everything goes through a small on-stack line buffer and write(2); no
 * stdio, no malloc (the heap may be what is broken).  Symbol names come
 * from libunwind's unw_get_proc_name (local unwinding is documented as
 * signal-safe) or, without libunwind, glibc's backtrace_symbols_fd; the
 * module and file offset of each frame come from /proc/self/maps, read with
 * open/read, so `addr2line -e MODULE OFFSET` finds the source line.
 *
 * The state here (argv, symbolizer, the "already crashing" flag) is
 * process-wide on purpose: signal dispositions are process-wide too.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "core/crash.h"

#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/exec.h"
#include "core/tb.h"

/* @libunwind//:libunwind defines UNW_LOCAL_ONLY for its dependents, so
 * its presence tells whether -lunwind is linked in. */
#if defined(UNW_LOCAL_ONLY) || defined(VPLAT_HAVE_LIBUNWIND)
#define CRASH_LIBUNWIND 1
#ifndef UNW_LOCAL_ONLY
#define UNW_LOCAL_ONLY
#endif
#include <libunwind.h>
#else
#define CRASH_LIBUNWIND 0
#include <execinfo.h>
#endif

#define CRASH_MAX_FRAMES 64
#define CRASH_NAME_LEN 160
#define CRASH_MAX_ARGS 64
#define CRASH_MAX_ARG_CHARS 256

static int crash_argc;
static char **crash_argv;
static _Atomic(CrashSymbolizer) crash_symbolizer;
static void (*crash_exit_hook)(int sig);
static atomic_int crash_in_progress;

/* Storage that would not fit comfortably on an alternate signal stack. */
static uintptr_t crash_pcs[CRASH_MAX_FRAMES];
static char crash_names[CRASH_MAX_FRAMES][CRASH_NAME_LEN];
static char crash_maps[1 << 16];
static char crash_altstack[1 << 16] __attribute__((aligned(16)));

static const int crash_fatal_sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
#define CRASH_N_FATAL (sizeof crash_fatal_sigs / sizeof crash_fatal_sigs[0])

/* ---- async-signal-safe output ------------------------------------------- */

typedef struct CrashOut {
    char buf[512];
    size_t n;
} CrashOut;

static void out_flush(CrashOut *o) {
    size_t done = 0;
    while (done < o->n) {
        ssize_t w = write(2, o->buf + done, o->n - done);
        if (w <= 0) break;
        done += (size_t)w;
    }
    o->n = 0;
}

static void out_mem(CrashOut *o, const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (o->n == sizeof o->buf) out_flush(o);
        o->buf[o->n++] = s[i];
    }
}

static void out_str(CrashOut *o, const char *s) { out_mem(o, s, strlen(s)); }

size_t crash_put_str(char *buf, size_t at, size_t len, const char *s) {
    while (*s && at + 1 < len) buf[at++] = *s++;
    buf[at < len ? at : len - 1] = 0;
    return at;
}

size_t crash_fmt_hex(char *buf, uint64_t v) {
    static const char digits[] = "0123456789abcdef";
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 16; i++) buf[2 + i] = digits[(v >> (60 - 4 * i)) & 15];
    buf[18] = 0;
    return 18;
}

static void out_hex(CrashOut *o, uint64_t v) {
    char b[19];
    out_mem(o, b, crash_fmt_hex(b, v));
}

/* Hex without leading zeros ("0x2b2c3"). */
static void out_hex_short(CrashOut *o, uint64_t v) {
    char b[19];
    crash_fmt_hex(b, v);
    size_t i = 2;
    while (i < 17 && b[i] == '0') i++;
    out_str(o, "0x");
    out_mem(o, b + i, 18 - i);
}

static void out_dec(CrashOut *o, uint64_t v) {
    char b[24];
    size_t i = sizeof b;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    out_mem(o, b + i, sizeof b - i);
}

static const char *crash_sig_name(int sig) {
    switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGSYS: return "SIGSYS";
    default: return "unknown signal";
    }
}

/* ---- configuration ------------------------------------------------------ */

void crash_set_command_line(int argc, char **argv) {
    crash_argc = argc;
    crash_argv = argv;
}

void crash_set_symbolizer(CrashSymbolizer fn) { atomic_store(&crash_symbolizer, fn); }

void crash_set_exit_hook(void (*fn)(int sig)) { crash_exit_hook = fn; }

/* ---- pieces of the report ----------------------------------------------- */

/* Copy len bytes from a pointer that may be garbage: the kernel reports a
 * bad address as an error instead of a fault.  process_vm_readv on our own
 * pid needs no privilege. */
static bool crash_safe_read(void *dst, const void *src, size_t len) {
    if (!src) return false;
    struct iovec l = {dst, len}, r = {(void *)(uintptr_t)src, len};
    return process_vm_readv(getpid(), &l, 1, &r, 1, 0) == (ssize_t)len;
}

static void report_guest(CrashOut *o, const CpuState *cpu) {
    /* Only the fields needed, each read defensively: the CPU may be what
     * got corrupted. */
    uint64_t pc, insns;
    const Tb *tbp;
    const void *cur_op;
    const ExecTier *tierp;
    if (!cpu) {
        out_str(o, "vplat: no guest CPU was running\n");
        return;
    }
    if (!crash_safe_read(&pc, &cpu->pc, sizeof pc) || !crash_safe_read(&insns, &cpu->insn_count, sizeof insns) ||
        !crash_safe_read(&tbp, &cpu->cur_tb, sizeof tbp) || !crash_safe_read(&cur_op, &cpu->cur_op, sizeof cur_op) ||
        !crash_safe_read(&tierp, &cpu->tier, sizeof tierp)) {
        out_str(o, "vplat: guest CPU state unreadable at ");
        out_hex(o, (uint64_t)(uintptr_t)cpu);
        out_str(o, "\n");
        return;
    }
    Tb tb;
    ExecTier tier;
    bool have_tb = tbp && crash_safe_read(&tb, tbp, sizeof tb);
    bool have_tier = tierp && crash_safe_read(&tier, tierp, sizeof tier);
    /* The exact instruction, as restore_precise_state would find it. */
    if (have_tb && have_tier && cur_op && tier.fault_insn && tb.code && tb.insn_pc) {
        uint32_t idx = tier.fault_insn(tbp, cur_op);
        uint64_t ipc;
        if (idx < tb.n_insns && crash_safe_read(&ipc, &tb.insn_pc[idx], sizeof ipc)) pc = ipc;
    }
    out_str(o, "vplat: last guest pc ");
    out_hex(o, pc);
    out_str(o, " (");
    if (have_tb) {
        out_str(o, "block ");
        out_hex_short(o, tb.pc);
        out_str(o, ", ");
    }
    out_dec(o, insns);
    out_str(o, " insns retired");
    char name[32];
    if (have_tier && tier.name && crash_safe_read(name, tier.name, 1)) {
        size_t k = 0;
        while (k + 1 < sizeof name && crash_safe_read(&name[k], tier.name + k, 1) && name[k]) k++;
        out_str(o, ", tier ");
        out_mem(o, name, k);
    }
    out_str(o, ")\n");
}

static bool crash_plain_arg(const char *s) {
    if (!*s) return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("_./=:,+@%-", c)))
            return false;
    }
    return true;
}

static void report_command_line(CrashOut *o) {
    out_str(o, "vplat: command line:");
    if (!crash_argv) {
        out_str(o, " (not recorded)\n");
        return;
    }
    for (int i = 0; i < crash_argc && crash_argv[i]; i++) {
        if (i == CRASH_MAX_ARGS) {
            out_str(o, " ...");
            break;
        }
        const char *a = crash_argv[i];
        size_t len = strlen(a);
        bool cut = len > CRASH_MAX_ARG_CHARS;
        if (cut) len = CRASH_MAX_ARG_CHARS;
        out_str(o, " ");
        if (!cut && crash_plain_arg(a)) {
            out_mem(o, a, len);
            continue;
        }
        out_str(o, "'");
        for (size_t k = 0; k < len; k++) {
            if (a[k] == '\'') out_str(o, "'\\''");
            else if ((unsigned char)a[k] < 0x20) out_str(o, "?");
            else out_mem(o, &a[k], 1);
        }
        out_str(o, cut ? "...'" : "'");
    }
    out_str(o, "\n");
}

/* /proc/self/maps into crash_maps (NUL-terminated); false if unreadable. */
static bool crash_read_maps(void) {
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, crash_maps + n, sizeof crash_maps - 1 - n);
        if (r <= 0) break;
        n += (size_t)r;
        if (n == sizeof crash_maps - 1) break;
    }
    close(fd);
    crash_maps[n] = 0;
    return n > 0;
}

static uint64_t parse_hex(const char **p) {
    uint64_t v = 0;
    for (;; (*p)++) {
        char c = **p;
        if (c >= '0' && c <= '9') v = v * 16 + (uint64_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v = v * 16 + (uint64_t)(c - 'a' + 10);
        else return v;
    }
}

/* " (vplat+0x2b2c3)": the mapping's file base name and the file offset. */
static void report_module(CrashOut *o, uintptr_t pc) {
    const char *line = crash_maps;
    while (*line) {
        const char *eol = strchr(line, '\n');
        if (!eol) eol = line + strlen(line);
        const char *p = line;
        uint64_t lo = parse_hex(&p);
        if (*p == '-') p++;
        uint64_t hi = parse_hex(&p);
        if (pc >= lo && pc < hi) {
            while (p < eol && *p == ' ') p++;
            while (p < eol && *p != ' ') p++; /* perms */
            while (p < eol && *p == ' ') p++;
            uint64_t off = parse_hex(&p);
            for (int field = 0; field < 2; field++) { /* dev, inode */
                while (p < eol && *p == ' ') p++;
                while (p < eol && *p != ' ') p++;
            }
            while (p < eol && *p == ' ') p++;
            if (p < eol) {
                const char *base = p;
                for (const char *q = p; q < eol; q++)
                    if (*q == '/') base = q + 1;
                out_str(o, " (");
                out_mem(o, base, (size_t)(eol - base));
                out_str(o, "+");
                out_hex_short(o, pc - lo + off);
                out_str(o, ")");
            }
            return;
        }
        line = *eol ? eol + 1 : eol;
    }
}

/* The CPU whose crash is being reported (set once by crash_report, which
 * never returns): its hot tier names frames in the code it generated. */
static const CpuState *_Atomic crash_cpu;

static bool name_jit_frame(uintptr_t pc, char *buf, size_t len) {
    const CpuState *cpu = atomic_load(&crash_cpu);
    const ExecTier *tierp;
    ExecTier tier;
    if (cpu && crash_safe_read(&tierp, &cpu->hot_tier, sizeof tierp) && tierp &&
        crash_safe_read(&tier, tierp, sizeof tier) && tier.name_host_pc && tier.name_host_pc(cpu, pc, buf, len))
        return true;
    CrashSymbolizer sym = atomic_load(&crash_symbolizer);
    return sym && sym(pc, buf, len);
}

static void report_frame(CrashOut *o, int idx, uintptr_t pc, const char *name, bool have_maps) {
    out_str(o, "  #");
    out_dec(o, (uint64_t)idx);
    out_str(o, idx < 10 ? "  " : " ");
    out_hex(o, pc);
    out_str(o, " ");
    /* Generated code first: it has no ELF symbol, and a symbolizer that
     * knows its code ranges is authoritative for them. */
    char jit[CRASH_NAME_LEN];
    if (name_jit_frame(pc, jit, sizeof jit)) {
        jit[sizeof jit - 1] = 0;
        out_str(o, jit);
    } else {
        out_str(o, name && *name ? name : "??");
        if (have_maps) report_module(o, pc);
    }
    out_str(o, "\n");
    out_flush(o);
}

/* glibc's __restore_rt on x86-64: mov $15,%rax (rt_sigreturn); syscall. */
static bool crash_is_sigreturn(uintptr_t pc) {
#if defined(__x86_64__)
    static const unsigned char code[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
    return pc && memcmp((const void *)pc, code, sizeof code) == 0;
#else
    (void)pc;
    return false;
#endif
}

static void report_backtrace(CrashOut *o) {
    out_str(o, "vplat: host backtrace:\n");
    out_flush(o);
    bool have_maps = crash_read_maps();
    int n = 0, first = 1; /* frame 0 is report_backtrace's caller chain start */
#if CRASH_LIBUNWIND
    unw_context_t ctx;
    unw_cursor_t cur;
    if (unw_getcontext(&ctx) != 0 || unw_init_local(&cur, &ctx) != 0) {
        out_str(o, "  (libunwind could not start)\n");
        out_flush(o);
        return;
    }
    int sig_frame = -1;
    do {
        unw_word_t ip = 0, off = 0;
        if (unw_get_reg(&cur, UNW_REG_IP, &ip) != 0) break;
        crash_pcs[n] = (uintptr_t)ip;
        char *name = crash_names[n];
        name[0] = 0;
        if (unw_get_proc_name(&cur, name, CRASH_NAME_LEN - 24, &off) == 0 && name[0]) {
            size_t len = strlen(name);
            name[len++] = '+';
            char hex[19];
            crash_fmt_hex(hex, off);
            size_t i = 2;
            while (i < 17 && hex[i] == '0') i++;
            name[len++] = '0';
            name[len++] = 'x';
            memcpy(name + len, hex + i, 18 - i);
            name[len + 18 - i] = 0;
        }
        if (sig_frame < 0 && unw_is_signal_frame(&cur) > 0) sig_frame = n;
        n++;
    } while (n < CRASH_MAX_FRAMES && unw_step(&cur) > 0);
    /* Start at the frame that was interrupted by the signal, if any. */
    /* Start at the frame the signal interrupted.  libunwind 1.6 flags that
     * frame (not the sigreturn trampoline below it) as the signal frame;
     * on x86-64 the trampoline is recognised by its code, which is exact. */
    for (int i = 0; i + 1 < n && i < 8; i++) {
        if (crash_is_sigreturn(crash_pcs[i])) {
            sig_frame = i + 1;
            break;
        }
    }
    if (sig_frame >= 0 && sig_frame < n) first = sig_frame;
    for (int i = first; i < n; i++) report_frame(o, i - first, crash_pcs[i], crash_names[i], have_maps);
#else
    void *pcs[CRASH_MAX_FRAMES];
    n = backtrace(pcs, CRASH_MAX_FRAMES);
    for (int i = 0; i + 1 < n && i < 8; i++) {
        if (crash_is_sigreturn((uintptr_t)pcs[i])) {
            first = i + 1;
            break;
        }
    }
    for (int i = first; i < n; i++) {
        crash_pcs[i] = (uintptr_t)pcs[i];
        if (name_jit_frame(crash_pcs[i], crash_names[i], CRASH_NAME_LEN)) {
            report_frame(o, i - first, crash_pcs[i], crash_names[i], have_maps);
            continue;
        }
        out_str(o, "  #");
        out_dec(o, (uint64_t)(i - first));
        out_str(o, "  ");
        out_flush(o);
        backtrace_symbols_fd(&pcs[i], 1, 2); /* "module(symbol+off) [pc]\n" */
    }
#endif
    if (n == 0) out_str(o, "  (no frames)\n");
    out_flush(o);
}

/* ---- the report ------------------------------------------------------------ */

static void crash_nested(int sig, siginfo_t *si, void *uc) {
    (void)si;
    (void)uc;
    CrashOut o = {.n = 0};
    out_str(&o, "\nvplat: internal error: host signal ");
    out_dec(&o, (uint64_t)sig);
    out_str(&o, " while writing the crash report\n");
    out_flush(&o);
    _exit(CRASH_EXIT_STATUS);
}

_Noreturn void crash_report(int sig, void *fault_addr, const CpuState *cpu) {
    if (atomic_exchange(&crash_in_progress, 1)) {
        /* another thread is reporting, or the report itself crashed */
        crash_nested(sig, NULL, NULL);
    }
    /* A fault while reporting (corrupted CPU state, a broken unwinder) must
     * end the process, not recurse. */
    struct sigaction old[CRASH_N_FATAL], sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = crash_nested;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigset_t unblock;
    sigemptyset(&unblock);
    for (size_t i = 0; i < CRASH_N_FATAL; i++) {
        sigaction(crash_fatal_sigs[i], &sa, &old[i]);
        sigaddset(&unblock, crash_fatal_sigs[i]);
    }
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
    atomic_store(&crash_cpu, cpu);

    CrashOut o = {.n = 0};
    out_str(&o, "vplat: internal error: host signal ");
    out_dec(&o, (uint64_t)sig);
    out_str(&o, " (");
    out_str(&o, crash_sig_name(sig));
    out_str(&o, ")");
    if (fault_addr || sig == SIGSEGV || sig == SIGBUS) {
        out_str(&o, " at ");
        out_hex(&o, (uint64_t)(uintptr_t)fault_addr);
    }
    out_str(&o, "\n");
    out_flush(&o);
    report_guest(&o, cpu);
    report_command_line(&o);
    out_flush(&o);
    report_backtrace(&o);
    out_str(&o, "vplat: this is a bug in vplat; please report it with the lines above\n");
    out_flush(&o);

    if (crash_exit_hook) {
        for (size_t i = 0; i < CRASH_N_FATAL; i++) sigaction(crash_fatal_sigs[i], &old[i], NULL);
        crash_exit_hook(sig);
    }
    _exit(CRASH_EXIT_STATUS);
}

/* ---- handlers for vplat's own SIGABRT / SIGFPE / SIGILL ------------------- */

static void crash_signal_handler(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    /* kill(1) from another process: not a vplat bug, keep the default. */
    if (si && si->si_code <= 0 && si->si_pid != getpid()) {
        signal(sig, SIG_DFL);
        raise(sig); /* delivered when the handler returns */
        return;
    }
    void *addr = NULL;
    if (si && sig != SIGABRT) addr = si->si_addr;
    crash_report(sig, addr, NULL);
}

void crash_install_handlers(void) {
    stack_t ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_sp = crash_altstack;
    ss.ss_size = sizeof crash_altstack;
    sigaltstack(&ss, NULL);
#if !CRASH_LIBUNWIND
    /* backtrace() loads libgcc_s on first use, which mallocs: do it now. */
    void *warm[2];
    (void)backtrace(warm, 2);
#endif
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = crash_signal_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGABRT, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
}
