/* ir_sem.h — the reference semantics of every pure IR op, as inline C.
 *
 * Constant folding (ir_passes.c), the interpreter (interp/) and the JITs'
 * differential tests all use these definitions, so "what does divw do on
 * zero" is answered in exactly one place.
 */
#ifndef VPLAT_IR_SEM_H
#define VPLAT_IR_SEM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t ir_sem_sext32(uint64_t x) { return (uint64_t)(int64_t)(int32_t)(uint32_t)x; }

/* Rotate right by b modulo the width; rotrw sign-extends its 32-bit result. */
static inline uint64_t ir_sem_rotr(uint64_t a, uint64_t b) {
    unsigned n = (unsigned)(b & 63);
    return n ? a >> n | a << (64 - n) : a;
}
static inline uint64_t ir_sem_rotrw(uint64_t a, uint64_t b) {
    uint32_t x = (uint32_t)a;
    unsigned n = (unsigned)(b & 31);
    return ir_sem_sext32(n ? x >> n | x << (32 - n) : x);
}

static inline uint64_t ir_sem_mulh(uint64_t a, uint64_t b) {
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(int64_t)b) >> 64);
}
static inline uint64_t ir_sem_mulhu(uint64_t a, uint64_t b) {
    return (uint64_t)(((unsigned __int128)a * (unsigned __int128)b) >> 64);
}
static inline uint64_t ir_sem_mulhsu(uint64_t a, uint64_t b) {
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(unsigned __int128)b) >> 64);
}
static inline uint64_t ir_sem_div(uint64_t a, uint64_t b) {
    if (b == 0) return ~(uint64_t)0;
    if ((int64_t)a == INT64_MIN && (int64_t)b == -1) return a;
    return (uint64_t)((int64_t)a / (int64_t)b);
}
static inline uint64_t ir_sem_divu(uint64_t a, uint64_t b) { return b == 0 ? ~(uint64_t)0 : a / b; }
static inline uint64_t ir_sem_rem(uint64_t a, uint64_t b) {
    if (b == 0) return a;
    if ((int64_t)a == INT64_MIN && (int64_t)b == -1) return 0;
    return (uint64_t)((int64_t)a % (int64_t)b);
}
static inline uint64_t ir_sem_remu(uint64_t a, uint64_t b) { return b == 0 ? a : a % b; }
static inline uint64_t ir_sem_divw(uint64_t a, uint64_t b) {
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0) return ~(uint64_t)0;
    if (x == INT32_MIN && y == -1) return ir_sem_sext32((uint32_t)x);
    return ir_sem_sext32((uint32_t)(x / y));
}
static inline uint64_t ir_sem_divuw(uint64_t a, uint64_t b) {
    uint32_t x = (uint32_t)a, y = (uint32_t)b;
    if (y == 0) return ~(uint64_t)0;
    return ir_sem_sext32(x / y);
}
static inline uint64_t ir_sem_remw(uint64_t a, uint64_t b) {
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0) return ir_sem_sext32((uint32_t)x);
    if (x == INT32_MIN && y == -1) return 0;
    return ir_sem_sext32((uint32_t)(x % y));
}
static inline uint64_t ir_sem_remuw(uint64_t a, uint64_t b) {
    uint32_t x = (uint32_t)a, y = (uint32_t)b;
    if (y == 0) return ir_sem_sext32(x);
    return ir_sem_sext32(x % y);
}

/* The fast path of IR_fpfast: true (and *r) if it applies. */
static inline int ir_sem_f64_normal(uint64_t x) { return ((x >> 52) & 0x7ff) - 1u < 0x7feu; }
static inline bool ir_sem_fpfast(uint32_t aux2, uint64_t a, uint64_t b, uint64_t flags, uint64_t *r) {
    if (!(flags & (aux2 >> 8)) || !ir_sem_f64_normal(a) || !ir_sem_f64_normal(b)) return false;
    double x, y, z;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    switch (aux2 & 3) {
    case 0: z = x + y; break;
    case 1: z = x - y; break;
    case 2: z = x * y; break;
    default: z = x / y; break;
    }
    uint64_t bits;
    memcpy(&bits, &z, 8);
    if (!ir_sem_f64_normal(bits)) return false;
    *r = bits;
    return true;
}

#endif
