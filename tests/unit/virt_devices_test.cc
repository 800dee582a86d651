// virt_devices_test.cc — the virt board's devices driven through their
// registers (16550A UART, CLINT, PLIC, test finisher), as a guest would
// reach them: mapped into an AddressSpace at the board's addresses and
// accessed with as_read/as_write, with IRQ lines recorded by a probe.  And
// the device tree: libfdt checks against the values in QEMU 7.2's
// `-M virt,dumpdtb` tree, plus (when installed) dtc decompiling ours and a
// node-by-node comparison with the tree qemu-system-riscv64 dumps itself.
//
// Expected register values come from the specs: the 16550A datasheet
// (register map, IIR codes, LSR/MSR bits), the RISC-V PLIC spec 1.0.0 and
// the SiFive CLINT/ACLINT layout, QEMU's sifive_test finisher codes.
#include <gtest/gtest.h>
#include <libfdt.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/unit/vplat_c.h"

namespace {

// ---- IRQ probe: records the level and the number of edges of each pin ----

struct Pins {
    int level[16] = {};
    int rises[16] = {};
    int falls[16] = {};
};

void pin_handler(void *opaque, int n, int level) {
    Pins *p = static_cast<Pins *>(opaque);
    if (level && !p->level[n]) p->rises[n]++;
    if (!level && p->level[n]) p->falls[n]++;
    p->level[n] = level ? 1 : 0;
}

IrqLine pin(Pins *p, int n) { return irq_line(pin_handler, p, n); }

uint64_t rd(AddressSpace *as, uint64_t addr, unsigned size) {
    uint64_t v = 0;
    EXPECT_EQ(as_read(as, addr, size, &v), MEMTX_OK) << std::hex << addr;
    return v;
}

void wr(AddressSpace *as, uint64_t addr, unsigned size, uint64_t v) {
    EXPECT_EQ(as_write(as, addr, size, v), MEMTX_OK) << std::hex << addr;
}

// ---- 16550A UART -----------------------------------------------------------

// Register offsets and bits from the 16550A datasheet.
constexpr uint64_t U = VIRT_UART0_BASE;
constexpr uint64_t RBR = U + 0, THR = U + 0, DLL = U + 0, IER = U + 1, DLM = U + 1, IIR = U + 2, FCR = U + 2,
                   LCR = U + 3, MCR = U + 4, LSR = U + 5, MSR = U + 6, SCR = U + 7;

class UartTest : public ::testing::Test {
protected:
    AddressSpace as;
    Uart16550 uart;
    Pins pins;
    std::string sent;

    static void tx(void *opaque, uint8_t byte) { static_cast<UartTest *>(opaque)->sent += (char)byte; }

    void SetUp() override {
        as_init(&as);
        uart_init(&uart, tx, this, pin(&pins, 0));
        ASSERT_NE(as_add_io(&as, "uart0", VIRT_UART0_BASE, VIRT_UART0_SIZE, &uart_mem_ops, &uart), nullptr);
    }
    void TearDown() override { as_destroy(&as); }

    uint8_t r(uint64_t a) { return (uint8_t)rd(&as, a, 1); }
    void w(uint64_t a, uint8_t v) { wr(&as, a, 1, v); }
    size_t feed(const char *s) { return uart_receive(&uart, (const uint8_t *)s, strlen(s)); }
};

TEST_F(UartTest, ResetValues) {
    EXPECT_EQ(r(IER), 0x00);
    EXPECT_EQ(r(IIR), 0x01);  // no interrupt pending, FIFOs off
    EXPECT_EQ(r(LCR), 0x00);
    EXPECT_EQ(r(MCR), 0x00);
    EXPECT_EQ(r(LSR), 0x60);  // THRE | TEMT
    EXPECT_EQ(r(MSR), 0xb0);  // DCD | DSR | CTS: a terminal is attached
    EXPECT_EQ(pins.level[0], 0);
}

TEST_F(UartTest, TransmitGoesToCallback) {
    w(LCR, 0x03);  // 8N1
    for (const char *p = "hi\n"; *p; p++) {
        EXPECT_TRUE(r(LSR) & 0x20);
        w(THR, (uint8_t)*p);
    }
    EXPECT_EQ(sent, "hi\n");
    EXPECT_EQ(r(LSR), 0x60);
}

TEST_F(UartTest, DivisorLatch) {
    w(IER, 0x05);
    w(LCR, 0x83);  // DLAB | 8N1
    w(DLL, 0x12);
    w(DLM, 0x34);
    EXPECT_EQ(r(DLL), 0x12);
    EXPECT_EQ(r(DLM), 0x34);
    EXPECT_EQ(sent, "");  // a DLL write is not a THR write
    w(LCR, 0x03);
    EXPECT_EQ(r(IER), 0x05);  // IER untouched by the DLM write
    w(LCR, 0x83);
    EXPECT_EQ(r(DLL), 0x12);  // latch kept while DLAB was off
    EXPECT_EQ(r(DLM), 0x34);
    w(LCR, 0x03);
    w(THR, 'x');
    EXPECT_EQ(sent, "x");
}

TEST_F(UartTest, ScratchRegister) {
    w(SCR, 0xa5);
    EXPECT_EQ(r(SCR), 0xa5);
    w(SCR, 0x5a);
    EXPECT_EQ(r(SCR), 0x5a);
}

TEST_F(UartTest, RxFifoHolds16BytesInOrder) {
    w(FCR, 0x07);  // enable + clear both FIFOs
    EXPECT_EQ(r(IIR) & 0xc0, 0xc0);
    EXPECT_EQ(uart_can_receive(&uart), 16u);
    EXPECT_EQ(feed("0123456789abcdefXYZ"), 16u);
    EXPECT_EQ(uart_can_receive(&uart), 0u);
    std::string got;
    while (r(LSR) & 0x01) got += (char)r(RBR);
    EXPECT_EQ(got, "0123456789abcdef");
    EXPECT_EQ(r(LSR), 0x60);
    EXPECT_EQ(uart_can_receive(&uart), 16u);
    // FCR bit 1 clears the receive FIFO.
    feed("ab");
    w(FCR, 0x03);
    EXPECT_EQ(r(LSR) & 0x01, 0);
}

TEST_F(UartTest, WithoutFifoOneByteHoldingRegister) {
    EXPECT_EQ(uart_can_receive(&uart), 1u);
    EXPECT_EQ(feed("ab"), 1u);
    EXPECT_EQ(uart_can_receive(&uart), 0u);
    EXPECT_EQ(r(RBR), 'a');
    EXPECT_EQ(feed("b"), 1u);
    EXPECT_EQ(r(RBR), 'b');
}

TEST_F(UartTest, ReceivedDataInterrupt) {
    w(FCR, 0x01);  // FIFO on, trigger 1 byte
    w(IER, 0x01);  // RDI
    EXPECT_EQ(pins.level[0], 0);
    feed("k");
    EXPECT_EQ(pins.level[0], 1);
    EXPECT_EQ(r(IIR), 0xc4);  // FIFOs on | received data available
    EXPECT_EQ(r(RBR), 'k');
    EXPECT_EQ(pins.level[0], 0);
    EXPECT_EQ(r(IIR), 0xc1);
    // Masked by IER: data alone does not interrupt.
    w(IER, 0x00);
    feed("m");
    EXPECT_EQ(pins.level[0], 0);
    EXPECT_EQ(r(LSR) & 0x01, 0x01);
}

TEST_F(UartTest, BelowTriggerLevelReportsCharacterTimeout) {
    w(FCR, 0x81);  // FIFO on, trigger 8 bytes (what Linux's 8250 uses)
    w(IER, 0x01);
    feed("abc");
    EXPECT_EQ(pins.level[0], 1);
    EXPECT_EQ(r(IIR), 0xcc);  // character timeout
    feed("defgh");
    EXPECT_EQ(r(IIR), 0xc4);  // 8 bytes: trigger level reached
    for (int i = 0; i < 8; i++) r(RBR);
    EXPECT_EQ(pins.level[0], 0);
    EXPECT_EQ(r(IIR), 0xc1);
}

TEST_F(UartTest, TransmitterEmptyInterrupt) {
    w(FCR, 0x01);
    w(IER, 0x02);  // THRI: THR is empty, so the interrupt is due at once
    EXPECT_EQ(pins.level[0], 1);
    EXPECT_EQ(r(IIR), 0xc2);
    // Reading IIR while it reports THRE acknowledges it.
    EXPECT_EQ(pins.level[0], 0);
    EXPECT_EQ(r(IIR), 0xc1);
    // Transmitting empties THR again (instantly here): due again.
    w(THR, 'a');
    EXPECT_EQ(pins.level[0], 1);
    w(IER, 0x00);
    EXPECT_EQ(pins.level[0], 0);
    // Linux's 8250 startup test: THRI off -> on must re-raise it.
    w(IER, 0x02);
    EXPECT_EQ(r(IIR), 0xc2);
    w(IER, 0x00);
    w(IER, 0x02);
    EXPECT_EQ(r(IIR), 0xc2);
}

TEST_F(UartTest, InterruptPriorityRxOverTx) {
    w(FCR, 0x01);
    w(IER, 0x03);
    feed("z");
    EXPECT_EQ(r(IIR), 0xc4);  // received data outranks THR empty
    EXPECT_EQ(r(RBR), 'z');
    EXPECT_EQ(r(IIR), 0xc2);
    EXPECT_EQ(r(IIR), 0xc1);
    EXPECT_EQ(pins.level[0], 0);
}

TEST_F(UartTest, LoopbackAndModemStatus) {
    w(FCR, 0x01);
    w(MCR, 0x10);  // loop, all outputs low: CTS/DSR/DCD drop
    EXPECT_EQ(r(MSR), 0x0b);  // DDCD | DDSR | DCTS, lines low
    EXPECT_EQ(r(MSR), 0x00);  // deltas cleared by the read
    w(MCR, 0x1f);  // loop | OUT2 | OUT1 | RTS | DTR -> DCD RI DSR CTS
    EXPECT_EQ(r(MSR) & 0xf0, 0xf0);
    w(MCR, 0x1b);  // OUT1 off: RI trailing edge
    EXPECT_EQ(r(MSR), 0xb4);
    EXPECT_EQ(uart_can_receive(&uart), 0u);  // host input waits in loopback
    w(THR, 'L');
    EXPECT_EQ(sent, "");
    EXPECT_EQ(r(LSR) & 0x01, 0x01);
    EXPECT_EQ(r(RBR), 'L');
    w(MCR, 0x00);
    w(THR, 'o');
    EXPECT_EQ(sent, "o");
}

TEST_F(UartTest, ModemStatusInterrupt) {
    w(IER, 0x08);  // MSI
    EXPECT_EQ(pins.level[0], 0);
    w(MCR, 0x10);
    EXPECT_EQ(pins.level[0], 1);
    EXPECT_EQ(r(IIR), 0x00);  // modem status
    r(MSR);
    EXPECT_EQ(pins.level[0], 0);
}

TEST_F(UartTest, OverrunRaisesLineStatus) {
    w(FCR, 0x01);
    w(IER, 0x04);  // RLSI
    w(MCR, 0x10);
    for (int i = 0; i < 17; i++) w(THR, (uint8_t)('a' + i));
    EXPECT_EQ(pins.level[0], 1);
    EXPECT_EQ(r(IIR), 0xc6);  // receiver line status
    EXPECT_EQ(r(LSR), 0x63);  // TEMT | THRE | OE | DR
    EXPECT_EQ(r(LSR), 0x61);  // OE cleared by reading LSR
    EXPECT_EQ(pins.level[0], 0);
    EXPECT_EQ(r(RBR), 'a');  // the FIFO kept its first 16 bytes
}

TEST_F(UartTest, AccessSizes) {
    w(SCR, 0x42);
    EXPECT_EQ(rd(&as, SCR, 1), 0x42u);
    EXPECT_EQ(rd(&as, LSR, 4), 0x60u);  // wider accesses see the one register
    wr(&as, SCR, 4, 0x1234);
    EXPECT_EQ(r(SCR), 0x34);
    EXPECT_EQ(rd(&as, U + 8, 1), 0u);  // beyond the 8 registers
    wr(&as, U + 0x10, 1, 0xff);
    EXPECT_EQ(sent, "");
}

// ---- CLINT ----------------------------------------------------------------

constexpr uint64_t C = VIRT_CLINT_BASE;

struct FakeClock {
    uint64_t t = 0;
    static uint64_t now(void *opaque) { return static_cast<FakeClock *>(opaque)->t; }
};

class ClintTest : public ::testing::Test {
protected:
    AddressSpace as;
    Clint clint;
    FakeClock clock;
    Pins pins;  // hart h: msip = pin 2h, mtip = pin 2h+1

    void SetUp() override {
        as_init(&as);
        clock.t = 123456;  // the board's clock need not start at 0
        ASSERT_TRUE(clint_init(&clint, 2, FakeClock::now, &clock));
        for (unsigned h = 0; h < 2; h++) clint_connect(&clint, h, pin(&pins, 2 * h), pin(&pins, 2 * h + 1));
        clint_reset(&clint);  // as the board does once the lines are connected
        ASSERT_NE(as_add_io(&as, "clint", VIRT_CLINT_BASE, VIRT_CLINT_SIZE, &clint_mem_ops, &clint), nullptr);
    }
    void TearDown() override {
        clint_destroy(&clint);
        as_destroy(&as);
    }
    void advance(uint64_t ticks) {
        clock.t += ticks;
        clint_update(&clint);
    }
};

TEST_F(ClintTest, MtimeFollowsTheClockFromZero) {
    EXPECT_EQ(rd(&as, C + 0xbff8, 8), 0u);
    clock.t += 500;
    EXPECT_EQ(rd(&as, C + 0xbff8, 8), 500u);
    EXPECT_EQ(clint_mtime(&clint), 500u);
    clock.t += 0x100000000ull;
    EXPECT_EQ(rd(&as, C + 0xbff8, 4), 500u);  // low half
    EXPECT_EQ(rd(&as, C + 0xbffc, 4), 1u);    // high half
}

TEST_F(ClintTest, MtimeWritable) {
    wr(&as, C + 0xbff8, 8, 0x100000000ull);
    EXPECT_EQ(rd(&as, C + 0xbff8, 8), 0x100000000ull);
    clock.t += 7;
    EXPECT_EQ(rd(&as, C + 0xbff8, 8), 0x100000007ull);
    wr(&as, C + 0xbff8, 4, 0x10);  // low half only
    EXPECT_EQ(rd(&as, C + 0xbff8, 8), 0x100000010ull);
}

TEST_F(ClintTest, TimerInterruptEdges) {
    // mtimecmp resets to 0 as in QEMU 7.2: MTIP is pending out of reset
    EXPECT_EQ(rd(&as, C + 0x4000, 8), 0u);
    EXPECT_EQ(pins.level[1], 1);
    EXPECT_EQ(pins.rises[1], 1);
    wr(&as, C + 0x4000, 8, 1000);
    EXPECT_EQ(rd(&as, C + 0x4000, 8), 1000u);
    EXPECT_EQ(pins.level[1], 0);
    advance(999);
    EXPECT_EQ(pins.level[1], 0);
    advance(1);  // mtime == mtimecmp
    EXPECT_EQ(pins.level[1], 1);
    EXPECT_EQ(pins.rises[1], 2);
    advance(50);
    EXPECT_EQ(pins.rises[1], 2);  // a level: no new edge while it stays up
    wr(&as, C + 0x4000, 8, 5000);  // the handler moves mtimecmp ahead
    EXPECT_EQ(pins.level[1], 0);
    wr(&as, C + 0x4000, 8, 10);  // into the past: at once
    EXPECT_EQ(pins.level[1], 1);
    wr(&as, C + 0x4008, 8, ~0ull);  // hart 1: never
    EXPECT_EQ(pins.level[3], 0);
    EXPECT_EQ(pins.level[1], 1);  // hart 0 untouched
    wr(&as, C + 0x4008, 8, 0);
    EXPECT_EQ(pins.level[3], 1);
}

TEST_F(ClintTest, MtimecmpHalves) {
    wr(&as, C + 0x4008, 4, 0x89abcdef);
    wr(&as, C + 0x400c, 4, 0x00000001);
    EXPECT_EQ(rd(&as, C + 0x4008, 8), 0x189abcdefull);
    EXPECT_EQ(rd(&as, C + 0x4008, 4), 0x89abcdefu);
    EXPECT_EQ(rd(&as, C + 0x400c, 4), 0x1u);
    // RV32-style update: high half to all-ones first never fires early.
    wr(&as, C + 0x400c, 4, 0xffffffff);
    wr(&as, C + 0x4008, 4, 300);
    wr(&as, C + 0x400c, 4, 0);
    EXPECT_EQ(rd(&as, C + 0x4008, 8), 300u);
    EXPECT_EQ(pins.rises[3], 1);  // only the one out of reset
    advance(300);
    EXPECT_EQ(pins.level[3], 1);
}

TEST_F(ClintTest, SoftwareInterrupts) {
    wr(&as, C + 0x0, 4, 1);
    EXPECT_EQ(pins.level[0], 1);
    EXPECT_EQ(pins.level[2], 0);
    EXPECT_EQ(rd(&as, C + 0x0, 4), 1u);
    wr(&as, C + 0x4, 4, 1);
    EXPECT_EQ(pins.level[2], 1);
    wr(&as, C + 0x0, 4, 2);  // only bit 0 is msip
    EXPECT_EQ(pins.level[0], 0);
    EXPECT_EQ(rd(&as, C + 0x0, 4), 0u);
    wr(&as, C + 0x4, 4, 0);
    EXPECT_EQ(pins.level[2], 0);
    EXPECT_EQ(rd(&as, C + 0x8, 4), 0u);  // no hart 2
}

TEST_F(ClintTest, NextDeadline) {
    EXPECT_EQ(clint_next_deadline(&clint), UINT64_MAX);
    wr(&as, C + 0x4000, 8, 3000);
    wr(&as, C + 0x4008, 8, 2000);
    advance(1000);
    // In the clock's units: 1000 ticks from now for hart 1.
    EXPECT_EQ(clint_next_deadline(&clint), clock.t + 1000);
    advance(1000);
    EXPECT_EQ(pins.level[3], 1);
    EXPECT_EQ(clint_next_deadline(&clint), clock.t + 1000);
    advance(1000);
    EXPECT_EQ(pins.level[1], 1);
    EXPECT_EQ(clint_next_deadline(&clint), UINT64_MAX);
    // A guest-written mtime shifts the deadline by the same amount.
    wr(&as, C + 0x4000, 8, 0x500000);
    wr(&as, C + 0xbff8, 8, 0x400000);
    EXPECT_EQ(clint_next_deadline(&clint), clock.t + 0x100000);
}

TEST_F(ClintTest, ResetAndAccessSizes) {
    wr(&as, C + 0x0, 4, 1);
    wr(&as, C + 0x4000, 8, 0);
    wr(&as, C + 0x4008, 8, ~0ull);
    clock.t += 99;
    clint_reset(&clint);
    EXPECT_EQ(pins.level[0], 0);
    EXPECT_EQ(pins.level[1], 1);  // mtimecmp back to 0: MTIP pending
    EXPECT_EQ(pins.level[3], 1);
    EXPECT_EQ(rd(&as, C + 0x4008, 8), 0u);
    EXPECT_EQ(rd(&as, C + 0xbff8, 8), 0u);
    uint64_t v;
    EXPECT_EQ(as_read(&as, C + 0xbff8, 1, &v), MEMTX_ERROR);
    EXPECT_EQ(as_read(&as, C + 0xbff8, 2, &v), MEMTX_ERROR);
}

// ---- PLIC -----------------------------------------------------------------

constexpr uint64_t P = VIRT_PLIC_BASE;
uint64_t prio(unsigned src) { return P + 4 * src; }
uint64_t pend(unsigned word) { return P + 0x1000 + 4 * word; }
uint64_t enable(unsigned ctx, unsigned word) { return P + 0x2000 + 0x80 * ctx + 4 * word; }
uint64_t threshold(unsigned ctx) { return P + 0x200000 + 0x1000 * ctx; }
uint64_t claim(unsigned ctx) { return P + 0x200004 + 0x1000 * ctx; }

class PlicTest : public ::testing::Test {
protected:
    AddressSpace as;
    Plic plic;
    Pins pins;  // pin n = context n

    void SetUp() override {
        as_init(&as);
        ASSERT_TRUE(plic_init(&plic, VIRT_PLIC_NUM_SOURCES, 2));
        for (unsigned ctx = 0; ctx < 4; ctx++) plic_connect(&plic, ctx, pin(&pins, (int)ctx));
        ASSERT_NE(as_add_io(&as, "plic", VIRT_PLIC_BASE, VIRT_PLIC_SIZE, &plic_mem_ops, &plic), nullptr);
    }
    void TearDown() override {
        plic_destroy(&plic);
        as_destroy(&as);
    }
    void raise(unsigned src, int level) {
        IrqLine l = plic_input(&plic, src);
        irq_set(&l, level);
    }
    uint32_t r(uint64_t a) { return (uint32_t)rd(&as, a, 4); }
    void w(uint64_t a, uint32_t v) { wr(&as, a, 4, v); }
};

TEST_F(PlicTest, ContextsAreMThenSPerHart) {
    EXPECT_EQ(plic_context(0, false), 0u);
    EXPECT_EQ(plic_context(0, true), 1u);
    EXPECT_EQ(plic_context(1, false), 2u);
    EXPECT_EQ(plic_context(1, true), 3u);
}

TEST_F(PlicTest, PriorityRegisters) {
    w(prio(10), 5);
    EXPECT_EQ(r(prio(10)), 5u);
    w(prio(10), 0xff);  // 3 priority bits, WARL
    EXPECT_EQ(r(prio(10)), 7u);
    w(prio(0), 3);  // source 0 does not exist
    EXPECT_EQ(r(prio(0)), 0u);
    w(prio(95), 1);
    EXPECT_EQ(r(prio(95)), 1u);
    w(prio(96), 1);  // Linux writes it when riscv,ndev says 96 (QEMU 7.2)
    EXPECT_EQ(r(prio(96)), 0u);
}

TEST_F(PlicTest, EnableBitsOnlyForRealSources) {
    w(enable(1, 0), 0xffffffff);
    EXPECT_EQ(r(enable(1, 0)), 0xfffffffeu);  // bit 0: source 0
    w(enable(1, 2), 0xffffffff);
    EXPECT_EQ(r(enable(1, 2)), 0xffffffffu);  // sources 64..95
    w(enable(1, 3), 0xffffffff);
    EXPECT_EQ(r(enable(1, 3)), 0u);  // 96.. do not exist
    EXPECT_EQ(r(enable(0, 0)), 0u);  // per context
    w(enable(9, 0), 0xffffffff);     // no context 9 on two harts
    EXPECT_EQ(r(enable(9, 0)), 0u);
}

TEST_F(PlicTest, PendingEnableThresholdClaimComplete) {
    w(prio(10), 1);
    w(enable(1, 0), 1u << 10);  // hart 0 S-mode
    raise(10, 1);
    EXPECT_EQ(r(pend(0)), 1u << 10);
    EXPECT_EQ(pins.level[1], 1);
    EXPECT_EQ(pins.level[0], 0);  // not enabled for M-mode
    w(threshold(1), 1);  // priority must exceed the threshold
    EXPECT_EQ(r(threshold(1)), 1u);
    EXPECT_EQ(pins.level[1], 0);
    w(threshold(1), 0);
    EXPECT_EQ(pins.level[1], 1);

    EXPECT_EQ(r(claim(1)), 10u);
    EXPECT_EQ(r(pend(0)), 0u);
    EXPECT_EQ(pins.level[1], 0);
    EXPECT_EQ(r(claim(1)), 0u);  // nothing else

    raise(10, 0);
    w(claim(1), 10);  // complete with the line low: stays quiet
    EXPECT_EQ(r(pend(0)), 0u);
    EXPECT_EQ(pins.level[1], 0);
    raise(10, 1);
    EXPECT_EQ(pins.level[1], 1);
}

TEST_F(PlicTest, GatewayHoldsAClaimedSourceUntilComplete) {
    w(prio(10), 1);
    w(enable(1, 0), 1u << 10);
    raise(10, 1);
    EXPECT_EQ(r(claim(1)), 10u);
    raise(10, 0);
    raise(10, 1);  // a new assertion while in flight is not forwarded
    EXPECT_EQ(r(pend(0)), 0u);
    EXPECT_EQ(pins.level[1], 0);
    w(claim(1), 10);  // complete: still asserted -> a new request
    EXPECT_EQ(r(pend(0)), 1u << 10);
    EXPECT_EQ(pins.level[1], 1);
    EXPECT_EQ(r(claim(1)), 10u);
}

TEST_F(PlicTest, ForwardedRequestIsNotRetracted) {
    // PLIC spec 1.0.0: once forwarded, a request stays pending even if the
    // level-sensitive source deasserts before it is claimed.
    w(prio(7), 2);
    w(enable(1, 0), 1u << 7);
    raise(7, 1);
    raise(7, 0);
    EXPECT_EQ(pins.level[1], 1);
    EXPECT_EQ(r(claim(1)), 7u);
    w(claim(1), 7);
    EXPECT_EQ(pins.level[1], 0);
}

TEST_F(PlicTest, ClaimOrderPriorityThenLowestId) {
    w(prio(5), 2);
    w(prio(9), 3);
    w(prio(7), 3);
    w(prio(40), 1);
    w(enable(1, 0), (1u << 5) | (1u << 7) | (1u << 9));
    w(enable(1, 1), 1u << (40 - 32));
    for (unsigned s : {5u, 7u, 9u, 40u}) raise(s, 1);
    EXPECT_EQ(r(pend(0)), (1u << 5) | (1u << 7) | (1u << 9));
    EXPECT_EQ(r(pend(1)), 1u << 8);
    EXPECT_EQ(r(claim(1)), 7u);
    EXPECT_EQ(r(claim(1)), 9u);
    EXPECT_EQ(r(claim(1)), 5u);
    EXPECT_EQ(r(claim(1)), 40u);
    EXPECT_EQ(r(claim(1)), 0u);
    EXPECT_EQ(pins.level[1], 0);
}

TEST_F(PlicTest, PriorityZeroNeverInterrupts) {
    w(enable(1, 0), 1u << 3);
    raise(3, 1);
    EXPECT_EQ(r(pend(0)), 1u << 3);
    EXPECT_EQ(pins.level[1], 0);
    EXPECT_EQ(r(claim(1)), 0u);
    w(prio(3), 1);
    EXPECT_EQ(pins.level[1], 1);
}

TEST_F(PlicTest, BothContextsOneClaimWins) {
    w(prio(10), 1);
    w(enable(0, 0), 1u << 10);  // M
    w(enable(1, 0), 1u << 10);  // S
    raise(10, 1);
    EXPECT_EQ(pins.level[0], 1);
    EXPECT_EQ(pins.level[1], 1);
    EXPECT_EQ(r(claim(0)), 10u);
    EXPECT_EQ(pins.level[0], 0);
    EXPECT_EQ(pins.level[1], 0);
    EXPECT_EQ(r(claim(1)), 0u);
    raise(10, 0);
    w(enable(1, 0), 0);
    // Completion by a context the source is not enabled for is ignored...
    w(claim(1), 10);
    raise(10, 1);
    EXPECT_EQ(r(pend(0)), 0u);  // ...so it is still in flight
    w(claim(0), 10);
    EXPECT_EQ(r(pend(0)), 1u << 10);
    EXPECT_EQ(pins.level[0], 1);
}

TEST_F(PlicTest, SecondHartContexts) {
    w(prio(33), 4);
    w(enable(3, 1), 1u << 1);  // hart 1 S-mode, source 33
    w(threshold(3), 3);
    raise(33, 1);
    EXPECT_EQ(pins.level[3], 1);
    EXPECT_EQ(pins.level[0] + pins.level[1] + pins.level[2], 0);
    w(threshold(3), 4);
    EXPECT_EQ(pins.level[3], 0);
    w(threshold(3), 0);
    EXPECT_EQ(r(claim(3)), 33u);
    EXPECT_EQ(pins.level[3], 0);
}

TEST_F(PlicTest, ReadOnlyPendingResetAndAccessSizes) {
    w(pend(0), 0xffffffff);
    EXPECT_EQ(r(pend(0)), 0u);
    w(prio(10), 1);
    w(enable(1, 0), 1u << 10);
    w(threshold(1), 0);
    raise(10, 1);
    EXPECT_EQ(pins.level[1], 1);
    plic_reset(&plic);
    EXPECT_EQ(pins.level[1], 0);
    EXPECT_EQ(r(prio(10)), 0u);
    EXPECT_EQ(r(enable(1, 0)), 0u);
    EXPECT_EQ(r(pend(0)), 1u << 10);  // the device still asserts it
    uint64_t v;
    EXPECT_EQ(as_read(&as, prio(10), 1, &v), MEMTX_ERROR);
    EXPECT_EQ(as_read(&as, prio(10), 8, &v), MEMTX_ERROR);
    EXPECT_EQ(as_write(&as, prio(10), 2, 1), MEMTX_ERROR);
}

TEST(PlicInit, RejectsBadCounts) {
    Plic p;
    EXPECT_FALSE(plic_init(&p, 1, 1));
    EXPECT_FALSE(plic_init(&p, 1025, 1));
    EXPECT_FALSE(plic_init(&p, 96, 0));
    ASSERT_TRUE(plic_init(&p, 1024, 1));
    plic_destroy(&p);
}

// ---- test finisher ----------------------------------------------------------

struct Shutdowns {
    std::vector<std::pair<VirtShutdownKind, int>> calls;
    static void cb(void *opaque, VirtShutdownKind kind, int code) {
        static_cast<Shutdowns *>(opaque)->calls.push_back({kind, code});
    }
};

TEST(VirtTestDevice, FinisherCodes) {
    AddressSpace as;
    as_init(&as);
    VirtTest t;
    Shutdowns s;
    virt_test_init(&t, Shutdowns::cb, &s);
    ASSERT_NE(as_add_io(&as, "test", VIRT_TEST_BASE, VIRT_TEST_SIZE, &virt_test_mem_ops, &t), nullptr);
    constexpr uint64_t T = VIRT_TEST_BASE;

    wr(&as, T, 4, 0x5555);
    wr(&as, T, 4, 0x3333 | (3u << 16));
    wr(&as, T, 4, 0x7777);
    wr(&as, T, 4, 0x1234);      // not a finisher code
    wr(&as, T + 4, 4, 0x5555);  // not offset 0
    wr(&as, T, 2, 0x5555);      // 16-bit stores work too (QEMU: 2..4 bytes)
    EXPECT_EQ(rd(&as, T, 4), 0u);
    uint64_t v;
    EXPECT_EQ(as_write(&as, T, 1, 0x55), MEMTX_ERROR);
    EXPECT_EQ(as_read(&as, T, 8, &v), MEMTX_ERROR);

    std::vector<std::pair<VirtShutdownKind, int>> want = {{VIRT_SHUTDOWN_POWEROFF, 0},
                                                          {VIRT_SHUTDOWN_FAIL, 3},
                                                          {VIRT_SHUTDOWN_RESET, 0},
                                                          {VIRT_SHUTDOWN_POWEROFF, 0}};
    EXPECT_EQ(s.calls, want);
    as_destroy(&as);
}

// ---- device tree ------------------------------------------------------------

struct Blob {
    void *fdt = nullptr;
    size_t size = 0;
    ~Blob() { free(fdt); }
};

VirtFdtConfig base_config(unsigned harts) {
    VirtFdtConfig cfg = {};
    cfg.ram_base = 0x80000000;
    cfg.ram_size = 128ull << 20;
    cfg.num_harts = harts;
    return cfg;
}

int node(const void *fdt, const std::string &path) { return fdt_path_offset(fdt, path.c_str()); }

std::string prop_raw(const void *fdt, const std::string &path, const char *name, bool *found = nullptr) {
    int len = 0;
    int off = node(fdt, path);
    const void *p = off >= 0 ? fdt_getprop(fdt, off, name, &len) : nullptr;
    if (found) *found = p != nullptr;
    return p ? std::string(static_cast<const char *>(p), (size_t)len) : std::string();
}

bool has_prop(const void *fdt, const std::string &path, const char *name) {
    bool found;
    prop_raw(fdt, path, name, &found);
    return found;
}

std::vector<uint32_t> cells(const void *fdt, const std::string &path, const char *name) {
    std::string raw = prop_raw(fdt, path, name);
    std::vector<uint32_t> out;
    for (size_t i = 0; i + 4 <= raw.size(); i += 4) {
        uint32_t be;
        memcpy(&be, raw.data() + i, 4);
        out.push_back(fdt32_to_cpu(be));
    }
    return out;
}

uint32_t u32(const void *fdt, const std::string &path, const char *name) {
    auto c = cells(fdt, path, name);
    EXPECT_EQ(c.size(), 1u) << path << " " << name;
    return c.empty() ? 0 : c[0];
}

// String (list) property with the NULs written as '|'.
std::string strs(const void *fdt, const std::string &path, const char *name) {
    std::string raw = prop_raw(fdt, path, name);
    if (!raw.empty() && raw.back() == '\0') raw.pop_back();
    for (char &c : raw)
        if (c == '\0') c = '|';
    return raw;
}

std::string phandle_path(const void *fdt, uint32_t ph) {
    int off = fdt_node_offset_by_phandle(fdt, ph);
    char buf[256];
    if (off < 0 || fdt_get_path(fdt, off, buf, sizeof buf) != 0) return "<bad phandle>";
    return buf;
}

using Cells = std::vector<uint32_t>;

TEST(VirtFdt, MatchesQemuVirtLayout) {
    // Expected values: qemu-system-riscv64 7.2 `-M virt,dumpdtb` (-m 128M).
    VirtFdtConfig cfg = base_config(1);
    cfg.bootargs = "console=ttyS0 earlycon";
    cfg.initrd_start = 0x88000000;
    cfg.initrd_end = 0x88123456;
    Blob b;
    ASSERT_EQ(virt_fdt_build(&cfg, &b.fdt, &b.size), 0);
    const void *f = b.fdt;
    ASSERT_EQ(fdt_check_header(f), 0);
    EXPECT_EQ(fdt_totalsize(f), b.size);

    EXPECT_EQ(u32(f, "/", "#address-cells"), 2u);
    EXPECT_EQ(u32(f, "/", "#size-cells"), 2u);
    EXPECT_EQ(strs(f, "/", "compatible"), "riscv-virtio");

    EXPECT_EQ(strs(f, "/chosen", "stdout-path"), "/soc/serial@10000000");
    EXPECT_EQ(strs(f, "/chosen", "bootargs"), "console=ttyS0 earlycon");
    EXPECT_EQ(cells(f, "/chosen", "linux,initrd-start"), (Cells{0, 0x88000000}));
    EXPECT_EQ(cells(f, "/chosen", "linux,initrd-end"), (Cells{0, 0x88123456}));

    EXPECT_EQ(strs(f, "/memory@80000000", "device_type"), "memory");
    EXPECT_EQ(cells(f, "/memory@80000000", "reg"), (Cells{0, 0x80000000, 0, 0x8000000}));

    EXPECT_EQ(u32(f, "/cpus", "#address-cells"), 1u);
    EXPECT_EQ(u32(f, "/cpus", "#size-cells"), 0u);
    EXPECT_EQ(u32(f, "/cpus", "timebase-frequency"), 0x989680u);
    const std::string cpu = "/cpus/cpu@0", intc = "/cpus/cpu@0/interrupt-controller";
    EXPECT_EQ(strs(f, cpu, "device_type"), "cpu");
    EXPECT_EQ(u32(f, cpu, "reg"), 0u);
    EXPECT_EQ(strs(f, cpu, "status"), "okay");
    EXPECT_EQ(strs(f, cpu, "compatible"), "riscv");
    EXPECT_EQ(strs(f, cpu, "riscv,isa"), "rv64imafdc_zicsr_zifencei");
    EXPECT_EQ(strs(f, cpu, "mmu-type"), "riscv,sv48");
    EXPECT_EQ(strs(f, intc, "compatible"), "riscv,cpu-intc");
    EXPECT_EQ(u32(f, intc, "#interrupt-cells"), 1u);
    EXPECT_TRUE(has_prop(f, intc, "interrupt-controller"));
    EXPECT_EQ(phandle_path(f, u32(f, "/cpus/cpu-map/cluster0/core0", "cpu")), cpu);
    uint32_t intc_ph = fdt_get_phandle(f, node(f, intc));
    ASSERT_NE(intc_ph, 0u);

    EXPECT_EQ(strs(f, "/soc", "compatible"), "simple-bus");
    EXPECT_EQ(u32(f, "/soc", "#address-cells"), 2u);
    EXPECT_EQ(u32(f, "/soc", "#size-cells"), 2u);
    EXPECT_TRUE(has_prop(f, "/soc", "ranges"));
    EXPECT_EQ(prop_raw(f, "/soc", "ranges"), "");

    const std::string clint = "/soc/clint@2000000";
    EXPECT_EQ(strs(f, clint, "compatible"), "sifive,clint0|riscv,clint0");
    EXPECT_EQ(cells(f, clint, "reg"), (Cells{0, 0x2000000, 0, 0x10000}));
    EXPECT_EQ(cells(f, clint, "interrupts-extended"), (Cells{intc_ph, 3, intc_ph, 7}));

    const std::string plic = "/soc/plic@c000000";
    EXPECT_EQ(strs(f, plic, "compatible"), "sifive,plic-1.0.0|riscv,plic0");
    EXPECT_EQ(cells(f, plic, "reg"), (Cells{0, 0xc000000, 0, 0x600000}));
    EXPECT_EQ(cells(f, plic, "interrupts-extended"), (Cells{intc_ph, 11, intc_ph, 9}));
    EXPECT_EQ(u32(f, plic, "riscv,ndev"), 95u);  // sources 1..95 (QEMU 7.2 says 96)
    EXPECT_TRUE(has_prop(f, plic, "interrupt-controller"));
    EXPECT_EQ(u32(f, plic, "#interrupt-cells"), 1u);
    EXPECT_EQ(u32(f, plic, "#address-cells"), 0u);
    uint32_t plic_ph = fdt_get_phandle(f, node(f, plic));
    ASSERT_NE(plic_ph, 0u);

    const std::string uart = "/soc/serial@10000000";
    EXPECT_EQ(strs(f, uart, "compatible"), "ns16550a");
    EXPECT_EQ(cells(f, uart, "reg"), (Cells{0, 0x10000000, 0, 0x100}));
    EXPECT_EQ(u32(f, uart, "clock-frequency"), 0x384000u);
    EXPECT_EQ(u32(f, uart, "interrupts"), 10u);
    EXPECT_EQ(u32(f, uart, "interrupt-parent"), plic_ph);

    const std::string test = "/soc/test@100000";
    EXPECT_EQ(strs(f, test, "compatible"), "sifive,test1|sifive,test0|syscon");
    EXPECT_EQ(cells(f, test, "reg"), (Cells{0, 0x100000, 0, 0x1000}));
    uint32_t test_ph = fdt_get_phandle(f, node(f, test));
    ASSERT_NE(test_ph, 0u);
    EXPECT_EQ(strs(f, "/poweroff", "compatible"), "syscon-poweroff");
    EXPECT_EQ(u32(f, "/poweroff", "regmap"), test_ph);
    EXPECT_EQ(u32(f, "/poweroff", "offset"), 0u);
    EXPECT_EQ(u32(f, "/poweroff", "value"), 0x5555u);
    EXPECT_EQ(strs(f, "/reboot", "compatible"), "syscon-reboot");
    EXPECT_EQ(u32(f, "/reboot", "regmap"), test_ph);
    EXPECT_EQ(u32(f, "/reboot", "offset"), 0u);
    EXPECT_EQ(u32(f, "/reboot", "value"), 0x7777u);

    // Drivers find the nodes by compatible.
    for (const char *c : {"riscv,cpu-intc", "riscv,clint0", "riscv,plic0", "ns16550a", "sifive,test0",
                          "syscon-poweroff", "syscon-reboot"})
        EXPECT_GE(fdt_node_offset_by_compatible(f, -1, c), 0) << c;
}

TEST(VirtFdt, PhandlesUniqueAndResolvable) {
    Blob b;
    VirtFdtConfig cfg = base_config(3);
    ASSERT_EQ(virt_fdt_build(&cfg, &b.fdt, &b.size), 0);
    const void *f = b.fdt;
    std::set<uint32_t> seen;
    int depth = 0;
    for (int off = fdt_next_node(f, -1, &depth); off >= 0; off = fdt_next_node(f, off, &depth)) {
        uint32_t ph = fdt_get_phandle(f, off);
        if (!ph) continue;
        EXPECT_TRUE(seen.insert(ph).second) << "duplicate phandle " << ph;
        EXPECT_NE(ph, 0xffffffffu);
        EXPECT_EQ(fdt_node_offset_by_phandle(f, ph), off);
    }
    EXPECT_EQ(seen.size(), 3u * 2 + 2);  // cpus, intcs, plic, test
    // Every reference points at a node of the right kind.
    for (unsigned h = 0; h < 3; h++)
        EXPECT_EQ(phandle_path(f, u32(f, "/cpus/cpu-map/cluster0/core" + std::to_string(h), "cpu")),
                  "/cpus/cpu@" + std::to_string(h));
    EXPECT_EQ(phandle_path(f, u32(f, "/soc/serial@10000000", "interrupt-parent")), "/soc/plic@c000000");
    EXPECT_EQ(phandle_path(f, u32(f, "/poweroff", "regmap")), "/soc/test@100000");
}

TEST(VirtFdt, InterruptsExtendedPerHart) {
    Blob b;
    VirtFdtConfig cfg = base_config(4);
    ASSERT_EQ(virt_fdt_build(&cfg, &b.fdt, &b.size), 0);
    const void *f = b.fdt;
    Cells clint = cells(f, "/soc/clint@2000000", "interrupts-extended");
    Cells plic = cells(f, "/soc/plic@c000000", "interrupts-extended");
    ASSERT_EQ(clint.size(), 16u);
    ASSERT_EQ(plic.size(), 16u);
    for (unsigned h = 0; h < 4; h++) {
        std::string cpu = "/cpus/cpu@" + std::to_string(h);
        EXPECT_EQ(u32(f, cpu, "reg"), h);
        std::string intc = cpu + "/interrupt-controller";
        // CLINT: MSIP (3), MTIP (7); PLIC context 2h: MEIP (11), 2h+1: SEIP (9).
        EXPECT_EQ(phandle_path(f, clint[4 * h]), intc);
        EXPECT_EQ(clint[4 * h + 1], 3u);
        EXPECT_EQ(phandle_path(f, clint[4 * h + 2]), intc);
        EXPECT_EQ(clint[4 * h + 3], 7u);
        EXPECT_EQ(phandle_path(f, plic[4 * h]), intc);
        EXPECT_EQ(plic[4 * h + 1], 11u);
        EXPECT_EQ(phandle_path(f, plic[4 * h + 2]), intc);
        EXPECT_EQ(plic[4 * h + 3], 9u);
    }
}

TEST(VirtFdt, ChosenPatchedAfterBuild) {
    Blob b;
    VirtFdtConfig cfg = base_config(1);
    cfg.isa = "rv64imafdc";
    cfg.mmu_type = "riscv,sv39";
    cfg.ram_size = 2ull << 30;
    ASSERT_EQ(virt_fdt_build(&cfg, &b.fdt, &b.size), 0);
    EXPECT_EQ(strs(b.fdt, "/cpus/cpu@0", "riscv,isa"), "rv64imafdc");
    EXPECT_EQ(strs(b.fdt, "/cpus/cpu@0", "mmu-type"), "riscv,sv39");
    EXPECT_EQ(cells(b.fdt, "/memory@80000000", "reg"), (Cells{0, 0x80000000, 0, 0x80000000}));
    EXPECT_FALSE(has_prop(b.fdt, "/chosen", "bootargs"));
    EXPECT_FALSE(has_prop(b.fdt, "/chosen", "linux,initrd-start"));
    EXPECT_GE(fdt_totalsize(b.fdt) - (fdt_off_dt_strings(b.fdt) + fdt_size_dt_strings(b.fdt)),
              (uint32_t)VIRT_FDT_SPARE);

    ASSERT_EQ(virt_fdt_set_initrd(b.fdt, 0x1'0000'0000ull, 0x1'0010'0000ull), 0);
    std::string args(1000, 'a');
    ASSERT_EQ(virt_fdt_set_bootargs(b.fdt, args.c_str()), 0);
    ASSERT_EQ(virt_fdt_set_bootargs(b.fdt, "console=ttyS0"), 0);
    EXPECT_EQ(fdt_check_header(b.fdt), 0);
    EXPECT_EQ(fdt_totalsize(b.fdt), b.size);  // patched in place
    EXPECT_EQ(strs(b.fdt, "/chosen", "bootargs"), "console=ttyS0");
    EXPECT_EQ(cells(b.fdt, "/chosen", "linux,initrd-start"), (Cells{1, 0}));
    EXPECT_EQ(cells(b.fdt, "/chosen", "linux,initrd-end"), (Cells{1, 0x100000}));
    EXPECT_EQ(strs(b.fdt, "/chosen", "stdout-path"), "/soc/serial@10000000");
}

TEST(VirtFdt, RejectsBadConfig) {
    void *blob = nullptr;
    size_t size = 0;
    VirtFdtConfig cfg = base_config(0);
    EXPECT_EQ(virt_fdt_build(&cfg, &blob, &size), -FDT_ERR_BADVALUE);
    cfg = base_config(VIRT_MAX_HARTS + 1);
    EXPECT_EQ(virt_fdt_build(&cfg, &blob, &size), -FDT_ERR_BADVALUE);
    cfg = base_config(1);
    cfg.initrd_start = 2;
    cfg.initrd_end = 1;
    EXPECT_EQ(virt_fdt_build(&cfg, &blob, &size), -FDT_ERR_BADVALUE);
    EXPECT_EQ(blob, nullptr);
    cfg = base_config(VIRT_MAX_HARTS);  // the largest board still fits
    ASSERT_EQ(virt_fdt_build(&cfg, &blob, &size), 0);
    EXPECT_EQ(fdt_check_header(blob), 0);
    free(blob);
}

// ---- external tools: dtc and QEMU's own tree -------------------------------

bool have_tool(const char *name) {
    std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
    return system(cmd.c_str()) == 0;
}

std::string tmp_path(const char *name) {
    const char *dir = getenv("TEST_TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/" + name;
}

std::string slurp(const std::string &path) {
    std::string out;
    FILE *fp = fopen(path.c_str(), "rb");
    if (!fp) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) out.append(buf, n);
    fclose(fp);
    return out;
}

bool spit(const std::string &path, const void *data, size_t len) {
    FILE *fp = fopen(path.c_str(), "wb");
    if (!fp) return false;
    bool ok = fwrite(data, 1, len, fp) == len;
    return fclose(fp) == 0 && ok;
}

TEST(VirtFdtTools, DtcDecompilesIt) {
    if (!have_tool("dtc")) GTEST_SKIP() << "dtc not installed (device-tree-compiler): dtc check skipped";
    Blob b;
    VirtFdtConfig cfg = base_config(2);
    cfg.bootargs = "console=ttyS0";
    ASSERT_EQ(virt_fdt_build(&cfg, &b.fdt, &b.size), 0);
    std::string dtb = tmp_path("vplat_virt.dtb"), dts = tmp_path("vplat_virt.dts"), err = tmp_path("dtc.err");
    ASSERT_TRUE(spit(dtb, b.fdt, b.size));
    std::string cmd = "dtc -I dtb -O dts -o " + dts + " " + dtb + " 2>" + err;
    ASSERT_EQ(system(cmd.c_str()), 0) << slurp(err);
    std::string text = slurp(dts);
    EXPECT_NE(text.find("serial@10000000"), std::string::npos);
    EXPECT_NE(text.find("compatible = \"ns16550a\";"), std::string::npos);
    // dtc's only complaint about QEMU's own tree is also the only one
    // allowed here: riscv,cpu-intc nodes without #address-cells.
    std::string warnings = slurp(err), line;
    size_t pos = 0;
    while (pos < warnings.size()) {
        size_t nl = warnings.find('\n', pos);
        line = warnings.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? warnings.size() : nl + 1;
        if (line.empty()) continue;
        bool known = line.find("(interrupt_provider)") != std::string::npos &&
                     line.find("/interrupt-controller: Missing #address-cells") != std::string::npos;
        EXPECT_TRUE(known) << line;
    }
}

// Properties whose value is a phandle, or (phandle, cell) pairs.
const std::set<std::string> kPhandleProps = {"phandle", "interrupt-parent", "regmap", "cpu"};
const std::set<std::string> kPairProps = {"interrupts-extended"};

// A property's value with phandles replaced by the path they name.
std::string canonical(const void *fdt, const char *name, const void *val, int len) {
    std::string n = name;
    if (n == "interrupt-map") {
        // PCI host: entries of <addr(3) pin(1) phandle(1) irq(1)>.
        std::string out;
        for (int i = 0; i + 4 <= len; i += 4) {
            uint32_t be;
            memcpy(&be, static_cast<const char *>(val) + i, 4);
            uint32_t c = fdt32_to_cpu(be);
            out += (i / 4) % 6 == 4 ? "<" + phandle_path(fdt, c) + ">" : std::to_string(c) + ",";
        }
        return out;
    }
    if (!kPhandleProps.count(n) && !kPairProps.count(n)) return std::string(static_cast<const char *>(val), len);
    std::string out;
    for (int i = 0; i + 4 <= len; i += 4) {
        uint32_t be;
        memcpy(&be, static_cast<const char *>(val) + i, 4);
        uint32_t c = fdt32_to_cpu(be);
        bool is_ref = kPhandleProps.count(n) ? true : (i / 4) % 2 == 0;
        if (n == "phandle") {
            out += "<self>";  // values differ; references are compared as paths
        } else if (is_ref) {
            out += "<" + phandle_path(fdt, c) + ">";
        } else {
            out += std::to_string(c) + ",";
        }
    }
    return out;
}

std::map<std::string, std::string> props_of(const void *fdt, const std::string &path) {
    std::map<std::string, std::string> out;
    int off = node(fdt, path);
    if (off < 0) return out;
    int p;
    fdt_for_each_property_offset(p, fdt, off) {
        const char *name;
        int len;
        const void *val = fdt_getprop_by_offset(fdt, p, &name, &len);
        out[name] = canonical(fdt, name, val, len);
    }
    return out;
}

std::set<std::string> children_of(const void *fdt, const std::string &path) {
    std::set<std::string> out;
    int off = node(fdt, path), child;
    if (off < 0) return out;
    fdt_for_each_subnode(child, fdt, off) out.insert(fdt_get_name(fdt, child, nullptr));
    return out;
}

TEST(VirtFdtTools, SameNodesAsQemuVirt) {
    if (!have_tool("qemu-system-riscv64"))
        GTEST_SKIP() << "qemu-system-riscv64 not installed (qemu-system-misc): comparison skipped";
    std::string qdtb = tmp_path("qemu_virt.dtb"), log = tmp_path("qemu.log");
    std::string cmd = "qemu-system-riscv64 -M virt,dumpdtb=" + qdtb +
                      " -smp 2 -m 256M -nographic </dev/null >" + log + " 2>&1";
    ASSERT_EQ(system(cmd.c_str()), 0) << slurp(log);
    std::string q = slurp(qdtb);
    ASSERT_EQ(fdt_check_header(q.data()), 0);
    const void *qf = q.data();

    // The board's tree: the standard devices plus the PCIe host.
    Blob b;
    VirtFdtConfig cfg = base_config(2);
    cfg.ram_size = 256ull << 20;
    VirtFdt tree;
    ASSERT_EQ(virt_fdt_begin(&tree, &cfg), 0);
    ASSERT_EQ(virt_fdt_add_devices(&tree), 0);
    ASSERT_EQ(virt_pci_fdt_node(&tree, cfg.ram_size), 0);
    ASSERT_EQ(virt_fdt_finish(&tree, &b.fdt, &b.size), 0);
    const void *vf = b.fdt;

    // What vplat deliberately says differently (see virt_fdt.h, plic.c).
    const std::set<std::string> deviations = {
        "/:model",                      // riscv-virtio,vplat
        "/chosen:rng-seed",             // no random seed: runs stay deterministic
        "/cpus/cpu@0:riscv,isa",        // vplat's extensions, not QEMU's
        "/cpus/cpu@1:riscv,isa",
        "/soc/plic@c000000:riscv,ndev",  // 95, QEMU 7.2's 96 is off by one
    };
    const char *paths[] = {"/", "/chosen", "/memory@80000000", "/cpus", "/cpus/cpu@0", "/cpus/cpu@1",
                           "/cpus/cpu@0/interrupt-controller", "/cpus/cpu@1/interrupt-controller",
                           "/cpus/cpu-map/cluster0/core0", "/cpus/cpu-map/cluster0/core1", "/soc",
                           "/soc/clint@2000000", "/soc/plic@c000000", "/soc/serial@10000000",
                           "/soc/test@100000", "/soc/pci@30000000", "/poweroff", "/reboot"};
    for (const char *path : paths) {
        auto qp = props_of(qf, path), vp = props_of(vf, path);
        ASSERT_GE(node(qf, path), 0) << "QEMU has no " << path;
        ASSERT_GE(node(vf, path), 0) << "vplat has no " << path;
        std::set<std::string> names;
        for (auto &kv : qp) names.insert(kv.first);
        for (auto &kv : vp) names.insert(kv.first);
        for (const std::string &name : names) {
            if (deviations.count(std::string(path) + ":" + name)) continue;
            EXPECT_TRUE(qp.count(name)) << path << ": vplat has extra property " << name;
            EXPECT_TRUE(vp.count(name)) << path << ": vplat lacks property " << name;
            if (qp.count(name) && vp.count(name)) {
                EXPECT_EQ(vp[name], qp[name]) << path << ":" << name;
            }
        }
    }
    // Every node vplat has, QEMU has too (vplat leaves out what it lacks).
    for (const char *path : {"/", "/soc", "/cpus", "/cpus/cpu@0", "/cpus/cpu-map/cluster0"}) {
        auto qc = children_of(qf, path);
        for (const std::string &c : children_of(vf, path)) EXPECT_TRUE(qc.count(c)) << path << "/" << c;
    }
    EXPECT_EQ(children_of(vf, "/cpus"), (std::set<std::string>{"cpu@0", "cpu@1", "cpu-map"}));
}

}  // namespace
