/* main.c — the vplat command line.
 *
 *   vplat user [options] PROG [ARGS...]     run a riscv64 Linux program
 *   vplat system -M virt [options]          boot the virt board (machine/virt/)
 *   vplat --help | --version
 *
 * Options follow QEMU's spelling where the concept is the same (-L, -d, -D,
 * -strace, -singlestep, -device, -g, -gdb, -s, -S, -icount, -record,
 * -replay) plus vplat's own (--jit, --stats, --max-insns, --verify-ir,
 * --deterministic, --seed).  Bad values get a clear message and exit
 * status 2; -device specs are checked against the PCI type registry here
 * (name, properties, value types), the rest (slots) when the board
 * creates the devices, which also exits with 2.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crash.h"
#include "core/exec.h"
#include "core/gdbstub.h"
#include "core/log.h"
#include "interp/interp.h"
#include "jit-llvm/jitl.h"
#include "jit-native/jitn.h"
#include "machine/linux_user/lu.h"
#include "machine/virt/virt_board.h"
#include "pcidev/pci.h"

#define VPLAT_VERSION "0.1.0"

extern char **environ;

/* --jit modes: every mode starts in the interpreter; `hot` is where hot
 * blocks go.  A mode whose backend is not built yet names what is missing. */
typedef struct JitChoice {
    const char *name;
    bool available;
    const ExecTier *hot;
    uint64_t threshold;      /* default --jit-threshold */
    const char *missing;
} JitChoice;

static const JitChoice jit_choices[] = {
    {"none", true, NULL, 0, NULL},
    {"native", true, &jitn_tier, JITN_DEFAULT_THRESHOLD, NULL},
    {"llvm", true, &jitl_tier, JITL_DEFAULT_THRESHOLD, NULL},
    {"tiered", false, NULL, 0, "tiered execution (interpreter, native, then LLVM) is not built yet"},
};

static void usage(FILE *out) {
    fprintf(out,
            "usage: vplat user [options] PROG [ARGS...]\n"
            "       vplat system -M virt[,dumpdtb=FILE] [options]\n"
            "       vplat --help | --version\n"
            "\n"
            "Runs a riscv64 Linux program (static, or dynamic with -L), like qemu-riscv64.\n"
            "\n"
            "options:\n"
            "  --jit=MODE        execution tier: none (interpreter), native, llvm, tiered\n"
            "  --jit-threshold N executions of a block before it is compiled (default 16 for\n"
            "                    native, 1000 for llvm)\n"
            "  --jit-code-size N bytes of native code buffer (default 64M; full: flush)\n"
            "  -L PATH           sysroot for the ELF interpreter and its libraries\n"
            "                    (e.g. /usr/riscv64-linux-gnu)\n"
            "  -strace           log every system call\n"
            "  -d LIST           log categories (-d help lists them)\n"
            "  -D FILE           write logs to FILE instead of stderr\n"
            "  -singlestep       one guest instruction per block (with -d cpu: a state per insn)\n"
            "  --stats           print translation and execution counters at exit\n"
            "  --max-insns N     stop after N guest instructions (exit status 124)\n"
            "  -icount [shift=]N|auto[,sleep=on|off][,rr=record|replay,rrfile=FILE]\n"
            "                    deterministic execution: guest time is 2^N ns per instruction\n"
            "                    (auto: 0); nothing depends on host time or randomness\n"
            "  --deterministic   the same as -icount shift=0\n"
            "  --seed N          user mode: seed of getrandom and AT_RANDOM when deterministic\n"
            "  -record FILE      log every nondeterministic input (system: console input;\n"
            "                    user: time, random and stdin results) with its instruction count\n"
            "  -replay FILE      feed a -record log back: the run repeats exactly (system mode:\n"
            "                    stdin is not read); a mismatch is an error (status 1)\n"
            "  -g PORT           wait for gdb on 127.0.0.1:PORT (or tcp:HOST:PORT) before\n"
            "                    the first instruction\n"
            "  --verify-ir       check every translated block with the IR verifier\n"
            "  --perf-map        name JIT code in /tmp/perf-PID.map for `perf report`\n"
            "  --jit-wx          keep JIT code never writable and executable at once (W^X;\n"
            "                    automatic where the host refuses such pages)\n"
            "  --jit-sync        compile LLVM regions on the CPU's thread, not in the\n"
            "                    background (always so with --deterministic)\n"
            "  --help, --version\n"
            "\n"
            "system mode boots the virt board like qemu-system-riscv64 -M virt:\n"
            "  -m SIZE           RAM (default 128M; K/M/G suffixes, plain numbers are MiB)\n"
            "  -bios FILE|none   M-mode firmware at 0x80000000 (default: Debian's OpenSBI\n"
            "                    fw_dynamic.bin); none: -kernel runs in M mode at 0x80000000\n"
            "  -kernel FILE      kernel Image (raw or ELF), next 2 MiB boundary after the firmware\n"
            "  -initrd FILE      initramfs;  -append STRING  kernel command line\n"
            "  -nographic        the UART is on stdio (always); C-a x exits, C-a h helps\n"
            "  -device NAME[,prop=value...][,addr=SLOT]\n"
            "                    a PCI device on the PCIe host (pcidev/); -device help lists\n"
            "                    the types, -device NAME,help their properties\n"
            "  -gdb tcp:[HOST]:PORT  gdb stub (HOST defaults to 127.0.0.1; PORT 0: any free)\n"
            "  -s                shorthand for -gdb tcp::1234\n"
            "  -S                do not start the CPU until gdb connects (with -s/-gdb)\n"
            "  -d, -D, -singlestep, --stats, --max-insns, --verify-ir, --jit, -icount,\n"
            "  --deterministic, -record, -replay: as above (-record/-replay imply -icount;\n"
            "  sleep=on, the default, lets an idle guest wait in host time for console input)\n");
}

