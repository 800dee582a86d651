/* fuzz_translate.c — libFuzzer target: random bytes as guest code through
 * the decoder, the disassembler, the RISC-V translator, the IR passes and
 * the IR verifier.
 *
 *   input ─▶ rv_decode every 16-bit position ─▶ rv_disas      (decoder invariants)
 *         ─▶ guest code ending at a page end (mapped R+X, next page unmapped)
 *         ─▶ rv_translate block after block ─▶ ir_verify ─▶ ir_optimize ─▶ ir_verify
 *
 * Every block the frontend produces must verify, before and after
 * optimization; anything else is a bug and aborts (libFuzzer saves the
 * input).  Block shape is checked too: at least one guest instruction,
 * at most max_insns, every instruction starting on the block's first page.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exec.h"
#include "core/mem.h"
#include "frontends/riscv/rv_cpu.h"
#include "frontends/riscv/rv_decode.h"
#include "ir/ir.h"

#define CODE_BASE 0x10000ull
#define CODE_PAGES 3 /* the input fills up to 2 pages; the page after stays unmapped */
#define MAX_INPUT (2 * MEM_PAGE_SIZE)

static GuestMem fz_mem;
static RvCpu fz_cpu;
static IrBlock fz_block;
static FILE *fz_null;
static bool fz_print;

static void fz_fail(const char *what, uint64_t pc, const IrBlock *b) {
    fprintf(stderr, "fuzz_translate: %s (block at 0x%llx)\n", what, (unsigned long long)pc);
    if (b) ir_print_block(stderr, b);
    abort();
}

static void fz_check_decode(uint32_t raw) {
    RvInsn in;
    bool ok = rv_decode(raw, &in);
    unsigned want_len = (raw & 3) == 3 ? 4 : 2;
    if (in.len != want_len) fz_fail("rv_decode: wrong length", raw, NULL);
    if (!ok) return;
    if (in.op >= RV_OP_COUNT || in.rd > 31 || in.rs1 > 31 || in.rs2 > 31 || in.rs3 > 31 || in.rm > 7)
        fz_fail("rv_decode: field out of range", raw, NULL);
    char buf[128];
    int n = rv_disas(&in, 0x10000, buf, sizeof buf);
    if (n < 0 || (size_t)n >= sizeof buf || strlen(buf) != (size_t)n) fz_fail("rv_disas: bad length", raw, NULL);
}

static void fz_translate(uint64_t pc, uint32_t max_insns) {
    IrBlock *b = &fz_block;
    char err[256];
    ir_block_reset(b, pc);
    rv_arch_ops.translate(&fz_cpu.cs, pc, max_insns, b);
    if (!ir_verify(b, err, sizeof err)) fz_fail(err, pc, b);
    /* offsets from the page start: no overflow in the last page of the space */
    const uint64_t page = pc & MEM_PAGE_MASK;
    if (b->n_guest_insns == 0 || b->n_guest_insns > max_insns) fz_fail("bad instruction count", pc, b);
    if (b->guest_size == 0 || b->guest_size > MEM_PAGE_SIZE - (pc - page) + 2) fz_fail("bad guest size", pc, b);
    for (uint32_t i = 0; i < b->n_insns; i++) {
        const IrInsn *in = &b->insns[i];
        if (in->op == IR_insn && ((uint64_t)in->imm < pc || (uint64_t)in->imm - page >= MEM_PAGE_SIZE))
            fz_fail("instruction outside the block's page", pc, b);
    }
    uint32_t n_guest = b->n_guest_insns, size = b->guest_size;
    ir_optimize(b);
    if (!ir_verify(b, err, sizeof err)) fz_fail(err, pc, b);
    if (b->n_guest_insns != n_guest || b->guest_size != size) fz_fail("optimizer changed the block's extent", pc, b);
    if (fz_print) ir_print_block(fz_null, b);
    fz_print = false;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    if (!mem_init(&fz_mem, 1u << 20)) abort();
    rv_cpu_init_user(&fz_cpu, &fz_mem);
    ir_block_init(&fz_block, &rv_ir_env, CODE_BASE);
    fz_null = fopen("/dev/null", "w");
    if (!fz_null) abort();
    return 0;
}

/* Blocks at the edges of the address space, where page arithmetic can
 * overflow: unmapped there, so each must be one faulting instruction. */
static void fz_translate_edges(void) {
    static const uint64_t edge[] = {0, 0xffe, 0xfffffffffffff000ull, 0xfffffffffffff800ull, 0xfffffffffffffffeull};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) fz_translate(edge[i], 64);
    fz_translate(fz_mem.limit - 2, 64);
    fz_translate(fz_mem.limit, 64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static bool edges_done;
    if (!edges_done) {
        edges_done = true;
        fz_translate_edges();
    }
    if (size > MAX_INPUT) size = MAX_INPUT;
    /* decoder: every 16-bit position, with whatever follows (zero padded) */
    for (size_t i = 0; i + 1 < size; i += 2) {
        uint8_t w[4] = {0};
        memcpy(w, data + i, size - i < 4 ? size - i : 4);
        fz_check_decode((uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24);
    }
    if (size < 2) return 0;
    /* guest code ends exactly at the end of its last page, and the page
     * after it is unmapped: every input reaches the page boundary */
    size &= ~(size_t)1;
    const uint64_t end = CODE_BASE + 2 * MEM_PAGE_SIZE, start = end - size;
    const uint64_t map_start = start & MEM_PAGE_MASK;
    if (!mem_unmap(&fz_mem, CODE_BASE, CODE_PAGES * MEM_PAGE_SIZE)) abort();
    if (!mem_map(&fz_mem, map_start, end - map_start, MEM_PAGE_READ | MEM_PAGE_WRITE)) abort();
    memcpy(mem_host(&fz_mem, start), data, size);
    if (!mem_protect(&fz_mem, map_start, end - map_start, MEM_PAGE_READ | MEM_PAGE_EXEC)) abort();
    /* straight-line coverage: each block starts where the previous ended */
    fz_print = true; /* print (to /dev/null) only the first block: printing is slow */
    for (uint64_t pc = start; pc < end;) {
        fz_translate(pc, 64);
        pc += fz_block.guest_size ? fz_block.guest_size : 2;
    }
    /* misaligned-by-2 start, single-step blocks, and the last bytes
     * (a 32-bit instruction running into the unmapped page) */
    fz_translate(start + 2 < end ? start + 2 : start, 64);
    fz_translate(start, 1);
    fz_translate(end - 2, 64);
    return 0;
}
