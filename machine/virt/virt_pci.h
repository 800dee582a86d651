/* virt_pci.h — the virt board's PCIe host: pcidev/'s generic ECAM host
 * bridge placed at QEMU virt's addresses (virt_map.h), its INTA..INTD
 * wired to PLIC sources 32..35, the devices of -device on its bus, and
 * its device-tree node (pci@30000000, as qemu-system-riscv64 7.2 writes
 * it: ranges for the PIO, 32-bit and 64-bit windows, interrupt-map with
 * the standard swizzle).
 *
 *   virt_pci_init(&vp, as, plic, ram_size, specs, n, log, err)
 *     ECAM, PIO, MMIO and MMIO64 regions ─▶ as; host bridge at 00:00.0;
 *     each spec ─▶ pci_device_create
 *   virt_pci_fdt_node(&vf, ram_size)     after plic_fdt_node
 *   virt_pci_destroy(&vp)
 */
#ifndef VPLAT_MACHINE_VIRT_PCI_H
#define VPLAT_MACHINE_VIRT_PCI_H

#include <stdint.h>
#include <stdio.h>

#include "core/memory.h"
#include "machine/virt/plic.h"
#include "machine/virt/virt_fdt.h"
#include "pcidev/pci_host.h"

typedef struct VirtPci {
    PciBus bus;
    PciWindow pio, mmio, mmio64;
} VirtPci;

typedef enum VirtPciStatus {
    VIRT_PCI_OK = 0,
    VIRT_PCI_SETUP_ERROR = 1,  /* regions or the bridge could not be created */
    VIRT_PCI_BAD_DEVICE = 2,   /* a -device spec was refused (bad input) */
} VirtPciStatus;

/* Place the host and create the devices; on failure a message in err
 * (the caller then calls virt_pci_destroy).  log: guest errors, or NULL. */
VirtPciStatus virt_pci_init(VirtPci *vp, AddressSpace *as, Plic *plic, uint64_t ram_size, const char *const *specs,
                            unsigned n_specs, FILE *log, char *err, size_t err_len);
void virt_pci_destroy(VirtPci *vp);

/* /soc/pci@30000000; vf->plic_phandle must be set. */
int virt_pci_fdt_node(VirtFdt *vf, uint64_t ram_size);

#endif
