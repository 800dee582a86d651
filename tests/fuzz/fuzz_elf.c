/* fuzz_elf.c — libFuzzer target: random and mutated ELF files through the
 * Linux user-mode loader (machine/linux_user/lu_elf.c), without running
 * anything.
 *
 *   input ─▶ memfd ─▶ lu_load_elf_fd (as the program, PIE base)
 *                   ─▶ lu_load_elf_fd (again, as an interpreter, same space)
 *
 * The loader must never crash, and a successful load must be inside the
 * guest address space: every PT_LOAD segment in [LU_MMAP_MIN,
 * LU_GUEST_LIMIT), all its pages mapped, the file bytes in guest memory
 * where the segment says (checked independently of the loader, from the
 * input).  A failed load must say why.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "machine/linux_user/lu_internal.h"

static int fz_fd = -1;

static void fz_fail(const char *what, unsigned long long a, unsigned long long b) {
    fprintf(stderr, "fuzz_elf: %s (0x%llx, 0x%llx)\n", what, a, b);
    abort();
}

static void fz_check_image(LuProcess *p, const uint8_t *data, size_t size, const LuImage *img) {
    Elf64_Ehdr eh;
    if (size < sizeof eh) fz_fail("loaded a file shorter than an ELF header", size, 0);
    memcpy(&eh, data, sizeof eh);
    if (img->start >= img->end || img->end > LU_GUEST_LIMIT || img->start < LU_MMAP_MIN)
        fz_fail("image outside the guest space", img->start, img->end);
    if (img->brk > img->end) fz_fail("brk past the image", img->brk, img->end);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (eh.e_phoff + (uint64_t)(i + 1) * sizeof ph > size) fz_fail("phdr past the file", eh.e_phoff, i);
        memcpy(&ph, data + eh.e_phoff + (uint64_t)i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        uint64_t va = ph.p_vaddr + img->load_bias;
        if (va < LU_MMAP_MIN || va >= LU_GUEST_LIMIT || ph.p_memsz > LU_GUEST_LIMIT - va)
            fz_fail("segment outside the guest space", va, ph.p_memsz);
        if (va < img->start || va + ph.p_memsz > img->end) fz_fail("segment outside the image", va, ph.p_memsz);
        if (va + ph.p_memsz > p->stack_bottom) fz_fail("segment overlaps the stack area", va, ph.p_memsz);
        /* every page mapped (sampled: at most ~4096 checks per segment) */
        uint64_t first = va & MEM_PAGE_MASK, pages = (va + ph.p_memsz - first + MEM_PAGE_SIZE - 1) / MEM_PAGE_SIZE;
        uint64_t step = pages > 4096 ? pages / 4096 : 1;
        for (uint64_t k = 0; k < pages; k += step)
            if (!(mem_page_flags(&p->mem, first + k * MEM_PAGE_SIZE) & MEM_PAGE_VALID))
                fz_fail("segment page not mapped", first + k * MEM_PAGE_SIZE, i);
        if (!(mem_page_flags(&p->mem, first + (pages - 1) * MEM_PAGE_SIZE) & MEM_PAGE_VALID))
            fz_fail("last segment page not mapped", va, i);
        /* File bytes in place, unless another segment overlaps this one
         * (then the later one wins, as with the kernel's mappings). */
        bool overlap = false;
        for (unsigned j = 0; j < eh.e_phnum && !overlap; j++) {
            Elf64_Phdr q;
            memcpy(&q, data + eh.e_phoff + (uint64_t)j * sizeof q, sizeof q);
            if (j == i || q.p_type != PT_LOAD || q.p_memsz == 0) continue;
            uint64_t qs = (q.p_vaddr + img->load_bias) & MEM_PAGE_MASK;
            uint64_t qe = (q.p_vaddr + img->load_bias + q.p_memsz + MEM_PAGE_SIZE - 1) & MEM_PAGE_MASK;
            if (qs < ((va + ph.p_memsz + MEM_PAGE_SIZE - 1) & MEM_PAGE_MASK) && (va & MEM_PAGE_MASK) < qe) overlap = true;
        }
        if (overlap || ph.p_offset > size || ph.p_filesz > size - ph.p_offset) continue;
        for (uint64_t k = 0; k < ph.p_filesz; k++) {
            uint64_t a = va + k;
            if (!(mem_page_flags(&p->mem, a) & (MEM_PAGE_READ | MEM_PAGE_EXEC))) continue; /* PROT_NONE in the host */
            if (*(const uint8_t *)mem_host(&p->mem, a) != data[ph.p_offset + k])
                fz_fail("segment bytes differ from the file", a, k);
        }
    }
}

static void fz_load(LuProcess *p, const uint8_t *data, size_t size, bool is_interp, uint64_t pie_base) {
    LuImage img;
    char err[512] = "";
    memset(&img, 0, sizeof img);
    if (lu_load_elf_fd(p, fz_fd, is_interp, pie_base, &img, err, sizeof err)) {
        fz_check_image(p, data, size, &img);
    } else if (!err[0]) {
        fz_fail("load failed without a reason", size, is_interp);
    }
}

/* core/mem.c keeps flags per 4 KiB page, so mapping a segment costs
 * O(pages): a 128 GiB bss takes ~1 s in the -O2 binary but far more than
 * the fuzzer's per-input timeout under ASan and coverage.  Such inputs are
 * skipped here; tests/badinput checks the real binary with one. */
#define FZ_MAX_MEMSZ (1ull << 30)

static bool fz_too_big(const uint8_t *data, size_t size) {
    Elf64_Ehdr eh;
    if (size < sizeof eh) return false;
    memcpy(&eh, data, sizeof eh);
    for (unsigned i = 0; i < eh.e_phnum && i < 256; i++) {
        Elf64_Phdr ph;
        uint64_t off = eh.e_phoff + (uint64_t)i * sizeof ph;
        if (eh.e_phoff > size || off > size - sizeof ph) break;
        memcpy(&ph, data + off, sizeof ph);
        if (ph.p_type == PT_LOAD && ph.p_memsz > FZ_MAX_MEMSZ) return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (fz_too_big(data, size)) return -1; /* -1: not added to the corpus */
    if (fz_fd < 0) {
        fz_fd = memfd_create("fuzz_elf", MFD_CLOEXEC);
        if (fz_fd < 0) abort();
    }
    if (ftruncate(fz_fd, 0) != 0 || (size && pwrite(fz_fd, data, size, 0) != (ssize_t)size)) abort();
    static LuConfig cfg;
    LuProcess *p = calloc(1, sizeof *p);
    if (!p) abort();
    p->cfg = &cfg;
    p->log = stderr;
    if (!mem_init(&p->mem, LU_GUEST_LIMIT)) abort();
    lu_mmap_init(p);
    fz_load(p, data, size, false, LU_PIE_BASE);
    /* The same file as an interpreter, into the space the first load used:
     * exercises the overlap checks and the top-down allocator. */
    fz_load(p, data, size, true, 0);
    mem_destroy(&p->mem);
    free(p);
    return 0;
}
