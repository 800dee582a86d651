/* clint.h — the CLINT (core-local interruptor): per-hart software
 * interrupts (MSIP) and machine timers (MTIP) with the shared mtime
 * counter, at QEMU virt's layout (0x2000000, 0x10000 bytes):
 *
 *   0x0000 + 4*hart   msip      bit 0 drives the hart's MSIP line
 *   0x4000 + 8*hart   mtimecmp  64-bit; 32-bit halves at +0 / +4
 *   0xbff8            mtime     64-bit; 32-bit halves at 0xbff8 / 0xbffc
 *
 * Time comes from the board: now(opaque) returns ticks of the 10 MHz
 * timebase (host monotonic time, or the instruction count in deterministic
 * mode).  mtime = now() + an offset that reset sets so mtime starts at 0
 * (the ACLINT spec's reset) and guest writes to mtime move.
 *
 * MTIP is a level, mtime >= mtimecmp, evaluated when mtimecmp or mtime is
 * written and whenever the board calls clint_update (time passes without
 * any access).  clint_next_deadline tells the board when that is next due,
 * so a hart sleeping in WFI can arm a host timer instead of spinning:
 *
 *   for (;;) {
 *       run the hart until it waits;
 *       clint_update(&clint);                       // MTIP may rise
 *       if (still nothing pending)
 *           sleep until now() == clint_next_deadline(&clint) or host input;
 *   }
 *
 * mtimecmp resets to 0, so MTIP is pending out of reset (mtime >= 0): the
 * ACLINT spec leaves mtimecmp unknown, and QEMU 7.2 resets it to 0 and
 * re-evaluates it when its reset clears mtime, so there too mip.MTIP is
 * set when the firmware starts (firmware writes mtimecmp before it
 * enables MTIE).
 */
#ifndef VPLAT_MACHINE_VIRT_CLINT_H
#define VPLAT_MACHINE_VIRT_CLINT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/irq.h"
#include "core/memory.h"
#include "machine/virt/virt_fdt.h"

#define CLINT_MSIP_BASE 0x0
#define CLINT_MTIMECMP_BASE 0x4000
#define CLINT_MTIME 0xbff8
#define CLINT_MAX_HARTS 4095 /* mtimecmp slots below mtime */

typedef uint64_t (*ClintNowFn)(void *opaque);

typedef struct ClintHart {
    uint64_t mtimecmp;
    bool msip;
    bool mtip;                 /* level last driven on mtip_line */
    IrqLine msip_line, mtip_line;
} ClintHart;

typedef struct Clint {
    unsigned num_harts;
    ClintHart *harts;          /* [num_harts] */
    ClintNowFn now;
    void *now_opaque;
    uint64_t mtime_offset;     /* mtime = now() + mtime_offset (mod 2^64) */
} Clint;

/* 4- and 8-byte accesses, naturally aligned; others read 0 / are ignored. */
extern const MemOps clint_mem_ops;

/* Returns false for a bad hart count or no memory.  Lines start unwired;
 * connect them, then clint_reset (or rely on the lines starting low). */
bool clint_init(Clint *c, unsigned num_harts, ClintNowFn now, void *now_opaque);
void clint_destroy(Clint *c);
/* Wire hart `hart`'s MSIP and MTIP pins (e.g. the CPU's mip bits 3 and 7). */
void clint_connect(Clint *c, unsigned hart, IrqLine msip, IrqLine mtip);
/* mtime back to 0, msip clear, mtimecmp = UINT64_MAX, lines driven low. */
void clint_reset(Clint *c);

/* The current mtime: also what the CPU's `time` CSR reads. */
uint64_t clint_mtime(const Clint *c);
/* Re-evaluate MTIP (mtime >= mtimecmp) on every hart. */
void clint_update(Clint *c);
/* The value of now() at which the next MTIP rises: the smallest mtimecmp
 * still ahead of mtime, converted to now() units; UINT64_MAX if none. */
uint64_t clint_next_deadline(const Clint *c);

/* /soc/clint@base: sifive,clint0 / riscv,clint0, interrupts-extended =
 * <intc 3 (MSIP), intc 7 (MTIP)> per hart. */
int clint_fdt_node(VirtFdt *vf, uint64_t base, uint64_t size);

#endif