static bool parse_u64(const char *s, uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-') return false;
    *out = v;
    return true;
}

static int die_usage(const char *fmt, const char *arg) {
    fprintf(stderr, "vplat: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'vplat --help'.\n");
    return 2;
}

/* Options every mode shares: execution tier, JIT knobs, logging, limits. */
typedef struct ExecOpts {
    const ExecTier *hot_tier;
    uint64_t jit_threshold;
    bool jit_threshold_given;
    size_t jit_code_size;
    uint32_t log_mask;
    const char *log_file;
    uint64_t max_insns;
    bool singlestep, stats, verify_ir, jit_wx, jit_sync, perf_map;
    /* deterministic execution and record/replay (both modes) */
    bool icount, icount_sleep_off;
    unsigned icount_shift;
    uint64_t seed;
    const char *record, *replay;
    char icount_spec[512];   /* -icount's argument, cut up in place (rrfile points into it) */
} ExecOpts;

#define ICOUNT_MAX_SHIFT 10

/* -icount [shift=]N|auto[,sleep=on|off][,align=off][,rr=record|replay,rrfile=FILE]
 * (QEMU's spelling; auto means shift 0 here, align is accepted and ignored). */
static int parse_icount(char *spec, ExecOpts *e) {
    const char *rr = NULL, *rrfile = NULL;
    e->icount = true;
    for (char *tok = strtok(spec, ","); tok; tok = strtok(NULL, ",")) {
        const char *v = tok;
        if (!strncmp(tok, "shift=", 6)) v = tok + 6;
        else if (!strncmp(tok, "sleep=", 6)) {
            if (strcmp(tok + 6, "on") && strcmp(tok + 6, "off")) return die_usage("-icount: sleep=on or sleep=off, not '%s'", tok);
            e->icount_sleep_off = !strcmp(tok + 6, "off");
            continue;
        } else if (!strncmp(tok, "align=", 6)) {
            continue;
        } else if (!strncmp(tok, "rr=", 3)) {
            rr = tok + 3;
            continue;
        } else if (!strncmp(tok, "rrfile=", 7)) {
            rrfile = tok + 7;
            continue;
        } else if (strchr(tok, '=')) {
            return die_usage("-icount: unknown option '%s'", tok);
        }
        uint64_t n;
        if (!strcmp(v, "auto")) n = 0;
        else if (!parse_u64(v, &n) || n > ICOUNT_MAX_SHIFT) return die_usage("-icount: shift must be 0..10 or auto, not '%s'", v);
        e->icount_shift = (unsigned)n;
    }
    if (rr) {
        if (!rrfile || !*rrfile) return die_usage("%s", "-icount rr= needs rrfile=FILE");
        if (!strcmp(rr, "record")) e->record = rrfile;
        else if (!strcmp(rr, "replay")) e->replay = rrfile;
        else return die_usage("-icount: rr=record or rr=replay, not '%s'", rr);
    } else if (rrfile) {
        return die_usage("%s", "-icount rrfile= needs rr=record or rr=replay");
    }
    return 0;
}

