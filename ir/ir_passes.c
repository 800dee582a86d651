/* ir_passes.c — block-local optimizations run on every block before any
 * tier sees it:
 *
 *   fold_constants  constant propagation through temps AND guest globals,
 *                   folding of pure ops, constant operands turned into
 *                   immediates, trivial identities (x+0, x*1, x&-1, ...)
 *   copy_propagate  reads of a copied temp go to its source while the
 *                   source is unchanged
 *   rotates         (x >> n) | (x << (w - n)) becomes a rotate of x
 *   dead_code       unused pure results, and redundant guest-register
 *                   stores: a global write overwritten before anything can
 *                   observe it (a read, a raising op, a helper that reads
 *                   guest state, a branch, label or exit)
 *   legalize_imm    the immediate form every tier expects
 *
 * Knowledge is forgotten at labels (control may merge there), so the
 * passes stay linear and obviously correct.
 */
#include "ir/ir.h"
#include "ir/ir_sem.h"

#include <stdlib.h>
#include <string.h>

bool ir_eval_pure(IrOp op, uint64_t a, uint64_t b, uint64_t *out) {
    uint64_t r;
    switch (op) {
    case IR_mov: r = a; break;
    case IR_add: r = a + b; break;
    case IR_sub: r = a - b; break;
    case IR_and: r = a & b; break;
    case IR_or: r = a | b; break;
    case IR_xor: r = a ^ b; break;
    case IR_shl: r = a << (b & 63); break;
    case IR_shr: r = a >> (b & 63); break;
    case IR_sar: r = (uint64_t)((int64_t)a >> (b & 63)); break;
    case IR_rotr: r = ir_sem_rotr(a, b); break;
    case IR_mul: r = a * b; break;
    case IR_mulh: r = ir_sem_mulh(a, b); break;
    case IR_mulhu: r = ir_sem_mulhu(a, b); break;
    case IR_mulhsu: r = ir_sem_mulhsu(a, b); break;
    case IR_div: r = ir_sem_div(a, b); break;
    case IR_divu: r = ir_sem_divu(a, b); break;
    case IR_rem: r = ir_sem_rem(a, b); break;
    case IR_remu: r = ir_sem_remu(a, b); break;
    case IR_addw: r = ir_sem_sext32(a + b); break;
    case IR_subw: r = ir_sem_sext32(a - b); break;
    case IR_shlw: r = ir_sem_sext32((uint32_t)a << (b & 31)); break;
    case IR_shrw: r = ir_sem_sext32((uint32_t)a >> (b & 31)); break;
    case IR_sarw: r = ir_sem_sext32((uint32_t)((int32_t)a >> (b & 31))); break;
    case IR_rotrw: r = ir_sem_rotrw(a, b); break;
    case IR_mulw: r = ir_sem_sext32(a * b); break;
    case IR_divw: r = ir_sem_divw(a, b); break;
    case IR_divuw: r = ir_sem_divuw(a, b); break;
    case IR_remw: r = ir_sem_remw(a, b); break;
    case IR_remuw: r = ir_sem_remuw(a, b); break;
    case IR_seteq: r = a == b; break;
    case IR_setne: r = a != b; break;
    case IR_setlt: r = (int64_t)a < (int64_t)b; break;
    case IR_setltu: r = a < b; break;
    case IR_setge: r = (int64_t)a >= (int64_t)b; break;
    case IR_setgeu: r = a >= b; break;
    case IR_sext8: r = (uint64_t)(int64_t)(int8_t)a; break;
    case IR_sext16: r = (uint64_t)(int64_t)(int16_t)a; break;
    case IR_sext32: r = ir_sem_sext32(a); break;
    case IR_zext8: r = (uint8_t)a; break;
    case IR_zext16: r = (uint16_t)a; break;
    case IR_zext32: r = (uint32_t)a; break;
    default: return false;
    }
    *out = r;
    return true;
}

static bool is_pure(const IrInsn *in) {
    uint32_t f = ir_op_info[in->op].flags;
    if (in->op == IR_call) return (in->cflags & IR_H_PURE) != 0;
    return !(f & (IR_F_SIDE | IR_F_RAISE | IR_F_LOAD | IR_F_STORE | IR_F_RG | IR_F_WG | IR_F_TERM | IR_F_BRANCH));
}

static uint32_t n_values(const IrBlock *b) { return b->env->n_globals + b->n_temps; }

static bool global_is_zero(const IrBlock *b, IrVal v) {
    return v < b->env->n_globals && (b->env->globals[v].flags & IR_GLOBAL_ZERO);
}

static void set_movi(IrInsn *in, uint64_t c) {
    in->op = IR_movi;
    in->src[0] = in->src[1] = in->src[2] = IR_VAL_NONE;
    in->imm = (int64_t)c;
}

