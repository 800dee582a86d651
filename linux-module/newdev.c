// SPDX-License-Identifier: GPL-2.0
/*
 * newdev.c — Linux driver for vplat's example PCI device, newdev
 * ("New Virtual PCI Device", 1337:0001, class 00ff; model in
 * pcidev/newdev.c, registers in pcidev/newdev_regs.h).
 *
 *   probe:  enable the device, map BAR0 (registers), BAR1 (I/O ports),
 *           BAR2 (buffer), check the ID through both, bus mastering and a
 *           64-bit DMA mask, request the (shared) INTx line, enable the
 *           device's interrupt, then /proc/newdevice and /dev/newdev
 *   /proc/newdevice  write: the bytes go into the device buffer (MMIO,
 *                    BAR2) and DATA_LEN; read: DATA_LEN bytes back
 *   /dev/newdev      read/write at the file position through the
 *                    index/data ports (BAR1); ioctl NEWDEV_IOC_DMA_* moves
 *                    a user buffer to or from the device by DMA and waits
 *                    for the completion interrupt (newdev_ioctl.h)
 *   irq:    read IRQ_STATUS, acknowledge it, wake the waiting command
 *
 * The second and later devices get /proc/newdevice<N> and /dev/newdev<N>.
 */
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "newdev_ioctl.h"
#include "newdev_regs.h"

#define DRV_NAME "newdev"
#define CMD_TIMEOUT_MS 1000

struct newdev {
	struct pci_dev *pdev;
	void __iomem *regs, *pio, *buf;
	u32 buf_size;
	int index;
	struct mutex lock;		/* one command, one buffer user at a time */
	struct completion done;		/* the running command's interrupt */
	u32 last_irq_status;
	atomic64_t irqs_handled;
	void *dma_cpu;			/* coherent DMA bounce buffer, buf_size bytes */
	dma_addr_t dma_handle;
	char proc_name[24], misc_name[16];
	struct proc_dir_entry *proc;
	struct miscdevice misc;
};

static DEFINE_IDA(newdev_ida);

/* ---- interrupt and commands ---------------------------------------------- */

static irqreturn_t newdev_irq(int irq, void *data)
{
	struct newdev *nd = data;
	u32 status = ioread32(nd->regs + NEWDEV_REG_IRQ_STATUS);

	if (!status)
		return IRQ_NONE;	/* the line is shared: not ours */
	iowrite32(status, nd->regs + NEWDEV_REG_IRQ_ACK);
	WRITE_ONCE(nd->last_irq_status, status);
	atomic64_inc(&nd->irqs_handled);
	complete(&nd->done);
	return IRQ_HANDLED;
}

/* Start a command and wait for its interrupt.  Called with nd->lock. */
static int newdev_run(struct newdev *nd, u32 cmd)
{
	reinit_completion(&nd->done);
	WRITE_ONCE(nd->last_irq_status, 0);
	iowrite32(cmd, nd->regs + NEWDEV_REG_COMMAND);
	if (!wait_for_completion_timeout(&nd->done, msecs_to_jiffies(CMD_TIMEOUT_MS))) {
		dev_err(&nd->pdev->dev, "command %u: no interrupt after %d ms\n", cmd, CMD_TIMEOUT_MS);
		return -ETIMEDOUT;
	}
	if (READ_ONCE(nd->last_irq_status) & NEWDEV_IRQ_ERROR) {
		dev_err(&nd->pdev->dev, "command %u failed, status 0x%x\n", cmd,
			ioread32(nd->regs + NEWDEV_REG_STATUS));
		return -EIO;
	}
	return 0;
}

static int newdev_dma(struct newdev *nd, u32 cmd, const struct newdev_dma *d)
{
	void __user *ubuf = u64_to_user_ptr(d->user_addr);
	int ret;

	if (d->offset > nd->buf_size || d->len > nd->buf_size - d->offset)
		return -EINVAL;
	if (mutex_lock_interruptible(&nd->lock))
		return -ERESTARTSYS;
	if (cmd == NEWDEV_CMD_DMA_TO_DEVICE && copy_from_user(nd->dma_cpu, ubuf, d->len)) {
		ret = -EFAULT;
		goto out;
	}
	iowrite32(lower_32_bits(nd->dma_handle), nd->regs + NEWDEV_REG_DMA_ADDR_LO);
	iowrite32(upper_32_bits(nd->dma_handle), nd->regs + NEWDEV_REG_DMA_ADDR_HI);
	iowrite32(d->len, nd->regs + NEWDEV_REG_DMA_LEN);
	iowrite32(d->offset, nd->regs + NEWDEV_REG_DMA_OFFSET);
	ret = newdev_run(nd, cmd);
	if (!ret && cmd == NEWDEV_CMD_DMA_FROM_DEVICE && copy_to_user(ubuf, nd->dma_cpu, d->len))
		ret = -EFAULT;
out:
	mutex_unlock(&nd->lock);
	return ret;
}

/* ---- /proc/newdevice: the buffer through MMIO (BAR2) ------------------------- */

