/* rv_decode.c — RV64GC decoder: raw instruction bits -> RvInsn.
 *
 * Called by the translator for every guest instruction at translation time,
 * so it is a plain switch on opcode / funct fields (no table search).  The
 * names and operand formats live in rv_insns.def; this file only maps
 * encodings to RV_OP_* and extracts operands in the conventions documented
 * in rv_decode.h.  Compressed instructions are expanded here to their base
 * form (len = 2), so nothing downstream knows about RVC.
 *
 * Legality follows the unprivileged spec (RV64GC, Zicsr, Zifencei) plus
 * mret/sret/wfi/sfence.vma: every unassigned or reserved encoding returns
 * false; RVC HINTs decode as their base op (they write x0 or do nothing).
 * Things that depend on run-time state (rm = 7 with an invalid frm, CSR
 * permissions, privilege level) are left to the translator and helpers.
 */
#include "frontends/riscv/rv_decode.h"

const char *const rv_op_names[RV_OP_COUNT] = {
#define RV_INSN(name, mnem, fmt, ext) [RV_OP_##name] = mnem,
#include "frontends/riscv/rv_insns.def"
#undef RV_INSN
};

static const uint8_t rv_op_fmts[RV_OP_COUNT] = {
#define RV_INSN(name, mnem, fmt, ext) [RV_OP_##name] = RV_FMT_##fmt,
#include "frontends/riscv/rv_insns.def"
#undef RV_INSN
};

static const uint8_t rv_op_exts[RV_OP_COUNT] = {
#define RV_INSN(name, mnem, fmt, ext) [RV_OP_##name] = RV_EXT_##ext,
#include "frontends/riscv/rv_insns.def"
#undef RV_INSN
};

RvFmt rv_op_format(RvOpcode op) { return (RvFmt)rv_op_fmts[op]; }
RvExt rv_op_ext(RvOpcode op) { return (RvExt)rv_op_exts[op]; }

/* ---- bit helpers ---- */