enum { OPT_NOT_MINE = -1, OPT_TAKEN = -2 };

/* Parse argv[*i] if it is a shared option (`q` is its name as the mode
 * spells it; argv[*i] itself for user mode).  Returns OPT_TAKEN (with *i on
 * its last argument), OPT_NOT_MINE, or the exit status to end with (0 after
 * printing help, 2 after a usage error). */
static int parse_exec_option(int argc, char **argv, int *i, const char *q, ExecOpts *e) {
    const char *a = argv[*i];
    if (!strncmp(a, "--jit=", 6) || !strcmp(a, "--jit")) {
        const char *mode = a[5] == '=' ? a + 6 : (*i + 1 < argc ? argv[++*i] : "");
        const JitChoice *c = NULL;
        for (size_t k = 0; k < sizeof jit_choices / sizeof jit_choices[0]; k++)
            if (!strcmp(jit_choices[k].name, mode)) c = &jit_choices[k];
        if (!c) return die_usage("unknown --jit mode '%s' (none, native, llvm, tiered)", mode);
        if (!c->available) {
            fprintf(stderr, "vplat: --jit=%s: %s; use --jit=none, native or llvm\n", mode, c->missing);
            return 2;
        }
        e->hot_tier = c->hot;
        if (!e->jit_threshold_given && c->hot) e->jit_threshold = c->threshold;
    } else if (!strncmp(a, "--jit-threshold", 15) || !strncmp(a, "--jit-code-size", 15)) {
        const char *num = a[15] == '=' ? a + 16 : a[15] == 0 && *i + 1 < argc ? argv[++*i] : NULL;
        if (!num || (a[15] != '=' && a[15] != 0)) return die_usage("%s needs a number", a);
        uint64_t v;
        if (!parse_u64(num, &v)) return die_usage("not a number: '%s'", num);
        if (a[6] == 't') {
            e->jit_threshold = v;
            e->jit_threshold_given = true;
        } else {
            if (v < 65536 || v > ((uint64_t)1 << 31)) return die_usage("--jit-code-size must be 64K..2G, not '%s'", num);
            e->jit_code_size = (size_t)v;
        }
    } else if (!strcmp(q, "-d")) {
        if (++*i >= argc) return die_usage("%s needs a list", a);
        if (!strcmp(argv[*i], "help")) {
            log_print_help(stdout);
            return 0;
        }
        char err[128];
        if (!log_parse(argv[*i], &e->log_mask, err, sizeof err)) return die_usage("%s", err);
    } else if (!strcmp(q, "-icount")) {
        if (++*i >= argc) return die_usage("%s needs a shift (-icount shift=N)", a);
        if (snprintf(e->icount_spec, sizeof e->icount_spec, "%s", argv[*i]) >= (int)sizeof e->icount_spec)
            return die_usage("%s", "-icount: argument too long");
        int r = parse_icount(e->icount_spec, e);
        if (r) return r;
    } else if (!strcmp(a, "--deterministic")) {
        e->icount = true;
    } else if (!strcmp(a, "--seed")) {
        if (++*i >= argc) return die_usage("%s needs a number", a);
        if (!parse_u64(argv[*i], &e->seed)) return die_usage("not a number: '%s'", argv[*i]);
    } else if (!strcmp(q, "-record") || !strcmp(q, "-replay")) {
        if (++*i >= argc) return die_usage("%s needs a file name", a);
        if (!*argv[*i]) return die_usage("%s needs a file name", a);
        if (q[2] == 'e' && q[3] == 'c') e->record = argv[*i];
        else e->replay = argv[*i];
    } else if (!strcmp(q, "-D")) {
        if (++*i >= argc) return die_usage("%s needs a file name", a);
        e->log_file = argv[*i];
    } else if (!strcmp(a, "-singlestep") || !strcmp(a, "--singlestep")) {
        e->singlestep = true;
    } else if (!strcmp(a, "--stats")) {
        e->stats = true;
    } else if (!strcmp(a, "--jit-wx")) {
        e->jit_wx = true;
    } else if (!strcmp(a, "--jit-sync")) {
        e->jit_sync = true;
    } else if (!strcmp(a, "--perf-map")) {
        e->perf_map = true;
    } else if (!strcmp(a, "--verify-ir")) {
        e->verify_ir = true;
    } else if (!strcmp(a, "--max-insns")) {
        if (++*i >= argc) return die_usage("%s needs a number", a);
        if (!parse_u64(argv[*i], &e->max_insns)) return die_usage("not a number: '%s'", argv[*i]);
    } else {
        return OPT_NOT_MINE;
    }
    return OPT_TAKEN;
}

