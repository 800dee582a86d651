/* ir.c — the opcode info table, block storage and the builder.
 *
 * Frontends build blocks only through these functions; they keep the
 * invariants the verifier checks (insn markers before raising ops,
 * immediates only in src[1], terminators at the end).
 */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

const IrOpInfo ir_op_info[IR_NUM_OPS] = {
#define IR_OP(name, nout, nin, flags) [IR_##name] = {#name, nout, nin, flags},
#include "ir/ir_ops.def"
#undef IR_OP
};

void ir_block_init(IrBlock *b, const IrEnv *env, uint64_t guest_pc) {
    memset(b, 0, sizeof(*b));
    b->env = env;
    b->guest_pc = guest_pc;
}

void ir_block_reset(IrBlock *b, uint64_t guest_pc) {
    b->n_insns = 0;
    b->n_temps = 0;
    b->n_labels = 0;
    b->guest_pc = guest_pc;
    b->guest_size = 0;
    b->n_guest_insns = 0;
}

void ir_block_free(IrBlock *b) {
    free(b->insns);
    b->insns = NULL;
    b->n_insns = b->cap = 0;
}

void ir_block_copy(IrBlock *dst, const IrBlock *src) {
    *dst = *src;
    dst->cap = src->n_insns ? src->n_insns : 1;
    dst->insns = malloc(sizeof(IrInsn) * dst->cap);
    if (!dst->insns) abort();
    memcpy(dst->insns, src->insns, sizeof(IrInsn) * src->n_insns);
}

IrVal ir_new_temp(IrBlock *b) {
    uint32_t id = b->env->n_globals + b->n_temps;
    if (id >= IR_MAX_VALUES) abort(); /* frontends bound block length far below this */
    b->n_temps++;
    return (IrVal)id;
}

uint32_t ir_new_label(IrBlock *b) { return b->n_labels++; }

IrInsn *ir_emit(IrBlock *b, IrOp op, IrVal dst, IrVal s0, IrVal s1, IrVal s2, int64_t imm) {
    if (b->n_insns == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->insns = realloc(b->insns, sizeof(IrInsn) * b->cap);
        if (!b->insns) abort();
    }
    IrInsn *in = &b->insns[b->n_insns++];
    memset(in, 0, sizeof(*in));
    in->op = (uint8_t)op;
    in->dst = dst;
    in->src[0] = s0;
    in->src[1] = s1;
    in->src[2] = s2;
    in->imm = imm;
    return in;
}

IrVal ir_movi(IrBlock *b, int64_t imm) {
    IrVal t = ir_new_temp(b);
    ir_emit(b, IR_movi, t, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, imm);
    return t;
}

void ir_mov(IrBlock *b, IrVal dst, IrVal src) {
    ir_emit(b, IR_mov, dst, src, IR_VAL_NONE, IR_VAL_NONE, 0);
}

void ir_binop(IrBlock *b, IrOp op, IrVal dst, IrVal a, IrVal bv) {
    ir_emit(b, op, dst, a, bv, IR_VAL_NONE, 0);
}

void ir_binop_imm(IrBlock *b, IrOp op, IrVal dst, IrVal a, int64_t imm) {
    if (ir_op_info[op].flags & IR_F_IMM_B) {
        ir_emit(b, op, dst, a, IR_VAL_IMM, IR_VAL_NONE, imm);
    } else {
        IrVal t = ir_movi(b, imm);
        ir_emit(b, op, dst, a, t, IR_VAL_NONE, 0);
    }
}

void ir_unop(IrBlock *b, IrOp op, IrVal dst, IrVal a) {
    ir_emit(b, op, dst, a, IR_VAL_NONE, IR_VAL_NONE, 0);
}

void ir_load(IrBlock *b, IrOp op, IrVal dst, IrVal addr, int64_t off, uint32_t mmu_idx) {
    IrInsn *in = ir_emit(b, op, dst, addr, IR_VAL_NONE, IR_VAL_NONE, off);
    in->aux2 = mmu_idx;
}

void ir_store(IrBlock *b, IrOp op, IrVal addr, IrVal val, int64_t off, uint32_t mmu_idx) {
    IrInsn *in = ir_emit(b, op, IR_VAL_NONE, addr, val, IR_VAL_NONE, off);
    in->aux2 = mmu_idx;
}

void ir_call(IrBlock *b, uint32_t helper, IrVal dst, IrVal a, IrVal bv, IrVal c, int64_t imm) {
    IrInsn *in = ir_emit(b, IR_call, dst, a, bv, c, imm);
    in->aux = helper;
    in->cflags = helper < b->env->n_helpers ? (uint8_t)b->env->helpers[helper].flags : 0;
}

void ir_fpfast(IrBlock *b, uint32_t helper, uint32_t kind, uint32_t mask, IrVal dst, IrVal a, IrVal bv,
               IrVal flags, int64_t imm) {
    IrInsn *in = ir_emit(b, IR_fpfast, dst, a, bv, flags, imm);
    in->aux = helper;
    in->aux2 = (kind & 3) | (mask << 8);
    in->cflags = helper < b->env->n_helpers ? (uint8_t)b->env->helpers[helper].flags : 0;
}

void ir_label(IrBlock *b, uint32_t label) {
    IrInsn *in = ir_emit(b, IR_label, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, 0);
    in->aux = label;
}

void ir_branch(IrBlock *b, IrOp op, IrVal a, IrVal bv, int64_t imm, uint32_t label) {
    IrInsn *in = ir_emit(b, op, IR_VAL_NONE, a, bv, IR_VAL_NONE, imm);
    in->aux = label;
}

void ir_insn_marker(IrBlock *b, uint64_t pc, uint32_t len) {
    IrInsn *in = ir_emit(b, IR_insn, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, (int64_t)pc);
    in->aux = b->n_guest_insns++;
    in->aux2 = len;
    b->guest_size = (uint32_t)(pc + len - b->guest_pc);
}

void ir_goto_tb(IrBlock *b, uint32_t slot, uint64_t pc) {
    IrInsn *in = ir_emit(b, IR_goto_tb, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, (int64_t)pc);
    in->aux = slot;
}

void ir_goto_ptr(IrBlock *b, IrVal target) {
    ir_emit(b, IR_goto_ptr, IR_VAL_NONE, target, IR_VAL_NONE, IR_VAL_NONE, 0);
}

void ir_exit(IrBlock *b, uint64_t pc, uint32_t reason, uint32_t cause, uint32_t tval) {
    IrInsn *in = ir_emit(b, IR_exit, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, (int64_t)pc);
    in->aux = IR_EXIT_AUX(reason, cause);
    in->aux2 = tval;
}
