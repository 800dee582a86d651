/* lu_syscall.c — the riscv64 Linux system-call layer: decodes an ecall
 * (number in a7, arguments in a0..a5), runs it on the host, writes the
 * result (or -errno) to a0, and logs it for -strace.
 *
 * Rules every handler follows:
 *   - guest pointers only through mem_read/mem_write/mem_read_str, or
 *     mem_range_ok + mem_host for zero-copy host calls (lu_in / lu_out);
 *     a bad pointer is -EFAULT, never a host crash;
 *   - structs whose riscv64 layout differs from x86-64 (struct stat) are
 *     converted field by field; the rest are copied only where the uapi
 *     layout is the same on both 64-bit ABIs (noted at each use);
 *   - file descriptors are host descriptors (as in qemu-user);
 *   - anything not handled is -ENOSYS, and -strace shows it.
 *
 * The constants are the asm-generic ABI riscv64 uses, spelled out (LU_*),
 * so host headers never decide a guest-visible value.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "machine/linux_user/lu_internal.h"

/* riscv64 syscall numbers (asm-generic/unistd.h + arch/riscv). */
enum {
    LU_NR_getcwd = 17, LU_NR_eventfd2 = 19, LU_NR_dup = 23, LU_NR_dup3 = 24, LU_NR_fcntl = 25,
    LU_NR_ioctl = 29, LU_NR_flock = 32, LU_NR_mknodat = 33, LU_NR_mkdirat = 34,
    LU_NR_unlinkat = 35, LU_NR_symlinkat = 36, LU_NR_linkat = 37, LU_NR_statfs = 43,
    LU_NR_fstatfs = 44, LU_NR_truncate = 45, LU_NR_ftruncate = 46, LU_NR_fallocate = 47,
    LU_NR_faccessat = 48, LU_NR_chdir = 49, LU_NR_fchdir = 50, LU_NR_fchmod = 52,
    LU_NR_fchmodat = 53, LU_NR_fchownat = 54, LU_NR_fchown = 55, LU_NR_openat = 56,
    LU_NR_close = 57, LU_NR_pipe2 = 59, LU_NR_getdents64 = 61, LU_NR_lseek = 62, LU_NR_read = 63,
    LU_NR_write = 64, LU_NR_readv = 65, LU_NR_writev = 66, LU_NR_pread64 = 67,
    LU_NR_pwrite64 = 68, LU_NR_sendfile = 71, LU_NR_ppoll = 73, LU_NR_readlinkat = 78,
    LU_NR_newfstatat = 79, LU_NR_fstat = 80, LU_NR_sync = 81, LU_NR_fsync = 82,
    LU_NR_fdatasync = 83, LU_NR_utimensat = 88, LU_NR_exit = 93, LU_NR_exit_group = 94,
    LU_NR_waitid = 95, LU_NR_set_tid_address = 96, LU_NR_futex = 98,
    LU_NR_set_robust_list = 99, LU_NR_get_robust_list = 100, LU_NR_nanosleep = 101,
    LU_NR_getitimer = 102, LU_NR_setitimer = 103, LU_NR_clock_gettime = 113,
    LU_NR_clock_getres = 114, LU_NR_clock_nanosleep = 115, LU_NR_sched_setaffinity = 122,
    LU_NR_sched_getaffinity = 123, LU_NR_sched_yield = 124, LU_NR_kill = 129, LU_NR_tkill = 130,
    LU_NR_tgkill = 131, LU_NR_sigaltstack = 132, LU_NR_rt_sigsuspend = 133,
    LU_NR_rt_sigaction = 134, LU_NR_rt_sigprocmask = 135, LU_NR_rt_sigpending = 136,
    LU_NR_rt_sigreturn = 139, LU_NR_setpriority = 140, LU_NR_getpriority = 141,
    LU_NR_setregid = 143, LU_NR_setgid = 144, LU_NR_setreuid = 145, LU_NR_setuid = 146,
    LU_NR_getresuid = 148, LU_NR_getresgid = 150, LU_NR_times = 153, LU_NR_setpgid = 154,
    LU_NR_getpgid = 155, LU_NR_getsid = 156, LU_NR_setsid = 157, LU_NR_getgroups = 158,
    LU_NR_uname = 160, LU_NR_getrlimit = 163, LU_NR_setrlimit = 164, LU_NR_getrusage = 165,
    LU_NR_umask = 166, LU_NR_prctl = 167, LU_NR_getcpu = 168, LU_NR_gettimeofday = 169,
    LU_NR_getpid = 172, LU_NR_getppid = 173, LU_NR_getuid = 174, LU_NR_geteuid = 175,
    LU_NR_getgid = 176, LU_NR_getegid = 177, LU_NR_gettid = 178, LU_NR_sysinfo = 179,
    LU_NR_brk = 214, LU_NR_munmap = 215, LU_NR_mremap = 216, LU_NR_clone = 220,
    LU_NR_execve = 221, LU_NR_mmap = 222, LU_NR_fadvise64 = 223, LU_NR_mprotect = 226,
    LU_NR_msync = 227, LU_NR_mlock = 228, LU_NR_munlock = 229, LU_NR_mincore = 232,
    LU_NR_madvise = 233, LU_NR_riscv_hwprobe = 258, LU_NR_riscv_flush_icache = 259,
    LU_NR_wait4 = 260, LU_NR_prlimit64 = 261, LU_NR_renameat2 = 276, LU_NR_getrandom = 278,
    LU_NR_memfd_create = 279, LU_NR_membarrier = 283, LU_NR_copy_file_range = 285,
    LU_NR_statx = 291, LU_NR_rseq = 293, LU_NR_clone3 = 435, LU_NR_close_range = 436,
    LU_NR_faccessat2 = 439,
};

#define LU_AT_FDCWD (-100)

/* ---- strace ------------------------------------------------------------- */

/* Argument formats: d int, u unsigned, x hex, p pointer, s string, f dirfd,
 * o octal, O open flags, P mmap prot, M mmap flags.  Result: 'd' decimal,
 * 'x' hex address, 'n' does not return. */
typedef struct LuSysInfo {
    uint16_t nr;
    const char *name;
    const char *args;
    char ret;
} LuSysInfo;

