/* rv_translate.c — RISC-V guest code to IR, one basic block at a time.
 *
 *   fetch (page-checked) ─▶ rv_decode ─▶ translate_insn ─▶ IrBlock
 *
 * Every guest instruction starts with an insn marker; simple ALU
 * instructions become one IR op on guest globals (x0..x31 = globals 0..31,
 * f0..f31 = 32..63).  A block ends at a branch or jump, at an instruction
 * that needs the loop (ecall, ebreak, fence.i, CSR access, illegal
 * encodings), at max_insns, or before an instruction on the next page.
 * Writes to x0 go to a fresh temp that dead-code elimination drops (loads
 * to x0 still access memory, so they can still fault).
 */
#include <stddef.h>
#include <string.h>

#include "frontends/riscv/rv_cpu.h"
#include "frontends/riscv/rv_decode.h"

#define X(n) RV_GLOBAL_X(n)
#define F(n) RV_GLOBAL_F(n)
#define BOX_S ((int64_t)0xffffffff00000000ull)

enum { AMO_SWAP, AMO_ADD, AMO_XOR, AMO_AND, AMO_OR, AMO_MIN, AMO_MAX, AMO_MINU, AMO_MAXU };

typedef struct RvTranslator {
    CpuState *cpu;
    IrBlock *b;
    uint64_t pc;        /* of the current insn */
    uint64_t next_pc;
    uint64_t start_page;
    bool ended;
    /* system mode (all fixed by the TB flags) */
    bool system;
    uint32_t priv;
    uint32_t mmu_idx;   /* data accesses */
    bool fs_off;        /* mstatus.FS = Off: FP instructions are illegal */
    bool fs_dirty;      /* mstatus.FS already Dirty (or made so earlier in this block) */
    uint32_t fetch_cause;
} RvTranslator;

static IrVal dst_x(RvTranslator *t, unsigned rd) { return rd ? X(rd) : ir_new_temp(t->b); }

/* A direct jump.  In system mode only targets on the block's own virtual
 * page chain directly: another page's mapping may change without this
 * block knowing, so those go through the jump cache (flushed with the TLB). */
static void emit_goto(RvTranslator *t, uint32_t slot, uint64_t pc) {
    if (t->system && (pc & MEM_PAGE_MASK) != t->start_page) {
        ir_goto_ptr(t->b, ir_movi(t->b, (int64_t)pc));
        return;
    }
    ir_goto_tb(t->b, slot, pc);
}

static void end_goto(RvTranslator *t, uint32_t slot, uint64_t pc) {
    emit_goto(t, slot, pc);
    t->ended = true;
}

static void end_exit(RvTranslator *t, uint64_t pc, uint32_t reason, uint32_t cause, uint32_t tval) {
    ir_exit(t->b, pc, reason, cause, tval);
    t->ended = true;
}

static void illegal(RvTranslator *t, uint32_t raw) {
    end_exit(t, t->pc, IR_EXIT_EXCEPTION, RV_EXC_ILLEGAL_INSN, raw);
}

static void alu(RvTranslator *t, IrOp op, const RvInsn *in) {
    ir_binop(t->b, op, dst_x(t, in->rd), X(in->rs1), X(in->rs2));
}

static void alu_imm(RvTranslator *t, IrOp op, const RvInsn *in) {
    ir_binop_imm(t->b, op, dst_x(t, in->rd), X(in->rs1), in->imm);
}

static void load(RvTranslator *t, IrOp op, const RvInsn *in) {
    ir_load(t->b, op, dst_x(t, in->rd), X(in->rs1), in->imm, t->mmu_idx);
}

static void store(RvTranslator *t, IrOp op, const RvInsn *in) {
    ir_store(t->b, op, X(in->rs1), X(in->rs2), in->imm, t->mmu_idx);
}

static void branch(RvTranslator *t, IrOp op, const RvInsn *in) {
    uint32_t taken = ir_new_label(t->b);
    ir_branch(t->b, op, X(in->rs1), X(in->rs2), 0, taken);
    emit_goto(t, 0, t->next_pc);
    ir_label(t->b, taken);
    end_goto(t, 1, t->pc + (uint64_t)in->imm);
}

static void call(RvTranslator *t, RvHelper h, IrVal dst, IrVal a, IrVal b, IrVal c, int64_t imm) {
    ir_call(t->b, h, dst, a, b, c, imm);
}

