/* plic.c — the PLIC (see plic.h): gateways, claim/complete, per-context
 * outputs, the register file and the device-tree node.  After every change
 * that can move an output, plic_update recomputes each context and drives
 * the lines whose level changed.
 */
#include "machine/virt/plic.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

/* mip/mie interrupt numbers the contexts raise on the hart's cpu-intc. */
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11

static bool bit_get(const uint32_t *map, unsigned i) { return (map[i / 32] >> (i % 32)) & 1; }

static void bit_put(uint32_t *map, unsigned i, bool v) {
    if (v) map[i / 32] |= 1u << (i % 32);
    else map[i / 32] &= ~(1u << (i % 32));
}

/* Bits of bitmap word w that name real sources (source 0 is not one). */
static uint32_t valid_bits(const Plic *p, unsigned w) {
    uint32_t m = UINT32_MAX;
    if (w == 0) m &= ~1u;
    unsigned first = 32 * w;
    if (p->num_sources < first + 32) m &= p->num_sources > first ? (1u << (p->num_sources - first)) - 1 : 0;
    return m;
}

/* The highest-priority pending, enabled source above the context's
 * threshold (lowest number on ties), or 0. */
static unsigned best_source(const Plic *p, unsigned ctx) {
    const uint32_t *en = &p->enable[(size_t)ctx * p->words];
    unsigned best = 0;
    uint32_t best_prio = p->threshold[ctx];
    for (unsigned w = 0; w < p->words; w++) {
        uint32_t bits = p->pending[w] & en[w];
        while (bits) {
            unsigned src = 32 * w + (unsigned)__builtin_ctz(bits);
            bits &= bits - 1;
            if (p->priority[src] > best_prio) {
                best = src;
                best_prio = p->priority[src];
            }
        }
    }
    return best;
}

static void plic_update(Plic *p) {
    for (unsigned ctx = 0; ctx < p->num_contexts; ctx++) {
        bool level = best_source(p, ctx) != 0;
        if (level != p->out_level[ctx]) {
            p->out_level[ctx] = level;
            irq_set(&p->out[ctx], level);
        }
    }
}

void plic_set_irq(void *opaque, int source, int level) {
    Plic *p = opaque;
    if (source <= 0 || (unsigned)source >= p->num_sources) return;
    bit_put(p->level, source, level != 0);
    if (level && !bit_get(p->in_flight, source) && !bit_get(p->pending, source)) {
        bit_put(p->pending, source, true);
        plic_update(p);
    }
}

static uint32_t plic_claim(Plic *p, unsigned ctx) {
    unsigned src = best_source(p, ctx);
    if (src) {
        bit_put(p->pending, src, false);
        bit_put(p->in_flight, src, true);
        plic_update(p);
    }
    return src;
}

static void plic_complete(Plic *p, unsigned ctx, uint32_t src) {
    if (src == 0 || src >= p->num_sources || !bit_get(&p->enable[(size_t)ctx * p->words], src) ||
        !bit_get(p->in_flight, src))
        return;
    bit_put(p->in_flight, src, false);
    if (bit_get(p->level, src)) bit_put(p->pending, src, true);
    plic_update(p);
}

bool plic_init(Plic *p, unsigned num_sources, unsigned num_harts) {
    memset(p, 0, sizeof *p);
    if (num_sources < 2 || num_sources > PLIC_MAX_SOURCES || num_harts == 0 || num_harts > PLIC_MAX_CONTEXTS / 2)
        return false;
    p->num_sources = num_sources;
    p->num_contexts = 2 * num_harts;
    p->words = (num_sources + 31) / 32;
    p->priority = calloc(num_sources, sizeof(uint32_t));
    p->level = calloc(p->words, sizeof(uint32_t));
    p->pending = calloc(p->words, sizeof(uint32_t));
    p->in_flight = calloc(p->words, sizeof(uint32_t));
    p->enable = calloc((size_t)p->num_contexts * p->words, sizeof(uint32_t));
    p->threshold = calloc(p->num_contexts, sizeof(uint32_t));
    p->out_level = calloc(p->num_contexts, sizeof(bool));
    p->out = calloc(p->num_contexts, sizeof(IrqLine));
    if (!p->priority || !p->level || !p->pending || !p->in_flight || !p->enable || !p->threshold || !p->out_level ||
        !p->out) {
        plic_destroy(p);
        return false;
    }
    return true;
}

void plic_destroy(Plic *p) {
    free(p->priority);
    free(p->level);
    free(p->pending);
    free(p->in_flight);
    free(p->enable);
    free(p->threshold);
    free(p->out_level);
    free(p->out);
    memset(p, 0, sizeof *p);
}

