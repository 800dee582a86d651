/* rv_dump.c — the hart state for `-d cpu`, in qemu-riscv64 7.2's format.
 *
 * The layout is exactly what qemu-riscv64 7.2 (user mode) prints for
 * `-d cpu,fpu` before each block, so that tests/lockstep/lockstep.py can
 * diff a vplat log against a qemu log line by line:
 *
 *    pc       0000000000010554
 *    x0/zero  0000000000000000 x1/ra    0000000000000000 x2/sp    ...  x3/gp    ...
 *    ... 8 lines of 4 integer registers ...
 *    f0/ft0   0000000000000000 f1/ft1   ...
 *    ... 8 lines of 4 FP registers (raw 64-bit, NaN-boxed singles) ...
 *
 * Each register is " %-8s %016x"; a newline follows every fourth.  In user
 * mode qemu prints no CSRs at all (no mstatus/mhartid block, no fflags or
 * frm: those are under !CONFIG_USER_ONLY), so neither do we.  qemu prints
 * the FP block only when `fpu` is in -d; vplat has no such item, so the FP
 * block is always printed (compare against `qemu-riscv64 -d cpu,fpu`).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/log.h"
#include "frontends/riscv/rv_cpu.h"

static const char *const rv_int_regnames[32] = {
    "x0/zero", "x1/ra",  "x2/sp",  "x3/gp",  "x4/tp",  "x5/t0",   "x6/t1",   "x7/t2",
    "x8/s0",   "x9/s1",  "x10/a0", "x11/a1", "x12/a2", "x13/a3",  "x14/a4",  "x15/a5",
    "x16/a6",  "x17/a7", "x18/s2", "x19/s3", "x20/s4", "x21/s5",  "x22/s6",  "x23/s7",
    "x24/s8",  "x25/s9", "x26/s10", "x27/s11", "x28/t3", "x29/t4", "x30/t5", "x31/t6",
};

static const char *const rv_fpr_regnames[32] = {
    "f0/ft0",  "f1/ft1",  "f2/ft2",   "f3/ft3",   "f4/ft4",  "f5/ft5",  "f6/ft6",   "f7/ft7",
    "f8/fs0",  "f9/fs1",  "f10/fa0",  "f11/fa1",  "f12/fa2", "f13/fa3", "f14/fa4",  "f15/fa5",
    "f16/fa6", "f17/fa7", "f18/fs2",  "f19/fs3",  "f20/fs4", "f21/fs5", "f22/fs6",  "f23/fs7",
    "f24/fs8", "f25/fs9", "f26/fs10", "f27/fs11", "f28/ft8", "f29/ft9", "f30/ft10", "f31/ft11",
};

static void rv_dump_regs(FILE *out, const char *const names[32], const uint64_t *vals)
{
    for (int i = 0; i < 32; i++) {
        fprintf(out, " %-8s %016" PRIx64, names[i], vals[i]);
        if ((i & 3) == 3)
            fputc('\n', out);
    }
}

/* `fpu` selects the FP block, like qemu's `-d fpu` item. */
static void rv_dump_state_flags(CpuState *cpu, FILE *out, bool fpu)
{
    fprintf(out, " %s %016" PRIx64 "\n", "pc      ", cpu->pc);
    /* x0 is printed from the slot like qemu's gpr[0]; it is never written. */
    rv_dump_regs(out, rv_int_regnames, &cpu->vals[0]);
    if (fpu)
        rv_dump_regs(out, rv_fpr_regnames, &cpu->vals[32]);
}

void rv_dump_state(CpuState *cpu, FILE *out)
{
    rv_dump_state_flags(cpu, out, (cpu->log_mask & LOG_FPU) != 0);
}
