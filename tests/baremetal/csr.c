/* csr.c — CSR access rules and WARL fields: S touching M CSRs and U
 * touching S CSRs (illegal instruction, mtval = the instruction), writes
 * to read-only CSRs (also csrrs/csrrc with x0, which do not write),
 * sstatus/sie/sip as views of mstatus/mie/mip, the writable masks of
 * medeleg, mideleg, mie and mip, misa, mtvec/stvec modes, satp modes and
 * fields, mepc alignment, FS and SD, and the counter-enable rules for
 * cycle, time and instret from S and U (trap or not; values not printed).
 *
 * QEMU 7.2 enables the H extension, Sstc and more by default; vplat is an
 * RV64GC hart with S and U.  Where QEMU's extra features change a read
 * value, the transcript masks it to the RV64GC fields, and says so.  QEMU
 * 7.2 also departs from the spec in these, kept out of the transcript:
 *   - medeleg[11] (ECALL from M) is writable (the spec hard-wires it to 0);
 *   - mcounteren/scounteren keep 64 bits (they are 32-bit registers);
 *   - mepc/sepc keep bit 0 (always zero per the spec);
 *   - mstatus.MPP accepts the reserved value 2;
 *   - a satp write from S with TVM=1 traps only if it would change satp.
 */
#include "bm.h"

#define AT(label, insn) ".global " #label "\n" #label ":\n\t" insn "\n"

/* mip/mie/mideleg bits of the RV64GC + S + U hart (QEMU also has
 * LCOFIP, the VS-level and SGEI bits of the H extension) */
#define STD_INTS 0xaaaul
#define S_INTS (MIP(IRQ_SSI) | MIP(IRQ_STI) | MIP(IRQ_SEI))

/* ---- privilege of CSR numbers -------------------------------------------- */

/* Each access is one instruction at a label, so the log shows which. */
#define TRY_CSR(label, insn) asm volatile(AT(label, insn) ::: "a0", "memory")

extern char s_m_csrs[], u_s_csrs[], u_fcsr[], ro_writes[], ro_reads[], custom_csr[];

static uint64_t s_touches_m(uint64_t arg) {
    TRY_CSR(s_m_csrs, "csrr a0, mstatus\n\tcsrr a0, misa\n\tcsrr a0, mie\n\tcsrr a0, mtvec\n\t"
                      "csrr a0, mscratch\n\tcsrr a0, mepc\n\tcsrr a0, mhartid\n\tcsrr a0, medeleg\n\t"
                      "csrr a0, pmpcfg0\n\tcsrr a0, mcycle\n\tcsrw mscratch, zero\n\tcsrr a0, sstatus\n\t"
                      "csrr a0, sscratch");
    return 0;
}

static uint64_t u_touches_s(uint64_t arg) {
    TRY_CSR(u_s_csrs, "csrr a0, sstatus\n\tcsrr a0, stvec\n\tcsrr a0, sscratch\n\tcsrr a0, satp\n\t"
                      "csrr a0, sip\n\tcsrr a0, mstatus\n\tcsrw sscratch, zero");
    TRY_CSR(u_fcsr, "csrr a0, fcsr\n\tcsrr a0, frm\n\tcsrw fflags, zero");
    return 0;
}

static void csr_privilege(void) {
    bm_section("CSR privilege");
    trap_clear();
    run_in(MODE_S, s_touches_m, 0, 0);
    trap_report("S reads M CSRs, then sstatus and sscratch", s_m_csrs);
    run_in(MODE_U, u_touches_s, 0, 0);
    trap_report("U reads S and M CSRs, then the FP CSRs", u_s_csrs);

    /* read-only CSRs (number 0xCxx, 0xFxx): any write traps, a csrrs or
     * csrrc with x0 / uimm 0 does not write */
    TRY_CSR(ro_writes, "csrw mhartid, zero\n\tcsrw mvendorid, a0\n\tcsrs cycle, a0\n\tcsrrsi a0, time, 1\n\t"
                       "csrrci a0, instret, 2\n\tcsrrw zero, marchid, zero");
    trap_report("writes to read-only CSRs", ro_writes);
    TRY_CSR(ro_reads, "csrrs a0, mhartid, zero\n\tcsrrsi a0, mvendorid, 0\n\tcsrrc a0, cycle, zero\n\t"
                      "csrrci a0, mimpid, 0");
    trap_report("csrrs/csrrc of read-only CSRs with x0 and 0", ro_reads);
    TRY_CSR(custom_csr, "csrr a0, 0x8ff\n\tcsrr a0, 0x5ff");
    trap_report("unimplemented CSR numbers", custom_csr);
}

