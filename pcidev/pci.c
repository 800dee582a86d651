/* pci.c — the PCI bus and the device half of the kit (see pci.h): creating
 * devices from specs, the type-0 config header with BAR sizing, BAR
 * decoding for the host's memory and I/O windows, INTx, bus-master DMA.
 *
 * Config space is three byte arrays per device: the values, the bits a
 * write may change (wmask) and the bits a written 1 clears (w1cmask).
 * BAR sizing then needs no special case: the address bits below the BAR's
 * size are not writable, so writing all ones reads back ~(size - 1) | kind.
 *
 *   config write ─▶ bytes through wmask / w1cmask
 *                ─▶ touched COMMAND or a BAR?  recompute every BAR's decoded
 *                   address (bar_address: decoding enabled, not 0, no wrap)
 *                ─▶ touched INTX_DISABLE?      re-evaluate the INTx pin
 *   window access at bus address A ─▶ first mapped BAR of that space holding
 *                   A..A+size-1, size within its MemOps ─▶ ops; else ~0
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pcidev/pci_internal.h"

static uint64_t all_ones(unsigned size) { return size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1; }

static uint32_t cfg_get(const PciDevice *d, unsigned reg, unsigned size) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) v |= (uint32_t)d->config[reg + i] << (8 * i);
    return v;
}

static void cfg_set(uint8_t *a, unsigned reg, uint32_t v, unsigned size) {
    for (unsigned i = 0; i < size; i++) a[reg + i] = (uint8_t)(v >> (8 * i));
}

static uint16_t command(const PciDevice *d) { return (uint16_t)cfg_get(d, PCIR_COMMAND, 2); }

/* Is BAR n the upper half of a 64-bit BAR? */
static bool bar_is_upper(const PciDevice *d, unsigned n) {
    return n > 0 && d->bars[n - 1].size && (d->bars[n - 1].kind & PCI_BAR_MEM64);
}

/* ---- BAR decoding ---------------------------------------------------------- */

/* Where BAR n decodes now (QEMU's rules: decoding enabled in COMMAND; a
 * memory BAR at 0 is off; nothing may wrap past the end of its space). */
static uint64_t bar_address(const PciDevice *d, unsigned n) {
    const PciBar *b = &d->bars[n];
    uint16_t cmd = command(d);
    uint64_t addr;
    if (b->kind & PCI_BAR_IO) {
        if (!(cmd & PCIR_COMMAND_IO)) return PCI_BAR_UNMAPPED;
        addr = cfg_get(d, PCIR_BAR(n), 4) & PCIR_BAR_IO_MASK & 0xffffffffull;
        if (addr + b->size - 1 > UINT32_MAX) return PCI_BAR_UNMAPPED;
        return addr;
    }
    if (!(cmd & PCIR_COMMAND_MEMORY)) return PCI_BAR_UNMAPPED;
    addr = cfg_get(d, PCIR_BAR(n), 4) & PCIR_BAR_MEM_MASK & 0xffffffffull;
    if (b->kind & PCI_BAR_MEM64) addr |= (uint64_t)cfg_get(d, PCIR_BAR(n + 1), 4) << 32;
    if (addr == 0 || addr > UINT64_MAX - (b->size - 1) || addr + (b->size - 1) == UINT64_MAX) return PCI_BAR_UNMAPPED;
    return addr;
}

static void update_mappings(PciDevice *d) {
    for (unsigned n = 0; n < PCIR_NUM_BARS; n++)
        if (d->bars[n].size) d->bars[n].addr = bar_address(d, n);
}

/* ---- INTx ------------------------------------------------------------------ */

static void update_irq(PciDevice *d) {
    uint8_t pin = d->config[PCIR_INTERRUPT_PIN];
    bool asserted = d->irq_level && pin && d->bus && !(command(d) & PCIR_COMMAND_INTX_DISABLE);
    if (asserted == d->irq_asserted) return;
    d->irq_asserted = asserted;
    PciBus *bus = d->bus;
    unsigned line = pci_intx_line(d->slot, pin);
    unsigned before = bus->intx_count[line];
    bus->intx_count[line] = asserted ? before + 1 : before - 1;
    if ((before == 0) != (bus->intx_count[line] == 0)) irq_set(&bus->intx[line], bus->intx_count[line] != 0);
}

void pci_set_irq(PciDevice *d, bool level) {
    d->irq_level = level;
    uint8_t st = d->config[PCIR_STATUS];
    d->config[PCIR_STATUS] = level ? st | PCIR_STATUS_INTERRUPT : st & ~PCIR_STATUS_INTERRUPT;
    update_irq(d);
}

/* ---- config space ---------------------------------------------------------- */

