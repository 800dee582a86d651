// decode_test.cc — unit tests for the RV64GC decoder and disassembler
// (frontends/riscv/rv_decode.c, rv_disas.c).
//
// Reference encodings here are built from the ISA manual's field layouts by
// small encoders written in this file (R/I/S/B/U/J/R4 and the RVC formats),
// plus a few well-known literal words (compiler prologues, ecall, ...).
// Nothing uses the decoder's own output as the expected value.  The
// exhaustive comparison against binutils lives in decode_vs_objdump.sh.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>

#include "tests/unit/vplat_c.h"

namespace {

// ---- spec encoders (unprivileged ISA, chapter "RV32I Base", figure 2.3) ----

uint32_t EncR(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opc) {
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
uint32_t EncI(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opc) {
    return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
uint32_t EncS(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t opc) {
    uint32_t u = (uint32_t)imm;
    return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | opc;
}
uint32_t EncB(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3) {
    uint32_t u = (uint32_t)imm;
    return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7 | 0x63;
}
uint32_t EncU(uint32_t imm20, uint32_t rd, uint32_t opc) { return imm20 << 12 | rd << 7 | opc; }
uint32_t EncJ(int32_t imm, uint32_t rd) {
    uint32_t u = (uint32_t)imm;
    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 |
           (u >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}
uint32_t EncR4(uint32_t rs3, uint32_t fmt, uint32_t rs2, uint32_t rs1, uint32_t rm, uint32_t rd,
               uint32_t opc) {
    return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | opc;
}
uint32_t EncAmo(uint32_t f5, bool aq, bool rl, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd) {
    return f5 << 27 | (uint32_t)aq << 26 | (uint32_t)rl << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           rd << 7 | 0x2f;
}

constexpr uint32_t kOp = 0x33, kOpImm = 0x13, kOp32 = 0x3b, kOpImm32 = 0x1b, kLoad = 0x03,
                   kStore = 0x23, kLoadFp = 0x07, kStoreFp = 0x27, kOpFp = 0x53, kSystem = 0x73;

RvInsn MustDecode(uint32_t raw) {
    RvInsn in;
    memset(&in, 0xa5, sizeof(in));
    EXPECT_TRUE(rv_decode(raw, &in)) << std::hex << "raw 0x" << raw;
    return in;
}

bool Legal(uint32_t raw) {
    RvInsn in;
    return rv_decode(raw, &in);
}

std::string Disas(uint32_t raw, uint64_t pc = 0) {
    RvInsn in;
    if (!rv_decode(raw, &in))
        return "illegal";
    char buf[96];
    int n = rv_disas(&in, pc, buf, sizeof(buf));
    EXPECT_EQ((size_t)n, strlen(buf));
    // collapse the mnemonic padding so expectations read like objdump
    std::string s(buf), out;
    bool sp = false;
    for (char c : s) {
        if (c == ' ') {
            if (!sp) out += ' ';
            sp = true;
        } else {
            out += c;
            sp = false;
        }
    }
    return out;
}

#define EXPECT_OP(in, o) EXPECT_EQ((in).op, (uint16_t)RV_OP_##o) << rv_op_names[(in).op]

// ---- table ----

TEST(RvDecodeTable, NamesMatchEnum) {
    std::set<std::string> seen;
    for (int i = 0; i < RV_OP_COUNT; i++) {
        ASSERT_NE(rv_op_names[i], nullptr) << i;
        EXPECT_TRUE(seen.insert(rv_op_names[i]).second) << rv_op_names[i];
        EXPECT_NE(std::string(rv_op_names[i]).rfind("c.", 0), 0u) << rv_op_names[i];  // no c.* names
    }
    EXPECT_STREQ(rv_op_names[RV_OP_add], "add");
    EXPECT_STREQ(rv_op_names[RV_OP_fadd_s], "fadd.s");
    EXPECT_STREQ(rv_op_names[RV_OP_fence_i], "fence.i");
    EXPECT_STREQ(rv_op_names[RV_OP_amomaxu_d], "amomaxu.d");
    EXPECT_STREQ(rv_op_names[RV_OP_sfence_vma], "sfence.vma");
    EXPECT_EQ(rv_op_format(RV_OP_fmadd_d), RV_FMT_FR4);
    EXPECT_EQ(rv_op_ext(RV_OP_mulw), RV_EXT_M);
    EXPECT_EQ(rv_op_ext(RV_OP_csrrw), RV_EXT_ZICSR);
}

// ---- RV64I ----

struct ROp { RvOpcode op; uint32_t f7, f3, opc; };

TEST(RvDecode32, RegisterRegister) {
    // funct7/funct3/opcode from the RV32I/RV64I/M opcode maps
    const ROp ops[] = {
        {RV_OP_add, 0x00, 0, kOp},   {RV_OP_sub, 0x20, 0, kOp},    {RV_OP_sll, 0x00, 1, kOp},
        {RV_OP_slt, 0x00, 2, kOp},   {RV_OP_sltu, 0x00, 3, kOp},   {RV_OP_xor, 0x00, 4, kOp},
        {RV_OP_srl, 0x00, 5, kOp},   {RV_OP_sra, 0x20, 5, kOp},    {RV_OP_or, 0x00, 6, kOp},
        {RV_OP_and, 0x00, 7, kOp},   {RV_OP_mul, 0x01, 0, kOp},    {RV_OP_mulh, 0x01, 1, kOp},
        {RV_OP_mulhsu, 0x01, 2, kOp}, {RV_OP_mulhu, 0x01, 3, kOp}, {RV_OP_div, 0x01, 4, kOp},
        {RV_OP_divu, 0x01, 5, kOp},  {RV_OP_rem, 0x01, 6, kOp},    {RV_OP_remu, 0x01, 7, kOp},
        {RV_OP_addw, 0x00, 0, kOp32}, {RV_OP_subw, 0x20, 0, kOp32}, {RV_OP_sllw, 0x00, 1, kOp32},
        {RV_OP_srlw, 0x00, 5, kOp32}, {RV_OP_sraw, 0x20, 5, kOp32}, {RV_OP_mulw, 0x01, 0, kOp32},
        {RV_OP_divw, 0x01, 4, kOp32}, {RV_OP_divuw, 0x01, 5, kOp32}, {RV_OP_remw, 0x01, 6, kOp32},
        {RV_OP_remuw, 0x01, 7, kOp32},
    };
    for (const ROp &o : ops) {
        RvInsn in = MustDecode(EncR(o.f7, 31, 17, o.f3, 5, o.opc));
        EXPECT_EQ(in.op, (uint16_t)o.op) << rv_op_names[o.op];
        EXPECT_EQ(in.rd, 5);
        EXPECT_EQ(in.rs1, 17);
        EXPECT_EQ(in.rs2, 31);
        EXPECT_EQ(in.len, 4);
    }
    // unassigned funct7/funct3 combinations
    EXPECT_FALSE(Legal(EncR(0x20, 1, 2, 1, 3, kOp)));   // "subl"
    EXPECT_FALSE(Legal(EncR(0x02, 1, 2, 0, 3, kOp)));
    EXPECT_FALSE(Legal(EncR(0x40, 1, 2, 0, 3, kOp)));
    EXPECT_FALSE(Legal(EncR(0x00, 1, 2, 2, 3, kOp32)));  // no sltw
    EXPECT_FALSE(Legal(EncR(0x01, 1, 2, 1, 3, kOp32)));  // no mulhw
    EXPECT_FALSE(Legal(EncR(0x20, 1, 2, 7, 3, kOp32)));
}

TEST(RvDecode32, Immediates) {
    struct { RvOpcode op; uint32_t f3, opc; } ops[] = {
        {RV_OP_addi, 0, kOpImm}, {RV_OP_slti, 2, kOpImm}, {RV_OP_sltiu, 3, kOpImm},
        {RV_OP_xori, 4, kOpImm}, {RV_OP_ori, 6, kOpImm},  {RV_OP_andi, 7, kOpImm},
        {RV_OP_addiw, 0, kOpImm32}, {RV_OP_jalr, 0, 0x67},
        {RV_OP_lb, 0, kLoad}, {RV_OP_lh, 1, kLoad}, {RV_OP_lw, 2, kLoad}, {RV_OP_ld, 3, kLoad},
        {RV_OP_lbu, 4, kLoad}, {RV_OP_lhu, 5, kLoad}, {RV_OP_lwu, 6, kLoad},
        {RV_OP_flw, 2, kLoadFp}, {RV_OP_fld, 3, kLoadFp},
    };
    for (auto &o : ops) {
        for (int32_t imm : {-2048, -1, 0, 1, 2047, 0x555}) {
            RvInsn in = MustDecode(EncI(imm, 9, o.f3, 30, o.opc));
            EXPECT_EQ(in.op, (uint16_t)o.op) << rv_op_names[o.op];
            EXPECT_EQ(in.imm, imm) << rv_op_names[o.op];
            EXPECT_EQ(in.rs1, 9);
            EXPECT_EQ(in.rd, 30);
        }
    }
    EXPECT_FALSE(Legal(EncI(0, 1, 7, 1, kLoad)));     // no "ldu"
    EXPECT_FALSE(Legal(EncI(0, 1, 1, 1, 0x67)));      // jalr funct3 != 0
    EXPECT_FALSE(Legal(EncI(0, 1, 1, 1, kLoadFp)));   // flh (Zfh) not in GC
    EXPECT_FALSE(Legal(EncI(0, 1, 2, 1, kOpImm32)));
    // well-known: addi sp,sp,-16
    RvInsn in = MustDecode(0xff010113);
    EXPECT_OP(in, addi);
    EXPECT_EQ(in.rd, 2);
    EXPECT_EQ(in.rs1, 2);
    EXPECT_EQ(in.imm, -16);
}

TEST(RvDecode32, Stores) {
    struct { RvOpcode op; uint32_t f3, opc; } ops[] = {
        {RV_OP_sb, 0, kStore}, {RV_OP_sh, 1, kStore}, {RV_OP_sw, 2, kStore}, {RV_OP_sd, 3, kStore},
        {RV_OP_fsw, 2, kStoreFp}, {RV_OP_fsd, 3, kStoreFp},
    };
    for (auto &o : ops) {
        for (int32_t imm : {-2048, -1, 0, 31, 32, 2047, -33}) {
            RvInsn in = MustDecode(EncS(imm, 21, 4, o.f3, o.opc));
            EXPECT_EQ(in.op, (uint16_t)o.op);
            EXPECT_EQ(in.imm, imm);
            EXPECT_EQ(in.rs1, 4);
            EXPECT_EQ(in.rs2, 21);
        }
    }
    EXPECT_FALSE(Legal(EncS(0, 1, 1, 4, kStore)));
    EXPECT_FALSE(Legal(EncS(0, 1, 1, 1, kStoreFp)));
}

TEST(RvDecode32, Shifts) {
    struct { RvOpcode op; uint32_t hi, f3, opc, maxsh; } ops[] = {
        {RV_OP_slli, 0x00, 1, kOpImm, 63},   {RV_OP_srli, 0x00, 5, kOpImm, 63},
        {RV_OP_srai, 0x20, 5, kOpImm, 63},   {RV_OP_slliw, 0x00, 1, kOpImm32, 31},
        {RV_OP_srliw, 0x00, 5, kOpImm32, 31}, {RV_OP_sraiw, 0x20, 5, kOpImm32, 31},
    };
    for (auto &o : ops) {
        for (uint32_t sh : {0u, 1u, 31u, o.maxsh}) {
            // bits 31:25 = funct7 (hi), shamt[5] lands in bit 25 for 64-bit shifts
            RvInsn in = MustDecode(EncR(o.hi, 0, 7, o.f3, 8, o.opc) | sh << 20);
            EXPECT_EQ(in.op, (uint16_t)o.op);
            EXPECT_EQ(in.imm, (int64_t)sh);
        }
    }
    // *w shifts with bit 25 (shamt[5]) set are illegal on RV64
    EXPECT_FALSE(Legal(EncR(0x01, 0, 7, 1, 8, kOpImm32)));
    EXPECT_FALSE(Legal(EncR(0x21, 0, 7, 5, 8, kOpImm32)));
    EXPECT_FALSE(Legal(EncR(0x10, 0, 7, 1, 8, kOpImm)));  // slli with funct6 != 0
    EXPECT_FALSE(Legal(EncR(0x30, 0, 7, 5, 8, kOpImm)));
}

TEST(RvDecode32, UpperAndJumps) {
    RvInsn in = MustDecode(EncU(0x80000, 3, 0x37));
    EXPECT_OP(in, lui);
    EXPECT_EQ(in.imm, -(int64_t)0x80000000);
    in = MustDecode(EncU(0x12345, 3, 0x17));
    EXPECT_OP(in, auipc);
    EXPECT_EQ(in.imm, 0x12345000);
    EXPECT_EQ(in.rd, 3);
    for (int32_t off : {-1048576, -2, 0, 2, 2046, 2048, 1048574, 0x55554}) {
        in = MustDecode(EncJ(off, 1));
        EXPECT_OP(in, jal);
        EXPECT_EQ(in.imm, off);
        EXPECT_EQ(in.rd, 1);
    }
    const RvOpcode br[8] = {RV_OP_beq, RV_OP_bne, RV_OP_COUNT, RV_OP_COUNT,
                            RV_OP_blt, RV_OP_bge, RV_OP_bltu, RV_OP_bgeu};
    for (uint32_t f3 = 0; f3 < 8; f3++) {
        for (int32_t off : {-4096, -2, 2, 4094, 0x7fe, 0x800, -0x802}) {
            uint32_t raw = EncB(off, 12, 13, f3);
            if (br[f3] == RV_OP_COUNT) {
                EXPECT_FALSE(Legal(raw));
                continue;
            }
            in = MustDecode(raw);
            EXPECT_EQ(in.op, (uint16_t)br[f3]);
            EXPECT_EQ(in.imm, off);
            EXPECT_EQ(in.rs1, 13);
            EXPECT_EQ(in.rs2, 12);
        }
    }
}

TEST(RvDecode32, FenceSystemCsr) {
    RvInsn in = MustDecode(0x0ff0000f);  // fence iorw,iorw
    EXPECT_OP(in, fence);
    EXPECT_EQ(in.imm, 0x0ff);
    in = MustDecode(0x8330000f);  // fence.tso: fm=1000 pred=rw succ=rw
    EXPECT_OP(in, fence);
    EXPECT_EQ(in.imm, 0x833);
    EXPECT_OP(MustDecode(0x0000100f), fence_i);
    EXPECT_FALSE(Legal(0x0000200f));  // MISC-MEM funct3 2 unassigned in GC

    EXPECT_OP(MustDecode(0x00000073), ecall);
    EXPECT_OP(MustDecode(0x00100073), ebreak);
    EXPECT_OP(MustDecode(0x30200073), mret);
    EXPECT_OP(MustDecode(0x10200073), sret);
    EXPECT_OP(MustDecode(0x10500073), wfi);
    EXPECT_EQ(MustDecode(0x00100073).imm, 0);
    EXPECT_FALSE(Legal(0x00000073 | 1 << 15));  // ecall with rs1 != 0
    EXPECT_FALSE(Legal(0x00000073 | 1 << 7));   // ecall with rd != 0
    EXPECT_FALSE(Legal(0x00200073));            // uret (N ext) not supported
    EXPECT_FALSE(Legal(0x7b200073));            // dret (debug mode only)
    in = MustDecode(EncR(0x09, 11, 10, 0, 0, kSystem));
    EXPECT_OP(in, sfence_vma);
    EXPECT_EQ(in.rs1, 10);
    EXPECT_EQ(in.rs2, 11);
    EXPECT_FALSE(Legal(EncR(0x09, 11, 10, 0, 1, kSystem)));  // rd != 0
    EXPECT_FALSE(Legal(EncR(0x11, 11, 10, 0, 0, kSystem)));  // hfence.vvma (H) not in GC

    const RvOpcode csr[8] = {RV_OP_COUNT, RV_OP_csrrw, RV_OP_csrrs, RV_OP_csrrc,
                             RV_OP_COUNT, RV_OP_csrrwi, RV_OP_csrrsi, RV_OP_csrrci};
    for (uint32_t f3 = 1; f3 < 8; f3++) {
        uint32_t raw = EncI(0, 0, f3, 0, kSystem) | 0xfffu << 20 | 0x1fu << 15 | 0x1fu << 7;
        if (csr[f3] == RV_OP_COUNT) {
            EXPECT_FALSE(Legal(raw));
            continue;
        }
        in = MustDecode((raw & 0x000fffff) | 0x341u << 20);  // mepc
        EXPECT_EQ(in.op, (uint16_t)csr[f3]);
        EXPECT_EQ(in.imm, 0x341);
        EXPECT_EQ(in.rs1, 31);  // register or uimm
        EXPECT_EQ(in.rd, 31);
        EXPECT_EQ(MustDecode(raw).imm, 0xfff);  // zero-extended
    }
}

// ---- A ----

TEST(RvDecode32, Atomics) {
    struct { uint32_t f5; RvOpcode w, d; } ops[] = {
        {0x02, RV_OP_lr_w, RV_OP_lr_d},           {0x03, RV_OP_sc_w, RV_OP_sc_d},
        {0x01, RV_OP_amoswap_w, RV_OP_amoswap_d}, {0x00, RV_OP_amoadd_w, RV_OP_amoadd_d},
        {0x04, RV_OP_amoxor_w, RV_OP_amoxor_d},   {0x0c, RV_OP_amoand_w, RV_OP_amoand_d},
        {0x08, RV_OP_amoor_w, RV_OP_amoor_d},     {0x10, RV_OP_amomin_w, RV_OP_amomin_d},
        {0x14, RV_OP_amomax_w, RV_OP_amomax_d},   {0x18, RV_OP_amominu_w, RV_OP_amominu_d},
        {0x1c, RV_OP_amomaxu_w, RV_OP_amomaxu_d},
    };
    std::set<uint32_t> valid;
    for (auto &o : ops) {
        valid.insert(o.f5);
        uint32_t rs2 = o.f5 == 0x02 ? 0 : 7;
        for (int aqrl = 0; aqrl < 4; aqrl++) {
            RvInsn in = MustDecode(EncAmo(o.f5, aqrl & 2, aqrl & 1, rs2, 6, 2, 5));
            EXPECT_EQ(in.op, (uint16_t)o.w);
            EXPECT_EQ(in.rm, aqrl);
            EXPECT_EQ(in.rs1, 6);
            EXPECT_EQ(in.rs2, rs2);
            EXPECT_EQ(in.rd, 5);
            EXPECT_EQ(MustDecode(EncAmo(o.f5, aqrl & 2, aqrl & 1, rs2, 6, 3, 5)).op, (uint16_t)o.d);
        }
        EXPECT_FALSE(Legal(EncAmo(o.f5, 0, 0, rs2, 6, 0, 5)));  // no byte AMOs
        EXPECT_FALSE(Legal(EncAmo(o.f5, 0, 0, rs2, 6, 4, 5)));
    }
    for (uint32_t f5 = 0; f5 < 32; f5++)
        if (!valid.count(f5)) {
            EXPECT_FALSE(Legal(EncAmo(f5, 0, 0, 1, 2, 2, 3))) << f5;
            EXPECT_FALSE(Legal(EncAmo(f5, 0, 0, 1, 2, 3, 3))) << f5;
        }
    EXPECT_FALSE(Legal(EncAmo(0x02, 0, 0, 1, 6, 2, 5)));  // lr.w with rs2 != 0
    EXPECT_FALSE(Legal(EncAmo(0x02, 1, 1, 31, 6, 3, 5)));
}

// ---- F / D ----

TEST(RvDecode32, FloatArith) {
    struct { uint32_t f5; RvOpcode s, d; } ops[] = {
        {0x00, RV_OP_fadd_s, RV_OP_fadd_d}, {0x01, RV_OP_fsub_s, RV_OP_fsub_d},
        {0x02, RV_OP_fmul_s, RV_OP_fmul_d}, {0x03, RV_OP_fdiv_s, RV_OP_fdiv_d},
    };
    for (auto &o : ops) {
        for (uint32_t rm = 0; rm < 8; rm++) {
            for (uint32_t fmt = 0; fmt < 4; fmt++) {
                uint32_t raw = EncR(o.f5 << 2 | fmt, 3, 4, rm, 5, kOpFp);
                if (rm == 5 || rm == 6 || fmt > 1) {
                    EXPECT_FALSE(Legal(raw)) << std::hex << raw;
                    continue;
                }
                RvInsn in = MustDecode(raw);
                EXPECT_EQ(in.op, (uint16_t)(fmt ? o.d : o.s));
                EXPECT_EQ(in.rm, rm);
                EXPECT_EQ(in.rd, 5);
                EXPECT_EQ(in.rs1, 4);
                EXPECT_EQ(in.rs2, 3);
            }
        }
    }
    // fused multiply-add: opcodes 0x43/0x47/0x4b/0x4f, fmt in bits 26:25
    const RvOpcode fma[2][4] = {
        {RV_OP_fmadd_s, RV_OP_fmsub_s, RV_OP_fnmsub_s, RV_OP_fnmadd_s},
        {RV_OP_fmadd_d, RV_OP_fmsub_d, RV_OP_fnmsub_d, RV_OP_fnmadd_d},
    };
    for (uint32_t k = 0; k < 4; k++) {
        for (uint32_t fmt = 0; fmt < 2; fmt++) {
            RvInsn in = MustDecode(EncR4(29, fmt, 3, 4, 1, 5, 0x43 + 4 * k));
            EXPECT_EQ(in.op, (uint16_t)fma[fmt][k]);
            EXPECT_EQ(in.rs3, 29);
            EXPECT_EQ(in.rm, 1);
        }
        EXPECT_FALSE(Legal(EncR4(29, 2, 3, 4, 0, 5, 0x43 + 4 * k)));  // H
        EXPECT_FALSE(Legal(EncR4(29, 3, 3, 4, 0, 5, 0x43 + 4 * k)));  // Q
        EXPECT_FALSE(Legal(EncR4(29, 0, 3, 4, 5, 5, 0x43 + 4 * k)));  // rm 5
        EXPECT_FALSE(Legal(EncR4(29, 1, 3, 4, 6, 5, 0x43 + 4 * k)));  // rm 6
        EXPECT_TRUE(Legal(EncR4(29, 1, 3, 4, 7, 5, 0x43 + 4 * k)));   // dyn
    }
}

TEST(RvDecode32, FloatMisc) {
    // fsqrt: funct7 0x2c/0x2d, rs2 must be 0
    EXPECT_OP(MustDecode(EncR(0x2c, 0, 1, 7, 2, kOpFp)), fsqrt_s);
    EXPECT_OP(MustDecode(EncR(0x2d, 0, 1, 0, 2, kOpFp)), fsqrt_d);
    EXPECT_FALSE(Legal(EncR(0x2c, 1, 1, 7, 2, kOpFp)));
    EXPECT_FALSE(Legal(EncR(0x2d, 0, 1, 5, 2, kOpFp)));
    // fsgnj: funct7 0x10/0x11, funct3 0/1/2
    EXPECT_OP(MustDecode(EncR(0x10, 3, 1, 0, 2, kOpFp)), fsgnj_s);
    EXPECT_OP(MustDecode(EncR(0x10, 3, 1, 1, 2, kOpFp)), fsgnjn_s);
    EXPECT_OP(MustDecode(EncR(0x11, 3, 1, 2, 2, kOpFp)), fsgnjx_d);
    EXPECT_FALSE(Legal(EncR(0x10, 3, 1, 3, 2, kOpFp)));
    EXPECT_FALSE(Legal(EncR(0x11, 3, 1, 7, 2, kOpFp)));
    // fmin/fmax: funct7 0x14/0x15
    EXPECT_OP(MustDecode(EncR(0x14, 3, 1, 0, 2, kOpFp)), fmin_s);
    EXPECT_OP(MustDecode(EncR(0x15, 3, 1, 1, 2, kOpFp)), fmax_d);
    EXPECT_FALSE(Legal(EncR(0x14, 3, 1, 2, 2, kOpFp)));
    // compares: funct7 0x50/0x51, funct3 2 feq, 1 flt, 0 fle
    EXPECT_OP(MustDecode(EncR(0x50, 3, 1, 2, 2, kOpFp)), feq_s);
    EXPECT_OP(MustDecode(EncR(0x50, 3, 1, 1, 2, kOpFp)), flt_s);
    EXPECT_OP(MustDecode(EncR(0x51, 3, 1, 0, 2, kOpFp)), fle_d);
    EXPECT_FALSE(Legal(EncR(0x51, 3, 1, 3, 2, kOpFp)));
    // fcvt.s.d = 0x20 rs2=1; fcvt.d.s = 0x21 rs2=0
    EXPECT_OP(MustDecode(EncR(0x20, 1, 1, 0, 2, kOpFp)), fcvt_s_d);
    EXPECT_OP(MustDecode(EncR(0x21, 0, 1, 0, 2, kOpFp)), fcvt_d_s);
    EXPECT_FALSE(Legal(EncR(0x20, 0, 1, 0, 2, kOpFp)));
    EXPECT_FALSE(Legal(EncR(0x21, 1, 1, 0, 2, kOpFp)));
    EXPECT_FALSE(Legal(EncR(0x20, 2, 1, 0, 2, kOpFp)));  // fcvt.s.h (Zfh)
    EXPECT_FALSE(Legal(EncR(0x21, 1, 1, 6, 2, kOpFp)));
    // fcvt int <- fp: 0x60/0x61, rs2 0..3 = w, wu, l, lu
    const RvOpcode tox[2][4] = {
        {RV_OP_fcvt_w_s, RV_OP_fcvt_wu_s, RV_OP_fcvt_l_s, RV_OP_fcvt_lu_s},
        {RV_OP_fcvt_w_d, RV_OP_fcvt_wu_d, RV_OP_fcvt_l_d, RV_OP_fcvt_lu_d},
    };
    const RvOpcode fromx[2][4] = {
        {RV_OP_fcvt_s_w, RV_OP_fcvt_s_wu, RV_OP_fcvt_s_l, RV_OP_fcvt_s_lu},
        {RV_OP_fcvt_d_w, RV_OP_fcvt_d_wu, RV_OP_fcvt_d_l, RV_OP_fcvt_d_lu},
    };
    for (uint32_t d = 0; d < 2; d++) {
        for (uint32_t k = 0; k < 4; k++) {
            RvInsn in = MustDecode(EncR(0x60 | d, k, 9, 1, 10, kOpFp));
            EXPECT_EQ(in.op, (uint16_t)tox[d][k]);
            EXPECT_EQ(in.rm, 1);
            EXPECT_EQ(MustDecode(EncR(0x68 | d, k, 9, 7, 10, kOpFp)).op, (uint16_t)fromx[d][k]);
        }
        EXPECT_FALSE(Legal(EncR(0x60 | d, 4, 9, 1, 10, kOpFp)));
        EXPECT_FALSE(Legal(EncR(0x68 | d, 8, 9, 1, 10, kOpFp)));
        EXPECT_FALSE(Legal(EncR(0x60 | d, 0, 9, 5, 10, kOpFp)));
        EXPECT_FALSE(Legal(EncR(0x68 | d, 0, 9, 6, 10, kOpFp)));
    }
    // fmv.x.w / fclass.s: 0x70, rs2 0, funct3 0 / 1; fmv.w.x: 0x78 funct3 0
    EXPECT_OP(MustDecode(EncR(0x70, 0, 1, 0, 2, kOpFp)), fmv_x_w);
    EXPECT_OP(MustDecode(EncR(0x70, 0, 1, 1, 2, kOpFp)), fclass_s);
    EXPECT_OP(MustDecode(EncR(0x71, 0, 1, 0, 2, kOpFp)), fmv_x_d);
    EXPECT_OP(MustDecode(EncR(0x71, 0, 1, 1, 2, kOpFp)), fclass_d);
    EXPECT_OP(MustDecode(EncR(0x78, 0, 1, 0, 2, kOpFp)), fmv_w_x);
    EXPECT_OP(MustDecode(EncR(0x79, 0, 1, 0, 2, kOpFp)), fmv_d_x);
    EXPECT_FALSE(Legal(EncR(0x70, 0, 1, 2, 2, kOpFp)));
    EXPECT_FALSE(Legal(EncR(0x70, 0, 1, 7, 2, kOpFp)));
    EXPECT_FALSE(Legal(EncR(0x70, 1, 1, 0, 2, kOpFp)));
    EXPECT_FALSE(Legal(EncR(0x71, 1, 1, 1, 2, kOpFp)));
    EXPECT_FALSE(Legal(EncR(0x78, 0, 1, 1, 2, kOpFp)));
    EXPECT_FALSE(Legal(EncR(0x79, 2, 1, 0, 2, kOpFp)));
    // unassigned OP-FP funct7s
    for (uint32_t f7 : {0x40u, 0x48u, 0x18u, 0x1cu, 0x24u, 0x28u, 0x30u, 0x7cu, 0x7du, 0x7fu})
        EXPECT_FALSE(Legal(EncR(f7, 0, 1, 0, 2, kOpFp))) << f7;
}

TEST(RvDecode32, UnassignedOpcodes) {
    EXPECT_FALSE(Legal(0xffffffff));
    // custom-0/1/2/3, OP-V, reserved major opcodes
    for (uint32_t opc : {0x0bu, 0x2bu, 0x5bu, 0x7bu, 0x57u, 0x77u, 0x6bu, 0x1fu, 0x3fu, 0x5fu})
        EXPECT_FALSE(Legal(opc | 0x00a50000)) << std::hex << opc;
}

// ---- RVC (spec chapter "C" Standard Extension, RV64C) ----

// CI: funct3 | imm[5] | rd | imm[4:0] | op
uint32_t EncCI(uint32_t f3, uint32_t rd, int32_t imm6, uint32_t op) {
    uint32_t u = (uint32_t)imm6 & 0x3f;
    return f3 << 13 | (u >> 5) << 12 | rd << 7 | (u & 0x1f) << 2 | op;
}

TEST(RvDecode16, WellKnownWords) {
    RvInsn in = MustDecode(0x1141);  // c.addi sp,-16
    EXPECT_OP(in, addi);
    EXPECT_EQ(in.rd, 2);
    EXPECT_EQ(in.rs1, 2);
    EXPECT_EQ(in.imm, -16);
    EXPECT_EQ(in.len, 2);
    EXPECT_EQ(in.raw, 0x1141u);
    in = MustDecode(0xe406);  // c.sdsp ra,8(sp)
    EXPECT_OP(in, sd);
    EXPECT_EQ(in.rs2, 1);
    EXPECT_EQ(in.rs1, 2);
    EXPECT_EQ(in.imm, 8);
    in = MustDecode(0x60a2);  // c.ldsp ra,8(sp)
    EXPECT_OP(in, ld);
    EXPECT_EQ(in.rd, 1);
    EXPECT_EQ(in.imm, 8);
    in = MustDecode(0x8082);  // ret = c.jr ra
    EXPECT_OP(in, jalr);
    EXPECT_EQ(in.rd, 0);
    EXPECT_EQ(in.rs1, 1);
    EXPECT_EQ(in.imm, 0);
    in = MustDecode(0x9002);  // c.ebreak
    EXPECT_OP(in, ebreak);
    in = MustDecode(0xdead0001);  // c.nop; upper half ignored
    EXPECT_OP(in, addi);
    EXPECT_EQ(in.rd, 0);
    EXPECT_EQ(in.imm, 0);
    EXPECT_EQ(in.raw, 0x0001u);
    EXPECT_EQ(in.len, 2);
}

TEST(RvDecode16, Quadrant1) {
    RvInsn in = MustDecode(EncCI(0, 10, -32, 1));  // c.addi a0,-32
    EXPECT_OP(in, addi);
    EXPECT_EQ(in.rd, 10);
    EXPECT_EQ(in.rs1, 10);
    EXPECT_EQ(in.imm, -32);
    in = MustDecode(EncCI(1, 31, 31, 1));  // c.addiw t6,31
    EXPECT_OP(in, addiw);
    EXPECT_EQ(in.rd, 31);
    EXPECT_EQ(in.rs1, 31);
    EXPECT_EQ(in.imm, 31);
    in = MustDecode(EncCI(2, 5, -1, 1));  // c.li t0,-1
    EXPECT_OP(in, addi);
    EXPECT_EQ(in.rd, 5);
    EXPECT_EQ(in.rs1, 0);
    EXPECT_EQ(in.imm, -1);
    in = MustDecode(EncCI(3, 9, -1, 1));  // c.lui s1,0xfffff -> imm = -4096
    EXPECT_OP(in, lui);
    EXPECT_EQ(in.rd, 9);
    EXPECT_EQ(in.imm, -4096);
    in = MustDecode(EncCI(3, 9, 31, 1));
    EXPECT_EQ(in.imm, 31 << 12);
    // c.addi16sp -512: nzimm[9]=1, others 0 -> bit12 = 1
    in = MustDecode(3u << 13 | 1u << 12 | 2u << 7 | 1);
    EXPECT_OP(in, addi);
    EXPECT_EQ(in.rd, 2);
    EXPECT_EQ(in.rs1, 2);
    EXPECT_EQ(in.imm, -512);
    // c.addi16sp +16: nzimm[4] is bit 6
    EXPECT_EQ(MustDecode(3u << 13 | 2u << 7 | 1u << 6 | 1).imm, 16);
    // c.addi16sp +32: nzimm[5] is bit 2; +64: nzimm[6] is bit 5; +128: nzimm[7] is bit 3
    EXPECT_EQ(MustDecode(3u << 13 | 2u << 7 | 1u << 2 | 1).imm, 32);
    EXPECT_EQ(MustDecode(3u << 13 | 2u << 7 | 1u << 5 | 1).imm, 64);
    EXPECT_EQ(MustDecode(3u << 13 | 2u << 7 | 1u << 3 | 1).imm, 128);
    // CB: c.srli s1(rd'=1),63 ; c.srai a5(rd'=7),32 ; c.andi a0(rd'=2),-32
    in = MustDecode(4u << 13 | 1u << 12 | 0u << 10 | 1u << 7 | 31u << 2 | 1);
    EXPECT_OP(in, srli);
    EXPECT_EQ(in.rd, 9);
    EXPECT_EQ(in.rs1, 9);
    EXPECT_EQ(in.imm, 63);
    in = MustDecode(4u << 13 | 1u << 12 | 1u << 10 | 7u << 7 | 0u << 2 | 1);
    EXPECT_OP(in, srai);
    EXPECT_EQ(in.rd, 15);
    EXPECT_EQ(in.imm, 32);
    in = MustDecode(4u << 13 | 1u << 12 | 2u << 10 | 2u << 7 | 0u << 2 | 1);
    EXPECT_OP(in, andi);
    EXPECT_EQ(in.rd, 10);
    EXPECT_EQ(in.imm, -32);
    // CA: funct6 100011 / 100111, funct2 in bits 6:5
    const RvOpcode ca[8] = {RV_OP_sub, RV_OP_xor, RV_OP_or, RV_OP_and,
                            RV_OP_subw, RV_OP_addw, RV_OP_COUNT, RV_OP_COUNT};
    for (uint32_t k = 0; k < 8; k++) {
        uint32_t raw = 4u << 13 | (k >> 2) << 12 | 3u << 10 | 3u << 7 | (k & 3) << 5 | 6u << 2 | 1;
        if (ca[k] == RV_OP_COUNT) {
            EXPECT_FALSE(Legal(raw)) << k;
            continue;
        }
        in = MustDecode(raw);
        EXPECT_EQ(in.op, (uint16_t)ca[k]);
        EXPECT_EQ(in.rd, 11);
        EXPECT_EQ(in.rs1, 11);
        EXPECT_EQ(in.rs2, 14);
    }
    // c.j: offset bits imm[11|4|9:8|10|6|7|3:1|5] at 12..2; check each bit alone
    struct { uint32_t bit; int32_t val; } jb[] = {
        {12, -2048}, {11, 16}, {10, 512}, {9, 256}, {8, 1024}, {7, 64}, {6, 128},
        {5, 8}, {4, 4}, {3, 2}, {2, 32},
    };
    for (auto &b : jb) {
        in = MustDecode(5u << 13 | 1u << b.bit | 1);
        EXPECT_OP(in, jal);
        EXPECT_EQ(in.rd, 0);
        EXPECT_EQ(in.imm, b.val) << b.bit;
    }
    // c.beqz/c.bnez: imm[8|4:3] at 12:10, imm[7:6|2:1|5] at 6:2
    struct { uint32_t bit; int32_t val; } bb[] = {
        {12, -256}, {11, 16}, {10, 8}, {6, 128}, {5, 64}, {4, 4}, {3, 2}, {2, 32},
    };
    for (auto &b : bb) {
        in = MustDecode(6u << 13 | 5u << 7 | 1u << b.bit | 1);
        EXPECT_OP(in, beq);
        EXPECT_EQ(in.rs1, 13);
        EXPECT_EQ(in.rs2, 0);
        EXPECT_EQ(in.imm, b.val) << b.bit;
        EXPECT_OP(MustDecode(7u << 13 | 5u << 7 | 1u << b.bit | 1), bne);
    }
}

TEST(RvDecode16, Quadrant0And2) {
    // c.addi4spn: nzuimm[5:4|9:6|2|3] at 12:5
    struct { uint32_t bit; int32_t val; } sp4[] = {
        {12, 32}, {11, 16}, {10, 512}, {9, 256}, {8, 128}, {7, 64}, {6, 4}, {5, 8},
    };
    for (auto &b : sp4) {
        RvInsn in = MustDecode(1u << b.bit | 2u << 2);
        EXPECT_OP(in, addi);
        EXPECT_EQ(in.rd, 10);
        EXPECT_EQ(in.rs1, 2);
        EXPECT_EQ(in.imm, b.val) << b.bit;
    }
    // c.lw: uimm[5:3] at 12:10, uimm[2] at 6, uimm[6] at 5
    RvInsn in = MustDecode(2u << 13 | 7u << 10 | 1u << 7 | 1u << 6 | 1u << 5 | 4u << 2);
    EXPECT_OP(in, lw);
    EXPECT_EQ(in.rs1, 9);
    EXPECT_EQ(in.rd, 12);
    EXPECT_EQ(in.imm, 56 + 4 + 64);
    // c.ld / c.fld / c.sd / c.fsd / c.sw: uimm[7:6] at 6:5 (d forms)
    in = MustDecode(3u << 13 | 1u << 10 | 3u << 5 | 7u << 2);
    EXPECT_OP(in, ld);
    EXPECT_EQ(in.rd, 15);
    EXPECT_EQ(in.rs1, 8);
    EXPECT_EQ(in.imm, 8 + 192);
    EXPECT_OP(MustDecode(1u << 13 | 1u << 10), fld);
    in = MustDecode(7u << 13 | 2u << 10 | 1u << 5 | 3u << 7 | 5u << 2);
    EXPECT_OP(in, sd);
    EXPECT_EQ(in.rs2, 13);
    EXPECT_EQ(in.rs1, 11);
    EXPECT_EQ(in.imm, 16 + 64);
    EXPECT_OP(MustDecode(5u << 13), fsd);
    in = MustDecode(6u << 13 | 1u << 6 | 1u << 5);
    EXPECT_OP(in, sw);
    EXPECT_EQ(in.imm, 4 + 64);
    // c.slli t6,63
    in = MustDecode(1u << 12 | 31u << 7 | 31u << 2 | 2);
    EXPECT_OP(in, slli);
    EXPECT_EQ(in.rd, 31);
    EXPECT_EQ(in.rs1, 31);
    EXPECT_EQ(in.imm, 63);
    // c.lwsp a0: uimm[5] at 12, uimm[4:2] at 6:4, uimm[7:6] at 3:2
    in = MustDecode(2u << 13 | 1u << 12 | 10u << 7 | 1u << 4 | 3u << 2 | 2);
    EXPECT_OP(in, lw);
    EXPECT_EQ(in.rd, 10);
    EXPECT_EQ(in.rs1, 2);
    EXPECT_EQ(in.imm, 32 + 4 + 192);
    // c.ldsp / c.fldsp: uimm[5] at 12, uimm[4:3] at 6:5, uimm[8:6] at 4:2
    in = MustDecode(3u << 13 | 1u << 12 | 10u << 7 | 1u << 5 | 7u << 2 | 2);
    EXPECT_OP(in, ld);
    EXPECT_EQ(in.imm, 32 + 8 + 448);
    in = MustDecode(1u << 13 | 31u << 7 | 2u << 5 | 1u << 2 | 2);
    EXPECT_OP(in, fld);
    EXPECT_EQ(in.rd, 31);
    EXPECT_EQ(in.imm, 16 + 64);
    // c.swsp: uimm[5:2] at 12:9, uimm[7:6] at 8:7
    in = MustDecode(6u << 13 | 1u << 9 | 2u << 7 | 17u << 2 | 2);
    EXPECT_OP(in, sw);
    EXPECT_EQ(in.rs2, 17);
    EXPECT_EQ(in.rs1, 2);
    EXPECT_EQ(in.imm, 4 + 128);
    // c.sdsp / c.fsdsp: uimm[5:3] at 12:10, uimm[8:6] at 9:7
    in = MustDecode(7u << 13 | 4u << 10 | 5u << 7 | 2);
    EXPECT_OP(in, sd);
    EXPECT_EQ(in.imm, 32 + 320);
    EXPECT_OP(MustDecode(5u << 13 | 3u << 2 | 2), fsd);
    // c.mv / c.add / c.jalr
    in = MustDecode(4u << 13 | 10u << 7 | 11u << 2 | 2);
    EXPECT_OP(in, add);
    EXPECT_EQ(in.rd, 10);
    EXPECT_EQ(in.rs1, 0);
    EXPECT_EQ(in.rs2, 11);
    in = MustDecode(4u << 13 | 1u << 12 | 10u << 7 | 11u << 2 | 2);
    EXPECT_OP(in, add);
    EXPECT_EQ(in.rs1, 10);
    in = MustDecode(4u << 13 | 1u << 12 | 5u << 7 | 2);
    EXPECT_OP(in, jalr);
    EXPECT_EQ(in.rd, 1);
    EXPECT_EQ(in.rs1, 5);
    EXPECT_EQ(in.imm, 0);
}

TEST(RvDecode16, ReservedAndHints) {
    EXPECT_FALSE(Legal(0x0000));      // all-zero: defined illegal
    EXPECT_FALSE(Legal(0xffff0000));  // upper half ignored
    EXPECT_FALSE(Legal(0x0004));      // c.addi4spn nzuimm = 0, rd' = s1
    EXPECT_FALSE(Legal(0x001c));
    EXPECT_FALSE(Legal(0x6101));      // c.addi16sp imm = 0
    EXPECT_FALSE(Legal(0x6081));      // c.lui ra,0
    EXPECT_TRUE(Legal(0x7081));       // c.lui ra,0xfffe0 (nzimm[17] set) is fine
    EXPECT_FALSE(Legal(0x4002));      // c.lwsp rd = 0
    EXPECT_FALSE(Legal(0x6002));      // c.ldsp rd = 0
    EXPECT_FALSE(Legal(0x8002));      // c.jr x0
    EXPECT_FALSE(Legal(0x2001));      // c.addiw rd = 0
    EXPECT_FALSE(Legal(0x2005));
    EXPECT_FALSE(Legal(0x8000));      // quadrant 0 funct3 100
    EXPECT_FALSE(Legal(0x9c41));      // CA reserved (bit12=1, funct2=10)
    EXPECT_FALSE(Legal(0x9c61));      // CA reserved (bit12=1, funct2=11)
    // HINTs are legal and write x0 / do nothing
    RvInsn in = MustDecode(0x4015);  // c.li x0,5
    EXPECT_OP(in, addi);
    EXPECT_EQ(in.rd, 0);
    EXPECT_EQ(in.imm, 5);
    EXPECT_OP(MustDecode(0x0005), addi);  // c.nop 1
    EXPECT_OP(MustDecode(0x6005), lui);   // c.lui x0,1
    EXPECT_EQ(MustDecode(0x6005).rd, 0);
    EXPECT_OP(MustDecode(0x802a), add);   // c.mv x0,a0
    EXPECT_OP(MustDecode(0x902a), add);   // c.add x0,a0
    EXPECT_OP(MustDecode(0x0006), slli);  // c.slli x0,1
    in = MustDecode(0x0502);              // c.slli a0,0 (slli64 hint)
    EXPECT_OP(in, slli);
    EXPECT_EQ(in.imm, 0);
    in = MustDecode(0x0501);              // c.addi a0,0
    EXPECT_OP(in, addi);
    EXPECT_EQ(in.rd, 10);
    EXPECT_EQ(in.imm, 0);
    EXPECT_OP(MustDecode(0x8101), srli);  // c.srli s0,0 (srli64 hint)
}

// A compressed insn and its base expansion give the same RvInsn (but len/raw).
TEST(RvDecode, CanonicalFields) {
    struct { uint32_t c, base; } pairs[] = {
        {2u << 13 | 7u << 10 | 1u << 7 | 1u << 6 | 4u << 2, EncI(60, 9, 2, 12, kLoad)},   // c.lw
        {0x1141, EncI(-16, 2, 0, 2, kOpImm)},                                              // c.addi
        {0xe406, EncS(8, 1, 2, 3, kStore)},                                                // c.sdsp
        {0x8082, EncI(0, 1, 0, 0, 0x67)},                                                  // c.jr ra
        {0x852e, EncR(0, 11, 0, 0, 10, kOp)},                                              // c.mv
        {0x9002, 0x00100073},                                                              // c.ebreak
        {6u << 13 | 5u << 7 | 1u << 12 | 1, EncB(-256, 0, 13, 0)},                         // c.beqz
        {1u << 12 | 31u << 7 | 31u << 2 | 2, EncR(0x01, 31, 31, 1, 31, kOpImm)},           // c.slli t6,63
    };
    for (auto &p : pairs) {
        RvInsn a = MustDecode(p.c), b = MustDecode(p.base);
        EXPECT_EQ(a.op, b.op) << std::hex << p.c;
        EXPECT_EQ(a.rd, b.rd) << std::hex << p.c;
        EXPECT_EQ(a.rs1, b.rs1) << std::hex << p.c;
        EXPECT_EQ(a.rs2, b.rs2) << std::hex << p.c;
        EXPECT_EQ(a.rs3, b.rs3);
        EXPECT_EQ(a.rm, b.rm) << std::hex << p.c;
        EXPECT_EQ(a.imm, b.imm) << std::hex << p.c;
        EXPECT_EQ(a.len, 2);
        EXPECT_EQ(b.len, 4);
    }
    RvInsn in = MustDecode(EncI(-1, 3, 3, 4, kLoad));  // ld: imm bits must not leak into rs2/rm
    EXPECT_EQ(in.rs2, 0);
    EXPECT_EQ(in.rm, 0);
    in = MustDecode(EncI(0x0ff, 11, 0, 1, 0x0f));  // fence with rd/rs1 set: ignored
    EXPECT_OP(in, fence);
    EXPECT_EQ(in.rs1, 0);
    EXPECT_EQ(in.imm, 0x0ff);
}

TEST(RvDecode, LenAndRawAlwaysSet) {
    RvInsn in;
    memset(&in, 0, sizeof(in));
    EXPECT_FALSE(rv_decode(0x12340000, &in));
    EXPECT_EQ(in.len, 2);
    EXPECT_EQ(in.raw, 0u);
    EXPECT_FALSE(rv_decode(0xffffffff, &in));
    EXPECT_EQ(in.len, 4);
    EXPECT_EQ(in.raw, 0xffffffffu);
}

// Robustness: every 16-bit word and many 32-bit words decode without
// crashing, with in-range fields on success and a disassembly that fits.
TEST(RvDecode, SweepIsSane) {
    char buf[96];
    int legal16 = 0;
    for (uint32_t v = 0; v < 0x10000; v++) {
        if ((v & 3) == 3)
            continue;
        RvInsn in;
        bool ok = rv_decode(v | 0xabcd0000u, &in);
        ASSERT_EQ(in.len, 2);
        ASSERT_EQ(in.raw, v);
        if (!ok)
            continue;
        legal16++;
        ASSERT_LT(in.op, RV_OP_COUNT);
        ASSERT_LT(in.rd | in.rs1 | in.rs2 | in.rs3, 32);
        ASSERT_GT(rv_disas(&in, 0x1000, buf, sizeof(buf)), 0);
    }
    // 49152 - reserved encodings; a wrong quadrant decode would move this a lot
    EXPECT_GT(legal16, 45000);
    EXPECT_LT(legal16, 49152);
    uint64_t s = 88172645463325252ull;
    for (int i = 0; i < 500000; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        RvInsn in;
        uint32_t raw = (uint32_t)s | 3;
        bool ok = rv_decode(raw, &in);
        ASSERT_EQ(in.len, 4);
        if (!ok)
            continue;
        ASSERT_LT(in.op, RV_OP_COUNT);
        ASSERT_LT(in.rd | in.rs1 | in.rs2 | in.rs3, 32);
        ASSERT_GT(rv_disas(&in, 0, buf, sizeof(buf)), 0);
        ASSERT_LT(strlen(buf), sizeof(buf) - 1);
    }
}

// ---- disassembler (expected text is objdump -M no-aliases style) ----

TEST(RvDisas, Objdump) {
    EXPECT_EQ(Disas(0xff010113), "addi sp,sp,-16");
    EXPECT_EQ(Disas(0x00359513), "slli a0,a1,0x3");
    EXPECT_EQ(Disas(0x12345537), "lui a0,0x12345");
    EXPECT_EQ(Disas(0x000500e7), "jalr ra,0(a0)");
    EXPECT_EQ(Disas(0x00102573), "csrrs a0,fflags,zero");
    EXPECT_EQ(Disas(0x7c05a573), "csrrs a0,0x7c0,a1");
    EXPECT_EQ(Disas(0xb0559573), "csrrw a0,mhpmcounter5,a1");
    EXPECT_EQ(Disas(0x3002d573), "csrrwi a0,mstatus,5");
    EXPECT_EQ(Disas(0x0ff0000f), "fence iorw,iorw");
    EXPECT_EQ(Disas(0x0120000f), "fence w,r");
    EXPECT_EQ(Disas(0x8330000f), "fence.tso");
    EXPECT_EQ(Disas(0x0000100f), "fence.i");
    EXPECT_EQ(Disas(0x00c5f553), "fadd.s fa0,fa1,fa2");
    EXPECT_EQ(Disas(0x00c58553), "fadd.s fa0,fa1,fa2,rne");
    EXPECT_EQ(Disas(0x42058553), "fcvt.d.s fa0,fa1");
    EXPECT_EQ(Disas(0xd2058553), "fcvt.d.w fa0,a1");
    EXPECT_EQ(Disas(0x6ac59543), "fmadd.d fa0,fa1,fa2,fa3,rtz");
    EXPECT_EQ(Disas(0x06b6252f), "amoadd.w.aqrl a0,a1,(a2)");
    EXPECT_EQ(Disas(0x1405b52f), "lr.d.aq a0,(a1)");
    EXPECT_EQ(Disas(0x18b6352f), "sc.d a0,a1,(a2)");
    EXPECT_EQ(Disas(0x00b50063, 0x58), "beq a0,a1,0x58");
    EXPECT_EQ(Disas(0x008000ef, 0x5c), "jal ra,0x64");
    EXPECT_EQ(Disas(0x0085a507), "flw fa0,8(a1)");
    EXPECT_EQ(Disas(0xfea13c27), "fsd fa0,-8(sp)");
    EXPECT_EQ(Disas(0x12b50073), "sfence.vma a0,a1");
    EXPECT_EQ(Disas(0xe0050553), "fmv.x.w a0,fa0");
    EXPECT_EQ(Disas(0xe2059553), "fclass.d a0,fa1");
    EXPECT_EQ(Disas(0xc0051553), "fcvt.w.s a0,fa0,rtz");
    EXPECT_EQ(Disas(0x00000073), "ecall");
    EXPECT_EQ(Disas(0x30200073), "mret");
    // compressed shown as the base form
    EXPECT_EQ(Disas(0x0001), "addi zero,zero,0");
    EXPECT_EQ(Disas(0x8082), "jalr zero,0(ra)");
    EXPECT_EQ(Disas(0x852e), "add a0,zero,a1");
    EXPECT_EQ(Disas(0xa001, 0x92), "jal zero,0x92");
    EXPECT_EQ(Disas(0xc111, 0x96), "beq a0,zero,0x9a");
    EXPECT_EQ(Disas(0x0000), "illegal");
    // padded like objdump's column, and truncation is safe
    RvInsn in;
    ASSERT_TRUE(rv_decode(0xff010113, &in));
    char buf[64];
    rv_disas(&in, 0, buf, sizeof(buf));
    EXPECT_STREQ(buf, "addi    sp,sp,-16");
    char small[6];
    EXPECT_EQ(rv_disas(&in, 0, small, sizeof(small)), 5);
    EXPECT_STREQ(small, "addi ");
}

}  // namespace
