/* vm.c — Sv39 and Sv48 page tables built by the test: U and S pages from
 * both modes, SUM, MXR, execute-only pages, reserved PTE encodings, A and
 * D set by the hardware, 2 MiB / 1 GiB (/ 512 GiB) superpages and their
 * alignment, non-canonical addresses, page faults with the right stval
 * (also for an instruction and a misaligned load or store that cross into
 * a bad page), sfence.vma after a PTE change, satp switching between two
 * address spaces that map the same virtual addresses to different
 * physical pages (code and data: vplat keys translated code by physical
 * page), and code written through one virtual alias, then fence.i, then
 * run through two other aliases.
 *
 * The whole suite runs with Sv39, then with Sv48.  S code runs in the
 * image's identity mapping; U code runs in its alias at U_BASE.  Each
 * access below is one run_in() of do_access; the line shows its value or
 * its trap (where: the ld / sd / fetch of the access).
 *
 * QEMU 7.2 difference kept out: a PTE outside RAM (nothing at that
 * physical address) gives a page fault in QEMU and an access fault in
 * vplat, as the spec says: not tested.
 */
#include "bm.h"

#define AT(label, insn) ".global " #label "\n" #label ":\n\t" insn "\n"
#define NOCLONE __attribute__((noinline, noclone))

enum {
    VA_U = 0x40000000, VA_S = 0x40001000, VA_X = 0x40002000, VA_XU = 0x40003000, VA_URWX = 0x40004000,
    VA_W = 0x40005000, VA_WX = 0x40006000, VA_INV = 0x40007000, VA_B54 = 0x40008000, VA_PBMT = 0x40009000,
    VA_N = 0x4000a000, VA_PTR0 = 0x4000b000, VA_AD = 0x4000c000, VA_ADX = 0x4000d000, VA_RO = 0x4000e000,
    VA_C1 = 0x40010000, VA_C2 = 0x40011000, VA_C3 = 0x40012000, VA_F = 0x40013000,
    VA_SW_CODE = 0x40020000, VA_SW_DATA = 0x40021000,
    VA_SMC_X1 = 0x40030000, VA_SMC_X2 = 0x40031000, VA_SMC_W = 0x40032000,
    VA_2M = 0x40200000, VA_2M_BAD = 0x40600000, VA_NL = 0x40800000,
    VA_1G = 0xc0000000,
};
#define VA_1G_BAD 0x100000000ul
#define VA_512G 0x8000000000ul
#define VA_512G_BAD 0x10000000000ul

static int LV;             /* 3: Sv39, 4: Sv48 */
static uint64_t satp_mode;
static uint64_t *root;
static uint64_t ustack;    /* U alias of a stack page's top */

/* ---- the accessing side (S or U) -------------------------------------------- */

typedef struct Access {
    uint64_t op, va, val;
} Access;
static Access acc;

extern char try_ld_insn[], try_sd_insn[], call_insn[];

static NOCLONE uint64_t try_ld(uint64_t va) {
    uint64_t v = 0;
    asm volatile(AT(try_ld_insn, "ld %0, 0(%1)") : "+r"(v) : "r"(va) : "memory");
    return v;
}

static NOCLONE void try_sd(uint64_t va, uint64_t v) {
    asm volatile(AT(try_sd_insn, "sd %1, 0(%0)") : : "r"(va), "r"(v) : "memory");
}

static NOCLONE uint64_t call_ret(uint64_t va) {
    uint64_t r;
    asm volatile("mv a0, zero\n\t" AT(call_insn, "jalr ra, 0(%1)") "mv %0, a0"
                 : "=r"(r)
                 : "r"(va)
                 : "ra", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3", "t4", "t5", "t6",
                   "memory");
    return r;
}

static void do_access(uint64_t p) {
    const volatile Access *a = (const volatile Access *)p;
    uint64_t r = 0;
    switch (a->op) {
    case 'r': r = try_ld(a->va); break;
    case 'w': try_sd(a->va, a->val); break;
    case 'x': r = call_ret(a->va); break;
    }
    mode_return(r);
}

/* ---- the M side ----------------------------------------------------------------- */

