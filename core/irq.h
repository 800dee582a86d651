/* irq.h — interrupt lines between devices, interrupt controllers and CPUs.
 *
 * An IrqLine is the input pin of whatever it is wired to: the owner of the
 * pin (a PLIC source, a hart's MEIP bit) provides the handler and its
 * number; the device holding the line only calls irq_set.  Lines are
 * level-triggered; an unwired line (handler NULL) is silently ignored.
 *
 *   uart ──IrqLine{plic_set_source, plic, 10}──▶ PLIC ──IrqLine{rv_set_mip, hart, MEIP}──▶ hart
 */
#ifndef VPLAT_CORE_IRQ_H
#define VPLAT_CORE_IRQ_H

typedef void (*IrqHandler)(void *opaque, int n, int level);

typedef struct IrqLine {
    IrqHandler handler;
    void *opaque;
    int n;
} IrqLine;

static inline IrqLine irq_line(IrqHandler handler, void *opaque, int n) {
    IrqLine l = {handler, opaque, n};
    return l;
}

static inline void irq_set(const IrqLine *line, int level) {
    if (line->handler) line->handler(line->opaque, line->n, level);
}

#endif
