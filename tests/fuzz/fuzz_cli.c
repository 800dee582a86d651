/* fuzz_cli.c — libFuzzer target: the vplat command line (machine/main.c)
 * with random argument vectors, in-process.
 *
 * build_and_run.sh compiles machine/main.c unchanged with
 *   -Dmain=vplat_cli_main                      callable from here
 *   -Dfopen=fz_fopen                           -D FILE never creates files
 *   -Dcpu_install_fault_handler=fz_no_handler  keep the sanitizers' handlers
 * and this file supplies lu_run and virt_main, so a command line that
 * parses runs nothing: they return FZ_RAN after checking what the parser
 * produced (system mode: every -device spec it kept must pass the PCI
 * registry's check, pcidev/ being linked in).
 *
 * Input: arguments separated by NUL bytes (at most FZ_MAX_ARGS), after
 * argv[0] = "vplat".  Allowed outcomes: 0 (help, version, -d help),
 * 2 (usage error: must print "vplat: ..." to stderr), FZ_RAN.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exec.h"
#include "machine/linux_user/lu.h"
#include "machine/virt/virt_board.h"
#include "pcidev/pci.h"

#define FZ_MAX_ARGS 16
#define FZ_RAN 77

int vplat_cli_main(int argc, char **argv);

FILE *fz_fopen(const char *path, const char *mode);
FILE *fz_fopen(const char *path, const char *mode) {
    (void)mode;
    if (!path[0]) return NULL; /* the error path: "cannot open log file" */
    return fopen("/dev/null", "w");
}

void fz_no_handler(void);
void fz_no_handler(void) {}

static void fz_fail(const char *what) {
    fprintf(stderr, "fuzz_cli: %s\n", what);
    abort();
}

int lu_run(const LuConfig *cfg, const char *prog, int argc, char **argv, char **envp) {
    (void)envp;
    if (!cfg || !prog || argc < 1 || !argv || argv[0] != prog || argv[argc] != NULL)
        fz_fail("lu_run called with a bad program vector");
    if (!cfg->tier) fz_fail("no execution tier chosen");
    if (!cfg->log) fz_fail("no log stream");
    fputc(0, cfg->log); /* must be a usable stream */
    return FZ_RAN;
}

int virt_main(const VirtOptions *o) {
    if (!o) fz_fail("virt_main called without options");
    if (o->ram_size < (16ull << 20) || o->ram_size > (16ull << 30)) fz_fail("RAM size outside 16M..16G");
    if (o->dumpdtb && !o->dumpdtb[0]) fz_fail("empty dumpdtb file name");
    if (o->log) fputc(0, o->log);
    if (o->n_devices && !o->devices) fz_fail("device specs missing");
    for (unsigned i = 0; i < o->n_devices; i++) {
        char err[256];
        if (!o->devices[i] || !pci_device_check_spec(o->devices[i], err, sizeof err))
            fz_fail("the parser kept a -device spec the registry refuses");
    }
    return FZ_RAN;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *buf = malloc(size + 1);
    if (!buf) abort();
    memcpy(buf, data, size);
    buf[size] = 0;
    char *argv[FZ_MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "vplat";
    for (size_t i = 0; i <= size && argc <= FZ_MAX_ARGS;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    int r = vplat_cli_main(argc, argv);
    if (r != 0 && r != 2 && r != FZ_RAN) fz_fail("unexpected exit status");
    free(buf);
    return 0;
}

/* machine/main.c's crash_set_command_line(argc, argv), if it has one. */
void fz_set_command_line(int argc, char **argv);
void fz_set_command_line(int argc, char **argv) {
    (void)argc;
    (void)argv;
}