/* ---- views: sstatus, sie, sip ------------------------------------------------ */

static void views(void) {
    bm_section("sstatus, sie and sip are views");
    const uint64_t sbits = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR;
    const uint64_t mbits = MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW |
                           MSTATUS_TSR;
    csr_clear(mstatus, sbits | mbits);
    csr_set(mstatus, sbits);
    P("mstatus S fields set: sstatus = 0x%lx\n", csr_read(sstatus));
    csr_clear(mstatus, sbits);
    P("cleared again:        sstatus = 0x%lx\n", csr_read(sstatus));
    /* all writable fields of sstatus plus the M ones (ignored): VS (9:10)
     * and UXL are left 0 (QEMU keeps VS writable without V, allowed) */
    csr_write(sstatus, sbits | mbits | MSTATUS_FS);
    P("sstatus <- S+M fields: sstatus = 0x%lx mstatus = 0x%lx\n", csr_read(sstatus), csr_read(mstatus));
    csr_clear(sstatus, sbits);
    csr_write(sstatus, (csr_read(sstatus) & ~MSTATUS_FS) | (1ul << 13));
    P("FS = Initial: sstatus = 0x%lx\n", csr_read(sstatus));

    csr_write(mie, 0);
    csr_write(mideleg, 0);
    csr_write(sie, ~0ul);
    P("mideleg=0: sie <- ~0: sie = 0x%lx mie = 0x%lx\n", csr_read(sie), csr_read(mie));
    csr_write(mideleg, MIP(IRQ_STI));
    csr_write(sie, ~0ul);
    P("mideleg=STI: sie <- ~0: sie = 0x%lx mie = 0x%lx\n", csr_read(sie), csr_read(mie));
    csr_write(mie, MIP(IRQ_SSI) | MIP(IRQ_MSI));
    P("mie <- SSI|MSI: sie = 0x%lx\n", csr_read(sie));
    csr_write(mideleg, S_INTS);
    P("mideleg=S ints: sie = 0x%lx\n", csr_read(sie));
    csr_write(sie, 0);
    P("sie <- 0: mie = 0x%lx\n", csr_read(mie));

    /* sip: the S bits of mip that are delegated; only SSIP is writable */
    csr_write(mideleg, 0);
    csr_set(mip, MIP(IRQ_SSI) | MIP(IRQ_STI));
    P("mip <- SSIP|STIP, mideleg=0: sip = 0x%lx mip&S = 0x%lx\n", csr_read(sip), csr_read(mip) & S_INTS);
    csr_write(mideleg, S_INTS);
    P("mideleg=S ints: sip = 0x%lx\n", csr_read(sip));
    csr_write(sip, 0);
    P("sip <- 0: mip&S = 0x%lx (STIP stays: not writable through sip)\n", csr_read(mip) & S_INTS);
    csr_write(sip, MIP(IRQ_SSI) | MIP(IRQ_STI));
    P("sip <- SSIP|STIP: mip&S = 0x%lx\n", csr_read(mip) & S_INTS);
    csr_write(mideleg, MIP(IRQ_STI));
    csr_write(sip, 0);
    P("mideleg=STI, sip <- 0: mip&S = 0x%lx (SSIP not delegated: kept)\n", csr_read(mip) & S_INTS);
    csr_clear(mip, S_INTS);
    csr_write(mideleg, 0);
    csr_write(mie, 0);
    trap_report("traps", 0);
}

/* ---- WARL fields --------------------------------------------------------------- */

