/* exit_codes.c — exit status plumbing: `exit_codes MODE VALUE`.
 *
 * MODE is "exit" (exit()), "return" (return from main), "_exit" (the raw
 * syscall path, skipping atexit) or "group" (exit_group via syscall()).
 * Values above 255 check that only the low 8 bits reach the parent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static void at_exit_hook(void) { printf("atexit hook ran\n"); }

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: exit_codes MODE VALUE\n");
        return 2;
    }
    int v = (int)strtol(argv[2], NULL, 0);
    atexit(at_exit_hook);
    printf("mode=%s value=%d\n", argv[1], v);
    if (strcmp(argv[1], "exit") == 0)
        exit(v);
    if (strcmp(argv[1], "_exit") == 0) {
        fflush(stdout);
        _exit(v);
    }
    if (strcmp(argv[1], "group") == 0) {
        fflush(stdout);
        syscall(SYS_exit_group, v);
    }
    return v;
}
