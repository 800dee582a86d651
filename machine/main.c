/* main.c — the vplat command line.
 *
 *   vplat user [options] PROG [ARGS...]     run a riscv64 Linux program
 *   vplat --help | --version
 *
 * Options follow QEMU's spelling where the concept is the same (-L, -d, -D,
 * -strace, -singlestep) plus vplat's own (--jit, --stats, --max-insns,
 * --verify-ir).  Bad values get a clear message and exit status 2.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crash.h"
#include "core/exec.h"
#include "core/log.h"
#include "interp/interp.h"
#include "jit-native/jitn.h"
#include "machine/linux_user/lu.h"

#define VPLAT_VERSION "0.1.0"

extern char **environ;

/* --jit modes: every mode starts in the interpreter; `hot` is where hot
 * blocks go.  A mode whose backend is not built yet names what is missing. */
typedef struct JitChoice {
    const char *name;
    bool available;
    const ExecTier *hot;
    const char *missing;
} JitChoice;

static const JitChoice jit_choices[] = {
    {"none", true, NULL, NULL},
    {"native", true, &jitn_tier, NULL},
    {"llvm", false, NULL, "the LLVM backend (jit-llvm/) is not built yet"},
    {"tiered", false, NULL, "tiered execution needs the LLVM backend (jit-llvm/), which is not built yet"},
};

static void usage(FILE *out) {
    fprintf(out,
            "usage: vplat user [options] PROG [ARGS...]\n"
            "       vplat --help | --version\n"
            "\n"
            "Runs a riscv64 Linux program (static, or dynamic with -L), like qemu-riscv64.\n"
            "\n"
            "options:\n"
            "  --jit=MODE        execution tier: none (interpreter), native, llvm, tiered\n"
            "  --jit-threshold N executions of a block before it is compiled (default 16)\n"
            "  --jit-code-size N bytes of native code buffer (default 64M; full: flush)\n"
            "  -L PATH           sysroot for the ELF interpreter and its libraries\n"
            "                    (e.g. /usr/riscv64-linux-gnu)\n"
            "  -strace           log every system call\n"
            "  -d LIST           log categories (-d help lists them)\n"
            "  -D FILE           write logs to FILE instead of stderr\n"
            "  -singlestep       one guest instruction per block (with -d cpu: a state per insn)\n"
            "  --stats           print translation and execution counters at exit\n"
            "  --max-insns N     stop after N guest instructions (exit status 124)\n"
            "  --deterministic   clocks from the instruction count, fixed random seed\n"
            "  --seed N          seed for --deterministic (default 0)\n"
            "  --verify-ir       check every translated block with the IR verifier\n"
            "  --perf-map        name JIT code in /tmp/perf-PID.map for `perf report`\n"
            "  --jit-wx          keep JIT code never writable and executable at once (W^X;\n"
            "                    automatic where the host refuses such pages)\n"
            "  --help, --version\n");
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

static int cmd_user(int argc, char **argv) {
    LuConfig cfg = {0};
    cfg.log = stderr;
    cfg.tier = &interp_tier;
    const char *log_file = NULL;
    bool threshold_set = false;
    int i = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-') break;
        if (!strcmp(a, "--")) { i++; break; }
        if (!strncmp(a, "--jit=", 6) || !strcmp(a, "--jit")) {
            const char *mode = a[5] == '=' ? a + 6 : (i + 1 < argc ? argv[++i] : "");
            const JitChoice *c = NULL;
            for (size_t k = 0; k < sizeof jit_choices / sizeof jit_choices[0]; k++)
                if (!strcmp(jit_choices[k].name, mode)) c = &jit_choices[k];
            if (!c) return die_usage("unknown --jit mode '%s' (none, native, llvm, tiered)", mode);
            if (!c->available) {
                fprintf(stderr, "vplat: --jit=%s: %s; use --jit=none or --jit=native\n", mode, c->missing);
                return 2;
            }
            cfg.hot_tier = c->hot;
        } else if (!strcmp(a, "-L")) {
            if (++i >= argc) return die_usage("%s needs a path", a);
            cfg.sysroot = argv[i];
        } else if (!strcmp(a, "-strace")) {
            cfg.strace = true;
        } else if (!strcmp(a, "-d")) {
            if (++i >= argc) return die_usage("%s needs a list", a);
            if (!strcmp(argv[i], "help")) { log_print_help(stdout); return 0; }
            char err[128];
            if (!log_parse(argv[i], &cfg.log_mask, err, sizeof err)) return die_usage("%s", err);
        } else if (!strcmp(a, "-D")) {
            if (++i >= argc) return die_usage("%s needs a file name", a);
            log_file = argv[i];
        } else if (!strcmp(a, "-singlestep") || !strcmp(a, "--singlestep")) {
            cfg.singlestep = true;
        } else if (!strcmp(a, "--stats")) {
            cfg.stats = true;
        } else if (!strcmp(a, "--jit-wx")) {
            cfg.jit_wx = true;
        } else if (!strcmp(a, "--perf-map")) {
            cfg.perf_map = true;
        } else if (!strcmp(a, "--verify-ir")) {
            cfg.verify_ir = true;
        } else if (!strcmp(a, "--deterministic")) {
            cfg.deterministic = true;
        } else if (!strncmp(a, "--jit-threshold", 15) || !strncmp(a, "--jit-code-size", 15)) {
            const char *num = a[15] == '=' ? a + 16 : a[15] == 0 && i + 1 < argc ? argv[++i] : NULL;
            if (!num || (a[15] != '=' && a[15] != 0)) return die_usage("%s needs a number", a);
            uint64_t v;
            if (!parse_u64(num, &v)) return die_usage("not a number: '%s'", num);
            if (a[6] == 't') {
                cfg.jit_threshold = v;
                threshold_set = true;
            } else {
                if (v < 65536 || v > ((uint64_t)1 << 31)) return die_usage("--jit-code-size must be 64K..2G, not '%s'", num);
                cfg.jit_code_size = (size_t)v;
            }
        } else if (!strcmp(a, "--max-insns") || !strcmp(a, "--seed")) {
            if (++i >= argc) return die_usage("%s needs a number", a);
            uint64_t v;
            if (!parse_u64(argv[i], &v)) return die_usage("not a number: '%s'", argv[i]);
            if (a[2] == 'm') cfg.max_insns = v;
            else cfg.seed = v;
        } else {
            return die_usage("unknown option '%s'", a);
        }
    }
    if (i >= argc) return die_usage("%s", "no program given");
    if (!threshold_set) cfg.jit_threshold = JITN_DEFAULT_THRESHOLD;
    if (log_file) {
        cfg.log = fopen(log_file, "w");
        if (!cfg.log) {
            fprintf(stderr, "vplat: cannot open log file '%s': %s\n", log_file, strerror(errno));
            return 2;
        }
    }
    cpu_install_fault_handler();
    int status = lu_run(&cfg, argv[i], argc - i, argv + i, environ);
    if (cfg.log != stderr) fclose(cfg.log);
    return status;
}

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
    if (!strcmp(argv[1], "system")) {
        fprintf(stderr, "vplat: system mode (the virt board) is not built yet\n");
        return 2;
    }
    fprintf(stderr, "vplat: unknown command '%s'\nTry 'vplat --help'.\n", argv[1]);
    return 2;
}
