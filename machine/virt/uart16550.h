/* uart16550.h — a 16550A UART, the virt board's console (ns16550a at
 * 0x10000000, PLIC source 10), as Linux's 8250 driver and OpenSBI's
 * uart8250 driver program it.
 *
 *   guest MMIO ─▶ uart_mem_ops (register shift 0, 1..8-byte accesses, the
 *                 low byte counts)
 *   THR write  ─▶ tx(opaque, byte)                  (host: stdout)
 *   host input ─▶ uart_receive(u, buf, len) ─▶ 16-byte RX FIFO
 *   IIR state  ─▶ irq (level, signalled on change)   (PLIC source 10)
 *
 * Transmission is instantaneous: THRE and TEMT are always set, and a
 * THR-empty interrupt is due again right after each write.  Registers: RBR/THR,
 * IER, IIR/FCR (16-byte FIFOs, trigger 1/4/8/14), LCR (DLAB, divisor latch
 * kept), MCR (loopback: THR goes back to RBR, MSR mirrors MCR), LSR, MSR
 * (CTS, DSR, DCD up outside loopback), SCR.
 *
 * Not thread-safe: call uart_receive from the thread that runs the machine
 * (e.g. the run loop polls the host between blocks).
 */
#ifndef VPLAT_MACHINE_VIRT_UART16550_H
#define VPLAT_MACHINE_VIRT_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/irq.h"
#include "core/memory.h"
#include "machine/virt/virt_fdt.h"

#define UART_FIFO_SIZE 16

typedef void (*UartTxFn)(void *opaque, uint8_t byte);

typedef struct Uart16550 {
    UartTxFn tx;
    void *tx_opaque;
    IrqLine irq;
    bool irq_level;            /* last level driven on irq */

    uint8_t ier, lcr, mcr, lsr, msr, scr;
    uint8_t fcr;               /* sticky bits: FIFO enable, trigger level */
    uint16_t divisor;          /* DLM:DLL */
    bool thr_ipending;         /* THR-empty interrupt not yet acknowledged */

    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
} Uart16550;

/* Registers accept 1..8-byte accesses; the region is 0x100 bytes (the
 * device-tree reg) and offsets 8 and up read 0 and ignore writes. */
extern const MemOps uart_mem_ops;

/* tx may be NULL (output dropped); irq may be unwired.  Init drives irq
 * low, so whatever it is wired to (the PLIC) must be initialized first. */
void uart_init(Uart16550 *u, UartTxFn tx, void *tx_opaque, IrqLine irq);
void uart_reset(Uart16550 *u);

/* Bytes uart_receive would accept now (RX FIFO room; 1-byte holding
 * register while FIFOs are off; 0 in loopback mode). */
size_t uart_can_receive(const Uart16550 *u);
/* Queue host input; returns how many bytes were taken (the rest is the
 * caller's to retry after the guest reads). */
size_t uart_receive(Uart16550 *u, const uint8_t *buf, size_t len);

/* The device-tree node /soc/serial@base (compatible ns16550a), wired to
 * vf->plic_phandle source `irq`; `is_stdout` sets /chosen/stdout-path. */
int uart_fdt_node(VirtFdt *vf, uint64_t base, uint64_t size, uint32_t clock_hz, unsigned irq, bool is_stdout);

#endif
