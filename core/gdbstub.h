/* gdbstub.h — a GDB remote serial protocol stub, guest-agnostic.
 *
 *   gdb ──TCP── GdbServer (gdb_server.c: listen, accept, a watcher thread
 *                │          for Ctrl-C and late connections while running)
 *                └─ GdbSession (gdbstub.c: packets ─▶ commands)
 *                     ├─ registers, target description, memory: the
 *                     │  frontend's GdbArchOps (cpu->arch->gdb)
 *                     └─ breakpoints, watchpoints, steps: core/debug.h
 *
 * The machine's loop drives it (machine/linux_user/lu_main.c,
 * machine/virt/virt_board.c):
 *
 *   GdbServer *g = gdb_server_new("tcp::1234", err, sizeof err);
 *   gdb_server_attach(g, cpu, start_halted, stderr); // -S, -g: block for gdb
 *   for (;;) {
 *       if (gdb_server_poll(g) == GDB_RUN_KILL) exit;  // serves gdb while stopped
 *       r = cpu_exec(cpu);                           // CPU_EXIT_DEBUG: poll again
 *       ...
 *   }
 *   gdb_server_exited(g, status, 0);                 // "W" to gdb
 *
 * Commands: qSupported (PacketSize), QStartNoAckMode, ?, g/G, p/P, m/M/X,
 * c/s/C/S, vCont?/vCont, Z0-Z4/z0-z4, qXfer:features:read, qXfer:auxv:read
 * (user mode), qAttached, qC,
 * qfThreadInfo/qsThreadInfo, H, T, D, k, vKill, Ctrl-C; anything else gets
 * the empty reply.  One thread (id 1).  Hostile packets get an error reply
 * and never reach the guest unchecked.
 */
#ifndef VPLAT_CORE_GDBSTUB_H
#define VPLAT_CORE_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cpu.h"
#include "core/debug.h"
#include "core/gdb_proto.h"

/* What a frontend provides (CpuArchOps.gdb).  Registers use gdb's remote
 * numbers 0..num_regs-1; the 'g' packet holds 0..g_regs-1. */
struct GdbArchOps {
    uint32_t (*num_regs)(CpuState *cpu);
    uint32_t g_regs;
    /* Register n's bytes in target order into buf (at least 16 bytes);
     * returns its size, 0 if there is no such register. */
    size_t (*read_reg)(CpuState *cpu, uint32_t n, uint8_t *buf);
    /* Set register n from len bytes; false if no such register or len is wrong. */
    bool (*write_reg)(CpuState *cpu, uint32_t n, const uint8_t *buf, size_t len);
    /* Write the target description document `annex` ("target.xml") into
     * buf; returns its length, 0 if there is no such document or it does
     * not fit in cap. */
    size_t (*xml)(CpuState *cpu, const char *annex, char *buf, size_t cap);
    /* Debugger access to guest memory as the guest currently sees it (its
     * MMU in system mode), with no device side effects, ignoring page
     * permissions; writes keep translated code coherent.  false if any
     * byte is not accessible (checked before anything is copied). */
    bool (*read_mem)(CpuState *cpu, uint64_t addr, uint8_t *buf, size_t len);
    bool (*write_mem)(CpuState *cpu, uint64_t addr, const uint8_t *buf, size_t len);
};

/* ---- the protocol engine (no sockets; tests drive it directly) ---- */

#define GDB_XML_MAX 16384

typedef enum GdbAction {
    GDB_ACT_NONE = 0,   /* keep serving */
    GDB_ACT_RESUME,     /* continue or step: cpu_debug_resume was called */
    GDB_ACT_DETACH,     /* D: breakpoints cleared; run freely, close the connection */
    GDB_ACT_KILL,       /* k / vKill: end the machine */
} GdbAction;

typedef struct GdbSession {
    CpuState *cpu;
    GdbRx rx;
    bool no_ack;                 /* after QStartNoAckMode */
    bool swbreak, hwbreak;       /* the client understands these stop reasons */
    /* output: the transport's writer */
    void (*write)(void *opaque, const uint8_t *buf, size_t len);
    void *write_opaque;
    uint8_t wire[GDB_WIRE_MAX];  /* the last packet sent (for '-') */
    size_t wire_len;
    char reply[GDB_PACKET_MAX + 1];
    char xml[GDB_XML_MAX];       /* the target description being read */
    const uint8_t *auxv;         /* user mode: the auxiliary vector (qXfer:auxv:read), or NULL */
    size_t auxv_len;
    char last_stop[64];          /* answer to '?' */
    int resume_signal;           /* the signal of the last C/S/vCont;C/S (gdb's numbering), 0: none */
    uint64_t packets, bad_packets;
} GdbSession;

