/* gdb_server.c — the gdb stub's TCP side and run control (gdbstub.h).
 *
 * Two threads share the connection, never at the same time:
 *   - the machine's thread, inside gdb_server_poll while the target is
 *     stopped: it reads packets (blocking) and answers them;
 *   - a watcher thread while the target runs (`running`): it polls the
 *     connection — or the listening socket when no client is attached —
 *     and turns a Ctrl-C (0x03), a lost connection or a new client into
 *     cpu_debug_interrupt, which stops the CPU at the next block boundary
 *     (plus the machine's wakeup hook, for a hart asleep in WFI).  Other
 *     bytes it reads are kept for the machine's thread.
 *
 *   machine thread                         watcher
 *   gdb_server_poll: stop pending? ──no──▶ return GDB_RUN
 *     lock; running = false ──────────────▶ (waits on cond)
 *     stop reply; serve packets ...
 *     'c' / 's': cpu_debug_resume; lock; running = true; signal ─▶ poll(conn)
 *                                            0x03 ─▶ cpu_debug_interrupt
 *
 * State lives in GdbServer (no globals); the only cross-thread fields are
 * under `lock`, plus CpuDebug.interrupt and cpu_request_exit, which are
 * made for it.
 */
#define _GNU_SOURCE
#include "core/gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define GDB_PENDING_MAX 65536

struct GdbServer {
    int listen_fd, conn_fd;
    char host[256];
    uint16_t port;
    CpuState *cpu;
    CpuDebug dbg;
    GdbSession *sess;
    bool session_fresh;          /* a new client: no stop reply until it asks '?' */
    /* the watcher */
    pthread_t thread;
    bool thread_started;
    int wake[2];
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool running;                /* the target runs: the watcher owns the connection's input */
    bool quit;
    bool conn_new, conn_lost;    /* seen by the watcher while running */
    bool interrupted;            /* the watcher asked for a stop and waits for it */
    bool killed;                 /* the client killed the target: no exit report */
    uint8_t auxv[1024];          /* user mode's auxiliary vector, for every session */
    size_t auxv_len;
    uint8_t pending[GDB_PENDING_MAX];
    size_t n_pending;
    void (*wakeup)(void *opaque);
    void *wakeup_opaque;
};

/* ---- address and sockets -------------------------------------------------------------- */

bool gdb_parse_spec(const char *spec, char *host, size_t host_len, uint16_t *port, char *err, size_t err_len) {
    const char *p = spec;
    const char *hs = "127.0.0.1";
    size_t hn = strlen(hs);
    if (!strncmp(p, "tcp:", 4)) {
        p += 4;
        const char *colon = strrchr(p, ':');
        if (!colon) {
            snprintf(err, err_len, "'%s': expected tcp:[HOST]:PORT", spec);
            return false;
        }
        if (colon > p) {
            hs = p;
            hn = (size_t)(colon - p);
        }
        p = colon + 1;
    }
    char *end;
    errno = 0;
    unsigned long v = strtoul(p, &end, 10);
    if (!*p || *end || errno || v > 65535 || p[0] == '-' || p[0] == '+') {
        snprintf(err, err_len, "'%s': not a port number (tcp::PORT, tcp:HOST:PORT or PORT)", spec);
        return false;
    }
    if (hn == 0 || hn >= host_len) {
        snprintf(err, err_len, "'%s': bad host name", spec);
        return false;
    }
    memcpy(host, hs, hn);
    host[hn] = 0;
    *port = (uint16_t)v;
    return true;
}

