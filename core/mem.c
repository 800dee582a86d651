/* mem.c — user-mode guest memory: one PROT_NONE host reservation of the
 * whole guest address space plus a two-level page-flag table.
 *
 *   guest address a  ──▶  host address base + a      (a < limit)
 *   page flags       ──▶  flags_l1[page >> L2_BITS][page & L2_MASK]
 *
 * The host protection of a page is always derived from its guest flags
 * (mem_host_prot): readable if the guest may read or execute it (the
 * translator fetches code through the host mapping), writable if the guest
 * may write it and it does not hold translated code.  Pages the guest never
 * mapped stay PROT_NONE, so any stray guest access faults in the host and
 * core/exec.c turns it into a guest exception.
 *
 * mem_read/mem_write are the machine's (syscalls, loaders) checked copies:
 * they test the guest flags first, so a bad guest pointer is reported
 * instead of faulting the host.  mem_write into a code page first lets the
 * machine invalidate the TBs there (GuestMem.code_write) and then drops the
 * page's code protection, exactly what the store fault path does.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define L2_BITS 14u
#define L2_ENTRIES (1u << L2_BITS)
#define L2_MASK (L2_ENTRIES - 1u)

static int mem_host_prot(uint32_t flags) {
    if (!(flags & MEM_PAGE_VALID))
        return PROT_NONE;
    int p = PROT_NONE;
    if (flags & (MEM_PAGE_READ | MEM_PAGE_EXEC))
        p |= PROT_READ;
    if ((flags & MEM_PAGE_WRITE) && !(flags & MEM_PAGE_CODE))
        p |= PROT_READ | PROT_WRITE;
    return p;
}

/* [addr, addr+len) rounded out to pages, inside [0, limit)?  len 0 is ok. */
static bool mem_page_range(const GuestMem *m, uint64_t addr, uint64_t len, uint64_t *start,
                           uint64_t *end) {
    if (addr >= m->limit || len > m->limit - addr)
        return false;
    *start = addr & MEM_PAGE_MASK;
    *end = (addr + len + MEM_PAGE_SIZE - 1) & MEM_PAGE_MASK;
    return true;
}

