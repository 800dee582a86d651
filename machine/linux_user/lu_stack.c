/* lu_stack.c — the initial process stack, laid out as the Linux kernel's
 * create_elf_tables() does for riscv64:
 *
 *   LU_STACK_TOP ─▶  [guard]
 *                    execfn string (AT_EXECFN)
 *                    envp strings, argv strings
 *                    16 random bytes (AT_RANDOM)
 *                    (padding to 16 bytes)
 *                    auxv pairs ... AT_NULL, 0
 *                    NULL, envp[envc-1] ... envp[0]
 *                    NULL, argv[argc-1] ... argv[0]
 *   sp (16-aligned) ▶ argc
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <string.h>
#include <unistd.h>

#include "machine/linux_user/lu_internal.h"

enum {
    LU_AT_NULL = 0, LU_AT_PHDR = 3, LU_AT_PHENT = 4, LU_AT_PHNUM = 5, LU_AT_PAGESZ = 6,
    LU_AT_BASE = 7, LU_AT_FLAGS = 8, LU_AT_ENTRY = 9, LU_AT_UID = 11, LU_AT_EUID = 12,
    LU_AT_GID = 13, LU_AT_EGID = 14, LU_AT_HWCAP = 16, LU_AT_CLKTCK = 17, LU_AT_SECURE = 23,
    LU_AT_RANDOM = 25, LU_AT_EXECFN = 31,
};

#define LU_HWCAP(c) (1ull << ((c) - 'A'))
#define LU_HWCAP_RV64GC \
    (LU_HWCAP('I') | LU_HWCAP('M') | LU_HWCAP('A') | LU_HWCAP('F') | LU_HWCAP('D') | LU_HWCAP('C'))

/* Push a string below *sp; returns its guest address (0 on failure). */
static uint64_t lu_push_str(LuProcess *p, uint64_t *sp, const char *s) {
    size_t n = strlen(s) + 1;
    if (*sp - n < p->stack_bottom + MEM_PAGE_SIZE)
        return 0;
    *sp -= n;
    if (!mem_write(&p->mem, *sp, s, n))
        return 0;
    return *sp;
}

uint64_t lu_setup_stack(LuProcess *p, int argc, char **argv, char **envp) {
    p->stack_bottom = LU_STACK_TOP - LU_STACK_SIZE;
    if (!mem_map(&p->mem, p->stack_bottom, LU_STACK_SIZE, MEM_PAGE_READ | MEM_PAGE_WRITE))
        return 0;
    int envc = 0;
    while (envp && envp[envc])
        envc++;

    uint64_t sp = LU_STACK_TOP;
    uint64_t execfn = lu_push_str(p, &sp, p->execfn);
    if (!execfn)
        return 0;
    uint64_t env_addr[envc + 1], arg_addr[argc + 1];
    for (int i = envc - 1; i >= 0; i--)
        if (!(env_addr[i] = lu_push_str(p, &sp, envp[i])))
            return 0;
    for (int i = argc - 1; i >= 0; i--)
        if (!(arg_addr[i] = lu_push_str(p, &sp, argv[i])))
            return 0;
    uint8_t rnd[16];
    lu_fill_random(p, rnd, sizeof(rnd));
    sp = (sp - sizeof(rnd)) & ~15ull;
    uint64_t random_addr = sp;
    if (!mem_write(&p->mem, sp, rnd, sizeof(rnd)))
        return 0;

    uint64_t auxv[2 * 20];
    int na = 0;
#define AUX(k, v) (auxv[na++] = (k), auxv[na++] = (v))
    AUX(LU_AT_PHDR, p->exe.phdr);
    AUX(LU_AT_PHENT, p->exe.phent);
    AUX(LU_AT_PHNUM, p->exe.phnum);
    AUX(LU_AT_PAGESZ, MEM_PAGE_SIZE);
    AUX(LU_AT_BASE, p->has_interp ? p->interp.load_bias : 0);
    AUX(LU_AT_FLAGS, 0);
    AUX(LU_AT_ENTRY, p->exe.entry);
    AUX(LU_AT_UID, (uint64_t)getuid());
    AUX(LU_AT_EUID, (uint64_t)geteuid());
    AUX(LU_AT_GID, (uint64_t)getgid());
    AUX(LU_AT_EGID, (uint64_t)getegid());
    AUX(LU_AT_SECURE, 0);
    AUX(LU_AT_RANDOM, random_addr);
    AUX(LU_AT_HWCAP, LU_HWCAP_RV64GC);
    AUX(LU_AT_CLKTCK, (uint64_t)sysconf(_SC_CLK_TCK));
    AUX(LU_AT_EXECFN, execfn);
    AUX(LU_AT_NULL, 0);
#undef AUX

    uint64_t words = 1 + (uint64_t)argc + 1 + (uint64_t)envc + 1 + (uint64_t)na;
    sp = (sp - words * 8) & ~15ull;
    if (sp < p->stack_bottom + MEM_PAGE_SIZE)
        return 0;
    uint64_t w = sp;
    uint64_t v = (uint64_t)argc;
    bool ok = mem_write(&p->mem, w, &v, 8);
    w += 8;
    for (int i = 0; i < argc; i++, w += 8)
        ok = ok && mem_write(&p->mem, w, &arg_addr[i], 8);
    v = 0;
    ok = ok && mem_write(&p->mem, w, &v, 8);
    w += 8;
    for (int i = 0; i < envc; i++, w += 8)
        ok = ok && mem_write(&p->mem, w, &env_addr[i], 8);
    ok = ok && mem_write(&p->mem, w, &v, 8);
    w += 8;
    ok = ok && mem_write(&p->mem, w, auxv, (size_t)na * 8);
    /* a copy for the gdb stub (qXfer:auxv:read: gdb finds a PIE's load
     * address and the dynamic linker's from it) */
    memcpy(p->auxv, auxv, (size_t)na * 8);
    p->auxv_len = (size_t)na * 8;
    return ok ? sp : 0;
}