static const char *where(uint64_t epc, uint64_t va) {
    static char b[24];
    uint64_t ld = (uint64_t)try_ld_insn, sd = (uint64_t)try_sd_insn;
    if (epc == ld || epc == UA(ld)) return "the ld";
    if (epc == sd || epc == UA(sd)) return "the sd";
    if (epc == va) return "the target";
    const char *hex = "0123456789abcdef";
    char *p = b + sizeof b - 1;
    *p = 0;
    do {
        *--p = hex[epc & 15];
        epc >>= 4;
    } while (epc);
    *--p = 'x';
    *--p = '0';
    return p;
}

/* One access in `mode`; prints `what`, then its value or its trap. */
static uint64_t access(int mode, char op, uint64_t va, uint64_t val, const char *what) {
    acc.op = (uint64_t)op;
    acc.va = va;
    acc.val = val;
    trap_clear();
    uint64_t r = mode == MODE_U ? run_in(MODE_U, (void *)UA(do_access), UA(&acc), ustack)
                                : run_in(MODE_S, do_access, (uint64_t)&acc, 0);
    P("  %s %c %-44s", mode_name(mode), op, what);
    if (trap_count == 0) {
        if (op == 'w') P(" ok\n");
        else P(" = 0x%lx\n", r);
    }
    for (unsigned i = 0; i < trap_count && i < TRAP_LOG_MAX; i++) {
        const Trap *t = &trap_log[i];
        P("%s%c %s tval=0x%lx at %s\n", i ? "      " : " ", t->where, cause_name(t->cause), t->tval, where(t->epc, va));
    }
    trap_clear();
    return r;
}

/* "addi a0, zero, imm; ret" at page + off */
static void put_code(void *page, unsigned off, unsigned imm) {
    volatile uint32_t *w = (volatile uint32_t *)((uint8_t *)page + off);
    w[0] = 0x00000513u | (imm << 20);
    w[1] = 0x00008067u;
}

static uint64_t *pte(uint64_t va, int level) { return pte_of(root, LV, va, level); }

static uint64_t satp_for(uint64_t *r, uint64_t asid) { return satp_mode | (asid << 44) | ((uint64_t)r >> 12); }

static void ad_bits(uint64_t va) {
    uint64_t e = *pte(va, 0);
    P("      PTE: A=%lu D=%lu\n", (e >> 6) & 1, (e >> 7) & 1);
}

static void permissions(void) {
    bm_section("U and S pages, SUM");
    access(MODE_S, 'r', VA_U, 0, "U page, SUM=0");
    access(MODE_S, 'w', VA_U, 0x5555, "U page, SUM=0");
    csr_set(mstatus, MSTATUS_SUM);
    access(MODE_S, 'r', VA_U, 0, "U page, SUM=1");
    access(MODE_S, 'w', VA_U, 0x5555, "U page, SUM=1");
    access(MODE_S, 'r', VA_U, 0, "U page, SUM=1, after the store");
    access(MODE_S, 'x', VA_URWX, 0, "U RWX page, SUM=1 (never from S)");
    csr_clear(mstatus, MSTATUS_SUM);
    access(MODE_U, 'r', VA_U, 0, "U page");
    access(MODE_U, 'w', VA_U, 0x6666, "U page");
    access(MODE_U, 'r', VA_S, 0, "S page");
    access(MODE_U, 'w', VA_S, 0, "S page");
    access(MODE_U, 'x', VA_X, 0, "S X page");
    access(MODE_U, 'x', VA_XU, 0, "U X page");
    access(MODE_U, 'x', VA_URWX, 0, "U RWX page");
    access(MODE_S, 'x', VA_X, 0, "S X page");
    access(MODE_S, 'x', VA_XU, 0, "U X page");
    access(MODE_S, 'r', VA_S, 0, "S page");

    bm_section("execute-only pages and MXR");
    access(MODE_S, 'r', VA_X, 0, "S X-only page, MXR=0");
    access(MODE_U, 'r', VA_XU, 0, "U X-only page, MXR=0");
    csr_set(mstatus, MSTATUS_MXR);
    access(MODE_S, 'r', VA_X, 0, "S X-only page, MXR=1");
    access(MODE_U, 'r', VA_XU, 0, "U X-only page, MXR=1");
    access(MODE_S, 'w', VA_X, 0, "S X-only page, MXR=1");
    csr_clear(mstatus, MSTATUS_MXR);

    bm_section("invalid and reserved PTEs");
    static const struct {
        uint64_t va;
        const char *what;
    } bad[] = {
        {VA_W, "W without R"},      {VA_WX, "W+X without R"},        {VA_INV, "V=0"},
        {VA_B54, "reserved bit 54"}, {VA_PBMT, "PBMT bits (no Svpbmt)"}, {VA_N, "N bit (no Svnapot)"},
        {VA_PTR0, "pointer PTE at level 0"}, {VA_NL, "non-leaf PTE with A set"},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        access(MODE_S, 'r', bad[i].va, 0, bad[i].what);
        access(MODE_S, 'w', bad[i].va, 0, bad[i].what);
        access(MODE_S, 'x', bad[i].va, 0, bad[i].what);
    }
}

