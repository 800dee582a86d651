/* rv_system.c — the privileged architecture for system mode: CSRs, trap
 * entry with delegation, interrupts, MRET/SRET/WFI/SFENCE.VMA.
 *
 *   machine loop ─ cpu_exec ─▶ CPU_EXIT_EXCEPTION/SYSCALL/BREAK ─▶ rv_take_exception
 *                            ─▶ CPU_EXIT_ARCH ─▶ rv_arch_exit (mret, sret, wfi, sfence.vma)
 *                before each cpu_exec: rv_take_interrupt
 *   devices ─ IrqLine ─▶ rv_set_irq ─▶ mip_lines ─▶ cpu_request_exit if now deliverable
 *
 * What translated code may assume is in the TB flags (rv_translate.c:
 * privilege, data MMU index, FS state); every CSR write in system mode ends
 * its block with a return to the loop, so new flags take effect at once and
 * an interrupt that the write unmasked is taken before the next instruction.
 */
#include <inttypes.h>
#include <string.h>

#include "core/exec.h"
#include "core/log.h"
#include "frontends/riscv/rv_cpu.h"


#define SSTATUS_MASK                                                                                    \
    (RV_MSTATUS_SIE | RV_MSTATUS_SPIE | RV_MSTATUS_SPP | RV_MSTATUS_FS | RV_MSTATUS_SUM | RV_MSTATUS_MXR | \
     RV_MSTATUS_UXL | RV_MSTATUS_SD)
#define MSTATUS_WRITABLE                                                                                \
    (RV_MSTATUS_SIE | RV_MSTATUS_MIE | RV_MSTATUS_SPIE | RV_MSTATUS_MPIE | RV_MSTATUS_SPP |              \
     RV_MSTATUS_MPP | RV_MSTATUS_FS | RV_MSTATUS_MPRV | RV_MSTATUS_SUM | RV_MSTATUS_MXR |                \
     RV_MSTATUS_TVM | RV_MSTATUS_TW | RV_MSTATUS_TSR)
#define SSTATUS_WRITABLE \
    (RV_MSTATUS_SIE | RV_MSTATUS_SPIE | RV_MSTATUS_SPP | RV_MSTATUS_FS | RV_MSTATUS_SUM | RV_MSTATUS_MXR)

#define S_INTS (RV_MIP(RV_IRQ_SSI) | RV_MIP(RV_IRQ_STI) | RV_MIP(RV_IRQ_SEI))
#define M_INTS (RV_MIP(RV_IRQ_MSI) | RV_MIP(RV_IRQ_MTI) | RV_MIP(RV_IRQ_MEI))
/* mip bits software may write (M: the S-level ones; the M-level ones are
 * driven by the CLINT and PLIC only). */
#define MIP_WRITABLE S_INTS
#define MEDELEG_WRITABLE 0xb3ffull   /* every exception but ecall from M (11) and 10, 14 */
#define MISA_RV64GC                                                                                     \
    ((2ull << 62) | (1u << ('A' - 'A')) | (1u << ('C' - 'A')) | (1u << ('D' - 'A')) | (1u << ('F' - 'A')) | \
     (1u << ('I' - 'A')) | (1u << ('M' - 'A')) | (1u << ('S' - 'A')) | (1u << ('U' - 'A')))

static uint64_t mip_value(const RvCpu *c) { return c->p.mip | c->p.mip_lines; }

static uint64_t mstatus_read(const RvCpu *c) {
    uint64_t s = c->p.mstatus;
    if (((s & RV_MSTATUS_FS) >> RV_MSTATUS_FS_SHIFT) == RV_FS_DIRTY) s |= RV_MSTATUS_SD;
    return s | (2ull << 32) | (2ull << 34);   /* UXL = SXL = 64 */
}

