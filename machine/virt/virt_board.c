/* virt_board.c — assembles the virt machine, boots it like
 * qemu-system-riscv64 and runs it.
 *
 *   physical map (virt_map.h): 0x1000 reset ROM, 0x100000 test, CLINT,
 *   PLIC, UART0, PCIe host (virt_pci.c: ECAM, PIO/MMIO windows, -device),
 *   RAM at 0x80000000
 *   boot: ROM at 0x1000 ─▶ firmware at 0x80000000 (a0 = hartid, a1 = FDT,
 *         a2 = fw_dynamic info: next = kernel, S mode)
 *         kernel at the first 2 MiB boundary after the firmware, initrd at
 *         kernel + min(RAM/2, 128 MiB), FDT at the top of RAM (below 3 GiB)
 *         rounded down to 2 MiB: QEMU 7.2's placement.
 *
 * Run loop (one thread runs the hart and every device; a second thread
 * only watches the host: console input and the next timer deadline):
 *
 *   for (;;) {
 *       console bytes ─▶ UART FIFO;  clint_update (MTIP);  take interrupt;
 *       WFI with nothing pending? sleep until input or the CLINT deadline;
 *       cpu_exec ─▶ exception / ecall / mret, sret, wfi, sfence.vma / stop request
 *   }
 *
 * The watcher thread calls cpu_request_exit when input arrives or the
 * deadline passes, so a hart running chained code stops at the next block
 * boundary; it touches no device state itself.
 *
 * Deterministic mode (-icount shift=N, --deterministic, -record, -replay):
 * guest time is virtual, vtime_ns = (insn_count << N) + idle_ns, and mtime
 * = vtime_ns / 100 (the 10 MHz timebase: with N = 0, one tick per 100
 * instructions).  The next CLINT deadline becomes an instruction count
 * (cpu->icount_stop), so the hart stops for it at the first block boundary
 * at or after that count in every tier; WFI with nothing pending skips
 * idle_ns ahead to the deadline instead of sleeping (sleep=on first waits
 * up to that long in host time for console input).  The watcher thread
 * never stops the hart (only C-a x does), and console input moves into the
 * UART only at two kinds of input point: an idle WFI, and an icount stop.
 * Both happen at instruction counts that depend on the guest alone, so a
 * recording (core/replay.h) of what moved in at which (count, idle_ns)
 * replays exactly:
 *
 *   for (;;) {
 *       replay at its end count? stop with the recorded status
 *       clint_update;  take interrupt
 *       WFI, nothing pending:  input point (idle) ─▶ continue
 *                              or idle_ns = next deadline ─▶ continue
 *       cpu->icount_stop = deadline's count (a replay's end, if earlier)
 *       cpu_exec ─▶ ... / CPU_EXIT_ICOUNT ─▶ input point (tick)
 *   }
 *
 * With the gdb stub (-s, -gdb, -S; core/gdbstub.h) the loop first lets it
 * serve a pending stop (breakpoint, step, Ctrl-C: CPU_EXIT_DEBUG or the
 * stub's wakeup while in WFI).  Guest time stands still while gdb holds
 * the hart, and a gdb single step takes no interrupt unless the hart
 * waits in WFI (QEMU's default for gdb steps).
 */
#define _GNU_SOURCE
#include "machine/virt/virt_board.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>

#include "core/gdbstub.h"
#include "core/log.h"
#include "core/replay.h"
#include "frontends/riscv/rv_cpu.h"
#include "interp/interp.h"
#include "machine/virt/clint.h"
#include "machine/virt/plic.h"
#include "machine/virt/uart16550.h"
#include "machine/virt/virt_fdt.h"
#include "machine/virt/virt_map.h"
#include "machine/virt/virt_pci.h"
#include "machine/virt/virt_test.h"

#define VIRT_MROM_BASE 0x1000ull
#define VIRT_MROM_SIZE 0xf000ull
#define MiB (1024ull * 1024)
#define NS_PER_TICK (1000000000ull / VIRT_TIMEBASE_FREQ)
#define CONSOLE_BUF 4096
#define CONSOLE_ESCAPE 0x01   /* Ctrl-A */
/* Deterministic mode: the input point an INPUT event was taken at, in the
 * top bit of its aux (the low bits hold idle_ns). */
#define DET_POINT_TICK (1ull << 63)
#define DET_IDLE_MASK (DET_POINT_TICK - 1)

/* The host side: console input and wake-ups, shared with the watcher thread
 * under `lock`. */
typedef struct VirtHost {
    pthread_t thread;
    bool thread_running;
    int wake_pipe[2];
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint8_t in[CONSOLE_BUF];
    size_t in_head, in_count;
    bool stdin_open;
    bool escape;              /* Ctrl-A seen */
    bool quit;                /* Ctrl-A x */
    bool event;               /* something for the run loop (input, deadline, quit) */
    bool stop;                /* watcher: exit */
    uint64_t deadline_ns;     /* host monotonic time of the next CLINT deadline */
    bool tty_raw;
    struct termios saved_tty;
    bool det;                 /* deterministic mode: input never stops the hart */
    CpuState *cpu;
} VirtHost;

