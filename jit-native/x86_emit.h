/* x86_emit.h — a small x86-64 encoder for the native backend.
 *
 * Only encoding lives here: registers, REX/ModRM/SIB, and one function per
 * instruction form the backend uses.  Register allocation and IR lowering
 * are in jitn.c.  Every emit checks the buffer end; running out sets
 * `overflow` and stops writing, and the caller treats the block as not
 * fitting (the code buffer is then flushed and the block retried).
 *
 *   X86Buf b = x86_buf(mem, size);
 *   x86_alu_rr(&b, X86_ADD, true, X86_RAX, X86_RBX);    // add rax, rbx
 *   x86_load(&b, X86_LD64, X86_RAX, X86_R12, X86_RCX, 0); // mov rax, [r12+rcx]
 */
#ifndef VPLAT_X86_EMIT_H
#define VPLAT_X86_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum X86Reg {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_NOREG = -1,
} X86Reg;

/* Condition codes (the low nibble of Jcc/SETcc). */
typedef enum X86Cond {
    X86_CC_B = 0x2, X86_CC_AE = 0x3, X86_CC_E = 0x4, X86_CC_NE = 0x5, X86_CC_BE = 0x6, X86_CC_A = 0x7,
    X86_CC_L = 0xc, X86_CC_GE = 0xd, X86_CC_LE = 0xe, X86_CC_G = 0xf,
} X86Cond;

/* "op r/m, reg" ALU opcodes; the /digit for the immediate forms is op >> 3. */
typedef enum X86Alu { X86_ADD = 0x01, X86_OR = 0x09, X86_AND = 0x21, X86_SUB = 0x29, X86_XOR = 0x31, X86_CMP = 0x39 } X86Alu;
typedef enum X86Shift { X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7 } X86Shift;

/* Load forms: opcode bytes after the optional REX.W. */
typedef enum X86Load {
    X86_LD8U, X86_LD8S, X86_LD16U, X86_LD16S, X86_LD32U, X86_LD32S, X86_LD64,
} X86Load;

typedef struct X86Buf {
    uint8_t *start, *p, *end;
    bool overflow;
} X86Buf;

static inline X86Buf x86_buf(void *mem, size_t size) {
    X86Buf b = {(uint8_t *)mem, (uint8_t *)mem, (uint8_t *)mem + size, false};
    return b;
}

static inline size_t x86_offset(const X86Buf *b) { return (size_t)(b->p - b->start); }

static inline void x86_byte(X86Buf *b, uint8_t v) {
    if (b->p >= b->end) {
        b->overflow = true;
        return;
    }
    *b->p++ = v;
}

static inline void x86_u32(X86Buf *b, uint32_t v) {
    for (int i = 0; i < 4; i++) x86_byte(b, (uint8_t)(v >> (8 * i)));
}

static inline void x86_u64(X86Buf *b, uint64_t v) {
    for (int i = 0; i < 8; i++) x86_byte(b, (uint8_t)(v >> (8 * i)));
}

static inline bool x86_fits_i32(int64_t v) { return v == (int64_t)(int32_t)v; }

/* REX prefix; `byte_regs` forces one so spl/bpl/sil/dil are addressable. */
static inline void x86_rex(X86Buf *b, bool w, int reg, int index, int rm, bool byte_regs) {
    uint8_t rex = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((index >= 0 && (index & 8)) ? 2 : 0) |
                  ((rm & 8) ? 1 : 0);
    if (rex != 0x40 || (byte_regs && ((reg >= 4 && reg < 8) || (rm >= 4 && rm < 8)))) x86_byte(b, rex);
}

/* ModRM (+SIB, +disp) for [base + index + disp]; index may be X86_NOREG. */
static inline void x86_modrm_mem(X86Buf *b, int reg, int base, int index, int32_t disp) {
    int mod = (disp == 0 && (base & 7) != 5) ? 0 : (disp == (int8_t)disp) ? 1 : 2;
    if (index >= 0 || (base & 7) == 4) {
        x86_byte(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4));
        int idx = index >= 0 ? (index & 7) : 4; /* 4 = no index */
        x86_byte(b, (uint8_t)((idx << 3) | (base & 7)));
    } else {
        x86_byte(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | (base & 7)));
    }
    if (mod == 1) x86_byte(b, (uint8_t)(int8_t)disp);
    else if (mod == 2) x86_u32(b, (uint32_t)disp);
}

