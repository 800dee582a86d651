// newdev_test.cc — newdev (pcidev/newdev.c, "New Virtual PCI Device",
// 1337:0001) driven through its registers with no guest, the way its Linux
// driver (linux-module/newdev.c) drives it: config cycles through the virt
// board's ECAM, BARs placed and enabled as Linux would, registers through
// the MMIO and PIO windows, interrupts seen at the PLIC, DMA into RAM.
// Register meanings: pcidev/newdev_regs.h.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "tests/unit/pci_board.h"

namespace {

constexpr unsigned kSlot = 1;                  // first free slot after the host bridge
constexpr unsigned kIrq = VIRT_PCIE_IRQ_BASE + 1;  // slot 1 INTA: (1 + 1 - 1) % 4
constexpr uint64_t kRegs = kMmio + 0x100000;   // where "Linux" puts BAR0
constexpr uint32_t kPort = 0x1000;             // BAR1
const uint64_t kBuf = VIRT_PCIE_MMIO64_BASE(kRam) + 0x10000;  // BAR2
constexpr uint64_t kDma = VIRT_DRAM_BASE + 0x200000;  // guest RAM for DMA

// A board with newdev at slot 1, its BARs assigned and decoding enabled.
struct NewDevBoard : Board {
    explicit NewDevBoard(const char *spec = "newdev", uint16_t command = PCIR_COMMAND_IO | PCIR_COMMAND_MEMORY |
                                                                          PCIR_COMMAND_MASTER)
        : Board({spec}) {
        EXPECT_EQ(status, VIRT_PCI_OK) << err;
        if (status != VIRT_PCI_OK) return;
        set_cfg(kSlot, PCIR_BAR(NEWDEV_BAR_REGS), (uint32_t)kRegs);
        set_cfg(kSlot, PCIR_BAR(NEWDEV_BAR_PIO), kPort);
        set_cfg(kSlot, PCIR_BAR(NEWDEV_BAR_BUF), (uint32_t)kBuf);
        set_cfg(kSlot, PCIR_BAR(NEWDEV_BAR_BUF + 1), (uint32_t)(kBuf >> 32));
        set_cfg(kSlot, PCIR_COMMAND, command, 2);
    }
    uint32_t reg(unsigned off) { return (uint32_t)rd(kRegs + off, 4); }
    void set_reg(unsigned off, uint32_t v) { wr(kRegs + off, 4, v); }
    uint64_t port(unsigned off, unsigned size) { return rd(kPio + kPort + off, size); }
    void set_port(unsigned off, unsigned size, uint64_t v) { wr(kPio + kPort + off, size, v); }
    void dma(uint32_t cmd, uint64_t addr, uint32_t len, uint32_t offset) {
        set_reg(NEWDEV_REG_DMA_ADDR_LO, (uint32_t)addr);
        set_reg(NEWDEV_REG_DMA_ADDR_HI, (uint32_t)(addr >> 32));
        set_reg(NEWDEV_REG_DMA_LEN, len);
        set_reg(NEWDEV_REG_DMA_OFFSET, offset);
        set_reg(NEWDEV_REG_COMMAND, cmd);
    }
    std::string buffer(unsigned off, unsigned len) {
        std::string out;
        for (unsigned i = 0; i < len; i++) out += (char)rd(kBuf + off + i, 1);
        return out;
    }
};

TEST(NewDev, IdentityInConfigSpace) {
    NewDevBoard b;
    EXPECT_EQ(b.cfg(kSlot, PCIR_VENDOR_ID), 0x00011337u);
    EXPECT_EQ(b.cfg(kSlot, PCIR_REVISION_ID), 0x00ff0001u);  // class 00ff, prog-if 0, revision 1
    EXPECT_EQ(b.cfg(kSlot, PCIR_SUBSYSTEM_VENDOR_ID), 0x00011337u);
    EXPECT_EQ(b.cfg(kSlot, PCIR_INTERRUPT_PIN, 1), (unsigned)PCIR_INTA);
    EXPECT_EQ(b.cfg(kSlot, PCIR_HEADER_TYPE, 1), 0u);
    char *out = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    pci_print_types(f);
    EXPECT_TRUE(pci_print_type_help(f, "newdev"));
    fclose(f);
    std::string text(out, len);
    free(out);
    EXPECT_NE(text.find("newdev           New Virtual PCI Device (1337:0001, class 00ff)"), std::string::npos) << text;
    EXPECT_NE(text.find("buffer-size=<uint32>"), std::string::npos) << text;
    EXPECT_NE(text.find("dma=<bool>"), std::string::npos) << text;
}

TEST(NewDev, BarSizing) {
    for (uint32_t size : {64u, 4096u, 65536u, 0x100000u}) {
        std::string spec = "newdev,buffer-size=" + std::to_string(size);
        Board b({spec.c_str()});
        ASSERT_EQ(b.status, VIRT_PCI_OK) << b.err;
        for (unsigned n = 0; n < 6; n++) b.set_cfg(kSlot, PCIR_BAR(n), 0xffffffff);
        EXPECT_EQ(b.cfg(kSlot, PCIR_BAR(0)), ~(uint32_t)(NEWDEV_REGS_SIZE - 1));
        EXPECT_EQ(b.cfg(kSlot, PCIR_BAR(1)), ~(uint32_t)(NEWDEV_PIO_SIZE - 1) | PCIR_BAR_SPACE_IO);
        EXPECT_EQ(b.cfg(kSlot, PCIR_BAR(2)), (~(size - 1) & 0xfffffff0u) | 0xc) << size;
        EXPECT_EQ(b.cfg(kSlot, PCIR_BAR(3)), 0xffffffffu);
        EXPECT_EQ(b.cfg(kSlot, PCIR_BAR(4)), 0u);
    }
}

TEST(NewDev, BadPropertiesAreRefused) {
    char err[256];
    EXPECT_FALSE(pci_device_check_spec("newdev,buffer-size=32", err, sizeof err));
    EXPECT_NE(std::string(err).find("must be 64..1048576"), std::string::npos) << err;
    EXPECT_FALSE(pci_device_check_spec("newdev,dma=perhaps", err, sizeof err));
    Board b({"newdev,buffer-size=100"});
    EXPECT_EQ(b.status, VIRT_PCI_BAD_DEVICE);
    EXPECT_NE(std::string(b.err).find("newdev: buffer-size must be a power of two, not 100"), std::string::npos) << b.err;
}

TEST(NewDev, RegistersAndAccessSizes) {
    NewDevBoard b;
    EXPECT_EQ(b.reg(NEWDEV_REG_ID), NEWDEV_ID_VALUE);
    EXPECT_EQ(b.reg(NEWDEV_REG_BUF_SIZE), (uint32_t)NEWDEV_BUF_SIZE_DEFAULT);
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS), 0u);
    b.set_reg(NEWDEV_REG_SCRATCH, 0xcafef00d);
    EXPECT_EQ(b.reg(NEWDEV_REG_SCRATCH), 0xcafef00du);
    // Read-only registers keep their value.
    for (unsigned r : {NEWDEV_REG_ID, NEWDEV_REG_BUF_SIZE, NEWDEV_REG_CMD_COUNT, NEWDEV_REG_IRQ_STATUS}) {
        uint32_t before = b.reg(r);
        b.set_reg(r, 0x12345678);
        EXPECT_EQ(b.reg(r), before) << r;
    }
    // BAR0 takes 4-byte accesses only: the others read all ones, writes drop.
    EXPECT_EQ(b.rd(kRegs + NEWDEV_REG_SCRATCH, 1), 0xffu);
    EXPECT_EQ(b.rd(kRegs + NEWDEV_REG_SCRATCH, 2), 0xffffu);
    EXPECT_EQ(b.rd(kRegs + NEWDEV_REG_SCRATCH, 8), UINT64_MAX);
    b.wr(kRegs + NEWDEV_REG_SCRATCH, 1, 0);
    b.wr(kRegs + NEWDEV_REG_SCRATCH, 8, 0);
    EXPECT_EQ(b.reg(NEWDEV_REG_SCRATCH), 0xcafef00du);
    EXPECT_EQ(b.reg(0x800), 0u);      // unassigned
    EXPECT_EQ(b.reg(0xffc), 0u);
    EXPECT_EQ(b.port(NEWDEV_PIO_ID, 4), NEWDEV_ID_VALUE);
    EXPECT_EQ(b.port(NEWDEV_PIO_ID, 2), 0u);  // ID is 4 bytes wide
    EXPECT_EQ(b.port(0xc, 4), 0u);
    // DATA_LEN is clamped to the buffer.
    b.set_reg(NEWDEV_REG_DATA_LEN, 0xffffffff);
    EXPECT_EQ(b.reg(NEWDEV_REG_DATA_LEN), (uint32_t)NEWDEV_BUF_SIZE_DEFAULT);
}