GdbServer *gdb_server_new(const char *spec, char *err, size_t err_len) {
    char host[256];
    uint16_t port;
    if (!gdb_parse_spec(spec, host, sizeof host, &port, err, err_len)) return NULL;
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char ports[8];
    snprintf(ports, sizeof ports, "%u", port);
    int rc = getaddrinfo(host, ports, &hints, &res);
    if (rc != 0) {
        snprintf(err, err_len, "gdb: cannot resolve '%s': %s", host, gai_strerror(rc));
        return NULL;
    }
    int fd = -1, e = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        /* non-blocking: the watcher and wait_client may both poll it */
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0 &&
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0)
            break;
        e = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, err_len, "gdb: cannot listen on %s:%u: %s", host, port, strerror(e));
        return NULL;
    }
    GdbServer *g = calloc(1, sizeof *g);
    GdbSession *sess = calloc(1, sizeof *sess);
    if (!g || !sess || pipe2(g->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        snprintf(err, err_len, "gdb: out of resources");
        free(g);
        free(sess);
        close(fd);
        return NULL;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
    g->listen_fd = fd;
    g->conn_fd = -1;
    g->port = port;
    snprintf(g->host, sizeof g->host, "%s", host);
    g->sess = sess;
    cpu_debug_init(&g->dbg);
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->cond, NULL);
    return g;
}

uint16_t gdb_server_port(const GdbServer *g) { return g->port; }

