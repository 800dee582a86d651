/* memory.c — physical address space: region table and access dispatch
 * (see memory.h).  The table is small and sorted; lookups are a binary
 * search, taken only on softmmu TLB misses and device accesses. */
#define _GNU_SOURCE
#include "core/memory.h"

#include <string.h>
#include <sys/mman.h>

void as_init(AddressSpace *as) { memset(as, 0, sizeof *as); }

void as_destroy(AddressSpace *as) {
    for (unsigned i = 0; i < as->n_regions; i++) {
        MemRegion *r = &as->regions[i];
        if (r->ram) munmap(r->ram, r->size);
    }
    as->n_regions = 0;
}

static MemRegion *as_insert(AddressSpace *as, const char *name, uint64_t base, uint64_t size) {
    if (size == 0 || base + size < base || as->n_regions == AS_MAX_REGIONS) return NULL;
    unsigned pos = 0;
    while (pos < as->n_regions && as->regions[pos].base < base) pos++;
    if (pos > 0) {
        const MemRegion *prev = &as->regions[pos - 1];
        if (prev->base + prev->size > base) return NULL;
    }
    if (pos < as->n_regions && base + size > as->regions[pos].base) return NULL;
    memmove(&as->regions[pos + 1], &as->regions[pos], (as->n_regions - pos) * sizeof(MemRegion));
    as->n_regions++;
    MemRegion *r = &as->regions[pos];
    memset(r, 0, sizeof *r);
    r->name = name;
    r->base = base;
    r->size = size;
    return r;
}

MemRegion *as_add_ram(AddressSpace *as, const char *name, uint64_t base, uint64_t size, bool readonly) {
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return NULL;
    MemRegion *r = as_insert(as, name, base, size);
    if (!r) {
        munmap(p, size);
        return NULL;
    }
    r->ram = p;
    r->readonly = readonly;
    return r;
}

MemRegion *as_add_io(AddressSpace *as, const char *name, uint64_t base, uint64_t size, const MemOps *ops,
                     void *opaque) {
    if (!ops || !ops->read || !ops->write || ops->min_size == 0 || ops->max_size < ops->min_size ||
        ops->max_size > 8)
        return NULL;
    MemRegion *r = as_insert(as, name, base, size);
    if (!r) return NULL;
    r->ops = ops;
    r->opaque = opaque;
    return r;
}

const MemRegion *as_find(const AddressSpace *as, uint64_t addr) {
    unsigned lo = 0, hi = as->n_regions;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        const MemRegion *r = &as->regions[mid];
        if (addr < r->base) hi = mid;
        else if (addr - r->base >= r->size) lo = mid + 1;
        else return r;
    }
    return NULL;
}

uint8_t *as_ram_ptr(const AddressSpace *as, uint64_t addr, uint64_t len) {
    const MemRegion *r = as_find(as, addr);
    if (!r || !r->ram || len > r->size - (addr - r->base)) return NULL;
    return r->ram + (addr - r->base);
}

static bool io_size_ok(const MemRegion *r, uint64_t addr, unsigned size) {
    return size >= r->ops->min_size && size <= r->ops->max_size && size <= r->size - (addr - r->base);
}

MemTx as_read(const AddressSpace *as, uint64_t addr, unsigned size, uint64_t *val) {
    const MemRegion *r = as_find(as, addr);
    *val = 0;
    if (!r) return MEMTX_ERROR;
    if (r->ram) {
        if (size > r->size - (addr - r->base)) return MEMTX_ERROR;
        uint64_t v = 0;
        memcpy(&v, r->ram + (addr - r->base), size);
        *val = v;
        return MEMTX_OK;
    }
    if (!io_size_ok(r, addr, size)) return MEMTX_ERROR;
    uint64_t v = r->ops->read(r->opaque, addr - r->base, size);
    if (size < 8) v &= (1ull << (size * 8)) - 1;
    *val = v;
    return MEMTX_OK;
}

MemTx as_write(AddressSpace *as, uint64_t addr, unsigned size, uint64_t val) {
    const MemRegion *r = as_find(as, addr);
    if (!r) return MEMTX_ERROR;
    if (r->ram) {
        if (r->readonly || size > r->size - (addr - r->base)) return MEMTX_ERROR;
        if (as->code_write) as->code_write(as->code_write_opaque, addr, size);
        memcpy(r->ram + (addr - r->base), &val, size);
        return MEMTX_OK;
    }
    if (!io_size_ok(r, addr, size)) return MEMTX_ERROR;
    if (size < 8) val &= (1ull << (size * 8)) - 1;
    r->ops->write(r->opaque, addr - r->base, val, size);
    return MEMTX_OK;
}

/* Bulk access over consecutive RAM regions; nothing is copied unless every
 * byte is backed. */
static MemTx as_bulk(AddressSpace *as, uint64_t addr, void *buf, size_t len, bool is_write, bool force) {
    for (uint64_t a = addr, left = len; left;) {
        const MemRegion *r = as_find(as, a);
        if (!r || !r->ram || (is_write && r->readonly && !force)) return MEMTX_ERROR;
        uint64_t n = r->size - (a - r->base);
        if (n > left) n = left;
        a += n;
        left -= n;
        if (left && a == 0) return MEMTX_ERROR; /* wrapped */
    }
    uint8_t *p = buf;
    for (uint64_t a = addr, left = len; left;) {
        const MemRegion *r = as_find(as, a);
        uint64_t n = r->size - (a - r->base);
        if (n > left) n = left;
        if (is_write) {
            if (as->code_write) as->code_write(as->code_write_opaque, a, n);
            memcpy(r->ram + (a - r->base), p, n);
        } else {
            memcpy(p, r->ram + (a - r->base), n);
        }
        a += n;
        p += n;
        left -= n;
    }
    return MEMTX_OK;
}

MemTx as_rw(AddressSpace *as, uint64_t addr, void *buf, size_t len, bool is_write) {
    return as_bulk(as, addr, buf, len, is_write, false);
}

MemTx as_load_rom(AddressSpace *as, uint64_t addr, const void *buf, size_t len) {
    return as_bulk(as, addr, (void *)buf, len, true, true);
}
