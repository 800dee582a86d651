/* pci_host.h — a generic PCIe host bridge (Linux "pci-host-ecam-generic",
 * QEMU's gpex): the ECAM config window, the memory and I/O windows that
 * forward CPU accesses to the bus, and the host bridge's own function at
 * 00:00.0.  A board maps these regions at its own addresses and says so in
 * its device tree (machine/virt/virt_pci.c for the virt board).
 *
 *   CPU ─▶ ECAM region   offset = bus << 20 | devfn << 12 | reg ─▶ config cycle
 *   CPU ─▶ window region bus address = bus_base + offset        ─▶ BAR of a device
 *   device INTx ─▶ PciBus.intx[0..3] ─▶ the board's interrupt controller
 *
 * Only bus 0 exists (no PCI-PCI bridges): config cycles to other buses,
 * and to functions other than 0, read all ones.
 */
#ifndef VPLAT_PCIDEV_PCI_HOST_H
#define VPLAT_PCIDEV_PCI_HOST_H

#include "pcidev/pci.h"

/* The host bridge function (board_only): QEMU gpex's ids, so a guest sees
 * the same 00:00.0 under vplat as under qemu-system-riscv64. */
#define PCI_TYPE_HOST_BRIDGE "pci-host-bridge"
#define PCI_HOST_BRIDGE_VENDOR_ID 0x1b36
#define PCI_HOST_BRIDGE_DEVICE_ID 0x0008

/* ECAM: opaque is the PciBus; 1-, 2- and 4-byte accesses. */
extern const MemOps pci_ecam_ops;

/* A window: CPU accesses at region offset o reach bus address bus_base + o
 * in `space`; opaque is the PciWindow; 1- to 8-byte accesses. */
typedef struct PciWindow {
    PciBus *bus;
    PciSpace space;
    uint64_t bus_base;
} PciWindow;
extern const MemOps pci_window_ops;

#endif
