/* jitn.c — IR to x86-64 (tier 1), the code buffer, chaining.
 *
 * Calling convention of generated code
 *   rbp = CpuState*, r12 = guest memory base, r15 = cpu->insn_count (kept
 *   in a register so the per-TB budget check has no memory dependency; it
 *   is written back before every call, at every exit and in fault paths),
 *   rsp 16-byte aligned.
 *   rax is scratch.  rbx, r13, r14 (kept across helper calls) and rsi, rdi,
 *   r8-r11, rcx, rdx hold guest globals and temps, chosen per block by a
 *   local allocator driven by liveness (see "liveness" below: dead values
 *   are dropped without a store, the value needed furthest ahead is
 *   evicted, a dying input hands its register to the result); an op that
 *   needs rcx or rdx as scratch (shift counts, wide products, 64-bit
 *   immediates, the jump-cache probe) has them emptied first.  Results of
 *   32-bit ops stay "lazy" (low half only) until all 64 bits are needed
 *   (see materialize).  A block that loops to itself keeps globals in
 *   registers round the loop (see "self loops").
 *
 * Entry and exit
 *   enter(cpu, code) is a trampoline at the start of the buffer: it saves
 *   the callee-saved registers and jumps to a TB.  A TB starts with the
 *   budget check (insn_count < insn_limit, else exit STOP) and bumps
 *   insn_count.  Every exit returns to the trampoline's epilogue with
 *   rax = Tb* | kind (Tb is 16-byte aligned):
 *       0/1  goto_tb slot not chained yet (cpu->pc set)
 *       2    goto_ptr missed the jump cache (cpu->pc set)
 *       3    IR exit: cpu->exit_reason, exc_cause, exc_tval, pc set
 *       4    budget or exit request at TB entry (cpu->pc set)
 *   A goto_tb is a `jmp rel32` (4-byte aligned field) that initially
 *   reaches the exit stub right behind it; chaining patches the rel32 to the
 *   successor's entry with one aligned store, unlinking restores it.
 *
 * Precise state
 *   Guest loads and stores do not write
 *   anything back first: each access instruction is a "fault site" in the
 *   TB's side table, listing its guest insn and which host registers hold
 *   globals newer than memory.  When the access faults in the host,
 *   jitn_fault_state (called from core/exec.c's SIGSEGV handler) copies
 *   those registers from the signal context into cpu->vals and names the
 *   insn in cpu->cur_op (the TB is found from the host pc: code is
 *   allocated in address order, so the per-buffer TB index is sorted); the
 *   out-of-line stub of a failed range check does the same with stores.
 *   Helpers that may look at guest state get every dirty global written
 *   back first, and one that may raise records cur_tb and cur_op.
 *   Guest addresses are checked against mem_limit inline (the guard pages
 *   after it catch the tail of a wide access).
 *   System mode (cpu->smmu): loads and stores look the softmmu TLB up
 *   inline and call its slow path out of line (lower_sys_mem), with the
 *   dirty globals written home and the insn recorded first.
 */
#define _GNU_SOURCE
#include "jit-native/jitn.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "core/crash.h"
#include "core/host_disas.h"
#include "core/log.h"
#include "core/softmmu_inline.h"
#include "core/tb.h"
#include "ir/ir_sem.h"
#include "jit-native/x86_emit.h"

#define OFF(f) ((int32_t)offsetof(CpuState, f))
#define SLOT_OFF(slot) ((int32_t)(offsetof(CpuState, vals) + 8u * (slot)))

enum { EXIT_CHAIN0 = 0, EXIT_CHAIN1 = 1, EXIT_LOOKUP = 2, EXIT_LOOP = 3, EXIT_STOP = 4, EXIT_KIND_MASK = 15 };

typedef struct JitnState {
    uint8_t *buf;                    /* where the code runs */
    uint8_t *wbuf;                   /* where it is written: == buf if RWX, else a second mapping (W^X) */
    int fork_fd;                     /* W^X, between before_fork and after_fork: the child's copy, or -1 */
    size_t size;
    size_t used;
    size_t after_trampoline;
    size_t epilogue;                 /* offset of the trampoline's epilogue */
    uint64_t (*enter)(CpuState *cpu, void *code);
    FILE *perf_map;
    HostDisas *disas;                /* -d out_asm */
    bool bmi2;                       /* the host has BMI2 (rorx) and we may use it */
    /* TBs with code here, in address order (code is bump-allocated);
     * a released TB leaves its start and a NULL */
    uintptr_t *index_start;
    Tb **index_tb;
    uint32_t n_index, cap_index;
} JitnState;

/* ---- helpers called from generated code ---------------------------------- */

static void jitn_mem_fault(CpuState *cpu, uint64_t addr, uint64_t kind) {
    cpu_raise(cpu, cpu->fault_cause[kind], addr);
}

typedef uint64_t (*Fn2)(uint64_t, uint64_t);
static uint64_t c_mulhsu(uint64_t a, uint64_t b) { return ir_sem_mulhsu(a, b); }
static uint64_t c_div(uint64_t a, uint64_t b) { return ir_sem_div(a, b); }
static uint64_t c_divu(uint64_t a, uint64_t b) { return ir_sem_divu(a, b); }
static uint64_t c_rem(uint64_t a, uint64_t b) { return ir_sem_rem(a, b); }
static uint64_t c_remu(uint64_t a, uint64_t b) { return ir_sem_remu(a, b); }
static uint64_t c_divw(uint64_t a, uint64_t b) { return ir_sem_divw(a, b); }
static uint64_t c_divuw(uint64_t a, uint64_t b) { return ir_sem_divuw(a, b); }
static uint64_t c_remw(uint64_t a, uint64_t b) { return ir_sem_remw(a, b); }
static uint64_t c_remuw(uint64_t a, uint64_t b) { return ir_sem_remuw(a, b); }

/* ---- register allocation ------------------------------------------------- */

#define REG_INSN_COUNT X86_R15
static const int8_t alloc_order[] = {X86_RBX, X86_R13, X86_R14, X86_RSI, X86_RDI, X86_R8,
                                     X86_R9,  X86_R10, X86_R11, X86_RCX, X86_RDX};
#define N_ALLOC ((int)(sizeof alloc_order / sizeof alloc_order[0]))

static bool caller_saved(int r) {
    return r == X86_RSI || r == X86_RDI || (r >= X86_R8 && r <= X86_R11) || r == X86_RCX || r == X86_RDX;
}

typedef struct Fixup {
    size_t at;       /* rel32 field */
    uint32_t label;
} Fixup;

typedef struct FaultStub {
    size_t at;       /* rel32 of the jcc */
    uint32_t kind;   /* CpuFaultKind */
    uint32_t site;   /* the access's fault site */
    int addr;        /* register holding the guest address */
} FaultStub;

/* A guest access in native code, and the dirty globals live in host
 * registers right there. */
/* The out-of-line helper call of an IR_fpfast whose fast path failed. */
typedef struct FpSlow {
    size_t jumps[4];     /* jcc rel32s into the slow path */
    uint32_t n_jumps;
    size_t join;         /* where the result goes back */
    int ra, rb;
    int rd;              /* if not rax: the slow path moves the result there (the fast path wrote it directly) */
    uint32_t saved;      /* caller-saved registers holding values (bit per reg) */
    int64_t imm;
    IrHelperFn fn;
} FpSlow;

/* System mode: the out-of-line TLB miss path of one guest load/store. */
typedef struct MemSlow {
    size_t jcc;          /* the tag compare's jne */
    size_t join;         /* back to the fast path (loads: result in rax) */
    uint32_t site;       /* dirty globals to write back (sites[]) */
    uint32_t saved;      /* caller-saved registers holding values */
    int rv;              /* stores: the value register */
    uint8_t size, mmu_idx;
    bool store;
    X86Load kind;        /* loads: how to extend the raw bytes */
} MemSlow;

typedef struct JitnSite {
    uint32_t off;      /* host offset of the access instruction */
    uint16_t insn;     /* guest insn index */
    uint16_t n_pairs;
    uint32_t first_pair;
} JitnSite;

typedef struct JitnMeta {
    JitnState *js;
    uint32_t index_pos;    /* in js->index_* */
    uint32_t n_sites;
    JitnSite *sites;
    uint8_t (*pairs)[2];   /* (global, host register | PAIR_LAZY) */
    uint32_t loop_head;    /* self loop with carried registers: offset of the loop head, else 0 */
} JitnMeta;

/* Globals kept in host registers around a self loop's back edge. */
typedef struct Carry {
    uint32_t n;
    IrVal g[16];
    int8_t r[16];
} Carry;

/* The back edge of a self loop taken by a conditional branch: the jcc goes
 * to an out-of-line stub that puts the carried globals in place. */
typedef struct CarryEdge {
    size_t jcc;         /* rel32 of the jcc */
    uint32_t slot;
    int8_t where[16];   /* per carried global: its register at the jcc, or -1 (memory) */
    uint8_t lazy[16];
} CarryEdge;

#define PAIR_LAZY 0x80 /* the register holds only the low 32 bits: sign-extend them */

typedef struct Jc {
    CpuState *cpu;
    Tb *tb;
    const IrBlock *b;
    JitnState *js;
    X86Buf x;
    uint32_t ng, nv;
    int8_t *reg_of;      /* per value: host register or -1 */
    uint8_t *dirty;      /* per value: register newer than memory */
    uint8_t *lazy;       /* per value in a register: only its low 32 bits are there (see below) */
    uint8_t *is32;       /* per value: known to be the sign extension of its low 32 bits */
    IrVal holder[16];    /* per host register */
    uint16_t *slot_of;   /* per temp: memory home slot */
    uint32_t *last_use;  /* per temp */
    /* liveness (see compute_liveness) */
    uint32_t *nr, *nd;   /* per value: next read / next definition at or after cur, or NEVER */
    uint32_t (*src_nr)[3], (*src_nd)[3]; /* per insn and input: that value's next read / definition after it */
    uint32_t *def_nr, *def_nd;           /* per insn: its result's first read / next redefinition */
    uint32_t *next_obs;  /* per insn: the first insn at or after it that can observe guest state */
    uint32_t *next_sync; /* per insn: the first at or after it that needs every global in memory */
    uint32_t cur;        /* index of the IR insn being lowered */
    uint32_t reserved;   /* registers the current op uses as scratch (bit per reg) */
    uint32_t pinned;     /* registers holding the current op's inputs and result (bit per reg) */
    uint32_t cur_insn;   /* guest insn index */
    size_t *label_at;
    size_t *fused_jcc;   /* per label: rel32 of a jcc that is that label's goto_tb jump, or 0 */
    Fixup *fixups;
    uint32_t n_fixups, cap_fixups;
    FaultStub *faults;
    uint32_t n_faults, cap_faults;
    JitnSite *sites;
    uint32_t n_sites, cap_sites;
    FpSlow *slows;
    uint32_t n_slows, cap_slows;
    MemSlow *mslows;
    uint32_t n_mslows, cap_mslows;
    /* self loops (see "Self loops") */
    const Carry *carry;    /* second pass: globals carried around the back edge */
    bool self_seen;        /* first pass: the state at the back edge was noted */
    IrVal self_holder[16]; /* first pass: globals in registers at the back edge */
    size_t head_stop;      /* rel32 of the loop head's jump to its stop path */
    CarryEdge edge;
    bool has_edge;
    size_t loop_head;      /* second pass: offset of the loop head */
    size_t loop_bytes;     /* code on the way round the loop (entry or head to back edge, and its stub) */
    uint8_t (*pairs)[2];
    uint32_t n_pairs, cap_pairs;
} Jc;

static int32_t home_off(const Jc *j, IrVal v) {
    return v < j->ng ? SLOT_OFF(v) : SLOT_OFF(j->slot_of[v - j->ng]);
}

/* ---- liveness --------------------------------------------------------------
 *
 * One backward pass over the block gives, for every insn, when each value
 * it reads is next read or redefined, and when the guest state can next be
 * observed (a raising op, a branch, a label, an exit, a helper that looks at
 * guest state).  While lowering, nr/nd hold that for the current version of
 * every value, so the allocator knows each register's fate:
 *
 *   READ    read again later (furthest next read is evicted first)
 *   UNREAD  a global not read again in the block, but its value may still
 *           be observed: by a raising op (the fault site finds it in its
 *           register), or at a sync point (a branch, a label, an exit, a
 *           helper that looks at guest state) where it must be in memory
 *   DEAD    a temp past its last read, or a global redefined before
 *           anything can observe it: the register is free, nothing stored
 *
 * Labels only go forward and the block's linear order is followed: a global
 * read after a label through a branch is covered because the branch itself
 * observes (everything dirty is written back there). */

#define NEVER UINT32_MAX

