/* bm.h — the tiny runtime of the bare-metal privileged tests.
 *
 * Each test program is one C file with main(); start.S brings the hart up
 * in M mode (trap vectors, a PMP entry over all memory so that S and U may
 * touch it at all, FS on, .bss cleared), calls main and powers the board
 * off with main's return value as the exit status (0 = pass).
 *
 * Everything a test prints goes to the UART and must be deterministic: the
 * transcript of a run under qemu-system-riscv64 is compared byte for byte
 * with the one under vplat (tests/baremetal/run.sh).  So print what
 * trapped and the CSR values, never times or counter values.
 *
 * Traps.  Both handlers (M: mtvec, S: stvec) record every trap they take
 * in trap_log[] (where, cause, tval, epc, previous mode, vector) and then
 * resume:
 *   - interrupts: the handler clears the interrupt's enable bit (mie for
 *     M, sie for S) so that a level that stays pending is taken once;
 *   - exceptions: at trap_resume if a test set it (one shot), else at ra
 *     for instruction-fetch faults (a test reaches a bad pc with a call),
 *     else after the trapping instruction (its length is read through
 *     the trapped mode's own translation, with MXR and SUM set).
 * trap_report() prints the log relative to a label and empties it.
 *
 * Modes.  run_in(mode, fn, arg, sp) runs fn(arg) in U or S mode (via
 * MRET) on stack sp (0: below the caller's) and returns its result in M:
 * fn returns to a stub that does an ECALL with a7 = BM_MAGIC_EXIT, which
 * the M handler turns into a return from run_in.  If the ECALL is
 * delegated, the S handler forwards it (ECALL from S, or an illegal
 * instruction if ECALL from S is delegated too: do not delegate both
 * causes 2 and 9 while running S code).  whoami() returns the current
 * privilege (0 U, 1 S, 3 M) through an ECALL that is not logged.
 */
#ifndef BM_H
#define BM_H

#include <stdint.h>
#include <stddef.h>

#define BM_MAGIC_EXIT   0x5e7e0001
#define BM_MAGIC_WHOAMI 0x5e7e0002

/* virt board */
#define UART0     0x10000000ul
#define TEST_DEV  0x100000ul
#define CLINT     0x2000000ul
#define CLINT_MSIP     (CLINT + 0x0)
#define CLINT_MTIMECMP (CLINT + 0x4000)
#define CLINT_MTIME    (CLINT + 0xbff8)
#define RAM_BASE  0x80000000ul
#define RAM_SIZE  (128ul << 20)   /* run.sh passes -m 128M */

/* mstatus */
#define MSTATUS_SIE  (1ul << 1)
#define MSTATUS_MIE  (1ul << 3)
#define MSTATUS_SPIE (1ul << 5)
#define MSTATUS_MPIE (1ul << 7)
#define MSTATUS_SPP  (1ul << 8)
#define MSTATUS_MPP  (3ul << 11)
#define MSTATUS_FS   (3ul << 13)
#define MSTATUS_MPRV (1ul << 17)
#define MSTATUS_SUM  (1ul << 18)
#define MSTATUS_MXR  (1ul << 19)
#define MSTATUS_TVM  (1ul << 20)
#define MSTATUS_TW   (1ul << 21)
#define MSTATUS_TSR  (1ul << 22)
#define MSTATUS_SD   (1ul << 63)

/* interrupt numbers (mcause without the top bit) and their mip/mie bits */
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define MIP(n) (1ul << (n))
#define CAUSE_IRQ (1ul << 63)

/* exception causes */
enum {
    EXC_INSN_MISALIGNED = 0, EXC_INSN_ACCESS = 1, EXC_ILLEGAL = 2, EXC_BREAKPOINT = 3,
    EXC_LOAD_MISALIGNED = 4, EXC_LOAD_ACCESS = 5, EXC_STORE_MISALIGNED = 6, EXC_STORE_ACCESS = 7,
    EXC_ECALL_U = 8, EXC_ECALL_S = 9, EXC_ECALL_M = 11,
    EXC_INSN_PAGE = 12, EXC_LOAD_PAGE = 13, EXC_STORE_PAGE = 15,
};

enum { MODE_U = 0, MODE_S = 1, MODE_M = 3 };

#define STR_(x) #x
#define STR(x) STR_(x)
#define csr_read(csr) ({ uint64_t v_; asm volatile("csrr %0, " STR(csr) : "=r"(v_) :: "memory"); v_; })
#define csr_write(csr, v) asm volatile("csrw " STR(csr) ", %0" :: "r"((uint64_t)(v)) : "memory")
#define csr_set(csr, v) asm volatile("csrs " STR(csr) ", %0" :: "r"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) asm volatile("csrc " STR(csr) ", %0" :: "r"((uint64_t)(v)) : "memory")
#define csr_swap(csr, v) ({ uint64_t o_; asm volatile("csrrw %0, " STR(csr) ", %1" : "=r"(o_) : "r"((uint64_t)(v)) : "memory"); o_; })