static void accessed_dirty(void) {
    bm_section("A and D set by the hardware");
    ad_bits(VA_AD);
    access(MODE_S, 'r', VA_AD, 0, "A=0 D=0 page");
    ad_bits(VA_AD);
    access(MODE_S, 'w', VA_AD, 0x77, "A=1 D=0 page");
    ad_bits(VA_AD);
    *pte(VA_AD, 0) &= ~(PTE_A | PTE_D);
    sfence_vma();
    access(MODE_S, 'w', VA_AD, 0x78, "A=0 D=0 page");
    ad_bits(VA_AD);
    ad_bits(VA_ADX);
    access(MODE_S, 'x', VA_ADX, 0, "A=0 X page");
    ad_bits(VA_ADX);
    ad_bits(VA_RO);
    access(MODE_S, 'w', VA_RO, 0, "A=0 read-only page");
    ad_bits(VA_RO);
    access(MODE_S, 'r', VA_RO, 0, "A=0 read-only page");
    ad_bits(VA_RO);
    /* M accesses never touch the page tables */
    *pte(VA_AD, 0) &= ~(PTE_A | PTE_D);
    sfence_vma();
    (void)*(volatile uint64_t *)((*pte(VA_AD, 0) >> 10) << 12);
    ad_bits(VA_AD);
}

static void superpages(uint8_t *big) {
    bm_section("superpages");
    /* big: RAM_BASE + 4 MiB, 2 MiB aligned; its first doubleword is known */
    access(MODE_S, 'r', VA_2M + 0x1230, 0, "2 MiB page at +0x1230");
    access(MODE_S, 'r', VA_1G + 0x401230, 0, "1 GiB page at +0x401230");
    access(MODE_S, 'r', VA_2M_BAD, 0, "2 MiB page, PA not 2 MiB aligned");
    access(MODE_S, 'r', VA_1G_BAD, 0, "1 GiB page, PA not 1 GiB aligned");
    if (LV == 4) {
        access(MODE_S, 'r', VA_512G + 0x80401230ul, 0, "512 GiB page at +0x80401230");
        access(MODE_S, 'r', VA_512G_BAD, 0, "512 GiB page, PA not aligned");
    } else {
        access(MODE_S, 'r', VA_512G + 0x80401230ul, 0, "VA 512 GiB + x (not canonical)");
    }
    access(MODE_S, 'w', VA_2M + 0x1238, 0xabcdef, "2 MiB page at +0x1238");
    P("      seen at the physical address: 0x%lx\n", *(volatile uint64_t *)(big + 0x1238));
}

static void canonical(void) {
    bm_section("canonical addresses");
    uint64_t top_half = LV == 3 ? 0xffffffc000000000ul : 0xffff800000000000ul;
    uint64_t hole_lo = LV == 3 ? 0x0000004000000000ul : 0x0000800000000000ul;
    uint64_t hole_hi = LV == 3 ? 0xffffff8000000000ul : 0xffff000000000000ul;
    access(MODE_S, 'r', top_half + 0x10, 0, "lowest canonical top-half address");
    access(MODE_S, 'r', hole_lo, 0, "first non-canonical address");
    access(MODE_S, 'w', hole_lo + 8, 0, "first non-canonical address + 8");
    access(MODE_S, 'x', hole_lo, 0, "first non-canonical address");
    access(MODE_S, 'r', hole_hi, 0, "non-canonical, high bits set");
    access(MODE_S, 'r', 0x8000000000000000ul, 0, "bit 63 alone");
}