static const LuSysInfo lu_sys_table[] = {
    {LU_NR_getcwd, "getcwd", "pu", 'd'}, {LU_NR_eventfd2, "eventfd2", "ux", 'd'},
    {LU_NR_dup, "dup", "d", 'd'}, {LU_NR_dup3, "dup3", "ddx", 'd'},
    {LU_NR_fcntl, "fcntl", "ddx", 'd'}, {LU_NR_ioctl, "ioctl", "dxp", 'd'},
    {LU_NR_flock, "flock", "dd", 'd'}, {LU_NR_mknodat, "mknodat", "fsox", 'd'},
    {LU_NR_mkdirat, "mkdirat", "fso", 'd'}, {LU_NR_unlinkat, "unlinkat", "fsx", 'd'},
    {LU_NR_symlinkat, "symlinkat", "sfs", 'd'}, {LU_NR_linkat, "linkat", "fsfsx", 'd'},
    {LU_NR_statfs, "statfs", "sp", 'd'}, {LU_NR_fstatfs, "fstatfs", "dp", 'd'},
    {LU_NR_truncate, "truncate", "sd", 'd'}, {LU_NR_ftruncate, "ftruncate", "dd", 'd'},
    {LU_NR_fallocate, "fallocate", "dxdd", 'd'}, {LU_NR_faccessat, "faccessat", "fso", 'd'},
    {LU_NR_chdir, "chdir", "s", 'd'}, {LU_NR_fchdir, "fchdir", "d", 'd'},
    {LU_NR_fchmod, "fchmod", "do", 'd'}, {LU_NR_fchmodat, "fchmodat", "fso", 'd'},
    {LU_NR_fchownat, "fchownat", "fsddx", 'd'}, {LU_NR_fchown, "fchown", "ddd", 'd'},
    {LU_NR_openat, "openat", "fsOo", 'd'}, {LU_NR_close, "close", "d", 'd'},
    {LU_NR_pipe2, "pipe2", "px", 'd'}, {LU_NR_getdents64, "getdents64", "dpu", 'd'},
    {LU_NR_lseek, "lseek", "ddd", 'd'}, {LU_NR_read, "read", "dpu", 'd'},
    {LU_NR_write, "write", "dpu", 'd'}, {LU_NR_readv, "readv", "dpu", 'd'},
    {LU_NR_writev, "writev", "dpu", 'd'}, {LU_NR_pread64, "pread64", "dpud", 'd'},
    {LU_NR_pwrite64, "pwrite64", "dpud", 'd'}, {LU_NR_sendfile, "sendfile", "ddpu", 'd'},
    {LU_NR_ppoll, "ppoll", "pupp", 'd'}, {LU_NR_readlinkat, "readlinkat", "fspu", 'd'},
    {LU_NR_newfstatat, "newfstatat", "fspx", 'd'}, {LU_NR_fstat, "fstat", "dp", 'd'},
    {LU_NR_sync, "sync", "", 'd'}, {LU_NR_fsync, "fsync", "d", 'd'},
    {LU_NR_fdatasync, "fdatasync", "d", 'd'}, {LU_NR_utimensat, "utimensat", "fspx", 'd'},
    {LU_NR_exit, "exit", "d", 'n'}, {LU_NR_exit_group, "exit_group", "d", 'n'},
    {LU_NR_waitid, "waitid", "ddpxp", 'd'}, {LU_NR_set_tid_address, "set_tid_address", "p", 'd'},
    {LU_NR_futex, "futex", "pdxppx", 'd'}, {LU_NR_set_robust_list, "set_robust_list", "pu", 'd'},
    {LU_NR_get_robust_list, "get_robust_list", "dpp", 'd'},
    {LU_NR_nanosleep, "nanosleep", "pp", 'd'}, {LU_NR_getitimer, "getitimer", "dp", 'd'},
    {LU_NR_setitimer, "setitimer", "dpp", 'd'}, {LU_NR_clock_gettime, "clock_gettime", "dp", 'd'},
    {LU_NR_clock_getres, "clock_getres", "dp", 'd'},
    {LU_NR_clock_nanosleep, "clock_nanosleep", "dxpp", 'd'},
    {LU_NR_sched_setaffinity, "sched_setaffinity", "dup", 'd'},
    {LU_NR_sched_getaffinity, "sched_getaffinity", "dup", 'd'},
    {LU_NR_sched_yield, "sched_yield", "", 'd'}, {LU_NR_kill, "kill", "dd", 'd'},
    {LU_NR_tkill, "tkill", "dd", 'd'}, {LU_NR_tgkill, "tgkill", "ddd", 'd'},
    {LU_NR_sigaltstack, "sigaltstack", "pp", 'd'}, {LU_NR_rt_sigsuspend, "rt_sigsuspend", "pu", 'd'},
    {LU_NR_rt_sigaction, "rt_sigaction", "dppu", 'd'},
    {LU_NR_rt_sigprocmask, "rt_sigprocmask", "dppu", 'd'},
    {LU_NR_rt_sigpending, "rt_sigpending", "pu", 'd'},
    {LU_NR_rt_sigreturn, "rt_sigreturn", "", 'd'}, {LU_NR_setpriority, "setpriority", "ddd", 'd'},
    {LU_NR_getpriority, "getpriority", "dd", 'd'}, {LU_NR_setregid, "setregid", "dd", 'd'},
    {LU_NR_setgid, "setgid", "d", 'd'}, {LU_NR_setreuid, "setreuid", "dd", 'd'},
    {LU_NR_setuid, "setuid", "d", 'd'}, {LU_NR_getresuid, "getresuid", "ppp", 'd'},
    {LU_NR_getresgid, "getresgid", "ppp", 'd'}, {LU_NR_times, "times", "p", 'd'},
    {LU_NR_setpgid, "setpgid", "dd", 'd'}, {LU_NR_getpgid, "getpgid", "d", 'd'},
    {LU_NR_getsid, "getsid", "d", 'd'}, {LU_NR_setsid, "setsid", "", 'd'},
    {LU_NR_getgroups, "getgroups", "dp", 'd'}, {LU_NR_uname, "uname", "p", 'd'},
    {LU_NR_getrlimit, "getrlimit", "dp", 'd'}, {LU_NR_setrlimit, "setrlimit", "dp", 'd'},
    {LU_NR_getrusage, "getrusage", "dp", 'd'}, {LU_NR_umask, "umask", "o", 'd'},
    {LU_NR_prctl, "prctl", "dxxxx", 'd'}, {LU_NR_getcpu, "getcpu", "ppp", 'd'},
    {LU_NR_gettimeofday, "gettimeofday", "pp", 'd'}, {LU_NR_getpid, "getpid", "", 'd'},
    {LU_NR_getppid, "getppid", "", 'd'}, {LU_NR_getuid, "getuid", "", 'd'},
    {LU_NR_geteuid, "geteuid", "", 'd'}, {LU_NR_getgid, "getgid", "", 'd'},
    {LU_NR_getegid, "getegid", "", 'd'}, {LU_NR_gettid, "gettid", "", 'd'},
    {LU_NR_sysinfo, "sysinfo", "p", 'd'}, {LU_NR_brk, "brk", "p", 'x'},
    {LU_NR_munmap, "munmap", "pu", 'd'}, {LU_NR_mremap, "mremap", "puuxp", 'x'},
    {LU_NR_clone, "clone", "xpppp", 'd'}, {LU_NR_execve, "execve", "spp", 'd'},
    {LU_NR_mmap, "mmap", "puPMdx", 'x'}, {LU_NR_fadvise64, "fadvise64", "dddd", 'd'},
    {LU_NR_mprotect, "mprotect", "puP", 'd'}, {LU_NR_msync, "msync", "pux", 'd'},
    {LU_NR_mlock, "mlock", "pu", 'd'}, {LU_NR_munlock, "munlock", "pu", 'd'},
    {LU_NR_mincore, "mincore", "pup", 'd'}, {LU_NR_madvise, "madvise", "pud", 'd'},
    {LU_NR_riscv_hwprobe, "riscv_hwprobe", "puupx", 'd'},
    {LU_NR_riscv_flush_icache, "riscv_flush_icache", "ppx", 'd'},
    {LU_NR_wait4, "wait4", "dpxp", 'd'}, {LU_NR_prlimit64, "prlimit64", "ddpp", 'd'},
    {LU_NR_renameat2, "renameat2", "fsfsx", 'd'}, {LU_NR_getrandom, "getrandom", "pux", 'd'},
    {LU_NR_memfd_create, "memfd_create", "sx", 'd'}, {LU_NR_membarrier, "membarrier", "dxd", 'd'},
    {LU_NR_copy_file_range, "copy_file_range", "dpdpux", 'd'},
    {LU_NR_statx, "statx", "fsxxp", 'd'}, {LU_NR_rseq, "rseq", "puxx", 'd'},
    {LU_NR_clone3, "clone3", "pu", 'd'}, {LU_NR_close_range, "close_range", "ddx", 'd'},
    {LU_NR_faccessat2, "faccessat2", "fsox", 'd'},
};

static const LuSysInfo *lu_sys_info(uint64_t nr) {
    for (size_t i = 0; i < sizeof(lu_sys_table) / sizeof(lu_sys_table[0]); i++)
        if (lu_sys_table[i].nr == nr)
            return &lu_sys_table[i];
    return NULL;
}

typedef struct { uint64_t bit; const char *name; } LuFlagName;

static void lu_print_flags(FILE *f, uint64_t v, const LuFlagName *t, size_t n, const char *zero) {
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (t[i].bit && (v & t[i].bit) == t[i].bit) {
            fprintf(f, "%s%s", first ? "" : "|", t[i].name);
            v &= ~t[i].bit;
            first = false;
        }
    }
    if (v || first) {
        if (first && !v && zero)
            fprintf(f, "%s", zero);
        else
            fprintf(f, "%s%#" PRIx64, first ? "" : "|", v);
    }
}

