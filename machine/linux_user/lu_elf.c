/* lu_elf.c — the ELF loader for Linux user mode: validates a RISC-V 64-bit
 * ELF (ET_EXEC or ET_DYN/PIE) and copies its PT_LOAD segments into guest
 * memory with their final permissions.
 *
 * Segments are read (pread) into fresh anonymous guest pages rather than
 * mmap'ed from the file, so the file offsets need no page congruence and
 * the bss (including the tail of the last file page) is zero by
 * construction.  Two segments sharing a page get the union of their
 * permissions, as the kernel's page-granular mappings would.
 *
 * Everything in the file is treated as hostile: header sizes, counts and
 * offsets are checked against the file size and the guest address space
 * before anything is mapped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/linux_user/lu_internal.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

#define LU_MAX_PHNUM 256

static bool lu_elf_fail(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

static bool lu_pread_all(int fd, void *buf, size_t len, uint64_t off) {
    uint8_t *b = buf;
    while (len) {
        ssize_t n = pread(fd, b, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        b += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return true;
}

static uint32_t lu_pflags_to_mem(uint32_t pf) {
    uint32_t r = 0;
    if (pf & PF_R)
        r |= MEM_PAGE_READ;
    if (pf & PF_W)
        r |= MEM_PAGE_WRITE;
    if (pf & PF_X)
        r |= MEM_PAGE_EXEC;
    return r;
}

static bool lu_load_fd(LuProcess *p, int fd, bool is_interp, uint64_t pie_base, LuImage *img,
                       char *err, size_t errlen) {
    struct stat st;
    if (fstat(fd, &st) != 0)
        return lu_elf_fail(err, errlen, "%s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return lu_elf_fail(err, errlen, "not a regular file");
    uint64_t fsize = (uint64_t)st.st_size;

    Elf64_Ehdr eh;
    if (fsize < EI_NIDENT || !lu_pread_all(fd, eh.e_ident, EI_NIDENT, 0) ||
        memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
        return lu_elf_fail(err, errlen, "not an ELF file");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64)
        return lu_elf_fail(err, errlen, "not a 64-bit ELF file (RISC-V 64-bit needed)");
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return lu_elf_fail(err, errlen, "not a little-endian ELF file");
    if (fsize < sizeof(eh) || !lu_pread_all(fd, &eh, sizeof(eh), 0))
        return lu_elf_fail(err, errlen, "truncated ELF header");
    if (eh.e_machine != EM_RISCV)
        return lu_elf_fail(err, errlen, "not a RISC-V executable (e_machine %u)", eh.e_machine);
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        return lu_elf_fail(err, errlen, "not an executable or shared object (e_type %u)",
                           eh.e_type);
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > LU_MAX_PHNUM)
        return lu_elf_fail(err, errlen, "bad program headers (phentsize %u, phnum %u)",
                           eh.e_phentsize, eh.e_phnum);
    uint64_t ph_bytes = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
    if (eh.e_phoff > fsize || ph_bytes > fsize - eh.e_phoff)
        return lu_elf_fail(err, errlen, "truncated file: program headers past its end");
    Elf64_Phdr ph[LU_MAX_PHNUM];
    if (!lu_pread_all(fd, ph, ph_bytes, eh.e_phoff))
        return lu_elf_fail(err, errlen, "cannot read program headers");

    /* Validate and find the span of the PT_LOAD segments. */
    uint64_t lo = UINT64_MAX, hi = 0;
    int n_load = 0;
    uint64_t phdr_vaddr = 0;
    bool have_phdr = false;
    img->interp[0] = 0;
    for (int i = 0; i < eh.e_phnum; i++) {
        const Elf64_Phdr *q = &ph[i];
        if (q->p_type == PT_INTERP) {
            if (is_interp)
                return lu_elf_fail(err, errlen, "the interpreter itself has a PT_INTERP");
            if (q->p_filesz < 2 || q->p_filesz > sizeof(img->interp) || q->p_offset > fsize ||
                q->p_filesz > fsize - q->p_offset)
                return lu_elf_fail(err, errlen, "bad PT_INTERP");
            if (!lu_pread_all(fd, img->interp, q->p_filesz, q->p_offset) ||
                img->interp[q->p_filesz - 1] != 0)
                return lu_elf_fail(err, errlen, "bad PT_INTERP");
        } else if (q->p_type == PT_PHDR) {
            phdr_vaddr = q->p_vaddr;
            have_phdr = true;
        }
        if (q->p_type != PT_LOAD)
            continue;
        if (q->p_memsz == 0)
            continue;
        if (q->p_filesz > q->p_memsz)
            return lu_elf_fail(err, errlen, "bad program header %d: filesz > memsz", i);
        if (q->p_offset > fsize || q->p_filesz > fsize - q->p_offset)
            return lu_elf_fail(err, errlen, "truncated file: segment %d past its end", i);
        if (q->p_vaddr >= LU_GUEST_LIMIT || q->p_memsz > LU_GUEST_LIMIT - q->p_vaddr)
            return lu_elf_fail(err, errlen,
                               "segment %d at 0x%llx+0x%llx is outside the address space", i,
                               (unsigned long long)q->p_vaddr, (unsigned long long)q->p_memsz);
        uint64_t s = q->p_vaddr & MEM_PAGE_MASK;
        uint64_t e = (q->p_vaddr + q->p_memsz + MEM_PAGE_SIZE - 1) & MEM_PAGE_MASK;
        if (s < lo)
            lo = s;
        if (e > hi)
            hi = e;
        n_load++;
        if (!have_phdr && eh.e_phoff >= q->p_offset && eh.e_phoff + ph_bytes <= q->p_offset + q->p_filesz)
            phdr_vaddr = q->p_vaddr + (eh.e_phoff - q->p_offset);
    }
    if (n_load == 0)
        return lu_elf_fail(err, errlen, "no loadable segments");

    /* Choose the load bias. */
    uint64_t span = hi - lo;
    uint64_t bias = 0;
    if (eh.e_type == ET_DYN) {
        uint64_t base = 0;
        if (pie_base && pie_base + span <= p->stack_bottom && lu_range_free(p, pie_base, span))
            base = pie_base;
        else
            base = lu_mmap_find_free(p, span, 0);
        if (!base)
            return lu_elf_fail(err, errlen, "no room in the guest address space (0x%llx bytes)",
                               (unsigned long long)span);
        bias = base - lo;
    } else {
        if (lo < LU_MMAP_MIN)
            return lu_elf_fail(err, errlen, "segment at 0x%llx is below the minimum address 0x%llx",
                               (unsigned long long)lo, (unsigned long long)LU_MMAP_MIN);
        /* The stack is mapped after the program (lu_setup_stack) and must
         * not land on it silently. */
        if (hi > p->stack_bottom)
            return lu_elf_fail(err, errlen, "segment ending at 0x%llx overlaps the stack area (0x%llx)",
                               (unsigned long long)hi, (unsigned long long)p->stack_bottom);
        if (!lu_range_free(p, lo, span))
            return lu_elf_fail(err, errlen, "segments overlap memory already in use");
    }
    uint64_t entry = eh.e_entry + bias;

    /* Map RW, copy the file bytes, then set the final permissions. */
    uint64_t brk = 0;
    for (int i = 0; i < eh.e_phnum; i++) {
        const Elf64_Phdr *q = &ph[i];
        if (q->p_type != PT_LOAD || q->p_memsz == 0)
            continue;
        uint64_t va = q->p_vaddr + bias;
        uint64_t s = va & MEM_PAGE_MASK;
        uint64_t e = (va + q->p_memsz + MEM_PAGE_SIZE - 1) & MEM_PAGE_MASK;
        /* One mem_map per run of unmapped pages: a segment may be huge
         * (a bss of many GiB), and page-at-a-time mmaps took minutes. */
        for (uint64_t a = s; a < e;) {
            if (mem_page_flags(&p->mem, a) & MEM_PAGE_VALID) {
                a += MEM_PAGE_SIZE;
                continue;
            }
            uint64_t run = a;
            while (a < e && !(mem_page_flags(&p->mem, a) & MEM_PAGE_VALID))
                a += MEM_PAGE_SIZE;
            if (!mem_map(&p->mem, run, a - run, MEM_PAGE_READ | MEM_PAGE_WRITE))
                return lu_elf_fail(err, errlen, "cannot map guest memory at 0x%llx",
                                   (unsigned long long)run);
        }
        if (q->p_filesz && !lu_pread_all(fd, mem_host(&p->mem, va), q->p_filesz, q->p_offset))
            return lu_elf_fail(err, errlen, "read error in segment %d", i);
        if (va + q->p_memsz > brk)
            brk = va + q->p_memsz;
    }
    /* Final permissions: per page, the union over the segments touching it.
     * The segments' page-rounded ends cut the image into intervals whose
     * pages all see the same segments: O(phnum^2), whatever the sizes. */
    uint64_t cut[2 * LU_MAX_PHNUM];
    int n_cut = 0;
    for (int i = 0; i < eh.e_phnum; i++) {
        const Elf64_Phdr *q = &ph[i];
        if (q->p_type != PT_LOAD || q->p_memsz == 0)
            continue;
        uint64_t va = q->p_vaddr + bias;
        uint64_t c[2] = {va & MEM_PAGE_MASK, (va + q->p_memsz + MEM_PAGE_SIZE - 1) & MEM_PAGE_MASK};
        for (int k = 0; k < 2; k++) { /* insertion into the sorted, distinct list */
            int pos = n_cut;
            while (pos > 0 && cut[pos - 1] > c[k])
                pos--;
            if (pos > 0 && cut[pos - 1] == c[k])
                continue;
            memmove(&cut[pos + 1], &cut[pos], (size_t)(n_cut - pos) * sizeof cut[0]);
            cut[pos] = c[k];
            n_cut++;
        }
    }
    for (int k = 0; k + 1 < n_cut; k++) {
        uint32_t prot = 0;
        bool covered = false;
        for (int i = 0; i < eh.e_phnum; i++) {
            const Elf64_Phdr *q = &ph[i];
            if (q->p_type != PT_LOAD || q->p_memsz == 0)
                continue;
            uint64_t qs = (q->p_vaddr + bias) & MEM_PAGE_MASK;
            uint64_t qe = (q->p_vaddr + bias + q->p_memsz + MEM_PAGE_SIZE - 1) & MEM_PAGE_MASK;
            if (qs <= cut[k] && cut[k + 1] <= qe) {
                prot |= lu_pflags_to_mem(q->p_flags);
                covered = true;
            }
        }
        if (covered)
            mem_protect(&p->mem, cut[k], cut[k + 1] - cut[k], prot);
    }

    img->load_bias = bias;
    img->entry = entry;
    img->phdr = phdr_vaddr ? phdr_vaddr + bias : 0;
    img->phnum = eh.e_phnum;
    img->phent = eh.e_phentsize;
    img->start = lo + bias;
    img->end = hi + bias;
    img->brk = brk;
    return true;
}

bool lu_load_elf(LuProcess *p, const char *path, bool is_interp, uint64_t pie_base, LuImage *img,
                 char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return lu_elf_fail(err, errlen, "%s", strerror(errno));
    bool ok = lu_load_fd(p, fd, is_interp, pie_base, img, err, errlen);
    close(fd);
    return ok;
}

bool lu_load_elf_fd(LuProcess *p, int fd, bool is_interp, uint64_t pie_base, LuImage *img,
                    char *err, size_t errlen) {
    return lu_load_fd(p, fd, is_interp, pie_base, img, err, errlen);
}
