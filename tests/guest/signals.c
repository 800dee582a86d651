/* signals.c — fatal and handled signals: `signals MODE` (see main).
 *
 * The unhandled modes must end the process by that signal (qemu-riscv64
 * re-raises it on itself, so the runner compares the wait status); the
 * handled ones print the siginfo fields (si_signo, si_code, si_addr
 * relative to a known address) and continue.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf back;
static volatile uintptr_t expect_addr;

static void handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    printf("caught signal %d code=%d addr_match=%d\n", sig, si->si_code,
           (uintptr_t)si->si_addr == expect_addr);
    fflush(stdout);
    siglongjmp(back, 1);
}

static void install(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

/* Illegal instructions as standalone functions, so that si_addr (the pc
 * of the faulting instruction) can be compared with the function address. */
asm(".pushsection .text\n"
    ".globl sig_illegal16\n"
    "sig_illegal16:\n"
    "    .2byte 0x0000\n"          /* an all-zero parcel is defined illegal */
    "    ret\n"
    ".globl sig_illegal_csr\n"
    "sig_illegal_csr:\n"
    "    csrr a0, mstatus\n"       /* a machine-mode CSR from user mode */
    "    ret\n"
    ".globl sig_illegal_frm\n"
    "sig_illegal_frm:\n"
    "    fsrmi 5\n"                /* reserved rounding mode in frm ... */
    "    fadd.d fa0, fa0, fa0, dyn\n" /* ... makes a dyn-rm op illegal */
    "    ret\n"
    ".popsection\n");
void sig_illegal16(void);
void sig_illegal_csr(void);
void sig_illegal_frm(void);

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "segv";
    printf("mode %s\n", mode);
    fflush(stdout);
    if (strcmp(mode, "segv") == 0) {
        volatile int *volatile p = (int *)16;
        *p = 1;
    } else if (strcmp(mode, "segv_read") == 0) {
        volatile int *volatile p = (int *)0xdead0000;
        printf("%d\n", *p);
    } else if (strcmp(mode, "segv_handled") == 0) {
        install(SIGSEGV);
        char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        mprotect(page + 4096, 4096, PROT_NONE);
        for (int i = 0; i < 3; i++) {
            expect_addr = (uintptr_t)(page + 4096 + i * 8);
            if (sigsetjmp(back, 1) == 0) {
                page[4095] = 1;
                printf("write below ok\n");
                *(volatile char *)expect_addr = 2;
                printf("not reached\n");
            }
        }
        expect_addr = (uintptr_t)page + 4100;
        if (sigsetjmp(back, 1) == 0)
            printf("%d\n", *(volatile char *)expect_addr);
        mprotect(page, 4096, PROT_READ);
        expect_addr = (uintptr_t)page + 8;
        if (sigsetjmp(back, 1) == 0)
            *(volatile char *)expect_addr = 3;
        printf("read-only page still reads %d\n", page[4095]);
    } else if (strcmp(mode, "ill") == 0) {
        sig_illegal16();
    } else if (strcmp(mode, "ill_csr") == 0) {
        sig_illegal_csr();
    } else if (strcmp(mode, "ill_frm") == 0) {
        sig_illegal_frm();
    } else if (strcmp(mode, "ill_handled") == 0) {
        install(SIGILL);
        expect_addr = (uintptr_t)sig_illegal16;
        for (int i = 0; i < 2; i++)
            if (sigsetjmp(back, 1) == 0)
                sig_illegal16();
        expect_addr = (uintptr_t)sig_illegal_csr;
        if (sigsetjmp(back, 1) == 0)
            sig_illegal_csr();
        expect_addr = (uintptr_t)sig_illegal_frm + 4;
        if (sigsetjmp(back, 1) == 0)
            sig_illegal_frm();
        asm volatile("fsrmi 0");
    } else if (strcmp(mode, "abort") == 0) {
        abort();
    } else if (strcmp(mode, "ebreak") == 0) {
        asm volatile(".option push\n\t.option norvc\n\tebreak\n\t.option pop");
    } else if (strcmp(mode, "c_ebreak") == 0) {
        asm volatile("c.ebreak");
    } else if (strcmp(mode, "amo_misaligned") == 0) {
        static uint64_t words[2];
        uint64_t old;
        asm volatile("amoadd.d %0, %2, (%1)" : "=r"(old) : "r"((char *)words + 4), "r"(1L)
                     : "memory");
        printf("%lu\n", (unsigned long)old);
    } else if (strcmp(mode, "kill") == 0) {
        kill(getpid(), SIGTERM);
    } else if (strcmp(mode, "raise_handled") == 0) {
        install(SIGUSR2);
        expect_addr = 0;
        if (sigsetjmp(back, 1) == 0)
            raise(SIGUSR2);
    }
    printf("end of main\n");
    return 0;
}
