/* virt_fdt.h — the virt board's flattened device tree, built with libfdt.
 *
 * The tree follows qemu-system-riscv64 7.2 `-M virt,dumpdtb=F` for every
 * device vplat has (node names, compatibles, reg, interrupts, phandle
 * wiring), so OpenSBI and Linux see the board they know.  This file owns the
 * skeleton (root, /chosen, /memory, /cpus, /soc); each device describes its
 * own node through a function in its own file:
 *
 *   virt_fdt_begin(&vf, &cfg)          root, /chosen, /memory, /cpus, /soc
 *   plic_fdt_node(&vf, ...)            sets vf.plic_phandle for the others
 *   clint_fdt_node, uart_fdt_node, virt_test_fdt_node
 *   ... more devices (the PCIe host) ...
 *   virt_fdt_finish(&vf, &blob, &size) packed blob + VIRT_FDT_SPARE room
 *
 * virt_fdt_build does all of it for the standard board.  A device's node
 * function uses the helpers below; they keep the first libfdt error in
 * vf->err and do nothing after it, so node code reads as a list of
 * properties and checks once at the end.
 *
 * The finished blob keeps VIRT_FDT_SPARE bytes of free space inside its
 * totalsize, so the board can patch /chosen after loading files
 * (virt_fdt_set_initrd, virt_fdt_set_bootargs) without reallocating.
 */
#ifndef VPLAT_MACHINE_VIRT_FDT_H
#define VPLAT_MACHINE_VIRT_FDT_H

#include <stddef.h>
#include <stdint.h>

/* Linux 6.1 and OpenSBI parse multi-letter extensions after '_' (QEMU 7.2
 * gives "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"). */
#define VIRT_FDT_DEFAULT_ISA "rv64imafdc_zicsr_zifencei"
#define VIRT_FDT_DEFAULT_MMU "riscv,sv48"
#define VIRT_FDT_SPARE 4096 /* free bytes left in the finished blob */
#define VIRT_FDT_NO_UNIT UINT64_MAX /* node name without "@unit-address" */

typedef struct VirtFdtConfig {
    uint64_t ram_base, ram_size;
    unsigned num_harts;         /* 1..VIRT_MAX_HARTS; hart ids 0..n-1 */
    const char *isa;            /* riscv,isa; NULL: VIRT_FDT_DEFAULT_ISA */
    const char *mmu_type;       /* NULL: VIRT_FDT_DEFAULT_MMU */
    uint32_t timebase_freq;     /* 0: VIRT_TIMEBASE_FREQ */
    const char *bootargs;       /* /chosen/bootargs; NULL: none */
    uint64_t initrd_start, initrd_end; /* end > start: linux,initrd-* */
} VirtFdtConfig;

/* A tree under construction. */
typedef struct VirtFdt {
    void *fdt;                 /* libfdt read-write tree (malloc'ed) */
    int err;                   /* first libfdt error (< 0), 0 if none */
    unsigned num_harts;
    uint32_t *intc_phandles;   /* [num_harts]: each hart's riscv,cpu-intc */
    uint32_t plic_phandle;     /* 0 until plic_fdt_node ran */
    uint32_t last_phandle;     /* phandles are handed out 1, 2, 3, ... */
} VirtFdt;

/* Build the standard virt tree.  Returns 0 and a malloc'ed blob (free()
 * it) of *size == fdt_totalsize(blob) bytes, or a negative libfdt error
 * (-FDT_ERR_BADVALUE for a bad config; fdt_strerror names it). */
int virt_fdt_build(const VirtFdtConfig *cfg, void **blob, size_t *size);

/* The steps of virt_fdt_build, for a board that adds its own nodes. */
int virt_fdt_begin(VirtFdt *vf, const VirtFdtConfig *cfg);
int virt_fdt_add_devices(VirtFdt *vf);   /* PLIC, CLINT, UART0, test */
/* Always releases vf's memory; on success hands the blob over. */
int virt_fdt_finish(VirtFdt *vf, void **blob, size_t *size);

/* Patch /chosen of a finished blob (uses its spare room). */
int virt_fdt_set_initrd(void *blob, uint64_t start, uint64_t end);
int virt_fdt_set_bootargs(void *blob, const char *bootargs);

/* Helpers for node functions.  virt_fdt_node adds `name@<unit in hex>`
 * under `parent_path` and returns its offset (valid until another node is
 * added), or vf->err.  Properties go on that offset. */
int virt_fdt_node(VirtFdt *vf, const char *parent_path, const char *name, uint64_t unit);
/* Offset of an existing node (e.g. "/chosen"), or vf->err. */
int virt_fdt_path(VirtFdt *vf, const char *path);
void virt_fdt_prop_empty(VirtFdt *vf, int node, const char *prop);
void virt_fdt_prop_u32(VirtFdt *vf, int node, const char *prop, uint32_t val);
void virt_fdt_prop_u64(VirtFdt *vf, int node, const char *prop, uint64_t val);
void virt_fdt_prop_cells(VirtFdt *vf, int node, const char *prop, const uint32_t *cells, unsigned n);
/* interrupts-extended = <&intc(h) irq_a &intc(h) irq_b> for every hart h. */
void virt_fdt_prop_hart_irqs(VirtFdt *vf, int node, unsigned irq_a, unsigned irq_b);
void virt_fdt_prop_str(VirtFdt *vf, int node, const char *prop, const char *str);
/* A string list, NULL-terminated: (const char *[]){"a", "b", NULL}. */
void virt_fdt_prop_strlist(VirtFdt *vf, int node, const char *prop, const char *const *list);
/* reg = <base size> in the board's 2+2 cells. */
void virt_fdt_prop_reg(VirtFdt *vf, int node, uint64_t base, uint64_t size);
/* Give the node a fresh phandle and return it (0 after an error). */
uint32_t virt_fdt_new_phandle(VirtFdt *vf, int node);

#endif