static void config_init(PciDevice *d) {
    const PciDeviceClass *k = &d->cls;
    memset(d->config, 0, sizeof d->config);
    memset(d->wmask, 0, sizeof d->wmask);
    memset(d->w1cmask, 0, sizeof d->w1cmask);
    cfg_set(d->config, PCIR_VENDOR_ID, k->vendor_id, 2);
    cfg_set(d->config, PCIR_DEVICE_ID, k->device_id, 2);
    d->config[PCIR_REVISION_ID] = k->revision;
    d->config[PCIR_CLASS_PROG] = k->prog_if;
    cfg_set(d->config, PCIR_CLASS_DEVICE, k->class_id, 2);
    d->config[PCIR_HEADER_TYPE] = PCIR_HEADER_TYPE_NORMAL;
    cfg_set(d->config, PCIR_SUBSYSTEM_VENDOR_ID, k->subsystem_vendor_id, 2);
    cfg_set(d->config, PCIR_SUBSYSTEM_ID, k->subsystem_id, 2);
    d->config[PCIR_INTERRUPT_PIN] = k->intx_pin <= PCIR_INTD ? k->intx_pin : 0;
    cfg_set(d->wmask, PCIR_COMMAND,
            PCIR_COMMAND_IO | PCIR_COMMAND_MEMORY | PCIR_COMMAND_MASTER | PCIR_COMMAND_PARITY | PCIR_COMMAND_SERR |
                PCIR_COMMAND_INTX_DISABLE,
            2);
    cfg_set(d->w1cmask, PCIR_STATUS, PCIR_STATUS_W1C, 2);
    d->wmask[PCIR_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCIR_LATENCY_TIMER] = 0xff;
    d->wmask[PCIR_INTERRUPT_LINE] = 0xff;
}

/* Power-on values of the writable registers (the wmask'ed bits). */
static void config_reset(PciDevice *d) {
    for (unsigned i = 0; i < PCIR_CONFIG_SIZE; i++) d->config[i] &= (uint8_t)~d->wmask[i];
    cfg_set(d->config, PCIR_STATUS, 0, 2);
    update_mappings(d);
}

uint32_t pci_config_read(PciDevice *d, unsigned reg, unsigned size) {
    if ((size != 1 && size != 2 && size != 4) || reg % size || reg >= PCIR_ECAM_FUNC_SIZE) return (uint32_t)all_ones(size);
    if (reg >= PCIR_CONFIG_SIZE) return 0; /* extended space of a conventional function */
    return cfg_get(d, reg, size);
}

static bool overlaps(unsigned reg, unsigned size, unsigned lo, unsigned hi) { return reg < hi && reg + size > lo; }

void pci_config_write(PciDevice *d, unsigned reg, uint32_t val, unsigned size) {
    if ((size != 1 && size != 2 && size != 4) || reg % size || reg >= PCIR_CONFIG_SIZE) return;
    uint16_t old_cmd = command(d);
    for (unsigned i = 0; i < size; i++) {
        uint8_t b = (uint8_t)(val >> (8 * i)), wm = d->wmask[reg + i], w1c = d->w1cmask[reg + i];
        uint8_t c = (uint8_t)((d->config[reg + i] & ~wm) | (b & wm));
        d->config[reg + i] = (uint8_t)(c & ~(b & w1c));
    }
    if (overlaps(reg, size, PCIR_COMMAND, PCIR_COMMAND + 2) || overlaps(reg, size, PCIR_BAR0, PCIR_BAR(PCIR_NUM_BARS)))
        update_mappings(d);
    if ((old_cmd ^ command(d)) & PCIR_COMMAND_INTX_DISABLE) update_irq(d);
    if (d->cls.config_write) d->cls.config_write(d, reg, val, size);
}

/* ---- BARs, errors, DMA ----------------------------------------------------- */

bool pci_device_error(PciDevice *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->error, sizeof d->error, fmt, ap);
    va_end(ap);
    return false;
}

static bool is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

