/* virt_fdt.c — the virt board's device tree: the skeleton (root, /chosen,
 * /memory, /cpus with each hart's interrupt controller, /soc), the
 * property helpers device node functions use, and the finished blob with
 * spare room for /chosen patches (see virt_fdt.h).
 *
 * libfdt's read-write API inserts a new node before its parent's existing
 * children, so nodes are created in reverse of the order a reader should
 * see them (dtc prints cpu@0 before cpu@1, /chosen before /soc).
 */
#include "machine/virt/virt_fdt.h"

#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/virt/clint.h"
#include "machine/virt/plic.h"
#include "machine/virt/uart16550.h"
#include "machine/virt/virt_map.h"
#include "machine/virt/virt_test.h"

/* ---- helpers ---------------------------------------------------------- */

static void vf_check(VirtFdt *vf, int rc) {
    if (rc < 0 && vf->err == 0) vf->err = rc;
}

int virt_fdt_node(VirtFdt *vf, const char *parent_path, const char *name, uint64_t unit) {
    if (vf->err) return vf->err;
    char full[128];
    if (unit == VIRT_FDT_NO_UNIT) snprintf(full, sizeof full, "%s", name);
    else snprintf(full, sizeof full, "%s@%" PRIx64, name, unit);
    int parent = fdt_path_offset(vf->fdt, parent_path);
    if (parent < 0) {
        vf_check(vf, parent);
        return vf->err;
    }
    int node = fdt_add_subnode(vf->fdt, parent, full);
    vf_check(vf, node);
    return vf->err ? vf->err : node;
}

int virt_fdt_path(VirtFdt *vf, const char *path) {
    if (vf->err) return vf->err;
    int node = fdt_path_offset(vf->fdt, path);
    vf_check(vf, node);
    return vf->err ? vf->err : node;
}

void virt_fdt_prop_empty(VirtFdt *vf, int node, const char *prop) {
    if (!vf->err) vf_check(vf, fdt_setprop_empty(vf->fdt, node, prop));
}

void virt_fdt_prop_u32(VirtFdt *vf, int node, const char *prop, uint32_t val) {
    if (!vf->err) vf_check(vf, fdt_setprop_u32(vf->fdt, node, prop, val));
}

void virt_fdt_prop_u64(VirtFdt *vf, int node, const char *prop, uint64_t val) {
    if (!vf->err) vf_check(vf, fdt_setprop_u64(vf->fdt, node, prop, val));
}

void virt_fdt_prop_cells(VirtFdt *vf, int node, const char *prop, const uint32_t *cells, unsigned n) {
    if (vf->err) return;
    int rc = fdt_setprop(vf->fdt, node, prop, NULL, 0);
    for (unsigned i = 0; i < n && rc >= 0; i++) rc = fdt_appendprop_u32(vf->fdt, node, prop, cells[i]);
    vf_check(vf, rc);
}

void virt_fdt_prop_hart_irqs(VirtFdt *vf, int node, unsigned irq_a, unsigned irq_b) {
    if (vf->err) return;
    int rc = fdt_setprop(vf->fdt, node, "interrupts-extended", NULL, 0);
    for (unsigned h = 0; h < vf->num_harts && rc >= 0; h++) {
        const uint32_t cells[4] = {vf->intc_phandles[h], irq_a, vf->intc_phandles[h], irq_b};
        for (unsigned k = 0; k < 4 && rc >= 0; k++) rc = fdt_appendprop_u32(vf->fdt, node, "interrupts-extended", cells[k]);
    }
    vf_check(vf, rc);
}

void virt_fdt_prop_str(VirtFdt *vf, int node, const char *prop, const char *str) {
    if (!vf->err) vf_check(vf, fdt_setprop_string(vf->fdt, node, prop, str));
}

void virt_fdt_prop_strlist(VirtFdt *vf, int node, const char *prop, const char *const *list) {
    if (vf->err) return;
    int rc = fdt_setprop(vf->fdt, node, prop, NULL, 0);
    for (; *list && rc >= 0; list++) rc = fdt_appendprop_string(vf->fdt, node, prop, *list);
    vf_check(vf, rc);
}

void virt_fdt_prop_reg(VirtFdt *vf, int node, uint64_t base, uint64_t size) {
    const uint32_t cells[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32), (uint32_t)size};
    virt_fdt_prop_cells(vf, node, "reg", cells, 4);
}