static void warl(void) {
    bm_section("WARL fields");
    uint64_t misa = csr_read(misa);
    /* QEMU 7.2 sets H (bit 7) by default; vplat has no H */
    P("misa (without H) = 0x%lx\n", misa & ~(1ul << 7));
    csr_write(misa, misa & ~(1ul << ('C' - 'A')));
    P("misa after clearing C: unchanged %s\n", csr_read(misa) == misa ? "yes" : "no");
    csr_write(misa, 0);
    P("misa after writing 0: unchanged %s\n", csr_read(misa) == misa ? "yes" : "no");

    csr_write(medeleg, ~0ul);
    /* bits 10, 11 and 20-23 are writable in QEMU 7.2 (H exceptions, and
     * ECALL from M, which the spec hard-wires to 0) */
    P("medeleg <- ~0: 0x%lx (bits 0-9, 12-19)\n", csr_read(medeleg) & 0xff3fful);
    csr_write(medeleg, 0);
    csr_write(mideleg, ~0ul);
    P("mideleg <- ~0: 0x%lx (the six standard bits)\n", csr_read(mideleg) & STD_INTS);
    csr_write(mideleg, 0);
    csr_write(mie, ~0ul);
    P("mie <- ~0: 0x%lx (the six standard bits)\n", csr_read(mie) & STD_INTS);
    csr_write(mie, 0);
    /* M may set the S-level pending bits; MSIP, MTIP, MEIP are read-only */
    uint64_t before = csr_read(mip) & (MIP(IRQ_MSI) | MIP(IRQ_MEI));
    csr_write(mip, ~0ul);
    P("mip <- ~0: S bits 0x%lx, MSIP|MEIP changed %s\n", csr_read(mip) & S_INTS,
      (csr_read(mip) & (MIP(IRQ_MSI) | MIP(IRQ_MEI))) != before ? "yes" : "no");
    csr_write(mip, 0);
    P("mip <- 0: S bits 0x%lx\n", csr_read(mip) & S_INTS);

    uint64_t base = 0x80001000ul;
    static const uint64_t tv[] = {0, 1, 2, 3};
    for (unsigned i = 0; i < 4; i++) {
        csr_write(mtvec, base + 0x100);
        csr_write(mtvec, base | tv[i]);
        csr_write(stvec, base + 0x100);
        csr_write(stvec, base | tv[i]);
        P("xtvec <- base|%lu: mtvec = 0x%lx stvec = 0x%lx\n", tv[i], csr_read(mtvec), csr_read(stvec));
    }
    csr_write(mtvec, (uint64_t)m_trap_entry);
    csr_write(stvec, (uint64_t)s_trap_entry);

    /* satp: Bare, Sv39, Sv48 are supported; a write with any other mode
     * changes nothing.  (Mode 10, Sv57, is supported by QEMU 7.2 and not
     * by vplat: not written here.) */
    static const uint64_t modes[] = {0, 1, 2, 5, 7, 8, 9, 11, 12, 15};
    csr_write(satp, 0);
    for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        csr_write(satp, SATP_SV39 | 0x80123ul);
        csr_write(satp, (modes[i] << 60) | 0x80456ul);
        P("satp <- mode %2lu: mode %lu ppn 0x%lx\n", modes[i], csr_read(satp) >> 60, csr_read(satp) & ((1ul << 44) - 1));
        csr_write(satp, 0);
    }
    csr_write(satp, SATP_SV48 | (0xfffful << 44) | 0xfffffffffffful);
    P("satp <- Sv48 | ASID ~0 | PPN ~0: 0x%lx\n", csr_read(satp));
    csr_write(satp, 0);
    sfence_vma();

    csr_write(mscratch, 0x0123456789abcdeful);
    csr_write(sscratch, 0xfedcba9876543210ul);
    P("mscratch 0x%lx sscratch 0x%lx\n", csr_read(mscratch), csr_read(sscratch));
    csr_write(mscratch, (uint64_t)m_trap_stack_top);
    csr_write(sscratch, (uint64_t)s_trap_stack_top);
    csr_write(mepc, 0x80000002ul);
    csr_write(sepc, 0x80000006ul);
    P("mepc 0x%lx sepc 0x%lx (2-byte aligned: C)\n", csr_read(mepc), csr_read(sepc));
    csr_write(mcause, 0x8000000000000007ul);
    csr_write(scause, 0xd);
    csr_write(mtval, 0x1234);
    csr_write(stval, 0x5678);
    P("mcause 0x%lx scause 0x%lx mtval 0x%lx stval 0x%lx\n", csr_read(mcause), csr_read(scause), csr_read(mtval),
      csr_read(stval));
    csr_write(mcounteren, 0x5);
    csr_write(scounteren, 0x2);
    P("mcounteren 0x%lx scounteren 0x%lx\n", csr_read(mcounteren), csr_read(scounteren));
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    P("pmpcfg0 0x%lx pmpaddr0 0x%lx\n", csr_read(pmpcfg0), csr_read(pmpaddr0));
    trap_report("traps", 0);
}

