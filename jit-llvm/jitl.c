/* jitl.c — tier 2: IR regions to LLVM IR, compiled by ORC LLJIT (--jit=llvm).
 *
 * Regions
 *   When a TB gets hot (cpu_exec calls prepare), it becomes the head of a
 *   region: breadth-first along its direct exits (goto_tb targets), every
 *   TB the cache already holds with the same flags, wholly on the head's
 *   page, joins (up to JITL_MAX_REGION_TBS).  A TB is only in the cache
 *   if it ran, and a head that ran a thousand times has seen the paths
 *   that matter, so the region holds the whole loop nest around it rather
 *   than the part that happened to be warm.  Because all members share
 *   the head's page, any invalidation that kills a member kills the head
 *   too, and the region's code (an ORC resource tracker, owned by the
 *   head) is released with it.
 *
 *   Every member is an entry: a member that gets hot itself (a loop
 *   entered in its middle, the return point of a call) is given the
 *   region's function and its case of the entry switch (tb->native,
 *   tb->native_entry) instead of a second compile.
 *
 *   region function  i64 r(CpuState *cpu, i32 entry)
 *     entry:  insn_count → an alloca; switch to tb_<entry>
 *     tb_k:   budget check (count < insn_limit, else exit STOP),
 *             count += n_insns, the guest registers tb_k uses → allocas
 *             (SSA after sroa), then tb_k's IR.  Registers are not carried
 *             in SSA from member to member: every edge writes them back
 *             anyway, and values live across the whole region made LLVM
 *             spill and load every register at each entry (measured with
 *             callgrind: 5-10% more instructions executed, 15-25% more
 *             compile time on coremark_like, sha256, strings).
 *     goto_tb to a member → branch to its tb_k block (a loop, for LLVM);
 *     goto_ptr → a switch on the members' pcs;
 *     anything else → write back, set cpu->pc, and
 *       a direct exit whose TB the loop linked (tb->exit_tb[slot]) to a
 *       TB with LLVM code, or an indirect one whose pc hits the jump
 *       cache (inline) on such a TB → musttail call of that region
 *       function: regions chain without returning, and the stack does not
 *       grow;
 *       otherwise return Tb* | kind to jitl_run: 0/1 direct exit `slot`
 *       of that TB, 2 indirect exit, 3 IR exit (cpu->exit_reason,
 *       exc_cause, exc_tval), 4 budget stop.
 *   LLVM code is never patched: links are read where the exit runs.
 *
 * Compilation
 *   prepare copies the region's IR (and the pcs, instruction counts and Tb
 *   identities the code embeds) into a JitlJob.  With cpu->jit_sync
 *   (deterministic mode, --jit-sync, tests) it is compiled at once;
 *   otherwise it is queued for the compile thread, which owns the LLVM
 *   context, and the CPU goes on in the tier below.  The thread hands the
 *   compiled job back on the done list and drops cpu->insn_limit to 0, so
 *   the CPU reaches a TB boundary, where the loop calls jitl_poll to
 *   install it (head->native).  Only installed regions lend entries to
 *   other hot TBs.  A head freed meanwhile only marks its region
 *   cancelled; the job's code is released when it comes back.  While the
 *   thread runs, only it calls LLVM: dead code goes to it for release.
 *   Around a user-mode fork() the thread is quiesced outside LLVM; the
 *   child compiles on its own thread from then on.
 *
 * Precise state
 *   Guest registers live in allocas; cpu->vals is written only for the
 *   ones changed since the last write-back ("dirty", tracked statically
 *   while lowering; a label merges the dirty sets of its incoming edges,
 *   and every edge between members writes the registers back, so a member
 *   starts clean).  The retired count and cur_tb are tracked the same
 *   way but not written on edges between members.  Write-backs happen
 *   before every exit, before every helper that is not pure (which also
 *   records the guest instruction in cur_op, the count is reloaded after
 *   it), and before a guest access that may fault: in user mode every
 *   access (the host SIGSEGV handler long-jumps out of the access itself;
 *   an empty asm with a memory clobber keeps LLVM from moving the
 *   write-back past it), in system mode only the softmmu slow path (the
 *   inline TLB hit cannot fault).  Helpers that may write guest registers
 *   are followed by a reload.
 */
#define _GNU_SOURCE
#include "jit-llvm/jitl.h"

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/crash.h"
#include "core/host_disas.h"
#include "core/log.h"
#include "core/softmmu.h"
#include "core/tb.h"
#include "jit-llvm/jitl_api.h"

/* The optimization pipeline, chosen by measuring compile time against
 * speed (--stats, bench/run.py).  Regions are single functions without calls
 * to inline, so the function passes that matter: promote the guest
 * registers (sroa), fold, merge redundant computation, simplify the CFG;
 * licm and gvn cost more compile time than they gained (measured on
 * sha256, coremark_like, strings).  The environment variable
 * VPLAT_LLVM_PASSES replaces it (new pass manager syntax), for measuring
 * others. */
#define JITL_PASSES "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg)"

/* Code generation level (LLVMCodeGenOptLevel: 0 none .. 3 aggressive). */
#define JITL_CODEGEN_LEVEL 2

enum { EXIT_CHAIN0 = 0, EXIT_CHAIN1 = 1, EXIT_LOOKUP = 2, EXIT_LOOP = 3, EXIT_STOP = 4, EXIT_KIND_MASK = 15 };

#define OFF(f) ((uint64_t)offsetof(CpuState, f))

typedef uint64_t (*JitlFn)(CpuState *cpu, uint32_t entry);

typedef struct JitlRegion JitlRegion;
typedef struct JitlJob JitlJob;

typedef struct JitlState {
    const JitlApi *api;
    LLVMOrcLLJITRef jit;
    LLVMOrcJITDylibRef dylib;
    LLVMOrcThreadSafeContextRef tsctx;
    LLVMContextRef ctx;
    LLVMTargetMachineRef tm;          /* the passes' cost model: the host CPU */
    LLVMPassBuilderOptionsRef pbo;
    const char *data_layout;
    const char *triple;
    uint64_t next_id;
    uint64_t *compile_ns;             /* per region, sorted (median, p99) */
    uint32_t n_compiles, cap_compiles;
    /* The object transform (note_code_size) measures the function named
     * sizing_name in each object ORC links: the size of its code. */
    const char *sizing_name;
    uint64_t sized_bytes;
    JitlRegion *live;                 /* every installed region: crash reports name their frames */
    FILE *perf_map;                   /* --perf-map: /tmp/perf-PID.map */
    HostDisas *disas;                 /* -d out_asm */
    /* the compile thread (not started with cpu->jit_sync) */
    CpuState *cpu;
    pthread_t thread;
    bool thread_running, stopping;
    bool compiling;                   /* the thread is inside LLVM (compile_job, releasing code) */
    pthread_mutex_t lock;             /* guards the lists, `stopping`, `compiling` and JitlRegion.cancelled */
    pthread_cond_t wake;
    pthread_cond_t idle;              /* signalled when a compile_job ends */
    JitlJob *queue, **queue_tail;     /* waiting to be compiled */
    uint32_t queue_len;
    JitlJob *done;                    /* compiled, waiting for jitl_poll */
    LLVMOrcResourceTrackerRef *dead;  /* code no TB can reach any more, for the thread to release */
    uint32_t n_dead, cap_dead;
} JitlState;

#define JITL_QUEUE_MAX 64

enum { REGION_PENDING, REGION_INSTALLED, REGION_FAILED };

/* A region's life, owned by its head TB (tb->native_meta): PENDING while
 * queued or compiling, then INSTALLED (code in `rt`) or FAILED (the head
 * stays in the tier below).  A head released while PENDING only marks it
 * cancelled: jitl_poll frees it when its job comes back. */
struct JitlRegion {
    const JitlApi *api;
    JitlState *js;
    LLVMOrcResourceTrackerRef rt;
    uint32_t n_tbs;
    int state;
    bool cancelled;
    uint64_t member_pc[JITL_MAX_REGION_TBS]; /* entry k of the function is member_pc[k] */
    uint32_t flags;                   /* the members' TB flags and page */
    uint64_t phys_page;
    const Tb *head;                   /* the owner: a killed head means dead code */
    uint64_t pc;                      /* the head's guest pc */
    uintptr_t code;                   /* the region function's code: [code, code + size) */
    uint64_t size;                    /* 0 if the object did not say */
    JitlRegion *prev, *next;          /* JitlState.live */
};

/* One region to compile: copies of everything the lowering reads, so that
 * the compile thread never reads a Tb (they are identities, embedded as
 * constants) nor the TB cache. */
struct JitlJob {
    JitlJob *next;
    JitlRegion *region;
    uint32_t n;
    uint32_t flags;                   /* the members' TB flags (the head's) */
    Tb *tb[JITL_MAX_REGION_TBS];
    uint64_t pc[JITL_MAX_REGION_TBS];
    uint32_t n_insns[JITL_MAX_REGION_TBS];
    IrBlock ir[JITL_MAX_REGION_TBS];
    char name[40];
    /* results */
    bool ok;
    uint64_t addr;
    uint64_t size;                    /* code bytes, 0 if unknown */
    LLVMOrcResourceTrackerRef rt;
    uint64_t ns;
    char err[300];
};