/* A dynamic rounding mode while frm holds a reserved value is an illegal
 * instruction; frm's validity is a TB flag, so this is known here. */
static bool rm_illegal(RvTranslator *t, const RvInsn *in) {
    if (in->rm == RV_RM_DYN && rv_cpu(t->cpu)->frm > RV_RM_RMM) {
        illegal(t, in->raw);
        return true;
    }
    return false;
}

/* TB flag bits (core/cpu.h: bits 8 and up are the frontend's). */
enum {
    RV_TBF_FRM_VALID = 1u << 8,  /* frm holds a rounding mode, not a reserved value */
    RV_TBF_FRM_RNE = 1u << 9,    /* frm is round-to-nearest-even */
    /* system mode */
    RV_TBF_SYSTEM = 1u << 10,
    RV_TBF_PRIV_SHIFT = 11,      /* 2 bits: RV_PRIV_* */
    RV_TBF_MMU_SHIFT = 13,       /* 2 bits: data MMU index */
    RV_TBF_FS_OFF = 1u << 15,
    RV_TBF_FS_DIRTY = 1u << 16,
};

/* fadd.d/fsub.d/fmul.d/fdiv.d that round to nearest even: the host's
 * double arithmetic gives the same result whenever operands and result are
 * normal numbers and inexact is already accrued (then the helper would
 * change no flag either), so the tiers may skip the helper (IR_fpfast). */
static bool fp_fast_d(RvTranslator *t, RvHelper h, uint32_t kind, const RvInsn *in) {
    bool rne = in->rm == RV_RM_RNE || (in->rm == RV_RM_DYN && rv_cpu(t->cpu)->frm == RV_RM_RNE);
    if (!rne) return false;
    IrVal flags = ir_new_temp(t->b);
    ir_emit(t->b, IR_ldenv, flags, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, (int64_t)offsetof(RvCpu, fflags));
    ir_fpfast(t->b, h, kind, RV_FFLAG_NX, F(in->rd), F(in->rs1), F(in->rs2), flags, in->rm);
    return true;
}

static void fp_rm(RvTranslator *t, RvHelper h, const RvInsn *in, int nsrc) {
    if (rm_illegal(t, in)) return;
    switch (h) {
    case RV_H_fadd_d: if (fp_fast_d(t, h, 0, in)) return; break;
    case RV_H_fsub_d: if (fp_fast_d(t, h, 1, in)) return; break;
    case RV_H_fmul_d: if (fp_fast_d(t, h, 2, in)) return; break;
    case RV_H_fdiv_d: if (fp_fast_d(t, h, 3, in)) return; break;
    default: break;
    }
    IrVal s2 = nsrc >= 2 ? F(in->rs2) : IR_VAL_NONE;
    IrVal s3 = nsrc >= 3 ? F(in->rs3) : IR_VAL_NONE;
    call(t, h, F(in->rd), F(in->rs1), s2, s3, in->rm);
}

/* float -> integer register */
static void fp_to_x(RvTranslator *t, RvHelper h, const RvInsn *in) {
    if (rm_illegal(t, in)) return;
    call(t, h, dst_x(t, in->rd), F(in->rs1), IR_VAL_NONE, IR_VAL_NONE, in->rm);
}

/* integer register -> float */
static void x_to_fp(RvTranslator *t, RvHelper h, const RvInsn *in) {
    if (rm_illegal(t, in)) return;
    call(t, h, F(in->rd), X(in->rs1), IR_VAL_NONE, IR_VAL_NONE, in->rm);
}

static void fp_cmp(RvTranslator *t, RvHelper h, const RvInsn *in) {
    call(t, h, dst_x(t, in->rd), F(in->rs1), F(in->rs2), IR_VAL_NONE, 0);
}

static void fp_pure2(RvTranslator *t, RvHelper h, const RvInsn *in) {
    call(t, h, F(in->rd), F(in->rs1), F(in->rs2), IR_VAL_NONE, 0);
}

static void amo(RvTranslator *t, RvHelper h, int op, const RvInsn *in) {
    call(t, h, dst_x(t, in->rd), X(in->rs1), X(in->rs2), IR_VAL_NONE, op);
}

