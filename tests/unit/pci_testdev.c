/* pci_testdev.c — two device types that exercise the kit in
 * tests/unit/pci_test.cc: "pci-testdev" (every property type, a 32-bit
 * MMIO BAR with 2..4-byte accesses, an I/O BAR, an optional 64-bit BAR)
 * and "pci-testdev-sub", a subtype that adds a property and wraps its
 * parent's realize (QEMU's parent_realize pattern).  Written in C because
 * the property macros check field types with _Generic. */
#include "tests/unit/pci_testdev.h"

#include <stdlib.h>
#include <string.h>

/* Test observation only: how often each hook ran (single-threaded tests). */
PciTestCounters pci_test_counters;

static uint64_t bar_read(void *opaque, uint64_t off, unsigned size, unsigned bar) {
    PciTestDev *s = opaque;
    s->last_bar = bar;
    s->last_off = off;
    s->last_size = size;
    s->reads++;
    return off < sizeof s->regs ? s->regs[off / 8] : 0x5a5a5a5a5a5a5a5aull;
}

static void bar_write(void *opaque, uint64_t off, uint64_t val, unsigned size, unsigned bar) {
    PciTestDev *s = opaque;
    s->last_bar = bar;
    s->last_off = off;
    s->last_size = size;
    s->last_val = val;
    s->writes++;
    if (off < sizeof s->regs) s->regs[off / 8] = val;
}

static uint64_t mmio_read(void *o, uint64_t off, unsigned size) { return bar_read(o, off, size, 0); }
static void mmio_write(void *o, uint64_t off, uint64_t val, unsigned size) { bar_write(o, off, val, size, 0); }
static uint64_t pio_read(void *o, uint64_t off, unsigned size) { return bar_read(o, off, size, 1); }
static void pio_write(void *o, uint64_t off, uint64_t val, unsigned size) { bar_write(o, off, val, size, 1); }
static uint64_t big_read(void *o, uint64_t off, unsigned size) { return bar_read(o, off, size, 2); }
static void big_write(void *o, uint64_t off, uint64_t val, unsigned size) { bar_write(o, off, val, size, 2); }

static const MemOps testdev_mmio_ops = {mmio_read, mmio_write, 2, 4};
static const MemOps testdev_pio_ops = {pio_read, pio_write, 1, 4};
static const MemOps testdev_big_ops = {big_read, big_write, 1, 8};

static bool testdev_realize(PciDevice *pci) {
    PciTestDev *s = PCI_STATE(pci, PciTestDev);
    pci_test_counters.realize++;
    s->scratch = malloc(64);
    if (s->fail) return pci_device_error(pci, "asked to fail (fail=on)");
    if (s->pin > PCIR_INTD) return pci_device_error(pci, "pin must be 0..4, not %u", s->pin);
    pci->config[PCIR_INTERRUPT_PIN] = s->pin;
    if (!pci_register_bar(pci, 0, PCI_BAR_MEM32, s->size, &testdev_mmio_ops, s)) return false;
    if (s->io && !pci_register_bar(pci, 1, PCI_BAR_IO, 16, &testdev_pio_ops, s)) return false;
    if (s->mem64 && !pci_register_bar(pci, 2, PCI_BAR_MEM64 | PCI_BAR_PREFETCH, s->mem64, &testdev_big_ops, s))
        return false;
    return true;
}

static void testdev_reset(PciDevice *pci) {
    PciTestDev *s = PCI_STATE(pci, PciTestDev);
    pci_test_counters.reset++;
    memset(s->regs, 0, sizeof s->regs);
}

static void testdev_exit(PciDevice *pci) {
    PciTestDev *s = PCI_STATE(pci, PciTestDev);
    pci_test_counters.exit++;
    free(s->scratch);
    s->scratch = NULL;
}

static void testdev_config_write(PciDevice *pci, unsigned reg, uint32_t val, unsigned size) {
    pci_test_counters.config_writes++;
}

static void testdev_class_init(PciDeviceClass *k) {
    k->desc = "kit test device";
    k->vendor_id = 0x1337;
    k->device_id = 0x7e57;
    k->class_id = 0x00ff;
    k->prog_if = 0x01;
    k->revision = 0x02;
    k->subsystem_vendor_id = 0x1337;
    k->subsystem_id = 0x0042;
    k->intx_pin = PCIR_INTA;
    k->realize = testdev_realize;
    k->reset = testdev_reset;
    k->exit = testdev_exit;
    k->config_write = testdev_config_write;
}

static const PciProperty testdev_props[] = {
    PCI_PROP_UINT32("size", PciTestDev, size, 0x1000, "BAR0 bytes"),
    PCI_PROP_BOOL("io", PciTestDev, io, true, "I/O BAR1 (16 bytes)"),
    PCI_PROP_UINT64("mem64", PciTestDev, mem64, 0, "64-bit BAR2 bytes (0: none)"),
    PCI_PROP_STRING("label", PciTestDev, label, "unnamed", "a string"),
    PCI_PROP_UINT8("pin", PciTestDev, pin, PCIR_INTA, "interrupt pin"),
    PCI_PROP_UINT16("tag", PciTestDev, tag, 7, "a 16-bit number"),
    PCI_PROP_UINT32_RANGE("ranged", PciTestDev, ranged, 10, 5, 20, "5..20"),
    PCI_PROP_BOOL("fail", PciTestDev, fail, false, "realize fails"),
    PCI_PROP_END,
};

static const PciTypeInfo testdev_type = {
    .name = PCI_TESTDEV,
    .parent = PCI_TYPE_DEVICE,
    .instance_size = sizeof(PciTestDev),
    .class_init = testdev_class_init,
    .props = testdev_props,
};
PCI_REGISTER_TYPE(testdev_type)

/* ---- the subtype ------------------------------------------------------------- */

static bool testdev_sub_realize(PciDevice *pci) {
    PciTestSubDev *s = PCI_STATE(pci, PciTestSubDev);
    pci_test_counters.sub_realize++;
    if (!testdev_realize(pci)) return false; /* the parent's realize first */
    s->parent.regs[0] = s->extra;
    return true;
}

static void testdev_sub_class_init(PciDeviceClass *k) {
    k->desc = "kit test subtype";
    k->device_id = 0x7e58; /* the rest inherited */
    k->realize = testdev_sub_realize;
}

static const PciProperty testdev_sub_props[] = {
    PCI_PROP_UINT64("extra", PciTestSubDev, extra, 0xabcdef, "put in regs[0]"),
    PCI_PROP_END,
};

static const PciTypeInfo testdev_sub_type = {
    .name = PCI_TESTDEV_SUB,
    .parent = PCI_TESTDEV,
    .instance_size = sizeof(PciTestSubDev),
    .class_init = testdev_sub_class_init,
    .props = testdev_sub_props,
};
PCI_REGISTER_TYPE(testdev_sub_type)

/* An abstract type: listed nowhere, never created. */
static const PciTypeInfo testdev_abstract_type = {
    .name = "pci-testdev-abstract",
    .parent = PCI_TYPE_DEVICE,
    .instance_size = sizeof(PciDevice),
    .abstract = true,
};
PCI_REGISTER_TYPE(testdev_abstract_type)
