/* rv_disas.c — RvInsn -> text, in GNU objdump's style.
 *
 * Used by -d in_asm logs, the gdb stub's monitor and tests.  It works only
 * from the decoded RvInsn (op, registers, imm) and the operand format column
 * of rv_insns.def, so what it prints is exactly what the translator sees.
 * Output matches `objdump -d -M no-aliases` of the base instruction:
 * ABI register names, decimal offsets, hex shift amounts / lui immediates,
 * CSR names where known, rounding mode only when not dynamic, branch and
 * jump targets as absolute hex addresses.  Compressed instructions print as
 * the base instruction they expand to (c.addi a0,1 -> "addi a0,a0,1").
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frontends/riscv/rv_decode.h"

static const char *const rv_xreg_names[32] = {
#define RV_XREG(n, abi) [n] = abi,
#define RV_FREG(n, abi)
#include "frontends/riscv/rv_regs.def"
#undef RV_XREG
#undef RV_FREG
};

static const char *const rv_freg_names[32] = {
#define RV_XREG(n, abi)
#define RV_FREG(n, abi) [n] = abi,
#include "frontends/riscv/rv_regs.def"
#undef RV_XREG
#undef RV_FREG
};

static const char *const rv_rm_names[8] = {
    "rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn",
};

/* Named CSRs that are not part of a numbered family (see rv_csr_name). */
static const struct { uint16_t num; const char *name; } rv_csr_table[] = {
    { 0x001, "fflags" }, { 0x002, "frm" }, { 0x003, "fcsr" },
    { 0xc00, "cycle" }, { 0xc01, "time" }, { 0xc02, "instret" },
    { 0xc80, "cycleh" }, { 0xc81, "timeh" }, { 0xc82, "instreth" },
    { 0x100, "sstatus" }, { 0x104, "sie" }, { 0x105, "stvec" },
    { 0x106, "scounteren" }, { 0x10a, "senvcfg" }, { 0x140, "sscratch" },
    { 0x141, "sepc" }, { 0x142, "scause" }, { 0x143, "stval" },
    { 0x144, "sip" }, { 0x180, "satp" },
    { 0xf11, "mvendorid" }, { 0xf12, "marchid" }, { 0xf13, "mimpid" },
    { 0xf14, "mhartid" }, { 0xf15, "mconfigptr" },
    { 0x300, "mstatus" }, { 0x301, "misa" }, { 0x302, "medeleg" },
    { 0x303, "mideleg" }, { 0x304, "mie" }, { 0x305, "mtvec" },
    { 0x306, "mcounteren" }, { 0x30a, "menvcfg" }, { 0x310, "mstatush" },
    { 0x31a, "menvcfgh" }, { 0x320, "mcountinhibit" },
    { 0x340, "mscratch" }, { 0x341, "mepc" }, { 0x342, "mcause" },
    { 0x343, "mtval" }, { 0x344, "mip" }, { 0x34a, "mtinst" },
    { 0x34b, "mtval2" },
    { 0xb00, "mcycle" }, { 0xb02, "minstret" },
    { 0xb80, "mcycleh" }, { 0xb82, "minstreth" },
    { 0x7a0, "tselect" }, { 0x7a1, "tdata1" }, { 0x7a2, "tdata2" },
    { 0x7a3, "tdata3" }, { 0x7b0, "dcsr" }, { 0x7b1, "dpc" },
    { 0x7b2, "dscratch0" }, { 0x7b3, "dscratch1" },
};

/* Numbered CSR families: name = prefix + (num - base + first) [+ suffix]. */
static const struct {
    uint16_t base, count, first;
    const char *prefix, *suffix;
} rv_csr_families[] = {
    { 0xc03, 29, 3, "hpmcounter", "" },
    { 0xc83, 29, 3, "hpmcounter", "h" },
    { 0xb03, 29, 3, "mhpmcounter", "" },
    { 0xb83, 29, 3, "mhpmcounter", "h" },
    { 0x323, 29, 3, "mhpmevent", "" },
    { 0x3a0, 16, 0, "pmpcfg", "" },
    { 0x3b0, 64, 0, "pmpaddr", "" },
};

