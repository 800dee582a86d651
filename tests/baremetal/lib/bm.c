/* bm.c — output, trap handlers, mode switching and page-table helpers of
 * the bare-metal tests (conventions in bm.h). */
#include "bm.h"

#include <stdarg.h>

/* in .data: start.S stores them before it clears .bss */
#define BOOT __attribute__((section(".data")))
BOOT uint64_t boot_a0, boot_a1, boot_mstatus, boot_mie, boot_mip, boot_satp, boot_medeleg, boot_mideleg;

volatile unsigned trap_count;
Trap trap_log[TRAP_LOG_MAX];
volatile uint64_t trap_resume;
volatile uint64_t bm_medeleg;
static volatile uint64_t forward_value;

extern char run_in_resume[], s_forward_illegal[];

/* ---- output ----------------------------------------------------------------- */

void bm_putc(char c) {
    volatile uint8_t *uart = (volatile uint8_t *)UART0;
    while (!(uart[5] & 0x20)) {
    }
    uart[0] = (uint8_t)c;
}

void bm_puts(const char *s) {
    while (*s) bm_putc(*s++);
}

static void put_num(uint64_t v, unsigned base, int neg, int width, char pad, int left) {
    char buf[24];
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    if (neg) {
        if (pad == '0') {
            bm_putc('-');
            width--;
        } else {
            buf[n++] = '-';
        }
    }
    int fill = width > n ? width - n : 0;
    if (!left)
        while (fill-- > 0) bm_putc(pad);
    while (n) bm_putc(buf[--n]);
    if (left)
        while (fill-- > 0) bm_putc(' ');
}

void bm_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            bm_putc(*p);
            continue;
        }
        p++;
        char pad = ' ';
        int left = 0, width = 0;
        if (*p == '-') {
            left = 1;
            p++;
        }
        if (*p == '0') {
            pad = '0';
            p++;
        }
        while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        while (*p == 'l') p++;
        switch (*p) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            int n = 0;
            while (s[n]) n++;
            if (!left)
                for (int k = n; k < width; k++) bm_putc(' ');
            bm_puts(s);
            if (left)
                for (int k = n; k < width; k++) bm_putc(' ');
            break;
        }
        case 'c': bm_putc((char)va_arg(ap, int)); break;
        case 'd': {
            int64_t v = va_arg(ap, int64_t);
            put_num(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, pad, left);
            break;
        }
        case 'u': put_num(va_arg(ap, uint64_t), 10, 0, width, pad, left); break;
        case 'x': put_num(va_arg(ap, uint64_t), 16, 0, width, pad, left); break;
        case 'p': bm_puts("0x"); put_num((uint64_t)va_arg(ap, void *), 16, 0, width, pad, left); break;
        case '%': bm_putc('%'); break;
        default: bm_putc('?'); break;
        }
    }
    va_end(ap);
}

void bm_section(const char *title) { P("== %s\n", title); }

const char *cause_name(uint64_t cause) {
    if (cause & CAUSE_IRQ) {
        switch (cause & ~CAUSE_IRQ) {
        case IRQ_SSI: return "S software interrupt";
        case IRQ_MSI: return "M software interrupt";
        case IRQ_STI: return "S timer interrupt";
        case IRQ_MTI: return "M timer interrupt";
        case IRQ_SEI: return "S external interrupt";
        case IRQ_MEI: return "M external interrupt";
        default: return "interrupt?";
        }
    }
    static const char *const names[16] = {
        "insn misaligned", "insn access fault", "illegal insn", "breakpoint",
        "load misaligned", "load access fault", "store misaligned", "store access fault",
        "ecall from U", "ecall from S", "cause 10", "ecall from M",
        "insn page fault", "load page fault", "cause 14", "store page fault",
    };
    return cause < 16 ? names[cause] : "cause?";
}

const char *mode_name(uint64_t mode) {
    return mode == MODE_U ? "U" : mode == MODE_S ? "S" : mode == MODE_M ? "M" : "?";
}

void bm_exit(int code) {
    mmio_w32(TEST_DEV, code == 0 ? 0x5555u : ((uint32_t)code << 16) | 0x3333u);
    for (;;) {
    }
}

/* ---- the trap log ----------------------------------------------------------- */

void trap_clear(void) {
    trap_count = 0;
    trap_resume = 0;
}

