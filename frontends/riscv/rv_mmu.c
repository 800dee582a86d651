/* rv_mmu.c — Sv39/Sv48 page-table walks for the softmmu (system mode).
 *
 * rv_mmu_fill is the SoftMmu fill hook: it walks the page table named by
 * satp for one access at one MMU index and returns the physical address and
 * the permissions the TLB may cache, or the page-fault cause.  Rules
 * (privileged spec, "Virtual-Address Translation Process"):
 *   - M mode, and satp.MODE = Bare: identity, all permissions;
 *   - virtual addresses must be sign-extended from bit 38 (Sv39) / 47 (Sv48);
 *   - a PTE with V=0, W without R, or reserved bits set faults; a leaf at a
 *     higher level needs its low PPN fields zero (misaligned superpage);
 *   - U pages: never executable from S, readable/writable from S only with
 *     SUM (a separate MMU index); S pages never accessible from U;
 *   - MXR makes executable pages readable (the TLB is flushed when it
 *     changes);
 *   - A and D are set by the walk (as QEMU does); W is only granted to the
 *     TLB once D is set, so the first store always comes back here.
 * PMP is accepted but not enforced (all physical memory is accessible).
 *
 * rv_mmu_debug_translate is the same walk for a debugger: no permission
 * checks beyond a valid leaf, and no side effects (A/D bits, TLB notes).
 */
#include <inttypes.h>
#include <stdio.h>

#include "core/log.h"
#include "frontends/riscv/rv_cpu.h"

enum {
    PTE_V = 1 << 0, PTE_R = 1 << 1, PTE_W = 1 << 2, PTE_X = 1 << 3,
    PTE_U = 1 << 4, PTE_G = 1 << 5, PTE_A = 1 << 6, PTE_D = 1 << 7,
};
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK ((1ull << 44) - 1)
#define PTE_RESERVED_SHIFT 54   /* N, PBMT and reserved bits: no Svnapot/Svpbmt */

static uint32_t page_fault(MmuAccess access) {
    return access == MMU_FETCH ? RV_EXC_INSN_PAGE_FAULT
         : access == MMU_LOAD ? RV_EXC_LOAD_PAGE_FAULT : RV_EXC_STORE_PAGE_FAULT;
}

static uint32_t access_fault(MmuAccess access) {
    return access == MMU_FETCH ? RV_EXC_INSN_ACCESS : access == MMU_LOAD ? RV_EXC_LOAD_ACCESS : RV_EXC_STORE_ACCESS;
}

