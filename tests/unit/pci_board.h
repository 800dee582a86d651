// pci_board.h — the test fixture the PCI suites share: the virt board's
// PCIe host (machine/virt/virt_pci.c) in an address space with RAM and a
// PLIC, reached the way a guest reaches it: config cycles through ECAM at
// 0x30000000, BARs through the MMIO and PIO windows, INTx at the PLIC.
#ifndef VPLAT_TESTS_PCI_BOARD_H
#define VPLAT_TESTS_PCI_BOARD_H

#include <gtest/gtest.h>

#include <cstdint>
#include <ios>
#include <vector>

#include "tests/unit/vplat_c.h"

constexpr uint64_t kRam = 16ull << 20;
constexpr uint64_t kEcam = VIRT_PCIE_ECAM_BASE;
constexpr uint64_t kMmio = VIRT_PCIE_MMIO_BASE;
constexpr uint64_t kPio = VIRT_PCIE_PIO_BASE;

// The virt board's PCIe host in an address space (RAM, PLIC, ECAM, windows).
struct Board {
    AddressSpace as;
    Plic plic;
    VirtPci pci;
    VirtPciStatus status;
    char err[256] = "";
    explicit Board(std::vector<const char *> specs = {}) {
        as_init(&as);
        EXPECT_NE(as_add_ram(&as, "ram", VIRT_DRAM_BASE, kRam, false), nullptr);
        EXPECT_TRUE(plic_init(&plic, VIRT_PLIC_NUM_SOURCES, 1));
        status = virt_pci_init(&pci, &as, &plic, kRam, specs.data(), (unsigned)specs.size(), nullptr, err, sizeof err);
    }
    ~Board() {
        virt_pci_destroy(&pci);
        plic_destroy(&plic);
        as_destroy(&as);
    }
    static uint64_t ecam(unsigned bus, unsigned slot, unsigned fn, unsigned reg) {
        return kEcam + ((uint64_t)bus << 20) + ((uint64_t)slot << 15) + ((uint64_t)fn << 12) + reg;
    }
    uint64_t rd(uint64_t addr, unsigned size) {
        uint64_t v = 0;
        EXPECT_EQ(as_read(&as, addr, size, &v), MEMTX_OK) << std::hex << addr;
        return v;
    }
    void wr(uint64_t addr, unsigned size, uint64_t v) { EXPECT_EQ(as_write(&as, addr, size, v), MEMTX_OK) << std::hex << addr; }
    uint32_t cfg(unsigned slot, unsigned reg, unsigned size = 4) { return (uint32_t)rd(ecam(0, slot, 0, reg), size); }
    void set_cfg(unsigned slot, unsigned reg, uint32_t v, unsigned size = 4) { wr(ecam(0, slot, 0, reg), size, v); }
    uint8_t *ram(uint64_t addr, uint64_t len) { return as_ram_ptr(&as, addr, len); }
    bool plic_pending(unsigned src) { return (plic.pending[src / 32] >> (src % 32)) & 1; }
};

#endif
