/* rv_cpu.c — creating and destroying a RISC-V hart. */
#include <string.h>
#include <time.h>

#include "core/exec.h"
#include "frontends/riscv/rv_cpu.h"

void rv_cpu_init_user(RvCpu *cpu, GuestMem *mem) {
    memset(cpu, 0, sizeof *cpu);
    cpu_core_init(&cpu->cs, &rv_arch_ops, mem);
    cpu->cs.fault_cause[CPU_FAULT_FETCH] = RV_EXC_INSN_PAGE_FAULT;
    cpu->cs.fault_cause[CPU_FAULT_LOAD] = RV_EXC_LOAD_PAGE_FAULT;
    cpu->cs.fault_cause[CPU_FAULT_STORE] = RV_EXC_STORE_PAGE_FAULT;
    cpu->res_addr = ~(uint64_t)0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    cpu->cycle_base = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void rv_cpu_destroy(RvCpu *cpu) { cpu_core_destroy(&cpu->cs); }