bool pci_register_bar(PciDevice *d, unsigned n, unsigned kind, uint64_t size, const MemOps *ops, void *opaque) {
    bool io = kind & PCI_BAR_IO, is64 = kind & PCI_BAR_MEM64;
    if (n >= PCIR_NUM_BARS || (is64 && n + 1 >= PCIR_NUM_BARS))
        return pci_device_error(d, "BAR %u: no such BAR slot%s", n, is64 ? " (a 64-bit BAR takes two)" : "");
    if (kind & ~(unsigned)(PCI_BAR_IO | PCI_BAR_MEM64 | PCI_BAR_PREFETCH) || (io && kind != PCI_BAR_IO))
        return pci_device_error(d, "BAR %u: bad kind 0x%x", n, kind);
    if (d->bars[n].size || bar_is_upper(d, n) || (is64 && d->bars[n + 1].size))
        return pci_device_error(d, "BAR %u: registered twice", n);
    uint64_t min = io ? 4 : 16, max = is64 ? 1ull << 63 : 1ull << 31;
    if (!is_pow2(size) || size < min || size > max)
        return pci_device_error(d, "BAR %u: size 0x%" PRIx64 " must be a power of two from %" PRIu64 " to 0x%" PRIx64,
                                n, size, min, max);
    if (!ops || !ops->read || !ops->write || ops->min_size < 1 || ops->max_size < ops->min_size || ops->max_size > 8)
        return pci_device_error(d, "BAR %u: MemOps need read, write and sizes 1 <= min <= max <= 8", n);
    PciBar *b = &d->bars[n];
    b->size = size;
    b->kind = (uint8_t)kind;
    b->ops = ops;
    b->opaque = opaque;
    b->addr = PCI_BAR_UNMAPPED;
    uint64_t addr_mask = ~(size - 1);
    cfg_set(d->config, PCIR_BAR(n), kind, 4);
    cfg_set(d->wmask, PCIR_BAR(n), (uint32_t)(addr_mask & (io ? PCIR_BAR_IO_MASK : PCIR_BAR_MEM_MASK)), 4);
    if (is64) cfg_set(d->wmask, PCIR_BAR(n + 1), (uint32_t)(addr_mask >> 32), 4);
    return true;
}

static void dev_name(const PciDevice *d, char *buf, size_t len) {
    snprintf(buf, len, "%02x:%02x.0 %s", 0, d->slot, d->cls.type ? d->cls.type->name : "?");
}

void pci_guest_error(PciDevice *d, const char *fmt, ...) {
    if (!d->bus || !d->bus->log) return;
    char name[64];
    dev_name(d, name, sizeof name);
    va_list ap;
    va_start(ap, fmt);
    fprintf(d->bus->log, "pci %s: ", name);
    vfprintf(d->bus->log, fmt, ap);
    fputc('\n', d->bus->log);
    va_end(ap);
}

static MemTx dma_rw(PciDevice *d, uint64_t addr, void *buf, size_t len, bool to_memory) {
    const char *what = to_memory ? "write" : "read";
    if (!d->bus || !d->bus->dma_as || !(command(d) & PCIR_COMMAND_MASTER)) {
        pci_guest_error(d, "DMA %s of %zu bytes at 0x%" PRIx64 " with bus mastering off", what, len, addr);
    } else if (len == 0 || as_rw(d->bus->dma_as, addr, buf, len, to_memory) == MEMTX_OK) {
        return MEMTX_OK;
    } else {
        pci_guest_error(d, "DMA %s of %zu bytes at 0x%" PRIx64 " is not all RAM", what, len, addr);
    }
    cfg_set(d->config, PCIR_STATUS, cfg_get(d, PCIR_STATUS, 2) | PCIR_STATUS_REC_MASTER_ABORT, 2);
    return MEMTX_ERROR;
}

MemTx pci_dma_read(PciDevice *d, uint64_t addr, void *buf, size_t len) { return dma_rw(d, addr, buf, len, false); }

MemTx pci_dma_write(PciDevice *d, uint64_t addr, const void *buf, size_t len) {
    return dma_rw(d, addr, (void *)buf, len, true); /* as_rw only reads buf when writing memory */
}

/* ---- creation ---------------------------------------------------------------- */

static void device_reset(PciDevice *d) {
    pci_set_irq(d, false);
    config_reset(d);
    if (d->cls.reset) d->cls.reset(d);
}

static PciDevice *create(PciBus *bus, const char *spec, bool board, char *err, size_t err_len) {
    PciSpec s;
    if (!pci_spec_parse(spec, board, &s, err, err_len)) return NULL;
    const char *name = s.type->name;
    int slot = s.slot;
    if (slot >= 0 && bus->slots[slot]) {
        snprintf(err, err_len, "%s: PCI slot %02x is already taken by %s", name, slot, bus->slots[slot]->cls.type->name);
        pci_spec_free(&s);
        return NULL;
    }
    for (unsigned i = 0; slot < 0 && i < PCI_SLOTS; i++)
        if (!bus->slots[i]) slot = (int)i;
    if (slot < 0) {
        snprintf(err, err_len, "%s: no free PCI slot (%d in use)", name, PCI_SLOTS);
        pci_spec_free(&s);
        return NULL;
    }
    PciDevice *d = calloc(1, s.type->instance_size);
    if (!d || !pci_type_class(name, &d->cls, err, err_len)) {
        if (!d) snprintf(err, err_len, "%s: out of memory", name);
        free(d);
        pci_spec_free(&s);
        return NULL;
    }
    d->slot = (uint8_t)slot;
    pci_props_apply(&s, d);
    config_init(d);
    for (unsigned n = 0; n < PCIR_NUM_BARS; n++) d->bars[n].addr = PCI_BAR_UNMAPPED;
    if (d->cls.realize && !d->cls.realize(d)) {
        snprintf(err, err_len, "%s: %s", name, d->error[0] ? d->error : "realize failed");
        if (d->cls.exit) d->cls.exit(d);
        pci_props_release(s.chain, s.depth, d);
        free(d);
        pci_spec_free(&s);
        return NULL;
    }
    pci_spec_free(&s);
    d->bus = bus;
    bus->slots[slot] = d;
    device_reset(d);
    return d;
}

