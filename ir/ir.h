/* ir.h — vplat's shared intermediate representation.
 *
 * A frontend decodes one guest basic block into an IrBlock: a linear list
 * of IrInsn over 64-bit values.  Values are numbered: ids below n_globals
 * name guest registers (the frontend's IrGlobalInfo table), the rest are
 * block-local temps.  The interpreter and both JITs consume the same
 * optimized block; nothing here knows about any guest architecture.
 *
 *   frontend ─ir_build_*()─▶ IrBlock ─ir_optimize()─▶ IrBlock ─▶ tier
 *
 * Rules the verifier (ir_verify) enforces:
 *   - every temp is defined before it is used (in linear order);
 *   - labels are only branched to forward, and each is placed once;
 *   - at most src[1] of an IR_F_IMM_B op is IR_VAL_IMM;
 *   - a block ends with a terminator (goto_tb, goto_ptr, exit) and every
 *     path reaches one; ops with IR_F_RAISE follow an insn marker.
 * Temps do not carry values across a label: after a label only globals
 * and temps defined after it are read (checked too).
 */
#ifndef VPLAT_IR_H
#define VPLAT_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
    IR_F_IMM_B   = 1u << 0,
    IR_F_COMMUTE = 1u << 1,
    IR_F_OFFSET  = 1u << 2,
    IR_F_LOAD    = 1u << 3,
    IR_F_STORE   = 1u << 4,
    IR_F_SIDE    = 1u << 5,
    IR_F_RAISE   = 1u << 6,
    IR_F_BRANCH  = 1u << 7,
    IR_F_TERM    = 1u << 8,
    IR_F_RG      = 1u << 9,
    IR_F_WG      = 1u << 10,
};

typedef enum IrOp {
#define IR_OP(name, nout, nin, flags) IR_##name,
#include "ir/ir_ops.def"
#undef IR_OP
    IR_NUM_OPS
} IrOp;

typedef struct IrOpInfo {
    const char *name;
    uint8_t n_out;
    uint8_t n_in;
    uint32_t flags;
} IrOpInfo;

extern const IrOpInfo ir_op_info[IR_NUM_OPS];

typedef uint16_t IrVal;
#define IR_VAL_NONE ((IrVal)0xffff)
#define IR_VAL_IMM  ((IrVal)0xfffe)   /* operand is the insn's imm */
#define IR_MAX_VALUES 0xf000

/* Exit reasons carried by IR_exit (low byte of aux; cause in the rest). */
enum {
    IR_EXIT_EXCEPTION = 1,  /* guest exception: cause = aux >> 8, tval = aux2 */
    IR_EXIT_SYSCALL   = 2,  /* environment call into the machine (ecall in user mode) */
    IR_EXIT_BREAK     = 3,  /* breakpoint */
    IR_EXIT_FLUSH     = 4,  /* instruction-cache flush requested (fence.i) */
    IR_EXIT_HALT      = 5,
    IR_EXIT_NEXT      = 6,  /* just return to the loop (e.g. after a state change) */
    IR_EXIT_ARCH      = 7,  /* frontend-defined, handled by the machine (cause says what) */
    IR_EXIT_DEBUG     = 8,  /* a debugger breakpoint at pc (core/debug.h); the insn does not run */
};
#define IR_EXIT_AUX(reason, cause) ((uint32_t)(reason) | ((uint32_t)(cause) << 8))

/* Helper flags (per helper, copied into IrInsn.cflags of a call). */
enum {
    IR_H_PURE   = 1u << 0,  /* no side effect, depends only on inputs: may be removed or folded */
    IR_H_RG     = 1u << 1,  /* reads guest registers / CPU state */
    IR_H_WG     = 1u << 2,  /* writes guest registers / CPU state */
    IR_H_RAISE  = 1u << 3,  /* may raise a guest exception */
    IR_H_MEM    = 1u << 4,  /* touches guest memory */
    IR_H_NORET  = 1u << 5,  /* never returns */
};

/* A helper: dst = fn(cpu, a, b, c, imm). */
typedef uint64_t (*IrHelperFn)(void *cpu, uint64_t a, uint64_t b, uint64_t c, uint64_t imm);

typedef struct IrHelperInfo {
    const char *name;
    IrHelperFn fn;
    uint32_t flags;
} IrHelperInfo;

/* Guest register description supplied by a frontend. */
enum {
    IR_GLOBAL_ZERO = 1u << 0,  /* always reads as zero; writes are dropped */
};
typedef struct IrGlobalInfo {
    const char *name;
    uint32_t flags;
} IrGlobalInfo;

typedef struct IrInsn {
    uint8_t op;       /* IrOp */
    uint8_t cflags;   /* for calls: the helper's IR_H_* flags */
    IrVal dst;
    IrVal src[3];
    int64_t imm;
    uint32_t aux;     /* label id, chain slot, helper index, exit reason, insn index */
    uint32_t aux2;    /* mmu index, cause/tval, insn length */
} IrInsn;

