/* uart16550.c — the 16550A UART (see uart16550.h): register file, RX FIFO,
 * interrupt identification and the device-tree node.
 *
 * Interrupt sources, highest priority first, as IIR reports them (16550A
 * datasheet, "Interrupt Identification Register"):
 *
 *   0x06 receiver line status   IER.RLSI and LSR has OE/PE/FE/BI
 *   0x04 received data          IER.RDI and RX FIFO >= trigger level
 *   0x0c character timeout      IER.RDI and 0 < RX FIFO < trigger level
 *   0x02 THR empty              IER.THRI and not yet acknowledged
 *   0x00 modem status           IER.MSI and an MSR delta bit
 *
 * The character timeout is taken as already expired: vplat models no idle
 * time on the line, so data below the trigger level interrupts at once
 * (Linux programs the trigger at 8 bytes and relies on the timeout for
 * single keystrokes).  A THR-empty interrupt is acknowledged by reading IIR
 * while it is the one reported, or by writing THR; turning IER.THRI on
 * raises it again (what Linux's 8250 startup test expects, and QEMU does).
 */
#include "machine/virt/uart16550.h"

#include <libfdt.h>
#include <stdio.h>

enum {
    REG_RBR_THR_DLL = 0,
    REG_IER_DLM = 1,
    REG_IIR_FCR = 2,
    REG_LCR = 3,
    REG_MCR = 4,
    REG_LSR = 5,
    REG_MSR = 6,
    REG_SCR = 7,
};

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI 0x08

#define IIR_NO_INT 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_CTI 0x0c
#define IIR_FIFO_ENABLED 0xc0

#define FCR_FE 0x01
#define FCR_RFR 0x02
#define FCR_TRIGGER 0xc0

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_PE 0x04
#define LSR_FE 0x08
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_ERRORS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define MSR_DELTAS 0x0f

static bool fifo_on(const Uart16550 *u) { return u->fcr & FCR_FE; }

static unsigned rx_capacity(const Uart16550 *u) { return fifo_on(u) ? UART_FIFO_SIZE : 1; }

static unsigned rx_trigger(const Uart16550 *u) {
    static const unsigned level[4] = {1, 4, 8, 14};
    return level[(u->fcr & FCR_TRIGGER) >> 6];
}

static uint8_t iir_id(const Uart16550 *u) {
    if ((u->ier & IER_RLSI) && (u->lsr & LSR_ERRORS)) return IIR_RLSI;
    if ((u->ier & IER_RDI) && u->rx_count) {
        return (fifo_on(u) && u->rx_count < rx_trigger(u)) ? IIR_CTI : IIR_RDI;
    }
    if ((u->ier & IER_THRI) && u->thr_ipending) return IIR_THRI;
    if ((u->ier & IER_MSI) && (u->msr & MSR_DELTAS)) return IIR_MSI;
    return IIR_NO_INT;
}

