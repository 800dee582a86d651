/* gdbstub.c — the GDB remote protocol's commands, over a GdbSession that
 * knows nothing about sockets (gdb_server.c is the TCP side; the unit
 * tests feed it bytes directly).
 *
 *   bytes ─▶ GdbRx (gdb_proto.c) ─▶ packet ─▶ handle_packet ─▶ reply
 *                                                 │
 *            registers / XML / memory ◀── cpu->arch->gdb (the frontend)
 *            breakpoints / steps      ◀── core/debug.h
 *
 * Every number in a packet is parsed with bounds (gdb_parse_hex fails
 * past 64 bits), lengths are capped to what a reply can carry, and a
 * packet that does not parse gets "E01" (bad syntax), "E14" (memory not
 * accessible), "E22" (bad value) or "E28" (table full): nothing from the
 * client reaches guest state unchecked.
 */
#include "core/gdbstub.h"

#include <stdio.h>
#include <string.h>

/* Largest memory block one 'm' reply carries (two hex digits a byte). */
#define GDB_MEM_MAX ((GDB_PACKET_MAX - 16) / 2)
/* Largest register, in bytes (128-bit vectors, one day). */
#define GDB_REG_MAX 16

void gdb_session_init(GdbSession *s, CpuState *cpu, void (*write)(void *, const uint8_t *, size_t), void *opaque) {
    memset(s, 0, sizeof *s);
    s->cpu = cpu;
    s->write = write;
    s->write_opaque = opaque;
    gdb_rx_init(&s->rx);
    snprintf(s->last_stop, sizeof s->last_stop, "T05thread:1;");
}

void gdb_session_send(GdbSession *s, const void *data, size_t len) {
    size_t n = gdb_packet_encode(data, len, s->wire, sizeof s->wire);
    if (n == 0) n = gdb_packet_encode("E01", 3, s->wire, sizeof s->wire);   /* cannot happen: replies are capped */
    s->wire_len = n;
    s->write(s->write_opaque, s->wire, n);
}

static void send_str(GdbSession *s, const char *str) { gdb_session_send(s, str, strlen(str)); }

static void send_ack(GdbSession *s, char c) {
    uint8_t b = (uint8_t)c;
    s->write(s->write_opaque, &b, 1);
}

/* ---- stop replies ------------------------------------------------------------------ */

void gdb_session_note_stop(GdbSession *s, const CpuStop *stop) {
    char *r = s->last_stop;
    size_t cap = sizeof s->last_stop;
    switch (stop->kind) {
    case CPU_STOP_INTERRUPT:
        snprintf(r, cap, "T02thread:1;");
        break;
    case CPU_STOP_BREAK:
        snprintf(r, cap, "T05thread:1;%s",
                 stop->hw ? (s->hwbreak ? "hwbreak:;" : "") : (s->swbreak ? "swbreak:;" : ""));
        break;
    case CPU_STOP_SIGNAL:
        snprintf(r, cap, "T%02xthread:1;", stop->signal & 0xff);
        break;
    case CPU_STOP_WATCH: {
        const char *what = stop->watch == CPU_WATCH_WRITE ? "watch" : stop->watch == CPU_WATCH_READ ? "rwatch" : "awatch";
        snprintf(r, cap, "T05thread:1;%s:%llx;", what, (unsigned long long)stop->addr);
        break;
    }
    default:
        snprintf(r, cap, "T05thread:1;");
        break;
    }
}

void gdb_session_report_stop(GdbSession *s, const CpuStop *stop) {
    gdb_session_note_stop(s, stop);
    send_str(s, s->last_stop);
}

void gdb_session_report_exit(GdbSession *s, int status, int signal) {
    snprintf(s->last_stop, sizeof s->last_stop, signal ? "X%02x" : "W%02x", (signal ? signal : status) & 0xff);
    send_str(s, s->last_stop);
}

/* ---- signal numbers ------------------------------------------------------------------ */

/* Linux's generic numbers 1..31 in gdb's (include/gdb/signals.def), which
 * keep the old BSD order: SIGBUS is 10, SIGUSR1 30, SIGCHLD 20, ... */
