/* softmmu.h — system-mode guest memory: a per-CPU TLB per MMU index that
 * maps guest virtual pages to host RAM (with an addend) or marks them as
 * I/O, in front of the physical address space (core/memory.h).
 *
 *   load/store at vaddr, mmu_idx
 *     ├─ fast path: tlb[idx][hash(vaddr)].tag_{read,write} == page of an
 *     │             aligned access ─▶ host = vaddr + addend
 *     └─ slow path: miss ─▶ arch tlb_fill (page walk; raises page faults)
 *                   I/O page ─▶ as_read / as_write (device callbacks)
 *                   misaligned ─▶ byte by byte (page-crossing too)
 *                   code page (TLB_F_NOTDIRTY) ─▶ invalidate its TBs, store
 *
 * Tag layout: a tag is the virtual page number with flag bits in the page
 * offset (bit 4 and up).  The fast path compares
 *   vaddr & (PAGE_MASK | (size - 1))
 * with the tag, so a misaligned access or any flag sends it to the slow
 * path with a single compare; TLB_INVALID never matches.  The native JIT
 * emits the same compare inline (the layout is part of its contract).
 *
 * Code coherence: a RAM page that holds translated code has TLB_F_NOTDIRTY
 * in every write tag mapping it, so the first store to it invalidates the
 * page's TBs (tb_invalidate_page) and then goes through; the TB cache tells
 * the softmmu when a page gains or loses code (softmmu_code_page_changed).
 * The virtual-pc jump cache and the TLB are flushed together, so a TB found
 * through the jump cache was reached under the current mapping.
 */
#ifndef VPLAT_CORE_SOFTMMU_H
#define VPLAT_CORE_SOFTMMU_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/memory.h"

typedef struct CpuState CpuState;

#define TLB_BITS 8
#define TLB_ENTRIES (1u << TLB_BITS)
#define TLB_MMU_IDX_MAX 4
#define TLB_INVALID (~(uint64_t)0)
#define TLB_PAGE_BITS 12
#define TLB_PAGE_MASK (~(uint64_t)((1u << TLB_PAGE_BITS) - 1))
#define TLB_F_IO (1u << 4)        /* device page: every access via as_read/as_write */
#define TLB_F_NOTDIRTY (1u << 5)  /* RAM page holding translated code (write tags only) */

typedef enum MmuAccess {
    MMU_FETCH = 0,
    MMU_LOAD = 1,
    MMU_STORE = 2,
} MmuAccess;

/* What a page walk grants. */
enum { MMU_PROT_R = 1, MMU_PROT_W = 2, MMU_PROT_X = 4 };

typedef struct TlbEntry {
    uint64_t tag_read, tag_write, tag_code;
    uintptr_t addend;           /* host = vaddr + addend (RAM pages) */
} TlbEntry;

typedef struct SoftMmu {
    TlbEntry tlb[TLB_MMU_IDX_MAX][TLB_ENTRIES];
    uint64_t phys[TLB_MMU_IDX_MAX][TLB_ENTRIES];   /* physical page of each entry */
    AddressSpace *as;
    /* The frontend's page walk: translate vaddr for `access` at mmu_idx.
     * Returns 0 and the physical address and page permissions, or the
     * frontend's exception cause for the fault (page fault); does not
     * raise.  prot must include what `access` needs. */
    uint32_t (*fill)(CpuState *cpu, uint64_t vaddr, MmuAccess access, int mmu_idx, uint64_t *paddr,
                     uint32_t *prot);
    /* Exception causes for accesses the physical address space refuses. */
    uint32_t access_fault_cause[3];
    /* The virtual range that superpage translations in the TLB may cover
     * (one aligned region grown to include each of them): a page flush
     * that lands inside it must flush everything.  large_mask 0: none. */
    uint64_t large_addr, large_mask;
    uint64_t fills, flushes, page_flushes;
} SoftMmu;

static inline uint32_t tlb_index(uint64_t vaddr) { return (uint32_t)(vaddr >> TLB_PAGE_BITS) & (TLB_ENTRIES - 1); }

void softmmu_init(SoftMmu *m, AddressSpace *as);
/* Drop every translation (sfence.vma, satp writes, permission-mode changes)
 * and the CPU's virtual-pc jump cache with it. */
void softmmu_flush(CpuState *cpu);
/* sfence.vma with an address: drop the translations of vaddr's page (all
 * of them if a cached superpage may cover it) and the jump-cache entries
 * of blocks on that page. */
void softmmu_flush_page(CpuState *cpu, uint64_t vaddr);
/* The frontend's fill reports a translation through a superpage of
 * 2^bits bytes at vaddr, so page flushes there stay correct. */
void softmmu_note_large_page(SoftMmu *m, uint64_t vaddr, unsigned bits);
/* The TB cache's page_code_changed hook (opaque = the CpuState). */
void softmmu_code_page_changed(void *cpu, uint64_t phys_page, bool has_code);

/* Slow paths (out of line); raise guest exceptions through cpu_raise. */
uint64_t softmmu_load_slow(CpuState *cpu, uint64_t vaddr, unsigned size, int mmu_idx);
void softmmu_store_slow(CpuState *cpu, uint64_t vaddr, uint64_t val, unsigned size, int mmu_idx);

/* Host pointer for an aligned RAM access of `size` bytes (atomics, LR/SC):
 * raises the page fault, or an access fault when the page is not RAM.
 * A store probe also invalidates translated code on the page. */
void *softmmu_host_ptr(CpuState *cpu, uint64_t vaddr, unsigned size, MmuAccess access, int mmu_idx);

/* Translate pc for instruction fetch: the physical address, and the host
 * pointer of its page (RAM/ROM only).  Returns 0, or the exception cause
 * (page fault from the walk, access fault for non-RAM); never raises. */
uint32_t softmmu_translate_code(CpuState *cpu, uint64_t pc, int mmu_idx, uint64_t *paddr, const uint8_t **host);

/* Debugger / loader access through the MMU without side effects on devices:
 * copies RAM bytes; false if any page is unmapped or not RAM. */
bool softmmu_rw_debug(CpuState *cpu, uint64_t vaddr, void *buf, size_t len, bool is_write, int mmu_idx);

#endif