static int job_member(const JitlJob *job, uint64_t pc) {
    for (uint32_t i = 0; i < job->n; i++)
        if (job->pc[i] == pc) return (int)i;
    return -1;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- helpers called from generated code ---------------------------------- */

static void jitl_mem_fault(CpuState *cpu, uint64_t addr, uint64_t kind) {
    cpu_raise(cpu, cpu->fault_cause[kind], addr);
}

/* ---- region formation ---------------------------------------------------- */

static bool tb_within_page(const Tb *tb) {
    uint64_t last = tb->pc + (tb->guest_size ? tb->guest_size - 1 : 0);
    return ((last ^ tb->pc) & MEM_PAGE_MASK) == 0;
}

static int region_index(Tb *const *tbs, uint32_t n, uint64_t pc) {
    for (uint32_t i = 0; i < n; i++)
        if (tbs[i]->pc == pc) return (int)i;
    return -1;
}

/* Members in breadth-first order from the head (tbs[0]). */
static uint32_t region_collect(CpuState *cpu, Tb *head, Tb **tbs) {
    uint32_t n = 0;
    tbs[n++] = head;
    if (!tb_within_page(head)) return n;
    for (uint32_t k = 0; k < n; k++) {
        const IrBlock *b = &tbs[k]->ir;
        for (uint32_t i = 0; i < b->n_insns && n < JITL_MAX_REGION_TBS; i++) {
            const IrInsn *in = &b->insns[i];
            if (in->op != IR_goto_tb) continue;
            uint64_t pc = (uint64_t)in->imm;
            if (((pc ^ head->pc) & MEM_PAGE_MASK) != 0 || region_index(tbs, n, pc) >= 0) continue;
            Tb *t = cpu->smmu ? tb_lookup_phys(cpu->tbs, pc, head->phys_page, head->flags)
                              : tb_lookup(cpu->tbs, pc, head->flags);
            if (!t || t->invalid || !tb_within_page(t)) continue;
            tbs[n++] = t;
        }
    }
    return n;
}

/* ---- lowering ------------------------------------------------------------- */

typedef struct Lw {
    const JitlApi *api;
    CpuState *cpu;
    LLVMContextRef C;
    LLVMModuleRef M;
    LLVMBuilderRef B;
    LLVMValueRef fn, cpuv;
    LLVMTypeRef t1, t8, t16, t32, t64, t128, tdbl, tptr, tvoid;
    LLVMTypeRef tregion, thelper, tfault, tldslow, tstslow, tbarrier, trot64, trot32;
    LLVMValueRef barrier, rot64, rot32;
    uint32_t n_globals;
    uint32_t n_tracked;      /* n_globals + the two pseudo-globals below */
    LLVMValueRef *gslot;     /* alloca per global the region touches */
    LLVMValueRef count_slot; /* alloca holding cpu->insn_count */
    bool *dirty;             /* n_tracked: alloca newer than cpu->vals; [TRACK_COUNT(w)] the
                              * count newer than cpu->insn_count; [TRACK_CUR_TB(w)] cpu->cur_tb
                              * not yet this member */
    const JitlJob *job;
    LLVMBasicBlockRef *tb_bb;
    /* the member being lowered */
    Tb *tb;                  /* an identity only: never read */
    const IrBlock *ir;
    LLVMValueRef *temps;
    uint32_t insn_idx;
    LLVMBasicBlockRef *label_bb;
    bool *label_dirty;       /* n_labels x n_tracked: union over incoming edges */
    char err[160];
} Lw;

#define TRACK_COUNT(w) ((w)->n_globals)
#define TRACK_CUR_TB(w) ((w)->n_globals + 1)

static LLVMValueRef k64(Lw *w, uint64_t v) { return w->api->LLVMConstInt(w->t64, v, 0); }
static LLVMValueRef k32(Lw *w, uint32_t v) { return w->api->LLVMConstInt(w->t32, v, 0); }

static LLVMValueRef host_ptr_const(Lw *w, const void *p) {
    return w->api->LLVMConstIntToPtr(k64(w, (uint64_t)(uintptr_t)p), w->tptr);
}

static LLVMValueRef cpu_field(Lw *w, uint64_t off) {
    LLVMValueRef idx = k64(w, off);
    return w->api->LLVMBuildGEP2(w->B, w->t8, w->cpuv, &idx, 1, "");
}

static LLVMValueRef load_field(Lw *w, uint64_t off, LLVMTypeRef ty) {
    return w->api->LLVMBuildLoad2(w->B, ty, cpu_field(w, off), "");
}

static void store_field(Lw *w, uint64_t off, LLVMValueRef v) { w->api->LLVMBuildStore(w->B, v, cpu_field(w, off)); }

static bool block_open(Lw *w) {
    return w->api->LLVMGetBasicBlockTerminator(w->api->LLVMGetInsertBlock(w->B)) == NULL;
}

static LLVMBasicBlockRef new_bb(Lw *w, const char *name) {
    return w->api->LLVMAppendBasicBlockInContext(w->C, w->fn, name);
}

static void position(Lw *w, LLVMBasicBlockRef bb) { w->api->LLVMPositionBuilderAtEnd(w->B, bb); }

static bool global_is_zero(Lw *w, IrVal v) { return (w->ir->env->globals[v].flags & IR_GLOBAL_ZERO) != 0; }

static LLVMValueRef val(Lw *w, IrVal v, int64_t imm) {
    if (v == IR_VAL_IMM) return k64(w, (uint64_t)imm);
    if (v == IR_VAL_NONE) return k64(w, 0);
    if (v < w->n_globals) {
        if (global_is_zero(w, v)) return k64(w, 0);
        return w->api->LLVMBuildLoad2(w->B, w->t64, w->gslot[v], "");
    }
    LLVMValueRef t = w->temps[v - w->n_globals];
    return t ? t : k64(w, 0);
}

static void set_val(Lw *w, IrVal v, LLVMValueRef x) {
    if (v == IR_VAL_NONE) return;
    if (v < w->n_globals) {
        if (global_is_zero(w, v)) return;
        w->api->LLVMBuildStore(w->B, x, w->gslot[v]);
        w->dirty[v] = true;
        return;
    }
    w->temps[v - w->n_globals] = x;
}

/* Guest registers newer than cpu->vals go home. */
static void write_back_globals(Lw *w) {
    for (uint32_t g = 0; g < w->n_globals; g++) {
        if (!w->dirty[g]) continue;
        LLVMValueRef x = w->api->LLVMBuildLoad2(w->B, w->t64, w->gslot[g], "");
        store_field(w, OFF(vals) + 8u * g, x);
        w->dirty[g] = false;
    }
}

static void write_back_count(Lw *w) {
    if (!w->dirty[TRACK_COUNT(w)]) return;
    store_field(w, OFF(insn_count), w->api->LLVMBuildLoad2(w->B, w->t64, w->count_slot, ""));
    w->dirty[TRACK_COUNT(w)] = false;
}

/* Everything the loop reads after an exit: registers and the count. */
static void write_back(Lw *w) {
    write_back_globals(w);
    write_back_count(w);
}

static void reload_globals(Lw *w) {
    for (uint32_t g = 0; g < w->n_globals; g++) {
        if (!w->gslot[g]) continue;
        w->api->LLVMBuildStore(w->B, load_field(w, OFF(vals) + 8u * g, w->t64), w->gslot[g]);
        w->dirty[g] = false;
    }
}

static void reload_count(Lw *w) {
    w->api->LLVMBuildStore(w->B, load_field(w, OFF(insn_count), w->t64), w->count_slot);
    w->dirty[TRACK_COUNT(w)] = false;
}

/* State a fault or a raising helper can observe: guest registers in
 * cpu->vals, the retired count, the TB in cur_tb, the instruction in
 * cur_op. */
static void checkpoint(Lw *w) {
    write_back(w);
    if (w->dirty[TRACK_CUR_TB(w)]) {
        store_field(w, OFF(cur_tb), host_ptr_const(w, w->tb));
        w->dirty[TRACK_CUR_TB(w)] = false;
    }
    w->api->LLVMBuildStore(w->B, w->api->LLVMConstIntToPtr(k64(w, w->insn_idx + 1u), w->tptr),
                           cpu_field(w, OFF(cur_op)));
}

static void ret_exit(Lw *w, unsigned kind) {
    w->api->LLVMBuildRet(w->B, k64(w, (uint64_t)(uintptr_t)w->tb | kind));
}

static LLVMValueRef call(Lw *w, LLVMTypeRef fty, const void *fn, LLVMValueRef *args, unsigned n) {
    return w->api->LLVMBuildCall2(w->B, fty, host_ptr_const(w, fn), args, n, "");
}

static LLVMValueRef trunc_to(Lw *w, LLVMValueRef x, LLVMTypeRef t) { return w->api->LLVMBuildTrunc(w->B, x, t, ""); }
static LLVMValueRef sext64(Lw *w, LLVMValueRef x) { return w->api->LLVMBuildSExt(w->B, x, w->t64, ""); }
static LLVMValueRef zext64(Lw *w, LLVMValueRef x) { return w->api->LLVMBuildZExt(w->B, x, w->t64, ""); }
static LLVMValueRef icmp(Lw *w, LLVMIntPredicate p, LLVMValueRef a, LLVMValueRef b) {
    return w->api->LLVMBuildICmp(w->B, p, a, b, "");
}
static LLVMValueRef sel(Lw *w, LLVMValueRef c, LLVMValueRef a, LLVMValueRef b) {
    return w->api->LLVMBuildSelect(w->B, c, a, b, "");
}

/* Leave for `next` (a Tb* value, possibly NULL): if it has LLVM code,
 * tail-call it (musttail: the stack does not grow however long the chain
 * of regions), else return `kind` to jitl_run.  pc and every register
 * are home already.  Nothing is patched: a link made or broken later is
 * seen by the next execution of this exit. */
static void tail_or_ret(Lw *w, LLVMValueRef next, unsigned kind) {
    const JitlApi *L = w->api;
    LLVMBasicBlockRef go = new_bb(w, "tail"), back = new_bb(w, "ret");
    LLVMValueRef off = k64(w, offsetof(Tb, native)), eoff = k64(w, offsetof(Tb, native_entry));
    LLVMValueRef fn = L->LLVMBuildLoad2(w->B, w->tptr, L->LLVMBuildGEP2(w->B, w->t8, next, &off, 1, ""), "");
    L->LLVMBuildCondBr(w->B, icmp(w, LLVMIntNE, L->LLVMBuildPtrToInt(w->B, fn, w->t64, ""), k64(w, 0)), go, back);
    position(w, go);
    LLVMValueRef args[2] = {w->cpuv, L->LLVMBuildLoad2(w->B, w->t32, L->LLVMBuildGEP2(w->B, w->t8, next, &eoff, 1, ""), "")};
    LLVMValueRef c = L->LLVMBuildCall2(w->B, w->tregion, fn, args, 2, "");
    L->LLVMSetTailCallKind(c, LLVMTailCallKindMustTail);
    L->LLVMBuildRet(w->B, c);
    position(w, back);
    ret_exit(w, kind);
}

/* A direct exit (goto_tb slot) to a TB outside the region: through the
 * link the loop made (tb->exit_tb[slot]) to its region, if any. */
static void exit_direct(Lw *w, unsigned slot) {
    const JitlApi *L = w->api;
    LLVMValueRef next = L->LLVMBuildLoad2(w->B, w->tptr, host_ptr_const(w, &w->tb->exit_tb[slot]), "");
    LLVMBasicBlockRef linked = new_bb(w, "linked"), back = new_bb(w, "unlinked");
    L->LLVMBuildCondBr(w->B, icmp(w, LLVMIntNE, L->LLVMBuildPtrToInt(w->B, next, w->t64, ""), k64(w, 0)), linked,
                       back);
    position(w, back);
    ret_exit(w, slot ? EXIT_CHAIN1 : EXIT_CHAIN0);
    position(w, linked);
    tail_or_ret(w, next, slot ? EXIT_CHAIN1 : EXIT_CHAIN0);
}

/* An indirect exit to `pc` outside the region: the jump cache inline (what
 * tb_find would try first), else back to jitl_run. */
static void exit_indirect(Lw *w, LLVMValueRef pc) {
    const JitlApi *L = w->api;
    LLVMValueRef h = L->LLVMBuildXor(w->B, L->LLVMBuildLShr(w->B, pc, k64(w, 1), ""),
                                     L->LLVMBuildLShr(w->B, pc, k64(w, TB_JMP_CACHE_BITS + 1), ""), "");
    h = L->LLVMBuildAnd(w->B, h, k64(w, TB_JMP_CACHE_SIZE - 1), "");
    LLVMValueRef off = L->LLVMBuildMul(w->B, h, k64(w, sizeof(Tb *)), "");
    LLVMValueRef slot = L->LLVMBuildGEP2(w->B, w->t8, host_ptr_const(w, w->cpu->tbs->jmp_cache), &off, 1, "");
    LLVMValueRef next = L->LLVMBuildLoad2(w->B, w->tptr, slot, "");
    LLVMBasicBlockRef has = new_bb(w, "jc_entry"), same_pc = new_bb(w, "jc_pc"), hit = new_bb(w, "jc_hit"),
                      miss = new_bb(w, "jc_miss");
    L->LLVMBuildCondBr(w->B, icmp(w, LLVMIntNE, L->LLVMBuildPtrToInt(w->B, next, w->t64, ""), k64(w, 0)), has, miss);
    position(w, has);
    LLVMValueRef pc_off = k64(w, offsetof(Tb, pc)), fl_off = k64(w, offsetof(Tb, flags));
    LLVMValueRef npc = L->LLVMBuildLoad2(w->B, w->t64, L->LLVMBuildGEP2(w->B, w->t8, next, &pc_off, 1, ""), "");
    L->LLVMBuildCondBr(w->B, icmp(w, LLVMIntEQ, npc, pc), same_pc, miss);
    position(w, same_pc);
    LLVMValueRef nfl = L->LLVMBuildLoad2(w->B, w->t32, L->LLVMBuildGEP2(w->B, w->t8, next, &fl_off, 1, ""), "");
    L->LLVMBuildCondBr(w->B, icmp(w, LLVMIntEQ, nfl, k32(w, w->job->flags)), hit, miss);
    position(w, hit);
    tail_or_ret(w, next, EXIT_LOOKUP);
    position(w, miss);
    ret_exit(w, EXIT_LOOKUP);
}

/* Division with the IR's total semantics (ir_ops.def): x / 0 = all ones,
 * x % 0 = x, MIN / -1 = MIN, MIN % -1 = 0.  `ty` is i64 or i32 (then the
 * result is sign-extended). */
static LLVMValueRef lower_div(Lw *w, IrOp op, LLVMValueRef a, LLVMValueRef b) {
    const JitlApi *L = w->api;
    bool word = op == IR_divw || op == IR_divuw || op == IR_remw || op == IR_remuw;
    LLVMTypeRef ty = word ? w->t32 : w->t64;
    if (word) {
        a = trunc_to(w, a, ty);
        b = trunc_to(w, b, ty);
    }
    LLVMValueRef zero = L->LLVMConstInt(ty, 0, 0), one = L->LLVMConstInt(ty, 1, 0);
    LLVMValueRef ones = L->LLVMConstInt(ty, ~0ull, 0);
    LLVMValueRef min = L->LLVMConstInt(ty, word ? 0x80000000ull : 0x8000000000000000ull, 0);
    LLVMValueRef z = icmp(w, LLVMIntEQ, b, zero);
    bool is_signed = op == IR_div || op == IR_rem || op == IR_divw || op == IR_remw;
    bool is_div = op == IR_div || op == IR_divu || op == IR_divw || op == IR_divuw;
    LLVMValueRef r;
    if (is_signed) {
        LLVMValueRef ov = L->LLVMBuildAnd(w->B, icmp(w, LLVMIntEQ, a, min), icmp(w, LLVMIntEQ, b, ones), "");
        LLVMValueRef bs = sel(w, L->LLVMBuildOr(w->B, z, ov, ""), one, b);
        if (is_div) r = sel(w, z, ones, sel(w, ov, min, L->LLVMBuildSDiv(w->B, a, bs, "")));
        else r = sel(w, z, a, sel(w, ov, zero, L->LLVMBuildSRem(w->B, a, bs, "")));
    } else {
        LLVMValueRef bs = sel(w, z, one, b);
        if (is_div) r = sel(w, z, ones, L->LLVMBuildUDiv(w->B, a, bs, ""));
        else r = sel(w, z, a, L->LLVMBuildURem(w->B, a, bs, ""));
    }
    return word ? sext64(w, r) : r;
}

static LLVMValueRef mul_high(Lw *w, LLVMValueRef a, LLVMValueRef b, bool sa, bool sb) {
    const JitlApi *L = w->api;
    LLVMValueRef x = sa ? L->LLVMBuildSExt(w->B, a, w->t128, "") : L->LLVMBuildZExt(w->B, a, w->t128, "");
    LLVMValueRef y = sb ? L->LLVMBuildSExt(w->B, b, w->t128, "") : L->LLVMBuildZExt(w->B, b, w->t128, "");
    LLVMValueRef p = L->LLVMBuildMul(w->B, x, y, "");
    p = L->LLVMBuildLShr(w->B, p, L->LLVMConstInt(w->t128, 64, 0), "");
    return trunc_to(w, p, w->t64);
}

static LLVMTypeRef int_type(Lw *w, unsigned size) {
    return size == 1 ? w->t8 : size == 2 ? w->t16 : size == 4 ? w->t32 : w->t64;
}

/* Widen a raw little-endian value of `size` bytes (in the low bits of an
 * i64) as the load op says. */
static LLVMValueRef load_extend(Lw *w, IrOp op, LLVMValueRef raw) {
    switch (op) {
    case IR_ld8s: return sext64(w, trunc_to(w, raw, w->t8));
    case IR_ld16s: return sext64(w, trunc_to(w, raw, w->t16));
    case IR_ld32s: return sext64(w, trunc_to(w, raw, w->t32));
    case IR_ld8u: return zext64(w, trunc_to(w, raw, w->t8));
    case IR_ld16u: return zext64(w, trunc_to(w, raw, w->t16));
    case IR_ld32u: return zext64(w, trunc_to(w, raw, w->t32));
    default: return raw;
    }
}

static unsigned mem_op_size(IrOp op) {
    switch (op) {
    case IR_ld8u: case IR_ld8s: case IR_st8: return 1;
    case IR_ld16u: case IR_ld16s: case IR_st16: return 2;
    case IR_ld32u: case IR_ld32s: case IR_st32: return 4;
    default: return 8;
    }
}

static void lower_mem_user(Lw *w, const IrInsn *in, bool is_load, unsigned size) {
    const JitlApi *L = w->api;
    CpuState *cpu = w->cpu;
    LLVMValueRef addr = L->LLVMBuildAdd(w->B, val(w, in->src[0], 0), k64(w, (uint64_t)in->imm), "");
    LLVMValueRef st = is_load ? NULL : val(w, in->src[1], 0);
    checkpoint(w);
    L->LLVMBuildCall2(w->B, w->tbarrier, w->barrier, NULL, 0, "");
    LLVMBasicBlockRef ok = new_bb(w, "ok"), bad = new_bb(w, "fault");
    L->LLVMBuildCondBr(w->B, icmp(w, LLVMIntULE, addr, k64(w, cpu->mem_limit - size)), ok, bad);
    position(w, bad);
    LLVMValueRef args[3] = {w->cpuv, addr, k64(w, is_load ? CPU_FAULT_LOAD : CPU_FAULT_STORE)};
    call(w, w->tfault, (const void *)jitl_mem_fault, args, 3);
    L->LLVMBuildUnreachable(w->B);
    position(w, ok);
    LLVMValueRef p = L->LLVMBuildGEP2(w->B, w->t8, host_ptr_const(w, cpu->mem_base), &addr, 1, "");
    LLVMTypeRef ty = int_type(w, size);
    if (is_load) {
        LLVMValueRef v = L->LLVMBuildLoad2(w->B, ty, p, "");
        L->LLVMSetAlignment(v, 1);
        L->LLVMSetVolatile(v, 1); /* a load whose value is unused must still fault */
        set_val(w, in->dst, load_extend(w, (IrOp)in->op, size == 8 ? v : zext64(w, v)));
    } else {
        LLVMValueRef s = L->LLVMBuildStore(w->B, size == 8 ? st : trunc_to(w, st, ty), p);
        L->LLVMSetAlignment(s, 1);
    }
}

/* The softmmu TLB compare inline (softmmu_inline.h), the slow path out of
 * line with the state made precise first. */
static void lower_mem_sys(Lw *w, const IrInsn *in, bool is_load, unsigned size) {
    const JitlApi *L = w->api;
    SoftMmu *smmu = w->cpu->smmu;
    uint32_t mmu = in->aux2;
    LLVMValueRef addr = L->LLVMBuildAdd(w->B, val(w, in->src[0], 0), k64(w, (uint64_t)in->imm), "");
    LLVMValueRef st = is_load ? NULL : val(w, in->src[1], 0);
    LLVMValueRef idx = L->LLVMBuildAnd(w->B, L->LLVMBuildLShr(w->B, addr, k64(w, TLB_PAGE_BITS), ""),
                                       k64(w, TLB_ENTRIES - 1), "");
    LLVMValueRef off = L->LLVMBuildMul(w->B, idx, k64(w, sizeof(TlbEntry)), "");
    LLVMValueRef ent = L->LLVMBuildGEP2(w->B, w->t8, host_ptr_const(w, &smmu->tlb[mmu][0]), &off, 1, "");
    LLVMValueRef tag_off = k64(w, is_load ? offsetof(TlbEntry, tag_read) : offsetof(TlbEntry, tag_write));
    LLVMValueRef tag = L->LLVMBuildLoad2(w->B, w->t64, L->LLVMBuildGEP2(w->B, w->t8, ent, &tag_off, 1, ""), "");
    LLVMValueRef want = L->LLVMBuildAnd(w->B, addr, k64(w, TLB_PAGE_MASK | (size - 1)), "");
    LLVMBasicBlockRef fast = new_bb(w, "tlb_hit"), slow = new_bb(w, "tlb_miss"), join = new_bb(w, "mem_done");
    L->LLVMBuildCondBr(w->B, icmp(w, LLVMIntEQ, want, tag), fast, slow);

    position(w, fast);
    LLVMValueRef add_off = k64(w, offsetof(TlbEntry, addend));
    LLVMValueRef addend = L->LLVMBuildLoad2(w->B, w->t64, L->LLVMBuildGEP2(w->B, w->t8, ent, &add_off, 1, ""), "");
    LLVMValueRef host = L->LLVMBuildAdd(w->B, addr, addend, "");
    LLVMValueRef zero = k64(w, 0);
    LLVMValueRef p = L->LLVMBuildGEP2(w->B, w->t8, L->LLVMConstIntToPtr(zero, w->tptr), &host, 1, "");
    LLVMTypeRef ty = int_type(w, size);
    LLVMValueRef vfast = NULL;
    if (is_load) {
        LLVMValueRef v = L->LLVMBuildLoad2(w->B, ty, p, "");
        L->LLVMSetAlignment(v, 1);
        vfast = size == 8 ? v : zext64(w, v);
    } else {
        LLVMValueRef s = L->LLVMBuildStore(w->B, size == 8 ? st : trunc_to(w, st, ty), p);
        L->LLVMSetAlignment(s, 1);
    }
    L->LLVMBuildBr(w->B, join);

    position(w, slow);
    bool saved[w->n_tracked];
    memcpy(saved, w->dirty, sizeof saved);
    checkpoint(w);
    LLVMValueRef vslow = NULL;
    if (is_load) {
        LLVMValueRef args[4] = {w->cpuv, addr, k32(w, size), k32(w, mmu)};
        vslow = call(w, w->tldslow, (const void *)softmmu_load_slow, args, 4);
    } else {
        LLVMValueRef args[5] = {w->cpuv, addr, st, k32(w, size), k32(w, mmu)};
        call(w, w->tstslow, (const void *)softmmu_store_slow, args, 5);
    }
    L->LLVMBuildBr(w->B, join);
    memcpy(w->dirty, saved, sizeof saved); /* the fast path did not write back */

    position(w, join);
    if (is_load) {
        LLVMValueRef phi = L->LLVMBuildPhi(w->B, w->t64, "");
        LLVMValueRef vals[2] = {vfast, vslow};
        LLVMBasicBlockRef bbs[2] = {fast, slow};
        L->LLVMAddIncoming(phi, vals, bbs, 2);
        set_val(w, in->dst, load_extend(w, (IrOp)in->op, phi));
    }
}

static LLVMValueRef f64_normal(Lw *w, LLVMValueRef x) {
    const JitlApi *L = w->api;
    LLVMValueRef e = L->LLVMBuildAnd(w->B, L->LLVMBuildLShr(w->B, x, k64(w, 52), ""), k64(w, 0x7ff), "");
    return icmp(w, LLVMIntULT, L->LLVMBuildSub(w->B, e, k64(w, 1), ""), k64(w, 0x7fe));
}

static LLVMValueRef lower_helper_call(Lw *w, const IrInsn *in, LLVMValueRef a, LLVMValueRef b, LLVMValueRef c,
                                      uint64_t imm) {
    const JitlApi *L = w->api;
    uint32_t hf = in->cflags;
    if (!(hf & IR_H_PURE)) checkpoint(w);
    LLVMValueRef args[5] = {w->cpuv, a, b, c, k64(w, imm)};
    LLVMValueRef r = call(w, w->thelper, (const void *)w->ir->env->helpers[in->aux].fn, args, 5);
    if (hf & IR_H_NORET) {
        L->LLVMBuildUnreachable(w->B);
        position(w, new_bb(w, "dead"));
        return k64(w, 0);
    }
    if (hf & IR_H_WG) reload_globals(w);
    if (!(hf & IR_H_PURE)) reload_count(w); /* e.g. a write to minstret */
    return r;
}

/* IR_fpfast (ir_ops.def): the host's double arithmetic when inputs and
 * result are normal numbers and the flag test passes, else the helper. */
static void lower_fpfast(Lw *w, const IrInsn *in) {
    const JitlApi *L = w->api;
    LLVMValueRef a = val(w, in->src[0], 0), b = val(w, in->src[1], 0), f = val(w, in->src[2], 0);
    LLVMValueRef ok = icmp(w, LLVMIntNE, L->LLVMBuildAnd(w->B, f, k64(w, in->aux2 >> 8), ""), k64(w, 0));
    ok = L->LLVMBuildAnd(w->B, ok, L->LLVMBuildAnd(w->B, f64_normal(w, a), f64_normal(w, b), ""), "");
    LLVMBasicBlockRef fast = new_bb(w, "fp_fast"), slow = new_bb(w, "fp_slow"), join = new_bb(w, "fp_done");
    L->LLVMBuildCondBr(w->B, ok, fast, slow);
    position(w, fast);
    LLVMValueRef x = L->LLVMBuildBitCast(w->B, a, w->tdbl, ""), y = L->LLVMBuildBitCast(w->B, b, w->tdbl, "");
    LLVMValueRef z;
    switch (in->aux2 & 3) {
    case 0: z = L->LLVMBuildFAdd(w->B, x, y, ""); break;
    case 1: z = L->LLVMBuildFSub(w->B, x, y, ""); break;
    case 2: z = L->LLVMBuildFMul(w->B, x, y, ""); break;
    default: z = L->LLVMBuildFDiv(w->B, x, y, ""); break;
    }
    LLVMValueRef zb = L->LLVMBuildBitCast(w->B, z, w->t64, "");
    L->LLVMBuildCondBr(w->B, f64_normal(w, zb), join, slow);
    position(w, slow);
    bool saved[w->n_tracked];
    memcpy(saved, w->dirty, sizeof saved);
    LLVMValueRef r = lower_helper_call(w, in, a, b, k64(w, 0), (uint32_t)in->imm);
    LLVMBasicBlockRef slow_end = L->LLVMGetInsertBlock(w->B);
    L->LLVMBuildBr(w->B, join);
    for (uint32_t g = 0; g < w->n_tracked; g++) w->dirty[g] |= saved[g];
    position(w, join);
    LLVMValueRef phi = L->LLVMBuildPhi(w->B, w->t64, "");
    LLVMValueRef vals[2] = {zb, r};
    LLVMBasicBlockRef bbs[2] = {fast, slow_end};
    L->LLVMAddIncoming(phi, vals, bbs, 2);
    set_val(w, in->dst, phi);
}

/* Before leaving the current block for label `l`: its dirty set joins. */
static void note_edge(Lw *w, uint32_t l) {
    bool *d = &w->label_dirty[(size_t)l * w->n_tracked];
    for (uint32_t g = 0; g < w->n_tracked; g++) d[g] |= w->dirty[g];
}

static LLVMIntPredicate branch_pred(IrOp op) {
    switch (op) {
    case IR_breq: return LLVMIntEQ;
    case IR_brne: return LLVMIntNE;
    case IR_brlt: return LLVMIntSLT;
    case IR_brge: return LLVMIntSGE;
    case IR_brltu: return LLVMIntULT;
    default: return LLVMIntUGE;
    }
}

static LLVMIntPredicate set_pred(IrOp op) {
    switch (op) {
    case IR_seteq: return LLVMIntEQ;
    case IR_setne: return LLVMIntNE;
    case IR_setlt: return LLVMIntSLT;
    case IR_setltu: return LLVMIntULT;
    case IR_setge: return LLVMIntSGE;
    default: return LLVMIntUGE;
    }
}

/* An ldenv/stenv offset naming a guest register slot, or -1. */
static int env_global(Lw *w, int64_t off) {
    int64_t rel = off - (int64_t)OFF(vals);
    if (rel < 0 || rel % 8 || rel / 8 >= (int64_t)w->n_globals) return -1;
    return (int)(rel / 8);
}

/* ldenv/stenv: a guest register slot goes through its alloca, any other
 * CpuState field to memory.  insn_count lives in count_slot inside a
 * region, so IR naming it directly is refused (no frontend emits that). */
static bool lower_env(Lw *w, const IrInsn *in) {
    uint64_t off = (uint64_t)in->imm;
    if (off + 8 > OFF(insn_count) && off < OFF(insn_count) + 8) {
        snprintf(w->err, sizeof w->err, "IR names insn_count, which regions keep in a register");
        return false;
    }
    int g = env_global(w, in->imm);
    if (g >= 0 && !w->gslot[g]) return false;
    if (in->op == IR_ldenv) {
        set_val(w, in->dst, g >= 0 ? val(w, (IrVal)g, 0) : load_field(w, off, w->t64));
    } else if (g >= 0) {
        set_val(w, (IrVal)g, val(w, in->src[0], in->imm));
    } else {
        store_field(w, off, val(w, in->src[0], in->imm));
    }
    return true;
}

static bool lower_insn(Lw *w, const IrInsn *in) {
    const JitlApi *L = w->api;
    IrOp op = (IrOp)in->op;
    LLVMBuilderRef B = w->B;
    LLVMValueRef a, b, r = NULL;
#define A0() val(w, in->src[0], in->imm)
#define A1() val(w, in->src[1], in->imm)
    switch (op) {
    case IR_mov: r = A0(); break;
    case IR_movi: r = k64(w, (uint64_t)in->imm); break;
    case IR_add: r = L->LLVMBuildAdd(B, A0(), A1(), ""); break;
    case IR_sub: r = L->LLVMBuildSub(B, A0(), A1(), ""); break;
    case IR_and: r = L->LLVMBuildAnd(B, A0(), A1(), ""); break;
    case IR_or: r = L->LLVMBuildOr(B, A0(), A1(), ""); break;
    case IR_xor: r = L->LLVMBuildXor(B, A0(), A1(), ""); break;
    case IR_mul: r = L->LLVMBuildMul(B, A0(), A1(), ""); break;
    case IR_shl: r = L->LLVMBuildShl(B, A0(), L->LLVMBuildAnd(B, A1(), k64(w, 63), ""), ""); break;
    case IR_shr: r = L->LLVMBuildLShr(B, A0(), L->LLVMBuildAnd(B, A1(), k64(w, 63), ""), ""); break;
    case IR_sar: r = L->LLVMBuildAShr(B, A0(), L->LLVMBuildAnd(B, A1(), k64(w, 63), ""), ""); break;
    case IR_rotr: {
        a = A0();
        LLVMValueRef args[3] = {a, a, A1()};
        r = L->LLVMBuildCall2(B, w->trot64, w->rot64, args, 3, "");
        break;
    }
    case IR_rotrw: {
        a = trunc_to(w, A0(), w->t32);
        LLVMValueRef args[3] = {a, a, trunc_to(w, A1(), w->t32)};
        r = sext64(w, L->LLVMBuildCall2(B, w->trot32, w->rot32, args, 3, ""));
        break;
    }
    case IR_mulh: r = mul_high(w, A0(), A1(), true, true); break;
    case IR_mulhu: r = mul_high(w, A0(), A1(), false, false); break;
    case IR_mulhsu: r = mul_high(w, A0(), A1(), true, false); break;
    case IR_div: case IR_divu: case IR_rem: case IR_remu:
    case IR_divw: case IR_divuw: case IR_remw: case IR_remuw:
        r = lower_div(w, op, A0(), A1());
        break;
    case IR_addw: r = sext64(w, trunc_to(w, L->LLVMBuildAdd(B, A0(), A1(), ""), w->t32)); break;
    case IR_subw: r = sext64(w, trunc_to(w, L->LLVMBuildSub(B, A0(), A1(), ""), w->t32)); break;
    case IR_mulw: r = sext64(w, trunc_to(w, L->LLVMBuildMul(B, A0(), A1(), ""), w->t32)); break;
    case IR_shlw: case IR_shrw: case IR_sarw: {
        a = trunc_to(w, A0(), w->t32);
        b = trunc_to(w, L->LLVMBuildAnd(B, A1(), k64(w, 31), ""), w->t32);
        r = op == IR_shlw ? L->LLVMBuildShl(B, a, b, "") : op == IR_shrw ? L->LLVMBuildLShr(B, a, b, "")
                                                                        : L->LLVMBuildAShr(B, a, b, "");
        r = sext64(w, r);
        break;
    }
    case IR_seteq: case IR_setne: case IR_setlt: case IR_setltu: case IR_setge: case IR_setgeu:
        r = zext64(w, icmp(w, set_pred(op), A0(), A1()));
        break;
    case IR_sext8: r = sext64(w, trunc_to(w, A0(), w->t8)); break;
    case IR_sext16: r = sext64(w, trunc_to(w, A0(), w->t16)); break;
    case IR_sext32: r = sext64(w, trunc_to(w, A0(), w->t32)); break;
    case IR_zext8: r = zext64(w, trunc_to(w, A0(), w->t8)); break;
    case IR_zext16: r = zext64(w, trunc_to(w, A0(), w->t16)); break;
    case IR_zext32: r = zext64(w, trunc_to(w, A0(), w->t32)); break;
    case IR_ld8u: case IR_ld8s: case IR_ld16u: case IR_ld16s: case IR_ld32u: case IR_ld32s: case IR_ld64:
    case IR_st8: case IR_st16: case IR_st32: case IR_st64: {
        bool is_load = (ir_op_info[op].flags & IR_F_LOAD) != 0;
        unsigned size = mem_op_size(op);
        if (w->cpu->smmu) lower_mem_sys(w, in, is_load, size);
        else lower_mem_user(w, in, is_load, size);
        return true;
    }
    case IR_ldenv: case IR_stenv: return lower_env(w, in);
    case IR_call:
        r = lower_helper_call(w, in, val(w, in->src[0], 0), val(w, in->src[1], 0), val(w, in->src[2], 0),
                              (uint64_t)in->imm);
        if (in->dst == IR_VAL_NONE) return true;
        break;
    case IR_fpfast: lower_fpfast(w, in); return true;
    case IR_label: {
        LLVMBasicBlockRef bb = w->label_bb[in->aux];
        if (block_open(w)) {
            note_edge(w, in->aux);
            L->LLVMBuildBr(B, bb);
        }
        position(w, bb);
        memcpy(w->dirty, &w->label_dirty[(size_t)in->aux * w->n_tracked], w->n_tracked * sizeof(bool));
        return true;
    }
    case IR_br:
        note_edge(w, in->aux);
        L->LLVMBuildBr(B, w->label_bb[in->aux]);
        position(w, new_bb(w, "dead"));
        return true;
    case IR_breq: case IR_brne: case IR_brlt: case IR_brge: case IR_brltu: case IR_brgeu: {
        LLVMValueRef c = icmp(w, branch_pred(op), A0(), A1());
        LLVMBasicBlockRef next = new_bb(w, "");
        note_edge(w, in->aux);
        L->LLVMBuildCondBr(B, c, w->label_bb[in->aux], next);
        position(w, next);
        return true;
    }
    case IR_insn: w->insn_idx = in->aux; return true;
    case IR_goto_tb: {
        int j = job_member(w->job, (uint64_t)in->imm);
        if (j >= 0) {
            write_back_globals(w); /* the count stays in its alloca */
            L->LLVMBuildBr(B, w->tb_bb[j]);
        } else {
            write_back(w);
            store_field(w, OFF(pc), k64(w, (uint64_t)in->imm));
            exit_direct(w, in->aux ? 1 : 0);
        }
        position(w, new_bb(w, "dead"));
        return true;
    }
    case IR_goto_ptr: {
        a = A0();
        write_back_globals(w);
        store_field(w, OFF(pc), a);
        LLVMBasicBlockRef miss = new_bb(w, "lookup");
        LLVMValueRef sw = L->LLVMBuildSwitch(B, a, miss, w->job->n);
        for (uint32_t j = 0; j < w->job->n; j++) L->LLVMAddCase(sw, k64(w, w->job->pc[j]), w->tb_bb[j]);
        position(w, miss);
        write_back_count(w);
        exit_indirect(w, a);
        position(w, new_bb(w, "dead"));
        return true;
    }
    case IR_exit:
        write_back(w);
        store_field(w, OFF(pc), k64(w, (uint64_t)in->imm));
        store_field(w, OFF(exit_reason), k32(w, in->aux & 0xff));
        store_field(w, OFF(exc_cause), k32(w, in->aux >> 8));
        store_field(w, OFF(exc_tval), k64(w, in->aux2));
        ret_exit(w, EXIT_LOOP);
        position(w, new_bb(w, "dead"));
        return true;
    case IR_NUM_OPS:
    default:
        snprintf(w->err, sizeof w->err, "op %s not lowered", op < IR_NUM_OPS ? ir_op_info[op].name : "?");
        return false;
    }
#undef A0
#undef A1
    set_val(w, in->dst, r);
    return true;
}

/* Mark in used[] the guest registers block b reads or writes (operands,
 * and ldenv/stenv of a register slot). */
static void mark_globals(Lw *w, const IrBlock *b, bool *used) {
    for (uint32_t i = 0; i < b->n_insns; i++) {
        const IrInsn *in = &b->insns[i];
        IrVal vs[4] = {in->dst, in->src[0], in->src[1], in->src[2]};
        if (in->op == IR_ldenv || in->op == IR_stenv) {
            int g = env_global(w, in->imm);
            if (g >= 0) vs[0] = (IrVal)g;
        }
        for (int j = 0; j < 4; j++)
            if (vs[j] < w->n_globals) used[vs[j]] = true;
    }
}

/* tb_k's block: the budget check, the retired count, then its IR. */
static bool lower_member(Lw *w, uint32_t k) {
    const JitlApi *L = w->api;
    const IrBlock *b = &w->job->ir[k];
    w->tb = w->job->tb[k];
    w->ir = b;
    position(w, w->tb_bb[k]);
    /* every edge into a member wrote the registers back; the count and
     * cur_tb are written lazily (checkpoint, exits) */
    memset(w->dirty, 0, w->n_globals * sizeof(bool));
    w->dirty[TRACK_COUNT(w)] = true;
    w->dirty[TRACK_CUR_TB(w)] = true;
    LLVMValueRef count = L->LLVMBuildLoad2(w->B, w->t64, w->count_slot, "");
    LLVMValueRef limit = load_field(w, OFF(insn_limit), w->t64);
    L->LLVMSetVolatile(limit, 1);
    LLVMBasicBlockRef stop = new_bb(w, "stop"), body = new_bb(w, "body");
    L->LLVMBuildCondBr(w->B, icmp(w, LLVMIntUGE, count, limit), stop, body);
    position(w, stop);
    write_back_count(w);
    store_field(w, OFF(pc), k64(w, w->job->pc[k]));
    ret_exit(w, EXIT_STOP);
    position(w, body);
    w->dirty[TRACK_COUNT(w)] = true;
    L->LLVMBuildStore(w->B, L->LLVMBuildAdd(w->B, count, k64(w, w->job->n_insns[k]), ""), w->count_slot);
    /* this member's registers, fresh: every edge into it wrote them back */
    bool used[w->n_globals];
    memset(used, 0, sizeof used);
    mark_globals(w, b, used);
    for (uint32_t g = 0; g < w->n_globals; g++)
        if (used[g]) L->LLVMBuildStore(w->B, load_field(w, OFF(vals) + 8u * g, w->t64), w->gslot[g]);

    w->temps = calloc(b->n_temps + 1, sizeof *w->temps);
    w->label_bb = calloc(b->n_labels + 1, sizeof *w->label_bb);
    w->label_dirty = calloc((size_t)(b->n_labels + 1) * w->n_tracked, sizeof(bool));
    if (!w->temps || !w->label_bb || !w->label_dirty) abort();
    for (uint32_t l = 0; l < b->n_labels; l++) w->label_bb[l] = new_bb(w, "label");
    w->insn_idx = 0;
    bool ok = true;
    for (uint32_t i = 0; i < b->n_insns && ok; i++) ok = lower_insn(w, &b->insns[i]);
    if (ok && block_open(w)) L->LLVMBuildUnreachable(w->B); /* every path ended in a terminator */
    /* labels no edge reached still need a terminator */
    for (uint32_t l = 0; ok && l < b->n_labels; l++) {
        if (!L->LLVMGetBasicBlockTerminator(w->label_bb[l])) {
            position(w, w->label_bb[l]);
            L->LLVMBuildUnreachable(w->B);
        }
    }
    free(w->temps);
    free(w->label_bb);
    free(w->label_dirty);
    return ok;
}

static LLVMValueRef intrinsic(Lw *w, const char *name, LLVMTypeRef ty, LLVMTypeRef *fty) {
    const JitlApi *L = w->api;
    unsigned id = L->LLVMLookupIntrinsicID(name, strlen(name));
    LLVMTypeRef tys[1] = {ty};
    LLVMValueRef f = L->LLVMGetIntrinsicDeclaration(w->M, id, tys, 1);
    LLVMTypeRef params[3] = {ty, ty, ty};
    *fty = L->LLVMFunctionType(ty, params, 3, 0);
    return f;
}

static bool lower_region(Lw *w, const char *name) {
    const JitlApi *L = w->api;
    w->t1 = L->LLVMInt1TypeInContext(w->C);
    w->t8 = L->LLVMInt8TypeInContext(w->C);
    w->t16 = L->LLVMInt16TypeInContext(w->C);
    w->t32 = L->LLVMInt32TypeInContext(w->C);
    w->t64 = L->LLVMInt64TypeInContext(w->C);
    w->t128 = L->LLVMInt128TypeInContext(w->C);
    w->tdbl = L->LLVMDoubleTypeInContext(w->C);
    w->tptr = L->LLVMPointerTypeInContext(w->C, 0);
    w->tvoid = L->LLVMVoidTypeInContext(w->C);
    LLVMTypeRef hp[5] = {w->tptr, w->t64, w->t64, w->t64, w->t64};
    w->thelper = L->LLVMFunctionType(w->t64, hp, 5, 0);
    LLVMTypeRef fp[3] = {w->tptr, w->t64, w->t64};
    w->tfault = L->LLVMFunctionType(w->tvoid, fp, 3, 0);
    LLVMTypeRef lp[4] = {w->tptr, w->t64, w->t32, w->t32};
    w->tldslow = L->LLVMFunctionType(w->t64, lp, 4, 0);
    LLVMTypeRef sp[5] = {w->tptr, w->t64, w->t64, w->t32, w->t32};
    w->tstslow = L->LLVMFunctionType(w->tvoid, sp, 5, 0);
    w->tbarrier = L->LLVMFunctionType(w->tvoid, NULL, 0, 0);
    w->barrier = L->LLVMGetInlineAsm(w->tbarrier, (char *)"", 0, (char *)"~{memory}", 9, 1, 0,
                                     LLVMInlineAsmDialectATT, 0);
    w->rot64 = intrinsic(w, "llvm.fshr", w->t64, &w->trot64);
    w->rot32 = intrinsic(w, "llvm.fshr", w->t32, &w->trot32);

    LLVMTypeRef rp[2] = {w->tptr, w->t32};
    w->tregion = L->LLVMFunctionType(w->t64, rp, 2, 0);
    w->fn = L->LLVMAddFunction(w->M, name, w->tregion);
    unsigned nounwind = L->LLVMGetEnumAttributeKindForName("nounwind", 8);
    L->LLVMAddAttributeAtIndex(w->fn, LLVMAttributeFunctionIndex, L->LLVMCreateEnumAttribute(w->C, nounwind, 0));
    L->LLVMAddAttributeAtIndex(w->fn, LLVMAttributeFunctionIndex,
                               L->LLVMCreateStringAttribute(w->C, "frame-pointer", 13, "all", 3));
    w->cpuv = L->LLVMGetParam(w->fn, 0);
    LLVMBasicBlockRef entry = new_bb(w, "entry");
    w->B = L->LLVMCreateBuilderInContext(w->C);
    w->tb_bb = calloc(w->job->n, sizeof *w->tb_bb);
    w->gslot = calloc(w->n_globals, sizeof *w->gslot);
    w->dirty = calloc(w->n_tracked, sizeof *w->dirty);
    if (!w->tb_bb || !w->gslot || !w->dirty) abort();

    /* an alloca per guest register the region names; each member loads
     * the ones it uses at its entry (lower_member) */
    position(w, entry);
    bool used[w->n_globals];
    memset(used, 0, sizeof used);
    for (uint32_t k = 0; k < w->job->n; k++) mark_globals(w, &w->job->ir[k], used);
    for (uint32_t g = 0; g < w->n_globals; g++)
        if (used[g]) w->gslot[g] = L->LLVMBuildAlloca(w->B, w->t64, "");
    w->count_slot = L->LLVMBuildAlloca(w->B, w->t64, "");
    L->LLVMBuildStore(w->B, load_field(w, OFF(insn_count), w->t64), w->count_slot);
    for (uint32_t k = 0; k < w->job->n; k++) w->tb_bb[k] = new_bb(w, "tb");
    LLVMValueRef sw = L->LLVMBuildSwitch(w->B, L->LLVMGetParam(w->fn, 1), w->tb_bb[0], w->job->n);
    for (uint32_t k = 1; k < w->job->n; k++) L->LLVMAddCase(sw, k32(w, k), w->tb_bb[k]);

    bool ok = true;
    for (uint32_t k = 0; k < w->job->n && ok; k++) ok = lower_member(w, k);
    L->LLVMDisposeBuilder(w->B);
    free(w->tb_bb);
    free(w->gslot);
    free(w->dirty);
    return ok;
}

/* ---- the tier -------------------------------------------------------------- */

static bool llvm_error(const JitlApi *L, LLVMErrorRef e, const char *what, char *err, size_t len) {
    if (!e) return false;
    char *m = L->LLVMGetErrorMessage(e);
    snprintf(err, len, "%s: %s", what, m);
    L->LLVMDisposeErrorMessage(m);
    return true;
}

/* ORC's object transform: every object passes through here before it is
 * linked.  The symbol table gives the region function's code size, which
 * the perf map, -d out_asm and crash reports need (the C API's lookup only
 * gives its address). */
static LLVMErrorRef note_code_size(void *opaque, LLVMMemoryBufferRef *obj) {
    JitlState *js = opaque;
    const JitlApi *L = js->api;
    char *msg = NULL;
    LLVMBinaryRef bin = L->LLVMCreateBinary(*obj, NULL, &msg);
    if (!bin) {
        if (msg) L->LLVMDisposeMessage(msg);
        return NULL; /* sizes are diagnostics only */
    }
    LLVMSymbolIteratorRef it = L->LLVMObjectFileCopySymbolIterator(bin);
    for (; it && !L->LLVMObjectFileIsSymbolIteratorAtEnd(bin, it); L->LLVMMoveToNextSymbol(it)) {
        const char *name = L->LLVMGetSymbolName(it);
        if (js->sizing_name && name && !strcmp(name, js->sizing_name)) js->sized_bytes = L->LLVMGetSymbolSize(it);
    }
    if (it) L->LLVMDisposeSymbolIterator(it);
    L->LLVMDisposeBinary(bin);
    return NULL;
}

/* A newly installed region: perf map line, -d out_asm, the live list. */
static void region_installed(CpuState *cpu, JitlState *js, JitlRegion *r) {
    r->next = js->live;
    if (js->live) js->live->prev = r;
    js->live = r;
    if (!r->size) return;
    if (js->perf_map)
        fprintf(js->perf_map, "%" PRIxPTR " %" PRIx64 " llvm_0x%" PRIx64 "_%utbs\n", r->code, r->size, r->pc, r->n_tbs);
    if (cpu->log_mask & LOG_OUT_ASM) {
        if (!js->disas) js->disas = host_disas_new(cpu->log);
        fprintf(cpu->log, "OUT (LLVM region at 0x%" PRIx64 ", %u TBs): [0x%" PRIxPTR ", 0x%" PRIxPTR ") %" PRIu64
                " bytes\n", r->pc, r->n_tbs, r->code, r->code + (uintptr_t)r->size, r->size);
        if (js->disas) host_disas_print(js->disas, cpu->log, (const uint8_t *)r->code, (size_t)r->size);
        fputc('\n', cpu->log);
    }
}

static void note_compile_time(CpuState *cpu, JitlState *js, uint64_t ns) {
    if (js->n_compiles == js->cap_compiles) {
        js->cap_compiles = js->cap_compiles ? js->cap_compiles * 2 : 64;
        js->compile_ns = realloc(js->compile_ns, js->cap_compiles * sizeof *js->compile_ns);
        if (!js->compile_ns) abort();
    }
    uint32_t i = js->n_compiles++;
    while (i > 0 && js->compile_ns[i - 1] > ns) {
        js->compile_ns[i] = js->compile_ns[i - 1];
        i--;
    }
    js->compile_ns[i] = ns;
    cpu->stats.llvm_compile_median_ns = js->compile_ns[js->n_compiles / 2];
    cpu->stats.llvm_compile_p99_ns = js->compile_ns[(uint64_t)js->n_compiles * 99 / 100];
}

/* Lower, optimize and compile one job (the CPU's thread with jit_sync,
 * else the compile thread).  Reads only the job and CPU fields fixed
 * before the tier started (guest base and limit, softmmu, jump cache
 * address, log settings); never a Tb nor the TB cache. */
static void compile_job(JitlState *js, JitlJob *job) {
    const JitlApi *L = js->api;
    CpuState *cpu = js->cpu;
    uint64_t t0 = now_ns();
    uint64_t pc = job->pc[0];
    Lw w = {.api = L, .cpu = cpu, .C = js->ctx, .job = job, .n_globals = job->ir[0].env->n_globals,
            .n_tracked = job->ir[0].env->n_globals + 2};
    w.M = L->LLVMModuleCreateWithNameInContext(job->name, js->ctx);
    L->LLVMSetDataLayout(w.M, js->data_layout);
    L->LLVMSetTarget(w.M, js->triple);
    bool ok = lower_region(&w, job->name);
    if (!ok) snprintf(job->err, sizeof job->err, "%s", w.err);
    if (ok && cpu->verify_ir) {
        char *msg = NULL;
        if (L->LLVMVerifyModule(w.M, LLVMReturnStatusAction, &msg)) {
            fprintf(stderr, "vplat: internal error: invalid LLVM IR for region at 0x%" PRIx64 ": %s\n", pc,
                    msg ? msg : "");
            char *text = L->LLVMPrintModuleToString(w.M);
            fputs(text, stderr);
            abort();
        }
        if (msg) L->LLVMDisposeMessage(msg);
    }
    if (ok && (cpu->log_mask & LOG_LLVM_IR)) {
        char *text = L->LLVMPrintModuleToString(w.M);
        fprintf(cpu->log, "LLVM IR (region at 0x%" PRIx64 ", %u TBs, before optimization):\n%s\n", pc, job->n, text);
        L->LLVMDisposeMessage(text);
    }
    const char *passes = getenv("VPLAT_LLVM_PASSES") ? getenv("VPLAT_LLVM_PASSES") : JITL_PASSES;
    if (ok) ok = !llvm_error(L, L->LLVMRunPasses(w.M, passes, js->tm, js->pbo), "passes", job->err, sizeof job->err);
    if (ok && (cpu->log_mask & LOG_LLVM_IR)) {
        char *text = L->LLVMPrintModuleToString(w.M);
        fprintf(cpu->log, "LLVM IR (region at 0x%" PRIx64 ", after optimization):\n%s\n", pc, text);
        L->LLVMDisposeMessage(text);
    }
    if (!ok) {
        L->LLVMDisposeModule(w.M);
    } else {
        LLVMOrcThreadSafeModuleRef tsm = L->LLVMOrcCreateNewThreadSafeModule(w.M, js->tsctx);
        LLVMOrcResourceTrackerRef rt = L->LLVMOrcJITDylibCreateResourceTracker(js->dylib);
        LLVMOrcExecutorAddress addr = 0;
        js->sizing_name = job->name;
        js->sized_bytes = 0;
        ok = !llvm_error(L, L->LLVMOrcLLJITAddLLVMIRModuleWithRT(js->jit, rt, tsm), "add module", job->err,
                         sizeof job->err) &&
             !llvm_error(L, L->LLVMOrcLLJITLookup(js->jit, &addr, job->name), "lookup", job->err, sizeof job->err) &&
             addr;
        js->sizing_name = NULL;
        if (ok) {
            job->rt = rt;
            job->addr = addr;
            job->size = js->sized_bytes;
        } else {
            L->LLVMOrcResourceTrackerRemove(rt);
            L->LLVMOrcReleaseResourceTracker(rt);
        }
    }
    job->ok = ok;
    job->ns = now_ns() - t0;
}

static void free_job(JitlJob *job) {
    for (uint32_t i = 0; i < job->n; i++) ir_block_free(&job->ir[i]);
    free(job);
}

static void release_now(const JitlApi *L, LLVMOrcResourceTrackerRef rt) {
    L->LLVMOrcResourceTrackerRemove(rt);
    L->LLVMOrcReleaseResourceTracker(rt);
}

static void release_dead(JitlState *js, LLVMOrcResourceTrackerRef *dead, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) release_now(js->api, dead[i]);
    free(dead);
}

