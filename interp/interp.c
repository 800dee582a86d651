/* interp.c — the IR interpreter (tier 0).
 *
 * Lowering (interp_lower) walks the optimized IR once:
 *   - temps get value slots after the guest globals, reused after their
 *     last use (ir_assign_temp_slots), so a block touches few cache lines;
 *   - insn markers and labels disappear; a side table (tb->op_insn) maps
 *     each op back to its guest instruction for precise exceptions;
 *   - ops whose second operand is an immediate get the "_ri" handler.
 * Execution (interp_run) is direct-threaded with computed goto: every
 * handler ends by jumping to the next op's handler address.
 *
 * Faults: before an op that may fault (guest loads/stores, raising
 * helpers) runs, cpu->cur_op records it; the host fault handler or
 * cpu_raise() long-jumps to cpu_exec, which maps cur_op to the guest pc.
 * Nothing here depends on host time: the interpreter is deterministic.
 */
#include "interp/interp.h"

#include <stdlib.h>
#include <string.h>

#include "core/debug.h"
#include "core/softmmu_inline.h"
#include "ir/ir_sem.h"

#define SLOT_JUNK (CPU_MAX_SLOTS - 1)   /* absorbs unused results, reads of "none" */

/* Handler index space: IR op o has index o (register form) and, if it has
 * an immediate form, IR_NUM_OPS + o.  Memory ops in blocks that check
 * watchpoints (TB_FLAG_DEBUG_WATCH, core/debug.h) use 2 * IR_NUM_OPS + o
 * (user mode) and 3 * IR_NUM_OPS + o (system mode). */
#define RI(o) (IR_NUM_OPS + (o))
#define WU(o) (2 * IR_NUM_OPS + (o))
#define WS(o) (3 * IR_NUM_OPS + (o))

enum { RESOLVE_HANDLERS = 1 };
static TbExit interp_exec(CpuState *cpu, Tb *tb, bool chain, InterpOp *resolve, uint32_t n_resolve,
                                bool *complete);

bool interp_covers_all_ops(char *missing, uint32_t len) {
    bool complete = true;
    interp_exec(NULL, NULL, false, NULL, 0, &complete);
    if (!complete && missing) snprintf(missing, len, "interp handler table incomplete");
    return complete;
}

static uint32_t interp_fault_insn(const Tb *tb, const void *cur_op) {
    const InterpOp *ops = (const InterpOp *)tb->code;
    const InterpOp *op = (const InterpOp *)cur_op;
    if (!ops || op < ops || op >= ops + tb->code_len) return 0;
    return tb->op_insn[op - ops];
}

void interp_free(Tb *tb) {
    free(tb->code);
    free(tb->op_insn);
    free(tb->insn_pc);
    tb->code = NULL;
    tb->op_insn = NULL;
    tb->insn_pc = NULL;
}

