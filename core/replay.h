/* replay.h — record/replay logs (-record FILE / -replay FILE): every
 * nondeterministic input a run consumed, each stamped with the guest
 * instruction count at which it was consumed, so that a replay can feed
 * the same inputs at the same points and reproduce the run exactly.
 *
 * The machine decides what an input is (system mode: console bytes at
 * deterministic input points; user mode: the results of time and random
 * syscalls, time CSR reads, stdin reads); this file only owns the format,
 * the checks and the messages.
 *
 *   file   = header event* end
 *   header = "VPLATRR\n" u32 version u32 machine (REPLAY_MACHINE_*)
 *            u32 icount_shift u32 reserved u64 seed
 *   event  = u8 kind u8 0 0 0 u32 len u64 insn_count u64 aux  bytes[len]
 *   end    = an event of kind REPLAY_EV_END: insn_count = where the run
 *            ended, aux = its exit status
 *   (all little-endian)
 *
 * A replay loads and checks the whole file before the run starts (wrong
 * magic, version or machine, a truncated event, an unknown kind or a
 * missing end event are errors then); while it runs, every input the
 * machine asks for must be the next event with the same kind, count and
 * aux, else the replay has diverged and replay_error() says where.
 *
 *   ReplayLog *r = replay_open(path, REPLAY_RECORD, &hdr, err, sizeof err);
 *   replay_put(r, REPLAY_EV_CLOCK, insns, 0, &ts, sizeof ts);      // record
 *   const ReplayEvent *e = replay_take(r, REPLAY_EV_CLOCK, insns, 0); // replay
 *   if (!e) { fprintf(stderr, "vplat: %s\n", replay_error(r)); ... }
 */
#ifndef VPLAT_CORE_REPLAY_H
#define VPLAT_CORE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPLAY_VERSION 1
#define REPLAY_MAX_EVENT 65536   /* bytes of data in one event */

typedef enum ReplayMode { REPLAY_OFF = 0, REPLAY_RECORD, REPLAY_REPLAY } ReplayMode;
typedef enum ReplayMachine { REPLAY_MACHINE_USER = 1, REPLAY_MACHINE_SYSTEM = 2 } ReplayMachine;

#define REPLAY_EVENT_KINDS(X)                                            \
    X(END, "end of the run")                                             \
    X(INPUT, "console input")                                            \
    X(CLOCK, "a clock reading")                                          \
    X(RANDOM, "random bytes")                                            \
    X(READ, "a read from stdin")                                         \
    X(USAGE, "a resource-usage reading")

typedef enum ReplayKind {
#define X(id, desc) REPLAY_EV_##id,
    REPLAY_EVENT_KINDS(X)
#undef X
    REPLAY_EV_COUNT
} ReplayKind;

typedef struct ReplayHeader {
    uint32_t machine;          /* REPLAY_MACHINE_* */
    uint32_t icount_shift;     /* the recorded run's -icount shift (informational for user mode) */
    uint64_t seed;
} ReplayHeader;

typedef struct ReplayEvent {
    uint32_t kind;
    uint32_t len;
    uint64_t insn_count;
    uint64_t aux;
    const uint8_t *data;
} ReplayEvent;

typedef struct ReplayLog ReplayLog;

/* Record: create path and write the header.  Replay: read and check the
 * whole file (its header must name hdr->machine; the header it holds is
 * copied to *hdr).  NULL with a message in err on failure. */
ReplayLog *replay_open(const char *path, ReplayMode mode, ReplayHeader *hdr, char *err, size_t err_len);
ReplayMode replay_mode(const ReplayLog *r);

/* Record an event (data may be NULL when len is 0).  false: write error
 * (replay_error says which); later puts are dropped. */
bool replay_put(ReplayLog *r, ReplayKind kind, uint64_t insn_count, uint64_t aux, const void *data, uint32_t len);

/* Replay: the next event, without consuming it (NULL after the end event). */
const ReplayEvent *replay_peek(const ReplayLog *r);
/* Replay: consume the next event if it is `kind` at insn_count with aux;
 * else NULL and replay_error() describes the divergence. */
const ReplayEvent *replay_take(ReplayLog *r, ReplayKind kind, uint64_t insn_count, uint64_t aux);
/* Replay: describe a divergence found by the caller ("what" happened at
 * insn_count where the log expected its next event); returns the message. */
const char *replay_diverged(ReplayLog *r, const char *what, uint64_t insn_count);

/* Record: write the end event and close (status = the run's exit status).
 * Replay: check that the run ended where the recording did (else an error
 * message in err, false).  Frees r either way. */
bool replay_close(ReplayLog *r, uint64_t insn_count, int status, char *err, size_t err_len);
/* Free without writing or checking (error paths, forked children). */
void replay_discard(ReplayLog *r);

/* The end event's count and status (replay). */
uint64_t replay_end_count(const ReplayLog *r);
int replay_end_status(const ReplayLog *r);

const char *replay_error(const ReplayLog *r);
const char *replay_kind_name(uint32_t kind);

#endif