static bool observes_state(const IrInsn *in) {
    uint32_t f = ir_op_info[in->op].flags;
    if (f & (IR_F_TERM | IR_F_BRANCH | IR_F_RAISE | IR_F_RG | IR_F_WG)) return true;
    if (in->op == IR_label) return true;
    return in->op == IR_call && (in->cflags & (IR_H_RG | IR_H_WG | IR_H_RAISE | IR_H_MEM | IR_H_NORET));
}

/* Does lowering `in` write every dirty global home first (sync_globals)? */
static bool syncs_globals(const IrInsn *in) {
    uint32_t f = ir_op_info[in->op].flags;
    if (f & (IR_F_TERM | IR_F_BRANCH) || in->op == IR_label) return true;
    return in->op == IR_call && (in->cflags & (IR_H_RG | IR_H_WG | IR_H_RAISE | IR_H_MEM));
}

static bool is_value(IrVal v) { return v != IR_VAL_NONE && v != IR_VAL_IMM; }

static void compute_liveness(Jc *j) {
    const IrBlock *b = j->b;
    for (uint32_t v = 0; v < j->nv; v++) j->nr[v] = j->nd[v] = NEVER;
    j->next_obs[b->n_insns] = j->next_sync[b->n_insns] = NEVER;
    for (uint32_t i = b->n_insns; i-- > 0;) {
        const IrInsn *in = &b->insns[i];
        const IrOpInfo *info = &ir_op_info[in->op];
        j->next_obs[i] = observes_state(in) ? i : j->next_obs[i + 1];
        j->next_sync[i] = syncs_globals(in) ? i : j->next_sync[i + 1];
        if (info->n_out && in->dst != IR_VAL_NONE) {
            j->def_nr[i] = j->nr[in->dst];
            j->def_nd[i] = j->nd[in->dst];
            j->nr[in->dst] = NEVER;
            j->nd[in->dst] = i;
        }
        for (int s = 0; s < 3; s++) {
            if (!is_value(in->src[s])) continue;
            j->src_nr[i][s] = j->nr[in->src[s]];
            j->src_nd[i][s] = j->nd[in->src[s]];
        }
        for (int s = 0; s < 3; s++)
            if (is_value(in->src[s])) j->nr[in->src[s]] = i;
    }
}

/* After insn i: its inputs and result move on to their next events. */
static void advance_liveness(Jc *j, const IrInsn *in, uint32_t i) {
    for (int s = 0; s < 3; s++) {
        if (!is_value(in->src[s])) continue;
        j->nr[in->src[s]] = j->src_nr[i][s];
        j->nd[in->src[s]] = j->src_nd[i][s];
    }
    if (ir_op_info[in->op].n_out && in->dst != IR_VAL_NONE) {
        j->nr[in->dst] = j->def_nr[i];
        j->nd[in->dst] = j->def_nd[i];
    }
}

enum { FATE_READ, FATE_UNREAD, FATE_DEAD };

/* v's fate seen from insn p, given its next read and next definition. */
static int fate(const Jc *j, IrVal v, uint32_t nr, uint32_t nd, uint32_t p) {
    if (nr != NEVER) return FATE_READ;
    if (v >= j->ng || (j->b->env->globals[v].flags & IR_GLOBAL_ZERO)) return FATE_DEAD;
    return nd < j->next_obs[p] ? FATE_DEAD : FATE_UNREAD;
}

static int fate_now(const Jc *j, IrVal v) { return fate(j, v, j->nr[v], j->nd[v], j->cur); }

/* The fate of the current insn's input s once the insn is done. */
static int fate_after(const Jc *j, const IrInsn *in, int s) {
    return fate(j, in->src[s], j->src_nr[j->cur][s], j->src_nd[j->cur][s], j->cur + 1);
}

/* ---- register allocation ------------------------------------------------- */

static void reg_free(Jc *j, int r) {
    IrVal v = j->holder[r];
    if (v != IR_VAL_NONE) {
        j->reg_of[v] = -1;
        j->lazy[v] = 0;
    }
    j->holder[r] = IR_VAL_NONE;
}

/* Lazy sign extension.  A 32-bit op (addw, shlw, ...) leaves its result in
 * a register with only the low 32 bits valid (lazy[v]): the value is their
 * sign extension, done by one movsxd when something needs all 64 bits (a
 * 64-bit op, an address, a compare, a store home, a helper argument).
 * Ops that read only the low 32 bits take lazy inputs as they are (use32),
 * and and/or/xor of two values known to be sign-extended 32-bit ones
 * (is32) stay lazy.  Fault sites mark lazy registers so the fault handler
 * extends them too. */
static void materialize(Jc *j, IrVal v) {
    int r = j->reg_of[v];
    if (r >= 0 && j->lazy[v]) {
        x86_movsxd(&j->x, r, r);
        j->lazy[v] = 0;
    }
}

/* Globals may have changed behind the block's back (a label, a helper that
 * writes guest state): nothing is known about them any more. */
static void forget_is32(Jc *j) {
    for (uint32_t g = 0; g < j->ng; g++) j->is32[g] = (j->b->env->globals[g].flags & IR_GLOBAL_ZERO) != 0;
}

static void store_home(Jc *j, int r, IrVal v) {
    materialize(j, v);
    x86_store(&j->x, 8, r, X86_RBP, X86_NOREG, home_off(j, v));
}

/* Write a register's value home if memory is behind and anyone can still
 * see it. */
static void reg_writeback(Jc *j, int r) {
    IrVal v = j->holder[r];
    if (v == IR_VAL_NONE || !j->dirty[v]) return;
    if (fate_now(j, v) != FATE_DEAD) store_home(j, r, v);
    j->dirty[v] = 0;
}

/* Empty register r for another use: its value goes home first if needed. */
static void reg_spill(Jc *j, int r) {
    reg_writeback(j, r);
    reg_free(j, r);
}

static bool allocatable(const Jc *j, int r) { return !((j->reserved | j->pinned) >> r & 1); }

/* A free register, else the one whose value costs least to give up: dead
 * or clean and unread (nothing to do), dirty and unread with a sync point
 * ahead (a store that is due anyway), else the value needed furthest in
 * the future (clean first).  A dirty unread global that dies before the
 * next sync point costs a store if evicted, none if it stays. */
static int reg_alloc(Jc *j) {
    for (int k = 0; k < N_ALLOC; k++)
        if (j->holder[alloc_order[k]] == IR_VAL_NONE && allocatable(j, alloc_order[k])) return alloc_order[k];
    int best = -1;
    uint64_t best_score = 0;
    for (int k = 0; k < N_ALLOC; k++) {
        int r = alloc_order[k];
        if (!allocatable(j, r)) continue;
        IrVal v = j->holder[r];
        int f = fate_now(j, v);
        uint64_t score;
        if (f == FATE_DEAD || (f == FATE_UNREAD && !j->dirty[v])) {
            best = r;
            break;
        }
        if (f == FATE_UNREAD && j->nd[v] >= j->next_sync[j->cur]) score = UINT64_MAX;
        else if (f == FATE_UNREAD) score = (uint64_t)(j->nd[v] - j->cur) * 2 + 1;
        else score = (uint64_t)(j->nr[v] - j->cur) * 2 + !j->dirty[v];
        if (best < 0 || score > best_score) {
            best = r;
            best_score = score;
        }
    }
    if (best < 0) abort(); /* cannot happen: more registers than inputs + scratch */
    reg_spill(j, best);
    return best;
}

static void pin(Jc *j, int r) {
    if (r >= 0) j->pinned |= 1u << r;
}

/* A register whose low 32 bits are v's (loaded from its home if needed),
 * kept for this op. */
static int use32(Jc *j, IrVal v) {
    int r = j->reg_of[v];
    if (r < 0) {
        r = reg_alloc(j);
        if (v < j->ng && (j->b->env->globals[v].flags & IR_GLOBAL_ZERO)) x86_alu_rr(&j->x, X86_XOR, false, r, r);
        else x86_load(&j->x, X86_LD64, r, X86_RBP, X86_NOREG, home_off(j, v));
        j->holder[r] = v;
        j->reg_of[v] = (int8_t)r;
        j->dirty[v] = 0;
        j->lazy[v] = 0;
    }
    pin(j, r);
    return r;
}

/* A register holding all of v. */
static int use(Jc *j, IrVal v) {
    int r = use32(j, v);
    materialize(j, v);
    return r;
}

static bool is_lazy(const Jc *j, IrVal v) { return is_value(v) && j->reg_of[v] >= 0 && j->lazy[v]; }

/* dst = all of v's register */
static void copy_full(Jc *j, int dst, IrVal v) {
    if (j->lazy[v]) x86_movsxd(&j->x, dst, j->reg_of[v]);
    else x86_mov_rr(&j->x, true, dst, j->reg_of[v]);
}

/* rax = v (without caching v in a register if it is not in one). */
static void load_rax(Jc *j, IrVal v) {
    if (j->reg_of[v] >= 0) copy_full(j, X86_RAX, v);
    else x86_load(&j->x, X86_LD64, X86_RAX, X86_RBP, X86_NOREG, home_off(j, v));
}

/* Is a result for v worth a register (not x0, not a temp nobody reads)? */
static bool wants_reg(const Jc *j, IrVal v) {
    if (v == IR_VAL_NONE) return false;
    if (v < j->ng) return !(j->b->env->globals[v].flags & IR_GLOBAL_ZERO);
    return j->def_nr[j->cur] != NEVER || j->reg_of[v] >= 0;
}

/* v's new value is in r (all of it, or only the low 32 bits if lazy). */
static void def_reg_lazy(Jc *j, IrVal v, int r, bool lazy) {
    if (r == X86_RAX) return;
    j->holder[r] = v;
    j->reg_of[v] = (int8_t)r;
    j->dirty[v] = 1;
    j->lazy[v] = lazy;
    pin(j, r);
}

static void def_reg(Jc *j, IrVal v, int r) { def_reg_lazy(j, v, r, false); }

/* The register that will receive v's new value (rax if it needs none).
 * Call after the sources are in registers; finish with def_reg. */
static int dst_reg(Jc *j, IrVal v) {
    if (!wants_reg(j, v)) return X86_RAX;
    int r = j->reg_of[v] >= 0 ? j->reg_of[v] : reg_alloc(j);
    pin(j, r);
    return r;
}

/* dst = rax */
static void def_rax(Jc *j, IrVal v) {
    if (!wants_reg(j, v)) return;
    int r = dst_reg(j, v);
    x86_mov_rr(&j->x, true, r, X86_RAX);
    def_reg(j, v, r);
}

/* Can input s of the current insn give its register to the result?  Only
 * if nothing needs the value there afterwards.  A dirty unread global is
 * stored first: fine if that store is due anyway (a sync point comes
 * before it is redefined), else only if no register is free (otherwise it
 * stays where raising ops find it until it dies). */
static bool can_hand_over(const Jc *j, const IrInsn *in, int s) {
    IrVal v = in->src[s];
    if (!is_value(v) || v == in->dst || j->reg_of[v] < 0) return false;
    int f = fate_after(j, in, s);
    if (f == FATE_READ) return false;
    if (f == FATE_DEAD || !j->dirty[v] || j->src_nd[j->cur][s] >= j->next_sync[j->cur + 1]) return true;
    for (int k = 0; k < N_ALLOC; k++) /* a free register is cheaper than that store */
        if (j->holder[alloc_order[k]] == IR_VAL_NONE && allocatable(j, alloc_order[k])) return false;
    return true;
}

/* Take input s's register for the result (can_hand_over said yes). */
static int hand_over(Jc *j, const IrInsn *in, int s) {
    IrVal v = in->src[s];
    int r = j->reg_of[v];
    if (j->dirty[v] && fate_after(j, in, s) == FATE_UNREAD) store_home(j, r, v);
    j->dirty[v] = 0;
    reg_free(j, r);
    pin(j, r);
    return r;
}

/* The result register for an op whose input s may give up its register. */
static int dst_reg_from(Jc *j, const IrInsn *in, int s) {
    IrVal d = in->dst;
    if (!wants_reg(j, d)) return X86_RAX;
    if (j->reg_of[d] < 0 && can_hand_over(j, in, s)) return hand_over(j, in, s);
    return dst_reg(j, d);
}

static void sync_globals(Jc *j) {
    for (int r = 0; r < 16; r++) {
        IrVal v = j->holder[r];
        if (v != IR_VAL_NONE && v < j->ng) reg_writeback(j, r);
    }
}

static void forget_all(Jc *j) {
    for (int r = 0; r < 16; r++) reg_free(j, r);
}

