/* log.h — QEMU-style logging categories (-d LIST, -D FILE).
 *
 * One table (LOG_ITEMS) names every category; the parser, --help text and
 * the masks are generated from it. */
#ifndef VPLAT_CORE_LOG_H
#define VPLAT_CORE_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define LOG_ITEMS(X)                                                        \
    X(IN_ASM, "in_asm", "show guest code as each block is translated")     \
    X(OP, "op", "show the optimized IR of each block")                     \
    X(OUT_ASM, "out_asm", "show generated host code (JIT tiers)")          \
    X(LLVM_IR, "llvm_ir", "show the LLVM IR of each region (LLVM tier)")   \
    X(EXEC, "exec", "show each block entered")                             \
    X(CPU, "cpu", "show the CPU state before each block")                  \
    X(FPU, "fpu", "with cpu: include the floating-point registers")        \
    X(INT, "int", "show exceptions and interrupts")                        \
    X(UNIMP, "unimp", "show unimplemented features (e.g. syscalls)")       \
    X(GUEST_ERRORS, "guest_errors", "show guest misbehaviour")             \
    X(MMU, "mmu", "show page-table walks (TLB fills), page faults, TLB flushes")

enum {
#define X(id, name, help) LOG_BIT_##id,
    LOG_ITEMS(X)
#undef X
};
enum {
#define X(id, name, help) LOG_##id = 1u << LOG_BIT_##id,
    LOG_ITEMS(X)
#undef X
};

/* Parse "in_asm,op" into a mask; false with a message in err if unknown. */
bool log_parse(const char *list, uint32_t *mask, char *err, size_t err_len);
void log_print_help(FILE *out);

#endif