bool interp_lower(CpuState *cpu, Tb *tb) {
    const IrBlock *b = &tb->ir;
    const uint32_t ng = b->env->n_globals;
    const uint32_t nt = b->n_temps;
    uint32_t *last_use = calloc(nt ? nt : 1, sizeof(uint32_t));
    uint16_t *slot_of = malloc((nt ? nt : 1) * sizeof(uint16_t));
    uint32_t *label_op = malloc((b->n_labels ? b->n_labels : 1) * sizeof(uint32_t));
    InterpOp *ops = calloc(b->n_insns + 1, sizeof(InterpOp));
    uint16_t *op_insn = calloc(b->n_insns + 1, sizeof(uint16_t));
    uint64_t *insn_pc = calloc(b->n_guest_insns + 1, sizeof(uint64_t));
    if (!last_use || !slot_of || !label_op || !ops || !op_insn || !insn_pc) abort();

    /* temps live in reused slots between the globals and the junk slot */
    bool ok = ir_assign_temp_slots(b, ng, SLOT_JUNK, slot_of, last_use);
    uint32_t n_ops = 0;
    uint32_t cur_insn = 0;
    for (uint32_t i = 0; i < b->n_insns && ok; i++) {
        const IrInsn *in = &b->insns[i];
        const IrOpInfo *info = &ir_op_info[in->op];
        if (in->op == IR_insn) {
            cur_insn = in->aux;
            insn_pc[in->aux] = (uint64_t)in->imm;
            continue;
        }
        if (in->op == IR_label) {
            label_op[in->aux] = n_ops;
            continue;
        }
        InterpOp *op = &ops[n_ops];
        op_insn[n_ops] = (uint16_t)cur_insn;
        n_ops++;
        uint16_t src[3];
        for (int s = 0; s < 3; s++) {
            IrVal v = in->src[s];
            if (v == IR_VAL_NONE || v == IR_VAL_IMM) src[s] = SLOT_JUNK;
            else if (v < ng) src[s] = v;
            else src[s] = slot_of[v - ng];
        }
        uint16_t dslot = SLOT_JUNK;
        if (in->dst != IR_VAL_NONE) dslot = in->dst < ng ? in->dst : slot_of[in->dst - ng];
        op->d = dslot;
        op->a = src[0];
        op->b = src[1];
        op->c = src[2];
        op->imm = in->imm;
        uintptr_t h = in->op;
        if (info->n_in >= 2 && in->src[1] == IR_VAL_IMM) h = RI(in->op);
        /* system mode: loads and stores take the softmmu handlers, which
         * sit in the immediate-form table (memory ops have no such form) */
        if (cpu->smmu && (info->flags & (IR_F_LOAD | IR_F_STORE))) h = RI(in->op);
        if ((tb->flags & TB_FLAG_DEBUG_WATCH) && (info->flags & (IR_F_LOAD | IR_F_STORE)))
            h = cpu->smmu ? WS(in->op) : WU(in->op);
        if (in->op == IR_call) {
            op->x.fn = b->env->helpers[in->aux].fn;
        } else if (in->op == IR_fpfast) {
            op->x.fn = b->env->helpers[in->aux].fn;
            op->imm = (int64_t)((uint64_t)(uint32_t)in->imm | ((uint64_t)in->aux2 << 32));
        } else if (info->flags & IR_F_BRANCH) {
            op->x.u = in->aux; /* label id, resolved below */
        } else if (in->op == IR_exit) {
            op->x.u = in->aux | ((uint64_t)in->aux2 << 32);
        } else if (info->flags & (IR_F_LOAD | IR_F_STORE)) {
            op->x.u = in->aux2; /* MMU index */
        } else {
            op->x.u = in->aux;
        }
        op->handler = (const void *)h;
    }
    if (ok) {
        for (uint32_t k = 0; k < n_ops; k++) {
            uintptr_t h = (uintptr_t)ops[k].handler;
            uint32_t irop = (uint32_t)(h % IR_NUM_OPS);
            if (ir_op_info[irop].flags & IR_F_BRANCH) ops[k].x.target = &ops[label_op[ops[k].x.u]];
        }
        interp_exec(cpu, NULL, false, ops, n_ops, NULL);
        tb->code = ops;
        tb->code_len = n_ops;
        tb->op_insn = op_insn;
        tb->insn_pc = insn_pc;
    } else {
        free(ops);
        free(op_insn);
        free(insn_pc);
    }
    free(last_use);
    free(slot_of);
    free(label_op);
    return ok;
}

TbExit interp_run(CpuState *cpu, Tb *tb, bool chain) {
    return interp_exec(cpu, tb, chain, NULL, 0, NULL);
}

#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#endif

