/* clint.c — the CLINT (see clint.h): msip, mtimecmp and mtime registers,
 * MTIP as the level mtime >= mtimecmp, the next timer deadline for the
 * board's sleep, and the device-tree node.  Lines are driven only when
 * their level changes.
 */
#include "machine/virt/clint.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

/* Interrupt numbers in mip/mie (privileged spec), as the device tree names
 * them to the hart's riscv,cpu-intc. */
#define IRQ_M_SOFT 3
#define IRQ_M_TIMER 7

static void drive(const IrqLine *line, bool *state, bool level) {
    if (*state != level) {
        *state = level;
        irq_set(line, level);
    }
}

uint64_t clint_mtime(const Clint *c) { return c->now(c->now_opaque) + c->mtime_offset; }

static void update_hart(ClintHart *h, uint64_t mtime) { drive(&h->mtip_line, &h->mtip, mtime >= h->mtimecmp); }

void clint_update(Clint *c) {
    uint64_t t = clint_mtime(c);
    for (unsigned i = 0; i < c->num_harts; i++) update_hart(&c->harts[i], t);
}

uint64_t clint_next_deadline(const Clint *c) {
    uint64_t now = c->now(c->now_opaque), t = now + c->mtime_offset;
    uint64_t best = UINT64_MAX;
    for (unsigned i = 0; i < c->num_harts; i++) {
        uint64_t cmp = c->harts[i].mtimecmp;
        if (cmp > t && cmp - t < best) best = cmp - t;
    }
    if (best == UINT64_MAX || now > UINT64_MAX - best) return UINT64_MAX;
    return now + best;
}

bool clint_init(Clint *c, unsigned num_harts, ClintNowFn now, void *now_opaque) {
    memset(c, 0, sizeof *c);
    if (num_harts == 0 || num_harts > CLINT_MAX_HARTS || !now) return false;
    c->harts = calloc(num_harts, sizeof *c->harts);
    if (!c->harts) return false;
    c->num_harts = num_harts;
    c->now = now;
    c->now_opaque = now_opaque;
    clint_reset(c);
    return true;
}

void clint_destroy(Clint *c) {
    free(c->harts);
    c->harts = NULL;
    c->num_harts = 0;
}

void clint_connect(Clint *c, unsigned hart, IrqLine msip, IrqLine mtip) {
    if (hart >= c->num_harts) return;
    c->harts[hart].msip_line = msip;
    c->harts[hart].mtip_line = mtip;
}

void clint_reset(Clint *c) {
    c->mtime_offset = -c->now(c->now_opaque);
    for (unsigned i = 0; i < c->num_harts; i++) {
        ClintHart *h = &c->harts[i];
        h->mtimecmp = 0;   /* like QEMU 7.2: MTIP pending out of reset (clint.h) */
        h->msip = h->mtip = false;
        irq_set(&h->msip_line, 0);
        irq_set(&h->mtip_line, 0);
        update_hart(h, 0);
    }
}

/* Replace bits [shift, shift + 8*size) of *reg with val. */
static uint64_t merge(uint64_t reg, uint64_t val, unsigned shift, unsigned size) {
    uint64_t mask = size == 8 ? UINT64_MAX : ((1ull << (8 * size)) - 1) << shift;
    return (reg & ~mask) | ((val << shift) & mask);
}

static uint64_t clint_read(void *opaque, uint64_t off, unsigned size) {
    Clint *c = opaque;
    if (off % size) return 0;
    if (off < CLINT_MTIMECMP_BASE) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size / 4; i++) {
            uint64_t hart = off / 4 + i;
            if (hart < c->num_harts) v |= (uint64_t)c->harts[hart].msip << (32 * i);
        }
        return v;
    }
    if (off < CLINT_MTIME) {
        uint64_t hart = (off - CLINT_MTIMECMP_BASE) / 8;
        if (hart >= c->num_harts) return 0;
        return c->harts[hart].mtimecmp >> (8 * (off % 8));
    }
    if (off - CLINT_MTIME >= 8) return 0;
    return clint_mtime(c) >> (8 * (off - CLINT_MTIME));
}

static void clint_write(void *opaque, uint64_t off, uint64_t val, unsigned size) {
    Clint *c = opaque;
    if (off % size) return;
    if (off < CLINT_MTIMECMP_BASE) {
        for (unsigned i = 0; i < size / 4; i++) {
            uint64_t hart = off / 4 + i;
            if (hart >= c->num_harts) continue;
            ClintHart *h = &c->harts[hart];
            drive(&h->msip_line, &h->msip, (val >> (32 * i)) & 1);
        }
        return;
    }
    if (off < CLINT_MTIME) {
        uint64_t hart = (off - CLINT_MTIMECMP_BASE) / 8;
        if (hart >= c->num_harts) return;
        ClintHart *h = &c->harts[hart];
        h->mtimecmp = merge(h->mtimecmp, val, 8 * (off % 8), size);
        update_hart(h, clint_mtime(c));
        return;
    }
    if (off - CLINT_MTIME >= 8) return;
    uint64_t mtime = merge(clint_mtime(c), val, 8 * (off - CLINT_MTIME), size);
    c->mtime_offset = mtime - c->now(c->now_opaque);
    clint_update(c);
}

const MemOps clint_mem_ops = {
    .read = clint_read,
    .write = clint_write,
    .min_size = 4,
    .max_size = 8,
};

int clint_fdt_node(VirtFdt *vf, uint64_t base, uint64_t size) {
    int node = virt_fdt_node(vf, "/soc", "clint", base);
    virt_fdt_prop_hart_irqs(vf, node, IRQ_M_SOFT, IRQ_M_TIMER);
    virt_fdt_prop_reg(vf, node, base, size);
    virt_fdt_prop_strlist(vf, node, "compatible", (const char *const[]){"sifive,clint0", "riscv,clint0", NULL});
    return vf->err;
}