static inline uint32_t rv_bits(uint32_t x, int hi, int lo)
{
    return (x >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int64_t rv_sext(uint64_t x, int bits)
{
    return (int64_t)(x << (64 - bits)) >> (64 - bits);
}

/* ---- 32-bit immediates ---- */

static inline int64_t rv_imm_i(uint32_t r) { return (int64_t)(int32_t)r >> 20; }

static inline int64_t rv_imm_s(uint32_t r)
{
    return rv_sext(rv_bits(r, 31, 25) << 5 | rv_bits(r, 11, 7), 12);
}

static inline int64_t rv_imm_b(uint32_t r)
{
    uint32_t v = rv_bits(r, 31, 31) << 12 | rv_bits(r, 7, 7) << 11 |
                 rv_bits(r, 30, 25) << 5 | rv_bits(r, 11, 8) << 1;
    return rv_sext(v, 13);
}

static inline int64_t rv_imm_u(uint32_t r) { return (int64_t)(int32_t)(r & 0xfffff000u); }

static inline int64_t rv_imm_j(uint32_t r)
{
    uint32_t v = rv_bits(r, 31, 31) << 20 | rv_bits(r, 19, 12) << 12 |
                 rv_bits(r, 20, 20) << 11 | rv_bits(r, 30, 21) << 1;
    return rv_sext(v, 21);
}

/* rm values 5 and 6 are reserved; 7 (dynamic) is checked at run time. */
static inline bool rv_rm_ok(uint32_t rm) { return rm != 5 && rm != 6; }

/* ---- 32-bit decoder, one function per major opcode group ---- */

static bool rv_dec_op_imm(uint32_t r, RvInsn *o)
{
    uint32_t f3 = rv_bits(r, 14, 12), hi6 = rv_bits(r, 31, 26);
    o->imm = rv_imm_i(r);
    switch (f3) {
    case 0: o->op = RV_OP_addi; return true;
    case 2: o->op = RV_OP_slti; return true;
    case 3: o->op = RV_OP_sltiu; return true;
    case 4: o->op = RV_OP_xori; return true;
    case 6: o->op = RV_OP_ori; return true;
    case 7: o->op = RV_OP_andi; return true;
    case 1:
        if (hi6 != 0)
            return false;
        o->op = RV_OP_slli;
        break;
    default: /* 5 */
        if (hi6 == 0)
            o->op = RV_OP_srli;
        else if (hi6 == 0x10)
            o->op = RV_OP_srai;
        else
            return false;
        break;
    }
    o->imm = rv_bits(r, 25, 20);
    return true;
}

static bool rv_dec_op_imm32(uint32_t r, RvInsn *o)
{
    uint32_t f3 = rv_bits(r, 14, 12), f7 = rv_bits(r, 31, 25);
    if (f3 == 0) {
        o->op = RV_OP_addiw;
        o->imm = rv_imm_i(r);
        return true;
    }
    o->imm = rv_bits(r, 24, 20);
    if (f3 == 1 && f7 == 0)
        o->op = RV_OP_slliw;
    else if (f3 == 5 && f7 == 0)
        o->op = RV_OP_srliw;
    else if (f3 == 5 && f7 == 0x20)
        o->op = RV_OP_sraiw;
    else
        return false;
    return true;
}

static bool rv_dec_op(uint32_t r, RvInsn *o)
{
    static const uint16_t base[8] = {
        RV_OP_add, RV_OP_sll, RV_OP_slt, RV_OP_sltu,
        RV_OP_xor, RV_OP_srl, RV_OP_or, RV_OP_and,
    };
    static const uint16_t muldiv[8] = {
        RV_OP_mul, RV_OP_mulh, RV_OP_mulhsu, RV_OP_mulhu,
        RV_OP_div, RV_OP_divu, RV_OP_rem, RV_OP_remu,
    };
    uint32_t f3 = rv_bits(r, 14, 12), f7 = rv_bits(r, 31, 25);
    switch (f7) {
    case 0x00: o->op = base[f3]; return true;
    case 0x01: o->op = muldiv[f3]; return true;
    case 0x20:
        if (f3 == 0) { o->op = RV_OP_sub; return true; }
        if (f3 == 5) { o->op = RV_OP_sra; return true; }
        return false;
    default:
        return false;
    }
}

static bool rv_dec_op32(uint32_t r, RvInsn *o)
{
    uint32_t f3 = rv_bits(r, 14, 12), f7 = rv_bits(r, 31, 25);
    switch (f7 << 3 | f3) {
    case 0x00 << 3 | 0: o->op = RV_OP_addw; return true;
    case 0x00 << 3 | 1: o->op = RV_OP_sllw; return true;
    case 0x00 << 3 | 5: o->op = RV_OP_srlw; return true;
    case 0x20 << 3 | 0: o->op = RV_OP_subw; return true;
    case 0x20 << 3 | 5: o->op = RV_OP_sraw; return true;
    case 0x01 << 3 | 0: o->op = RV_OP_mulw; return true;
    case 0x01 << 3 | 4: o->op = RV_OP_divw; return true;
    case 0x01 << 3 | 5: o->op = RV_OP_divuw; return true;
    case 0x01 << 3 | 6: o->op = RV_OP_remw; return true;
    case 0x01 << 3 | 7: o->op = RV_OP_remuw; return true;
    default: return false;
    }
}

static bool rv_dec_amo(uint32_t r, RvInsn *o)
{
    /* Indexed by funct5; 0 marks an unassigned funct5. Ops for .w; the .d
     * op is at a fixed distance (the table keeps the two groups parallel). */
    static const uint16_t amo_w[32] = {
        [0x00] = RV_OP_amoadd_w + 1,  [0x01] = RV_OP_amoswap_w + 1,
        [0x02] = RV_OP_lr_w + 1,      [0x03] = RV_OP_sc_w + 1,
        [0x04] = RV_OP_amoxor_w + 1,  [0x08] = RV_OP_amoor_w + 1,
        [0x0c] = RV_OP_amoand_w + 1,  [0x10] = RV_OP_amomin_w + 1,
        [0x14] = RV_OP_amomax_w + 1,  [0x18] = RV_OP_amominu_w + 1,
        [0x1c] = RV_OP_amomaxu_w + 1,
    };
    _Static_assert(RV_OP_amomaxu_d - RV_OP_amomaxu_w == RV_OP_lr_d - RV_OP_lr_w &&
                   RV_OP_amoswap_d - RV_OP_amoswap_w == RV_OP_lr_d - RV_OP_lr_w,
                   "A-extension .w and .d rows must stay parallel in rv_insns.def");
    uint32_t f3 = rv_bits(r, 14, 12), f5 = rv_bits(r, 31, 27);
    uint16_t op = amo_w[f5];
    if (op == 0 || (f3 != 2 && f3 != 3))
        return false;
    op -= 1;
    if (op == RV_OP_lr_w && o->rs2 != 0)
        return false;
    if (f3 == 3)
        op += RV_OP_lr_d - RV_OP_lr_w;
    o->op = op;
    o->rm = rv_bits(r, 26, 25);
    return true;
}

static bool rv_dec_fma(uint32_t r, uint32_t opc, RvInsn *o)
{
    static const uint16_t fma[2][4] = {
        { RV_OP_fmadd_s, RV_OP_fmsub_s, RV_OP_fnmsub_s, RV_OP_fnmadd_s },
        { RV_OP_fmadd_d, RV_OP_fmsub_d, RV_OP_fnmsub_d, RV_OP_fnmadd_d },
    };
    uint32_t fmt = rv_bits(r, 26, 25);
    if (fmt > 1 || !rv_rm_ok(o->rm))
        return false;
    o->op = fma[fmt][opc - 0x10];
    o->rs3 = rv_bits(r, 31, 27);
    return true;
}

static bool rv_dec_op_fp(uint32_t r, RvInsn *o)
{
    uint32_t f7 = rv_bits(r, 31, 25), rm = o->rm, rs2 = o->rs2;
    bool d = f7 & 1;
    if (f7 & 2)     /* fmt field (funct7[1:0]) 2 = H, 3 = Q: not in RV64GC */
        return false;
    switch (f7 >> 2) {
    case 0x00: o->op = d ? RV_OP_fadd_d : RV_OP_fadd_s; return rv_rm_ok(rm);
    case 0x01: o->op = d ? RV_OP_fsub_d : RV_OP_fsub_s; return rv_rm_ok(rm);
    case 0x02: o->op = d ? RV_OP_fmul_d : RV_OP_fmul_s; return rv_rm_ok(rm);
    case 0x03: o->op = d ? RV_OP_fdiv_d : RV_OP_fdiv_s; return rv_rm_ok(rm);
    case 0x0b: /* fsqrt */
        if (rs2 != 0)
            return false;
        o->op = d ? RV_OP_fsqrt_d : RV_OP_fsqrt_s;
        return rv_rm_ok(rm);
    case 0x04: /* fsgnj* */
        if (rm > 2)
            return false;
        o->op = (d ? RV_OP_fsgnj_d : RV_OP_fsgnj_s) + rm;
        return true;
    case 0x05: /* fmin/fmax */
        if (rm > 1)
            return false;
        o->op = (d ? RV_OP_fmin_d : RV_OP_fmin_s) + rm;
        return true;
    case 0x08: /* fcvt.s.d (0x20, rs2 = 1) / fcvt.d.s (0x21, rs2 = 0) */
        if (f7 == 0x20 && rs2 == 1)
            o->op = RV_OP_fcvt_s_d;
        else if (f7 == 0x21 && rs2 == 0)
            o->op = RV_OP_fcvt_d_s;
        else
            return false;
        return rv_rm_ok(rm);
    case 0x14: /* feq/flt/fle: funct3 2/1/0 */
        if (rm > 2)
            return false;
        o->op = rm == 2 ? (d ? RV_OP_feq_d : RV_OP_feq_s)
              : rm == 1 ? (d ? RV_OP_flt_d : RV_OP_flt_s)
                        : (d ? RV_OP_fle_d : RV_OP_fle_s);
        return true;
    case 0x18: /* fcvt.{w,wu,l,lu}.{s,d} */
        if (rs2 > 3)
            return false;
        o->op = (d ? RV_OP_fcvt_w_d : RV_OP_fcvt_w_s) + rs2;
        return rv_rm_ok(rm);
    case 0x1a: /* fcvt.{s,d}.{w,wu,l,lu} */
        if (rs2 > 3)
            return false;
        o->op = (d ? RV_OP_fcvt_d_w : RV_OP_fcvt_s_w) + rs2;
        return rv_rm_ok(rm);
    case 0x1c: /* fmv.x.{w,d} (funct3 0) / fclass (funct3 1) */
        if (rs2 != 0 || rm > 1)
            return false;
        o->op = rm ? (d ? RV_OP_fclass_d : RV_OP_fclass_s) : (d ? RV_OP_fmv_x_d : RV_OP_fmv_x_w);
        return true;
    case 0x1e: /* fmv.{w,d}.x */
        if (rs2 != 0 || rm != 0)
            return false;
        o->op = d ? RV_OP_fmv_d_x : RV_OP_fmv_w_x;
        return true;
    default:
        return false;
    }
}

static bool rv_dec_system(uint32_t r, RvInsn *o)
{
    static const uint16_t csr[8] = {
        0, RV_OP_csrrw, RV_OP_csrrs, RV_OP_csrrc,
        0, RV_OP_csrrwi, RV_OP_csrrsi, RV_OP_csrrci,
    };
    uint32_t f3 = rv_bits(r, 14, 12);
    if (f3 != 0) {
        if (f3 == 4)
            return false;
        o->op = csr[f3];
        o->imm = rv_bits(r, 31, 20);
        return true;
    }
    switch (r) {
    case 0x00000073: o->op = RV_OP_ecall; return true;
    case 0x00100073: o->op = RV_OP_ebreak; return true;
    case 0x10200073: o->op = RV_OP_sret; return true;
    case 0x30200073: o->op = RV_OP_mret; return true;
    case 0x10500073: o->op = RV_OP_wfi; return true;
    default: break;
    }
    if (rv_bits(r, 31, 25) == 0x09 && o->rd == 0) {
        o->op = RV_OP_sfence_vma;
        return true;
    }
    return false;
}

static bool rv_decode32(uint32_t r, RvInsn *o)
{
    uint32_t f3 = rv_bits(r, 14, 12);
    o->rd = rv_bits(r, 11, 7);
    o->rs1 = rv_bits(r, 19, 15);
    o->rs2 = rv_bits(r, 24, 20);
    o->rm = f3;
    switch (rv_bits(r, 6, 2)) {
    case 0x00: { /* LOAD */
        static const uint16_t ld[8] = {
            RV_OP_lb, RV_OP_lh, RV_OP_lw, RV_OP_ld, RV_OP_lbu, RV_OP_lhu, RV_OP_lwu, 0,
        };
        if (f3 == 7)
            return false;
        o->op = ld[f3];
        o->imm = rv_imm_i(r);
        return true;
    }
    case 0x01: /* LOAD-FP */
        if (f3 != 2 && f3 != 3)
            return false;
        o->op = f3 == 2 ? RV_OP_flw : RV_OP_fld;
        o->imm = rv_imm_i(r);
        return true;
    case 0x03: /* MISC-MEM: reserved fields of fence/fence.i are ignored per spec */
        if (f3 == 0) {
            o->op = RV_OP_fence;
            o->imm = rv_bits(r, 31, 20);
            return true;
        }
        if (f3 == 1) {
            o->op = RV_OP_fence_i;
            return true;
        }
        return false;
    case 0x04: return rv_dec_op_imm(r, o);
    case 0x05: o->op = RV_OP_auipc; o->imm = rv_imm_u(r); return true;
    case 0x06: return rv_dec_op_imm32(r, o);
    case 0x08: /* STORE */
        if (f3 > 3)
            return false;
        o->op = RV_OP_sb + f3;
        o->imm = rv_imm_s(r);
        return true;
    case 0x09: /* STORE-FP */
        if (f3 != 2 && f3 != 3)
            return false;
        o->op = f3 == 2 ? RV_OP_fsw : RV_OP_fsd;
        o->imm = rv_imm_s(r);
        return true;
    case 0x0b: return rv_dec_amo(r, o);
    case 0x0c: return rv_dec_op(r, o);
    case 0x0d: o->op = RV_OP_lui; o->imm = rv_imm_u(r); return true;
    case 0x0e: return rv_dec_op32(r, o);
    case 0x10: case 0x11: case 0x12: case 0x13:
        return rv_dec_fma(r, rv_bits(r, 6, 2), o);
    case 0x14: return rv_dec_op_fp(r, o);
    case 0x18: { /* BRANCH */
        static const uint16_t br[8] = {
            RV_OP_beq, RV_OP_bne, 0, 0, RV_OP_blt, RV_OP_bge, RV_OP_bltu, RV_OP_bgeu,
        };
        if (f3 == 2 || f3 == 3)
            return false;
        o->op = br[f3];
        o->imm = rv_imm_b(r);
        return true;
    }
    case 0x19: /* JALR */
        if (f3 != 0)
            return false;
        o->op = RV_OP_jalr;
        o->imm = rv_imm_i(r);
        return true;
    case 0x1b: o->op = RV_OP_jal; o->imm = rv_imm_j(r); return true;
    case 0x1c: return rv_dec_system(r, o);
    default: return false;
    }
}

_Static_assert(RV_OP_sh == RV_OP_sb + 1 && RV_OP_sw == RV_OP_sb + 2 && RV_OP_sd == RV_OP_sb + 3,
               "store rows must stay in funct3 order");
_Static_assert(RV_OP_fsgnjx_s == RV_OP_fsgnj_s + 2 && RV_OP_fsgnjx_d == RV_OP_fsgnj_d + 2 &&
               RV_OP_fmax_s == RV_OP_fmin_s + 1 && RV_OP_fmax_d == RV_OP_fmin_d + 1,
               "fsgnj/fmin rows must stay in funct3 order");
_Static_assert(RV_OP_fcvt_lu_s == RV_OP_fcvt_w_s + 3 && RV_OP_fcvt_lu_d == RV_OP_fcvt_w_d + 3 &&
               RV_OP_fcvt_s_lu == RV_OP_fcvt_s_w + 3 && RV_OP_fcvt_d_lu == RV_OP_fcvt_d_w + 3,
               "fcvt rows must stay in rs2 order");

/* ---- 16-bit (RVC) decoder: expands to the base op ---- */

/* Compressed register fields name x8..x15 (or f8..f15). */
static inline uint8_t rv_creg(uint32_t c, int lo) { return (uint8_t)(8 + rv_bits(c, lo + 2, lo)); }

/* CI-format 6-bit signed immediate: imm[5] = c[12], imm[4:0] = c[6:2]. */
static inline int64_t rv_cimm6(uint32_t c) { return rv_sext(rv_bits(c, 12, 12) << 5 | rv_bits(c, 6, 2), 6); }

/* Offsets for CL/CS word and doubleword forms. */
static inline int64_t rv_cl_w(uint32_t c)
{
    return rv_bits(c, 12, 10) << 3 | rv_bits(c, 6, 6) << 2 | rv_bits(c, 5, 5) << 6;
}
static inline int64_t rv_cl_d(uint32_t c) { return rv_bits(c, 12, 10) << 3 | rv_bits(c, 6, 5) << 6; }

static bool rv_decode_q0(uint32_t c, RvInsn *o)
{
    uint32_t f3 = rv_bits(c, 15, 13);
    o->rd = o->rs2 = rv_creg(c, 2);
    o->rs1 = rv_creg(c, 7);
    switch (f3) {
    case 0: /* c.addi4spn: nzuimm[5:4|9:6|2|3] */
        o->imm = rv_bits(c, 12, 11) << 4 | rv_bits(c, 10, 7) << 6 |
                 rv_bits(c, 6, 6) << 2 | rv_bits(c, 5, 5) << 3;
        if (o->imm == 0)        /* includes the all-zero illegal insn */
            return false;
        o->op = RV_OP_addi;
        o->rs1 = 2;
        o->rs2 = 0;
        return true;
    case 1: o->op = RV_OP_fld; o->imm = rv_cl_d(c); o->rs2 = 0; return true;
    case 2: o->op = RV_OP_lw; o->imm = rv_cl_w(c); o->rs2 = 0; return true;
    case 3: o->op = RV_OP_ld; o->imm = rv_cl_d(c); o->rs2 = 0; return true;
    case 5: o->op = RV_OP_fsd; o->imm = rv_cl_d(c); o->rd = 0; return true;
    case 6: o->op = RV_OP_sw; o->imm = rv_cl_w(c); o->rd = 0; return true;
    case 7: o->op = RV_OP_sd; o->imm = rv_cl_d(c); o->rd = 0; return true;
    default: return false;  /* 4: reserved */
    }
}

static bool rv_decode_q1(uint32_t c, RvInsn *o)
{
    uint32_t f3 = rv_bits(c, 15, 13), rd = rv_bits(c, 11, 7);
    switch (f3) {
    case 0: /* c.addi (rd = 0 or imm = 0: HINT / c.nop) */
        o->op = RV_OP_addi;
        o->rd = o->rs1 = rd;
        o->imm = rv_cimm6(c);
        return true;
    case 1: /* c.addiw */
        if (rd == 0)
            return false;
        o->op = RV_OP_addiw;
        o->rd = o->rs1 = rd;
        o->imm = rv_cimm6(c);
        return true;
    case 2: /* c.li (rd = 0: HINT) */
        o->op = RV_OP_addi;
        o->rd = rd;
        o->imm = rv_cimm6(c);
        return true;
    case 3:
        if (rd == 2) { /* c.addi16sp: nzimm[9|4|6|8:7|5] */
            uint32_t v = rv_bits(c, 12, 12) << 9 | rv_bits(c, 6, 6) << 4 |
                         rv_bits(c, 5, 5) << 6 | rv_bits(c, 4, 3) << 7 | rv_bits(c, 2, 2) << 5;
            if (v == 0)
                return false;
            o->op = RV_OP_addi;
            o->rd = o->rs1 = 2;
            o->imm = rv_sext(v, 10);
            return true;
        }
        /* c.lui: nzimm[17|16:12]; imm = 0 reserved; rd = 0 is a HINT */
        o->imm = rv_cimm6(c) * 4096;
        if (o->imm == 0)
            return false;
        o->op = RV_OP_lui;
        o->rd = rd;
        return true;
    case 4: {
        uint32_t f2 = rv_bits(c, 11, 10);
        o->rd = o->rs1 = rv_creg(c, 7);
        if (f2 < 2) { /* c.srli / c.srai (shamt 0: HINT) */
            o->op = f2 ? RV_OP_srai : RV_OP_srli;
            o->imm = rv_bits(c, 12, 12) << 5 | rv_bits(c, 6, 2);
            return true;
        }
        if (f2 == 2) {
            o->op = RV_OP_andi;
            o->imm = rv_cimm6(c);
            return true;
        }
        static const uint16_t ca[8] = {
            RV_OP_sub, RV_OP_xor, RV_OP_or, RV_OP_and, RV_OP_subw, RV_OP_addw, 0, 0,
        };
        uint32_t k = rv_bits(c, 12, 12) << 2 | rv_bits(c, 6, 5);
        if (ca[k] == 0)
            return false;
        o->op = ca[k];
        o->rs2 = rv_creg(c, 2);
        return true;
    }
    case 5: { /* c.j: imm[11|4|9:8|10|6|7|3:1|5] */
        uint32_t v = rv_bits(c, 12, 12) << 11 | rv_bits(c, 11, 11) << 4 |
                     rv_bits(c, 10, 9) << 8 | rv_bits(c, 8, 8) << 10 |
                     rv_bits(c, 7, 7) << 6 | rv_bits(c, 6, 6) << 7 |
                     rv_bits(c, 5, 3) << 1 | rv_bits(c, 2, 2) << 5;
        o->op = RV_OP_jal;
        o->imm = rv_sext(v, 12);
        return true;
    }
    default: { /* 6, 7: c.beqz / c.bnez: imm[8|4:3] imm[7:6|2:1|5] */
        uint32_t v = rv_bits(c, 12, 12) << 8 | rv_bits(c, 11, 10) << 3 |
                     rv_bits(c, 6, 5) << 6 | rv_bits(c, 4, 3) << 1 | rv_bits(c, 2, 2) << 5;
        o->op = f3 == 6 ? RV_OP_beq : RV_OP_bne;
        o->rs1 = rv_creg(c, 7);
        o->imm = rv_sext(v, 9);
        return true;
    }
    }
}

static bool rv_decode_q2(uint32_t c, RvInsn *o)
{
    uint32_t f3 = rv_bits(c, 15, 13), rd = rv_bits(c, 11, 7), rs2 = rv_bits(c, 6, 2);
    /* ldsp/fldsp: uimm[5] = c[12], uimm[4:3] = c[6:5], uimm[8:6] = c[4:2] */
    int64_t off_d = rv_bits(c, 12, 12) << 5 | rv_bits(c, 6, 5) << 3 | rv_bits(c, 4, 2) << 6;
    /* sdsp/fsdsp: uimm[5:3] = c[12:10], uimm[8:6] = c[9:7] */
    int64_t soff_d = rv_bits(c, 12, 10) << 3 | rv_bits(c, 9, 7) << 6;
    switch (f3) {
    case 0: /* c.slli (rd = 0 or shamt = 0: HINT) */
        o->op = RV_OP_slli;
        o->rd = o->rs1 = rd;
        o->imm = rv_bits(c, 12, 12) << 5 | rs2;
        return true;
    case 1:
        o->op = RV_OP_fld;
        o->rd = rd;
        o->rs1 = 2;
        o->imm = off_d;
        return true;
    case 2: /* c.lwsp: uimm[5] = c[12], uimm[4:2] = c[6:4], uimm[7:6] = c[3:2] */
        if (rd == 0)
            return false;
        o->op = RV_OP_lw;
        o->rd = rd;
        o->rs1 = 2;
        o->imm = rv_bits(c, 12, 12) << 5 | rv_bits(c, 6, 4) << 2 | rv_bits(c, 3, 2) << 6;
        return true;
    case 3:
        if (rd == 0)
            return false;
        o->op = RV_OP_ld;
        o->rd = rd;
        o->rs1 = 2;
        o->imm = off_d;
        return true;
    case 4:
        if (!rv_bits(c, 12, 12)) {
            if (rs2 == 0) { /* c.jr */
                if (rd == 0)
                    return false;
                o->op = RV_OP_jalr;
                o->rs1 = rd;
                return true;
            }
            o->op = RV_OP_add; /* c.mv (rd = 0: HINT) */
            o->rd = rd;
            o->rs2 = rs2;
            return true;
        }
        if (rs2 == 0) {
            if (rd == 0) {
                o->op = RV_OP_ebreak;
                return true;
            }
            o->op = RV_OP_jalr; /* c.jalr */
            o->rd = 1;
            o->rs1 = rd;
            return true;
        }
        o->op = RV_OP_add; /* c.add (rd = 0: HINT) */
        o->rd = o->rs1 = rd;
        o->rs2 = rs2;
        return true;
    case 5:
        o->op = RV_OP_fsd;
        o->rs1 = 2;
        o->rs2 = rs2;
        o->imm = soff_d;
        return true;
    case 6: /* c.swsp: uimm[5:2] = c[12:9], uimm[7:6] = c[8:7] */
        o->op = RV_OP_sw;
        o->rs1 = 2;
        o->rs2 = rs2;
        o->imm = rv_bits(c, 12, 9) << 2 | rv_bits(c, 8, 7) << 6;
        return true;
    default: /* 7 */
        o->op = RV_OP_sd;
        o->rs1 = 2;
        o->rs2 = rs2;
        o->imm = soff_d;
        return true;
    }
}

/* Operand fields each format uses.  rv_decode zeroes the others, so an
 * RvInsn is canonical: c.lw and the lw it expands to differ only in len
 * and raw, and no field carries stray immediate or funct bits. */
enum { RV_F_RD = 1, RV_F_RS1 = 2, RV_F_RS2 = 4, RV_F_RS3 = 8, RV_F_RM = 16 };
static const uint8_t rv_fmt_fields[] = {
    [RV_FMT_NONE] = 0,
    [RV_FMT_R] = RV_F_RD | RV_F_RS1 | RV_F_RS2,
    [RV_FMT_I] = RV_F_RD | RV_F_RS1,
    [RV_FMT_SHIFT] = RV_F_RD | RV_F_RS1,
    [RV_FMT_U] = RV_F_RD,
    [RV_FMT_J] = RV_F_RD,
    [RV_FMT_JALR] = RV_F_RD | RV_F_RS1,
    [RV_FMT_B] = RV_F_RS1 | RV_F_RS2,
    [RV_FMT_LOAD] = RV_F_RD | RV_F_RS1,
    [RV_FMT_STORE] = RV_F_RS1 | RV_F_RS2,
    [RV_FMT_FLOAD] = RV_F_RD | RV_F_RS1,
    [RV_FMT_FSTORE] = RV_F_RS1 | RV_F_RS2,
    [RV_FMT_FENCE] = 0,
    [RV_FMT_CSR] = RV_F_RD | RV_F_RS1,
    [RV_FMT_CSRI] = RV_F_RD | RV_F_RS1,
    [RV_FMT_LR] = RV_F_RD | RV_F_RS1 | RV_F_RM,
    [RV_FMT_AMO] = RV_F_RD | RV_F_RS1 | RV_F_RS2 | RV_F_RM,
    [RV_FMT_FR4] = RV_F_RD | RV_F_RS1 | RV_F_RS2 | RV_F_RS3 | RV_F_RM,
    [RV_FMT_FR_RM] = RV_F_RD | RV_F_RS1 | RV_F_RS2 | RV_F_RM,
    [RV_FMT_FR] = RV_F_RD | RV_F_RS1 | RV_F_RS2,
    [RV_FMT_FF_RM] = RV_F_RD | RV_F_RS1 | RV_F_RM,
    [RV_FMT_FF_RM0] = RV_F_RD | RV_F_RS1 | RV_F_RM,
    [RV_FMT_XF_RM] = RV_F_RD | RV_F_RS1 | RV_F_RM,
    [RV_FMT_XF] = RV_F_RD | RV_F_RS1,
    [RV_FMT_FX_RM] = RV_F_RD | RV_F_RS1 | RV_F_RM,
    [RV_FMT_FX_RM0] = RV_F_RD | RV_F_RS1 | RV_F_RM,
    [RV_FMT_FX] = RV_F_RD | RV_F_RS1,
    [RV_FMT_FCMP] = RV_F_RD | RV_F_RS1 | RV_F_RS2,
    [RV_FMT_SFENCE] = RV_F_RS1 | RV_F_RS2,
};

static inline bool rv_canon(bool ok, RvInsn *o)
{
    if (ok) {
        uint8_t f = rv_fmt_fields[rv_op_fmts[o->op]];
        if (!(f & RV_F_RD)) o->rd = 0;
        if (!(f & RV_F_RS1)) o->rs1 = 0;
        if (!(f & RV_F_RS2)) o->rs2 = 0;
        if (!(f & RV_F_RS3)) o->rs3 = 0;
        if (!(f & RV_F_RM)) o->rm = 0;
    }
    return ok;
}

bool rv_decode(uint32_t raw, RvInsn *out)
{
    out->op = 0;
    out->rd = out->rs1 = out->rs2 = out->rs3 = 0;
    out->rm = 0;
    out->imm = 0;
    switch (raw & 3) {
    case 0:
        out->len = 2;
        out->raw = raw & 0xffff;
        return rv_canon(rv_decode_q0(out->raw, out), out);
    case 1:
        out->len = 2;
        out->raw = raw & 0xffff;
        return rv_canon(rv_decode_q1(out->raw, out), out);
    case 2:
        out->len = 2;
        out->raw = raw & 0xffff;
        return rv_canon(rv_decode_q2(out->raw, out), out);
    default:
        out->len = 4;
        out->raw = raw;
        return rv_canon(rv_decode32(raw, out), out);
    }
}
