/* newdev.c — "New Virtual PCI Device" (1337:0001, class 00ff), the kit's
 * worked example (pcidev/TUTORIAL.md walks through it): a data buffer the
 * guest writes and reads back through MMIO (BAR2) or an I/O port pair
 * (BAR1), status/control registers (BAR0), a DMA engine between guest RAM
 * and the buffer, and an INTA interrupt when a command completes.  The
 * register layout is pcidev/newdev_regs.h, shared with the Linux driver
 * in linux-module/newdev.c.
 *
 *   guest writes COMMAND ─▶ newdev_command: run it at once
 *        ├─ DMA_TO/FROM_DEVICE: range checks, pci_dma_read/write
 *        └─ IRQ_STATUS |= DONE or ERROR ─▶ update_irq ─▶ pci_set_irq(INTA)
 *   guest writes IRQ_ACK ─▶ causes cleared ─▶ INTA drops when none is left
 *
 * Properties: buffer-size (bytes, a power of two, 64..1 MiB; BAR2's size)
 * and dma (off: DMA commands fail with CMD_ERROR, for testing a driver's
 * error path).
 */
#include <stdlib.h>
#include <string.h>

#include "pcidev/newdev_regs.h"
#include "pcidev/pci.h"

/* ---- state -------------------------------------------------------------------- */

typedef struct NewDev {
    PciDevice pci;
    /* properties */
    uint32_t buffer_size;
    bool dma;
    /* registers */
    uint32_t scratch, status, control, irq_status;
    uint32_t data_len, dma_addr_lo, dma_addr_hi, dma_len, dma_offset;
    uint32_t last_command, cmd_count, irq_count;
    uint32_t pio_index;
    bool irq_line;            /* the level last driven on INTA */
    uint8_t *buf;             /* buffer_size bytes */
} NewDev;

/* ---- interrupts and commands ----------------------------------------------------- */

static void update_irq(NewDev *s) {
    bool level = s->irq_status && (s->control & NEWDEV_CTRL_IRQ_ENABLE);
    if (level && !s->irq_line) s->irq_count++;
    s->irq_line = level;
    pci_set_irq(&s->pci, level);
}

/* Check the DMA registers against the buffer; false = CMD_ERROR. */
static bool dma_range_ok(NewDev *s) {
    return s->dma_offset <= s->buffer_size && s->dma_len <= s->buffer_size - s->dma_offset;
}

static void newdev_command(NewDev *s, uint32_t cmd) {
    uint64_t addr = (uint64_t)s->dma_addr_hi << 32 | s->dma_addr_lo;
    s->last_command = cmd;
    s->status &= ~(uint32_t)(NEWDEV_STATUS_CMD_ERROR | NEWDEV_STATUS_DMA_ERROR);
    switch (cmd) {
    case NEWDEV_CMD_NOP: break;
    case NEWDEV_CMD_DMA_TO_DEVICE:
    case NEWDEV_CMD_DMA_FROM_DEVICE:
        if (!s->dma || !dma_range_ok(s)) {
            pci_guest_error(&s->pci, "DMA command refused (dma=%s, offset %u + length %u, buffer %u)",
                            s->dma ? "on" : "off", s->dma_offset, s->dma_len, s->buffer_size);
            s->status |= NEWDEV_STATUS_CMD_ERROR;
        } else if (cmd == NEWDEV_CMD_DMA_TO_DEVICE) {
            if (pci_dma_read(&s->pci, addr, s->buf + s->dma_offset, s->dma_len) != MEMTX_OK)
                s->status |= NEWDEV_STATUS_DMA_ERROR;
            else
                s->data_len = s->dma_offset + s->dma_len;
        } else if (pci_dma_write(&s->pci, addr, s->buf + s->dma_offset, s->dma_len) != MEMTX_OK) {
            s->status |= NEWDEV_STATUS_DMA_ERROR;
        }
        break;
    case NEWDEV_CMD_CLEAR:
        memset(s->buf, 0, s->buffer_size);
        s->data_len = 0;
        break;
    default:
        pci_guest_error(&s->pci, "unknown command 0x%x", cmd);
        s->status |= NEWDEV_STATUS_CMD_ERROR;
        break;
    }
    s->cmd_count++;
    s->irq_status |= s->status & (NEWDEV_STATUS_CMD_ERROR | NEWDEV_STATUS_DMA_ERROR) ? NEWDEV_IRQ_ERROR : NEWDEV_IRQ_DONE;
    update_irq(s);
}

