/* m_traps.c — M-mode synchronous traps: the reset state, illegal
 * instructions (with mtval = the instruction bits), ECALL and EBREAK,
 * misaligned loads, stores and AMOs, access faults on physical addresses
 * where nothing is mapped, and an instruction fetch that runs off the end
 * of RAM half way through an instruction.
 *
 * QEMU 7.2 differences kept out of this transcript (vplat follows the
 * spec there):
 *   - a misaligned SC.W/SC.D without a reservation returns 1 in QEMU
 *     instead of raising an address-misaligned exception;
 *   - a misaligned AMO raises a *load* address-misaligned exception in
 *     QEMU (cause 4); the spec says store/AMO address-misaligned (cause
 *     6), which vplat raises: the transcript only says "misaligned";
 *   - a misaligned store that faults on its second part (beyond RAM) has
 *     already written its first part in QEMU; vplat writes nothing (both
 *     are allowed: misaligned accesses may be split): not printed;
 *   - a store to the boot ROM (0x1000) is ignored by QEMU; vplat raises a
 *     store access fault (the region is read-only): not tested.
 */
#include "bm.h"

#define AT(label, insn) ".global " #label "\n" #label ":\n\t" insn "\n"

extern char ill_zero[], ill_custom[], ill_op[], ill_cycle_w[], ill_fp_off[], ill_cjr0[];
extern char ecall_m[], ebreak_32[], ebreak_16[];
extern char amo_w[], amo_d[], lr_w[], lr_d[];
extern char acc_ld[], acc_sd[], acc_lw_top[], acc_ld_cross[], acc_sd_cross[];

static void reset_state(void) {
    bm_section("reset state");
    P("a0 (hartid) = %lu\n", boot_a0);
    P("a1 (device tree) = 0x%lx\n", boot_a1);
    P("mhartid = %lu\n", csr_read(mhartid));
    /* reset mstatus: only the architectural fields (QEMU's H extension
     * adds none at reset) */
    P("mstatus = 0x%lx\n", boot_mstatus);
    P("mie = 0x%lx mip = 0x%lx\n", boot_mie, boot_mip);
    P("satp = 0x%lx medeleg = 0x%lx mideleg = 0x%lx\n", boot_satp, boot_medeleg, boot_mideleg);
    P("running in %s\n", mode_name(whoami()));
}

static void illegal(void) {
    bm_section("illegal instructions");
    trap_clear();
    asm volatile(AT(ill_zero, ".half 0x0000") ::: "memory");
    trap_report("c.unimp (0x0000)", ill_zero);
    asm volatile(AT(ill_custom, ".word 0x0000000b") ::: "memory");
    trap_report("custom-0 opcode", ill_custom);
    asm volatile(AT(ill_op, ".word 0xfe000033") ::: "memory");
    trap_report("OP with funct7 0x7f", ill_op);
    asm volatile(AT(ill_cycle_w, "csrw cycle, zero") ::: "memory");
    trap_report("csrw cycle (read-only)", ill_cycle_w);
    asm volatile(AT(ill_cjr0, ".half 0x8002") ::: "memory");
    trap_report("c.jr x0 (reserved)", ill_cjr0);
    /* FP with mstatus.FS = Off */
    csr_clear(mstatus, MSTATUS_FS);
    asm volatile(AT(ill_fp_off, "fadd.d f1, f2, f3") ::: "memory");
    csr_set(mstatus, 1ul << 13);
    trap_report("fadd.d with FS=Off", ill_fp_off);
}

static void ecall_ebreak(void) {
    bm_section("ecall and ebreak in M");
    asm volatile(AT(ecall_m, "ecall") ::: "memory");
    trap_report("ecall", ecall_m);
    asm volatile(AT(ebreak_32, ".option push\n\t.option norvc\n\tebreak\n\t.option pop") ::: "memory");
    trap_report("ebreak", ebreak_32);
    asm volatile(AT(ebreak_16, "c.ebreak") ::: "memory");
    trap_report("c.ebreak", ebreak_16);
}

/* An AMO's misalignment trap, with causes 4 and 6 printed alike (see the
 * top of the file). */
static void amo_report(const char *what, const void *base) {
    if (trap_count == 1 && (trap_log[0].cause == EXC_LOAD_MISALIGNED || trap_log[0].cause == EXC_STORE_MISALIGNED)) {
        P("%s:\n  %c address misaligned tval=0x%lx epc=+0x%lx from %s\n", what, trap_log[0].where, trap_log[0].tval,
          trap_log[0].epc - (uint64_t)base, mode_name(trap_log[0].prev));
        trap_clear();
    } else {
        trap_report(what, base);
    }
}

static uint8_t buf[64] __attribute__((aligned(64)));