static TbExit interp_exec(CpuState *cpu, Tb *tb, bool chain, InterpOp *resolve, uint32_t n_resolve,
                                bool *complete) {
    /* One handler per IR op (register form) ... */
    static const void *const handlers[IR_NUM_OPS] = {
#define IR_OP(name, nout, nin, flags) [IR_##name] = &&L_##name,
#include "ir/ir_ops.def"
#undef IR_OP
    };
    /* ... and the immediate form of every op with IR_F_IMM_B (checked complete). */
    static const void *const handlers_ri[IR_NUM_OPS] = {
        [IR_add] = &&L_add_ri, [IR_sub] = &&L_sub_ri, [IR_and] = &&L_and_ri, [IR_or] = &&L_or_ri,
        [IR_xor] = &&L_xor_ri, [IR_shl] = &&L_shl_ri, [IR_shr] = &&L_shr_ri, [IR_sar] = &&L_sar_ri,
        [IR_rotr] = &&L_rotr_ri, [IR_rotrw] = &&L_rotrw_ri,
        [IR_mul] = &&L_mul_ri, [IR_addw] = &&L_addw_ri, [IR_subw] = &&L_subw_ri, [IR_shlw] = &&L_shlw_ri,
        [IR_shrw] = &&L_shrw_ri, [IR_sarw] = &&L_sarw_ri, [IR_seteq] = &&L_seteq_ri,
        [IR_setne] = &&L_setne_ri, [IR_setlt] = &&L_setlt_ri, [IR_setltu] = &&L_setltu_ri,
        [IR_setge] = &&L_setge_ri, [IR_setgeu] = &&L_setgeu_ri, [IR_breq] = &&L_breq_ri,
        [IR_brne] = &&L_brne_ri, [IR_brlt] = &&L_brlt_ri, [IR_brge] = &&L_brge_ri,
        [IR_brltu] = &&L_brltu_ri, [IR_brgeu] = &&L_brgeu_ri,
        /* system mode (softmmu) forms of the memory ops */
        [IR_ld8u] = &&L_ld8u_sys, [IR_ld8s] = &&L_ld8s_sys, [IR_ld16u] = &&L_ld16u_sys,
        [IR_ld16s] = &&L_ld16s_sys, [IR_ld32u] = &&L_ld32u_sys, [IR_ld32s] = &&L_ld32s_sys,
        [IR_ld64] = &&L_ld64_sys, [IR_st8] = &&L_st8_sys, [IR_st16] = &&L_st16_sys,
        [IR_st32] = &&L_st32_sys, [IR_st64] = &&L_st64_sys,
    };
    /* Memory ops that check watchpoints first, user and system mode. */
    static const void *const handlers_wu[IR_NUM_OPS] = {
        [IR_ld8u] = &&L_ld8u_wu, [IR_ld8s] = &&L_ld8s_wu, [IR_ld16u] = &&L_ld16u_wu,
        [IR_ld16s] = &&L_ld16s_wu, [IR_ld32u] = &&L_ld32u_wu, [IR_ld32s] = &&L_ld32s_wu,
        [IR_ld64] = &&L_ld64_wu, [IR_st8] = &&L_st8_wu, [IR_st16] = &&L_st16_wu,
        [IR_st32] = &&L_st32_wu, [IR_st64] = &&L_st64_wu,
    };
    static const void *const handlers_ws[IR_NUM_OPS] = {
        [IR_ld8u] = &&L_ld8u_ws, [IR_ld8s] = &&L_ld8s_ws, [IR_ld16u] = &&L_ld16u_ws,
        [IR_ld16s] = &&L_ld16s_ws, [IR_ld32u] = &&L_ld32u_ws, [IR_ld32s] = &&L_ld32s_ws,
        [IR_ld64] = &&L_ld64_ws, [IR_st8] = &&L_st8_ws, [IR_st16] = &&L_st16_ws,
        [IR_st32] = &&L_st32_ws, [IR_st64] = &&L_st64_ws,
    };
    TbExit res = {0};

    if (complete) {
        for (uint32_t o = 0; o < IR_NUM_OPS; o++) {
            if (!handlers[o]) *complete = false;
            if ((ir_op_info[o].flags & IR_F_IMM_B) && !handlers_ri[o]) *complete = false;
            if ((ir_op_info[o].flags & (IR_F_LOAD | IR_F_STORE)) && (!handlers_ri[o] || !handlers_wu[o] || !handlers_ws[o]))
                *complete = false;
        }
        return res;
    }
    if (resolve) {
        for (uint32_t k = 0; k < n_resolve; k++) {
            uintptr_t h = (uintptr_t)resolve[k].handler;
            const void *const *table = h >= 3 * IR_NUM_OPS ? handlers_ws
                                       : h >= 2 * IR_NUM_OPS ? handlers_wu
                                       : h >= IR_NUM_OPS ? handlers_ri : handlers;
            resolve[k].handler = table[h % IR_NUM_OPS];
        }
        return res;
    }

    uint64_t *const V = cpu->vals;
    uint8_t *const base = cpu->mem_base;
    const uint64_t limit = cpu->mem_limit;
    const InterpOp *op;
    uint64_t fault_addr = 0;
    int fault_kind = CPU_FAULT_LOAD;

#define NEXT() do { op++; goto *op->handler; } while (0)
#define JUMP(t) do { op = (t); goto *op->handler; } while (0)

enter:
    /* hot, or already promoted: let the loop run its native code */
    if (UNLIKELY(tb->native != NULL || ++tb->exec_count == cpu->promote_threshold)) goto stop;
    cpu->insn_count += tb->n_insns;
    cpu->cur_tb = tb;
    op = (const InterpOp *)tb->code;
    goto *op->handler;

L_mov: V[op->d] = V[op->a]; NEXT();
L_movi: V[op->d] = (uint64_t)op->imm; NEXT();

#define BIN(name, expr_rr, expr_ri)                                                                     \
    L_##name: { uint64_t a = V[op->a], b = V[op->b]; (void)b; V[op->d] = (expr_rr); NEXT(); }           \
    L_##name##_ri: { uint64_t a = V[op->a], b = (uint64_t)op->imm; (void)b; V[op->d] = (expr_ri); NEXT(); }
#define BIN2(name, expr) BIN(name, expr, expr)
#define BINR(name, expr) L_##name: { uint64_t a = V[op->a], b = V[op->b]; V[op->d] = (expr); NEXT(); }

    BIN2(add, a + b)
    BIN2(sub, a - b)
    BIN2(and, a & b)
    BIN2(or, a | b)
    BIN2(xor, a ^ b)
    BIN2(shl, a << (b & 63))
    BIN2(shr, a >> (b & 63))
    BIN2(sar, (uint64_t)((int64_t)a >> (b & 63)))
    BIN2(rotr, ir_sem_rotr(a, b))
    BIN2(mul, a * b)
    BINR(mulh, ir_sem_mulh(a, b))
    BINR(mulhu, ir_sem_mulhu(a, b))
    BINR(mulhsu, ir_sem_mulhsu(a, b))
    BINR(div, ir_sem_div(a, b))
    BINR(divu, ir_sem_divu(a, b))
    BINR(rem, ir_sem_rem(a, b))
    BINR(remu, ir_sem_remu(a, b))
    BIN2(addw, ir_sem_sext32(a + b))
    BIN2(subw, ir_sem_sext32(a - b))
    BIN2(shlw, ir_sem_sext32((uint32_t)a << (b & 31)))
    BIN2(shrw, ir_sem_sext32((uint32_t)a >> (b & 31)))
    BIN2(sarw, ir_sem_sext32((uint32_t)((int32_t)a >> (b & 31))))
    BIN2(rotrw, ir_sem_rotrw(a, b))
    BINR(mulw, ir_sem_sext32(a * b))
    BINR(divw, ir_sem_divw(a, b))
    BINR(divuw, ir_sem_divuw(a, b))
    BINR(remw, ir_sem_remw(a, b))
    BINR(remuw, ir_sem_remuw(a, b))
    BIN2(seteq, a == b)
    BIN2(setne, a != b)
    BIN2(setlt, (int64_t)a < (int64_t)b)
    BIN2(setltu, a < b)
    BIN2(setge, (int64_t)a >= (int64_t)b)
    BIN2(setgeu, a >= b)

L_sext8: V[op->d] = (uint64_t)(int64_t)(int8_t)V[op->a]; NEXT();
L_sext16: V[op->d] = (uint64_t)(int64_t)(int16_t)V[op->a]; NEXT();
L_sext32: V[op->d] = ir_sem_sext32(V[op->a]); NEXT();
L_zext8: V[op->d] = (uint8_t)V[op->a]; NEXT();
L_zext16: V[op->d] = (uint16_t)V[op->a]; NEXT();
L_zext32: V[op->d] = (uint32_t)V[op->a]; NEXT();

    /* Guest memory (user mode): [0, limit) at base; unmapped pages fault in
     * the host and come back through cpu->cur_op. */
#define ADDR(size, kind)                                                                                \
    uint64_t addr = V[op->a] + (uint64_t)op->imm;                                                       \
    cpu->cur_op = op;                                                                                   \
    __asm__ volatile("" ::: "memory");                                                                  \
    if (UNLIKELY(addr > limit - (size))) { fault_addr = addr; fault_kind = (kind); goto mem_out_of_range; }
#define LOAD(name, size, T, ext)                                                                        \
    L_##name: { ADDR(size, CPU_FAULT_LOAD); T v; memcpy(&v, base + addr, sizeof v); V[op->d] = (uint64_t)(ext)v; NEXT(); }
    LOAD(ld8u, 1, uint8_t, uint64_t)
    LOAD(ld8s, 1, int8_t, int64_t)
    LOAD(ld16u, 2, uint16_t, uint64_t)
    LOAD(ld16s, 2, int16_t, int64_t)
    LOAD(ld32u, 4, uint32_t, uint64_t)
    LOAD(ld32s, 4, int32_t, int64_t)
    LOAD(ld64, 8, uint64_t, uint64_t)
#define STORE(name, size, T)                                                                            \
    L_##name: { ADDR(size, CPU_FAULT_STORE); T v = (T)V[op->b]; memcpy(base + addr, &v, sizeof v); NEXT(); }
    STORE(st8, 1, uint8_t)
    STORE(st16, 2, uint16_t)
    STORE(st32, 4, uint32_t)
    STORE(st64, 8, uint64_t)

    /* Guest memory (system mode): the softmmu TLB; faults raise from the
     * slow path with cur_op recorded. */
#define SYS_ADDR()                                                                                      \
    uint64_t addr = V[op->a] + (uint64_t)op->imm;                                                       \
    cpu->cur_op = op;                                                                                   \
    __asm__ volatile("" ::: "memory")
#define SYS_LOAD(name, size, T, ext)                                                                    \
    L_##name##_sys: {                                                                                   \
        SYS_ADDR();                                                                                     \
        V[op->d] = (uint64_t)(ext)(T)softmmu_load(cpu, addr, size, (int)op->x.u);                        \
        NEXT();                                                                                         \
    }
    SYS_LOAD(ld8u, 1, uint8_t, uint64_t)
    SYS_LOAD(ld8s, 1, int8_t, int64_t)
    SYS_LOAD(ld16u, 2, uint16_t, uint64_t)
    SYS_LOAD(ld16s, 2, int16_t, int64_t)
    SYS_LOAD(ld32u, 4, uint32_t, uint64_t)
    SYS_LOAD(ld32s, 4, int32_t, int64_t)
    SYS_LOAD(ld64, 8, uint64_t, uint64_t)
