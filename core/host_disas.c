/* host_disas.c — see host_disas.h. */
#define _GNU_SOURCE
#include "core/host_disas.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <stdlib.h>

typedef void *(*CreateDisasmFn)(const char *, void *, int, void *, void *);
typedef size_t (*DisasmInsnFn)(void *, uint8_t *, uint64_t, uint64_t, char *, size_t);
typedef void (*DisposeFn)(void *);
typedef int (*SetOptionsFn)(void *, uint64_t);
typedef void (*InitFn)(void);

struct HostDisas {
    void *lib;
    void *ctx;
    DisasmInsnFn disasm;
    DisposeFn dispose;
};

static const char *const llvm_libs[] = {"libLLVM-19.so", "/usr/lib/llvm-19/lib/libLLVM.so.1", "libLLVM.so.1"};

HostDisas *host_disas_new(FILE *out) {
    void *lib = NULL;
    for (size_t i = 0; i < sizeof llvm_libs / sizeof llvm_libs[0] && !lib; i++) lib = dlopen(llvm_libs[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(out, "(out_asm: libLLVM-19 not found: %s)\n", dlerror());
        return NULL;
    }
    const char *inits[] = {"LLVMInitializeX86TargetInfo", "LLVMInitializeX86TargetMC", "LLVMInitializeX86Disassembler"};
    for (size_t i = 0; i < 3; i++) {
        InitFn f = (InitFn)dlsym(lib, inits[i]);
        if (!f) {
            fprintf(out, "(out_asm: %s missing in libLLVM)\n", inits[i]);
            dlclose(lib);
            return NULL;
        }
        f();
    }
    CreateDisasmFn create = (CreateDisasmFn)dlsym(lib, "LLVMCreateDisasm");
    HostDisas *d = calloc(1, sizeof *d);
    if (!d) abort();
    d->lib = lib;
    d->disasm = (DisasmInsnFn)dlsym(lib, "LLVMDisasmInstruction");
    d->dispose = (DisposeFn)dlsym(lib, "LLVMDisasmDispose");
    SetOptionsFn opts = (SetOptionsFn)dlsym(lib, "LLVMSetDisasmOptions");
    d->ctx = create && d->disasm && d->dispose ? create("x86_64-unknown-linux-gnu", NULL, 0, NULL, NULL) : NULL;
    if (!d->ctx) {
        fprintf(out, "(out_asm: LLVM has no x86-64 disassembler)\n");
        dlclose(lib);
        free(d);
        return NULL;
    }
    if (opts) opts(d->ctx, 2 /* LLVMDisassembler_Option_PrintImmHex */);
    return d;
}

void host_disas_free(HostDisas *d) {
    if (!d) return;
    d->dispose(d->ctx);
    dlclose(d->lib);
    free(d);
}

void host_disas_print(HostDisas *d, FILE *out, const uint8_t *code, size_t len) {
    size_t off = 0;
    while (off < len) {
        char text[128];
        size_t n = d->disasm(d->ctx, (uint8_t *)code + off, len - off, (uint64_t)(uintptr_t)(code + off), text, sizeof text);
        if (n == 0) {
            fprintf(out, "0x%016" PRIxPTR ":  .byte 0x%02x\n", (uintptr_t)(code + off), code[off]);
            n = 1;
        } else {
            fprintf(out, "0x%016" PRIxPTR ": %s\n", (uintptr_t)(code + off), text);
        }
        off += n;
    }
}
