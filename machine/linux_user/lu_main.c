/* lu_main.c — lu_run: one emulated Linux process from load to exit.
 *
 *   lu_run ─▶ lu_process_run (image 1) ─▶ execve? ─▶ lu_process_run (image 2) ...
 *
 *   lu_process_run:
 *     mem_init ─▶ lu_load_elf(prog [+ PT_INTERP]) ─▶ lu_setup_stack
 *     ─▶ rv_cpu_init_user ─▶ loop {
 *            cpu_exec ─▶ SYSCALL    lu_syscall (pc += 4 inside)
 *                     ─▶ EXCEPTION  mcause ─▶ guest signal
 *                     ─▶ INSN_LIMIT stop (LU_EXIT_INSN_LIMIT)
 *            ─▶ DEBUG      the gdb stub (-g) serves the client while stopped
 *            deliver pending signals
 *        }
 *
 * execve of another RISC-V ELF replaces the image in this host process
 * (host fds stay, close-on-exec ones are closed, pid is kept); anything
 * else (scripts, host binaries) goes to the host's execve, as with
 * qemu-riscv64 when no binfmt_misc handler is registered.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interp/interp.h"
#include "machine/linux_user/lu_internal.h"

#define LU_MAX_ARGS 65536
#define LU_MAX_ARG_BYTES (2u << 20)

static void lu_code_write(void *opaque, uint64_t addr, uint64_t len) {
    LuProcess *p = opaque;
    if (p->cpu_ready)
        tb_invalidate_range(p->cpu.cs.tbs, addr, len);
}

/* riscv mcause ─▶ signal and si_code, as arch/riscv/kernel/traps.c does. */
static void lu_exception(LuProcess *p) {
    CpuState *cs = &p->cpu.cs;
    uint32_t cause = cs->exc_cause;
    uint64_t tval = cs->exc_tval;
    int sig, code = 1;
    uint64_t addr = tval;
    switch (cause) {
    case RV_EXC_ILLEGAL_INSN: sig = SIGILL; code = 1 /* ILL_ILLOPC */; addr = cs->pc; break;
    case RV_EXC_BREAKPOINT: sig = SIGTRAP; code = 1 /* TRAP_BRKPT */; addr = cs->pc; break;
    case RV_EXC_INSN_MISALIGNED:
    case RV_EXC_LOAD_MISALIGNED:
    case RV_EXC_STORE_MISALIGNED: sig = SIGBUS; code = 1 /* BUS_ADRALN */; break;
    case RV_EXC_INSN_ACCESS:
    case RV_EXC_LOAD_ACCESS:
    case RV_EXC_STORE_ACCESS:
    case RV_EXC_INSN_PAGE_FAULT:
    case RV_EXC_LOAD_PAGE_FAULT:
    case RV_EXC_STORE_PAGE_FAULT:
        sig = SIGSEGV;
        code = (mem_page_flags(&p->mem, tval) & MEM_PAGE_VALID) ? 2 /* SEGV_ACCERR */
                                                                : 1 /* SEGV_MAPERR */;
        break;
    default: sig = SIGILL; code = 1; addr = cs->pc; break;
    }
    lu_signal_raise(p, sig, code, addr);
}

static int lu_load_error(const char *prog, const char *what, const char *why) {
    fprintf(stderr, "vplat: %s: %s%s%s\n", prog, what ? what : "", what ? ": " : "", why);
    return LU_EXIT_LOAD_ERROR;
}

/* Close what a real exec would close. */
static void lu_close_on_exec(LuProcess *p) {
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return;
    int keep = fileno(p->log);
    int dfd = dirfd(d);
    struct dirent *e;
    int fds[1024];
    int n = 0;
    while ((e = readdir(d)) && n < 1024) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end || fd == dfd || fd == keep)
            continue;
        int fl = fcntl((int)fd, F_GETFD);
        if (fl >= 0 && (fl & FD_CLOEXEC))
            fds[n++] = (int)fd;
    }
    closedir(d);
    for (int i = 0; i < n; i++)
        close(fds[i]);
}

