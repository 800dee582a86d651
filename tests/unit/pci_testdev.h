/* pci_testdev.h — the kit's test device types (pci_testdev.c). */
#ifndef VPLAT_TESTS_PCI_TESTDEV_H
#define VPLAT_TESTS_PCI_TESTDEV_H

#ifdef __cplusplus
extern "C" {
#endif

#include "pcidev/pci.h"

#define PCI_TESTDEV "pci-testdev"
#define PCI_TESTDEV_SUB "pci-testdev-sub"

typedef struct PciTestDev {
    PciDevice pci;
    uint32_t size;
    bool io;
    uint64_t mem64;
    char *label;
    uint8_t pin;
    uint16_t tag;
    uint32_t ranged;
    bool fail;
    void *scratch;                 /* allocated by realize, freed by exit */
    uint64_t regs[4];              /* first 32 bytes of each BAR */
    unsigned last_bar, last_size, reads, writes;
    uint64_t last_off, last_val;
} PciTestDev;

typedef struct PciTestSubDev {
    PciTestDev parent;
    uint64_t extra;
} PciTestSubDev;

typedef struct PciTestCounters {
    unsigned realize, sub_realize, reset, exit, config_writes;
} PciTestCounters;
extern PciTestCounters pci_test_counters;

#ifdef __cplusplus
}
#endif

#endif
