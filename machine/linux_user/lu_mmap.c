/* lu_mmap.c — the guest's virtual address space: mmap, munmap, mprotect,
 * mremap and brk on top of core/mem.c.
 *
 * The whole guest space is one host PROT_NONE reservation (GuestMem), so
 * "mapping" guest pages means replacing reservation pages in place with
 * MAP_FIXED (anonymous, or the guest's host fd for file mappings) and
 * setting their page flags; unmapping puts fresh PROT_NONE pages back.
 * The reservation never gets a hole, so host allocations can never land
 * inside the guest's space.
 *
 * Free space is found by scanning page flags top-down from mmap_top (just
 * below the stack), which is what the kernel's top-down allocator does
 * with its VMA tree; the cost is proportional to what is mapped there.
 *
 * Whenever a mapping changes, the TBs translated from it are invalidated
 * (lu_invalidate_code) so stale code can never run from remapped memory.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include "machine/linux_user/lu_internal.h"

/* Linux generic mmap ABI (asm-generic/mman*.h), spelled out so the host's
 * values never leak in. */
enum {
    LU_PROT_READ = 1, LU_PROT_WRITE = 2, LU_PROT_EXEC = 4,
    LU_MAP_SHARED = 0x01, LU_MAP_PRIVATE = 0x02, LU_MAP_SHARED_VALIDATE = 0x03,
    LU_MAP_TYPE = 0x0f, LU_MAP_FIXED = 0x10, LU_MAP_ANONYMOUS = 0x20,
    LU_MAP_NORESERVE = 0x4000, LU_MAP_FIXED_NOREPLACE = 0x100000,
    LU_MREMAP_MAYMOVE = 1, LU_MREMAP_FIXED = 2, LU_MREMAP_DONTUNMAP = 4,
};

#define LU_MMAP_GAP (1ull << 20) /* between the stack and the mmap area */

void lu_mmap_init(LuProcess *p) {
    p->stack_bottom = LU_STACK_TOP - LU_STACK_SIZE;
    p->mmap_top = p->stack_bottom - LU_MMAP_GAP;
}

uint32_t lu_prot_to_mem(int prot) {
    uint32_t r = 0;
    if (prot & LU_PROT_READ)
        r |= MEM_PAGE_READ;
    if (prot & LU_PROT_WRITE)
        r |= MEM_PAGE_WRITE;
    if (prot & LU_PROT_EXEC)
        r |= MEM_PAGE_EXEC;
    return r;
}

/* Host protection for guest flags (mirrors core/mem.c). */
static int lu_host_prot(uint32_t f) {
    int hp = PROT_NONE;
    if (f & (MEM_PAGE_READ | MEM_PAGE_EXEC))
        hp |= PROT_READ;
    if (f & MEM_PAGE_WRITE)
        hp |= PROT_READ | PROT_WRITE;
    return hp;
}

static inline uint64_t lu_page_up(uint64_t x) { return (x + MEM_PAGE_SIZE - 1) & MEM_PAGE_MASK; }

bool lu_range_free(LuProcess *p, uint64_t addr, uint64_t len) {
    if (addr < LU_MMAP_MIN || addr >= LU_GUEST_LIMIT || len > LU_GUEST_LIMIT - addr)
        return false;
    for (uint64_t a = addr & MEM_PAGE_MASK; a < addr + len; a += MEM_PAGE_SIZE)
        if (mem_page_flags(&p->mem, a) & MEM_PAGE_VALID)
            return false;
    return true;
}

uint64_t lu_mmap_find_free(LuProcess *p, uint64_t len, uint64_t hint) {
    len = lu_page_up(len);
    if (len == 0 || len > p->mmap_top)
        return 0;
    hint &= MEM_PAGE_MASK;
    if (hint && lu_range_free(p, hint, len))
        return hint;
    uint64_t run_end = p->mmap_top; /* exclusive end of the current free run */
    for (uint64_t a = p->mmap_top; a >= LU_MMAP_MIN + MEM_PAGE_SIZE;) {
        a -= MEM_PAGE_SIZE;
        if (mem_page_flags(&p->mem, a) & MEM_PAGE_VALID) {
            run_end = a;
            continue;
        }
        if (run_end - a >= len)
            return run_end - len;
    }
    return 0;
}

/* Only pages marked MEM_PAGE_CODE hold TBs (core/exec.c marks them through
 * the TB cache's page_code_changed hook), so only those are invalidated:
 * tb_invalidate_range on a large range would flush the whole cache, and
 * munmap of big malloc chunks is frequent. */
void lu_invalidate_code(LuProcess *p, uint64_t addr, uint64_t len) {
    if (!p->cpu_ready || len == 0)
        return;
    uint64_t end = lu_page_up(addr + len);
    for (uint64_t a = addr & MEM_PAGE_MASK; a < end && a < LU_GUEST_LIMIT; a += MEM_PAGE_SIZE) {
        if (mem_page_flags(&p->mem, a) & MEM_PAGE_CODE) {
            tb_invalidate_page(p->cpu.cs.tbs, a);
            mem_unprotect_code_page(&p->mem, a);
        }
    }
}