static int lu_process_run(LuProcess *p, const char *prog, const char *execfn, int argc,
                          char **argv, char **envp) {
    const LuConfig *cfg = p->cfg;
    char err[512];

    snprintf(p->execfn, sizeof(p->execfn), "%s", execfn);
    if (!realpath(prog, p->exe_path))
        snprintf(p->exe_path, sizeof(p->exe_path), "%s", prog);
    if (!mem_init(&p->mem, LU_GUEST_LIMIT))
        return lu_load_error(execfn, NULL, "cannot reserve the guest address space");
    p->mem.code_write = lu_code_write;
    p->mem.code_write_opaque = p;
    lu_mmap_init(p);

    if (!lu_load_elf(p, prog, false, LU_PIE_BASE, &p->exe, err, sizeof(err)))
        return lu_load_error(execfn, NULL, err);
    if (p->exe.interp[0]) {
        char ipath[PATH_MAX * 2];
        const char *root = cfg->sysroot;
        snprintf(ipath, sizeof(ipath), "%s", p->exe.interp);
        if (root && root[0]) {
            snprintf(ipath, sizeof(ipath), "%s%s", root, p->exe.interp);
            if (access(ipath, F_OK) != 0)
                snprintf(ipath, sizeof(ipath), "%s", p->exe.interp);
        }
        if (!lu_load_elf(p, ipath, true, 0, &p->interp, err, sizeof(err))) {
            char what[PATH_MAX * 2 + 32];
            snprintf(what, sizeof(what), "interpreter %s", ipath);
            if (!(root && root[0]) && errno == ENOENT)
                snprintf(err + strlen(err), sizeof(err) - strlen(err),
                         " (a dynamically linked program needs -L <sysroot>)");
            return lu_load_error(execfn, what, err);
        }
        p->has_interp = true;
    }
    p->brk_start = p->brk_cur = (p->exe.brk + MEM_PAGE_SIZE - 1) & MEM_PAGE_MASK;

    uint64_t sp = lu_setup_stack(p, argc, argv, envp);
    if (!sp)
        return lu_load_error(execfn, NULL, "arguments and environment do not fit the stack");

    rv_cpu_init_user(&p->cpu, &p->mem);
    p->cpu_ready = true;
    CpuState *cs = &p->cpu.cs;
    if (cfg->deterministic || p->rr) {
        /* rdtime/rdcycle: virtual, or through the record/replay log */
        p->cpu.read_time = lu_read_time;
        p->cpu.time_opaque = p;
    }
    cpu_set_tier(cs, cfg->tier ? cfg->tier : &interp_tier);
    cs->jit_code_size = cfg->jit_code_size;
    cs->perf_map = cfg->perf_map;
    cs->jit_wx = cfg->jit_wx;
    cs->jit_sync = cfg->deterministic || p->rr || cfg->jit_sync; /* no thread timing in deterministic runs */
    if (cfg->hot_tier) {
        char jerr[160];
        if (!cpu_set_hot_tier(cs, cfg->hot_tier, cfg->jit_threshold, jerr, sizeof jerr)) {
            fprintf(stderr, "vplat: %s\n", jerr);
            return LU_EXIT_LOAD_ERROR;
        }
    }
    cs->verify_ir = cfg->verify_ir;
    cs->log = p->log;
    cs->log_mask = cfg->log_mask;
    cs->max_insns = cfg->max_insns;
    if (lu_replaying(p)) {
        /* a replay that runs on past the recording's end has diverged:
         * stop there instead of running unchecked (or forever) */
        uint64_t end = replay_end_count(p->rr) + 1;
        cs->icount_stop = end > p->insn_base ? end - p->insn_base : 1;
    }
    if (cfg->singlestep)
        cs->tb_max_insns = 1;
    cpu_install_fault_handler();
    cs->pc = p->has_interp ? p->interp.entry : p->exe.entry;
    cs->vals[LU_REG_SP] = sp;
    if (p->gdb) {
        /* -g: the first image waits for gdb before its first instruction */
        gdb_server_set_auxv(p->gdb, p->auxv, p->auxv_len);
        gdb_server_attach(p->gdb, cs, !p->gdb_waited, stderr);
        p->gdb_waited = true;
    }

    for (;;) {
        CpuExitReason r = cpu_exec(cs);
        switch (r) {
        case CPU_EXIT_SYSCALL:
            lu_syscall(p);
            if (p->exited)
                return p->exit_status;
            if (p->exec_pending)
                return 0;
            break;
        case CPU_EXIT_EXCEPTION:
            lu_exception(p);
            break;
        case CPU_EXIT_BREAK:
            lu_signal_raise(p, SIGTRAP, 1 /* TRAP_BRKPT */, cs->pc);
            break;
        case CPU_EXIT_INSN_LIMIT:
            fflush(NULL);
            fprintf(p->log, "vplat: instruction limit %" PRIu64 " reached at pc 0x%" PRIx64 "\n",
                    cfg->max_insns, cs->pc);
            return LU_EXIT_INSN_LIMIT;
        case CPU_EXIT_HALT:
            fprintf(p->log, "vplat: guest halted at pc 0x%" PRIx64 "\n", cs->pc);
            return 1;
        case CPU_EXIT_DEBUG:
            /* stopped for gdb: serve it before any signal moves pc */
            if (p->gdb && gdb_server_poll(p->gdb) == GDB_RUN_KILL) {
                p->exited = true;
                p->exit_status = 0;   /* as qemu-riscv64 after gdb's kill */
                return 0;
            }
            continue;
        case CPU_EXIT_ICOUNT:
            if (lu_replaying(p)) {
                fflush(NULL);
                fprintf(stderr, "vplat: %s\n",
                        replay_diverged(p->rr, "the run went on past the end of the recording", lu_icount(p)));
                replay_discard(p->rr);
                p->rr = NULL;
                return 1;
            }
            cs->icount_stop = 0;
            break;
        case CPU_EXIT_REQUEST:
        default:
            break;
        }
        if (p->exited)
            return p->exit_status;   /* a replay diverged inside a helper (rdtime) */
        lu_signal_deliver_pending(p);
    }
}

