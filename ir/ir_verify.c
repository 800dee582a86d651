/* ir_verify.c — structural checks on an IrBlock (always on in tests, and
 * after every pass in debug builds).  See the rules in ir.h. */
#include "ir/ir.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static bool fail(char *err, size_t len, uint32_t at, const char *fmt, ...) {
    if (err && len) {
        int n = snprintf(err, len, "insn %u: ", at);
        va_list ap;
        va_start(ap, fmt);
        if (n >= 0 && (size_t)n < len) vsnprintf(err + n, len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

bool ir_verify(const IrBlock *b, char *err, size_t err_len) {
    const uint32_t ng = b->env->n_globals;
    const uint32_t nv = ng + b->n_temps;
    /* def_epoch[t]: region (label count seen so far) where temp t was defined, 0 = undefined */
    uint32_t *def_epoch = calloc(b->n_temps ? b->n_temps : 1, sizeof(uint32_t));
    uint8_t *label_state = calloc(b->n_labels ? b->n_labels : 1, 1); /* 1 referenced, 2 placed */
    if (!def_epoch || !label_state) abort();
    bool ok = true;
    uint32_t epoch = 1;
    bool seen_marker = false;
    bool reachable = true; /* false right after a terminator or unconditional br */

    if (b->n_insns == 0) {
        ok = fail(err, err_len, 0, "empty block");
        goto out;
    }
    for (uint32_t i = 0; i < b->n_insns && ok; i++) {
        const IrInsn *in = &b->insns[i];
        if (in->op >= IR_NUM_OPS) {
            ok = fail(err, err_len, i, "bad opcode %u", in->op);
            break;
        }
        const IrOpInfo *info = &ir_op_info[in->op];
        if (in->op == IR_label) {
            if (in->aux >= b->n_labels) { ok = fail(err, err_len, i, "label %u out of range", in->aux); break; }
            if (label_state[in->aux] == 2) { ok = fail(err, err_len, i, "label %u placed twice", in->aux); break; }
            label_state[in->aux] = 2;
            epoch++;
            reachable = true;
            continue;
        }
        if (!reachable) { ok = fail(err, err_len, i, "%s is unreachable", info->name); break; }
        if (in->op == IR_insn) seen_marker = true;
        for (int s = 0; s < 3; s++) {
            IrVal v = in->src[s];
            if (s >= info->n_in) {
                if (v != IR_VAL_NONE && in->op != IR_call) { ok = fail(err, err_len, i, "%s: extra operand %d", info->name, s); break; }
                continue;
            }
            if (v == IR_VAL_NONE) {
                if (in->op == IR_call) continue;
                ok = fail(err, err_len, i, "%s: missing operand %d", info->name, s);
                break;
            }
            if (v == IR_VAL_IMM) {
                if (!(s == 1 && (info->flags & IR_F_IMM_B))) {
                    ok = fail(err, err_len, i, "%s: immediate not allowed in operand %d", info->name, s);
                    break;
                }
                continue;
            }
            if (v >= nv) { ok = fail(err, err_len, i, "%s: operand %d out of range", info->name, s); break; }
            if (v >= ng) {
                uint32_t e = def_epoch[v - ng];
                if (e == 0) { ok = fail(err, err_len, i, "%s: temp t%u used before definition", info->name, v - ng); break; }
                if (e != epoch) { ok = fail(err, err_len, i, "%s: temp t%u read across a label", info->name, v - ng); break; }
            }
        }
        if (!ok) break;
        if (info->n_out) {
            if (in->dst == IR_VAL_NONE && in->op == IR_call) {
                /* call without a result */
            } else if (in->dst >= nv) {
                ok = fail(err, err_len, i, "%s: destination out of range", info->name);
                break;
            } else if (in->dst >= ng) {
                def_epoch[in->dst - ng] = epoch;
            }
        } else if (in->dst != IR_VAL_NONE) {
            ok = fail(err, err_len, i, "%s: has no result", info->name);
            break;
        }
        if ((info->flags & IR_F_RAISE || (in->op == IR_call && (in->cflags & IR_H_RAISE))) && !seen_marker) {
            ok = fail(err, err_len, i, "%s may raise but no insn marker precedes it", info->name);
            break;
        }
        if ((in->op == IR_call || in->op == IR_fpfast) && in->aux >= b->env->n_helpers) {
            ok = fail(err, err_len, i, "call: helper %u out of range", in->aux);
            break;
        }
        if (info->flags & IR_F_BRANCH) {
            if (in->aux >= b->n_labels) { ok = fail(err, err_len, i, "branch to unknown label %u", in->aux); break; }
            if (label_state[in->aux] == 2) { ok = fail(err, err_len, i, "backward branch to L%u", in->aux); break; }
            label_state[in->aux] = 1;
            if (in->op == IR_br) reachable = false;
        }
        if (in->op == IR_goto_tb && in->aux > 1) { ok = fail(err, err_len, i, "goto_tb slot %u", in->aux); break; }
        if (info->flags & IR_F_TERM) reachable = false;
    }
    if (ok && reachable) ok = fail(err, err_len, b->n_insns, "block falls off its end");
    for (uint32_t l = 0; ok && l < b->n_labels; l++) {
        if (label_state[l] == 1) ok = fail(err, err_len, b->n_insns, "label L%u referenced but never placed", l);
    }
out:
    free(def_epoch);
    free(label_state);
    return ok;
}