/* Deterministic mode's state; the replay log and the count base outlive a
 * board reset (virt_main). */
typedef struct VirtDet {
    bool on;
    unsigned shift;           /* 2^shift ns per instruction */
    bool sleep;               /* idle: wait in host time for input first */
    uint64_t idle_ns;         /* virtual time skipped while idle */
    ReplayLog *rr;            /* -record / -replay, or NULL */
    uint64_t base;            /* instructions of earlier boards (resets): stamps are base + insn_count */
    bool failed;              /* the replay diverged (message printed) */
    bool ended;               /* the replay reached its recording's end */
} VirtDet;

typedef struct VirtBoard {
    const VirtOptions *opt;
    AddressSpace as;
    RvCpu cpu;
    Clint clint;
    Plic plic;
    Uart16550 uart;
    VirtTest test;
    VirtPci pci;
    uint64_t t0_ns;
    bool shutdown;
    VirtShutdownKind shutdown_kind;
    int shutdown_code;
    VirtHost host;
    uint8_t out[256];
    size_t out_len;
    MemOps clint_ops, uart_ops;   /* the devices' ops, forwarded through the board */
    GdbServer *gdb;               /* -s / -gdb, or NULL (outlives a reset) */
    VirtDet *det;                 /* deterministic mode (virt_main's) */
} VirtBoard;

static uint64_t host_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- time ------------------------------------------------------------------- */

static uint64_t det_vtime_ns(const VirtBoard *b) {
    return (b->cpu.cs.insn_count << b->det->shift) + b->det->idle_ns;
}

static uint64_t board_ticks(void *opaque) {
    VirtBoard *b = opaque;
    if (b->det->on) return det_vtime_ns(b) / NS_PER_TICK;
    return (host_ns() - b->t0_ns) / NS_PER_TICK;
}

/* Deterministic mode: the instruction count at which the next CLINT
 * deadline falls due (vtime_ns >= deadline ticks * 100), 0 if none. */
static uint64_t det_deadline_count(const VirtBoard *b) {
    uint64_t t = clint_next_deadline(&b->clint);
    if (t == UINT64_MAX || t > UINT64_MAX / NS_PER_TICK / 2) return 0;
    uint64_t ns = t * NS_PER_TICK, idle = b->det->idle_ns;
    uint64_t n = ns > idle ? ns - idle : 0;
    uint64_t count = (n + (1ull << b->det->shift) - 1) >> b->det->shift;
    return count > b->cpu.cs.insn_count ? count : b->cpu.cs.insn_count + 1;
}

/* Deterministic mode: where the hart must next stop — the timer deadline,
 * or the end of the recording a replay follows.  Also lowers a running
 * hart's limit (a guest write to mtimecmp mid-block). */
static void det_arm(VirtBoard *b) {
    CpuState *cs = &b->cpu.cs;
    uint64_t stop = det_deadline_count(b);
    if (replay_mode(b->det->rr) == REPLAY_REPLAY) {
        uint64_t end = replay_end_count(b->det->rr);
        uint64_t e = end > b->det->base ? end - b->det->base : 0;
        if (e > cs->insn_count && (!stop || e < stop)) stop = e;
    }
    cs->icount_stop = stop;
    if (stop && stop < cs->insn_limit && !cs->exit_request) cs->insn_limit = stop;
}

static uint64_t board_read_time(void *opaque) { return clint_mtime(&((VirtBoard *)opaque)->clint); }

/* Tell the watcher when the CLINT next needs attention (only an earlier
 * deadline needs to wake it). */
static void arm_deadline(VirtBoard *b) {
    uint64_t ticks = clint_next_deadline(&b->clint);
    uint64_t ns = ticks == UINT64_MAX || ticks > (UINT64_MAX - b->t0_ns) / NS_PER_TICK ? UINT64_MAX
                                                                                       : b->t0_ns + ticks * NS_PER_TICK;
    VirtHost *h = &b->host;
    pthread_mutex_lock(&h->lock);
    bool earlier = ns < h->deadline_ns;
    h->deadline_ns = ns;
    pthread_mutex_unlock(&h->lock);
    if (earlier && h->thread_running) {
        char c = 0;
        ssize_t r = write(h->wake_pipe[1], &c, 1);
        (void)r;
    }
}

/* The CLINT's registers, forwarded, so a new mtimecmp re-arms the host
 * timer even while the hart keeps running chained code. */
static uint64_t clint_read_fwd(void *opaque, uint64_t off, unsigned size) {
    VirtBoard *b = opaque;
    return clint_mem_ops.read(&b->clint, off, size);
}

static void clint_write_fwd(void *opaque, uint64_t off, uint64_t val, unsigned size) {
    VirtBoard *b = opaque;
    clint_mem_ops.write(&b->clint, off, val, size);
    if (b->det->on) det_arm(b);
    else arm_deadline(b);
}


/* ---- console ------------------------------------------------------------------ */

static void console_flush(VirtBoard *b) {
    size_t done = 0;
    while (done < b->out_len) {
        ssize_t n = write(STDOUT_FILENO, b->out + done, b->out_len - done);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            break;
        }
        done += (size_t)n;
    }
    b->out_len = 0;
}

