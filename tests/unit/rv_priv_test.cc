// rv_priv_test.cc — the RISC-V privileged architecture in system mode:
// Sv39/Sv48 page-table walks over every leaf permission combination, U/SUM,
// MXR, fault types, A/D updates, superpages; trap entry with delegation,
// xRET, and interrupt enabling/priority; CSR fields; and guest code run
// through the interpreter with paging on (faults of accesses and fetches
// that cross a page, blocks that straddle into a remapped page).  Expected outcomes are written from
// the privileged spec's rules (section "Virtual-Address Translation
// Process" and "Machine Trap Delegation"), stated independently here.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "tests/unit/vplat_c.h"
extern "C" {
#include "jit-native/jitn.h"
}

namespace {

constexpr uint64_t kRam = 0x80000000;
constexpr uint64_t kRamSize = 16 << 20;
constexpr uint64_t kRoot = kRam + 0x100000;   // page tables from here

constexpr uint64_t V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;

struct Hart {
    AddressSpace as;
    std::unique_ptr<RvCpu> cpu{new RvCpu()};
    uint64_t next_table = kRoot + 0x1000;
    Hart() {
        as_init(&as);
        EXPECT_NE(as_add_ram(&as, "ram", kRam, kRamSize, false), nullptr);
        rv_cpu_init_system(cpu.get(), &as, kRam);
    }
    ~Hart() {
        rv_cpu_destroy(cpu.get());
        as_destroy(&as);
    }
    uint64_t rd(uint64_t pa) {
        uint64_t v;
        memcpy(&v, as_ram_ptr(&as, pa, 8), 8);
        return v;
    }
    void wr(uint64_t pa, uint64_t v) { memcpy(as_ram_ptr(&as, pa, 8), &v, 8); }
    // Map va with a leaf at `level` (0 = 4K, 1 = 2M, 2 = 1G) in a table of
    // `levels` levels; returns the leaf PTE's physical address.
    uint64_t map(uint64_t va, uint64_t pa, uint64_t flags, int level, int levels) {
        uint64_t table = kRoot;
        for (int l = levels - 1; l > level; l--) {
            uint64_t slot = table + ((va >> (12 + 9 * l)) & 0x1ff) * 8;
            uint64_t pte = rd(slot);
            if (!(pte & V)) {
                uint64_t t = next_table;
                next_table += 0x1000;
                pte = ((t >> 12) << 10) | V;
                wr(slot, pte);
            }
            table = ((pte >> 10) & ((1ull << 44) - 1)) << 12;
        }
        uint64_t slot = table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
        wr(slot, ((pa >> 12) << 10) | flags);
        return slot;
    }
    void satp(int mode) { cpu->p.satp = ((uint64_t)mode << 60) | (kRoot >> 12); }
    uint32_t walk(uint64_t va, MmuAccess acc, int idx, uint64_t *pa, uint32_t *prot) {
        return rv_mmu_fill(&cpu->cs, va, acc, idx, pa, prot);
    }
};

uint32_t page_fault(MmuAccess a) {
    return a == MMU_FETCH ? 12 : a == MMU_LOAD ? 13 : 15;
}

// The spec's permission rule for a valid leaf, stated on its own.
bool spec_allows(uint64_t pte, MmuAccess acc, int idx, bool mxr) {
    bool r = pte & R, w = pte & W, x = pte & X, u = pte & U;
    if (w && !r) return false;   // reserved encoding
    if (idx == RV_MMU_U && !u) return false;
    if (idx != RV_MMU_U && u) {
        if (acc == MMU_FETCH) return false;        // S never executes U pages
        if (idx != RV_MMU_S_SUM) return false;     // S touches U data only with SUM
    }
    switch (acc) {
    case MMU_FETCH: return x;
    case MMU_LOAD: return r || (mxr && x);
    case MMU_STORE: return w;
    }
    return false;
}

TEST(RvMmu, EveryLeafPermissionCombination) {
    const uint64_t va = 0x40201000, pa = kRam + 0x345000;
    int checked = 0;
    for (uint64_t perm = 0; perm < 16; perm++) {        // R W X U
        for (int idx : {RV_MMU_U, RV_MMU_S, RV_MMU_S_SUM}) {
            for (bool mxr : {false, true}) {
                for (MmuAccess acc : {MMU_FETCH, MMU_LOAD, MMU_STORE}) {
                    Hart h;
                    h.satp(8);
                    uint64_t flags = V | A | D | ((perm & 1) ? R : 0) | ((perm & 2) ? W : 0) | ((perm & 4) ? X : 0) |
                                     ((perm & 8) ? U : 0);
                    if (!(flags & (R | W | X))) continue;    // not a leaf
                    h.map(va, pa, flags, 0, 3);
                    if (mxr) h.cpu->p.mstatus |= RV_MSTATUS_MXR;
                    uint64_t got_pa = 0;
                    uint32_t prot = 0;
                    uint32_t cause = h.walk(va + 0x123, acc, idx, &got_pa, &prot);
                    bool ok = spec_allows(flags, acc, idx, mxr);
                    SCOPED_TRACE(testing::Message() << "pte=" << std::hex << flags << " idx=" << idx << " mxr=" << mxr
                                                    << " acc=" << acc);
                    if (ok) {
                        EXPECT_EQ(cause, 0u);
                        EXPECT_EQ(got_pa, pa + 0x123);
                        // what the TLB may cache never exceeds what the spec allows
                        for (MmuAccess other : {MMU_FETCH, MMU_LOAD, MMU_STORE}) {
                            uint32_t bit = other == MMU_FETCH ? MMU_PROT_X : other == MMU_LOAD ? MMU_PROT_R : MMU_PROT_W;
                            if (prot & bit) {
                                EXPECT_TRUE(spec_allows(flags, other, idx, mxr)) << "other=" << other;
                            }
                        }
                    } else {
                        EXPECT_EQ(cause, page_fault(acc));
                    }
                    checked++;
                }
            }
        }
    }
    EXPECT_GT(checked, 200);
}

TEST(RvMmu, MachineModeAndBareAreIdentity) {
    Hart h;
    uint64_t pa;
    uint32_t prot;
    EXPECT_EQ(h.walk(0x1234, MMU_STORE, RV_MMU_M, &pa, &prot), 0u);
    EXPECT_EQ(pa, 0x1234u);
    h.satp(0);
    EXPECT_EQ(h.walk(0xdead000, MMU_FETCH, RV_MMU_U, &pa, &prot), 0u);
    EXPECT_EQ(pa, 0xdead000u);
}

TEST(RvMmu, AccessedAndDirtyAreSetByTheWalk) {
    Hart h;
    h.satp(8);
    uint64_t slot = h.map(0x1000, kRam + 0x5000, V | R | W, 0, 3);
    uint64_t pa;
    uint32_t prot;
    ASSERT_EQ(h.walk(0x1000, MMU_LOAD, RV_MMU_S, &pa, &prot), 0u);
    EXPECT_TRUE(h.rd(slot) & A);
    EXPECT_FALSE(h.rd(slot) & D);
    EXPECT_FALSE(prot & MMU_PROT_W) << "W must not be cached before D is set";
    ASSERT_EQ(h.walk(0x1000, MMU_STORE, RV_MMU_S, &pa, &prot), 0u);
    EXPECT_TRUE(h.rd(slot) & D);
    EXPECT_TRUE(prot & MMU_PROT_W);
}

TEST(RvMmu, InvalidAndReservedEncodingsFault) {
    for (uint64_t flags : {uint64_t(0) /* V=0 */, uint64_t(V | W) /* W without R */, uint64_t(V | W | X),
                           uint64_t(V | R | A | D | (1ull << 60)) /* reserved high bits */}) {
        Hart h;
        h.satp(8);
        h.map(0x2000, kRam + 0x6000, flags, 0, 3);
        uint64_t pa;
        uint32_t prot;
        EXPECT_EQ(h.walk(0x2000, MMU_LOAD, RV_MMU_S, &pa, &prot), 13u) << std::hex << flags;
    }
}

TEST(RvMmu, SuperpagesAndTheirAlignment) {
    Hart h;
    h.satp(8);
    h.map(0x40000000, kRam + 0x200000, V | R | W | X | A | D, 1, 3);   // 2 MiB, aligned
    uint64_t pa;
    uint32_t prot;
    ASSERT_EQ(h.walk(0x40123456, MMU_LOAD, RV_MMU_S, &pa, &prot), 0u);
    EXPECT_EQ(pa, kRam + 0x200000 + 0x123456);
    h.map(0x80000000, kRam + 0x201000, V | R | A | D, 1, 3);          // misaligned 2 MiB leaf
    EXPECT_EQ(h.walk(0x80000000, MMU_FETCH, RV_MMU_S, &pa, &prot), 12u);
    EXPECT_EQ(h.walk(0x80000000, MMU_LOAD, RV_MMU_S, &pa, &prot), 13u);
}

TEST(RvMmu, NonCanonicalAddressesFault) {
    Hart h;
    h.satp(8);   // Sv39: bits 63..39 must equal bit 38
    uint64_t pa;
    uint32_t prot;
    EXPECT_EQ(h.walk(0x0000008000000000ull, MMU_LOAD, RV_MMU_S, &pa, &prot), 13u);
    EXPECT_EQ(h.walk(0x0000004000000000ull, MMU_STORE, RV_MMU_S, &pa, &prot), 15u);
    h.satp(9);   // Sv48: bits 63..48 must equal bit 47
    EXPECT_EQ(h.walk(0x0001000000000000ull, MMU_FETCH, RV_MMU_S, &pa, &prot), 12u);
}

TEST(RvMmu, Sv48FourLevels) {
    Hart h;
    h.satp(9);
    const uint64_t va = 0xffffa12345678000ull;   // canonical in Sv48
    h.map(va, kRam + 0x777000, V | R | A, 0, 4);
    uint64_t pa;
    uint32_t prot;
    ASSERT_EQ(h.walk(va + 8, MMU_LOAD, RV_MMU_S, &pa, &prot), 0u);
    EXPECT_EQ(pa, kRam + 0x777008);
    // the same table read as Sv39 does not translate this address
    h.satp(8);
    EXPECT_NE(h.walk(va + 8, MMU_LOAD, RV_MMU_S, &pa, &prot), 0u);
}

TEST(RvMmu, PageTableOutsideRamIsAnAccessFault) {
    Hart h;
    h.cpu->p.satp = (8ull << 60) | (0x1000 >> 12);   // root table at 0x1000: nothing there
    uint64_t pa;
    uint32_t prot;
    EXPECT_EQ(h.walk(0x1000, MMU_LOAD, RV_MMU_S, &pa, &prot), 5u);
    EXPECT_EQ(h.walk(0x1000, MMU_STORE, RV_MMU_S, &pa, &prot), 7u);
    EXPECT_EQ(h.walk(0x1000, MMU_FETCH, RV_MMU_S, &pa, &prot), 1u);
}

// ---- traps ------------------------------------------------------------------

TEST(RvTrap, UndelegatedExceptionGoesToM) {
    Hart h;
    RvCpu *c = h.cpu.get();
    c->priv = RV_PRIV_S;
    c->p.mtvec = 0x80001000;
    c->p.mstatus = RV_MSTATUS_MIE;
    c->cs.pc = 0x80004000;
    rv_take_exception(c, RV_EXC_LOAD_PAGE_FAULT, 0x1234);
    EXPECT_EQ(c->priv, (uint32_t)RV_PRIV_M);
    EXPECT_EQ(c->cs.pc, 0x80001000u);
    EXPECT_EQ(c->p.mcause, 13u);
    EXPECT_EQ(c->p.mepc, 0x80004000u);
    EXPECT_EQ(c->p.mtval, 0x1234u);
    EXPECT_EQ((c->p.mstatus & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT, (uint64_t)RV_PRIV_S);
    EXPECT_TRUE(c->p.mstatus & RV_MSTATUS_MPIE);
    EXPECT_FALSE(c->p.mstatus & RV_MSTATUS_MIE);
}

TEST(RvTrap, DelegatedExceptionFromUGoesToS) {
    Hart h;
    RvCpu *c = h.cpu.get();
    c->priv = RV_PRIV_U;
    c->p.medeleg = 1u << RV_EXC_ECALL_U;
    c->p.stvec = 0x80002001;   // vectored: exceptions still go to the base
    c->p.mstatus = RV_MSTATUS_SIE;
    c->cs.pc = 0x10000;
    rv_take_exception(c, RV_EXC_ECALL_U, 0);
    EXPECT_EQ(c->priv, (uint32_t)RV_PRIV_S);
    EXPECT_EQ(c->cs.pc, 0x80002000u);
    EXPECT_EQ(c->p.scause, 8u);
    EXPECT_EQ(c->p.sepc, 0x10000u);
    EXPECT_FALSE(c->p.mstatus & RV_MSTATUS_SPP);
    EXPECT_TRUE(c->p.mstatus & RV_MSTATUS_SPIE);
    EXPECT_FALSE(c->p.mstatus & RV_MSTATUS_SIE);
}

TEST(RvTrap, DelegationNeverLowersPrivilege) {
    // a delegated exception taken in M stays in M
    Hart h;
    RvCpu *c = h.cpu.get();
    c->priv = RV_PRIV_M;
    c->p.medeleg = ~0ull;
    c->p.mtvec = 0x80001000;
    rv_take_exception(c, RV_EXC_ILLEGAL_INSN, 0);
    EXPECT_EQ(c->priv, (uint32_t)RV_PRIV_M);
    EXPECT_EQ(c->p.mcause, 2u);
}

TEST(RvTrap, EcallCauseFollowsPrivilege) {
    for (uint32_t priv : {(uint32_t)RV_PRIV_U, (uint32_t)RV_PRIV_S, (uint32_t)RV_PRIV_M}) {
        Hart h;
        RvCpu *c = h.cpu.get();
        c->priv = priv;
        rv_take_exception(c, RV_EXC_ECALL_U, 0);
        EXPECT_EQ(c->p.mcause, priv == RV_PRIV_U ? 8u : priv == RV_PRIV_S ? 9u : 11u);
    }
}

TEST(RvTrap, MretAndSretRestoreThePreviousMode) {
    Hart h;
    RvCpu *c = h.cpu.get();
    c->priv = RV_PRIV_M;
    c->p.mepc = 0x80200000;
    c->p.mstatus = ((uint64_t)RV_PRIV_S << RV_MSTATUS_MPP_SHIFT) | RV_MSTATUS_MPIE | RV_MSTATUS_MPRV;
    rv_arch_exit(c, RV_ARCH_MRET);
    EXPECT_EQ(c->priv, (uint32_t)RV_PRIV_S);
    EXPECT_EQ(c->cs.pc, 0x80200000u);
    EXPECT_TRUE(c->p.mstatus & RV_MSTATUS_MIE);
    EXPECT_FALSE(c->p.mstatus & RV_MSTATUS_MPRV) << "MRET to a lower mode clears MPRV";
    EXPECT_EQ(c->p.mstatus & RV_MSTATUS_MPP, 0u);
    c->p.sepc = 0x4000;
    c->p.mstatus |= RV_MSTATUS_SPIE;   // SPP = U
    rv_arch_exit(c, RV_ARCH_SRET);
    EXPECT_EQ(c->priv, (uint32_t)RV_PRIV_U);
    EXPECT_EQ(c->cs.pc, 0x4000u);
    EXPECT_TRUE(c->p.mstatus & RV_MSTATUS_SIE);
    // SRET in U mode is illegal
    c->p.mtvec = 0x80001000;
    rv_arch_exit(c, RV_ARCH_SRET);
    EXPECT_EQ(c->priv, (uint32_t)RV_PRIV_M);
    EXPECT_EQ(c->p.mcause, 2u);
}

TEST(RvIrq, EnablingFollowsPrivilegeAndDelegation) {
    Hart h;
    RvCpu *c = h.cpu.get();
    c->p.mie = RV_MIP(RV_IRQ_MTI) | RV_MIP(RV_IRQ_STI);
    rv_set_irq(c, RV_IRQ_MTI, 1);
    c->priv = RV_PRIV_M;
    EXPECT_FALSE(rv_interrupt_pending(c)) << "M-mode with MIE clear";
    EXPECT_TRUE(rv_wfi_wakeup(c)) << "WFI wakes regardless of MIE";
    c->p.mstatus |= RV_MSTATUS_MIE;
    EXPECT_TRUE(rv_interrupt_pending(c));
    c->p.mstatus &= ~RV_MSTATUS_MIE;
    c->priv = RV_PRIV_S;
    EXPECT_TRUE(rv_interrupt_pending(c)) << "M interrupts are always enabled below M";
    rv_set_irq(c, RV_IRQ_MTI, 0);
    // a delegated S timer interrupt: not taken in S with SIE clear, taken in U
    c->p.mideleg = RV_MIP(RV_IRQ_STI);
    c->p.mip = RV_MIP(RV_IRQ_STI);
    EXPECT_FALSE(rv_interrupt_pending(c));
    c->priv = RV_PRIV_U;
    EXPECT_TRUE(rv_interrupt_pending(c));
    c->p.stvec = 0x80003001;   // vectored
    c->cs.pc = 0x1000;
    ASSERT_TRUE(rv_take_interrupt(c));
    EXPECT_EQ(c->priv, (uint32_t)RV_PRIV_S);
    EXPECT_EQ(c->p.scause, (1ull << 63) | 5);
    EXPECT_EQ(c->cs.pc, 0x80003000u + 4 * 5);
}

TEST(RvIrq, PriorityOrder) {
    // MEI > MSI > MTI > SEI > SSI > STI
    Hart h;
    RvCpu *c = h.cpu.get();
    c->priv = RV_PRIV_U;
    c->p.mie = ~0ull;
    c->p.mip = RV_MIP(RV_IRQ_SSI) | RV_MIP(RV_IRQ_STI);
    rv_set_irq(c, RV_IRQ_MTI, 1);
    rv_set_irq(c, RV_IRQ_SEI, 1);
    ASSERT_TRUE(rv_take_interrupt(c));
    EXPECT_EQ(c->p.mcause, (1ull << 63) | 7);
    c->priv = RV_PRIV_U;
    rv_set_irq(c, RV_IRQ_MTI, 0);
    ASSERT_TRUE(rv_take_interrupt(c));
    EXPECT_EQ(c->p.mcause, (1ull << 63) | 9);
}

// ---- trap values and CSR fields matched to QEMU 7.2 (tests/baremetal) -------

TEST(RvTrap, EbreakWritesZeroTval) {
    // the spec allows 0 or the pc; QEMU writes 0
    Hart h;
    RvCpu *c = h.cpu.get();
    c->cs.pc = 0x80000124;
    rv_take_exception(c, RV_EXC_BREAKPOINT, 0x80000124);
    EXPECT_EQ(c->p.mcause, 3u);
    EXPECT_EQ(c->p.mepc, 0x80000124u);
    EXPECT_EQ(c->p.mtval, 0u);
}

TEST(RvCsr, SatpKeepsTheAsidAndIgnoresUnsupportedModes) {
    Hart h;
    RvCpu *c = h.cpu.get();
    const uint32_t csrrw_satp = 0x18059073;
    uint64_t v = (9ull << 60) | (0xffffull << 44) | 0xfffffffffffull;
    rv_csr_access(c, 0x180, RV_CSR_RW, true, v, csrrw_satp);
    EXPECT_EQ(rv_csr_access(c, 0x180, RV_CSR_RS, false, 0, 0), v);
    for (uint64_t mode : {1ull, 7ull, 10ull, 15ull}) {
        rv_csr_access(c, 0x180, RV_CSR_RW, true, (mode << 60) | 0x1234, csrrw_satp);
        EXPECT_EQ(rv_csr_access(c, 0x180, RV_CSR_RS, false, 0, 0), v) << "mode " << mode;
    }
}

// ---- guest code with paging on ----------------------------------------------

constexpr uint32_t kEbreak = 0x00100073;
constexpr uint32_t kLdA1A0 = 0x00053583;   // ld a1, 0(a0)
constexpr uint32_t kSdA1A0 = 0x00b53023;   // sd a1, 0(a0)
constexpr uint64_t kCodeVa = 0x10000000;

// A hart in S mode with Sv39 on and the interpreter as its tier; with
// hot_threshold >= 0 the native JIT takes blocks run that many times
// (threshold 1: a new block stops once to be promoted).
struct PagedHart : Hart {
    explicit PagedHart(int hot_threshold = -1) {
        cpu_set_tier(&cpu->cs, &interp_tier);
        if (hot_threshold >= 0) {
            char err[160];
            EXPECT_TRUE(cpu_set_hot_tier(&cpu->cs, &jitn_tier, (uint64_t)hot_threshold, err, sizeof err)) << err;
        }
        cpu->priv = RV_PRIV_S;
        satp(8);
    }
    void put32(uint64_t pa, uint32_t v) { memcpy(as_ram_ptr(&as, pa, 4), &v, 4); }
    void put16(uint64_t pa, uint16_t v) { memcpy(as_ram_ptr(&as, pa, 2), &v, 2); }
    void sfence() { softmmu_flush(&cpu->cs); }
    CpuExitReason run(uint64_t pc) {
        cpu->cs.pc = pc;
        return cpu_exec(&cpu->cs);
    }
    uint64_t &x(int n) { return cpu->cs.vals[n]; }
};

TEST(RvExec, MisalignedAccessFaultsAtTheStartOfTheBadPart) {
    PagedHart h;
    const uint64_t code = kRam + 0x10000, d1 = kRam + 0x11000, d2 = kRam + 0x12000;
    h.map(kCodeVa, code, V | X | A, 0, 3);
    h.map(0x20000000, d1, V | R | W | A | D, 0, 3);   // 0x20001000: unmapped
    h.map(0x20002000, d1, V | R | W | A | D, 0, 3);
    h.map(0x20003000, d2, V | R | A, 0, 3);           // read-only
    h.put32(code, kLdA1A0);
    h.put32(code + 4, kEbreak);
    h.put32(code + 8, kSdA1A0);
    h.put32(code + 12, kEbreak);
    h.wr(d1 + 0xff8, 0x1111111111111111ull);

    // a load crossing into an unmapped page: stval = that page's start,
    // and the destination keeps its value
    h.x(10) = 0x20000ffc;
    h.x(11) = 0x5a5a;
    ASSERT_EQ(h.run(kCodeVa), CPU_EXIT_EXCEPTION);
    EXPECT_EQ(h.cpu->cs.exc_cause, 13u);
    EXPECT_EQ(h.cpu->cs.exc_tval, 0x20001000u);
    EXPECT_EQ(h.cpu->cs.pc, kCodeVa);
    EXPECT_EQ(h.x(11), 0x5a5au);
    // the first page faults first, with the address itself
    h.x(10) = 0x1ffffffc;
    ASSERT_EQ(h.run(kCodeVa), CPU_EXIT_EXCEPTION);
    EXPECT_EQ(h.cpu->cs.exc_tval, 0x1ffffffcu);
    // a store crossing into a read-only page writes nothing
    h.x(10) = 0x20002ffc;
    h.x(11) = 0x2222222222222222ull;
    ASSERT_EQ(h.run(kCodeVa + 8), CPU_EXIT_EXCEPTION);
    EXPECT_EQ(h.cpu->cs.exc_cause, 15u);
    EXPECT_EQ(h.cpu->cs.exc_tval, 0x20003000u);
    EXPECT_EQ(h.rd(d1 + 0xff8), 0x1111111111111111ull);
}

class RvExecTiers : public ::testing::TestWithParam<int> {};  // hot-tier threshold, -1: none
INSTANTIATE_TEST_SUITE_P(Tiers, RvExecTiers, ::testing::Values(-1, 0, 1, 2));

TEST_P(RvExecTiers, FetchFaultOnASecondHalfIsRetriedOnceThePageIsMapped) {
    // "addi a0, zero, 0x55" in the last halfword of a page and the first
    // of the next, then ebreak
    PagedHart h(GetParam());
    const uint64_t p1 = kRam + 0x10000, p2 = kRam + 0x11000;
    h.map(kCodeVa, p1, V | X | A, 0, 3);
    h.put16(p1 + 0xffe, 0x0513);
    h.put16(p2, 0x0550);
    h.put32(p2 + 2, kEbreak);
    for (int again = 0; again < 3; again++) {   // a block that faults, run more than once
        ASSERT_EQ(h.run(kCodeVa + 0xffe), CPU_EXIT_EXCEPTION);
        EXPECT_EQ(h.cpu->cs.exc_cause, 12u);
        EXPECT_EQ(h.cpu->cs.pc, kCodeVa + 0xffe);
    }
    // the OS maps the page and retries: the fault is not remembered
    h.map(kCodeVa + 0x1000, p2, V | X | A, 0, 3);
    h.sfence();
    h.x(10) = 0;
    ASSERT_EQ(h.run(kCodeVa + 0xffe), CPU_EXIT_BREAK);
    EXPECT_EQ(h.x(10), 0x55u);
}

TEST_P(RvExecTiers, BlockStraddlingIntoARemappedPageIsRetranslated) {
    PagedHart h(GetParam());
    const uint64_t p1 = kRam + 0x10000, p2 = kRam + 0x11000, p3 = kRam + 0x12000;
    h.map(kCodeVa, p1, V | X | A, 0, 3);
    uint64_t second = h.map(kCodeVa + 0x1000, p2, V | X | A, 0, 3);
    h.put16(p1 + 0xffe, 0x0513);   // addi a0, zero, imm: imm in the high half
    h.put16(p2, 0x0550);
    h.put32(p2 + 2, kEbreak);
    h.put16(p3, 0x0660);
    h.put32(p3 + 2, kEbreak);
    for (int round = 0; round < 8; round++) {
        bool to_p3 = (round / 2) & 1;   // each mapping twice in a row
        h.wr(second, (((to_p3 ? p3 : p2) >> 12) << 10) | V | X | A);
        h.sfence();
        h.x(10) = 0;
        ASSERT_EQ(h.run(kCodeVa + 0xffe), CPU_EXIT_BREAK);
        EXPECT_EQ(h.x(10), to_p3 ? 0x66u : 0x55u) << "round " << round;
    }
}

}  // namespace

namespace {

// csrrs/csrrc on mip read-modify-write the software SEIP bit only: the
// PLIC's line must not be latched into it (privileged spec, "mip").
TEST(RvCsr, MipSetBitsDoesNotLatchTheExternalLine) {
    Hart h;
    RvCpu *c = h.cpu.get();
    c->priv = RV_PRIV_M;
    rv_set_irq(c, RV_IRQ_SEI, 1);
    const uint32_t kMip = 0x344;
    EXPECT_EQ(rv_csr_access(c, kMip, RV_CSR_RS, false, 0, 0) & RV_MIP(RV_IRQ_SEI), RV_MIP(RV_IRQ_SEI))
        << "a read shows the line";
    rv_csr_access(c, kMip, RV_CSR_RS, true, RV_MIP(RV_IRQ_STI), 0);   // csrs mip, STIP
    rv_set_irq(c, RV_IRQ_SEI, 0);
    EXPECT_EQ(rv_csr_access(c, kMip, RV_CSR_RS, false, 0, 0) & RV_MIP(RV_IRQ_SEI), 0u)
        << "SEIP must follow the line once it drops";
    EXPECT_NE(rv_csr_access(c, kMip, RV_CSR_RS, false, 0, 0) & RV_MIP(RV_IRQ_STI), 0u);
}

}  // namespace

namespace {

// sfence.vma with an address drops that page's translation only, unless a
// cached superpage may cover it (then everything goes).
TEST(RvSoftmmu, PageFlushKeepsOtherPagesUnlessASuperpageCovers) {
    Hart h;
    RvCpu *c = h.cpu.get();
    h.satp(8);
    c->priv = RV_PRIV_S;
    h.map(0x10000, kRam + 0x20000, V | R | W | A | D, 0, 3);
    h.map(0x11000, kRam + 0x21000, V | R | W | A | D, 0, 3);
    CpuState *cs = &c->cs;
    ASSERT_NE(softmmu_host_ptr(cs, 0x10000, 8, MMU_LOAD, RV_MMU_S), nullptr);
    ASSERT_NE(softmmu_host_ptr(cs, 0x11000, 8, MMU_LOAD, RV_MMU_S), nullptr);
    uint64_t fills = c->smmu.fills;
    // remap 0x10000 and flush only it: the new mapping is seen, 0x11000 stays cached
    h.map(0x10000, kRam + 0x30000, V | R | W | A | D, 0, 3);
    rv_sfence_vma(c, 0x10000, true, 0);
    EXPECT_EQ((uint8_t *)softmmu_host_ptr(cs, 0x10000, 8, MMU_LOAD, RV_MMU_S), as_ram_ptr(&h.as, kRam + 0x30000, 8));
    EXPECT_EQ(c->smmu.fills, fills + 1);
    softmmu_host_ptr(cs, 0x11000, 8, MMU_LOAD, RV_MMU_S);
    EXPECT_EQ(c->smmu.fills, fills + 1) << "the other page must still be cached";
    // a 2 MiB superpage cached: a page flush inside its range flushes everything
    h.map(0x40000000, kRam + 0x200000, V | R | W | A | D, 1, 3);
    softmmu_host_ptr(cs, 0x40001000, 8, MMU_LOAD, RV_MMU_S);
    h.map(0x40000000, kRam + 0x400000, V | R | W | A | D, 1, 3);
    rv_sfence_vma(c, 0x40005000, true, 0);   // another 4K page of the same superpage
    EXPECT_EQ((uint8_t *)softmmu_host_ptr(cs, 0x40001000, 8, MMU_LOAD, RV_MMU_S),
              as_ram_ptr(&h.as, kRam + 0x401000, 8));
}

}  // namespace
