/* mem.h — guest memory for user mode: one host reservation at a guest base.
 *
 * The whole guest address space [0, limit) is reserved up front as
 * PROT_NONE host memory at `base`; a guest address a lives at base + a, so
 * a guest access can never reach host memory outside the reservation (the
 * tiers check a < limit, and unmapped pages fault in the host).
 *
 * Page flags record what the guest mapped (MEM_PAGE_*).  Pages holding
 * translated code and guest-writable are write-protected in the host
 * (MEM_PAGE_CODE); a guest store to one faults, the handler invalidates the
 * page's TBs, restores write access and retries the store (core/exec.c).
 *
 * System mode (the virt board) adds a softmmu TLB beside this; user mode
 * never pays for it.
 */
#ifndef VPLAT_CORE_MEM_H
#define VPLAT_CORE_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEM_PAGE_BITS 12
#define MEM_PAGE_SIZE ((uint64_t)1 << MEM_PAGE_BITS)
#define MEM_PAGE_MASK (~(MEM_PAGE_SIZE - 1))
/* Inaccessible bytes reserved after `limit`: a tier may check only that an
 * access starts below limit; its last bytes then fault in the guard. */
#define MEM_GUARD_SIZE ((uint64_t)1 << 16)

enum {
    MEM_PAGE_READ  = 1u << 0,
    MEM_PAGE_WRITE = 1u << 1,
    MEM_PAGE_EXEC  = 1u << 2,
    MEM_PAGE_VALID = 1u << 3,   /* mapped by the guest */
    MEM_PAGE_CODE  = 1u << 4,   /* holds translated code: host write-protected */
};

typedef struct GuestMem {
    uint8_t *base;        /* host address of guest address 0 */
    uint64_t limit;       /* size of the guest address space */
    uint8_t **flags_l1;   /* two-level page-flag table */
    uint32_t l1_entries;
    /* Called by mem_write before it writes into pages marked MEM_PAGE_CODE
     * (the machine invalidates the TBs of [addr, addr+len) there); mem_write
     * then clears MEM_PAGE_CODE on those pages and restores host write
     * access.  NULL: no TB cache to keep coherent. */
    void (*code_write)(void *opaque, uint64_t addr, uint64_t len);
    void *code_write_opaque;
} GuestMem;

/* Reserve [0, limit) (limit a multiple of the page size).  false on failure. */
bool mem_init(GuestMem *m, uint64_t limit);
void mem_destroy(GuestMem *m);

/* Map / protect / unmap guest pages: the host mapping and the page flags
 * change together.  prot is MEM_PAGE_READ|WRITE|EXEC.  Return false (and
 * change nothing) if the range is outside [0, limit). */
bool mem_map(GuestMem *m, uint64_t addr, uint64_t len, uint32_t prot);
bool mem_protect(GuestMem *m, uint64_t addr, uint64_t len, uint32_t prot);
bool mem_unmap(GuestMem *m, uint64_t addr, uint64_t len);

uint32_t mem_page_flags(const GuestMem *m, uint64_t addr);
void mem_set_page_flags(GuestMem *m, uint64_t addr, uint32_t flags);

/* True if every byte of [addr, addr+len) is mapped with all of `need`. */
bool mem_range_ok(const GuestMem *m, uint64_t addr, uint64_t len, uint32_t need);

static inline void *mem_host(const GuestMem *m, uint64_t addr) { return m->base + addr; }

/* Copy to / from guest memory for the machine (syscalls, loaders); the
 * host page protection is bypassed only for pages the guest mapped.
 * Return false if any byte is unmapped or lacks the permission. */
bool mem_read(const GuestMem *m, uint64_t addr, void *dst, size_t len);
bool mem_write(GuestMem *m, uint64_t addr, const void *src, size_t len);
/* Read a NUL-terminated string of at most max bytes; false if unmapped/too long. */
bool mem_read_str(const GuestMem *m, uint64_t addr, char *dst, size_t max);

/* A debugger's copy (the gdb stub): every page the guest mapped, ignoring
 * its permissions; writes invalidate translated code there.  false if any
 * byte is unmapped (a write may then have changed earlier pages). */
bool mem_debug_access(GuestMem *m, uint64_t addr, void *buf, size_t len, bool is_write);

/* Write-protect a page that now holds translated code (if guest-writable). */
void mem_protect_code_page(GuestMem *m, uint64_t addr);
/* Undo it (after invalidating the page's TBs). */
void mem_unprotect_code_page(GuestMem *m, uint64_t addr);

#endif