static inline void x86_modrm_rr(X86Buf *b, int reg, int rm) {
    x86_byte(b, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

/* op rm, reg  (w: 64-bit) */
static inline void x86_alu_rr(X86Buf *b, X86Alu op, bool w, int dst, int src) {
    x86_rex(b, w, src, -1, dst, false);
    x86_byte(b, (uint8_t)op);
    x86_modrm_rr(b, src, dst);
}

static inline void x86_alu_ri(X86Buf *b, X86Alu op, bool w, int dst, int32_t imm) {
    x86_rex(b, w, 0, -1, dst, false);
    if (imm == (int8_t)imm) {
        x86_byte(b, 0x83);
        x86_modrm_rr(b, op >> 3, dst);
        x86_byte(b, (uint8_t)(int8_t)imm);
    } else {
        x86_byte(b, 0x81);
        x86_modrm_rr(b, op >> 3, dst);
        x86_u32(b, (uint32_t)imm);
    }
}

/* op reg, [base + disp]  (the "reg, r/m" direction: opcode + 2) */
static inline void x86_alu_rm(X86Buf *b, X86Alu op, bool w, int dst, int base, int32_t disp) {
    x86_rex(b, w, dst, -1, base, false);
    x86_byte(b, (uint8_t)(op + 2));
    x86_modrm_mem(b, dst, base, X86_NOREG, disp);
}

/* add qword [base + disp], imm8 */
static inline void x86_add_mi8(X86Buf *b, int base, int32_t disp, int8_t imm) {
    x86_rex(b, true, 0, -1, base, false);
    x86_byte(b, 0x83);
    x86_modrm_mem(b, 0, base, X86_NOREG, disp);
    x86_byte(b, (uint8_t)imm);
}

/* cmp qword [base + disp], reg */
static inline void x86_cmp_mr(X86Buf *b, int base, int32_t disp, int reg) {
    x86_rex(b, true, reg, -1, base, false);
    x86_byte(b, 0x39);
    x86_modrm_mem(b, reg, base, X86_NOREG, disp);
}

/* cmp dword/qword [base + disp], imm32 */
static inline void x86_cmp_mi(X86Buf *b, bool w, int base, int32_t disp, int32_t imm) {
    x86_rex(b, w, 0, -1, base, false);
    x86_byte(b, 0x81);
    x86_modrm_mem(b, 7, base, X86_NOREG, disp);
    x86_u32(b, (uint32_t)imm);
}

static inline void x86_mov_rr(X86Buf *b, bool w, int dst, int src) {
    x86_rex(b, w, src, -1, dst, false);
    x86_byte(b, 0x89);
    x86_modrm_rr(b, src, dst);
}

/* dst = imm, shortest form */
static inline void x86_mov_ri(X86Buf *b, int dst, uint64_t imm) {
    if (imm == 0) {
        x86_alu_rr(b, X86_XOR, false, dst, dst);
    } else if (imm <= 0xffffffffu) {
        x86_rex(b, false, 0, -1, dst, false);
        x86_byte(b, (uint8_t)(0xb8 | (dst & 7)));
        x86_u32(b, (uint32_t)imm);
    } else if (x86_fits_i32((int64_t)imm)) {
        x86_rex(b, true, 0, -1, dst, false);
        x86_byte(b, 0xc7);
        x86_modrm_rr(b, 0, dst);
        x86_u32(b, (uint32_t)imm);
    } else {
        x86_rex(b, true, 0, -1, dst, false);
        x86_byte(b, (uint8_t)(0xb8 | (dst & 7)));
        x86_u64(b, imm);
    }
}

/* mov qword [base + disp], imm32 (sign-extended) */
static inline void x86_store_imm64(X86Buf *b, int base, int32_t disp, int32_t imm) {
    x86_rex(b, true, 0, -1, base, false);
    x86_byte(b, 0xc7);
    x86_modrm_mem(b, 0, base, X86_NOREG, disp);
    x86_u32(b, (uint32_t)imm);
}

/* mov dword [base + disp], imm32 */
static inline void x86_store_imm32(X86Buf *b, int base, int32_t disp, int32_t imm) {
    x86_rex(b, false, 0, -1, base, false);
    x86_byte(b, 0xc7);
    x86_modrm_mem(b, 0, base, X86_NOREG, disp);
    x86_u32(b, (uint32_t)imm);
}

/* dst = [base + index + disp] with the given width and extension */
static inline void x86_load(X86Buf *b, X86Load kind, int dst, int base, int index, int32_t disp) {
    switch (kind) {
    case X86_LD8U: x86_rex(b, false, dst, index, base, false); x86_byte(b, 0x0f); x86_byte(b, 0xb6); break;
    case X86_LD8S: x86_rex(b, true, dst, index, base, false); x86_byte(b, 0x0f); x86_byte(b, 0xbe); break;
    case X86_LD16U: x86_rex(b, false, dst, index, base, false); x86_byte(b, 0x0f); x86_byte(b, 0xb7); break;
    case X86_LD16S: x86_rex(b, true, dst, index, base, false); x86_byte(b, 0x0f); x86_byte(b, 0xbf); break;
    case X86_LD32U: x86_rex(b, false, dst, index, base, false); x86_byte(b, 0x8b); break;
    case X86_LD32S: x86_rex(b, true, dst, index, base, false); x86_byte(b, 0x63); break;
    case X86_LD64: x86_rex(b, true, dst, index, base, false); x86_byte(b, 0x8b); break;
    }
    x86_modrm_mem(b, dst, base, index, disp);
}

/* [base + index + disp] = src, size 1/2/4/8 bytes */
static inline void x86_store(X86Buf *b, int size, int src, int base, int index, int32_t disp) {
    if (size == 2) x86_byte(b, 0x66);
    x86_rex(b, size == 8, src, index, base, size == 1);
    x86_byte(b, size == 1 ? 0x88 : 0x89);
    x86_modrm_mem(b, src, base, index, disp);
}

/* dst = base + index + disp (index may be X86_NOREG; w: 64-bit, else the
 * low 32 bits, zero-extended) */
static inline void x86_lea_w(X86Buf *b, bool w, int dst, int base, int index, int32_t disp) {
    x86_rex(b, w, dst, index, base, false);
    x86_byte(b, 0x8d);
    x86_modrm_mem(b, dst, base, index, disp);
}

static inline void x86_lea(X86Buf *b, int dst, int base, int32_t disp) { x86_lea_w(b, true, dst, base, X86_NOREG, disp); }

static inline void x86_shift_ri(X86Buf *b, X86Shift op, bool w, int dst, uint8_t n) {
    x86_rex(b, w, 0, -1, dst, false);
    x86_byte(b, 0xc1);
    x86_modrm_rr(b, op, dst);
    x86_byte(b, n);
}

/* shift by cl */
static inline void x86_shift_cl(X86Buf *b, X86Shift op, bool w, int dst) {
    x86_rex(b, w, 0, -1, dst, false);
    x86_byte(b, 0xd3);
    x86_modrm_rr(b, op, dst);
}

/* rorx dst, src, n (BMI2): dst = src rotated right by n, flags untouched */
static inline void x86_rorx(X86Buf *b, bool w, int dst, int src, uint8_t n) {
    x86_byte(b, 0xc4); /* three-byte VEX: map 0F3A, prefix F2, vvvv unused */
    x86_byte(b, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((src & 8) ? 0 : 0x20) | 0x03));
    x86_byte(b, (uint8_t)((w ? 0x80 : 0) | 0x78 | 0x03));
    x86_byte(b, 0xf0);
    x86_modrm_rr(b, dst, src);
    x86_byte(b, n);
}

/* dst = dst * src (signed, low half) */
static inline void x86_imul_rr(X86Buf *b, bool w, int dst, int src) {
    x86_rex(b, w, dst, -1, src, false);
    x86_byte(b, 0x0f);
    x86_byte(b, 0xaf);
    x86_modrm_rr(b, dst, src);
}

/* rdx:rax = rax * src; signed (imul /5) or unsigned (mul /4) */
static inline void x86_mul_wide(X86Buf *b, bool is_signed, int src) {
    x86_rex(b, true, 0, -1, src, false);
    x86_byte(b, 0xf7);
    x86_modrm_rr(b, is_signed ? 5 : 4, src);
}

static inline void x86_movsxd(X86Buf *b, int dst, int src) {
    x86_rex(b, true, dst, -1, src, false);
    x86_byte(b, 0x63);
    x86_modrm_rr(b, dst, src);
}

/* sign/zero extension register to register: bits 8/16 */
static inline void x86_ext_rr(X86Buf *b, bool is_signed, int bits, int dst, int src) {
    x86_rex(b, is_signed, dst, -1, src, bits == 8);
    x86_byte(b, 0x0f);
    x86_byte(b, (uint8_t)((is_signed ? 0xbe : 0xb6) | (bits == 16 ? 1 : 0)));
    x86_modrm_rr(b, dst, src);
}

static inline void x86_setcc(X86Buf *b, X86Cond cc, int dst) {
    x86_rex(b, false, 0, -1, dst, true);
    x86_byte(b, 0x0f);
    x86_byte(b, (uint8_t)(0x90 | cc));
    x86_modrm_rr(b, 0, dst);
}

static inline void x86_test_rr(X86Buf *b, int a, int c) {
    x86_rex(b, true, c, -1, a, false);
    x86_byte(b, 0x85);
    x86_modrm_rr(b, c, a);
}

/* Jumps with 32-bit displacement; return the offset of the rel32 field. */
static inline size_t x86_jcc32(X86Buf *b, X86Cond cc) {
    x86_byte(b, 0x0f);
    x86_byte(b, (uint8_t)(0x80 | cc));
    size_t at = x86_offset(b);
    x86_u32(b, 0);
    return at;
}

static inline size_t x86_jmp32(X86Buf *b) {
    x86_byte(b, 0xe9);
    size_t at = x86_offset(b);
    x86_u32(b, 0);
    return at;
}

/* Point the rel32 at `at` to target offset `to` (same buffer).  Returns
 * false if it does not fit (never for one code buffer below 2 GiB). */
static inline bool x86_patch_rel32(X86Buf *b, size_t at, size_t to) {
    int64_t rel = (int64_t)to - (int64_t)(at + 4);
    if (!x86_fits_i32(rel)) return false;
    if (at + 4 > (size_t)(b->end - b->start)) return false;
    int32_t r = (int32_t)rel;
    memcpy(b->start + at, &r, 4);
    return true;
}

static inline void x86_jmp_reg(X86Buf *b, int r) {
    x86_rex(b, false, 0, -1, r, false);
    x86_byte(b, 0xff);
    x86_modrm_rr(b, 4, r);
}

static inline void x86_call_reg(X86Buf *b, int r) {
    x86_rex(b, false, 0, -1, r, false);
    x86_byte(b, 0xff);
    x86_modrm_rr(b, 2, r);
}

static inline void x86_push(X86Buf *b, int r) {
    if (r & 8) x86_byte(b, 0x41);
    x86_byte(b, (uint8_t)(0x50 | (r & 7)));
}

static inline void x86_pop(X86Buf *b, int r) {
    if (r & 8) x86_byte(b, 0x41);
    x86_byte(b, (uint8_t)(0x58 | (r & 7)));
}

static inline void x86_ret(X86Buf *b) { x86_byte(b, 0xc3); }

/* test reg64, imm32 */
static inline void x86_test_ri(X86Buf *b, int r, int32_t imm) {
    x86_rex(b, true, 0, -1, r, false);
    x86_byte(b, 0xf7);
    x86_modrm_rr(b, 0, r);
    x86_u32(b, (uint32_t)imm);
}

/* movq xmm, r64 (to_xmm) or movq r64, xmm */
static inline void x86_movq_xmm(X86Buf *b, bool to_xmm, int xmm, int gpr) {
    x86_byte(b, 0x66);
    x86_rex(b, true, xmm, -1, gpr, false);
    x86_byte(b, 0x0f);
    x86_byte(b, to_xmm ? 0x6e : 0x7e);
    x86_modrm_rr(b, xmm, gpr);
}

/* addsd/subsd/mulsd/divsd xmm_dst, xmm_src (op: 0 add, 1 sub, 2 mul, 3 div) */
static inline void x86_sse_sd(X86Buf *b, int op, int dst, int src) {
    static const uint8_t opc[4] = {0x58, 0x5c, 0x59, 0x5e};
    x86_byte(b, 0xf2);
    x86_rex(b, false, dst, -1, src, false);
    x86_byte(b, 0x0f);
    x86_byte(b, opc[op & 3]);
    x86_modrm_rr(b, dst, src);
}

/* Redundant DS prefixes (a branch hint, ignored on direct jumps) until the
 * rel32 of the jump that follows, after its opcode_len opcode bytes, lands
 * 4-aligned so it can be patched atomically: padding that, unlike a nop,
 * is no extra instruction to execute. */
static inline void x86_pad_rel32(X86Buf *b, size_t opcode_len) {
    for (int i = 0; i < 3 && (x86_offset(b) + opcode_len) % 4; i++) x86_byte(b, 0x3e);
}

#endif
