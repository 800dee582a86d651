/* pci_host.c — the generic ECAM host bridge (see pci_host.h): config
 * cycles from ECAM offsets, window forwarding, and the bridge function. */
#include "pcidev/pci_host.h"

static uint64_t ecam_read(void *opaque, uint64_t offset, unsigned size) {
    PciBus *bus = opaque;
    if (offset >> 20) return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1; /* bus 1..255: nothing */
    return pci_bus_config_read(bus, (unsigned)(offset >> 12) & 0xff, (unsigned)offset & 0xfff, size);
}

static void ecam_write(void *opaque, uint64_t offset, uint64_t value, unsigned size) {
    PciBus *bus = opaque;
    if (offset >> 20) return;
    pci_bus_config_write(bus, (unsigned)(offset >> 12) & 0xff, (unsigned)offset & 0xfff, (uint32_t)value, size);
}

const MemOps pci_ecam_ops = {
    .read = ecam_read,
    .write = ecam_write,
    .min_size = 1,
    .max_size = 4,
};

static uint64_t window_read(void *opaque, uint64_t offset, unsigned size) {
    PciWindow *w = opaque;
    return pci_bus_read(w->bus, w->space, w->bus_base + offset, size);
}

static void window_write(void *opaque, uint64_t offset, uint64_t value, unsigned size) {
    PciWindow *w = opaque;
    pci_bus_write(w->bus, w->space, w->bus_base + offset, value, size);
}

const MemOps pci_window_ops = {
    .read = window_read,
    .write = window_write,
    .min_size = 1,
    .max_size = 8,
};

/* ---- the host bridge function ----------------------------------------------- */

static void host_bridge_class_init(PciDeviceClass *k) {
    k->desc = "PCIe host bridge";
    k->vendor_id = PCI_HOST_BRIDGE_VENDOR_ID;
    k->device_id = PCI_HOST_BRIDGE_DEVICE_ID;
    k->class_id = PCIR_CLASS_BRIDGE_HOST;
    k->subsystem_vendor_id = 0x1af4; /* as QEMU: Red Hat / QEMU subsystem */
    k->subsystem_id = 0x1100;
}

static const PciTypeInfo host_bridge_type = {
    .name = PCI_TYPE_HOST_BRIDGE,
    .parent = PCI_TYPE_DEVICE,
    .instance_size = sizeof(PciDevice),
    .board_only = true,
    .class_init = host_bridge_class_init,
};
PCI_REGISTER_TYPE(host_bridge_type)