bool lu_rr_finish(LuProcess *p, int status) {
    if (!p->rr)
        return true;
    char err[1024];
    bool ok = replay_close(p->rr, lu_icount(p), status, err, sizeof err);
    p->rr = NULL;
    if (!ok)
        fprintf(stderr, "vplat: %s\n", err);
    return ok;
}

static void lu_process_free(LuProcess *p) {
    if (p->cpu_ready)
        cpu_core_destroy(&p->cpu.cs);
    p->cpu_ready = false;
    mem_destroy(&p->mem);
}

static void lu_free_exec(char *path, char *fn, char **argv, char **envp) {
    free(path);
    free(fn);
    for (char **v = argv; v && *v; v++)
        free(*v);
    for (char **v = envp; v && *v; v++)
        free(*v);
    free(argv);
    free(envp);
}

int lu_run(const LuConfig *cfg, const char *prog, int argc, char **argv, char **envp) {
    LuProcess *p = calloc(1, sizeof(*p));
    if (!p) {
        fprintf(stderr, "vplat: out of memory\n");
        return LU_EXIT_LOAD_ERROR;
    }
    p->cfg = cfg;
    p->log = cfg->log ? cfg->log : stderr;
    p->pid = getpid();
    p->rng_state = cfg->seed;
    if (cfg->record || cfg->replay) {
        char rerr[1024];
        ReplayHeader h = {.machine = REPLAY_MACHINE_USER, .icount_shift = cfg->icount_shift, .seed = cfg->seed};
        p->rr = replay_open(cfg->record ? cfg->record : cfg->replay, cfg->record ? REPLAY_RECORD : REPLAY_REPLAY, &h,
                            rerr, sizeof rerr);
        if (!p->rr) {
            fprintf(stderr, "vplat: %s\n", rerr);
            free(p);
            return 1;
        }
    }
    /* Guest SIGPIPE comes from EPIPE results (lu_syscall), never the host's. */
    signal(SIGPIPE, SIG_IGN);
    if (cfg->gdb) {
        char gerr[256];
        p->gdb = gdb_server_new(cfg->gdb, gerr, sizeof gerr);
        if (!p->gdb) {
            fprintf(stderr, "vplat: %s\n", gerr);
            free(p);
            return 1;
        }
    }

    char *own_path = NULL, *own_fn = NULL, **own_argv = NULL, **own_envp = NULL;
    const char *execfn = prog;
    int status;
    for (;;) {
        status = lu_process_run(p, prog, execfn, argc, argv, envp);
        if (!p->exec_pending)
            break;
        /* Replace the image: keep pid, fds (minus close-on-exec), the
         * signal mask and ignored dispositions. */
        char *np = p->exec_path, *nf = p->exec_fn, **na = p->exec_argv, **ne = p->exec_envp;
        int nc = p->exec_argc;
        uint64_t icount = lu_icount(p);
        lu_process_free(p);
        lu_free_exec(own_path, own_fn, own_argv, own_envp);
        own_path = np, own_fn = nf, own_argv = na, own_envp = ne;
        LuProcess keep = *p;
        memset(p, 0, sizeof(*p));
        p->cfg = cfg;
        p->gdb = keep.gdb;
        p->gdb_waited = keep.gdb_waited;
        p->log = keep.log;
        p->pid = keep.pid;
        p->rng_state = keep.rng_state;
        p->det_sleep_ns = keep.det_sleep_ns;
        p->insn_base = icount;
        p->rr = keep.rr;
        p->sigmask = keep.sigmask;
        for (int s = 1; s <= LU_NSIG; s++)
            if (keep.sigact[s].handler == LU_SIG_IGN)
                p->sigact[s].handler = LU_SIG_IGN;
        prog = np;
        execfn = nf;
        argc = nc;
        argv = na;
        envp = ne;
    }
    if (cfg->stats && p->cpu_ready)
        stats_print(&p->cpu.cs.stats, p->cpu.cs.insn_count, p->log);
    fflush(NULL);
    if (!lu_rr_finish(p, status))
        status = 1;
    if (p->gdb) {
        gdb_server_exited(p->gdb, status, 0);
        gdb_server_free(p->gdb);
        p->gdb = NULL;
    }
    lu_process_free(p);
    lu_free_exec(own_path, own_fn, own_argv, own_envp);
    free(p);
    return status;
}

