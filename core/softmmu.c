/* softmmu.c — TLB fill, flush and the slow paths of system-mode guest
 * memory (see softmmu.h for the picture and the tag layout). */
#include "core/softmmu.h"

#include "core/cpu.h"
#include "core/tb.h"

void softmmu_init(SoftMmu *m, AddressSpace *as) {
    memset(m, 0, sizeof *m);
    m->as = as;
    memset(m->tlb, 0xff, sizeof m->tlb);
    for (unsigned i = 0; i < TLB_MMU_IDX_MAX; i++)
        for (unsigned j = 0; j < TLB_ENTRIES; j++) m->tlb[i][j].addend = 0;
}

void softmmu_flush(CpuState *cpu) {
    SoftMmu *m = cpu->smmu;
    for (unsigned i = 0; i < TLB_MMU_IDX_MAX; i++)
        for (unsigned j = 0; j < TLB_ENTRIES; j++) {
            TlbEntry *e = &m->tlb[i][j];
            e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
        }
    memset(cpu->tbs->jmp_cache, 0, sizeof cpu->tbs->jmp_cache);
    m->large_addr = m->large_mask = 0;
    m->flushes++;
}

void softmmu_note_large_page(SoftMmu *m, uint64_t vaddr, unsigned bits) {
    uint64_t mask = ~((1ull << bits) - 1);
    if (m->large_mask == 0) {
        m->large_addr = vaddr & mask;
        m->large_mask = mask;
        return;
    }
    /* widen the region until it holds both */
    mask &= m->large_mask;
    while ((vaddr & mask) != (m->large_addr & mask)) mask <<= 1;
    m->large_mask = mask;
    m->large_addr &= mask;
}

void softmmu_flush_page(CpuState *cpu, uint64_t vaddr) {
    SoftMmu *m = cpu->smmu;
    uint64_t vpage = vaddr & TLB_PAGE_MASK;
    if (m->large_mask && (vaddr & m->large_mask) == m->large_addr) {
        softmmu_flush(cpu);
        return;
    }
    uint32_t i = tlb_index(vaddr);
    for (unsigned idx = 0; idx < TLB_MMU_IDX_MAX; idx++) {
        TlbEntry *e = &m->tlb[idx][i];
        if ((e->tag_read != TLB_INVALID && (e->tag_read & TLB_PAGE_MASK) == vpage) ||
            (e->tag_write != TLB_INVALID && (e->tag_write & TLB_PAGE_MASK) == vpage) ||
            (e->tag_code != TLB_INVALID && (e->tag_code & TLB_PAGE_MASK) == vpage))
            e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
    }
    /* Jump-cache entries of blocks starting on the page (every pc there
     * hashes into the 2048 slots tb_jmp_hash gives its page) and of the
     * block whose one instruction straddles into it from the page before. */
    Tb **jc = cpu->tbs->jmp_cache;
    for (uint32_t k = 0; k < MEM_PAGE_SIZE; k += 2) {
        uint32_t h = tb_jmp_hash(vpage + k);
        Tb *tb = jc[h];
        if (tb && (tb->pc & TLB_PAGE_MASK) == vpage) jc[h] = NULL;
    }
    {
        /* system-mode translators give a straddling instruction its own
         * block, which therefore starts 2 bytes before the page */
        uint32_t h = tb_jmp_hash(vpage - 2);
        Tb *tb = jc[h];
        if (tb && tb->pc == vpage - 2 && tb->guest_size > 2) jc[h] = NULL;
    }
    m->page_flushes++;
}

void softmmu_code_page_changed(void *opaque, uint64_t phys_page, bool has_code) {
    CpuState *cpu = opaque;
    SoftMmu *m = cpu->smmu;
    for (unsigned i = 0; i < TLB_MMU_IDX_MAX; i++)
        for (unsigned j = 0; j < TLB_ENTRIES; j++) {
            TlbEntry *e = &m->tlb[i][j];
            if (e->tag_write == TLB_INVALID || m->phys[i][j] != phys_page || (e->tag_write & TLB_F_IO)) continue;
            if (has_code) e->tag_write |= TLB_F_NOTDIRTY;
            else e->tag_write &= ~(uint64_t)TLB_F_NOTDIRTY;
        }
}

/* Walk and install the translation of vaddr's page for `access`; raises
 * the frontend's fault.  Returns the entry. */
