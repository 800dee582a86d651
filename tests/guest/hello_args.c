/* hello_args.c — hello world, argv, the whole envp and a few auxv values.
 *
 * The runner passes argv (with spaces and empty strings) and a fixed
 * environment through `env -i`, so the output is identical under any
 * correct loader: it checks the initial stack layout (argc/argv/envp/auxv).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

extern char **environ;

int main(int argc, char **argv, char **envp)
{
    printf("hello, world\n");
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "non-NULL");
    int n = 0;
    for (char **e = envp; *e; e++, n++)
        printf("envp[%d]=[%s]\n", n, *e);
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