static void lu_strace_arg(LuProcess *p, char kind, uint64_t v) {
    FILE *f = p->log;
    switch (kind) {
    case 'd': fprintf(f, "%" PRId64, (int64_t)v); break;
    case 'u': fprintf(f, "%" PRIu64, v); break;
    case 'o': fprintf(f, "0%" PRIo64, v); break;
    case 'f':
        if ((int32_t)v == LU_AT_FDCWD) fprintf(f, "AT_FDCWD");
        else fprintf(f, "%d", (int32_t)v);
        break;
    case 's': {
        char buf[256];
        if (v && mem_read_str(&p->mem, v, buf, sizeof(buf)))
            fprintf(f, "\"%s\"", buf);
        else
            fprintf(f, "0x%" PRIx64, v);
        break;
    }
    case 'O': {
        static const LuFlagName fl[] = {
            {O_WRONLY, "O_WRONLY"}, {O_RDWR, "O_RDWR"}, {O_CREAT, "O_CREAT"},
            {O_EXCL, "O_EXCL"}, {O_NOCTTY, "O_NOCTTY"}, {O_TRUNC, "O_TRUNC"},
            {O_APPEND, "O_APPEND"}, {O_NONBLOCK, "O_NONBLOCK"}, {O_DIRECTORY, "O_DIRECTORY"},
            {O_NOFOLLOW, "O_NOFOLLOW"}, {O_CLOEXEC, "O_CLOEXEC"}, {0100000, "O_LARGEFILE"},
        };
        if ((v & 3) == 0)
            fprintf(f, "O_RDONLY%s", (v & ~3ull) ? "|" : "");
        if (v & ~3ull || (v & 3))
            lu_print_flags(f, v, fl, sizeof(fl) / sizeof(fl[0]), NULL);
        break;
    }
    case 'P': {
        static const LuFlagName fl[] = {{1, "PROT_READ"}, {2, "PROT_WRITE"}, {4, "PROT_EXEC"}};
        lu_print_flags(f, v, fl, 3, "PROT_NONE");
        break;
    }
    case 'M': {
        static const LuFlagName fl[] = {
            {0x03, "MAP_SHARED_VALIDATE"}, {0x01, "MAP_SHARED"}, {0x02, "MAP_PRIVATE"},
            {0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"}, {0x100, "MAP_GROWSDOWN"},
            {0x800, "MAP_DENYWRITE"}, {0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"},
            {0x20000, "MAP_STACK"}, {0x100000, "MAP_FIXED_NOREPLACE"},
        };
        lu_print_flags(f, v, fl, sizeof(fl) / sizeof(fl[0]), NULL);
        break;
    }
    case 'p':
        if (!v) {
            fprintf(f, "NULL");
            break;
        }
        /* fall through */
    default: fprintf(f, "0x%" PRIx64, v); break;
    }
}

static void lu_strace_pre(LuProcess *p, uint64_t nr, const uint64_t *a) {
    const LuSysInfo *si = lu_sys_info(nr);
    if (!si) {
        fprintf(p->log, "%d Unknown syscall %" PRIu64 "(0x%" PRIx64 ",0x%" PRIx64 ",0x%" PRIx64 ")",
                p->pid, nr, a[0], a[1], a[2]);
        return;
    }
    fprintf(p->log, "%d %s(", p->pid, si->name);
    int nargs = (int)strlen(si->args);
    if (nr == LU_NR_openat && !(a[2] & (O_CREAT | 020000000 /* __O_TMPFILE */)))
        nargs = 3; /* the mode is only meaningful when creating */
    for (int i = 0; i < nargs; i++) {
        if (i)
            fputc(',', p->log);
        lu_strace_arg(p, si->args[i], a[i]);
    }
    fputc(')', p->log);
    if (si->ret == 'n')
        fputc('\n', p->log);
    fflush(p->log);
}

static void lu_strace_post(LuProcess *p, uint64_t nr, int64_t ret) {
    const LuSysInfo *si = lu_sys_info(nr);
    if (si && si->ret == 'n')
        return;
    if (ret < 0 && ret >= -4095)
        fprintf(p->log, " = -1 errno=%d (%s)\n", (int)-ret, strerror((int)-ret));
    else if (si && si->ret == 'x')
        fprintf(p->log, " = 0x%" PRIx64 "\n", (uint64_t)ret);
    else
        fprintf(p->log, " = %" PRId64 "\n", ret);
    fflush(p->log);
}

/* ---- helpers ------------------------------------------------------------ */

static uint64_t lu_splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ---- record/replay ------------------------------------------------------ */

uint64_t lu_icount(const LuProcess *p) { return p->insn_base + p->cpu.cs.insn_count; }

void lu_rr_put(LuProcess *p, ReplayKind kind, int64_t res, const void *buf, size_t len) {
    if (replay_mode(p->rr) != REPLAY_RECORD)
        return;
    if (!replay_put(p->rr, kind, lu_icount(p), (uint64_t)res, buf, (uint32_t)len)) {
        fprintf(stderr, "vplat: %s\n", replay_error(p->rr));
        replay_discard(p->rr);   /* stop recording; the run goes on */
        p->rr = NULL;
    }
}

static void lu_rr_fail(LuProcess *p, const char *msg) {
    fflush(NULL);
    fprintf(stderr, "vplat: %s\n", msg);
    replay_discard(p->rr);
    p->rr = NULL;
    p->exited = true;
    p->exit_status = 1;
    if (p->cpu_ready)
        cpu_request_exit(&p->cpu.cs);   /* from a helper (rdtime): stop at once */
}

bool lu_rr_take(LuProcess *p, ReplayKind kind, int64_t *res, void *buf, size_t cap, size_t *len) {
    if (!lu_replaying(p) || p->exited)
        return false;
    const ReplayEvent *e = replay_peek(p->rr);
    uint64_t aux = e ? e->aux : 0;   /* the result is data, not a check */
    e = replay_take(p->rr, kind, lu_icount(p), aux);
    if (!e) {
        lu_rr_fail(p, replay_error(p->rr));
        return false;
    }
    if (e->len > cap || (!len && e->len != cap)) {
        char what[96];
        snprintf(what, sizeof what, "%s of %zu bytes (the recording has %u)", replay_kind_name(kind), cap, e->len);
        lu_rr_fail(p, replay_diverged(p->rr, what, lu_icount(p)));
        return false;
    }
    memcpy(buf, e->data, e->len);
    if (len)
        *len = e->len;
    if (res)
        *res = (int64_t)e->aux;
    return true;
}

static uint64_t lu_host_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t lu_read_time(void *opaque) {
    LuProcess *p = opaque;
    if (p->cfg->deterministic)
        return (lu_icount(p) << p->cfg->icount_shift) + p->det_sleep_ns;
    uint64_t t = 0;
    if (lu_replaying(p)) {
        lu_rr_take(p, REPLAY_EV_CLOCK, NULL, &t, sizeof t, NULL);
        return t;
    }
    t = lu_host_ns() - p->cpu.cycle_base;
    lu_rr_put(p, REPLAY_EV_CLOCK, 0, &t, sizeof t);
    return t;
}

void lu_fill_random(LuProcess *p, void *buf, size_t len) {
    uint8_t *b = buf;
    if (!p->cfg->deterministic && p->rr) {
        /* in pieces a log event can hold */
        for (size_t off = 0; off < len; off += REPLAY_MAX_EVENT) {
            size_t n = len - off < REPLAY_MAX_EVENT ? len - off : REPLAY_MAX_EVENT;
            if (lu_replaying(p)) {
                if (!lu_rr_take(p, REPLAY_EV_RANDOM, NULL, b + off, n, NULL))
                    return;
            } else {
                size_t got = 0;
                while (got < n) {
                    ssize_t r = getrandom(b + off + got, n - got, 0);
                    if (r < 0 && errno == EINTR)
                        continue;
                    if (r <= 0)
                        break;
                    got += (size_t)r;
                }
                for (; got < n; got++)
                    b[off + got] = (uint8_t)lu_host_ns();
                lu_rr_put(p, REPLAY_EV_RANDOM, 0, b + off, n);
            }
        }
        return;
    }
    if (p->cfg->deterministic) {
        while (len) {
            uint64_t r = lu_splitmix(&p->rng_state);
            size_t n = len < 8 ? len : 8;
            memcpy(b, &r, n);
            b += n;
            len -= n;
        }
        return;
    }
    while (len) {
        ssize_t n = getrandom(b, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            /* no kernel randomness: fall back to something, never fail */
            uint64_t s = (uint64_t)time(NULL) ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)b;
            for (; len; len--)
                *b++ = (uint8_t)lu_splitmix(&s);
            return;
        }
        b += n;
        len -= (size_t)n;
    }
}

static inline int64_t lu_err(int64_t r) { return r < 0 ? -errno : r; }

/* Guest buffer the host may read: host pointer, or NULL (-EFAULT). */
static const void *lu_in(LuProcess *p, uint64_t addr, uint64_t len) {
    if (len == 0)
        return mem_host(&p->mem, addr < p->mem.limit ? addr : 0);
    if (!mem_range_ok(&p->mem, addr, len, MEM_PAGE_READ))
        return NULL;
    return mem_host(&p->mem, addr);
}

/* Length of the prefix of [addr, addr+len) mapped with `need`: the kernel
 * copies until the first bad page, so read/write return a short count
 * there instead of failing outright (0 means -EFAULT). */
static uint64_t lu_valid_prefix(LuProcess *p, uint64_t addr, uint64_t len, uint32_t need) {
    if (len == 0)
        return 0;
    uint64_t ok = 0;
    uint64_t a = addr;
    while (ok < len) {
        if (!mem_range_ok(&p->mem, a, 1, need))
            break;
        uint64_t chunk = MEM_PAGE_SIZE - (a & ~MEM_PAGE_MASK);
        ok += chunk;
        a += chunk;
    }
    return ok < len ? ok : len;
}

/* Guest buffer the host kernel may write (code pages made writable first). */
static void *lu_out(LuProcess *p, uint64_t addr, uint64_t len) {
    if (len == 0)
        return mem_host(&p->mem, addr < p->mem.limit ? addr : 0);
    if (!lu_prepare_host_write(p, addr, len))
        return NULL;
    return mem_host(&p->mem, addr);
}

static bool lu_put(LuProcess *p, uint64_t addr, const void *src, size_t len) {
    return mem_write(&p->mem, addr, src, len);
}

static bool lu_get(LuProcess *p, uint64_t addr, void *dst, size_t len) {
    return mem_read(&p->mem, addr, dst, len);
}

/* Read a guest path; apply the sysroot prefix for absolute paths that exist
 * under it (qemu's -L behaviour) and map /proc/self/exe to the program. */
static int lu_path(LuProcess *p, uint64_t addr, char *out, size_t outlen) {
    char buf[PATH_MAX];
    if (!addr)
        return -EFAULT;
    if (!mem_read_str(&p->mem, addr, buf, sizeof(buf))) {
        if (!mem_range_ok(&p->mem, addr, 1, MEM_PAGE_READ))
            return -EFAULT;
        return -ENAMETOOLONG;
    }
    if (strcmp(buf, "/proc/self/exe") == 0) {
        snprintf(out, outlen, "%s", p->exe_path);
        return 0;
    }
    const char *root = p->cfg->sysroot;
    if (root && root[0] && buf[0] == '/' && buf[1] && strncmp(buf, "/proc/", 6) != 0 &&
        strncmp(buf, "/dev/", 5) != 0 && strncmp(buf, "/sys/", 5) != 0) {
        char full[PATH_MAX];
        int n = snprintf(full, sizeof(full), "%s%s", root, buf);
        struct stat st;
        if (n > 0 && (size_t)n < sizeof(full) && lstat(full, &st) == 0) {
            snprintf(out, outlen, "%s", full);
            return 0;
        }
    }
    snprintf(out, outlen, "%s", buf);
    return 0;
}

/* riscv64 struct stat (asm-generic/stat.h), 128 bytes. */
typedef struct LuStat {
    uint64_t st_dev, st_ino;
    uint32_t st_mode, st_nlink, st_uid, st_gid;
    uint64_t st_rdev, pad1;
    int64_t st_size;
    int32_t st_blksize, pad2;
    int64_t st_blocks;
    int64_t st_atime_, st_atime_nsec, st_mtime_, st_mtime_nsec, st_ctime_, st_ctime_nsec;
    uint32_t unused4, unused5;
} LuStat;
_Static_assert(sizeof(LuStat) == 128, "riscv64 struct stat is 128 bytes");

static int64_t lu_put_stat(LuProcess *p, uint64_t addr, const struct stat *st) {
    LuStat g;
    memset(&g, 0, sizeof(g));
    g.st_dev = st->st_dev;
    g.st_ino = st->st_ino;
    g.st_mode = st->st_mode;
    g.st_nlink = (uint32_t)st->st_nlink;
    g.st_uid = st->st_uid;
    g.st_gid = st->st_gid;
    g.st_rdev = st->st_rdev;
    g.st_size = st->st_size;
    g.st_blksize = (int32_t)st->st_blksize;
    g.st_blocks = st->st_blocks;
    g.st_atime_ = st->st_atim.tv_sec;
    g.st_atime_nsec = st->st_atim.tv_nsec;
    g.st_mtime_ = st->st_mtim.tv_sec;
    g.st_mtime_nsec = st->st_mtim.tv_nsec;
    g.st_ctime_ = st->st_ctim.tv_sec;
    g.st_ctime_nsec = st->st_ctim.tv_nsec;
    return lu_put(p, addr, &g, sizeof(g)) ? 0 : -EFAULT;
}

/* Guest timespec / timeval: {int64 sec; int64 nsec/usec} on riscv64 and x86-64 alike. */
typedef struct LuTimespec { int64_t sec, nsec; } LuTimespec;

static bool lu_get_timespec(LuProcess *p, uint64_t addr, struct timespec *ts) {
    LuTimespec g;
    if (!lu_get(p, addr, &g, sizeof(g)))
        return false;
    ts->tv_sec = g.sec;
    ts->tv_nsec = g.nsec;
    return true;
}

static bool lu_put_timespec(LuProcess *p, uint64_t addr, const struct timespec *ts) {
    LuTimespec g = {ts->tv_sec, ts->tv_nsec};
    return lu_put(p, addr, &g, sizeof(g));
}

/* Deterministic mode: guest time is 1 ns per retired instruction plus the
 * time the guest slept; the wall clock starts at a fixed date. */
#define LU_DET_EPOCH 1700000000ll

/* A host timespec through the record/replay log. */
static void lu_rr_timespec(LuProcess *p, struct timespec *ts, bool from_log) {
    int64_t v[2] = {ts->tv_sec, ts->tv_nsec};
    if (from_log) {
        if (!lu_rr_take(p, REPLAY_EV_CLOCK, NULL, v, sizeof v, NULL))
            v[0] = v[1] = 0;
        ts->tv_sec = (time_t)v[0];
        ts->tv_nsec = (long)v[1];
    } else {
        lu_rr_put(p, REPLAY_EV_CLOCK, 0, v, sizeof v);
    }
}

static void lu_clock(LuProcess *p, int clk, struct timespec *ts) {
    if (!p->cfg->deterministic) {
        if (lu_replaying(p)) {
            lu_rr_timespec(p, ts, true);
            return;
        }
        if (clock_gettime(clk, ts) != 0)
            clock_gettime(CLOCK_MONOTONIC, ts);
        lu_rr_timespec(p, ts, false);
        return;
    }
    uint64_t ns = (lu_icount(p) << p->cfg->icount_shift) + p->det_sleep_ns;
    ts->tv_sec = (time_t)(ns / 1000000000ull);
    ts->tv_nsec = (long)(ns % 1000000000ull);
    if (clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE || clk == CLOCK_TAI)
        ts->tv_sec += LU_DET_EPOCH;
}

static int64_t lu_sleep(LuProcess *p, int clk, int flags, uint64_t req_addr, uint64_t rem_addr) {
    struct timespec req, rem = {0, 0};
    if (!lu_get_timespec(p, req_addr, &req))
        return -EFAULT;
    if (req.tv_nsec < 0 || req.tv_nsec >= 1000000000 || req.tv_sec < 0)
        return -EINVAL;
    if (p->cfg->deterministic) {
        uint64_t ns = (uint64_t)req.tv_sec * 1000000000ull + (uint64_t)req.tv_nsec;
        if (flags & TIMER_ABSTIME) {
            struct timespec now;
            lu_clock(p, clk, &now);
            uint64_t now_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
            ns = ns > now_ns ? ns - now_ns : 0;
        }
        p->det_sleep_ns += ns;
        return 0;
    }
    if (lu_replaying(p))
        return 0;   /* the clocks the guest reads come from the log */
    int r = clock_nanosleep(clk, flags, &req, &rem);
    if (r == EINTR && rem_addr && !(flags & TIMER_ABSTIME))
        lu_put_timespec(p, rem_addr, &rem);
    return r ? -r : 0;
}

/* ---- individual syscalls ------------------------------------------------ */

static int64_t lu_rw_vec(LuProcess *p, int fd, uint64_t iov_addr, uint64_t cnt, bool is_write,
                         int64_t off, bool positional) {
    if (cnt > 1024)
        return -EINVAL;
    struct iovec iov[cnt ? cnt : 1];
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t g[2];
        if (!lu_get(p, iov_addr + 16 * i, g, sizeof(g)))
            return -EFAULT;
        void *h = is_write ? (void *)lu_in(p, g[0], g[1]) : lu_out(p, g[0], g[1]);
        if (!h)
            return -EFAULT;
        iov[i].iov_base = h;
        iov[i].iov_len = g[1];
    }
    ssize_t r;
    if (positional)
        r = is_write ? pwritev(fd, iov, (int)cnt, off) : preadv(fd, iov, (int)cnt, off);
    else
        r = is_write ? writev(fd, iov, (int)cnt) : readv(fd, iov, (int)cnt);
    return lu_err(r);
}

