/* crash_demo.c — provokes host crashes inside a process that uses
 * core/crash.c the way bazel-bin/vplat does, so tests can check the
 * internal-error report (header, command line, backtrace, status 125).
 *
 *   crash_demo abort | segv | fpe | ill | jit | badcpu | nested | wait
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/crash.h"

static CpuState demo_cpu;

/* Stands in for core/exec.c's host_fault_handler on a non-guest address. */
static void demo_segv(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    crash_report(sig, si->si_addr, &demo_cpu);
}

static bool demo_symbolizer(uintptr_t pc, char *buf, size_t len) {
    (void)pc;
    const char name[] = "[jit] demo frame";
    if (len < sizeof name) return false;
    memcpy(buf, name, sizeof name);
    return true;
}

static volatile uintptr_t demo_bad_addr = 16; /* opaque to the optimizer */
__attribute__((noinline)) static int demo_deref(void) { return *(volatile int *)demo_bad_addr; }
static bool demo_bad_symbolizer(uintptr_t pc, char *buf, size_t len) {
    (void)pc;
    (void)len;
    buf[0] = (char)*(volatile int *)demo_bad_addr;
    return false;
}

/* A real hardware #DE; in C the division would be UB that UBSan reports
 * first (scripts/sanitize.sh ubsan). */
__attribute__((noinline)) static int demo_div(volatile int a, volatile int b) {
#if defined(__x86_64__)
    int q = a, d = b;
    __asm__ volatile("cltd\n\tidivl %1" : "+a"(q) : "r"(d) : "edx", "cc");
    return q;
#else
    (void)a;
    (void)b;
    return raise(SIGFPE);
#endif
}

int main(int argc, char **argv) {
    crash_set_command_line(argc, argv);
    crash_install_handlers();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = demo_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    demo_cpu.pc = 0x10abc;
    demo_cpu.insn_count = 42;
    const char *m = argc > 1 ? argv[1] : "abort";
    if (!strcmp(m, "abort")) abort();
    if (!strcmp(m, "segv")) return demo_deref();
    if (!strcmp(m, "fpe")) return demo_div(1, 0);
    if (!strcmp(m, "ill")) __builtin_trap();
    if (!strcmp(m, "jit")) {
        crash_set_symbolizer(demo_symbolizer);
        return demo_deref();
    }
    if (!strcmp(m, "wait")) { /* for kill -ABRT from outside: default action, no report */
        printf("ready\n");
        fflush(stdout);
        for (;;) pause();
    }
    if (!strcmp(m, "badcpu")) {
        /* corrupt CPU state: the report must still come out */
        demo_cpu.cur_tb = (Tb *)(uintptr_t)8;
        demo_cpu.cur_op = (void *)1;
        demo_cpu.tier = (const ExecTier *)(uintptr_t)8;
        return demo_deref();
    }
    if (!strcmp(m, "nested")) {
        crash_set_symbolizer(demo_bad_symbolizer); /* the report itself faults */
        return demo_deref();
    }
    fprintf(stderr, "crash_demo: unknown mode %s\n", m);
    return 2;
}