TEST(NewDev, BufferThroughMmioAndPio) {
    NewDevBoard b;
    const std::string msg = "Hello, newdevice!\n";
    for (size_t i = 0; i < msg.size(); i++) b.wr(kBuf + i, 1, (uint8_t)msg[i]);
    b.set_reg(NEWDEV_REG_DATA_LEN, (uint32_t)msg.size());
    EXPECT_EQ(b.buffer(0, (unsigned)msg.size()), msg);
    EXPECT_EQ(b.rd(kBuf, 8), 0x6e202c6f6c6c6548ull);  // "Hello, n", little-endian
    // The same bytes through the index/data ports, with auto-increment.
    b.set_port(NEWDEV_PIO_INDEX, 4, 0);
    std::string via_pio;
    for (size_t i = 0; i < msg.size(); i++) via_pio += (char)b.port(NEWDEV_PIO_DATA, 1);
    EXPECT_EQ(via_pio, msg);
    EXPECT_EQ(b.port(NEWDEV_PIO_INDEX, 4), msg.size());
    b.set_port(NEWDEV_PIO_INDEX, 4, 100);
    b.set_port(NEWDEV_PIO_DATA, 4, 0x64636261);  // "abcd"
    b.set_port(NEWDEV_PIO_DATA, 2, 0x6665);      // "ef"
    EXPECT_EQ(b.buffer(100, 6), "abcdef");
    // The index wraps at the end of the buffer.
    b.set_port(NEWDEV_PIO_INDEX, 4, NEWDEV_BUF_SIZE_DEFAULT - 2);
    b.set_port(NEWDEV_PIO_DATA, 4, 0x44434241);
    EXPECT_EQ(b.buffer(NEWDEV_BUF_SIZE_DEFAULT - 2, 2), "AB");
    EXPECT_EQ(b.buffer(0, 2), "CD");
    b.set_port(NEWDEV_PIO_INDEX, 4, 0xffffffff);  // taken modulo the size
    EXPECT_EQ(b.port(NEWDEV_PIO_INDEX, 4), (uint64_t)NEWDEV_BUF_SIZE_DEFAULT - 1);
    // The buffer's last 8 bytes; an access past its end reads all ones.
    b.wr(kBuf + NEWDEV_BUF_SIZE_DEFAULT - 8, 8, 0x1122334455667788ull);
    EXPECT_EQ(b.rd(kBuf + NEWDEV_BUF_SIZE_DEFAULT - 8, 8), 0x1122334455667788ull);
    EXPECT_EQ(b.rd(kBuf + NEWDEV_BUF_SIZE_DEFAULT - 4, 8), UINT64_MAX);
    // CLEAR zeroes buffer and length.
    b.set_reg(NEWDEV_REG_COMMAND, NEWDEV_CMD_CLEAR);
    EXPECT_EQ(b.buffer(0, 4), std::string(4, '\0'));
    EXPECT_EQ(b.reg(NEWDEV_REG_DATA_LEN), 0u);
}

