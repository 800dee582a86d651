/* host_disas.h — disassembly of generated x86-64 code for `-d out_asm`,
 * through LLVM's disassembler C API.  libLLVM is loaded with dlopen the
 * first time it is needed, so runs without -d out_asm never pay for it. */
#ifndef VPLAT_CORE_HOST_DISAS_H
#define VPLAT_CORE_HOST_DISAS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct HostDisas HostDisas;

/* NULL (with a reason printed to `out`) if libLLVM is not available. */
HostDisas *host_disas_new(FILE *out);
void host_disas_free(HostDisas *d);
/* Print code[0..len) one instruction per line, addresses as in memory. */
void host_disas_print(HostDisas *d, FILE *out, const uint8_t *code, size_t len);

#endif