#define SYS_STORE(name, size)                                                                           \
    L_##name##_sys: {                                                                                   \
        SYS_ADDR();                                                                                     \
        softmmu_store(cpu, addr, V[op->b], size, (int)op->x.u);                                         \
        NEXT();                                                                                         \
    }
    SYS_STORE(st8, 1)
    SYS_STORE(st16, 2)
    SYS_STORE(st32, 4)
    SYS_STORE(st64, 8)

    /* The same with watchpoints (core/debug.h): checked before the access;
     * a hit long-jumps out like a fault, cur_op already naming the op. */
#define WATCH(size, kind) cpu_debug_watch_access(cpu, addr, size, kind)
#define LOAD_WU(name, size, T, ext)                                                                     \
    L_##name##_wu: {                                                                                    \
        ADDR(size, CPU_FAULT_LOAD);                                                                     \
        WATCH(size, CPU_WATCH_READ);                                                                    \
        T v; memcpy(&v, base + addr, sizeof v); V[op->d] = (uint64_t)(ext)v; NEXT();                    \
    }                                                                                                   \
    L_##name##_ws: {                                                                                    \
        SYS_ADDR();                                                                                     \
        WATCH(size, CPU_WATCH_READ);                                                                    \
        V[op->d] = (uint64_t)(ext)(T)softmmu_load(cpu, addr, size, (int)op->x.u);                       \
        NEXT();                                                                                         \
    }
    LOAD_WU(ld8u, 1, uint8_t, uint64_t)
    LOAD_WU(ld8s, 1, int8_t, int64_t)
    LOAD_WU(ld16u, 2, uint16_t, uint64_t)
    LOAD_WU(ld16s, 2, int16_t, int64_t)
    LOAD_WU(ld32u, 4, uint32_t, uint64_t)
    LOAD_WU(ld32s, 4, int32_t, int64_t)
    LOAD_WU(ld64, 8, uint64_t, uint64_t)
