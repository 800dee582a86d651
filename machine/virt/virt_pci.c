/* virt_pci.c — places pcidev's ECAM host bridge on the virt board (see
 * virt_pci.h).  Bus addresses are CPU addresses in both memory windows and
 * port numbers from 0 in the PIO window, exactly as the device tree's
 * `ranges` says, so Linux's BAR assignments decode where it expects. */
#include "machine/virt/virt_pci.h"

#include <stdio.h>
#include <string.h>

#include "machine/virt/virt_map.h"

VirtPciStatus virt_pci_init(VirtPci *vp, AddressSpace *as, Plic *plic, uint64_t ram_size, const char *const *specs,
                            unsigned n_specs, FILE *log, char *err, size_t err_len) {
    memset(vp, 0, sizeof *vp);
    pci_bus_init(&vp->bus, as);
    vp->bus.log = log;
    for (unsigned i = 0; i < 4; i++) pci_bus_connect_intx(&vp->bus, i, plic_input(plic, VIRT_PCIE_IRQ_BASE + i));
    vp->pio = (PciWindow){&vp->bus, PCI_SPACE_IO, 0};
    vp->mmio = (PciWindow){&vp->bus, PCI_SPACE_MEM, VIRT_PCIE_MMIO_BASE};
    uint64_t mmio64_base = VIRT_PCIE_MMIO64_BASE(ram_size);
    vp->mmio64 = (PciWindow){&vp->bus, PCI_SPACE_MEM, mmio64_base};
    if (!as_add_io(as, "pcie-ecam", VIRT_PCIE_ECAM_BASE, VIRT_PCIE_ECAM_SIZE, &pci_ecam_ops, &vp->bus) ||
        !as_add_io(as, "pcie-pio", VIRT_PCIE_PIO_BASE, VIRT_PCIE_PIO_SIZE, &pci_window_ops, &vp->pio) ||
        !as_add_io(as, "pcie-mmio", VIRT_PCIE_MMIO_BASE, VIRT_PCIE_MMIO_SIZE, &pci_window_ops, &vp->mmio) ||
        !as_add_io(as, "pcie-mmio64", mmio64_base, VIRT_PCIE_MMIO64_SIZE, &pci_window_ops, &vp->mmio64)) {
        snprintf(err, err_len, "cannot map the PCIe host's regions");
        return VIRT_PCI_SETUP_ERROR;
    }
    if (!pci_device_create_board(&vp->bus, PCI_TYPE_HOST_BRIDGE ",addr=0", err, err_len))
        return VIRT_PCI_SETUP_ERROR;
    for (unsigned i = 0; i < n_specs; i++) {
        char why[256];
        if (!pci_device_create(&vp->bus, specs[i], why, sizeof why)) {
            snprintf(err, err_len, "-device %s: %s", specs[i], why);
            return VIRT_PCI_BAD_DEVICE;
        }
    }
    return VIRT_PCI_OK;
}

void virt_pci_destroy(VirtPci *vp) { pci_bus_destroy(&vp->bus); }

/* PCI unit addresses (3 cells): phys.hi = space code << 24 | devfn << 8 | reg. */
#define FDT_PCI_IO 0x01000000u
#define FDT_PCI_MEM32 0x02000000u
#define FDT_PCI_MEM64 0x03000000u

int virt_pci_fdt_node(VirtFdt *vf, uint64_t ram_size) {
    int node = virt_fdt_node(vf, "/soc", "pci", VIRT_PCIE_ECAM_BASE);
    uint64_t m64 = VIRT_PCIE_MMIO64_BASE(ram_size);
    /* interrupt-map: slot s (mask 0x1800: slots repeat every 4), pin p ->
     * PLIC source 32 + (s + p - 1) % 4, the swizzle pcidev's bus applies. */
    uint32_t map[4 * 4 * 6];
    unsigned n = 0;
    for (unsigned slot = 0; slot < 4; slot++)
        for (unsigned pin = 1; pin <= 4; pin++) {
            uint32_t entry[6] = {slot << 11, 0, 0, pin, vf->plic_phandle,
                                 VIRT_PCIE_IRQ_BASE + pci_intx_line(slot, pin)};
            memcpy(&map[n], entry, sizeof entry);
            n += 6;
        }
    const uint32_t mask[4] = {0x1800, 0, 0, 7};
    const uint32_t ranges[] = {
        FDT_PCI_IO, 0, 0, (uint32_t)(VIRT_PCIE_PIO_BASE >> 32), (uint32_t)VIRT_PCIE_PIO_BASE,
        (uint32_t)(VIRT_PCIE_PIO_SIZE >> 32), (uint32_t)VIRT_PCIE_PIO_SIZE,
        FDT_PCI_MEM32, (uint32_t)(VIRT_PCIE_MMIO_BASE >> 32), (uint32_t)VIRT_PCIE_MMIO_BASE,
        (uint32_t)(VIRT_PCIE_MMIO_BASE >> 32), (uint32_t)VIRT_PCIE_MMIO_BASE,
        (uint32_t)(VIRT_PCIE_MMIO_SIZE >> 32), (uint32_t)VIRT_PCIE_MMIO_SIZE,
        FDT_PCI_MEM64, (uint32_t)(m64 >> 32), (uint32_t)m64, (uint32_t)(m64 >> 32), (uint32_t)m64,
        (uint32_t)(VIRT_PCIE_MMIO64_SIZE >> 32), (uint32_t)VIRT_PCIE_MMIO64_SIZE,
    };
    const uint32_t bus_range[2] = {0, (uint32_t)(VIRT_PCIE_ECAM_SIZE >> 20) - 1};
    /* libfdt puts each new property first: set in reverse of QEMU's order. */
    virt_fdt_prop_u32(vf, node, "#address-cells", 3);
    virt_fdt_prop_u32(vf, node, "#interrupt-cells", 1);
    virt_fdt_prop_u32(vf, node, "#size-cells", 2);
    virt_fdt_prop_str(vf, node, "compatible", "pci-host-ecam-generic");
    virt_fdt_prop_str(vf, node, "device_type", "pci");
    virt_fdt_prop_u32(vf, node, "linux,pci-domain", 0);
    virt_fdt_prop_cells(vf, node, "bus-range", bus_range, 2);
    virt_fdt_prop_empty(vf, node, "dma-coherent");
    virt_fdt_prop_reg(vf, node, VIRT_PCIE_ECAM_BASE, VIRT_PCIE_ECAM_SIZE);
    virt_fdt_prop_cells(vf, node, "ranges", ranges, sizeof ranges / sizeof ranges[0]);
    virt_fdt_prop_cells(vf, node, "interrupt-map", map, n);
    virt_fdt_prop_cells(vf, node, "interrupt-map-mask", mask, 4);
    return vf->err;
}
