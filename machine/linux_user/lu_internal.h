/* lu_internal.h — state shared by the linux_user files: one LuProcess per
 * emulated process (no globals), the guest address-space layout, and the
 * functions each file exports to the others.
 *
 * Guest address space (Sv39 user half, limit 1 << 38):
 *
 *   0x3f_ffff_f000 ┬ LU_STACK_TOP (one guard page above)
 *                  │ stack (LU_STACK_SIZE, RW)
 *                  ├ stack_bottom, guard gap
 *                  │ mmap area, allocated top-down (interpreter, libraries,
 *                  │ anonymous mappings, the signal trampoline page)
 *                  ▼
 *   0x2a_aaaa_a000   LU_PIE_BASE: ET_DYN main programs load here
 *                  │ brk heap grows up after the program's last segment
 *   0x1_0000       ET_EXEC programs load at their own addresses
 */
#ifndef VPLAT_LU_INTERNAL_H
#define VPLAT_LU_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cpu.h"
#include "core/exec.h"
#include "core/gdbstub.h"
#include "core/mem.h"
#include "core/replay.h"
#include "core/tb.h"
#include "frontends/riscv/rv_cpu.h"
#include "machine/linux_user/lu.h"

/* The guest address space.  Valgrind cannot reserve more than 32 GiB, so a
 * build for callgrind sets it smaller:
 *   bazel build //:vplat --per_file_copt='machine/linux_user/.*@-DLU_GUEST_LIMIT=(1ull<<34)' */
#ifndef LU_GUEST_LIMIT
#define LU_GUEST_LIMIT (1ull << 38)
#endif
#define LU_STACK_TOP (LU_GUEST_LIMIT - MEM_PAGE_SIZE)
#define LU_STACK_SIZE (8ull << 20)
#define LU_PIE_BASE 0x2aaaaaa000ull
#define LU_MMAP_MIN 0x10000ull

#define LU_NSIG 64

/* Guest registers (RISC-V ABI names -> x index). */
enum { LU_REG_RA = 1, LU_REG_SP = 2, LU_REG_A0 = 10, LU_REG_A7 = 17 };

/* A loaded ELF image. */
typedef struct LuImage {
    uint64_t load_bias;      /* added to every p_vaddr */
    uint64_t entry;          /* biased e_entry */
    uint64_t phdr;           /* guest address of the program headers */
    uint64_t phnum, phent;
    uint64_t start, end;     /* lowest / highest (page-rounded) address mapped */
    uint64_t brk;            /* end of the last segment's memory image */
    char interp[PATH_MAX];   /* PT_INTERP, "" if none */
} LuImage;

/* struct sigaction as the riscv64 kernel sees it (no sa_restorer). */
typedef struct LuSigAction {
    uint64_t handler;
    uint64_t flags;
    uint64_t mask;
} LuSigAction;

#define LU_SIG_DFL 0
#define LU_SIG_IGN 1

typedef struct LuProcess {
    const LuConfig *cfg;
    FILE *log;
    GuestMem mem;
    RvCpu cpu;
    bool cpu_ready;

    char exe_path[PATH_MAX];     /* absolute host path of the program: /proc/self/exe */
    char execfn[PATH_MAX];       /* program name as given: AT_EXECFN */
    LuImage exe, interp;
    bool has_interp;

    /* heap */
    uint64_t brk_start, brk_cur;
    /* mmap area: allocations search downward from mmap_top */
    uint64_t mmap_top;
    uint64_t stack_bottom;

    /* signals */
    LuSigAction sigact[LU_NSIG + 1];
    uint64_t sigmask;            /* blocked, bit (sig - 1) */
    uint64_t sigpending;         /* raised while blocked */
    uint64_t altstack_sp, altstack_size;
    uint32_t altstack_flags;
    uint64_t sigtramp;           /* guest address of `li a7,139; ecall` */

    /* misc kernel state */
    uint64_t clear_child_tid;
    uint64_t rng_state;          /* deterministic mode PRNG */
    uint64_t det_sleep_ns;       /* virtual time slept (deterministic mode) */
    uint64_t insn_base;          /* instructions retired by earlier images (execve) */
    ReplayLog *rr;               /* -record / -replay (the first process only; a forked child drops it) */
    int pid;

    /* execve of a RISC-V program: lu_run replaces the process image */
    bool exec_pending;
    char *exec_path;             /* host path to load */
    char *exec_fn;               /* path as the guest gave it */
    char **exec_argv, **exec_envp;
    int exec_argc;

    /* -g: the gdb stub (kept across execve; a forked child lets go of it) */
    GdbServer *gdb;
    bool gdb_waited;             /* the first image waited for the client */
    uint8_t auxv[2 * 20 * 8];    /* the auxiliary vector lu_setup_stack built */
    size_t auxv_len;

    /* termination */
    bool exited;
    int exit_status;             /* valid once exited */
    int term_signal;             /* != 0: die with this signal */
} LuProcess;