static void uart_tx(void *opaque, uint8_t byte) {
    VirtBoard *b = opaque;
    b->out[b->out_len++] = byte;
    if (byte == '\n' || b->out_len == sizeof b->out) console_flush(b);
}

/* Move console input into the UART's FIFO as far as it has room. */
static void console_feed(VirtBoard *b) {
    VirtHost *h = &b->host;
    pthread_mutex_lock(&h->lock);
    while (h->in_count) {
        size_t room = uart_can_receive(&b->uart);
        if (!room) break;
        size_t n = h->in_count;
        if (n > CONSOLE_BUF - h->in_head) n = CONSOLE_BUF - h->in_head;
        if (n > room) n = room;
        size_t took = uart_receive(&b->uart, h->in + h->in_head, n);
        if (!took) break;
        h->in_head = (h->in_head + took) % CONSOLE_BUF;
        h->in_count -= took;
    }
    pthread_mutex_unlock(&h->lock);
}

/* UART registers, forwarded: after the guest reads (and so makes room in
 * the FIFO), waiting console input moves in at once. */
static uint64_t uart_read_fwd(void *opaque, uint64_t off, unsigned size) {
    VirtBoard *b = opaque;
    uint64_t v = uart_mem_ops.read(&b->uart, off, size);
    if (b->host.in_count && !b->det->on) console_feed(b);
    return v;
}

static void uart_write_fwd(void *opaque, uint64_t off, uint64_t val, unsigned size) {
    VirtBoard *b = opaque;
    uart_mem_ops.write(&b->uart, off, val, size);
}


static void console_help(void) {
    static const char help[] =
        "\r\nC-a h    print this help\r\n"
        "C-a x    exit vplat\r\n"
        "C-a C-a  send C-a\r\n";
    ssize_t r = write(STDERR_FILENO, help, sizeof help - 1);
    (void)r;
}

