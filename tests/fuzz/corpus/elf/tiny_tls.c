/* tiny_tls.c — seed for fuzz_elf: a freestanding C program with a TLS
 * segment, read-only data and a large bss (more program-header kinds). */
__thread int tls_counter = 3;
static const char msg[] = "seed\n";
static char big[1 << 16];

void _start(void) {
    big[100] = msg[0];
    long n = tls_counter + big[100];
    register long a0 __asm__("a0") = n & 0;
    register long a7 __asm__("a7") = 93;
    __asm__ volatile("ecall" : : "r"(a0), "r"(a7));
    for (;;) {}
}
