/* jitl.h — tier 2: hot regions compiled by LLVM (--jit=llvm).
 *
 * A TB that the tier below ran `promote_threshold` times becomes the head
 * of a region: it and the TBs it reaches through direct exits (goto_tb)
 * on the same guest page, that the cache already holds, are lowered
 * together from their optimized IR to one LLVM function, so that LLVM
 * sees whole loops.  ORC LLJIT compiles it; the region's code is released
 * with its head TB.  See jitl.c for the state contract and the exits.
 */
#ifndef VPLAT_JITL_H
#define VPLAT_JITL_H

#include "core/exec.h"

extern const ExecTier jitl_tier;

/* Executions of a block before LLVM compiles the region it heads
 * (chosen by measurement, see bench/RESULTS.md). */
#define JITL_DEFAULT_THRESHOLD 1000

/* Most TBs lowered into one region. */
#define JITL_MAX_REGION_TBS 24

#endif