static void update_irq(Uart16550 *u) {
    bool level = iir_id(u) != IIR_NO_INT;
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

static void rx_flush(Uart16550 *u) { u->rx_head = u->rx_count = 0; }

/* One byte into the RX FIFO; a full FIFO keeps its contents and flags an
 * overrun (only loopback can get there: host input asks for room first). */
static void rx_push(Uart16550 *u, uint8_t byte) {
    if (u->rx_count >= rx_capacity(u)) {
        u->lsr |= LSR_OE;
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
}

static uint8_t rx_pop(Uart16550 *u) {
    if (!u->rx_count) return 0;
    uint8_t b = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
    u->rx_count--;
    return b;
}

/* Modem input lines: a connected terminal outside loopback, the MCR
 * outputs inside it.  Changes set the MSR delta bits (RI: trailing edge). */
static void update_msr_lines(Uart16550 *u) {
    uint8_t lines = MSR_CTS | MSR_DSR | MSR_DCD;
    if (u->mcr & MCR_LOOP) {
        lines = ((u->mcr & MCR_RTS) ? MSR_CTS : 0) | ((u->mcr & MCR_DTR) ? MSR_DSR : 0) |
                ((u->mcr & MCR_OUT1) ? MSR_RI : 0) | ((u->mcr & MCR_OUT2) ? MSR_DCD : 0);
    }
    uint8_t old = u->msr & 0xf0, changed = old ^ lines, deltas = u->msr & MSR_DELTAS;
    if (changed & MSR_CTS) deltas |= MSR_DCTS;
    if (changed & MSR_DSR) deltas |= MSR_DDSR;
    if (changed & MSR_DCD) deltas |= MSR_DDCD;
    if ((old & MSR_RI) && !(lines & MSR_RI)) deltas |= MSR_TERI;
    u->msr = lines | deltas;
}

void uart_reset(Uart16550 *u) {
    u->ier = u->lcr = u->mcr = u->lsr = u->scr = u->fcr = 0;
    u->divisor = 0;
    u->thr_ipending = false;
    u->msr = MSR_CTS | MSR_DSR | MSR_DCD;
    rx_flush(u);
    u->irq_level = false;
    irq_set(&u->irq, 0);
}

void uart_init(Uart16550 *u, UartTxFn tx, void *tx_opaque, IrqLine irq) {
    u->tx = tx;
    u->tx_opaque = tx_opaque;
    u->irq = irq;
    uart_reset(u);
}

size_t uart_can_receive(const Uart16550 *u) {
    if (u->mcr & MCR_LOOP) return 0;
    return rx_capacity(u) - u->rx_count;
}

size_t uart_receive(Uart16550 *u, const uint8_t *buf, size_t len) {
    size_t room = uart_can_receive(u), n = len < room ? len : room;
    for (size_t i = 0; i < n; i++) rx_push(u, buf[i]);
    if (n) update_irq(u);
    return n;
}

static uint64_t uart_read(void *opaque, uint64_t offset, unsigned size) {
    Uart16550 *u = opaque;
    uint8_t val = 0;
    switch (offset) {
    case REG_RBR_THR_DLL:
        if (u->lcr & LCR_DLAB) return u->divisor & 0xff;
        val = rx_pop(u);
        break;
    case REG_IER_DLM:
        return (u->lcr & LCR_DLAB) ? u->divisor >> 8 : u->ier;
    case REG_IIR_FCR: {
        uint8_t id = iir_id(u);
        if (id == IIR_THRI) u->thr_ipending = false;
        val = id | (fifo_on(u) ? IIR_FIFO_ENABLED : 0);
        break;
    }
    case REG_LCR:
        return u->lcr;
    case REG_MCR:
        return u->mcr;
    case REG_LSR:
        val = u->lsr | LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
        u->lsr &= ~LSR_ERRORS;
        break;
    case REG_MSR:
        val = u->msr;
        u->msr &= ~MSR_DELTAS;
        break;
    case REG_SCR:
        return u->scr;
    default:
        return 0;
    }
    update_irq(u);
    return val;
}

static void uart_transmit(Uart16550 *u, uint8_t byte) {
    if (u->mcr & MCR_LOOP) rx_push(u, byte);
    else if (u->tx) u->tx(u->tx_opaque, byte);
    /* Sent at once: the holding register is empty again. */
    u->thr_ipending = true;
}

static void uart_write_fcr(Uart16550 *u, uint8_t val) {
    /* Toggling FIFO enable clears the FIFOs; other bits need FE set. */
    if ((val ^ u->fcr) & FCR_FE) rx_flush(u);
    if (!(val & FCR_FE)) {
        u->fcr = 0;
        return;
    }
    if (val & FCR_RFR) rx_flush(u);
    u->fcr = val & (FCR_FE | FCR_TRIGGER);
}

static void uart_write(void *opaque, uint64_t offset, uint64_t value, unsigned size) {
    Uart16550 *u = opaque;
    uint8_t val = (uint8_t)value;
    switch (offset) {
    case REG_RBR_THR_DLL:
        if (u->lcr & LCR_DLAB) u->divisor = (u->divisor & 0xff00) | val;
        else uart_transmit(u, val);
        break;
    case REG_IER_DLM:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (val << 8));
        } else {
            uint8_t changed = (u->ier ^ val) & 0x0f;
            u->ier = val & 0x0f;
            if (changed & IER_THRI) u->thr_ipending = (u->ier & IER_THRI) != 0;
        }
        break;
    case REG_IIR_FCR:
        uart_write_fcr(u, val);
        break;
    case REG_LCR:
        u->lcr = val;
        break;
    case REG_MCR:
        u->mcr = val & 0x1f;
        update_msr_lines(u);
        break;
    case REG_SCR:
        u->scr = val;
        break;
    default: /* LSR, MSR are read-only; offsets >= 8 are not decoded */
        return;
    }
    update_irq(u);
}

const MemOps uart_mem_ops = {
    .read = uart_read,
    .write = uart_write,
    .min_size = 1,
    .max_size = 8,
};

int uart_fdt_node(VirtFdt *vf, uint64_t base, uint64_t size, uint32_t clock_hz, unsigned irq, bool is_stdout) {
    if (!vf->err && !vf->plic_phandle) vf->err = -FDT_ERR_BADPHANDLE;
    int node = virt_fdt_node(vf, "/soc", "serial", base);
    virt_fdt_prop_u32(vf, node, "interrupts", irq);
    virt_fdt_prop_u32(vf, node, "interrupt-parent", vf->plic_phandle);
    virt_fdt_prop_u32(vf, node, "clock-frequency", clock_hz);
    virt_fdt_prop_reg(vf, node, base, size);
    virt_fdt_prop_str(vf, node, "compatible", "ns16550a");
    if (is_stdout) {
        char path[48];
        snprintf(path, sizeof path, "/soc/serial@%llx", (unsigned long long)base);
        virt_fdt_prop_str(vf, virt_fdt_path(vf, "/chosen"), "stdout-path", path);
    }
    return vf->err;
}