void trap_report(const char *what, const void *base) {
    P("%s:", what);
    if (trap_count == 0) P(" no trap\n");
    else P("\n");
    unsigned n = trap_count < TRAP_LOG_MAX ? trap_count : TRAP_LOG_MAX;
    for (unsigned i = 0; i < n; i++) {
        const Trap *t = &trap_log[i];
        P("  %c %s (cause 0x%lx) tval=0x%lx epc=", t->where, cause_name(t->cause),
          t->cause & CAUSE_IRQ ? (t->cause & ~CAUSE_IRQ) | 0x8000 : t->cause, t->tval);
        uint64_t b = (uint64_t)base;
        if (base && t->epc - b < 0x10000) P("+0x%lx", t->epc - b);
        else if (base && b - t->epc < 0x10000) P("-0x%lx", b - t->epc);
        else P("0x%lx", t->epc);
        P(" from %s", mode_name(t->prev));
        if (t->vec >= 0) P(" vector %ld", t->vec);
        P("\n");
    }
    if (trap_count > TRAP_LOG_MAX) P("  (%u traps, log full)\n", trap_count);
    trap_clear();
}

void set_medeleg(uint64_t v) {
    csr_write(medeleg, v);
    bm_medeleg = csr_read(medeleg);
}

static void log_trap(char where, uint64_t cause, uint64_t tval, uint64_t epc, uint64_t prev, uint64_t status,
                     long vec) {
    unsigned n = trap_count;
    if (n < TRAP_LOG_MAX) {
        Trap *t = &trap_log[n];
        t->where = where;
        t->cause = cause;
        t->tval = tval;
        t->epc = epc;
        t->prev = prev;
        t->status = status;
        t->vec = vec;
    }
    trap_count = n + 1;
}

/* The length of the instruction at epc, read through the trapped mode's
 * translation (MPRV with MPP = that mode; MXR so execute-only pages read). */
static uint64_t insn_len_m(uint64_t epc) {
    uint64_t old = csr_read(mstatus), h;
    asm volatile("csrs mstatus, %1\n\tlhu %0, 0(%2)\n\tcsrw mstatus, %3"
                 : "=&r"(h)
                 : "r"(MSTATUS_MPRV | MSTATUS_MXR), "r"(epc), "r"(old)
                 : "memory");
    return (h & 3) == 3 ? 4 : 2;
}

static uint64_t insn_len_s(uint64_t epc) {
    uint64_t old = csr_read(sstatus), h;
    asm volatile("csrs sstatus, %1\n\tlhu %0, 0(%2)\n\tcsrw sstatus, %3"
                 : "=&r"(h)
                 : "r"(MSTATUS_SUM | MSTATUS_MXR), "r"(epc), "r"(old)
                 : "memory");
    return (h & 3) == 3 ? 4 : 2;
}

static uint64_t resume_pc(const uint64_t *f, uint64_t cause, uint64_t epc, int m) {
    uint64_t r = trap_resume;
    if (r) {
        trap_resume = 0;
        return r;
    }
    if (cause == EXC_INSN_MISALIGNED || cause == EXC_INSN_ACCESS || cause == EXC_INSN_PAGE) return f[1];
    return epc + (m ? insn_len_m(epc) : insn_len_s(epc));
}

static int is_ecall(uint64_t cause) { return cause == EXC_ECALL_U || cause == EXC_ECALL_S || cause == EXC_ECALL_M; }

/* Back from run_in: continue at run_in_resume in M (a0 in the frame is the
 * result); a forwarding S handler may have been interrupted: reset its stack. */
static void exit_to_m(uint64_t *f, uint64_t result) {
    f[10] = result;
    csr_write(mepc, (uint64_t)run_in_resume);
    csr_set(mstatus, MSTATUS_MPP);
    csr_write(sscratch, (uint64_t)s_trap_stack_top);
}

void m_trap(uint64_t *f, long vec) {
    uint64_t cause = csr_read(mcause), epc = csr_read(mepc), tval = csr_read(mtval), st = csr_read(mstatus);
    uint64_t prev = (st & MSTATUS_MPP) >> 11;
    if (!(cause & CAUSE_IRQ)) {
        if (is_ecall(cause) && f[17] == BM_MAGIC_EXIT) return exit_to_m(f, f[10]);
        if (cause == EXC_ILLEGAL && epc == (uint64_t)s_forward_illegal) return exit_to_m(f, forward_value);
        if (is_ecall(cause) && f[17] == BM_MAGIC_WHOAMI) {
            f[10] = prev;
            csr_write(mepc, epc + 4);
            return;
        }
    }
    log_trap('M', cause, tval, epc, prev, st, vec);
    if (cause & CAUSE_IRQ) {
        csr_clear(mie, MIP(cause & 63));
        return;
    }
    csr_write(mepc, resume_pc(f, cause, epc, 1));
}