/* -g / -gdb: check the device now, so a typo is a usage error (2). */
static int check_gdb_spec(const char *spec) {
    char host[256], err[160];
    uint16_t port;
    if (!gdb_parse_spec(spec, host, sizeof host, &port, err, sizeof err)) return die_usage("gdb: %s", err);
    return 0;
}

/* -D FILE, or stderr (NULL for system mode's default).  false: message printed. */
static bool open_log(const char *path, FILE **out) {
    if (!path) return true;
    *out = fopen(path, "w");
    if (*out) return true;
    fprintf(stderr, "vplat: cannot open log file '%s': %s\n", path, strerror(errno));
    return false;
}

static int cmd_user(int argc, char **argv) {
    LuConfig cfg = {0};
    cfg.log = stderr;
    cfg.tier = &interp_tier;
    ExecOpts e = {.jit_threshold = JITN_DEFAULT_THRESHOLD};
    int i = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-') break;
        if (!strcmp(a, "--")) { i++; break; }
        int r = parse_exec_option(argc, argv, &i, a, &e);
        if (r == OPT_TAKEN) continue;
        if (r != OPT_NOT_MINE) return r;
        if (!strcmp(a, "-L")) {
            if (++i >= argc) return die_usage("%s needs a path", a);
            cfg.sysroot = argv[i];
        } else if (!strcmp(a, "-strace")) {
            cfg.strace = true;
        } else if (!strcmp(a, "-g")) {
            if (++i >= argc) return die_usage("%s needs a port", a);
            if (check_gdb_spec(argv[i])) return 2;
            cfg.gdb = argv[i];
        } else {
            return die_usage("unknown option '%s'", a);
        }
    }
    if (i >= argc) return die_usage("%s", "no program given");
    if (e.record && e.replay) return die_usage("%s", "give -record or -replay, not both");
    cfg.deterministic = e.icount;
    cfg.icount_shift = e.icount_shift;
    cfg.seed = e.seed;
    cfg.record = e.record;
    cfg.replay = e.replay;
    cfg.hot_tier = e.hot_tier;
    cfg.jit_threshold = e.jit_threshold;
    cfg.jit_code_size = e.jit_code_size;
    cfg.log_mask = e.log_mask;
    cfg.max_insns = e.max_insns;
    cfg.singlestep = e.singlestep;
    cfg.stats = e.stats;
    cfg.verify_ir = e.verify_ir;
    cfg.jit_wx = e.jit_wx;
    cfg.jit_sync = e.jit_sync;
    cfg.perf_map = e.perf_map;
    if (!open_log(e.log_file, &cfg.log)) return 2;
    cpu_install_fault_handler();
    int status = lu_run(&cfg, argv[i], argc - i, argv + i, environ);
    if (cfg.log != stderr) fclose(cfg.log);
    return status;
}