static int64_t lu_sys_readlinkat(LuProcess *p, int dirfd, uint64_t path, uint64_t buf,
                                 uint64_t size) {
    char raw[PATH_MAX], host[PATH_MAX], out[PATH_MAX];
    if ((int64_t)size <= 0)
        return -EINVAL;
    if (!mem_read_str(&p->mem, path, raw, sizeof(raw)))
        return -EFAULT;
    ssize_t n;
    if (strcmp(raw, "/proc/self/exe") == 0 ||
        (snprintf(out, sizeof(out), "/proc/%d/exe", p->pid), strcmp(raw, out) == 0)) {
        n = (ssize_t)strlen(p->exe_path);
        memcpy(out, p->exe_path, (size_t)n);
    } else {
        int e = lu_path(p, path, host, sizeof(host));
        if (e)
            return e;
        n = readlinkat(dirfd, host, out, sizeof(out));
        if (n < 0)
            return -errno;
    }
    if ((uint64_t)n > size)
        n = (ssize_t)size;
    return lu_put(p, buf, out, (size_t)n) ? n : -EFAULT;
}

static int64_t lu_sys_ioctl(LuProcess *p, int fd, uint64_t req, uint64_t arg) {
    /* asm-generic/ioctls.h numbers and layouts (the same on x86-64). */
    enum { TCGETS_ = 0x5401, TCSETS_ = 0x5402, TCSETSW_ = 0x5403, TCSETSF_ = 0x5404,
           TIOCGPGRP_ = 0x540f, TIOCSPGRP_ = 0x5410, TIOCGWINSZ_ = 0x5413, TIOCSWINSZ_ = 0x5414,
           FIONREAD_ = 0x541b, FIONBIO_ = 0x5421, FIONCLEX_ = 0x5450, FIOCLEX_ = 0x5451 };
    uint8_t buf[64]; /* kernel struct termios is 36 bytes, winsize 8 */
    memset(buf, 0, sizeof(buf));
    size_t sz;
    int r;
    switch ((uint32_t)req) {
    case TCGETS_: sz = 36; goto get;
    case TIOCGWINSZ_: sz = 8; goto get;
    case TIOCGPGRP_: case FIONREAD_: sz = 4; goto get;
    case TCSETS_: case TCSETSW_: case TCSETSF_: sz = 36; goto set;
    case TIOCSWINSZ_: sz = 8; goto set;
    case TIOCSPGRP_: case FIONBIO_: sz = 4; goto set;
    case FIONCLEX_: case FIOCLEX_:
        return lu_err(ioctl(fd, (unsigned long)req));
    default:
        return -ENOTTY;
    }
get:
    r = ioctl(fd, (unsigned long)req, buf);
    if (r < 0)
        return -errno;
    return lu_put(p, arg, buf, sz) ? r : -EFAULT;
set:
    if (!lu_get(p, arg, buf, sz))
        return -EFAULT;
    return lu_err(ioctl(fd, (unsigned long)req, buf));
}