/* Scratch registers an op needs beyond rax. */
static uint32_t scratch_of(const IrInsn *in) {
    const uint32_t rcx = 1u << X86_RCX, rdx = 1u << X86_RDX;
    switch ((IrOp)in->op) {
    case IR_shl: case IR_shr: case IR_sar: case IR_shlw: case IR_shrw: case IR_sarw: case IR_rotr: case IR_rotrw:
        return in->src[1] == IR_VAL_IMM ? 0 : rcx;
    case IR_mul: case IR_mulw:
        return in->src[1] == IR_VAL_IMM ? rcx : 0;
    case IR_fpfast:
        return rcx;
    case IR_mulh: case IR_mulhu: case IR_goto_ptr:
        return rcx | rdx;
    default:
        if ((ir_op_info[in->op].flags & IR_F_IMM_B) && in->src[1] == IR_VAL_IMM && !x86_fits_i32(in->imm)) return rcx;
        return 0;
    }
}

/* Empty the registers in mask (writing back what must survive) and keep
 * them out of allocation until the op is done. */
static void reserve(Jc *j, uint32_t mask) {
    for (int r = 0; r < 16; r++)
        if (mask >> r & 1) reg_spill(j, r);
    j->reserved = mask;
}

/* After the current insn: registers of inputs nobody needs any more are
 * free (nothing is stored for them: an unread dirty global stays). */
static void release_after(Jc *j, const IrInsn *in) {
    for (int s = 0; s < 3; s++) {
        IrVal v = in->src[s];
        if (!is_value(v) || v == in->dst || j->reg_of[v] < 0) continue;
        int f = fate(j, v, j->nr[v], j->nd[v], j->cur + 1);
        if (f == FATE_DEAD || (f == FATE_UNREAD && !j->dirty[v])) {
            j->dirty[v] = 0;
            reg_free(j, j->reg_of[v]);
        }
    }
}

/* Before a call: caller-saved registers lose their contents, and if the
 * callee may look at guest state (or raise), memory must hold every global. */
static void before_call(Jc *j, bool callee_sees_globals, bool callee_writes_globals) {
    if (callee_sees_globals) sync_globals(j);
    for (int r = 0; r < 16; r++) {
        IrVal v = j->holder[r];
        if (v == IR_VAL_NONE) continue;
        if (caller_saved(r)) {
            reg_spill(j, r);
        } else if (callee_writes_globals && v < j->ng) {
            reg_free(j, r);
        }
    }
}

/* Argument register `ar` = value v (after before_call). */
static void arg_load(Jc *j, int ar, IrVal v) {
    if (v == IR_VAL_NONE) return;
    if (j->reg_of[v] >= 0) copy_full(j, ar, v);
    else x86_load(&j->x, X86_LD64, ar, X86_RBP, X86_NOREG, home_off(j, v));
}

static void store_insn_count(X86Buf *x) { x86_store(x, 8, REG_INSN_COUNT, X86_RBP, X86_NOREG, OFF(insn_count)); }

static void call_abs(Jc *j, const void *fn) {
    store_insn_count(&j->x); /* the callee may read it (instret) or raise */
    x86_mov_ri(&j->x, X86_RAX, (uint64_t)(uintptr_t)fn);
    x86_call_reg(&j->x, X86_RAX);
}

/* cur_tb and cur_op for a helper that may raise */
static void record_insn(Jc *j) {
    x86_mov_ri(&j->x, X86_RAX, (uint64_t)(uintptr_t)j->tb);
    x86_store(&j->x, 8, X86_RAX, X86_RBP, X86_NOREG, OFF(cur_tb));
    x86_store_imm64(&j->x, X86_RBP, OFF(cur_op), (int32_t)(j->cur_insn + 1));
}

static void add_fixup(Jc *j, size_t at, uint32_t label) {
    if (j->n_fixups == j->cap_fixups) {
        j->cap_fixups = j->cap_fixups ? 2 * j->cap_fixups : 16;
        j->fixups = realloc(j->fixups, j->cap_fixups * sizeof(Fixup));
        if (!j->fixups) abort();
    }
    j->fixups[j->n_fixups++] = (Fixup){at, label};
}

/* Record a fault site at the current offset: the next instruction is the access. */
static uint32_t add_site(Jc *j) {
    if (j->n_sites == j->cap_sites) {
        j->cap_sites = j->cap_sites ? 2 * j->cap_sites : 16;
        j->sites = realloc(j->sites, j->cap_sites * sizeof(JitnSite));
        if (!j->sites) abort();
    }
    JitnSite *s = &j->sites[j->n_sites];
    s->off = (uint32_t)x86_offset(&j->x);
    s->insn = (uint16_t)j->cur_insn;
    s->first_pair = j->n_pairs;
    s->n_pairs = 0;
    for (int r = 0; r < 16; r++) {
        IrVal v = j->holder[r];
        if (v == IR_VAL_NONE || v >= j->ng || !j->dirty[v]) continue;
        if (j->n_pairs == j->cap_pairs) {
            j->cap_pairs = j->cap_pairs ? 2 * j->cap_pairs : 64;
            j->pairs = realloc(j->pairs, j->cap_pairs * 2);
            if (!j->pairs) abort();
        }
        j->pairs[j->n_pairs][0] = (uint8_t)v;
        j->pairs[j->n_pairs][1] = (uint8_t)(r | (j->lazy[v] ? PAIR_LAZY : 0));
        j->n_pairs++;
        s->n_pairs++;
    }
    return j->n_sites++;
}

static void add_fault(Jc *j, size_t at, uint32_t kind, uint32_t site, int addr) {
    if (j->n_faults == j->cap_faults) {
        j->cap_faults = j->cap_faults ? 2 * j->cap_faults : 16;
        j->faults = realloc(j->faults, j->cap_faults * sizeof(FaultStub));
        if (!j->faults) abort();
    }
    j->faults[j->n_faults++] = (FaultStub){at, kind, site, addr};
}

static void jmp_epilogue(Jc *j, uint64_t kind) {
    x86_mov_ri(&j->x, X86_RAX, (uint64_t)(uintptr_t)j->tb | kind);
    size_t at = x86_jmp32(&j->x);
    /* the buffer offset of the epilogue, relative to this block's start */
    int64_t rel = (int64_t)j->js->epilogue - (int64_t)(j->js->used + at + 4);
    int32_t r = (int32_t)rel;
    if (!j->x.overflow) memcpy(j->x.start + at, &r, 4);
}

static void store_pc_imm(Jc *j, uint64_t pc) {
    x86_mov_ri(&j->x, X86_RAX, pc);
    x86_store(&j->x, 8, X86_RAX, X86_RBP, X86_NOREG, OFF(pc));
}

/* ---- self loops -------------------------------------------------------------
 *
 * A TB that jumps back to itself (a loop of one block) keeps some globals
 * in host registers around the back edge instead of storing them at the
 * end of every iteration and loading them again at the start.  It is
 * compiled twice: the first pass notes which globals are in registers at
 * the back edge (the carried set, each in its register), the second
 * starts the body with them there (dirty) and emits
 *
 *   entry:  budget check, insn_count += n; load the carried globals; jmp body
 *   head:   budget check (stop: store them, exit STOP), insn_count += n
 *   body:   ... the block ...
 *   back edge: write the other dirty globals home, move the carried ones
 *           into their registers (a parallel move; rax breaks cycles), then
 *           a patchable jmp: linked to itself it goes to head, unlinked it
 *           reaches the slot's exit stub, which stores the carried globals
 *           and leaves like any goto_tb.
 *
 * A back edge taken by a fused conditional branch jumps to that code out of
 * line; the fall-through (leaving the loop) writes the carried globals
 * home first. */

static bool carried(const Jc *j, IrVal v) {
    if (!j->carry) return false;
    for (uint32_t k = 0; k < j->carry->n; k++)
        if (j->carry->g[k] == v) return true;
    return false;
}

static bool is_self_edge(const Jc *j, const IrInsn *gt) {
    return gt && gt->op == IR_goto_tb && (uint64_t)gt->imm == j->tb->pc;
}

/* First pass: which globals are in registers where the loop goes round. */
static void note_self_edge(Jc *j) {
    if (j->self_seen) return;
    j->self_seen = true;
    for (int r = 0; r < 16; r++) {
        IrVal v = j->holder[r];
        bool g = v != IR_VAL_NONE && v < j->ng && !(j->b->env->globals[v].flags & IR_GLOBAL_ZERO);
        j->self_holder[r] = g ? v : IR_VAL_NONE;
    }
}

/* Write the dirty globals home except the carried ones. */
static void sync_uncarried(Jc *j) {
    for (int r = 0; r < 16; r++) {
        IrVal v = j->holder[r];
        if (v != IR_VAL_NONE && v < j->ng && !carried(j, v)) reg_writeback(j, r);
    }
}

/* Where each carried global is now (register or -1) and whether it is lazy. */
static void carry_snapshot(const Jc *j, int8_t *where, uint8_t *lazy) {
    for (uint32_t k = 0; k < j->carry->n; k++) {
        IrVal g = j->carry->g[k];
        where[k] = j->reg_of[g];
        lazy[k] = where[k] >= 0 && j->lazy[g];
    }
}

/* Put every carried global in its loop register (all 64 bits). */
static void emit_reconcile(Jc *j, const int8_t *where_in, const uint8_t *lazy) {
    X86Buf *x = &j->x;
    const Carry *c = j->carry;
    int8_t where[16];
    bool pending[16];
    for (uint32_t k = 0; k < c->n; k++) {
        where[k] = where_in[k];
        if (where[k] >= 0 && lazy[k]) x86_movsxd(x, where[k], where[k]);
        pending[k] = where[k] >= 0 && where[k] != c->r[k];
    }
    for (;;) {
        bool any = false, progress = false;
        for (uint32_t k = 0; k < c->n; k++) {
            if (!pending[k]) continue;
            any = true;
            bool blocked = false; /* another move still reads the destination */
            for (uint32_t m = 0; m < c->n; m++) blocked |= m != k && pending[m] && where[m] == c->r[k];
            if (blocked) continue;
            x86_mov_rr(x, true, c->r[k], where[k]);
            pending[k] = false;
            progress = true;
        }
        if (!any) break;
        if (!progress) { /* only cycles left: park one destination's value in rax */
            uint32_t k = 0;
            while (!pending[k]) k++;
            x86_mov_rr(x, true, X86_RAX, c->r[k]);
            for (uint32_t m = 0; m < c->n; m++)
                if (pending[m] && where[m] == c->r[k]) where[m] = X86_RAX;
        }
    }
    for (uint32_t k = 0; k < c->n; k++)
        if (where[k] < 0) x86_load(x, X86_LD64, c->r[k], X86_RBP, X86_NOREG, home_off(j, c->g[k]));
}

static void store_carried(Jc *j) {
    for (uint32_t k = 0; k < j->carry->n; k++)
        x86_store(&j->x, 8, j->carry->r[k], X86_RBP, X86_NOREG, home_off(j, j->carry->g[k]));
}

/* After the reconcile: the patchable jump round the loop and its exit stub. */
static void emit_back_edge(Jc *j, uint32_t slot) {
    x86_pad_rel32(&j->x, 1);
    j->tb->native_jmp[slot] = (uint32_t)x86_jmp32(&j->x);
    j->tb->native_stub[slot] = (uint32_t)x86_offset(&j->x);
    store_carried(j);
    store_pc_imm(j, j->tb->pc);
    jmp_epilogue(j, EXIT_CHAIN0 + slot);
}

/* ---- lowering ------------------------------------------------------------ */

/* rcx = second operand (register or immediate) */
static void second_operand_rcx(Jc *j, const IrInsn *in) {
    if (in->src[1] == IR_VAL_IMM) x86_mov_ri(&j->x, X86_RCX, (uint64_t)in->imm);
    else x86_mov_rr(&j->x, true, X86_RCX, use(j, in->src[1]));
}

/* Operands of a two-input op (commutative ones possibly swapped): a in
 * register ra; b in register rb, in its memory home (OPERAND_MEM) or the
 * immediate (-1); the result register rd, which may equal ra but never rb
 * (unless a == b). */
typedef struct Operands {
    IrVal a, b;
    int64_t imm;
    int ra, rb, rd;
} Operands;

enum { OPERAND_MEM = -2 };

/* Input s is not in a register and is not read again soon: better used
 * straight from memory than loaded (and something evicted). */
static bool better_from_memory(const Jc *j, const IrInsn *in, int s) {
    IrVal v = in->src[s];
    if (!is_value(v) || j->reg_of[v] >= 0) return false;
    uint32_t n = j->src_nr[j->cur][s];
    return n == NEVER || n >= j->cur + 8;
}

/* narrow: the op reads only the low 32 bits of its inputs (lazy ones are
 * taken as they are). */
