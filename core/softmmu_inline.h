/* softmmu_inline.h — the TLB fast paths of system-mode loads and stores,
 * inlined into the interpreter (the native JIT emits the same compare; see
 * softmmu.h for the tag layout).  Little-endian host assumed, as for the
 * guest. */
#ifndef VPLAT_CORE_SOFTMMU_INLINE_H
#define VPLAT_CORE_SOFTMMU_INLINE_H

#include <string.h>

#include "core/cpu.h"

static inline uint64_t softmmu_load(CpuState *cpu, uint64_t vaddr, unsigned size, int mmu_idx) {
    const TlbEntry *e = &cpu->smmu->tlb[mmu_idx][tlb_index(vaddr)];
    if (__builtin_expect((vaddr & (TLB_PAGE_MASK | (size - 1))) == e->tag_read, 1)) {
        uint64_t v = 0;
        memcpy(&v, (const void *)(uintptr_t)(vaddr + e->addend), size);
        return v;
    }
    return softmmu_load_slow(cpu, vaddr, size, mmu_idx);
}

static inline void softmmu_store(CpuState *cpu, uint64_t vaddr, uint64_t val, unsigned size, int mmu_idx) {
    const TlbEntry *e = &cpu->smmu->tlb[mmu_idx][tlb_index(vaddr)];
    if (__builtin_expect((vaddr & (TLB_PAGE_MASK | (size - 1))) == e->tag_write, 1)) {
        memcpy((void *)(uintptr_t)(vaddr + e->addend), &val, size);
        return;
    }
    softmmu_store_slow(cpu, vaddr, val, size, mmu_idx);
}

#endif