uint32_t virt_fdt_new_phandle(VirtFdt *vf, int node) {
    if (vf->err) return 0;
    /* A counter, not fdt_generate_phandle: that scans the whole tree. */
    uint32_t ph = ++vf->last_phandle;
    vf_check(vf, fdt_setprop_u32(vf->fdt, node, "phandle", ph));
    return vf->err ? 0 : ph;
}

/* ---- skeleton --------------------------------------------------------- */

static void vf_add_cpus(VirtFdt *vf, const VirtFdtConfig *cfg) {
    int cpus = virt_fdt_node(vf, "/", "cpus", VIRT_FDT_NO_UNIT);
    virt_fdt_prop_u32(vf, cpus, "#address-cells", 1);
    virt_fdt_prop_u32(vf, cpus, "#size-cells", 0);
    virt_fdt_prop_u32(vf, cpus, "timebase-frequency", cfg->timebase_freq ? cfg->timebase_freq : VIRT_TIMEBASE_FREQ);
    /* cpu-map first so that it prints after the cpu nodes. */
    virt_fdt_node(vf, "/cpus", "cpu-map", VIRT_FDT_NO_UNIT);
    virt_fdt_node(vf, "/cpus/cpu-map", "cluster0", VIRT_FDT_NO_UNIT);

    uint32_t cpu_phandle[VIRT_MAX_HARTS];
    for (unsigned h = vf->num_harts; h-- > 0;) {
        int cpu = virt_fdt_node(vf, "/cpus", "cpu", h);
        cpu_phandle[h] = virt_fdt_new_phandle(vf, cpu);
        virt_fdt_prop_str(vf, cpu, "device_type", "cpu");
        virt_fdt_prop_u32(vf, cpu, "reg", h);
        virt_fdt_prop_str(vf, cpu, "status", "okay");
        virt_fdt_prop_str(vf, cpu, "compatible", "riscv");
        virt_fdt_prop_str(vf, cpu, "riscv,isa", cfg->isa ? cfg->isa : VIRT_FDT_DEFAULT_ISA);
        virt_fdt_prop_str(vf, cpu, "mmu-type", cfg->mmu_type ? cfg->mmu_type : VIRT_FDT_DEFAULT_MMU);

        char path[48];
        snprintf(path, sizeof path, "/cpus/cpu@%x", h);
        int intc = virt_fdt_node(vf, path, "interrupt-controller", VIRT_FDT_NO_UNIT);
        virt_fdt_prop_u32(vf, intc, "#interrupt-cells", 1);
        virt_fdt_prop_empty(vf, intc, "interrupt-controller");
        virt_fdt_prop_str(vf, intc, "compatible", "riscv,cpu-intc");
        vf->intc_phandles[h] = virt_fdt_new_phandle(vf, intc);
    }
    for (unsigned h = vf->num_harts; h-- > 0;) {
        char name[16];
        snprintf(name, sizeof name, "core%u", h);
        int core = virt_fdt_node(vf, "/cpus/cpu-map/cluster0", name, VIRT_FDT_NO_UNIT);
        virt_fdt_prop_u32(vf, core, "cpu", cpu_phandle[h]);
    }
}