static const uint8_t gdb_from_linux[32] = {
    0, 1, 2, 3, 4, 5, 6, 10, 8, 9, 30, 11, 31, 13, 14, 15,
    0 /* SIGSTKFLT: none */, 20, 19, 17, 18, 21, 22, 16, 24, 25, 26, 27, 28, 23, 32, 12,
};

int gdb_signal_from_linux(int sig) {
    if (sig > 0 && sig < 32) return gdb_from_linux[sig];
    if (sig == 32) return 77;                     /* GDB_SIGNAL_REALTIME_32 */
    if (sig >= 33 && sig <= 63) return 45 + (sig - 33);
    if (sig == 64) return 78;
    return 0;
}

int gdb_signal_to_linux(int gdb_sig) {
    if (gdb_sig <= 0) return 0;
    for (int s = 1; s <= 64; s++)
        if (gdb_signal_from_linux(s) == gdb_sig) return s;
    return 0;
}

/* ---- parsing helpers ---------------------------------------------------------------- */

typedef struct Cursor {
    const char *p, *end;
} Cursor;

static bool eat(Cursor *c, char ch) {
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

static bool hex(Cursor *c, uint64_t *v) { return gdb_parse_hex(&c->p, c->end, v); }

static bool starts(const char *pkt, size_t len, const char *prefix) {
    size_t n = strlen(prefix);
    return len >= n && memcmp(pkt, prefix, n) == 0;
}

static bool equals(const char *pkt, size_t len, const char *word) {
    return len == strlen(word) && memcmp(pkt, word, len) == 0;
}

/* ---- registers ---------------------------------------------------------------------- */

static const GdbArchOps *ops(GdbSession *s) { return s->cpu->arch->gdb; }

static void cmd_read_regs(GdbSession *s) {
    const GdbArchOps *a = ops(s);
    size_t n = 0;
    for (uint32_t r = 0; r < a->g_regs; r++) {
        uint8_t buf[GDB_REG_MAX];
        size_t sz = a->read_reg(s->cpu, r, buf);
        if (sz == 0 || sz > GDB_REG_MAX || n + 2 * sz >= sizeof s->reply) break;
        gdb_hex_encode(buf, sz, s->reply + n);
        n += 2 * sz;
    }
    gdb_session_send(s, s->reply, n);
}

static void cmd_write_regs(GdbSession *s, Cursor *c) {
    const GdbArchOps *a = ops(s);
    size_t avail = (size_t)(c->end - c->p);
    /* check the whole packet before changing anything */
    size_t need = 0;
    uint8_t buf[GDB_REG_MAX];
    for (uint32_t r = 0; r < a->g_regs; r++) need += 2 * a->read_reg(s->cpu, r, buf);
    if (avail != need) return send_str(s, "E01");
    for (const char *q = c->p; q < c->end; q++)
        if (gdb_hex_digit((unsigned char)*q) < 0) return send_str(s, "E01");
    const char *q = c->p;
    for (uint32_t r = 0; r < a->g_regs; r++) {
        size_t sz = a->read_reg(s->cpu, r, buf);
        gdb_hex_decode(q, sz, buf);
        a->write_reg(s->cpu, r, buf, sz);
        q += 2 * sz;
    }
    send_str(s, "OK");
}

static void cmd_read_reg(GdbSession *s, Cursor *c) {
    uint64_t n;
    if (!hex(c, &n) || c->p != c->end) return send_str(s, "E01");
    uint8_t buf[GDB_REG_MAX];
    size_t sz = n < ops(s)->num_regs(s->cpu) ? ops(s)->read_reg(s->cpu, (uint32_t)n, buf) : 0;
    if (sz == 0 || sz > GDB_REG_MAX) return send_str(s, "E01");
    gdb_hex_encode(buf, sz, s->reply);
    gdb_session_send(s, s->reply, 2 * sz);
}

static void cmd_write_reg(GdbSession *s, Cursor *c) {
    uint64_t n;
    if (!hex(c, &n) || !eat(c, '=')) return send_str(s, "E01");
    size_t digits = (size_t)(c->end - c->p);
    uint8_t buf[GDB_REG_MAX];
    if (digits % 2 || digits / 2 > GDB_REG_MAX || !gdb_hex_decode(c->p, digits / 2, buf)) return send_str(s, "E01");
    if (n >= ops(s)->num_regs(s->cpu) || !ops(s)->write_reg(s->cpu, (uint32_t)n, buf, digits / 2))
        return send_str(s, "E01");
    send_str(s, "OK");
}

/* ---- memory ------------------------------------------------------------------------- */

/* "ADDR,LEN" */
static bool addr_len(Cursor *c, uint64_t *addr, uint64_t *len) { return hex(c, addr) && eat(c, ',') && hex(c, len); }

static void cmd_read_mem(GdbSession *s, Cursor *c) {
    uint64_t addr, len;
    if (!addr_len(c, &addr, &len) || c->p != c->end) return send_str(s, "E01");
    if (len > GDB_MEM_MAX) len = GDB_MEM_MAX;   /* gdb takes a short read */
    uint8_t buf[GDB_MEM_MAX];
    if (len && !ops(s)->read_mem(s->cpu, addr, buf, (size_t)len)) return send_str(s, "E14");
    gdb_hex_encode(buf, (size_t)len, s->reply);
    gdb_session_send(s, s->reply, 2 * (size_t)len);
}

/* M (hex data) and X (binary data, unescaped by the framer). */
static void cmd_write_mem(GdbSession *s, Cursor *c, bool binary) {
    uint64_t addr, len;
    if (!addr_len(c, &addr, &len) || !eat(c, ':')) return send_str(s, "E01");
    size_t avail = (size_t)(c->end - c->p);
    if (len > GDB_PACKET_MAX || (binary ? avail != len : avail != 2 * len)) return send_str(s, "E01");
    uint8_t buf[GDB_PACKET_MAX];
    if (binary) memcpy(buf, c->p, (size_t)len);
    else if (!gdb_hex_decode(c->p, (size_t)len, buf)) return send_str(s, "E01");
    if (len && !ops(s)->write_mem(s->cpu, addr, buf, (size_t)len)) return send_str(s, "E14");
    send_str(s, "OK");
}

/* ---- breakpoints and watchpoints ---------------------------------------------------- */

static void cmd_break(GdbSession *s, Cursor *c, bool insert) {
    uint64_t type, addr, kind;
    if (!hex(c, &type) || !eat(c, ',') || !addr_len(c, &addr, &kind)) return send_str(s, "E01");
    /* ";cond..." and ";cmds..." extensions are not announced: ignore any */
    if (c->p != c->end && *c->p != ';') return send_str(s, "E01");
    CpuDebug *d = s->cpu->debug;
    if (!d) return send_str(s, "");
    bool ok;
    switch (type) {
    case 0:   /* software breakpoint: kind = instruction length */
    case 1:   /* hardware breakpoint */
        if (kind > 16) return send_str(s, "E22");
        ok = insert ? cpu_debug_insert_bp(d, addr, type == 1) : (cpu_debug_remove_bp(d, addr, type == 1), true);
        break;
    case 2:
    case 3:
    case 4: {
        static const uint32_t kinds[] = {CPU_WATCH_WRITE, CPU_WATCH_READ, CPU_WATCH_ACCESS};
        if (kind == 0 || kind > (1ull << 32) || addr + (kind - 1) < addr) return send_str(s, "E22");
        uint32_t k = kinds[type - 2];
        ok = insert ? cpu_debug_insert_wp(d, addr, kind, k) : (cpu_debug_remove_wp(d, addr, kind, k), true);
        break;
    }
    default:
        return send_str(s, "");   /* unknown type: not supported */
    }
    send_str(s, ok ? "OK" : "E28");
}

/* ---- run control ---------------------------------------------------------------------- */

/* c/s [ADDR], C/S SIG[;ADDR]: resume at ADDR if given. */
static GdbAction resume(GdbSession *s, Cursor *c, bool step, bool has_signal) {
    uint64_t v, sig = 0;
    if (has_signal) {
        if (!hex(c, &sig) || sig > 255) {
            send_str(s, "E01");
            return GDB_ACT_NONE;
        }
        /* the machine delivers it (user mode: the signal the stop reported,
         * or another; system mode ignores it) */
        /* ";ADDR" or nothing */
        if (c->p != c->end && (!eat(c, ';') || c->p == c->end)) {
            send_str(s, "E01");
            return GDB_ACT_NONE;
        }
    }
    if (c->p != c->end) {
        if (!hex(c, &v) || c->p != c->end) {
            send_str(s, "E01");
            return GDB_ACT_NONE;
        }
        s->cpu->pc = v;
    }
    if (!s->cpu->debug) {
        send_str(s, "E01");
        return GDB_ACT_NONE;
    }
    cpu_debug_resume(s->cpu, step);
    s->resume_signal = (int)sig;
    return GDB_ACT_RESUME;
}

/* vCont;ACTION[:THREAD][;ACTION[:THREAD]...]: one thread, so the first
 * action applies. */
static GdbAction cmd_vcont(GdbSession *s, Cursor *c) {
    if (!eat(c, ';') || c->p == c->end) {
        send_str(s, "E01");
        return GDB_ACT_NONE;
    }
    char a = *c->p++;
    const char *semi = memchr(c->p, ';', (size_t)(c->end - c->p));
    const char *colon = memchr(c->p, ':', (size_t)(c->end - c->p));
    const char *stop = colon && (!semi || colon < semi) ? colon : semi ? semi : c->end;
    Cursor arg = {c->p, stop};
    switch (a) {
    case 'c': if (arg.p != arg.end) break; return resume(s, &arg, false, false);
    case 's': if (arg.p != arg.end) break; return resume(s, &arg, true, false);
    case 'C': return resume(s, &arg, false, true);
    case 'S': return resume(s, &arg, true, true);
    default: break;
    }
    send_str(s, "E01");
    return GDB_ACT_NONE;
}

/* ---- queries ------------------------------------------------------------------------- */

static void cmd_supported(GdbSession *s, const char *pkt, size_t len) {
    /* the client's features: "qSupported:a+;b-;c=..." */
    const char *end = pkt + len;
    for (const char *p = memchr(pkt, ':', len); p && p < end;) {
        p++;
        const char *e = memchr(p, ';', (size_t)(end - p));
        if (!e) e = end;
        if ((size_t)(e - p) == 8 && !memcmp(p, "swbreak+", 8)) s->swbreak = true;
        if ((size_t)(e - p) == 8 && !memcmp(p, "hwbreak+", 8)) s->hwbreak = true;
        p = e;
    }
    char r[192];
    snprintf(r, sizeof r, "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+%s",
             GDB_PACKET_MAX, s->auxv ? ";qXfer:auxv:read+" : "");
    send_str(s, r);
}

/* Reply to a qXfer read of doc at OFFSET,LENGTH (the cursor): 'm' and a
 * part, or 'l' and the last part; escaping may double a byte, so a part is
 * at most half a packet. */
static void xfer_reply(GdbSession *s, Cursor *c, const uint8_t *doc, size_t dlen) {
    uint64_t off, n;
    if (!addr_len(c, &off, &n) || c->p != c->end) return send_str(s, "E01");
    if (off >= dlen) return send_str(s, "l");
    if (n > GDB_PACKET_MAX / 2 - 4) n = GDB_PACKET_MAX / 2 - 4;
    size_t take = dlen - (size_t)off < n ? dlen - (size_t)off : (size_t)n;
    s->reply[0] = (off + take < dlen) ? 'm' : 'l';
    memcpy(s->reply + 1, doc + off, take);
    gdb_session_send(s, s->reply, take + 1);
}

/* qXfer:auxv:read::OFFSET,LENGTH */
static void cmd_xfer_auxv(GdbSession *s, const char *pkt, size_t len) {
    Cursor c = {pkt + strlen("qXfer:auxv:read::"), pkt + len};
    if (!s->auxv) return send_str(s, "");
    xfer_reply(s, &c, s->auxv, s->auxv_len);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void cmd_xfer_features(GdbSession *s, const char *pkt, size_t len) {
    const char *p = pkt + strlen("qXfer:features:read:");
    const char *end = pkt + len;
    const char *colon = memchr(p, ':', (size_t)(end - p));
    if (!colon || colon - p >= 64) return send_str(s, "E00");
    char annex[64];
    memcpy(annex, p, (size_t)(colon - p));
    annex[colon - p] = 0;
    Cursor c = {colon + 1, end};
    size_t dlen = ops(s)->xml ? ops(s)->xml(s->cpu, annex, s->xml, sizeof s->xml) : 0;
    if (dlen == 0 || dlen > sizeof s->xml) return send_str(s, "E00");
    xfer_reply(s, &c, (const uint8_t *)s->xml, dlen);
}

/* ---- dispatch -------------------------------------------------------------------------- */

static GdbAction handle_packet(GdbSession *s, const char *pkt, size_t len) {
    s->packets++;
    if (len == 0) {
        send_str(s, "");
        return GDB_ACT_NONE;
    }
    Cursor c = {pkt + 1, pkt + len};
    switch (pkt[0]) {
    case '?': send_str(s, s->last_stop); return GDB_ACT_NONE;
    case 'g': if (len == 1) cmd_read_regs(s); else send_str(s, "E01"); return GDB_ACT_NONE;
    case 'G': cmd_write_regs(s, &c); return GDB_ACT_NONE;
    case 'p': cmd_read_reg(s, &c); return GDB_ACT_NONE;
    case 'P': cmd_write_reg(s, &c); return GDB_ACT_NONE;
    case 'm': cmd_read_mem(s, &c); return GDB_ACT_NONE;
    case 'M': cmd_write_mem(s, &c, false); return GDB_ACT_NONE;
    case 'X': cmd_write_mem(s, &c, true); return GDB_ACT_NONE;
    case 'c': return resume(s, &c, false, false);
    case 's': return resume(s, &c, true, false);
    case 'C': return resume(s, &c, false, true);
    case 'S': return resume(s, &c, true, true);
    case 'Z': cmd_break(s, &c, true); return GDB_ACT_NONE;
    case 'z': cmd_break(s, &c, false); return GDB_ACT_NONE;
    case 'H': send_str(s, "OK"); return GDB_ACT_NONE;   /* one thread: any selection is it */
    case 'T': send_str(s, "OK"); return GDB_ACT_NONE;   /* thread alive */
    case 'k': return GDB_ACT_KILL;
    case 'D':
        if (s->cpu->debug) {
            cpu_debug_clear(s->cpu);
            cpu_debug_resume(s->cpu, false);
        }
        send_str(s, "OK");
        return GDB_ACT_DETACH;
    default: break;
    }
    if (starts(pkt, len, "qSupported")) cmd_supported(s, pkt, len);
    else if (equals(pkt, len, "QStartNoAckMode")) {
        send_str(s, "OK");
        s->no_ack = true;
    } else if (starts(pkt, len, "qXfer:features:read:")) cmd_xfer_features(s, pkt, len);
    else if (starts(pkt, len, "qXfer:auxv:read::")) cmd_xfer_auxv(s, pkt, len);
    else if (equals(pkt, len, "qAttached") || starts(pkt, len, "qAttached:")) send_str(s, "1");
    else if (equals(pkt, len, "qC")) send_str(s, "QC1");
    else if (equals(pkt, len, "qfThreadInfo")) send_str(s, "m1");
    else if (equals(pkt, len, "qsThreadInfo")) send_str(s, "l");
    else if (starts(pkt, len, "qSymbol:")) send_str(s, "OK");
    else if (equals(pkt, len, "vCont?")) send_str(s, "vCont;c;C;s;S");
    else if (starts(pkt, len, "vCont")) return cmd_vcont(s, &(Cursor){pkt + 5, pkt + len});
    else if (starts(pkt, len, "vKill")) {
        send_str(s, "OK");
        return GDB_ACT_KILL;
    } else send_str(s, "");   /* not supported */
    return GDB_ACT_NONE;
}

GdbAction gdb_session_input(GdbSession *s, const uint8_t *buf, size_t len, size_t *used) {
    for (size_t i = 0; i < len; i++) {
        switch (gdb_rx_byte(&s->rx, buf[i])) {
        case GDB_RX_PACKET: {
            if (!s->no_ack) send_ack(s, '+');
            GdbAction a = handle_packet(s, (const char *)s->rx.buf, s->rx.len);
            if (a != GDB_ACT_NONE) {
                *used = i + 1;
                return a;
            }
            break;
        }
        case GDB_RX_BAD:
            s->bad_packets++;
            if (!s->no_ack) send_ack(s, '-');
            break;
        case GDB_RX_NAK:
            if (!s->no_ack && s->wire_len) s->write(s->write_opaque, s->wire, s->wire_len);
            break;
        default:   /* acks; Ctrl-C while stopped is moot */
            break;
        }
    }
    *used = len;
    return GDB_ACT_NONE;
}
