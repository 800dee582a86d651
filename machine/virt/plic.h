/* plic.h — the platform-level interrupt controller (RISC-V PLIC spec
 * 1.0.0) with QEMU virt's layout and wiring: base 0xc000000, 96 sources
 * (0 reserved, 1..95 usable), 3 priority bits, two contexts per hart
 * (context 2*h = hart h M-mode -> MEIP, 2*h+1 = S-mode -> SEIP).
 *
 *   0x000000 + 4*src              priority (0 = never interrupts)
 *   0x001000 + 4*word             pending bits (read-only)
 *   0x002000 + 0x80*ctx + 4*word  enable bits of a context
 *   0x200000 + 0x1000*ctx         priority threshold of a context
 *   0x200004 + 0x1000*ctx         claim (read) / complete (write)
 *
 *   device ──IrqLine{plic_set_irq, plic, src}──▶ gateway ─▶ pending
 *       ─▶ context ctx: pending & enabled & priority > threshold
 *       ─▶ IrqLine out[ctx] (the hart's MEIP or SEIP)
 *
 * Gateways are level-triggered as the spec describes: the first assertion
 * sets the source's pending bit; a claim clears it and the source is then
 * in flight, forwarding nothing more until the claiming context completes
 * it; on completion a still-asserted input is pending again.  A request
 * once forwarded is not retracted when the input drops (QEMU 7.2 does
 * retract; Linux copes with either, since its handlers tolerate a source
 * with nothing to do).  Claims pick the highest priority, then the lowest
 * source number.  Completions of sources not enabled for that context are
 * ignored (spec), so Linux unmasks before completing a masked source.
 */
#ifndef VPLAT_MACHINE_VIRT_PLIC_H
#define VPLAT_MACHINE_VIRT_PLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/irq.h"
#include "core/memory.h"
#include "machine/virt/virt_fdt.h"

#define PLIC_PRIORITY_BASE 0x0
#define PLIC_PENDING_BASE 0x1000
#define PLIC_ENABLE_BASE 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT_BASE 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_MAX_SOURCES 1024
#define PLIC_MAX_CONTEXTS 15872
#define PLIC_PRIORITY_MASK 7 /* 3 priority bits, WARL */

typedef struct Plic {
    unsigned num_sources;      /* including the reserved source 0 */
    unsigned num_contexts;     /* 2 per hart */
    unsigned words;            /* 32-bit words in a source bitmap */
    uint32_t *priority;        /* [num_sources] */
    uint32_t *level;           /* input pins, bitmap */
    uint32_t *pending;         /* IP bits, bitmap */
    uint32_t *in_flight;       /* claimed, not yet completed, bitmap */
    uint32_t *enable;          /* [num_contexts][words] */
    uint32_t *threshold;       /* [num_contexts] */
    bool *out_level;           /* [num_contexts] level last driven */
    IrqLine *out;              /* [num_contexts] */
} Plic;

/* Only naturally aligned 4-byte accesses (as QEMU); others fault. */
extern const MemOps plic_mem_ops;

/* num_sources counts source 0 (VIRT_PLIC_NUM_SOURCES = 96).  Returns
 * false for bad counts or no memory. */
bool plic_init(Plic *p, unsigned num_sources, unsigned num_harts);
void plic_destroy(Plic *p);
/* All registers and gateways cleared; outputs driven low.  Input levels are
 * kept (they belong to the devices). */
void plic_reset(Plic *p);

static inline unsigned plic_context(unsigned hart, bool smode) { return 2 * hart + (smode ? 1 : 0); }
/* Wire a context's output (hart h: plic_context(h,false) -> MEIP (11),
 * plic_context(h,true) -> SEIP (9)). */
void plic_connect(Plic *p, unsigned context, IrqLine line);

/* An IrqHandler: the input pin of `source` (1..num_sources-1). */
void plic_set_irq(void *opaque, int source, int level);
static inline IrqLine plic_input(Plic *p, unsigned source) { return irq_line(plic_set_irq, p, (int)source); }

/* /soc/plic@base (sifive,plic-1.0.0 / riscv,plic0, riscv,ndev =
 * num_sources - 1, interrupts-extended = <intc 11, intc 9> per hart);
 * sets vf->plic_phandle.  Call before the nodes that point at it. */
int plic_fdt_node(VirtFdt *vf, uint64_t base, uint64_t size, unsigned num_sources);

#endif
