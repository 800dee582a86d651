/* fuzz_gdb.c — libFuzzer target: hostile gdb clients against the stub's
 * protocol engine (core/gdbstub.c) over a user-mode RISC-V hart.
 *
 *   input byte 0 even: the rest goes to the session as raw bytes (framing,
 *                      checksums, escapes, acks, Ctrl-C)
 *   input byte 0 odd:  the rest is split at '\n' into packet bodies, each
 *                      sent as a well-formed packet (so the fuzzer reaches
 *                      every command's argument parsing)
 *   a resume (c, s, vCont) runs the hart for at most 2000 instructions,
 *   so random breakpoints, watchpoints and steps meet the execution loop.
 *
 * Checked: everything the stub writes is well-formed packets or acks with
 * correct checksums, each at most GDB_WIRE_MAX bytes; x0 stays zero; no
 * crash or sanitizer report.  Every input starts afresh (code, registers,
 * breakpoints, session), so a saved input reproduces on its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exec.h"
#include "core/gdbstub.h"
#include "core/mem.h"
#include "frontends/riscv/rv_cpu.h"
#include "interp/interp.h"

#define CODE_BASE 0x10000ull
#define DATA_BASE 0x40000ull

static GuestMem fz_mem;
static RvCpu fz_cpu;
static CpuDebug fz_dbg;
static GdbSession *fz_sess;
static uint8_t fz_out[4 * GDB_WIRE_MAX];
static size_t fz_out_len;

static void fz_fail(const char *what) {
    fprintf(stderr, "fuzz_gdb: %s\n", what);
    abort();
}

static void fz_write(void *opaque, const uint8_t *buf, size_t len) {
    (void)opaque;
    if (len > GDB_WIRE_MAX) fz_fail("a write longer than GDB_WIRE_MAX");
    if (fz_out_len + len > sizeof fz_out) fz_out_len = 0;   /* checked per input; keep the tail */
    memcpy(fz_out + fz_out_len, buf, len);
    fz_out_len += len;
}

/* Every byte the stub wrote: '+', '-', or a packet with a right checksum. */
static void fz_check_output(void) {
    size_t i = 0;
    while (i < fz_out_len) {
        uint8_t c = fz_out[i];
        if (c == '+' || c == '-') {
            i++;
            continue;
        }
        if (c != '$') fz_fail("output byte outside a packet");
        uint8_t sum = 0;
        size_t k = i + 1;
        while (k < fz_out_len && fz_out[k] != '#') sum = (uint8_t)(sum + fz_out[k++]);
        if (k + 2 >= fz_out_len) fz_fail("packet without checksum");
        static const char hex[] = "0123456789abcdef";
        if (fz_out[k + 1] != hex[sum >> 4] || fz_out[k + 2] != hex[sum & 15]) fz_fail("bad checksum in output");
        i = k + 3;
    }
    fz_out_len = 0;
}

/* li a0,0 ; 1: addi a0,a0,1 ; sd a0,0(a1) ; ld a2,0(a1) ; c.addi a0,1 ; c.nop ; j 1b */
static const uint32_t fz_code[] = {0x00000513, 0x00150513, 0x00a5b023, 0x0005b603, 0x00010505, 0xff1ff06f};

static void fz_code_write(void *opaque, uint64_t addr, uint64_t len) {
    tb_invalidate_range(((CpuState *)opaque)->tbs, addr, len);
}

static void fz_init(void) {
    if (!mem_init(&fz_mem, 1ull << 24)) fz_fail("mem_init");
    if (!mem_map(&fz_mem, CODE_BASE, 0x2000, MEM_PAGE_READ | MEM_PAGE_EXEC) ||
        !mem_map(&fz_mem, DATA_BASE, 0x1000, MEM_PAGE_READ | MEM_PAGE_WRITE))
        fz_fail("mapping the guest");
    rv_cpu_init_user(&fz_cpu, &fz_mem);
    fz_mem.code_write = fz_code_write;
    fz_mem.code_write_opaque = &fz_cpu.cs;
    cpu_set_tier(&fz_cpu.cs, &interp_tier);
    cpu_install_fault_handler();
    cpu_debug_init(&fz_dbg);
    cpu_debug_attach(&fz_cpu.cs, &fz_dbg);
    fz_sess = calloc(1, sizeof *fz_sess);
    if (!fz_sess) fz_fail("calloc");
    gdb_session_init(fz_sess, &fz_cpu.cs, fz_write, NULL);
}

static void fz_run(void) {
    CpuState *cs = &fz_cpu.cs;
    for (int i = 0; i < 4; i++) {
        cs->max_insns = cs->insn_count + 2000;
        CpuExitReason r = cpu_exec(cs);
        cs->max_insns = 0;
        if (r == CPU_EXIT_DEBUG) {
            CpuStop st = cpu_debug_take_stop(cs);
            if (st.kind != CPU_STOP_NONE) {
                gdb_session_report_stop(fz_sess, &st);
                break;
            }
            continue;
        }
        if (r != CPU_EXIT_REQUEST) break;   /* an exception, the budget, ... */
    }
    if (cs->vals[0] != 0) fz_fail("x0 is not zero");
}

static void fz_feed(const uint8_t *data, size_t len) {
    while (len) {
        size_t used = 0;
        GdbAction a = gdb_session_input(fz_sess, data, len, &used);
        if (used == 0 || used > len) fz_fail("session consumed nothing or too much");
        data += used;
        len -= used;
        if (a == GDB_ACT_RESUME) fz_run();
        else if (a == GDB_ACT_DETACH) cpu_debug_resume(&fz_cpu.cs, false);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!fz_sess) fz_init();
    CpuState *cs = &fz_cpu.cs;
    cpu_debug_clear(cs);
    cpu_debug_resume(cs, false);
    uint8_t zero[64] = {0};
    if (!mem_debug_access(&fz_mem, CODE_BASE, zero, sizeof zero, true) ||
        !mem_debug_access(&fz_mem, CODE_BASE, (void *)fz_code, sizeof fz_code, true))
        fz_fail("resetting the code");
    memset(cs->vals, 0, sizeof cs->vals);
    cs->pc = CODE_BASE;
    cs->vals[11] = DATA_BASE;
    gdb_session_init(fz_sess, cs, fz_write, NULL);
    if (size == 0) return 0;
    if (!(data[0] & 1)) {
        fz_feed(data + 1, size - 1);
    } else {
        static uint8_t wire[GDB_WIRE_MAX];
        const uint8_t *p = data + 1, *end = data + size;
        while (p < end) {
            const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl) nl = end;
            size_t n = gdb_packet_encode(p, (size_t)(nl - p), wire, sizeof wire);
            if (n) fz_feed(wire, n);
            p = nl + 1;
        }
    }
    fz_check_output();
    return 0;
}
