// ir_test.cc — IR builder, printer, verifier and passes.
//
// The passes are checked differentially: random blocks are run through the
// interpreter before and after optimization and must leave identical guest
// registers.  Expected values of single ops come from plain C arithmetic
// written out here (not from ir_eval_pure).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/unit/vplat_c.h"

namespace {

const IrGlobalInfo kGlobals[] = {{"zero", IR_GLOBAL_ZERO}, {"r1", 0}, {"r2", 0}, {"r3", 0},
                                 {"r4", 0},                {"r5", 0}, {"r6", 0}, {"r7", 0}};
uint64_t helper_add3(void *, uint64_t a, uint64_t b, uint64_t c, uint64_t imm) { return a + b + c + imm; }
const IrHelperInfo kHelpers[] = {{"add3", helper_add3, IR_H_PURE}};
const IrEnv kEnv = {kGlobals, 8, kHelpers, 1};

std::string verify_msg(const IrBlock *b) {
    char err[256] = "";
    return ir_verify(b, err, sizeof err) ? "" : err;
}

TEST(IrOps, TableIsConsistent) {
    for (int op = 0; op < IR_NUM_OPS; op++) {
        const IrOpInfo &i = ir_op_info[op];
        ASSERT_NE(i.name, nullptr) << op;
        EXPECT_LE(i.n_out, 1) << i.name;
        EXPECT_LE(i.n_in, 3) << i.name;
        if (i.flags & IR_F_IMM_B) {
            EXPECT_GE(i.n_in, 2) << i.name;
        }
        if (i.flags & (IR_F_LOAD | IR_F_STORE)) {
            EXPECT_TRUE(i.flags & IR_F_RAISE) << i.name;
        }
    }
}

TEST(IrVerify, AcceptsWellFormedBlock) {
    IrBlock b;
    ir_block_init(&b, &kEnv, 0x1000);
    ir_insn_marker(&b, 0x1000, 4);
    IrVal t = ir_new_temp(&b);
    ir_binop_imm(&b, IR_add, t, 1, 5);
    ir_load(&b, IR_ld64, 2, t, 8, 0);
    ir_goto_tb(&b, 0, 0x1004);
    EXPECT_EQ(verify_msg(&b), "");
    ir_block_free(&b);
}

TEST(IrVerify, RejectsUseBeforeDefinition) {
    IrBlock b;
    ir_block_init(&b, &kEnv, 0);
    ir_insn_marker(&b, 0, 4);
    IrVal t = ir_new_temp(&b);
    ir_binop(&b, IR_add, 1, t, 2);
    ir_goto_tb(&b, 0, 4);
    EXPECT_NE(verify_msg(&b).find("before definition"), std::string::npos);
    ir_block_free(&b);
}

TEST(IrVerify, RejectsMissingTerminatorAndMarker) {
    IrBlock b;
    ir_block_init(&b, &kEnv, 0);
    ir_load(&b, IR_ld64, 1, 2, 0, 0);
    EXPECT_NE(verify_msg(&b).find("marker"), std::string::npos);
    ir_block_reset(&b, 0);
    ir_insn_marker(&b, 0, 4);
    ir_binop(&b, IR_add, 1, 2, 3);
    EXPECT_NE(verify_msg(&b).find("falls off"), std::string::npos);
    ir_block_free(&b);
}

TEST(IrVerify, RejectsTempAcrossLabelAndBackwardBranch) {
    IrBlock b;
    ir_block_init(&b, &kEnv, 0);
    ir_insn_marker(&b, 0, 4);
    IrVal t = ir_movi(&b, 3);
    uint32_t l = ir_new_label(&b);
    ir_branch(&b, IR_breq, 1, 2, 0, l);
    ir_label(&b, l);
    ir_mov(&b, 1, t);
    ir_goto_tb(&b, 0, 4);
    EXPECT_NE(verify_msg(&b).find("across a label"), std::string::npos);

    ir_block_reset(&b, 0);
    ir_insn_marker(&b, 0, 4);
    uint32_t l2 = ir_new_label(&b);
    ir_label(&b, l2);
    ir_branch(&b, IR_brne, 1, 2, 0, l2);
    ir_goto_tb(&b, 0, 4);
    EXPECT_NE(verify_msg(&b).find("backward"), std::string::npos);
    ir_block_free(&b);
}

TEST(IrVerify, RejectsImmediateInFirstOperand) {
    IrBlock b;
    ir_block_init(&b, &kEnv, 0);
    ir_insn_marker(&b, 0, 4);
    ir_emit(&b, IR_sub, 1, IR_VAL_IMM, 2, IR_VAL_NONE, 7);
    ir_goto_tb(&b, 0, 4);
    EXPECT_NE(verify_msg(&b).find("immediate"), std::string::npos);
    ir_pass_legalize_imm(&b);
    EXPECT_EQ(verify_msg(&b), "");
    ir_block_free(&b);
}

TEST(IrPasses, FoldsConstantsThroughGlobals) {
    IrBlock b;
    ir_block_init(&b, &kEnv, 0);
    ir_insn_marker(&b, 0, 4);
    ir_emit(&b, IR_movi, 1, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, 0x12345000);  // lui r1
    ir_insn_marker(&b, 4, 4);
    ir_binop_imm(&b, IR_add, 1, 1, 0x678);                                         // addi r1, r1
    ir_insn_marker(&b, 8, 4);
    ir_binop(&b, IR_add, 2, 0, 1);                                                 // add r2, zero, r1
    ir_goto_tb(&b, 0, 12);
    ir_optimize(&b);
    EXPECT_EQ(verify_msg(&b), "");
    // r1's first write is dead (overwritten, nothing observes it in between)
    int movi_r1 = 0, movi_r2 = 0, adds = 0;
    for (uint32_t i = 0; i < b.n_insns; i++) {
        const IrInsn &in = b.insns[i];
        if (in.op == IR_movi && in.dst == 1) { movi_r1++; EXPECT_EQ(in.imm, 0x12345678); }
        if (in.op == IR_movi && in.dst == 2) { movi_r2++; EXPECT_EQ(in.imm, 0x12345678); }
        if (in.op == IR_add) adds++;
    }
    EXPECT_EQ(movi_r1, 1);
    EXPECT_EQ(movi_r2, 1);
    EXPECT_EQ(adds, 0);
    ir_block_free(&b);
}

TEST(IrPasses, KeepsGlobalWriteBeforeRaisingOp) {
    IrBlock b;
    ir_block_init(&b, &kEnv, 0);
    ir_insn_marker(&b, 0, 4);
    ir_binop_imm(&b, IR_add, 3, 3, 1);
    ir_insn_marker(&b, 4, 4);
    ir_load(&b, IR_ld64, 4, 5, 0, 0);  // may fault: r3's write must be visible
    ir_insn_marker(&b, 8, 4);
    ir_binop_imm(&b, IR_add, 3, 6, 2);
    ir_goto_tb(&b, 0, 12);
    ir_optimize(&b);
    int writes_r3 = 0;
    for (uint32_t i = 0; i < b.n_insns; i++)
        if (ir_op_info[b.insns[i].op].n_out && b.insns[i].dst == 3) writes_r3++;
    EXPECT_EQ(writes_r3, 2);
    ir_block_free(&b);
}

TEST(IrPasses, KeepsWriteToTheDestinationOfARaisingOp) {
    // `mv r4, r6; ld r4, 0(r5)`: if the load faults, r4 must hold r6
    // (found by the bare-metal tests: a faulting load's destination
    // register had lost its earlier value)
    IrBlock b;
    ir_block_init(&b, &kEnv, 0);
    ir_insn_marker(&b, 0, 4);
    ir_mov(&b, 4, 6);
    ir_insn_marker(&b, 4, 4);
    ir_load(&b, IR_ld64, 4, 5, 0, 0);
    ir_goto_tb(&b, 0, 8);
    ir_optimize(&b);
    int writes_r4 = 0;
    for (uint32_t i = 0; i < b.n_insns; i++)
        if (ir_op_info[b.insns[i].op].n_out && b.insns[i].dst == 4) writes_r4++;
    EXPECT_EQ(writes_r4, 2);
    ir_block_free(&b);
}

// The round of SHA-256 as gcc writes it for RV64GC: each rotate is two
// shifts and an or.
TEST(IrPasses, RecognizesRotates) {
    IrBlock b;
    ir_block_init(&b, &kEnv, 0);
    ir_insn_marker(&b, 0, 4);
    ir_binop_imm(&b, IR_shlw, 2, 1, 26);
    ir_insn_marker(&b, 4, 4);
    ir_binop_imm(&b, IR_shrw, 3, 1, 6);
    ir_insn_marker(&b, 8, 4);
    ir_binop(&b, IR_or, 3, 3, 2);  // r3 = rotrw r1, 6
    ir_insn_marker(&b, 12, 4);
    ir_binop_imm(&b, IR_shl, 4, 5, 64 - 17);
    ir_insn_marker(&b, 16, 4);
    ir_binop_imm(&b, IR_shr, 6, 5, 17);
    ir_insn_marker(&b, 20, 4);
    ir_binop(&b, IR_xor, 4, 4, 6);  // r4 = rotr r5, 17 (r6 stays: read at the exit)
    ir_insn_marker(&b, 24, 4);
    ir_binop_imm(&b, IR_shrw, 7, 5, 3);
    ir_insn_marker(&b, 28, 4);
    IrVal t = ir_new_temp(&b);
    ir_binop_imm(&b, IR_shlw, t, 5, 28);
    ir_insn_marker(&b, 32, 4);
    ir_binop(&b, IR_or, 7, 7, t);  // 3 + 28 != 32: not a rotate
    ir_insn_marker(&b, 36, 4);
    t = ir_new_temp(&b);
    ir_binop_imm(&b, IR_shrw, t, 1, 7);
    ir_insn_marker(&b, 40, 4);
    ir_binop_imm(&b, IR_shlw, 1, 1, 25);
    ir_insn_marker(&b, 44, 4);
    ir_binop(&b, IR_add, 1, t, 1);  // the shifts read r1 before it changed: not a rotate of r1
    ir_goto_tb(&b, 0, 48);
    ir_optimize(&b);
    EXPECT_EQ(verify_msg(&b), "");
    int rotrw = 0, rotr = 0, shifts = 0;
    for (uint32_t i = 0; i < b.n_insns; i++) {
        const IrInsn &in = b.insns[i];
        if (in.op == IR_rotrw) { rotrw++; EXPECT_EQ(in.dst, 3); EXPECT_EQ(in.src[0], 1); EXPECT_EQ(in.imm, 6); }
        if (in.op == IR_rotr) { rotr++; EXPECT_EQ(in.dst, 4); EXPECT_EQ(in.src[0], 5); EXPECT_EQ(in.imm, 17); }
        if (in.op == IR_shlw || in.op == IR_shrw || in.op == IR_shl || in.op == IR_shr) shifts++;
    }
    EXPECT_EQ(rotrw, 1);
    EXPECT_EQ(rotr, 1);
    EXPECT_EQ(shifts, 6);  // r2, r6 (read at the exit), two for the non-rotate, two around r1's change
    ir_block_free(&b);
}

TEST(IrSemantics, Rotates) {
    EXPECT_EQ(ir_sem_rotr(0x8000000000000001ull, 1), 0xc000000000000000ull);
    EXPECT_EQ(ir_sem_rotr(0x1234, 64), 0x1234u);
    EXPECT_EQ(ir_sem_rotrw(0xffffffff00000001ull, 1), 0xffffffff80000000ull);
    EXPECT_EQ(ir_sem_rotrw(0x2, 1), 1u);
    EXPECT_EQ(ir_sem_rotrw(0xffffffff80000000ull, 32), 0xffffffff80000000ull);
}

TEST(IrSemantics, DivisionEdgeCases) {
    EXPECT_EQ(ir_sem_div(5, 0), ~0ull);
    EXPECT_EQ(ir_sem_rem(5, 0), 5u);
    EXPECT_EQ(ir_sem_div(0x8000000000000000ull, ~0ull), 0x8000000000000000ull);
    EXPECT_EQ(ir_sem_rem(0x8000000000000000ull, ~0ull), 0u);
    EXPECT_EQ(ir_sem_divw(0x80000000u, 0xffffffffu), 0xffffffff80000000ull);
    EXPECT_EQ(ir_sem_remw(0x80000000u, 0xffffffffu), 0u);
    EXPECT_EQ(ir_sem_divuw(7, 0), ~0ull);
    EXPECT_EQ(ir_sem_remuw(0x80000001u, 0), 0xffffffff80000001ull);
    EXPECT_EQ(ir_sem_mulhu(~0ull, ~0ull), ~0ull - 1);
    EXPECT_EQ(ir_sem_mulh(~0ull, ~0ull), 0u);           // -1 * -1 = 1
    EXPECT_EQ(ir_sem_mulhsu(~0ull, ~0ull), ~0ull);      // -1 * (2^64-1) high = -1
}

// ---- differential: optimized vs unoptimized, both interpreted -------------

struct Machine {
    GuestMem mem;
    CpuState cpu;
    explicit Machine() {
        memset(&cpu, 0, sizeof cpu);
        EXPECT_TRUE(mem_init(&mem, 1ull << 24));
        EXPECT_TRUE(mem_map(&mem, 0x1000, 0x1000, MEM_PAGE_READ | MEM_PAGE_WRITE));
        static const CpuArchOps arch = {"test", &kEnv, nullptr, nullptr, nullptr};
        cpu_core_init(&cpu, &arch, &mem);
        cpu_set_tier(&cpu, &interp_tier);
    }
    ~Machine() {
        cpu_core_destroy(&cpu);
        mem_destroy(&mem);
    }
    // Runs a copy of `src` (optimized if asked); returns the exit kind.
    TbExit run(const IrBlock &src, bool optimize, const uint64_t init[8]) {
        Tb *tb = static_cast<Tb *>(calloc(1, sizeof(Tb)));
        ir_block_copy(&tb->ir, &src);
        if (optimize) ir_optimize(&tb->ir);
        char err[256];
        EXPECT_TRUE(ir_verify(&tb->ir, err, sizeof err)) << err;
        tb->n_insns = tb->ir.n_guest_insns;
        EXPECT_TRUE(interp_tier.prepare(&cpu, tb));
        memcpy(cpu.vals, init, 8 * sizeof(uint64_t));
        TbExit e = interp_tier.run(&cpu, tb, false);
        interp_tier.release(tb);
        ir_block_free(&tb->ir);
        free(tb);
        return e;
    }
};

const IrOp kPureOps[] = {IR_rotr, IR_rotrw,
                         IR_add,  IR_sub,   IR_and,    IR_or,    IR_xor,    IR_shl,    IR_shr,   IR_sar,
                         IR_mul,  IR_mulh,  IR_mulhu,  IR_mulhsu, IR_div,   IR_divu,   IR_rem,   IR_remu,
                         IR_addw, IR_subw,  IR_shlw,   IR_shrw,  IR_sarw,   IR_mulw,   IR_divw,  IR_divuw,
                         IR_remw, IR_remuw, IR_seteq,  IR_setne, IR_setlt,  IR_setltu, IR_setge, IR_setgeu,
                         IR_sext8, IR_sext16, IR_sext32, IR_zext8, IR_zext16, IR_zext32, IR_mov};

uint64_t edge(std::mt19937_64 &rng) {
    static const uint64_t kEdges[] = {0, 1, 2, 31, 32, 63, 64, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
                                      0x80000000ull, 0xffffffffull, 0x7fffffffull, 0xffffffff80000000ull};
    return rng() % 3 ? kEdges[rng() % (sizeof kEdges / sizeof kEdges[0])] : rng();
}

// dst = (a >> n) op (a << m), 32- or 64-bit, mostly a rotate (n + m the
// width), sometimes not, sometimes with a redefined in between.
template <typename Pick>
void emit_rotate_idiom(std::mt19937_64 &rng, IrBlock *b, IrVal dst, IrVal a, Pick pick) {
    bool w32 = rng() % 2;
    uint32_t width = w32 ? 32 : 64;
    int64_t n = (int64_t)(rng() % (width + 1));
    int64_t m = rng() % 4 ? (int64_t)width - n : (int64_t)(rng() % width);
    IrVal x = rng() % 2 ? ir_new_temp(b) : (IrVal)(1 + rng() % 7);
    IrVal y = rng() % 2 ? ir_new_temp(b) : (IrVal)(1 + rng() % 7);
    ir_binop_imm(b, w32 ? IR_shrw : IR_shr, x, a, n);
    if (rng() % 8 == 0 && ir_is_global(b, a) && a != 0) ir_binop_imm(b, IR_add, a, pick(), 1);
    ir_binop_imm(b, w32 ? IR_shlw : IR_shl, y, a, m);
    static const IrOp kJoin[] = {IR_or, IR_or, IR_xor, IR_add};
    IrOp join = kJoin[rng() % 4];
    if (rng() % 2) ir_binop(b, join, dst, x, y);
    else ir_binop(b, join, dst, y, x);
}

TEST(IrPasses, RandomBlocksKeepSemantics) {
    Machine m;
    std::mt19937_64 rng(12345);
    for (int iter = 0; iter < 3000; iter++) {
        IrBlock b;
        ir_block_init(&b, &kEnv, 0x1000);
        std::vector<IrVal> temps;  // readable here (cleared at labels)
        std::vector<uint32_t> open_labels;
        int n = 1 + rng() % 24;
        for (int k = 0; k < n; k++) {
            ir_insn_marker(&b, 0x1000 + 4 * k, 4);
            auto pick = [&]() -> IrVal {
                if (!temps.empty() && rng() % 2) return temps[rng() % temps.size()];
                return (IrVal)(rng() % 8);
            };
            IrVal dst = rng() % 2 ? (IrVal)(1 + rng() % 7) : ir_new_temp(&b);
            int kind = rng() % 12;
            bool defines_dst = true;
            if (kind == 0) {
                ir_emit(&b, IR_movi, dst, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, (int64_t)edge(rng));
            } else if (kind == 1) {
                ir_call(&b, 0, dst, pick(), pick(), pick(), (int64_t)(rng() % 100));
            } else if (kind == 2) {
                IrVal addr = ir_movi(&b, 0x1000 + 8 * (rng() % 16));
                if (rng() % 2) {
                    ir_store(&b, IR_st64, addr, pick(), 0, 0);
                    defines_dst = false;
                } else ir_load(&b, IR_ld64, dst, addr, 0, 0);
            } else if (kind == 3) {
                emit_rotate_idiom(rng, &b, dst, pick(), pick);
            } else if (kind == 4) {  // forward branch; its operands are often constants (x0, movi)
                static const IrOp kBranches[] = {IR_breq, IR_brne, IR_brlt, IR_brge, IR_brltu, IR_brgeu};
                uint32_t l = ir_new_label(&b);
                IrOp op = kBranches[rng() % 6];
                if (rng() % 3 == 0) ir_branch(&b, op, pick(), IR_VAL_IMM, (int64_t)edge(rng), l);
                else ir_branch(&b, op, pick(), pick(), 0, l);
                open_labels.push_back(l);
                defines_dst = false;
            } else if (kind == 5 && !open_labels.empty()) {
                ir_label(&b, open_labels.back());
                open_labels.pop_back();
                temps.clear();
                defines_dst = false;
            } else {
                IrOp op = kPureOps[rng() % (sizeof kPureOps / sizeof kPureOps[0])];
                if (ir_op_info[op].n_in == 1) ir_unop(&b, op, dst, pick());
                else if ((ir_op_info[op].flags & IR_F_IMM_B) && rng() % 2) ir_binop_imm(&b, op, dst, pick(), (int64_t)edge(rng));
                else ir_binop(&b, op, dst, pick(), pick());
            }
            if (defines_dst && ir_is_temp(&b, dst)) temps.push_back(dst);
        }
        for (; !open_labels.empty(); open_labels.pop_back()) ir_label(&b, open_labels.back());
        ir_goto_tb(&b, 0, 0x2000);
        uint64_t init[8];
        for (auto &v : init) v = edge(rng);
        init[0] = 0;
        memset(m.mem.base + 0x1000, 0, 0x1000);
        m.run(b, false, init);
        uint64_t want[8];
        memcpy(want, m.cpu.vals, sizeof want);
        std::vector<uint8_t> want_mem(m.mem.base + 0x1000, m.mem.base + 0x1080);
        memset(m.mem.base + 0x1000, 0, 0x1000);
        m.run(b, true, init);
        for (int g = 0; g < 8; g++) {
            ASSERT_EQ(m.cpu.vals[g], want[g]) << "iteration " << iter << " global r" << g;
        }
        ASSERT_TRUE(std::equal(want_mem.begin(), want_mem.end(), m.mem.base + 0x1000)) << "iteration " << iter;
        ir_block_free(&b);
    }
}

TEST(Interp, CoversEveryOp) {
    char missing[128] = "";
    EXPECT_TRUE(interp_covers_all_ops(missing, sizeof missing)) << missing;
}

}  // namespace