TEST(NewDev, InterruptOnCompletionUntilAcknowledged) {
    NewDevBoard b;
    b.set_reg(NEWDEV_REG_COMMAND, NEWDEV_CMD_NOP);  // interrupts not enabled yet
    EXPECT_EQ(b.reg(NEWDEV_REG_IRQ_STATUS), (uint32_t)NEWDEV_IRQ_DONE);
    EXPECT_FALSE(b.plic_pending(kIrq));
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_IRQ, 0u);
    b.set_reg(NEWDEV_REG_CONTROL, NEWDEV_CTRL_IRQ_ENABLE);  // pending cause: INTA rises now
    EXPECT_TRUE(b.plic_pending(kIrq));
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_IRQ, (uint32_t)NEWDEV_STATUS_IRQ);
    EXPECT_EQ(b.cfg(kSlot, PCIR_STATUS, 2) & PCIR_STATUS_INTERRUPT, (uint32_t)PCIR_STATUS_INTERRUPT);
    EXPECT_EQ(b.reg(NEWDEV_REG_IRQ_COUNT), 1u);
    b.set_reg(NEWDEV_REG_IRQ_ACK, NEWDEV_IRQ_DONE);
    EXPECT_EQ(b.reg(NEWDEV_REG_IRQ_STATUS), 0u);
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_IRQ, 0u);
    EXPECT_EQ(b.cfg(kSlot, PCIR_STATUS, 2) & PCIR_STATUS_INTERRUPT, 0u);
    // Each command raises it again; acknowledging one cause of two keeps it up.
    b.set_reg(NEWDEV_REG_COMMAND, NEWDEV_CMD_NOP);
    b.set_reg(NEWDEV_REG_COMMAND, 0x77);  // unknown: ERROR
    EXPECT_EQ(b.reg(NEWDEV_REG_IRQ_STATUS), (uint32_t)(NEWDEV_IRQ_DONE | NEWDEV_IRQ_ERROR));
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_CMD_ERROR, (uint32_t)NEWDEV_STATUS_CMD_ERROR);
    EXPECT_EQ(b.reg(NEWDEV_REG_IRQ_COUNT), 2u);
    b.set_reg(NEWDEV_REG_IRQ_ACK, NEWDEV_IRQ_ERROR);
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_IRQ, (uint32_t)NEWDEV_STATUS_IRQ);
    b.set_reg(NEWDEV_REG_IRQ_ACK, 0xffffffff);
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_IRQ, 0u);
    EXPECT_EQ(b.reg(NEWDEV_REG_CMD_COUNT), 3u);
    // The config space's INTx disable masks the line, the device keeps its view.
    b.set_cfg(kSlot, PCIR_COMMAND, PCIR_COMMAND_MEMORY | PCIR_COMMAND_INTX_DISABLE, 2);
    b.set_reg(NEWDEV_REG_COMMAND, NEWDEV_CMD_NOP);
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_IRQ, (uint32_t)NEWDEV_STATUS_IRQ);
    EXPECT_EQ(b.pci.bus.intx_count[1], 0u);
    b.set_cfg(kSlot, PCIR_COMMAND, PCIR_COMMAND_MEMORY, 2);
    EXPECT_EQ(b.pci.bus.intx_count[1], 1u);
    // A device reset drops everything.
    b.set_reg(NEWDEV_REG_CONTROL, NEWDEV_CTRL_RESET);
    EXPECT_EQ(b.pci.bus.intx_count[1], 0u);
    EXPECT_EQ(b.reg(NEWDEV_REG_CONTROL), 0u);
    EXPECT_EQ(b.reg(NEWDEV_REG_CMD_COUNT), 0u);
}