int rv_data_mmu_idx(const RvCpu *c) {
    uint32_t priv = c->priv;
    if (priv == RV_PRIV_M && (c->p.mstatus & RV_MSTATUS_MPRV))
        priv = (uint32_t)((c->p.mstatus & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT);
    switch (priv) {
    case RV_PRIV_U: return RV_MMU_U;
    case RV_PRIV_S: return (c->p.mstatus & RV_MSTATUS_SUM) ? RV_MMU_S_SUM : RV_MMU_S;
    default: return RV_MMU_M;
    }
}

int rv_fetch_mmu_idx(const RvCpu *c) {
    return c->priv == RV_PRIV_U ? RV_MMU_U : c->priv == RV_PRIV_S ? RV_MMU_S : RV_MMU_M;
}

/* Interrupts that are pending, enabled in mie and enabled for the current
 * privilege (M-level ones unless delegated, S-level ones if delegated). */
static uint64_t deliverable(const RvCpu *c) {
    uint64_t pend = mip_value(c) & c->p.mie;
    if (!pend) return 0;
    uint64_t m_pend = pend & ~c->p.mideleg;
    uint64_t s_pend = pend & c->p.mideleg;
    bool m_on = c->priv < RV_PRIV_M || (c->p.mstatus & RV_MSTATUS_MIE);
    bool s_on = c->priv < RV_PRIV_S || (c->priv == RV_PRIV_S && (c->p.mstatus & RV_MSTATUS_SIE));
    return (m_on ? m_pend : 0) | (s_on ? s_pend : 0);
}

bool rv_interrupt_pending(const RvCpu *c) { return deliverable(c) != 0; }
bool rv_wfi_wakeup(const RvCpu *c) { return (mip_value(c) & c->p.mie) != 0; }

static void check_irq(RvCpu *c) {
    if (deliverable(c)) cpu_request_exit(&c->cs);
}

void rv_set_irq(void *opaque, int irq, int level) {
    RvCpu *c = opaque;
    uint64_t bit = RV_MIP((unsigned)irq);
    if (level) c->p.mip_lines |= bit;
    else c->p.mip_lines &= ~bit;
    if (level) check_irq(c);
}

/* ---- trap entry ------------------------------------------------------------- */

static void trap(RvCpu *c, uint64_t cause, bool interrupt, uint64_t tval) {
    uint64_t epc = c->cs.pc;
    uint64_t deleg = interrupt ? c->p.mideleg : c->p.medeleg;
    if (c->cs.log_mask & LOG_INT) {
        /* qemu-system-riscv64 -d int's line */
        fprintf(c->cs.log, "riscv_cpu_do_interrupt: hart:0, async:%d, cause:%016" PRIx64 ", epc:0x%016" PRIx64
                ", tval:0x%016" PRIx64 ", priv:%u\n", interrupt, cause, epc, tval, c->priv);
    }
    c->res_addr = ~(uint64_t)0;
    c->wfi = false;
    if (c->priv <= RV_PRIV_S && cause < 64 && ((deleg >> cause) & 1)) {
        uint64_t s = c->p.mstatus;
        c->p.scause = cause | ((uint64_t)interrupt << 63);
        c->p.sepc = epc;
        c->p.stval = tval;
        s = (s & ~RV_MSTATUS_SPIE) | ((s & RV_MSTATUS_SIE) ? RV_MSTATUS_SPIE : 0);
        s = (s & ~RV_MSTATUS_SPP) | (c->priv == RV_PRIV_S ? RV_MSTATUS_SPP : 0);
        s &= ~RV_MSTATUS_SIE;
        c->p.mstatus = s;
        c->priv = RV_PRIV_S;
        uint64_t base = c->p.stvec & ~3ull;
        c->cs.pc = ((c->p.stvec & 3) == 1 && interrupt) ? base + 4 * cause : base;
    } else {
        uint64_t s = c->p.mstatus;
        c->p.mcause = cause | ((uint64_t)interrupt << 63);
        c->p.mepc = epc;
        c->p.mtval = tval;
        s = (s & ~RV_MSTATUS_MPIE) | ((s & RV_MSTATUS_MIE) ? RV_MSTATUS_MPIE : 0);
        s = (s & ~RV_MSTATUS_MPP) | ((uint64_t)c->priv << RV_MSTATUS_MPP_SHIFT);
        s &= ~RV_MSTATUS_MIE;
        c->p.mstatus = s;
        c->priv = RV_PRIV_M;
        uint64_t base = c->p.mtvec & ~3ull;
        c->cs.pc = ((c->p.mtvec & 3) == 1 && interrupt) ? base + 4 * cause : base;
    }
}

void rv_take_exception(RvCpu *c, uint32_t cause, uint64_t tval) {
    if (cause == RV_EXC_ECALL_U) {
        /* the translator names U; the privilege it was taken in decides */
        cause = c->priv == RV_PRIV_U ? RV_EXC_ECALL_U : c->priv == RV_PRIV_S ? RV_EXC_ECALL_S : RV_EXC_ECALL_M;
        tval = 0;
    } else if (cause == RV_EXC_BREAKPOINT) {
        /* EBREAK: the spec allows zero or the pc; QEMU writes zero */
        tval = 0;
    } else if (cause == RV_EXC_ILLEGAL_INSN) {
        tval &= 0xffffffffu;
    } else if (cause == RV_EXC_INSN_PAGE_FAULT || cause == RV_EXC_INSN_ACCESS) {
        /* a fetch fault from a translated block carries only the low 32
         * bits of its address, which is pc or pc + 2 */
        uint64_t pc = c->cs.pc;
        if ((uint32_t)tval == (uint32_t)(pc + 2)) tval = pc + 2;
        else if ((uint32_t)tval == (uint32_t)pc) tval = pc;
    }
    trap(c, cause, false, tval);
}

bool rv_take_interrupt(RvCpu *c) {
    uint64_t d = deliverable(c);
    if (!d) return false;
    static const uint8_t order[] = {RV_IRQ_MEI, RV_IRQ_MSI, RV_IRQ_MTI, RV_IRQ_SEI, RV_IRQ_SSI, RV_IRQ_STI};
    for (unsigned i = 0; i < sizeof order; i++) {
        if (d & RV_MIP(order[i])) {
            trap(c, order[i], true, 0);
            return true;
        }
    }
    return false;
}

/* ---- MRET, SRET, WFI, SFENCE.VMA ------------------------------------------ */

static void illegal(RvCpu *c, uint32_t raw) {
    c->cs.insn_count--;   /* counted as retired when the block exited */
    rv_take_exception(c, RV_EXC_ILLEGAL_INSN, raw);
}

static void mxr_sum_changed(RvCpu *c, uint64_t old) {
    if ((old ^ c->p.mstatus) & RV_MSTATUS_MXR) softmmu_flush(&c->cs);
}

void rv_sfence_vma(RvCpu *c, uint64_t vaddr, bool has_vaddr, uint32_t raw) {
    if (c->priv == RV_PRIV_U || (c->priv == RV_PRIV_S && (c->p.mstatus & RV_MSTATUS_TVM)))
        cpu_raise(&c->cs, RV_EXC_ILLEGAL_INSN, raw);
    if (c->cs.log_mask & LOG_MMU) {
        if (has_vaddr) fprintf(c->cs.log, "sfence.vma %" PRIx64 ": flush the page\n", vaddr);
        else fprintf(c->cs.log, "sfence.vma: flush the TLB\n");
    }
    if (has_vaddr) softmmu_flush_page(&c->cs, vaddr);
    else softmmu_flush(&c->cs);
}

void rv_arch_exit(RvCpu *c, uint32_t what) {
    /* the instruction's raw bits for a trap: all four are 32-bit encodings */
    static const uint32_t raw_of[] = {0, 0x30200073, 0x10200073, 0x10500073};
    uint32_t raw = what < 4 ? raw_of[what] : 0;
    switch (what) {
    case RV_ARCH_MRET: {
        if (c->priv != RV_PRIV_M) return illegal(c, raw);
        uint64_t s = c->p.mstatus;
        uint32_t mpp = (uint32_t)((s & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT);
        s = (s & ~RV_MSTATUS_MIE) | ((s & RV_MSTATUS_MPIE) ? RV_MSTATUS_MIE : 0);
        s |= RV_MSTATUS_MPIE;
        s &= ~RV_MSTATUS_MPP;   /* MPP = U */
        if (mpp != RV_PRIV_M) s &= ~RV_MSTATUS_MPRV;
        c->p.mstatus = s;
        c->priv = mpp == 2 ? RV_PRIV_U : mpp;
        c->cs.pc = c->p.mepc;
        break;
    }
    case RV_ARCH_SRET: {
        if (c->priv == RV_PRIV_U || (c->priv == RV_PRIV_S && (c->p.mstatus & RV_MSTATUS_TSR))) return illegal(c, raw);
        uint64_t s = c->p.mstatus;
        uint32_t spp = (s & RV_MSTATUS_SPP) ? RV_PRIV_S : RV_PRIV_U;
        s = (s & ~RV_MSTATUS_SIE) | ((s & RV_MSTATUS_SPIE) ? RV_MSTATUS_SIE : 0);
        s |= RV_MSTATUS_SPIE;
        s &= ~RV_MSTATUS_SPP;
        s &= ~RV_MSTATUS_MPRV;
        c->p.mstatus = s;
        c->priv = spp;
        c->cs.pc = c->p.sepc;
        break;
    }
    case RV_ARCH_WFI:
        if (c->priv == RV_PRIV_U || (c->priv == RV_PRIV_S && (c->p.mstatus & RV_MSTATUS_TW))) return illegal(c, raw);
        c->cs.pc += 4;
        if (!rv_wfi_wakeup(c)) c->wfi = true;
        break;
    default:
        illegal(c, 0);
        break;
    }
}

/* ---- CSRs --------------------------------------------------------------------- */

static uint64_t counter_value(RvCpu *c, uint32_t csr) {
    switch (csr & 0x1f) {
    case 0: return c->cs.insn_count - 1;   /* cycle: one per instruction */
    case 1: return c->read_time ? c->read_time(c->time_opaque) : 0;
    case 2: return c->cs.insn_count - 1;   /* this CSR instruction ends its block */
    default: return 0;
    }
}

/* Is the U/S counter csr (0xc00..0xc1f) readable at the current privilege? */
static bool counter_allowed(const RvCpu *c, uint32_t csr) {
    uint32_t bit = csr & 0x1f;
    if (c->priv == RV_PRIV_M) return true;
    if (!((c->p.mcounteren >> bit) & 1)) return false;
    if (c->priv == RV_PRIV_U && !((c->p.scounteren >> bit) & 1)) return false;
    return true;
}

static void fs_dirty(RvCpu *c) { c->p.mstatus |= (uint64_t)RV_FS_DIRTY << RV_MSTATUS_FS_SHIFT; }

uint64_t rv_csr_access(RvCpu *c, uint32_t csr, uint32_t kind, bool write, uint64_t val, uint32_t raw) {
    CpuState *cs = &c->cs;
    if (((csr >> 8) & 3) > c->priv || (write && (csr >> 10) == 3)) cpu_raise(cs, RV_EXC_ILLEGAL_INSN, raw);
    bool fs_off = ((c->p.mstatus & RV_MSTATUS_FS) >> RV_MSTATUS_FS_SHIFT) == RV_FS_OFF;
    uint64_t old;
    switch (csr) {
    case CSR_FFLAGS: case CSR_FRM: case CSR_FCSR:
        if (fs_off) cpu_raise(cs, RV_EXC_ILLEGAL_INSN, raw);
        old = csr == CSR_FFLAGS ? c->fflags : csr == CSR_FRM ? c->frm : ((c->frm << 5) | c->fflags);
        break;
    case CSR_CYCLE: case CSR_TIME: case CSR_INSTRET:
        if (!counter_allowed(c, csr)) cpu_raise(cs, RV_EXC_ILLEGAL_INSN, raw);
        if (csr == CSR_TIME && !c->read_time) cpu_raise(cs, RV_EXC_ILLEGAL_INSN, raw);
        old = counter_value(c, csr);
        break;
    case CSR_MCYCLE: case CSR_MINSTRET: old = counter_value(c, csr); break;
    case CSR_SSTATUS: old = mstatus_read(c) & SSTATUS_MASK; break;
    case CSR_SIE: old = c->p.mie & c->p.mideleg; break;
    case CSR_STVEC: old = c->p.stvec; break;
    case CSR_SCOUNTEREN: old = c->p.scounteren; break;
    case CSR_SENVCFG: old = c->p.senvcfg; break;
    case CSR_SSCRATCH: old = c->p.sscratch; break;
    case CSR_SEPC: old = c->p.sepc; break;
    case CSR_SCAUSE: old = c->p.scause; break;
    case CSR_STVAL: old = c->p.stval; break;
    case CSR_SIP: old = mip_value(c) & c->p.mideleg; break;
    case CSR_SATP:
        if (c->priv == RV_PRIV_S && (c->p.mstatus & RV_MSTATUS_TVM)) cpu_raise(cs, RV_EXC_ILLEGAL_INSN, raw);
        old = c->p.satp;
        break;
    case CSR_MSTATUS: old = mstatus_read(c); break;
    case CSR_MISA: old = c->p.misa; break;
    case CSR_MEDELEG: old = c->p.medeleg; break;
    case CSR_MIDELEG: old = c->p.mideleg; break;
    case CSR_MIE: old = c->p.mie; break;
    case CSR_MTVEC: old = c->p.mtvec; break;
    case CSR_MCOUNTEREN: old = c->p.mcounteren; break;
    case CSR_MENVCFG: old = c->p.menvcfg; break;
    case CSR_MCOUNTINHIBIT: old = c->p.mcountinhibit; break;
    case CSR_MSCRATCH: old = c->p.mscratch; break;
    case CSR_MEPC: old = c->p.mepc; break;
    case CSR_MCAUSE: old = c->p.mcause; break;
    case CSR_MTVAL: old = c->p.mtval; break;
    case CSR_MIP: old = mip_value(c); break;
    case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: case CSR_MHARTID: case CSR_MCONFIGPTR: old = 0; break;
    default:
        if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
            if (csr & 1) cpu_raise(cs, RV_EXC_ILLEGAL_INSN, raw);   /* odd pmpcfg: RV32 only */
            old = c->p.pmpcfg[csr - CSR_PMPCFG0];
        } else if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
            old = c->p.pmpaddr[csr - CSR_PMPADDR0];
        } else if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
                   (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)) {
            old = 0;   /* no events: hard-wired to zero */
        } else if (csr >= CSR_HPMCOUNTER3 && csr <= CSR_HPMCOUNTER31) {
            if (!counter_allowed(c, csr)) cpu_raise(cs, RV_EXC_ILLEGAL_INSN, raw);
            old = 0;
        } else {
            cpu_raise(cs, RV_EXC_ILLEGAL_INSN, raw);
        }
        break;
    }
    if (!write) return old;
    /* CSRRS/CSRRC on mip modify the software-written SEIP bit, not its OR
     * with the PLIC's line that a read returns (privileged spec, mip) */
    uint64_t base = csr == CSR_MIP ? c->p.mip : old;
    uint64_t nv = kind == RV_CSR_RW ? val : kind == RV_CSR_RS ? (base | val) : (base & ~val);
    uint64_t old_status = c->p.mstatus;
    switch (csr) {
    case CSR_FFLAGS: c->fflags = nv & 0x1f; fs_dirty(c); break;
    case CSR_FRM: c->frm = nv & 7; fs_dirty(c); break;
    case CSR_FCSR: c->fflags = nv & 0x1f; c->frm = (nv >> 5) & 7; fs_dirty(c); break;
    case CSR_SSTATUS:
        c->p.mstatus = (c->p.mstatus & ~SSTATUS_WRITABLE) | (nv & SSTATUS_WRITABLE);
        mxr_sum_changed(c, old_status);
        break;
    case CSR_SIE: c->p.mie = (c->p.mie & ~c->p.mideleg) | (nv & c->p.mideleg); break;
    case CSR_STVEC: if ((nv & 3) < 2) c->p.stvec = nv; break;
    case CSR_SCOUNTEREN: c->p.scounteren = nv & 0xffffffffu; break;
    case CSR_SENVCFG: c->p.senvcfg = nv & 0xf1; break;
    case CSR_SSCRATCH: c->p.sscratch = nv; break;
    case CSR_SEPC: c->p.sepc = nv & ~1ull; break;
    case CSR_SCAUSE: c->p.scause = nv; break;
    case CSR_STVAL: c->p.stval = nv; break;
    case CSR_SIP: {
        uint64_t m = RV_MIP(RV_IRQ_SSI) & c->p.mideleg;
        c->p.mip = (c->p.mip & ~m) | (nv & m);
        break;
    }
    case CSR_SATP: {
        uint64_t mode = nv >> 60;
        if (mode != 0 && mode != 8 && mode != 9) break;   /* unsupported mode: no effect */
        /* 16 ASID bits, like QEMU (Linux then uses ASIDs).  The TLB is
         * not tagged with them: every satp write and every sfence.vma
         * flushes it all, which is correct whatever the ASIDs are. */
        c->p.satp = nv;
        if (cs->log_mask & LOG_MMU) fprintf(cs->log, "satp = %016" PRIx64 ": flush the TLB\n", nv);
        softmmu_flush(cs);
        break;
    }
    case CSR_MSTATUS: {
        uint64_t v = nv & MSTATUS_WRITABLE;
        if (((v & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT) == 2) v &= ~RV_MSTATUS_MPP;   /* reserved: U */
        c->p.mstatus = (c->p.mstatus & ~MSTATUS_WRITABLE) | v;
        mxr_sum_changed(c, old_status);
        break;
    }
    case CSR_MISA: break;   /* fixed RV64GC (+S, U) */
    case CSR_MEDELEG: c->p.medeleg = nv & MEDELEG_WRITABLE; break;
    case CSR_MIDELEG: c->p.mideleg = nv & S_INTS; break;
    case CSR_MIE: c->p.mie = nv & (S_INTS | M_INTS); break;
    case CSR_MTVEC: if ((nv & 3) < 2) c->p.mtvec = nv; break;
    case CSR_MCOUNTEREN: c->p.mcounteren = nv & 0xffffffffu; break;
    case CSR_MENVCFG: c->p.menvcfg = nv & 0xf1; break;
    case CSR_MCOUNTINHIBIT: c->p.mcountinhibit = nv & 0xfffffffdu; break;
    case CSR_MSCRATCH: c->p.mscratch = nv; break;
    case CSR_MEPC: c->p.mepc = nv & ~1ull; break;
    case CSR_MCAUSE: c->p.mcause = nv; break;
    case CSR_MTVAL: c->p.mtval = nv; break;
    case CSR_MIP: c->p.mip = (c->p.mip & ~MIP_WRITABLE) | (nv & MIP_WRITABLE); break;
    default:
        if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) c->p.pmpcfg[csr - CSR_PMPCFG0] = nv;
        else if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) c->p.pmpaddr[csr - CSR_PMPADDR0] = nv & ((1ull << 54) - 1);
        break;   /* counters and events: writes ignored */
    }
    check_irq(c);
    return old;
}

