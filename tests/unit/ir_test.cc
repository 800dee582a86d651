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

const IrOp kPureOps[] = {IR_add,  IR_sub,   IR_and,    IR_or,    IR_xor,    IR_shl,    IR_shr,   IR_sar,
                         IR_mul,  IR_mulh,  IR_mulhu,  IR_mulhsu, IR_div,   IR_divu,   IR_rem,   IR_remu,
                         IR_addw, IR_subw,  IR_shlw,   IR_shrw,  IR_sarw,   IR_mulw,   IR_divw,  IR_divuw,
                         IR_remw, IR_remuw, IR_seteq,  IR_setne, IR_setlt,  IR_setltu, IR_setge, IR_setgeu,
                         IR_sext8, IR_sext16, IR_sext32, IR_zext8, IR_zext16, IR_zext32, IR_mov};

uint64_t edge(std::mt19937_64 &rng) {
    static const uint64_t kEdges[] = {0, 1, 2, 31, 32, 63, 64, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
                                      0x80000000ull, 0xffffffffull, 0x7fffffffull, 0xffffffff80000000ull};
    return rng() % 3 ? kEdges[rng() % (sizeof kEdges / sizeof kEdges[0])] : rng();
}

TEST(IrPasses, RandomBlocksKeepSemantics) {
    Machine m;
    std::mt19937_64 rng(12345);
    for (int iter = 0; iter < 3000; iter++) {
        IrBlock b;
        ir_block_init(&b, &kEnv, 0x1000);
        std::vector<IrVal> temps;
        int n = 1 + rng() % 24;
        for (int k = 0; k < n; k++) {
            ir_insn_marker(&b, 0x1000 + 4 * k, 4);
            auto pick = [&]() -> IrVal {
                if (!temps.empty() && rng() % 2) return temps[rng() % temps.size()];
                return (IrVal)(rng() % 8);
            };
            IrVal dst = rng() % 2 ? (IrVal)(1 + rng() % 7) : ir_new_temp(&b);
            int kind = rng() % 10;
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
            } else {
                IrOp op = kPureOps[rng() % (sizeof kPureOps / sizeof kPureOps[0])];
                if (ir_op_info[op].n_in == 1) ir_unop(&b, op, dst, pick());
                else if ((ir_op_info[op].flags & IR_F_IMM_B) && rng() % 2) ir_binop_imm(&b, op, dst, pick(), (int64_t)edge(rng));
                else ir_binop(&b, op, dst, pick(), pick());
            }
            if (defines_dst && ir_is_temp(&b, dst)) temps.push_back(dst);
        }
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