static int64_t lu_sys_fcntl(LuProcess *p, int fd, int cmd, uint64_t arg) {
    switch (cmd) {
    case 0: case 1030: /* F_DUPFD, F_DUPFD_CLOEXEC */
    case 1: case 2: case 3: case 4: /* F_GETFD F_SETFD F_GETFL F_SETFL */
    case 8: case 9: /* F_SETOWN F_GETOWN */
    case 1031: case 1032: /* F_SETPIPE_SZ F_GETPIPE_SZ */
    case 1024: case 1025: /* F_SETLEASE F_GETLEASE */
    case 1033: case 1034: /* F_ADD_SEALS F_GET_SEALS */
        return lu_err(fcntl(fd, cmd, (long)arg));
    case 5: case 6: case 7: /* F_GETLK F_SETLK F_SETLKW */
    case 36: case 37: case 38: { /* F_OFD_*: struct flock, 32 bytes, same layout on both */
        struct flock fl;
        _Static_assert(sizeof(struct flock) == 32, "struct flock layout");
        if (!lu_get(p, arg, &fl, sizeof(fl)))
            return -EFAULT;
        int r = fcntl(fd, cmd, &fl);
        if (r < 0)
            return -errno;
        if ((cmd == 5 || cmd == 36) && !lu_put(p, arg, &fl, sizeof(fl)))
            return -EFAULT;
        return r;
    }
    default:
        return -EINVAL;
    }
}

static int64_t lu_sys_futex(LuProcess *p, uint64_t uaddr, int op, uint32_t val, uint64_t tmo) {
    int cmd = op & 0x7f;
    switch (cmd) {
    case 0: case 9: { /* FUTEX_WAIT, FUTEX_WAIT_BITSET */
        uint32_t cur;
        if ((uaddr & 3) || !lu_get(p, uaddr, &cur, 4))
            return -EFAULT;
        if (cur != val)
            return -EAGAIN;
        /* One thread: nobody can wake us.  Sleep out a timeout, else block
         * like the kernel would (a signal interrupts). */
        if (tmo) {
            struct timespec ts;
            if (!lu_get_timespec(p, tmo, &ts))
                return -EFAULT;
            if (!p->cfg->deterministic && !lu_replaying(p)) {
                if (cmd == 9 || (op & 256)) /* absolute */
                    clock_nanosleep((op & 256) ? CLOCK_REALTIME : CLOCK_MONOTONIC, TIMER_ABSTIME,
                                    &ts, NULL);
                else
                    nanosleep(&ts, NULL);
            }
            return -ETIMEDOUT;
        }
        pause();
        return -EINTR;
    }
    case 1: case 10: /* FUTEX_WAKE, FUTEX_WAKE_BITSET */
    case 3: case 4: /* REQUEUE, CMP_REQUEUE */
        return 0;
    case 5: /* FUTEX_WAKE_OP: no waiters, but the op on uaddr2 must happen (done by caller) */
        return 0;
    default:
        return -ENOSYS;
    }
}

/* FUTEX_WAKE_OP's atomic update of *uaddr2 (nobody to wake). */
static int64_t lu_futex_wake_op(LuProcess *p, uint64_t uaddr2, uint32_t val3) {
    uint32_t old;
    if ((uaddr2 & 3) || !lu_get(p, uaddr2, &old, 4))
        return -EFAULT;
    uint32_t oparg = (val3 >> 12) & 0xfff;
    if ((val3 >> 28) & 8)
        oparg = 1u << (oparg & 31);
    uint32_t nv;
    switch ((val3 >> 28) & 7) {
    case 0: nv = oparg; break;
    case 1: nv = old + oparg; break;
    case 2: nv = old | oparg; break;
    case 3: nv = old & ~oparg; break;
    case 4: nv = old ^ oparg; break;
    default: return -ENOSYS;
    }
    return lu_put(p, uaddr2, &nv, 4) ? 0 : -EFAULT;
}

static int64_t lu_sys_hwprobe(LuProcess *p, uint64_t pairs, uint64_t count, uint64_t cpusetsize,
                              uint64_t cpus, uint64_t flags) {
    if (flags != 0)
        return -EINVAL;
    if (count > 4096)
        return -EINVAL;
    for (uint64_t i = 0; i < count; i++) {
        int64_t kv[2];
        uint64_t a = pairs + 16 * i;
        if (!lu_get(p, a, kv, 16))
            return -EFAULT;
        switch (kv[0]) {
        case 0: case 1: case 2: kv[1] = 0; break;            /* mvendorid, marchid, mimpid */
        case 3: kv[1] = 1; break;                            /* BASE_BEHAVIOR: IMA */
        case 4: kv[1] = (1 << 0) | (1 << 1); break;          /* IMA_EXT_0: FD, C */
        case 5: kv[1] = 0; break;                            /* CPUPERF_0: misaligned unknown */
        case 7: kv[1] = (int64_t)(LU_GUEST_LIMIT - 1); break; /* HIGHEST_VIRT_ADDRESS */
        default: kv[0] = -1; kv[1] = 0; break;
        }
        if (!lu_put(p, a, kv, 16))
            return -EFAULT;
    }
    return 0;
}

static int64_t lu_sys_clone(LuProcess *p, uint64_t flags, uint64_t newsp, uint64_t ptid,
                            uint64_t tls, uint64_t ctid) {
    enum { CLONE_VM_ = 0x100, CLONE_FS_ = 0x200, CLONE_FILES_ = 0x400, CLONE_SIGHAND_ = 0x800,
           CLONE_VFORK_ = 0x4000, CLONE_THREAD_ = 0x10000, CLONE_SETTLS_ = 0x80000,
           CLONE_PARENT_SETTID_ = 0x100000, CLONE_CHILD_CLEARTID_ = 0x200000,
           CLONE_CHILD_SETTID_ = 0x1000000 };
    /* Only fork-like clones: a separate host process with a copy of the
     * guest (vfork's shared memory becomes a copy, which the usual
     * vfork+exec pattern does not notice). */
    if (flags & (CLONE_THREAD_ | CLONE_SIGHAND_ | CLONE_FS_ | CLONE_FILES_))
        return -ENOSYS; /* threads are not emulated */
    if ((flags & CLONE_VM_) && !(flags & CLONE_VFORK_))
        return -ENOSYS;
    fflush(NULL);
    cpu_before_fork(&p->cpu.cs);
    pid_t pid = fork();
    int fork_errno = errno;
    cpu_after_fork(&p->cpu.cs, pid == 0);
    if (pid < 0)
        return -fork_errno;
    if (pid == 0) {
        p->pid = getpid();
        /* the log is the parent's: the child runs unrecorded */
        replay_discard(p->rr);
        p->rr = NULL;
        if (p->gdb) {
            /* the child runs undebugged, as under qemu-riscv64 */
            gdb_server_forget_in_child(p->gdb, &p->cpu.cs);
            p->gdb = NULL;
        }
        int32_t tid = p->pid;
        if (flags & CLONE_CHILD_SETTID_)
            lu_put(p, ctid, &tid, 4);
        if (flags & CLONE_CHILD_CLEARTID_)
            p->clear_child_tid = ctid;
        if (newsp)
            lu_x(p)[LU_REG_SP] = newsp;
        if (flags & CLONE_SETTLS_)
            lu_x(p)[4] = tls;
        return 0;
    }
    if (flags & CLONE_PARENT_SETTID_) {
        int32_t v = pid;
        lu_put(p, ptid, &v, 4);
    }
    if (flags & CLONE_VFORK_) {
        /* The parent waits until the child execs or exits; approximated by
         * nothing (the child runs concurrently with a copy). */
    }
    return pid;
}


static int64_t lu_sys_prlimit(LuProcess *p, int pid, int res, uint64_t nl, uint64_t ol) {
    struct rlimit n, o; /* {u64 cur, max}: the same as the kernel's rlimit64 */
    if (pid != 0 && pid != p->pid)
        return -EPERM;
    if (ol) {
        if (getrlimit(res, &o) != 0)
            return -errno;
        if (res == RLIMIT_STACK)
            o.rlim_cur = LU_STACK_SIZE;
    }
    if (nl) {
        if (!lu_get(p, nl, &n, sizeof(n)))
            return -EFAULT;
        /* Limits on the address space would constrain vplat itself: accept
         * them without applying (as qemu does). */
        if (res != RLIMIT_AS && res != RLIMIT_DATA && res != RLIMIT_STACK && setrlimit(res, &n) != 0)
            return -errno;
    }
    if (ol && !lu_put(p, ol, &o, sizeof(o)))
        return -EFAULT;
    return 0;
}

static int64_t lu_sys_ppoll(LuProcess *p, uint64_t fds, uint64_t nfds, uint64_t tmo) {
    if (nfds > 65536)
        return -EINVAL;
    struct pollfd *pf = lu_out(p, fds, nfds * sizeof(struct pollfd)); /* {int, short, short}: same */
    if (!pf && nfds)
        return -EFAULT;
    struct timespec ts, *tsp = NULL;
    if (tmo) {
        if (!lu_get_timespec(p, tmo, &ts))
            return -EFAULT;
        tsp = &ts;
    }
    return lu_err(ppoll(pf, (nfds_t)nfds, tsp, NULL));
}

