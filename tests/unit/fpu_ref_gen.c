/*
 * fpu_ref_gen.c — riscv64 guest half of the F/D reference test.
 *
 * Runs every case of tests/unit/fpu/fpu_cases.h on real RISC-V F/D
 * instructions (under qemu-riscv64, the reference implementation) and prints
 * `op rm a b c -> result fflags` per case.  The rounding mode is the
 * instruction's static rm field; fflags are cleared right before and read
 * right after the instruction, inside one asm block.  Operands are moved
 * into FP registers with fmv.d.x so that badly NaN-boxed singles reach the
 * instruction unchanged.  fpu_ref_host.c prints the same lines from vplat's
 * rv_fpu functions; fpu_ref_test.sh diffs the two.
 *
 * Build: riscv64-linux-gnu-gcc -static -O2 -march=rv64gc -I<repo>/tests/unit
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "fpu/fpu_cases.h"

/* Expand an asm statement once per static rounding mode. */
#define RM_SWITCH(STMT, mn)               \
    switch (rm) {                         \
    case 0: STMT(mn, "rne"); break;       \
    case 1: STMT(mn, "rtz"); break;       \
    case 2: STMT(mn, "rdn"); break;       \
    case 3: STMT(mn, "rup"); break;       \
    default: STMT(mn, "rmm"); break;      \
    }

#define CLOB "ft0", "ft1", "ft2", "ft3"

#define A_RR_RM(mn, RM)                                                             \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfsflags zero\n\t" mn     \
                     " ft3, ft0, ft1, " RM "\n\tfrflags %1\n\tfmv.x.d %0, ft3"       \
                     : "=r"(res), "=r"(fl) : "r"(a), "r"(b) : CLOB)
#define A_R_RM(mn, RM)                                                              \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfsflags zero\n\t" mn " ft3, ft0, " RM       \
                     "\n\tfrflags %1\n\tfmv.x.d %0, ft3"                             \
                     : "=r"(res), "=r"(fl) : "r"(a) : CLOB)
#define A_RRR_RM(mn, RM)                                                            \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft2, %4\n\t"     \
                     "fsflags zero\n\t" mn " ft3, ft0, ft1, ft2, " RM                \
                     "\n\tfrflags %1\n\tfmv.x.d %0, ft3"                             \
                     : "=r"(res), "=r"(fl) : "r"(a), "r"(b), "r"(c) : CLOB)
#define A_RR(mn)                                                                    \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfsflags zero\n\t" mn     \
                     " ft3, ft0, ft1\n\tfrflags %1\n\tfmv.x.d %0, ft3"               \
                     : "=r"(res), "=r"(fl) : "r"(a), "r"(b) : CLOB)
#define A_CMP(mn)                                                                   \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfsflags zero\n\t" mn     \
                     " %0, ft0, ft1\n\tfrflags %1"                                   \
                     : "=&r"(res), "=r"(fl) : "r"(a), "r"(b) : CLOB)
#define A_CLASS(mn)                                                                 \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfsflags zero\n\t" mn " %0, ft0\n\tfrflags %1" \
                     : "=&r"(res), "=r"(fl) : "r"(a) : CLOB)
#define A_F2I_RM(mn, RM)                                                            \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfsflags zero\n\t" mn " %0, ft0, " RM        \
                     "\n\tfrflags %1"                                                \
                     : "=&r"(res), "=r"(fl) : "r"(a) : CLOB)
#define A_I2F_RM(mn, RM)                                                            \
    __asm__ volatile("fsflags zero\n\t" mn " ft3, %2, " RM                           \
                     "\n\tfrflags %1\n\tfmv.x.d %0, ft3"                             \
                     : "=r"(res), "=r"(fl) : "r"(a) : CLOB)
#define A_I2F(mn)                                                                   \
    __asm__ volatile("fsflags zero\n\t" mn " ft3, %2\n\tfrflags %1\n\tfmv.x.d %0, ft3" \
                     : "=r"(res), "=r"(fl) : "r"(a) : CLOB)
/* fcvt.d.s / fcvt.d.w / fcvt.d.wu take an rm field, but binutils only
 * accepts the form without it: encode them with .insn (OP-FP = 0x53). */
#define A_INSN_F(funct7, rs2, RMNUM)                                                \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfsflags zero\n\t.insn r 0x53, " RMNUM ", "  \
                     funct7 ", ft3, ft0, " rs2 "\n\tfrflags %1\n\tfmv.x.d %0, ft3"   \
                     : "=r"(res), "=r"(fl) : "r"(a) : CLOB)
#define A_INSN_I(funct7, rs2, RMNUM)                                                \
    __asm__ volatile("fsflags zero\n\t.insn r 0x53, " RMNUM ", " funct7 ", ft3, %2, " \
                     rs2 "\n\tfrflags %1\n\tfmv.x.d %0, ft3"                         \
                     : "=r"(res), "=r"(fl) : "r"(a) : CLOB)
#define RMNUM_SWITCH(STMT, f7, rs2)            \
    switch (rm) {                              \
    case 0: STMT(f7, rs2, "0"); break;         \
    case 1: STMT(f7, rs2, "1"); break;         \
    case 2: STMT(f7, rs2, "2"); break;         \
    case 3: STMT(f7, rs2, "3"); break;         \
    default: STMT(f7, rs2, "4"); break;        \
    }

