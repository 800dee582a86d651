/* replay.c — the record/replay log format, its checks and its messages
 * (see replay.h).  Recording buffers events and writes them with write(2)
 * on a plain descriptor, so that a forked child can drop its copy of the
 * buffer (replay_discard) without writing it twice.  Replaying reads the
 * whole file at open and validates every event before the run starts.
 */
#define _GNU_SOURCE
#include "core/replay.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "VPLATRR\n"
#define HEADER_SIZE 32
#define EVENT_HEAD 24
#define WBUF_SIZE 65536
#define MAX_FILE (1ull << 31)

struct ReplayLog {
    ReplayMode mode;
    char path[256];
    char err[1024];
    /* record */
    int fd;
    uint8_t *wbuf;
    size_t wlen;
    bool failed;
    /* replay */
    uint8_t *file;
    ReplayEvent *ev;
    size_t n_ev, next;
};

static const char *const kind_names[] = {
#define X(id, desc) desc,
    REPLAY_EVENT_KINDS(X)
#undef X
};

const char *replay_kind_name(uint32_t kind) { return kind < REPLAY_EV_COUNT ? kind_names[kind] : "an unknown event"; }

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get32(const uint8_t *p) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}
static uint64_t get64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static bool flush_out(ReplayLog *r) {
    size_t done = 0;
    while (done < r->wlen) {
        ssize_t n = write(r->fd, r->wbuf + done, r->wlen - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            snprintf(r->err, sizeof r->err, "-record %s: write error: %s", r->path, n < 0 ? strerror(errno) : "disk full");
            r->failed = true;
            r->wlen = 0;
            return false;
        }
        done += (size_t)n;
    }
    r->wlen = 0;
    return true;
}

static bool emit(ReplayLog *r, const uint8_t *bytes, size_t len) {
    if (r->failed) return false;
    while (len) {
        size_t n = WBUF_SIZE - r->wlen < len ? WBUF_SIZE - r->wlen : len;
        memcpy(r->wbuf + r->wlen, bytes, n);
        r->wlen += n;
        bytes += n;
        len -= n;
        if (r->wlen == WBUF_SIZE && !flush_out(r)) return false;
    }
    return true;
}

