/* modes.c — privilege transitions and trap delegation: MRET and SRET with
 * every MPP/SPP and MPIE/SPIE combination, ECALL from U, S and M with the
 * right cause, medeleg sending exceptions from U and S to the S handler
 * (never from M), traps from S to M when not delegated, TSR and TW, and
 * MPRV (M loads and stores through the translation of MPP).
 *
 * QEMU 7.2 difference kept out of this transcript: MRET to S or U and
 * SRET do not clear mstatus.MPRV in QEMU 7.2; privileged spec 1.12 says
 * they do, as vplat does.  The MPRV test clears MPRV itself.
 */
#include "bm.h"

#define AT(label, insn) ".global " #label "\n" #label ":\n\t" insn "\n"

extern char u_ecall[], s_ecall[], u_ebreak[], s_ill[], u_ill[], s_sret_tsr[], s_wfi_tw[], u_wfi[], u_sret[],
    s_mret[], mprv_1[], mprv_2[], mprv_3[], mprv_4[], mprv_5[], mprv_6[], mprv_7[];

static const char *bits(uint64_t st, int m) {
    static char b[64];
    char *p = b;
    const char *s;
    if (m) {
        s = "MPP=";
        while (*s) *p++ = *s++;
        *p++ = "USHM"[(st & MSTATUS_MPP) >> 11];
        *p++ = ' ';
        s = "MPIE=";
        while (*s) *p++ = *s++;
        *p++ = (st & MSTATUS_MPIE) ? '1' : '0';
        s = " MIE=";
        while (*s) *p++ = *s++;
        *p++ = (st & MSTATUS_MIE) ? '1' : '0';
        *p++ = ' ';
    }
    s = "SPP=";
    while (*s) *p++ = *s++;
    *p++ = (st & MSTATUS_SPP) ? 'S' : 'U';
    s = " SPIE=";
    while (*s) *p++ = *s++;
    *p++ = (st & MSTATUS_SPIE) ? '1' : '0';
    s = " SIE=";
    while (*s) *p++ = *s++;
    *p++ = (st & MSTATUS_SIE) ? '1' : '0';
    *p = 0;
    return b;
}

/* ---- code run in S and U ---------------------------------------------------- */

static uint64_t report_mode(uint64_t arg) { return whoami() * 16 + arg; }

static uint64_t do_ecall(uint64_t arg) {
    if (arg == 0) asm volatile(AT(u_ecall, "ecall") ::: "memory", "a0", "a7");
    else asm volatile(AT(s_ecall, "ecall") ::: "memory", "a0", "a7");
    return whoami();
}

static uint64_t do_traps_u(uint64_t arg) {
    asm volatile(AT(u_ebreak, "ebreak") ::: "memory");
    asm volatile(AT(u_ill, "csrr a0, sstatus") ::: "memory", "a0");
    asm volatile(AT(u_wfi, "wfi") ::: "memory");
    asm volatile(AT(u_sret, "sret") ::: "memory");
    return whoami();
}

static uint64_t do_traps_s(uint64_t arg) {
    asm volatile(AT(s_ill, "csrr a0, mstatus") ::: "memory", "a0");
    asm volatile(AT(s_mret, "mret") ::: "memory");
    return whoami();
}

/* S with TSR / TW set by M */
static uint64_t s_tsr_tw(uint64_t arg) {
    asm volatile(AT(s_sret_tsr, "sret") ::: "memory");
    asm volatile(AT(s_wfi_tw, "wfi") ::: "memory");
    return whoami();
}

/* S code that enters U with SRET and comes back through the U stub. */
static volatile uint64_t seen_sstatus_after_sret;
static uint64_t u_part(uint64_t arg) { return whoami() + 0x100; }
static uint64_t s_enters_u(uint64_t spie) {
    uint64_t st = csr_read(sstatus);
    st &= ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE);
    if (spie) st |= MSTATUS_SPIE;
    csr_write(sstatus, st);
    csr_write(sepc, (uint64_t)u_part);
    /* the U function returns into run_in's exit stub */
    asm volatile("mv a0, zero\n\tla ra, run_in_exit\n\tsret" ::: "memory");
    return 0;
}

