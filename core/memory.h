/* memory.h — the physical address space of a system-mode machine: RAM, ROM
 * and device (I/O) regions, and the one dispatch path every access takes
 * when it is not a RAM hit in the softmmu TLB.
 *
 *   softmmu TLB miss / I/O page ─▶ as_read / as_write ─▶ region lookup
 *        ├─ RAM/ROM region: host memory at ram + (addr - base)
 *        └─ I/O region:     ops->read / ops->write (opaque, offset, size)
 *   DMA, loaders, gdb      ─▶ as_rw (bulk bytes, RAM/ROM only)
 *
 * A device is an I/O region plus IRQ lines (core/irq.h); the core never
 * switches on device addresses.  Accesses of a size the device does not
 * accept, and addresses no region covers, return MEMTX_ERROR: the CPU turns
 * that into an access fault, a DMA engine into a device error.
 *
 * Code coherence: bulk writes into RAM (DMA, loaders) call `code_write` so
 * the TB cache can drop translations of the bytes changed (the CPU's own
 * stores take the softmmu's dirty-tracking path instead).
 */
#ifndef VPLAT_CORE_MEMORY_H
#define VPLAT_CORE_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum MemTx {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,      /* no region, or an access size the region refuses */
} MemTx;

typedef struct MemOps {
    /* offset is relative to the region's base; size is 1, 2, 4 or 8 and
     * within [min_size, max_size]; the access never crosses the region end. */
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
    uint8_t min_size, max_size;   /* accepted access sizes in bytes */
} MemOps;

typedef struct MemRegion {
    const char *name;
    uint64_t base, size;
    uint8_t *ram;                 /* RAM/ROM: host backing; NULL for I/O */
    bool readonly;                /* ROM: CPU stores fault, as_rw writes refuse */
    const MemOps *ops;            /* I/O only */
    void *opaque;
} MemRegion;

#define AS_MAX_REGIONS 64

typedef struct AddressSpace {
    MemRegion regions[AS_MAX_REGIONS];   /* sorted by base, never overlapping */
    unsigned n_regions;
    void (*code_write)(void *opaque, uint64_t addr, uint64_t len);
    void *code_write_opaque;
} AddressSpace;

void as_init(AddressSpace *as);
/* Frees RAM allocated by as_add_ram. */
void as_destroy(AddressSpace *as);

/* Add zero-filled RAM (or ROM when readonly) of `size` bytes at `base`.
 * Returns the region, or NULL (overlap, no memory, too many regions). */
MemRegion *as_add_ram(AddressSpace *as, const char *name, uint64_t base, uint64_t size, bool readonly);
/* Add a device region. */
MemRegion *as_add_io(AddressSpace *as, const char *name, uint64_t base, uint64_t size, const MemOps *ops,
                     void *opaque);

/* The region holding addr, or NULL. */
const MemRegion *as_find(const AddressSpace *as, uint64_t addr);
/* Host pointer for [addr, addr+len) if it lies in one RAM/ROM region. */
uint8_t *as_ram_ptr(const AddressSpace *as, uint64_t addr, uint64_t len);

/* One access of 1, 2, 4 or 8 bytes (little-endian).  RAM accesses may be
 * unaligned; device accesses must lie inside one region. */
MemTx as_read(const AddressSpace *as, uint64_t addr, unsigned size, uint64_t *val);
MemTx as_write(AddressSpace *as, uint64_t addr, unsigned size, uint64_t val);

/* Bulk copy between RAM/ROM and buf (DMA, loaders, debugger).  Every byte
 * must be RAM (or ROM when reading, or when `force` for loaders);
 * MEMTX_ERROR changes nothing. */
MemTx as_rw(AddressSpace *as, uint64_t addr, void *buf, size_t len, bool is_write);
MemTx as_load_rom(AddressSpace *as, uint64_t addr, const void *buf, size_t len);

#endif