static TlbEntry *tlb_fill(CpuState *cpu, uint64_t vaddr, MmuAccess access, int idx) {
    SoftMmu *m = cpu->smmu;
    uint64_t paddr;
    uint32_t prot;
    uint32_t cause = m->fill(cpu, vaddr, access, idx, &paddr, &prot);
    if (cause) cpu_raise(cpu, cause, vaddr);
    m->fills++;
    uint64_t vpage = vaddr & TLB_PAGE_MASK, ppage = paddr & TLB_PAGE_MASK;
    uint32_t i = tlb_index(vaddr);
    TlbEntry *e = &m->tlb[idx][i];
    e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
    m->phys[idx][i] = ppage;
    const MemRegion *r = as_find(m->as, ppage);
    if (!r) {
        /* nothing there: the access itself reports the access fault */
        cpu_raise(cpu, m->access_fault_cause[access], vaddr);
    }
    uint64_t flags = 0;
    if (r->ram && r->size - (ppage - r->base) >= (1u << TLB_PAGE_BITS)) {
        e->addend = (uintptr_t)(r->ram + (ppage - r->base)) - (uintptr_t)vpage;
    } else {
        flags = TLB_F_IO;   /* devices, and RAM smaller than a page */
        e->addend = 0;
    }
    if (prot & MMU_PROT_R) e->tag_read = vpage | flags;
    if (prot & MMU_PROT_X) e->tag_code = vpage | flags;
    if ((prot & MMU_PROT_W) && !(r->ram && r->readonly)) {
        uint64_t wf = flags;
        if (!flags && tb_page_has_code(cpu->tbs, ppage)) wf |= TLB_F_NOTDIRTY;
        e->tag_write = vpage | wf;
    }
    return e;
}

static inline uint64_t tag_page(uint64_t tag) { return tag & TLB_PAGE_MASK; }

/* The entry for vaddr with the tag for `access`, filled if needed. */
static TlbEntry *tlb_entry_for(CpuState *cpu, uint64_t vaddr, MmuAccess access, int idx, uint64_t *tag) {
    SoftMmu *m = cpu->smmu;
    TlbEntry *e = &m->tlb[idx][tlb_index(vaddr)];
    uint64_t vpage = vaddr & TLB_PAGE_MASK;
    uint64_t t = access == MMU_LOAD ? e->tag_read : access == MMU_STORE ? e->tag_write : e->tag_code;
    if (t == TLB_INVALID || tag_page(t) != vpage) {
        e = tlb_fill(cpu, vaddr, access, idx);
        t = access == MMU_LOAD ? e->tag_read : access == MMU_STORE ? e->tag_write : e->tag_code;
        if (t == TLB_INVALID) {
            /* the walk granted less than asked (ROM store): access fault */
            cpu_raise(cpu, m->access_fault_cause[access], vaddr);
        }
    }
    *tag = t;
    return e;
}

static uint64_t phys_of(CpuState *cpu, int idx, uint64_t vaddr) {
    return cpu->smmu->phys[idx][tlb_index(vaddr)] | (vaddr & ~TLB_PAGE_MASK);
}

/* A misaligned access that crosses a page: fill both pages first.  The
 * first page's fault reports vaddr; the second page's reports the address
 * of its first byte, the start of the part that faults (QEMU does the
 * same).  Neighbouring pages never share a TLB entry, so both stay. */
static void check_pages(CpuState *cpu, uint64_t vaddr, unsigned size, MmuAccess access, int idx) {
    uint64_t second = (vaddr + size - 1) & TLB_PAGE_MASK;
    if (second == (vaddr & TLB_PAGE_MASK)) return;
    uint64_t t;
    tlb_entry_for(cpu, vaddr, access, idx, &t);
    tlb_entry_for(cpu, second, access, idx, &t);
}

uint64_t softmmu_load_slow(CpuState *cpu, uint64_t vaddr, unsigned size, int idx) {
    if ((vaddr & (size - 1)) != 0) {
        /* misaligned: byte by byte, after checking both pages so that a
         * fault comes before any device access (see check_pages) */
        check_pages(cpu, vaddr, size, MMU_LOAD, idx);
        uint64_t v = 0;
        for (unsigned k = 0; k < size; k++) v |= softmmu_load_slow(cpu, vaddr + k, 1, idx) << (8 * k);
        return v;
    }
    uint64_t tag;
    TlbEntry *e = tlb_entry_for(cpu, vaddr, MMU_LOAD, idx, &tag);
    if (!(tag & TLB_F_IO)) {
        uint64_t v = 0;
        memcpy(&v, (const void *)(uintptr_t)(vaddr + e->addend), size);
        return v;
    }
    uint64_t v;
    if (as_read(cpu->smmu->as, phys_of(cpu, idx, vaddr), size, &v) != MEMTX_OK)
        cpu_raise(cpu, cpu->smmu->access_fault_cause[MMU_LOAD], vaddr);
    return v;
}