TEST(NewDev, DmaRoundTrip) {
    NewDevBoard b;
    b.set_reg(NEWDEV_REG_CONTROL, NEWDEV_CTRL_IRQ_ENABLE);
    uint8_t *ram = b.ram(kDma, 0x10000);
    ASSERT_NE(ram, nullptr);
    for (unsigned i = 0; i < 1000; i++) ram[i] = (uint8_t)(i * 7 + 3);
    b.dma(NEWDEV_CMD_DMA_TO_DEVICE, kDma, 1000, 16);
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & (NEWDEV_STATUS_CMD_ERROR | NEWDEV_STATUS_DMA_ERROR), 0u);
    EXPECT_EQ(b.reg(NEWDEV_REG_IRQ_STATUS), (uint32_t)NEWDEV_IRQ_DONE);
    EXPECT_TRUE(b.plic_pending(kIrq));
    EXPECT_EQ(b.reg(NEWDEV_REG_DATA_LEN), 1016u);
    for (unsigned i = 0; i < 1000; i += 111) EXPECT_EQ(b.rd(kBuf + 16 + i, 1), (uint8_t)(i * 7 + 3)) << i;
    b.set_reg(NEWDEV_REG_IRQ_ACK, NEWDEV_IRQ_DONE);
    b.dma(NEWDEV_CMD_DMA_FROM_DEVICE, kDma + 0x8000, 1000, 16);
    EXPECT_EQ(b.reg(NEWDEV_REG_IRQ_STATUS), (uint32_t)NEWDEV_IRQ_DONE);
    EXPECT_EQ(memcmp(ram, ram + 0x8000, 1000), 0);
    // The whole buffer, to the last byte of RAM.
    b.dma(NEWDEV_CMD_DMA_FROM_DEVICE, VIRT_DRAM_BASE + kRam - NEWDEV_BUF_SIZE_DEFAULT, NEWDEV_BUF_SIZE_DEFAULT, 0);
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_DMA_ERROR, 0u);
    EXPECT_EQ(b.reg(NEWDEV_REG_CMD_COUNT), 3u);
}