static Operands binop_operands(Jc *j, const IrInsn *in, bool allow_mem, bool narrow) {
    int sa = 0, sb = 1;
    IrVal s0 = in->src[0], s1 = in->src[1], d = in->dst;
    if ((ir_op_info[in->op].flags & IR_F_COMMUTE) && is_value(s1) && s1 != s0) {
        /* compute in place: in the result's own register, or in one an
         * input gives up */
        if (s1 == d || (s0 != d && j->reg_of[d] < 0 && !can_hand_over(j, in, 0) && can_hand_over(j, in, 1))) {
            sa = 1;
            sb = 0;
        }
    }
    Operands o;
    o.a = in->src[sa];
    o.b = in->src[sb];
    o.imm = in->imm;
    o.ra = narrow ? use32(j, o.a) : use(j, o.a);
    if (o.b == IR_VAL_IMM) o.rb = -1;
    else if (allow_mem && o.b != o.a && better_from_memory(j, in, sb)) o.rb = OPERAND_MEM;
    else o.rb = narrow ? use32(j, o.b) : use(j, o.b);
    o.rd = dst_reg_from(j, in, sa);
    if (o.rd == o.rb && o.rd != o.ra) o.rd = X86_RAX; /* d = a op d: compute aside */
    return o;
}

/* Move the result to the destination's own register if it was computed
 * aside; lazy: only its low 32 bits are valid. */
static void finish_lazy(Jc *j, IrVal dst, int r, bool lazy) {
    if (r == X86_RAX && wants_reg(j, dst)) {
        int d = dst_reg(j, dst);
        x86_mov_rr(&j->x, true, d, X86_RAX);
        def_reg_lazy(j, dst, d, lazy);
    } else {
        def_reg_lazy(j, dst, r, lazy);
    }
}

static void finish(Jc *j, IrVal dst, int r) { finish_lazy(j, dst, r, false); }

/* `op r, b` where b is a register, its memory home or the immediate (rcx
 * holds a wide one). */
static void alu_second(Jc *j, X86Alu op, bool w, int r, const Operands *o) {
    if (o->rb == OPERAND_MEM) {
        x86_alu_rm(&j->x, op, w, r, X86_RBP, home_off(j, o->b));
    } else if (o->rb >= 0) {
        x86_alu_rr(&j->x, op, w, r, o->rb);
    } else if (x86_fits_i32(o->imm)) {
        x86_alu_ri(&j->x, op, w, r, (int32_t)o->imm);
    } else {
        x86_mov_ri(&j->x, X86_RCX, (uint64_t)o->imm);
        x86_alu_rr(&j->x, op, w, r, X86_RCX);
    }
}

/* Is input s (or the immediate) a sign-extended 32-bit value? */
static bool known32(const Jc *j, const IrInsn *in, int s) {
    IrVal v = in->src[s];
    if (v == IR_VAL_IMM) return x86_fits_i32(in->imm);
    return is_value(v) && j->is32[v];
}

/* add, sub, and, or, xor and their 32-bit forms (w false).  and/or/xor of
 * two sign-extended 32-bit values where one is lazy stay 32-bit too. */
static void lower_alu(Jc *j, const IrInsn *in, X86Alu op, bool w) {
    bool bitwise = op == X86_AND || op == X86_OR || op == X86_XOR;
    bool narrow = !w || (bitwise && known32(j, in, 0) && known32(j, in, 1) &&
                         (is_lazy(j, in->src[0]) || is_lazy(j, in->src[1])));
    Operands o = binop_operands(j, in, true, narrow);
    if (o.rd != o.ra && (op == X86_ADD || op == X86_SUB)) {
        /* three-operand add: lea */
        if (o.rb >= 0 && op == X86_ADD) {
            x86_lea_w(&j->x, !narrow, o.rd, o.ra, o.rb, 0);
            finish_lazy(j, in->dst, o.rd, narrow);
            return;
        }
        /* (negating INT64_MIN wraps to itself, which does not fit a disp32) */
        int64_t disp = op == X86_ADD ? o.imm : (int64_t)(0 - (uint64_t)o.imm);
        if (o.rb == -1 && x86_fits_i32(o.imm) && x86_fits_i32(disp)) {
            x86_lea_w(&j->x, !narrow, o.rd, o.ra, X86_NOREG, (int32_t)disp);
            finish_lazy(j, in->dst, o.rd, narrow);
            return;
        }
    }
    if (o.rd != o.ra) x86_mov_rr(&j->x, !narrow, o.rd, o.ra);
    alu_second(j, op, !narrow, o.rd, &o);
    finish_lazy(j, in->dst, o.rd, narrow);
}

static void lower_shift(Jc *j, const IrInsn *in, X86Shift op, bool w) {
    Operands o = binop_operands(j, in, false, !w);
    if (o.rb >= 0) x86_mov_rr(&j->x, false, X86_RCX, o.rb); /* the count: low bits only */
    bool lazy = !w;
    if (op == X86_ROR && o.rb < 0 && j->js->bmi2) {
        x86_rorx(&j->x, w, o.rd, o.ra, (uint8_t)(o.imm & (w ? 63 : 31)));
    } else if (!w && o.rb < 0 && op == X86_SAR) {
        /* sign-extend first: a 64-bit arithmetic shift keeps it exact */
        x86_movsxd(&j->x, o.rd, o.ra);
        x86_shift_ri(&j->x, op, true, o.rd, (uint8_t)(o.imm & 31));
        lazy = false;
    } else {
        if (o.rd != o.ra) x86_mov_rr(&j->x, w, o.rd, o.ra);
        if (o.rb < 0) x86_shift_ri(&j->x, op, w, o.rd, (uint8_t)(o.imm & (w ? 63 : 31)));
        else x86_shift_cl(&j->x, op, w, o.rd);
        if (!w && o.rb < 0 && op == X86_SHR && (o.imm & 31)) lazy = false; /* bit 31 is clear */
    }
    finish_lazy(j, in->dst, o.rd, lazy);
}

static void lower_setcc(Jc *j, const IrInsn *in, X86Cond cc) {
    Operands o = binop_operands(j, in, true, false);
    alu_second(j, X86_CMP, true, o.ra, &o);
    x86_setcc(&j->x, cc, o.rd);
    x86_ext_rr(&j->x, false, 8, o.rd, o.rd);
    finish(j, in->dst, o.rd);
}

/* dst = src0: the source's register changes hands when the source is not
 * needed there afterwards, or the value is loaded straight into dst's.
 * (Also sext32 of a value already sign-extended.) */
static void lower_mov(Jc *j, const IrInsn *in) {
    IrVal s = in->src[0], d = in->dst;
    if (!wants_reg(j, d) || s == d) return;
    int rd;
    bool lazy = false;
    if (can_hand_over(j, in, 0)) {
        if (j->reg_of[d] >= 0) { /* d's old value is overwritten here */
            j->dirty[d] = 0;
            reg_free(j, j->reg_of[d]);
        }
        if (j->dirty[s] && fate_after(j, in, 0) == FATE_UNREAD) materialize(j, s); /* stored by hand_over */
        lazy = j->lazy[s];
        rd = hand_over(j, in, 0);
    } else if (j->reg_of[s] < 0 && fate_after(j, in, 0) != FATE_READ) {
        rd = dst_reg(j, d);
        x86_load(&j->x, X86_LD64, rd, X86_RBP, X86_NOREG, home_off(j, s));
    } else {
        int rs = use32(j, s);
        lazy = j->lazy[s];
        rd = dst_reg(j, d);
        x86_mov_rr(&j->x, true, rd, rs);
    }
    def_reg_lazy(j, d, rd, lazy);
}

/* sext8/16/32, zext8/16/32 (the extending load of that kind): straight
 * from the input's memory home when it is not in a register and not read
 * again soon, else from its register (only the low 32 bits matter). */
static void lower_ext(Jc *j, const IrInsn *in, X86Load kind) {
    if (!wants_reg(j, in->dst)) return;
    int rd;
    if (better_from_memory(j, in, 0)) {
        rd = dst_reg(j, in->dst);
        x86_load(&j->x, kind, rd, X86_RBP, X86_NOREG, home_off(j, in->src[0]));
    } else {
        int ra = use32(j, in->src[0]);
        rd = dst_reg_from(j, in, 0);
        switch (kind) {
        case X86_LD8S: x86_ext_rr(&j->x, true, 8, rd, ra); break;
        case X86_LD16S: x86_ext_rr(&j->x, true, 16, rd, ra); break;
        case X86_LD32S: x86_movsxd(&j->x, rd, ra); break;
        case X86_LD8U: x86_ext_rr(&j->x, false, 8, rd, ra); break;
        case X86_LD16U: x86_ext_rr(&j->x, false, 16, rd, ra); break;
        default: x86_mov_rr(&j->x, false, rd, ra); break;
        }
    }
    finish(j, in->dst, rd);
}

static void lower_c2(Jc *j, const IrInsn *in, Fn2 fn) {
    before_call(j, false, false);
    arg_load(j, X86_RDI, in->src[0]);
    arg_load(j, X86_RSI, in->src[1]);
    call_abs(j, (const void *)fn);
    def_rax(j, in->dst);
}

/* The register holding the guest address of a load/store (ra itself for
 * a zero offset, else rax), range-checked; every register must already be
 * allocated (the fault site is taken here). */
static int guest_addr(Jc *j, const IrInsn *in, int ra, uint32_t kind) {
    int r = X86_RAX;
    if (in->imm == 0) {
        r = ra;
    } else if (x86_fits_i32(in->imm)) {
        x86_lea(&j->x, X86_RAX, ra, (int32_t)in->imm);
    } else {
        x86_mov_ri(&j->x, X86_RAX, (uint64_t)in->imm);
        x86_alu_rr(&j->x, X86_ADD, true, X86_RAX, ra);
    }
    x86_cmp_mr(&j->x, X86_RBP, OFF(mem_limit), r);
    size_t jcc = x86_jcc32(&j->x, X86_CC_BE);
    add_fault(j, jcc, kind, add_site(j), r);
    return r;
}

static void lower_load(Jc *j, const IrInsn *in, X86Load kind) {
    int ra = use(j, in->src[0]);
    int rd = dst_reg(j, in->dst);
    int addr = guest_addr(j, in, ra, CPU_FAULT_LOAD);
    x86_load(&j->x, kind, rd, X86_R12, addr, 0);
    finish(j, in->dst, rd);
}

static void lower_store(Jc *j, const IrInsn *in, int size) {
    int ra = use(j, in->src[0]);
    int rv = size == 8 ? use(j, in->src[1]) : use32(j, in->src[1]);
    int addr = guest_addr(j, in, ra, CPU_FAULT_STORE);
    x86_store(&j->x, size, rv, X86_R12, addr, 0);
}

/* cmp src0, src1 (register, memory or immediate) */
static void emit_compare(Jc *j, const IrInsn *in) {
    Operands o;
    o.a = in->src[0];
    o.b = in->src[1];
    o.imm = in->imm;
    o.ra = use(j, o.a);
    if (o.b == IR_VAL_IMM) o.rb = -1;
    else if (o.b != o.a && better_from_memory(j, in, 1)) o.rb = OPERAND_MEM;
    else o.rb = use(j, o.b);
    alu_second(j, X86_CMP, true, o.ra, &o);
}

/* The goto_tb right after `label`, if that is all the label leads to. */
static const IrInsn *label_goto_tb(const Jc *j, uint32_t label) {
    for (uint32_t i = j->cur + 1; i + 1 < j->b->n_insns; i++) {
        const IrInsn *in = &j->b->insns[i];
        if (in->op == IR_label && in->aux == label) {
            const IrInsn *next = &j->b->insns[i + 1];
            return next->op == IR_goto_tb ? next : NULL;
        }
    }
    return NULL;
}

/* fused_jcc marker: the label's goto_tb is a carried back edge, done out of line */
#define FUSED_BACK_EDGE ((size_t)-1)

static void lower_branch(Jc *j, const IrInsn *in, X86Cond cc) {
    const IrInsn *gt = label_goto_tb(j, in->aux);
    if (is_self_edge(j, gt) && j->carry && !j->has_edge) {
        note_self_edge(j);
        sync_uncarried(j);
        emit_compare(j, in);
        carry_snapshot(j, j->edge.where, j->edge.lazy);
        j->edge.jcc = x86_jcc32(&j->x, cc);
        j->loop_bytes = x86_offset(&j->x) - j->loop_head;
        j->edge.slot = gt->aux;
        j->has_edge = true;
        j->fused_jcc[in->aux] = FUSED_BACK_EDGE;
        sync_globals(j); /* leaving the loop: the carried globals go home too */
        return;
    }
    if (is_self_edge(j, gt)) note_self_edge(j);
    sync_globals(j);
    emit_compare(j, in);
    if (gt) {
        /* branch straight to the successor TB: this jcc is the goto_tb's
         * patchable jump (its stub is placed at the label) */
        x86_pad_rel32(&j->x, 2);
        size_t at = x86_jcc32(&j->x, cc);
        if (is_self_edge(j, gt)) j->loop_bytes = x86_offset(&j->x);
        j->tb->native_jmp[gt->aux] = (uint32_t)at;
        j->fused_jcc[in->aux] = at;
    } else {
        add_fixup(j, x86_jcc32(&j->x, cc), in->aux);
    }
}