/* The CPU's thread: code that nothing can enter any more (its head is
 * gone, the loop is at a safe point).  With a compile thread, LLVM is
 * only ever called from that thread: it removes the code.  ORC's session
 * has locks of its own, but the context and the pass and code generation
 * state do not, and one thread inside LLVM is easy to reason about. */
static void release_code(JitlState *js, LLVMOrcResourceTrackerRef rt) {
    if (!js->thread_running) {
        release_now(js->api, rt);
        return;
    }
    pthread_mutex_lock(&js->lock);
    if (js->n_dead == js->cap_dead) {
        js->cap_dead = js->cap_dead ? 2 * js->cap_dead : 64;
        js->dead = realloc(js->dead, js->cap_dead * sizeof *js->dead);
        if (!js->dead) abort();
    }
    js->dead[js->n_dead++] = rt;
    pthread_cond_signal(&js->wake);
    pthread_mutex_unlock(&js->lock);
}

/* Take the dead list (the lock held, or no thread). */
static LLVMOrcResourceTrackerRef *take_dead(JitlState *js, uint32_t *n) {
    LLVMOrcResourceTrackerRef *d = js->dead;
    *n = js->n_dead;
    js->dead = NULL;
    js->n_dead = js->cap_dead = 0;
    return d;
}

/* The CPU's thread, at a safe point: give a compiled region to its head. */
static void install(CpuState *cpu, JitlState *js, JitlJob *job) {
    JitlRegion *r = job->region;
    if (r->cancelled) {
        /* the head was freed meanwhile: so were its page's TBs */
        if (job->ok) release_code(js, job->rt);
        free(r);
    } else if (job->ok) {
        Tb *head = job->tb[0];
        r->rt = job->rt;
        r->state = REGION_INSTALLED;
        r->code = (uintptr_t)job->addr;
        r->size = job->size;
        head->native = (void *)(uintptr_t)job->addr;
        head->native_entry = 0;
        region_installed(cpu, js, r);
        cpu->stats.tbs_promoted++;
        cpu->stats.llvm_regions++;
        cpu->stats.llvm_region_tbs += job->n;
        note_compile_time(cpu, js, job->ns);
    } else {
        /* not an emulation failure: the block stays in the tier below */
        if (cpu->log_mask & LOG_OUT_ASM)
            fprintf(cpu->log, "LLVM: region at 0x%" PRIx64 " not compiled: %s\n", job->pc[0], job->err);
        r->state = REGION_FAILED;
        job->tb[0]->no_promote = true;
    }
    cpu->stats.llvm_compile_ns += job->ns;
    free_job(job);
}

