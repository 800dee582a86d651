/* pci_regs.h — the standard PCI configuration-space header (type 0) as
 * offsets and bits, for the bus model and the device models in pcidev/.
 * Only #defines; the names follow the PCI Local Bus spec 3.0 and Linux's
 * include/uapi/linux/pci_regs.h, prefixed PCIR_ so that a file including
 * both never clashes.
 *
 *   0x00 vendor id        0x02 device id
 *   0x04 command          0x06 status
 *   0x08 revision         0x09 prog-if  0x0a subclass  0x0b base class
 *   0x0c cache line size  0x0d latency  0x0e header type  0x0f BIST
 *   0x10..0x27 BAR0..BAR5 (a 64-bit BAR takes two slots)
 *   0x2c subsystem vendor 0x2e subsystem id
 *   0x30 expansion ROM    0x34 capabilities pointer
 *   0x3c interrupt line   0x3d interrupt pin (1 = INTA .. 4 = INTD)
 */
#ifndef VPLAT_PCIDEV_PCI_REGS_H
#define VPLAT_PCIDEV_PCI_REGS_H

#define PCIR_CONFIG_SIZE 256        /* conventional config space */
#define PCIR_ECAM_FUNC_SIZE 4096    /* ECAM: 4 KiB per function */

#define PCIR_VENDOR_ID 0x00
#define PCIR_DEVICE_ID 0x02
#define PCIR_COMMAND 0x04
#define PCIR_COMMAND_IO 0x0001           /* decode the I/O BARs */
#define PCIR_COMMAND_MEMORY 0x0002       /* decode the memory BARs */
#define PCIR_COMMAND_MASTER 0x0004       /* may master the bus (DMA) */
#define PCIR_COMMAND_PARITY 0x0040
#define PCIR_COMMAND_SERR 0x0100
#define PCIR_COMMAND_INTX_DISABLE 0x0400 /* keep INTx deasserted */
#define PCIR_STATUS 0x06
#define PCIR_STATUS_INTERRUPT 0x0008     /* INTx asserted by the function (RO) */
#define PCIR_STATUS_CAP_LIST 0x0010
#define PCIR_STATUS_SIG_TARGET_ABORT 0x0800
#define PCIR_STATUS_REC_TARGET_ABORT 0x1000
#define PCIR_STATUS_REC_MASTER_ABORT 0x2000 /* a DMA went nowhere */
#define PCIR_STATUS_SIG_SYSTEM_ERROR 0x4000
#define PCIR_STATUS_DETECTED_PARITY 0x8000
#define PCIR_STATUS_W1C 0xf900           /* error bits: write 1 to clear */
#define PCIR_REVISION_ID 0x08
#define PCIR_CLASS_PROG 0x09
#define PCIR_CLASS_DEVICE 0x0a           /* 16 bits: base class << 8 | subclass */
#define PCIR_CACHE_LINE_SIZE 0x0c
#define PCIR_LATENCY_TIMER 0x0d
#define PCIR_HEADER_TYPE 0x0e
#define PCIR_HEADER_TYPE_NORMAL 0x00
#define PCIR_HEADER_TYPE_MULTI 0x80
#define PCIR_BIST 0x0f

#define PCIR_BAR0 0x10
#define PCIR_NUM_BARS 6
#define PCIR_BAR(n) (PCIR_BAR0 + 4 * (n))
#define PCIR_BAR_SPACE_IO 0x01           /* bit 0: I/O space */
#define PCIR_BAR_MEM_TYPE_64 0x04        /* bits 2:1 = 10b: 64-bit memory BAR */
#define PCIR_BAR_MEM_PREFETCH 0x08
#define PCIR_BAR_MEM_MASK (~0xfull)
#define PCIR_BAR_IO_MASK (~0x3ull)

#define PCIR_SUBSYSTEM_VENDOR_ID 0x2c
#define PCIR_SUBSYSTEM_ID 0x2e
#define PCIR_ROM_ADDRESS 0x30
#define PCIR_CAPABILITY_LIST 0x34
#define PCIR_INTERRUPT_LINE 0x3c
#define PCIR_INTERRUPT_PIN 0x3d
#define PCIR_MIN_GNT 0x3e
#define PCIR_MAX_LAT 0x3f

#define PCIR_INTX_NONE 0
#define PCIR_INTA 1
#define PCIR_INTB 2
#define PCIR_INTC 3
#define PCIR_INTD 4

/* Class codes used here (PCI Code and ID Assignment spec). */
#define PCIR_CLASS_BRIDGE_HOST 0x0600
#define PCIR_CLASS_OTHERS 0x00ff

#endif