#define STORE_WU(name, size, T)                                                                         \
    L_##name##_wu: {                                                                                    \
        ADDR(size, CPU_FAULT_STORE);                                                                    \
        WATCH(size, CPU_WATCH_WRITE);                                                                   \
        T v = (T)V[op->b]; memcpy(base + addr, &v, sizeof v); NEXT();                                   \
    }                                                                                                   \
    L_##name##_ws: {                                                                                    \
        SYS_ADDR();                                                                                     \
        WATCH(size, CPU_WATCH_WRITE);                                                                   \
        softmmu_store(cpu, addr, V[op->b], size, (int)op->x.u);                                         \
        NEXT();                                                                                         \
    }
    STORE_WU(st8, 1, uint8_t)
    STORE_WU(st16, 2, uint16_t)
    STORE_WU(st32, 4, uint32_t)
    STORE_WU(st64, 8, uint64_t)

L_ldenv: { uint64_t v; memcpy(&v, (const char *)cpu + op->imm, 8); V[op->d] = v; NEXT(); }
L_stenv: { uint64_t v = V[op->a]; memcpy((char *)cpu + op->imm, &v, 8); NEXT(); }

L_call:
    cpu->cur_op = op;
    __asm__ volatile("" ::: "memory");
    V[op->d] = op->x.fn(cpu, V[op->a], V[op->b], V[op->c], (uint64_t)op->imm);
    NEXT();