/* Install every job on `list` (newest first), oldest first. */
static void install_list(CpuState *cpu, JitlState *js, JitlJob *list) {
    JitlJob *rev = NULL;
    while (list) {
        JitlJob *n = list->next;
        list->next = rev;
        rev = list;
        list = n;
    }
    while (rev) {
        JitlJob *n = rev->next;
        install(cpu, js, rev);
        rev = n;
    }
}

static void jitl_poll(CpuState *cpu) {
    JitlState *js = cpu->hot_state;
    if (!js->thread_running) return;
    pthread_mutex_lock(&js->lock);
    JitlJob *done = js->done;
    js->done = NULL;
    pthread_mutex_unlock(&js->lock);
    install_list(cpu, js, done);
}

static void *compile_thread(void *arg) {
    JitlState *js = arg;
    pthread_mutex_lock(&js->lock);
    for (;;) {
        while (!js->stopping && !js->queue && !js->n_dead) pthread_cond_wait(&js->wake, &js->lock);
        if (js->stopping) break;
        if (js->n_dead) {
            uint32_t n;
            LLVMOrcResourceTrackerRef *dead = take_dead(js, &n);
            js->compiling = true;
            pthread_mutex_unlock(&js->lock);
            release_dead(js, dead, n);
            pthread_mutex_lock(&js->lock);
            js->compiling = false;
            pthread_cond_broadcast(&js->idle);
            continue;
        }
        JitlJob *job = js->queue;
        js->queue = job->next;
        if (!js->queue) js->queue_tail = &js->queue;
        js->queue_len--;
        bool skip = job->region->cancelled;
        js->compiling = true;
        pthread_mutex_unlock(&js->lock);
        if (skip) job->ok = false, snprintf(job->err, sizeof job->err, "cancelled");
        else compile_job(js, job);
        pthread_mutex_lock(&js->lock);
        js->compiling = false;
        pthread_cond_broadcast(&js->idle);
        job->next = js->done;
        js->done = job;
        /* make the CPU reach a TB boundary, where the loop polls */
        CPU_SET_INSN_LIMIT(js->cpu, 0);
    }
    pthread_mutex_unlock(&js->lock);
    return NULL;
}