static void conn_write(void *opaque, const uint8_t *buf, size_t len) {
    GdbServer *g = opaque;
    while (len && g->conn_fd >= 0) {
        ssize_t n = send(g->conn_fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;   /* the read side notices the lost connection */
        buf += n;
        len -= (size_t)n;
    }
}

static void new_session(GdbServer *g) {
    gdb_session_init(g->sess, g->cpu, conn_write, g);
    if (g->auxv_len) {
        g->sess->auxv = g->auxv;
        g->sess->auxv_len = g->auxv_len;
    }
    g->session_fresh = true;
    int one = 1;
    setsockopt(g->conn_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* ---- the watcher thread ----------------------------------------------------------------- */

static void ask_stop(GdbServer *g) {
    g->interrupted = true;
    cpu_debug_interrupt(g->cpu);
    if (g->wakeup) g->wakeup(g->wakeup_opaque);
}

static void *watcher(void *opaque) {
    GdbServer *g = opaque;
    pthread_mutex_lock(&g->lock);
    for (;;) {
        while (!g->quit && (!g->running || g->interrupted)) pthread_cond_wait(&g->cond, &g->lock);
        if (g->quit) break;
        bool listening = g->conn_fd < 0;
        int fd = listening ? g->listen_fd : g->conn_fd;
        pthread_mutex_unlock(&g->lock);
        struct pollfd fds[2] = {{fd, POLLIN, 0}, {g->wake[0], POLLIN, 0}};
        int n = poll(fds, 2, -1);
        pthread_mutex_lock(&g->lock);
        if (fds[1].revents) {
            char buf[64];
            while (read(g->wake[0], buf, sizeof buf) > 0) {}
        }
        if (n <= 0 || !fds[0].revents || !g->running || g->interrupted || g->quit) continue;
        if (listening) {
            int c = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                g->conn_fd = c;
                g->conn_new = true;
                ask_stop(g);
            }
            continue;
        }
        uint8_t buf[4096];
        ssize_t r = recv(g->conn_fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (r <= 0) {
            g->conn_lost = true;
            ask_stop(g);
            continue;
        }
        bool ctrl_c = false;
        for (ssize_t i = 0; i < r; i++) {
            if (buf[i] == 0x03) ctrl_c = true;
            if (g->n_pending < GDB_PENDING_MAX) g->pending[g->n_pending++] = buf[i];
        }
        if (ctrl_c) ask_stop(g);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

static void wake_watcher(GdbServer *g) {
    char c = 0;
    ssize_t r = write(g->wake[1], &c, 1);
    (void)r;
}

static void set_running(GdbServer *g, bool running) {
    pthread_mutex_lock(&g->lock);
    g->running = running;
    if (running) g->interrupted = false;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
    wake_watcher(g);
}

static void wait_client(GdbServer *g, FILE *log);

void gdb_server_attach(GdbServer *g, CpuState *cpu, bool wait, FILE *log) {
    if (!cpu) {
        set_running(g, false);
        pthread_mutex_lock(&g->lock);
        if (g->cpu && g->cpu->debug == &g->dbg) g->cpu->debug = NULL;
        g->cpu = NULL;
        pthread_mutex_unlock(&g->lock);
        return;
    }
    pthread_mutex_lock(&g->lock);
    g->cpu = cpu;
    g->sess->cpu = cpu;
    pthread_mutex_unlock(&g->lock);
    cpu_debug_attach(cpu, &g->dbg);
    if (wait) wait_client(g, log);
    if (!g->thread_started && pthread_create(&g->thread, NULL, watcher, g) == 0) g->thread_started = true;
    if (!wait) set_running(g, true);
}

void gdb_server_set_wakeup(GdbServer *g, void (*fn)(void *), void *opaque) {
    pthread_mutex_lock(&g->lock);
    g->wakeup = fn;
    g->wakeup_opaque = opaque;
    pthread_mutex_unlock(&g->lock);
}

/* Before the watcher runs (or while the target is stopped): block until a
 * client connects; the target then stops before its next instruction. */
static void wait_client(GdbServer *g, FILE *log) {
    if (g->conn_fd < 0) {
        FILE *out = log ? log : stderr;
        fprintf(out, "vplat: waiting for gdb on %s:%u\n", g->host, g->port);
        fflush(out);
        int c = -1;
        while (c < 0) {
            struct pollfd p = {g->listen_fd, POLLIN, 0};
            if (poll(&p, 1, -1) < 0 && errno != EINTR) return;
            c = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            if (c < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) return;
        }
        pthread_mutex_lock(&g->lock);
        g->conn_fd = c;
        pthread_mutex_unlock(&g->lock);
    }
    new_session(g);
    g->dbg.stop = (CpuStop){.kind = CPU_STOP_INTERRUPT};
}

/* ---- serving while stopped ---------------------------------------------------------------- */

static void drop_client(GdbServer *g) {
    if (g->conn_fd >= 0) close(g->conn_fd);
    g->conn_fd = -1;
    cpu_debug_clear(g->cpu);
    cpu_debug_resume(g->cpu, false);
}

static GdbRun serve(GdbServer *g, CpuStop stop);

GdbRun gdb_server_poll(GdbServer *g) {
    if (!g->cpu) return GDB_RUN;
    CpuStop stop = cpu_debug_take_stop(g->cpu);
    if (stop.kind == CPU_STOP_NONE) return GDB_RUN;
    return serve(g, stop);
}

int gdb_server_report_signal(GdbServer *g, int gdb_sig) {
    if (!g->cpu || g->conn_fd < 0 || gdb_sig <= 0) return gdb_sig;   /* nobody to ask */
    /* a stop the CPU had pending as well (an interrupt) is this one now */
    cpu_debug_take_stop(g->cpu);
    g->sess->resume_signal = 0;
    GdbRun r = serve(g, (CpuStop){.kind = CPU_STOP_SIGNAL, .signal = gdb_sig});
    if (r == GDB_RUN_KILL) return -1;
    return g->conn_fd >= 0 ? g->sess->resume_signal : gdb_sig;   /* detached: as without gdb */
}

/* Report `stop` and serve the client until it resumes, detaches or kills. */
static GdbRun serve(GdbServer *g, CpuStop stop) {
    set_running(g, false);
    pthread_mutex_lock(&g->lock);
    bool fresh = g->conn_new, lost = g->conn_lost;
    g->conn_new = g->conn_lost = false;
    uint8_t *in = NULL;
    size_t n_in = g->n_pending;
    if (n_in && (in = malloc(n_in))) memcpy(in, g->pending, n_in);
    g->n_pending = 0;
    pthread_mutex_unlock(&g->lock);
    if (lost || g->conn_fd < 0) {
        /* the client went away while the target ran: run on undebugged */
        free(in);
        drop_client(g);
        set_running(g, true);
        return GDB_RUN_RESUMED;
    }
    if (fresh) new_session(g);
    if (g->session_fresh) {
        /* a new client asks '?' first: record the stop, send nothing; a
         * client that just connected sees a plain SIGTRAP stop */
        g->session_fresh = false;
        if (stop.kind == CPU_STOP_INTERRUPT) stop.kind = CPU_STOP_STEP;
        gdb_session_note_stop(g->sess, &stop);
    } else {
        gdb_session_report_stop(g->sess, &stop);
    }
    GdbAction act = GDB_ACT_NONE;
    size_t off = 0;
    uint8_t buf[4096];
    for (;;) {
        const uint8_t *data;
        size_t len;
        if (in && off < n_in) {
            data = in + off;
            len = n_in - off;
        } else {
            ssize_t r = recv(g->conn_fd, buf, sizeof buf, 0);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                free(in);
                drop_client(g);
                set_running(g, true);
                return GDB_RUN_RESUMED;
            }
            data = buf;
            len = (size_t)r;
        }
        size_t used;
        act = gdb_session_input(g->sess, data, len, &used);
        if (data != buf) off += used;
        if (act != GDB_ACT_NONE) {
            /* bytes after a resume packet go back to the watcher's buffer */
            size_t left = len - used;
            pthread_mutex_lock(&g->lock);
            if (left <= GDB_PENDING_MAX) {
                memcpy(g->pending, data + used, left);
                g->n_pending = left;
            }
            bool ctrl_c = memchr(data + used, 0x03, left) != NULL;
            pthread_mutex_unlock(&g->lock);
            if (ctrl_c) cpu_debug_interrupt(g->cpu);
            break;
        }
    }
    free(in);
    switch (act) {
    case GDB_ACT_KILL:
        fprintf(stderr, "vplat: terminated via gdb\n");
        g->killed = true;
        return GDB_RUN_KILL;
    case GDB_ACT_DETACH:
        drop_client(g);
        set_running(g, true);
        return GDB_RUN_RESUMED;
    default:
        set_running(g, true);
        return GDB_RUN_RESUMED;
    }
}

void gdb_server_set_auxv(GdbServer *g, const void *auxv, size_t len) {
    if (len > sizeof g->auxv) len = 0;
    memcpy(g->auxv, auxv, len);
    g->auxv_len = len;
    if (g->sess->auxv) g->sess->auxv_len = len;   /* a session that already serves it */
}

bool gdb_server_stepping(const GdbServer *g) { return g->cpu && cpu_debug_stepping(g->cpu); }

void gdb_server_exited(GdbServer *g, int status, int signal) {
    if (g->conn_fd < 0 || g->killed) return;
    set_running(g, false);
    gdb_session_report_exit(g->sess, status, signal);
}

void gdb_server_forget_in_child(GdbServer *g, CpuState *cpu) {
    /* the watcher thread does not exist here and `lock` may be held by
     * it in the parent's image: touch neither */
    if (g->conn_fd >= 0) close(g->conn_fd);
    close(g->listen_fd);
    g->conn_fd = g->listen_fd = -1;
    if (cpu->debug) {
        cpu_debug_clear(cpu);
        cpu_debug_resume(cpu, false);
        cpu->debug = NULL;
    }
}

void gdb_server_free(GdbServer *g) {
    if (!g) return;
    if (g->thread_started) {
        pthread_mutex_lock(&g->lock);
        g->quit = true;
        pthread_cond_broadcast(&g->cond);
        pthread_mutex_unlock(&g->lock);
        wake_watcher(g);
        pthread_join(g->thread, NULL);
    }
    if (g->cpu && g->cpu->debug == &g->dbg) g->cpu->debug = NULL;
    if (g->conn_fd >= 0) close(g->conn_fd);
    if (g->listen_fd >= 0) close(g->listen_fd);
    close(g->wake[0]);
    close(g->wake[1]);
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->cond);
    cpu_debug_destroy(&g->dbg);
    free(g->sess);
    free(g);
}
