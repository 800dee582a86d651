/* ir_slots.c — memory slots for block temps, reused after each temp's
 * last use (linear scan over the block; temps never cross labels, so
 * linear liveness is exact).  The interpreter keeps temps in these slots;
 * the native backend spills to them. */
#include "ir/ir.h"

#include <stdlib.h>

bool ir_assign_temp_slots(const IrBlock *b, uint32_t first_slot, uint32_t end_slot, uint16_t *slot_of,
                          uint32_t *last_use) {
    const uint32_t ng = b->env->n_globals;
    const uint32_t nt = b->n_temps;
    for (uint32_t t = 0; t < nt; t++) last_use[t] = 0;
    for (uint32_t i = 0; i < b->n_insns; i++) {
        for (int s = 0; s < 3; s++) {
            IrVal v = b->insns[i].src[s];
            if (v != IR_VAL_NONE && v != IR_VAL_IMM && v >= ng) last_use[v - ng] = i;
        }
    }
    uint32_t cap = end_slot > first_slot ? end_slot - first_slot : 0;
    uint16_t *free_slots = malloc((cap ? cap : 1) * sizeof(uint16_t));
    if (!free_slots) abort();
    uint32_t n_free = 0;
    for (uint32_t s = end_slot; s-- > first_slot;) free_slots[n_free++] = (uint16_t)s;
    bool ok = true;
    for (uint32_t i = 0; i < b->n_insns && ok; i++) {
        const IrInsn *in = &b->insns[i];
        for (int s = 0; s < 3; s++) {
            IrVal v = in->src[s];
            if (v == IR_VAL_NONE || v == IR_VAL_IMM || v < ng || last_use[v - ng] != i) continue;
            bool dup = false;
            for (int p = 0; p < s; p++) dup |= in->src[p] == v;
            if (!dup) free_slots[n_free++] = slot_of[v - ng];
        }
        if (ir_op_info[in->op].n_out && in->dst != IR_VAL_NONE && in->dst >= ng) {
            if (n_free == 0) {
                ok = false;
                break;
            }
            uint16_t s = free_slots[--n_free];
            slot_of[in->dst - ng] = s;
            if (last_use[in->dst - ng] <= i) free_slots[n_free++] = s; /* never read */
        }
    }
    free(free_slots);
    return ok;
}