/* Watcher thread: input bytes (with Ctrl-A escapes) and the timer deadline. */
static void *host_watch(void *opaque) {
    VirtHost *h = opaque;
    for (;;) {
        pthread_mutex_lock(&h->lock);
        if (h->stop) {
            pthread_mutex_unlock(&h->lock);
            return NULL;
        }
        uint64_t deadline = h->deadline_ns;
        bool want_input = h->stdin_open && h->in_count < CONSOLE_BUF - 2;
        pthread_mutex_unlock(&h->lock);

        struct pollfd fds[2] = {{h->wake_pipe[0], POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        struct timespec ts, *tsp = NULL;
        uint64_t now = host_ns();
        if (deadline != UINT64_MAX) {
            uint64_t wait = deadline > now ? deadline - now : 0;
            ts.tv_sec = (time_t)(wait / 1000000000ull);
            ts.tv_nsec = (long)(wait % 1000000000ull);
            tsp = &ts;
        }
        int n = ppoll(fds, want_input ? 2 : 1, tsp, NULL);
        if (n < 0 && errno != EINTR) return NULL;
        bool kick = false;
        if (n > 0 && (fds[0].revents & POLLIN)) {
            char buf[64];
            ssize_t r = read(h->wake_pipe[0], buf, sizeof buf);
            (void)r;
        }
        if (n > 0 && want_input && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            uint8_t buf[256];
            ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
            pthread_mutex_lock(&h->lock);
            if (r <= 0) {
                if (r == 0 || errno != EINTR) h->stdin_open = false;
            } else {
                for (ssize_t k = 0; k < r; k++) {
                    uint8_t c = buf[k];
                    if (h->tty_raw && h->escape) {
                        h->escape = false;
                        if (c == 'x' || c == 'X') {
                            h->quit = true;
                            continue;
                        }
                        if (c == 'h' || c == 'H' || c == '?') {
                            console_help();
                            continue;
                        }
                        if (c != CONSOLE_ESCAPE) continue;
                    } else if (h->tty_raw && c == CONSOLE_ESCAPE) {
                        h->escape = true;
                        continue;
                    }
                    if (h->in_count < CONSOLE_BUF) {
                        h->in[(h->in_head + h->in_count) % CONSOLE_BUF] = c;
                        h->in_count++;
                    }
                }
            }
            pthread_mutex_unlock(&h->lock);
            kick = true;
        }
        pthread_mutex_lock(&h->lock);
        if (h->deadline_ns != UINT64_MAX && host_ns() >= h->deadline_ns) {
            h->deadline_ns = UINT64_MAX;   /* consumed; the run loop re-arms */
            kick = true;
        }
        if (kick) {
            h->event = true;
            pthread_cond_broadcast(&h->cond);
        }
        pthread_mutex_unlock(&h->lock);
        /* deterministic mode: input waits for an input point */
        if (kick && (!h->det || h->quit)) cpu_request_exit(h->cpu);
    }
}

/* The gdb stub's watcher wants the hart stopped (Ctrl-C, a new client):
 * wake the run loop if it sleeps in host_wait. */
static void board_gdb_wakeup(void *opaque) {
    VirtHost *h = &((VirtBoard *)opaque)->host;
    pthread_mutex_lock(&h->lock);
    h->event = true;
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->lock);
}

/* WFI with nothing pending: sleep until the watcher reports something. */
static void host_wait(VirtBoard *b) {
    VirtHost *h = &b->host;
    console_flush(b);
    pthread_mutex_lock(&h->lock);
    while (!h->event && !h->quit) {
        uint64_t deadline = h->deadline_ns;
        if (deadline == UINT64_MAX) {
            pthread_cond_wait(&h->cond, &h->lock);
        } else {
            if (host_ns() >= deadline) break;
            struct timespec ts = {(time_t)(deadline / 1000000000ull), (long)(deadline % 1000000000ull)};
            pthread_cond_timedwait(&h->cond, &h->lock, &ts);
        }
    }
    h->event = false;
    pthread_mutex_unlock(&h->lock);
}

static bool host_start(VirtBoard *b, bool raw_tty, bool read_stdin) {
    VirtHost *h = &b->host;
    h->cpu = &b->cpu.cs;
    h->deadline_ns = UINT64_MAX;
    h->stdin_open = read_stdin;
    h->det = b->det->on;
    pthread_mutex_init(&h->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (pipe2(h->wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return false;
    if (raw_tty && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &h->saved_tty) == 0) {
        /* like QEMU's -nographic: raw input, Ctrl-C goes to the guest,
         * output processing kept */
        struct termios t = h->saved_tty;
        t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
        t.c_oflag |= OPOST;
        t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
        t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
        t.c_cflag |= CS8;
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) h->tty_raw = true;
    }
    if (pthread_create(&h->thread, NULL, host_watch, h) != 0) return false;
    h->thread_running = true;
    return true;
}

static void host_stop(VirtBoard *b) {
    VirtHost *h = &b->host;
    if (h->thread_running) {
        pthread_mutex_lock(&h->lock);
        h->stop = true;
        pthread_mutex_unlock(&h->lock);
        char c = 0;
        ssize_t r = write(h->wake_pipe[1], &c, 1);
        (void)r;
        pthread_join(h->thread, NULL);
        h->thread_running = false;
    }
    if (h->tty_raw) tcsetattr(STDIN_FILENO, TCSANOW, &h->saved_tty);
    h->tty_raw = false;
    close(h->wake_pipe[0]);
    close(h->wake_pipe[1]);
    pthread_cond_destroy(&h->cond);
    pthread_mutex_destroy(&h->lock);
}

/* ---- devices ------------------------------------------------------------------ */

/* Bulk writes into RAM (loaders, DMA) drop translations of the bytes they
 * change; the hart's own stores take the softmmu's dirty tracking. */
static void board_code_write(void *opaque, uint64_t addr, uint64_t len) {
    VirtBoard *b = opaque;
    TbCache *tbs = b->cpu.cs.tbs;
    if (!tbs || len == 0) return;
    uint64_t first = addr & MEM_PAGE_MASK, last = (addr + len - 1) & MEM_PAGE_MASK;
    for (uint64_t pg = first;; pg += MEM_PAGE_SIZE) {
        if (tb_page_has_code(tbs, pg)) tb_invalidate_page(tbs, pg);
        if (pg == last) break;
    }
}

static void board_shutdown(void *opaque, VirtShutdownKind kind, int code) {
    VirtBoard *b = opaque;
    b->shutdown = true;
    b->shutdown_kind = kind;
    b->shutdown_code = code;
    cpu_request_exit(&b->cpu.cs);
}

static bool board_devices(VirtBoard *b) {
    AddressSpace *as = &b->as;
    if (!plic_init(&b->plic, VIRT_PLIC_NUM_SOURCES, 1)) return false;
    plic_connect(&b->plic, plic_context(0, false), irq_line(rv_set_irq, &b->cpu, RV_IRQ_MEI));
    plic_connect(&b->plic, plic_context(0, true), irq_line(rv_set_irq, &b->cpu, RV_IRQ_SEI));
    if (!clint_init(&b->clint, 1, board_ticks, b)) return false;
    clint_connect(&b->clint, 0, irq_line(rv_set_irq, &b->cpu, RV_IRQ_MSI), irq_line(rv_set_irq, &b->cpu, RV_IRQ_MTI));
    clint_reset(&b->clint);
    uart_init(&b->uart, uart_tx, b, plic_input(&b->plic, VIRT_UART0_IRQ));
    virt_test_init(&b->test, board_shutdown, b);

    b->clint_ops = clint_mem_ops;
    b->clint_ops.read = clint_read_fwd;
    b->clint_ops.write = clint_write_fwd;
    b->uart_ops = uart_mem_ops;
    b->uart_ops.read = uart_read_fwd;
    b->uart_ops.write = uart_write_fwd;
    return as_add_io(as, "test", VIRT_TEST_BASE, VIRT_TEST_SIZE, &virt_test_mem_ops, &b->test) &&
           as_add_io(as, "clint", VIRT_CLINT_BASE, VIRT_CLINT_SIZE, &b->clint_ops, b) &&
           as_add_io(as, "plic", VIRT_PLIC_BASE, VIRT_PLIC_SIZE, &plic_mem_ops, &b->plic) &&
           as_add_io(as, "uart0", VIRT_UART0_BASE, VIRT_UART0_SIZE, &b->uart_ops, b);
}

/* ---- loading ------------------------------------------------------------------ */

static uint8_t *read_file(const char *path, size_t *len, char *err, size_t err_len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, err_len, "%s: not a regular file", path);
        fclose(f);
        return NULL;
    }
    uint8_t *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        snprintf(err, err_len, "%s: read error", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (size_t)st.st_size;
    return buf;
}

/* Load an ELF image's PT_LOAD segments at their physical addresses, or a
 * raw image at `addr`.  *end: the first byte after the image; *entry: the
 * ELF entry, or addr. */
static bool load_image(VirtBoard *b, const char *path, uint64_t addr, uint64_t *end, uint64_t *entry, char *err,
                       size_t err_len) {
    size_t len;
    uint8_t *img = read_file(path, &len, err, err_len);
    if (!img) return false;
    bool ok = true;
    if (len >= 64 && !memcmp(img, "\177ELF", 4)) {
        /* ELF64 little-endian RISC-V only */
        uint16_t machine, phnum, phentsize;
        uint64_t phoff, e_entry;
        memcpy(&machine, img + 18, 2);
        memcpy(&e_entry, img + 24, 8);
        memcpy(&phoff, img + 32, 8);
        memcpy(&phentsize, img + 54, 2);
        memcpy(&phnum, img + 56, 2);
        if (img[4] != 2 || img[5] != 1 || machine != 243 || phentsize < 56 || phoff > len ||
            (uint64_t)phnum * phentsize > len - phoff) {
            snprintf(err, err_len, "%s: not a 64-bit little-endian RISC-V ELF file", path);
            free(img);
            return false;
        }
        uint64_t hi = 0;
        for (unsigned i = 0; i < phnum && ok; i++) {
            const uint8_t *ph = img + phoff + (uint64_t)i * phentsize;
            uint32_t type;
            uint64_t off, paddr, filesz, memsz;
            memcpy(&type, ph, 4);
            memcpy(&off, ph + 8, 8);
            memcpy(&paddr, ph + 24, 8);
            memcpy(&filesz, ph + 32, 8);
            memcpy(&memsz, ph + 40, 8);
            if (type != 1 || memsz == 0) continue;
            if (filesz > memsz || off > len || filesz > len - off) {
                snprintf(err, err_len, "%s: segment %u lies outside the file", path, i);
                ok = false;
                break;
            }
            uint8_t *dst = as_ram_ptr(&b->as, paddr, memsz);
            if (!dst) {
                snprintf(err, err_len, "%s: segment %u at 0x%" PRIx64 "+0x%" PRIx64 " is outside RAM", path, i, paddr,
                         memsz);
                ok = false;
                break;
            }
            memcpy(dst, img + off, filesz);
            memset(dst + filesz, 0, memsz - filesz);
            if (paddr + memsz > hi) hi = paddr + memsz;
        }
        *end = hi;
        *entry = e_entry;
    } else {
        uint8_t *dst = as_ram_ptr(&b->as, addr, len);
        if (!dst) {
            snprintf(err, err_len, "%s: %zu bytes at 0x%" PRIx64 " do not fit in RAM (-m)", path, len, addr);
            ok = false;
        } else {
            memcpy(dst, img, len);
            *end = addr + len;
            *entry = addr;
        }
    }
    free(img);
    return ok;
}

/* QEMU's reset vector (hw/riscv/boot.c) and struct fw_dynamic_info. */
static void write_reset_rom(VirtBoard *b, uint64_t start, uint64_t fdt_addr, uint64_t next_addr, bool have_next) {
    uint32_t code[6] = {
        0x00000297, /* auipc t0, 0 */
        0x02828613, /* addi a2, t0, 40   (fw_dynamic_info) */
        0xf1402573, /* csrr a0, mhartid */
        0x0202b583, /* ld a1, 32(t0)     (fdt) */
        0x0182b283, /* ld t0, 24(t0)     (start) */
        0x00028067, /* jr t0 */
    };
    uint64_t words[2 + 6] = {
        start, fdt_addr,
        0x4942534f,             /* magic "OSBI" */
        2,                      /* version */
        have_next ? next_addr : 0,
        1,                      /* next mode: S */
        0,                      /* options */
        0,                      /* boot hart */
    };
    uint8_t rom[sizeof code + sizeof words];
    memcpy(rom, code, sizeof code);
    memcpy(rom + sizeof code, words, sizeof words);
    as_load_rom(&b->as, VIRT_MROM_BASE, rom, sizeof rom);
}

static int fail(const char *msg) {
    fprintf(stderr, "vplat: %s\n", msg);
    return 1;
}

static int board_boot(VirtBoard *b) {
    const VirtOptions *o = b->opt;
    char err[512];
    if (!as_add_ram(&b->as, "mrom", VIRT_MROM_BASE, VIRT_MROM_SIZE, true) ||
        !as_add_ram(&b->as, "ram", VIRT_DRAM_BASE, o->ram_size, false))
        return fail("cannot allocate guest RAM");
    if (!board_devices(b)) return fail("cannot create the board's devices");
    FILE *guest_log = o->log_mask & LOG_GUEST_ERRORS ? (o->log ? o->log : stderr) : NULL;
    VirtPciStatus pst = virt_pci_init(&b->pci, &b->as, &b->plic, o->ram_size, o->devices, o->n_devices, guest_log,
                                      err, sizeof err);
    if (pst != VIRT_PCI_OK) {
        fail(err);
        return pst == VIRT_PCI_BAD_DEVICE ? 2 : 1;
    }

    const char *bios = o->bios ? o->bios : VIRT_DEFAULT_BIOS;
    bool no_bios = !strcmp(bios, "none");
    uint64_t start = VIRT_DRAM_BASE, fw_end = VIRT_DRAM_BASE, entry;
    if (!no_bios) {
        if (!load_image(b, bios, VIRT_DRAM_BASE, &fw_end, &entry, err, sizeof err)) return fail(err);
        start = entry;
    }
    uint64_t kernel_entry = 0, kernel_end = 0;
    bool have_kernel = o->kernel != NULL;
    if (have_kernel) {
        uint64_t kaddr = no_bios ? VIRT_DRAM_BASE : (fw_end + 2 * MiB - 1) & ~(2 * MiB - 1);
        if (!load_image(b, o->kernel, kaddr, &kernel_end, &kernel_entry, err, sizeof err)) return fail(err);
        if (no_bios) start = kernel_entry;
    } else if (no_bios) {
        return fail("-bios none needs -kernel");
    }
    uint64_t initrd_start = 0, initrd_end = 0;
    if (o->initrd) {
        if (!have_kernel) return fail("-initrd needs -kernel");
        uint64_t off = o->ram_size / 2 < 128 * MiB ? o->ram_size / 2 : 128 * MiB;
        initrd_start = kernel_entry + off;
        uint64_t e;
        if (!load_image(b, o->initrd, initrd_start, &initrd_end, &e, err, sizeof err)) return fail(err);
        if (initrd_start < kernel_end) return fail("the kernel and the initrd overlap: give more memory with -m");
    }

    VirtFdtConfig fc = {
        .ram_base = VIRT_DRAM_BASE,
        .ram_size = o->ram_size,
        .num_harts = 1,
        .bootargs = o->append,
        .initrd_start = initrd_start,
        .initrd_end = initrd_end,
    };
    void *fdt;
    size_t fdt_size;
    VirtFdt vf;
    if (virt_fdt_begin(&vf, &fc) == 0 && virt_fdt_add_devices(&vf) == 0) virt_pci_fdt_node(&vf, o->ram_size);
    int r = virt_fdt_finish(&vf, &fdt, &fdt_size);
    if (r < 0) {
        snprintf(err, sizeof err, "cannot build the device tree: %s", fdt_strerror(r));
        return fail(err);
    }
    if (o->dumpdtb) {
        FILE *f = fopen(o->dumpdtb, "wb");
        bool ok = f && fwrite(fdt, 1, fdt_size, f) == fdt_size;
        if (f && fclose(f) != 0) ok = false;
        free(fdt);
        if (!ok) {
            snprintf(err, sizeof err, "%s: cannot write the device tree", o->dumpdtb);
            return fail(err);
        }
        return -1; /* done: no run */
    }
    uint64_t ram_end = VIRT_DRAM_BASE + o->ram_size;
    uint64_t top = ram_end < 3072 * MiB ? ram_end : 3072 * MiB;
    uint64_t fdt_addr = (top - fdt_size) & ~(2 * MiB - 1);
    if (fdt_addr < (initrd_end ? initrd_end : kernel_end ? kernel_end : fw_end)) {
        free(fdt);
        return fail("no room for the device tree above the loaded images: give more memory with -m");
    }
    as_load_rom(&b->as, fdt_addr, fdt, fdt_size);
    free(fdt);
    write_reset_rom(b, start, fdt_addr, kernel_entry, have_kernel);
    return 0;
}

/* ---- run ---------------------------------------------------------------------- */

static void det_fail(VirtBoard *b, const char *msg) {
    console_flush(b);
    fprintf(stderr, "vplat: %s\n", msg);
    b->det->failed = true;
}

/* Deterministic mode: an input point (`point` = 0 idle, DET_POINT_TICK).
 * Recording or live: waiting console bytes move into the UART as far as
 * it has room, and a recording logs them.  Replay: the recording's next
 * input, if it was taken at this very point.  Returns true if bytes moved
 * in (the caller re-evaluates interrupts). */
static bool det_input_point(VirtBoard *b, uint64_t point) {
    VirtDet *d = b->det;
    uint64_t now = d->base + b->cpu.cs.insn_count, aux = point | (d->idle_ns & DET_IDLE_MASK);
    if (replay_mode(d->rr) == REPLAY_REPLAY) {
        const ReplayEvent *e = replay_peek(d->rr);
        if (!e) return false;
        if (e->kind == REPLAY_EV_INPUT && e->insn_count == now && e->aux == aux) {
            replay_take(d->rr, REPLAY_EV_INPUT, now, aux);
            if (uart_can_receive(&b->uart) < e->len || uart_receive(&b->uart, e->data, e->len) != e->len) {
                det_fail(b, replay_diverged(d->rr, "the UART has no room for the recorded input", now));
                return false;
            }
            return true;
        }
        if (e->insn_count < now || (e->insn_count == now && (e->aux & DET_IDLE_MASK) < d->idle_ns))
            det_fail(b, replay_diverged(d->rr, "the run went past the recorded input", now));
        return false;
    }
    VirtHost *h = &b->host;
    if (!h->in_count) return false;
    uint8_t buf[CONSOLE_BUF];
    size_t n = 0, room = uart_can_receive(&b->uart);
    pthread_mutex_lock(&h->lock);
    while (h->in_count && n < room) {
        buf[n++] = h->in[h->in_head];
        h->in_head = (h->in_head + 1) % CONSOLE_BUF;
        h->in_count--;
    }
    pthread_mutex_unlock(&h->lock);
    if (!n) return false;
    uart_receive(&b->uart, buf, n);
    if (d->rr && !replay_put(d->rr, REPLAY_EV_INPUT, now, aux, buf, (uint32_t)n)) {
        det_fail(b, replay_error(d->rr));
        return false;
    }
    return true;
}

/* Deterministic mode, WFI with nothing pending: skip virtual time to the
 * next timer deadline (sleep=on: after waiting up to that long in host
 * time for console input, which then moves in at this same point).
 * false: no deadline (the caller waits for input, or a replay fails). */
static bool det_idle(VirtBoard *b) {
    VirtDet *d = b->det;
    uint64_t t = clint_next_deadline(&b->clint);
    if (t == UINT64_MAX || t > UINT64_MAX / NS_PER_TICK / 2) return false;
    uint64_t target = t * NS_PER_TICK, now = det_vtime_ns(b);
    if (target <= now) return true;
    if (d->sleep && replay_mode(d->rr) != REPLAY_REPLAY && b->host.stdin_open && !b->host.in_count) {
        VirtHost *h = &b->host;
        console_flush(b);
        uint64_t until = host_ns() + (target - now);
        pthread_mutex_lock(&h->lock);
        while (!h->event && !h->quit && host_ns() < until) {
            struct timespec ts = {(time_t)(until / 1000000000ull), (long)(until % 1000000000ull)};
            pthread_cond_timedwait(&h->cond, &h->lock, &ts);
        }
        h->event = false;
        bool input = h->in_count != 0;
        pthread_mutex_unlock(&h->lock);
        if (input || h->quit) return true;   /* the loop comes back to this idle point */
    }
    d->idle_ns += target - now;
    return true;
}

static int board_run(VirtBoard *b) {
    RvCpu *cpu = &b->cpu;
    CpuState *cs = &cpu->cs;
    VirtDet *d = b->det;
    for (;;) {
        if (b->gdb) {
            uint64_t t = host_ns();
            GdbRun g = gdb_server_poll(b->gdb);
            if (g == GDB_RUN_KILL) {
                console_flush(b);
                return 0;   /* as qemu-system-riscv64 after gdb's kill */
            }
            if (g == GDB_RUN_RESUMED) b->t0_ns += host_ns() - t;   /* no guest time passed */
        }
        if (b->host.in_count && !d->on) console_feed(b);
        clint_update(&b->clint);
        if (b->shutdown || b->host.quit || d->failed) break;
        if (replay_mode(d->rr) == REPLAY_REPLAY && d->base + cs->insn_count >= replay_end_count(d->rr)) {
            /* the recording ended here (C-a x, --max-insns, ...) */
            d->ended = true;
            break;
        }
        if (!(b->gdb && gdb_server_stepping(b->gdb)) || cpu->wfi) rv_take_interrupt(cpu);
        if (cpu->wfi) {
            if (!rv_wfi_wakeup(cpu)) {
                if (d->on) {
                    if (det_input_point(b, 0) || d->failed || det_idle(b)) continue;
                    if (replay_mode(d->rr) == REPLAY_REPLAY) {
                        det_fail(b, replay_diverged(d->rr, "the guest waits for input with no timer armed", d->base + cs->insn_count));
                        continue;
                    }
                    host_wait(b);   /* no timer armed: only input can wake the guest */
                    continue;
                }
                arm_deadline(b);
                host_wait(b);
                continue;
            }
            cpu->wfi = false;
        }
        if (d->on) det_arm(b);
        else arm_deadline(b);
        CpuExitReason r = cpu_exec(cs);
        switch (r) {
        case CPU_EXIT_EXCEPTION: rv_take_exception(cpu, cs->exc_cause, cs->exc_tval); break;
        case CPU_EXIT_SYSCALL: rv_take_exception(cpu, RV_EXC_ECALL_U, 0); break;
        case CPU_EXIT_BREAK: rv_take_exception(cpu, RV_EXC_BREAKPOINT, cs->pc); break;
        case CPU_EXIT_ARCH: rv_arch_exit(cpu, cs->exc_cause); break;
        case CPU_EXIT_INSN_LIMIT:
            console_flush(b);
            fprintf(stderr, "vplat: stopped after %" PRIu64 " instructions (--max-insns)\n", cs->insn_count);
            return 124;
        case CPU_EXIT_ICOUNT:
            if (d->on) det_input_point(b, DET_POINT_TICK);
            break;
        default: break;
        }
    }
    console_flush(b);
    if (d->failed) return 1;
    if (d->ended) {
        int st = replay_end_status(d->rr);
        fprintf(stderr, "vplat: replay: the recording ends here (instruction %" PRIu64 ", status %d)\n",
                d->base + cs->insn_count, st);
        return st;
    }
    if (b->host.quit) return 0;
    return b->shutdown_kind == VIRT_SHUTDOWN_FAIL ? (b->shutdown_code ? b->shutdown_code : 1) : 0;
}

int virt_main(const VirtOptions *o) {
    GdbServer *gdb = NULL;
    bool gdb_wait = o->gdb_wait;
    VirtDet det = {
        .on = o->icount || o->record || o->replay,
        .shift = o->icount_shift,
        .sleep = o->icount_sleep,
    };
    if ((o->record || o->replay) && !o->dumpdtb) {
        char err[1024];
        ReplayHeader h = {.machine = REPLAY_MACHINE_SYSTEM, .icount_shift = o->icount_shift};
        det.rr = replay_open(o->record ? o->record : o->replay, o->record ? REPLAY_RECORD : REPLAY_REPLAY, &h, err,
                             sizeof err);
        if (!det.rr) return fail(err);
        /* a replay runs at the recording's time scale */
        if (o->replay) det.shift = h.icount_shift <= VIRT_ICOUNT_MAX_SHIFT ? h.icount_shift : 0;
    }
    if (o->gdb && !o->dumpdtb) {
        char err[256];
        gdb = gdb_server_new(o->gdb, err, sizeof err);
        if (!gdb) {
            replay_discard(det.rr);
            return fail(err);
        }
    }
    for (;;) {
        VirtBoard *b = calloc(1, sizeof *b);
        if (!b) return fail("out of memory");
        b->opt = o;
        b->det = &det;
        b->t0_ns = host_ns();
        as_init(&b->as);
        rv_cpu_init_system(&b->cpu, &b->as, VIRT_MROM_BASE);
        b->as.code_write = board_code_write;
        b->as.code_write_opaque = b;
        CpuState *cs = &b->cpu.cs;
        b->cpu.read_time = board_read_time;
        b->cpu.time_opaque = b;
        cpu_set_tier(cs, &interp_tier);
        cs->jit_code_size = o->jit_code_size;
        cs->perf_map = o->perf_map;
        cs->jit_wx = o->jit_wx;
        cs->jit_sync = o->jit_sync || det.on; /* no thread timing in deterministic runs */
        cs->verify_ir = o->verify_ir;
        cs->log = o->log ? o->log : stderr;
        cs->log_mask = o->log_mask;
        cs->max_insns = o->max_insns;
        if (o->singlestep) cs->tb_max_insns = 1;
        int status = board_boot(b);
        if (status == 0 && o->hot_tier) {
            char jerr[160];
            if (!cpu_set_hot_tier(cs, o->hot_tier, o->jit_threshold, jerr, sizeof jerr)) status = fail(jerr);
        }
        bool reset = false;
        if (status == 0) {
            if (gdb) {
                /* -S: wait for gdb here, before the console goes raw and
                 * before guest time starts */
                b->gdb = gdb;
                gdb_server_attach(gdb, cs, gdb_wait, stderr);
                gdb_wait = false;
                b->t0_ns = host_ns();
            }
            if (!host_start(b, !o->replay, !o->replay)) {
                status = fail("cannot start the console thread");
            } else {
                if (gdb) gdb_server_set_wakeup(gdb, board_gdb_wakeup, b);
                status = board_run(b);
                reset = b->shutdown && b->shutdown_kind == VIRT_SHUTDOWN_RESET;
            }
            if (gdb) {
                gdb_server_set_wakeup(gdb, NULL, NULL);
                gdb_server_attach(gdb, NULL, false, NULL);   /* this hart is about to go */
                if (!reset) gdb_server_exited(gdb, status, 0);
            }
            host_stop(b);
            if (det.rr && !reset) {
                char err[1024];
                if (!replay_close(det.rr, det.base + cs->insn_count, status, err, sizeof err)) {
                    /* a divergence was printed already */
                    if (!det.failed) fprintf(stderr, "vplat: %s\n", err);
                    status = 1;
                }
                det.rr = NULL;
            }
            det.base += cs->insn_count;
            if (o->stats) {
                stats_print(&cs->stats, cs->insn_count, stderr);
                fprintf(stderr,
                        "  softmmu TLB fills            %" PRIu64 "\n  softmmu TLB flushes          %" PRIu64
                        "\n  softmmu page flushes         %" PRIu64 "\n",
                        b->cpu.smmu.fills, b->cpu.smmu.flushes, b->cpu.smmu.page_flushes);
            }
        } else if (status < 0) {
            status = 0; /* dumpdtb */
        }
        rv_cpu_destroy(&b->cpu);
        virt_pci_destroy(&b->pci);
        clint_destroy(&b->clint);
        plic_destroy(&b->plic);
        as_destroy(&b->as);
        free(b);
        if (!reset) {
            gdb_server_free(gdb);
            replay_discard(det.rr);
            return status;
        }
    }
}