static void misaligned(void) {
    bm_section("misaligned accesses");
    for (unsigned i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(0x10 + i);
    uint64_t v;
    /* plain loads and stores: done in hardware by QEMU (no trap) */
    asm volatile("lh %0, 1(%1)" : "=r"(v) : "r"(buf) : "memory");
    P("lh  +1: 0x%lx\n", v);
    asm volatile("lw %0, 3(%1)" : "=r"(v) : "r"(buf) : "memory");
    P("lw  +3: 0x%lx\n", v);
    asm volatile("lwu %0, 6(%1)" : "=r"(v) : "r"(buf) : "memory");
    P("lwu +6: 0x%lx\n", v);
    asm volatile("ld %0, 5(%1)" : "=r"(v) : "r"(buf) : "memory");
    P("ld  +5: 0x%lx\n", v);
    asm volatile("sd %1, 9(%0)" : : "r"(buf), "r"(0x8877665544332211ul) : "memory");
    asm volatile("sw %1, 22(%0)" : : "r"(buf), "r"(0xddccbbaaul) : "memory");
    asm volatile("sh %1, 31(%0)" : : "r"(buf), "r"(0xeeffu) : "memory");
    P("after sd +9, sw +22, sh +31:");
    for (unsigned i = 8; i < 34; i++) P(" %02x", (uint64_t)buf[i]);
    P("\n");
    double d;
    asm volatile("fld %0, 3(%1)" : "=f"(d) : "r"(buf) : "memory");
    asm volatile("fsd %0, 41(%1)" : : "f"(d), "r"(buf) : "memory");
    P("fld +3 / fsd +41: ");
    for (unsigned i = 40; i < 50; i++) P(" %02x", (uint64_t)buf[i]);
    P("\n");
    trap_report("plain misaligned loads and stores", 0);

    /* AMOs and LR need natural alignment: address-misaligned traps
     * (AMOs report a store/AMO misalignment) */
    asm volatile("mv a0, %0\n\t" AT(amo_w, "amoadd.w a1, a1, (a0)") : : "r"(buf + 2) : "a0", "a1", "memory");
    amo_report("amoadd.w at +2", amo_w);
    asm volatile("mv a0, %0\n\t" AT(amo_d, "amoswap.d a1, a1, (a0)") : : "r"(buf + 4) : "a0", "a1", "memory");
    amo_report("amoswap.d at +4", amo_d);
    asm volatile("mv a0, %0\n\t" AT(lr_w, "lr.w a1, (a0)") : : "r"(buf + 1) : "a0", "a1", "memory");
    trap_report("lr.w at +1", lr_w);
    asm volatile("mv a0, %0\n\t" AT(lr_d, "lr.d a1, (a0)") : : "r"(buf + 12) : "a0", "a1", "memory");
    trap_report("lr.d at +12", lr_d);
    P("buffer unchanged by the faulting AMOs: %02x %02x %02x %02x\n", (uint64_t)buf[2], (uint64_t)buf[3],
      (uint64_t)buf[4], (uint64_t)buf[5]);
}

static uint64_t load_at(uint64_t a) {
    uint64_t v = 0x1111;
    asm volatile("mv a0, %1\n\tmv a1, %2\n\t" AT(acc_ld, "ld a1, 0(a0)") "mv %0, a1"
                 : "=r"(v) : "r"(a), "r"(v) : "a0", "a1", "memory");
    return v;
}

static void store_at(uint64_t a) {
    asm volatile("mv a0, %0\n\t" AT(acc_sd, "sd a0, 0(a0)") : : "r"(a) : "a0", "memory");
}

static void access_faults(void) {
    bm_section("access faults");
    static const uint64_t addrs[] = {0x0, 0x80, 0x200000, RAM_BASE + RAM_SIZE, 0x7ffffffffff8ul};
    for (unsigned i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        uint64_t a = addrs[i];
        P("[0x%lx]\n", a);
        uint64_t v = load_at(a);
        trap_report("  load", acc_ld);
        if (v != 0x1111) P("  load gave 0x%lx\n", v);
        store_at(a);
        trap_report("  store", acc_sd);
        call_addr(a);
        trap_report("  call", 0);
    }

    /* the last word of RAM is fine; a doubleword that runs past the end
     * faults at the first byte beyond RAM, for a load and a store */
    uint64_t top = RAM_BASE + RAM_SIZE;
    uint64_t v;
    *(volatile uint32_t *)(top - 4) = 0xcafef00d;
    asm volatile(AT(acc_lw_top, "lwu %0, 0(%1)") : "=r"(v) : "r"(top - 4) : "memory");
    P("last word of RAM: 0x%lx\n", v);
    trap_report("  lwu at RAM end - 4", acc_lw_top);
    v = 0x2222;
    asm volatile("mv a1, %1\n\t" AT(acc_ld_cross, "ld a1, 0(%2)") "mv %0, a1"
                 : "=r"(v) : "r"(v), "r"(top - 4) : "a1", "memory");
    trap_report("  ld at RAM end - 4", acc_ld_cross);
    P("  destination kept: 0x%lx\n", v);
    asm volatile(AT(acc_sd_cross, "sd %0, 0(%1)") : : "r"(0x1122334455667788ul), "r"(top - 4) : "memory");
    trap_report("  sd at RAM end - 4", acc_sd_cross);

    /* boot ROM: readable */
    P("ROM word at 0x1000: 0x%lx\n", (uint64_t)*(volatile uint32_t *)0x1000ul);
    trap_report("  load from ROM", 0);
}

/* The last halfword of RAM holds a c.ret: fetching it works.  (A 32-bit
 * instruction there, whose second half lies outside RAM, makes QEMU 7.2
 * abort with an assertion in translator_access: not tested; vplat raises
 * an instruction access fault with mtval = the end of RAM.) */
static void fetch_ram_end(void) {
    bm_section("instruction fetch at the end of RAM");
    uint64_t top = RAM_BASE + RAM_SIZE;
    *(volatile uint16_t *)(top - 2) = 0x8082; /* c.ret */
    asm volatile("fence.i" ::: "memory");
    call_addr(top - 2);
    trap_report("c.ret in the last halfword of RAM", 0);
}

int main(void) {
    reset_state();
    illegal();
    ecall_ebreak();
    misaligned();
    access_faults();
    fetch_ram_end();
    P("done\n");
    return 0;
}