static void set_mov(IrInsn *in, IrVal src) {
    in->op = IR_mov;
    in->src[0] = src;
    in->src[1] = in->src[2] = IR_VAL_NONE;
    in->imm = 0;
}

/* Identities with a constant second operand c: x op c == x, or == 0. */
static void simplify_identity(IrInsn *in, uint64_t c) {
    switch (in->op) {
    case IR_add: case IR_sub: case IR_or: case IR_xor:
    case IR_shl: case IR_shr: case IR_sar:
        if (c == 0) set_mov(in, in->src[0]);
        break;
    case IR_rotr:
        if ((c & 63) == 0) set_mov(in, in->src[0]);
        break;
    case IR_and:
        if (c == ~(uint64_t)0) set_mov(in, in->src[0]);
        else if (c == 0) set_movi(in, 0);
        break;
    case IR_mul:
        if (c == 1) set_mov(in, in->src[0]);
        else if (c == 0) set_movi(in, 0);
        break;
    case IR_addw: case IR_subw: case IR_shlw: case IR_shrw: case IR_sarw: case IR_rotrw:
        if ((in->op == IR_addw || in->op == IR_subw ? c : (c & 31)) == 0) {
            in->op = IR_sext32; /* x op 0 on 32 bits: just the sign extension */
            in->src[1] = in->src[2] = IR_VAL_NONE;
            in->imm = 0;
        }
        break;
    default:
        break;
    }
}

void ir_pass_fold_constants(IrBlock *b) {
    uint32_t nv = n_values(b);
    uint8_t *known = calloc(nv, 1);
    uint64_t *val = calloc(nv, sizeof(uint64_t));
    if (!known || !val) abort();
    const uint32_t ng = b->env->n_globals;
    for (uint32_t g = 0; g < ng; g++) {
        if (global_is_zero(b, (IrVal)g)) { known[g] = 1; val[g] = 0; }
    }
    for (uint32_t i = 0; i < b->n_insns; i++) {
        IrInsn *in = &b->insns[i];
        const IrOpInfo *info = &ir_op_info[in->op];
        if (in->op == IR_label) {
            for (uint32_t v = 0; v < nv; v++) known[v] = global_is_zero(b, (IrVal)v);
            continue;
        }
        if (in->op == IR_call && (in->cflags & IR_H_WG)) {
            /* the helper may write any guest register */
            for (uint32_t g = 0; g < ng; g++) known[g] = global_is_zero(b, (IrVal)g);
        }
        if (is_pure(in) && in->op != IR_call && info->n_out) {
            uint64_t a = 0, c = 0;
            bool ka = info->n_in < 1 || (in->src[0] != IR_VAL_IMM && known[in->src[0]]);
            bool kb = info->n_in < 2 || in->src[1] == IR_VAL_IMM || known[in->src[1]];
            if (info->n_in >= 1) a = in->src[0] == IR_VAL_IMM ? (uint64_t)in->imm : (ka ? val[in->src[0]] : 0);
            if (info->n_in >= 2) c = in->src[1] == IR_VAL_IMM ? (uint64_t)in->imm : (kb ? val[in->src[1]] : 0);
            uint64_t r;
            if (in->op != IR_movi && ka && kb && ir_eval_pure((IrOp)in->op, a, c, &r)) {
                set_movi(in, r);
            } else if (info->n_in == 2) {
                /* a constant first operand of a commutative op moves second */
                if (ka && !kb && (info->flags & IR_F_COMMUTE)) {
                    IrVal t = in->src[0];
                    in->src[0] = in->src[1];
                    in->src[1] = t;
                    uint64_t tv = a; a = c; c = tv;
                    bool tk = ka; ka = kb; kb = tk;
                }
                if (kb && in->src[1] != IR_VAL_IMM && (info->flags & IR_F_IMM_B)) {
                    in->src[1] = IR_VAL_IMM;
                    in->imm = (int64_t)c;
                }
                if (kb) simplify_identity(in, c);
            }
        }
        if ((info->flags & IR_F_BRANCH) && info->n_in == 2 && in->src[1] != IR_VAL_IMM) {
            /* compare with a constant (bnez, beqz: x0): the branch's immediate;
             * breq and brne are symmetric, a constant first operand moves second */
            if (known[in->src[0]] && !known[in->src[1]] && (in->op == IR_breq || in->op == IR_brne)) {
                IrVal t = in->src[0];
                in->src[0] = in->src[1];
                in->src[1] = t;
            }
            if (known[in->src[1]]) {
                in->imm = (int64_t)val[in->src[1]];
                in->src[1] = IR_VAL_IMM;
            }
        }
        if (info->n_out && in->dst != IR_VAL_NONE) {
            IrVal d = in->dst;
            if (in->op == IR_movi) {
                known[d] = 1;
                val[d] = (uint64_t)in->imm;
            } else if (in->op == IR_mov && in->src[0] != IR_VAL_IMM && known[in->src[0]]) {
                uint64_t cv = val[in->src[0]];
                set_movi(in, cv);
                known[d] = 1;
                val[d] = cv;
            } else {
                known[d] = 0;
            }
        }
    }
    free(known);
    free(val);
}