/* ---- creation ----------------------------------------------------------------- */

void rv_cpu_init_system(RvCpu *cpu, AddressSpace *as, uint64_t reset_pc) {
    memset(cpu, 0, sizeof *cpu);
    cpu_core_init(&cpu->cs, &rv_arch_ops, NULL);
    cpu->system = true;
    cpu->priv = RV_PRIV_M;
    cpu->p.misa = MISA_RV64GC;
    cpu->res_addr = ~(uint64_t)0;
    softmmu_init(&cpu->smmu, as);
    cpu->smmu.fill = rv_mmu_fill;
    cpu->smmu.access_fault_cause[MMU_FETCH] = RV_EXC_INSN_ACCESS;
    cpu->smmu.access_fault_cause[MMU_LOAD] = RV_EXC_LOAD_ACCESS;
    cpu->smmu.access_fault_cause[MMU_STORE] = RV_EXC_STORE_ACCESS;
    cpu->cs.smmu = &cpu->smmu;
    cpu->cs.tbs->page_code_changed = softmmu_code_page_changed;
    cpu->cs.tbs->page_opaque = &cpu->cs;
    cpu->cs.pc = reset_pc;
}

/* ---- debugger access ------------------------------------------------------------ */

bool rv_csr_debug(RvCpu *c, uint32_t csr, bool write, uint64_t *val) {
    CpuState *cs = &c->cs;
    switch (csr) {
    case CSR_FFLAGS: case CSR_FRM: case CSR_FCSR:
        /* whatever mstatus.FS says, and without making it Dirty */
        if (write) {
            if (csr != CSR_FRM) c->fflags = (uint32_t)*val & 0x1f;
            if (csr != CSR_FFLAGS) c->frm = (uint32_t)(csr == CSR_FCSR ? *val >> 5 : *val) & 7;
        } else {
            *val = csr == CSR_FFLAGS ? c->fflags : csr == CSR_FRM ? c->frm : ((c->frm << 5) | c->fflags);
        }
        return true;
    case CSR_CYCLE: case CSR_INSTRET: case CSR_MCYCLE: case CSR_MINSTRET:
        /* counters from the retired count (rv_csr_access assumes it runs
         * inside a CSR instruction) */
        if (write) return false;
        *val = cs->insn_count;
        return true;
    default:
        break;
    }
    /* everything else through the CSR file, as M mode; a trap it would
     * raise (no such CSR, read-only) comes back here instead.  Only ever
     * called with the hart stopped, outside cpu_exec. */
    if (!c->system || cs->jmp_valid) return false;
    uint32_t saved_priv = c->priv;
    volatile bool ok = true;
    c->priv = RV_PRIV_M;
    if (sigsetjmp(cs->jmp_env, 0) == 0) {
        uint64_t old = rv_csr_access(c, csr, RV_CSR_RW, write, write ? *val : 0, 0);
        if (!write) *val = old;
    } else {
        ok = false;
    }
    c->priv = saved_priv;
    return ok;
}