/* -m: a size with an optional K/M/G suffix; no suffix means MiB (QEMU). */
static bool parse_mem_size(const char *s, uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s) return false;
    uint64_t mul = 1ull << 20;
    if (*end == 'K' || *end == 'k') mul = 1ull << 10, end++;
    else if (*end == 'M' || *end == 'm') mul = 1ull << 20, end++;
    else if (*end == 'G' || *end == 'g') mul = 1ull << 30, end++;
    else if (*end == 'B' || *end == 'b') mul = 1, end++;
    if (*end || v == 0 || v > (UINT64_MAX >> 30)) return false;
    *out = (uint64_t)v * mul;
    return true;
}

/* -device help, -device NAME,help (or ?): print and return true. */
static bool device_help(const char *spec, int *status) {
    if (!strcmp(spec, "help") || !strcmp(spec, "?")) {
        pci_print_types(stdout);
        *status = 0;
        return true;
    }
    const char *comma = strchr(spec, ',');
    if (!comma || (strcmp(comma, ",help") && strcmp(comma, ",?"))) return false;
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(comma - spec), spec);
    if (pci_print_type_help(stdout, name)) {
        *status = 0;
    } else {
        fprintf(stderr, "vplat: -device %s: unknown PCI device '%s' (-device help lists them)\n", spec, name);
        *status = 2;
    }
    return true;
}