static void lower_goto_tb(Jc *j, const IrInsn *in) {
    uint32_t slot = in->aux;
    const IrInsn *prev = j->cur ? &j->b->insns[j->cur - 1] : NULL;
    bool fused = prev && prev->op == IR_label && j->fused_jcc[prev->aux];
    if (fused && j->fused_jcc[prev->aux] == FUSED_BACK_EDGE) return; /* the jcc's out-of-line stub */
    if (!fused && is_self_edge(j, in)) {
        if (j->carry) {
            int8_t where[16];
            uint8_t lazy[16];
            note_self_edge(j);
            sync_uncarried(j);
            carry_snapshot(j, where, lazy);
            emit_reconcile(j, where, lazy);
            emit_back_edge(j, slot);
            j->loop_bytes = j->tb->native_stub[slot] - j->loop_head;
            return;
        }
        note_self_edge(j);
    }
    sync_globals(j);
    if (fused) {
        /* the jump is the branch's jcc; only the exit stub is needed here */
        x86_patch_rel32(&j->x, j->fused_jcc[prev->aux], x86_offset(&j->x));
    } else {
        x86_pad_rel32(&j->x, 1);
        size_t at = x86_jmp32(&j->x);
        j->tb->native_jmp[slot] = (uint32_t)at;
        if (is_self_edge(j, in)) j->loop_bytes = x86_offset(&j->x);
    }
    j->tb->native_stub[slot] = (uint32_t)x86_offset(&j->x);
    store_pc_imm(j, (uint64_t)in->imm);
    jmp_epilogue(j, EXIT_CHAIN0 + slot);
}

static void lower_goto_ptr(Jc *j, const IrInsn *in) {
    sync_globals(j);
    X86Buf *x = &j->x;
    load_rax(j, in->src[0]); /* the target pc; cpu->pc only matters if we leave */
    /* rcx = tb_jmp_hash(pc) */
    x86_mov_rr(x, true, X86_RCX, X86_RAX);
    x86_shift_ri(x, X86_SHR, true, X86_RCX, 1);
    x86_mov_rr(x, true, X86_RDX, X86_RAX);
    x86_shift_ri(x, X86_SHR, true, X86_RDX, TB_JMP_CACHE_BITS + 1);
    x86_alu_rr(x, X86_XOR, true, X86_RCX, X86_RDX);
    x86_alu_ri(x, X86_AND, false, X86_RCX, TB_JMP_CACHE_SIZE - 1);
    /* rdx = cpu->tbs->jmp_cache[rcx] */
    x86_load(x, X86_LD64, X86_RDX, X86_RBP, X86_NOREG, OFF(tbs));
    x86_shift_ri(x, X86_SHL, true, X86_RCX, 3);
    x86_load(x, X86_LD64, X86_RDX, X86_RDX, X86_RCX, (int32_t)offsetof(TbCache, jmp_cache));
    x86_test_rr(x, X86_RDX, X86_RDX);
    size_t miss1 = x86_jcc32(x, X86_CC_E);
    x86_cmp_mr(x, X86_RDX, (int32_t)offsetof(Tb, pc), X86_RAX);
    size_t miss2 = x86_jcc32(x, X86_CC_NE);
    x86_cmp_mi(x, false, X86_RDX, (int32_t)offsetof(Tb, flags), (int32_t)j->tb->flags);
    size_t miss3 = x86_jcc32(x, X86_CC_NE);
    x86_load(x, X86_LD64, X86_RDX, X86_RDX, X86_NOREG, (int32_t)offsetof(Tb, native));
    x86_test_rr(x, X86_RDX, X86_RDX);
    size_t miss4 = x86_jcc32(x, X86_CC_E);
    x86_add_mi8(x, X86_RBP, OFF(stats.jmp_cache_hits), 1);
    x86_jmp_reg(x, X86_RDX);
    size_t miss = x86_offset(x);
    x86_patch_rel32(x, miss1, miss);
    x86_patch_rel32(x, miss2, miss);
    x86_patch_rel32(x, miss3, miss);
    x86_patch_rel32(x, miss4, miss);
    x86_store(x, 8, X86_RAX, X86_RBP, X86_NOREG, OFF(pc));
    x86_add_mi8(x, X86_RBP, OFF(stats.jmp_cache_misses), 1);
    jmp_epilogue(j, EXIT_LOOKUP);
}

static void lower_exit(Jc *j, const IrInsn *in) {
    sync_globals(j);
    store_pc_imm(j, (uint64_t)in->imm);
    x86_store_imm32(&j->x, X86_RBP, OFF(exit_reason), (int32_t)(in->aux & 0xff));
    x86_store_imm32(&j->x, X86_RBP, OFF(exc_cause), (int32_t)(in->aux >> 8));
    x86_mov_ri(&j->x, X86_RAX, in->aux2);
    x86_store(&j->x, 8, X86_RAX, X86_RBP, X86_NOREG, OFF(exc_tval));
    jmp_epilogue(j, EXIT_LOOP);
}

/* Out-of-line slow paths: keep the caller-saved registers in `mask` across
 * a call (and the stack 16-byte aligned); returns what pop_saved needs. */
static int push_saved(X86Buf *x, uint32_t mask) {
    int n = 0;
    for (int r = 0; r < 16; r++)
        if (mask >> r & 1) {
            x86_push(x, r);
            n++;
        }
    if (n & 1) x86_alu_ri(x, X86_SUB, true, X86_RSP, 8);
    return n;
}

static void pop_saved(X86Buf *x, uint32_t mask, int n) {
    if (n & 1) x86_alu_ri(x, X86_ADD, true, X86_RSP, 8);
    for (int r = 16; r-- > 0;)
        if (mask >> r & 1) x86_pop(x, r);
}

/* ---- system mode: guest memory through the softmmu ---------------------------
 * The TLB fast path inline (core/softmmu.h's tag layout):
 *     rax = vaddr
 *     rcx = cpu + ((vaddr >> 12) & 255) * 32          the entry, less the table offset
 *     rdx = vaddr & (PAGE_MASK | (size - 1))          misaligned never matches
 *     cmp [rcx + tlb(idx) + tag], rdx ; jne slow
 *     rax += [rcx + tlb(idx) + addend] ; access [rax]
 * The slow path (out of line, emit_mem_slow) pushes the live caller-saved
 * registers, writes the dirty globals home, records the insn and calls
 * softmmu_load_slow / softmmu_store_slow, which fill the TLB, reach devices
 * or raise a precise fault; both paths leave the allocator as it was. */
static uint32_t mem_size_log2(IrOp op) {
    switch (op) {
    case IR_ld8u: case IR_ld8s: case IR_st8: return 0;
    case IR_ld16u: case IR_ld16s: case IR_st16: return 1;
    case IR_ld32u: case IR_ld32s: case IR_st32: return 2;
    default: return 3;
    }
}

static X86Load load_kind(IrOp op) {
    switch (op) {
    case IR_ld8u: return X86_LD8U;
    case IR_ld8s: return X86_LD8S;
    case IR_ld16u: return X86_LD16U;
    case IR_ld16s: return X86_LD16S;
    case IR_ld32u: return X86_LD32U;
    case IR_ld32s: return X86_LD32S;
    default: return X86_LD64;
    }
}

/* Offset of tlb[idx][0] from the CpuState (rbp), if it fits a disp32. */
static bool tlb_disp(const Jc *j, uint32_t idx, int32_t *disp) {
    if (idx >= TLB_MMU_IDX_MAX) return false;
    intptr_t d = (intptr_t)((const char *)&j->cpu->smmu->tlb[idx][0] - (const char *)j->cpu);
    if (d < -0x40000000 || d > 0x40000000) return false;
    *disp = (int32_t)d;
    return true;
}

static void lower_sys_mem(Jc *j, const IrInsn *in) {
    X86Buf *x = &j->x;
    IrOp op = (IrOp)in->op;
    bool store = (ir_op_info[op].flags & IR_F_STORE) != 0;
    unsigned size = 1u << mem_size_log2(op);
    int32_t disp;
    if (!tlb_disp(j, in->aux2, &disp)) abort(); /* checked in jitn_prepare */
    int ra = use(j, in->src[0]);
    int rv = store ? (size == 8 ? use(j, in->src[1]) : use32(j, in->src[1])) : -1;
    int rd = store ? -1 : dst_reg(j, in->dst);
    if (in->imm == 0) {
        x86_mov_rr(x, true, X86_RAX, ra);
    } else if (x86_fits_i32(in->imm)) {
        x86_lea(x, X86_RAX, ra, (int32_t)in->imm);
    } else {
        x86_mov_ri(x, X86_RAX, (uint64_t)in->imm);
        x86_alu_rr(x, X86_ADD, true, X86_RAX, ra);
    }
    x86_mov_rr(x, false, X86_RCX, X86_RAX);
    x86_shift_ri(x, X86_SHR, false, X86_RCX, TLB_PAGE_BITS - 5);
    x86_alu_ri(x, X86_AND, false, X86_RCX, (int32_t)((TLB_ENTRIES - 1) << 5));
    x86_alu_rr(x, X86_ADD, true, X86_RCX, X86_RBP);
    x86_mov_rr(x, true, X86_RDX, X86_RAX);
    x86_alu_ri(x, X86_AND, true, X86_RDX, (int32_t)(TLB_PAGE_MASK | (size - 1)));
    x86_cmp_mr(x, X86_RCX, disp + (int32_t)(store ? offsetof(TlbEntry, tag_write) : offsetof(TlbEntry, tag_read)),
               X86_RDX);
    if (j->n_mslows == j->cap_mslows) {
        j->cap_mslows = j->cap_mslows ? 2 * j->cap_mslows : 8;
        j->mslows = realloc(j->mslows, j->cap_mslows * sizeof(MemSlow));
        if (!j->mslows) abort();
    }
    MemSlow *ms = &j->mslows[j->n_mslows++];
    memset(ms, 0, sizeof *ms);
    ms->jcc = x86_jcc32(x, X86_CC_NE);
    ms->site = add_site(j);
    ms->rv = rv;
    ms->size = (uint8_t)size;
    ms->mmu_idx = (uint8_t)in->aux2;
    ms->store = store;
    ms->kind = load_kind(op);
    for (int r = 0; r < 16; r++)
        if (caller_saved(r) && j->holder[r] != IR_VAL_NONE) ms->saved |= 1u << r;
    if (!store && rd != X86_RAX && caller_saved(rd)) ms->saved |= 1u << rd;
    x86_alu_rm(x, X86_ADD, true, X86_RAX, X86_RCX, disp + (int32_t)offsetof(TlbEntry, addend));
    if (store) {
        x86_store(x, (int)size, rv, X86_RAX, X86_NOREG, 0);
        ms->join = x86_offset(x);
        return;
    }
    x86_load(x, ms->kind, X86_RAX, X86_RAX, X86_NOREG, 0);
    ms->join = x86_offset(x);
    if (rd != X86_RAX) x86_mov_rr(x, true, rd, X86_RAX);
    finish(j, in->dst, rd);
}

static void emit_mem_slow(Jc *j, const MemSlow *ms) {
    X86Buf *x = &j->x;
    x86_patch_rel32(x, ms->jcc, x86_offset(x));
    int n = push_saved(x, ms->saved);
    /* guest state precise in memory: the slow path may raise or reach a
     * device; a lazy register is sign-extended in place, which only makes
     * its upper half what it stands for */
    const JitnSite *site = &j->sites[ms->site];
    for (uint32_t p = 0; p < site->n_pairs; p++) {
        const uint8_t *pr = j->pairs[site->first_pair + p];
        int r = pr[1] & 15;
        if (pr[1] & PAIR_LAZY) x86_movsxd(x, r, r);
        x86_store(x, 8, r, X86_RBP, X86_NOREG, SLOT_OFF(pr[0]));
    }
    x86_mov_ri(x, X86_RCX, (uint64_t)(uintptr_t)j->tb);
    x86_store(x, 8, X86_RCX, X86_RBP, X86_NOREG, OFF(cur_tb));
    x86_store_imm64(x, X86_RBP, OFF(cur_op), (int32_t)(site->insn + 1));
    if (ms->store) {
        x86_mov_rr(x, true, X86_RDX, ms->rv);
        x86_mov_rr(x, true, X86_RSI, X86_RAX);
        x86_mov_ri(x, X86_RCX, ms->size);
        x86_mov_ri(x, X86_R8, ms->mmu_idx);
    } else {
        x86_mov_rr(x, true, X86_RSI, X86_RAX);
        x86_mov_ri(x, X86_RDX, ms->size);
        x86_mov_ri(x, X86_RCX, ms->mmu_idx);
    }
    x86_mov_rr(x, true, X86_RDI, X86_RBP);
    call_abs(j, ms->store ? (const void *)softmmu_store_slow : (const void *)softmmu_load_slow);
    /* the raw bytes come back zero-extended */
    switch (ms->kind) {
    case X86_LD8S: x86_ext_rr(x, true, 8, X86_RAX, X86_RAX); break;
    case X86_LD16S: x86_ext_rr(x, true, 16, X86_RAX, X86_RAX); break;
    case X86_LD32S: x86_movsxd(x, X86_RAX, X86_RAX); break;
    default: break;
    }
    pop_saved(x, ms->saved, n);
    size_t at = x86_jmp32(x);
    x86_patch_rel32(x, at, ms->join);
}

