/* virt_test.c — the test finisher / poweroff device (see virt_test.h):
 * decodes the finisher word and reports it to the board; describes itself
 * and the syscon poweroff/reboot nodes in the device tree.
 */
#include "machine/virt/virt_test.h"

static uint64_t virt_test_read(void *opaque, uint64_t offset, unsigned size) { return 0; }

static void virt_test_write(void *opaque, uint64_t offset, uint64_t value, unsigned size) {
    VirtTest *t = opaque;
    if (offset != 0 || !t->shutdown) return;
    int code = (int)((value >> 16) & 0xffff);
    switch (value & 0xffff) {
    case VIRT_TEST_PASS:
        t->shutdown(t->opaque, VIRT_SHUTDOWN_POWEROFF, 0);
        break;
    case VIRT_TEST_FAIL:
        t->shutdown(t->opaque, VIRT_SHUTDOWN_FAIL, code);
        break;
    case VIRT_TEST_RESET:
        t->shutdown(t->opaque, VIRT_SHUTDOWN_RESET, 0);
        break;
    default:
        break;
    }
}

const MemOps virt_test_mem_ops = {
    .read = virt_test_read,
    .write = virt_test_write,
    .min_size = 2,
    .max_size = 4,
};

void virt_test_init(VirtTest *t, VirtShutdownFn shutdown, void *opaque) {
    t->shutdown = shutdown;
    t->opaque = opaque;
}

/* A syscon-poweroff/-reboot node: write `value` at `offset` of regmap. */
static void syscon_action_node(VirtFdt *vf, const char *name, const char *compatible, uint32_t regmap,
                               uint32_t value) {
    int node = virt_fdt_node(vf, "/", name, VIRT_FDT_NO_UNIT);
    virt_fdt_prop_u32(vf, node, "value", value);
    virt_fdt_prop_u32(vf, node, "offset", 0);
    virt_fdt_prop_u32(vf, node, "regmap", regmap);
    virt_fdt_prop_str(vf, node, "compatible", compatible);
}

int virt_test_fdt_node(VirtFdt *vf, uint64_t base, uint64_t size) {
    int node = virt_fdt_node(vf, "/soc", "test", base);
    uint32_t phandle = virt_fdt_new_phandle(vf, node);
    virt_fdt_prop_reg(vf, node, base, size);
    static const char *const compatible[] = {"sifive,test1", "sifive,test0", "syscon", NULL};
    virt_fdt_prop_strlist(vf, node, "compatible", compatible);
    /* Created reboot first so that poweroff prints first, as in QEMU. */
    syscon_action_node(vf, "reboot", "syscon-reboot", phandle, VIRT_TEST_RESET);
    syscon_action_node(vf, "poweroff", "syscon-poweroff", phandle, VIRT_TEST_PASS);
    return vf->err;
}