static void newdev_reset(PciDevice *pci) {
    NewDev *s = PCI_STATE(pci, NewDev);
    s->scratch = s->status = s->control = s->irq_status = 0;
    s->data_len = s->dma_addr_lo = s->dma_addr_hi = s->dma_len = s->dma_offset = 0;
    s->last_command = s->cmd_count = s->irq_count = s->pio_index = 0;
    if (s->buf) memset(s->buf, 0, s->buffer_size);
    update_irq(s);
}

/* ---- BAR0: registers ------------------------------------------------------------- */

static uint64_t regs_read(void *opaque, uint64_t off, unsigned size) {
    NewDev *s = opaque;
    switch (off) {
    case NEWDEV_REG_ID: return NEWDEV_ID_VALUE;
    case NEWDEV_REG_SCRATCH: return s->scratch;
    case NEWDEV_REG_STATUS: return s->status | (s->irq_line ? NEWDEV_STATUS_IRQ : 0);
    case NEWDEV_REG_CONTROL: return s->control;
    case NEWDEV_REG_IRQ_STATUS: return s->irq_status;
    case NEWDEV_REG_BUF_SIZE: return s->buffer_size;
    case NEWDEV_REG_DATA_LEN: return s->data_len;
    case NEWDEV_REG_DMA_ADDR_LO: return s->dma_addr_lo;
    case NEWDEV_REG_DMA_ADDR_HI: return s->dma_addr_hi;
    case NEWDEV_REG_DMA_LEN: return s->dma_len;
    case NEWDEV_REG_DMA_OFFSET: return s->dma_offset;
    case NEWDEV_REG_COMMAND: return s->last_command;
    case NEWDEV_REG_CMD_COUNT: return s->cmd_count;
    case NEWDEV_REG_IRQ_COUNT: return s->irq_count;
    default: return 0; /* IRQ_ACK and unassigned offsets */
    }
}

static void regs_write(void *opaque, uint64_t off, uint64_t value, unsigned size) {
    NewDev *s = opaque;
    uint32_t v = (uint32_t)value;
    switch (off) {
    case NEWDEV_REG_SCRATCH: s->scratch = v; break;
    case NEWDEV_REG_CONTROL:
        if (v & NEWDEV_CTRL_RESET) {
            newdev_reset(&s->pci);
            break;
        }
        s->control = v & NEWDEV_CTRL_IRQ_ENABLE;
        update_irq(s);
        break;
    case NEWDEV_REG_IRQ_ACK:
        s->irq_status &= ~v;
        update_irq(s);
        break;
    case NEWDEV_REG_DATA_LEN: s->data_len = v < s->buffer_size ? v : s->buffer_size; break;
    case NEWDEV_REG_DMA_ADDR_LO: s->dma_addr_lo = v; break;
    case NEWDEV_REG_DMA_ADDR_HI: s->dma_addr_hi = v; break;
    case NEWDEV_REG_DMA_LEN: s->dma_len = v; break;
    case NEWDEV_REG_DMA_OFFSET: s->dma_offset = v; break;
    case NEWDEV_REG_COMMAND: newdev_command(s, v); break;
    default: pci_guest_error(&s->pci, "write of 0x%x to read-only or unassigned register 0x%x", v, (unsigned)off); break;
    }
}

/* The kit lets only 4-byte accesses through (others read all ones). */
static const MemOps newdev_regs_ops = {
    .read = regs_read,
    .write = regs_write,
    .min_size = 4,
    .max_size = 4,
};

/* ---- BAR1: index/data ports ------------------------------------------------------- */

static uint64_t pio_read(void *opaque, uint64_t off, unsigned size) {
    NewDev *s = opaque;
    if (off == NEWDEV_PIO_ID && size == 4) return NEWDEV_ID_VALUE;
    if (off == NEWDEV_PIO_INDEX && size == 4) return s->pio_index;
    if (off != NEWDEV_PIO_DATA) return 0;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)s->buf[s->pio_index & (s->buffer_size - 1)] << (8 * i);
        s->pio_index = (s->pio_index + 1) & (s->buffer_size - 1);
    }
    return v;
}