static void lower_call(Jc *j, const IrInsn *in) {
    if (in->cflags & IR_H_RAISE) record_insn(j);
    before_call(j, (in->cflags & (IR_H_RG | IR_H_WG | IR_H_RAISE | IR_H_MEM)) != 0, (in->cflags & IR_H_WG) != 0);
    arg_load(j, X86_RSI, in->src[0]);
    arg_load(j, X86_RDX, in->src[1]);
    arg_load(j, X86_RCX, in->src[2]);
    x86_mov_ri(&j->x, X86_R8, (uint64_t)in->imm);
    x86_mov_rr(&j->x, true, X86_RDI, X86_RBP);
    call_abs(j, (const void *)j->b->env->helpers[in->aux].fn);
    if (in->cflags & IR_H_WG) forget_is32(j);
    def_rax(j, in->dst);
}

/* Flags: ZF set unless the binary64 in r is a normal number, i.e. its
 * exponent field e is neither 0 nor 0x7ff: then bits 1-10 of e + 1 (the
 * sign sits above e and catches the carry of 0x7ff + 1) are not all zero. */
static void check_normal(Jc *j, int scratch, int r) {
    X86Buf *x = &j->x;
    if (j->js->bmi2) {
        x86_rorx(x, true, scratch, r, 52);
    } else {
        x86_mov_rr(x, true, scratch, r);
        x86_shift_ri(x, X86_SHR, true, scratch, 52);
    }
    x86_alu_ri(x, X86_ADD, false, scratch, 1);
    x86_test_ri(x, scratch, 0x7fe);
}

/* IR_fpfast: the host SSE operation when the rule in ir_sem.h allows it,
 * otherwise the helper, called out of line with every live caller-saved
 * register pushed, so both paths leave the allocator in the same state. */
static void lower_fpfast(Jc *j, const IrInsn *in) {
    X86Buf *x = &j->x;
    int ra = use(j, in->src[0]);
    int rb = use(j, in->src[1]);
    int rc = use(j, in->src[2]);
    int rd = dst_reg(j, in->dst);
    if (j->n_slows == j->cap_slows) {
        j->cap_slows = j->cap_slows ? 2 * j->cap_slows : 8;
        j->slows = realloc(j->slows, j->cap_slows * sizeof(FpSlow));
        if (!j->slows) abort();
    }
    FpSlow *s = &j->slows[j->n_slows++];
    memset(s, 0, sizeof *s);
    s->ra = ra;
    s->rb = rb;
    s->imm = in->imm;
    s->fn = j->b->env->helpers[in->aux].fn;
    for (int r = 0; r < 16; r++)
        if (caller_saved(r) && j->holder[r] != IR_VAL_NONE) s->saved |= 1u << r;
    if (rd != X86_RAX && caller_saved(rd)) s->saved |= 1u << rd;
    x86_test_ri(x, rc, (int32_t)(in->aux2 >> 8));
    s->jumps[s->n_jumps++] = x86_jcc32(x, X86_CC_E);
    check_normal(j, X86_RAX, ra);
    s->jumps[s->n_jumps++] = x86_jcc32(x, X86_CC_E);
    check_normal(j, X86_RAX, rb);
    s->jumps[s->n_jumps++] = x86_jcc32(x, X86_CC_E);
    x86_movq_xmm(x, true, 0, ra);
    x86_movq_xmm(x, true, 1, rb);
    x86_sse_sd(x, (int)(in->aux2 & 3), 0, 1);
    /* the result straight into its register, unless that holds an input
     * the slow path still needs */
    int out = rd != ra && rd != rb ? rd : X86_RAX;
    s->rd = out == X86_RAX ? X86_RAX : rd;
    x86_movq_xmm(x, false, 0, out);
    check_normal(j, X86_RCX, out);
    s->jumps[s->n_jumps++] = x86_jcc32(x, X86_CC_E);
    if (out == X86_RAX) {
        s->join = x86_offset(x);
        if (rd != X86_RAX) x86_mov_rr(x, true, rd, X86_RAX);
    } else {
        s->join = x86_offset(x);
    }
    finish(j, in->dst, rd);
}

static void emit_fp_slow(Jc *j, const FpSlow *s) {
    X86Buf *x = &j->x;
    for (uint32_t k = 0; k < s->n_jumps; k++) x86_patch_rel32(x, s->jumps[k], x86_offset(x));
    int n = push_saved(x, s->saved);
    x86_mov_rr(x, true, X86_RAX, s->ra);
    x86_mov_rr(x, true, X86_RCX, s->rb);
    x86_mov_rr(x, true, X86_RDI, X86_RBP);
    x86_mov_rr(x, true, X86_RSI, X86_RAX);
    x86_mov_rr(x, true, X86_RDX, X86_RCX);
    x86_mov_ri(x, X86_RCX, 0);
    x86_mov_ri(x, X86_R8, (uint64_t)s->imm);
    call_abs(j, (const void *)s->fn);
    pop_saved(x, s->saved, n);
    if (s->rd != X86_RAX) x86_mov_rr(x, true, s->rd, X86_RAX);
    size_t at = x86_jmp32(x);
    x86_patch_rel32(x, at, s->join);
}

/* Is the result of `in` a sign-extended 32-bit value (read before lowering
 * it: its inputs may be overwritten)? */
static bool result_is32(const Jc *j, const IrInsn *in) {
    switch ((IrOp)in->op) {
    case IR_addw: case IR_subw: case IR_shlw: case IR_shrw: case IR_sarw: case IR_rotrw: case IR_mulw:
    case IR_divw: case IR_divuw: case IR_remw: case IR_remuw:
    case IR_seteq: case IR_setne: case IR_setlt: case IR_setltu: case IR_setge: case IR_setgeu:
    case IR_sext8: case IR_sext16: case IR_sext32: case IR_zext8: case IR_zext16:
    case IR_ld8u: case IR_ld8s: case IR_ld16u: case IR_ld16s: case IR_ld32s:
        return true;
    case IR_movi: return x86_fits_i32(in->imm);
    case IR_mov: return known32(j, in, 0);
    case IR_and: case IR_or: case IR_xor: return known32(j, in, 0) && known32(j, in, 1);
    default: return false;
    }
}

static void lower_insn(Jc *j, const IrInsn *in) {
    X86Buf *x = &j->x;
    switch ((IrOp)in->op) {
    case IR_mov: lower_mov(j, in); break;
    case IR_movi: {
        int rd = dst_reg(j, in->dst);
        x86_mov_ri(x, rd, (uint64_t)in->imm);
        finish(j, in->dst, rd);
        break;
    }
    case IR_add: lower_alu(j, in, X86_ADD, true); break;
    case IR_sub: lower_alu(j, in, X86_SUB, true); break;
    case IR_and: lower_alu(j, in, X86_AND, true); break;
    case IR_or: lower_alu(j, in, X86_OR, true); break;
    case IR_xor: lower_alu(j, in, X86_XOR, true); break;
    case IR_addw: lower_alu(j, in, X86_ADD, false); break;
    case IR_subw: lower_alu(j, in, X86_SUB, false); break;
    case IR_shl: lower_shift(j, in, X86_SHL, true); break;
    case IR_shr: lower_shift(j, in, X86_SHR, true); break;
    case IR_sar: lower_shift(j, in, X86_SAR, true); break;
    case IR_shlw: lower_shift(j, in, X86_SHL, false); break;
    case IR_shrw: lower_shift(j, in, X86_SHR, false); break;
    case IR_sarw: lower_shift(j, in, X86_SAR, false); break;
    case IR_rotr: lower_shift(j, in, X86_ROR, true); break;
    case IR_rotrw: lower_shift(j, in, X86_ROR, false); break;
    case IR_mul:
    case IR_mulw: {
        bool w = in->op == IR_mul;
        Operands o = binop_operands(j, in, false, !w);
        if (o.rb < 0) x86_mov_ri(x, X86_RCX, (uint64_t)in->imm);
        if (o.rd != o.ra) x86_mov_rr(x, w, o.rd, o.ra);
        x86_imul_rr(x, w, o.rd, o.rb < 0 ? X86_RCX : o.rb);
        finish_lazy(j, in->dst, o.rd, !w);
        break;
    }
    case IR_mulh:
    case IR_mulhu:
        load_rax(j, in->src[0]);
        second_operand_rcx(j, in);
        x86_mul_wide(x, in->op == IR_mulh, X86_RCX);
        x86_mov_rr(x, true, X86_RAX, X86_RDX);
        def_rax(j, in->dst);
        break;
    case IR_mulhsu: lower_c2(j, in, c_mulhsu); break;
    case IR_div: lower_c2(j, in, c_div); break;
    case IR_divu: lower_c2(j, in, c_divu); break;
    case IR_rem: lower_c2(j, in, c_rem); break;
    case IR_remu: lower_c2(j, in, c_remu); break;
    case IR_divw: lower_c2(j, in, c_divw); break;
    case IR_divuw: lower_c2(j, in, c_divuw); break;
    case IR_remw: lower_c2(j, in, c_remw); break;
    case IR_remuw: lower_c2(j, in, c_remuw); break;
    case IR_seteq: lower_setcc(j, in, X86_CC_E); break;
    case IR_setne: lower_setcc(j, in, X86_CC_NE); break;
    case IR_setlt: lower_setcc(j, in, X86_CC_L); break;
    case IR_setltu: lower_setcc(j, in, X86_CC_B); break;
    case IR_setge: lower_setcc(j, in, X86_CC_GE); break;
    case IR_setgeu: lower_setcc(j, in, X86_CC_AE); break;
    case IR_sext8: lower_ext(j, in, X86_LD8S); break;
    case IR_sext16: lower_ext(j, in, X86_LD16S); break;
    case IR_sext32:
        if (j->is32[in->src[0]]) lower_mov(j, in);
        else lower_ext(j, in, X86_LD32S);
        break;
    case IR_zext8: lower_ext(j, in, X86_LD8U); break;
    case IR_zext16: lower_ext(j, in, X86_LD16U); break;
    case IR_zext32: lower_ext(j, in, X86_LD32U); break;
    case IR_ld8u: case IR_ld8s: case IR_ld16u: case IR_ld16s: case IR_ld32u: case IR_ld32s: case IR_ld64:
    case IR_st8: case IR_st16: case IR_st32: case IR_st64:
        if (j->cpu->smmu) {
            lower_sys_mem(j, in);
            break;
        }
        switch ((IrOp)in->op) {
        case IR_ld8u: lower_load(j, in, X86_LD8U); break;
        case IR_ld8s: lower_load(j, in, X86_LD8S); break;
        case IR_ld16u: lower_load(j, in, X86_LD16U); break;
        case IR_ld16s: lower_load(j, in, X86_LD16S); break;
        case IR_ld32u: lower_load(j, in, X86_LD32U); break;
        case IR_ld32s: lower_load(j, in, X86_LD32S); break;
        case IR_ld64: lower_load(j, in, X86_LD64); break;
        case IR_st8: lower_store(j, in, 1); break;
        case IR_st16: lower_store(j, in, 2); break;
        case IR_st32: lower_store(j, in, 4); break;
        case IR_st64: lower_store(j, in, 8); break;
        default: break;
        }
        break;
    case IR_ldenv: {
        if (!wants_reg(j, in->dst)) break;
        int rd = dst_reg(j, in->dst);
        x86_load(x, X86_LD64, rd, X86_RBP, X86_NOREG, (int32_t)in->imm);
        finish(j, in->dst, rd);
        break;
    }
    case IR_stenv: x86_store(x, 8, use(j, in->src[0]), X86_RBP, X86_NOREG, (int32_t)in->imm); break;
    case IR_call: lower_call(j, in); break;
    case IR_fpfast: lower_fpfast(j, in); break;
    case IR_label:
        sync_globals(j);
        forget_all(j);
        forget_is32(j);
        j->label_at[in->aux] = x86_offset(x);
        break;
    case IR_br:
        sync_globals(j);
        add_fixup(j, x86_jmp32(x), in->aux);
        break;
    case IR_breq: lower_branch(j, in, X86_CC_E); break;
    case IR_brne: lower_branch(j, in, X86_CC_NE); break;
    case IR_brlt: lower_branch(j, in, X86_CC_L); break;
    case IR_brge: lower_branch(j, in, X86_CC_GE); break;
    case IR_brltu: lower_branch(j, in, X86_CC_B); break;
    case IR_brgeu: lower_branch(j, in, X86_CC_AE); break;
    case IR_insn: j->cur_insn = in->aux; break;
    case IR_goto_tb: lower_goto_tb(j, in); break;
    case IR_goto_ptr: lower_goto_ptr(j, in); break;
    case IR_exit: lower_exit(j, in); break;
    case IR_NUM_OPS: abort();
    }
}

