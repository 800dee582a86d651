/* hello_args.c — hello world, argv, the whole envp and a few auxv values.
 *
 * The runner passes argv (with spaces and empty strings) and a fixed
 * environment through `env -i`, so the output is identical under any
 * correct loader: it checks the initial stack layout (argc/argv/envp/auxv).
 * envp is printed sorted: qemu-riscv64 hands the environment to the guest
 * in reverse order (its envlist prepends), Linux in the original order, and
 * neither is worth a test failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

extern char **environ;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv, char **envp)
{
    printf("hello, world\n");
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "non-NULL");
    int n = 0;
    while (envp[n])
        n++;
    char **sorted = malloc(sizeof(char *) * (size_t)(n + 1));
    memcpy(sorted, envp, sizeof(char *) * (size_t)n);
    qsort(sorted, (size_t)n, sizeof(char *), cmp_str);
    for (int i = 0; i < n; i++)
        printf("envp(sorted)[%d]=[%s]\n", i, sorted[i]);
    free(sorted);
    printf("envc=%d environ==envp:%d\n", n, environ == envp);
    const char *v = getenv("VT_CHOSEN");
    printf("getenv(VT_CHOSEN)=%s\n", v ? v : "(unset)");
    v = getenv("VT_MISSING");
    printf("getenv(VT_MISSING)=%s\n", v ? v : "(unset)");
    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
    fprintf(stderr, "this line goes to stderr\n");
    fflush(stdout);
    return 0;
}
