/* newdev_regs.h — the programming interface of newdev, vplat's example PCI
 * device ("New Virtual PCI Device", 1337:0001, class 00ff).  The one
 * source of truth for its registers: included by the device model
 * (pcidev/newdev.c) and by the Linux driver (linux-module/newdev.c), so it
 * holds #defines only (no types, no includes) and means the same in both.
 *
 * BAR0  memory, 32-bit, 4 KiB       registers below; 4-byte accesses only
 * BAR1  I/O, 16 bytes               the buffer through an index/data port pair
 * BAR2  memory, 64-bit prefetchable the data buffer itself (buffer-size bytes,
 *                                   1- to 8-byte accesses)
 * INTA  level-triggered: high while (IRQ_STATUS != 0 && CONTROL.IRQ_ENABLE)
 *
 * A command starts when COMMAND is written and, in this model, has
 * finished before the write returns: STATUS.BUSY is never seen set, but a
 * driver should still wait for the DONE/ERROR interrupt (or poll BUSY)
 * as it would on hardware.  Every command, good or bad, counts in
 * CMD_COUNT, sets DONE or ERROR in IRQ_STATUS, and clears the error bits
 * of the previous command first.
 *
 * DMA: the device is a bus master (the driver enables bus mastering).
 * DMA_TO_DEVICE copies DMA_LEN bytes of guest memory at DMA_ADDR into the
 * buffer at DMA_OFFSET and sets DATA_LEN to DMA_OFFSET + DMA_LEN;
 * DMA_FROM_DEVICE copies the other way.  A range outside the buffer is a
 * CMD_ERROR (nothing moves); guest memory that is not all RAM, or bus
 * mastering off, is a DMA_ERROR (nothing moves).
 */
#ifndef VPLAT_PCIDEV_NEWDEV_REGS_H
#define VPLAT_PCIDEV_NEWDEV_REGS_H

/* Identity (config space). */
#define NEWDEV_VENDOR_ID 0x1337
#define NEWDEV_DEVICE_ID 0x0001
#define NEWDEV_CLASS 0x00ff               /* base class 00, subclass ff */
#define NEWDEV_REVISION 0x01
#define NEWDEV_SUBSYSTEM_VENDOR_ID 0x1337
#define NEWDEV_SUBSYSTEM_ID 0x0001

/* BARs. */
#define NEWDEV_BAR_REGS 0
#define NEWDEV_BAR_PIO 1
#define NEWDEV_BAR_BUF 2
#define NEWDEV_REGS_SIZE 0x1000
#define NEWDEV_PIO_SIZE 0x10
#define NEWDEV_BUF_SIZE_DEFAULT 4096      /* the buffer-size property */
#define NEWDEV_BUF_SIZE_MIN 64
#define NEWDEV_BUF_SIZE_MAX 0x100000

/* BAR0 registers (32 bits each). */
#define NEWDEV_REG_ID 0x00                /* RO: NEWDEV_ID_VALUE */
#define NEWDEV_ID_VALUE 0x13370100        /* vendor << 16 | interface version 1.0 */
#define NEWDEV_REG_SCRATCH 0x04           /* RW: reads back what was written */
#define NEWDEV_REG_STATUS 0x08            /* RO */
#define NEWDEV_STATUS_BUSY 0x1            /* a command is running */
#define NEWDEV_STATUS_CMD_ERROR 0x2       /* last command refused: unknown, bad range, DMA off */
#define NEWDEV_STATUS_DMA_ERROR 0x4       /* last DMA did not reach RAM */
#define NEWDEV_STATUS_IRQ 0x8             /* INTA is asserted */
#define NEWDEV_REG_CONTROL 0x0c           /* RW */
#define NEWDEV_CTRL_IRQ_ENABLE 0x1        /* drive INTA from IRQ_STATUS */
#define NEWDEV_CTRL_RESET 0x80000000      /* write 1: reset the device (reads 0) */
#define NEWDEV_REG_IRQ_STATUS 0x10        /* RO: pending causes */
#define NEWDEV_REG_IRQ_ACK 0x14           /* WO: write 1s to clear causes */
#define NEWDEV_IRQ_DONE 0x1               /* a command completed */
#define NEWDEV_IRQ_ERROR 0x2              /* a command failed */
#define NEWDEV_REG_BUF_SIZE 0x18          /* RO: buffer bytes (BAR2's size) */
#define NEWDEV_REG_DATA_LEN 0x1c          /* RW: valid bytes in the buffer (clamped to BUF_SIZE) */
#define NEWDEV_REG_DMA_ADDR_LO 0x20       /* RW: bus address of guest memory, low 32 bits */
#define NEWDEV_REG_DMA_ADDR_HI 0x24       /* RW: high 32 bits */
#define NEWDEV_REG_DMA_LEN 0x28           /* RW: bytes to move */
#define NEWDEV_REG_DMA_OFFSET 0x2c        /* RW: buffer offset */
#define NEWDEV_REG_COMMAND 0x30           /* WO: start a command; reads the last one */
#define NEWDEV_CMD_NOP 0x0                /* completes at once: raises DONE */
#define NEWDEV_CMD_DMA_TO_DEVICE 0x1      /* guest memory -> buffer */
#define NEWDEV_CMD_DMA_FROM_DEVICE 0x2    /* buffer -> guest memory */
#define NEWDEV_CMD_CLEAR 0x3              /* zero the buffer and DATA_LEN */
#define NEWDEV_REG_CMD_COUNT 0x34         /* RO: commands completed */
#define NEWDEV_REG_IRQ_COUNT 0x38         /* RO: times INTA was asserted */

/* BAR1 ports. */
#define NEWDEV_PIO_ID 0x0                 /* RO, 4 bytes: NEWDEV_ID_VALUE */
#define NEWDEV_PIO_INDEX 0x4              /* RW, 4 bytes: buffer offset for PIO_DATA (taken modulo BUF_SIZE) */
#define NEWDEV_PIO_DATA 0x8               /* RW, 1/2/4 bytes: buffer bytes at INDEX; INDEX += size */

#endif
