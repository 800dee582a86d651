/* virt_board.h — the `virt` machine: one RV64GC hart, RAM, the CLINT, PLIC,
 * UART and test devices at QEMU's addresses, the boot protocol of
 * qemu-system-riscv64 (reset vector ROM with fw_dynamic info, firmware at
 * the start of RAM, kernel 2 MiB-aligned after it, initrd and device tree
 * where QEMU puts them), and the run loop that drives the hart, time and
 * the console.  `vplat system` (machine/main.c) fills VirtOptions.
 */
#ifndef VPLAT_MACHINE_VIRT_BOARD_H
#define VPLAT_MACHINE_VIRT_BOARD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/exec.h"

typedef struct VirtOptions {
    uint64_t ram_size;          /* -m */
    const char *bios;           /* -bios FILE, "none", or NULL (default: Debian's fw_jump.bin) */
    const char *kernel;         /* -kernel */
    const char *initrd;         /* -initrd */
    const char *append;         /* -append */
    const char *dumpdtb;        /* -M virt,dumpdtb=FILE: write the tree and exit */
    const char *const *devices; /* -device specs (pcidev/pci.h), n_devices of them */
    unsigned n_devices;
    const ExecTier *hot_tier;   /* --jit: NULL = interpreter only */
    uint64_t jit_threshold;
    size_t jit_code_size;
    bool perf_map, jit_wx, jit_sync;
    uint32_t log_mask;
    FILE *log;
    bool stats;
    bool verify_ir;
    uint64_t max_insns;         /* 0 = unlimited */
    bool singlestep;
    const char *gdb;            /* -gdb / -s: the gdb stub's device (core/gdbstub.h), or NULL */
    bool gdb_wait;              /* -S: hold the hart until gdb connects */
    /* -icount / --deterministic: guest time from the instruction count,
     * 2^icount_shift ns per instruction (plus idle time skipped to the
     * next timer deadline); input only at deterministic points */
    bool icount;
    unsigned icount_shift;      /* 0..VIRT_ICOUNT_MAX_SHIFT */
    bool icount_sleep;          /* sleep=on: idle waits in host time for console input (never in a replay) */
    const char *record;         /* -record FILE (implies icount) */
    const char *replay;         /* -replay FILE (implies icount; stdin is not read) */
} VirtOptions;

#define VIRT_ICOUNT_MAX_SHIFT 10

/* Default firmware when -bios is not given (as QEMU picks its own). */
#define VIRT_DEFAULT_BIOS "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"

/* Build the machine, boot it and run until the guest powers off.  Returns
 * the process exit status: 0 on poweroff, the guest's code on a failing
 * poweroff, 124 at --max-insns, 1 on a setup error or a replay that
 * diverged or cannot be read, 2 on a -device the bus refuses (slot taken,
 * realize failed) (message printed).  A replay that reaches the end of its
 * recording returns the recorded status. */
int virt_main(const VirtOptions *o);

#endif