static ssize_t newdev_proc_write(struct file *file, const char __user *ubuf, size_t count, loff_t *ppos)
{
	struct newdev *nd = pde_data(file_inode(file));
	void *tmp;

	if (count > nd->buf_size)
		return -ENOSPC;
	tmp = memdup_user(ubuf, count);
	if (IS_ERR(tmp))
		return PTR_ERR(tmp);
	mutex_lock(&nd->lock);
	memcpy_toio(nd->buf, tmp, count);
	iowrite32(count, nd->regs + NEWDEV_REG_DATA_LEN);	/* a write replaces the contents */
	mutex_unlock(&nd->lock);
	kfree(tmp);
	return count;
}

static ssize_t newdev_proc_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct newdev *nd = pde_data(file_inode(file));
	u32 len;
	void *tmp;
	ssize_t ret;

	tmp = kmalloc(nd->buf_size, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	mutex_lock(&nd->lock);
	len = min(ioread32(nd->regs + NEWDEV_REG_DATA_LEN), nd->buf_size);
	memcpy_fromio(tmp, nd->buf, len);
	mutex_unlock(&nd->lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, tmp, len);
	kfree(tmp);
	return ret;
}

static const struct proc_ops newdev_proc_ops = {
	.proc_read = newdev_proc_read,
	.proc_write = newdev_proc_write,
	.proc_lseek = default_llseek,
};

/* ---- /dev/newdev: the buffer through the I/O ports (BAR1), and DMA ------------ */

static struct newdev *file_newdev(struct file *file)
{
	return container_of(file->private_data, struct newdev, misc);
}

static ssize_t newdev_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct newdev *nd = file_newdev(file);
	u32 len, i;
	u8 *tmp;

	if (mutex_lock_interruptible(&nd->lock))
		return -ERESTARTSYS;
	len = min(ioread32(nd->regs + NEWDEV_REG_DATA_LEN), nd->buf_size);
	if (*ppos >= len) {
		mutex_unlock(&nd->lock);
		return 0;
	}
	count = min_t(size_t, count, len - *ppos);
	tmp = kmalloc(count, GFP_KERNEL);
	if (!tmp) {
		mutex_unlock(&nd->lock);
		return -ENOMEM;
	}
	iowrite32(*ppos, nd->pio + NEWDEV_PIO_INDEX);
	for (i = 0; i < count; i++)
		tmp[i] = ioread8(nd->pio + NEWDEV_PIO_DATA);
	mutex_unlock(&nd->lock);
	if (copy_to_user(ubuf, tmp, count)) {
		kfree(tmp);
		return -EFAULT;
	}
	kfree(tmp);
	*ppos += count;
	return count;
}

static ssize_t newdev_write(struct file *file, const char __user *ubuf, size_t count, loff_t *ppos)
{
	struct newdev *nd = file_newdev(file);
	u32 i, end;
	u8 *tmp;

	if (*ppos >= nd->buf_size)
		return -ENOSPC;
	count = min_t(size_t, count, nd->buf_size - *ppos);
	tmp = memdup_user(ubuf, count);
	if (IS_ERR(tmp))
		return PTR_ERR(tmp);
	if (mutex_lock_interruptible(&nd->lock)) {
		kfree(tmp);
		return -ERESTARTSYS;
	}
	iowrite32(*ppos, nd->pio + NEWDEV_PIO_INDEX);
	for (i = 0; i < count; i++)
		iowrite8(tmp[i], nd->pio + NEWDEV_PIO_DATA);
	end = *ppos + count;
	if (end > ioread32(nd->regs + NEWDEV_REG_DATA_LEN))
		iowrite32(end, nd->regs + NEWDEV_REG_DATA_LEN);
	mutex_unlock(&nd->lock);
	kfree(tmp);
	*ppos += count;
	return count;
}

