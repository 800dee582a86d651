/* jitn.h — tier 1: the hand-written x86-64 backend (--jit=native).
 *
 * A TB that the interpreter ran `promote_threshold` times is compiled from
 * its optimized IR to x86-64 in a per-CPU code buffer.  Guest registers
 * are cached in host registers within a block (written back before
 * anything can observe them: raising ops, helpers, branches, exits; a
 * block that loops to itself keeps some round the loop), direct
 * exits are patched into jumps to the successor's native code, indirect
 * exits probe the jump cache inline.  See jitn.c for the calling
 * convention and the exit protocol.
 */
#ifndef VPLAT_JITN_H
#define VPLAT_JITN_H

#include "core/exec.h"

extern const ExecTier jitn_tier;

/* For tests: true if the backend lowers every IR op. */
bool jitn_covers_all_ops(void);

/* Default code buffer size and promotion threshold (chosen by measurement,
 * see bench/RESULTS.md). */
#define JITN_DEFAULT_CODE_SIZE ((size_t)64 << 20)
#define JITN_DEFAULT_THRESHOLD 16

#endif
