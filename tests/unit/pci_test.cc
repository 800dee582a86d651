// pci_test.cc — the PCI device kit (pcidev/) without a guest, driven the
// way a guest reaches it: a virt-board address space with RAM, the PLIC and
// the PCIe host at QEMU's addresses (machine/virt/virt_pci.c), config
// cycles through ECAM, BAR accesses through the MMIO/PIO windows, IRQs
// seen at the PLIC's inputs.  The device under test is pci-testdev
// (tests/unit/pci_testdev.c); newdev has its own suite (newdev_test.cc).
//
// Expected values come from the PCI Local Bus spec 3.0 (type-0 header,
// BAR sizing, command/status bits) and QEMU 7.2's virt board (ECAM layout,
// interrupt swizzle, gpex host bridge ids).
#include <gtest/gtest.h>
#include <libfdt.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/unit/vplat_c.h"
#include "tests/unit/pci_board.h"
#include "tests/unit/pci_testdev.h"

namespace {

// ---- IRQ probe ---------------------------------------------------------------

struct Lines {
    int level[4] = {};
    int rises[4] = {};
};

void line_handler(void *opaque, int n, int level) {
    Lines *l = static_cast<Lines *>(opaque);
    if (level && !l->level[n]) l->rises[n]++;
    l->level[n] = level ? 1 : 0;
}

// A bare bus with recorded INTx lines and RAM for DMA.
struct Bus {
    AddressSpace as;
    PciBus bus;
    Lines lines;
    Bus() {
        as_init(&as);
        EXPECT_NE(as_add_ram(&as, "ram", VIRT_DRAM_BASE, kRam, false), nullptr);
        pci_bus_init(&bus, &as);
        for (unsigned i = 0; i < 4; i++) pci_bus_connect_intx(&bus, i, irq_line(line_handler, &lines, (int)i));
    }
    ~Bus() {
        pci_bus_destroy(&bus);
        as_destroy(&as);
    }
    PciDevice *add(const std::string &spec) {
        char err[256] = "";
        PciDevice *d = pci_device_create(&bus, spec.c_str(), err, sizeof err);
        EXPECT_NE(d, nullptr) << spec << ": " << err;
        return d;
    }
    std::string refuse(const std::string &spec) {
        char err[256] = "";
        PciDevice *d = pci_device_create(&bus, spec.c_str(), err, sizeof err);
        EXPECT_EQ(d, nullptr) << spec;
        return err;
    }
};

PciTestDev *testdev(PciDevice *d) { return PCI_STATE(d, PciTestDev); }

// ---- registry and specs ---------------------------------------------------------

TEST(PciTypes, RegistryListsCreatableTypesSorted) {
    ASSERT_NE(pci_type_find(PCI_TESTDEV), nullptr);
    ASSERT_NE(pci_type_find(PCI_TYPE_DEVICE), nullptr);
    const PciTypeInfo *host = pci_type_find(PCI_TYPE_HOST_BRIDGE);
    ASSERT_NE(host, nullptr);
    EXPECT_TRUE(host->board_only);
    EXPECT_EQ(pci_type_find("no-such-device"), nullptr);
    for (unsigned i = 1; i < pci_type_count(); i++)
        EXPECT_LT(strcmp(pci_type_at(i - 1)->name, pci_type_at(i)->name), 0);
    EXPECT_EQ(pci_type_at(pci_type_count()), nullptr);

    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pci_print_types(f);
    fclose(f);
    std::string out(buf, len);
    free(buf);
    EXPECT_NE(out.find("pci-testdev "), std::string::npos) << out;
    EXPECT_NE(out.find("kit test device (1337:7e57, class 00ff)"), std::string::npos) << out;
    EXPECT_EQ(out.find(PCI_TYPE_HOST_BRIDGE), std::string::npos) << out;   // board only
    EXPECT_EQ(out.find("pci-testdev-abstract"), std::string::npos) << out; // abstract
    EXPECT_EQ(out.find(" " PCI_TYPE_DEVICE " "), std::string::npos) << out;
}

TEST(PciTypes, HelpListsInheritedPropertiesWithDefaults) {
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    EXPECT_TRUE(pci_print_type_help(f, PCI_TESTDEV_SUB));
    EXPECT_FALSE(pci_print_type_help(f, "no-such-device"));
    EXPECT_FALSE(pci_print_type_help(f, PCI_TYPE_HOST_BRIDGE));
    fclose(f);
    std::string out(buf, len);
    free(buf);
    for (const char *want : {"kit test subtype (1337:7e58, class 00ff)", "addr=<slot>", "extra=<uint64>",
                             "size=<uint32>", "(default 4096)", "io=<bool>", "(default on)", "label=<string>",
                             "(default \"unnamed\")", "pin=<uint8>", "tag=<uint16>"})
        EXPECT_NE(out.find(want), std::string::npos) << want << " in\n" << out;
}

TEST(PciTypes, ClassInitRunsRootFirst) {
    PciDeviceClass k;
    char err[160];
    ASSERT_TRUE(pci_type_class(PCI_TESTDEV_SUB, &k, err, sizeof err)) << err;
    EXPECT_EQ(k.vendor_id, 0x1337);   // from the parent
    EXPECT_EQ(k.device_id, 0x7e58);   // overridden
    EXPECT_STREQ(k.desc, "kit test subtype");
    EXPECT_EQ(k.type, pci_type_find(PCI_TESTDEV_SUB));
    EXPECT_FALSE(pci_type_class("nope", &k, err, sizeof err));
    EXPECT_NE(std::string(err).find("unknown PCI device type 'nope'"), std::string::npos);
}

TEST(PciSpecs, GoodSpecsPass) {
    char err[256];
    for (const char *spec : {"pci-testdev", "pci-testdev,size=0x2000,io=off,label=hi,addr=3", "pci-testdev,addr=1f",
                             "pci-testdev,addr=02.0", "pci-testdev,io=yes,fail=false,tag=65535,ranged=20",
                             "pci-testdev,label=", "pci-testdev-sub,extra=18446744073709551615,size=64"})
        EXPECT_TRUE(pci_device_check_spec(spec, err, sizeof err)) << spec << ": " << err;
}

TEST(PciSpecs, BadSpecsSayWhy) {
    struct Case {
        const char *spec, *why;
    } cases[] = {
        {"", "needs a device name"},
        {"nosuch", "unknown PCI device 'nosuch' (-device help lists them)"},
        {"pci-device", "unknown PCI device 'pci-device'"},
        {"pci-testdev-abstract", "unknown PCI device"},
        {PCI_TYPE_HOST_BRIDGE, "part of the board"},
        {"pci-testdev,bogus=1", "no property 'bogus' (-device pci-testdev,help lists them)"},
        {"pci-testdev,size=abc", "property 'size' is a uint32, not 'abc'"},
        {"pci-testdev,size=", "property 'size' is a uint32, not ''"},
        {"pci-testdev,size=-1", "is a uint32"},
        {"pci-testdev,size=0x100000000", "must be 0..4294967295"},
        {"pci-testdev,pin=256", "must be 0..255"},
        {"pci-testdev,tag=65536", "must be 0..65535"},
        {"pci-testdev,ranged=4", "must be 5..20, not '4'"},
        {"pci-testdev,ranged=21", "must be 5..20"},
        {"pci-testdev,mem64=99999999999999999999", "is a uint64"},
        {"pci-testdev,io=maybe", "property 'io' is a bool (on/off), not 'maybe'"},
        {"pci-testdev,io", "property 'io' needs a value (io=VALUE)"},
        {"pci-testdev,,io=on", "empty property"},
        {"pci-testdev,size=64,size=128", "property 'size' given twice"},
        {"pci-testdev,addr=20", "addr must be a slot 0..1f"},
        {"pci-testdev,addr=zz", "addr must be a slot"},
        {"pci-testdev,addr=1.1", "addr must be a slot"},
        {"pci-testdev,addr=-1", "addr must be a slot"},
        {"pci-testdev,addr=1,addr=2", "given twice"},
        {"pci-testdev-sub,extra=x", "property 'extra' is a uint64"},
    };
    for (const Case &c : cases) {
        char err[256] = "";
        EXPECT_FALSE(pci_device_check_spec(c.spec, err, sizeof err)) << c.spec;
        EXPECT_NE(std::string(err).find(c.why), std::string::npos) << c.spec << ": got '" << err << "'";
    }
}

// ---- creation, properties, hooks ---------------------------------------------------

TEST(PciDevices, PropertiesGetDefaultsThenValues) {
    Bus b;
    PciTestDev *a = testdev(b.add("pci-testdev"));
    EXPECT_EQ(a->size, 0x1000u);
    EXPECT_TRUE(a->io);
    EXPECT_EQ(a->mem64, 0u);
    EXPECT_STREQ(a->label, "unnamed");
    EXPECT_EQ(a->pin, PCIR_INTA);
    EXPECT_EQ(a->tag, 7);
    EXPECT_EQ(a->ranged, 10u);
    PciTestDev *c = testdev(b.add("pci-testdev,size=0x2000,io=off,label=hello world,tag=0x10,mem64=0x200000000"));
    EXPECT_EQ(c->size, 0x2000u);
    EXPECT_FALSE(c->io);
    EXPECT_EQ(c->mem64, 0x200000000ull);
    EXPECT_STREQ(c->label, "hello world");
    EXPECT_EQ(c->tag, 0x10);
    PciTestSubDev *s = PCI_STATE(b.add("pci-testdev-sub,extra=5,size=64"), PciTestSubDev);
    EXPECT_EQ(s->extra, 5u);
    EXPECT_EQ(s->parent.size, 64u);
    EXPECT_EQ(s->parent.regs[0], 0u);  // reset after realize cleared what realize put there
    EXPECT_EQ(s->parent.pci.config[PCIR_DEVICE_ID], 0x58);
}

TEST(PciDevices, SlotsAutoAndExplicit) {
    Bus b;
    EXPECT_EQ(b.add("pci-testdev")->slot, 0);
    EXPECT_EQ(b.add("pci-testdev,addr=5")->slot, 5);
    EXPECT_EQ(b.add("pci-testdev")->slot, 1);
    std::string err = b.refuse("pci-testdev,addr=05");
    EXPECT_NE(err.find("PCI slot 05 is already taken by pci-testdev"), std::string::npos) << err;
    for (unsigned i = 3; i < PCI_SLOTS; i++) b.add("pci-testdev,io=off");
    err = b.refuse("pci-testdev");
    EXPECT_NE(err.find("no free PCI slot"), std::string::npos) << err;
}

TEST(PciDevices, HooksRunAndFailedRealizeCleansUp) {
    PciTestCounters before = pci_test_counters;
    {
        Bus b;
        b.add("pci-testdev");
        EXPECT_EQ(pci_test_counters.realize, before.realize + 1);
        EXPECT_EQ(pci_test_counters.reset, before.reset + 1);
        std::string err = b.refuse("pci-testdev,fail=on,label=x");
        EXPECT_EQ(err, "pci-testdev: asked to fail (fail=on)");
        EXPECT_EQ(pci_test_counters.exit, before.exit + 1);  // exit frees scratch after a failed realize
        err = b.refuse("pci-testdev,pin=5");
        EXPECT_EQ(err, "pci-testdev: pin must be 0..4, not 5");
        err = b.refuse("pci-testdev,size=100");
        EXPECT_NE(err.find("BAR 0: size 0x64 must be a power of two from 16 to 0x80000000"), std::string::npos) << err;
        err = b.refuse("pci-testdev,size=8");
        EXPECT_NE(err.find("must be a power of two"), std::string::npos) << err;
        err = b.refuse("pci-testdev,mem64=0x1001");
        EXPECT_NE(err.find("BAR 2"), std::string::npos) << err;
        EXPECT_EQ(b.bus.slots[1], nullptr);
        pci_bus_reset(&b.bus);
        EXPECT_EQ(pci_test_counters.reset, before.reset + 2);
    }
    EXPECT_EQ(pci_test_counters.exit, before.exit + 6);  // 5 failed + 1 destroyed with the bus
}

TEST(PciDevices, RegisterBarRefusesMisuse) {
    Bus b;
    PciDevice *d = b.add("pci-testdev,io=off");
    static const MemOps ok = {[](void *, uint64_t, unsigned) -> uint64_t { return 0; },
                              [](void *, uint64_t, uint64_t, unsigned) {}, 1, 4};
    static const MemOps bad = {[](void *, uint64_t, unsigned) -> uint64_t { return 0; },
                               [](void *, uint64_t, uint64_t, unsigned) {}, 4, 2};
    EXPECT_FALSE(pci_register_bar(d, 0, PCI_BAR_MEM32, 4096, &ok, nullptr));  // taken
    EXPECT_NE(std::string(d->error).find("registered twice"), std::string::npos);
    EXPECT_FALSE(pci_register_bar(d, 6, PCI_BAR_MEM32, 4096, &ok, nullptr));
    EXPECT_FALSE(pci_register_bar(d, 5, PCI_BAR_MEM64, 4096, &ok, nullptr));
    EXPECT_FALSE(pci_register_bar(d, 1, PCI_BAR_IO | PCI_BAR_PREFETCH, 16, &ok, nullptr));
    EXPECT_FALSE(pci_register_bar(d, 1, PCI_BAR_IO, 2, &ok, nullptr));
    EXPECT_FALSE(pci_register_bar(d, 1, PCI_BAR_MEM32, 1ull << 32, &ok, nullptr));
    EXPECT_FALSE(pci_register_bar(d, 1, PCI_BAR_MEM32, 4096, &bad, nullptr));
    EXPECT_FALSE(pci_register_bar(d, 1, PCI_BAR_MEM32, 4096, nullptr, nullptr));
    EXPECT_TRUE(pci_register_bar(d, 2, PCI_BAR_MEM64, 1ull << 40, &ok, nullptr));
    EXPECT_FALSE(pci_register_bar(d, 3, PCI_BAR_MEM32, 4096, &ok, nullptr));  // upper half of BAR2
}

// ---- the host bridge and config space through ECAM -----------------------------------

TEST(PciHost, BridgeAtSlotZeroLikeQemuGpex) {
    Board bd;
    ASSERT_EQ(bd.status, VIRT_PCI_OK) << bd.err;
    EXPECT_EQ(bd.cfg(0, PCIR_VENDOR_ID), 0x00081b36u);
    EXPECT_EQ(bd.cfg(0, PCIR_REVISION_ID) >> 8, 0x060000u);  // class: host bridge
    EXPECT_EQ(bd.cfg(0, PCIR_HEADER_TYPE, 1), 0u);
    EXPECT_EQ(bd.cfg(0, PCIR_SUBSYSTEM_VENDOR_ID), 0x11001af4u);
    EXPECT_EQ(bd.cfg(0, PCIR_INTERRUPT_PIN, 1), 0u);
    for (unsigned n = 0; n < 6; n++) {
        bd.set_cfg(0, PCIR_BAR(n), 0xffffffff);
        EXPECT_EQ(bd.cfg(0, PCIR_BAR(n)), 0u) << "bridge has no BAR " << n;
    }
}

TEST(PciHost, AbsentFunctionsBusesAndBadAccesses) {
    Board bd({"pci-testdev"});
    ASSERT_EQ(bd.status, VIRT_PCI_OK) << bd.err;
    EXPECT_EQ(bd.cfg(1, PCIR_VENDOR_ID), 0x7e571337u);
    EXPECT_EQ(bd.cfg(2, PCIR_VENDOR_ID), 0xffffffffu);                  // empty slot
    EXPECT_EQ(bd.rd(Board::ecam(0, 1, 1, 0), 4), 0xffffffffu);         // function 1
    EXPECT_EQ(bd.rd(Board::ecam(1, 0, 0, 0), 4), 0xffffffffu);         // bus 1
    EXPECT_EQ(bd.rd(Board::ecam(255, 31, 7, 0xffc), 4), 0xffffffffu);  // last dword of ECAM
    EXPECT_EQ(bd.rd(Board::ecam(0, 1, 0, 0), 2), 0x1337u);
    EXPECT_EQ(bd.rd(Board::ecam(0, 1, 0, 2), 2), 0x7e57u);
    EXPECT_EQ(bd.rd(Board::ecam(0, 1, 0, 3), 1), 0x7eu);
    EXPECT_EQ(bd.rd(Board::ecam(0, 1, 0, 1), 2), 0xffffu);  // unaligned
    EXPECT_EQ(bd.rd(Board::ecam(0, 1, 0, 2), 4), 0xffffffffu);
    EXPECT_EQ(bd.rd(Board::ecam(0, 1, 0, 0x100), 4), 0u);  // extended space of a conventional function
    uint64_t v;
    EXPECT_EQ(as_read(&bd.as, Board::ecam(0, 1, 0, 0), 8, &v), MEMTX_ERROR);  // ECAM takes 1..4 bytes
    // Writes nobody decodes are dropped.
    bd.wr(Board::ecam(0, 9, 0, PCIR_COMMAND), 2, 0xffff);
    bd.wr(Board::ecam(3, 1, 0, PCIR_COMMAND), 2, 0xffff);
    EXPECT_EQ(bd.cfg(1, PCIR_COMMAND, 2), 0u);
}

TEST(PciConfig, HeaderFieldsAndWriteMasks) {
    Board bd({"pci-testdev,addr=2"});
    ASSERT_EQ(bd.status, VIRT_PCI_OK) << bd.err;
    EXPECT_EQ(bd.cfg(2, PCIR_REVISION_ID), 0x00ff0102u);  // class 00ff, prog-if 01, revision 02
    EXPECT_EQ(bd.cfg(2, PCIR_SUBSYSTEM_VENDOR_ID), 0x00421337u);
    EXPECT_EQ(bd.cfg(2, PCIR_INTERRUPT_PIN, 1), 1u);
    EXPECT_EQ(bd.cfg(2, PCIR_CAPABILITY_LIST, 1), 0u);
    EXPECT_EQ(bd.cfg(2, PCIR_ROM_ADDRESS), 0u);
    // Read-only: ids, class, header type, pin, ROM.
    bd.set_cfg(2, PCIR_VENDOR_ID, 0);
    bd.set_cfg(2, PCIR_REVISION_ID, 0);
    bd.set_cfg(2, PCIR_SUBSYSTEM_VENDOR_ID, 0);
    bd.set_cfg(2, PCIR_ROM_ADDRESS, 0xffffffff);
    bd.set_cfg(2, PCIR_INTERRUPT_LINE, 0xffffffff);
    EXPECT_EQ(bd.cfg(2, PCIR_VENDOR_ID), 0x7e571337u);
    EXPECT_EQ(bd.cfg(2, PCIR_REVISION_ID), 0x00ff0102u);
    EXPECT_EQ(bd.cfg(2, PCIR_SUBSYSTEM_VENDOR_ID), 0x00421337u);
    EXPECT_EQ(bd.cfg(2, PCIR_ROM_ADDRESS), 0u);
    EXPECT_EQ(bd.cfg(2, PCIR_INTERRUPT_LINE), 0x000001ffu);  // line writable, pin not
    // Command: only the implemented bits stick.
    bd.set_cfg(2, PCIR_COMMAND, 0xffff, 2);
    EXPECT_EQ(bd.cfg(2, PCIR_COMMAND, 2), 0x0547u);
    // Cache line size and latency timer are writable scratch, header type not.
    bd.set_cfg(2, PCIR_CACHE_LINE_SIZE, 0xffffffff);
    EXPECT_EQ(bd.cfg(2, PCIR_CACHE_LINE_SIZE), 0x0000ffffu);
}

TEST(PciConfig, StatusErrorBitsAreWriteOneToClear) {
    Bus b;
    PciDevice *d = b.add("pci-testdev");
    uint8_t buf[4];
    EXPECT_EQ(pci_dma_read(d, VIRT_DRAM_BASE, buf, 4), MEMTX_ERROR);  // bus mastering off
    EXPECT_EQ(pci_config_read(d, PCIR_STATUS, 2), PCIR_STATUS_REC_MASTER_ABORT);
    pci_config_write(d, PCIR_STATUS, 0x0008, 2);  // not an error bit: no effect
    EXPECT_EQ(pci_config_read(d, PCIR_STATUS, 2), PCIR_STATUS_REC_MASTER_ABORT);
    pci_config_write(d, PCIR_STATUS, PCIR_STATUS_REC_MASTER_ABORT, 2);
    EXPECT_EQ(pci_config_read(d, PCIR_STATUS, 2), 0u);
    pci_config_write(d, PCIR_COMMAND, 0xffff0000, 4);  // writing status as part of a dword
    EXPECT_EQ(pci_config_read(d, PCIR_STATUS, 2), 0u);
}

// ---- BAR sizing and decoding ---------------------------------------------------------

TEST(PciBars, SizingReadsBackTheSizeMask) {
    Board bd({"pci-testdev,size=0x2000,mem64=0x200000000,addr=1"});
    ASSERT_EQ(bd.status, VIRT_PCI_OK) << bd.err;
    EXPECT_EQ(bd.cfg(1, PCIR_BAR(0)), 0u);
    EXPECT_EQ(bd.cfg(1, PCIR_BAR(1)), 1u);  // I/O
    EXPECT_EQ(bd.cfg(1, PCIR_BAR(2)), 0xcu);  // 64-bit prefetchable
    for (unsigned n = 0; n < 6; n++) bd.set_cfg(1, PCIR_BAR(n), 0xffffffff);
    EXPECT_EQ(bd.cfg(1, PCIR_BAR(0)), 0xffffe000u);
    EXPECT_EQ(bd.cfg(1, PCIR_BAR(1)), 0xfffffff1u);
    EXPECT_EQ(bd.cfg(1, PCIR_BAR(2)), 0x0000000cu);  // 8 GiB: low address bits all below the size
    EXPECT_EQ(bd.cfg(1, PCIR_BAR(3)), 0xfffffffeu);
    EXPECT_EQ(bd.cfg(1, PCIR_BAR(4)), 0u);
    EXPECT_EQ(bd.cfg(1, PCIR_BAR(5)), 0u);
    // Byte writes size just as well.
    bd.set_cfg(1, PCIR_BAR(0), 0, 4);
    bd.set_cfg(1, PCIR_BAR(0) + 1, 0xff, 1);
    EXPECT_EQ(bd.cfg(1, PCIR_BAR(0)), 0x0000e000u);
}

TEST(PciBars, MappedOnlyWhileDecodingIsEnabled) {
    Board bd({"pci-testdev,addr=1"});
    ASSERT_EQ(bd.status, VIRT_PCI_OK) << bd.err;
    PciTestDev *t = testdev(bd.pci.bus.slots[1]);
    bd.set_cfg(1, PCIR_BAR(0), 0x40001000);
    bd.set_cfg(1, PCIR_BAR(1), 0x100);
    EXPECT_EQ(bd.rd(kMmio + 0x1000, 4), 0xffffffffu);  // decoding off
    EXPECT_EQ(bd.rd(kPio + 0x100, 4), 0xffffffffu);
    EXPECT_EQ(t->reads, 0u);
    bd.set_cfg(1, PCIR_COMMAND, PCIR_COMMAND_MEMORY, 2);
    bd.wr(kMmio + 0x1008, 4, 0x12345678);
    EXPECT_EQ(t->last_bar, 0u);
    EXPECT_EQ(t->last_off, 8u);
    EXPECT_EQ(bd.rd(kMmio + 0x1008, 4), 0x12345678u);
    EXPECT_EQ(bd.rd(kMmio + 0x1008, 2), 0x5678u);
    EXPECT_EQ(bd.rd(kPio + 0x100, 4), 0xffffffffu);  // I/O still off
    bd.set_cfg(1, PCIR_COMMAND, PCIR_COMMAND_MEMORY | PCIR_COMMAND_IO, 2);
    bd.wr(kPio + 0x100, 1, 0xab);
    EXPECT_EQ(t->last_bar, 1u);
    EXPECT_EQ(t->last_size, 1u);
    EXPECT_EQ(bd.rd(kPio + 0x100, 1), 0xabu);
    // Moving the BAR moves the decode.
    bd.set_cfg(1, PCIR_BAR(0), 0x40200000);
    EXPECT_EQ(bd.rd(kMmio + 0x1008, 4), 0xffffffffu);
    EXPECT_EQ(bd.rd(kMmio + 0x200008, 4), 0x12345678u);
    bd.set_cfg(1, PCIR_COMMAND, 0, 2);
    EXPECT_EQ(bd.rd(kMmio + 0x200008, 4), 0xffffffffu);
    // Nothing decoded in the windows reads all ones, 8 bytes included.
    EXPECT_EQ(bd.rd(kMmio + 0x3ffffff8, 8), UINT64_MAX);
}

TEST(PciBars, AccessSizeLimitsAndEdges) {
    Board bd({"pci-testdev,addr=1,size=16"});
    ASSERT_EQ(bd.status, VIRT_PCI_OK) << bd.err;
    PciTestDev *t = testdev(bd.pci.bus.slots[1]);
    bd.set_cfg(1, PCIR_BAR(0), 0x40000010);
    bd.set_cfg(1, PCIR_COMMAND, PCIR_COMMAND_MEMORY, 2);
    bd.wr(kMmio + 0x10, 4, 0xdeadbeef);
    unsigned writes = t->writes;
    EXPECT_EQ(bd.rd(kMmio + 0x10, 1), 0xffu);  // the BAR takes 2..4 bytes
    EXPECT_EQ(bd.rd(kMmio + 0x10, 8), UINT64_MAX);
    bd.wr(kMmio + 0x10, 1, 0);
    bd.wr(kMmio + 0x10, 8, 0);
    EXPECT_EQ(bd.rd(kMmio + 0x1e, 4), 0xffffffffu);  // crosses the BAR's end
    bd.wr(kMmio + 0x1e, 4, 0);
    EXPECT_EQ(t->writes, writes);
    EXPECT_EQ(bd.rd(kMmio + 0x10, 4), 0xdeadbeefu);
    EXPECT_EQ(bd.rd(kMmio + 0x1c, 4), 0u);  // the last dword is still reachable
}

TEST(PciBars, SixtyFourBitBarInTheHighWindow) {
    Board bd({"pci-testdev,addr=1,mem64=0x1000,io=off"});
    ASSERT_EQ(bd.status, VIRT_PCI_OK) << bd.err;
    uint64_t hi = VIRT_PCIE_MMIO64_BASE(kRam);
    EXPECT_EQ(hi, 0x400000000ull);
    bd.set_cfg(1, PCIR_BAR(2), (uint32_t)(hi + 0x3000) | 0xc);
    bd.set_cfg(1, PCIR_BAR(3), (uint32_t)(hi >> 32));
    bd.set_cfg(1, PCIR_COMMAND, PCIR_COMMAND_MEMORY, 2);
    bd.wr(hi + 0x3000, 8, 0x0123456789abcdefull);
    EXPECT_EQ(bd.rd(hi + 0x3000, 8), 0x0123456789abcdefull);
    EXPECT_EQ(testdev(bd.pci.bus.slots[1])->last_bar, 2u);
    EXPECT_EQ(bd.pci.bus.slots[1]->bars[2].addr, hi + 0x3000);
}

TEST(PciBars, HostileAddressesNeverMap) {
    Bus b;
    PciDevice *d = b.add("pci-testdev,mem64=0x2000,size=0x1000");
    pci_config_write(d, PCIR_COMMAND, PCIR_COMMAND_MEMORY | PCIR_COMMAND_IO, 2);
    // A 64-bit BAR whose end would wrap past 2^64.
    pci_config_write(d, PCIR_BAR(2), 0xffffe000, 4);
    pci_config_write(d, PCIR_BAR(3), 0xffffffff, 4);
    EXPECT_EQ(d->bars[2].addr, PCI_BAR_UNMAPPED);
    pci_config_write(d, PCIR_BAR(2), 0xffffc000, 4);  // last byte at 2^64 - 1 - 0x2000: fine
    EXPECT_EQ(d->bars[2].addr, 0xffffffffffffc000ull);
    EXPECT_EQ(pci_bus_read(&b.bus, PCI_SPACE_MEM, 0xffffffffffffdff8ull, 8), 0x5a5a5a5a5a5a5a5aull);
    EXPECT_EQ(pci_bus_read(&b.bus, PCI_SPACE_MEM, 0xfffffffffffffffcull, 4), 0xffffffffu);
    // A memory BAR at 0 is off (QEMU's rule); an I/O BAR at 0 decodes.
    pci_config_write(d, PCIR_BAR(0), 0, 4);
    pci_config_write(d, PCIR_BAR(1), 0, 4);
    EXPECT_EQ(d->bars[0].addr, PCI_BAR_UNMAPPED);
    EXPECT_EQ(d->bars[1].addr, 0u);
    // The top of the 4 GiB port space decodes.
    pci_config_write(d, PCIR_BAR(1), 0xfffffff0, 4);
    EXPECT_EQ(d->bars[1].addr, 0xfffffff0u);
    // Two devices on one address: the lower slot answers, nothing breaks.
    PciDevice *e = b.add("pci-testdev,size=0x1000");
    pci_config_write(d, PCIR_BAR(0), 0x40000000, 4);
    pci_config_write(e, PCIR_BAR(0), 0x40000000, 4);
    pci_config_write(e, PCIR_COMMAND, PCIR_COMMAND_MEMORY, 2);
    pci_bus_write(&b.bus, PCI_SPACE_MEM, 0x40000000, 0x77, 4);
    EXPECT_EQ(testdev(d)->regs[0], 0x77u);
    EXPECT_EQ(testdev(e)->regs[0], 0u);
}

TEST(PciBars, RandomConfigWritesAndAccessesNeverCrash) {
    Board bd({"pci-testdev,mem64=0x10000", "pci-testdev-sub,size=64", "pci-testdev,io=off"});
    ASSERT_EQ(bd.status, VIRT_PCI_OK) << bd.err;
    std::mt19937_64 rng(42);
    const uint64_t hi = VIRT_PCIE_MMIO64_BASE(kRam);
    const uint64_t windows[][2] = {{kEcam, VIRT_PCIE_ECAM_SIZE}, {kMmio, VIRT_PCIE_MMIO_SIZE},
                                   {kPio, VIRT_PCIE_PIO_SIZE}, {hi, VIRT_PCIE_MMIO64_SIZE}};
    const unsigned sizes[] = {1, 2, 4, 8};
    for (int i = 0; i < 200000; i++) {
        unsigned slot = rng() % 5, reg = rng() % 0x1000, size = sizes[rng() % 3];
        uint64_t val = rng() % 4 ? rng() : (rng() % 2 ? 0xffffffffu : 0);
        if (rng() % 3 == 0) reg = PCIR_BAR0 + 4 * (rng() % 6);
        if (rng() % 5 == 0) reg = PCIR_COMMAND;
        uint64_t v;
        if (rng() % 2) as_write(&bd.as, Board::ecam(0, slot, 0, reg & ~(size - 1)), size, val);
        else as_read(&bd.as, Board::ecam(rng() % 2, slot, rng() % 2, reg), size, &v);
        const uint64_t *w = windows[1 + rng() % 3];
        uint64_t off = rng() % 4 ? rng() % 0x100000 : rng() % w[1];
        unsigned s = sizes[rng() % 4];
        if (off + s > w[1]) continue;
        if (rng() % 2) as_write(&bd.as, w[0] + off, s, rng());
        else as_read(&bd.as, w[0] + off, s, &v);
    }
    // Still a sane bus afterwards.
    EXPECT_EQ(bd.cfg(0, PCIR_VENDOR_ID), 0x00081b36u);
}

// ---- INTx ---------------------------------------------------------------------------

TEST(PciIntx, SwizzleDisableAndSharing) {
    Bus b;
    PciDevice *d1 = b.add("pci-testdev,addr=1");         // INTA of slot 1 -> line 1
    PciDevice *d5 = b.add("pci-testdev,addr=5");         // slot 5 -> line (5+0)%4 = 1
    PciDevice *d2 = b.add("pci-testdev,addr=2,pin=4");   // INTD of slot 2 -> line (2+3)%4 = 1
    PciDevice *d3 = b.add("pci-testdev,addr=3,pin=2");   // INTB of slot 3 -> line 0
    PciDevice *d4 = b.add("pci-testdev,addr=4,pin=0");   // no pin
    EXPECT_EQ(pci_intx_line(1, 1), 1u);
    pci_set_irq(d1, true);
    EXPECT_EQ(b.lines.level[1], 1);
    EXPECT_EQ(pci_config_read(d1, PCIR_STATUS, 2) & PCIR_STATUS_INTERRUPT, PCIR_STATUS_INTERRUPT);
    pci_set_irq(d5, true);
    pci_set_irq(d2, true);
    EXPECT_EQ(b.lines.rises[1], 1);
    pci_set_irq(d1, false);
    pci_set_irq(d5, false);
    EXPECT_EQ(b.lines.level[1], 1);  // d2 still holds the shared line
    pci_set_irq(d2, false);
    EXPECT_EQ(b.lines.level[1], 0);
    EXPECT_EQ(pci_config_read(d1, PCIR_STATUS, 2) & PCIR_STATUS_INTERRUPT, 0u);
    pci_set_irq(d3, true);
    EXPECT_EQ(b.lines.level[0], 1);
    // INTx disable: the line drops, the status bit keeps the device's view.
    pci_config_write(d3, PCIR_COMMAND, PCIR_COMMAND_INTX_DISABLE, 2);
    EXPECT_EQ(b.lines.level[0], 0);
    EXPECT_EQ(pci_config_read(d3, PCIR_STATUS, 2) & PCIR_STATUS_INTERRUPT, PCIR_STATUS_INTERRUPT);
    pci_config_write(d3, PCIR_COMMAND, 0, 2);
    EXPECT_EQ(b.lines.level[0], 1);
    // A device going away, or a reset, releases its line.
    pci_device_destroy(d3);
    EXPECT_EQ(b.lines.level[0], 0);
    pci_set_irq(d1, true);
    pci_bus_reset(&b.bus);
    EXPECT_EQ(b.lines.level[1], 0);
    pci_set_irq(d4, true);
    for (int i = 0; i < 4; i++) EXPECT_EQ(b.lines.level[i], 0) << i;
}

TEST(PciIntx, ReachesThePlicSources32To35) {
    Board bd({"pci-testdev,addr=1", "pci-testdev,addr=2,pin=2"});
    ASSERT_EQ(bd.status, VIRT_PCI_OK) << bd.err;
    pci_set_irq(bd.pci.bus.slots[1], true);
    EXPECT_TRUE(bd.plic_pending(VIRT_PCIE_IRQ_BASE + 1));
    pci_set_irq(bd.pci.bus.slots[2], true);  // slot 2 INTB -> (2+1)%4 = 3
    EXPECT_TRUE(bd.plic_pending(VIRT_PCIE_IRQ_BASE + 3));
    EXPECT_FALSE(bd.plic_pending(VIRT_PCIE_IRQ_BASE + 0));
    EXPECT_FALSE(bd.plic_pending(VIRT_PCIE_IRQ_BASE + 2));
}

// ---- DMA ----------------------------------------------------------------------------

TEST(PciDma, InsideRamWithBusMastering) {
    Bus b;
    PciDevice *d = b.add("pci-testdev");
    pci_config_write(d, PCIR_COMMAND, PCIR_COMMAND_MASTER, 2);
    const char msg[] = "Hello, DMA";
    ASSERT_EQ(pci_dma_write(d, VIRT_DRAM_BASE + 0x100, msg, sizeof msg), MEMTX_OK);
    EXPECT_EQ(memcmp(as_ram_ptr(&b.as, VIRT_DRAM_BASE + 0x100, sizeof msg), msg, sizeof msg), 0);
    char back[sizeof msg] = {};
    ASSERT_EQ(pci_dma_read(d, VIRT_DRAM_BASE + 0x100, back, sizeof back), MEMTX_OK);
    EXPECT_STREQ(back, msg);
    ASSERT_EQ(pci_dma_read(d, VIRT_DRAM_BASE + kRam - 4, back, 4), MEMTX_OK);  // last bytes of RAM
    EXPECT_EQ(pci_dma_read(d, 0, back, 0), MEMTX_OK);                          // empty: nothing to check
    EXPECT_EQ(pci_config_read(d, PCIR_STATUS, 2), 0u);
}

TEST(PciDma, OutsideRamFailsAndChangesNothing) {
    Board bd({"pci-testdev,addr=1"});
    ASSERT_EQ(bd.status, VIRT_PCI_OK) << bd.err;
    PciDevice *d = bd.pci.bus.slots[1];
    pci_config_write(d, PCIR_COMMAND, PCIR_COMMAND_MASTER | PCIR_COMMAND_MEMORY, 2);
    pci_config_write(d, PCIR_BAR(0), 0x40000000, 4);
    uint8_t *ram = as_ram_ptr(&bd.as, VIRT_DRAM_BASE, kRam);
    memset(ram, 0x11, kRam);
    std::vector<uint8_t> buf(8192, 0xee);
    const struct {
        uint64_t addr;
        size_t len;
    } cases[] = {
        {VIRT_DRAM_BASE + kRam - 16, 32},        // straddles the end of RAM
        {VIRT_DRAM_BASE - 8, 16},                // straddles the start
        {VIRT_DRAM_BASE + kRam, 4},              // just past RAM
        {0, 4096},                               // nothing there
        {VIRT_PLIC_BASE, 8},                     // a device
        {kEcam, 64},                             // the host's own ECAM
        {kMmio, 16},                             // its own BAR (no peer-to-peer)
        {UINT64_MAX - 3, 8},                     // wraps
        {VIRT_DRAM_BASE, SIZE_MAX},              // absurd length
    };
    for (const auto &c : cases) {
        pci_config_write(d, PCIR_STATUS, 0xffff, 2);
        size_t len = std::min(c.len, buf.size());
        if (c.len == SIZE_MAX) len = c.len;
        EXPECT_EQ(pci_dma_write(d, c.addr, buf.data(), len), MEMTX_ERROR) << std::hex << c.addr;
        EXPECT_EQ(pci_config_read(d, PCIR_STATUS, 2), PCIR_STATUS_REC_MASTER_ABORT) << std::hex << c.addr;
        if (len != SIZE_MAX) {
            EXPECT_EQ(pci_dma_read(d, c.addr, buf.data(), len), MEMTX_ERROR) << std::hex << c.addr;
        }
    }
    for (uint64_t i = 0; i < kRam; i++)
        if (ram[i] != 0x11) FAIL() << "RAM changed at +" << i;
    EXPECT_EQ(buf[0], 0xee);
}

// ---- the board ----------------------------------------------------------------------

TEST(VirtPci, BadDevicesAreBadInput) {
    {
        Board bd({"pci-testdev,addr=0"});  // the host bridge's slot
        EXPECT_EQ(bd.status, VIRT_PCI_BAD_DEVICE);
        EXPECT_NE(std::string(bd.err).find("slot 00 is already taken by pci-host-bridge"), std::string::npos) << bd.err;
    }
    {
        Board bd({"pci-testdev,addr=3", "pci-testdev-sub,addr=3"});
        EXPECT_EQ(bd.status, VIRT_PCI_BAD_DEVICE);
        EXPECT_NE(std::string(bd.err).find("-device pci-testdev-sub,addr=3: pci-testdev-sub: PCI slot 03 is already taken"),
                  std::string::npos)
            << bd.err;
    }
    {
        Board bd({"pci-testdev,fail=on"});
        EXPECT_EQ(bd.status, VIRT_PCI_BAD_DEVICE);
    }
    {
        Board bd({"pci-testdev", "pci-testdev"});
        ASSERT_EQ(bd.status, VIRT_PCI_OK) << bd.err;
        EXPECT_EQ(bd.cfg(1, PCIR_VENDOR_ID), 0x7e571337u);
        EXPECT_EQ(bd.cfg(2, PCIR_VENDOR_ID), 0x7e571337u);
    }
}

TEST(VirtPci, DeviceTreeNodeMirrorsQemu) {
    VirtFdtConfig cfg = {};
    cfg.ram_base = VIRT_DRAM_BASE;
    cfg.ram_size = 256ull << 20;
    cfg.num_harts = 1;
    VirtFdt vf;
    ASSERT_EQ(virt_fdt_begin(&vf, &cfg), 0);
    ASSERT_EQ(virt_fdt_add_devices(&vf), 0);
    ASSERT_EQ(virt_pci_fdt_node(&vf, cfg.ram_size), 0);
    uint32_t plic = vf.plic_phandle;
    void *blob;
    size_t size;
    ASSERT_EQ(virt_fdt_finish(&vf, &blob, &size), 0);
    int node = fdt_path_offset(blob, "/soc/pci@30000000");
    ASSERT_GE(node, 0);
    EXPECT_STREQ((const char *)fdt_getprop(blob, node, "compatible", nullptr), "pci-host-ecam-generic");
    EXPECT_STREQ((const char *)fdt_getprop(blob, node, "device_type", nullptr), "pci");
    auto cells = [&](const char *prop) {
        int len;
        const fdt32_t *p = (const fdt32_t *)fdt_getprop(blob, node, prop, &len);
        std::vector<uint32_t> out;
        for (int i = 0; p && i < len / 4; i++) out.push_back(fdt32_to_cpu(p[i]));
        return out;
    };
    EXPECT_EQ(cells("reg"), (std::vector<uint32_t>{0, 0x30000000, 0, 0x10000000}));
    EXPECT_EQ(cells("bus-range"), (std::vector<uint32_t>{0, 0xff}));
    EXPECT_EQ(cells("#address-cells"), (std::vector<uint32_t>{3}));
    EXPECT_EQ(cells("ranges"),
              (std::vector<uint32_t>{0x1000000, 0, 0, 0, 0x3000000, 0, 0x10000,                    //
                                     0x2000000, 0, 0x40000000, 0, 0x40000000, 0, 0x40000000,       //
                                     0x3000000, 4, 0, 4, 0, 4, 0}));
    EXPECT_EQ(cells("interrupt-map-mask"), (std::vector<uint32_t>{0x1800, 0, 0, 7}));
    std::vector<uint32_t> map = cells("interrupt-map");
    ASSERT_EQ(map.size(), 16u * 6);
    // QEMU 7.2's table, entry by entry: slot 1 INTA -> 33, slot 3 INTD -> 34, ...
    for (unsigned slot = 0; slot < 4; slot++)
        for (unsigned pin = 1; pin <= 4; pin++) {
            const uint32_t *e = &map[(slot * 4 + pin - 1) * 6];
            EXPECT_EQ(e[0], slot << 11);
            EXPECT_EQ(e[3], pin);
            EXPECT_EQ(e[4], plic);
            EXPECT_EQ(e[5], 32 + (slot + pin - 1) % 4);
        }
    EXPECT_NE(fdt_getprop(blob, node, "dma-coherent", nullptr), nullptr);
    // 16 GiB of RAM: the 64-bit window moves up to 32 GiB, as QEMU's does.
    EXPECT_EQ(VIRT_PCIE_MMIO64_BASE(16ull << 30), 0x800000000ull);
    EXPECT_EQ(VIRT_PCIE_MMIO64_BASE(15ull << 30), 0x800000000ull);
    free(blob);
}

}  // namespace