/* fork(): the compile thread must not be inside LLVM (whose locks it could
 * hold) when the process is copied.  The lock stays held across fork(). */
static void jitl_before_fork(CpuState *cpu) {
    JitlState *js = cpu->hot_state;
    if (!js->thread_running) return;
    pthread_mutex_lock(&js->lock);
    while (js->compiling) pthread_cond_wait(&js->idle, &js->lock);
}

/* The child has no compile thread: it compiles on its own thread from
 * now on, starting with what was queued or done. */
static bool jitl_after_fork(CpuState *cpu, bool child) {
    JitlState *js = cpu->hot_state;
    if (!js->thread_running) return true;
    if (!child) {
        pthread_mutex_unlock(&js->lock);
        return true;
    }
    pthread_mutex_init(&js->lock, NULL);
    pthread_cond_init(&js->wake, NULL);
    pthread_cond_init(&js->idle, NULL);
    js->thread_running = false;
    cpu->jit_sync = true;
    JitlJob *done = js->done, *queue = js->queue;
    js->done = js->queue = NULL;
    js->queue_tail = &js->queue;
    js->queue_len = 0;
    uint32_t n_dead;
    LLVMOrcResourceTrackerRef *dead = take_dead(js, &n_dead);
    release_dead(js, dead, n_dead);
    install_list(cpu, js, done);
    for (JitlJob *j = queue, *n; j; j = n) {
        n = j->next;
        if (!j->region->cancelled) compile_job(js, j);
        install(cpu, js, j);
    }
    return true;
}