static int cmd_system(int argc, char **argv) {
    VirtOptions o = {0};
    const char *devices[argc > 0 ? argc : 1];
    o.devices = devices;
    o.ram_size = 128ull << 20;   /* QEMU's default for virt */
    bool have_machine = false;
    ExecOpts e = {.jit_threshold = JITN_DEFAULT_THRESHOLD};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        /* accept --opt as well as -opt for QEMU's options */
        const char *q = (a[0] == '-' && a[1] == '-') ? a + 1 : a;
        int r = parse_exec_option(argc, argv, &i, q, &e);
        if (r == OPT_TAKEN) continue;
        if (r != OPT_NOT_MINE) return r;
        if (!strcmp(q, "-M") || !strcmp(q, "-machine")) {
            if (++i >= argc) return die_usage("%s needs a machine name", a);
            char *spec = argv[i];
            if (!strcmp(spec, "help")) {
                printf("Supported machines are:\nvirt                 RISC-V VirtIO board (QEMU's memory map and boot protocol)\n");
                return 0;
            }
            char *comma = strchr(spec, ',');
            size_t nlen = comma ? (size_t)(comma - spec) : strlen(spec);
            if (nlen != 4 || strncmp(spec, "virt", 4)) return die_usage("unknown machine '%s' (only 'virt')", spec);
            for (char *opt = comma; opt; opt = strchr(opt + 1, ',')) {
                const char *kv = opt + 1;
                if (!strncmp(kv, "dumpdtb=", 8)) {
                    char *end = strchr(kv, ',');
                    if (end) *end = 0;
                    o.dumpdtb = kv + 8;
                    if (end) *end = ',';
                    if (!*o.dumpdtb) return die_usage("%s", "dumpdtb= needs a file name");
                } else {
                    return die_usage("unknown virt machine option '%s'", kv);
                }
            }
            have_machine = true;
        } else if (!strcmp(q, "-m")) {
            if (++i >= argc) return die_usage("%s needs a size", a);
            if (!parse_mem_size(argv[i], &o.ram_size) || o.ram_size < (16ull << 20) || o.ram_size > (16ull << 30))
                return die_usage("-m must be a size from 16M to 16G, not '%s'", argv[i]);
        } else if (!strcmp(q, "-bios") || !strcmp(q, "-kernel") || !strcmp(q, "-initrd") || !strcmp(q, "-append")) {
            if (++i >= argc) return die_usage("%s needs an argument", a);
            if (q[1] == 'b') o.bios = argv[i];
            else if (q[1] == 'k') o.kernel = argv[i];
            else if (q[1] == 'i') o.initrd = argv[i];
            else o.append = argv[i];
        } else if (!strcmp(q, "-device")) {
            if (++i >= argc) return die_usage("%s needs a device (-device help lists them)", a);
            int status;
            if (device_help(argv[i], &status)) return status;
            char err[256];
            if (!pci_device_check_spec(argv[i], err, sizeof err)) {
                fprintf(stderr, "vplat: -device %s: %s\n", argv[i], err);
                return 2;
            }
            devices[o.n_devices++] = argv[i];
        } else if (!strcmp(q, "-s")) {
            o.gdb = "tcp::1234";
        } else if (!strcmp(q, "-gdb")) {
            if (++i >= argc) return die_usage("%s needs a device (tcp::PORT)", a);
            if (check_gdb_spec(argv[i])) return 2;
            o.gdb = argv[i];
        } else if (!strcmp(q, "-S")) {
            o.gdb_wait = true;
        } else if (!strcmp(q, "-nographic")) {
            /* the UART is always on stdio */
        } else if (!strcmp(q, "-smp")) {
            if (++i >= argc) return die_usage("%s needs a number", a);
            if (strcmp(argv[i], "1") && strcmp(argv[i], "cpus=1")) return die_usage("-smp: only one hart is supported, not '%s'", argv[i]);
        } else {
            return die_usage("unknown system-mode option '%s'", a);
        }
    }
    if (!have_machine) return die_usage("%s", "no machine given: use -M virt");
    if (o.gdb_wait && !o.gdb) return die_usage("%s", "-S waits for gdb: give -s or -gdb too");
    if (e.record && e.replay) return die_usage("%s", "give -record or -replay, not both");
    o.icount = e.icount;
    o.icount_shift = e.icount_shift;
    o.icount_sleep = !e.icount_sleep_off;
    o.record = e.record;
    o.replay = e.replay;
    o.hot_tier = e.hot_tier;
    o.jit_threshold = e.jit_threshold;
    o.jit_code_size = e.jit_code_size;
    o.log_mask = e.log_mask;
    o.max_insns = e.max_insns;
    o.singlestep = e.singlestep;
    o.stats = e.stats;
    o.verify_ir = e.verify_ir;
    o.jit_wx = e.jit_wx;
    o.jit_sync = e.jit_sync;
    o.perf_map = e.perf_map;
    if (!open_log(e.log_file, &o.log)) return 2;
    int status = virt_main(&o);
    if (o.log) fclose(o.log);
    return status;
}

#if defined(__SANITIZE_ADDRESS__)
/* ASan builds only (scripts/sanitize.sh).  The guest suites run vplat with
 * a cleared environment (env -i, so that programs see a fixed envp), which
 * drops the ASAN_OPTIONS the suite sets; leak detection must stay off
 * anyway: its ptrace-based tracer has crashed at exit beside libLLVM's
 * mappings ("Tracer caught signal 11"), failing a run that was right. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "detect_leaks=0"; }
#endif

#if defined(__SANITIZE_THREAD__)
/* TSan builds only (scripts/tsan.sh), for the same reason (env -i): any
 * race report fails the run (exit status 66).  report_signal_unsafe=0:
 * the host fault handler long-jumps out of a SIGSEGV on guest memory and
 * drops code pages' TBs inside the handler by design (core/exec.c); it
 * runs on the CPU's thread only, so this hides no race. */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void) { return "halt_on_error=1:exitcode=66:report_signal_unsafe=0"; }
#endif

int main(int argc, char **argv) {
    crash_set_command_line(argc, argv);
    crash_install_handlers();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("vplat %s (riscv64 user mode; tiers: none, native)\n", VPLAT_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "user")) return cmd_user(argc - 2, argv + 2);
    if (!strcmp(argv[1], "system")) return cmd_system(argc - 2, argv + 2);
    fprintf(stderr, "vplat: unknown command '%s'\nTry 'vplat --help'.\n", argv[1]);
    return 2;
}