static void csr(RvTranslator *t, const RvInsn *in, int kind, bool imm_form) {
    /* csrrw always writes; csrrs/csrrc write only if rs1 (or uimm) != 0 */
    bool write = kind == RV_CSR_RW || in->rs1 != 0;
    IrVal src = imm_form ? ir_movi(t->b, in->rs1) : X(in->rs1);
    call(t, RV_H_csr, dst_x(t, in->rd), src, IR_VAL_NONE, IR_VAL_NONE, RV_CSR_IMM(in->imm, kind, write, in->raw));
    if (write && t->system) {
        /* any CSR write may change the TB flags, the MMU or unmask an
         * interrupt: look the next block up afresh (rv_system.c) */
        end_exit(t, t->next_pc, IR_EXIT_NEXT, 0, 0);
    } else if (write && (in->imm == 0x002 || in->imm == 0x003)) {
        /* frm changed: the TB flags change, so the next block is looked up afresh */
        end_exit(t, t->next_pc, IR_EXIT_NEXT, 0, 0);
    } else {
        end_goto(t, 0, t->next_pc);
    }
}

static void translate_insn(RvTranslator *t, const RvInsn *in) {
    IrBlock *b = t->b;
    if (t->system && in->op >= RV_OP_flw && in->op <= RV_OP_fmv_d_x) {
        if (t->fs_off) return illegal(t, in->raw);
        if (!t->fs_dirty) {
            /* the first FP instruction of the block marks the FP state dirty
             * (the kernel saves FP registers only when it is) */
            IrVal st = ir_new_temp(b);
            ir_emit(b, IR_ldenv, st, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, (int64_t)offsetof(RvCpu, p.mstatus));
            ir_binop_imm(b, IR_or, st, st, (int64_t)RV_MSTATUS_FS);
            ir_emit(b, IR_stenv, IR_VAL_NONE, st, IR_VAL_NONE, IR_VAL_NONE, (int64_t)offsetof(RvCpu, p.mstatus));
            t->fs_dirty = true;
        }
    }
    switch ((RvOpcode)in->op) {
    case RV_OP_lui: ir_emit(b, IR_movi, dst_x(t, in->rd), IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, in->imm); break;
    case RV_OP_auipc:
        ir_emit(b, IR_movi, dst_x(t, in->rd), IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, (int64_t)(t->pc + (uint64_t)in->imm));
        break;
    case RV_OP_jal:
        if (in->rd) ir_emit(b, IR_movi, X(in->rd), IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, (int64_t)t->next_pc);
        end_goto(t, 0, t->pc + (uint64_t)in->imm);
        break;
    case RV_OP_jalr: {
        IrVal target = ir_new_temp(b);
        ir_binop_imm(b, IR_add, target, X(in->rs1), in->imm);
        ir_binop_imm(b, IR_and, target, target, ~(int64_t)1);
        if (in->rd) ir_emit(b, IR_movi, X(in->rd), IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, (int64_t)t->next_pc);
        ir_goto_ptr(b, target);
        t->ended = true;
        break;
    }
    case RV_OP_beq: branch(t, IR_breq, in); break;
    case RV_OP_bne: branch(t, IR_brne, in); break;
    case RV_OP_blt: branch(t, IR_brlt, in); break;
    case RV_OP_bge: branch(t, IR_brge, in); break;
    case RV_OP_bltu: branch(t, IR_brltu, in); break;
    case RV_OP_bgeu: branch(t, IR_brgeu, in); break;
    case RV_OP_lb: load(t, IR_ld8s, in); break;
    case RV_OP_lh: load(t, IR_ld16s, in); break;
    case RV_OP_lw: load(t, IR_ld32s, in); break;
    case RV_OP_ld: load(t, IR_ld64, in); break;
    case RV_OP_lbu: load(t, IR_ld8u, in); break;
    case RV_OP_lhu: load(t, IR_ld16u, in); break;
    case RV_OP_lwu: load(t, IR_ld32u, in); break;
    case RV_OP_sb: store(t, IR_st8, in); break;
    case RV_OP_sh: store(t, IR_st16, in); break;
    case RV_OP_sw: store(t, IR_st32, in); break;
    case RV_OP_sd: store(t, IR_st64, in); break;
    case RV_OP_addi: alu_imm(t, IR_add, in); break;
    case RV_OP_slti: alu_imm(t, IR_setlt, in); break;
    case RV_OP_sltiu: alu_imm(t, IR_setltu, in); break;
    case RV_OP_xori: alu_imm(t, IR_xor, in); break;
    case RV_OP_ori: alu_imm(t, IR_or, in); break;
    case RV_OP_andi: alu_imm(t, IR_and, in); break;
    case RV_OP_slli: alu_imm(t, IR_shl, in); break;
    case RV_OP_srli: alu_imm(t, IR_shr, in); break;
    case RV_OP_srai: alu_imm(t, IR_sar, in); break;
    case RV_OP_addiw: alu_imm(t, IR_addw, in); break;
    case RV_OP_slliw: alu_imm(t, IR_shlw, in); break;
    case RV_OP_srliw: alu_imm(t, IR_shrw, in); break;
    case RV_OP_sraiw: alu_imm(t, IR_sarw, in); break;
    case RV_OP_add: alu(t, IR_add, in); break;
    case RV_OP_sub: alu(t, IR_sub, in); break;
    case RV_OP_sll: alu(t, IR_shl, in); break;
    case RV_OP_slt: alu(t, IR_setlt, in); break;
    case RV_OP_sltu: alu(t, IR_setltu, in); break;
    case RV_OP_xor: alu(t, IR_xor, in); break;
    case RV_OP_srl: alu(t, IR_shr, in); break;
    case RV_OP_sra: alu(t, IR_sar, in); break;
    case RV_OP_or: alu(t, IR_or, in); break;
    case RV_OP_and: alu(t, IR_and, in); break;
    case RV_OP_addw: alu(t, IR_addw, in); break;
    case RV_OP_subw: alu(t, IR_subw, in); break;
    case RV_OP_sllw: alu(t, IR_shlw, in); break;
    case RV_OP_srlw: alu(t, IR_shrw, in); break;
    case RV_OP_sraw: alu(t, IR_sarw, in); break;
    case RV_OP_mul: alu(t, IR_mul, in); break;
    case RV_OP_mulh: alu(t, IR_mulh, in); break;
    case RV_OP_mulhsu: alu(t, IR_mulhsu, in); break;
    case RV_OP_mulhu: alu(t, IR_mulhu, in); break;
    case RV_OP_div: alu(t, IR_div, in); break;
    case RV_OP_divu: alu(t, IR_divu, in); break;
    case RV_OP_rem: alu(t, IR_rem, in); break;
    case RV_OP_remu: alu(t, IR_remu, in); break;
    case RV_OP_mulw: alu(t, IR_mulw, in); break;
    case RV_OP_divw: alu(t, IR_divw, in); break;
    case RV_OP_divuw: alu(t, IR_divuw, in); break;
    case RV_OP_remw: alu(t, IR_remw, in); break;
    case RV_OP_remuw: alu(t, IR_remuw, in); break;
    case RV_OP_fence: break; /* one hart, ordered host accesses */
    case RV_OP_fence_i:
        /* system mode: stores into code pages already dropped their TBs
         * (softmmu dirty tracking), so only the block ends */
        if (t->system) end_exit(t, t->next_pc, IR_EXIT_NEXT, 0, 0);
        else end_exit(t, t->next_pc, IR_EXIT_FLUSH, 0, 0);
        break;
    case RV_OP_sfence_vma:
        if (!t->system) return illegal(t, in->raw);
        /* a helper (raises in U mode): one page or everything; the next
         * block is looked up afresh, under the new translations */
        call(t, RV_H_sfence_vma, ir_new_temp(b), X(in->rs1), X(in->rs2), IR_VAL_NONE,
             (int64_t)((in->rs1 != 0) | ((uint64_t)in->raw << 32)));
        end_exit(t, t->next_pc, IR_EXIT_NEXT, 0, 0);
        break;
    case RV_OP_mret:
    case RV_OP_sret:
    case RV_OP_wfi: {
        if (!t->system) return illegal(t, in->raw);
        uint32_t what = in->op == RV_OP_mret ? RV_ARCH_MRET
                      : in->op == RV_OP_sret ? RV_ARCH_SRET
                      : RV_ARCH_WFI;
        end_exit(t, t->pc, IR_EXIT_ARCH, what, 0);
        break;
    }
    case RV_OP_ecall: end_exit(t, t->pc, IR_EXIT_SYSCALL, RV_EXC_ECALL_U, 0); break;
    case RV_OP_ebreak: end_exit(t, t->pc, IR_EXIT_BREAK, RV_EXC_BREAKPOINT, 0); break;
    case RV_OP_csrrw: csr(t, in, RV_CSR_RW, false); break;
    case RV_OP_csrrs: csr(t, in, RV_CSR_RS, false); break;
    case RV_OP_csrrc: csr(t, in, RV_CSR_RC, false); break;
    case RV_OP_csrrwi: csr(t, in, RV_CSR_RW, true); break;
    case RV_OP_csrrsi: csr(t, in, RV_CSR_RS, true); break;
    case RV_OP_csrrci: csr(t, in, RV_CSR_RC, true); break;
    /* A */
    case RV_OP_lr_w: call(t, RV_H_lr_w, dst_x(t, in->rd), X(in->rs1), IR_VAL_NONE, IR_VAL_NONE, 0); break;
    case RV_OP_lr_d: call(t, RV_H_lr_d, dst_x(t, in->rd), X(in->rs1), IR_VAL_NONE, IR_VAL_NONE, 0); break;
    case RV_OP_sc_w: amo(t, RV_H_sc_w, 0, in); break;
    case RV_OP_sc_d: amo(t, RV_H_sc_d, 0, in); break;
    case RV_OP_amoswap_w: amo(t, RV_H_amo_w, AMO_SWAP, in); break;
    case RV_OP_amoadd_w: amo(t, RV_H_amo_w, AMO_ADD, in); break;
    case RV_OP_amoxor_w: amo(t, RV_H_amo_w, AMO_XOR, in); break;
    case RV_OP_amoand_w: amo(t, RV_H_amo_w, AMO_AND, in); break;
    case RV_OP_amoor_w: amo(t, RV_H_amo_w, AMO_OR, in); break;
    case RV_OP_amomin_w: amo(t, RV_H_amo_w, AMO_MIN, in); break;
    case RV_OP_amomax_w: amo(t, RV_H_amo_w, AMO_MAX, in); break;
    case RV_OP_amominu_w: amo(t, RV_H_amo_w, AMO_MINU, in); break;
    case RV_OP_amomaxu_w: amo(t, RV_H_amo_w, AMO_MAXU, in); break;
    case RV_OP_amoswap_d: amo(t, RV_H_amo_d, AMO_SWAP, in); break;
    case RV_OP_amoadd_d: amo(t, RV_H_amo_d, AMO_ADD, in); break;
    case RV_OP_amoxor_d: amo(t, RV_H_amo_d, AMO_XOR, in); break;
    case RV_OP_amoand_d: amo(t, RV_H_amo_d, AMO_AND, in); break;
    case RV_OP_amoor_d: amo(t, RV_H_amo_d, AMO_OR, in); break;
    case RV_OP_amomin_d: amo(t, RV_H_amo_d, AMO_MIN, in); break;
    case RV_OP_amomax_d: amo(t, RV_H_amo_d, AMO_MAX, in); break;
    case RV_OP_amominu_d: amo(t, RV_H_amo_d, AMO_MINU, in); break;
    case RV_OP_amomaxu_d: amo(t, RV_H_amo_d, AMO_MAXU, in); break;
    /* F/D loads, stores, moves */
    case RV_OP_flw: {
        IrVal v = ir_new_temp(b);
        ir_load(b, IR_ld32u, v, X(in->rs1), in->imm, t->mmu_idx);
        ir_binop_imm(b, IR_or, F(in->rd), v, BOX_S);
        break;
    }
    case RV_OP_fld: ir_load(b, IR_ld64, F(in->rd), X(in->rs1), in->imm, t->mmu_idx); break;
    case RV_OP_fsw: ir_store(b, IR_st32, X(in->rs1), F(in->rs2), in->imm, t->mmu_idx); break;
    case RV_OP_fsd: ir_store(b, IR_st64, X(in->rs1), F(in->rs2), in->imm, t->mmu_idx); break;
    case RV_OP_fmv_x_w: ir_unop(b, IR_sext32, dst_x(t, in->rd), F(in->rs1)); break;
    case RV_OP_fmv_w_x: {
        IrVal v = ir_new_temp(b);
        ir_unop(b, IR_zext32, v, X(in->rs1));
        ir_binop_imm(b, IR_or, F(in->rd), v, BOX_S);
        break;
    }
    case RV_OP_fmv_x_d: ir_mov(b, dst_x(t, in->rd), F(in->rs1)); break;
    case RV_OP_fmv_d_x: ir_mov(b, F(in->rd), X(in->rs1)); break;
    /* F/D arithmetic */
    case RV_OP_fadd_s: fp_rm(t, RV_H_fadd_s, in, 2); break;
    case RV_OP_fsub_s: fp_rm(t, RV_H_fsub_s, in, 2); break;
    case RV_OP_fmul_s: fp_rm(t, RV_H_fmul_s, in, 2); break;
    case RV_OP_fdiv_s: fp_rm(t, RV_H_fdiv_s, in, 2); break;
    case RV_OP_fadd_d: fp_rm(t, RV_H_fadd_d, in, 2); break;
    case RV_OP_fsub_d: fp_rm(t, RV_H_fsub_d, in, 2); break;
    case RV_OP_fmul_d: fp_rm(t, RV_H_fmul_d, in, 2); break;
    case RV_OP_fdiv_d: fp_rm(t, RV_H_fdiv_d, in, 2); break;
    case RV_OP_fsqrt_s: fp_rm(t, RV_H_fsqrt_s, in, 1); break;
    case RV_OP_fsqrt_d: fp_rm(t, RV_H_fsqrt_d, in, 1); break;
    case RV_OP_fmadd_s: fp_rm(t, RV_H_fmadd_s, in, 3); break;
    case RV_OP_fmsub_s: fp_rm(t, RV_H_fmsub_s, in, 3); break;
    case RV_OP_fnmsub_s: fp_rm(t, RV_H_fnmsub_s, in, 3); break;
    case RV_OP_fnmadd_s: fp_rm(t, RV_H_fnmadd_s, in, 3); break;
    case RV_OP_fmadd_d: fp_rm(t, RV_H_fmadd_d, in, 3); break;
    case RV_OP_fmsub_d: fp_rm(t, RV_H_fmsub_d, in, 3); break;
    case RV_OP_fnmsub_d: fp_rm(t, RV_H_fnmsub_d, in, 3); break;
    case RV_OP_fnmadd_d: fp_rm(t, RV_H_fnmadd_d, in, 3); break;
    case RV_OP_fcvt_s_d: fp_rm(t, RV_H_fcvt_s_d, in, 1); break;
    case RV_OP_fcvt_d_s: fp_rm(t, RV_H_fcvt_d_s, in, 1); break;
    case RV_OP_fsgnj_s: fp_pure2(t, RV_H_fsgnj_s, in); break;
    case RV_OP_fsgnjn_s: fp_pure2(t, RV_H_fsgnjn_s, in); break;
    case RV_OP_fsgnjx_s: fp_pure2(t, RV_H_fsgnjx_s, in); break;
    case RV_OP_fsgnj_d: fp_pure2(t, RV_H_fsgnj_d, in); break;
    case RV_OP_fsgnjn_d: fp_pure2(t, RV_H_fsgnjn_d, in); break;
    case RV_OP_fsgnjx_d: fp_pure2(t, RV_H_fsgnjx_d, in); break;
    case RV_OP_fmin_s: call(t, RV_H_fmin_s, F(in->rd), F(in->rs1), F(in->rs2), IR_VAL_NONE, 0); break;
    case RV_OP_fmax_s: call(t, RV_H_fmax_s, F(in->rd), F(in->rs1), F(in->rs2), IR_VAL_NONE, 0); break;
    case RV_OP_fmin_d: call(t, RV_H_fmin_d, F(in->rd), F(in->rs1), F(in->rs2), IR_VAL_NONE, 0); break;
    case RV_OP_fmax_d: call(t, RV_H_fmax_d, F(in->rd), F(in->rs1), F(in->rs2), IR_VAL_NONE, 0); break;
    case RV_OP_feq_s: fp_cmp(t, RV_H_feq_s, in); break;
    case RV_OP_flt_s: fp_cmp(t, RV_H_flt_s, in); break;
    case RV_OP_fle_s: fp_cmp(t, RV_H_fle_s, in); break;
    case RV_OP_feq_d: fp_cmp(t, RV_H_feq_d, in); break;
    case RV_OP_flt_d: fp_cmp(t, RV_H_flt_d, in); break;
    case RV_OP_fle_d: fp_cmp(t, RV_H_fle_d, in); break;
    case RV_OP_fclass_s: call(t, RV_H_fclass_s, dst_x(t, in->rd), F(in->rs1), IR_VAL_NONE, IR_VAL_NONE, 0); break;
    case RV_OP_fclass_d: call(t, RV_H_fclass_d, dst_x(t, in->rd), F(in->rs1), IR_VAL_NONE, IR_VAL_NONE, 0); break;
    case RV_OP_fcvt_w_s: fp_to_x(t, RV_H_fcvt_w_s, in); break;
    case RV_OP_fcvt_wu_s: fp_to_x(t, RV_H_fcvt_wu_s, in); break;
    case RV_OP_fcvt_l_s: fp_to_x(t, RV_H_fcvt_l_s, in); break;
    case RV_OP_fcvt_lu_s: fp_to_x(t, RV_H_fcvt_lu_s, in); break;
    case RV_OP_fcvt_w_d: fp_to_x(t, RV_H_fcvt_w_d, in); break;
    case RV_OP_fcvt_wu_d: fp_to_x(t, RV_H_fcvt_wu_d, in); break;
    case RV_OP_fcvt_l_d: fp_to_x(t, RV_H_fcvt_l_d, in); break;
    case RV_OP_fcvt_lu_d: fp_to_x(t, RV_H_fcvt_lu_d, in); break;
    case RV_OP_fcvt_s_w: x_to_fp(t, RV_H_fcvt_s_w, in); break;
    case RV_OP_fcvt_s_wu: x_to_fp(t, RV_H_fcvt_s_wu, in); break;
    case RV_OP_fcvt_s_l: x_to_fp(t, RV_H_fcvt_s_l, in); break;
    case RV_OP_fcvt_s_lu: x_to_fp(t, RV_H_fcvt_s_lu, in); break;
    case RV_OP_fcvt_d_w: x_to_fp(t, RV_H_fcvt_d_w, in); break;
    case RV_OP_fcvt_d_wu: x_to_fp(t, RV_H_fcvt_d_wu, in); break;
    case RV_OP_fcvt_d_l: x_to_fp(t, RV_H_fcvt_d_l, in); break;
    case RV_OP_fcvt_d_lu: x_to_fp(t, RV_H_fcvt_d_lu, in); break;
    /* privileged: illegal in user mode */
    default: illegal(t, in->raw); break;
    }
}