/* A live region that already holds tb's code (same pc, flags and page),
 * and tb's case in its entry switch. */
static JitlRegion *region_holding(JitlState *js, const Tb *tb, uint32_t *entry) {
    for (JitlRegion *r = js->live; r; r = r->next) {
        /* a head killed but not yet reclaimed: its code goes at the next reclaim */
        if (r->head->invalid || r->flags != tb->flags || r->phys_page != tb->phys_page) continue;
        for (uint32_t k = 0; k < r->n_tbs; k++) {
            if (r->member_pc[k] == tb->pc) {
                *entry = k;
                return r;
            }
        }
    }
    return NULL;
}

static bool jitl_prepare(CpuState *cpu, Tb *tb) {
    JitlState *js = cpu->hot_state;
    if (tb->native_meta) return true; /* queued or compiling already */
    /* A hot TB that another head's region compiled already (a loop entered
     * in its middle, a call's return point) is entered there: no second
     * compile.  The region lives as long as tb: they share a page, and
     * code is only ever invalidated a whole page at a time.  Only
     * installed regions are on the live list. */
    uint32_t entry;
    JitlRegion *holder = region_holding(js, tb, &entry);
    if (holder) {
        tb->native = (void *)holder->code;
        tb->native_entry = entry;
        cpu->stats.llvm_shared_entries++;
        return true;
    }
    if (js->thread_running) {
        pthread_mutex_lock(&js->lock);
        bool full = js->queue_len >= JITL_QUEUE_MAX;
        pthread_mutex_unlock(&js->lock);
        if (full) return true; /* asked again later */
    }
    JitlJob *job = calloc(1, sizeof *job);
    JitlRegion *r = calloc(1, sizeof *r);
    if (!job || !r) abort();
    r->api = js->api;
    r->js = js;
    r->state = REGION_PENDING;
    job->region = r;
    job->n = region_collect(cpu, tb, job->tb);
    job->flags = tb->flags;
    r->n_tbs = job->n;
    r->pc = tb->pc;
    r->head = tb;
    r->flags = tb->flags;
    r->phys_page = tb->phys_page;
    for (uint32_t i = 0; i < job->n; i++) {
        r->member_pc[i] = job->tb[i]->pc;
        job->pc[i] = job->tb[i]->pc;
        job->n_insns[i] = job->tb[i]->n_insns;
        ir_block_copy(&job->ir[i], &job->tb[i]->ir);
    }
    snprintf(job->name, sizeof job->name, "vplat_region_%" PRIu64, js->next_id++);
    tb->native_meta = r;
    if (!js->thread_running) {
        compile_job(js, job);
        install(cpu, js, job);
        return true;
    }
    pthread_mutex_lock(&js->lock);
    job->next = NULL;
    *js->queue_tail = job;
    js->queue_tail = &job->next;
    js->queue_len++;
    if (js->queue_len > cpu->stats.llvm_queue_max) cpu->stats.llvm_queue_max = js->queue_len;
    pthread_cond_signal(&js->wake);
    pthread_mutex_unlock(&js->lock);
    return true;
}