void plic_reset(Plic *p) {
    memset(p->priority, 0, p->num_sources * sizeof(uint32_t));
    memset(p->pending, 0, p->words * sizeof(uint32_t));
    memset(p->in_flight, 0, p->words * sizeof(uint32_t));
    memset(p->enable, 0, (size_t)p->num_contexts * p->words * sizeof(uint32_t));
    memset(p->threshold, 0, p->num_contexts * sizeof(uint32_t));
    for (unsigned ctx = 0; ctx < p->num_contexts; ctx++) {
        p->out_level[ctx] = false;
        irq_set(&p->out[ctx], 0);
    }
    /* Inputs still asserted make a fresh request, as after power-on. */
    for (unsigned w = 0; w < p->words; w++) p->pending[w] = p->level[w] & valid_bits(p, w);
}

void plic_connect(Plic *p, unsigned context, IrqLine line) {
    if (context < p->num_contexts) p->out[context] = line;
}

static uint64_t plic_read(void *opaque, uint64_t off, unsigned size) {
    Plic *p = opaque;
    if (off % 4) return 0;
    if (off < PLIC_PENDING_BASE) {
        uint64_t src = off / 4;
        return src < p->num_sources ? p->priority[src] : 0;
    }
    if (off < PLIC_ENABLE_BASE) {
        uint64_t w = (off - PLIC_PENDING_BASE) / 4;
        return w < p->words ? p->pending[w] : 0;
    }
    if (off < PLIC_CONTEXT_BASE) {
        uint64_t ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE, w = (off % PLIC_ENABLE_STRIDE) / 4;
        return ctx < p->num_contexts && w < p->words ? p->enable[ctx * p->words + w] : 0;
    }
    uint64_t ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE, reg = off % PLIC_CONTEXT_STRIDE;
    if (ctx >= p->num_contexts) return 0;
    if (reg == 0) return p->threshold[ctx];
    if (reg == 4) return plic_claim(p, (unsigned)ctx);
    return 0;
}

static void plic_write(void *opaque, uint64_t off, uint64_t val, unsigned size) {
    Plic *p = opaque;
    if (off % 4) return;
    if (off < PLIC_PENDING_BASE) {
        uint64_t src = off / 4;
        if (src == 0 || src >= p->num_sources) return;
        p->priority[src] = (uint32_t)val & PLIC_PRIORITY_MASK;
    } else if (off < PLIC_ENABLE_BASE) {
        return; /* pending bits are read-only */
    } else if (off < PLIC_CONTEXT_BASE) {
        uint64_t ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE, w = (off % PLIC_ENABLE_STRIDE) / 4;
        if (ctx >= p->num_contexts || w >= p->words) return;
        p->enable[ctx * p->words + w] = (uint32_t)val & valid_bits(p, (unsigned)w);
    } else {
        uint64_t ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE, reg = off % PLIC_CONTEXT_STRIDE;
        if (ctx >= p->num_contexts) return;
        if (reg == 0) p->threshold[ctx] = (uint32_t)val & PLIC_PRIORITY_MASK;
        else if (reg == 4) plic_complete(p, (unsigned)ctx, (uint32_t)val);
        else return;
    }
    plic_update(p);
}

const MemOps plic_mem_ops = {
    .read = plic_read,
    .write = plic_write,
    .min_size = 4,
    .max_size = 4,
};

int plic_fdt_node(VirtFdt *vf, uint64_t base, uint64_t size, unsigned num_sources) {
    int node = virt_fdt_node(vf, "/soc", "plic", base);
    vf->plic_phandle = virt_fdt_new_phandle(vf, node);
    /* The number of sources without source 0, i.e. the highest source id
     * (QEMU 7.2 writes 96 here, one too many; later QEMU writes
     * VIRT_IRQCHIP_NUM_SOURCES - 1 = 95). */
    virt_fdt_prop_u32(vf, node, "riscv,ndev", num_sources - 1);
    virt_fdt_prop_reg(vf, node, base, size);
    /* entry i is context i: M then S for each hart (plic_context) */
    virt_fdt_prop_hart_irqs(vf, node, IRQ_M_EXT, IRQ_S_EXT);
    virt_fdt_prop_empty(vf, node, "interrupt-controller");
    virt_fdt_prop_strlist(vf, node, "compatible", (const char *const[]){"sifive,plic-1.0.0", "riscv,plic0", NULL});
    virt_fdt_prop_u32(vf, node, "#address-cells", 0);
    virt_fdt_prop_u32(vf, node, "#interrupt-cells", 1);
    return vf->err;
}
