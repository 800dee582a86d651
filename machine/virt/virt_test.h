/* virt_test.h — the test finisher / poweroff device (QEMU's sifive_test at
 * 0x100000, 0x1000 bytes): a write to offset 0 ends or resets the machine.
 *
 *   value & 0xffff   meaning                         callback
 *   0x5555           power off, success              (VIRT_SHUTDOWN_POWEROFF, 0)
 *   0x3333           power off, failure code         (VIRT_SHUTDOWN_FAIL, value >> 16)
 *   0x7777           reset                           (VIRT_SHUTDOWN_RESET, 0)
 *
 * Linux reaches it through the syscon-poweroff / syscon-reboot nodes that
 * point at it (`poweroff`, `reboot`); OpenSBI through its sifive,test0
 * driver (SBI system reset).  Other values and offsets are ignored; reads
 * return 0.  The callback runs inside the guest's store: it should record
 * the request and make the run loop stop, not tear the machine down.
 */
#ifndef VPLAT_MACHINE_VIRT_TEST_H
#define VPLAT_MACHINE_VIRT_TEST_H

#include <stdint.h>

#include "core/memory.h"
#include "machine/virt/virt_fdt.h"

#define VIRT_TEST_FAIL 0x3333
#define VIRT_TEST_PASS 0x5555
#define VIRT_TEST_RESET 0x7777

typedef enum VirtShutdownKind {
    VIRT_SHUTDOWN_POWEROFF, /* code 0 */
    VIRT_SHUTDOWN_FAIL,     /* code = the guest's failure code (QEMU exits with it) */
    VIRT_SHUTDOWN_RESET,
} VirtShutdownKind;

typedef void (*VirtShutdownFn)(void *opaque, VirtShutdownKind kind, int code);

typedef struct VirtTest {
    VirtShutdownFn shutdown;
    void *opaque;
} VirtTest;

/* 2- and 4-byte accesses (QEMU's sifive_test). */
extern const MemOps virt_test_mem_ops;

void virt_test_init(VirtTest *t, VirtShutdownFn shutdown, void *opaque);

/* /soc/test@base (sifive,test1 sifive,test0 syscon) and, at the root as in
 * QEMU 7.2, /poweroff (syscon-poweroff, 0x5555) and /reboot
 * (syscon-reboot, 0x7777) pointing at it. */
int virt_test_fdt_node(VirtFdt *vf, uint64_t base, uint64_t size);

#endif