/* Every IR op has a case above (the switch has no default, so the compiler
 * names any missing op); this table lets a unit test check it at run time. */
bool jitn_covers_all_ops(void) {
    for (int op = 0; op < IR_NUM_OPS; op++) {
        switch ((IrOp)op) {
#define IR_OP(name, nout, nin, flags) case IR_##name:
#include "ir/ir_ops.def"
#undef IR_OP
            break;
        default:
            return false;
        }
    }
    return true;
}

/* One compilation of the block into the buffer at js->used (the second
 * pass of a self loop overwrites the first). */
static void emit_tb(Jc *j) {
    const IrBlock *b = j->b;
    Tb *tb = j->tb;
    JitnState *js = j->js;
    j->x = x86_buf(js->wbuf + js->used, js->size - js->used);
    memset(j->reg_of, -1, j->nv);
    memset(j->dirty, 0, j->nv);
    memset(j->lazy, 0, j->nv);
    memset(j->is32, 0, j->nv);
    memset(j->label_at, 0, (b->n_labels + 1) * sizeof(size_t));
    memset(j->fused_jcc, 0, (b->n_labels + 1) * sizeof(size_t));
    for (int r = 0; r < 16; r++) j->holder[r] = IR_VAL_NONE;
    j->n_fixups = j->n_faults = j->n_sites = j->n_slows = j->n_mslows = j->n_pairs = 0;
    j->reserved = j->pinned = 0;
    j->cur_insn = 0;
    j->self_seen = j->has_edge = false;
    compute_liveness(j);
    forget_is32(j);

    X86Buf *x = &j->x;
    /* entry: budget check, retired count */
    x86_cmp_mr(x, X86_RBP, OFF(insn_limit), REG_INSN_COUNT);
    size_t to_stop = x86_jcc32(x, X86_CC_BE);
    x86_alu_ri(x, X86_ADD, true, REG_INSN_COUNT, (int32_t)tb->n_insns);
    const Carry *c = j->carry;
    if (c) {
        for (uint32_t k = 0; k < c->n; k++) {
            x86_load(x, X86_LD64, c->r[k], X86_RBP, X86_NOREG, home_off(j, c->g[k]));
            j->holder[c->r[k]] = c->g[k];
            j->reg_of[c->g[k]] = c->r[k];
            j->dirty[c->g[k]] = 1; /* after a round of the loop they are */
        }
        size_t to_body = x86_jmp32(x);
        j->loop_head = x86_offset(x);
        x86_cmp_mr(x, X86_RBP, OFF(insn_limit), REG_INSN_COUNT);
        j->head_stop = x86_jcc32(x, X86_CC_BE);
        x86_alu_ri(x, X86_ADD, true, REG_INSN_COUNT, (int32_t)tb->n_insns);
        x86_patch_rel32(x, to_body, x86_offset(x));
    }

    for (j->cur = 0; j->cur < b->n_insns && !x->overflow; j->cur++) {
        uint32_t scratch = scratch_of(&b->insns[j->cur]);
        if (j->cpu->smmu && (ir_op_info[b->insns[j->cur].op].flags & (IR_F_LOAD | IR_F_STORE)))
            scratch |= (1u << X86_RCX) | (1u << X86_RDX);   /* the TLB fast path */
        if (scratch) reserve(j, scratch);
        const IrInsn *in = &b->insns[j->cur];
        bool r32 = result_is32(j, in);
        lower_insn(j, in);
        if (ir_op_info[in->op].n_out && in->dst != IR_VAL_NONE) j->is32[in->dst] = r32;
        j->reserved = 0;
        j->pinned = 0;
        advance_liveness(j, in, j->cur);
        release_after(j, in);
    }
    /* out of line: budget stops, the loop's back edge, memory fault stubs */
    x86_patch_rel32(x, to_stop, x86_offset(x));
    store_pc_imm(j, tb->pc);
    jmp_epilogue(j, EXIT_STOP);
    if (c) {
        x86_patch_rel32(x, j->head_stop, x86_offset(x));
        store_carried(j);
        store_pc_imm(j, tb->pc);
        jmp_epilogue(j, EXIT_STOP);
        if (j->has_edge) {
            size_t stub = x86_offset(x);
            x86_patch_rel32(x, j->edge.jcc, stub);
            emit_reconcile(j, j->edge.where, j->edge.lazy);
            emit_back_edge(j, j->edge.slot);
            j->loop_bytes += j->tb->native_stub[j->edge.slot] - stub;
        }
    }
    for (uint32_t k = 0; k < j->n_faults; k++) {
        x86_patch_rel32(x, j->faults[k].at, x86_offset(x));
        const JitnSite *site = &j->sites[j->faults[k].site];
        for (uint32_t p = 0; p < site->n_pairs; p++) {
            const uint8_t *pr = j->pairs[site->first_pair + p];
            int r = pr[1] & 15;
            if (pr[1] & PAIR_LAZY) x86_movsxd(x, r, r);
            x86_store(x, 8, r, X86_RBP, X86_NOREG, SLOT_OFF(pr[0]));
        }
        /* the address register is never lazy: nothing above changed it */
        x86_mov_rr(x, true, X86_RSI, j->faults[k].addr);
        x86_mov_ri(x, X86_RCX, (uint64_t)(uintptr_t)tb);
        x86_store(x, 8, X86_RCX, X86_RBP, X86_NOREG, OFF(cur_tb));
        x86_store_imm64(x, X86_RBP, OFF(cur_op), (int32_t)(site->insn + 1));
        x86_mov_ri(x, X86_RDX, j->faults[k].kind);
        x86_mov_rr(x, true, X86_RDI, X86_RBP);
        call_abs(j, (const void *)jitn_mem_fault);
    }
    for (uint32_t k = 0; k < j->n_slows; k++) emit_fp_slow(j, &j->slows[k]);
    for (uint32_t k = 0; k < j->n_mslows; k++) emit_mem_slow(j, &j->mslows[k]);
    for (uint32_t k = 0; k < j->n_fixups; k++) x86_patch_rel32(x, j->fixups[k].at, j->label_at[j->fixups[k].label]);
}

static bool jitn_prepare(CpuState *cpu, Tb *tb) {
    JitnState *js = cpu->hot_state;
    const IrBlock *b = &tb->ir;
    Jc j;
    memset(&j, 0, sizeof j);
    j.cpu = cpu;
    j.tb = tb;
    j.b = b;
    j.js = js;
    j.ng = b->env->n_globals;
    j.nv = j.ng + b->n_temps;
    j.reg_of = malloc(j.nv);
    j.dirty = calloc(j.nv, 1);
    j.lazy = calloc(j.nv, 1);
    j.is32 = calloc(j.nv, 1);
    j.slot_of = calloc(b->n_temps + 1, sizeof(uint16_t));
    j.last_use = calloc(b->n_temps + 1, sizeof(uint32_t));
    j.label_at = calloc(b->n_labels + 1, sizeof(size_t));
    j.fused_jcc = calloc(b->n_labels + 1, sizeof(size_t));
    j.nr = malloc(j.nv * sizeof(uint32_t));
    j.nd = malloc(j.nv * sizeof(uint32_t));
    j.src_nr = malloc((b->n_insns + 1) * sizeof *j.src_nr);
    j.src_nd = malloc((b->n_insns + 1) * sizeof *j.src_nd);
    j.def_nr = malloc((b->n_insns + 1) * sizeof(uint32_t));
    j.def_nd = malloc((b->n_insns + 1) * sizeof(uint32_t));
    j.next_obs = malloc((b->n_insns + 1) * sizeof(uint32_t));
    j.next_sync = malloc((b->n_insns + 1) * sizeof(uint32_t));
    if (!j.reg_of || !j.dirty || !j.lazy || !j.is32 || !j.slot_of || !j.last_use || !j.label_at || !j.fused_jcc || !j.nr || !j.nd ||
        !j.src_nr || !j.src_nd || !j.def_nr || !j.def_nd || !j.next_obs || !j.next_sync)
        abort();
    bool fits = ir_assign_temp_slots(b, j.ng, CPU_MAX_SLOTS - 1, j.slot_of, j.last_use);
    emit_tb(&j);
    /* a loop of one block: again, with registers carried round the back edge */
    uint32_t n_self = 0;
    for (uint32_t i = 0; i < b->n_insns; i++) n_self += is_self_edge(&j, &b->insns[i]);
    Carry carry[2] = {{0}, {0}};
    if (n_self == 1 && j.self_seen && !j.x.overflow) {
        /* Carry the globals that were in registers at the back edge, in
         * those registers; then once more with where they ended up then
         * (fewer moves on the back edge).  Keep whichever goes round the
         * loop in the least code: under register pressure carried values
         * are evicted before they help and the back edge only adds moves. */
        size_t bytes[3] = {j.loop_bytes, SIZE_MAX, SIZE_MAX};
        int last = 0;
        for (int k = 0; k < 2 && j.self_seen && !j.x.overflow; k++) {
            for (int r = 0; r < 16; r++) {
                if (j.self_holder[r] == IR_VAL_NONE) continue;
                carry[k].g[carry[k].n] = j.self_holder[r];
                carry[k].r[carry[k].n++] = (int8_t)r;
            }
            if (!carry[k].n || (k == 1 && !memcmp(&carry[0], &carry[1], sizeof(Carry)))) break;
            j.carry = &carry[k];
            emit_tb(&j);
            bytes[k + 1] = j.loop_bytes;
            last = k + 1;
        }
        int best = 0;
        for (int k = 1; k < 3; k++)
            if (bytes[k] < bytes[best]) best = k;
        if (best != last && !j.x.overflow) {
            j.carry = best ? &carry[best - 1] : NULL;
            emit_tb(&j);
        }
    }
    X86Buf *x = &j.x;
    bool ok = fits && !x->overflow;
    if (!ok && js->used == js->after_trampoline) {
        /* too big even for an empty buffer: leave it to the interpreter */
        tb->no_promote = true;
    } else if (ok) {
        JitnMeta *m = malloc(sizeof *m + j.n_sites * sizeof(JitnSite) + j.n_pairs * 2);
        if (!m) abort();
        m->n_sites = j.n_sites;
        m->sites = (JitnSite *)(m + 1);
        m->pairs = (uint8_t(*)[2])(void *)(m->sites + j.n_sites);
        if (j.n_sites) memcpy(m->sites, j.sites, j.n_sites * sizeof(JitnSite));
        if (j.n_pairs) memcpy(m->pairs, j.pairs, j.n_pairs * 2);
        m->loop_head = j.carry ? (uint32_t)j.loop_head : 0;
        tb->native_meta = m;
        tb->native_size = (uint32_t)x86_offset(x);
        cpu->stats.native_code_bytes += tb->native_size;
        cpu->stats.native_loops += j.carry != NULL;
        if (js->perf_map)
            fprintf(js->perf_map, "%" PRIxPTR " %x tb_0x%" PRIx64 "\n", (uintptr_t)(js->buf + js->used),
                    tb->native_size, tb->pc);
        if (cpu->log_mask & LOG_OUT_ASM) {
            if (!js->disas) js->disas = host_disas_new(cpu->log);
            fprintf(cpu->log, "OUT: [native, guest pc 0x%" PRIx64 ", %u bytes]\n", tb->pc, tb->native_size);
            if (js->disas) host_disas_print(js->disas, cpu->log, js->buf + js->used, tb->native_size);
            fprintf(cpu->log, "\n");
        }
        if (js->n_index == js->cap_index) {
            js->cap_index = js->cap_index ? 2 * js->cap_index : 1024;
            js->index_start = realloc(js->index_start, js->cap_index * sizeof(uintptr_t));
            js->index_tb = realloc(js->index_tb, js->cap_index * sizeof(Tb *));
            if (!js->index_start || !js->index_tb) abort();
        }
        m->js = js;
        m->index_pos = js->n_index;
        js->index_start[js->n_index] = (uintptr_t)(js->buf + js->used);
        js->index_tb[js->n_index++] = tb;
        /* publish: the code is complete before any jump can reach it */
        __atomic_store_n(&tb->native, js->buf + js->used, __ATOMIC_RELEASE);
        js->used += (tb->native_size + 15) & ~(size_t)15;
    }
    free(j.reg_of);
    free(j.dirty);
    free(j.lazy);
    free(j.is32);
    free(j.slot_of);
    free(j.last_use);
    free(j.nr);
    free(j.nd);
    free(j.src_nr);
    free(j.src_nd);
    free(j.def_nr);
    free(j.def_nd);
    free(j.next_obs);
    free(j.next_sync);
    free(j.label_at);
    free(j.fused_jcc);
    free(j.fixups);
    free(j.faults);
    free(j.sites);
    free(j.pairs);
    free(j.slows);
    free(j.mslows);
    return ok || tb->no_promote;
}