/* The environment a block is built against: register names and helpers. */
typedef struct IrEnv {
    const IrGlobalInfo *globals;
    uint32_t n_globals;
    const IrHelperInfo *helpers;
    uint32_t n_helpers;
} IrEnv;

typedef struct IrBlock {
    const IrEnv *env;
    IrInsn *insns;
    uint32_t n_insns, cap;
    uint32_t n_temps;        /* temps are env->n_globals .. n_globals + n_temps - 1 */
    uint32_t n_labels;
    uint64_t guest_pc;       /* first guest instruction */
    uint32_t guest_size;     /* bytes of guest code covered */
    uint32_t n_guest_insns;  /* insn markers */
} IrBlock;

/* Block lifetime. */
void ir_block_init(IrBlock *b, const IrEnv *env, uint64_t guest_pc);
void ir_block_reset(IrBlock *b, uint64_t guest_pc);
void ir_block_free(IrBlock *b);
void ir_block_copy(IrBlock *dst, const IrBlock *src);

static inline bool ir_is_global(const IrBlock *b, IrVal v) { return v < b->env->n_globals; }
static inline bool ir_is_temp(const IrBlock *b, IrVal v) {
    return v != IR_VAL_NONE && v != IR_VAL_IMM && v >= b->env->n_globals;
}

/* Builder.  Each returns the appended insn (valid until the next append). */
IrVal ir_new_temp(IrBlock *b);
uint32_t ir_new_label(IrBlock *b);
IrInsn *ir_emit(IrBlock *b, IrOp op, IrVal dst, IrVal s0, IrVal s1, IrVal s2, int64_t imm);
IrVal ir_movi(IrBlock *b, int64_t imm);                        /* new temp = imm */
void ir_mov(IrBlock *b, IrVal dst, IrVal src);
void ir_binop(IrBlock *b, IrOp op, IrVal dst, IrVal a, IrVal bv);
void ir_binop_imm(IrBlock *b, IrOp op, IrVal dst, IrVal a, int64_t imm);
void ir_unop(IrBlock *b, IrOp op, IrVal dst, IrVal a);
void ir_load(IrBlock *b, IrOp op, IrVal dst, IrVal addr, int64_t off, uint32_t mmu_idx);
void ir_store(IrBlock *b, IrOp op, IrVal addr, IrVal val, int64_t off, uint32_t mmu_idx);
void ir_call(IrBlock *b, uint32_t helper, IrVal dst, IrVal a, IrVal bv, IrVal c, int64_t imm);
/* dst = binary64 op `kind` (0 add, 1 sub, 2 mul, 3 div) of a, b through
 * helper, with the host fast path when (flags & mask) != 0 (see ir_ops.def). */
void ir_fpfast(IrBlock *b, uint32_t helper, uint32_t kind, uint32_t mask, IrVal dst, IrVal a, IrVal bv,
               IrVal flags, int64_t imm);
void ir_label(IrBlock *b, uint32_t label);
void ir_branch(IrBlock *b, IrOp op, IrVal a, IrVal bv, int64_t imm, uint32_t label);
void ir_insn_marker(IrBlock *b, uint64_t pc, uint32_t len);
void ir_goto_tb(IrBlock *b, uint32_t slot, uint64_t pc);
void ir_goto_ptr(IrBlock *b, IrVal target);
void ir_exit(IrBlock *b, uint64_t pc, uint32_t reason, uint32_t cause, uint32_t tval);

/* Printer (-d op).  One insn per line. */
void ir_print_insn(FILE *out, const IrBlock *b, const IrInsn *in);
void ir_print_block(FILE *out, const IrBlock *b);
void ir_val_name(const IrBlock *b, IrVal v, char *buf, size_t len);

/* Verifier: returns true if well formed; otherwise writes a reason to err. */
bool ir_verify(const IrBlock *b, char *err, size_t err_len);

/* Passes (ir_passes.c).  ir_optimize runs them all in a fixed order. */
void ir_pass_fold_constants(IrBlock *b);   /* constant folding + propagation */
void ir_pass_copy_propagate(IrBlock *b);
void ir_pass_rotates(IrBlock *b);          /* shift-shift-or idioms to rotr / rotrw */
void ir_pass_dead_code(IrBlock *b);         /* dead temps and dead global stores */
void ir_pass_legalize_imm(IrBlock *b);      /* at most src[1] is an immediate */
void ir_optimize(IrBlock *b);

/* Give every temp a slot in [first_slot, end_slot), reusing slots after a
 * temp's last use (ir_slots.c).  slot_of and last_use have n_temps entries
 * (last_use: index of the last insn reading the temp).  false if the block
 * needs more slots than that at once. */
bool ir_assign_temp_slots(const IrBlock *b, uint32_t first_slot, uint32_t end_slot, uint16_t *slot_of,
                          uint32_t *last_use);

/* Evaluate a pure op on constants (shared by folding and the interpreter's tests). */
bool ir_eval_pure(IrOp op, uint64_t a, uint64_t b, uint64_t *out);

#endif
