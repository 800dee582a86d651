/* ir_print.c — textual form of IR blocks for `-d op` and test failures.
 *
 *   t70 = add x10, 16
 *   st64 x2, t70, +8
 *   ---- insn 3 pc=0x10078 len=4
 */
#include "ir/ir.h"

#include <inttypes.h>

void ir_val_name(const IrBlock *b, IrVal v, char *buf, size_t len) {
    if (v == IR_VAL_NONE) {
        snprintf(buf, len, "-");
    } else if (v == IR_VAL_IMM) {
        snprintf(buf, len, "imm");
    } else if (v < b->env->n_globals) {
        snprintf(buf, len, "%s", b->env->globals[v].name);
    } else {
        snprintf(buf, len, "t%u", (unsigned)(v - b->env->n_globals));
    }
}

void ir_print_insn(FILE *out, const IrBlock *b, const IrInsn *in) {
    const IrOpInfo *info = &ir_op_info[in->op];
    char name[32];
    switch (in->op) {
    case IR_insn:
        fprintf(out, " ---- insn %u pc=0x%" PRIx64 " len=%u\n", in->aux, (uint64_t)in->imm, in->aux2);
        return;
    case IR_label:
        fprintf(out, " L%u:\n", in->aux);
        return;
    default:
        break;
    }
    fprintf(out, "    ");
    if (info->n_out) {
        ir_val_name(b, in->dst, name, sizeof name);
        fprintf(out, "%s = ", name);
    }
    if (in->op == IR_call || in->op == IR_fpfast) {
        const char *hname = in->aux < b->env->n_helpers ? b->env->helpers[in->aux].name : "?";
        fprintf(out, "%s %s(", in->op == IR_call ? "call" : "fpfast", hname);
    } else {
        fprintf(out, "%s ", info->name);
    }
    int printed = 0;
    for (int i = 0; i < info->n_in; i++) {
        if (in->src[i] == IR_VAL_NONE) continue;
        if (in->src[i] == IR_VAL_IMM) {
            fprintf(out, "%s%" PRId64, printed ? ", " : "", in->imm);
        } else {
            ir_val_name(b, in->src[i], name, sizeof name);
            fprintf(out, "%s%s", printed ? ", " : "", name);
        }
        printed++;
    }
    if (in->op == IR_call || in->op == IR_fpfast) {
        fprintf(out, "%s%" PRId64 ")", printed ? ", " : "", in->imm);
    } else if (in->op == IR_movi) {
        fprintf(out, "0x%" PRIx64, (uint64_t)in->imm);
    } else if (info->flags & IR_F_OFFSET) {
        fprintf(out, ", %+" PRId64 " [mmu %u]", in->imm, in->aux2);
    } else if (info->flags & IR_F_BRANCH) {
        fprintf(out, "%sL%u", printed ? ", " : "", in->aux);
    } else if (in->op == IR_ldenv || in->op == IR_stenv) {
        fprintf(out, "%senv+%" PRId64, printed ? ", " : "", in->imm);
    } else if (in->op == IR_goto_tb) {
        fprintf(out, "slot %u, pc=0x%" PRIx64, in->aux, (uint64_t)in->imm);
    } else if (in->op == IR_exit) {
        fprintf(out, "pc=0x%" PRIx64 " reason=%u cause=%u tval=0x%x", (uint64_t)in->imm, in->aux & 0xff,
                in->aux >> 8, in->aux2);
    }
    fprintf(out, "\n");
}

void ir_print_block(FILE *out, const IrBlock *b) {
    fprintf(out, "IR block pc=0x%" PRIx64 " insns=%u ops=%u temps=%u\n", b->guest_pc, b->n_guest_insns,
            b->n_insns, b->n_temps);
    for (uint32_t i = 0; i < b->n_insns; i++) ir_print_insn(out, b, &b->insns[i]);
}