static void run_case(void *ctx, int op, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    FILE *out = ctx;
    uint64_t res = 0, fl = 0;
    switch (op) {
#define C_RR_RM(name, mn) case FOP_##name: RM_SWITCH(A_RR_RM, mn) break;
#define C_R_RM(name, mn) case FOP_##name: RM_SWITCH(A_R_RM, mn) break;
#define C_RRR_RM(name, mn) case FOP_##name: RM_SWITCH(A_RRR_RM, mn) break;
#define C_F2I_RM(name, mn) case FOP_##name: RM_SWITCH(A_F2I_RM, mn) break;
#define C_I2F_RM(name, mn) case FOP_##name: RM_SWITCH(A_I2F_RM, mn) break;
#define C_RR(name, mn) case FOP_##name: A_RR(mn); break;
#define C_CMP(name, mn) case FOP_##name: A_CMP(mn); break;
#define C_CLASS(name, mn) case FOP_##name: A_CLASS(mn); break;
#define C_I2F(name, mn) case FOP_##name: A_I2F(mn); break;
    C_RR_RM(fadd_s, "fadd.s")
    C_RR_RM(fsub_s, "fsub.s")
    C_RR_RM(fmul_s, "fmul.s")
    C_RR_RM(fdiv_s, "fdiv.s")
    C_R_RM(fsqrt_s, "fsqrt.s")
    C_RRR_RM(fmadd_s, "fmadd.s")
    C_RRR_RM(fmsub_s, "fmsub.s")
    C_RRR_RM(fnmsub_s, "fnmsub.s")
    C_RRR_RM(fnmadd_s, "fnmadd.s")
    C_RR(fmin_s, "fmin.s")
    C_RR(fmax_s, "fmax.s")
    C_RR(fsgnj_s, "fsgnj.s")
    C_RR(fsgnjn_s, "fsgnjn.s")
    C_RR(fsgnjx_s, "fsgnjx.s")
    C_CMP(feq_s, "feq.s")
    C_CMP(flt_s, "flt.s")
    C_CMP(fle_s, "fle.s")
    C_CLASS(fclass_s, "fclass.s")
    C_F2I_RM(fcvt_w_s, "fcvt.w.s")
    C_F2I_RM(fcvt_wu_s, "fcvt.wu.s")
    C_F2I_RM(fcvt_l_s, "fcvt.l.s")
    C_F2I_RM(fcvt_lu_s, "fcvt.lu.s")
    C_I2F_RM(fcvt_s_w, "fcvt.s.w")
    C_I2F_RM(fcvt_s_wu, "fcvt.s.wu")
    C_I2F_RM(fcvt_s_l, "fcvt.s.l")
    C_I2F_RM(fcvt_s_lu, "fcvt.s.lu")
    C_R_RM(fcvt_s_d, "fcvt.s.d")
    C_CLASS(fmv_x_w, "fmv.x.w")
    C_I2F(fmv_w_x, "fmv.w.x")
    C_RR_RM(fadd_d, "fadd.d")
    C_RR_RM(fsub_d, "fsub.d")
    C_RR_RM(fmul_d, "fmul.d")
    C_RR_RM(fdiv_d, "fdiv.d")
    C_R_RM(fsqrt_d, "fsqrt.d")
    C_RRR_RM(fmadd_d, "fmadd.d")
    C_RRR_RM(fmsub_d, "fmsub.d")
    C_RRR_RM(fnmsub_d, "fnmsub.d")
    C_RRR_RM(fnmadd_d, "fnmadd.d")
    C_RR(fmin_d, "fmin.d")
    C_RR(fmax_d, "fmax.d")
    C_RR(fsgnj_d, "fsgnj.d")
    C_RR(fsgnjn_d, "fsgnjn.d")
    C_RR(fsgnjx_d, "fsgnjx.d")
    C_CMP(feq_d, "feq.d")
    C_CMP(flt_d, "flt.d")
    C_CMP(fle_d, "fle.d")
    C_CLASS(fclass_d, "fclass.d")
    C_F2I_RM(fcvt_w_d, "fcvt.w.d")
    C_F2I_RM(fcvt_wu_d, "fcvt.wu.d")
    C_F2I_RM(fcvt_l_d, "fcvt.l.d")
    C_F2I_RM(fcvt_lu_d, "fcvt.lu.d")
    case FOP_fcvt_d_w: RMNUM_SWITCH(A_INSN_I, "0x69", "x0") break;
    case FOP_fcvt_d_wu: RMNUM_SWITCH(A_INSN_I, "0x69", "x1") break;
    C_I2F_RM(fcvt_d_l, "fcvt.d.l")
    C_I2F_RM(fcvt_d_lu, "fcvt.d.lu")
    case FOP_fcvt_d_s: RMNUM_SWITCH(A_INSN_F, "0x21", "f0") break;
    C_CLASS(fmv_x_d, "fmv.x.d")
    C_I2F(fmv_d_x, "fmv.d.x")
    default:
        fprintf(stderr, "fpu_ref_gen: op %d has no instruction\n", op);
        exit(2);
    }
    fprintf(out, "%s %d %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " -> %016" PRIx64 " %02x\n",
            fpu_op_names[op], rm, a, b, c, res, (unsigned)fl);
}

int main(void)
{
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    unsigned long n = fpu_for_each_case(run_case, stdout);
    fflush(stdout);
    fprintf(stderr, "fpu_ref_gen: %lu cases\n", n);
    return 0;
}
