/* stats.c — the --stats report printed at exit. */
#include "core/stats.h"

#include <inttypes.h>

void stats_print(const Stats *s, uint64_t insns, FILE *out) {
    fprintf(out, "vplat stats:\n");
    fprintf(out, "  guest instructions executed %" PRIu64 "\n", insns);
    fprintf(out, "  TBs translated              %" PRIu64 "\n", s->tbs_translated);
    fprintf(out, "  guest instructions decoded  %" PRIu64 "\n", s->guest_insns_translated);
    fprintf(out, "  translation time            %.3f ms", s->translate_ns / 1e6);
    if (s->tbs_translated)
        fprintf(out, " (%.2f us/TB, %.1f M guest insns/s decoded)", s->translate_ns / 1e3 / (double)s->tbs_translated,
                s->translate_ns ? s->guest_insns_translated * 1e3 / (double)s->translate_ns : 0.0);
    fprintf(out, "\n");
    fprintf(out, "  TB cache flushes            %" PRIu64 "\n", s->tb_flushes);
    fprintf(out, "  TBs invalidated             %" PRIu64 "\n", s->tb_invalidations);
    fprintf(out, "  slow-path TB lookups        %" PRIu64 "\n", s->tb_lookups);
    uint64_t probes = s->jmp_cache_hits + s->jmp_cache_misses;
    fprintf(out, "  jump-cache hits (indirect)  %" PRIu64 " of %" PRIu64 " (%.1f%%)\n", s->jmp_cache_hits, probes,
            probes ? 100.0 * (double)s->jmp_cache_hits / (double)probes : 0.0);
    fprintf(out, "  chain links made            %" PRIu64 "\n", s->chain_links);
    fprintf(out, "  code-page write faults      %" PRIu64 "\n", s->smc_faults);
    if (s->tbs_promoted && !s->llvm_regions) {
        fprintf(out, "  TBs promoted to native      %" PRIu64 "\n", s->tbs_promoted);
        fprintf(out, "  native code generation      %.3f ms (%.2f us/TB)\n", s->promote_ns / 1e6,
                s->promote_ns / 1e3 / (double)s->tbs_promoted);
        fprintf(out, "  native code bytes           %" PRIu64 "\n", s->native_code_bytes);
        fprintf(out, "  native chain patches        %" PRIu64 "\n", s->chain_patches);
        fprintf(out, "  native one-block loops      %" PRIu64 "\n", s->native_loops);
    }
    if (s->llvm_regions) {
        fprintf(out, "  TBs promoted to llvm        %" PRIu64 "\n", s->tbs_promoted);
        fprintf(out, "  llvm code generation        %.3f ms (%.2f us/TB)\n", s->promote_ns / 1e6,
                s->promote_ns / 1e3 / (double)s->tbs_promoted);
        fprintf(out, "  LLVM regions compiled       %" PRIu64 " (%.1f TBs each)\n", s->llvm_regions,
                (double)s->llvm_region_tbs / (double)s->llvm_regions);
        fprintf(out, "  LLVM entries into regions   %" PRIu64 " (hot TBs already compiled in another region)\n",
                s->llvm_shared_entries);
        fprintf(out, "  LLVM compile time           %.3f ms total, median %.3f ms, p99 %.3f ms per region\n",
                s->llvm_compile_ns / 1e6, s->llvm_compile_median_ns / 1e6, s->llvm_compile_p99_ns / 1e6);
        fprintf(out, "  LLVM compile queue depth    %" PRIu64 " at most\n", s->llvm_queue_max);
    }
}
