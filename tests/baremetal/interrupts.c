/* interrupts.c — the CLINT timer (MTI in M, with direct and vectored
 * mtvec), WFI waking on a timer with interrupts globally off and on, the
 * software interrupt through msip (taken in U), delegated S timer and
 * software interrupts (mip.STIP set by M, sip.SSIP set by S, vectored
 * stvec), undelegated S interrupts taken in M, and the priority order of
 * simultaneously pending interrupts.
 *
 * Interrupts are made pending while they are disabled and then enabled by
 * a CSR write, so the trap's epc is the instruction after that write in
 * both QEMU and vplat (both check interrupts right after a CSR write);
 * an interrupt raised by a device while enabled would be taken at a
 * block boundary, which differs between implementations.  The handlers
 * clear the interrupt's enable bit, so each is logged once.
 */
#include "bm.h"

#define AT(label, insn) ".global " #label "\n" #label ":\n\t" insn "\n"

extern char mti_on[], mti_on_v[], wfi_off[], wfi_on[], msi_u[], sti_s[], ssi_s[], s_wfi[], prio_on[], prio_on2[],
    exc_v[], u_sti[], s_undeleg[];

static void quiet(void) {
    csr_clear(mstatus, MSTATUS_MIE | MSTATUS_SIE);
    csr_write(mie, 0);
    csr_write(mip, 0);
    csr_write(mideleg, 0);
    set_mtimecmp(~0ul);
    set_msip(0);
}

/* Let mtime pass `ticks` (10 MHz) and wait until MTIP shows, with
 * interrupts disabled. */
static void timer_in(uint64_t ticks) { set_mtimecmp(mtime() + ticks); }

static void timer(void) {
    bm_section("CLINT timer");
    quiet();
    P("mtimecmp = ~0: MTIP %lu\n", (csr_read(mip) >> IRQ_MTI) & 1);
    set_mtimecmp(0);
    P("mtimecmp = 0:  MTIP %lu\n", (csr_read(mip) >> IRQ_MTI) & 1);
    set_mtimecmp(~0ul);
    uint64_t t0 = mtime(), t1 = mtime();
    P("mtime counts up: %s\n", t1 >= t0 ? "yes" : "no");

    /* WFI with MIE = 0 wakes up once MTIP is pending (and mie.MTIE set) */
    timer_in(20000);  /* 2 ms */
    csr_write(mie, MIP(IRQ_MTI));
    asm volatile(AT(wfi_off, "wfi") ::: "memory");
    P("WFI with MIE=0 returned: MTIP %lu, mtime past mtimecmp %s\n", (csr_read(mip) >> IRQ_MTI) & 1,
      mtime() >= mmio_r64(CLINT_MTIMECMP) ? "yes" : "no");
    trap_report("  traps", 0);
    /* now enable: the interrupt is taken right after the csrs */
    asm volatile("csrsi mstatus, 8\n" AT(mti_on, "nop") ::: "memory");
    trap_report("MTIP pending, csrsi mstatus.MIE", mti_on);
    P("handler cleared MTIE: mie 0x%lx\n", csr_read(mie));
    set_mtimecmp(~0ul);
    P("mtimecmp = ~0 again: MTIP %lu\n", (csr_read(mip) >> IRQ_MTI) & 1);
    quiet();

    /* vectored: MTI enters vector 7; an exception still enters vector 0 */
    csr_write(mtvec, (uint64_t)m_vectors | 1);
    set_mtimecmp(0);
    csr_write(mie, MIP(IRQ_MTI));
    asm volatile("csrsi mstatus, 8\n" AT(mti_on_v, "nop") ::: "memory");
    trap_report("vectored mtvec: MTI", mti_on_v);
    asm volatile(AT(exc_v, "ebreak") ::: "memory");
    trap_report("vectored mtvec: ebreak", exc_v);
    csr_write(mtvec, (uint64_t)m_trap_entry);
    quiet();

    /* WFI with MIE = 1: the interrupt is taken after the WFI (the timer is
     * far enough away that WFI is reached first, even on a loaded host) */
    timer_in(2000000);  /* 200 ms */
    csr_write(mie, MIP(IRQ_MTI));
    csr_set(mstatus, MSTATUS_MIE);
    asm volatile(AT(wfi_on, "wfi\n\tnop") ::: "memory");
    trap_report("WFI with MIE=1, timer in 200 ms", wfi_on);
    quiet();
}

static uint64_t u_spin(uint64_t arg) { return 0; }
static uint64_t s_spin(uint64_t arg) { return whoami(); }

static uint64_t s_enable_sie(uint64_t arg) {
    asm volatile("csrsi sstatus, 2\n" AT(sti_s, "nop") ::: "memory");
    csr_clear(sstatus, MSTATUS_SIE);
    return 0;
}

static uint64_t s_raise_ssi(uint64_t arg) {
    csr_set(sstatus, MSTATUS_SIE);
    asm volatile("csrsi sip, 2\n" AT(ssi_s, "nop") ::: "memory");
    csr_clear(sstatus, MSTATUS_SIE);
    return 0;
}

/* S waits with SIE = 0 for an S interrupt that is enabled in sie */
static uint64_t s_wfi_sie_off(uint64_t arg) {
    csr_clear(sstatus, MSTATUS_SIE);
    asm volatile(AT(s_wfi, "wfi") ::: "memory");
    uint64_t pending = csr_read(sip);
    csr_set(sstatus, MSTATUS_SIE);
    asm volatile("nop" ::: "memory");
    csr_clear(sstatus, MSTATUS_SIE);
    return pending;
}

