// jitn_test.cc — differential tests: each JIT backend (native, LLVM)
// against the interpreter.  Two generators with fixed seeds:
//   - random IR blocks (ALU ops, loads and stores that may fault, helper
//     calls that read and write guest registers, forward branches, rotate
//     idioms), some looping to themselves until a counter, a fault or the
//     instruction budget stops them, run through cpu_exec with each tier;
//     every other block is compiled without BMI2 (jit_baseline_x86);
//   - random valid RV64GC instruction sequences with counted loops,
//     through the embedding API.
// Both tiers must leave identical registers, memory, exit, pc, exception
// and instruction count.  VPLAT_DIFF_ITERS raises the iteration counts
// (the longer run).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "include/vplat/vplat.h"
#include "tests/unit/vplat_c.h"

extern "C" {
#include "jit-llvm/jitl.h"
#include "jit-native/jitn.h"
}

namespace {

int iterations(int dflt) {
    const char *e = getenv("VPLAT_DIFF_ITERS");
    return e ? atoi(e) : dflt;
}

// ---- random IR blocks -------------------------------------------------------

// r0..r7 for the random ops; ctr counts the rounds of a block that loops to itself
const IrGlobalInfo kGlobals[] = {{"zero", IR_GLOBAL_ZERO}, {"r1", 0}, {"r2", 0}, {"r3", 0}, {"r4", 0},
                                 {"r5", 0},                {"r6", 0}, {"r7", 0}, {"ctr", 0}};
constexpr int kNG = 9;
constexpr IrVal kCtr = 8;
uint64_t h_add3(void *, uint64_t a, uint64_t b, uint64_t c, uint64_t imm) { return a * 3 + b * 5 + c + imm; }
// reads r4 and writes r3 behind the IR's back (declared RG|WG)
uint64_t h_poke(void *cpu, uint64_t a, uint64_t, uint64_t, uint64_t imm) {
    CpuState *c = static_cast<CpuState *>(cpu);
    c->vals[3] = c->vals[4] ^ a ^ imm;
    return c->vals[4] + 1;
}
// raises a guest exception when a is odd
uint64_t h_check(void *cpu, uint64_t a, uint64_t, uint64_t, uint64_t) {
    if (a & 1) cpu_raise(static_cast<CpuState *>(cpu), 77, a);
    return a >> 1;
}
const IrHelperInfo kHelpers[] = {{"add3", h_add3, IR_H_PURE},
                                 {"poke", h_poke, IR_H_RG | IR_H_WG},
                                 {"check", h_check, IR_H_RAISE}};
const IrEnv kEnv = {kGlobals, kNG, kHelpers, 3};

const IrBlock *g_block;  // the block the test "frontend" hands out

void test_translate(CpuState *, uint64_t pc, uint32_t, IrBlock *b) {
    IrBlock copy;
    ir_block_copy(&copy, g_block);
    free(b->insns);
    *b = copy;
    b->guest_pc = pc;
}
void test_dump(CpuState *, FILE *) {}
const CpuArchOps kArch = {"test", &kEnv, test_translate, test_dump, nullptr};

const IrOp kPure[] = {IR_rotr, IR_rotrw,
                      IR_add,  IR_sub,   IR_and,   IR_or,    IR_xor,    IR_shl,    IR_shr,   IR_sar,
                      IR_mul,  IR_mulh,  IR_mulhu, IR_mulhsu, IR_div,   IR_divu,   IR_rem,   IR_remu,
                      IR_addw, IR_subw,  IR_shlw,  IR_shrw,  IR_sarw,   IR_mulw,   IR_divw,  IR_divuw,
                      IR_remw, IR_remuw, IR_seteq, IR_setne, IR_setlt,  IR_setltu, IR_setge, IR_setgeu,
                      IR_sext8, IR_sext16, IR_sext32, IR_zext8, IR_zext16, IR_zext32, IR_mov};
const IrOp kLoads[] = {IR_ld8u, IR_ld8s, IR_ld16u, IR_ld16s, IR_ld32u, IR_ld32s, IR_ld64};
const IrOp kStores[] = {IR_st8, IR_st16, IR_st32, IR_st64};
const IrOp kBranches[] = {IR_breq, IR_brne, IR_brlt, IR_brge, IR_brltu, IR_brgeu};

uint64_t edge(std::mt19937_64 &rng) {
    static const uint64_t k[] = {0, 1, 2, 31, 32, 63, 64, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
                                 0x80000000ull, 0xffffffffull, 0x7fffffffull, 0xffffffff80000000ull, 0x1000, 0x1ff8,
                                 /* binary64: 1.0, -1.5, 3.0, 1e300, 1e-300, min normal, inf, subnormal */
                                 0x3ff0000000000000ull, 0xbff8000000000000ull, 0x4008000000000000ull,
                                 0x7e37e43c8800759cull, 0x01a56e1fc2f8f359ull, 0x0010000000000000ull,
                                 0x7ff0000000000000ull, 0x0000000000000001ull};
    return rng() % 3 ? k[rng() % (sizeof k / sizeof k[0])] : rng();
}

// How a random block ends: it leaves, or it is a loop of one block (the
// back edge taken by a branch, by the fall-through, or always: then only
// the instruction budget or a fault stops it).
enum LoopKind { kNoLoop, kLoopTaken, kLoopFallthrough, kLoopForever };

void random_block(std::mt19937_64 &rng, IrBlock *b, LoopKind loop) {
    std::vector<IrVal> temps;  // temps readable here (cleared at labels)
    std::vector<uint32_t> open_labels;
    auto pick = [&]() -> IrVal {
        if (!temps.empty() && rng() % 2) return temps[rng() % temps.size()];
        return (IrVal)(rng() % 8);
    };
    int n = 1 + rng() % 40;
    for (int k = 0; k < n; k++) {
        ir_insn_marker(b, 0x1000 + 4 * k, 4);
        IrVal dst = rng() % 2 ? (IrVal)(1 + rng() % 7) : ir_new_temp(b);
        bool defines = true;
        switch (rng() % 14) {
        case 0:
            ir_emit(b, IR_movi, dst, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE, (int64_t)edge(rng));
            break;
        case 1: {
            IrVal a = ir_new_temp(b);  // mostly mapped, sometimes not
            ir_emit(b, IR_movi, a, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE,
                    rng() % 10 ? (int64_t)(0x1000 + rng() % 0xff8) : (int64_t)0x7000);
            ir_load(b, kLoads[rng() % 7], dst, a, (int64_t)(rng() % 8), 0);
            break;
        }
        case 2: {
            IrVal a = ir_new_temp(b);
            ir_emit(b, IR_movi, a, IR_VAL_NONE, IR_VAL_NONE, IR_VAL_NONE,
                    rng() % 12 ? (int64_t)(0x1000 + rng() % 0xff0) : (int64_t)(1ull << 40));
            ir_store(b, kStores[rng() % 4], a, pick(), (int64_t)(rng() % 8), 0);
            defines = false;
            break;
        }
        case 3:
            if (rng() % 2) ir_call(b, 0, dst, pick(), pick(), pick(), (int64_t)(rng() % 100));
            else ir_fpfast(b, 0, (uint32_t)(rng() % 4), 1, dst, pick(), pick(), pick(), (int64_t)(rng() % 100));
            break;
        case 4: ir_call(b, 1, dst, pick(), IR_VAL_NONE, IR_VAL_NONE, (int64_t)(rng() % 100)); break;
        case 5: if (rng() % 4 == 0) { ir_call(b, 2, dst, pick(), IR_VAL_NONE, IR_VAL_NONE, 0); break; }
            /* fallthrough */
        case 6:
            if (open_labels.size() < 3) {
                uint32_t l = ir_new_label(b);
                IrOp op = kBranches[rng() % 6];
                if (rng() % 2) ir_branch(b, op, pick(), IR_VAL_IMM, (int64_t)edge(rng), l);
                else ir_branch(b, op, pick(), pick(), 0, l);
                open_labels.push_back(l);
            }
            defines = false;
            break;
        case 8: {
            // (a >> n) | (a << (w - n)): ir_optimize makes it a rotate;
            // sometimes the counts do not add up, or a changes in between
            bool w32 = rng() % 2;
            uint32_t width = w32 ? 32 : 64;
            int64_t n = (int64_t)(rng() % (width + 1));
            int64_t m = rng() % 4 ? (int64_t)width - n : (int64_t)(rng() % width);
            IrVal a = pick();
            IrVal x = rng() % 2 ? ir_new_temp(b) : (IrVal)(1 + rng() % 7);
            IrVal y = rng() % 2 ? ir_new_temp(b) : (IrVal)(1 + rng() % 7);
            ir_binop_imm(b, w32 ? IR_shrw : IR_shr, x, a, n);
            if (rng() % 8 == 0 && ir_is_global(b, a) && a != 0) ir_binop_imm(b, IR_add, a, pick(), 1);
            ir_binop_imm(b, w32 ? IR_shlw : IR_shl, y, a, m);
            static const IrOp kJoin[] = {IR_or, IR_or, IR_xor, IR_add};
            bool swap = rng() % 2;
            ir_binop(b, kJoin[rng() % 4], dst, swap ? y : x, swap ? x : y);
            break;
        }
        case 7:
            if (!open_labels.empty()) {
                ir_label(b, open_labels.back());
                open_labels.pop_back();
                temps.clear();
            }
            defines = false;
            break;
        default: {
            IrOp op = kPure[rng() % (sizeof kPure / sizeof kPure[0])];
            if (ir_op_info[op].n_in == 1) ir_unop(b, op, dst, pick());
            else if ((ir_op_info[op].flags & IR_F_IMM_B) && rng() % 2) ir_binop_imm(b, op, dst, pick(), (int64_t)edge(rng));
            else ir_binop(b, op, dst, pick(), pick());
        }
        }
        if (defines && ir_is_temp(b, dst)) temps.push_back(dst);
    }
    while (!open_labels.empty()) {
        ir_label(b, open_labels.back());
        open_labels.pop_back();
    }
    uint32_t l = ir_new_label(b);
    switch (loop) {
    case kNoLoop: ir_exit(b, 0x9000, IR_EXIT_HALT, 0, 0); break;
    case kLoopTaken:  // ctr -= 1; if ctr != 0 goto 0x1000 (this block) else leave
        ir_binop_imm(b, IR_add, kCtr, kCtr, -1);
        ir_branch(b, IR_brne, kCtr, IR_VAL_IMM, 0, l);
        ir_exit(b, 0x9000, IR_EXIT_HALT, 0, 0);
        ir_label(b, l);
        ir_goto_tb(b, 1, 0x1000);
        break;
    case kLoopFallthrough:
        ir_binop_imm(b, IR_add, kCtr, kCtr, -1);
        ir_branch(b, IR_breq, kCtr, IR_VAL_IMM, 0, l);
        ir_goto_tb(b, 0, 0x1000);
        ir_label(b, l);
        ir_exit(b, 0x9000, IR_EXIT_HALT, 0, 0);
        break;
    case kLoopForever: ir_goto_tb(b, 0, 0x1000); break;
    }
}

struct Outcome {
    CpuExitReason reason;
    uint64_t vals[kNG], pc, insns, tval;
    uint64_t native_loops;  // TBs compiled with registers carried round their loop
    uint64_t llvm_regions;
    uint32_t cause;
    std::vector<uint8_t> mem;
};

// baseline: native code without ISA extensions (BMI2) even where the host has them
// hot: the JIT under test (NULL: the interpreter alone), every block compiled on first sight
Outcome run_block(const IrBlock &blk, const uint64_t init[kNG], const ExecTier *hot, bool baseline = false,
                  uint64_t max_insns = 0) {
    GuestMem mem;
    EXPECT_TRUE(mem_init(&mem, 1ull << 24));
    EXPECT_TRUE(mem_map(&mem, 0x1000, 0x1000, MEM_PAGE_READ | MEM_PAGE_WRITE));
    CpuState *cpu = static_cast<CpuState *>(calloc(1, sizeof(CpuState)));
    cpu_core_init(cpu, &kArch, &mem);
    cpu->fault_cause[CPU_FAULT_LOAD] = 13;
    cpu->fault_cause[CPU_FAULT_STORE] = 15;
    cpu->verify_ir = true;
    cpu->max_insns = max_insns;
    cpu_set_tier(cpu, &interp_tier);
    char err[128];
    if (hot) {
        cpu->jit_baseline_x86 = baseline;
        cpu->jit_sync = true;  // LLVM compiles before the block runs again: every block is compiled
        EXPECT_TRUE(cpu_set_hot_tier(cpu, hot, 0, err, sizeof err)) << err;
    }
    cpu_install_fault_handler();
    g_block = &blk;
    memcpy(cpu->vals, init, kNG * sizeof(uint64_t));
    for (uint32_t i = 0; i < 0x1000; i++) mem.base[0x1000 + i] = (uint8_t)(i * 7);
    cpu->pc = 0x1000;
    Outcome o;
    o.reason = cpu_exec(cpu);
    memcpy(o.vals, cpu->vals, sizeof o.vals);
    o.pc = cpu->pc;
    o.insns = cpu->insn_count;
    o.cause = o.reason == CPU_EXIT_EXCEPTION ? cpu->exc_cause : 0;
    o.tval = o.reason == CPU_EXIT_EXCEPTION ? cpu->exc_tval : 0;
    o.mem.assign(mem.base + 0x1000, mem.base + 0x2000);
    o.native_loops = cpu->stats.native_loops;
    o.llvm_regions = cpu->stats.llvm_regions;
    if (hot) {
        // more than one when a looping block stores into its own page (0x1000):
        // that invalidates and unlinks it, and it is translated again
        EXPECT_GE(cpu->stats.tbs_promoted, 1u);
    }
    cpu_core_destroy(cpu);
    free(cpu);
    mem_destroy(&mem);
    return o;
}

TEST(JitNative, HandlesEveryOp) { EXPECT_TRUE(jitn_covers_all_ops()); }

struct IrDiffCounts {
    int n, faults, rotates, budget_stops, carried_loops, llvm_regions;
};

// n random blocks under the interpreter and under `hot`: identical outcomes.
IrDiffCounts random_ir_blocks_match(const ExecTier *hot, uint64_t seed, int n) {
    std::mt19937_64 rng(seed);
    IrDiffCounts c = {n, 0, 0, 0, 0, 0};
    int &faults = c.faults, &rotates = c.rotates, &budget_stops = c.budget_stops, &carried_loops = c.carried_loops;
    for (int iter = 0; iter < n; iter++) {
        IrBlock b;
        ir_block_init(&b, &kEnv, 0x1000);
        LoopKind loop = (LoopKind)(rng() % 4);
        random_block(rng, &b, loop);
        ir_optimize(&b);
        char err[256];
        EXPECT_TRUE(ir_verify(&b, err, sizeof err)) << "iteration " << iter << ": " << err;
        if (testing::Test::HasFailure()) return c;
        for (uint32_t i = 0; i < b.n_insns; i++) rotates += b.insns[i].op == IR_rotr || b.insns[i].op == IR_rotrw;
        uint64_t init[kNG];
        for (auto &v : init) v = edge(rng);
        init[0] = 0;
        init[kCtr] = 1 + rng() % 6;
        uint64_t max_insns = loop == kLoopForever || rng() % 4 == 0 ? 1 + rng() % 300 : 0;
        Outcome want = run_block(b, init, nullptr, false, max_insns);
        Outcome got = run_block(b, init, hot, iter % 2, max_insns);
        faults += want.reason == CPU_EXIT_EXCEPTION;
        budget_stops += want.reason == CPU_EXIT_INSN_LIMIT;
        carried_loops += got.native_loops != 0;
        c.llvm_regions += got.llvm_regions != 0;
        EXPECT_EQ(got.reason, want.reason) << "iteration " << iter;
        for (int g = 0; g < kNG; g++) EXPECT_EQ(got.vals[g], want.vals[g]) << "iteration " << iter << " r" << g;
        EXPECT_EQ(got.pc, want.pc) << "iteration " << iter;
        EXPECT_EQ(got.insns, want.insns) << "iteration " << iter;
        EXPECT_EQ(got.cause, want.cause) << "iteration " << iter;
        EXPECT_EQ(got.tval, want.tval) << "iteration " << iter;
        EXPECT_TRUE(got.mem == want.mem) << "iteration " << iter;
        if (testing::Test::HasFailure()) {
            ir_print_block(stderr, &b);
            ir_block_free(&b);
            return c;
        }
        ir_block_free(&b);
    }
    EXPECT_GT(faults, n / 20);        // the generator really exercises faults,
    EXPECT_GT(budget_stops, n / 10);  // instruction budgets running out in loops,
    EXPECT_GT(rotates, n / 10);       // and rotate idioms ir_optimize recognizes
    return c;
}

TEST(JitNative, RandomIrBlocksMatchInterpreter) {
    IrDiffCounts c = random_ir_blocks_match(&jitn_tier, 20261122, iterations(3000));
    EXPECT_GT(c.carried_loops, c.n / 12);  // loops with registers carried round the back edge
}

// LLVM compiles a block in milliseconds: fewer blocks (VPLAT_DIFF_ITERS for more).
TEST(JitLlvm, RandomIrBlocksMatchInterpreter) {
    IrDiffCounts c = random_ir_blocks_match(&jitl_tier, 20261123, iterations(3000) / 5);
    EXPECT_GT(c.llvm_regions, c.n * 9 / 10);  // LLVM really compiled them
}

// ---- random RV64GC sequences -------------------------------------------------

uint32_t r_type(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opc) {
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
uint32_t i_type(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opc) {
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
uint32_t s_type(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t opc) {
    uint32_t u = (uint32_t)imm & 0xfff;
    return (u >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 31) << 7 | opc;
}
uint32_t b_type(int32_t off, uint32_t rs2, uint32_t rs1, uint32_t f3) {
    uint32_t u = (uint32_t)off;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 63) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           ((u >> 1) & 15) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

constexpr uint64_t kData = 0x40000;  // x31 points here: loads, stores, AMOs

// Straight-line code with forward branches, and loops: x30 counts down
// from 1..4 round a body of 1..6 instructions (no branches inside).
std::vector<uint32_t> random_program(std::mt19937_64 &rng) {
    std::vector<uint32_t> p;
    int n = 5 + rng() % 60;
    int loop_left = -1;      // instructions still to come in the loop body
    size_t loop_start = 0;   // index of the body's first instruction
    int branch_reach = 0;    // no loop starts before this k: a forward branch could skip its count setup
    auto close_loop = [&]() {
        p.push_back(i_type(-1, 30, 0, 30, 0x13));  // addi x30, x30, -1
        p.push_back(b_type((int32_t)(4 * ((int64_t)loop_start - (int64_t)p.size())), 0, 30, 1));  // bne x30, x0, body
        loop_left = -1;
    };
    auto rd = [&]() { return (uint32_t)(rng() % 30); };  // never x30 (loop counter), x31 (data pointer)
    auto rs = [&]() { return (uint32_t)(rng() % 32); };
    auto fr = [&]() { return (uint32_t)(rng() % 32); };
    for (int k = 0; k < n; k++) {
        int remaining = n - k;
        if (loop_left == 0) close_loop();
        if (loop_left < 0 && remaining > 10 && k >= branch_reach && rng() % 10 == 0) {
            p.push_back(i_type((int32_t)(1 + rng() % 4), 0, 0, 30, 0x13));  // addi x30, x0, count
            loop_left = 1 + (int)(rng() % 6);
            loop_start = p.size();
        }
        if (loop_left > 0) loop_left--;
        switch (rng() % 16) {
        case 0: {  // OP
            static const uint32_t f[][2] = {{0, 0}, {0x20, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0x20, 5},
                                            {0, 6}, {0, 7}, {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7}};
            auto &c = f[rng() % 18];
            p.push_back(r_type(c[0], rs(), rs(), c[1], rd(), 0x33));
            break;
        }
        case 1: {  // OP-32
            static const uint32_t f[][2] = {{0, 0}, {0x20, 0}, {0, 1}, {0, 5}, {0x20, 5}, {1, 0}, {1, 4}, {1, 5}, {1, 6}, {1, 7}};
            auto &c = f[rng() % 10];
            p.push_back(r_type(c[0], rs(), rs(), c[1], rd(), 0x3b));
            break;
        }
        case 2: {  // OP-IMM
            uint32_t f3 = rng() % 8;
            int32_t imm = (int32_t)(rng() % 4096) - 2048;
            if (f3 == 1) imm = (int32_t)(rng() % 64);
            if (f3 == 5) imm = (int32_t)(rng() % 64) | (rng() % 2 ? 0x400 : 0);
            p.push_back(i_type(imm, rs(), f3, rd(), 0x13));
            break;
        }
        case 3: {  // OP-IMM-32
            uint32_t f3 = (uint32_t[]){0, 1, 5}[rng() % 3];
            int32_t imm = f3 == 0 ? (int32_t)(rng() % 4096) - 2048 : (int32_t)(rng() % 32) | (f3 == 5 && rng() % 2 ? 0x400 : 0);
            p.push_back(i_type(imm, rs(), f3, rd(), 0x1b));
            break;
        }
        case 4: p.push_back((uint32_t)(rng() & 0xfffff000u) | rd() << 7 | (rng() % 2 ? 0x37 : 0x17)); break;
        case 5: {  // loads from the data page
            uint32_t f3 = rng() % 7;
            p.push_back(i_type((int32_t)(rng() % 2040), 31, f3, rd(), 0x03));
            break;
        }
        case 6: p.push_back(s_type((int32_t)(rng() % 2040), rs(), 31, rng() % 4, 0x23)); break;
        case 7:  // forward branch, skipping 1..3 instructions, never past the end nor out of a loop
            if (remaining > 4 && loop_left < 0) {
                p.push_back(b_type(8 + 4 * (int)(rng() % 3), rs(), rs(), (uint32_t[]){0, 1, 4, 5, 6, 7}[rng() % 6]));
                branch_reach = k + 4;
            }
            break;
        case 8: {  // FP arithmetic, double and single, static and dynamic rounding
            static const uint32_t f7[] = {0x00, 0x04, 0x08, 0x0c, 0x01, 0x05, 0x09, 0x0d};
            uint32_t rm = (uint32_t[]){0, 1, 2, 3, 4, 7}[rng() % 6];
            p.push_back(r_type(f7[rng() % 8], fr(), fr(), rm, fr(), 0x53));
            break;
        }
        case 9: {  // fmv.d.x / fmv.x.d / fmin / feq / fclass / fcvt
            switch (rng() % 6) {
            case 0: p.push_back(r_type(0x79, 0, rs(), 0, fr(), 0x53)); break;
            case 1: p.push_back(r_type(0x71, 0, fr(), 0, rd(), 0x53)); break;
            case 2: p.push_back(r_type(rng() % 2 ? 0x15 : 0x14, fr(), fr(), rng() % 2, fr(), 0x53)); break;
            case 3: p.push_back(r_type(rng() % 2 ? 0x51 : 0x50, fr(), fr(), rng() % 3, rd(), 0x53)); break;
            case 4: p.push_back(r_type(rng() % 2 ? 0x61 : 0x60, rng() % 4, fr(), (uint32_t[]){0, 1, 2, 3, 4, 7}[rng() % 6], rd(), 0x53)); break;
            default: p.push_back(r_type(rng() % 2 ? 0x69 : 0x68, rng() % 4, rs(), (uint32_t[]){0, 1, 7}[rng() % 3], fr(), 0x53)); break;
            }
            break;
        }
        case 10: {  // fused multiply-add
            uint32_t opc = (uint32_t[]){0x43, 0x47, 0x4b, 0x4f}[rng() % 4];
            p.push_back(fr() << 27 | (rng() % 2) << 25 | fr() << 20 | fr() << 15 | (uint32_t[]){0, 1, 4, 7}[rng() % 4] << 12 | fr() << 7 | opc);
            break;
        }
        case 11: {  // AMOs on aligned words of the data page: base x31 + 0 (amo uses rs1 directly)
            static const uint32_t f5[] = {0x00, 0x01, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c};
            p.push_back(f5[rng() % 9] << 27 | (uint32_t)(rng() % 4) << 25 | rs() << 20 | 31u << 15 | (rng() % 2 ? 2u : 3u) << 12 | rd() << 7 | 0x2f);
            break;
        }
        case 12:  // csrr rd, fflags/frm/fcsr; csrwi frm
            if (rng() % 3) p.push_back(i_type((int32_t)(1 + rng() % 3), 0, 2, rd(), 0x73));
            else p.push_back(i_type(2, (uint32_t)(rng() % 8), 5, 0, 0x73));  // csrwi frm (5..7 invalid)
            break;
        case 13: p.push_back(i_type((int32_t)(rng() % 2040) & ~7, 31, 3, fr(), 0x07)); break;   // fld
        case 14: p.push_back(s_type((int32_t)(rng() % 2040) & ~7, fr(), 31, 3, 0x27)); break;   // fsd
        default:
            if (rng() % 20 == 0) p.push_back(0xffffffffu);                                         // illegal
            else p.push_back(i_type((int32_t)(rng() % 64), rs(), 0, rd(), 0x13));
        }
    }
    if (loop_left >= 0) close_loop();
    p.push_back(0x00000073);  // ecall
    return p;
}

struct GuestRun {
    VplatStop stop;
    uint64_t regs[64], pc, insns, tval;
    uint32_t cause;
    std::vector<uint8_t> data;
};

GuestRun run_program(const std::vector<uint32_t> &prog, const uint64_t init[64], const char *jit) {
    char err[128];
    VplatCpu *cpu = vplat_cpu_new("riscv64", jit, 1ull << 30, err, sizeof err);
    EXPECT_NE(cpu, nullptr) << err;
    EXPECT_TRUE(vplat_mem_map(cpu, 0x10000, 0x10000, VPLAT_PROT_READ | VPLAT_PROT_WRITE | VPLAT_PROT_EXEC));
    EXPECT_TRUE(vplat_mem_map(cpu, kData, 0x1000, VPLAT_PROT_READ | VPLAT_PROT_WRITE));
    EXPECT_TRUE(vplat_mem_write(cpu, 0x10000, prog.data(), prog.size() * 4));
    std::vector<uint8_t> pattern(0x1000);
    for (size_t i = 0; i < pattern.size(); i++) pattern[i] = (uint8_t)(i * 13 + 5);
    EXPECT_TRUE(vplat_mem_write(cpu, kData, pattern.data(), pattern.size()));
    for (unsigned r = 1; r < 64; r++) vplat_set_reg(cpu, r, init[r]);
    vplat_set_reg(cpu, 31, kData + 8 * (init[31] % 64));
    vplat_set_pc(cpu, 0x10000);
    GuestRun g;
    g.stop = vplat_run(cpu, 100000);
    for (unsigned r = 0; r < 64; r++) g.regs[r] = vplat_get_reg(cpu, r);
    g.pc = vplat_get_pc(cpu);
    g.insns = vplat_insn_count(cpu);
    vplat_exception(cpu, &g.cause, &g.tval);
    if (g.stop != VPLAT_STOP_EXCEPTION) g.cause = 0, g.tval = 0;
    g.data.resize(0x1000);
    EXPECT_TRUE(vplat_mem_read(cpu, kData, g.data.data(), g.data.size()));
    vplat_cpu_free(cpu);
    return g;
}

void random_programs_match(const char *jit, uint64_t seed, int n) {
    std::mt19937_64 rng(seed);
    int exceptions = 0;
    for (int iter = 0; iter < n; iter++) {
        std::vector<uint32_t> prog = random_program(rng);
        uint64_t init[64];
        for (auto &v : init) v = edge(rng);
        GuestRun want = run_program(prog, init, "none");
        GuestRun got = run_program(prog, init, jit);
        exceptions += want.stop == VPLAT_STOP_EXCEPTION;
        ASSERT_EQ(got.stop, want.stop) << "iteration " << iter;
        for (int r = 0; r < 64; r++) ASSERT_EQ(got.regs[r], want.regs[r]) << "iteration " << iter << " reg " << r;
        ASSERT_EQ(got.pc, want.pc) << "iteration " << iter;
        ASSERT_EQ(got.insns, want.insns) << "iteration " << iter;
        ASSERT_EQ(got.cause, want.cause) << "iteration " << iter;
        ASSERT_EQ(got.tval, want.tval) << "iteration " << iter;
        ASSERT_TRUE(got.data == want.data) << "iteration " << iter;
    }
    EXPECT_GT(exceptions, 0);
}

TEST(JitNative, RandomGuestProgramsMatchInterpreter) { random_programs_match("native", 42, iterations(1500)); }

TEST(JitLlvm, RandomGuestProgramsMatchInterpreter) { random_programs_match("llvm", 43, iterations(1500) / 5); }

}  // namespace
