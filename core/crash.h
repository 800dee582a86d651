/* crash.h — what vplat prints when vplat itself (not the guest) crashes.
 *
 * A host fault outside guest memory, an abort() (a failed internal check),
 * a host SIGFPE or SIGILL is a bug in vplat.  crash_report() then writes,
 * with async-signal-safe calls only (write(2), no stdio, no malloc):
 *
 *   vplat: internal error: host signal 11 (SIGSEGV) at 0x0000000000000010
 *   vplat: last guest pc 0x0000000000010abc (block 0x10aa0, 123456 insns retired)
 *   vplat: command line: vplat user --jit=none ./prog arg
 *   vplat: host backtrace:
 *     #0  0x000055d0c0a1b2c3 ir_pass_dead_code+0x43 (vplat+0x2b2c3)
 *     #1  0x00007f6e0c1d2e30 [jit] tb 0x10aa0 guest pc 0x10abc
 *     ...
 *   vplat: this is a bug in vplat; please report it with the lines above
 *
 * and exits with status CRASH_EXIT_STATUS (125).  The convention follows
 * timeout(1), env(1), chroot(1) and `docker run`: 124 = time limit,
 * 125 = the tool itself failed, 126/127 = the program could not be run.
 * Any number 0..255 is also a possible guest exit status, so the status
 * alone cannot tell an internal error from a guest that called exit(125);
 * the "vplat: internal error:" line on stderr can, and tests look for it.
 * (Dying by re-raising the signal was rejected: a guest killed by SIGSEGV
 * or SIGABRT already kills vplat with that signal, like qemu-riscv64, and
 * those are far more common than a guest exit(125).)
 *
 * Wiring (machine/main.c):
 *   crash_set_command_line(argc, argv);   first thing in main()
 *   crash_install_handlers();             SIGABRT, SIGFPE, SIGILL + alt stack
 * core/exec.c's host fault handler calls crash_report() for a SIGSEGV or
 * SIGBUS that is not a guest memory access.
 *
 * The backtrace comes from libunwind when core is built with
 * @libunwind//:libunwind (which defines UNW_LOCAL_ONLY), otherwise from
 * glibc's backtrace().  Frames in JIT code have no ELF symbol: a JIT
 * registers a CrashSymbolizer that names them (TB, guest pc).
 */
#ifndef VPLAT_CORE_CRASH_H
#define VPLAT_CORE_CRASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"

#define CRASH_EXIT_STATUS 125

/* Names a host pc that belongs to generated code: writes a short
 * description ("[jit] tb 0x10aa0 guest pc 0x10abc") into buf (NUL-terminated,
 * at most len bytes) and returns true, or returns false if host_pc is not
 * its code.  Runs inside a signal handler: it must not allocate, lock, or
 * use stdio (snprintf of integers is tolerated in practice but prefer
 * crash_fmt_hex). */
typedef bool (*CrashSymbolizer)(uintptr_t host_pc, char *buf, size_t len);

/* Remember argv for the report (the pointers are kept, not copied: pass
 * main()'s argv, which lives as long as the process). */
void crash_set_command_line(int argc, char **argv);

/* Register (or with NULL, remove) the JIT's frame namer.  One at a time. */
void crash_set_symbolizer(CrashSymbolizer fn);

/* Handlers for SIGABRT, SIGFPE and SIGILL raised by vplat's own host code,
 * run on an alternate signal stack (so a host stack overflow can still be
 * reported, for handlers installed with SA_ONSTACK).  Idempotent.  Signals
 * of these kinds sent from another process (kill -ABRT) keep their
 * default action. */
void crash_install_handlers(void);

/* Write the report for host signal sig (fault_addr: si_addr, may be NULL;
 * cpu: the CPU that was running, may be NULL) and exit with
 * CRASH_EXIT_STATUS.  A crash while reporting exits at once. */
_Noreturn void crash_report(int sig, void *fault_addr, const CpuState *cpu);

/* Tests and fuzzers: called instead of _exit(CRASH_EXIT_STATUS) at the end
 * of a report (a fuzzer passes abort() so libFuzzer keeps the input). */
void crash_set_exit_hook(void (*fn)(int sig));

/* Async-signal-safe formatting for symbolizers: "0x" + 16 hex digits into
 * buf (at least 19 bytes); returns the length written (18). */
size_t crash_fmt_hex(char *buf, uint64_t v);

/* Async-signal-safe: append s to buf at offset `at`, truncating so that
 * buf (len bytes) stays NUL-terminated; returns the new offset. */
size_t crash_put_str(char *buf, size_t at, size_t len, const char *s);

#endif