/* lu_elf.c: load an ELF file at its addresses (ET_EXEC) or at a free place
 * near `pie_base` (ET_DYN; 0 = let the mmap allocator choose).  On failure
 * prints nothing, writes a reason to err and returns false. */
bool lu_load_elf(LuProcess *p, const char *path, bool is_interp, uint64_t pie_base, LuImage *img,
                 char *err, size_t errlen);
/* The same from an open file, without running anything: the loader's entry
 * point for fuzzers and tests (tests/fuzz/fuzz_elf.c).  p needs only mem
 * (mem_init) and the mmap layout (lu_mmap_init). */
bool lu_load_elf_fd(LuProcess *p, int fd, bool is_interp, uint64_t pie_base, LuImage *img,
                    char *err, size_t errlen);

/* lu_stack.c: map the stack and build argc/argv/envp/auxv; returns sp (0 on failure). */
uint64_t lu_setup_stack(LuProcess *p, int argc, char **argv, char **envp);

/* lu_mmap.c */
void lu_mmap_init(LuProcess *p);
/* Find len bytes of unmapped guest space (page multiple), top-down; 0 if none. */
uint64_t lu_mmap_find_free(LuProcess *p, uint64_t len, uint64_t hint);
bool lu_range_free(LuProcess *p, uint64_t addr, uint64_t len);
int64_t lu_sys_mmap(LuProcess *p, uint64_t addr, uint64_t len, int prot, int flags, int fd,
                    uint64_t off);
int64_t lu_sys_munmap(LuProcess *p, uint64_t addr, uint64_t len);
int64_t lu_sys_mprotect(LuProcess *p, uint64_t addr, uint64_t len, int prot);
int64_t lu_sys_mremap(LuProcess *p, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
                      int flags, uint64_t new_addr);
int64_t lu_sys_brk(LuProcess *p, uint64_t addr);
uint32_t lu_prot_to_mem(int prot);
/* Drop TBs over a guest range whose mapping changes. */
void lu_invalidate_code(LuProcess *p, uint64_t addr, uint64_t len);
/* Before the host kernel writes directly into guest memory at [addr, len):
 * true if the range is guest-writable; drops code protection there. */
bool lu_prepare_host_write(LuProcess *p, uint64_t addr, uint64_t len);

/* lu_syscall.c: handle the ecall at cpu->pc: advances pc past it first, so a
 * syscall that redirects the guest (rt_sigreturn, signal delivery) just sets pc. */
void lu_syscall(LuProcess *p);

/* lu_main.c: execve (in-process for RISC-V ELFs, host execve otherwise). */
int64_t lu_sys_execve(LuProcess *p, uint64_t path, uint64_t argv, uint64_t envp);
void lu_fill_random(LuProcess *p, void *buf, size_t len); /* lu_syscall.c */
/* Record/replay (lu_syscall.c).  The instruction count that stamps events
 * and drives the deterministic clock: every image's instructions so far. */
uint64_t lu_icount(const LuProcess *p);
static inline bool lu_replaying(const LuProcess *p) { return replay_mode(p->rr) == REPLAY_REPLAY; }
/* Recording: log a result (res, and len bytes of buf; no-op otherwise). */
void lu_rr_put(LuProcess *p, ReplayKind kind, int64_t res, const void *buf, size_t len);
/* Replaying: the next result of `kind` into *res and buf (at most cap
 * bytes; *len = how many).  false: the replay diverged; the message is
 * printed and the process ends with status 1 (p->exited). */
bool lu_rr_take(LuProcess *p, ReplayKind kind, int64_t *res, void *buf, size_t cap, size_t *len);
/* The run ended with `status`: recording, write the end event; replaying,
 * check the run ended where the recording did (false: message printed). */
bool lu_rr_finish(LuProcess *p, int status);   /* lu_main.c */
/* rdtime/rdcycle (RvCpu.read_time) in deterministic and record/replay mode. */
uint64_t lu_read_time(void *opaque);

/* lu_signal.c */
int64_t lu_sys_rt_sigaction(LuProcess *p, int sig, uint64_t act, uint64_t oact, uint64_t sz);
int64_t lu_sys_rt_sigprocmask(LuProcess *p, int how, uint64_t set, uint64_t oset, uint64_t sz);
int64_t lu_sys_sigaltstack(LuProcess *p, uint64_t ss, uint64_t oss);
int64_t lu_sys_rt_sigreturn(LuProcess *p);
/* A signal is raised for the guest (fault, self-kill).  Delivers to a handler,
 * ignores, marks pending, or sets p->term_signal (default action). */
void lu_signal_raise(LuProcess *p, int sig, int code, uint64_t addr);
/* Deliver pending unblocked signals (after sigprocmask / sigreturn). */
void lu_signal_deliver_pending(LuProcess *p);
bool lu_signal_map_trampoline(LuProcess *p);
_Noreturn void lu_die_by_signal(LuProcess *p, int sig);
const char *lu_signal_name(int sig);

/* Convenience */
static inline uint64_t *lu_x(LuProcess *p) { return p->cpu.cs.vals; }

#endif
