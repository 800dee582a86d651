/* interp.h — tier 0: runs optimized IR blocks directly.
 *
 * interp_lower() turns a TB's IR into a compact array of InterpOp (a
 * direct-threaded form: each op holds its handler's address, value slots
 * and one immediate).  interp_run() executes a TB and keeps following
 * chained successors (exit slots, then the jump cache for indirect exits)
 * until something needs the loop.  Guest registers are read and written in
 * place in cpu->vals[]; temps get reused slots after the globals.
 */
#ifndef VPLAT_INTERP_H
#define VPLAT_INTERP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cpu.h"
#include "core/exec.h"
#include "core/tb.h"

typedef struct InterpOp {
    const void *handler;     /* label address in interp_run (index before resolution) */
    uint16_t d, a, b, c;     /* value slots */
    int64_t imm;
    union {
        uint64_t u;
        const struct InterpOp *target;   /* branches */
        IrHelperFn fn;                   /* calls */
    } x;
} InterpOp;

/* The tier-0 ExecTier (core/exec.h). */
extern const ExecTier interp_tier;

/* Lower tb->ir into tb->interp_ops / op_insn / insn_pc.  false if the block
 * needs more temp slots than a CPU has (caller retranslates shorter). */
bool interp_lower(CpuState *cpu, Tb *tb);
void interp_free(Tb *tb);
TbExit interp_run(CpuState *cpu, Tb *tb, bool chain);

/* For tests: true if every IR op has a handler (and every op that takes an
 * immediate operand has an immediate form). */
bool interp_covers_all_ops(char *missing, uint32_t len);

#endif