/* ---- FS and SD --------------------------------------------------------------------- */

static void fs_sd(void) {
    bm_section("FS and SD");
    for (uint64_t fs = 0; fs < 4; fs++) {
        csr_write(mstatus, (csr_read(mstatus) & ~MSTATUS_FS) | (fs << 13));
        uint64_t st = csr_read(mstatus);
        P("FS <- %lu: FS = %lu SD = %lu\n", fs, (st & MSTATUS_FS) >> 13, st >> 63);
    }
    csr_write(mstatus, (csr_read(mstatus) & ~MSTATUS_FS) | (1ul << 13));
    asm volatile("fmv.d.x f1, zero" ::: "memory");
    P("FS=Initial, fmv.d.x: FS = %lu\n", (csr_read(mstatus) & MSTATUS_FS) >> 13);
    csr_write(mstatus, (csr_read(mstatus) & ~MSTATUS_FS) | (2ul << 13));
    csr_write(fcsr, 0);
    P("FS=Clean, csrw fcsr: FS = %lu\n", (csr_read(mstatus) & MSTATUS_FS) >> 13);
    csr_write(mstatus, (csr_read(mstatus) & ~MSTATUS_FS) | (1ul << 13));
    trap_report("traps", 0);
}

/* ---- counters ------------------------------------------------------------------------ */

extern char rd_cycle[], rd_time[], rd_instret[];

static uint64_t read_counters(uint64_t arg) {
    unsigned before = trap_count;
    uint64_t r = 0;
    asm volatile(AT(rd_cycle, "rdcycle a0") ::: "a0", "memory");
    r |= (trap_count != before) << 0;
    before = trap_count;
    asm volatile(AT(rd_time, "rdtime a0") ::: "a0", "memory");
    r |= (trap_count != before) << 1;
    before = trap_count;
    asm volatile(AT(rd_instret, "rdinstret a0") ::: "a0", "memory");
    r |= (trap_count != before) << 2;
    return r;
}

static void counters(void) {
    bm_section("counter enables (x = traps)");
    P("M:         cycle %c time %c instret %c\n", "ox"[read_counters(0) & 1], "ox"[(read_counters(0) >> 1) & 1],
      "ox"[(read_counters(0) >> 2) & 1]);
    trap_clear();
    static const uint64_t en[] = {0, 1, 2, 4, 7};
    for (unsigned i = 0; i < 5; i++) {
        for (unsigned j = 0; j < 5; j++) {
            csr_write(mcounteren, en[i]);
            csr_write(scounteren, en[j]);
            uint64_t s = run_in(MODE_S, read_counters, 0, 0);
            unsigned ts = trap_count;
            trap_clear();
            uint64_t u = run_in(MODE_U, read_counters, 0, 0);
            unsigned tu = trap_count;
            int all_illegal = 1;
            for (unsigned k = 0; k < tu && k < TRAP_LOG_MAX; k++)
                if (trap_log[k].cause != EXC_ILLEGAL || trap_log[k].where != 'M') all_illegal = 0;
            trap_clear();
            P("mcounteren %lu scounteren %lu: S: %c%c%c  U: %c%c%c%s\n", en[i], en[j], "ox"[s & 1], "ox"[(s >> 1) & 1],
              "ox"[(s >> 2) & 1], "ox"[u & 1], "ox"[(u >> 1) & 1], "ox"[(u >> 2) & 1],
              all_illegal ? "" : "  (not all illegal-insn traps in M)");
            (void)ts;
        }
    }
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    /* the trap itself: one example with its mtval */
    csr_write(mcounteren, 0);
    run_in(MODE_S, read_counters, 0, 0);
    trap_report("S reads with mcounteren 0", rd_cycle);
    /* delegated: illegal instructions from U go to S */
    csr_write(mcounteren, 7);
    set_medeleg(1ul << EXC_ILLEGAL);
    run_in(MODE_U, read_counters, 0, 0);
    set_medeleg(0);
    csr_write(mcounteren, 0);
    trap_report("U reads, mcounteren 7 scounteren 0, illegal delegated", rd_cycle);
}

int main(void) {
    csr_privilege();
    views();
    warl();
    fs_sd();
    counters();
    P("done\n");
    return 0;
}
