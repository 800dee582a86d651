/* gdb_target.c — the riscv64 program tests/gdb/run.sh debugs with
 * gdb-multiarch, under vplat and under qemu-riscv64 (the reference).
 *
 * Lines the gdb script stops at carry a marker comment (LINE_*): the
 * script finds their numbers with grep, so edits here cannot silently
 * move a stop.  mixed() is hand-written assembly with compressed and
 * full-size instructions, so `stepi` must advance pc by 2, 4, 2 bytes.
 * The exit status is the sum of squares 1..5 = 55.  With an argument it
 * loops forever ("spin", for the Ctrl-C test), stores through a null
 * pointer ("segv") or calls abort() ("abort"), for the signal tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile long counter;                   /* the watchpoint's target */
long table[4] = {0x1111, 0x2222, 0x3333, 0x4444};

__attribute__((noinline)) long square(long x) {
    return x * x;                        /* LINE_SQUARE */
}

__attribute__((noinline)) long sum_squares(int n) {
    long s = 0;                          /* LINE_SUM_BEGIN */
    for (int i = 1; i <= n; i++) {
        s += square(i);                  /* LINE_CALL */
        counter = s;                     /* LINE_STORE */
    }
    return s;                            /* LINE_RETURN */
}

/* a0 += 1 (c.addi, 2 bytes); a0 += 2 (addi, 4 bytes); a0 += 3 (c.addi); ret */
long mixed(long a);
__asm__(".text\n"
        ".globl mixed\n"
        ".type mixed, @function\n"
        "mixed:\n"
        "  c.addi a0, 1\n"
        "  .option push\n"
        "  .option norvc\n"
        "  addi a0, a0, 2\n"
        "  .option pop\n"
        "  c.addi a0, 3\n"
        "  ret\n"
        ".size mixed, .-mixed\n");

__attribute__((noinline)) void crash(volatile long *p) {
    *p = 1;                              /* LINE_CRASH */
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "spin")) {
        puts("spinning");                /* run.sh interrupts once it sees this */
        fflush(stdout);
        for (;;) counter++;              /* LINE_SPIN */
    }
    if (argc > 1 && !strcmp(argv[1], "segv"))
        crash(0);
    if (argc > 1 && !strcmp(argv[1], "abort"))
        abort();
    long m = mixed(10);                  /* LINE_MIXED */
    long r = sum_squares(5);             /* LINE_MAIN_CALL */
    printf("mixed %ld sum %ld table %lx\n", m, r, table[1]);   /* LINE_PRINTF */
    return (int)r;                       /* LINE_MAIN_RETURN */
}