void gdb_session_init(GdbSession *s, CpuState *cpu, void (*write)(void *, const uint8_t *, size_t), void *opaque);
/* Feed bytes from the client.  Stops at the first packet that needs an
 * action (*used = bytes consumed; the rest is for later). */
GdbAction gdb_session_input(GdbSession *s, const uint8_t *buf, size_t len, size_t *used);
/* Tell the client why the target stopped (a stop reply). */
void gdb_session_report_stop(GdbSession *s, const CpuStop *stop);
/* Only record it as the answer to '?' (a client that just connected). */
void gdb_session_note_stop(GdbSession *s, const CpuStop *stop);
/* ... that the program exited with status (signal = 0) or was killed by signal. */
void gdb_session_report_exit(GdbSession *s, int status, int signal);
/* Send one packet (data is escaped and checksummed here). */
void gdb_session_send(GdbSession *s, const void *data, size_t len);

/* ---- the TCP server and run control (gdb_server.c) ---- */

typedef struct GdbServer GdbServer;

typedef enum GdbRun {
    GDB_RUN = 0,        /* nothing to do: keep running */
    GDB_RUN_RESUMED,    /* the target was stopped and the client resumed it */
    GDB_RUN_KILL,       /* the client killed the target: end it */
} GdbRun;

/* gdb's signal numbers (the remote protocol's) from Linux's generic ones
 * (riscv64, x86-64) and back; 0 if there is none. */
int gdb_signal_from_linux(int sig);
int gdb_signal_to_linux(int gdb_sig);

/* Check a -gdb/-g device: "tcp::PORT", "tcp:HOST:PORT", or a bare PORT.
 * Without a host, 127.0.0.1.  PORT 0 picks a free one. */
bool gdb_parse_spec(const char *spec, char *host, size_t host_len, uint16_t *port, char *err, size_t err_len);
/* Listen on spec; NULL with a message in err. */
GdbServer *gdb_server_new(const char *spec, char *err, size_t err_len);
/* The port actually listened on (after PORT 0). */
uint16_t gdb_server_port(const GdbServer *g);
/* Debug this CPU (again after an execve or a reset replaced it) and start
 * the watcher.  wait: first block until a client connects, the target
 * stopped before its next instruction (-S, -g); "vplat: waiting for gdb
 * on HOST:PORT" goes to log (NULL: stderr) before.  cpu NULL: let go of
 * the old CPU before it is freed. */
void gdb_server_attach(GdbServer *g, CpuState *cpu, bool wait, FILE *log);
/* Called from the watcher thread when the target must stop while the
 * machine may be idle (system mode WFI sleep). */
void gdb_server_set_wakeup(GdbServer *g, void (*fn)(void *opaque), void *opaque);
/* If a stop is pending (breakpoint, step, Ctrl-C, a new client), report it
 * and serve the client until it resumes, detaches or kills the target. */
GdbRun gdb_server_poll(GdbServer *g);
/* User mode: the program's auxiliary vector, served as qXfer:auxv:read so
 * gdb finds where a PIE and the dynamic linker were loaded (copied). */
void gdb_server_set_auxv(GdbServer *g, const void *auxv, size_t len);
/* User mode: the guest is about to receive signal gdb_sig (gdb's
 * numbering, see gdb_signal_from_linux): report it as a stop and serve
 * the client.  Returns the signal to deliver instead (0: none, as after
 * gdb's plain "continue"), gdb_sig itself when no client is attached, or
 * -1 if the client killed the target. */
int gdb_server_report_signal(GdbServer *g, int gdb_sig);
/* A step is under way (system mode keeps interrupts back, like QEMU). */
bool gdb_server_stepping(const GdbServer *g);
/* The target ended: exit status, or killed by signal (!= 0, gdb's numbering). */
void gdb_server_exited(GdbServer *g, int status, int signal);
/* After fork(), in the child: let go of the connection without touching
 * the parent's thread; the child runs undebugged. */
void gdb_server_forget_in_child(GdbServer *g, CpuState *cpu);
void gdb_server_free(GdbServer *g);

#endif
