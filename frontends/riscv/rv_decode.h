/* rv_decode.h — RV64GC instruction decoder and disassembler.
 *
 * The frontend's translator fetches 32 bits at pc and calls rv_decode(),
 * which fills an RvInsn: one RvOpcode (from rv_insns.def) plus register
 * numbers and an immediate in a fixed convention, so the translator never
 * looks at encoding bits.  Compressed (16-bit) instructions come out as the
 * base instruction they expand to, with len = 2.  rv_disas() prints an
 * RvInsn in GNU objdump style for -d logs, gdb and test output.
 *
 * Immediate conventions:
 *   loads/stores/jalr/branches/jal  sign-extended byte offset
 *   lui/auipc                       sign-extended 64-bit value (imm20 << 12)
 *   shifts                          shamt (6 bits; 5 bits for the *w forms)
 *   csr*                            CSR number; csrr*i keep the uimm in rs1
 *   fence                           raw[31:20] (fm, pred, succ)
 *   ecall/ebreak/mret/sret/wfi      0
 * rm: FP rounding-mode field (raw[14:12]) for FP ops; aq<<1|rl for A ops.
 * Fields an instruction's format does not use (see RvFmt) are zero, so a
 * compressed insn and its 32-bit expansion differ only in len and raw.
 */
#ifndef VPLAT_RV_DECODE_H
#define VPLAT_RV_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum RvOpcode {
#define RV_INSN(name, ...) RV_OP_##name,
#include "frontends/riscv/rv_insns.def"
#undef RV_INSN
    RV_OP_COUNT
} RvOpcode;

typedef struct RvInsn {
    uint16_t op;            /* RvOpcode */
    uint8_t rd, rs1, rs2, rs3;
    uint8_t rm;             /* FP rounding-mode field (0..7); for AMO/LR/SC: aq<<1|rl; fence: unused */
    uint8_t len;            /* 2 (compressed) or 4 */
    int64_t imm;            /* see above */
    uint32_t raw;           /* the raw encoding (16 bits zero-extended if compressed) */
} RvInsn;

/* Operand layouts (the format column of rv_insns.def).  x = integer
 * register, f = FP register. */
typedef enum RvFmt {
    RV_FMT_NONE,    /* ecall                                    */
    RV_FMT_R,       /* add    xd,xs1,xs2                         */
    RV_FMT_I,       /* addi   xd,xs1,imm                         */
    RV_FMT_SHIFT,   /* slli   xd,xs1,0xshamt                     */
    RV_FMT_U,       /* lui    xd,0ximm20                         */
    RV_FMT_J,       /* jal    xd,target                          */
    RV_FMT_JALR,    /* jalr   xd,imm(xs1)                        */
    RV_FMT_B,       /* beq    xs1,xs2,target                     */
    RV_FMT_LOAD,    /* lw     xd,imm(xs1)                        */
    RV_FMT_STORE,   /* sw     xs2,imm(xs1)                       */
    RV_FMT_FLOAD,   /* flw    fd,imm(xs1)                        */
    RV_FMT_FSTORE,  /* fsw    fs2,imm(xs1)                       */
    RV_FMT_FENCE,   /* fence  pred,succ                          */
    RV_FMT_CSR,     /* csrrw  xd,csr,xs1                         */
    RV_FMT_CSRI,    /* csrrwi xd,csr,uimm                        */
    RV_FMT_LR,      /* lr.w   xd,(xs1)                           */
    RV_FMT_AMO,     /* amoadd.w xd,xs2,(xs1)                     */
    RV_FMT_FR4,     /* fmadd.s fd,fs1,fs2,fs3[,rm]               */
    RV_FMT_FR_RM,   /* fadd.s fd,fs1,fs2[,rm]                    */
    RV_FMT_FR,      /* fsgnj.s fd,fs1,fs2                        */
    RV_FMT_FF_RM,   /* fsqrt.s fd,fs1[,rm]                       */
    RV_FMT_FF_RM0,  /* fcvt.d.s fd,fs1[,rm]  (exact: rm shown if != 0) */
    RV_FMT_XF_RM,   /* fcvt.w.s xd,fs1[,rm]                      */
    RV_FMT_XF,      /* fmv.x.w xd,fs1                            */
    RV_FMT_FX_RM,   /* fcvt.s.w fd,xs1[,rm]                      */
    RV_FMT_FX_RM0,  /* fcvt.d.w fd,xs1[,rm]  (exact: rm shown if != 0) */
    RV_FMT_FX,      /* fmv.w.x fd,xs1                            */
    RV_FMT_FCMP,    /* feq.s  xd,fs1,fs2                         */
    RV_FMT_SFENCE,  /* sfence.vma xs1,xs2                        */
} RvFmt;

/* Extension an instruction belongs to (the extension column). */
typedef enum RvExt {
    RV_EXT_I, RV_EXT_M, RV_EXT_A, RV_EXT_F, RV_EXT_D,
    RV_EXT_ZICSR, RV_EXT_ZIFENCEI, RV_EXT_PRIV,
} RvExt;

extern const char *const rv_op_names[RV_OP_COUNT];  /* "add", "fadd.s", "c.addi" is NOT used: compressed insns expand to base ops */

/* Table lookups for an opcode (op < RV_OP_COUNT). */
RvFmt rv_op_format(RvOpcode op);
RvExt rv_op_ext(RvOpcode op);

/* raw: the 32 bits at pc (if the low 2 bits are not 0b11 it is a 16-bit compressed insn in the low half; the upper half is ignored). Returns false for illegal/reserved encodings (out is then unspecified except out->len and out->raw, which are always set). */
bool rv_decode(uint32_t raw, RvInsn *out);

/* Disassemble into buf in the style of GNU objdump (mnemonic, operands with ABI register names, e.g. "addi    sp,sp,-16", branch targets as absolute hex addresses computed from pc). Compressed insns may be shown as their base form. Returns the length written. */
int rv_disas(const RvInsn *in, uint64_t pc, char *buf, size_t len);

#endif /* VPLAT_RV_DECODE_H */