extern char u_spin_entry[];

static void software_and_delegated(void) {
    bm_section("msip");
    quiet();
    set_msip(1);
    P("msip = 1: MSIP %lu\n", (csr_read(mip) >> IRQ_MSI) & 1);
    csr_write(mie, MIP(IRQ_MSI));
    /* M interrupts are always enabled in U: taken at U's first instruction */
    run_in(MODE_U, u_spin, 0, 0);
    trap_report("MSIP pending, enter U", u_spin);
    set_msip(0);
    P("msip = 0: MSIP %lu\n", (csr_read(mip) >> IRQ_MSI) & 1);
    quiet();

    bm_section("delegated S timer (mip.STIP set by M)");
    csr_write(mideleg, MIP(IRQ_STI));
    csr_write(stvec, (uint64_t)s_vectors | 1);
    csr_write(mie, MIP(IRQ_STI));
    csr_set(mip, MIP(IRQ_STI));
    P("sip = 0x%lx\n", csr_read(sip));
    run_in(MODE_S, s_enable_sie, 0, 0);
    trap_report("S sets sstatus.SIE (vectored stvec)", sti_s);
    csr_write(stvec, (uint64_t)s_trap_entry);
    csr_write(mie, MIP(IRQ_STI));
    run_in(MODE_U, u_spin, 0, 0);
    trap_report("STIP pending, enter U (S interrupts always on in U)", u_spin);
    csr_clear(mip, MIP(IRQ_STI));
    csr_clear(mstatus, MSTATUS_SIE);   /* the SRET back from the U trap set it */
    /* WFI in S with SIE = 0 wakes for a pending, sie-enabled interrupt */
    csr_write(mie, MIP(IRQ_STI));
    csr_set(mip, MIP(IRQ_STI));
    uint64_t p = run_in(MODE_S, s_wfi_sie_off, 0, 0);
    P("S WFI with SIE=0 returned, sip 0x%lx\n", p);
    trap_report("  then SIE on", s_wfi);
    csr_clear(mip, MIP(IRQ_STI));
    quiet();

    bm_section("S software interrupt from sip");
    csr_write(mideleg, MIP(IRQ_SSI));
    csr_write(mie, MIP(IRQ_SSI));
    run_in(MODE_S, s_raise_ssi, 0, 0);
    trap_report("S sets sip.SSIP with SIE on", ssi_s);
    P("mip.SSIP after the handler: %lu\n", (csr_read(mip) >> IRQ_SSI) & 1);
    quiet();

    bm_section("S interrupt not delegated");
    csr_write(mie, MIP(IRQ_STI));
    csr_set(mip, MIP(IRQ_STI));
    run_in(MODE_S, s_spin, 0, 0);
    trap_report("STIP pending, mideleg 0, enter S", s_spin);
    quiet();
}

/* The priority order (spec: MEI > MSI > MTI > SEI > SSI > STI, and
 * interrupts for a more privileged mode first).  QEMU 7.2 without AIA
 * takes the lowest-numbered pending interrupt instead (SSI before MSI,
 * STI before MTI, SSI and STI before SEI); vplat follows the spec.  So
 * these cases only combine interrupts whose order is the same both ways:
 * {MSI, MTI, SEI}, {SSI, STI}, and M-level before S-level when the S ones
 * are delegated. */
static void priority(void) {
    bm_section("priority");
    quiet();
    set_msip(1);
    set_mtimecmp(0);
    csr_set(mip, MIP(IRQ_SEI));
    csr_write(mie, MIP(IRQ_MSI) | MIP(IRQ_MTI) | MIP(IRQ_SEI));
    asm volatile("csrsi mstatus, 8\n" AT(prio_on, "nop") ::: "memory");
    trap_report("MSI, MTI, SEI pending, not delegated, MIE on", prio_on);
    quiet();

    csr_set(mip, MIP(IRQ_SSI) | MIP(IRQ_STI));
    csr_write(mie, MIP(IRQ_SSI) | MIP(IRQ_STI));
    asm volatile("csrsi mstatus, 8\n" AT(prio_on2, "nop") ::: "memory");
    trap_report("SSI, STI pending, not delegated, MIE on", prio_on2);
    quiet();

    /* S ones delegated, running in S with SIE = 0: the M ones first (to
     * M), then nothing until S enables SIE: SSI, STI (to S) */
    set_msip(1);
    set_mtimecmp(0);
    csr_write(mideleg, MIP(IRQ_SSI) | MIP(IRQ_STI));
    csr_set(mip, MIP(IRQ_SSI) | MIP(IRQ_STI));
    csr_write(mie, MIP(IRQ_MSI) | MIP(IRQ_MTI) | MIP(IRQ_SSI) | MIP(IRQ_STI));
    run_in(MODE_S, s_enable_sie, 0, 0);
    trap_report("MSI, MTI, SSI, STI pending, S ones delegated, enter S, then SIE on", s_enable_sie);
    quiet();

    /* a delegated SEI alone */
    csr_write(mideleg, MIP(IRQ_SEI));
    csr_set(mip, MIP(IRQ_SEI));
    csr_write(mie, MIP(IRQ_SEI));
    run_in(MODE_S, s_enable_sie, 0, 0);
    trap_report("SEI (mip.SEIP written by M) delegated, S enables SIE", s_enable_sie);
    quiet();
}

int main(void) {
    timer();
    software_and_delegated();
    priority();
    P("done\n");
    return 0;
}