void ir_pass_copy_propagate(IrBlock *b) {
    uint32_t nv = n_values(b);
    IrVal *copy_of = malloc(nv * sizeof(IrVal));
    uint32_t *copy_ver = calloc(nv, sizeof(uint32_t));
    uint32_t *version = calloc(nv, sizeof(uint32_t));
    if (!copy_of || !copy_ver || !version) abort();
    for (uint32_t v = 0; v < nv; v++) copy_of[v] = IR_VAL_NONE;
    const uint32_t ng = b->env->n_globals;
    for (uint32_t i = 0; i < b->n_insns; i++) {
        IrInsn *in = &b->insns[i];
        const IrOpInfo *info = &ir_op_info[in->op];
        if (in->op == IR_label) {
            for (uint32_t v = 0; v < nv; v++) copy_of[v] = IR_VAL_NONE;
            continue;
        }
        if (in->op == IR_call && (in->cflags & IR_H_WG)) {
            for (uint32_t g = 0; g < ng; g++) version[g]++;
        }
        for (int s = 0; s < info->n_in; s++) {
            IrVal v = in->src[s];
            if (v == IR_VAL_NONE || v == IR_VAL_IMM || v < ng) continue;
            IrVal src = copy_of[v];
            if (src != IR_VAL_NONE && version[src] == copy_ver[v]) in->src[s] = src;
        }
        if (info->n_out && in->dst != IR_VAL_NONE) {
            IrVal d = in->dst;
            version[d]++;
            copy_of[d] = IR_VAL_NONE;
            if (in->op == IR_mov && d >= ng && in->src[0] != d) {
                copy_of[d] = in->src[0];
                copy_ver[d] = version[in->src[0]];
            }
        }
    }
    free(copy_of);
    free(copy_ver);
    free(version);
}

/* An or (xor, add: the bits do not overlap) of x >> n and x << (w - n),
 * both shifts by constants and of the same version of x, is a rotate right
 * of x by n.  A compiler for a target without rotates (RV64GC) writes every
 * rotate so; the shifts stay for dead_code to remove if nothing else reads
 * them.  The 32-bit forms (shrw, shlw) give rotrw, the 64-bit ones rotr. */
static bool shift_by_imm(const IrInsn *s, IrOp op, uint32_t width, uint32_t *n) {
    if (s->op != op || s->src[1] != IR_VAL_IMM) return false;
    *n = (uint32_t)s->imm & (width - 1);
    return *n != 0;
}

void ir_pass_rotates(IrBlock *b) {
    bool any = false; /* most blocks have no left shift at all */
    for (uint32_t i = 0; i < b->n_insns && !any; i++) any = b->insns[i].op == IR_shl || b->insns[i].op == IR_shlw;
    if (!any) return;
    uint32_t nv = n_values(b);
    const uint32_t ng = b->env->n_globals;
    const uint32_t none = UINT32_MAX;
    uint32_t *def_at = malloc(nv * sizeof(uint32_t));   /* insn that gave v its current value */
    uint32_t *version = calloc(nv, sizeof(uint32_t));
    uint32_t *read_ver = malloc((b->n_insns + 1) * sizeof(uint32_t)); /* per insn: version of src[0] it read */
    if (!def_at || !version || !read_ver) abort();
    for (uint32_t v = 0; v < nv; v++) def_at[v] = none;
    for (uint32_t i = 0; i < b->n_insns; i++) {
        IrInsn *in = &b->insns[i];
        const IrOpInfo *info = &ir_op_info[in->op];
        if (in->op == IR_label) {
            for (uint32_t v = 0; v < nv; v++) def_at[v] = none;
            continue;
        }
        if (in->op == IR_call && (in->cflags & IR_H_WG)) {
            for (uint32_t g = 0; g < ng; g++) {
                version[g]++;
                def_at[g] = none;
            }
        }
        IrVal s0 = in->src[0], s1 = in->src[1];
        if (info->n_in >= 1 && s0 != IR_VAL_NONE && s0 != IR_VAL_IMM) read_ver[i] = version[s0];
        if ((in->op == IR_or || in->op == IR_xor || in->op == IR_add) && s1 != IR_VAL_IMM && s0 != s1 &&
            def_at[s0] != none && def_at[s1] != none) {
            const IrInsn *x = &b->insns[def_at[s0]], *y = &b->insns[def_at[s1]];
            if (x->op == IR_shlw || x->op == IR_shl) { /* x is the right shift */
                const IrInsn *t = x;
                x = y;
                y = t;
            }
            bool w32 = x->op == IR_shrw;
            uint32_t width = w32 ? 32 : 64, n, m;
            IrVal a = x->src[0];
            if (shift_by_imm(x, w32 ? IR_shrw : IR_shr, width, &n) && shift_by_imm(y, w32 ? IR_shlw : IR_shl, width, &m) &&
                n + m == width && y->src[0] == a && a != IR_VAL_IMM &&
                read_ver[x - b->insns] == version[a] && read_ver[y - b->insns] == version[a]) {
                in->op = w32 ? IR_rotrw : IR_rotr;
                in->src[0] = a;
                in->src[1] = IR_VAL_IMM;
                in->imm = n;
                read_ver[i] = version[a];
            }
        }
        if (info->n_out && in->dst != IR_VAL_NONE) {
            version[in->dst]++;
            def_at[in->dst] = i;
        }
    }
    free(def_at);
    free(version);
    free(read_ver);
}