PciDevice *pci_device_create(PciBus *bus, const char *spec, char *err, size_t err_len) {
    return create(bus, spec, false, err, err_len);
}

PciDevice *pci_device_create_board(PciBus *bus, const char *spec, char *err, size_t err_len) {
    return create(bus, spec, true, err, err_len);
}

void pci_device_destroy(PciDevice *d) {
    if (!d) return;
    pci_set_irq(d, false);
    if (d->bus && d->bus->slots[d->slot] == d) d->bus->slots[d->slot] = NULL;
    d->bus = NULL;
    if (d->cls.exit) d->cls.exit(d);
    const PciTypeInfo *chain[PCI_TYPE_MAX_DEPTH];
    unsigned depth = 0;
    for (const PciTypeInfo *t = d->cls.type; t && depth < PCI_TYPE_MAX_DEPTH; t = t->parent ? pci_type_find(t->parent) : NULL)
        chain[depth++] = t;
    pci_props_release(chain, depth, d);
    free(d);
}

/* ---- the bus ----------------------------------------------------------------- */

void pci_bus_init(PciBus *bus, AddressSpace *dma_as) {
    memset(bus, 0, sizeof *bus);
    bus->dma_as = dma_as;
}

void pci_bus_destroy(PciBus *bus) {
    for (unsigned s = 0; s < PCI_SLOTS; s++) pci_device_destroy(bus->slots[s]);
}

void pci_bus_reset(PciBus *bus) {
    for (unsigned s = 0; s < PCI_SLOTS; s++)
        if (bus->slots[s]) device_reset(bus->slots[s]);
}

void pci_bus_connect_intx(PciBus *bus, unsigned i, IrqLine line) {
    if (i < 4) bus->intx[i] = line;
}

static PciDevice *devfn_device(PciBus *bus, unsigned devfn) {
    if (devfn >= PCI_SLOTS * 8 || (devfn & 7)) return NULL; /* function 0 only */
    return bus->slots[devfn >> 3];
}

uint32_t pci_bus_config_read(PciBus *bus, unsigned devfn, unsigned reg, unsigned size) {
    PciDevice *d = devfn_device(bus, devfn);
    return d ? pci_config_read(d, reg, size) : (uint32_t)all_ones(size);
}

void pci_bus_config_write(PciBus *bus, unsigned devfn, unsigned reg, uint32_t val, unsigned size) {
    PciDevice *d = devfn_device(bus, devfn);
    if (d) pci_config_write(d, reg, val, size);
}

/* The BAR decoding [addr, addr+size) in `space`, if any. */
static const PciBar *decode(PciBus *bus, PciSpace space, uint64_t addr, unsigned size, uint64_t *offset) {
    for (unsigned s = 0; s < PCI_SLOTS; s++) {
        PciDevice *d = bus->slots[s];
        if (!d) continue;
        for (unsigned n = 0; n < PCIR_NUM_BARS; n++) {
            const PciBar *b = &d->bars[n];
            if (!b->size || b->addr == PCI_BAR_UNMAPPED || ((b->kind & PCI_BAR_IO) != 0) != (space == PCI_SPACE_IO))
                continue;
            if (addr < b->addr || addr - b->addr >= b->size) continue;
            uint64_t off = addr - b->addr;
            if (size > b->size - off || size < b->ops->min_size || size > b->ops->max_size) return NULL;
            *offset = off;
            return b;
        }
    }
    return NULL;
}

uint64_t pci_bus_read(PciBus *bus, PciSpace space, uint64_t addr, unsigned size) {
    uint64_t off;
    const PciBar *b = decode(bus, space, addr, size, &off);
    if (!b) return all_ones(size);
    return b->ops->read(b->opaque, off, size) & all_ones(size);
}

void pci_bus_write(PciBus *bus, PciSpace space, uint64_t addr, uint64_t val, unsigned size) {
    uint64_t off;
    const PciBar *b = decode(bus, space, addr, size, &off);
    if (b) b->ops->write(b->opaque, off, val & all_ones(size), size);
}