static inline void mmio_w32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint32_t mmio_r32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_w64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t mmio_r64(uint64_t a) { return *(volatile uint64_t *)a; }

/* output (M mode, or S with the UART mapped at its physical address) */
void bm_putc(char c);
void bm_puts(const char *s);
/* printf subset: %s %c %d %u %x %p, flags '0', '-', width, 'l' ignored
 * (every integer argument is 64 bits wide: pass uint64_t / long). */
void bm_printf(const char *fmt, ...);
#define P bm_printf
void bm_section(const char *title);   /* "== title" */
const char *cause_name(uint64_t cause);
const char *mode_name(uint64_t mode);

/* power off: 0 passes, anything else fails with that status */
void bm_exit(int code) __attribute__((noreturn));

/* the trap log */
typedef struct Trap {
    char where;          /* 'M' or 'S' */
    uint64_t cause, tval, epc;
    uint64_t prev;       /* MPP / SPP: the mode the trap came from */
    uint64_t status;     /* mstatus / sstatus seen by the handler */
    long vec;            /* vector index entered, -1 for the direct entry */
} Trap;
#define TRAP_LOG_MAX 32
extern volatile unsigned trap_count;
extern Trap trap_log[TRAP_LOG_MAX];
extern volatile uint64_t trap_resume;   /* one-shot resume address for the next exception */
extern volatile uint64_t bm_medeleg;    /* what medeleg holds: set it with set_medeleg */
void trap_clear(void);
/* Print "what: " and every logged trap (epc relative to `base` when it is
 * within 64 KiB of it, tval raw), or "no trap"; then clear the log. */
void trap_report(const char *what, const void *base);
void set_medeleg(uint64_t v);

/* state at reset, saved by start.S before anything was touched */
extern uint64_t boot_a0, boot_a1, boot_mstatus, boot_mie, boot_mip, boot_satp,
    boot_medeleg, boot_mideleg;

/* modes */
uint64_t run_in(int mode, void *fn, uint64_t arg, uint64_t sp);
/* SRET (from M or S) into fn(arg), to the mode SPP names; back like run_in */
uint64_t sret_to(void *fn, uint64_t arg);
uint64_t whoami(void);
/* Return from code entered by run_in without returning through ra (U code
 * running at an alias address cannot reach run_in's exit stub). */
static inline __attribute__((noreturn)) void mode_return(uint64_t v) {
    register uint64_t a0 asm("a0") = v;
    register uint64_t a7 asm("a7") = BM_MAGIC_EXIT;
    asm volatile("ecall" : : "r"(a0), "r"(a7) : "memory");
    __builtin_unreachable();
}
/* call the code at address a (a bad pc traps with ra = the return point) */
void call_addr(uint64_t a);

/* trap entry points (start.S): direct and vectored tables */
extern char m_trap_entry[], m_vectors[], s_trap_entry[], s_vectors[];
extern char m_trap_stack_top[], s_trap_stack_top[];

/* CLINT */
static inline uint64_t mtime(void) { return mmio_r64(CLINT_MTIME); }
static inline void set_mtimecmp(uint64_t v) { mmio_w64(CLINT_MTIMECMP, v); }
static inline void set_msip(int v) { mmio_w32(CLINT_MSIP, (uint32_t)v); }

/* paging: page-table pages from a pool of zeroed, aligned pages */
#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define PTE_RWX (PTE_R | PTE_W | PTE_X)
#define SATP_SV39 (8ul << 60)
#define SATP_SV48 (9ul << 60)
#define PAGE 4096ul
void *page_alloc(void);                   /* one zeroed 4 KiB page (of 96) */
void page_reset(void);                    /* give every page back */
/* Map va -> pa with a leaf at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB, 3:
 * 512 GiB) in the `levels`-level table at root; flags are written as
 * given (add PTE_A | PTE_D yourself).  Returns the leaf PTE. */
uint64_t *map_page(uint64_t *root, int levels, uint64_t va, uint64_t pa, uint64_t flags, int level);
uint64_t *pte_of(uint64_t *root, int levels, uint64_t va, int level);
static inline uint64_t pte_make(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags; }
/* A root with the image's 2 MiB (RAM_BASE) identity-mapped for S (RWX,
 * A, D), and the UART and test device pages for S (RW, A, D), so that S
 * code can run and print with translation on. */
uint64_t *kernel_root(int levels);
/* The image's 2 MiB also at U_BASE, for U (RWX, A, D): U code runs
 * there (the code is PC-relative, so it works at any alias). */
#define U_BASE 0x1000000000ul
#define UA(x) ((uint64_t)(x) - RAM_BASE + U_BASE)
void map_user_alias(uint64_t *root, int levels);
static inline void sfence_vma(void) { asm volatile("sfence.vma" ::: "memory"); }

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif
