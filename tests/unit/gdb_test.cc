// gdb_test.cc — the gdb stub without gdb: the wire format (framing,
// checksums, escaping, hex) against the protocol's definition, hostile
// bytes and packets (garbage, overlong, bad hex, bad checksums) that must
// never crash it, and the commands driven through a GdbSession over a real
// RISC-V hart: registers, memory, target description, breakpoints,
// watchpoints and steps run by cpu_exec under the interpreter, the
// native JIT and the LLVM JIT.  Packets are built here from the protocol's rules (checksum
// = sum of the data bytes mod 256), never from the stub's own encoder;
// program encodings come from GNU as, expected values are worked out by
// hand from the instructions.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/unit/vplat_c.h"
extern "C" {
#include "jit-llvm/jitl.h"
#include "jit-native/jitn.h"
}

namespace {

// ---- the wire format, as the protocol defines it ----

std::string Hex2(unsigned v) {
    static const char d[] = "0123456789abcdef";
    return std::string{d[(v >> 4) & 15], d[v & 15]};
}

// "$data#cs" for data given as it goes on the wire (already escaped).
std::string Wire(const std::string &data) {
    unsigned sum = 0;
    for (unsigned char c : data) sum += c;
    return "$" + data + "#" + Hex2(sum & 0xff);
}

std::string LeHex(uint64_t v, int bytes) {
    std::string s;
    for (int i = 0; i < bytes; i++) s += Hex2((unsigned)(v >> (8 * i)) & 0xff);
    return s;
}

// Split the stub's output into packets (checked and unescaped); acks are
// counted apart.
struct Parsed {
    std::vector<std::string> packets;
    int acks = 0, naks = 0;
    bool well_formed = true;
};

Parsed ParseOutput(const std::string &out) {
    Parsed p;
    size_t i = 0;
    while (i < out.size()) {
        char c = out[i];
        if (c == '+') { p.acks++; i++; continue; }
        if (c == '-') { p.naks++; i++; continue; }
        if (c != '$') { p.well_formed = false; i++; continue; }
        size_t hash = out.find('#', i + 1);
        if (hash == std::string::npos || hash + 2 >= out.size() + 0 || hash + 3 > out.size()) {
            p.well_formed = false;
            break;
        }
        unsigned sum = 0;
        std::string data;
        for (size_t k = i + 1; k < hash; k++) {
            unsigned char b = (unsigned char)out[k];
            sum += b;
            if (b == '}' && k + 1 < hash) {
                k++;
                sum += (unsigned char)out[k];
                data += (char)((unsigned char)out[k] ^ 0x20);
            } else {
                data += (char)b;
            }
        }
        if (out.substr(hash + 1, 2) != Hex2(sum & 0xff)) p.well_formed = false;
        p.packets.push_back(data);
        i = hash + 3;
    }
    return p;
}

// ---- framing ----

std::vector<GdbRxEvent> Feed(GdbRx *rx, const std::string &bytes) {
    std::vector<GdbRxEvent> ev;
    for (unsigned char c : bytes) {
        GdbRxEvent e = gdb_rx_byte(rx, c);
        if (e != GDB_RX_NONE) ev.push_back(e);
    }
    return ev;
}

TEST(GdbProto, GoodPacketAndControlBytes) {
    GdbRx rx;
    gdb_rx_init(&rx);
    auto ev = Feed(&rx, "+" + Wire("qSupported:swbreak+") + "-\x03");
    ASSERT_EQ(ev.size(), 4u);
    EXPECT_EQ(ev[0], GDB_RX_ACK);
    EXPECT_EQ(ev[1], GDB_RX_PACKET);
    EXPECT_EQ(ev[2], GDB_RX_NAK);
    EXPECT_EQ(ev[3], GDB_RX_INTERRUPT);
    EXPECT_EQ(std::string((const char *)rx.buf, rx.len), "qSupported:swbreak+");
    // the protocol's own example: "$OK#9a"
    gdb_rx_init(&rx);
    ev = Feed(&rx, "$OK#9a");
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0], GDB_RX_PACKET);
    // checksum digits in upper case are hex too
    ev = Feed(&rx, "$OK#9A");
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0], GDB_RX_PACKET);
}

TEST(GdbProto, BadChecksumsAndDigits) {
    GdbRx rx;
    gdb_rx_init(&rx);
    for (const char *bad : {"$OK#9b", "$OK#zz", "$OK#9", "$OK#g0"}) {
        gdb_rx_init(&rx);
        auto ev = Feed(&rx, std::string(bad) + "#");
        ASSERT_FALSE(ev.empty()) << bad;
        EXPECT_EQ(ev[0], GDB_RX_BAD) << bad;
    }
    // after a bad one, the next good one still parses
    gdb_rx_init(&rx);
    auto ev = Feed(&rx, "$OK#00" + Wire("g"));
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0], GDB_RX_BAD);
    EXPECT_EQ(ev[1], GDB_RX_PACKET);
    EXPECT_EQ(std::string((const char *)rx.buf, rx.len), "g");
}

TEST(GdbProto, RestartOnDollarAndNoiseBetweenPackets) {
    GdbRx rx;
    gdb_rx_init(&rx);
    auto ev = Feed(&rx, "garbage\r\n$half-a-packet" + Wire("m10,4") + "xyz");
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0], GDB_RX_PACKET);
    EXPECT_EQ(std::string((const char *)rx.buf, rx.len), "m10,4");
}

TEST(GdbProto, EscapesDecodeAndEncode) {
    // "}" followed by c ^ 0x20 stands for c; the checksum covers the wire bytes
    std::string wire_data = std::string("X0,4:a") + "}\x03" + "}\x5d" + "}\x04";   // a # } $
    GdbRx rx;
    gdb_rx_init(&rx);
    auto ev = Feed(&rx, Wire(wire_data));
    ASSERT_EQ(ev.size(), 1u);
    ASSERT_EQ(ev[0], GDB_RX_PACKET);
    EXPECT_EQ(std::string((const char *)rx.buf, rx.len), "X0,4:a#}$");
    // the encoder escapes $ # } * and its checksum matches
    const std::string raw = "a$b#c}d*e";
    uint8_t out[64];
    size_t n = gdb_packet_encode(raw.data(), raw.size(), out, sizeof out);
    std::string enc((const char *)out, n);
    EXPECT_EQ(enc, Wire("a}\x04" "b}\x03" "c}\x5d" "d}\x0a" "e"));
    Parsed p = ParseOutput(enc);
    ASSERT_EQ(p.packets.size(), 1u);
    EXPECT_TRUE(p.well_formed);
    EXPECT_EQ(p.packets[0], raw);
    // too small a buffer: 0, nothing half-written counted
    EXPECT_EQ(gdb_packet_encode(raw.data(), raw.size(), out, 8), 0u);
}

TEST(GdbProto, OverlongPacketIsRejectedAndBounded) {
    GdbRx rx;
    gdb_rx_init(&rx);
    std::string big(GDB_PACKET_MAX + 100, 'A');
    auto ev = Feed(&rx, Wire(big));
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0], GDB_RX_BAD);
    EXPECT_LE(rx.len, (size_t)GDB_PACKET_MAX);
    // exactly the maximum is fine
    std::string max(GDB_PACKET_MAX, 'B');
    ev = Feed(&rx, Wire(max));
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0], GDB_RX_PACKET);
    EXPECT_EQ(rx.len, (size_t)GDB_PACKET_MAX);
}

TEST(GdbProto, HexParsing) {
    const char *s = "ffffffffffffffff,";
    const char *p = s;
    uint64_t v;
    ASSERT_TRUE(gdb_parse_hex(&p, s + strlen(s), &v));
    EXPECT_EQ(v, ~0ull);
    EXPECT_EQ(*p, ',');
    s = "00000000000000000000001A";   // leading zeros are not overflow
    p = s;
    ASSERT_TRUE(gdb_parse_hex(&p, s + strlen(s), &v));
    EXPECT_EQ(v, 0x1aull);
    s = "10000000000000000";          // 17 significant digits
    p = s;
    EXPECT_FALSE(gdb_parse_hex(&p, s + strlen(s), &v));
    s = ",5";
    p = s;
    EXPECT_FALSE(gdb_parse_hex(&p, s + strlen(s), &v));
    uint8_t b[2];
    EXPECT_TRUE(gdb_hex_decode("0aFf", 2, b));
    EXPECT_EQ(b[0], 0x0a);
    EXPECT_EQ(b[1], 0xff);
    EXPECT_FALSE(gdb_hex_decode("0g", 1, b));
}

TEST(GdbProto, RandomBytesNeverCrash) {
    std::mt19937_64 rng(7);
    GdbRx rx;
    gdb_rx_init(&rx);
    const char alphabet[] = "$#}*+-\x03" "0123456789abcdefABCDEFgq:;,";
    size_t packets = 0;
    for (int i = 0; i < 2000000; i++) {
        uint8_t c = (rng() & 1) ? (uint8_t)rng() : (uint8_t)alphabet[rng() % (sizeof alphabet - 1)];
        if (gdb_rx_byte(&rx, c) == GDB_RX_PACKET) packets++;
        ASSERT_LE(rx.len, (size_t)GDB_PACKET_MAX);
    }
    EXPECT_GT(packets, 0u);   // some random packets do have a right checksum
}

// ---- a session over a real hart ----

constexpr uint64_t kCode = 0x10000;
constexpr uint64_t kData = 0x40000;

void Capture(void *opaque, const uint8_t *b, size_t n) { static_cast<std::string *>(opaque)->append((const char *)b, n); }

struct Target {
    GuestMem mem;
    std::unique_ptr<RvCpu> cpu{new RvCpu()};
    CpuDebug dbg;
    std::unique_ptr<GdbSession> s{new GdbSession()};
    std::string out;
    CpuState *cs;

    Target(const char *jit, const std::vector<uint32_t> &code) {
        EXPECT_TRUE(mem_init(&mem, 1ull << 30));
        EXPECT_TRUE(mem_map(&mem, kCode, 0x2000, MEM_PAGE_READ | MEM_PAGE_WRITE | MEM_PAGE_EXEC));
        EXPECT_TRUE(mem_write(&mem, kCode, code.data(), code.size() * 4));
        EXPECT_TRUE(mem_protect(&mem, kCode, 0x2000, MEM_PAGE_READ | MEM_PAGE_EXEC));   // .text-like
        EXPECT_TRUE(mem_map(&mem, kData, 0x1000, MEM_PAGE_READ | MEM_PAGE_WRITE));
        rv_cpu_init_user(cpu.get(), &mem);
        cs = &cpu->cs;
        cpu_set_tier(cs, &interp_tier);
        if (strcmp(jit, "none") != 0) {   // every block hot at once
            char err[128];
            cs->jit_sync = true;             // LLVM compiles before the block runs again
            EXPECT_TRUE(cpu_set_hot_tier(cs, !strcmp(jit, "llvm") ? &jitl_tier : &jitn_tier, 0, err, sizeof err)) << err;
        }
        cpu_install_fault_handler();
        // as the Linux user mode does: writes into translated code drop it
        mem.code_write = [](void *o, uint64_t a, uint64_t l) { tb_invalidate_range(((CpuState *)o)->tbs, a, l); };
        mem.code_write_opaque = cs;
        cpu_debug_init(&dbg);
        cpu_debug_attach(cs, &dbg);
        gdb_session_init(s.get(), cs, Capture, &out);
        cs->pc = kCode;
    }
    ~Target() {
        cs->debug = nullptr;
        rv_cpu_destroy(cpu.get());
        cpu_debug_destroy(&dbg);
        mem_destroy(&mem);
    }
    // Send one packet; returns the action and leaves the output in `out`.
    GdbAction Send(const std::string &data) {
        out.clear();
        std::string w = Wire(data);
        size_t used = 0;
        GdbAction a = gdb_session_input(s.get(), (const uint8_t *)w.data(), w.size(), &used);
        EXPECT_EQ(used, w.size());
        return a;
    }
    // Send one packet that must be answered with exactly one reply.
    std::string Ask(const std::string &data) {
        EXPECT_EQ(Send(data), GDB_ACT_NONE) << data;
        Parsed p = ParseOutput(out);
        EXPECT_TRUE(p.well_formed) << out;
        EXPECT_EQ(p.packets.size(), 1u) << data << " -> " << out;
        return p.packets.empty() ? "<none>" : p.packets[0];
    }
    uint64_t X(int n) { return cs->vals[n]; }
    // Run until the CPU stops for the debugger or makes a syscall.
    CpuExitReason Run() {
        for (int i = 0; i < 100; i++) {
            CpuExitReason r = cpu_exec(cs);
            if (r == CPU_EXIT_REQUEST) continue;
            if (r == CPU_EXIT_DEBUG) {
                CpuStop st = cpu_debug_take_stop(cs);
                if (st.kind == CPU_STOP_NONE) continue;   // a step over finished
                stop = st;
            }
            return r;
        }
        return CPU_EXIT_REQUEST;
    }
    std::string StopReply() {
        out.clear();
        gdb_session_report_stop(s.get(), &stop);
        Parsed p = ParseOutput(out);
        return p.packets.size() == 1 ? p.packets[0] : "<bad>";
    }
    CpuStop stop{};
};

// addi a0,zero,1 ; addi a0,a0,1 ; c.addi a0,1 ; c.addi a0,1 ; addi a0,a0,1 ; ecall
const std::vector<uint32_t> kStraight = {0x00100513, 0x00150513, 0x05050505, 0x00150513, 0x00000073};
// li a1,100 ; 1: addi a0,a0,1 ; addi a1,a1,-1 ; bnez a1,1b ; ecall
const std::vector<uint32_t> kLoop = {0x06400593, 0x00150513, 0xfff58593, 0xfe059ce3, 0x00000073};
// lui a2,0x40 ; li a0,7 ; sd a0,8(a2) ; ld a1,8(a2) ; amoadd.d a3,a0,(a2) ; ecall
const std::vector<uint32_t> kMemory = {0x00040637, 0x00700513, 0x00a63423, 0x00863583, 0x00a636af, 0x00000073};
// auipc a2,0 ; lw a1,0(a2) ; ecall     (reads its own first instruction)
const std::vector<uint32_t> kSelfRead = {0x00000617, 0x00062583, 0x00000073};

class GdbSessionTest : public ::testing::TestWithParam<const char *> {};

TEST_P(GdbSessionTest, QueriesAndUnknownPackets) {
    Target t(GetParam(), kStraight);
    std::string r = t.Ask("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
    EXPECT_NE(r.find("PacketSize=4000"), std::string::npos) << r;
    EXPECT_NE(r.find("qXfer:features:read+"), std::string::npos) << r;
    EXPECT_NE(r.find("QStartNoAckMode+"), std::string::npos) << r;
    EXPECT_EQ(t.Ask("?"), "T05thread:1;");
    EXPECT_EQ(t.Ask("qAttached"), "1");
    EXPECT_EQ(t.Ask("qC"), "QC1");
    EXPECT_EQ(t.Ask("qfThreadInfo"), "m1");
    EXPECT_EQ(t.Ask("qsThreadInfo"), "l");
    EXPECT_EQ(t.Ask("Hg0"), "OK");
    EXPECT_EQ(t.Ask("vCont?"), "vCont;c;C;s;S");
    for (const char *unknown : {"vMustReplyEmpty", "qTStatus", "qFooBar", "!", "R00", "vFile:open:2f,0,0", "Z9,0,0", "bc", ""})
        EXPECT_EQ(t.Ask(unknown), "") << unknown;
}

TEST_P(GdbSessionTest, AcksNaksAndNoAckMode) {
    Target t(GetParam(), kStraight);
    t.Send("qC");
    Parsed p = ParseOutput(t.out);
    EXPECT_EQ(p.acks, 1);
    std::string first = t.out.substr(1);
    // '-' asks for the last packet again
    t.out.clear();
    size_t used;
    gdb_session_input(t.s.get(), (const uint8_t *)"-", 1, &used);
    EXPECT_EQ(t.out, first);
    // a bad checksum gets '-' and no reply
    t.out.clear();
    std::string bad = "$qC#00";
    gdb_session_input(t.s.get(), (const uint8_t *)bad.data(), bad.size(), &used);
    EXPECT_EQ(t.out, "-");
    EXPECT_EQ(t.Ask("QStartNoAckMode"), "OK");
    t.Send("qC");
    p = ParseOutput(t.out);
    EXPECT_EQ(p.acks, 0);
    ASSERT_EQ(p.packets.size(), 1u);
    EXPECT_EQ(p.packets[0], "QC1");
}

TEST_P(GdbSessionTest, Registers) {
    Target t(GetParam(), kStraight);
    t.cs->vals[5] = 0x1122334455667788ull;
    t.cs->vals[32 + 3] = 0x400921fb54442d18ull;   // f3 = pi
    t.cpu->fflags = 0x11;
    t.cpu->frm = 2;
    std::string g = t.Ask("g");
    ASSERT_EQ(g.size(), 65u * 16) << "x0..x31, pc, f0..f31";
    EXPECT_EQ(g.substr(0, 16), std::string(16, '0'));
    EXPECT_EQ(g.substr(5 * 16, 16), "8877665544332211");
    EXPECT_EQ(g.substr(32 * 16, 16), LeHex(kCode, 8));
    EXPECT_EQ(g.substr(36 * 16, 16), LeHex(0x400921fb54442d18ull, 8));
    EXPECT_EQ(t.Ask("p20"), LeHex(kCode, 8));   // pc
    EXPECT_EQ(t.Ask("p41"), "11000000");        // fflags, 32 bits
    EXPECT_EQ(t.Ask("p42"), "02000000");        // frm
    EXPECT_EQ(t.Ask("p43"), "51000000");        // fcsr = frm << 5 | fflags
    EXPECT_EQ(t.Ask("p44"), "E01");             // no priv register in user mode
    EXPECT_EQ(t.Ask("pffffffffffffffff"), "E01");
    EXPECT_EQ(t.Ask("p1ffffffffffffffff"), "E01");
    EXPECT_EQ(t.Ask("pzz"), "E01");
    // writes
    EXPECT_EQ(t.Ask("P6=efbeadde00000000"), "OK");
    EXPECT_EQ(t.X(6), 0xdeadbeefull);
    EXPECT_EQ(t.Ask("P0=0100000000000000"), "OK");
    EXPECT_EQ(t.X(0), 0u);                       // x0 stays zero
    EXPECT_EQ(t.Ask("P20=0400010000000000"), "OK");
    EXPECT_EQ(t.cs->pc, kCode + 4);
    EXPECT_EQ(t.Ask("P43=e0000000"), "OK");      // fcsr: frm 7, no flags
    EXPECT_EQ(t.cpu->frm, 7u);
    EXPECT_EQ(t.cpu->fflags, 0u);
    EXPECT_EQ(t.Ask("P6=efbe"), "E01");          // wrong size
    EXPECT_EQ(t.Ask("P6=zzbeadde00000000"), "E01");
    EXPECT_EQ(t.Ask("P6"), "E01");
    EXPECT_EQ(t.Ask("P99=00"), "E01");
    EXPECT_EQ(t.X(6), 0xdeadbeefull);
    // G: the whole 'g' layout back, changed in one register
    std::string g2 = t.Ask("g");
    g2.replace(7 * 16, 16, "0100000000000080");
    EXPECT_EQ(t.Ask("G" + g2), "OK");
    EXPECT_EQ(t.X(7), 0x8000000000000001ull);
    EXPECT_EQ(t.Ask("G" + g2.substr(2)), "E01");   // short
    EXPECT_EQ(t.Ask("G" + g2 + "00"), "E01");      // long
    std::string g3 = g2;
    g3[100] = 'x';
    EXPECT_EQ(t.Ask("G" + g3), "E01");
    EXPECT_EQ(t.X(7), 0x8000000000000001ull);      // nothing changed by the bad ones
}

TEST_P(GdbSessionTest, Memory) {
    Target t(GetParam(), kStraight);
    EXPECT_EQ(t.Ask("m10000,4"), "13051000");        // addi a0,zero,1 in target byte order
    EXPECT_EQ(t.Ask("M40010,3:aabbcc"), "OK");
    EXPECT_EQ(t.Ask("m4000f,5"), "00aabbcc00");
    // X: binary, with the escaped bytes # and } in it
    EXPECT_EQ(t.Ask("X40020,3:" "}\x03" "A" "}\x5d"), "OK");
    EXPECT_EQ(t.Ask("m40020,3"), "23417d");
    EXPECT_EQ(t.Ask("X40020,0:"), "OK");             // gdb's probe
    EXPECT_EQ(t.Ask("m80000,4"), "E14");             // unmapped
    EXPECT_EQ(t.Ask("M80000,1:00"), "E14");
    EXPECT_EQ(t.Ask("m40ffe,4"), "E14");             // runs off the mapping
    EXPECT_EQ(t.Ask("mffffffffffffffff,10"), "E14"); // wraps
    EXPECT_EQ(t.Ask("m10000"), "E01");
    EXPECT_EQ(t.Ask("m1000g,4"), "E01");
    EXPECT_EQ(t.Ask("m10000,4,"), "E01");
    EXPECT_EQ(t.Ask("M40010,2:aa"), "E01");          // short data
    EXPECT_EQ(t.Ask("M40010,1:zz"), "E01");
    EXPECT_EQ(t.Ask("X40010,4:ab"), "E01");
    // a huge length is cut to what one reply carries
    std::string big = t.Ask("m40000,ffffffff");
    EXPECT_TRUE(big == "E14" || (big.size() > 0 && big.size() < GDB_PACKET_MAX)) << big.size();
    std::string page = t.Ask("m40000,1000");
    EXPECT_EQ(page.size() % 2, 0u);
    EXPECT_LE(page.size(), (size_t)GDB_PACKET_MAX);
    EXPECT_GT(page.size(), 1000u);
}

TEST_P(GdbSessionTest, TargetDescription) {
    Target t(GetParam(), kStraight);
    std::string doc;
    for (int off = 0, guard = 0; guard < 1000; guard++) {
        char req[96];
        snprintf(req, sizeof req, "qXfer:features:read:target.xml:%x,%x", off, 0x100);
        std::string r = t.Ask(req);
        ASSERT_FALSE(r.empty());
        ASSERT_TRUE(r[0] == 'm' || r[0] == 'l') << r;
        doc += r.substr(1);
        off += (int)r.size() - 1;
        if (r[0] == 'l') break;
    }
    std::string whole = t.Ask("qXfer:features:read:target.xml:0,3fff");
    EXPECT_EQ(whole, "l" + doc);
    EXPECT_NE(doc.find("<architecture>riscv:rv64</architecture>"), std::string::npos);
    EXPECT_NE(doc.find("org.gnu.gdb.riscv.cpu"), std::string::npos);
    EXPECT_NE(doc.find("org.gnu.gdb.riscv.fpu"), std::string::npos);
    EXPECT_NE(doc.find("name=\"fcsr\""), std::string::npos);
    EXPECT_EQ(doc.find("org.gnu.gdb.riscv.csr"), std::string::npos);   // system mode only
    // 33 + 35 registers, in the numbering the stub answers 'p' with
    size_t regs = 0;
    for (size_t k = doc.find("<reg "); k != std::string::npos; k = doc.find("<reg ", k + 1)) regs++;
    EXPECT_EQ(regs, 68u);
    EXPECT_EQ(t.Ask("qXfer:features:read:other.xml:0,100"), "E00");
    EXPECT_EQ(t.Ask("qXfer:features:read:target.xml:ffffff,100"), "l");
    EXPECT_EQ(t.Ask("qXfer:features:read:target.xml:0"), "E01");
    EXPECT_EQ(t.Ask("qXfer:features:read:target.xml"), "E00");
}

TEST(GdbSignals, LinuxToGdbNumbers) {
    // gdb's numbering (include/gdb/signals.def) keeps the BSD order
    EXPECT_EQ(gdb_signal_from_linux(11), 11);   // SIGSEGV
    EXPECT_EQ(gdb_signal_from_linux(6), 6);     // SIGABRT
    EXPECT_EQ(gdb_signal_from_linux(7), 10);    // SIGBUS
    EXPECT_EQ(gdb_signal_from_linux(10), 30);   // SIGUSR1
    EXPECT_EQ(gdb_signal_from_linux(12), 31);   // SIGUSR2
    EXPECT_EQ(gdb_signal_from_linux(17), 20);   // SIGCHLD
    EXPECT_EQ(gdb_signal_from_linux(31), 12);   // SIGSYS
    EXPECT_EQ(gdb_signal_from_linux(34), 46);   // SIGRTMIN+2 = GDB_SIGNAL_REALTIME_34
    EXPECT_EQ(gdb_signal_from_linux(0), 0);
    EXPECT_EQ(gdb_signal_from_linux(65), 0);
    for (int s = 1; s <= 64; s++) {
        if (s == 16) continue;   // SIGSTKFLT: gdb has no number for it
        EXPECT_EQ(gdb_signal_to_linux(gdb_signal_from_linux(s)), s) << s;
    }
    EXPECT_EQ(gdb_signal_to_linux(0), 0);
    EXPECT_EQ(gdb_signal_to_linux(200), 0);
}

TEST_P(GdbSessionTest, SignalStopsAndResumeSignals) {
    Target t(GetParam(), kStraight);
    t.stop = CpuStop{};
    t.stop.kind = CPU_STOP_SIGNAL;
    t.stop.signal = 11;
    EXPECT_EQ(t.StopReply(), "T0bthread:1;");
    EXPECT_EQ(t.Ask("?"), "T0bthread:1;");
    EXPECT_EQ(t.Send("C0b"), GDB_ACT_RESUME);
    EXPECT_EQ(t.s->resume_signal, 11);
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    EXPECT_EQ(t.s->resume_signal, 0);
    EXPECT_EQ(t.Send("vCont;C06:1"), GDB_ACT_RESUME);
    EXPECT_EQ(t.s->resume_signal, 6);
    EXPECT_EQ(t.Send("S1e;10004"), GDB_ACT_RESUME);
    EXPECT_EQ(t.s->resume_signal, 0x1e);
    EXPECT_EQ(t.cs->pc, kCode + 4);
    EXPECT_EQ(t.Send("C"), GDB_ACT_NONE);
    EXPECT_EQ(t.Send("C0b;"), GDB_ACT_NONE);
}

TEST_P(GdbSessionTest, AuxiliaryVector) {
    Target t(GetParam(), kStraight);
    EXPECT_EQ(t.Ask("qXfer:auxv:read::0,100"), "");   // none given: not supported
    EXPECT_EQ(t.Ask("qSupported").find("qXfer:auxv:read+"), std::string::npos);
    // AT_ENTRY (9) = 0x237d23 (bytes '#', '}', '#' need escapes), AT_NULL
    const uint8_t auxv[32] = {9, 0, 0, 0, 0, 0, 0, 0, 0x23, 0x7d, 0x23};
    t.s->auxv = auxv;
    t.s->auxv_len = sizeof auxv;
    EXPECT_NE(t.Ask("qSupported").find("qXfer:auxv:read+"), std::string::npos);
    EXPECT_EQ(t.Ask("qXfer:auxv:read::0,100"), "l" + std::string((const char *)auxv, sizeof auxv));
    EXPECT_EQ(t.Ask("qXfer:auxv:read::8,4"), "m" + std::string((const char *)auxv + 8, 4));
    EXPECT_EQ(t.Ask("qXfer:auxv:read::20,4"), "l");
    EXPECT_EQ(t.Ask("qXfer:auxv:read::,4"), "E01");
}

TEST_P(GdbSessionTest, BreakpointInsideABlockAndStepOver) {
    Target t(GetParam(), kStraight);
    t.Ask("qSupported:swbreak+;hwbreak+");
    EXPECT_EQ(t.Ask("Z0,1000a,2"), "OK");          // the second c.addi
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.stop.kind, CPU_STOP_BREAK);
    EXPECT_EQ(t.cs->pc, kCode + 0xa);
    EXPECT_EQ(t.X(10), 3u);                         // three adds ran, not the fourth
    EXPECT_EQ(t.cs->insn_count, 3u);
    EXPECT_EQ(t.StopReply(), "T05thread:1;swbreak:;");
    // continuing from the breakpoint runs its instruction once
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_SYSCALL);
    EXPECT_EQ(t.X(10), 5u);
    EXPECT_EQ(t.cs->insn_count, 6u);
    // again from the start: still there; a hardware one reports hwbreak
    t.cs->pc = kCode;
    EXPECT_EQ(t.Ask("z0,1000a,2"), "OK");
    EXPECT_EQ(t.Ask("Z1,1000c,4"), "OK");
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.cs->pc, kCode + 0xc);
    EXPECT_EQ(t.X(10), 4u);
    EXPECT_EQ(t.StopReply(), "T05thread:1;hwbreak:;");
    EXPECT_EQ(t.Ask("z1,1000c,4"), "OK");
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_SYSCALL);
}

TEST_P(GdbSessionTest, BreakpointInHotChainedLoop) {
    Target t(GetParam(), kLoop);
    // run the loop to the end once: hot, compiled (and chained) under the JITs
    ASSERT_EQ(t.Run(), CPU_EXIT_SYSCALL);
    EXPECT_EQ(t.X(10), 100u);
    if (strcmp(GetParam(), "none") != 0) {
        EXPECT_GT(t.cs->stats.tbs_promoted, 0u);
    }
    t.cs->pc = kCode;
    t.cs->vals[10] = 0;
    EXPECT_EQ(t.Ask("Z0,10008,4"), "OK");          // addi a1,a1,-1 in the loop body
    for (uint64_t i = 1; i <= 3; i++) {
        EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
        ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
        EXPECT_EQ(t.cs->pc, kCode + 8);
        EXPECT_EQ(t.X(10), i);
        EXPECT_EQ(t.X(11), 101 - i);
    }
    EXPECT_EQ(t.Ask("z0,10008,4"), "OK");
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_SYSCALL);
    EXPECT_EQ(t.X(10), 100u);
}

TEST_P(GdbSessionTest, StepsIncludingCompressed) {
    Target t(GetParam(), kStraight);
    const uint64_t expect_pc[] = {4, 8, 0xa, 0xc, 0x10};
    for (int i = 0; i < 5; i++) {
        EXPECT_EQ(t.Send("s"), GDB_ACT_RESUME);
        ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
        EXPECT_EQ(t.stop.kind, CPU_STOP_STEP);
        EXPECT_EQ(t.cs->pc, kCode + expect_pc[i]) << i;
        EXPECT_EQ(t.cs->insn_count, (uint64_t)i + 1);
        EXPECT_EQ(t.X(10), (uint64_t)i + 1);
        EXPECT_EQ(t.StopReply(), "T05thread:1;");
    }
    // stepping from a breakpoint executes it (vCont form, thread 1)
    t.cs->pc = kCode + 8;
    EXPECT_EQ(t.Ask("Z0,10008,2"), "OK");
    EXPECT_EQ(t.Send("vCont;s:1;c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.cs->pc, kCode + 0xa);
    // s ADDR resumes there
    EXPECT_EQ(t.Send("s10000"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.cs->pc, kCode + 4);
    EXPECT_EQ(t.X(10), 1u);
    // stepping the ecall ends at the syscall (the machine then finishes it)
    t.cs->pc = kCode + 0x10;
    EXPECT_EQ(t.Send("s"), GDB_ACT_RESUME);
    EXPECT_EQ(t.Run(), CPU_EXIT_SYSCALL);
    t.cs->pc += 4;
    EXPECT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.stop.kind, CPU_STOP_STEP);
}

TEST_P(GdbSessionTest, WatchpointsStopBeforeTheAccess) {
    Target t(GetParam(), kMemory);
    t.Ask("qSupported:swbreak+;hwbreak+");
    EXPECT_EQ(t.Ask("Z2,4000c,4"), "OK");         // write: inside the doubleword sd writes
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.stop.kind, CPU_STOP_WATCH);
    EXPECT_EQ(t.cs->pc, kCode + 8);               // at the sd, not yet done
    EXPECT_EQ(t.cs->insn_count, 2u);
    EXPECT_EQ(t.Ask("m40008,8"), "0000000000000000");
    EXPECT_EQ(t.StopReply(), "T05thread:1;watch:4000c;");
    // resumed there, the store goes through once; the load is not a write
    // and the AMO writes elsewhere
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_SYSCALL);
    EXPECT_EQ(t.X(11), 7u);
    EXPECT_EQ(t.Ask("m40008,8"), "0700000000000000");
    EXPECT_EQ(t.Ask("z2,4000c,4"), "OK");
    // read watchpoint: the ld, then the AMO (reads and writes)
    t.cs->pc = kCode;
    t.cs->insn_count = 0;
    EXPECT_EQ(t.Ask("Z3,40008,8"), "OK");
    EXPECT_EQ(t.Ask("Z3,40000,1"), "OK");
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.cs->pc, kCode + 0xc);
    EXPECT_EQ(t.StopReply(), "T05thread:1;rwatch:40008;");
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.cs->pc, kCode + 0x10);
    EXPECT_EQ(t.StopReply(), "T05thread:1;rwatch:40000;");
    EXPECT_EQ(t.Ask("z3,40008,8"), "OK");
    EXPECT_EQ(t.Ask("z3,40000,1"), "OK");
    // access watchpoint: the sd first; removed, the run ends
    t.cs->pc = kCode;
    EXPECT_EQ(t.Ask("Z4,40008,1"), "OK");
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.cs->pc, kCode + 8);
    EXPECT_EQ(t.StopReply(), "T05thread:1;awatch:40008;");
    EXPECT_EQ(t.Ask("z4,40008,1"), "OK");
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_SYSCALL);
    // bad ones
    EXPECT_EQ(t.Ask("Z2,40000,0"), "E22");
    EXPECT_EQ(t.Ask("Z2,ffffffffffffffff,2"), "E22");
    EXPECT_EQ(t.Ask("Z2,40000"), "E01");
    EXPECT_EQ(t.Ask("Z0,10000,99"), "E22");
}

TEST_P(GdbSessionTest, BreakpointsAreInvisibleAndSurviveCodeChanges) {
    Target t(GetParam(), kSelfRead);
    EXPECT_EQ(t.Ask("Z0,10000,4"), "OK");
    EXPECT_EQ(t.Ask("m10000,4"), "17060000");     // gdb reads the original
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);        // at the breakpoint: steps over it
    ASSERT_EQ(t.Run(), CPU_EXIT_SYSCALL);
    EXPECT_EQ(t.X(11), 0x00000617u);              // the guest read auipc, not a trap
    EXPECT_EQ(t.Ask("z0,10000,4"), "OK");
    // a breakpoint on the lw, hit once
    EXPECT_EQ(t.Ask("Z0,10004,4"), "OK");
    t.cs->pc = kCode;
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.cs->pc, kCode + 4);
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);        // the lw, translated alone to step over
    ASSERT_EQ(t.Run(), CPU_EXIT_SYSCALL);
    EXPECT_EQ(t.X(11), 0x00000617u);
    // rewrite the lw into "addi a1,zero,5" through the stub (a read-only
    // page for the guest), the breakpoints unchanged: the translation is
    // dropped by the write alone, and the breakpoint is still there
    EXPECT_EQ(t.Ask("M10004,4:93055000"), "OK");
    t.cs->pc = kCode;
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.cs->pc, kCode + 4);
    EXPECT_EQ(t.Send("c"), GDB_ACT_RESUME);
    ASSERT_EQ(t.Run(), CPU_EXIT_SYSCALL);
    EXPECT_EQ(t.X(11), 5u);
}

TEST_P(GdbSessionTest, InterruptDetachAndKill) {
    Target t(GetParam(), kLoop);
    cpu_debug_interrupt(t.cs);
    ASSERT_EQ(t.Run(), CPU_EXIT_DEBUG);
    EXPECT_EQ(t.stop.kind, CPU_STOP_INTERRUPT);
    EXPECT_EQ(t.StopReply(), "T02thread:1;");
    EXPECT_EQ(t.Ask("?"), "T02thread:1;");
    EXPECT_EQ(t.Ask("Z0,10008,4"), "OK");
    EXPECT_EQ(t.Ask("Z2,40000,8"), "OK");
    EXPECT_EQ(t.Send("D"), GDB_ACT_DETACH);
    EXPECT_EQ(ParseOutput(t.out).packets.at(0), "OK");
    ASSERT_EQ(t.Run(), CPU_EXIT_SYSCALL);          // nothing left to stop it
    EXPECT_EQ(t.X(10), 100u);
    EXPECT_EQ(t.Send("k"), GDB_ACT_KILL);
    EXPECT_EQ(t.Send("vKill;1"), GDB_ACT_KILL);
    EXPECT_EQ(t.Send("c1000g"), GDB_ACT_NONE);     // bad address: no resume
    EXPECT_EQ(ParseOutput(t.out).packets.at(0), "E01");
    EXPECT_EQ(t.Send("C1ff"), GDB_ACT_NONE);       // not a signal number
    EXPECT_EQ(t.Send("vCont;x"), GDB_ACT_NONE);
    EXPECT_EQ(t.Send("vCont"), GDB_ACT_NONE);
}

TEST_P(GdbSessionTest, HostilePacketsNeverCrash) {
    Target t(GetParam(), kLoop);
    std::mt19937_64 rng(11);
    const char *heads[] = {"g", "G", "p", "P", "m", "M", "X", "Z", "z", "c", "s", "C", "S", "vCont;", "vCont?",
                           "qXfer:features:read:", "qXfer:features:read:target.xml:", "qSupported:", "H", "T",
                           "?", "q", "Q", "v", "D", "k"};
    const char alphabet[] = "0123456789abcdefABCDEF,:;=-xyz}#$*\x03 ";
    size_t replies = 0;
    for (int i = 0; i < 20000; i++) {
        std::string data = heads[rng() % (sizeof heads / sizeof heads[0])];
        int n = (int)(rng() % 40);
        for (int k = 0; k < n; k++) {
            char c = (rng() % 4) ? alphabet[rng() % (sizeof alphabet - 1)] : (char)rng();
            if (c == '$' || c == '#' || c == '}') {   // escape as gdb would
                data += '}';
                c = (char)(c ^ 0x20);
            }
            data += c;
        }
        t.out.clear();
        std::string w = Wire(data);
        size_t used = 0;
        GdbAction a = gdb_session_input(t.s.get(), (const uint8_t *)w.data(), w.size(), &used);
        Parsed p = ParseOutput(t.out);
        ASSERT_TRUE(p.well_formed) << data;
        if (a == GDB_ACT_NONE) {
            ASSERT_EQ(p.packets.size(), 1u) << data;
            replies++;
        }
        // whatever the packets did to registers, keep the hart runnable
        t.cs->pc = kCode;
    }
    EXPECT_GT(replies, 10000u);
    // and the stub still works
    cpu_debug_clear(t.cs);
    EXPECT_EQ(t.Ask("qC"), "QC1");
}

INSTANTIATE_TEST_SUITE_P(Tiers, GdbSessionTest, ::testing::Values("none", "native", "llvm"));

// ---- system mode: CSRs, the privilege, memory through the MMU ----

constexpr uint64_t kRam = 0x80000000;

struct SysTarget {
    AddressSpace as;
    std::unique_ptr<RvCpu> cpu{new RvCpu()};
    CpuDebug dbg;
    std::unique_ptr<GdbSession> s{new GdbSession()};
    std::string out;
    SysTarget() {
        as_init(&as);
        EXPECT_NE(as_add_ram(&as, "ram", kRam, 16 << 20, false), nullptr);
        rv_cpu_init_system(cpu.get(), &as, kRam);
        cpu->read_time = [](void *) -> uint64_t { return 1234; };
        cpu_set_tier(&cpu->cs, &interp_tier);
        cpu_debug_init(&dbg);
        cpu_debug_attach(&cpu->cs, &dbg);
        gdb_session_init(s.get(), &cpu->cs, Capture, &out);
    }
    ~SysTarget() {
        cpu->cs.debug = nullptr;
        rv_cpu_destroy(cpu.get());
        cpu_debug_destroy(&dbg);
        as_destroy(&as);
    }
    std::string Ask(const std::string &data) {
        out.clear();
        std::string w = Wire(data);
        size_t used;
        EXPECT_EQ(gdb_session_input(s.get(), (const uint8_t *)w.data(), w.size(), &used), GDB_ACT_NONE);
        Parsed p = ParseOutput(out);
        return p.packets.size() == 1 ? p.packets[0] : "<none>";
    }
    void wr(uint64_t pa, uint64_t v) { memcpy(as_ram_ptr(&as, pa, 8), &v, 8); }
    uint64_t rd(uint64_t pa) {
        uint64_t v;
        memcpy(&v, as_ram_ptr(&as, pa, 8), 8);
        return v;
    }
};

// The register number of CSR `name` from the target description (the
// stub numbers registers in document order).
int RegNumber(const std::string &doc, const std::string &name) {
    int n = 0;
    for (size_t k = doc.find("<reg "); k != std::string::npos; k = doc.find("<reg ", k + 1), n++)
        if (doc.compare(k, 12 + name.size(), "<reg name=\"" + name + "\"") == 0) return n;
    return -1;
}

TEST(GdbSystem, CsrsPrivilegeAndMmuMemory) {
    SysTarget t;
    std::string doc = t.Ask("qXfer:features:read:target.xml:0,3fff");
    ASSERT_EQ(doc[0], 'l');
    EXPECT_NE(doc.find("org.gnu.gdb.riscv.csr"), std::string::npos);
    EXPECT_NE(doc.find("org.gnu.gdb.riscv.virtual"), std::string::npos);
    char q[32];
    auto reg = [&](const char *name) {
        int n = RegNumber(doc, name);
        EXPECT_GE(n, 0) << name;
        snprintf(q, sizeof q, "p%x", n);
        return std::string(q);
    };
    EXPECT_EQ(t.Ask(reg("priv")), LeHex(3, 8));        // reset: M mode
    // misa: RV64 (MXL 2) with I, M, A, F, D, C, S, U
    uint64_t misa = (2ull << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
    EXPECT_EQ(t.Ask(reg("misa")), LeHex(misa, 8));
    EXPECT_EQ(t.Ask(reg("mhartid")), LeHex(0, 8));
    // every CSR in the description reads
    for (size_t k = doc.find("<reg name=\""); k != std::string::npos; k = doc.find("<reg name=\"", k + 1)) {
        std::string name = doc.substr(k + 11, doc.find('"', k + 11) - (k + 11));
        EXPECT_NE(t.Ask(reg(name.c_str())), "E01") << name;
    }
    // writes go through the CSR file's rules
    EXPECT_EQ(t.Ask(reg("mscratch") .replace(0, 1, "P") + "=8877665544332211"), "OK");
    EXPECT_EQ(t.cpu->p.mscratch, 0x1122334455667788ull);
    EXPECT_EQ(t.Ask(reg("mepc").replace(0, 1, "P") + "=0300000000000000"), "OK");
    EXPECT_EQ(t.cpu->p.mepc, 2u);                      // bit 0 always clear
    EXPECT_EQ(t.Ask(reg("mvendorid").replace(0, 1, "P") + "=0100000000000000"), "E01");   // read-only
    EXPECT_EQ(t.Ask(reg("priv").replace(0, 1, "P") + "=0200000000000000"), "E01");        // reserved
    // memory: M mode sees physical memory
    t.wr(kRam + 0x2000, 0x1122334455667788ull);
    EXPECT_EQ(t.Ask("m80002000,8"), LeHex(0x1122334455667788ull, 8));
    EXPECT_EQ(t.Ask("m1000,4"), "E14");              // nothing there
    // S mode with Sv39: a 1 GiB page maps 0xffffffff80000000 to RAM; the
    // PTE has no A bit: a debugger's read must not set it
    const uint64_t root = kRam + 0x100000;
    const uint64_t pte = ((kRam >> 12) << 10) | 0x0f;   // V R W X, no A/D
    t.wr(root + 510 * 8, pte);
    EXPECT_EQ(t.Ask(reg("satp").replace(0, 1, "P") + "=" + LeHex((8ull << 60) | (root >> 12), 8)), "OK");
    EXPECT_EQ(t.Ask(reg("priv").replace(0, 1, "P") + "=0100000000000000"), "OK");
    EXPECT_EQ(t.cpu->priv, 1u);
    EXPECT_EQ(t.Ask("mffffffff80002000,8"), LeHex(0x1122334455667788ull, 8));
    EXPECT_EQ(t.Ask("Mffffffff80002004,2:abcd"), "OK");
    EXPECT_EQ(t.rd(kRam + 0x2000), 0x1122cdab55667788ull);
    EXPECT_EQ(t.rd(root + 510 * 8), pte);
    EXPECT_EQ(t.Ask("m80002000,8"), "E14");          // not mapped in S mode
    EXPECT_EQ(t.Ask("m0000004000000000,8"), "E14");  // not canonical for Sv39
}

}  // namespace