static void mret_transitions(void) {
    bm_section("MRET");
    static const int modes[] = {MODE_U, MODE_S, MODE_M};
    for (int i = 0; i < 3; i++) {
        for (int mpie = 0; mpie < 2; mpie++) {
            /* set MPIE, clear MIE; run_in sets MPP and does the MRET */
            csr_clear(mstatus, MSTATUS_MIE | MSTATUS_MPIE);
            if (mpie) csr_set(mstatus, MSTATUS_MPIE);
            uint64_t r;
            if (modes[i] == MODE_M) {
                csr_set(mstatus, MSTATUS_MPP);
                asm volatile("la t0, 1f\n\tcsrw mepc, t0\n\tmret\n1:" ::: "t0", "memory");
                r = whoami() * 16;
            } else {
                r = run_in(modes[i], report_mode, 7, 0);
            }
            uint64_t st = csr_read(mstatus);
            /* after coming back through ECALL the M fields were rewritten;
             * for MPP = M the MRET result is still visible */
            P("MRET with MPP=%s MPIE=%d: ran in %s (arg %lu)", mode_name(modes[i]), mpie, mode_name(r / 16), r % 16);
            if (modes[i] == MODE_M) P(", then %s", bits(st, 1));
            P("\n");
            csr_clear(mstatus, MSTATUS_MIE);
        }
    }
    trap_report("traps", 0);
}

static void ecalls(void) {
    bm_section("ECALL causes, not delegated");
    set_medeleg(0);
    uint64_t r = run_in(MODE_U, do_ecall, 0, 0);
    trap_report("from U", u_ecall);
    P("  back in U: %s\n", mode_name(r));
    r = run_in(MODE_S, do_ecall, 1, 0);
    trap_report("from S", s_ecall);
    P("  back in S: %s\n", mode_name(r));

    bm_section("ECALL delegated");
    set_medeleg(1ul << EXC_ECALL_U);
    r = run_in(MODE_U, do_ecall, 0, 0);
    trap_report("from U, medeleg[8]", u_ecall);
    r = run_in(MODE_S, do_ecall, 1, 0);
    trap_report("from S, medeleg[8] only", s_ecall);
    set_medeleg(1ul << EXC_ECALL_S);
    r = run_in(MODE_S, do_ecall, 1, 0);
    trap_report("from S, medeleg[9]", s_ecall);
    P("  back in S: %s\n", mode_name(r));
    r = run_in(MODE_U, do_ecall, 0, 0);
    trap_report("from U, medeleg[9] only", u_ecall);
    /* delegation never applies to traps taken in M */
    set_medeleg(0xffff);
    P("medeleg after writing 0xffff: bits 0-9,12,13,15 = 0x%lx\n", bm_medeleg & 0xb3ff);
    asm volatile("ecall" ::: "memory");
    asm volatile("ebreak" ::: "memory");
    trap_report("in M with everything delegated", 0);
    set_medeleg(0);
}

static void delegated_exceptions(void) {
    bm_section("exceptions from U");
    set_medeleg(0);
    run_in(MODE_U, do_traps_u, 0, 0);
    trap_report("not delegated", u_ebreak);
    set_medeleg((1ul << EXC_BREAKPOINT) | (1ul << EXC_ILLEGAL));
    run_in(MODE_U, do_traps_u, 0, 0);
    trap_report("breakpoint and illegal delegated", u_ebreak);

    bm_section("exceptions from S");
    set_medeleg(0);
    run_in(MODE_S, do_traps_s, 0, 0);
    trap_report("not delegated", s_ill);
    set_medeleg(1ul << EXC_ILLEGAL);
    run_in(MODE_S, do_traps_s, 0, 0);
    trap_report("illegal delegated", s_ill);
    set_medeleg(0);

    bm_section("TSR and TW");
    csr_set(mstatus, MSTATUS_TSR | MSTATUS_TW);
    run_in(MODE_S, s_tsr_tw, 0, 0);
    csr_clear(mstatus, MSTATUS_TSR | MSTATUS_TW);
    trap_report("S: sret with TSR, wfi with TW", s_sret_tsr);
}

static void sret_transitions(void) {
    bm_section("SRET");
    set_medeleg(0);
    for (int spie = 0; spie < 2; spie++) {
        uint64_t r = run_in(MODE_S, s_enters_u, (uint64_t)spie, 0);
        P("SRET with SPP=U SPIE=%d: ran in %s\n", spie, mode_name(r - 0x100));
        /* the U ECALL that came back overwrote nothing in the S fields */
        P("  after: %s\n", bits(csr_read(mstatus), 0));
    }
    /* SRET in M: returns to SPP */
    for (int spp = 0; spp < 2; spp++) {
        uint64_t st = csr_read(mstatus) & ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE);
        st |= MSTATUS_SPIE;
        if (spp) st |= MSTATUS_SPP;
        csr_write(mstatus, st);
        uint64_t r = sret_to(report_mode, 5);
        P("SRET in M with SPP=%s: ran in %s (arg %lu), then %s\n", spp ? "S" : "U", mode_name(r / 16), r % 16,
          bits(csr_read(mstatus), 0));
    }
    trap_report("traps", 0);
}