/* ---- chaining ------------------------------------------------------------ */

static void jitn_link(void *cpu_, Tb *from, uint32_t slot, Tb *to) {
    CpuState *cpu = cpu_;
    JitnState *js = cpu->hot_state;
    if (!from->native) return;
    uint8_t *field = (uint8_t *)from->native + from->native_jmp[slot];
    uint8_t *target = (to && to->native) ? (uint8_t *)to->native : (uint8_t *)from->native + from->native_stub[slot];
    const JitnMeta *m = from->native_meta;
    if (to == from && m && m->loop_head) target = (uint8_t *)from->native + m->loop_head; /* round the loop */
    int32_t rel = (int32_t)(target - (field + 4));
    /* one aligned 4-byte store: a racing reader sees the old or the new jump */
    __atomic_store_n((int32_t *)(void *)(js->wbuf + (field - js->buf)), rel, __ATOMIC_RELEASE);
    if (to && to->native) cpu->stats.chain_patches++;
}

/* ---- the tier ------------------------------------------------------------ */

static TbExit jitn_run(CpuState *cpu, Tb *tb, bool chain) {
    (void)chain;
    JitnState *js = cpu->hot_state;
    uint64_t r = js->enter(cpu, tb->native);
    TbExit e = {0};
    e.tb = (Tb *)(uintptr_t)(r & ~(uint64_t)EXIT_KIND_MASK);
    switch (r & EXIT_KIND_MASK) {
    case EXIT_CHAIN0:
    case EXIT_CHAIN1:
        e.kind = TB_EXIT_CHAIN;
        e.slot = (uint32_t)(r & EXIT_KIND_MASK);
        break;
    case EXIT_LOOKUP: e.kind = TB_EXIT_LOOKUP; break;
    case EXIT_LOOP:
        e.kind = TB_EXIT_LOOP;
        e.reason = cpu->exit_reason;
        break;
    default: e.kind = TB_EXIT_STOP; break;
    }
    return e;
}

static void emit_trampoline(JitnState *js) {
    X86Buf b = x86_buf(js->wbuf, js->size);
    static const int8_t saved[] = {X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15};
    for (size_t i = 0; i < sizeof saved; i++) x86_push(&b, saved[i]);
    x86_alu_ri(&b, X86_SUB, true, X86_RSP, 8);
    x86_mov_rr(&b, true, X86_RBP, X86_RDI);
    x86_load(&b, X86_LD64, X86_R12, X86_RBP, X86_NOREG, OFF(mem_base));
    x86_load(&b, X86_LD64, REG_INSN_COUNT, X86_RBP, X86_NOREG, OFF(insn_count));
    x86_jmp_reg(&b, X86_RSI);
    js->epilogue = x86_offset(&b);
    store_insn_count(&b);
    x86_alu_ri(&b, X86_ADD, true, X86_RSP, 8);
    for (size_t i = sizeof saved; i-- > 0;) x86_pop(&b, saved[i]);
    x86_ret(&b);
    js->enter = (uint64_t(*)(CpuState *, void *))(void *)js->buf;
    js->after_trampoline = (x86_offset(&b) + 63) & ~(size_t)63;
    js->used = js->after_trampoline;
}

static bool jitn_init(CpuState *cpu, char *err, size_t err_len) {
    JitnState *js = calloc(1, sizeof *js);
    if (!js) abort();
    js->size = cpu->jit_code_size ? cpu->jit_code_size : JITN_DEFAULT_CODE_SIZE;
    js->bmi2 = !cpu->jit_baseline_x86 && __builtin_cpu_supports("bmi2");
    if (js->size < 4096) js->size = 4096;
    void *p = cpu->jit_wx ? MAP_FAILED
                          : mmap(NULL, js->size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
        js->buf = js->wbuf = p;
    } else {
        /* W^X: the host refuses (or we were told to avoid) writable+executable
         * pages: one memory file, mapped once writable and once executable */
        int fd = memfd_create("vplat-jit", MFD_CLOEXEC);
        void *w = MAP_FAILED, *x = MAP_FAILED;
        if (fd >= 0 && ftruncate(fd, (off_t)js->size) == 0) {
            w = mmap(NULL, js->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            x = mmap(NULL, js->size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
        }
        if (fd >= 0) close(fd);
        if (w == MAP_FAILED || x == MAP_FAILED) {
            if (w != MAP_FAILED) munmap(w, js->size);
            if (x != MAP_FAILED) munmap(x, js->size);
            snprintf(err, err_len, "cannot map %zu bytes of executable memory for native code", js->size);
            free(js);
            return false;
        }
        js->wbuf = w;
        js->buf = x;
    }
    js->fork_fd = -1;
    emit_trampoline(js);
    if (cpu->perf_map) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
        js->perf_map = fopen(path, "a");
        if (js->perf_map) {
            setvbuf(js->perf_map, NULL, _IOLBF, 0);
            fprintf(js->perf_map, "%" PRIxPTR " %zx vplat_trampoline\n", (uintptr_t)js->buf, js->after_trampoline);
        }
    }
    cpu->hot_state = js;
    return true;
}

/* W^X and fork(): both views map one memory file MAP_SHARED, so after a
 * plain fork parent and child would write their code and chaining patches
 * into the same buffer.  Before the fork the parent copies what it has
 * written into a new memory file; the child maps that file over both views
 * at the same addresses (MAP_FIXED), so every code pointer it holds stays
 * valid and from then on it writes only its own copy.  (The RWX buffer is
 * MAP_PRIVATE: fork copies it on write by itself.) */
static void jitn_before_fork(CpuState *cpu) {
    JitnState *js = cpu->hot_state;
    js->fork_fd = -1;
    if (js->wbuf == js->buf) return;
    int fd = memfd_create("vplat-jit", MFD_CLOEXEC);
    if (fd < 0) return;
    bool ok = ftruncate(fd, (off_t)js->size) == 0;
    for (size_t at = 0; ok && at < js->used;) {
        ssize_t n = pwrite(fd, js->wbuf + at, js->used - at, (off_t)at);
        if (n <= 0) ok = false;
        else at += (size_t)n;
    }
    if (!ok) {
        close(fd);
        return;
    }
    js->fork_fd = fd;
}

static bool jitn_after_fork(CpuState *cpu, bool child) {
    JitnState *js = cpu->hot_state;
    if (js->wbuf == js->buf) return true;
    int fd = js->fork_fd;
    js->fork_fd = -1;
    if (!child) {
        if (fd >= 0) close(fd);
        return true;
    }
    bool ok = fd >= 0 &&
              mmap(js->wbuf, js->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) != MAP_FAILED &&
              mmap(js->buf, js->size, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED, fd, 0) != MAP_FAILED;
    if (fd >= 0) close(fd);
    /* false: still (partly) the parent's buffer: the core drops this tier */
    return ok;
}

static void jitn_destroy(CpuState *cpu) {
    JitnState *js = cpu->hot_state;
    if (!js) return;
    if (js->perf_map) fclose(js->perf_map);
    host_disas_free(js->disas);
    free(js->index_start);
    free(js->index_tb);
    if (js->wbuf != js->buf) munmap(js->wbuf, js->size);
    munmap(js->buf, js->size);
    free(js);
    cpu->hot_state = NULL;
}

/* After a full flush no TB has native code: start over behind the trampoline. */
static void jitn_reset(CpuState *cpu) {
    JitnState *js = cpu->hot_state;
    js->used = js->after_trampoline;
    js->n_index = 0;
}

static void jitn_release(Tb *tb) {
    JitnMeta *m = tb->native_meta;
    if (m && m->index_pos < m->js->n_index && m->js->index_tb[m->index_pos] == tb) m->js->index_tb[m->index_pos] = NULL;
    tb->native = NULL;
    free(tb->native_meta);
    tb->native_meta = NULL;
}

/* Host register numbers (X86Reg) to ucontext_t gregs indexes. */
static const int greg_of[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};

/* The TB whose native code contains host_pc (signal-safe: no allocation). */
static Tb *tb_at(const JitnState *js, uintptr_t host_pc) {
    uint32_t lo = 0, hi = js->n_index;
    while (lo < hi) { /* last TB starting at or below host_pc */
        uint32_t mid = (lo + hi) / 2;
        if (js->index_start[mid] <= host_pc) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return NULL;
    Tb *tb = js->index_tb[lo - 1];
    return tb && host_pc - (uintptr_t)tb->native < tb->native_size ? tb : NULL;
}

static bool jitn_fault_state(CpuState *cpu, uintptr_t host_pc, void *uctx) {
    JitnState *js = cpu->hot_state;
    if (!js || host_pc - (uintptr_t)js->buf >= js->size) return false;
    Tb *tb = tb_at(js, host_pc);
    const JitnMeta *m = tb ? tb->native_meta : NULL;
    if (!m) return false;
    uint32_t off = (uint32_t)(host_pc - (uintptr_t)tb->native);
    uint32_t lo = 0, hi = m->n_sites;
    while (lo < hi) { /* sites are in code order */
        uint32_t mid = (lo + hi) / 2;
        if (m->sites[mid].off < off) lo = mid + 1;
        else hi = mid;
    }
    if (lo == m->n_sites || m->sites[lo].off != off) return false;
    const JitnSite *s = &m->sites[lo];
    const ucontext_t *uc = uctx;
    for (uint32_t p = 0; p < s->n_pairs; p++) {
        const uint8_t *pr = m->pairs[s->first_pair + p];
        uint64_t v = (uint64_t)uc->uc_mcontext.gregs[greg_of[pr[1] & 15]];
        cpu->vals[pr[0]] = pr[1] & PAIR_LAZY ? ir_sem_sext32(v) : v;
    }
    cpu->insn_count = (uint64_t)uc->uc_mcontext.gregs[greg_of[REG_INSN_COUNT]];
    cpu->cur_tb = tb;
    cpu->cur_op = (const void *)(uintptr_t)(s->insn + 1);
    return true;
}

static uint32_t jitn_fault_insn(const Tb *tb, const void *cur_op) {
    (void)tb;
    return (uint32_t)(uintptr_t)cur_op - 1;
}

static bool jitn_name_host_pc(const CpuState *cpu, uintptr_t host_pc, char *buf, size_t len) {
    const JitnState *js = cpu->hot_state;
    if (!js || len < 64 || host_pc - (uintptr_t)js->buf >= js->size) return false;
    Tb *tb = tb_at(js, host_pc);
    char hex[20];
    size_t at = 0;
    if (!tb) {
        at = crash_put_str(buf, at, len, host_pc - (uintptr_t)js->buf < js->after_trampoline ? "[native] trampoline" : "[native] code buffer");
        return true;
    }
    /* the guest insn: the last fault site at or before host_pc */
    uint64_t gpc = tb->pc;
    const JitnMeta *m = tb->native_meta;
    uint32_t off = (uint32_t)(host_pc - (uintptr_t)tb->native);
    for (uint32_t k = 0; m && k < m->n_sites && m->sites[k].off <= off; k++)
        if (tb->insn_pc && m->sites[k].insn < tb->n_insns) gpc = tb->insn_pc[m->sites[k].insn];
    at = crash_put_str(buf, at, len, "[native] tb ");
    hex[crash_fmt_hex(hex, tb->pc)] = 0;
    at = crash_put_str(buf, at, len, hex);
    at = crash_put_str(buf, at, len, " guest pc ");
    hex[crash_fmt_hex(hex, gpc)] = 0;
    crash_put_str(buf, at, len, hex);
    return true;
}

const ExecTier jitn_tier = {
    .name = "native",
    .prepare = jitn_prepare,
    .before_fork = jitn_before_fork,
    .after_fork = jitn_after_fork,
    .release = jitn_release,
    .run = jitn_run,
    .fault_insn = jitn_fault_insn,
    .init = jitn_init,
    .destroy = jitn_destroy,
    .link = jitn_link,
    .reset = jitn_reset,
    .fault_state = jitn_fault_state,
    .name_host_pc = jitn_name_host_pc,
};