static void store_notdirty(CpuState *cpu, int idx, uint64_t vaddr) {
    uint64_t ppage = cpu->smmu->phys[idx][tlb_index(vaddr)];
    cpu->stats.smc_faults++;
    tb_invalidate_page(cpu->tbs, ppage);
    /* the page may still have code (a TB on the previous page straddling
     * into it was dropped too, so normally it has none now) */
    if (!tb_page_has_code(cpu->tbs, ppage)) softmmu_code_page_changed(cpu, ppage, false);
}

void softmmu_store_slow(CpuState *cpu, uint64_t vaddr, uint64_t val, unsigned size, int idx) {
    if ((vaddr & (size - 1)) != 0) {
        /* misaligned: nothing is written unless both pages take the store */
        check_pages(cpu, vaddr, size, MMU_STORE, idx);
        for (unsigned k = 0; k < size; k++) softmmu_store_slow(cpu, vaddr + k, (val >> (8 * k)) & 0xff, 1, idx);
        return;
    }
    uint64_t tag;
    TlbEntry *e = tlb_entry_for(cpu, vaddr, MMU_STORE, idx, &tag);
    if (tag & TLB_F_IO) {
        if (as_write(cpu->smmu->as, phys_of(cpu, idx, vaddr), size, val) != MEMTX_OK)
            cpu_raise(cpu, cpu->smmu->access_fault_cause[MMU_STORE], vaddr);
        return;
    }
    if (tag & TLB_F_NOTDIRTY) store_notdirty(cpu, idx, vaddr);
    memcpy((void *)(uintptr_t)(vaddr + e->addend), &val, size);
}

void *softmmu_host_ptr(CpuState *cpu, uint64_t vaddr, unsigned size, MmuAccess access, int idx) {
    uint64_t tag;
    TlbEntry *e = tlb_entry_for(cpu, vaddr, access, idx, &tag);
    if (tag & TLB_F_IO) cpu_raise(cpu, cpu->smmu->access_fault_cause[access], vaddr);
    if (tag & TLB_F_NOTDIRTY) store_notdirty(cpu, idx, vaddr);
    (void)size;
    return (void *)(uintptr_t)(vaddr + e->addend);
}

uint32_t softmmu_translate_code(CpuState *cpu, uint64_t pc, int idx, uint64_t *paddr, const uint8_t **host) {
    SoftMmu *m = cpu->smmu;
    TlbEntry *e = &m->tlb[idx][tlb_index(pc)];
    uint64_t vpage = pc & TLB_PAGE_MASK;
    if (e->tag_code != vpage) {
        uint64_t pa;
        uint32_t prot;
        uint32_t cause = m->fill(cpu, pc, MMU_FETCH, idx, &pa, &prot);
        if (cause) return cause;
        const MemRegion *r = as_find(m->as, pa & TLB_PAGE_MASK);
        if (!r || !r->ram || r->size - ((pa & TLB_PAGE_MASK) - r->base) < (1u << TLB_PAGE_BITS))
            return m->access_fault_cause[MMU_FETCH];
        /* install through the common path (it cannot fault now) */
        e = tlb_fill(cpu, pc, MMU_FETCH, idx);
        if (e->tag_code != vpage) return m->access_fault_cause[MMU_FETCH];
    }
    *paddr = m->phys[idx][tlb_index(pc)] | (pc & ~TLB_PAGE_MASK);
    *host = (const uint8_t *)(uintptr_t)(vpage + e->addend);
    return 0;
}

bool softmmu_rw_debug(CpuState *cpu, uint64_t vaddr, void *buf, size_t len, bool is_write, int idx) {
    SoftMmu *m = cpu->smmu;
    uint8_t *p = buf;
    while (len) {
        uint64_t pa;
        uint32_t prot;
        uint64_t n = (1u << TLB_PAGE_BITS) - (vaddr & ~TLB_PAGE_MASK);
        if (n > len) n = len;
        if (m->fill(cpu, vaddr, MMU_LOAD, idx, &pa, &prot)) return false;
        if (as_rw(m->as, pa, p, n, is_write) != MEMTX_OK) return false;
        vaddr += n;
        p += n;
        len -= n;
    }
    return true;
}