static void crossing(uint8_t *c1, uint8_t *c2) {
    bm_section("accesses that cross into a bad page");
    /* a 32-bit instruction in the last halfword of C1, C2 unmapped */
    access(MODE_S, 'x', VA_C1 + 0xffe, 0, "32-bit insn at C1+0xffe, C2 unmapped");
    map_page(root, LV, VA_C2, (uint64_t)c2, PTE_V | PTE_X | PTE_A, 0);
    sfence_vma();
    access(MODE_S, 'x', VA_C1 + 0xffe, 0, "32-bit insn at C1+0xffe, C2 X-only");
    /* a misaligned ld at the end of C2 (readable with MXR), C3 unmapped */
    csr_set(mstatus, MSTATUS_MXR);
    access(MODE_S, 'r', VA_C2 + 0xffc, 0, "ld at C2+0xffc, C3 unmapped (MXR)");
    csr_clear(mstatus, MSTATUS_MXR);
    access(MODE_S, 'r', VA_C2 + 0xffc, 0, "ld at C2+0xffc, C2 X-only (no MXR)");
    /* a misaligned sd at the end of C1 (RWX) into C2 (X-only) */
    access(MODE_S, 'w', VA_C1 + 0xffc, 0x1122334455667788ul, "sd at C1+0xffc, C2 not writable");
    P("      C1's last word after it: 0x%lx\n", (uint64_t)*(volatile uint32_t *)(c1 + 0xffc));
    access(MODE_S, 'w', VA_C1 + 0xffa, 0x1122334455667788ul, "sd at C1+0xffa, C2 not writable");
    P("      C1's last doubleword after it: 0x%lx\n", *(volatile uint64_t *)(c1 + 0xff8));
    /* both halves fine */
    map_page(root, LV, VA_C2, (uint64_t)c2, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D, 0);
    sfence_vma();
    access(MODE_S, 'w', VA_C1 + 0xffc, 0x1122334455667788ul, "sd at C1+0xffc, C2 writable");
    P("      C1's last word 0x%lx, C2's first word 0x%lx\n", (uint64_t)*(volatile uint32_t *)(c1 + 0xffc),
      (uint64_t)*(volatile uint32_t *)c2);
    access(MODE_S, 'r', VA_C1 + 0xffa, 0, "ld at C1+0xffa");
}