static int64_t lu_sys_uname(LuProcess *p, uint64_t addr) {
    struct utsname u; /* 6 x char[65] on both */
    if (uname(&u) != 0)
        return -errno;
    snprintf(u.machine, sizeof(u.machine), "riscv64");
    return lu_put(p, addr, &u, sizeof(u)) ? 0 : -EFAULT;
}

static bool lu_is_self(LuProcess *p, int64_t pid) { return pid == p->pid || pid == 0; }

static int64_t lu_sys_kill(LuProcess *p, int64_t pid, int sig) {
    if (sig < 0 || sig > LU_NSIG)
        return -EINVAL;
    if (!lu_is_self(p, pid))
        return lu_err(kill((pid_t)pid, sig)); /* other processes: host pids, same numbers */
    if (sig)
        lu_signal_raise(p, sig, 0 /* SI_USER */, 0);
    return 0;
}

/* ---- dispatcher --------------------------------------------------------- */

static int64_t lu_dispatch(LuProcess *p, uint64_t nr, const uint64_t *a) {
    char path[PATH_MAX], path2[PATH_MAX];
    int e;
    int d0 = (int)a[0];
#define PATH1(idx) do { if ((e = lu_path(p, a[idx], path, sizeof(path))) != 0) return e; } while (0)
#define PATH2(idx) do { if ((e = lu_path(p, a[idx], path2, sizeof(path2))) != 0) return e; } while (0)
    switch (nr) {
    case LU_NR_exit:
    case LU_NR_exit_group:
        p->exited = true;
        p->exit_status = (int)(a[0] & 0xff);
        return 0;
    case LU_NR_read:
    case LU_NR_pread64: {
        uint64_t n = a[2] ? lu_valid_prefix(p, a[1], a[2], MEM_PAGE_WRITE) : 0;
        if (a[2] && !n)
            return -EFAULT;
        void *h = lu_out(p, a[1], n);
        if (!h)
            return -EFAULT;
        if (nr == LU_NR_read && d0 == 0 && p->rr) {
            /* stdin is input from outside: through the record/replay log */
            if (n > REPLAY_MAX_EVENT)
                n = REPLAY_MAX_EVENT;
            int64_t r = 0;
            if (lu_replaying(p)) {
                size_t got;
                return lu_rr_take(p, REPLAY_EV_READ, &r, h, n, &got) ? r : 0;
            }
            r = lu_err(read(0, h, n));
            lu_rr_put(p, REPLAY_EV_READ, r, h, r > 0 ? (size_t)r : 0);
            return r;
        }
        return lu_err(nr == LU_NR_read ? read(d0, h, n) : pread(d0, h, n, (off_t)a[3]));
    }
    case LU_NR_write:
    case LU_NR_pwrite64: {
        uint64_t n = a[2] ? lu_valid_prefix(p, a[1], a[2], MEM_PAGE_READ) : 0;
        if (a[2] && !n)
            return -EFAULT;
        const void *h = lu_in(p, a[1], n);
        if (!h)
            return -EFAULT;
        return lu_err(nr == LU_NR_write ? write(d0, h, n) : pwrite(d0, h, n, (off_t)a[3]));
    }
    case LU_NR_readv: return lu_rw_vec(p, d0, a[1], a[2], false, 0, false);
    case LU_NR_writev: return lu_rw_vec(p, d0, a[1], a[2], true, 0, false);
    case LU_NR_openat: {
        PATH1(1);
        return lu_err(openat(d0, path, (int)a[2], (mode_t)a[3]));
    }
    case LU_NR_close: return lu_err(close(d0));
    case LU_NR_close_range: return lu_err(syscall(SYS_close_range, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]));
    case LU_NR_lseek: return lu_err(lseek(d0, (off_t)a[1], (int)a[2]));
    case LU_NR_fstat: {
        struct stat st;
        if (fstat(d0, &st) != 0)
            return -errno;
        return lu_put_stat(p, a[1], &st);
    }
    case LU_NR_newfstatat: {
        struct stat st;
        int fl = (int)a[3];
        if ((fl & AT_EMPTY_PATH) && a[1] && mem_read_str(&p->mem, a[1], path, 2) && !path[0]) {
            if (fstatat(d0, "", &st, fl) != 0)
                return -errno;
        } else {
            PATH1(1);
            if (fstatat(d0, path, &st, fl) != 0)
                return -errno;
        }
        return lu_put_stat(p, a[2], &st);
    }
    case LU_NR_statx: {
        struct statx sx; /* struct statx is the same uapi layout everywhere */
        _Static_assert(sizeof(struct statx) == 256, "struct statx");
        int fl = (int)a[2];
        if ((fl & AT_EMPTY_PATH) && a[1] && mem_read_str(&p->mem, a[1], path, 2) && !path[0]) {
            path[0] = 0;
        } else {
            PATH1(1);
        }
        if (statx(d0, path, fl, (unsigned)a[3], &sx) != 0)
            return -errno;
        return lu_put(p, a[4], &sx, sizeof(sx)) ? 0 : -EFAULT;
    }
    case LU_NR_faccessat: PATH1(1); return lu_err(faccessat(d0, path, (int)a[2], 0));
    case LU_NR_faccessat2: PATH1(1); return lu_err(syscall(SYS_faccessat2, d0, path, (int)a[2], (int)a[3]));
    case LU_NR_getdents64: {
        void *h = lu_out(p, a[1], a[2]); /* linux_dirent64: arch-independent */
        return h ? lu_err(syscall(SYS_getdents64, d0, h, (size_t)a[2])) : -EFAULT;
    }
    case LU_NR_readlinkat: return lu_sys_readlinkat(p, d0, a[1], a[2], a[3]);
    case LU_NR_ioctl: return lu_sys_ioctl(p, d0, a[1], a[2]);
    case LU_NR_fcntl: return lu_sys_fcntl(p, d0, (int)a[1], a[2]);
    case LU_NR_flock: return lu_err(flock(d0, (int)a[1]));
    case LU_NR_dup: return lu_err(dup(d0));
    case LU_NR_dup3: return lu_err(dup3(d0, (int)a[1], (int)a[2]));
    case LU_NR_pipe2: {
        int fds[2];
        if (!mem_range_ok(&p->mem, a[0], 8, MEM_PAGE_WRITE))
            return -EFAULT;
        if (pipe2(fds, (int)a[1]) != 0)
            return -errno;
        int32_t g[2] = {fds[0], fds[1]};
        lu_put(p, a[0], g, 8);
        return 0;
    }
    case LU_NR_eventfd2: return lu_err(eventfd((unsigned)a[0], (int)a[1]));
    case LU_NR_getcwd: {
        char buf[PATH_MAX];
        if (!getcwd(buf, sizeof(buf)))
            return -errno;
        size_t n = strlen(buf) + 1;
        if (n > a[1])
            return -ERANGE;
        return lu_put(p, a[0], buf, n) ? (int64_t)n : -EFAULT;
    }
    case LU_NR_chdir: PATH1(0); return lu_err(chdir(path));
    case LU_NR_fchdir: return lu_err(fchdir(d0));
    case LU_NR_mkdirat: PATH1(1); return lu_err(mkdirat(d0, path, (mode_t)a[2]));
    case LU_NR_mknodat: PATH1(1); return lu_err(mknodat(d0, path, (mode_t)a[2], (dev_t)a[3]));
    case LU_NR_unlinkat: PATH1(1); return lu_err(unlinkat(d0, path, (int)a[2]));
    case LU_NR_symlinkat: {
        if (!mem_read_str(&p->mem, a[0], path2, sizeof(path2)))
            return -EFAULT;
        PATH1(2);
        return lu_err(symlinkat(path2, (int)a[1], path));
    }
    case LU_NR_linkat: PATH1(1); PATH2(3); return lu_err(linkat(d0, path, (int)a[2], path2, (int)a[4]));
    case LU_NR_renameat2:
        PATH1(1);
        PATH2(3);
        return lu_err(syscall(SYS_renameat2, d0, path, (int)a[2], path2, (unsigned)a[4]));
    case LU_NR_truncate: PATH1(0); return lu_err(truncate(path, (off_t)a[1]));
    case LU_NR_ftruncate: return lu_err(ftruncate(d0, (off_t)a[1]));
    case LU_NR_fallocate: return lu_err(fallocate(d0, (int)a[1], (off_t)a[2], (off_t)a[3]));
    case LU_NR_fchmod: return lu_err(fchmod(d0, (mode_t)a[1]));
    case LU_NR_fchmodat: PATH1(1); return lu_err(fchmodat(d0, path, (mode_t)a[2], 0));
    case LU_NR_fchown: return lu_err(fchown(d0, (uid_t)a[1], (gid_t)a[2]));
    case LU_NR_fchownat: PATH1(1); return lu_err(fchownat(d0, path, (uid_t)a[2], (gid_t)a[3], (int)a[4]));
    case LU_NR_utimensat: {
        struct timespec ts[2], *tsp = NULL;
        if (a[2]) {
            if (!lu_get_timespec(p, a[2], &ts[0]) || !lu_get_timespec(p, a[2] + 16, &ts[1]))
                return -EFAULT;
            tsp = ts;
        }
        if (!a[1])
            return lu_err(futimens(d0, tsp));
        PATH1(1);
        return lu_err(utimensat(d0, path, tsp, (int)a[3]));
    }
    case LU_NR_statfs:
    case LU_NR_fstatfs: {
        uint8_t buf[120]; /* struct statfs: all 64-bit fields on both ABIs */
        long r;
        if (nr == LU_NR_statfs) {
            PATH1(0);
            r = syscall(SYS_statfs, path, buf);
        } else {
            r = syscall(SYS_fstatfs, d0, buf);
        }
        if (r != 0)
            return -errno;
        return lu_put(p, a[1], buf, sizeof(buf)) ? 0 : -EFAULT;
    }
    case LU_NR_sync: sync(); return 0;
    case LU_NR_fsync: return lu_err(fsync(d0));
    case LU_NR_fdatasync: return lu_err(fdatasync(d0));
    case LU_NR_fadvise64: return -posix_fadvise(d0, (off_t)a[1], (off_t)a[2], (int)a[3]);
    case LU_NR_sendfile: {
        off_t off, *offp = NULL;
        if (a[2]) {
            if (!lu_get(p, a[2], &off, 8))
                return -EFAULT;
            offp = &off;
        }
        ssize_t r = sendfile(d0, (int)a[1], offp, a[3]);
        if (r < 0)
            return -errno;
        if (offp && !lu_put(p, a[2], &off, 8))
            return -EFAULT;
        return r;
    }
    case LU_NR_copy_file_range: {
        loff_t o1, o2, *p1 = NULL, *p2 = NULL;
        if (a[1]) { if (!lu_get(p, a[1], &o1, 8)) return -EFAULT; p1 = &o1; }
        if (a[3]) { if (!lu_get(p, a[3], &o2, 8)) return -EFAULT; p2 = &o2; }
        ssize_t r = copy_file_range(d0, p1, (int)a[2], p2, a[4], (unsigned)a[5]);
        if (r < 0)
            return -errno;
        if (p1) lu_put(p, a[1], &o1, 8);
        if (p2) lu_put(p, a[3], &o2, 8);
        return r;
    }
    case LU_NR_ppoll: return lu_sys_ppoll(p, a[0], a[1], a[2]);
    case LU_NR_memfd_create: {
        if (!mem_read_str(&p->mem, a[0], path, 250))
            return -EFAULT;
        return lu_err(memfd_create(path, (unsigned)a[1]));
    }

    /* memory */
    case LU_NR_brk: return lu_sys_brk(p, a[0]);
    case LU_NR_mmap: return lu_sys_mmap(p, a[0], a[1], (int)a[2], (int)a[3], (int)a[4], a[5]);
    case LU_NR_munmap: return lu_sys_munmap(p, a[0], a[1]);
    case LU_NR_mprotect: return lu_sys_mprotect(p, a[0], a[1], (int)a[2]);
    case LU_NR_mremap: return lu_sys_mremap(p, a[0], a[1], a[2], (int)a[3], a[4]);
    case LU_NR_madvise: {
        if (a[0] & ~MEM_PAGE_MASK)
            return -EINVAL;
        uint64_t len = (a[1] + MEM_PAGE_SIZE - 1) & MEM_PAGE_MASK;
        if (a[0] >= LU_GUEST_LIMIT || len > LU_GUEST_LIMIT - a[0])
            return -EINVAL;
        if (!mem_range_ok(&p->mem, a[0], len, 0))
            return -ENOMEM;
        int adv = (int)a[2];
        if (adv == 4 /* DONTNEED */ || adv == 8 /* FREE */) {
            /* Zero-fill semantics of private anonymous memory matter (malloc). */
            lu_invalidate_code(p, a[0], len);
            return lu_err(madvise(mem_host(&p->mem, a[0]), len, MADV_DONTNEED));
        }
        return 0; /* hints */
    }
    case LU_NR_msync:
        if (!mem_range_ok(&p->mem, a[0] & MEM_PAGE_MASK, a[1], 0))
            return -ENOMEM;
        return lu_err(msync(mem_host(&p->mem, a[0]), a[1], (int)a[2]));
    case LU_NR_mlock: case LU_NR_munlock: return 0;
    case LU_NR_mincore: {
        uint64_t pages = (a[1] + MEM_PAGE_SIZE - 1) >> MEM_PAGE_BITS;
        if (a[0] & ~MEM_PAGE_MASK)
            return -EINVAL;
        for (uint64_t i = 0; i < pages; i++) {
            uint8_t v = 1;
            if (!(mem_page_flags(&p->mem, a[0] + i * MEM_PAGE_SIZE) & MEM_PAGE_VALID))
                return -ENOMEM;
            if (!lu_put(p, a[2] + i, &v, 1))
                return -EFAULT;
        }
        return 0;
    }
    case LU_NR_riscv_flush_icache: {
        uint64_t start = a[0], end = a[1];
        if (a[2] & ~1ull)
            return -EINVAL;
        if (end > start && start < LU_GUEST_LIMIT && end - start < (1ull << 30))
            lu_invalidate_code(p, start, end - start);
        else
            tb_flush(p->cpu.cs.tbs);
        return 0;
    }
    case LU_NR_riscv_hwprobe: return lu_sys_hwprobe(p, a[0], a[1], a[2], a[3], a[4]);

    /* time */
    case LU_NR_clock_gettime: {
        struct timespec ts;
        if (a[0] > 11)
            return -EINVAL;
        lu_clock(p, (int)a[0], &ts);
        return lu_put_timespec(p, a[1], &ts) ? 0 : -EFAULT;
    }
    case LU_NR_clock_getres: {
        struct timespec ts = {0, 1};
        if (a[0] > 11)
            return -EINVAL;
        if (!p->cfg->deterministic) {
            if (lu_replaying(p)) {
                lu_rr_timespec(p, &ts, true);
            } else {
                if (clock_getres((clockid_t)a[0], &ts) != 0)
                    return -errno;
                lu_rr_timespec(p, &ts, false);
            }
        }
        if (a[1] && !lu_put_timespec(p, a[1], &ts))
            return -EFAULT;
        return 0;
    }
    case LU_NR_gettimeofday: {
        if (a[0]) {
            struct timespec ts;
            lu_clock(p, CLOCK_REALTIME, &ts);
            int64_t tv[2] = {ts.tv_sec, ts.tv_nsec / 1000};
            if (!lu_put(p, a[0], tv, 16))
                return -EFAULT;
        }
        if (a[1]) {
            int32_t tz[2] = {0, 0};
            if (!lu_put(p, a[1], tz, 8))
                return -EFAULT;
        }
        return 0;
    }
    case LU_NR_nanosleep: return lu_sleep(p, CLOCK_MONOTONIC, 0, a[0], a[1]);
    case LU_NR_clock_nanosleep: return lu_sleep(p, (int)a[0], (int)a[1], a[2], a[3]);
    case LU_NR_times: {
        struct tms t; /* 4 x clock_t (long): same */
        int64_t r;
        if (p->cfg->deterministic) {
            /* all virtual time is user time, in 100 Hz ticks */
            struct timespec now;
            lu_clock(p, CLOCK_MONOTONIC, &now);
            r = (int64_t)now.tv_sec * 100 + now.tv_nsec / 10000000;
            memset(&t, 0, sizeof t);
            t.tms_utime = (clock_t)r;
        } else if (lu_replaying(p)) {
            if (!lu_rr_take(p, REPLAY_EV_USAGE, &r, &t, sizeof t, NULL))
                return 0;
        } else {
            r = (int64_t)times(&t);
            lu_rr_put(p, REPLAY_EV_USAGE, r, &t, sizeof t);
        }
        if (a[0] && !lu_put(p, a[0], &t, sizeof(t)))
            return -EFAULT;
        return (int64_t)r;
    }
    case LU_NR_getrusage: {
        struct rusage ru; /* same layout on 64-bit ABIs */
        if (p->cfg->deterministic) {
            struct timespec now;
            lu_clock(p, CLOCK_MONOTONIC, &now);
            memset(&ru, 0, sizeof ru);
            ru.ru_utime.tv_sec = now.tv_sec;
            ru.ru_utime.tv_usec = now.tv_nsec / 1000;
        } else if (lu_replaying(p)) {
            int64_t r;
            if (!lu_rr_take(p, REPLAY_EV_USAGE, &r, &ru, sizeof ru, NULL) || r)
                return r ? r : 0;
        } else {
            int64_t r = getrusage((int)a[0], &ru) != 0 ? -errno : 0;
            lu_rr_put(p, REPLAY_EV_USAGE, r, &ru, sizeof ru);
            if (r)
                return r;
        }
        return lu_put(p, a[1], &ru, sizeof(ru)) ? 0 : -EFAULT;
    }
    case LU_NR_sysinfo: {
        struct sysinfo si; /* same layout on 64-bit ABIs */
        if (sysinfo(&si) != 0)
            return -errno;
        return lu_put(p, a[0], &si, sizeof(si)) ? 0 : -EFAULT;
    }
    case LU_NR_getitimer:
    case LU_NR_setitimer:
        return -ENOSYS; /* no asynchronous signal delivery yet */

    /* identity */
    case LU_NR_getpid: return p->pid;
    case LU_NR_gettid: return p->pid;
    case LU_NR_getppid: return getppid();
    case LU_NR_getuid: return getuid();
    case LU_NR_geteuid: return geteuid();
    case LU_NR_getgid: return getgid();
    case LU_NR_getegid: return getegid();
    case LU_NR_getresuid:
    case LU_NR_getresgid: {
        uint32_t ids[3];
        if (nr == LU_NR_getresuid) {
            uid_t r, ef, s;
            getresuid(&r, &ef, &s);
            ids[0] = r, ids[1] = ef, ids[2] = s;
        } else {
            gid_t r, ef, s;
            getresgid(&r, &ef, &s);
            ids[0] = r, ids[1] = ef, ids[2] = s;
        }
        for (int i = 0; i < 3; i++)
            if (!lu_put(p, a[i], &ids[i], 4))
                return -EFAULT;
        return 0;
    }
    case LU_NR_setuid: return lu_err(setuid((uid_t)a[0]));
    case LU_NR_setgid: return lu_err(setgid((gid_t)a[0]));
    case LU_NR_setreuid: return lu_err(setreuid((uid_t)a[0], (uid_t)a[1]));
    case LU_NR_setregid: return lu_err(setregid((gid_t)a[0], (gid_t)a[1]));
    case LU_NR_getgroups: {
        int n = (int)a[0];
        if (n < 0 || n > 65536)
            return -EINVAL;
        gid_t g[n ? n : 1];
        int r = getgroups(n, g);
        if (r < 0)
            return -errno;
        if (n) {
            for (int i = 0; i < r; i++) {
                uint32_t v = g[i];
                if (!lu_put(p, a[1] + 4ull * (uint64_t)i, &v, 4))
                    return -EFAULT;
            }
        }
        return r;
    }
    case LU_NR_setpgid: return lu_err(setpgid((pid_t)a[0], (pid_t)a[1]));
    case LU_NR_getpgid: return lu_err(getpgid((pid_t)a[0]));
    case LU_NR_getsid: return lu_err(getsid((pid_t)a[0]));
    case LU_NR_setsid: return lu_err(setsid());
    case LU_NR_umask: return umask((mode_t)a[0]);
    case LU_NR_getpriority: {
        errno = 0;
        int r = getpriority((int)a[0], (id_t)a[1]);
        return errno ? -errno : 20 - r; /* the raw syscall returns 20 - nice */
    }
    case LU_NR_setpriority: return lu_err(setpriority((int)a[0], (id_t)a[1], (int)a[2]));
    case LU_NR_uname: return lu_sys_uname(p, a[0]);
    case LU_NR_prctl: {
        enum { PR_SET_NAME_ = 15, PR_GET_NAME_ = 16 };
        if (a[0] == PR_SET_NAME_)
            return 0;
        if (a[0] == PR_GET_NAME_) {
            char name[16] = {0};
            const char *b = strrchr(p->execfn, '/');
            const char *src = b ? b + 1 : p->execfn;
            size_t n = strnlen(src, sizeof(name) - 1);
            memcpy(name, src, n);
            return lu_put(p, a[1], name, 16) ? 0 : -EFAULT;
        }
        return -EINVAL;
    }
    case LU_NR_getcpu: {
        uint32_t z = 0;
        if (a[0] && !lu_put(p, a[0], &z, 4))
            return -EFAULT;
        if (a[1] && !lu_put(p, a[1], &z, 4))
            return -EFAULT;
        return 0;
    }
    case LU_NR_getrlimit: return lu_sys_prlimit(p, 0, (int)a[0], 0, a[1]);
    case LU_NR_setrlimit: return lu_sys_prlimit(p, 0, (int)a[0], a[1], 0);
    case LU_NR_prlimit64: return lu_sys_prlimit(p, (int)a[0], (int)a[1], a[2], a[3]);
    case LU_NR_getrandom: {
        if (a[2] & ~7ull)
            return -EINVAL;
        uint64_t len = a[1] > (1u << 25) ? (1u << 25) : a[1];
        void *h = lu_out(p, a[0], len);
        if (!h)
            return -EFAULT;
        lu_fill_random(p, h, len);
        return (int64_t)len;
    }

    /* threads, scheduling */
    case LU_NR_set_tid_address: p->clear_child_tid = a[0]; return p->pid;
    case LU_NR_set_robust_list: return a[1] == 24 ? 0 : -EINVAL;
    case LU_NR_get_robust_list: return -ENOSYS;
    case LU_NR_futex: {
        int cmd = (int)a[1] & 0x7f;
        if (cmd == 5) /* WAKE_OP */
            return lu_futex_wake_op(p, a[4], (uint32_t)a[5]);
        return lu_sys_futex(p, a[0], (int)a[1], (uint32_t)a[2], a[3]);
    }
    case LU_NR_sched_getaffinity: {
        if (a[1] < 8 || (a[1] & 7))
            return -EINVAL;
        uint64_t mask = 1;
        return lu_put(p, a[2], &mask, 8) ? 8 : -EFAULT;
    }
    case LU_NR_sched_setaffinity: return 0;
    case LU_NR_sched_yield: return 0;
    case LU_NR_membarrier: return a[0] == 0 ? 0 : 0; /* QUERY: none; single thread: nothing to order */
    case LU_NR_rseq: return -ENOSYS;
    case LU_NR_clone3: return -ENOSYS;
    case LU_NR_clone: return lu_sys_clone(p, a[0], a[1], a[2], a[3], a[4]);
    case LU_NR_execve: return lu_sys_execve(p, a[0], a[1], a[2]);
    case LU_NR_wait4: {
        int st;
        struct rusage ru; /* same layout on 64-bit ABIs */
        pid_t r = wait4((pid_t)a[0], a[1] ? &st : NULL, (int)a[2], a[3] ? &ru : NULL);
        if (r < 0)
            return -errno;
        if (r > 0 && a[1] && !lu_put(p, a[1], &st, 4))
            return -EFAULT;
        if (r > 0 && a[3] && !lu_put(p, a[3], &ru, sizeof(ru)))
            return -EFAULT;
        return r;
    }
    case LU_NR_waitid: {
        siginfo_t si; /* 128 bytes; SIGCHLD fields at the same offsets on both */
        memset(&si, 0, sizeof(si));
        struct rusage ru;
        long r = syscall(SYS_waitid, (int)a[0], (pid_t)a[1], a[2] ? &si : NULL, (int)a[3],
                         a[4] ? &ru : NULL);
        if (r < 0)
            return -errno;
        if (a[2] && !lu_put(p, a[2], &si, sizeof(si)))
            return -EFAULT;
        if (a[4] && !lu_put(p, a[4], &ru, sizeof(ru)))
            return -EFAULT;
        return r;
    }

    /* signals */
    case LU_NR_rt_sigaction: return lu_sys_rt_sigaction(p, (int)a[0], a[1], a[2], a[3]);
    case LU_NR_rt_sigprocmask: return lu_sys_rt_sigprocmask(p, (int)a[0], a[1], a[2], a[3]);
    case LU_NR_rt_sigpending: {
        if (a[1] != 8)
            return -EINVAL;
        uint64_t pend = p->sigpending & p->sigmask;
        return lu_put(p, a[0], &pend, 8) ? 0 : -EFAULT;
    }
    case LU_NR_rt_sigsuspend: return -ENOSYS;
    case LU_NR_sigaltstack: return lu_sys_sigaltstack(p, a[0], a[1]);
    case LU_NR_rt_sigreturn: return lu_sys_rt_sigreturn(p);
    case LU_NR_kill: return lu_sys_kill(p, (int64_t)(int32_t)a[0], (int)a[1]);
    case LU_NR_tkill: return lu_sys_kill(p, (int32_t)a[0] == p->pid ? 0 : (int32_t)a[0], (int)a[1]);
    case LU_NR_tgkill:
        if ((int32_t)a[0] != p->pid || (int32_t)a[1] != p->pid)
            return lu_err(syscall(SYS_tgkill, (pid_t)a[0], (pid_t)a[1], (int)a[2]));
        return lu_sys_kill(p, 0, (int)a[2]);
    default:
        return -ENOSYS;
    }
#undef PATH1
#undef PATH2
}

void lu_syscall(LuProcess *p) {
    uint64_t *x = lu_x(p);
    uint64_t nr = x[LU_REG_A7];
    uint64_t a[6];
    memcpy(a, &x[LU_REG_A0], sizeof(a));
    p->cpu.cs.pc += 4;
    if (p->cfg->strace)
        lu_strace_pre(p, nr, a);
    int64_t r = lu_dispatch(p, nr, a);
    if (nr == LU_NR_rt_sigreturn && r == 0 && p->cfg->strace) {
        /* a0 was restored from the frame: do not clobber it */
        lu_strace_post(p, nr, (int64_t)x[LU_REG_A0]);
        return;
    }
    if (nr == LU_NR_rt_sigreturn && r == 0)
        return;
    if (p->cfg->strace)
        lu_strace_post(p, nr, r);
    if (!p->exited && !p->exec_pending)
        x[LU_REG_A0] = (uint64_t)r;
    /* The host ignores SIGPIPE (lu_main.c); the guest gets it here, as the
     * kernel would send it on a write to a broken pipe or socket. */
    if (r == -EPIPE)
        lu_signal_raise(p, SIGPIPE, -6, 0);
}