static void jitl_release(Tb *tb) {
    JitlRegion *r = tb->native_meta;
    tb->native = NULL; /* an entry into another head's region: that head releases it */
    if (!r) return;
    tb->native_meta = NULL;
    if (r->state == REGION_PENDING) {
        /* its job is queued, compiling or done: jitl_poll frees it.  The
         * lock orders this with the compile thread's look at it. */
        pthread_mutex_lock(&r->js->lock);
        r->cancelled = true;
        pthread_mutex_unlock(&r->js->lock);
        return;
    }
    if (r->state == REGION_INSTALLED) {
        if (r->prev) r->prev->next = r->next;
        else r->js->live = r->next;
        if (r->next) r->next->prev = r->prev;
        release_code(r->js, r->rt);
    }
    free(r);
}

static TbExit jitl_run(CpuState *cpu, Tb *tb, bool chain) {
    JitlFn fn = (JitlFn)tb->native;
    uint32_t entry = tb->native_entry;
    for (;;) {
        uint64_t r = fn(cpu, entry);
        Tb *from = (Tb *)(uintptr_t)(r & ~(uint64_t)EXIT_KIND_MASK);
        unsigned kind = (unsigned)(r & EXIT_KIND_MASK);
        Tb *next;
        switch (kind) {
        case EXIT_CHAIN0:
        case EXIT_CHAIN1:
            next = from->exit_tb[kind];
            if (!chain || !next || !next->native)
                return (TbExit){.kind = TB_EXIT_CHAIN, .tb = from, .slot = kind};
            break;
        case EXIT_LOOKUP: {
            next = cpu->tbs->jmp_cache[tb_jmp_hash(cpu->pc)];
            if (!chain || !next || next->pc != cpu->pc || next->flags != from->flags) {
                cpu->stats.jmp_cache_misses++;
                return (TbExit){.kind = TB_EXIT_LOOKUP, .tb = from};
            }
            cpu->stats.jmp_cache_hits++;
            if (!next->native) return (TbExit){.kind = TB_EXIT_LOOKUP, .tb = from};
            break;
        }
        case EXIT_LOOP:
            return (TbExit){.kind = TB_EXIT_LOOP, .tb = from, .reason = cpu->exit_reason};
        default:
            return (TbExit){.kind = TB_EXIT_STOP, .tb = from};
        }
        next->exec_count++;
        fn = (JitlFn)next->native;
        entry = next->native_entry;
    }
}