TEST(NewDev, DmaOutsideRamSetsDeviceErrorOnly) {
    NewDevBoard b;
    b.set_reg(NEWDEV_REG_CONTROL, NEWDEV_CTRL_IRQ_ENABLE);
    uint8_t *ram = b.ram(VIRT_DRAM_BASE, kRam);
    memset(ram, 0x5c, kRam);
    for (unsigned i = 0; i < 64; i++) b.wr(kBuf + i, 1, 0xa0 + i);
    const uint64_t bad[] = {0, VIRT_DRAM_BASE - 16, VIRT_DRAM_BASE + kRam - 8, VIRT_DRAM_BASE + kRam,
                            VIRT_PLIC_BASE, kEcam, kRegs, kBuf, 0xfffffffffffffff0ull};
    for (uint64_t addr : bad) {
        for (uint32_t cmd : {NEWDEV_CMD_DMA_FROM_DEVICE, NEWDEV_CMD_DMA_TO_DEVICE}) {
            b.set_cfg(kSlot, PCIR_STATUS, 0xffff, 2);
            b.dma(cmd, addr, 64, 0);
            EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_DMA_ERROR, (uint32_t)NEWDEV_STATUS_DMA_ERROR)
                << std::hex << addr;
            EXPECT_EQ(b.reg(NEWDEV_REG_IRQ_STATUS) & NEWDEV_IRQ_ERROR, (uint32_t)NEWDEV_IRQ_ERROR);
            EXPECT_EQ(b.cfg(kSlot, PCIR_STATUS, 2) & PCIR_STATUS_REC_MASTER_ABORT, (uint32_t)PCIR_STATUS_REC_MASTER_ABORT);
            b.set_reg(NEWDEV_REG_IRQ_ACK, 0xffffffff);
        }
    }
    for (uint64_t i = 0; i < kRam; i++)
        if (ram[i] != 0x5c) FAIL() << "RAM changed at +" << i;
    for (unsigned i = 0; i < 64; i++) EXPECT_EQ(b.rd(kBuf + i, 1), 0xa0u + i) << "buffer changed at " << i;
    // A good command clears the error bits.
    b.dma(NEWDEV_CMD_DMA_FROM_DEVICE, kDma, 64, 0);
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_DMA_ERROR, 0u);
    EXPECT_EQ(ram[kDma - VIRT_DRAM_BASE], 0xa0);
}

