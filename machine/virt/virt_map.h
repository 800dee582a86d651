/* virt_map.h — the virt board's physical memory map, interrupt numbers and
 * clocks.  They are qemu-system-riscv64's `-M virt` values (QEMU 7.2,
 * hw/riscv/virt.c virt_memmap[] and include/hw/riscv/virt.h), so firmware
 * and kernels built for QEMU's board run unchanged.  The board maps its
 * devices at these addresses and virt_fdt.c describes them from the same
 * constants, so the two cannot disagree.
 *
 *   0x00100000  test/poweroff (sifive,test0)      0x1000
 *   0x02000000  CLINT                             0x10000
 *   0x03000000  PCIe PIO window                   0x10000
 *   0x0c000000  PLIC                              0x600000
 *   0x10000000  UART0 (ns16550a, PLIC source 10)  0x100
 *   0x30000000  PCIe ECAM                         0x10000000
 *   0x40000000  PCIe MMIO window (32-bit BARs)    0x40000000
 *   0x80000000  RAM (-m)
 *   RAM end rounded up to 16 GiB:
 *               PCIe MMIO window (64-bit BARs)    0x400000000
 */
#ifndef VPLAT_MACHINE_VIRT_MAP_H
#define VPLAT_MACHINE_VIRT_MAP_H

#define VIRT_TEST_BASE 0x100000ull
#define VIRT_TEST_SIZE 0x1000ull
#define VIRT_CLINT_BASE 0x2000000ull
#define VIRT_CLINT_SIZE 0x10000ull
#define VIRT_PLIC_BASE 0xc000000ull
#define VIRT_PLIC_SIZE 0x600000ull /* room for 2 contexts x VIRT_MAX_HARTS */
#define VIRT_UART0_BASE 0x10000000ull
#define VIRT_UART0_SIZE 0x100ull
#define VIRT_DRAM_BASE 0x80000000ull

/* The PCIe host bridge (machine/virt/virt_pci.c).  Its windows are
 * identity-mapped (bus address = CPU address) except the PIO window,
 * whose bus addresses (I/O ports) start at 0. */
#define VIRT_PCIE_PIO_BASE 0x3000000ull
#define VIRT_PCIE_PIO_SIZE 0x10000ull
#define VIRT_PCIE_ECAM_BASE 0x30000000ull
#define VIRT_PCIE_ECAM_SIZE 0x10000000ull
#define VIRT_PCIE_MMIO_BASE 0x40000000ull
#define VIRT_PCIE_MMIO_SIZE 0x40000000ull
#define VIRT_PCIE_MMIO64_SIZE 0x400000000ull
/* QEMU 7.2: the 64-bit window starts at the end of RAM rounded up to its size. */
#define VIRT_PCIE_MMIO64_BASE(ram_size) \
    ((VIRT_DRAM_BASE + (ram_size) + VIRT_PCIE_MMIO64_SIZE - 1) & ~(VIRT_PCIE_MMIO64_SIZE - 1))
#define VIRT_PCIE_IRQ_BASE 32 /* INTA..INTD = PLIC sources 32..35 */

/* PLIC sources including the reserved source 0: 1..95 are usable. */
#define VIRT_PLIC_NUM_SOURCES 96
#define VIRT_UART0_IRQ 10

#define VIRT_MAX_HARTS 512         /* QEMU 7.2 VIRT_CPUS_MAX */
#define VIRT_TIMEBASE_FREQ 10000000u /* mtime ticks per second */
#define VIRT_UART_CLOCK_FREQ 3686400u /* 0x384000, the UART's input clock */

#endif
