/* vplat_api.c — the embedding API (include/vplat/vplat.h) over core/,
 * the RISC-V frontend and the execution tiers. */
#include <stdlib.h>
#include <string.h>

#include "core/exec.h"
#include "frontends/riscv/rv_cpu.h"
#include "include/vplat/vplat.h"
#include "interp/interp.h"
#include "jit-llvm/jitl.h"
#include "jit-native/jitn.h"

struct VplatCpu {
    GuestMem mem;
    RvCpu rv;
};

VplatCpu *vplat_cpu_new(const char *arch, const char *jit, uint64_t mem_size, char *err, size_t err_len) {
    if (!arch || strcmp(arch, "riscv64") != 0) {
        snprintf(err, err_len, "unknown architecture '%s' (supported: riscv64)", arch ? arch : "(null)");
        return NULL;
    }
    const ExecTier *hot = NULL;
    if (jit && !strcmp(jit, "native")) hot = &jitn_tier;
    else if (jit && !strcmp(jit, "llvm")) hot = &jitl_tier;
    else if (!jit || strcmp(jit, "none") != 0) {
        snprintf(err, err_len, "execution tier '%s' is not available (supported: none, native, llvm)",
                 jit ? jit : "(null)");
        return NULL;
    }
    if (mem_size == 0 || (mem_size & (MEM_PAGE_SIZE - 1))) {
        snprintf(err, err_len, "memory size must be a non-zero multiple of %llu", (unsigned long long)MEM_PAGE_SIZE);
        return NULL;
    }
    VplatCpu *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    if (!mem_init(&c->mem, mem_size)) {
        snprintf(err, err_len, "cannot reserve %llu bytes of guest address space", (unsigned long long)mem_size);
        free(c);
        return NULL;
    }
    rv_cpu_init_user(&c->rv, &c->mem);
    cpu_set_tier(&c->rv.cs, &interp_tier);
    c->rv.cs.jit_sync = true; /* "compiled on first sight", as documented */
    if (hot && !cpu_set_hot_tier(&c->rv.cs, hot, 0, err, err_len)) {
        vplat_cpu_free(c);
        return NULL;
    }
    cpu_install_fault_handler();
    return c;
}

void vplat_cpu_free(VplatCpu *c) {
    if (!c) return;
    rv_cpu_destroy(&c->rv);
    mem_destroy(&c->mem);
    free(c);
}

bool vplat_mem_map(VplatCpu *c, uint64_t addr, uint64_t len, unsigned prot) {
    uint32_t p = 0;
    if (prot & VPLAT_PROT_READ) p |= MEM_PAGE_READ;
    if (prot & VPLAT_PROT_WRITE) p |= MEM_PAGE_WRITE;
    if (prot & VPLAT_PROT_EXEC) p |= MEM_PAGE_EXEC;
    return mem_map(&c->mem, addr, len, p);
}

bool vplat_mem_write(VplatCpu *c, uint64_t addr, const void *src, size_t len) {
    if (!mem_write(&c->mem, addr, src, len)) return false;
    tb_invalidate_range(c->rv.cs.tbs, addr, len);
    return true;
}

bool vplat_mem_read(VplatCpu *c, uint64_t addr, void *dst, size_t len) { return mem_read(&c->mem, addr, dst, len); }

uint64_t vplat_get_reg(VplatCpu *c, unsigned idx) { return idx < RV_NUM_GLOBALS && idx ? c->rv.cs.vals[idx] : 0; }

void vplat_set_reg(VplatCpu *c, unsigned idx, uint64_t v) {
    if (idx && idx < RV_NUM_GLOBALS) c->rv.cs.vals[idx] = v;
}

uint64_t vplat_get_pc(VplatCpu *c) { return c->rv.cs.pc; }
void vplat_set_pc(VplatCpu *c, uint64_t pc) { c->rv.cs.pc = pc; }
uint64_t vplat_insn_count(VplatCpu *c) { return c->rv.cs.insn_count; }

VplatStop vplat_run(VplatCpu *c, uint64_t max_insns) {
    c->rv.cs.max_insns = max_insns ? c->rv.cs.insn_count + max_insns : 0;
    for (;;) {
        switch (cpu_exec(&c->rv.cs)) {
        case CPU_EXIT_SYSCALL: return VPLAT_STOP_ECALL;
        case CPU_EXIT_EXCEPTION: return VPLAT_STOP_EXCEPTION;
        case CPU_EXIT_BREAK: return VPLAT_STOP_BREAK;
        case CPU_EXIT_INSN_LIMIT: return VPLAT_STOP_LIMIT;
        default: continue;
        }
    }
}

void vplat_exception(VplatCpu *c, uint32_t *cause, uint64_t *tval) {
    if (cause) *cause = c->rv.cs.exc_cause;
    if (tval) *tval = c->rv.cs.exc_tval;
}
