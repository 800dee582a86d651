/* strings.c — string.h / stdlib string functions at every alignment and
 * length (glibc's word-at-a-time loops stress loads, shifts and the byte
 * tricks), plus snprintf/sscanf/strtol on edge inputs.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static unsigned long hash(const void *p, size_t n)
{
    const unsigned char *c = p;
    unsigned long h = 5381;
    for (size_t i = 0; i < n; i++)
        h = h * 33 ^ c[i];
    return h;
}

int main(void)
{
    static char src[300], dst[300];
    unsigned long h = 0;
    for (int i = 0; i < 300; i++)
        src[i] = (char)(' ' + (i * 7) % 90);
    for (int off1 = 0; off1 < 8; off1++)
        for (int off2 = 0; off2 < 8; off2++)
            for (int len = 0; len < 70; len++) {
                memset(dst, 0, sizeof dst);
                memcpy(dst + off1, src + off2, len);
                h = h * 3 + hash(dst, 100);
                memmove(dst + off1 + 3, dst + off1, len);
                h = h * 3 + hash(dst, 100);
                memmove(dst + off2, dst + off2 + 5, len);
                h = h * 3 + hash(dst, 100);
                char tmp[100];
                memcpy(tmp + off2, src + off1, len);
                tmp[off2 + len] = 0;
                h = h * 3 + strlen(tmp + off2);
                h = h * 3 + (unsigned long)(memcmp(dst + off1, src + off2, len) > 0);
                h = h * 3 + (unsigned long)(strncmp(tmp + off2, src + off1, len) == 0);
                char *p = memchr(src + off1, src[off1 + len], len + 1);
                h = h * 3 + (unsigned long)(p ? p - src : -1);
            }
    printf("mem hash=%lx\n", h);

    char a[64] = "The quick brown fox", b[64];
    strcpy(b, a);
    strcat(b, " jumps");
    strncat(b, " over the lazy dog!!!", 14);
    printf("strcat: [%s] len=%zu\n", b, strlen(b));
    printf("strchr=%s strrchr=%s strstr=%s\n", strchr(b, 'q'), strrchr(b, 'o'), strstr(b, "fox"));
    printf("strspn=%zu strcspn=%zu strpbrk=%s\n", strspn(b, "The "), strcspn(b, "xyz"),
           strpbrk(b, "jl"));
    printf("strcmp: %d %d %d\n", strcmp("abc", "abd") < 0, strcmp("b", "a") > 0, strcmp("", ""));
    printf("strcasecmp=%d strncasecmp=%d\n", strcasecmp("HeLLo", "hello"),
           strncasecmp("ABCx", "abcy", 3));
    char tok[] = "a,b;;c,,d";
    printf("tokens:");
    for (char *s = strtok(tok, ",;"); s; s = strtok(NULL, ",;"))
        printf(" <%s>", s);
    printf("\n");
    char *dup = strdup(b);
    printf("strdup equal=%d strndup=[%s]\n", strcmp(dup, b) == 0, strndup(b, 9));
    free(dup);
    memset(a, 'Z', 10);
    printf("memset: [%s]\n", a);
    for (char *s = b; *s; s++)
        *s = (char)toupper((unsigned char)*s);
    printf("upper: [%s]\n", b);

    const char *nums[] = {"0", "-1", "42", "0x7fffffffffffffff", "0x8000000000000000",
                          "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
                          "18446744073709551616", "0777", "  +12abc", "zz", "-0x10", "1e5"};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char *end;
        errno = 0;
        long l = strtol(nums[i], &end, 0);
        int e1 = errno;
        errno = 0;
        unsigned long ul = strtoul(nums[i], NULL, 0);
        int e2 = errno;
        printf("strtol(%s)=%ld end=%d erange=%d strtoul=%lu erange=%d atoi=%d\n", nums[i], l,
               (int)(end - nums[i]), e1 == ERANGE, ul, e2 == ERANGE, atoi(nums[i]));
    }
    printf("strtol base36=%ld base2=%ld\n", strtol("zz", NULL, 36), strtol("101101", NULL, 2));
    char out[128];
    int n = snprintf(out, sizeof out, "%d|%5d|%-5d|%05d|%x|%X|%o|%#x|%lld|%llu|%c|%s|%.3s|%%",
                     -42, 7, 7, -7, 255u, 255u, 8u, 255u, LLONG_MIN, ULLONG_MAX, 'Q', "str",
                     "truncate");
    printf("snprintf(%d): %s\n", n, out);
    n = snprintf(out, 10, "%s", "this is longer than ten");
    printf("snprintf truncated(%d): %s\n", n, out);
    int i1, i2;
    char w[20];
    double dd;
    n = sscanf("  123 -456 word 7.25", "%d %d %19s %lf", &i1, &i2, w, &dd);
    printf("sscanf=%d %d %d %s %g\n", n, i1, i2, w, dd);
    printf("strerror(2)=%s\n", strerror(2));
    return 0;
}