static void pio_write(void *opaque, uint64_t off, uint64_t value, unsigned size) {
    NewDev *s = opaque;
    if (off == NEWDEV_PIO_INDEX && size == 4) {
        s->pio_index = (uint32_t)value & (s->buffer_size - 1);
    } else if (off == NEWDEV_PIO_DATA) {
        for (unsigned i = 0; i < size; i++) {
            s->buf[s->pio_index & (s->buffer_size - 1)] = (uint8_t)(value >> (8 * i));
            s->pio_index = (s->pio_index + 1) & (s->buffer_size - 1);
        }
    }
}

static const MemOps newdev_pio_ops = {
    .read = pio_read,
    .write = pio_write,
    .min_size = 1,
    .max_size = 4,
};

/* ---- BAR2: the buffer ------------------------------------------------------------- */

static uint64_t buf_read(void *opaque, uint64_t off, unsigned size) {
    NewDev *s = opaque;
    uint64_t v = 0;
    memcpy(&v, s->buf + off, size); /* the kit keeps off + size inside the BAR */
    return v;
}

static void buf_write(void *opaque, uint64_t off, uint64_t value, unsigned size) {
    NewDev *s = opaque;
    memcpy(s->buf + off, &value, size);
}

static const MemOps newdev_buf_ops = {
    .read = buf_read,
    .write = buf_write,
    .min_size = 1,
    .max_size = 8,
};

/* ---- lifetime and registration ----------------------------------------------------- */

static bool newdev_realize(PciDevice *pci) {
    NewDev *s = PCI_STATE(pci, NewDev);
    if (s->buffer_size & (s->buffer_size - 1))
        return pci_device_error(pci, "buffer-size must be a power of two, not %u", s->buffer_size);
    s->buf = calloc(1, s->buffer_size);
    if (!s->buf) return pci_device_error(pci, "cannot allocate a %u-byte buffer", s->buffer_size);
    return pci_register_bar(pci, NEWDEV_BAR_REGS, PCI_BAR_MEM32, NEWDEV_REGS_SIZE, &newdev_regs_ops, s) &&
           pci_register_bar(pci, NEWDEV_BAR_PIO, PCI_BAR_IO, NEWDEV_PIO_SIZE, &newdev_pio_ops, s) &&
           pci_register_bar(pci, NEWDEV_BAR_BUF, PCI_BAR_MEM64 | PCI_BAR_PREFETCH, s->buffer_size, &newdev_buf_ops, s);
}

static void newdev_exit(PciDevice *pci) {
    NewDev *s = PCI_STATE(pci, NewDev);
    free(s->buf);
    s->buf = NULL;
}

static void newdev_class_init(PciDeviceClass *k) {
    k->desc = "New Virtual PCI Device";
    k->vendor_id = NEWDEV_VENDOR_ID;
    k->device_id = NEWDEV_DEVICE_ID;
    k->class_id = NEWDEV_CLASS;
    k->revision = NEWDEV_REVISION;
    k->subsystem_vendor_id = NEWDEV_SUBSYSTEM_VENDOR_ID;
    k->subsystem_id = NEWDEV_SUBSYSTEM_ID;
    k->intx_pin = PCIR_INTA;
    k->realize = newdev_realize;
    k->reset = newdev_reset;
    k->exit = newdev_exit;
}

static const PciProperty newdev_props[] = {
    PCI_PROP_UINT32_RANGE("buffer-size", NewDev, buffer_size, NEWDEV_BUF_SIZE_DEFAULT, NEWDEV_BUF_SIZE_MIN,
                          NEWDEV_BUF_SIZE_MAX, "bytes in the data buffer (BAR2), a power of two"),
    PCI_PROP_BOOL("dma", NewDev, dma, true, "DMA engine present (off: DMA commands fail)"),
    PCI_PROP_END,
};

static const PciTypeInfo newdev_type = {
    .name = "newdev",
    .parent = PCI_TYPE_DEVICE,
    .instance_size = sizeof(NewDev),
    .class_init = newdev_class_init,
    .props = newdev_props,
};
PCI_REGISTER_TYPE(newdev_type)