int virt_fdt_begin(VirtFdt *vf, const VirtFdtConfig *cfg) {
    memset(vf, 0, sizeof *vf);
    if (!cfg || cfg->num_harts == 0 || cfg->num_harts > VIRT_MAX_HARTS || cfg->ram_size == 0 ||
        cfg->ram_base + cfg->ram_size < cfg->ram_base || cfg->initrd_end < cfg->initrd_start) {
        vf->err = -FDT_ERR_BADVALUE;
        return vf->err;
    }
    /* ~3 KiB for one hart; a hart's cpu, intc and cpu-map nodes ~0.5 KiB. */
    size_t cap = 64 * 1024 + (size_t)cfg->num_harts * 1024;
    vf->fdt = malloc(cap);
    vf->intc_phandles = calloc(cfg->num_harts, sizeof(uint32_t));
    vf->num_harts = cfg->num_harts;
    if (!vf->fdt || !vf->intc_phandles) {
        vf->err = -FDT_ERR_NOSPACE;
        return vf->err;
    }
    vf_check(vf, fdt_create_empty_tree(vf->fdt, (int)cap));
    if (vf->err) return vf->err;

    int root = 0;
    virt_fdt_prop_u32(vf, root, "#address-cells", 2);
    virt_fdt_prop_u32(vf, root, "#size-cells", 2);
    virt_fdt_prop_str(vf, root, "compatible", "riscv-virtio");
    virt_fdt_prop_str(vf, root, "model", "riscv-virtio,vplat");

    int soc = virt_fdt_node(vf, "/", "soc", VIRT_FDT_NO_UNIT);
    virt_fdt_prop_u32(vf, soc, "#address-cells", 2);
    virt_fdt_prop_u32(vf, soc, "#size-cells", 2);
    virt_fdt_prop_str(vf, soc, "compatible", "simple-bus");
    virt_fdt_prop_empty(vf, soc, "ranges");

    vf_add_cpus(vf, cfg);

    int mem = virt_fdt_node(vf, "/", "memory", cfg->ram_base);
    virt_fdt_prop_str(vf, mem, "device_type", "memory");
    virt_fdt_prop_reg(vf, mem, cfg->ram_base, cfg->ram_size);

    int chosen = virt_fdt_node(vf, "/", "chosen", VIRT_FDT_NO_UNIT);
    if (cfg->bootargs) virt_fdt_prop_str(vf, chosen, "bootargs", cfg->bootargs);
    if (cfg->initrd_end > cfg->initrd_start) {
        virt_fdt_prop_u64(vf, chosen, "linux,initrd-start", cfg->initrd_start);
        virt_fdt_prop_u64(vf, chosen, "linux,initrd-end", cfg->initrd_end);
    }
    return vf->err;
}

int virt_fdt_add_devices(VirtFdt *vf) {
    /* The PLIC first: the UART's interrupt-parent is its phandle. */
    plic_fdt_node(vf, VIRT_PLIC_BASE, VIRT_PLIC_SIZE, VIRT_PLIC_NUM_SOURCES);
    clint_fdt_node(vf, VIRT_CLINT_BASE, VIRT_CLINT_SIZE);
    uart_fdt_node(vf, VIRT_UART0_BASE, VIRT_UART0_SIZE, VIRT_UART_CLOCK_FREQ, VIRT_UART0_IRQ, true);
    virt_test_fdt_node(vf, VIRT_TEST_BASE, VIRT_TEST_SIZE);
    return vf->err;
}

int virt_fdt_finish(VirtFdt *vf, void **blob, size_t *size) {
    int rc = vf->err;
    void *out = NULL;
    if (rc == 0) rc = fdt_pack(vf->fdt);
    if (rc == 0) {
        size_t n = fdt_totalsize(vf->fdt) + VIRT_FDT_SPARE;
        out = malloc(n);
        rc = out ? fdt_open_into(vf->fdt, out, (int)n) : -FDT_ERR_NOSPACE;
        if (rc == 0) {
            *blob = out;
            *size = n;
            out = NULL;
        }
    }
    free(out);
    free(vf->fdt);
    free(vf->intc_phandles);
    vf->fdt = NULL;
    vf->intc_phandles = NULL;
    return rc;
}

int virt_fdt_build(const VirtFdtConfig *cfg, void **blob, size_t *size) {
    VirtFdt vf;
    if (virt_fdt_begin(&vf, cfg) == 0) virt_fdt_add_devices(&vf);
    return virt_fdt_finish(&vf, blob, size);
}

/* ---- patching a finished blob ----------------------------------------- */

static int chosen_offset(void *blob) {
    int off = fdt_path_offset(blob, "/chosen");
    return off >= 0 ? off : fdt_add_subnode(blob, 0, "chosen");
}

int virt_fdt_set_initrd(void *blob, uint64_t start, uint64_t end) {
    if (end < start) return -FDT_ERR_BADVALUE;
    int off = chosen_offset(blob);
    if (off < 0) return off;
    int rc = fdt_setprop_u64(blob, off, "linux,initrd-start", start);
    if (rc == 0) rc = fdt_setprop_u64(blob, off, "linux,initrd-end", end);
    return rc;
}

int virt_fdt_set_bootargs(void *blob, const char *bootargs) {
    int off = chosen_offset(blob);
    if (off < 0) return off;
    return fdt_setprop_string(blob, off, "bootargs", bootargs);
}