/* System mode: 2 bytes at pc through the instruction TLB; false and the
 * fault cause if not executable. */
static bool fetch16_sys(CpuState *cpu, uint64_t pc, uint16_t *v, uint32_t *cause) {
    uint64_t pa;
    const uint8_t *host;
    *cause = softmmu_translate_code(cpu, pc, rv_fetch_mmu_idx(rv_cpu(cpu)), &pa, &host);
    if (*cause) return false;
    memcpy(v, host + (pc & ~MEM_PAGE_MASK), 2);
    return true;
}

/* Fetch up to 4 bytes at pc; returns how many are executable (0, 2 or 4).
 * *cause: the exception for the first byte that is not. */
static unsigned fetch(CpuState *cpu, uint64_t pc, uint32_t *raw, uint32_t *cause) {
    *cause = RV_EXC_INSN_PAGE_FAULT;
    if (cpu->smmu) {
        uint16_t lo, hi = 0;
        if (!fetch16_sys(cpu, pc, &lo, cause)) return 0;
        unsigned n = 2;
        if ((lo & 3) == 3 && fetch16_sys(cpu, pc + 2, &hi, cause)) n = 4;
        *raw = lo | ((uint32_t)hi << 16);
        return n;
    }
    GuestMem *m = cpu->mem;
    if (pc >= m->limit || !(mem_page_flags(m, pc) & MEM_PAGE_EXEC)) return 0;
    uint16_t lo, hi = 0;
    memcpy(&lo, mem_host(m, pc), 2);
    unsigned n = 2;
    if ((lo & 3) == 3) {
        uint64_t pc2 = pc + 2;
        if (pc2 < m->limit && (mem_page_flags(m, pc2) & MEM_PAGE_EXEC)) {
            memcpy(&hi, mem_host(m, pc2), 2);
            n = 4;
        }
    }
    *raw = lo | ((uint32_t)hi << 16);
    return n;
}