/* Does this insn let the guest state be observed (so pending global writes
 * must have happened)? */
static bool observes_globals(const IrInsn *in) {
    uint32_t f = ir_op_info[in->op].flags;
    if (f & (IR_F_TERM | IR_F_BRANCH | IR_F_RAISE | IR_F_RG)) return true;
    if (in->op == IR_label) return true;
    if (in->op == IR_call && (in->cflags & (IR_H_RG | IR_H_RAISE | IR_H_WG | IR_H_NORET))) return true;
    return false;
}

void ir_pass_dead_code(IrBlock *b) {
    uint32_t nv = n_values(b);
    const uint32_t ng = b->env->n_globals;
    uint8_t *live = malloc(nv);
    uint8_t *dead = calloc(b->n_insns ? b->n_insns : 1, 1);
    if (!live || !dead) abort();
    memset(live, 0, nv);
    for (uint32_t g = 0; g < ng; g++) live[g] = 1;
    for (uint32_t i = b->n_insns; i-- > 0;) {
        IrInsn *in = &b->insns[i];
        const IrOpInfo *info = &ir_op_info[in->op];
        bool has_dst = info->n_out && in->dst != IR_VAL_NONE;
        if (has_dst && !live[in->dst] && is_pure(in)) {
            dead[i] = 1;
            continue;
        }
        if (has_dst && global_is_zero(b, in->dst) && is_pure(in)) {
            dead[i] = 1;
            continue;
        }
        if (has_dst) live[in->dst] = 0;
        /* after the kill: an op that may raise (or lets helpers read the
         * guest state) observes every global as it was *before* the op,
         * its own destination included, e.g. `mv a1, x; ld a1, 0(a0)`
         * must keep the mv in case the load faults */
        if (observes_globals(in)) {
            for (uint32_t g = 0; g < ng; g++) live[g] = 1;
        }
        for (int s = 0; s < info->n_in; s++) {
            IrVal v = in->src[s];
            if (v != IR_VAL_NONE && v != IR_VAL_IMM) live[v] = 1;
        }
    }
    uint32_t j = 0;
    for (uint32_t i = 0; i < b->n_insns; i++) {
        if (!dead[i]) b->insns[j++] = b->insns[i];
    }
    b->n_insns = j;
    free(live);
    free(dead);
}

void ir_pass_legalize_imm(IrBlock *b) {
    for (uint32_t i = 0; i < b->n_insns; i++) {
        IrInsn *in = &b->insns[i];
        const IrOpInfo *info = &ir_op_info[in->op];
        if (info->n_in >= 1 && in->src[0] == IR_VAL_IMM && info->flags & IR_F_COMMUTE &&
            in->src[1] != IR_VAL_IMM) {
            in->src[0] = in->src[1];
            in->src[1] = IR_VAL_IMM;
        }
        if (info->n_in >= 1 && in->src[0] == IR_VAL_IMM) {
            /* materialize: shift the block up by one insn */
            IrVal t = ir_new_temp(b);
            int64_t imm = in->imm;
            ir_emit(b, IR_movi, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, 0);
            memmove(&b->insns[i + 1], &b->insns[i], sizeof(IrInsn) * (b->n_insns - 1 - i));
            IrInsn *mi = &b->insns[i];
            memset(mi, 0, sizeof(*mi));
            mi->op = IR_movi;
            mi->dst = t;
            mi->src[0] = mi->src[1] = mi->src[2] = IR_VAL_NONE;
            mi->imm = imm;
            b->insns[i + 1].src[0] = t;
            i++;
        }
    }
}

void ir_optimize(IrBlock *b) {
    ir_pass_fold_constants(b);
    ir_pass_copy_propagate(b);
    ir_pass_fold_constants(b);
    ir_pass_rotates(b);
    ir_pass_dead_code(b);
    ir_pass_legalize_imm(b);
}