bool mem_init(GuestMem *m, uint64_t limit) {
    memset(m, 0, sizeof(*m));
    if (limit == 0 || (limit & ~MEM_PAGE_MASK))
        return false;
    void *p = mmap(NULL, limit + MEM_GUARD_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    uint64_t pages = limit >> MEM_PAGE_BITS;
    m->l1_entries = (uint32_t)((pages + L2_ENTRIES - 1) >> L2_BITS);
    m->flags_l1 = calloc(m->l1_entries, sizeof(uint8_t *));
    if (!m->flags_l1) {
        munmap(p, limit + MEM_GUARD_SIZE);
        return false;
    }
    m->base = p;
    m->limit = limit;
    return true;
}

void mem_destroy(GuestMem *m) {
    if (m->base)
        munmap(m->base, m->limit + MEM_GUARD_SIZE);
    if (m->flags_l1) {
        for (uint32_t i = 0; i < m->l1_entries; i++)
            free(m->flags_l1[i]);
        free(m->flags_l1);
    }
    memset(m, 0, sizeof(*m));
}

uint32_t mem_page_flags(const GuestMem *m, uint64_t addr) {
    if (addr >= m->limit)
        return 0;
    uint64_t page = addr >> MEM_PAGE_BITS;
    const uint8_t *l2 = m->flags_l1[page >> L2_BITS];
    return l2 ? l2[page & L2_MASK] : 0;
}

void mem_set_page_flags(GuestMem *m, uint64_t addr, uint32_t flags) {
    if (addr >= m->limit)
        return;
    uint64_t page = addr >> MEM_PAGE_BITS;
    uint8_t **slot = &m->flags_l1[page >> L2_BITS];
    if (!*slot) {
        if (!flags)
            return;
        *slot = calloc(L2_ENTRIES, 1);
        if (!*slot)
            abort(); /* out of host memory for a 16 KiB table: nothing sane to do */
    }
    (*slot)[page & L2_MASK] = (uint8_t)flags;
}

/* mprotect [start, end) page by page from the flags, merging equal runs. */
static bool mem_apply_host_prot(GuestMem *m, uint64_t start, uint64_t end) {
    bool ok = true;
    uint64_t run = start;
    int run_prot = -1;
    for (uint64_t a = start; a <= end; a += MEM_PAGE_SIZE) {
        int p = a < end ? mem_host_prot(mem_page_flags(m, a)) : -2;
        if (p != run_prot) {
            if (run_prot >= 0 && mprotect(m->base + run, a - run, run_prot) != 0)
                ok = false;
            run = a;
            run_prot = p;
        }
        if (a == end)
            break;
    }
    return ok;
}

bool mem_map(GuestMem *m, uint64_t addr, uint64_t len, uint32_t prot) {
    uint64_t start, end;
    if (!mem_page_range(m, addr, len, &start, &end))
        return false;
    if (end == start)
        return true;
    uint32_t flags = MEM_PAGE_VALID | (prot & (MEM_PAGE_READ | MEM_PAGE_WRITE | MEM_PAGE_EXEC));
    void *p = mmap(m->base + start, end - start, mem_host_prot(flags),
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    for (uint64_t a = start; a < end; a += MEM_PAGE_SIZE)
        mem_set_page_flags(m, a, flags);
    return true;
}

bool mem_protect(GuestMem *m, uint64_t addr, uint64_t len, uint32_t prot) {
    uint64_t start, end;
    if (!mem_page_range(m, addr, len, &start, &end))
        return false;
    for (uint64_t a = start; a < end; a += MEM_PAGE_SIZE)
        if (!(mem_page_flags(m, a) & MEM_PAGE_VALID))
            return false;
    prot &= MEM_PAGE_READ | MEM_PAGE_WRITE | MEM_PAGE_EXEC;
    for (uint64_t a = start; a < end; a += MEM_PAGE_SIZE) {
        uint32_t f = mem_page_flags(m, a);
        mem_set_page_flags(m, a, (f & (MEM_PAGE_VALID | MEM_PAGE_CODE)) | prot);
    }
    return mem_apply_host_prot(m, start, end);
}

bool mem_unmap(GuestMem *m, uint64_t addr, uint64_t len) {
    uint64_t start, end;
    if (!mem_page_range(m, addr, len, &start, &end))
        return false;
    if (end == start)
        return true;
    /* Replace with fresh PROT_NONE memory: drops the contents (and any file
     * mapping) but keeps the reservation. */
    void *p = mmap(m->base + start, end - start, PROT_NONE,
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    for (uint64_t a = start; a < end; a += MEM_PAGE_SIZE)
        mem_set_page_flags(m, a, 0);
    return true;
}

bool mem_range_ok(const GuestMem *m, uint64_t addr, uint64_t len, uint32_t need) {
    if (len == 0)
        return addr <= m->limit;
    uint64_t start, end;
    if (!mem_page_range(m, addr, len, &start, &end))
        return false;
    uint32_t want = need | MEM_PAGE_VALID;
    for (uint64_t a = start; a < end; a += MEM_PAGE_SIZE)
        if ((mem_page_flags(m, a) & want) != want)
            return false;
    return true;
}

bool mem_read(const GuestMem *m, uint64_t addr, void *dst, size_t len) {
    if (!mem_range_ok(m, addr, len, MEM_PAGE_READ))
        return false;
    if (len)
        memcpy(dst, m->base + addr, len);
    return true;
}

bool mem_write(GuestMem *m, uint64_t addr, const void *src, size_t len) {
    if (!mem_range_ok(m, addr, len, MEM_PAGE_WRITE))
        return false;
    if (len == 0)
        return true;
    uint64_t start = addr & MEM_PAGE_MASK, end = (addr + len + MEM_PAGE_SIZE - 1) & MEM_PAGE_MASK;
    for (uint64_t a = start; a < end; a += MEM_PAGE_SIZE) {
        if (!(mem_page_flags(m, a) & MEM_PAGE_CODE))
            continue;
        if (m->code_write)
            m->code_write(m->code_write_opaque, a, MEM_PAGE_SIZE);
        mem_unprotect_code_page(m, a);
    }
    memcpy(m->base + addr, src, len);
    return true;
}

bool mem_read_str(const GuestMem *m, uint64_t addr, char *dst, size_t max) {
    size_t done = 0;
    while (done < max) {
        uint64_t a = addr + done;
        if (a < addr || !mem_range_ok(m, a, 1, MEM_PAGE_READ))
            return false;
        size_t chunk = (size_t)(MEM_PAGE_SIZE - (a & ~MEM_PAGE_MASK));
        if (chunk > max - done)
            chunk = max - done;
        const char *src = (const char *)m->base + a;
        const char *nul = memchr(src, 0, chunk);
        if (nul) {
            memcpy(dst + done, src, (size_t)(nul - src) + 1);
            return true;
        }
        memcpy(dst + done, src, chunk);
        done += chunk;
    }
    return false;
}

/* A debugger's access: any page the guest mapped, whatever its
 * permissions (gdb reads and patches .text); the host protection is
 * lifted around the copy.  A write keeps translated code coherent like
 * mem_write. */
bool mem_debug_access(GuestMem *m, uint64_t addr, void *buf, size_t len, bool is_write) {
    if (!mem_range_ok(m, addr, len, 0))
        return false;
    uint8_t *p = buf;
    while (len) {
        uint64_t page = addr & MEM_PAGE_MASK;
        size_t n = (size_t)(page + MEM_PAGE_SIZE - addr);
        if (n > len)
            n = len;
        uint32_t f = mem_page_flags(m, page);
        if (is_write && (f & MEM_PAGE_CODE)) {
            if (m->code_write)
                m->code_write(m->code_write_opaque, page, MEM_PAGE_SIZE);
            mem_unprotect_code_page(m, page);
            f = mem_page_flags(m, page);
        }
        int have = mem_host_prot(f);
        int need = is_write ? PROT_READ | PROT_WRITE : PROT_READ;
        bool lift = (have & need) != need;
        if (lift && mprotect(m->base + page, MEM_PAGE_SIZE, need) != 0)
            return false;
        if (is_write)
            memcpy(m->base + addr, p, n);
        else
            memcpy(p, m->base + addr, n);
        if (lift)
            mprotect(m->base + page, MEM_PAGE_SIZE, have);
        addr += n;
        p += n;
        len -= n;
    }
    return true;
}

void mem_protect_code_page(GuestMem *m, uint64_t addr) {
    uint64_t page = addr & MEM_PAGE_MASK;
    uint32_t f = mem_page_flags(m, page);
    if (!(f & MEM_PAGE_VALID) || (f & MEM_PAGE_CODE))
        return;
    mem_set_page_flags(m, page, f | MEM_PAGE_CODE);
    if (f & MEM_PAGE_WRITE)
        mprotect(m->base + page, MEM_PAGE_SIZE, mem_host_prot(f | MEM_PAGE_CODE));
}

void mem_unprotect_code_page(GuestMem *m, uint64_t addr) {
    uint64_t page = addr & MEM_PAGE_MASK;
    uint32_t f = mem_page_flags(m, page);
    if (!(f & MEM_PAGE_CODE))
        return;
    f &= ~(uint32_t)MEM_PAGE_CODE;
    mem_set_page_flags(m, page, f);
    if (f & MEM_PAGE_WRITE)
        mprotect(m->base + page, MEM_PAGE_SIZE, mem_host_prot(f));
}