static uint32_t rv_tb_flags(CpuState *cpu);

static void rv_translate(CpuState *cpu, uint64_t pc, uint32_t max_insns, IrBlock *b) {
    RvTranslator t = {.cpu = cpu, .b = b, .pc = pc};
    const uint64_t page = pc & MEM_PAGE_MASK;
    t.start_page = page;
    uint32_t flags = rv_tb_flags(cpu);
    if (flags & RV_TBF_SYSTEM) {
        t.system = true;
        t.priv = (flags >> RV_TBF_PRIV_SHIFT) & 3;
        t.mmu_idx = (flags >> RV_TBF_MMU_SHIFT) & 3;
        t.fs_off = (flags & RV_TBF_FS_OFF) != 0;
        t.fs_dirty = (flags & RV_TBF_FS_DIRTY) != 0;
    }
    for (uint32_t n = 0; !t.ended; n++) {
        /* stop at the page end (t.pc - page, because page + size wraps on the last page) */
        if (n == max_insns || (n > 0 && t.pc - page >= MEM_PAGE_SIZE)) {
            end_goto(&t, 0, t.pc);
            break;
        }
        uint32_t raw = 0, cause;
        unsigned got = fetch(cpu, t.pc, &raw, &cause);
        bool compressed = (raw & 3) != 3;
        if (t.system && n > 0 && !compressed && (t.pc & ~MEM_PAGE_MASK) == MEM_PAGE_SIZE - 2) {
            /* system mode: an instruction straddling two pages starts its
             * own block, so only a block at page end - 2 ever reaches into
             * the next page (softmmu_flush_page relies on it) */
            end_goto(&t, 0, t.pc);
            break;
        }
        if (got == 0 || (!compressed && got < 4)) {
            if (n > 0) { end_goto(&t, 0, t.pc); break; }
            /* the fault belongs to this instruction: it gets a marker.  When
             * its second half faults, the block covers all 4 bytes, so it
             * crosses into that page: the exec loop then checks the page's
             * translation each time it looks the block up, and retranslates
             * once the page is mapped (core/exec.c, tb_find). */
            ir_insn_marker(b, t.pc, got == 0 ? 2 : 4);
            /* tval (pc, or pc + 2 for the second half) keeps its low 32 bits
             * here; rv_take_exception restores the rest from pc */
            uint64_t tval = got == 0 ? t.pc : t.pc + 2;
            end_exit(&t, t.pc, IR_EXIT_EXCEPTION, cause, (uint32_t)tval);
            break;
        }
        RvInsn in;
        bool ok = rv_decode(raw, &in);
        ir_insn_marker(b, t.pc, in.len);
        t.next_pc = t.pc + in.len;
        if (!ok) illegal(&t, compressed ? (raw & 0xffff) : raw);
        else translate_insn(&t, &in);
        t.pc = t.next_pc;
    }
}