bool lu_prepare_host_write(LuProcess *p, uint64_t addr, uint64_t len) {
    if (!mem_range_ok(&p->mem, addr, len, MEM_PAGE_WRITE))
        return false;
    if (len == 0)
        return true;
    uint64_t end = lu_page_up(addr + len);
    for (uint64_t a = addr & MEM_PAGE_MASK; a < end; a += MEM_PAGE_SIZE)
        if (mem_page_flags(&p->mem, a) & MEM_PAGE_CODE)
            lu_invalidate_code(p, a, MEM_PAGE_SIZE);
    return true;
}

static bool lu_any_valid(LuProcess *p, uint64_t addr, uint64_t len) {
    for (uint64_t a = addr; a < addr + len; a += MEM_PAGE_SIZE)
        if (mem_page_flags(&p->mem, a) & MEM_PAGE_VALID)
            return true;
    return false;
}

static void lu_set_flags(LuProcess *p, uint64_t addr, uint64_t len, uint32_t flags) {
    for (uint64_t a = addr; a < addr + len; a += MEM_PAGE_SIZE)
        mem_set_page_flags(&p->mem, a, flags);
}

int64_t lu_sys_mmap(LuProcess *p, uint64_t addr, uint64_t len, int prot, int flags, int fd,
                    uint64_t off) {
    if (len == 0 || (off & ~MEM_PAGE_MASK))
        return -EINVAL;
    int type = flags & LU_MAP_TYPE;
    if (type != LU_MAP_SHARED && type != LU_MAP_PRIVATE && type != LU_MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (len > LU_GUEST_LIMIT)
        return -ENOMEM;
    len = lu_page_up(len);
    bool anon = flags & LU_MAP_ANONYMOUS;
    bool fixed = flags & (LU_MAP_FIXED | LU_MAP_FIXED_NOREPLACE);

    if (!anon) {
        /* Catch the errors the kernel reports before touching any mapping. */
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0)
            return -EBADF;
        int acc = fl & O_ACCMODE;
        if (acc == O_WRONLY)
            return -EACCES;
        if (type != LU_MAP_PRIVATE && (prot & LU_PROT_WRITE) && acc != O_RDWR)
            return -EACCES;
    }

    if (fixed) {
        if (addr & ~MEM_PAGE_MASK)
            return -EINVAL;
        if (addr >= LU_GUEST_LIMIT || len > LU_GUEST_LIMIT - addr)
            return -ENOMEM;
        if (addr < LU_MMAP_MIN)
            return -EPERM; /* mmap_min_addr */
        if ((flags & LU_MAP_FIXED_NOREPLACE) && lu_any_valid(p, addr, len))
            return -EEXIST;
    } else {
        addr = lu_mmap_find_free(p, len, addr);
        if (!addr)
            return -ENOMEM;
    }

    lu_invalidate_code(p, addr, len);
    uint32_t mflags = MEM_PAGE_VALID | lu_prot_to_mem(prot);
    int hflags = MAP_FIXED | (type == LU_MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED);
    if (flags & LU_MAP_NORESERVE)
        hflags |= MAP_NORESERVE;
    void *r;
    if (anon)
        r = mmap(mem_host(&p->mem, addr), len, lu_host_prot(mflags),
                 hflags | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    else
        r = mmap(mem_host(&p->mem, addr), len, lu_host_prot(mflags), hflags, fd, (off_t)off);
    if (r == MAP_FAILED) {
        int e = errno;
        /* Restore the reservation (the old pages may be gone). */
        mem_unmap(&p->mem, addr, len);
        return -e;
    }
    lu_set_flags(p, addr, len, mflags);
    return (int64_t)addr;
}

int64_t lu_sys_munmap(LuProcess *p, uint64_t addr, uint64_t len) {
    if ((addr & ~MEM_PAGE_MASK) || len == 0)
        return -EINVAL;
    if (addr >= LU_GUEST_LIMIT || len > LU_GUEST_LIMIT - addr)
        return -EINVAL;
    len = lu_page_up(len);
    if (addr + len > LU_GUEST_LIMIT)
        return -EINVAL;
    lu_invalidate_code(p, addr, len);
    return mem_unmap(&p->mem, addr, len) ? 0 : -EINVAL;
}

int64_t lu_sys_mprotect(LuProcess *p, uint64_t addr, uint64_t len, int prot) {
    if (addr & ~MEM_PAGE_MASK)
        return -EINVAL;
    if (prot & ~(LU_PROT_READ | LU_PROT_WRITE | LU_PROT_EXEC | 0x03000000 /* GROWSDOWN/UP */))
        return -EINVAL;
    if (len == 0)
        return 0;
    if (addr >= LU_GUEST_LIMIT || len > LU_GUEST_LIMIT - addr)
        return -ENOMEM;
    len = lu_page_up(len);
    if (!mem_range_ok(&p->mem, addr, len, 0))
        return -ENOMEM;
    lu_invalidate_code(p, addr, len);
    return mem_protect(&p->mem, addr, len, lu_prot_to_mem(prot)) ? 0 : -ENOMEM;
}

int64_t lu_sys_mremap(LuProcess *p, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
                      int flags, uint64_t new_addr) {
    if ((old_addr & ~MEM_PAGE_MASK) || (flags & ~(LU_MREMAP_MAYMOVE | LU_MREMAP_FIXED |
                                                  LU_MREMAP_DONTUNMAP)))
        return -EINVAL;
    if ((flags & LU_MREMAP_FIXED) && !(flags & LU_MREMAP_MAYMOVE))
        return -EINVAL;
    if (flags & LU_MREMAP_DONTUNMAP)
        return -EINVAL; /* not supported */
    if (new_len == 0 || old_len > LU_GUEST_LIMIT || new_len > LU_GUEST_LIMIT)
        return -EINVAL;
    old_len = lu_page_up(old_len);
    new_len = lu_page_up(new_len);
    if (old_addr >= LU_GUEST_LIMIT || old_len > LU_GUEST_LIMIT - old_addr)
        return -EFAULT;
    if (old_len == 0 || !mem_range_ok(&p->mem, old_addr, old_len, 0))
        return -EFAULT;
    uint32_t tail_flags = mem_page_flags(&p->mem, old_addr + old_len - MEM_PAGE_SIZE) &
                          ~(uint32_t)MEM_PAGE_CODE;

    if (!(flags & LU_MREMAP_FIXED)) {
        if (new_len <= old_len) {
            if (new_len < old_len) {
                lu_invalidate_code(p, old_addr + new_len, old_len - new_len);
                mem_unmap(&p->mem, old_addr + new_len, old_len - new_len);
            }
            return (int64_t)old_addr;
        }
        /* Grow in place if the pages after it are free (anonymous tail). */
        if (lu_range_free(p, old_addr + old_len, new_len - old_len)) {
            if (!mem_map(&p->mem, old_addr + old_len, new_len - old_len,
                         tail_flags & (MEM_PAGE_READ | MEM_PAGE_WRITE | MEM_PAGE_EXEC)))
                return -ENOMEM;
            return (int64_t)old_addr;
        }
        if (!(flags & LU_MREMAP_MAYMOVE))
            return -ENOMEM;
        new_addr = lu_mmap_find_free(p, new_len, 0);
        if (!new_addr)
            return -ENOMEM;
    } else {
        if ((new_addr & ~MEM_PAGE_MASK) || new_addr < LU_MMAP_MIN || new_addr >= LU_GUEST_LIMIT ||
            new_len > LU_GUEST_LIMIT - new_addr)
            return -EINVAL;
        if (new_addr < old_addr + old_len && old_addr < new_addr + new_len)
            return -EINVAL;
        lu_invalidate_code(p, new_addr, new_len);
    }

    /* Move: the host kernel moves the pages (and any file backing). */
    lu_invalidate_code(p, old_addr, old_len);
    void *r = mremap(mem_host(&p->mem, old_addr), old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
                     mem_host(&p->mem, new_addr));
    if (r == MAP_FAILED)
        return -errno;
    uint64_t copy = old_len < new_len ? old_len : new_len;
    for (uint64_t o = 0; o < new_len; o += MEM_PAGE_SIZE) {
        uint32_t f = o < copy ? mem_page_flags(&p->mem, old_addr + o) & ~(uint32_t)MEM_PAGE_CODE
                              : tail_flags;
        mem_set_page_flags(&p->mem, new_addr + o, f);
    }
    /* The old range is now a hole in the host reservation: refill it. */
    mem_unmap(&p->mem, old_addr, old_len);
    return (int64_t)new_addr;
}

int64_t lu_sys_brk(LuProcess *p, uint64_t addr) {
    if (addr < p->brk_start || addr >= p->mmap_top)
        return (int64_t)p->brk_cur;
    uint64_t cur_end = lu_page_up(p->brk_cur);
    uint64_t new_end = lu_page_up(addr);
    if (new_end > cur_end) {
        if (!lu_range_free(p, cur_end, new_end - cur_end))
            return (int64_t)p->brk_cur;
        if (!mem_map(&p->mem, cur_end, new_end - cur_end, MEM_PAGE_READ | MEM_PAGE_WRITE))
            return (int64_t)p->brk_cur;
    } else if (new_end < cur_end) {
        lu_invalidate_code(p, new_end, cur_end - new_end);
        mem_unmap(&p->mem, new_end, cur_end - new_end);
    }
    p->brk_cur = addr;
    return (int64_t)addr;
}