void s_trap(uint64_t *f, long vec) {
    uint64_t cause = csr_read(scause), epc = csr_read(sepc), tval = csr_read(stval), st = csr_read(sstatus);
    uint64_t prev = (st & MSTATUS_SPP) ? MODE_S : MODE_U;
    if (!(cause & CAUSE_IRQ)) {
        if (is_ecall(cause) && f[17] == BM_MAGIC_EXIT) {
            /* forward to M: by ECALL from S unless that is delegated too */
            if (!(bm_medeleg & (1ul << EXC_ECALL_S))) {
                register uint64_t a0 asm("a0") = f[10];
                register uint64_t a7 asm("a7") = BM_MAGIC_EXIT;
                asm volatile("ecall" : : "r"(a0), "r"(a7) : "memory");
            }
            forward_value = f[10];
            asm volatile("j s_forward_illegal" ::: "memory");
        }
        if (is_ecall(cause) && f[17] == BM_MAGIC_WHOAMI) {
            f[10] = prev;
            csr_write(sepc, epc + 4);
            return;
        }
    }
    log_trap('S', cause, tval, epc, prev, st, vec);
    if (cause & CAUSE_IRQ) {
        csr_clear(sie, MIP(cause & 63));
        return;
    }
    csr_write(sepc, resume_pc(f, cause, epc, 0));
}

void m_nested_trap(void) {
    P("FATAL: trap inside the M handler: mcause=0x%lx mepc=0x%lx mtval=0x%lx\n", csr_read(mcause), csr_read(mepc),
      csr_read(mtval));
    bm_exit(3);
}

void s_nested_trap(void) {
    /* S may not reach the UART: hand over to M with an ECALL (cause 9
     * lands in M unless delegated, and then we are stuck anyway) */
    uint64_t c = csr_read(scause), e = csr_read(sepc), t = csr_read(stval);
    (void)c, (void)e, (void)t;
    register uint64_t a7 asm("a7") = 0;
    asm volatile("ecall" : : "r"(a7));
    for (;;) {
    }
}

void call_addr(uint64_t a) { ((void (*)(void))a)(); }

/* ---- paging ------------------------------------------------------------------- */

#define POOL_PAGES 96
static uint8_t page_pool[POOL_PAGES][PAGE] __attribute__((aligned(4096)));
static unsigned pool_used;

void *page_alloc(void) {
    if (pool_used == POOL_PAGES) {
        P("FATAL: page pool exhausted\n");
        bm_exit(3);
    }
    void *p = page_pool[pool_used++];
    memset(p, 0, PAGE);
    return p;
}

void page_reset(void) { pool_used = 0; }

static uint64_t *next_table(uint64_t *e, int alloc) {
    if (!(*e & PTE_V)) {
        if (!alloc) return 0;
        *e = pte_make((uint64_t)page_alloc(), PTE_V);
    }
    return (uint64_t *)((*e >> 10) << 12);
}

static uint64_t *walk(uint64_t *root, int levels, uint64_t va, int level, int alloc) {
    uint64_t *t = root;
    for (int l = levels - 1; l > level; l--) {
        t = next_table(&t[(va >> (12 + 9 * l)) & 511], alloc);
        if (!t) return 0;
    }
    return &t[(va >> (12 + 9 * level)) & 511];
}

uint64_t *map_page(uint64_t *root, int levels, uint64_t va, uint64_t pa, uint64_t flags, int level) {
    uint64_t *e = walk(root, levels, va, level, 1);
    *e = pte_make(pa, flags);
    return e;
}

uint64_t *pte_of(uint64_t *root, int levels, uint64_t va, int level) { return walk(root, levels, va, level, 0); }

uint64_t *kernel_root(int levels) {
    uint64_t *root = page_alloc();
    map_page(root, levels, RAM_BASE, RAM_BASE, PTE_V | PTE_RWX | PTE_A | PTE_D, 1);
    map_page(root, levels, UART0, UART0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
    map_page(root, levels, TEST_DEV, TEST_DEV, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
    return root;
}

void map_user_alias(uint64_t *root, int levels) {
    map_page(root, levels, U_BASE, RAM_BASE, PTE_V | PTE_RWX | PTE_U | PTE_A | PTE_D, 1);
}

/* ---- freestanding helpers the compiler may call ------------------------------------------ */

void *memset(void *d, int c, size_t n) {
    uint8_t *p = d;
    while (n--) *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n) {
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--) *p++ = *q++;
    return d;
}