static uint32_t rv_tb_flags(CpuState *cpu) {
    const RvCpu *c = rv_cpu(cpu);
    uint32_t frm = c->frm;
    uint32_t f = (frm <= RV_RM_RMM ? RV_TBF_FRM_VALID : 0) | (frm == RV_RM_RNE ? RV_TBF_FRM_RNE : 0);
    if (c->system) {
        uint32_t fs = (uint32_t)((c->p.mstatus & RV_MSTATUS_FS) >> RV_MSTATUS_FS_SHIFT);
        f |= RV_TBF_SYSTEM | (c->priv << RV_TBF_PRIV_SHIFT) | ((uint32_t)rv_data_mmu_idx(c) << RV_TBF_MMU_SHIFT);
        if (fs == RV_FS_OFF) f |= RV_TBF_FS_OFF;
        if (fs == RV_FS_DIRTY) f |= RV_TBF_FS_DIRTY;
    }
    return f;
}

static int rv_disas_at(CpuState *cpu, uint64_t pc, char *buf, size_t len) {
    uint32_t raw, cause;
    unsigned got = fetch(cpu, pc, &raw, &cause);
    if (got == 0) return 0;
    RvInsn in;
    if (!rv_decode(raw, &in)) {
        snprintf(buf, len, ".insn 0x%x (illegal)", (raw & 3) == 3 ? raw : raw & 0xffff);
        return (raw & 3) == 3 ? 4 : 2;
    }
    rv_disas(&in, pc, buf, len);
    return in.len;
}

static const IrGlobalInfo rv_globals[RV_NUM_GLOBALS] = {
#define RV_XREG(n, abi) [n] = {abi, (n) == 0 ? IR_GLOBAL_ZERO : 0},
#define RV_FREG(n, abi) [32 + (n)] = {abi, 0},
#include "frontends/riscv/rv_regs.def"
#undef RV_XREG
#undef RV_FREG
};

const IrEnv rv_ir_env = {
    .globals = rv_globals,
    .n_globals = RV_NUM_GLOBALS,
    .helpers = rv_helpers,
    .n_helpers = RV_H_COUNT,
};

const CpuArchOps rv_arch_ops = {
    .name = "riscv64",
    .ir_env = &rv_ir_env,
    .translate = rv_translate,
    .dump_state = rv_dump_state,
    .tb_flags = rv_tb_flags,
    .disas = rv_disas_at,
    .code_phys = rv_code_phys,
    .gdb = &rv_gdb_ops,
};