/* The compile thread takes no host signals: asynchronous ones (a guest's
 * SIGALRM, SIGCHLD, Ctrl-C) must reach the CPU's thread, whose handlers
 * expect to run there. */
static bool start_compile_thread(JitlState *js) {
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    bool ok = pthread_create(&js->thread, NULL, compile_thread, js) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return ok;
}

static bool jitl_init(CpuState *cpu, char *err, size_t err_len) {
    const JitlApi *L = jitl_api_load(err, err_len);
    if (!L) return false;
    L->LLVMInitializeX86TargetInfo();
    L->LLVMInitializeX86Target();
    L->LLVMInitializeX86TargetMC();
    L->LLVMInitializeX86AsmPrinter();
    JitlState *js = calloc(1, sizeof *js);
    if (!js) abort();
    js->api = L;
    /* code generation for the host CPU at the level chosen by measurement
     * (JITL_CODEGEN_LEVEL; VPLAT_LLVM_CODEGEN=0..3 overrides it) */
    char *host_triple = L->LLVMGetDefaultTargetTriple();
    LLVMTargetRef target;
    char *msg = NULL;
    if (L->LLVMGetTargetFromTriple(host_triple, &target, &msg)) {
        snprintf(err, err_len, "LLVM target %s: %s", host_triple, msg ? msg : "?");
        L->LLVMDisposeMessage(host_triple);
        goto fail;
    }
    const char *level_env = getenv("VPLAT_LLVM_CODEGEN");
    int level = level_env && level_env[0] >= '0' && level_env[0] <= '3' && !level_env[1] ? level_env[0] - '0'
                                                                                        : JITL_CODEGEN_LEVEL;
    char *cpu_name = L->LLVMGetHostCPUName(), *features = L->LLVMGetHostCPUFeatures();
    LLVMTargetMachineRef cg_tm = L->LLVMCreateTargetMachine(target, host_triple, cpu_name, features,
                                                            (LLVMCodeGenOptLevel)level, LLVMRelocDefault,
                                                            LLVMCodeModelJITDefault);
    /* the passes' cost model */
    js->tm = L->LLVMCreateTargetMachine(target, host_triple, cpu_name, features, LLVMCodeGenLevelDefault,
                                        LLVMRelocDefault, LLVMCodeModelJITDefault);
    L->LLVMDisposeMessage(cpu_name);
    L->LLVMDisposeMessage(features);
    L->LLVMDisposeMessage(host_triple);
    LLVMOrcLLJITBuilderRef builder = L->LLVMOrcCreateLLJITBuilder();
    L->LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder,
                                                     L->LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(cg_tm));
    if (llvm_error(L, L->LLVMOrcCreateLLJIT(&js->jit, builder), "LLVM JIT", err, err_len)) goto fail;
    js->dylib = L->LLVMOrcLLJITGetMainJITDylib(js->jit);
    js->tsctx = L->LLVMOrcCreateNewThreadSafeContext();
    js->ctx = L->LLVMOrcThreadSafeContextGetContext(js->tsctx);
    js->data_layout = L->LLVMOrcLLJITGetDataLayoutStr(js->jit);
    js->triple = L->LLVMOrcLLJITGetTripleString(js->jit);
    js->pbo = L->LLVMCreatePassBuilderOptions();
    L->LLVMOrcObjectTransformLayerSetTransform(L->LLVMOrcLLJITGetObjTransformLayer(js->jit), note_code_size, js);
    if (cpu->perf_map) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
        js->perf_map = fopen(path, "a");
        if (js->perf_map) setvbuf(js->perf_map, NULL, _IOLBF, 0);
    }
    js->cpu = cpu;
    js->queue_tail = &js->queue;
    pthread_mutex_init(&js->lock, NULL);
    pthread_cond_init(&js->wake, NULL);
    pthread_cond_init(&js->idle, NULL);
    if (!cpu->jit_sync) js->thread_running = start_compile_thread(js);
    cpu->hot_state = js;
    return true;
fail:
    if (js->tm) L->LLVMDisposeTargetMachine(js->tm);
    free(js);
    return false;
}

static void jitl_destroy(CpuState *cpu) {
    JitlState *js = cpu->hot_state;
    if (!js) return;
    const JitlApi *L = js->api;
    if (js->thread_running) {
        pthread_mutex_lock(&js->lock);
        js->stopping = true;
        pthread_cond_signal(&js->wake);
        pthread_mutex_unlock(&js->lock);
        pthread_join(js->thread, NULL);
        js->thread_running = false;
        /* the TBs are gone (the core flushed them first): every job left
         * belongs to a cancelled region */
        install_list(cpu, js, js->done);
        install_list(cpu, js, js->queue);
        js->done = js->queue = NULL;
        uint32_t n_dead;
        LLVMOrcResourceTrackerRef *dead = take_dead(js, &n_dead);
        release_dead(js, dead, n_dead);
    }
    pthread_mutex_destroy(&js->lock);
    pthread_cond_destroy(&js->wake);
    pthread_cond_destroy(&js->idle);
    L->LLVMDisposePassBuilderOptions(js->pbo);
    L->LLVMDisposeTargetMachine(js->tm);
    L->LLVMOrcDisposeLLJIT(js->jit);
    L->LLVMOrcDisposeThreadSafeContext(js->tsctx);
    if (js->perf_map) fclose(js->perf_map);
    if (js->disas) host_disas_free(js->disas);
    free(js->compile_ns);
    free(js);
    cpu->hot_state = NULL;
}

/* LLVM code is never patched: exits find their successor in jitl_run. */
static void jitl_link(void *cpu, Tb *from, uint32_t slot, Tb *to) {
    (void)cpu, (void)from, (void)slot, (void)to;
}

static void jitl_reset(CpuState *cpu) { (void)cpu; }

/* State is precise in memory at every fault site (see the header
 * comment): nothing to recover from the signal context. */
static bool jitl_fault_state(CpuState *cpu, uintptr_t host_pc, void *uctx) {
    (void)cpu, (void)host_pc, (void)uctx;
    return false;
}

/* Crash reports: "[llvm] region 0x... (N TBs)" for a pc in a live region.
 * Runs in a signal handler: no allocation, no stdio. */
static bool jitl_name_host_pc(const CpuState *cpu, uintptr_t host_pc, char *buf, size_t len) {
    const JitlState *js = cpu->hot_state;
    if (!js || len < 64) return false;
    for (const JitlRegion *r = js->live; r; r = r->next) {
        if (host_pc - r->code >= r->size) continue;
        char hex[20];
        size_t at = crash_put_str(buf, 0, len, "[llvm] region ");
        hex[crash_fmt_hex(hex, r->pc)] = 0;
        at = crash_put_str(buf, at, len, hex);
        crash_put_str(buf, at, len, r->n_tbs == 1 ? " (1 TB)" : " (TBs on its page)");
        return true;
    }
    return false;
}

const ExecTier jitl_tier = {
    .name = "llvm",
    .prepare = jitl_prepare,
    .poll = jitl_poll,
    .before_fork = jitl_before_fork,
    .after_fork = jitl_after_fork,
    .release = jitl_release,
    .run = jitl_run,
    .init = jitl_init,
    .destroy = jitl_destroy,
    .link = jitl_link,
    .reset = jitl_reset,
    .fault_state = jitl_fault_state,
    .name_host_pc = jitl_name_host_pc,
};
