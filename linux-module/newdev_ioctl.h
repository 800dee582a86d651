/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* newdev_ioctl.h — the user-space interface of newdev.ko (/dev/newdev),
 * shared by the driver (newdev.c) and its user-space tool (newdev_dma.c).
 * The device's own registers are in pcidev/newdev_regs.h; this is the
 * driver's ABI, not the device's.
 *
 *   int fd = open("/dev/newdev", O_RDWR);
 *   struct newdev_dma d = { .user_addr = (uintptr_t)buf, .len = n, .offset = 0 };
 *   ioctl(fd, NEWDEV_IOC_DMA_TO_DEVICE, &d);     buf -> device buffer, by DMA
 *   ioctl(fd, NEWDEV_IOC_DMA_FROM_DEVICE, &d);   device buffer -> buf, by DMA
 *   read(fd, ...), write(fd, ...)                 the buffer through the I/O ports
 */
#ifndef NEWDEV_IOCTL_H
#define NEWDEV_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

struct newdev_dma {
	__u64 user_addr;	/* user buffer */
	__u32 len;		/* bytes, at most the device's buffer size */
	__u32 offset;		/* in the device's buffer */
};

struct newdev_info {
	__u32 buf_size;		/* device buffer bytes */
	__u32 data_len;		/* valid bytes in it */
	__u32 cmd_count;	/* commands the device completed */
	__u32 irq_count;	/* interrupts the device raised */
	__u64 irqs_handled;	/* interrupts the driver handled */
};

#define NEWDEV_IOC_MAGIC 'N'
#define NEWDEV_IOC_DMA_TO_DEVICE _IOW(NEWDEV_IOC_MAGIC, 1, struct newdev_dma)
#define NEWDEV_IOC_DMA_FROM_DEVICE _IOW(NEWDEV_IOC_MAGIC, 2, struct newdev_dma)
#define NEWDEV_IOC_INFO _IOR(NEWDEV_IOC_MAGIC, 3, struct newdev_info)

#endif