static ReplayLog *open_record(ReplayLog *r, const ReplayHeader *hdr, char *err, size_t err_len) {
    r->fd = open(r->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    r->wbuf = malloc(WBUF_SIZE);
    if (r->fd < 0 || !r->wbuf) {
        snprintf(err, err_len, "-record %s: %s", r->path, r->fd < 0 ? strerror(errno) : "out of memory");
        if (r->fd >= 0) close(r->fd);
        free(r->wbuf);
        free(r);
        return NULL;
    }
    uint8_t h[HEADER_SIZE] = {0};
    memcpy(h, MAGIC, 8);
    put32(h + 8, REPLAY_VERSION);
    put32(h + 12, hdr->machine);
    put32(h + 16, hdr->icount_shift);
    put64(h + 24, hdr->seed);
    emit(r, h, sizeof h);
    return r;
}

static const char *machine_name(uint32_t m) {
    return m == REPLAY_MACHINE_USER ? "user mode" : m == REPLAY_MACHINE_SYSTEM ? "system mode" : "an unknown machine";
}

static ReplayLog *open_replay(ReplayLog *r, ReplayHeader *hdr, char *err, size_t err_len) {
#define FAIL(...)                                   \
    do {                                            \
        int k_ = snprintf(err, err_len, "-replay %s: ", r->path); \
        if (k_ >= 0 && (size_t)k_ < err_len) snprintf(err + k_, err_len - (size_t)k_, __VA_ARGS__); \
        replay_discard(r);                          \
        return NULL;                                \
    } while (0)
    int fd = open(r->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) FAIL("%s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        FAIL("not a regular file");
    }
    if ((uint64_t)st.st_size > MAX_FILE) {
        close(fd);
        FAIL("too large (%" PRIu64 " bytes)", (uint64_t)st.st_size);
    }
    size_t size = (size_t)st.st_size;
    r->file = malloc(size ? size : 1);
    if (!r->file) {
        close(fd);
        FAIL("out of memory");
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, r->file + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    close(fd);
    if (got != size) FAIL("read error");
    if (size < 8 || memcmp(r->file, MAGIC, 8) != 0) FAIL("not a vplat record/replay log (wrong magic)");
    if (size < HEADER_SIZE) FAIL("truncated: the header is cut short");
    uint32_t version = get32(r->file + 8), machine = get32(r->file + 12);
    if (version != REPLAY_VERSION) FAIL("log format version %u, this vplat reads version %u", version, REPLAY_VERSION);
    if (machine != hdr->machine)
        FAIL("recorded in %s, cannot be replayed in %s", machine_name(machine), machine_name(hdr->machine));
    hdr->icount_shift = get32(r->file + 16);
    hdr->seed = get64(r->file + 24);
    size_t cap = 64, off = HEADER_SIZE;
    r->ev = malloc(cap * sizeof *r->ev);
    if (!r->ev) FAIL("out of memory");
    bool ended = false;
    uint64_t last = 0;
    while (off < size) {
        if (ended) FAIL("%zu bytes after the end event at offset %zu", size - off, off);
        if (size - off < EVENT_HEAD) FAIL("truncated: event %zu is cut short at offset %zu", r->n_ev, off);
        const uint8_t *p = r->file + off;
        ReplayEvent e = {p[0], get32(p + 4), get64(p + 8), get64(p + 16), p + EVENT_HEAD};
        if (e.kind >= REPLAY_EV_COUNT || p[1] || p[2] || p[3])
            FAIL("event %zu at offset %zu has an unknown kind %u", r->n_ev, off, e.kind);
        if (e.len > REPLAY_MAX_EVENT) FAIL("event %zu at offset %zu claims %u bytes of data", r->n_ev, off, e.len);
        if (size - off - EVENT_HEAD < e.len)
            FAIL("truncated: %s (event %zu) at offset %zu is cut short", replay_kind_name(e.kind), r->n_ev, off);
        if (e.insn_count < last)
            FAIL("event %zu at offset %zu goes back in time (instruction %" PRIu64 " after %" PRIu64 ")", r->n_ev, off,
                 e.insn_count, last);
        last = e.insn_count;
        if (r->n_ev == cap) {
            cap *= 2;
            ReplayEvent *n = realloc(r->ev, cap * sizeof *n);
            if (!n) FAIL("out of memory");
            r->ev = n;
        }
        r->ev[r->n_ev++] = e;
        off += EVENT_HEAD + e.len;
        if (e.kind == REPLAY_EV_END) ended = true;
    }
    if (!ended) FAIL("truncated: no end event (the recording run did not finish, or the file was cut)");
    return r;
#undef FAIL
}

ReplayLog *replay_open(const char *path, ReplayMode mode, ReplayHeader *hdr, char *err, size_t err_len) {
    ReplayLog *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    r->mode = mode;
    r->fd = -1;
    snprintf(r->path, sizeof r->path, "%s", path);
    return mode == REPLAY_RECORD ? open_record(r, hdr, err, err_len) : open_replay(r, hdr, err, err_len);
}

ReplayMode replay_mode(const ReplayLog *r) { return r ? r->mode : REPLAY_OFF; }

bool replay_put(ReplayLog *r, ReplayKind kind, uint64_t insn_count, uint64_t aux, const void *data, uint32_t len) {
    if (len > REPLAY_MAX_EVENT) len = REPLAY_MAX_EVENT;   /* callers split larger inputs */
    uint8_t h[EVENT_HEAD] = {(uint8_t)kind};
    put32(h + 4, len);
    put64(h + 8, insn_count);
    put64(h + 16, aux);
    return emit(r, h, sizeof h) && (len == 0 || emit(r, data, len));
}

const ReplayEvent *replay_peek(const ReplayLog *r) {
    if (r->next >= r->n_ev || r->ev[r->next].kind == REPLAY_EV_END) return NULL;
    return &r->ev[r->next];
}

static void describe_next(const ReplayLog *r, char *buf, size_t len) {
    const ReplayEvent *e = &r->ev[r->next < r->n_ev ? r->next : r->n_ev - 1];
    snprintf(buf, len, "%s at instruction %" PRIu64, e->kind == REPLAY_EV_END ? "the end of the run" : replay_kind_name(e->kind),
             e->insn_count);
}

const char *replay_diverged(ReplayLog *r, const char *what, uint64_t insn_count) {
    char next[160];
    describe_next(r, next, sizeof next);
    snprintf(r->err, sizeof r->err,
             "-replay %s: the run diverged from the recording: %s at instruction %" PRIu64
             ", where the recording has %s (event %zu of %zu)",
             r->path, what, insn_count, next, r->next + 1, r->n_ev);
    return r->err;
}

const ReplayEvent *replay_take(ReplayLog *r, ReplayKind kind, uint64_t insn_count, uint64_t aux) {
    const ReplayEvent *e = r->next < r->n_ev ? &r->ev[r->next] : NULL;
    if (e && e->kind == kind && e->insn_count == insn_count && e->aux == aux) {
        r->next++;
        return e;
    }
    char what[96];
    snprintf(what, sizeof what, "%s", replay_kind_name(kind));
    replay_diverged(r, what, insn_count);
    return NULL;
}

uint64_t replay_end_count(const ReplayLog *r) { return r->n_ev ? r->ev[r->n_ev - 1].insn_count : 0; }
int replay_end_status(const ReplayLog *r) { return r->n_ev ? (int)r->ev[r->n_ev - 1].aux : 0; }

bool replay_close(ReplayLog *r, uint64_t insn_count, int status, char *err, size_t err_len) {
    bool ok = true;
    if (r->mode == REPLAY_RECORD) {
        replay_put(r, REPLAY_EV_END, insn_count, (uint64_t)(uint32_t)status, NULL, 0);
        ok = flush_out(r) && !r->failed;
        if (close(r->fd) != 0 && ok) {
            snprintf(r->err, sizeof r->err, "-record %s: %s", r->path, strerror(errno));
            ok = false;
        }
        r->fd = -1;
        if (!ok) snprintf(err, err_len, "%s", r->err);
    } else if (r->mode == REPLAY_REPLAY) {
        const ReplayEvent *e = &r->ev[r->next < r->n_ev ? r->next : r->n_ev - 1];
        if (e->kind != REPLAY_EV_END || e->insn_count != insn_count) {
            char what[64];
            snprintf(what, sizeof what, "the run ended (status %d)", status);
            snprintf(err, err_len, "%s", replay_diverged(r, what, insn_count));
            ok = false;
        }
    }
    replay_discard(r);
    return ok;
}

void replay_discard(ReplayLog *r) {
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    free(r->wbuf);
    free(r->file);
    free(r->ev);
    free(r);
}

const char *replay_error(const ReplayLog *r) { return r->err; }