/* Writes the CSR's name (or 0x-hex number if unnamed) into buf[size]. */
static void rv_csr_name(uint32_t num, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof(rv_csr_table) / sizeof(rv_csr_table[0]); i++) {
        if (rv_csr_table[i].num == num) {
            snprintf(buf, size, "%s", rv_csr_table[i].name);
            return;
        }
    }
    for (size_t i = 0; i < sizeof(rv_csr_families) / sizeof(rv_csr_families[0]); i++) {
        uint32_t base = rv_csr_families[i].base;
        if (num >= base && num < base + rv_csr_families[i].count) {
            snprintf(buf, size, "%s%u%s", rv_csr_families[i].prefix,
                     num - base + rv_csr_families[i].first, rv_csr_families[i].suffix);
            return;
        }
    }
    snprintf(buf, size, "0x%x", num);
}

/* fence pred/succ set: subset of "iorw", or "0" when empty. */
static void rv_fence_set(uint32_t bits, char *buf)
{
    char *p = buf;
    if (bits & 8) *p++ = 'i';
    if (bits & 4) *p++ = 'o';
    if (bits & 2) *p++ = 'r';
    if (bits & 1) *p++ = 'w';
    if (p == buf) *p++ = '0';
    *p = '\0';
}

int rv_disas(const RvInsn *in, uint64_t pc, char *buf, size_t len)
{
    const char *const *X = rv_xreg_names;
    const char *const *F = rv_freg_names;
    char mnem[24], ops[64], tmp[24], tmp2[8];
    const char *rm = (in->rm & 7) == 7 ? NULL : rv_rm_names[in->rm & 7];
    const char *rm0 = (in->rm & 7) == 0 ? NULL : rv_rm_names[in->rm & 7];
    uint64_t target = pc + (uint64_t)in->imm;
    RvFmt fmt;

    if (len == 0)
        return 0;
    if (in->op >= RV_OP_COUNT) {
        int n = snprintf(buf, len, "<illegal>");
        return n < (int)len ? n : (int)len - 1;
    }
    fmt = rv_op_format((RvOpcode)in->op);
    snprintf(mnem, sizeof(mnem), "%s", rv_op_names[in->op]);
    ops[0] = '\0';

    switch (fmt) {
    case RV_FMT_NONE:
        break;
    case RV_FMT_R:
        snprintf(ops, sizeof(ops), "%s,%s,%s", X[in->rd], X[in->rs1], X[in->rs2]);
        break;
    case RV_FMT_I:
        snprintf(ops, sizeof(ops), "%s,%s,%" PRId64, X[in->rd], X[in->rs1], in->imm);
        break;
    case RV_FMT_SHIFT:
        snprintf(ops, sizeof(ops), "%s,%s,0x%" PRIx64, X[in->rd], X[in->rs1], in->imm);
        break;
    case RV_FMT_U:
        snprintf(ops, sizeof(ops), "%s,0x%" PRIx64, X[in->rd], ((uint64_t)in->imm >> 12) & 0xfffff);
        break;
    case RV_FMT_J:
        snprintf(ops, sizeof(ops), "%s,0x%" PRIx64, X[in->rd], target);
        break;
    case RV_FMT_B:
        snprintf(ops, sizeof(ops), "%s,%s,0x%" PRIx64, X[in->rs1], X[in->rs2], target);
        break;
    case RV_FMT_JALR:
    case RV_FMT_LOAD:
        snprintf(ops, sizeof(ops), "%s,%" PRId64 "(%s)", X[in->rd], in->imm, X[in->rs1]);
        break;
    case RV_FMT_STORE:
        snprintf(ops, sizeof(ops), "%s,%" PRId64 "(%s)", X[in->rs2], in->imm, X[in->rs1]);
        break;
    case RV_FMT_FLOAD:
        snprintf(ops, sizeof(ops), "%s,%" PRId64 "(%s)", F[in->rd], in->imm, X[in->rs1]);
        break;
    case RV_FMT_FSTORE:
        snprintf(ops, sizeof(ops), "%s,%" PRId64 "(%s)", F[in->rs2], in->imm, X[in->rs1]);
        break;
    case RV_FMT_FENCE:
        if ((in->imm & 0xfff) == 0x833) {
            snprintf(mnem, sizeof(mnem), "fence.tso");
            break;
        }
        rv_fence_set((in->imm >> 4) & 15, tmp);
        rv_fence_set(in->imm & 15, tmp2);
        snprintf(ops, sizeof(ops), "%s,%s", tmp, tmp2);
        break;
    case RV_FMT_CSR:
        rv_csr_name((uint32_t)in->imm & 0xfff, tmp, sizeof(tmp));
        snprintf(ops, sizeof(ops), "%s,%s,%s", X[in->rd], tmp, X[in->rs1]);
        break;
    case RV_FMT_CSRI:
        rv_csr_name((uint32_t)in->imm & 0xfff, tmp, sizeof(tmp));
        snprintf(ops, sizeof(ops), "%s,%s,%u", X[in->rd], tmp, in->rs1);
        break;
    case RV_FMT_LR:
    case RV_FMT_AMO: {
        static const char *const suffix[4] = { "", ".rl", ".aq", ".aqrl" };
        snprintf(mnem, sizeof(mnem), "%s%s", rv_op_names[in->op], suffix[in->rm & 3]);
        if (fmt == RV_FMT_LR)
            snprintf(ops, sizeof(ops), "%s,(%s)", X[in->rd], X[in->rs1]);
        else
            snprintf(ops, sizeof(ops), "%s,%s,(%s)", X[in->rd], X[in->rs2], X[in->rs1]);
        break;
    }
    case RV_FMT_FR4:
        snprintf(ops, sizeof(ops), "%s,%s,%s,%s%s%s", F[in->rd], F[in->rs1], F[in->rs2],
                 F[in->rs3], rm ? "," : "", rm ? rm : "");
        break;
    case RV_FMT_FR_RM:
        snprintf(ops, sizeof(ops), "%s,%s,%s%s%s", F[in->rd], F[in->rs1], F[in->rs2],
                 rm ? "," : "", rm ? rm : "");
        break;
    case RV_FMT_FR:
        snprintf(ops, sizeof(ops), "%s,%s,%s", F[in->rd], F[in->rs1], F[in->rs2]);
        break;
    case RV_FMT_FF_RM:
        snprintf(ops, sizeof(ops), "%s,%s%s%s", F[in->rd], F[in->rs1], rm ? "," : "", rm ? rm : "");
        break;
    case RV_FMT_FF_RM0:
        snprintf(ops, sizeof(ops), "%s,%s%s%s", F[in->rd], F[in->rs1], rm0 ? "," : "", rm0 ? rm0 : "");
        break;
    case RV_FMT_XF_RM:
        snprintf(ops, sizeof(ops), "%s,%s%s%s", X[in->rd], F[in->rs1], rm ? "," : "", rm ? rm : "");
        break;
    case RV_FMT_XF:
        snprintf(ops, sizeof(ops), "%s,%s", X[in->rd], F[in->rs1]);
        break;
    case RV_FMT_FX_RM:
        snprintf(ops, sizeof(ops), "%s,%s%s%s", F[in->rd], X[in->rs1], rm ? "," : "", rm ? rm : "");
        break;
    case RV_FMT_FX_RM0:
        snprintf(ops, sizeof(ops), "%s,%s%s%s", F[in->rd], X[in->rs1], rm0 ? "," : "", rm0 ? rm0 : "");
        break;
    case RV_FMT_FX:
        snprintf(ops, sizeof(ops), "%s,%s", F[in->rd], X[in->rs1]);
        break;
    case RV_FMT_FCMP:
        snprintf(ops, sizeof(ops), "%s,%s,%s", X[in->rd], F[in->rs1], F[in->rs2]);
        break;
    case RV_FMT_SFENCE:
        snprintf(ops, sizeof(ops), "%s,%s", X[in->rs1], X[in->rs2]);
        break;
    }

    int n = ops[0] ? snprintf(buf, len, "%-7s %s", mnem, ops) : snprintf(buf, len, "%s", mnem);
    if (n < 0)
        n = 0;
    return n < (int)len ? n : (int)len - 1;
}
