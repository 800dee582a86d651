/* stats.h — counters printed by --stats at exit.  Plain fields in the
 * CpuState so the hot path can bump them without indirection. */
#ifndef VPLAT_CORE_STATS_H
#define VPLAT_CORE_STATS_H

#include <stdint.h>
#include <stdio.h>

typedef struct Stats {
    uint64_t tbs_translated;
    uint64_t guest_insns_translated;
    uint64_t translate_ns;          /* decode + optimize + interp lowering */
    uint64_t tb_flushes;            /* full cache flushes */
    uint64_t tb_invalidations;      /* TBs invalidated by page or range */
    uint64_t tb_lookups;            /* slow-path lookups from the loop */
    uint64_t jmp_cache_hits;        /* indirect exits that found their TB inline */
    uint64_t jmp_cache_misses;      /* ... and that went back to the loop */
    uint64_t chain_links;           /* direct exits linked to a successor */
    uint64_t smc_faults;            /* writes caught on write-protected code pages */
    uint64_t tbs_promoted;          /* TBs given hot-tier (native) code */
    uint64_t promote_ns;            /* time spent generating hot-tier code */
    uint64_t native_code_bytes;
    uint64_t chain_patches;         /* native direct jumps patched */
    uint64_t native_loops;          /* self-looping TBs compiled with registers carried round the loop */
    uint64_t llvm_regions;          /* regions compiled by the LLVM tier */
    uint64_t llvm_region_tbs;       /* TBs in them */
    uint64_t llvm_shared_entries;   /* hot TBs that got an entry into a region compiled for another head */
    uint64_t llvm_compile_ns;       /* lowering + optimization + code generation, all regions */
    uint64_t llvm_compile_median_ns;
    uint64_t llvm_compile_p99_ns;
    uint64_t llvm_queue_max;        /* most regions waiting for the compile thread at once */
} Stats;

void stats_print(const Stats *s, uint64_t insns_executed, FILE *out);

#endif
