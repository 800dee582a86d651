/* fuzz_exec.c — libFuzzer target: random guest code run by the execution
 * loop and the interpreter (tier 0), with the host fault handler live.
 *
 *   input ─▶ code page at CODE_BASE (R+W+X: self-modifying stores allowed)
 *         ─▶ cpu_exec under an instruction budget; on an exception or
 *            ebreak skip the instruction, on ecall return -ENOSYS, until a
 *            fetch fault, the budget, or MAX_EXITS loop exits
 *
 * "Guest input is hostile": whatever the code does (wild loads and
 * stores, jumps anywhere, stores into its own page, illegal encodings),
 * the host must not crash, every block must verify (verify_ir), and the
 * loop must stop within the budget.  A host fault outside guest memory
 * goes to core/crash.c, whose exit hook here aborts so that libFuzzer
 * keeps the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crash.h"
#include "core/exec.h"
#include "core/mem.h"
#include "core/tb.h"
#include "frontends/riscv/rv_cpu.h"
#include "interp/interp.h"

#define GUEST_LIMIT (1ull << 24)
#define CODE_BASE 0x10000ull
#define CODE_BYTES (2 * MEM_PAGE_SIZE)
#define DATA_BASE 0x20000ull
#define DATA_BYTES (4 * MEM_PAGE_SIZE)
#define BUDGET 4000
#define MAX_EXITS 128

static GuestMem fz_mem;
static RvCpu fz_cpu;
static bool fz_ready;
static bool fz_trace; /* FUZZ_EXEC_TRACE=1: one line per loop exit (triage) */

static void fz_abort(int sig) {
    (void)sig;
    abort();
}

static void fz_fail(const char *what, uint64_t a) {
    fprintf(stderr, "fuzz_exec: %s (0x%llx)\n", what, (unsigned long long)a);
    abort();
}

static void fz_setup(void) {
    if (!mem_init(&fz_mem, GUEST_LIMIT)) abort();
    rv_cpu_init_user(&fz_cpu, &fz_mem);
    cpu_set_tier(&fz_cpu.cs, &interp_tier);
    fz_cpu.cs.verify_ir = true;
    /* After libFuzzer and the sanitizers set theirs: ours must win for
     * SIGSEGV/SIGBUS, since guest faults arrive that way. */
    cpu_install_fault_handler();
    crash_set_exit_hook(fz_abort);
    fz_trace = getenv("FUZZ_EXEC_TRACE") != NULL;
    fz_ready = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!fz_ready) fz_setup();
    if (size > CODE_BYTES) size = CODE_BYTES;
    CpuState *cs = &fz_cpu.cs;

    /* fresh memory and an empty TB cache for every input */
    tb_flush(cs->tbs);
    tb_reclaim(cs->tbs);
    if (!mem_unmap(&fz_mem, CODE_BASE, CODE_BYTES) || !mem_unmap(&fz_mem, DATA_BASE, DATA_BYTES)) abort();
    if (!mem_map(&fz_mem, CODE_BASE, CODE_BYTES, MEM_PAGE_READ | MEM_PAGE_WRITE | MEM_PAGE_EXEC)) abort();
    if (!mem_map(&fz_mem, DATA_BASE, DATA_BYTES, MEM_PAGE_READ | MEM_PAGE_WRITE)) abort();
    memcpy(mem_host(&fz_mem, CODE_BASE), data, size);

    memset(cs->vals, 0, sizeof cs->vals);
    cs->vals[RV_GLOBAL_X(2)] = DATA_BASE + DATA_BYTES - 256; /* sp */
    cs->vals[RV_GLOBAL_X(10)] = DATA_BASE;                   /* a0 */
    cs->vals[RV_GLOBAL_X(11)] = DATA_BASE + 0x800;           /* a1 */
    fz_cpu.fflags = 0;
    fz_cpu.frm = 0;
    fz_cpu.res_addr = ~(uint64_t)0;
    cs->pc = CODE_BASE;
    cs->insn_count = 0;
    cs->max_insns = BUDGET;
    cs->exit_request = 0;

    for (int exits = 0; exits < MAX_EXITS; exits++) {
        if (fz_trace) fprintf(stderr, "exec: enter pc=0x%llx insns=%llu\n", (unsigned long long)cs->pc, (unsigned long long)cs->insn_count);
        CpuExitReason r = cpu_exec(cs);
        if (fz_trace)
            fprintf(stderr, "exec: exit %d pc=0x%llx insns=%llu cause=%u tval=0x%llx\n", (int)r, (unsigned long long)cs->pc,
                    (unsigned long long)cs->insn_count, cs->exc_cause, (unsigned long long)cs->exc_tval);
        /* the budget is checked at block entry: a block started just below
         * it may finish (at most tb_max_insns - 1 more) */
        if (cs->insn_count >= BUDGET + cs->tb_max_insns) fz_fail("ran past the instruction budget", cs->insn_count);
        if (cs->vals[0] != 0) fz_fail("x0 is not zero", cs->vals[0]);
        if (r == CPU_EXIT_INSN_LIMIT || r == CPU_EXIT_HALT || r == CPU_EXIT_REQUEST) break;
        if (r == CPU_EXIT_SYSCALL) {
            cs->vals[RV_GLOBAL_X(10)] = (uint64_t)-38; /* -ENOSYS */
            cs->pc += 4;
            continue;
        }
        if (r != CPU_EXIT_EXCEPTION && r != CPU_EXIT_BREAK) fz_fail("unknown exit reason", r);
        if (r == CPU_EXIT_EXCEPTION) {
            switch (cs->exc_cause) {
            case RV_EXC_INSN_PAGE_FAULT: case RV_EXC_INSN_ACCESS: case RV_EXC_INSN_MISALIGNED:
                goto done; /* nowhere to continue */
            case RV_EXC_ILLEGAL_INSN: case RV_EXC_BREAKPOINT: case RV_EXC_LOAD_MISALIGNED:
            case RV_EXC_LOAD_ACCESS: case RV_EXC_STORE_MISALIGNED: case RV_EXC_STORE_ACCESS:
            case RV_EXC_LOAD_PAGE_FAULT: case RV_EXC_STORE_PAGE_FAULT:
                break;
            default:
                fz_fail("unexpected exception cause", cs->exc_cause);
            }
        }
        /* the faulting instruction is at pc: skip it */
        if (cs->pc < CODE_BASE || cs->pc + 2 > CODE_BASE + CODE_BYTES) fz_fail("fault pc outside the code", cs->pc);
        uint16_t lo;
        if (!mem_read(&fz_mem, cs->pc, &lo, 2)) break;
        cs->pc += (lo & 3) == 3 ? 4 : 2;
    }
done:
    return 0;
}