L_fpfast: {
    uint64_t r;
    if (!ir_sem_fpfast((uint32_t)((uint64_t)op->imm >> 32), V[op->a], V[op->b], V[op->c], &r))
        r = op->x.fn(cpu, V[op->a], V[op->b], 0, (uint32_t)op->imm);
    V[op->d] = r;
    NEXT();
}

L_label:
L_insn:
    abort(); /* lowered away */

L_br: JUMP(op->x.target);
#define BRC(name, cond)                                                                                 \
    L_##name: { uint64_t a = V[op->a], b = V[op->b]; if (cond) JUMP(op->x.target); NEXT(); }          \
    L_##name##_ri: { uint64_t a = V[op->a], b = (uint64_t)op->imm; if (cond) JUMP(op->x.target); NEXT(); }
    BRC(breq, a == b)
    BRC(brne, a != b)
    BRC(brlt, (int64_t)a < (int64_t)b)
    BRC(brge, (int64_t)a >= (int64_t)b)
    BRC(brltu, a < b)
    BRC(brgeu, a >= b)

L_goto_tb: {
    uint32_t slot = (uint32_t)op->x.u;
    cpu->pc = (uint64_t)op->imm;
    Tb *next = tb->exit_tb[slot];
    if (LIKELY(chain && next != NULL)) {
        if (UNLIKELY(cpu->insn_count >= CPU_INSN_LIMIT(cpu))) goto stop;
        tb = next;
        goto enter;
    }
    res.kind = TB_EXIT_CHAIN;
    res.tb = tb;
    res.slot = slot;
    return res;
}

L_goto_ptr: {
    uint64_t pc = V[op->a];
    cpu->pc = pc;
    if (LIKELY(chain)) {
        Tb *next = cpu->tbs->jmp_cache[tb_jmp_hash(pc)];
        if (next && next->pc == pc && next->flags == tb->flags) {
            if (UNLIKELY(cpu->insn_count >= CPU_INSN_LIMIT(cpu))) goto stop;
            cpu->stats.jmp_cache_hits++;
            tb = next;
            goto enter;
        }
    }
    cpu->stats.jmp_cache_misses++;
    res.kind = TB_EXIT_LOOKUP;
    res.tb = tb;
    return res;
}

L_exit:
    cpu->pc = (uint64_t)op->imm;
    res.kind = TB_EXIT_LOOP;
    res.tb = tb;
    res.reason = (uint32_t)op->x.u & 0xff;
    cpu->exc_cause = ((uint32_t)op->x.u) >> 8;
    cpu->exc_tval = op->x.u >> 32;
    return res;

stop:
    res.kind = TB_EXIT_STOP;
    res.tb = tb;
    return res;

mem_out_of_range:
    /* an address outside the guest space: the same path as a host fault */
    cpu_raise(cpu, cpu->fault_cause[fault_kind], fault_addr);
}

const ExecTier interp_tier = {
    .name = "none",
    .prepare = interp_lower,
    .release = interp_free,
    .run = interp_run,
    .fault_insn = interp_fault_insn,
};
