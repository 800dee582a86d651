/* tb.h — translation blocks and the TB cache shared by every tier.
 *
 * A Tb is one guest basic block: its key (pc, physical page, flags), the
 * optimized IR (kept so a hotter tier can recompile it), the interpreter's
 * lowered form, its exit slots and its links.  TBs never span a guest page.
 *
 *   lookup:  cpu jump cache [hash(pc)] ─miss─▶ hash table ─miss─▶ translate
 *   chain:   exit slot s of A remembers successor B (A->exit_tb[s] = B) and
 *            B records the incoming edge, so invalidating B unlinks A first
 *   pages:   each page with code keeps a list of its TBs for invalidation
 *
 * Invalidated TBs are unlinked at once but freed only at a safe point
 * (tb_reclaim, called by the loop when no TB is running).
 */
#ifndef VPLAT_CORE_TB_H
#define VPLAT_CORE_TB_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"

typedef struct CpuState CpuState;
typedef struct Tb Tb;

typedef struct TbEdge {
    Tb *from;
    uint32_t slot;
} TbEdge;

enum {
    TB_FLAG_SINGLESTEP = 1u << 0,
    TB_FLAG_DEBUG_NOBP = 1u << 1,    /* translated ignoring breakpoints (a debugger's step, core/debug.h) */
    TB_FLAG_DEBUG_WATCH = 1u << 2,   /* watchpoints exist: interpreted, memory ops check them */
};

struct Tb {
    /* key */
    uint64_t pc;
    uint64_t phys_page;       /* user mode: pc's page; system mode: physical page */
    uint64_t phys_page_last;  /* system mode: physical page of the last byte */
    bool phys_explicit;       /* the phys_page fields are set (system mode) */
    uint32_t flags;
    /* guest code covered */
    uint32_t guest_size;
    uint32_t n_insns;
    /* code */
    IrBlock ir;               /* optimized IR */
    void *code;               /* the tier's form (interp: InterpOp[]) */
    uint32_t code_len;        /* in the tier's units */
    uint16_t *op_insn;        /* per tier op: guest insn index it belongs to */
    uint64_t *insn_pc;        /* per guest insn index: its pc */
    uint64_t exec_count;
    /* hot tier (jit-native) code; NULL until promoted */
    void *native;
    bool no_promote;          /* the hot tier cannot take this block: stay in tier 0 */
    uint32_t native_size;
    uint32_t native_jmp[2];   /* offset of each goto_tb's patchable rel32 */
    uint32_t native_stub[2];  /* offset of each goto_tb's exit stub */
    void *native_meta;        /* the hot tier's side tables (fault sites) */
    uint32_t native_entry;    /* LLVM tier: this TB's case in the entry switch of the region function `native` */
    /* chaining */
    Tb *exit_tb[2];
    uint64_t exit_pc[2];
    TbEdge *incoming;
    uint32_t n_incoming, cap_incoming;
    /* links */
    Tb *hash_next;
    Tb *page_next;
    Tb *free_next;
    bool invalid;
};

typedef struct TbPage {
    uint64_t page;
    Tb *tbs;
    struct TbPage *next;
} TbPage;

#define TB_JMP_CACHE_BITS 12
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)

struct TbCache {
    Tb **hash;
    uint32_t hash_mask;
    uint32_t n_tbs;
    TbPage **pages;
    uint32_t pages_mask;
    Tb *jmp_cache[TB_JMP_CACHE_SIZE];
    Tb *to_free;              /* invalidated, freed at the next safe point */
    /* System mode: TBs whose last instruction straddles into another
     * physical page (found by that page's invalidation through this list). */
    Tb **straddlers;
    uint32_t n_straddlers, cap_straddlers;
    uint64_t max_tbs;         /* flush everything past this many */
    void (*release_code)(Tb *tb);   /* tier 0's release hook */
    void (*release_hot)(Tb *tb);    /* the hot tier's, if any */
    /* Called when exit `slot` of `from` is linked to `to` (to = NULL: unlinked),
     * so a JIT can patch or restore its direct jump. */
    void (*link_hook)(void *opaque, Tb *from, uint32_t slot, Tb *to);
    void *link_opaque;
    struct Stats *stats;
    /* Called when a page gains or loses its last TB (user mode: write protection). */
    void (*page_code_changed)(void *opaque, uint64_t page, bool has_code);
    void *page_opaque;
};

typedef struct TbCache TbCache;

static inline uint32_t tb_jmp_hash(uint64_t pc) {
    return (uint32_t)((pc >> 1) ^ (pc >> (TB_JMP_CACHE_BITS + 1))) & (TB_JMP_CACHE_SIZE - 1);
}

TbCache *tb_cache_new(void);
void tb_cache_free(TbCache *c);
Tb *tb_lookup(TbCache *c, uint64_t pc, uint32_t flags);
/* System mode: the key includes the physical page of pc. */
Tb *tb_lookup_phys(TbCache *c, uint64_t pc, uint64_t phys_page, uint32_t flags);
void tb_insert(TbCache *c, Tb *tb);
/* Record that exit `slot` of `from` continues at `to` (interpreter chaining). */
void tb_link(TbCache *c, Tb *from, uint32_t slot, Tb *to);
/* Invalidate every TB whose code overlaps [start, start+len). */
void tb_invalidate_range(TbCache *c, uint64_t start, uint64_t len);
void tb_invalidate_page(TbCache *c, uint64_t page);
/* Drop every TB (at the next safe point). */
void tb_flush(TbCache *c);
/* Free TBs invalidated earlier; call only when no TB is executing. */
void tb_reclaim(TbCache *c);
bool tb_page_has_code(TbCache *c, uint64_t page);

#endif