static void sfence_test(uint8_t *a, uint8_t *b) {
    bm_section("sfence.vma after a PTE change");
    *(volatile uint64_t *)a = 0xaaaa;
    *(volatile uint64_t *)b = 0xbbbb;
    map_page(root, LV, VA_F, (uint64_t)a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
    sfence_vma();
    access(MODE_S, 'r', VA_F, 0, "F -> page A");
    *pte(VA_F, 0) = pte_make((uint64_t)b, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    sfence_vma();
    access(MODE_S, 'r', VA_F, 0, "F -> page B, sfence.vma");
    *pte(VA_F, 0) &= ~PTE_V;
    asm volatile("sfence.vma %0" : : "r"((uint64_t)VA_F) : "memory");
    access(MODE_S, 'r', VA_F, 0, "F invalid, sfence.vma F");
    *pte(VA_F, 0) = pte_make((uint64_t)a, PTE_V | PTE_R | PTE_A);
    asm volatile("sfence.vma zero, zero" ::: "memory");
    access(MODE_S, 'r', VA_F, 0, "F -> page A read-only");
    access(MODE_S, 'w', VA_F, 0, "F -> page A read-only");
}

/* ---- two address spaces: the same VAs, different physical pages ----------------------------- */

static uint64_t switch_args[3];

static void switch_spaces(uint64_t p) {
    const volatile uint64_t *s = (const volatile uint64_t *)p;
    uint64_t r = 0;
    for (int i = 0; i < 6; i++) {
        csr_write(satp, s[i & 1]);
        if (s[2]) sfence_vma();
        r = r * 16 + call_ret(VA_SW_CODE);
        r = r * 16 + try_ld(VA_SW_DATA);
    }
    mode_return(r);
}

static void address_spaces(void) {
    bm_section("satp switching between two address spaces");
    uint64_t *ra = kernel_root(LV), *rb = kernel_root(LV);
    uint8_t *ca = page_alloc(), *cb = page_alloc(), *da = page_alloc(), *db = page_alloc();
    put_code(ca, 0, 0x1);
    put_code(cb, 0, 0x2);
    *(volatile uint64_t *)da = 0xa;
    *(volatile uint64_t *)db = 0xb;
    asm volatile("fence.i" ::: "memory");
    map_page(ra, LV, VA_SW_CODE, (uint64_t)ca, PTE_V | PTE_X | PTE_A, 0);
    map_page(rb, LV, VA_SW_CODE, (uint64_t)cb, PTE_V | PTE_X | PTE_A, 0);
    map_page(ra, LV, VA_SW_DATA, (uint64_t)da, PTE_V | PTE_R | PTE_A, 0);
    map_page(rb, LV, VA_SW_DATA, (uint64_t)db, PTE_V | PTE_R | PTE_A, 0);
    /* ASIDs 1 and 2: switching needs no sfence.vma */
    switch_args[0] = satp_for(ra, 1);
    switch_args[1] = satp_for(rb, 2);
    switch_args[2] = 0;
    for (int round = 0; round < 2; round++) {
        trap_clear();
        uint64_t r = run_in(MODE_S, switch_spaces, (uint64_t)switch_args, 0);
        P("  S: A B A B A B, ASIDs 1/2%s: code,data = 0x%lx\n", switch_args[2] ? ", sfence.vma" : "", r);
        trap_report("    traps", 0);
        switch_args[2] = 1;
    }
    /* the same ASID for both: sfence.vma after each switch */
    switch_args[0] = satp_for(ra, 0);
    switch_args[1] = satp_for(rb, 0);
    uint64_t r = run_in(MODE_S, switch_spaces, (uint64_t)switch_args, 0);
    P("  S: A B A B A B, ASID 0, sfence.vma: code,data = 0x%lx\n", r);
    trap_report("    traps", 0);
    csr_write(satp, satp_for(root, 0));
    sfence_vma();
}

/* ---- code written through an alias ------------------------------------------------------- */

static void smc(uint64_t p) {
    volatile uint32_t *w = (volatile uint32_t *)(uint64_t)VA_SMC_W;
    uint64_t r = 0;
    /* run it often first (a hot block for the JITs) */
    for (int i = 0; i < 300; i++) r += call_ret(VA_SMC_X1);
    r = (r == 300 * 0x11) ? 0x11 : 0xee;
    w[0] = 0x00000513u | (0x22u << 20);   /* li a0, 0x22 */
    asm volatile("fence.i" ::: "memory");
    r = r * 256 + call_ret(VA_SMC_X1);
    r = r * 256 + call_ret(VA_SMC_X2);
    w[0] = 0x00000513u | (0x33u << 20);
    asm volatile("fence.i" ::: "memory");
    r = r * 256 + call_ret(VA_SMC_X2);
    r = r * 256 + call_ret(VA_SMC_X1);
    mode_return(r);
}

static void self_modifying(void) {
    bm_section("code written through a virtual alias, fence.i, run through others");
    uint8_t *code = page_alloc();
    put_code(code, 0, 0x11);
    asm volatile("fence.i" ::: "memory");
    map_page(root, LV, VA_SMC_X1, (uint64_t)code, PTE_V | PTE_X | PTE_A, 0);
    map_page(root, LV, VA_SMC_X2, (uint64_t)code, PTE_V | PTE_R | PTE_X | PTE_A, 0);
    map_page(root, LV, VA_SMC_W, (uint64_t)code, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
    sfence_vma();
    trap_clear();
    uint64_t r = run_in(MODE_S, smc, 0, 0);
    P("  X1 (hot) 11, write 22 via W, X1, X2, write 33 via W, X2, X1: 0x%lx\n", r);
    trap_report("    traps", 0);
}

/* ---- one suite ------------------------------------------------------------------------- */

static void suite(int levels) {
    page_reset();
    LV = levels;
    satp_mode = levels == 3 ? SATP_SV39 : SATP_SV48;
    P("=== %s\n", levels == 3 ? "Sv39" : "Sv48");
    root = kernel_root(LV);
    map_user_alias(root, LV);
    ustack = UA(page_alloc()) + PAGE;

    const uint64_t RW_AD = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
    uint8_t *pu = page_alloc(), *ps = page_alloc(), *px = page_alloc(), *pxu = page_alloc(), *purwx = page_alloc();
    *(volatile uint64_t *)pu = 0x1111;
    *(volatile uint64_t *)ps = 0x2222;
    put_code(px, 0, 0x33);
    put_code(pxu, 0, 0x44);
    put_code(purwx, 0, 0x55);
    map_page(root, LV, VA_U, (uint64_t)pu, RW_AD | PTE_U, 0);
    map_page(root, LV, VA_S, (uint64_t)ps, RW_AD, 0);
    map_page(root, LV, VA_X, (uint64_t)px, PTE_V | PTE_X | PTE_A, 0);
    map_page(root, LV, VA_XU, (uint64_t)pxu, PTE_V | PTE_X | PTE_U | PTE_A, 0);
    map_page(root, LV, VA_URWX, (uint64_t)purwx, RW_AD | PTE_X | PTE_U, 0);
    /* invalid and reserved encodings, all over page ps */
    map_page(root, LV, VA_W, (uint64_t)ps, PTE_V | PTE_W | PTE_A | PTE_D, 0);
    map_page(root, LV, VA_WX, (uint64_t)px, PTE_V | PTE_W | PTE_X | PTE_A | PTE_D, 0);
    map_page(root, LV, VA_INV, (uint64_t)ps, (RW_AD | PTE_X) & ~PTE_V, 0);
    map_page(root, LV, VA_B54, (uint64_t)ps, RW_AD | (1ul << 54), 0);
    map_page(root, LV, VA_PBMT, (uint64_t)ps, RW_AD | (1ul << 61), 0);
    map_page(root, LV, VA_N, (uint64_t)ps, RW_AD | (1ul << 63), 0);
    map_page(root, LV, VA_PTR0, (uint64_t)ps, PTE_V, 0);
    map_page(root, LV, VA_NL, (uint64_t)ps, RW_AD, 0);
    *pte(VA_NL, 1) |= PTE_A;
    /* A/D */
    uint8_t *pad = page_alloc(), *pro = page_alloc();
    map_page(root, LV, VA_AD, (uint64_t)pad, PTE_V | PTE_R | PTE_W, 0);
    map_page(root, LV, VA_ADX, (uint64_t)px, PTE_V | PTE_X, 0);
    map_page(root, LV, VA_RO, (uint64_t)pro, PTE_V | PTE_R, 0);
    /* superpages: 2 MiB at RAM_BASE + 4 MiB, 1 GiB at RAM_BASE */
    uint8_t *big = (uint8_t *)(RAM_BASE + (4ul << 20));
    *(volatile uint64_t *)(big + 0x1230) = 0x2a2a2a2a;
    map_page(root, LV, VA_2M, (uint64_t)big, RW_AD, 1);
    map_page(root, LV, VA_2M_BAD, (uint64_t)big + 0x1000, RW_AD, 1);
    map_page(root, LV, VA_1G, RAM_BASE, RW_AD, 2);
    map_page(root, LV, VA_1G_BAD, RAM_BASE + (2ul << 20), RW_AD, 2);
    if (LV == 4) {
        map_page(root, LV, VA_512G, 0, RW_AD, 3);
        map_page(root, LV, VA_512G_BAD, 1ul << 30, RW_AD, 3);
    }
    /* canonical top half */
    map_page(root, LV, LV == 3 ? 0xffffffc000000000ul : 0xffff800000000000ul, (uint64_t)ps, RW_AD, 0);
    /* crossing: C1 RWX with the low half of "addi a0, zero, 0x55" at its
     * end; C2 (mapped later) with the high half and a c.ret */
    uint8_t *c1 = page_alloc(), *c2 = page_alloc();
    *(volatile uint16_t *)(c1 + 0xffe) = 0x0513;
    *(volatile uint16_t *)(c2 + 0) = 0x0550;
    *(volatile uint16_t *)(c2 + 2) = 0x8082;
    *(volatile uint32_t *)(c2 + 0xffc) = 0x0c0ffee0;
    asm volatile("fence.i" ::: "memory");
    map_page(root, LV, VA_C1, (uint64_t)c1, RW_AD | PTE_X, 0);
    uint8_t *fa = page_alloc(), *fb = page_alloc();

    csr_write(satp, satp_for(root, 0));
    sfence_vma();
    permissions();
    accessed_dirty();
    superpages(big);
    canonical();
    crossing(c1, c2);
    sfence_test(fa, fb);
    address_spaces();
    self_modifying();
    csr_write(satp, 0);
    sfence_vma();
}

int main(void) {
    suite(3);
    suite(4);
    P("done\n");
    return 0;
}
