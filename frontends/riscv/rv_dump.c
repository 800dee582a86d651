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
 * frm: those are under !CONFIG_USER_ONLY), so neither do we.  Like qemu,
 * the FP block is printed only when `fpu` is in -d (-d cpu,fpu).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/log.h"
#include "frontends/riscv/rv_cpu.h"

static const char *const rv_int_regnames[32] = {
#define RV_XREG(n, abi) [n] = "x" #n "/" abi,
#define RV_FREG(n, abi)
#include "frontends/riscv/rv_regs.def"
#undef RV_XREG
#undef RV_FREG
};

static const char *const rv_fpr_regnames[32] = {
#define RV_XREG(n, abi)
#define RV_FREG(n, abi) [n] = "f" #n "/" abi,
#include "frontends/riscv/rv_regs.def"
#undef RV_XREG
#undef RV_FREG
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