static uint32_t walk(CpuState *cs, uint64_t va, MmuAccess access, int idx, uint64_t *pa, uint32_t *prot, bool debug) {
    RvCpu *c = rv_cpu(cs);
    uint64_t satp = c->p.satp;
    uint32_t mode = (uint32_t)(satp >> 60);
    if (idx == RV_MMU_M || mode == 0) {
        *pa = va;
        *prot = MMU_PROT_R | MMU_PROT_W | MMU_PROT_X;
        return 0;
    }
    int levels = mode == 8 ? 3 : 4;
    int va_bits = 12 + 9 * levels;
    int64_t sva = (int64_t)(va << (64 - va_bits)) >> (64 - va_bits);
    if ((uint64_t)sva != va) return page_fault(access);

    const bool user = idx == RV_MMU_U;
    const bool sum = idx == RV_MMU_S_SUM;
    const bool mxr = (c->p.mstatus & RV_MSTATUS_MXR) != 0;
    uint64_t table = (satp & PTE_PPN_MASK) << 12;
    for (int level = levels - 1; level >= 0; level--) {
        uint64_t vpn = (va >> (12 + 9 * level)) & 0x1ff;
        uint64_t pte_addr = table + vpn * 8;
        uint8_t *host = as_ram_ptr(c->smmu.as, pte_addr, 8);
        if (!host) return access_fault(access);
        uint64_t pte;
        memcpy(&pte, host, 8);
        if (!(pte & PTE_V) || ((pte & PTE_W) && !(pte & PTE_R)) || (pte >> PTE_RESERVED_SHIFT))
            return page_fault(access);
        uint64_t ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
        if (!(pte & (PTE_R | PTE_X))) {
            if (pte & (PTE_D | PTE_A | PTE_U)) return page_fault(access); /* non-leaf with leaf bits */
            table = ppn << 12;
            continue;
        }
        /* leaf */
        uint64_t low_ppn_mask = (1ull << (9 * level)) - 1;
        if (ppn & low_ppn_mask) return page_fault(access);
        uint64_t page_off_mask = (1ull << (12 + 9 * level)) - 1;
        if (debug) {
            *pa = ((ppn << 12) & ~page_off_mask) | (va & page_off_mask);
            *prot = MMU_PROT_R | MMU_PROT_W | MMU_PROT_X;
            return 0;
        }
        uint32_t p = 0;
        if (pte & PTE_U) {
            if (user) p = MMU_PROT_R | MMU_PROT_W | MMU_PROT_X;
            else if (sum) p = MMU_PROT_R | MMU_PROT_W;
        } else if (!user) {
            p = MMU_PROT_R | MMU_PROT_W | MMU_PROT_X;
        }
        uint32_t allowed = 0;
        if ((pte & PTE_R) || (mxr && (pte & PTE_X))) allowed |= MMU_PROT_R;
        if (pte & PTE_W) allowed |= MMU_PROT_W;
        if (pte & PTE_X) allowed |= MMU_PROT_X;
        p &= allowed;
        uint32_t need = access == MMU_FETCH ? MMU_PROT_X : access == MMU_LOAD ? MMU_PROT_R : MMU_PROT_W;
        if (!(p & need)) return page_fault(access);
        uint64_t upd = pte | PTE_A | (access == MMU_STORE ? PTE_D : 0);
        if (upd != pte) {
            memcpy(host, &upd, 8);
            pte = upd;
        }
        if (!(pte & PTE_D)) p &= ~(uint32_t)MMU_PROT_W;
        if (level > 0) softmmu_note_large_page(&c->smmu, va, 12 + 9 * (unsigned)level);
        *pa = ((ppn << 12) & ~page_off_mask) | (va & page_off_mask);
        *prot = p;
        return 0;
    }
    return page_fault(access);
}

uint32_t rv_mmu_fill(CpuState *cs, uint64_t va, MmuAccess access, int idx, uint64_t *pa, uint32_t *prot) {
    uint32_t cause = walk(cs, va, access, idx, pa, prot, false);
    if (cs->log_mask & LOG_MMU) {
        /* -d mmu: one line per fill, in the spirit of QEMU's
         * riscv_cpu_tlb_fill lines (rw: 0 load, 1 store, 2 fetch) */
        static const int rw_of[] = {[MMU_LOAD] = 0, [MMU_STORE] = 1, [MMU_FETCH] = 2};
        RvCpu *c = rv_cpu(cs);
        if (cause)
            fprintf(cs->log, "riscv_cpu_tlb_fill ad %" PRIx64 " rw %d mmu_idx %d satp %016" PRIx64 " -> page fault cause %u\n",
                    va, rw_of[access], idx, c->p.satp, cause);
        else
            fprintf(cs->log, "riscv_cpu_tlb_fill ad %" PRIx64 " rw %d mmu_idx %d satp %016" PRIx64 " -> pa %" PRIx64 " prot %c%c%c\n",
                    va, rw_of[access], idx, c->p.satp, *pa, (*prot & MMU_PROT_R) ? 'r' : '-', (*prot & MMU_PROT_W) ? 'w' : '-',
                    (*prot & MMU_PROT_X) ? 'x' : '-');
    }
    return cause;
}

bool rv_mmu_debug_translate(RvCpu *c, uint64_t va, uint64_t *pa) {
    uint32_t prot;
    int idx = c->priv == RV_PRIV_M ? RV_MMU_M : RV_MMU_S;
    return walk(&c->cs, va, MMU_LOAD, idx, pa, &prot, true) == 0;
}

uint32_t rv_code_phys(CpuState *cs, uint64_t pc, uint64_t *paddr) {
    const uint8_t *host;
    return softmmu_translate_code(cs, pc, rv_fetch_mmu_idx(rv_cpu(cs)), paddr, &host);
}