TEST(NewDev, DmaRefusals) {
    {
        NewDevBoard b("newdev", PCIR_COMMAND_MEMORY);  // bus mastering off
        b.dma(NEWDEV_CMD_DMA_FROM_DEVICE, kDma, 16, 0);
        EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_DMA_ERROR, (uint32_t)NEWDEV_STATUS_DMA_ERROR);
        EXPECT_EQ(b.cfg(kSlot, PCIR_STATUS, 2) & PCIR_STATUS_REC_MASTER_ABORT, (uint32_t)PCIR_STATUS_REC_MASTER_ABORT);
    }
    {
        NewDevBoard b("newdev,dma=off");
        b.dma(NEWDEV_CMD_DMA_FROM_DEVICE, kDma, 16, 0);
        EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_CMD_ERROR, (uint32_t)NEWDEV_STATUS_CMD_ERROR);
    }
    NewDevBoard b;
    const struct {
        uint32_t len, offset;
    } ranges[] = {{4097, 0}, {1, 4096}, {16, 4090}, {0xffffffff, 0}, {16, 0xfffffff8}, {0x80000000, 0x80000000}};
    for (const auto &r : ranges) {
        b.dma(NEWDEV_CMD_DMA_FROM_DEVICE, kDma, r.len, r.offset);
        EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_CMD_ERROR, (uint32_t)NEWDEV_STATUS_CMD_ERROR)
            << r.len << "@" << r.offset;
        b.dma(NEWDEV_CMD_DMA_TO_DEVICE, kDma, r.len, r.offset);
        EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & NEWDEV_STATUS_CMD_ERROR, (uint32_t)NEWDEV_STATUS_CMD_ERROR);
    }
    b.dma(NEWDEV_CMD_DMA_TO_DEVICE, kDma, 0, 4096);  // empty, at the very end: fine
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS) & (NEWDEV_STATUS_CMD_ERROR | NEWDEV_STATUS_DMA_ERROR), 0u);
}

TEST(NewDev, RandomRegisterTrafficNeverCrashes) {
    NewDevBoard b("newdev,buffer-size=64");
    std::mt19937_64 rng(7);
    const unsigned sizes[] = {1, 2, 4, 8};
    for (int i = 0; i < 200000; i++) {
        unsigned size = sizes[rng() % 4];
        uint64_t v = rng(), r;
        switch (rng() % 6) {
        case 0: as_write(&b.as, kRegs + (rng() % 0x40 & ~3ull), 4, rng() % 3 ? v : v % 5); break;
        case 1: as_read(&b.as, kRegs + rng() % 0x1000, size, &r); break;
        case 2: as_write(&b.as, kPio + kPort + rng() % 16, size, v); break;
        case 3: as_read(&b.as, kPio + kPort + rng() % 16, size, &r); break;
        case 4: as_write(&b.as, kBuf + rng() % 72, size, v); break;
        case 5:
            b.set_reg(NEWDEV_REG_DMA_ADDR_LO, (uint32_t)(kDma + rng() % 0x1000));
            b.set_reg(NEWDEV_REG_DMA_ADDR_HI, rng() % 8 ? (uint32_t)(kDma >> 32) : (uint32_t)rng());
            b.set_reg(NEWDEV_REG_DMA_LEN, (uint32_t)(rng() % 80));
            b.set_reg(NEWDEV_REG_DMA_OFFSET, (uint32_t)(rng() % 80));
            b.set_reg(NEWDEV_REG_COMMAND, (uint32_t)(rng() % 5));
            break;
        }
        if (rng() % 1000 == 0) b.set_cfg(kSlot, PCIR_COMMAND, (uint32_t)rng(), 2);
    }
    // Still a working device afterwards.
    b.set_cfg(kSlot, PCIR_COMMAND, PCIR_COMMAND_MEMORY | PCIR_COMMAND_IO | PCIR_COMMAND_MASTER, 2);
    EXPECT_EQ(b.reg(NEWDEV_REG_ID), NEWDEV_ID_VALUE);
    b.set_reg(NEWDEV_REG_CONTROL, NEWDEV_CTRL_RESET);
    b.dma(NEWDEV_CMD_DMA_FROM_DEVICE, kDma, 64, 0);
    EXPECT_EQ(b.reg(NEWDEV_REG_STATUS), 0u);
    EXPECT_EQ(b.reg(NEWDEV_REG_CMD_COUNT), 1u);
}

}  // namespace