static long newdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct newdev *nd = file_newdev(file);
	void __user *uarg = (void __user *)arg;
	struct newdev_dma d;
	struct newdev_info info;

	switch (cmd) {
	case NEWDEV_IOC_DMA_TO_DEVICE:
	case NEWDEV_IOC_DMA_FROM_DEVICE:
		if (copy_from_user(&d, uarg, sizeof(d)))
			return -EFAULT;
		return newdev_dma(nd, cmd == NEWDEV_IOC_DMA_TO_DEVICE ? NEWDEV_CMD_DMA_TO_DEVICE
								      : NEWDEV_CMD_DMA_FROM_DEVICE, &d);
	case NEWDEV_IOC_INFO:
		memset(&info, 0, sizeof(info));
		info.buf_size = nd->buf_size;
		info.data_len = ioread32(nd->regs + NEWDEV_REG_DATA_LEN);
		info.cmd_count = ioread32(nd->regs + NEWDEV_REG_CMD_COUNT);
		info.irq_count = ioread32(nd->regs + NEWDEV_REG_IRQ_COUNT);
		info.irqs_handled = atomic64_read(&nd->irqs_handled);
		return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations newdev_fops = {
	.owner = THIS_MODULE,
	.read = newdev_read,
	.write = newdev_write,
	.unlocked_ioctl = newdev_ioctl,
	.llseek = default_llseek,
};

/* ---- probe and remove ---------------------------------------------------- */

static int newdev_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct newdev *nd;
	u32 ident, pio_ident;
	int ret;

	nd = devm_kzalloc(dev, sizeof(*nd), GFP_KERNEL);
	if (!nd)
		return -ENOMEM;
	nd->pdev = pdev;
	mutex_init(&nd->lock);
	init_completion(&nd->done);
	pci_set_drvdata(pdev, nd);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(NEWDEV_BAR_REGS) | BIT(NEWDEV_BAR_PIO) | BIT(NEWDEV_BAR_BUF), DRV_NAME);
	if (ret)
		return ret;
	nd->regs = pcim_iomap_table(pdev)[NEWDEV_BAR_REGS];
	nd->pio = pcim_iomap_table(pdev)[NEWDEV_BAR_PIO];
	nd->buf = pcim_iomap_table(pdev)[NEWDEV_BAR_BUF];

	ident = ioread32(nd->regs + NEWDEV_REG_ID);
	pio_ident = ioread32(nd->pio + NEWDEV_PIO_ID);
	if (ident != NEWDEV_ID_VALUE || pio_ident != NEWDEV_ID_VALUE) {
		dev_err(dev, "unexpected ID 0x%08x (MMIO), 0x%08x (I/O); want 0x%08x\n", ident, pio_ident,
			NEWDEV_ID_VALUE);
		return -ENODEV;
	}
	nd->buf_size = ioread32(nd->regs + NEWDEV_REG_BUF_SIZE);
	if (nd->buf_size > pci_resource_len(pdev, NEWDEV_BAR_BUF)) {
		dev_err(dev, "buffer of %u bytes does not fit BAR2\n", nd->buf_size);
		return -ENODEV;
	}

	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	nd->dma_cpu = dmam_alloc_coherent(dev, nd->buf_size, &nd->dma_handle, GFP_KERNEL);
	if (!nd->dma_cpu)
		return -ENOMEM;

	ret = devm_request_irq(dev, pdev->irq, newdev_irq, IRQF_SHARED, DRV_NAME, nd);
	if (ret)
		return ret;
	iowrite32(NEWDEV_CTRL_RESET, nd->regs + NEWDEV_REG_CONTROL);
	iowrite32(NEWDEV_CTRL_IRQ_ENABLE, nd->regs + NEWDEV_REG_CONTROL);

	nd->index = ida_alloc(&newdev_ida, GFP_KERNEL);
	if (nd->index < 0)
		return nd->index;
	if (nd->index) {
		snprintf(nd->proc_name, sizeof(nd->proc_name), "newdevice%d", nd->index);
		snprintf(nd->misc_name, sizeof(nd->misc_name), "newdev%d", nd->index);
	} else {
		strscpy(nd->proc_name, "newdevice", sizeof(nd->proc_name));
		strscpy(nd->misc_name, "newdev", sizeof(nd->misc_name));
	}
	nd->proc = proc_create_data(nd->proc_name, 0666, NULL, &newdev_proc_ops, nd);
	if (!nd->proc) {
		ret = -ENOMEM;
		goto err_ida;
	}
	nd->misc.minor = MISC_DYNAMIC_MINOR;
	nd->misc.name = nd->misc_name;
	nd->misc.fops = &newdev_fops;
	nd->misc.mode = 0666;
	nd->misc.parent = dev;
	ret = misc_register(&nd->misc);
	if (ret)
		goto err_proc;

	dev_info(dev, "New Virtual PCI Device: %u-byte buffer, irq %d, /proc/%s, /dev/%s\n", nd->buf_size,
		 pdev->irq, nd->proc_name, nd->misc_name);
	return 0;

err_proc:
	proc_remove(nd->proc);
err_ida:
	ida_free(&newdev_ida, nd->index);
	iowrite32(0, nd->regs + NEWDEV_REG_CONTROL);
	return ret;
}

static void newdev_remove(struct pci_dev *pdev)
{
	struct newdev *nd = pci_get_drvdata(pdev);

	misc_deregister(&nd->misc);
	proc_remove(nd->proc);
	ida_free(&newdev_ida, nd->index);
	iowrite32(0, nd->regs + NEWDEV_REG_CONTROL);	/* interrupts off before the irq goes */
	dev_info(&pdev->dev, "removed\n");
	/* BARs, irq, DMA buffer and the device enable are released by devres */
}

static const struct pci_device_id newdev_ids[] = {
	{ PCI_DEVICE(NEWDEV_VENDOR_ID, NEWDEV_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, newdev_ids);

static struct pci_driver newdev_driver = {
	.name = DRV_NAME,
	.id_table = newdev_ids,
	.probe = newdev_probe,
	.remove = newdev_remove,
};
module_pci_driver(newdev_driver);

MODULE_DESCRIPTION("Driver for vplat's New Virtual PCI Device (1337:0001)");
MODULE_AUTHOR("vplat");
MODULE_LICENSE("GPL");