/* ---- execve ------------------------------------------------------------- */

/* Copy a guest NULL-terminated string vector; NULL on a bad pointer. */
static char **lu_read_strv(LuProcess *p, uint64_t addr, int *count, size_t *bytes, int *err) {
    size_t cap = 16, n = 0;
    char **v = calloc(cap + 1, sizeof(char *));
    if (!v) {
        *err = -ENOMEM;
        return NULL;
    }
    for (; addr; n++) {
        uint64_t sp;
        if (!mem_read(&p->mem, addr + 8 * n, &sp, 8)) {
            *err = -EFAULT;
            goto fail;
        }
        if (!sp)
            break;
        if (n >= LU_MAX_ARGS) {
            *err = -E2BIG;
            goto fail;
        }
        if (n == cap) {
            cap *= 2;
            char **nv = realloc(v, (cap + 1) * sizeof(char *));
            if (!nv) {
                *err = -ENOMEM;
                goto fail;
            }
            v = nv;
        }
        char buf[131072];
        if (!mem_read_str(&p->mem, sp, buf, sizeof(buf))) {
            *err = mem_range_ok(&p->mem, sp, 1, MEM_PAGE_READ) ? -E2BIG : -EFAULT;
            goto fail;
        }
        *bytes += strlen(buf) + 1;
        if (*bytes > LU_MAX_ARG_BYTES) {
            *err = -E2BIG;
            goto fail;
        }
        v[n] = strdup(buf);
        v[n + 1] = NULL;
        if (!v[n]) {
            *err = -ENOMEM;
            goto fail;
        }
    }
    v[n] = NULL;
    *count = (int)n;
    return v;
fail:
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return NULL;
}

/* Is the file a RISC-V 64-bit ELF we should run in-process? */
static bool lu_is_riscv_elf(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    Elf64_Ehdr eh;
    ssize_t n = pread(fd, &eh, sizeof(eh), 0);
    close(fd);
    return n == (ssize_t)sizeof(eh) && memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
           eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_machine == 243 /* EM_RISCV */;
}

int64_t lu_sys_execve(LuProcess *p, uint64_t path_addr, uint64_t argv_addr, uint64_t envp_addr) {
    char raw[PATH_MAX], host[PATH_MAX * 2];
    if (!mem_read_str(&p->mem, path_addr, raw, sizeof(raw)))
        return mem_range_ok(&p->mem, path_addr, 1, MEM_PAGE_READ) ? -ENAMETOOLONG : -EFAULT;
    snprintf(host, sizeof(host), "%s", raw);
    if (strcmp(raw, "/proc/self/exe") == 0)
        snprintf(host, sizeof(host), "%s", p->exe_path);
    else if (p->cfg->sysroot && p->cfg->sysroot[0] && raw[0] == '/') {
        char full[PATH_MAX * 2];
        snprintf(full, sizeof(full), "%s%s", p->cfg->sysroot, raw);
        if (access(full, F_OK) == 0)
            snprintf(host, sizeof(host), "%s", full);
    }
    if (access(host, X_OK) != 0)
        return -errno;
    int argc = 0, envc = 0, err = 0;
    size_t bytes = 0;
    char **argv = lu_read_strv(p, argv_addr, &argc, &bytes, &err);
    if (!argv)
        return err;
    char **envp = lu_read_strv(p, envp_addr, &envc, &bytes, &err);
    if (!envp) {
        lu_free_exec(NULL, NULL, argv, NULL);
        return err;
    }
    if (!lu_is_riscv_elf(host)) {
        fflush(NULL);
        execve(host, argv, envp);
        int e = errno;
        lu_free_exec(NULL, NULL, argv, envp);
        return -e;
    }
    lu_close_on_exec(p);
    p->exec_pending = true;
    p->exec_path = strdup(host);
    p->exec_fn = strdup(raw);
    p->exec_argv = argv;
    p->exec_envp = envp;
    p->exec_argc = argc;
    if (!p->exec_path || !p->exec_fn) {
        fprintf(stderr, "vplat: out of memory in execve\n");
        exit(LU_EXIT_LOAD_ERROR);
    }
    return 0;
}