/* MPRV: M data accesses through the translation and permissions of MPP. */
static void mprv(void) {
    bm_section("MPRV");
    uint64_t *root = kernel_root(3);
    uint8_t *upage = page_alloc(), *spage = page_alloc(), *ropage = page_alloc();
    *(volatile uint64_t *)upage = 0x1111;
    *(volatile uint64_t *)spage = 0x2222;
    *(volatile uint64_t *)ropage = 0x3333;
    const uint64_t UVA = 0x40000000, SVA = 0x40001000, ROVA = 0x40002000;
    map_page(root, 3, UVA, (uint64_t)upage, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D, 0);
    map_page(root, 3, SVA, (uint64_t)spage, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
    map_page(root, 3, ROVA, (uint64_t)ropage, PTE_V | PTE_R | PTE_A, 0);
    csr_write(satp, SATP_SV39 | ((uint64_t)root >> 12));
    sfence_vma();

    /* each access: set MPP and MPRV, one access, clear MPRV at once (no
     * other memory access may happen in between) */
    uint64_t v = 0, mpp_u = 0, mpp_s = 1ul << 11;
#define MPRV_ACCESS(LABEL, MPP_, INSN, ADDR, VAL)                                                        \
    asm volatile("li t0, %[mppmask]\n\tcsrc mstatus, t0\n\tcsrs mstatus, %[mpp]\n\t"                    \
                 "li t0, %[mprv]\n\tcsrs mstatus, t0\n\t" AT(LABEL, INSN " %[v], 0(%[a])")               \
                 "li t0, %[mprv]\n\tcsrc mstatus, t0"                                                     \
                 : [v] "+r"(VAL)                                                                          \
                 : [a] "r"(ADDR), [mpp] "r"(MPP_), [mppmask] "i"(MSTATUS_MPP), [mprv] "i"(MSTATUS_MPRV) \
                 : "t0", "memory")
    v = 0;
    MPRV_ACCESS(mprv_1, mpp_u, "ld", UVA, v);
    P("MPP=U ld U page: 0x%lx\n", v);
    trap_report("  traps", mprv_1);
    v = 0;
    MPRV_ACCESS(mprv_2, mpp_u, "ld", SVA, v);
    P("MPP=U ld S page: 0x%lx\n", v);
    trap_report("  traps", mprv_2);
    v = 0;
    MPRV_ACCESS(mprv_3, mpp_s, "ld", SVA, v);
    P("MPP=S ld S page: 0x%lx\n", v);
    trap_report("  traps", mprv_3);
    v = 0;
    MPRV_ACCESS(mprv_4, mpp_s, "ld", UVA, v);
    P("MPP=S ld U page without SUM: 0x%lx\n", v);
    trap_report("  traps", mprv_4);
    csr_set(mstatus, MSTATUS_SUM);
    v = 0;
    MPRV_ACCESS(mprv_5, mpp_s, "ld", UVA, v);
    csr_clear(mstatus, MSTATUS_SUM);
    P("MPP=S ld U page with SUM: 0x%lx\n", v);
    trap_report("  traps", mprv_5);
    v = 0x4444;
    MPRV_ACCESS(mprv_6, mpp_s, "sd", ROVA, v);
    P("MPP=S sd read-only page: memory 0x%lx\n", *(volatile uint64_t *)ropage);
    trap_report("  traps", mprv_6);
    /* MPRV with MPP=M: no translation */
    uint64_t mpp_m = MSTATUS_MPP;
    v = 0;
    MPRV_ACCESS(mprv_7, mpp_m, "ld", (uint64_t)spage, v);
    P("MPP=M ld physical: 0x%lx\n", v);
    trap_report("  traps", mprv_7);
    csr_write(satp, 0);
    sfence_vma();
}

int main(void) {
    mret_transitions();
    ecalls();
    delegated_exceptions();
    sret_transitions();
    mprv();
    P("done\n");
    return 0;
}
